"""The schema 2.0.0 construct examples (``examples/valid/2.0.0-*.json``): one record per construct
2.0.0 adds, each valid against its constructed text (``examples/texts/``, invented people and
countries), and each holding the construct it is named after, so that an example cannot drift
into a record that no longer shows what the codebook cites it for."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import EXAMPLES, dates, load_json, objects
from diplomatic_visits.cli import main
from diplomatic_visits.inputs import Sources, iter_documents
from diplomatic_visits.parse import Document
from diplomatic_visits.validate import check_document

CONSTRUCTS = (
    "year-less-day",
    "season",
    "weekday-only",
    "relative-resolved",
    "relative-unresolved",
    "interval",
    "open-interval",
    "approximate",
    "not-announced",
    "tour-under-way",
    "chained-announcement",
    "agreement",
    "begun",
    "no-headline",
    "former-state",
)
VALID = {c: EXAMPLES / "valid" / f"2.0.0-{c}.json" for c in CONSTRUCTS}
TEXTS = sorted({EXAMPLES / load_json(p)["article"]["text_file"]["path"] for p in VALID.values()})


def record(construct: str) -> dict[str, Any]:
    return load_json(VALID[construct])  # type: ignore[no-any-return]


def events(rec: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for v in rec["visits"] for e in v.get("status_history", [])]


# --- valid against their texts ------------------------------------------------------------------


def test_every_construct_has_its_example() -> None:
    assert sorted((EXAMPLES / "valid").glob("2.0.0-*.json")) == sorted(VALID.values())


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_valid_against_its_text(construct: str) -> None:
    docs = list(iter_documents(str(VALID[construct])))
    assert len(docs) == 1 and isinstance(docs[0], Document)
    rec = docs[0].value
    assert rec["schema_version"] == "2.0.0"
    path = EXAMPLES / rec["article"]["text_file"]["path"]
    assert rec["article"]["id"] == path.stem
    sources = Sources.from_files([str(path)])
    assert sources.find(rec) is not None
    result = check_document(docs[0], level="extraction", sources=sources)
    assert result.issues == [], [str(i) for i in result.issues]
    text = path.read_text(encoding="utf-8")
    spans = [o for o in objects(rec) if "quote" in o and "start" in o]
    assert spans and all(text[o["start"] : o["end"]] == o["quote"] for o in spans)


def test_the_command_accepts_them_all(capsys: pytest.CaptureFixture[str]) -> None:
    sources = [arg for p in TEXTS for arg in ("--source", str(p))]
    code = main(["validate", *map(str, VALID.values()), *sources])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{len(VALID)} records checked: {len(VALID)} valid, 0 invalid" in out


def test_countries_are_invented_so_none_has_a_code() -> None:
    """The 2.0.0 texts use invented countries only: every country object is null."""
    for construct in CONSTRUCTS:
        rec = record(construct)
        owners = [o for o in objects(rec) if "country" in o and "mentions" in o]
        assert owners and all(o["country"] is None for o in owners), construct


def test_a_visit_keeps_two_single_dates() -> None:
    for construct in CONSTRUCTS:
        for v in record(construct)["visits"]:
            for key in ("start", "end"):
                assert "/" not in (v[key]["value"] or ""), (construct, v["id"], key)


# --- each example holds its construct -----------------------------------------------------------


def test_year_less_day() -> None:
    found = [
        d
        for d in dates(record("year-less-day"))
        if re.fullmatch(r"XXXX-\d\d-\d\d", d["value"] or "")
    ]
    assert found and all(d["basis"] == "stated" and d["precision"] == "day" for d in found)
    assert all(d["written"] == d["value"] and d["inferred_from"] is None for d in found)


def test_season() -> None:
    seasons = [d for d in dates(record("season")) if d["precision"] == "season"]
    assert {d["value"] for d in seasons} == {"2031-22", "2032-21"}
    assert all(d["basis"] == "inferred" and d["inferred_from"] for d in seasons)
    assert all(re.fullmatch(r"\d{4}-2[1-4]", d["value"]) for d in seasons)


def test_weekday_only() -> None:
    found = [d for d in dates(record("weekday-only")) if d["value"] == "XXXX-XX-XX"]
    assert {d["weekday"] for d in found} == {"monday", "tuesday"}
    assert all(d["precision"] == "day" and d["basis"] == "stated" for d in found)


def test_relative_resolved() -> None:
    rec = record("relative-resolved")
    assert rec["article"]["source"]["published"]["value"] == "2031-09-15"
    resolved = {d["relative"]["unit"]: d for d in dates(rec) if "relative" in d}
    assert resolved["month"]["value"] == "2031-10"  # 2031-09 + 1 month
    assert resolved["weekday"]["value"] == "2031-09-16"  # the first Tuesday after Monday the 15th
    assert all(
        d["basis"] == "inferred" and d["relative"]["anchor"] == "published"
        for d in resolved.values()
    )


def test_relative_unresolved() -> None:
    rec = record("relative-unresolved")
    assert rec["article"]["source"]["published"]["value"] is None
    (d,) = [d for d in dates(rec) if "relative" in d]
    assert d["value"] is None and d["basis"] == "unknown" and d["text"] == "next month"


def test_interval_beside_bounds() -> None:
    found = dates(record("interval"))
    spans = [d for d in found if "/" in (d["value"] or "")]
    assert [d["value"] for d in spans] == ["XXXX-06-03/XXXX-06-06"]
    bounded = [d for d in found if "earliest" in d]
    assert [(d["value"], d["earliest"], d["latest"]) for d in bounded] == [
        ("XXXX-06", "XXXX-06-03", "XXXX-06-06")
    ]


def test_open_interval() -> None:
    values = {d["value"] for d in dates(record("open-interval"))}
    assert {"2031-06-23/..", "/2031-06-19"} <= values


def test_approximate_and_uncertain() -> None:
    values = {d["value"] for d in dates(record("approximate"))}
    assert {"2031-06-20~", "2031-06-10?"} <= values


def test_not_announced() -> None:
    found = [d for d in dates(record("not-announced")) if d.get("absence") == "not_announced"]
    assert len(found) == 2
    assert all(d["value"] is None and d["basis"] == "stated" and d["evidence"] for d in found)


def test_tour_under_way() -> None:
    (tour,) = record("tour-under-way")["visits"]
    assert tour["status"]["value"] == "under_way"
    legs = tour["legs"]
    assert len(legs) == 3 and all(leg["status"]["value"] == "planned" for leg in legs)
    ids = [leg.get("id") for leg in legs]
    on_legs = [e for e in tour["sub_events"] if "leg" in e]
    # a leg has an id when something refers to it (codebook section 5), and only then
    assert {e["leg"] for e in on_legs} == set(ids) - {None} == {"l_vellmark", "l_lessar"}
    assert all(e["status"]["value"] == "planned" for e in on_legs)


def test_chained_announcement() -> None:
    rec = record("chained-announcement")
    (event,) = events(rec)
    statements = {s["id"]: s for s in rec["statements"]}
    assert (
        event["relayed_by"]
        and event["reported_via"] not in event["relayed_by"] + event["announced_by"]
    )
    (said,) = event["announced_in"]
    assert statements[said]["relayed_by"] == event["relayed_by"]
    assert event["certainty"] == "possible" and event["modality"] == "hedged"


def test_plain_agreement() -> None:
    agreements = [o["agreement"] for v in record("agreement")["visits"] for o in v["outcomes"]]
    assert [a["type"] for a in agreements] == ["agreement"]


def test_begun() -> None:
    (visit,) = record("begun")["visits"]
    assert visit["status"]["value"] == "begun" and visit["start"]["value"]
    assert visit["end"]["value"] is None and "absence" not in visit["end"]


def test_no_headline() -> None:
    article = record("no-headline")["article"]
    assert article["headline"] == "none" and article["title"] is None
    assert article["title_span"] is None and article["body_span"]["start"] == 0


def test_former_state() -> None:
    rec = record("former-state")
    (union,) = [a for a in rec["actors"] if a["id"] == "a_nerevan_union"]
    assert union["kind"] == "state" and union["country"] is None
    text = (EXAMPLES / rec["article"]["text_file"]["path"]).read_text(encoding="utf-8")
    assert f"{union['name']}, the federation" in text and "dissolved in 1991" in text
