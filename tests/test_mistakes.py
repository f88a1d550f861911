"""The mistakes a new user makes (issue 24): each gets a message that says what is wrong and
what to do, exit 2 for a usage error, and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits.cli import main
from diplomatic_visits.schema import available_versions

RECORD = REPO / "dataset" / "records" / "000_b730d245b05eac44.json"
SOURCE = REPO / "dataset" / "source" / "000_b730d245b05eac44.txt"
MINIMAL = EXAMPLES / "valid" / "extraction-quotes-without-offsets.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- outputs ---------------------------------------------------------------------------------


def test_migrate_to_an_existing_folder_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    old = EXAMPLES / "valid" / "verified-gold-record-1.1.0.json"  # the gold of dataset 2.0.0
    code, _, err = run(capsys, "migrate", old, "--to", "2.0.0", "--out", folder, "--force")
    assert code == 2
    assert "is a folder: give the file to write" in err and "Traceback" not in err
    assert folder.is_dir() and not any(folder.iterdir())


# --- the Python API --------------------------------------------------------------------------


def test_validate_files_takes_one_path_as_str_or_path() -> None:
    import diplomatic_visits as dv

    for one in (str(RECORD), RECORD):
        report = dv.validate_files(one)
        assert report.checked == 1 and report.valid == 1 and report.exit_code == 0
    with pytest.raises(TypeError, match="validate_record"):
        dv.validate_files([load_json(RECORD)])


def test_load_source_text_says_what_to_pass() -> None:
    import diplomatic_visits as dv

    with pytest.raises(TypeError, match=r"takes a record \(a dict"):
        dv.load_source_text("000_b730d245b05eac44")


def test_score_records_refuses_one_record_for_a_list(gold: dict[str, Any]) -> None:
    import diplomatic_visits as dv

    with pytest.raises(TypeError, match=r"preds: a list of records, not one record.*\[record\]"):
        dv.score_records(gold, [gold])
    with pytest.raises(TypeError, match=r"golds: a list of records, not one record"):
        dv.score_records([gold], gold)
    assert dv.score_records([gold], [gold]).predictions == 1


def test_score_files_takes_one_path() -> None:
    import diplomatic_visits as dv

    result = dv.score_files(RECORD, RECORD)
    assert result.predictions == 1 and not result.duplicates


def test_bundle_schema_names_the_profile_in_its_messages() -> None:
    import diplomatic_visits as dv

    with pytest.raises(dv.UnknownProfileError) as exc:
        dv.bundle_schema(profile="openai")
    assert str(exc.value) == "unknown profile 'openai'; profiles: llm"
    with pytest.raises(dv.UnknownProfileError) as exc:
        dv.bundle_schema(level="verified", profile="llm")
    assert "profile 'llm' derives from level extraction, not 'verified'" in str(exc.value)
    assert "unknown level" not in str(exc.value)
    assert isinstance(exc.value, ValueError)  # as before: callers catching ValueError still do


# --- compat ----------------------------------------------------------------------------------


def _compat_output(seed: str) -> str:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO / "loaders")}
    done = subprocess.run(
        [sys.executable, "-m", "diplomatic_visits", "compat", "1.0.0", "1.1.0", "--generated", "0"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_compat_report_is_the_same_whatever_the_hash_seed() -> None:
    first = _compat_output("1")
    assert "optional property added" in first  # the report has findings to order
    assert _compat_output("2") == first
    assert _compat_output("3") == first


def test_compat_does_not_count_a_record_already_invalid_under_old(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0.0", "nonsense": 1}\n', encoding="utf-8")
    code, out, _ = run(capsys, "compat", "1.0.0", "1.1.0", bad, "--generated", "0")
    assert code == 0
    assert "no longer valid" not in out and "needs a minor release" in out
    assert f"not counted, already invalid under 1.0.0: {bad}:1" in out


# --- a text where a record goes, a record where a text goes ---------------------------------

ARTICLE = (
    "Foreign Minister Ada Brenn of Veloria arrived in Castor on Monday.\n"
    "\n"
    "She met President Ilo Marsk, and the two signed a fisheries accord.\n"
    "\n"
    "Brenn leaves for Veloria on Wednesday.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_prompt_refuses_a_folder(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    code, out, err = run(capsys, "prompt", article.parent)
    assert code == 2 and not out
    assert "is a folder: prompt takes one article text" in err and "extract" in err


def test_prompt_refuses_a_record(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "prompt", RECORD)
    assert code == 2 and not out
    assert "looks like a record (JSON), not an article text" in err
    code, out, _ = run(capsys, "prompt", SOURCE)  # the article itself still works
    assert code == 0 and json.loads(out)[1]["role"] == "user"


def test_validate_an_article_text_says_so_once(
    capsys: pytest.CaptureFixture[str], article: Path
) -> None:
    code, out, err = run(capsys, "validate", article)
    assert code == 2
    both = out + err
    assert "invalid JSON" not in both
    assert both.count("looks like an article text") == 1
    assert f"with --source {article}" in both
    assert "1 unreadable input" in out and "looks like an article text" in err


def test_validate_a_record_given_as_source_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", RECORD, "--source", RECORD)
    assert code == 2
    assert "looks like a record (JSON), not an article text" in err and "sha256" not in err


def test_unshipped_schema_version_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    record = load_json(RECORD)
    record["schema_version"] = "9.0.0"
    path = tmp_path / "future.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    code, out, _ = run(capsys, "validate", path)
    assert code == 1
    shipped = ", ".join(available_versions())
    assert f"$.schema_version: 9.0.0 is not a shipped version ({shipped})" in out
    assert "was expected" not in out


# --- options take one value each time; INPUTs may come on either side ------------------------


def test_validate_inputs_on_both_sides_of_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "validate", RECORD, "--source", SOURCE, RECORD, "--level", "verified"
    )
    assert code == 0, err
    assert "2 records checked: 2 valid" in out


def test_score_gold_before_the_prediction(capsys: pytest.CaptureFixture[str]) -> None:
    gold = REPO / "dataset" / "records"
    code, out, err = run(capsys, "score", "--gold", gold, RECORD, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["predictions"] == 1
    code, out, err = run(capsys, "score", RECORD, "--gold", gold, "--gold", RECORD)
    assert code == 0, err  # two --gold options: both read (the same article twice is one gold)


def test_view_gold_takes_one_path_each_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "diff.html"
    code, _, err = run(capsys, "view", "--gold", RECORD, MINIMAL, "--out", page)
    assert code == 0, err
    assert page.read_text(encoding="utf-8").startswith("<!")


# --- our export's other tables given to validate ---------------------------------------------


def test_validate_names_an_exported_table_that_is_not_records(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    visits = tmp_path / "visits.parquet"
    assert run(capsys, "export", "parquet", "--table", "visits", "--out", visits)[0] == 0
    code, out, err = run(capsys, "validate", visits)
    assert code == 2
    assert "the 'visits' table of our export" in err and "reads the 'articles' table" in err
    assert "0 invalid" in out  # no row is called an invalid record
    articles = tmp_path / "articles.parquet"
    assert run(capsys, "export", "parquet", "--out", articles)[0] == 0
    code, out, _ = run(capsys, "validate", articles, "--level", "verified")
    assert code == 0 and "1 record checked: 1 valid" in out


# --- small ones ------------------------------------------------------------------------------


def test_input_errors_go_to_stderr_and_the_summary_to_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.jsonl"
    code, out, err = run(capsys, "validate", missing, RECORD)
    assert code == 2
    assert f"{missing}: no such file or folder" in err and str(missing) not in out
    assert out == "1 record checked: 1 valid, 0 invalid, 1 unreadable input\n"


def test_every_command_and_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["info", "--help"], ["score", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
    helps = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "checksum of every shipped file" in helps  # info's description
    assert "json: every number, for programs" in helps  # score --format


def test_one_row_is_one_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "export", "parquet", "--out", tmp_path / "a.parquet")
    assert code == 0 and "wrote 1 row of table 'articles'" in err
    code, _, err = run(capsys, "export", "jsonl", "--out", tmp_path / "a.jsonl")
    assert code == 0 and "wrote 1 record to" in err


def test_dir_lists_the_public_names_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import diplomatic_visits as dv

    # what a mypyc build leaves in the package's namespace, and a submodule once imported
    monkeypatch.setattr(dv, "checks__mypyc", object(), raising=False)
    import diplomatic_visits.checks

    names = dir(dv)
    assert "checks__mypyc" not in names and "checks" not in names
    assert set(dv.__all__) <= set(names) and "__version__" in names
