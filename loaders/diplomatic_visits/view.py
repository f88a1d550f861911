"""The view: one self-contained HTML page that draws a record's evidence over its article.

:func:`record_page` builds the page of one record: the article with every evidence span drawn
over ``text[start:end]``, coloured by the kind of field it supports (:data:`SPAN_KINDS`, a table
over the span's JSON path); the record's objects with an id (the kinds the schema's ``x-dv``
rules declare), each linked to its spans; the values whose basis is not ``stated`` with what
they were inferred from; what the annotation left out, with its reason; and the record's
validation issues, each linked to its place. :func:`compare_page` builds the same page for a
prediction against its gold record, with the scorer's alignment
(:func:`diplomatic_visits.score.iter_pairs`): each span is matched, missed (gold only) or
invented (prediction only), quotes that are not in the text are flagged, and the per-field
scores are tabled.

Nothing here lists the schema's fields: spans are found by the rule plan
(:func:`diplomatic_visits.checks.iter_spans`), objects with ids and values with a basis by the
same plan, and a quote without offsets is located as the validator locates it (its first
occurrence in the text, :func:`diplomatic_visits.checks.locate_quote`). The page is data (one
JSON document) and a small inline script that draws it with ``textContent`` only, under a
Content-Security-Policy that lets no other script run and nothing load from the network: text
from a record is always shown, never run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from diplomatic_visits.checks import iter_objects, iter_spans, locate_quote
from diplomatic_visits.errors import DiplomaticVisitsError
from diplomatic_visits.inputs import Sources
from diplomatic_visits.rules import Node, rules_for
from diplomatic_visits.schema import Issue, Level, declared_version, json_path

JsonPath = tuple[str | int, ...]

#: The kind of field a span supports, by its JSON path with list indexes written ``[]``
#: (``$.visits[].start.evidence[]``); ``*`` stands for any characters; the first pattern that
#: matches wins, and a path none matches is of kind ``other`` (a test holds every span path
#: of every shipped schema version to a named kind).
SPAN_KINDS: tuple[tuple[str, str], ...] = (
    ("$.article.quality_notes[]*", "quality"),
    ("$.article*", "article"),
    ("$.annotation.sentences[]*", "sentence"),
    ("$.annotation*", "left-out"),
    ("*.date.evidence[]", "date"),
    ("*.as_of.evidence[]", "date"),
    ("*.start.evidence[]", "date"),
    ("*.end.evidence[]", "date"),
    ("*.origin.evidence[]", "place"),
    ("*.destination.evidence[]", "place"),
    ("*.place.evidence[]", "place"),
    ("*.venue.evidence[]", "place"),
    ("$.places[]*", "place"),
    ("$.actors[]*", "actor"),
    ("$.statements[]*", "statement"),
    ("$.visits[].outcomes[]*", "outcome"),
    ("$.visits[]*", "visit"),
)
OTHER = "other"

#: How each class of span is drawn: (label, strong colour, light colour, layer). Layer
#: ``mark``: a tint and a stripe under the text (one stripe per class over a character, so
#: overlaps stay legible); ``line``: a wavy underline; ``out``: the text greyed (a sentence
#: left out);
#: ``quiet``: nothing until selected (sentences, the title and body, which cover everything).
STYLES: dict[str, tuple[str, str, str, str]] = {
    "visit": ("visit", "#1f6fd1", "#dbe8fb", "mark"),
    "date": ("date", "#b35c00", "#fde7cf", "mark"),
    "place": ("place", "#23843a", "#d9f2de", "mark"),
    "actor": ("actor", "#7b3fc4", "#ebdffb", "mark"),
    "statement": ("statement", "#c2185b", "#fbdbe7", "mark"),
    "outcome": ("outcome", "#00838f", "#d3f1f3", "mark"),
    OTHER: ("other", "#6b6b6b", "#e8e8e8", "mark"),
    "quality": ("quality note", "#d32f2f", "#ffffff", "line"),
    "left-out": ("left out (annotation.left_out)", "#8a8a8a", "#ffffff", "line"),
    "omitted": ("sentence left out", "#8a8a8a", "#f1f1f1", "out"),
    "sentence": ("sentence", "#9e9e9e", "#ffffff", "quiet"),
    "article": ("title, body, boilerplate", "#9e9e9e", "#ffffff", "quiet"),
    # the compare page colours by the alignment instead
    "matched": ("matched", "#23843a", "#d9f2de", "mark"),
    "differs": ("matched, value differs", "#7b3fc4", "#ece0fa", "mark"),
    "missed": ("missed (gold only)", "#e08600", "#fde9c8", "mark"),
    "invented": ("invented (prediction only)", "#d32f2f", "#fbd9d9", "mark"),
}

#: A sentence with one of these dispositions contributed to the record; any other was left out.
REPRESENTED = frozenset({"represented"})
_LABEL_KEYS = ("name", "description", "paraphrase", "quote", "what", "text")
_SHOWN = 240  # characters of a value shown in the page before it is cut


def span_kind(path: JsonPath) -> str:
    """The kind of field the span at ``path`` supports (see :data:`SPAN_KINDS`)."""
    general = _general(path)
    for pattern, kind in SPAN_KINDS:
        if _pattern(pattern).fullmatch(general):
            return kind
    return OTHER


def _general(path: JsonPath) -> str:
    return "$" + "".join("[]" if isinstance(p, int) else f".{p}" for p in path)


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


def iter_span_paths(version: str | None = None) -> Iterator[str]:
    """Every path (indexes as ``[]``) a span can have in a record of a schema version."""

    def walk(node: Node, at: str) -> Iterator[str]:
        if node.span is not None:
            yield at
        for f in node.fields:
            if f.obj is not None:
                yield from walk(f.obj, f"{at}.{f.key}" + ("[]" if f.many else ""))

    yield from walk(rules_for(version).root, "$")


# --- reading a record by its plan --------------------------------------------------------------


@dataclass(frozen=True)
class _Object:
    path: JsonPath
    value: Mapping[str, Any]
    node: Node


def _objects(record: Any) -> dict[JsonPath, _Object]:
    """Every object of the record the rule plan reaches, by path."""
    root = rules_for(declared_version(record)).root
    return {path: _Object(path, value, node) for path, value, node in iter_objects(record, root)}


def _owner_path(path: JsonPath) -> JsonPath:
    """The object a span supports: the one holding its list, or holding it."""
    return path[:-2] if path and isinstance(path[-1], int) else path[:-1]


def _innermost(path: JsonPath, entities: Mapping[JsonPath, Any]) -> JsonPath | None:
    for n in range(len(path), -1, -1):
        if path[:n] in entities:
            return path[:n]
    return None


def _short(value: Any) -> str:
    s = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return s if len(s) <= _SHOWN else s[: _SHOWN - 1] + "…"


def _summary(obj: Mapping[str, Any], skip: Sequence[str] = ()) -> list[list[str]]:
    """The scalar members of an object (and lists of scalars), as (key, value) pairs."""
    out = []
    for k, v in obj.items():
        if k in skip or v is None or v == []:
            continue
        if isinstance(v, (str, int, float, bool)) or (
            isinstance(v, list) and all(isinstance(x, (str, int, float)) for x in v)
        ):
            out.append([k, _short(", ".join(map(str, v)) if isinstance(v, list) else v)])
    return out


def _label(obj: Mapping[str, Any]) -> str:
    for key in _LABEL_KEYS:
        v = obj.get(key)
        if isinstance(v, str) and v:
            return _short(v)
    oid = obj.get("id")
    return oid if isinstance(oid, str) else "(no label)"


def _basis(o: _Object) -> tuple[str, str | None] | None:
    """(basis, what it was inferred from) of a value whose basis is not ``stated``."""
    rule = o.node.basis
    if rule is None:
        return None
    basis = o.value.get(rule.key)
    if basis not in rule.explain:
        return None
    reason = o.value.get(rule.reason)
    return str(basis), reason if isinstance(reason, str) else None


def place_span(text: str, span: Mapping[str, Any]) -> tuple[int | None, int | None, str, int]:
    """Where a span lies in ``text``: (start, end, how, occurrences: 0, 1, or 2 for more than
    one). ``how`` is ``offsets`` (its offsets hold its quote), ``quote`` (no offsets: the quote
    located as the validator locates it, at its first occurrence), ``moved`` (offsets that do
    not hold the quote: drawn where the quote occurs) or ``missing`` (the quote is not in the
    text: not drawn)."""
    quote, start, end = span.get("quote"), span.get("start"), span.get("end")
    if not isinstance(quote, str):
        return None, None, "missing", 0
    found = locate_quote(text, quote, limit=2) if quote else []  # once or more, not a list
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and not isinstance(start, bool)
        and not isinstance(end, bool)
        and 0 <= start <= end <= len(text)
        and text[start:end] == quote
    ):
        return start, end, "offsets", len(found)
    if not found:
        return None, None, "missing", 0
    how = "moved" if start is not None or end is not None else "quote"
    return found[0][0], found[0][1], how, len(found)


# --- the page's data -----------------------------------------------------------------------


class _Builder:
    """The page's data for one or two records over one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[dict[str, Any]] = []
        self.by_owner: dict[tuple[str, JsonPath], list[int]] = {}
        self.by_entity: dict[tuple[str, JsonPath], list[int]] = {}
        self.span_paths: dict[tuple[str, JsonPath], int] = {}
        self.owners: dict[str, list[list[str]]] = {}  # what each supported object holds

    def add_record(
        self,
        record: Any,
        side: str,
        status_of: Mapping[JsonPath, str] | None = None,
    ) -> tuple[dict[JsonPath, _Object], dict[JsonPath, _Object]]:
        """Add every span of ``record``; returns its objects and those with an id. With
        ``status_of`` (compare), spans take the status of their innermost aligned object, and
        spans outside every aligned object are left out."""
        objs = _objects(record)
        entities = {p: o for p, o in objs.items() if o.node.kind is not None}
        for path, span in iter_spans(record):
            kind = span_kind(path)
            owner_path = _owner_path(path)
            owner = objs.get(owner_path)
            ent = _innermost(path, entities)
            cls = kind
            status = None
            if status_of is not None:
                aligned = _innermost(path, status_of)
                if aligned is None:
                    continue
                status = status_of[aligned]
                cls = status
            s, e, how, n = place_span(self.text, span)
            info: dict[str, Any] = {
                "i": len(self.spans),
                "s": s,
                "e": e,
                "path": json_path(path),
                "kind": kind,
                "cls": cls,
                "how": how,
                "n": n,
                "quote": _short(span.get("quote")),
                "owner": json_path(owner_path),
                "key": f"{side} {json_path(owner_path)}",
                "side": side,
                "status": status,
                "entity": None if ent is None else f"{entities[ent].node.kind} {json_path(ent)}",
            }
            if kind == "sentence" and owner is not None:
                disposition = owner.value.get("disposition")
                if isinstance(disposition, str) and disposition not in REPRESENTED:
                    info["cls"] = info["cls"] if status else "omitted"
                    info["out"] = True
            if kind == "left-out":
                info["out"] = True  # listed with its reason
            basis = _basis(owner) if owner is not None else None
            if basis is not None:
                info["basis"], info["inferred_from"] = basis
            self.spans.append(info)
            if info["key"] not in self.owners:
                self.owners[info["key"]] = _summary(owner.value) if owner is not None else []
            self.span_paths[(side, path)] = info["i"]
            self.by_owner.setdefault((side, owner_path), []).append(info["i"])
            if ent is not None:
                self.by_entity.setdefault((side, ent), []).append(info["i"])
        return objs, entities

    def spans_under(self, side: str, path: JsonPath) -> list[int]:
        """The spans at or under ``path``; if none, those of the object holding it (none for
        the record as a whole: an issue about it has no place in the text)."""
        if not path:
            return []
        found = [
            i for (sd, p), i in self.span_paths.items() if sd == side and p[: len(path)] == path
        ]
        for n in range(len(path) - 1, 0, -1):
            if found:
                break
            found = list(self.by_owner.get((side, path[:n]), []))
        return sorted(found)


