"""The semantic checks: the reference engine, which interprets a :mod:`diplomatic_visits.rules`
plan and reports every problem it finds.

The rules themselves are declared in the schema (``x-dv``); this module holds none of its own
and names no field. Each issue's ``keyword`` names its rule:

- ``unique-id``: every ``id`` in a record is unique, across kinds.
- ``ref-exists``: a reference names an object of the right kind that exists in the record
  (and, with a scope, lies inside the same object as the reference).
- ``date-form``: a partial date's ``value`` has the form its ``precision`` says and is a real
  calendar date; ``unknown`` precision goes with a null value and an ``unknown`` basis.
- ``weekday``: a weekday the article names agrees with a day-precise date.
- ``date-written``: the date as written (``--09-12``) agrees with the value.
- ``date-range``: the bounds of a day lie in order, inside the value.
- ``basis-explained``: an inferred value says what it was inferred from.
- ``date-order``: something does not end before it starts.
- ``duration``: a stated duration agrees with day-precise start and end (counted inclusively).
- ``sequence``: the items of an ordered list (the legs of a trip) do not go back in time.
- rules named by a ``when`` declaration (``quote-mode``): a field that must, or must not, be
  given when another holds certain values.
- ``span-offsets``: ``end - start == len(quote)`` and ``start <= end``, both or neither.
- ``span-text``: with the source text, ``text[start:end] == quote``, or (without offsets) the
  quote occurs in the text: the hallucination check.
- ``verbatim``: with the source text, a field copied from the article occurs in it.
- ``text-file``: with the source text, its length (and, given bytes, its sha256) match the
  record; if they do not, the quotes are not checked against a text they were not made from.

The walk checks the type of everything it reads, so it runs on records that fail the schema
too: :func:`diplomatic_visits.validate.iter_record_issues` reports both in one pass.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, Final

from diplomatic_visits.rules import Date, Field, Node, Order, Ref, Rules, Sequence, When, plan
from diplomatic_visits.schema import Issue, declared_version

Path = tuple[str | int, ...]
WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FORMS: Final = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}
_UNKNOWN: Final = "unknown"
_MAX_SHOWN: Final = 80  # characters of a quote or of the text shown in a message


def engine() -> str:
    """How this module runs: compiled with mypyc, or as pure Python."""
    return "Python, compiled with mypyc" if not __file__.endswith(".py") else "pure Python"


def iter_semantic_issues(
    record: Any,
    text: str | None = None,
    text_bytes: bytes | None = None,
    offsets: bool = True,
    rules: Rules | None = None,
) -> Iterator[Issue]:
    """Yield every semantic problem of ``record``, under the plan of its declared schema
    version (or ``rules``).

    ``text`` is the article the spans index; without it the rules that need the text are
    skipped. ``text_bytes`` (the file's raw bytes) also enables the sha256 check.
    ``offsets=False`` promises that no span carries ``start`` or ``end`` (a caller that read
    the raw line knows): without text there is then nothing to check in spans, and they are not
    even visited.
    """
    if rules is None:
        rules = plan(declared_version(record), text is not None, offsets or text is not None)
    yield from check(record, rules, text, text_bytes)


def _issue(path: Path, keyword: str, message: str) -> Issue:
    return Issue(path=path, message=message, keyword=keyword, kind="semantic")


# A path while walking is a linked list (parent, key): cheap to extend, and turned into a tuple
# only when an issue is reported at it.
_Link = tuple[Any, str | int] | None


def _path(link: _Link) -> Path:
    parts: list[str | int] = []
    while link is not None:
        link, key = link
        parts.append(key)
    return tuple(reversed(parts))


def check(
    record: Any, rules: Rules, text: str | None = None, text_bytes: bytes | None = None
) -> list[Issue]:
    """Every semantic problem of ``record`` under ``rules``, in document order (references
    last, since an id may be defined after its first use)."""
    walk = _Walk(text)
    if text is not None and not walk.text_file_ok(record, rules.root, None, text_bytes):
        walk.text = None  # another article: its offsets and quotes mean nothing here
    walk.node(record, rules.root, None, ())
    walk.resolve_refs()
    return walk.issues


class _Walk:
    """The state of one walk over one record."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.issues: list[Issue] = []
        # id -> (kind, the serials of the objects it lies inside, innermost last)
        self.ids: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {}
        self.refs: list[tuple[_Link, str, Ref, tuple[tuple[str, int], ...]]] = []
        self.serial = 0

    def add(self, link: _Link, keyword: str, message: str) -> None:
        self.issues.append(_issue(_path(link), keyword, message))

    # --- the walk ------------------------------------------------------------------------

    def node(
        self, value: Any, node: Node, link: _Link, inside: tuple[tuple[str, int], ...]
    ) -> None:
        if not isinstance(value, dict):
            return  # the schema says what is wrong with it
        if node.kind is not None and node.id_key is not None:
            oid = value.get(node.id_key)
            if isinstance(oid, str):
                if oid in self.ids:
                    self.add((link, node.id_key), "unique-id", f"id {oid!r} is used more than once")
                else:
                    self.ids[oid] = (node.kind, inside)
            self.serial += 1
            inside = (*inside, (node.kind, self.serial))
        if node.span is not None:
            self.span(value, node, link)
        if node.basis is not None:
            b = node.basis
            basis = value.get(b.key)
            if basis in b.explain and not value.get(b.reason, 1):
                self.add(
                    (link, b.reason),
                    "basis-explained",
                    f"{b.key} is {basis!r}, so {b.reason} must say what it was inferred from",
                )
        if node.date is not None:
            self.date(value, node.date, link)
        for order in node.orders:
            self.order(value, order, node, link)
        for when in node.whens:
            self.when(value, when, link)
        for f in node.fields:
            self.field(value.get(f.key), f, (link, f.key), inside)

    def field(self, value: Any, f: Field, link: _Link, inside: tuple[tuple[str, int], ...]) -> None:
        if value is None:
            return
        if not f.many:
            self.item(value, f, link, inside)
            return
        if not isinstance(value, list):
            return
        for i, item in enumerate(value):
            self.item(item, f, (link, i), inside)
        if f.sequence is not None:
            self.sequence(value, f.sequence, link)

    def item(self, value: Any, f: Field, link: _Link, inside: tuple[tuple[str, int], ...]) -> None:
        if f.ref is not None and isinstance(value, str):
            self.refs.append((link, value, f.ref, inside))
        text = self.text
        if f.verbatim and text is not None and isinstance(value, str) and value not in text:
            self.add(link, "verbatim", _not_in_text(text, value, "verbatim value"))
        if f.obj is not None:
            self.node(value, f.obj, link, inside)

    # --- ids and references --------------------------------------------------------------

    def resolve_refs(self) -> None:
        for link, value, ref, inside in self.refs:
            found = self.ids.get(value)
            allowed = " or ".join(ref.kinds) if ref.kinds else "object"
            if found is None:
                self.add(
                    link, "ref-exists", f"{value!r} is not the id of {_a(allowed)} in this record"
                )
                continue
            kind, where = found
            if ref.kinds and kind not in ref.kinds:
                self.add(
                    link, "ref-exists", f"{value!r} is the id of {_a(kind)}, expected {_a(allowed)}"
                )
            elif ref.scope is not None:
                mine = _innermost(inside, ref.scope)
                if mine is None or _innermost(where, ref.scope) != mine:
                    self.add(
                        link,
                        "ref-exists",
                        f"{value!r} is not {_a(kind)} inside the same {ref.scope} as this "
                        "reference",
                    )

    # --- partial dates -------------------------------------------------------------------

    def date(self, d: dict[str, Any], rule: Date, link: _Link) -> None:
        value, precision, basis = d.get(rule.value), d.get(rule.precision), d.get(rule.basis)
        weekday = d.get(rule.weekday) if rule.weekday is not None else None
        if not isinstance(precision, str):
            return
        if precision == _UNKNOWN:
            if value is not None:
                self.add(
                    (link, rule.value), "date-form", "precision is 'unknown', so value must be null"
                )
            if basis != _UNKNOWN:
                self.add(
                    (link, rule.basis),
                    "date-form",
                    "precision is 'unknown', so basis must be 'unknown'",
                )
            if _has_bounds(d, rule):
                self.add(
                    (link, rule.precision),
                    "date-range",
                    "a date with bounds is not 'unknown': give the finest precision that "
                    "covers them",
                )
            return
        if basis == _UNKNOWN:
            self.add(
                (link, rule.basis),
                "date-form",
                f"a date of precision {precision!r} needs a basis other than 'unknown'",
            )
        if not isinstance(value, str):
            if value is None:
                self.add(
                    (link, rule.value),
                    "date-form",
                    f"precision is {precision!r}, so value must not be null",
                )
            return
        form = _FORMS.get(precision)
        if form is None:
            return  # not a precision: the schema's enum says so
        if len(value) != len(form):
            self.add(
                (link, rule.value),
                "date-form",
                f"{value!r} does not have the form {form} that precision {precision!r} requires",
            )
            return
        parsed = parse_partial_date(value)
        if parsed is None:
            self.add((link, rule.value), "date-form", f"{value!r} is not a calendar date")
            return
        y, m, day = parsed
        if isinstance(weekday, str) and rule.weekday and m is not None and day is not None:
            actual = WEEKDAYS[_ordinal(y, m, day) % 7]
            if actual != weekday:
                self.add(
                    (link, rule.weekday),
                    "weekday",
                    f"{value} is a {actual.capitalize()}, but the text says {weekday.capitalize()}",
                )
        if rule.written is not None:
            written = d.get(rule.written)
            if isinstance(written, str) and not _written_agrees(written, parsed):
                self.add(
                    (link, rule.written),
                    "date-written",
                    f"{written!r}, the date as written, does not agree with the value {value!r}",
                )
        if rule.earliest is not None and rule.latest is not None:
            self.range(d, rule, value, link)

    def range(self, d: dict[str, Any], rule: Date, value: str, link: _Link) -> None:
        assert rule.earliest is not None and rule.latest is not None
        outer = bounds_of(value)
        got: list[tuple[int, int] | None] = []
        for key in (rule.earliest, rule.latest):
            bound = d.get(key)
            if not isinstance(bound, str):
                got.append(None)
                continue
            b = bounds_of(bound)
            if b is None:
                self.add((link, key), "date-range", f"{bound!r} is not a calendar date")
            elif outer is not None and (b[0] < outer[0] or b[1] > outer[1]):
                self.add((link, key), "date-range", f"{bound!r} lies outside the value {value!r}")
            got.append(b)
        lo, hi = got
        if lo is not None and hi is not None and hi[1] < lo[0]:
            self.add(
                (link, rule.latest),
                "date-range",
                f"latest ({d.get(rule.latest)}) is before earliest ({d.get(rule.earliest)})",
            )

    def order(self, value: dict[str, Any], order: Order, node: Node, link: _Link) -> None:
        """``order.end`` may not end before ``order.start``; and a duration over the pair."""
        start = _date_value(value.get(order.start), order.value)
        end_value = _date_value(value.get(order.end), order.value)
        s, e = bounds_of(start), bounds_of(end_value)
        if s is not None and e is not None and e[1] < s[0]:
            self.add(
                ((link, order.end), order.value),
                "date-order",
                f"{order.end} ({end_value}) is before {order.start} ({start})",
            )
            return
        dur = node.duration
        if dur is None or (dur.start, dur.end) != (order.start, order.end):
            return
        days = value.get(dur.days)
        if _is_int(days) and s is not None and e is not None and s[0] == s[1] and e[0] == e[1]:
            counted = e[0] - s[0] + 1
            if counted != days:
                self.add(
                    (link, dur.days),
                    "duration",
                    f"{dur.days} is {days}, but {start} to {end_value} is {counted} days counted "
                    "inclusively",
                )

    def sequence(self, items: list[Any], seq: Sequence, link: _Link) -> None:
        previous: tuple[int, str, int] | None = None  # (index, value, first day)
        for i, item in enumerate(items):
            value = _date_value(item.get(seq.by) if isinstance(item, dict) else None, seq.value)
            b = bounds_of(value)
            if b is None:
                continue
            if previous is not None and b[1] < previous[2]:
                self.add(
                    (((link, i), seq.by), seq.value),
                    "sequence",
                    f"item {i} begins ({value}) before item {previous[0]} ({previous[1]}): the "
                    f"list is in order of {seq.by}",
                )
            previous = (i, str(value), b[0])

    def when(self, value: dict[str, Any], w: When, link: _Link) -> None:
        got = value.get(w.key)
        if w.test == "nonempty":
            hit = isinstance(got, list) and bool(got)
            said = f"{w.key} is not empty"
        else:
            if not isinstance(got, str):
                return
            hit = (got in w.values) == (w.test == "in")
            said = f"{w.key} is {got!r}"
        if not hit:
            return
        then = value.get(w.then)
        given = then is not None and then != []
        if w.must == "present" and not given:
            self.add((link, w.then), w.rule, f"{said}, so {w.then} must be given")
        elif w.must == "absent" and given:
            self.add((link, w.then), w.rule, f"{said}, so {w.then} must be null")

    # --- spans and the text --------------------------------------------------------------

    def span(self, span: dict[str, Any], node: Node, link: _Link) -> None:
        rule = node.span
        assert rule is not None
        text = self.text
        start, end, quote = span.get(rule.start), span.get(rule.end), span.get(rule.quote)
        if not isinstance(quote, str):
            return
        if start is None and end is None:
            if text is not None and quote not in text:
                self.add((link, rule.quote), "span-text", _not_in_text(text, quote, "quote"))
            return
        if start is None or end is None:
            self.add(link, "span-offsets", "give both start and end, or neither")
            return
        if not _is_int(start) or not _is_int(end):
            return
        if end < start:
            self.add((link, rule.end), "span-offsets", f"end {end} is before start {start}")
            return
        if end - start != len(quote):
            self.add(
                link,
                "span-offsets",
                f"end - start is {end - start} but the quote has {len(quote)} code points",
            )
            return
        if text is not None and text[start:end] != quote:
            found = text.find(quote)
            hint = f"; the quote occurs at [{found}, {found + len(quote)})" if found >= 0 else ""
            if found < 0:
                near = near_match(text, quote)
                hint = f"; {near}" if near else ""
            self.add(
                link,
                "span-text",
                f"text[{start}:{end}] is {_short(text[start:end])!r}, not the quote "
                f"{_short(quote)!r}{hint}",
            )

    def text_file_ok(self, value: Any, node: Node, link: _Link, text_bytes: bytes | None) -> bool:
        """Check every ``text-file`` object of the plan before the walk (they say whether the
        text is the record's own); False if one disagrees."""
        ok = True
        if not isinstance(value, dict):
            return ok
        if node.text_file is not None:
            ok = self._text_file(value, node, link, text_bytes)
        for f in node.fields:
            if f.obj is not None and not f.many:
                ok = self.text_file_ok(value.get(f.key), f.obj, (link, f.key), text_bytes) and ok
        return ok

    def _text_file(self, tf: dict[str, Any], node: Node, link: _Link, data: bytes | None) -> bool:
        rule = node.text_file
        assert rule is not None and self.text is not None
        ok = True
        if data is not None:
            declared, actual = tf.get(rule.sha256), hashlib.sha256(data).hexdigest()
            if isinstance(declared, str) and declared != actual:
                self.add(
                    (link, rule.sha256),
                    "text-file",
                    f"the record was made from a file with sha256 {declared}, but the source "
                    f"text's is {actual}: not the same article, so its quotes were not checked "
                    "against it",
                )
                return False
        length = tf.get(rule.length)
        if _is_int(length) and length != len(self.text):
            self.add(
                (link, rule.length),
                "text-file",
                f"length is {length}, but the source text has {len(self.text)} code points"
                + (
                    ""
                    if data is not None
                    else ": not the same text, so its quotes were not checked"
                ),
            )
            ok = data is not None  # the sha256 agreed: an error in the length only
        return ok


# --- helpers ------------------------------------------------------------------------------


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _innermost(inside: tuple[tuple[str, int], ...], kind: str) -> int | None:
    for k, serial in reversed(inside):
        if k == kind:
            return serial
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _has_bounds(d: Mapping[str, Any], rule: Date) -> bool:
    return any(k is not None and d.get(k) is not None for k in (rule.earliest, rule.latest))


def _short(s: str, n: int = _MAX_SHOWN) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _not_in_text(text: str, quote: str, what: str) -> str:
    near = near_match(text, quote)
    return f"the {what} {_short(quote)!r} does not occur in the source text" + (
        f"; {near}" if near else ""
    )


def parse_partial_date(value: str) -> tuple[int, int | None, int | None] | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into (year, month, day); None if it is no
    such calendar date."""
    n = len(value)
    if n not in (4, 7, 10) or not value[:4].isascii() or not value[:4].isdigit():
        return None
    year = int(value[:4])
    month = day = None
    if n >= 7:
        if value[4] != "-" or not value[5:7].isascii() or not value[5:7].isdigit():
            return None
        month = int(value[5:7])
        if not 1 <= month <= 12:
            return None
    if n == 10:
        if value[7] != "-" or not value[8:].isascii() or not value[8:].isdigit():
            return None
        assert month is not None
        day = int(value[8:])
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
    if year < 1:
        return None
    return year, month, day


def _ordinal(y: int, m: int, d: int) -> int:
    """Days since 0001-01-01 (a Monday), proleptic Gregorian: integer arithmetic only."""
    before = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
    yy = y - 1
    days = yy * 365 + yy // 4 - yy // 100 + yy // 400 + before[m - 1] + d - 1
    if m > 2 and calendar.isleap(y):
        days += 1
    return days


def bounds_of(value: Any) -> tuple[int, int] | None:
    """The first and last day (ordinals) a partial date value can denote; None if none."""
    if not isinstance(value, str):
        return None
    parsed = parse_partial_date(value)
    if parsed is None:
        return None
    y, m, d = parsed
    if m is None:
        return _ordinal(y, 1, 1), _ordinal(y, 12, 31)
    if d is None:
        return _ordinal(y, m, 1), _ordinal(y, m, calendar.monthrange(y, m)[1])
    one = _ordinal(y, m, d)
    return one, one


def _date_value(d: Any, key: str) -> Any:
    return d.get(key) if isinstance(d, dict) else None


_WRITTEN = re.compile(r"(?:--|([0-9]{4})-)([0-9]{2})(?:-([0-9]{2}))?|([0-9]{4})")


def _written_agrees(written: str, parsed: tuple[int, int | None, int | None]) -> bool:
    """Whether every part a written date gives (``--09-12``, ``--09``, ``2023-09``, ``2023``)
    is the value's."""
    match = _WRITTEN.fullmatch(written)
    if match is None:
        return False
    year, month, day, only_year = match.groups()
    y, m, d = parsed
    if only_year is not None:
        return int(only_year) == y
    return (
        (year is None or int(year) == y)
        and int(month) == m
        and (day is None or (d is not None and int(day) == d))
    )


# --- quotes in the text -------------------------------------------------------------------


def locate_quote(text: str, quote: str, limit: int | None = None) -> list[tuple[int, int]]:
    """The [start, end) where ``quote`` occurs in ``text`` (code-point offsets), in order: all
    of them, or the first ``limit``. Whether a quote occurs once or more needs ``limit=2``:
    two searches, where listing every occurrence of a short quote in a long text costs one
    Python step per occurrence (seconds for a few quotes over megabytes)."""
    out: list[tuple[int, int]] = []
    if limit is not None and limit <= 0:
        return out
    i = text.find(quote)
    while i >= 0:
        out.append((i, i + len(quote)))
        if limit is not None and len(out) >= limit:
            break
        i = text.find(quote, i + 1)
    return out


_TYPOGRAPHY_PAIRS: Final = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2026": "...",
}  # fmt: skip
_TYPOGRAPHY: Final = str.maketrans(_TYPOGRAPHY_PAIRS)


