"""Presenting from the exported deck, as a trainer does from a USB stick: speaker view,
keyboard, table of contents, plots that follow the slide, no overflow, accessibility.
Every check runs in a real headless Chromium with all non-file requests aborted."""

from __future__ import annotations

import base64
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ROOT
from test_browser import (ALL_SLIDES, DECKS, LANGUAGES, MIN_READABLE_PX, PLOTS_OF_CURRENT_SLIDE, PLOTS_READY, READABILITY,
                          SLIDE_SETTLED, assert_every_plot_drawn, open_deck)
from wto_ecommerce_deck import messages
from wto_ecommerce_deck.pipeline.layout import page_name

FIRST_SLIDE_WITH_NOTES = """() => {
  const slides = Reveal.getSlides();
  for (const slide of slides) {
    const notes = Array.from(slide.querySelectorAll('aside.notes')).filter(n => !n.closest('.fragment'));
    if (notes.length) { const i = Reveal.getIndices(slide); return [i.h, i.v || 0, notes[0].innerText]; }
  }
  return null;
}"""

# Width of the slide's content box and of each plot, in the same (scaled) pixels.
PLOT_AND_SLIDE_WIDTHS = """() => {
  const slide = Reveal.getCurrentSlide();
  const style = getComputedStyle(slide);
  const scale = Reveal.getScale();
  const content = (slide.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)) * scale;
  return Array.from(slide.querySelectorAll('.deck-plot')).map(d => [d.getBoundingClientRect().width, content,
    d.querySelector('.main-svg') ? d.querySelector('.main-svg').getBoundingClientRect().width : 0]);
}"""

# Every plot of the current slide and its SVG as wide as the slide's content, within 5 %.
PLOTS_FIT = "() => (" + PLOT_AND_SLIDE_WIDTHS + ")().every(([plot, content, svg]) => " \
    "Math.abs(plot - content) <= 0.05 * content && Math.abs(svg - content) <= 0.05 * content)"


def plot_widths(page) -> list:
    """PLOT_AND_SLIDE_WIDTHS once the slide has settled and its plots have followed it: plotly
    resizes a plot a while after deck.js asks it to (its own timer, then a relayout), so the
    widths are awaited up to 10 s; past that they are measured as they are, for the test to say."""
    page.wait_for_function(SLIDE_SETTLED)
    try:
        page.wait_for_function(PLOTS_FIT, timeout=10_000)
    except PlaywrightTimeout:
        pass
    return page.evaluate(PLOT_AND_SLIDE_WIDTHS)


# axe's `preload` fetches the page's stylesheets by XMLHttpRequest, which a file: page refuses: a
# console error per stylesheet on every run, in the page the readability sweep holds to no errors.
# Off, axe reads the same CSSOM: on the full deck its results (violations, passes, incomplete,
# inapplicable, node by node) were the same with and without it.
AXE_RUN = "axe.run(%s, {resultTypes: ['violations'], preload: false})"
# axe on the current slide alone in the document: the other slides (hidden, drawn or not) are set
# aside while it runs, then put back where they were, in the same task's end. axe's cost is the
# document, not the slide it checks: each run builds its tree and its grid of every element
# (`color-contrast`: stacking order and computed styles of some 6 100 elements, plots of the slides
# already seen included). On the French full deck, 62 slides: 19.0 s of axe with the deck whole,
# 2.8 s so, and the same violations slide by slide (rule, impact, node; a node's selector may be
# shorter, as fewer elements need telling apart). What spans slides (an id used twice, a reference
# to another slide's element) is checked by the runs on the whole document, on the first slide and
# on the last (`walk_full_deck`).
AXE_ALONE = """async () => {
  const slides = document.querySelector('.reveal .slides');
  const aside = [];
  for (let s = Reveal.getCurrentSlide(); s && s !== slides; s = s.parentElement)
    for (const other of Array.from(s.parentElement.children))
      if (other !== s && other.matches('section')) {
        const mark = document.createComment('');
        other.replaceWith(mark);
        aside.push([mark, other]);
      }
  try {
    return await axe.run(Reveal.getCurrentSlide(), {resultTypes: ['violations'], preload: false});
  } finally {
    aside.forEach(([mark, other]) => mark.replaceWith(other));
  }
}"""


