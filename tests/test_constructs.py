"""The schema 1.1.0 construct examples (``examples/valid/1.1.0-*.json``): each is valid against
its constructed article text (``examples/texts/``), every text is indexed by some example, each
example holds the construct it is named after, and the compiled accelerator accepts them all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, dates, load_json, objects
from diplomatic_visits import accel
from diplomatic_visits.checks import bounds_of
from diplomatic_visits.cli import main
from diplomatic_visits.inputs import Sources, iter_documents
from diplomatic_visits.parse import Document
from diplomatic_visits.validate import check_document

TEXTS = EXAMPLES / "texts"
TEXT_FILES = sorted(TEXTS.glob("*.txt"))
CONSTRUCTS = (
    "itinerary",
    "arrangements",
    "status-over-time",
    "dates",
    "outcomes",
    "statements",
    "actors",
    "codes",
)
VALID = {c: EXAMPLES / "valid" / f"1.1.0-{c}.json" for c in CONSTRUCTS}


def record(construct: str) -> dict[str, Any]:
    return load_json(VALID[construct])  # type: ignore[no-any-return]


def text_of(rec: dict[str, Any]) -> Path:
    return EXAMPLES / rec["article"]["text_file"]["path"]


def ids(rec: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in rec[key]}


def visits_with(rec: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [v for v in rec["visits"] if key in v]


# --- (a) valid against their texts -----------------------------------------------------------


def test_every_construct_has_its_example() -> None:
    assert sorted((EXAMPLES / "valid").glob("1.1.0-*.json")) == sorted(VALID.values())


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_valid_against_its_text(construct: str) -> None:
    docs = list(iter_documents(str(VALID[construct])))
    assert len(docs) == 1 and isinstance(docs[0], Document)
    rec = docs[0].value
    assert rec["schema_version"] == "1.1.0"
    sources = Sources.from_files([str(text_of(rec))])
    assert sources.find(rec) is not None
    result = check_document(docs[0], level="extraction", sources=sources)
    assert result.issues == [], [str(i) for i in result.issues]
    # and the offsets really index the text, span by span
    text = text_of(rec).read_text(encoding="utf-8")
    spans = [o for o in objects(rec) if "quote" in o and "start" in o]
    assert spans and all(text[o["start"] : o["end"]] == o["quote"] for o in spans)


def test_the_command_accepts_them_all(capsys: pytest.CaptureFixture[str]) -> None:
    sources = [arg for p in TEXT_FILES for arg in ("--source", str(p))]
    code = main(["validate", *map(str, VALID.values()), *sources])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{len(VALID)} records checked: {len(VALID)} valid, 0 invalid" in out


# --- (b) every text is used --------------------------------------------------------------------


def test_every_text_is_indexed_by_an_example() -> None:
    assert len(TEXT_FILES) >= 3
    used: set[str] = set()
    for path in sorted((EXAMPLES / "valid").glob("*.json")):
        article = load_json(path)["article"]
        tf = article["text_file"]
        if tf is not None and tf["path"].startswith("texts/"):
            assert article["id"] == Path(tf["path"]).stem
            used.add(tf["path"])
    assert {f"texts/{p.name}" for p in TEXT_FILES} <= used


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: p.stem)
def test_texts_are_plain_constructed_articles(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    headline, blank, body = text.partition("\n\n")
    assert blank and headline and "\n" not in headline and body.strip()
    assert 150 <= len(body.split()) <= 300
    assert "\r" not in text and text.endswith("\n")


def test_texts_use_curly_apostrophes() -> None:
    assert any("’" in p.read_text(encoding="utf-8") for p in TEXT_FILES)


# --- (c) each example holds its construct ------------------------------------------------------


def test_itinerary() -> None:
    rec = record("itinerary")
    places = ids(rec, "places")
    (tour,) = visits_with(rec, "legs")
    legs = tour["legs"]
    assert len(legs) >= 3
    starts = [bounds_of(leg["start"]["value"]) for leg in legs]
    assert all(s is not None for s in starts) and starts == sorted(starts)  # type: ignore[type-var]
    stops = [leg["place"]["place"] for leg in legs]
    assert len(set(stops)) == len(stops)
    assert len({places[p]["country"]["code"] for p in stops}) >= 2
    venues = [leg for leg in legs if "venue" in leg]
    assert venues and all(leg["venue"]["place"] != leg["place"]["place"] for leg in venues)
    assert all(places[leg["venue"]["place"]]["kind"] == "site" for leg in venues)


def test_arrangements() -> None:
    rec = record("arrangements")
    actors = ids(rec, "actors")
    (v,) = rec["visits"]
    assert v["kind"] == "official_visit" and v["level"]["value"] == "official"
    assert v["invitation"]["by"] and all(a in actors for a in v["invitation"]["by"])
    delegation = v["delegation"]
    assert delegation["head"] in v["visitors"]
    assert len(delegation["members"]) >= 2 and all(m["role"] for m in delegation["members"])
    assert v["venue"]["place"] != v["destination"]["place"]


def test_status_over_time() -> None:
    rec = record("status-over-time")
    events = [e for v in visits_with(rec, "status_history") for e in v["status_history"]]
    values = {e["value"] for e in events}
    assert {"proposed", "invited", "scheduled", "postponed", "cancelled"} <= values
    assert any(e.get("confirmation") == "unconfirmed" and e["announced_by"] for e in events)
    (postponed,) = [e for e in events if e["value"] == "postponed"]
    assert postponed["start"]["value"] and postponed["reason"] and postponed["decided_by"]
    assert postponed["confirmation"] == "confirmed" and postponed["confirmed_by"]
    (cancelled,) = [e for e in events if e["value"] == "cancelled"]
    assert cancelled["reason"] and cancelled["decided_by"]
    for v in visits_with(rec, "status_history"):
        assert v["status"]["value"] == v["status_history"][-1]["value"]


def test_dates() -> None:
    found = dates(record("dates"))
    assert any(d.get("written", "").startswith("--") for d in found)
    bounded = [d for d in found if "earliest" in d and "latest" in d]
    assert bounded and all(d["earliest"] <= d["latest"] for d in bounded)
    assert any(d["text"] == "between 12 and 15 March" for d in bounded)
    knowledge = [d for d in found if d["basis"] == "inferred_with_knowledge"]
    assert knowledge and all(d["inferred_from"] for d in knowledge)
    assert any(d["weekday"] for d in knowledge)


def test_outcomes() -> None:
    rec = record("outcomes")
    actors = ids(rec, "actors")
    outcomes = {o["id"]: o for v in rec["visits"] for o in v["outcomes"]}
    (signed,) = [o for o in outcomes.values() if "agreement" in o]
    agreement = signed["agreement"]
    assert signed["kind"] == "agreement_signed" and agreement["type"] == "memorandum"
    assert agreement["title"] and agreement["sectors"]
    assert len(agreement["signatories"]) >= 2
    assert all(a in actors for a in agreement["signatories"] + signed["parties"])
    (exchange,) = [o for o in outcomes.values() if o["kind"] == "exchange"]
    assert exchange["certainty"] in ("alleged", "expected") and exchange["parties"]
    assert "certainty" not in signed  # reported as fact: left out


def test_statements() -> None:
    rec = record("statements")
    actors = ids(rec, "actors")
    outcomes = {o["id"] for v in rec["visits"] for o in v["outcomes"]}
    statements = rec["statements"]
    assert any(s.get("co_speakers") for s in statements)
    relayed = [s for s in statements if s.get("relayed_by")]
    assert relayed and all(s["reported_via"] for s in relayed)
    assert any(s.get("addressees") for s in statements)
    assert any(s.get("modality") == "hedged" for s in statements)
    about = {a for s in statements for a in s["about"]}
    assert about & outcomes and about & set(actors)
    assert any("codes" in s for s in statements)


def test_actors() -> None:
    actors = ids(record("actors"), "actors")
    members = [a for a in actors.values() if a.get("member_of")]
    assert len(members) >= 2
    assert all(actors[m["group"]]["kind"] == "group" for a in members for m in a["member_of"])
    (consul,) = [a for a in actors.values() if "represents" in a]
    state = actors[consul["represents"]["state"]]
    assert state["kind"] == "state" and state["country"]["code"] != consul["country"]["code"]


def test_codes() -> None:
    rec = record("codes")
    (cancelled,) = [v for v in rec["visits"] if v["status"]["value"] == "cancelled"]
    assert cancelled["codes"]["plover_event"] == "REJECT"
    assert cancelled["codes"]["plover_mode"] == "meet"
    by_event = {s["codes"]["plover_event"]: s for s in rec["statements"] if "codes" in s}
    assert by_event["ACCUSE"]["kind"] == "condemnation"
    assert by_event["ACCUSE"]["codes"]["plover_mode"] == "disapprove"
    assert "signed" in by_event["SUPPORT"]["paraphrase"]
    every = [o for o in objects(rec) if "plover_event" in o]
    assert all(c["plover_mode"] is None for c in every if c["plover_event"] == "AGREE")
    assert all(c["cameo"] is None or isinstance(c["cameo"], str) for c in every)


# --- (d) the compiled accelerator --------------------------------------------------------------


def test_the_accelerator_accepts_them() -> None:
    if accel.module() is None:
        pytest.skip("no compiled accelerator in this install")
    bare = accel.acceptor("extraction")
    sources = Sources.from_files(map(str, TEXT_FILES))
    with_text = accel.acceptor("extraction", sources.choose)
    assert bare is not None and with_text is not None
    for construct in CONSTRUCTS:
        rec = record(construct)
        raw = json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode()
        assert bare(raw) == rec, construct
        assert with_text(raw) == rec, construct
