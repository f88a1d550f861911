"""The ``diplomatic-visits`` command: ``main(argv) -> exit code``.

Exit codes: 0 success (all records valid), 1 some record invalid, 2 usage error or unreadable
input. Problems are collected first, then rendered as text or JSON.

Every subcommand that reads records takes them the same way (positional ``INPUT`` arguments:
files, folders or ``-``), reads them through :mod:`diplomatic_visits.inputs`, and spells the
schema version ``--schema-version`` and the article texts ``--source``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from diplomatic_visits import _version
from diplomatic_visits.errors import DiplomaticVisitsError, InputError
from diplomatic_visits.report import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, no_records
from diplomatic_visits.schema import LEVELS, Issue

EXIT_USAGE = EXIT_UNREADABLE
EXIT_INTERRUPTED = 130  # what a shell reports for a command ended by Ctrl-C (128 + SIGINT)
AUTO_JOBS_BYTES = 32 * 2**20
PROGRESS_EVERY = 10_000
REMOVED_IN = "0.3.0"  # the release that drops the deprecated spellings

_EPILOG = """\
examples:
  diplomatic-visits info
  diplomatic-visits schema --level verified > record.verified.schema.json
  diplomatic-visits validate outputs.jsonl --source article.txt
  cat outputs.jsonl | diplomatic-visits validate - --format json
  diplomatic-visits score my_outputs.jsonl --format json
  diplomatic-visits export jsonl --out records.jsonl
  diplomatic-visits export parquet my_outputs.jsonl --source texts/ --out my_outputs.parquet
  diplomatic-visits export hf --out hf_dataset   # then datasets.load_dataset("hf_dataset")
  diplomatic-visits compat 1.1.0 2.0.0
  diplomatic-visits migrate old_records.jsonl --to 2.0.0 --out new_records.jsonl
  diplomatic-visits view dataset/records/000_b730d245b05eac44.json --out gold.html
  diplomatic-visits view my_output.json --gold dataset/records --source article.txt --out diff.html

