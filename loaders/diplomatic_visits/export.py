"""Writers for the exports. Every write is atomic: a temporary file beside the target, renamed
into place only once complete, so a failure part-way never leaves a half-written export."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from diplomatic_visits.errors import DiplomaticVisitsError, InputError
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


def export_table(
    name: str,
    records: Sequence[Mapping[str, Any]],
    texts: Sequence[str | None],
    version: str | None = None,
    level: Level = "extraction",
) -> Any:
    """Build one table (``articles`` or a flat one) with its derived Arrow schema."""
    from diplomatic_visits import arrow

    builder = arrow.TableBuilder(name, version, level)
    for record, text in zip(records, texts, strict=True):
        builder.add(record, text)
    return builder.finish()


def export_tables(
    records: Sequence[Mapping[str, Any]],
    texts: Sequence[str | None],
    version: str | None = None,
    level: Level = "extraction",
) -> dict[str, Any]:
    """Build every table (``articles`` and the flat ones) with the derived Arrow schemas."""
    from diplomatic_visits import arrow

    return {
        name: export_table(name, records, texts, version, level)
        for name in ("articles", *arrow.FLAT_TABLES)
    }


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
    t = _with_metadata(export_table(table, records, texts, version, level), table, version, level)
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
        _write_croissant(tmp, tables, files)
        (tmp / "README.md").write_text(
            card_text({n: t.schema for n, t in tables.items()}, files, split, counts),
            encoding="utf-8",
        )
    return counts


def _write_croissant(folder: Path, tables: Mapping[str, Any], files: Mapping[str, str]) -> None:
    import hashlib

    from diplomatic_visits.arrow import FLAT_TABLES
    from diplomatic_visits.croissant import croissant
    from diplomatic_visits.records import dataset_version

    sums = {n: hashlib.sha256((folder / p).read_bytes()).hexdigest() for n, p in files.items()}
    descriptions = {
        "articles": "one row per article: the whole record and the article text",
        **FLAT_TABLES,
    }
    doc = croissant(
        {n: t.schema for n, t in tables.items()}, files, sums, descriptions, dataset_version()
    )
    (folder / "croissant.json").write_text(
        json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def bundled_with_texts() -> tuple[list[dict[str, Any]], list[str | None]]:
    """The bundled records and, for each, its article text."""
    from diplomatic_visits.records import load_records, load_source_text

    records = load_records()
    return records, [load_source_text(r) for r in records]


class RefusedExportError(DiplomaticVisitsError):
    """Some input record is invalid or unreadable: nothing was exported."""

    def __init__(self, problems: Sequence[Any], checked: int) -> None:
        self.problems = list(problems)
        self.checked = checked
        invalid = sum(1 for p in self.problems if not isinstance(p, InputError))
        unreadable = len(self.problems) - invalid
        super().__init__(
            f"refusing to export: {invalid} of {checked} records are invalid"
            + (f" and {unreadable} inputs unreadable" if unreadable else "")
            + "; nothing was written"
        )


def _convert_chunk(chunk: Any, s: Any) -> Any:
    """Worker side of :func:`write_parquet_from_inputs`: parse and validate a chunk of lines,
    and (when every record in it is valid) build its Arrow table. The result's payload is
    (the table or None, the number of records checked)."""
    from diplomatic_visits.jsonl import Lines
    from diplomatic_visits.validate import (
        ChunkResult,
        _collector_paused,
        detached,
        fast_acceptor,
        line_document,
    )

    accept = fast_acceptor(s)
    problems: list[Any] = []
    builder = _Builder(s, problems)
    accepted = 0

    def docs() -> Iterator[Any]:
        nonlocal accepted
        for lineno, raw in lines:
            if isinstance(raw, InputError):
                yield raw
                continue
            value = accept(raw) if accept is not None else None
            if value is not None:  # certainly valid: nothing to report
                builder.add(value)
                accepted += 1
                continue
            try:
                yield line_document(raw, chunk.name, lineno)
            except InputError as exc:
                yield detached(exc)

    lines = Lines(chunk)
    # Records go into Arrow a few hundred at a time; the cyclic collector, which would walk the
    # ones waiting again and again (they hold no cycles), waits for the chunk.
    with _collector_paused():
        n = checked_values(docs(), s, problems, builder.add) + accepted
        return ChunkResult(lines.count, problems, builder.result(n))


class _Builder:
    """The table of valid records, built as they come; none once a problem is found (the
    export is refused then)."""

    def __init__(self, s: Any, problems: list[Any]) -> None:
        from diplomatic_visits.arrow import TableBuilder

        self.s = s
        self.problems = problems
        self.table = TableBuilder(s.table, s.version, s.level)

    def add(self, value: Any) -> None:
        if not self.problems:
            self.table.add(value, self.s.sources.for_record(value)[0] if self.s.sources else None)

    def result(self, n: int) -> tuple[Any, int]:
        """(the table, or None if there were problems; ``n``, the records checked)"""
        return (None if self.problems else self.table.finish()), n


def checked_values(
    docs: Iterable[Any], s: Any, problems: list[Any], keep: Callable[[Any], None]
) -> int:
    """Check parsed documents: invalid results and input errors go to ``problems``, valid
    records to ``keep``. Returns how many documents there were."""
    from diplomatic_visits.validate import _check

    n = 0
    for doc in docs:
        n += 1
        result = doc if isinstance(doc, InputError) else _check(doc, s)
        if isinstance(result, InputError) or not result.valid:
            problems.append(result)
        else:
            keep(doc.value)
    return n


def _json_file_chunks(path: str, s: Any) -> Iterator[Any]:
    """A ``.json`` file (one record or an array) as one chunk, checked here."""
    from diplomatic_visits.validate import ChunkResult, iter_documents

    problems: list[Any] = []
    builder = _Builder(s, problems)
    n = checked_values(iter_documents(path), s, problems, builder.add)
    yield ChunkResult(0, problems, builder.result(n))


def write_parquet_from_inputs(
    inputs: Sequence[str],
    out: str | Path,
    table: str = "articles",
    level: Level = "extraction",
    sources: Any = None,
    jobs: int = 1,
    force: bool = False,
    version: str | None = None,
) -> int:
    """Validate JSON Lines inputs and write one table of their records to Parquet, streaming:
    worker processes parse, validate and build Arrow batches; this process only writes them.

    Raises :class:`RefusedExportError` (and writes nothing) if any record is invalid or any
    line unreadable. Returns the number of rows written.
    """
    import pyarrow.parquet as pq

    from diplomatic_visits import arrow
    from diplomatic_visits.validate import (
        DEFAULT_MAX_ERRORS,
        _pool,
        _Settings,
        expand_inputs,
        map_chunks,
    )

    schema = (
        arrow.articles_schema(version, level)
        if table == "articles"
        else arrow.flat_schema(table, version, level)
    )
    schema = _with_metadata(schema.empty_table(), table, version, level).schema
    settings = _Settings(version, level, sources, DEFAULT_MAX_ERRORS, table)
    pool = _pool(jobs, settings) if jobs > 1 else None
    problems: list[Any] = []
    checked = rows = 0
    try:
        with atomic_file(Path(out), force) as f:
            writer = pq.ParquetWriter(f, schema, **PARQUET_OPTIONS)
            for path in expand_inputs(inputs):
                if isinstance(path, InputError):
                    problems.append(path)
                    continue
                if path != "-" and path.lower().endswith(".json"):
                    results = _json_file_chunks(path, settings)
                else:
                    results = map_chunks(path, _convert_chunk, settings, pool, 2 * jobs)
                for result in results:
                    problems.extend(result.problems)
                    if result.payload is None:  # the input could not be read
                        continue
                    chunk_table, n = result.payload
                    checked += n
                    if chunk_table is not None and not problems:
                        writer.write_table(chunk_table.replace_schema_metadata(schema.metadata))
                        rows += chunk_table.num_rows
            writer.close()
            if problems:
                raise RefusedExportError(problems, checked)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return rows
