"""Strict JSON: a validator that silently changes its input validates something else.

Duplicate keys, NaN and Infinity, numbers that overflow, lone surrogates, invalid UTF-8 and
anything else RFC 8259 rejects are input errors (:class:`~diplomatic_visits.errors.InputError`)
that name the file and line, never tracebacks. orjson parses JSON Lines fast; the strict parser
takes over whenever orjson could have changed the value. This module also says where in a
pretty-printed file a value is (:func:`value_lines`), and recognises the usual ways model
output fails to be JSON (a Markdown fence, text around the JSON, a truncated answer).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

import orjson

from diplomatic_visits.errors import InputError

_BOM = "\ufeff"


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
STRICT_DECODER = _DECODER
"""The strict decoder itself (its ``raw_decode`` raises ``json.JSONDecodeError`` for syntax,
``ValueError`` for a duplicate key, NaN, an overflowing number or too many digits, and
``RecursionError`` for deep nesting), for parsers of other text than files (model answers)."""


def has_lone_surrogate(node: Any) -> bool:
    """Whether a parsed value holds a string with a lone surrogate (not valid Unicode)."""
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


def skip_ws(text: str, i: int) -> int:
    """The first index at or after ``i`` that is not JSON white space."""
    n = len(text)
    while i < n and text[i] in " \t\r\n":
        i += 1
    return i


def decode(raw: bytes, path: str, line: int | None) -> str:
    """``raw`` as UTF-8 text, or an :class:`InputError` saying which byte is wrong."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"not valid UTF-8 (byte {raw[exc.start]:#04x} at byte offset {exc.start}); "
            "save the file as UTF-8",
            line,
        ) from None


_FENCE = re.compile(r"```[A-Za-z0-9_-]*")


def _diagnosis(text: str, at: int) -> str:
    """A sentence on why a text that failed to parse failed, when it looks like a known case
    (model answers: a Markdown fence, words around the JSON, an answer cut short)."""
    first = text.lstrip("\ufeff \t\r\n")
    if _FENCE.match(first):
        return "; it starts with a Markdown code fence (```json): give the JSON without the fence"
    if first and first[0] not in "{[" and "{" in first:
        return "; there is text before the JSON: give the JSON value alone"
    if at >= len(text.rstrip()) or _unclosed(text):
        return "; the JSON ends early: a truncated answer?"
    return ""


def _unclosed(text: str) -> bool:
    """Whether the text ends inside a string or with brackets still open."""
    depth, in_string, escaped = 0, False, False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
    return in_string or depth > 0


def not_json_lines(first_line: bytes) -> str | None:
    """Why a file whose first non-blank line is ``first_line`` is not JSON Lines at all, when it
    is plainly something else: one pretty-printed value (a line that only opens an object or
    array), or a Markdown code fence around JSON; else None."""
    line = first_line.strip().removeprefix(b"\xef\xbb\xbf").strip()
    if line in (b"{", b"["):
        return (
            "this is one pretty-printed JSON value, not JSON Lines (one whole record per line): "
            "name the file .json, or write one record per line"
        )
    if _FENCE.fullmatch(line.decode("utf-8", "replace")):
        return "it starts with a Markdown code fence (```json): give the JSON without the fence"
    return None


def parse_document(text: str, path: str = "<string>", line: int | None = None) -> Any:
    """Parse one JSON document strictly; raise :class:`InputError` naming ``path`` and line
    (``line``: the line the text starts on, for a JSON Lines line)."""
    try:
        value, end = _DECODER.raw_decode(text, skip_ws(text, 0))
        rest = skip_ws(text, end)
        if rest != len(text):
            raise json.JSONDecodeError("extra data after the JSON value", text, rest)
    except json.JSONDecodeError as exc:
        at = exc.lineno if line is None else line + exc.lineno - 1
        why = _diagnosis(text, exc.pos)
        raise InputError(path, f"invalid JSON: {exc.msg}{why}", at, exc.colno) from None
    except _ParseProblem as exc:
        raise InputError(path, str(exc), line) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply to check", line) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError(path, f"invalid JSON: {exc}", line) from None
    if ("\\u" in text or "\\U" in text) and has_lone_surrogate(value):
        raise InputError(
            path, "a string holds a lone surrogate (\\ud800-\\udfff): not valid Unicode", line
        )
    return value


@dataclass(frozen=True)
class Document:
    """One parsed record and where it came from. ``raw``: its JSON Lines line. ``exact`` is
    False when the value may differ from the strict parser's (see :func:`line_document`).
    ``lines``: for a record of a ``.json`` file, the line of each value in it
    (:func:`value_lines`), so that issues point at their own lines."""

    path: str
    line: int | None
    value: Any
    raw: bytes | None = None
    exact: bool = True
    lines: Callable[[tuple[str | int, ...]], int | None] | None = None

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """The line of the value at ``path`` (a JSON path as a tuple), or of the record."""
        if self.lines is not None:
            found = self.lines(path)
            if found is not None:
                return found
        return self.line


def strict_line(raw: bytes, path: str, line: int | None) -> Any:
    """A JSON Lines line parsed strictly (an :class:`InputError` if it is not a JSON value)."""
    return parse_document(decode(raw.rstrip(b"\r\n"), path, line), path, line)


def line_document(
    raw: bytes,
    path: str = "<bytes>",
    line: int | None = None,
    exact: Callable[[bytes], bool] | None = None,
) -> Document:
    """Parse one JSON Lines line into a :class:`Document` (raising :class:`InputError`).

    orjson parses first. It keeps the last of duplicate keys silently, and turns integers beyond
    64 bits into floats; the strict parser takes over whenever either may have happened:

    - ``exact(raw)`` (the accelerator's scan of the raw line) says whether orjson's value is
      the strict one;
    - without it, a dropped key is ruled out when the line holds as many ``:`` as orjson's own
      compact re-serialisation of the value: every key brings one, colons inside strings are
      copied as they are, and a dropped key takes at least its own with it. (A colon escaped as
      ``\\u003a`` would spoil the count: such lines take the strict path.) Wide integers are not
      ruled out, so the document is marked inexact: our schemas hold no floats, such a record is
      never valid, and :func:`diplomatic_visits.validate.check_document` re-parses every
      invalid inexact record strictly.
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return Document(path, line, strict_line(raw, path, line), raw)
    if exact is not None:
        if exact(raw):
            return Document(path, line, value, raw)
    elif b"\\u003" not in raw and raw.count(b":") == _colons(value):
        return Document(path, line, value, raw, exact=False)
    return Document(path, line, strict_line(raw, path, line), raw)


def _colons(value: Any) -> int:
    """The colons in orjson's compact text of ``value``; -1 if it is too deep to write."""
    try:
        return orjson.dumps(value).count(b":")
    except orjson.JSONEncodeError:  # nested 255 levels or more
        return -1


def detached(exc: InputError) -> InputError:
    """An input error kept as a value, without its traceback and context: those hold the frames
    of the parser, and with them the whole batch of lines being read."""
    exc.__traceback__ = None
    exc.__context__ = None
    exc.__cause__ = None
    return exc


def parse_json_text(text: str, path: str) -> Iterator[Document | InputError]:
    """A ``.json`` file's text: one record, or an array of records, each a :class:`Document`
    whose issues can be placed on their own lines. An element that cannot be parsed ends the
    file with an input error (the elements before it are kept); anything after the value
    (``[][]``) is an input error too, as RFC 8259 says."""
    if text.startswith(_BOM):
        text = text[1:]
    if not text.strip():
        yield InputError(path, "empty file: expected a JSON object or an array of them")
        return
    start = skip_ws(text, 0)
    locate = _Locator(text)
    if text[start] != "[":
        try:
            value = parse_document(text, path)
        except InputError as exc:
            yield detached(exc)
            return
        yield Document(path, locate.line(start), value, lines=locate.under(start))
        return
    try:
        yield from _array(text, start, path, locate)
    except json.JSONDecodeError as exc:
        why = _diagnosis(text, exc.pos)
        yield InputError(path, f"invalid JSON: {exc.msg}{why}", exc.lineno, exc.colno)
    except _ParseProblem as exc:
        yield InputError(path, str(exc), locate.line(start))
    except RecursionError:
        yield InputError(path, "JSON nested too deeply to check")
    except ValueError as exc:
        yield InputError(path, f"invalid JSON: {exc}")


def _array(text: str, start: int, path: str, locate: _Locator) -> Iterator[Document | InputError]:
    i = skip_ws(text, start + 1)
    if i < len(text) and text[i] == "]":
        if skip_ws(text, i + 1) != len(text):
            raise json.JSONDecodeError(
                "extra data after the JSON array", text, skip_ws(text, i + 1)
            )
        return
    while True:
        value, end = _DECODER.raw_decode(text, i)
        line = locate.line(i)
        if has_lone_surrogate(value):
            yield InputError(path, "a string holds a lone surrogate: not valid Unicode", line)
        else:
            yield Document(path, line, value, lines=locate.under(i))
        i = skip_ws(text, end)
        if i < len(text) and text[i] == ",":
            i = skip_ws(text, i + 1)
            continue
        if i < len(text) and text[i] == "]":
            rest = skip_ws(text, i + 1)
            if rest != len(text):
                raise json.JSONDecodeError("extra data after the JSON array", text, rest)
            return
        raise json.JSONDecodeError("expected ',' or ']' in the array", text, i)


class _Locator:
    """Where values are in a JSON text: the line of the value at a path (for reports)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines: list[int] | None = None

    def line(self, offset: int) -> int:
        import bisect

        if self._newlines is None:
            self._newlines = [i for i, c in enumerate(self.text) if c == "\n"]
        return bisect.bisect_left(self._newlines, offset) + 1

    def under(self, start: int) -> Callable[[tuple[str | int, ...]], int | None]:
        def find(path: tuple[str | int, ...]) -> int | None:
            at = start
            for key in path:
                found = next((a for k, a in _children(self.text, at) if k == key), None)
                if found is None:
                    return None
                at = found
            return self.line(at)

        return find


def _children(text: str, at: int) -> Iterator[tuple[str | int, int]]:
    """The keys (or indexes) and offsets of the members of the object or array at ``at`` of a
    text that parsed (so it is well formed)."""
    opening = text[at]
    if opening not in "{[":
        return
    i = skip_ws(text, at + 1)
    index = 0
    while i < len(text) and text[i] not in "}]":
        key: str | int = index
        if opening == "{":
            key, i = scanstring(text, i + 1)
            i = skip_ws(text, i)
            i = skip_ws(text, i + 1)  # past the colon
        yield key, i
        i = skip_ws(text, _end_of_value(text, i))
        if i < len(text) and text[i] == ",":
            i = skip_ws(text, i + 1)
        index += 1


def _end_of_value(text: str, i: int) -> int:
    """The offset just past the value starting at ``i``."""
    c = text[i]
    if c == '"':
        return int(scanstring(text, i + 1)[1])
    if c in "{[":
        depth = 0
        while i < len(text):
            c = text[i]
            if c == '"':
                i = int(scanstring(text, i + 1)[1])
                continue
            if c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return i
    m = _SCALAR.match(text, i)
    return m.end() if m else i + 1


_SCALAR = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")
