"""The semantic rules as data: a schema's ``x-dv`` annotations compiled into a plan.

JSON Schema cannot say that a reference names an object of the record, that a weekday agrees
with a date, or that a quote occurs in the article. Each schema version says it instead, with
the annotation keyword ``x-dv`` beside the fields concerned (1.0.0, released before the keyword,
in ``schema/rules/1.0.0.json``); the vocabulary is in ``schema/README.md``. This module reads
those annotations, and nothing else, into a :class:`Rules` plan: a tree of :class:`Node` (one
per kind of object that holds something to check) and :class:`Field` (how to reach the values
below it). Every engine interprets the same plan: :mod:`diplomatic_visits.checks` (the reference,
which reports) and the compiled accelerator (which only accepts). Neither lists a field, so a
new schema version, or a new field under a known rule, needs no change to either.

The plan's types are named tuples: readable here, and read by position in C. Their shape is
versioned by :data:`PLAN_API`; an engine that does not know it refuses the plan and the other
engine does the work.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, NamedTuple

from diplomatic_visits.errors import DiplomaticVisitsError

PLAN_API = 2
"""Raised whenever a named tuple below gains, loses or reorders a field (2: :class:`Check`,
``Node.checks``, ``Duration.weekday``)."""

KEYWORD = "x-dv"
ANY_KIND = "*"


class RuleDeclarationError(DiplomaticVisitsError, ValueError):
    """An ``x-dv`` annotation that is not in the vocabulary, or is in the wrong place."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class Span(NamedTuple):
    """An evidence span: ``quote`` copied from the article, ``start``/``end`` its code-point
    offsets (both or neither). Rules ``span-offsets`` and ``span-text``."""

    start: str
    end: str
    quote: str


class Date(NamedTuple):
    """A partial date: an ISO 8601 calendar date at the ``precision`` ``day``, ``month`` or
    ``year`` (or ``unknown``, with a null value and an ``unknown`` basis). Rules ``date-form``,
    ``weekday``; with ``written`` (``--09-12``: the date as the text gives it, year left out)
    ``date-written``; with ``earliest``/``latest`` (bounds of the day) ``date-range``."""

    value: str
    precision: str
    basis: str
    weekday: str | None
    written: str | None
    earliest: str | None
    latest: str | None


class Basis(NamedTuple):
    """Where a value comes from: when ``key`` holds one of ``explain``, ``reason`` must say
    what it was inferred from. Rule ``basis-explained``."""

    key: str
    reason: str
    explain: tuple[str, ...]


class Order(NamedTuple):
    """The partial date at ``end`` does not end before the one at ``start`` begins (``value``:
    the key of their values). Rule ``date-order``."""

    start: str
    end: str
    value: str


class Duration(NamedTuple):
    """A stated length ``days`` agrees with day-precise ``start`` and ``end``, counted
    inclusively (``value``: the key of their values). Rule ``duration``. With ``weekday`` (the
    dates' weekday key, when they are declared ``edtf``) also two year-less days and two
    weekdays (``Monday`` to ``Friday`` is 5, 12, 19, ... days); None for the 1.x ``date``."""

    days: str
    start: str
    end: str
    value: str
    weekday: str | None


class Sequence(NamedTuple):
    """The items of a list are in the order of the partial date at ``by`` (``value``: the key of
    its value): none begins before the one above it. Rule ``sequence``."""

    by: str
    value: str


class When(NamedTuple):
    """A conditional presence rule named ``rule``: when ``key`` holds one of ``values``
    (``test`` ``in``), holds none of them (``not_in``) or is a non-empty list (``nonempty``),
    ``then`` must be given (``must`` ``present``) or be null, absent or empty (``absent``)."""

    rule: str
    key: str
    test: str
    values: tuple[str, ...]
    then: str
    must: str


class TextFile(NamedTuple):
    """The article file the spans index: its ``length`` in code points and ``sha256`` agree
    with the text given. Rule ``text-file``."""

    length: str
    sha256: str


class Ref(NamedTuple):
    """A string that names the ``id`` of an object of one of ``kinds`` in the record (empty:
    any kind); with ``scope``, one inside the same ``scope`` object as the reference. Rule
    ``ref-exists``."""

    kinds: tuple[str, ...]
    scope: str | None


