"""Validate records: one at a time, or whole files and streams of other people's output.

Parsing is strict, because a validator that silently changes its input validates something else:
duplicate keys, NaN and Infinity, numbers that overflow, lone surrogates and invalid UTF-8 are
all reported as input errors with the file and line, never as tracebacks.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import math
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import orjson

from diplomatic_visits.checks import iter_semantic_issues
from diplomatic_visits.errors import InputError, UnknownSchemaVersionError
from diplomatic_visits.jsonl import Chunk, Lines, chunks, read_lines
from diplomatic_visits.schema import (
    Issue,
    Level,
    available_versions,
    iter_schema_issues,
    rs_validator,
)

_SPEEDUPS_API = 2  # the calling convention this code expects of _speedups (its API_VERSION)


def _load_speedups() -> tuple[ModuleType | None, str]:
    """The optional compiled accelerator, if it is there and was built from the source beside
    it (a checkout: an editable install leaves the module there, and it does not follow later
    edits of ``_speedups.c``); else None and why not."""
    try:
        from diplomatic_visits import _speedups as module
    except ImportError:  # installed where no C compiler was at hand
        return None, "none (not compiled for this install; validate uses pure Python, slower)"
    stale = "stale (built from another _speedups.c: reinstall, e.g. pip install -e .; "
    if getattr(module, "API_VERSION", None) != _SPEEDUPS_API:
        return None, stale + "validate uses pure Python meanwhile)"
    source = Path(__file__).with_name("_speedups.c")
    if source.exists():
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if getattr(module, "SOURCE_SHA256", None) != digest:
            return None, stale + "validate uses pure Python meanwhile)"
    return module, ""


_speedups, _SPEEDUPS_PROBLEM = _load_speedups()

JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
DEFAULT_MAX_ERRORS = 20  # problems reported per record by the command and kept by exports
_BOM = "\ufeff"


# --- one record ------------------------------------------------------------------------------


def iter_record_issues(
    record: Any,
    version: str | None = None,
    level: Level = "extraction",
    text: str | None = None,
    text_bytes: bytes | None = None,
    offsets: bool = True,
) -> Iterator[Issue]:
    """Yield every problem of one record: schema violations, then (if there are none) the
    semantic checks. ``offsets=False`` promises that no span has offsets (see
    :func:`diplomatic_visits.checks.iter_semantic_issues`).

    The schema version is the one the record declares in ``schema_version`` when that version is
    shipped; otherwise ``version`` (default: the latest). Give ``text`` (the article the spans
    index) to check quotes and offsets against it.
    """
    declared = record.get("schema_version") if isinstance(record, dict) else None
    if isinstance(declared, str) and declared in available_versions():
        version = declared  # an unknown declared version fails the schema's `const` instead
    if rs_validator(version, level).is_valid(record):  # the common case: no error objects built
        yield from iter_semantic_issues(record, text, text_bytes, offsets)
    else:
        yield from iter_schema_issues(record, version, level)


def validate_record(
    record: Any,
    version: str | None = None,
    level: Level = "extraction",
    text: str | None = None,
) -> list[Issue]:
    """Return the list of every problem of one record (empty when it is valid)."""
    return list(iter_record_issues(record, version, level, text))


# --- strict parsing --------------------------------------------------------------------------


class _ParseProblem(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _ParseProblem(f"duplicate key {k!r} (parsers silently keep only one)")
        out[k] = v
    return out


def _constant(name: str) -> Any:
    raise _ParseProblem(f"{name} is not valid JSON")


def _float(s: str) -> float:
    value = float(s)
    if not math.isfinite(value):
        raise _ParseProblem(f"number {s[:40]} is out of range")
    return value


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float)


def _has_lone_surrogate(node: Any) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, str):
            try:
                n.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(n, dict):
            stack.extend(n.keys())
            stack.extend(n.values())
        elif isinstance(n, list):
            stack.extend(n)
    return False


def parse_document(text: str, path: str = "<string>", line: int | None = None) -> Any:
    """Parse one JSON document strictly; raise :class:`InputError` naming ``path`` and line."""
    try:
        value, end = _DECODER.raw_decode(text, _skip_ws(text, 0))
        if _skip_ws(text, end) != len(text):
            raise json.JSONDecodeError("extra data after the JSON value", text, _skip_ws(text, end))
    except json.JSONDecodeError as exc:
        at = exc.lineno if line is None else line + exc.lineno - 1
        raise InputError(path, f"invalid JSON: {exc.msg}", at, exc.colno) from None
    except _ParseProblem as exc:
        raise InputError(path, str(exc), line) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply to check", line) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError(path, f"invalid JSON: {exc}", line) from None
    if ("\\u" in text or "\\U" in text) and _has_lone_surrogate(value):
        raise InputError(
            path, "a string holds a lone surrogate (\\ud800-\\udfff): not valid Unicode", line
        )
    return value


def line_document(raw: bytes, path: str = "<bytes>", line: int | None = None) -> Document:
    """Parse one JSON Lines line into a :class:`Document` (raising :class:`InputError`).

    orjson parses first. It keeps the last of duplicate keys silently, and turns integers beyond
    64 bits into floats; the strict parser takes over whenever either may have happened:

    - with the accelerator, its ``scan`` of the raw line says whether orjson's value is exact;
    - without it, a dropped key is ruled out when the line holds as many ``:`` as orjson's own
      compact re-serialisation of the value: every key brings one, colons inside strings are
      copied as they are, and a dropped key takes at least its own with it. (A colon escaped as
      ``\\u003a`` would spoil the count: such lines take the strict path.) Wide integers are not
      ruled out, so the document is marked inexact: our schemas hold no floats, such a record is
      never valid, and :func:`check_document` re-parses every invalid inexact record strictly.
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return Document(path, line, _strict(raw, path, line), raw)
    if accelerated():
        assert _speedups is not None
        if _speedups.scan(raw)[0]:
            return Document(path, line, value, raw)
    elif b"\\u003" not in raw and raw.count(b":") == _colons(value):
        return Document(path, line, value, raw, exact=False)
    return Document(path, line, _strict(raw, path, line), raw)


