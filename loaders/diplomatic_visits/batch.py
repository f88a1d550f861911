"""Arrow in, Arrow out: validate a ``pyarrow`` RecordBatch or Table of records.

A batch holds records either as JSON texts (one column of strings or bytes, one record a row:
model outputs, or the lines of a JSON Lines file as ``ray.data.read_text`` gives them) or as
the typed struct columns of our Parquet export (the ``articles`` table: every record field a
column, and ``text``). When the batch carries the article text (a ``text`` column), each
record's quotes are checked against its own row's text, as ``validate --source`` does.

Nothing is checked here: the rows go through the per-line path of ``validate``
(:func:`diplomatic_visits.chunkwork.check_chunk`, with the compiled engine where there is one),
so the results are those of ``validate`` on the same records. A typed row is first turned
back into its JSON record (:func:`records_from_arrow`, the documented normalisation of
:func:`diplomatic_visits.arrow.from_arrow_rows`).

:class:`BatchValidator` is built once per process (a Ray Data actor, a Polars or DuckDB
session) and reused for every batch; :func:`validate_batch` keeps one per setting. Polars and
DuckDB frames are accepted as they are (anything ``pyarrow.table()`` takes: the Arrow C stream
interface). Nothing here imports Ray.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import orjson

from diplomatic_visits.accel import exact_scan
from diplomatic_visits.arrow import ARTICLES_TABLE, METADATA_KEY, is_optional
from diplomatic_visits.chunkwork import (
    ChunkResult,
    Lost,
    Problem,
    Settings,
    check_chunk,
    check_raw,
    check_version,
    collector_paused,
    convert_chunk,
    fast_acceptor,
    lost_of,
)
from diplomatic_visits.errors import DiplomaticVisitsError, InputError
from diplomatic_visits.inputs import Source, Sources
from diplomatic_visits.jsonl import Chunk
from diplomatic_visits.report import RecordResult
from diplomatic_visits.reporters import input_error_dict, issue_dict
from diplomatic_visits.schema import Level, declared_version, rs_validator
from diplomatic_visits.validate import DEFAULT_MAX_ERRORS

if TYPE_CHECKING:
    import pyarrow as pa

STATUSES = ("valid", "invalid", "unreadable")


class BatchError(DiplomaticVisitsError, ValueError):
    """A batch this module cannot read records from (no JSON column, an unknown column...)."""


def records_schema() -> pa.Schema:
    """The per-record result table: one row per input row, in order."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("row", pa.int64(), nullable=False),
            pa.field("status", pa.string(), nullable=False),  # valid, invalid, unreadable
            pa.field("valid", pa.bool_(), nullable=False),
            pa.field("issues", pa.int32(), nullable=False),  # at most max_errors
            pa.field("reason", pa.string()),  # why an unreadable row is unreadable
        ]
    )


