"""JSON Lines input in chunks: read with flat memory, cut for worker processes, numbered.

A file is cut into byte ranges of whole lines, about :data:`CHUNK_BYTES` each, that the worker
reads itself: the process that hands out the work reads almost nothing (a line at each cut).
Standard input, or any stream that cannot seek, is read by that process line by line instead,
and the lines themselves are handed over. Either way a worker numbers lines from 1 within its
chunk and says how many there were; :func:`diplomatic_visits.pipeline.map_chunks` turns those
numbers into the input's own, since only it knows how many lines came before.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from diplomatic_visits.errors import DiplomaticVisitsError, InputError
from diplomatic_visits.parse import not_json_lines

MAX_LINE_BYTES = 64 * 1024 * 1024  # a longer line is reported, and skipped without being held
CHUNK_BYTES = 8 * 1024 * 1024  # the size of the pieces handed to workers
FIRST_CHUNK_BYTES = 128 * 1024  # a run starts small (see ChunkSizes)
SMALLEST_CHUNK_BYTES = 16 * 1024
ISSUES_PER_CHUNK = 20_000  # what one chunk's results may hold, about 10 MB
_BOM = b"\xef\xbb\xbf"


class NotJSONLinesError(DiplomaticVisitsError, ValueError):
    """The input is plainly not JSON Lines (see :func:`diplomatic_visits.parse.not_json_lines`):
    reading it line by line would only report every line."""

    def __init__(self, line: int, reason: str) -> None:
        self.line, self.reason = line, reason
        super().__init__(reason)


def _first_line_check(
    lines: Iterator[tuple[int, bytes | InputError]],
) -> Iterator[tuple[int, bytes | InputError]]:
    """``lines`` unchanged, but :class:`NotJSONLinesError` at the first non-blank line if it
    says the input is not JSON Lines at all."""
    first = True
    for n, raw in lines:
        if first and isinstance(raw, bytes):
            first = False
            why = not_json_lines(raw)
            if why is not None:
                raise NotJSONLinesError(n, why)
        yield n, raw


def too_long(path: str, line: int) -> InputError:
    """The error of a line longer than :data:`MAX_LINE_BYTES`."""
    return InputError(path, f"line longer than {MAX_LINE_BYTES} bytes", line)


def _raw_lines(stream: IO[bytes], budget: int | None = None) -> Iterator[bytes | None]:
    """Every line of ``stream`` (its first ``budget`` bytes, which end at a line's end); None
    for a line longer than :data:`MAX_LINE_BYTES`, whose rest is read past, never held."""
    limit = MAX_LINE_BYTES
    readline = stream.readline
    left = sys.maxsize if budget is None else budget
    while left > 0:
        raw = readline(limit + 1)
        if not raw:
            return
        left -= len(raw)
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = readline(limit)
                left -= len(raw)
            yield None
        else:
            yield raw


@dataclass(frozen=True)
class Chunk:
    """A piece of one JSON Lines input, for one worker call: the byte range
    ``[start, start + length)`` of the file ``path``, or (``path`` None) the lines ``held``,
    which were read from that range of a stream (None stands for an over-long line). ``name``
    is the input as reported."""

    name: str
    path: str | None = None
    start: int = 0
    length: int = 0
    held: tuple[bytes | None, ...] = ()
    identity: tuple[int, ...] = ()  # of the file when it was cut: see :func:`_identity`


class Lines:
    """The non-blank lines of a :class:`Chunk`, numbered from 1 at its first line, an over-long
    one as an :class:`InputError`; once iterated, ``count`` is how many lines it had in all."""

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        self.count = 0

    def __iter__(self) -> Iterator[tuple[int, bytes | InputError]]:
        chunk = self.chunk
        if chunk.path is None:
            yield from self._number(iter(chunk.held))
            return
        with Path(chunk.path).open("rb") as f:
            if _identity(os.fstat(f.fileno())) != chunk.identity:
                # replaced or rewritten since it was cut: its ranges no longer hold whole lines
                raise OSError(f"{chunk.path} changed while being read")
            f.seek(chunk.start)
            yield from self._number(_raw_lines(f, chunk.length))

    def _number(self, raws: Iterator[bytes | None]) -> Iterator[tuple[int, bytes | InputError]]:
        bom = self.chunk.start == 0  # only the input's first line may start with a BOM
        for raw in raws:
            self.count += 1
            if raw is None:
                yield self.count, too_long(self.chunk.name, self.count)
                continue
            if bom and self.count == 1 and raw.startswith(_BOM):
                raw = raw[3:]  # a UTF-8 byte-order mark: tolerated, as RFC 8259 allows
            if raw and not raw.isspace():
                yield self.count, raw


def chunk_bytes(chunk: Chunk) -> bytes | None:
    """The whole lines of a chunk as one bytes object, for a reader that splits them itself
    (the compiled engine); None when the chunk holds a line too long to hold (then read it with
    :class:`Lines`, which reports that line and reads past it). Raises :class:`OSError` like
    :class:`Lines`, a file changed since it was cut included."""
    if chunk.path is None:
        if any(raw is None for raw in chunk.held):
            return None
        return b"".join(raw for raw in chunk.held if raw is not None)
    if chunk.length > MAX_LINE_BYTES:
        return None
    with Path(chunk.path).open("rb") as f:
        if _identity(os.fstat(f.fileno())) != chunk.identity:
            raise OSError(f"{chunk.path} changed while being read")
        f.seek(chunk.start)
        data = f.read(chunk.length)
    if len(data) != chunk.length:
        raise OSError(f"{chunk.path} changed while being read")
    return data


class ChunkSizes:
    """How big the next chunk is. A chunk's results (its invalid records, their issues) are
    held until the chunk is done, so their size must not follow the input's: a run starts
    with small chunks and doubles them up to :data:`CHUNK_BYTES` while they come back with few
    issues; a chunk with many makes the next ones as small as :data:`ISSUES_PER_CHUNK` allows.
    Call the object for the size of the next cut; tell it with :meth:`done` what a chunk held.
    """

    def __init__(self, largest: int | None = None) -> None:
        self.largest = largest or CHUNK_BYTES
        self.size = min(FIRST_CHUNK_BYTES, self.largest)

    def __call__(self) -> int:
        return self.size

    def done(self, length: int, issues: int) -> None:
        """A chunk of ``length`` bytes came back with ``issues`` issues."""
        grown = self.size * 2
        if issues:
            grown = min(grown, length * ISSUES_PER_CHUNK // issues)
        self.size = max(min(SMALLEST_CHUNK_BYTES, self.largest), min(self.largest, grown))


def chunks(
    path: str, stdin: IO[bytes] | None = None, size: int | ChunkSizes | None = None
) -> Iterator[Chunk]:
    """Cut one input (a file, or ``-`` for ``stdin``) into chunks of about ``size`` bytes
    (default :data:`CHUNK_BYTES`; a :class:`ChunkSizes` says it cut by cut). Raises
    :class:`OSError` if the file cannot be read."""
    size = size or CHUNK_BYTES
    if path == "-":
        yield from _held(stdin or sys.stdin.buffer, "<stdin>", size)
        return
    with Path(path).open("rb") as f:
        st = os.fstat(f.fileno())
        # a pipe, /dev/stdin, or a file whose size says nothing (/proc/...): read it here
        if not stat.S_ISREG(st.st_mode) or not st.st_size or not f.seekable():
            yield from _held(f, path, size)
            return
        total, identity = st.st_size, _identity(st)
        for _ in _first_line_check(Lines(Chunk(path))._number(_raw_lines(f))):
            break  # only the first line is looked at
        f.seek(0)
        start = 0
        while start < total:
            end = start + (size() if isinstance(size, ChunkSizes) else size)
            if end >= total:
                end = total
            else:  # move the cut to the end of the line it falls in
                f.seek(end)
                for _ in _raw_lines(f):
                    break
                end = f.tell()
            yield Chunk(path, path, start, end - start, identity=identity)
            start = end


def _identity(st: os.stat_result) -> tuple[int, ...]:
    """What tells a file from its replacement or a rewrite: device, inode, size, change time."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _held(stream: IO[bytes], name: str, size: int | ChunkSizes) -> Iterator[Chunk]:
    held: list[bytes | None] = []
    start = bytes_held = 0  # where the chunk starts in the stream, and its size
    checked = False
    for raw in _raw_lines(stream):
        if not checked and raw is not None and raw.strip():
            checked = True
            why = not_json_lines(raw)
            if why is not None:
                raise NotJSONLinesError(len(held) + 1, why)
        held.append(raw)
        bytes_held += len(raw) if raw is not None else 0
        if bytes_held >= (size() if isinstance(size, ChunkSizes) else size):
            yield Chunk(name, start=start, length=bytes_held, held=tuple(held))
            start += bytes_held
            held, bytes_held = [], 0
    if held:
        yield Chunk(name, start=start, length=bytes_held, held=tuple(held))


def read_lines(stream: IO[bytes], name: str) -> Iterator[tuple[int, bytes | InputError]]:
    """The non-blank lines of a JSON Lines stream with their numbers, one at a time (an
    over-long line comes as an :class:`InputError`)."""
    lines = Lines(Chunk(name))
    yield from _first_line_check(lines._number(_raw_lines(stream)))


def jsonl_line(record: Mapping[str, Any]) -> bytes:
    """One record as a JSON Lines line: compact, UTF-8, keys in the record's own order."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
