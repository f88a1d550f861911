"""``diplomatic-visits view``: one self-contained HTML page of a record over its article, or
of a prediction against the gold."""

from __future__ import annotations

import argparse
import sys

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_OK, UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Draw a record's evidence spans over its article in one HTML file (no\n"
        "network, no external scripts or fonts): every span coloured by the kind of field it\n"
        "supports (visit, date, place, actor, statement, outcome), overlaps as stacked\n"
        "stripes; hovering or clicking a span shows its JSON path and the value it supports. A\n"
        "side panel lists the record's objects, each linked to its spans, the values that are\n"
        "inferred or world knowledge (with what they rest on), and what was left out and why;\n"
        "the record's validation issues are listed at the top, linked to their place. With\n"
        "--gold, the record is a prediction, drawn against the gold record of its article with\n"
        "the scorer's alignment: matched, missed (gold only) and invented (prediction only),\n"
        "quotes that are not in the text, and the per-field scores. Quotes without offsets are\n"
        "located as validate locates them (the first occurrence)."
    )
    p.epilog = (
        "exit codes: 0 page written (also for a record with issues: they are on the\n"
        "page), 2 usage error, unreadable input, or no article text for the record\n\n"
        "the article text: --source, else the bundled article of the record's sha256 or\n"
        "article id (so the gold record needs none)"
    )
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    options.inputs(p, "the record to draw (with --gold: the prediction)", old="--pred")
    options.gold(p, "INPUT is drawn as a prediction against the one of its article.")
    options.out(p, "the HTML page to write")
    options.source(p)
    options.level(p, "the level the issues listed are checked at (default: %(default)s)")
    p.add_argument(
        "--record",
        metavar="ID",
        default=None,
        help="the record_id to draw when INPUT holds several records",
    )
    p.add_argument(
        "--stated-only",
        action="store_true",
        help="with --gold: align and score as score --stated-only does",
    )
    p.add_argument(
        "--screenshot",
        metavar="PNG",
        default=None,
        help="also save a PNG of the page as headless Chromium renders it (needs chromium)",
    )
    options.force(p)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from diplomatic_visits.view import build_page, write_page

    err = sys.stderr
    options.require_inputs(args, "record to draw")
    if args.stated_only and args.gold is None:
        raise UsageError("--stated-only is for a prediction drawn against --gold")
    out = Path(args.out)
    shot = Path(args.screenshot) if args.screenshot else None
    for target in (out, shot):
        if target is not None and target.is_dir():
            raise UsageError(f"{target} is a folder: give the file to write")
        if target is not None and target.exists() and not args.force:
            raise UsageError(f"{target} exists; pass --force to replace it")
    page = build_page(
        args.inputs, args.gold, options.sources(args), args.level, args.record, args.stated_only
    )
    write_page(page.html, out, args.force)
    print(
        f"wrote {out}: {page.spans} evidence spans, {page.issues} validation issues, "
        f"{page.missing} quotes not in the text",
        file=err,
    )
    if shot is not None:
        from diplomatic_visits import _browser
        from diplomatic_visits.output import atomic_file

        png = _browser.screenshot(out)
        with atomic_file(shot, args.force) as f:
            f.write(png)
        print(f"wrote {shot}: a screenshot of the page", file=err)
    return EXIT_OK
