"""Section 7 « Et depuis 2018 ? » and the moratorium timeline over two periods.

On the project's data: the 2018 presentation's timeline stops at CM11, the epilogue's continues it,
each conference says what it decided of the moratorium without a hover; Joint Statement
participation 71 → 76 → 86 → 91 with each count's status; the section is marked as added context
on every slide, closes the full deck, and every exercise of its notes has an answer in the data.
"""

from __future__ import annotations

import dataclasses
import re

import nbformat
import pytest

from conftest import ROOT
from wto_ecommerce_deck import data, explorer, messages, timeline
from wto_ecommerce_deck.data.records import Localized, MORATORIUM_OUTCOMES, Participation, PartialDate
from wto_ecommerce_deck.figures import build_participation_chart, build_programme_timeline, style, timelines
from wto_ecommerce_deck.pipeline import notebooks

EPILOGUE = ROOT / "notebooks" / "07_depuis_2018.ipynb"
MARK_TAG = "added-context"
MARK_CLASS = "celltag_" + MARK_TAG


@pytest.fixture(scope="module")
def facts():
    return data.load_facts()


def shown_events(fig) -> list[str]:
    return list(fig.layout.meta["events"])


def label_of(fig, event_id: str, facts) -> str:
    """The text written next to an event's marker on the chart."""
    label = facts.event(event_id).label.text()
    texts = [t for trace in fig.data for t in (trace.text or ()) if t and t.startswith(style.escape(label))]
    assert len(texts) == 1, (event_id, texts)
    return texts[0]


def marker_of(fig, event_id: str, facts) -> tuple[str, str, str]:
    """(symbol, fill, outline) of the event's marker: the point whose hover is the event's."""
    head = f"<b>{style.escape(facts.event(event_id).label.text())}</b>"
    for trace in fig.data:
        if trace.showlegend is False and trace.mode and "text" in trace.mode:
            continue  # the labels' trace
        for n, row in enumerate(trace.customdata or ()):
            if row and row[0] and row[0].startswith(head):
                def at(value):
                    return value[n] if isinstance(value, (list, tuple)) else value

                return at(trace.marker.symbol), at(trace.marker.color), at(trace.marker.line.color)
    raise AssertionError(f"no marker for {event_id}")


# ------------------------------------------------------------------ the two periods of one timeline


def test_seed_slide_timeline_stops_at_cm11_in_2017(facts):
    fig = timeline.programme()
    ids = shown_events(fig)
    assert all(facts.event(i).start.year <= 2017 for i in ids)
    conferences = [i for i in ids if facts.event(i).kind == "conference"]
    assert conferences == ["mc2", "mc3", "mc4", "mc5", "mc6", "mc7", "mc8", "mc9", "mc10", "mc11"]
    assert fig.layout.xaxis.ticktext[-1] == "2016" and "2018" not in fig.layout.xaxis.ticktext
    assert fig.layout.xaxis.range[1] > "2017-12-31"  # CM11 (mid-December) is not on the edge


def test_continuation_starts_after_2017_with_the_right_events_in_order(facts):
    fig = timeline.moratorium_after_2018()
    assert shown_events(fig) == ["gc-2019-12", "mc12", "mc13", "mc14"]
    assert [facts.event(i).status for i in shown_events(fig)] == ["verified", "verified", "verified", "secondary"]
    assert [facts.event(i).moratorium for i in shown_events(fig)] == ["extended", "renewed", "renewed", "lapsed"]
    assert fig.layout.xaxis.ticktext[0] == "2019" and fig.layout.xaxis.ticktext[-1] == "2026"


def test_the_two_periods_hold_the_whole_programme_track_once(facts):
    before = shown_events(timeline.programme())
    after = shown_events(timeline.moratorium_after_2018())
    assert not set(before) & set(after)
    assert sorted(before + after) == sorted(e.id for e in facts.track("programme"))


