"""``view`` draws every record of the challenge set (issue 27) over its text: with the text
given (--source), and without it (the bundled challenge text of the record's article)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from diplomatic_visits.cli import main
from diplomatic_visits.inputs import Sources
from diplomatic_visits.view import build_page

CHALLENGE = REPO / "dataset" / "challenge"
RECORDS = sorted((CHALLENGE / "records").glob("*.json"))
SOURCES = Sources.from_files([str(CHALLENGE / "source")])


def _data(page: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="dv-data">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def test_there_are_challenge_records() -> None:
    assert len(RECORDS) >= 60


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_view_draws_every_challenge_record_over_its_text(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    text = (CHALLENGE / "source" / f"{record['article']['id']}.txt").read_text(encoding="utf-8")
    for sources in (SOURCES, None):  # given, and found in the bundle
        page = build_page([str(path)], sources=sources, level="verified")
        assert (page.issues, page.missing) == (0, 0)
        data = _data(page.html)
        assert data["text"] == text
        assert page.spans == len(data["spans"]) > 0
        assert all(text[s["s"] : s["e"]] == s["quote"] for s in data["spans"])  # drawn in place


def test_view_command_draws_a_challenge_record(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "c.html"
    rec = str(RECORDS[0])
    argv = ["view", rec, "--source", str(CHALLENGE / "source"), "--out", str(out)]
    assert main(argv) == 0
    assert "0 validation issues, 0 quotes not in the text" in capsys.readouterr().err
    assert main(["view", rec, "--out", str(out), "--force"]) == 0  # the bundled text
    assert "0 validation issues, 0 quotes not in the text" in capsys.readouterr().err
