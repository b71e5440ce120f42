"""Every exported deck opened offline in a real headless Chromium, every slide visited: every plot
drawn, every text a room must read readable (READABILITY, shared with test_presenting.py)."""

from __future__ import annotations

import pytest

from conftest import ROOT
from wto_ecommerce_deck import conventions, messages

DECKS = [conventions.FULL_DECK, *conventions.section_names(ROOT / "notebooks")]
LANGUAGES = messages.languages()

# The slide's plots once drawn: size, and the countries a map shows.
PLOTS_OF_CURRENT_SLIDE = """() => Array.from(Reveal.getCurrentSlide().querySelectorAll('.deck-plot')).map(div => {
  const box = div.getBoundingClientRect();
  return {id: div.id, ready: div.getAttribute('data-plot-ready') === 'yes', width: box.width, height: box.height,
          countries: div.querySelectorAll('path.choroplethlocation').length,
          events: ((div.layout && div.layout.meta && div.layout.meta.events) || []).length,
          labels: Array.from(div.querySelectorAll('.textpoint text')).filter(t => t.textContent.trim()).length,
          points: div.querySelectorAll('.scatterlayer .point').length};
})"""

ALL_SLIDES = """() => Reveal.getSlides().map(s => {
  const i = Reveal.getIndices(s); return [i.h, i.v || 0];
})"""

# The current slide as the room ends up seeing it, awaited rather than slept for: its plots drawn,
# no transition or animation running (a fragment fades in for 0.2 s; document.getAnimations() sees
# a transition as soon as it starts, endless animations aside), and two frames later (deck.js does
# its work on reveal's events a frame later: table pages, answers, plots resized) no plot waiting
# on a resize (plotly's Plots.resize relayouts 100 ms after it is called; `_resolveResize` is
# there until it is done).
SLIDE_SETTLED = """() => new Promise(done => {
  const plots = Array.from(Reveal.getCurrentSlide().querySelectorAll('.deck-plot'));
  const moving = document.getAnimations().some(a => a.playState === 'running'
    && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  if (moving || !plots.every(d => d.getAttribute('data-plot-ready') === 'yes')) return done(false);
  requestAnimationFrame(() => requestAnimationFrame(() => done(!plots.some(d => d._resolveResize))));
})"""


# The text a room must read, as drawn: every visible text of the current slide (HTML and the SVG of
# plotly's charts: ticks, labels, legends, keys, buttons) and of the deck's chrome (footer, slide
# number, menu button). Its size as rendered is its computed font-size times the CSS zoom it is
# under (`currentCSSZoom`: deck.js zooms a long opened answer) times reveal's scale of the slide
# (0.96 at 1280×720); an SVG text's, its user units as drawn on screen (bounding box on screen ÷
# getBBox), which takes in any scaling of the figure. Nothing is exempted: the chrome is written
# at 17 px. Reported as problems:
#   small    rendered under `min` px;
#   clipped  cut by a box that hides its overflow (an ancestor whose overflow is not visible, up to
#            the slide; for an SVG text, its SVG, and the plot area for the labels plotly clips to it);
#   overflow text wider than its own block (a table cell whose word runs into the next column);
#   covered  under one of reveal's arrows (their buttons' boxes);
# and the slide's plots and tables under an arrow as `covered` too.
READABILITY = """([min]) => {
  const slide = Reveal.getCurrentSlide();
  const scale = Reveal.getScale();
  const arrows = Array.from(document.querySelectorAll('.reveal .controls button.enabled'))
    .filter(b => b.checkVisibility({visibilityProperty: true, opacityProperty: true}))
    .map(b => b.getBoundingClientRect());
  const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const inside = (a, b, slack = 1) => a.left >= b.left - slack && a.right <= b.right + slack && a.top >= b.top - slack && a.bottom <= b.bottom + slack;
  const problems = [];
  const say = (what, el, text, extra) => problems.push([what, el.tagName.toLowerCase() + '.' + String(el.getAttribute('class') || '').split(' ')[0], text.slice(0, 50), extra]);
  const seen = el => el.checkVisibility({visibilityProperty: true, opacityProperty: true}) && !el.closest('aside.notes, .visually-hidden, .hoverlayer, .modebar');
  const chrome = Array.from(document.querySelectorAll('.deck-footer, .reveal .slide-number, .deck-menu-toggle'));
  // HTML: each element holding a text of its own
  for (const root of [slide, ...chrome]) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (el.closest('svg') || !seen(el)) continue;
      const texts = Array.from(el.childNodes).filter(n => n.nodeType === 3 && n.textContent.trim());
      if (!texts.length) continue;
      const range = document.createRange();
      range.setStartBefore(texts[0]);
      range.setEndAfter(texts[texts.length - 1]);
      const r = range.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const text = texts.map(n => n.textContent).join(' ').trim().replace(/\\s+/g, ' ');
      const size = parseFloat(getComputedStyle(el).fontSize) * (el.currentCSSZoom || 1) * (el.closest('.reveal .slides') ? scale : 1);
      if (size < min - 0.01) say('small', el, text, Math.round(size * 10) / 10);
      // a line's box may rise a little above its block (line-height under the font's height): only
      // what runs past a clipping box by more than a quarter of the text's size is cut
      const slack = 1 + size / 4;
      for (let box = el; box && box !== root.parentElement; box = box.parentElement) {
        const style = getComputedStyle(box);
        if ((style.overflowX !== 'visible' || style.overflowY !== 'visible') && box !== el && !inside(r, box.getBoundingClientRect(), slack)) {
          say('clipped', el, text, box.tagName.toLowerCase() + '.' + String(box.getAttribute('class') || '').split(' ')[0]);
          break;
        }
      }
      let block = el;  // the block the text is laid out in (a link's: its cell)
      while (block.parentElement && /^inline/.test(getComputedStyle(block).display)) block = block.parentElement;
      if (block.clientWidth > 0 && block.scrollWidth > block.clientWidth + 1) {
        say('overflow', el, text, block.scrollWidth - block.clientWidth);
      }
      if (arrows.some(a => meets(r, a))) say('covered', el, text, '');
    }
  }
  // SVG: plotly's texts
  for (const el of slide.querySelectorAll('svg text')) {
    if (!el.textContent.trim() || !seen(el)) continue;
    const r = el.getBoundingClientRect();
    const box = el.getBBox();
    if (r.height === 0 || box.height === 0) continue;
    const text = el.textContent.trim();
    const size = parseFloat(getComputedStyle(el).fontSize) * r.height / box.height;
    if (size < min - 0.01) say('small', el, text, Math.round(size * 10) / 10);
    const svg = el.closest('svg.main-svg') || el.closest('svg');
    const area = el.closest('.textpoint') && el.closest('.deck-plot').querySelector('.nsewdrag');
    if (!inside(r, svg.getBoundingClientRect()) || (area && !inside(r, area.getBoundingClientRect()))) say('clipped', el, text, 'svg');
    if (arrows.some(a => meets(r, a))) say('covered', el, text, '');
  }
  for (const el of slide.querySelectorAll('.deck-plot, table')) {
    if (seen(el) && arrows.some(a => meets(el.getBoundingClientRect(), a))) say('covered', el, '', '');
  }
  return problems;
}"""
MIN_READABLE_PX = 16


