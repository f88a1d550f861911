"""Scores per construct (issue 27): the challenge set's gold records carry the constructs they
test, the schema says which construct groups measure each, and ``score --by construct`` reads
P/R/F1 construct by construct. Every tag of the schema's vocabulary is checked (parametrized
from the schema): the gold scores itself 1.0 on it, removing the values of its groups' fields
lowers it, and removing only fields outside its groups leaves it at 1.0."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from diplomatic_visits.cli import main
from diplomatic_visits.schema import bundle_schema, latest_version
from diplomatic_visits.score import (
    NoConstructTagsError,
    ScorePlan,
    ScoringDeclarationError,
    Shape,
    compile_plan,
    plan_for,
    render_text,
    score_records,
)

CHALLENGE = REPO / "dataset" / "challenge" / "records"
SEED = REPO / "dataset" / "records"


def _declared() -> tuple[tuple[str, ...], dict[str, Any], dict[str, list[str]]]:
    """Read from the latest schema file itself (not through the scorer): the key path of the
    property whose ``x-dv`` ``score`` declares constructs, its enum, and the declaration."""
    doc = bundle_schema(latest_version(), "extraction")
    defs = doc["$defs"]
    found: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def walk(node: dict[str, Any], keys: tuple[str, ...], seen: frozenset[str]) -> None:
        while "$ref" in node or "anyOf" in node:
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[1]
                if name in seen:
                    return
                seen, node = seen | {name}, defs[name]
            else:
                node = next(s for s in node["anyOf"] if s != {"type": "null"})
        if isinstance(node.get("items"), dict):
            walk(node["items"], keys, seen)
        for name, sub in node.get("properties", {}).items():
            if "constructs" in sub.get("x-dv", {}).get("score", {}):
                found.append(((*keys, name), sub))
            walk(sub, (*keys, name), seen)

    walk(doc, (), frozenset())
    assert len(found) == 1, found
    path, prop = found[0]
    return path, prop["items"]["enum"], prop["x-dv"]["score"]["constructs"]


TAG_PATH, TAGS, DECLARED = _declared()


def _tags(record: dict[str, Any]) -> list[str]:
    node: Any = record
    for key in TAG_PATH:
        node = node.get(key) if isinstance(node, dict) else None
    return list(node or [])


def _load(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


GOLD = _load(CHALLENGE)
PLAN = plan_for(latest_version())
SELF = score_records(copy.deepcopy(GOLD), GOLD)  # the gold against itself, scored once


def _tagged(tag: str) -> list[dict[str, Any]]:
    """The gold records tagged with ``tag``: all a construct's score counts (a pair of records
    is scored on its own), so the tests score these only."""
    return [r for r in GOLD if tag in _tags(r)]


def _fields(tag: str) -> set[tuple[str, str]]:
    """The (kind, field path)s of the construct groups that measure ``tag`` (from the plan)."""
    return {kp for g in DECLARED[tag] for kp in PLAN.groups[g]}


def _walk(
    plan: ScorePlan, record: dict[str, Any]
) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """Every leaf value of a record as the plan scores it: (kind, field path, the object that
    holds it, its key), following the plan's shapes the way the scorer names field paths."""

    def walk(shape: Shape, obj: Any, kind: str, prefix: str) -> Iterator[Any]:
        if not isinstance(obj, dict):
            return
        for s in shape.slots:
            if s.how == "spans" or s.key not in obj:
                continue
            if s.how == "entities":
                assert s.obj is not None
                for item in obj[s.key] or []:
                    yield from walk(s.obj, item, s.key, "")
                continue
            if s.date_value and prefix:
                path = prefix  # the value of a partial date is scored under the date's path
            else:
                path = (f"{prefix}.{s.key}" if prefix else s.key) + (
                    "[]" if s.many and s.obj is not None else ""
                )
            if s.obj is None:
                yield kind, path, obj, s.key
            else:
                for item in obj[s.key] if s.many and isinstance(obj[s.key], list) else [obj[s.key]]:
                    yield from walk(s.obj, item, kind, path)

    yield from walk(plan.root, record, "", "")


