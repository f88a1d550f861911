"""What building the accelerator with the limited C API costs: the same source compiled twice,
with ``Py_LIMITED_API`` (what the wheels ship: one ``abi3`` module for every CPython 3.10+) and
with the full API, each timed accepting the same lines, in one run.

    python benchmarks/bench_limited_api.py [--records 20000] [--repeat 7] [--instructions]

Each build runs in processes of its own (the module name is the same), in a copy of the package
beside this checkout's data; it times ``accept`` of one line and ``accept_chunk`` of whole
chunks over lines already in memory, and keeps the fastest of ``--repeat`` passes, interleaved
three times (the machine's noise only ever adds time). On a machine whose timings wander,
``--instructions`` counts instructions instead, with valgrind's callgrind (the same count every
run), per record, less what the same process does with no record.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

TIMING = r"""
import json, sys, time
from diplomatic_visits import accel
lines = open(sys.argv[1], "rb").read().splitlines()[: int(sys.argv[2])]
repeat = int(sys.argv[3])
only = sys.argv[4] if len(sys.argv) > 4 else None
m = accel.module()
assert m is not None, accel.status()
one = accel.acceptor("extraction")
whole = accel.chunk_acceptor("extraction")
blob = b"\n".join(lines) + b"\n"
def per_line():
    for line in lines:
        one(line)
def per_chunk():
    whole(blob, True, False)
best = {}
for name, f in (("accept", per_line), ("accept_chunk", per_chunk)):
    if only is not None and name != only:
        continue
    times = []
    for _ in range(repeat):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    best[name] = min(times) / max(len(lines), 1) * 1e6
print(json.dumps({"limited": bool(m.LIMITED_API), **best}))
"""


def build(limited: bool, root: Path) -> Path:
    """A copy of the package with the accelerator built one way; returns its parent folder."""
    sys.path.insert(0, str(REPO))
    import hatch_build

    folder = root / ("limited" if limited else "full")
    package = folder / "diplomatic_visits"
    shutil.copytree(
        REPO / "loaders" / "diplomatic_visits", package, ignore=shutil.ignore_patterns("*.so")
    )
    (package / "_data").mkdir()
    for name in ("schema", "dataset"):
        (package / "_data" / name).symlink_to(REPO / name)
    os.environ["DIPLOMATIC_VISITS_FULL_API"] = "" if limited else "1"
    work = Path(tempfile.mkdtemp(prefix="dv-bench-"))
    try:
        built = hatch_build._compile(package / "_speedups.c", work)
        shutil.copy2(built, package / built.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


def _count(folder: Path, args: argparse.Namespace) -> dict[str, float]:
    """Instructions per record of each acceptor, under callgrind."""
    import re

    env = {**os.environ, "PYTHONPATH": str(folder), "DIPLOMATIC_VISITS_PURE_PYTHON": ""}
    n = min(args.records, 2000)

    def collected(records: int, only: str) -> int:
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
               "-c", TIMING, str(args.data), str(records), "1", only]  # fmt: skip
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        return int(re.search(r"Collected : (\d+)", out.stderr).group(1))  # type: ignore[union-attr]

    return {
        only: (collected(n, only) - collected(0, only)) / n for only in ("accept", "accept_chunk")
    }


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--records", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--data", type=Path, default=HERE / "data" / "records-1.0.0.jsonl")
    p.add_argument("--instructions", action="store_true", help="count instructions (valgrind)")
    args = p.parse_args()
    if not args.data.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--records", str(args.records),
             "--out", str(args.data)],
            check=True,
        )  # fmt: skip
    runs: dict[str, list[dict[str, float]]] = {"limited": [], "full": []}
    with tempfile.TemporaryDirectory() as tmp:
        folders = {limited: build(limited, Path(tmp)) for limited in (True, False)}
        if args.instructions:
            names = ("limited", "full")
            counted = {k: _count(f, args) for k, f in zip(names, folders.values(), strict=True)}
            for name in ("accept", "accept_chunk"):
                lim, full = counted["limited"][name], counted["full"][name]
                print(
                    f"{name:<13} limited API {lim:9.0f} instructions/record   full API "
                    f"{full:9.0f}   limited/full {lim / full:5.3f}x (target: under 1.10x)"
                )
            print(json.dumps(counted))
            return
        for _ in range(3):  # interleaved, so that a slow spell of the machine hits both
            for limited, folder in folders.items():
                env = {**os.environ, "PYTHONPATH": str(folder), "DIPLOMATIC_VISITS_PURE_PYTHON": ""}
                out = subprocess.run(
                    [sys.executable, "-c", TIMING, str(args.data), str(args.records),
                     str(args.repeat)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )  # fmt: skip
                runs["limited" if limited else "full"].append(json.loads(out.stdout))
    results = {
        k: {name: min(r[name] for r in v) for name in ("accept", "accept_chunk")}
        for k, v in runs.items()
    }
    for name in ("accept", "accept_chunk"):
        lim, full = results["limited"][name], results["full"][name]
        print(
            f"{name:<13} limited API {lim:7.2f} us/record   full API {full:7.2f} us/record   "
            f"limited/full {lim / full:5.3f}x (target: under 1.10x)"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
