"""Scoring derived from the schema: every valid record scores itself 1.0, every optional
construct of every shipped version counts, and a new version's field counts with no code."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import EXAMPLES, REPO
from diplomatic_visits.schema import available_versions, bundle_schema, resolve
from diplomatic_visits.score import (
    compile_plan,
    iter_pairs,
    plan_for,
    score_records,
)


def _valid_records() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in [*sorted((REPO / "dataset" / "records").glob("*.json")),
                 *sorted((EXAMPLES / "valid").glob("*.json")),
                 *sorted((REPO / "dataset" / "challenge" / "records").glob("*.json"))]:  # fmt: skip
        doc = json.loads(path.read_text(encoding="utf-8"))
        for i, r in enumerate(doc if isinstance(doc, list) else [doc]):
            out.append((f"{path.name}[{i}]", r))
    return out


RECORDS = _valid_records()


def _nobody_named(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every visit's visitors, hosts, origin and destination left out, as the
    codebook prescribes when the text does not say who travelled where."""
    out = copy.deepcopy(record)
    for v in out["visits"]:
        v["visitors"], v["hosts"], v["origin"], v["destination"] = [], [], None, None
    return out


def test_every_shipped_version_has_records_to_check() -> None:
    assert {r["schema_version"] for _, r in RECORDS} == set(available_versions())


@pytest.mark.parametrize(("name", "record"), RECORDS, ids=[n for n, _ in RECORDS])
def test_every_valid_record_scores_itself_one(name: str, record: dict[str, Any]) -> None:
    for r in (record, _nobody_named(record)):
        result = score_records([r], [copy.deepcopy(r)])
        assert result.micro.f1 == 1.0 and result.macro_f1 == 1.0, name
        assert all(c.fp == c.fn == 0 for c in result.objects.values()), name
        assert score_records([r], [r], stated_only=True).micro.f1 in (1.0, None)


def test_visits_that_name_nobody_still_align() -> None:
    record = _nobody_named(dict(RECORDS[0][1]))
    pairs = [p for p in iter_pairs(record, copy.deepcopy(record)) if p.kind == "visits"]
    assert len(pairs) == len(record["visits"]) > 1
    assert all(p.status == "matched" and p.pred_path == p.gold_path for p in pairs)


# --- every optional construct counts --------------------------------------------------------


def _constructs(
    node: dict[str, Any],
    defs: dict[str, Any],
    value: Any,
    ptr: str,
    at: tuple[Any, ...],
    chain: tuple[str, ...] = (),
) -> Iterator[tuple[str, tuple[Any, ...], str, tuple[str, ...]]]:
    """Each optional construct held in ``value`` (walked with its schema): (the schema pointer
    of the property, the path of the value, how to remove it: ``delete`` an optional
    property, ``null`` a nullable one, ``empty`` a list; the pointers on the way there)."""
    r = resolve(node, defs)
    schema = r.schema
    here = ptr
    if "$ref" in node or ("anyOf" in node and "$ref" in json.dumps(node["anyOf"])):
        ref = node.get("$ref") or next(b["$ref"] for b in node["anyOf"] if "$ref" in b)
        here = "/$defs/" + ref.rsplit("/", 1)[1]
        chain = (*chain, here)
    if isinstance(value, dict) and "properties" in schema:
        required = set(schema.get("required", ()))
        for key, sub in schema["properties"].items():
            if key not in value:
                continue
            v = value[key]
            pointer = f"{here}/properties/{key}"
            sub_r = resolve(sub, defs)
            types = sub_r.schema.get("type")
            nullable = sub_r.nullable or (isinstance(types, list) and "null" in types)
            where = (*chain, pointer)
            if key not in required:
                yield pointer, (*at, key), "delete", where
            elif nullable and v is not None:
                yield pointer, (*at, key), "null", where
            elif isinstance(v, list) and v and not sub_r.schema.get("minItems"):
                yield pointer, (*at, key), "empty", where
            yield from _constructs(sub, defs, v, pointer, (*at, key), where)
    elif isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            yield from _constructs(schema["items"], defs, item, f"{here}/items", (*at, i), chain)