# The speaker window's own words, as a trainer reads them.
SPEAKER_WORDS = """() => {
  const text = sel => document.querySelector(sel).textContent.trim();
  const time = document.querySelector('.speaker-controls-time h4.label');
  return {lang: document.documentElement.lang, title: document.title,
          upcoming: text('#upcoming-slide .label'), time: time.firstChild.textContent.trim(),
          reset: text('.speaker-controls-time .reset-button'), notes: text('.speaker-controls-notes h4.label'),
          layout: text('.speaker-layout-label'),
          layouts: Array.from(document.querySelectorAll('.speaker-layout-dropdown option')).map(o => o.textContent)};
}"""


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# The pieces of the deck's chrome shown in a page that overlap the slide number: the footer's
# title and links.
CHROME_CLASH = """() => {
  const number = document.querySelector('.reveal .slide-number');
  if (!number || !number.checkVisibility()) return [];
  const n = number.getBoundingClientRect();
  return Array.from(document.querySelectorAll('.deck-footer, .deck-footer *'))
    .filter(e => e.checkVisibility() && Array.from(e.childNodes).some(c => c.nodeType === 3 && c.textContent.trim()))
    .filter(e => { const r = e.getBoundingClientRect();
      return r.left < n.right && n.left < r.right && r.top < n.bottom && n.top < r.bottom; })
    .map(e => e.textContent.trim().slice(0, 40));
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", DECKS)
def test_speaker_view_opens_offline_with_notes_next_slide_and_timer(offline_page, built, name, lang):
    view = open_deck(offline_page, built, name, lang=lang)
    page = view.page
    h, v, notes = page.evaluate(FIRST_SLIDE_WITH_NOTES)
    page.evaluate(f"Reveal.slide({h}, {v})")
    with view.context.expect_page() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    speaker.wait_for_function(
        "document.querySelector('.speaker-controls-notes .value') &&"
        " document.querySelector('.speaker-controls-notes .value').innerText.trim().length > 0",
        timeout=15_000,
    )
    shown = speaker.evaluate("document.querySelector('.speaker-controls-notes .value').innerText")
    assert words(shown)[:80] == words(notes)[:80]
    # the current and the upcoming slide are the deck itself, in frames
    frames = speaker.evaluate("Array.from(document.querySelectorAll('iframe')).map(f => f.src)")
    assert len(frames) == 2 and all(f"{name}.html" in src for src in frames)
    # and their chrome does not run into itself: in the upcoming frame (some 430 px wide) the slide
    # number once sat on the footer's links to the other languages
    for frame in speaker.frames[1:]:
        frame.wait_for_selector("html[data-deck-ready=yes]", timeout=15_000)
        clash = frame.evaluate(CHROME_CLASH)
        assert clash == [], (frame.url.rsplit("/", 1)[-1], clash)
    speaker.wait_for_function("document.querySelector('.speaker-controls-time .timer')")
    # the speaker view's own words are in the deck's language (reveal.js writes them in English)
    words_of = messages.group("deck.speaker", lang)
    shown = speaker.evaluate(SPEAKER_WORDS)
    assert shown == {
        "lang": lang,
        "title": words_of["title"],
        "upcoming": words_of["upcoming"],
        "time": words_of["time"],
        "reset": words_of["reset"],
        "notes": words_of["notes"],
        "layout": words_of["layout"] + messages.t("common.colon", lang=lang).rstrip() + " " + words_of["layouts.default"],
        "layouts": [words_of[f"layouts.{k}"] for k in ("default", "wide", "tall", "notes_only")],
    }
    speaker.wait_for_function("document.querySelector('.clock-value').textContent.trim() !== ''")
    clock = speaker.evaluate("document.querySelector('.clock-value').textContent")
    assert ("M" in clock) == (lang == "en"), clock  # AM/PM in English only: 24 h in French and Spanish
    assert view.external == [] and view.errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_keyboard_help_is_in_the_decks_language(offline_page, built, lang):
    view = open_deck(offline_page, built, "03_structure_omc", lang=lang)
    page = view.page
    page.keyboard.press("Shift+Slash")  # « ? »
    page.wait_for_selector(".r-overlay-help-content td")
    shown = page.evaluate(
        """() => { const help = document.querySelector('.r-overlay-help-content');
             const cells = sel => Array.from(help.querySelectorAll(sel)).map(c => c.textContent.trim());
             return {title: cells('.title')[0], heads: cells('th'), keys: cells('td:first-child'),
                     actions: cells('td:nth-child(2)')}; }"""
    )
    words_of = messages.group("deck.help", lang)
    assert shown["title"] == words_of["title"]
    assert shown["heads"] == [words_of["key"], words_of["action"]]
    known = {text for key, text in words_of.items() if key not in ("title", "key", "action") and not key.startswith("keys.")}
    known |= {messages.t("deck.menu", lang=lang)}  # the deck's own `M`
    assert len(shown["actions"]) >= 12 and set(shown["actions"]) <= known, shown["actions"]
    assert any(words_of["keys.space"] in keys for keys in shown["keys"])
    if lang != "en":
        assert not any(re.search(r"\bSPACE\b|\bShift\b", keys) for keys in shown["keys"]), shown["keys"]
    assert view.external == [] and view.errors == []


@pytest.mark.parametrize("name", DECKS)
def test_keyboard_alone_reaches_the_last_slide(offline_page, built, name):
    view = open_deck(offline_page, built, name)
    page = view.page
    total = page.evaluate("Reveal.getTotalSlides()")
    for _ in range(300):
        if page.evaluate("Reveal.isLastSlide() && !Reveal.availableFragments().next"):
            break
        page.keyboard.press("Space")
    assert page.evaluate("Reveal.isLastSlide()")
    assert page.evaluate("Reveal.getSlidePastCount()") == total - 1
    page.keyboard.press("Home")  # back to the first horizontal slide (reveal keeps a stack's last vertical one)
    assert page.evaluate("Reveal.getIndices().h") == 0
    assert view.external == [] and view.errors == []


def test_fragments_reveal_the_bullets_in_order(offline_page, built):
    view = open_deck(offline_page, built, "02_programme_de_travail")
    page = view.page
    first = page.evaluate("Reveal.getCurrentSlide().querySelectorAll('.fragment').length")
    assert first >= 2
    seen = []
    for _ in range(first):
        page.keyboard.press("ArrowRight")
        seen.append(page.evaluate("Reveal.getCurrentSlide().querySelectorAll('.fragment.visible').length"))
    assert seen == list(range(1, first + 1))


def test_table_of_contents_jumps_to_a_slide_with_the_keyboard(offline_page, built):
    view = open_deck(offline_page, built, "00_presentation_complete")
    page = view.page
    page.keyboard.press("m")
    assert page.get_attribute(".deck-menu-toggle", "aria-expanded") == "true"
    titles = page.eval_on_selector_all("#deck-menu-list a", "links => links.map(a => a.textContent)")
    assert len(titles) == page.evaluate("Reveal.getHorizontalSlides().length")
    assert "La structure de l'OMC" in titles
    page.keyboard.press("Tab")  # focus starts on the current slide's entry; Tab moves to the next
    page.keyboard.press("Enter")
    assert page.evaluate("Reveal.getIndices().h") == 1
    assert page.is_hidden("#deck-menu-list")


@pytest.mark.parametrize("viewport", [(1920, 1080), (1280, 720), (1024, 768)])
def test_plots_take_the_slide_width_after_every_change(offline_page, built, viewport):
    view = open_deck(offline_page, built, "00_presentation_complete")
    page = view.page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    checked = 0
    for h, v in page.evaluate(ALL_SLIDES):
        page.evaluate(f"Reveal.slide({h}, {v})")
        if not page.evaluate("Reveal.getCurrentSlide().querySelector('.deck-plot')"):
            continue
        for plot, content, svg in plot_widths(page):
            # the slide fills the window (16:9 in any window shape), the plot fills the slide
            assert content >= 0.85 * min(viewport[0], viewport[1] * 16 / 9), (h, v, content, viewport)
            assert abs(plot - content) <= 0.05 * content, (h, v, plot, content)
            assert abs(svg - content) <= 0.05 * content, (h, v, svg, content)
            checked += 1
    assert checked >= 5


def test_plots_follow_a_window_resize_and_fragments(offline_page, built):
    view = open_deck(offline_page, built, "00_presentation_complete")
    page = view.page
    plot_slides = [
        (h, v) for h, v in page.evaluate(ALL_SLIDES)
        if page.evaluate(f"!!Reveal.getSlide({h}, {v}).querySelector('.deck-plot')")
    ]
    h, v = plot_slides[0]
    page.evaluate(f"Reveal.slide({h}, {v})")
    page.wait_for_selector(".present .deck-plot[data-plot-ready=yes]")
    for size in [(1024, 768), (1920, 1080), (800, 600)]:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        for plot, content, svg in plot_widths(page):  # reveal's resize, then deck.js's and plotly's
            assert abs(svg - content) <= 0.05 * content, (size, svg, content)
    assert view.external == [] and view.errors == []


# How far the current slide's content runs past its box: [down, across], in CSS px.
SLIDE_OVERFLOW = """() => { const s = Reveal.getCurrentSlide();
  return [s.scrollHeight - s.clientHeight, s.scrollWidth - s.clientWidth]; }"""


def test_no_slide_overflows_its_box_at_1024x768(offline_page, built):
    view = open_deck(offline_page, built, "00_presentation_complete", viewport=(1024, 768))
    page = view.page
    for h, v in page.evaluate(ALL_SLIDES):
        page.evaluate(f"Reveal.slide({h}, {v}, 99)")
        page.wait_for_function(SLIDE_SETTLED)
        try:  # a plot drawn on the way in is fitted to the slide a moment later: awaited up to 10 s
            page.wait_for_function("() => (" + SLIDE_OVERFLOW + ")().every(past => past <= 1)", timeout=10_000)
        except PlaywrightTimeout:
            pass  # measured as it stays, for the assertion to say
        overflow = page.evaluate(SLIDE_OVERFLOW)
        assert overflow[0] <= 1 and overflow[1] <= 1, (h, v, overflow)


# deck.js: plots, tables and opened quiz answers end FOOTER_SPACE above the slide's foot; the
# footer band holds the deck's title, the slide number and reveal's arrows.
DECK_JS = (ROOT / "assets" / "theme" / "deck.js").read_text(encoding="utf-8")
FOOTER_SPACE = int(re.search(r"var FOOTER_SPACE = (\d+);", DECK_JS).group(1))

# What of the current slide is drawn outside its box (left, right) or below `space` slide pixels
# above its foot: elements as drawn, plotly's SVG included (a legend wider than its plot), not
# the rows scrolling inside a table's box nor what a closed answer hides.
OUTSIDE_THE_SLIDE = """([space, selector]) => {
  const slide = Reveal.getCurrentSlide();
  const box = slide.getBoundingClientRect();
  const bottom = box.top + (Reveal.getConfig().height - space) * Reveal.getScale();
  const out = [];
  for (const el of slide.querySelectorAll(selector)) {
    if (!el.checkVisibility({visibilityProperty: true}) || el.closest('aside.notes, .draglayer')) continue;
    if (el.parentElement && el.parentElement.closest('.deck-table-scroll:not(.deck-table-paged)')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const past = [box.left - r.left, r.right - box.right, r.bottom - bottom].map(Math.round);
    if (Math.max(...past) > 3) {
      out.push([el.tagName.toLowerCase(), String(el.getAttribute('class') || ''), past,
                (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60)]);
    }
  }
  return out;
}"""

# The heading's sharpness as drawn: the mean of the steepest 2 % of horizontal steps of grey in a
# screenshot of it (crisp glyph edges are steep; a bitmap scaled by the compositor blurs them).
SHARPNESS = """async (png) => {
  const image = await createImageBitmap(await (await fetch('data:image/png;base64,' + png)).blob());
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, image.height).data;
  const steps = [];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x + 1 < image.width; x++) {
      const i = 4 * (y * image.width + x);
      steps.push(Math.abs((data[i] + data[i + 1] + data[i + 2]) - (data[i + 4] + data[i + 5] + data[i + 6])) / 3);
    }
  }
  steps.sort((a, b) => b - a);
  const top = steps.slice(0, Math.max(1, Math.floor(steps.length / 50)));
  return top.reduce((a, b) => a + b, 0) / top.length;
}"""
# What no deck may need to be crisp: compositing hints, transitions and animations (a slide drawn
# without them is drawn straight at reveal's scale).
FLAT = "*, *::before, *::after { will-change: auto !important; transition: none !important; animation: none !important; }"


def settled_sharpness(page) -> float | None:
    """`heading_sharpness` once two measures in a row agree (within 2 %), up to 10: a heading Chrome
    drew while its slide moved in is drawn again at its scale a moment later (seen in French at
    (11, 1): 114, then 161 from 60 ms on). A heading that stays blurred stays so here too."""
    last = heading_sharpness(page)
    for _ in range(10):
        if last is None:
            return None
        now = heading_sharpness(page)
        if abs(now - last) <= 0.02 * max(now, last):
            return now
        last = now
    return last


def heading_sharpness(page) -> float | None:
    box = page.evaluate(
        """() => { const h = Reveal.getCurrentSlide().querySelector('h1, h2');
             if (!h) return null; const r = h.getBoundingClientRect();
             return {x: r.left, y: r.top, width: Math.min(r.width, 600), height: r.height}; }"""
    )
    if not box or box["width"] < 40:
        return None
    shot = page.screenshot(clip=box)
    return page.evaluate(SHARPNESS, base64.b64encode(shot).decode("ascii"))


def fragment_states(page) -> list[int]:
    """The fragment indices to look at on the current slide: all fragments shown (99), or, on a slide
    whose table deck.js cut into pages, each page in turn (-1: the first page, before any fragment)."""
    pages = page.evaluate("Reveal.getCurrentSlide().querySelectorAll('tbody.deck-table-page').length")
    return list(range(-1, pages - 1)) if pages else [99]


# The full deck is walked once per language for three checks, the readability sweep, axe's and the
# offline one of test_browser (every plot drawn): each slide is shown, settled (SLIDE_SETTLED:
# awaited, never slept for) and measured for all, in the one page (a walk costs the page's load,
# every plot drawn, every slide settled). The three tests of a language share the walk
# (`full_deck_sweep`) and the xdist group that keeps them on one worker;
# each asserts its own findings. axe runs last, on each slide with every fragment shown and its
# answers closed, alone in the document (`AXE_ALONE`), and on the whole page (chrome, menu, footer,
# every slide in place) on the first slide and on the last.
SWEPT: dict[str, dict] = {}
SWEEP_GROUP = [pytest.param(lang, marks=pytest.mark.xdist_group(f"full-deck-sweep-{lang}")) for lang in LANGUAGES]

# Every closed answer of the current slide opened, once deck.js has fitted them (it does on the
# `toggle` event, listened to on the document in the capture phase, so before this listener).
OPEN_ANSWERS = """() => new Promise(done => {
  const closed = Array.from(Reveal.getCurrentSlide().querySelectorAll('details.deck-reveal')).filter(d => !d.open);
  let left = closed.length;
  if (!left) return done(0);
  closed.forEach(d => {
    d.addEventListener('toggle', () => { if (--left === 0) requestAnimationFrame(() => done(closed.length)); }, {once: true});
    d.open = true;
  });
})"""


def full_deck_sweep(offline_page, built, lang: str) -> dict:
    """What the walk through the full deck in `lang` found: `readable` (what runs out of the slide,
    text too small, cut or covered, blurred headings), `axe` (serious or critical violations), the
    plots `drawn` (h, v, plot) of the deck's `plots`, and the page's `external` requests and console
    `errors`; walked by the first of the tests that read it."""
    if lang not in SWEPT:
        SWEPT[lang] = walk_full_deck(offline_page, built, lang)
    return SWEPT[lang]


def serious(results: dict, where: tuple) -> list[tuple]:
    """axe's serious and critical violations, each with where it was found and its first node."""
    return [(*where, v["id"], v["nodes"][0]["html"][:120]) for v in results["violations"] if v["impact"] in ("serious", "critical")]


