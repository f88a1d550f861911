"""Build schema 2.1.0 from the released 2.0.0 files (the record of a MINOR release).

    python docs/next-schema/build_2_1_0.py            # writes schema/2.1.0/ (both levels)

2.1.0 is 2.0.0 plus two additions, each a named step below; every 2.0.0 record stays valid
(`diplomatic-visits compat 2.0.0 2.1.0` says minor):

- ``annotation.constructs`` (optional): the constructs a record was written to test, from a
  closed vocabulary (issue 27's challenge set). Each tag names, in the ``x-dv`` ``score``
  declaration beside it, the construct groups of the scorer that measure it, so
  ``score --by construct`` reads both the tags and what they mean for the score from here.
- actor ``kind`` ``unnamed_person``: an individual the text identifies only by an office or role
  ("Zendara's president", "his spokeswoman"). 2.0.0 had no kind for one: ``person`` is a named
  individual and ``group`` a set of people, and widening either would change what a 2.0.0
  record means (MAJOR).

The vocabulary and its descriptions live here until the release and in the released schema
after it: every other reader (the challenge texts' builder, the scorer, the card) takes them
from ``schema/2.1.0``. The release folder is frozen (schema/SHA256SUMS) once written.
"""

# ruff: noqa: E501

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCHEMA_DIR = HERE.parents[1] / "schema"
BASE = "2.0.0"
VERSION = "2.1.0"

#: tag -> (meaning, the scorer's construct groups that measure it). The groups are the ones
#: schema/scoring/1.1.0.json and the schema's own ``score`` declarations define.
CONSTRUCTS: dict[str, tuple[str, list[str]]] = {
    "completed": ("a visit that took place and ended", ["status over time"]),
    "under_way": ("a visit going on at the time of the article", ["status over time"]),
    "begun": (
        "a visit said to have begun, with nothing said of its end",
        ["status over time"],
    ),
    "planned": ("a visit intended, with no time given for it", ["status over time"]),
    "scheduled": (
        "a visit announced for a time the text gives (a day, a month, a season)",
        ["status over time", "dates"],
    ),
    "proposed": ("a visit suggested by one side, not agreed", ["status over time"]),
    "postponed": ("a visit put back, with or without a new date", ["status over time", "dates"]),
    "cancelled": (
        "a visit called off, by the visitor's or the host's side",
        ["status over time"],
    ),
    "denied": (
        "a visit (or something in one) said not to have happened or not to be planned",
        ["status over time", "agreements", "reporting chain"],
    ),
    "hypothetical": (
        "a visit that would happen only if something else does",
        ["status over time", "reporting chain"],
    ),
    "invitation": (
        "an invitation extended, accepted or declined",
        ["arrangements", "status over time"],
    ),
    "tour": ("one trip with several stops (legs)", ["itinerary", "dates"]),
    "return_visit": ("a visit and the return visit it answers", ["participants", "itinerary"]),
    "third_country": ("two sides meeting in a third country", ["itinerary", "participants"]),
    "not_a_visit": (
        "a phone call or virtual meeting: contact without travel",
        ["status over time", "participants", "itinerary"],
    ),
    "multilateral": ("a summit or meeting of several states", ["participants", "arrangements"]),
    "organisation": (
        "the head of an international organisation as visitor or host",
        ["participants", "actors and places"],
    ),
    "regional_leader": (
        "a governor, premier or mayor as visitor or host",
        ["participants", "actors and places"],
    ),
    "delegation": ("a delegation with a head and members", ["arrangements", "participants"]),
    "agreement": ("an agreement signed, announced or denied", ["agreements"]),
    "joint_statement": ("a statement issued by both sides", ["reporting chain"]),
    "reporting_chain": ("a claim passed through intermediaries to the outlet", ["reporting chain"]),
    "hedge": (
        "a claim the text qualifies (reportedly, may, is expected to)",
        ["reporting chain", "status over time"],
    ),
    "date_weekday": ("a date given by its weekday only", ["dates"]),
    "date_season": ("a date given as a season", ["dates"]),
    "date_yearless": ("a day and month without a year", ["dates"]),
    "date_range": ("a span of days (between X and Y)", ["dates"]),
    "date_relative": ("a date relative to the article (next month, last week)", ["dates"]),
    "two_visits": (
        "two separate visits in one text",
        ["participants", "itinerary", "dates", "status over time"],
    ),
    "correction": ("a text that corrects an earlier report", ["reporting chain", "participants"]),
}


def build(base: dict[str, Any]) -> dict[str, Any]:
    """2.1.0's extraction schema from 2.0.0's."""
    s = json.loads(json.dumps(base))
    s["$id"] = s["$id"].replace(BASE, VERSION)
    s["title"] = s["title"].replace(BASE, VERSION)
    s["properties"]["schema_version"]["const"] = VERSION
    _constructs(s["$defs"])
    _unnamed_person(s["$defs"])
    return s


def build_verified(base: dict[str, Any]) -> dict[str, Any]:
    """2.1.0's verified profile: 2.0.0's with its number (it adds no constraint of its own)."""
    s = json.loads(json.dumps(base))
    s["$id"] = s["$id"].replace(BASE, VERSION)
    s["title"] = s["title"].replace(BASE, VERSION)
    return s


def _constructs(d: dict[str, Any]) -> None:
    bullets = "\n".join(f"- `{tag}`: {meaning}" for tag, (meaning, _) in CONSTRUCTS.items())
    d["annotation"]["properties"]["constructs"] = {
        "type": "array",
        "description": "Every construct of this vocabulary that the record's text holds (a challenge-set record: a short text written to test some of them), so a score can be read construct by construct. Leave it out for a record of an ordinary article.",
        "items": {
            "type": "string",
            "enum": list(CONSTRUCTS),
            "description": f"A construct.\n\n{bullets}",
        },
        "minItems": 1,
        "maxItems": len(CONSTRUCTS),
        "uniqueItems": True,
        "x-dv": {
            "score": {
                "constructs": {tag: groups for tag, (_, groups) in CONSTRUCTS.items()},
            }
        },
    }


def _unnamed_person(d: dict[str, Any]) -> None:
    kind = d["actor"]["properties"]["kind"]
    kind["enum"].insert(kind["enum"].index("person") + 1, "unnamed_person")
    kind["description"] = kind["description"].replace(
        "- `person`: a named individual\n",
        "- `person`: a named individual\n"
        "- `unnamed_person`: one individual the text does not name but identifies by an office or role (`Zendara's president`, `his spokeswoman`); `name` is that description as the text gives it\n",
    )
    assert "unnamed_person`:" in kind["description"], "2.0.0's kind description changed"
    name = d["actor"]["properties"]["name"]
    name["description"] += (
        " For an `unnamed_person`, the office or role as the text gives it (`Pellavian president`)."
    )


def _write(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    folder = SCHEMA_DIR / VERSION
    if folder.exists():
        raise SystemExit(f"{folder} exists: a released version never changes")
    base = SCHEMA_DIR / BASE
    read = lambda name: json.loads((base / name).read_text(encoding="utf-8"))  # noqa: E731
    _write(folder / "record.schema.json", build(read("record.schema.json")))
    _write(
        folder / "record.verified.schema.json", build_verified(read("record.verified.schema.json"))
    )


if __name__ == "__main__":
    main()
