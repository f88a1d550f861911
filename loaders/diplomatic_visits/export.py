"""Writers for the exports. Every write is atomic and replaces nothing we did not write
(:mod:`diplomatic_visits.output`): a temporary file or folder beside the target, renamed into
place only once complete, so a failure part-way never leaves a half-written export.

Your own records (``--input``) are read and checked by the same pipeline as ``validate``
(:mod:`diplomatic_visits.pipeline`), with the same ``--source`` texts: any invalid or
unreadable record refuses the whole export, and nothing is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from diplomatic_visits._paths import DEFAULT_SET, SET_DESCRIPTIONS
from diplomatic_visits.arrow import ARTICLES_TABLE, METADATA_KEY
from diplomatic_visits.chunkwork import (
    Lost,
    Problem,
    Settings,
    check_version,
    convert_chunk,
    convert_json_file,
    lost_of,
)
from diplomatic_visits.errors import DiplomaticVisitsError, InputError
from diplomatic_visits.inputs import Sources, expand_inputs, is_json_file
from diplomatic_visits.jsonl import jsonl_line
from diplomatic_visits.output import OutputExistsError as OutputExistsError
from diplomatic_visits.output import atomic_dir, atomic_file
from diplomatic_visits.pipeline import map_chunks, worker_pool
from diplomatic_visits.report import nothing_read
from diplomatic_visits.schema import Level
from diplomatic_visits.validate import DEFAULT_MAX_ERRORS

FORMATS = ("jsonl", "parquet", "hf")


#: At most this many problems are held for a refusal's message (the counts stay exact).
KEPT_PROBLEMS = 1000


class RefusedExportError(DiplomaticVisitsError):
    """Some input record is invalid or unreadable (or there is none): nothing was exported.

    ``problems`` holds the first :data:`KEPT_PROBLEMS`; ``invalid`` and ``unreadable`` count
    them all."""

    def __init__(
        self,
        problems: Sequence[Problem],
        checked: int,
        invalid: int | None = None,
        unreadable: int | None = None,
    ) -> None:
        self.problems = list(problems)
        self.checked = checked
        if invalid is None:
            invalid = sum(1 for p in self.problems if not isinstance(p, InputError))
        if unreadable is None:
            unreadable = len(self.problems) - invalid
        self.invalid, self.unreadable = invalid, unreadable
        super().__init__(
            f"refusing to export: {invalid} of {checked} records are invalid"
            + (f" and {unreadable} inputs unreadable" if unreadable else "")
            + "; nothing was written"
        )


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


def with_metadata(table: Any, name: str, version: str | None, level: str) -> Any:
    """``table`` (or an Arrow schema) with the export's metadata: table name, schema and data
    versions, level."""
    import pyarrow as pa

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
    metadata = {METADATA_KEY: json.dumps(meta, sort_keys=True).encode()}
    if isinstance(table, pa.Schema):
        return table.with_metadata(metadata)
    return table.replace_schema_metadata(metadata)


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
    from diplomatic_visits.arrow import build_table

    t = with_metadata(build_table(table, records, texts, version, level), table, version, level)
    with atomic_file(Path(out), force) as f:
        write_parquet_table(t, f)
    return int(t.num_rows)


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
    generated from the derived schemas, followed by the data card's prose, and croissant.json."""
    return write_hf_sets({DEFAULT_SET: (records, texts)}, out, version, level, split, force)


def config_name(bundled: str, table: str) -> str:
    """The config (Hugging Face) and record set (Croissant) of one table of a record set.

    The real article's (and your records') configs are the table names (``articles``,
    ``visits``, ... ``messages``); another bundled set's carry its name: its whole records are
    the config named after the set alone (``challenge``), every other table ``SET_TABLE``
    (``challenge_visits``, ``challenge_messages``). One config per table and set, so that
    ``datasets.load_dataset(FOLDER, "challenge")`` is the challenge set, with the features of
    ``articles``, and the split names stay the same for every config."""
    if bundled == DEFAULT_SET:
        return table
    return bundled if table == ARTICLES_TABLE else f"{bundled}_{table}"