def walk_full_deck(offline_page, built, lang: str) -> dict:
    view = open_deck(offline_page, built, "00_presentation_complete", lang=lang)
    page = view.page
    page.evaluate(Axe().axe_script)  # once: `Axe.run` would inject its 570 kB script again on every slide
    found, sharpness, violations, plots = [], {}, [], []
    for h, v in page.evaluate(ALL_SLIDES):
        page.evaluate(f"Reveal.slide({h}, {v})")
        page.wait_for_function(PLOTS_READY, timeout=15_000)  # drawn when the slide comes, before its fragments
        page.evaluate(f"Reveal.slide({h}, {v}, 99)")
        states = fragment_states(page)
        for fragment in states:
            page.evaluate(f"Reveal.slide({h}, {v}, {fragment})")
            page.wait_for_function(SLIDE_SETTLED)
            try:  # a plot drawn on the way in is fitted to the slide a moment later: awaited up to 5 s
                page.wait_for_function("args => (" + OUTSIDE_THE_SLIDE + ")(args).length === 0", arg=[FOOTER_SPACE, "*"], timeout=5_000)
            except PlaywrightTimeout:
                pass  # measured as it stays, for the assertion to say
            where = (h, v) if fragment == 99 else (h, v, f"page {fragment + 2}")
            found += [(*where, *item) for item in page.evaluate(OUTSIDE_THE_SLIDE, [FOOTER_SPACE, "*"])]
            found += [(*where, *item) for item in page.evaluate(READABILITY, [MIN_READABLE_PX])]
        sharpness[(h, v)] = settled_sharpness(page)
        plots += [(h, v, plot) for plot in page.evaluate(PLOTS_OF_CURRENT_SLIDE)]
        if states != [99]:  # a paged table: its answers are opened with every fragment shown, as elsewhere
            page.evaluate(f"Reveal.slide({h}, {v}, 99)")
            page.wait_for_function(SLIDE_SETTLED)
        if page.evaluate(OPEN_ANSWERS):
            found += [(h, v, "opened", *item) for item in page.evaluate(OUTSIDE_THE_SLIDE, [FOOTER_SPACE, ".deck-reveal-body"])]
            found += [(h, v, "opened", *item) for item in page.evaluate(READABILITY, [MIN_READABLE_PX])]
            page.evaluate("Reveal.getCurrentSlide().querySelectorAll('details.deck-reveal').forEach(d => { d.open = false; })")
        if page.evaluate("!!Reveal.getCurrentSlide().querySelector('.deck-table-scroll:not(.deck-table-paged)')"):
            found += [(h, v, "table", *item) for item in page.evaluate(OUTSIDE_THE_SLIDE, [FOOTER_SPACE, ".deck-table-scroll"])]
    page.add_style_tag(content=FLAT)
    for (h, v), drawn in sharpness.items():
        if drawn is None:
            continue
        page.evaluate(f"Reveal.slide({h}, {v}, 99)")
        page.wait_for_function(SLIDE_SETTLED)
        flat = heading_sharpness(page)
        if drawn < 0.9 * flat:
            found.append((h, v, "blurred", round(drawn), round(flat)))
    # axe last, once everything above is measured: its runs take the other slides out of the
    # document and put them back, which no measure of the walk above is to see.
    slides = page.evaluate(ALL_SLIDES)
    for number, (h, v) in enumerate(slides):
        page.evaluate(f"Reveal.slide({h}, {v}, 99)")
        page.wait_for_function(SLIDE_SETTLED)
        violations += serious(page.evaluate(AXE_RUN % "document" if number == 0 else AXE_ALONE), (h, v))
    violations += serious(page.evaluate(AXE_RUN % "document"), ("whole deck", "on its last slide"))
    return {"readable": found, "axe": violations, "drawn": plots, "plots": page.evaluate("document.querySelectorAll('.deck-plot').length"),
            "external": list(view.external), "errors": list(view.errors)}


