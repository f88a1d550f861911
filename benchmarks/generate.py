"""Generate a seeded JSONL file of realistic extraction outputs for the benchmarks.

Each record is an `extraction`-level record of 2-4 KB (quotes without offsets, as LLM extractors
produce them); about 2% are invalid in varied ways (schema and semantic errors, and a few lines
that are not JSON at all). The data is made here, never committed:

    python benchmarks/generate.py --records 100000 --out benchmarks/data/records.jsonl
    python benchmarks/generate.py --schema-version 1.1.0 --out benchmarks/data/records-1.1.0.jsonl

With ``--schema-version 1.1.0`` the records use what 1.1.0 adds, so that its rules run too:
dates as written (``--09-12``) with the year inferred with world knowledge, day bounds, the
status over time, the legs of a tour, and the modality of statements.
With ``--schema-version 2.0.0`` they also use what 2.0.0 adds, so that its rules run (the C
engine's included, which the benchmark holds to the floor): EDTF dates of every form (seasons,
year-less days, weekdays alone, spans, open spans, approximate dates, dates resolved from
relative words against the article's date, dates not announced), visits from one weekday to
another with their length, legs with their own status, status histories whose last entry is
the status, and statements with co-speakers and a reporting chain.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from diplomatic_visits.migrate import migrate_record

PEOPLE = [
    ("Kim Jong-un", "North Korean leader", "PRK"),
    ("Vladimir Putin", "Russian President", "RUS"),
    ("Xi Jinping", "Chinese President", "CHN"),
    ("Emmanuel Macron", "French President", "FRA"),
    ("Olaf Scholz", "German Chancellor", "DEU"),
    ("Narendra Modi", "Indian Prime Minister", "IND"),
    ("Yoon Suk Yeol", "South Korean President", "KOR"),
    ("Sergei Lavrov", "Russian Foreign Minister", "RUS"),
    ("Antony Blinken", "US Secretary of State", "USA"),
    ("Fumio Kishida", "Japanese Prime Minister", "JPN"),
]
PLACES = [
    ("Moscow", "city", "RUS"),
    ("Beijing", "city", "CHN"),
    ("Paris", "city", "FRA"),
    ("Berlin", "city", "DEU"),
    ("New Delhi", "city", "IND"),
    ("Seoul", "city", "KOR"),
    ("Tokyo", "city", "JPN"),
    ("Vladivostok", "city", "RUS"),
    ("Pyongyang", "city", "PRK"),
    ("Washington", "city", "USA"),
]
STATUSES = ["planned", "under_way", "completed", "cancelled", "postponed"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TOPICS = [
    "economic cooperation",
    "military cooperation",
    "energy",
    "trade",
    "security",
    "climate",
    "tourism",
]


def _unknown_date() -> dict[str, Any]:
    return {
        "value": None,
        "precision": "unknown",
        "basis": "unknown",
        "inferred_from": None,
        "text": None,
        "weekday": None,
        "evidence": [],
    }


def _date(rng: random.Random) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.15:
        return _unknown_date()
    d = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4000))
    if kind < 0.3:
        return {
            "value": d.strftime("%Y-%m"),
            "precision": "month",
            "basis": "stated",
            "inferred_from": None,
            "text": d.strftime("in %B %Y"),
            "weekday": None,
            "evidence": [{"quote": d.strftime("in %B %Y")}],
        }
    text = d.strftime("%A (%B %d)")
    return {
        "value": d.isoformat(),
        "precision": "day",
        "basis": "inferred",
        "inferred_from": "weekday and day of month give the year",
        "text": text,
        "weekday": WEEKDAYS[d.weekday()],
        "evidence": [{"quote": text}],
    }


def _ev(text: str) -> list[dict[str, Any]]:
    return [{"quote": text}]


def make_record(i: int, rng: random.Random) -> dict[str, Any]:
    people = rng.sample(PEOPLE, rng.randint(2, 3))
    places = rng.sample(PLACES, rng.randint(1, 2))
    actors = [
        {
            "id": f"a_{n}",
            "kind": "person",
            "name": name,
            "titles": [{"text": title, "evidence": _ev(f"{title} {name}")}],
            "country": {
                "code": c,
                "basis": "stated",
                "inferred_from": None,
                "evidence": _ev(title),
            },
            "wikidata": None,
            "mentions": _ev(f"{title} {name}") + _ev(name.split()[-1]),
        }
        for n, (name, title, c) in enumerate(people)
    ]
    place_objs = [
        {
            "id": f"p_{n}",
            "name": name,
            "kind": kind,
            "within": None,
            "country": {
                "code": c,
                "basis": "knowledge",
                "inferred_from": "capital city",
                "evidence": [],
            },
            "wikidata": None,
            "mentions": _ev(name),
        }
        for n, (name, kind, c) in enumerate(places)
    ]
    start = _date(rng)
    end = dict(start)
    visits = []
    for v in range(1 if rng.random() < 0.8 else 2):
        dest = rng.randrange(len(places))
        visits.append(
            {
                "id": f"v_{v}",
                "kind": rng.choice(["state_visit", "official_visit", "unspecified_visit"]),
                "description": f"{people[0][0]} visited {places[dest][0]} to meet {people[1][0]}.",
                "visitors": ["a_0"],
                "hosts": ["a_1"],
                "origin": None,
                "destination": {
                    "place": f"p_{dest}",
                    "basis": "stated",
                    "inferred_from": None,
                    "evidence": _ev(f"trip to {places[dest][0]}"),
                },
                "start": start,
                "end": end,
                "duration_days": None,
                "status": {
                    "value": rng.choice(STATUSES),
                    "basis": "stated",
                    "inferred_from": None,
                    "evidence": _ev("ended his trip"),
                },
                "purposes": [
                    {"text": "strengthen ties", "evidence": _ev("aimed to strengthen ties")}
                ],
                "topics": [
                    {"text": t, "evidence": _ev(f"discussed {t}")} for t in rng.sample(TOPICS, 1)
                ],
                "transport": [],
                "characterizations": [],
                "codes": {"plover_event": "CONSULT", "plover_mode": "visit", "cameo": "042"},
                "sub_events": [
                    {
                        "id": f"e_{v}_{k}",
                        "kind": rng.choice(["meeting", "ceremony", "arrival"]),
                        "description": "The leaders met.",
                        "participants": ["a_0", "a_1"],
                        "place": None,
                        "date": _date(rng),
                        "topics": [],
                        "features": [],
                        "evidence": _ev("During the meeting"),
                    }
                    for k in range(rng.randint(0, 1))
                ],
                "outcomes": [],
                "evidence": _ev(f"{people[0][0]} ended his trip to {places[dest][0]}."),
            }
        )
    statements = [
        {
            "id": f"s_{k}",
            "kind": rng.choice(["claim", "assessment", "announcement"]),
            "speaker": f"a_{rng.randrange(len(people))}",
            "reported_via": None,
            "date": _unknown_date(),
            "mode": "paraphrase",
            "quote": None,
            "paraphrase": "The visit marked a new era of cooperation.",
            "about": ["v_0"],
            "evidence": _ev("said the visit marked a new era"),
        }
        for k in range(rng.randint(0, 1))
    ]
    return {
        "schema_version": "1.0.0",
        "record_id": f"bench-{i:07d}",
        "article": {
            "id": f"article-{i:07d}",
            "title": f"{people[0][0]} visits {places[0][0]}",
            "language": "en",
            "source": {
                "publisher": "Example News",
                "url": f"https://news.example/{i}",
                "published": _date(rng),
                "missing_reason": None,
            },
            "text_file": None,
            "title_span": None,
            "body_span": None,
            "boilerplate": [],
            "machine_translated": "unknown",
            "quality_notes": [],
        },
        "actors": actors,
        "places": place_objs,
        "visits": visits,
        "statements": statements,
    }


def upgrade(record: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The record as a 1.1.0 extraction, with some of what 1.1.0 adds."""
    record["schema_version"] = "1.1.0"
    dates = [v[k] for v in record["visits"] for k in ("start", "end")]
    dates += [e["date"] for v in record["visits"] for e in v["sub_events"]]
    for d in dates:
        if d["precision"] == "day":
            d["written"] = "--" + d["value"][5:]
            d["basis"] = "inferred_with_knowledge"
        elif d["precision"] == "month" and rng.random() < 0.5:
            d["earliest"] = d["value"] + "-01"
            d["latest"] = d["value"] + "-10"
    for v in record["visits"]:
        v["status_history"] = [
            {
                "value": "planned",
                "as_of": {**v["start"], "evidence": []} if v["start"]["value"] else v["start"],
                "announced_by": ["a_1"],
                "confirmation": "unconfirmed",
                "basis": "stated",
                "inferred_from": None,
                "evidence": [{"quote": "announced the visit"}],
            }
        ]
        if rng.random() < 0.2 and v["start"]["value"]:
            dest = v["destination"]
            v["legs"] = [
                {"place": dest, "start": v["start"], "end": v["end"], "evidence": dest["evidence"]}
            ]
    for st in record["statements"]:
        st["modality"] = rng.choice(["asserted", "hedged"])
    return record


