"""What checking records found: one :class:`RecordResult` per invalid record, counts for the
valid ones, and a :class:`Report` that adds them up and gives the exit code. The exit codes and
the "no records" rule are set here; how a report is written is
:mod:`diplomatic_visits.reporters`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from diplomatic_visits.errors import InputError
from diplomatic_visits.schema import Issue

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


@dataclass
class RecordResult:
    """The outcome of checking one record. ``lines``: for a record of a pretty-printed
    ``.json`` file, the line of each issue's value (else empty: every issue is on ``line``)."""

    path: str
    line: int | None
    record_id: str | None
    issues: list[Issue]
    lines: tuple[int | None, ...] = ()
    # the record checked, when the reader was asked for values (None otherwise: what validate
    # streams from its workers stays small)
    value: Any = field(default=None, repr=False, compare=False)

    @property
    def valid(self) -> bool:
        return not self.issues

    @property
    def at(self) -> str:
        """``FILE:LINE`` of the record (``FILE`` when it has no line)."""
        return self.path if self.line is None else f"{self.path}:{self.line}"

    def line_of(self, i: int) -> int | None:
        """The line of issue ``i``."""
        return self.lines[i] if i < len(self.lines) and self.lines[i] is not None else self.line

    def where(self, i: int) -> str:
        """``FILE:LINE`` of issue ``i``."""
        line = self.line_of(i)
        return self.path if line is None else f"{self.path}:{line}"


@dataclass(frozen=True)
class ValidRecords:
    """``count`` valid records in a row: what the pipeline gives for records that need no
    report, instead of one :class:`RecordResult` each."""

    count: int


def no_records(inputs: Sequence[str]) -> InputError:
    """The input error of inputs that hold no record at all (an empty file, an empty array):
    most often a job upstream that failed, so it is not a success unless asked for."""
    names = ", ".join(inputs) if inputs else "the inputs"
    return InputError(
        names, "no records found (an empty file or array?); pass --allow-empty if that is expected"
    )


def nothing_read(
    inputs: Sequence[str], records: int, unreadable: int, allow_empty: bool = False
) -> InputError | None:
    """The "no records" rule, the one place it is written: inputs that held no record at all,
    with nothing unreadable either (that has its own error), are an input error
    (:func:`no_records`) unless ``allow_empty``; else None."""
    if records or unreadable or allow_empty:
        return None
    return no_records(inputs)


@dataclass
class Report:
    """What a validation run found: counts, the invalid records and the unreadable inputs.

    ``keep`` bounds how many invalid results and input errors are held (None: all of them);
    the counts are exact whatever it is. A run that streams its output keeps none, so its
    memory stays flat however many records are invalid.
    """

    checked: int = 0
    valid: int = 0
    invalid_results: list[RecordResult] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    by_keyword: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0
    keep: int | None = None

    @property
    def invalid(self) -> int:
        return self.checked - self.valid

    @property
    def exit_code(self) -> int:
        """0 all valid, 1 some record invalid, 2 some input unreadable (or no record at all,
        unless the run allowed that)."""
        if self.unreadable:
            return EXIT_UNREADABLE
        return EXIT_INVALID if self.invalid else EXIT_OK

    @property
    def status(self) -> str:
        return ["ok", "invalid", "unreadable"][self.exit_code]

    def close(self, inputs: Sequence[str], allow_empty: bool = False) -> InputError | None:
        """At the end of a run: the "no records" error (:func:`nothing_read`), added to the
        report, or None."""
        empty = nothing_read(inputs, self.checked, self.unreadable, allow_empty)
        if empty is not None:
            self.add(empty)
        return empty

    def add(self, result: RecordResult | ValidRecords | InputError) -> None:
        if isinstance(result, InputError):
            self.unreadable += 1
            if self.keep is None or len(self.input_errors) < self.keep:
                self.input_errors.append(result)
            return
        if isinstance(result, ValidRecords):
            self.checked += result.count
            self.valid += result.count
            return
        self.checked += 1
        if result.valid:
            self.valid += 1
        else:
            if self.keep is None or len(self.invalid_results) < self.keep:
                self.invalid_results.append(result)
            self.by_keyword.update(i.keyword for i in result.issues)