@pytest.mark.parametrize("lang", SWEEP_GROUP)
def test_full_deck_runs_offline_and_every_plot_draws(offline_page, built, lang):
    """test_browser's check of every deck, for the full deck, read from the sweep's walk: each slide's
    plots drawn when it comes (before its fragments), each wide and tall enough, every event of a
    timeline labelled, the map's countries drawn from the local topojson; nothing requested off the
    machine, no console error."""
    swept = full_deck_sweep(offline_page, built, lang)
    assert_every_plot_drawn(f"{lang}/00_presentation_complete", swept["drawn"], swept["plots"])
    assert swept["external"] == [] and swept["errors"] == []


@pytest.mark.parametrize("lang", SWEEP_GROUP)
def test_every_slide_is_readable_fits_its_box_and_ends_above_the_footer_at_1280x720(offline_page, built, lang):
    """What a trainer projects, in each language (Spanish runs longest), every slide and every page of
    a paged table: nothing of a slide, its plots' legends and labels included, runs past its sides or
    into the footer band; every text a room must read is at least 16 px as drawn, neither cut nor under
    reveal's arrows, nor are the plots and tables; an opened quiz answer too. The Spanish members map's
    legend once ran 42 px past the slide's right edge, an explorer table under the added-context band
    into the footer; explorer tables showed 5 of 22 rows at 12 px behind a scroll, reveal's top arrow
    covered a chart's corner, the status keys were written at 15 px (14.4 as drawn). And every heading
    is as crisp as the same slide drawn without compositing hints or animations: timelines were drawn
    blurred in French and Spanish (reveal's `will-change` on fragments, its animated progress bar)."""
    swept = full_deck_sweep(offline_page, built, lang)
    assert swept["readable"] == [], f"{lang}/00_presentation_complete at 1280×720, by slide (h, v)"
    assert swept["external"] == [] and swept["errors"] == []


