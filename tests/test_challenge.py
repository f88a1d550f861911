"""The challenge set (issue 27, dataset/challenge/): its texts are what their script writes, and
every record is valid at the verified level against its own text, tagged (``annotation.
constructs``) with its text's constructs, and was cold-reviewed by a model instance that did
not write it (an agent of role ``reviewer`` and a log entry of that review)."""

from __future__ import annotations

import hashlib
import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from diplomatic_visits import validate_record
from diplomatic_visits.schema import load_schema

CHALLENGE = REPO / "dataset" / "challenge"
TEXTS = {
    t["id"]: t
    for t in (
        json.loads(line) for line in (CHALLENGE / "texts.jsonl").read_text("utf-8").splitlines()
    )
}
RECORDS = sorted((CHALLENGE / "records").glob("c*.json"))
VOCABULARY = load_schema("2.1.0", "extraction")["$defs"]["annotation"]["properties"]["constructs"]


def test_the_texts_are_what_the_script_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["build_texts.py", "--out", str(tmp_path)])
    runpy.run_path(str(REPO / "docs" / "challenge" / "build_texts.py"), run_name="__main__")
    assert (tmp_path / "texts.jsonl").read_bytes() == (CHALLENGE / "texts.jsonl").read_bytes()
    written = sorted(p.name for p in (tmp_path / "source").iterdir())
    assert written == sorted(p.name for p in (CHALLENGE / "source").iterdir())
    for name in written:
        assert (tmp_path / "source" / name).read_bytes() == (
            CHALLENGE / "source" / name
        ).read_bytes()
    assert len(TEXTS) >= 60


def test_every_construct_of_the_schema_has_two_texts_and_no_text_another_tag() -> None:
    used = [c for t in TEXTS.values() for c in t["constructs"]]  # type: ignore[attr-defined]
    assert set(used) == set(VOCABULARY["items"]["enum"])
    assert all(used.count(c) >= 2 for c in set(used))


def test_one_record_a_text() -> None:
    assert [p.stem for p in RECORDS] == sorted(TEXTS)


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_each_record_is_valid_against_its_text_and_reviewed(path: Path) -> None:
    record: dict[str, Any] = json.loads(path.read_text("utf-8"))
    meta = TEXTS[path.stem]
    text_path = CHALLENGE / "source" / f"{path.stem}.txt"
    text = text_path.read_text("utf-8")
    assert record["article"]["id"] == record["record_id"] == path.stem
    assert record["article"]["text_file"]["path"] == f"challenge/source/{path.stem}.txt"
    assert (
        record["article"]["text_file"]["sha256"]
        == hashlib.sha256(text_path.read_bytes()).hexdigest()
    )
    assert record["schema_version"] == "2.1.0"
    assert validate_record(record, level="verified", text=text) == []
    annotation = record["annotation"]
    assert annotation["constructs"] == meta["constructs"]
    assert annotation["notes"][0].startswith("Challenge set record (issue 27)")
    assert any(a["role"] == "reviewer" for a in annotation["agents"])
    assert any("cold review" in e["method"] for e in annotation["verification"])
    published = record["article"]["source"]["published"]
    assert published["value"] == meta["published"]
    if meta["published"] is not None:  # one convention: the metadata states it, no evidence
        assert (published["basis"], published["evidence"]) == ("stated", [])