def _edtf_date(rng: random.Random, anchor: dt.date | None) -> dict[str, Any]:
    """A 2.0.0 partial date in one of the forms news writes (DESIGN.md 1.3): a day, a month, a
    season, a day without a year, a weekday alone, a span, an open span, an approximate day, a
    date resolved from relative words against the article's (``anchor``), or none announced."""
    d = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4000))
    base = {"inferred_from": None, "text": None, "weekday": None}
    roll = rng.randrange(10)
    if roll == 0:
        form = {"value": f"{d.year}-{rng.randint(21, 24)}", "precision": "season"}
    elif roll == 1:
        v = d.strftime("XXXX-%m-%d")
        form = {"value": v, "precision": "day", "written": v}
    elif roll == 2:
        form = {"value": "XXXX-XX-XX", "precision": "day", "weekday": WEEKDAYS[d.weekday()]}
    elif roll == 3:
        e = d + dt.timedelta(days=rng.randrange(1, 5))
        form = {"value": f"{d.isoformat()}/{e.isoformat()}", "precision": "day"}
    elif roll == 4:
        form = {"value": f"{d.isoformat()}/..", "precision": "day"}
    elif roll == 5:
        form = {"value": d.strftime("%Y-%m") + "~", "precision": "month"}
    elif roll == 6 and anchor is not None:
        offset = rng.choice((-2, -1, 1, 2))
        target = anchor + dt.timedelta(days=offset)
        return {
            **base,
            "value": target.isoformat(),
            "precision": "day",
            "basis": "inferred",
            "inferred_from": "counted from the article's date",
            "text": "tomorrow" if offset == 1 else "in a few days",
            "relative": {"offset": offset, "unit": "day", "anchor": "published"},
            "evidence": [{"quote": "tomorrow"}],
        }
    elif roll == 7:
        return {
            **base,
            "value": None,
            "precision": "unknown",
            "basis": "stated",
            "absence": "not_announced",
            "evidence": [{"quote": "has not been announced"}],
        }
    else:
        text = d.strftime("%A (%B %d)")
        return {
            **base,
            "value": d.isoformat(),
            "precision": "day",
            "basis": "inferred_with_knowledge",
            "inferred_from": "weekday and day of month give the year",
            "text": text,
            "weekday": WEEKDAYS[d.weekday()],
            "written": d.strftime("XXXX-%m-%d"),
            "evidence": [{"quote": text}],
        }
    return {**base, **form, "basis": "stated", "evidence": [{"quote": "on that date"}]}


