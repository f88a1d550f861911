"""Past one machine: ``validate`` and ``export parquet`` on a Ray cluster, with Ray Data.

Needs ``pip install 'diplomatic-visits[ray]'``, on the machine that starts the run and on every
node of the cluster (the same version: the workers import this package). This is the only
module that imports Ray.

Two ways in:

- :class:`Validate` (:class:`diplomatic_visits.batch.BatchValidator`) for your own pipelines:
  ``ds.map_batches(Validate, fn_constructor_kwargs={...}, batch_format="pyarrow",
  compute=ray.data.ActorPoolStrategy(size=N))`` adds ``dv_status`` and ``dv_issues`` to
  every batch (a column of JSON texts, or our export's typed columns); the validator is
  built once per actor.
- :func:`run` (``diplomatic-visits validate --engine ray``, ``export parquet --engine ray``):
  JSON Lines, ``.json`` and Parquet inputs, on storage every node sees, are cut into units of
  work as ``validate --jobs`` cuts them (byte ranges of whole lines, about 8 MiB; a Parquet row
  group; a ``.json`` file), and each unit is checked in a Ray Data task by the very chunk
  functions of ``validate`` and ``export``: the results are those of the single-machine
  command. Workers write the valid records of each unit as one Parquet file of the ``out``
  folder, named after the unit, atomically; the issues come back to this process, which
  numbers them by the lines of each input and writes them in input order.

Nothing is lost: every input line or row is counted valid, invalid (with its issues) or
unreadable (with the reason). A worker that dies is restarted and its unit retried by Ray;
since a unit's output file is written whole under the same name however often it is tried,
and its totals are counted once, the totals stay exact.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

from diplomatic_visits import _version
from diplomatic_visits.batch import (
    BatchValidator,
    check_row_group,
    issue_rows,
    issues_schema,
    row_groups,
)
from diplomatic_visits.chunkwork import (
    ChunkResult,
    Lost,
    Problem,
    Settings,
    check_chunk,
    check_version,
    convert_chunk,
    convert_json_file,
    renumbered,
)
from diplomatic_visits.errors import DiplomaticVisitsError, InputError
from diplomatic_visits.inputs import (
    JSON_SUFFIXES,
    JSONL_SUFFIXES,
    PARQUET_SUFFIXES,
    STDIN,
    Sources,
    expand_inputs,
    is_json_file,
    is_parquet_file,
)
from diplomatic_visits.jsonl import Chunk, NotJSONLinesError, chunks
from diplomatic_visits.report import RecordResult, Report, ValidRecords
from diplomatic_visits.schema import Level
from diplomatic_visits.validate import DEFAULT_MAX_ERRORS

Validate = BatchValidator
"""The callable class for ``Dataset.map_batches`` (see :class:`BatchValidator`)."""


class RayNotInstalledError(DiplomaticVisitsError, ImportError):
    """Ray (Ray Data) is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "--engine ray needs Ray Data: pip install 'diplomatic-visits[ray]' (on every node "
            "of the cluster too)"
        )


class RayRunError(DiplomaticVisitsError, RuntimeError):
    """The Ray run failed (a worker failed more often than retried, the cluster went away)."""


class RayConnectError(DiplomaticVisitsError, ConnectionError):
    """No Ray cluster where ``--ray-address`` (or ``$RAY_ADDRESS``) points."""

    def __init__(self, address: str, cause: BaseException) -> None:
        self.address = address
        super().__init__(
            f"no Ray cluster to join at {address!r} ({cause}): run the command on a node of a "
            "running cluster (`ray start --head` starts one), give its client server as "
            "--ray-address ray://HEAD:10001, or leave --ray-address (and $RAY_ADDRESS) out to "
            "start a local Ray for the run"
        )


