"""Reading inputs as a new user writes them: empty files, two values in one file, pretty-printed
records (in .json and, by mistake, in .jsonl), model answers in Markdown fences, several article
texts, quotes that differ from the text only in typography, and the wrong article."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits import load_records
from diplomatic_visits.cli import main
from diplomatic_visits.inputs import Sources

SOURCE = REPO / "dataset" / "source" / "000_b730d245b05eac44.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """The exit code and what the command printed: in text format, input errors go to stderr
    and the summary to stdout (test_cli holds them there); here both are read."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.mark.parametrize(
    "name, data", [("empty.jsonl", b""), ("none.json", b"[]"), ("blank.jsonl", b"\n\n")]
)
def test_inputs_without_records_are_not_a_success(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: bytes
) -> None:
    # a crashed upstream job leaves an empty file: that must not pass CI
    f = tmp_path / name
    f.write_bytes(data)
    code, out = run(capsys, "validate", str(f))
    assert code == 2 and "no records found" in out and "--allow-empty" in out
    code, out = run(capsys, "validate", str(f), "--allow-empty")
    assert code == 0 and "0 records checked" in out
    code, out = run(capsys, "validate", str(f), "--format", "json")
    report = json.loads(out)
    assert (
        report["status"] == "unreadable"
        and "no records found" in report["input_errors"][0]["message"]
    )


@pytest.mark.parametrize("text", ["[][]", "{} {}", '[{"a": 1}] x', "[]\n[]\n"])
def test_two_values_in_a_json_file_are_unreadable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str
) -> None:
    f = tmp_path / "two.json"
    f.write_text(text, encoding="utf-8")
    code, out = run(capsys, "validate", str(f))
    assert code == 2 and "extra data" in out


def test_issues_in_a_pretty_printed_file_point_at_their_own_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    record = load_records()[0]
    record["visits"][0]["status"]["value"] = "finished"
    record["visits"][1]["sub_events"][0]["participants"][0] = "a_nobody"
    text = json.dumps(record, indent=2, ensure_ascii=False)
    f = tmp_path / "pretty.json"
    f.write_text(text, encoding="utf-8")
    code, out = run(capsys, "validate", str(f))
    assert code == 1
    lines = text.splitlines()
    found = [line.split(": $")[0].rsplit(":", 1)[1] for line in out.splitlines() if ": $" in line]
    assert len(found) == 2
    assert '"value": "finished"' in lines[int(found[0]) - 1]
    assert '"a_nobody"' in lines[int(found[1]) - 1]
    # in an array of records too, and in the JSON report
    g = tmp_path / "array.json"
    g.write_text(json.dumps([load_records()[0], record], indent=2), encoding="utf-8")
    code, out = run(capsys, "validate", str(g), "--format", "json")
    errors = json.loads(out)["errors"]
    text = g.read_text(encoding="utf-8").splitlines()
    assert [('"finished"' in text[e["line"] - 1]) for e in errors][:1] == [True]


def test_a_pretty_printed_record_saved_as_jsonl_gets_one_message_that_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "record.jsonl"
    f.write_text(json.dumps(load_records()[0], indent=2), encoding="utf-8")
    code, out = run(capsys, "validate", str(f))
    assert code == 2
    problems = [line for line in out.splitlines() if line.startswith(str(f))]
    assert problems == [f"{f}:1: " + problems[0].split(":1: ", 1)[1]]  # one message, not 2,500
    assert "pretty-printed" in problems[0] and ".json" in problems[0]


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_model_answer_in_a_markdown_fence_gets_a_message_that_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    f = tmp_path / f"answer{suffix}"
    f.write_text("```json\n" + json.dumps(load_records()[0]) + "\n```\n", encoding="utf-8")
    code, out = run(capsys, "validate", str(f))
    assert code == 2 and "Markdown code fence" in out
    assert len([line for line in out.splitlines() if line.startswith(str(f))]) == 1