def _colons(value: Any) -> int:
    """The colons in orjson's compact text of ``value``; -1 if it is too deep to write."""
    try:
        return orjson.dumps(value).count(b":")
    except orjson.JSONEncodeError:  # nested 255 levels or more
        return -1


def _strict(raw: bytes, path: str, line: int | None) -> Any:
    return parse_document(_decode(raw.rstrip(b"\r\n"), path, line), path, line)


def _skip_ws(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in " \t\r\n":
        i += 1
    return i


def may_have_offsets(raw: bytes) -> bool:
    """False only if no ``"start"`` or ``"end"`` key in the JSON line holds a number, that is,
    no span has offsets. (Visits have ``start`` and ``end`` too, but they hold objects; a string
    that contains ``"start"`` has its quotes escaped, so it never matches. A line with ``\\u``
    escapes may spell a key that way: then True.)"""
    if b"\\u" in raw:  # maybe a key written with escapes: cannot tell cheaply
        return True
    n = len(raw)
    for key in (b'"start"', b'"end"'):
        i = raw.find(key)
        while i >= 0:
            j = i + len(key)
            while j < n and raw[j] in b" \t\r\n:":
                j += 1
            if j < n and raw[j] in b"-0123456789":
                return True
            i = raw.find(key, j)
    return False


def detached(exc: InputError) -> InputError:
    """An input error kept as a value, without its traceback and context: those hold the frames
    of the parser, and with them the whole batch of lines being read."""
    exc.__traceback__ = None
    exc.__context__ = None
    exc.__cause__ = None
    return exc


# --- documents from files and streams --------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One parsed record and where it came from (``raw``: its JSON Lines line). ``exact`` is
    False when the value may differ from the strict parser's (see :func:`line_document`)."""

    path: str
    line: int | None
    value: Any
    raw: bytes | None = None
    exact: bool = True


def _decode(raw: bytes, path: str, line: int | None) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"not valid UTF-8 (byte {raw[exc.start]:#04x} at byte offset {exc.start}); "
            "save the file as UTF-8",
            line,
        ) from None


