"""``diplomatic-visits compat``: classify a schema change and check the version bump."""

from __future__ import annotations

import argparse
import sys

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_INVALID, EXIT_OK, UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    from diplomatic_visits.reporters import choices

    p.description = (
        "Compare a schema version with an older one: structurally (rule "
        "annotations included), on the shipped records and examples (and INPUT records), and "
        "on records generated from the old version. Exits 1 when the new version number "
        "declares a smaller bump than the change needs."
    )
    p.epilog = (
        "NEW is a shipped version or a candidate folder named after its version, holding "
        "record.schema.json and record.verified.schema.json (for example schema/1.2.0)."
    )
    p.add_argument("old", metavar="OLD", help="the shipped version to compare against")
    p.add_argument("new", metavar="NEW", help="a shipped version, or a candidate version folder")
    options.inputs(p, "more records of the old version that must stay valid", old="--records")
    p.add_argument(
        "--format",
        choices=choices("compat"),
        default="text",
        help="text: one change a line, then the verdict; json: one document (old, new, "
        "required, declared, ok, changes, broken_records, already_invalid, notes), for a "
        "release gate in CI (default: %(default)s)",
    )
    p.add_argument(
        "--generated",
        type=int,
        default=None,
        metavar="N",
        help="records to generate from the old version (default: 20 where hypothesis-jsonschema "
        "is installed, the dev extra; 0: none)",
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from diplomatic_visits import compat
    from diplomatic_visits.reader import raise_unreadable, read_documents
    from diplomatic_visits.reporters import reporter
    from diplomatic_visits.schema import available_versions

    notes: list[str] = []
    new_docs = None
    new_version = args.new
    if args.new not in available_versions():
        folder = Path(args.new)
        new_docs = compat.load_candidate(folder)
        if not new_docs:
            raise UsageError(f"{args.new} is neither a shipped version nor a schema folder")
        new_version = folder.name
    declared = compat.declared_bump(args.old, new_version)
    records = compat.shipped_records(args.old)
    for doc in raise_unreadable(read_documents(args.inputs)):
        records.append((f"{doc.path}:{doc.line}", doc.value))
    generated = args.generated
    if generated is None:
        generated = 20 if compat.can_generate() else 0
        if not generated:
            notes.append("no records generated (hypothesis-jsonschema is not installed)")
    verdict = compat.check(args.old, new_version, new_docs, records, generated)
    reporter(args.format, sys.stdout).compat(verdict, args.old, new_version, declared, notes)
    return EXIT_OK if verdict.covered_by(declared) else EXIT_INVALID
