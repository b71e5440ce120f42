"""Figure builders: the right records, in order, with symbols, sources and French status; pure and escaped."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from wto_ecommerce_deck.figures import (
    build_meetings_2018_timeline,
    build_members_map,
    build_momentum_timeline,
    build_programme_timeline,
    build_structure_chart,
)
from wto_ecommerce_deck.figures import members_map, style
from wto_ecommerce_deck.pipeline import vendor
from wto_ecommerce_deck.data.records import Body, Event, Localized, PartialDate, Signatory, Source


def fr(text: str) -> Localized:
    """A French text (the figures are drawn in French here)."""
    return Localized({"fr": text})

HOSTILE = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
# The topojson the build draws the map with (node_modules/, installed by `make setup`).
WORLD_110M = vendor.world_110m()

SOURCES = {
    "mindec1": Source("mindec1", "https://www.wto.org/mindec1", fr("Déclaration de 1998")),
    "wkprog": Source("wkprog", "https://www.wto.org/wkprog", fr("Programme de travail WT/L/274")),
    "news": Source("news", "https://www.wto.org/news", fr("Nouvelles de l'OMC")),
}


def event(id, kind, date, label, *, track="programme", end=None, symbol=None, symbol_status=None, status="verified", sources=("news",),
          process="multilateral"):
    return Event(
        process=process,
        id=id,
        track=track,
        kind=kind,
        start=PartialDate.parse(date),
        end=PartialDate.parse(end) if end else None,
        label=fr(label),
        detail=fr(f"Détail de {label}."),
        symbol=symbol,
        symbol_status=symbol_status,
        status=status,
        sources=tuple(sources),
    )


# Deliberately not in date order: the builder sorts.
PROGRAMME = (
    event("mc4", "conference", "2001-11-09", "CM4 Doha", end="2001-11-14", symbol="WT/MIN(01)/DEC/1", symbol_status="unverified"),
    event("work-programme", "decision", "1998-09-25", "Programme de travail", symbol="WT/L/274", sources=("wkprog",)),
    event("mc2", "conference", "1998-05-18", "CM2 Genève", end="1998-05-20", sources=("mindec1",)),
    event("decl-1998", "declaration", "1998-05-20", "Déclaration de 1998", symbol="WT/MIN(98)/DEC/2", sources=("mindec1",)),
    event("mc14", "conference", "2026-03-26", "CM14 Yaoundé", end="2026-03-30", status="secondary"),
    event("gc-2019", "decision", "2019-12", "Moratoire prorogé", symbol="WT/L/1079", status="unverified"),
)

MOMENTUM = (
    event("mikta", "workshop", "2016-07-05", "Atelier MIKTA", track="momentum"),
    event("us", "communication", "2016-07", "Non-document des États-Unis", track="momentum", symbol="JOB/GC/94", symbol_status="unverified"),
    event("feds", "group", "2016", "Lancement des FEDs", track="momentum", status="unverified"),
    event("themes", "communication", "2016", "Nouvelles communications", track="momentum", end="2017", status="seed"),
    event("feds-2017", "meeting", "2017-04-25", "Réunion des FEDs", track="momentum", status="secondary"),
)

MEETINGS = (
    event("jsi", "meeting", "2018-03", "Groupe de la Déclaration conjointe", track="meetings2018", end="2018-09", status="seed",
          process="plurilateral"),
    event("w747", "communication", "2018-07", "Communication sur le moratoire", track="meetings2018", symbol="WT/GC/W/747"),
    event("review", "review", "2018-07-26", "Examen périodique", track="meetings2018", symbol="S/C/54"),
    event("special", "meeting", "2018-11-23", "Conseil général extraordinaire", track="meetings2018", status="secondary"),
    event("jsi-papers", "communication", "2018-04", "Non-documents du groupe", track="meetings2018", process="plurilateral"),
)

BODIES = tuple(
    Body(id, fr(name), parent, wp, "verified", ("news",))
    for id, name, parent, wp in [
        ("mc", "Conférence ministérielle", None, False),
        ("gc", "Conseil général", "mc", True),
        ("dsb", "Organe de règlement des différends", "gc", False),
        ("ctg", "Conseil du commerce des marchandises", "gc", True),
        ("cts", "Conseil du commerce des services", "gc", True),
        ("trips", "Conseil des ADPIC", "gc", True),
        ("ctd", "Comité du commerce et du développement", "gc", True),
        ("cte", "Comité du commerce et de l'environnement", "gc", False),
        ("bop", "Comité des restrictions appliquées à des fins de balance des paiements", "gc", False),
        ("tnc", "Comité des négociations commerciales", "gc", False),
    ]
)

EU_STATES = "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL PRT ROU SVK SVN ESP SWE GBR".split()
OTHERS = (
    "ALB ARG AUS BHR BRA BRN KHM CAN CHL COL CRI GTM HKG ISL ISR JPN KAZ KOR KWT LAO LIE MKD MYS MEX MDA MNE MMR "
    "NZL NGA NOR PAN PRY PER QAT RUS SGP CHE TWN TUR UKR ARE USA URY"
).split()
UNSURE = {"RUS", "CHE", "TUR", "UKR", "ARE", "URY"}


def signatories() -> tuple[Signatory, ...]:
    rows = [Signatory(iso, fr(f"Pays {iso}"), iso, i, False, "unverified" if iso in UNSURE else "verified", ("news",)) for i, iso in enumerate(OTHERS)]
    rows.append(Signatory("EU", fr("Union européenne"), None, 99, False, "verified", ("news",)))
    rows += [Signatory(iso, fr(f"État {iso}"), iso, 99, True, "verified", ("news",)) for iso in EU_STATES]
    return tuple(rows)


def hovers(fig) -> list[str]:
    """Every hover string of a figure: customdata of the traces, hovertext of the annotations."""
    texts = [row[0] for trace in fig.data for row in (trace.customdata or ()) if row and row[0]]
    texts += [a.hovertext for a in fig.layout.annotations if a.hovertext]
    return texts


def points(fig) -> list[tuple[str, str]]:
    """(x, hover) of every drawn point (markers and labels; the bands and the key have no hover)."""
    return [(x, row[0]) for trace in fig.data if trace.customdata for x, row in zip(trace.x, trace.customdata)]


def hover_of(fig, label: str) -> str:
    matching = {h for h in hovers(fig) if h.startswith(f"<b>{style.escape(label)}</b>")}
    assert len(matching) == 1, (label, matching)
    return matching.pop()


# ------------------------------------------------------------------ timeline A


def marks(fig):
    """The traces that draw events' markers (each kind also has a trace for its labels, and one
    for its bands if it has some)."""
    return [t for t in fig.data if t.customdata and t.mode == "markers"]


def labels_of(fig) -> dict[str, tuple[str, str]]:
    """Each label written on the chart: (the hover's title, the label's font style)."""
    found = {}
    for trace in fig.data:
        if trace.mode != "markers+text":
            continue
        styles = trace.textfont.style if isinstance(trace.textfont.style, tuple) else [trace.textfont.style] * len(trace.text)
        for text, row, font_style in zip(trace.text, trace.customdata, styles):
            found[text] = (row[0].split("</b>")[0][3:], font_style or "normal")
    return found


def key_of(fig) -> list[tuple[str, str]]:
    """The figure's key (its second legend): (the mark, its words) in order."""
    return [(t.meta["key"], t.name) for t in fig.data if t.meta and "key" in t.meta]


