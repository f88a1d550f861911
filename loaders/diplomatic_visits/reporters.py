"""How what checking found is written: one reporter per output format, behind a registry
(:data:`REPORTERS`) that also gives the commands their ``--format`` choices (as
check-jsonschema's reporters do). ``validate``, ``score``, ``migrate``, ``export`` and the Ray
engine write through them; the batch API's issue tables and the view's issue list take their
fields from the one issue-to-dict conversion here (:func:`issue_fields`, :func:`issue_dict`).

A reporter writes as the results come, so memory stays flat however many records are invalid;
the JSON document too (its input errors, listed after the errors, wait in a spooled file).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, ClassVar, TextIO

from diplomatic_visits.errors import InputError
from diplomatic_visits.report import RecordResult, Report, ValidRecords
from diplomatic_visits.schema import Issue

PROGRESS_EVERY = 10_000  # records between two progress notes on a terminal

# --- the one issue-to-dict conversion --------------------------------------------------------


def issue_fields(issue: Issue) -> dict[str, Any]:
    """An issue's own facts: its JSON path, kind (schema or semantic), keyword, message and
    the schema path of the rule it breaks."""
    return {
        "path": issue.json_path,
        "kind": issue.kind,
        "keyword": issue.keyword,
        "message": issue.message,
        "schema_path": "/".join(str(p) for p in issue.schema_path),
    }


def issue_dict(result: RecordResult, i: int) -> dict[str, Any]:
    """Issue ``i`` of an invalid record, with where it is: file, line (of the issue's value,
    in a pretty-printed ``.json`` file) and record id."""
    return {
        "file": result.path,
        "line": result.line_of(i),
        "record_id": result.record_id,
        **issue_fields(result.issues[i]),
    }


def input_error_dict(error: InputError) -> dict[str, Any]:
    """An unreadable input, line or row: where, and why."""
    return {"file": error.path, "line": error.line, "column": error.column, "message": error.reason}


# --- the reporters ---------------------------------------------------------------------------


class Reporter:
    """Writes a run's results in one format: its input errors, the issues of its invalid
    records, then its summary (a :class:`~diplomatic_visits.report.Report`); or a score.
    ``reports``: what it can write (``records``, ``score``), which gives each command its
    ``--format`` choices. ``out``: the report; ``err``: where text goes that is not the
    report (input errors in text); ``quiet``: the summary only, where the format allows;
    ``note``: a word put before each issue (``after migration``)."""

    name: ClassVar[str]
    reports: ClassVar[tuple[str, ...]] = ("records",)

    def __init__(
        self, out: TextIO, err: TextIO | None = None, quiet: bool = False, note: str = ""
    ) -> None:
        self.out, self.quiet, self.note = out, quiet, note
        self.err = err if err is not None else out

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def input_error(self, error: InputError) -> None:
        raise NotImplementedError

    def issue(self, result: RecordResult, i: int) -> None:
        raise NotImplementedError

    def summary(self, report: Report) -> None:
        raise NotImplementedError

    def score(self, result: Any, by: str | None = None) -> None:
        """A :class:`~diplomatic_visits.score.Score` (reporters whose ``reports`` has it);
        ``by``: the breakdown the report is given by (``construct``), where it has one."""
        raise NotImplementedError(f"the {self.name} format has no score report")

    def compat(self, verdict: Any, old: str, new: str, declared: str, notes: list[str]) -> None:
        """A :class:`~diplomatic_visits.compat.Verdict` of ``old`` -> ``new`` against the bump
        the new number ``declared`` (reporters whose ``reports`` has ``compat``)."""
        raise NotImplementedError(f"the {self.name} format has no compatibility report")

    def problem(self, problem: RecordResult | InputError) -> None:
        """An input error, or every issue of a record."""
        if isinstance(problem, InputError):
            self.input_error(problem)
        else:
            for i in range(len(problem.issues)):
                self.issue(problem, i)

    @staticmethod
    def counts(report: Report) -> dict[str, Any]:
        """The summary's facts, as the JSON formats write them."""
        return {
            "status": report.status,
            "checked": report.checked,
            "valid": report.valid,
            "invalid": report.invalid,
            "unreadable": report.unreadable,
            "errors_by_keyword": dict(report.by_keyword.most_common()),
        }


class TextReporter(Reporter):
    """``FILE:LINE: $.path: message``, one issue a line; input errors to ``err``; then one
    line of counts."""

    name = "text"
    reports = ("records", "score", "compat")

    def input_error(self, error: InputError) -> None:
        print(str(error), file=self.err)

    def issue(self, result: RecordResult, i: int) -> None:
        if not self.quiet:
            note = f"{self.note}: " if self.note else ""
            print(f"{result.where(i)}: {note}{result.issues[i]}", file=self.out)

    def summary(self, report: Report) -> None:
        kinds = ", ".join(f"{k} {n}" for k, n in report.by_keyword.most_common())
        unreadable = report.unreadable
        print(
            f"{plural(report.checked, 'record')} checked: {report.valid} valid, "
            f"{report.invalid} invalid"
            + (f", {plural(unreadable, 'unreadable input')}" if unreadable else "")
            + (f" (errors by keyword: {kinds})" if kinds else ""),
            file=self.out,
        )

    def score(self, result: Any, by: str | None = None) -> None:
        print(result.as_text(by), file=self.out)

    def compat(self, verdict: Any, old: str, new: str, declared: str, notes: list[str]) -> None:
        for note in notes:
            print(f"note: {note}", file=self.out)
        for change in verdict.changes:
            print(change, file=self.out)
        for broken in verdict.broken_records:
            print(f"major  record no longer valid: {broken}", file=self.out)
        for name in verdict.already_invalid:
            print(f"note: not counted, already invalid under {old}: {name}", file=self.out)
        print(
            f"{old} -> {new}: the change needs a {verdict.required} release; the version "
            f"number declares {declared}: {'ok' if verdict.covered_by(declared) else 'NOT OK'}",
            file=self.out,
        )


