"""What the audit shows the trainer: the « Sources » slide that closes each deck, and the sources
page, `build/sources.html` (`sources.<lang>.html` in another language).

Both list the sources of the facts a deck shows and how many of each status, from the `Audit` of
`audit.py`, through the templates of `assets/theme/templates/` (`sources_slide.md.j2`,
`sources_notes.html.j2`, `sources.html.j2`); the build adds the slide to every deck
(`with_sources_slide`) and writes the page (`write_sources_page`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from .. import conventions, messages, theme
from ..conventions import FULL_DECK
from ..messages import DEFAULT_LANG, t
from .audit import Audit, build_audit
from .audit_text import JOINT_STATEMENT_SYMBOL, NBSP
from .layout import INDEX_PAGE, SOURCES_PAGE, page_name

def counts_sentence(counts: Mapping[str, int], lang: str | None = None) -> str:
    """« 12 vérifiés, 3 de source secondaire, 1 de la présentation de 2018, 2 à confirmer »."""
    plural = messages.group("status_plural", lang)
    space = NBSP if (lang or messages.language()) == DEFAULT_LANG else " "
    parts = [f"{n}{space}{plural[status]}" for status, n in counts.items() if n]
    return ", ".join(parts) if parts else t("sources_slide.none", lang)


def sources_slide_cells(section: str, audit: Audit | None = None, lang: str | None = None, sources_href: str | None = None) -> list:
    """A final « Sources » slide for a deck (`section`: a notebook's stem, or FULL_DECK), and its
    speaker notes: how many facts the deck shows and of each status, the « à confirmer »
    convention and a link to `../sources.html` (the decks live in build/slides/) on the slide; the
    sources of those facts, and the unsure ones, in the notes.

    Both from templates of `assets/theme/templates/` (`sources_slide.md.j2`, `sources_notes.html.j2`);
    data text goes in HTML blocks, escaped: markdown never interprets it."""
    audit = audit or build_audit()
    lang = lang or messages.language()
    facts = audit.facts_of(section)
    where = t("sources_slide.where_full", lang) if section == FULL_DECK else t("sources_slide.where_part", lang)
    # the sources page as the deck links it (the French decks live in build/slides/<lang>/)
    # Every source named by its publisher, in the notes (the full deck cites some forty): the slide
    # says how many and where they are, in type a room reads.
    context = dict(
        sources=audit.sources, sources_page=sources_href or f"../{SOURCES_PAGE}", sources_name=page_name(SOURCES_PAGE, lang),
        where=where, keys=audit.source_keys(section),
    )
    slide = theme.render(
        "sources_slide.md.j2", lang, count=len(facts), counts_sentence=counts_sentence(audit.counts(section), lang),
        unsure_symbols=len(audit.unsure_symbols(section)), **context,
    )
    notes = theme.render("sources_notes.html.j2", lang, unsure=[f for f in facts if f.unsure], **context)
    import nbformat

    return [
        nbformat.v4.new_markdown_cell(slide.rstrip("\n"), id="sources-slide", metadata=conventions.slide_metadata(conventions.SLIDE)),
        nbformat.v4.new_markdown_cell(notes.rstrip("\n"), id="sources-notes", metadata=conventions.slide_metadata(conventions.NOTES)),
    ]


def with_sources_slide(nb, section: str, audit: Audit | None = None, lang: str | None = None, sources_href: str | None = None):
    """A copy of an executed deck (a section, or the chained FULL_DECK) that ends with its « Sources »
    slide; the notebook given is left as it is (the build caches and chains it)."""
    import copy

    deck = copy.deepcopy(nb)
    ids = {cell.get("id") for cell in deck.cells}
    for cell in sources_slide_cells(section, audit, lang, sources_href):
        if cell.id in ids:  # already there: the deck was given twice
            return deck
        deck.cells.append(cell)
    return deck


# --------------------------------------------------------------------------- build/sources.html

KINDS = ("event", "body", "signatory", "participation", "comparison", "provision", "argument", "term")  # the tables of the page, in this order


def sources_page_html(audit: Audit, lang: str | None = None, titles: Mapping[str, str] | None = None) -> str:
    """The page: `assets/theme/templates/sources.html.j2`, its words from the message catalogue of
    `lang` (default: the current language); `titles`: the parts' titles in that language, by
    notebook name (default: French)."""
    lang = lang or messages.language()
    facts = audit.facts_of()
    titles = {**{s.name: s.title for s in audit.sections}, **(titles or {})}
    how = messages.group("sources_page.how", lang)
    rows: dict[str, list] = {}
    for fact in facts:
        shown = [titles.get(n, n) for n in audit.shown_in(fact.key)]
        rows.setdefault(fact.kind, []).append((fact, shown, [how[h] for h in audit.hows(fact.key)]))
    mentions = [
        (
            titles.get(m.section, m.section),
            dict(slide=m.slide, text=m.text, status=m.status,
                 records=[audit.facts[k].record_id for k in m.facts if k in audit.facts]),
        )
        for m in audit.mentions
    ]
    cited = set(audit.source_keys())
    return theme.render(
        "sources.html.j2",
        lang,
        index_page=page_name(INDEX_PAGE, lang),
        facts=facts,
        counts=audit.counts(),
        counts_sentence=counts_sentence(audit.counts(), lang),
        unsure_symbols=len(audit.unsure_symbols()),
        tables=[(kind, rows[kind]) for kind in KINDS if rows.get(kind)],
        joint_statement=JOINT_STATEMENT_SYMBOL,
        # The mentions are read on the French original (its dates and numbers are parsed in French);
        # another language's page points there: its slides write the same ones (tests/test_i18n_parity.py)
        mentions=mentions if lang == DEFAULT_LANG else None,
        mentions_count=len(mentions),
        original_mentions=page_name(SOURCES_PAGE, DEFAULT_LANG) + "#mentions",
        cited=[key for key in audit.sources if key in cited],
        sources=audit.sources,
    )


def write_sources_page(
    build_dir: Path, audit: Audit | None = None, lang: str = DEFAULT_LANG, titles: Mapping[str, str] | None = None
) -> Path:
    """Write `build_dir/sources.html` (`sources.<lang>.html`; the build calls it on its temporary
    folder); return its path."""
    audit = audit or build_audit()
    path = Path(build_dir) / page_name(SOURCES_PAGE, lang)
    path.write_text(sources_page_html(audit, lang, titles), encoding="utf-8")
    return path


def index_link_html() -> str:
    """The paragraph that `build/index.html` shows under the list of decks."""
    return str(theme.macro("sources_page_link")(SOURCES_PAGE))
