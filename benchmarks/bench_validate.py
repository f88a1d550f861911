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

The floor and each of ours run --repeat times (ours interleaved) and the median is reported:
on a shared two-core machine single runs vary by about 10%. The commands run with Python's
bytecode cache on, as an installed package does (PYTHONDONTWRITEBYTECODE is dropped).
"""

from __future__ import annotations

import argparse
import json
import os
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


def time_ours(path: Path, jobs: int, pure: bool = False) -> tuple[float, int, str]:
    """Run the command; return the seconds, the peak resident memory of the command and its
    workers together (sampled every 10 ms), in KiB, and its summary line. ``pure``: without the
    C accelerator."""
    cmd = [sys.executable, "-m", "diplomatic_visits", "validate", str(path), "-q"]
    env = _env(pure)
    t = time.perf_counter()
    proc = subprocess.Popen([*cmd, "--jobs", str(jobs)], stdout=subprocess.PIPE, text=True, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.01)
    elapsed = time.perf_counter() - t
    return elapsed, peak, (proc.stdout.read() if proc.stdout else "").strip()


def measure(data: Path, version: str, args: argparse.Namespace) -> dict[str, object]:
    """One version's measurements, printed, and returned as a dict."""
    runs: dict[str, list[tuple[float, int, str]]] = {"one": [], "two": [], "pure": []}
    time_ours(data, 1)  # warm: the page cache, the bytecode cache
    for _ in range(args.repeat):
        runs["one"].append(time_ours(data, 1))
        runs["two"].append(time_ours(data, 2))
        runs["pure"].append(time_ours(data, 1, pure=True))
    (one, rss1, summary), (two, rss2, _), (pure, _, _) = (
        sorted(runs[k])[len(runs[k]) // 2] for k in ("one", "two", "pure")
    )
    spread = {k: [round(r[0], 2) for r in v] for k, v in runs.items()}
    lines = data.read_bytes().splitlines()

    import jsonschema
    import orjson

    from diplomatic_visits.schema import load_schema, rs_validator

    # baseline: what a user writes by hand (the schema has no external refs at this level)
    validator = jsonschema.Draft202012Validator(
        load_schema(version, level="extraction"),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    sample = lines[: args.baseline_sample]
    t = time.perf_counter()
    for line in sample:
        try:
            list(validator.iter_errors(json.loads(line)))
        except ValueError:
            pass
    baseline = (time.perf_counter() - t) / len(sample)

    rs = rs_validator(version, "extraction")
    floors = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        for line in lines:
            try:
                rs.is_valid(orjson.loads(line))
            except orjson.JSONDecodeError:
                pass
        floors.append((time.perf_counter() - t) / len(lines))
    floor = sorted(floors)[len(floors) // 2]

    per1, per2, per_pure = one / len(lines), two / len(lines), pure / len(lines)
    size = data.stat().st_size / 2**20
    rows = [
        ("baseline: json + python-jsonschema", baseline, f"(sample of {len(sample)})"),
        ("floor: orjson + jsonschema-rs is_valid", floor, ""),
        ("ours, 1 worker (whole command)", per1, f"peak RSS {rss1 / 1024:.0f} MiB, all processes"),
        ("ours, 2 workers (whole command)", per2, f"peak RSS {rss2 / 1024:.0f} MiB, all processes"),
        ("ours, 1 worker, pure Python (no C)", per_pure, "what an install without a compiler gets"),
    ]
    print(f"schema {version}: {len(lines):,} records, {size:.0f} MiB; {summary}")
    print(f"seconds per run (median reported): {spread}")
    for name, per, note in rows:
        print(f"  {name:<42} {per * 1e6:9.1f} us/record  {note}")
    print("ratios:")
    print(f"  ours (1 worker) / floor        {per1 / floor:6.2f}x   (target: within 1.5x)")
    print(f"  baseline / ours (1 worker)     {baseline / per1:6.1f}x")
    print(f"  1 worker / 2 workers           {one / two:6.2f}x   (target: at least 1.8x)")
    print(f"  pure Python / floor            {per_pure / floor:6.2f}x")
    return {
        "schema_version": version,
        "records": len(lines),
        "baseline_us": baseline * 1e6,
        "floor_us": floor * 1e6,
        "ours1_us": per1 * 1e6,
        "ours2_us": per2 * 1e6,
        "ours1_pure_us": per_pure * 1e6,
        "rss1_mib": rss1 / 1024,
        "rss2_mib": rss2 / 1024,
        "runs_s": spread,
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
