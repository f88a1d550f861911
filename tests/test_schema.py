"""The schema files themselves: meta-validity, the keyword profile, the rules for writing them,
and immutability of released versions."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from diplomatic_visits import available_versions, bundle_schema, load_schema, validate_record
from diplomatic_visits.checks import iter_spans
from diplomatic_visits.records import read_sums
from diplomatic_visits.schema import LEVELS

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
CASES = [(v, lvl) for v in available_versions() for lvl in LEVELS]

# The keywords shared by draft-07 and 2020-12 that hypothesis-jsonschema implements
# (../shared/NOTES.md); anything else would be silently ignored by the generator.
ALLOWED_KEYWORDS = {
    "x-dv",  # our annotation keyword for the semantic rules: every validator ignores it
    "$schema",
    "$id",
    "$defs",
    "$ref",
    "$comment",
    "title",
    "description",
    "examples",
    "default",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "enum",
    "const",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minimum",
    "maximum",
    "allOf",
    "anyOf",
    "oneOf",
}
ANNOTATIONS = {"title", "description", "examples", "default", "$comment"}


def walk_schemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield every sub-schema (not data such as enum values or examples) with its pointer."""
    if not isinstance(node, dict):
        return
    yield path, node
    for key in ("properties", "$defs"):
        for name, sub in node.get(key, {}).items():
            yield from walk_schemas(sub, f"{path}/{key}/{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from walk_schemas(node[key], f"{path}/{key}")
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(node.get(key, [])):
            yield from walk_schemas(sub, f"{path}/{key}/{i}")


@pytest.mark.parametrize(("version", "level"), CASES)
def test_schema_is_valid_2020_12_in_both_engines(version: str, level: str) -> None:
    doc = load_schema(version, level)  # type: ignore[arg-type]
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(doc)
    jsonschema_rs.meta.validate(doc)


@pytest.mark.parametrize(("version", "level"), CASES)
def test_schema_uses_only_allowed_keywords(version: str, level: str) -> None:
    for ptr, sub in walk_schemas(load_schema(version, level)):  # type: ignore[arg-type]
        unknown = set(sub) - ALLOWED_KEYWORDS
        assert not unknown, f"{ptr} uses {unknown}"


@pytest.mark.parametrize(("version", "level"), CASES)
def test_id_carries_version(version: str, level: str) -> None:
    assert f"/{version}/" in load_schema(version, level)["$id"]  # type: ignore[arg-type]


def _core_schemas() -> Iterator[tuple[str, dict[str, Any]]]:
    for version in available_versions():
        yield from walk_schemas(load_schema(version, "extraction"))


def test_every_object_is_closed() -> None:
    for ptr, sub in _core_schemas():
        if "object" in (
            sub.get("type") if isinstance(sub.get("type"), list) else [sub.get("type")]
        ):
            assert sub.get("additionalProperties") is False, ptr


def test_unions_are_only_type_or_null() -> None:
    for ptr, sub in _core_schemas():
        t = sub.get("type")
        if isinstance(t, list):
            assert len(t) == 2 and "null" in t, ptr
        if "anyOf" in sub:
            assert len(sub["anyOf"]) == 2 and {"type": "null"} in sub["anyOf"], ptr
        assert "oneOf" not in sub, ptr


def test_patterns_are_ascii_and_bounded() -> None:
    for ptr, sub in _core_schemas():
        if "pattern" in sub:
            assert not re.search(r"\\[dwsDWSp]", sub["pattern"]), f"{ptr}: use ASCII classes"
            assert sub["pattern"].startswith("^") and sub["pattern"].endswith("$"), ptr
            assert "maxLength" in sub, f"{ptr}: a pattern needs a length bound"


def test_every_property_is_described_and_enums_explained() -> None:
    for ptr, sub in _core_schemas():
        for name, prop in sub.get("properties", {}).items():
            assert prop.get("description") or "$ref" in prop, (
                f"{ptr}/properties/{name} has no description"
            )
        # a standard's code list (2.0.0's ISO 3166-1 countries, held to the standard by
        # tests/test_schema_2_0_0.py) is explained by naming the standard, not code by code
        if "enum" in sub and not sub["description"].startswith("ISO 3166-1 alpha-3 code"):
            for value in sub["enum"]:
                if value is not None:
                    assert f"`{value}`" in sub["description"], (
                        f"{ptr}: enum value {value!r} is not explained"
                    )


def test_no_recursive_refs() -> None:
    for version in available_versions():
        defs = load_schema(version)["$defs"]

        def refs(node: Any) -> set[str]:
            found = set()
            if isinstance(node, dict):
                if isinstance(node.get("$ref"), str):
                    found.add(node["$ref"].rsplit("/", 1)[1])
                for v in node.values():
                    found |= refs(v)
            elif isinstance(node, list):
                for v in node:
                    found |= refs(v)
            return found

        def reach(name: str, seen: tuple[str, ...], defs: dict[str, Any]) -> None:
            assert name not in seen, f"recursive $ref: {' -> '.join((*seen, name))}"
            for r in refs(defs[name]):
                reach(r, (*seen, name), defs)

        for name in defs:
            reach(name, (), defs)


def test_released_schema_files_match_their_checksums() -> None:
    sums = read_sums(SCHEMA_DIR / "SHA256SUMS")
    shipped = {p.relative_to(SCHEMA_DIR).as_posix() for p in SCHEMA_DIR.glob("*/*.json")}
    assert shipped == set(sums), "every released schema file is listed in schema/SHA256SUMS"
    for name, digest in sums.items():
        actual = hashlib.sha256((SCHEMA_DIR / name).read_bytes()).hexdigest()
        assert actual == digest, f"schema/{name} changed after release: make a new version instead"


def test_every_version_has_both_levels() -> None:
    for version in available_versions():
        for level in LEVELS:
            assert load_schema(version, level)["title"]  # type: ignore[arg-type]


def test_verified_profile_adds_constraints_only(gold: dict[str, Any]) -> None:
    """Everything valid at `verified` is valid at `extraction` (the profile never loosens)."""
    assert validate_record(gold, level="verified") == []
    assert validate_record(gold, level="extraction") == []
    verified = load_schema(level="verified")
    assert "properties" not in verified and "additionalProperties" not in verified


def test_verified_requires_offsets_on_every_span_location(gold: dict[str, Any]) -> None:
    """Removing the offsets of any one span of the gold record fails the verified level at that
    span; the extraction level still accepts it."""
    paths = [p for p, _ in iter_spans(gold)]
    assert len(paths) > 100
    kinds = set()
    for path in paths:
        record = json.loads(json.dumps(gold))
        node: Any = record
        for part in path:
            node = node[part]
        del node["start"], node["end"]
        kinds.add(tuple(p for p in path if isinstance(p, str)))
        issues = validate_record(record, level="verified")
        assert issues and all(i.path == path for i in issues), path
        assert validate_record(record, level="extraction") == [], path
    assert len(kinds) >= 25  # every kind of place a span can be is exercised


@pytest.mark.parametrize("level", LEVELS)
def test_bundled_schema_is_self_contained_and_equivalent(level: str, gold: dict[str, Any]) -> None:
    bundled = bundle_schema(gold["schema_version"], level)  # type: ignore[arg-type]
    text = json.dumps(bundled)
    assert re.search(r'"\$ref": "(?!#)', text) is None
    v = jsonschema.Draft202012Validator(
        bundled, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert v.is_valid(gold)
    broken = json.loads(json.dumps(gold))
    broken["visits"][0]["evidence"][0] = {"quote": "x"}
    assert v.is_valid(broken) == (level == "extraction")
