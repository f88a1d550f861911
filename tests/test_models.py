"""The pydantic models of the llm profile: generated, shipped, and in agreement with the
profile (strict types, no extra keys, the nulls the profile requires) and with the engines'
SDK helpers that take pydantic models."""

from __future__ import annotations

import copy
import importlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

import diplomatic_visits as dv
from diplomatic_visits import _codegen, models, profile
from diplomatic_visits.migrate import migrate_record


@pytest.fixture(scope="module")
def target() -> dict[str, Any]:
    """The gold record's answer under the latest version (the models' own), migrated to it if
    the shipped record is older."""
    return profile.project(migrate_record(dv.load_records()[0], dv.latest_version()))


def _models_of(version: str) -> Any:
    return importlib.import_module(f"diplomatic_visits.{_codegen.module_name(version)}")


@pytest.mark.parametrize("version", dv.available_versions())
def test_models_are_what_the_generator_makes_of_the_profile_today(version: str) -> None:
    committed = Path(_models_of(version).__file__).read_text(encoding="utf-8")
    assert _codegen.generate(version) == committed, (
        "regenerate: python -m diplomatic_visits._codegen"
    )


def test_every_shipped_version_has_its_models_and_no_other() -> None:
    folder = Path(models.__file__).parent
    assert {p.stem for p in folder.glob("models*.py")} == {
        _codegen.module_name(v) for v in dv.available_versions()
    }
    assert _codegen.module_name(dv.latest_version()) == "models"


def _descriptions(node: Any) -> Counter[str]:
    found: Counter[str] = Counter()
    if isinstance(node, dict):
        if isinstance(node.get("description"), str):
            found[node["description"]] += 1
        for key, value in node.items():
            if key not in ("enum", "const"):
                found += _descriptions(value)
    elif isinstance(node, list):
        for value in node:
            found += _descriptions(value)
    return found


@pytest.mark.parametrize("version", dv.available_versions())
def test_model_json_schema_carries_every_description_of_the_profile(version: str) -> None:
    # what OpenAI's and instructor's helpers send: the per-field guidance must be in it (it
    # kept 25 of the 183 descriptions of 1.1.0's profile)
    want = _descriptions(profile.profile_schema(version))
    got = _descriptions(_models_of(version).Record.model_json_schema())
    assert sum(want.values()) > 100
    # an object the profile writes inline (2.0.0's `relative`) becomes a class: its description
    # is then the class's and its field's, so it may come twice, never less often
    assert set(got) == set(want)
    assert all(got[d] >= n for d, n in want.items())


def test_the_models_of_an_older_version_take_its_projected_gold() -> None:
    from conftest import EXAMPLES, load_json

    old = _models_of("1.0.0")
    record = load_json(EXAMPLES / "valid" / "verified-gold-record.json")
    assert record["schema_version"] == "1.0.0"
    answer = profile.project(record)
    assert old.Record.model_validate(answer).model_dump(mode="json") == answer
    with pytest.raises(ValidationError):  # the 1.0.0 models are not the 1.1.0 ones
        old.Record.model_validate({**answer, "schema_version": "1.1.0"})
    with pytest.raises(ValidationError):
        models.Record.model_validate(answer)


def test_the_projected_gold_round_trips_through_the_models(target: dict[str, Any]) -> None:
    record = models.Record.model_validate(target)
    dumped = record.model_dump(mode="json")
    assert dumped == target  # every null the profile requires is kept, nothing added
    jsonschema.Draft202012Validator(profile.profile_schema()).validate(dumped)
    assert models.Record.model_validate_json(json.dumps(target)) == record


@pytest.mark.parametrize(
    ("value", "written"),
    [("XXXX-08-09", "XXXX-08-09"), ("2023-06-03/..", "2023-06-03"), ("2023-23", None)],
)
def test_edtf_dates_round_trip_through_the_models_unchanged(
    target: dict[str, Any], value: str, written: str | None
) -> None:
    """2.0.0 dates are strings the models keep as written: no date parsing, no coercion."""
    answer = copy.deepcopy(target)
    date = answer["visits"][0]["sub_events"][0]["date"]
    date.update(value=value, written=written, precision="day", relative=None, absence=None)
    dumped = models.Record.model_validate(answer).model_dump(mode="json")
    assert dumped["visits"][0]["sub_events"][0]["date"] == date
    assert models.Record.model_validate_json(json.dumps(answer)).model_dump(mode="json") == answer


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("visits", 0, "duration_days"), "6"),  # no "6" for 6
        (("visits", 0, "kind"), "holiday"),  # enums are literals
        (("actors", 0, "name"), 7),  # no 7 for "7"
        (("visits", 0, "visitors"), None),  # null only where the profile allows it
        (("visits", 0, "surprise"), 1),  # no key the profile does not have
    ],
)
def test_the_models_refuse_what_the_profile_refuses(
    target: dict[str, Any], path: tuple[Any, ...], value: Any
) -> None:
    bad = copy.deepcopy(target)
    node: Any = bad
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(profile.profile_schema()).validate(bad)
    with pytest.raises(ValidationError):
        models.Record.model_validate(bad)


