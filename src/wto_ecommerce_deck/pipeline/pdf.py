"""`make pdf`: the built decks printed by Chromium to `build/pdf/`, one slide per page.

Each deck's print view (reveal's `?print-pdf`) is opened from `file:` with every other
request aborted, printed once `deck.js` says that every plot is drawn at its page's size
(`data-print-ready`), and checked first: one page per slide, every plot drawn and inside
its page. The handout, `<deck>-notes.pdf`, is the same print with each slide's speaker
notes under the slide, on its page (`?print-pdf&showNotes=true`; see deck.js for how long
notes are fitted). Chromium stamps the time into the PDF: the stamp is replaced by a fixed
date so that the same build prints the same bytes.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache
from .. import chromium
from ..errors import DeckError, say
from ..messages import t
from ..paths import repo_root
from .layout import INDEX_PAGE, PDF_DIR, page_name
from .site import languages_in, refresh_index
READY_TIMEOUT_S = 60

# Chromium writes `/CreationDate (D:20261127221457+00'00')` and the same `/ModDate`.
# The replacement has the same length, so the PDF's byte offsets stay right.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]{0,7}\)")
FIXED_DATE = "D:20180101000000+00'00'"  # the year of the presentation
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")

# The print layout as reveal and deck.js left it: one `.pdf-page` per slide.
_LAYOUT = """() => {
  const pages = Array.from(document.querySelectorAll('.reveal .slides > .pdf-page'));
  const problems = [];
  const plots = [];
  let notes = 0;
  pages.forEach((page, i) => {
    const box = page.getBoundingClientRect();
    page.querySelectorAll('.deck-plot').forEach(div => {
      const r = div.getBoundingClientRect();
      const drawn = div.getAttribute('data-plot-ready') === 'yes' && div.querySelector('svg.main-svg');
      if (!drawn || r.width < 100 || r.height < 100) {
        problems.push(`page ${i + 1}: plot ${div.id} not drawn (${Math.round(r.width)}×${Math.round(r.height)} px)`);
      } else if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        problems.push(`page ${i + 1}: plot ${div.id} cut by the page`);
      }
      plots.push({page: i + 1, left: r.left - box.left, top: r.top - box.top, width: r.width, height: r.height});
    });
    const slide = page.querySelector('section');
    if (slide) {
      const top = slide.getBoundingClientRect().top;
      const foot = Math.max(0, ...Array.from(slide.children).map(cell => cell.getBoundingClientRect().bottom - top));
      if (foot > Reveal.getConfig().height + 1) {
        problems.push(`page ${i + 1}: the slide's content runs ${Math.round(foot - Reveal.getConfig().height)} px past its foot`);
      }
      slide.querySelectorAll('*').forEach(el => {
        if (/auto|scroll/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight + 2) {
          problems.push(`page ${i + 1}: a scrolling box hides ${el.scrollHeight - el.clientHeight} px of its content`);
        }
      });
    }
    const note = page.querySelector('.speaker-notes-pdf');
    if (note) {
      notes += 1;
      if (note.getBoundingClientRect().bottom > box.bottom + 1) problems.push(`page ${i + 1}: notes cut by the page`);
    }
  });
  const first = pages[0] ? pages[0].getBoundingClientRect() : {width: 0, height: 0};
  return {pages: pages.length, slides: Reveal.getTotalSlides(), plots, notes, problems,
          width: first.width, height: first.height};
}"""


class PrintError(DeckError):
    """A deck that could not be printed as it should; the message is one line."""


@dataclass(frozen=True)
class PlotBox:
    """Where a plot sits on its page, in CSS px from the page's top left corner."""

    page: int  # 1-based
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Printed:
    deck: str
    path: Path
    pages: int
    size: int  # bytes
    page_size: tuple[float, float]  # CSS px
    notes: int = 0  # pages that carry notes (the handout)
    plots: list[PlotBox] = field(default_factory=list)


def pdf_name(deck: str, notes: bool = False) -> str:
    return f"{deck}-notes.pdf" if notes else f"{deck}.pdf"


def decks_in(build: Path) -> list[str]:
    """The built decks as `<lang>/<deck>` (their path below slides/ and pdf/), French first."""
    from .. import messages

    order = {lang: i for i, lang in enumerate(messages.languages())}
    found = [p.relative_to(build / "slides").with_suffix("").as_posix() for p in (build / "slides").glob("*/*.html")]
    return sorted(found, key=lambda d: (order.get(d.split("/")[0], len(order)), d))


def chosen_decks(available: list[str], names: list[str]) -> tuple[list[str], list[str]]:
    """The decks `names` asks for, each a `<lang>/<deck>` or a bare deck name (every language);
    returns (chosen, unknown names)."""
    chosen, unknown = [], []
    for name in names:
        matches = [d for d in available if d == name or d.split("/", 1)[-1] == name]
        if not matches:
            unknown.append(name)
        chosen += [d for d in matches if d not in chosen]
    return chosen, unknown


def fixed_dates(data: bytes) -> bytes:
    """The PDF with Chromium's creation and modification times replaced by a fixed date."""

    def fixed(match: re.Match) -> bytes:
        stamp = FIXED_DATE.encode()
        old = match.group(0)
        new = b"/" + match.group(1) + b" (" + stamp + b")"
        return new if len(new) == len(old) else old

    return _PDF_DATE.sub(fixed, data)


def page_count(data: bytes) -> int:
    return len(_PDF_PAGE.findall(data))


