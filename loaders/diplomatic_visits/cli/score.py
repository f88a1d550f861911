"""``diplomatic-visits score``: score extraction outputs against the gold records."""

from __future__ import annotations

import argparse
import sys

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_INVALID, EXIT_OK, UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    from diplomatic_visits.reporters import choices
    from diplomatic_visits.score import BY

    p.description = (
        "Align the predicted objects the schema declares with an id (actors, places,\n"
        "visits, sub-events, outcomes, statements...) to the gold ones (optimal one-to-one\n"
        "matching; nested ones within their matched parents) and report precision, recall\n"
        "and F1 per field path, per object type and per construct group, micro and macro;\n"
        "the grounding (overlap of the evidence offsets, evidence quotes found on both\n"
        "sides, the prediction's quotes found in the article text); per article, with\n"
        "bootstrap intervals over articles when there are two or more; and what was missed\n"
        "and invented; with gold records tagged with the constructs they test (the bundled\n"
        "challenge set: --bundled challenge), per construct (--by construct). What is\n"
        "compared comes from the schema of the records' version and\n"
        "schema/scoring/<version>.json. Predictions are validated first (level extraction,\n"
        "with --source texts when given). The rules:\n"
        "  python -c 'import diplomatic_visits.score as s; help(s)'\n"
        "the JSON report's shape (report_version 1): docs/score-report.md"
    )
    p.epilog = (
        "examples:\n"
        "  diplomatic-visits score outputs.jsonl        # against the bundled gold\n"
        "  diplomatic-visits score run1/ --gold gold/ --source texts/ --format json\n"
        "  diplomatic-visits score challenge_outputs.jsonl --bundled challenge --by construct\n"
        "\n"
        "the challenge set: short texts we invented (dataset/challenge/source/cNNN.txt), each\n"
        "tagged with the constructs it holds (postponed, denied, tour, date_yearless...).\n"
        "Run your model on each text, keep the text's id as article.id (c012), and score with\n"
        "--bundled challenge --by construct: a construct's P/R/F1 counts the fields of the\n"
        "construct groups that measure it (the schema's declaration, shown in the table's\n"
        "last column) over the gold records tagged with it only; `all F1` is every field over\n"
        "the same records.\n"
        "\n"
        "exit codes: 0 scored, 1 some prediction invalid or a second prediction for an\n"
        "article, 2 usage error or unreadable input (also --by construct against gold\n"
        "records without construct tags)"
    )
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    options.inputs(p, "predicted records", old="--pred")
    options.gold(p, "Default: the bundled ones (--bundled).")
    options.bundled(
        p,
        "the bundled gold records to score against, without --gold: article (the real "
        "article's, the default) or challenge (the challenge set's, each tagged with the "
        "constructs its text holds; the grounding reads their texts from the bundle too)",
    )
    p.add_argument(
        "--by",
        choices=BY,
        default=None,
        help="construct: report P/R/F1 per construct the gold records are tagged with "
        "(in the schema's order, each over the records tagged with it, with their number), "
        "instead of the full tables; the JSON report holds the same under `constructs` "
        "(always there when the gold records are tagged). Gold records without any tag are "
        "a usage error (exit 2)",
    )
    options.source(p)
    p.add_argument(
        "--format",
        choices=choices("score"),
        default="text",
        help="text: tables for reading; json: every number, for programs (its shape: "
        "docs/score-report.md) (default: %(default)s)",
    )
    p.add_argument(
        "--stated-only",
        action="store_true",
        help="score only what the text states: gold values whose basis says they were inferred "
        "or taken from world knowledge (an inferred year, a country of a city) are left out on "
        "both sides",
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help="score invalid predictions too, as far as they are well formed (objects with "
        "problems are left out of them); by default an invalid prediction is not scored, and "
        "neither is the gold record of its article",
    )


def run(args: argparse.Namespace) -> int:
    from diplomatic_visits.records import load_records
    from diplomatic_visits.reporters import reporter
    from diplomatic_visits.score import NoConstructTagsError, score_files

    options.require_inputs(args, "predicted records")
    if args.gold is not None and args.bundled is not None:
        raise UsageError("--bundled names bundled gold records, --gold your own: give one")
    gold = args.gold if args.gold is not None else load_records(bundled=args.bundled or "article")
    result = score_files(args.inputs, gold, args.stated_only, options.sources(args), args.partial)
    if args.by == "construct" and not result.tagged:
        raise NoConstructTagsError(result)
    reporter(args.format, sys.stdout).score(result, by=args.by)
    return EXIT_INVALID if result.invalid or result.duplicates or result.partial else EXIT_OK
