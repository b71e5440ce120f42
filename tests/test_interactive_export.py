"""The kernel-free contract of the exported decks (widgets_export.py): every interactive element either
works without a kernel (plotly's own controls) or is a labelled static fallback; no dead control.
The build refuses a widget that has no fallback."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from conftest import ROOT
from test_build_errors import fails_cleanly, only_notebook, project  # noqa: F401 - fixture
from test_browser import DECKS, open_deck
from wto_ecommerce_deck.pipeline import export
from wto_ecommerce_deck.errors import BuildError
from wto_ecommerce_deck.widgets_export import WIDGET_VIEW_MIME

WIDGET_ONLY = {"text/plain": "IntSlider(value=0)", WIDGET_VIEW_MIME: {"version_major": 2, "version_minor": 0, "model_id": "x"}}
WITH_FALLBACK = {**WIDGET_ONLY, "text/html": '<div class="deck-fallback deck-quiz" data-fallback-kind="quiz">Q</div>'}


def deck_with_output(bundle: dict, name: str = "03_structure_omc", index: int = 2) -> nbformat.NotebookNode:
    """A section notebook whose cell `index` (a code cell) shows `bundle`."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    cell = nb.cells[index]
    assert cell.cell_type == "code"
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}}
    return nb


# --------------------------------------------------------------------------- the build-time check


def test_widget_without_fallback_names_notebook_and_cell():
    nb = deck_with_output(WIDGET_ONLY)
    with pytest.raises(BuildError) as caught:
        export.check_kernel_free(nb, "La structure de l'OMC")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(
        "notebooks/03_structure_omc.ipynb: cell 3 (id 'structure-03'): shows a widget with no static fallback"
    )


def test_full_deck_names_the_section_notebook_of_the_cell():
    sections = [nbformat.read(ROOT / "notebooks" / f"{n}.ipynb", as_version=4) for n in ("01_titre", "02_programme_de_travail")]
    sections[1].cells[6].outputs = [nbformat.v4.new_output("display_data", data=WIDGET_ONLY)]
    from wto_ecommerce_deck.pipeline import notebooks

    with pytest.raises(BuildError, match=r"^notebooks/02_programme_de_travail\.ipynb: cell 7 \(id 'programme-07'\): "):
        export.check_kernel_free(notebooks.chain(sections), "Présentation complète")


def test_fallback_skipped_and_removed_cells_pass():
    export.check_kernel_free(deck_with_output(WITH_FALLBACK), "x")
    skipped = deck_with_output(WIDGET_ONLY)
    skipped.cells[2].metadata["slideshow"]["slide_type"] = "skip"
    export.check_kernel_free(skipped, "x")
    removed = deck_with_output(WIDGET_ONLY)
    removed.cells[2].metadata["tags"].append("remove-cell")
    export.check_kernel_free(removed, "x")


def test_export_shows_the_fallback_never_the_widget():
    html = export.to_html(deck_with_output(WITH_FALLBACK), "La structure de l'OMC", "../vendor")
    assert 'data-fallback-kind="quiz"' in html
    assert WIDGET_VIEW_MIME not in html and "widget-state" not in html and "jupyter-widgets" not in html
    assert html.count(".reveal .deck-table-scroll {") == 1  # the fallbacks' CSS, inlined once
    plain = export.to_html(nbformat.read(ROOT / "notebooks" / "01_titre.ipynb", as_version=4), "Titre", "../vendor")
    assert "deck-table-scroll" not in plain  # only in decks that have a fallback


@pytest.mark.slow  # executes a notebook in a kernel
def test_build_fails_on_a_kernel_only_widget(project, fails_cleanly):  # noqa: F811 - pytest fixtures
    path = only_notebook(project, "03_structure_omc.ipynb")
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = {
        "cell_type": "code", "id": "structure-99", "execution_count": None, "outputs": [],
        "metadata": {"slideshow": {"slide_type": "-"}, "tags": ["hide-input"]},
        "source": '__import__("ipywidgets").IntSlider()',
    }
    nb["cells"].insert(3, cell)
    path.write_text(json.dumps(nb), encoding="utf-8")
    errors = fails_cleanly(project)
    assert len(errors) == 1
    assert errors[0].startswith(
        "error: notebooks/03_structure_omc.ipynb: cell 4 (id 'structure-99'): shows a widget with no static fallback"
    )


