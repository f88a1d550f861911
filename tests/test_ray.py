"""Validation and export on Ray Data: the results of the single-machine commands, nothing lost,
and exact totals when a worker dies. Ray runs locally (2 CPUs, started once for the module)
on small data: several units per file (a small ``chunk_size``), so that the numbering of
lines across units and the order of results are tested too."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ray = pytest.importorskip("ray")

import diplomatic_visits as dv  # noqa: E402
from diplomatic_visits import ray_data  # noqa: E402
from diplomatic_visits.cli import main  # noqa: E402
from diplomatic_visits.output import MARKER  # noqa: E402
from diplomatic_visits.report import Report  # noqa: E402
from test_batch import _pretty, _typed_records, _typed_table, corpus  # noqa: E402

# Ray's own deprecation warnings (its DataContext warns about its own defaults): not ours
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CHUNK = 96 * 1024  # bytes of JSON Lines per unit: about 25 records


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, logging_level="warning")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Two JSON Lines files and a .json file in a folder, and a file that is missing."""
    root = tmp_path_factory.mktemp("corpus")
    folder = root / "outputs"
    folder.mkdir()
    (folder / "a.jsonl").write_text("\n".join(corpus(150, seed=1)) + "\n", encoding="utf-8")
    lines = corpus(100, seed=2)
    lines.insert(50, "")  # a blank line: no record, as for validate
    (folder / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = [r for r in map(_parsed, corpus(8, seed=3, invalid=0.5)) if isinstance(r, dict)]
    (folder / "c.json").write_text(json.dumps(records, indent=2), encoding="utf-8")
    return [str(folder), str(root / "missing.jsonl")]


def _parsed(line: str) -> Any:
    """A line's value; None for the lines that are not records (duplicate keys included)."""
    pretty = _pretty(line)
    return json.loads(pretty) if pretty != line or line.startswith('{"schema') else None


def _facts(report: Report) -> dict[str, Any]:
    return {
        "counts": (report.checked, report.valid, report.invalid, report.exit_code),
        "by_keyword": dict(report.by_keyword),
        "invalid": [
            (r.path, r.line, r.record_id, [(r.line_of(i), str(x)) for i, x in enumerate(r.issues)])
            for r in report.invalid_results
        ],
        "unreadable": [(e.path, e.line, e.column, e.reason) for e in report.input_errors],
    }


def _on_ray(inputs: list[str], **kw: Any) -> Report:
    report = Report()
    for item in ray_data.iter_results(inputs, max_errors=20, chunk_size=CHUNK, **kw):
        report.add(item)
    return report


def test_validate_on_ray_gives_what_validate_gives(inputs: list[str]) -> None:
    import ray

    expected = dv.validate_files(inputs, max_errors=20)
    caller = ray.data.DataContext.get_current()
    before, caller.op_resource_reservation_enabled = caller.op_resource_reservation_enabled, True
    try:
        got = _on_ray(inputs, workers=2)
        # the run turns Ray Data's reservation off on its own dataset, not in the caller's
        assert ray.data.DataContext.get_current().op_resource_reservation_enabled is True
    finally:
        caller.op_resource_reservation_enabled = before
    assert expected.invalid > 30 and len(expected.input_errors) > 10  # a real mix
    assert _facts(got) == _facts(expected)  # in the same order, lines numbered the same


def _lines(paths: list[Path]) -> int:
    return sum(1 for p in paths for x in p.read_text(encoding="utf-8").splitlines() if x.strip())


def test_export_on_ray_loses_nothing_and_writes_the_single_machine_rows(
    inputs: list[str], tmp_path: Path
) -> None:
    from diplomatic_visits.batch import validate_batch
    from diplomatic_visits.export import export_inputs

    out, issues = tmp_path / "valid", tmp_path / "issues.parquet"
    totals = ray_data.run(inputs, out, issues, chunk_size=CHUNK, workers=2)
    folder = Path(inputs[0])
    jsonl = sorted(folder.glob("*.jsonl"))
    in_json = len(json.loads((folder / "c.json").read_text(encoding="utf-8")))
    # every non-blank line and every record of the .json file, and the missing file
    assert totals.checked + totals.unreadable == _lines(jsonl) + in_json + 1
    assert totals.exit_code == 2 and totals.invalid > 30
    table = pq.read_table(issues)
    invalid = table.filter(pa.compute.equal(table["status"], "invalid"))
    keys = set(zip(invalid["file"].to_pylist(), invalid["line"].to_pylist(), strict=True))
    assert len(keys) == totals.invalid
    assert table["status"].to_pylist().count("unreadable") == totals.unreadable
    parts = sorted(out.glob("part-*.parquet"))
    written = pa.concat_tables([pq.read_table(p) for p in parts])
    assert written.num_rows == totals.valid == totals.written
    assert [p.name for p in out.glob(".*")] == [MARKER]  # no temporary file left
    # the single-machine export of the valid records, in input order: the same rows
    valid_lines = []
    for f in jsonl:
        lines = [x for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
        status = validate_batch(pa.table({"json": lines})).records["status"].to_pylist()
        valid_lines += [x for x, s in zip(lines, status, strict=True) if s == "valid"]
    records = json.loads((folder / "c.json").read_text(encoding="utf-8"))
    valid_lines += [json.dumps(r) for r in records if dv.validate_record(r) == []]
    only_valid = tmp_path / "valid.jsonl"
    only_valid.write_text("\n".join(valid_lines) + "\n", encoding="utf-8")
    single = tmp_path / "single.parquet"
    export_inputs([str(only_valid)], "parquet", single)
    assert written.to_pylist() == pq.read_table(single).to_pylist()
    assert written.schema.metadata == pq.read_table(single).schema.metadata


def test_parquet_inputs_by_row_group_give_what_validate_gives(tmp_path: Path) -> None:
    records = _typed_records(60)
    table = _typed_table(records)
    f = tmp_path / "typed.parquet"
    pq.write_table(table, f, row_group_size=16)  # four units
    jsonl = tmp_path / "typed.jsonl"
    from diplomatic_visits.arrow import from_arrow_rows

    back = list(from_arrow_rows(table.to_pylist(), table.schema))
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in back), encoding="utf-8")
    expected = dv.validate_files([str(jsonl)], max_errors=20)
    got = _on_ray([str(f)])
    assert expected.invalid >= 30
    facts, want = _facts(got), _facts(expected)
    assert facts["counts"] == want["counts"]
    # a Parquet record's place is its row counted from 1, where a JSON Lines one has its line
    assert [(x[1], x[2], x[3]) for x in facts["invalid"]] == [
        (x[1], x[2], x[3]) for x in want["invalid"]
    ]
    # and validate on the same Parquet file prints exactly what the Ray engine does
    assert _facts(dv.validate_files([str(f)], max_errors=20)) == facts


