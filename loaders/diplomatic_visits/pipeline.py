"""Many records: the inputs checked in order, in this process or in worker processes.

JSON Lines files are cut into chunks (:mod:`diplomatic_visits.jsonl`) that workers read
themselves; each worker builds its validators and accelerator once, and applies a chunk
function (:func:`~diplomatic_visits.chunkwork.check_chunk` for ``validate``,
:func:`~diplomatic_visits.chunkwork.convert_chunk` for exports) to each chunk it is given.
Results come back in input order, their problems numbered by the lines of the input, with at
most two chunks per worker in flight, so memory stays flat on any input size.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from diplomatic_visits.chunkwork import (
    ChunkFn,
    ChunkResult,
    Settings,
    check,
    check_chunk,
    check_version,
    fast_acceptor,
    issue_count,
    renumbered,
)

# named here before chunkwork held them, and still found here
from diplomatic_visits.chunkwork import check_line as check_line
from diplomatic_visits.errors import InputError
from diplomatic_visits.inputs import (
    JSON_SUFFIXES,
    JSONL_SUFFIXES,
    PARQUET_SUFFIXES,
    STDIN,
    Sources,
    as_inputs,
    expand_inputs,
    is_json_file,
    is_parquet_file,
    iter_documents,
)
from diplomatic_visits.jsonl import Chunk, ChunkSizes, NotJSONLinesError, chunks
from diplomatic_visits.report import RecordResult, Report, ValidRecords
from diplomatic_visits.schema import Level, rs_validator

# --- worker processes ----------------------------------------------------------------------

_WORKER_SETTINGS: Settings | None = None


def start_pool(jobs: int, settings: Settings, threads: bool = False) -> Any:
    """A pool of ``jobs`` worker processes for :func:`map_chunks`, or None for ``jobs`` 1.

    Workers are forked where that is safe (Linux, and no other thread in this process): they
    start at once with everything this process has built. Elsewhere they are spawned and
    build their validators once, at start. Workers die with this process, however it ends,
    and leave Ctrl-C to it: end a pool with :func:`stop_pool`, or use :func:`worker_pool`.

    ``threads``: threads of this process instead, for a chunk function that spends most of its
    time outside the GIL (pyarrow's reader releases it): nothing is copied between processes
    and the pool shares this process's validators.
    """
    if jobs <= 1:
        return None
    if threads:
        from concurrent.futures import ThreadPoolExecutor

        return ThreadPoolExecutor(jobs, thread_name_prefix="diplomatic-visits")
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
    ctx = multiprocessing.get_context(method)
    return ProcessPoolExecutor(
        jobs, mp_context=ctx, initializer=_init_worker, initargs=(settings, os.getpid())
    )


def stop_pool(pool: Any, now: bool = False) -> None:
    """End a pool of :func:`start_pool`: when its work is done, or ``now`` (the run was
    interrupted or failed), killing its workers instead of waiting for them."""
    if pool is None:
        return
    if now:
        # ProcessPoolExecutor has no public way to stop busy workers before Python 3.14
        # (terminate_workers); its shutdown would wait for every running chunk
        terminate = getattr(pool, "terminate_workers", None)
        if terminate is not None:
            terminate()
        else:
            for process in list(getattr(pool, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    process.kill()
        # with its workers gone, the pool's manager thread ends at once: wait for it, or the
        # interpreter's exit would wake it through a closed pipe (a traceback at exit)
        pool.shutdown(wait=True, cancel_futures=True)
    else:
        pool.shutdown(cancel_futures=True)


@contextlib.contextmanager
def worker_pool(jobs: int, settings: Settings, threads: bool = False) -> Iterator[Any]:
    """:func:`start_pool` for a block: its workers are stopped at once if the block fails or
    is interrupted (Ctrl-C), else when their work is done."""
    pool = start_pool(jobs, settings, threads)
    try:
        yield pool
    except BaseException:
        stop_pool(pool, now=True)
        raise
    stop_pool(pool)


def _die_with_parent(parent: int) -> None:
    """Make this worker end when the process that started it ends, even by SIGKILL: Linux
    delivers a signal (prctl PR_SET_PDEATHSIG); elsewhere a thread watches the parent."""
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if sys.platform == "linux":
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    else:

        def watch() -> None:
            import time

            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _init_worker(settings: Settings, parent: int) -> None:
    global _WORKER_SETTINGS
    _die_with_parent(parent)
    _WORKER_SETTINGS = settings
    rs_validator(settings.version, settings.level)
    fast_acceptor(settings)


def _in_worker(fn: ChunkFn, chunk: Chunk) -> ChunkResult:
    assert _WORKER_SETTINGS is not None
    return fn(chunk, _WORKER_SETTINGS)


def _submit(pool: Any, fn: ChunkFn, chunk: Chunk, settings: Settings) -> Any:
    from concurrent.futures import ThreadPoolExecutor

    if isinstance(pool, ThreadPoolExecutor):  # threads: this process's settings
        return pool.submit(fn, chunk, settings)
    return pool.submit(_in_worker, fn, chunk)


def map_chunks(
    path: str,
    fn: ChunkFn,
    settings: Settings,
    pool: Any = None,
    in_flight: int = 2,
    stdin: IO[bytes] | None = None,
    adaptive: bool = False,
) -> Iterator[ChunkResult]:
    """Cut a JSON Lines input (or ``-``) into chunks and apply ``fn(chunk, settings)`` to each,
    in the worker ``pool`` or here; yield the results in input order, their problems numbered
    by the lines of the input. At most ``in_flight`` chunks are pending. An input that cannot
    be read gives a result whose problem says so. ``adaptive``: chunks sized by
    :class:`~diplomatic_visits.jsonl.ChunkSizes`, so that what a chunk's results hold stays
    bounded however many records are invalid (else :data:`~diplomatic_visits.jsonl.CHUNK_BYTES`
    each, the cuts an export's row groups follow)."""
    name = "<stdin>" if path == STDIN else path
    pending: deque[tuple[int, Any]] = deque()
    before = 0  # lines of the input before the next result's chunk
    sizes = ChunkSizes() if adaptive else None  # chunks sized so that their results stay small

    def finish(length: int, work: Any) -> ChunkResult:
        nonlocal before
        result: ChunkResult = work.result() if pool else work
        if sizes is not None:
            sizes.done(length, sum(issue_count(p) for p in result.problems))
        problems = [renumbered(p, before) for p in result.problems] if before else result.problems
        before += result.lines
        return ChunkResult(result.lines, problems, result.payload, result.lost)

    try:
        for chunk in chunks(path, stdin, sizes):
            work = _submit(pool, fn, chunk, settings) if pool else fn(chunk, settings)
            pending.append((chunk.length, work))
            while len(pending) >= max(in_flight, 1):
                yield finish(*pending.popleft())
        while pending:
            yield finish(*pending.popleft())
    except OSError as exc:
        yield ChunkResult(0, [InputError(name, f"cannot read: {exc.strerror or exc}")])
    except NotJSONLinesError as exc:
        yield ChunkResult(0, [InputError(name, exc.reason, exc.line)])


def iter_results(
    inputs: Sequence[str],
    version: str | None = None,
    level: Level = "extraction",
    sources: Sources | None = None,
    max_errors: int | None = None,
    stdin: IO[bytes] | None = None,
    jobs: int = 1,
) -> Iterator[RecordResult | ValidRecords | InputError]:
    """Check every record of every input, yielding in input order a :class:`RecordResult` for
    each invalid record, :class:`ValidRecords` for valid ones, and the input errors.

    With ``jobs`` > 1, JSON Lines inputs are checked by that many worker processes. Parquet
    files (our export's typed columns, or a column of JSON texts) are checked here, a row
    group at a time, as the Ray engine checks them; pyarrow is imported only for them.
    """
    check_version(version)
    settings = Settings(version, level, sources, max_errors)
    held: list[Any] = []  # the Arrow validator, built for the first Parquet input
    with worker_pool(jobs, settings) as pool:
        for path in expand_inputs(inputs, JSON_SUFFIXES + JSONL_SUFFIXES + PARQUET_SUFFIXES):
            if isinstance(path, InputError):
                yield path
            elif is_parquet_file(path):
                yield from _parquet_results(path, settings, held)
            elif not is_json_file(path):
                results = map_chunks(path, check_chunk, settings, pool, 2 * jobs, stdin, True)
                for result in results:
                    yield from result.problems
                    if result.payload:
                        yield ValidRecords(result.payload)
            else:
                for doc in iter_documents(path, stdin):
                    item = doc if isinstance(doc, InputError) else check(doc, settings)
                    yield ValidRecords(1) if isinstance(item, RecordResult) and item.valid else item


def _parquet_results(
    path: str, settings: Settings, held: list[Any]
) -> Iterator[RecordResult | ValidRecords | InputError]:
    """A Parquet file's results, a row group at a time (problems numbered by row, from 1)."""
    from diplomatic_visits.batch import BatchValidator, check_row_group, row_groups

    groups = row_groups(path)
    if isinstance(groups, InputError):
        yield groups
        return
    if not held:
        s = settings
        held.append(BatchValidator(s.version, s.level, s.sources, s.max_errors))
    for group, first in groups:
        result, checked = check_row_group(held[0], path, group, first)
        yield from result.problems
        valid = checked - sum(1 for p in result.problems if isinstance(p, RecordResult))
        if valid:
            yield ValidRecords(valid)


def validate_files(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    version: str | None = None,
    level: Level = "extraction",
    sources: Sources | None = None,
    max_errors: int | None = None,
    jobs: int = 1,
    allow_empty: bool = False,
    keep: int | None = None,
) -> Report:
    """Check files, folders or ``-`` (stdin) and return a :class:`Report`; its ``exit_code``
    is 0, 1 or 2. ``inputs`` is one path (``str`` or ``Path``) or a list of them. Inputs that
    hold no record at all are an input error unless ``allow_empty``. ``keep``: at most this
    many invalid results and input errors are held (None: all; the counts are exact either
    way); for flat memory on any input, ``keep=0`` or :func:`iter_results`."""
    inputs = as_inputs(inputs)
    report = Report(keep=keep)
    for item in iter_results(inputs, version, level, sources, max_errors, jobs=jobs):
        report.add(item)
    report.close(inputs, allow_empty)
    return report
