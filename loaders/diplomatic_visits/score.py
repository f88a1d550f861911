"""How close an extraction is to the gold records: precision, recall and F1 per field path, per
object type and per construct group, micro and macro, with the grounding of the evidence.

What is compared comes from the schema, as the rules do (:mod:`diplomatic_visits.rules`): this
module names no field. :func:`compile_plan` walks a version's schema and its ``x-dv``
declarations into a :class:`ScorePlan`; what the rules cannot say is declared as data: in the
schema, with ``x-dv`` ``score`` (a free-text policy, an ordered list, construct groups, a value
left out with its reason), or, for the versions released before that, beside it in
``schema/scoring/<version>.json`` (a version without one uses that of the nearest older
version). So a new optional field in a new version is scored with no change here. A
prediction is scored under its gold record's version (what the gold can hold is what can be
measured).

Objects. The objects aligned are those the schema declares with an id (``x-dv`` ``id``): each
list of them is a *kind* (``actors``, ``visits``, ``sub_events``...). A kind nested in another
(sub-events in a visit) is aligned within each matched pair of its parents only. Kinds are
aligned in the order of their references (a visit refers to actors: actors first), so that a
reference is compared through the alignment: a predicted ``visitors`` entry is right when the
actor it names is matched to the gold actor the gold entry names (ids are each side's own).

Alignment (CEAF style). Within a pair of records (paired by the scoring file's ``pair_by``: the
article's id), the objects of one
kind are matched one to one so that the total credit of the matched pairs is as large as it can
be (the Hungarian algorithm), ties broken the same way whatever the input order. A pair may
match only if the two share their identity: for a kind with a name (a ``text: name`` policy),
names with a token F1 of at least 0.5; otherwise any credit on a reference, a date, a verbatim
string or an evidence quote, or no such value on either side at all (so a visit whose text says
nobody's name still aligns with its copy).

Credit per value of a matched pair, by what the schema declares:

- enums, booleans, numbers, constants, and strings with a ``pattern`` or ``format`` (codes,
  QIDs, written dates): 1 when equal;
- references (``x-dv`` ``ref``): 1 when they name aligned objects; a list of them is a set
  (each shared element a true positive, each extra one a false positive, each missing one a
  false negative); other lists of values are multisets;
- partial dates (``x-dv`` ``date``), judged at the gold precision: the same day, month or year
  as gold earns 1; a coarser prediction that agrees as far as it goes earns part (against a
  day, the right month 0.5 and the right year 0.25; against a month, the right year 0.5). The
  date's other keys (weekday, written form, bounds, basis, words) are values of their own;
- EDTF dates (``x-dv`` ``edtf``, schema 2.0.0 on): the forms above as above; a qualifier
  (``?``, ``~``, ``%``) costs nothing; a season, or a date against an interval, by the overlap
  of their days (intersection over union; nothing for an unknowable side); two intervals, the
  mean of their ends' credits (an open or unknown end must match its kind); a year-less day on
  month and day (against a year-less gold, a prediction with the year that agrees earns 1; a
  prediction without the year gold gives, half of its month/day credit). ``relative`` (how
  relative words resolve) is one value, right or wrong as a whole;
- verbatim strings (``x-dv`` ``verbatim``) and quotes: token F1 of the normalised texts (SQuAD);
- other strings: the policy of the scoring file (``name``: equal after normalisation without a
  leading article; ``exact``: equal after normalisation; ``tokens``: token F1, the default), or
  left out with a reason shown in every report (``skip``);
- nested objects, field by field; lists of objects are aligned item to item like the objects
  (one to one, most credit), and where the order counts (``x-dv`` ``sequence``, or ``list:
  ordered`` in the scoring file) a field ``KEY (order)`` counts the items in the gold order
  (the longest run of matched items in the same order); a list of references declared ordered
  (2.0.0's ``relayed_by`` of a status event) counts its order the same way.

A value with credit c adds c to the true positives and 1 - c to both the false positives and
false negatives; a value on one side only is a false positive or negative; one absent on both
sides is not counted. An unmatched object's values are all missed or invented. Micro scores add
up every value's counts; macro scores average the F1 of the fields that have any. Precision
with nothing predicted, recall with nothing to find, and F1 with neither, are ``None`` (shown
as ``n/a``); F1 with one of them undefined is 0.

Grounding (beside F1, in every report; evidence spans, ``x-dv`` ``span``, are counted here and
not in F1): for the evidence of matched values with offsets on both sides, the character
overlap (intersection over union) of the two sides' spans; the evidence quotes of matched
values found on the other side (a quote of at least half the words); and, with the article
text, the share of the prediction's verbatim strings and quotes found in it (exactly, or after
normalisation), whose complement is the hallucination rate. Over two or more articles, the
report adds percentile bootstrap intervals over articles (seeded: the same every run).

``stated_only`` leaves out every gold object whose basis declaration (``x-dv`` ``basis``) says
it is not stated (one of the values its rule wants a reason for), on both sides.

Constructs (a challenge set's gold records, issue 27). The one property whose ``x-dv``
``score`` declares ``constructs`` (2.1.0: ``annotation.constructs``, itself not scored) holds
the tags of the constructs a gold record tests, from an enum; the declaration maps every tag to
the construct groups that measure it. A construct's score counts the fields of those groups (a
field in two of them once), added up over the gold records tagged with it only, beside the
micro score of every field over the same records (:meth:`Score.construct_score`).
"""

from __future__ import annotations

import json
import os
import random
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from diplomatic_visits.errors import DiplomaticVisitsError

Obj = Mapping[str, Any]

REPORT_VERSION = 1
"""The shape of :meth:`Score.as_dict` (documented in docs/score-report.md); raised whenever a
key changes meaning or goes away."""

BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 0
BOOTSTRAP_LEVEL = 0.95


# --- text ----------------------------------------------------------------------------------------


def normalise(text: str | None) -> str | None:
    """Fold case, accents, punctuation and spacing: ``Kim Jong-un`` -> ``kim jong un``."""
    return None if text is None else _normalise(text)


@lru_cache(maxsize=1 << 16)  # the alignment compares the same quotes many times
def _normalise(text: str) -> str:
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
    return (_normalise(text) if text is not None else "").split()


def token_f1(pred: str | None, gold: str | None) -> float:
    """F1 of the two texts' token multisets (SQuAD)."""
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


def _date_credit(pv: Any, gv: Any) -> float:
    if not isinstance(pv, str) or not isinstance(gv, str) or not pv or not gv:
        return 0.0
    g, p = gv.split("-"), pv.split("-")
    if p[: len(g)] == g:
        return 1.0  # as precise as gold, or finer, and agreeing
    if len(p) < len(g) and g[: len(p)] == p:
        return {(3, 2): 0.5, (3, 1): 0.25, (2, 1): 0.5}.get((len(g), len(p)), 0.0)
    return 0.0


_SEASON_MONTHS = ("21", "22", "23", "24")


def edtf_credit(pv: Any, gv: Any) -> float:
    """Credit of a predicted EDTF date value against the gold one (see the module docstring);
    the 1.x forms (``2023``, ``2023-09``, ``2023-09-17``) get what :func:`date_credit` gives."""
    if not isinstance(pv, str) or not isinstance(gv, str) or not pv or not gv:
        return 0.0
    p, g = pv.rstrip("?~%"), gv.rstrip("?~%")
    if "/" in p or "/" in g:
        if "/" in p and "/" in g:
            (ps, _, pe), (gs, _, ge) = p.partition("/"), g.partition("/")
            return (_end_credit(ps, gs) + _end_credit(pe, ge)) / 2
        return _overlap(p, g)
    if p == g:
        return 1.0
    if _season(p) or _season(g):
        return _overlap(p, g)
    if p.startswith("XXXX") or g.startswith("XXXX"):
        return _year_less_credit(p, g)
    return _date_credit(p, g)


def _season(v: str) -> bool:
    return len(v) == 7 and v[5:] in _SEASON_MONTHS


def _end_credit(p: str, g: str) -> float:
    if p in ("", "..") or g in ("", ".."):
        return 1.0 if p == g else 0.0  # open (..) or not given (''): the same kind of end
    return edtf_credit(p.rstrip("?~%"), g.rstrip("?~%"))


def _overlap(p: str, g: str) -> float:
    """The days two values share over the days either can be (0 when a side is unknowable)."""
    from diplomatic_visits.checks import date_bounds

    (pf, pl), (gf, gl) = date_bounds(p), date_bounds(g)
    if pf is None or pl is None or gf is None or gl is None:
        return 0.0
    shared = min(pl, gl) - max(pf, gf) + 1
    return shared / (max(pl, gl) - min(pf, gf) + 1) if shared > 0 else 0.0


def _year_less_credit(p: str, g: str) -> float:
    """On month and day, when either side has no year (``XXXX-08-09``)."""
    if len(p) < 7 or len(g) < 7:
        return 0.0  # a year alone against a year-less date: nothing in common
    pmd, gmd = p[5:], g[5:]
    if gmd == "XX-XX":  # gold names the day by its weekday only (scored on its own)
        credit = 1.0 if len(pmd) == 5 else 0.5  # any day agrees as far as gold goes; a month half
    elif pmd == "XX-XX":
        credit = 0.0  # a weekday alone against a month and day: nothing in common
    else:
        credit = _date_credit(pmd, gmd)  # 08-09 against 08-09: 1; 08 against 08-09: 0.5
    if p.startswith("XXXX") and not g.startswith("XXXX"):
        credit /= 2  # the year gold gives is missing
    return credit


def date_credit(pred: Obj | None, gold: Obj | None) -> float:
    """Credit of a predicted partial date against the gold one (see the module docstring)."""
    return _date_credit(pred.get("value") if pred else None, gold.get("value") if gold else None)


# --- the plan ------------------------------------------------------------------------------------

HOWS = ("eq", "ref", "date", "tokens", "exact", "name", "object", "spans", "entities")
"""How a slot is compared: the leaf comparisons, then nested objects (``object``), evidence
spans (``spans``: grounding, not F1) and lists of aligned objects (``entities``)."""


@dataclass(frozen=True)
class Slot:
    """One property of an object shape and how it is compared."""

    key: str
    how: str
    many: bool = False
    obj: Shape | None = None
    ordered: bool = False
    verbatim: bool = False
    date_value: bool = False
    """The value of the partial date its object is: scored under the object's own path."""
    edtf: bool = False
    """A date of the EDTF profile (``x-dv`` ``edtf``): credited by :func:`edtf_credit`."""
    refs: tuple[str, ...] = ()
    """The kinds a reference names (``x-dv`` ``ref``; empty: any)."""
    pointers: tuple[str, ...] = ()
    """The schema pointers this slot stands for (its property and the definition it uses):
    what construct groups are declared by."""


