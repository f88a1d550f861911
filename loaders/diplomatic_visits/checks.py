"""The semantic checks: the reference engine, which interprets a :mod:`diplomatic_visits.rules`
plan and reports every problem it finds.

The rules themselves are declared in the schema (``x-dv``); this module holds none of its own
and names no field. Each issue's ``keyword`` names its rule:

- ``unique-id``: every ``id`` in a record is unique, across kinds.
- ``ref-exists``: a reference names an object of the right kind that exists in the record
  (and, with a scope, lies inside the same object as the reference).
- ``date-form``: a partial date's ``value`` has the form its ``precision`` says and is a real
  calendar date; ``unknown`` precision goes with a null value (1.x: and an ``unknown`` basis;
  2.0.0, kind ``edtf``: basis ``unknown`` and ``absence`` agree with a null value).
- ``weekday``: a weekday the article names agrees with a day-precise date.
- ``date-written``: the date as written (``--09-12``; 2.0.0 ``XXXX-09-12``) is a possible date
  and agrees with the value.
- ``date-range``: the bounds of a day lie in order, inside the value.
- ``date-relative`` (2.0.0): a date resolved from words like "next month" is inferred, and is
  the anchor (the article's date) moved as its ``relative`` says.
- ``within`` (2.0.0): the items of a list (legs, sub-events) are dated inside their object's
  day-precise dates.
- rules named by a ``last`` declaration (``status-last``): the last item of a list agrees with
  a field; by a ``distinct`` declaration (``co-speakers``, ``reporting-chain``): a value is not
  also an item of a list.
- ``basis-explained``: an inferred value says what it was inferred from.
- ``date-order``: something does not end before it starts.
- ``duration``: a stated duration agrees with day-precise start and end (counted inclusively;
  2.0.0 also two year-less days, and two weekdays: Monday to Friday is 5, 12, 19 ... days).
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
import datetime
import hashlib
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, Final, NamedTuple

from diplomatic_visits.rules import (
    RELATIVE_KEYS,
    Check,
    Date,
    Field,
    Node,
    Order,
    Ref,
    Rules,
    Sequence,
    When,
    plan,
)
from diplomatic_visits.schema import Issue, declared_version, json_path

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
        # anchor name -> (its date's value, the link to that value): set by date-anchor, read by
        # the relative dates met later in the walk (the article comes before the visits)
        self.anchors: dict[str, tuple[Any, _Link]] = {}

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
        for c in node.checks:
            self.check(value, c, node, link)
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
        """``order.end`` may not end before ``order.start`` begins (compared on bounds, skipped
        where either is unknowable: null, year-less, open); and a duration over the pair."""
        start = _date_value(value.get(order.start), order.value)
        end_value = _date_value(value.get(order.end), order.value)
        s_first, s_last = date_bounds(start)
        e_first, e_last = date_bounds(end_value)
        if s_first is not None and e_last is not None and e_last < s_first:
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
        if not isinstance(days, int) or isinstance(days, bool):
            return
        if s_first is not None and s_first == s_last and e_first is not None and e_first == e_last:
            counted = e_first - s_first + 1
            if counted != days:
                self.add(
                    (link, dur.days),
                    "duration",
                    f"{dur.days} is {days}, but {start} to {end_value} is {counted} days counted "
                    "inclusively",
                )
        elif dur.weekday is not None:
            self.duration(value, dur.days, days, order, dur.weekday, link)

    def duration(
        self, value: dict[str, Any], key: str, days: int, order: Order, wd: str, link: _Link
    ) -> None:
        """A stated length against dates that are not both days with a year (2.0.0): two
        year-less days, or two weekdays."""
        ds, de = value.get(order.start), value.get(order.end)
        sv, ev = _date_value(ds, order.value), _date_value(de, order.value)
        sp, ep = _single_point(sv), _single_point(ev)
        if sp is not None and ep is not None and sp[2] > 0 and ep[2] > 0:
            counts = _year_less_counts(sp, ep)
            if counts and days not in counts:
                said = " or ".join(str(n) for n in counts)
                self.add(
                    (link, key),
                    "duration",
                    f"{key} is {days}, but {sv} ({order.start}) to {ev} ({order.end}) is {said} "
                    "days counted inclusively",
                )
            return
        ws, we = _weekday_of(ds, wd, sp), _weekday_of(de, wd, ep)
        if ws < 0 or we < 0:
            return
        n = (we - ws) % 7 + 1
        if days % 7 != n % 7:
            self.add(
                (link, key),
                "duration",
                f"{key} is {days}, but {WEEKDAYS[ws].capitalize()} ({order.start}) to "
                f"{WEEKDAYS[we].capitalize()} ({order.end}) is {n} days (or {n + 7}, {n + 14}, "
                "...) counted inclusively",
            )

    def sequence(self, items: list[Any], seq: Sequence, link: _Link) -> None:
        previous: tuple[int, str, int] | None = None  # (index, value, first day)
        for i, item in enumerate(items):
            value = _date_value(item.get(seq.by) if isinstance(item, dict) else None, seq.value)
            first, last = date_bounds(value)
            if last is not None and previous is not None and last < previous[2]:
                self.add(
                    (((link, i), seq.by), seq.value),
                    "sequence",
                    f"item {i} begins ({value}) before item {previous[0]} ({previous[1]}): the "
                    f"list is in order of {seq.by}",
                )
            if first is not None:
                previous = (i, str(value), first)

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

    # --- the kinds of PLAN_API 2 ----------------------------------------------------------

    def check(self, value: dict[str, Any], c: Check, node: Node, link: _Link) -> None:
        kind = c.kind
        if kind == "edtf":
            self.edtf(value, c.args, link)
        elif kind == "date-anchor":
            name, key = c.args
            assert name is not None and key is not None
            self.anchors[name] = (
                _date_value(value.get(key), _edtf_value_key(node, key)),
                ((link, key), _edtf_value_key(node, key)),
            )
        elif kind == "within":
            self.within(value, c.args, node, link)
        elif kind == "last":
            self.last(value, c.rule, c.args, link)
        elif kind == "distinct":
            one_key, many_key = c.args
            assert one_key is not None and many_key is not None
            one, many = value.get(one_key), value.get(many_key)
            if isinstance(one, str) and isinstance(many, list):
                for i, item in enumerate(many):
                    if item == one:
                        self.add(
                            ((link, many_key), i),
                            c.rule,
                            f"{one_key} {one!r} is also in {many_key}[{i}]",
                        )
        else:  # compile_rules knows no other kind; a plan built elsewhere must not pass
            raise ValueError(f"this engine does not know the rule kind {kind!r}")

    def edtf(self, d: dict[str, Any], args: tuple[str | None, ...], link: _Link) -> None:
        """A partial date of the EDTF profile (schema 2.0.0): rules ``date-form``,
        ``date-written``, ``weekday``, ``date-range``, ``date-relative``."""
        vk, pk, bk, wk, wrk, ek, lk, rk, ak = args
        assert vk is not None and pk is not None and bk is not None
        value, precision, basis = d.get(vk), d.get(pk), d.get(bk)
        absence = d.get(ak) if ak is not None else None
        written = d.get(wrk) if wrk is not None else None
        w = None
        if isinstance(written, str) and wrk is not None:  # possible even when value is null
            got = parse_edtf(written)
            if isinstance(got, str):
                self.add((link, wrk), "date-written", f"written {written!r}: {got}")
            else:
                w = got
        if value is not None and basis == _UNKNOWN:
            self.add(
                (link, bk),
                "date-form",
                f"basis is 'unknown', but value is {value!r}: say where it comes from",
            )
        if isinstance(absence, str) and ak is not None:
            if value is not None:
                self.add(
                    (link, ak),
                    "date-form",
                    f"absence is {absence!r}, but value is {value!r}: absence says why a value "
                    "is null",
                )
            elif absence in _ABSENCE_STATED and basis != _STATED:
                self.add(
                    (link, bk),
                    "date-form",
                    f"absence is {absence!r}, which the text says, so basis must be 'stated', "
                    f"not {basis!r}",
                )
        if ek is not None and lk is not None and (d.get(ek) is None) != (d.get(lk) is None):
            given, other = (ek, lk) if d.get(ek) is not None else (lk, ek)
            self.add((link, other), "date-range", f"{given} is given, so {other} must be too")
        if not isinstance(precision, str):
            return
        if precision == _UNKNOWN:
            if value is not None:
                self.add((link, vk), "date-form", "precision is 'unknown', so value must be null")
            elif ek is not None and lk is not None and (d.get(ek), d.get(lk)) != (None, None):
                self.add(
                    (link, pk),
                    "date-range",
                    "a date with bounds is not 'unknown': give the finest precision that "
                    "covers them",
                )
            return
        if not isinstance(value, str):
            if value is None:
                self.add(
                    (link, vk),
                    "date-form",
                    f"precision is {precision!r}, so value must not be null",
                )
            return
        v = parse_edtf(value)
        if isinstance(v, str):
            self.add((link, vk), "date-form", f"value {value!r}: {v}")
            return
        unit = _edtf_unit(v)
        if unit != precision and precision in _UNIT_RANK:
            self.add(
                (link, vk),
                "date-form",
                f"value {value!r} is given to the {unit}, but precision is {precision!r}",
            )
        if v.interval and v.start is not None and v.end is not None:
            sb, eb = _point_bounds(v.start), _point_bounds(v.end)
            if sb is not None and eb is not None and sb[0] > eb[1]:
                self.add(
                    (link, vk),
                    "date-form",
                    f"value {value!r}: the start ({_show(v.start)}) is after the end "
                    f"({_show(v.end)})",
                )
        weekday = d.get(wk) if wk is not None else None
        if isinstance(weekday, str) and weekday in WEEKDAYS and wk is not None:
            p = v.start if not v.interval else None
            if p is not None and p[0] > 0 and p[2] > 0 and p[3] not in _APPROXIMATE:
                actual = WEEKDAYS[_ordinal(p[0], p[1], p[2]) % 7]
                if actual != weekday:
                    self.add(
                        (link, wk),
                        "weekday",
                        f"weekday is {weekday!r}, but value {value!r} is a {actual.capitalize()}",
                    )
        if w is not None and wrk is not None:
            why = _written_disagrees(w, v)
            if why:
                self.add(
                    (link, wrk),
                    "date-written",
                    f"written {written!r} disagrees with value {value!r} ({why})",
                )
        if ek is not None and lk is not None and (d.get(ek) is not None or d.get(lk) is not None):
            self.edtf_range(d, ek, lk, value, v, link)
        relative = d.get(rk) if rk is not None else None
        if isinstance(relative, dict):
            assert rk is not None
            if basis != _INFERRED:
                self.add(
                    (link, bk),
                    "date-relative",
                    f"value {value!r} is resolved from {rk}, so basis must be 'inferred', not "
                    f"{basis!r}",
                )
            self.relative(relative, rk, value, v, weekday, link, vk)

    def edtf_range(
        self, d: dict[str, Any], ek: str, lk: str, value: str, v: _Edtf, link: _Link
    ) -> None:
        """``earliest``/``latest``: possible days, in order, inside the value's bounds (by
        month and day when a year is missing)."""
        points: list[tuple[str, str, _Point] | None] = []
        for key in (ek, lk):
            bound = d.get(key)
            p = None
            if isinstance(bound, str):
                got = parse_edtf(bound)
                if isinstance(got, str):
                    self.add((link, key), "date-range", f"{key} {bound!r}: {got}")
                elif got.interval or got.start is None or got.start[3]:
                    self.add((link, key), "date-range", f"{key} {bound!r} is not a single date")
                else:
                    p = got.start
                    outside = _outside(p, v)
                    if outside:
                        self.add(
                            (link, key),
                            "date-range",
                            f"{key} {bound!r} lies outside value {value!r} ({outside})",
                        )
            points.append((key, str(bound), p) if p is not None else None)
        lo, hi = points
        if lo is None or hi is None:
            return
        if lo[2][0] > 0 and hi[2][0] > 0:
            lb, hb = _point_bounds(lo[2]), _point_bounds(hi[2])
            before = lb is not None and hb is not None and hb[1] < lb[0]
        else:  # year-less: in order by month and day only inside a value that does not wrap
            lb, hb, vb = _point_days(lo[2]), _point_days(hi[2]), _edtf_days(v)
            before = (
                lb is not None and hb is not None and vb is not None and vb[0] <= vb[1]
            ) and hb[1] < lb[0]
        if before:
            self.add(
                (link, lk),
                "date-range",
                f"{lk} ({hi[1]}) is before {ek} ({lo[1]})",
            )

    def relative(
        self,
        rel: dict[str, Any],
        rk: str,
        value: str,
        v: _Edtf,
        weekday: Any,
        link: _Link,
        vk: str,
    ) -> None:
        """The value is the anchor moved by ``offset`` ``unit`` s, compared at the coarser of
        the value's precision and the unit; skipped when the anchor is unknown or too coarse."""
        raw, unit, name = (
            rel.get(RELATIVE_KEYS[0]),
            rel.get(RELATIVE_KEYS[1]),
            rel.get(RELATIVE_KEYS[2]),
        )
        anchor = self.anchors.get(name) if isinstance(name, str) else None
        if anchor is None or not isinstance(raw, int) or isinstance(raw, bool):
            return
        if not isinstance(unit, str) or unit not in _RELATIVE_UNITS:
            return
        offset: int = raw
        a = _single_point(anchor[0])
        p = v.start if not v.interval else None
        if a is None or p is None or a[0] < 0 or p[0] < 0 or p[1] > 12:
            return  # an unknown or year-less anchor, or a value no unit counts to
        need = _RELATIVE_UNITS[unit]
        if (need == 0 and a[2] < 0) or (need == 1 and not 1 <= a[1] <= 12):
            return  # the anchor is coarser than the unit
        if need == 0:
            day = _ordinal(a[0], a[1], a[2])
            if unit == "weekday":
                if weekday not in WEEKDAYS:
                    return
                k = WEEKDAYS.index(weekday)
                if offset > 0:
                    day += ((k - day) % 7 or 7) + 7 * (offset - 1)
                elif offset < 0:
                    day -= ((day - k) % 7 or 7) + 7 * (-offset - 1)
            else:
                day += offset * (7 if unit == "week" else 1)
            if not 0 <= day < _MAX_ORDINAL:
                return
            e = datetime.date.fromordinal(day + 1)
            expected: _Point = (e.year, e.month, e.day, "")
        elif need == 1:
            months = a[0] * 12 + a[1] - 1 + offset
            expected = (months // 12, months % 12 + 1, -1, "")
        else:
            expected = (a[0] + offset, -1, -1, "")
        rank = max(need, _point_rank(p))
        if _truncate(expected, rank) != _truncate(p, rank):
            self.add(
                (link, vk),
                "date-relative",
                f"value {value!r} is not the anchor {name!r} ({anchor[0]}, at "
                f"{json_path(_path(anchor[1]))}) moved by {offset} {unit}(s), which gives "
                f"{_show(_truncate(expected, rank))}",
            )

    def within(
        self, obj: dict[str, Any], args: tuple[str | None, ...], node: Node, link: _Link
    ) -> None:
        """The items of a list do not end before the object's ``from`` day nor begin after
        its ``to`` day; applied when both are single days with a year, unqualified."""
        fk, tk, ik, ifk, itk, vk = args
        assert fk is not None and tk is not None and ik is not None
        assert ifk is not None and itk is not None and vk is not None
        items = obj.get(ik)
        if not isinstance(items, list):
            return
        fv, tv = _date_value(obj.get(fk), vk), _date_value(obj.get(tk), vk)
        first, last = _exact_day(fv), _exact_day(tv)
        if first < 0 or last < 0:
            return
        whose = f"the {node.kind}'s " if node.kind else ""
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            iv_from = _date_value(item.get(ifk), vk)
            iv_to = iv_from if itk == ifk else _date_value(item.get(itk), vk)
            begins, ends = date_bounds(iv_from)[0], date_bounds(iv_to)[1]
            if ends is not None and ends < first:
                self.add(
                    ((((link, ik), i), itk), vk),
                    "within",
                    f"{ik}[{i}].{itk} ({iv_to}) is before {whose}{fk} ({fv})",
                )
            elif begins is not None and begins > last:
                self.add(
                    ((((link, ik), i), ifk), vk),
                    "within",
                    f"{ik}[{i}].{ifk} ({iv_from}) is after {whose}{tk} ({tv})",
                )

    def last(
        self, obj: dict[str, Any], rule: str, args: tuple[str | None, ...], link: _Link
    ) -> None:
        """The last item of a non-empty list agrees with a field (both strings)."""
        lk, key, ek, eqk = args
        assert lk is not None and key is not None and ek is not None and eqk is not None
        items, equals = obj.get(lk), obj.get(ek)
        if not isinstance(items, list) or not items or not isinstance(equals, dict):
            return
        item, want = items[-1], equals.get(eqk)
        got = item.get(key) if isinstance(item, dict) else None
        if isinstance(got, str) and isinstance(want, str) and got != want:
            self.add(
                ((link, ek), eqk),
                rule,
                f"{ek}.{eqk} is {want!r} but the last {lk} entry ({lk}[{len(items) - 1}].{key}) "
                f"is {got!r}",
            )

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


_LEAP_START: Final = _ordinal(2000, 1, 1)
_MAX_ORDINAL: Final = _ordinal(9999, 12, 31)


def bounds_of(value: Any) -> tuple[int, int] | None:
    """The first and last day (ordinals) a partial date value can denote; None if either is
    unknowable (no such date, a year-less or open one)."""
    first, last = date_bounds(value)
    return (first, last) if first is not None and last is not None else None


# --- EDTF: the partial dates of schema 2.0.0 ----------------------------------------------
# One parser (parse_edtf) serves every rule and edtf_bounds; the JSON Schema pattern has already
# checked the shape, this checks what a pattern cannot (a real day) and reads the parts.

_Point = tuple[int, int, int, str]
"""One date of the profile: (year, month, day, qualifier). Year -1: ``XXXX``. Month 1-12, a
season 21-24, 0 for ``XX``, -1 not given. Day 1-31, 0 for ``XX``, -1 not given. Qualifier
``''``, ``?``, ``~`` or ``%``."""


class _Edtf(NamedTuple):
    """A parsed value: a single date (``start`` is ``end``) or an interval, whose missing side
    is open (mark ``..``) or not given (mark ``''``)."""

    start: _Point | None
    end: _Point | None
    interval: bool
    start_mark: str
    end_mark: str


_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_DAYS_IN: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_SEASONS: Final = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 2)}
"""Spring, summer, autumn, winter as months (northern meteorological seasons); winter ``Y-24``
runs from December of ``Y`` to February of ``Y + 1``."""
_UNITS: Final = ("day", "month", "season", "year")  # finest first
_UNIT_RANK: Final = {u: i for i, u in enumerate(_UNITS)}
_RELATIVE_UNITS: Final = {"day": 0, "week": 0, "weekday": 0, "month": 1, "year": 3}
_APPROXIMATE: Final = ("~", "%")
_STATED: Final = "stated"
_INFERRED: Final = "inferred"
_ABSENCE_STATED: Final = ("not_announced", "not_known")
_OUTSIDE_PROFILE: Final = "not a date of this schema's profile (EDTF)"
_PARSED: dict[str, _Edtf | str] = {}


