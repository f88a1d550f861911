"""The prompt that asks a model for a record: instructions, a field guide, and the article.

Nothing here is written for the prompt alone. The instructions are the codebook's section
"Instructions for the model" (``dataset/GUIDELINES.md``), and the field guide is generated from
the profile's own descriptions, so a change to either reaches every prompt, and the training
export (``export hf``, configs ``messages`` and ``prompt_completion``) uses the same text.

>>> from diplomatic_visits.prompt import messages
>>> [m["role"] for m in messages("Article text.")]
['system', 'user']
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from diplomatic_visits._paths import dataset_dir
from diplomatic_visits.errors import DiplomaticVisitsError
from diplomatic_visits.profile import Profile, profile_schema

INSTRUCTIONS_HEADING = "### Instructions for the model"


@cache
def instructions() -> str:
    """The codebook's instructions for a model, as written there."""
    text = (dataset_dir() / "GUIDELINES.md").read_text(encoding="utf-8")
    _, found, rest = text.partition(f"\n{INSTRUCTIONS_HEADING}\n")
    if not found:
        raise DiplomaticVisitsError(f"the codebook has no section {INSTRUCTIONS_HEADING!r}")
    body = rest.split("\n#", 1)[0]
    return body.strip()


def _first_sentence(text: str) -> str:
    text = " ".join(text.split("\n\n", 1)[0].split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


LONG_ENUM = 12
"""An enum with more values than this (2.0.0's 250 country codes) is shown by its first few and
its count in the field guide: the schema the model is given lists them all, and the whole list
would take about 700 tokens of every prompt."""


def _kind(node: Mapping[str, Any], defs: Mapping[str, Any]) -> str:
    """A short type name for the field guide."""
    if "anyOf" in node:
        parts = [_kind(b, defs) for b in node["anyOf"] if b != {"type": "null"}]
        nullable = {"type": "null"} in node["anyOf"]
        return " | ".join(parts) + (" or null" if nullable else "")
    if "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[1]
    if "enum" in node:
        values = [json.dumps(e) for e in node["enum"]]
        if len(values) > LONG_ENUM:
            return " | ".join(values[:3]) + f" | ... (one of {len(values)} values the schema lists)"
        return " | ".join(values)
    if "const" in node:
        return json.dumps(node["const"])
    if node.get("type") == "array":
        return f"list of {_kind(node.get('items', {}), defs)}"
    return str(node.get("type", "any"))


@cache
def field_guide(version: str | None = None, profile: Profile = "llm") -> str:
    """One line per field of the profile: its type and the first sentence of its description,
    grouped by object."""
    schema = profile_schema(version, profile)
    defs = schema["$defs"]
    lines: list[str] = []

    def block(name: str, node: Mapping[str, Any]) -> None:
        lines.append(f"{name}: {_first_sentence(node.get('description', ''))}".rstrip())
        for prop, sub in node.get("properties", {}).items():
            desc = sub.get("description", "")
            lines.append(f"  {prop} ({_kind(sub, defs)}): {_first_sentence(desc)}".rstrip(": "))

    block("record", schema)
    for name, node in defs.items():
        if "properties" in node:
            block(name, node)
    return "\n".join(lines)


def system_prompt(version: str | None = None, profile: Profile = "llm") -> str:
    """The instructions and the field guide: what every request shares."""
    return (
        f"{instructions()}\n\n"
        "The fields (the JSON Schema you are given says the same, with every allowed value):\n\n"
        f"{field_guide(version, profile)}"
    )


def user_prompt(text: str) -> str:
    """The request for one article."""
    return f"Extract the record of this article.\n\n<article>\n{text}\n</article>"


def messages(
    text: str, version: str | None = None, profile: Profile = "llm"
) -> list[dict[str, str]]:
    """Chat messages for one article: a system message, then the article as the user's."""
    return [
        {"role": "system", "content": system_prompt(version, profile)},
        {"role": "user", "content": user_prompt(text)},
    ]


def prompt_text(text: str, version: str | None = None, profile: Profile = "llm") -> str:
    """The same prompt as one string, for completion models and ``prompt``/``completion``
    training rows."""
    return f"{system_prompt(version, profile)}\n\n{user_prompt(text)}\n"


def target(record: Mapping[str, Any], profile: Profile = "llm") -> str:
    """The answer a model should give for ``record``'s article: the projected record as compact
    JSON (what the ``assistant`` message and the ``completion`` of a training row hold)."""
    from diplomatic_visits.profile import project

    return json.dumps(project(record, profile), ensure_ascii=False, separators=(",", ":"))