# --------------------------------------------------------------------------- in the browser

CONTROLS_OF_CURRENT_SLIDE = """() => {
  const slide = Reveal.getCurrentSlide();
  const dead = Array.from(slide.querySelectorAll('button, input, select, textarea, [contenteditable]'))
    .filter(e => !e.closest('.deck-plot'));
  return {
    dead: dead.map(e => e.outerHTML.slice(0, 120)),
    widgets: slide.querySelectorAll('.jupyter-widgets, script[type*="jupyter.widget"]').length,
    fallbacks: Array.from(slide.querySelectorAll('.deck-fallback')).map(f => ({
      kind: f.dataset.fallbackKind,
      note: (f.querySelector('.deck-fallback-note') || {}).textContent || '',
      details: f.querySelectorAll('details').length,
      tables: f.querySelectorAll('.deck-table-scroll').length,
    })),
    plots: Array.from(slide.querySelectorAll('.deck-plot')).map(d => d.id),
  };
}"""

# What a click on a plotly control changes: trace visibility (legend, filter buttons) or the view (zoom).
FIGURE_STATE = """(id) => { const d = document.getElementById(id);
  return JSON.stringify([d.data.map(t => t.visible === undefined ? true : t.visible),
                         d.layout.xaxis && d.layout.xaxis.range, d.layout.geo && d.layout.geo.projection]); }"""
CHANGED = "([id, before]) => (" + FIGURE_STATE + ")(id) !== before"
# Past plotly's double-click delay since the last press on the figure (its legend and its plot
# area each note the time of theirs): a press now is a click, not the second half of a double click.
PAST_DOUBLE_CLICK = """(id) => { const d = document.getElementById(id);
  const last = Math.max(d._legendMouseDownTime || 0, d._mouseDownTime || 0);
  return Date.now() - last > d._context.doubleClickDelay; }"""


def slides_with(page, selector):
    return page.evaluate(
        """(sel) => Reveal.getSlides().filter(s => s.querySelector(sel)).map(s => {
             const i = Reveal.getIndices(s); return [i.h, i.v || 0]; })""",
        selector,
    )


def check_details(page, name, h, v):
    for index in range(page.evaluate("Reveal.getCurrentSlide().querySelectorAll('details').length")):
        details = f"Reveal.getCurrentSlide().querySelectorAll('details')[{index}]"
        summary = page.evaluate(f"{details}.querySelector('summary').textContent.trim()")
        assert summary, (name, h, v)
        assert page.evaluate(f"!{details}.open")
        page.evaluate(f"{details}.querySelector('summary').click()")
        state = page.evaluate(
            f"""(() => {{ const d = {details}; const body = d.querySelector('.deck-reveal-body');
                 const box = body.getBoundingClientRect();
                 return {{open: d.open, text: body.innerText, bottom: box.bottom, height: box.height,
                          viewport: window.innerHeight}}; }})()"""
        )
        assert state["open"] and state["height"] > 0, (name, h, v, state)
        assert "Source" in state["text"], (name, h, v)
        assert state["bottom"] <= state["viewport"], f"{name} {h}/{v}: the opened answer overflows the slide"
        assert page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v || 0]") == [h, v]