exit codes: 0 all valid, 1 some record invalid, 2 usage error or unreadable input
"""

_INPUT_HELP = "a .json file (one record or an array), a .jsonl/.ndjson file, a folder, or - (stdin)"


class UsageError(DiplomaticVisitsError):
    """Arguments that argparse accepts but that do not fit together."""


class _Parser(argparse.ArgumentParser):
    """A command's parser: options may come between INPUT arguments (``validate a.json
    --source t.txt b.json``), since an option takes one value each time it is given."""

    _intermixing = False

    def error(self, message: str) -> Any:  # argparse's own exit code for usage errors is 2 too
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        # a subcommand's parser (no subcommands of its own) reads its arguments intermixed:
        # argparse's plain parse stops taking INPUTs at the first option
        if self._subparsers is not None or self._intermixing:
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return super().parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


class _Deprecated(argparse.Action):
    """An old spelling, still accepted for one release, with a warning that says the new one."""

    def __init__(self, option_strings: Sequence[str], dest: str, use: str = "", **kw: Any) -> None:
        self.use = use
        super().__init__(option_strings, dest, **kw)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        print(
            f"diplomatic-visits: warning: {option_string} is deprecated and goes in "
            f"{REMOVED_IN}: {self.use}",
            file=sys.stderr,
        )
        held = getattr(namespace, self.dest)
        if isinstance(held, list):  # a list of inputs: add to it
            more = values if isinstance(values, list) else [values]
            setattr(namespace, self.dest, [*held, *more])
        else:
            setattr(namespace, self.dest, values)


def _schema_version(p: argparse.ArgumentParser, help: str) -> None:
    p.add_argument("--schema-version", metavar="V", default=None, help=help)


def _inputs(p: argparse.ArgumentParser, what: str, old: str | None = None) -> None:
    # with an old spelling still accepted, INPUT may be left out (and is checked afterwards)
    many = "*" if old is not None else "+"
    p.add_argument("inputs", nargs=many, metavar="INPUT", help=f"{what}: {_INPUT_HELP}")
    if old is not None:
        p.add_argument(
            old,
            dest="old_inputs",
            nargs="+" if old != "--input" else None,
            action=_Deprecated,
            default=[],
            metavar="FILE",
            use="give the records as INPUT arguments",
            help=argparse.SUPPRESS,
        )


def _gold(p: argparse.ArgumentParser, what: str) -> None:
    """``--gold``, one path each time it is given, as ``score``, ``view`` and ``extract``
    take it; ``what``: what the command does with the gold records."""
    p.add_argument(
        "--gold",
        action="append",
        metavar="PATH",
        help="gold records: a file, or a folder of them; one path each time: --gold A --gold B. "
        + what,
    )


def _source(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="FILE",
        help="an article text the records' spans index, or a folder of them (its .txt files); "
        "one path each time: --source A.txt --source B.txt. Every quote and verbatim "
        "field is looked up in it and every offset checked. A record takes the text whose "
        "sha256 its article.text_file names, else the one named after its article.id "
        "(ARTICLE_ID.txt), else the one named as its text_file.path, else the only one; a "
        "record no text matches is invalid (source-match)",
    )


def _jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="worker processes for JSON Lines input (default: all cores when the inputs hold "
        f"more than {AUTO_JOBS_BYTES // 2**20} MiB, else 1)",
    )


def _engine(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: this machine's cores (--jobs); ray: a Ray cluster, with Ray Data (pip "
        "install 'diplomatic-visits[ray]', on every node too), the same results: INPUT files "
        "must be on storage every node sees, and --jobs is the number of Ray workers (default: "
        "every CPU of the cluster). Default: %(default)s",
    )
    p.add_argument(
        "--ray-address",
        metavar="ADDRESS",
        default=None,
        help="--engine ray: the cluster to run on (auto: the one this machine belongs to; "
        "ray://HOST:10001: a remote one; default: $RAY_ADDRESS, else a local Ray started for "
        "the run)",
    )


def _allow_empty(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-empty",
        action="store_true",
        help="inputs with no record at all are a success (by default they exit 2: an empty "
        "file is usually a job upstream that failed)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    from diplomatic_visits.validate import DEFAULT_MAX_ERRORS

    p = _Parser(
        prog="diplomatic-visits",
        description="Structured records of news articles about diplomatic visits: the versioned "
        "JSON Schema, the gold records, validation of your own extraction outputs, and "
        "exports for ML.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--version", action="version", version=f"diplomatic-visits {_version.__version__}"
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sub.add_parser(
        "info",
        help="print package, schema and dataset versions, record counts, engines and checksums",
        description="Print what this install holds: the package version, the shipped schema "
        "versions and levels, the dataset version, the rules engine and the compiled "
        "accelerator in use, the gold records' counts, and the checksum of every shipped file "
        "(verified as they are read). Paste it into a bug report.",
    )

    s = sub.add_parser(
        "schema",
        help="print a JSON Schema (default: the latest, level extraction)",
        description="Print a shipped JSON Schema to stdout.",
    )
    s.add_argument(
        "--list", action="store_true", help="list the shipped versions and levels instead"
    )
    _schema_version(s, "schema version (default: latest)")
    s.add_argument(
        "--version",
        dest="schema_version",
        action=_Deprecated,
        use="say --schema-version",
        help=argparse.SUPPRESS,
    )
    s.add_argument(
        "--level",
        choices=LEVELS,
        default="extraction",
        help="extraction: for extraction outputs, quotes without offsets allowed; "
        "verified: what the gold records meet (default: %(default)s)",
    )
    s.add_argument(
        "--bundled",
        action="store_true",
        help="one self-contained schema (references inlined, the verified profile merged), with "
        "the version's x-dv rule annotations, for tools that need a single document",
    )
    s.add_argument(
        "--portable",
        action="store_true",
        help="--bundled without the x-dv rule annotations, for validators that refuse a keyword "
        "they do not know (Ajv's default: 'unknown keyword: \"x-dv\"'); such a validator then "
        "checks the structure only: the semantic rules run in `diplomatic-visits validate`",
    )

    s.add_argument(
        "--profile",
        choices=("llm",),
        default=None,
        help="llm: the schema a language model fills (quotes without offsets, every key "
        "required, only keywords structured-output engines accept), derived from level "
        "extraction; lift its answers with diplomatic_visits.profile.lift",
    )
    s.add_argument(
        "--explain",
        action="store_true",
        help="with --profile: list the steps and everything they drop (what the validator "
        "re-checks after generation) instead of printing the schema",
    )

    pr = sub.add_parser(
        "prompt",
        help="print the prompt that asks a model for the record of an article",
        description="Print the prompt for one article: the codebook's instructions, a field "
        "guide generated from the llm profile, and the article. Give the profile "
        "(`schema --profile llm`) to the engine as its structured-output schema, then turn "
        "the answer into a record with diplomatic_visits.profile.lift.",
        epilog="examples:\n"
        "  diplomatic-visits prompt article.txt --format messages > request.json\n"
        "  diplomatic-visits prompt article.txt --format text | llm -s ...\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pr.add_argument("article", metavar="ARTICLE.txt", help="the article's text (UTF-8), or -")
    pr.add_argument(
        "--format",
        choices=("messages", "text"),
        default="messages",
        help="messages: a JSON list of chat messages (system, user); text: one string "
        "(default: %(default)s)",
    )
    _schema_version(pr, "schema version whose profile the prompt describes (default: latest)")

    v = sub.add_parser(
        "validate",
        help="check records (JSON, JSONL, folders, or - for stdin) against the schema",
        description="Check every record in the inputs against its schema version and the\n"
        "semantic rules that schema declares, and report every problem with its file, line\n"
        "and JSON path. A .json file holds one record or an array of them (problems point at\n"
        "the line of the value); .jsonl/.ndjson files and stdin hold one record per line.\n"
        "Parquet files (our export's typed columns, or a column of JSON texts) are read a\n"
        "row group at a time, each row numbered as a line; folders are searched for them too.",
        epilog="exit codes: 0 all valid, 1 some record invalid, 2 usage error or unreadable\n"
        "input (or no record at all, unless --allow-empty)\n\n"
        "speed: good records are accepted by a compiled engine where the install built one\n"
        "(diplomatic-visits info says); it interprets the same rules as the Python engine,\n"
        "which reports. DIPLOMATIC_VISITS_PURE_PYTHON=1 turns it off: the same results,\n"
        "slower. For large inputs, see --jobs; past one machine, --engine ray:\n"
        "  diplomatic-visits validate /shared/outputs/ --engine ray --ray-address auto",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _inputs(v, "records to check (Parquet files too)")
    _schema_version(
        v,
        "version for records that declare none (default: latest); a record's own "
        "schema_version wins when it is shipped",
    )
    v.add_argument(
        "--level",
        choices=LEVELS,
        default="extraction",
        help="conformance level (default: %(default)s)",
    )
    _source(v)
    v.add_argument(
        "--max-errors",
        type=_positive,
        default=DEFAULT_MAX_ERRORS,
        metavar="N",
        help="report at most N problems per record (default: %(default)s)",
    )
    v.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="output format (default: %(default)s)",
    )
    v.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="text format: print only the summary (json and jsonl always carry every problem)",
    )
    _jobs(v)
    _engine(v)
    _allow_empty(v)

    c = sub.add_parser(
        "compat",
        help="classify a schema change as patch, minor or major; fail on a too-small version bump",
        description="Compare a schema version with an older one: structurally (rule "
        "annotations included), on the shipped records and examples (and INPUT records), and "
        "on records generated from the old version. Exits 1 when the new version number "
        "declares a smaller bump than the change needs.",
        epilog="NEW is a shipped version or a candidate folder named after its version, holding "
        "record.schema.json and record.verified.schema.json (for example schema/1.2.0).",
    )
    c.add_argument("old", metavar="OLD", help="the shipped version to compare against")
    c.add_argument("new", metavar="NEW", help="a shipped version, or a candidate version folder")
    _inputs(c, "more records of the old version that must stay valid", old="--records")
    c.add_argument(
        "--generated",
        type=int,
        default=None,
        metavar="N",
        help="records to generate from the old version (default: 20 where hypothesis-jsonschema "
        "is installed, the dev extra; 0: none)",
    )

    sc = sub.add_parser(
        "score",
        help="score extraction outputs against the gold records (P/R/F1 per field, grounding)",
        description="Align the predicted objects the schema declares with an id (actors, places,\n"
        "visits, sub-events, outcomes, statements...) to the gold ones (optimal one-to-one\n"
        "matching; nested ones within their matched parents) and report precision, recall\n"
        "and F1 per field path, per object type and per construct group, micro and macro;\n"
        "the grounding (overlap of the evidence offsets, evidence quotes found on both\n"
        "sides, the prediction's quotes found in the article text); per article, with\n"
        "bootstrap intervals over articles when there are two or more; and what was missed\n"
        "and invented. What is compared comes from the schema of the records' version and\n"
        "schema/scoring/<version>.json. Predictions are validated first (level extraction,\n"
        "with --source texts when given). The rules:\n"
        "  python -c 'import diplomatic_visits.score as s; help(s)'\n"
        "the JSON report's shape (report_version 1): docs/score-report.md",
        epilog="examples:\n"
        "  diplomatic-visits score outputs.jsonl        # against the bundled gold\n"
        "  diplomatic-visits score run1/ --gold gold/ --source texts/ --format json\n"
        "exit codes: 0 scored, 1 some prediction invalid or a second prediction for an\n"
        "article, 2 usage error or unreadable input",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _inputs(sc, "predicted records", old="--pred")
    _gold(sc, "Default: the bundled ones.")
    _source(sc)
    sc.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: tables for reading; json: every number, for programs (its shape: "
        "docs/score-report.md) (default: %(default)s)",
    )
    sc.add_argument(
        "--stated-only",
        action="store_true",
        help="score only what the text states: gold values whose basis says they were inferred "
        "or taken from world knowledge (an inferred year, a country of a city) are left out on "
        "both sides",
    )
    sc.add_argument(
        "--partial",
        action="store_true",
        help="score invalid predictions too, as far as they are well formed (objects with "
        "problems are left out of them); by default an invalid prediction is not scored, and "
        "neither is the gold record of its article",
    )

    m = sub.add_parser(
        "migrate",
        help="upgrade records to a newer schema version",
        description="Upgrade records (JSON or JSON Lines) to a newer schema version through the "
        "registered migrations, validate them under it, and write JSON Lines.",
    )
    _inputs(m, "records to upgrade")
    m.add_argument("--to", required=True, metavar="V", help="target schema version")
    m.add_argument("--out", required=True, metavar="FILE", help="output JSON Lines (- for stdout)")
    _source(m)
    m.add_argument("--force", action="store_true", help="replace an existing output")

    vw = sub.add_parser(
        "view",
        help="write one self-contained HTML page: a record's evidence drawn over its article, "
        "or a prediction against the gold",
        description="Draw a record's evidence spans over its article in one HTML file (no\n"
        "network, no external scripts or fonts): every span coloured by the kind of field it\n"
        "supports (visit, date, place, actor, statement, outcome), overlaps as stacked\n"
        "stripes; hovering or clicking a span shows its JSON path and the value it supports. A\n"
        "side panel lists the record's objects, each linked to its spans, the values that are\n"
        "inferred or world knowledge (with what they rest on), and what was left out and why;\n"
        "the record's validation issues are listed at the top, linked to their place. With\n"
        "--gold, the record is a prediction, drawn against the gold record of its article with\n"
        "the scorer's alignment: matched, missed (gold only) and invented (prediction only),\n"
        "quotes that are not in the text, and the per-field scores. Quotes without offsets are\n"
        "located as validate locates them (the first occurrence).",
        epilog="exit codes: 0 page written (also for a record with issues: they are on the\n"
        "page), 2 usage error, unreadable input, or no article text for the record\n\n"
        "the article text: --source, else the bundled article of the record's sha256 or\n"
        "article id (so the gold record needs none)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _inputs(vw, "the record to draw (with --gold: the prediction)", old="--pred")
    _gold(vw, "INPUT is drawn as a prediction against the one of its article.")
    vw.add_argument("--out", required=True, metavar="FILE", help="the HTML page to write")
    _source(vw)
    vw.add_argument(
        "--level",
        choices=LEVELS,
        default="extraction",
        help="the level the issues listed are checked at (default: %(default)s)",
    )
    vw.add_argument(
        "--record",
        metavar="ID",
        default=None,
        help="the record_id to draw when INPUT holds several records",
    )
    vw.add_argument(
        "--stated-only",
        action="store_true",
        help="with --gold: align and score as score --stated-only does",
    )
    vw.add_argument(
        "--screenshot",
        metavar="PNG",
        default=None,
        help="also save a PNG of the page as headless Chromium renders it (needs chromium)",
    )
    vw.add_argument("--force", action="store_true", help="replace existing outputs")

    e = sub.add_parser(
        "export",
        help="export records as JSONL, Parquet or a Hugging Face dataset folder",
        description="Export the bundled gold records, or your own (INPUT: validated first, with "
        "--source texts, and refused if any is invalid). Types come from the JSON Schema, "
        "never from the data.",
        epilog="formats:\n"
        "  jsonl    one record per line (--out - for stdout)\n"
        "  parquet  one table per file (--table); typed nested columns; the articles table\n"
        "           carries each article's text beside its record\n"
        "  hf       a folder for datasets.load_dataset(FOLDER, CONFIG): data/ + README.md card\n"
        "           + croissant.json\n"
        "tables / configs: articles (default), visits, statements, actors, places;\n"
        "  training pairs (need the article texts): messages (system, user = article,\n"
        "  assistant = the record projected on the llm profile) and prompt_completion\n"
        "  (TRL's standard format: prompt and completion, two strings)\n\n"
        "on a Ray cluster (parquet only): --out is a folder, one Parquet file per unit of\n"
        "work, in input order; with --issues, the valid records are written and every issue\n"
        "goes to that Parquet file instead of refusing the export:\n"
        "  diplomatic-visits export parquet /shared/outputs/ --engine ray --ray-address auto \\\n"
        "      --out /shared/valid --issues /shared/issues.parquet",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    e.add_argument("format", choices=("jsonl", "parquet", "hf"), help="output format")
    _inputs(e, "your records (default: the bundled gold records)", old="--input")
    e.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="output file or folder (- for stdout, jsonl only)",
    )
    _source(e)
    e.add_argument(
        "--level",
        choices=LEVELS,
        default=None,
        help="level the records must meet and the types follow (default: verified for the "
        "bundled records, extraction for INPUT)",
    )
    e.add_argument(
        "--table",
        default="articles",
        choices=(
            "articles",
            "visits",
            "statements",
            "actors",
            "places",
            "messages",
            "prompt_completion",
        ),
        help="parquet: which table (default: %(default)s)",
    )
    e.add_argument("--split", default="test", help="hf: split name (default: %(default)s)")
    _schema_version(
        e,
        "schema version the column types come from, and INPUT records without a shipped "
        "schema_version are checked against (default: latest)",
    )
    _jobs(e)
    _engine(e)
    e.add_argument(
        "--issues",
        metavar="FILE",
        default=None,
        help="--engine ray: write the valid records to --out and every issue and unreadable "
        "line to this Parquet file (exit 1 if some record is invalid, 2 if something is "
        "unreadable), instead of refusing the whole export",
    )
    _allow_empty(e)
    e.add_argument("--force", action="store_true", help="replace an existing output")
    _add_extract(sub)
    return p


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if hasattr(args, "inputs"):
        args.inputs = [*args.inputs, *getattr(args, "old_inputs", [])]
    commands = {
        "info": lambda: _info(sys.stdout),
        "schema": lambda: _schema(args, sys.stdout),
        "prompt": lambda: _prompt(args, sys.stdout),
        "validate": lambda: _validate(args, sys.stdout, sys.stderr),
        "export": lambda: _export(args, sys.stderr),
        "compat": lambda: _compat(args, sys.stdout),
        "migrate": lambda: _migrate(args, sys.stderr),
        "score": lambda: _score(args, sys.stdout),
        "view": lambda: _view(args, sys.stderr),
        "extract": lambda: _extract(args, sys.stdout, sys.stderr),
    }
    run = commands.get(args.command)
    if run is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return run()
    except DiplomaticVisitsError as exc:
        print(f"diplomatic-visits: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `| head`: not an error of ours
        return EXIT_OK
    except KeyboardInterrupt:  # workers are stopped by the pool on the way out
        print("diplomatic-visits: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _require_inputs(args: argparse.Namespace, what: str) -> None:
    if not args.inputs:
        raise UsageError(f"give the {what} as INPUT arguments (files, folders or - for stdin)")


def _sources(args: argparse.Namespace) -> Any:
    from diplomatic_visits.inputs import Sources

    return Sources.from_files(args.source) if args.source else None


def _info(out: TextIO) -> int:
    from diplomatic_visits import accel
    from diplomatic_visits._paths import dataset_dir, schema_dir
    from diplomatic_visits.checks import engine
    from diplomatic_visits.records import dataset_version, load_records, read_sums
    from diplomatic_visits.schema import available_versions

    records = load_records()
    print(f"package          {_version.__version__}", file=out)
    print(
        f"schema versions  {', '.join(available_versions())} (levels: {', '.join(LEVELS)})",
        file=out,
    )
    print(f"dataset version  {dataset_version()}", file=out)
    print(f"rules engine     {engine()} (reports)", file=out)
    print(f"accelerator      {accel.status()}", file=out)
    print(f"records          {len(records)}", file=out)
    n_visits = sum(len(r["visits"]) for r in records)
    n_statements = sum(len(r["statements"]) for r in records)
    print(f"visits           {n_visits}", file=out)
    print(f"statements       {n_statements}", file=out)
    print("checksums (verified):", file=out)
    for folder in (schema_dir(), dataset_dir()):
        for name, digest in read_sums(folder / "SHA256SUMS").items():
            print(f"  {digest}  {folder.name}/{name}", file=out)
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    from diplomatic_visits.schema import available_versions, bundle_schema, load_schema, schema_path

    if args.list:
        for version in available_versions():
            for level in LEVELS:
                print(f"{version}  {level:<10}  {schema_path(version, level)}", file=out)
        return EXIT_OK
    if args.profile:
        from diplomatic_visits.profile import explain

        if args.level != "extraction":
            raise UsageError("--profile derives from --level extraction")
        if args.explain:
            print(explain(args.schema_version, args.profile), file=out)
        else:
            doc = bundle_schema(args.schema_version, "extraction", profile=args.profile)
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


def _prompt(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from diplomatic_visits.inputs import looks_like_records
    from diplomatic_visits.parse import decode
    from diplomatic_visits.prompt import messages, prompt_text

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


def _auto_jobs(inputs: Sequence[str]) -> int:
    """All cores for large inputs; one process (no start-up cost) for small ones."""
    import os

    from diplomatic_visits.inputs import input_bytes

    return (os.cpu_count() or 1) if input_bytes(inputs) > AUTO_JOBS_BYTES else 1


def _issue_dict(result: Any, i: int, issue: Issue) -> dict[str, Any]:
    return {
        "file": result.path,
        "line": result.line_of(i),
        "record_id": result.record_id,
        "path": issue.json_path,
        "kind": issue.kind,
        "keyword": issue.keyword,
        "message": issue.message,
        "schema_path": "/".join(str(p) for p in issue.schema_path),
    }


def _input_error_dict(err: InputError) -> dict[str, Any]:
    return {"file": err.path, "line": err.line, "column": err.column, "message": err.reason}


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from diplomatic_visits.pipeline import iter_results
    from diplomatic_visits.report import Report

    _require_inputs(args, "records to check")
    report = Report(keep=0)  # every result is written as it comes: memory stays flat
    jobs = args.jobs or _auto_jobs(args.inputs)
    sources = _sources(args)
    stack = contextlib.ExitStack()
    if args.engine == "ray":
        from diplomatic_visits import ray_data

        stack.enter_context(ray_data.cluster(args.ray_address, args.jobs))
        results = ray_data.iter_results(
            args.inputs, args.schema_version, args.level, sources, args.max_errors, args.jobs
        )
    else:
        results = iter_results(
            args.inputs, args.schema_version, args.level, sources, args.max_errors, jobs=jobs
        )
    with stack, _Stream(args.format, out, args.quiet, err) as stream:
        _report(results, report, stream, err)
        if not report.checked and not report.unreadable and not args.allow_empty:
            empty = no_records(args.inputs)
            report.add(empty)
            stream.input_error(empty)
        stream.summary(report)
    return report.exit_code


class _Stream:
    """Writes a validation run's output as its results come, in one of the formats; the JSON
    document too (the input errors, listed after the errors, wait in a spooled file), so that
    nothing grows with the number of invalid records."""

    def __init__(self, fmt: str, out: TextIO, quiet: bool, err: TextIO | None = None) -> None:
        self.fmt, self.out, self.quiet = fmt, out, quiet
        self.err = err if err is not None else out  # text: input errors go to stderr
        self.errors = 0
        self.spool: Any = None

    def __enter__(self) -> _Stream:
        if self.fmt == "json":
            import tempfile

            self.spool = tempfile.SpooledTemporaryFile(1 << 20, mode="w+", encoding="utf-8")
            print('{\n  "errors": [', end="", file=self.out)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.spool is not None:
            self.spool.close()

    def input_error(self, item: InputError) -> None:
        if self.fmt == "text":
            print(str(item), file=self.err)
        elif self.fmt == "jsonl":
            print(json.dumps({"type": "input_error", **_input_error_dict(item)}), file=self.out)
        else:
            comma = "," if self.spool.tell() else ""
            self.spool.write(comma + "\n" + _indented(_input_error_dict(item)))

    def issue(self, item: Any, i: int, issue: Any) -> None:
        if self.fmt == "text":
            if not self.quiet:
                print(f"{item.where(i)}: {issue}", file=self.out)
            return
        d = _issue_dict(item, i, issue)
        if self.fmt == "jsonl":
            print(json.dumps({"type": "error", **d}, ensure_ascii=False), file=self.out)
        else:
            print(("," if self.errors else "") + "\n" + _indented(d), end="", file=self.out)
            self.errors += 1

    def summary(self, report: Any) -> None:
        summary: dict[str, Any] = {
            "status": report.status,
            "checked": report.checked,
            "valid": report.valid,
            "invalid": report.invalid,
            "unreadable": report.unreadable,
            "errors_by_keyword": dict(report.by_keyword.most_common()),
        }
        if self.fmt == "json":
            close = "\n  ]," if self.errors else "],"
            print(close + '\n  "input_errors": [', end="", file=self.out)
            self.spool.seek(0)
            import shutil

            shutil.copyfileobj(self.spool, self.out)
            print(("\n  " if self.spool.tell() else "") + "],", file=self.out)
            rest = json.dumps(summary, indent=2, ensure_ascii=False)
            print(rest[2:], file=self.out)  # the object's members, after the two lists
        elif self.fmt == "jsonl":
            print(json.dumps({"type": "summary", **summary}, ensure_ascii=False), file=self.out)
        else:
            kinds = ", ".join(f"{k} {n}" for k, n in report.by_keyword.most_common())
            unreadable = report.unreadable
            print(
                f"{_plural(report.checked, 'record')} checked: {report.valid} valid, "
                f"{report.invalid} invalid"
                + (f", {_plural(unreadable, 'unreadable input')}" if unreadable else "")
                + (f" (errors by keyword: {kinds})" if kinds else ""),
                file=self.out,
            )


def _indented(d: dict[str, Any]) -> str:
    """``d`` as an item of a list that is a member of the top object (indent 2)."""
    text = json.dumps(d, indent=2, ensure_ascii=False)
    return "\n".join("    " + line for line in text.split("\n"))


def _plural(n: int, noun: str) -> str:
    """``1 record``, ``2 records``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _report(results: Any, report: Any, stream: _Stream, err: TextIO) -> None:
    from diplomatic_visits.report import ValidRecords

    progress = err.isatty()
    for item in results:
        if isinstance(item, InputError):
            report.add(item)
            stream.input_error(item)
            continue
        before = report.checked
        report.add(item)
        if progress and report.checked // PROGRESS_EVERY > before // PROGRESS_EVERY:
            print(f"\rchecked {report.checked:,} records", end="", file=err, flush=True)
        if isinstance(item, ValidRecords) or item.valid:
            continue
        for i, issue in enumerate(item.issues):
            stream.issue(item, i, issue)
    if progress and report.checked >= PROGRESS_EVERY:
        print(file=err)


