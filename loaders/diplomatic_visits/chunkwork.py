"""What is done with a unit of input, the same in this process, in worker processes and in
Ray: each record checked with the run's :class:`Settings`, fast path first, and the valid ones
counted (:func:`check_chunk`, for ``validate``) or converted (:func:`convert_chunk`, for the
exports).

The fast path is the compiled engine (:mod:`diplomatic_visits.accel`): a record it accepts is
certainly valid and needs no report. Every other record takes the reference path, which parses
strictly and reports. :func:`check_raw` is that choice for one line; :func:`check_lines` is the
one loop over a chunk (the engine's pass over the whole chunk where it can take it, else line
by line), which both chunk functions run. The drivers sit above:
:mod:`diplomatic_visits.pipeline` hands chunks to worker processes,
:mod:`diplomatic_visits.batch` checks Arrow batches a row at a time or as one chunk,
:mod:`diplomatic_visits.export` writes what the chunks made.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from diplomatic_visits.accel import acceptor, chunk_acceptor, exact_scan
from diplomatic_visits.errors import InputError, UnknownSchemaVersionError
from diplomatic_visits.inputs import Sources, iter_documents
from diplomatic_visits.jsonl import Chunk, Lines, chunk_bytes, jsonl_line
from diplomatic_visits.parse import Document, detached, line_document
from diplomatic_visits.report import RecordResult
from diplomatic_visits.schema import Level, available_versions
from diplomatic_visits.validate import check_document


@dataclass(frozen=True)
class Settings:
    """What every record of a run is checked with (handed to each worker once)."""

    version: str | None = None
    level: Level = "extraction"
    sources: Sources | None = None
    max_errors: int | None = None
    tables: tuple[str, ...] = ()  # for exports: the tables the workers build
    # for exports: convert the valid records of a chunk even when others in it are not (a
    # run that writes the valid records and reports the rest, instead of refusing)
    keep_valid: bool = False
    # for the reader: what a record's value goes through before it is checked (migrate's
    # upgrade); a module-level function or a partial of one, so that workers can take it
    prepare: Callable[[Any], Any] | None = None


Problem = RecordResult | InputError


@dataclass(frozen=True)
class ChunkResult:
    """What a chunk function made of a :class:`~diplomatic_visits.jsonl.Chunk`: how many lines
    it had, its ``problems`` (invalid :class:`RecordResult` and :class:`InputError`, in line
    order) and whatever else the work produced (``payload``)."""

    lines: int
    problems: list[Problem]
    payload: Any = None
    #: exports: the valid records the tables' column types would not hold whole (they are
    #: not converted, and the export is refused: :class:`~diplomatic_visits.export.
    #: LossyExportError`)
    lost: tuple[Lost, ...] = ()


@dataclass(frozen=True)
class Lost:
    """A valid record that the export's column types would not hold whole: its id, the
    schema version it declares, and the paths of what would be dropped."""

    record_id: str
    declared: str | None
    paths: tuple[str, ...]


ChunkFn = Callable[[Chunk, Settings], ChunkResult]


def check_version(version: str | None) -> None:
    """Raise :class:`UnknownSchemaVersionError` unless ``version`` is None or shipped."""
    if version is not None and version not in available_versions():
        raise UnknownSchemaVersionError(version, available_versions())


def check(doc: Document, s: Settings) -> RecordResult | InputError:
    """Check one parsed document with the run's settings."""
    try:
        return check_document(doc, s.version, s.level, s.sources, s.max_errors)
    except InputError as exc:  # found by the strict re-parse of an invalid record
        return detached(exc)


def check_line(path: str, lineno: int, raw: bytes, s: Settings) -> RecordResult | InputError:
    """Parse and check one JSON Lines line (the reference path, which reports)."""
    try:
        doc = line_document(raw, path, lineno, exact_scan())
    except InputError as exc:
        return detached(exc)
    return check(doc, s)


_ACCEPTORS: dict[int, tuple[Settings, Any, Any]] = {}


def _acceptors(s: Settings) -> tuple[Any, Any]:
    held = _ACCEPTORS.get(id(s))
    if held is None or held[0] is not s:  # made once per process and run
        choose = s.sources.choose if s.sources is not None else None
        held = (s, acceptor(s.level, choose), chunk_acceptor(s.level, choose))
        _ACCEPTORS.clear()
        _ACCEPTORS[id(s)] = held
    return held[1], held[2]


def fast_acceptor(s: Settings) -> Callable[[bytes], Any] | None:
    """The compiled engine's acceptor of one line for these settings (see
    :func:`diplomatic_visits.accel.acceptor`); None without the engine."""
    return _acceptors(s)[0]  # type: ignore[no-any-return]


