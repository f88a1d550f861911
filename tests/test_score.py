"""Scoring: alignment, partial credit, and the properties a score must have."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES
from diplomatic_visits import load_records
from diplomatic_visits.cli import main
from diplomatic_visits.score import (
    date_credit,
    hungarian,
    normalise,
    score_records,
    token_f1,
)

GOLD = load_records()


def test_gold_against_itself_scores_one_everywhere() -> None:
    result = score_records(GOLD, GOLD)
    filled = {kind for kind, counts in result.objects.items() if counts.tp}
    # the gold has no legs (its text gives no itinerary of stops): that kind has no F1
    assert filled == {"actors", "places", "visits", "sub_events", "outcomes", "statements"}
    for kind, fields in result.fields.items():
        objects = result.objects[kind]
        assert objects.fp == objects.fn == 0 and objects.f1 == (1.0 if kind in filled else None)
        for name, counts in fields.items():
            # every field of the schema is listed; one the gold never fills has no F1
            assert counts.fp == counts.fn == 0 and counts.f1 in (1.0, None), (kind, name)
    assert result.micro.f1 == 1.0 and result.macro_f1 == 1.0
    assert result.records["000_b730d245b05eac44"] == {"missed": [], "invented": []}


@pytest.mark.parametrize(
    ("pred", "gold", "credit"),
    [
        ("2023-09-12", "2023-09-12", 1.0),
        ("2023-09", "2023-09-12", 0.5),  # month-precision prediction, day-precision gold
        ("2023", "2023-09-12", 0.25),
        ("2023-09-13", "2023-09-12", 0.0),
        ("2023-09-30", "2023-09", 1.0),  # finer than gold and agreeing: full credit
        ("2023", "2023-09", 0.5),
        ("2019-04", "2023-09", 0.0),
        (None, "2023-09", 0.0),
    ],
)
def test_date_credit_at_gold_precision(pred: str | None, gold: str, credit: float) -> None:
    assert date_credit({"value": pred}, {"value": gold}) == credit


def test_names_and_quotes_are_normalised() -> None:
    assert normalise("Kim Jong-un") == normalise("kim  jong un") == "kim jong un"
    assert normalise("Kozhemyákó") == "kozhemyako"
    assert token_f1("a new era of friendship", "a new era of friendship") == 1.0
    assert (
        0.8
        < token_f1("new era of friendship, solidarity", "a new era of friendship, solidarity")
        < 1
    )


def _matrix(n: int, m: int) -> st.SearchStrategy[list[list[int]]]:
    return st.lists(st.lists(st.integers(0, 9), min_size=m, max_size=m), min_size=n, max_size=n)


MATRICES = st.integers(1, 4).flatmap(lambda n: st.integers(n, 5).flatmap(lambda m: _matrix(n, m)))


@given(MATRICES)
def test_hungarian_finds_the_best_assignment(weights: list[list[int]]) -> None:
    rows = hungarian(weights)
    assert len(set(rows)) == len(rows) and all(c >= 0 for c in rows)
    best = max(
        sum(weights[r][c] for r, c in enumerate(perm))
        for perm in itertools.permutations(range(len(weights[0])), len(weights))
    )
    assert sum(weights[r][c] for r, c in enumerate(rows)) == best


# --- properties on predictions made from the gold record ------------------------------------

LISTS = ("actors", "places", "visits", "statements")


def _items(record: dict[str, Any]) -> list[tuple[str, ...]]:
    out = [(k, i) for k in LISTS for i in range(len(record[k]))]
    out += [
        ("sub_events", v, i)
        for v in range(len(record["visits"]))
        for i in range(len(record["visits"][v]["sub_events"]))
    ]
    return out  # type: ignore[return-value]


def _remove(record: dict[str, Any], item: tuple[Any, ...]) -> None:
    if item[0] == "sub_events":
        del record["visits"][item[1]]["sub_events"][item[2]]
    else:
        del record[item[0]][item[1]]


@st.composite
def predictions(draw: st.DrawFn) -> dict[str, Any]:
    """The gold record with some objects removed and some values changed."""
    pred = copy.deepcopy(GOLD[0])
    for _ in range(draw(st.integers(0, 6))):
        items = _items(pred)
        if items:
            _remove(pred, draw(st.sampled_from(items)))
    for v in pred["visits"]:
        if draw(st.booleans()):
            v["status"]["value"] = draw(st.sampled_from(["planned", "completed", "unknown"]))
        if draw(st.booleans()):
            v["start"] = {
                **v["start"],
                "value": draw(st.sampled_from([None, "2023", "2023-09", "2023-09-13"])),
            }
    for a in pred["actors"]:
        if draw(st.booleans()):
            a["kind"] = "group"
    return pred


def _invented(record: dict[str, Any], n: int) -> None:
    record["actors"].append(
        {
            **copy.deepcopy(record["actors"][0] if record["actors"] else GOLD[0]["actors"][0]),
            "id": f"a_invented_{n}",
            "name": f"Zyx Invented {n}",
            "titles": [],
        }
    )
    # nothing of a gold statement: a statement with its evidence, date or subject would share
    # its identity, and be aligned to it (for the credit it earns) when that one is missing
    unknown = {"value": None, "precision": "unknown", "basis": "unknown", "inferred_from": None,
               "text": None, "weekday": None, "evidence": []}  # fmt: skip
    record["statements"].append(
        {
            **copy.deepcopy(GOLD[0]["statements"][0]),
            "id": f"s_invented_{n}",
            "speaker": f"a_invented_{n}",
            "quote": None,
            "paraphrase": "qwerty uiop",
            "date": unknown,
            "about": [],
            "evidence": [],
        }
    )


@given(predictions(), st.data())
def test_removing_a_prediction_never_raises_recall(
    pred: dict[str, Any], data: st.DataObject
) -> None:
    before = score_records([pred], GOLD)
    items = _items(pred)
    if not items:
        return
    _remove(pred, data.draw(st.sampled_from(items)))
    after = score_records([pred], GOLD)
    assert after.micro.recall <= before.micro.recall + 1e-9
    for kind, fields in after.fields.items():
        for name, counts in fields.items():
            assert counts.tp <= before.fields[kind][name].tp + 1e-9, (kind, name)


@given(predictions(), st.integers(1, 3))
def test_adding_an_invented_item_never_raises_precision(pred: dict[str, Any], n: int) -> None:
    before = score_records([pred], GOLD)
    for i in range(n):
        _invented(pred, i)
    after = score_records([pred], GOLD)
    assert after.micro.precision <= before.micro.precision + 1e-9
    assert after.micro.tp == pytest.approx(before.micro.tp)


@given(predictions(), st.randoms(use_true_random=False))
def test_the_score_does_not_depend_on_list_order(pred: dict[str, Any], rnd: Any) -> None:
    before = score_records([pred], GOLD).as_dict()
    shuffled = copy.deepcopy(pred)
    for key in LISTS:
        rnd.shuffle(shuffled[key])
    for v in shuffled["visits"]:
        rnd.shuffle(v["sub_events"])
        rnd.shuffle(v["visitors"])
    after = score_records([shuffled], GOLD).as_dict()
    for d in (before, after):
        for found in d["records"].values():
            found["missed"].sort()
            found["invented"].sort()
    assert after == before


def test_score_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = EXAMPLES / "valid" / "extraction-quotes-without-offsets.json"
    bad = EXAMPLES / "invalid" / "status-not-in-enum.json"
    assert main(["score", str(good), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # a 1.0.0 record says "inferred" where the 1.1.0 gold says "inferred_with_knowledge" (a
    # value 1.1.0 added): the dates' basis is the only value it predicts wrong
    assert 0 < report["micro"]["recall"] < 0.5 and 0.9 < report["micro"]["precision"] < 1.0
    wrong = {(k, f) for k, fs in report["fields"].items() for f, c in fs.items() if c["fp"]}
    assert wrong == {("visits", "start.basis"), ("visits", "end.basis")}
    assert report["objects"]["visits"]["tp"] == 1 and report["fields"]["visits"]["start"]["tp"] == 1
    assert main(["score", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "not scored (invalid):" in out and "micro (all fields)" in out
    assert main(["score", str(tmp_path / "missing.jsonl")]) == 2
    assert main(["score", "--pred", str(good)]) == 0  # the old spelling, with a warning
    assert "--pred is deprecated" in capsys.readouterr().err


def test_leading_articles_do_not_cost_a_name() -> None:
    pred = copy.deepcopy(GOLD[0])
    for a in pred["actors"]:
        if a["id"] == "a_kremlin":
            a["name"] = "The Kremlin"
    result = score_records([pred], GOLD)
    assert result.fields["actors"]["name"].f1 == 1.0
    assert result.fields["statements"]["speaker"].f1 == 1.0


def test_stated_only_does_not_charge_for_unstated_gold_values() -> None:
    cautious = copy.deepcopy(GOLD[0])
    unknown = {"value": None, "precision": "unknown", "basis": "unknown", "inferred_from": None,
               "text": None, "weekday": None, "evidence": []}  # fmt: skip
    for v in cautious["visits"]:
        for e in v["sub_events"]:
            if e["date"]["basis"] in ("inferred", "inferred_with_knowledge"):
                e["date"] = dict(unknown)
            if e["place"] is not None and e["place"]["basis"] == "inferred":
                e["place"] = None
    default = score_records([cautious], GOLD)
    stated = score_records([cautious], GOLD, stated_only=True)
    assert default.fields["sub_events"]["date"].recall < 1.0
    assert default.fields["sub_events"]["place.place"].recall < 1.0
    assert stated.fields["sub_events"]["date"].f1 == 1.0
    assert stated.fields["sub_events"]["place.place"].f1 == 1.0
    assert score_records(GOLD, GOLD, stated_only=True).micro.f1 == 1.0


def test_nothing_predicted_is_not_perfect_precision() -> None:
    empty = copy.deepcopy(GOLD[0])
    for key in ("actors", "places", "visits", "statements"):
        empty[key] = []
    result = score_records([empty], GOLD)
    assert result.micro.precision is None  # 0/0: not defined, as common scorers say
    assert result.micro.recall == 0.0 and result.micro.f1 == 0.0
    from diplomatic_visits.score import render_text

    assert "   n/a" in render_text(result)
    assert result.as_dict()["micro"]["precision"] is None


def test_sub_events_are_aligned_within_their_visits() -> None:
    # the 2019 meeting put inside the 2023 visit must not earn the 2019 meeting's credit
    pred = copy.deepcopy(GOLD[0])
    v2023, v2019 = pred["visits"][0], pred["visits"][1]
    meeting_2019 = v2019["sub_events"][0]
    v2023["sub_events"] = [copy.deepcopy(meeting_2019)]
    pred["visits"] = [v2023]
    for s in pred["statements"]:
        s["about"] = [a for a in s["about"] if a != meeting_2019["id"]]
    result = score_records([pred], GOLD)
    missed = result.records[GOLD[0]["article"]["id"]]["missed"]
    assert any(m.startswith("sub_events: ") and "2019" in m for m in missed), missed
    assert result.fields["sub_events"]["date"].tp < 1.0  # 2019-04 is not the 2023 meeting's date


def test_outcomes_purposes_topics_and_transport_are_scored() -> None:
    result = score_records(GOLD, GOLD)
    assert result.objects["outcomes"].tp == sum(len(v["outcomes"]) for v in GOLD[0]["visits"]) > 1
    scored = [("outcomes", "kind"), ("outcomes", "asserted_by"), ("visits", "purposes[].text"),
              ("visits", "topics[].text"), ("visits", "transport[].mode"),
              ("sub_events", "topics[].text")]  # fmt: skip
    for kind, name in scored:
        assert result.fields[kind][name].tp > 0 and result.fields[kind][name].f1 == 1.0, name
    pred = copy.deepcopy(GOLD[0])
    pred["visits"][0]["outcomes"] = []
    pred["visits"][0]["transport"] = []
    worse = score_records([pred], GOLD)
    assert worse.fields["outcomes"]["kind"].fn == 2
    assert worse.fields["visits"]["transport[].mode"].fn == 1


def test_a_second_prediction_for_an_article_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "preds.jsonl"
    f.write_text("\n".join(json.dumps(g) for g in GOLD * 2) + "\n", encoding="utf-8")
    assert main(["score", str(f), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["duplicate_predictions"] == [
        f"{f}:2: a second prediction for article {GOLD[0]['article']['id']!r}"
    ]
    assert report["micro"]["f1"] == 1.0  # the first one is scored


def test_an_invalid_prediction_is_said_first_and_can_be_scored_in_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = copy.deepcopy(GOLD[0])
    bad["visits"][0]["sub_events"][0]["date"]["value"] = "2023-09-31"  # one impossible date
    f = tmp_path / "pred.jsonl"
    f.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    assert main(["score", str(f)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("NOT SCORED: 1 of 1 predictions (1 invalid")
    assert main(["score", str(f), "--partial", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert len(report["partly_scored"]) == 1 and not report["invalid_predictions"]
    assert 0.9 < report["micro"]["recall"] < 1.0  # all but the broken sub-event
    assert report["objects"]["sub_events"]["fn"] == 1
