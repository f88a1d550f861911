"""Run in a venv where diplomatic-visits is installed from a wheel: the mypyc-compiled rule
engine (the installed ``diplomatic_visits.checks``) must report exactly what its pure-Python
source does, on every example and on mutations of them. Used by tests/test_package.py.

    python compare_engines.py CHECKOUT
"""

from __future__ import annotations

import copy
import importlib.util
import json
import random
import sys
from pathlib import Path
from typing import Any

import diplomatic_visits.checks as compiled
from diplomatic_visits.rules import plan
from diplomatic_visits.schema import declared_version


def _pure() -> Any:
    source = Path(compiled.__file__).with_name("checks.py")
    spec = importlib.util.spec_from_file_location("pure_checks", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# the forms of schema 2.0.0's dates (EDTF), possible and impossible, and its new inputs
EDTF_VALUES: list[Any] = [
    "XXXX-02-30", "XXXX-02-29", "XXXX-09-12", "XXXX-XX-XX", "2023-23", "2023-24", "2023-25",
    "2023-06-06/2023-06-03", "2023-06-03/..", "../2023-06-06", "2023-06-03/", "2023-06-10~",
    "2023-06?", "season", "not_announced", "tuesday", {"offset": 1, "unit": "day",
    "anchor": "published"}, {"offset": -1, "unit": "weekday", "anchor": "published"},
]  # fmt: skip


def _generated(repo: Path, n: int) -> list[Any]:
    """Records of each shipped version from 2.0.0 on, as the benchmark's generator writes them
    (every form of date it knows: seasons, year-less days, weekdays, spans, relative dates)."""
    from diplomatic_visits.schema import available_versions

    spec = importlib.util.spec_from_file_location("generate", repo / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rng = random.Random(3)
    return [
        gen.upgrade_2(gen.upgrade(gen.make_record(i, rng), rng), rng, version)
        for version in available_versions()
        if int(version.split(".")[0]) >= 2
        for i in range(n)
    ]


def _mutations(record: Any, rng: random.Random, n: int) -> list[Any]:
    """Records with one leaf changed to a value a rule may trip on."""
    leaves: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                leaves.append((node, k))
                walk(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                leaves.append((node, i))
                walk(v)

    walk(record)
    values = [None, "2023-09-31", "x", 0, 10**9, [], "a_nobody", "inferred", "unknown", "--09-13"]
    values += EDTF_VALUES
    out = []
    for _ in range(n):
        copy_ = copy.deepcopy(record)
        leaves.clear()
        walk(copy_)
        parent, key = rng.choice(leaves)
        parent[key] = rng.choice(values)
        out.append(copy_)
    return out


def main() -> None:
    assert compiled.engine() == "Python, compiled with mypyc", compiled.engine()
    pure = _pure()
    assert pure.engine() == "pure Python"
    repo = Path(sys.argv[1])
    text = (repo / "dataset" / "source" / "000_b730d245b05eac44.txt").read_text(encoding="utf-8")
    records = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((repo / "tests" / "examples").glob("*/*.json"))
        if p.name != "expected-failures.json"
    ] + _generated(repo, 4)
    rng = random.Random(5)
    checked = 0
    for record in records:
        for r in [record, *_mutations(record, rng, 20)]:
            version = declared_version(r)
            for with_text in (False, True):
                rules = plan(version, with_text, True)
                t = text if with_text else None
                a = [(i.path, i.keyword, i.message) for i in compiled.check(r, rules, t)]
                b = [(i.path, i.keyword, i.message) for i in pure.check(r, rules, t)]
                assert a == b, (a, b)
                checked += 1
    print(f"compiled and pure engines agree on {checked} checks")


if __name__ == "__main__":
    main()
