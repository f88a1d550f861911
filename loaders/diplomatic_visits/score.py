"""How close an extraction is to the gold records: precision, recall and F1 per field and per
object type, after aligning predicted objects to gold ones.

Alignment. Within each pair of records (paired by ``article.id``), predicted and gold objects of
one type are matched one to one so that the total field credit of the matched pairs is as large
as it can be (the Hungarian algorithm). Only *eligible* pairs may match: they must share the
object's identity (see :data:`ELIGIBLE`), so that two unrelated actors are not paired because
both are people. Actors and places are compared by name; visits, sub-events, outcomes and
statements refer to actors, places and statements through their names, never their ids (ids
are the extractor's own). Sub-events and outcomes belong to their visit: they are aligned
within each matched pair of visits only (a 2023 meeting is never matched to the 2019 one), and
a visit pair is worth its own credit plus that of its best child alignment. The sub-events and
outcomes of an unmatched visit are all missed (or invented).

Credit per field of a matched pair (the same credit the alignment maximises):

- names and enums: 1 when equal after normalisation (case, accents, punctuation and spacing
  folded, and a leading article dropped from names), else 0;
- sets (visitors, hosts, participants, titles): each shared element is a true positive, each
  extra predicted one a false positive, each missing gold one a false negative;
- dates, judged at the gold precision: the same day, month or year as gold earns 1. A coarser
  prediction that agrees as far as it goes earns part: against a day-precision gold, the right
  month earns 0.5 and the right year 0.25; against a month-precision gold, the right year earns
  0.5. Anything else earns 0. A date known on one side only is a false positive or negative;
- quotes: token F1 of the normalised texts (so a quote with a word missing earns most credit).

A field with credit c adds c to the true positives and 1 - c to both the false positives and
the false negatives; a value on one side only is one false positive or negative; a field null on
both sides is not counted. An unmatched gold object's values are all false negatives; an
unmatched predicted object's values are all false positives (invented). Micro scores add up
every field's counts; macro scores average the per-field F1 over the fields that have any.
Precision with nothing predicted, recall with nothing to find, and F1 with neither, are not
defined (``None``, shown as ``n/a``), as in common scorers; F1 with one of them undefined is 0.

Predictions are validated first. An invalid prediction is not scored (and said so before the
table), unless ``partial``: then each actor, place, visit, sub-event, outcome or statement with
a problem is left out, and the rest is scored. A second prediction for an article is reported
and not scored.

``stated_only`` leaves out of the score every gold value the text does not state (a basis the
schema's rules want a reason for: ``inferred``, ``inferred_with_knowledge``, ``knowledge``): an
extractor asked to claim nothing beyond the text is then not charged for leaving an inferred
year or a city's country empty.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Obj = Mapping[str, Any]


def normalise(text: str | None) -> str | None:
    """Fold case, accents, punctuation and spacing: ``Kim Jong-un`` -> ``kim jong un``."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


_ARTICLE = re.compile(r"^(?:the|a|an) ")


def normalise_name(name: str | None) -> str | None:
    """A name as :func:`normalise` makes it, without a leading article (``The Kremlin`` ->
    ``kremlin``): the codebook's canonical names drop it, and an extractor may not."""
    n = normalise(name)
    return _ARTICLE.sub("", n) if n else n


def _tokens(text: str | None) -> list[str]:
    return (normalise(text) or "").split()


def token_f1(pred: str | None, gold: str | None) -> float:
    """F1 of the two texts' token multisets."""
    p, g = _tokens(pred), _tokens(gold)
    if not p or not g:
        return 0.0
    common = 0
    rest = list(g)
    for t in p:
        if t in rest:
            rest.remove(t)
            common += 1
    if not common:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def date_credit(pred: Obj | None, gold: Obj | None) -> float:
    """Credit of a predicted partial date against the gold one (rules in the module docstring)."""
    gv = gold.get("value") if gold else None
    pv = pred.get("value") if pred else None
    if not gv or not pv:
        return 0.0
    g, p = gv.split("-"), pv.split("-")
    if p[: len(g)] == g:
        return 1.0  # as precise as gold, or finer, and agreeing
    if len(p) < len(g) and g[: len(p)] == p:
        return {(3, 2): 0.5, (3, 1): 0.25, (2, 1): 0.5}.get((len(g), len(p)), 0.0)
    return 0.0


