"""One reporter per output format (issue 23): the registry gives the ``--format`` choices, a
new format is one reporter, and every output (the CLI's JSON formats, the batch API's issue
table, the view's issue list, Ray's totals) takes the same facts from the same conversion."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import ClassVar

import pytest

from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits import reporters
from diplomatic_visits.cli import build_parser, main
from diplomatic_visits.errors import InputError
from diplomatic_visits.report import RecordResult, Report, ValidRecords

PACKAGE = REPO / "loaders" / "diplomatic_visits"
INVALID = EXAMPLES / "invalid" / "additional-property.json"


def _choices(command: str) -> tuple[str, ...]:
    parser = build_parser([command])
    sub = next(a for a in parser._actions if a.dest == "command")
    fmt = next(a for a in sub.choices[command]._actions if a.dest == "format")  # type: ignore[union-attr]
    return tuple(fmt.choices)


def test_format_choices_come_from_the_registry() -> None:
    assert _choices("validate") == tuple(reporters.REPORTERS) == ("text", "json", "jsonl")
    assert _choices("score") == reporters.choices("score") == ("text", "json")


def test_a_new_format_is_one_reporter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class TsvReporter(reporters.Reporter):
        name = "tsv"
        reports: ClassVar[tuple[str, ...]] = ("records",)

        def input_error(self, error: InputError) -> None:
            print(f"unreadable\t{error.path}\t{error.line}", file=self.out)

        def issue(self, result: RecordResult, i: int) -> None:
            d = reporters.issue_dict(result, i)
            print(f"error\t{d['file']}\t{d['line']}\t{d['keyword']}", file=self.out)

        def summary(self, report: Report) -> None:
            print(f"summary\t{report.checked}\t{report.invalid}", file=self.out)

    monkeypatch.setitem(reporters.REPORTERS, "tsv", TsvReporter)
    f = tmp_path / "two.jsonl"
    f.write_text(json.dumps(load_json(INVALID)) + "\nnot json\n", encoding="utf-8")
    assert main(["validate", str(f), "--format", "tsv"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert f"error\t{f}\t1\tadditionalProperties" in lines
    assert lines[-2:] == [f"unreadable\t{f}\t2", "summary\t1\t1"]


def _invalid_result(tmp_path: Path) -> RecordResult:
    from diplomatic_visits.reader import read_records

    f = tmp_path / "bad.jsonl"
    f.write_text(json.dumps(load_json(INVALID)) + "\n", encoding="utf-8")
    [result] = read_records([str(f)])
    assert isinstance(result, RecordResult) and not result.valid
    return result


def test_every_output_carries_the_same_facts_of_an_issue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from diplomatic_visits.batch import issue_rows

    result = _invalid_result(tmp_path)
    expected = [reporters.issue_dict(result, i) for i in range(len(result.issues))]
    assert main(["validate", result.path, "--format", "jsonl"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [{k: v for k, v in x.items() if k != "type"} for x in lines[:-1]] == expected
    assert main(["validate", result.path, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["errors"] == expected
    renamed = {"path": "json_path"}
    for row, d in zip(issue_rows(result, 0), expected, strict=True):
        assert {renamed.get(k, k): v for k, v in d.items()} == {
            k: v for k, v in row.items() if k not in ("row", "status", "column")
        }


def test_migrate_and_export_write_issues_as_validate_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _invalid_result(tmp_path)
    assert main(["validate", result.path]) == 1
    lines = capsys.readouterr().out.splitlines()[:-1]
    assert lines and all(x.startswith(f"{result.path}:1: $") for x in lines)
    assert main(["export", "jsonl", result.path, "--out", str(tmp_path / "o.jsonl")]) == 1
    assert capsys.readouterr().err.splitlines()[: len(lines)] == lines


def test_ray_totals_are_a_report() -> None:
    pytest.importorskip("ray")  # ray_data imports ray lazily: only for symmetry with its tests
    from diplomatic_visits.ray_data import Totals

    t = Totals()
    assert isinstance(t, Report) and t.keep == 0
    t.add(ValidRecords(3))
    assert (t.checked, t.valid, t.invalid, t.exit_code, t.status) == (3, 3, 0, 0, "ok")
    t.add(RecordResult("f", 4, None, [reporters.Issue((), "bad", "type")]))
    assert (t.checked, t.invalid, t.exit_code, dict(t.by_keyword)) == (4, 1, 1, {"type": 1})
    t.add(InputError("f", "cannot read", 5))
    assert (t.unreadable, t.exit_code, t.input_errors, t.invalid_results) == (1, 2, [], [])


def test_ray_totals_count_what_validate_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the Ray engine's units checked here by its own worker class (no cluster needed): its
    # totals, now a Report's counts, must be validate's
    pytest.importorskip("pyarrow")
    import pickle

    import pyarrow as pa

    from diplomatic_visits import _version, ray_data
    from diplomatic_visits.pipeline import validate_files

    def local_units(units, settings, parts, table, workers, column, worker):  # type: ignore[no-untyped-def]
        w = worker(settings, parts, table, _version.__version__, column)
        for u in units:
            yield u, w(pa.table({"unit": [pickle.dumps(u)]})).to_pylist()[0]

    monkeypatch.setattr(ray_data, "iter_units", local_units)
    f = tmp_path / "mixed.jsonl"
    good = json.dumps(load_json(EXAMPLES / "valid" / "extraction-quotes-without-offsets.json"))
    f.write_text("\n".join([good, json.dumps(load_json(INVALID)), "{", good]) + "\n")
    inputs = [str(f), str(INVALID), str(tmp_path / "nope.jsonl")]
    totals = ray_data.Totals()
    items = list(ray_data.iter_results(inputs, totals=totals))
    expected = validate_files(inputs)
    counts = ("checked", "valid", "invalid", "unreadable", "by_keyword", "exit_code")
    assert [getattr(totals, c) for c in counts] == [getattr(expected, c) for c in counts]
    assert (totals.checked, totals.invalid, totals.unreadable) == (4, 2, 2)
    assert sum(isinstance(i, RecordResult) for i in items) == 2


def test_issues_become_dicts_in_one_place() -> None:
    conversions = [
        p.relative_to(PACKAGE).as_posix()
        for p in sorted(PACKAGE.rglob("*.py"))
        if re.search(r"[\"']schema_path[\"']: *[\"']/[\"']\.join", p.read_text(encoding="utf-8"))
    ]
    assert conversions == ["reporters.py"]


def test_compat_reports_through_the_reporters_in_text_and_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # compat wrote its own lines with print(); its verdict now goes through the reporters, so
    # --format json gives a release gate one document with the same facts as the text
    assert main(["compat", "1.0.0", "1.1.0", "--generated", "0"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert main(["compat", "1.0.0", "1.1.0", "--generated", "0", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["old"], doc["new"], doc["required"], doc["declared"], doc["ok"]) == (
        "1.0.0",
        "1.1.0",
        "minor",
        "minor",
        True,
    )
    changes = [line for line in text if not line.startswith("note: ")][:-1]
    assert changes and [f"{c['bump']:<5}  {c['path']}: {c['what']}" for c in doc["changes"]] == (
        changes
    )
    assert text[-1].endswith("declares minor: ok")
    formats = reporters.REPORTERS
    assert "compat" in formats["json"].reports and "compat" not in formats["jsonl"].reports
