"""The 1.1.0 -> next migration as DESIGN.md section 4 specifies it, on plain dicts (a design
aid: the release moves it into ``diplomatic_visits.migrate.MIGRATIONS``).

Only mechanical rewrites are made; anything that needs a reader (a status history out of
order, a code outside ISO 3166-1, an ``inferred_from`` on a stated value) is left for the
validator to report, never guessed.
"""

from __future__ import annotations

import copy
from typing import Any

VERSION = "2.0.0-draft.1"


def migrate_1_1_0(record: dict[str, Any]) -> dict[str, Any]:
    """A 1.1.0 record declared as the draft version, its ``written`` dates in EDTF form
    (``--09-12`` -> ``XXXX-09-12``, ``--09`` -> ``XXXX-09``)."""
    out = copy.deepcopy(record)
    out["schema_version"] = VERSION
    _walk(out)
    return out


def _walk(value: Any) -> None:
    if isinstance(value, dict):
        written = value.get("written")
        if "precision" in value and isinstance(written, str) and written.startswith("--"):
            value["written"] = "XXXX-" + written[2:]
        for item in value.values():
            _walk(item)
    elif isinstance(value, list):
        for item in value:
            _walk(item)