# --- what is compared --------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One scored field: how to read it from an object, and how to compare."""

    name: str
    read: Callable[[Obj, Mapping[str, str]], Any]
    kind: str = "eq"  # eq | set | date | text
    #: the key of the sub-object whose ``basis`` says whether the value is stated
    basis_of: str | None = None


class _Masked:
    """A gold value left out of the score (``stated_only``: the text does not state it)."""

    def __repr__(self) -> str:
        return "MASKED"


MASKED = _Masked()


def _name(ids: Mapping[str, str], ref: str | None) -> str | None:
    return normalise_name(ids.get(ref, ref)) if ref is not None else None


def _names(ids: Mapping[str, str], refs: Iterable[str]) -> frozenset[str]:
    return frozenset(n for r in refs if (n := _name(ids, r)))


def _place(ids: Mapping[str, str], ref: Obj | None) -> str | None:
    return _name(ids, ref["place"]) if ref else None


def _date(d: Obj | None) -> Obj | None:
    return d if d and d.get("value") else None


def _notes(notes: Any) -> frozenset[str]:
    return frozenset(n for x in notes or () if (n := normalise(x.get("text"))))


def _transport(legs: Any) -> frozenset[str]:
    return frozenset(f"{t.get('mode')}/{t.get('leg')}" for t in legs or ())


FIELDS: dict[str, list[Field]] = {
    "actors": [
        Field("name", lambda o, i: normalise_name(o["name"])),
        Field("kind", lambda o, i: o["kind"]),
        Field("country", lambda o, i: (o.get("country") or {}).get("code"), basis_of="country"),
        Field("titles", lambda o, i: frozenset(normalise(t["text"]) for t in o["titles"]), "set"),
    ],
    "places": [
        Field("name", lambda o, i: normalise_name(o["name"])),
        Field("kind", lambda o, i: o["kind"]),
        Field("country", lambda o, i: (o.get("country") or {}).get("code"), basis_of="country"),
    ],
    "visits": [
        Field("kind", lambda o, i: o["kind"]),
        Field("visitors", lambda o, i: _names(i, o["visitors"]), "set"),
        Field("hosts", lambda o, i: _names(i, o["hosts"]), "set"),
        Field("origin", lambda o, i: _place(i, o["origin"]), basis_of="origin"),
        Field("destination", lambda o, i: _place(i, o["destination"]), basis_of="destination"),
        Field("start", lambda o, i: _date(o["start"]), "date", "start"),
        Field("end", lambda o, i: _date(o["end"]), "date", "end"),
        Field("status", lambda o, i: o["status"]["value"], basis_of="status"),
        Field("duration_days", lambda o, i: o["duration_days"]),
        Field("purposes", lambda o, i: _notes(o["purposes"]), "set"),
        Field("topics", lambda o, i: _notes(o["topics"]), "set"),
        Field("transport", lambda o, i: _transport(o["transport"]), "set"),
    ],
    "sub_events": [
        Field("kind", lambda o, i: o["kind"]),
        Field("participants", lambda o, i: _names(i, o["participants"]), "set"),
        Field("place", lambda o, i: _place(i, o["place"]), basis_of="place"),
        Field("date", lambda o, i: _date(o["date"]), "date", "date"),
        Field("topics", lambda o, i: _notes(o["topics"]), "set"),
    ],
    "outcomes": [
        Field("kind", lambda o, i: o["kind"]),
        Field("description", lambda o, i: o["description"], "text"),
        Field("asserted_by", lambda o, i: _names(i, o["asserted_by"]), "set"),
    ],
    "statements": [
        Field("kind", lambda o, i: o["kind"]),
        Field("speaker", lambda o, i: _name(i, o["speaker"])),
        Field("reported_via", lambda o, i: _name(i, o["reported_via"])),
        Field("mode", lambda o, i: o["mode"]),
        Field("quote", lambda o, i: o["quote"], "text"),
        Field("date", lambda o, i: _date(o["date"]), "date", "date"),
    ],
}
TOP = ("actors", "places", "visits", "statements")
CHILDREN = ("sub_events", "outcomes")  # aligned within matched visits


