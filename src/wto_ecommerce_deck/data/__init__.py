"""Load and validate the facts of `assets/data/*.yaml` into the records of `records.py`.

Every data file, the quizzes included, goes through the same loader, with the same rules
(`validation.py`). Every problem of every file is reported at once, one line each, naming the
file, the entry (by id and YAML line) and the field, so that a maintainer can fix a data file
without reading this code:

    assets/data/events.yaml: entry 'mc4' (line 31): field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'
    assets/data/quizzes.yaml: entry 'q-elan-2' (line 81): field 'facts': 'feds-2016' is unverified: a quiz must not rest on it

What is checked, beyond the shape of each file (required fields, types, no unknown or duplicate keys,
no duplicate ids): ISO dates that exist and fall in the WTO's lifetime, conferences as day ranges,
WTO document symbols in their real shape, ISO 3166-1 alpha-3 codes (pycountry, plus the WTO's
customs territories), statuses and source keys, https links only, and text that a slide can show
as it is: UTF-8 in composed (NFC) form, no markup, no control or invisible characters, and French
typography in the French prose (« » with non-breaking spaces, a non-breaking space before : ; ! ?).

Texts in every language: each text a deck shows (an event's `label` and `detail`, a body's or a
signatory's `name`, a source's `title`, a question's `prompt`, `choices` and `feedback`) is a mapping
`{fr: "…", en: "…", es: "…"}`, French (the original) first. Every text must be in every language of
the interface catalogues (`assets/i18n/<lang>.json`, `messages.languages()`) and in any language
that most texts of the data give (translated before its catalogue exists); a missing one is one line,
`…: entry 'mc4' (line 131): field 'label': no 'es' text`, and a language that only a few texts give
is reported where it is (a typo: `eb`). French typography applies to `fr` only; every language gets
the other rules (no markup, no control or invisible characters…), named `field 'label.en': …`.
The records hold these texts as `records.Localized` (`.text(lang=None)`: the current language).
A source may give its page in other languages too (`url_by_lang: {fr: "https://…", es: "https://…"}`,
each an https link, in a language of the decks, never the same as `url`, and only beside a `url`):
`records.Source.url_for(lang)` is the page a deck in `lang` links to.

Quizzes (`quizzes.yaml`, `questions:` list): `id` (`q-<name>`); `section`, the stem of the notebook
that asks the question, 2 to 4 questions per section that has any; `kind`, `single` (one right
choice) or `order` (steps to put back in order); `prompt` and `feedback`, texts in each language;
`choices`, for `single` texts in each language plus one `{text: {fr: …, en: …, es: …}, correct: true}`,
shown in this order, for `order` 3 to 6 texts in the right order, shown shuffled; `sources`, keys of `sources.yaml`; `facts`, ids
of the events or bodies the answer rests on, none unverified, and every WTO symbol quoted in the
question must be the symbol of one of them, with a status other than unverified.

The loader never prints: it raises `DataError`, and the CLI prints its lines.

The package: `records.py` (the typed records), `validation.py` (the public rules of a field: types,
dates, symbols, links, French typography), `schemas.py` (each file's fields), `consistency.py` (the
rules across entries and files), `loader.py` (`load_facts()`), `links.py` (how a source and a symbol
are named and linked). What the rest of the project uses is imported from here:
`from wto_ecommerce_deck.data import load_facts`.
"""

from __future__ import annotations

from .loader import load_facts
from .records import Facts
from .schemas import FILES
from .validation import SYMBOL_RE, TYPOGRAPHY_RULES, DataError, safe_href, typography_problem

__all__ = [
    "FILES", "SYMBOL_RE", "TYPOGRAPHY_RULES", "DataError", "Facts", "load_facts", "safe_href", "typography_problem",
]
