"""``diplomatic-visits validate``: check records against their schema and its rules, and
report every problem as the results come."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any, TextIO

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import plural
from diplomatic_visits.errors import InputError
from diplomatic_visits.schema import LEVELS, Issue

PROGRESS_EVERY = 10_000


def add_arguments(p: argparse.ArgumentParser) -> None:
    from diplomatic_visits.validate import DEFAULT_MAX_ERRORS

    p.description = (
        "Check every record in the inputs against its schema version and the\n"
        "semantic rules that schema declares, and report every problem with its file, line\n"
        "and JSON path. A .json file holds one record or an array of them (problems point at\n"
        "the line of the value); .jsonl/.ndjson files and stdin hold one record per line.\n"
        "Parquet files (our export's typed columns, or a column of JSON texts) are read a\n"
        "row group at a time, each row numbered as a line; folders are searched for them too."
    )
    p.epilog = (
        "exit codes: 0 all valid, 1 some record invalid, 2 usage error or unreadable\n"
        "input (or no record at all, unless --allow-empty)\n\n"
        "speed: good records are accepted by a compiled engine where the install built one\n"
        "(diplomatic-visits info says); it interprets the same rules as the Python engine,\n"
        "which reports. DIPLOMATIC_VISITS_PURE_PYTHON=1 turns it off: the same results,\n"
        "slower. For large inputs, see --jobs; past one machine, --engine ray:\n"
        "  diplomatic-visits validate /shared/outputs/ --engine ray --ray-address auto"
    )
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    options.inputs(p, "records to check (Parquet files too)")
    options.schema_version(
        p,
        "version for records that declare none (default: latest); a record's own "
        "schema_version wins when it is shipped",
    )
    p.add_argument(
        "--level",
        choices=LEVELS,
        default="extraction",
        help="conformance level (default: %(default)s)",
    )
    options.source(p)
    p.add_argument(
        "--max-errors",
        type=options.positive,
        default=DEFAULT_MAX_ERRORS,
        metavar="N",
        help="report at most N problems per record (default: %(default)s)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="output format (default: %(default)s)",
    )
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="text format: print only the summary (json and jsonl always carry every problem)",
    )
    options.jobs(p)
    options.engine(p)
    options.allow_empty(p)


def run(args: argparse.Namespace) -> int:
    from diplomatic_visits.pipeline import iter_results
    from diplomatic_visits.report import Report

    out, err = sys.stdout, sys.stderr
    options.require_inputs(args, "records to check")
    report = Report(keep=0)  # every result is written as it comes: memory stays flat
    jobs = args.jobs or options.auto_jobs(args.inputs)
    sources = options.sources(args)
    stack = contextlib.ExitStack()
    if args.engine == "ray":
        from diplomatic_visits import ray_data

        stack.enter_context(ray_data.cluster(args.ray_address, args.jobs))
        results = ray_data.iter_results(
            args.inputs, args.schema_version, args.level, sources, args.max_errors, args.jobs
        )
    else:
        results = iter_results(
            args.inputs, args.schema_version, args.level, sources, args.max_errors, jobs=jobs
        )
    with stack, _Stream(args.format, out, args.quiet, err) as stream:
        _report(results, report, stream, err)
        empty = report.close(args.inputs, args.allow_empty)
        if empty is not None:
            stream.input_error(empty)
        stream.summary(report)
    return report.exit_code


def _issue_dict(result: Any, i: int, issue: Issue) -> dict[str, Any]:
    return {
        "file": result.path,
        "line": result.line_of(i),
        "record_id": result.record_id,
        "path": issue.json_path,
        "kind": issue.kind,
        "keyword": issue.keyword,
        "message": issue.message,
        "schema_path": "/".join(str(p) for p in issue.schema_path),
    }


def _input_error_dict(err: InputError) -> dict[str, Any]:
    return {"file": err.path, "line": err.line, "column": err.column, "message": err.reason}


class _Stream:
    """Writes a validation run's output as its results come, in one of the formats; the JSON
    document too (the input errors, listed after the errors, wait in a spooled file), so that
    nothing grows with the number of invalid records."""

    def __init__(self, fmt: str, out: TextIO, quiet: bool, err: TextIO | None = None) -> None:
        self.fmt, self.out, self.quiet = fmt, out, quiet
        self.err = err if err is not None else out  # text: input errors go to stderr
        self.errors = 0
        self.spool: Any = None

    def __enter__(self) -> _Stream:
        if self.fmt == "json":
            import tempfile

            self.spool = tempfile.SpooledTemporaryFile(1 << 20, mode="w+", encoding="utf-8")
            print('{\n  "errors": [', end="", file=self.out)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.spool is not None:
            self.spool.close()

    def input_error(self, item: InputError) -> None:
        if self.fmt == "text":
            print(str(item), file=self.err)
        elif self.fmt == "jsonl":
            print(json.dumps({"type": "input_error", **_input_error_dict(item)}), file=self.out)
        else:
            comma = "," if self.spool.tell() else ""
            self.spool.write(comma + "\n" + _indented(_input_error_dict(item)))

    def issue(self, item: Any, i: int, issue: Any) -> None:
        if self.fmt == "text":
            if not self.quiet:
                print(f"{item.where(i)}: {issue}", file=self.out)
            return
        d = _issue_dict(item, i, issue)
        if self.fmt == "jsonl":
            print(json.dumps({"type": "error", **d}, ensure_ascii=False), file=self.out)
        else:
            print(("," if self.errors else "") + "\n" + _indented(d), end="", file=self.out)
            self.errors += 1

    def summary(self, report: Any) -> None:
        summary: dict[str, Any] = {
            "status": report.status,
            "checked": report.checked,
            "valid": report.valid,
            "invalid": report.invalid,
            "unreadable": report.unreadable,
            "errors_by_keyword": dict(report.by_keyword.most_common()),
        }
        if self.fmt == "json":
            close = "\n  ]," if self.errors else "],"
            print(close + '\n  "input_errors": [', end="", file=self.out)
            self.spool.seek(0)
            import shutil

            shutil.copyfileobj(self.spool, self.out)
            print(("\n  " if self.spool.tell() else "") + "],", file=self.out)
            rest = json.dumps(summary, indent=2, ensure_ascii=False)
            print(rest[2:], file=self.out)  # the object's members, after the two lists
        elif self.fmt == "jsonl":
            print(json.dumps({"type": "summary", **summary}, ensure_ascii=False), file=self.out)
        else:
            kinds = ", ".join(f"{k} {n}" for k, n in report.by_keyword.most_common())
            unreadable = report.unreadable
            print(
                f"{plural(report.checked, 'record')} checked: {report.valid} valid, "
                f"{report.invalid} invalid"
                + (f", {plural(unreadable, 'unreadable input')}" if unreadable else "")
                + (f" (errors by keyword: {kinds})" if kinds else ""),
                file=self.out,
            )


def _indented(d: dict[str, Any]) -> str:
    """``d`` as an item of a list that is a member of the top object (indent 2)."""
    text = json.dumps(d, indent=2, ensure_ascii=False)
    return "\n".join("    " + line for line in text.split("\n"))


def _report(results: Any, report: Any, stream: _Stream, err: TextIO) -> None:
    from diplomatic_visits.report import ValidRecords

    progress = err.isatty()
    for item in results:
        if isinstance(item, InputError):
            report.add(item)
            stream.input_error(item)
            continue
        before = report.checked
        report.add(item)
        if progress and report.checked // PROGRESS_EVERY > before // PROGRESS_EVERY:
            print(f"\rchecked {report.checked:,} records", end="", file=err, flush=True)
        if isinstance(item, ValidRecords) or item.valid:
            continue
        for i, issue in enumerate(item.issues):
            stream.issue(item, i, issue)
    if progress and report.checked >= PROGRESS_EVERY:
        print(file=err)
