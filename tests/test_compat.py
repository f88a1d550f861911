"""The compatibility gate, proven on fixture version pairs, and migrations on a fixture pair."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis_jsonschema import from_schema

from conftest import EXAMPLES, load_json
from diplomatic_visits import (
    available_versions,
    bundle_schema,
    load_records,
    load_schema,
    validate_record,
)
from diplomatic_visits.cli import main
from diplomatic_visits.compat import (
    broken_records,
    capped,
    check,
    compare_schemas,
    declared_bump,
    generated_records,
)
from diplomatic_visits.migrate import NoMigrationError, migrate_record, migration_path
from diplomatic_visits.schema import bundle_with

Docs = dict[str, dict[str, Any]]


def candidate(version: str, mutate: Callable[[dict[str, Any]], None]) -> Docs:
    """Schema 1.0.0 re-versioned as ``version``, with ``mutate`` applied to its core file."""
    core = load_schema("1.0.0", annotated=True)  # a new version carries its rules inline
    verified = load_schema("1.0.0", "verified")
    for doc in (core, verified):
        doc["$id"] = doc["$id"].replace("/1.0.0/", f"/{version}/")
    core["properties"]["schema_version"]["const"] = version
    mutate(core)
    return {"extraction": core, "verified": verified}


def _add_optional(core: dict[str, Any]) -> None:
    core["$defs"]["visit"]["properties"]["confidence"] = {
        "type": "integer", "minimum": 0, "maximum": 100, "description": "Annotator confidence.",
    }  # fmt: skip


def _add_required(core: dict[str, Any]) -> None:
    _add_optional(core)
    core["$defs"]["visit"]["required"].append("confidence")


def _narrow_enum(core: dict[str, Any]) -> None:
    core["$defs"]["status"]["properties"]["value"]["enum"].remove("postponed")


def _tighten_pattern(core: dict[str, Any]) -> None:
    core["$defs"]["country"]["properties"]["code"]["pattern"] = "^[A-Z][A-Z][A-Z]$|^XKX$"


def _edit_description(core: dict[str, Any]) -> None:
    core["$defs"]["visit"]["properties"]["description"]["description"] += " Keep it short."


CASES = [
    ("added-optional-field", "1.1.0", _add_optional, "minor"),
    ("added-required-field", "2.0.0", _add_required, "major"),
    ("narrowed-enum", "2.0.0", _narrow_enum, "major"),
    ("tightened-pattern", "2.0.0", _tighten_pattern, "major"),
    ("edited-description", "1.0.1", _edit_description, "patch"),
]


def _old_records(version: str = "1.0.0") -> list[tuple[str, Any]]:
    """The shipped records and valid examples of ``version``, the old side of a pair."""
    found = [(r["record_id"], r) for r in load_records()]
    found += [(p.name, load_json(p)) for p in sorted((EXAMPLES / "valid").glob("*.json"))]
    return [(name, r) for name, r in found if r["schema_version"] == version]


@pytest.mark.parametrize(("name", "version", "mutate", "bump"), CASES, ids=[c[0] for c in CASES])
def test_fixture_pairs_are_classified(
    name: str, version: str, mutate: Callable[[dict[str, Any]], None], bump: str
) -> None:
    verdict = check("1.0.0", version, candidate(version, mutate), _old_records())
    assert verdict.required == bump, [str(c) for c in verdict.changes]
    assert declared_bump("1.0.0", version) == bump  # each fixture declares exactly what it needs


def test_added_required_field_breaks_the_shipped_records() -> None:
    verdict = check("1.0.0", "2.0.0", candidate("2.0.0", _add_required), _old_records())
    assert any("'confidence' is a required property" in b for b in verdict.broken_records)


def test_generated_records_catch_a_narrowed_enum() -> None:
    def narrow(core: dict[str, Any]) -> None:
        # a narrowing most generated records run into: only "yes" is left
        core["$defs"]["article"]["properties"]["machine_translated"]["enum"] = ["yes"]

    docs = candidate("2.0.0", narrow)
    records = generated_records(bundle_schema("1.0.0"), 6)
    broken = list(broken_records(enumerate(records), bundle_with(docs, "extraction"), "2.0.0"))  # type: ignore[arg-type]
    assert broken and all("machine_translated" in b for b in broken)


def test_gate_command_fails_when_the_bump_is_too_small(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "1.0.1"
    folder.mkdir()
    for level, doc in candidate("1.0.1", _add_required).items():
        name = "record.schema.json" if level == "extraction" else "record.verified.schema.json"
        (folder / name).write_text(json.dumps(doc), encoding="utf-8")
    assert main(["compat", "1.0.0", str(folder), "--generated", "0"]) == 1
    out = capsys.readouterr().out
    assert "the change needs a major release; the version number declares patch: NOT OK" in out
    assert "required property added" in out
    assert main(["compat", "1.0.0", "1.0.0"]) == 2  # not newer: a usage error, not a traceback


def test_unchanged_schema_has_no_change() -> None:
    for level in ("extraction", "verified"):
        b = bundle_schema("1.0.0", level)  # type: ignore[arg-type]
        assert compare_schemas(b, copy.deepcopy(b)) == []


def test_shipped_versions_never_bump_less_than_their_change() -> None:
    from diplomatic_visits.compat import ORDER

    pairs = list(itertools.pairwise(available_versions()))
    assert pairs, "two shipped versions at least: the gate has a release to judge"
    for old, new in pairs:
        records = _old_records(old)
        assert records, f"no record of {old} to carry over"
        verdict = check(old, new, records=records, generated=3)
        assert ORDER[declared_bump(old, new)] >= ORDER[verdict.required], (old, new)
        if declared_bump(old, new) != "major":
            assert not verdict.broken_records, verdict.broken_records
            continue
        # a major release may break old records: every shipped one must migrate to a valid one
        assert verdict.required == "major", (old, new)
        for name, record in records:
            assert validate_record(migrate_record(record, new)) == [], (name, old, new)


def test_1_0_0_records_migrate_to_1_1_0_and_stay_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = EXAMPLES / "valid" / "verified-gold-record.json"
    out = tmp_path / "new.jsonl"
    source = Path(__file__).resolve().parent.parent / "dataset" / "source"
    argv = ["migrate", str(old), "--to", "1.1.0", "--out", str(out), "--source"]
    assert main([*argv, str(source / "000_b730d245b05eac44.txt")]) == 0
    migrated = json.loads(out.read_text(encoding="utf-8"))
    assert migrated["schema_version"] == "1.1.0"
    assert {k: v for k, v in migrated.items() if k != "schema_version"} == {
        k: v for k, v in load_json(old).items() if k != "schema_version"
    }
    assert main(["validate", str(out), "--level", "verified"]) == 0


# --- migration on a fixture version pair ------------------------------------------------------


def _rename_translation(core: dict[str, Any]) -> None:
    art = core["$defs"]["article"]
    art["properties"]["translation"] = art["properties"].pop("machine_translated")
    art["required"] = ["translation" if r == "machine_translated" else r for r in art["required"]]


def _to_2(record: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(record)
    art = out["article"]
    out["article"] = {
        ("translation" if k == "machine_translated" else k): v for k, v in art.items()
    }
    return out


FIXTURE_MIGRATIONS = {("1.0.0", "2.0.0"): _to_2}
TARGET = candidate("2.0.0", _rename_translation)
TARGET_VALIDATOR = jsonschema.Draft202012Validator(bundle_with(TARGET, "extraction"))


@given(from_schema(capped(bundle_schema("1.0.0"), 2)))
def test_migrated_records_validate_under_the_target(record: dict[str, Any]) -> None:
    migrated = migrate_record(record, "2.0.0", FIXTURE_MIGRATIONS)
    assert migrated["schema_version"] == "2.0.0"
    assert list(TARGET_VALIDATOR.iter_errors(migrated)) == []
    assert record["schema_version"] == "1.0.0"  # the input is not changed


def test_migration_of_the_gold_record_and_missing_paths() -> None:
    gold = load_json(EXAMPLES / "valid" / "verified-gold-record.json")  # release 1.0.0's record
    assert gold["schema_version"] == "1.0.0"
    migrated = migrate_record(gold, "2.0.0", FIXTURE_MIGRATIONS)
    assert (
        migrated["article"]["translation"] == "likely"
        and "machine_translated" not in migrated["article"]
    )
    assert TARGET_VALIDATOR.is_valid(migrated)
    assert migration_path("1.0.0", "1.0.0", FIXTURE_MIGRATIONS) == []
    with pytest.raises(NoMigrationError):
        migrate_record(gold, "3.0.0", FIXTURE_MIGRATIONS)


def test_migrate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = EXAMPLES / "valid" / "extraction-quotes-without-offsets.json"
    out = tmp_path / "out.jsonl"
    assert main(["migrate", str(record), "--to", "1.0.0", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == load_json(record)
    assert main(["migrate", str(record), "--to", "9.0.0", "--out", str(out), "--force"]) == 2
    assert "unknown target version 9.0.0" in capsys.readouterr().err


def test_rules_beside_a_ref_are_merged_with_the_definitions() -> None:
    """An ``x-dv`` beside a ``$ref`` adds to the referenced definition's declarations, as
    rules.compile_rules reads it; the gate used to read it as replacing them ("rule 'date'
    removed", a minor change where nothing was removed)."""
    old = bundle_schema("1.1.0", "extraction")
    start = old["$defs"]["visit"]["properties"]["start"]
    assert "$ref" in start and "x-dv" in old["$defs"]["partial_date"]
    same = copy.deepcopy(old)  # the definition's own date rule, repeated beside the $ref
    same["$defs"]["visit"]["properties"]["start"]["x-dv"] = {
        "date": old["$defs"]["partial_date"]["x-dv"]["date"]
    }
    assert compare_schemas(old, same) == []
    more = copy.deepcopy(old)  # a rule added beside the $ref: added, nothing removed
    more["$defs"]["visit"]["properties"]["start"]["x-dv"] = {"verbatim": True}
    changes = [(c.bump, c.path, c.what) for c in compare_schemas(old, more)]
    assert changes == [
        ("major", "$.visits[*].start", "rule 'verbatim' added: it may reject old records")
    ]


def test_new_rule_kinds_are_rules_added() -> None:
    """Every kind schema 2.0.0 adds (the draft) is reported as a rule added: MAJOR."""
    draft = json.loads(
        (Path(__file__).parent.parent / "docs" / "next-schema" / "record.schema.json").read_text(
            "utf-8"
        )
    )
    added = {
        c.what.split("'")[1]
        for c in compare_schemas(bundle_schema("1.1.0", "extraction"), draft)
        if c.what.endswith("added: it may reject old records") and c.bump == "major"
    }
    assert {"edtf", "date-anchor", "within", "last", "distinct"} <= added
