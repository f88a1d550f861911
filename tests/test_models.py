"""The pydantic models of the llm profile: generated, shipped, and in agreement with the
profile (strict types, no extra keys, the nulls the profile requires) and with the engines'
SDK helpers that take pydantic models."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

import diplomatic_visits as dv
from diplomatic_visits import _codegen, models, profile


@pytest.fixture(scope="module")
def target() -> dict[str, Any]:
    return profile.project(dv.load_records()[0])


def test_models_are_what_the_generator_makes_of_the_profile_today() -> None:
    committed = Path(models.__file__).read_text(encoding="utf-8")
    assert _codegen.generate() == committed, "regenerate: python -m diplomatic_visits._codegen"


def test_the_projected_gold_round_trips_through_the_models(target: dict[str, Any]) -> None:
    record = models.Record.model_validate(target)
    dumped = record.model_dump(mode="json")
    assert dumped == target  # every null the profile requires is kept, nothing added
    jsonschema.Draft202012Validator(profile.profile_schema()).validate(dumped)
    assert models.Record.model_validate_json(json.dumps(target)) == record


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
