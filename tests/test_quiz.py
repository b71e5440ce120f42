"""The quizzes: their data (validated like the other data files), driven through their widgets,
and their static fallback for the exported decks."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

from wto_ecommerce_deck import conventions, data, messages, quiz
from wto_ecommerce_deck.pipeline import translate
from wto_ecommerce_deck.widgets_export import WIDGET_VIEW_MIME

QUESTIONS = data.load_facts().questions
SECTIONS = conventions.section_names(ROOT / "notebooks")


def plain(markup: str) -> str:
    """The text of an HTML fragment, roughly: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("\u00a0", " ").split())


# --------------------------------------------------------------------------- the data


# The sections of the 2018 presentation (02 to 07) each end with a quiz; the title (01) and the
# synthesis sections added since (« Comprendre le dossier », « À retenir ») ask none.
QUIZZED = [s for s in SECTIONS if "02" <= s[:2] <= "07"]


def test_every_section_of_the_presentation_has_two_to_four_questions():
    by_section = {s: [q for q in QUESTIONS if q.section == s] for s in SECTIONS}
    assert len(QUIZZED) == 6, QUIZZED
    for section in SECTIONS:
        if section in QUIZZED:
            assert 2 <= len(by_section[section]) <= 4, section
        else:
            assert by_section[section] == [], section
    kinds = {q.kind for q in QUESTIONS}
    assert kinds == {"single", "order"}


def test_every_section_names_a_notebook():
    assert {q.section for q in QUESTIONS} <= set(SECTIONS)


def test_order_questions_are_shuffled_the_same_way_every_time():
    for q in QUESTIONS:
        shown = q.shown_order()
        assert sorted(shown) == list(range(len(q.choices)))
        if q.kind == "order":
            assert list(shown) != sorted(shown), q.id  # never shown solved
            assert quiz.Question(**{**q.__dict__}).shown_order() == shown
        else:
            assert list(shown) == sorted(shown)


# --------------------------------------------------------------------------- what the questions ask
# Issue 17 §3: no trivia, no repeated question, no answer given away by its length or by repeating
# the slide word for word, answers resting on sure facts. These read the shipped data (and the
# notebooks with their catalogues), so that a regression in quizzes.yaml fails here.

LANGS = messages.languages()
SINGLE = [q for q in QUESTIONS if q.kind == "single"]
BARE_SYMBOL = re.compile(rf"^\(?{data.SYMBOL_RE.pattern}\)?$")
NUMBER = re.compile(r"^[\d\s\u00a0.,%–-]+$")


def words(text: str) -> str:
    """A text as its lowercase words: punctuation, quotes and kinds of space ignored."""
    return " ".join(re.findall(r"\w+", text.casefold()))


@pytest.mark.parametrize("lang", LANGS)
def test_no_right_answer_is_strictly_the_longest_choice(lang):
    """A room guesses the longest choice: some wrong choice is at least as long, in every language."""
    for q in SINGLE:
        lengths = [len(choice.text(lang)) for choice in q.choices]
        right = lengths[q.answer]
        assert any(length >= right for i, length in enumerate(lengths) if i != q.answer), (q.id, lang, lengths)


@pytest.mark.parametrize("lang", LANGS)
def test_no_right_answer_stands_out_by_its_first_word(lang):
    """A room spots the odd one out: when every wrong choice opens with the same word (« Parce
    que… », "Because…"), the right one opens with it too."""
    for q in SINGLE:
        first = [words(choice.text(lang)).split()[0] for choice in q.choices]
        wrong = {word for i, word in enumerate(first) if i != q.answer}
        assert len(wrong) > 1 or first[q.answer] in wrong, (q.id, lang, first)


CONFERENCE_NUMBER = re.compile(r"\b(?:CM|MC)\d+\b|\b(?:19|20)\d\d\b")


def test_no_order_step_gives_its_place_away_by_a_number():
    """Steps to put in order name no conference number (CM2, MC11) and no year: the numbers would
    give the order, and the quiz would test counting, not the history."""
    for q in QUESTIONS:
        if q.kind != "order":
            continue
        for choice in q.choices:
            for lang in LANGS:
                assert not CONFERENCE_NUMBER.search(choice.text(lang)), (q.id, lang, choice.text(lang))


def test_no_right_answer_is_a_bare_symbol_or_a_number():
    for q in SINGLE:
        for lang in LANGS:
            right = q.choices[q.answer].text(lang).strip()
            assert not BARE_SYMBOL.match(right), (q.id, lang, right)
            assert not NUMBER.match(right), (q.id, lang, right)
            assert re.search(r"[^\W\d_]{3}", right), (q.id, lang, right)  # words, not a code