def iter_jsonl(stream: IO[bytes], path: str) -> Iterator[Document | InputError]:
    """Parse a JSON Lines stream one line at a time (memory stays flat); blank lines are skipped."""
    for lineno, raw in read_lines(stream, path):
        if isinstance(raw, InputError):
            yield raw
            continue
        try:
            yield line_document(raw, path, lineno)
        except InputError as exc:
            yield detached(exc)


def iter_json_file(data: bytes, path: str) -> Iterator[Document | InputError]:
    """Parse a ``.json`` file: one record, or an array of records (each reported with its line)."""
    try:
        text = _decode(data, path, None)
    except InputError as exc:
        yield detached(exc)
        return
    if text.startswith(_BOM):
        text = text[1:]
    if not text.strip():
        yield InputError(path, "empty file: expected a JSON object or an array of them")
        return
    start = _skip_ws(text, 0)
    if text[start] != "[":
        try:
            yield Document(path, text.count("\n", 0, start) + 1, parse_document(text, path))
        except InputError as exc:
            yield detached(exc)
        return
    try:
        yield from _iter_array(text, start, path)
    except json.JSONDecodeError as exc:
        yield InputError(path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)
    except _ParseProblem as exc:
        yield InputError(path, str(exc))
    except RecursionError:
        yield InputError(path, "JSON nested too deeply to check")
    except ValueError as exc:
        yield InputError(path, f"invalid JSON: {exc}")


def _iter_array(text: str, start: int, path: str) -> Iterator[Document | InputError]:
    i = _skip_ws(text, start + 1)
    if i < len(text) and text[i] == "]":
        return
    line, counted = 1, 0  # lines are counted as the parse moves on, never from the start again
    while True:
        line += text.count("\n", counted, i)
        counted = i
        value, end = _DECODER.raw_decode(text, i)
        if _has_lone_surrogate(value):
            yield InputError(path, "a string holds a lone surrogate: not valid Unicode", line)
        else:
            yield Document(path, line, value)
        i = _skip_ws(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip_ws(text, i + 1)
            continue
        if i < len(text) and text[i] == "]":
            if _skip_ws(text, i + 1) != len(text):
                raise json.JSONDecodeError("extra data after the JSON array", text, i + 1)
            return
        raise json.JSONDecodeError("expected ',' or ']' in the array", text, i)


def expand_inputs(inputs: Sequence[str]) -> Iterator[str | InputError]:
    """Turn command-line inputs into file paths: folders are searched for .json/.jsonl/.ndjson."""
    for item in inputs:
        if item == "-":
            yield item
            continue
        p = Path(item)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in JSON_SUFFIXES + JSONL_SUFFIXES
            )
            if not found:
                yield InputError(item, "folder holds no .json, .jsonl or .ndjson file")
            yield from (str(f) for f in found)
        elif not p.exists():
            yield InputError(item, "no such file or folder")
        else:
            yield item


def iter_documents(path: str, stdin: IO[bytes] | None = None) -> Iterator[Document | InputError]:
    """Parse one input: ``-`` is JSON Lines on stdin; ``.json`` files hold one document or an
    array; everything else is read as JSON Lines."""
    try:
        if path == "-":
            yield from iter_jsonl(stdin or sys.stdin.buffer, "<stdin>")
        elif path.lower().endswith(JSON_SUFFIXES):
            yield from iter_json_file(Path(path).read_bytes(), path)
        else:
            with Path(path).open("rb") as f:
                yield from iter_jsonl(f, path)
    except IsADirectoryError:
        yield InputError(path, "is a folder, not a file")
    except PermissionError:
        yield InputError(path, "permission denied")
    except FileNotFoundError:
        yield InputError(path, "no such file")
    except OSError as exc:
        yield InputError(path, f"cannot read: {exc.strerror or exc}")


# --- reports ---------------------------------------------------------------------------------


@dataclass
class RecordResult:
    """The outcome of checking one record."""

    path: str
    line: int | None
    record_id: str | None
    issues: list[Issue]

    @property
    def valid(self) -> bool:
        return not self.issues


