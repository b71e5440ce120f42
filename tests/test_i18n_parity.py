"""One source, three languages: every language has every French string, the same decks, the same facts.

* The interface catalogues (assets/i18n/<lang>.json) have the same keys, placeholders and plurals.
* Every French markdown cell has a current translation in every language, and no catalogue holds
  an entry for a cell the French no longer has (`translate.problems`).
* The built decks of two languages have the same slides, plots, fragments and quizzes.
* Each translated cell writes the same dates, WTO symbols and numbers as its French cell.
* An English deck shows no French date in its prose and no French word of the interface.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
import json
import re
import string
from collections import Counter

import nbformat
import pytest
import yaml

from conftest import ROOT
from wto_ecommerce_deck import conventions, messages
from wto_ecommerce_deck.pipeline import translate

LANGUAGES = messages.languages()
OTHERS = [lang for lang in LANGUAGES if lang != "fr"]
NOTEBOOKS = conventions.notebook_paths(ROOT / "notebooks")
DECKS = [conventions.FULL_DECK, *conventions.section_names(ROOT / "notebooks")]
LOCALE = ROOT / "notebooks" / "locale"


def test_french_is_first_and_there_are_three_languages():
    assert LANGUAGES[0] == "fr" and set(LANGUAGES) >= {"fr", "en", "es"}


def _fields(message) -> set[str]:
    texts = message.values() if isinstance(message, dict) else [message]
    return {f for text in texts for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("lang", OTHERS)
def test_every_interface_key_is_in_every_language_and_the_reverse(lang):
    french, other = messages.catalogue("fr").messages, messages.catalogue(lang).messages
    assert sorted(set(french) - set(other)) == [], f"{lang}.json lacks these keys of fr.json"
    assert sorted(set(other) - set(french)) == [], f"{lang}.json has keys fr.json does not"
    for key, message in french.items():
        assert isinstance(other[key], dict) == isinstance(message, dict), (lang, key, "plural in one language only")
        assert _fields(other[key]) == _fields(message), (lang, key, "placeholders differ")
    assert messages.catalogue(lang).plural_one == {1}


@pytest.mark.parametrize("lang", OTHERS)
def test_the_catalogues_translate_the_interface(lang):
    """Not a copy of the French: the words a trainer sees most are in the language."""
    for key in ("quiz.check", "quiz.reveal", "deck.menu", "explorer.figure_tab", "status.unverified", "figure.key_vague_date"):
        assert messages.t(key, lang) != messages.t(key, "fr"), (lang, key)
    assert messages.t("status.unverified", lang) == {"en": "to be confirmed", "es": "por confirmar"}.get(lang, messages.t("status.unverified", lang))


@pytest.mark.parametrize("lang", OTHERS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_french_cell_has_a_current_translation_and_no_orphan(path, lang):
    nb = nbformat.read(str(path), as_version=4)
    assert translate.problems(nb, translate.catalogue_path(LOCALE, lang, path.stem), lang) == []


def test_a_french_cell_without_translation_or_an_orphan_entry_is_reported(tmp_path):
    """The check the two tests above rely on sees a new French cell and an entry with no cell."""
    path = NOTEBOOKS[1]
    nb = nbformat.read(str(path), as_version=4)
    catalogue = tmp_path / "en" / f"{path.stem}.po"
    catalogue.parent.mkdir()
    catalogue.write_bytes(translate.catalogue_path(LOCALE, "en", path.stem).read_bytes())
    nb.cells.append(nbformat.v4.new_markdown_cell("Une nouvelle diapositive.", id="nouvelle-01"))
    gone = next(c for c in nb.cells if c.cell_type == "markdown" and c.id != "nouvelle-01")
    nb.cells.remove(gone)
    found = translate.problems(nb, catalogue, "en")
    assert any("nouvelle-01" in line and "no entry" in line for line in found), found
    assert any(gone.id in line and "no longer has" in line for line in found), found


# --------------------------------------------------------------------------- dates, symbols, numbers

SYMBOL = re.compile(r"\b(?:WT|JOB|S|G|IP|TN|WT/GC|INF)/[A-Z0-9()/.\-]+[A-Z0-9)]")
NUMBER = re.compile(r"(?<![\w/.])\d+(?:[\s\u00a0\u202f,.]\d{3})*(?![\w/])")


def _facts(text: str) -> Counter:
    """The WTO symbols and the numbers (years, days, counts) a text writes."""
    symbols = SYMBOL.findall(text)
    rest = SYMBOL.sub(" ", text)
    rest = re.sub(r"\]\([^)]*\)", "]", rest)  # link targets are not written on the slide
    rest = re.sub(r"\b1er\b", "1", rest)  # « 1er mai »
    numbers = [re.sub(r"\D", "", n) for n in NUMBER.findall(rest)]
    return Counter([("symbol", s) for s in symbols] + [("number", n) for n in numbers])


@pytest.mark.parametrize("lang", OTHERS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_translated_cell_writes_the_same_dates_symbols_and_numbers(path, lang):
    nb = nbformat.read(str(path), as_version=4)
    translated = translate.translate(nb, translate.catalogue_path(LOCALE, lang, path.stem), lang)
    differ = []
    for french, other in zip(nb.cells, translated.cells):
        if french.cell_type == "markdown" and _facts(french.source) != _facts(other.source):
            differ.append((french.id, sorted((_facts(french.source) - _facts(other.source)).elements()),
                           sorted((_facts(other.source) - _facts(french.source)).elements())))
    assert differ == [], f"{path.stem} ({lang}): cell, only in French, only in the translation"


def test_the_fact_comparison_sees_a_changed_date_or_symbol():
    assert _facts("Le 20 mai 1998 (WT/MIN(98)/DEC/2), 71 Membres") == _facts("On 20 May 1998 (WT/MIN(98)/DEC/2), 71 Members")
    assert _facts("Le 20 mai 1998") != _facts("On 21 May 1998")
    assert _facts("WT/MIN(98)/DEC/2") != _facts("WT/MIN(98)/DEC/1")
    assert _facts("1 000 membres") == _facts("1,000 members")
    assert _facts("de 2019 à 2026") == _facts("2019-2026") == _facts("2019–2026")


# --------------------------------------------------------------------------- the built decks

FRAGMENT = re.compile(r'class="[^"]*\bfragment\b')
SECTION = re.compile(r"<section\b")


def _structure(html: str) -> dict:
    """What two languages' decks must share: slides, plots, fragments per slide, quizzes."""
    slides = html.split("<section")[1:]
    return {
        "sections": len(SECTION.findall(html)),
        "plots": html.count('class="deck-plot"'),
        "fragments": [len(FRAGMENT.findall(s)) for s in slides],
        "quizzes": html.count('data-fallback-kind="quiz"'),  # each quiz's static stand-in (widgets_export)
        "explorers": html.count('data-fallback-kind="explorer"'),
    }


