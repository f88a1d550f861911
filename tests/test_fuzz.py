"""The differential fuzzing harness (``tests/fuzz_engines.py``) in the test run: a short,
deterministic run by default (a few seconds); ``DV_FUZZ_SECONDS=600`` makes it a long one
(``DV_FUZZ_SEED`` picks another seed). Under AddressSanitizer and UBSan:
``benchmarks/sanitize.sh``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

import fuzz_engines as fuzz
from diplomatic_visits import accel, rules
from diplomatic_visits.schema import available_versions

needs_c = pytest.mark.skipif(accel._speedups is None, reason="the C accelerator is not compiled")


@needs_c
def test_the_engines_agree_on_mutated_records_and_hostile_bytes() -> None:
    # in a child process: an engine that crashes fails this test, not the whole test run
    seconds = os.environ.get("DV_FUZZ_SECONDS", "").strip()
    seed = os.environ.get("DV_FUZZ_SEED", "22")
    length = ["--seconds", seconds] if seconds else ["--execs", "1200"]
    env = {**os.environ, "PYTHONPATH": str(Path(accel.__file__).parent.parent)}
    done = subprocess.run(
        [sys.executable, str(Path(fuzz.__file__)), *length, "--seed", seed],
        capture_output=True,
        text=True,
        env=env,
    )
    out = done.stdout
    assert done.returncode == 0, (done.returncode, out[-3000:], done.stderr[-3000:])
    stats = json.loads(out.rsplit("STATS ", 1)[1])
    # every rule kind the shipped plans declare was mutated (read from the plans: a new kind
    # of rule is fuzzed without a change here)
    kinds = set().union(*(fuzz.rule_kinds(rules.rules_for(v)) for v in available_versions()))
    assert len(kinds) >= 10 and not kinds - set(stats["rules_hit"]), kinds
    # both verdicts were met often enough to mean something
    assert stats["accepted"] >= 50 and stats["lines"] - stats["reference_valid"] >= 500, out


@needs_c
def test_the_harness_sees_an_engine_that_accepts_too_much(monkeypatch: pytest.MonkeyPatch) -> None:
    # the oracle is only as good as its eye: an acceptor that takes every JSON object is caught
    def lenient(_: Any) -> Any:
        def accept(raw: bytes) -> Any:
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return None
            return value if isinstance(value, dict) else None

        return accept

    monkeypatch.setattr(fuzz, "fast_acceptor", lenient)
    stats = fuzz.run(5, execs=60)
    assert any(f.startswith("C accepted a line the reference refuses") for f in stats.findings)
