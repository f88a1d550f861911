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
from typing import Any

from diplomatic_visits.schema import Issue

Path = tuple[str | int, ...]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_FORM_LEN = {"day": 10, "month": 7, "year": 4}


def iter_semantic_issues(
    record: Mapping[str, Any], text: str | None = None, text_bytes: bytes | None = None
) -> Iterator[Issue]:
    """Yield every semantic problem of a schema-valid ``record``.

    ``text`` is the article the spans index; without it the span rules that need the text are
    skipped. ``text_bytes`` (the file's raw bytes) also enables the sha256 check.
    """
    yield from _check_ids(record)
    yield from _check_dates_and_bases(record)
    yield from _check_visits(record)
    yield from _check_statements(record)
    yield from _check_spans(record, text)
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


def _check_ids(record: Mapping[str, Any]) -> Iterator[Issue]:
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


def _walk(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, (*path, i))


def _is_partial_date(node: Any) -> bool:
    return isinstance(node, dict) and "precision" in node and "weekday" in node


def _check_dates_and_bases(record: Mapping[str, Any]) -> Iterator[Issue]:
    for path, node in _walk(record):
        if not isinstance(node, dict):
            continue
        basis = node.get("basis")
        if (
            basis in ("inferred", "knowledge")
            and "inferred_from" in node
            and not node["inferred_from"]
        ):
            yield _issue(
                (*path, "inferred_from"),
                "basis-explained",
                f"basis is {basis!r}, so inferred_from must say what it was inferred from",
            )
        if _is_partial_date(node):
            yield from _check_partial_date(path, node)


def _check_partial_date(path: Path, d: Mapping[str, Any]) -> Iterator[Issue]:
    value, precision, basis = d["value"], d["precision"], d["basis"]
    if precision == "unknown":
        if value is not None:
            yield _issue(
                (*path, "value"), "date-form", "precision is 'unknown', so value must be null"
            )
        if basis != "unknown":
            yield _issue(
                (*path, "basis"), "date-form", "precision is 'unknown', so basis must be 'unknown'"
            )
        return
    if basis == "unknown":
        yield _issue(
            (*path, "basis"),
            "date-form",
            f"a date of precision {precision!r} needs a basis other than 'unknown'",
        )
    if value is None:
        yield _issue(
            (*path, "value"), "date-form", f"precision is {precision!r}, so value must not be null"
        )
        return
    if len(value) != _FORM_LEN[precision]:
        form = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}[precision]
        yield _issue(
            (*path, "value"),
            "date-form",
            f"{value!r} does not have the form {form} that precision {precision!r} requires",
        )
        return
    parsed = parse_partial_date(value)
    if parsed is None:
        yield _issue((*path, "value"), "date-form", f"{value!r} is not a calendar date")
        return
    weekday = d["weekday"]
    if weekday is not None and precision == "day":
        y, m, day = parsed
        assert m is not None and day is not None
        actual = _WEEKDAYS[dt.date(y, m, day).weekday()]
        if actual != weekday:
            yield _issue(
                (*path, "weekday"),
                "weekday",
                f"{value} is a {actual.capitalize()}, but the text says {weekday.capitalize()}",
            )


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


def _is_span(node: Any) -> bool:
    return isinstance(node, dict) and "quote" in node and set(node) <= {"start", "end", "quote"}


def iter_spans(record: Mapping[str, Any]) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """Yield (path, span) for every evidence span in the record."""
    for path, node in _walk(record):
        if _is_span(node):
            yield path, node


def _check_spans(record: Mapping[str, Any], text: str | None) -> Iterator[Issue]:
    for path, span in iter_spans(record):
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