def _month_days(year: int, month: int) -> int:
    """Days in a month; a year-less February (year -1) has 29."""
    if month == 2 and (year < 0 or calendar.isleap(year)):
        return 29
    return _DAYS_IN[month - 1]


def _digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


def _parse_point(s: str) -> _Point | str:
    q = ""
    if s and s[-1] in "?~%":
        q, s = s[-1], s[:-1]
    n = len(s)
    if n not in (4, 7, 10) or (n > 4 and s[4] != "-") or (n == 10 and s[7] != "-"):
        return _OUTSIDE_PROFILE
    ys = s[:4]
    if ys == "XXXX":
        year = -1
    elif _digits(ys):
        year = int(ys)
        if year == 0:
            return "there is no year 0000 in the calendar"
    else:
        return _OUTSIDE_PROFILE
    if n == 4:
        return (year, -1, -1, q) if year > 0 else _OUTSIDE_PROFILE
    ms = s[5:7]
    if ms == "XX":
        if n == 10 and year < 0 and s[8:] == "XX":
            return (-1, 0, 0, q)
        return _OUTSIDE_PROFILE
    if not _digits(ms):
        return _OUTSIDE_PROFILE
    month = int(ms)
    if n == 7 and month in _SEASONS:
        return (year, month, -1, "") if year > 0 and not q else _OUTSIDE_PROFILE
    if not 1 <= month <= 12:
        return f"there is no month {ms}"
    if n == 7:
        return (year, month, -1, q)
    ds = s[8:]
    if not _digits(ds):
        return _OUTSIDE_PROFILE
    day = int(ds)
    if not 1 <= day <= 31:
        return f"there is no day {ds}"
    if day > _month_days(year, month):
        of = f" {year}" if month == 2 and year > 0 else ""
        return f"{_MONTHS[month - 1]}{of} has no day {day}"
    return (year, month, day, q)