def _removed(record: dict[str, Any], path: tuple[Any, ...], how: str) -> dict[str, Any]:
    out = copy.deepcopy(record)
    node: Any = out
    for part in path[:-1]:
        node = node[part]
    if how == "delete":
        del node[path[-1]]
    else:
        node[path[-1]] = None if how == "null" else []
    return out


Held = tuple[str, dict[str, Any], tuple[Any, ...], str, tuple[str, ...]]


def _held() -> dict[str, Held]:
    """Per optional construct (version and schema pointer), the first valid record that holds
    it (a scored occurrence first, where there is one)."""
    found: dict[str, Held] = {}
    for name, record in RECORDS:
        version = record["schema_version"]
        doc = bundle_schema(version)
        unscored = plan_for(version).unscored
        for pointer, path, how, chain in _constructs(doc, doc["$defs"], record, "", ()):
            key = f"{version} {pointer}"
            if key not in found or (
                set(found[key][4]) & set(plan_for(found[key][1]["schema_version"]).unscored)
                and not set(chain) & set(unscored)
            ):
                found[key] = (name, record, path, how, chain)
    return found


HELD = _held()


def test_the_removals_cover_what_1_1_0_added() -> None:
    added = [k for k in HELD if k.startswith("1.1.0 ")]
    for construct in ("legs", "status_history", "level", "decided_by", "codes", "agreement",
                      "co_speakers", "relayed_by", "modality", "invitation", "delegation",
                      "written", "earliest"):  # fmt: skip
        assert any(k.endswith(f"/properties/{construct}") for k in added), construct


@pytest.mark.parametrize("construct", sorted(HELD))
def test_removing_an_optional_construct_lowers_a_named_score(construct: str) -> None:
    name, gold, path, how, chain = HELD[construct]
    version = construct.split(" ", 1)[0]
    pred = _removed(gold, path, how)
    result = score_records([pred], [gold])
    if set(chain) & set(plan_for(version).unscored):
        # declared unscored, with its reason (test_unscored_constructs_say_why): as said
        assert result.micro.f1 == 1.0, construct
        return
    lowered = [(k, f) for k, fs in result.fields.items() for f, c in fs.items() if c.fn > 0]
    lowered += [(k, "(aligned)") for k, c in result.objects.items() if c.fn > 0]
    if lowered:
        return
    # evidence is grounding, not a field: its removal loses evidence quotes or overlaps
    before, after = score_records([gold], [gold]).grounding(), result.grounding()
    assert (
        after["evidence_quotes"]["fn"] > before["evidence_quotes"]["fn"]
        or after["evidence_iou"]["values"] < before["evidence_iou"]["values"]
    ), f"{construct} ({name} {path}): removing it changes no score"


def test_unscored_constructs_say_why() -> None:
    for version in available_versions():
        plan = plan_for(version)
        assert plan.unscored, version
        for pointer, reason in plan.unscored.items():
            assert len(reason) > 20, (version, pointer)


def test_the_order_of_an_ordered_list_counts() -> None:
    seen = 0
    for _name, record in RECORDS:
        plan = plan_for(record["schema_version"])
        for kind, leaves in plan.leaves.items():
            for path in leaves:
                if not path.endswith(" (order)"):
                    continue
                key = path[: -len(" (order)")]
                for i, obj in enumerate(record.get(kind, [])):
                    if len(obj.get(key) or []) < 2:
                        continue
                    pred = copy.deepcopy(record)
                    pred[kind][i][key].reverse()
                    result = score_records([pred], [record])
                    assert result.fields[kind][path].f1 < 1.0, (kind, path)
                    assert result.fields[kind][path].tp >= 1.0
                    seen += 1
    assert seen >= 2  # legs and status history


# --- a new version -----------------------------------------------------------------------------


def _first_of(version: str) -> dict[str, Any]:
    """The gold record of ``version`` (the fixture below is 1.1.0 with additions): the shipped
    one, or the copy among the valid examples once the shipped one is of a later version."""
    return next(r for _, r in RECORDS if r["schema_version"] == version and "annotation" in r)