def open_deck(offline_page, built, name, viewport=(1280, 720), lang="fr"):
    view = offline_page(viewport)
    view.page.goto((built / "slides" / lang / f"{name}.html").as_uri())
    view.page.wait_for_selector("html[data-deck-ready=yes]", timeout=20_000)
    return view


def assert_every_plot_drawn(deck: str, drawn: list[tuple], expected: int) -> None:
    """`drawn`: (h, v, plot) for each plot of each slide, as PLOTS_OF_CURRENT_SLIDE measured it once
    its slide was shown; `expected`: the deck's number of plots."""
    for h, v, plot in drawn:
        assert plot["width"] > 600 and plot["height"] > 300, (deck, h, v, plot)
        assert plot["labels"] >= plot["events"], (deck, h, v, plot)  # every event of a timeline is labelled
        if plot["countries"]:
            assert plot["countries"] >= 60, (deck, h, v, plot)
    assert len(drawn) == expected, deck
    if deck.endswith(conventions.FULL_DECK):
        assert len(drawn) >= 5 and sum(1 for *_, p in drawn if p["countries"]) == 1, deck
        assert sum(p["events"] for *_, p in drawn) >= 30, deck  # timelines A, B and C


PLOTS_READY = "Array.from(Reveal.getCurrentSlide().querySelectorAll('.deck-plot')).every(d => d.getAttribute('data-plot-ready') === 'yes')"


# Each section deck in each language; the full deck is walked once per language by test_presenting's
# sweep, which checks the same (`test_full_deck_runs_offline_and_every_plot_draws`).
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", [d for d in DECKS if d != conventions.FULL_DECK])
def test_deck_runs_offline_and_every_plot_draws(offline_page, built, name, lang):
    view = open_deck(offline_page, built, name, lang=lang)
    page = view.page
    slides = page.evaluate(ALL_SLIDES)
    assert len(slides) >= 1
    drawn = []
    unreadable = []
    for h, v in slides:
        page.evaluate(f"Reveal.slide({h}, {v})")
        assert page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v || 0]") == [h, v]
        # drawn when the slide comes, before its fragments
        page.wait_for_function(PLOTS_READY, timeout=15_000)
        # Every text a room must read, with every fragment shown (test_presenting.py also steps
        # through the pages of a paged table, opens the answers, in the full deck).
        page.evaluate(f"Reveal.slide({h}, {v}, 99)")
        page.wait_for_function(PLOTS_READY, timeout=15_000)
        unreadable += [(h, v, *problem) for problem in page.evaluate(READABILITY, [MIN_READABLE_PX])]
        drawn += [(h, v, plot) for plot in page.evaluate(PLOTS_OF_CURRENT_SLIDE)]
    assert_every_plot_drawn(f"{lang}/{name}", drawn, page.evaluate("document.querySelectorAll('.deck-plot').length"))
    assert unreadable == [], f"{lang}/{name}: text a room cannot read at 1280×720"
    assert view.external == []
    assert view.errors == []


def test_a_request_that_would_leave_the_machine_is_aborted_and_recorded(offline_page):
    """What every offline check rests on (chromium.OfflineContext): a request to another host, from
    the page or from a script, is aborted (the image never loads, the fetch fails) and recorded;
    what stays on the machine loads and is recorded as loaded."""
    view = offline_page()
    page = view.page
    page.goto((ROOT / "assets" / "theme" / "deck.js").as_uri())
    page.set_content('<img id="far" src="https://cdn.example.org/logo.png">')
    failed = page.evaluate("""async () => {
      const img = document.getElementById('far');
      await new Promise(done => img.complete ? done() : (img.onerror = img.onload = done));
      try { await fetch('https://example.org/data.json'); return ['fetched', img.naturalWidth]; }
      catch (e) { return ['refused', img.naturalWidth]; } }""")
    assert failed == ["refused", 0]
    assert view.external == ["https://cdn.example.org/logo.png", "https://example.org/data.json"]
    assert view.loaded == [(ROOT / "assets" / "theme" / "deck.js").as_uri()]
    view.errors.clear()  # the refused image and fetch, as the console reports them
