"""The compatibility gate: how big is the change from one schema version to another?

The release rules (schema/README.md): MAJOR when a record valid before becomes invalid or a
field's meaning changes; MINOR for additions that keep every old record valid; PATCH for
descriptions and examples only. Three kinds of evidence, and the largest wins:

(a) structural: the two schemas are walked side by side (references resolved, profiles
    flattened), comparing their closed content models keyword by keyword;
(b) records: every shipped record and example of the old version is validated under the new;
(c) generated: records hypothesis generates from the old version are validated under the new.

Every record declares its version in a ``const``; the gate compares the rest, so old records are
re-declared as the new version before (b) and (c), and that ``const`` is not a change by itself.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from diplomatic_visits.errors import DiplomaticVisitsError
from diplomatic_visits.rules import SCORE
from diplomatic_visits.schema import RULES_KEYWORD, declared_version

Bump = Literal["none", "patch", "minor", "major"]
ORDER: dict[Bump, int] = {"none": 0, "patch": 1, "minor": 2, "major": 3}
ANNOTATION_KEYWORDS = frozenset({"title", "description", "examples", "default", "$comment"})
_LOWER_BOUNDS = ("minLength", "minItems", "minimum")
_UPPER_BOUNDS = ("maxLength", "maxItems", "maximum")


@dataclass(frozen=True)
class Change:
    """One difference between two schemas, with the bump it needs."""

    bump: Bump
    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.bump:<5}  {self.path}: {self.what}"


@dataclass
class Verdict:
    """What the gate found."""

    changes: list[Change] = field(default_factory=list)
    broken_records: list[str] = field(default_factory=list)
    already_invalid: list[str] = field(default_factory=list)  # under the old version: not counted

    def covered_by(self, declared: str) -> bool:
        """Whether a version number that declares the bump ``declared`` covers every change."""
        return ORDER[declared] >= ORDER[self.required]  # type: ignore[index]

    @property
    def required(self) -> Bump:
        """The smallest version bump that covers every change."""
        level = max((ORDER[c.bump] for c in self.changes), default=0)
        if self.broken_records:
            level = ORDER["major"]
        return next(k for k, v in ORDER.items() if v == level)


class CompatibilityInputError(DiplomaticVisitsError, ValueError):
    """Versions that cannot be compared (not newer, not a version number)."""


def declared_bump(old: str, new: str) -> Bump:
    """The bump two version numbers declare (``1.0.0`` -> ``1.1.0`` is ``minor``)."""
    import re

    for v in (old, new):
        if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", v):
            raise CompatibilityInputError(f"{v!r} is not a version number MAJOR.MINOR.PATCH")
    o = [int(x) for x in old.split(".")]
    n = [int(x) for x in new.split(".")]
    if n <= o:
        raise CompatibilityInputError(f"{new} is not newer than {old}: nothing to compare")
    if n[0] != o[0]:
        return "major"
    return "minor" if n[1] != o[1] else "patch"


# --- (a) structural comparison ---------------------------------------------------------------


def compare_schemas(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Compare two self-contained schemas (as :func:`diplomatic_visits.bundle_schema` makes)."""
    walk = _Walk(old.get("$defs", {}), new.get("$defs", {}))
    _compare(walk, old, new, "$")
    return walk.out