@pytest.mark.parametrize("name", DECKS)
def test_every_language_has_the_same_slides_plots_fragments_and_quizzes(built, name):
    shapes = {lang: _structure((built / "slides" / lang / f"{name}.html").read_text(encoding="utf-8")) for lang in LANGUAGES}
    assert shapes["fr"]["sections"] > 0
    if name == conventions.FULL_DECK:
        assert shapes["fr"]["plots"] >= 5 and shapes["fr"]["quizzes"] >= 10 and shapes["fr"]["explorers"] >= 3, shapes["fr"]
    for lang in OTHERS:
        assert shapes[lang] == shapes["fr"], (name, lang)
    counts = {lang: conventions.slide_count(nbformat.read(str(built / "notebooks" / lang / f"{name}.ipynb"), as_version=4).cells)
              for lang in LANGUAGES}
    assert len(set(counts.values())) == 1, counts


def test_the_structure_comparison_sees_a_missing_fragment():
    deck = '<section><p class="fragment">a</p><p class="fragment">b</p></section><section><div class="deck-plot"></div></section>'
    assert _structure(deck) != _structure(deck.replace(' class="fragment">b', ">b"))
    assert _structure(deck) != _structure(deck.replace('<div class="deck-plot"></div>', ""))


FRENCH_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
FRENCH_DATE = re.compile(rf"\b\d{{1,2}}(?:er)?[\s\u00a0]+(?:{FRENCH_MONTHS})[\s\u00a0]+\d{{4}}\b", re.I)


@pytest.mark.parametrize("lang", OTHERS)
def test_no_french_date_in_the_prose_of_another_language(built, lang):
    """The translated prose (the « Sources » slide lists the data's source titles: the data's own test)."""
    nb = nbformat.read(str(built / "notebooks" / lang / f"{conventions.FULL_DECK}.ipynb"), as_version=4)
    prose = [c.source for c in nb.cells if c.cell_type == "markdown" and c.id not in ("sources-slide", "sources-notes")]
    assert len(prose) > 30 and [m.group(0) for text in prose for m in FRENCH_DATE.finditer(text)] == []
    assert FRENCH_DATE.search("le 13\u00a0décembre 2017")  # the pattern does see a French date