def parse_edtf(value: str) -> _Edtf | str:
    """Parse a date of the 2.0.0 profile (a single date or an interval); a message saying what
    is wrong if it is none (``February has no day 30``)."""
    got = _PARSED.get(value)
    if got is not None:
        return got
    if "/" in value:
        left, _, right = value.partition("/")
        sides: list[_Point | None] = []
        out: _Edtf | str = ""
        for side in (left, right):
            if side in ("", ".."):
                sides.append(None)
                continue
            p = _parse_point(side)
            if isinstance(p, str):
                out = p
                break
            sides.append(p)
        if not out:
            if (sides[0] is None and sides[1] is None) or "/" in right:
                out = _OUTSIDE_PROFILE  # "/", "../", "/..", "../..": no date at all
            else:
                out = _Edtf(sides[0], sides[1], True, left if sides[0] is None else "",
                            right if sides[1] is None else "")  # fmt: skip
    else:
        p = _parse_point(value)
        out = p if isinstance(p, str) else _Edtf(p, p, False, "", "")
    if len(_PARSED) > 4096:
        _PARSED.clear()
    _PARSED[value] = out
    return out


def _point_bounds(p: _Point) -> tuple[int, int] | None:
    """The first and last day (ordinals) of a date with a year; None for a year-less one."""
    y, m, d = p[0], p[1], p[2]
    if y < 0:
        return None
    if m < 0:
        return _ordinal(y, 1, 1), _ordinal(y, 12, 31)
    if m in _SEASONS:
        a, b = _SEASONS[m]
        yb = y + 1 if b < a else y
        return _ordinal(y, a, 1), _ordinal(yb, b, _month_days(yb, b))
    if d < 0:
        return _ordinal(y, m, 1), _ordinal(y, m, _month_days(y, m))
    one = _ordinal(y, m, d)
    return one, one


