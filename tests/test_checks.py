"""Each semantic rule catches what it is for, on mutations of the gold record."""

from __future__ import annotations

from typing import Any

import pytest

from diplomatic_visits.checks import iter_semantic_issues, locate_quote, parse_partial_date


def _keywords(record: dict[str, Any], text: str | None = None) -> set[tuple[str, str]]:
    return {(i.json_path, i.keyword) for i in iter_semantic_issues(record, text)}


def test_gold_has_no_semantic_issue(gold: dict[str, Any], gold_text: str) -> None:
    assert _keywords(gold, gold_text) == set()


def test_duplicate_id(gold: dict[str, Any]) -> None:
    gold["places"][0]["id"] = gold["actors"][0]["id"]
    assert ("$.places[0].id", "unique-id") in _keywords(gold)


def test_reference_to_wrong_kind(gold: dict[str, Any]) -> None:
    gold["statements"][0]["speaker"] = "p_russia"
    assert ("$.statements[0].speaker", "ref-exists") in _keywords(gold)


def test_outcome_sub_event_must_belong_to_its_visit(gold: dict[str, Any]) -> None:
    gold["visits"][0]["outcomes"][0]["sub_event"] = "e_meeting_2019"
    assert ("$.visits[0].outcomes[0].sub_event", "ref-exists") in _keywords(gold)


def test_sentence_contributes_unknown_id(gold: dict[str, Any]) -> None:
    gold["annotation"]["sentences"][0]["contributes"].append("v_nowhere")
    n = len(gold["annotation"]["sentences"][0]["contributes"]) - 1
    assert (f"$.annotation.sentences[0].contributes[{n}]", "ref-exists") in _keywords(gold)


@pytest.mark.parametrize(
    ("value", "precision", "ok"),
    [
        ("2023-09-12", "day", True),
        ("2023-09", "month", True),
        ("2023", "year", True),
        ("2023-02-29", "day", False),
        ("2023-13", "month", False),
        ("2023-09", "day", False),
        ("2023-09-12", "year", False),
        ("0000", "year", False),
    ],
)
def test_date_form(gold: dict[str, Any], value: str, precision: str, ok: bool) -> None:
    d = gold["visits"][0]["start"]
    d.update(value=value, precision=precision, weekday=None)
    gold["visits"][0]["end"].update(value="2024", precision="year", weekday=None)
    gold["visits"][0]["duration_days"] = None
    found = ("$.visits[0].start.value", "date-form") in _keywords(gold)
    assert found != ok


def test_unknown_precision_needs_null_value(gold: dict[str, Any]) -> None:
    gold["visits"][2]["start"]["value"] = "2023"
    assert ("$.visits[2].start.value", "date-form") in _keywords(gold)


def test_weekday_must_agree(gold: dict[str, Any]) -> None:
    gold["statements"][-1]["date"]["weekday"] = "thursday"
    assert ("$.statements[6].date.weekday", "weekday") in _keywords(gold)


def test_inferred_needs_a_reason(gold: dict[str, Any]) -> None:
    gold["actors"][3]["country"]["inferred_from"] = None
    assert ("$.actors[3].country.inferred_from", "basis-explained") in _keywords(gold)


def test_end_before_start_and_duration(gold: dict[str, Any]) -> None:
    gold["visits"][0]["duration_days"] = 7
    assert ("$.visits[0].duration_days", "duration") in _keywords(gold)
    gold["visits"][0]["start"].update(value="2023-10", precision="month", weekday=None)
    assert ("$.visits[0].end.value", "date-order") in _keywords(gold)


def test_quote_mode(gold: dict[str, Any]) -> None:
    gold["statements"][1]["quote"] = None
    gold["statements"][0]["quote"] = "weapons"
    kw = _keywords(gold)
    assert ("$.statements[1].quote", "quote-mode") in kw
    assert ("$.statements[0].quote", "quote-mode") in kw


def test_span_offsets_and_text(gold: dict[str, Any], gold_text: str) -> None:
    span = gold["visits"][0]["evidence"][0]
    span["start"] += 1
    span["end"] += 1
    assert ("$.visits[0].evidence[0]", "span-text") not in _keywords(gold)  # needs the text
    kw = _keywords(gold, gold_text)
    assert ("$.visits[0].evidence[0]", "span-text") in kw
    msg = next(i.message for i in iter_semantic_issues(gold, gold_text) if i.keyword == "span-text")
    assert "occurs at [0, 103)" in msg  # tells the user where the quote really is