@dataclass
class Report:
    """What a validation run found: counts, the invalid records and the unreadable inputs."""

    checked: int = 0
    valid: int = 0
    invalid_results: list[RecordResult] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    by_keyword: Counter[str] = field(default_factory=Counter)

    @property
    def invalid(self) -> int:
        return self.checked - self.valid

    @property
    def exit_code(self) -> int:
        """0 all valid, 1 some record invalid, 2 some input unreadable."""
        if self.input_errors:
            return 2
        return 1 if self.invalid else 0

    def add(self, result: RecordResult | ValidRecords) -> None:
        if isinstance(result, ValidRecords):
            self.checked += result.count
            self.valid += result.count
            return
        self.checked += 1
        if result.valid:
            self.valid += 1
        else:
            self.invalid_results.append(result)
            self.by_keyword.update(i.keyword for i in result.issues)


@dataclass(frozen=True)
class ValidRecords:
    """``count`` valid records in a row: what :func:`iter_results` gives for records that need
    no report, instead of one :class:`RecordResult` each."""

    count: int


@dataclass(frozen=True)
class Sources:
    """Article texts to check spans against, found by the sha256 records declare."""

    by_sha: Mapping[str, tuple[str, bytes]]

    @classmethod
    def from_files(cls, paths: Iterable[str]) -> Sources:
        found: dict[str, tuple[str, bytes]] = {}
        for p in paths:
            try:
                data = Path(p).read_bytes()
            except OSError as exc:
                raise InputError(p, f"cannot read source text: {exc.strerror or exc}") from None
            found[hashlib.sha256(data).hexdigest()] = (_decode(data, p, None), data)
        return cls(found)

    def for_record(self, record: Any) -> tuple[str | None, bytes | None]:
        """The text a record's spans index: the one whose sha256 it names, else the only one."""
        try:
            sha = record["article"]["text_file"]["sha256"]
        except (KeyError, TypeError):
            sha = None
        if isinstance(sha, str) and sha in self.by_sha:  # (a record may hold any JSON here)
            return self.by_sha[sha]
        if len(self.by_sha) == 1:
            return next(iter(self.by_sha.values()))
        return None, None


def check_document(
    doc: Document,
    version: str | None = None,
    level: Level = "extraction",
    sources: Sources | None = None,
    max_errors: int | None = None,
) -> RecordResult:
    """Check one parsed document, keeping at most ``max_errors`` issues.

    An invalid record whose value may not be exact (``doc.exact`` is False) is parsed again
    strictly, so that the problems reported are those of the exact values (or the input error the
    strict parser finds).
    """
    text, data = sources.for_record(doc.value) if sources else (None, None)
    offsets = doc.raw is None or may_have_offsets(doc.raw)
    issues = _issues(doc.value, version, level, text, data, max_errors, offsets)
    if issues and doc.raw is not None and not doc.exact:
        text = _decode(doc.raw.rstrip(b"\r\n"), doc.path, doc.line)
        exact = parse_document(text, doc.path, doc.line)
        if exact != doc.value:
            issues = _issues(exact, version, level, text, data, max_errors)
    rid = doc.value.get("record_id") if isinstance(doc.value, dict) else None
    return RecordResult(doc.path, doc.line, rid if isinstance(rid, str) else None, issues)