@lru_cache(maxsize=64)
def _folded(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with typography folded (curly quotes and apostrophes straight, dashes plain,
    runs of white space one space), and for each character of the result the offset in
    ``text`` it comes from (plus one past the end)."""
    out: list[str] = []
    where: list[int] = []
    space = False
    for i, ch in enumerate(text):
        folded = ch.translate(_TYPOGRAPHY)
        if folded.isspace():
            if space:
                continue
            folded, space = " ", True
        else:
            space = False
        for c in folded:
            out.append(c)
            where.append(i)
    where.append(len(text))
    return "".join(out), tuple(where)


_FOLDS_TO: Final = {
    out: "".join(sorted(k for k, v in _TYPOGRAPHY_PAIRS.items() if v == out)) for out in "'\"-"
}


def _fold_pattern(folded_quote: str) -> re.Pattern[str]:
    """A pattern that matches, in the raw text, every region that may fold to ``folded_quote``:
    each straight quote or dash stands for itself and the characters folding into it, a space
    for a run of white space, a run of dots for dots and ellipses. Regions it matches are
    checked by folding them (a candidate, never the answer)."""
    parts: list[str] = []
    for run in re.finditer(r" +|\.+|.", folded_quote, re.S):
        c = run.group()
        if c[0] == " ":
            parts.append(r"\s+")
        elif c[0] == ".":
            parts.append("[.\u2026]+")
        elif c in _FOLDS_TO:
            parts.append(f"[{re.escape(c + _FOLDS_TO[c])}]")
        else:
            parts.append(re.escape(c))
    return re.compile("".join(parts))


def locate_folded(text: str, quote: str, limit: int | None = None) -> list[tuple[int, int]]:
    """The [start, end) of each region of ``text`` that reads as ``quote`` once typography is
    folded on both sides (curly against straight quotes and apostrophes, dashes, runs of white
    space), in order: all of them, or the first ``limit``. A regular-expression search in the
    raw text, each candidate checked by folding it alone: the whole text is never folded."""
    fq = _folded(quote)[0].strip()
    out: list[tuple[int, int]] = []
    if not fq:
        return out
    pattern = _fold_pattern(fq)
    i = 0
    while limit is None or len(out) < limit:
        m = pattern.search(text, i)
        if m is None:
            break
        if _folded(m.group())[0] == fq:
            out.append((m.start(), m.end()))
        i = m.start() + 1
    return out


def near_match(text: str, quote: str) -> str | None:
    """A hint for a quote not in the text that differs from it only in typography (straight
    against curly quotes and apostrophes, dashes, spacing): where the text has it, and how it
    is written there; None when there is no such near match."""
    found = locate_folded(text, quote, limit=1)
    if not found:
        return None
    start, end = found[0]
    return (
        f"the text has it with other typography (quotes, apostrophes, dashes or spaces) at "
        f"[{start}, {end}): {_short(text[start:end])!r}"
    )


def iter_objects(record: Any, root: Node | None = None) -> Iterator[tuple[Path, Any, Node]]:
    """Yield (path, object, its node of the plan) for every object of the record the rule plan
    reaches, in document order (an object before those inside it). ``root``: the plan's root
    (default: that of the version the record declares, pruned as :func:`plan` prunes it)."""
    out: list[tuple[Path, Any, Node]] = []

    def visit(value: Any, node: Node, link: _Link) -> None:
        if not isinstance(value, dict):
            return
        out.append((_path(link), value, node))
        for f in node.fields:
            sub = value.get(f.key)
            if f.obj is None or sub is None:
                continue
            if f.many and isinstance(sub, list):
                for i, item in enumerate(sub):
                    visit(item, f.obj, ((link, f.key), i))
            elif not f.many:
                visit(sub, f.obj, (link, f.key))

    visit(record, plan(declared_version(record)).root if root is None else root, None)
    yield from out


def iter_spans(record: Any) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """Yield (path, span) for every evidence span of the record, in document order."""
    for path, value, node in iter_objects(record):
        if node.span is not None:
            yield path, value