def test_a_truncated_answer_says_it_ends_early(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "cut.json"
    f.write_text(json.dumps(load_records()[0])[:5000], encoding="utf-8")
    code, out = run(capsys, "validate", str(f))
    assert code == 2 and "ends early" in out


def _model_output(article_id: str) -> dict[str, Any]:
    """Extraction output as a model writes it: no text_file (a model cannot compute a sha256)."""
    record = load_json(EXAMPLES / "valid" / "extraction-quotes-without-offsets.json")
    record["article"]["id"] = article_id
    assert record["article"]["text_file"] is None
    return record  # type: ignore[no-any-return]


def test_sources_are_matched_by_sha256_article_id_or_file_name(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Another article.", encoding="utf-8")
    sources = Sources.from_files([str(other), str(SOURCE)])
    gold = load_records()[0]
    assert sources.find(gold).path == str(SOURCE)  # the sha256 it names
    assert sources.find(_model_output(SOURCE.stem)).path == str(SOURCE)  # its article id
    assert sources.find(_model_output("other")).path == str(other)
    named = _model_output("x")
    named["article"]["text_file"] = {"path": "texts/other.txt", "sha256": "0" * 64, "length": 16}
    assert sources.find(named).path == str(other)  # the file name it gives
    assert sources.find(_model_output("nowhere")) is None  # several texts, none its own
    assert Sources.from_files([str(SOURCE)]).find(_model_output("nowhere")).path == str(SOURCE)


def test_a_record_no_text_matches_is_reported_not_skipped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Another article.", encoding="utf-8")
    f = tmp_path / "out.jsonl"
    f.write_text(json.dumps(_model_output("nowhere")) + "\n", encoding="utf-8")
    code, out = run(capsys, "validate", str(f), "--source", str(SOURCE), "--source", str(other))
    assert code == 1 and "source-match" in out and "quotes were not checked" in out
    assert "nowhere" in out  # says which article id it looked for


def test_an_invented_direct_quote_is_caught(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # the evidence span is real, the quoted words are not: every verbatim field is looked up
    record = load_records()[0]
    record["statements"][1]["quote"] = "a new chapter in the relations between our two countries"
    record["visits"][0]["start"]["text"] = "Monday (September 11)"
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, out = run(capsys, "validate", str(f))
    assert code == 0  # without the article nothing can tell
    code, out = run(capsys, "validate", str(f), "--source", str(SOURCE))
    assert code == 1
    assert "$.statements[1].quote: the verbatim value 'a new chapter" in out
    assert "$.visits[0].start.text: the verbatim value 'Monday (September 11)'" in out


def test_a_quote_with_other_typography_gets_a_hint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    record = load_records()[0]
    record["places"][2]["mentions"][0] = {"quote": "Russia's  Far East"}  # straight ', two spaces
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, out = run(capsys, "validate", str(f), "--source", str(SOURCE))
    assert code == 1
    assert "other typography" in out and "'Russia’s Far East'" in out


def test_the_wrong_article_is_one_message_not_a_flood(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Another article, about nothing in particular at all.", encoding="utf-8")
    code, out = run(capsys, "validate", str(REPO / "dataset" / "records"), "--source", str(other))
    assert code == 1
    problems = [line for line in out.splitlines() if ": $" in line]
    assert len(problems) == 1 and "not the same article" in problems[0]


def test_a_re_parsed_record_is_still_checked_against_the_article(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the pure-Python path marks a line with a wide integer inexact and parses it again; the
    # second check must use the article, not the JSON line, as the text
    monkeypatch.setenv("DIPLOMATIC_VISITS_PURE_PYTHON", "1")
    record = copy.deepcopy(load_records()[0])
    span = record["actors"][0]["mentions"][0]
    span["start"] += 1
    span["end"] += 1
    line = json.dumps(record)[:-1] + ', "extra": ' + "9" * 30 + "}"
    f = tmp_path / "r.jsonl"
    f.write_text(line + "\n", encoding="utf-8")
    code, out = run(capsys, "validate", str(f), "--source", str(SOURCE))
    assert code == 1
    shifted = SOURCE.read_text(encoding="utf-8")[span["start"] : span["end"]]
    assert f"is {shifted!r}, not the quote" in out