def _issues(
    value: Any,
    version: str | None,
    level: Level,
    text: str | None,
    data: bytes | None,
    max_errors: int | None,
    offsets: bool = True,
) -> list[Issue]:
    issues: list[Issue] = []
    try:
        for issue in iter_record_issues(value, version, level, text, data, offsets):
            issues.append(issue)
            if max_errors is not None and len(issues) >= max_errors:
                break
    except RecursionError:
        issues = [Issue((), "record nested too deeply to check", "depth")]
    return issues


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

    With ``jobs`` > 1, JSON Lines inputs are checked by that many worker processes, in chunks,
    with at most two chunks per worker in flight (so memory stays flat on any input size).
    """
    if version is not None and version not in available_versions():
        raise UnknownSchemaVersionError(version, available_versions())
    settings = _Settings(version, level, sources, max_errors)
    pool = _pool(jobs, settings) if jobs > 1 else None
    try:
        for path in expand_inputs(inputs):
            if isinstance(path, InputError):
                yield path
            elif path == "-" or not path.lower().endswith(JSON_SUFFIXES):
                yield from _iter_jsonl_results(path, settings, stdin, pool, jobs)
            else:
                for doc in iter_documents(path, stdin):
                    result = doc if isinstance(doc, InputError) else _check(doc, settings)
                    if isinstance(result, RecordResult) and result.valid:
                        yield ValidRecords(1)
                    else:
                        yield result
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


@dataclass(frozen=True)
class _Settings:
    version: str | None
    level: Level
    sources: Sources | None
    max_errors: int | None
    table: str | None = None  # for exports: the table the workers build


def _check(doc: Document, s: _Settings) -> RecordResult | InputError:
    try:
        return check_document(doc, s.version, s.level, s.sources, s.max_errors)
    except InputError as exc:  # found by the strict re-parse of an invalid record
        return detached(exc)


def _check_line(path: str, lineno: int, raw: bytes, s: _Settings) -> RecordResult | InputError:
    try:
        doc = line_document(raw, path, lineno)
    except InputError as exc:
        return detached(exc)
    return _check(doc, s)


_WORKER_SETTINGS: _Settings | None = None


@dataclass(frozen=True)
class ChunkResult:
    """What a worker made of a :class:`~diplomatic_visits.jsonl.Chunk`: how many lines it had,
    its ``problems`` (invalid :class:`RecordResult` and :class:`InputError`, in line order) and
    whatever else the work produced (``payload``)."""

    lines: int
    problems: list[Any]
    payload: Any = None


ChunkFn = Callable[[Chunk, "_Settings"], ChunkResult]


def _pool(jobs: int, settings: _Settings) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # "spawn" never copies a parent's threads or locks; workers build their validators once.
    ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(settings,))


def _init_worker(settings: _Settings) -> None:
    global _WORKER_SETTINGS
    _WORKER_SETTINGS = settings
    rs_validator(settings.version, settings.level)


def _in_worker(fn: ChunkFn, chunk: Chunk) -> ChunkResult:
    assert _WORKER_SETTINGS is not None
    return fn(chunk, _WORKER_SETTINGS)


def map_chunks(
    path: str,
    fn: ChunkFn,
    settings: _Settings,
    pool: Any = None,
    in_flight: int = 2,
    stdin: IO[bytes] | None = None,
) -> Iterator[ChunkResult]:
    """Cut a JSON Lines input (or ``-``) into chunks (:func:`diplomatic_visits.jsonl.chunks`)
    and apply ``fn(chunk, settings)`` to each, in the worker ``pool`` or here; yield the
    results in input order, their problems numbered by the lines of the input. At most
    ``in_flight`` chunks are pending, so memory stays flat whatever the input size. An input
    that cannot be read gives a result whose problem says so."""
    from collections import deque

    name = "<stdin>" if path == "-" else path
    pending: deque[Any] = deque()
    before = 0  # lines of the input before the next result's chunk

    def finish(work: Any) -> ChunkResult:
        nonlocal before
        result: ChunkResult = work.result() if pool else work
        problems = [_renumbered(p, before) for p in result.problems] if before else result.problems
        before += result.lines
        return ChunkResult(result.lines, problems, result.payload)

    try:
        for chunk in chunks(path, stdin):
            pending.append(pool.submit(_in_worker, fn, chunk) if pool else fn(chunk, settings))
            while len(pending) >= max(in_flight, 1):
                yield finish(pending.popleft())
        while pending:
            yield finish(pending.popleft())
    except OSError as exc:
        yield ChunkResult(0, [InputError(name, f"cannot read: {exc.strerror or exc}")])


def _renumbered(problem: Any, before: int) -> Any:
    if problem.line is None:
        return problem
    if isinstance(problem, InputError):
        return InputError(problem.path, problem.reason, problem.line + before, problem.column)
    return replace(problem, line=problem.line + before)


def _check_chunk(chunk: Chunk, s: _Settings) -> ChunkResult:
    """Worker side of :func:`iter_results`: the problems of a chunk, and (``payload``) how many
    of its records are valid."""
    accept = fast_acceptor(s)
    problems: list[Any] = []
    valid = 0
    lines = Lines(chunk)
    # Parsed records hold no reference cycles: reference counting frees each one as soon as it
    # is checked. The cyclic collector, triggered every few hundred new objects, would only walk
    # the record being checked again and again, so it waits for the chunk to end.
    with _collector_paused():
        for lineno, raw in lines:
            if isinstance(raw, InputError):
                problems.append(raw)
                continue
            if accept is not None and accept(raw) is not None:
                valid += 1
                continue
            result = _check_line(chunk.name, lineno, raw, s)
            if isinstance(result, RecordResult) and result.valid:
                valid += 1
            else:
                problems.append(result)
    return ChunkResult(lines.count, problems, valid)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- the fast path ---------------------------------------------------------------------------


def accelerated() -> bool:
    """Whether the compiled accelerator is in use (set ``DIPLOMATIC_VISITS_PURE_PYTHON=1`` in
    the environment to turn it off; results are the same either way, only slower)."""
    return _speedups is not None and not _pure_python_asked()


def _pure_python_asked() -> bool:
    value = os.environ.get("DIPLOMATIC_VISITS_PURE_PYTHON", "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def accelerator_status() -> str:
    """One line for ``diplomatic-visits info``: is the compiled accelerator in use?"""
    if _speedups is None:
        return _SPEEDUPS_PROBLEM
    if not accelerated():
        return "off (DIPLOMATIC_VISITS_PURE_PYTHON is set)"
    return f"C, for schema {', '.join(_speedups.SCHEMA_VERSIONS)}"


def fast_acceptor(s: _Settings) -> Callable[[bytes], dict[str, Any] | None] | None:
    """A function that returns a JSON Lines line's record when it is certainly a good record,
    else None; None when there is no accelerator. It reports nothing: for every line it does
    not accept, the reference path (:func:`line_document`, :func:`check_document`) decides and
    says why.

    A line is accepted when orjson parses it to an object that declares a schema version the
    accelerator knows, no object in the line repeats a key (orjson would have kept only one),
    jsonschema-rs finds it valid, and the semantic checks find nothing, with the record's
    source text (``s.sources``, chosen as :meth:`Sources.for_record` does) when there is one.
    """
    if not accelerated():
        return None
    assert _speedups is not None
    texts = None
    if s.sources is not None:
        by_sha = {sha: text for sha, (text, _) in s.sources.by_sha.items()}
        texts = (by_sha, next(iter(by_sha)) if len(by_sha) == 1 else None)
    return partial(_speedups.accept, orjson.loads, _fast_checks(s.level), texts)


@cache
def _fast_checks(level: Level) -> dict[str, tuple[Callable[[Any], bool], Any, Any]]:
    """Per schema version both sides know: (jsonschema-rs ``is_valid``, the semantic walk's plan
    with spans, and without)."""
    from diplomatic_visits.checks import _plan

    assert _speedups is not None
    return {
        v: (rs_validator(v, level).is_valid, _plan(v, True), _plan(v, False))
        for v in _speedups.SCHEMA_VERSIONS
        if v in available_versions()
    }


def _iter_jsonl_results(
    path: str, s: _Settings, stdin: IO[bytes] | None, pool: Any, jobs: int
) -> Iterator[RecordResult | ValidRecords | InputError]:
    for result in map_chunks(path, _check_chunk, s, pool, 2 * jobs, stdin):
        yield from result.problems
        if result.payload:
            yield ValidRecords(result.payload)


def validate_files(
    inputs: Sequence[str],
    version: str | None = None,
    level: Level = "extraction",
    sources: Sources | None = None,
    max_errors: int | None = None,
    jobs: int = 1,
) -> Report:
    """Check files, folders or ``-`` (stdin) and return a :class:`Report`."""
    report = Report()
    for item in iter_results(inputs, version, level, sources, max_errors, jobs=jobs):
        if isinstance(item, InputError):
            report.input_errors.append(item)
        else:
            report.add(item)
    return report