def _shares_name(p: dict[str, Any], g: dict[str, Any]) -> bool:
    return token_f1(p["name"], g["name"]) >= 0.5


def _shares_actor_or_place(
    keys: tuple[str, ...],
) -> Callable[[dict[str, Any], dict[str, Any]], bool]:
    def test(p: dict[str, Any], g: dict[str, Any]) -> bool:
        for k in keys:
            a, b = p[k], g[k]
            if isinstance(a, frozenset) and a & b:
                return True
            if isinstance(a, str) and a == b:
                return True
        return False

    return test


def _same_speaker_or_words(p: dict[str, Any], g: dict[str, Any]) -> bool:
    return (p["speaker"] is not None and p["speaker"] == g["speaker"]) or token_f1(
        p["quote"], g["quote"]
    ) >= 0.5


#: Which pairs may be aligned at all, by object type (on the read field values).
ELIGIBLE: dict[str, Callable[[dict[str, Any], dict[str, Any]], bool]] = {
    "actors": _shares_name,
    "places": _shares_name,
    "visits": _shares_actor_or_place(("visitors", "hosts", "destination")),
    "sub_events": _shares_actor_or_place(("participants", "place")),
    "outcomes": lambda p, g: (
        p["kind"] == g["kind"] or token_f1(p["description"], g["description"]) >= 0.5
    ),
    "statements": _same_speaker_or_words,
}


def objects(
    record: Obj, stated_only: bool = False
) -> tuple[dict[str, list[dict[str, Any]]], Mapping[str, str]]:
    """Each top-level type's objects as read field values (plus a label; a visit also holds its
    sub-events' and outcomes' under ``_sub_events`` and ``_outcomes``, and its position in the
    record's list under ``_index``), and the id -> name map
    (a statement's name is its speaker's). With ``stated_only``, values whose basis is
    ``inferred`` or ``knowledge`` are :data:`MASKED`."""
    ids = {a["id"]: a["name"] for a in record.get("actors", [])}
    ids.update({p["id"]: p["name"] for p in record.get("places", [])})
    ids.update({s["id"]: ids.get(s["speaker"], s["speaker"]) for s in record.get("statements", [])})

    def read(kind: str, objs: Iterable[Obj]) -> list[dict[str, Any]]:
        out = []
        for index, o in enumerate(objs):
            values = {f.name: _value(f, o, ids, stated_only) for f in FIELDS[kind]}
            values["_label"] = (
                o.get("name") or o.get("description") or o.get("paraphrase") or o["id"]
            )
            values["_index"] = index  # where it is in the record (the order below is canonical)
            if kind == "visits":
                for child in CHILDREN:
                    values[f"_{child}"] = read(child, o[child])
            out.append(values)
        # a canonical order, so that nothing (ties in the matching included) depends on the
        # order of the input lists
        out.sort(key=_canonical)
        return out

    return {kind: read(kind, record.get(kind, [])) for kind in TOP}, ids


def _value(f: Field, o: Obj, ids: Mapping[str, str], stated_only: bool) -> Any:
    from diplomatic_visits.rules import not_stated

    if stated_only and f.basis_of and (o.get(f.basis_of) or {}).get("basis") in not_stated():
        return MASKED
    return f.read(o, ids)


def _canonical(values: Mapping[str, Any]) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, frozenset):
            return sorted(v)
        if isinstance(v, Mapping):
            return v.get("value")
        return v

    return repr(sorted((k, plain(v)) for k, v in values.items() if not k.startswith("_")))


# --- counting -------------------------------------------------------------------------------------


