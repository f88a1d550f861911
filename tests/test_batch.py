"""The Arrow batch API: the same results as ``validate`` on the same records, for a column of
JSON texts and for the typed columns of our export, with and without the article text."""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import diplomatic_visits as dv
from diplomatic_visits.arrow import TableBuilder, build_table, from_arrow_rows
from diplomatic_visits.batch import BatchError, BatchValidator, validate_batch
from diplomatic_visits.records import load_records_with_texts
from diplomatic_visits.report import Report

REPO = Path(__file__).resolve().parent.parent


def _generate() -> Any:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generate()

# lines that are not records, as model output and broken jobs write them
BAD_LINES = [
    '{"a": 1, "a": 2}',  # duplicate key
    '{"schema_version": NaN}',
    "```json",
    '{"record_id": "cut',  # truncated
    "[1, 2]",  # JSON, not a record
]


def corpus(n: int = 240, seed: int = 7, invalid: float = 0.3) -> list[str]:
    """Generated records (about ``invalid`` of them broken in the generator's nine ways) and
    the bad lines above, mixed: the lines of a JSON Lines file."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        rec: Any = GEN.make_record(i, rng)
        if rng.random() < invalid:
            rec = GEN.corrupt(rec, rng)
        lines.append(rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False))
    for k, bad in enumerate(BAD_LINES):
        lines.insert(1 + 37 * k, bad)
    return lines


def reference(lines: list[str], tmp_path: Path) -> Report:
    f = tmp_path / "records.jsonl"
    f.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return dv.validate_files([str(f)], max_errors=20)


def issue_keys_of_report(report: Report) -> list[tuple[Any, ...]]:
    return sorted(
        (r.line - 1, r.record_id, i.json_path, i.keyword, i.message)
        for r in report.invalid_results
        if r.line is not None
        for i in r.issues
    )


def issue_keys_of_batch(result: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (r["row"], r["record_id"], r["json_path"], r["keyword"], r["message"])
        for r in result.issues.to_pylist()
        if r["status"] == "invalid"
    )


def test_a_column_of_json_texts_gives_what_validate_gives(tmp_path: Path) -> None:
    lines = corpus()
    report = reference(lines, tmp_path)
    result = validate_batch(pa.table({"json": lines}))
    assert report.invalid > 20 and len(report.input_errors) >= len(BAD_LINES)  # a real mix
    assert (result.valid, result.invalid, result.unreadable) == (
        report.valid,
        report.invalid,
        len(report.input_errors),
    )
    assert issue_keys_of_batch(result) == issue_keys_of_report(report)
    unreadable = sorted(
        (r["row"], r["message"]) for r in result.issues.to_pylist() if r["status"] == "unreadable"
    )
    assert unreadable == sorted((e.line - 1, e.reason) for e in report.input_errors if e.line)
    # one row per input row, in order, its status agreeing with the issues
    records = result.records.to_pylist()
    assert [r["row"] for r in records] == list(range(len(lines)))
    invalid_rows = {k[0] for k in issue_keys_of_report(report)}
    assert {r["row"] for r in records if r["status"] == "invalid"} == invalid_rows
    assert all(r["valid"] == (r["status"] == "valid") for r in records)


def _pretty(line: str) -> str:
    """A record line pretty-printed, when it is one (the bad lines as they are)."""
    try:
        value = json.loads(line, object_pairs_hook=_no_duplicates)
    except ValueError:
        return line
    return json.dumps(value, indent=2, ensure_ascii=False) if isinstance(value, dict) else line


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("duplicate key")
    return dict(pairs)


def test_bytes_columns_and_pretty_printed_values_read_as_lines_do(tmp_path: Path) -> None:
    lines = corpus(60, seed=3)
    report = reference(lines, tmp_path)
    # a pretty-printed value in a column is one record still (it cannot be a chunk's line)
    pretty = [_pretty(x) for x in lines]
    assert sum(p != x for p, x in zip(pretty, lines, strict=True)) > 40
    for column in (pa.array([x.encode() for x in lines], pa.binary()), pa.array(pretty)):
        result = validate_batch(pa.table({"raw": column}))
        assert issue_keys_of_batch(result) == issue_keys_of_report(report)
        assert result.valid == report.valid


def test_rows_that_hold_no_record_are_unreadable_with_the_reason() -> None:
    result = validate_batch(pa.table({"json": [None, "  ", b"\xff{}".decode("latin-1")]}))
    rows = result.records.to_pylist()
    assert [r["status"] for r in rows] == ["unreadable"] * 3
    assert "null" in rows[0]["reason"] and "empty" in rows[1]["reason"]
    bad_utf8 = validate_batch(pa.table({"json": pa.array([b"\xff{}"], pa.binary())}))
    assert "not valid UTF-8" in bad_utf8.records.column("reason")[0].as_py()


def _typed_records(n: int = 80) -> list[dict[str, Any]]:
    """Generated records, some broken in ways the Arrow types still hold (a value outside an
    enum, a dangling reference, a negative offset)."""
    rng = random.Random(11)
    out = []
    for i in range(n):
        rec = GEN.make_record(i, rng)
        v = rec["visits"][0]
        if i % 5 == 1:
            v["status"]["value"] = "finished"
        elif i % 5 == 2:
            v["hosts"] = ["a_unknown"]
        elif i % 5 == 3:
            v["evidence"][0]["start"] = -3
        out.append(rec)
    return out


def _typed_table(records: list[dict[str, Any]]) -> pa.Table:
    b = TableBuilder("articles")
    for r in records:
        b.add(r, None)
    b._convert()
    t = pa.Table.from_struct_array(pa.concat_arrays(b._parts))
    return t.replace_schema_metadata(None)


def test_typed_columns_give_what_validate_gives_on_the_records(tmp_path: Path) -> None:
    table = _typed_table(_typed_records())
    records = list(from_arrow_rows(table.to_pylist(), table.schema))
    report = reference([json.dumps(r) for r in records], tmp_path)
    assert report.invalid >= 40
    result = validate_batch(table)
    assert issue_keys_of_batch(result) == issue_keys_of_report(report)
    assert result.valid == report.valid
    # Polars and DuckDB frames (which drop the field metadata that marks optional properties)
    import duckdb
    import polars as pl

    frame = pl.from_arrow(table)
    assert issue_keys_of_batch(validate_batch(frame)) == issue_keys_of_report(report)
    typed = table  # noqa: F841 (named in the query)
    relation = duckdb.sql("select * from typed")
    assert issue_keys_of_batch(validate_batch(relation.arrow())) == issue_keys_of_report(report)


def test_the_text_column_is_each_rows_source(tmp_path: Path) -> None:
    records, texts = load_records_with_texts()
    table = build_table("articles", records, texts, None, "verified")
    assert validate_batch(table, level="verified").valid == 1
    # the same record against another text: what --source with that text says
    tampered = texts[0].replace("Kozhemyako", "Kozhemyaka")
    source = tmp_path / "other.txt"
    source.write_text(tampered, encoding="utf-8")
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps(records[0]) + "\n", encoding="utf-8")
    report = dv.validate_files(
        [str(f)], level="verified", sources=dv.inputs.Sources.from_files([str(source)])
    )
    column = table.schema.get_field_index("text")
    other = table.set_column(column, "text", pa.array([tampered]))
    result = validate_batch(other, level="verified")
    expected = [(i.json_path, i.keyword, i.message) for i in report.invalid_results[0].issues]
    got = [(r["json_path"], r["keyword"], r["message"]) for r in result.issues.to_pylist()]
    assert got == expected and expected
    # without the text, the text is not checked
    assert validate_batch(table.drop_columns(["text"]), level="verified").valid == 1


def test_the_callable_adds_status_and_issues_for_map_batches() -> None:
    lines = corpus(30, seed=5)
    v = BatchValidator()
    out = v(pa.table({"json": lines, "n": list(range(len(lines)))}))
    assert out.column_names == ["json", "n", "dv_status", "dv_issues"]
    checked = v.validate(pa.table({"json": lines}))
    assert out.column("dv_status").to_pylist() == checked.records.column("status").to_pylist()
    counts = [len(x) for x in out.column("dv_issues").to_pylist()]
    expected = [c if s != "unreadable" else 1 for c, s in zip(
        checked.records.column("issues").to_pylist(),
        checked.records.column("status").to_pylist(),
        strict=True,
    )]  # fmt: skip
    assert counts == expected


def test_a_batch_without_a_clear_record_column_is_a_clear_error() -> None:
    with pytest.raises(BatchError, match="give column="):
        validate_batch(pa.table({"a": ["{}"], "b": ["{}"]}))
    with pytest.raises(BatchError, match="no column 'nope'"):
        BatchValidator(column="nope").validate(pa.table({"a": ["{}"]}))


def test_the_batch_api_imports_no_ray() -> None:
    code = (
        "import sys, pyarrow as pa; from diplomatic_visits.batch import validate_batch; "
        "validate_batch(pa.table({'j': ['{}']})); "
        "print([m for m in sys.modules if m.split('.')[0] == 'ray'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_without_ray_the_engine_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from diplomatic_visits.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)
    f = tmp_path / "r.jsonl"
    f.write_text("{}\n", encoding="utf-8")
    assert main(["validate", str(f), "--engine", "ray"]) == 2
    assert "pip install 'diplomatic-visits[ray]'" in capsys.readouterr().err


def _report_facts(report: Report, rename: dict[str, str]) -> dict[str, Any]:
    """What a report says, its inputs' names mapped by ``rename`` (a Parquet file's row is
    numbered as a JSON Lines file's line: from 1)."""
    return {
        "counts": (report.checked, report.valid, report.invalid, report.exit_code),
        "by_keyword": dict(report.by_keyword),
        "invalid": [
            (rename.get(r.path, r.path), r.line, r.record_id, [str(x) for x in r.issues])
            for r in report.invalid_results
        ],
        "unreadable": [(rename.get(e.path, e.path), e.line, e.reason) for e in report.input_errors],
    }