def _fixture_version() -> dict[str, Any]:
    """Schema 1.1.0 as a candidate 1.2.0 with two new optional properties on a visit: an enum
    and a list of references to actors."""
    doc = bundle_schema("1.1.0")
    doc["$id"] = doc["$id"].replace("1.1.0", "1.2.0")
    doc["properties"]["schema_version"] = {"const": "1.2.0"}
    visit = doc["$defs"]["visit"]["properties"]
    visit["weather"] = {"type": "string", "enum": ["sunny", "rainy"]}
    visit["observers"] = {
        "type": "array",
        "items": {"type": "string", "x-dv": {"ref": ["actor"]}},
        "uniqueItems": True,
    }
    doc["properties"]["occasion"] = {"type": "string", "enum": ["summit", "anniversary"]}
    return doc


def test_a_new_optional_field_is_scored_with_no_code_change() -> None:
    doc = _fixture_version()
    plan = compile_plan(doc, "1.2.0")
    assert {"weather", "observers"} <= set(plan.leaves["visits"])
    gold = copy.deepcopy(_first_of("1.1.0"))
    gold["schema_version"] = "1.2.0"
    gold["visits"][0]["weather"] = "rainy"
    gold["visits"][0]["observers"] = [a["id"] for a in gold["actors"][:2]]
    gold["occasion"] = "anniversary"  # a value of the record itself, beside its objects
    jsonschema.Draft202012Validator(doc).validate(gold)
    assert score_records([gold], [gold], plan=plan).micro.f1 == 1.0
    pred = copy.deepcopy(gold)
    del pred["visits"][0]["weather"], pred["visits"][0]["observers"]
    pred["occasion"] = "summit"
    result = score_records([pred], [gold], plan=plan)
    assert result.fields["visits"]["weather"].fn == 1
    assert result.fields["visits"]["observers"].fn == 2
    assert result.fields["record"]["occasion"].fn == 1 and result.objects["record"].tp == 1
    pred["visits"][0]["observers"] = [gold["actors"][0]["id"], gold["actors"][3]["id"]]
    result = score_records([pred], [gold], plan=plan)
    c = result.fields["visits"]["observers"]
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)


def test_a_new_version_declares_its_scoring_in_the_schema() -> None:
    from diplomatic_visits.compat import compare_schemas
    from diplomatic_visits.rules import compile_rules

    doc = _fixture_version()
    visit = doc["$defs"]["visit"]["properties"]
    visit["motto"] = {
        "type": "string",
        "x-dv": {"score": {"text": "exact", "groups": ["arrangements"]}},
    }
    visit["scratch"] = {"type": "string", "x-dv": {"score": {"skip": "the extractor's notes"}}}
    compile_rules(doc, "1.2.0")  # the rules read past it
    plan = compile_plan(doc, "1.2.0")
    assert ("visits", "motto") in plan.groups["arrangements"]
    assert plan.unscored["/$defs/visit/properties/scratch"] == "the extractor's notes"
    assert "scratch" not in plan.leaves["visits"]
    gold = copy.deepcopy(_first_of("1.1.0"))
    gold["visits"][0].update(motto="Friends Across the Sea", scratch="x")
    pred = copy.deepcopy(gold)
    pred["visits"][0].update(motto="friends across the sea!", scratch="y")
    result = score_records([pred], [gold], plan=plan)
    assert result.fields["visits"]["motto"].tp == 1 and result.micro.f1 == 1.0
    pred["visits"][0]["motto"] = "friends across the ocean"
    assert score_records([pred], [gold], plan=plan).fields["visits"]["motto"].tp == 0
    # a scoring declaration never changes which records are valid: a patch for the gate
    before = _fixture_version()
    before["$defs"]["visit"]["properties"]["motto"] = {"type": "string"}
    after = copy.deepcopy(before)
    after["$defs"]["visit"]["properties"]["motto"]["x-dv"] = {"score": {"text": "exact"}}
    assert [c.bump for c in compare_schemas(before, after)] == ["patch"]
    with pytest.raises(ValueError, match="unknown scoring declaration"):
        bad = copy.deepcopy(after)
        bad["$defs"]["visit"]["properties"]["motto"]["x-dv"] = {"score": {"text": "fuzzy"}}
        compile_plan(bad, "1.2.0")


