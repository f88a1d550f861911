"""Grounding: the quotes of a model's record placed in its article, each with how it was placed.

A model copies words; it cannot count code points. :func:`ground` gives every evidence span of
a record that has no offsets its ``start`` and ``end`` where that can be decided from the text
and the record, and says for each how (:class:`Placement`):

- ``exact``: the quote occurs once in the text;
- ``typography``: it occurs once once typography is folded on both sides (curly against
  straight quotes and apostrophes, dashes, runs of white space); the span's quote becomes the
  text's own words, so that ``text[start:end] == quote`` holds;
- ``context``: it occurs more than once, and exactly one occurrence lies in the lines that hold
  the other placed spans of the same object (a visit, an actor, a statement);
- ``order``: it occurs more than once, and exactly one occurrence lies between the spans of the
  same object placed before and after it in the answer; or the answer uses the same words as
  many times as the text holds them, and the n-th use takes the n-th occurrence;
- ``ambiguous``: more than one occurrence remains: no offsets, reported;
- ``not_found``: the words are not in the text, even with typography folded: no offsets,
  reported (the validator says ``span-text`` too).

Nothing is placed by a guess: a rule places a quote only when it leaves exactly one candidate.
The first two rules search only the lines or the stretch of text they name, so a quote that
occurs thousands of times is placed as cheaply; the last needs the count of occurrences, and
is not tried for a quote that occurs more than :data:`MAX_CANDIDATES` times.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from diplomatic_visits.checks import iter_spans, locate_folded, locate_quote
from diplomatic_visits.schema import json_path

Status = Literal["exact", "typography", "context", "order", "ambiguous", "not_found"]
PLACED: frozenset[str] = frozenset({"exact", "typography", "context", "order"})
MAX_CANDIDATES = 200
"""Occurrences listed for a quote that occurs more than once (its candidates, for the count the
order rule needs)."""

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Placement:
    """How one quote of a record was placed in the text."""

    json_path: str
    quote: str  # the model's words (the span holds the text's, for ``typography``)
    status: Status
    start: int | None = None
    end: int | None = None
    occurrences: int = 0  # candidates found (at most MAX_CANDIDATES + 1)

    @property
    def placed(self) -> bool:
        return self.status in PLACED

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.json_path,
            "quote": self.quote,
            "status": self.status,
            "start": self.start,
            "end": self.end,
            "occurrences": self.occurrences,
        }

    def __str__(self) -> str:
        where = f"[{self.start}, {self.end})" if self.placed else "no offsets"
        return f"{self.json_path}: {self.status} {where}: {self.quote[:60]!r}"


@dataclass
class _Pending:
    path: JsonPath
    span: MutableMapping[str, Any]
    quote: str
    candidates: list[tuple[int, int]]
    folded: bool
    order: int
    status: Status = "ambiguous"
    placed: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)


def _owner(path: JsonPath) -> JsonPath:
    """The object a span is evidence of, for context: the item of a top-level list
    (``$.visits[0]`` for ``$.visits[0].outcomes[1].evidence[0]``), else the top-level value."""
    if len(path) >= 2 and isinstance(path[1], int):
        return path[:2]
    return path[:1]


def _has_offsets(span: Mapping[str, Any]) -> bool:
    return any(span.get(k) is not None for k in ("start", "end"))


def _line_region(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole lines (paragraphs, in a news text) that [start, end) touches."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


def ground(record: Any, text: str) -> list[Placement]:
    """Place every span of ``record`` that has a quote and no offsets (changing the spans in
    place), and return a :class:`Placement` for each, in the record's order. Spans that already
    have offsets are left to the validator."""
    pending: list[_Pending] = []
    searched: dict[str, tuple[list[tuple[int, int]], bool]] = {}
    for order, (path, span) in enumerate(iter_spans(record)):
        quote = span.get("quote")
        if not isinstance(quote, str) or not quote or _has_offsets(span):
            continue
        if not isinstance(span, MutableMapping):
            continue
        if quote not in searched:  # an answer often repeats its words: one search each
            found = locate_quote(text, quote, limit=MAX_CANDIDATES + 1)
            folded = False
            if not found:
                found = locate_folded(text, quote, limit=MAX_CANDIDATES + 1)
                folded = bool(found)
            searched[quote] = found, folded
        found, folded = searched[quote]
        p = _Pending(path, span, quote, found, folded, order)
        if len(found) == 1:
            p.status, p.placed = ("typography" if folded else "exact"), found[0]
        elif not found:
            p.status = "not_found"
        pending.append(p)
    _by_context(pending, text)
    out: list[Placement] = []
    for p in pending:
        if p.placed is not None:
            s, e = p.placed
            p.span["start"], p.span["end"] = s, e
            if p.folded:
                p.span["quote"] = text[s:e]
        out.append(
            Placement(
                json_path(p.path),
                p.quote,
                p.status,
                p.placed[0] if p.placed else None,
                p.placed[1] if p.placed else None,
                len(p.candidates),
            )
        )
    return out


def _by_context(pending: Sequence[_Pending], text: str) -> None:
    """Settle ambiguous quotes with the rules of the module's docstring, until none applies."""
    by_owner: dict[JsonPath, list[_Pending]] = {}
    for p in pending:
        by_owner.setdefault(_owner(p.path), []).append(p)
    changed = True
    while changed:
        changed = False
        for p in _ambiguous(pending):
            mine = by_owner[_owner(p.path)]
            choice = _in_context(p, mine, text)
            status: Status = "context"
            if choice is None:
                choice, status = _between(p, mine, text), "order"
            if choice is not None:
                p.placed, p.status, changed = choice, status, True
        if not changed:
            changed = _same_words_in_order(pending)


