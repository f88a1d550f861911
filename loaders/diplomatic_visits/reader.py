"""The one reader of checked records: every command that takes records and needs their values
(score, migrate, compat, view, extract's gold) reads them here, so that unreadable input and
inputs with no record at all are handled the same way everywhere.

:func:`read_records` gives every record of the inputs in input order as a
:class:`~diplomatic_visits.report.RecordResult` carrying its value (valid ones too), checked
with the run's :class:`~diplomatic_visits.chunkwork.Settings`, in worker processes when asked
(``jobs``); :func:`read_documents` gives the parsed documents only, unchecked. Unreadable input
comes as an :class:`~diplomatic_visits.errors.InputError` in its place: the caller decides
whether it stops the run (:func:`raise_unreadable`) or is reported. :func:`read_results` is
what ``validate`` reports: the same checks without the values, valid records counted, with the
compiled engine's fast path (exports convert as they check:
:func:`diplomatic_visits.export.export_inputs`). The "no records" rule of them all is
:func:`diplomatic_visits.report.nothing_read`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import IO, TypeVar

from diplomatic_visits.accel import exact_scan
from diplomatic_visits.chunkwork import ChunkResult, Problem, Settings, check, check_version
from diplomatic_visits.errors import InputError
from diplomatic_visits.inputs import expand_inputs, is_json_file, iter_documents, read_inputs
from diplomatic_visits.jsonl import Chunk, Lines
from diplomatic_visits.parse import Document, detached, line_document
from diplomatic_visits.pipeline import iter_results, map_chunks, worker_pool
from diplomatic_visits.report import RecordResult, ValidRecords, nothing_read

T = TypeVar("T")


def read_documents(
    inputs: Sequence[str], stdin: IO[bytes] | None = None, allow_empty: bool = True
) -> Iterator[Document | InputError]:
    """Every record of every input, parsed and not checked, in order, in this process, and
    every input error in its place; ends with the "no records" error when the inputs held
    no record and ``allow_empty`` is False."""
    yield from _then_nothing_read(inputs, read_inputs(inputs, stdin), allow_empty)


def read_records(
    inputs: Sequence[str],
    settings: Settings | None = None,
    jobs: int = 1,
    stdin: IO[bytes] | None = None,
    allow_empty: bool = True,
) -> Iterator[RecordResult | InputError]:
    """Every record of every input checked with ``settings`` (default: the latest version,
    level extraction, no article texts, every issue), in input order: one
    :class:`RecordResult` each, valid or not, its ``value`` the record (after
    ``settings.prepare``, when set), and every input error in its place. ``jobs`` > 1: JSON
    Lines inputs are parsed and checked by that many worker processes. Ends with the "no
    records" error when the inputs held no record and ``allow_empty`` is False."""
    s = settings if settings is not None else Settings()
    check_version(s.version)
    yield from _then_nothing_read(inputs, _checked(inputs, s, jobs, stdin), allow_empty)


def read_results(
    inputs: Sequence[str],
    settings: Settings | None = None,
    jobs: int = 1,
    stdin: IO[bytes] | None = None,
) -> Iterator[RecordResult | ValidRecords | InputError]:
    """What ``validate`` reports of the inputs: :func:`read_records` without the values, the
    valid records counted (:class:`~diplomatic_visits.report.ValidRecords`) and accepted by
    the compiled engine where there is one, Parquet files read too
    (:func:`diplomatic_visits.pipeline.iter_results`); memory stays flat on any input."""
    s = settings if settings is not None else Settings()
    return iter_results(inputs, s.version, s.level, s.sources, s.max_errors, stdin, jobs)


def _then_nothing_read(
    inputs: Sequence[str], items: Iterable[T | InputError], allow_empty: bool
) -> Iterator[T | InputError]:
    """``items``, counted, then the "no records" error when they held no record and
    ``allow_empty`` is False."""
    read = unreadable = 0
    for item in items:
        if isinstance(item, InputError):
            unreadable += 1
        else:
            read += 1
        yield item
    empty = nothing_read(inputs, read, unreadable, allow_empty)
    if empty is not None:
        yield empty


def raise_unreadable(items: Iterable[T | InputError]) -> Iterator[T]:
    """``items`` until the first unreadable input, which is raised (for commands that cannot
    go on without every record: score, compat, view)."""
    for item in items:
        if isinstance(item, InputError):
            raise item
        yield item


def _checked(
    inputs: Sequence[str], s: Settings, jobs: int, stdin: IO[bytes] | None
) -> Iterator[RecordResult | InputError]:
    if jobs <= 1:
        for doc in read_inputs(inputs, stdin):
            yield doc if isinstance(doc, InputError) else check_with_value(doc, s)
        return
    with worker_pool(jobs, s) as pool:
        for path in expand_inputs(inputs):
            if isinstance(path, InputError):
                yield path
            elif is_json_file(path):
                for doc in iter_documents(path, stdin):
                    yield doc if isinstance(doc, InputError) else check_with_value(doc, s)
            else:
                for result in map_chunks(path, values_chunk, s, pool, 2 * jobs, stdin):
                    yield from result.problems  # every record's result, in line order


def check_with_value(doc: Document, s: Settings) -> RecordResult | InputError:
    """Check one document (after ``s.prepare``) and keep its value in the result."""
    if s.prepare is not None:  # a new value: its line and its lines no longer describe it
        doc = Document(doc.path, doc.line, s.prepare(doc.value))
    result = check(doc, s)
    return result if isinstance(result, InputError) else replace(result, value=doc.value)


def values_chunk(chunk: Chunk, s: Settings) -> ChunkResult:
    """A worker's part of :func:`read_records`: every line's result, valid ones included."""
    results: list[Problem] = []
    exact = exact_scan()
    lines = Lines(chunk)
    for lineno, raw in lines:
        if isinstance(raw, InputError):
            results.append(raw)
            continue
        try:
            doc = line_document(raw, chunk.name, lineno, exact)
        except InputError as exc:
            results.append(detached(exc))
            continue
        results.append(check_with_value(doc, s))
    return ChunkResult(lines.count, results)