class RayClientMissingError(DiplomaticVisitsError, ImportError):
    """A ``ray://`` address without Ray Client installed."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(
            f"--ray-address {address} goes through Ray Client, which this install lacks: "
            "pip install 'ray[client]' (the [ray] extra has it from this release on), or run "
            "the command on a node of the cluster with --ray-address auto"
        )


def _quiet(ray: ModuleType) -> None:
    """Keep Ray's own chatter out of our output: its progress bars and its notes about its
    defaults (token authentication, the dashboard) are not about the user's records."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    # Ray Data re-applies its logging configuration to "ray.data" when a dataset runs, so the
    # loggers of the notes themselves are set: the token note, and "Progress bars disabled"
    for name in ("ray", "ray._private", "ray.util", "ray.data._internal.progress"):
        logging.getLogger(name).setLevel(logging.ERROR)


def require_ray() -> ModuleType:
    """The ``ray`` module, or :class:`RayNotInstalledError` saying what to install."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise RayNotInstalledError() from None
    return ray


# --- units of work ----------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One piece of work: a ``chunk`` of a JSON Lines input, a whole ``.json`` file, or a row
    group of a Parquet file (``row_group``, whose first row is ``first_row`` of the file)."""

    index: int
    kind: str  # jsonl, json, parquet
    path: str
    chunk: Chunk | None = None
    row_group: int = 0
    first_row: int = 0


def plan(inputs: Sequence[str], chunk_size: int | None = None) -> list[Unit | InputError]:
    """The units of the inputs (files, folders; searched for JSON, JSON Lines and Parquet
    files), in input order, and in their places the inputs that cannot be read. Reads only a
    line at each cut of a JSON Lines file (every ``chunk_size`` bytes, default that of
    ``validate --jobs``) and the footer of a Parquet file."""
    if STDIN in inputs:
        raise DiplomaticVisitsError(
            "--engine ray cannot read standard input (-): give files, on storage every node of "
            "the cluster sees"
        )
    out: list[Unit | InputError] = []
    n = 0
    suffixes = JSON_SUFFIXES + JSONL_SUFFIXES + PARQUET_SUFFIXES
    for path in expand_inputs(inputs, suffixes):
        if isinstance(path, InputError):
            out.append(path)
        elif is_json_file(path):
            out.append(Unit(n, "json", path))
            n += 1
        elif is_parquet_file(path):
            groups = row_groups(path)
            if isinstance(groups, InputError):
                out.append(groups)
                continue
            for g, first in groups:
                out.append(Unit(n, "parquet", path, row_group=g, first_row=first))
                n += 1
        else:
            try:
                cut = list(chunks(path, size=chunk_size))
            except OSError as exc:
                out.append(InputError(path, f"cannot read: {exc.strerror or exc}"))
                continue
            except NotJSONLinesError as exc:
                out.append(InputError(path, exc.reason, exc.line))
                continue
            for c in cut:
                out.append(Unit(n, "jsonl", path, chunk=c))
                n += 1
    return out


def part_name(index: int) -> str:
    """The file of the ``out`` folder that holds the valid records of unit ``index``."""
    return f"part-{index:08d}.parquet"