def bands_of(fig) -> list[tuple[str, str, str]]:
    """The bands drawn: (first day, day after the last, "vague" or "period"), one per rectangle."""
    found = []
    for trace in fig.data:
        if not (trace.meta and "bands" in trace.meta):
            continue
        xs = [x for x in trace.x]
        for i in range(0, len(xs), 6):  # x0, x1, x1, x0, x0, None
            found.append((xs[i], xs[i + 1], trace.meta["bands"]))
    return found


def test_programme_holds_declaration_and_work_programme_with_their_symbols():
    fig = build_programme_timeline(PROGRAMME, SOURCES)
    declaration = hover_of(fig, "Déclaration de 1998")
    assert "WT/MIN(98)/DEC/2" in declaration and "20\u00a0mai 1998" in declaration
    work_programme = hover_of(fig, "Programme de travail")
    assert "WT/L/274" in work_programme and "25\u00a0septembre 1998" in work_programme
    assert "Programme de travail WT/L/274" in work_programme  # the source title, resolved from its key


def test_programme_is_in_date_order_with_increasing_x():
    fig = build_programme_timeline(PROGRAMME, SOURCES)
    assert fig.layout.meta["events"] == ["mc2", "decl-1998", "work-programme", "mc4", "gc-2019", "mc14"]
    for trace in marks(fig):
        xs = [dt.date.fromisoformat(x) for x in trace.x]
        assert xs == sorted(xs)
    all_xs = sorted(dt.date.fromisoformat(x) for x, _ in points(fig))
    assert all_xs[0] == dt.date(1998, 5, 18) and all_xs[-1] == dt.date(2026, 3, 26)