def _export(args: argparse.Namespace, err: TextIO) -> int:
    from diplomatic_visits.export import RefusedExportError

    args.level = args.level or ("extraction" if args.inputs else "verified")
    if args.out == "-" and args.format != "jsonl":
        raise UsageError("--out - (stdout) is for jsonl only")
    if args.source and not args.inputs:
        raise UsageError("--source is for your own records (INPUT); the bundled ones carry theirs")
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

    jobs = args.jobs or _auto_jobs(args.inputs)
    try:
        counts = export_inputs(
            args.inputs, args.format, args.out, args.table, args.level, _sources(args), jobs,
            args.force, args.schema_version, args.split, args.allow_empty,
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
    _require_inputs(args, "records to export")
    if args.out == "-":
        raise UsageError("--engine ray writes a folder: give --out FOLDER")
    try:
        totals = ray_data.run(
            args.inputs, args.out, args.issues, args.table, args.schema_version, args.level,
            _sources(args), DEFAULT_MAX_ERRORS, args.jobs, args.ray_address, args.force,
            args.allow_empty, refuse=args.issues is None,
        )  # fmt: skip
    except RefusedExportError as exc:
        _print_refusal(exc, err)
        return EXIT_USAGE if exc.unreadable else EXIT_INVALID
    print(
        f"{_plural(totals.checked, 'record')} checked: {totals.valid} valid, "
        f"{totals.invalid} invalid"
        + (f", {totals.unreadable} unreadable" if totals.unreadable else "")
        + f"; wrote {_plural(totals.written, 'row')} of table {args.table!r} to {args.out}/"
        + (f", the issues to {args.issues}" if args.issues else ""),
        file=err,
    )
    return totals.exit_code


def _export_bundled(args: argparse.Namespace, err: TextIO) -> int:
    from diplomatic_visits.export import write_hf, write_jsonl, write_parquet
    from diplomatic_visits.records import load_records_with_texts

    records, texts = load_records_with_texts()
    if args.format == "jsonl":
        counts = {"records": write_jsonl(records, args.out, force=args.force)}
    elif args.format == "parquet":
        n = write_parquet(
            records, texts, args.out, args.table, args.schema_version, args.level, args.force
        )
        counts = {args.table: n}
    else:
        counts = write_hf(
            records, texts, args.out, args.schema_version, args.level, args.split, args.force
        )
    _say_written(args, counts, err)
    return EXIT_OK


def _say_written(args: argparse.Namespace, counts: dict[str, int], err: TextIO) -> None:
    if args.out == "-":
        return
    if args.format == "jsonl":
        print(f"wrote {_plural(counts['records'], 'record')} to {args.out}", file=err)
    elif args.format == "parquet":
        rows = _plural(counts[args.table], "row")
        print(f"wrote {rows} of table {args.table!r} to {args.out}", file=err)
    else:
        rows = ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"wrote a Hugging Face dataset folder to {args.out} (rows: {rows})", file=err)