@dataclass
class _Walk:
    """What the side-by-side walk of two schemas carries: their $defs, what it found, and the
    pairs of sub-schemas it has already compared (shared $defs are compared once)."""

    odefs: Mapping[str, Any]
    ndefs: Mapping[str, Any]
    out: list[Change] = field(default_factory=list)
    seen: set[tuple[int, int]] = field(default_factory=set)


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The node a schema position says a value is, with the keywords beside its ``$ref`` (a
    description, say) taking precedence, and whether null is allowed. Rule declarations
    (``x-dv``) beside a ``$ref`` are merged with the referenced definition's, kind by kind, as
    :func:`diplomatic_visits.rules.compile_rules` reads them (not replacing them)."""
    from diplomatic_visits.schema import resolve

    r = resolve(node, defs)
    out = {**r.schema, **r.around}
    inner, beside = r.schema.get(RULES_KEYWORD), r.around.get(RULES_KEYWORD)
    if isinstance(inner, dict) and isinstance(beside, dict):
        out[RULES_KEYWORD] = {**inner, **beside}
    return out, r.nullable


def _types(node: Mapping[str, Any], nullable: bool) -> set[str]:
    t = node.get("type")
    types = set(t) if isinstance(t, list) else ({t} if t else set())
    if not types and ("enum" in node or "const" in node):
        values = node.get("enum", [node.get("const")])
        types = {_json_type(v) for v in values}
    if nullable:
        types.add("null")
    return types


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    return {str: "string", float: "number", list: "array", dict: "object"}[type(v)]


def _compare(w: _Walk, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
    key = (id(old), id(new))
    if key in w.seen:
        return
    w.seen.add(key)
    out = w.out
    o, onull = _resolve(old, w.odefs)
    n, nnull = _resolve(new, w.ndefs)
    ot, nt = _types(o, onull), _types(n, nnull)
    if ot - nt:
        out.append(Change("major", path, f"no longer accepts {sorted(ot - nt)}"))
    if nt - ot and ot:
        out.append(Change("minor", path, f"now also accepts {sorted(nt - ot)}"))
    for kw in sorted(ANNOTATION_KEYWORDS):  # sorted: the same report whatever the hash seed
        if o.get(kw) != n.get(kw):
            out.append(Change("patch", path, f"{kw} changed"))
    _compare_values(o, n, path, out)
    _compare_bounds(o, n, path, out)
    if "properties" in o or "properties" in n:
        _compare_objects(w, o, n, path)
    if isinstance(o.get("items"), dict) and isinstance(n.get("items"), dict):
        _compare(w, o["items"], n["items"], f"{path}[*]")
    _compare_rules(o, n, path, out)
    for kw in sorted(set(o) | set(n)):
        if kw not in _HANDLED and o.get(kw) != n.get(kw):
            out.append(Change("major", path, f"{kw} changed; the gate cannot prove it compatible"))


_HANDLED = ANNOTATION_KEYWORDS | {
    "type", "enum", "const", "properties", "required", "additionalProperties", "items",
    "pattern", "format", "uniqueItems", "$defs", "$schema", "$id", *_LOWER_BOUNDS, *_UPPER_BOUNDS,
    RULES_KEYWORD,
}  # fmt: skip


def _compare_rules(
    o: Mapping[str, Any], n: Mapping[str, Any], path: str, out: list[Change]
) -> None:
    """The semantic rules (``x-dv``) are part of the contract: a rule added may reject old
    records (major), one removed or loosened cannot (minor)."""
    a, b = o.get(RULES_KEYWORD) or {}, n.get(RULES_KEYWORD) or {}
    for rule in sorted(a.keys() | b.keys()):
        x, y = a.get(rule), b.get(rule)
        if x == y:
            continue
        if rule == SCORE:  # how a value is scored: no record becomes valid or invalid
            out.append(Change("patch", path, "scoring declaration changed"))
        elif y is None:
            out.append(Change("minor", path, f"rule {rule!r} removed"))
        elif x is None:
            out.append(Change("major", path, f"rule {rule!r} added: it may reject old records"))
        elif _loosens(rule, x, y, o):
            out.append(Change("minor", path, f"rule {rule!r} loosened or extended to new fields"))
        else:
            out.append(
                Change("major", path, f"rule {rule!r} changed; the gate cannot prove it compatible")
            )


def _loosens(rule: str, old: Any, new: Any, o: Mapping[str, Any]) -> bool:
    """Whether a rule's new form accepts every value the old one did: a reference allowing more
    kinds; a date or basis rule that only reaches properties, or values, the old version does
    not have (so no old record holds them)."""
    props = o.get("properties", {})
    if rule == "ref":
        return "*" in new or set(new) >= set(old)
    if rule == "when" and isinstance(old, list) and isinstance(new, list):
        # kept as they were, and each one added only looks at a property new in this version
        extra = [w for w in new if w not in old]
        return all(w in new for w in old) and all(w.get("if") not in props for w in extra)
    if rule == "date" and isinstance(old, dict) and isinstance(new, dict):
        same = all(new.get(k) == v for k, v in old.items())
        return same and all(new[k] not in props for k in new.keys() - old.keys())
    if rule == "basis" and isinstance(old, dict) and isinstance(new, dict):
        keep = {k: v for k, v in old.items() if k != "explain"}
        if any(new.get(k) != v for k, v in keep.items()):
            return False
        wider = set(new.get("explain", [])) - set(old.get("explain", []))
        enum = set(props.get(old.get("key"), {}).get("enum", []))
        return set(new.get("explain", [])) >= set(old.get("explain", [])) and not wider & enum
    return False


def _compare_values(
    o: Mapping[str, Any], n: Mapping[str, Any], path: str, out: list[Change]
) -> None:
    if "enum" in o or "enum" in n:
        ov, nv = o.get("enum"), n.get("enum")
        if nv is not None and (ov is None or set(map(json.dumps, ov)) - set(map(json.dumps, nv))):
            removed = ov and sorted(set(map(json.dumps, ov)) - set(map(json.dumps, nv)))
            out.append(
                Change("major", path, f"enum narrowed (removed {removed or 'all but a few'})")
            )
        elif ov is not None and (nv is None or set(map(json.dumps, nv)) - set(map(json.dumps, ov))):
            out.append(Change("minor", path, "enum widened"))
    if o.get("const") != n.get("const") and not path.endswith(".schema_version"):
        out.append(
            Change("major", path, f"const changed from {o.get('const')!r} to {n.get('const')!r}")
        )
    if o.get("pattern") != n.get("pattern"):
        if "pattern" in n:
            out.append(Change("major", path, "pattern added or changed (may reject old values)"))
        else:
            out.append(Change("minor", path, "pattern removed"))
    if o.get("format") != n.get("format"):
        bump: Bump = "major" if "format" in n else "minor"
        out.append(Change(bump, path, f"format {o.get('format')!r} -> {n.get('format')!r}"))
    if bool(o.get("uniqueItems")) != bool(n.get("uniqueItems")):
        out.append(
            Change("major" if n.get("uniqueItems") else "minor", path, "uniqueItems changed")
        )


def _compare_bounds(
    o: Mapping[str, Any], n: Mapping[str, Any], path: str, out: list[Change]
) -> None:
    for kw in _LOWER_BOUNDS:
        a, b = o.get(kw), n.get(kw)
        if a != b:
            tighter = b is not None and (a is None or b > a)
            out.append(Change("major" if tighter else "minor", path, f"{kw} {a} -> {b}"))
    for kw in _UPPER_BOUNDS:
        a, b = o.get(kw), n.get(kw)
        if a != b:
            tighter = b is not None and (a is None or b < a)
            out.append(Change("major" if tighter else "minor", path, f"{kw} {a} -> {b}"))


def _compare_objects(w: _Walk, o: Mapping[str, Any], n: Mapping[str, Any], path: str) -> None:
    out = w.out
    op, np_ = o.get("properties", {}), n.get("properties", {})
    oreq, nreq = set(o.get("required", [])), set(n.get("required", []))
    # in the schemas' own property order, never a set's (whose order follows the hash seed)
    removed = [k for k in op if k not in np_]
    added = [k for k in np_ if k not in op]
    kept = [k for k in np_ if k in op]
    for name in removed:
        out.append(Change("major", f"{path}.{name}", "property removed (closed objects reject it)"))
    for name in added:
        if name in nreq:
            out.append(Change("major", f"{path}.{name}", "required property added"))
        else:
            out.append(Change("minor", f"{path}.{name}", "optional property added"))
    for name in (k for k in kept if k in oreq and k not in nreq):
        out.append(Change("minor", f"{path}.{name}", "no longer required"))
    for name in (k for k in kept if k in nreq and k not in oreq):
        out.append(Change("major", f"{path}.{name}", "now required"))
    if o.get("additionalProperties", True) is not False and n.get("additionalProperties") is False:
        out.append(Change("major", path, "closed to additional properties"))
    for name in kept:
        _compare(w, op[name], np_[name], f"{path}.{name}")


# --- (b) and (c): records under the new schema ---------------------------------------------


def redeclared(record: Any, version: str) -> Any:
    """A copy of ``record`` that declares ``version``."""
    if isinstance(record, dict) and "schema_version" in record:
        record = {**copy.deepcopy(record), "schema_version": version}
    return record


def broken_records(
    records: Iterable[tuple[str, Any]],
    new_schema: Mapping[str, Any],
    new_version: str,
    old_schema: Mapping[str, Any] | None = None,
    already_invalid: list[str] | None = None,
) -> Iterator[str]:
    """Yield the names of records that the new schema rejects. With ``old_schema``, only
    records valid under it count: the name of each that is not (and its first error) is
    appended to ``already_invalid`` instead, since a change cannot break what was broken."""
    import jsonschema

    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    v = jsonschema.Draft202012Validator(new_schema, format_checker=checker)
    old = (
        jsonschema.Draft202012Validator(old_schema, format_checker=checker) if old_schema else None
    )
    for name, record in records:
        if old is not None:
            first = next(iter(old.iter_errors(record)), None)
            if first is not None:
                if already_invalid is not None:
                    already_invalid.append(f"{name}: {first.json_path}: {first.message}")
                continue
        errors = list(v.iter_errors(redeclared(record, new_version)))
        if errors:
            e = errors[0]
            yield f"{name}: {e.json_path}: {e.message}"


def can_generate() -> bool:
    """Whether records can be generated (hypothesis-jsonschema, in the dev extra, is installed)."""
    import importlib.util

    return all(importlib.util.find_spec(m) for m in ("hypothesis", "hypothesis_jsonschema"))


class MissingGeneratorError(DiplomaticVisitsError, ImportError):
    """Records were to be generated, but hypothesis-jsonschema is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "generating records needs hypothesis and hypothesis-jsonschema: pip install "
            "'diplomatic-visits[dev]', or pass --generated 0"
        )