class UnitWorker:
    """The worker of :func:`run`, built once per worker process (:func:`check_units`): it
    builds the validators, then checks (and, with ``parts``, converts and writes) the unit of
    each row of a batch, and returns a row per unit: its number, lines, records checked and
    valid, rows written, and its problems (pickled: they go back to the process that started
    the run)."""

    def __init__(
        self, settings: Settings, parts: str | None, table: str, version: str, column: str | None
    ) -> None:
        if version != _version.__version__:
            raise DiplomaticVisitsError(
                f"this node has diplomatic-visits {_version.__version__}, the run was started "
                f"with {version}: install the same version on every node"
            )
        self.settings = settings
        self.parts = parts
        self.table = table
        self.batch = BatchValidator(
            settings.version,
            settings.level,
            settings.sources,
            settings.max_errors,
            column=column,
        )

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        rows: list[dict[str, Any]] = []
        for blob in batch.column("unit").to_pylist():
            unit: Unit = pickle.loads(blob)
            result, checked = self.work(unit)
            invalid = sum(1 for p in result.problems if isinstance(p, RecordResult))
            written = self.write(unit, result) if self.parts is not None else 0
            rows.append(
                {
                    "index": unit.index,
                    "lines": result.lines,
                    "checked": checked,
                    "valid": checked - invalid,
                    "written": written,
                    "problems": pickle.dumps(result.problems),
                    "lost": pickle.dumps(result.lost),
                }
            )
        return pa.Table.from_pylist(rows, schema=_result_schema())

    def work(self, unit: Unit) -> tuple[ChunkResult, int]:
        """The unit checked (and converted when writing): its result and records checked."""
        s = self.settings
        if unit.kind == "parquet":
            return self._row_group(unit)
        if unit.kind == "json":
            result = next(iter(convert_json_file(unit.path, s)))
            valid = int(result.payload[2])
        elif self.parts is None:  # validate only: no conversion
            assert unit.chunk is not None
            result = check_chunk(unit.chunk, s)
            valid = int(result.payload)
        else:
            assert unit.chunk is not None
            result = convert_chunk(unit.chunk, s)
            valid = int(result.payload[2])
        valid += len(result.lost)  # valid records, which the export's types would not hold
        return result, valid + sum(1 for p in result.problems if isinstance(p, RecordResult))

    def _row_group(self, unit: Unit) -> tuple[ChunkResult, int]:
        return check_row_group(
            self.batch, unit.path, unit.row_group, unit.first_row, self.settings.tables
        )

    def write(self, unit: Unit, result: ChunkResult) -> int:
        """Write the unit's valid records as its own Parquet file (atomically: a retried unit
        replaces it whole); the rows written."""
        from diplomatic_visits.export import with_metadata, write_parquet_table
        from diplomatic_visits.output import atomic_file

        made = result.payload[0] if result.payload else None
        if not made or not made[self.table].num_rows:
            return 0
        s = self.settings
        t = with_metadata(made[self.table], self.table, s.version, s.level)
        assert self.parts is not None
        with atomic_file(Path(self.parts) / part_name(unit.index), force=True) as f:
            write_parquet_table(t, f)
        return int(t.num_rows)


_HELD: dict[str, UnitWorker] = {}


def check_units(batch: Any, token: str, worker: type[UnitWorker], kwargs: dict[str, Any]) -> Any:
    """The ``map_batches`` function of a run (``token``): its :class:`UnitWorker`, built once
    per worker process and kept for the run's next batches, checks the batch."""
    held = _HELD.get(token)
    if held is None:
        _HELD.clear()  # a process serves one run at a time: the last run's worker goes
        held = _HELD[token] = worker(**kwargs)
    return held(batch)


def _result_schema() -> Any:
    """The schema of a :class:`UnitWorker`'s rows."""
    import pyarrow as pa

    return pa.schema(
        [
            ("index", pa.int64()),
            ("lines", pa.int64()),
            ("checked", pa.int64()),
            ("valid", pa.int64()),
            ("written", pa.int64()),
            ("problems", pa.binary()),
            ("lost", pa.binary()),  # the records the types would not hold whole
        ]
    )


# --- the run ------------------------------------------------------------------------------


@dataclass
class Totals(Report):
    """What a run found, counted as a :class:`~diplomatic_visits.report.Report` counts (the
    same ``checked``, ``valid``, ``invalid``, ``unreadable``: lines, rows and inputs that could
    not be read, ``by_keyword`` and ``exit_code``, that of ``validate``), and what it wrote.
    It holds no problem itself (``keep`` 0): they go to the issues file, or to the caller."""

    keep: int | None = 0
    written: int = 0
    units: int = 0
    #: the valid records the export's column types would not hold whole (the first
    #: KEPT_PROBLEMS; ``lost_count``: all): the export is refused
    lost: list[Lost] = field(default_factory=list)
    lost_count: int = 0