def issues_schema() -> pa.Schema:
    """The issue table: one row per issue of an invalid record, and one per unreadable row
    (``status`` says which; an unreadable row has no ``json_path`` nor ``keyword``, its
    ``message`` is the reason). ``file``/``line``: where the record was read (a JSON Lines
    line; for a Parquet file, its row counted from 1); ``row``: the row of the batch or
    Parquet file, counted from 0."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("file", pa.string()),
            pa.field("line", pa.int64()),
            pa.field("row", pa.int64()),
            pa.field("record_id", pa.string()),
            pa.field("status", pa.string(), nullable=False),
            pa.field("json_path", pa.string()),
            pa.field("keyword", pa.string()),
            pa.field("kind", pa.string(), nullable=False),  # schema, semantic, input
            pa.field("message", pa.string(), nullable=False),
            pa.field("schema_path", pa.string()),
            pa.field("column", pa.int64()),
        ]
    )


def issue_rows(problem: Problem, row: int | None = None) -> list[dict[str, Any]]:
    """The rows of :func:`issues_schema` for one problem (an invalid record: one per issue),
    from the facts the reporters write (:func:`diplomatic_visits.reporters.issue_dict`)."""
    if isinstance(problem, InputError):
        e = input_error_dict(problem)
        return [
            {
                "file": e["file"],
                "line": e["line"],
                "row": row,
                "record_id": None,
                "status": "unreadable",
                "json_path": None,
                "keyword": None,
                "kind": "input",
                "message": e["message"],
                "schema_path": None,
                "column": e["column"],
            }
        ]
    rows = []
    for i in range(len(problem.issues)):
        d = issue_dict(problem, i)
        rows.append(
            {
                "file": d["file"],
                "line": d["line"],
                "row": row,
                "record_id": d["record_id"],
                "status": "invalid",
                "json_path": d["path"],
                "keyword": d["keyword"],
                "kind": d["kind"],
                "message": d["message"],
                "schema_path": d["schema_path"],
                "column": None,
            }
        )
    return rows


def issues_table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    """An issue table of :func:`issue_rows` rows, with the explicit schema."""
    import pyarrow as pa

    return pa.Table.from_pylist(list(rows), schema=issues_schema())


@dataclass
class BatchResult:
    """What a batch held: ``records`` (:func:`records_schema`), ``issues``
    (:func:`issues_schema`), the ``problems`` by row (None for a valid one), and, when tables
    were asked for, the valid records as those tables of the export (``tables``)."""

    records: pa.Table
    issues: pa.Table
    problems: list[Problem | None]
    tables: dict[str, pa.Table] | None = None

    @property
    def valid(self) -> int:
        return sum(1 for p in self.problems if p is None)

    @property
    def invalid(self) -> int:
        return sum(1 for p in self.problems if isinstance(p, RecordResult))

    @property
    def unreadable(self) -> int:
        return sum(1 for p in self.problems if isinstance(p, InputError))


def _is_marked(t: Any) -> bool:
    """Whether an Arrow type carries the mapper's marks of optional properties anywhere."""
    import pyarrow as pa

    if pa.types.is_struct(t):
        for f in t:
            if f.metadata and b"json_schema_required" in f.metadata:
                return True
            if _is_marked(f.type):
                return True
    elif pa.types.is_list(t) or pa.types.is_large_list(t):
        return _is_marked(t.value_type)
    return False


def _strip(value: Any, types: list[Any]) -> Any:
    """``value`` with the nulls of optional properties dropped: optional in the first of the
    Arrow ``types`` that has the property (the mapper marks them so). Members no type knows
    are kept as they are, so that the schema reports them."""
    import pyarrow as pa

    if isinstance(value, dict):
        structs = [t for t in types if pa.types.is_struct(t)]
        out = {}
        for k, v in value.items():
            fields = [t.field(k) for t in structs if t.get_field_index(k) >= 0]
            if v is None and fields and is_optional(fields[0]):
                continue
            out[k] = _strip(v, [f.type for f in fields]) if fields else v
        return out
    if isinstance(value, list):
        items = [t.value_type for t in types if pa.types.is_list(t)]
        return [_strip(v, items) for v in value] if items else value
    return value


def records_from_arrow(
    table: Any,
    version: str | None = None,
    level: Level = "extraction",
    exclude: Sequence[str] = ("text",),
) -> list[dict[str, Any]]:
    """The JSON records of a table of typed struct columns (our export's ``articles`` layout;
    ``exclude``: columns that are not record fields). Nulls of optional properties are dropped
    (Arrow has no "absent"); which properties are optional, the table's own field metadata
    says, or, where a tool dropped it (Polars, DuckDB), the schema of the version each record
    declares, then those of the other shipped versions (a table typed by a newer version
    holds nulls in the columns an older one lacks)."""
    import pyarrow as pa

    from diplomatic_visits.arrow import record_arrow_type
    from diplomatic_visits.schema import available_versions

    t = pa.table(table) if not isinstance(table, pa.Table | pa.RecordBatch) else table
    keep = [n for n in t.schema.names if n not in exclude]
    t = t.select(keep)
    own = pa.struct(list(t.schema))
    marked = _is_marked(own)
    newest_first = list(reversed(available_versions()))
    by_version = {v: record_arrow_type(v, level) for v in newest_first}
    shipped = list(by_version.values())
    out = []
    for row in t.to_pylist():
        if marked:
            types = [own]
        else:
            first = by_version.get(declared_version(row) or version or "")
            types = [first, *shipped] if first is not None else shipped
        out.append(_strip(row, types))
    return out


def _raw(value: Any) -> bytes | None:
    """A JSON text of a column as the bytes of one line."""
    if value is None:
        return None
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return raw if raw.endswith(b"\n") else raw + b"\n"