def _print_refusal(exc: Any, err: TextIO) -> None:
    for p in exc.problems:
        if isinstance(p, InputError):
            print(str(p), file=err)
        else:
            for i, issue in enumerate(p.issues):
                print(f"{p.where(i)}: {issue}", file=err)
    shown = len(exc.problems)
    if shown < exc.invalid + exc.unreadable:
        print(f"(the first {shown} problems are shown)", file=err)
    print(str(exc), file=err)


def _compat(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from diplomatic_visits import compat
    from diplomatic_visits.inputs import read_inputs
    from diplomatic_visits.schema import available_versions

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
    for doc in read_inputs(args.inputs):
        if isinstance(doc, InputError):
            raise doc
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


def _migrate(args: argparse.Namespace, err: TextIO) -> int:
    from diplomatic_visits.export import write_jsonl
    from diplomatic_visits.inputs import read_inputs
    from diplomatic_visits.migrate import migrate_record
    from diplomatic_visits.parse import Document
    from diplomatic_visits.schema import available_versions
    from diplomatic_visits.validate import check_document

    _require_inputs(args, "records to upgrade")
    if args.to not in available_versions():
        raise UsageError(
            f"unknown target version {args.to}; shipped: {', '.join(available_versions())}"
        )
    sources = _sources(args)
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
    print(f"migrated {_plural(n, 'record')} to schema {args.to}", file=err)
    return EXIT_OK


def _score(args: argparse.Namespace, out: TextIO) -> int:
    from diplomatic_visits.records import load_records
    from diplomatic_visits.score import render_text, score_files

    _require_inputs(args, "predicted records")
    gold = args.gold if args.gold is not None else load_records()
    result = score_files(args.inputs, gold, args.stated_only, _sources(args), args.partial)
    if args.format == "json":
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False), file=out)
    else:
        print(render_text(result), file=out)
    return EXIT_INVALID if result.invalid or result.duplicates or result.partial else EXIT_OK