class Check(NamedTuple):
    """One declaration of a rule kind added with :data:`PLAN_API` 2 (``edtf``,
    ``date-anchor``, ``within``, ``last``, ``distinct``, and any later one): its ``kind``, the
    ``rule`` it reports (``edtf`` reports several names itself), and ``args``, property names
    (or None where an optional input is not given) in the fixed order :data:`CHECK_ARGS`
    gives for the kind. An engine that meets a kind it does not implement must not accept an
    object holding it (the C engine defers such objects to this module)."""

    kind: str
    rule: str
    args: tuple[str | None, ...]


CHECK_ARGS: dict[str, tuple[str, ...]] = {
    "edtf": (
        "value",
        "precision",
        "basis",
        "weekday",
        "written",
        "earliest",
        "latest",
        "relative",
        "absence",
    ),
    "date-anchor": ("name", "date"),
    "within": ("from", "to", "items", "item_from", "item_to", "value"),
    "last": ("list", "key", "equals", "equals_key"),
    "distinct": ("one", "many"),
}
"""The order of :attr:`Check.args` per kind (``within``'s ``value``, the value key of its
dates, is read from their ``edtf`` declaration, not declared)."""

RELATIVE_KEYS = ("offset", "unit", "anchor")
"""The keys of the object an ``edtf`` declaration's ``relative`` input names: part of the kind,
as a span's three inputs are of ``span`` (``compile_rules`` checks the schema has them)."""


class Field(NamedTuple):
    """How to reach values under a :class:`Node`: ``key``, a list of them when ``many``."""

    key: str
    many: bool
    ref: Ref | None
    verbatim: bool
    """A string copied from the article: with the text, it must occur there (rule
    ``verbatim``)."""
    sequence: Sequence | None
    obj: Node | None


class Node(NamedTuple):
    """What to check on one object, and the fields that lead further."""

    kind: str | None
    """The kind of object whose id is at ``id_key`` (rule ``unique-id``)."""
    id_key: str | None
    span: Span | None
    date: Date | None
    basis: Basis | None
    orders: tuple[Order, ...]
    duration: Duration | None
    whens: tuple[When, ...]
    text_file: TextFile | None
    fields: tuple[Field, ...]
    checks: tuple[Check, ...]
    """The declarations of the kinds added with :data:`PLAN_API` 2, in declaration order."""


class Rules(NamedTuple):
    """The plan of one schema version: the record's :class:`Node` and the object kinds."""

    api: int
    version: str
    root: Node
    kinds: tuple[str, ...]


_OBJECT_RULES = frozenset(
    {"span", "date", "basis", "order", "duration", "when", "text-file", *CHECK_ARGS}
)
_VALUE_RULES = frozenset({"id", "ref", "scope", "verbatim", "sequence"})
SCORE = "score"
"""Not a rule: how :mod:`diplomatic_visits.score` compares a value, where the other
declarations do not say (a free-text policy, an ordered list, construct groups)."""


@cache
def rules_for(version: str | None = None) -> Rules:
    """The whole plan of a shipped schema version (default: the latest)."""
    from diplomatic_visits.schema import bundle_schema, latest_version

    return compile_rules(bundle_schema(version, "extraction"), version or latest_version())


@cache
def plan(version: str | None = None, text: bool = True, offsets: bool = True) -> Rules:
    """The plan pruned to what can find something: without the article text (``text``
    False) quotes cannot be looked up, and if no span carries offsets either (``offsets``
    False) spans hold nothing to check and are not visited at all."""
    full = rules_for(version)
    root = _prune(full.root, text, offsets) or _EMPTY
    return full._replace(root=root)


