"""Benchmark `diplomatic-visits validate` against what a user would write, in the same run,
for records of schema 1.0.0 and of the latest version.

    python benchmarks/bench_validate.py [--records 100000] [--baseline-sample 2000] [--repeat 3]

For each schema version (its own generated data file):

- baseline: `json.loads` per line + python-jsonschema `Draft202012Validator(...).iter_errors`
  with the format checker (timed on a sample: at ~2 ms a record the whole file takes minutes);
- floor: orjson parse + jsonschema-rs `is_valid` (of the records' own version) per line, one
  process, the lines already in memory, no reporting, no semantic rule;
- ours: the `diplomatic-visits validate FILE -q` command with one and with two workers, which
  reads the file, reports every error and runs every semantic rule, timed as a whole (start-up
  included), with its peak memory: the resident sets of the command and its workers added up
  (sampled); and once more with one worker and DIPLOMATIC_VISITS_PURE_PYTHON=1 (no compiled
  engine: what an install without a C compiler gets).

Beside wall time, the CPU time (user + system) of each run is reported, workers included: on a
shared machine whose other load stretches wall time (the floor's runs then vary twofold), the
CPU ratio still says what our command costs against the floor. The latest version's records
use the forms it adds (``generate.py``), so that its rules run, in C too.

The floor and each of ours run --repeat times, interleaved, and the median is reported, with
the ratio of the fastest runs beside it: on a shared two-core machine single runs vary by 10%
and more, and noise only ever adds time. The commands run with Python's
bytecode cache on, as an installed package does (PYTHONDONTWRITEBYTECODE is dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue  # gone already
    return total


def ensure_data(path: Path, records: int, version: str) -> None:
    if path.exists() and sum(1 for _ in path.open("rb")) == records:
        return
    generate = [sys.executable, str(HERE / "generate.py"), "--records", str(records)]
    subprocess.run([*generate, "--schema-version", version, "--out", str(path)], check=True)


def _env(pure: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["DIPLOMATIC_VISITS_PURE_PYTHON"] = "1" if pure else ""
    return env


CPU: dict[str, list[float]] = {}
"""CPU seconds (user + system) of each run, by configuration: on a shared machine another
process's load stretches wall time, much less the CPU time a run itself uses."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_ours(path: Path, jobs: int, pure: bool = False) -> tuple[float, int, str]:
    """Run the command; return the seconds, the peak resident memory of the command and its
    workers together (sampled every 10 ms), in KiB, and its summary line. ``pure``: without the
    C accelerator. Its CPU seconds, workers included, go to :data:`CPU`."""
    cmd = [sys.executable, "-m", "diplomatic_visits", "validate", str(path), "-q"]
    env = _env(pure)
    cpu = _children_cpu()
    t = time.perf_counter()
    proc = subprocess.Popen([*cmd, "--jobs", str(jobs)], stdout=subprocess.PIPE, text=True, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.01)
    elapsed = time.perf_counter() - t
    key = "pure" if pure else "one" if jobs == 1 else "two"
    CPU.setdefault(key, []).append(_children_cpu() - cpu)  # its workers were reaped by it
    return elapsed, peak, (proc.stdout.read() if proc.stdout else "").strip()


def _floor(lines: list[bytes], version: str) -> float:
    """Seconds per record of orjson + jsonschema-rs ``is_valid`` over lines in memory."""
    import orjson

    from diplomatic_visits.schema import rs_validator

    rs = rs_validator(version, "extraction")
    t, cpu = time.perf_counter(), time.process_time()
    for line in lines:
        try:
            rs.is_valid(orjson.loads(line))
        except orjson.JSONDecodeError:
            pass
    CPU.setdefault("floor", []).append(time.process_time() - cpu)
    return (time.perf_counter() - t) / len(lines)


