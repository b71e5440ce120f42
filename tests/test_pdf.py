"""`make pdf`: the decks printed by Chromium, one page per slide, plots drawn, the handout's notes on their page.

The full deck holds every plot (timelines, structure, map): it is printed once as slides
and once as a handout; one section deck checks that a print is reproducible; the command
line is run on the smallest deck. Pages are rendered with pypdfium2 and read with pypdf
(PyPI wheels, no poppler).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import nbformat
import pypdf
import pypdfium2 as pdfium
import pytest

from conftest import ROOT, run_build
from wto_ecommerce_deck import conventions, messages
from wto_ecommerce_deck.pipeline import pdf

pytestmark = pytest.mark.pdf

FULL = "00_presentation_complete"
PX_PER_PT = 96 / 72  # Chromium prints CSS px at 96 dpi; PDF points are 1/72 in
RENDER_SCALE = 0.5  # half the CSS px: enough to see a plot, four times fewer pixels to count


@pytest.fixture(scope="module", params=messages.languages())
def printed(browser, built, tmp_path_factory, request):
    """The full deck and its handout, printed in each language (`<lang>/<deck>`, as `make pdf` names them)."""
    out = tmp_path_factory.mktemp("pdf")
    deck = f"{request.param}/{FULL}"
    return {
        "deck": deck,
        "slides": pdf.print_deck(browser, built, deck, out),
        "handout": pdf.print_deck(browser, built, deck, out, notes=True),
    }


def executed(built: Path, deck: str) -> nbformat.NotebookNode:
    """A deck's executed notebook: `<lang>/<deck>`, or a bare name for the French one."""
    deck = deck if "/" in deck else f"fr/{deck}"
    return nbformat.read(str(built / "notebooks" / f"{deck}.ipynb"), as_version=4)


def notes_by_slide(nb: nbformat.NotebookNode) -> dict[int, str]:
    """Each slide's speaker notes (markdown source), by 0-based slide index, as `conventions.slide_count`
    counts (a notes cell never starts a slide)."""
    notes: dict[int, str] = {}
    index, started = -1, False
    for cell in nb.cells:
        slide_type = conventions.slide_type(cell)
        if slide_type == conventions.SKIP:
            continue
        if slide_type == conventions.NOTES:
            notes[index] = (notes.get(index, "") + "\n" + cell.source).strip()
            continue
        if slide_type in conventions.STARTS_SLIDE or not started:
            index += 1
        started = True
    return notes


def plain(text: str) -> str:
    """Text as a PDF gives it back: ligatures undone, markdown marks and line breaks gone."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))  # notes written as HTML show as their text
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[*_`#>\[\]]", "", text)
    text = re.sub(r"^\s*[-+] ", "", text, flags=re.M)
    text = " ".join(text.split())
    text = re.sub(r" ([.,)])", r"\1", text)  # an inline tag is no space: « (OMC)</a>. » reads « (OMC). »
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)  # a line broken after a hyphen (fr-wp)


def page_texts(path: Path) -> list[str]:
    return [plain(page.extract_text()) for page in pypdf.PdfReader(str(path)).pages]


def plot_pixels(document: pdfium.PdfDocument, box: pdf.PlotBox) -> tuple[int, int, int]:
    """(coloured, not white, all) pixels of the page inside the plot's box."""
    bitmap = document[box.page - 1].render(scale=PX_PER_PT * RENDER_SCALE)
    data, channels, stride = bytes(bitmap.buffer), bitmap.n_channels, bitmap.stride
    x0, y0 = int(box.left * RENDER_SCALE), int(box.top * RENDER_SCALE)
    x1 = min(bitmap.width, int((box.left + box.width) * RENDER_SCALE))
    y1 = min(bitmap.height, int((box.top + box.height) * RENDER_SCALE))
    coloured = not_white = 0
    for y in range(y0, y1):
        row = data[y * stride + x0 * channels : y * stride + x1 * channels]
        for b, g, r in zip(row[0::channels], row[1::channels], row[2::channels]):
            low, high = min(b, g, r), max(b, g, r)
            coloured += high - low > 40  # a marker, a band, a country, a box: not text, not grid
            not_white += low < 240
    return coloured, not_white, (x1 - x0) * (y1 - y0)


