"""Hostile strings never run in a viewer's browser: defence in depth behind the loader.

The loader refuses `<` and `>` in the data (tests/test_data.py). Here the records are built in the
test, past the loader, with script in every text a page shows: the labels, details and titles of
events, bodies, signatories, sources and a quiz, and `javascript:` where a URL goes. They go through
the deck's own export path (the figure builders, the `deck` renderer's placeholder, the explorer and
quiz fallbacks, the « Sources » slide, nbconvert with the deck's template and `deck.js`, reveal.js
and plotly.js from `vendor/`), `site.index_html` and the audit's `sources.html`. Each page is opened
in a real Chromium where every non-file request is aborted: no script of the data ran, no dialog
opened, no request left, and the hostile text is on the page as text.
"""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from wto_ecommerce_deck import conventions, deck, explorer, quiz
from wto_ecommerce_deck.pipeline import audit, export, site, sources, vendor
from wto_ecommerce_deck.figures import build_members_map, build_programme_timeline, build_structure_chart, style
from wto_ecommerce_deck.data.records import Body, Event, Facts, Localized, PartialDate, Signatory, Source
from wto_ecommerce_deck.widgets_export import fallback_html

PWN = "window.__pwned=1"
SCRIPT = f"<script>{PWN}</script>"
IMG = f'<img src=x onerror="{PWN}">'
SVG = f'"><svg onload="{PWN}">'
CLOSE = f"</script><script>{PWN}</script>"
COMMENT = f"<!--<script>{PWN}</script>-->"
ENTITIES = f"&lt;img src=x onerror={PWN}&gt;"  # what plotly decodes: must still show as text
MARKDOWN_LINK = f"[clic](javascript:{PWN})"
JS_URL = f"javascript:{PWN}"
HOSTILE = [SCRIPT, IMG, SVG, CLOSE, COMMENT, ENTITIES, MARKDOWN_LINK, JS_URL]
SECTION = "99_hostile"
TITLE = f"Deck {SCRIPT} {IMG}"

# Every JavaScript-capable hook a hostile string could leave in the DOM, and every link.
DOM_REPORT = """() => {
  const onAttrs = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) onAttrs.push(el.tagName + ' ' + attr.name);
    }
  }
  const links = Array.from(document.querySelectorAll('a[href], area[href]')).map(a => [a.protocol, a.hostname, a.getAttribute('href')]);
  const scripts = Array.from(document.querySelectorAll('script')).map(s => s.src || s.type || 'inline')
  return {onAttrs, links, pwned: typeof window.__pwned, imgX: document.querySelectorAll('img[src="x"]').length,
          svgOnload: document.querySelectorAll('svg[onload]').length, scripts,
          text: document.body.innerText};
}"""


def every(text: str) -> Localized:
    """The same hostile text in every language of the decks."""
    return Localized({"fr": text, "en": text, "es": text})


def hostile_facts() -> Facts:
    sources = {
        "evil": Source("evil", JS_URL, every(f"{IMG} titre")),
        "evil2": Source("evil2", "https://www.wto.org/english/tratop_e/ecom_e/ecom_e.htm", every(f"{MARKDOWN_LINK} {SCRIPT}")),
    }
    kinds = ["conference", "declaration", "decision", "communication", "meeting", "review", "workshop", "group"]
    events = []
    for number, text in enumerate(HOSTILE):
        start = PartialDate(2000 + number, 1 + number, 10)
        events.append(
            Event(
                id=f"hostile-{number}", track="programme", kind=kinds[number], start=start,
                end=PartialDate(2000 + number, 1 + number, 12) if number == 0 else None,
                label=every(text), detail=every(f"Détail {HOSTILE[-1 - number]}"),
                symbol="WT/L/274" if number % 2 else f'"><script>{PWN}</script>',
                symbol_status="unverified" if number == 3 else None,
                status="unverified" if number in (1, 4) else "verified",
                sources=("evil", "evil2"),
            )
        )
    bodies = (
        Body("mc", every(SCRIPT), None, False, "verified", ("evil",)),
        Body("gc", every(IMG), "mc", True, "unverified", ("evil2",)),
        Body("x", every(SVG), "gc", True, "verified", ("evil",)),
    )
    signatories = (
        Signatory("FRA", every(SCRIPT), "FRA", 1, False, "verified", ("evil",)),
        Signatory("BRA", every(IMG), "BRA", 2, False, "unverified", ("evil2",)),
        Signatory("SGP", every(SVG), "SGP", 3, False, "secondary", ("evil",)),
    )
    return Facts(sources=sources, events=tuple(events), bodies=bodies, signatories=signatories)