def check_plot_controls(page, name, plot_id):
    """Each plotly control of the figure changes it, with no kernel: the first legend item, a filter
    button, the modebar's zoom. (A plot with none of them still answers the hover.)"""
    page.wait_for_function(f"document.getElementById('{plot_id}').getAttribute('data-plot-ready') === 'yes'")
    clicks = [
        f"#{plot_id} g.legend g.traces >> nth=0",
        f"#{plot_id} g.updatemenu-button >> nth=1",
        f'#{plot_id} .modebar-btn[data-val="in"] >> nth=0',
    ]
    for selector in clicks:
        if not page.locator(selector).count():
            continue
        before = page.evaluate(FIGURE_STATE, plot_id)
        page.hover(f"#{plot_id}")  # the modebar shows on hover
        page.click(selector, force=True)
        try:
            page.wait_for_function(CHANGED, arg=[plot_id, before], timeout=3_000)
        except Exception:  # noqa: BLE001 - say which control did nothing
            pytest.fail(f"{name}: plot {plot_id}: {selector.split(' >> ')[0]} changes nothing")
        page.wait_for_function(PAST_DOUBLE_CLICK, arg=plot_id)  # the next click is a click


@pytest.mark.parametrize("name", DECKS)
def test_every_interactive_element_works_without_a_kernel(offline_page, built, name):
    view = open_deck(offline_page, built, name)
    page = view.page
    fallbacks = 0
    for h, v in slides_with(page, ".deck-fallback, .deck-plot, details, button, input, select, textarea"):
        page.evaluate(f"Reveal.slide({h}, {v})")
        found = page.evaluate(CONTROLS_OF_CURRENT_SLIDE)
        assert found["dead"] == [], f"{name} {h}/{v}: controls that do nothing without a kernel"
        assert found["widgets"] == 0
        for fallback in found["fallbacks"]:
            fallbacks += 1
            assert fallback["kind"] in ("quiz", "explorer") and fallback["note"].strip(), (name, h, v, fallback)
            if fallback["kind"] == "quiz":
                assert fallback["details"] == 1, (name, h, v)
            else:
                assert fallback["tables"] == 1, (name, h, v)
                box = page.evaluate(
                    """() => { const t = Reveal.getCurrentSlide().querySelector('.deck-table-scroll');
                       const r = t.getBoundingClientRect();
                       return {bottom: r.bottom, viewport: window.innerHeight, tabindex: t.getAttribute('tabindex'),
                               label: t.getAttribute('aria-label'), scrolls: t.scrollHeight > t.clientHeight + 1,
                               paged: t.classList.contains('deck-table-paged')}; }"""
                )
                # A table cut into pages scrolls no more (its pages are fragments); one that scrolls
                # can be scrolled with the keyboard.
                assert box["bottom"] <= box["viewport"] and box["label"], (name, h, v, box)
                assert (box["paged"] and not box["scrolls"] and box["tabindex"] is None) or box["tabindex"] == "0", (name, h, v, box)
        check_details(page, name, h, v)
        for plot_id in found["plots"]:
            check_plot_controls(page, name, plot_id)
    if name not in ("01_titre", "08_comprendre", "09_a_retenir"):  # the synthesis sections ask no exercise (test_quiz)
        assert fallbacks >= 2, name
    assert view.external == [] and view.errors == []


def test_keyboard_opens_an_answer_without_leaving_the_slide(offline_page, built):
    view = open_deck(offline_page, built, "03_structure_omc")
    page = view.page
    h, v = slides_with(page, "details.deck-reveal")[0]
    page.evaluate(f"Reveal.slide({h}, {v})")
    page.focus("section.present details.deck-reveal > summary")
    page.keyboard.press("Space")
    assert page.evaluate("document.querySelector('section.present details.deck-reveal').open")
    assert page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v || 0]") == [h, v]


def test_print_view_shows_the_answers(offline_page, built):
    view = offline_page()
    view.page.goto((built / "slides" / "fr" / "03_structure_omc.html").as_uri() + "?print-pdf")
    view.page.wait_for_selector("html[data-deck-ready=yes]", timeout=20_000)
    states = view.page.evaluate("Array.from(document.querySelectorAll('details.deck-reveal')).map(d => d.open)")
    assert states and all(states)


def test_no_widget_manager_is_loaded(built):
    for deck in (built / "slides").glob("*/*.html"):
        html = deck.read_text(encoding="utf-8")
        assert not re.search(r"html-manager|embed-amd|widget-state\+json|widget-view\+json", html), deck.name
