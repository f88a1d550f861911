"""``diplomatic-visits export``: the bundled records, or yours (checked first), as JSON Lines,
Parquet or a Hugging Face dataset folder; on one machine or a Ray cluster."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, plural


def add_arguments(p: argparse.ArgumentParser) -> None:
    from diplomatic_visits.export import FORMATS

    p.description = (
        "Export the bundled gold records (the real article's, or the challenge set's: "
        "--bundled), or your own (INPUT: validated first, with --source texts, and refused "
        "if any is invalid). Types come from the JSON Schema, never from the data."
    )
    p.epilog = (
        "formats:\n"
        "  jsonl    one record per line (--out - for stdout)\n"
        "  parquet  one table per file (--table); typed nested columns; the articles table\n"
        "           carries each article's text beside its record. Compressed with zstd\n"
        "           (level 3): files about a quarter smaller than pyarrow's default (snappy)\n"
        "           for a few per cent more time; the same input always gives the same bytes.\n"
        "           Its articles table of INPUT without --source is read by pyarrow's JSON\n"
        "           reader once validated, and --jobs N runs N threads of this process\n"
        "           (the reader releases the GIL), not N processes\n"
        "  hf       a folder for datasets.load_dataset(FOLDER, CONFIG): data/ + README.md card\n"
        "           + croissant.json\n"
        "tables / configs: articles (default), visits, statements, actors, places;\n"
        "  training pairs (need the article texts): messages (system, user = article,\n"
        "  assistant = the record projected on the llm profile) and prompt_completion\n"
        "  (TRL's standard format: prompt and completion, two strings)\n\n"
        "bundled sets (--bundled; without INPUT):\n"
        "  article    the real article's record (the default of jsonl and parquet)\n"
        "  challenge  64 short texts written for the project, with their records, each\n"
        "             tagged with the constructs it holds (annotation.constructs)\n"
        "  hf writes both sets by default, each table of the challenge set as its own config\n"
        "  beside the article's: challenge (whole records, as articles), challenge_visits,\n"
        "  ..., challenge_messages, challenge_prompt_completion; the same features, from one\n"
        "  schema version (--schema-version, default the latest):\n"
        "  diplomatic-visits export hf --out dv-hf\n"
        "  python -c \"import datasets; print(datasets.load_dataset('dv-hf', 'challenge'))\"\n"
        "  diplomatic-visits export parquet --bundled challenge --table messages \\\n"
        "      --out challenge-messages.parquet\n\n"
        "on a Ray cluster (parquet only): --out is a folder, one Parquet file per unit of\n"
        "work, in input order; with --issues, the valid records are written and every issue\n"
        "goes to that Parquet file instead of refusing the export:\n"
        "  diplomatic-visits export parquet /shared/outputs/ --engine ray --ray-address auto \\\n"
        "      --out /shared/valid --issues /shared/issues.parquet"
    )
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("format", choices=FORMATS, help="output format")
    options.inputs(p, "your records (default: the bundled gold records)", old="--input")
    options.out(p, "output file or folder (- for stdout, jsonl only)", metavar="PATH")
    options.source(p)
    options.level(
        p,
        "level the records must meet and the types follow (default: verified for the "
        "bundled records, extraction for INPUT)",
        default=None,
    )
    from diplomatic_visits.arrow import TABLES  # no pyarrow: the mapper imports it when used

    p.add_argument(
        "--table",
        default="articles",
        choices=TABLES,
        help="parquet: which table (default: %(default)s)",
    )
    options.bundled(
        p,
        "without INPUT: which bundled set to export, article (the real article's record) or "
        "challenge (the challenge set's 64) (default: article; hf: every set, each as its own "
        "configs)",
    )
    p.add_argument(
        "--split", default="test", help="hf: the split name of every config (default: %(default)s)"
    )
    options.schema_version(
        p,
        "schema version the column types come from, and INPUT records without a shipped "
        "schema_version are checked against (default: latest). An export whose types would "
        "drop part of a record (one of a newer version) is refused, exit 2, nothing written",
    )
    options.jobs(p)
    options.engine(p)
    p.add_argument(
        "--issues",
        metavar="FILE",
        default=None,
        help="--engine ray: write the valid records to --out and every issue and unreadable "
        "line to this Parquet file (exit 1 if some record is invalid, 2 if something is "
        "unreadable), instead of refusing the whole export",
    )
    options.allow_empty(p)
    options.force(p, "replace an existing output")


def run(args: argparse.Namespace) -> int:
    from diplomatic_visits.export import RefusedExportError

    err = sys.stderr
    args.level = args.level or ("extraction" if args.inputs else "verified")
    if args.out == "-" and args.format != "jsonl":
        raise UsageError("--out - (stdout) is for jsonl only")
    if args.source and not args.inputs:
        raise UsageError("--source is for your own records (INPUT); the bundled ones carry theirs")
    if args.bundled and args.inputs:
        raise UsageError("--bundled picks a bundled set to export instead of INPUT: give one")
    if args.format == "hf":
        from diplomatic_visits.hf import require_datasets

        require_datasets()  # fail before any work, saying what to install
    if args.engine == "ray":
        return _export_ray(args, err)
    if args.issues is not None:
        raise UsageError("--issues is for --engine ray")
    if not args.inputs:
        return _export_bundled(args, err)
    from diplomatic_visits.export import export_inputs

    jobs = args.jobs or options.auto_jobs(args.inputs)
    try:
        counts = export_inputs(
            args.inputs, args.format, args.out, args.table, args.level, options.sources(args),
            jobs, args.force, args.schema_version, args.split, args.allow_empty,
        )  # fmt: skip
    except RefusedExportError as exc:
        _print_refusal(exc, err)
        return EXIT_USAGE if exc.unreadable else EXIT_INVALID
    _say_written(args, counts, err)
    return EXIT_OK


def _export_ray(args: argparse.Namespace, err: TextIO) -> int:
    from diplomatic_visits import ray_data
    from diplomatic_visits.export import RefusedExportError
    from diplomatic_visits.validate import DEFAULT_MAX_ERRORS

    if args.format != "parquet":
        raise UsageError("--engine ray exports parquet only (a folder of Parquet files)")
    options.require_inputs(args, "records to export")
    if args.out == "-":
        raise UsageError("--engine ray writes a folder: give --out FOLDER")
    try:
        totals = ray_data.run(
            args.inputs, args.out, args.issues, args.table, args.schema_version, args.level,
            options.sources(args), DEFAULT_MAX_ERRORS, args.jobs, args.ray_address, args.force,
            args.allow_empty, refuse=args.issues is None,
        )  # fmt: skip
    except RefusedExportError as exc:
        _print_refusal(exc, err)
        return EXIT_USAGE if exc.unreadable else EXIT_INVALID
    print(
        f"{plural(totals.checked, 'record')} checked: {totals.valid} valid, "
        f"{totals.invalid} invalid"
        + (f", {totals.unreadable} unreadable" if totals.unreadable else "")
        + f"; wrote {plural(totals.written, 'row')} of table {args.table!r} to {args.out}/"
        + (f", the issues to {args.issues}" if args.issues else ""),
        file=err,
    )
    return totals.exit_code


def _export_bundled(args: argparse.Namespace, err: TextIO) -> int:
    from diplomatic_visits._paths import BUNDLED_SETS, DEFAULT_SET
    from diplomatic_visits.arrow import TABLES
    from diplomatic_visits.export import (
        LossyExportError,
        lossy,
        write_hf_sets,
        write_jsonl,
        write_parquet,
    )
    from diplomatic_visits.records import load_records_with_texts
    from diplomatic_visits.schema import checked_version

    if args.bundled:
        names = [args.bundled]
    else:
        names = list(BUNDLED_SETS) if args.format == "hf" else [DEFAULT_SET]
    sets = {name: load_records_with_texts(name) for name in names}
    every = [r for records, _ in sets.values() for r in records]
    if args.format != "jsonl":  # typed columns: one schema version for every record
        version = checked_version(args.schema_version, args.level)
        tables = (args.table,) if args.format == "parquet" else TABLES
        lost = lossy(every, version, args.level, tables)
        if lost:
            raise LossyExportError.of(lost, version)
    if args.format == "jsonl":
        counts = {"records": write_jsonl(every, args.out, force=args.force)}
    elif args.format == "parquet":
        ((records, texts),) = sets.values()
        n = write_parquet(
            records, texts, args.out, args.table, args.schema_version, args.level, args.force
        )
        counts = {args.table: n}
    else:
        counts = write_hf_sets(
            sets, args.out, args.schema_version, args.level, args.split, args.force
        )
    _say_written(args, counts, err)
    return EXIT_OK


def _say_written(args: argparse.Namespace, counts: dict[str, int], err: TextIO) -> None:
    if args.out == "-":
        return
    if args.format == "jsonl":
        print(f"wrote {plural(counts['records'], 'record')} to {args.out}", file=err)
    elif args.format == "parquet":
        rows = plural(counts[args.table], "row")
        print(f"wrote {rows} of table {args.table!r} to {args.out}", file=err)
    else:
        rows = ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"wrote a Hugging Face dataset folder to {args.out} (rows: {rows})", file=err)


def _print_refusal(exc: Any, err: TextIO) -> None:
    from diplomatic_visits.reporters import TextReporter

    to = TextReporter(err, err)
    for p in exc.problems:
        to.problem(p)
    shown = len(exc.problems)
    if shown < exc.invalid + exc.unreadable:
        print(f"(the first {shown} problems are shown)", file=err)
    print(str(exc), file=err)