def _edtf_first_last(v: _Edtf) -> tuple[int | None, int | None]:
    first = last = None
    if v.start is not None:
        b = _point_bounds(v.start)
        if b is not None:
            first = b[0]
    if v.end is not None:
        b = _point_bounds(v.end)
        if b is not None:
            last = b[1]
    return first, last


def date_bounds(value: Any) -> tuple[int | None, int | None]:
    """The first and last day (ordinals) a partial date value can denote, each None where it is
    unknowable (null or invalid value, year-less date, open or unknown interval end). The one
    reading of dates by bounds that ``date-order``, ``sequence`` and ``within`` share; for the
    1.x forms (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) the same days as 1.x's checks."""
    if not isinstance(value, str):
        return None, None
    v = parse_edtf(value)
    if isinstance(v, str):
        return None, None
    return _edtf_first_last(v)


class EdtfBounds(NamedTuple):
    """What :func:`edtf_bounds` reads from a date string (for derived columns)."""

    first: datetime.date | None
    last: datetime.date | None
    year_given: bool
    qualifier: str | None
    """``uncertain`` (``?``), ``approximate`` (``~``), ``uncertain_approximate`` (``%``, or
    both on an interval's ends), or None."""
    open_start: bool
    open_end: bool


def edtf_bounds(value: Any) -> EdtfBounds | None:
    """The first and last possible day of a date of the 2.0.0 profile (None where unknowable),
    whether every date it gives has a year, its qualifier and its open ends; None for a null
    value or one outside the profile."""
    if not isinstance(value, str):
        return None
    v = parse_edtf(value)
    if isinstance(v, str):
        return None
    first, last = _edtf_first_last(v)
    points = [p for p in (v.start, v.end) if p is not None]
    marks = {p[3] for p in points}
    uncertain = "?" in marks or "%" in marks
    approximate = "~" in marks or "%" in marks
    qualifier = (
        "uncertain_approximate"
        if uncertain and approximate
        else "uncertain"
        if uncertain
        else "approximate"
        if approximate
        else None
    )
    return EdtfBounds(
        _date_of(first),
        _date_of(last),
        all(p[0] > 0 for p in points),
        qualifier,
        v.start_mark == "..",
        v.end_mark == "..",
    )