def _issue_items(issues: Sequence[Issue], b: _Builder, side: str) -> list[dict[str, Any]]:
    from diplomatic_visits.reporters import issue_fields

    shown = ("path", "keyword", "message")  # what the page lists of each
    items = []
    for issue in issues:
        fields = issue_fields(issue)
        item = {k: fields[k] for k in shown}
        items.append({**item, "side": side, "spans": b.spans_under(side, tuple(issue.path))})
    return items


def _missing(b: _Builder) -> dict[str, Any]:
    items = [
        {
            "label": s["quote"],
            "sub": f"{s['path']} ({s['side']})" if s["side"] == "prediction" else s["path"],
            "spans": [],
            "badges": ["not in the text"],
        }
        for s in b.spans
        if s["how"] == "missing"
    ]
    return {"key": "missing", "title": "Quotes not in the text", "items": items, "flag": True}


def _located(b: _Builder) -> dict[str, Any]:
    items = [
        {
            "label": s["quote"],
            "sub": s["path"],
            "spans": [s["i"]],
            "badges": [
                "offsets do not hold the quote: drawn where it occurs"
                if s["how"] == "moved"
                else "no offsets: located at its first occurrence of several"
            ],
        }
        for s in b.spans
        if s["how"] in ("moved",) or (s["how"] == "quote" and s["n"] > 1)
    ]
    return {"key": "located", "title": "Quotes placed by their words", "items": items}