def test_a_worker_that_dies_mid_unit_is_replaced_and_the_totals_stay_exact(
    inputs: list[str], tmp_path: Path
) -> None:
    marker = tmp_path / "died"

    class Dying(ray_data.UnitWorker):
        """Dies (the process, at once) half-way through writing unit 3's file, once."""

        def write(self, unit: ray_data.Unit, result: Any) -> int:
            if unit.index == 3 and not marker.exists():
                marker.write_text(str(os.getpid()), encoding="utf-8")
                assert self.parts is not None
                (Path(self.parts) / ".part-00000003.parquet.x.tmp").write_bytes(b"PAR1 half")
                os._exit(1)
            return super().write(unit, result)

    out = tmp_path / "valid"
    totals = ray_data.run(inputs, out, chunk_size=CHUNK, workers=2, worker=Dying)
    assert marker.exists()  # a worker did die
    expected = dv.validate_files(inputs, max_errors=20)
    assert (totals.checked, totals.valid, totals.unreadable) == (
        expected.checked,
        expected.valid,
        len(expected.input_errors),
    )
    assert dict(totals.by_keyword) == dict(expected.by_keyword)
    rows = sum(pq.read_metadata(p).num_rows for p in out.glob("part-*.parquet"))
    assert rows == totals.written == expected.valid
    assert (out / "part-00000003.parquet").exists()
    assert [p.name for p in out.glob(".*")] == [MARKER]  # what the worker left is gone


