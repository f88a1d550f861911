"""Validate records: one at a time, or whole files and streams of other people's output.

Parsing is strict, because a validator that silently changes its input validates something else:
duplicate keys, NaN and Infinity, numbers that overflow, lone surrogates and invalid UTF-8 are
all reported as input errors with the file and line, never as tracebacks.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from diplomatic_visits.checks import iter_semantic_issues
from diplomatic_visits.errors import InputError, UnknownSchemaVersionError
from diplomatic_visits.schema import Issue, Level, available_versions, iter_schema_issues

JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
MAX_LINE_BYTES = 64 * 1024 * 1024
_BOM = "\ufeff"


# --- one record ------------------------------------------------------------------------------


def iter_record_issues(
    record: Any,
    version: str | None = None,
    level: Level = "extraction",
    text: str | None = None,
    text_bytes: bytes | None = None,
) -> Iterator[Issue]:
    """Yield every problem of one record: schema violations, then (if there are none) the
    semantic checks.

    The schema version is the one the record declares in ``schema_version`` when that version is
    shipped; otherwise ``version`` (default: the latest). Give ``text`` (the article the spans
    index) to check quotes and offsets against it.
    """
    declared = record.get("schema_version") if isinstance(record, dict) else None
    if isinstance(declared, str) and declared in available_versions():
        version = declared  # an unknown declared version fails the schema's `const` instead
    found = False
    for issue in iter_schema_issues(record, version, level):
        found = True
        yield issue
    if not found:
        yield from iter_semantic_issues(record, text, text_bytes)


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


def _skip_ws(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in " \t\r\n":
        i += 1
    return i


# --- documents from files and streams --------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One parsed record and where it came from."""

    path: str
    line: int | None
    value: Any


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
    for lineno, raw in enumerate(_lines(stream), start=1):
        if isinstance(raw, InputError):
            yield InputError(path, raw.reason, lineno)
            continue
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a UTF-8 byte-order mark: tolerated, as RFC 8259 allows
        if not raw.strip():
            continue
        try:
            yield Document(path, lineno, parse_document(_decode(raw, path, lineno), path, lineno))
        except InputError as exc:
            yield exc


def _lines(stream: IO[bytes]) -> Iterator[bytes | InputError]:
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            # skip the rest of the over-long line without holding it
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_LINE_BYTES)
            yield InputError("", f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        yield raw


def iter_json_file(data: bytes, path: str) -> Iterator[Document | InputError]:
    """Parse a ``.json`` file: one record, or an array of records (each reported with its line)."""
    try:
        text = _decode(data, path, None)
    except InputError as exc:
        yield exc
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
            yield exc
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
    while True:
        line = text.count("\n", 0, i) + 1
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

    def add(self, result: RecordResult) -> None:
        self.checked += 1
        if result.valid:
            self.valid += 1
        else:
            self.invalid_results.append(result)
            self.by_keyword.update(i.keyword for i in result.issues)


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
        if sha in self.by_sha:
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
    """Check one parsed document, keeping at most ``max_errors`` issues."""
    text, data = sources.for_record(doc.value) if sources else (None, None)
    issues: list[Issue] = []
    try:
        for issue in iter_record_issues(doc.value, version, level, text, data):
            issues.append(issue)
            if max_errors is not None and len(issues) >= max_errors:
                break
    except RecursionError:
        issues = [Issue((), "record nested too deeply to check", "depth")]
    rid = doc.value.get("record_id") if isinstance(doc.value, dict) else None
    return RecordResult(doc.path, doc.line, rid if isinstance(rid, str) else None, issues)


def iter_results(
    inputs: Sequence[str],
    version: str | None = None,
    level: Level = "extraction",
    sources: Sources | None = None,
    max_errors: int | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[RecordResult | InputError]:
    """Check every record of every input, yielding results and input errors as they come."""
    if version is not None and version not in available_versions():
        raise UnknownSchemaVersionError(version, available_versions())
    for path in expand_inputs(inputs):
        if isinstance(path, InputError):
            yield path
            continue
        for doc in iter_documents(path, stdin):
            if isinstance(doc, InputError):
                yield doc
            else:
                yield check_document(doc, version, level, sources, max_errors)


def validate_files(
    inputs: Sequence[str],
    version: str | None = None,
    level: Level = "extraction",
    sources: Sources | None = None,
    max_errors: int | None = None,
) -> Report:
    """Check files, folders or ``-`` (stdin) and return a :class:`Report`."""
    report = Report()
    for item in iter_results(inputs, version, level, sources, max_errors):
        if isinstance(item, InputError):
            report.input_errors.append(item)
        else:
            report.add(item)
    return report
