"""The draft of the next schema version (docs/next-schema/) stays honest without being shipped.

The draft is a design aid for issue 26: a valid 2020-12 schema that uses only the rule kinds
DESIGN.md defines, accepts the 1.1.0 examples once migrated (and rejects them unmigrated only
for the reasons DESIGN.md gives), and says each new construct with a field made for it. These
checks are structural (python-jsonschema) and semantic (the Python engine, compiled from the
draft's ``x-dv`` declarations).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits.checks import check
from diplomatic_visits.compat import compare_schemas
from diplomatic_visits.rules import compile_rules
from diplomatic_visits.schema import available_versions, bundle_schema, version_key
from test_schema import ALLOWED_KEYWORDS, walk_schemas

DRAFT_DIR = REPO / "docs" / "next-schema"
DRAFT: dict[str, Any] = json.loads((DRAFT_DIR / "record.schema.json").read_text("utf-8"))
DESIGN = (DRAFT_DIR / "DESIGN.md").read_text("utf-8")
VERSION = "2.0.0-draft.1"
VALIDATOR = jsonschema.Draft202012Validator(
    DRAFT, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
PLAN = compile_rules(DRAFT, VERSION)


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, DRAFT_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


migrate_draft = _module("migrate_draft")
build_draft = _module("build_draft")


def errors(record: Any) -> list[tuple[str, str]]:
    """(JSON path, keyword) of every structural error of ``record`` under the draft, with the
    errors of each alternative of an ``anyOf`` (so a bad code inside a nullable country shows)."""
    found: set[tuple[str, str]] = set()
    todo = list(VALIDATOR.iter_errors(record))
    while todo:
        e = todo.pop()
        found.add((e.json_path, str(e.validator)))
        todo.extend(e.context or ())
    return sorted(found)


def valid(record: Any) -> bool:
    """No structural error and no semantic problem (the draft's rules, the Python engine)."""
    return errors(record) == [] and check(record, PLAN) == []


# --- the draft is a schema, and not a shipped one ------------------------------------------


def test_draft_is_a_valid_2020_12_schema_outside_the_shipped_versions() -> None:
    assert DRAFT["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(DRAFT)
    assert DRAFT["$id"].endswith(f"/{VERSION}/record.schema.json")
    assert DRAFT["properties"]["schema_version"]["const"] == VERSION
    assert VERSION not in available_versions()
    # schema/2.0.0 is its release (build_draft.py --release): tests/test_schema_2_0_0.py


def test_draft_uses_only_keywords_shared_by_draft_07_and_2020_12() -> None:
    for ptr, sub in walk_schemas(DRAFT):
        assert not set(sub) - ALLOWED_KEYWORDS, f"{ptr} uses {set(sub) - ALLOWED_KEYWORDS}"


def _declarations(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("x-dv"), dict):
            yield node["x-dv"]
        for key, value in node.items():
            if key not in ("enum", "examples", "x-dv"):
                yield from _declarations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _declarations(value)


def _design_table() -> list[tuple[str, str, set[str]]]:
    """(kind, status, input names) per row of DESIGN.md's table of rule kinds."""
    table = DESIGN.split("<!-- kinds")[1].split("<!-- /kinds -->")[0]
    rows = re.findall(
        r"^\| `([a-z-]+)` \| (existing|extended|new) \| [^|]+ \| ([^|]+) \|", table, re.M
    )
    return [(k, status, set(re.findall(r"[a-z_]+", inputs))) for k, status, inputs in rows]


def _design_kinds() -> dict[str, str]:
    """kind -> status (existing, extended, new)."""
    return {k: status for k, status, _ in _design_table()}


def _object_declarations(node: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(object schema, its x-dv) for every object schema of the draft that declares rules."""
    if isinstance(node, dict):
        if "properties" in node and isinstance(node.get("x-dv"), dict):
            yield node, node["x-dv"]
        for key, value in node.items():
            if key not in ("enum", "examples", "x-dv"):
                yield from _object_declarations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _object_declarations(value)


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DRAFT["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _properties_for(
    kind: str, key: str, spec: dict[str, Any], props: dict[str, Any]
) -> dict[str, Any]:
    """The properties an input of a declaration names one of: the object's own, or for
    ``within``'s ``item_*`` and ``last``'s ``key`` those of the list's items, for ``last``'s
    ``equals_key`` those of the object at ``equals``."""
    if (kind, key) in (("within", "item_from"), ("within", "item_to")):
        return _resolved(_resolved(props[spec["items"]])["items"])["properties"]  # type: ignore[no-any-return]
    if (kind, key) == ("last", "key"):
        return _resolved(_resolved(props[spec["list"]])["items"])["properties"]  # type: ignore[no-any-return]
    if (kind, key) == ("last", "equals_key"):
        return _resolved(props[spec["equals"]])["properties"]  # type: ignore[no-any-return]
    return props


def test_new_kinds_take_the_inputs_the_design_gives_and_name_real_properties() -> None:
    inputs = {k: names for k, status, names in _design_table() if status != "existing"}
    seen = set()
    for obj, decl in _object_declarations(DRAFT):
        props = obj["properties"]
        for kind in decl.keys() & inputs.keys():
            seen.add(kind)
            for spec in decl[kind] if isinstance(decl[kind], list) else [decl[kind]]:
                assert set(spec) <= inputs[kind], (kind, spec)
                for key, name in spec.items():
                    if key not in ("rule", "name"):
                        assert name in _properties_for(kind, key, spec, props), (kind, key, name)
    assert seen == inputs.keys()


def test_the_draft_compiles_with_every_new_kind() -> None:
    """The compiler (PLAN_API 2) reads every declaration the draft makes: the known kinds (ids,
    refs, the new whens, the history's sequence) and the new ones, each as a ``Check`` on the
    object that declares it (DESIGN.md 3.3; it refused the new kinds before the release)."""
    rules = compile_rules(DRAFT, VERSION)
    assert {"leg", "check", "statement"} <= set(rules.kinds)
    found: set[tuple[str, str]] = set()
    todo = [rules.root]
    while todo:
        node = todo.pop()
        found.update((c.kind, c.rule) for c in node.checks)
        todo.extend(f.obj for f in node.fields if f.obj is not None)
    assert found == {
        ("edtf", "edtf"),
        ("date-anchor", "date-anchor"),
        ("within", "within"),
        ("last", "status-last"),
        ("distinct", "co-speakers"),
        ("distinct", "reporting-chain"),
    }


def test_draft_declares_only_rule_kinds_the_design_defines() -> None:
    kinds = _design_kinds()
    assert {"edtf", "within", "last", "distinct", "date-anchor"} <= kinds.keys()
    used = {k for decl in _declarations(DRAFT) for k in decl}
    assert used <= kinds.keys(), f"kinds not in DESIGN.md: {used - kinds.keys()}"
    # and every kind the design adds is used somewhere (no design for nothing)
    assert {k for k, s in kinds.items() if s != "existing"} <= used
    assert "date" not in used  # replaced by edtf, never beside it


def test_the_bump_is_major_by_our_own_gate() -> None:
    changes = compare_schemas(bundle_schema("1.1.0", "extraction"), DRAFT)
    major = {c.what for c in changes if c.bump == "major"}
    assert "rule 'last' added: it may reject old records" in major
    assert any("enum narrowed" in r for r in major)  # the country codes


def test_committed_draft_is_what_build_draft_builds() -> None:
    codes = DRAFT["$defs"]["country"]["properties"]["code"]["enum"]
    assert build_draft.build(codes) == DRAFT


# --- dates: the EDTF profile ------------------------------------------------------------------

PROFILE_FORMS = [
    "2023-09-17", "2019-04", "2023", "2023-23", "XXXX-08-09", "XXXX-08", "XXXX-XX-XX",
    "2023-06-03/2023-06-06", "XXXX-06-03/XXXX-06-06", "2023-06-03/..", "../2023-06-06",
    "2023-06-03/", "/2023-06-06", "2023-06-10~", "2023-06-10?", "2023-06%",
]  # fmt: skip
OUTSIDE = [
    "--08-09", "XXXX-13-45", "2023-13", "2023-00", "2023-06-32", "2023?-06", "201X", "2004-XX",
    "2023-25", "2023-23?", "XXXX-23", "{2023-06-03,2023-06-05}", "XXXX", "٢٠٢٣",
]  # fmt: skip


@pytest.mark.parametrize("form", PROFILE_FORMS)
def test_every_profile_form_is_a_value_and_a_written_date(form: str) -> None:
    record = _record()
    record["visits"][0]["start"] = _date(form, "day", "stated", written=form)
    assert errors(record) == []


@pytest.mark.parametrize("form", OUTSIDE)
def test_forms_outside_the_profile_are_refused(form: str) -> None:
    record = _record()
    record["visits"][0]["start"] = _date(form, "day", "stated")
    assert ("$.visits[0].start.value", "pattern") in errors(record)


def test_a_final_newline_passes_python_patterns_only() -> None:
    """Python's ``$`` matches before a final newline, ECMA's does not (NOTES.md): jsonschema-rs
    refuses ``2023-06-03\\n``, python-jsonschema lets it through, so rule ``edtf`` (a full
    match) must refuse it (DESIGN.md 3.1)."""
    import jsonschema_rs

    pattern = DRAFT["$defs"]["partial_date"]["properties"]["value"]["pattern"]
    assert re.search(pattern, "2023-06-03\n") and not re.fullmatch(pattern[1:-1], "2023-06-03\n")
    assert not jsonschema_rs.validator_for({"pattern": pattern}).is_valid("2023-06-03\n")
    record = _record()
    record["visits"][0]["start"] = _date("2023-06-03\n", "day", "stated", written="2023-06\n")
    found = {(i.json_path, i.keyword) for i in check(record, PLAN)}
    assert found == {
        ("$.visits[0].start.value", "date-form"),
        ("$.visits[0].start.written", "date-written"),
    }


# --- the 1.1.0 examples ----------------------------------------------------------------------

# The gold record of dataset release 2.0.0 (schema 1.1.0) is kept as an example: the shipped
# record is under schema 2.0.0 since dataset release 3.0.0.
GOLD_1_1_0 = EXAMPLES / "valid" / "verified-gold-record-1.1.0.json"
OLD = [  # the draft is 2.0.0's: a record of a later version is not its input
    p
    for p in sorted((EXAMPLES / "valid").glob("*.json"))
    if version_key(load_json(p)["schema_version"]) < (2, 0, 0)
    or load_json(p)["schema_version"] == "2.0.0"
]


@pytest.mark.parametrize("path", OLD, ids=lambda p: p.stem)
def test_old_records_validate_once_migrated(path: Path) -> None:
    old = load_json(path)
    assert valid(migrate_draft.migrate_1_1_0(old))  # and no new rule refuses them


@pytest.mark.parametrize("path", OLD, ids=lambda p: p.stem)
def test_old_records_fail_unmigrated_only_for_the_reasons_the_design_gives(path: Path) -> None:
    found = errors(load_json(path))
    assert ("$.schema_version", "const") in found
    # DESIGN.md 4.2: besides the version, only 1.1.0's year-less `written` (`--09-12`)
    for where, keyword in found:
        assert (where, keyword) == ("$.schema_version", "const") or (
            where.endswith(".written") and keyword == "pattern"
        ), (where, keyword)


def test_migration_rewrites_year_less_written_dates() -> None:
    gold = load_json(GOLD_1_1_0)
    migrated = migrate_draft.migrate_1_1_0(gold)
    assert gold["visits"][0]["start"]["written"] == "--09-12"
    assert migrated["visits"][0]["start"]["written"] == "XXXX-09-12"
    assert migrated["visits"][1]["start"]["written"] == "2019-04"  # already EDTF
    assert migrated["schema_version"] == VERSION


# --- one small record per new construct (invented people and countries) ---------------------


def _date(value: str | None, precision: str, basis: str, **more: Any) -> dict[str, Any]:
    return {
        "value": value,
        "precision": precision,
        "basis": basis,
        "inferred_from": more.pop("inferred_from", None),
        "text": more.pop("text", None),
        "weekday": more.pop("weekday", None),
        "evidence": [],
        **more,
    }


UNKNOWN = _date(None, "unknown", "unknown")


def _status(value: str, basis: str = "stated") -> dict[str, Any]:
    return {"value": value, "basis": basis, "inferred_from": None, "evidence": []}


def _place_ref(place: str) -> dict[str, Any]:
    return {"place": place, "basis": "stated", "inferred_from": None, "evidence": []}


def _record() -> dict[str, Any]:
    """Minister Mira Tolvanen of Ostria visits the kingdom of Vellmark (both invented)."""
    return {
        "schema_version": VERSION,
        "record_id": "test_next_schema",
        "article": {
            "id": "test_next_schema",
            "title": "Ostrian minister heads for Vellmark",
            "language": "en",
            "source": {
                "publisher": None,
                "url": None,
                "published": copy.deepcopy(UNKNOWN),
                "missing_reason": "Invented for the tests.",
            },
            "text_file": None,
            "title_span": None,
            "body_span": None,
            "boilerplate": [],
            "machine_translated": "no",
            "quality_notes": [],
        },
        "actors": [
            {
                "id": "a_mira_tolvanen",
                "kind": "person",
                "name": "Mira Tolvanen",
                "titles": [],
                "country": None,  # Ostria is invented: no ISO code, so none is given
                "wikidata": None,
                "mentions": [{"quote": "Mira Tolvanen"}],
            }
        ],
        "places": [
            {
                "id": "p_vellmark",
                "name": "Vellmark",
                "kind": "country",
                "within": None,
                "country": None,
                "wikidata": None,
                "mentions": [{"quote": "Vellmark"}],
            }
        ],
        "visits": [
            {
                "id": "v_tolvanen_vellmark",
                "kind": "unspecified_visit",
                "description": "Tolvanen visits Vellmark.",
                "visitors": ["a_mira_tolvanen"],
                "hosts": [],
                "origin": None,
                "destination": _place_ref("p_vellmark"),
                "start": copy.deepcopy(UNKNOWN),
                "end": copy.deepcopy(UNKNOWN),
                "duration_days": None,
                "status": _status("planned"),
                "purposes": [],
                "topics": [],
                "transport": [],
                "characterizations": [],
                "codes": {"plover_event": None, "plover_mode": None, "cameo": None},
                "sub_events": [],
                "outcomes": [],
                "evidence": [],
            }
        ],
        "statements": [],
        "annotation": None,
    }


def test_the_base_record_is_valid_and_fails_on_the_old_schema() -> None:
    record = _record()
    assert valid(record)
    old = jsonschema.Draft202012Validator(bundle_schema("1.1.0", "extraction"))
    assert not old.is_valid(record)  # the version, at least: the draft is not 1.1.0


def test_a_stated_year_less_day() -> None:
    record = _record()
    record["visits"][0]["start"] = _date(
        "XXXX-08-09", "day", "stated", text="9 August", written="XXXX-08-09"
    )
    assert valid(record)
    old_form = copy.deepcopy(record)
    old_form["visits"][0]["start"]["written"] = "--08-09"
    assert errors(old_form) == [("$.visits[0].start.written", "pattern")]


def test_a_season_and_a_relative_date() -> None:
    record = _record()
    visit = record["visits"][0]
    visit["status"] = _status("postponed")
    visit["status_history"] = [
        {
            "value": "postponed",
            "as_of": copy.deepcopy(UNKNOWN),
            "announced_by": [],
            "start": _date(
                "2031-23",
                "season",
                "inferred",
                text="the autumn",
                inferred_from="'the autumn' after the article's date (2031)",
            ),
            "basis": "stated",
            "inferred_from": None,
            "evidence": [],
        }
    ]
    visit["end"] = _date(
        None, "unknown", "unknown", text="next month",
        relative={"offset": 1, "unit": "month", "anchor": "published"},
    )  # fmt: skip
    assert valid(record)
    visit["end"]["relative"]["unit"] = "fortnight"
    assert errors(record) == [("$.visits[0].end.relative.unit", "enum")]


def test_a_weekday_only_date() -> None:
    record = _record()
    record["visits"][0]["start"] = _date(
        "XXXX-XX-XX", "day", "stated", text="on Tuesday", weekday="tuesday", written="XXXX-XX-XX"
    )
    assert valid(record)


def test_a_tour_under_way_with_planned_legs() -> None:
    """'Left on Monday for a tour ... first to Vellmark, where she will meet the king on
    Tuesday': the visit under way, the stop and the meeting planned."""
    record = _record()
    visit = record["visits"][0]
    visit["status"] = _status("under_way")
    visit["start"] = _date("XXXX-XX-XX", "day", "stated", text="on Monday", weekday="monday")
    visit["legs"] = [
        {
            "id": "l_vellmark",
            "place": _place_ref("p_vellmark"),
            "start": _date("XXXX-XX-XX", "day", "stated", text="on Tuesday", weekday="tuesday"),
            "end": copy.deepcopy(UNKNOWN),
            "status": _status("planned"),
            "evidence": [],
        }
    ]
    visit["sub_events"] = [
        {
            "id": "e_meeting_king",
            "kind": "meeting",
            "description": "Tolvanen meets the king of Vellmark.",
            "participants": ["a_mira_tolvanen"],
            "place": _place_ref("p_vellmark"),
            "date": _date("XXXX-XX-XX", "day", "stated", text="on Tuesday", weekday="tuesday"),
            "topics": [],
            "features": [],
            "evidence": [],
            "leg": "l_vellmark",
            "status": _status("planned"),
        }
    ]
    assert valid(record)


def test_a_date_not_announced_and_a_status_begun() -> None:
    record = _record()
    visit = record["visits"][0]
    # "The talks began on 3 June 2031; no end date has been announced."
    visit["start"] = _date("2031-06-03", "day", "stated", text="3 June 2031")
    visit["end"] = _date(None, "unknown", "stated", absence="not_announced")
    visit["status"] = _status("begun")
    assert valid(record)
    visit["end"]["absence"] = "secret"
    assert errors(record) == [("$.visits[0].end.absence", "enum")]


def test_a_chained_announcement_with_certainty_modality_and_statement() -> None:
    """'The broadcaster, citing an official quoted by Arvo' (a news agency, invented)."""
    record = _record()
    chain = (("a_official", "person"), ("a_arvo", "media"), ("a_broadcaster", "media"))
    for actor_id, kind in chain:
        actor = copy.deepcopy(record["actors"][0])
        actor.update(id=actor_id, kind=kind, name=actor_id[2:])
        record["actors"].append(actor)
    record["statements"] = [
        {
            "id": "s_official",
            "kind": "announcement",
            "speaker": "a_official",
            "reported_via": "a_broadcaster",
            "date": copy.deepcopy(UNKNOWN),
            "mode": "paraphrase",
            "quote": None,
            "paraphrase": "The visit will go ahead.",
            "about": ["v_tolvanen_vellmark"],
            "evidence": [],
            "relayed_by": ["a_arvo"],
        }
    ]
    record["visits"][0]["status_history"] = [
        {
            "value": "planned",
            "as_of": copy.deepcopy(UNKNOWN),
            "announced_by": ["a_official"],
            "relayed_by": ["a_arvo"],
            "reported_via": "a_broadcaster",
            "announced_in": ["s_official"],
            "certainty": "expected",
            "modality": "hedged",
            "basis": "stated",
            "inferred_from": None,
            "evidence": [],
        }
    ]
    assert valid(record)


def test_a_plain_agreement_and_no_headline() -> None:
    record = _record()
    record["article"].update(headline="none", title=None)
    record["visits"][0]["outcomes"] = [
        {
            "id": "o_visa_waiver",
            "kind": "agreement_signed",
            "description": "A visa-waiver agreement is signed.",
            "sub_event": None,
            "asserted_by": [],
            "evidence": [],
            "agreement": {"type": "agreement", "signatories": [], "sectors": [], "evidence": []},
        }
    ]
    assert valid(record)


def test_country_codes_come_from_iso_3166_1() -> None:
    codes = DRAFT["$defs"]["country"]["properties"]["code"]["enum"]
    assert len(codes) == 250 and codes == sorted(set(codes))
    assert {"PRK", "RUS", "KOR", "XKX"} <= set(codes) and "XXR" not in codes
    record = _record()
    country = {"code": "PRK", "basis": "stated", "inferred_from": None, "evidence": []}
    record["places"][0]["country"] = country
    assert valid(record)
    country["code"] = "XXR"
    assert ("$.places[0].country.code", "enum") in errors(record)
