"""The ``llm`` profile: the schema a language model fills, derived from the canonical one.

A structured-output engine (OpenAI strict mode, Anthropic's tool schemas, llguidance, outlines)
accepts a small part of JSON Schema, and a model cannot count code points. The profile is the
canonical extraction-level schema of a version, rewritten by the named transformations of
:data:`STEPS`, in order; each says what it drops. Nothing in it is written by hand: a new schema
version gets its profile by running the same steps.

What a step drops is listed by :func:`dropped` (``diplomatic-visits schema --profile llm
--explain``), and it is exactly what the validator re-checks after generation: :func:`lift`
turns a profile instance back into an extraction-level record of the canonical schema, which
still holds every dropped keyword and every ``x-dv`` rule.

>>> import diplomatic_visits as dv
>>> from diplomatic_visits.profile import project, lift, profile_schema
>>> gold = dv.load_records()[0]
>>> text = dv.load_source_text(gold)
>>> answer = project(gold)                  # what a model should produce for this article
>>> record, issues = lift(answer, text)     # offsets found, nulls removed, metadata filled
>>> dv.validate_record(record, text=text)
[]
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, NamedTuple

from diplomatic_visits.checks import locate_quote
from diplomatic_visits.errors import DiplomaticVisitsError, UnknownProfileError
from diplomatic_visits.grounding import MAX_CANDIDATES, Placement, ground
from diplomatic_visits.parse import STRICT_DECODER, has_lone_surrogate
from diplomatic_visits.schema import (
    RULES_KEYWORD,
    VERSION_KEY,
    Level,
    checked_version,
    declared_version,
    is_null_union,
    latest_version,
    referenced_defs,
    resolve,
    strip_annotations,
)
from diplomatic_visits.schema import bundle_schema as canonical_schema

Profile = Literal["llm"]
PROFILES: tuple[Profile, ...] = ("llm",)

ROOT = "record"
"""The name :data:`OMIT` gives the record's own object (the others are ``$defs`` names)."""

# --- what a model does not produce ------------------------------------------------------------

OMIT: Mapping[tuple[str, str], str] = {
    (ROOT, "record_id"): "names a record in a dataset: the caller's (lift's `record_id`)",
    (ROOT, "annotation"): "how people annotated and verified the record: no text says it",
    ("article", "id"): "the caller's name for the article (lift's `article_id`)",
    ("article", "source"): "publisher, URL and date are not in the text the model reads",
    ("article", "text_file"): "file, sha256 and length: lift computes them from the text",
    ("article", "title_span"): "lift locates the title the model copies",
    ("article", "body_span"): "offsets of the body: lift leaves it null",
    ("article", "boilerplate"): "page furniture around the article: lift leaves it empty",
    ("article", "quality_notes"): "the annotator's notes on the text: lift leaves them empty",
    ("actor", "wikidata"): "set only when a person verified the QID",
    ("place", "wikidata"): "set only when a person verified the QID",
}
"""Properties the profile leaves out, keyed by (``$defs`` name or :data:`ROOT`, property), each
with the reason. :func:`lift` fills them: from its arguments, from the text, or with the empty
value the schema allows (``[]``, null)."""

EVIDENCE_ON: frozenset[str] = frozenset({"visit", "sub_event", "outcome", "statement"})
"""The objects whose evidence the profile keeps: the claims (a visit, what happened in it, its
outcomes, what was said). The evidence of the values inside them (a date, a country, a title, a
place) is left out: a date keeps its words in `text`, and one quote per claim keeps a target
short enough to train on. An evidence list that the schema requires to be non-empty (an actor's
`mentions`) is always kept."""

