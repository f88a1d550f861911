"""``diplomatic-visits validate``: check records against their schema and its rules, and
report every problem as the results come."""

from __future__ import annotations

import argparse
import contextlib
import sys

from diplomatic_visits.cli import options


def add_arguments(p: argparse.ArgumentParser) -> None:
    from diplomatic_visits.reporters import choices
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
    options.level(p, "conformance level (default: %(default)s)")
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
        choices=choices("records"),
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
    from diplomatic_visits.chunkwork import Settings
    from diplomatic_visits.reader import read_results
    from diplomatic_visits.report import Report
    from diplomatic_visits.reporters import report_results, reporter

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
        s = Settings(args.schema_version, args.level, sources, args.max_errors)
        results = read_results(args.inputs, s, jobs)
    progress = err if err.isatty() else None
    with stack, reporter(args.format, out, err, args.quiet) as to:
        report_results(results, report, to, progress)
        empty = report.close(args.inputs, args.allow_empty)
        if empty is not None:
            to.input_error(empty)
        to.summary(report)
    return report.exit_code
