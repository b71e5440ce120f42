"""The data files load, and every kind of bad input gives one exact, actionable error line."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wto_ecommerce_deck import cli, messages, paths
from wto_ecommerce_deck.data import FILES, SYMBOL_RE, DataError, load_facts, safe_href
from wto_ecommerce_deck.data.links import short_title

DATA = paths.data_dir()


# --- helpers ----------------------------------------------------------------------------------


def copy_data(root: Path) -> Path:
    """A copy of assets/data under root/assets/data, so errors name `assets/data/<file>`."""
    target = root / "assets" / "data"
    shutil.copytree(DATA, target)
    return target


def edit(data: Path, name: str, old: str, new: str, entry: str | None = None) -> None:
    """Replace the one occurrence of `old` in a data file, or in the block of one entry.

    Fails loudly when `old` is not found exactly once, so that a test never passes on data that moved.
    """
    path = data / name
    text = path.read_text(encoding="utf-8")
    start, end = 0, len(text)
    if entry is not None:
        head = next(f"  - {field}: {entry}\n" for field in ("id", "key") if f"  - {field}: {entry}\n" in text)
        start = text.index(head)
        following = text.find("\n  - ", start + len(head))
        end = len(text) if following == -1 else following + 1
    block = text[start:end]
    assert block.count(old) == 1, f"{old!r} occurs {block.count(old)} times in {name} {entry or ''}"
    path.write_text(text[:start] + block.replace(old, new) + text[end:], encoding="utf-8")


def line_of(data: Path, name: str, needle: str) -> int:
    """1-based line of the first line of a file containing `needle`."""
    for number, line in enumerate((data / name).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {name}")


def errors_of(data: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_facts(data)
    assert str(info.value) == "\n".join(info.value.errors)
    return info.value.errors


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


# --- the real files ---------------------------------------------------------------------------


def test_real_files_load():
    facts = load_facts()
    entries = [s for s in facts.signatories if not s.eu_member]
    eu_states = [s for s in facts.signatories if s.eu_member]
    assert len(entries) == 44
    assert len(eu_states) == 28
    assert [s.order for s in entries] == list(range(1, 45))
    eu = next(s for s in entries if s.id == "EU")
    assert eu.iso3 is None and all(s.order == eu.order for s in eu_states)
    # The 71 of the WTO news: the 43 members plus the EU's then 28 member states.
    assert len([s for s in entries if s.iso3]) + len(eu_states) == 71
    assert [s.status for s in entries[:35]] == ["verified"] * 35
    # The last 9 entries (Russian Federation … Uruguay) were not seen in a copy of the document: five
    # are known to have joined from secondary sources, four are still to be confirmed.
    assert [s.id for s in entries[35:]] == ["RUS", "SGP", "CHE", "TWN", "TUR", "UKR", "ARE", "USA", "URY"]
    assert {s.id: s.status for s in entries[35:]} == {
        "RUS": "secondary", "SGP": "secondary", "CHE": "secondary", "TWN": "secondary", "USA": "secondary",
        "TUR": "unverified", "UKR": "unverified", "ARE": "unverified", "URY": "unverified",
    }
    # Each signatory cites the document that lists the signatories, or says it was not seen there.
    listing = facts.sources["wt-min17-60"]
    assert listing.url.startswith("https://docs.wto.org/") and "WT%2FMIN%2817%29%2F60" in listing.url
    for s in (*entries[:35], *eu_states):
        assert "wt-min17-60" in s.sources, s.id
    assert facts.sources["min17-60-unseen"].url is None
    for s in entries[35:]:
        assert "min17-60-unseen" in s.sources, s.id  # their order in the document stays unconfirmed
        if s.status == "unverified":
            assert s.sources == ("min17-60-unseen",), s.id
        else:  # a secondary entry names first the page that says it joined, not a page without a link
            assert facts.sources[s.sources[0]].url and "wto.org" not in facts.sources[s.sources[0]].url, s.id


def test_programme_track_starts_with_declaration_then_work_programme():
    programme = load_facts().track("programme")
    ids = [e.id for e in programme]
    decl, wp = programme[ids.index("decl-1998")], programme[ids.index("work-programme-1998")]
    assert decl.symbol == "WT/MIN(98)/DEC/2" and decl.start.iso() == "1998-05-20"
    assert wp.symbol == "WT/L/274" and wp.start.iso() == "1998-09-25"
    assert ids.index("decl-1998") < ids.index("work-programme-1998")
    starts = [e.start.midpoint() for e in programme]
    assert starts == sorted(starts)
    conferences = [e.id for e in programme if e.kind == "conference"]
    assert conferences == [f"mc{n}" for n in range(2, 15)]


def test_secondary_facts_name_the_page_they_come_from():
    """No catch-all « non-WTO reports » source: a secondary fact cites the page it was read in (a
    non-WTO https page: agency, NGO, think tank, government), or says that no page was seen."""
    facts = load_facts()
    assert "secondary-reports" not in facts.sources
    no_link = {k for k, s in facts.sources.items() if s.url is None}
    assert no_link == {"seed", "min17-60-unseen", "not-seen"}
    for key in no_link:  # a source without a link says why
        assert any(w in facts.sources[key].title["fr"] for w in ("pas de copie", "non vues", "non retrouvée")), key
    for event in facts.events:
        if event.status != "secondary":
            continue
        pages = [facts.sources[k].url for k in event.sources]
        named = [u for u in pages if u and "wto.org" not in u]
        assert named or "not-seen" in event.sources, event.id
    # The seed is the 2018 training deck itself, not a WTO page.
    seed = facts.sources["seed"]
    assert seed.url is None and "2018" in seed.title["fr"] and "Secrétariat de l'OMC" in seed.title["fr"]
    assert "Division du Conseil et du CNC" in seed.title["fr"]


def test_a_source_title_says_when_its_page_is_in_another_language():
    """A deck links each source to its page in the deck's language when the WTO publishes one
    (`url_by_lang`): its title then names no other language; a WTO page in English only says so in
    the French and Spanish titles (« (OMC, en anglais) », « (OMC, en inglés) »)."""
    elsewhere = {"fr": ("en anglais", "en espagnol"), "en": ("in French", "in Spanish"), "es": ("en inglés", "en francés")}
    english = {"fr": "en anglais", "es": "en inglés"}
    localised = 0
    for key, s in load_facts().sources.items():
        for lang, url in s.urls:
            localised += 1
            assert not any(word in s.title[lang] for word in elsewhere[lang]), (key, lang, s.title[lang])
        path = urlsplit(s.url or "").path
        if "wto.org" in (s.url or "") and (path.startswith("/english/") or path.startswith("/en/")):
            for lang, word in english.items():
                if lang not in dict(s.urls):
                    assert word in s.title[lang], (key, lang, s.title[lang])
    assert localised >= 40  # the WTO pages and documents of the decks, in French and Spanish


def test_bodies_tree():
    bodies = {b.id: b for b in load_facts().bodies}
    assert [b.id for b in bodies.values() if b.parent is None] == ["mc"]
    # The DSB and the TPRB are the General Council in other capacities (WTO chart), not bodies under it.
    assert {b.id: b.capacity_of for b in bodies.values() if b.capacity_of} == {"dsb": "gc", "tprb": "gc"}
    assert bodies["dsb"].parent == bodies["tprb"].parent == bodies["gc"].parent == "mc"
    assert {b.id for b in bodies.values() if b.work_programme} == {"gc", "cts", "ctg", "trips", "ctd"}


@pytest.mark.parametrize(
    "symbol",
    ["WT/MIN(98)/DEC/2", "WT/L/274", "WT/MIN(17)/60", "JOB/GC/174", "INF/ECOM/87", "S/C/54",
     "G/C/60", "WT/GC/W/747", "WT/MIN(13)/32", "WT/L/1032", "WT/MIN(05)/DEC", "WT/L/274/Rev.1"],
)
def test_symbol_regex_accepts_real_symbols(symbol):
    assert SYMBOL_RE.fullmatch(symbol)


@pytest.mark.parametrize("symbol", ["wt/l/274", "WT/L 274", "<script>", "WT", "WT/L/", "WT//L", "JOB/GC/174–182"])
def test_symbol_regex_rejects_garbage(symbol):
    assert not SYMBOL_RE.fullmatch(symbol)


def test_unquoted_years_and_dates_are_normalised(data):
    edit(data, "events.yaml", 'date: "2016"', "date: 2016", entry="feds-2016")
    edit(data, "events.yaml", 'date: "2016-07-05"', "date: 2016-07-05", entry="mikta-workshop-2016")
    facts = load_facts(data)
    assert facts.event("feds-2016").start.iso() == "2016"
    assert facts.event("mikta-workshop-2016").start.iso() == "2016-07-05"


def test_cache_sees_edits(data):
    assert load_facts(data).event("mc4").label["fr"] == "CM4 Doha"
    edit(data, "events.yaml", 'fr: "CM4 Doha"', 'fr: "CM4 Doha (Qatar)"')
    assert load_facts(data).event("mc4").label["fr"] == "CM4 Doha (Qatar)"


# --- bad inputs: one exact line each ------------------------------------------------------------

EV = "assets/data/events.yaml"


def mc4(data: Path) -> str:
    return f"{EV}: entry 'mc4' (line {line_of(data, 'events.yaml', '- id: mc4')})"


def test_missing_field(data):
    edit(data, "events.yaml", '    label:\n      fr: "CM4 Doha"\n      en: "MC4 Doha"\n      es: "CM4 Doha"\n', "")
    assert errors_of(data) == [f"{mc4(data)}: field 'label': required field missing"]


def test_missing_id_names_entry_by_index(data):
    edit(data, "events.yaml", "  - id: mc2\n    track", "  - track")
    assert errors_of(data) == [f"{EV}: entry #1 (line {line_of(data, 'events.yaml', '- track')}): field 'id': required field missing"]


def test_bad_date(data):
    edit(data, "events.yaml", 'date: "2001-11-09"', 'date: "2001-13-09"')
    assert errors_of(data) == [
        f"{mc4(data)}: field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'"
    ]


def test_impossible_date(data):
    edit(data, "events.yaml", 'date: "2001-11-09"', 'date: "2017-02-30"')
    edit(data, "events.yaml", 'end: "2001-11-14"', 'end: "2017-03-01"')
    assert errors_of(data) == [f"{mc4(data)}: field 'date': impossible date: '2017-02-30' (no such day in that month)"]


def test_unknown_status(data):
    edit(data, "events.yaml", "status: verified", "status: checked", entry="mc4")
    assert errors_of(data) == [
        f"{mc4(data)}: field 'status': unknown status 'checked'; expected one of verified, secondary, seed, unverified"
    ]


def test_unknown_source_key(data):
    edit(data, "events.yaml", "sources: [wt-min01-dec1, briefnote, fr-wp]", "sources: [wt-min01-dec1, briefnote, wikipedia]", entry="mc4")
    assert errors_of(data) == [f"{mc4(data)}: field 'sources': unknown source key 'wikipedia' (not in sources.yaml)"]


def test_bad_symbol(data):
    edit(data, "events.yaml", 'symbol: "WT/MIN(01)/DEC/1"', 'symbol: "wt/min(01)/dec/1"')
    assert errors_of(data) == [f"{mc4(data)}: field 'symbol': not a WTO document symbol: 'wt/min(01)/dec/1'"]


def test_bad_iso_code(data):
    edit(data, "signatories.yaml", "iso3: KHM", "iso3: XKH")
    line = line_of(data, "signatories.yaml", "- id: KHM")
    assert errors_of(data) == [
        f"assets/data/signatories.yaml: entry 'KHM' (line {line}): field 'iso3': not an ISO 3166-1 alpha-3 code: 'XKH'"
    ]


def test_duplicate_id(data):
    edit(data, "events.yaml", "  - id: mc5\n", "  - id: mc4\n")
    lines = (data / "events.yaml").read_text(encoding="utf-8").splitlines()
    first, second = [n for n, line in enumerate(lines, start=1) if line == "  - id: mc4"]
    assert errors_of(data) == [f"{EV}: entry 'mc4' (line {second}): field 'id': duplicate id 'mc4' (first at line {first})"]


def test_unknown_field(data):
    edit(data, "events.yaml", "    status: verified\n", "    status: verified\n    colour: red\n", entry="mc4")
    assert errors_of(data) == [f"{mc4(data)}: field 'colour': unknown field"]


def test_malformed_yaml(data):
    edit(data, "events.yaml", '      fr: "CM4 Doha"\n', '      fr: "CM4 Doha" (Qatar)\n')
    line = line_of(data, "events.yaml", "(Qatar)")
    assert errors_of(data) == [
        f"{EV}: line {line}: malformed YAML: while parsing a block mapping: expected <block end>, but found '<scalar>'"
    ]


def test_duplicate_key_is_malformed(data):
    edit(data, "events.yaml", '      fr: "CM4 Doha"\n', '      fr: "CM4 Doha"\n      fr: "Doha"\n')
    line = line_of(data, "events.yaml", 'fr: "Doha"')
    assert errors_of(data) == [f"{EV}: line {line}: malformed YAML: duplicate key 'fr'"]


def test_top_level_key_missing(data):
    edit(data, "events.yaml", "\nevents:\n", "\nevenements:\n")
    assert errors_of(data) == [f"{EV}: top-level key 'events' missing"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("work_programme: true", "work_programme: yes", "field 'work_programme': expected true or false, got str: 'yes'"),
        ("parent: mc\n", "parent: 12\n", "field 'parent': expected a string, got int: 12"),
    ],
)
def test_wrong_type(data, old, new, message):
    edit(data, "bodies.yaml", old, new, entry="gc")
    line = line_of(data, "bodies.yaml", "- id: gc")
    assert errors_of(data) == [f"assets/data/bodies.yaml: entry 'gc' (line {line}): {message}"]


def test_wrong_type_order(data):
    edit(data, "signatories.yaml", "order: 1", 'order: "1"', entry="ALB")
    line = line_of(data, "signatories.yaml", "- id: ALB")
    assert errors_of(data) == [
        f"assets/data/signatories.yaml: entry 'ALB' (line {line}): field 'order': expected an integer, got str: '1'"
    ]


def test_end_before_start(data):
    edit(data, "events.yaml", 'end: "2001-11-14"', 'end: "2001-11-08"')
    assert errors_of(data) == [f"{mc4(data)}: field 'end': ends before it starts: '2001-11-08' < '2001-11-09'"]


def test_html_string(data):
    edit(data, "events.yaml", 'fr: "CM4 Doha"', 'fr: "<b>CM4</b> Doha"')
    assert errors_of(data) == [
        f"{mc4(data)}: field 'label.fr': HTML is not allowed (contains '<' or '>'): '<b>CM4</b> Doha'"
    ]


def test_non_https_source_url(data):
    edit(data, "sources.yaml", "https://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm",
         "http://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm")
    line = line_of(data, "sources.yaml", "- key: mindec1")
    assert errors_of(data) == [
        f"assets/data/sources.yaml: entry 'mindec1' (line {line}): field 'url': "
        "not an https:// URL: 'http://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm'"
    ]


def test_bodies_need_known_parents_and_one_root(data):
    edit(data, "bodies.yaml", "parent: gc", "parent: null", entry="tnc")
    edit(data, "bodies.yaml", "parent: gc", "parent: dispute", entry="cte")
    line = line_of(data, "bodies.yaml", "- id: cte")
    assert errors_of(data) == [
        f"assets/data/bodies.yaml: entry 'cte' (line {line}): field 'parent': unknown body 'dispute'",
        "assets/data/bodies.yaml: expected exactly one root body (parent: null), found 'mc', 'tnc'",
    ]


def test_a_body_in_another_capacity_names_a_known_body_with_the_same_parent(data):
    edit(data, "bodies.yaml", "capacity_of: gc", "capacity_of: council", entry="dsb")
    edit(data, "bodies.yaml", "parent: mc", "parent: gc", entry="tprb")
    dsb, tprb = line_of(data, "bodies.yaml", "- id: dsb"), line_of(data, "bodies.yaml", "- id: tprb")
    assert errors_of(data) == [
        f"assets/data/bodies.yaml: entry 'dsb' (line {dsb}): field 'capacity_of': unknown body 'council'",
        f"assets/data/bodies.yaml: entry 'tprb' (line {tprb}): field 'capacity_of': 'gc' has parent 'mc': "
        "the same body in another capacity has the same parent",
    ]


def test_several_errors_reported_together(data):
    edit(data, "events.yaml", 'date: "2001-11-09"', 'date: "2001-13-09"')
    edit(data, "events.yaml", 'fr: "CM4 Doha"', 'fr: ""')
    edit(data, "events.yaml", "kind: conference", "kind: summit", entry="mc5")
    mc5 = f"{EV}: entry 'mc5' (line {line_of(data, 'events.yaml', '- id: mc5')})"
    assert errors_of(data) == [
        f"{mc4(data)}: field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'",
        f"{mc4(data)}: field 'label.fr': must not be empty",
        f"{mc5}: field 'kind': unknown kind 'summit'; expected one of "
        "conference, declaration, decision, workshop, group, communication, meeting, review",
    ]


def test_missing_file(data):
    (data / "bodies.yaml").unlink()
    assert errors_of(data) == ["assets/data/bodies.yaml: file missing"]


# --- the table of bad inputs: each one edit, each the exact error lines ---------------------------
#
# One row per kind of mistake a maintainer can make in assets/data/ (or an attacker can try). A row
# names the file, the entry it edits (or None), the edits (old → new, within the entry's block; or
# (file, entry, old, new) for another file), and the exact error lines, where `{entry}` is
# "assets/data/FILE: entry 'ID' (line N)" for the row's entry, `{line}` (`{line2}`…) the line where
# the row's `at` text (texts) starts once edited, `{index}` and `{entry_line}` the number and first
# line of the entry that holds it.


@dataclass(frozen=True)
class Bad:
    id: str
    category: str
    file: str
    entry: str | None
    edits: tuple[tuple[str, str], ...]
    expected: tuple[str, ...]
    at: str | tuple[str, ...] | None = None


def bad(id, category, file, entry, edits, *expected, at=None) -> Bad:
    if isinstance(edits[0], str):  # one (old, new) pair
        edits = (edits,)
    return Bad(id, category, file, entry, tuple(edits), tuple(expected), at)


MC4 = ("events.yaml", "mc4")
NBSP = "\u00a0"

BAD_INPUTS = [
    # malformed YAML
    bad("yaml-unclosed-flow", "malformed YAML", *MC4, ("sources: [wt-min01-dec1, briefnote, fr-wp]", "sources: [wt-min01-dec1, briefnote, fr-wp"),
        "assets/data/events.yaml: line {line}: malformed YAML: while parsing a flow sequence: expected ',' or ']', but got ':'",
        at="- id: mc5"),
    bad("yaml-tab-indent", "malformed YAML", *MC4, ('      fr: "CM4 Doha"', '\tfr: "CM4 Doha"'),
        "assets/data/events.yaml: line {line}: malformed YAML: while scanning for the next token: found character '\\t' that cannot start any token",
        at='\tfr'),
    bad("yaml-undefined-alias", "malformed YAML", *MC4, ("sources: [wt-min01-dec1, briefnote, fr-wp]", "sources: *refs"),
        "assets/data/events.yaml: line {line}: malformed YAML: aliases (*name) are not allowed in the data files: write the value out",
        at="*refs"),
    bad("yaml-anchor-and-alias", "malformed YAML", "events.yaml", None,
        (("    sources: [wt-min01-dec1, briefnote, fr-wp]\n  - id: mc5", "    sources: &refs [wt-min01-dec1, briefnote, fr-wp]\n  - id: mc5"),
         ("    sources: [wto-cancun-2003, ictsd-cancun-2003, briefnote]\n  - id: mc6", "    sources: *refs\n  - id: mc6")),
        "assets/data/events.yaml: line {line}: malformed YAML: aliases (*name) are not allowed in the data files: write the value out",
        at="*refs"),
    bad("yaml-merge-key", "malformed YAML", "events.yaml", None,
        (("    sources: [wt-min01-dec1, briefnote, fr-wp]\n  - id: mc5", "    sources: [wt-min01-dec1, briefnote, fr-wp]\n    extra: &base {status: verified}\n  - id: mc5"),
         ("    sources: [wto-cancun-2003, ictsd-cancun-2003, briefnote]\n  - id: mc6", "    sources: [wto-cancun-2003, ictsd-cancun-2003, briefnote]\n    <<: *base\n  - id: mc6")),
        "assets/data/events.yaml: line {line}: malformed YAML: merge keys (<<) are not allowed in the data files: write the fields out",
        at="<<: *base"),
    bad("yaml-inline-merge-key", "malformed YAML", *MC4, ('      fr: "CM4 Doha"\n', '      fr: "CM4 Doha"\n    <<: {colour: red}\n'),
        "assets/data/events.yaml: line {line}: malformed YAML: merge keys (<<) are not allowed in the data files: write the fields out",
        at="<<: {colour"),
    bad("yaml-explicit-tag-binary", "malformed YAML", *MC4, ('fr: "CM4 Doha"', 'fr: !!binary "aGk="'),
        "assets/data/events.yaml: line {line}: malformed YAML: explicit tag !!binary is not allowed in the data files", at="!!binary"),
    bad("yaml-explicit-tag-python", "malformed YAML", *MC4, ('fr: "CM4 Doha"', 'fr: !!python/object/apply:os.system ["id"]'),
        "assets/data/events.yaml: line {line}: malformed YAML: explicit tag !!python/object/apply:os.system is not allowed in the data files",
        at="!!python"),
    bad("yaml-bad-int-tag", "malformed YAML", *MC4, ('fr: "CM4 Doha"', 'fr: !!int "Doha"'),
        "assets/data/events.yaml: line {line}: malformed YAML: explicit tag !!int is not allowed in the data files", at="!!int"),
    bad("yaml-duplicate-key", "malformed YAML", *MC4, ('      fr: "CM4 Doha"\n', '      fr: "CM4 Doha"\n      fr: "Doha"\n'),
        "assets/data/events.yaml: line {line}: malformed YAML: duplicate key 'fr'", at='fr: "Doha"'),
    bad("yaml-entry-not-a-mapping", "malformed YAML", *MC4, ("  - id: mc4\n", "  - CM4 Doha\n  - id: mc4\n"),
        "assets/data/events.yaml: entry #9 (line {line}): expected a mapping of fields, got str: 'CM4 Doha'", at="- CM4 Doha"),
    bad("yaml-top-level-not-a-list", "wrong type", "bodies.yaml", None, ("bodies:\n", "bodies: {}\nold_bodies:\n"),
        "assets/data/bodies.yaml: unknown top-level key 'old_bodies'",
        "assets/data/bodies.yaml: top-level key 'bodies' must hold a list of entries, got dict: {{}}"),
    # wrong types
    bad("type-label-int", "wrong type", *MC4, ('fr: "CM4 Doha"', "fr: 4"),
        "{entry}: field 'label.fr': expected a string, got int: 4"),
    bad("type-date-float", "wrong type", *MC4, ('date: "2001-11-09"', "date: 2001.11"),
        "{entry}: field 'date': expected a string, got float: 2001.11"),
    bad("type-sources-string", "wrong type", *MC4, ("sources: [wt-min01-dec1, briefnote, fr-wp]", "sources: briefnote"),
        "{entry}: field 'sources': expected a non-empty list of source keys, got str: 'briefnote'"),
    bad("type-sources-empty", "wrong type", *MC4, ("sources: [wt-min01-dec1, briefnote, fr-wp]", "sources: []"),
        "{entry}: field 'sources': expected a non-empty list of source keys, got list: []"),
    bad("type-bool-as-int", "wrong type", "signatories.yaml", "ALB", ("eu_member: false", "eu_member: 0"),
        "{entry}: field 'eu_member': expected true or false, got int: 0"),
    bad("type-bool-as-no", "wrong type", "bodies.yaml", "gc", ("work_programme: true", "work_programme: no"),
        "{entry}: field 'work_programme': expected true or false, got str: 'no'"),
    bad("type-order-negative", "wrong type", "signatories.yaml", "ALB", ("order: 1", "order: 0"),
        "{entry}: field 'order': must be 1 or more: 0"),
    bad("type-null-required", "wrong type", *MC4, ('    label:\n      fr: "CM4 Doha"\n      en: "MC4 Doha"\n      es: "CM4 Doha"\n', "    label:\n"),
        "{entry}: field 'label': expected a mapping of languages to texts ({{fr: …, en: …, es: …}}), got null"),
    bad("type-null-text", "wrong type", *MC4, ('fr: "CM4 Doha"', "fr:"),
        "{entry}: field 'label.fr': expected a string, got null"),
    # dates
    bad("date-month-13", "impossible date", *MC4, ('date: "2001-11-09"', 'date: "2001-13-09"'),
        "{entry}: field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'"),
    bad("date-29-february", "impossible date", *MC4, (('date: "2001-11-09"', 'date: "2001-02-29"'), ('end: "2001-11-14"', 'end: "2001-03-02"')),
        "{entry}: field 'date': impossible date: '2001-02-29' (no such day in that month)"),
    bad("date-31-november", "impossible date", *MC4, ('end: "2001-11-14"', 'end: "2001-11-31"'),
        "{entry}: field 'end': impossible date: '2001-11-31' (no such day in that month)"),
    bad("date-before-wto", "impossible date", "events.yaml", "decl-1998", ('date: "1998-05-20"', 'date: "1898-05-20"'),
        "{entry}: field 'date': impossible date: '1898-05-20' (before 1995, when the WTO was established)"),
    bad("date-french-order", "impossible date", *MC4, ('date: "2001-11-09"', 'date: "09/11/2001"'),
        "{entry}: field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '09/11/2001'"),
    bad("date-two-digit-year", "impossible date", *MC4, ('date: "2001-11-09"', 'date: "01-11-09"'),
        "{entry}: field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '01-11-09'"),
    bad("date-arabic-digits", "impossible date", "events.yaml", "feds-2016", ('date: "2016"', 'date: "٢٠١٦"'),
        "{entry}: field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '٢٠١٦'"),
    bad("date-ends-before-start", "impossible date", *MC4, ('end: "2001-11-14"', 'end: "2001-11-08"'),
        "{entry}: field 'end': ends before it starts: '2001-11-08' < '2001-11-09'"),
    bad("date-conference-without-end", "impossible date", *MC4, ('    end: "2001-11-14"\n', ""),
        "{entry}: field 'end': required for a conference (its last day: a date range)"),
    bad("date-conference-by-month", "impossible date", *MC4, (('date: "2001-11-09"', 'date: "2001-11"'), ('end: "2001-11-14"', 'end: "2001-11"')),
        "{entry}: field 'end': a conference runs from day to day (YYYY-MM-DD): '2001-11' → '2001-11'"),
    bad("date-conference-years-long", "impossible date", *MC4, ('end: "2001-11-14"', 'end: "2011-11-14"'),
        "{entry}: field 'end': a conference of 3658 days ('2001-11-09' → '2011-11-14'): a typo in the year or month?"),
    # the track of the talks (the timelines draw the two apart)
    bad("process-unknown", "unknown process", *MC4, ("process: multilateral", "process: bilateral"),
        "{entry}: field 'process': unknown process 'bilateral'; expected one of multilateral, plurilateral"),
    bad("process-missing", "unknown process", *MC4, ("    process: multilateral\n", ""),
        "{entry}: field 'process': required field missing"),
    # statuses
    bad("status-unknown", "unknown status", *MC4, ("status: verified", "status: checked"),
        "{entry}: field 'status': unknown status 'checked'; expected one of verified, secondary, seed, unverified"),
    bad("status-capitalised", "unknown status", "bodies.yaml", "gc", ("status: verified", "status: Verified"),
        "{entry}: field 'status': unknown status 'Verified'; expected one of verified, secondary, seed, unverified"),
    bad("symbol-status-unknown", "unknown status", "events.yaml", "mc7", ("symbol_status: secondary", "symbol_status: maybe"),
        "{entry}: field 'symbol_status': unknown status 'maybe'; expected one of verified, secondary, seed, unverified"),
    bad("symbol-status-without-symbol", "unknown status", "events.yaml", "mc7", ('    symbol: "WT/L/782"\n', ""),
        "{entry}: field 'symbol_status': given without a symbol"),
    bad("status-seed-without-seed-source", "unknown status", "events.yaml", "momentum-themes", ("sources: [seed]", "sources: [briefnote]"),
        "{entry}: field 'sources': status 'seed' needs the source key 'seed' (the 2018 presentation)"),
    # sources
    bad("source-key-unknown", "unknown source key", *MC4, ("sources: [wt-min01-dec1, briefnote, fr-wp]", "sources: [wt-min01-dec1, briefnote, wikipedia]"),
        "{entry}: field 'sources': unknown source key 'wikipedia' (not in sources.yaml)"),
    bad("source-key-twice", "unknown source key", *MC4, ("sources: [wt-min01-dec1, briefnote, fr-wp]", "sources: [wt-min01-dec1, briefnote, briefnote]"),
        "{entry}: field 'sources': source key 'briefnote' given twice"),
    bad("source-key-duplicate-entry", "duplicate id", "sources.yaml", "jsi", ("  - key: jsi\n", "  - key: wkprog\n"),
        "assets/data/sources.yaml: entry 'wkprog' (line {line}): field 'key': duplicate id 'wkprog' (first at line {line2})",
        at=('- key: wkprog\n    url: "https://www.wto.org/english/tratop_e/ecom_e/joint', "- key: wkprog")),
    bad("source-url-http", "bad link", "sources.yaml", "mindec1", ('url: "https://', 'url: "http://'),
        "{entry}: field 'url': not an https:// URL: 'http://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm'"),
    bad("source-url-javascript", "bad link", "sources.yaml", "mindec1",
        ('url: "https://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm"', 'url: "javascript:alert(document.domain)"'),
        "{entry}: field 'url': javascript: URLs are not allowed (a source is an https:// page): 'javascript:alert(document.domain)'"),
    bad("source-url-javascript-mixed-case", "bad link", "sources.yaml", "mindec1",
        ('url: "https://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm"', 'url: " JaVaScRiPt:alert(1)"'),
        "{entry}: field 'url': leading or trailing space: ' JaVaScRiPt:alert(1)'"),
    bad("source-url-data", "bad link", "sources.yaml", "mindec1",
        ('url: "https://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm"', 'url: "data:text/html;base64,PHNjcmlwdD4="'),
        "{entry}: field 'url': data: URLs are not allowed (a source is an https:// page): 'data:text/html;base64,PHNjcmlwdD4='"),
    bad("source-url-credentials", "bad link", "sources.yaml", "mindec1",
        ('url: "https://www.wto.org/', 'url: "https://admin:secret@www.wto.org/'),
        "{entry}: field 'url': the host must be a plain lower-case name, without user, password or port: "
        "'https://admin:secret@www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm'"),
    bad("source-url-quote", "bad link", "sources.yaml", "mindec1",
        ('mindec1_e.htm"', "mindec1_e.htm' onmouseover='alert(1)\""),
        "{entry}: field 'url': not an https:// URL: \"https://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm' onmouseover='alert(1)\""),
    # a source's page in another language (url_by_lang)
    bad("source-url-by-lang-http", "bad link", "sources.yaml", "mindec1", ('es: "https://www.wto.org/spanish', 'es: "http://www.wto.org/spanish'),
        "{entry}: field 'url_by_lang.es': not an https:// URL: 'http://www.wto.org/spanish/tratop_s/ecom_s/mindec1_s.htm'"),
    bad("source-url-by-lang-unknown-language", "bad link", "sources.yaml", "mindec1",
        ('      es: "https://www.wto.org/spanish', '      de: "https://www.wto.org/spanish'),
        "{entry}: field 'url_by_lang.de': 'de' is not a language of the decks (fr, en, es)"),
    bad("source-url-by-lang-same-as-url", "bad link", "sources.yaml", "mindec1",
        ('es: "https://www.wto.org/spanish/tratop_s/ecom_s/mindec1_s.htm"', 'es: "https://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm"'),
        "{entry}: field 'url_by_lang.es': the same page as url: 'https://www.wto.org/english/tratop_e/ecom_e/mindec1_e.htm' (give a page once, as url)"),
    bad("source-url-by-lang-without-url", "bad link", "sources.yaml", "seed",
        ("    url: null\n", '    url: null\n    url_by_lang:\n      en: "https://www.wto.org/"\n'),
        "{entry}: field 'url_by_lang': given without a url (a source with no public copy has no page in another language)"),
    bad("source-url-by-lang-not-a-mapping", "wrong type", "sources.yaml", "mindec1",
        ('    url_by_lang:\n      fr: "https://www.wto.org/french/tratop_f/ecom_f/mindec1_f.htm"\n      es: "https://www.wto.org/spanish/tratop_s/ecom_s/mindec1_s.htm"\n',
         '    url_by_lang: "https://www.wto.org/french/tratop_f/ecom_f/mindec1_f.htm"\n'),
        "{entry}: field 'url_by_lang': expected a mapping of languages to https:// URLs ({{fr: …, es: …}}), got str: 'https://www.wto.org/french/tratop_f/ecom_f/mindec1_f.htm'"),
    bad("status-verified-without-wto-page", "bad link", "bodies.yaml", "mc",
        ("sources: [org2]", "sources: [ictsd-mikta-2016]"),
        "{entry}: field 'sources': status 'verified' needs a WTO page (wto.org) among its sources"),
    # document symbols
    bad("symbol-lower-case", "bad symbol", *MC4, ('symbol: "WT/MIN(01)/DEC/1"', 'symbol: "wt/min(01)/dec/1"'),
        "{entry}: field 'symbol': not a WTO document symbol: 'wt/min(01)/dec/1'"),
    bad("symbol-leading-zero", "bad symbol", "events.yaml", "work-programme-1998", ('symbol: "WT/L/274"', 'symbol: "WT/L/0274"'),
        "{entry}: field 'symbol': not a WTO document symbol: 'WT/L/0274'"),
    bad("symbol-four-digit-year", "bad symbol", "events.yaml", "decl-1998", ('symbol: "WT/MIN(98)/DEC/2"', 'symbol: "WT/MIN(1998)/DEC/2"'),
        "{entry}: field 'symbol': not a WTO document symbol: 'WT/MIN(1998)/DEC/2'"),
    bad("symbol-unknown-series", "bad symbol", "events.yaml", "work-programme-1998", ('symbol: "WT/L/274"', 'symbol: "OMC/L/274"'),
        "{entry}: field 'symbol': not a WTO document symbol: 'OMC/L/274'"),
    bad("symbol-too-short", "bad symbol", "events.yaml", "work-programme-1998", ('symbol: "WT/L/274"', 'symbol: "WT/274"'),
        "{entry}: field 'symbol': not a WTO document symbol: 'WT/274'"),
    bad("symbol-range", "bad symbol", "events.yaml", "jsi-2018-non-papers", ('symbol: "JOB/GC/174"', 'symbol: "JOB/GC/174–182"'),
        "{entry}: field 'symbol': not a WTO document symbol: 'JOB/GC/174–182'"),
    # ISO codes and signatories
    bad("iso-unknown-code", "bad ISO code", "signatories.yaml", "KHM", ("iso3: KHM", "iso3: XKH"),
        "{entry}: field 'iso3': not an ISO 3166-1 alpha-3 code: 'XKH'"),
    bad("iso-lower-case", "bad ISO code", "signatories.yaml", "KHM", ("iso3: KHM", "iso3: khm"),
        "{entry}: field 'iso3': not an ISO 3166-1 alpha-3 code: 'khm'"),
    bad("iso-alpha-2", "bad ISO code", "signatories.yaml", "FRA", ("iso3: FRA", "iso3: FR"),
        "{entry}: field 'iso3': not an ISO 3166-1 alpha-3 code: 'FR'"),
    bad("iso-numeric", "bad ISO code", "signatories.yaml", "FRA", ("iso3: FRA", "iso3: 250"),
        "{entry}: field 'iso3': expected a string, got int: 250"),
    bad("iso-id-mismatch", "bad ISO code", "signatories.yaml", "KHM", ("iso3: KHM", "iso3: THA"),
        "{entry}: field 'id': must equal iso3 'THA', got 'KHM'"),
    bad("iso-eu-member-without-code", "bad ISO code", "signatories.yaml", "FRA", ("iso3: FRA", "iso3: null"),
        "{entry}: field 'iso3': an EU member state needs its ISO 3166-1 alpha-3 code"),
    bad("iso-second-entry-without-code", "bad ISO code", "signatories.yaml", "QAT", ("iso3: QAT", "iso3: null"),
        "{entry}: field 'iso3': only the European Union's entry has no code (entry 'EU' (line {line}) has none already)",
        at="- id: EU"),
    bad("order-taken-twice", "duplicate id", "signatories.yaml", "ARG", ("order: 2", "order: 1"),
        "{entry}: field 'order': order 1 already taken by entry 'ALB' (line {line})", at="- id: ALB"),
    bad("order-eu-member-apart", "wrong type", "signatories.yaml", "FRA", ("order: 12", "order: 13"),
        "{entry}: field 'order': an EU member state takes the order of the EU's entry (12), got 13"),
    # ids and keys
    bad("id-duplicate", "duplicate id", "events.yaml", "mc5", ("  - id: mc5\n", "  - id: mc4\n"),
        "assets/data/events.yaml: entry 'mc4' (line {line}): field 'id': duplicate id 'mc4' (first at line {line2})",
        at=("- id: mc4\n    track: programme\n    process: multilateral\n    kind: conference\n    date: \"2003", "- id: mc4")),
    bad("id-with-space", "duplicate id", *MC4, ("  - id: mc4\n", "  - id: mc 4\n"),
        "assets/data/events.yaml: entry #9 (line {line}): field 'id': not an id (letters, digits and single hyphens): 'mc 4'",
        at="- id: mc 4"),
    bad("name-duplicate", "duplicate id", "bodies.yaml", "ctd", ('fr: "Comité du commerce et du développement"', 'fr: "Conseil des ADPIC"'),
        "{entry}: field 'name.fr': same name as entry 'trips' (line {line}): 'Conseil des ADPIC'", at="- id: trips"),
    bad("field-unknown", "unknown key", *MC4, ("    status: verified\n", "    status: verified\n    colour: red\n"),
        "{entry}: field 'colour': unknown field"),
    bad("field-misspelt", "unknown key", *MC4, ("    status: verified\n", "    statut: verified\n"),
        "{entry}: field 'status': required field missing", "{entry}: field 'statut': unknown field"),
    bad("body-cycle", "wrong type", "bodies.yaml", "gc", ("parent: mc", "parent: ctg"),
        "{entry}: field 'parent': cycle: gc → ctg → gc",
        "assets/data/bodies.yaml: entry 'ctg' (line {line}): field 'parent': cycle: ctg → gc → ctg",
        at="- id: ctg"),
    # hostile strings (refused at the door; tests/test_hostile.py shows the deck would show them as text anyway)
    bad("hostile-script", "hostile string", *MC4, ('fr: "CM4 Doha"', 'fr: "<script>window.__pwned=1</script>"'),
        "{entry}: field 'label.fr': HTML is not allowed (contains '<' or '>'): '<script>window.__pwned=1</script>'"),
    bad("hostile-img-onerror", "hostile string", "bodies.yaml", "gc", ('fr: "Conseil général"', "fr: '<img src=x onerror=\"window.__pwned=1\">'"),
        "{entry}: field 'name.fr': HTML is not allowed (contains '<' or '>'): '<img src=x onerror=\"window.__pwned=1\">'"),
    bad("hostile-attribute-breakout", "hostile string", "signatories.yaml", "ALB", ('fr: "Albanie"', "fr: '\"><svg onload=alert(1)>'"),
        "{entry}: field 'name.fr': HTML is not allowed (contains '<' or '>'): '\"><svg onload=alert(1)>'"),
    bad("hostile-title", "hostile string", "sources.yaml", "jsi",
        ('fr: "Initiative liée', 'fr: "</title><script>alert(1)</script>Initiative liée'),
        "{entry}: field 'title.fr': HTML is not allowed (contains '<' or '>'): "
        "'</title><script>alert(1)</script>Initiative liée à la Déclaration conjointe sur le commerce électro…'"),
    bad("hostile-bidi-override", "hostile string", *MC4, ('fr: "CM4 Doha"', 'fr: "CM4 \\u202eahoD"'),
        "{entry}: field 'label.fr': invisible formatting character U+202E is not allowed"),
    bad("hostile-zero-width", "hostile string", *MC4, ('fr: "CM4 Doha"', 'fr: "CM4 Do\\u200bha"'),
        "{entry}: field 'label.fr': invisible formatting character U+200B is not allowed"),
    bad("hostile-nul", "hostile string", *MC4, ('fr: "CM4 Doha"', 'fr: "CM4\\0Doha"'),
        "{entry}: field 'label.fr': a control character (U+0000) is not allowed: write the text on one line"),
    bad("hostile-lone-surrogate", "hostile string", *MC4, ('fr: "CM4 Doha"', 'fr: "CM4 \\ud800"'),
        "{entry}: field 'label.fr': invalid character U+D800 (a lone surrogate, not UTF-8 text)"),
    # text: UTF-8 and French typography
    bad("text-line-break", "French text", *MC4, ('fr: "CM4 Doha"', 'fr: "CM4\\nDoha"'),
        "{entry}: field 'label.fr': a line break or tab (U+000A) is not allowed: write the text on one line"),
    bad("text-empty", "French text", *MC4, ('fr: "CM4 Doha"', 'fr: "  "'),
        "{entry}: field 'label.fr': must not be empty"),
    bad("text-trailing-space", "French text", *MC4, ('fr: "CM4 Doha"', 'fr: "CM4 Doha "'),
        "{entry}: field 'label.fr': leading or trailing space: 'CM4 Doha '"),
    bad("text-mojibake", "French text", "events.yaml", "mc2", ('fr: "CM2 Genève"', 'fr: "CM2 GenÃ¨ve"'),
        "{entry}: field 'label.fr': looks like UTF-8 read with the wrong encoding ('Ã¨'): 'CM2 GenÃ¨ve'"),
    bad("text-decomposed-accent", "French text", "events.yaml", "mc2", ('fr: "CM2 Genève"', 'fr: "CM2 Gene\\u0300ve"'),
        "{entry}: field 'label.fr': not in composed Unicode form (NFC; an accent typed apart from its letter?): 'CM2 Gene\u0300ve'"),
    bad("text-replacement-char", "French text", "events.yaml", "mc2", ('fr: "CM2 Genève"', 'fr: "CM2 Gen\\ufffdve"'),
        "{entry}: field 'label.fr': replacement character U+FFFD: the text was damaged by a wrong encoding"),
    bad("typo-straight-quotes", "French text", *MC4, ('fr: "CM4 Doha"', "fr: 'CM4 \"Doha\"'"),
        "{entry}: field 'label.fr': French typography: straight double quote (use « » or “ ”): 'CM4 \"Doha\"'"),
    bad("typo-plain-space-before-colon", "French text", "events.yaml", "co-convenors-2019",
        (f'fr: "Coorganisateurs{NBSP}: Australie', 'fr: "Coorganisateurs : Australie'),
        "{entry}: field 'label.fr': French typography: plain space before : ; ! ? % (use a non-breaking space, U+00A0): "
        "'Coorganisateurs : Australie, Japon, S'"),
    bad("typo-no-space-before-semicolon", "French text", "events.yaml", "jsi-2018-themes",
        (f"numérique{NBSP}; ouverture", "numérique; ouverture"),
        "{entry}: field 'detail.fr': French typography: no space before : ; ! ? (add a non-breaking space, U+00A0): "
        "'le commerce numérique; ouverture des march'"),
    bad("typo-guillemets-plain-space", "French text", "events.yaml", "substantial-conclusion-2023",
        (f'fr: "«{NBSP}Conclusion substantielle{NBSP}»"', 'fr: "« Conclusion substantielle »"'),
        "{entry}: field 'label.fr': French typography: « not followed by a non-breaking space (U+00A0): '« Conclusion substant'"),
    bad("typo-three-dots", "French text", "events.yaml", "momentum-themes", ("électroniques… mais", "électroniques... mais"),
        "{entry}: field 'detail.fr': French typography: three dots (use …): 'ctions électroniques... mais des positions '"),
    bad("seed-statement-slide", "wrong type", "seed_statements.yaml", None, ("  - slide: 8\n    text: \"16 communications\"", "  - slide: 9\n    text: \"16 communications\""),
        "assets/data/seed_statements.yaml: entry #{index} (line {entry_line}): field 'slide': the 2018 presentation has 8 slides, got 9",
        at="- slide: 9"),
    bad("seed-statement-typography", "French text", "seed_statements.yaml", None,
        (f'text: "Promouvoir le commerce numérique{NBSP};"', 'text: "Promouvoir le commerce numérique;"'),
        "assets/data/seed_statements.yaml: entry #{index} (line {entry_line}): field 'text': French typography: "
        "no space before : ; ! ? (add a non-breaking space, U+00A0): 'le commerce numérique;'",
        at='text: "Promouvoir le commerce numérique;"'),
]


def _expected(data: Path, row: Bad) -> list[str]:
    values: dict[str, object] = {}
    if row.entry is not None and any("{entry}" in t for t in row.expected):
        field = "key" if row.file == "sources.yaml" else "id"
        values["entry"] = f"assets/data/{row.file}: entry '{row.entry}' (line {line_of(data, row.file, f'- {field}: {row.entry}')})"
    needles = (row.at,) if isinstance(row.at, str) else (row.at or ())
    text = (data / row.file).read_text(encoding="utf-8")
    for number, needle in enumerate(needles, start=1):
        position = text.index(needle)
        values["line" if number == 1 else f"line{number}"] = text[:position].count("\n") + 1
        if number == 1:
            # The entry that holds the needle: its number in the list and its first line.
            upto = text[: position + len(needle)]
            values["index"] = upto.count("\n  - ")
            values["entry_line"] = upto[: upto.rindex("\n  - ") + 1].count("\n") + 1
    return [template.format(**values) for template in row.expected]


@pytest.mark.parametrize("row", BAD_INPUTS, ids=[row.id for row in BAD_INPUTS])
def test_bad_input_gives_its_exact_error_lines(data, row):
    for change in row.edits:
        file, entry, old, new = change if len(change) == 4 else (row.file, row.entry, *change)
        edit(data, file, old, new, entry=entry)
    assert errors_of(data) == _expected(data, row)


def test_not_utf8_names_the_line(data):
    path = data / "events.yaml"
    raw = path.read_bytes()
    position = raw.index("CM2 Genève".encode("utf-8"))
    path.write_bytes(raw.replace("CM2 Genève".encode("utf-8"), "CM2 Genève".encode("latin-1"), 1))
    line = raw.count(b"\n", 0, position) + 1
    byte = position + len("CM2 Gen")
    assert errors_of(data) == [
        f"assets/data/events.yaml: line {line}: not UTF-8 text (invalid continuation byte at byte {byte}): save the file as UTF-8"
    ]


def test_billion_laughs_is_refused_quickly(data):
    # Nested aliases would build a value of 9**9 strings; the loader refuses the first alias.
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)
    )
    (data / "bodies.yaml").write_text(bomb + "bodies: []\n", encoding="utf-8")
    assert errors_of(data) == [
        "assets/data/bodies.yaml: line 2: malformed YAML: aliases (*name) are not allowed in the data files: write the value out"
    ]


def test_deep_nesting_is_malformed_not_a_crash(data):
    (data / "bodies.yaml").write_text("bodies: " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    errors = errors_of(data)
    assert len(errors) == 1 and errors[0].startswith("assets/data/bodies.yaml: ") and "malformed YAML" in errors[0]


def test_errors_of_every_file_come_at_once(data):
    edit(data, "events.yaml", 'date: "2001-11-09"', 'date: "2001-13-09"')
    edit(data, "bodies.yaml", "status: verified", "status: sure", entry="gc")
    edit(data, "signatories.yaml", "iso3: KHM", "iso3: XKH")
    assert errors_of(data) == [
        f"{mc4(data)}: field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'",
        f"assets/data/bodies.yaml: entry 'gc' (line {line_of(data, 'bodies.yaml', '- id: gc')}): field 'status': "
        "unknown status 'sure'; expected one of verified, secondary, seed, unverified",
        f"assets/data/signatories.yaml: entry 'KHM' (line {line_of(data, 'signatories.yaml', '- id: KHM')}): field 'iso3': "
        "not an ISO 3166-1 alpha-3 code: 'XKH'",
    ]


def test_the_cli_prints_one_line_per_error_and_fails(data, monkeypatch, capsys):
    edit(data, "events.yaml", 'date: "2001-11-09"', 'date: "2001-13-09"')
    edit(data, "events.yaml", 'fr: "CM4 Doha"', 'fr: "<script>x</script>"')
    monkeypatch.setenv("WTO_DECK_ROOT", str(data.parent.parent))
    assert cli.main(["facts"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"error: {mc4(data)}: field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'",
        f"error: {mc4(data)}: field 'label.fr': HTML is not allowed (contains '<' or '>'): '<script>x</script>'",
    ]


def test_a_broken_sources_file_is_one_error_not_a_cascade(data):
    path = data / "sources.yaml"
    raw = path.read_bytes()
    path.write_bytes(raw.replace("Déclaration".encode("utf-8"), "Déclaration".encode("latin-1"), 1))
    errors = errors_of(data)
    assert len(errors) == 1 and errors[0].startswith("assets/data/sources.yaml: line ") and "not UTF-8 text" in errors[0]


def test_every_data_file_is_typed_and_loaded_by_the_one_loader():
    """Seed statements and quizzes are typed fields of Facts, validated with the rest: a problem in
    any of them is reported by load_facts, with the problems of the other files."""
    facts = load_facts()
    assert {s.slide for s in facts.seed_statements} == set(range(1, 9))
    assert {q.section for q in facts.questions} >= {"02_programme_de_travail", "06_discussions_en_cours"}
    assert set(FILES) == {p.name for p in paths.data_dir().glob("*.yaml")}


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.wto.org/english/tratop_e/ecom_e/ecom_e.htm", True),
        ("https://docs.wto.org/dol2fe/Pages/FE_Search/FE_S_S006.aspx?Query=(@Symbol=%20WT/L/274)&Language=FRENCH", True),
        ("https://wto.org/", True),
        ("https://www.wto.org.evil.example/", False),
        ("https://evilwto.org/", False),
        ("http://www.wto.org/", False),
        ("javascript:window.__pwned=1", False),
        ("JAVASCRIPT:window.__pwned=1", False),
        ("//www.wto.org/", False),
        ("https://www.wto.org/\" onmouseover=\"x", False),
        ("https://user@www.wto.org/", False),
    ],
)
def test_safe_href(url, allowed):
    assert (safe_href(url, load_facts().sources) == url) is allowed


# --- property: no input text crashes the loader -------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return copy_data(tmp_path_factory.mktemp("prop"))


# Where an arbitrary text goes: (file, the text it replaces, the record field that would show it).
TEXT_FIELDS = [
    ("events.yaml", 'fr: "CM4 Doha"', "label"),
    ("events.yaml", 'en: "MC4 Doha"', "label"),
    ("events.yaml", 'fr: "La cinquième Conférence ministérielle s\'achève sans consensus."', "detail"),
    ("events.yaml", 'es: "La Quinta Conferencia Ministerial concluye sin consenso."', "detail"),
    ("bodies.yaml", 'fr: "Conseil général"', "name"),
    ("signatories.yaml", 'fr: "Albanie"', "name"),
    ("sources.yaml", 'fr: "Note d\'information sur le commerce électronique (OMC)"', "title"),
    ("quizzes.yaml", 'en: "Only those on the file; the printed book stays dutiable"', "choices"),
]
HOSTILE_BITS = st.sampled_from(
    ["<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", '"', "'", "&lt;", "\u202e", "\x00",
     "\ud800", "\n", "«", "»", "\u00a0", ":", "Ã©", "e\u0301", "*a", "&a", "!!binary", "{", "[", "#", "%"]
)


def _texts_shown(facts):
    """Every text of every record, in every language."""
    texts = [t for e in facts.events for t in (e.label, e.detail)]
    texts += [b.name for b in facts.bodies] + [s.name for s in facts.signatories]
    texts += [s.title for s in facts.sources.values()]
    texts += [t for q in facts.questions for t in (q.prompt, *q.choices, q.feedback)]
    for text in texts:
        yield from text.values()


@pytest.mark.slow  # 120 loads of every data file
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    where=st.sampled_from(TEXT_FIELDS),
    text=st.one_of(st.text(), st.lists(st.one_of(HOSTILE_BITS, st.text(max_size=5))).map("".join)),
    quoted=st.booleans(),
)
def test_any_text_loads_or_raises_data_error(scratch, where, text, quoted):
    """Arbitrary unicode in a text field either loads or gives DataError lines naming the file;
    never another exception, and a loaded text never holds '<' or '>' (no markup reaches a page)."""
    name, old, _ = where
    # Raw text can break the YAML structure itself; JSON-quoted text stays one string value.
    value = json.dumps(text) if quoted else text
    for other in FILES:
        shutil.copy(DATA / other, scratch / other)
    original = (DATA / name).read_text(encoding="utf-8")
    assert original.count(old) == 1
    (scratch / name).write_text(original.replace(old, f"{old.split(':')[0]}: {value}"), encoding="utf-8", errors="surrogatepass")
    try:
        facts = load_facts(scratch)
    except DataError as exc:
        assert exc.errors and all(line.startswith(f"assets/data/{name}: ") for line in exc.errors)
        assert all("\n" not in line for line in exc.errors)
    else:
        for shown in _texts_shown(facts):
            assert "<" not in shown and ">" not in shown


@pytest.mark.slow  # 60 loads of every data file
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.text(), st.binary()))
def test_any_file_content_loads_or_raises_data_error(scratch, content):
    """A whole file of garbage (text or bytes) is reported, never a crash."""
    for other in FILES:
        shutil.copy(DATA / other, scratch / other)
    path = scratch / "bodies.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    try:
        load_facts(scratch)
    except DataError as exc:
        assert exc.errors and all(line.startswith("assets/data/bodies.yaml: ") for line in exc.errors)
    else:
        raise AssertionError("garbage in bodies.yaml loaded")


# --- languages: every text in every language of the decks ----------------------------------------

from collections import Counter  # noqa: E402
import re  # noqa: E402

from wto_ecommerce_deck import messages  # noqa: E402
from wto_ecommerce_deck.data.records import Localized  # noqa: E402

DECK_LANGUAGES = ["fr", "en", "es"]
QU = "assets/data/quizzes.yaml"


def _every_text(facts):
    """(where, Localized) for every translatable text of the data."""
    for e in facts.events:
        yield f"event {e.id} label", e.label
        yield f"event {e.id} detail", e.detail
    yield from ((f"body {b.id} name", b.name) for b in facts.bodies)
    yield from ((f"signatory {s.id} name", s.name) for s in facts.signatories)
    yield from ((f"source {k} title", s.title) for k, s in facts.sources.items())
    for q in facts.questions:
        yield f"question {q.id} prompt", q.prompt
        yield from ((f"question {q.id} choice {n}", c) for n, c in enumerate(q.choices, start=1))
        yield f"question {q.id} feedback", q.feedback
    for p in facts.participation:
        yield f"participation {p.id} label", p.label
        yield f"participation {p.id} detail", p.detail
    # what the deck teaches beyond the timelines (glossary, comparison, agreement, arguments)
    for kind, rows in (("term", facts.glossary), ("comparison", facts.comparison), ("provision", facts.agreement), ("argument", facts.arguments)):
        for row in rows:
            for name, value in vars(row).items():
                if isinstance(value, Localized):
                    yield f"{kind} {row.id} {name}", value


def test_every_text_is_in_every_language_and_nothing_else():
    """Parity: a French text with no English or Spanish counterpart, or the reverse, fails."""
    texts = list(_every_text(load_facts()))
    assert len(texts) > 300
    for where, text in texts:
        assert isinstance(text, Localized), where
        assert list(text) == DECK_LANGUAGES, where
        assert all(value.strip() for value in text.values()), where
    assert set(messages.languages()) <= set(DECK_LANGUAGES)


def _marks(text: str) -> tuple[Counter, Counter]:
    """The WTO symbols of a text and the numbers outside them (days, years, counts, paragraphs)."""
    symbols = Counter(m.group(0) for m in SYMBOL_RE.finditer(text))
    return symbols, Counter(re.findall(r"\d+", SYMBOL_RE.sub(" ", text)))


def test_translations_keep_dates_symbols_and_numbers():
    """Each text states the same dates, WTO symbols and numbers in the three languages."""
    differing = []
    for where, text in _every_text(load_facts()):
        french = _marks(text["fr"])
        differing += [f"{where} ({lang}): {_marks(text[lang])} != {french}" for lang in text if _marks(text[lang]) != french]
    assert differing == []


def test_marks_tell_a_changed_number():
    """The check above can fail: a year or a symbol changed in one language is seen."""
    assert _marks("CM4 Doha, 9–14 novembre 2001, WT/MIN(01)/DEC/1") == _marks("MC4 Doha, 9–14 November 2001, WT/MIN(01)/DEC/1")
    assert _marks("20 mai 1998") != _marks("20 May 1999")
    assert _marks("WT/L/274") != _marks("WT/L/247")


def test_text_in_the_current_language():
    mc4 = load_facts().event("mc4")
    assert (mc4.label.text("fr"), mc4.label.text("en"), mc4.label.text("es")) == ("CM4 Doha", "MC4 Doha", "CM4 Doha")
    try:
        messages.use("fr")
        assert mc4.label.text() == "CM4 Doha" and mc4.date_text() == "9–14\u00a0novembre 2001"
        messages._current = "en"  # as messages.use("en") does once the English catalogue exists
        assert mc4.label.text() == "MC4 Doha" and mc4.date_text() == "9–14\u00a0November 2001"
        assert mc4.detail.text().startswith("Ministers decide to continue the Work Programme")
        messages._current = "es"
        assert mc4.date_text() == "9–14\u00a0de noviembre de 2001"
        assert load_facts().event("mc3").date_text() == "30\u00a0de noviembre – 3\u00a0de diciembre de 1999"
    finally:
        messages.use("fr")
    assert mc4.date_fr == "9–14\u00a0novembre 2001"
    with pytest.raises(KeyError, match="no 'de' text"):
        mc4.label.text("de")
    with pytest.raises(TypeError):
        mc4.label["de"] = "MK4 Doha"


def test_missing_translation_is_one_line(data):
    edit(data, "events.yaml", '      es: "CM4 Doha"\n', "", entry="mc4")
    assert errors_of(data) == [f"{mc4(data)}: field 'label': no 'es' text"]


def test_missing_translation_of_a_quiz_choice(data):
    edit(data, "quizzes.yaml", '          en: "Ministers adopt the Declaration; then the General Council, the Programme"\n', "", entry="q-programme-1")
    line = line_of(data, "quizzes.yaml", "- id: q-programme-1")
    assert errors_of(data) == [f"{QU}: entry 'q-programme-1' (line {line}): field 'choices': choice 2: no 'en' text"]


def test_missing_translations_are_each_reported_in_file_order(data):
    edit(data, "sources.yaml", '      en: "Briefing note on electronic commerce (WTO)"\n', "", entry="briefnote")
    edit(data, "signatories.yaml", '      es: "Albania"\n', "", entry="ALB")
    edit(data, "events.yaml", '      en: "MC4 Doha"\n', "", entry="mc4")
    edit(data, "events.yaml", "status: verified", "status: checked", entry="mc4")
    assert errors_of(data) == [
        f"assets/data/sources.yaml: entry 'briefnote' (line {line_of(data, 'sources.yaml', '- key: briefnote')}): field 'title': no 'en' text",
        f"{mc4(data)}: field 'status': unknown status 'checked'; expected one of verified, secondary, seed, unverified",
        f"{mc4(data)}: field 'label': no 'en' text",
        f"assets/data/signatories.yaml: entry 'ALB' (line {line_of(data, 'signatories.yaml', '- id: ALB')}): field 'name': no 'es' text",
    ]


def test_a_text_in_one_language_only_is_refused(data):
    edit(data, "events.yaml", '    label:\n      fr: "CM4 Doha"\n      en: "MC4 Doha"\n      es: "CM4 Doha"\n', '    label: "CM4 Doha"\n')
    assert errors_of(data) == [
        f"{mc4(data)}: field 'label': expected a text in each language ({{fr: …, en: …, es: …}}), got str: 'CM4 Doha'"
    ]


def test_the_former_french_only_field_names_are_refused(data):
    edit(data, "events.yaml", '    label:\n      fr: "CM4 Doha"\n      en: "MC4 Doha"\n      es: "CM4 Doha"\n', '    label_fr: "CM4 Doha"\n')
    assert errors_of(data) == [f"{mc4(data)}: field 'label': required field missing", f"{mc4(data)}: field 'label_fr': unknown field"]


def test_french_typography_applies_to_french_only(data):
    edit(data, "events.yaml", 'en: "Co-convenors: Australia, Japan, Singapore"', 'en: "Co-convenors : Australia, Japan, Singapore"')
    edit(data, "events.yaml", 'es: "Coorganizadores: Australia, Japón, Singapur"', 'es: "Coorganizadores : Australia, Japón, Singapur"')
    assert load_facts(data).event("co-convenors-2019").label["en"] == "Co-convenors : Australia, Japan, Singapore"
    edit(data, "events.yaml", f'fr: "Coorganisateurs{NBSP}: Australie', 'fr: "Coorganisateurs: Australie')
    line = line_of(data, "events.yaml", "- id: co-convenors-2019")
    assert errors_of(data) == [
        f"{EV}: entry 'co-convenors-2019' (line {line}): field 'label.fr': French typography: "
        "no space before : ; ! ? (add a non-breaking space, U+00A0): 'Coorganisateurs: Australie, Japon, S'"
    ]


def test_no_html_in_any_language(data):
    edit(data, "events.yaml", 'en: "MC4 Doha"', 'en: "<b>MC4</b> Doha"')
    edit(data, "bodies.yaml", 'es: "Consejo General"', "es: '<img src=x onerror=\"window.__pwned=1\">'")
    assert errors_of(data) == [
        f"{mc4(data)}: field 'label.en': HTML is not allowed (contains '<' or '>'): '<b>MC4</b> Doha'",
        f"assets/data/bodies.yaml: entry 'gc' (line {line_of(data, 'bodies.yaml', '- id: gc')}): field 'name.es': "
        "HTML is not allowed (contains '<' or '>'): '<img src=x onerror=\"window.__pwned=1\">'",
    ]


def test_a_misspelt_language_is_reported_where_it_is(data):
    edit(data, "events.yaml", 'en: "MC4 Doha"', 'eb: "MC4 Doha"')
    assert errors_of(data) == [
        f"{mc4(data)}: field 'label': no 'en' text",
        f"{mc4(data)}: field 'label': 'eb' is not a language of the decks (fr, en, es; a language is added with its catalogue assets/i18n/eb.json)",
    ]


def test_a_language_code_is_two_letters(data):
    edit(data, "events.yaml", 'en: "MC4 Doha"', 'english: "MC4 Doha"')
    assert errors_of(data) == [f"{mc4(data)}: field 'label': 'english' is not a language code (ISO 639-1, two letters: fr, en, es)"]


def test_same_name_in_one_language_is_refused(data):
    edit(data, "signatories.yaml", 'en: "Argentina"', 'en: "Albania"')
    line = line_of(data, "signatories.yaml", "- id: ARG")
    assert errors_of(data) == [
        f"assets/data/signatories.yaml: entry 'ARG' (line {line}): field 'name.en': same name as entry 'ALB' "
        f"(line {line_of(data, 'signatories.yaml', '- id: ALB')}): 'Albania'"
    ]


def test_a_fourth_language_is_a_catalogue_then_a_translation_job(data, monkeypatch):
    """Adding assets/i18n/de.json makes every text of the data need its German: one line each."""
    texts = list(_every_text(load_facts(data)))
    root = data.parent.parent
    shutil.copytree(paths.i18n_dir(), root / "assets" / "i18n")
    shutil.copy(root / "assets" / "i18n" / "fr.json", root / "assets" / "i18n" / "de.json")
    monkeypatch.setenv("WTO_DECK_ROOT", str(root))
    assert messages.languages()[0] == "fr" and "de" in messages.languages()
    errors = errors_of(data)
    assert len(errors) == len(texts)
    assert errors[0] == (
        f"assets/data/sources.yaml: entry 'seed' (line {line_of(data, 'sources.yaml', '- key: seed')}): field 'title': no 'de' text"
    )
    assert f"{mc4(data)}: field 'label': no 'de' text" in errors
    assert all(line.endswith("no 'de' text") for line in errors)


def test_a_translation_without_its_french_original_is_refused(data):
    """The reverse of a missing translation: English and Spanish with no French (the original)."""
    edit(data, "events.yaml", '      fr: "CM4 Doha"\n', "", entry="mc4")
    assert errors_of(data) == [f"{mc4(data)}: field 'label': no 'fr' text"]


@pytest.mark.parametrize("lang", messages.languages())
def test_each_source_has_its_own_short_title(lang):
    """The « Sources » slide and the hovers show a source by its short title: two alike would read as
    one source cited twice (« Reuters ; Reuters »)."""
    from collections import Counter

    shorts = Counter(short_title(source.title.text(lang)) for source in load_facts().sources.values())
    assert [title for title, count in shorts.items() if count > 1] == []
