"""How the decks name and link their sources: the WTO document portal and short titles.

Shared by the explorers, the exercises' fallbacks and the fact audit, so that a symbol
links to the same page and a source reads the same wherever it appears.
"""

from __future__ import annotations

from urllib.parse import quote

from .. import messages

WTO_DOCS_URL = "https://docs.wto.org/dol2fe/Pages/FE_Search/FE_S_S006.aspx?Query=(@Symbol=%20{symbol})&Language={language}"
# The portal's languages: the WTO's three official languages (another deck language gets English).
WTO_DOCS_LANGUAGES = {"fr": "FRENCH", "en": "ENGLISH", "es": "SPANISH"}
# Where a source is published, at the end of its title: « (OMC, en anglais) », "(WTO)".
_PUBLISHERS = (" (OMC", " (WTO")


def symbol_url(symbol: str, lang: str | None = None) -> str:
    """The WTO document portal's search for one symbol, in `lang` (default: the current language)."""
    language = WTO_DOCS_LANGUAGES.get(lang or messages.language(), "ENGLISH")
    return WTO_DOCS_URL.format(symbol=quote(symbol, safe=""), language=language)


def short_title(title: str) -> str:
    """A source's title without its details: up to the first comma or bracket, keeping where it
    is published (« (OMC, en anglais) », "(WTO)"), so that two pages on one subject stay apart."""
    short = title
    for cut in (", ", " ("):
        if cut in short[1:]:
            short = short[: short.index(cut, 1)]
    at = max(title.rfind(publisher) for publisher in _PUBLISHERS)
    where = title[at:] if at >= 0 and title.endswith(")") else ""
    return short + where if where and not short.endswith(where) else short
