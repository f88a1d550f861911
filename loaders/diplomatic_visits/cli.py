"""The ``diplomatic-visits`` command: ``main(argv) -> exit code``.

Exit codes: 0 success (all records valid), 1 some record invalid, 2 usage error or unreadable
input. Problems are collected first, then rendered as text or JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from diplomatic_visits import _version
from diplomatic_visits.errors import DiplomaticVisitsError, InputError
from diplomatic_visits.schema import LEVELS, Issue
from diplomatic_visits.validate import DEFAULT_MAX_ERRORS

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
AUTO_JOBS_BYTES = 32 * 2**20
PROGRESS_EVERY = 10_000

_EPILOG = """\
examples:
  diplomatic-visits info
  diplomatic-visits schema --level verified > record.verified.schema.json
  diplomatic-visits validate outputs.jsonl --source article.txt
  cat outputs.jsonl | diplomatic-visits validate - --format json
  diplomatic-visits export jsonl --out records.jsonl
  diplomatic-visits score --pred my_outputs.jsonl --format json
  diplomatic-visits export parquet --input my_outputs.jsonl --out my_outputs.parquet
  diplomatic-visits export hf --out hf_dataset   # then datasets.load_dataset("hf_dataset")
  diplomatic-visits compat 1.0.0 schema/1.1.0

