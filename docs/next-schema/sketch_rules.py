"""A throwaway sketch of the draft's new contradiction rules, to see what they would refuse.

    PYTHONPATH=loaders python docs/next-schema/sketch_rules.py [RECORD.json ...]

Not the engine: it names fields directly (which the release must never do, see DESIGN.md 3.3)
and covers the rules that need no EDTF arithmetic: `basis-explained` (inferred_from on a stated
value), `status-fields` (confirmed_by without confirmation), `outcome-fields`, `co-speakers`,
`reporting-chain`, `status-last`, `sequence` of the status history, `within`. Run on the 1.1.0
examples and the gold record after the draft migration, it finds nothing (DESIGN.md 4.1).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from diplomatic_visits.checks import bounds_of

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from migrate_draft import migrate_1_1_0  # noqa: E402

EXPLAIN = {"inferred", "knowledge", "inferred_with_knowledge"}


def _day(d: Any) -> tuple[int, int] | None:
    b = bounds_of(d.get("value")) if isinstance(d, dict) else None
    return b if b is not None and b[0] == b[1] else None


def findings(record: Any) -> list[str]:
    """What the sketched rules refuse in ``record``, one line each."""
    out: list[str] = []

    def walk(v: Any, p: str) -> None:
        if isinstance(v, dict):
            if v.get("basis") not in EXPLAIN and v.get("inferred_from"):
                out.append(f"basis-explained {p}: basis {v.get('basis')!r} with inferred_from")
            if v.get("confirmed_by") and "confirmation" not in v:
                out.append(f"status-fields {p}: confirmed_by without confirmation")
            if v.get("kind") == "invitation" and v.get("agreement"):
                out.append(f"outcome-fields {p}: agreement on an invitation")
            relayed = v.get("relayed_by") or []
            if "speaker" in v and v["speaker"] in (v.get("co_speakers") or []):
                out.append(f"co-speakers {p}: speaker {v['speaker']!r} in co_speakers")
            for one in ("speaker", "reported_via"):
                if v.get(one) and v[one] in relayed:
                    out.append(f"reporting-chain {p}: {one} {v[one]!r} in relayed_by")
            history = v.get("status_history") or []
            if history and history[-1].get("value") != (v.get("status") or {}).get("value"):
                out.append(f"status-last {p}: status vs status_history[{len(history) - 1}]")
            first: int | None = None
            for i, event in enumerate(history):
                b = bounds_of((event.get("as_of") or {}).get("value"))
                if b is not None:
                    if first is not None and b[1] < first:
                        out.append(f"sequence {p}.status_history[{i}]: before the one above")
                    first = b[0]
            start, end = _day(v.get("start")), _day(v.get("end"))
            if "sub_events" in v and start and end:
                for key, a, z in (("legs", "start", "end"), ("sub_events", "date", "date")):
                    for i, item in enumerate(v.get(key) or []):
                        x, y = bounds_of(item[a].get("value")), bounds_of(item[z].get("value"))
                        if (y and y[1] < start[0]) or (x and x[0] > end[1]):
                            out.append(f"within {p}.{key}[{i}]: outside the visit's dates")
            for k, x in v.items():
                walk(x, f"{p}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{p}[{i}]")

    walk(record, "$")
    return out


def main(paths: list[str]) -> int:
    root = HERE.parents[1]
    files = [Path(p) for p in paths] or [
        *sorted((root / "tests" / "examples" / "valid").glob("*.json")),
        *sorted((root / "dataset" / "records").glob("*.json")),
    ]
    total = 0
    for path in files:
        found = findings(migrate_1_1_0(json.loads(path.read_text("utf-8"))))
        total += len(found)
        print(f"{path.name}: {len(found)}", *found, sep="\n  " if found else "")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