@dataclass(frozen=True)
class Shape:
    """An object of the schema: its kind when it has an id, its basis and span declarations."""

    pointer: str
    slots: tuple[Slot, ...]
    kind: str | None = None
    id_key: str | None = None
    basis: tuple[str, tuple[str, ...]] | None = None
    span: tuple[str, str, str] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The keys of its name slots (a ``text: name`` policy): the object's identity."""
        return tuple(s.key for s in self.slots if s.how == "name")


@dataclass(frozen=True)
class Constructs:
    """The construct declaration of a version: the property whose ``x-dv`` ``score`` holds
    ``constructs`` (a list of tags from an enum), and each tag's construct groups."""

    pointer: str
    """The schema pointer of the property."""
    path: tuple[str, ...]
    """Its keys from the record down (the tags of a record are read there)."""
    groups: Mapping[str, tuple[str, ...]]
    """Each tag of the enum, in the enum's order, and the groups that measure it."""
    meanings: Mapping[str, str]
    """Each tag's meaning: its ``- `tag`: meaning`` line in the items' description ("" if
    none)."""

    def tags_of(self, record: Any) -> tuple[str, ...]:
        """The tags a record carries, in the enum's order (none: not a challenge record)."""
        found: set[str] = set()

        def walk(node: Any, keys: tuple[str, ...]) -> None:
            if isinstance(node, list):  # a list on the way: the tags of each item
                for x in node:
                    walk(x, keys)
            elif not keys:
                if isinstance(node, str):
                    found.add(node)
            elif isinstance(node, Mapping):
                walk(node.get(keys[0]), keys[1:])

        walk(record, self.path)
        return tuple(t for t in self.groups if t in found)


@dataclass(frozen=True)
class ScorePlan:
    """What to compare in the records of one schema version."""

    version: str
    root: Shape
    order: tuple[str, ...]
    """The root's kinds in the order they are aligned (what others refer to first)."""
    leaves: Mapping[str, Mapping[str, frozenset[str]]]
    """Per kind, each scored field path and the schema pointers it stands for."""
    identity: Mapping[str, frozenset[str]]
    """Per kind without a name, the paths whose credit is identity (refs, dates, verbatim)."""
    shapes: Mapping[str, Shape]
    """Each kind's shape (a kind is named by the list that holds its objects)."""
    unscored: Mapping[str, str]
    """The schema pointers left out of the score, with the reason."""
    groups: Mapping[str, frozenset[tuple[str, str]]]
    """Each construct group's (kind, field path)s."""
    pair_by: tuple[str, ...] = ()
    """The keys of the id records are paired by (the article's)."""
    constructs: Constructs | None = None
    """Where a gold record names the constructs it tests, and which groups measure each."""

    def entity_paths(self) -> list[tuple[str, ...]]:
        """The key paths of the lists of aligned objects (a nested kind: its parent's key and
        its own)."""
        out: list[tuple[str, ...]] = []

        def walk(shape: Shape, at: tuple[str, ...]) -> None:
            for s in shape.slots:
                if s.how == "entities" and s.obj is not None:
                    out.append((*at, s.key))
                    walk(s.obj, (*at, s.key))

        walk(self.root, ())
        return out


RECORD = "record"
"""The kind name of a record's own values, when a version scores any (none shipped does)."""


class ScoringDeclarationError(DiplomaticVisitsError, ValueError):
    """A scoring declaration that names what its schema does not have, or a policy it does not
    know."""


def _pointer_exists(doc: Mapping[str, Any], pointer: str) -> bool:
    node: Any = doc
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def load_overlay(version: str) -> dict[str, Any]:
    """The scoring file of ``version``: ``schema/scoring/<version>.json``, or that of the
    nearest older version that has one (a new MINOR version keeps its predecessor's policies;
    the schema's own declarations say the rest)."""
    from diplomatic_visits._paths import schema_dir
    from diplomatic_visits.schema import version_key

    folder = schema_dir() / "scoring"
    found = sorted(
        (p for p in folder.glob("*.json") if version_key(p.stem) <= version_key(version)),
        key=lambda p: version_key(p.stem),
    )
    if not found:
        return {}
    spec: dict[str, Any] = json.loads(found[-1].read_text(encoding="utf-8"))
    return spec


@cache
def plan_for(version: str | None = None) -> ScorePlan:
    """The plan of a shipped schema version (default: the latest)."""
    from diplomatic_visits.schema import bundle_schema, latest_version

    v = version or latest_version()
    return compile_plan(bundle_schema(v, "extraction"), v)


def compile_plan(
    doc: Mapping[str, Any], version: str, overlay: Mapping[str, Any] | None = None
) -> ScorePlan:
    """Compile a bundled (self-contained) schema document, with its ``x-dv`` declarations and
    the scoring file (``overlay``, default :func:`load_overlay` of ``version``), into a plan."""
    from diplomatic_visits.rules import SCORE, declarations
    from diplomatic_visits.schema import resolve

    spec = load_overlay(version) if overlay is None else overlay
    policies: Mapping[str, Any] = spec.get("fields", {})
    reasons: Mapping[str, Any] = spec.get("reasons", {})
    for pointer, pol in policies.items():
        if not _pointer_exists(doc, pointer):
            raise ScoringDeclarationError(f"{pointer}: not in schema {version}")
        _check_policy(pointer, pol)
    defs: Mapping[str, Any] = doc.get("$defs", {})
    unscored: dict[str, str] = {}
    declared_groups: dict[str, set[str]] = {g: set(ps) for g, ps in spec.get("groups", {}).items()}

    def deref(node: Mapping[str, Any]) -> tuple[Mapping[str, Any], dict[str, Any], str | None]:
        """The node a value is (refs and null unions opened), its x-dv, and its definition."""
        found = resolve(node, defs)
        return found.schema, declarations(found.around, found.schema, found.name or "?"), found.name

    def shape_of(schema: Mapping[str, Any], decl: Mapping[str, Any], pointer: str) -> Shape:
        basis = span = None
        date: dict[str, Any] = {}
        if "basis" in decl:
            b = decl["basis"]
            basis = (str(b["key"]), tuple(b["explain"]))
        if "span" in decl:
            s = decl["span"]
            span = (str(s["start"]), str(s["end"]), str(s["quote"]))
        edtf = "edtf" in decl
        if "date" in decl or edtf:
            date = dict(decl["edtf" if edtf else "date"])
        kind = id_key = None
        slots: list[Slot] = []
        for name, sub in schema.get("properties", {}).items():
            ptr = f"{pointer}/properties/{name}"
            node, own, defname = deref(sub)
            inline = own.get(SCORE, {})  # the schema's own declaration wins
            _check_policy(ptr, inline)
            pol = {**policies.get(ptr, {}), **inline}
            for group in inline.get("groups", ()):
                declared_groups.setdefault(group, set()).add(ptr)
            pointers = (ptr, *([f"/$defs/{defname}"] if defname else []))
            if "skip" in pol:
                unscored[ptr] = str(pol["skip"])
                continue
            if "id" in own:
                kind, id_key = str(own["id"]), name
                continue  # ids are each side's own: compared through the alignment
            if basis is not None and name == decl["basis"]["reason"] and "skip" in reasons:
                unscored[f"{pointer}/properties/{name}"] = str(reasons["skip"])
                continue
            if date and name == date.get("precision"):
                continue  # the precision is the form of the value, scored with it
            if date and name == date.get("relative"):
                # how relative words resolve: part of the date, right or wrong as one value
                slots.append(Slot(name, "eq", pointers=pointers))
                continue
            many = "items" in node
            item, item_decl, item_def = node, own, defname
            if many:
                item, item_decl, item_def = deref(node["items"])
                pointers = (*pointers, *([f"/$defs/{item_def}"] if item_def else []))
            item_ptr = f"/$defs/{item_def}" if item_def else (f"{ptr}/items" if many else ptr)
            if "properties" in item:
                obj = shape_of(item, item_decl, item_ptr)
                how = "entities" if obj.kind else "spans" if obj.span else "object"
                ordered = many and ("sequence" in own or pol.get("list") == "ordered")
                slots.append(Slot(name, how, many, obj, ordered, pointers=pointers))
                continue
            verbatim = item_decl.get("verbatim") is True
            is_date = bool(date) and name in (
                date.get("value"),
                date.get("earliest"),
                date.get("latest"),
            )
            if "ref" in item_decl:
                how = "ref"
            elif is_date:
                how = "date"
            elif verbatim:
                how = "tokens"
            elif _is_free_text(item):
                how = str(pol.get("text", "tokens"))
            else:
                how = "eq"
            date_value = bool(date) and name == date.get("value")
            refs = tuple(k for k in item_decl.get("ref", ()) if k != "*")
            ordered = many and how == "ref" and pol.get("list") == "ordered"
            slots.append(
                Slot(
                    name, how, many, ordered=ordered, verbatim=verbatim, date_value=date_value,
                    edtf=edtf and how == "date", refs=refs, pointers=pointers,
                )
            )  # fmt: skip
        return Shape(pointer, tuple(slots), kind, id_key, basis, span)

    root_node, root_decl, _ = deref(doc)
    root = shape_of(root_node, root_decl, "")
    shapes: dict[str, Shape] = {}
    leaves: dict[str, dict[str, frozenset[str]]] = {}
    identity: dict[str, frozenset[str]] = {}

    def collect(shape: Shape, key: str) -> None:
        if key in shapes:
            raise ScoringDeclarationError(
                f"{shape.pointer}: two lists of objects with an id are named {key!r}"
            )
        _no_nested_kinds(shape)
        shapes[key] = shape
        found: dict[str, frozenset[str]] = {}
        ident: set[str] = set()
        _leaves(shape, "", frozenset({shape.pointer}), found, ident)
        leaves[key], identity[key] = found, frozenset(ident)
        for s in shape.slots:
            if s.how == "entities" and s.obj is not None:
                collect(s.obj, s.key)

    own = tuple(s for s in root.slots if s.how != "entities")
    if own:  # values of the record itself, beside its kinds: one pair per pair of records
        shapes[RECORD] = Shape(root.pointer, own)
        leaves[RECORD], identity[RECORD] = {}, frozenset()
        _leaves(shapes[RECORD], "", frozenset(), leaves[RECORD], set())
    for s in root.slots:
        if s.how == "entities" and s.obj is not None:
            collect(s.obj, s.key)
    groups: dict[str, set[tuple[str, str]]] = {}
    for group, wanted in declared_groups.items():
        groups[group] = {
            (kind, path)
            for kind, paths in leaves.items()
            for path, chain in paths.items()
            if chain & wanted
        }
    return ScorePlan(
        version,
        root,
        _alignment_order(root),
        leaves,
        identity,
        shapes,
        dict(sorted(unscored.items())),
        {g: frozenset(m) for g, m in groups.items()},
        tuple(spec.get("pair_by", ())),
        _constructs(doc, version, frozenset(groups)),
    )