def test_a_table_too_long_for_its_slide_is_shown_page_by_page(offline_page, built):
    """Every row of an explorer's table, none behind a scroll: the rows come page after page as
    fragments of the slide (each page replaces the one before, the caption says which rows),
    forward and back with the keyboard, each row once; nothing is paged on paper."""
    view = open_deck(offline_page, built, "02_programme_de_travail")
    page = view.page
    h, v = next(s for s in page.evaluate(ALL_SLIDES) if page.evaluate(f"!!Reveal.getSlide({s[0]}, {s[1]}).querySelector('table.deck-events')"))
    page.evaluate(f"Reveal.slide({h}, {v})")
    total = page.evaluate("Reveal.getCurrentSlide().querySelectorAll('table.deck-events tbody tr').length")
    pages = page.evaluate("Reveal.getCurrentSlide().querySelectorAll('tbody.deck-table-page').length")
    assert total >= 20 and pages >= 2
    shown_rows = []
    state = """() => { const t = Reveal.getCurrentSlide().querySelector('table.deck-events');
      const box = t.closest('.deck-table-scroll');
      const shown = Array.from(t.tBodies).filter(b => b.checkVisibility({visibilityProperty: true, opacityProperty: true}));
      return {shown: shown.length, rows: shown.flatMap(b => Array.from(b.rows).map(r => r.cells[1].textContent.trim())),
              pager: t.querySelector('.deck-table-pager').textContent, scrolls: box.scrollHeight > box.clientHeight + 1,
              focusable: box.hasAttribute('tabindex'), at: [Reveal.getIndices().h, Reveal.getIndices().v || 0]}; }"""
    for step in range(pages):
        if step:
            page.keyboard.press("ArrowRight")  # the next fragment: the next page of rows
        now = page.evaluate(state)
        assert now["shown"] == 1 and not now["scrolls"] and not now["focusable"] and now["at"] == [h, v], now
        first, last = len(shown_rows) + 1, len(shown_rows) + len(now["rows"])
        assert now["pager"] == messages.t("deck.table_rows", "fr", first=first, last=last, total=total)
        shown_rows += now["rows"]
    every_row = page.evaluate("Array.from(Reveal.getCurrentSlide().querySelectorAll('table.deck-events tbody tr')).map(r => r.cells[1].textContent.trim())")
    assert shown_rows == every_row and len(every_row) == total  # every row once, in order
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(state)["rows"][-1] == shown_rows[-len(now["rows"]) - 1]  # back: the page before
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v || 0]") != [h, v]  # past the last page: the next slide
    # On paper every row is there, in one table (the print view unrolls and fits it).
    printed = offline_page()
    printed.page.goto((built / "slides" / "fr" / "02_programme_de_travail.html").as_uri() + "?print-pdf")
    printed.page.wait_for_selector("html[data-deck-ready=yes]", timeout=20_000)
    assert printed.page.evaluate("document.querySelectorAll('tbody.deck-table-page').length") == 0
    assert printed.page.evaluate("document.querySelectorAll('table.deck-events tbody tr').length") >= total
    assert view.external == [] and view.errors == []


