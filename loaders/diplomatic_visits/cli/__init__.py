"""The ``diplomatic-visits`` command: ``main(argv) -> exit code``.

Exit codes: 0 success (all records valid), 1 some record invalid, 2 usage error or unreadable
input. Problems are collected first, then rendered by a reporter (text, JSON, JSON Lines).

One module per command (``cli/validate.py``: its arguments and its handler), listed once in
:data:`~diplomatic_visits.cli.registry.COMMANDS`; the options several commands share are in
:mod:`~diplomatic_visits.cli.options`. Every subcommand that reads records takes them the same
way (positional ``INPUT`` arguments: files, folders or ``-``), reads them through
:mod:`diplomatic_visits.reader`, and spells the schema version ``--schema-version`` and the
article texts ``--source``. Adding a command: a module and a registry line, nothing else.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence

from diplomatic_visits import _version
from diplomatic_visits.cli import registry
from diplomatic_visits.cli.options import (
    EXIT_CODES,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    UsageError,
)
from diplomatic_visits.errors import DiplomaticVisitsError

__all__ = ["UsageError", "build_parser", "main"]


def build_parser(only: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser, every command's arguments in it (exposed for documentation and
    tests); ``only``: the commands whose arguments are added (the others are listed in the
    help, and their modules not imported)."""
    commands = registry.COMMANDS
    wanted = {c.name for c in commands} if only is None else set(only)
    p = Parser(
        prog="diplomatic-visits",
        description="Structured records of news articles about diplomatic visits: the versioned "
        "JSON Schema, the gold records, validation of your own extraction outputs, and "
        "exports for ML.",
        epilog=registry.epilog(EXIT_CODES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--version", action="version", version=f"diplomatic-visits {_version.__version__}"
    )
    # the only place subcommands are made: one per registry entry, so a command cannot parse
    # without a handler, nor be left out of the help
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in commands:
        parser = sub.add_parser(command.name, help=command.summary)
        if command.name in wanted:
            command.load().add_arguments(parser)
    return p


def _command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option (the top level has no
    option that takes a value)."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    name = _command_in(argv)
    parser = build_parser(only=[name] if name is not None else [])
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if hasattr(args, "inputs"):
        args.inputs = [*args.inputs, *getattr(args, "old_inputs", [])]
    try:
        return registry.find(args.command).load().run(args)
    except DiplomaticVisitsError as exc:
        print(f"diplomatic-visits: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `| head`: not an error of ours
        return EXIT_OK
    except KeyboardInterrupt:  # workers are stopped by the pool on the way out
        print("diplomatic-visits: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