def _constructs(doc: Mapping[str, Any], version: str, groups: frozenset[str]) -> Constructs | None:
    """The one property whose ``x-dv`` ``score`` declares ``constructs``, wherever it is (it
    may be in an object that is not scored, such as the gold record's annotation), checked:
    the property holds tags of an enum, every tag is mapped to a list of groups, and every
    group is one of the plan's."""
    from diplomatic_visits.rules import SCORE, declarations
    from diplomatic_visits.schema import resolve

    defs: Mapping[str, Any] = doc.get("$defs", {})
    found: list[tuple[str, tuple[str, ...], Mapping[str, Any], Mapping[str, Any]]] = []

    def walk(
        node: Mapping[str, Any], pointer: str, keys: tuple[str, ...], seen: frozenset[str]
    ) -> None:
        r = resolve(node, defs)
        if r.name is not None:
            if r.name in seen:
                return  # a definition inside itself: already walked on this path
            seen, pointer = seen | {r.name}, f"/$defs/{r.name}"
        schema = r.schema
        if "items" in schema and isinstance(schema["items"], Mapping):
            walk(schema["items"], f"{pointer}/items", keys, seen)
        for name, sub in schema.get("properties", {}).items():
            ptr = f"{pointer}/properties/{name}"
            found_sub = resolve(sub, defs)
            decl = declarations(found_sub.around, found_sub.schema, found_sub.name or ptr)
            pol = decl.get(SCORE, {})
            if isinstance(pol, Mapping) and "constructs" in pol:
                _check_policy(ptr, pol)
                found.append((ptr, (*keys, name), sub, pol["constructs"]))
            walk(sub, ptr, (*keys, name), seen)

    walk(doc, "", (), frozenset())
    if not found:
        return None
    if len(found) > 1:
        where = ", ".join(ptr for ptr, *_ in found)
        raise ScoringDeclarationError(
            f"schema {version}: constructs are declared on {len(found)} properties ({where}); "
            "a record's tags are read from one"
        )
    pointer, path, node, mapping = found[0]
    prop = resolve(node, defs).schema
    item = resolve(prop["items"], defs).schema if isinstance(prop.get("items"), Mapping) else prop
    enum = item.get("enum")
    if not isinstance(enum, list) or not enum or not all(isinstance(t, str) for t in enum):
        raise ScoringDeclarationError(
            f"{pointer}: declares constructs, but is not a list of tags from an enum of strings"
        )
    missing = [t for t in enum if t not in mapping]
    extra = sorted(t for t in mapping if t not in enum)
    if missing or extra:
        raise ScoringDeclarationError(
            f"{pointer}: the constructs declaration must map every tag of the enum to its "
            "groups"
            + (f"; not mapped: {', '.join(missing)}" if missing else "")
            + (f"; not in the enum: {', '.join(extra)}" if extra else "")
        )
    for tag in enum:
        named = mapping[tag]
        unknown = sorted(g for g in named if g not in groups)
        if unknown or not named:
            raise ScoringDeclarationError(
                f"{pointer}: construct {tag!r} "
                + (
                    f"names group(s) {', '.join(map(repr, unknown))} that schema {version} "
                    f"does not have (its groups: {', '.join(sorted(groups))})"
                    if unknown
                    else "names no group: nothing would measure it"
                )
            )
    meaning = dict(re.findall(r"^- `([^`]+)`: (.+)$", str(item.get("description", "")), re.M))
    return Constructs(
        pointer, path, {t: tuple(mapping[t]) for t in enum}, {t: meaning.get(t, "") for t in enum}
    )


def _no_nested_kinds(shape: Shape) -> None:
    """Objects with an id are aligned as lists of the record or of another such object: one
    inside an object without an id would not be, so it is refused rather than left out."""
    for s in shape.slots:
        if s.obj is None or s.how == "entities":
            continue
        for inner in s.obj.slots:
            if inner.how == "entities":
                raise ScoringDeclarationError(
                    f"{s.obj.pointer}/properties/{inner.key}: objects with an id inside an "
                    "object without one cannot be aligned"
                )
        _no_nested_kinds(s.obj)


def _check_policy(where: str, pol: Any) -> None:
    """A scoring declaration (in a scoring file, or ``x-dv`` ``score`` in the schema): ``skip``
    with a reason, ``text`` (``name``, ``exact``, ``tokens``), ``list: ordered``, ``groups``,
    ``constructs`` (each tag of the property's enum -> the names of the groups that measure
    it; checked against the enum and the groups by :func:`compile_plan`)."""
    known = {"skip", "text", "list", "groups", "constructs"}
    if not isinstance(pol, Mapping) or not pol.keys() <= known:
        raise ScoringDeclarationError(f"{where}: unknown scoring declaration {pol!r}")
    constructs = pol.get("constructs", {})
    if (
        ("skip" in pol and not isinstance(pol["skip"], str))
        or pol.get("text", "tokens") not in ("name", "exact", "tokens")
        or pol.get("list", "ordered") != "ordered"
        or not isinstance(pol.get("groups", []), list)
        or not isinstance(constructs, Mapping)
        or not all(
            isinstance(gs, list) and all(isinstance(g, str) for g in gs)
            for gs in constructs.values()
        )
    ):
        raise ScoringDeclarationError(f"{where}: unknown scoring declaration {pol!r}")


def _is_free_text(schema: Mapping[str, Any]) -> bool:
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    return "string" in types and not {"enum", "const", "pattern", "format"} & schema.keys()


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _slot_path(prefix: str, s: Slot) -> str:
    if s.date_value and prefix:
        return prefix
    return _join(prefix, s.key) + ("[]" if s.many and s.obj is not None else "")


def _leaves(
    shape: Shape,
    prefix: str,
    chain: frozenset[str],
    out: dict[str, frozenset[str]],
    ident: set[str],
) -> None:
    for s in shape.slots:
        if s.how in ("entities", "spans"):
            continue
        path = _slot_path(prefix, s)
        here = chain | set(s.pointers)
        if s.obj is not None:
            if s.ordered:
                out[f"{_join(prefix, s.key)} (order)"] = here
            _leaves(s.obj, path, here, out, ident)
        else:
            out[path] = here
            if s.ordered:
                out[f"{path} (order)"] = here
            if s.how in ("ref", "date") or s.verbatim:
                ident.add(path)


def _alignment_order(root: Shape) -> tuple[str, ...]:
    """The root's kinds, those referred to first (schema order among equals; a cycle is broken
    at the kind with the fewest references to kinds not yet aligned)."""
    info: list[tuple[str, set[str], set[str]]] = []
    for s in root.slots:
        if s.how == "entities" and s.obj is not None:
            refs: set[str] = set()
            owns: set[str] = set()
            _kinds_in(s.obj, refs, owns)
            info.append((s.key, refs - owns, owns))
    done: set[str] = set()
    order: list[str] = []
    while len(order) < len(info):
        left = [(len(deps - done), i) for i, (key, deps, _) in enumerate(info) if key not in order]
        _, i = min(left)
        order.append(info[i][0])
        done |= info[i][2]
    return tuple(order)


def _kinds_in(shape: Shape, refs: set[str], owns: set[str]) -> None:
    if shape.kind:
        owns.add(shape.kind)
    for s in shape.slots:
        refs.update(s.refs)
        if s.obj is not None:
            _kinds_in(s.obj, refs, owns)


# --- counting ------------------------------------------------------------------------------------


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


def _assign(w: list[list[float]]) -> list[tuple[int, int]]:
    """The pairs (row, column) of a maximum-weight assignment with a positive weight."""
    if not w or not w[0]:
        return []
    transpose = len(w) > len(w[0])
    m = [list(c) for c in zip(*w, strict=True)] if transpose else w
    rows = hungarian(m)
    pairs = [(c, r) if transpose else (r, c) for r, c in enumerate(rows) if c >= 0]
    return sorted((a, b) for a, b in pairs if w[a][b] > 0)


def _canon(value: Any) -> str:
    """A text for ``value`` that does not depend on the order of its lists: the canonical order
    of objects, so that ties in the matching are broken the same way whatever the input order."""

    def norm(v: Any) -> Any:
        if isinstance(v, Mapping):
            return sorted((str(k), norm(x)) for k, x in v.items())
        if isinstance(v, list):
            return sorted((norm(x) for x in v), key=repr)
        return v

    return repr(norm(value))


def _hashable(v: Any) -> Any:
    return v if isinstance(v, str | int | float | bool) or v is None else _canon(v)


class _Ctx:
    """What a comparison needs beyond the two objects: the alignment so far."""

    def __init__(self, stated_only: bool) -> None:
        self.stated_only = stated_only
        self.counting = True  # False while weighing pairs: alignment sees every value
        self.cp: dict[str, str] = {}  # a predicted object's id -> its gold counterpart's
        self.aligned: set[str] = set()  # the kinds aligned so far
        self.pkind: dict[str, str] = {}  # id -> kind, in the prediction
        self.gkind: dict[str, str] = {}  # id -> kind, in the gold record
        self._canon: dict[int, tuple[Any, str]] = {}

    def canon(self, o: Any) -> str:
        """:func:`_canon` of an object of the records, once per object (kept with it, so
        that its id is not reused while the cache lives)."""
        got = self._canon.get(id(o))
        if got is None:
            got = self._canon[id(o)] = (o, _canon(o))
        return got[1]


def _ids(shape: Shape, record: Any, out: dict[str, str]) -> None:
    """Every declared id in ``record`` -> its kind."""
    if not isinstance(record, Mapping):
        return
    if shape.id_key and shape.kind and isinstance(record.get(shape.id_key), str):
        out[record[shape.id_key]] = shape.kind
    for s in shape.slots:
        if s.obj is None:
            continue
        v = record.get(s.key)
        for x in v if isinstance(v, list) else [v]:
            _ids(s.obj, x, out)


def _get(o: Any, key: str) -> Any:
    return o.get(key) if isinstance(o, dict) else None  # records are parsed JSON: dicts


