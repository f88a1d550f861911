"""Migrations: upgrade records from one schema version to a newer one.

A migration is a function from a record of one version to a record of the next, registered in
:data:`MIGRATIONS` under ``(from_version, to_version)``. :func:`migrate_record` chains them
(and sets ``schema_version``). A minor release keeps every old record valid, so its migration
changes nothing else; a major release's migration makes only the mechanical rewrites (what
needs a reader is left for validation to report, never guessed). The mechanism is also proven on
a fixture major pair in tests/test_compat.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from diplomatic_visits.errors import DiplomaticVisitsError

Migration = Callable[[dict[str, Any]], dict[str, Any]]


#: (from version, to version) -> function. Each function returns a new record that declares the
#: target version.
def _additive(record: dict[str, Any]) -> dict[str, Any]:
    """A MINOR step (1.0.0 -> 1.1.0, 2.0.0 -> 2.1.0): every addition is optional, so an old
    record is a new one as it is (the new constructs are left out: nothing in the old record
    says them; 2.1.0's ``unnamed_person`` is never guessed from a 2.0.0 ``person``)."""
    return record


def _edtf_written(record: dict[str, Any]) -> dict[str, Any]:
    """1.1.0 -> 2.0.0: a ``written`` date without a year in the ISO 8601-1:2000 form becomes
    EDTF (``--09-12`` -> ``XXXX-09-12``, ``--09`` -> ``XXXX-09``), the form 2.0.0 requires.

    Nothing else is rewritten. What 2.0.0's rules may refuse in an old record (a status history
    out of order, a country code outside ISO 3166-1, an ``inferred_from`` on a stated value, a
    speaker among his co-speakers) needs a reader: ``migrate`` reports it, never fixes it. Dates
    of precision ``unknown`` stay as they are (still true; re-annotating them with the new forms
    is a data change)."""
    _rewrite_written(record)
    return record


def _rewrite_written(value: Any) -> None:
    if isinstance(value, dict):
        written = value.get("written")
        # a partial date is the object with a `precision` (1.1.0 has no other `written`)
        if "precision" in value and isinstance(written, str) and written.startswith("--"):
            value["written"] = "XXXX-" + written[2:]
        for item in value.values():
            _rewrite_written(item)
    elif isinstance(value, list):
        for item in value:
            _rewrite_written(item)


MIGRATIONS: dict[tuple[str, str], Migration] = {
    ("1.0.0", "1.1.0"): _additive,
    ("1.1.0", "2.0.0"): _edtf_written,
    ("2.0.0", "2.1.0"): _additive,
}


class NoMigrationError(DiplomaticVisitsError, LookupError):
    """No chain of registered migrations leads from a record's version to the target."""

    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = source, target
        super().__init__(f"no migration from schema {source} to {target} is defined")


def migration_path(
    source: str, target: str, migrations: Mapping[tuple[str, str], Migration] | None = None
) -> list[tuple[str, str]]:
    """The shortest chain of registered steps from ``source`` to ``target``."""
    migrations = MIGRATIONS if migrations is None else migrations
    frontier: list[list[tuple[str, str]]] = [[]]
    seen = {source}
    while frontier:
        nxt = []
        for chain in frontier:
            at = chain[-1][1] if chain else source
            if at == target:
                return chain
            for a, b in migrations:
                if a == at and b not in seen:
                    seen.add(b)
                    nxt.append([*chain, (a, b)])
        frontier = nxt
    raise NoMigrationError(source, target)


def migrate_record(
    record: Mapping[str, Any],
    target: str,
    migrations: Mapping[tuple[str, str], Migration] | None = None,
) -> dict[str, Any]:
    """Return ``record`` upgraded to schema ``target`` (the record itself is not changed)."""
    migrations = MIGRATIONS if migrations is None else migrations
    out = copy.deepcopy(dict(record))
    for step in migration_path(str(record.get("schema_version")), target, migrations):
        out = migrations[step](out)
        out["schema_version"] = step[1]
    return out