def record_page(
    record: Any, text: str, issues: Sequence[Issue], title: str | None = None
) -> dict[str, Any]:
    """The page data of one record over its article ``text``, with its validation ``issues``."""
    b = _Builder(text)
    objs, entities = b.add_record(record, "record")
    kinds = rules_for(declared_version(record)).kinds
    groups = []
    for kind in kinds:
        items = [
            {
                "label": _label(o.value),
                "sub": f"{o.value.get(o.node.id_key or 'id')} · {json_path(p)}",
                "spans": b.by_entity.get(("record", p), []),
                "details": _summary(o.value, ("id",)),
            }
            for p, o in entities.items()
            if o.node.kind == kind
        ]
        groups.append({"key": kind, "title": _plural(kind), "items": items})
    inferred = []
    for p, o in objs.items():
        basis = _basis(o)
        if basis is None:
            continue
        inferred.append(
            {
                "label": f"{json_path(p)}",
                "sub": ", ".join(f"{k}: {v}" for k, v in _summary(o.value, ("inferred_from",))),
                "spans": b.by_owner.get(("record", p), []),
                "badges": [basis[0]],
                "more": basis[1] or "(no reason given)",
            }
        )
    groups.append(
        {"key": "inferred", "title": "Not stated: inferred or knowledge", "items": inferred}
    )
    left = []
    for s in b.spans:
        if s.get("out"):
            owner = objs.get(_path_of(s["owner"], objs))
            left.append(
                {
                    "label": s["quote"],
                    "sub": s["owner"],
                    "spans": [s["i"]],
                    "details": _summary(owner.value) if owner is not None else [],
                }
            )
    groups.append({"key": "left-out", "title": "Left out, and why", "items": left})
    groups.append(_located(b))
    return {
        "mode": "record",
        "title": title or _record_title(record),
        "subtitle": _subtitle(record, len(b.spans)),
        "text": text,
        "spans": b.spans,
        "owners": b.owners,
        "issues": _issue_items(issues, b, "record"),
        "missing": _missing(b),
        "groups": groups,
        "scores": None,
        "styles": _styles([s["cls"] for s in b.spans]),
    }


