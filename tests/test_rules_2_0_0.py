"""The rules of schema 2.0.0, one invalid example each: a base record plus an RFC 6902 JSON Patch
(``tests/examples/invalid/2.0.0/``), the patch making exactly the contradiction its name says.

Each patched record is valid JSON Schema under the draft (``docs/next-schema/``, until the
release ships ``schema/2.0.0``) and the Python engine, compiled from the draft's ``x-dv``
declarations, reports exactly one problem: the expected rule at the expected path, with a
message naming both sides. The base record itself has none.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits import validate_record
from diplomatic_visits.checks import (
    bounds_of,
    check,
    date_bounds,
    edtf_bounds,
    parse_edtf,
    parse_partial_date,
)
from diplomatic_visits.rules import compile_rules

DRAFT: dict[str, Any] = json.loads(
    (REPO / "docs" / "next-schema" / "record.schema.json").read_text("utf-8")
)
DRAFT_VERSION = DRAFT["properties"]["schema_version"]["const"]
PLAN = compile_rules(DRAFT, DRAFT_VERSION)
VALIDATOR = jsonschema.Draft202012Validator(
    DRAFT, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
FOLDER = EXAMPLES / "invalid" / "2.0.0"
BASE: dict[str, Any] = load_json(FOLDER / "base.json")
EXPECTED: dict[str, dict[str, str]] = load_json(FOLDER / "expected.json")
PATCHES = sorted(FOLDER.glob("*.patch.json"))


# --- RFC 6902, the three operations the examples use ------------------------------------------


def _pointer(path: str) -> list[str]:
    if path and not path.startswith("/"):
        raise ValueError(f"not a JSON Pointer: {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def apply_patch(doc: Any, patch: list[dict[str, Any]]) -> Any:
    """``doc`` with the ``add``, ``remove`` and ``replace`` operations of an RFC 6902 patch
    applied in order (a new document; any other operation is refused)."""
    out = copy.deepcopy(doc)
    for op in patch:
        *parents, last = _pointer(op["path"])
        target = out
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        kind = op["op"]
        if isinstance(target, list):
            if kind == "add":
                target.insert(len(target) if last == "-" else int(last), op["value"])
            elif kind == "remove":
                del target[int(last)]
            elif kind == "replace":
                target[int(last)] = op["value"]
            else:
                raise ValueError(f"operation {kind!r} is not used by the examples")
        elif kind == "add":
            target[last] = op["value"]
        elif kind in ("remove", "replace"):
            if last not in target:
                raise KeyError(f"{op['path']}: nothing to {kind}")  # RFC 6902 4.2 and 4.3
            if kind == "remove":
                del target[last]
            else:
                target[last] = op["value"]
        else:
            raise ValueError(f"operation {kind!r} is not used by the examples")
    return out


def test_the_patch_applier_follows_rfc_6902() -> None:
    doc = {"a": [1, 2], "b": {"c/d": 1, "e~f": 2}}
    patch = [
        {"op": "add", "path": "/a/-", "value": 3},
        {"op": "add", "path": "/a/0", "value": 0},
        {"op": "remove", "path": "/b/c~1d"},
        {"op": "replace", "path": "/b/e~0f", "value": 5},
    ]
    assert apply_patch(doc, patch) == {"a": [0, 1, 2, 3], "b": {"e~f": 5}}
    assert doc == {"a": [1, 2], "b": {"c/d": 1, "e~f": 2}}  # the base is never changed
    with pytest.raises(KeyError):
        apply_patch(doc, [{"op": "replace", "path": "/x", "value": 1}])


# --- the examples ------------------------------------------------------------------------------


def _as_draft(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "schema_version": DRAFT_VERSION}


def _issues(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(i.json_path, i.keyword, i.message) for i in check(_as_draft(record), PLAN)]


def test_the_base_record_is_valid() -> None:
    assert BASE["schema_version"] == "2.0.0"
    assert list(VALIDATOR.iter_errors(_as_draft(BASE))) == []
    assert _issues(BASE) == []


def test_every_patch_has_an_expectation() -> None:
    assert {p.name for p in PATCHES} == set(EXPECTED)
    assert all(p.name.startswith("semantic-") for p in PATCHES)


@pytest.mark.parametrize("path", PATCHES, ids=lambda p: p.name.removesuffix(".patch.json"))
def test_each_patched_example_breaks_exactly_its_rule(path: Path) -> None:
    want = EXPECTED[path.name]
    record = apply_patch(BASE, load_json(path))
    assert list(VALIDATOR.iter_errors(_as_draft(record))) == []  # a rule no schema can say
    found = _issues(record)
    assert [(p, k) for p, k, _ in found] == [(want["path"], want["keyword"])], found
    assert path.stem.removeprefix("semantic-").startswith(want["keyword"])


@pytest.mark.parametrize("path", PATCHES, ids=lambda p: p.name.removesuffix(".patch.json"))
def test_the_released_schema_refuses_each_the_same_way(path: Path) -> None:
    """The same examples through ``validate_record`` under the shipped schema 2.0.0 (schema and
    rules, whichever engine runs): exactly the expected semantic issue."""
    want = EXPECTED[path.name]
    assert validate_record(BASE) == []
    issues = validate_record(apply_patch(BASE, load_json(path)))
    assert [(i.json_path, i.keyword, i.kind) for i in issues] == [
        (want["path"], want["keyword"], "semantic")
    ]


MESSAGES = {
    "semantic-date-written-impossible": "written 'XXXX-02-30': February has no day 30",
    "semantic-sequence-status-history-out-of-order": (
        "item 1 begins (2031-05-30) before item 0 (2031-06): the list is in order of as_of"
    ),
    "semantic-status-last-disagrees": (
        "status.value is 'completed' but the last status_history entry "
        "(status_history[1].value) is 'planned'"
    ),
    "semantic-within-leg-after-the-visit": (
        "legs[1].start (2031-06-07) is after the visit's end (2031-06-06)"
    ),
    "semantic-within-sub-event-before-the-visit": (
        "sub_events[0].date (2031-05-31) is before the visit's start (2031-06-02)"
    ),
    "semantic-co-speakers-speaker-among-them": (
        "speaker 'a_mira_tolvanen' is also in co_speakers[1]"
    ),
    "semantic-reporting-chain-relayed-by-the-outlet": (
        "reported_via 'a_broadcaster' is also in relayed_by[1]"
    ),
    "semantic-duration-weekdays": (
        "duration_days is 2, but Monday (start) to Friday (end) is 5 days (or 12, 19, ...) "
        "counted inclusively"
    ),
    "semantic-duration-year-less-days": (
        "duration_days is 4, but XXXX-06-02 (start) to XXXX-06-06 (end) is 5 days counted "
        "inclusively"
    ),
    "semantic-date-form-interval-reversed": (
        "value '2031-10-06/2031-10-03': the start (2031-10-06) is after the end (2031-10-03)"
    ),
    "semantic-date-form-precision-of-a-season": (
        "value '2031-23' is given to the season, but precision is 'month'"
    ),
    "semantic-weekday-disagrees-with-the-day": (
        "weekday is 'thursday', but value '2031-06-06' is a Friday"
    ),
    "semantic-date-written-disagrees-year-less": (
        "written 'XXXX-06-03' disagrees with value '2031-06-02' (day 3 vs 2)"
    ),
    "semantic-date-range-bound-outside-the-month": (
        "latest '2031-07-01' lies outside value '2031-06' (after its last day)"
    ),
    "semantic-date-relative-month-arithmetic": (
        "value '2031-07' is not the anchor 'published' (2031-05-30, at "
        "$.article.source.published.value) moved by 1 month(s), which gives 2031-06"
    ),
    "semantic-date-relative-weekday-arithmetic": (
        "value '2031-06-02' is not the anchor 'published' (2031-05-30, at "
        "$.article.source.published.value) moved by 2 weekday(s), which gives 2031-06-09"
    ),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_messages_name_both_sides(name: str) -> None:
    record = apply_patch(BASE, load_json(FOLDER / f"{name}.patch.json"))
    assert [m for _, _, m in _issues(record)] == [MESSAGES[name]]


# --- where the design left room: what is accepted, what is refused -------------------------------


def _d(value: str | None, precision: str, basis: str = "stated", **more: Any) -> dict[str, Any]:
    out = {"value": value, "precision": precision, "basis": basis, "inferred_from": None,
           "text": None, "weekday": None, "evidence": []}  # fmt: skip
    out.update(more)
    return out


_INFERRED = {"basis": "inferred", "inferred_from": "from the words"}
CASES: dict[str, tuple[list[dict[str, Any]], set[tuple[str, str]]]] = {
    "a written year holds a day": (
        [{"op": "replace", "path": "/visits/0/end/written", "value": "2031"}],
        set(),
    ),
    "a written season holds a month of it": (
        [
            {
                "op": "replace",
                "path": "/visits/1/start",
                "value": _d("2031-10", "month", written="2031-23"),
            }
        ],
        set(),
    ),
    "a written winter holds the next February": (
        [
            {
                "op": "replace",
                "path": "/visits/1/start",
                "value": _d("2032-02", "month", written="2031-24"),
            }
        ],
        set(),
    ),
    "a written month is not a season's other month": (
        [
            {
                "op": "replace",
                "path": "/visits/1/start",
                "value": _d("2031-23", "season", written="2031-08"),
            }
        ],
        {("$.visits[1].start.written", "date-written")},
    ),
    "a written day the value does not give": (
        [
            {
                "op": "replace",
                "path": "/visits/1/start",
                "value": _d("2031-09", "month", written="XXXX-09-12"),
            }
        ],
        {("$.visits[1].start.written", "date-written")},
    ),
    "a written interval holds bounds of a month": (
        [
            {
                "op": "replace",
                "path": "/visits/0/sub_events/0/date/written",
                "value": "XXXX-06-03/XXXX-06-04",
            }
        ],
        set(),
    ),
    "a year-less stay over the new year": (
        [
            {"op": "replace", "path": "/visits/0/start", "value": _d("XXXX-12-30", "day")},
            {"op": "replace", "path": "/visits/0/end", "value": _d("XXXX-01-02", "day")},
            {"op": "replace", "path": "/visits/0/duration_days", "value": 4},
        ],
        set(),
    ),
    "a year-less February counts in a leap year too": (
        [
            {"op": "replace", "path": "/visits/0/start", "value": _d("XXXX-02-27", "day")},
            {"op": "replace", "path": "/visits/0/end", "value": _d("XXXX-03-01", "day")},
            {"op": "replace", "path": "/visits/0/duration_days", "value": 4},
        ],
        set(),
    ),
    "Sunday to Monday is 2 days, or 9": (
        [
            {
                "op": "replace",
                "path": "/visits/0/start",
                "value": _d("XXXX-XX-XX", "day", weekday="sunday"),
            },
            {
                "op": "replace",
                "path": "/visits/0/end",
                "value": _d("XXXX-XX-XX", "day", weekday="monday"),
            },
            {"op": "replace", "path": "/visits/0/duration_days", "value": 9},
        ],
        set(),
    ),
    "a weekday of a day with a year against a stated one": (
        [
            {
                "op": "replace",
                "path": "/visits/0/end",
                "value": _d("XXXX-XX-XX", "day", weekday="wednesday"),
            },
            {"op": "replace", "path": "/visits/0/duration_days", "value": 5},
        ],
        {("$.visits[0].duration_days", "duration")},  # Monday 2 June to a Wednesday: 3, 10 ...
    ),
    "a leg still going on": (
        [{"op": "replace", "path": "/visits/0/legs/1/end", "value": _d("2031-06-04/..", "day")}],
        set(),
    ),
    "a leg whose dates are not known": (
        [{"op": "replace", "path": "/visits/0/legs/1/start", "value": _d("XXXX-06-09", "day")}],
        set(),
    ),
    "a month-precise visit never refuses a leg": (
        [
            {"op": "replace", "path": "/visits/0/end", "value": _d("2031-06", "month")},
            {"op": "replace", "path": "/visits/0/duration_days", "value": None},
            {"op": "replace", "path": "/visits/0/legs/1/start/value", "value": "2031-06-20"},
            {"op": "replace", "path": "/visits/0/legs/1/start/written", "value": "XXXX-06-20"},
            {"op": "replace", "path": "/visits/0/legs/1/end/value", "value": "2031-06-21"},
            {"op": "replace", "path": "/visits/0/legs/1/end/written", "value": "XXXX-06-21"},
        ],
        set(),
    ),
    "the last Monday before the anchor": (
        [
            {
                "op": "replace",
                "path": "/statements/0/date",
                "value": _d(
                    "2031-05-26",
                    "day",
                    weekday="monday",
                    relative={"offset": -1, "unit": "weekday", "anchor": "published"},
                    **_INFERRED,
                ),
            }
        ],
        set(),
    ),
    "two weeks on, compared at the month": (
        [
            {
                "op": "replace",
                "path": "/statements/0/date",
                "value": _d(
                    "2031-06",
                    "month",
                    relative={"offset": 2, "unit": "week", "anchor": "published"},
                    **_INFERRED,
                ),
            }
        ],
        set(),  # 30 May + 14 days = 13 June
    ),
    "next year against a month value": (
        [
            {
                "op": "replace",
                "path": "/statements/0/date",
                "value": _d(
                    "2031-06",
                    "month",
                    relative={"offset": 1, "unit": "year", "anchor": "published"},
                    **_INFERRED,
                ),
            }
        ],
        {("$.statements[0].date.value", "date-relative")},  # 2032, not 2031
    ),
    "an anchor not known": (
        [
            {
                "op": "replace",
                "path": "/article/source/published",
                "value": _d(None, "unknown", "unknown"),
            },
            {"op": "remove", "path": "/visits/0/status_history/1/as_of/written"},
            {
                "op": "replace",
                "path": "/visits/0/status_history/1/as_of",
                "value": _d(None, "unknown", "unknown"),
            },
        ],
        set(),
    ),
    "year-less bounds inside a year-less month": (
        [
            {
                "op": "replace",
                "path": "/visits/0/sub_events/0/date",
                "value": _d("XXXX-06", "month", earliest="XXXX-06-03", latest="XXXX-06-04"),
            }
        ],
        set(),
    ),
    "year-less bounds out of order inside a month": (
        [
            {
                "op": "replace",
                "path": "/visits/0/sub_events/0/date",
                "value": _d("XXXX-06", "month", earliest="XXXX-06-04", latest="XXXX-06-03"),
            }
        ],
        {("$.visits[0].sub_events[0].date.latest", "date-range")},
    ),
    "year-less bounds over the new year, in a winter": (
        [
            {
                "op": "replace",
                "path": "/visits/1/start",
                "value": _d("2031-24", "season", earliest="XXXX-12-30", latest="XXXX-01-02"),
            }
        ],
        set(),
    ),
    "an approximate day is not held to its weekday": (
        [
            {"op": "replace", "path": "/visits/0/end/value", "value": "2031-06-06~"},
            {"op": "replace", "path": "/visits/0/end/weekday", "value": "saturday"},
        ],
        set(),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_semantics_chosen_where_the_design_left_room(name: str) -> None:
    patch, want = CASES[name]
    record = apply_patch(BASE, patch)
    assert list(VALIDATOR.iter_errors(_as_draft(record))) == []
    assert {(p, k) for p, k, _ in _issues(record)} == want


# --- the EDTF reading every rule shares --------------------------------------------------------

PROFILE_FORMS = [
    "2023-09-17", "2019-04", "2023", "2023-21", "2023-22", "2023-23", "2023-24", "XXXX-08-09",
    "XXXX-08", "XXXX-XX-XX", "XXXX-02-29", "2023-06-03/2023-06-06", "XXXX-06-03/XXXX-06-06",
    "2023-06-03/..", "2023-06-03/", "../2023-06-06", "/2023-06-06", "2023-06-10~",
    "2023-06-10?", "2023-06%", "2024-02-29",
]  # fmt: skip


@pytest.mark.parametrize("form", PROFILE_FORMS)
def test_every_form_of_the_profile_parses(form: str) -> None:
    assert not isinstance(parse_edtf(form), str)


@pytest.mark.parametrize(
    ("form", "why"),
    [
        ("XXXX-02-30", "February has no day 30"),
        ("2023-02-29", "February 2023 has no day 29"),
        ("XXXX-04-31", "April has no day 31"),
        ("2023-13", "there is no month 13"),
        ("XXXX-13-45", "there is no month 13"),
        ("0000", "there is no year 0000"),
        ("--02-30", "profile"),
        ("2023-06-03\n", "profile"),
        ("2023?-06", "profile"),
        ("XXXX-23", "profile"),
        ("2023-23?", "profile"),
        ("XXXX", "profile"),
        ("2004-XX", "profile"),
        ("../..", "profile"),
        ("/", "profile"),
        ("２０２３", "profile"),
    ],
)
def test_impossible_dates_and_forms_outside_the_profile_are_refused(form: str, why: str) -> None:
    got = parse_edtf(form)
    assert isinstance(got, str) and why in got


def test_edtf_bounds() -> None:
    import datetime as dt

    b = edtf_bounds("2023-24")
    assert b is not None and (b.first, b.last) == (dt.date(2023, 12, 1), dt.date(2024, 2, 29))
    b = edtf_bounds("2023-06-03/..")
    assert b is not None and (b.first, b.last, b.open_end, b.open_start) == (
        dt.date(2023, 6, 3), None, True, False
    )  # fmt: skip
    b = edtf_bounds("XXXX-08-09")
    assert b is not None and (b.first, b.last, b.year_given) == (None, None, False)
    b = edtf_bounds("2023-06~/2023-07?")
    assert b is not None and b.qualifier == "uncertain_approximate"
    assert edtf_bounds("2023-02-29") is None and edtf_bounds(None) is None


def test_the_1_x_forms_give_the_days_they_gave() -> None:
    """order, sequence and within read dates through the EDTF parser: for every 1.x form it
    gives the days 1.x's own parser gave (the 1.x engine is unchanged)."""
    import calendar
    import datetime as dt

    def old(value: str) -> tuple[int, int] | None:
        parsed = parse_partial_date(value)
        if parsed is None:
            return None
        y, m, d = parsed
        first = dt.date(y, m or 1, d or 1)
        last = dt.date(y, m or 12, d or calendar.monthrange(y, m or 12)[1])
        return first.toordinal() - 1, last.toordinal() - 1

    values = [f"{y:04d}" for y in (1, 1999, 2000, 2023, 2024, 9999)]
    values += [f"{y}-{m:02d}" for y in (1900, 2023, 2024) for m in range(14)]
    values += [f"{y}-{m:02d}-{d:02d}" for y in (2023, 2024) for m in (1, 2, 4, 12) for d in
               (0, 1, 28, 29, 30, 31, 32)]  # fmt: skip
    values += ["0000", "2023-9-1", "", "2023-06-03 ", "20230603"]
    for v in values:
        assert bounds_of(v) == old(v), v
        assert date_bounds(v) == (old(v) or (None, None)), v