def _without(record: dict[str, Any], keep: Any) -> tuple[dict[str, Any], int]:
    """A copy of ``record`` without the leaf values for which ``keep(kind, path, key)`` is
    false (held values only), and how many it removed."""
    out = copy.deepcopy(record)
    drop = [
        (obj, key)
        for kind, path, obj, key in _walk(PLAN, out)
        if obj[key] not in (None, [], "") and not keep(kind, path, key)
    ]
    for obj, key in drop:
        obj[key] = [] if isinstance(obj[key], list) else None
    return out, len(drop)


def test_the_vocabulary_is_declared_in_full_and_every_tag_has_gold_records() -> None:
    assert list(DECLARED) == TAGS  # every tag mapped, in the enum's order
    assert PLAN.constructs is not None and PLAN.constructs.path == TAG_PATH
    used = {t for r in GOLD for t in _tags(r)}
    assert set(TAGS) <= used, sorted(set(TAGS) - used)
    assert all(_tags(r) for r in GOLD)


@pytest.mark.parametrize("tag", TAGS)
def test_the_gold_scores_itself_one_on_every_construct(tag: str) -> None:
    c = SELF.construct_score(tag)
    assert c.n == sum(tag in _tags(r) for r in GOLD) > 0
    assert c.counts.tp > 0, f"{tag}: its gold records hold no value of its groups' fields"
    assert (c.counts.precision, c.counts.recall, c.counts.f1) == (1.0, 1.0, 1.0)
    assert c.all_fields.f1 == 1.0
    assert c.groups == tuple(DECLARED[tag])


@pytest.mark.parametrize("tag", TAGS)
def test_removing_the_construct_lowers_its_score(tag: str) -> None:
    targets = _fields(tag)
    preds, removed = [], 0
    for r in _tagged(tag):
        r, n = _without(r, lambda kind, path, key: (kind, path) not in targets)
        removed += n
        preds.append(r)
    assert removed > 0
    c = score_records(preds, _tagged(tag)).construct_score(tag)
    assert c.counts.f1 is not None and c.counts.f1 < 1.0
    assert c.counts.recall is not None and c.counts.recall < 1.0


@pytest.mark.parametrize("tag", TAGS)
def test_removing_only_other_fields_leaves_the_construct_at_one(tag: str) -> None:
    """What identifies an object (names, references, dates, verbatim strings: what the
    alignment pairs objects by) is kept, so that the removal changes values, not pairs."""
    targets = _fields(tag)
    shapes = PLAN.shapes

    def keep(kind: str, path: str, key: str) -> bool:
        ident = PLAN.identity.get(kind, frozenset()) | set(shapes[kind].names)
        return (kind, path) in targets or path in ident or key in shapes[kind].names

    preds, removed = [], 0
    for r in _tagged(tag):
        r, n = _without(r, keep)
        removed += n
        preds.append(r)
    assert removed > 0
    result = score_records(preds, _tagged(tag))
    c = result.construct_score(tag)
    assert c.all_fields.f1 is not None and result.micro.f1 is not None and result.micro.f1 < 1.0
    assert (c.counts.precision, c.counts.recall, c.counts.f1) == (1.0, 1.0, 1.0)


def test_a_construct_counts_its_tagged_records_only() -> None:
    """A record that misses everything lowers the constructs it is tagged with, not others."""
    first = GOLD[0]
    result = score_records(copy.deepcopy(GOLD[1:]), GOLD)
    for tag in TAGS:
        c = result.construct_score(tag)
        if tag in _tags(first):
            assert c.counts.recall is not None and c.counts.recall < 1.0, tag
            assert first["article"]["id"] in c.articles
        else:
            assert c.counts.f1 == 1.0, tag


