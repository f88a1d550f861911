"""Benchmark validation on Ray Data against our own process pool, in the same run.

    python benchmarks/bench_ray.py [--records 100000] [--repeat 2]

Needs the ``ray`` extra. On one generated file (``generate.py``, seeded):

- ours: the ``diplomatic-visits validate FILE -q`` command with ``--jobs 1`` and ``--jobs 2``,
  timed as a whole (start-up included);
- Ray: :func:`diplomatic_visits.ray_data.run` (validate only) with 1 and 2 workers, on a local
  Ray started once before and used once (as a cluster that is already up: the run's own
  costs, which are Ray Data's planning, the units' scheduling and the results' return, are in
  the time; the cluster's start and the first run of the process are timed apart);
- once, the whole ``validate --engine ray -j 2`` command, which starts a local Ray for the run.

Each timing is the median of ``--repeat`` runs, interleaved; the ratios say the engine's
overhead (Ray / ours with as many workers) and the scaling (1 worker / 2 workers). The totals
of every run are checked to be the command's. Targets (issue 15): Ray within 1.3x of our pool,
and near-linear scaling with workers.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WARM_UP = 4000  # records of the first run, which warms Ray's worker processes up


def ensure_data(path: Path, records: int) -> None:
    if path.exists() and sum(1 for _ in path.open("rb")) == records:
        return
    generate = [sys.executable, str(HERE / "generate.py"), "--records", str(records)]
    subprocess.run([*generate, "--out", str(path)], check=True)


def time_command(path: Path, *extra: str) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "diplomatic_visits", "validate", str(path), "-q", *extra]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.perf_counter() - t, proc.stdout.strip().splitlines()[-1]


def counts(summary: str) -> tuple[int, ...]:
    """(checked, valid, invalid) of the command's summary line."""
    m = re.match(r"(\d+) records checked: (\d+) valid, (\d+) invalid", summary)
    assert m, summary
    return tuple(int(g) for g in m.groups())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=2)
    args = p.parse_args()
    data = HERE / "data" / f"records-{args.records}.jsonl"
    data.parent.mkdir(exist_ok=True)
    ensure_data(data, args.records)
    size = data.stat().st_size / 2**20

    import ray

    from diplomatic_visits import ray_data

    t = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, logging_level="warning")
    started = time.perf_counter() - t
    # the first run imports Ray Data's executor here and our package in Ray's worker
    # processes (2 s each on this machine): paid once, as a cluster in use has paid it
    warm = data.with_name("warm-up.jsonl")
    with data.open("rb") as f:
        warm.write_bytes(b"".join(f.readline() for _ in range(WARM_UP)))
    t = time.perf_counter()
    ray_data.run([str(warm)], workers=2, chunk_size=64 * 1024)  # work for both workers
    warm_up = time.perf_counter() - t
    times: dict[str, list[float]] = {k: [] for k in ("jobs1", "jobs2", "ray1", "ray2")}
    expected: tuple[int, ...] | None = None
    for _ in range(args.repeat):
        for jobs in (1, 2):
            seconds, summary = time_command(data, "--jobs", str(jobs))
            times[f"jobs{jobs}"].append(seconds)
            expected = expected or counts(summary)
            assert counts(summary) == expected
        for workers in (1, 2):
            t = time.perf_counter()
            totals = ray_data.run([str(data)], workers=workers)
            times[f"ray{workers}"].append(time.perf_counter() - t)
            assert (totals.checked, totals.valid, totals.invalid) == expected, totals
    ray.shutdown()
    whole, summary = time_command(data, "--engine", "ray", "-j", "2")
    assert counts(summary) == expected

    med = {k: statistics.median(v) for k, v in times.items()}
    n = args.records
    print(f"{n} records, {size:.0f} MiB, {expected[2] if expected else '?'} invalid; "
          f"median of {args.repeat} runs (all runs in brackets)")  # fmt: skip
    for key, label in (
        ("jobs1", "validate --jobs 1"),
        ("jobs2", "validate --jobs 2"),
        ("ray1", "Ray Data, 1 worker"),
        ("ray2", "Ray Data, 2 workers"),
    ):
        runs = ", ".join(f"{x:.2f}" for x in times[key])
        print(f"  {label:<22} {med[key]:6.2f} s  {n / med[key]:8.0f} rec/s  [{runs}]")
    print(f"  local Ray start         {started:6.2f} s (once; a running cluster has paid it)")
    print(f"  first run ({WARM_UP} records) {warm_up:5.2f} s (once: Ray's workers import us)")
    print(f"  validate --engine ray -j 2, Ray started for the run: {whole:.2f} s")
    best = {k: min(v) for k, v in times.items()}  # noise only ever adds time
    print("ratios: of the medians (of the fastest runs)")
    for label, a, b in (
        ("engine overhead, 1 worker:  Ray / ours", "ray1", "jobs1"),
        ("engine overhead, 2 workers: Ray / ours", "ray2", "jobs2"),
        ("scaling 1 -> 2 workers, ours", "jobs1", "jobs2"),
        ("scaling 1 -> 2 workers, Ray ", "ray1", "ray2"),
    ):
        print(f"  {label} = {med[a] / med[b]:.2f}x ({best[a] / best[b]:.2f}x)")


if __name__ == "__main__":
    main()