@dataclass
class Counts:
    """True positives (possibly fractional), false positives and false negatives."""

    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        """None (not defined) when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """None (not defined) when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """None when neither precision nor recall is defined; 0 when one of them is not."""
        p, r = self.precision, self.recall
        if p is None and r is None:
            return None
        p, r = p or 0.0, r or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | None]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 6)

        return {
            "tp": r(self.tp), "fp": r(self.fp), "fn": r(self.fn),
            "precision": r(self.precision), "recall": r(self.recall), "f1": r(self.f1),
        }  # fmt: skip


def _size(value: Any, kind: str) -> float:
    if value is None or value is MASKED:
        return 0.0
    return float(len(value)) if kind == "set" else 1.0


def field_counts(kind: str, pred: Any, gold: Any) -> Counts:
    """The counts one field of a matched pair adds."""
    if gold is MASKED:
        return Counts()
    if kind == "set":
        p, g = pred or frozenset(), gold or frozenset()
        return Counts(len(p & g), len(p - g), len(g - p))
    if pred is None and gold is None:
        return Counts()
    if gold is None:
        return Counts(fp=1)
    if pred is None:
        return Counts(fn=1)
    if kind == "date":
        c = date_credit(pred, gold)
    elif kind == "text":
        c = token_f1(pred, gold)
    else:
        c = 1.0 if pred == gold else 0.0
    return Counts(c, 1 - c, 1 - c)


def _pair_credit(kind: str, p: dict[str, Any], g: dict[str, Any]) -> float:
    own = sum(field_counts(f.kind, p[f.name], g[f.name]).tp for f in FIELDS[kind])
    if kind == "visits":  # a visit pair is also worth what its children can be matched for
        for child in CHILDREN:
            ps, gs = p[f"_{child}"], g[f"_{child}"]
            own += sum(_pair_credit(child, ps[a], gs[b]) for a, b in align(child, ps, gs))
    return own


def hungarian(weights: Sequence[Sequence[float]]) -> list[int]:
    """Maximum-weight one-to-one assignment of rows to columns (rows <= columns); returns each
    row's column. The Kuhn-Munkres algorithm with potentials, O(n^2 m)."""
    n = len(weights)
    m = len(weights[0]) if n else 0
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = -weights[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    out = [-1] * n
    for j in range(1, m + 1):
        if p[j]:
            out[p[j] - 1] = j - 1
    return out


def align(
    kind: str, preds: list[dict[str, Any]], golds: list[dict[str, Any]]
) -> list[tuple[int, int]]:
    """Optimal one-to-one matching of eligible pairs, as (pred index, gold index)."""
    if not preds or not golds:
        return []
    ok = ELIGIBLE[kind]
    w = [[_pair_credit(kind, p, g) + 1.0 if ok(p, g) else 0.0 for g in golds] for p in preds]
    # (+1 makes an eligible pair with no field credit still worth matching over no match)
    transpose = len(preds) > len(golds)
    if transpose:
        w = [list(col) for col in zip(*w, strict=True)]
    rows = hungarian(w)
    pairs = [(c, r) if transpose else (r, c) for r, c in enumerate(rows) if c >= 0]
    return sorted((pi, gi) for pi, gi in pairs if ok(preds[pi], golds[gi]))


# --- the result ------------------------------------------------------------------------------


@dataclass
class Score:
    """Counts per object type and field, object-level counts, and per record what was missed and
    what was invented; the predictions not scored (``invalid``, ``duplicates``)."""

    fields: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {k: {f.name: Counts() for f in fs} for k, fs in FIELDS.items()}
    )
    objects: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in FIELDS})
    records: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    invalid: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    predictions: int = 0

    @property
    def micro(self) -> Counts:
        total = Counts()
        for fs in self.fields.values():
            for c in fs.values():
                total.add(c)
        return total

    @property
    def macro_f1(self) -> float | None:
        scores = [
            f1 for fs in self.fields.values() for c in fs.values() if (f1 := c.f1) is not None
        ]
        return sum(scores) / len(scores) if scores else None

    def as_dict(self) -> dict[str, Any]:
        macro = self.macro_f1
        return {
            "micro": self.micro.as_dict(),
            "macro_f1": None if macro is None else round(macro, 6),
            "objects": {k: c.as_dict() for k, c in self.objects.items()},
            "fields": {k: {f: c.as_dict() for f, c in fs.items()} for k, fs in self.fields.items()},
            "records": self.records,
            "predictions": self.predictions,
            "invalid_predictions": self.invalid,
            "duplicate_predictions": self.duplicates,
            "partly_scored": self.partial,
        }


