"""What the deck teaches beyond the timelines (issue 17 §3), as a trainer sees it: the outline
names every part by its own title, a glossary slide comes just before « Sources » in every deck of
every language and the menu reaches it, every row of the new tables cites a real source and says
its status when it is not verified, and the 1998–2026 moratorium timeline draws every decision
of events.yaml on the moratorium."""

from __future__ import annotations

import html as htmllib
import json
import re

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ROOT
from test_browser import SLIDE_SETTLED
from wto_ecommerce_deck import conventions, data, messages, teach, theme, timeline
from wto_ecommerce_deck.pipeline import glossary

LANGUAGES = messages.languages()
NOTEBOOKS = ROOT / "notebooks"


def deck_names() -> list[str]:
    return [conventions.FULL_DECK, *conventions.section_names(NOTEBOOKS)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_outline_names_every_part_by_its_title(lang):
    titles = teach.section_titles(NOTEBOOKS, lang)
    names = [name for name, _ in titles]
    assert names == conventions.section_names(NOTEBOOKS)[1:]
    assert "07_depuis_2018" in names and "09_a_retenir" in names
    html = teach.outline().data if lang == messages.language() else theme.render(teach.TEMPLATE, lang, macro="outline", titles=titles)
    items = re.findall(r'<li data-section="([^"]+)">([^<]+)</li>', html)
    assert [n for n, _ in items] == names
    for name, title in titles:
        if lang == messages.DEFAULT_LANG:
            assert title == json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))["metadata"]["title"]
        else:  # the title of the section's own catalogue, never the French one
            po = (NOTEBOOKS / "locale" / lang / f"{name}.po").read_text(encoding="utf-8")
            assert f'msgstr "{title}"' in po
    french = dict(teach.section_titles(NOTEBOOKS, "fr"))
    if lang != "fr":
        assert dict(titles)["07_depuis_2018"] != french["07_depuis_2018"]


def test_every_row_of_the_new_data_has_a_source_with_a_page_and_a_status():
    facts = data.load_facts()
    rows = [*facts.glossary, *facts.comparison, *facts.agreement, *facts.arguments]
    assert {r.id for r in facts.glossary} >= {"moratorium", "electronic-transmission", "plurilateral", "annex-4", "non-paper", "jsi"}
    assert any(not p.included for p in facts.agreement), "what the Agreement leaves out"
    assert {a.side for a in facts.arguments} == {"for", "against"}
    for row in rows:
        assert row.sources, row.id
        for key in row.sources:
            assert facts.sources[key].url and facts.sources[key].url.startswith("https://"), (row.id, key)
        assert row.status in ("verified", "secondary"), row.id  # nothing unverified shown as a row


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_row_not_verified_says_its_status(lang):
    facts = data.load_facts()
    secondary = messages.group("status", lang)["secondary"]
    html = theme.render(teach.TEMPLATE, lang, macro="comparison", rows=facts.comparison)
    for row in facts.comparison:
        cells = re.search(rf'<tr data-row="{row.id}">(.*?)</tr>', html, flags=re.S).group(1)
        assert (secondary in cells) == (row.status == "secondary"), row.id
    # every row of the Agreement has the same status: the caption says it once
    html = theme.render(teach.TEMPLATE, lang, macro="agreement", rows=facts.agreement)
    assert html.count(secondary) == 1 and "<caption>" in html
    for row in facts.arguments:  # a position, never a fact: whose it is comes first
        shown = htmllib.unescape(theme.render(teach.TEMPLATE, lang, macro="arguments", rows=facts.arguments))
        assert f'<td class="deck-holder">{row.holder.text(lang)}</td><td>{row.text.text(lang)}' in shown


def test_the_moratorium_timeline_draws_every_decision_on_it_from_1998_to_2026():
    facts = data.load_facts()
    fig = timeline.moratorium()
    expected = [e.id for e in facts.track("programme") if e.moratorium]
    assert fig.layout.meta["events"] == expected
    years = [facts.event(i).start.year for i in expected]
    assert years[0] == 1998 and years[-1] == 2026
    outcomes = {facts.event(i).id: facts.event(i).moratorium for i in expected}
    assert outcomes["mc3"] == "no-decision" and outcomes["mc5"] == "failed" and outcomes["mc7"] == "renewed"
    assert outcomes["mc14"] == "lapsed"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_built_deck_has_the_glossary_just_before_sources(built, lang):
    for name in deck_names():
        nb = nbformat.read(str(built / "notebooks" / lang / f"{name}.ipynb"), 4)
        ids = [c.get("id") for c in nb.cells]
        assert glossary.SLIDE_ID in ids, (lang, name)
        assert ids.index(glossary.SLIDE_ID) < ids.index("sources-slide"), (lang, name)
        groups = conventions.slides([c for c in nb.cells if not conventions.is_notes(c)], skip=True)
        headings = [next(c.source for _, c in g if c.cell_type == "markdown").splitlines()[0] for g in groups[-2:]]
        assert headings[0] == "## " + messages.t("glossary.heading", lang), (lang, name)
        html = (built / "slides" / lang / f"{name}.html").read_text(encoding="utf-8")
        for term in data.load_facts().glossary:
            assert f'data-term="{term.id}"' in html and term.term.text(lang) in htmllib.unescape(html)


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_menu_reaches_the_glossary_and_its_rows_are_readable(built, offline_page, lang):
    view = offline_page((1280, 720))
    page = view.page
    page.goto((built / "slides" / lang / "09_a_retenir.html").as_uri())
    page.wait_for_selector("html[data-deck-ready=yes]", timeout=20_000)
    page.click(".deck-menu-toggle")
    heading = messages.t("glossary.heading", lang)
    page.get_by_role("link", name=heading, exact=True).click()
    try:  # reveal follows the link's hash on `hashchange`: awaited, then the slide settled
        page.wait_for_function("h => ((document.querySelector('.present h2') || {}).textContent || '').trim() === h", arg=heading, timeout=10_000)
    except PlaywrightTimeout:
        pass  # the assertion below says where the menu went
    page.wait_for_function(SLIDE_SETTLED)
    assert page.evaluate("document.querySelector('.present h2').textContent.trim()") == heading
    # every page of the table, each row drawn at 16 px or more and above the footer band
    for _ in range(6):
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('.present #deck-glossary tbody:not([hidden]) tr')].map(tr => {
                 const r = tr.getBoundingClientRect();
                 return [parseFloat(getComputedStyle(tr.querySelector('td')).fontSize) * Reveal.getScale(), r.bottom]; })"""
        )
        assert sizes
        for size, bottom in sizes:
            assert size >= 16 and bottom <= 720 - 44 * page.evaluate("Reveal.getScale()")
        if page.evaluate("Reveal.availableFragments().next") is False:
            break
        page.keyboard.press("ArrowRight")
        page.wait_for_function(SLIDE_SETTLED)
    assert not view.errors and not view.external
