"""The one reader (issue 23): every record read and checked in input order, values included,
the same in worker processes; unreadable input in its place; the "no records" rule written
once; and no command reading records another way."""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits.errors import InputError
from diplomatic_visits.migrate import migrate_record
from diplomatic_visits.pipeline import Settings
from diplomatic_visits.reader import raise_unreadable, read_documents, read_records
from diplomatic_visits.report import RecordResult

PACKAGE = REPO / "loaders" / "diplomatic_visits"
MINIMAL = EXAMPLES / "valid" / "extraction-quotes-without-offsets.json"
INVALID = EXAMPLES / "invalid" / "additional-property.json"


def _lines(tmp_path: Path) -> tuple[Path, list[Any]]:
    """A JSON Lines file: valid, invalid, unreadable, valid again (another record id)."""
    good = load_json(MINIMAL)
    other = {**good, "record_id": good["record_id"][:-1] + "0"}
    bad = load_json(INVALID)
    f = tmp_path / "mixed.jsonl"
    rows = [json.dumps(good), json.dumps(bad), '{"broken": ', json.dumps(other)]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return f, [good, bad, None, other]


def _summary(items: list[Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for item in items:
        if isinstance(item, InputError):
            out.append(("unreadable", item.path, item.line))
        else:
            assert isinstance(item, RecordResult)
            keywords = [i.keyword for i in item.issues]
            out.append((item.valid, item.path, item.line, keywords, item.value))
    return out


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_record_comes_with_its_value_and_result_in_input_order(
    tmp_path: Path, jobs: int
) -> None:
    f, values = _lines(tmp_path)
    items = _summary(list(read_records([str(f), str(MINIMAL)], jobs=jobs)))
    assert [i[0] for i in items] == [True, False, "unreadable", True, True]
    assert [i[2] for i in items] == [1, 2, 3, 4, 1]  # lines of each input
    assert items[0][4] == values[0] and items[3][4] == values[3]  # valid ones keep their value
    assert items[1][4] == values[1] and "additionalProperties" in items[1][3]
    assert items[4][4] == load_json(MINIMAL)


def test_workers_give_what_one_process_gives(tmp_path: Path) -> None:
    f, _ = _lines(tmp_path)
    big = tmp_path / "big.jsonl"
    big.write_bytes(f.read_bytes() * 300)  # several chunks: lines numbered across them
    from diplomatic_visits import jsonl

    mp = pytest.MonkeyPatch()
    with mp.context() as m:
        m.setattr(jsonl, "CHUNK_BYTES", 4096)
        one = _summary(list(read_records([str(big)], jobs=1)))
        two = _summary(list(read_records([str(big)], jobs=2)))
    assert len(one) == 1200 and one == two


@pytest.mark.parametrize("jobs", [1, 2])
def test_prepare_runs_before_the_check_in_workers_too(tmp_path: Path, jobs: int) -> None:
    old = REPO / "tests" / "examples" / "valid" / "verified-gold-record.json"  # schema 1.0.0
    f = tmp_path / "old.jsonl"
    f.write_text(json.dumps(load_json(old)) + "\n", encoding="utf-8")
    s = Settings("1.1.0", prepare=partial(migrate_record, target="1.1.0"))
    [result] = read_records([str(f)], s, jobs=jobs)
    assert isinstance(result, RecordResult) and result.valid
    assert result.value["schema_version"] == "1.1.0"


def test_an_unreadable_input_comes_in_its_place(tmp_path: Path) -> None:
    items = list(read_records([str(MINIMAL), str(tmp_path / "nope.json"), str(MINIMAL)]))
    assert [type(i).__name__ for i in items] == ["RecordResult", "InputError", "RecordResult"]
    with pytest.raises(InputError, match="no such file"):
        list(raise_unreadable(read_documents([str(tmp_path / "nope.json")])))


def test_no_records_is_an_error_unless_allowed_and_only_when_nothing_was_unreadable(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    for read in (read_records, read_documents):
        [error] = read([str(empty)], allow_empty=False)
        assert isinstance(error, InputError) and "no records found" in error.reason
        assert list(read([str(empty)])) == []  # allowed: nothing at all
        [missing] = read([str(tmp_path / "nope.jsonl")], allow_empty=False)
        assert "no such file" in missing.reason  # its own error, not a second one


def test_every_command_says_the_same_of_inputs_with_no_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from diplomatic_visits.cli import main

    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    runs = [
        ["validate", str(empty)],
        ["export", "jsonl", str(empty), "--out", str(tmp_path / "o.jsonl")],
        ["migrate", str(empty), "--to", "1.1.0", "--out", str(tmp_path / "m.jsonl")],
    ]
    for argv in runs:
        assert main(argv) == 2, argv
        said = capsys.readouterr()
        assert f"{empty}: no records found" in said.out + said.err, argv


def _calls(name: str) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(rf"(?<![\w.]){name}\(", text):
            found.append(path.relative_to(PACKAGE).as_posix())
    return found


def test_records_are_read_in_one_place() -> None:
    # the per-input loops of score, view, compat, migrate and extract went through here
    assert _calls("read_inputs") == ["inputs.py", "reader.py"]


def test_the_no_records_rule_is_written_once() -> None:
    assert _calls("no_records") == ["report.py"]


def test_an_unreadable_input_is_not_also_an_input_with_no_records(tmp_path: Path) -> None:
    from diplomatic_visits.pipeline import validate_files

    missing = str(tmp_path / "nope.json")
    for keep in (None, 0):  # keeping no input error must not hide that one was found
        report = validate_files([missing], keep=keep)
        assert (report.unreadable, report.exit_code) == (1, 2), keep