def _leaf(s: Slot, pv: Any, gv: Any, ctx: _Ctx) -> Counts | None:
    """The counts of one leaf value (None: absent on both sides)."""
    if s.many:
        ps = pv if isinstance(pv, list) else []
        gs = gv if isinstance(gv, list) else []
        if s.how == "ref":
            pset: set[str] = set()
            for x in ps:
                if not isinstance(x, str):
                    pset.add(f"\0{_canon(x)}")
                elif ctx.pkind.get(x, "") in ctx.aligned or x not in ctx.pkind:
                    pset.add(ctx.cp.get(x, f"\0{x}"))
            gset = {
                x if isinstance(x, str) else _canon(x)
                for x in gs
                if not isinstance(x, str)
                or ctx.gkind.get(x, "") in ctx.aligned
                or x not in ctx.gkind
            }
            if not pset and not gset:
                return None
            return Counts(len(pset & gset), len(pset - gset), len(gset - pset))
        pm = [_leaf_key(s, x) for x in ps]
        gm = [_leaf_key(s, x) for x in gs]
        if not pm and not gm:
            return None
        rest = list(gm)
        common = 0
        for x in pm:
            if x in rest:
                rest.remove(x)
                common += 1
        return Counts(common, len(pm) - common, len(gm) - common)
    if s.how == "ref":
        if isinstance(pv, str) and pv in ctx.pkind and ctx.pkind[pv] not in ctx.aligned:
            pv = None
        if isinstance(gv, str) and gv in ctx.gkind and ctx.gkind[gv] not in ctx.aligned:
            gv = None
    if pv is None and gv is None:
        return None
    if gv is None:
        return Counts(fp=1)
    if pv is None:
        return Counts(fn=1)
    c = _credit(s, pv, gv, ctx)
    return Counts(c, 1 - c, 1 - c)


def _leaf_key(s: Slot, x: Any) -> Any:
    if isinstance(x, str):
        if s.how == "name":
            return normalise_name(x)
        if s.how in ("exact", "tokens"):
            return normalise(x)
    return _hashable(x)


def _credit(s: Slot, pv: Any, gv: Any, ctx: _Ctx) -> float:
    how = s.how
    if how == "ref":
        return 1.0 if isinstance(pv, str) and ctx.cp.get(pv, f"\0{pv}") == gv else 0.0
    if how == "date":
        return edtf_credit(pv, gv) if s.edtf else _date_credit(pv, gv)
    if isinstance(pv, str) and isinstance(gv, str):
        if how == "tokens":
            return token_f1(pv, gv)
        if how == "exact":
            return 1.0 if normalise(pv) == normalise(gv) else 0.0
        if how == "name":
            return 1.0 if normalise_name(pv) == normalise_name(gv) else 0.0
    return 1.0 if _hashable(pv) == _hashable(gv) and type(pv) is type(gv) else 0.0


@dataclass
class _Found:
    """What one comparison found: counts per field path, shown values, and the evidence."""

    counts: dict[str, Counts] = field(default_factory=dict)
    pred: dict[str, Any] = field(default_factory=dict)
    gold: dict[str, Any] = field(default_factory=dict)
    iou: list[tuple[str, float]] = field(default_factory=list)
    quotes: float = 0.0  # evidence quotes shared (token F1 >= 0.5): identity
    spans: bool = False  # evidence on either side
    evidence: Counts = field(default_factory=Counts)  # evidence quotes of matched values

    def add(self, path: str, c: Counts | None) -> None:
        if c is not None:
            self.counts.setdefault(path, Counts()).add(c)

    @property
    def tp(self) -> float:
        return sum(c.tp for c in self.counts.values())


def _masked(shape: Shape, g: Any, ctx: _Ctx) -> bool:
    return (
        ctx.stated_only
        and ctx.counting
        and shape.basis is not None
        and isinstance(g, Mapping)
        and g.get(shape.basis[0]) in shape.basis[1]
    )


def _compare(shape: Shape, p: Any, g: Any, ctx: _Ctx, prefix: str, out: _Found) -> None:
    """Add the counts of two objects of one shape (either may be None) to ``out``."""
    if _masked(shape, g, ctx):
        return
    p = p if isinstance(p, dict) else None
    g = g if isinstance(g, dict) else None
    for s in shape.slots:
        if s.how == "entities":
            continue
        pv, gv = _get(p, s.key), _get(g, s.key)
        path = _slot_path(prefix, s)
        if s.how == "spans":
            _evidence(s, pv, gv, p is not None and g is not None, path, out)
            continue
        if s.obj is not None:
            if s.many:
                _compare_list(s, pv, gv, ctx, prefix, out)
            else:
                _compare(s.obj, pv, gv, ctx, path, out)
            continue
        out.add(path, _leaf(s, pv, gv, ctx))
        if s.ordered:
            out.add(f"{path} (order)", _ref_order(pv, gv, ctx))
        if pv is not None:
            out.pred.setdefault(path, []).append(pv)
        if gv is not None:
            out.gold.setdefault(path, []).append(gv)


def _compare_list(s: Slot, pv: Any, gv: Any, ctx: _Ctx, prefix: str, out: _Found) -> None:
    """Two lists of objects: aligned item to item, then compared; with the order if it counts."""
    assert s.obj is not None
    path = _slot_path(prefix, s)
    ps = [x for x in pv if isinstance(x, Mapping)] if isinstance(pv, list) else []
    gs = [x for x in gv if isinstance(x, Mapping)] if isinstance(gv, list) else []
    if not s.ordered:
        ps = sorted(ps, key=ctx.canon)
        gs = sorted(gs, key=ctx.canon)
    gs_kept = [i for i, g in enumerate(gs) if not _masked(s.obj, g, ctx)]
    w: list[list[float]] = []
    counting, ctx.counting = ctx.counting, False
    for p in ps:
        row = []
        for g in gs:
            f = _Found()
            _compare(s.obj, p, g, ctx, "", f)
            row.append(1.0 + f.tp if f.tp > 0 else 0.0)
        w.append(row)
    ctx.counting = counting
    pairs = _assign(w)
    for a, b in pairs:
        _compare(s.obj, ps[a], gs[b], ctx, path, out)
    matched_p, matched_g = {a for a, _ in pairs}, {b for _, b in pairs}
    for b, g in enumerate(gs):
        if b not in matched_g:
            _compare(s.obj, None, g, ctx, path, out)
    for a, p in enumerate(ps):
        if a not in matched_p:
            _compare(s.obj, p, None, ctx, path, out)
    if s.ordered:
        kept = set(gs_kept)
        seq = [a for a, b in sorted(pairs, key=lambda x: x[1]) if b in kept]
        run = _longest_increasing(seq)
        n_pred = len(ps) - sum(1 for a, b in pairs if b not in kept)
        if n_pred or kept:
            out.add(f"{_join(prefix, s.key)} (order)", Counts(run, n_pred - run, len(kept) - run))


def _ref_order(pv: Any, gv: Any, ctx: _Ctx) -> Counts | None:
    """The order of an ordered list of references: the longest run of the predicted items that
    name gold's items in gold's order, against every item on each side (as for objects)."""
    ps = [ctx.cp.get(x, f"\0{x}") for x in pv if isinstance(x, str)] if isinstance(pv, list) else []
    gs = [x for x in gv if isinstance(x, str)] if isinstance(gv, list) else []
    if not ps and not gs:
        return None
    where = {g: i for i, g in enumerate(gs)}
    run = _longest_increasing([where[p] for p in ps if p in where])
    return Counts(run, len(ps) - run, len(gs) - run)


def _longest_increasing(seq: list[int]) -> int:
    import bisect

    tails: list[int] = []
    for x in seq:
        i = bisect.bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)


def _spans_of(v: Any) -> list[Mapping[str, Any]]:
    items = v if isinstance(v, list) else [v]
    return [x for x in items if isinstance(x, Mapping)]


def _evidence(s: Slot, pv: Any, gv: Any, both: bool, path: str, out: _Found) -> None:
    """Evidence of two matched values: the overlap of their offsets, and of their quotes."""
    assert s.obj is not None and s.obj.span is not None
    start, end, quote = s.obj.span
    ps, gs = _spans_of(pv), _spans_of(gv)
    if ps or gs:
        out.spans = True
    if not both:
        return
    used: set[int] = set()
    for b in gs:  # one to one, in order: a gold span is found by a predicted one of its words
        for i, a in enumerate(ps):
            if i not in used and token_f1(_str(a.get(quote)), _str(b.get(quote))) >= 0.5:
                used.add(i)
                break
    out.evidence.add(Counts(len(used), len(ps) - len(used), len(gs) - len(used)))
    if used:
        out.quotes += 1.0
    if not ps or not gs:
        return

    def chars(spans: list[Mapping[str, Any]]) -> set[int] | None:
        got: set[int] = set()
        for x in spans:
            a, b = x.get(start), x.get(end)
            if not isinstance(a, int) or not isinstance(b, int):
                return None
            got.update(range(a, b))
        return got

    pc, gc = chars(ps), chars(gs)
    if pc is not None and gc is not None and (pc or gc):
        out.iou.append((path, len(pc & gc) / len(pc | gc)))


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