def write_hf_sets(
    sets: Mapping[str, tuple[Sequence[Mapping[str, Any]], Sequence[str | None]]],
    out: str | Path,
    version: str | None = None,
    level: Level = "extraction",
    split: str = "test",
    force: bool = False,
) -> dict[str, int]:
    """:func:`write_hf` of several record sets into one folder: ``{set name: (records,
    texts)}``, each set's tables as its configs (:func:`config_name`), every config with the
    features of the one schema ``version`` (the latest by default). Returns the rows per
    config."""
    from diplomatic_visits.arrow import build_tables

    built = {
        name: build_tables(records, texts, version, level)
        for name, (records, texts) in sets.items()
    }
    configs = {
        config_name(name, table): (name, table)
        for name, tables in built.items()
        for table in tables
    }
    with atomic_dir(Path(out), force) as tmp:
        schemas = {c: built[s][t].schema for c, (s, t) in configs.items()}
        folder = _HFFolder(tmp, schemas, version, level, split, configs)
        for config, (name, table) in configs.items():
            folder.write(config, built[name][table])
        return folder.finish()


def lossy_records(
    records: Sequence[Mapping[str, Any]],
    version: str | None,
    level: Level = "extraction",
    tables: Sequence[str] = (ARTICLES_TABLE,),
) -> list[str]:
    """The ids of the records that ``tables`` with the column types of schema ``version``
    would not hold whole (:func:`~diplomatic_visits.arrow.lost_paths`): a record of a newer
    schema version than the types loses the properties the older one lacks (pyarrow drops a
    key its struct does not have)."""
    return [x.record_id for x in lossy(records, version, level, tables)]


def lossy(
    records: Iterable[Mapping[str, Any]],
    version: str | None,
    level: Level = "extraction",
    tables: Sequence[str] = (ARTICLES_TABLE,),
) -> list[Lost]:
    """:func:`lossy_records` with what each record would lose (:class:`~diplomatic_visits.
    chunkwork.Lost`): the check the export of your records makes of each (:func:`~
    diplomatic_visits.chunkwork.lost_of`)."""
    s = Settings(version, level, tables=tuple(tables))
    return [lost for r in records if (lost := lost_of(r, s)) is not None]


class LossyExportError(DiplomaticVisitsError, ValueError):
    """The column types of the chosen schema version would drop part of some records: nothing
    was written. ``record_ids`` (the first :data:`KEPT_PROBLEMS`; ``count``: all), ``paths``
    (what would be dropped, every record's), ``declared`` (the versions they declare)."""

    def __init__(
        self,
        record_ids: Sequence[str],
        version: str,
        declared: Sequence[str | None],
        paths: Sequence[str] = (),
        count: int | None = None,
    ) -> None:
        from diplomatic_visits.schema import version_key

        self.record_ids = list(record_ids)
        self.version = version
        self.declared = sorted({d for d in declared if d is not None}, key=version_key)
        self.paths = sorted(set(paths))
        self.count = len(self.record_ids) if count is None else count
        shown = ", ".join(self.record_ids[:5]) + (" ..." if self.count > 5 else "")
        what = ", ".join(self.paths[:5]) + (" ..." if len(self.paths) > 5 else "")
        fix = (
            f"export with --schema-version {self.declared[-1]} (or leave it out: the latest)"
            if self.declared
            else "export with the schema version the records were written for"
        )
        super().__init__(
            f"refusing to export: the column types of schema {version} would drop "
            + (f"{what} from " if what else "part of ")
            + f"{self.count} record(s) ({shown})"
            + (f", which declare schema {', '.join(self.declared)}" if self.declared else "")
            + f"; nothing was written; {fix}"
        )

    @classmethod
    def of(
        cls, lost: Sequence[Lost], version: str | None, count: int | None = None
    ) -> LossyExportError:
        """The error for the records of ``lost`` exported with schema ``version``."""
        from diplomatic_visits.schema import latest_version

        return cls(
            [x.record_id for x in lost],
            version or latest_version(),
            [x.declared for x in lost],
            [p for x in lost for p in x.paths],
            count,
        )