STEPS: tuple[tuple[str, str], ...] = (
    (
        "omit_unproducible",
        "leave out what the text does not say or the caller knows better (OMIT), and the "
        "evidence of values inside a claim (EVIDENCE_ON)",
    ),
    (
        "quotes_for_spans",
        "an evidence span becomes its quote, a plain string: a model copies words, it cannot "
        "count code points; lift finds the offsets",
    ),
    (
        "required_nullable",
        "every property is required; one the canonical schema lets be absent may be null "
        "(strict modes refuse optional properties); lift removes those nulls",
    ),
    (
        "null_as_anyof",
        'write `type: [T, "null"]` as `anyOf: [{type: T}, {type: null}]` (Anthropic\'s converter '
        "asserts on type lists); give a `$ref` with its own description the same form",
    ),
    (
        "portable_keywords",
        "keep only type, properties, required, additionalProperties, items, enum, const, anyOf, "
        "$ref, $defs and description: lengths, item counts, uniqueness, patterns, formats, "
        "bounds, examples and rule annotations go (every engine above refuses or mishandles "
        "one of them); the validator re-checks them all. A `const` or `enum` without a `type` "
        "gets its values' JSON type beside it (google-genai's response_schema refuses an "
        "untyped literal: 'Literal values must be strings')",
    ),
)
"""The transformations, in the order they apply: (name, what it does and drops)."""

KEPT_KEYWORDS: frozenset[str] = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "anyOf",
        "$ref",
        "$defs",
        "description",
    }
)

# --- the derivation -------------------------------------------------------------------------


class Dropped(NamedTuple):
    """One thing a transformation took out of the canonical schema."""

    step: str
    where: str  # JSON Pointer into the canonical bundled schema
    keyword: str  # the keyword, or the property name for a property left out
    value: Any


class Fate(NamedTuple):
    """What becomes of one property of the canonical schema in the profile."""

    kind: Literal["keep", "omit", "quote", "quotes"]
    reason: str = ""


def _is_span(node: Mapping[str, Any]) -> bool:
    rules = node.get(RULES_KEYWORD)
    return isinstance(rules, Mapping) and "span" in rules