# --- alignment -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One step of the alignment: a predicted object matched to a gold one (both set), a gold
    object no prediction matched (``pred`` None: missed), or a predicted one no gold object
    matched (``gold`` None: invented). ``pred``/``gold`` hold the object's values by field
    path, its label (``_label``), its position in its list (``_index``) and the object itself
    (``_object``); ``counts`` what the pair adds to each field path; the paths say where the
    objects are in their records (keys and positions, from the record down)."""

    kind: str
    pred: dict[str, Any] | None
    gold: dict[str, Any] | None
    pred_path: tuple[str | int, ...] | None
    gold_path: tuple[str | int, ...] | None
    counts: dict[str, Counts] = field(default_factory=dict)
    iou: tuple[tuple[str, float], ...] = ()
    evidence: Counts = field(default_factory=Counts)
    """The evidence quotes of its matched values found on the other side (grounding)."""

    @property
    def status(self) -> str:
        """``matched``, ``missed`` (gold only) or ``invented`` (prediction only)."""
        if self.pred is not None and self.gold is not None:
            return "matched"
        return "missed" if self.pred is None else "invented"


@dataclass
class _Item:
    obj: Mapping[str, Any]
    index: int
    path: tuple[str | int, ...]


def _items(objs: Any, at: tuple[str | int, ...], key: str, ctx: _Ctx) -> list[_Item]:
    out = [
        _Item(o, i, (*at, key, i))
        for i, o in enumerate(objs if isinstance(objs, list) else [])
        if isinstance(o, dict)
    ]
    return sorted(out, key=lambda it: ctx.canon(it.obj))  # a canonical order (see _canon)


class _Aligner:
    """Aligns two records kind by kind (:class:`ScorePlan` ``order``), nested kinds within
    their matched parents, and keeps the counterparts found for references."""

    def __init__(self, plan: ScorePlan, pred: Obj, gold: Obj, stated_only: bool) -> None:
        self.plan = plan
        self.ctx = _Ctx(stated_only)
        _ids(plan.root, pred, self.ctx.pkind)
        _ids(plan.root, gold, self.ctx.gkind)
        self.matched: list[tuple[str, Shape, _Item | None, _Item | None]] = []
        self._memo: dict[tuple[int, int, int, int], float] = {}
        if RECORD in plan.shapes:
            self.matched.append(
                (RECORD, plan.shapes[RECORD], _Item(pred, 0, ()), _Item(gold, 0, ()))
            )
        slots = {s.key: s for s in plan.root.slots if s.how == "entities"}
        for key in plan.order:
            s = slots[key]
            assert s.obj is not None
            pairs = self._align(
                s.obj,
                _items(_get(pred, key), (), key, self.ctx),
                _items(_get(gold, key), (), key, self.ctx),
            )
            self._record(key, s.obj, pairs)

    def _record(
        self, key: str, shape: Shape, pairs: list[tuple[_Item | None, _Item | None]]
    ) -> None:
        """Keep the pairs of a kind, align its nested kinds within the matched ones."""
        for p, g in pairs:
            if p is not None and g is not None and shape.id_key:
                pid, gid = p.obj.get(shape.id_key), g.obj.get(shape.id_key)
                if isinstance(pid, str) and isinstance(gid, str):
                    self.ctx.cp[pid] = gid
            self.matched.append((key, shape, p, g))
        if shape.kind:
            self.ctx.aligned.add(shape.kind)
        for child in shape.slots:
            if child.how != "entities" or child.obj is None:
                continue
            found: list[tuple[_Item | None, _Item | None]] = []
            for p, g in pairs:
                ps = _items(_get(p.obj, child.key), p.path, child.key, self.ctx) if p else []
                gs = _items(_get(g.obj, child.key), g.path, child.key, self.ctx) if g else []
                found.extend(
                    self._align(child.obj, ps, gs)
                    if p and g
                    else [*((None, x) for x in gs), *((x, None) for x in ps)]
                )
            self._record(child.key, child.obj, found)

    def _align(
        self, shape: Shape, ps: list[_Item], gs: list[_Item]
    ) -> list[tuple[_Item | None, _Item | None]]:
        w = [[self._weight(shape, p.obj, g.obj) for g in gs] for p in ps]
        pairs = _assign(w)
        out: list[tuple[_Item | None, _Item | None]] = [(ps[a], gs[b]) for a, b in pairs]
        mp, mg = {a for a, _ in pairs}, {b for _, b in pairs}
        out += [(None, g) for b, g in enumerate(gs) if b not in mg]
        out += [(p, None) for a, p in enumerate(ps) if a not in mp]
        return out

    def _value(self, shape: Shape, p: Obj, g: Obj) -> tuple[float, _Found]:
        """The credit of a pair: its fields' and that of its nested kinds' best alignment."""
        f = _Found()
        counting, self.ctx.counting = self.ctx.counting, False
        _compare(shape, p, g, self.ctx, "", f)
        self.ctx.counting = counting
        total = f.tp
        for child in shape.slots:
            if child.how == "entities" and child.obj is not None:
                ps = _items(_get(p, child.key), (), child.key, self.ctx)
                gs = _items(_get(g, child.key), (), child.key, self.ctx)
                w = [[self._weight(child.obj, a.obj, b.obj) for b in gs] for a in ps]
                total += sum(w[a][b] - 1.0 for a, b in _assign(w))
        return total, f

    def _weight(self, shape: Shape, p: Obj, g: Obj) -> float:
        """1 + the credit of an eligible pair (see the module docstring), else 0."""
        # the kinds aligned only grow: their number says which references count
        key = (id(shape), id(p), id(g), len(self.ctx.aligned))
        if key not in self._memo:
            self._memo[key] = self._weigh(shape, p, g)
        return self._memo[key]

    def _weigh(self, shape: Shape, p: Obj, g: Obj) -> float:
        if shape.names:  # first: most pairs of named objects end here, cheaply
            named = [(_str(p.get(k)), _str(g.get(k))) for k in shape.names]
            if any(a or b for a, b in named) and not any(token_f1(a, b) >= 0.5 for a, b in named):
                return 0.0
        value, f = self._value(shape, p, g)
        if not shape.names:
            ident = self.plan.identity.get(_kind_key(self.plan, shape), frozenset())
            counted = [c for path, c in f.counts.items() if path in ident]
            credit = sum(c.tp for c in counted) + f.quotes
            if credit <= 0 and (f.spans or any(c.fp or c.fn for c in counted)):
                return 0.0
        same_id = shape.id_key is not None and p.get(shape.id_key) == g.get(shape.id_key)
        return 1.0 + value + (1e-6 if same_id else 0.0)  # equal ids break exact ties only

    def pairs(self) -> Iterator[Pair]:
        """Every pair, with its counts under the whole alignment."""
        for key, shape, p, g in self.matched:
            f = _Found()
            _compare(shape, p.obj if p else None, g.obj if g else None, self.ctx, "", f)
            yield Pair(
                key,
                None if p is None else _shown(shape, p, f.pred),
                None if g is None else _shown(shape, g, f.gold),
                None if p is None else p.path,
                None if g is None else g.path,
                f.counts,
                tuple(f.iou),
                f.evidence,
            )


def _kind_key(plan: ScorePlan, shape: Shape) -> str:
    for key, s in plan.shapes.items():
        if s is shape:
            return key
    return ""


def _shown(shape: Shape, item: _Item, values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "_label": _label(shape, item.obj), "_index": item.index, "_object": item.obj}


def _label(shape: Shape, o: Obj) -> str:
    """A name for an object in a report: its name, else its first free text, else its id."""
    for s in shape.slots:
        if s.how == "name" and isinstance(o.get(s.key), str):
            return str(o[s.key])
    for k, v in o.items():
        if isinstance(v, str) and " " in v and k != shape.id_key:
            return v
    return str(o.get(shape.id_key or "", "?"))


def _version_of(record: Any) -> str | None:
    from diplomatic_visits.schema import declared_version

    return declared_version(record)


def article_id(record: Any) -> str | None:
    """The id records are paired by (the scoring file's ``pair_by`` path), None if absent."""
    node = record
    for key in plan_of(record).pair_by:
        node = _get(node, key)
    return node if isinstance(node, str) else None


def plan_of(*records: Any) -> ScorePlan:
    """The plan to score records by: that of the newest shipped version among them (a MINOR
    version adds to the older ones, so it holds every field of both)."""
    from diplomatic_visits.schema import available_versions

    shipped = available_versions()
    found = [v for r in records if (v := _version_of(r)) in shipped]

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split("."))

    return plan_for(max(found, key=key) if found else None)


def plan_for_pair(pred: Any, gold: Any) -> ScorePlan:
    """The plan a prediction is scored against its gold record by: that of the gold record's
    version (what the gold can hold is what can be measured: a prediction's field its gold's
    version lacks is not counted, and one the gold's version adds is missed when left out),
    else the prediction's."""
    from diplomatic_visits.schema import available_versions

    for r in (gold, pred):
        if _version_of(r) in available_versions():
            return plan_of(r)
    return plan_for()


def iter_pairs(
    pred: Obj, gold: Obj, stated_only: bool = False, plan: ScorePlan | None = None
) -> Iterator[Pair]:
    """The alignment of one predicted record with its gold record, as the score counts it:
    kind by kind (in the order they are aligned), the pairs of each."""
    plan = plan or plan_for_pair(pred, gold)
    yield from _Aligner(plan, pred, gold, stated_only).pairs()


# --- grounding of the prediction's words ----------------------------------------------------------


def iter_quotes(plan: ScorePlan, record: Any) -> Iterator[str]:
    """The prediction's words that claim to be the article's: its verbatim strings and the
    quotes of its evidence spans (in what is scored)."""

    def walk(shape: Shape, o: Any) -> Iterator[str]:
        if not isinstance(o, Mapping):
            return
        if shape.span is not None and isinstance(o.get(shape.span[2]), str):
            yield o[shape.span[2]]
        for s in shape.slots:
            v = o.get(s.key)
            values = v if isinstance(v, list) else [v]
            if s.obj is not None:
                for x in values:
                    yield from walk(s.obj, x)
            elif s.verbatim:
                yield from (x for x in values if isinstance(x, str))

    yield from walk(plan.root, record)


def quote_status(quote: str, text: str, folded: str | None = None) -> str:
    """Where a quote is in the text, as LangExtract says it: ``exact`` (as it stands),
    ``fuzzy`` (after folding case, accents, punctuation and spacing) or ``not_found``."""
    if quote in text:
        return "exact"
    n = normalise(quote)
    if n and n in (folded if folded is not None else normalise(text) or ""):
        return "fuzzy"
    return "not_found"


# --- the result ----------------------------------------------------------------------------------


@dataclass
class ArticleScore:
    """What one pair of records adds up to."""

    fields: dict[str, dict[str, Counts]] = field(default_factory=dict)
    objects: dict[str, Counts] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    iou: list[tuple[str, str, float]] = field(default_factory=list)  # (kind, path, IoU)
    evidence: Counts = field(default_factory=Counts)  # evidence quotes of matched values
    quotes: dict[str, int] | None = None  # by quote_status; None: no text
    constructs: tuple[str, ...] = ()  # the construct tags of the gold record

    def micro(self) -> Counts:
        return _micro(self.fields)


def _micro(fields: Mapping[str, Mapping[str, Counts]]) -> Counts:
    """Every field's counts added up (micro-averaging)."""
    total = Counts()
    for fs in fields.values():
        for c in fs.values():
            total.add(c)
    return total


def _f1s(fields: Mapping[str, Mapping[str, Counts]]) -> list[float]:
    return [f1 for fs in fields.values() for c in fs.values() if (f1 := c.f1) is not None]


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


@dataclass(frozen=True)
class ConstructScore:
    """One construct's score (:meth:`Score.construct_score`)."""

    tag: str
    groups: tuple[str, ...]
    """The construct groups that measure it (the schema's declaration)."""
    articles: list[str]
    """The gold records tagged with it (their article ids, sorted): ``n`` is their number."""
    counts: Counts
    """The micro counts of its groups' fields over those records."""
    all_fields: Counts
    """The micro counts of every field over the same records."""

    @property
    def n(self) -> int:
        return len(self.articles)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            **self.counts.as_dict(),
            "all_fields": self.all_fields.as_dict(),
            "groups": list(self.groups),
            "articles": self.articles,
        }