@contextlib.contextmanager
def cluster(address: str | None = None, workers: int | None = None) -> Iterator[ModuleType]:
    """Ray, connected: to the cluster at ``address`` (``auto``: the one this machine is part
    of; ``ray://HOST:10001``: a remote one), or to the one this process already joined, or
    to a local one started for the run with ``workers`` CPUs (and stopped after it)."""
    ray = require_ray()
    started = False
    _quiet(ray)
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {
            "include_dashboard": False,
            "logging_level": logging.WARNING,
            "configure_logging": True,
        }
        if address is not None:
            kwargs["address"] = address
        elif not os.environ.get("RAY_ADDRESS"):
            kwargs["num_cpus"] = workers or os.cpu_count() or 1
        try:
            ray.init(**kwargs)
        except ConnectionError as exc:
            raise RayConnectError(address or os.environ.get("RAY_ADDRESS", ""), exc) from None
        except ValueError as exc:
            if "ray[client]" not in str(exc):
                raise
            raise RayClientMissingError(address or "") from None
        started = True
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def iter_units(
    units: Sequence[Unit],
    settings: Settings,
    parts: str | None = None,
    table: str = "articles",
    workers: int | None = None,
    column: str | None = None,
    worker: type[UnitWorker] = UnitWorker,
) -> Iterator[tuple[Unit, dict[str, Any]]]:
    """Check the units on the Ray cluster this process is connected to (:func:`cluster`),
    ``workers`` at a time (default: one per CPU of the cluster), and yield each with its
    result row in unit order (results that come early wait for those before them).
    ``worker``: the class that does the work (a subclass may add to it)."""
    ray = require_ray()
    if not units:
        return
    if workers is None:
        workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = sys.stderr.isatty()
    if not sys.stderr.isatty():  # Ray Data's notes on each run: only its warnings, in a log
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    items = [{"unit": pickle.dumps(u)} for u in units]
    size = min(workers, len(units))
    # a Ray task costs about as much as a unit's work (a tenth of a second): a task takes
    # several units (a block), but there are blocks enough for every worker to have work
    # until the end (and a retry to redo little)
    blocks = max(min(len(units), 4 * size), len(units) // 8)
    ds = ray.data.from_items(items, override_num_blocks=blocks)
    # Ray Data's resource reservation starts one task of an operator until a task has
    # finished and its output size is known: the other workers wait out the first block
    # (measured: the second of two workers started 1.1 s late, a quarter of a 100k-record
    # run). The run has one operator, whose outputs (a row per unit) the driver takes as they
    # come: nothing to reserve for. This dataset's own context, not the caller's.
    ds.context.op_resource_reservation_enabled = False
    kwargs = {
        "settings": settings,
        "parts": parts,
        "table": table,
        "version": _version.__version__,
        "column": column,
    }
    # Tasks, in Ray's pool of worker processes: these outlive a run (the next run on the
    # cluster finds the package imported and starts at once; actors would start new
    # processes every run), and each builds the run's worker once (check_units). A task
    # whose process dies is retried by Ray.
    ds = ds.map_batches(
        check_units,
        fn_kwargs={"token": uuid.uuid4().hex, "worker": worker, "kwargs": kwargs},
        batch_size=1,
        batch_format="pyarrow",
        compute=ray.data.TaskPoolStrategy(size=size),
        num_cpus=1,
    )
    waiting: dict[int, dict[str, Any]] = {}
    upcoming = 0
    try:
        for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
            for row in batch.to_pylist():
                index = int(row["index"])
                if index >= upcoming:  # a unit is counted once, however often it ran
                    waiting.setdefault(index, row)
            while upcoming in waiting:
                yield units[upcoming], waiting.pop(upcoming)
                upcoming += 1
    except DiplomaticVisitsError:
        raise
    except Exception as exc:  # Ray's errors: a worker failed more often than retried
        raise RayRunError(f"the Ray run failed: {type(exc).__name__}: {exc}") from exc
    if upcoming != len(units):
        raise RayRunError(f"the Ray run returned {upcoming} of {len(units)} units' results")


def iter_results(
    inputs: Sequence[str],
    version: str | None = None,
    level: Level = "extraction",
    sources: Sources | None = None,
    max_errors: int | None = DEFAULT_MAX_ERRORS,
    workers: int | None = None,
    parts: str | None = None,
    table: str = "articles",
    totals: Totals | None = None,
    worker: type[UnitWorker] = UnitWorker,
    chunk_size: int | None = None,
    column: str | None = None,
) -> Iterator[RecordResult | ValidRecords | InputError]:
    """What :func:`diplomatic_visits.pipeline.iter_results` yields (and in its order), checked
    on Ray: a :class:`RecordResult` for each invalid record, :class:`ValidRecords` for valid
    ones, and the input errors, numbered by the lines of each input. With ``parts`` (a folder
    every node sees), the valid records are written there too, one file per unit, as
    ``table``. ``totals``, when given, is kept up to date. ``column``: the column of JSON
    texts in Parquet inputs (default: typed columns, see
    :class:`~diplomatic_visits.batch.BatchValidator`). Connect first (:func:`cluster`)."""
    from diplomatic_visits.export import KEPT_PROBLEMS

    check_version(version)
    tables = (table,) if parts is not None else ()
    settings = Settings(version, level, sources, max_errors, tables, keep_valid=True)
    totals = totals if totals is not None else Totals()
    planned = plan(inputs, chunk_size)
    units = [u for u in planned if isinstance(u, Unit)]
    totals.units = len(units)
    results = iter_units(units, settings, parts, table, workers, column, worker)
    before: dict[str, int] = {}  # lines of each JSON Lines input before its next unit
    for item in planned:
        if isinstance(item, InputError):
            totals.add(item)
            yield item
            continue
        unit, row = next(results)
        assert unit is item
        problems: list[Problem] = pickle.loads(row["problems"])
        if unit.kind == "jsonl":
            at = before.get(unit.path, 0)
            problems = [renumbered(p, at) for p in problems] if at else problems
            before[unit.path] = at + int(row["lines"])
        totals.written += int(row["written"])
        lost: tuple[Lost, ...] = pickle.loads(row["lost"])
        totals.lost_count += len(lost)
        totals.lost.extend(lost[: KEPT_PROBLEMS - len(totals.lost)])
        # in line order, the valid records of the unit counted before its problems: a count
        # is all validate reports of them
        valid = ValidRecords(int(row["valid"]))
        for found in ([valid] if valid.count else []) + problems:
            totals.add(found)
            yield found


def run(
    inputs: Sequence[str],
    out: str | Path | None = None,
    issues: str | Path | None = None,
    table: str = "articles",
    version: str | None = None,
    level: Level = "extraction",
    sources: Sources | None = None,
    max_errors: int | None = DEFAULT_MAX_ERRORS,
    workers: int | None = None,
    address: str | None = None,
    force: bool = False,
    allow_empty: bool = False,
    refuse: bool = False,
    worker: type[UnitWorker] = UnitWorker,
    chunk_size: int | None = None,
    column: str | None = None,
) -> Totals:
    """Validate (and export) a corpus on Ray with one call.

    Args:
        inputs: JSON Lines, ``.json`` and Parquet files and folders of them, on storage every
            node of the cluster sees (a shared file system).
        out: a folder for the valid records: one Parquet file per unit of work
            (``part-NNNNNNNN.parquet``, in input order), the typed ``table`` of our export
            (read it as one table with ``pyarrow.dataset``, Polars, DuckDB or
            ``ray.data.read_parquet``). None: validate only.
        issues: a Parquet file for every issue of an invalid record and every unreadable
            line, row or input (:func:`diplomatic_visits.batch.issues_schema`), in input order.
        workers: Ray tasks at a time (default: one per CPU of the cluster).
        address: the cluster (see :func:`cluster`); default: a local one for the run.
        force: replace ``out`` and ``issues`` if they exist.
        allow_empty: inputs with no record at all are no error.
        refuse: as ``export`` does on one machine: if any record is invalid or anything
            unreadable, write nothing and raise
            :class:`~diplomatic_visits.export.RefusedExportError` with every problem.
        chunk_size: the bytes of JSON Lines per unit of work (default: 8 MiB).
        column: the column of JSON texts in Parquet inputs (default: typed columns).

    Both outputs are written atomically (a folder or file beside the target, renamed into
    place at the end). Returns the :class:`Totals`; ``exit_code`` is that of ``validate``.
    """
    from diplomatic_visits.export import KEPT_PROBLEMS, LossyExportError, RefusedExportError
    from diplomatic_visits.output import OutputExistsError, atomic_dir

    for target in (out, issues):
        if target is not None and Path(target).exists() and not force:
            raise OutputExistsError(Path(target))
    totals = Totals()
    refused: list[Problem] = []
    with contextlib.ExitStack() as stack:
        parts = None
        if out is not None:
            parts = str(stack.enter_context(atomic_dir(Path(out), force)))
        sink = stack.enter_context(_IssueSink(issues, force))
        with cluster(address, workers) as _:
            for item in iter_results(
                inputs, version, level, sources, max_errors, workers, parts, table, totals,
                worker, chunk_size, column,
            ):  # fmt: skip
                if not isinstance(item, ValidRecords):
                    sink.add(item)
                    if refuse and len(refused) < KEPT_PROBLEMS:  # memory stays flat
                        refused.append(item)
        empty = totals.close(inputs, allow_empty)
        if empty is not None:
            sink.add(empty)
            refused.append(empty)
        if refuse and refused:
            raise RefusedExportError(  # the folder is removed
                refused, totals.checked, totals.invalid, totals.unreadable
            )
        if totals.lost:  # a wrong --schema-version, with or without --issues: nothing is kept
            raise LossyExportError.of(totals.lost, version, totals.lost_count)
        if parts is not None:
            _finish_parts(Path(parts), table, version, level)
    return totals


def _finish_parts(folder: Path, table: str, version: str | None, level: Level) -> None:
    """Remove what a worker that died while writing left, and give a folder with no valid
    record one empty file, so that it still says its schema."""
    from diplomatic_visits.arrow import table_schema
    from diplomatic_visits.export import with_metadata, write_parquet_table
    from diplomatic_visits.output import atomic_file

    for leftover in folder.glob(".*.tmp"):
        leftover.unlink()
    if not any(folder.glob("part-*.parquet")):
        empty = table_schema(table, version, level).empty_table()
        empty = with_metadata(empty, table, version, level)
        with atomic_file(folder / part_name(0), force=True) as f:
            write_parquet_table(empty, f)


class _IssueSink:
    """The issues file, written as the problems come (atomically), or nothing."""

    def __init__(self, path: str | Path | None, force: bool) -> None:
        self.path, self.force = path, force
        self._stack = contextlib.ExitStack()
        self.writer: Any = None
        self.rows: list[dict[str, Any]] = []
        self.parquet: dict[str, bool] = {}  # per input: its problems are numbered by row

    def __enter__(self) -> _IssueSink:
        if self.path is not None:
            import pyarrow.parquet as pq

            from diplomatic_visits.export import PARQUET_OPTIONS
            from diplomatic_visits.output import atomic_file

            f = self._stack.enter_context(atomic_file(Path(self.path), self.force))
            self.writer = pq.ParquetWriter(f, issues_schema(), **PARQUET_OPTIONS)
        return self

    def add(self, problem: Problem) -> None:
        if self.writer is None:
            return
        line = problem.line
        parquet = self.parquet.get(problem.path)
        if parquet is None:
            parquet = self.parquet[problem.path] = is_parquet_file(problem.path)
        self.rows.extend(issue_rows(problem, line - 1 if parquet and line is not None else None))
        if len(self.rows) >= 10_000:
            self._flush()

    def _flush(self) -> None:
        from diplomatic_visits.batch import issues_table

        if self.rows:
            self.writer.write_table(issues_table(self.rows))
            self.rows.clear()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.writer is not None:
                if kind is None:
                    self._flush()
                self.writer.close()
        finally:
            self._stack.__exit__(kind, exc, tb)


__all__ = [
    "RayNotInstalledError",
    "RayRunError",
    "Totals",
    "Unit",
    "UnitWorker",
    "Validate",
    "cluster",
    "iter_results",
    "iter_units",
    "plan",
    "require_ray",
    "run",
]