class _Schema:
    """A canonical bundled schema with the lookups the steps need."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.defs: Mapping[str, Any] = doc["$defs"]

    def deref(self, node: Mapping[str, Any]) -> tuple[Mapping[str, Any], str | None, bool]:
        """The node a property's schema stands for, the ``$defs`` name it came from (or None),
        and whether null is allowed."""
        found = resolve(node, self.defs)
        t = found.schema.get("type")
        nullable = found.nullable or (isinstance(t, list) and "null" in t)
        return found.schema, found.name, nullable

    def fate(self, owner: str, prop: str, node: Mapping[str, Any], required: bool) -> Fate:
        if (owner, prop) in OMIT:
            return Fate("omit", OMIT[owner, prop])
        target, _, _ = self.deref(node)
        if _is_span(target):
            return Fate("quote")
        if target.get("type") == "array":
            item, _, _ = self.deref(target.get("items", {}))
            if _is_span(item):
                if owner in EVIDENCE_ON or target.get("minItems", 0) >= 1:
                    return Fate("quotes")
                return Fate("omit", f"evidence of a value inside a claim (EVIDENCE_ON: {owner})")
        return Fate("keep")


@cache
def _canonical(version: str) -> _Schema:
    return _Schema(canonical_schema(version, "extraction"))


def _version(version: str | None) -> str:
    return version or latest_version()


@cache
def _derive(version: str, profile: Profile) -> tuple[str, list[Dropped]]:
    if profile not in PROFILES:
        raise DiplomaticVisitsError(f"unknown profile {profile!r}; profiles: {', '.join(PROFILES)}")
    canon = _canonical(version)
    steps = _Steps(canon)
    doc = canon.doc
    defs = {
        name: steps.definition(name, node)
        for name, node in doc["$defs"].items()
        if name != "span"  # every use became a quote
    }
    root_in = {k: v for k, v in doc.items() if k not in ("$defs", "$schema", "$id", "title")}
    for key in ("$schema", "$id"):
        steps.drops.append(Dropped("portable_keywords", "", key, doc[key]))
    root = steps.object(root_in, steps.portable_keywords(root_in, ""), "", ROOT)
    used = referenced_defs(root, defs)
    out = {
        "title": f"diplomatic-visits {version} llm profile",
        **root,
        "$defs": {k: v for k, v in defs.items() if k in used},
    }
    # engines may keep the dict; callers get copies of this frozen text
    return json.dumps(out, ensure_ascii=False), steps.drops


class _Steps:
    """The :data:`STEPS` applied to the nodes of one canonical schema; ``drops`` collects what
    each step took out, in the order the nodes are met."""

    def __init__(self, canon: _Schema) -> None:
        self.canon = canon
        self.drops: list[Dropped] = []

    def definition(self, name: str, node: Mapping[str, Any]) -> dict[str, Any]:
        """A ``$defs`` entry in profile form."""
        where = f"/$defs/{name}"
        converted = self.portable_keywords(node, where)
        if converted.get("type") == "object" and "properties" in converted:
            return self.object(node, converted, where, name)
        return self.convert(node, where)

    def portable_keywords(self, node: Mapping[str, Any], where: str) -> dict[str, Any]:
        """Step ``portable_keywords``: ``node`` with only :data:`KEPT_KEYWORDS`, and the type
        of its ``const`` or ``enum`` beside it."""
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in KEPT_KEYWORDS:
                out[key] = value
            else:
                self.drops.append(Dropped("portable_keywords", where, key, value))
        if "type" not in out and ("const" in out or "enum" in out):
            literal_type = _literal_type([out["const"]] if "const" in out else out["enum"])
            if literal_type is not None:
                out["type"] = literal_type
        return out

    @staticmethod
    def null_as_anyof(node: dict[str, Any]) -> dict[str, Any]:
        """Step ``null_as_anyof``: ``node`` that also admits null, in the ``anyOf`` form."""
        if "anyOf" in node:
            if {"type": "null"} not in node["anyOf"]:
                node["anyOf"] = [*node["anyOf"], {"type": "null"}]
            return node
        desc = node.pop("description", None)
        if isinstance(node.get("type"), list):
            node["type"] = next(t for t in node["type"] if t != "null")
        if "enum" in node:
            node["enum"] = [e for e in node["enum"] if e is not None]
        out: dict[str, Any] = {"anyOf": [node, {"type": "null"}]}
        if desc is not None:
            out["description"] = desc
        return out

    def convert(self, node: Mapping[str, Any], where: str) -> dict[str, Any]:
        """A canonical schema node (not an object of our own), in profile form."""
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            rest = self.portable_keywords({k: v for k, v in node.items() if k != "$ref"}, where)
            ref = {"$ref": f"#/$defs/{name}"}
            return {"anyOf": [ref], **rest} if rest else ref
        if is_null_union(node):
            inner = next(s for s in node["anyOf"] if s != {"type": "null"})
            rest = self.portable_keywords({k: v for k, v in node.items() if k != "anyOf"}, where)
            return {**self.null_as_anyof(self.convert(inner, f"{where}/anyOf/0")), **rest}
        out = self.portable_keywords(node, where)
        t = out.get("type")
        if t == "object" and "properties" in out:
            return self.object(node, out, where, "")
        if t == "array" and "items" in out:
            out["items"] = self.convert(node["items"], f"{where}/items")
        if isinstance(t, list) and "null" in t:
            return self.null_as_anyof(out)
        return out

    def object(
        self, node: Mapping[str, Any], out: dict[str, Any], where: str, owner: str
    ) -> dict[str, Any]:
        """An object of ours (``out``: its own keywords, already portable) with each property
        in profile form; step ``required_nullable``: every property required, an optional one
        nullable."""
        required = set(node.get("required", ()))
        props: dict[str, Any] = {}
        for prop, sub in node["properties"].items():
            at = f"{where}/properties/{prop}"
            new = self.property(owner, prop, sub, at, prop in required)
            if new is None:
                continue
            if prop not in required:
                self.drops.append(Dropped("required_nullable", at, "optional", prop))
                new = self.null_as_anyof(new)
            props[prop] = new
        out["properties"] = props
        out["required"] = list(props)
        out["additionalProperties"] = False
        return out

    def property(
        self, owner: str, prop: str, sub: Mapping[str, Any], at: str, required: bool
    ) -> dict[str, Any] | None:
        """One property in profile form, as its :class:`Fate` says; None when step
        ``omit_unproducible`` leaves it out."""
        fate = self.canon.fate(owner, prop, sub, required)
        if fate.kind == "omit":
            self.drops.append(Dropped("omit_unproducible", at, prop, fate.reason))
            return None
        if fate.kind == "quote":
            return self.quote(sub, at)
        if fate.kind == "quotes":
            return self.quotes(sub, at)
        return self.convert(sub, at)

    def quote(self, sub: Mapping[str, Any], at: str) -> dict[str, Any]:
        """Step ``quotes_for_spans`` for one span: its quote, a string (null where the span
        may be)."""
        _, _, null_ok = self.canon.deref(sub)
        new: dict[str, Any] = {"type": "string", "description": _quote_doc(sub, self.canon)}
        self.drops.append(Dropped("quotes_for_spans", at, "start/end", "offsets"))
        return self.null_as_anyof(new) if null_ok else new

    def quotes(self, sub: Mapping[str, Any], at: str) -> dict[str, Any]:
        """Step ``quotes_for_spans`` for a list of spans: a list of quotes, without bounds."""
        target, _, _ = self.canon.deref(sub)
        new = {
            "type": "array",
            "description": sub.get("description", target.get("description", "")),
            "items": {"type": "string", "description": _quote_doc({}, self.canon)},
        }
        self.drops.append(Dropped("quotes_for_spans", at, "start/end", "offsets"))
        for key in ("minItems", "maxItems"):
            if key in target:
                self.drops.append(Dropped("portable_keywords", at, key, target[key]))
        return new


def _literal_type(values: list[Any]) -> str | list[str] | None:
    """The JSON type of a ``const``'s or an ``enum``'s values (a type list when they mix with
    null), or None when they mix other types."""
    names = {
        "null" if v is None else "boolean" if isinstance(v, bool) else
        "integer" if isinstance(v, int) else "number" if isinstance(v, float) else
        "string" if isinstance(v, str) else "array" if isinstance(v, list) else "object"
        for v in values
    }  # fmt: skip
    if "integer" in names and "number" in names:
        names.discard("integer")
    if len(names) == 1:
        return names.pop()
    if len(names) == 2 and "null" in names:
        return [next(n for n in names if n != "null"), "null"]
    return None


def _quote_doc(node: Mapping[str, Any], canon: _Schema) -> str:
    own = node.get("description")
    quote = canon.defs["span"]["properties"]["quote"]["description"]
    lead = f"{own} " if own else ""
    return f"{lead}The quote: {quote} Copy enough words that they occur only once in the article."


def profile_schema(version: str | None = None, profile: Profile = "llm") -> dict[str, Any]:
    """The profile of ``version`` (default: the latest): one self-contained schema a
    structured-output engine takes as it is (``response_format``, a tool's ``input_schema``, a
    grammar compiler)."""
    text, _ = _derive(_version(version), profile)
    out: dict[str, Any] = json.loads(text)
    return out


def bundle_schema(
    version: str | None = None,
    level: Level = "extraction",
    profile: str | None = None,
    *,
    portable: bool = False,
) -> dict[str, Any]:
    """A self-contained copy of the schema (``dv.bundle_schema``): the canonical one of
    :func:`diplomatic_visits.schema.bundle_schema`, or with ``profile="llm"`` the schema a
    language model fills instead, derived from the extraction level (``level`` must be
    ``extraction``). ``portable=True`` leaves every ``x-`` annotation out (Ajv's strict mode)."""
    if profile is None:
        return canonical_schema(version, level, portable=portable)
    version = checked_version(version, level)
    if profile not in PROFILES:
        raise UnknownProfileError(profile, PROFILES)
    if level != "extraction":
        raise UnknownProfileError(profile, PROFILES, level)
    doc = profile_schema(version, profile)
    return strip_annotations(doc) if portable else doc


def dropped(version: str | None = None, profile: Profile = "llm") -> list[Dropped]:
    """Everything the profile's steps took out of the canonical schema: the constraints the
    validator re-checks on the lifted record."""
    return list(_derive(_version(version), profile)[1])


def explain(version: str | None = None, profile: Profile = "llm") -> str:
    """:func:`dropped` as text: the steps, then what each dropped, grouped by keyword."""
    drops = dropped(version, profile)
    lines = [f"The {profile} profile of schema {_version(version)}: the steps, in order.", ""]
    for name, doc in STEPS:
        mine = [d for d in drops if d.step == name]
        lines.append(f"{name}: {doc}")
        by_kw: dict[str, list[Dropped]] = {}
        for d in mine:
            by_kw.setdefault(d.keyword if name != "omit_unproducible" else "property", []).append(d)
        for kw, items in sorted(by_kw.items()):
            lines.append(f"  {kw} ({len(items)}):")
            for d in items:
                value = d.value if isinstance(d.value, str) else json.dumps(d.value)
                if len(value) > 70:
                    value = value[:67] + "..."
                lines.append(f"    {d.where or '/'}  {value}")
        lines.append("")
    lines.append(
        "Every constraint listed is still in the canonical schema: validate the lifted record "
        "(lift, then validate) and each is checked."
    )
    return "\n".join(lines)


# --- project and lift ----------------------------------------------------------------------


def _walk_props(
    canon: _Schema, node: Mapping[str, Any], owner: str
) -> Iterator[tuple[str, Mapping[str, Any], bool, Fate]]:
    required = set(node.get("required", ()))
    for prop, sub in node.get("properties", {}).items():
        yield prop, sub, prop in required, canon.fate(owner, prop, sub, prop in required)


def project(record: Mapping[str, Any], profile: Profile = "llm") -> dict[str, Any]:
    """The profile instance a model should produce for ``record``'s article: what the profile
    leaves out is dropped, every span becomes its quote, each evidence list keeps its first
    quote (one quote per claim), and every property the record leaves out is null."""
    version = declared_version(record) or latest_version()
    _derive(version, profile)  # refuses an unknown profile
    canon = _canonical(version)

    def obj(value: Mapping[str, Any], node: Mapping[str, Any], owner: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for prop, sub, _req, fate in _walk_props(canon, node, owner):
            got = value.get(prop)
            if fate.kind == "omit":
                continue
            if fate.kind == "quote":
                out[prop] = got.get("quote") if isinstance(got, Mapping) else None
            elif fate.kind == "quotes":
                spans = got if isinstance(got, list) else []
                out[prop] = [s["quote"] for s in spans[:1] if isinstance(s, Mapping)]
            else:
                out[prop] = any_value(got, sub)
        return out

    def any_value(value: Any, sub: Mapping[str, Any]) -> Any:
        target, name, _ = canon.deref(sub)
        if isinstance(value, Mapping) and "properties" in target:
            return obj(value, target, name or "")
        if isinstance(value, list) and "items" in target:
            return [any_value(v, target["items"]) for v in value]
        return copy.deepcopy(value)

    return obj(record, canon.doc, ROOT)


@dataclass(frozen=True)
class LiftIssue:
    """Something :func:`lift` could not settle on its own (the caller decides), or settled in a
    way the caller should know of (``quote_placed``: a quote placed by typography, context or
    order; ``placement`` says how)."""

    json_path: str
    kind: Literal["ambiguous_quote", "quote_not_found", "quote_placed", "answer", "shape"]
    message: str
    placement: Placement | None = None

    def __str__(self) -> str:
        return f"{self.json_path}: {self.message}"


class AnswerError(DiplomaticVisitsError, ValueError):
    """A model answer that is not one JSON object: truncated, text around it, not JSON."""

    def __init__(self, reason: str, position: int | None = None) -> None:
        self.reason = reason
        self.position = position
        where = "" if position is None else f" (at character {position})"
        super().__init__(f"model answer{where}: {reason}")


def parse_answer(answer: str) -> tuple[dict[str, Any], list[LiftIssue]]:
    """The JSON object of a model's text answer.

    A Markdown fence around it (```json ... ```) is taken off, with an issue saying so.
    Raises :class:`AnswerError` for a truncated answer, text around the JSON, or no JSON.
    """
    issues: list[LiftIssue] = []
    body = answer.strip()
    if body.startswith("```"):
        first, _, rest = body.partition("\n")
        if not rest.rstrip().endswith("```"):
            raise AnswerError(
                "a Markdown fence (```) opens but never closes: the answer was cut off; raise the "
                "model's output token limit or shorten the article"
            )
        body = rest.rstrip()[:-3].strip()
        issues.append(
            LiftIssue(
                "$",
                "answer",
                f"the JSON was wrapped in a Markdown fence ({first.strip()!r}); it was taken off. "
                "Ask the engine for JSON output (structured output) to avoid it",
            )
        )
    if not body:
        raise AnswerError("the answer is empty")
    if body[0] != "{":
        i = body.find("{")
        raise AnswerError(
            "text before the JSON object"
            + (f": {body[: min(i, 60)]!r}" if i > 0 else "; no JSON object found at all")
            + ". Send the model's JSON alone (structured output), without commentary",
            0,
        )
    try:
        # the strict decoder of validate: duplicate keys, NaN and Infinity refused
        value, end = STRICT_DECODER.raw_decode(body)
    except json.JSONDecodeError as err:
        if err.pos >= len(body) - 1 or err.msg.startswith("Unterminated string"):
            raise AnswerError(
                f"the JSON ends early ({err.msg}): the answer was cut off; raise the "
                "model's output token limit",
                err.pos,
            ) from None
        raise AnswerError(f"not valid JSON: {err.msg}", err.pos) from None
    except RecursionError:
        raise AnswerError(f"the JSON is nested too deeply (over {MAX_DEPTH} levels)") from None
    except ValueError as err:  # a duplicate key, NaN, a number out of range, 5,000 digits
        raise AnswerError(f"not valid JSON: {err}") from None
    if body[end:].strip():
        raise AnswerError(
            f"text after the JSON object: {body[end:].strip()[:60]!r}. Send the JSON alone",
            end,
        )
    if not isinstance(value, dict):
        raise AnswerError(f"the JSON is a {type(value).__name__}, not an object")
    check_answer_value(value)
    return value, issues


MAX_DEPTH = 64
"""The deepest nesting an answer may have: a record of the profile is about ten levels deep;
deeper answers are refused before anything walks them recursively."""


def check_answer_value(value: Any) -> None:
    """Raise :class:`AnswerError` for an answer value :func:`lift` must not take: nested more
    than :data:`MAX_DEPTH` levels, a non-finite number, or a string with a lone surrogate (the
    same things ``validate`` refuses in a file). Iterative: a hostile depth costs no stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                raise AnswerError(f"the JSON is nested too deeply (over {MAX_DEPTH} levels)")
            if isinstance(node, dict):
                for k, v in node.items():
                    stack.append((k, depth))
                    stack.append((v, depth + 1))
            else:
                stack.extend((v, depth + 1) for v in node)
        elif isinstance(node, float) and not math.isfinite(node):
            raise AnswerError(f"a number is {node}: not valid JSON")
        elif isinstance(node, str) and has_lone_surrogate(node):
            raise AnswerError("a string holds a lone surrogate (\\ud800-\\udfff): not Unicode")


def lift(
    instance: Mapping[str, Any] | str,
    text: str,
    *,
    record_id: str | None = None,
    article_id: str = "article",
    text_path: str | None = None,
    profile: Profile = "llm",
) -> tuple[dict[str, Any], list[LiftIssue]]:
    """Turn a profile instance (a model's answer: the parsed object, or its text) into an
    extraction-level record of the canonical schema, grounded in ``text``.

    - nulls the canonical schema does not allow (a property it lets be absent) are removed;
    - each quote is placed in ``text`` by :func:`diplomatic_visits.grounding.ground`: where it
      occurs once (as it is, or with other typography), or where the other spans of its object
      or the order of the answer leave one occurrence, it gets its offsets, and an issue says
      how unless it was found as it is; where nothing decides, or it is not in the text, it
      stays a quote without offsets and an issue says so (never a guess; the validator reports
      a quote not in the text too);
    - what the profile leaves out is filled: ``schema_version``, ``record_id`` (default:
      ``article_id``), the article's id, its text file (``text_path``, default
      ``<article_id>.txt``, with the text's sha256 and length), the title's span, and the
      empty value the schema allows for the rest.

    The result is not validated here: pass it to :func:`diplomatic_visits.validate_record`
    (with ``text``) and to the scorer. Raises :class:`AnswerError` when a text answer is not one
    JSON object.
    """
    issues: list[LiftIssue] = []
    if isinstance(instance, str):
        instance, issues = parse_answer(instance)
    if not isinstance(instance, Mapping):
        raise AnswerError(f"the answer is a {type(instance).__name__}, not a JSON object")
    check_answer_value(instance)
    version = instance.get(VERSION_KEY)
    if not isinstance(version, str) or version not in _known_versions():
        version = latest_version()
    _derive(version, profile)
    canon = _canonical(version)
    context = _lift_context(canon, text, record_id, article_id, text_path)
    record = _Lifter(canon, context, issues).obj(instance, canon.doc, ROOT, "$")
    issues.extend(_placement_issue(p, text) for p in ground(record, text) if p.status != "exact")
    _place_title(record, text)
    return record, issues


def _lift_context(
    canon: _Schema, text: str, record_id: str | None, article_id: str, text_path: str | None
) -> dict[tuple[str, str], Callable[[], Any]]:
    """What :func:`lift` fills of what the profile leaves out, by (owner, property): from its
    arguments and the text."""
    return {
        (ROOT, "record_id"): lambda: record_id or article_id,
        ("article", "id"): lambda: article_id,
        ("article", "text_file"): lambda: {
            "path": text_path or f"{article_id}.txt",
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "length": len(text),
        },
        ("article", "source"): lambda: {
            "publisher": None,
            "url": None,
            "published": _unknown_date(canon),
            "missing_reason": "lifted from a model's answer: the source is not in the text",
        },
    }


class _Lifter:
    """A profile instance walked back into a canonical record: what the profile leaves out
    filled (``context``, else the schema's empty value), the nulls the canonical schema does
    not allow removed, each quote made a span to place; the shape's problems go to
    ``issues``."""

    def __init__(
        self,
        canon: _Schema,
        context: Mapping[tuple[str, str], Callable[[], Any]],
        issues: list[LiftIssue],
    ) -> None:
        self.canon = canon
        self.context = context
        self.issues = issues

    def obj(self, value: Mapping[str, Any], node: Mapping[str, Any], owner: str, path: str) -> Any:
        out: dict[str, Any] = {}
        known = set()
        for prop, sub, req, fate in _walk_props(self.canon, node, owner):
            known.add(prop)
            at = f"{path}.{prop}"
            if fate.kind == "omit":
                if (owner, prop) in self.context:
                    out[prop] = self.context[owner, prop]()
                elif req:
                    out[prop] = _empty(self.canon, sub)
                continue
            if prop not in value:
                self.issues.append(LiftIssue(at, "shape", "missing: the profile requires it"))
                continue
            got = value[prop]
            _, _, null_ok = self.canon.deref(sub)
            if got is None and not req and not null_ok:
                continue
            if fate.kind == "quote":
                out[prop] = None if got is None else _span(got)
            elif fate.kind == "quotes" and isinstance(got, list):
                out[prop] = [_span(q) for q in got]
            else:
                out[prop] = self.any_value(got, sub, at)
        for prop in value:
            if prop not in known:
                self.issues.append(
                    LiftIssue(f"{path}.{prop}", "shape", "not in the profile: dropped")
                )
        return out

    def any_value(self, value: Any, sub: Mapping[str, Any], path: str) -> Any:
        target, name, _ = self.canon.deref(sub)
        if isinstance(value, Mapping) and "properties" in target:
            return self.obj(value, target, name or "", path)
        if isinstance(value, list) and "items" in target:
            return [self.any_value(v, target["items"], f"{path}[{i}]") for i, v in enumerate(value)]
        return copy.deepcopy(value)


def _span(quote: Any) -> dict[str, Any]:
    return {"quote": quote}  # placed by ground() once the whole record is known


def _place_title(record: dict[str, Any], text: str) -> None:
    """The article's ``title_span``, where the title occurs once in the text (else null)."""
    article = record.get("article")
    if isinstance(article, dict) and "title_span" in article:
        title = article.get("title")
        where = locate_quote(text, title, limit=2) if isinstance(title, str) and title else []
        article["title_span"] = (
            {"start": where[0][0], "end": where[0][1], "quote": title} if len(where) == 1 else None
        )


_HOW = {
    "context": "by the other spans of its object",
    "order": "by its order in the answer",
}


def _placement_issue(p: Placement, text: str) -> LiftIssue:
    q = _short(p.quote)
    if p.status == "typography":
        assert p.start is not None and p.end is not None
        msg = (
            f"{q!r} is in the text with other typography (quotes, apostrophes, dashes or "
            f"spaces) at [{p.start}, {p.end}): {_short(text[p.start : p.end])!r}; the span "
            "holds the text's words"
        )
        return LiftIssue(p.json_path, "quote_placed", msg, p)
    if p.status in _HOW:
        msg = f"{q!r} occurs more than once; placed at [{p.start}, {p.end}) {_HOW[p.status]}"
        return LiftIssue(p.json_path, "quote_placed", msg, p)
    if p.status == "ambiguous":
        many = "more than once" if p.occurrences <= MAX_CANDIDATES else "very often"
        msg = f"{q!r} occurs {many} in the text; nothing tells which: kept without offsets"
        return LiftIssue(p.json_path, "ambiguous_quote", msg, p)
    return LiftIssue(p.json_path, "quote_not_found", f"{q!r} is not in the text", p)


def _known_versions() -> tuple[str, ...]:
    from diplomatic_visits.schema import available_versions

    return available_versions()


def _unknown_date(canon: _Schema) -> dict[str, Any]:
    props = canon.defs["partial_date"]["properties"]
    required = canon.defs["partial_date"]["required"]
    out: dict[str, Any] = {k: _empty(canon, props[k]) for k in required}
    out.update(precision="unknown", basis="unknown")
    return out


def _empty(canon: _Schema, sub: Mapping[str, Any]) -> Any:
    target, _, _ = canon.deref(sub)
    return [] if target.get("type") == "array" else None


def _short(quote: str) -> str:
    return quote if len(quote) <= 60 else quote[:57] + "..."
