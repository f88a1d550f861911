"""The 1.1.0 -> next migration as DESIGN.md section 4 specifies it, on plain dicts (a design
aid, now the released step in ``diplomatic_visits.migrate.MIGRATIONS``, under the draft's number).

Only mechanical rewrites are made; anything that needs a reader (a status history out of
order, a code outside ISO 3166-1, an ``inferred_from`` on a stated value) is left for the
validator to report, never guessed.
"""

from __future__ import annotations

from typing import Any

from diplomatic_visits.migrate import migrate_record

VERSION = "2.0.0-draft.1"


def migrate_1_1_0(record: dict[str, Any]) -> dict[str, Any]:
    """A 1.1.0 record declared as the draft version, its ``written`` dates in EDTF form
    (``--09-12`` -> ``XXXX-09-12``, ``--09`` -> ``XXXX-09``): the released 1.1.0 -> 2.0.0 step
    (``diplomatic_visits.migrate``), which this draft's step became, under the draft's number."""
    out = migrate_record(record, "2.0.0")
    out["schema_version"] = VERSION
    return out