def _date_of(ordinal: int | None) -> datetime.date | None:
    if ordinal is None or not 0 <= ordinal <= _MAX_ORDINAL:
        return None
    return datetime.date.fromordinal(ordinal + 1)


def _single_point(value: Any) -> _Point | None:
    """The date of a value that is one date (no interval) of the profile, else None."""
    if not isinstance(value, str):
        return None
    v = parse_edtf(value)
    if isinstance(v, str) or v.interval:
        return None
    return v.start


def _exact_day(value: Any) -> int:
    """The ordinal of a value that is one unqualified day with a year; -1 for any other."""
    p = _single_point(value)
    if p is None or p[0] < 0 or p[2] < 1 or p[3]:
        return -1
    return _ordinal(p[0], p[1], p[2])


def _point_rank(p: _Point) -> int:
    m = p[1]
    return 0 if p[2] >= 0 else 1 if 1 <= m <= 12 else 2 if m in _SEASONS else 3


def _edtf_unit(v: _Edtf) -> str:
    """The precision of a value: the unit of its date, the coarser of an interval's two."""
    rank = max(_point_rank(p) for p in (v.start, v.end) if p is not None)
    return _UNITS[rank]


def _truncate(p: _Point, rank: int) -> _Point:
    return (p[0], p[1] if rank < 3 else -1, p[2] if rank == 0 else -1, "")


