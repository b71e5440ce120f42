"""The glossary slide that the build adds to every deck, just before its « Sources » slide, in the
deck's language: the terms of `assets/data/glossary.yaml` in a table (templates
`glossary_slide.md.j2` and, for its speaker notes with each term's status and sources,
`glossary_notes.html.j2`). Being a slide of its own (type `slide`), it is in reveal's menu
(« Sommaire ») of every deck under its heading, in the PDF and in the handout.
"""

from __future__ import annotations

import copy

from .. import conventions, data, messages, theme

SLIDE_ID = "glossary-slide"
NOTES_ID = "glossary-notes"


def glossary_cells(lang: str | None = None) -> list:
    import nbformat

    lang = lang or messages.language()
    facts = data.load_facts()
    context = dict(terms=facts.glossary, sources=facts.sources)
    slide = theme.render("glossary_slide.md.j2", lang, **context)
    notes = theme.render("glossary_notes.html.j2", lang, **context)
    return [
        nbformat.v4.new_markdown_cell(slide.rstrip("\n"), id=SLIDE_ID, metadata=conventions.slide_metadata(conventions.SLIDE)),
        nbformat.v4.new_markdown_cell(notes.rstrip("\n"), id=NOTES_ID, metadata=conventions.slide_metadata(conventions.NOTES)),
    ]


def with_glossary_slide(nb, lang: str | None = None):
    """A copy of an executed deck that ends with the glossary slide (the build then adds the
    « Sources » slide after it); a deck that has it already is returned as a copy, unchanged."""
    deck = copy.deepcopy(nb)
    if any(cell.get("id") == SLIDE_ID for cell in deck.cells):
        return deck
    deck.cells.extend(glossary_cells(lang))
    return deck