class JsonReporter(Reporter):
    """One JSON document: ``errors`` (one object per issue), ``input_errors``, then the
    counts (``status``, ``checked``...); written as it comes."""

    name = "json"
    reports = ("records", "score", "compat")

    def __init__(
        self, out: TextIO, err: TextIO | None = None, quiet: bool = False, note: str = ""
    ) -> None:
        super().__init__(out, err, quiet, note)
        self.errors = 0
        self.spool: Any = None

    def __enter__(self) -> JsonReporter:
        import tempfile

        self.spool = tempfile.SpooledTemporaryFile(1 << 20, mode="w+", encoding="utf-8")
        print('{\n  "errors": [', end="", file=self.out)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.spool is not None:
            self.spool.close()

    def input_error(self, error: InputError) -> None:
        comma = "," if self.spool.tell() else ""
        self.spool.write(comma + "\n" + _indented(input_error_dict(error)))

    def issue(self, result: RecordResult, i: int) -> None:
        d = issue_dict(result, i)
        print(("," if self.errors else "") + "\n" + _indented(d), end="", file=self.out)
        self.errors += 1

    def summary(self, report: Report) -> None:
        import shutil

        close = "\n  ]," if self.errors else "],"
        print(close + '\n  "input_errors": [', end="", file=self.out)
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, self.out)
        print(("\n  " if self.spool.tell() else "") + "],", file=self.out)
        rest = json.dumps(self.counts(report), indent=2, ensure_ascii=False)
        print(rest[2:], file=self.out)  # the object's members, after the two lists

    def score(self, result: Any, by: str | None = None) -> None:
        # the whole report: it holds the scores per construct (`constructs`) either way
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False), file=self.out)

    def compat(self, verdict: Any, old: str, new: str, declared: str, notes: list[str]) -> None:
        doc = {
            "old": old,
            "new": new,
            "required": verdict.required,
            "declared": declared,
            "ok": verdict.covered_by(declared),
            "changes": [{"bump": c.bump, "path": c.path, "what": c.what} for c in verdict.changes],
            "broken_records": list(verdict.broken_records),
            "already_invalid": list(verdict.already_invalid),
            "notes": list(notes),
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False), file=self.out)


class JsonlReporter(Reporter):
    """One JSON object a line: ``{"type": "error", ...}`` per issue, ``input_error`` per
    unreadable input, and a last ``summary``."""

    name = "jsonl"

    def input_error(self, error: InputError) -> None:
        print(json.dumps({"type": "input_error", **input_error_dict(error)}), file=self.out)

    def issue(self, result: RecordResult, i: int) -> None:
        d = issue_dict(result, i)
        print(json.dumps({"type": "error", **d}, ensure_ascii=False), file=self.out)

    def summary(self, report: Report) -> None:
        line = {"type": "summary", **self.counts(report)}
        print(json.dumps(line, ensure_ascii=False), file=self.out)


#: The output formats: a new one is one reporter here.
REPORTERS: dict[str, type[Reporter]] = {
    r.name: r for r in (TextReporter, JsonReporter, JsonlReporter)
}


def choices(what: str = "records") -> tuple[str, ...]:
    """The formats that can report ``what`` (``records``, ``score``): a ``--format``'s choices."""
    return tuple(name for name, r in REPORTERS.items() if what in r.reports)


def reporter(
    fmt: str, out: TextIO, err: TextIO | None = None, quiet: bool = False, note: str = ""
) -> Reporter:
    """The reporter of format ``fmt`` (a ValueError for an unknown one)."""
    try:
        cls = REPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(REPORTERS)}") from None
    return cls(out, err, quiet, note)


def report_results(
    results: Iterable[RecordResult | ValidRecords | InputError],
    report: Report,
    to: Reporter,
    progress: TextIO | None = None,
) -> None:
    """Add every result to ``report`` and write its problems with ``to`` as they come;
    ``progress``: a terminal to count the records checked on."""
    for item in results:
        before = report.checked
        report.add(item)
        if isinstance(item, InputError):
            to.input_error(item)
            continue
        if progress is not None and report.checked // PROGRESS_EVERY > before // PROGRESS_EVERY:
            print(f"\rchecked {report.checked:,} records", end="", file=progress, flush=True)
        if not isinstance(item, ValidRecords) and not item.valid:
            for i in range(len(item.issues)):
                to.issue(item, i)
    if progress is not None and report.checked >= PROGRESS_EVERY:
        print(file=progress)


def plural(n: int, noun: str) -> str:
    """``1 record``, ``2 records``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _indented(d: dict[str, Any]) -> str:
    """``d`` as an item of a list that is a member of the top object (indent 2)."""
    text = json.dumps(d, indent=2, ensure_ascii=False)
    return "\n".join("    " + line for line in text.split("\n"))
