"""Writers for the exports. Every write is atomic: a temporary file beside the target, renamed
into place only once complete, so a failure part-way never leaves a half-written export."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from diplomatic_visits.errors import DiplomaticVisitsError
from diplomatic_visits.schema import Level


class OutputExistsError(DiplomaticVisitsError, FileExistsError):
    """The export target exists and ``force`` was not given."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} exists; pass --force (force=True) to replace it")


@contextlib.contextmanager
def atomic_file(path: Path, force: bool = False) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; on success rename it to ``path``, else delete it."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise


def jsonl_line(record: Mapping[str, Any]) -> bytes:
    """One record as a JSON Lines line: compact, UTF-8, keys in the record's own order."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_jsonl(records: Iterable[Mapping[str, Any]], out: str | Path, force: bool = False) -> int:
    """Write records one per line to ``out`` (``"-"``: stdout). Returns the number written."""
    n = 0
    if str(out) == "-":
        for r in records:
            sys.stdout.buffer.write(jsonl_line(r))
            n += 1
        sys.stdout.buffer.flush()
        return n
    with atomic_file(Path(out), force) as f:
        for r in records:
            f.write(jsonl_line(r))
            n += 1
    return n


# --- Parquet and Hugging Face ---------------------------------------------------------------

#: Fixed writer options: the same data always gives the same bytes (no timestamps are written).
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}
METADATA_KEY = b"diplomatic_visits"


def export_tables(
    records: Sequence[Mapping[str, Any]],
    texts: Sequence[str | None],
    version: str | None = None,
    level: Level = "extraction",
) -> dict[str, Any]:
    """Build every table (``articles`` and the flat ones) with the derived Arrow schemas."""
    from diplomatic_visits import arrow

    tables = {
        "articles": arrow.to_table(
            arrow.article_rows(records, texts), arrow.articles_schema(version, level)
        )
    }
    for name in arrow.FLAT_TABLES:
        tables[name] = arrow.to_table(
            arrow.flat_rows(name, records), arrow.flat_schema(name, version, level)
        )
    return tables


def _with_metadata(table: Any, name: str, version: str | None, level: str) -> Any:
    from diplomatic_visits._version import __version__
    from diplomatic_visits.records import dataset_version
    from diplomatic_visits.schema import latest_version

    meta = {
        "table": name,
        "schema_version": version or latest_version(),
        "level": level,
        "dataset_version": dataset_version(),
        "package_version": __version__,
    }
    return table.replace_schema_metadata({METADATA_KEY: json.dumps(meta, sort_keys=True).encode()})


def write_parquet_table(table: Any, f: IO[bytes]) -> None:
    """Write one table with the fixed options."""
    import pyarrow.parquet as pq

    pq.write_table(table, f, **PARQUET_OPTIONS)


def write_parquet(
    records: Sequence[Mapping[str, Any]],
    texts: Sequence[str | None],
    out: str | Path,
    table: str = "articles",
    version: str | None = None,
    level: Level = "extraction",
    force: bool = False,
) -> int:
    """Write one table to a Parquet file atomically; returns the number of rows."""
    t = _with_metadata(export_tables(records, texts, version, level)[table], table, version, level)
    with atomic_file(Path(out), force) as f:
        write_parquet_table(t, f)
    return int(t.num_rows)


@contextlib.contextmanager
def atomic_dir(path: Path, force: bool = False) -> Iterator[Path]:
    """Build a folder beside ``path`` and move it into place only when complete."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            path.replace(old / "x")
            tmp.replace(path)
            shutil.rmtree(old)
        else:
            tmp.replace(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_hf(
    records: Sequence[Mapping[str, Any]],
    texts: Sequence[str | None],
    out: str | Path,
    version: str | None = None,
    level: Level = "extraction",
    split: str = "test",
    force: bool = False,
) -> dict[str, int]:
    """Write a folder that ``datasets.load_dataset(out, config)`` reads offline: one Parquet file
    per config under ``data/``, a README.md whose YAML header (configs, features, license, ...) is
    generated from the derived schemas, followed by the data card's prose."""
    from diplomatic_visits.hf import card_text

    tables = export_tables(records, texts, version, level)
    counts: dict[str, int] = {}
    with atomic_dir(Path(out), force) as tmp:
        files = {}
        for name, table in tables.items():
            rel = f"data/{name}/{split}.parquet"
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            with (tmp / rel).open("wb") as f:
                write_parquet_table(_with_metadata(table, name, version, level), f)
            files[name] = rel
            counts[name] = int(table.num_rows)
        (tmp / "README.md").write_text(
            card_text({n: t.schema for n, t in tables.items()}, files, split, counts),
            encoding="utf-8",
        )
    return counts


def bundled_with_texts() -> tuple[list[dict[str, Any]], list[str | None]]:
    """The bundled records and, for each, its article text."""
    from diplomatic_visits.records import load_records, load_source_text

    records = load_records()
    return records, [load_source_text(r) for r in records]