def score_records(
    preds: Sequence[Obj],
    golds: Sequence[Obj],
    stated_only: bool = False,
    labels: Sequence[str] | None = None,
) -> Score:
    """Score predicted records against gold records (paired by ``article.id``). With
    ``stated_only``, gold values the text does not state (a basis other than ``stated``:
    inferred years and places, countries from world knowledge) are left out of the score on both
    sides, so a cautious extractor that leaves them empty loses nothing. A second prediction for
    an article is listed in :attr:`Score.duplicates` (by its ``labels`` entry, such as its file
    and line) and not scored."""
    result = Score(predictions=len(preds))
    by_article = {g["article"]["id"]: g for g in golds}
    pred_by_article: dict[str, Obj] = {}
    for i, p in enumerate(preds):
        aid = p["article"]["id"]
        if aid in pred_by_article:
            where = labels[i] if labels is not None else f"prediction {i + 1}"
            result.duplicates.append(f"{where}: a second prediction for article {aid!r}")
        else:
            pred_by_article[aid] = p
    empty: Obj = {"visits": [], "actors": [], "places": [], "statements": []}
    for article in sorted(by_article.keys() | pred_by_article.keys()):
        pred, gold = pred_by_article.get(article, empty), by_article.get(article, empty)
        _score_pair(pred, gold, article, result, stated_only)
    return result


@dataclass(frozen=True)
class Pair:
    """One step of the alignment: a predicted object matched to a gold one (both set), a gold
    object no prediction matched (``pred`` None: missed), or a predicted one no gold object
    matched (``gold`` None: invented). ``pred``/``gold`` are the read field values of
    :func:`objects`; the paths say where the objects are in their records
    (``("visits", 0, "sub_events", 1)``)."""

    kind: str
    pred: dict[str, Any] | None
    gold: dict[str, Any] | None
    pred_path: tuple[str | int, ...] | None
    gold_path: tuple[str | int, ...] | None

    @property
    def status(self) -> str:
        """``matched``, ``missed`` (gold only) or ``invented`` (prediction only)."""
        if self.pred is not None and self.gold is not None:
            return "matched"
        return "missed" if self.pred is None else "invented"


def iter_pairs(pred: Obj, gold: Obj, stated_only: bool = False) -> Iterator[Pair]:
    """The alignment of one predicted record with its gold record, as the score counts it:
    each type's matched pairs, then its missed gold objects, then its invented ones; the
    sub-events and outcomes after the visits, within each matched pair of visits, then those
    of invented visits, then those of missed visits."""
    pobjs, _ = objects(pred)
    gobjs, _ = objects(gold, stated_only)
    for kind in TOP:
        pairs = list(_align_pairs(kind, pobjs[kind], gobjs[kind], (), ()))
        yield from pairs
        if kind != "visits":
            continue
        for child in CHILDREN:
            for pair in pairs:
                p, g = pair.pred, pair.gold
                yield from _align_pairs(
                    child,
                    p[f"_{child}"] if p is not None else [],
                    g[f"_{child}"] if g is not None else [],
                    pair.pred_path,
                    pair.gold_path,
                )


def _align_pairs(
    kind: str,
    ps: list[dict[str, Any]],
    gs: list[dict[str, Any]],
    pred_at: tuple[str | int, ...] | None,
    gold_at: tuple[str | int, ...] | None,
) -> Iterator[Pair]:
    """Align one type's objects: the matched pairs, then the missed, then the invented."""

    def where(at: tuple[str | int, ...] | None, o: dict[str, Any]) -> tuple[str | int, ...]:
        return (*(at or ()), kind, o["_index"])

    pairs = align(kind, ps, gs)
    matched_p, matched_g = {p for p, _ in pairs}, {g for _, g in pairs}
    for pi, gi in pairs:
        yield Pair(kind, ps[pi], gs[gi], where(pred_at, ps[pi]), where(gold_at, gs[gi]))
    for gi, g in enumerate(gs):
        if gi not in matched_g:
            yield Pair(kind, None, g, None, where(gold_at, g))
    for pi, p in enumerate(ps):
        if pi not in matched_p:
            yield Pair(kind, p, None, where(pred_at, p), None)