def test_programme_labels_conferences_cm_and_ticks_years():
    fig = build_programme_timeline(PROGRAMME, SOURCES)
    labels = [t for trace in fig.data for t in (trace.text or ()) if t]
    # A label says what the event is: no status mark on it (the marker and the key carry the status).
    assert {"CM2 Genève", "CM4 Doha", "CM14 Yaoundé"} <= set(labels)
    assert not any(mark in label for label in labels for mark in ("*", "[", "(à confirmer)")), labels
    assert fig.layout.xaxis.ticktext[0] == "1998" and fig.layout.xaxis.ticktext[-1] == "2026"
    assert len(fig.layout.xaxis.tickvals) == len(fig.layout.xaxis.ticktext)


def test_every_point_hover_has_its_symbol_sources_and_french_status():
    for build, events in [
        (build_programme_timeline, PROGRAMME),
        (build_momentum_timeline, MOMENTUM),
        (build_meetings_2018_timeline, MEETINGS),
    ]:
        fig = build(events, SOURCES)
        for e in events:
            hover = hover_of(fig, e.label.text())
            assert e.date_fr in hover
            if e.symbol:
                assert e.symbol in hover
            for key in e.sources:
                assert SOURCES[key].title.text() in hover
            assert f"Statut\u00a0: {style.STATUS_FR[e.status]}" in hover
        for trace in fig.data:
            # events answer the hover with their block; bands and the key never answer it
            if trace.customdata:
                assert trace.hovertemplate.endswith("<extra></extra>")
            else:
                assert trace.hoverinfo == "skip", trace.name


def test_unverified_facts_and_symbols_are_flagged_and_drawn_open():
    fig = build_programme_timeline(PROGRAMME, SOURCES)
    assert "WT/MIN(01)/DEC/1 (cote à confirmer)" in hover_of(fig, "CM4 Doha")  # verified fact, unsure symbol
    assert "Statut\u00a0: <b>" not in hover_of(fig, "CM4 Doha")
    assert "<b>Statut\u00a0: à confirmer</b>" in hover_of(fig, "Moratoire prorogé")  # unsure fact
    assert "à confirmer" not in hover_of(fig, "CM2 Genève")
    # Hollow means « the FACT is to confirm », and only that: a sure conference with an unsure
    # symbol keeps a solid marker (its label carries the symbol badge instead).
    for trace in marks(fig):
        for symbol, row in zip(trace.marker.symbol, trace.customdata):
            if row[0]:
                assert symbol.endswith("-open") == ("<b>Statut\u00a0: à confirmer</b>" in row[0]), row[0]
    assert ("unverified", "fait à confirmer") in key_of(fig)
    # An unsure symbol is said where the symbol is shown (hover, tables), not on the chart.
    assert not any("cote" in words for _, words in key_of(fig))


def test_status_is_visible_without_hover():
    """On a projector or on paper: the marker tells verified, secondary and unverified apart, the
    key says which is which with the same marks, and an unverified fact's label is in italics."""
    fig = build_programme_timeline(PROGRAMME, SOURCES)
    looks = {}
    for trace in marks(fig):
        for symbol, fill, row in zip(trace.marker.symbol, trace.marker.color, trace.customdata):
            looks[row[0].split("</b>")[0][3:]] = (symbol, fill)
    assert looks["CM2 Genève"] == ("circle", style.KIND_COLOURS["conference"])  # verified: solid
    assert looks["CM4 Doha"] == ("circle", style.KIND_COLOURS["conference"])  # unsure symbol only: still solid
    assert looks["CM14 Yaoundé"][0] == "circle-dot" and looks["CM14 Yaoundé"][1].startswith("rgba(")  # secondary: pale, dot
    assert looks["Moratoire prorogé"][0] == "diamond-open"  # unverified: hollow
    labels = labels_of(fig)
    assert labels["Moratoire prorogé"] == ("Moratoire prorogé", "italic")
    assert {font for title, font in labels.values() if title != "Moratoire prorogé"} == {"normal"}
    # The key: the marks the figure uses, in the order of sureness, drawn as the chart draws them.
    assert [mark for mark, _ in key_of(fig)] == ["verified", "secondary", "unverified"]
    assert [words for _, words in key_of(fig)] == ["vérifié", "source secondaire", "fait à confirmer"]
    symbols = {t.meta["key"]: t.marker.symbol for t in fig.data if t.meta and "key" in t.meta}
    assert symbols == {"verified": "circle", "secondary": "circle-dot", "unverified": "circle-open"}
    assert all(t.legend == "legend2" and t.x == (None,) for t in fig.data if t.meta and "key" in t.meta)
    assert fig.layout.legend2.itemclick is False
    # Each builder explains exactly the marks it uses.
    fig = build_meetings_2018_timeline(MEETINGS, SOURCES)
    assert [words for _, words in key_of(fig)][:2] == ["vérifié ou présentation de 2018", "source secondaire"]
    assert "unverified" not in dict(key_of(fig))