def test_the_report_per_construct_is_in_the_schemas_order_and_deterministic() -> None:
    preds = [_without(r, lambda kind, path, key: len(path) % 3)[0] for r in GOLD]
    a = score_records(preds, GOLD)
    b = score_records(list(reversed(preds)), list(reversed(GOLD)))
    assert list(a.by_construct()) == TAGS
    a_json = json.dumps({t: c.as_dict() for t, c in a.by_construct().items()})
    assert a_json == json.dumps({t: c.as_dict() for t, c in b.by_construct().items()})
    assert render_text(a, by="construct") == render_text(b, by="construct")
    first = a.by_construct()[TAGS[0]].as_dict()
    assert set(first) == {
        "n", "tp", "fp", "fn", "precision", "recall", "f1", "all_fields", "groups", "articles",
    }  # fmt: skip
    text = render_text(SELF, by="construct")
    rows = [line.split()[0] for line in text.splitlines()[1:-1] if line.startswith("  ")]
    assert rows == TAGS


def test_gold_without_tags_has_no_construct_scores_and_refuses_a_report_by_construct() -> None:
    seed = _load(SEED)
    result = score_records(copy.deepcopy(seed), seed)
    assert result.tagged == 0 and result.by_construct() == {}
    assert result.as_dict()["constructs"] == {}
    assert "construct (gold records)" not in result.as_text()
    with pytest.raises(NoConstructTagsError, match="none of the 1 gold records"):
        render_text(result, by="construct")


# --- the declaration, checked -------------------------------------------------------------------


def _doc() -> dict[str, Any]:
    return copy.deepcopy(bundle_schema(latest_version(), "extraction"))


def _prop(doc: dict[str, Any]) -> dict[str, Any]:
    node = doc
    for key in TAG_PATH:
        node = node["properties"][key]
        while "$ref" in node or "anyOf" in node:
            if "$ref" in node:
                node = doc["$defs"][node["$ref"].rsplit("/", 1)[1]]
            else:
                node = next(s for s in node["anyOf"] if s != {"type": "null"})
    return node


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.pop(TAGS[0]), f"not mapped: {TAGS[0]}"),
        (lambda m: m.update(nonsense=["dates"]), "not in the enum: nonsense"),
        (lambda m: m.update({TAGS[0]: ["no such group"]}), "'no such group' that schema"),
        (lambda m: m.update({TAGS[0]: []}), "names no group"),
        (lambda m: m.update({TAGS[0]: "dates"}), "unknown scoring declaration"),
    ],
    ids=["unmapped-tag", "extra-tag", "unknown-group", "no-group", "not-a-list"],
)
def test_a_wrong_construct_declaration_is_refused(change: Any, message: str) -> None:
    doc = _doc()
    change(_prop(doc)["x-dv"]["score"]["constructs"])
    with pytest.raises(ScoringDeclarationError, match=message):
        compile_plan(doc, latest_version())


def test_constructs_on_a_property_without_an_enum_or_on_two_properties_are_refused() -> None:
    doc = _doc()
    del _prop(doc)["items"]["enum"]
    with pytest.raises(ScoringDeclarationError, match="not a list of tags from an enum"):
        compile_plan(doc, latest_version())
    doc = _doc()
    doc["properties"]["again"] = copy.deepcopy(_prop(doc))
    with pytest.raises(ScoringDeclarationError, match="declared on 2 properties"):
        compile_plan(doc, latest_version())


