"""The fact audit: every fact a deck shows is in assets/data, with its status; the slides' text is
checked against the data; `facts`, the « Sources » slide and build/sources.html say the same."""

from __future__ import annotations

from collections import Counter

from urllib.parse import urlsplit

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from markupsafe import escape

from conftest import ROOT
from wto_ecommerce_deck import cli, conventions, data, messages, theme
from wto_ecommerce_deck.pipeline import audit, audit_text, layout, sources
from wto_ecommerce_deck.figures import timelines
from wto_ecommerce_deck.data.records import STATUSES

SECTIONS = conventions.section_names(ROOT / "notebooks")


@pytest.fixture(scope="module")
def result() -> audit.Audit:
    return audit.build_audit()


# --------------------------------------------------------------------------- the real decks


def test_every_date_symbol_and_number_on_a_slide_is_in_the_data(result):
    """The slide-vs-data test: no problem at all, and the audit did read the slides."""
    assert result.problems == []
    kinds = {m.kind for m in result.mentions}
    assert kinds == {"cote", "date", "nombre"}
    written = {m.text for m in result.mentions}
    assert {"WT/MIN(98)/DEC/2", "WT/L/274", "WT/MIN(17)/60", "Mai 1998", "25 septembre 1998",
            "du 10 au 13 décembre 2017", "13 décembre 2017", "71 Membres", "43 Membres", "44 entrées", "28 États membres",
            "6 réunions", "16 communications"} <= written
    assert all(m.facts for m in result.mentions)


def test_mentions_resolve_to_the_right_records(result):
    def facts_of(text: str, section: str) -> set[str]:
        return {k for m in result.mentions if m.text == text and m.section == section for k in m.facts}

    # « Mai 1998 » next to WT/MIN(98)/DEC/2: the Declaration and its moratorium, not the conference.
    assert facts_of("Mai 1998", "02_programme_de_travail") == {"event:decl-1998", "event:moratorium-1998"}
    assert facts_of("du 10 au 13 décembre 2017", "05_conference_ministerielle") == {"event:mc11"}
    assert facts_of("13 décembre 2017", "05_conference_ministerielle") == {"event:jsi-2017"}
    assert facts_of("43 Membres", "05_conference_ministerielle") == {"event:jsi-2017"}
    assert facts_of("44 entrées", "05_conference_ministerielle") == {"event:jsi-2017"}
    assert facts_of("6 réunions", "06_discussions_en_cours") == {"event:jsi-2018-meetings"}


def test_figures_show_what_their_builders_carry(result):
    facts = data.load_facts()
    for section, track, builder in [
        ("02_programme_de_travail", "programme", lambda e, s: timelines.build_programme_timeline(e, s, timelines.SEED_PERIOD)),
        ("04_nouvel_elan", "momentum", timelines.build_momentum_timeline),
        ("06_discussions_en_cours", "meetings2018", timelines.build_meetings_2018_timeline),
        ("07_depuis_2018", "programme", lambda e, s: timelines.build_programme_timeline(e, s, timelines.AFTER_SEED_PERIOD)),
    ]:
        fig = builder(facts.track(track), facts.sources)
        shown = {s.fact for s in result.shown if s.section == section and s.how == "frise"}
        assert shown == {f"event:{i}" for i in fig.layout.meta["events"]}
    bodies = {s.fact for s in result.shown if s.how == "organigramme"}
    assert bodies == {f"body:{b.id}" for b in facts.bodies}
    members = {s.fact for s in result.shown if s.how == "carte"}
    assert members == {f"signatory:{s.id}" for s in facts.signatories if s.iso3}
    assert len(members) == 71


def test_unverified_facts_are_flagged_wherever_shown(result):
    unsure = [f for f in result.facts_of() if f.unsure]
    assert unsure, "the data has unverified facts and symbols: the decks show some"
    for fact in unsure:
        for shown in (s for s in result.shown if s.fact == fact.key and fact.needs_flag(s.how)):
            assert shown.flagged, (fact.key, shown)
    # The unverified records the decks show: the FEDs' launch year, the 4 signatories no source names,
    # what became of the Annex 4 request in 2025… and the symbols.
    assert {f.record_id for f in unsure if f.status == "unverified"} >= {"feds-2016", "TUR", "UKR", "ARE", "URY", "annex4-outcome-2025"}
    assert {f.symbol for f in result.unsure_symbols()} >= {"WT/L/1056", "JOB/GC/94"}


