"""The compiler of PLAN_API 2 (rules.py): the new kinds of schema 2.0.0 compile from the draft
into ``Check`` tuples in the shared order, and a declaration that cannot be read is a
``RuleDeclarationError`` naming where it is, never a plan an engine misreads."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from conftest import REPO
from diplomatic_visits import rules
from diplomatic_visits.rules import Check, RuleDeclarationError, compile_rules

DRAFT: dict[str, Any] = json.loads(
    (REPO / "docs" / "next-schema" / "record.schema.json").read_text("utf-8")
)
VERSION = "2.0.0-draft.1"


def _node(plan: rules.Rules, *keys: str) -> rules.Node:
    node = plan.root
    for key in keys:
        node = next(f.obj for f in node.fields if f.key == key and f.obj is not None)
    return node


def test_plan_api_2_shapes() -> None:
    assert rules.PLAN_API == 2
    assert rules.Check._fields == ("kind", "rule", "args")
    assert rules.Node._fields[-1] == "checks"
    assert rules.Duration._fields[-1] == "weekday"


def test_draft_compiles_to_checks_in_the_shared_argument_order() -> None:
    plan = compile_rules(DRAFT, VERSION)
    visit = _node(plan, "visits")
    assert visit.checks == (
        Check("within", "within", ("start", "end", "legs", "start", "end", "value")),
        Check("within", "within", ("start", "end", "sub_events", "date", "date", "value")),
        Check("last", "status-last", ("status_history", "value", "status", "value")),
    )
    assert visit.duration == rules.Duration("duration_days", "start", "end", "value", "weekday")
    assert visit.orders == (rules.Order("start", "end", "value"),)
    start = _node(plan, "visits", "start")
    assert start.date is None
    assert start.checks == (Check("edtf", "edtf", rules.CHECK_ARGS["edtf"]),)
    assert _node(plan, "article", "source").checks == (
        Check("date-anchor", "date-anchor", ("published", "published")),
    )
    assert _node(plan, "statements").checks[0] == Check(
        "distinct", "co-speakers", ("speaker", "co_speakers")
    )


def test_shipped_plans_have_no_checks_and_no_duration_weekday() -> None:
    """1.0.0 and 1.1.0 keep the 1.x ``date`` kind: nothing new reaches their engines."""
    for version in ("1.0.0", "1.1.0"):
        todo = [rules.rules_for(version).root]
        while todo:
            node = todo.pop()
            assert node.checks == ()
            assert node.duration is None or node.duration.weekday is None
            todo.extend(f.obj for f in node.fields if f.obj is not None)


def _visit(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["$defs"]["visit"]["x-dv"]  # type: ignore[no-any-return]


def _statement(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["$defs"]["statement"]["x-dv"]  # type: ignore[no-any-return]


def _date(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["$defs"]["partial_date"]["x-dv"]  # type: ignore[no-any-return]


def _second_anchor(doc: dict[str, Any]) -> None:
    doc["$defs"]["statement"]["x-dv"]["date-anchor"] = {"name": "published", "date": "date"}


def _unknown_anchor(doc: dict[str, Any]) -> None:
    doc["$defs"]["partial_date"]["properties"]["relative"]["properties"]["anchor"]["enum"].append(
        "statement_date"
    )


BROKEN: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "within names no property": (
        lambda d: _visit(d)["within"][0].update({"from": "begin"}),
        "'begin', which is not a property here",
    ),
    "within item date names no property of the items": (
        lambda d: _visit(d)["within"][1].update({"item_from": "when"}),
        "'when', which is not a property of the items of 'sub_events'",
    ),
    "within on a list that is no list": (
        lambda d: _visit(d)["within"][0].update({"items": "status"}),
        "'status' must be a list of objects",
    ),
    "within with a date that is no partial date": (
        lambda d: _visit(d)["within"][0].update({"from": "kind"}),
        "'kind' is not a partial date",
    ),
    "within with an unknown input": (
        lambda d: _visit(d)["within"][0].update({"rule": "legs-within"}),
        "expected keys",
    ),
    "last without a rule name": (
        lambda d: _visit(d)["last"][0].pop("rule"),
        "expected keys",
    ),
    "last key names no property of the items": (
        lambda d: _visit(d)["last"][0].update({"key": "status"}),
        "'status', which is not a property of the items of 'status_history'",
    ),
    "last equals_key names no property of equals": (
        lambda d: _visit(d)["last"][0].update({"equals_key": "state"}),
        "'state', which is not a property of 'status'",
    ),
    "distinct names no property": (
        lambda d: _statement(d)["distinct"][0].update({"many": "cospeakers"}),
        "'cospeakers', which is not a property here",
    ),
    "distinct against a string": (
        lambda d: _statement(d)["distinct"][0].update({"many": "reported_via"}),
        "'reported_via' is not a list",
    ),
    "distinct given as one object": (
        lambda d: _statement(d).update({"distinct": {"rule": "x", "one": "a", "many": "b"}}),
        "expected a non-empty list",
    ),
    "edtf names no property": (
        lambda d: _date(d)["edtf"].update({"weekday": "day_of_week"}),
        "'day_of_week', which is not a property here",
    ),
    "edtf without a precision": (
        lambda d: _date(d)["edtf"].pop("precision"),
        "expected keys",
    ),
    "edtf with one bound": (
        lambda d: _date(d)["edtf"].pop("latest"),
        "give earliest and latest together",
    ),
    "edtf beside date": (
        lambda d: _date(d).update(
            {"date": {"value": "value", "precision": "precision", "basis": "basis"}}
        ),
        "date or edtf, not both",
    ),
    "date-anchor on a date that is not edtf": (
        lambda d: d["$defs"]["article"]["properties"]["source"]["x-dv"]["date-anchor"].update(
            {"date": "publisher"}
        ),
        "'publisher' is not a partial date",
    ),
    "two anchors with one name": (_second_anchor, "two anchors are named 'published'"),
    "a relative anchor no date-anchor declares": (
        _unknown_anchor,
        "the anchor 'statement_date' is named by no date-anchor declaration",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_declaration_that_cannot_be_read_is_refused(name: str) -> None:
    change, message = BROKEN[name]
    compile_rules(DRAFT, VERSION)  # the draft itself compiles
    doc = copy.deepcopy(DRAFT)
    change(doc)
    with pytest.raises(RuleDeclarationError, match=_escape(message)):
        compile_rules(doc, VERSION)


def _escape(s: str) -> str:
    import re

    return re.escape(s)