def shipped_records(version: str) -> list[tuple[str, Any]]:
    """The bundled records of ``version``, named by their record id."""
    from diplomatic_visits.records import load_records

    return [(r["record_id"], r) for r in load_records() if declared_version(r) == version]


def capped(node: Any, cap: int) -> Any:
    """The schema with every list capped at ``cap`` items. What it generates is valid under the
    schema itself (a part of its space), and a whole record fits hypothesis' budget: uncapped,
    most draws of a whole record overrun it, and each takes seconds."""
    if isinstance(node, dict):
        out = {k: capped(v, cap) for k, v in node.items()}
        if out.get("type") == "array" or "items" in out:
            out["maxItems"] = max(min(out.get("maxItems", cap), cap), out.get("minItems", 0))
        return out
    if isinstance(node, list):
        return [capped(v, cap) for v in node]
    return node


def generated_records(schema: Mapping[str, Any], n: int, cap: int = 2) -> list[Any]:
    """``n`` records hypothesis-jsonschema generates from ``schema``, lists capped at ``cap``
    items, the same ones every run (derandomized; needs the dev extras)."""
    if not can_generate():
        raise MissingGeneratorError()
    from hypothesis import HealthCheck, given, settings
    from hypothesis_jsonschema import from_schema

    found: list[Any] = []

    @settings(
        max_examples=n, database=None, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(from_schema(capped(dict(schema), cap)))
    def collect(record: Any) -> None:
        found.append(record)

    collect()
    return found[:n]


def load_candidate(path: Path) -> dict[str, dict[str, Any]]:
    """A candidate version folder's schema files, as {level: document}."""
    from diplomatic_visits.schema import SCHEMA_FILES

    return {
        level: json.loads((path / name).read_text(encoding="utf-8"))
        for level, name in SCHEMA_FILES.items()
        if (path / name).is_file()
    }


def check(
    old_version: str,
    new_version: str,
    new_docs: Mapping[str, Mapping[str, Any]] | None = None,
    records: Iterable[tuple[str, Any]] = (),
    generated: int = 0,
) -> Verdict:
    """Classify the change from shipped ``old_version`` to ``new_version`` (shipped, or given as
    ``new_docs`` {level: schema document} for a candidate not yet in the package)."""
    from diplomatic_visits.schema import LEVELS, bundle_schema, bundle_with

    verdict = Verdict()
    for level in LEVELS:
        old = bundle_schema(old_version, level)
        new = (
            bundle_with(new_docs, level)
            if new_docs is not None
            else bundle_schema(new_version, level)
        )
        for c in compare_schemas(old, new):
            verdict.changes.append(Change(c.bump, f"[{level}] {c.path}", c.what))
        if level == "extraction":
            pool = list(records)
            if generated:
                pool += [
                    (f"generated #{i}", r) for i, r in enumerate(generated_records(old, generated))
                ]
            verdict.broken_records.extend(
                broken_records(pool, new, new_version, old, verdict.already_invalid)
            )
    return verdict