def test_every_conference_says_its_outcome_on_the_chart_and_in_the_legend(facts):
    for fig in (timeline.programme(), timeline.moratorium_after_2018()):
        legend = {t.name for t in fig.data if t.showlegend and t.legend != "legend2"}  # legend2: the key of the statuses
        assert legend == {style.OUTCOME_FR[o] for o in fig.layout.meta["outcomes"]}
        assert fig.layout.showlegend and fig.layout.legend.title.text == style.OUTCOME_LEGEND_TITLE_FR
        for event_id in shown_events(fig):
            outcome = facts.event(event_id).moratorium
            if facts.event(event_id).kind == "conference":
                assert outcome, f"{event_id}: a conference of the moratorium timeline without an outcome"
            if not outcome:
                continue
            # « CM4 Doha · renouvelé », then whatever marks the label's status.
            assert label_of(fig, event_id, facts).startswith(style.escape(style.outcome_label(facts.event(event_id).label.text(), outcome)))
            assert style.outcome_label("CM4 Doha", outcome).endswith(f" · {style.OUTCOME_SHORT_FR[outcome]}")
            symbol, fill, outline = marker_of(fig, event_id, facts)
            # The outcome's shape and colour; the status may make it hollow or pale with a dot.
            assert re.sub(r"-(open|dot)$", "", symbol) == style.OUTCOME_SYMBOLS[outcome]
            assert style.OUTCOME_COLOURS[outcome] in (fill, outline)
    # The story of the seed's slide: not renewed at Seattle, the Cancún failure.
    assert facts.event("mc3").moratorium == "no-decision" and facts.event("mc5").moratorium == "failed"


def test_outcomes_are_told_apart_in_grey_and_in_colour():
    assert len(set(style.OUTCOME_SYMBOLS.values())) == len(MORATORIUM_OUTCOMES)
    assert len(set(style.OUTCOME_COLOURS.values())) == len(MORATORIUM_OUTCOMES)
    assert set(style.OUTCOME_FR) == set(style.OUTCOME_SHORT_FR) == set(MORATORIUM_OUTCOMES)


def test_the_lapse_says_news_agencies_and_what_it_does_not_mean(facts):
    fig = timeline.moratorium_after_2018()
    hover = next(
        row[0] for trace in fig.data for row in (trace.customdata or ())
        if row and row[0] and row[0].startswith("<b>CM14 Yaoundé</b>")
    )
    flat = hover.replace("<br>", " ")
    assert "agences de presse" in flat and "chaque Membre décide" in flat
    assert f"Moratoire{style.NBSP}: moratoire expiré" in flat
    assert f"Statut{style.NBSP}: source secondaire" in flat
    assert "AFP" in flat  # the source named, not « rapports non-OMC »


def test_an_unknown_period_is_refused(facts):
    with pytest.raises(ValueError, match="no event"):
        build_programme_timeline(facts.track("programme"), facts.sources, timelines.Period(first=2030))


# ------------------------------------------------------------------ participation


def test_participation_points_71_76_86_91_with_their_statuses(facts):
    fig = timeline.participation()
    trace = fig.data[0]
    assert list(trace.y) == [71, 76, 86, 91]
    assert fig.layout.meta["points"] == ["jsi-2017", "davos-2019", "consolidated-text-2020", "stabilised-text-2024"]
    assert fig.layout.meta["statuses"] == ["verified", "verified", "secondary", "secondary"]
    labels = [a.text for a in fig.layout.annotations if a.name.startswith("point-")]
    assert [a.name for a in fig.layout.annotations] == [f"point-{i}" for i in fig.layout.meta["points"]]
    for text, status in zip(labels, fig.layout.meta["statuses"]):
        assert style.escape(style.status_fr(status)) in text  # written on the chart, not only in the hover
    assert list(trace.x) == sorted(trace.x)
    by_id = {p.id: p for p in facts.participation}
    assert by_id["davos-2019"].event == "davos-2019" and facts.event("davos-2019").status == "verified"


def test_the_participation_axis_starts_at_zero(facts):
    """71 → 91 is a rise of a quarter: an axis cut at 60 drew it as a fourfold one. From 0 the counts
    sit close together: the labels hang below them, each further down than a label it would meet."""
    fig = timeline.participation()
    assert fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.range[1] > max(fig.data[0].y)
    drops = [a.ay for a in fig.layout.annotations]
    assert all(a.showarrow and a.ax == 0 and a.yanchor == "top" for a in fig.layout.annotations)
    assert drops[0] > drops[1]  # 71 and 76, a year apart: the first label below the second


def test_an_unverified_count_is_drawn_open_and_says_to_confirm(facts):
    point = Participation("x", PartialDate.parse("2025"), 95, Localized({"fr": "Compte"}), Localized({"fr": "Détail."}), None, "unverified", ("jsi",))
    fig = build_participation_chart([*facts.participation, point], facts.sources)
    assert fig.data[0].marker.symbol[-1] == "circle-open"  # the deck's mark of a fact to confirm
    assert style.TO_CONFIRM_FR in fig.layout.annotations[-1].text


def test_participation_rejects_an_unknown_event(tmp_path):
    import shutil

    folder = tmp_path / "assets" / "data"
    shutil.copytree(ROOT / "assets" / "data", folder)
    path = folder / "participation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("event: davos-2019", "event: davos-2091"), encoding="utf-8")
    with pytest.raises(data.DataError) as caught:
        data.load_facts(folder)
    assert any(
        line.startswith("assets/data/participation.yaml: entry 'davos-2019' (line ")
        and line.endswith("field 'event': unknown event 'davos-2091' (not in events.yaml)")
        for line in caught.value.errors
    ), caught.value.errors


