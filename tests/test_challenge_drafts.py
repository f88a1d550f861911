"""The challenge set's texts and draft records (issue 27, docs/challenge/): the texts are what
their script writes, and every draft record committed so far is valid at the verified level
against its own text and tagged with its text's constructs."""

from __future__ import annotations

import hashlib
import json
import runpy
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from diplomatic_visits import validate_record

CHALLENGE = REPO / "docs" / "challenge"
TEXTS = {
    t["id"]: t
    for t in (
        json.loads(line) for line in (CHALLENGE / "texts.jsonl").read_text("utf-8").splitlines()
    )
}
RECORDS = sorted((CHALLENGE / "records").glob("c*.json"))


def test_the_texts_are_what_the_script_writes(tmp_path: Path) -> None:
    script = tmp_path / "build_texts.py"
    script.write_text((CHALLENGE / "build_texts.py").read_text("utf-8"), encoding="utf-8")
    runpy.run_path(str(script), run_name="__main__")
    assert (tmp_path / "texts.jsonl").read_bytes() == (CHALLENGE / "texts.jsonl").read_bytes()
    written = sorted(p.name for p in (tmp_path / "texts").iterdir())
    assert written == sorted(p.name for p in (CHALLENGE / "texts").iterdir())
    for name in written:
        assert (tmp_path / "texts" / name).read_bytes() == (CHALLENGE / "texts" / name).read_bytes()
    assert len(TEXTS) >= 60


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_each_draft_record_is_valid_against_its_text(path: Path) -> None:
    record: dict[str, Any] = json.loads(path.read_text("utf-8"))
    meta = TEXTS[path.stem]
    text_path = CHALLENGE / "texts" / f"{path.stem}.txt"
    text = text_path.read_text("utf-8")
    assert record["article"]["id"] == path.stem
    assert (
        record["article"]["text_file"]["sha256"]
        == hashlib.sha256(text_path.read_bytes()).hexdigest()
    )
    assert validate_record(record, level="verified", text=text) == []
    notes = record["annotation"]["notes"]
    assert any(n.startswith("Draft") for n in notes), "a draft says so until it is reviewed"
    assert any(f"constructs: {', '.join(meta['constructs'])}" in n for n in notes)