def hostile_audit(facts: Facts) -> audit.Audit:
    every = audit._all_facts(facts)
    shown = [audit.Shown(key, SECTION, f"notebooks/{SECTION}.ipynb: cell 2", "frise", True) for key in every]
    mentions = [audit.Mention(SECTION, "cell 1", SCRIPT, "date", IMG, ("event:hostile-0",), "verified", False)]
    return audit.Audit(
        facts=every, shown=shown, mentions=mentions, problems=[], sources=dict(facts.sources),
        sections=[audit.Section(SECTION, TITLE, f"notebooks/{SECTION}.ipynb")],
    )


def hostile_question() -> quiz.Question:
    return quiz.Question(
        id="q-hostile", section=SECTION, kind="single", prompt=every(f"Question {SCRIPT} ?"),
        choices=(every(IMG), every(SVG), every(CLOSE)), answer=1, feedback=every(f"Parce que {COMMENT} {ENTITIES}"),
        sources=("evil", "evil2"), facts=("hostile-0",),
    )


def _html_output(text: str) -> dict:
    return nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": "<figure>"})


def hostile_notebook(facts: Facts) -> nbformat.NotebookNode:
    renderer = deck.DeckRenderer()

    def plot(fig) -> str:
        return renderer.to_mimebundle(fig.to_dict())["text/html"]

    template = nbformat.read(str(ROOT / "notebooks" / "01_titre.ipynb"), as_version=4)
    nb = nbformat.v4.new_notebook(metadata=json.loads(json.dumps(template.metadata)))
    nb.metadata["title"] = TITLE

    def md(source: str, slide_type: str, cell_id: str):
        return nbformat.v4.new_markdown_cell(source, id=cell_id, metadata={"slideshow": {"slide_type": slide_type}})

    def code(output_html: str, cell_id: str):
        cell = nbformat.v4.new_code_cell("x.y()", id=cell_id, metadata={"slideshow": {"slide_type": "-"}, "tags": ["hide-input"]})
        cell.outputs = [_html_output(output_html)]
        return cell

    events = facts.events
    question = hostile_question()
    explorer_html = fallback_html("explorer", "hostile", explorer.static_html("programme", events, facts.sources))
    quiz_html = fallback_html("quiz", question.id, quiz.static_html(question, facts.sources, 1, 1))
    nb.cells = [
        md("## La frise", "slide", "c-01"),
        code(plot(build_programme_timeline(events, facts.sources)), "c-02"),
        md("Notes de la frise.", "notes", "c-03"),
        md("## L'organigramme", "subslide", "c-04"),
        code(plot(build_structure_chart(facts.bodies, facts.sources)), "c-05"),
        md("## La carte", "subslide", "c-06"),
        code(plot(build_members_map(facts.signatories, facts.sources)), "c-07"),
        md("## L'explorateur", "slide", "c-08"),
        code(explorer_html, "c-09"),
        md("## Le quiz", "slide", "c-10"),
        code(quiz_html, "c-11"),
        *sources.sources_slide_cells(SECTION, hostile_audit(facts)),
    ]
    return nb


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """A site with vendor/, slides/hostile.html, index.html and sources.html, all from hostile records."""
    out = tmp_path_factory.mktemp("hostile")
    vendor.install(out / "vendor")
    facts = hostile_facts()
    (out / "slides").mkdir()
    (out / "slides" / "hostile.html").write_text(export.to_html(hostile_notebook(facts), TITLE, "../vendor"), encoding="utf-8")
    entry = site.DeckEntry(SECTION, TITLE, 6, "slides/hostile.html", f"notebooks/{SECTION}.ipynb")
    (out / "index.html").write_text(site.index_html([entry]), encoding="utf-8")
    sources.write_sources_page(out, hostile_audit(facts))
    return out


def open_offline(make_page, path: Path, ready: str | None = None):
    view = make_page()
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    view.on("dialog", on_dialog)
    view.page.goto(path.as_uri())
    if ready:
        view.page.wait_for_selector(ready, timeout=30_000)
    return view, dialogs


def allowed_link(protocol: str, host: str, href: str) -> bool:
    """A page of the deck links to its own files and anchors, or to https WTO pages."""
    if protocol == "file:":
        return True
    return protocol == "https:" and (host == "wto.org" or host.endswith(".wto.org"))


def assert_inert(view, dialogs, report) -> list:
    """No script of the data ran, no dialog, no request left, no event handler in the DOM; the links
    that are not allowed (for the caller to judge)."""
    assert report["pwned"] == "undefined"
    assert dialogs == []
    assert view.external == []
    assert report["onAttrs"] == []
    assert report["imgX"] == 0 and report["svgOnload"] == 0
    return [link for link in report["links"] if not allowed_link(*link)]