def test_a_missing_key_is_refused(target: dict[str, Any]) -> None:
    bad = copy.deepcopy(target)
    del bad["visits"][0]["origin"]  # required (nullable) in the profile, as strict modes want
    with pytest.raises(ValidationError):
        models.Record.model_validate(bad)


def test_openai_helpers_take_the_model_unchanged(target: dict[str, Any]) -> None:
    import openai
    from openai.lib._parsing._completions import type_to_response_format_param

    fmt = type_to_response_format_param(models.Record)
    assert isinstance(fmt, dict)
    strict = fmt["json_schema"]
    assert strict["strict"] is True
    jsonschema.Draft202012Validator(strict["schema"]).validate(target)
    tool = openai.pydantic_function_tool(models.Record)
    assert tool["function"]["strict"] is True


def test_the_model_serves_as_a_parsed_answer(target: dict[str, Any]) -> None:
    # what instructor or the OpenAI SDK hand back: a model instance, lifted as a dict
    text = dv.load_source_text(dv.load_records()[0])
    answer = models.Record.model_validate(target)
    record, _ = profile.lift(
        answer.model_dump(mode="json"), text, article_id="000_b730d245b05eac44"
    )
    assert dv.validate_record(record, text=text) == []


def _unique_in_the_canonical_schema() -> set[tuple[str, str]]:
    """(definition, field) wherever the canonical extraction schema says uniqueItems, for the
    definitions the profile keeps: read from the schema itself, not from the generator."""
    canonical = dv.load_schema(level="extraction")
    kept = profile.profile_schema()["$defs"]
    return {
        (name, field)
        for name, node in canonical["$defs"].items()
        if name in kept
        for field, sub in node.get("properties", {}).items()
        if sub.get("uniqueItems") is True
    }


def _model_of(def_name: str) -> type[Any]:
    return getattr(models, "".join(p.capitalize() for p in def_name.split("_")))


def test_the_models_know_every_array_the_schema_keeps_unique() -> None:
    expected = _unique_in_the_canonical_schema()
    assert len(expected) == 16  # 2.0.0: visitors, hosts, signatories, ..., announced_in, relayed_by
    declared = {
        (name, field)
        for name in profile.profile_schema()["$defs"]
        for field in _model_of(name).unique_items
    }
    assert declared == expected


def _smallest(node: dict[str, Any], defs: dict[str, Any]) -> Any:
    """The smallest instance of a profile node: null where nullable, no items, the first
    enum value; a profile-valid instance to put one duplicate into."""
    if "$ref" in node:
        return _smallest(defs[node["$ref"].rsplit("/", 1)[1]], defs)
    if "anyOf" in node:
        branches = node["anyOf"]
        if any(b.get("type") == "null" for b in branches):
            return None
        return _smallest(branches[0], defs)
    if "enum" in node:
        return node["enum"][0]
    if "const" in node:
        return node["const"]
    kind = node["type"]
    if kind == "object":
        return {k: _smallest(v, defs) for k, v in node["properties"].items()}
    return {"array": [], "string": "x", "integer": 0, "number": 0, "boolean": False}[kind]


def _items_of(array: dict[str, Any]) -> Any:
    """The item schema of an array in the profile, nullable (``anyOf: [array, null]``) or not."""
    if "items" in array:
        return array["items"]
    return next(s["items"] for s in array["anyOf"] if s.get("type") == "array")


@pytest.mark.parametrize("where", sorted(_unique_in_the_canonical_schema()))
def test_a_duplicate_is_refused_where_the_schema_refuses_it(where: tuple[str, str]) -> None:
    def_name, field = where
    defs = profile.profile_schema()["$defs"]
    model = _model_of(def_name)
    item = _smallest(_items_of(defs[def_name]["properties"][field]), defs)
    once = {**_smallest(defs[def_name], defs), field: [item]}
    assert model.model_validate(once).model_dump(mode="json") == once  # accepted as it is
    with pytest.raises(ValidationError, match=f"{field}: item 1 repeats item 0"):
        model.model_validate({**once, field: [item, item]})


def test_the_duplicate_check_leaves_the_engines_schema_alone() -> None:
    sent = json.dumps(models.Record.model_json_schema())
    assert "uniqueItems" not in sent and "unique_items" not in sent


def test_without_pydantic_the_import_says_which_extra_to_install(tmp_path: Path) -> None:
    import subprocess
    import sys

    blocker = tmp_path / "pydantic.py"  # shadows the real package: as if it were not installed
    blocker.write_text("raise ImportError('No module named pydantic')\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import diplomatic_visits.models"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        check=False,
    )
    assert done.returncode == 1
    assert "pip install 'diplomatic-visits[llm]'" in done.stderr