def _view(args: argparse.Namespace, err: TextIO) -> int:
    from pathlib import Path

    from diplomatic_visits.view import build_page, write_page

    _require_inputs(args, "record to draw")
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
        args.inputs, args.gold, _sources(args), args.level, args.record, args.stated_only
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


# --- extract: the command's parser and handler, side by side ---------------------------------


def _price(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not n >= 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return n


def _add_extract(sub: Any) -> None:
    x = sub.add_parser(
        "extract",
        help="extract a record from each article with any model: grounded, validated, "
        "and scored against the gold where there is one",
        description="Ask a model for the record of each article (the llm profile as structured\n"
        "output), lift and validate every answer, send invalid answers back with the\n"
        "validator's messages, and write the valid records. Any OpenAI-compatible server\n"
        "(OpenAI, vLLM, SGLang, Ollama, llama.cpp's server: --base-url) takes the profile as\n"
        "response_format json_schema, or JSON mode with the schema in the prompt when it\n"
        "refuses that (--mode auto); Anthropic takes it as a tool (--provider anthropic).\n"
        "API keys come from the environment only (OPENAI_API_KEY, ANTHROPIC_API_KEY, or the\n"
        "variable --api-key-env names) and are never written anywhere.\n\n"
        "Every call is cached on disk, keyed by the whole request (model, parameters, prompt,\n"
        "profile, article): a rerun costs nothing and a killed run resumes where it stopped.\n"
        "Beside --out: OUT.issues.jsonl (every article not in --out, and why; quotes placed by\n"
        "context or left without offsets) and OUT.manifest.json (model, parameters, schema and\n"
        "prompt versions, counts, timings, tokens, cost). No article is dropped silently.",
        epilog="examples:\n"
        "  export OPENAI_API_KEY=...\n"
        "  diplomatic-visits extract articles/ --model gpt-5-mini --out records.jsonl\n"
        "  diplomatic-visits extract dataset/source/ --model qwen3 --base-url "
        "http://localhost:8000/v1 \\\n"
        "      --out records.jsonl --gold dataset/records --view pages/\n"
        "  diplomatic-visits extract news.jsonl --text-column body --provider anthropic \\\n"
        "      --model claude-sonnet-4-5 --out records.jsonl -j 8 --price 3 15\n\n"
        "exit codes: 0 every article has a valid record, 1 some article has none (see the\n"
        "issues file), 2 usage error, unreadable input or a server that refuses the run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    x.add_argument(
        "articles",
        nargs="+",
        metavar="ARTICLE",
        help="a .txt file (its name without .txt is the article id), a folder of them, or a "
        "JSON Lines file with the text in a column (--text-column)",
    )
    x.add_argument("--model", required=True, metavar="NAME", help="the model to ask")
    x.add_argument(
        "--out", required=True, metavar="FILE", help="the valid records, JSON Lines, in order"
    )
    x.add_argument(
        "--provider",
        choices=("openai", "anthropic"),
        default="openai",
        help="openai: any OpenAI-compatible chat completions server; anthropic: the Messages "
        "API with tool use (default: %(default)s)",
    )
    x.add_argument(
        "--base-url",
        metavar="URL",
        default=None,
        help="the server (e.g. http://localhost:8000/v1 for vLLM, http://localhost:11434/v1 "
        "for Ollama); a server that needs no key needs no environment variable",
    )
    x.add_argument(
        "--api-key-env",
        metavar="VAR",
        default=None,
        help="the environment variable holding the key (default: OPENAI_API_KEY or "
        "ANTHROPIC_API_KEY); there is deliberately no option taking the key itself",
    )
    x.add_argument(
        "--mode",
        choices=("auto", "json_schema", "json_object"),
        default="auto",
        help="how the profile is sent to an OpenAI-compatible server: json_schema "
        "(structured output), json_object (JSON mode, the schema in the prompt, the answer "
        "validated), or auto: json_schema, and JSON mode for the rest of the run if the server "
        "refuses it (default: %(default)s)",
    )
    x.add_argument("--temperature", type=float, default=None, help="sampling temperature")
    x.add_argument(
        "--max-tokens", type=_positive, default=None, metavar="N", help="output token limit"
    )
    x.add_argument("--seed", type=int, default=None, help="sampling seed, where served")
    x.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=4,
        metavar="N",
        help="calls in flight at once (default: %(default)s)",
    )
    x.add_argument(
        "--max-repairs",
        type=int,
        default=2,
        metavar="N",
        help="times an unreadable answer or an invalid record is sent back with the "
        "validator's messages (default: %(default)s)",
    )
    x.add_argument(
        "--retries",
        type=int,
        default=6,
        metavar="N",
        help="tries again after a 429, a 5xx or a dropped connection, waiting what the "
        "server's Retry-After says, else 1 s doubling each time (default: %(default)s)",
    )
    x.add_argument(
        "--chunk-chars",
        type=_positive,
        default=None,
        metavar="N",
        help="split articles longer than N characters into chunks (at line or sentence ends, "
        "overlapping by --chunk-overlap) and merge their records: a visit told across two "
        "chunks is one visit (default: no split)",
    )
    x.add_argument(
        "--chunk-overlap",
        type=int,
        default=1000,
        metavar="N",
        help="characters two chunks share (default: %(default)s)",
    )
    x.add_argument(
        "--price",
        nargs=2,
        type=_price,
        metavar=("IN", "OUT"),
        default=None,
        help="USD per million input and output tokens, to show and record the cost",
    )
    x.add_argument(
        "--cache",
        metavar="DIR",
        default=None,
        help="the cache of answers (default: $XDG_CACHE_HOME/diplomatic-visits/extract)",
    )
    x.add_argument(
        "--issues", metavar="FILE", default=None, help="default: OUT.issues.jsonl beside --out"
    )
    x.add_argument("--manifest", metavar="FILE", default=None, help="default: OUT.manifest.json")
    _gold(
        x,
        "The records of the articles that have one are scored, as `score` does; the score is "
        "printed and kept in the manifest.",
    )
    x.add_argument(
        "--view",
        metavar="DIR",
        default=None,
        help="write a page per article to DIR (ARTICLE_ID.html): the record over its text, "
        "against its gold where there is one",
    )
    x.add_argument(
        "--text-column", default="text", metavar="NAME", help="JSON Lines: the text's column"
    )
    x.add_argument(
        "--id-column",
        default="id",
        metavar="NAME",
        help="JSON Lines: the article id's column (default: FILE-LINE)",
    )
    _schema_version(x, "schema version the model is asked for (default: latest)")
    x.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    x.add_argument("--force", action="store_true", help="replace existing outputs")