def compare_page(
    pred: Any,
    gold: Any,
    text: str,
    pred_issues: Sequence[Issue],
    gold_issues: Sequence[Issue],
    stated_only: bool = False,
    title: str | None = None,
) -> dict[str, Any]:
    """The page data of a prediction against its gold record over their article ``text``: the
    scorer's alignment (what matched, what was missed, what was invented), the quotes not in
    the text, and the per-field scores. An invalid prediction is aligned as it stands when the
    scorer can read it (so an object with an invented quote shows as invented), else without
    its objects with problems, as ``score --partial`` does; one too broken for either is
    shown unaligned, with its issues."""
    from diplomatic_visits.score import iter_pairs, plan_for_pair

    plan = plan_for_pair(pred, gold)
    scored, note = _aligned_part(pred, pred_issues, {p[0] for p in plan.entity_paths()})
    pairs = list(iter_pairs(scored, gold, stated_only, plan)) if scored is not None else []
    pred_status, gold_status = _statuses(pairs, pred, scored)
    b = _Builder(text)
    b.add_record(pred, "prediction", pred_status)
    b.add_record(gold, "gold", gold_status)
    _mark_differences(b, pairs, pred, scored)
    missing = _missing(b)
    missing["items"].extend(_unaligned_quotes_not_in_text(pred, pred_status, text))
    groups = [
        {
            "key": kind,
            "title": kind.replace("_", "-"),
            "items": [
                _pair_item(pair, names, b, pred, scored) for pair in pairs if pair.kind == kind
            ],
        }
        for kind, names in plan.leaves.items()
    ]
    counts = {s: sum(1 for p in pairs if p.status == s) for s in ("matched", "missed", "invented")}
    return {
        "mode": "compare",
        "title": title or f"{_record_title(pred)} against the gold",
        "subtitle": f"{counts['matched']} objects matched, {counts['missed']} missed, "
        f"{counts['invented']} invented" + (f"; {note}" if note else ""),
        "text": text,
        "spans": b.spans,
        "owners": b.owners,
        "issues": _issue_items(pred_issues, b, "prediction") + _issue_items(gold_issues, b, "gold"),
        "missing": missing,
        "groups": [*groups, _located(b)],
        "scores": _score_rows(scored, gold, stated_only, plan) if scored is not None else None,
        "styles": _styles(
            ["matched", "differs", "missed", "invented", *(s["cls"] for s in b.spans)]
        ),
    }


