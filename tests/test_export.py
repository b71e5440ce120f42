"""The offline export as files: what `make slides` writes to build/."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import plotly
import pytest

from conftest import ROOT
from wto_ecommerce_deck import conventions, messages
from wto_ecommerce_deck.pipeline.layout import page_name

SECTIONS = conventions.section_names(ROOT / "notebooks")
LANGUAGES = messages.languages()


class _Refs(HTMLParser):
    """Every URL the page loads by itself: script src, link href, img src, CSS url()."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.refs.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.refs.append(attrs["href"])
        if tag in ("img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.refs.append(attrs["src"])


def loaded_refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return parser.refs + re.findall(r"@import\s+(?:url\()?['\"]?([^'\")\s;]+)", html)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_section_and_the_full_deck_are_exported(built, lang):
    decks = sorted(p.stem for p in (built / "slides" / lang).glob("*.html"))
    assert decks == sorted(["00_presentation_complete", *SECTIONS])
    index = (built / page_name("index.html", lang)).read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in index
    # the language picker, French first, on every language's page
    picker = re.findall(r'<a href="(index(?:\.\w+)?\.html)" hreflang="(\w+)"', index)
    assert picker == [(page_name("index.html", other), other) for other in LANGUAGES]
    for name in decks:
        assert f'href="slides/{lang}/{name}.html"' in index
        assert (built / "notebooks" / lang / f"{name}.ipynb").is_file()
        deck = (built / "slides" / lang / f"{name}.html").read_text(encoding="utf-8")
        # each deck links the same deck in the other languages, and those files exist
        others = re.findall(r'<a href="\.\./(\w+)/([\w.]+)" hreflang="(\w+)"', deck)
        assert others == [(o, f"{name}.html", o) for o in LANGUAGES if o != lang], name
        assert all((built / "slides" / o / f).is_file() for o, f, _ in others)


def test_the_build_writes_one_sources_page_per_language(built):
    for lang in LANGUAGES:
        page = (built / page_name("sources.html", lang)).read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in page
        assert messages.t("sources_page.title", lang) in page


def test_decks_load_only_local_files_that_exist(built):
    decks = sorted((built / "slides").glob("*/*.html"))
    assert len(decks) == len(LANGUAGES) * (len(SECTIONS) + 1)
    for deck in decks:
        html = deck.read_text(encoding="utf-8")
        refs = loaded_refs(html)
        assert refs, deck.name
        for ref in refs:
            assert not re.match(r"^[a-z]+:|^//", ref), f"{deck.name} loads {ref}"
            assert (deck.parent / ref).resolve().is_file(), f"{deck.name}: {ref} is missing"
        lang = deck.parent.name
        assert f'<html lang="{lang}">' in html
        if "plotly.min.js" in html:  # plotly's locale from plotly.js-locales; English is plotly's own
            assert (f"plotly/locale-{lang}.js" in html) == (lang != "en"), deck
        assert "mathjax" not in html.lower()
        assert "require.js" not in html and "mermaid" not in html


def test_vendor_css_loads_nothing_remote(built):
    for css in (built / "vendor").rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text):
            assert not re.match(r"^(https?:)?//", ref), f"{css.name} loads {ref}"


def test_big_assets_are_shared_not_inlined(built):
    plotly_size = (built / "vendor" / "plotly" / "plotly.min.js").stat().st_size
    assert plotly_size > 1_000_000
    # What inlining plotly would cost: the wheel's full bundle (the build may ship a smaller one).
    full_bundle = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").stat().st_size
    for deck in (built / "slides").glob("*/*.html"):
        html = deck.read_text(encoding="utf-8")
        assert len(html.encode()) < full_bundle / 10, f"{deck.name} is {len(html)} bytes"
        assert not re.search(r"plotly\.js(?: \([^)]*\))? v\d", html)  # the bundle's banner: never inlined


def test_decks_load_plotly_and_topojson_only_when_they_use_them(built):
    title = (built / "slides" / "fr" / f"{SECTIONS[0]}.html").read_text(encoding="utf-8")
    full = (built / "slides" / "fr" / "00_presentation_complete.html").read_text(encoding="utf-8")
    assert "plotly.min.js" not in title and "world_110m" not in title
    assert "plotly.min.js" in full and "world_110m.js" in full
    topojson = (built / "vendor" / "topojson" / "world_110m.js").read_text(encoding="utf-8")
    assert topojson.startswith("window.PlotlyGeoAssets")


def test_plot_data_cannot_close_its_script_element(built):
    for deck in (built / "slides").glob("*/*.html"):
        html = deck.read_text(encoding="utf-8")
        for payload in re.findall(r'<script type="application/json" class="deck-plot-data"[^>]*>(.*?)</script>', html, re.S):
            assert "<" not in payload


def _deck(heading: str, figure_json: dict | None = None):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    slide = {"slideshow": {"slide_type": "slide"}}
    code = nbformat.v4.new_code_cell("chart()", metadata=slide)
    data = {"text/html": f"<p>{heading}</p>", "text/plain": "<Figure>"}
    if figure_json is not None:
        data["application/vnd.plotly.v1+json"] = figure_json
    code.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {heading}", metadata=slide), code]
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number}"  # not random: the same deck, the same page
    return nb


def test_decks_after_the_first_parse_no_template_and_come_out_the_same(monkeypatch):
    """Every deck of every language is exported with one exporter: the template is parsed and
    compiled for the first deck only, and a deck comes out byte for byte as from a new exporter;
    the figure's JSON, which the deck does not show (its inert copy is in the `text/html`), does
    not change the page."""
    import jinja2

    from wto_ecommerce_deck.pipeline import export

    parsed = []
    parse = jinja2.Environment._parse
    monkeypatch.setattr(jinja2.Environment, "_parse", lambda self, *a, **k: parsed.append(a[1]) or parse(self, *a, **k))
    export._exporter.cache_clear()
    first = export.to_html(_deck("Un"), "Un", "../vendor", "fr")
    assert parsed  # the first deck: the template and its bases
    parsed.clear()
    second = export.to_html(_deck("Deux", {"data": [{"type": "bar", "y": [1, 2]}], "layout": {}}), "Deux", "../vendor", "en")
    assert parsed == []  # compiled once for the process
    assert "<p>Deux</p>" in second and "Deux" in second.split("<title>", 1)[1].split("</title>", 1)[0]
    assert '"type": "bar"' not in second and '"type":"bar"' not in second
    export._exporter.cache_clear()
    assert export.to_html(_deck("Deux"), "Deux", "../vendor", "en") == second  # a new exporter, the same page
    assert export.to_html(_deck("Un"), "Un", "../vendor", "fr") == first