def _show(p: _Point) -> str:
    y, m, d, q = p
    out = "XXXX" if y < 0 else f"{y:04d}"
    if m >= 0:
        out += "-XX" if m == 0 else f"-{m:02d}"
    if d >= 0:
        out += "-XX" if d == 0 else f"-{d:02d}"
    return out + q


def _doy(m: int, d: int) -> int:
    """Day of a leap year, so that 29 February has a place."""
    return _ordinal(2000, m, d) - _LEAP_START


def _point_days(p: _Point) -> tuple[int, int] | None:
    """First and last day of the year (of a leap year) a date can fall on, by month and day
    alone; None without a month. A winter wraps (first > last)."""
    m, d = p[1], p[2]
    if m < 0:
        return 0, 365
    if m == 0:
        return None
    if m in _SEASONS:
        a, b = _SEASONS[m]
        return _doy(a, 1), _doy(b, _month_days(-1, b))
    if d > 0:
        one = _doy(m, d)
        return one, one
    return _doy(m, 1), _doy(m, _month_days(-1, m))


def _edtf_days(v: _Edtf) -> tuple[int, int] | None:
    if v.start is None or v.end is None:
        return None
    a, b = _point_days(v.start), _point_days(v.end)
    return (a[0], b[1]) if a is not None and b is not None else None