def _flat(text: str) -> str:
    return " ".join(html.unescape(text.replace("\\u003c", "<").replace("<br>", " ")).split())


def _data_strings() -> list[str]:
    """Every text of assets/data/, flattened: records may still be French in another language's deck
    (their translation is the data's, checked by the data's tests)."""
    found = []

    def walk(node):
        if isinstance(node, str):
            found.append(_flat(node))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((ROOT / "assets" / "data").glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


@pytest.mark.parametrize("lang", OTHERS)
def test_no_french_word_of_the_interface_in_another_languages_deck(built, lang):
    """Every interface string the decks show (chrome, quiz and explorer stand-ins, Sources slide,
    figure legends), in French, is absent from every deck of `lang` where its translation differs."""
    french = messages.catalogue("fr").messages
    other = messages.catalogue(lang).messages
    shown = ("deck.", "quiz.", "explorer.", "sources_slide.", "figure.", "kind_lane.", "kind_button.", "status.")
    words = []
    for key, text in french.items():
        if not key.startswith(shown) or isinstance(text, dict) or "{" in text or key.endswith("_html"):
            continue
        if text != other[key] and len(text) >= 6 and " " in text.strip():
            words.append((key, text))
    assert len(words) > 20
    data_texts = _data_strings()
    for name in DECKS:
        page = _flat((built / "slides" / lang / f"{name}.html").read_text(encoding="utf-8"))
        for text in data_texts:
            page = page.replace(text, " ")
        found = [(key, text) for key, text in words if _flat(text) in page]
        assert found == [], (name, lang)


class _VisibleText(HTMLParser):
    """The text a page shows (speaker notes included), without its scripts and styles."""

    def __init__(self):
        super().__init__()
        self.hidden, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join("".join(parser.parts).split())


FRENCH_PUNCTUATION = re.compile(r"[\u00a0\u202f ][;:!?»]|«")


@pytest.mark.parametrize("lang", OTHERS)
def test_no_french_punctuation_in_another_languages_deck(built, lang):
    """« » and a space before ; : ! ? are French typography: an English or Spanish deck shows neither
    (a separator written once for every language, say)."""
    for name in DECKS:
        text = visible_text((built / "slides" / lang / f"{name}.html").read_text(encoding="utf-8"))
        assert len(text) > 200
        found = [text[max(0, m.start() - 30):m.end() + 10] for m in FRENCH_PUNCTUATION.finditer(text)]
        assert found == [], (lang, name)
    assert FRENCH_PUNCTUATION.search(visible_text("<p>Sources\u00a0: A\u00a0; B</p><script>a ? b : c</script>"))


def test_the_translations_command_checks_and_follows_the_french(tmp_path, monkeypatch, capsys):
    """`translations --check` passes on the repository; after a French cell changes it names the
    catalogue and the cell, and `translations` keeps the old translation marked fuzzy. The first
    check is the command in its own process; the others call its main() here, on the same copy."""
    import os
    import shutil
    import subprocess
    import sys

    from conftest import ROOT
    from wto_ecommerce_deck import cli

    for folder in ("notebooks", "assets"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    started = subprocess.run(
        [sys.executable, "-m", "wto_ecommerce_deck", "translations", "--check"],
        cwd=tmp_path, env=dict(os.environ, WTO_DECK_ROOT=str(tmp_path)), capture_output=True, text=True, timeout=120,
    )
    assert started.returncode == 0, started.stderr
    monkeypatch.setenv("WTO_DECK_ROOT", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    def run(*args) -> tuple[int, str]:
        status = cli.main(["translations", *args])
        return status, capsys.readouterr().err

    path = tmp_path / "notebooks" / "01_titre.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown" and c["metadata"].get("slideshow", {}).get("slide_type") == "notes")
    cell["source"] = "".join(cell["source"]) + " Une phrase de plus."
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    status, said = run("--check")
    assert status == 1
    assert f"notebooks/locale/en/01_titre.po: cell '{cell['id']}'" in said
    assert run()[0] == 0
    po = (tmp_path / "notebooks" / "locale" / "en" / "01_titre.po").read_text(encoding="utf-8")
    assert "#, fuzzy" in po and "Une phrase de plus." in po
    assert run("--check")[0] == 1