def test_no_prompt_is_trivia_about_the_2018_presentation_or_a_count():
    """« Selon la présentation de 2018… », « combien… », « quelle cote… »: trivia, not what to remember."""
    trivia = re.compile(r"présentation de 2018|combien|quelle cote|quel numéro|how many|which (wto )?document symbol|"
                        r"2018 presentation|cuántos|qué signatura|presentación de 2018", re.I)
    for q in QUESTIONS:
        for lang in LANGS:
            assert not trivia.search(q.prompt.text(lang)), (q.id, lang, q.prompt.text(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_no_question_repeats_another(lang):
    """No two prompts alike, no choice or order step asked twice, no right answer shared."""
    prompts = [words(q.prompt.text(lang)) for q in QUESTIONS]
    assert len(set(prompts)) == len(prompts), [p for p in prompts if prompts.count(p) > 1]
    for a in range(len(QUESTIONS)):
        for b in range(a + 1, len(QUESTIONS)):
            one, two = set(prompts[a].split()), set(prompts[b].split())
            overlap = len(one & two) / min(len(one), len(two))
            assert overlap < 0.8, (QUESTIONS[a].id, QUESTIONS[b].id, lang, overlap)
    owner: dict[str, str] = {}
    for q in QUESTIONS:
        for choice in q.choices:
            text = words(choice.text(lang))
            assert owner.setdefault(text, q.id) == q.id, f"{lang}: {choice.text(lang)!r} in {owner[text]} and {q.id}"


def slide_texts(section: str, lang: str) -> list[str]:
    """The words of every slide cell (notes left out) of a section, in `lang`."""
    nb = nbformat.read(ROOT / "notebooks" / f"{section}.ipynb", as_version=4)
    nb = translate.translate(nb, translate.catalogue_path(ROOT / "notebooks" / "locale", lang, section), lang)
    return [words(cell.source) for cell in nb.cells if cell.cell_type == "markdown" and not conventions.is_notes(cell)]


@pytest.mark.parametrize("lang", LANGS)
def test_no_right_answer_repeats_its_slide_word_for_word(lang):
    """The right choice is said in other words than the section's slides: recognising a bullet is
    not understanding it."""
    for q in SINGLE:
        right = words(q.choices[q.answer].text(lang))
        for text in slide_texts(q.section, lang):
            assert right not in text, (q.id, lang, right)


def test_every_fact_a_quiz_rests_on_is_verified_or_secondary():
    """Not unverified, and not the 2018 presentation alone: a WTO page or document, or a named
    reputable source. Every symbol a question quotes is one of those facts' symbols."""
    facts = data.load_facts()
    status = {**{e.id: e.status for e in facts.events}, **{b.id: b.status for b in facts.bodies}}
    for q in QUESTIONS:
        assert q.facts, q.id
        for fact in q.facts:
            assert status[fact] in ("verified", "secondary"), (q.id, fact, status[fact])


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A copy of the data folder, as <root>/assets/data so that errors name `assets/data/…`."""
    folder = tmp_path / "assets" / "data"
    shutil.copytree(ROOT / "assets" / "data", folder)
    return folder


def errors_for(data_dir: Path, old: str, new: str) -> list[str]:
    path = data_dir / "quizzes.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(data.DataError) as caught:
        data.load_facts(data_dir)
    return caught.value.errors


def line_of(data_dir: Path, entry_id: str) -> int:
    lines = (data_dir / "quizzes.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.strip() == f"- id: {entry_id}")


def test_unverified_fact_is_refused_in_one_line(data_dir):
    line = line_of(data_dir, "q-elan-3")
    errors = errors_for(
        data_dir, "facts: [working-group-proposal-2017, mc11-decision, jsi-2017]", "facts: [working-group-proposal-2017, feds-2016]"
    )
    assert errors == [
        f"assets/data/quizzes.yaml: entry 'q-elan-3' (line {line}): field 'facts': "
        "'feds-2016' is unverified: a quiz must not rest on it"
    ]


def test_symbol_of_an_uncited_or_unverified_fact_is_refused(data_dir):
    # davos-2019's symbol WT/L/1056 is unverified: quoting it is refused even with the fact cited.
    line = line_of(data_dir, "q-depuis-4")
    errors = errors_for(data_dir, "      - fr: \"Un texte de négociation récapitulatif est diffusé\"", "      - fr: \"Texte WT/L/1056\"")
    assert errors == [
        f"assets/data/quizzes.yaml: entry 'q-depuis-4' (line {line}): field 'facts': symbol 'WT/L/1056' "
        "is quoted but is not the symbol of a cited fact that is not unverified"
    ]


@pytest.mark.parametrize(
    ("field", "edit", "problem"),
    [
        ("prompt.fr", lambda text: 'Quel \\"grand\\" ' + text, "straight double quote (use « » or “ ”)"),
        ("feedback.fr", lambda text: text + " ?", "plain space before : ; ! ? % (use a non-breaking space, U+00A0)"),
        ("choices", lambda text: text + " ...", "three dots (use …)"),
    ],
    ids=["straight-quote", "space-before-question-mark", "three-dots"],
)
def test_quiz_text_obeys_the_french_typography_of_the_data(data_dir, field, edit, problem):
    """Prompts, feedback and choices are French prose on a slide: the loader applies the same
    typography rules as to every other text (data.typography_problem), one line naming the entry."""
    q = QUESTIONS[0]
    shown = {"prompt.fr": q.prompt["fr"], "feedback.fr": q.feedback["fr"], "choices": q.choices[-1]["fr"]}[field]
    old = f'fr: "{shown}"'
    errors = errors_for(data_dir, old, f'fr: "{edit(shown)}"')
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"assets/data/quizzes.yaml: entry '{q.id}' (line {line_of(data_dir, q.id)}): field '{field}': ")
    assert f"French typography: {problem}" in errors[0]


def test_two_right_answers_are_refused(data_dir):
    line = line_of(data_dir, "q-discussions-1")
    texts = (
        'fr: "Le Conseil général négocie les règles proposées dans les non-documents du groupe"',
        'en: "The General Council negotiates the rules proposed in the group\'s non-papers"',
        'es: "El Consejo General negocia las normas propuestas en los documentos oficiosos del grupo"',
    )
    old = f"      - {texts[0]}\n        {texts[1]}\n        {texts[2]}\n"
    new = "      - text:\n" + "".join(f"          {text}\n" for text in texts) + "        correct: true\n"
    errors = errors_for(data_dir, old, new)
    assert errors == [
        f"assets/data/quizzes.yaml: entry 'q-discussions-1' (line {line}): field 'choices': "
        "a single-choice question needs exactly one choice with 'correct: true', found 2"
    ]


def test_bad_fields_each_give_one_line(data_dir):
    line = line_of(data_dir, "q-structure-1")
    old = "    section: 03_structure_omc\n    kind: single\n    prompt:\n      fr: \"Dans le Programme"
    new = "    section: structure\n    kind: vrai-faux\n    prompt:\n      fr: \"Dans le Programme"
    path = data_dir / "quizzes.yaml"  # and move q-structure-2 away: the section keeps one question
    moved = "    section: 03_structure_omc\n    kind: single\n    prompt:\n      fr: \"Outre le Conseil général"
    assert path.read_text(encoding="utf-8").count(moved) == 1, moved
    path.write_text(path.read_text(encoding="utf-8").replace(moved, moved.replace("03_structure_omc", "09_autre")), encoding="utf-8")
    errors = errors_for(data_dir, old, new)
    prefix = f"assets/data/quizzes.yaml: entry 'q-structure-1' (line {line}): "
    assert errors[0] == prefix + "field 'section': not a section notebook name (NN_name, as notebooks/NN_name.ipynb): 'structure'"
    assert errors[1] == prefix + "field 'kind': unknown kind 'vrai-faux'; expected one of single, order"
    # the sections left with one question are reported too, at the end
    assert sorted(errors[2:]) == [
        "assets/data/quizzes.yaml: section '03_structure_omc': 1 question(s), expected 2 to 4",
        "assets/data/quizzes.yaml: section '09_autre': 1 question(s), expected 2 to 4",
    ]


def test_unknown_source_and_markup_are_refused(data_dir):
    line = line_of(data_dir, "q-discussions-1")
    errors = errors_for(
        data_dir,
        "    sources: [gc-jul18, digwatch-group71-2018, wkprog]\n",
        "    sources: [gc-jul18, nowhere, wkprog]\n",
    )
    assert errors == [
        f"assets/data/quizzes.yaml: entry 'q-discussions-1' (line {line}): field 'sources': "
        "unknown source key 'nowhere' (not in sources.yaml)"
    ]
    path = data_dir / "quizzes.yaml"
    shutil.copy(ROOT / "assets" / "data" / "quizzes.yaml", path)
    errors = errors_for(data_dir, '      - fr: "À créer un nouveau Conseil', '      - fr: "<b>À créer</b> un nouveau Conseil')
    assert len(errors) == 1 and "field 'choices': choice 4: 'fr': HTML is not allowed" in errors[0]


def test_malformed_yaml_names_the_line(data_dir):
    errors = errors_for(data_dir, "  - id: q-elan-1\n", "  - id: [q-elan-1\n")
    assert len(errors) == 1 and errors[0].startswith("assets/data/quizzes.yaml: line ")
    assert "malformed YAML" in errors[0]


# --------------------------------------------------------------------------- the live widget


def test_single_choice_through_its_widgets():
    q = quiz.show("q-programme-1")
    question = q.question
    right = question.choices[question.answer].text()
    wrong_index = next(i for i in range(len(question.choices)) if i != question.answer)

    q.check.click()  # nothing chosen yet
    assert "Choisissez d'abord une réponse" in plain(q.feedback.value)

    q.choices.value = wrong_index
    q.check.click()
    feedback = plain(q.feedback.value)
    assert "Ce n'est pas la bonne réponse" in feedback
    assert right not in feedback  # a wrong try does not give the answer away

    q.choices.label = next(label for label, index in q.choices.options if index == question.answer)
    q.check.click()
    feedback = plain(q.feedback.value)
    assert feedback.startswith("✔ Bonne réponse !")
    assert f"Réponse : B. {plain(right)}" in feedback
    assert "Déclaration sur le commerce électronique mondial (OMC)" in feedback  # the source, in French
    assert 'href="https://www.wto.org/french/tratop_f/ecom_f/mindec1_f.htm"' in q.feedback.value


def test_reveal_button_shows_answer_and_source():
    q = quiz.show("q-conference-1")
    q.reveal.click()
    feedback = plain(q.feedback.value)
    right = q.question.choices[q.question.answer].text()
    assert f"Réponse : A. {right}" in feedback and "renouveler le moratoire jusqu'à la CM12" in feedback
    assert feedback.count("Sources :") == 1
    linked = html.unescape(q.feedback.value)  # the decision itself, in the deck's language
    assert "https://docs.wto.org/" in linked and "WT%2FMIN%2817%29%2F65)&Language=FRENCH" in linked


def test_order_question_through_its_buttons():
    q = quiz.show("q-programme-4")
    question = q.question
    assert [plain(step.value) for step in q.steps] == [
        plain(f"{n}. {question.choices[i].text()}") for n, i in enumerate(question.shown_order(), start=1)
    ]
    assert q.up[0].disabled and q.down[-1].disabled

    q.check.click()
    placed = sum(1 for position, index in enumerate(question.shown_order()) if position == index)
    assert f"Pas encore : {placed} étape" in plain(q.feedback.value)

    # Sort the steps by clicking the arrows only, as a student would.
    for _ in range(len(q.order) ** 2):
        wrong = next((p for p in range(len(q.order) - 1) if q.order[p] > q.order[p + 1]), None)
        if wrong is None:
            break
        q.down[wrong].click()
    assert [plain(step.value) for step in q.steps] == [plain(f"{n}. {text.text()}") for n, text in enumerate(question.choices, start=1)]
    q.check.click()
    feedback = plain(q.feedback.value)
    assert feedback.startswith("✔ Bonne réponse !") and "Le bon ordre :" in feedback
    assert "novembre 2001 à Doha" in feedback


def test_widget_ids_are_stable_and_unique():
    first = quiz.show("q-elan-2")
    second = quiz.show("q-elan-2")
    one = first._repr_mimebundle_()[WIDGET_VIEW_MIME]["model_id"]
    two = second._repr_mimebundle_()[WIDGET_VIEW_MIME]["model_id"]
    assert one.startswith("deck-q-elan-2-") and two.startswith("deck-q-elan-2-") and one != two


# --------------------------------------------------------------------------- the static fallback


@pytest.mark.parametrize("q", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_fallback_holds_question_choices_and_answer_behind_a_toggle(q):
    bundle = quiz.show(q.id)._repr_mimebundle_()
    assert WIDGET_VIEW_MIME in bundle  # live: the widget
    fallback = bundle["text/html"]  # exported: this
    assert 'data-fallback-kind="quiz"' in fallback and f'data-fallback-for="{q.id}"' in fallback
    assert "<button" not in fallback and "<input" not in fallback and "<script" not in fallback
    before, _, hidden = fallback.partition("<details")
    assert plain(html.escape(q.prompt.text())) in plain(before)
    for choice in q.choices:
        assert plain(html.escape(choice.text())) in plain(before)
    assert "<summary>Voir la réponse</summary>" in hidden
    assert plain(html.escape(q.feedback.text())) in plain(hidden)
    assert "Source" in plain(hidden)
    if q.kind == "single":
        assert plain(html.escape(q.choices[q.answer].text())) in plain(hidden)
