"""The timeline explorer: `explorer.timeline("momentum")`, for students.

Live (on the kernel) it filters the events of a timeline by track, kind and years, lists them,
shows the detail of the selected one (date and label in the current language, WTO symbol linked to the WTO document
portal, sources, status; « à confirmer » when unverified) and draws the filtered timeline with the
same figure builders as the deck. In an exported deck there is no kernel: the explorer is replaced
by a note that says what it is and a static table of the track's events (`widgets_export`).
"""

from __future__ import annotations

import html
import json
from typing import Mapping, Sequence

import ipywidgets as widgets
import plotly.io as pio

from . import data, messages, theme
from .calls import EXPLORER, notebook_call
from .deck import PLOT_CONFIG, PLOTLY_MIME
from .figures import style, timelines
from .data.records import KINDS, Event, Facts, Source
from .messages import t
from .widgets_export import WithFallback, live_style, stable_ids

# The tracks a student can explore (their names: `explorer.track.*` of the message catalogue; the
# builder of each track's figure is figures.timelines.BUILDERS).
TRACKS = tuple(timelines.BUILDERS)
FIGURE_HEIGHT = 380  # px, inside the explorer's « Frise » tab, at the least
ROW_PX = 24  # px a row of labels needs (17 px text): a track with many rows gets a taller figure
FIGURE_CHROME_PX = 170  # px of legends, ticks and key around the rows
UNVERIFIED = style.UNVERIFIED


# The markup is `assets/theme/templates/explorer.html.j2` (links, symbols and statuses from
# `markup.html.j2`); the words, the message catalogue (`explorer.*`).
TEMPLATE = "explorer.html.j2"


def _html(name: str, *args) -> str:
    return str(theme.macro(name, TEMPLATE)(*args))


def track_names() -> dict[str, str]:
    """Each track's name as the student reads it, in TRACKS order."""
    names = messages.group("explorer.track")
    return {track: names[track] for track in TRACKS}


def symbol_html(event: Event) -> str:
    """The event's WTO symbol linked to the WTO document portal, flagged when unsure; « — » when none."""
    return str(theme.macro("symbol")(event.symbol, event.shown_symbol_status))


def status_html(event: Event) -> str:
    return str(theme.macro("status")(event.status))


def detail_html(event: Event, sources: Mapping[str, Source]) -> str:
    """Everything known about one event, escaped, for the detail panel."""
    return _html("detail", event, sources)


def table_html(events: Sequence[Event], sources: Mapping[str, Source], caption: str) -> str:
    return _html("table", events, sources, caption)


def static_html(track: str, events: Sequence[Event], sources: Mapping[str, Source]) -> str:
    """The export's stand-in: what the explorer is, then the table of the track's events."""
    return _html("fallback", track_names()[track], events, sources)


def _years(events: Sequence[Event]) -> tuple[int, int]:
    return min(e.start.year for e in events), max((e.end or e.start).year for e in events)


def filter_events(events: Sequence[Event], kinds: Sequence[str], years: tuple[int, int]) -> list[Event]:
    """The events of the given kinds that overlap the years (both included), in date order."""
    low, high = years
    return [e for e in events if e.kind in kinds and e.start.year <= high and (e.end or e.start).year >= low]


def figure_height(fig) -> int:
    """The « Frise » tab's figure height: FIGURE_HEIGHT, or what its rows of labels need."""
    return max(FIGURE_HEIGHT, round(fig.layout.meta["rows"] * ROW_PX + FIGURE_CHROME_PX))


LIVE_CSS = "explorer-live.css"  # the live widget's look, in assets/theme/


