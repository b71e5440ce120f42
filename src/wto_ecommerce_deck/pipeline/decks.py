"""The decks of every language, written by a second process while the kernels still run.

The build's main process mostly waits on its kernels while they execute; the export of a deck is
CPU work in Python (nbconvert's template, its BeautifulSoup pass, the notebook copies), about a
second a language, which the main process used to do only after the last notebook ran: the first
languages' decks waited for the last language's kernels, and a second core stood idle. Now a
`Writer` forks one worker process before the kernels start (no event loop, no kernel socket
exists yet to be inherited), and hands it each notebook as soon as it is executed (or found in
the cache): the worker writes that section's deck at once, and a language's full deck, index,
sources page and student copies once its last section is in. The worker is the only writer of
these files: it keeps the executed notebooks it parsed for the full deck of their language.

What the worker writes is what the main process wrote before, by the same functions, in the same
temporary folder: the same sources give the same bytes (checked with `diff -r` of `build/`). An
error is reported as before: `finish` waits for every deck, then raises the first error in the
order the decks used to be written (a language's full deck, then its sections, French first);
an interrupted or failed build kills the worker before the temporary folder is removed.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import traceback
from pathlib import Path

from .. import messages
from ..conventions import FULL_DECK, slide_count
from ..errors import BuildError
from ..messages import t
from . import layout

# The parts of a language, in the order the main process used to write them: its errors come in it.
FULL, PAGES = "full", "pages"

# In the worker only: the executed notebooks of each language by name, and their decks' entries.
_parsed: dict[str, dict[str, object]] = {}
_entries: dict[str, dict[str, object]] = {}


class Writer:
    """Writes the decks into `tmp` in a worker process, each as soon as its notebook is in (`add`).

    `finish()` waits for all of them and returns (decks written, the plotly trace types they draw);
    leaving the `with` block in any other way kills the worker."""

    def __init__(self, tmp: Path, out: Path, sections, langs: list[str], single_file: bool, facts_audit) -> None:
        self.tmp, self.langs, self.sections = tmp, langs, sections
        self._missing = {lang: {s.name for s in sections} for lang in langs}
        self._keys: list[tuple] = []
        for lang in langs:
            for folder in ("slides", "notebooks") + ((layout.SINGLE,) if single_file else ()):
                (tmp / folder / lang).mkdir(parents=True)
        context = multiprocessing.get_context("fork")  # the worker inherits the build's state, nothing is pickled
        self._jobs, self._results = context.Queue(), context.Queue()
        self._worker = context.Process(
            target=_serve, args=(self._jobs, self._results, tmp, out, sections, langs, facts_audit),
            name="deck-writer", daemon=True,
        )
        self._worker.start()
        self._send(("vendor",), "vendor")

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, *exc) -> None:
        if self._worker.is_alive():
            self._worker.kill()
        self._worker.join()
        self._jobs.cancel_join_thread()  # jobs the worker will never read: do not wait to flush them
        self._jobs.close()
        self._results.close()

    def _send(self, key: tuple, *job) -> None:
        self._keys.append(key)
        self._jobs.put((key, job))

    def add(self, lang: str, name: str, text: str) -> None:
        """The executed notebook `name` of `lang` (its JSON text): write its deck now, and the
        language's full deck and pages when it was the last one."""
        self._send((lang, name), "section", lang, name, text)
        self._missing[lang].discard(name)
        if not self._missing[lang]:
            self._send((lang, FULL), "language", lang)

    def finish(self) -> tuple[int, set[str]]:
        self._jobs.put(None)
        results = {}
        while len(results) < len(self._keys):
            try:
                key, payload = self._results.get(timeout=1)
            except queue.Empty:
                if not self._worker.is_alive():
                    raise BuildError(f"the process that writes the decks stopped (exit code {self._worker.exitcode})") from None
                continue
            results[key] = pickle.loads(payload)
        order = [("vendor",)] + [(lang, part) for lang in self.langs for part in (FULL, *(s.name for s in self.sections))]
        for key in order:
            value, error = results[key]
            if error is not None:
                raise error
        count = sum(1 for key in order if key != ("vendor",))
        traces = set().union(*(results[key][0] for key in order if key != ("vendor",) and key[1] != FULL))
        return count, traces


