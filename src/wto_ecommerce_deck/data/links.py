"""How the decks name and link their sources: the WTO document portal and short titles.

Shared by the explorers, the exercises' fallbacks and the fact audit, so that a symbol
links to the same page and a source reads the same wherever it appears.
"""

from __future__ import annotations

from urllib.parse import quote

WTO_DOCS_URL = "https://docs.wto.org/dol2fe/Pages/FE_Search/FE_S_S006.aspx?Query=(@Symbol=%20{symbol})&Language=FRENCH"


def symbol_url(symbol: str) -> str:
    """The WTO document portal's search for one symbol (in French)."""
    return WTO_DOCS_URL.format(symbol=quote(symbol, safe=""))


def short_title(title: str) -> str:
    """A source's title without its details: up to the first comma or bracket, keeping where it
    is published (« (OMC, en anglais) »), so that two pages on one subject stay apart."""
    short = title
    for cut in (", ", " ("):
        if cut in short[1:]:
            short = short[: short.index(cut, 1)]
    where = title[title.rindex(" (OMC") :] if " (OMC" in title and title.endswith(")") else ""
    return short + where if where and not short.endswith(where) else short