def accepted_lines(
    chunk: Chunk, s: Settings, keep: bool, blob: bytes | None = None
) -> tuple[int, int, list[tuple[int, bytes]], Any] | None:
    """The compiled engine's pass over a whole chunk (:func:`accel.chunk_acceptor
    <diplomatic_visits.accel.chunk_acceptor>`): (lines, accepted, the other lines with their
    numbers, the accepted records if ``keep``); None without the engine or for a chunk it
    cannot take whole. ``blob``: the chunk's bytes, when the caller has read them already."""
    batch = _acceptors(s)[1]
    if batch is None:
        return None
    if blob is None:
        blob = chunk_bytes(chunk)
    if blob is None:
        return None
    return batch(blob, chunk.start == 0, keep)  # type: ignore[no-any-return]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Parsed records hold no reference cycles: reference counting frees each one as soon as it
    is done with. The cyclic collector, triggered every few hundred new objects, would only walk
    the records still held again and again, so it waits for the block to end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- the one loop --------------------------------------------------------------------------


def check_raw(
    raw: bytes,
    name: str,
    lineno: int,
    s: Settings,
    accept: Callable[[bytes], Any] | None,
    exact: Callable[[bytes], bool] | None,
) -> tuple[Any, Problem | None]:
    """One line of ``name``: (its record, None) when it is valid, else (None, its problem).
    ``accept`` (:func:`fast_acceptor`), when there is one, goes first: a record it returns is
    certainly valid. Any other line takes the reference path, which reports (``exact``:
    :func:`~diplomatic_visits.accel.exact_scan`)."""
    if accept is not None:
        value = accept(raw)
        if value is not None:
            return value, None
    try:
        doc = line_document(raw, name, lineno, exact)
    except InputError as exc:
        return None, detached(exc)
    result = check(doc, s)
    if isinstance(result, RecordResult) and result.valid:
        return doc.value, None
    return None, result


def check_lines(
    chunk: Chunk,
    s: Settings,
    problems: list[Problem],
    add: Callable[[Any], None] | None = None,
) -> tuple[int, int, int]:
    """Check every record of ``chunk`` in line order: the compiled engine's pass over the whole
    chunk where it can take it (the lines it does not accept take the reference path), else
    line by line (:func:`check_raw`). Problems are appended to ``problems``; each valid record
    goes to ``add``, in line order (None: only counted, and the engine keeps no values).
    Returns (the chunk's lines, the records checked, the valid ones)."""
    exact = exact_scan()
    valid = 0

    def take(value: Any, problem: Problem | None) -> None:
        nonlocal valid
        if problem is not None:
            problems.append(problem)
            return
        valid += 1
        if add is not None:
            add(value)

    with collector_paused():
        batch = accepted_lines(chunk, s, keep=add is not None)
        if batch is not None:  # the compiled engine took every line it could; the rest report
            count, accepted, rejected, kept = batch
            valid = accepted
            waiting = iter(rejected)
            other = next(waiting, None)
            if add is not None:  # the accepted records, the rejected lines among them
                for lineno, value in kept:
                    while other is not None and other[0] < lineno:
                        take(*check_raw(other[1], chunk.name, other[0], s, None, exact))
                        other = next(waiting, None)
                    add(value)
            while other is not None:
                take(*check_raw(other[1], chunk.name, other[0], s, None, exact))
                other = next(waiting, None)
            return count, accepted + len(rejected), valid
        accept = fast_acceptor(s)
        checked = 0
        lines = Lines(chunk)
        for lineno, raw in lines:
            if isinstance(raw, InputError):
                problems.append(raw)
                continue
            checked += 1
            take(*check_raw(raw, chunk.name, lineno, s, accept, exact))
        return lines.count, checked, valid


def check_chunk(chunk: Chunk, s: Settings) -> ChunkResult:
    """The problems of a chunk, and (``payload``) how many of its records are valid."""
    problems: list[Problem] = []
    lines, _, valid = check_lines(chunk, s, problems)
    return ChunkResult(lines, problems, valid)


def issue_count(problem: Problem) -> int:
    """How many issues a problem holds (an input error, or a record with none kept: one)."""
    return 1 if isinstance(problem, InputError) else max(len(problem.issues), 1)


def renumbered(problem: Problem, before: int) -> Problem:
    """A problem found in a chunk, numbered by the input's lines: ``before`` lines came
    before the chunk."""
    if problem.line is None:
        return problem
    if isinstance(problem, InputError):
        return InputError(problem.path, problem.reason, problem.line + before, problem.column)
    lines = tuple(n + before if n is not None else None for n in problem.lines)
    return replace(problem, line=problem.line + before, lines=lines)