class BatchValidator:
    """Validate Arrow batches of records; build once per process, call for every batch.

    Args:
        version: the schema version for records that declare none (default: the latest).
        level: ``extraction`` or ``verified``.
        sources: article texts (``--source``) for rows without a text of their own.
        max_errors: issues kept per record (the command's default).
        column: the column of JSON texts. Default: typed columns when the batch has
            ``record_id`` or ``schema_version``; else its only column, or its only string or
            binary column other than ``text_column``.
        text_column: the column of article texts (None: none), checked as ``--source`` is.
        name: the input's name, for the ``file`` column of issues.

    Calling the instance (``ds.map_batches(BatchValidator, batch_format="pyarrow", ...)``)
    returns the batch with ``dv_status`` and ``dv_issues`` columns added; :meth:`validate`
    returns the two result tables.
    """

    def __init__(
        self,
        version: str | None = None,
        level: Level = "extraction",
        sources: Sources | None = None,
        max_errors: int | None = DEFAULT_MAX_ERRORS,
        column: str | None = None,
        text_column: str | None = "text",
        name: str | None = None,
    ) -> None:
        check_version(version)
        self.settings = Settings(version, level, sources, max_errors)
        self.column = column
        self.text_column = text_column
        self.name = name
        rs_validator(version, level)  # built now, once, not on the first batch
        fast_acceptor(self.settings)

    def _json_column(self, t: Any) -> str | None:
        """The column of JSON texts, or None for typed columns."""
        import pyarrow as pa

        names = t.schema.names
        if self.column is not None:
            if self.column not in names:
                raise BatchError(f"no column {self.column!r} in the batch (columns: {names})")
            return self.column
        if "record_id" in names or "schema_version" in names:
            return None
        if len(names) == 1:
            return str(names[0])
        texts = [
            f.name
            for f in t.schema
            if f.name != self.text_column
            and (
                pa.types.is_string(f.type)
                or pa.types.is_large_string(f.type)
                or pa.types.is_binary(f.type)
                or pa.types.is_large_binary(f.type)
            )
        ]
        if len(texts) != 1:
            raise BatchError(
                "cannot tell which column holds the records: give column= (the column of JSON "
                f"texts); columns: {names}"
            )
        return str(texts[0])

    def lines(self, batch: Any) -> tuple[list[bytes | None], list[str | None]]:
        """The rows as JSON Lines lines (None for a null), and each row's article text."""
        import pyarrow as pa

        t = batch if isinstance(batch, pa.Table | pa.RecordBatch) else pa.table(batch)
        column = self._json_column(t)
        text_col = self.text_column
        texts: list[str | None]
        if text_col is not None and text_col in t.schema.names and text_col != column:
            texts = t.column(text_col).to_pylist()
        else:
            texts = [None] * t.num_rows
        if column is not None:
            return [_raw(v) for v in t.column(column).to_pylist()], texts
        s = self.settings
        records = records_from_arrow(t, s.version, s.level, (text_col,) if text_col else ())
        return [orjson.dumps(r) + b"\n" for r in records], texts

    def check(
        self,
        batch: Any,
        tables: Sequence[str] = (),
        first_row: int = 0,
        lost: list[Lost] | None = None,
    ) -> tuple[list[Problem | None], dict[str, pa.Table] | None]:
        """Each row's problem (None: valid) and, with ``tables``, the valid records as those
        tables of the export, in row order. Problems are numbered by ``line``: the row
        counted from ``first_row + 1``. A valid record that the tables' column types would
        not hold whole is left out of them and appended to ``lost``
        (:func:`~diplomatic_visits.chunkwork.lost_of`): the caller refuses the export."""
        if lost is None:
            lost = []
        lines, texts = self.lines(batch)
        s = replace(self.settings, tables=tuple(tables), keep_valid=True)
        name = self.name or "<batch>"
        problems: list[Problem | None] = [None] * len(lines)
        for i, raw in enumerate(lines):
            if raw is None or raw.isspace():
                what = "null" if raw is None else "an empty string"
                problems[i] = InputError(name, f"no record: the value is {what}", first_row + i + 1)
        # a value with a line break inside cannot be a line of a chunk: such batches, and
        # those with texts, are checked a row at a time
        broken = any(raw is not None and b"\n" in raw[:-1] for raw in lines)
        if broken or any(t is not None for t in texts):
            made = self._each_with_its_text(lines, texts, problems, s, name, first_row, lost)
        else:
            made = self._as_one_chunk(lines, problems, s, name, first_row, lost)
        return problems, made

    def _as_one_chunk(
        self,
        lines: list[bytes | None],
        problems: list[Problem | None],
        s: Settings,
        name: str,
        first_row: int,
        lost: list[Lost],
    ) -> dict[str, pa.Table] | None:
        """Every row as a line of one chunk through the pipeline's chunk function."""
        rows = [i for i, p in enumerate(problems) if p is None]
        held = tuple(lines[i] for i in rows)
        # start 1: a row is never the start of a file (no byte-order mark is tolerated)
        chunk = Chunk(name, start=1, length=sum(len(h or b"") for h in held), held=held)
        result: ChunkResult = (convert_chunk if s.tables else check_chunk)(chunk, s)
        for p in result.problems:
            assert p.line is not None  # every problem of a chunk's line has its line
            i = rows[p.line - 1]
            problems[i] = _at_row(p, first_row + i + 1)
        lost.extend(result.lost)
        if not s.tables:
            return None
        made = result.payload[0]  # (tables, checked, converted): convert_chunk's payload
        return dict(made)

    def _each_with_its_text(
        self,
        lines: list[bytes | None],
        texts: list[str | None],
        problems: list[Problem | None],
        s: Settings,
        name: str,
        first_row: int,
        lost: list[Lost],
    ) -> dict[str, pa.Table] | None:
        """Each row checked alone, against its own text (as ``--source`` with that text does)
        when it has one."""
        from diplomatic_visits.arrow import TableBuilder

        builders = [TableBuilder(t, s.version, s.level) for t in s.tables]
        exact = exact_scan()
        own: dict[str, Settings] = {}
        with collector_paused():
            for i, raw in enumerate(lines):
                if raw is None or problems[i] is not None:
                    continue
                text = texts[i]
                row_s = s
                if text is not None:
                    row_s = own.get(text) or _with_text(s, text, f"<text of row {first_row + i}>")
                    own = {text: row_s}  # the last one: rows of one article come together
                lineno = first_row + i + 1
                value, problem = check_raw(raw, name, lineno, row_s, fast_acceptor(row_s), exact)
                if problem is not None:
                    problems[i] = _at_row(problem, lineno)
                    continue
                gone = lost_of(value, s) if s.tables else None
                if gone is not None:
                    lost.append(gone)
                    continue
                found = row_s.sources.find(value) if row_s.sources is not None else None
                for b in builders:
                    b.add(value, found.text if found is not None else None)
        return {b.name: b.finish() for b in builders} if s.tables else None

    def validate(self, batch: Any, first_row: int = 0) -> BatchResult:
        """The result tables of one batch (see :class:`BatchResult`)."""
        import pyarrow as pa

        problems, _ = self.check(batch, (), first_row)
        status: list[str] = []
        reasons: list[str | None] = []
        counts: list[int] = []
        rows: list[dict[str, Any]] = []
        for i, p in enumerate(problems):
            row = first_row + i
            if p is None:
                status.append("valid")
                reasons.append(None)
                counts.append(0)
                continue
            rows.extend(issue_rows(p, row))
            if isinstance(p, InputError):
                status.append("unreadable")
                reasons.append(p.reason)
                counts.append(0)
            else:
                status.append("invalid")
                reasons.append(None)
                counts.append(len(p.issues))
        n = len(problems)
        records = pa.table(
            [
                pa.array(range(first_row, first_row + n), pa.int64()),
                pa.array(status, pa.string()),
                pa.array([s == "valid" for s in status], pa.bool_()),
                pa.array(counts, pa.int32()),
                pa.array(reasons, pa.string()),
            ],
            schema=records_schema(),
        )
        return BatchResult(records, issues_table(rows), problems)

    def __call__(self, batch: Any) -> pa.Table:
        """The batch with ``dv_status`` (valid, invalid, unreadable) and ``dv_issues`` (a list
        of {json_path, keyword, kind, message}; an unreadable row's reason is its one item)
        added: for ``Dataset.map_batches``, then ``filter`` on ``dv_status``."""
        import pyarrow as pa

        t = batch if isinstance(batch, pa.Table) else pa.table(batch)
        problems, _ = self.check(t)
        item = pa.struct(
            [
                pa.field("json_path", pa.string()),
                pa.field("keyword", pa.string()),
                pa.field("kind", pa.string()),
                pa.field("message", pa.string()),
            ]
        )
        status: list[str] = []
        issues: list[list[dict[str, Any]]] = []
        for p in problems:
            if p is None:
                status.append("valid")
                issues.append([])
                continue
            status.append("unreadable" if isinstance(p, InputError) else "invalid")
            issues.append(
                [
                    {k: r[k] for k in ("json_path", "keyword", "kind", "message")}
                    for r in issue_rows(p)
                ]
            )
        t = t.append_column("dv_status", pa.array(status, pa.string()))
        return t.append_column("dv_issues", pa.array(issues, pa.list_(item)))


