"""What the commands share: the parser class, the options several commands take (defined once
here, so that ``--source`` or ``--jobs`` mean and read the same everywhere), the usage error,
and the exit codes.

A command module adds its own arguments with these functions; it never builds a parser or a
subcommand itself (:mod:`diplomatic_visits.cli.registry` does).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from diplomatic_visits.errors import DiplomaticVisitsError
from diplomatic_visits.report import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE
from diplomatic_visits.reporters import plural as plural

# the exit codes, set once: 0 success (all records valid), 1 some record invalid, 2 usage error
# or unreadable input (as argparse's own usage errors), 130 interrupted
EXIT_USAGE = EXIT_UNREADABLE
EXIT_INTERRUPTED = 130  # what a shell reports for a command ended by Ctrl-C (128 + SIGINT)
EXIT_CODES = "exit codes: 0 all valid, 1 some record invalid, 2 usage error or unreadable input"

AUTO_JOBS_BYTES = 32 * 2**20
REMOVED_IN = "0.3.0"  # the release that drops the deprecated spellings
INPUT_HELP = "a .json file (one record or an array), a .jsonl/.ndjson file, a folder, or - (stdin)"

__all__ = [
    "AUTO_JOBS_BYTES",
    "EXIT_CODES",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "EXIT_USAGE",
    "Parser",
    "UsageError",
]


class UsageError(DiplomaticVisitsError):
    """Arguments that argparse accepts but that do not fit together."""


class Parser(argparse.ArgumentParser):
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


class Deprecated(argparse.Action):
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


# --- value types ------------------------------------------------------------------------------


def positive(value: str) -> int:
    """A whole number of at least 1 (``--jobs``, ``--max-errors``...)."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


# --- the shared options -----------------------------------------------------------------------


def schema_version(p: argparse.ArgumentParser, help: str) -> None:
    p.add_argument("--schema-version", metavar="V", default=None, help=help)


def level(p: argparse.ArgumentParser, help: str, default: str | None = "extraction") -> None:
    """``--level``: the conformance level (``extraction`` or ``verified``)."""
    from diplomatic_visits.schema import LEVELS

    p.add_argument("--level", choices=LEVELS, default=default, help=help)


def inputs(p: argparse.ArgumentParser, what: str, old: str | None = None) -> None:
    """The records, as positional ``INPUT`` arguments; ``old``: an old option spelling still
    accepted (then INPUT may be left out, and is checked with :func:`require_inputs`)."""
    many = "*" if old is not None else "+"
    p.add_argument("inputs", nargs=many, metavar="INPUT", help=f"{what}: {INPUT_HELP}")
    if old is not None:
        p.add_argument(
            old,
            dest="old_inputs",
            nargs="+" if old != "--input" else None,
            action=Deprecated,
            default=[],
            metavar="FILE",
            use="give the records as INPUT arguments",
            help=argparse.SUPPRESS,
        )


def gold(p: argparse.ArgumentParser, what: str) -> None:
    """``--gold``, one path each time it is given, as ``score``, ``view`` and ``extract``
    take it; ``what``: what the command does with the gold records."""
    p.add_argument(
        "--gold",
        action="append",
        metavar="PATH",
        help="gold records: a file, or a folder of them; one path each time: --gold A --gold B. "
        + what,
    )


def bundled(p: argparse.ArgumentParser, what: str) -> None:
    """``--bundled SET``: one of the record sets the package ships (``_paths.BUNDLED_SETS``:
    ``article``, the real article; ``challenge``, the challenge set), as ``export`` and
    ``score`` take it; ``what``: what the command does with it."""
    from diplomatic_visits._paths import BUNDLED_SETS

    p.add_argument("--bundled", choices=tuple(BUNDLED_SETS), default=None, metavar="SET", help=what)


def source(p: argparse.ArgumentParser) -> None:
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


def jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-j",
        "--jobs",
        type=positive,
        default=None,
        metavar="N",
        help="worker processes for JSON Lines input (default: all cores when the inputs hold "
        f"more than {AUTO_JOBS_BYTES // 2**20} MiB, else 1)",
    )


def engine(p: argparse.ArgumentParser) -> None:
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


def allow_empty(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-empty",
        action="store_true",
        help="inputs with no record at all are a success (by default they exit 2: an empty "
        "file is usually a job upstream that failed)",
    )


def out(p: argparse.ArgumentParser, help: str, metavar: str = "FILE") -> None:
    """``--out``, required: what the command writes (atomically; see :func:`force`)."""
    p.add_argument("--out", required=True, metavar=metavar, help=help)


def force(p: argparse.ArgumentParser, help: str = "replace existing outputs") -> None:
    p.add_argument("--force", action="store_true", help=help)


# --- what the handlers share ------------------------------------------------------------------


def require_inputs(args: argparse.Namespace, what: str) -> None:
    """A usage error unless INPUT arguments were given (for commands with an old spelling)."""
    if not args.inputs:
        raise UsageError(f"give the {what} as INPUT arguments (files, folders or - for stdin)")


def sources(args: argparse.Namespace) -> Any:
    """The ``--source`` texts, read (None when none was given)."""
    from diplomatic_visits.inputs import Sources

    return Sources.from_files(args.source) if args.source else None


def auto_jobs(inputs: Sequence[str]) -> int:
    """All cores for large inputs; one process (no start-up cost) for small ones."""
    import os

    from diplomatic_visits.inputs import input_bytes

    return (os.cpu_count() or 1) if input_bytes(inputs) > AUTO_JOBS_BYTES else 1