def _serve(jobs, results, tmp, out, sections, langs, facts_audit) -> None:
    """The worker: run each job, send back (value, error), until None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, and the build stops this process
    while (item := jobs.get()) is not None:
        key, (kind, *args) = item
        try:
            if kind == "vendor":
                value = _vendor(tmp)
            elif kind == "section":
                value = _section(tmp, out, langs, sections, facts_audit, *args)
            else:
                value = _language(tmp, out, langs, sections, facts_audit, *args)
            payload = (value, None)
        except BaseException as exc:  # noqa: BLE001 - sent to the build, which raises it
            payload = (None, exc)
        try:
            data = pickle.dumps(payload)
        except Exception:  # noqa: BLE001 - an error that cannot cross processes: its text does
            data = pickle.dumps((None, RuntimeError("".join(traceback.format_exception(payload[1])))))
        results.put((key, data))
    results.close()
    results.join_thread()
    os._exit(0)  # not the build's clean-up (atexit, its temporary folder): that is the build's own


def _vendor(tmp: Path) -> None:
    """Every pinned local asset; and the deck template compiled, before the first deck needs it."""
    from . import export, vendor

    vendor.install(tmp / layout.VENDOR)
    export.exporter().template  # noqa: B018 - nbconvert loads and compiles the template on first access


def _section(tmp, out, langs, sections, facts_audit, lang: str, name: str, text: str) -> set[str]:
    import nbformat

    from . import bundles

    nb = nbformat.reads(text, as_version=4)
    _parsed.setdefault(lang, {})[name] = nb
    section = next(s for s in sections if s.name == name)
    title = nb.metadata.get("title", section.title)
    _entries.setdefault(lang, {})[name] = _with_extras(tmp, out, lang, langs, name, nb, title, facts_audit)
    return bundles.trace_types([nb])


def _language(tmp, out, langs, sections, facts_audit, lang: str) -> None:
    """The language's full deck (its sections chained), then its index, sources page and student copies."""
    from . import notebooks, site, sources, student

    nbs = _parsed[lang]
    full = notebooks.chain([nbs[s.name] for s in sections])
    full_title = t("deck.full_deck_title", lang)
    full.metadata["title"] = full_title
    entries = [_with_extras(tmp, out, lang, langs, FULL_DECK, full, full_title, facts_audit)]
    entries += [_entries[lang][s.name] for s in sections]
    (tmp / layout.page_name(layout.INDEX_PAGE, lang)).write_text(site.index_html(entries, lang, langs), encoding="utf-8")
    titles = {s.name: nbs[s.name].metadata.get("title", s.title) for s in sections}
    sources.write_sources_page(tmp, facts_audit, lang, titles)
    student.write_copies(tmp, langs=[lang])


def _with_extras(tmp, out, lang, langs, name, nb, title, facts_audit):
    """One deck of `lang`, ending with its glossary and « Sources » slides in that language;
    returns its index entry (with the PDFs `make pdf` and the site `make lite` left in build/)."""
    from . import glossary, site, sources

    # the sources page as a deck links it, from build/slides/<lang>/
    sources_href = "../../" + layout.page_name(layout.SOURCES_PAGE, lang)
    previous = messages.language()
    messages.use(lang)  # the « Sources » slide's words (and anything a template looks up without a language)
    try:
        # each deck ends with its « Sources » slide (a copy: the executed notebook stays as run)
        # … after the glossary slide (pipeline/glossary.py), in the deck's language
        deck = sources.with_sources_slide(glossary.with_glossary_slide(nb, lang), name, facts_audit, lang, sources_href)
        entry = _write_deck(tmp, lang, langs, name, deck, title)
    finally:
        messages.use(previous)
    return site.with_lite(site.with_pdfs(entry, out), out)


def _write_deck(out: Path, lang: str, langs: list[str], name: str, nb, title: str):
    import nbformat

    from . import export, site

    # the same deck in the other languages: slides/<other>/<name>.html
    others = [
        dict(lang=other, name=messages.group("language_name", other)[other], href=f"../{other}/{name}.html")
        for other in langs if other != lang
    ]
    html = export.to_html(nb, title, f"../../{layout.VENDOR}", lang, others)
    (out / layout.slides_path(lang, name)).write_text(html, encoding="utf-8")
    nbformat.write(nb, str(out / layout.notebook_path(lang, name)))
    return site.DeckEntry(
        name, title, slide_count(nb.cells), layout.slides_path(lang, name), layout.notebook_path(lang, name), lang=lang
    )


def write_single_files(tmp: Path, langs: list[str], sections) -> None:
    """`--single-file`: each deck of `tmp/slides/` with its assets inlined, into `tmp/single/`. Done
    after the plotly bundle is chosen (from every deck's trace types), which the decks inline."""
    from .inline import InlineError, single_file as inline_assets

    for lang in langs:
        for name in [FULL_DECK] + [s.name for s in sections]:
            html = (tmp / layout.slides_path(lang, name)).read_text(encoding="utf-8")
            try:
                whole = inline_assets(html, tmp / "slides" / lang)
            except InlineError as exc:
                raise BuildError(f"slides/{lang}/{name}.html: {exc}") from None
            (tmp / layout.SINGLE / lang / f"{name}.html").write_text(whole, encoding="utf-8")