def compile_rules(doc: Mapping[str, Any], version: str) -> Rules:
    """Compile a bundled (self-contained) schema's ``x-dv`` annotations into a :class:`Rules`
    plan. Raises :class:`RuleDeclarationError` on an annotation outside the vocabulary."""
    from diplomatic_visits.schema import resolve

    defs = doc.get("$defs", {})
    kinds: list[str] = []
    refs: list[tuple[str, Ref]] = []

    def node_of(schema: Mapping[str, Any], decl: Mapping[str, Any], where: str) -> Node | None:
        fields: list[Field] = []
        kind = id_key = None
        for name, sub in schema.get("properties", {}).items():
            here = f"{where}.{name}"
            r = resolve(sub, defs)
            own = _decl(r.around, r.schema, here)
            many = "items" in r.schema
            if many:
                ri = resolve(r.schema["items"], defs)
                item, item_decl = ri.schema, _decl(ri.around, ri.schema, f"{here}[*]")
                if _value_rules(own) or own.keys() & _OBJECT_RULES or "sequence" in item_decl:
                    raise RuleDeclarationError(
                        here, "on a list: sequence on the list, every other rule on its items"
                    )
            else:
                item, item_decl = r.schema, own
                if "sequence" in own:
                    raise RuleDeclarationError(here, "sequence belongs on a list of objects")
            if "id" in item_decl:
                if many or kind is not None:
                    raise RuleDeclarationError(here, "an object has one id, a single string")
                kind, id_key = _str(item_decl["id"], here), name
                kinds.append(kind)
            ref = None
            if "ref" in item_decl:
                ref = _ref(item_decl, here)
                refs.append((here, ref))
            elif "scope" in item_decl:
                raise RuleDeclarationError(here, "scope without ref")
            obj = None
            if "properties" in item:
                obj = node_of(item, item_decl, here)
            elif item_decl.keys() & _OBJECT_RULES:
                raise RuleDeclarationError(here, "object rules on a value that is no object")
            sequence = None
            if many and "sequence" in own:
                spec = _fields(own["sequence"], here, ("by",))
                by = _str(spec["by"], here)
                sequence = Sequence(by, _date_value(obj.fields if obj else (), by, here))
            verbatim = item_decl.get("verbatim") is True
            if ref or verbatim or sequence or obj:
                fields.append(Field(name, many, ref, verbatim, sequence, obj))
        return _object_rules(schema, decl, where, kind, id_key, tuple(fields), defs, anchors)

    anchors = _Anchors([], [])
    root = resolve(doc, defs)
    top = node_of(root.schema, _decl(root.around, root.schema, "$"), "$") or _EMPTY
    for where, ref in refs:
        for k in (*ref.kinds, *([ref.scope] if ref.scope else [])):
            if k not in kinds:
                raise RuleDeclarationError(where, f"refers to kind {k!r}, which no id declares")
    if len(set(kinds)) != len(kinds):
        raise RuleDeclarationError("$", "two kinds of object have the same name")
    names = [name for name, _ in anchors.declared]
    for name, where in anchors.declared:
        if names.count(name) > 1:
            raise RuleDeclarationError(where, f"date-anchor: two anchors are named {name!r}")
    for where, values in anchors.wanted:
        for v in values:
            if v not in names:
                raise RuleDeclarationError(
                    where, f"relative: the anchor {v!r} is named by no date-anchor declaration"
                )
    return Rules(PLAN_API, version, top, tuple(kinds))


_EMPTY = Node(None, None, None, None, None, (), None, (), None, (), ())