def test_counts_by_status(result):
    counts = result.counts()
    assert list(counts) == list(STATUSES)
    assert sum(counts.values()) == len(result.facts_of()) == len(result.facts)
    assert all(counts[s] > 0 for s in STATUSES)
    # Per deck: a section counts only what it shows; the full deck counts everything.
    assert result.counts(conventions.FULL_DECK) == counts
    # The title deck shows no fact of its own, only the glossary that ends every deck.
    glossary = Counter(term.status for term in data.load_facts().glossary)
    assert result.counts("01_titre") == {status: glossary.get(status, 0) for status in STATUSES}
    assert result.counts("03_structure_omc")["verified"] >= 13


# --------------------------------------------------------------------------- bad slides


def _notebook(tmp_path: Path, cells: list) -> Path:
    """A notebooks/ folder holding one section with the given (slide_type, source) cells."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    template = nbformat.read(str(ROOT / "notebooks" / "01_titre.ipynb"), as_version=4)
    nb = nbformat.v4.new_notebook(metadata=json.loads(json.dumps(template.metadata)))
    nb.metadata["title"] = "Essai"
    for number, (kind, source) in enumerate(cells, start=1):
        maker = nbformat.v4.new_code_cell if kind.startswith("code") else nbformat.v4.new_markdown_cell
        slide_type = kind.split(":", 1)[1] if ":" in kind else kind
        nb.cells.append(maker(source, id=f"essai-{number:02d}", metadata={"slideshow": {"slide_type": slide_type}}))
    nbformat.write(nb, str(folder / "07_essai.ipynb"))
    return folder


CELL = "notebooks/07_essai.ipynb: cell 1 (id 'essai-01')"

# Each row: the slide's markdown, and the exact problem lines of the audit (none: a positive control).
BAD_SLIDES = [
    ("date-unknown-day", "## Buenos Aires, 14 décembre 2017",
     [f"{CELL}: date « 14 décembre 2017 » is not in assets/data (no event on that date, nor an event text that states it)"]),
    ("date-unknown-range", "## CM11, du 10 au 14 décembre 2017",
     [f"{CELL}: date « du 10 au 14 décembre 2017 » is not in assets/data (no event on that date, nor an event text that states it)"]),
    ("date-unknown-month", "## Le Programme de travail\n\nJuin 1998 : la Déclaration",
     [f"{CELL}: date « Juin 1998 » is not in assets/data (no event on that date, nor an event text that states it)"]),
    ("date-unknown-year", "## En 1996",
     [f"{CELL}: date « 1996 » is not in assets/data (no event on that date, nor an event text that states it)"]),
    ("date-unknown-years", "## Entre 2010 et 2012",
     [f"{CELL}: date « 2010 » is not in assets/data (no event on that date, nor an event text that states it)",
      f"{CELL}: date « 2012 » is not in assets/data (no event on that date, nor an event text that states it)"]),
    ("symbol-unknown", "## La Déclaration (WT/MIN(98)/DEC/3)",
     [f"{CELL}: symbol « WT/MIN(98)/DEC/3 » is not in assets/data (no event has it as its symbol or names it in its detail)"]),
    ("symbol-mixed-up", "## Mai 1998 : Déclaration (WT/L/275)",
     [f"{CELL}: symbol « WT/L/275 » is not in assets/data (no event has it as its symbol or names it in its detail)"]),
    ("number-unknown", "## 72 membres",
     [f"{CELL}: number « 72 membres » is not in assets/data (no event text states it, nor a count of signatories.yaml)"]),
    ("percent-unknown", "## 78 % du commerce mondial",
     [f"{CELL}: number « 78 % » is not in assets/data (no event text states it, nor a count of signatories.yaml)"]),
    ("unverified-symbol-unflagged", "## Juillet 2016 (JOB/GC/94)",
     [f"{CELL}: symbol « JOB/GC/94 » rests only on unverified data (us-non-paper-2016): flag it « à confirmer » on the slide"]),
    ("unverified-symbol-flagged", "## Juillet 2016 (JOB/GC/94, à confirmer)", []),
    ("all-in-the-data", "## Le Programme de travail", []),
]
GOOD_NOTES = "Le 20 mai 1998, la Déclaration (WT/MIN(98)/DEC/2), puis le Programme de travail (WT/L/274)."


@pytest.mark.parametrize(("case", "markdown", "problems"), BAD_SLIDES, ids=[row[0] for row in BAD_SLIDES])
def test_bad_slide_text_is_reported(tmp_path, case, markdown, problems):
    cells = [("slide", markdown), ("notes", GOOD_NOTES)]
    result = audit.build_audit(notebooks_dir=_notebook(tmp_path, cells))
    assert result.problems == problems


NOTES = "notebooks/07_essai.ipynb: cell 2 (id 'essai-02')"


@pytest.mark.parametrize(
    ("notes", "problems"),
    [
        ("Le 16 décembre 2017, WT/L/999 et 72 membres.", [
            f"{NOTES}: date « 16 décembre 2017 » is not in assets/data (no event on that date, nor an event text that states it)",
            f"{NOTES}: symbol « WT/L/999 » is not in assets/data (no event has it as its symbol or names it in its detail)",
            f"{NOTES}: number « 72 membres » is not in assets/data (no event text states it, nor a count of signatories.yaml)",
        ]),
        ("Le non-document des États-Unis (JOB/GC/94).", [
            f"{NOTES}: symbol « JOB/GC/94 » rests only on unverified data (us-non-paper-2016): flag it « à confirmer » on the slide",
        ]),
        ("Le non-document des États-Unis (JOB/GC/94, à confirmer).", []),
        (GOOD_NOTES, []),
    ],
    ids=["not-in-the-data", "unverified-unflagged", "unverified-flagged", "all-in-the-data"],
)
def test_speaker_notes_are_audited_like_the_slides(tmp_path, notes, problems):
    """What a presenter reads aloud is held to the data as what the slide shows; it is checked,
    not listed among the slide's mentions (the « Sources » slide counts what the audience sees)."""
    cells = [("slide", "## Le Programme de travail"), ("notes", notes)]
    result = audit.build_audit(notebooks_dir=_notebook(tmp_path, cells))
    assert result.problems == problems
    assert all(m.where != NOTES for m in result.mentions)