exit codes: 0 all valid, 1 some record invalid, 2 usage error or unreadable input
"""


class UsageError(DiplomaticVisitsError):
    """Arguments that argparse accepts but that do not fit together."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own exit code for usage errors is 2 too
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    p = _Parser(
        prog="diplomatic-visits",
        description="Structured records of news articles about diplomatic visits: the versioned "
        "JSON Schema, the gold records, validation of your own extraction outputs, and "
        "exports for ML.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--version", action="version", version=f"diplomatic-visits {_version.__version__}"
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sub.add_parser(
        "info", help="print package, schema and dataset versions, record counts and checksums"
    )

    s = sub.add_parser(
        "schema",
        help="print a JSON Schema (default: the latest, level extraction)",
        description="Print a shipped JSON Schema to stdout.",
    )
    s.add_argument(
        "--list", action="store_true", help="list the shipped versions and levels instead"
    )
    s.add_argument(
        "--version", dest="schema_version", metavar="V", help="schema version (default: latest)"
    )
    s.add_argument(
        "--level",
        choices=LEVELS,
        default="extraction",
        help="extraction: for extraction outputs, quotes without offsets allowed; "
        "verified: what the gold records meet (default: %(default)s)",
    )
    s.add_argument(
        "--bundled",
        action="store_true",
        help="inline references to other files, for tools that need one self-contained schema",
    )

    v = sub.add_parser(
        "validate",
        help="check records (JSON, JSONL, folders, or - for stdin) against the schema",
        description="Check every record in the inputs against the schema and the semantic\n"
        "rules, and report every problem with its file, line and JSON path. A .json\n"
        "file holds one record or an array of them; .jsonl/.ndjson files and stdin\n"
        "hold one record per line.",
        epilog="exit codes: 0 all valid, 1 some record invalid, 2 usage error or unreadable\n"
        "input\n\n"
        "speed: good records are accepted by a compiled accelerator where the install\n"
        "built one (diplomatic-visits info says). DIPLOMATIC_VISITS_PURE_PYTHON=1 turns\n"
        "it off: the same results, slower. For large inputs, see --jobs.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument("inputs", nargs="+", metavar="INPUT", help="file, folder, or - for stdin")
    v.add_argument(
        "--schema-version",
        metavar="V",
        help="version for records that declare none (default: latest); a record's own "
        "schema_version wins when it is shipped",
    )
    v.add_argument(
        "--level",
        choices=LEVELS,
        default="extraction",
        help="conformance level (default: %(default)s)",
    )
    v.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="FILE",
        help="article text the spans index: quotes are located in it and offsets checked "
        "(repeatable; a record picks the text whose sha256 it names)",
    )
    v.add_argument(
        "--max-errors",
        type=_positive,
        default=DEFAULT_MAX_ERRORS,
        metavar="N",
        help="report at most N problems per record (default: %(default)s)",
    )
    v.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="output format (default: %(default)s)",
    )
    v.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    v.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="worker processes for JSON Lines input (default: all cores when the input files "
        f"hold more than {AUTO_JOBS_BYTES // 2**20} MiB, else 1)",
    )

    c = sub.add_parser(
        "compat",
        help="classify a schema change as patch, minor or major; fail on a too-small version bump",
        description="Compare a schema version with an older one: structurally, on the shipped "
        "records (and --records), and on records generated from the old version. Exits 1 when "
        "the new version number declares a smaller bump than the change needs.",
        epilog="NEW is a shipped version or a candidate folder named after its version, holding "
        "record.schema.json and record.verified.schema.json (for example schema/1.1.0).",
    )
    c.add_argument("old", metavar="OLD", help="the shipped version to compare against")
    c.add_argument("new", metavar="NEW", help="a shipped version, or a candidate version folder")
    c.add_argument(
        "--records",
        nargs="*",
        default=[],
        metavar="FILE",
        help="more records of the old version that must stay valid",
    )
    c.add_argument(
        "--generated",
        type=int,
        default=20,
        metavar="N",
        help="records to generate from the old version (needs the dev extras; 0: none)",
    )

    sc = sub.add_parser(
        "score",
        help="score extraction outputs against the gold records (P/R/F1 per field)",
        description="Align predicted actors, places, visits, sub-events and statements to the "
        "gold ones (optimal one-to-one matching) and report precision, recall and F1 per field "
        "and per object type, micro and macro, and per record what was missed and invented. "
        "Predictions are validated first (level extraction); invalid ones are reported, not "
        "scored. The matching and partial-credit rules: python -c 'import "
        "diplomatic_visits.score as s; help(s)'.",
        epilog="exit codes: 0 scored, 1 some prediction invalid (not scored), 2 usage error or "
        "unreadable input",
    )
    sc.add_argument("--pred", required=True, nargs="+", metavar="FILE", help="predicted records")
    sc.add_argument(
        "--gold", nargs="+", metavar="FILE", help="gold records (default: the bundled ones)"
    )
    sc.add_argument("--format", choices=("text", "json"), default="text")
    sc.add_argument(
        "--stated-only",
        action="store_true",
        help="score only what the text states: gold values inferred or taken from world knowledge "
        "(an inferred year, a country of a city) are left out on both sides",
    )

    m = sub.add_parser(
        "migrate",
        help="upgrade records to a newer schema version",
        description="Upgrade records (JSON or JSON Lines) to a newer schema version through the "
        "registered migrations, validate them under it, and write JSON Lines.",
    )
    m.add_argument("inputs", nargs="+", metavar="INPUT")
    m.add_argument("--to", required=True, metavar="V", help="target schema version")
    m.add_argument("--out", required=True, metavar="FILE", help="output JSON Lines (- for stdout)")
    m.add_argument("--force", action="store_true", help="replace an existing output")

    e = sub.add_parser(
        "export",
        help="export records as JSONL, Parquet or a Hugging Face dataset folder",
        description="Export the bundled records (or your own, with --input, validated first and "
        "refused if any is invalid). Types come from the JSON Schema, never from the data.",
        epilog="formats:\n"
        "  jsonl    one record per line (--out - for stdout)\n"
        "  parquet  one table per file (--table); typed nested columns; the articles table\n"
        "           carries each article's text beside its record\n"
        "  hf       a folder for datasets.load_dataset(FOLDER, CONFIG): data/ + README.md card\n"
        "tables / configs: articles (default), visits, statements, actors, places",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    e.add_argument("format", choices=("jsonl", "parquet", "hf"), help="output format")
    e.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="output file or folder (- for stdout, jsonl only)",
    )
    e.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="FILE",
        help="export these records instead of the bundled ones (validated first)",
    )
    e.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="FILE",
        help="article texts for --input records (matched by sha256), for the text column",
    )
    e.add_argument(
        "--level",
        choices=LEVELS,
        default=None,
        help="level the records must meet and the types follow (default: verified for the "
        "bundled records, extraction for --input)",
    )
    e.add_argument(
        "--table",
        default="articles",
        choices=("articles", "visits", "statements", "actors", "places"),
        help="parquet: which table (default: %(default)s)",
    )
    e.add_argument("--split", default="test", help="hf: split name (default: %(default)s)")
    e.add_argument(
        "--schema-version",
        metavar="V",
        default=None,
        help="schema version the column types come from, and --input records without a shipped "
        "schema_version are checked against (default: latest)",
    )
    e.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="worker processes that validate and convert --input JSON Lines for parquet "
        "(default: all cores for large inputs)",
    )
    e.add_argument("--force", action="store_true", help="replace an existing output")
    return p


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "info":
            return _info(sys.stdout)
        if args.command == "schema":
            return _schema(args, sys.stdout)
        if args.command == "validate":
            return _validate(args, sys.stdout, sys.stderr)
        if args.command == "export":
            return _export(args, sys.stderr)
        if args.command == "compat":
            return _compat(args, sys.stdout)
        if args.command == "migrate":
            return _migrate(args, sys.stderr)
        if args.command == "score":
            return _score(args, sys.stdout)
    except DiplomaticVisitsError as exc:
        print(f"diplomatic-visits: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `| head`: not an error of ours
        return EXIT_OK
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _info(out: TextIO) -> int:
    from diplomatic_visits._paths import dataset_dir, schema_dir
    from diplomatic_visits.records import dataset_version, load_records, read_sums
    from diplomatic_visits.schema import available_versions
    from diplomatic_visits.validate import accelerator_status

    records = load_records()
    print(f"package          {_version.__version__}", file=out)
    print(
        f"schema versions  {', '.join(available_versions())} (levels: {', '.join(LEVELS)})",
        file=out,
    )
    print(f"dataset version  {dataset_version()}", file=out)
    print(f"accelerator      {accelerator_status()}", file=out)
    print(f"records          {len(records)}", file=out)
    n_visits = sum(len(r["visits"]) for r in records)
    n_statements = sum(len(r["statements"]) for r in records)
    print(f"visits           {n_visits}", file=out)
    print(f"statements       {n_statements}", file=out)
    print("checksums (verified):", file=out)
    for folder in (schema_dir(), dataset_dir()):
        for name, digest in read_sums(folder / "SHA256SUMS").items():
            print(f"  {digest}  {folder.name}/{name}", file=out)
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    from diplomatic_visits.schema import available_versions, bundle_schema, load_schema, schema_path

    if args.list:
        for version in available_versions():
            for level in LEVELS:
                print(f"{version}  {level:<10}  {schema_path(version, level)}", file=out)
        return EXIT_OK
    doc = (bundle_schema if args.bundled else load_schema)(args.schema_version, args.level)
    print(json.dumps(doc, indent=2, ensure_ascii=False), file=out)
    return EXIT_OK


def _auto_jobs(inputs: Sequence[str]) -> int:
    """All cores for large inputs; one process (no start-up cost) for small ones."""
    import os
    from pathlib import Path

    size = 0
    for item in inputs:
        p = Path(item)
        if p.is_file():
            size += p.stat().st_size
        elif p.is_dir():
            size += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return (os.cpu_count() or 1) if size > AUTO_JOBS_BYTES else 1


def _issue_dict(path: str, line: int | None, record_id: str | None, issue: Issue) -> dict[str, Any]:
    return {
        "file": path,
        "line": line,
        "record_id": record_id,
        "path": issue.json_path,
        "kind": issue.kind,
        "keyword": issue.keyword,
        "message": issue.message,
        "schema_path": "/".join(str(p) for p in issue.schema_path),
    }


def _input_error_dict(err: InputError) -> dict[str, Any]:
    return {"file": err.path, "line": err.line, "column": err.column, "message": err.reason}


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from diplomatic_visits.validate import Report, Sources, ValidRecords, iter_results

    sources = Sources.from_files(args.source) if args.source else None
    report = Report()
    show = not args.quiet
    progress = err.isatty()
    collected: list[dict[str, Any]] = []
    jobs = args.jobs or _auto_jobs(args.inputs)
    results = iter_results(
        args.inputs, args.schema_version, args.level, sources, args.max_errors, jobs=jobs
    )
    for item in results:
        if isinstance(item, InputError):
            report.input_errors.append(item)
            if show and args.format == "text":
                print(str(item), file=out)
            elif show and args.format == "jsonl":
                print(
                    json.dumps(
                        {"type": "input_error", **_input_error_dict(item)}, ensure_ascii=False
                    ),
                    file=out,
                )
            continue
        before = report.checked
        report.add(item)
        if progress and report.checked // PROGRESS_EVERY > before // PROGRESS_EVERY:
            print(f"\rchecked {report.checked:,} records", end="", file=err, flush=True)
        if isinstance(item, ValidRecords) or item.valid or not show:
            continue
        where = item.path if item.line is None else f"{item.path}:{item.line}"
        for issue in item.issues:
            if args.format == "text":
                print(f"{where}: {issue}", file=out)
            else:
                d = _issue_dict(item.path, item.line, item.record_id, issue)
                if args.format == "jsonl":
                    print(json.dumps({"type": "error", **d}, ensure_ascii=False), file=out)
                else:
                    collected.append(d)
    if progress and report.checked >= PROGRESS_EVERY:
        print(file=err)
    summary = {
        "status": ["ok", "invalid", "unreadable"][report.exit_code],
        "checked": report.checked,
        "valid": report.valid,
        "invalid": report.invalid,
        "unreadable": len(report.input_errors),
        "errors_by_keyword": dict(report.by_keyword.most_common()),
    }
    if args.format == "json":
        summary["errors"] = collected
        summary["input_errors"] = [_input_error_dict(e) for e in report.input_errors]
        print(json.dumps(summary, indent=2, ensure_ascii=False), file=out)
    elif args.format == "jsonl":
        print(json.dumps({"type": "summary", **summary}, ensure_ascii=False), file=out)
    else:
        kinds = ", ".join(f"{k} {n}" for k, n in report.by_keyword.most_common())
        print(
            f"{report.checked} records checked: {report.valid} valid, {report.invalid} invalid"
            + (f", {len(report.input_errors)} unreadable inputs" if report.input_errors else "")
            + (f" (errors by keyword: {kinds})" if kinds else ""),
            file=out,
        )
    return report.exit_code


def _export(args: argparse.Namespace, err: TextIO) -> int:
    from diplomatic_visits.export import RefusedExportError, write_hf, write_jsonl, write_parquet

    args.level = args.level or ("extraction" if args.input else "verified")
    if args.out == "-" and args.format != "jsonl":
        raise UsageError("--out - (stdout) is for jsonl only")
    if args.format == "hf":
        from diplomatic_visits.hf import require_datasets

        require_datasets()  # fail before any work, saying what to install
    try:
        if args.format == "parquet" and args.input:
            return _export_parquet_streaming(args, err)
        records = _export_records(args)
    except RefusedExportError as exc:
        _print_refusal(exc.problems, exc.checked, err)
        return EXIT_USAGE if any(isinstance(p, InputError) for p in exc.problems) else EXIT_INVALID
    if args.format == "jsonl":
        n = write_jsonl(records, args.out, force=args.force)
        if args.out != "-":
            print(f"wrote {n} records to {args.out}", file=err)
        return EXIT_OK
    texts = _texts_for(records, args)
    if args.format == "parquet":
        n = write_parquet(
            records, texts, args.out, args.table, args.schema_version, args.level, args.force
        )
        print(f"wrote {n} rows of table {args.table!r} to {args.out}", file=err)
    else:
        counts = write_hf(
            records, texts, args.out, args.schema_version, args.level, args.split, args.force
        )
        rows = ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"wrote a Hugging Face dataset folder to {args.out} (rows: {rows})", file=err)
    return EXIT_OK


