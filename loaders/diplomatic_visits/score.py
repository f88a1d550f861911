"""How close an extraction is to the gold records: precision, recall and F1 per field and per
object type, after aligning predicted objects to gold ones.

Alignment. Within each pair of records (paired by ``article.id``), predicted and gold objects of
one type are matched one to one so that the total field credit of the matched pairs is as large
as it can be (the Hungarian algorithm). Only *eligible* pairs may match: they must share the
object's identity (see :data:`ELIGIBLE`), so that two unrelated actors are not paired because
both are people. Actors and places are compared by name; visits, sub-events and statements
refer to actors and places through their names, never their ids (ids are the extractor's own).

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
every field's counts; macro scores average the per-field F1.

``stated_only`` leaves out of the score every gold value the text does not state (basis
``inferred`` or ``knowledge``): an extractor asked to claim nothing beyond the text is then not
charged for leaving an inferred year or a city's country empty.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    ],
    "sub_events": [
        Field("kind", lambda o, i: o["kind"]),
        Field("participants", lambda o, i: _names(i, o["participants"]), "set"),
        Field("place", lambda o, i: _place(i, o["place"]), basis_of="place"),
        Field("date", lambda o, i: _date(o["date"]), "date", "date"),
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
    "statements": _same_speaker_or_words,
}


def objects(
    record: Obj, stated_only: bool = False
) -> tuple[dict[str, list[dict[str, Any]]], Mapping[str, str]]:
    """Each type's objects as read field values (plus a label), and the id -> name map. With
    ``stated_only``, values whose basis is ``inferred`` or ``knowledge`` are :data:`MASKED`."""
    ids = {a["id"]: a["name"] for a in record.get("actors", [])}
    ids.update({p["id"]: p["name"] for p in record.get("places", [])})
    raw: dict[str, list[Obj]] = {
        "actors": list(record.get("actors", [])),
        "places": list(record.get("places", [])),
        "visits": list(record.get("visits", [])),
        "sub_events": [e for v in record.get("visits", []) for e in v["sub_events"]],
        "statements": list(record.get("statements", [])),
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, objs in raw.items():
        out[kind] = []
        for o in objs:
            values = {f.name: _value(f, o, ids, stated_only) for f in FIELDS[kind]}
            values["_label"] = (
                o.get("name") or o.get("description") or o.get("paraphrase") or o["id"]
            )
            out[kind].append(values)
        # a canonical order, so that nothing (ties in the matching included) depends on the
        # order of the input lists
        out[kind].sort(key=_canonical)
    return out, ids


def _value(f: Field, o: Obj, ids: Mapping[str, str], stated_only: bool) -> Any:
    if stated_only and f.basis_of and (o.get(f.basis_of) or {}).get("basis") in _NOT_STATED:
        return MASKED
    return f.read(o, ids)


_NOT_STATED = ("inferred", "knowledge")


def _canonical(values: Mapping[str, Any]) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, frozenset):
            return sorted(v)
        if isinstance(v, Mapping):
            return v.get("value")
        return v

    return repr(sorted((k, plain(v)) for k, v in values.items()))


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
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "tp": round(self.tp, 6), "fp": round(self.fp, 6), "fn": round(self.fn, 6),
            "precision": round(self.precision, 6), "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
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
    return sum(field_counts(f.kind, p[f.name], g[f.name]).tp for f in FIELDS[kind])


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
    what was invented."""

    fields: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {k: {f.name: Counts() for f in fs} for k, fs in FIELDS.items()}
    )
    objects: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in FIELDS})
    records: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    invalid: list[str] = field(default_factory=list)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for fs in self.fields.values():
            for c in fs.values():
                total.add(c)
        return total

    @property
    def macro_f1(self) -> float:
        scores = [c.f1 for fs in self.fields.values() for c in fs.values() if c.tp + c.fp + c.fn]
        return sum(scores) / len(scores) if scores else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "micro": self.micro.as_dict(),
            "macro_f1": round(self.macro_f1, 6),
            "objects": {k: c.as_dict() for k, c in self.objects.items()},
            "fields": {k: {f: c.as_dict() for f, c in fs.items()} for k, fs in self.fields.items()},
            "records": self.records,
            "invalid_predictions": self.invalid,
        }