def _aligned_part(pred: Any, pred_issues: Sequence[Issue], top: set[Any]) -> tuple[Any, str | None]:
    """What of the prediction the scorer aligns (None: nothing), and a note saying why it is
    not all of it: an invalid prediction is aligned as it stands when it can be read (an
    invented quote is then shown as invented); else without its objects with problems, as
    ``score --partial`` does. ``top``: the record's properties that hold scored objects."""
    from diplomatic_visits.score import score_ready, valid_parts

    if not pred_issues:
        return pred, None
    note = "the prediction is invalid (score would not count it without --partial)"
    if score_ready(pred):
        return pred, note
    inside = [i for i in pred_issues if i.path[:1] and i.path[0] in top]
    scored = valid_parts(pred, inside)
    if scored is None or not score_ready(scored):
        return None, "the prediction is too broken to align: its issues are listed above"
    return scored, note + "; its objects with problems are left out"


def _statuses(
    pairs: Sequence[Any], pred: Any, scored: Any
) -> tuple[dict[JsonPath, str], dict[JsonPath, str]]:
    """The alignment status of each aligned object, by its path in the prediction as given
    and by its path in the gold record."""
    pred_status: dict[JsonPath, str] = {}
    gold_status: dict[JsonPath, str] = {}
    for pair in pairs:
        if pair.pred_path is not None:
            pred_status[_orig_path(pair.pred_path, pred, scored)] = pair.status
        if pair.gold_path is not None:
            gold_status[pair.gold_path] = pair.status
    return pred_status, gold_status


def _unaligned_quotes_not_in_text(
    pred: Any, pred_status: Mapping[JsonPath, str], text: str
) -> Iterator[dict[str, Any]]:
    """A prediction's spans outside any aligned object are left out of the drawing, but a
    quote of one that is not in the text is still flagged: an item of the missing list each."""
    for path, span in iter_spans(pred):
        if _innermost(path, pred_status) is None and place_span(text, span)[2] == "missing":
            yield {
                "label": _short(span.get("quote")),
                "sub": f"{json_path(path)} (prediction)",
                "spans": [],
                "badges": ["not in the text"],
            }