def test_notes_may_cite_a_source_with_its_date_and_count_entries_by_status(tmp_path):
    """The notes cite their sources with the article's date, which sources.yaml holds in the title,
    and count the signatory entries of a status (« ces 9 entrées »), which signatories.yaml holds;
    a date that no source title and no event holds is still refused."""
    facts = data.load_facts()
    events = " ".join(audit_text.plain(f"{e.date_fr} {e.label['fr']} {e.detail['fr']}") for e in facts.events)
    dates = (m.group(0) for s in facts.sources.values() for m in re.finditer(r"\b\d{1,2} \w+ 20\d\d\b", s.title["fr"]))
    dated = next(d for d in dates if d not in events)  # an article's date that is no event's
    unsure = sum(1 for s in facts.signatories if not s.eu_member and s.status == "unverified")
    notes = f"Source : {dated}. Ces {unsure} entrées sont à confirmer."
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    cells = [("slide", "## Le Programme de travail"), ("notes", notes)]
    assert audit.build_audit(notebooks_dir=_notebook(tmp_path / "a", cells)).problems == []
    cells = [("slide", f"## {dated}"), ("notes", GOOD_NOTES)]  # on a slide, a date is a fact: an event must hold it
    assert audit.build_audit(notebooks_dir=_notebook(tmp_path / "b", cells)).problems == [
        f"{CELL}: date « {dated} » is not in assets/data (no event on that date, nor an event text that states it)"
    ]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("timeline.inconnue()", "timeline.inconnue(): not a call the notebooks may make (declare it with calls.notebook_call beside its definition)"),
        ("rien.du_tout()", "rien.du_tout(): not a call the notebooks may make (declare it with calls.notebook_call beside its definition)"),
        ('explorer.timeline("nulle-part")', "explorer.timeline('nulle-part'): unknown in the data ("),
        ('quiz.show("q-inconnue")', "quiz.show('q-inconnue'): unknown in the data ("),
        ("x = [1998, 'WT/L/274']", "not a one-line call: the fact audit cannot tell what it shows"),
    ],
    ids=["unknown-figure", "unknown-module", "unknown-track", "unknown-question", "data-literal"],
)
def test_unknown_calls_are_reported(tmp_path, source, problem):
    cells = [("slide", "## Essai"), ("code:-", source)]
    result = audit.build_audit(notebooks_dir=_notebook(tmp_path, cells))
    assert len(result.problems) == 1
    assert result.problems[0].startswith(f"notebooks/07_essai.ipynb: cell 2 (id 'essai-02'): {problem}")


# --------------------------------------------------------------------------- the command