class NoConstructTagsError(DiplomaticVisitsError, ValueError):
    """A score by construct asked of gold records that carry no construct tags."""

    def __init__(self, score: Score) -> None:
        self.records = len(score.articles)
        where = (
            f"at {score.constructs_at}"
            if score.constructs_at
            else "(their schema versions, "
            + ", ".join(score.versions)
            + ", declare no construct tags)"
        )
        super().__init__(
            f"no construct to score by: none of the {self.records} gold records carries "
            f"construct tags {where}; score against a challenge set (--bundled challenge, "
            "or gold records with tags)"
        )


@dataclass
class Score:
    """Counts per object type and field path, object-level counts, per article what was missed
    and invented, the grounding, and the predictions not scored (``invalid``, ``duplicates``).
    :meth:`as_dict` is the JSON report (``report_version`` :data:`REPORT_VERSION`)."""

    fields: dict[str, dict[str, Counts]] = field(default_factory=dict)
    objects: dict[str, Counts] = field(default_factory=dict)
    articles: dict[str, ArticleScore] = field(default_factory=dict)
    records: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    invalid: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    """Gold articles left out because their prediction was not scored."""
    unpredicted: list[str] = field(default_factory=list)
    """Gold articles no prediction is given for: every gold value of theirs counts as missed."""
    predictions: int = 0
    versions: list[str] = field(default_factory=list)
    groups: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    unscored: dict[str, str] = field(default_factory=dict)
    stated_only: bool = False
    constructs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each construct tag the gold records' schema declares (in its enum's order), and the
    construct groups that measure it."""
    constructs_at: str | None = None
    """The dotted key path gold records carry their construct tags at (None: no version of
    theirs declares one)."""

    @property
    def micro(self) -> Counts:
        return _micro(self.fields)

    @property
    def tagged(self) -> int:
        """How many gold records carry construct tags (a challenge set: all of them)."""
        return sum(1 for a in self.articles.values() if a.constructs)

    def construct_score(self, tag: str) -> ConstructScore:
        """The score of one construct: over the gold records tagged with it only, the micro
        counts of the fields of its construct groups (a field in two of them counted once),
        and of every field."""
        fields = sorted({kp for g in self.constructs.get(tag, ()) for kp in self.groups.get(g, ())})
        ids = sorted(aid for aid, a in self.articles.items() if tag in a.constructs)
        counts, every = Counts(), Counts()
        for aid in ids:
            a = self.articles[aid]
            for kind, path in fields:
                c = a.fields.get(kind, {}).get(path)
                if c is not None:
                    counts.add(c)
            every.add(a.micro())
        return ConstructScore(tag, self.constructs.get(tag, ()), ids, counts, every)

    def by_construct(self) -> dict[str, ConstructScore]:
        """Every declared construct's score (in the enum's order); empty when no gold record
        carries a tag (an ordinary gold set)."""
        if not self.tagged:
            return {}
        return {tag: self.construct_score(tag) for tag in self.constructs}

    @property
    def macro_f1(self) -> float | None:
        return _mean(_f1s(self.fields))

    def type_counts(self, kind: str) -> Counts:
        """The micro counts of one object type's fields."""
        total = Counts()
        for c in self.fields.get(kind, {}).values():
            total.add(c)
        return total

    def group_counts(self, group: str) -> tuple[Counts, float | None]:
        """The micro counts and macro F1 of one construct group's fields."""
        total = Counts()
        f1s = []
        for kind, path in sorted(self.groups.get(group, ())):
            c = self.fields.get(kind, {}).get(path)
            if c is None:
                continue
            total.add(c)
            if c.f1 is not None:
                f1s.append(c.f1)
        return total, _mean(f1s)

    def grounding(self, articles: Sequence[ArticleScore] | None = None) -> dict[str, Any]:
        """Evidence overlap (mean IoU over matched values with offsets on both sides) and the
        share of the prediction's quotes found in the text (None without a text)."""
        arts = list(self.articles.values()) if articles is None else articles
        ious = [x for a in arts for _, _, x in a.iou]
        quotes = [a.quotes for a in arts if a.quotes is not None]
        q: dict[str, Any] | None = None
        if quotes:
            q = {s: sum(x[s] for x in quotes) for s in ("exact", "fuzzy", "not_found")}
            total = sum(q.values())
            q["checked"] = total
            q["found_rate"] = round((q["exact"] + q["fuzzy"]) / total, 6) if total else None
            q["hallucination_rate"] = round(q["not_found"] / total, 6) if total else None
            q["articles_with_text"] = len(quotes)
        mean = _mean(ious)
        evidence = Counts()
        for a in arts:
            evidence.add(a.evidence)
        return {
            "evidence_iou": {"mean": None if mean is None else round(mean, 6), "values": len(ious)},
            "evidence_quotes": evidence.as_dict(),
            "quotes": q,
        }

    def _iou_by_field(self) -> dict[str, dict[str, Any]]:
        """The evidence overlap per evidence list (``type.path``), in path order."""
        by: dict[str, list[float]] = {}
        for a in self.articles.values():
            for kind, path, x in a.iou:
                by.setdefault(f"{kind}.{path}", []).append(x)
        return {
            k: {"mean": round(sum(v) / len(v), 6), "values": len(v)} for k, v in sorted(by.items())
        }

    def intervals(
        self,
        samples: int = BOOTSTRAP_SAMPLES,
        seed: int = BOOTSTRAP_SEED,
        level: float = BOOTSTRAP_LEVEL,
    ) -> dict[str, Any] | None:
        """Percentile bootstrap intervals over articles (resampled with replacement, seeded:
        the same input gives the same intervals); None with fewer than two articles."""
        arts = [self.articles[k] for k in sorted(self.articles)]
        if len(arts) < 2:
            return None
        keys = sorted({(k, p) for a in arts for k, fs in a.fields.items() for p in fs})
        vecs = [
            [
                (c.tp, c.fp, c.fn)
                if (c := a.fields.get(k, {}).get(p)) is not None
                else (0.0, 0.0, 0.0)
                for k, p in keys
            ]
            for a in arts
        ]
        rng = random.Random(seed)
        stats: dict[str, list[float]] = {"micro_f1": [], "macro_f1": [], "evidence_iou": [],
                                         "hallucination_rate": []}  # fmt: skip
        parts = {
            **{f"group {g}": [j for j, kp in enumerate(keys) if kp in m]
               for g, m in sorted(self.groups.items())},
            **{f"type {t}": [j for j, (k, _) in enumerate(keys) if k == t]
               for t in sorted({k for k, _ in keys})},
        }  # fmt: skip
        part_stats: dict[str, list[float]] = {name: [] for name in parts}
        for _ in range(samples):
            pick = [rng.randrange(len(arts)) for _ in arts]
            sums = [[0.0, 0.0, 0.0] for _ in keys]
            for i in pick:
                for j, (tp, fp, fn) in enumerate(vecs[i]):
                    s = sums[j]
                    s[0] += tp
                    s[1] += fp
                    s[2] += fn
            cs = [Counts(*s) for s in sums]
            micro = Counts()
            for c in cs:
                micro.add(c)
            if micro.f1 is not None:
                stats["micro_f1"].append(micro.f1)
            macro = _mean([f for c in cs if (f := c.f1) is not None])
            if macro is not None:
                stats["macro_f1"].append(macro)
            for name, idx in parts.items():
                part = Counts()
                for j in idx:
                    part.add(cs[j])
                if part.f1 is not None:
                    part_stats[name].append(part.f1)
            g = self.grounding([arts[i] for i in pick])
            if g["evidence_iou"]["mean"] is not None:
                stats["evidence_iou"].append(g["evidence_iou"]["mean"])
            if g["quotes"] is not None and g["quotes"]["hallucination_rate"] is not None:
                stats["hallucination_rate"].append(g["quotes"]["hallucination_rate"])

        def interval(xs: list[float]) -> list[float] | None:
            if not xs:
                return None
            xs = sorted(xs)
            lo = xs[int((1 - level) / 2 * (len(xs) - 1))]
            hi = xs[int((1 + level) / 2 * (len(xs) - 1))]
            return [round(lo, 6), round(hi, 6)]

        return {
            "method": "percentile bootstrap over articles",
            "samples": samples,
            "seed": seed,
            "level": level,
            **{k: interval(v) for k, v in stats.items()},
            "groups_micro_f1": {
                n.split(" ", 1)[1]: interval(v) for n, v in part_stats.items() if n[0] == "g"
            },
            "types_micro_f1": {
                n.split(" ", 1)[1]: interval(v) for n, v in part_stats.items() if n[0] == "t"
            },
        }

    def as_text(self, by: str | None = None) -> str:
        """The text report (:func:`render_text`): what ``score`` prints (``by="construct"``:
        what ``score --by construct`` prints)."""
        return render_text(self, by)

    def as_dict(self) -> dict[str, Any]:
        """The JSON report (its shape: docs/score-report.md)."""

        def macro(xs: list[float]) -> float | None:
            m = _mean(xs)
            return None if m is None else round(m, 6)

        types = {}
        for kind, fs in self.fields.items():
            types[kind] = {
                **self.type_counts(kind).as_dict(),
                "macro_f1": macro([f for c in fs.values() if (f := c.f1) is not None]),
                "aligned": self.objects[kind].as_dict(),
            }
        groups = {}
        for g in sorted(self.groups):
            c, m = self.group_counts(g)
            groups[g] = {
                **c.as_dict(),
                "macro_f1": None if m is None else round(m, 6),
                "fields": sorted(f"{k}.{p}" for k, p in self.groups[g]),
            }
        articles = []
        for aid in sorted(self.articles):
            a = self.articles[aid]
            articles.append(
                {
                    "id": aid,
                    "micro": a.micro().as_dict(),
                    "macro_f1": macro(_f1s(a.fields)),
                    "objects": {k: c.as_dict() for k, c in a.objects.items()},
                    "grounding": self.grounding([a]),
                    "missed": a.missed,
                    "invented": a.invented,
                }
            )
        return {
            "report_version": REPORT_VERSION,
            "schema_versions": self.versions,
            "stated_only": self.stated_only,
            "micro": self.micro.as_dict(),
            "macro_f1": macro(_f1s(self.fields)),
            "objects": {k: c.as_dict() for k, c in self.objects.items()},
            "types": types,
            "groups": groups,
            "constructs": {t: c.as_dict() for t, c in self.by_construct().items()},
            "fields": {k: {f: c.as_dict() for f, c in fs.items()} for k, fs in self.fields.items()},
            "grounding": {**self.grounding(), "evidence_iou_by_field": self._iou_by_field()},
            "articles": articles,
            "intervals": self.intervals(),
            "unscored": self.unscored,
            "records": self.records,
            "predictions": self.predictions,
            "invalid_predictions": self.invalid,
            "duplicate_predictions": self.duplicates,
            "partly_scored": self.partial,
            "left_out_articles": self.left_out,
            "unpredicted_articles": self.unpredicted,
        }