# plotly throttles hover (50 ms): wait longer than that between two. Cartesian plots are hovered
# point by point through Fx.hover; a map (Fx.hover does not reach geo subplots) with the mouse, at
# a point of each country (next script) and read back here.
HOVER_POINTS = """async () => {
  const texts = [];
  const pause = () => new Promise(r => setTimeout(r, 80));
  for (const div of document.querySelectorAll('.deck-plot')) {
    if (div._fullLayout && div._fullLayout.geo) continue;
    for (let curve = 0; curve < div.data.length; curve++) {
      const n = Math.min(8, (div.data[curve].customdata || []).length);
      for (let point = 0; point < n; point++) {
        Plotly.Fx.unhover(div);
        await pause();
        Plotly.Fx.hover(div, [{curveNumber: curve, pointNumber: point}]);
        await pause();
        const layer = div.querySelector('.hoverlayer');
        if (layer && layer.textContent) texts.push(layer.textContent);
      }
    }
    Plotly.Fx.unhover(div);
  }
  return texts;
}"""
COUNTRY_POINTS = """() => Array.from(document.querySelectorAll('.deck-plot path.choroplethlocation')).map(path => {
  const box = path.getBoundingClientRect(), inverse = path.getScreenCTM().inverse();
  for (let i = 1; i < 16; i++) for (let j = 1; j < 16; j++) {
    const x = box.left + box.width * i / 16, y = box.top + box.height * j / 16;
    if (path.isPointInFill(new DOMPoint(x, y).matrixTransform(inverse))) return [x, y];
  }
  return null;
}).filter(Boolean)"""


def hover_everything(page) -> str:
    texts = page.evaluate(HOVER_POINTS)
    for x, y in page.evaluate(COUNTRY_POINTS):
        page.mouse.move(x, y)
        page.wait_for_timeout(120)
        texts.append(page.evaluate("(document.querySelector('.deck-plot .hoverlayer') && "
                                   "Array.from(document.querySelectorAll('.deck-plot .hoverlayer')).map(l => l.textContent).join(''))"))
    return "\n".join(t for t in texts if t)


@pytest.fixture(scope="module")
def deck_seen(browser, hostile_site) -> dict:
    """The hostile deck opened once offline, every slide visited, every plot drawn and hovered."""
    from conftest import OfflinePage

    view, dialogs = open_offline(lambda: OfflinePage(browser), hostile_site / "slides" / "hostile.html", "html[data-deck-ready=yes]")
    try:
        page = view.page
        slides = page.evaluate("() => Reveal.getSlides().map(s => { const i = Reveal.getIndices(s); return [i.h, i.v || 0]; })")
        for h, v in slides:
            page.evaluate(f"Reveal.slide({h}, {v})")
            if page.evaluate("Reveal.getCurrentSlide().querySelectorAll('.deck-plot').length"):
                page.wait_for_function(
                    "Array.from(Reveal.getCurrentSlide().querySelectorAll('.deck-plot'))"
                    ".every(d => d.getAttribute('data-plot-ready') === 'yes')",
                    timeout=20_000,
                )
        text_of = lambda selector: page.evaluate(  # noqa: E731
            f"Array.from(document.querySelectorAll({selector!r})).map(n => n.textContent).join('\\n')"
        )
        page.evaluate(f"Reveal.slide({slides[2][0]}, {slides[2][1]})")  # the map's slide, for the mouse
        page.wait_for_timeout(300)
        seen = {
            "slides": slides,
            "hovers": hover_everything(page),
            "svg_text": text_of(".deck-plot svg text"),
            "table": page.evaluate("document.querySelector('table.deck-events').innerText"),
            "quiz": text_of(".deck-fallback.deck-quiz"),
            # the « Sources » slide and its notes, which list the sources
            "sources_slide": text_of(".deck-sources, .deck-sources-notes"),
            "sources_links": page.evaluate("Array.from(document.querySelectorAll('.deck-sources a, .deck-sources-notes a')).map(a => a.href)"),
            "notes": text_of("aside.notes"),
            "menu": text_of(".deck-menu a"),
            "title": page.title(),
            "report": page.evaluate(DOM_REPORT),
            "errors": list(view.errors),
        }
        seen["bad_links"] = assert_inert(view, dialogs, seen["report"])
        return seen
    finally:
        view.close()


def test_hostile_deck_runs_nothing(deck_seen):
    """assert_inert ran in the fixture: no script, no dialog, no request, no on* attribute."""
    assert len(deck_seen["slides"]) == 6
    assert deck_seen["errors"] == []
    assert deck_seen["report"]["scripts"].count("inline") >= 1  # the deck's own lifecycle script only


