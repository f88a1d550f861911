"""The compiled engine (``_speedups.c``) against the Python reference engine.

The compiled engine only ever answers "certainly good": these tests hold it to the Python rules
on records that break them in every way the rules look at, and on JSON texts with duplicate
keys, escapes and wide integers; they run validate both ways and compare the output; and they
check that the engine holds no rule of its own (it names no field, and refuses plans it does not
know).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.util
import json
import os
import random
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

import fuzz_engines
from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits import accel, checks, rules
from diplomatic_visits.checks import iter_semantic_issues
from diplomatic_visits.cli import main
from diplomatic_visits.errors import InputError
from diplomatic_visits.inputs import Sources
from diplomatic_visits.parse import line_document, parse_document
from diplomatic_visits.pipeline import Settings, check_line, fast_acceptor
from diplomatic_visits.report import RecordResult
from diplomatic_visits.schema import (
    available_versions,
    bundle_schema,
    latest_version,
    rs_validator,
)
from diplomatic_visits.validate import check_document, may_have_offsets

S = accel._speedups
SOURCE = REPO / "dataset" / "source" / "000_b730d245b05eac44.txt"
TEXT_BYTES = SOURCE.read_bytes()
TEXT = TEXT_BYTES.decode("utf-8")
SHA = hashlib.sha256(TEXT_BYTES).hexdigest()


def test_the_accelerator_is_built_where_ci_runs() -> None:
    # CI builds with DIPLOMATIC_VISITS_REQUIRE_SPEEDUPS=1: what it tests must be the C path
    if os.environ.get("CI"):
        assert S is not None and accel.accelerated()
        assert all(accel._compiled(v) is not None for v in available_versions())


needs_c = pytest.mark.skipif(S is None, reason="the C accelerator is not compiled here")


def _plan(version: str, offsets: bool, text: bool = False) -> Any:
    """A shipped version's plan, compiled for C."""
    assert S is not None
    return S.compile(rules.plan(version, text, offsets))


def _ids(node: Any) -> list[str]:
    """Every id in a record, found without the plan."""
    if isinstance(node, dict):
        own = [node["id"]] if isinstance(node.get("id"), str) and "kind" in node else []
        return own + [i for v in node.values() for i in _ids(v)]
    if isinstance(node, list):
        return [i for v in node for i in _ids(v)]
    return []


# These draws are cheap (no whole-record generation), so they get many more examples than the
# profile's default: rare combinations (one rule broken and no other) need them.
MANY = settings(max_examples=30 * settings.default.max_examples)


