"""The data files load, and every kind of bad input gives one exact, actionable error line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wto_ecommerce_deck import paths
from wto_ecommerce_deck.data import SYMBOL_RE, DataError, load_facts
from wto_ecommerce_deck.records import STATUSES

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
    assert {s.id: s.status for s in entries[35:] if s.status != "unverified"} == {
        "SGP": "secondary",
        "TWN": "secondary",
        "USA": "secondary",
    }


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


def test_every_cited_source_exists_and_statuses_are_known():
    facts = load_facts()
    for record in (*facts.events, *facts.bodies, *facts.signatories):
        assert record.sources and set(record.sources) <= set(facts.sources), record.id
        assert record.status in STATUSES
    assert all(s.url.startswith("https://") for s in facts.sources.values())


def test_bodies_tree():
    bodies = {b.id: b for b in load_facts().bodies}
    assert [b.id for b in bodies.values() if b.parent is None] == ["mc"]
    assert {b.id for b in bodies.values() if b.work_programme} == {"gc", "cts", "ctg", "trips", "ctd"}


def test_french_typography_in_texts():
    # Non-breaking space before : ; ! ? % » and after « (French rules; the slides wrap otherwise).
    facts = load_facts()
    texts = [t for e in facts.events for t in (e.label_fr, e.detail_fr)]
    texts += [b.name_fr for b in facts.bodies] + [s.title for s in facts.sources.values()]
    for text in texts:
        for mark in ":;!?%»":
            assert f" {mark}" not in text, text
        assert "« " not in text, text


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
    assert load_facts(data).event("mc4").label_fr == "CM4 Doha"
    edit(data, "events.yaml", 'label_fr: "CM4 Doha"', 'label_fr: "CM4 Doha (Qatar)"')
    assert load_facts(data).event("mc4").label_fr == "CM4 Doha (Qatar)"


# --- bad inputs: one exact line each ------------------------------------------------------------

EV = "assets/data/events.yaml"


def mc4(data: Path) -> str:
    return f"{EV}: entry 'mc4' (line {line_of(data, 'events.yaml', '- id: mc4')})"


def test_missing_field(data):
    edit(data, "events.yaml", '    label_fr: "CM4 Doha"\n', "")
    assert errors_of(data) == [f"{mc4(data)}: field 'label_fr': required field missing"]


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
    edit(data, "events.yaml", "sources: [briefnote, fr-wp]", "sources: [briefnote, wikipedia]", entry="mc4")
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
    edit(data, "events.yaml", '    label_fr: "CM4 Doha"\n', '    label_fr: "CM4 Doha"\n    colour: red\n')
    assert errors_of(data) == [f"{mc4(data)}: field 'colour': unknown field"]


def test_malformed_yaml(data):
    edit(data, "events.yaml", '    label_fr: "CM4 Doha"\n', '    label_fr: "CM4 Doha" (Qatar)\n')
    line = line_of(data, "events.yaml", "(Qatar)")
    assert errors_of(data) == [
        f"{EV}: line {line}: malformed YAML: while parsing a block mapping: expected <block end>, but found '<scalar>'"
    ]


def test_duplicate_key_is_malformed(data):
    edit(data, "events.yaml", '    label_fr: "CM4 Doha"\n', '    label_fr: "CM4 Doha"\n    label_fr: "Doha"\n')
    line = line_of(data, "events.yaml", 'label_fr: "Doha"')
    assert errors_of(data) == [f"{EV}: line {line}: malformed YAML: duplicate key 'label_fr'"]


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
    edit(data, "events.yaml", 'label_fr: "CM4 Doha"', 'label_fr: "<b>CM4</b> Doha"')
    assert errors_of(data) == [
        f"{mc4(data)}: field 'label_fr': HTML is not allowed (contains '<' or '>'): '<b>CM4</b> Doha'"
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
    edit(data, "bodies.yaml", "parent: gc", "parent: dispute", entry="dsb")
    line = line_of(data, "bodies.yaml", "- id: dsb")
    assert errors_of(data) == [
        f"assets/data/bodies.yaml: entry 'dsb' (line {line}): field 'parent': unknown body 'dispute'",
        "assets/data/bodies.yaml: expected exactly one root body (parent: null), found 'mc', 'tnc'",
    ]


def test_several_errors_reported_together(data):
    edit(data, "events.yaml", 'date: "2001-11-09"', 'date: "2001-13-09"')
    edit(data, "events.yaml", 'label_fr: "CM4 Doha"', 'label_fr: ""')
    edit(data, "events.yaml", "kind: conference", "kind: summit", entry="mc5")
    mc5 = f"{EV}: entry 'mc5' (line {line_of(data, 'events.yaml', '- id: mc5')})"
    assert errors_of(data) == [
        f"{mc4(data)}: field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'",
        f"{mc4(data)}: field 'label_fr': must not be empty",
        f"{mc5}: field 'kind': unknown kind 'summit'; expected one of "
        "conference, declaration, decision, workshop, group, communication, meeting, review",
    ]


def test_missing_file(data):
    (data / "bodies.yaml").unlink()
    assert errors_of(data) == ["assets/data/bodies.yaml: file missing"]


# --- property: no input text crashes the loader -------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return copy_data(tmp_path_factory.mktemp("prop"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(), quoted=st.booleans())
def test_any_label_text_loads_or_raises_data_error(scratch, text, quoted):
    # Raw text can break the YAML structure itself; JSON-quoted text stays one string value.
    value = json.dumps(text) if quoted else text
    original = (DATA / "events.yaml").read_text(encoding="utf-8")
    (scratch / "events.yaml").write_text(original.replace('label_fr: "CM4 Doha"', f"label_fr: {value}"), encoding="utf-8")
    try:
        facts = load_facts(scratch)
    except DataError as exc:
        assert exc.errors and all(line.startswith("assets/data/events.yaml: ") for line in exc.errors)
    else:
        assert facts.events