class Explorer(WithFallback):
    """Filters (track, kinds, years), the list of events, the detail of one, the filtered timeline."""

    kind = "explorer"

    def __init__(self, facts: Facts, track: str):
        if track not in TRACKS:
            raise KeyError(f"unknown track {track!r}; tracks are {', '.join(TRACKS)}")
        self.facts = facts
        self.sources = dict(facts.sources)
        self._holding = False
        self.kind_boxes: dict[str, widgets.Checkbox] = {}
        first = facts.track(track)
        with stable_ids(f"explorer-{track}"):
            self.track = widgets.Dropdown(
                options=[(name, key) for key, name in track_names().items()], value=track, description=t("explorer.track_filter"),
                layout=widgets.Layout(width="520px"),
            )
            low, high = _years(first)
            self.years = widgets.IntRangeSlider(
                min=low, max=high, value=(low, high), step=1, description=t("explorer.years_filter"),
                continuous_update=False, layout=widgets.Layout(width="520px"),
            )
            self.kinds_row = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
            self.count = widgets.HTML()
            # the list wider than the detail, which wraps: its longest label (« date · event », Spanish,
            # 2018's meetings) is 646 px at the slideshow's 18 px, where half the row is 570
            self.events = widgets.Select(rows=9, layout=widgets.Layout(width="58%"))
            self.detail = widgets.HTML(layout=widgets.Layout(width="42%", padding="0 0 0 12px"))
            self.figure = widgets.Output(layout=widgets.Layout(min_height=f"{FIGURE_HEIGHT}px"))
            self.tabs = widgets.Tab(children=[widgets.HBox([self.events, self.detail]), self.figure])
            self.tabs.set_title(0, t("explorer.list_tab"))
            self.tabs.set_title(1, t("explorer.figure_tab"))
            self._set_kinds(first)
            box = widgets.VBox([
                live_style(theme.css(LIVE_CSS)),
                widgets.HBox([self.track, self.years], layout=widgets.Layout(flex_flow="row wrap")),
                self.kinds_row,
                self.count,
                self.tabs,
            ])
        box.add_class("omc-explorer")
        super().__init__(box, f"explorer-{track}", static_html(track, first, self.sources))
        self._figure_stale = True
        self.refresh()
        self.track.observe(self._on_track, names="value")
        self.years.observe(lambda _change: self.refresh(), names="value")
        self.events.observe(lambda _change: self._show_detail(), names="value")
        self.tabs.observe(lambda _change: self._draw_figure(), names="selected_index")

    # --- what is shown
    def track_events(self) -> tuple[Event, ...]:
        return self.facts.track(self.track.value)

    def selected_kinds(self) -> list[str]:
        return [kind for kind, box in self.kind_boxes.items() if box.value]

    def shown(self) -> list[Event]:
        return filter_events(self.track_events(), self.selected_kinds(), tuple(self.years.value))

    def _set_kinds(self, events: Sequence[Event]) -> None:
        present = [kind for kind in KINDS if any(e.kind == kind for e in events)]
        kind_names = messages.group("kind_button")
        for old in self.kind_boxes.values():
            old.close()
        self.kind_boxes = {
            kind: widgets.Checkbox(value=True, description=kind_names[kind], indent=False,
                                   layout=widgets.Layout(width="auto", margin="0 18px 0 0"))
            for kind in present
        }
        for box in self.kind_boxes.values():
            box.observe(lambda _change: self.refresh(), names="value")
        self.kinds_row.children = [widgets.HTML(_html("kinds_label")), *self.kind_boxes.values()]

    def _on_track(self, _change) -> None:
        events = self.track_events()
        low, high = _years(events)
        self._holding = True  # one refresh for the whole change, not one per control reset
        try:
            # Widen before narrowing, so that the slider never holds a value outside its bounds.
            self.years.min, self.years.max = min(low, self.years.min), max(high, self.years.max)
            self.years.value = (low, high)
            self.years.min, self.years.max = low, high
            self._set_kinds(events)
        finally:
            self._holding = False
        self.refresh()

    def refresh(self) -> None:
        if self._holding:
            return
        events = self.shown()
        total = len(self.track_events())
        self.count.value = html.escape(t("explorer.count", count=len(events), total=total))
        previous = self.events.value
        self.events.options = [(f"{e.date_text()} · {e.label.text()}", e.id) for e in events]
        ids = [e.id for e in events]
        self.events.value = previous if previous in ids else (ids[0] if ids else None)
        self._show_detail()
        self._figure_stale = True
        self._draw_figure()

    def _show_detail(self) -> None:
        if self.events.value is None:
            self.detail.value = _html("no_match")
            return
        self.detail.value = detail_html(self.facts.event(self.events.value), self.sources)

    def _draw_figure(self) -> None:
        """Draw the filtered timeline when its tab is open (no figure kept in the saved state otherwise)."""
        if self.tabs.selected_index != 1 or not self._figure_stale:
            return
        self._figure_stale = False
        events = self.shown()
        if not events:
            self.figure.outputs = ({"output_type": "display_data", "metadata": {},
                                    "data": {"text/plain": t("explorer.no_match")}},)
            return
        fig = timelines.build_track_timeline(self.track.value, events, self.sources)
        fig.update_layout(height=figure_height(fig))
        payload = json.loads(pio.to_json(fig, validate=False))
        payload["config"] = PLOT_CONFIG
        self.figure.outputs = ({
            "output_type": "display_data",
            "metadata": {},
            "data": {PLOTLY_MIME: payload, "text/plain": t("explorer.figure_text", count=len(events))},
        },)


@notebook_call(EXPLORER)
def timeline(track: str = "programme") -> Explorer:
    """The explorer, opened on one track: the one-line call of an explorer slide."""
    return Explorer(data.load_facts(), track)