def _decl(around: Mapping[str, Any], schema: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The ``x-dv`` annotations of a node: those beside its ``$ref``/``anyOf`` and its own."""
    out: dict[str, Any] = {}
    for part in (schema.get(KEYWORD), around.get(KEYWORD)):
        if part is None:
            continue
        if not isinstance(part, dict):
            raise RuleDeclarationError(where, f"{KEYWORD} must be an object")
        unknown = part.keys() - _OBJECT_RULES - _VALUE_RULES - {SCORE}
        if unknown:
            raise RuleDeclarationError(where, f"unknown {KEYWORD} rule(s) {sorted(unknown)}")
        out.update(part)
    return out


def _value_rules(decl: Mapping[str, Any]) -> bool:
    return bool(decl.keys() & (_VALUE_RULES - {"sequence"}))


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise RuleDeclarationError(where, f"expected a property name, found {value!r}")
    return value


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleDeclarationError(where, f"expected a list of strings, found {value!r}")
    return tuple(value)


def _ref(decl: Mapping[str, Any], where: str) -> Ref:
    kinds = _strs(decl["ref"], where)
    if not kinds:
        raise RuleDeclarationError(where, 'ref names no kind (use ["*"] for any)')
    scope = decl.get("scope")
    return Ref(() if ANY_KIND in kinds else kinds, None if scope is None else _str(scope, where))


def _fields(
    spec: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise RuleDeclarationError(where, f"expected an object, found {spec!r}")
    unknown = spec.keys() - set(required) - set(optional)
    missing = set(required) - spec.keys()
    if unknown or missing:
        raise RuleDeclarationError(
            where, f"expected keys {list(required)} (and optionally {list(optional)})"
        )
    return dict(spec)


def _object_rules(
    schema: Mapping[str, Any],
    decl: Mapping[str, Any],
    where: str,
    kind: str | None,
    id_key: str | None,
    fields: tuple[Field, ...],
    defs: Mapping[str, Any],
    anchors: _Anchors,
) -> Node | None:
    props = schema.get("properties", {})

    def prop(name: str | None) -> str | None:
        if name is not None and name not in props:
            raise RuleDeclarationError(where, f"names {name!r}, which is not a property here")
        return name

    span = date = basis = duration = text_file = None
    orders: list[Order] = []
    whens: list[When] = []
    if "span" in decl:
        s = _fields(decl["span"], where, ("start", "end", "quote"))
        span = Span(*(str(prop(s[k])) for k in ("start", "end", "quote")))
    if "date" in decl and "edtf" in decl:
        raise RuleDeclarationError(where, "a partial date is declared date or edtf, not both")
    if "date" in decl:
        d = _fields(
            decl["date"],
            where,
            ("value", "precision", "basis"),
            ("weekday", "written", "earliest", "latest"),
        )
        if ("earliest" in d) != ("latest" in d):
            raise RuleDeclarationError(where, "date: give earliest and latest together")
        date = Date(
            str(prop(d["value"])),
            str(prop(d["precision"])),
            str(prop(d["basis"])),
            *(prop(d.get(k)) for k in ("weekday", "written", "earliest", "latest")),
        )
    if "basis" in decl:
        b = _fields(decl["basis"], where, ("key", "reason", "explain"))
        basis = Basis(str(prop(b["key"])), str(prop(b["reason"])), _strs(b["explain"], where))
    for o in decl.get("order", []):
        o = _fields(o, where, ("from", "to"))
        start, end = str(prop(o["from"])), str(prop(o["to"]))
        value = _date_value(fields, start, where)
        if _date_value(fields, end, where) != value:
            raise RuleDeclarationError(where, f"order: {start!r} and {end!r} differ in form")
        orders.append(Order(start, end, value))
    if "duration" in decl:
        d = _fields(decl["duration"], where, ("days", "from", "to"))
        start, end = str(prop(d["from"])), str(prop(d["to"]))
        if not any((o.start, o.end) == (start, end) for o in orders):
            raise RuleDeclarationError(where, "duration: declare the order of its dates too")
        value, weekday, _ = _date_keys(fields, start, where)
        duration = Duration(str(prop(d["days"])), start, end, value, weekday)
    for w in decl.get("when", []):
        tests = [t for t in ("in", "not_in", "nonempty") if t in w]
        w = _fields(w, where, ("rule", "if", "then", "must"), ("in", "not_in", "nonempty"))
        if len(tests) != 1 or w["must"] not in ("present", "absent"):
            raise RuleDeclarationError(
                where, "when: one of in, not_in, nonempty; must present|absent"
            )
        test = tests[0]
        values = () if test == "nonempty" else _strs(w[test], where)
        whens.append(
            When(str(w["rule"]), str(prop(w["if"])), test, values, str(prop(w["then"])), w["must"])
        )
    if "text-file" in decl:
        t = _fields(decl["text-file"], where, ("length", "sha256"))
        text_file = TextFile(str(prop(t["length"])), str(prop(t["sha256"])))
    checks = _checks(decl, where, props, fields, defs, anchors)
    node = Node(
        kind,
        id_key,
        span,
        date,
        basis,
        tuple(orders),
        duration,
        tuple(whens),
        text_file,
        fields,
        checks,
    )
    return None if node == _EMPTY else node


class _Anchors(NamedTuple):
    """What :func:`compile_rules` checks once the whole schema is read: the anchors declared
    (name, where) and the anchor names each ``relative`` input's enum allows (where, names)."""

    declared: list[tuple[str, str]]
    wanted: list[tuple[str, tuple[str, ...]]]


def _checks(
    decl: Mapping[str, Any],
    where: str,
    props: Mapping[str, Any],
    fields: tuple[Field, ...],
    defs: Mapping[str, Any],
    anchors: _Anchors,
) -> tuple[Check, ...]:
    """The :class:`Check` of each declaration of a kind added with :data:`PLAN_API` 2, in the
    order the declaration gives them (kinds in :data:`CHECK_ARGS` order)."""
    from diplomatic_visits.schema import resolve

    def prop(value: Any, among: Mapping[str, Any] = props, what: str = "") -> str:
        name = _str(value, where)
        if name not in among:
            raise RuleDeclarationError(
                where, f"names {name!r}, which is not a property {what or 'here'}"
            )
        return name

    def sub(name: str, many: bool) -> Mapping[str, Any]:
        """The properties of the object at ``name`` (of its items, when ``many``)."""
        r = resolve(props[name], defs).schema
        if many != ("items" in r):
            raise RuleDeclarationError(
                where, f"{name!r} must be {'a list of objects' if many else 'an object'}"
            )
        if many:
            r = resolve(r["items"], defs).schema
        out = r.get("properties")
        if not isinstance(out, dict):
            raise RuleDeclarationError(where, f"{name!r} does not hold objects")
        return out

    def specs(kind: str) -> list[dict[str, Any]]:
        spec = decl[kind]
        if not isinstance(spec, list) or not spec:
            raise RuleDeclarationError(where, f"{kind}: expected a non-empty list of objects")
        named = ("rule",) if kind != "within" else ()  # within reports its kind's name
        declared = tuple(k for k in CHECK_ARGS[kind] if k != "value")
        return [_fields(s, where, (*named, *declared)) for s in spec]

    out: list[Check] = []
    if "edtf" in decl:
        names = CHECK_ARGS["edtf"]
        d = _fields(decl["edtf"], where, names[:3], names[3:])
        if ("earliest" in d) != ("latest" in d):
            raise RuleDeclarationError(where, "edtf: give earliest and latest together")
        args = tuple(None if d.get(k) is None else prop(d[k]) for k in names)
        if "relative" in d:
            anchors.wanted.append((where, _relative_anchors(props[d["relative"]], defs, where)))
        out.append(Check("edtf", "edtf", args))
    if "date-anchor" in decl:
        a = _fields(decl["date-anchor"], where, CHECK_ARGS["date-anchor"])
        name, date = _str(a["name"], where), prop(a["date"])
        if not _date_keys(fields, date, where)[2]:
            raise RuleDeclarationError(where, f"date-anchor: {date!r} is not declared edtf")
        anchors.declared.append((name, where))
        out.append(Check("date-anchor", "date-anchor", (name, date)))
    for w in specs("within") if "within" in decl else ():
        start, end, items = prop(w["from"]), prop(w["to"]), prop(w["items"])
        item_props = sub(items, True)
        item_from = prop(w["item_from"], item_props, f"of the items of {items!r}")
        item_to = prop(w["item_to"], item_props, f"of the items of {items!r}")
        item_fields = next((f.obj.fields for f in fields if f.key == items and f.obj), ())
        keys = {
            _date_keys(fields, start, where)[0],
            _date_keys(fields, end, where)[0],
            _date_keys(item_fields, item_from, where)[0],
            _date_keys(item_fields, item_to, where)[0],
        }
        if len(keys) != 1:
            raise RuleDeclarationError(where, "within: the four dates differ in form")
        args = (start, end, items, item_from, item_to, keys.pop())
        out.append(Check("within", "within", args))
    for w in specs("last") if "last" in decl else ():
        lst, equals = prop(w["list"]), prop(w["equals"])
        key = prop(w["key"], sub(lst, True), f"of the items of {lst!r}")
        equals_key = prop(w["equals_key"], sub(equals, False), f"of {equals!r}")
        out.append(Check("last", _str(w["rule"], where), (lst, key, equals, equals_key)))
    for w in specs("distinct") if "distinct" in decl else ():
        one, many = prop(w["one"]), prop(w["many"])
        if "items" not in resolve(props[many], defs).schema:
            raise RuleDeclarationError(where, f"distinct: {many!r} is not a list")
        out.append(Check("distinct", _str(w["rule"], where), (one, many)))
    return tuple(out)


def _relative_anchors(
    schema: Mapping[str, Any], defs: Mapping[str, Any], where: str
) -> tuple[str, ...]:
    """The anchor names a ``relative`` object's ``anchor`` enum allows; its schema must have
    the keys :data:`RELATIVE_KEYS`."""
    from diplomatic_visits.schema import resolve

    props = resolve(schema, defs).schema.get("properties", {})
    missing = [k for k in RELATIVE_KEYS if k not in props]
    if missing:
        raise RuleDeclarationError(where, f"relative: its object needs the keys {missing}")
    enum = resolve(props[RELATIVE_KEYS[2]], defs).schema.get("enum")
    if not isinstance(enum, list) or not all(isinstance(v, str) for v in enum):
        raise RuleDeclarationError(where, "relative: its anchor must be an enum of anchor names")
    return tuple(enum)


@cache
def offset_keys() -> tuple[str, ...]:
    """The keys that hold a span's offsets, in any shipped version: a JSON Lines line where no
    such key holds a number has no offsets to check (see :func:`plan`)."""
    from diplomatic_visits.schema import available_versions

    keys: set[str] = set()

    def visit(node: Node) -> None:
        if node.span is not None:
            keys.update((node.span.start, node.span.end))
        for f in node.fields:
            if f.obj is not None:
                visit(f.obj)

    for v in available_versions():
        visit(rules_for(v).root)
    return tuple(sorted(keys))


@cache
def not_stated() -> frozenset[str]:
    """The basis values that say a value is not stated by the text (those whose ``basis`` rule
    wants a reason), in any shipped version."""
    from diplomatic_visits.schema import available_versions

    found: set[str] = set()

    def visit(node: Node) -> None:
        if node.basis is not None:
            found.update(node.basis.explain)
        for f in node.fields:
            if f.obj is not None:
                visit(f.obj)

    for v in available_versions():
        visit(rules_for(v).root)
    return frozenset(found)


def _date_value(fields: tuple[Field, ...] | list[Field], key: str, where: str) -> str:
    """The key of the value of the partial date at ``key`` among ``fields``."""
    return _date_keys(fields, key, where)[0]


def _date_keys(
    fields: tuple[Field, ...] | list[Field], key: str, where: str
) -> tuple[str, str | None, bool]:
    """The value key and weekday key of the partial date at ``key`` among ``fields``, and
    whether it is declared ``edtf`` (the weekday key is None for the 1.x ``date`` kind, whose
    duration never reads it)."""
    for f in fields:
        if f.key == key and not f.many and f.obj is not None:
            if f.obj.date is not None:
                return f.obj.date.value, None, False
            for c in f.obj.checks:
                if c.kind == "edtf":
                    assert c.args[0] is not None
                    return c.args[0], c.args[3], True
    raise RuleDeclarationError(where, f"{key!r} is not a partial date")


def _prune(node: Node, text: bool, offsets: bool) -> Node | None:
    """``node`` without what cannot find anything (see :func:`plan`); None if nothing is left."""
    fields = []
    for f in node.fields:
        obj = _prune(f.obj, text, offsets) if f.obj is not None else None
        verbatim = f.verbatim and text
        if obj is not None or verbatim or f.ref is not None or f.sequence is not None:
            fields.append(f._replace(obj=obj, verbatim=verbatim))
    out = node._replace(
        span=node.span if (text or offsets) else None,
        text_file=node.text_file if text else None,
        fields=tuple(fields),
    )
    return None if out == _EMPTY else out
