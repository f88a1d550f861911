"""Nothing lost: outputs replace nothing we did not write, a target that appears while a run
works is left alone, a killed run's debris is recognised and cleaned by the next one, workers
die with their parent and Ctrl-C stops a run, and memory does not grow with invalid records."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from diplomatic_visits import jsonl, output
from diplomatic_visits.cli import main
from diplomatic_visits.records import load_records

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO / "loaders")}


def _gold_line() -> bytes:
    return json.dumps(load_records()[0], ensure_ascii=False).encode() + b"\n"


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


# --- folders: --force replaces only our own exports ---------------------------------------


def test_force_refuses_a_folder_holding_files_we_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "notes.txt").write_text("x", encoding="utf-8")
    assert main(["export", "hf", "--out", str(keep), "--force"]) == 2
    err = capsys.readouterr().err
    assert "notes.txt" in err and "did not write" in err
    assert [p.name for p in keep.iterdir()] == ["notes.txt"]
    assert (keep / "notes.txt").read_text(encoding="utf-8") == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["keep"]  # no temporary folder left


def test_force_replaces_our_own_export_and_refuses_once_the_user_adds_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hf"
    assert main(["export", "hf", "--out", str(out)]) == 0
    marker = json.loads((out / output.MARKER).read_text(encoding="utf-8"))
    on_disk = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != output.MARKER
    )
    assert marker["files"] == on_disk and "README.md" in on_disk
    assert main(["export", "hf", "--out", str(out), "--force"]) == 0
    (out / "data" / "mine.txt").write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert main(["export", "hf", "--out", str(out), "--force"]) == 2
    assert "data/mine.txt" in capsys.readouterr().err
    assert (out / "data" / "mine.txt").read_text(encoding="utf-8") == "mine"


def test_a_file_target_that_is_a_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("jsonl", "parquet"):
        assert main(["export", fmt, "--out", str(tmp_path), "--force"]) == 2
        err = capsys.readouterr().err
        assert "is a folder: give the file to write" in err and "Traceback" not in err
    (tmp_path / "f").write_text("x", encoding="utf-8")
    assert main(["export", "hf", "--out", str(tmp_path / "f"), "--force"]) == 2
    assert "is a file: give the folder to write" in capsys.readouterr().err
    assert (tmp_path / "f").read_text(encoding="utf-8") == "x"


# --- a target that appears while the run works ----------------------------------------------


def test_a_file_that_appears_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with (
        pytest.raises(output.OutputExistsError, match="appeared while"),
        output.atomic_file(out) as f,
    ):
        f.write(b"second run\n")
        out.write_bytes(b"first run\n")  # another run finished first
    assert out.read_bytes() == b"first run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_a_folder_that_appears_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with (
        pytest.raises(output.OutputExistsError, match="appeared while"),
        output.atomic_dir(out) as tmp,
    ):
        (tmp / "part-0.parquet").write_bytes(b"second")
        out.mkdir()
        (out / "part-0.parquet").write_bytes(b"first")
    assert (out / "part-0.parquet").read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_two_exports_to_one_target_the_later_finishing_one_is_told(tmp_path: Path) -> None:
    """Two real processes: the first holds its output open (its input is a pipe not yet
    closed); the second writes the same target and finishes; the first then fails, saying so,
    and the second's file stands."""
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "diplomatic_visits", "export", "jsonl", "-", "--out", str(out)]
    first = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    assert first.stdin is not None
    try:
        first.stdin.write(_gold_line())
        first.stdin.flush()
        _wait_for(lambda: any(".dvtmp-" in p.name for p in tmp_path.iterdir()))
        second = subprocess.run(
            cmd, input=_gold_line() * 2, capture_output=True, env=ENV, check=False
        )
        assert second.returncode == 0, second.stderr
        written = out.read_bytes()
        _, err = first.communicate(b"", timeout=60)
    finally:
        _kill(first, set())
    assert first.returncode == 2
    assert b"appeared while" in err and b"Traceback" not in err
    assert out.read_bytes() == written and written.count(b"\n") == 2
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