def assert_plots_drawn(result: pdf.Printed) -> None:
    document = pdfium.PdfDocument(str(result.path))
    width, height = result.page_size
    for box in result.plots:
        assert box.left >= 0 and box.top >= 0, box  # not cut by the page
        assert box.left + box.width <= width + 1 and box.top + box.height <= height + 1, box
        assert box.width >= 1000 and box.height >= 300, box  # the slide's width, most of its height
        coloured, not_white, area = plot_pixels(document, box)
        assert coloured >= 300, (result.path.name, box, coloured)
        assert not_white >= 0.02 * area, (result.path.name, box, not_white, area)


def test_full_deck_prints_one_page_per_slide(printed, built):
    result = printed["slides"]
    slides = conventions.slide_count(executed(built, printed["deck"]).cells)
    assert result.pages == slides
    assert len(pdfium.PdfDocument(str(result.path))) == len(pypdf.PdfReader(str(result.path)).pages) == slides
    assert result.path.name == f"{FULL}.pdf" and result.notes == 0
    assert result.path.parent.name == printed["deck"].split("/")[0]  # pdf/<lang>/
    width, height = result.page_size
    assert abs(width / height - 16 / 9) < 0.02  # the slide's shape, with reveal's print margin
    for page in pypdf.PdfReader(str(result.path)).pages:
        assert abs(float(page.mediabox.width) * PX_PER_PT - width) < 2
        assert abs(float(page.mediabox.height) * PX_PER_PT - height) < 2


def test_every_plot_is_drawn_whole_on_its_page(printed):
    result = printed["slides"]
    assert len(result.plots) >= 5  # timelines A, B and C, the structure, the map
    assert len({box.page for box in result.plots}) == len(result.plots)  # one plot a page
    assert_plots_drawn(result)


def test_handout_puts_each_slides_notes_under_it(printed, built):
    handout, slides = printed["handout"], printed["slides"]
    assert handout.path.name == f"{FULL}-notes.pdf"
    assert handout.pages == slides.pages
    assert handout.page_size[0] == slides.page_size[0]
    assert handout.page_size[1] > slides.page_size[1] + 200  # the slide, then its notes
    notes = notes_by_slide(executed(built, printed["deck"]))
    assert notes and len(notes) == handout.notes
    handout_texts = page_texts(handout.path)
    slide_texts = page_texts(slides.path)
    heading = messages.t("deck.speaker.notes", printed["deck"].split("/")[0])
    for index, source in notes.items():
        # A PDF gives a link's text back at the end of its page, not in its place: the words around
        # the links are checked in order, each link's text on its own.
        links = re.findall(r"<a\b[^>]*>(.*?)</a>", source, flags=re.S)
        words = plain(re.sub(r"<a\b[^>]*>.*?</a>", " ", source, flags=re.S)).split()
        for link in links:
            assert plain(link) in handout_texts[index], (index + 1, link)
        first, last = " ".join(words[:8]), " ".join(words[-5:])
        assert first in handout_texts[index], (index + 1, first)
        assert last in handout_texts[index], (index + 1, last)  # not cut at the foot of the page
        # the notes under their heading, in the deck's language (it once read « Notes » in Spanish)
        assert heading in handout_texts[index][:handout_texts[index].index(first)], (index + 1, heading)
        assert first not in slide_texts[index]  # the slides alone carry no notes
    assert_plots_drawn(handout)