def upgrade_2(record: dict[str, Any], rng: random.Random, version: str) -> dict[str, Any]:
    """A 1.1.0 record (:func:`upgrade`) migrated to 2.0.0 (``written`` in EDTF) and using what
    2.0.0 adds, so that its rules run: EDTF dates of every form, relative dates resolved
    against the article's date, visits from a weekday to a weekday with their length, legs
    with their own status, status histories whose last entry is the status, and statements
    with co-speakers and a reporting chain."""
    record = migrate_record(record, version)  # the package's own 1.1.0 -> 2.0.0 step
    published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4000))
    record["article"]["source"]["published"] = {
        "value": published.isoformat(),
        "precision": "day",
        "basis": "stated",
        "inferred_from": None,
        "text": published.strftime("%d %B %Y"),
        "weekday": None,
        "evidence": [{"quote": published.strftime("%d %B %Y")}],
    }
    for v in record["visits"]:
        roll = rng.random()
        if roll < 0.3:  # Monday to Friday: five days (or twelve...)
            first, last = rng.randrange(7), rng.randrange(7)
            v["start"] = _weekday_only(WEEKDAYS[first])
            v["end"] = _weekday_only(WEEKDAYS[last])
            v["duration_days"] = (last - first) % 7 + 1 + 7 * rng.randrange(2)
        elif roll < 0.6:
            v["start"] = _edtf_date(rng, published)
            v["end"] = copy.deepcopy(v["start"])
        status = v["status"]["value"]
        for event in v["status_history"]:
            event["as_of"] = _edtf_date(rng, published)
            event["as_of"]["evidence"] = []
        v["status_history"][-1]["value"] = status  # rule status-last
        for e in v["sub_events"]:  # inside the visit's dates (rule within)
            e["date"] = copy.deepcopy(v["start"])
            e["status"] = copy.deepcopy(v["status"])
        for k, leg in enumerate(v.get("legs", [])):
            leg.update(id=f"l_{v['id']}_{k}", status=copy.deepcopy(v["status"]))
            leg["start"], leg["end"] = copy.deepcopy(v["start"]), copy.deepcopy(v["end"])
            for e in v["sub_events"]:
                e["leg"] = leg["id"]
    for st in record["statements"]:
        st["date"] = _edtf_date(rng, published)
        others = [a["id"] for a in record["actors"] if a["id"] != st["speaker"]]
        st["co_speakers"] = others[:1]
        if len(others) > 1:
            st["relayed_by"] = others[1:]
            st["reported_via"] = st["speaker"]
    return record


