"""The optional compiled engine (``_speedups``, C): loading it, and the acceptor it offers.

The engine interprets the same plans as :mod:`diplomatic_visits.checks` (compiled once per
process from :func:`diplomatic_visits.rules.plan`), for every shipped schema version, and only
ever accepts: a line it does not accept takes the reference path, which says why. Results are
the same with it or without it, only slower without (``DIPLOMATIC_VISITS_PURE_PYTHON=1``).

A plan of another :data:`~diplomatic_visits.rules.PLAN_API` is refused whole (every record of
that version takes the reference path); a rule kind the engine does not implement (one a later
schema adds, as a :class:`~diplomatic_visits.rules.Check`) sends to the reference path only the
records holding an object that declares it (``_speedups.deferred(plan)`` counts such objects:
none in any shipped version).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson

from diplomatic_visits.rules import offset_keys, plan
from diplomatic_visits.schema import (
    VERSION_KEY,
    Level,
    available_versions,
    declared_version,
    latest_version,
    rs_validator,
)

_API = 5  # the calling convention this code expects of _speedups (its API_VERSION)

Choose = Callable[[Any], "tuple[str, str | None] | None"]
"""Picks a record's source text: (text, sha256 of its bytes), or None when none matches."""


def _load() -> tuple[ModuleType | None, str]:
    """The compiled module, if it is there and was built from the source beside it (a checkout:
    an editable install leaves the module there, and it does not follow later edits of
    ``_speedups.c``); else None and why not."""
    try:
        with warnings.catch_warnings():
            # a build without a free-threading declaration would re-enable the GIL, with a
            # warning; ours declares it, and a warning here must never stop an import
            warnings.simplefilter("ignore", RuntimeWarning)
            from diplomatic_visits import _speedups as module
    except ImportError:  # installed where no C compiler was at hand
        return None, "none (not compiled for this install; pure Python is used, slower)"
    stale = "stale (built from another _speedups.c: reinstall, e.g. pip install -e .; "
    if getattr(module, "API_VERSION", None) != _API:
        return None, stale + "pure Python is used meanwhile)"
    source = Path(__file__).with_name("_speedups.c")
    if source.exists():
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if getattr(module, "SOURCE_SHA256", None) != digest:
            return None, stale + "pure Python is used meanwhile)"
    return module, ""


_speedups, _PROBLEM = _load()


def _pure_python_asked() -> bool:
    value = os.environ.get("DIPLOMATIC_VISITS_PURE_PYTHON", "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def module() -> ModuleType | None:
    """The compiled module when it is in use, else None."""
    return _speedups if _speedups is not None and not _pure_python_asked() else None


def accelerated() -> bool:
    """Whether the compiled engine is in use (set ``DIPLOMATIC_VISITS_PURE_PYTHON=1`` in the
    environment to turn it off; results are the same either way, only slower)."""
    return module() is not None


def status() -> str:
    """One line for ``diplomatic-visits info``: is the compiled engine in use, and for what?"""
    if _speedups is None:
        return _PROBLEM
    if not accelerated():
        return "off (DIPLOMATIC_VISITS_PURE_PYTHON is set)"
    api = "limited API (abi3)" if getattr(_speedups, "LIMITED_API", 0) else "full API"
    versions = ", ".join(v for v in available_versions() if _compiled(v) is not None)
    return f"C, {api}, for schema {versions or 'none'}"


def exact_scan() -> Callable[[bytes], bool] | None:
    """``raw -> bool``: whether orjson's value of a line is the strict parser's (see
    :func:`diplomatic_visits.parse.line_document`); None without the compiled engine."""
    m = module()
    if m is None:
        return None
    scan = m.scan
    return lambda raw: bool(scan(raw)[0])


@cache
def _compiled(version: str) -> tuple[Any, Any, Any] | None:
    """The version's plans compiled for C: with a text, with offsets, with neither; None if
    the engine does not know the plan (then Python checks every record of the version)."""
    m = module()
    if m is None:
        return None
    try:
        with_text, with_offsets, bare = (m.compile(plan(version, t, o)) for t, o in _CASES)
    except ValueError:
        return None
    return with_text, with_offsets, bare


_CASES = ((True, True), (False, True), (False, False))


def clean(record: Any, text: str | None = None, text_bytes: bytes | None = None) -> bool:
    """True only if the compiled engine finds no semantic problem in ``record``, a parsed value
    (even one that fails the schema: the walk checks the type of what it reads, as the Python
    one does), under the plan of the version it declares, with ``text`` when given. False
    without the engine, which means nothing but "not known"."""
    m = module()
    if m is None or not isinstance(record, dict):
        return False
    compiled = _compiled(declared_version(record) or latest_version())
    if compiled is None:
        return False
    sha = hashlib.sha256(text_bytes).hexdigest() if text is not None and text_bytes else None
    return bool(m.semantic_ok(record, compiled[0] if text is not None else compiled[1], text, sha))


def _context(m: ModuleType, level: Level, choose: Choose | None) -> tuple[Any, ...]:
    def resolve(version: str) -> tuple[Any, ...] | None:
        """A version's validator and plans, made when a record first declares it (a run over
        records of one version builds nothing for the others)."""
        compiled = _compiled(version) if version in available_versions() else None
        return None if compiled is None else (rs_validator(version, level).is_valid, *compiled)

    keys = tuple(k.encode() for k in offset_keys())
    return (orjson.loads, VERSION_KEY, keys, {}, choose, resolve)


def acceptor(level: Level, choose: Choose | None = None) -> Callable[[bytes], Any] | None:
    """A function that returns a JSON Lines line's record when it is certainly a good record
    at ``level``, else None; None when there is no compiled engine. It reports nothing: for
    every line it does not accept, the reference path decides and says why.

    A line is accepted when orjson parses it to an object that declares a shipped schema
    version, no object in the line repeats a key (orjson would have kept only one),
    jsonschema-rs finds it valid, and the semantic checks find nothing, with the record's
    source text when ``choose`` gives one (with ``choose`` and no text, it is not accepted:
    the reference path says that no text matched).
    """
    m = module()
    if m is None:
        return None
    return partial(m.accept, _context(m, level, choose))


ChunkAcceptor = Callable[[bytes, bool, bool], "tuple[int, int, list[tuple[int, bytes]], Any]"]


def chunk_acceptor(level: Level, choose: Choose | None = None) -> ChunkAcceptor | None:
    """:func:`acceptor` for a whole chunk of JSON Lines lines at once: ``(blob, first, keep)
    -> (lines, valid, rejected, kept)``, the lines counted (blank ones too), how many were
    accepted, the others as ``(line number, bytes)`` for the reference path, and with ``keep``
    the accepted records; ``first``: the chunk starts the input (a byte-order mark may open
    it). None when there is no compiled engine."""
    m = module()
    if m is None:
        return None
    return partial(m.accept_chunk, _context(m, level, choose))
