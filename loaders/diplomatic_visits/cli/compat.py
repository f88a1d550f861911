"""``diplomatic-visits compat``: classify a schema change and check the version bump."""

from __future__ import annotations

import argparse
import sys

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_INVALID, EXIT_OK, UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
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
    from diplomatic_visits.schema import available_versions

    out = sys.stdout
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
            print("note: no records generated (hypothesis-jsonschema is not installed)", file=out)
    verdict = compat.check(args.old, new_version, new_docs, records, generated)
    for change in verdict.changes:
        print(change, file=out)
    for broken in verdict.broken_records:
        print(f"major  record no longer valid: {broken}", file=out)
    for name in verdict.already_invalid:
        print(f"note: not counted, already invalid under {args.old}: {name}", file=out)
    ok = compat.ORDER[declared] >= compat.ORDER[verdict.required]
    print(
        f"{args.old} -> {new_version}: the change needs a {verdict.required} release; "
        f"the version number declares {declared}: {'ok' if ok else 'NOT OK'}",
        file=out,
    )
    return EXIT_OK if ok else EXIT_INVALID
