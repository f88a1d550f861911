"""The shipped hand-verified records: conformance, spans checked independently of the package's
own checker, canonical form, checksums, and the sentence-by-sentence accounting."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from diplomatic_visits import ChecksumError, iter_record_issues, load_records, load_source_text
from diplomatic_visits._paths import dataset_dir
from diplomatic_visits.records import canonical_dumps, checksum_problems, record_paths

SEED_SHA256 = "50fdceb61d4e98f1dc6032756a969fcc267ddf3267918dc4b5cb1c8873615196"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_b730d245b05eac44.txt"


def test_source_is_the_seed_article_byte_for_byte() -> None:
    data = (dataset_dir() / "source" / "000_b730d245b05eac44.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256
    if SHARED_SEED.exists():  # CI and developers have ../shared beside the clone
        assert data == SHARED_SEED.read_bytes()


def test_records_are_verified_and_pass_every_semantic_check() -> None:
    records = load_records()
    assert len(records) == 1
    for record in records:
        text = load_source_text(record)
        raw = (dataset_dir() / record["article"]["text_file"]["path"]).read_bytes()
        assert [
            str(i) for i in iter_record_issues(record, level="verified", text=text, text_bytes=raw)
        ] == []


def _walk(node: Any, path: str = "$") -> list[tuple[str, Any]]:
    # Written apart from diplomatic_visits.checks on purpose: a second walker, so that a bug in
    # the package's span finder cannot hide a bad span.
    out = [(path, node)]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _walk(v, f"{path}[{i}]")
    return out


def test_every_span_matches_the_text() -> None:
    for path in record_paths():
        record = json.loads(path.read_text(encoding="utf-8"))
        text = (dataset_dir() / record["article"]["text_file"]["path"]).read_bytes().decode("utf-8")
        nodes = [(p, n) for p, n in _walk(record) if isinstance(n, dict) and "quote" in n]
        spans = [(p, n) for p, n in nodes if set(n) == {"start", "end", "quote"}]
        assert len(spans) > 150
        bad = [(p, s) for p, s in spans if text[s["start"] : s["end"]] != s["quote"]]
        assert bad == []
        bare = [p for p, n in nodes if set(n) == {"quote"}]
        assert bare == [], "gold records carry offsets on every span"


def test_record_files_are_in_canonical_form() -> None:
    for path in record_paths():
        text = path.read_text(encoding="utf-8")
        assert text == canonical_dumps(json.loads(text)), (
            f"{path.name}: run the canonical formatter"
        )


def test_every_sentence_is_accounted_for_in_order() -> None:
    for record in load_records():
        text = load_source_text(record)
        sentences = record["annotation"]["sentences"]
        starts = [s["span"]["start"] for s in sentences]
        assert starts == sorted(starts)
        # The sentences tile the text: between two consecutive sentences there is only white space.
        pos = 0
        for s in sentences:
            assert text[pos : s["span"]["start"]].strip() == "", text[pos : s["span"]["start"]]
            pos = s["span"]["end"]
        assert text[pos:].strip() == ""
        for s in sentences:
            if s["disposition"] != "represented":
                assert s["note"], "a sentence left out says why"
            if s["disposition"] in ("represented", "partly_represented"):
                assert s["contributes"], "a represented sentence names what it supports"


def test_every_object_is_supported_by_some_sentence() -> None:
    for record in load_records():
        contributed = {c for s in record["annotation"]["sentences"] for c in s["contributes"]}
        ids = {a["id"] for a in record["actors"]} | {p["id"] for p in record["places"]}
        for v in record["visits"]:
            ids |= {v["id"]} | {e["id"] for e in v["sub_events"]} | {o["id"] for o in v["outcomes"]}
        ids |= {s["id"] for s in record["statements"]}
        assert ids - contributed == set()


def test_inferred_values_name_their_evidence() -> None:
    for record in load_records():
        for path, node in _walk(record):
            if isinstance(node, dict) and node.get("basis") in (
                "inferred",
                "inferred_with_knowledge",
            ):
                assert node["inferred_from"], path
                assert node["evidence"], f"{path}: an inference points at the words it used"


def test_dataset_checksums_hold() -> None:
    assert checksum_problems(dataset_dir()) == []


def test_checksum_mismatch_is_detected(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "dataset"
    shutil.copytree(dataset_dir(), copy)
    record = next((copy / "records").glob("*.json"))
    record.write_text(
        record.read_text(encoding="utf-8").replace("Kim Jong-un", "Kim Jong Un", 1),
        encoding="utf-8",
    )
    (copy / "records" / "extra.json").write_text("{}", encoding="utf-8")
    problems = checksum_problems(copy)
    assert {(p.path.name, p.expected is None) for p in problems} == {
        (record.name, False),
        ("extra.json", True),
    }
    assert all(isinstance(p, ChecksumError) and "new version" in str(p) for p in problems)


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of schema/ and dataset/ that the package reads instead of the shipped ones (its
    checksum cache cleared before and after): the root holding both."""
    import shutil

    from diplomatic_visits import _paths, records

    root = tmp_path / "root"
    shutil.copytree(_paths.data_root() / "schema", root / "schema")
    shutil.copytree(dataset_dir(), root / "dataset")
    monkeypatch.setattr(_paths, "data_root", lambda: root)
    records.verify_dataset.cache_clear()
    yield root
    records.verify_dataset.cache_clear()


def test_load_records_refuses_a_tampered_dataset(data_copy: Path) -> None:
    src = next((data_copy / "dataset" / "source").glob("*.txt"))
    src.write_bytes(src.read_bytes() + b" ")
    with pytest.raises(ChecksumError) as info:
        load_records()
    assert info.value.path == src