def _pair_item(
    pair: Any, names: Iterable[str], b: _Builder, pred: Any, scored: Any
) -> dict[str, Any]:
    """One aligned pair as an item of its kind's group: its spans on both sides, and a row per
    scored field (``names``) that either side has or that was counted."""
    ppath = _orig_path(pair.pred_path, pred, scored) if pair.pred_path else None
    spans = sorted(
        b.by_entity.get(("prediction", ppath), []) if ppath is not None else []
    ) + sorted(b.by_entity.get(("gold", pair.gold_path), []) if pair.gold_path else [])
    rows = []
    for name in names:
        pv = pair.pred.get(name) if pair.pred is not None else None
        gv = pair.gold.get(name) if pair.gold is not None else None
        c = pair.counts.get(name)
        if pv is None and gv is None and c is None:
            continue
        rows.append([name, _shown(gv), _shown(pv), _credit(c, pair.status)])
    label = (pair.gold or pair.pred or {}).get("_label", "")
    return {
        "label": _short(label),
        "sub": " ↔ ".join(
            x
            for x in (
                f"gold {json_path(pair.gold_path)}" if pair.gold_path else "",
                f"prediction {json_path(ppath)}" if ppath else "",
            )
            if x
        ),
        "spans": spans,
        "badges": [pair.status],
        "status": pair.status,
        "fields": rows,
    }


def _score_rows(scored: Any, gold: Any, stated_only: bool, plan: Any) -> list[list[Any]]:
    """The score table: per kind, the alignment's counts then each field's, and the micro
    average last."""
    from diplomatic_visits.score import score_records

    result = score_records([scored], [gold], stated_only, plan=plan)
    rows: list[list[Any]] = [
        [kind, name, c.precision, c.recall, c.f1, c.tp, c.fp, c.fn]
        for kind, fs in result.fields.items()
        for name, c in [("(aligned)", result.objects[kind]), *fs.items()]
    ]
    micro = result.micro
    rows.append(
        ["all", "micro", micro.precision, micro.recall, micro.f1, micro.tp, micro.fp, micro.fn]
    )
    return rows


def _mark_differences(b: _Builder, pairs: Sequence[Any], pred: Any, scored: Any) -> None:
    """In matched pairs, the spans of a field the prediction got (partly) wrong, on both sides:
    the spans under the record property the field path starts with."""
    for pair in pairs:
        if pair.status != "matched":
            continue
        for name, c in pair.counts.items():
            if not (c.fp or c.fn):
                continue
            key = name.split(".", 1)[0].split("[", 1)[0].split(" ", 1)[0]
            ppath = _orig_path(pair.pred_path, pred, scored)
            for side, base in (("prediction", ppath), ("gold", pair.gold_path)):
                at = (*base, key)
                for (sd, path), i in b.span_paths.items():
                    if sd == side and path[: len(at)] == at:
                        b.spans[i]["cls"] = "differs"
                        b.spans[i]["status"] = f"matched; {name} differs (credit {c.tp:g})"


def _orig_path(path: JsonPath, pred: Any, scored: Any) -> JsonPath:
    """A path into the scored record (the prediction without its broken objects) as a path into
    the prediction itself: the n-th object kept is the one at the same place among those of
    its list that were not left out."""
    if scored is pred:
        return path
    out: list[str | int] = []
    here_p, here_s = pred, scored
    for part in path:
        if isinstance(part, int) and isinstance(here_s, list) and isinstance(here_p, list):
            target = here_s[part]
            idx = next((i for i, x in enumerate(here_p) if _same(x, target)), part)
            out.append(idx)
            here_p, here_s = here_p[idx], target
        else:
            out.append(part)
            here_p = here_p.get(part) if isinstance(here_p, dict) else None
            here_s = here_s.get(part) if isinstance(here_s, dict) else None
    return tuple(out)


