"""The message catalogue (assets/i18n/fr.json): every word of the interface by key, checked both ways.

A key the code or a template asks for must exist (else a page, a quiz or a command would fail at
the user's); a key nobody asks for is a string a translator would translate for nothing. A lookup
that fails names the catalogue file and the key in one line. A second language is a second file:
rendered with it, the pages speak it and no French word of the interface is left.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from markupsafe import Markup

from conftest import ROOT
from wto_ecommerce_deck import messages, paths, theme
from wto_ecommerce_deck.data import typography_problem
from wto_ecommerce_deck.messages import Catalogue, MessageError, t
from wto_ecommerce_deck.pipeline import site

CATALOGUE = ROOT / "assets" / "i18n" / "fr.json"
# Where keys are asked for: the package and every template of the theme (nbconvert's included).
SOURCES = sorted((ROOT / "src" / "wto_ecommerce_deck").rglob("*.py")) + sorted(
    (ROOT / "assets" / "theme" / "templates").rglob("*.j2")
)
# `t(…)`, `group(…)`, `messages.t(…)`, `deck.t(…)` (the reveal template), not `match.group(0)`.
CALL = r"""(?:(?<![\w.])|(?<=messages\.)|(?<=deck\.))(t|group)\("""
LOOKUP = re.compile(CALL + r"""\s*(["'])([\w.]+)\2""")
# A lookup whose key is not a literal string: the two checks above could not see it.
DYNAMIC = re.compile(CALL + r"""\s*+(?!["'])(?!\))""")
LOOKUP_MODULES = ("messages.py", "theme.py")  # the lookup itself passes keys on


def used() -> tuple[set[str], set[str]]:
    keys, groups = set(), set()
    for path in SOURCES:
        for kind, _, key in LOOKUP.findall(path.read_text(encoding="utf-8")):
            (keys if kind == "t" else groups).add(key)
    return keys, groups


def catalogue() -> Catalogue:
    return messages.catalogue("fr")


def test_every_key_the_code_and_templates_use_is_in_the_catalogue():
    keys, groups = used()
    assert len(keys) > 100, "the scan found the lookups"
    known = catalogue().messages
    assert sorted(k for k in keys if k not in known) == []
    for prefix in groups:
        assert any(k.startswith(prefix + ".") for k in known), f"group {prefix!r}: no key under it"


def test_every_key_of_the_catalogue_is_used():
    keys, groups = used()
    unused = [k for k in catalogue().messages if k not in keys and not any(k.startswith(g + ".") for g in groups)]
    assert unused == []


def test_every_lookup_names_its_key_literally():
    dynamic = []
    for path in SOURCES:
        if path.name in LOOKUP_MODULES:
            continue
        text = path.read_text(encoding="utf-8")
        for match in DYNAMIC.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            source = text.splitlines()[line - 1].strip()
            if not source.startswith(("def ", "#", "@")):
                dynamic.append(f"{path.relative_to(ROOT)}:{line}: {source}")
    assert dynamic == []


def test_french_text_follows_the_typography_rules_of_the_data():
    """Non-breaking spaces before : ; ! ? and inside « », no straight quotes in prose, as in assets/data."""
    problems = []
    for key, message in catalogue().messages.items():
        if key.startswith("cli.") and not key.startswith(("cli.check_env.", "cli.present.", "cli.classroom.")) or key == "cli.facts.unsure":
            continue  # build, pdf and student speak English (see the catalogue's cli._about); the trainer reads classroom's
        for text in message.values() if isinstance(message, dict) else [message]:
            prose = re.sub(r"<[^>]+>", "", text)  # the markup of `_html` keys has its own quotes
            prose = re.sub(r"`[^`]*`|https?://\S+|\(/rise/…\)|'\.\[test\]'", "cmd", prose)  # commands
            problem = typography_problem(re.sub(r"(?m)^ +", "", prose))  # a terminal line's indent
            if problem:
                problems.append(f"{key}: {problem}")
    assert problems == []


def write(folder: Path, content) -> Path:
    path = folder / "xx.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "content, key, params, error",
    [
        ({"meta": {"language": "xx", "plural_one": [1]}, "a": {"b": "B"}}, "a.c", {}, "no key 'a.c'"),
        ({"meta": {"language": "xx", "plural_one": [1]}, "a": "{n} de {total}"}, "a", {"n": 1}, "key 'a': placeholder {total} not given"),
        ({"meta": {"language": "xx", "plural_one": [1]}, "a": {"one": "1", "other": "n"}}, "a", {}, "key 'a' is a plural: give it an integer 'count'"),
        ({"meta": {"language": "xx", "plural_one": [1]}, "a": ["list"]}, None, {}, "key 'a': expected a string"),
        ({"meta": {"language": "fr", "plural_one": [1]}}, None, {}, "meta.language is 'fr', expected 'xx'"),
        ('{"meta": {"language": "xx",\n "plural_one": [1]},\n "a": "A",,}', None, {}, "not valid JSON: Expecting property name"),
    ],
)
def test_a_bad_lookup_or_catalogue_is_one_line_naming_the_file_and_the_key(tmp_path, content, key, params, error):
    path = write(tmp_path, content)
    with pytest.raises(MessageError) as caught:
        Catalogue(path, "xx").text(key, params)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and error in message, message
    assert "\n" not in message


def test_a_missing_key_in_the_project_names_the_catalogue_relative_to_the_clone():
    with pytest.raises(MessageError, match=r"^assets/i18n/fr\.json: no key 'quiz\.nope'$"):
        t("quiz.nope")


def test_plurals_follow_the_catalogue_s_rule(tmp_path):
    assert t("index.slides", count=1) == "1\u00a0diapositive"
    assert t("explorer.count", count=0, total=3) == "0 événement sur 3"  # French: 0 is singular
    assert t("explorer.count", count=2, total=3) == "2 événements sur 3"
    english = Catalogue(write(tmp_path, {"meta": {"language": "xx", "plural_one": [1]}, "n": {"one": "{count} fact", "other": "{count} facts"}}), "xx")
    assert [english.text("n", {"count": n}) for n in (0, 1, 2)] == ["0 facts", "1 fact", "2 facts"]


def test_markup_messages_escape_their_parameters_and_plain_ones_are_escaped_by_the_templates():
    hostile = '<script>alert("x")</script>'
    intro = t("sources_page.intro_html", flag=hostile)
    assert isinstance(intro, Markup) and "<code>" in intro
    assert "<script>" not in intro and "&lt;script&gt;" in intro
    assert not isinstance(t("quiz.check"), Markup)
    rendered = str(theme.macro("link")("https://www.wto.org/", hostile))
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered


@pytest.fixture
def second_language(tmp_path, monkeypatch):
    """A copy of the project's theme and catalogue with `xx.json`: every French text marked ⟦…⟧."""
    root = tmp_path / "project"
    (root / "assets" / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "assets" / "theme", root / "assets" / "theme")
    shutil.copytree(ROOT / "assets" / "i18n", root / "assets" / "i18n")
    source = json.loads(CATALOGUE.read_text(encoding="utf-8"))

    def mark(node):
        if isinstance(node, dict):
            return {k: (v if k.startswith("_") else mark(v)) for k, v in node.items()}
        return f"⟦{node}⟧" if isinstance(node, str) else node

    translated = {k: mark(v) for k, v in source.items() if k != "meta"}
    translated["meta"] = {"language": "xx", "plural_one": [1]}
    (root / "assets" / "i18n" / "xx.json").write_text(json.dumps(translated, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("WTO_DECK_ROOT", str(root))
    theme._environment.cache_clear()
    yield root
    theme._environment.cache_clear()


def test_a_second_language_is_a_second_catalogue(second_language):
    """Rendered with `xx.json` and no change of code, the index speaks `xx` only."""
    entry = site.DeckEntry("01_titre", "Titre", 1, "slides/01_titre.html", "notebooks/01_titre.ipynb", "pdf/01_titre.pdf")
    page = site.index_html([entry], lang="xx")
    assert '<html lang="xx">' in page
    assert "⟦1\u00a0diapositive⟧" in page  # plural_one [1]: one
    assert "⟦PDF⟧" in page and "⟦notebook⟧" in page
    text = re.sub(r"<style>.*?</style>|<[^>]+>", "", page, flags=re.S)
    left = re.sub(r"⟦.*?⟧", "", text, flags=re.S).replace("Titre", "")  # the deck's title is data
    assert not re.search(r"[^\W\d_]", left), left  # no word of the interface outside the catalogue
    assert messages.t("quiz.check", lang="xx") == "⟦Vérifier⟧"
    messages.use("xx")  # the current language (deck.setup(lang=…), the build): pages without a lang speak it
    try:
        assert '<html lang="xx">' in site.index_html([entry]) and "⟦PDF⟧" in site.index_html([entry])
    finally:
        messages.use("fr")


def test_a_language_without_a_catalogue_is_one_line_naming_the_file_it_looked_for():
    with pytest.raises(MessageError, match=r"^assets/i18n/zz\.json: missing \(the interface strings of language 'zz'\)$"):
        t("quiz.check", lang="zz")


def test_a_project_folder_with_only_its_data_speaks_with_the_program_s_catalogue(tmp_path, monkeypatch):
    """`WTO_DECK_ROOT` may name a folder that holds only assets/data (the tests' copies do)."""
    (tmp_path / "assets" / "data").mkdir(parents=True)
    monkeypatch.setenv("WTO_DECK_ROOT", str(tmp_path))
    assert paths.i18n_dir() == ROOT / "assets" / "i18n"
    assert t("quiz.check") == "Vérifier"