def _score_pair(pred: Obj, gold: Obj, article: str, result: Score, stated_only: bool) -> None:
    found: dict[str, list[str]] = {"missed": [], "invented": []}
    for pair in iter_pairs(pred, gold, stated_only):
        fields, kind = FIELDS[pair.kind], pair.kind
        p, g = pair.pred, pair.gold
        if p is not None and g is not None:
            result.objects[kind].add(Counts(tp=1))
            for f in fields:
                result.fields[kind][f.name].add(field_counts(f.kind, p[f.name], g[f.name]))
        elif g is not None:
            result.objects[kind].add(Counts(fn=1))
            found["missed"].append(f"{kind}: {g['_label']}")
            for f in fields:
                result.fields[kind][f.name].add(Counts(fn=_size(g[f.name], f.kind)))
        elif p is not None:
            result.objects[kind].add(Counts(fp=1))
            found["invented"].append(f"{kind}: {p['_label']}")
            for f in fields:
                result.fields[kind][f.name].add(Counts(fp=_size(p[f.name], f.kind)))
    result.records[article] = found


def _num(x: float | None) -> str:
    return "   n/a" if x is None else f"{x:6.3f}"


def render_text(score: Score) -> str:
    """What was not scored first, then a readable table: object alignment, every field, the
    totals, and per record what was missed and invented."""
    lines: list[str] = []
    skipped = len(score.invalid) + len(score.duplicates)
    if skipped:
        total = score.predictions + len(score.invalid)
        lines.append(
            f"NOT SCORED: {skipped} of {total} predictions ({len(score.invalid)} invalid, "
            f"{len(score.duplicates)} second predictions for an article); the scores below "
            "count the others only. Listed at the end; --partial scores the valid parts of "
            "invalid ones."
        )
    if score.partial:
        lines.append(
            f"PARTLY SCORED: {len(score.partial)} invalid predictions, without their objects "
            "with problems (listed at the end)."
        )
    lines.append(
        f"{'object / field':<28} {'P':>6} {'R':>6} {'F1':>6}   {'TP':>7} {'FP':>7} {'FN':>7}"
    )

    def row(name: str, c: Counts) -> str:
        prf = f"{_num(c.precision)} {_num(c.recall)} {_num(c.f1)}"
        return f"{name:<28} {prf}   {c.tp:7.2f} {c.fp:7.2f} {c.fn:7.2f}"

    for kind, fs in score.fields.items():
        lines.append(row(f"{kind} (aligned)", score.objects[kind]))
        lines.extend(row(f"  {kind}.{name}", c) for name, c in fs.items())
    lines.append(row("micro (all fields)", score.micro))
    lines.append(f"{'macro F1 (mean of fields)':<28} {'':>6} {'':>6} {_num(score.macro_f1)}")
    for article, found in score.records.items():
        for what in ("missed", "invented"):
            for item in found[what]:
                lines.append(f"{article}: {what}: {item}")
    for bad in score.invalid:
        lines.append(f"not scored (invalid): {bad}")
    for dup in score.duplicates:
        lines.append(f"not scored (second prediction): {dup}")
    for part in score.partial:
        lines.append(f"partly scored: {part}")
    return "\n".join(lines)


_OBJECT_PATHS = (("actors",), ("places",), ("statements",), ("visits", "sub_events"),
                 ("visits", "outcomes"), ("visits",))  # fmt: skip