def test_sentences_list_every_object_whose_evidence_they_hold() -> None:
    for record in load_records():
        sentences = record["annotation"]["sentences"]
        lists = {k: record[k] for k in ("actors", "places", "visits", "statements")}
        objects = [o for _, o in _walk(lists) if isinstance(o, dict) and "id" in o]
        for obj in objects:
            for path, span in _walk(
                {k: v for k, v in obj.items() if k not in ("sub_events", "outcomes")}
            ):
                if isinstance(span, dict) and set(span) == {"start", "end", "quote"}:
                    holder = [
                        s
                        for s in sentences
                        if s["span"]["start"] <= span["start"] < s["span"]["end"]
                    ]
                    assert holder and obj["id"] in holder[0]["contributes"], (obj["id"], path)


@pytest.mark.parametrize(
    "named",
    [
        "source/../../../etc/passwd",
        "/etc/passwd",
        "SHA256SUMS",
        "records/000_b730d245b05eac44.json",
        "../pyproject.toml",
        None,
    ],
)
def test_a_record_cannot_make_the_package_read_a_file_of_its_choosing(named: object) -> None:
    """Only the dataset's own article texts are read on a record's say-so."""
    from diplomatic_visits.records import NotBundledError

    record = load_records()[0]
    record["article"]["text_file"]["path"] = named
    with pytest.raises(NotBundledError, match="--source"):
        load_source_text(record)


def test_a_bundled_record_still_finds_its_text() -> None:
    record = load_records()[0]
    text = load_source_text(record)
    assert len(text) == record["article"]["text_file"]["length"]
    assert hashlib.sha256(text.encode()).hexdigest() == record["article"]["text_file"]["sha256"]


# --- the bundled sets: the real article (default) and the challenge set ------------------------


def test_the_challenge_set_is_a_bundled_set_the_package_knows() -> None:
    from diplomatic_visits.records import load_records_with_texts

    records, texts = load_records_with_texts(bundled="challenge")
    assert [r["record_id"] for r in records] == [f"c{i:03d}" for i in range(1, 65)]
    for record, text in zip(records, texts, strict=True):
        assert (
            record["article"]["text_file"]["path"] == f"challenge/source/{record['record_id']}.txt"
        )
        assert text is not None and len(text) == record["article"]["text_file"]["length"]
        assert record["annotation"]["constructs"]
    assert [p.name for p in record_paths("challenge")] == [f"c{i:03d}.json" for i in range(1, 65)]
    # the default is still the real article, alone
    assert [r["record_id"] for r in load_records()] == ["000_b730d245b05eac44"]
    assert load_records(bundled="article") == load_records()


@pytest.mark.parametrize("name", ["nope", "", "records", None])
def test_an_unknown_set_is_refused_naming_the_sets(name: Any) -> None:
    from diplomatic_visits import DiplomaticVisitsError, UnknownSetError

    with pytest.raises(UnknownSetError, match="the sets are: article, challenge") as info:
        load_records(bundled=name)
    assert isinstance(info.value, DiplomaticVisitsError) and info.value.name == name


def test_every_challenge_file_is_in_the_checksums() -> None:
    from diplomatic_visits.records import read_sums

    sums = read_sums(dataset_dir() / "SHA256SUMS")
    challenge = dataset_dir() / "challenge"
    files = {p.relative_to(dataset_dir()).as_posix() for p in challenge.rglob("*") if p.is_file()}
    assert len(files) == 1 + 64 + 64  # texts.jsonl, the texts, the records
    assert files <= set(sums)


def test_a_changed_challenge_file_refuses_that_set_only(data_copy: Path) -> None:
    record = data_copy / "dataset" / "challenge" / "records" / "c007.json"
    record.write_bytes(record.read_bytes() + b" ")
    (data_copy / "dataset" / "challenge" / "records" / "c999.json").write_text(
        "{}", encoding="utf-8"
    )
    with pytest.raises(ChecksumError) as info:
        load_records(bundled="challenge")
    assert info.value.path == record
    assert len(load_records()) == 1  # the article's files are all as released
    problems = checksum_problems(data_copy / "dataset")
    assert {(p.path.name, p.expected is None) for p in problems} == {
        ("c007.json", False),
        ("c999.json", True),
    }


def test_a_challenge_record_finds_its_text_on_its_own_say_so() -> None:
    record = load_records(bundled="challenge")[0]
    assert load_source_text(record).startswith("President Ilsa Varn of Arvenia")


def test_the_card_has_the_challenge_section_with_the_generated_construct_table() -> None:
    from diplomatic_visits.score import construct_table, construct_vocabulary

    card = (dataset_dir() / "README.md").read_text(encoding="utf-8")
    assert "## Challenge set" in card
    for config in ("`challenge`", "`challenge_messages`", "`challenge_prompt_completion`"):
        assert config in card
    start = "<!-- constructs: generated by diplomatic_visits.score.construct_table() -->\n"
    block = card.split(start, 1)[1].split("\n<!-- end constructs -->", 1)[0]
    expected = construct_table()
    assert block == expected, "run docs/challenge/card_table.py (the records' tags changed)"
    vocabulary = construct_vocabulary("2.1.0")
    assert len(vocabulary) == 30 and all(vocabulary.values())  # every tag has its meaning
    assert "`postponed` | a visit put back" in block
    assert construct_vocabulary("2.0.0") == {}  # before the field existed
