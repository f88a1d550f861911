"""Cross-field rules that JSON Schema cannot express: the semantic checks.

Run them on a record that already passes the schema (they assume its shape). Used by the tests,
by :func:`diplomatic_visits.validate_record` and by ``diplomatic-visits validate``.

Rules (each issue's ``keyword`` names one):

- ``unique-id``: every ``id`` in a record is unique.
- ``ref-exists``: a reference names an object of the right kind that exists in the record.
- ``date-form``: a partial date's ``value`` has the form its ``precision`` says, and is a real
  calendar date; ``unknown`` precision goes with a null value and ``unknown`` basis.
- ``basis-explained``: an ``inferred`` or ``knowledge`` value says what it was inferred from.
- ``weekday``: a weekday the article names agrees with the date.
- ``date-order``: a visit does not end before it starts.
- ``duration``: a stated duration agrees with day-precise start and end (counted inclusively).
- ``quote-mode``: quoted statements carry their quote; paraphrases do not.
- ``span-offsets``: ``end - start == len(quote)`` and ``start <= end``.
- ``span-text``: with the source text, ``text[start:end] == quote``, or (without offsets) the quote
  occurs in the text: the hallucination check.
- ``text-file``: with the source text, its length (and, given bytes, its sha256) match the record.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from diplomatic_visits.schema import Issue

Path = tuple[str | int, ...]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_FORM_LEN = {"day": 10, "month": 7, "year": 4}


def iter_semantic_issues(
    record: Mapping[str, Any],
    text: str | None = None,
    text_bytes: bytes | None = None,
    offsets: bool = True,
) -> Iterator[Issue]:
    """Yield every semantic problem of a schema-valid ``record``.

    ``text`` is the article the spans index; without it the span rules that need the text are
    skipped. ``text_bytes`` (the file's raw bytes) also enables the sha256 check. ``offsets=False``
    promises that no span carries ``start`` or ``end`` (a caller that read the raw line knows):
    without text there is then nothing to check in spans, and they are not even visited.
    """
    nodes = collect(record, spans=text is not None or offsets)
    yield from _check_ids(record)
    yield from _check_dates_and_bases(nodes)
    yield from _check_visits(record)
    yield from _check_statements(record)
    yield from _check_spans(nodes, text)
    if text is not None:
        yield from _check_text_file(record, text, text_bytes)


def _issue(path: Path, keyword: str, message: str) -> Issue:
    return Issue(path=path, message=message, keyword=keyword, kind="semantic")


# --- ids and references -------------------------------------------------------------------


def _objects(record: Mapping[str, Any]) -> Iterator[tuple[str, Path, Mapping[str, Any]]]:
    """Yield (kind, path, object) for every object that has an ``id``."""
    for i, a in enumerate(record.get("actors", [])):
        yield "actor", ("actors", i), a
    for i, p in enumerate(record.get("places", [])):
        yield "place", ("places", i), p
    for i, v in enumerate(record.get("visits", [])):
        yield "visit", ("visits", i), v
        for j, e in enumerate(v.get("sub_events", [])):
            yield "sub_event", ("visits", i, "sub_events", j), e
        for j, o in enumerate(v.get("outcomes", [])):
            yield "outcome", ("visits", i, "outcomes", j), o
    for i, s in enumerate(record.get("statements", [])):
        yield "statement", ("statements", i), s


def _ids_and_refs_ok(record: Mapping[str, Any]) -> bool:
    """A quick test that the ``unique-id`` and ``ref-exists`` rules hold; :func:`_check_ids`
    runs (and says where and what) only when this says they may not."""
    actors = {a["id"] for a in record["actors"]}
    places = {p["id"] for p in record["places"]}
    visits = record["visits"]
    statements = {s["id"] for s in record["statements"]}
    events = {e["id"] for v in visits for e in v["sub_events"]}
    outcomes = {o["id"] for v in visits for o in v["outcomes"]}
    n = len(record["actors"]) + len(record["places"]) + len(record["statements"]) + len(visits)
    n += sum(len(v["sub_events"]) + len(v["outcomes"]) for v in visits)
    every = actors | places | statements | events | outcomes | {v["id"] for v in visits}
    if len(every) != n:
        return False
    actor_refs: set[str] = set()
    place_refs = {p["within"] for p in record["places"]} - {None}
    for v in visits:
        actor_refs.update(v["visitors"], v["hosts"])
        place_refs.update(r["place"] for r in (v["origin"], v["destination"]) if r is not None)
        own = {e["id"] for e in v["sub_events"]}
        for e in v["sub_events"]:
            actor_refs.update(e["participants"])
            if e["place"] is not None:
                place_refs.add(e["place"]["place"])
        for o in v["outcomes"]:
            if (
                o["sub_event"] is not None and o["sub_event"] not in own
            ) or not statements.issuperset(o["asserted_by"]):
                return False
    about: set[str] = set()
    for s in record["statements"]:
        actor_refs.add(s["speaker"])
        if s["reported_via"] is not None:
            actor_refs.add(s["reported_via"])
        about.update(s["about"])
    annotation = record.get("annotation")
    contributed = (
        {c for x in annotation["sentences"] for c in x["contributes"]} if annotation else set()
    )
    return (
        actor_refs <= actors
        and place_refs <= places
        and about <= (events | {v["id"] for v in visits})
        and contributed <= every
    )


def _check_ids(record: Mapping[str, Any]) -> Iterator[Issue]:
    if _ids_and_refs_ok(record):
        return
    kinds: dict[str, str] = {}
    for kind, path, obj in _objects(record):
        oid = obj["id"]
        if oid in kinds:
            yield _issue((*path, "id"), "unique-id", f"id {oid!r} is used more than once")
        else:
            kinds[oid] = kind

    def ref(path: Path, value: str | None, allowed: tuple[str, ...]) -> Iterator[Issue]:
        if value is None:
            return
        found = kinds.get(value)
        if found is None:
            yield _issue(
                path,
                "ref-exists",
                f"{value!r} is not the id of any {' or '.join(allowed)} in this record",
            )
        elif found not in allowed:
            yield _issue(
                path,
                "ref-exists",
                f"{value!r} is the id of a {found}, expected a {' or '.join(allowed)}",
            )

    for i, p in enumerate(record.get("places", [])):
        yield from ref(("places", i, "within"), p["within"], ("place",))
    for i, v in enumerate(record.get("visits", [])):
        vp: Path = ("visits", i)
        for key in ("visitors", "hosts"):
            for j, a in enumerate(v[key]):
                yield from ref((*vp, key, j), a, ("actor",))
        for key in ("origin", "destination"):
            if v[key] is not None:
                yield from ref((*vp, key, "place"), v[key]["place"], ("place",))
        own_sub_events = {e["id"] for e in v["sub_events"]}
        for j, e in enumerate(v["sub_events"]):
            ep = (*vp, "sub_events", j)
            for k, a in enumerate(e["participants"]):
                yield from ref((*ep, "participants", k), a, ("actor",))
            if e["place"] is not None:
                yield from ref((*ep, "place", "place"), e["place"]["place"], ("place",))
        for j, o in enumerate(v["outcomes"]):
            op = (*vp, "outcomes", j)
            if o["sub_event"] is not None and o["sub_event"] not in own_sub_events:
                yield _issue(
                    (*op, "sub_event"),
                    "ref-exists",
                    f"{o['sub_event']!r} is not a sub-event of visit {v['id']!r}",
                )
            for k, s in enumerate(o["asserted_by"]):
                yield from ref((*op, "asserted_by", k), s, ("statement",))
    for i, s in enumerate(record.get("statements", [])):
        sp: Path = ("statements", i)
        yield from ref((*sp, "speaker"), s["speaker"], ("actor",))
        yield from ref((*sp, "reported_via"), s["reported_via"], ("actor",))
        for j, a in enumerate(s["about"]):
            yield from ref((*sp, "about", j), a, ("visit", "sub_event"))
    annotation = record.get("annotation")
    if annotation:
        every = tuple(sorted(set(kinds.values())))
        for i, sentence in enumerate(annotation["sentences"]):
            for j, c in enumerate(sentence["contributes"]):
                yield from ref(("annotation", "sentences", i, "contributes", j), c, every)


# --- dates and bases -------------------------------------------------------------------------


def parse_partial_date(value: str) -> tuple[int, int | None, int | None] | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into (year, month, day); None if impossible."""
    parts = value.split("-")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        return None
    year = nums[0]
    month = nums[1] if len(nums) > 1 else None
    day = nums[2] if len(nums) > 2 else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and (month is None or not 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    if year < 1:
        return None
    return year, month, day


# A path while walking is a linked list (parent, key): cheap to extend, and turned into a tuple
# only when an issue is reported at it.
_Link = tuple[Any, str | int] | None


def _path(link: _Link) -> Path:
    parts: list[str | int] = []
    while link is not None:
        link, key = link
        parts.append(key)
    return tuple(reversed(parts))


@dataclass
class Nodes:
    """The objects of a record the generic rules look at, found in one pass (with path links)."""

    spans: list[tuple[_Link, dict[str, Any]]] = field(default_factory=list)
    bases: list[tuple[_Link, dict[str, Any]]] = field(default_factory=list)


def collect(record: Any, spans: bool = True) -> Nodes:
    """Find a schema-valid record's spans and its objects with a ``basis`` (partial dates among
    them), in document order, by following a plan derived from the record's schema version: only
    the branches that can hold such objects are visited. ``spans=False`` skips the spans."""
    from diplomatic_visits.schema import available_versions

    version = record.get("schema_version")
    plan = _plan(version if version in available_versions() else None, spans)
    out = Nodes()
    if plan is not None:
        _follow(record, None, plan, out.spans, out.bases)
    return out


# A plan: (holds a basis, ((key, how, sub-plan), ...)), with `how` one of:
_SPAN, _SPANS, _OBJECT, _OBJECTS = range(4)
_Plan = tuple[bool, tuple[tuple[str, int, Any], ...]]


def _follow(
    node: dict[str, Any], link: _Link, plan: _Plan, spans: list[Any], bases: list[Any]
) -> None:
    basis, children = plan
    if basis:
        bases.append((link, node))
    for key, how, sub in children:
        value = node.get(key)
        if value is None:
            continue
        here = (link, key)
        if how == _SPAN:
            spans.append((here, value))
        elif how == _SPANS:
            spans.extend([((here, i), v) for i, v in enumerate(value)])
        elif how == _OBJECT:
            _follow(value, here, sub, spans, bases)
        else:
            for i, v in enumerate(value):
                _follow(v, (here, i), sub, spans, bases)


@cache
def _plan(version: str | None, spans: bool) -> _Plan | None:
    from diplomatic_visits.schema import bundle_schema

    doc = bundle_schema(version, "extraction")
    defs = doc.get("$defs", {})

    def resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
        while True:
            if "$ref" in node:
                node = defs[node["$ref"].rsplit("/", 1)[1]]
            elif "anyOf" in node:
                node = next(x for x in node["anyOf"] if x != {"type": "null"})
            else:
                return node

    def is_span(node: Mapping[str, Any]) -> bool:
        props = node.get("properties", {})
        return "quote" in props and props.keys() <= _SPAN_KEYS

    def build(node: Mapping[str, Any]) -> _Plan | None:
        props = node.get("properties", {})
        children: list[tuple[str, int, Any]] = []
        for key, sub in props.items():
            sub = resolve(sub)
            many = "items" in sub
            item = resolve(sub["items"]) if many else sub
            if is_span(item):
                if spans:
                    children.append((key, _SPANS if many else _SPAN, None))
            elif "properties" in item and (p := build(item)) is not None:
                children.append((key, _OBJECTS if many else _OBJECT, p))
        if "basis" in props or children:
            return ("basis" in props, tuple(children))
        return None

    return build(resolve(doc))


_SPAN_KEYS = frozenset({"start", "end", "quote"})


def _check_dates_and_bases(nodes: Nodes) -> Iterator[Issue]:
    for link, node in nodes.bases:
        basis = node["basis"]
        if (basis == "inferred" or basis == "knowledge") and not node.get("inferred_from", 1):
            yield _issue(
                (*_path(link), "inferred_from"),
                "basis-explained",
                f"basis is {basis!r}, so inferred_from must say what it was inferred from",
            )
        if "precision" in node and "weekday" in node:
            yield from _check_partial_date(link, node)


def _check_partial_date(link: _Link, d: Mapping[str, Any]) -> Iterator[Issue]:
    value, precision, basis = d["value"], d["precision"], d["basis"]
    if precision == "day" and basis != "unknown" and value is not None and len(value) == 10:
        quick = _day(value)  # the common case, checked quickly
        if quick is not None and d["weekday"] in (None, _WEEKDAYS[quick.weekday()]):
            return

    def at(key: str) -> Path:  # built only when an issue is reported
        return (*_path(link), key)

    if precision == "unknown":
        if value is not None:
            yield _issue(at("value"), "date-form", "precision is 'unknown', so value must be null")
        if basis != "unknown":
            yield _issue(
                at("basis"), "date-form", "precision is 'unknown', so basis must be 'unknown'"
            )
        return
    if basis == "unknown":
        yield _issue(
            at("basis"),
            "date-form",
            f"a date of precision {precision!r} needs a basis other than 'unknown'",
        )
    if value is None:
        yield _issue(
            at("value"), "date-form", f"precision is {precision!r}, so value must not be null"
        )
        return
    if len(value) != _FORM_LEN[precision]:
        form = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}[precision]
        yield _issue(
            at("value"),
            "date-form",
            f"{value!r} does not have the form {form} that precision {precision!r} requires",
        )
        return
    parsed = parse_partial_date(value)
    if parsed is None:
        yield _issue(at("value"), "date-form", f"{value!r} is not a calendar date")
        return
    weekday = d["weekday"]
    if weekday is not None and precision == "day":
        y, m, day = parsed
        assert m is not None and day is not None
        actual = _WEEKDAYS[dt.date(y, m, day).weekday()]
        if actual != weekday:
            yield _issue(
                at("weekday"),
                "weekday",
                f"{value} is a {actual.capitalize()}, but the text says {weekday.capitalize()}",
            )


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _bounds(d: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    """The earliest and latest day a partial date can denote."""
    if d["value"] is None:
        return None
    parsed = parse_partial_date(d["value"])
    if parsed is None:
        return None
    y, m, day = parsed
    if day is not None and m is not None:
        one = dt.date(y, m, day)
        return one, one
    if m is not None:
        return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def _check_visits(record: Mapping[str, Any]) -> Iterator[Issue]:
    for i, v in enumerate(record.get("visits", [])):
        start, end = _bounds(v["start"]), _bounds(v["end"])
        if start and end and end[1] < start[0]:
            yield _issue(
                ("visits", i, "end", "value"),
                "date-order",
                f"the visit ends ({v['end']['value']}) before it starts ({v['start']['value']})",
            )
            continue
        days = v["duration_days"]
        if days is not None and start and end and start[0] == start[1] and end[0] == end[1]:
            counted = (end[0] - start[0]).days + 1
            if counted != days:
                yield _issue(
                    ("visits", i, "duration_days"),
                    "duration",
                    f"duration_days is {days}, but {v['start']['value']} to {v['end']['value']} "
                    f"is {counted} days counted inclusively",
                )


def _check_statements(record: Mapping[str, Any]) -> Iterator[Issue]:
    for i, s in enumerate(record.get("statements", [])):
        if s["mode"] in ("direct_quote", "partial_quote") and s["quote"] is None:
            yield _issue(
                ("statements", i, "quote"),
                "quote-mode",
                f"mode is {s['mode']!r}, so quote must give the quoted words",
            )
        if s["mode"] == "paraphrase" and s["quote"] is not None:
            yield _issue(
                ("statements", i, "quote"),
                "quote-mode",
                "mode is 'paraphrase', so quote must be null",
            )


# --- spans ----------------------------------------------------------------------------------


def iter_spans(record: Mapping[str, Any]) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """Yield (path, span) for every evidence span in the record, in document order."""
    for link, span in collect(record).spans:
        yield _path(link), span


def _check_spans(nodes: Nodes, text: str | None) -> Iterator[Issue]:
    for link, span in nodes.spans:
        if text is None and len(span) == 1:
            continue  # a bare quote: nothing to check without the text
        path = _path(link)
        start, end, quote = span.get("start"), span.get("end"), span["quote"]
        if (start is None) != (end is None):
            yield _issue(path, "span-offsets", "give both start and end, or neither")
            continue
        if start is not None and end is not None:
            if end < start:
                yield _issue((*path, "end"), "span-offsets", f"end {end} is before start {start}")
                continue
            if end - start != len(quote):
                yield _issue(
                    path,
                    "span-offsets",
                    f"end - start is {end - start} but the quote has {len(quote)} code points",
                )
                continue
            if text is not None and text[start:end] != quote:
                found = text.find(quote)
                hint = (
                    f"; the quote occurs at [{found}, {found + len(quote)})" if found >= 0 else ""
                )
                yield _issue(
                    path,
                    "span-text",
                    f"text[{start}:{end}] is {text[start:end]!r}, not the quote {quote!r}{hint}",
                )
        elif text is not None and quote not in text:
            yield _issue(
                (*path, "quote"),
                "span-text",
                f"the quote {_short(quote)!r} does not occur in the source text",
            )


def _short(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _check_text_file(
    record: Mapping[str, Any], text: str, text_bytes: bytes | None
) -> Iterator[Issue]:
    tf = record["article"].get("text_file")
    if not tf:
        return
    if tf["length"] != len(text):
        yield _issue(
            ("article", "text_file", "length"),
            "text-file",
            f"length is {tf['length']}, but the source text has {len(text)} code points",
        )
    if text_bytes is not None:
        actual = hashlib.sha256(text_bytes).hexdigest()
        if actual != tf["sha256"]:
            yield _issue(
                ("article", "text_file", "sha256"),
                "text-file",
                f"sha256 is {tf['sha256']}, but the source file's is {actual}",
            )


def locate_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every [start, end) where ``quote`` occurs in ``text`` (code-point offsets)."""
    out = []
    i = text.find(quote)
    while i >= 0:
        out.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return out