def test_vague_dates_are_hatched_bands_never_certain_bars_nor_points():
    """A date known to the month or the year, or a period whose ends are (« 2016–2017 »), is drawn
    over the window it may fall in, hatched and faded, its marker in the middle; only a period known
    to the day is a plain bar; a window too narrow to see on the axis stays a point."""
    fig = build_momentum_timeline(MOMENTUM, SOURCES)
    bands = bands_of(fig)
    assert ("2016-01-01", "2017-01-01", "vague") in bands  # « 2016 »: the whole year
    assert ("2016-01-01", "2018-01-01", "vague") in bands  # « 2016–2017 »
    assert ("2016-07-01", "2016-08-01", "vague") in bands  # « juillet 2016 »
    assert {kind for *_, kind in bands} == {"vague"}  # no date of MOMENTUM is a period known to the day
    assert not any(first == "2017-04-25" for first, *_ in bands)  # a day: a point
    hatched = [t for t in fig.data if t.meta and t.meta.get("bands") == "vague"]
    assert hatched and all(t.fillpattern.shape == "/" and t.fill == "toself" and t.hoverinfo == "skip" for t in hatched)
    markers = dict((row[0].split("</b>")[0][3:], x) for t in marks(fig) for x, row in zip(t.x, t.customdata))
    assert markers["Lancement des FEDs"] == "2016-07-01"  # in the middle of its year, not a claimed day
    assert markers["Nouvelles communications"] == "2016-12-31"
    assert ("vague", "date au mois ou à l'année près") in key_of(fig)
    # A period known to the day (a conference on a month axis) is a plain bar.
    conference = (event("mc", "conference", "2018-03-05", "Conférence", track="meetings2018", end="2018-04-20"),)
    assert bands_of(build_meetings_2018_timeline(conference + MEETINGS, SOURCES))[0] == ("2018-03-05", "2018-04-21", "period")
    # On a 30-year axis a month is a few pixels: a point, no band, no key entry.
    fig = build_programme_timeline(PROGRAMME, SOURCES)
    assert bands_of(fig) == [] and "vague" not in dict(key_of(fig))


def test_status_labels_are_french():
    assert style.STATUS_FR == {
        "verified": "vérifié",
        "secondary": "source secondaire",
        "seed": "présentation de 2018",
        "unverified": "à confirmer",
    }


# ------------------------------------------------------------------ timelines B and C


def test_momentum_has_one_trace_per_kind_and_working_filter_buttons():
    fig = build_momentum_timeline(MOMENTUM, SOURCES)
    key = [t for t in fig.data if t.meta and "key" in t.meta]
    kinds = list(dict.fromkeys(t.legendgroup for t in fig.data if t not in key))
    assert kinds == ["workshop", "group", "communication", "meeting"]
    assert [t.legendgroup for t in marks(fig)] == kinds  # one trace of markers per kind
    # The filter buttons name the kinds (as the lanes do): the only legend is the key.
    assert [t for t in fig.data if t.showlegend is not False] == key
    (menu,) = fig.layout.updatemenus
    labels = [b.label for b in menu.buttons]
    assert labels == ["Tout", "Ateliers", "Groupes", "Communications", "Réunions"]
    for button in menu.buttons:
        assert button.method == "restyle"
        visible = button.args[0]["visible"]
        assert len(visible) == len(fig.data)
        assert all(v in (True, "legendonly") for v in visible)
    assert menu.buttons[0].args[0]["visible"] == [True] * len(fig.data)
    assert menu.buttons[3].args[0]["visible"] == [
        True if t.legendgroup == "communication" or t in key else "legendonly" for t in fig.data
    ]
    # the bands, the marks and the labels of communications, and the key
    assert menu.buttons[3].args[0]["visible"].count(True) == 3 + len(key)


