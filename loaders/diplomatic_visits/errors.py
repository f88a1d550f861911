"""What goes wrong: the :class:`Issue` a check finds in a record, and the exceptions.

Catch :class:`DiplomaticVisitsError` to catch them all; each subclass keeps its facts as
attributes so that callers can render them as they like. This module imports no other module of
the package: every module can use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class Issue:
    """One problem with one record: where (``path``), what, and which rule.

    ``kind`` is ``"schema"`` for a JSON Schema violation and ``"semantic"`` for a cross-field rule
    (see :mod:`diplomatic_visits.checks`). ``keyword`` is the JSON Schema keyword that failed, or
    the name of the semantic rule.
    """

    path: tuple[str | int, ...]
    message: str
    keyword: str
    kind: Literal["schema", "semantic"] = "schema"
    schema_path: tuple[str | int, ...] = field(default=())

    @property
    def json_path(self) -> str:
        """The location as a JSONPath, e.g. ``$.visits[0].status``."""
        return json_path(self.path)

    def __str__(self) -> str:
        return f"{self.json_path}: {self.message}"


def json_path(path: tuple[str | int, ...] | list[str | int]) -> str:
    """Render a path of keys and indexes as ``$.a[0].b`` (quoting keys that need it)."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}"
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out


class DiplomaticVisitsError(Exception):
    """Base class of every error this package raises on purpose."""


class UnknownSchemaVersionError(DiplomaticVisitsError, LookupError):
    """A schema version or level that is not shipped."""

    def __init__(self, version: str, available: Sequence[str]) -> None:
        self.version = version
        self.available = list(available)
        super().__init__(
            f"unknown schema version {version!r}; available: {', '.join(self.available)}"
        )


class UnknownSetError(DiplomaticVisitsError, LookupError):
    """A bundled record set that the dataset does not hold was asked for."""

    def __init__(self, name: object, known: Sequence[str], default: str) -> None:
        self.name = name
        self.known = tuple(known)
        super().__init__(
            f"no bundled record set {name!r}; the sets are: {', '.join(self.known)} "
            f"(default: {default})"
        )


class UnknownLevelError(DiplomaticVisitsError, ValueError):
    """A conformance level that does not exist."""

    def __init__(self, level: str, available: Sequence[str]) -> None:
        self.level = level
        self.available = list(available)
        super().__init__(f"unknown level {level!r}; levels: {', '.join(self.available)}")


class UnknownProfileError(DiplomaticVisitsError, ValueError):
    """A schema profile that does not exist, or one asked for at a level it does not derive from."""

    def __init__(self, profile: str, available: Sequence[str], level: str | None = None) -> None:
        self.profile = profile
        self.available = list(available)
        self.level = level
        if level is not None:
            message = (
                f"profile {profile!r} derives from level extraction, not {level!r}: "
                "leave level out (or pass level='extraction')"
            )
        else:
            message = f"unknown profile {profile!r}; profiles: {', '.join(self.available)}"
        super().__init__(message)


class InputError(DiplomaticVisitsError):
    """Input that cannot be read or parsed: the file, and the line and column where known."""

    def __init__(
        self, path: str, reason: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.column = column
        where = path if line is None else f"{path}:{line}"
        if line is not None and column is not None:
            where += f":{column}"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, int | None, int | None]]:
        # pickled across worker processes: rebuild from the facts, not from the message
        return (InputError, (self.path, self.reason, self.line, self.column))


class InvalidRecordError(DiplomaticVisitsError, ValueError):
    """A record that breaks the schema or a semantic rule."""

    def __init__(self, record_id: str | None, issues: Sequence[Issue]) -> None:
        self.record_id = record_id
        self.issues = list(issues)
        head = "; ".join(str(i) for i in self.issues[:3])
        more = f" (and {len(self.issues) - 3} more)" if len(self.issues) > 3 else ""
        super().__init__(f"record {record_id!r} is invalid: {head}{more}")


class ChecksumError(DiplomaticVisitsError):
    """A shipped data or schema file whose SHA-256 is not the one recorded."""

    def __init__(self, path: Path, expected: str | None, actual: str | None) -> None:
        self.path = path
        self.expected = expected
        self.actual = actual
        if expected is None:
            what = "is not listed in SHA256SUMS"
        elif actual is None:
            what = "is listed in SHA256SUMS but missing"
        else:
            what = f"has sha256 {actual}, expected {expected}"
        super().__init__(
            f"{path} {what}. Released files never change: reinstall the package, or, if you are "
            "making a new release, add a new version instead of editing this one."
        )
