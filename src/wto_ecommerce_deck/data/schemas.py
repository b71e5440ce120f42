"""The schema of each data file of `assets/data/`: its top-level key, the field that names an
entry, and each field with its check (`validation.Field`), plus the checks of the fields only these
files have (a slide of the 2018 presentation, a question's id, section and choices, a count of
Members). The rules that tie entries together are in `consistency.py`; the loader is `loader.py`.
"""

from __future__ import annotations

from typing import Any

from ..conventions import SECTION_RE
from .records import ARGUMENT_SIDES, KINDS, MORATORIUM_OUTCOMES, PROCESSES, QUESTION_KINDS, STATUSES, TRACKS
from .validation import (
    Field,
    Localized,
    SubfieldError,
    Schema,
    check_bool,
    check_date,
    check_id,
    check_iso3,
    check_keys,
    check_localized,
    check_match,
    check_one_of,
    check_order,
    check_symbol,
    check_text,
    check_text_fr,
    check_url,
    got,
    per_language,
)

FILES = (
    "sources.yaml", "events.yaml", "bodies.yaml", "signatories.yaml", "seed_statements.yaml", "quizzes.yaml", "participation.yaml",
    "glossary.yaml", "comparison.yaml", "agreement.yaml", "arguments.yaml",
)

SEED_SLIDES = 8  # slides of the 2018 presentation (seed_statements.yaml)


def check_slide(value: Any) -> int:
    value = check_order(value)
    if value > SEED_SLIDES:
        raise ValueError(f"the 2018 presentation has {SEED_SLIDES} slides, got {value!r}")
    return value


def check_question_id(value: Any) -> str:
    value = check_id(value)
    if not value.startswith("q-"):
        raise ValueError(f"a question id starts with 'q-': {value!r}")
    return value


# The name only: the data stays valid in a project that holds some of the notebooks; the
# notebook tests check that each section asks its questions.
check_section = check_match(SECTION_RE, "not a section notebook name (NN_name, as notebooks/NN_name.ipynb)")


def check_urls_by_lang(value: Any) -> dict[str, str]:
    """`{fr: "https://…", es: "https://…"}`: the page of a source in other languages, each an
    https:// URL as `url` is (an error names the language: `url_by_lang.es`). Which languages,
    and that `url` is given too, is checked across the entry (`consistency.check_sources`)."""
    if not isinstance(value, dict) or not value:
        raise ValueError(f"expected a mapping of languages to https:// URLs ({{fr: …, es: …}}), got {got(value)}")
    return per_language(value, lambda lang, url: check_url(url))


def check_fact_ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of event or body ids, got {got(value)}")
    return tuple(check_id(v) for v in value)


def check_choices(value: Any) -> tuple[tuple[Localized, bool | None], ...]:
    """(text, correct) pairs; `correct` is None for a plain choice. A choice is a text in each
    language (`{fr: …, en: …, es: …}`), or `{text: {fr: …, …}, correct: true}`."""
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of choices, got {got(value)}")
    items = []
    for number, item in enumerate(value, start=1):
        try:
            if isinstance(item, dict) and ("text" in item or "correct" in item):
                unknown = sorted(set(item) - {"text", "correct"})
                if unknown:
                    raise ValueError(f"unknown key {unknown[0]!r} (a choice is {{fr: …, en: …}} or {{text, correct}})")
                if "text" not in item:
                    raise ValueError("'text' missing")
                correct = check_bool(item["correct"]) if "correct" in item else None
                items.append((check_localized(item["text"]), correct))
            else:
                items.append((check_localized(item), None))
        except SubfieldError as exc:
            raise ValueError(f"choice {number}: '{exc.part}': {exc}") from None
        except ValueError as exc:
            raise ValueError(f"choice {number}: {exc}") from None
    for lang in dict.fromkeys(lang for text, _ in items for lang in text):
        texts = [text.get(lang) for text, _ in items]
        for number, text in enumerate(texts, start=1):
            if text is not None and texts.index(text) != number - 1:
                raise ValueError(f"choice {number}: same '{lang}' text as choice {texts.index(text) + 1}: {text!r}")
    return tuple(items)


MAX_MEMBERS = 200  # the WTO has 166 Members (2024): a count above this is a typo


def check_count(value: Any) -> int:
    """A number of WTO Members (participants in an initiative)."""
    count = check_order(value)
    if count > MAX_MEMBERS:
        raise ValueError(f"more participants than WTO Members could be: {count!r}")
    return count