# --- debris of killed runs -------------------------------------------------------------------


def test_debris_of_dead_runs_is_removed_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    host, dead, alive = output._host(), _dead_pid(), os.getpid()
    dead_file = tmp_path / f".out.parquet.dvtmp-{host}-{dead}-abc.tmp"
    dead_dir = tmp_path / f".out.parquet.dvtmp-{host}-{dead}-def.old"
    live_file = tmp_path / f".out.parquet.dvtmp-{host}-{alive}-ghi.tmp"
    other_host = tmp_path / f".out.parquet.dvtmp-00000000-{dead}-jkl.tmp"
    lookalikes = [tmp_path / ".out.parquet.x1y2.tmp", tmp_path / ".other.dvtmp-1-2-3.tmp"]
    dead_dir.mkdir()
    (dead_dir / "x").write_bytes(b"old")
    for p in [dead_file, live_file, other_host, *lookalikes]:
        p.write_bytes(b"debris?")
    with output.atomic_file(out) as f:
        f.write(b"data")
    assert not dead_file.exists() and not dead_dir.exists()
    assert all(p.exists() for p in [live_file, other_host, *lookalikes])
    assert out.read_bytes() == b"data"


def test_a_killed_export_leaves_debris_the_next_run_cleans(tmp_path: Path) -> None:
    out = tmp_path / "hf"
    cmd = [sys.executable, "-m", "diplomatic_visits", "export", "jsonl", "-", "--out", str(out)]
    run = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV)
    assert run.stdin is not None
    try:
        run.stdin.write(_gold_line())
        run.stdin.flush()
        _wait_for(lambda: any(".dvtmp-" in p.name for p in tmp_path.iterdir()))
    finally:
        _kill(run, set())
    assert [p for p in tmp_path.iterdir() if ".dvtmp-" in p.name]  # what a kill leaves
    again = subprocess.run(cmd, input=_gold_line(), capture_output=True, env=ENV, check=False)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["hf"]