class _HFFolder:
    """A Hugging Face dataset folder being written: a Parquet file per config, then the card.

    ``configs``: each config's record set and table (default: the table names, one set)."""

    def __init__(
        self,
        root: Path,
        schemas: Mapping[str, Any],
        version: str | None,
        level: str,
        split: str,
        configs: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        import pyarrow.parquet as pq

        self.root, self.split = root, split
        self.configs = dict(configs or {n: (DEFAULT_SET, n) for n in schemas})
        self.files = {n: f"data/{n}/{split}.parquet" for n in schemas}
        self.counts = dict.fromkeys(schemas, 0)
        self.schemas = {
            # of the schema, not of an empty table: Schema.empty_table imports pandas (a second)
            n: with_metadata(s, self.configs[n][1], version, level)
            for n, s in schemas.items()
        }
        self.writers = {}
        for name, rel in self.files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            self.writers[name] = pq.ParquetWriter(
                str(root / rel), self.schemas[name], **PARQUET_OPTIONS
            )

    def write(self, name: str, table: Any) -> None:
        self.writers[name].write_table(table.replace_schema_metadata(self.schemas[name].metadata))
        self.counts[name] += int(table.num_rows)

    def _descriptions(self) -> tuple[dict[str, str], dict[str, str]]:
        """Each config's description for Croissant, and its line for the card."""
        from diplomatic_visits.arrow import (
            ARTICLES_DESCRIPTION,
            FLAT_TABLES,
            TRAINING_TABLES,
        )

        plain = {ARTICLES_TABLE: ARTICLES_DESCRIPTION, **FLAT_TABLES, **TRAINING_TABLES}
        card = {
            ARTICLES_TABLE: f"{ARTICLES_DESCRIPTION}, so that a row pairs input and target",
            **{
                n: f"{d}, keyed by `record_id`"
                for n, d in {**FLAT_TABLES, **TRAINING_TABLES}.items()
            },
        }
        croissant, lines = {}, {}
        for config, (name, table) in self.configs.items():
            if name == DEFAULT_SET:
                croissant[config], lines[config] = plain[table], card[table]
            else:
                croissant[config] = f"{SET_DESCRIPTIONS[name]}; {plain[table]}"
                heading = f"{name.capitalize()} set"  # the data card's section on the set
                lines[config] = f'as `{table}`, of the {name} set (see "{heading}" below)'
        return croissant, lines

    def finish(self) -> dict[str, int]:
        from diplomatic_visits.croissant import croissant
        from diplomatic_visits.hf import card_text
        from diplomatic_visits.records import dataset_version

        for w in self.writers.values():
            w.close()
        sums = {
            n: hashlib.sha256((self.root / p).read_bytes()).hexdigest()
            for n, p in self.files.items()
        }
        described, lines = self._descriptions()
        doc = croissant(self.schemas, self.files, sums, described, dataset_version())
        (self.root / "croissant.json").write_text(
            json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (self.root / "README.md").write_text(
            card_text(
                self.schemas,
                self.files,
                self.split,
                self.counts,
                lines,
                {n: ((self.root / p).stat().st_size, sums[n]) for n, p in self.files.items()},
            ),
            encoding="utf-8",
        )
        return dict(self.counts)


def _reader_path(s: Settings, fmt: str) -> bool:
    """Whether chunks go to pyarrow's reader once checked (the articles table without texts:
    :func:`~diplomatic_visits.chunkwork.convert_chunk`), which threads can share."""
    return fmt == "parquet" and s.tables == ("articles",) and s.sources is None


def export_inputs(
    inputs: Sequence[str],
    fmt: str,
    out: str | Path,
    table: str = "articles",
    level: Level = "extraction",
    sources: Sources | None = None,
    jobs: int = 1,
    force: bool = False,
    version: str | None = None,
    split: str = "test",
    allow_empty: bool = False,
) -> dict[str, int]:
    """Check your records (files, folders, ``-``) as ``validate`` does and export them as
    ``fmt`` (``jsonl``; ``parquet``: one ``table``; ``hf``: every table), streaming: worker
    processes parse, check and convert; this process only writes. Returns the rows written per
    table (``records`` for jsonl).

    Raises :class:`RefusedExportError` (and writes nothing) if any record is invalid or any
    input unreadable, or if there is no record at all (unless ``allow_empty``), and
    :class:`LossyExportError` if the column types of schema ``version`` would not hold some
    valid record whole (a record of a newer schema version).
    """
    from diplomatic_visits.arrow import TABLES, TRAINING_TABLES

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    check_version(version)
    # the training configs pair each record with its article: only when the texts are given
    hf_tables = (
        TABLES if sources is not None else tuple(t for t in TABLES if t not in TRAINING_TABLES)
    )
    tables = {"jsonl": (), "parquet": (table,), "hf": hf_tables}[fmt]
    settings = Settings(version, level, sources, DEFAULT_MAX_ERRORS, tables)
    problems: list[Problem] = []  # the first KEPT_PROBLEMS: memory stays flat
    counts = {"invalid": 0, "unreadable": 0, "lost": 0}
    lost: list[Lost] = []  # the first KEPT_PROBLEMS records the types would not hold whole

    def found(problem: Problem) -> None:
        counts["unreadable" if isinstance(problem, InputError) else "invalid"] += 1
        if len(problems) < KEPT_PROBLEMS:
            problems.append(problem)

    checked = 0
    with (
        worker_pool(jobs, settings, _reader_path(settings, fmt)) as pool,
        _sink(fmt, Path(out), tables, version, level, split, force) as sink,
    ):
        for path in expand_inputs(inputs):
            if isinstance(path, InputError):
                found(path)
                continue
            results = (
                convert_json_file(path, settings)
                if is_json_file(path)
                else map_chunks(path, convert_chunk, settings, pool, 2 * jobs)
            )
            for result in results:
                for problem in result.problems:
                    found(problem)
                if result.payload is None:  # the input could not be read
                    continue
                made, n, _ = result.payload
                checked += n
                counts["lost"] += len(result.lost)
                lost.extend(result.lost[: KEPT_PROBLEMS - len(lost)])
                if made is not None and not problems and not lost:
                    sink.add(made)
        empty = nothing_read(inputs, checked, counts["unreadable"], allow_empty)
        if empty is not None:
            found(empty)
        if problems:
            raise RefusedExportError(problems, checked, counts["invalid"], counts["unreadable"])
        if lost:  # the output is removed
            raise LossyExportError.of(lost, version, counts["lost"])
        return sink.finish()


class _Sink:
    """Where converted chunks go, for one format."""

    def add(self, made: Any) -> None:
        raise NotImplementedError

    def finish(self) -> dict[str, int]:
        raise NotImplementedError

    def abort(self) -> None:
        """Close what is open; the partial output is removed by the atomic writer."""


class _JsonlSink(_Sink):
    def __init__(self, f: IO[bytes]) -> None:
        self.f, self.n = f, 0

    def add(self, made: Any) -> None:
        self.f.writelines(made)
        self.n += len(made)

    def finish(self) -> dict[str, int]:
        return {"records": self.n}


class _ParquetSink(_Sink):
    def __init__(self, f: IO[bytes], name: str, version: str | None, level: Level) -> None:
        import pyarrow.parquet as pq

        from diplomatic_visits.arrow import table_schema

        self.name, self.rows = name, 0
        # not of an empty table: Schema.empty_table imports pandas, a second of start-up
        self.schema = with_metadata(table_schema(name, version, level), name, version, level)
        self.writer = pq.ParquetWriter(f, self.schema, **PARQUET_OPTIONS)

    def add(self, made: Any) -> None:
        t = made[self.name]
        self.writer.write_table(t.replace_schema_metadata(self.schema.metadata))
        self.rows += int(t.num_rows)

    def finish(self) -> dict[str, int]:
        self.writer.close()
        return {self.name: self.rows}

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class _HFSink(_Sink):
    def __init__(self, folder: _HFFolder) -> None:
        self.folder = folder

    def add(self, made: Any) -> None:
        for name, t in made.items():
            self.folder.write(name, t)

    def finish(self) -> dict[str, int]:
        return self.folder.finish()

    def abort(self) -> None:
        for w in self.folder.writers.values():
            with contextlib.suppress(Exception):
                w.close()


@contextlib.contextmanager
def _aborting(sink: _Sink) -> Iterator[_Sink]:
    try:
        yield sink
    except BaseException:
        sink.abort()
        raise


@contextlib.contextmanager
def _sink(
    fmt: str,
    out: Path,
    tables: Sequence[str],
    version: str | None,
    level: Level,
    split: str,
    force: bool,
) -> Iterator[_Sink]:
    if fmt == "hf":
        from diplomatic_visits.arrow import table_schema

        schemas = {t: table_schema(t, version, level) for t in tables}
        with (
            atomic_dir(out, force) as tmp,
            _aborting(_HFSink(_HFFolder(tmp, schemas, version, level, split))) as hf,
        ):
            yield hf
        return
    if str(out) == "-" and fmt == "jsonl":
        import io

        held = io.BytesIO()  # standard output cannot be renamed into place: write when done
        yield _JsonlSink(held)
        sys.stdout.buffer.write(held.getvalue())
        sys.stdout.buffer.flush()
        return
    with atomic_file(out, force) as f:
        sink = _JsonlSink(f) if fmt == "jsonl" else _ParquetSink(f, tables[0], version, level)
        with _aborting(sink):
            yield sink