def _check_record_lists(**lists: Any) -> None:
    """A TypeError that says what to pass when an argument is not a list of records (one record
    alone, a dict, is the usual slip: it would be read as a list of its keys)."""
    for name, value in lists.items():
        if isinstance(value, Mapping):
            raise TypeError(f"{name}: a list of records, not one record (a dict): pass [record]")
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise TypeError(
                f"{name}: a list of records (dicts), not {type(value).__name__}; to score "
                "files, use score_files"
            )
        for item in value:
            if not isinstance(item, Mapping):
                raise TypeError(
                    f"{name}: each item is a record (a dict), not {type(item).__name__}"
                )


def score_records(
    preds: Sequence[Obj],
    golds: Sequence[Obj],
    stated_only: bool = False,
    labels: Sequence[str] | None = None,
    texts: Mapping[str, str] | None = None,
    plan: ScorePlan | None = None,
) -> Score:
    """Score predicted records against gold records (paired by ``article.id``).

    ``stated_only``: gold values whose basis says the text does not state them are left out on
    both sides. A second prediction for an article is listed in :attr:`Score.duplicates` (by
    its ``labels`` entry, such as its file and line) and not scored. ``texts`` (article id ->
    article text) lets the grounding check the prediction's quotes. ``plan``: score by this
    plan (:func:`compile_plan`) instead of the shipped version's the records declare."""
    _check_record_lists(preds=preds, golds=golds)
    result = Score(predictions=len(preds), stated_only=stated_only)
    by_article = {str(article_id(g)): g for g in golds}
    pred_by_article: dict[str, Obj] = {}
    for i, p in enumerate(preds):
        aid = str(article_id(p))
        if aid in pred_by_article:
            where = labels[i] if labels is not None else f"prediction {i + 1}"
            result.duplicates.append(f"{where}: a second prediction for article {aid!r}")
        else:
            pred_by_article[aid] = p
    empty: Obj = {}
    plans: dict[str, ScorePlan] = {}
    for article in sorted(by_article.keys() | pred_by_article.keys()):
        pred, gold = pred_by_article.get(article, empty), by_article.get(article, empty)
        use = plan or plan_for_pair(pred, gold)
        plans[use.version] = use
        text = texts.get(article) if texts is not None else None
        result.articles[article] = a = _score_pair(use, pred, gold, stated_only, text)
        if use.constructs is not None:
            a.constructs = use.constructs.tags_of(gold)
    result.unpredicted = sorted(a for a in by_article if a not in pred_by_article)
    _total(result, plans)
    return result


def _score_pair(
    plan: ScorePlan, pred: Obj, gold: Obj, stated_only: bool, text: str | None
) -> ArticleScore:
    a = ArticleScore(
        fields={k: {p: Counts() for p in ps} for k, ps in plan.leaves.items()},
        objects={k: Counts() for k in plan.leaves},
    )
    for pair in iter_pairs(pred, gold, stated_only, plan):
        kind = pair.kind
        a.objects[kind].add(
            Counts(tp=1) if pair.status == "matched"
            else Counts(fn=1) if pair.status == "missed" else Counts(fp=1)
        )  # fmt: skip
        for path, c in pair.counts.items():
            a.fields[kind].setdefault(path, Counts()).add(c)
        a.iou.extend((kind, path, x) for path, x in pair.iou)
        a.evidence.add(pair.evidence)
        if pair.status == "missed" and pair.gold is not None:
            a.missed.append(f"{kind}: {pair.gold['_label']}")
        elif pair.status == "invented" and pair.pred is not None:
            a.invented.append(f"{kind}: {pair.pred['_label']}")
    if text is not None and pred:
        folded = normalise(text) or ""
        a.quotes = {"exact": 0, "fuzzy": 0, "not_found": 0}
        for q in iter_quotes(plan, pred):
            a.quotes[quote_status(q, text, folded)] += 1
    return a


def _total(result: Score, plans: Mapping[str, ScorePlan]) -> None:
    """Add the articles up into the score's fields, objects, records and groups."""

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split(".") if x.isdigit())

    result.versions = sorted(plans, key=key)
    for v in result.versions:  # the newest last: its groups and policies are the report's
        p = plans[v]
        for kind, paths in p.leaves.items():
            result.objects.setdefault(kind, Counts())
            fs = result.fields.setdefault(kind, {})
            for path in paths:
                fs.setdefault(path, Counts())
        for g, members in p.groups.items():
            result.groups[g] = result.groups.get(g, frozenset()) | members
        result.unscored.update(p.unscored)
        if p.constructs is not None:  # the newest version's vocabulary first, in its order
            older = {t: g for t, g in result.constructs.items() if t not in p.constructs.groups}
            result.constructs = {**p.constructs.groups, **older}
            result.constructs_at = ".".join(p.constructs.path)
    for aid, a in result.articles.items():
        for kind, fs in a.fields.items():
            for path, c in fs.items():
                result.fields.setdefault(kind, {}).setdefault(path, Counts()).add(c)
        for kind, c in a.objects.items():
            result.objects.setdefault(kind, Counts()).add(c)
        result.records[aid] = {"missed": a.missed, "invented": a.invented}


# --- the text report -----------------------------------------------------------------------------


def _num(x: float | None) -> str:
    return "   n/a" if x is None else f"{x:6.3f}"


def _row(name: str, c: Counts, width: int = 40) -> str:
    prf = f"{_num(c.precision)} {_num(c.recall)} {_num(c.f1)}"
    return f"{name:<{width}} {prf}   {c.tp:7.2f} {c.fp:7.2f} {c.fn:7.2f}"


BY = ("construct",)
"""The breakdowns a report can be given by (``score --by``)."""


def render_text(score: Score, by: str | None = None) -> str:
    """What was not scored first, then readable tables: per object type its alignment and every
    field path, per construct group, per construct (when the gold records carry construct
    tags), the totals, the grounding, per article (with intervals over articles when there are
    two or more), and per article what was missed and invented.

    ``by="construct"``: the table per construct alone, with the totals (raises
    :class:`NoConstructTagsError` when no gold record carries a tag)."""
    if by is not None and by not in BY:
        raise ValueError(f"by: one of {', '.join(BY)}, not {by!r}")
    if by == "construct" and not score.tagged:
        raise NoConstructTagsError(score)
    lines = _not_scored_head(score)
    head = f"{'P':>6} {'R':>6} {'F1':>6}   {'TP':>7} {'FP':>7} {'FN':>7}"
    if by == "construct":
        lines += _construct_lines(score, head)
        lines.append(_row("micro (all fields, all records)", score.micro))
        return "\n".join(lines + _not_scored_tail(score))
    lines.append(f"{'object / field':<40} {head}")
    empty = 0
    for kind, fs in score.fields.items():
        lines.append(_row(f"{kind} (aligned)", score.objects.get(kind, Counts())))
        for name, c in fs.items():
            if c.tp or c.fp or c.fn:
                lines.append(_row(f"  {kind}.{name}", c))
            else:
                empty += 1
        lines.append(_row(f"  {kind} (all fields)", score.type_counts(kind)))
    if empty:
        lines.append(
            f"({empty} fields held by neither side are not shown; --format json lists all)"
        )
    if score.groups:
        lines.append(f"{'construct group':<40} {head}   macro F1")
        for g in sorted(score.groups):
            c, m = score.group_counts(g)
            lines.append(_row(f"  {g}", c) + f"   {_num(m)}")
    if score.tagged:
        lines += _construct_lines(score, head)
    lines += _totals(score, head)
    return "\n".join(lines + _not_scored_tail(score))


def _not_scored_head(score: Score) -> list[str]:
    """The lines that say first what was not scored, or scored only in part."""
    lines: list[str] = []
    skipped = len(score.invalid) + len(score.duplicates)
    if skipped:
        total = score.predictions + len(score.invalid)
        lines.append(
            f"NOT SCORED: {skipped} of {total} predictions ({len(score.invalid)} invalid, "
            f"{len(score.duplicates)} second predictions for an article); the scores below "
            "count the others only"
            + (
                f" (the gold records of the {len(score.left_out)} article(s) whose prediction "
                "is not scored are left out too)"
                if score.left_out
                else ""
            )
            + ". Listed at the end; --partial scores the valid parts of invalid ones."
        )
    if score.partial:
        lines.append(
            f"PARTLY SCORED: {len(score.partial)} invalid predictions, without their objects "
            "with problems (listed at the end)."
        )
    return lines


def _not_scored_tail(score: Score) -> list[str]:
    """The predictions not scored, or scored in part, and the gold records left out."""
    lines = [f"not scored (invalid): {bad}" for bad in score.invalid]
    lines += [f"not scored (second prediction): {dup}" for dup in score.duplicates]
    lines += [f"partly scored: {part}" for part in score.partial]
    lines += [
        f"left out: the gold record of article {aid!r} (its prediction is not scored)"
        for aid in score.left_out
    ]
    lines += [
        f"no prediction: the gold record of article {aid!r} (every value of it counts as missed)"
        for aid in score.unpredicted
    ]
    return lines


def _construct_lines(score: Score, head: str) -> list[str]:
    """The table per construct, in the schema's order: each tag some gold record tests (with
    their number), the P/R/F1 and counts of its groups' fields over those records, the micro
    F1 of every field over the same records, and its groups."""
    lines = [f"{'construct (gold records)':<40} {head}   all F1   groups"]
    absent = []
    for tag, c in score.by_construct().items():
        if not c.n:
            absent.append(tag)
            continue
        groups = ", ".join(c.groups)
        lines.append(_row(f"  {tag} ({c.n})", c.counts) + f"   {_num(c.all_fields.f1)}   {groups}")
    if absent:
        lines.append(f"(no gold record tests {', '.join(absent)})")
    return lines