def _same(a: Any, b: Any) -> bool:
    """Whether ``b`` (a copy of an object, maybe without some children) is a copy of ``a``."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return bool(a == b)
    return bool(a.get("id") == b.get("id") and a.keys() == b.keys())


def _shown(value: Any) -> str | None:
    """A field's values as the page shows them (a list: one value per item or element)."""
    if value is None:
        return None
    if isinstance(value, list):
        parts = [_shown(v) for v in value]
        return ", ".join(p for p in parts if p) or None
    if isinstance(value, Mapping):
        return str(value.get("value"))
    return _short(str(value))


def _credit(c: Any, status: str) -> str:
    if status != "matched":
        return status if c is not None and (c.fp if status == "invented" else c.fn) else ""
    if c is None or not (c.tp or c.fp or c.fn):
        return ""
    if c.tp + c.fp > 1 or c.tp + c.fn > 1:
        return f"{c.tp:g} right, {c.fp:g} invented, {c.fn:g} missed"
    return f"{c.tp:.2f}".rstrip("0").rstrip(".") if c.tp not in (0.0, 1.0) else f"{c.tp:g}"


def _path_of(shown: str, objs: Mapping[JsonPath, _Object]) -> JsonPath:
    for p in objs:
        if json_path(p) == shown:
            return p
    return ()


def _plural(kind: str) -> str:
    return kind.replace("_", "-") + "s"


def _record_title(record: Any) -> str:
    article = record.get("article") if isinstance(record, dict) else None
    title = article.get("title") if isinstance(article, dict) else None
    rid = record.get("record_id") if isinstance(record, dict) else None
    return str(title or rid or "record")


def _subtitle(record: Any, n_spans: int) -> str:
    rid = record.get("record_id") if isinstance(record, dict) else None
    version = declared_version(record) or "(no shipped schema_version)"
    return f"record {rid} · schema {version} · {n_spans} evidence spans"


def _styles(classes: Sequence[str]) -> list[list[str]]:
    seen = list(dict.fromkeys(classes))
    return [[c, *STYLES.get(c, STYLES[OTHER])] for c in seen]


# --- from files ------------------------------------------------------------------------------


class ViewError(DiplomaticVisitsError):
    """The inputs cannot make a page: no article text, no record, or records that do not pair."""


@dataclass(frozen=True)
class Page:
    """A page built from files: its HTML and what it shows."""

    html: str
    spans: int
    issues: int
    missing: int


def _read_records(inputs: Sequence[str], what: str) -> list[tuple[str, Any]]:
    from diplomatic_visits.reader import raise_unreadable, read_documents

    out = [(f"{d.path}:{d.line}", d.value) for d in raise_unreadable(read_documents(inputs))]
    if not out:
        raise ViewError(f"no {what} in {', '.join(inputs)}")
    return out


def _pick(records: list[tuple[str, Any]], record_id: str | None, what: str) -> Any:
    if record_id is not None:
        for _, r in records:
            if isinstance(r, dict) and r.get("record_id") == record_id:
                return r
        raise ViewError(f"no {what} has record_id {record_id!r}")
    if len(records) > 1:
        ids = ", ".join(repr(r.get("record_id")) for _, r in records[:5] if isinstance(r, dict))
        raise ViewError(
            f"the input holds {len(records)} records ({ids}, …): pick one with --record"
        )
    return records[0][1]


def _article_id(record: Any) -> Any:
    article = record.get("article") if isinstance(record, dict) else None
    return article.get("id") if isinstance(article, dict) else None


def find_text(record: Any, sources: Sources | None) -> tuple[str, bytes | None]:
    """The article text a record's spans index: among ``sources`` (as ``validate --source``
    finds it), else the bundled article (of either bundled set: the real article or a
    challenge text) of the same sha256 or article id."""
    if sources is not None:
        found = sources.find(record)
        if found is None:
            raise ViewError(sources.unmatched(record))
        return found.text, found.data
    from diplomatic_visits.records import bundled_records, source_path

    article = record.get("article") if isinstance(record, dict) else None
    tf = article.get("text_file") if isinstance(article, dict) else None
    sha = tf.get("sha256") if isinstance(tf, dict) else None
    for r in bundled_records():
        if r["article"]["text_file"]["sha256"] == sha or r["article"]["id"] == _article_id(record):
            data = source_path(r).read_bytes()
            return data.decode("utf-8"), data
    rid = record.get("record_id") if isinstance(record, dict) else None
    raise ViewError(f"no article text for record {rid!r}: give it with --source ARTICLE.txt")