def test_quote_without_offsets_is_located_or_reported(gold: dict[str, Any], gold_text: str) -> None:
    gold["visits"][0]["evidence"] = [
        {"quote": "Kim had a farewell ceremony"},
        {"quote": "Kim visited Pyongyang"},
    ]
    kw = _keywords(gold, gold_text)
    assert ("$.visits[0].evidence[1].quote", "span-text") in kw
    assert ("$.visits[0].evidence[0].quote", "span-text") not in kw
    assert locate_quote(gold_text, "Kim had a farewell ceremony") == [(283, 310)]


def test_text_file_length(gold: dict[str, Any], gold_text: str) -> None:
    assert ("$.article.text_file.length", "text-file") in _keywords(gold, gold_text + "x")


def test_parse_partial_date() -> None:
    assert parse_partial_date("2024-02-29") == (2024, 2, 29)
    assert parse_partial_date("2023-02-29") is None
    assert parse_partial_date("2019-04") == (2019, 4, None)


def generic_nodes(record: Any) -> tuple[list[Any], list[Any]]:
    """Every span and every object with a basis, found by visiting every node (no schema)."""
    spans, bases = [], []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), record)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            if "quote" in node and set(node) <= {"start", "end", "quote"}:
                spans.append((path, node))
                continue
            if "basis" in node:
                bases.append((path, node))
            stack.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
    return sorted(spans, key=repr), sorted(bases, key=repr)


def planned(record: Any, text: bool = True, offsets: bool = True) -> tuple[list[Any], list[Any]]:
    """The spans and the objects with a basis rule that the plan visits."""
    from diplomatic_visits.rules import Node, plan

    spans: list[Any] = []
    bases: list[Any] = []

    def visit(value: Any, node: Node, path: tuple[Any, ...]) -> None:
        if not isinstance(value, dict):
            return
        if node.span is not None:
            spans.append((path, value))
        if node.basis is not None:
            bases.append((path, value))
        for f in node.fields:
            sub = value.get(f.key)
            if f.obj is None or sub is None:
                continue
            items = enumerate(sub) if f.many else [(None, sub)]
            for i, item in items:
                visit(item, f.obj, (*path, f.key) if i is None else (*path, f.key, i))

    visit(record, plan(record["schema_version"], text, offsets).root, ())
    return sorted(spans, key=repr), sorted(bases, key=repr)


def test_the_schema_plan_finds_what_a_full_walk_finds(gold: dict[str, Any]) -> None:
    assert planned(gold) == generic_nodes(gold)
    spans, bases = planned(gold, text=False, offsets=False)
    assert spans == [] and bases == generic_nodes(gold)[1]


def test_the_plan_is_the_schema_s_annotations() -> None:
    # every kind, reference and rule the engine knows comes from x-dv annotations
    from diplomatic_visits.rules import rules_for

    r = rules_for("1.0.0")
    assert r.kinds == ("actor", "place", "visit", "sub_event", "outcome", "statement")
    refs = []

    def visit(node: Any, where: str) -> None:
        for f in node.fields:
            if f.ref is not None:
                refs.append((f"{where}.{f.key}", f.ref.kinds, f.ref.scope))
            if f.obj is not None:
                visit(f.obj, f"{where}.{f.key}")

    visit(r.root, "$")
    assert ("$.visits.outcomes.sub_event", ("sub_event",), "visit") in refs
    assert ("$.statements.about", ("visit", "sub_event"), None) in refs
    assert ("$.annotation.sentences.contributes", (), None) in refs  # any kind
    assert len(refs) == 13  # the reference sites the codebook lists


def test_a_declaration_outside_the_vocabulary_is_refused() -> None:
    from diplomatic_visits.rules import RuleDeclarationError, compile_rules
    from diplomatic_visits.schema import bundle_schema

    for bad in (
        {"refs": ["actor"]},  # a misspelt rule
        {"ref": ["nobody"]},  # a kind no id declares
        {"ref": []},
        {"span": {"start": "start"}},  # keys missing
    ):
        doc = bundle_schema("1.0.0")
        doc["$defs"]["note"]["properties"]["text"]["x-dv"] = bad
        with pytest.raises(RuleDeclarationError):
            compile_rules(doc, "test")


def test_skipping_spans_needs_the_promise_of_no_offsets(gold: dict[str, Any]) -> None:
    gold["visits"][0]["evidence"][0]["end"] += 1
    assert any(i.keyword == "span-offsets" for i in iter_semantic_issues(gold))
    assert not any(i.keyword == "span-offsets" for i in iter_semantic_issues(gold, offsets=False))