def _generated(n: int) -> list[dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rng = random.Random(7)
    return [gen.make_record(i, rng) for i in range(n)]


def _generated_2(n: int) -> list[dict[str, Any]]:
    """Generated records of each shipped version from 2.0.0 on (every form of date the
    generator writes: EDTF seasons, year-less days, weekdays, spans, relative dates)."""
    return fuzz_engines.generated_records(n, seed=13)


def _upgraded(n: int) -> list[dict[str, Any]]:
    """Generated records as 1.1.0 writes them (the benchmark's generator, seeded)."""
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rng = random.Random(11)
    return [gen.upgrade(gen.make_record(i, rng), rng) for i in range(n)]


BASES = [
    load_json(EXAMPLES / "valid" / "verified-gold-record.json"),  # schema 1.0.0
    load_json(REPO / "dataset" / "records" / "000_b730d245b05eac44.json"),  # schema 2.0.0
    load_json(EXAMPLES / "valid" / "extraction-quotes-without-offsets.json"),
    *(load_json(p) for p in sorted((EXAMPLES / "valid").glob("1.1.0-*.json"))),
    *(load_json(p) for p in sorted((EXAMPLES / "valid").glob("2.0.0-*.json"))),
    *_generated(3),
    *_upgraded(3),
]
BARE = BASES[2]  # quotes without offsets, no text_file

# the keys the semantic rules read, and values worth trying there
_REF_KEYS = {"within", "place", "sub_event", "speaker", "reported_via"}
_REF_LISTS = {"visitors", "hosts", "participants", "asserted_by", "about", "contributes"}
_POOLS: dict[str, list[Any]] = {
    "value": [
        "2023-09-13",
        "2023-09-12",
        "2023-02-29",
        "2024-02-29",
        "2023-09-31",
        "2023-09",
        "2023-13",
        "2023",
        "0000",
        "0001-01-01",
        "2019-04-24",
        "2019-04",
        "2019",
        None,
        # the forms of 2.0.0 (EDTF)
        "XXXX-09-12",
        "XXXX-02-30",
        "XXXX-XX-XX",
        "2023-23",
        "2023-09-12/2023-09-14",
        "2023-09-14/2023-09-12",
        "2023-09-12/..",
        "/2023-09",
        "2023-09~",
    ],
    "precision": ["day", "month", "year", "unknown", "season"],
    "basis": ["stated", "inferred", "inferred_with_knowledge", "knowledge", "unknown"],
    "written": [
        *("--09-12", "--09-13", "--09", "2023-09", "2019-04", "2023", "--13-40"),
        *("XXXX-09-12", "XXXX-09-13", "XXXX-02-30", "XXXX-09", "XXXX-XX-XX", "2023-09-12/.."),
    ],
    "absence": [None, "not_given", "not_announced", "not_known"],
    "relative": [
        None,
        {"offset": 1, "unit": "day", "anchor": "published"},
        {"offset": -1, "unit": "weekday", "anchor": "published"},
        {"offset": 1, "unit": "month", "anchor": "published"},
    ],
    "earliest": ["2023-09-12", "2023-09-16", "2023-08", "2023-02-30"],
    "latest": ["2023-09-15", "2023-09-11", "2023-10"],
    "weekday": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", None],
    "inferred_from": [None, "the dateline"],
    "duration_days": [None, 1, 2, 3, 6, 7],
    "start": [0, 5, 17, 40, 100_000_000],
    "end": [0, 5, 17, 40, 100_000_000],
    "quote": ["Kim", "x", None, "the leaders", "words the article never has"],
    "mode": ["direct_quote", "partial_quote", "paraphrase"],
}


def _targets(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every value a semantic rule reads."""
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in _POOLS or k in _REF_KEYS or k == "id":
                out.append((*path, k))
            if k in _REF_LISTS and isinstance(v, list):
                out.extend((*path, k, i) for i in range(len(v)))
            out.extend(_targets(v, (*path, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_targets(v, (*path, i)))
    return out


def _spans(node: Any) -> list[dict[str, Any]]:
    """The spans with offsets."""
    if isinstance(node, dict):
        if isinstance(node.get("quote"), str) and isinstance(node.get("start"), int):
            return [node]
        return [s for v in node.values() for s in _spans(v)]
    if isinstance(node, list):
        return [s for v in node for s in _spans(v)]
    return []


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """A good record with one to three changes to what the semantic rules read."""
    record = copy.deepcopy(draw(st.sampled_from(BASES)))
    ids = [*_ids(record), "nobody_here"]
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["value", "value", "swap dates", "shift span"]))
        visits = [v for v in record["visits"] if "start" in v and "end" in v]
        if action == "swap dates" and visits:  # a visit that ends before it starts
            v = draw(st.sampled_from(visits))
            v["start"], v["end"] = v["end"], v["start"]
            continue
        spans = _spans(record)
        if action == "shift span" and spans:  # a span whose length is off, or not
            span = draw(st.sampled_from(spans))
            span["end"] = span["start"] + len(span["quote"]) + draw(st.integers(-2, 2))
            continue
        path = draw(st.sampled_from(_targets(record)))
        parent = record
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        if isinstance(key, int) or key in _REF_KEYS or key == "id":
            new = draw(st.sampled_from(ids))
        elif key in ("start", "end") and draw(st.booleans()):
            del parent[key]  # a span with one offset, or none
            continue
        else:
            new = draw(st.sampled_from(_POOLS[key]))
        parent[key] = new
    return record


@needs_c
@MANY
@given(mutated())
def test_semantic_walk_agrees_with_the_python_rules(record: dict[str, Any]) -> None:
    assert S is not None
    version = record["schema_version"]
    assume(rs_validator(version, "extraction").is_valid(record))
    for offsets in (True, False):
        python = not any(iter_semantic_issues(record, offsets=offsets))
        event(f"semantically valid: {python}")
        assert S.semantic_ok(record, _plan(version, offsets)) is python, offsets
    # with the article: every quote is looked up, and the text_file is compared
    python = not any(iter_semantic_issues(record, TEXT, TEXT_BYTES))
    event(f"valid against the text: {python}")
    assert S.semantic_ok(record, _plan(version, True, text=True), TEXT, SHA) is python


@needs_c
def test_semantic_walk_accepts_the_good_records() -> None:
    assert S is not None
    for record in BASES:
        assert not list(iter_semantic_issues(record))
        assert S.semantic_ok(record, _plan(record["schema_version"], True))


@needs_c
@pytest.mark.parametrize("name", sorted(p.name for p in (EXAMPLES / "invalid").glob("semantic-*")))
def test_semantic_walk_refuses_each_rule_broken(name: str) -> None:
    assert S is not None
    record = load_json(EXAMPLES / "invalid" / name)
    assert rs_validator(record["schema_version"], "extraction").is_valid(record)
    assert S.semantic_ok(record, _plan(record["schema_version"], True)) is False


PATCHED = EXAMPLES / "invalid" / "2.0.0"  # a base record and a patch per rule broken


@needs_c
@pytest.mark.parametrize("name", sorted(p.name for p in PATCHED.glob("*.patch.json")))
def test_semantic_walk_refuses_each_rule_broken_in_2_0_0(name: str) -> None:
    from test_rules_2_0_0 import apply_patch

    assert S is not None
    base = load_json(PATCHED / "base.json")
    assert S.semantic_ok(base, _plan(base["schema_version"], True))
    record = apply_patch(base, load_json(PATCHED / name))
    assert rs_validator(record["schema_version"], "extraction").is_valid(record)
    assert list(iter_semantic_issues(record))
    for offsets in (True, False):
        assert S.semantic_ok(record, _plan(record["schema_version"], offsets)) is False


def _design_cases() -> dict[str, Any]:
    import test_rules_2_0_0

    return test_rules_2_0_0.CASES


@needs_c
@pytest.mark.parametrize("name", sorted(_design_cases()))
def test_the_semantics_chosen_where_the_design_left_room_hold_in_c(name: str) -> None:
    # the cases the reference engine's tests settle (accepted or refused): C says the same
    from test_rules_2_0_0 import apply_patch

    assert S is not None
    patch, issues = _design_cases()[name]
    record = apply_patch(load_json(PATCHED / "base.json"), patch)
    assert (not list(iter_semantic_issues(record))) is (not issues)
    for offsets in (True, False):
        assert S.semantic_ok(record, _plan(record["schema_version"], offsets)) is (not issues)


# One rule broken at a time, each way the C walk looks at it: the property test above meets
# most of these only by luck.
def _v(r: dict[str, Any], i: int = 0) -> dict[str, Any]:
    return r["visits"][i]  # type: ignore[no-any-return]


CASES: dict[str, tuple[str, Any]] = {
    "repeated id": ("unique-id", lambda r: r["actors"].append(copy.deepcopy(r["actors"][0]))),
    "within a visit": ("ref-exists", lambda r: r["places"][3].update(within=_v(r)["id"])),
    "visitor a place": ("ref-exists", lambda r: _v(r)["visitors"].__setitem__(0, "p_russia")),
    "host unknown": ("ref-exists", lambda r: _v(r)["hosts"].__setitem__(0, "nobody_here")),
    "origin an actor": ("ref-exists", lambda r: _v(r)["origin"].update(place="a_russia")),
    "destination unknown": ("ref-exists", lambda r: _v(r)["destination"].update(place="p_x")),
    "participant a visit": (
        "ref-exists",
        lambda r: _v(r)["sub_events"][1]["participants"].__setitem__(0, _v(r, 1)["id"]),
    ),
    "sub-event of another visit": (
        "ref-exists",
        lambda r: _v(r)["outcomes"][0].update(sub_event=_v(r, 1)["sub_events"][0]["id"]),
    ),
    "asserted by an actor": (
        "ref-exists",
        lambda r: _v(r)["outcomes"][0]["asserted_by"].__setitem__(0, "a_russia"),
    ),
    "speaker a place": ("ref-exists", lambda r: r["statements"][0].update(speaker="p_russia")),
    "reported via a statement": (
        "ref-exists",
        lambda r: r["statements"][0].update(reported_via=r["statements"][1]["id"]),
    ),
    "about an actor": ("ref-exists", lambda r: r["statements"][1]["about"].append("a_russia")),
    "contributes nothing": (
        "ref-exists",
        lambda r: r["annotation"]["sentences"][0]["contributes"].append("nobody_here"),
    ),
    "month with a day value": (
        "date-form",
        lambda r: _v(r, 1)["start"].update(value="2019-04-01"),
    ),
    "unknown precision with a value": (
        "date-form",
        lambda r: _v(r, 2)["start"].update(value="2023"),
    ),
    "unknown basis with a value": (
        "date-form",
        lambda r: _v(r, 1)["start"].update(basis="unknown"),
    ),
    "no value": ("date-form", lambda r: _v(r, 1)["end"].update(value=None)),
    "not a day": ("date-form", lambda r: _v(r, 1)["start"].update(value="2019-02-29")),
    "day 31 of a 30-day month": (
        "date-form",
        lambda r: _v(r)["sub_events"][0]["date"].update(value="2023-09-31", weekday=None),
    ),
    "year zero": ("date-form", lambda r: _v(r, 1)["start"].update(value="0000-04")),
    "inferred from nothing": (
        "basis-explained",
        lambda r: _v(r)["start"].update(inferred_from=None),
    ),
    "wrong weekday": ("weekday", lambda r: _v(r)["end"].update(weekday="monday")),
    "ends before it starts": ("date-order", lambda r: _v(r, 1)["end"].update(value="2019-03")),
    "wrong duration": ("duration", lambda r: _v(r).update(duration_days=5)),
    "quote missing": ("quote-mode", lambda r: r["statements"][1].update(quote=None)),
    "quote in a paraphrase": ("quote-mode", lambda r: r["statements"][0].update(quote="x")),
    "span length": ("span-offsets", lambda r: r["actors"][0]["mentions"][0].update(end=10**6)),
    "span reversed": ("span-offsets", lambda r: r["actors"][0]["mentions"][0].update(end=0)),
    "one offset": ("span-offsets", lambda r: r["actors"][0]["mentions"][0].pop("end")),
    "span shifted": (
        "span-text",
        lambda r: r["actors"][0]["mentions"][0].update(
            start=r["actors"][0]["mentions"][0]["start"] + 1,
            end=r["actors"][0]["mentions"][0]["end"] + 1,
        ),
    ),
    "span past the end": (
        "span-text",
        lambda r: r["actors"][0]["mentions"][0].update(
            start=len(TEXT), end=len(TEXT) + len(r["actors"][0]["mentions"][0]["quote"])
        ),
    ),
    "bare quote not in the text": (
        "span-text",
        lambda r: r["actors"][0]["mentions"].append({"quote": "words the article never has"}),
    ),
    "text length": ("text-file", lambda r: r["article"]["text_file"].update(length=len(TEXT) + 1)),
    "text sha256": ("text-file", lambda r: r["article"]["text_file"].update(sha256="0" * 64)),
}


@needs_c
@pytest.mark.parametrize("case", sorted(CASES))
def test_semantic_walk_refuses_each_way_of_breaking_a_rule(case: str) -> None:
    assert S is not None
    keyword, breaks = CASES[case]
    record = copy.deepcopy(BASES[0])
    breaks(record)
    assert rs_validator(record["schema_version"], "extraction").is_valid(record)
    if keyword in ("span-text", "text-file"):  # rules that need the article
        found = {i.keyword for i in iter_semantic_issues(record, TEXT, TEXT_BYTES)}
        assert found == {keyword}  # that rule alone
        assert S.semantic_ok(record, _plan("1.0.0", True)) is True  # invisible without it
        assert S.semantic_ok(record, _plan("1.0.0", True, text=True), TEXT, SHA) is False
        return
    assert {i.keyword for i in iter_semantic_issues(record)} == {keyword}  # that rule alone
    assert S.semantic_ok(record, _plan(record["schema_version"], True)) is False


# The same for the rules of schema 2.0.0 (PLAN_API 2 kinds), on a generated record whose dates
# are set here: a visit from Tuesday 12 to Sunday 17 September 2023, an article of Monday 11.


def _day(value: Any, **more: Any) -> dict[str, Any]:
    date = {"value": value, "precision": "day", "basis": "stated", "inferred_from": None}
    return {**date, "text": None, "weekday": None, "evidence": [], **more}


def _base_2() -> dict[str, Any]:
    """A generated 2.0.0 record with legs, sub-events, a status history and a reporting chain,
    its dates made known."""
    return copy.deepcopy(_made_base_2())


@functools.cache
def _made_base_2() -> dict[str, Any]:
    record = next(
        copy.deepcopy(r)
        for r in fuzz_engines.generated_records(40, seed=13)
        if r["visits"][0].get("legs")
        and r["visits"][0]["sub_events"]
        and any(s.get("relayed_by") for s in r["statements"])
    )
    record["visits"] = record["visits"][:1]
    visit = record["visits"][0]
    record["article"]["source"]["published"] = _day("2023-09-11")
    visit.update(start=_day("2023-09-12"), end=_day("2023-09-17"), duration_days=6)
    visit["legs"] = visit["legs"][:1]
    visit["legs"][0].update(start=_day("2023-09-12"), end=_day("2023-09-14"))
    visit["sub_events"][0]["date"] = _day("2023-09-13")
    visit["status"]["value"] = "completed"
    visit["status_history"] = [
        {**visit["status_history"][0], "value": value, "as_of": _day(day)}
        for value, day in (("planned", "2023-09-01"), ("completed", "2023-09-17"))
    ]
    for statement in record["statements"]:
        statement["date"] = _day(None, precision="unknown", basis="unknown")
    return record


def _st(r: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in r["statements"] if s.get("relayed_by"))  # type: ignore[no-any-return]


CASES_2: dict[str, tuple[str, Any]] = {
    "impossible written day": (
        "date-written",
        lambda r: _v(r)["start"].update(written="XXXX-02-30"),
    ),
    "written day disagrees": (
        "date-written",
        lambda r: _v(r)["start"].update(written="XXXX-09-13"),
    ),
    "written year disagrees": ("date-written", lambda r: _v(r)["end"].update(written="2022-09-17")),
    "season given as a month": (
        "date-form",
        lambda r: _st(r).update(date=_day("2023-23", precision="month")),
    ),
    "year-less day given as a month": (
        "date-form",
        lambda r: _st(r).update(date=_day("XXXX-09-13", precision="month")),
    ),
    "span reversed": ("date-form", lambda r: _st(r).update(date=_day("2023-06-06/2023-06-03"))),
    "29 February of a common year": ("date-form", lambda r: _st(r).update(date=_day("2023-02-29"))),
    "unknown basis with a value": ("date-form", lambda r: _v(r)["start"].update(basis="unknown")),
    "absence with a value": ("date-form", lambda r: _v(r)["start"].update(absence="not_known")),
    "not announced, basis unknown": (
        "date-form",
        lambda r: _st(r).update(
            date=_day(None, precision="unknown", basis="unknown", absence="not_announced")
        ),
    ),
    "wrong weekday": ("weekday", lambda r: _v(r)["start"].update(weekday="monday")),
    "bound outside a year-less month": (
        "date-range",
        lambda r: _st(r).update(
            date=_day("XXXX-06", precision="month", earliest="XXXX-07-01", latest="XXXX-07-03")
        ),
    ),
    "bounds reversed": (
        "date-range",
        lambda r: _st(r).update(
            date=_day("2023-06", precision="month", earliest="2023-06-09", latest="2023-06-03")
        ),
    ),
    "one bound": (
        "date-range",
        lambda r: _st(r).update(date=_day("2023-06", precision="month", earliest="2023-06-09")),
    ),
    "relative day off by one": (
        "date-relative",
        lambda r: _st(r).update(
            date=_day(
                "2023-09-13",
                basis="inferred",
                inferred_from="the day after the article's",
                relative={"offset": 1, "unit": "day", "anchor": "published"},
            )
        ),
    ),
    "relative month": (
        "date-relative",
        lambda r: _st(r).update(
            date=_day(
                "2023-11",
                precision="month",
                basis="inferred",
                inferred_from="next month",
                relative={"offset": 1, "unit": "month", "anchor": "published"},
            )
        ),
    ),
    "relative weekday": (
        "date-relative",
        lambda r: _st(r).update(
            date=_day(
                "2023-09-19",  # the next Tuesday after Monday 11 is the 12th
                weekday="tuesday",
                basis="inferred",
                inferred_from="on Tuesday",
                relative={"offset": 1, "unit": "weekday", "anchor": "published"},
            )
        ),
    ),
    "relative but stated": (
        "date-relative",
        lambda r: _st(r).update(
            date=_day("2023-09-12", relative={"offset": 1, "unit": "day", "anchor": "published"})
        ),
    ),
    "order of a leg": (
        "date-order",
        lambda r: _v(r)["legs"][0].update(start=_day("2023-09-14"), end=_day("2023-09-13")),
    ),
    "sub-event after the visit": (
        "within",
        lambda r: _v(r)["sub_events"][0]["date"].update(value="2023-09-20"),
    ),
    "leg before the visit": (
        "within",
        lambda r: _v(r)["legs"][0].update(start=_day("2023-09-01"), end=_day("2023-09-02")),
    ),
    "status against the history": (
        "status-last",
        lambda r: _v(r)["status_history"][-1].update(value="postponed"),
    ),
    "history out of order": (
        "sequence",
        lambda r: _v(r)["status_history"][0].update(as_of=_day("2023-09-20")),
    ),
    "speaker among co-speakers": (
        "co-speakers",
        lambda r: _st(r)["co_speakers"].append(_st(r)["speaker"]),
    ),
    "relayed by the outlet": (
        "reporting-chain",
        lambda r: _st(r).update(reported_via=_st(r)["relayed_by"][0]),
    ),
    "Monday to Friday in two days": (
        "duration",
        lambda r: _v(r).update(
            start=_day("XXXX-XX-XX", weekday="monday"),
            end=_day("XXXX-XX-XX", weekday="friday"),
            duration_days=2,
        ),
    ),
    "year-less days counted wrong": (
        "duration",
        lambda r: _v(r).update(start=_day("XXXX-09-12"), end=_day("XXXX-09-17"), duration_days=5),
    ),
}

# and forms both engines must take: each is a valid change of the base
GOOD_2: dict[str, Any] = {
    "Monday to Friday in twelve days": lambda r: _v(r).update(
        start=_day("XXXX-XX-XX", weekday="monday"),
        end=_day("XXXX-XX-XX", weekday="friday"),
        duration_days=12,
    ),
    "over the new year, no year": lambda r: _v(r).update(
        start=_day("XXXX-12-30"), end=_day("XXXX-01-02"), duration_days=4
    ),
    "over 28 February, no year": lambda r: _v(r).update(
        start=_day("XXXX-02-28"), end=_day("XXXX-03-01"), duration_days=3
    ),
    "relative weekday": lambda r: _st(r).update(
        date=_day(
            "2023-09-12",
            weekday="tuesday",
            basis="inferred",
            inferred_from="on Tuesday",
            relative={"offset": 1, "unit": "weekday", "anchor": "published"},
        )
    ),
    "relative last week": lambda r: _st(r).update(
        date=_day(
            "2023-09-04",
            basis="inferred",
            inferred_from="a week before",
            relative={"offset": -1, "unit": "week", "anchor": "published"},
        )
    ),
    "a season, a span, an open span": lambda r: (
        _st(r).update(date=_day("2023-24", precision="season")),
        _v(r)["sub_events"][0].update(date=_day("2023-09-13/2023-09-14")),
        _v(r)["legs"][0].update(end=_day("2023-09-12/..")),
    ),
    "year-less bounds inside": lambda r: _st(r).update(
        date=_day("XXXX-06", precision="month", earliest="XXXX-06-03", latest="XXXX-06-06")
    ),
    "written as the text gives it": lambda r: _v(r)["start"].update(
        written="XXXX-09-12", weekday="tuesday"
    ),
}


@needs_c
@pytest.mark.parametrize("case", sorted(CASES_2))
def test_the_rules_of_2_0_0_are_refused_each_way(case: str) -> None:
    assert S is not None
    keyword, breaks = CASES_2[case]
    record = _base_2()
    assert not list(iter_semantic_issues(record))
    assert S.semantic_ok(record, _plan("2.0.0", True))
    breaks(record)
    assert rs_validator("2.0.0", "extraction").is_valid(record)
    assert {i.keyword for i in iter_semantic_issues(record)} == {keyword}  # that rule alone
    for offsets in (True, False):
        assert S.semantic_ok(record, _plan("2.0.0", offsets)) is False


@needs_c
@pytest.mark.parametrize("case", sorted(GOOD_2))
def test_the_forms_of_2_0_0_are_taken_by_both_engines(case: str) -> None:
    assert S is not None
    record = _base_2()
    GOOD_2[case](record)
    assert rs_validator("2.0.0", "extraction").is_valid(record)
    assert not list(iter_semantic_issues(record))
    assert S.semantic_ok(record, _plan("2.0.0", True)) is True


# Every form of date against every input of the edtf kind, at the places of the released base
# record where a date counts (the anchor, a visit's dates, a sub-event's, a statement's): the
# engines reach the same verdict, C never the kinder one.
_EDTF_VALUES = [
    *fuzz_engines.EDTF,
    *("XXXX-02-29", "XXXX-12-31/XXXX-01-02", "2024-24", "2023-12-31/2024-01-01", "2023-09-11?"),
    *(
        "2023-09-11",
        "2023-09-10",
        "2023-08",
        "2024",
        "XXXX-09-11",
        "2023-09-11%",
        "2023-21/2023-22",
    ),
]
_DATE_PLACES = [
    ("statements", 0, "date"),
    ("visits", 0, "start"),
    ("visits", 0, "end"),
    ("article", "source", "published"),
    ("visits", 0, "sub_events", 0, "date"),
]


@st.composite
def edtf_dates(draw: st.DrawFn) -> dict[str, Any]:
    """A partial date of 2.0.0, its precision and basis mostly coherent with its value."""
    value = draw(st.sampled_from(_EDTF_VALUES))
    parsed = checks.parse_edtf(value) if isinstance(value, str) else "none"
    unit = "unknown" if isinstance(parsed, str) else checks._edtf_unit(parsed)
    precision = draw(st.sampled_from([unit, unit, unit, "day", "month", "season", "year"]))
    date: dict[str, Any] = {
        "value": value,
        "precision": precision,
        "basis": draw(st.sampled_from(["stated", "stated", "stated", "inferred", "unknown"])),
        "inferred_from": None,
        "text": None,
        "weekday": draw(st.sampled_from([None, None, *fuzz_engines.POOLS["weekday"][:7]])),
        "evidence": [],
    }
    if unit == "unknown" and draw(st.booleans()):
        date.update(value=None, precision="unknown", basis="unknown")
    for key, pool in (
        ("written", _EDTF_VALUES),
        ("earliest", _EDTF_VALUES),
        ("latest", _EDTF_VALUES),
        ("relative", fuzz_engines.RELATIVE),
        ("absence", fuzz_engines.POOLS["edtf-absence"]),
    ):
        if draw(st.integers(0, 7)) == 0:
            date[key] = draw(st.sampled_from(pool))
    if isinstance(date.get("relative"), dict) and draw(st.booleans()):
        date.update(basis="inferred", inferred_from="counted from the article's date")
    return date


@needs_c
@settings(max_examples=8 * settings.default.max_examples)
@given(
    st.lists(st.tuples(st.sampled_from(_DATE_PLACES), edtf_dates()), min_size=1, max_size=2),
    st.sampled_from([None, None, None, 1, 2, 3, 5, 6, 12, 366]),
)
def test_both_engines_agree_on_every_form_of_date(
    dates: list[tuple[tuple[Any, ...], dict[str, Any]]], days: int | None
) -> None:
    assert S is not None
    record = load_json(PATCHED / "base.json")
    for path, date in dates:
        parent = record
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = date
    record["visits"][0]["duration_days"] = days
    plan = rules.plan("2.0.0", False, False)
    python = not checks.check(record, plan)
    event(f"valid: {python}")
    c = S.semantic_ok(record, S.compile(plan))
    assert python or not c  # C never accepts what Python refuses
    if rs_validator("2.0.0", "extraction").is_valid(record):
        assert c is python


# --- the scan of raw lines ------------------------------------------------------------------


class Obj(list):  # type: ignore[type-arg]
    """A JSON object as its (key, value) pairs, so that keys can repeat."""


KEYS = st.sampled_from(["a", "b", "start", "end", "qa", "q\\u0061", "é"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.lists(st.tuples(KEYS, inner), max_size=4).map(Obj)
    ),
    max_leaves=12,
)


def _dump(node: Any) -> str:
    """JSON text that keeps repeated keys (``q\\u0061`` is ``qa`` spelled with an escape)."""
    if isinstance(node, Obj):
        return "{" + ", ".join(f'"{k}": {_dump(v)}' for k, v in node) + "}"
    if isinstance(node, list):
        return "[" + ",".join(_dump(x) for x in node) + "]"
    return json.dumps(node)


REFUSED = object()
OFFSET_KEYS = tuple(k.encode() for k in rules.offset_keys())


def _strict(text: str) -> Any:
    """The strict parse, or REFUSED where it refuses (duplicate keys)."""
    try:
        return parse_document(text)
    except InputError:
        return REFUSED


@needs_c
@MANY
@given(JSON)
def test_scan_says_exact_only_when_orjson_gives_the_strict_value(node: Any) -> None:
    assert S is not None
    raw = _dump(node).encode()
    try:
        fast = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return
    exact, offsets = S.scan(raw, OFFSET_KEYS)
    strict = _strict(raw.decode())
    if strict is REFUSED:
        assert not exact  # a repeated key is always caught
    if exact:
        assert strict == fast and json.dumps(strict) == json.dumps(fast)  # ints stay ints
        # where spans may have offsets, the Python path visits them too (it may visit more)
        assert offsets <= may_have_offsets(raw)
        if b"\\u" not in raw:
            assert offsets == may_have_offsets(raw)


@needs_c
@MANY
@given(st.binary(max_size=200) | JSON.map(lambda n: _dump(n).encode()[:-1]))
def test_scan_and_accept_take_any_bytes(raw: bytes) -> None:
    # truncated and random input: no crash, and never accepted
    assert S is not None
    exact, offsets = S.scan(raw, OFFSET_KEYS)
    assert isinstance(exact, bool) and isinstance(offsets, bool)
    accept = fast_acceptor(Settings())
    assert accept is not None and accept(raw) is None


@needs_c
def test_scan_on_hand_made_lines() -> None:
    assert S is not None
    assert S.scan(b'{"a":1,"a":2}') == (False, False)
    assert S.scan(b'{"a":{"a":1},"b":[{"a":1,"b":2}],"c":1}') == (True, False)
    assert S.scan(b'{"a":{"b":1,"b":1}}')[0] is False
    assert S.scan(b'{"s":"}{\\"","s":1}')[0] is False  # braces and quotes inside strings
    assert S.scan(b'{"a\\u0061":1}')[0] is False  # escaped keys: unsure
    assert S.scan(b'{"n":123456789012345678}')[0] is True
    assert S.scan(b'{"n":1234567890123456789}')[0] is False  # 19 digits: maybe beyond 64 bits
    assert S.scan(b'{"start": 5}', OFFSET_KEYS) == (True, True)
    assert S.scan(b'{"start": 5}') == (True, False)  # offsets: only the keys it is given
    assert S.scan(b'{"start":"5"}', OFFSET_KEYS) == (True, False)
    assert S.scan(b'{"q":"\\"start\\": 5"}', OFFSET_KEYS) == (True, False)
    assert S.scan(b'{"a":"\\\\","a":1}')[0] is False  # an escaped backslash ends no string
    with pytest.raises(TypeError):
        S.scan("not bytes")  # type: ignore[arg-type]


# --- whole lines and whole runs -------------------------------------------------------------


@needs_c
@MANY
@given(mutated(), st.booleans())
def test_accept_agrees_with_the_reference_path(record: dict[str, Any], dup: bool) -> None:
    raw = json.dumps(record, ensure_ascii=False).encode()
    if dup:
        raw = raw[:-1] + b', "record_id": "again"}'
    for sources in (None, Sources.from_files([str(SOURCE)])):
        accept = fast_acceptor(Settings(sources=sources))
        assert accept is not None
        try:
            doc = line_document(raw, "x", 1)
            ok = check_document(doc, sources=sources).valid
        except InputError:
            ok = False
        assert (accept(raw) is not None) is ok


@needs_c
def test_accept_returns_none_for_what_is_not_a_record() -> None:
    accept = fast_acceptor(Settings())
    assert accept is not None
    for raw in (
        b"",
        b"[]",
        b"{",
        b"null",
        b'{"schema_version": "9.9.9"}',
        b'{"schema_version": []}',
    ):
        assert accept(raw) is None


def _mixed_file(tmp_path: Path) -> Path:
    lines = []
    rng = random.Random(3)
    for i, record in enumerate(_generated(30)):
        record = copy.deepcopy(record)
        kind = rng.randrange(6)
        if kind == 0:
            record["visits"][0]["hosts"] = ["nobody_here"]
        elif kind == 1:
            record["statements"] = record["statements"] * 2  # repeated ids
        text = json.dumps(record, ensure_ascii=False)
        if kind == 2:
            text = text[:-1] + ', "record_id": "dup"}'
        if kind == 3 and i % 2:
            text = text[: len(text) // 2]
        lines.append(text)
    f = tmp_path / "mixed.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def _both_ways(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> tuple[int, str]:
    """Run the command with the accelerator and without; assert the same exit code and output,
    and return them."""
    outputs = []
    for pure in ("", "1"):
        monkeypatch.setenv("DIPLOMATIC_VISITS_PURE_PYTHON", pure)
        code = main(argv)
        captured = capsys.readouterr()  # input errors on stderr, the rest on stdout
        outputs.append((code, captured.err + captured.out))
    assert outputs[0] == outputs[1]
    return outputs[0]


@needs_c
@pytest.mark.parametrize("texts", [1, 2])
def test_validate_with_sources_reports_the_same_with_and_without_the_accelerator(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, texts: int
) -> None:
    # the text is chosen by the sha256 a record names, else by its article id or file name,
    # else it is the only one; a record no text matches is reported (its quotes went unchecked)
    other = tmp_path / "other.txt"
    other.write_text("Another article, about nothing.", encoding="utf-8")
    sources = [str(SOURCE), str(other)][:texts]
    gold = copy.deepcopy(BASES[0])  # found by its sha256
    unnamed = copy.deepcopy(BARE)  # no text_file: found by its article id, the file's stem
    wrong = copy.deepcopy(BASES[0])
    wrong["actors"][0]["mentions"][0]["quote"] = "x" * len(
        wrong["actors"][0]["mentions"][0]["quote"]
    )
    stranger = copy.deepcopy(BARE)  # no text_file, and named after no text
    stranger["article"]["id"] = "elsewhere"
    assert unnamed["article"]["text_file"] is None and unnamed["article"]["id"] == SOURCE.stem
    f = tmp_path / "in.jsonl"
    records = (gold, unnamed, wrong, stranger)
    f.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    argv = ["validate", str(f), "--format", "jsonl", *(a for s in sources for a in ("--source", s))]
    _, out = _both_ways(capsys, monkeypatch, argv)
    lines = [json.loads(x) for x in out.splitlines()]
    found = {(x["line"], x["keyword"]) for x in lines if x["type"] == "error"}
    assert found == {(3, "span-text")} | ({(4, "source-match")} if texts == 2 else set())


@needs_c
@pytest.mark.parametrize("fmt", ["jsonl", "text"])
def test_validate_reports_the_same_with_and_without_the_accelerator(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    code, out = _both_ways(
        capsys, monkeypatch, ["validate", str(_mixed_file(tmp_path)), "--format", fmt]
    )
    assert code == 2 and "duplicate key" in out


@pytest.mark.parametrize("pure", ["", "1"])
@pytest.mark.parametrize("keys", [b'"start":0,"end":999,', b'"st\\u0061rt":0,"\\u0065nd":999,'])
def test_span_offsets_are_checked_however_the_keys_are_written(
    monkeypatch: pytest.MonkeyPatch, pure: str, keys: bytes
) -> None:
    monkeypatch.setenv("DIPLOMATIC_VISITS_PURE_PYTHON", pure)
    raw = orjson.dumps(BARE)  # quotes without offsets
    i = raw.find(b'{"quote":')
    raw = raw[: i + 1] + keys + raw[i + 1 :]  # one span gets offsets that do not fit its quote
    result = check_line("x", 1, raw, Settings())
    assert isinstance(result, RecordResult)
    assert [i.keyword for i in result.issues] == ["span-offsets"]


@needs_c
def test_walk_refuses_what_a_json_parser_does_not_make() -> None:
    # only plain JSON values, where no Python code can run while the walk reads them
    assert S is not None

    class Sly(str):
        def __eq__(self, other: object) -> bool:
            raise AssertionError("never called")

        __hash__ = str.__hash__

    record = copy.deepcopy(BASES[0])
    record["statements"][0]["id"] = Sly(record["statements"][0]["id"])
    assert S.semantic_ok(record, _plan("1.0.0", True)) is False
    assert S.scan(b"[" * 201 + b"]" * 201) == (False, False)  # deeper than any record
    assert S.scan(b"[" * 200 + b"]" * 200) == (True, False)


def test_a_module_built_from_another_source_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # an editable install leaves the compiled module in the checkout; it must not outlive edits
    # of _speedups.c (nor serve Python code that calls it differently)
    import sys
    import types

    import diplomatic_visits

    source = Path(accel.__file__).with_name("_speedups.c")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    for api, sha, usable in [
        (accel._API, digest, True),
        (accel._API, "0" * 64, False),
        (accel._API - 1, digest, False),
    ]:
        fake = types.ModuleType("diplomatic_visits._speedups")
        fake.API_VERSION = api  # type: ignore[attr-defined]
        fake.SOURCE_SHA256 = sha  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "diplomatic_visits._speedups", fake)
        monkeypatch.setattr(diplomatic_visits, "_speedups", fake, raising=False)
        module, problem = accel._load()
        assert (module is fake) is usable
        assert (problem == "") is usable and (usable or problem.startswith("stale"))


# --- the engine holds no rule of its own ---------------------------------------------------


def _property_names(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = set(node.get("properties", {})) if isinstance(node.get("properties"), dict) else set()
        return own | {n for v in node.values() for n in _property_names(v)}
    if isinstance(node, list):
        return {n for v in node for n in _property_names(v)}
    return set()


def _relative_units(node: Any) -> set[str]:
    """The units of every object of a schema shaped as an edtf ``relative`` input."""
    if isinstance(node, list):
        return {u for v in node for u in _relative_units(v)}
    if not isinstance(node, dict):
        return set()
    props = node.get("properties")
    own: set[str] = set()
    if isinstance(props, dict) and all(k in props for k in rules.RELATIVE_KEYS):
        own = set(props[rules.RELATIVE_KEYS[1]].get("enum", ()))
    return own | {u for v in node.values() for u in _relative_units(v)}


def test_the_compiled_engine_names_no_field() -> None:
    # the rules are the plan's: no property name of any shipped schema is written in the C,
    # but for the words of the rule vocabulary itself: the names of the kinds (a place's
    # `within` is a field, and `within` a kind) and the keys and units of the object an edtf
    # check's `relative` input names, which the kind fixes (rules.RELATIVE_KEYS)
    source = (Path(accel.__file__).with_name("_speedups.c")).read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)  # comments may name fields
    literals = set(re.findall(r'"([A-Za-z_]+)"', code))
    names = set().union(*(_property_names(bundle_schema(v)) for v in available_versions()))
    vocabulary = {*rules.CHECK_ARGS, *rules.RELATIVE_KEYS}
    for v in available_versions():
        vocabulary |= _relative_units(bundle_schema(v))
    assert names and not (literals & names) - vocabulary, sorted((literals & names) - vocabulary)


@needs_c
def test_a_plan_the_engine_does_not_know_is_refused_and_python_does_the_work() -> None:
    assert S is not None
    good = rules.plan("1.0.0")
    S.compile(good)
    for bad in (good._replace(api=good.api + 1), good[:3], (1, "x", "not a node", ())):
        with pytest.raises(ValueError, match="plan"):
            S.compile(bad)


# --- PLAN_API 2: a check of a kind the engine does not implement ---------------------------


def _with_check(node: rules.Node, path: tuple[str, ...], check: rules.Check) -> rules.Node:
    """``node`` with ``check`` added to the node its fields ``path`` lead to."""
    if not path:
        return node._replace(checks=(*node.checks, check))
    fields = tuple(
        f._replace(obj=_with_check(f.obj, path[1:], check))
        if f.key == path[0] and f.obj is not None
        else f
        for f in node.fields
    )
    return node._replace(fields=fields)


@needs_c
@pytest.mark.parametrize("version", available_versions())
def test_a_kind_the_engine_does_not_know_sends_only_its_objects_to_python(version: str) -> None:
    # a kind added after this engine was built (a schema 2.1.0 with a new x-dv kind): the
    # plan is taken, the node declaring it is marked, and a record holding an object of that
    # node is never accepted here (the reference engine checks it), while a record without
    # one keeps the fast path
    assert S is not None
    good = rules.plan(version, False, True)
    fake = rules.Check("a-kind-from-the-future", "future", ("speaker",))
    plan = good._replace(root=_with_check(good.root, ("statements",), fake))
    compiled, plain = S.compile(plan), S.compile(good)
    assert S.deferred(compiled) == 1 and S.deferred(plain) == 0
    records = [r for r in [*BASES, *_generated_2(6)] if r["schema_version"] == version]
    with_one = [r for r in records if r["statements"]]
    without = [r for r in records if not r["statements"]]
    assert with_one and without, "the bases must hold records with statements and without"
    for record in with_one:
        assert S.semantic_ok(record, plain) and not S.semantic_ok(record, compiled)
    for record in without:
        assert S.semantic_ok(record, plain) and S.semantic_ok(record, compiled)
    # through the acceptor, as validate calls it: the line of a record with statements is left
    # to the reference path, the other one accepted
    is_valid = rs_validator(version, "extraction").is_valid
    context = (orjson.loads, "schema_version", OFFSET_KEYS, {}, None, None)
    context[3][version] = (is_valid, compiled, compiled, compiled)
    plain_context = (*context[:3], {version: (is_valid, plain, plain, plain)}, None, None)
    for record in (with_one[0], without[0]):
        raw = json.dumps(record).encode()
        assert S.accept(plain_context, raw) == record
        assert (S.accept(context, raw) is None) is (record is with_one[0])


@needs_c
def test_a_check_kind_the_engine_implements_in_another_shape_refuses_the_plan() -> None:
    # a known kind with other arguments is another PLAN_API, not a deferral
    assert S is not None
    good = rules.plan(latest_version())
    for bad in (
        rules.Check("distinct", "r", ("speaker",)),
        rules.Check("last", "r", (None, None, None, None)),
        ("distinct", "r"),
    ):
        with pytest.raises(ValueError, match="plan"):
            S.compile(good._replace(root=_with_check(good.root, ("statements",), bad)))  # type: ignore[arg-type]


@needs_c
@pytest.mark.parametrize("version", available_versions())
def test_the_engine_implements_every_kind_of_the_shipped_versions(version: str) -> None:
    # nothing of a shipped version is left to Python: every Check kind its plans declare is
    # compiled (a deferred node would send every record holding such an object to Python)
    assert S is not None
    for text, offsets in accel._CASES:
        assert S.deferred(S.compile(rules.plan(version, text, offsets))) == 0
    if version != "2.0.0":
        return
    declared: set[str] = set()

    def visit(node: rules.Node) -> None:
        declared.update(c.kind for c in node.checks)
        for f in node.fields:
            if f.obj is not None:
                visit(f.obj)

    visit(rules.rules_for(version).root)
    assert declared == {"edtf", "date-anchor", "within", "last", "distinct"}


@needs_c
def test_a_new_rule_on_a_new_field_needs_no_change_to_the_engine() -> None:
    # declare a reference on a field no released version checks, in a schema of our own: the
    # compiled engine enforces it from the plan alone
    assert S is not None
    doc = bundle_schema("1.0.0")
    note = doc["$defs"]["note"]
    note["properties"]["by"] = {"type": "string", "x-dv": {"ref": ["actor"]}}
    plan = S.compile(rules.compile_rules(doc, "test"))
    record = copy.deepcopy(BASES[0])
    topic = record["visits"][0]["topics"][0]
    assert S.semantic_ok(record, plan)
    topic["by"] = "a_kim_jong_un"
    assert S.semantic_ok(record, plan)
    topic["by"] = "p_russia"
    assert not S.semantic_ok(record, plan)


_LINE_KINDS = st.sampled_from(["good", "bad", "blank", "spaces", "junk", "dup", "crlf"])


@needs_c
@settings(max_examples=5 * settings.default.max_examples)
@given(st.lists(_LINE_KINDS, min_size=1, max_size=12), st.booleans(), st.booleans())
def test_a_chunk_read_whole_gives_what_its_lines_give(
    tmp_path_factory: pytest.TempPathFactory, kinds: list[str], bom: bool, final_newline: bool
) -> None:
    # the compiled engine splits a chunk's lines itself: numbering, blank lines, a byte-order
    # mark, CRLF, a last line without a newline and every problem come out as line by line
    from diplomatic_visits import chunkwork, pipeline
    from diplomatic_visits.jsonl import chunks

    good = json.dumps(BASES[0], ensure_ascii=False)
    make = {
        "good": good,
        "bad": good.replace('"completed"', '"finished"', 1),
        "blank": "",
        "spaces": " \t ",
        "junk": '{"schema_version": "1.0.0", ',
        "dup": good[:-1] + ', "record_id": "again"}',
        "crlf": good + "\r",
    }
    text = "\n".join(make[k] for k in kinds) + ("\n" if final_newline else "")
    f = tmp_path_factory.mktemp("chunk") / "in.jsonl"
    f.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    s = Settings()

    def run() -> list[Any]:
        out = []
        for chunk in chunks(str(f), size=3000):
            r = pipeline.check_chunk(chunk, s)
            problems = [
                (p.line, p.reason) if isinstance(p, InputError) else (p.line, str(p.issues))
                for p in r.problems
            ]
            out.append((r.lines, problems, r.payload))
        return out

    whole = run()
    line_by_line_acceptor = chunkwork._acceptors(s)[0]
    original = chunkwork._acceptors
    try:
        chunkwork._acceptors = lambda _: (line_by_line_acceptor, None)  # type: ignore[assignment]
        by_line = run()
    finally:
        chunkwork._acceptors = original  # type: ignore[assignment]
    assert whole == by_line


# --- found by fuzzing the engine (issue 22) ---------------------------------------------------


@needs_c
@pytest.mark.parametrize("written", ["--00", "2019-00", "--00-01", "2019-00-01"])
def test_a_year_is_not_written_with_month_zero(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    written: str,
) -> None:
    # a year-precision value has no month: the C engine compared the written month with 0
    assert S is not None
    # dataset 2.0.0's gold record, schema 1.1.0 (the shipped one is 2.0.0 now)
    record = load_json(EXAMPLES / "valid" / "verified-gold-record-1.1.0.json")
    visit = record["visits"][1]
    for date in (visit["start"], visit["end"], visit["sub_events"][0]["date"]):
        date.update(value="2019", precision="year", written="2019")
    visit["start"]["written"] = written
    assert rs_validator("1.1.0", "extraction").is_valid(record)
    assert [i.keyword for i in iter_semantic_issues(record)] == ["date-written"]
    assert S.semantic_ok(record, _plan("1.1.0", True)) is False
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, out = _both_ways(capsys, monkeypatch, ["validate", str(f)])
    assert code == 1 and "date-written" in out


HOSTILE_SCANS = [
    b"{]" * 1000,
    b"[}" * 1000,
    b"]" * 1000 + b"{" * 300,
    b"}" * 5000,
    b'{"a":1]' * 400,
    b'["a":1,"a":2]',
    b"{" * 199 + b"]" * 5000,
    b'{"a"' + b":{" * 150 + b"]" * 150,
]


def test_scan_survives_mismatched_brackets() -> None:
    # `]` did not pop the frame stack that `{` pushed while the depth limit counted both: a
    # stack buffer overflow (a segfault on a normal build). In a child process, so that a crash
    # is a failure here, not the end of the test run.
    if S is None:
        pytest.skip("the C accelerator is not compiled here")
    code = (
        "import sys\n"
        "from diplomatic_visits import accel\n"
        f"for raw in {HOSTILE_SCANS!r}:\n"
        "    exact, offsets = accel._speedups.scan(raw, (b'start', b'end'))\n"
        "    assert exact is False, raw[:20]\n"
        "print('ok')\n"
    )
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(accel.__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stdout == "ok\n", (done.returncode, done.stderr[-500:])


@needs_c
@pytest.mark.parametrize(
    "start,end",
    [
        (2**64, 25),
        (0, 2**64 + 25),
        (2**63, 2**63 + 25),
        (-(2**63) - 1, 25),
        (-(2**63), 2**63 - 1),
        (-(10**30), 10**30),
    ],
)
def test_integers_beyond_64_bits_are_reported_the_same_by_both_engines(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    start: int,
    end: int,
) -> None:
    # orjson makes such an integer a float, which compares equal to the integer (2**64 ==
    # 2.0**64): the pure path kept orjson's float and reported other issues than the C path
    record = copy.deepcopy(BASES[1])
    record["actors"][0]["mentions"][0].update(start=start, end=end)
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, out = _both_ways(capsys, monkeypatch, ["validate", str(f), "--format", "jsonl"])
    assert code == 1
    found = [json.loads(x) for x in out.splitlines()]
    messages = [x["message"] for x in found if x["type"] == "error"]
    assert messages and not any(".0 " in m or m.endswith(".0") for m in messages), messages


def test_no_undefined_behaviour_on_lines_that_broke_the_engine_once(tmp_path: Path) -> None:
    # the engine built with UBSan (array bounds, signed overflow: the `{]` scan and the span
    # check at -2**63 were both undefined behaviour, the second without a visible symptom on a
    # normal build) runs the fuzz harness's regression lines and a few hundred mutants. Built
    # here, in a second or two; the long run with ASan too is benchmarks/sanitize.sh.
    import shutil
    import subprocess
    import sys
    import sysconfig

    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None or S is None:
        pytest.skip("no C compiler here, or no accelerator to test")
    source = Path(accel.__file__).with_name("_speedups.c")
    built = tmp_path / "_speedups.abi3.so"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    flags = ["-shared", "-fPIC", "-g", "-O1", "-fsanitize=undefined", "-fno-sanitize-recover=all"]
    macros = ["-DPy_LIMITED_API=0x030A0000", f"-DSOURCE_SHA256={digest}"]
    include = "-I" + sysconfig.get_paths()["include"]
    made = subprocess.run(
        [cc, *flags, *macros, include, str(source), "-o", str(built)], capture_output=True
    )
    if made.returncode != 0 and b"ubsan" in made.stderr.lower():
        pytest.skip("this compiler has no UBSan runtime")
    assert made.returncode == 0, made.stderr.decode()[-2000:]
    harness = Path(__file__).with_name("fuzz_engines.py")
    env = {
        **os.environ,
        "PYTHONPATH": str(source.parent.parent),
        "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
    }
    done = subprocess.run(
        [sys.executable, str(harness), "--speedups", str(built), "--execs", "300", "--seed", "3"],
        capture_output=True,
        text=True,
        env=env,
    )
    report = done.stdout[-2000:] + done.stderr[-3000:]
    assert done.returncode == 0 and "runtime error" not in report, report