def _extract(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from diplomatic_visits.extract import Options, extract, read_articles
    from diplomatic_visits.score import render_text

    if args.max_repairs < 0 or args.retries < 0 or args.chunk_overlap < 0:
        raise UsageError("--max-repairs, --retries and --chunk-overlap take 0 or more")
    if args.chunk_chars is not None and args.chunk_overlap >= args.chunk_chars:
        raise UsageError("--chunk-overlap must be smaller than --chunk-chars")
    articles = read_articles(args.articles, args.text_column, args.id_column)
    opts = Options(
        model=args.model,
        provider=args.provider,
        base_url=args.base_url,
        api_key_env=args.api_key_env,
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        seed=args.seed,
        mode=args.mode,
        jobs=args.jobs,
        max_repairs=args.max_repairs,
        retries=args.retries,
        chunk_chars=args.chunk_chars,
        chunk_overlap=args.chunk_overlap,
        price=tuple(args.price) if args.price else None,
        schema_version=args.schema_version,
    )
    run = extract(
        articles,
        opts,
        args.out,
        issues_out=args.issues,
        manifest_out=args.manifest,
        cache_dir=args.cache,
        gold=args.gold,
        view_dir=args.view,
        force=args.force,
        progress=None if args.quiet else err,
        inputs=args.articles,
    )
    m = run.manifest
    counts = ", ".join(f"{n} {s}" for s, n in m["counts"].items() if n)
    print(
        f"wrote {args.out}: {len(run.records)} records of {m['articles']} articles ({counts}); "
        f"{m['calls']['answered']} answers, {m['calls']['from_cache']} from the cache; issues in "
        f"{m['outputs']['issues']}, manifest in {m['outputs']['manifest']}",
        file=err,
    )
    if run.score is not None:
        print(render_text(run.score), file=out)
    elif args.gold:
        print("no article of the run has a gold record: nothing scored", file=err)
    return EXIT_OK if run.ok else EXIT_INVALID