def _outside(p: _Point, v: _Edtf) -> str:
    """How a bound lies outside a value ('' when inside, or when that cannot be told)."""
    points = [q for q in (v.start, v.end) if q is not None]
    if p[0] > 0 and all(q[0] > 0 for q in points):
        pb = _point_bounds(p)
        first, last = _edtf_first_last(v)
        if pb is not None and first is not None and pb[0] < first:
            return "before its first day"
        if pb is not None and last is not None and pb[1] > last:
            return "after its last day"
        return ""
    pd, vd = _point_days(p), _edtf_days(v)
    if pd is None or vd is None or vd[0] > vd[1] or pd[0] > pd[1]:
        return ""
    if pd[0] < vd[0] or pd[1] > vd[1]:
        return "by month and day"
    return ""


def _point_disagrees(w: _Point, v: _Point, strict: bool) -> str:
    """Why a written date disagrees with the value's date ('' if it does not): every part the
    written date gives is the value's (``strict``), or, for one end of a written interval
    against a single value, no part the value gives contradicts it."""
    wy, wm, wd = w[0], w[1], w[2]
    vy, vm, vd = v[0], v[1], v[2]
    if wy > 0 and vy > 0:
        wb, vb = _point_bounds(w), _point_bounds(v)
        if wb is not None and vb is not None:
            if strict and wb[0] <= vb[0] and vb[1] <= wb[1]:
                return ""
            if not strict and vb[0] <= wb[1] and wb[0] <= vb[1]:
                return ""
        if wy != vy:
            return f"year {wy} vs {vy}"
    elif wy > 0 and strict:
        return f"year {wy} vs none"
    if wm > 0:
        if vm <= 0:
            if strict:
                return f"month {wm:02d} vs {'XX' if vm == 0 else 'none'}"
        elif vm != wm:
            in_season = wm in _SEASONS and vm <= 12 and _in_season(vm, wm)
            if not in_season:
                return f"month {wm:02d} vs {vm:02d}"
    if wd >= 0:
        shown = f"{wd}" if wd > 0 else "XX"
        if vd < 0:
            if strict:
                return f"day {shown} vs none"
        elif wd > 0 and vd > 0 and wd != vd:
            return f"day {wd} vs {vd}"
        elif wd > 0 and vd == 0 and strict:
            return f"day {wd} vs XX"
    return "" if not (wy > 0 and vy > 0) else "it lies outside the written date"


