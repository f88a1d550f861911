"""An export of your records never drops part of one: when the column types of
``--schema-version`` cannot hold a record whole (a record of a newer schema version, the common
case), nothing is written and the command says which records, which fields and which version
would hold them (exit 2). The challenge set (schema 2.1.0, with ``annotation.constructs``, which
2.0.0 lacks) is the example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from diplomatic_visits import arrow, export
from diplomatic_visits.cli import main

CHALLENGE = Path(__file__).resolve().parent.parent / "dataset" / "challenge" / "records"
REFUSAL = "would drop $.annotation.constructs from 64 record(s) (c001, c002"


def _challenge() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CHALLENGE.glob("*.json"))]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 64 challenge records as given (a folder of .json files, read record by record) and
    as one JSON Lines file (read by chunks, through pyarrow's JSON reader where it can)."""
    lines = tmp_path_factory.mktemp("in") / "challenge.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in _challenge()), encoding="utf-8")
    return {"json": CHALLENGE, "jsonl": lines}


@pytest.mark.parametrize("kind", ["json", "jsonl"])
@pytest.mark.parametrize("fmt", ["parquet", "hf"])
def test_an_export_that_would_drop_part_of_your_records_is_refused_and_writes_nothing(
    fmt: str,
    kind: str,
    inputs: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    argv = ["export", fmt, str(inputs[kind]), "--schema-version", "2.0.0", "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert REFUSAL in err and "which declare schema 2.1.0" in err
    assert "nothing was written; export with --schema-version 2.1.0" in err
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file


def test_a_refused_export_leaves_an_output_it_did_not_write_as_it_was(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "theirs.parquet"
    out.write_bytes(b"not ours")
    argv = ["export", "parquet", str(inputs["jsonl"]), "--schema-version", "2.0.0"]
    assert main([*argv, "--out", str(out), "--force"]) == 2
    assert out.read_bytes() == b"not ours"
    assert [p.name for p in tmp_path.iterdir()] == ["theirs.parquet"]


@pytest.mark.parametrize(
    ("kind", "fmt", "path"),
    [
        ("json", "parquet", "out"),
        ("jsonl", "parquet", "out"),
        ("jsonl", "hf", "out/data/articles/test.parquet"),
    ],
)
def test_the_version_the_records_declare_holds_them_and_they_round_trip_exactly(
    kind: str, fmt: str, path: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    # a guard (it passes before the check too): the check refuses only what would be lost
    argv = ["export", fmt, str(inputs[kind]), "--schema-version", "2.1.0"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0
    table = pq.read_table(tmp_path / path)
    rows = arrow.from_arrow_rows(table.to_pylist(), arrow.articles_schema("2.1.0"))
    records = [{k: v for k, v in r.items() if k != arrow.TEXT_COLUMN} for r in rows]
    assert records == _challenge()


def test_lost_paths_name_what_each_table_would_drop_and_only_that() -> None:
    record = _challenge()[0]
    record["visits"][0]["invented_key"] = 1  # as a newer version might have
    assert arrow.lost_paths(record, ["articles"], "2.0.0") == [
        "$.annotation.constructs",
        "$.visits[*].invented_key",
    ]
    # a flat table holds one list of the record, a training table text: only their parts count
    assert arrow.lost_paths(record, ["visits"], "2.0.0") == ["$.visits[*].invented_key"]
    assert arrow.lost_paths(record, ["statements", "messages"], "2.0.0") == []
    assert export.lossy_records([record], "2.0.0", tables=["actors"]) == []
    # what is lost counts, not the version declared: a 2.1.0 record without constructs fits
    del record["visits"][0]["invented_key"], record["annotation"]["constructs"]
    assert export.lossy_records([record], "2.0.0") == []


def test_the_json_reader_does_not_drop_a_key_the_types_lack() -> None:
    # the fast path reads JSON Lines with pyarrow, which ignored a key not in the types: it now
    # leaves such lines to the path that finds what they would lose
    lines = "".join(json.dumps(r) + "\n" for r in _challenge()).encode()
    assert arrow.articles_from_json_lines(lines, 64, "2.0.0") is None
    table = arrow.articles_from_json_lines(lines, 64, "2.1.0")
    assert table is not None and table.num_rows == 64
