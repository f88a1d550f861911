"""``diplomatic-visits migrate``: upgrade records to a newer schema version."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, plural
from diplomatic_visits.errors import InputError
from diplomatic_visits.report import no_records


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
    from diplomatic_visits.export import write_jsonl
    from diplomatic_visits.inputs import read_inputs
    from diplomatic_visits.migrate import migrate_record
    from diplomatic_visits.parse import Document
    from diplomatic_visits.schema import available_versions
    from diplomatic_visits.validate import check_document

    err = sys.stderr
    options.require_inputs(args, "records to upgrade")
    if args.to not in available_versions():
        raise UsageError(
            f"unknown target version {args.to}; shipped: {', '.join(available_versions())}"
        )
    sources = options.sources(args)
    migrated: list[dict[str, Any]] = []
    bad = unreadable = 0
    for doc in read_inputs(args.inputs):
        if isinstance(doc, InputError):
            print(str(doc), file=err)
            unreadable += 1
            continue
        record = migrate_record(doc.value, args.to)
        result = check_document(Document(doc.path, doc.line, record), args.to, sources=sources)
        for issue in result.issues:
            print(f"{doc.path}:{doc.line}: after migration: {issue}", file=err)
        bad += not result.valid
        migrated.append(record)
    if unreadable or bad:
        what = f"{unreadable} inputs unreadable" if unreadable else ""
        what += (", " if what and bad else "") + (f"{bad} migrated records invalid" if bad else "")
        print(f"refusing to write: {what} under {args.to}", file=err)
        return EXIT_USAGE if unreadable else EXIT_INVALID
    if not migrated:
        print(str(no_records(args.inputs)), file=err)
        return EXIT_USAGE
    n = write_jsonl(migrated, args.out, force=args.force)
    print(f"migrated {plural(n, 'record')} to schema {args.to}", file=err)
    return EXIT_OK
