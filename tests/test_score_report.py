"""The score's reports: grounding, construct groups, many articles with intervals, the JSON
shape, and what an invalid prediction does to them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, REPO
from diplomatic_visits import load_records
from diplomatic_visits.cli import main
from diplomatic_visits.score import REPORT_VERSION, plan_for, score_records

TEXTS = EXAMPLES / "texts"
ARTICLES = ("1.1.0-dates.json", "1.1.0-statements.json", "1.1.0-status-over-time.json")


def _load(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((EXAMPLES / "valid" / name).read_text(encoding="utf-8"))
    return doc


def _text(record: dict[str, Any]) -> str:
    return (TEXTS / f"{record['article']['id']}.txt").read_text(encoding="utf-8")


def test_grounding_measures_evidence_overlap_and_invented_quotes() -> None:
    gold = _load("1.1.0-statements.json")
    texts = {gold["article"]["id"]: _text(gold)}
    same = score_records([gold], [gold], texts=texts).grounding()
    assert same["evidence_iou"]["mean"] == 1.0 and same["evidence_iou"]["values"] > 5
    assert same["quotes"]["hallucination_rate"] == 0.0 and same["quotes"]["checked"] > 5
    pred = copy.deepcopy(gold)
    span = pred["statements"][0]["evidence"][0]
    span["start"] += 5  # the same quote, its offsets moved: overlap less than whole
    span["end"] += 5
    pred["statements"][1]["quote"] = "Zorblat will never visit Quenville again"  # not in the text
    got = score_records([pred], [gold], texts=texts).grounding()
    assert 0.9 < got["evidence_iou"]["mean"] < 1.0
    assert got["quotes"]["not_found"] == 1
    assert got["quotes"]["hallucination_rate"] == pytest.approx(
        1 / got["quotes"]["checked"], abs=1e-6
    )
    # without the text, the quotes are not looked up, and the report says so
    assert score_records([pred], [gold]).grounding()["quotes"] is None


def test_construct_groups_are_declared_data_and_count_their_fields() -> None:
    gold = _load("1.1.0-status-over-time.json")
    pred = copy.deepcopy(gold)
    for v in pred["visits"]:
        v.pop("status_history", None)
    result = score_records([pred], [gold])
    status, _ = result.group_counts("status over time")
    codes, _ = result.group_counts("codes")
    assert status.fn > 0 and status.recall is not None and status.recall < 1.0
    assert codes.fn == 0
    spec = json.loads((REPO / "schema" / "scoring" / "1.1.0.json").read_text(encoding="utf-8"))
    assert set(plan_for("1.1.0").groups) == set(spec["groups"])


def test_many_articles_have_a_breakdown_and_seeded_intervals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    preds = []
    for name in ARTICLES:
        gold = _load(name)
        (gold_dir / name).write_text(json.dumps(gold), encoding="utf-8")
        pred = copy.deepcopy(gold)
        for v in pred["visits"][:1]:
            v["kind"] = "other"
        f = tmp_path / f"pred-{name}"
        f.write_text(json.dumps(pred), encoding="utf-8")
        preds.append(str(f))
    argv = ["score", *preds, "--gold", str(gold_dir), "--source", str(TEXTS), "--format", "json"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert main(argv) == 0
    assert capsys.readouterr().out == first  # seeded: the same intervals every run
    report = json.loads(first)
    assert report["report_version"] == REPORT_VERSION == 1
    ids = sorted(_load(n)["article"]["id"] for n in ARTICLES)
    assert [a["id"] for a in report["articles"]] == ids
    ci = report["intervals"]
    assert ci["samples"] == 1000 and ci["seed"] == 0
    low, high = ci["micro_f1"]
    assert low <= report["micro"]["f1"] <= high < 1.0
    low, high = ci["types_micro_f1"]["visits"]
    assert low <= report["types"]["visits"]["f1"] <= high < 1.0
    assert set(ci["groups_micro_f1"]) == set(report["groups"])
    assert report["grounding"]["quotes"]["articles_with_text"] == 3
    assert {"dates", "itinerary", "status over time", "reporting chain"} <= set(report["groups"])
    assert main(["score", *preds, "--gold", str(gold_dir), "--source", str(TEXTS)]) == 0
    text = capsys.readouterr().out
    assert "95% intervals (percentile bootstrap over articles" in text
    assert "hallucination rate 0.000" in text
    # one article: no intervals
    argv = ["score", preds[0], "--gold", str(gold_dir / ARTICLES[0]), "--format", "json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["intervals"] is None


def test_an_invalid_prediction_leaves_its_article_out_and_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = load_records()[0]
    bad = copy.deepcopy(gold)
    bad["visits"][1]["status"]["value"] = "finished"
    bad["visits"][0]["sub_events"][0]["date"]["value"] = "2023-09-31"
    f = tmp_path / "pred.json"
    f.write_text(json.dumps(bad, indent=2), encoding="utf-8")
    assert main(["validate", str(f)]) == 1
    lines = [x.split(": ", 1)[0] for x in capsys.readouterr().out.splitlines() if ": $." in x]
    assert len(lines) == 2 and not lines[0].endswith(":1")
    assert main(["score", str(f), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [line] = report["invalid_predictions"]
    assert line.startswith(f"{lines[0]}: 2 issues, the first: $.visits[1].status.value")
    # the scores count the others only: the gold of its article is not all missed
    assert report["left_out_articles"] == [gold["article"]["id"]]
    assert report["micro"]["fn"] == 0 and report["articles"] == []
    good = EXAMPLES / "valid" / "1.1.0-dates.json"
    assert main(["score", str(f), str(good), "--gold", str(good), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["micro"]["f1"] == 1.0 and len(report["articles"]) == 1


def test_stated_only_follows_each_versions_basis_declarations() -> None:
    for gold in (load_records()[0], _load("verified-gold-record.json")):
        explain = {
            e for s in plan_for(gold["schema_version"]).shapes.values() for e in _explains(s)
        }
        assert "inferred" in explain, gold["schema_version"]
        cautious = copy.deepcopy(gold)
        changed = 0
        for v in cautious["visits"]:
            for key in ("start", "end"):
                if v[key]["basis"] in explain:
                    v[key] = {**v[key], "value": "1999", "precision": "year"}
                    changed += 1
        assert changed, gold["schema_version"]
        assert score_records([cautious], [gold]).micro.f1 < 1.0
        assert score_records([cautious], [gold], stated_only=True).micro.f1 == 1.0


def _explains(shape: Any) -> set[str]:
    out = set(shape.basis[1]) if shape.basis else set()
    for s in shape.slots:
        if s.obj is not None and s.how != "entities":
            out |= _explains(s.obj)
    return out


def test_the_report_shape_is_documented() -> None:
    import re

    doc = (REPO / "docs" / "score-report.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9_.]+)` \|", doc, re.M))
    gold = _load("1.1.0-dates.json")
    report = score_records([gold], [gold], texts={gold["article"]["id"]: _text(gold)}).as_dict()
    keys = set(report) - {"grounding"} | {f"grounding.{k}" for k in report["grounding"]}
    assert keys == documented
    assert (
        f"`report_version` {REPORT_VERSION}" in doc
        or f"`report_version` | `{REPORT_VERSION}`" in doc
    )


def test_a_gold_record_with_no_prediction_is_named_and_counts_as_missed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    golds = load_records(bundled="challenge")[:3]
    preds = tmp_path / "pred.jsonl"
    preds.write_text("".join(json.dumps(g) + "\n" for g in golds[:2]), encoding="utf-8")
    result = score_records(golds[:2], golds)
    assert result.unpredicted == [golds[2]["article"]["id"]]
    assert result.articles[golds[2]["article"]["id"]].micro().tp == 0
    assert score_records(golds, golds).unpredicted == []
    for by in ([], ["--by", "construct"]):
        assert main(["score", str(preds), "--bundled", "challenge", *by]) == 0
        out = capsys.readouterr().out
        assert f"no prediction: the gold record of article '{golds[2]['article']['id']}'" in out
    assert main(["score", str(preds), "--bundled", "challenge", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["unpredicted_articles"] == sorted(
        g["article"]["id"] for g in load_records(bundled="challenge")[2:]
    )