def test_month_ticks_are_french_abbreviations():
    fig = build_momentum_timeline(MOMENTUM, SOURCES)
    assert list(fig.layout.xaxis.ticktext[:3]) == ["janv. 2016", "avr. 2016", "juil. 2016"]
    fig = build_meetings_2018_timeline(MEETINGS, SOURCES)
    assert fig.layout.xaxis.ticktext[0] == "mars 2018"
    assert "sept. 2018" in fig.layout.xaxis.ticktext


def test_meetings_2018_draws_the_joint_statement_group_as_a_span():
    fig = build_meetings_2018_timeline(MEETINGS, SOURCES)
    # March to September, ends known to the month: a hatched band over both whole months.
    assert ("2018-03-01", "2018-10-01", "vague") in bands_of(fig)
    (meetings,) = [t for t in marks(fig) if t.legendgroup == "meeting"]
    at = [x for x, row in zip(meetings.x, meetings.customdata) if "Déclaration conjointe" in row[0]]
    assert at == ["2018-06-15"]  # its marker, in the middle of the band
    assert "mars 2018 – septembre 2018" in hover_of(fig, "Groupe de la Déclaration conjointe")


def test_the_two_tracks_of_the_talks_are_drawn_apart_each_under_its_title():
    """« Deux voies »: the multilateral track (Work Programme, General Council) above, the plurilateral
    one (the Joint Statement) below, a rule between them, each titled; a kind present in both has a
    lane in each."""
    fig = build_meetings_2018_timeline(MEETINGS, SOURCES)
    assert fig.layout.meta["tracks"] == ["multilateral", "plurilateral"]
    titles = {a.name: a for a in fig.layout.annotations if a.name and a.name.startswith("track-")}
    assert titles["track-multilateral"].text == "<b>Voie multilatérale\u00a0: Programme de travail, moratoire</b>"
    assert titles["track-plurilateral"].text == "<b>Voie plurilatérale\u00a0: Déclaration conjointe</b>"
    (rule,) = [s for s in fig.layout.shapes if s.name == "track-rule"]
    y_of = {row[0].split("</b>")[0][3:]: y for t in marks(fig) for y, row in zip(t.y, t.customdata)}
    multilateral = [e.label.text() for e in MEETINGS if e.process == "multilateral"]
    plurilateral = [e.label.text() for e in MEETINGS if e.process == "plurilateral"]
    # y grows downwards: every multilateral event above the rule, every plurilateral one below it
    assert max(y_of[name] for name in multilateral) < rule.y0 < min(y_of[name] for name in plurilateral)
    assert titles["track-multilateral"].y < min(y_of[name] for name in multilateral)
    assert rule.y0 < titles["track-plurilateral"].y < min(y_of[name] for name in plurilateral)
    # Communications and meetings in both tracks: a lane of each in each (lane titles on the y axis).
    assert list(fig.layout.yaxis.ticktext).count("Communications") == 2
    assert list(fig.layout.yaxis.ticktext).count("Réunions") == 2
    # One track only (2016–2017): its title, no rule.
    fig = build_momentum_timeline(MOMENTUM, SOURCES)
    assert fig.layout.meta["tracks"] == ["multilateral"] and not [s for s in fig.layout.shapes if s.name == "track-rule"]


def test_every_event_of_the_data_names_its_track_of_the_talks(facts):
    from wto_ecommerce_deck import timeline

    assert {e.process for e in facts.events} == {"multilateral", "plurilateral"}
    assert facts.event("jsi-2017").process == "plurilateral" and facts.event("mc11").process == "multilateral"
    assert timeline.programme().layout.meta["tracks"] == ["multilateral", "plurilateral"]
    assert timeline.meetings_2018().layout.meta["tracks"] == ["multilateral", "plurilateral"]


# ------------------------------------------------------------------ structure chart


