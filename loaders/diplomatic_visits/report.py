"""What checking records found: one :class:`RecordResult` per invalid record, counts for the
valid ones, and a :class:`Report` that adds them up and gives the exit code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

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

    @property
    def valid(self) -> bool:
        return not self.issues

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
