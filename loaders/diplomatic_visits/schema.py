"""Load the shipped JSON Schemas and validate records against them.

Two engines are used: jsonschema-rs (fast, the default) and python-jsonschema (the reference).
Both resolve ``$ref`` only against the bundled schemas: nothing is ever fetched, not even a
``file://`` reference.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

from diplomatic_visits._paths import schema_dir
from diplomatic_visits.errors import Issue as Issue
from diplomatic_visits.errors import (
    UnknownLevelError,
    UnknownSchemaVersionError,
)
from diplomatic_visits.errors import json_path as json_path

VERSION_KEY = "schema_version"
"""Where every record declares the schema version it was written against."""
Level = Literal["extraction", "verified"]
LEVELS: tuple[Level, ...] = ("extraction", "verified")
SCHEMA_FILES: dict[str, str] = {
    "extraction": "record.schema.json",
    "verified": "record.verified.schema.json",
}
"""The file of each level's schema in a version's folder."""
_VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")


@dataclass(frozen=True)
class Resolved:
    """A schema node with ``$ref`` followed and a ``T``-or-null union opened (:func:`resolve`)."""

    schema: Mapping[str, Any]
    """The node reached: neither a ``$ref`` nor a ``T``-or-null ``anyOf``."""
    nullable: bool
    """Whether a ``T``-or-null union was opened on the way."""
    around: Mapping[str, Any]
    """Keywords that stood beside the ``$ref`` or the ``anyOf`` on the way (the outermost wins),
    such as a ``description`` or an ``x-dv`` rule annotation."""
    name: str | None = None
    """The ``$defs`` name of the last ``$ref`` followed (None: no ``$ref`` on the way)."""


def is_null_union(node: Mapping[str, Any]) -> bool:
    """Whether ``node`` is ``anyOf: [T, {"type": "null"}]``, the one union our schemas use."""
    branches = node.get("anyOf")
    return (
        isinstance(branches, list) and len(branches) == 2 and branches.count({"type": "null"}) == 1
    )


def resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Resolved:
    """Follow local ``$ref`` s (``#/$defs/NAME``) and ``T``-or-null unions to the node that says
    what a value is. The one walk every schema reader uses (rules, Arrow mapper, compatibility
    gate, canonical key order)."""
    nullable = False
    around: dict[str, Any] = {}
    name = None
    while True:
        if "$ref" in node:
            around = {**{k: v for k, v in node.items() if k != "$ref"}, **around}
            name = node["$ref"].rsplit("/", 1)[1]
            node = defs[name]
        elif is_null_union(node):
            around = {**{k: v for k, v in node.items() if k != "anyOf"}, **around}
            node = next(s for s in node["anyOf"] if s != {"type": "null"})
            nullable = True
        else:
            return Resolved(node, nullable, around, name)


def referenced_defs(node: Any, defs: Mapping[str, Any]) -> set[str]:
    """The ``$defs`` names ``node`` reaches through ``$ref`` s (``#/$defs/NAME``), directly or
    through the definitions it reaches: those a bundle must keep."""
    used: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and (name := ref.rsplit("/", 1)[1]) not in used:
                used.add(name)
                collect(defs[name])
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    collect(node)
    return used


def version_key(version: str) -> tuple[int, ...]:
    """What versions sort by: their numeric parts (``"2.1.0"`` -> ``(2, 1, 0)``; a part that
    is not a number is left out, so any string sorts without an error)."""
    return tuple(int(p) for p in version.split(".") if p.isdigit())


@cache
def available_versions() -> tuple[str, ...]:
    """Every shipped schema version, oldest first."""
    found = [p.name for p in schema_dir().iterdir() if p.is_dir() and _VERSION_RE.fullmatch(p.name)]
    return tuple(sorted(found, key=version_key))


def latest_version() -> str:
    """The newest shipped schema version."""
    return available_versions()[-1]


def declared_version(record: Any) -> str | None:
    """The shipped schema version a record declares in ``schema_version``, else None."""
    version = record.get(VERSION_KEY) if isinstance(record, dict) else None
    return version if isinstance(version, str) and version in available_versions() else None


def checked_version(version: str | None, level: str = "extraction") -> str:
    """``version``, or the latest when None; raises :class:`UnknownSchemaVersionError` for a
    version that is not shipped and :class:`UnknownLevelError` for an unknown ``level``."""
    version = version or latest_version()
    if version not in available_versions():
        raise UnknownSchemaVersionError(version, available_versions())
    if level not in SCHEMA_FILES:
        raise UnknownLevelError(level, LEVELS)
    return version


@cache
def _load(version: str, level: str) -> Mapping[str, Any]:
    """The shipped file, as released."""
    path = schema_dir() / version / SCHEMA_FILES[level]
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


RULES_KEYWORD = "x-dv"
"""The annotation keyword that declares the semantic rules (vocabulary: schema/README.md)."""


@cache
def _effective(version: str, level: str) -> Mapping[str, Any]:
    """The shipped file with its rule annotations: a version released before the ``x-dv``
    keyword existed has them in ``schema/rules/<version>.json``, by JSON Pointer (its own files
    never change); later versions carry them inline."""
    doc = _load(version, level)
    overlay = schema_dir() / "rules" / f"{version}.json"
    if not overlay.is_file():
        return doc
    spec = json.loads(overlay.read_text(encoding="utf-8"))
    if spec["schema"] != f"{version}/{SCHEMA_FILES[level]}":
        return doc
    out = copy.deepcopy(dict(doc))
    for pointer, rules in spec["annotations"].items():
        node = out
        for part in pointer.lstrip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        node[RULES_KEYWORD] = rules
    return out


def load_schema(
    version: str | None = None, level: Level = "extraction", annotated: bool = False
) -> dict[str, Any]:
    """Return (a copy of) the schema document of ``version`` (default: latest) at ``level``: the
    released file, or with ``annotated`` the file with its ``x-dv`` rule annotations (which
    versions released before the keyword keep beside their files)."""
    version = checked_version(version, level)
    return copy.deepcopy(dict((_effective if annotated else _load)(version, level)))


def schema_path(version: str | None = None, level: Level = "extraction") -> str:
    """Filesystem path of a shipped schema file."""
    version = checked_version(version, level)
    return str(schema_dir() / version / SCHEMA_FILES[level])


def _all_resources() -> list[tuple[str, Mapping[str, Any]]]:
    return [
        (doc["$id"], doc)
        for version in available_versions()
        for level in LEVELS
        for doc in [_effective(version, level)]
    ]


def bundle_schema(
    version: str | None = None, level: Level = "extraction", *, portable: bool = False
) -> dict[str, Any]:
    """A self-contained copy of the schema: references to other shipped files are inlined.

    Useful for tools that cannot resolve references across files (hypothesis-jsonschema, LLM
    structured-output APIs). A profile's ``allOf`` is merged away too. The result validates exactly
    the same documents (tests hold it to that). It carries the version's ``x-dv`` rule
    annotations, also where the released file predates them (:data:`RULES_KEYWORD`).

    With ``portable=True`` every ``x-`` annotation is left out, for validators that refuse a
    keyword they do not know: Ajv's default (strict) mode throws ``unknown keyword: "x-dv"``.
    The structural checks are the same; the semantic rules then run only in this package's
    validator (``diplomatic-visits validate``).

    The schema a language model fills is derived from this one: ``dv.bundle_schema(profile=
    "llm")`` (:func:`diplomatic_visits.profile.bundle_schema`).
    """
    version = checked_version(version, level)
    doc = _bundle(copy.deepcopy(dict(_effective(version, level))), dict(_all_resources()))
    return strip_annotations(doc) if portable else doc


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMAS = (
    "items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems",
)  # fmt: skip


def strip_annotations(schema: Any) -> Any:
    """``schema`` without its ``x-`` keywords, wherever a subschema may hold one (a property
    *named* ``x-…`` is kept: only keywords go)."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key.startswith("x-"):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: strip_annotations(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [strip_annotations(sub) for sub in value]
        elif key in _SCHEMAS:
            out[key] = strip_annotations(value)
        else:
            out[key] = value
    return out


def bundle_with(docs: Mapping[str, Mapping[str, Any]], level: Level) -> dict[str, Any]:
    """Bundle a candidate version that is not shipped: ``docs`` maps each level to its schema
    document; references resolve among them and the shipped schemas."""
    by_id = dict(_all_resources())
    by_id.update((d["$id"], d) for d in docs.values())
    return _bundle(copy.deepcopy(dict(docs[level])), by_id)


def _bundle(doc: dict[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    base = doc["$id"].rsplit("/", 1)[0] + "/"
    defs: dict[str, Any] = doc.setdefault("$defs", {})

    def absorb(target_id: str) -> str:
        # The target's $defs join ours under a prefix; its root becomes one more $def.
        prefix = target_id.rsplit("/", 1)[1].split(".")[0] + "__"
        key = prefix + "root"
        if key not in defs:
            other = copy.deepcopy(dict(by_id[target_id]))
            other_defs = other.pop("$defs", {})
            for drop in ("$id", "$schema"):
                other.pop(drop, None)
            defs[key] = _rewrite_local(other, prefix)
            for name, sub in other_defs.items():
                defs[prefix + name] = _rewrite_local(sub, prefix)
        return prefix

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                target, _, frag = ref.partition("#")
                target_id = target if "://" in target else base + target
                prefix = absorb(target_id)
                name = frag.rsplit("/", 1)[1] if frag else "root"
                node = {**node, "$ref": f"#/$defs/{prefix}{name}"}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out: dict[str, Any] = walk(doc)
    out["$defs"] = {**out.get("$defs", {}), **defs}
    if "allOf" in out:
        out = _flatten_profile(out)
    return out


def _flatten_profile(doc: dict[str, Any]) -> dict[str, Any]:
    """Merge a profile's ``allOf`` into one schema, so that the bundle has no ``allOf`` at all.

    A profile (such as ``verified``) only adds ``required``, ``type``, ``const``, alternatives
    (``anyOf``) and nested constraints to the core, so the merge is exact. Defs that are no
    longer referenced are dropped.
    """
    defs: dict[str, Any] = doc["$defs"]

    def deref(node: Mapping[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[1]]
        return dict(node)

    def merged(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
        a, b = deref(a), deref(b)
        for sub in b.pop("allOf", []):
            a = merged(a, sub)
        if "anyOf" in a:  # T-or-null
            inner = next(x for x in a["anyOf"] if x != {"type": "null"})
            meta = {k: v for k, v in a.items() if k != "anyOf"}
            if b.get("type") == "object":  # the profile excludes null
                return {**merged(inner, b), **meta}
            return {**meta, "anyOf": [merged(inner, b), {"type": "null"}]}
        out = dict(a)
        for key, value in b.items():
            if key == "properties":
                props = dict(out["properties"])
                for name, sub in value.items():
                    props[name] = merged(props[name], sub)
                out["properties"] = props
            elif key == "items":
                out["items"] = merged(out["items"], value)
            elif key == "required":
                out["required"] = list(out.get("required", [])) + [
                    r for r in value if r not in out.get("required", [])
                ]
            elif key == "type":
                have = out.get("type")
                if have is not None and value not in (have if isinstance(have, list) else [have]):
                    raise ValueError(f"cannot flatten: type {value!r} does not narrow {have!r}")
                out["type"] = value
            elif key == "const":
                if value not in out.get("enum", [value]):
                    raise ValueError(f"cannot flatten: const {value!r} is not in {out['enum']!r}")
                out["const"] = value
            elif key == "anyOf" and "anyOf" not in out:
                # a profile's alternatives (2.0.0: the title span, required unless the text has
                # no headline): each branch is merged with the core's properties it names, so it
                # says in full what it requires of them
                out["anyOf"] = [branch(out, sub) for sub in value]
            elif key not in ("description", "title", "$comment"):
                raise ValueError(f"cannot flatten a profile that uses {key!r}")
        return out

    def branch(core: Mapping[str, Any], alt: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in deref(alt).items() if k != "properties"}
        props = core["properties"]
        if "properties" in alt:
            out["properties"] = {n: merged(props[n], s) for n, s in alt["properties"].items()}
        return out

    parts = doc["allOf"]
    body = merged(parts[0], parts[1]) if len(parts) == 2 else deref(parts[0])
    flat: dict[str, Any] = {k: v for k, v in doc.items() if k not in ("allOf", "$defs")}
    flat.update(
        {k: v for k, v in body.items() if k not in ("$id", "$schema", "title", "description")}
    )
    used = referenced_defs(flat, defs)
    flat["$defs"] = {k: v for k, v in defs.items() if k in used}
    return flat


def _rewrite_local(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node = {**node, "$ref": "#/$defs/" + prefix + ref[len("#/$defs/") :]}
        return {k: _rewrite_local(v, prefix) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite_local(v, prefix) for v in node]
    return node


def _refuse_retrieval(uri: str) -> Any:
    raise LookupError(
        f"refusing to fetch {uri!r}: only the schemas bundled with diplomatic-visits are resolved"
    )


@cache
def rs_validator(version: str | None = None, level: Level = "extraction") -> Any:
    """A jsonschema-rs validator (formats checked; no network, no file access)."""
    import jsonschema_rs

    version = checked_version(version, level)
    registry = jsonschema_rs.Registry(
        [(uri, dict(doc)) for uri, doc in _all_resources()], retriever=_refuse_retrieval
    )
    return jsonschema_rs.validator_for(
        dict(_load(version, level)),
        registry=registry,
        validate_formats=True,
        retriever=_refuse_retrieval,
    )


@cache
def py_validator(version: str | None = None, level: Level = "extraction") -> Any:
    """The reference python-jsonschema validator: format checker on, explicit registry."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource

    version = checked_version(version, level)

    def retrieve(uri: str) -> Resource:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]

    registry: Registry[Any] = Registry(retrieve=retrieve).with_resources(  # type: ignore[call-arg]
        (uri, Resource.from_contents(dict(doc))) for uri, doc in _all_resources()
    )
    return Draft202012Validator(
        dict(_load(version, level)),
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def iter_schema_issues(
    record: Any,
    version: str | None = None,
    level: Level = "extraction",
    engine: Literal["rs", "python"] = "rs",
    _declared: bool = True,
) -> Iterator[Issue]:
    """Yield every JSON Schema violation of ``record``.

    A ``schema_version`` that is not shipped is said to be so (rather than "1.1.0 was
    expected" from the checked version's ``const``).

    A failed ``T-or-null`` union is reported as the errors of its ``T`` branch, which says far more
    than "is not valid under any of the given schemas".
    """
    declared = record.get(VERSION_KEY) if _declared and isinstance(record, dict) else None
    if isinstance(declared, str) and declared not in available_versions():
        for issue in iter_schema_issues(record, version, level, engine, _declared=False):
            yield _unshipped(issue, declared)
        return
    try:
        if engine == "python":
            for err in py_validator(version, level).iter_errors(record):
                yield from _py_issues(err)
            return
        for err in rs_validator(version, level).iter_errors(record):
            yield from _rs_issues(err)
    except (RecursionError, ValueError) as exc:
        # jsonschema-rs refuses values nested 255 levels deep ("Recursion limit reached");
        # python-jsonschema runs out of stack. No record is nested more than a dozen levels.
        if not isinstance(exc, RecursionError) and "Recursion limit" not in str(exc):
            raise
        yield Issue((), "nested too deeply to check (no record is nested so deep)", "depth")


def _unshipped(issue: Issue, declared: str) -> Issue:
    """The issue of a record's ``schema_version`` that names no shipped version, said so."""
    if issue.path != (VERSION_KEY,) or issue.keyword not in ("const", "enum"):
        return issue
    shipped = ", ".join(available_versions())
    message = (
        f"{declared} is not a shipped version ({shipped}): declare one of them, or install "
        f"the release of diplomatic-visits that ships {declared}"
    )
    return replace(issue, message=message)


def _is_null_branch(errors: list[Any], *, rs: bool) -> bool:
    return len(errors) == 1 and (
        (errors[0].kind.name if rs else errors[0].validator) == "type"
        and (errors[0].instance is not None)
        and "null" in (str(errors[0].message))
    )


def _furthest(branches: list[list[Any]], depth: Callable[[Any], int]) -> list[Any] | None:
    """Of the failed branches of an ``anyOf`` of alternatives (2.0.0's verified article: no
    headline, or a title span with offsets), the one the record went furthest in: the branch
    whose shallowest error lies deepest, when one alone does. A record without ``headline``
    and with a title span missing its offsets is told about the offsets, not about the
    headline it could also declare."""
    if not all(branches):
        return None
    depths = [min(depth(e) for e in b) for b in branches]
    best = max(depths)
    return branches[depths.index(best)] if depths.count(best) == 1 else None


def _alternatives(branches: list[list[tuple[tuple[str | int, ...], str]]]) -> str:
    """The message of a failed ``anyOf`` no branch of which the record went furthest in: what
    each alternative needs, rather than the whole value and "not valid under any of the given
    schemas"."""
    said = [
        "; ".join(f"{json_path(path)}: {message}" for path, message in branch)
        for branch in branches
    ]
    return "meets none of the alternatives: " + " | or | ".join(said)


def _rs_issues(err: Any) -> Iterator[Issue]:
    if err.kind.name == "anyOf":
        branches = [list(b) for b in err.kind.context]
        rest = [b for b in branches if not _is_null_branch(b, rs=True)]
        if len(rest) == 1 and len(branches) == 2:
            for sub in rest[0]:
                yield from _rs_issues(sub)
            return
        chosen = _furthest(branches, lambda e: len(e.instance_path))
        if chosen is not None:
            for sub in chosen:
                yield from _rs_issues(sub)
            return
    message = err.message
    if err.kind.name == "anyOf" and all(err.kind.context):
        message = _alternatives(
            [[(tuple(e.instance_path), e.message) for e in b] for b in err.kind.context]
        )
    if err.kind.name == "enum":  # name every allowed value, not "or 4 other candidates"
        found = json.dumps(err.instance, ensure_ascii=False)
        message = f"{found} is not one of {json.dumps(err.kind.options, ensure_ascii=False)}"
    yield Issue(
        path=tuple(err.instance_path),
        message=message,
        keyword=err.kind.name,
        schema_path=tuple(err.schema_path),
    )


def _py_issues(err: Any) -> Iterator[Issue]:
    if err.validator == "anyOf" and err.context:
        branches: dict[int, list[Any]] = {}
        for sub in err.context:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        rest = [b for b in branches.values() if not _is_null_branch(b, rs=False)]
        if len(rest) == 1 and len(branches) == 2:
            for sub in rest[0]:
                yield from _py_issues(sub)
            return
        chosen = _furthest(list(branches.values()), lambda e: len(e.absolute_path))
        if chosen is not None:
            for sub in chosen:
                yield from _py_issues(sub)
            return
    message = err.message
    if err.validator == "anyOf" and err.context:
        groups: dict[int, list[Any]] = {}
        for sub in err.context:
            groups.setdefault(sub.schema_path[0], []).append(sub)
        message = _alternatives(
            [[(tuple(e.absolute_path), e.message) for e in b] for _, b in sorted(groups.items())]
        )
    yield Issue(
        path=tuple(err.absolute_path),
        message=message,
        keyword=str(err.validator),
        schema_path=tuple(err.absolute_schema_path),
    )


# --- integers written as decimals -----------------------------------------------------------
#
# JSON Schema holds 1.0 (and 9e7) to be an integer, in every engine; a parser makes it a float,
# and an export writes it as an integer, so the record written is not the one read. Where the
# schema says integer, a number written with a fraction or an exponent is refused: the places
# are read from the schema's own `type` declarations, like every other rule.


@dataclass
class _Numbers:
    """Where a schema node holds integers: the node itself (``integer``), the properties of
    an object and the items of an array that do (nodes without any are left out)."""

    integer: bool = False
    properties: dict[str, _Numbers] = field(default_factory=dict)
    items: _Numbers | None = None


def _types(node: Mapping[str, Any]) -> list[Any]:
    t = node.get("type", [])
    return t if isinstance(t, list) else [t]


def _numbers_of(
    node: Any, defs: Mapping[str, Any], seen: dict[int, _Numbers | None]
) -> _Numbers | None:
    if not isinstance(node, Mapping):
        return None
    node = resolve(node, defs).schema
    key = id(node)
    if key in seen:  # a recursive $ref (none in our schemas): its repeats are not looked into
        return seen[key]
    seen[key] = None
    integer = "integer" in _types(node)
    props: dict[str, _Numbers] = {}
    items: _Numbers | None = None
    # every subschema a value may have to satisfy: its own, and a union's or a condition's
    parts = [node]
    for word in ("anyOf", "oneOf", "allOf"):
        parts += [p for p in node.get(word, []) if isinstance(p, Mapping)]
    parts += [node[w] for w in ("then", "else") if isinstance(node.get(w), Mapping)]
    for part in parts:
        if part is not node:
            sub = _numbers_of(part, defs, seen)
            if sub is not None:
                integer = integer or sub.integer
                for name, p in sub.properties.items():
                    props[name] = _merged(props.get(name), p) or p
                items = _merged(items, sub.items)
            continue
        for name, sub_schema in (part.get("properties") or {}).items():
            found = _numbers_of(sub_schema, defs, seen)
            if found is not None:
                props[name] = _merged(props.get(name), found) or found
        if isinstance(part.get("items"), Mapping):
            items = _merged(items, _numbers_of(part["items"], defs, seen))
    out = _Numbers(integer, props, items)
    result = None if out == _Numbers() else out
    seen[key] = result
    return result


def _merged(a: _Numbers | None, b: _Numbers | None) -> _Numbers | None:
    if a is None or b is None:
        return a or b
    props = dict(a.properties)
    for name, p in b.properties.items():
        props[name] = _merged(props.get(name), p) or p
    return _Numbers(a.integer or b.integer, props, _merged(a.items, b.items))


@cache
def _integer_places(version: str, level: Level) -> _Numbers | None:
    doc = bundle_schema(version, level)
    return _numbers_of(doc, doc.get("$defs", {}), {})


def iter_integer_issues(
    record: Any, version: str | None = None, level: Level = "extraction"
) -> Iterator[Issue]:
    """Yield an issue (keyword ``type``) for every number where the schema says integer that
    was written with a fraction or an exponent (``0.0``, ``9e7``): JSON Schema engines take such
    a number for an integer, the parser made it a float, and an export would write a value
    other than the one read. Non-integral values (``1.5``) are left to the schema's own check.
    """
    root = _integer_places(checked_version(version, level), level)
    if root is None:
        return
    if not _holds_decimal(record, root):  # the common case: no float anywhere it looks
        return
    stack: list[tuple[Any, _Numbers, tuple[str | int, ...]]] = [(record, root, ())]
    while stack:  # depth first, in document order (children pushed in reverse)
        value, node, path = stack.pop()
        if isinstance(value, float):
            if node.integer and value.is_integer():
                yield _decimal_integer(value, path)
        elif isinstance(value, dict) and node.properties:
            props = node.properties
            stack.extend(
                reversed([(v, props[k], (*path, k)) for k, v in value.items() if k in props])
            )
        elif isinstance(value, list) and node.items is not None:
            items = node.items
            stack.extend(reversed([(v, items, (*path, i)) for i, v in enumerate(value)]))


def _holds_decimal(value: Any, node: _Numbers) -> bool:
    """Whether an integral float lies where ``node`` says integer (no path kept: fast)."""
    if type(value) is dict:
        for name, sub in node.properties.items():
            v = value.get(name)
            if v is not None and _holds_decimal(v, sub):
                return True
        return False
    if type(value) is list:
        items = node.items
        return items is not None and any(_holds_decimal(v, items) for v in value)
    return node.integer and isinstance(value, float) and value.is_integer()


def _decimal_integer(value: float, path: tuple[str | int, ...]) -> Issue:
    exact = f" {int(value)}" if abs(value) < 2**53 else " it"
    return Issue(
        path,
        f"{value!r} is a number written with a fraction or an exponent, where the schema wants "
        f"an integer: write{exact} without them (JSON Schema counts 1.0 as an integer, but an "
        "export would store a value other than the one written)",
        "type",
    )