def build_page(
    inputs: Sequence[str],
    gold: Sequence[str] | None = None,
    sources: Sources | None = None,
    level: Level = "extraction",
    record_id: str | None = None,
    stated_only: bool = False,
) -> Page:
    """The page of the record in ``inputs`` (``record_id`` picks one of several), or, with
    ``gold`` files, of that prediction against the gold record of its article. Records are
    read by the one reader (:mod:`diplomatic_visits.inputs`) and validated as ``validate``
    does (at ``level``, against their text); a record that is not valid is drawn too, with its
    issues. Raises :class:`~diplomatic_visits.errors.InputError` for unreadable input and
    :class:`ViewError` when no page can be made."""
    from diplomatic_visits.validate import iter_record_issues

    record = _pick(_read_records(inputs, "record"), record_id, "record")
    if gold is None:
        text, data = find_text(record, sources)
        issues = list(iter_record_issues(record, level=level, text=text, text_bytes=data))
        page = record_page(record, text, issues)
    else:
        aid = _article_id(record)
        golds = [g for _, g in _read_records(gold, "gold record") if _article_id(g) == aid]
        if not golds:
            raise ViewError(f"no gold record is for the prediction's article {aid!r}")
        g = golds[0]
        text, data = find_text(g, sources)
        pred_issues = list(iter_record_issues(record, level=level, text=text))
        gold_issues = list(iter_record_issues(g, level=level, text=text, text_bytes=data))
        page = compare_page(record, g, text, pred_issues, gold_issues, stated_only)
    return Page(
        render_html(page), len(page["spans"]), len(page["issues"]), len(page["missing"]["items"])
    )


# --- the page ------------------------------------------------------------------------------


#: The invisible direction controls (embeddings, overrides, isolates, marks) that would
#: reorder what a reviewer reads; the page's script shows them as codes too (it is handed
#: this class with the page data, so the two never differ).
CONTROLS = "[\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]"
_BIDI = re.compile(CONTROLS)


def _visible(text: str) -> str:
    """``text`` with its invisible direction controls written as their codes (as the page's
    script shows them), so that they cannot reorder what is read."""
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def render_html(data: Mapping[str, Any]) -> str:
    """The self-contained HTML page of page data (:func:`record_page`, :func:`compare_page`)."""
    blob = (
        json.dumps({**data, "controls": CONTROLS}, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    script, css = _asset("view.js"), _asset("view.css")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(_visible(str(data.get('title', 'record'))))}</title>"
        f"<style>{css}</style></head><body>"
        '<header id="dv-head"><h1 id="dv-title"></h1><p id="dv-sub"></p>'
        '<div id="dv-legend"></div><section id="dv-problems"></section></header>'
        '<main id="dv-main"><article id="dv-text"></article><aside id="dv-panel"></aside></main>'
        '<div id="dv-tip" hidden></div>'
        "<noscript>This page draws the record with JavaScript: allow it to see the spans."
        "</noscript>"
        f'<script type="application/json" id="dv-data">{blob}</script>'
        f"<script>{script}</script></body></html>\n"
    )


@cache
def _asset(name: str) -> str:
    """The page's script or style sheet, shipped beside this module."""
    from importlib.resources import files

    return files("diplomatic_visits").joinpath(name).read_text(encoding="utf-8")


def write_page(page: str, out: str | Path, force: bool = False) -> None:
    """Write the page atomically (``force``: replace an existing file)."""
    from diplomatic_visits.output import atomic_file

    with atomic_file(Path(out), force) as f:
        f.write(page.encode("utf-8"))