def test_a_section_deck_prints_the_same_bytes_twice(browser, built, tmp_path):
    first = pdf.print_deck(browser, built, "fr/03_structure_omc", tmp_path / "a")
    second = pdf.print_deck(browser, built, "fr/03_structure_omc", tmp_path / "b")
    assert first.pages == conventions.slide_count(executed(built, "03_structure_omc").cells)
    assert first.plots and first.plots[0].page == 1  # a plot on the deck's first slide, drawn in print too
    assert_plots_drawn(first)
    data = first.path.read_bytes()
    assert data == second.path.read_bytes()
    assert pdf.FIXED_DATE.encode() in data


def run_pdf(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wto_ecommerce_deck", "pdf", *args],
        cwd=ROOT,
        env=dict(os.environ, WTO_DECK_ROOT=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_pdf_command_prints_each_deck_and_names_the_one_that_fails(built, tmp_path):
    build = tmp_path / "build"
    (build / "slides" / "fr").mkdir(parents=True)
    (build / "vendor").symlink_to(built / "vendor", target_is_directory=True)
    good = (built / "slides" / "fr" / "01_titre.html").read_text(encoding="utf-8")
    (build / "slides" / "fr" / "01_titre.html").write_text(good, encoding="utf-8")
    broken = good.replace("</body>", '<img src="http://192.0.2.1/logo.png" alt=""></body>')
    (build / "slides" / "fr" / "99_casse.html").write_text(broken, encoding="utf-8")
    result = run_pdf("--build", str(build), "--notes")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    pages = conventions.slide_count(executed(built, "01_titre").cells)
    progress = [line for line in lines if line.startswith("  fr/01_titre")]
    assert len(progress) == 1 and f"{pages} pages" in progress[0], result.stderr
    for name in ("01_titre.pdf", "01_titre-notes.pdf"):  # the other decks still print
        assert len(pypdf.PdfReader(str(build / "pdf" / "fr" / name)).pages) == pages
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: fr/99_casse: "), result.stderr
    assert "leave the machine" in errors[0]
    assert not list((build / "pdf").rglob("*99_casse*"))  # no half PDF left behind


def test_unknown_deck_is_refused(built, tmp_path):
    result = run_pdf("--build", str(built), "--out", str(tmp_path), "99_absent")
    assert result.returncode == 1
    assert "no such deck: 99_absent" in result.stderr


def index_links(build: Path) -> list[str]:
    """The links of build/index.html, in page order."""
    return re.findall(r'href="([^"]+)"', (build / "index.html").read_text(encoding="utf-8"))


def test_index_links_each_decks_pdf_and_handout_once_printed(built, build_cache, tmp_path):
    """`make pdf` rewrites build/index.html so that it links what it printed; a later `make slides`
    keeps those links (the PDFs are carried over into the new build/)."""
    build = tmp_path / "build"
    shutil.copytree(built, build, ignore=shutil.ignore_patterns("vendor"))
    (build / "vendor").symlink_to(built / "vendor", target_is_directory=True)
    before = index_links(build)
    assert not [href for href in before if href.startswith("pdf/")]

    result = run_pdf("--build", str(build), "--notes", "fr/01_titre")
    assert result.returncode == 0, result.stderr
    after = index_links(build)
    assert [href for href in after if href not in before] == ["pdf/fr/01_titre.pdf", "pdf/fr/01_titre-notes.pdf"]
    assert [href for href in after if href in before] == before  # the rest of the page as the build wrote it
    row = after.index("pdf/fr/01_titre.pdf")
    assert after[row - 2 : row] == ["slides/fr/01_titre.html", "notebooks/fr/01_titre.ipynb"]  # on the deck's own row
    for href in ("pdf/fr/01_titre.pdf", "pdf/fr/01_titre-notes.pdf"):
        assert len(pypdf.PdfReader(str(build / href)).pages) == conventions.slide_count(executed(built, "01_titre").cells)

    rebuilt = run_build(build, "--cache-dir", str(build_cache))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert index_links(build) == after