# ------------------------------------------------------------------ the notebook


def slides_of(nb) -> list[list]:
    groups: list[list] = []
    for cell in nb.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if kind == "skip":
            continue
        if kind in ("slide", "subslide") or not groups:
            groups.append([])
        groups[-1].append(cell)
    return groups


def test_every_slide_of_the_epilogue_is_marked_as_added_context():
    nb = nbformat.read(EPILOGUE, as_version=4)
    groups = slides_of(nb)
    assert len(groups) >= 8
    for group in groups:
        first = group[0]
        assert first.cell_type == "markdown" and MARK_TAG in first.metadata.get("tags", []), first.source[:40]
    css = (ROOT / "assets" / "theme" / "omc.css").read_text(encoding="utf-8")
    # The band's words are the catalogue's, in the deck's language (the template sets the variable).
    assert re.search(rf"\.{MARK_CLASS}::before\s*{{[^}}]*content:\s*var\(--deck-added-context\)", css)
    assert messages.t("deck.added_context", lang="fr").startswith("Contexte ajouté")


def test_the_full_deck_ends_with_the_epilogue():
    sections = notebooks.discover(ROOT / "notebooks")
    # The epilogue closes the story of the 2018 presentation; only the synthesis sections (08
    # « Comprendre le dossier », 09 « À retenir », no new events) come after it.
    names = [s.name for s in sections]
    epilogue = sections[names.index("07_depuis_2018")]
    assert epilogue.title == "Et depuis 2018\u00a0?"
    assert names[names.index("07_depuis_2018") + 1:] == ["08_comprendre", "09_a_retenir"]


