"""The command line: exit codes, messages that name file and line, and bad input that never
produces a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, load_json
from diplomatic_visits import __version__, available_versions, dataset_version, jsonl, pipeline
from diplomatic_visits.cli import main

MINIMAL = EXAMPLES / "valid" / "extraction-quotes-without-offsets.json"
SOURCE = Path(__file__).resolve().parent.parent / "dataset" / "source" / "000_b730d245b05eac44.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def minimal() -> dict[str, Any]:
    return load_json(MINIMAL)  # type: ignore[no-any-return]


def line(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False)


def test_version_and_info(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out
    code, out, _ = run(capsys, "info")
    assert code == 0
    assert __version__ in out and dataset_version() in out
    assert "records          1" in out
    assert "record.schema.json" in out and "000_b730d245b05eac44.json" in out


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "--list")
    assert code == 0 and all(v in out for v in available_versions()) and "verified" in out
    code, out, _ = run(capsys, "schema", "--level", "verified")
    assert json.loads(out)["$id"].endswith("record.verified.schema.json")
    code, out, _ = run(capsys, "schema", "--version", "1.0.0", "--bundled")
    assert "record.schema.json#" not in out and json.loads(out)["$defs"]
    code, _, err = run(capsys, "schema", "--version", "9.9.9")
    assert code == 2 and "unknown schema version '9.9.9'" in err


def test_validate_valid_and_invalid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    good, bad = minimal(), minimal()
    bad["visits"][0]["status"]["value"] = "finished"
    del bad["visits"][0]["kind"]
    f = tmp_path / "out.jsonl"
    f.write_text(line(good) + "\n\n" + line(bad) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(f))
    assert code == 1
    assert f'{f}:3: $.visits[0].status.value: "finished" is not one of' in out
    assert f'{f}:3: $.visits[0]: "kind" is a required property' in out
    assert "2 records checked: 1 valid, 1 invalid" in out
    code, out, _ = run(capsys, "validate", str(MINIMAL))
    assert code == 0 and "1 valid, 0 invalid" in out


def test_validate_machine_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = minimal()
    bad["visits"][0]["status"]["value"] = "finished"
    f = tmp_path / "bad.jsonl"
    f.write_text(line(bad) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(f), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["status"] == "invalid" and report["invalid"] == 1
    err = report["errors"][0]
    assert err == {
        "file": str(f),
        "line": 1,
        "record_id": "llm-output-0001",
        "path": "$.visits[0].status.value",
        "kind": "schema",
        "keyword": "enum",
        "message": err["message"],
        "schema_path": "$defs/status/properties/value/enum",
    }
    code, out, _ = run(capsys, "validate", str(f), "--format", "jsonl")
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["type"] for r in rows] == ["error", "summary"]


def test_max_errors_caps_per_record(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = minimal()
    for key in ("kind", "description", "visitors", "hosts", "status"):
        del bad["visits"][0][key]
    f = tmp_path / "bad.jsonl"
    f.write_text(line(bad) + "\n", encoding="utf-8")
    _, out, _ = run(capsys, "validate", str(f), "--max-errors", "2")
    assert out.count("is a required property") == 2


def test_source_catches_invented_quotes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rec = minimal()
    rec["visits"][0]["evidence"].append({"quote": "Kim toured a cosmodrome"})
    f = tmp_path / "x.jsonl"
    f.write_text(line(rec) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(f))
    assert code == 0  # without the text nothing can be checked
    code, out, _ = run(capsys, "validate", str(f), "--source", str(SOURCE))
    assert code == 1
    assert (
        "$.visits[0].evidence[1].quote: the quote 'Kim toured a cosmodrome' "
        "does not occur in the source text" in out
    )


def test_source_takes_a_folder_of_texts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rec = minimal()
    rec["visits"][0]["evidence"].append({"quote": "Kim toured a cosmodrome"})
    f = tmp_path / "x.jsonl"
    f.write_text(line(rec) + "\n", encoding="utf-8")
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / SOURCE.name).write_bytes(SOURCE.read_bytes())
    (texts / "other.txt").write_text("A short article of ours about another visit.\n", "utf-8")
    (texts / "notes.md").write_text("not an article", encoding="utf-8")  # not a .txt: ignored
    code, out, _ = run(capsys, "validate", str(f), "--source", str(texts))
    assert code == 1  # the record found its own text among the folder's two
    assert "the quote 'Kim toured a cosmodrome' does not occur in the source text" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "validate", str(f), "--source", str(empty))
    assert code == 2
    assert f"{empty}: no article texts (.txt files) in this folder" in err


@pytest.mark.parametrize("sha", [[], {}, 7, None, "0" * 64])
def test_source_lookup_takes_any_sha256_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sha: Any
) -> None:
    rec = minimal()
    rec["article"]["text_file"] = {"sha256": sha, "length": 1}
    f = tmp_path / "odd.jsonl"
    f.write_text(line(rec) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(f), "--source", str(SOURCE))
    assert code == 1
    assert f"{f}:1: $.article.text_file" in out


def test_verified_level_and_declared_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(MINIMAL), "--level", "verified")
    assert code == 1 and '"annotation" is a required property' in out


BAD_INPUTS: list[tuple[str, bytes, str]] = [
    ("empty.json", b"", "empty file"),
    ("blank.json", b"  \n\t\n", "empty file"),
    ("truncated.jsonl", b'{"schema_version": "1.0.0", "record_id": \n', "invalid JSON"),
    ("latin1.jsonl", '{"record_id": "café"}\n'.encode("latin-1"), "not valid UTF-8"),
    ("nan.jsonl", b'{"a": NaN}\n', "NaN is not valid JSON"),
    ("inf.jsonl", b'{"a": -Infinity}\n', "-Infinity is not valid JSON"),
    ("overflow.jsonl", b'{"a": 1e999}\n', "out of range"),
    ("bigint.jsonl", b'{"a": ' + b"9" * 5000 + b"}\n", "invalid JSON"),
    ("dupkey.jsonl", b'{"a": 1, "a": 2}\n', "duplicate key 'a'"),
    ("surrogate.jsonl", b'{"a": "\\ud800"}\n', "lone surrogate"),
    ("deep.jsonl", b"[" * 100000 + b"]" * 100000 + b"\n", "nested too deeply"),
    ("binary.jsonl", bytes(range(256)) * 4, "not valid UTF-8"),
    ("trailing.json", b'{"a": 1} {"b": 2}', "extra data"),
    ("array.json", b'[{"a": 1},\n {"a": 1, "a": 2}]', "duplicate key"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_reported_not_raised(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    f = tmp_path / name
    f.write_bytes(data)
    code, out, err = run(capsys, "validate", str(f))
    assert code == 2
    assert err.startswith(str(f)), err  # input errors on stderr, the summary on stdout
    if name.endswith(".jsonl"):
        assert err.startswith(f"{f}:1"), err  # the line of the file, even for the last byte
    assert message in err and "unreadable input" in out


def test_no_bad_input_gives_a_traceback_in_a_real_run(tmp_path: Path) -> None:
    # in a process of its own, as a user runs it: a traceback would show on its standard error
    for name, data, _ in BAD_INPUTS:
        (tmp_path / name).write_bytes(data)
    proc = subprocess.run(
        [sys.executable, "-m", "diplomatic_visits", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count(str(tmp_path)) >= len(BAD_INPUTS)  # one line each, on stderr
    assert "unreadable inputs" in proc.stdout


@pytest.mark.parametrize("pure", ["", "1"])
@pytest.mark.parametrize("depth", [254, 300, 900])
@pytest.mark.parametrize("kind", ["array", "object"])
def test_deep_records_are_invalid_not_crashes(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pure: str,
    depth: int,
    kind: str,
) -> None:
    # orjson reads up to 1024 levels; jsonschema-rs refuses 255 and more; orjson writes 254
    monkeypatch.setenv("DIPLOMATIC_VISITS_PURE_PYTHON", pure)
    open_, inner, close = (b"[", b"", b"]") if kind == "array" else (b'{"a":', b"1", b"}")
    f = tmp_path / "deep.jsonl"
    f.write_bytes(b'{"record_id": "r", "x": ' + open_ * depth + inner + close * depth + b"}\n")
    code, out, _ = run(capsys, "validate", str(f))
    assert code == 1
    assert out.startswith(f"{f}:1: $"), out


def test_bom_is_tolerated(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "bom.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + line(minimal()).encode() + b"\n")
    g = tmp_path / "bom.json"
    g.write_bytes(b"\xef\xbb\xbf" + line(minimal()).encode())
    assert run(capsys, "validate", str(f), str(g))[0] == 0


def test_non_object_records_are_invalid_not_crashes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "odd.jsonl"
    f.write_text('[]\n"text"\n42\nnull\n', encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(f))
    assert code == 1 and "4 records checked: 0 valid, 4 invalid" in out


def test_long_line_is_skipped_and_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = len(line(minimal()).encode()) + 10
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", limit)
    f = tmp_path / "long.jsonl"
    f.write_text('"' + "x" * limit * 3 + '"\n' + line(minimal()) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(f))
    assert code == 2
    assert f"{f}:1: line longer than {limit} bytes" in err
    assert "1 record checked: 1 valid" in out  # the next line is still checked


def test_missing_file_folder_and_usage(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "no such file or folder" in err
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 2 and "folder holds no .json" in err
    (tmp_path / "a.json").write_text(line(minimal()), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.ndjson").write_text(line(minimal()) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(tmp_path))
    assert code == 0 and "2 records checked: 2 valid" in out
    with pytest.raises(SystemExit) as exc:
        main(["validate"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["validate", "x", "--max-errors", "0"])
    assert exc.value.code == 2


def test_stdin_and_module_entry_point(tmp_path: Path) -> None:
    bad = minimal()
    bad["record_id"] = ""
    data = (line(minimal()) + "\n" + line(bad) + "\n").encode()
    proc = subprocess.run(
        [sys.executable, "-m", "diplomatic_visits", "validate", "-"],
        input=data,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 1
    assert b"<stdin>:2: $.record_id" in proc.stdout
    assert b"Traceback" not in proc.stderr


def test_export_jsonl(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    assert run(capsys, "export", "jsonl", "--out", str(out))[0] == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1 and rows[0]["record_id"] == "000_b730d245b05eac44"
    code, _, err = run(capsys, "export", "jsonl", "--out", str(out))
    assert code == 2 and "--force" in err
    assert run(capsys, "export", "jsonl", "--out", str(out), "--force")[0] == 0
    code, stdout, _ = run(capsys, "export", "jsonl", "--out", "-")
    assert code == 0 and json.loads(stdout) == rows[0]


def test_export_refuses_invalid_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = minimal()
    bad["visits"][0]["status"]["value"] = "finished"
    src = tmp_path / "in.jsonl"
    src.write_text(line(minimal()) + "\n" + line(bad) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "export", "jsonl", "--out", str(out), "--input", str(src))
    assert code == 1 and "refusing to export: 1 of 2 records are invalid" in err
    assert not out.exists()
    src.write_text(line(minimal()) + "\n", encoding="utf-8")
    assert run(capsys, "export", "jsonl", "--out", str(out), "--input", str(src))[0] == 0
    assert json.loads(out.read_text(encoding="utf-8")) == minimal()


def test_workers_give_the_same_report_in_the_same_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "CHUNK_BYTES", 700)  # many chunks, so ordering is exercised
    rows = []
    for i in range(60):
        rec = minimal()
        rec["record_id"] = f"r{i}"
        if i % 9 == 0:
            rec["visits"][0]["status"]["value"] = "finished"
        if i % 13 == 0:
            rec["visits"][0]["hosts"] = ["a_nobody"]
        rows.append(line(rec) if i % 17 else '{"truncated": ')
    f = tmp_path / "many.jsonl"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code1, out1, _ = run(capsys, "validate", str(f), "--jobs", "1", "--format", "jsonl")
    code2, out2, _ = run(capsys, "validate", str(f), "--jobs", "2", "--format", "jsonl")
    assert code1 == code2 == 2
    assert out1 == out2
    # standard input: this process reads the lines and hands them to the workers
    stdin = io.TextIOWrapper(io.BytesIO(f.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    code3, out3, _ = run(capsys, "validate", "-", "--jobs", "2", "--format", "jsonl")
    assert code3 == 2
    assert out3 == out1.replace(json.dumps(str(f)), json.dumps("<stdin>"))
    kinds = [json.loads(x)["type"] for x in out1.splitlines()]
    assert kinds.count("input_error") == 4 and kinds.count("error") > 5


def test_input_errors_do_not_hold_the_batch_they_came_from(tmp_path: Path) -> None:
    # A kept exception's traceback holds the parser's frames and so the whole batch of lines:
    # 227 unreadable lines once kept 450 MB alive on a 370 MB input.
    f = tmp_path / "bad.jsonl"
    f.write_text('{"a": 1, "a": 2}\n{"truncated": \n', encoding="utf-8")
    report = pipeline.validate_files([str(f)])
    assert len(report.input_errors) == 2
    for err in report.input_errors:
        assert err.__traceback__ is None and err.__context__ is None


def test_json_array_elements_report_their_own_lines(tmp_path: Path) -> None:
    bad = minimal()
    bad["visits"][0]["status"]["value"] = "finished"
    f = tmp_path / "array.json"
    f.write_text(
        "[\n" + ",\n".join(line(r) for r in (minimal(), minimal(), bad)) + "\n]", encoding="utf-8"
    )
    report = pipeline.validate_files([str(f)])
    assert report.checked == 3 and [r.line for r in report.invalid_results] == [4]


def test_schema_and_semantic_problems_come_in_one_pass(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rec = minimal()
    rec["visits"][0]["status"]["value"] = "finished"  # a schema problem
    rec["visits"][0]["hosts"] = ["a_nobody"]  # a semantic one, elsewhere
    rec["visits"][0]["start"]["value"] = "2023-9-12"  # a schema problem that is also a bad date
    f = tmp_path / "r.jsonl"
    f.write_text(line(rec) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(f), "--format", "json")
    assert code == 1
    errors = {(e["path"], e["keyword"]) for e in json.loads(out)["errors"]}
    assert ("$.visits[0].status.value", "enum") in errors
    assert ("$.visits[0].hosts[0]", "ref-exists") in errors
    assert ("$.visits[0].start.value", "pattern") in errors
    assert not any(k == "date-form" for _, k in errors)  # not said twice


def test_quiet_json_keeps_every_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rec = minimal()
    rec["visits"][0]["status"]["value"] = "finished"
    f = tmp_path / "r.jsonl"
    f.write_text(line(rec) + "\n", encoding="utf-8")
    for fmt in ("json", "jsonl"):
        _, out, _ = run(capsys, "validate", str(f), "-q", "--format", fmt)
        assert "$.visits[0].status.value" in out, fmt
    _, out, _ = run(capsys, "validate", str(f), "-q")
    assert out.startswith("1 record checked")  # text: the summary only


def test_unknown_level_and_version_name_what_exists() -> None:
    from diplomatic_visits import UnknownLevelError, UnknownSchemaVersionError, load_schema

    with pytest.raises(UnknownLevelError, match="levels: extraction, verified"):
        load_schema(level="gold")  # type: ignore[arg-type]
    with pytest.raises(UnknownSchemaVersionError) as exc:
        load_schema("9.9.9")
    assert exc.value.version == "9.9.9"


def test_compat_without_the_generator_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from diplomatic_visits import compat

    monkeypatch.setattr(compat, "can_generate", lambda: False)
    newest = available_versions()[-1]
    code, _, err = run(capsys, "compat", available_versions()[0], newest, "--generated", "5")
    assert code == 2 and "pip install 'diplomatic-visits[dev]'" in err
    code, out, _ = run(capsys, "compat", available_versions()[0], newest)  # default: skip, say so
    assert code == 0 and "no records generated" in out


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Python API", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    outputs = tmp_path / "outputs.jsonl"
    outputs.write_text(line(minimal()) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"my_output": minimal()}
    exec(compile(block, "README.md", "exec"), namespace)  # our own README's example
    assert namespace["report"].exit_code == 0