def valid_parts(record: Obj, issues: Sequence[Any]) -> dict[str, Any] | None:
    """``record`` without each object (actor, place, visit, sub-event, outcome, statement) that
    an issue is in; None when an issue lies outside every such object (the record as a whole
    is wrong)."""
    import copy

    drop: set[tuple[str | int, ...]] = set()
    for issue in issues:
        if issue.keyword == "source-match":
            continue  # the whole record's quotes went unchecked: nothing to leave out
        path = tuple(issue.path)
        at = None
        if (
            len(path) >= 4
            and path[0] == "visits"
            and path[2] in CHILDREN
            and isinstance(path[3], int)
        ):
            at = path[:4]
        elif len(path) >= 2 and path[0] in TOP and isinstance(path[1], int):
            at = path[:2]
        if at is None:
            return None
        drop.add(at)
    out = copy.deepcopy(dict(record))
    for key in TOP:
        items = out.get(key)
        if not isinstance(items, list):
            return None
        kept = []
        for i, item in enumerate(items):
            if (key, i) in drop:
                continue
            if key == "visits":
                if not isinstance(item, dict):
                    return None
                for child in CHILDREN:
                    subs = item.get(child)
                    if not isinstance(subs, list):
                        return None
                    item[child] = [x for j, x in enumerate(subs) if (key, i, child, j) not in drop]
            kept.append(item)
        out[key] = kept
    return out


def _read_predictions(
    paths: Sequence[str], sources: Any, partial: bool, result_notes: dict[str, list[str]]
) -> tuple[list[Obj], list[str]]:
    """Predictions from files, validated (with their texts); the invalid ones are listed, or
    with ``partial`` kept without their objects with problems."""
    from diplomatic_visits.errors import InputError
    from diplomatic_visits.inputs import read_inputs
    from diplomatic_visits.validate import check_document

    out: list[Obj] = []
    labels: list[str] = []
    for doc in read_inputs(paths):
        if isinstance(doc, InputError):
            raise doc
        result = check_document(doc, sources=sources, max_errors=None)
        where = f"{doc.path}:{doc.line}"
        if result.valid:
            out.append(doc.value)
            labels.append(where)
            continue
        parts = valid_parts(doc.value, result.issues) if partial else None
        if parts is not None and score_ready(parts):
            out.append(parts)
            labels.append(where)
            result_notes["partial"].append(
                f"{where}: {len(result.issues)} problems, first {result.issues[0]}"
            )
        else:
            result_notes["invalid"].append(f"{where}: {result.issues[0]}")
    return out, labels


def score_ready(record: Obj) -> bool:
    """Whether what is left of an invalid record is well formed enough to score: every object
    left passes its part of the schema."""
    try:
        objects(record)
        aid = record["article"]["id"]
    except (KeyError, TypeError, AttributeError):
        return False
    return isinstance(aid, str)


def _read_gold(gold: Sequence[str] | Sequence[Obj]) -> list[Obj]:
    from diplomatic_visits.errors import InputError, InvalidRecordError
    from diplomatic_visits.inputs import read_inputs
    from diplomatic_visits.validate import check_document

    out = [g for g in gold if not isinstance(g, str)]
    for doc in read_inputs([g for g in gold if isinstance(g, str)]):
        if isinstance(doc, InputError):
            raise doc
        result = check_document(doc)
        if not result.valid:
            raise InvalidRecordError(result.record_id, result.issues)
        out.append(doc.value)
    return out


def score_files(
    pred: Sequence[str],
    gold: Sequence[str] | Sequence[Obj],
    stated_only: bool = False,
    sources: Any = None,
    partial: bool = False,
) -> Score:
    """Score predicted record files against gold record files (or gold records). Predictions
    are validated at the ``extraction`` level first, against their ``sources`` texts when
    given: invalid ones are listed in :attr:`Score.invalid` and not scored (with ``partial``,
    scored without their objects with problems, and listed in :attr:`Score.partial`)."""
    notes: dict[str, list[str]] = {"invalid": [], "partial": []}
    preds, labels = _read_predictions(pred, sources, partial, notes)
    result = score_records(preds, _read_gold(gold), stated_only, labels)
    result.invalid, result.partial = notes["invalid"], notes["partial"]
    return result