def _totals(score: Score, head: str) -> list[str]:
    """The totals, the grounding, per article, and what was missed and invented."""
    lines = [_row("micro (all fields)", score.micro)]
    lines.append(f"{'macro F1 (mean of fields)':<40} {'':>6} {'':>6} {_num(score.macro_f1)}")
    grounding = score.grounding()
    iou = grounding["evidence_iou"]
    lines.append(
        f"grounding: evidence overlap (IoU) {_num(iou['mean']).strip()} over {iou['values']} "
        "matched values with offsets on both sides"
    )
    ev = grounding["evidence_quotes"]
    lines.append(
        f"grounding: evidence quotes of matched values: P {_num(ev['precision']).strip()} "
        f"R {_num(ev['recall']).strip()} F1 {_num(ev['f1']).strip()} ({ev['tp']:g} found on "
        f"both sides, {ev['fp']:g} predicted only, {ev['fn']:g} gold only)"
    )
    q = grounding["quotes"]
    if q is None:
        lines.append(
            "grounding: the prediction's quotes were not looked up (no article text: --source)"
        )
    else:
        lines.append(
            f"grounding: {q['checked']} quotes and verbatim values of the prediction: "
            f"{q['exact']} in the text, {q['fuzzy']} after normalising, {q['not_found']} not "
            f"found (hallucination rate {_num(q['hallucination_rate']).strip()})"
        )
    if len(score.articles) > 1:
        lines.append(f"{'per article':<40} {head}   macro F1")
        for aid in sorted(score.articles):
            a = score.articles[aid]
            lines.append(_row(f"  {aid}", a.micro()) + f"   {_num(_mean(_f1s(a.fields)))}")
        ci = score.intervals()
        if ci is not None:
            lines.append(
                f"{ci['level']:.0%} intervals ({ci['method']}, {ci['samples']} samples, seed "
                f"{ci['seed']}): "
                + "; ".join(
                    f"{k} {v[0]:.3f}-{v[1]:.3f}"
                    for k in ("micro_f1", "macro_f1", "evidence_iou", "hallucination_rate")
                    if (v := ci[k]) is not None
                )
            )
    for article, found in score.records.items():
        for what in ("missed", "invented"):
            for item in found[what]:
                lines.append(f"{article}: {what}: {item}")
    return lines


# --- reading predictions -------------------------------------------------------------------------


def valid_parts(record: Obj, issues: Sequence[Any]) -> dict[str, Any] | None:
    """``record`` without each aligned object (one the schema declares with an id) that an
    issue is in; None when an issue lies outside every such object (the record as a whole is
    wrong)."""
    import copy

    paths = plan_of(record).entity_paths()
    drop: set[tuple[str | int, ...]] = set()
    for issue in issues:
        if issue.keyword == "source-match":
            continue  # the whole record's quotes went unchecked: nothing to leave out
        at = _object_at(tuple(issue.path), paths)
        if at is None:
            return None
        drop.add(at)
    out = copy.deepcopy(dict(record))

    def prune(o: Any, at: tuple[str | int, ...], keys: tuple[str, ...]) -> bool:
        for p in paths:
            if len(p) != len(keys) + 1 or p[: len(keys)] != keys:
                continue
            items = o.get(p[-1]) if isinstance(o, dict) else None
            if items is None and p[-1] not in o:
                continue
            if not isinstance(items, list):
                return False
            kept = []
            for i, item in enumerate(items):
                if (*at, p[-1], i) in drop:
                    continue
                if not isinstance(item, dict) or not prune(item, (*at, p[-1], i), p):
                    return False
                kept.append(item)
            o[p[-1]] = kept
        return True

    return out if prune(out, (), ()) else None


def _object_at(
    path: tuple[str | int, ...], paths: Sequence[tuple[str, ...]]
) -> tuple[str | int, ...] | None:
    """The path of the innermost aligned object ``path`` lies in (None: in none)."""
    best = None
    for keys in paths:
        at: list[str | int] = []
        rest = list(path)
        ok = True
        for k in keys:
            if len(rest) < 2 or rest[0] != k or not isinstance(rest[1], int):
                ok = False
                break
            at += rest[:2]
            rest = rest[2:]
        if ok and (best is None or len(at) > len(best)):
            best = tuple(at)
    return best


def score_ready(record: Obj) -> bool:
    """Whether a record is well formed enough to score: an article id, and its aligned objects
    in lists of objects."""
    if not isinstance(record, Mapping):
        return False
    if article_id(record) is None:
        return False
    try:
        plan = plan_of(record)
    except Exception:  # an unknown version is no reason to crash: the latest version's plan
        plan = plan_for()

    def ok(o: Mapping[str, Any], shape: Shape) -> bool:
        for s in shape.slots:
            if s.how != "entities" or s.obj is None or s.key not in o:
                continue
            items = o[s.key]
            if not isinstance(items, list) or not all(isinstance(x, Mapping) for x in items):
                return False
            if not all(ok(x, s.obj) for x in items):
                return False
        return True

    return ok(record, plan.root)


def _read_predictions(
    paths: Sequence[str], sources: Any, partial: bool, notes: dict[str, list[str]]
) -> tuple[list[Obj], list[str], set[str]]:
    """Predictions from files, validated (with their texts); the invalid ones are listed, or
    with ``partial`` kept without their objects with problems. Also the article ids of the
    predictions not scored."""
    from diplomatic_visits.chunkwork import Settings
    from diplomatic_visits.reader import raise_unreadable, read_records

    out: list[Obj] = []
    labels: list[str] = []
    dropped: set[str] = set()
    for result in raise_unreadable(read_records(paths, Settings(sources=sources))):
        if result.valid:
            out.append(result.value)
            labels.append(result.at)
            continue
        n = len(result.issues)
        found = f"{n} issue{'s' if n != 1 else ''}" + (", the first" if n > 1 else "")
        first = f"{result.where(0)}: {found}: {result.issues[0]}"
        parts = valid_parts(result.value, result.issues) if partial else None
        if parts is not None and score_ready(parts):
            out.append(parts)
            labels.append(result.at)
            notes["partial"].append(first)
        else:
            notes["invalid"].append(first + " (`validate` lists them all)" if n > 1 else first)
            aid = article_id(result.value)
            if isinstance(aid, str):
                dropped.add(aid)
    return out, labels, dropped


def _read_gold(gold: Sequence[str | Obj]) -> list[Obj]:
    from diplomatic_visits.errors import InvalidRecordError
    from diplomatic_visits.reader import raise_unreadable, read_records

    out = [g for g in gold if not isinstance(g, str)]
    for result in raise_unreadable(read_records([g for g in gold if isinstance(g, str)])):
        if not result.valid:
            raise InvalidRecordError(result.record_id, result.issues)
        out.append(result.value)
    return out


def _texts(golds: Sequence[Obj], preds: Sequence[Obj], sources: Any) -> dict[str, str]:
    """The article texts: among ``sources`` (as ``validate --source`` finds them), else the
    text of the bundled record (of any bundled set) of the same id."""
    from diplomatic_visits.records import bundled_records, load_source_text

    out: dict[str, str] = {}
    for r in [*golds, *preds]:
        aid = article_id(r)
        if not isinstance(aid, str) or aid in out:
            continue
        if sources is not None:
            found = sources.find(r)
            if found is not None:
                out[aid] = found.text
    if all(article_id(r) in out for r in golds):
        return out
    bundled = {article_id(r): r for r in bundled_records(verify=False)}
    for r in golds:
        aid = article_id(r)
        if aid is not None and aid not in out and aid in bundled:
            out[aid] = load_source_text(bundled[aid])
    return out


def score_files(
    pred: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    gold: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | Sequence[Obj],
    stated_only: bool = False,
    sources: Any = None,
    partial: bool = False,
) -> Score:
    """Score predicted record files against gold record files (or gold records). Predictions
    are validated at the ``extraction`` level first, against their ``sources`` texts when
    given: invalid ones are listed in :attr:`Score.invalid` and not scored, and the gold
    records of their articles are left out too (:attr:`Score.left_out`), so that the scores
    count the other articles only; with ``partial``, they are scored without their objects with
    problems, and listed in :attr:`Score.partial`. The grounding looks the prediction's quotes
    up in the ``sources`` texts, else in the bundled article of the same id."""
    from diplomatic_visits.inputs import as_inputs

    pred = as_inputs(pred)  # one path, or a list of them
    golds_in: list[str | Obj]
    if isinstance(gold, (str, os.PathLike)):
        golds_in = [os.fspath(gold)]
    elif isinstance(gold, Mapping):
        raise TypeError("gold: paths or a list of records, not one record (a dict): pass [record]")
    else:
        golds_in = [os.fspath(g) if isinstance(g, os.PathLike) else g for g in gold]
    notes: dict[str, list[str]] = {"invalid": [], "partial": []}
    preds, labels, dropped = _read_predictions(pred, sources, partial, notes)
    golds = _read_gold(golds_in)
    scored = {article_id(p) for p in preds}
    left_out = sorted(a for a in dropped if a not in scored)
    kept = [g for g in golds if article_id(g) not in left_out]
    result = score_records(preds, kept, stated_only, labels, _texts(kept, preds, sources))
    result.invalid, result.partial = notes["invalid"], notes["partial"]
    result.left_out = [a for a in left_out if any(article_id(g) == a for g in golds)]
    return result


def construct_vocabulary(version: str | None = None) -> dict[str, str]:
    """The construct tags a challenge record carries, tag -> meaning, in the schema's order.

    The tags are those of the scorer's construct declaration (:class:`Constructs`: the list
    whose ``x-dv`` ``score`` names ``constructs``) in schema ``version`` (default: the
    latest); each meaning is the ``- `tag`: meaning`` line of its items'
    description. Empty for a version without one.
    """
    declared = plan_for(version).constructs
    return dict(declared.meanings) if declared is not None else {}


def construct_table(version: str | None = None) -> str:
    """The data card's table of the challenge set's constructs (Markdown): each tag, its
    meaning (:func:`construct_vocabulary`) and how many challenge texts are tagged with it."""
    from diplomatic_visits.records import load_records
    from diplomatic_visits.schema import declared_version

    counts: dict[str, int] = {}
    for record in load_records(verify=False, bundled="challenge"):
        declared = plan_for(declared_version(record)).constructs
        for tag in declared.tags_of(record) if declared is not None else ():
            counts[tag] = counts.get(tag, 0) + 1
    rows = [
        f"| `{tag}` | {meaning} | {counts.get(tag, 0)} |"
        for tag, meaning in construct_vocabulary(version).items()
    ]
    return "\n".join(["| construct | what the text holds | texts |", "|---|---|---|", *rows])
