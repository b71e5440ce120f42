"""Every exported deck opened offline in a real headless Chromium, every slide visited."""

from __future__ import annotations

import pytest

from conftest import ROOT
from wto_ecommerce_deck import conventions

DECKS = [conventions.FULL_DECK, *conventions.section_names(ROOT / "notebooks")]

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


def open_deck(offline_page, built, name, viewport=(1280, 720)):
    view = offline_page(viewport)
    view.page.goto((built / "slides" / f"{name}.html").as_uri())
    view.page.wait_for_selector("html[data-deck-ready=yes]", timeout=20_000)
    return view


@pytest.mark.parametrize("name", DECKS)
def test_deck_runs_offline_and_every_plot_draws(offline_page, built, name):
    view = open_deck(offline_page, built, name)
    page = view.page
    slides = page.evaluate(ALL_SLIDES)
    assert len(slides) >= 1
    plots_seen = 0
    maps_seen = 0
    events_seen = 0
    for h, v in slides:
        page.evaluate(f"Reveal.slide({h}, {v})")
        assert page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v || 0]") == [h, v]
        count = page.evaluate("Reveal.getCurrentSlide().querySelectorAll('.deck-plot').length")
        if count:
            page.wait_for_function(
                "Array.from(Reveal.getCurrentSlide().querySelectorAll('.deck-plot'))"
                ".every(d => d.getAttribute('data-plot-ready') === 'yes')",
                timeout=15_000,
            )
        for plot in page.evaluate(PLOTS_OF_CURRENT_SLIDE):
            plots_seen += 1
            assert plot["width"] > 600 and plot["height"] > 300, (name, h, v, plot)
            assert plot["labels"] >= plot["events"], (name, h, v, plot)  # every event of a timeline is labelled
            events_seen += plot["events"]
            if plot["countries"]:
                maps_seen += 1
                assert plot["countries"] >= 60, (name, h, v, plot)
    expected_plots = page.evaluate("document.querySelectorAll('.deck-plot').length")
    assert plots_seen == expected_plots
    if name == "00_presentation_complete":
        assert plots_seen >= 5 and maps_seen == 1
        assert events_seen >= 30  # timelines A, B and C
    assert view.external == []
    assert view.errors == []