# --- worker processes ------------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text(encoding="utf-8")
        found.update(int(c) for c in text.split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition: object, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def _busy_validate(tmp_path: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    """``validate - -j 2`` with its workers at work and more input to come."""
    cmd = [sys.executable, "-m", "diplomatic_visits", "validate", "-", "-j", "2", "-q"]
    run = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV
    )
    assert run.stdin is not None
    line = _gold_line()
    try:
        run.stdin.write(line * (20 * 2**20 // len(line) + 1))  # more than two chunks of 8 MiB
        run.stdin.flush()
        _wait_for(lambda: len(_children(run.pid)) >= 2)
    except BaseException:
        _kill(run, set())
        raise
    return run, _children(run.pid)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    """The workers are stopped first, so that none can notice the parent's end by itself
    (a broken pipe once its chunk is done): only the kernel's death signal ends them."""
    run, workers = _busy_validate(tmp_path)
    try:
        for w in workers:
            os.kill(w, signal.SIGSTOP)
        run.kill()
        run.communicate()
        _wait_for(lambda: not any(_alive(w) for w in workers), seconds=5)
    finally:
        _kill(run, workers)


def _kill(run: subprocess.Popen[bytes], workers: set[int]) -> None:
    """Whatever happens in a test, leave no process behind."""
    for pid in workers:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    run.kill()
    run.communicate()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_ctrl_c_stops_the_run_and_its_workers_within_seconds(tmp_path: Path) -> None:
    run, workers = _busy_validate(tmp_path)
    try:
        started = time.monotonic()
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=10)
        assert time.monotonic() - started < 3
        assert run.returncode == 130
        assert b"interrupted" in err and b"Traceback" not in err
        _wait_for(lambda: not any(_alive(w) for w in workers), seconds=3)
    finally:
        _kill(run, workers)


# --- memory ----------------------------------------------------------------------------------


def _peak_validating(tmp_path: Path, n: int) -> int:
    path = tmp_path / f"bad{n}.jsonl"
    path.write_bytes(b'{"schema_version": "1.1.0"}\n' * n)  # six issues a line
    report = tmp_path / f"report{n}.json"
    with report.open("w", encoding="utf-8") as f, contextlib.redirect_stdout(f):
        tracemalloc.start()
        try:
            assert main(["validate", str(path), "-q", "--format", "json"]) == 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["invalid"] == n and len(summary["errors"]) == 6 * n  # every one reported
    return peak


def test_memory_does_not_grow_with_invalid_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report is written as the results come (the JSON document too): ten times the
    invalid records, the same memory. (A chunk's results are held until it is done: small
    chunks here, so that what is measured is what the run keeps from chunk to chunk.)"""
    monkeypatch.setattr(jsonl, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(jsonl, "FIRST_CHUNK_BYTES", 4096)
    small = _peak_validating(tmp_path, 500)
    large = _peak_validating(tmp_path, 5000)
    assert large < small * 1.5, (small, large)


def test_a_refused_export_with_workers_ends_without_a_traceback(tmp_path: Path) -> None:
    """The refusal stops the workers at once; the pool must still end cleanly. (Once in a few
    runs, the pool's manager thread was woken at the interpreter's exit through a pipe closed
    by then, and a traceback followed the refusal: a race, which this run may or may not
    meet.)"""
    data = tmp_path / "in.jsonl"
    line = _gold_line()
    data.write_bytes(line * (9 * 2**20 // len(line) + 1) + b'{"schema_version": "1.1.0"}\n')
    out = tmp_path / "out.parquet"
    cmd = [sys.executable, "-m", "diplomatic_visits", "export", "parquet", str(data)]
    run = subprocess.run(
        [*cmd, "-j", "2", "--out", str(out)], capture_output=True, env=ENV, check=False
    )
    assert run.returncode == 1, run.stderr
    assert b"Traceback" not in run.stderr and b"refusing to export" in run.stderr
    assert not out.exists()


def test_chunks_shrink_when_their_records_are_invalid_and_grow_back() -> None:
    """What one chunk's results hold is bounded: a chunk full of invalid records makes the
    next ones small enough for ISSUES_PER_CHUNK; chunks with none double up to the largest."""
    sizes = jsonl.ChunkSizes()
    assert sizes() == jsonl.FIRST_CHUNK_BYTES
    sizes.done(sizes(), 0)
    assert sizes() == 2 * jsonl.FIRST_CHUNK_BYTES
    for _ in range(20):
        sizes.done(sizes(), 0)
    assert sizes() == jsonl.CHUNK_BYTES
    # 8 MiB of 28-byte lines with six issues each: 1.8 million issues in one chunk
    sizes.done(jsonl.CHUNK_BYTES, jsonl.CHUNK_BYTES // 28 * 6)
    assert sizes() // 28 * 6 <= jsonl.ISSUES_PER_CHUNK
    assert sizes() >= jsonl.SMALLEST_CHUNK_BYTES


def test_validate_cuts_a_file_of_invalid_records_into_small_chunks(tmp_path: Path) -> None:
    from diplomatic_visits import pipeline

    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"schema_version": "1.1.0"}\n' * 60_000)  # 1.6 MiB, 360,000 issues
    seen: list[int] = []
    check = pipeline.check_chunk

    def counting(chunk: jsonl.Chunk, s: pipeline.Settings) -> pipeline.ChunkResult:
        result = check(chunk, s)
        seen.append(sum(len(p.issues) for p in result.problems if hasattr(p, "issues")))
        return result

    with pytest.MonkeyPatch.context() as m:
        m.setattr(pipeline, "check_chunk", counting)
        report = pipeline.validate_files([str(path)], keep=0)
    assert report.invalid == 60_000
    # the two chunks cut before any came back are of the first size; every later one holds
    # what ISSUES_PER_CHUNK allows (give or take the line a cut is moved to the end of)
    assert max(seen[:2]) <= (jsonl.FIRST_CHUNK_BYTES // 28 + 1) * 6
    assert len(seen) > 10 and max(seen[2:]) <= jsonl.ISSUES_PER_CHUNK + 6
