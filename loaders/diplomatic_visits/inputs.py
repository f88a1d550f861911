"""The inputs: every command that takes records (validate, score, migrate, compat, view,
every export) finds and parses them through this module, so an input means the same and fails
the same way everywhere; :mod:`diplomatic_visits.reader` gives them checked, with their values.

An input is a file, a folder (searched for ``.json``, ``.jsonl`` and ``.ndjson`` files) or
``-`` for standard input. A ``.json`` file holds one record or an array of them; anything else
is JSON Lines, one record per line. Large JSON Lines inputs are cut into chunks for worker
processes by :mod:`diplomatic_visits.jsonl` and :mod:`diplomatic_visits.pipeline`; this module
reads one input in one process. :class:`Sources` are the article texts given with
``--source``, and say which one a record's spans index.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from diplomatic_visits.errors import InputError
from diplomatic_visits.jsonl import NotJSONLinesError, read_lines
from diplomatic_visits.parse import Document, decode, detached, line_document, parse_json_text

JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
PARQUET_SUFFIXES = (".parquet",)  # validate reads them (our typed columns, or JSON texts)
STDIN = "-"


def as_inputs(inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    """One input (a path as ``str`` or :class:`~pathlib.Path`) or several, as a list of paths:
    a string is one path, never a sequence of one-character paths."""
    if isinstance(inputs, (str, os.PathLike)):
        return [os.fspath(inputs)]
    if isinstance(inputs, bytes) or not isinstance(inputs, Iterable):
        raise TypeError(
            "inputs: give a path (str or pathlib.Path) or a list of them, not "
            + type(inputs).__name__
        )
    found = []
    for item in inputs:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(
                f"inputs: each input is a path (str or pathlib.Path), not {type(item).__name__}; "
                "to check records already in memory, use validate_record"
            )
        found.append(os.fspath(item))
    return found


def is_json_file(path: str) -> bool:
    """Whether an input is read as one JSON document (a ``.json`` file) rather than JSON Lines."""
    return path != STDIN and path.lower().endswith(JSON_SUFFIXES)


def is_parquet_file(path: str) -> bool:
    """Whether an input is a Parquet file: named ``.parquet``, or starting with Parquet's
    magic bytes (an export written to a path without the suffix)."""
    if path == STDIN:
        return False
    if path.lower().endswith(PARQUET_SUFFIXES):
        return True
    try:
        with Path(path).open("rb") as f:
            return f.read(4) == b"PAR1"
    except OSError:
        return False


def looks_like_prose(path: Path) -> bool:
    """Whether a file given as records starts with text rather than JSON: its first line that
    is not blank starts with neither ``{`` nor ``[`` (a record, or an array of them), and it is
    not Parquet. Only the file's first 4 KiB are read."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False  # the reader says why
    if head.startswith(b"PAR1"):
        return False
    first = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return bool(first) and first[:1] not in (b"{", b"[")


def looks_like_records(text: str) -> bool:
    """Whether an article text given with ``--source`` is JSON records instead: the whole text,
    or its first line, is a JSON object or array."""
    import json

    stripped = text.lstrip("\ufeff").strip()
    if stripped[:1] not in ("{", "["):
        return False
    for candidate in (stripped, stripped.split("\n", 1)[0]):
        try:
            if isinstance(json.loads(candidate), (dict, list)):
                return True
        except ValueError:
            continue
    return False


def expand_inputs(
    inputs: Sequence[str], suffixes: tuple[str, ...] = JSON_SUFFIXES + JSONL_SUFFIXES
) -> Iterator[str | InputError]:
    """Turn command-line inputs into file paths: folders are searched for files with one of
    ``suffixes`` (default: .json/.jsonl/.ndjson)."""
    for item in inputs:
        if item == STDIN:
            yield item
            continue
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
            if not found:
                names = ", ".join(suffixes[:-1]) + " or " + suffixes[-1]
                yield InputError(item, f"folder holds no {names} file")
            yield from (str(f) for f in found)
        elif not p.exists():
            yield InputError(item, "no such file or folder")
        elif not p.name.lower().endswith(suffixes) and looks_like_prose(p):
            yield InputError(
                item,
                "looks like an article text, not records (JSON or JSON Lines): give the "
                f"records as INPUT and the article with --source {item}",
            )
        elif not set(suffixes) & set(PARQUET_SUFFIXES) and is_parquet_file(item):
            yield InputError(
                item,
                "a Parquet file, which this command does not read: give JSON or JSON Lines "
                "(validate, and export --engine ray, read Parquet)",
            )
        else:
            yield item


def input_bytes(inputs: Sequence[str]) -> int:
    """How many bytes the inputs hold (folders searched; standard input counts 0)."""
    size = 0
    for path in expand_inputs(inputs):
        if isinstance(path, str) and path != STDIN:
            with contextlib.suppress(OSError):
                size += Path(path).stat().st_size
    return size


def iter_jsonl(stream: IO[bytes], path: str) -> Iterator[Document | InputError]:
    """Parse a JSON Lines stream one line at a time (memory stays flat); blank lines are skipped."""
    from diplomatic_visits.accel import exact_scan

    exact = exact_scan()
    try:
        for lineno, raw in read_lines(stream, path):
            if isinstance(raw, InputError):
                yield raw
                continue
            try:
                yield line_document(raw, path, lineno, exact)
            except InputError as exc:
                yield detached(exc)
    except NotJSONLinesError as exc:
        yield InputError(path, exc.reason, exc.line)


def iter_json_file(data: bytes, path: str) -> Iterator[Document | InputError]:
    """Parse a ``.json`` file: one record, or an array of records (each with its lines)."""
    try:
        text = decode(data, path, None)
    except InputError as exc:
        yield detached(exc)
        return
    yield from parse_json_text(text, path)


def iter_documents(path: str, stdin: IO[bytes] | None = None) -> Iterator[Document | InputError]:
    """Parse one input: ``-`` is JSON Lines on stdin; ``.json`` files hold one document or an
    array; everything else is read as JSON Lines."""
    try:
        if path == STDIN:
            yield from iter_jsonl(stdin or sys.stdin.buffer, "<stdin>")
        elif is_json_file(path):
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


def read_inputs(
    inputs: Sequence[str], stdin: IO[bytes] | None = None
) -> Iterator[Document | InputError]:
    """Every record of every input, in order, and every input error, in one process."""
    for path in expand_inputs(inputs):
        if isinstance(path, InputError):
            yield path
        else:
            yield from iter_documents(path, stdin)


# --- article texts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One article text given with ``--source``."""

    path: str
    text: str
    data: bytes
    sha256: str

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def stem(self) -> str:
        return Path(self.path).stem


def _text_files(paths: Iterable[str]) -> Iterator[str]:
    """The files ``--source`` names: each file as given, each folder as its ``.txt`` files."""
    for p in paths:
        folder = Path(p)
        if not folder.is_dir():
            yield p
            continue
        texts = sorted(str(q) for q in folder.iterdir() if q.suffix == ".txt" and q.is_file())
        if not texts:
            raise InputError(p, "no article texts (.txt files) in this folder")
        yield from texts


@dataclass(frozen=True)
class Sources:
    """The article texts records are checked against. A record's text is, in this order: the
    one whose sha256 its ``article.text_file.sha256`` names; the one whose file name (without
    its suffix) is its ``article.id``; the one whose file name is that of its
    ``article.text_file.path``; the only one, when just one was given. Model output carries no
    sha256 (a model cannot compute one), so name the text file after the article id."""

    items: tuple[Source, ...]

    @classmethod
    def from_files(cls, paths: Iterable[str]) -> Sources:
        """Read the texts (an :class:`InputError` for one that cannot be read or is not UTF-8).
        A folder stands for the ``.txt`` files in it, in name order (``dataset/source/``)."""
        found: list[Source] = []
        for p in _text_files(paths):
            try:
                data = Path(p).read_bytes()
            except OSError as exc:
                raise InputError(p, f"cannot read source text: {exc.strerror or exc}") from None
            text = decode(data, p, None)
            if looks_like_records(text):
                raise InputError(
                    p,
                    "looks like a record (JSON), not an article text: give the records as INPUT "
                    "and the article's text file (.txt) with --source",
                )
            found.append(Source(p, text, data, hashlib.sha256(data).hexdigest()))
        return cls(tuple(found))

    def find(self, record: Any) -> Source | None:
        """The text a record's spans index, or None when none matches (see the class)."""
        article = record.get("article") if isinstance(record, dict) else None
        article = article if isinstance(article, dict) else {}
        tf = article.get("text_file")
        tf = tf if isinstance(tf, dict) else {}
        sha, aid, path = tf.get("sha256"), article.get("id"), tf.get("path")
        for s in self.items:
            if isinstance(sha, str) and s.sha256 == sha:
                return s
        for s in self.items:
            if isinstance(aid, str) and s.stem == aid:
                return s
        for s in self.items:
            if isinstance(path, str) and s.name == PurePosixPath(path).name:
                return s
        return self.items[0] if len(self.items) == 1 else None

    def choose(self, record: Any) -> tuple[str, str] | None:
        """(text, sha256) of :meth:`find`, for the compiled engine."""
        s = self.find(record)
        return (s.text, s.sha256) if s is not None else None

    def unmatched(self, record: Any) -> str:
        """Why no text was found for a record: the message of a ``source-match`` issue."""
        article = record.get("article") if isinstance(record, dict) else None
        aid = article.get("id") if isinstance(article, dict) else None
        names = ", ".join(s.name for s in self.items)
        return (
            f"none of the --source texts ({names}) is this record's article, so its quotes were "
            f"not checked: name the text file after article.id ({aid!r}.txt) or give "
            "article.text_file.sha256"
        )
