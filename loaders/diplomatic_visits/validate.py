"""Where a record is validated: its schema version's JSON Schema, then the semantic rules that
schema declares, with the article text when there is one.

:func:`iter_record_issues` is the whole of it for one record; :func:`check_document` does the
same for a record read from a file (the file, its lines, the ``--source`` texts). Reading
inputs is :mod:`diplomatic_visits.inputs`; many records in worker processes,
:mod:`diplomatic_visits.pipeline`; the rules, :mod:`diplomatic_visits.rules` and
:mod:`diplomatic_visits.checks`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from diplomatic_visits import accel
from diplomatic_visits.checks import iter_semantic_issues
from diplomatic_visits.inputs import Sources
from diplomatic_visits.parse import Document, strict_line
from diplomatic_visits.report import RecordResult
from diplomatic_visits.rules import offset_keys
from diplomatic_visits.schema import (
    Issue,
    Level,
    declared_version,
    iter_integer_issues,
    iter_schema_issues,
    rs_validator,
)

DEFAULT_MAX_ERRORS = 20  # problems reported per record by the command and kept by exports

# A schema issue at a path makes semantic issues at or under it noise (a date that fails its
# pattern needs no date-form issue too), except for keywords that concern one member only.
_ABOUT_MEMBERS = frozenset({"required", "additionalProperties", "minItems", "maxItems"})


def iter_record_issues(
    record: Any,
    version: str | None = None,
    level: Level = "extraction",
    text: str | None = None,
    text_bytes: bytes | None = None,
    offsets: bool = True,
    fractions: bool = True,
) -> Iterator[Issue]:
    """Yield every problem of one record: schema violations and semantic issues, in one pass.

    The schema version is the one the record declares in ``schema_version`` when that version
    is shipped; otherwise ``version`` (default: the latest). Give ``text`` (the article the
    spans index) to check quotes and offsets against it, and ``text_bytes`` (the file's bytes)
    to check its sha256. ``offsets=False`` promises that no span has offsets (see
    :func:`diplomatic_visits.checks.iter_semantic_issues`). Semantic issues at or under a value
    the schema already rejects are left out. A number written with a fraction or an exponent
    where the schema says integer (``0.0``, ``9e7``) is an issue (keyword ``type``), though JSON
    Schema counts it an integer (:func:`~diplomatic_visits.schema.iter_integer_issues`);
    ``fractions=False`` promises that the record holds no float (see :func:`may_have_fractions`).
    """
    version = declared_version(record) or version  # an unknown one fails the schema's `const`
    fractions = fractions and _may_hold_floats(record)
    decimals = list(iter_integer_issues(record, version, level)) if fractions else []
    if not decimals and rs_validator(version, level).is_valid(record):  # the common case
        yield from iter_semantic_issues(record, text, text_bytes, offsets)
        return
    schema = [*iter_schema_issues(record, version, level), *decimals]
    yield from schema
    if any(i.keyword == "depth" for i in schema) or accel.clean(record, text, text_bytes):
        return  # (the compiled engine finds nothing: the Python walk, which reports, need not run)
    for issue in iter_semantic_issues(record, text, text_bytes, offsets):
        if not any(_covers(s, issue) for s in schema):
            yield issue


def _covers(schema: Issue, semantic: Issue) -> bool:
    a, b = schema.path, semantic.path
    if b[: len(a)] == a:
        return schema.keyword not in _ABOUT_MEMBERS or len(a) == len(b)
    return a[: len(b)] == b  # the semantic issue is about a value holding a broken one


def validate_record(
    record: Any,
    version: str | None = None,
    level: Level = "extraction",
    text: str | None = None,
) -> list[Issue]:
    """Return the list of every problem of one record (empty when it is valid)."""
    return list(iter_record_issues(record, version, level, text))


def may_have_offsets(raw: bytes) -> bool:
    """False only if no key that holds span offsets (``start``, ``end``) holds a number in the
    JSON line, that is, no span has offsets. (Visits have ``start`` and ``end`` too, but they
    hold objects; a string that contains ``"start"`` has its quotes escaped, so it never
    matches. A line with ``\\u`` escapes may spell a key that way: then True.)"""
    if b"\\u" in raw:  # maybe a key written with escapes: cannot tell cheaply
        return True
    n = len(raw)
    for name in offset_keys():
        key = b'"' + name.encode() + b'"'
        i = raw.find(key)
        while i >= 0:
            j = i + len(key)
            while j < n and raw[j] in b" \t\r\n:":
                j += 1
            if j < n and raw[j] in b"-0123456789":
                return True
            i = raw.find(key, j)
    return False


# every digit as 0, and . and E as e: a number with a fraction or an exponent then holds
# "0e", which one bytes.find looks for at C speed (a regex over the line costs several times more)
_MARKS = bytes.maketrans(b"123456789.E", b"000000000ee")


def may_have_fractions(raw: bytes) -> bool:
    """False only if no number in the JSON text is written with a fraction or an exponent
    (``1.0``, ``9e7``): then no value of the record is a float. (A digit then ``.``, ``e`` or
    ``E``, whose digits follow ``:``, ``,`` or ``[``, maybe a minus sign and white space; a
    string may hold that too, which only costs a walk of the value.)"""
    text = raw.translate(_MARKS)
    at = text.find(b"0e")
    while at >= 0:
        i = at
        while i > 0 and text[i - 1] == 0x30:  # 0
            i -= 1
        if i > 0 and text[i - 1] == 0x2D:  # -
            i -= 1
        while i > 0 and text[i - 1] in b" \t\r\n":
            i -= 1
        if i == 0 or text[i - 1] in b":,[":
            return True
        at = text.find(b"0e", at + 2)
    return False


def _may_hold_floats(record: Any) -> bool:
    """:func:`may_have_fractions` of a parsed value (True when it cannot be written as JSON)."""
    try:
        return may_have_fractions(orjson.dumps(record))
    except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits, or nested too deeply
        return True


def check_document(
    doc: Document,
    version: str | None = None,
    level: Level = "extraction",
    sources: Sources | None = None,
    max_errors: int | None = None,
) -> RecordResult:
    """Check one parsed document, keeping at most ``max_errors`` issues.

    With ``sources``, the record is checked against its article text (:meth:`Sources.find`);
    when none matches, that is an issue (``source-match``), since the quotes could not be
    checked. An invalid record whose value may not be exact (``doc.exact`` is False) is
    parsed again strictly, so that the problems reported are those of the exact values (or
    the :class:`~diplomatic_visits.errors.InputError` the strict parser raises).
    """
    value = doc.value
    text = data = None
    unmatched: list[Issue] = []
    if sources is not None:
        found = sources.find(value)
        if found is not None:
            text, data = found.text, found.data
        elif isinstance(value, dict):
            unmatched.append(Issue((), sources.unmatched(value), "source-match", "semantic"))
    offsets = doc.raw is None or may_have_offsets(doc.raw)
    fractions = doc.raw is None or may_have_fractions(doc.raw)
    issues = _issues(value, version, level, text, data, max_errors, offsets, fractions)
    if issues and doc.raw is not None and not doc.exact:
        exact = strict_line(doc.raw, doc.path, doc.line)
        if _differs(exact, value):
            value = exact
            issues = _issues(exact, version, level, text, data, max_errors)
    issues = (unmatched + issues)[: max_errors or None]
    rid = value.get("record_id") if isinstance(value, dict) else None
    lines = tuple(doc.line_of(i.path) for i in issues) if doc.lines is not None else ()
    return RecordResult(doc.path, doc.line, rid if isinstance(rid, str) else None, issues, lines)


def _issues(
    value: Any,
    version: str | None,
    level: Level,
    text: str | None,
    data: bytes | None,
    max_errors: int | None,
    offsets: bool = True,
    fractions: bool = True,
) -> list[Issue]:
    issues: list[Issue] = []
    try:
        for issue in iter_record_issues(value, version, level, text, data, offsets, fractions):
            issues.append(issue)
            if max_errors is not None and len(issues) >= max_errors:
                break
    except RecursionError:
        issues = [Issue((), "record nested too deeply to check", "depth")]
    return issues


def _differs(strict: Any, fast: Any) -> bool:
    """Whether the strict parser's value differs from orjson's, types included: ``==`` holds
    2**64 equal to the float orjson made of it (18446744073709551616.0). Only duplicate keys
    and integers beyond 64 bits can set them apart, and orjson cannot write such integers."""
    try:
        return orjson.dumps(strict) != orjson.dumps(fast)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: orjson's value was a float
        return True