def test_the_command_on_ray_prints_what_the_local_one_prints(
    inputs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["validate", *inputs, "--format", "json"]
    assert main(args) == 2
    local = capsys.readouterr().out
    assert main([*args, "--engine", "ray", "-j", "2"]) == 2
    assert capsys.readouterr().out == local
    # export: refused as on one machine when a record is invalid, nothing written
    a = str(Path(inputs[0]) / "a.jsonl")
    out = tmp_path / "valid"
    assert main(["export", "parquet", a, "--out", str(out), "--engine", "ray"]) == 2
    assert "refusing to export" in capsys.readouterr().err and not out.exists()
    issues = tmp_path / "issues.parquet"
    code = main(
        ["export", "parquet", a, "--out", str(out), "--engine", "ray", "--issues", str(issues)]
    )
    assert code == 2 and out.is_dir() and pq.read_table(issues).num_rows > 0
    assert "records checked" in capsys.readouterr().err


def test_map_batches_with_the_validator_class() -> None:
    lines = corpus(40, seed=9)
    ds = ray.data.from_items([{"json": x} for x in lines], override_num_blocks=2)
    out = ds.map_batches(
        ray_data.Validate,
        fn_constructor_kwargs={"column": "json"},
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=1),
    )
    rows = {r["json"]: r["dv_status"] for r in out.take_all()}
    from diplomatic_visits.batch import validate_batch

    expected = validate_batch(pa.table({"json": lines})).records["status"].to_pylist()
    assert [rows[x] for x in lines] == expected


def test_no_cluster_at_the_address_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # as ray.init fails without a cluster to join (checked with Ray 2.60): no Ray started here
    def no_cluster(**kw: Any) -> None:
        raise ConnectionError("Could not find any running Ray instance.")

    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", no_cluster)
    record = str(Path(dv.__file__).parents[2] / "dataset" / "records")
    argv = ["validate", record, "--engine", "ray", "--ray-address", "auto"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "no Ray cluster to join at 'auto'" in err and "ray start --head" in err
    assert "Traceback" not in err


def test_a_ray_client_address_without_ray_client_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_client(**kw: Any) -> None:  # Ray 2.60's words when ray[client] is missing
        raise ValueError("Ray Client requires pip package `ray[client]`.")

    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", no_client)
    record = str(Path(dv.__file__).parents[2] / "dataset" / "records")
    argv = ["validate", record, "--engine", "ray", "--ray-address", "ray://head:10001"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--ray-address ray://head:10001 goes through Ray Client" in err
    assert "pip install 'ray[client]'" in err


def test_a_run_prints_none_of_rays_own_notes(tmp_path: Path) -> None:
    # a process of its own, as a user runs it, with a local Ray started for the run: Ray's
    # notes (token authentication, "Progress bars disabled") would show on its stderr
    import subprocess
    import sys

    root = Path(dv.__file__).parents[2]
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env["PYTHONPATH"] = str(root / "loaders")
    done = subprocess.run(
        [sys.executable, "-m", "diplomatic_visits", "validate", str(root / "dataset" / "records"),
         "--engine", "ray", "-j", "1"],
        capture_output=True, text=True, env=env, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1 record checked: 1 valid, 0 invalid\n"
    assert done.stderr == ""


def test_an_export_on_ray_that_would_drop_part_of_a_record_is_refused(tmp_path: Path) -> None:
    # the challenge records (schema 2.1.0) as each kind of unit: .json files, JSON Lines
    # chunks and the row groups of a typed Parquet export of them; 2.0.0 has no constructs
    from diplomatic_visits.export import LossyExportError, export_inputs

    challenge = Path(__file__).resolve().parent.parent / "dataset" / "challenge" / "records"
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(challenge.iterdir())]
    given = tmp_path / "in"
    given.mkdir()
    (given / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    export_inputs([str(given / "c.jsonl")], "parquet", given / "c.parquet", version="2.1.0")
    out, issues = tmp_path / "valid", tmp_path / "issues.parquet"
    for inputs in [[str(challenge)], [str(given / "c.jsonl")], [str(given / "c.parquet")]]:
        with pytest.raises(LossyExportError) as caught:
            ray_data.run(inputs, out, issues, version="2.0.0", chunk_size=CHUNK, workers=2)
        assert caught.value.count == 64 and caught.value.paths == ["$.annotation.constructs"]
        assert caught.value.record_ids[:2] == ["c001", "c002"]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # nothing written