def test_structure_highlights_exactly_the_work_programme_bodies():
    fig = build_structure_chart(BODIES, SOURCES)
    assert sorted(fig.layout.meta["highlighted"]) == ["ctd", "ctg", "cts", "gc", "trips"]
    boxes = [shape for shape in fig.layout.shapes if shape.type == "rect"]
    assert sorted(box.name for box in boxes) == sorted(b.id for b in BODIES)
    highlighted = {box.name for box in boxes if box.fillcolor == "#0072B2"}
    assert highlighted == {"gc", "ctg", "cts", "trips", "ctd"}
    assert len(hovers(fig)) == len(BODIES)
    assert all(("Organe du Programme de travail" in h) == (b.work_programme) for b, h in zip(BODIES, hovers(fig)))
    assert any("5\u00a0organes" in a.text for a in fig.layout.annotations)


def test_structure_draws_dsb_and_tprb_as_the_general_council_in_other_capacities():
    """As on the WTO's chart: beside the General Council, on its row, joined to it, named as it."""
    bodies = [b for b in BODIES if b.id != "dsb"] + [
        Body("dsb", fr("Organe de règlement des différends"), "mc", False, "verified", ("news",), capacity_of="gc"),
        Body("tprb", fr("Organe d'examen des politiques commerciales"), "mc", False, "secondary", ("news",), capacity_of="gc"),
    ]
    fig = build_structure_chart(bodies, SOURCES)
    box = {s.name: s for s in fig.layout.shapes if s.type == "rect"}
    assert box["dsb"].y0 == box["gc"].y0 == box["tprb"].y0  # same row
    assert box["dsb"].x1 < box["gc"].x0 and box["gc"].x1 < box["tprb"].x0  # dsb | gc | tprb
    assert box["ctg"].y1 < box["gc"].y0  # the councils stay below
    text = {a.name: a.text.replace("<br>", " ") for a in fig.layout.annotations}
    assert text["dsb"] == "Conseil général réuni en tant qu'Organe de règlement des différends"
    assert text["tprb"].startswith("Conseil général réuni en tant qu'Organe d'examen") and text["tprb"].endswith(" *")
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    gc_y = (box["gc"].y0 + box["gc"].y1) / 2
    dotted = [s for s in lines if s.line.dash == "dot"]
    assert len(dotted) == 2 and all(s.y0 == s.y1 == pytest.approx(gc_y) for s in dotted)
    # No connector comes down from the Ministerial Conference's bus into the dsb or tprb box.
    for name in ("dsb", "tprb"):
        centre_x = (box[name].x0 + box[name].x1) / 2
        assert not any(s.x0 == s.x1 == pytest.approx(centre_x) for s in lines), name
    # Status without hover: the secondary body has a dashed frame; the key says what frames mean.
    assert box["tprb"].line.dash == "dash" and box["gc"].line.dash == "solid"
    assert any("cadre en tirets" in a.text for a in fig.layout.annotations)
    assert "réuni en une autre qualité" in hover_of(fig, "Organe de règlement des différends")


def test_structure_wraps_long_names_and_draws_connectors():
    fig = build_structure_chart(BODIES, SOURCES)
    bop = next(a for a in fig.layout.annotations if a.name == "bop")
    assert "<br>" in bop.text
    assert all(line and len(line) <= 30 for line in bop.text.split("<br>"))
    assert len(fig.layout.shapes) >= len(BODIES) - 1
    assert fig.layout.meta["figure"] == "structure"


def _boxes_and_lines(fig):
    boxes = {s.name: s for s in fig.layout.shapes if s.type == "rect"}
    lines = [s for s in fig.layout.shapes if s.type == "line" and s.line.dash != "dot"]
    return boxes, lines


def _inside(box, x, y, margin=1e-6) -> bool:
    return box.x0 + margin < x < box.x1 - margin and box.y0 + margin < y < box.y1 - margin


def _crosses(line, box) -> bool:
    """Whether a horizontal or vertical connector runs through the inside of a box."""
    if line.x0 == line.x1:
        low, high = sorted((line.y0, line.y1))
        return box.x0 < line.x0 < box.x1 and low < box.y1 and high > box.y0
    low, high = sorted((line.x0, line.x1))
    return box.y0 < line.y0 < box.y1 and low < box.x1 and high > box.x0


