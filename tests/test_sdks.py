"""The profile and its models handed to the model providers' own SDKs unchanged, end to end,
offline: each client talks to a stand-in HTTP server (httpx.MockTransport) that answers with the
projected gold record the way the provider's API would, and the answer is lifted and validated."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import diplomatic_visits as dv
from diplomatic_visits import models, profile
from diplomatic_visits.migrate import migrate_record


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    """The gold record under the latest version (the models' and the profile's default),
    migrated to it if the shipped record is older."""
    return migrate_record(dv.load_records()[0], dv.latest_version())


def _grounded(answer: Any, gold: dict[str, Any]) -> None:
    text = dv.load_source_text(gold)
    record, _ = profile.lift(answer, text, article_id=gold["article"]["id"])
    assert dv.validate_record(record, text=text) == []
    assert dv.score_records([record], [gold]).micro.f1 == 1.0


def _openai_server(
    gold: dict[str, Any], seen: list[dict[str, Any]], tool: bool
) -> httpx.MockTransport:
    answer = json.dumps(profile.project(gold), ensure_ascii=False)

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        message: dict[str, Any] = {"role": "assistant", "content": None if tool else answer}
        if tool:
            name = body["tools"][0]["function"]["name"]
            message["tool_calls"] = [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": name, "arguments": answer},
                }
            ]
        return httpx.Response(
            200,
            json={
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "stand-in",
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": "tool_calls" if tool else "stop",
                    }
                ],
            },
        )

    return httpx.MockTransport(handle)


def test_openai_response_format_takes_the_profile_as_a_raw_schema(gold: dict[str, Any]) -> None:
    import openai

    seen: list[dict[str, Any]] = []
    client = openai.OpenAI(
        api_key="x", http_client=httpx.Client(transport=_openai_server(gold, seen, tool=False))
    )
    text = dv.load_source_text(gold)
    from diplomatic_visits import prompt

    reply = client.chat.completions.create(
        model="stand-in",
        messages=prompt.messages(text),  # type: ignore[arg-type]
        response_format={
            "type": "json_schema",
            "json_schema": {
                "name": "record",
                "strict": True,
                "schema": dv.bundle_schema(profile="llm"),
            },
        },
    )
    assert seen[0]["response_format"]["json_schema"]["schema"] == profile.profile_schema()
    _grounded(reply.choices[0].message.content, gold)


def test_openai_parse_takes_the_pydantic_model(gold: dict[str, Any]) -> None:
    import openai

    seen: list[dict[str, Any]] = []
    client = openai.OpenAI(
        api_key="x", http_client=httpx.Client(transport=_openai_server(gold, seen, tool=False))
    )
    reply = client.chat.completions.parse(
        model="stand-in", messages=[{"role": "user", "content": "x"}], response_format=models.Record
    )
    parsed = reply.choices[0].message.parsed
    assert isinstance(parsed, models.Record)
    assert seen[0]["response_format"]["json_schema"]["strict"] is True
    _grounded(parsed.model_dump(mode="json"), gold)


def test_instructor_takes_the_pydantic_model_as_response_model(gold: dict[str, Any]) -> None:
    import instructor
    import openai

    seen: list[dict[str, Any]] = []
    client = instructor.from_openai(
        openai.OpenAI(
            api_key="x", http_client=httpx.Client(transport=_openai_server(gold, seen, tool=True))
        )
    )
    got = client.chat.completions.create(
        model="stand-in",
        response_model=models.Record,
        messages=[{"role": "user", "content": "x"}],
        max_retries=0,
    )
    assert isinstance(got, models.Record)
    _grounded(got.model_dump(mode="json"), gold)


def test_instructor_sends_a_duplicate_back_to_the_model_and_takes_the_retry(
    gold: dict[str, Any],
) -> None:
    # the canonical schema's uniqueItems is not in the profile (no engine takes it), so a model
    # may repeat a visitor; the pydantic model refuses it and instructor asks again, with why
    import instructor
    import openai

    good = profile.project(gold)
    bad = json.loads(json.dumps(good))
    bad["visits"][0]["visitors"] *= 2
    answers = [bad, good]
    seen: list[dict[str, Any]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        call = {
            "id": f"call_{len(seen)}",
            "type": "function",
            "function": {
                "name": body["tools"][0]["function"]["name"],
                "arguments": json.dumps(answers[len(seen) - 1]),
            },
        }
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        return httpx.Response(
            200,
            json={
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "stand-in",
                "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
            },
        )

    client = instructor.from_openai(
        openai.OpenAI(api_key="x", http_client=httpx.Client(transport=httpx.MockTransport(handle)))
    )
    got = client.chat.completions.create(
        model="stand-in",
        response_model=models.Record,
        messages=[{"role": "user", "content": "x"}],
        max_retries=1,
    )
    assert len(seen) == 2
    retry = json.dumps(seen[1]["messages"])
    assert "visitors: item 1 repeats item 0" in retry and "uniqueItems" in retry
    _grounded(got.model_dump(mode="json"), gold)


def test_anthropic_tool_use_takes_the_transformed_profile(gold: dict[str, Any]) -> None:
    import anthropic
    import httpx2  # anthropic's own fork of httpx, since 2.x

    seen: list[dict[str, Any]] = []
    target = profile.project(gold)

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        return httpx2.Response(
            200,
            json={
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "stand-in",
                "content": [{"type": "tool_use", "id": "t1", "name": "record", "input": target}],
                "stop_reason": "tool_use",
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": 1},
            },
        )

    client = anthropic.Anthropic(
        api_key="x", http_client=httpx2.Client(transport=httpx2.MockTransport(handle))
    )
    schema = anthropic.transform_schema(dv.bundle_schema(profile="llm"))
    reply = client.messages.create(
        model="stand-in",
        max_tokens=16000,
        messages=[{"role": "user", "content": "x"}],
        tools=[{"name": "record", "description": "the record", "input_schema": schema}],
        tool_choice={"type": "tool", "name": "record"},
    )
    assert seen[0]["tools"][0]["input_schema"] == schema
    block = reply.content[0]
    assert block.type == "tool_use"
    _grounded(block.input, gold)


@pytest.mark.parametrize("version", dv.available_versions())
def test_google_genai_response_schema_takes_the_profile(gold: dict[str, Any], version: str) -> None:
    # google-genai converts response_schema to its OpenAPI subset on the client: a const
    # without "type": "string" beside it raised "Literal values must be strings"
    from google import genai
    from google.genai import types

    seen: list[dict[str, Any]] = []
    target = profile.project(gold)
    target["schema_version"] = version

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        part = {"text": json.dumps(target, ensure_ascii=False)}
        return httpx.Response(
            200,
            json={
                "candidates": [
                    {"content": {"role": "model", "parts": [part]}, "finishReason": "STOP"}
                ]
            },
        )

    client = genai.Client(
        api_key="x",
        http_options=types.HttpOptions(
            httpx_client=httpx.Client(transport=httpx.MockTransport(handle))
        ),
    )
    reply = client.models.generate_content(
        model="stand-in",
        contents="x",
        config=types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=dv.bundle_schema(version, profile="llm"),
        ),
    )
    sent = seen[0]["generationConfig"]["responseSchema"]
    assert sent["properties"]["schema_version"] == {
        "type": "STRING",
        "enum": [version],
        "description": profile.profile_schema(version)["properties"]["schema_version"][
            "description"
        ],
    }
    assert set(sent["properties"]) == set(profile.profile_schema(version)["properties"])
    if version == dv.latest_version():
        _grounded(reply.text, gold)
