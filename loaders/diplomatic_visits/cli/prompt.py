"""``diplomatic-visits prompt``: the prompt that asks a model for the record of one article."""

from __future__ import annotations

import argparse
import json
import sys

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_OK, UsageError
from diplomatic_visits.errors import InputError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Print the prompt for one article: the codebook's instructions, a field "
        "guide generated from the llm profile, and the article. Give the profile "
        "(`schema --profile llm`) to the engine as its structured-output schema, then turn "
        "the answer into a record with diplomatic_visits.profile.lift."
    )
    p.epilog = (
        "examples:\n"
        "  diplomatic-visits prompt article.txt --format messages > request.json\n"
        "  diplomatic-visits prompt article.txt --format text | llm -s ...\n"
    )
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("article", metavar="ARTICLE.txt", help="the article's text (UTF-8), or -")
    p.add_argument(
        "--format",
        choices=("messages", "text"),
        default="messages",
        help="messages: a JSON list of chat messages (system, user); text: one string "
        "(default: %(default)s)",
    )
    options.schema_version(p, "schema version whose profile the prompt describes (default: latest)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from diplomatic_visits.inputs import looks_like_records
    from diplomatic_visits.parse import decode
    from diplomatic_visits.prompt import messages, prompt_text

    out = sys.stdout
    if args.article == "-":
        text = decode(sys.stdin.buffer.read(), "<stdin>", None)
    else:
        path = Path(args.article)
        if path.is_dir():
            raise UsageError(
                f"{args.article} is a folder: prompt takes one article text (a prompt is for one "
                f"article); for every article of a folder, run `diplomatic-visits extract "
                f"{args.article} --model ... --out ...`, or prompt once per file"
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(args.article, f"cannot read: {exc.strerror or exc}") from None
        text = decode(data, args.article, None)
    if looks_like_records(text):
        raise UsageError(
            f"{args.article} looks like a record (JSON), not an article text: give the "
            "article's text file (a bundled record's is dataset/source/ARTICLE_ID.txt)"
        )
    if args.format == "text":
        out.write(prompt_text(text, args.schema_version))
    else:
        print(
            json.dumps(messages(text, args.schema_version), indent=2, ensure_ascii=False), file=out
        )
    return EXIT_OK
