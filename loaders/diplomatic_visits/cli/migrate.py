"""``diplomatic-visits migrate``: upgrade records to a newer schema version."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, plural
from diplomatic_visits.errors import InputError
from diplomatic_visits.report import nothing_read


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Upgrade records (JSON or JSON Lines) to a newer schema version through the "
        "registered migrations, validate them under it, and write JSON Lines."
    )
    options.inputs(p, "records to upgrade")
    p.add_argument("--to", required=True, metavar="V", help="target schema version")
    options.out(p, "output JSON Lines (- for stdout)")
    options.source(p)
    options.force(p, "replace an existing output")


def run(args: argparse.Namespace) -> int:
    from functools import partial

    from diplomatic_visits.chunkwork import Settings
    from diplomatic_visits.export import write_jsonl
    from diplomatic_visits.migrate import migrate_record
    from diplomatic_visits.reader import read_records
    from diplomatic_visits.reporters import TextReporter
    from diplomatic_visits.schema import available_versions

    err = sys.stderr
    options.require_inputs(args, "records to upgrade")
    if args.to not in available_versions():
        raise UsageError(
            f"unknown target version {args.to}; shipped: {', '.join(available_versions())}"
        )
    upgrade = partial(migrate_record, target=args.to)  # each record, before it is checked
    settings = Settings(args.to, sources=options.sources(args), prepare=upgrade)
    to = TextReporter(err, err, note="after migration")
    migrated: list[dict[str, Any]] = []
    bad = unreadable = 0
    for result in read_records(args.inputs, settings):
        to.problem(result)
        if isinstance(result, InputError):
            unreadable += 1
            continue
        bad += not result.valid
        migrated.append(result.value)
    if unreadable or bad:
        what = f"{unreadable} inputs unreadable" if unreadable else ""
        what += (", " if what and bad else "") + (f"{bad} migrated records invalid" if bad else "")
        print(f"refusing to write: {what} under {args.to}", file=err)
        return EXIT_USAGE if unreadable else EXIT_INVALID
    empty = nothing_read(args.inputs, len(migrated), unreadable)
    if empty is not None:
        print(str(empty), file=err)
        return EXIT_USAGE
    n = write_jsonl(migrated, args.out, force=args.force)
    print(f"migrated {plural(n, 'record')} to schema {args.to}", file=err)
    return EXIT_OK