def _baseline(lines: list[bytes], version: str) -> float:
    """Seconds per record of what a user writes by hand: json + python-jsonschema (the schema
    has no external refs at this level)."""
    import jsonschema

    from diplomatic_visits.schema import load_schema

    validator = jsonschema.Draft202012Validator(
        load_schema(version, level="extraction"),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    t = time.perf_counter()
    for line in lines:
        try:
            list(validator.iter_errors(json.loads(line)))
        except ValueError:
            pass
    return (time.perf_counter() - t) / len(lines)


def measure(data: Path, version: str, args: argparse.Namespace) -> dict[str, object]:
    """One version's measurements, printed, and returned as a dict."""
    lines = data.read_bytes().splitlines()
    n = len(lines)
    runs: dict[str, list[float]] = {"floor": [], "one": [], "two": [], "pure": []}
    peaks: dict[str, int] = {"one": 0, "two": 0}
    _, _, out = time_ours(data, 1)  # warm: the page cache, the bytecode cache
    CPU.clear()
    summary = out.splitlines()[-1] if out else ""
    for _ in range(args.repeat):  # interleaved, so that a slow spell of the machine hits all
        runs["floor"].append(_floor(lines, version) * n)
        for key, jobs, pure in (("one", 1, False), ("two", 2, False), ("pure", 1, True)):
            seconds, peak, _ = time_ours(data, jobs, pure)
            runs[key].append(seconds)
            if key in peaks:
                peaks[key] = max(peaks[key], peak)
    median = {k: sorted(v)[len(v) // 2] / n for k, v in runs.items()}
    fastest = {k: min(v) / n for k, v in runs.items()}
    baseline = _baseline(lines[: args.baseline_sample], version)
    floor, per1, per2, per_pure = (median[k] for k in ("floor", "one", "two", "pure"))
    size = data.stat().st_size / 2**20
    rows = [
        ("baseline: json + python-jsonschema", baseline, f"(sample of {args.baseline_sample})"),
        ("floor: orjson + jsonschema-rs is_valid", floor, ""),
        ("ours, 1 worker (whole command)", per1, f"peak RSS {peaks['one'] / 1024:.0f} MiB, all"),
        ("ours, 2 workers (whole command)", per2, f"peak RSS {peaks['two'] / 1024:.0f} MiB, all"),
        ("ours, 1 worker, pure Python (no C)", per_pure, "an install without a compiler"),
    ]
    print(f"schema {version}: {n:,} records, {size:.0f} MiB; {summary}")
    print(f"seconds per run: { {k: [round(r, 2) for r in v] for k, v in runs.items()} }")
    for name, per, note in rows:
        print(f"  {name:<42} {per * 1e6:9.1f} us/record  {note}")
    print("ratios, of the medians (of the fastest runs: the machine's noise only adds time):")

    def ratio(label: str, a: str, b: str, target: str = "") -> None:
        med, fast = median[a] / median[b], fastest[a] / fastest[b]
        print(f"  {label:<30} {med:6.2f}x  ({fast:.2f}x)  {target}")

    ratio("ours (1 worker) / floor", "one", "floor", "(target: within 1.5x)")
    print(f"  {'baseline / ours (1 worker)':<30} {baseline / per1:6.1f}x")
    ratio("1 worker / 2 workers", "one", "two", "(target: at least 1.8x)")
    ratio("pure Python / floor", "pure", "floor")
    cpu = {k: sorted(v)[len(v) // 2] / n for k, v in CPU.items()}
    print(
        "CPU time (user + system, workers included; the median run): floor "
        f"{cpu['floor'] * 1e6:.1f} us/record, ours (1 worker) {cpu['one'] * 1e6:.1f}, "
        f"pure Python {cpu['pure'] * 1e6:.1f}"
    )
    print(f"  {'ours (1 worker) / floor, CPU':<30} {cpu['one'] / cpu['floor']:6.2f}x")
    return {
        "schema_version": version,
        "records": n,
        "baseline_us": baseline * 1e6,
        "median_us": {k: v * 1e6 for k, v in median.items()},
        "fastest_us": {k: v * 1e6 for k, v in fastest.items()},
        "rss1_mib": peaks["one"] / 1024,
        "rss2_mib": peaks["two"] / 1024,
        "runs_s": runs,
        "cpu_us": {k: v * 1e6 for k, v in cpu.items()},
    }


def main() -> None:
    from diplomatic_visits.schema import latest_version

    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--baseline-sample", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=3, help="runs of each configuration (median)")
    p.add_argument("--data", type=Path, default=HERE / "data", help="folder of the data files")
    p.add_argument(
        "--schema-version",
        action="append",
        help="the versions to measure (default: 1.0.0 and the latest)",
    )
    args = p.parse_args()
    results = []
    for version in args.schema_version or sorted({"1.0.0", latest_version()}):
        data = args.data / f"records-{version}.jsonl"
        ensure_data(data, args.records, version)
        results.append(measure(data, version, args))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
