"""Exports: Parquet and Hugging Face folders, typed from the schema, lossless, deterministic,
atomic, and readable by pyarrow, polars, duckdb and datasets."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import diplomatic_visits as dv
from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits import (
    arrow,
    dataset_version,
    export,
    latest_version,
    load_records,
    load_source_text,
)
from diplomatic_visits.cli import main
from diplomatic_visits.hf import to_dataset_dict
from diplomatic_visits.records import load_records_with_texts

SOURCE = Path(__file__).resolve().parent.parent / "dataset" / "source" / "000_b730d245b05eac44.txt"
TABLES = ["articles", *arrow.FLAT_TABLES]
#: The challenge set's configs beside the article's: one per table, named after the set.
CHALLENGE_CONFIGS = [
    "challenge",
    *(f"challenge_{t}" for t in [*arrow.FLAT_TABLES, *arrow.TRAINING_TABLES]),
]


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("parquet")
    for table in TABLES:
        assert (
            main(["export", "parquet", "--table", table, "--out", str(d / f"{table}.parquet")]) == 0
        )
    return d


def _rows_back(path: Path, table: str) -> list[dict[str, Any]]:
    schema = (
        arrow.articles_schema(level="verified")
        if table == "articles"
        else arrow.flat_schema(table, level="verified")
    )
    return list(arrow.from_arrow_rows(pq.read_table(path).to_pylist(), schema))


def test_articles_round_trip_is_identity_and_carries_the_text(parquet_dir: Path) -> None:
    rows = _rows_back(parquet_dir / "articles.parquet", "articles")
    records = load_records()
    assert [{k: v for k, v in r.items() if k != "text"} for r in rows] == records
    assert rows[0]["text"] == load_source_text(records[0])


@pytest.mark.parametrize("table", list(arrow.FLAT_TABLES))
def test_flat_tables_round_trip(parquet_dir: Path, table: str) -> None:
    rows = _rows_back(parquet_dir / f"{table}.parquet", table)
    want = [{"record_id": r["record_id"], **item} for r in load_records() for item in r[table]]
    assert rows == want and rows


@pytest.mark.parametrize("table", TABLES)
def test_file_schema_is_the_derived_one(parquet_dir: Path, table: str) -> None:
    derived = (
        arrow.articles_schema(level="verified")
        if table == "articles"
        else arrow.flat_schema(table, level="verified")
    )
    read = pq.read_schema(parquet_dir / f"{table}.parquet")
    assert read.remove_metadata().equals(derived, check_metadata=True)
    meta = json.loads(read.metadata[export.METADATA_KEY])
    assert (
        meta["table"] == table
        and meta["schema_version"] == latest_version()
        and meta["dataset_version"] == dataset_version()
    )
    assert b"huggingface" not in read.metadata  # keeps the files readable by datasets 3.x too


def test_nested_columns_are_typed_not_json_strings(parquet_dir: Path) -> None:
    import pyarrow as pa

    schema = pq.read_schema(parquet_dir / "articles.parquet")
    visits = schema.field("visits").type
    assert pa.types.is_list(visits) and pa.types.is_struct(visits.value_type)
    start = visits.value_type.field("start").type
    assert start.field("evidence").type.value_type.field("start").type == pa.int64()
    assert not schema.field("record_id").nullable
    # required at the verified level (the bundled export); optional and nullable at extraction
    assert not schema.field("annotation").nullable
    assert arrow.articles_schema(level="extraction").field("annotation").nullable


def test_same_data_gives_identical_bytes(tmp_path: Path, parquet_dir: Path) -> None:
    again = tmp_path / "again.parquet"
    assert main(["export", "parquet", "--out", str(again)]) == 0
    assert again.read_bytes() == (parquet_dir / "articles.parquet").read_bytes()


def test_polars_and_duckdb_read_with_no_options(parquet_dir: Path) -> None:
    import duckdb
    import polars as pl

    df = pl.read_parquet(parquet_dir / "visits.parquet")
    assert df.height == 3 and df["start"].struct.field("value").to_list() == [
        "2023-09-12",
        "2019-04",
        None,
    ]
    path = str(parquet_dir / "statements.parquet")
    rows = duckdb.sql(f"select speaker, mode from read_parquet('{path}') order by id").fetchall()
    assert ("a_kremlin", "paraphrase") in rows and len(rows) == 7
    articles = str(parquet_dir / "articles.parquet")
    assert duckdb.sql(f"select len(visits) from read_parquet('{articles}')").fetchall() == [(3,)]


def test_write_is_atomic_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "a.parquet"

    def boom(table: Any, f: Any) -> None:
        f.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(export, "write_parquet_table", boom)
    with pytest.raises(OSError, match="disk full"):
        export.write_parquet(*load_records_with_texts(), out)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    out.write_bytes(b"keep me")
    assert main(["export", "parquet", "--out", str(out)]) == 2
    assert out.read_bytes() == b"keep me"
    assert main(["export", "parquet", "--out", str(out), "--force"]) == 0
    assert pq.read_table(out).num_rows == 1


def test_hf_folder_loads_offline_with_derived_features(tmp_path: Path) -> None:
    import datasets
    import yaml

    out = tmp_path / "hf"
    assert main(["export", "hf", "--out", str(out)]) == 0
    card = (out / "README.md").read_text(encoding="utf-8")
    head = yaml.safe_load(card.split("---", 2)[1])
    article = [*TABLES, *arrow.TRAINING_TABLES]
    assert [c["config_name"] for c in head["configs"]] == [*article, *CHALLENGE_CONFIGS]
    assert (
        head["license"] == "other"
        and head["language"] == ["en"]
        and head["size_categories"] == ["n<1K"]
    )
    assert "## Motivation" in card  # the data card's prose follows the generated header
    records = load_records()
    for table in TABLES:
        # a fresh cache: datasets keys its cache of a local folder by folder name and config, so
        # a stale copy from an earlier export with the same folder name could be served instead
        ds = datasets.load_dataset(str(out), table, cache_dir=str(tmp_path / "cache"))["test"]
        derived = (
            arrow.articles_schema(level="verified")
            if table == "articles"
            else arrow.flat_schema(table, level="verified")
        )
        assert ds.features == datasets.Features.from_arrow_schema(derived)
        rows = list(arrow.from_arrow_rows(ds.to_list(), derived))
        if table == "articles":
            assert [{k: v for k, v in r.items() if k != "text"} for r in rows] == records
        else:
            assert rows == [{"record_id": r["record_id"], **i} for r in records for i in r[table]]
    assert main(["export", "hf", "--out", str(out)]) == 2  # exists: needs --force


def test_training_configs_pair_the_article_with_a_target_a_model_can_produce(
    tmp_path: Path,
) -> None:
    import datasets

    from diplomatic_visits import profile, prompt

    out = tmp_path / "hf"
    assert main(["export", "hf", "--out", str(out)]) == 0
    gold = load_records()[0]
    text = dv.load_source_text(gold)
    cache = str(tmp_path / "cache")
    (row,) = datasets.load_dataset(str(out), "messages", cache_dir=cache)["test"].to_list()
    assert [m["role"] for m in row["messages"]] == ["system", "user", "assistant"]
    version = gold["schema_version"]  # the prompt of the record's own version
    assert row["messages"][:2] == prompt.messages(text, version)  # what `prompt` prints
    answer = row["messages"][2]["content"]
    assert json.loads(answer) == profile.project(gold)
    record, _ = profile.lift(answer, text, article_id=gold["article"]["id"])
    assert dv.validate_record(record, text=text) == []
    (pc,) = datasets.load_dataset(str(out), "prompt_completion", cache_dir=cache)["test"].to_list()
    assert pc["prompt"] == prompt.prompt_text(text, version) and pc["completion"] == answer
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "- `messages`:" in card and "- `prompt_completion`:" in card


def test_training_configs_need_the_texts(tmp_path: Path) -> None:
    # your records without --source: the data configs are written, the training ones cannot be
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(load_records()[0]) + "\n", encoding="utf-8")
    out = tmp_path / "hf"
    assert main(["export", "hf", str(src), "--out", str(out)]) == 0
    assert not (out / "data" / "messages").exists()
    assert (
        main(["export", "parquet", "--table", "messages", "--out", str(tmp_path / "m.parquet")])
        == 0
    )


def test_dataset_dict_function() -> None:
    dd = to_dataset_dict()
    row = dd["test"][0]
    assert row["record_id"] == "000_b730d245b05eac44" and row["text"].startswith("The North Korean")
    schema = arrow.articles_schema(level="verified")
    back = next(arrow.from_arrow_rows([row], schema))
    assert {k: v for k, v in back.items() if k != "text"} == load_records()[0]


def test_hf_without_datasets_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)
    assert main(["export", "hf", "--out", str(tmp_path / "x")]) == 2
    assert "pip install 'diplomatic-visits[hf]'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_user_input_export_with_source_text(tmp_path: Path) -> None:
    rec = load_json(EXAMPLES / "valid" / "extraction-quotes-without-offsets.json")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "a.parquet"
    argv = ["export", "parquet", str(src), "--source", str(SOURCE), "--out", str(out)]
    assert main(argv) == 0
    row = pq.read_table(out).to_pylist()[0]
    assert row["text"] == SOURCE.read_text(encoding="utf-8")
    back = next(arrow.from_arrow_rows([row], arrow.articles_schema()))
    assert {k: v for k, v in back.items() if k != "text"} == rec  # quotes without offsets stay so
    assert main(["export", "parquet", "--out", "-"]) == 2


def _many_records(tmp_path: Path, n: int, bad: int | None = None) -> Path:
    base = load_json(EXAMPLES / "valid" / "extraction-quotes-without-offsets.json")
    lines = []
    for i in range(n):
        rec = json.loads(json.dumps(base))
        rec["record_id"] = f"r{i:04d}"
        if i == bad:
            rec["visits"][0]["status"]["value"] = "finished"
        lines.append(json.dumps(rec, ensure_ascii=False))
    src = tmp_path / "many.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


def test_streaming_parquet_export_matches_and_is_independent_of_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diplomatic_visits import jsonl

    monkeypatch.setattr(jsonl, "CHUNK_BYTES", 9 * 4000)  # several chunks, several row groups
    src = _many_records(tmp_path, 40)
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}.parquet"
        argv = [
            "export",
            "parquet",
            str(src),
            "--source",
            str(SOURCE),
            "--out",
            str(out),
        ]
        assert main([*argv, "--jobs", jobs]) == 0
        outs[jobs] = out.read_bytes()
    assert outs["1"] == outs["2"]
    table = pq.read_table(tmp_path / "j1.parquet")
    chunks = len(list(jsonl.chunks(str(src))))
    assert chunks > 1  # one row group per chunk of lines
    assert table.num_rows == 40 and pq.ParquetFile(tmp_path / "j1.parquet").num_row_groups == chunks
    rows = list(arrow.from_arrow_rows(table.to_pylist(), arrow.articles_schema()))
    want = [json.loads(x) for x in src.read_text(encoding="utf-8").splitlines()]
    assert [{k: v for k, v in r.items() if k != "text"} for r in rows] == want
    assert all(r["text"] == SOURCE.read_text(encoding="utf-8") for r in rows)
    meta = json.loads(pq.read_schema(tmp_path / "j1.parquet").metadata[export.METADATA_KEY])
    assert meta["level"] == "extraction" and meta["table"] == "articles"


def test_streaming_export_refuses_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _many_records(tmp_path, 30, bad=17)
    out = tmp_path / "out.parquet"
    assert main(["export", "parquet", str(src), "--out", str(out), "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert f"{src}:18: $.visits[0].status.value" in err
    assert "refusing to export: 1 of 30 records are invalid" in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["many.jsonl"]
    json_input = tmp_path / "one.json"
    json_input.write_text(
        json.dumps(
            load_json(EXAMPLES / "valid" / "extraction-quotes-without-offsets.json"), indent=2
        ),
        encoding="utf-8",
    )
    assert (
        main(
            [
                "export",
                "parquet",
                str(json_input),
                "--out",
                str(out),
                "--table",
                "visits",
            ]
        )
        == 0
    )
    assert pq.read_table(out).num_rows == 1


def test_croissant_describes_the_files_and_validates(tmp_path: Path) -> None:
    import hashlib

    import mlcroissant as mlc

    out = tmp_path / "hf"
    assert main(["export", "hf", "--out", str(out)]) == 0
    doc = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    for fo in doc["distribution"]:
        data = (out / fo["contentUrl"]).read_bytes()
        assert fo["sha256"] == hashlib.sha256(data).hexdigest()
    record_sets = {rs["name"]: rs for rs in doc["recordSet"]}
    assert list(record_sets) == [*TABLES, *arrow.TRAINING_TABLES, *CHALLENGE_CONFIGS]
    # the same fields, typed alike, as the article's record set
    mine, theirs = record_sets["articles"]["field"], record_sets["challenge"]["field"]
    for a, c in zip(mine, theirs, strict=True):
        assert (a["name"], a["dataType"]) == (c["name"], c["dataType"])
    visits = {f["name"]: f for f in record_sets["visits"]["field"]}
    assert visits["duration_days"]["dataType"] == "sc:Integer"
    assert visits["sub_events"]["isArray"] and visits["sub_events"]["dataType"] == "cr:RecordSet"
    dataset = mlc.Dataset(jsonld=str(out / "croissant.json"))  # validates the metadata offline
    assert not dataset.metadata.ctx.issues.errors


@pytest.mark.parametrize("name", ["articles", *arrow.FLAT_TABLES])
def test_table_builder_gives_the_table_of_all_rows_at_once(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # records go into Arrow a few at a time: the parts joined must be the table of all the rows
    monkeypatch.setattr(arrow.TableBuilder, "BATCH", 2)
    records = [load_json(EXAMPLES / "valid" / "extraction-quotes-without-offsets.json")] * 3
    records += load_records()
    texts = [None, "a", None, load_source_text(records[-1])]
    if name == "articles":
        rows = list(arrow.article_rows(records, texts))
        schema = arrow.articles_schema()
    else:
        rows = list(arrow.flat_rows(name, records))
        schema = arrow.flat_schema(name)
    whole = arrow.to_table(rows, schema)
    built = arrow.build_table(name, records, texts)
    assert built.equals(whole) and built.schema.equals(schema, check_metadata=True)
    assert built.num_rows == len(rows) > arrow.TableBuilder.BATCH


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "hf"])
def test_every_format_checks_quotes_against_the_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    # --source means the same for every export as for validate: an invented quote refuses it
    rec = load_records()[0]
    rec["statements"][1]["quote"] = "a new chapter in the relations between our two countries"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["export", fmt, str(src), "--out", str(out)]) == 0  # without the text: unseen
    argv = ["export", fmt, str(src), "--source", str(SOURCE), "--out", str(tmp_path / "o2")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "$.statements[1].quote" in err and "does not occur in the source text" in err
    assert not (tmp_path / "o2").exists()


def test_exports_get_the_permissions_of_any_new_file(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        for fmt, name in (("jsonl", "a.jsonl"), ("parquet", "a.parquet"), ("hf", "hf")):
            assert main(["export", fmt, "--out", str(tmp_path / name)]) == 0
            mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
            assert mode == (0o755 if fmt == "hf" else 0o644), (fmt, oct(mode))
    finally:
        os.umask(old)


def test_the_old_input_spelling_still_works_and_says_what_to_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = load_json(EXAMPLES / "valid" / "extraction-quotes-without-offsets.json")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["export", "jsonl", "--input", str(src), "--out", str(out)]) == 0
    assert "--input is deprecated" in capsys.readouterr().err
    assert json.loads(out.read_text(encoding="utf-8")) == rec


def test_no_records_is_not_an_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert main(["export", "jsonl", str(empty), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "no records found" in capsys.readouterr().err
    argv = ["export", "jsonl", str(empty), "--out", str(tmp_path / "o.jsonl"), "--allow-empty"]
    assert main(argv) == 0
    assert (tmp_path / "o.jsonl").read_bytes() == b""


# --- the challenge set (issue 27) -------------------------------------------------------------


LOADED = ["visits", "challenge_visits", *arrow.TRAINING_TABLES]
LOADED += [f"challenge_{t}" for t in arrow.TRAINING_TABLES]


def _derived(table: str) -> Any:
    return arrow.table_schema(table, None, "verified")


def _without_text(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "text"} for r in rows]


def test_hf_folder_has_the_challenge_configs_beside_the_article(tmp_path: Path) -> None:
    import datasets
    import yaml

    out = tmp_path / "hf"
    assert main(["export", "hf", "--out", str(out)]) == 0
    cache = str(tmp_path / "cache")
    records, texts = load_records_with_texts(bundled="challenge")
    assert len(records) == 64
    article = datasets.load_dataset(str(out), "articles", cache_dir=cache)["test"]
    challenge = datasets.load_dataset(str(out), "challenge", cache_dir=cache)["test"]
    assert challenge.num_rows == 64
    assert challenge.features == article.features  # one schema version for both sets
    assert challenge.features == datasets.Features.from_arrow_schema(_derived("articles"))
    rows = list(arrow.from_arrow_rows(challenge.to_list(), _derived("articles")))
    assert _without_text(rows) == records
    assert [r["text"] for r in rows] == texts
    # datasets reads the most nested flat table and the training ones (a load takes ~0.7 s);
    # every flat table's file has the derived schema and gives the records' items back
    load = {n: datasets.load_dataset(str(out), n, cache_dir=cache)["test"] for n in LOADED}
    for table in ("visits", *arrow.TRAINING_TABLES):
        assert load[f"challenge_{table}"].features == load[table].features
    for table in arrow.FLAT_TABLES:
        got = pq.read_table(out / "data" / f"challenge_{table}" / "test.parquet")
        assert got.schema.remove_metadata() == _derived(table).remove_metadata()
        back = list(arrow.from_arrow_rows(got.to_pylist(), _derived(table)))
        assert back == [{"record_id": r["record_id"], **i} for r in records for i in r[table]]
    ids = [r["record_id"] for r in records]
    for table in arrow.TRAINING_TABLES:
        ds = load[f"challenge_{table}"]
        assert ds.num_rows == 64 and ds["record_id"] == ids
    first = load["challenge_messages"][0]
    assert first["messages"][1]["content"].count(texts[0].strip()) == 1  # the article is the input
    card = (out / "README.md").read_text(encoding="utf-8")
    head = yaml.safe_load(card.split("---", 2)[1])
    infos = {i["config_name"]: i["features"] for i in head["dataset_info"]}
    assert infos["challenge"] == infos["articles"] and infos["challenge_visits"] == infos["visits"]
    assert "- `challenge`: as `articles`, of the challenge set" in card and "(64 rows)" in card
    assert "## Challenge set" in card  # the data card's section follows


def test_challenge_parquet_and_jsonl_round_trips_are_lossless(tmp_path: Path) -> None:
    records, texts = load_records_with_texts(bundled="challenge")
    jsonl = tmp_path / "c.jsonl"
    assert main(["export", "jsonl", "--bundled", "challenge", "--out", str(jsonl)]) == 0
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records
    for table in [*TABLES, *arrow.TRAINING_TABLES]:
        path = tmp_path / f"{table}.parquet"
        argv = ["export", "parquet", "--bundled", "challenge", "--table", table, "--out", str(path)]
        assert main(argv) == 0
        got = pq.read_table(path)
        assert got.schema.remove_metadata() == _derived(table).remove_metadata()
        rows = list(arrow.from_arrow_rows(got.to_pylist(), _derived(table)))
        if table == "articles":
            assert _without_text(rows) == records and [r["text"] for r in rows] == texts
        elif table in arrow.FLAT_TABLES:
            assert rows == [{"record_id": r["record_id"], **i} for r in records for i in r[table]]
        else:
            assert len(rows) == 64 and [r["record_id"] for r in rows] == [
                r["record_id"] for r in records
            ]
            pairs = zip(records, texts, strict=True)
            assert rows == [arrow.training_row(table, r, t) for r, t in pairs]


def test_a_typed_export_that_would_drop_part_of_a_record_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the challenge records are schema 2.1.0: the 2.0.0 columns have no annotation.constructs
    out = tmp_path / "c.parquet"
    argv = ["export", "parquet", "--bundled", "challenge", "--schema-version", "2.0.0"]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "would drop $.annotation.constructs from 64 record(s) (c001" in err
    assert "--schema-version 2.1.0" in err
    assert not out.exists()
    assert export.lossy_records(load_records(bundled="challenge"), "2.1.0", "verified") == []


def test_bundled_is_not_for_your_own_records(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(load_records()[0]) + "\n", encoding="utf-8")
    argv = ["export", "jsonl", str(src), "--bundled", "challenge", "--out", str(tmp_path / "o")]
    assert main(argv) == 2


def test_dataset_dict_of_the_challenge_set() -> None:
    dd = to_dataset_dict(bundled="challenge")
    assert dd["test"].num_rows == 64 and dd["test"][0]["record_id"] == "c001"


def test_a_second_export_into_a_folder_of_the_same_name_loads_as_itself(tmp_path: Path) -> None:
    """datasets (5.2.0) keys its cache of a local folder by the folder's name and the card's
    YAML, not by the files: the card's per-config checksums make two exports differ."""
    import datasets

    challenge = REPO / "dataset" / "challenge"
    cache = str(tmp_path / "cache")  # one cache for both, as a user's default one is
    seen = []
    for parent, ids in (("a", ["c001", "c002"]), ("b", ["c001", "c003"])):
        out = tmp_path / parent / "hf"
        inputs = [str(challenge / "records" / f"{i}.json") for i in ids]
        argv = ["export", "hf", *inputs, "--source", str(challenge / "source"), "--out", str(out)]
        assert main(argv) == 0
        rows = datasets.load_dataset(str(out), "articles", cache_dir=cache)["test"]
        seen.append(list(rows["record_id"]))
    assert seen == [["c001", "c002"], ["c001", "c003"]]