def _in_season(month: int, season: int) -> bool:
    a, b = _SEASONS[season]
    return a <= month <= b if a <= b else month >= a or month <= b


def _written_disagrees(w: _Edtf, v: _Edtf) -> str:
    """Why ``written`` disagrees with ``value`` ('' if it agrees): an interval end by end, a
    written interval against a single value end by end (leniently: it may hold bounds), a
    single written date against one end of an interval value."""
    if w.interval and v.interval:
        for wp, vp, wmark, vmark, side in (
            (w.start, v.start, w.start_mark, v.start_mark, "start"),
            (w.end, v.end, w.end_mark, v.end_mark, "end"),
        ):
            if wp is None:
                if wmark == ".." and vmark != "..":
                    return f"the {side} is open ('..') only as written"
                continue
            if vp is None:
                return f"the value gives no {side}"
            why = _point_disagrees(wp, vp, True)
            if why:
                return f"{side}: {why}"
        return ""
    if w.interval:
        for wp in (w.start, w.end):
            if wp is not None and v.start is not None:
                why = _point_disagrees(wp, v.start, False)
                if why:
                    return why
        return ""
    assert w.start is not None
    if v.interval:
        whys = [_point_disagrees(w.start, vp, True) for vp in (v.start, v.end) if vp is not None]
        return "" if "" in whys else f"neither end agrees: {whys[0]}"
    assert v.start is not None
    return _point_disagrees(w.start, v.start, True)


def _year_less_counts(sp: _Point, ep: _Point) -> list[int]:
    """The inclusive day counts from one day to another when a year is missing: the end the
    first such day on or after the start, in a common or a leap year."""
    (sy, sm, sd), (ey, em, ed) = sp[:3], ep[:3]
    if sy > 0:
        years = [sy]
    elif ey > 0:
        years = [ey if (sm, sd) <= (em, ed) else ey - 1]
    else:
        years = [2001, 2003, 2000]  # common then common, common then leap, leap then common
    counts: set[int] = set()
    for y in years:
        ye = ey if ey > 0 else y if (em, ed) >= (sm, sd) else y + 1
        if y < 1 or sd > _month_days(y, sm) or ed > _month_days(ye, em):
            continue
        n = _ordinal(ye, em, ed) - _ordinal(y, sm, sd) + 1
        if n >= 1:
            counts.add(n)
    return sorted(counts)


def _weekday_of(d: Any, key: str, p: _Point | None) -> int:
    """The weekday (0 Monday) a date names, or that its day with a year falls on; -1 if none."""
    stated = d.get(key) if isinstance(d, dict) else None
    if isinstance(stated, str) and stated in WEEKDAYS:
        return WEEKDAYS.index(stated)
    if p is not None and p[0] > 0 and p[2] > 0:
        return _ordinal(p[0], p[1], p[2]) % 7
    return -1


def _edtf_value_key(node: Node, key: str) -> str:
    """The value key of the ``edtf`` date at ``key`` under ``node`` (compile_rules makes sure
    there is one)."""
    for f in node.fields:
        if f.key == key and f.obj is not None:
            for c in f.obj.checks:
                if c.kind == "edtf" and c.args[0] is not None:
                    return c.args[0]
    return ""


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


def iter_spans(record: Any) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """Yield (path, span) for every evidence span of the record, in document order."""
    out: list[tuple[Path, Mapping[str, Any]]] = []

    def visit(value: Any, node: Node, link: _Link) -> None:
        if not isinstance(value, dict):
            return
        if node.span is not None:
            out.append((_path(link), value))
        for f in node.fields:
            sub = value.get(f.key)
            if f.obj is None or sub is None:
                continue
            if f.many and isinstance(sub, list):
                for i, item in enumerate(sub):
                    visit(item, f.obj, ((link, f.key), i))
            elif not f.many:
                visit(sub, f.obj, (link, f.key))

    visit(record, plan(declared_version(record)).root, None)
    yield from out