def test_the_scoring_files_name_what_their_schema_has() -> None:
    for path in sorted((REPO / "schema" / "scoring").glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        assert spec["schema"] == f"{path.stem}/record.schema.json"
        doc = json.loads((REPO / "schema" / spec["schema"]).read_text(encoding="utf-8"))
        for pointer in [*spec["fields"], *(p for ps in spec["groups"].values() for p in ps)]:
            node: Any = doc
            for part in pointer.lstrip("/").split("/"):
                node = node[part]
        compile_plan(bundle_schema(path.stem), path.stem)  # the policies are known


# the words score.py may quote that are also property names: the x-dv vocabulary
# (schema/README.md), JSON Schema's keywords, the scoring files' policies and the report's keys
VOCABULARY = {
    "id", "ref", "span", "start", "end", "quote", "basis", "reason", "explain", "date", "value",
    "precision", "weekday", "written", "earliest", "latest", "type", "text", "name", "method",
    "level", "description",
}  # fmt: skip


def test_score_py_names_no_field() -> None:
    source = (REPO / "loaders" / "diplomatic_visits" / "score.py").read_text(encoding="utf-8")
    doc = bundle_schema("1.1.0")
    names = {k for d in doc["$defs"].values() for k in d.get("properties", {})}
    names |= set(doc["properties"])
    quoted = {n for n in names - VOCABULARY if f'"{n}"' in source or f"'{n}'" in source}
    assert not quoted, f"score.py names fields of the schema: {sorted(quoted)}"


def test_a_report_is_deterministic(tmp_path: Path) -> None:
    gold = RECORDS[0][1]
    pred = copy.deepcopy(gold)
    pred["visits"].reverse()
    pred["actors"].reverse()
    a = score_records([pred], [gold]).as_dict()
    b = score_records([copy.deepcopy(pred)], [gold]).as_dict()
    assert a == b


def test_a_prediction_is_scored_under_its_gold_records_version() -> None:
    old = copy.deepcopy(_load_example("verified-gold-record.json"))
    assert old["schema_version"] == "1.0.0"
    new = copy.deepcopy(old)
    new["schema_version"] = "1.1.0"
    new["visits"][0]["level"] = {"value": "official", "basis": "stated", "inferred_from": None,
                                 "evidence": []}  # fmt: skip
    # the 1.0.0 gold cannot say a level: a 1.1.0 prediction's is not counted against it
    result = score_records([new], [old])
    assert result.micro.f1 == 1.0 and "level.value" not in result.fields["visits"]
    # a 1.1.0 gold can: a 1.0.0 prediction misses it
    result = score_records([old], [new])
    assert result.fields["visits"]["level.value"].fn == 1 and result.micro.f1 < 1.0


def _load_example(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((EXAMPLES / "valid" / name).read_text(encoding="utf-8"))
    return doc


def _renamed(record: Any, ids: set[str]) -> Any:
    """The record with every id, and every reference to one, renamed."""
    if isinstance(record, dict):
        return {k: _renamed(v, ids) for k, v in record.items()}
    if isinstance(record, list):
        return [_renamed(v, ids) for v in record]
    return f"z{record}" if isinstance(record, str) and record in ids else record


@pytest.mark.parametrize(("name", "record"), RECORDS, ids=[n for n, _ in RECORDS])
def test_ids_are_each_sides_own(name: str, record: dict[str, Any]) -> None:
    from diplomatic_visits.score import _ids

    found: dict[str, str] = {}
    _ids(plan_for(record["schema_version"]).root, record, found)
    assert found, name
    pred = _renamed(record, set(found))
    pred["article"] = record["article"]
    assert score_records([pred], [record]).micro.f1 == 1.0, name


def test_what_cannot_be_aligned_is_refused_not_left_out() -> None:
    from diplomatic_visits.score import ScoringDeclarationError

    nested = _fixture_version()
    nested["$defs"]["invitation"]["properties"]["meetings"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/sub_event"},
    }
    with pytest.raises(ScoringDeclarationError, match="inside an object without one"):
        compile_plan(nested, "1.2.0")
    twice = _fixture_version()
    twice["$defs"]["statement"]["properties"]["sub_events"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/sub_event"},
    }
    with pytest.raises(ScoringDeclarationError, match="named 'sub_events'"):
        compile_plan(twice, "1.2.0")