def score_records(preds: Sequence[Obj], golds: Sequence[Obj], stated_only: bool = False) -> Score:
    """Score predicted records against gold records (paired by ``article.id``). With
    ``stated_only``, gold values the text does not state (basis ``inferred`` or ``knowledge``:
    inferred years and places, countries from world knowledge) are left out of the score on both
    sides, so a cautious extractor that leaves them empty loses nothing."""
    result = Score()
    by_article = {g["article"]["id"]: g for g in golds}
    pred_by_article = {p["article"]["id"]: p for p in preds}
    empty: Obj = {"visits": [], "actors": [], "places": [], "statements": []}
    for article in sorted(by_article.keys() | pred_by_article.keys()):
        pred, gold = pred_by_article.get(article, empty), by_article.get(article, empty)
        _score_pair(pred, gold, article, result, stated_only)
    return result


def _score_pair(pred: Obj, gold: Obj, article: str, result: Score, stated_only: bool) -> None:
    pobjs, _ = objects(pred)
    gobjs, _ = objects(gold, stated_only)
    missed: list[str] = []
    invented: list[str] = []
    for kind, fields in FIELDS.items():
        ps, gs = pobjs[kind], gobjs[kind]
        pairs = align(kind, ps, gs)
        result.objects[kind].add(Counts(len(pairs), len(ps) - len(pairs), len(gs) - len(pairs)))
        matched_p, matched_g = {p for p, _ in pairs}, {g for _, g in pairs}
        for pi, gi in pairs:
            for f in fields:
                result.fields[kind][f.name].add(
                    field_counts(f.kind, ps[pi][f.name], gs[gi][f.name])
                )
        for gi, g in enumerate(gs):
            if gi not in matched_g:
                missed.append(f"{kind}: {g['_label']}")
                for f in fields:
                    result.fields[kind][f.name].add(Counts(fn=_size(g[f.name], f.kind)))
        for pi, p in enumerate(ps):
            if pi not in matched_p:
                invented.append(f"{kind}: {p['_label']}")
                for f in fields:
                    result.fields[kind][f.name].add(Counts(fp=_size(p[f.name], f.kind)))
    result.records[article] = {"missed": missed, "invented": invented}


def render_text(score: Score) -> str:
    """A readable table: object alignment, then every field, then the totals."""
    lines = [f"{'object / field':<28} {'P':>6} {'R':>6} {'F1':>6}   {'TP':>7} {'FP':>7} {'FN':>7}"]

    def row(name: str, c: Counts) -> str:
        prf = f"{c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"
        return f"{name:<28} {prf}   {c.tp:7.2f} {c.fp:7.2f} {c.fn:7.2f}"

    for kind, fs in score.fields.items():
        lines.append(row(f"{kind} (aligned)", score.objects[kind]))
        lines.extend(row(f"  {kind}.{name}", c) for name, c in fs.items())
    lines.append(row("micro (all fields)", score.micro))
    lines.append(f"{'macro F1 (mean of fields)':<28} {'':>6} {'':>6} {score.macro_f1:6.3f}")
    for article, found in score.records.items():
        for what in ("missed", "invented"):
            for item in found[what]:
                lines.append(f"{article}: {what}: {item}")
    for bad in score.invalid:
        lines.append(f"not scored (invalid): {bad}")
    return "\n".join(lines)


def _read(paths: Sequence[str], level: str, invalid: list[str] | None) -> list[Obj]:
    """Records from files, validated; invalid ones are listed in ``invalid`` (or refused)."""
    from diplomatic_visits.errors import InputError, InvalidRecordError
    from diplomatic_visits.validate import iter_documents, validate_record

    out: list[Obj] = []
    for path in paths:
        for doc in iter_documents(path):
            if isinstance(doc, InputError):
                raise doc
            issues = validate_record(doc.value, level=level)  # type: ignore[arg-type]
            if not issues:
                out.append(doc.value)
            elif invalid is not None:
                invalid.append(f"{doc.path}:{doc.line}: {issues[0]}")
            else:
                raise InvalidRecordError(str(doc.value.get("record_id")), issues)
    return out


def score_files(
    pred: Sequence[str], gold: Sequence[str] | Sequence[Obj], stated_only: bool = False
) -> Score:
    """Score predicted record files against gold record files (or gold records). Predictions
    are validated at the ``extraction`` level first: invalid ones are listed in
    :attr:`Score.invalid` and not scored."""
    invalid: list[str] = []
    preds = _read(pred, "extraction", invalid)
    paths = [g for g in gold if isinstance(g, str)]
    golds = _read(paths, "extraction", None) + [g for g in gold if not isinstance(g, str)]
    result = score_records(preds, golds, stated_only)
    result.invalid = invalid
    return result
