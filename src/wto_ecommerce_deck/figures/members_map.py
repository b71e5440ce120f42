"""The members of the MC11 Joint Statement (WT/MIN(17)/60) on a world map.

One colour per category, named with its count in the legend, so that status reads on
the slide and on paper without hovering: the EU's member states (counted through the
EU's entry), the other members, the members known only from secondary sources (if
any) and the entries not verified yet (« à confirmer »). The legend's title gives the
count with its status (« 71 Membres, dont 9 à confirmer »). The map uses
plotly's 110m world topojson, which the export seeds locally; members too small
to appear in it also get a marker, so that every member is visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import plotly.graph_objects as go

from ..data.records import Signatory, Source
from .. import messages
from ..messages import t
from . import style

# WTO members missing from (or a few pixels wide in) plotly's world_110m topojson,
# with an approximate centre (longitude, latitude) for their marker. The test suite
# checks that every signatory absent from the topojson is listed here.
SMALL_MEMBER_CENTRES: dict[str, tuple[float, float]] = {
    "ATG": (-61.80, 17.08),
    "BHR": (50.56, 26.07),
    "BRB": (-59.54, 13.19),
    "COM": (43.33, -11.65),
    "CPV": (-23.60, 15.10),
    "DMA": (-61.37, 15.41),
    "GRD": (-61.68, 12.12),
    "HKG": (114.17, 22.32),
    "KNA": (-62.78, 17.36),
    "LCA": (-60.98, 13.91),
    "LIE": (9.55, 47.16),
    "LUX": (6.13, 49.82),  # in the topojson, but two pixels wide on a world map
    "MAC": (113.54, 22.20),
    "MDV": (73.22, 3.20),
    "MLT": (14.41, 35.92),
    "MUS": (57.55, -20.35),
    "SGP": (103.82, 1.35),
    "SYC": (55.49, -4.68),
    "TON": (-175.20, -21.18),
    "VCT": (-61.20, 13.25),
    "WSM": (-172.10, -13.76),
}

LAND_COLOUR = "#e6e6e6"
BORDER_COLOUR = "white"
OUTLINE_COLOUR = "#ffffff"


@dataclass(frozen=True)
class _Category:
    key: str
    colour: str

    # Looked up when drawn, in the current language (`deck.setup(lang=…)`), not at import.
    @property
    def legend_fr(self) -> str:  # followed by the count
        return {
            "eu": lambda: t("figure.map_eu"),
            "other": lambda: t("figure.map_other"),
            "secondary": lambda: t("figure.map_secondary", status=style.statuses()["secondary"]),
            "unsure": lambda: t("figure.map_unsure", flag=style.to_confirm()),
        }[self.key]()

    @property
    def role_fr(self) -> str:  # a line of the hover
        return {
            "eu": lambda: t("figure.map_eu_hover"),
            "other": lambda: t("figure.map_other_hover"),
            "secondary": lambda: t("figure.map_secondary_hover", status=style.statuses()["secondary"]),
            "unsure": lambda: t("figure.map_unsure_hover", flag=style.to_confirm()),
        }[self.key]()


# Okabe–Ito blue / orange / reddish purple: apart for every common colour blindness.
EU = _Category("eu", "#0072B2")
OTHER = _Category("other", "#B07800")
SECONDARY = _Category("secondary", "#56B4E9")
UNSURE = _Category("unsure", "#CC79A7")
CATEGORIES = (EU, OTHER, SECONDARY, UNSURE)


def _category(signatory: Signatory) -> _Category:
    if signatory.status == style.UNVERIFIED:
        return UNSURE
    if signatory.status == style.SECONDARY:
        return SECONDARY
    return EU if signatory.eu_member else OTHER


def _hover(signatory: Signatory, category: _Category, sources: Mapping[str, Source]) -> str:
    return style.hover_block(
        title=signatory.name.text(),
        date_fr=None,
        detail=None,
        symbol=None,
        symbol_status=None,
        status=signatory.status,
        source_keys=signatory.sources,
        sources=sources,
        extra_lines=[style.escape(category.role_fr)],
    )


def members_summary_fr(signatories: Sequence[Signatory]) -> str:
    """« 71 Membres (dont les 28 États membres de l'UE), dont 9 à confirmer », counted from the
    data: the count is only as sure as its entries, so it says how many are not verified."""
    members = [s for s in signatories if s.iso3]
    eu = [s for s in members if s.eu_member]
    text = t("figure.map_summary", members=len(members), eu=len(eu))
    plural = messages.group("status_plural")  # « de source secondaire », « à confirmer »
    for status in (style.SECONDARY, style.UNVERIFIED):
        count = sum(1 for s in members if s.status == status)
        if count:
            text += t("figure.map_summary_status", count=count, status=plural[status])
    return text


def build_members_map(signatories: Sequence[Signatory], sources: Mapping[str, Source] | None = None) -> go.Figure:
    sources = sources or {}
    # The EU's own entry has no territory of its own: its states carry it.
    members = sorted((s for s in signatories if s.iso3), key=lambda s: (s.order, s.iso3))
    traces = []
    for category in CATEGORIES:
        chosen = [s for s in members if _category(s) is category]
        if not chosen:
            continue
        hovers = [[_hover(s, category, sources)] for s in chosen]
        traces.append(
            go.Choropleth(
                name=f"{category.legend_fr} ({len(chosen)})",
                legendgroup=category.key,
                showlegend=True,
                locations=[s.iso3 for s in chosen],
                locationmode="ISO-3",
                z=[1] * len(chosen),
                colorscale=[[0, category.colour], [1, category.colour]],
                showscale=False,
                marker=dict(line=dict(color=OUTLINE_COLOUR, width=0.6)),
                customdata=hovers,
                hovertemplate=style.HOVER_TEMPLATE,
                hoverlabel=dict(bordercolor=category.colour),
            )
        )
        small = [(s, h) for s, h in zip(chosen, hovers) if s.iso3 in SMALL_MEMBER_CENTRES]
        if small:
            traces.append(
                go.Scattergeo(
                    name=t("figure.map_small", legend=category.legend_fr),
                    legendgroup=category.key,
                    showlegend=False,
                    lon=[SMALL_MEMBER_CENTRES[s.iso3][0] for s, _ in small],
                    lat=[SMALL_MEMBER_CENTRES[s.iso3][1] for s, _ in small],
                    mode="markers",
                    marker=dict(size=9, color=category.colour, line=dict(color="white", width=1.2)),
                    customdata=[h for _, h in small],
                    hovertemplate=style.HOVER_TEMPLATE,
                    hoverlabel=dict(bordercolor=category.colour),
                )
            )

    fig = go.Figure(traces)
    keys = [key for s in signatories for key in s.sources]
    fig.update_layout(
        style.base_layout("members", keys),
        margin=dict(l=0, r=0, t=0, b=0),
        # The count heads the legend: no title on the map (the slide has its heading) and
        # no annotation that could hide a country. The title sits above the entries, not
        # beside them: on one line the Spanish title and entries ran past both sides of the
        # slide (and under reveal's arrows).
        legend=dict(
            title=dict(text=f"<b>{style.escape(members_summary_fr(signatories))}</b>", side="top center"),
            orientation="h",
            x=0.5,
            xanchor="center",
            y=0,
            yanchor="top",
            font=dict(size=style.TEXT_SIZE),
        ),
        dragmode=False,
    )
    fig.layout.meta["members"] = len(members)
    fig.layout.meta["eu_members"] = sum(1 for s in members if s.eu_member)
    fig.update_geos(
        resolution=110,
        projection_type="natural earth",
        showframe=False,
        showcoastlines=False,
        showland=True,
        landcolor=LAND_COLOUR,
        showcountries=True,
        countrycolor=BORDER_COLOUR,
        countrywidth=0.6,
        showocean=False,
        showlakes=False,
        lataxis_range=[-58, 85],  # no Antarctica: more room for the members
        bgcolor="white",
    )
    return fig
