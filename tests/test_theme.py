"""The look and the markup live in assets/theme/, not in Python strings: what reads them gets them."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT
from wto_ecommerce_deck import data, explorer, quiz, theme
from wto_ecommerce_deck.errors import BuildError
from wto_ecommerce_deck.pipeline import audit, site, sources

THEME = ROOT / "assets" / "theme"


def style_of(widget) -> str:
    """The CSS a live widget carries (its first child: widgets_export.live_style)."""
    first = widget.widget.children[0]
    match = re.fullmatch(r"<style>(.*)</style>", first.value, flags=re.S)
    assert match, first.value[:80]
    return match.group(1)


def test_the_live_quiz_and_explorer_carry_their_stylesheets_from_the_theme():
    """JupyterLab, RISE and a student's notebook style the widgets with the files of assets/theme/."""
    q = quiz.show(data.load_facts().questions[0].id)
    assert style_of(q) == (THEME / "quiz-live.css").read_text(encoding="utf-8")
    assert ".omc-quiz .omc-feedback.omc-right" in style_of(q)
    e = explorer.timeline("programme")
    assert style_of(e) == (THEME / "explorer-live.css").read_text(encoding="utf-8")
    assert ".omc-explorer .deck-unsure" in style_of(e)


def test_the_pages_inline_their_stylesheets_from_the_theme():
    page = site.index_html([])
    assert (THEME / "index.css").read_text(encoding="utf-8").strip() in page
    sources_page = sources.sources_page_html(audit.build_audit())
    assert (THEME / "sources.css").read_text(encoding="utf-8").strip() in sources_page


def test_the_sources_slide_has_no_inline_style_and_omc_css_styles_it():
    slide, notes = sources.sources_slide_cells(audit.FULL_DECK)
    assert "style=" not in slide.source and "style=" not in notes.source
    css = (THEME / "omc.css").read_text(encoding="utf-8")
    for rule in ("p.deck-sources-where", "p.deck-sources-note", "p.deck-sources-link"):
        assert rule in css


def test_no_stylesheet_is_left_in_the_python_modules_this_issue_moved():
    for module in ("quiz.py", "explorer.py", "pipeline/audit.py", "pipeline/sources.py", "pipeline/site.py", "widgets_export.py"):
        text = (ROOT / "src" / "wto_ecommerce_deck" / module).read_text(encoding="utf-8")
        assert not re.search(r"[.#][\w-]+\s*\{[^}]*:[^}]*;", text), module  # a CSS rule
        assert "<style" not in text or module == "widgets_export.py", module  # live_style wraps a theme file


def test_a_missing_stylesheet_is_one_line_naming_it(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "assets", root / "assets")
    (root / "assets" / "theme" / "quiz-live.css").unlink()
    monkeypatch.setenv("WTO_DECK_ROOT", str(root))
    with pytest.raises(BuildError, match=r"assets/theme/quiz-live\.css: missing \(a stylesheet of the theme\)$"):
        theme.css("quiz-live.css")


def test_one_markup_for_a_symbol_and_a_status_wherever_they_are_shown():
    """The explorer's table, its detail panel and build/sources.html write a WTO symbol and an unsure
    status with the same macro: the same link, the same « à confirmer » flag."""
    facts = data.load_facts()
    event = next(e for e in facts.events if e.symbol and e.shown_symbol_status == "unverified")
    cell = str(theme.macro("symbol")(event.symbol, event.shown_symbol_status))
    assert 'target="_blank" rel="noopener"' in cell and '<strong class="deck-unsure">(à confirmer)</strong>' in cell
    assert cell in explorer.detail_html(event, facts.sources)
    assert cell in explorer.static_html(event.track, facts.track(event.track), facts.sources)
    assert cell in sources.sources_page_html(audit.build_audit())
    unsure = str(theme.macro("status")("unverified"))
    assert unsure == '<strong class="deck-unsure">à confirmer</strong>'
    assert unsure in sources.sources_page_html(audit.build_audit())