def test_validate_reads_parquet_as_it_reads_the_same_records_as_json_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet as pq

    from diplomatic_visits.cli import main

    # our export's typed columns, in row groups of 16 rows
    table = _typed_table(_typed_records(60))
    typed = tmp_path / "typed.parquet"
    pq.write_table(table, typed, row_group_size=16)
    records = list(from_arrow_rows(table.to_pylist(), table.schema))
    as_lines = tmp_path / "typed.jsonl"
    as_lines.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    want = dv.validate_files([str(as_lines)], max_errors=20)
    got = dv.validate_files([str(typed)], max_errors=20)
    assert want.invalid >= 30
    assert _report_facts(got, {str(typed): "x"}) == _report_facts(want, {str(as_lines): "x"})
    # a column of JSON texts, bad lines included: the same as the JSON Lines file of them
    lines = corpus(120, seed=5)
    texts = tmp_path / "texts.parquet"
    pq.write_table(pa.table({"json": lines}), texts, row_group_size=50)
    jsonl = tmp_path / "texts.jsonl"
    jsonl.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    want, got = dv.validate_files([str(jsonl)]), dv.validate_files([str(texts)])
    assert len(want.input_errors) >= len(BAD_LINES)
    assert _report_facts(got, {str(texts): "x"}) == _report_facts(want, {str(jsonl): "x"})
    # the command: a folder is searched for Parquet too, and its output names rows as lines
    assert main(["validate", str(jsonl)]) == 2
    from_jsonl = capsys.readouterr().out.replace(str(jsonl), "F")
    assert main(["validate", str(texts)]) == 2
    assert capsys.readouterr().out.replace(str(texts), "F") == from_jsonl
    folder = tmp_path / "only-parquet"
    folder.mkdir()
    (folder / "typed.parquet").write_bytes(typed.read_bytes())
    assert main(["validate", str(folder), "-q"]) == 1
    # an export written to a path without the suffix is known by its magic bytes
    bare = tmp_path / "export-without-suffix"
    bare.write_bytes(typed.read_bytes())
    assert main(["validate", str(bare), "-q"]) == 1
    capsys.readouterr()


def test_a_file_named_parquet_that_is_not_is_unreadable_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from diplomatic_visits.cli import main

    fake = tmp_path / "results.parquet"
    fake.write_text('{"schema_version": "1.1.0"}\n', encoding="utf-8")
    assert main(["validate", str(fake)]) == 2
    captured = capsys.readouterr()
    assert f"{fake}: cannot read as Parquet:" in captured.err  # input errors on stderr
    assert "1 unreadable input" in captured.out


def test_the_commands_that_read_json_only_say_so_for_a_parquet_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet as pq

    from diplomatic_visits.cli import main

    f = tmp_path / "records"  # an export written without the suffix
    pq.write_table(_typed_table(_typed_records(3)), f)
    gold = str(REPO / "dataset" / "records")
    for argv in (
        ["score", str(f), "--gold", gold],
        ["export", "jsonl", str(f), "--out", str(tmp_path / "o.jsonl")],
        ["view", str(f), "--out", str(tmp_path / "o.html")],
    ):
        assert main(argv) == 2, argv
        said = capsys.readouterr()
        assert f"{f}: a Parquet file, which this command does not read" in said.out + said.err
    assert not (tmp_path / "o.jsonl").exists() and not (tmp_path / "o.html").exists()
