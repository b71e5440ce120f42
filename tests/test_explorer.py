"""The timeline explorer, driven through its widgets, and its static fallback."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import pytest

from wto_ecommerce_deck import data, explorer
from wto_ecommerce_deck.deck import PLOTLY_MIME
from wto_ecommerce_deck.data.links import symbol_url
from wto_ecommerce_deck.data.records import Event, Facts, Localized, PartialDate, Source
from wto_ecommerce_deck.widgets_export import WIDGET_VIEW_MIME

FACTS = data.load_facts()


def plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("\u00a0", " ").split())


def listed(view: explorer.Explorer) -> list[str]:
    return [value for _label, value in view.events.options]


def test_opens_on_its_track_with_every_event():
    view = explorer.timeline("momentum")
    events = FACTS.track("momentum")
    assert view.track.value == "momentum"
    assert listed(view) == [e.id for e in events]
    assert view.years.value == (2016, 2017)
    assert sorted(view.kind_boxes) == sorted({e.kind for e in events})
    assert plain(view.count.value) == f"{len(events)} événements sur {len(events)}"
    assert view.events.value == events[0].id  # the first event's detail is shown from the start


def test_kind_and_year_filters():
    view = explorer.timeline("momentum")
    view.kind_boxes["communication"].value = False
    assert listed(view) and all(FACTS.event(i).kind != "communication" for i in listed(view))
    view.kind_boxes["communication"].value = True
    view.years.value = (2017, 2017)
    # an event is kept when it overlaps the years: the 2016–2017 span stays
    assert all((FACTS.event(i).end or FACTS.event(i).start).year >= 2017 for i in listed(view))
    assert "momentum-themes" in listed(view) and "mikta-workshop-2016" not in listed(view)
    for box in view.kind_boxes.values():
        box.value = False
    assert listed(view) == [] and view.events.value is None
    assert "Aucun événement" in plain(view.detail.value)
    assert plain(view.count.value) == "0 événement sur 9"


def test_selecting_an_event_shows_its_detail():
    view = explorer.timeline("epilogue")
    view.events.value = "davos-2019"  # a verified fact whose symbol is unverified
    detail = view.detail.value
    text = plain(detail)
    davos = FACTS.event("davos-2019")
    assert "Déclaration conjointe de Davos" in text and "janvier 2019" in text and plain(davos.detail.text()) in text
    assert "Cote OMC : WT/L/1056 (à confirmer)" in text
    assert "Statut : vérifié" in text and "Statut : vérifié (OMC)" not in text
    assert "Initiative liée à la Déclaration conjointe sur le commerce électronique (OMC)" in text
    link = re.search(r'href="([^"]+)"[^>]*>WT/L/1056<', detail).group(1)
    url = html.unescape(link)
    assert url.startswith("https://docs.wto.org/dol2fe/Pages/FE_Search/FE_S_S006.aspx?Query=(@Symbol=%20")
    assert url.endswith(")&Language=FRENCH")
    assert "WT%2FL%2F1056" in url and unquote(url).count("WT/L/1056") == 1


def test_unverified_fact_is_flagged():
    view = explorer.timeline("momentum")
    view.events.label = next(label for label, value in view.events.options if value == "feds-2016")
    assert "Statut : à confirmer" in plain(view.detail.value)
    assert 'class="deck-unsure"' in view.detail.value


def test_changing_track_resets_years_and_kinds():
    view = explorer.timeline("momentum")
    view.years.value = (2017, 2017)
    view.track.value = "meetings2018"
    events = FACTS.track("meetings2018")
    assert (view.years.min, view.years.max) == (2018, 2018) and view.years.value == (2018, 2018)
    assert sorted(view.kind_boxes) == sorted({e.kind for e in events})
    assert listed(view) == [e.id for e in events]
    view.track.value = "programme"
    assert view.years.value == (1998, 2026) and len(listed(view)) == len(FACTS.track("programme"))


def test_figure_tab_draws_the_filtered_timeline():
    view = explorer.timeline("meetings2018")
    assert view.figure.outputs == ()  # drawn only when its tab is opened
    view.tabs.selected_index = 1
    figure = view.figure.outputs[0]["data"][PLOTLY_MIME]
    assert figure["layout"]["meta"]["events"] == listed(view)
    view.kind_boxes["communication"].value = False
    figure = view.figure.outputs[0]["data"][PLOTLY_MIME]
    assert figure["layout"]["meta"]["events"] == listed(view)
    assert all(FACTS.event(i).kind != "communication" for i in figure["layout"]["meta"]["events"])
    assert figure["config"]["locale"] == "fr"
    # The whole moratorium track (about twenty rows of labels) gets the height its rows need.
    view.track.value = "programme"
    figure = view.figure.outputs[0]["data"][PLOTLY_MIME]
    assert figure["layout"]["height"] >= figure["layout"]["meta"]["rows"] * explorer.ROW_PX > explorer.FIGURE_HEIGHT


def test_text_from_the_data_is_escaped():
    source = Source("s", "https://example.org/?a=1&b=2", Localized({"fr": 'Titre « A & B » "cité"'}))
    event = Event(
        id="e", track="momentum", kind="meeting", start=PartialDate(2017, 3), end=None,
        label=Localized({"fr": 'Réunion "R&D"'}), detail=Localized({"fr": "Détail & suite"}), symbol="WT/L/274", symbol_status=None,
        status="verified", sources=("s",),
    )
    facts = Facts(sources={"s": source}, events=(event,), bodies=(), signatories=())
    view = explorer.Explorer(facts, "momentum")
    assert 'Réunion &#34;R&amp;D&#34;' in view.detail.value  # quotes escaped too (Jinja autoescape)
    assert "Détail &amp; suite" in view.detail.value
    assert 'href="https://example.org/?a=1&amp;b=2"' in view.detail.value
    fallback = view._repr_mimebundle_()["text/html"]
    assert "R&amp;D" in fallback and "R&D" not in fallback


def test_fallback_says_what_it_is_and_lists_the_events():
    view = explorer.timeline("programme")
    bundle = view._repr_mimebundle_()
    assert WIDGET_VIEW_MIME in bundle
    fallback = bundle["text/html"]
    assert 'data-fallback-kind="explorer"' in fallback
    assert "Explorateur interactif : à utiliser dans JupyterLab" in plain(fallback)
    assert "<button" not in fallback and "<input" not in fallback and "<select" not in fallback
    rows = re.findall(r"<tr><td>(.*?)</td>", fallback)
    events = FACTS.track("programme")
    assert len(rows) == len(events)
    for event in events:
        if event.symbol:
            assert html.escape(symbol_url(event.symbol)) in fallback
    unsure = [e for e in events if e.shown_symbol_status == "unverified"]
    assert plain(fallback).count("(à confirmer)") == len(unsure)
    assert 'tabindex="0" role="region" aria-label=' in fallback  # the scrolling table is keyboard reachable


@pytest.mark.parametrize("track", list(explorer.TRACKS))
def test_every_track_opens(track):
    view = explorer.timeline(track)
    assert listed(view) == [e.id for e in FACTS.track(track)]
    view.tabs.selected_index = 1
    assert PLOTLY_MIME in view.figure.outputs[0]["data"]


def test_a_source_url_that_is_not_https_is_shown_as_text():
    bad = Source("bad", "javascript:alert(1)", Localized({"fr": "Une source douteuse"}))
    event = Event(
        id="e", track="meetings2018", kind="meeting", start=PartialDate(2018, 3), end=None,
        label=Localized({"fr": "Réunion"}), detail=Localized({"fr": "Détail"}), symbol=None, symbol_status=None, status="secondary", sources=("bad",),
    )
    view = explorer.Explorer(Facts(sources={"bad": bad}, events=(event,), bodies=(), signatories=()), "meetings2018")
    for markup in (view.detail.value, view._repr_mimebundle_()["text/html"]):
        assert "javascript:" not in markup and "Une source douteuse" in markup