# --- conversion, for the exports ------------------------------------------------------------


class Converted:
    """What the valid records of a chunk become: a table for each of ``s.tables``, or (no
    tables) their JSON Lines lines. Nothing once a problem is found (the export is refused),
    unless ``s.keep_valid``."""

    def __init__(self, s: Settings, problems: list[Problem]) -> None:
        from diplomatic_visits.arrow import TableBuilder

        self.s = s
        self.problems = problems
        self.tables = [TableBuilder(t, s.version, s.level) for t in s.tables]
        self.lines: list[bytes] = []
        self.kept = 0  # valid records converted
        self.lost: list[Lost] = []

    def add(self, value: Any) -> None:
        if self.problems and not self.s.keep_valid:
            return
        if self.tables:
            lost = lost_of(value, self.s)
            if lost is not None:
                self.lost.append(lost)
                return
        self.kept += 1
        if not self.tables:
            self.lines.append(jsonl_line(value))
            return
        found = self.s.sources.find(value) if self.s.sources is not None else None
        for b in self.tables:
            b.add(value, found.text if found is not None else None)

    def chunk_result(self, lines: int, n: int) -> ChunkResult:
        """The :class:`ChunkResult` of a chunk of ``lines`` lines, ``n`` records checked."""
        return ChunkResult(lines, self.problems, self.result(n), tuple(self.lost))

    def result(self, n: int) -> tuple[Any, int, int]:
        """(the tables by name, or the lines; None if there were problems), ``n`` checked,
        and how many valid records were converted"""
        if self.problems and not self.s.keep_valid:
            return None, n, 0
        if not self.tables:
            return self.lines, n, self.kept
        return {b.name: b.finish() for b in self.tables}, n, self.kept


def convert_chunk(chunk: Chunk, s: Settings) -> ChunkResult:
    """Worker side of :func:`~diplomatic_visits.export.export_inputs`: parse and check a chunk
    of lines and, when every record in it is valid (or ``s.keep_valid``), convert them
    (``payload``: (what :class:`Converted` made, the number of lines checked, the number of
    valid records converted))."""
    lines_read = _articles_from_lines(chunk, s)
    if lines_read is not None:
        return lines_read
    problems: list[Problem] = []
    out = Converted(s, problems)
    lines, checked, _ = check_lines(chunk, s, problems, out.add)
    return out.chunk_result(lines, checked)


def _articles_from_lines(chunk: Chunk, s: Settings) -> ChunkResult | None:
    """:func:`convert_chunk` for the ``articles`` table without article texts, when the
    compiled engine accepts every line of the chunk: the lines go to pyarrow's JSON reader with
    the derived schema (:func:`~diplomatic_visits.arrow.articles_from_json_lines`) instead of
    becoming Python objects first. None for any other chunk (a line the engine does not take,
    a value the reader could read differently): the general path then does it all again."""
    from diplomatic_visits.arrow import ARTICLES_TABLE, articles_from_json_lines

    if s.tables != (ARTICLES_TABLE,) or s.sources is not None:
        return None
    blob = chunk_bytes(chunk)  # read once, for the engine and the reader
    batch = None if blob is None else accepted_lines(chunk, s, keep=False, blob=blob)
    if blob is None or batch is None:
        return None
    count, accepted, rejected, _ = batch
    if rejected or not accepted:
        return None
    table = articles_from_json_lines(blob, accepted, s.version, s.level)
    if table is None:
        return None
    return ChunkResult(count, [], ({ARTICLES_TABLE: table}, accepted, accepted))


def convert_json_file(path: str, s: Settings) -> Iterator[ChunkResult]:
    """:func:`convert_chunk` for a ``.json`` file (one record or an array): one result, its
    problems unnumbered by line."""
    problems: list[Problem] = []
    out = Converted(s, problems)
    n = 0
    for doc in iter_documents(path):
        if isinstance(doc, InputError):
            problems.append(doc)
            continue
        n += 1
        result = check(doc, s)
        if isinstance(result, RecordResult) and result.valid:
            out.add(doc.value)
        else:
            problems.append(result)
    yield out.chunk_result(0, n)


def lost_of(value: Any, s: Settings) -> Lost | None:
    """What the tables of ``s`` with its schema version's column types would drop of a valid
    record (:func:`~diplomatic_visits.arrow.lost_paths`), or None: they hold it whole. Every
    builder of the exports asks it before it adds a record."""
    from diplomatic_visits.arrow import lost_paths

    paths = lost_paths(value, s.tables, s.version, s.level)
    if not paths:
        return None
    declared = value.get("schema_version")
    return Lost(
        str(value.get("record_id")),
        declared if isinstance(declared, str) else None,
        tuple(paths),
    )