# Schema of each file: top-level key, the field that names an entry (None: entries are named by
# their number), the fields.
SCHEMAS: dict[str, Schema] = {
    # `url: null`: no public copy was consulted (the 2018 presentation itself, a source not found);
    # the decks then show the title without a link, and the title must say so.
    # `url_by_lang`: the same page in other languages (the WTO's /french/…_f.htm, /spanish/…_s.htm);
    # a deck links to its language's page, `url` otherwise.
    "sources.yaml": (
        "sources",
        "key",
        (
            Field("key", check_id),
            Field("url", check_url, nullable=True),
            Field("url_by_lang", check_urls_by_lang, required=False, nullable=True),
            Field("title", check_localized),
        ),
    ),
    "events.yaml": (
        "events",
        "id",
        (
            Field("id", check_id),
            Field("track", check_one_of(TRACKS, "track")),
            Field("process", check_one_of(PROCESSES, "process")),
            Field("kind", check_one_of(KINDS, "kind")),
            Field("date", check_date),
            Field("end", check_date, required=False, nullable=True),
            Field("label", check_localized),
            Field("detail", check_localized),
            Field("symbol", check_symbol, required=False, nullable=True),
            Field("symbol_status", check_one_of(STATUSES, "status"), required=False, nullable=True),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
            Field("moratorium", check_one_of(MORATORIUM_OUTCOMES, "moratorium outcome"), required=False, nullable=True),
        ),
    ),
    "participation.yaml": (
        "participation",
        "id",
        (
            Field("id", check_id),
            Field("date", check_date),
            Field("participants", check_count),
            Field("label", check_localized),
            Field("detail", check_localized),
            Field("event", check_id, required=False, nullable=True),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
    "bodies.yaml": (
        "bodies",
        "id",
        (
            Field("id", check_id),
            Field("name", check_localized),
            Field("parent", check_id, nullable=True),
            Field("capacity_of", check_id, required=False, nullable=True),
            Field("work_programme", check_bool),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
    "signatories.yaml": (
        "signatories",
        "id",
        (
            Field("id", check_id),
            Field("name", check_localized),
            Field("iso3", check_iso3, nullable=True),
            Field("order", check_order),
            Field("eu_member", check_bool),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
    # `text` is what our slides show (French typography); `seed` is the 2018 wording, verbatim.
    "seed_statements.yaml": (
        "statements",
        None,
        (Field("slide", check_slide), Field("text", check_text_fr), Field("seed", check_text)),
    ),
    # Quiz text is French prose shown on a slide: the same typography as the facts.
    "quizzes.yaml": (
        "questions",
        "id",
        (
            Field("id", check_question_id),
            Field("section", check_section),
            Field("kind", check_one_of(QUESTION_KINDS, "kind")),
            Field("prompt", check_localized),
            Field("choices", check_choices),
            Field("feedback", check_localized),
            Field("sources", check_keys),
            Field("facts", check_fact_ids),
        ),
    ),
    # What the deck teaches beyond the timelines (issue 17 §3); every row with its status and sources.
    "glossary.yaml": (
        "terms",
        "id",
        (
            Field("id", check_id),
            Field("term", check_localized),
            Field("definition", check_localized),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
    "comparison.yaml": (
        "rows",
        "id",
        (
            Field("id", check_id),
            Field("aspect", check_localized),
            Field("multilateral", check_localized),
            Field("plurilateral", check_localized),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
    "agreement.yaml": (
        "provisions",
        "id",
        (
            Field("id", check_id),
            Field("included", check_bool),
            Field("topic", check_localized),
            Field("detail", check_localized),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
    "arguments.yaml": (
        "arguments",
        "id",
        (
            Field("id", check_id),
            Field("side", check_one_of(ARGUMENT_SIDES, "side")),
            Field("holder", check_localized),
            Field("text", check_localized),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
}




# Fields that hold a text in each language, per file (the quiz choices are checked apart).
LOCALIZED = {
    "sources.yaml": ("title",), "events.yaml": ("label", "detail"), "bodies.yaml": ("name",),
    "signatories.yaml": ("name",), "quizzes.yaml": ("prompt", "choices", "feedback"),
    "participation.yaml": ("label", "detail"),
    "glossary.yaml": ("term", "definition"), "comparison.yaml": ("aspect", "multilateral", "plurilateral"),
    "agreement.yaml": ("topic", "detail"), "arguments.yaml": ("holder", "text"),
}
