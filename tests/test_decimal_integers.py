"""Numbers written with a fraction or an exponent where the schema says integer.

JSON Schema counts ``0.0`` and ``9e7`` as integers (every engine does), the parser makes them
floats, and an export writes them as integers: a record that passed ``validate`` would come out
of ``export`` as another record, which ``validate`` then refuses. Both engines refuse such a
number, where the schema's own ``type`` declarations say integer, with a message that says what
to write instead.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, load_json
from diplomatic_visits.cli import main
from diplomatic_visits.schema import bundle_schema, iter_integer_issues
from diplomatic_visits.validate import may_have_fractions, validate_record

GOLD = REPO / "dataset" / "records" / "000_b730d245b05eac44.json"
SOURCE = REPO / "dataset" / "source" / "000_b730d245b05eac44.txt"


def _line_with(record: dict[str, Any], start: str, end: str) -> str:
    """The record as a JSON line whose first mention's offsets are written as given."""
    mention = record["actors"][0]["mentions"][0]
    mention["start"], mention["end"] = "@START@", "@END@"
    return json.dumps(record).replace('"@START@"', start).replace('"@END@"', end)


def _run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, pure: str, argv: list[str]
) -> tuple[int, str]:
    monkeypatch.setenv("DIPLOMATIC_VISITS_PURE_PYTHON", pure)
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("pure", ["", "1"])
@pytest.mark.parametrize("start,end", [("0.0", "9e7"), ("0.0", "25"), ("0", "2.5E1")])
def test_offsets_written_as_decimals_are_refused_and_never_exported(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pure: str,
    start: str,
    end: str,
) -> None:
    record = load_json(GOLD)
    quote = record["actors"][0]["mentions"][0]["quote"]
    assert record["actors"][0]["mentions"][0]["start"] == 0 and len(quote) == 25
    bad = tmp_path / "bad.jsonl"
    bad.write_text(_line_with(copy.deepcopy(record), start, end) + "\n", encoding="utf-8")
    source = ["--source", str(SOURCE)]
    code, out = _run(
        capsys, monkeypatch, pure, ["validate", str(bad), "--level", "verified", *source]
    )
    assert code == 1, out
    assert "$.actors[0].mentions[0]." in out and "fraction or an exponent" in out
    # export validates first: nothing is written
    parquet = tmp_path / "out.parquet"
    code, out = _run(
        capsys,
        monkeypatch,
        pure,
        ["export", "parquet", str(bad), "--out", str(parquet), "--level", "verified", *source],
    )
    assert code == 1, out
    assert not parquet.exists()
    # the same record with its offsets written as integers goes through, and round-trips
    good = tmp_path / "good.jsonl"
    good.write_text(_line_with(copy.deepcopy(record), "0", "25") + "\n", encoding="utf-8")
    argv = ["export", "parquet", str(good), "--out", str(parquet), "--level", "verified"]
    code, out = _run(capsys, monkeypatch, pure, [*argv, *source])
    assert code == 0, out
    code, out = _run(
        capsys, monkeypatch, pure, ["validate", str(parquet), "--level", "verified", *source]
    )
    assert code == 0, out


def test_the_places_come_from_the_schema_declarations() -> None:
    # every property the schema types as integer is checked, and no other
    record = load_json(GOLD)
    record["article"]["text_file"]["length"] = float(record["article"]["text_file"]["length"])
    record["visits"][0]["duration_days"] = 6.0
    record["visits"][0]["start"]["evidence"][0]["end"] = 724.0
    record["record_id"] = 1.0  # a string in the schema: its own type error, not ours
    issues = list(iter_integer_issues(record, "1.1.0"))
    assert [i.path for i in issues] == [
        ("article", "text_file", "length"),
        ("visits", 0, "start", "evidence", 0, "end"),
        ("visits", 0, "duration_days"),
    ]
    assert all(i.keyword == "type" for i in issues)
    assert "write 6 without them" in issues[2].message
    # each integer property the schema declares is among the places, read from its types
    declared = json.dumps(bundle_schema("1.1.0")).count('"integer"')
    assert declared >= 3
    found = {i.path for i in validate_record(record)}
    assert ("visits", 0, "duration_days") in found and ("record_id",) in found


def test_a_non_integral_number_is_left_to_the_schema() -> None:
    record = load_json(GOLD)
    record["visits"][0]["duration_days"] = 6.5
    assert not list(iter_integer_issues(record, "1.1.0"))
    issues = validate_record(record)
    assert [(i.path, i.keyword) for i in issues] == [(("visits", 0, "duration_days"), "type")]


@pytest.mark.parametrize(
    "raw,expected",
    [
        (b'{"a": 1.0}', True),
        (b'{"a":[1,2e5]}', True),
        (b'{"a": -3E2}', True),
        (b"9e7", True),
        (b'{"v": "1.1.0", "h": "a3e5", "n": 12}', False),
        (b'{"a": [ -12]}', False),
    ],
)
def test_may_have_fractions(raw: bytes, expected: bool) -> None:
    assert may_have_fractions(raw) is expected


@pytest.mark.parametrize("pure", ["", "1"])
def test_a_pretty_json_file_is_checked_too(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pure: str,
) -> None:
    # a .json file has no raw line to look at: the parsed value is
    record = load_json(GOLD)
    f = tmp_path / "r.json"
    text = json.dumps(record, indent=2).replace('"duration_days": 6', '"duration_days": 6.0', 1)
    assert '"duration_days": 6.0' in text
    f.write_text(text, encoding="utf-8")
    code, out = _run(capsys, monkeypatch, pure, ["validate", str(f)])
    assert code == 1 and "$.visits[0].duration_days: 6.0 is a number" in out, out
