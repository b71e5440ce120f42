"""The notebooks' prose in other languages: gettext catalogues beside the French source.

French is the original. For every other language, `notebooks/locale/<lang>/<notebook>.po`
holds one entry per markdown cell (context: the cell's id; msgid: the French source; msgstr:
its translation) and one for the notebook's title (context `metadata:title`). A translated
notebook is the French notebook with those texts replaced, and nothing else: the code cells,
the cell ids, the slide types and the tags are the French notebook's own, so every language
has the same slides, fragments, plots and exercises by construction. One code change only:
the setup cell's `deck.setup()` becomes `deck.setup(lang="en")`, so that the figures, quizzes
and explorers speak the notebook's language wherever it runs (the build, `make present`, a
student's JupyterLab or JupyterLite), with no environment to set.

Why gettext and not per-cell variants in the notebook: a translator works in a file made
for translation (Poedit, Weblate, any editor), the French notebook stays readable and its
diff small, and a French cell that changes no longer matches its old msgid: `update` keeps
the old translation as *fuzzy* (with the previous French beside it) and the build refuses a
fuzzy or missing entry, naming the file, the cell and the first words of its French text, so
a translation can never silently drift from the French.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..conventions import TITLE_CONTEXT
from ..errors import BuildError

SOURCE_LANGUAGE = "fr"
SETUP_CALL = "deck.setup()"
# Fixed header dates: the catalogues change only when a text does (readable diffs, same bytes).
HEADER_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
HEADER_COMMENT = (
    "# {notebook}: the French notebook's prose in this language.\n"
    "# Kept in line with the French by `python -m wto_ecommerce_deck translations`; see docs/maintainers.md."
)


class TranslationError(BuildError):
    """A missing, fuzzy or obsolete translation; str() is the line the user sees."""


@dataclass(frozen=True)
class Unit:
    context: str
    source: str


def catalogue_path(locale_dir: Path, lang: str, notebook_name: str) -> Path:
    return locale_dir / lang / f"{notebook_name}.po"


def units(nb) -> list[Unit]:
    """What a translator translates in one notebook, in notebook order."""
    found = []
    title = (nb.get("metadata") or {}).get("title")
    if title:
        found.append(Unit(TITLE_CONTEXT, title))
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        source = _text(cell.get("source", ""))
        if source.strip():
            found.append(Unit(cell.get("id") or f"cell-{index}", source))
    return found


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def _first_words(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def read_catalogue(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def write_catalogue(path: Path, catalogue) -> None:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=0, omit_header=False, sort_output=False, include_previous=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def _catalogue(lang: str, notebook: str):
    from babel.messages.catalog import Catalog

    catalogue = Catalog(
        locale=lang,
        project="wto-ecommerce-deck",
        version="1",
        creation_date=HEADER_DATE,
        revision_date=HEADER_DATE,
        last_translator="wto-ecommerce-deck",
        language_team=lang,
        fuzzy=False,
    )
    catalogue.header_comment = HEADER_COMMENT.format(notebook=notebook)
    return catalogue


def update(nb, path: Path, lang: str) -> tuple[int, int, int]:
    """Bring one catalogue in line with its French notebook.

    New cells get an empty entry; a cell whose French changed keeps its old translation,
    marked fuzzy, with the previous French kept (`#| msgid`) for the translator; entries of
    cells that no longer exist are dropped. Returns (new, changed, dropped)."""
    old = read_catalogue(path) if path.exists() else []
    by_context = {message.context: message for message in old if message.id and message.context}
    fresh = _catalogue(lang, path.stem)
    new = changed = 0
    for unit in units(nb):
        before = by_context.pop(unit.context, None)
        if before is None:
            fresh.add(unit.source, "", context=unit.context)
            new += 1
        elif before.id == unit.source:
            fresh.add(unit.source, before.string, context=unit.context, flags=before.flags,
                      previous_id=before.previous_id)
        else:
            fresh.add(unit.source, before.string, context=unit.context, flags={"fuzzy"},
                      previous_id=before.id if before.string else ())
            changed += 1
    for message in fresh:
        # babel guesses `python-format` from a « % » in the French; the prose is no format string.
        message.flags.discard("python-format")
    write_catalogue(path, fresh)
    return new, changed, len(by_context)


def problems(nb, path: Path, lang: str, label: str | None = None) -> list[str]:
    """Every reason the notebook cannot be given in `lang`, one line each (naming the catalogue as
    `label`, default its path)."""
    label = label or path.as_posix()
    if not path.exists():
        return [f"{label}: no catalogue for this notebook (run `python -m wto_ecommerce_deck translations`)"]
    try:
        catalogue = read_catalogue(path)
    except Exception as exc:  # babel raises its own PoFileError, or a UnicodeError
        return [f"{label}: not a readable PO file: {exc}"]
    by_context = {message.context: message for message in catalogue if message.id and message.context}
    found = []
    for unit in units(nb):
        message = by_context.pop(unit.context, None)
        where = f"{label}: cell '{unit.context}' ({_first_words(unit.source)})"
        if message is None:
            found.append(f"{where}: no entry")
        elif message.id != unit.source:
            found.append(f"{where}: the French text changed since it was translated")
        elif "fuzzy" in message.flags:
            found.append(f"{where}: translation marked fuzzy")
        elif not message.string or not str(message.string).strip():
            found.append(f"{where}: not translated")
    for context in by_context:
        found.append(f"{label}: cell '{context}': entry for a cell the notebook no longer has")
    return found


def translate(nb, path: Path, lang: str, label: str | None = None):
    """The notebook in `lang`; the French notebook itself for French."""
    if lang == SOURCE_LANGUAGE:
        return nb
    found = problems(nb, path, lang, label)
    if found:
        raise TranslationError(found[0] + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""))
    strings = {m.context: str(m.string) for m in read_catalogue(path) if m.id and m.context}
    translated = copy.deepcopy(nb)
    if TITLE_CONTEXT in strings:
        translated.metadata["title"] = strings[TITLE_CONTEXT]
    translated.metadata["language"] = lang
    setup_done = False
    for index, cell in enumerate(translated.cells):
        context = cell.get("id") or f"cell-{index}"
        if cell.cell_type == "markdown" and context in strings:
            cell.source = strings[context]
        elif cell.cell_type == "code" and SETUP_CALL in cell.source and not setup_done:
            cell.source = cell.source.replace(SETUP_CALL, f'deck.setup(lang="{lang}")', 1)
            setup_done = True
    if not setup_done:
        raise TranslationError(f"{path.as_posix()}: the notebook has no `{SETUP_CALL}` cell to set its language")
    return translated


def catalogues(notebooks_dir: Path, langs: list[str]):
    """(notebook path, language, catalogue path) for every French notebook and other language."""
    from ..conventions import notebook_paths

    for lang in langs:
        if lang == SOURCE_LANGUAGE:
            continue
        for path in notebook_paths(notebooks_dir):
            yield path, lang, catalogue_path(notebooks_dir / "locale", lang, path.stem)


def main(check: bool = False) -> int:
    """`python -m wto_ecommerce_deck translations`: bring every catalogue in line with the French
    notebooks and print the counts; `--check`: change nothing, one line per problem, exit 1 if any."""
    from . import notebooks
    from .. import messages
    from ..errors import say
    from ..messages import t
    from ..paths import notebooks_dir, repo_root

    folder = notebooks_dir()
    langs = messages.languages()
    root = repo_root()

    def shown(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()

    found: list[str] = []
    totals = [0, 0, 0]
    count = 0
    for path, lang, po in catalogues(folder, langs):
        nb = notebooks.read(path, f"notebooks/{path.name}")
        count += 1
        if check:
            found += problems(nb, po, lang, shown(po))
            continue
        counts = update(nb, po, lang)
        totals = [a + b for a, b in zip(totals, counts)]
        if any(counts):
            say(t("cli.translations.updated", catalogue=shown(po), new=counts[0], changed=counts[1], dropped=counts[2]))
    others = ", ".join(lang for lang in langs if lang != SOURCE_LANGUAGE)
    if check:
        for line in found:
            say(line)
        if found:
            say(t("cli.translations.problems", count=len(found)))
            return 1
        say(t("cli.translations.complete", count=count, langs=others))
        return 0
    say(t("cli.translations.summary", count=count, langs=others, new=totals[0], changed=totals[1], dropped=totals[2]))
    remaining = sum(len(problems(notebooks.read(p, f"notebooks/{p.name}"), po, lang)) for p, lang, po in catalogues(folder, langs))
    if remaining:
        say(t("cli.translations.to_translate", count=remaining))
    return 0