def _export_parquet_streaming(args: argparse.Namespace, err: TextIO) -> int:
    from diplomatic_visits.export import write_parquet_from_inputs
    from diplomatic_visits.validate import Sources

    sources = Sources.from_files(args.source) if args.source else None
    jobs = args.jobs or _auto_jobs(args.input)
    n = write_parquet_from_inputs(
        args.input, args.out, args.table, args.level, sources, jobs, args.force, args.schema_version
    )
    print(f"wrote {n} rows of table {args.table!r} to {args.out}", file=err)
    return EXIT_OK


def _texts_for(records: list[dict[str, Any]], args: argparse.Namespace) -> list[str | None]:
    from diplomatic_visits.records import load_source_text
    from diplomatic_visits.validate import Sources

    if not args.input:
        return [load_source_text(r) for r in records]
    sources = Sources.from_files(args.source) if args.source else None
    return [sources.for_record(r)[0] if sources else None for r in records]


def _export_records(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The records to export: the bundled ones, or --input records that all pass validation
    (else :class:`RefusedExportError`)."""
    from diplomatic_visits.export import RefusedExportError, checked_values
    from diplomatic_visits.records import load_records
    from diplomatic_visits.validate import _Settings, iter_documents

    if not args.input:
        return load_records()
    problems: list[Any] = []
    records: list[dict[str, Any]] = []
    settings = _Settings(args.schema_version, args.level, None, DEFAULT_MAX_ERRORS)
    n = sum(
        checked_values(iter_documents(p), settings, problems, records.append) for p in args.input
    )
    if problems:
        raise RefusedExportError(problems, n)
    return records


def _print_refusal(problems: list[Any], checked: int, err: TextIO) -> None:
    from diplomatic_visits.export import RefusedExportError

    for p in problems:
        if isinstance(p, InputError):
            print(str(p), file=err)
        else:
            for issue in p.issues:
                print(f"{p.path}:{p.line}: {issue}", file=err)
    print(str(RefusedExportError(problems, checked)), file=err)


def _compat(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from diplomatic_visits import compat
    from diplomatic_visits.records import load_records
    from diplomatic_visits.schema import available_versions
    from diplomatic_visits.validate import iter_documents

    new_docs = None
    new_version = args.new
    if args.new not in available_versions():
        folder = Path(args.new)
        new_docs = compat.load_candidate(folder)
        if not new_docs:
            raise UsageError(f"{args.new} is neither a shipped version nor a schema folder")
        new_version = folder.name
    declared = compat.declared_bump(args.old, new_version)
    records = [(r["record_id"], r) for r in load_records() if r["schema_version"] == args.old]
    for path in args.records:
        for doc in iter_documents(path):
            if isinstance(doc, InputError):
                raise doc
            records.append((f"{doc.path}:{doc.line}", doc.value))
    verdict = compat.check(args.old, new_version, new_docs, records, args.generated)
    for change in verdict.changes:
        print(change, file=out)
    for broken in verdict.broken_records:
        print(f"major  record no longer valid: {broken}", file=out)
    ok = compat.ORDER[declared] >= compat.ORDER[verdict.required]
    print(
        f"{args.old} -> {new_version}: the change needs a {verdict.required} release; "
        f"the version number declares {declared}: {'ok' if ok else 'NOT OK'}",
        file=out,
    )
    return EXIT_OK if ok else EXIT_INVALID


def _migrate(args: argparse.Namespace, err: TextIO) -> int:
    from diplomatic_visits.export import write_jsonl
    from diplomatic_visits.migrate import migrate_record
    from diplomatic_visits.schema import available_versions
    from diplomatic_visits.validate import iter_documents, iter_record_issues

    if args.to not in available_versions():
        raise UsageError(
            f"unknown target version {args.to}; shipped: {', '.join(available_versions())}"
        )
    migrated: list[dict[str, Any]] = []
    bad = 0
    for path in args.inputs:
        for doc in iter_documents(path):
            if isinstance(doc, InputError):
                raise doc
            record = migrate_record(doc.value, args.to)
            issues = list(iter_record_issues(record, args.to))
            for issue in issues:
                print(f"{doc.path}:{doc.line}: after migration: {issue}", file=err)
            bad += bool(issues)
            migrated.append(record)
    if bad:
        print(f"refusing to write: {bad} migrated records are invalid under {args.to}", file=err)
        return EXIT_INVALID
    n = write_jsonl(migrated, args.out, force=args.force)
    print(f"migrated {n} records to schema {args.to}", file=err)
    return EXIT_OK


def _score(args: argparse.Namespace, out: TextIO) -> int:
    from diplomatic_visits.records import load_records
    from diplomatic_visits.score import render_text, score_files

    gold = None if args.gold is None else args.gold
    result = score_files(args.pred, gold if gold is not None else load_records(), args.stated_only)
    if args.format == "json":
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False), file=out)
    else:
        print(render_text(result), file=out)
    return EXIT_INVALID if result.invalid else EXIT_OK