def test_hostile_strings_show_as_text_in_hovers_and_on_the_charts(deck_seen):
    for text in (SCRIPT, IMG, SVG, CLOSE, COMMENT, ENTITIES, MARKDOWN_LINK):
        assert text in deck_seen["hovers"], text
    assert "à confirmer" in deck_seen["hovers"]  # the unverified ones say so
    # All three figures were hovered: the timeline (a WTO symbol), the structure chart, the map.
    for line in ("Cote OMC", "Organe du Programme de travail", "Membre signataire"):
        assert line in deck_seen["hovers"], line
    for text in (SCRIPT, IMG, ENTITIES):
        assert text in deck_seen["svg_text"], text


def test_hostile_strings_show_as_text_in_tables_quiz_slides_and_notes(deck_seen):
    for text in (SCRIPT, IMG, SVG, JS_URL, MARKDOWN_LINK):
        assert text in deck_seen["table"], text
    for text in (SCRIPT, IMG, COMMENT, ENTITIES):
        assert text in deck_seen["quiz"], text
    assert f"{IMG} titre" in deck_seen["sources_slide"] and MARKDOWN_LINK in deck_seen["sources_slide"]
    assert IMG in deck_seen["notes"] and COMMENT in deck_seen["notes"]
    assert TITLE in deck_seen["title"]


def test_links_only_to_the_deck_itself_or_to_https_wto_pages(deck_seen):
    """The « Sources » slide, the explorer's table and the quiz link their sources only through
    data.safe_href: the javascript: URL of a hostile source is shown as text, never linked."""
    links = deck_seen["sources_links"]
    assert any(href.endswith("/sources.html") for href in links)
    assert all(href.startswith(("https://www.wto.org/", "file:")) for href in links), links
    assert deck_seen["bad_links"] == []
    assert JS_URL not in [href for _, _, href in deck_seen["report"]["links"]]


def test_hostile_index_page(offline_page, hostile_site):
    view, dialogs = open_offline(offline_page, hostile_site / "index.html")
    report = view.page.evaluate(DOM_REPORT)
    assert assert_inert(view, dialogs, report) == []
    assert view.page.evaluate("document.querySelector('a.deck').textContent") == TITLE
    assert view.page.title() == conventions.SERIES_TITLE  # the catalogue's deck.series_title


def test_hostile_sources_page(offline_page, hostile_site):
    view, dialogs = open_offline(offline_page, hostile_site / "sources.html")
    report = view.page.evaluate(DOM_REPORT)
    assert assert_inert(view, dialogs, report) == []
    assert report["scripts"] == []
    text = report["text"]
    for value in HOSTILE:
        assert value in text, value
    # The javascript: URL of a source is shown as text, never as a link; the WTO one is a link.
    hrefs = [link[2] for link in report["links"]]
    assert JS_URL not in hrefs
    assert "https://www.wto.org/english/tratop_e/ecom_e/ecom_e.htm" in hrefs
    assert "index.html" in hrefs


# --- properties: whatever the text, the deck's HTML holds no markup of it --------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)


def _tags(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=1))
def test_escape_keeps_any_text_as_text(text):
    """plotly's HTML subset: after style.escape no tag can open, and decoding gives the text back."""
    escaped = style.escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert html.unescape(escaped) == text


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1))
def test_plot_placeholder_never_ends_its_script_early(text):
    fig = {"data": [{"type": "scatter", "x": [1], "y": [1], "customdata": [[text]], "text": [text], "name": text}],
           "layout": {"meta": {"title_fr": text}}}
    placeholder = deck.plot_html(fig, "plot-1-x")
    parsed = _tags(placeholder)
    assert parsed.tags == ["div", "script"]
    assert placeholder.count("</script>") == 1 and "<" not in deck.figure_payload(fig)
    payload = placeholder.split('">', 2)[-1].rsplit("</script>", 1)[0]
    assert json.loads(payload)["data"][0]["customdata"][0][0] == text


@settings(max_examples=60, deadline=None)
@given(title=st.text(min_size=1), label=st.text(min_size=1))
def test_index_and_sources_pages_escape_any_text(title, label):
    entry = site.DeckEntry(SECTION, title, 1, "slides/x.html", "notebooks/x.ipynb")
    index = _tags(site.index_html([entry]))
    assert "script" not in index.tags and not any(a.startswith("on") for a in index.attrs)
    facts = Facts(
        sources={"s": Source("s", "https://www.wto.org/", every(label))},
        events=(Event("e", "programme", "decision", PartialDate(2001), None, every(label), every(label), None, None, "unverified", ("s",)),),
        bodies=(), signatories=(),
    )
    page = _tags(sources.sources_page_html(hostile_audit(facts)))
    assert "script" not in page.tags and not any(a.startswith("on") for a in page.attrs)
