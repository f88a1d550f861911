"""`export parquet` of the `articles` table sends the lines the compiled engine accepted to
pyarrow's JSON reader with the derived schema (faster than building Python objects first,
benchmarks/bench_export.py), and writes byte for byte the file the Python path writes. Where
the reader could read a value differently, the Python path does the chunk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits import accel, arrow, export, load_records

# the reader path follows the compiled engine's pass over a chunk: without the engine (a pure
# Python install) every chunk takes the Python path, and only the equalities are checked
COMPILED = accel.accelerated()


def _export(path: Path, out: Path, jobs: int = 1) -> bytes:
    export.export_inputs([str(path)], "parquet", out, jobs=jobs, force=True)
    return out.read_bytes()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated records of both schema versions, the gold and the valid examples."""
    folder = tmp_path_factory.mktemp("reader")
    lines: list[str] = []
    for version in ("1.0.0", "1.1.0"):
        out = folder / f"{version}.jsonl"
        subprocess.run(
            [
                sys.executable,
                str(REPO / "benchmarks" / "generate.py"),
                "--records",
                "400",
                "--invalid-rate",
                "0",
                "--schema-version",
                version,
                "--out",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        lines += out.read_text(encoding="utf-8").splitlines()
    for record in load_records():
        lines.append(json.dumps(record, ensure_ascii=False))
    for path in sorted((EXAMPLES / "valid").glob("*.json")):
        lines.append(json.dumps(load_json(path), ensure_ascii=False))
    path = folder / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _python_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrow, "articles_from_json_lines", lambda *a, **k: None)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    taken: list[int] = []
    real = arrow.articles_from_json_lines

    def spy(*args: Any, **kwargs: Any) -> Any:
        table = real(*args, **kwargs)
        taken.append(0 if table is None else table.num_rows)
        return table

    monkeypatch.setattr(arrow, "articles_from_json_lines", spy)
    return taken


def test_the_reader_path_writes_the_bytes_the_python_path_writes(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = _counting(monkeypatch)
    fast = _export(corpus, tmp_path / "fast.parquet")
    rows = len(corpus.read_bytes().splitlines())
    assert sum(taken) == (rows if COMPILED else 0), "the reader took every chunk"
    monkeypatch.undo()
    _python_path_only(monkeypatch)
    assert _export(corpus, tmp_path / "python.parquet") == fast


def test_two_workers_write_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    assert _export(corpus, tmp_path / "two.parquet", jobs=2) == _export(
        corpus, tmp_path / "one.parquet"
    )


def _edited(gold: dict[str, Any], how: str) -> bytes:
    line = json.dumps(gold, ensure_ascii=False)
    if how == "surrogate pair":  # an escaped emoji: the Python path reads it
        title = gold["article"]["title"]
        old, new = (json.dumps(t, ensure_ascii=False) for t in (title, title + " \U0001f600"))
        assert old in line
        line = line.replace(old, new, 1).replace("\U0001f600", "\\ud83d\\ude00")
    elif how == "integer written 6.0":  # valid JSON Schema; the reader refuses it for int64
        assert '"duration_days": 6,' in line
        line = line.replace('"duration_days": 6,', '"duration_days": 6.0,', 1)
    elif how == "crlf":
        return line.encode("utf-8") + b"\r\n"
    return line.encode("utf-8") + b"\n"


@pytest.mark.parametrize("how", ["surrogate pair", "byte-order mark", "crlf", "plain"])
def test_a_line_the_reader_could_misread_goes_the_python_way(
    how: str, gold: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        (b"\xef\xbb\xbf" if how == "byte-order mark" else b"") + _edited(gold, how) * 3
    )
    taken = _counting(monkeypatch)
    fast = _export(path, tmp_path / "fast.parquet")
    monkeypatch.undo()
    _python_path_only(monkeypatch)
    assert _export(path, tmp_path / "python.parquet") == fast
    if how == "plain":
        assert taken == ([3] if COMPILED else [])
    if how == "surrogate pair":
        assert taken in ([], [0])  # refused by the reader path, done by the Python one


def test_an_integer_written_6_0_is_refused_on_both_paths(
    gold: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON Schema counts 6.0 as an integer, but the export would write another record (6):
    the record is refused, whichever path would have read it."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(_edited(gold, "integer written 6.0") * 3)
    with pytest.raises(export.RefusedExportError, match="3 of 3 records are invalid"):
        _export(path, tmp_path / "fast.parquet")
    _python_path_only(monkeypatch)
    with pytest.raises(export.RefusedExportError, match="3 of 3 records are invalid"):
        _export(path, tmp_path / "python.parquet")


def test_the_reader_refuses_a_null_where_the_schema_forbids_one(gold: dict[str, Any]) -> None:
    # the reader path runs on validated lines only, but it never writes what it cannot
    # stand behind: a null in a required value gives None (the Python path then decides)
    gold["article"]["language"] = None  # (a title may be null from schema 2.0.0 on)
    line = (json.dumps(gold) + "\n").encode("utf-8")
    assert arrow.articles_from_json_lines(line, 1) is None
    gold["article"]["text_file"] = {"path": None, "sha256": "0" * 64, "length": 1}
    gold["article"]["language"] = "en"
    line = (json.dumps(gold) + "\n").encode("utf-8")
    assert arrow.articles_from_json_lines(line, 1) is None
