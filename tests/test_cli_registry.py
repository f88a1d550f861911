"""The command registry is the only list of commands (issue 23): the parser, the dispatch, the
top-level help and the README's command list all follow it; a command is one module plus one
registry line, and its module is imported only when it runs."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from conftest import REPO
from diplomatic_visits.cli import build_parser, main, registry

CLI = REPO / "loaders" / "diplomatic_visits" / "cli"
SHARED = {"__init__", "options", "registry"}  # the modules of the package that are no command
NAMES = [c.name for c in registry.COMMANDS]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(found) == 1
    return dict(found[0].choices)


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    return re.findall(r"^diplomatic-visits ([a-z]+)\b", block, re.M)


def test_every_registry_command_is_in_the_readme_command_list_and_no_other() -> None:
    assert sorted(_readme_commands()) == sorted(NAMES)


def test_top_level_help_lists_every_command_with_its_summary_and_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the summaries
    for command in registry.COMMANDS:
        assert f"{command.name} {' '.join(command.summary.split())}" in out
        assert command.examples, f"{command.name}: no example for the top-level help"
        for example in command.examples:
            assert " ".join(example.split()) in out


def test_the_parser_has_one_subcommand_per_registry_entry() -> None:
    assert list(_subcommands(build_parser())) == NAMES


def test_every_command_module_is_registered_and_has_its_two_functions() -> None:
    modules = sorted(p.stem for p in CLI.glob("*.py") if p.stem not in SHARED)
    assert modules == sorted(NAMES)  # a command module without a registry line fails here
    for command in registry.COMMANDS:
        module = command.load()
        assert callable(module.add_arguments) and callable(module.run), command.name


def test_subcommands_are_made_in_one_place_only() -> None:
    # a command module gets its own parser to fill; only build_parser makes subcommands (from
    # the registry), so a command cannot parse without a handler
    makers = [
        p.relative_to(CLI).as_posix()
        for p in CLI.glob("*.py")
        if re.search(r"add_subparsers|add_parser\(", p.read_text(encoding="utf-8"))
    ]
    assert makers == ["__init__.py"]


def test_a_new_command_is_one_module_and_one_registry_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stats = types.ModuleType("diplomatic_visits.cli.stats")

    def add_arguments(p: argparse.ArgumentParser) -> None:
        p.description = "count things"
        p.add_argument("--times", type=int, default=1)

    def run(args: argparse.Namespace) -> int:
        print("stats ran" * args.times)
        return 1

    stats.add_arguments = add_arguments  # type: ignore[attr-defined]
    stats.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "diplomatic_visits.cli.stats", stats)
    line = registry.Command("stats", "count the records", ("diplomatic-visits stats --times 2",))
    monkeypatch.setattr(registry, "COMMANDS", (*registry.COMMANDS, line))

    assert main(["stats", "--times", "2"]) == 1
    assert capsys.readouterr().out == "stats ranstats ran\n"
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "count the records" in out and "diplomatic-visits stats --times 2" in out


def _modules_after(code: str, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO / "loaders"), "PATH": ""},
    )
    return done.stdout.split()


def test_only_the_running_command_module_is_imported(tmp_path: Path) -> None:
    record = tmp_path / "x.jsonl"
    record.write_text("{}\n", encoding="utf-8")
    listed = "print(*sorted(m for m in sys.modules if m.startswith('diplomatic_visits.cli.')))"
    code = f"import sys; from diplomatic_visits.cli import main; main(sys.argv[1:]); {listed}"
    loaded = _modules_after(code, "validate", str(record), "-q")
    commands = {f"diplomatic_visits.cli.{n}" for n in NAMES}
    assert [m for m in loaded if m in commands] == ["diplomatic_visits.cli.validate"]
    code = "import sys, contextlib\nfrom diplomatic_visits.cli import main\n"
    code += f"with contextlib.suppress(SystemExit): main(['--help'])\n{listed}"
    assert not [m for m in _modules_after(code) if m in commands]