@pytest.mark.parametrize("lang", SWEEP_GROUP)
def test_axe_finds_no_serious_or_critical_violation(offline_page, built, lang):
    found = list(full_deck_sweep(offline_page, built, lang)["axe"])
    index = offline_page()
    index.page.goto((built / page_name("index.html", lang)).as_uri())
    for violation in Axe().run(index.page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            found.append(("index", violation["id"]))
    assert found == [], f"{lang}/00_presentation_complete by slide (h, v), and {page_name('index.html', lang)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_lists_every_deck_with_its_true_slide_count(offline_page, built, lang):
    index = offline_page()
    index.page.goto((built / page_name("index.html", lang)).as_uri())
    rows = index.page.eval_on_selector_all(
        "ul.decks li",
        """items => items.map(li => ({href: li.querySelector('a.deck').getAttribute('href'),
                                     count: parseInt(li.querySelector('.count').textContent, 10),
                                     links: Array.from(li.querySelectorAll('a')).map(a => a.getAttribute('href'))}))""",
    )
    assert sorted(r["href"] for r in rows) == sorted(f"slides/{lang}/{name}.html" for name in DECKS)
    deck = offline_page()  # one page for every deck: a new page would cost a renderer each
    for row in rows:
        for href in row["links"]:
            assert (built / href).is_file(), href
        deck.page.goto((built / row["href"]).as_uri())
        deck.page.wait_for_selector("html[data-deck-ready=yes]")
        assert deck.page.evaluate("Reveal.getTotalSlides()") == row["count"], row["href"]
    assert index.external == [] and index.errors == []
