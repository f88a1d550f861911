"""Valid examples pass; every invalid example fails at its expected JSON path, with the expected
keyword, in both engines (python-jsonschema is the reference, jsonschema-rs the fast one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, load_json
from diplomatic_visits import validate_record
from diplomatic_visits.schema import LEVELS, declared_version, iter_schema_issues

VALID = sorted((EXAMPLES / "valid").glob("*.json"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.json"))
EXPECTED: dict[str, dict[str, str]] = load_json(EXAMPLES / "expected-failures.json")


def test_every_invalid_example_has_an_expectation() -> None:
    assert {p.name for p in INVALID} == set(EXPECTED)
    assert len(INVALID) >= 20


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_examples_pass_in_both_engines(path: Path) -> None:
    record = load_json(path)
    levels = LEVELS if path.stem.startswith("verified") else ("extraction",)
    for level in levels:
        assert validate_record(record, level=level) == []
        assert list(iter_schema_issues(record, declared_version(record), level, "python")) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_examples_fail_where_expected(path: Path) -> None:
    record: Any = load_json(path)
    want = EXPECTED[path.name]
    issues = validate_record(record, level=want["level"])  # type: ignore[arg-type]
    assert issues, "expected a failure"
    assert {(i.json_path, i.keyword, i.kind) for i in issues} >= {
        (want["path"], want["keyword"], want["kind"])
    }
    if want["kind"] == "semantic":
        assert all(i.kind == "semantic" for i in issues)
    else:  # semantic issues are reported in the same pass, but never about the broken value
        under = want["path"]
        assert not [i for i in issues if i.kind == "semantic" and i.json_path.startswith(under)], (
            "a semantic issue repeats the schema's"
        )
    if want["kind"] == "schema":
        rs = {
            (i.json_path, i.keyword)
            for i in iter_schema_issues(record, declared_version(record), want["level"], "rs")
        }  # type: ignore[arg-type]
        py = {
            (i.json_path, i.keyword)
            for i in iter_schema_issues(record, declared_version(record), want["level"], "python")
        }  # type: ignore[arg-type]
        assert (want["path"], want["keyword"]) in py
        assert rs == py, "the engines disagree"
    else:
        # semantic examples are schema-valid: the rule is one JSON Schema cannot express
        version, level = declared_version(record), want["level"]
        assert list(iter_schema_issues(record, version, level, "python")) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_names_say_the_rule(path: Path) -> None:
    want = EXPECTED[path.name]
    assert path.stem.startswith("semantic-") == (want["kind"] == "semantic")
    assert path.stem.startswith("verified-") == (want["level"] == "verified")