def _with_text(s: Settings, text: str, label: str) -> Settings:
    data = text.encode("utf-8")
    source = Source(label, text, data, hashlib.sha256(data).hexdigest())
    return replace(s, sources=Sources((source,)))


def _at_row(p: Problem, line: int) -> Problem:
    """A problem found at a line of the chunk, numbered as the batch's row ``line``."""
    if isinstance(p, InputError):
        return InputError(p.path, p.reason, line, p.column)
    return replace(p, line=line, lines=())


def exported_table(metadata: Mapping[bytes, bytes] | None) -> str | None:
    """The table name our export wrote into a Parquet file's metadata, or None for a file that
    is not one of our exports (or is unreadable as one)."""
    raw = (metadata or {}).get(METADATA_KEY)
    if raw is None:
        return None
    try:
        name = orjson.loads(raw).get("table")
    except (ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def row_groups(path: str) -> list[tuple[int, int]] | InputError:
    """The row groups of a Parquet file, each with the number of its first row in the file,
    from its footer alone; an :class:`InputError` when it is not (readable) Parquet."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # pyarrow's errors: not Parquet, truncated, unreadable
        return InputError(path, f"cannot read as Parquet: {exc}")
    table = exported_table(meta.metadata)
    if table is not None and table != ARTICLES_TABLE:
        return InputError(
            path,
            f"the {table!r} table of our export, whose rows are not records: validate reads the "
            f"{ARTICLES_TABLE!r} table (export parquet --table {ARTICLES_TABLE}, the default), "
            "or the records as JSON or JSON Lines",
        )
    out, first = [], 0
    for g in range(meta.num_row_groups):
        out.append((g, first))
        first += meta.row_group(g).num_rows
    return out


def check_row_group(
    validator: BatchValidator,
    path: str,
    group: int,
    first_row: int,
    tables: Sequence[str] = (),
) -> tuple[ChunkResult, int]:
    """One row group of a Parquet file checked (and with ``tables``, its valid records
    converted): its result, as a chunk's, and the records checked. Problems are numbered by
    the row in the file, counted from 1. What ``validate`` and the Ray engine both do with a
    unit of Parquet."""
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path).read_row_group(group)
    except Exception as exc:  # pyarrow's errors: a corrupt row group
        return ChunkResult(0, [InputError(path, f"cannot read row group {group}: {exc}")]), 0
    validator.name = path
    lost: list[Lost] = []
    problems, made = validator.check(table, tables, first_row, lost)
    found = [p for p in problems if p is not None]
    checked = sum(1 for p in problems if not isinstance(p, InputError))
    return ChunkResult(table.num_rows, found, (made, checked), tuple(lost)), checked


_VALIDATORS: dict[tuple[Any, ...], BatchValidator] = {}


def validate_batch(
    batch: Any,
    version: str | None = None,
    level: Level = "extraction",
    max_errors: int | None = DEFAULT_MAX_ERRORS,
    column: str | None = None,
    text_column: str | None = "text",
) -> BatchResult:
    """Validate one Arrow batch (a RecordBatch, a Table, a Polars or DuckDB frame): see
    :class:`BatchValidator`, of which one per setting is kept for the process."""
    key = (version, level, max_errors, column, text_column)
    v = _VALIDATORS.get(key)
    if v is None:
        v = _VALIDATORS[key] = BatchValidator(version, level, None, max_errors, column, text_column)
    return v.validate(batch)