def print_deck(browser, build: Path, deck: str, out_dir: Path, notes: bool = False,
               timeout: float = READY_TIMEOUT_S) -> Printed:
    """Print one deck (or its handout) to `out_dir`; raise PrintError with one line if it goes wrong."""
    html = build / "slides" / f"{deck}.html"
    if not html.is_file():
        raise PrintError(f"no such deck: {html}")
    query = "print-pdf&showNotes=true" if notes else "print-pdf"
    context = chromium.OfflineContext(browser)  # the decks' reveal size
    page, external, errors = context.page, context.external, context.errors
    try:
        page.goto(f"{html.resolve().as_uri()}?{query}")
        try:
            page.wait_for_selector("html[data-print-ready=yes]", state="attached", timeout=timeout * 1000)
        except Exception:  # playwright's TimeoutError, or the page crashed
            drawn = page.evaluate(
                "() => [document.querySelectorAll('.deck-plot[data-plot-ready=yes]').length,"
                " document.querySelectorAll('.deck-plot').length]"
            )
            first_error = f"; first error: {errors[0]}" if errors else ""
            raise PrintError(
                f"the print view was not ready after {timeout:g} s ({drawn[0]} of {drawn[1]} plots drawn){first_error}"
            ) from None
        layout = page.evaluate(_LAYOUT)
        if external:
            raise PrintError(f"{len(external)} request(s) tried to leave the machine, first: {external[0]}")
        if errors:
            raise PrintError(f"{len(errors)} error(s) in the page, first: {errors[0]}")
        if layout["problems"]:
            raise PrintError("; ".join(layout["problems"]))
        if layout["pages"] != layout["slides"]:
            raise PrintError(f"{layout['pages']} pages for {layout['slides']} slides")
        data = fixed_dates(page.pdf(print_background=True, prefer_css_page_size=True))
    finally:
        context.close()

    pages = page_count(data)
    if pages != layout["slides"]:
        raise PrintError(f"the PDF has {pages} pages for {layout['slides']} slides")
    path = out_dir / pdf_name(deck, notes)  # `<lang>/<deck>.pdf`
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # a failed print never leaves half a PDF
    return Printed(
        deck,
        path,
        pages,
        len(data),
        (layout["width"], layout["height"]),
        layout["notes"],
        [PlotBox(**box) for box in layout["plots"]],
    )


def print_all(build: Path, out_dir: Path, decks: list[str], notes: bool = False,
              timeout: float = READY_TIMEOUT_S) -> list[str]:
    """Print every deck (and its handout); one progress line per deck. Returns the decks that failed."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    failed: list[str] = []
    width = max(len(d) for d in decks)
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            for deck in decks:
                started = time.monotonic()
                try:
                    done = [print_deck(browser, build, deck, out_dir, False, timeout)]
                    if notes:
                        done.append(print_deck(browser, build, deck, out_dir, True, timeout))
                except (PrintError, PlaywrightError) as exc:
                    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    say(t("cli.error", message=f"{deck}: {reason}"))
                    failed.append(deck)
                    continue
                files = ", ".join(t("cli.pdf.file", name=p.path.name, size=f"{p.size / 1024:.0f}") for p in done)
                say(t("cli.pdf.printed_deck", deck=f"{deck:<{width}}", count=done[0].pages, pages=f"{done[0].pages:2d}",
                      files=files, seconds=f"{time.monotonic() - started:4.1f}"))
        finally:
            browser.close()
    return failed


def link_in_index(build: Path, cache_dir: Path | None = None) -> None:
    """After printing into build/pdf/: build/index.html links each deck's PDF and handout, and the
    build's record (in `cache_dir`, default .cache/) takes that page as its own, so that the next
    `make slides` has nothing to do (it writes the same links: build.py reads build/pdf/ too)."""
    from .build import own_entries

    refresh_index(build)
    state = cache.BuildState((cache_dir or repo_root() / ".cache").resolve() / "builds", own_entries())
    for lang in languages_in(build):
        state.accept(build.resolve(), page_name(INDEX_PAGE, lang))


def main(build: Path | None = None, out: Path | None = None, decks: list[str] | None = None,
         notes: bool = False, timeout: float = READY_TIMEOUT_S) -> int:
    build = (build or repo_root() / "build").resolve()
    out = (out or build / PDF_DIR).resolve()
    available = decks_in(build)
    if not available:
        raise DeckError(t("cli.pdf.no_decks", folder=build / "slides"))
    chosen, unknown = chosen_decks(available, decks or [])
    if unknown:
        raise DeckError(t("cli.pdf.no_such_deck", names=", ".join(unknown), decks=", ".join(available)))
    try:
        import playwright  # noqa: F401  (the `test` extra; `make setup` installs it)
    except ImportError:
        raise DeckError(t("cli.pdf.no_playwright")) from None
    chosen = chosen or available
    what = t("cli.pdf.slides_and_handouts") if notes else t("cli.pdf.slides")
    say(t("cli.pdf.printing", count=len(chosen), what=what, out=out))
    started = time.monotonic()
    failed = print_all(build, out, chosen, notes, timeout)
    if out == build / PDF_DIR and (build / "index.html").is_file():
        link_in_index(build)
    if failed:
        return 1  # each failed deck said so on its own line
    say(t("cli.pdf.printed", count=len(chosen), out=out, seconds=f"{time.monotonic() - started:.1f}"))
    return 0
