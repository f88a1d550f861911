"""``diplomatic-visits schema``: print a shipped JSON Schema, bundled, portable or profiled."""

from __future__ import annotations

import argparse
import json
import sys

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_OK, UsageError
from diplomatic_visits.schema import LEVELS


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.description = "Print a shipped JSON Schema to stdout."
    p.add_argument(
        "--list", action="store_true", help="list the shipped versions and levels instead"
    )
    options.schema_version(p, "schema version (default: latest)")
    p.add_argument(
        "--version",
        dest="schema_version",
        action=options.Deprecated,
        use="say --schema-version",
        help=argparse.SUPPRESS,
    )
    options.level(
        p,
        "extraction: for extraction outputs, quotes without offsets allowed; "
        "verified: what the gold records meet (default: %(default)s)",
    )
    p.add_argument(
        "--bundled",
        action="store_true",
        help="one self-contained schema (references inlined, the verified profile merged), with "
        "the version's x-dv rule annotations, for tools that need a single document",
    )
    p.add_argument(
        "--portable",
        action="store_true",
        help="--bundled without the x-dv rule annotations, for validators that refuse a keyword "
        "they do not know (Ajv's default: 'unknown keyword: \"x-dv\"'); such a validator then "
        "checks the structure only: the semantic rules run in `diplomatic-visits validate`",
    )
    p.add_argument(
        "--profile",
        choices=("llm",),
        default=None,
        help="llm: the schema a language model fills (quotes without offsets, every key "
        "required, only keywords structured-output engines accept), derived from level "
        "extraction; lift its answers with diplomatic_visits.profile.lift",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="with --profile: list the steps and everything they drop (what the validator "
        "re-checks after generation) instead of printing the schema",
    )


def run(args: argparse.Namespace) -> int:
    from diplomatic_visits.schema import available_versions, bundle_schema, load_schema, schema_path

    out = sys.stdout
    if args.list:
        for version in available_versions():
            for level in LEVELS:
                print(f"{version}  {level:<10}  {schema_path(version, level)}", file=out)
        return EXIT_OK
    if args.profile:
        from diplomatic_visits.profile import bundle_schema as profile_bundle
        from diplomatic_visits.profile import explain

        if args.level != "extraction":
            raise UsageError("--profile derives from --level extraction")
        if args.explain:
            print(explain(args.schema_version, args.profile), file=out)
        else:
            doc = profile_bundle(args.schema_version, "extraction", profile=args.profile)
            print(json.dumps(doc, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    if args.explain:
        raise UsageError("--explain needs --profile")
    if args.portable:
        doc = bundle_schema(args.schema_version, args.level, portable=True)
    else:
        doc = (bundle_schema if args.bundled else load_schema)(args.schema_version, args.level)
    print(json.dumps(doc, indent=2, ensure_ascii=False), file=out)
    return EXIT_OK