def notes_of(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes")


def test_every_exercise_of_the_epilogue_notes_has_its_answer_in_the_data(facts):
    notes = notes_of(nbformat.read(EPILOGUE, as_version=4))
    nb = "\u00a0"
    # Participation: the counts that rest only on a secondary source.
    assert f"Réponse{nb}: 86 et 91" in notes
    assert sorted(p.participants for p in facts.participation if p.status == "secondary") == [86, 91]
    # The continuation: the one decision on the moratorium not taken by a Ministerial Conference.
    assert f"Réponse{nb}: celle du Conseil général de décembre 2019" in notes
    after = [facts.event(i) for i in shown_events(timeline.moratorium_after_2018())]
    others = [e for e in after if e.kind != "conference"]
    assert [(e.id, e.start.year, e.start.month) for e in others] == [("gc-2019-12", 2019, 12)]
    # The explorer: declarations of the epilogue track that rest only on a secondary source.
    assert "la «\u00a0conclusion substantielle\u00a0» et la déclaration des 66 Membres à Yaoundé" in notes
    declarations = explorer.filter_events(facts.track("epilogue"), ["declaration"], (2019, 2026))
    assert {e.id for e in declarations if e.status == "secondary"} == {"substantial-conclusion-2023", "mc14-jsi-2026"}
    assert {e.label.text() for e in declarations if e.status == "secondary"} == {
        "«\u00a0Conclusion substantielle\u00a0»", "66 Membres à Yaoundé"
    }
    # The explorer again: the programme track narrowed to 2019–2026 holds four moratorium decisions.
    assert "quatre décisions sur le moratoire" in notes
    kinds = sorted({e.kind for e in facts.track("programme")})
    narrowed = explorer.filter_events(facts.track("programme"), kinds, (2019, 2026))
    assert [e.id for e in narrowed if e.moratorium] == ["gc-2019-12", "mc12", "mc13", "mc14"]


def test_no_fact_of_the_epilogue_cites_the_generic_secondary_source(facts):
    """Each secondary fact after 2018 names the page it was read on."""
    after = list(facts.track("epilogue"))
    after += [facts.event(i) for i in shown_events(timeline.moratorium_after_2018())]
    for event in after:
        assert "secondary-reports" not in event.sources, event.id
    for point in facts.participation:
        assert "secondary-reports" not in point.sources, point.id


# ------------------------------------------------------------------ in the built decks, in Chromium


ALL_SLIDES = """() => Reveal.getSlides().map(s => {
  const i = Reveal.getIndices(s);
  const mark = s.querySelector('.celltag_added-context');
  const style = mark && getComputedStyle(mark, '::before');
  return {h: i.h, v: i.v || 0, title: (s.querySelector('h2') || {}).textContent || '',
          mark: style ? style.content : null, shown: style ? style.display !== 'none' : false};
})"""


@pytest.mark.browser
def test_the_built_epilogue_marks_every_slide_and_ends_the_full_deck(offline_page, built):
    for lang in messages.languages():
        view = offline_page((1280, 720))
        view.page.goto((built / "slides" / lang / "07_depuis_2018.html").as_uri())
        view.page.wait_for_selector("html[data-deck-ready=yes]", timeout=20_000)
        slides = view.page.evaluate(ALL_SLIDES)
        closing = (messages.t("sources_slide.heading", lang=lang), messages.t("glossary.heading", lang=lang))
        own = [s for s in slides if s["title"] not in closing]  # the glossary and Sources close every deck
        assert len(own) >= 8
        words = messages.t("deck.added_context", lang=lang)
        for s in own:
            assert s["mark"] and words in s["mark"] and s["shown"], (lang, s)
        assert view.external == [] and view.errors == []
    view = offline_page((1280, 720))
    view.page.goto((built / "slides" / "fr" / "07_depuis_2018.html").as_uri())
    view.page.wait_for_selector("html[data-deck-ready=yes]", timeout=20_000)
    own = [s for s in view.page.evaluate(ALL_SLIDES) if s["title"] not in ("Sources", "Glossaire")]

    full = offline_page((1280, 720))
    full.page.goto((built / "slides" / "fr" / "00_presentation_complete.html").as_uri())
    full.page.wait_for_selector("html[data-deck-ready=yes]", timeout=20_000)
    titles = [s["title"] for s in full.page.evaluate(ALL_SLIDES)]
    assert titles[-1] == "Sources"
    first_epilogue = titles.index("Et depuis 2018\u00a0?")
    assert titles[-2:] == ["Glossaire", "Sources"]
    # The epilogue's slides follow one another; only the synthesis sections (08, 09) come after.
    assert titles[first_epilogue:first_epilogue + len(own)] == [s["title"] for s in own]
    every = full.page.evaluate(ALL_SLIDES)
    marked = [i for i, s in enumerate(every) if s["mark"] and s["mark"] != "none"]
    # No slide of the 2018 presentation carries the mark; the epilogue's all do (and the synthesis
    # sections after it, which speak of 2019–2026 too).
    assert marked and min(marked) == first_epilogue
    assert set(range(first_epilogue, first_epilogue + len(own))) <= set(marked)


@pytest.mark.browser
@pytest.mark.pdf
def test_the_printed_epilogue_carries_the_mark_and_the_statuses_on_paper(browser, built, tmp_path):
    import pypdf

    from wto_ecommerce_deck.pipeline import pdf

    printed = pdf.print_deck(browser, built, "fr/07_depuis_2018", tmp_path)
    pages = [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(str(printed.path)).pages]
    assert printed.pages == len(pages)
    assert pages[-1].startswith("Sources") and pages[-2].startswith("Glossaire")
    own = pages[:-2]
    assert len(own) >= 8 and all("Contexte ajouté" in page for page in own)
    # Printed, the participation chart still says each count's status, the continuation each outcome.
    chart = next(page for page in own if "Participants à la Déclaration conjointe" in page)
    assert chart.count("source secondaire") >= 2 and "vérifié" in chart
    continuation = next(page for page in own if "Le moratoire, de 2019 à 2026" in page)
    assert "CM14 Yaoundé · expiré" in continuation and "prorogé par le Conseil général" in continuation


@pytest.mark.parametrize("outcome", MORATORIUM_OUTCOMES)
def test_every_outcome_marker_has_its_open_and_dot_variants(outcome):
    """Status and outcome are drawn together: the outcome's shape must exist hollow (to confirm)
    and with a centre dot (secondary source) in plotly, or the figure could not be built."""
    import plotly.graph_objects as go

    for variant in ("", "-open", "-dot"):
        go.Scatter(marker=dict(symbol=style.OUTCOME_SYMBOLS[outcome] + variant))


def test_a_click_on_an_outcome_in_the_legend_acts_on_its_conferences_only(facts):
    """The legend is a key that also filters, with no kernel: each outcome's points and labels
    share its legend group, and no other point does."""
    fig = timeline.programme()
    for outcome in fig.layout.meta["outcomes"]:
        group = f"outcome-{outcome}"
        members = [t for t in fig.data if t.legendgroup == group]
        assert sum(1 for t in members if t.showlegend) == 1
        heads = {row[0].split("<br>")[0] for t in members if not t.showlegend for row in (t.customdata or ()) if row and row[0]}
        expected = {f"<b>{style.escape(e.label.text())}</b>" for e in facts.track("programme") if e.moratorium == outcome and e.start.year <= 2017}
        assert heads == expected, (outcome, heads, expected)