def assert_every_child_hangs_from_its_parent(bodies, fig):
    """Each connector runs through no box but the two it joins (it may start or end inside those),
    and from every child a drop, its row's bus and the parent's spine lead to the parent's box:
    no row seems to hang from the row above it."""
    boxes, lines = _boxes_and_lines(fig)
    for line in lines:
        ends = [name for name, box in boxes.items() if _inside(box, line.x0, line.y0) or _inside(box, line.x1, line.y1)]
        crossed = [name for name, box in boxes.items() if _crosses(line, box) and name not in ends]
        assert crossed == [], (line.x0, line.y0, line.x1, line.y1, crossed)
    centre = {n: ((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2) for n, b in boxes.items()}
    by_id = {b.id: b for b in bodies}
    for body in bodies:
        if body.parent not in by_id or body.capacity_of:
            continue
        (x, y), (px, py) = centre[body.id], centre[body.parent]
        drop = next(l for l in lines if l.x0 == l.x1 == pytest.approx(x) and _inside(boxes[body.id], l.x1, l.y1))
        bus_y = drop.y0
        assert any(l.y0 == l.y1 == pytest.approx(bus_y) and min(l.x0, l.x1) <= min(x, px) + 1e-9 and max(l.x0, l.x1) >= max(x, px) - 1e-9 for l in lines), body.id
        assert any(l.x0 == l.x1 == pytest.approx(px) and l.y0 == pytest.approx(py) and l.y1 <= bus_y + 1e-9 for l in lines), body.id


def test_every_committee_and_the_tnc_hang_directly_from_the_general_council():
    """As the WTO draws it (org2): councils, committees and the Trade Negotiations Committee all report to
    the General Council. With nine of them, three rows of three hung the second and third rows from the
    middle box above them (the spine ran under it): the TNC looked like it reported to a committee."""
    bodies = BODIES + (Body("crta", fr("Comité des accords commerciaux régionaux"), "gc", False, "verified", ("news",)),)
    fig = build_structure_chart(bodies, SOURCES)
    assert_every_child_hangs_from_its_parent(bodies, fig)
    boxes, _ = _boxes_and_lines(fig)
    wp = [b.id for b in bodies if b.work_programme and b.parent == "gc"]
    assert len({boxes[i].y0 for i in wp}) == 1  # the Work Programme's four bodies stand together, on one row
    assert all(boxes[i].fillcolor == "#0072B2" for i in wp + ["gc"])
    # An odd row that the spine crosses moves half a box aside rather than sit on it.
    three = tuple(b for b in bodies if b.id != "ctd")
    assert_every_child_hangs_from_its_parent(three, build_structure_chart(three, SOURCES))


def test_the_real_structure_chart_hangs_every_body_from_the_general_council(facts):
    from wto_ecommerce_deck import structure

    assert_every_child_hangs_from_its_parent(facts.bodies, structure.chart())


# ------------------------------------------------------------------ members map


def test_map_counts_71_members_and_28_eu_states():
    fig = build_members_map(signatories(), SOURCES)
    assert fig.layout.meta["members"] == 71
    assert fig.layout.meta["eu_members"] == 28
    # The count says how sure it is: 6 of the fixture's entries are unverified.
    assert "71\u00a0Membres (dont les 28\u00a0États membres de l'UE), dont 6\u00a0à confirmer" in fig.layout.legend.title.text
    assert "Membres à confirmer (6)" in [t.name for t in fig.data]
    choropleths = [t for t in fig.data if t.type == "choropleth"]
    located = [iso for t in choropleths for iso in t.locations]
    assert len(located) == len(set(located)) == 71
    assert all(t.locationmode == "ISO-3" for t in choropleths)
    by_group = {t.legendgroup: set(t.locations) for t in choropleths}
    assert by_group["eu"] == set(EU_STATES)
    assert by_group["unsure"] == UNSURE
    assert len(by_group["other"]) == 43 - len(UNSURE)


def test_map_flags_unverified_members_and_marks_small_ones():
    fig = build_members_map(signatories(), SOURCES)
    for trace in fig.data:
        for row in trace.customdata:
            assert ("à confirmer" in row[0]) == (trace.legendgroup == "unsure")
    marked = {
        iso
        for trace in fig.data
        if trace.type == "scattergeo"
        for iso, (lon, lat) in members_map.SMALL_MEMBER_CENTRES.items()
        if (lon, lat) in set(zip(trace.lon, trace.lat))
    }
    assert {"HKG", "BHR", "SGP", "LIE", "MLT"} <= marked
    geo = fig.layout.geo
    assert geo.resolution == 110 and geo.projection.type == "natural earth" and geo.showframe is False


def test_every_signatory_missing_from_the_topojson_gets_a_marker():
    topojson = json.loads(WORLD_110M.read_text())
    drawn = {g.get("id") for g in topojson["objects"]["countries"]["geometries"]}
    missing = {s.iso3 for s in signatories() if s.iso3 and s.iso3 not in drawn}
    assert missing <= set(members_map.SMALL_MEMBER_CENTRES)


# ------------------------------------------------------------------ all figures


def all_figures():
    return {
        "programme": build_programme_timeline(PROGRAMME, SOURCES),
        "momentum": build_momentum_timeline(MOMENTUM, SOURCES),
        "meetings2018": build_meetings_2018_timeline(MEETINGS, SOURCES),
        "structure": build_structure_chart(BODIES, SOURCES),
        "members": build_members_map(signatories(), SOURCES),
    }


def test_builders_are_deterministic():
    first = {name: fig.to_json() for name, fig in all_figures().items()}
    second = {name: fig.to_json() for name, fig in all_figures().items()}
    assert first == second


def test_figures_carry_meta_and_the_shared_style():
    for name, fig in all_figures().items():
        layout = fig.layout
        assert layout.meta["figure"] == name
        assert layout.meta["sources"] and set(layout.meta["sources"]) <= set(SOURCES)
        assert layout.width is None and layout.height is None and layout.autosize is True
        assert not (layout.title and layout.title.text)
        assert layout.separators == ", "
        assert "Source Sans 3" in layout.font.family


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_escaped(hostile):
    events = (event("x", "meeting", "2018-07-01", hostile, track="meetings2018", symbol="S/C/54"),)
    bad_source = {"news": Source("news", "https://www.wto.org", fr(hostile))}
    for fig in [
        build_meetings_2018_timeline(events, bad_source),
        build_structure_chart((Body("mc", fr(hostile), None, True, "verified", ("news",)),), bad_source),
        build_members_map((Signatory("ALB", fr(hostile), "ALB", 1, False, "unverified", ("news",)),), bad_source),
    ]:
        texts = hovers(fig) + [t for trace in fig.data for t in (getattr(trace, "text", None) or ()) if t]
        texts += [a.text for a in fig.layout.annotations]
        assert texts
        for text in texts:
            assert "<script" not in text and "<img" not in text
        assert any("&lt;script&gt;" in t or "&lt;img src=x" in t for t in texts)


# ------------------------------------------------------------------ on the project's data


@pytest.fixture(scope="module")
def facts():
    from wto_ecommerce_deck import data

    return data.load_facts()


def test_public_figures_on_the_real_data(facts):
    from wto_ecommerce_deck import members, structure, timeline

    programme = timeline.programme()
    ids = programme.layout.meta["events"]
    assert ids.index("decl-1998") < ids.index("work-programme-1998")
    assert "WT/MIN(98)/DEC/2" in hover_of(programme, facts.event("decl-1998").label.text())
    assert "WT/L/274" in hover_of(programme, facts.event("work-programme-1998").label.text())
    cm_labels = {t.split(" ")[0] for trace in programme.data for t in (trace.text or ()) if t.startswith("CM")}
    # The 2018 presentation's slide stops at CM11; the epilogue's continuation carries CM12 to CM14.
    assert cm_labels == {f"CM{n}" for n in range(2, 12)}
    after = timeline.moratorium_after_2018()
    after_labels = {t.split(" ")[0] for trace in after.data for t in (trace.text or ()) if t.startswith("CM")}
    assert after_labels == {f"CM{n}" for n in range(12, 15)}

    momentum = timeline.momentum()
    assert len(marks(momentum)) == len({e.kind for e in facts.track("momentum")})
    assert len(momentum.layout.updatemenus[0].buttons) == len(marks(momentum)) + 1

    meetings = timeline.meetings_2018()
    assert {e.id for e in facts.track("meetings2018")} == set(meetings.layout.meta["events"])

    chart = structure.chart()
    assert sorted(chart.layout.meta["highlighted"]) == sorted(b.id for b in facts.bodies if b.work_programme)
    assert len(chart.layout.meta["highlighted"]) == 5

    world = members.map()
    assert world.layout.meta["members"] == 71 and world.layout.meta["eu_members"] == 28


def test_every_real_signatory_is_visible_on_the_map(facts):
    topojson = json.loads(WORLD_110M.read_text())
    drawn = {g.get("id") for g in topojson["objects"]["countries"]["geometries"]}
    missing = {s.iso3 for s in facts.signatories if s.iso3 and s.iso3 not in drawn}
    assert missing <= set(members_map.SMALL_MEMBER_CENTRES)