def _weekday_only(weekday: str) -> dict[str, Any]:
    return {
        "value": "XXXX-XX-XX",
        "precision": "day",
        "basis": "stated",
        "inferred_from": None,
        "text": weekday.capitalize(),
        "weekday": weekday,
        "written": "XXXX-XX-XX",
        "evidence": [{"quote": weekday.capitalize()}],
    }


def corrupt(record: dict[str, Any], rng: random.Random) -> dict[str, Any] | str:
    """Break a record in one of several realistic ways."""
    how = rng.randrange(9)
    v = record["visits"][0]
    if how == 0:
        v["status"]["value"] = "finished"
    elif how == 1:
        del v["kind"]
    elif how == 2:
        v["start"] = {**v["start"], "value": "17 September 2023"}
    elif how == 3:
        v["confidence"] = 0.93
    elif how == 4:
        record["actors"][0]["country"]["code"] = "KP"
    elif how == 5:
        v["hosts"] = ["a_unknown"]  # semantic: dangling reference
    elif how == 6:
        v["codes"]["cameo"] = 42
    elif how == 7:
        v["evidence"][0]["start"] = -3
    else:
        return json.dumps(record)[: rng.randrange(50, 500)]  # a truncated line
    return record


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--invalid-rate", type=float, default=0.02)
    p.add_argument("--seed", type=int, default=20231017)
    p.add_argument(
        "--schema-version", default="1.0.0", help="1.0.0, 1.1.0 or 2.0.0 (or a 2.0.0 draft)"
    )
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "records.jsonl")
    args = p.parse_args()
    rng = random.Random(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sizes = []
    with args.out.open("w", encoding="utf-8") as f:
        for i in range(args.records):
            rec: dict[str, Any] | str = make_record(i, rng)
            if args.schema_version != "1.0.0":
                rec = upgrade(rec, rng)  # type: ignore[arg-type]
            if args.schema_version.startswith("2."):
                rec = upgrade_2(rec, rng, args.schema_version)  # type: ignore[arg-type]
            if rng.random() < args.invalid_rate:
                rec = corrupt(rec, rng)  # type: ignore[arg-type]
            line = rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False)
            sizes.append(len(line))
            f.write(line + "\n")
    sizes.sort()
    print(
        f"wrote {args.records} records to {args.out}: median {sizes[len(sizes) // 2]} bytes, "
        f"p5 {sizes[len(sizes) // 20]}, p95 {sizes[len(sizes) * 19 // 20]}"
    )


if __name__ == "__main__":
    main()