def test_the_tags_are_read_wherever_the_schema_declares_them() -> None:
    """The scorer names no field: the declaration moved to another property moves the tags."""
    doc = _doc()
    prop = _prop(doc)
    del prop["x-dv"]
    moved = copy.deepcopy(prop)
    moved["x-dv"] = {"score": {"constructs": DECLARED}}
    doc["properties"]["challenge"] = {"type": "object", "properties": {"tags": moved}}
    plan = compile_plan(doc, latest_version())
    assert plan.constructs is not None and plan.constructs.path == ("challenge", "tags")
    gold = copy.deepcopy(GOLD)
    for r in gold:
        r["challenge"] = {"tags": list(reversed(_tags(r)))}
        del r[TAG_PATH[0]][TAG_PATH[1]]
    result = score_records(copy.deepcopy(gold), gold, plan=plan)
    assert {t: c.n for t, c in result.by_construct().items()} == {
        t: sum(t in _tags(r) for r in GOLD) for t in TAGS
    }


def test_a_construct_declaration_on_a_scored_property_is_a_known_policy() -> None:
    """``_check_policy`` knows the key: the declaration on a property the plan scores compiles."""
    doc = _doc()
    prop = _prop(doc)
    del prop["x-dv"]
    moved = copy.deepcopy(prop)
    moved["x-dv"] = {"score": {"constructs": DECLARED}}
    doc["properties"]["tags"] = moved
    plan = compile_plan(doc, latest_version())
    assert plan.constructs is not None and plan.constructs.path == ("tags",)


# --- the command --------------------------------------------------------------------------------


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_cli_by_construct_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    preds = _write(tmp_path / "p.jsonl", GOLD[1:])  # the first text's prediction is missing
    assert main(["score", str(preds), "--bundled", "challenge", "--by", "construct"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert list(rows) == TAGS
    for tag in TAGS:
        n = sum(tag in _tags(r) for r in GOLD)
        assert rows[tag].split()[1] == f"({n})"
        recall = rows[tag].split()[3]
        assert (recall != "1.000") == (tag in _tags(GOLD[0])), rows[tag]
    assert "object / field" not in out  # the table per construct alone


def test_cli_by_construct_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sub = GOLD[:8]  # a few records: the JSON report's bootstrap over articles is not free
    gold = _write(tmp_path / "gold.jsonl", sub)
    preds = _write(tmp_path / "p.jsonl", sub[1:])
    argv = ["score", str(preds), "--gold", str(gold), "--by", "construct", "--format", "json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["constructs"]) == TAGS
    for tag, c in report["constructs"].items():
        assert c["n"] == len(c["articles"]) == sum(tag in _tags(r) for r in sub)
        assert (c["recall"] is not None and c["recall"] < 1.0) == (tag in _tags(sub[0]))
        assert c["groups"] == DECLARED[tag]
    # the grounding found the bundled challenge texts without --source
    assert report["grounding"]["quotes"]["articles_with_text"] == len(sub) - 1


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    preds = _write(tmp_path / "p.jsonl", GOLD[:2])
    # gold records without tags: a usage error, said, nothing reported
    assert main(["score", str(SEED), "--by", "construct"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "no construct to score by" in err and "Traceback" not in err
    assert (
        main(["score", str(preds), "--gold", str(SEED), "--by", "construct", "--format", "json"])
        == 2
    )
    assert "no construct to score by" in capsys.readouterr().err
    assert main(["score", str(preds), "--bundled", "challenge", "--gold", str(CHALLENGE)]) == 2
    assert "give one" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["score", str(preds), "--by", "article"])
    assert exc.value.code == 2
    capsys.readouterr()
    # an invalid prediction: 1, the others still scored by construct
    sub = GOLD[:4]
    gold = _write(tmp_path / "gold.jsonl", sub)
    bad = copy.deepcopy(sub)
    bad[0]["visits"] = "not a list"
    _write(preds, bad)
    assert main(["score", str(preds), "--gold", str(gold), "--by", "construct"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"NOT SCORED: 1 of {len(sub)} predictions")
    assert "not scored (invalid)" in out and "construct (gold records)" in out
    # without --by, the full report carries the table per construct too
    _write(preds, sub)
    assert main(["score", str(preds), "--gold", str(gold)]) == 0
    out = capsys.readouterr().out
    assert "object / field" in out and "construct (gold records)" in out