def run_facts(*args: str, root: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, WTO_DECK_ROOT=str(root))
    return subprocess.run(
        [sys.executable, "-m", "wto_ecommerce_deck", "facts", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )


def test_facts_command_prints_every_fact_and_the_counts(result, tmp_path):
    done = run_facts("--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["DATE", "FAIT", "COTE", "OMC", "STATUT", "SOURCE"]
    counts = result.counts()
    summary = next(line for line in lines if line.endswith(", ".join(f"{s} {n}" for s, n in counts.items())))
    assert summary.startswith(f"{len(result.facts)} facts shown")
    assert any(line.startswith("20 mai 1998") and "WT/MIN(98)/DEC/2" in line and "verified" in line for line in lines)
    assert any("JOB/GC/94 (à confirmer)" in line for line in lines)
    assert (tmp_path / layout.SOURCES_PAGE).is_file()


def test_facts_command_markdown(result, capsys):
    assert cli.main(["facts", "--format", "markdown"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert rows[0] == "| date | fait | cote OMC | statut | source |"
    assert len(rows) == 1 + len(result.facts)


def test_facts_command_fails_on_a_slide_not_in_the_data(tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "assets", tmp_path / "assets")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    path = tmp_path / "notebooks" / "05_conference_ministerielle.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## Buenos Aires, 13 décembre 2017"))
    nb.cells[index].source = "## Buenos Aires, 14 décembre 2017"
    nbformat.write(nb, str(path))
    monkeypatch.setenv("WTO_DECK_ROOT", str(tmp_path))
    assert cli.main(["facts"]) == 1
    cell = nb.cells[index]
    assert capsys.readouterr().err.splitlines() == [
        f"error: notebooks/05_conference_ministerielle.ipynb: cell {index + 1} (id {cell.id!r}): date « 14 décembre 2017 » "
        "is not in assets/data (no event on that date, nor an event text that states it)"
    ]


# --------------------------------------------------------------------------- the « Sources » slide and page


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs.extend(value for name, value in attrs if name in ("href", "src"))


def parsed(text: str) -> Links:
    parser = Links()
    parser.feed(text)
    return parser


@pytest.mark.parametrize("section", [conventions.FULL_DECK, *SECTIONS])
def test_sources_slide_cells(result, section):
    slide, notes = sources.sources_slide_cells(section, result)
    assert slide.cell_type == notes.cell_type == "markdown"
    assert slide.metadata.slideshow.slide_type == "slide" and notes.metadata.slideshow.slide_type == "notes"
    assert slide.source.startswith("## Sources\n")
    # The slide links the sources page; its notes list the sources, each linked.
    assert parsed(slide.source).hrefs == ["../sources.html"]
    links = parsed(slide.source).hrefs + parsed(notes.source).hrefs
    # Links go to WTO pages or to the hosts of sources.yaml (the rule of data.safe_href); a source
    # without a public copy (url: null) is named without a link.
    hosts = {urlsplit(s.url).hostname for s in result.sources.values() if s.url}
    assert all(
        href == "../sources.html" or urlsplit(href).hostname.endswith("wto.org") or urlsplit(href).hostname in hosts
        for href in links
    )
    keys = result.source_keys(section)
    assert len(links) == len([k for k in keys if result.sources[k].url]) + 1
    assert "«\u00a0à confirmer\u00a0»" in slide.source
    count = len(result.facts_of(section))
    assert f"{count}\u00a0fait" in slide.source
    if section != "01_titre":
        assert count > 0 and keys
    if keys:
        assert f"{len(keys)}\u00a0source" in slide.source or len(keys) == 1
        for key in keys:
            assert theme.macro("source")(key, result.sources, True) in notes.source
    unsure = [f for f in result.facts_of(section) if f.unsure]
    for fact in unsure:
        assert fact.record_id in notes.source
    nbformat.validate(nbformat.v4.new_notebook(cells=[slide, notes]))


@pytest.mark.parametrize("section", [conventions.FULL_DECK, *SECTIONS])
def test_sources_slide_counts_the_glossary_before_it(result, section):
    """Every deck shows the glossary slide just before « Sources »: the slide's count takes in its
    terms, and its notes name their sources (they were left out: a glossary-only source, such as
    the WTO Agreement for Annex 4, was in no deck's list)."""
    terms = data.load_facts().glossary
    slide, notes = sources.sources_slide_cells(section, result)
    shown = {f.key for f in result.facts_of(section)}
    assert {f"term:{term.id}" for term in terms} <= shown
    assert f"{len(shown)}\u00a0fait" in slide.source
    keys = result.source_keys(section)
    assert f"{len(keys)}\u00a0source" in slide.source
    for key in {k for term in terms for k in term.sources}:
        assert key in keys
        assert theme.macro("source")(key, result.sources, True) in notes.source


def test_sources_page(result, tmp_path):
    path = sources.write_sources_page(tmp_path, result)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"fr\">")
    found = parsed(page)
    assert "script" not in found.tags
    hosts = {urlsplit(s.url).hostname for s in result.sources.values() if s.url}
    for href in found.hrefs:
        assert href in ("index.html", "vendor/fonts/fonts.css") or href.startswith(
            ("https://www.wto.org/", "https://docs.wto.org/")
        ) or (href.startswith("https://") and urlsplit(href).hostname in hosts), href
    for fact in result.facts.values():
        assert f"<td>{escape(fact.label.text())}</td>" in page
    for status, number in result.counts().items():
        assert re.search(rf"<td>[^<]*</td><td>{number}</td>", page)
    assert page.count('class="unsure-row"') == len([f for f in result.facts.values() if f.unsure])
    assert "FE_S_S006.aspx?Query=(@Symbol=%20WT%2FL%2F274)" in page


@pytest.mark.parametrize("lang", [lang for lang in messages.languages() if lang != messages.DEFAULT_LANG])
def test_sources_page_tables_are_in_the_page_language(result, lang):
    """The English and Spanish sources pages write each fact's date, label and sources in their
    language: they showed « 20 mai 1998 », « Déclaration sur le commerce électronique mondial »
    and « (OMC, en anglais) » to English and Spanish readers."""
    page = sources.sources_page_html(result, lang)
    tables = page.split('id="mentions"')[0]  # the fact tables (the mentions quote the French slides)
    french_only = []
    for fact in result.facts.values():
        date, label = fact.date_text(lang), fact.label.text(lang)
        if date:
            assert f"<td>{escape(date)}</td>" in tables, (lang, fact.record_id, date)
        assert f"<td>{escape(label)}</td>" in tables, (lang, fact.record_id, label)
        for french, own in ((fact.date_text("fr"), date), (fact.label.text("fr"), label)):
            if french and french != own and f"<td>{escape(french)}</td>" in tables:
                french_only.append((fact.record_id, french))
        for key in fact.sources:
            title = result.sources[key].title
            assert escape(title.text(lang)) in tables, (lang, key)
            if title.text("fr") != title.text(lang):
                assert escape(title.text("fr")) not in tables, (lang, key, title.text("fr"))
    assert french_only == []
    # Sources are listed as the language writes a list: "a; b", not the French « a ; b ».
    assert " ; " not in tables and "\u00a0; " not in tables
    # The mentions are quoted from the French slides: the page sends its reader to the French table
    # rather than quote French text; the French page has the table.
    mentions = page.split('id="mentions"')[1].split('id="sources"')[0]
    assert "<table>" not in mentions and 'href="sources.html#mentions"' in mentions
    assert all(m.text not in mentions for m in result.mentions)
    french = sources.sources_page_html(result, "fr").split('id="mentions"')[1]
    assert "<table>" in french and f"({len(result.mentions)})" in french


@pytest.mark.parametrize("lang", messages.languages())
def test_each_language_links_a_source_to_its_page_in_that_language(result, lang):
    """The WTO publishes its texts in English, French and Spanish: a deck sends its reader to the
    page in the deck's language (`url_by_lang`), and to `url` only where there is none (the title
    then says « (OMC, en inglés) »)."""
    page = sources.sources_page_html(result, lang)
    cited = [result.sources[k] for k in result.source_keys()]
    assert any(dict(s.urls).get(lang) for s in cited)
    for s in cited:
        if not s.url:
            continue
        assert f'href="{escape(s.url_for(lang))}"' in page, (lang, s.key)
        for url in s.all_urls():
            if url != s.url_for(lang):
                assert f'href="{escape(url)}"' not in page, (lang, s.key, url)
    own = {"fr": "/french/tratop_f/ecom_f/mindec1_f.htm", "en": "/english/tratop_e/ecom_e/mindec1_e.htm", "es": "/spanish/tratop_s/ecom_s/mindec1_s.htm"}
    assert f'href="https://www.wto.org{own[lang]}"' in page  # the 1998 Declaration, as the WTO publishes it


def test_index_link_snippet():
    assert parsed(sources.index_link_html()).hrefs == [layout.SOURCES_PAGE]


def test_with_sources_slide_copies_the_deck(result):
    nb = nbformat.read(str(ROOT / "notebooks" / "03_structure_omc.ipynb"), as_version=4)
    before = len(nb.cells)
    deck = sources.with_sources_slide(nb, "03_structure_omc", result)
    assert len(nb.cells) == before  # the given notebook is not changed
    assert [c.id for c in deck.cells[before:]] == ["sources-slide", "sources-notes"]
    assert len(sources.with_sources_slide(deck, "03_structure_omc", result).cells) == before + 2
    nbformat.validate(deck)
