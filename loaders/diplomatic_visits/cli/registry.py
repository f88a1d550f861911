"""The commands: the one list of them. The parser, the dispatch in :func:`main
<diplomatic_visits.cli.main>`, the top-level help (summaries and examples) and the README
check (tests/test_cli_registry.py) are all derived from :data:`COMMANDS`.

A command ``NAME`` is the module ``diplomatic_visits.cli.NAME`` (one file: its arguments and
its handler) and one :class:`Command` line here. The module provides::

    def add_arguments(p: argparse.ArgumentParser) -> None: ...  # its options, description
    def run(args: argparse.Namespace) -> int: ...               # the exit code

It is imported only when its command runs (or its help is asked for), so that start-up stays
light: ``validate`` never imports what ``export`` or ``extract`` need.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol, cast


class CommandModule(Protocol):
    """What a command's module provides."""

    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """One command: its name (and module), the line ``--help`` lists it with, and the examples
    (command lines) the top-level help shows."""

    name: str
    summary: str
    examples: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        return f"{__package__}.{self.name}"

    def load(self) -> CommandModule:
        """The command's module, imported now."""
        module: ModuleType = importlib.import_module(self.module)
        return cast(CommandModule, module)


COMMANDS: tuple[Command, ...] = (
    Command(
        "info",
        "print package, schema and dataset versions, record counts, engines and checksums",
        ("diplomatic-visits info",),
    ),
    Command(
        "schema",
        "print a JSON Schema (default: the latest, level extraction)",
        ("diplomatic-visits schema --level verified > record.verified.schema.json",),
    ),
    Command(
        "prompt",
        "print the prompt that asks a model for the record of an article",
        ("diplomatic-visits prompt article.txt --format messages > request.json",),
    ),
    Command(
        "validate",
        "check records (JSON, JSONL, folders, or - for stdin) against the schema",
        (
            "diplomatic-visits validate outputs.jsonl --source article.txt",
            "cat outputs.jsonl | diplomatic-visits validate - --format json",
        ),
    ),
    Command(
        "compat",
        "classify a schema change as patch, minor or major; fail on a too-small version bump",
        ("diplomatic-visits compat 1.1.0 2.0.0",),
    ),
    Command(
        "score",
        "score extraction outputs against the gold records (P/R/F1 per field, grounding)",
        ("diplomatic-visits score my_outputs.jsonl --format json",),
    ),
    Command(
        "migrate",
        "upgrade records to a newer schema version",
        ("diplomatic-visits migrate old_records.jsonl --to 2.0.0 --out new_records.jsonl",),
    ),
    Command(
        "view",
        "write one self-contained HTML page: a record's evidence drawn over its article, "
        "or a prediction against the gold",
        (
            "diplomatic-visits view dataset/records/000_b730d245b05eac44.json --out gold.html",
            "diplomatic-visits view my_output.json --gold dataset/records --source article.txt "
            "--out diff.html",
        ),
    ),
    Command(
        "export",
        "export records as JSONL, Parquet or a Hugging Face dataset folder",
        (
            "diplomatic-visits export jsonl --out records.jsonl",
            "diplomatic-visits export parquet my_outputs.jsonl --source texts/ "
            "--out my_outputs.parquet",
            "diplomatic-visits export hf --out hf_dataset   "
            '# then datasets.load_dataset("hf_dataset")',
        ),
    ),
    Command(
        "extract",
        "extract a record from each article with any model: grounded, validated, "
        "and scored against the gold where there is one",
        ("diplomatic-visits extract articles/ --model gpt-5-mini --out records.jsonl",),
    ),
)


def find(name: str) -> Command:
    """The command called ``name`` (a KeyError for none)."""
    for command in COMMANDS:
        if command.name == name:
            return command
    raise KeyError(name)


def epilog(exit_codes: str) -> str:
    """The top-level help's epilog: every command's examples, then the exit codes."""
    lines = [f"  {example}" for c in COMMANDS for example in c.examples]
    return "examples:\n" + "\n".join(lines) + f"\n\n{exit_codes}\n"