def _ambiguous(pending: Sequence[_Pending]) -> Iterator[_Pending]:
    for p in pending:
        if p.status == "ambiguous" and p.placed is None:
            yield p


def _inside(p: _Pending, text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The first two occurrences of ``p``'s quote that lie wholly in ``text[lo:hi]`` (searched
    there, so a quote that occurs thousands of times costs no list of them all)."""
    if p.folded:
        return [(lo + a, lo + b) for a, b in locate_folded(text[lo:hi], p.quote, limit=2)]
    out: list[tuple[int, int]] = []
    i = text.find(p.quote, lo, hi)
    while i >= 0 and len(out) < 2:
        out.append((i, i + len(p.quote)))
        i = text.find(p.quote, i + 1, hi)
    return out


def _in_context(p: _Pending, mine: Sequence[_Pending], text: str) -> tuple[int, int] | None:
    """The one candidate in the lines of the placed spans of ``p``'s object (``mine``)."""
    anchors = [q.placed for q in mine if q.placed]
    if not anchors:
        return None
    lo, hi = _line_region(text, min(a[0] for a in anchors), max(a[1] for a in anchors))
    inside = _inside(p, text, lo, hi)
    return inside[0] if len(inside) == 1 else None


def _between(p: _Pending, mine: Sequence[_Pending], text: str) -> tuple[int, int] | None:
    """The one candidate between the placed spans of ``p``'s object before and after it."""
    before = [q.placed for q in mine if q.order < p.order and q.placed]
    after = [q.placed for q in mine if q.order > p.order and q.placed]
    if not before or not after:
        return None  # one side open: the order bounds nothing there
    lo, hi = before[-1][1], after[0][0]
    inside = _inside(p, text, lo, hi) if lo <= hi else []
    return inside[0] if len(inside) == 1 else None


def _same_words_in_order(pending: Sequence[_Pending]) -> bool:
    """Uses of the same words, as many as the text's occurrences of them, none placed yet:
    the n-th use takes the n-th occurrence."""
    groups: dict[str, list[_Pending]] = {}
    for p in pending:
        if 1 < len(p.candidates) <= MAX_CANDIDATES:  # beyond it, the count is unknown
            groups.setdefault(p.quote, []).append(p)
    changed = False
    for uses in groups.values():
        if any(u.placed for u in uses) or len(uses) != len(uses[0].candidates):
            continue
        for use, where in zip(uses, uses[0].candidates, strict=True):
            use.placed, use.status, changed = where, "order", True
    return changed
