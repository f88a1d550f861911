"""Build the draft of the next schema version from the released 1.1.0 file (a design aid).

    python docs/next-schema/build_draft.py          # rewrites docs/next-schema/record.schema.json
    python docs/next-schema/build_draft.py --release 2.0.0   # writes schema/2.0.0/ (both levels)

The draft is 1.1.0 with the changes DESIGN.md decides, made here one named step at a time so
that a reviewer reads the delta, not 2,000 lines of JSON. It is NOT a release: it lives outside
``schema/`` (so ``schema.available_versions()`` never lists it) and declares the version
``2.0.0-draft.1``, which no record may claim as a shipped version. The country list is
generated from pycountry (ISO 3166-1, Debian iso-codes) plus XKX, and must equal iso3166's
list: both packages are needed only to rebuild (``pip install pycountry iso3166``); the
committed draft carries the list.

``--release`` builds the same schema as a shipped version (its number in ``$id``, title and
``schema_version``, no DRAFT note) and the verified profile beside it (:func:`build_verified`);
the release folder is then frozen (schema/SHA256SUMS) and this script is only its record.
"""

# The schema text (descriptions) is kept one string per line, so the delta reads like the
# schema it makes: E501 is off for this generator only.
# ruff: noqa: E501

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCHEMA_DIR = HERE.parents[1] / "schema"
RELEASED = SCHEMA_DIR / "1.1.0" / "record.schema.json"
RELEASED_VERIFIED = SCHEMA_DIR / "1.1.0" / "record.verified.schema.json"
DRAFT = HERE / "record.schema.json"
VERSION = "2.0.0-draft.1"

_EXPLAIN = ["inferred", "knowledge", "inferred_with_knowledge"]
_ACTOR_ID = {
    "type": "string",
    "description": "The `id` of an actor defined in this record.",
    "pattern": "^[a-z][a-z0-9_]{0,63}$",
    "maxLength": 64,
    "x-dv": {"ref": ["actor"]},
}

# The EDTF profile (DESIGN.md section 1): ISO 8601-2 level 0 and the level-1 forms we need,
# plus one level-2 form (an unspecified year, XXXX) that "9 August" without a year needs. A
# year-less date is the edtf package's level-2 PartialUnspecified, which it parses only bare:
# with no qualifier, with no open or unknown end, and beside an unqualified date in an interval
# (`XXXX-08-09?`, `XXXX-08-09/..`, `XXXX-06-03/2023-06-06?` are refused by edtf 5.0.2). So is
# every such form here: a reader holding the edtf package can parse every value we accept
# (tests/test_schema_2_0_0.py holds that on a generated sample).
_DAY = "(0[1-9]|[12][0-9]|3[01])"
_MONTH = "(0[1-9]|1[0-2])"
_DATED = f"[0-9]{{4}}(-{_MONTH}(-{_DAY})?)?"  # 2023, 2023-06, 2023-06-03
_YEARLESS = f"XXXX-({_MONTH}(-{_DAY})?|XX-XX)"  # XXXX-08, XXXX-08-09; XXXX-XX-XX (a weekday)
_SEASON = "[0-9]{4}-2[1-4]"  # 2023-21 spring ... 2023-24 winter (no qualifier: edtf refuses it)
_POINT = f"({_DATED}[?~%]?|{_SEASON})"  # a date with its year, maybe uncertain, approximate, both
_BARE = f"({_DATED}|{_SEASON})"  # the same, unqualified
EDTF_PATTERN = (
    f"^({_POINT}(/({_POINT}|\\.\\.)?)?"  # a point; an interval, maybe open (..) or unknown ()
    f"|(\\.\\.)?/{_POINT}"  # an interval with an open or unknown start
    f"|{_YEARLESS}(/({_YEARLESS}|{_BARE}))?"  # year-less, alone or in a closed interval
    f"|{_BARE}/{_YEARLESS})$"
)
BOUND_PATTERN = f"^(([0-9]{{4}}|XXXX)-{_MONTH}(-{_DAY})?|[0-9]{{4}})$"


def country_codes() -> list[str]:
    """ISO 3166-1 alpha-3: pycountry's official codes plus XKX (Kosovo, user-assigned), held
    equal to iso3166's list."""
    import iso3166
    import pycountry

    codes = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    other = {c.alpha3 for c in iso3166.countries}
    if codes != other:
        raise SystemExit(f"pycountry and iso3166 disagree: {sorted(codes ^ other)}")
    return sorted(codes)


def build(codes: list[str] | None = None, version: str = VERSION) -> dict[str, Any]:
    """The draft (``version`` left as :data:`VERSION`) or the release ``version`` of it: the
    same schema, only its number and the DRAFT notes differ."""
    s: dict[str, Any] = json.loads(RELEASED.read_text(encoding="utf-8"))
    d = s["$defs"]
    draft = version == VERSION
    s["$id"] = f"https://w3id.org/diplomatic-visits/schema/{version}/record.schema.json"
    s["title"] = (
        f"Diplomatic-visit article record, schema {version} (DRAFT, not released; level: extraction)"
        if draft
        else f"Diplomatic-visit article record, schema {version} (level: extraction)"
    )
    s["properties"]["schema_version"]["const"] = version
    _dates(d)
    _no_reason_when_stated(d)
    _countries(d, codes if codes is not None else country_codes())
    _status(d)
    _itinerary(d)
    _statements_and_outcomes(d)
    _article_and_log(d)
    if draft:
        s["description"] += " DRAFT of the next major version: see docs/next-schema/DESIGN.md."
    return s


def build_verified(version: str) -> dict[str, Any]:
    """The verified profile of ``version``: 1.1.0's, with its number, the statuses of a leg and
    of a sub-event held to verified spans as every other status is, and the title span required
    only when the text has a headline (DESIGN.md section 2.8: ``anyOf``, not ``if``/``then``,
    which hypothesis-jsonschema does not implement)."""
    s: dict[str, Any] = json.loads(RELEASED_VERIFIED.read_text(encoding="utf-8"))
    d = s["$defs"]
    s["$id"] = f"https://w3id.org/diplomatic-visits/schema/{version}/record.verified.schema.json"
    s["title"] = f"Diplomatic-visit article record, schema {version} (level: verified)"
    for name in ("leg", "sub_event"):
        d[name]["properties"]["status"] = {"$ref": "#/$defs/status"}
    art = d["article"]
    title_span = art["properties"].pop("title_span")
    art["anyOf"] = [
        {"properties": {"headline": {"const": "none"}}, "required": ["headline"]},
        {"properties": {"title_span": title_span}},
    ]
    art["description"] = (
        "A text with a headline (`headline` left out or `given`) needs a verified title span; "
        "one without (`headline` `none`) has none (rule `headline`)."
    )
    return s


def _dates(d: dict[str, Any]) -> None:
    pd = d["partial_date"]
    p = pd["properties"]
    p["value"].update(
        pattern=EDTF_PATTERN,
        minLength=4,
        maxLength=25,
        description="The date as far as the record resolves it, an EDTF string (ISO 8601-2) of this schema's profile: `2023-09-17`, `2019-04`, `2023`, `2023-23` (autumn), `XXXX-08-09` (9 August, year not given), `XXXX-XX-XX` (a day named only by its weekday), `2023-06-03/2023-06-06` (a span), `2023-06-03/..` (still going on), `2023-06-03/` (end not given), `2023-06-10~` (about), `2023-06-10?` (uncertain). Null when nothing of the date is known.",
        examples=[
            "2023-09-17",
            "2019-04",
            "2023-23",
            "XXXX-08-09",
            "2023-06-03/2023-06-06",
            "2023-06-03/..",
        ],
    )
    p["precision"]["enum"] = ["day", "season", "month", "year", "unknown"]
    p["precision"]["description"] = (
        "The finest unit the value gives (for a span, of its endpoints; the coarser if they differ). "
        "It says nothing of where the date comes from (that is `basis`).\n\n"
        "- `day`: a day (`2023-09-17`, `XXXX-08-09`, `XXXX-XX-XX`)\n- `month`: a month (`2019-04`, `XXXX-08`)\n"
        "- `season`: a season (`2023-23`)\n- `year`: a year (`2023`)\n- `unknown`: `value` is null"
    )
    p["basis"]["description"] = p["basis"]["description"].replace(
        "- `unknown`: the date is unknown (`precision` is `unknown`)",
        "- `unknown`: the value is not known, and the text does not say it is unknown (`value` null; `absence` left out or `not_given`; unresolved relative words stay in `text` and `relative`)",
    )
    p["written"].update(
        pattern=EDTF_PATTERN,
        minLength=4,
        maxLength=25,
        description="The date as the text gives it, in the same EDTF profile, with what the text leaves out left out: `XXXX-09-12` (12 September, no year), `XXXX-08` (August), `2019-04`, `XXXX-06-03/XXXX-06-06` (between 3 and 6 June). Leave it out when the text gives no date. It must be a possible date (no 30 February) and agree with `value`.",
        examples=["XXXX-09-12", "2019-04", "XXXX-XX-XX"],
    )
    for k in ("earliest", "latest"):
        p[k]["pattern"] = BOUND_PATTERN
        p[k]["maxLength"] = 10
        p[k]["description"] = p[k]["description"].replace(
            "Leave it out otherwise.",
            "`XXXX-06-03` when the year is not given. Leave it out otherwise.",
        )
    p["relative"] = {
        "type": "object",
        "description": "A date the text gives relative to another (`next month`, `last Tuesday`, `in two weeks`): the words stay in `text`; this says how to resolve them. With a resolved `value`, the basis is `inferred` and the value must equal the anchor moved by `offset` units.",
        "properties": {
            "offset": {
                "type": "integer",
                "minimum": -1000,
                "maximum": 1000,
                "description": "How many units after (positive) or before (negative) the anchor: `next month` is 1.",
            },
            "unit": {
                "type": "string",
                "enum": ["day", "week", "month", "year", "weekday"],
                "description": "The unit of `offset`.\n\n- `day`: days\n- `week`: weeks\n- `month`: calendar months\n- `year`: calendar years\n- `weekday`: occurrences of the date's `weekday` (`on Tuesday` said of the past in a Thursday's article: -1, the last Tuesday before; 0: the anchor day itself)",
            },
            "anchor": {
                "type": "string",
                "enum": ["published"],
                "description": "The date it counts from.\n\n- `published`: the article's publication date (`article.source.published`)",
            },
        },
        "required": ["offset", "unit", "anchor"],
        "additionalProperties": False,
    }
    p["absence"] = {
        "type": "string",
        "enum": ["not_given", "not_announced", "not_known"],
        "description": "Why `value` is null. Leave it out when a value is given.\n\n- `not_given`: the text does not give the date (basis `unknown`, the default)\n- `not_announced`: the text says it has not been announced or set (basis `stated`; `evidence` quotes the words)\n- `not_known`: the text says it is not known (basis `stated`)",
    }
    pd["description"] = (
        "A date as precise as the text and no more, with where it came from. `value` is an EDTF "
        "string (ISO 8601-2) of this schema's profile; `precision` names its finest unit and `basis` "
        "where it comes from, independently (a stated year-less day is `XXXX-08-09`, `day`, `stated`)."
    )
    pd["x-dv"] = {
        "edtf": {
            "value": "value",
            "precision": "precision",
            "basis": "basis",
            "weekday": "weekday",
            "written": "written",
            "earliest": "earliest",
            "latest": "latest",
            "relative": "relative",
            "absence": "absence",
        },
        "basis": {"key": "basis", "reason": "inferred_from", "explain": _EXPLAIN},
    }
    # an object rule on `source` (not a declaration beside the `published` $ref, which the gate
    # would read as replacing the partial date's own rules)
    d["article"]["properties"]["source"]["x-dv"] = {
        "date-anchor": {"name": "published", "date": "published"}
    }


def _no_reason_when_stated(d: dict[str, Any]) -> None:
    """inferred_from on a stated (or unknown) value: refused, by the existing `when` kind."""
    for obj in d.values():
        decl = obj.get("x-dv", {})
        if "basis" in decl:
            b = decl["basis"]
            decl.setdefault("when", []).append(
                {
                    "rule": "basis-explained",
                    "if": b["key"],
                    "not_in": b["explain"],
                    "then": b["reason"],
                    "must": "absent",
                }
            )


def _countries(d: dict[str, Any], codes: list[str]) -> None:
    code = d["country"]["properties"]["code"]
    code.pop("pattern", None)
    code["enum"] = codes
    code["description"] = (
        "ISO 3166-1 alpha-3 code, one of the officially assigned codes (generated from pycountry, "
        "held equal to iso3166) or XKX (Kosovo, the user-assigned code in common use), for example "
        "`PRK` (North Korea), `RUS`, `KOR` (South Korea). A country with no code (an invented one, a "
        "former state) is given as null with the name in the owner's `name`."
    )


_BEGUN = "- `begun`: begun; the text does not say whether it has ended\n"


def _status(d: dict[str, Any]) -> None:
    for name in ("status", "status_event"):
        v = d[name]["properties"]["value"]
        v["enum"].insert(v["enum"].index("under_way") + 1, "begun")
        v["description"] = v["description"].replace("- `completed`", _BEGUN + "- `completed`")
    sb = d["status"]["properties"]["basis"]
    sb["enum"] = [*sb["enum"], "unknown"]
    sb["description"] += "\n- `unknown`: the text says nothing of the status (`value` `unknown`)"
    ev = d["status_event"]["properties"]
    ev["certainty"] = {
        "type": "string",
        "enum": ["reported", "expected", "possible", "alleged", "denied"],
        "description": "How the announcement puts it, as for outcomes.\n\n- `reported`: as fact\n- `expected`: as expected\n- `possible`: as possible\n- `alleged`: as alleged by someone\n- `denied`: as denied",
    }
    ev["modality"] = {
        "type": "string",
        "enum": ["asserted", "hedged", "denied"],
        "description": "How the announcer words it, as for statements.\n\n- `asserted`: without hedging\n- `hedged`: with hedging (may, could, reportedly)\n- `denied`: as a denial",
    }
    ev["announced_in"] = {
        "type": "array",
        "description": "The statements of this record that announce the status.",
        "items": {
            **copy.deepcopy(_ACTOR_ID),
            "description": "The `id` of a statement defined in this record.",
            "x-dv": {"ref": ["statement"]},
        },
        "maxItems": 50,
        "uniqueItems": True,
    }
    ev["relayed_by"] = {
        "type": "array",
        "description": "Who passed the announcement on between `announced_by` and `reported_via`, nearest the source first (`an official quoted by Arvo`: Arvo).",
        "items": copy.deepcopy(_ACTOR_ID),
        "maxItems": 20,
        "uniqueItems": True,
        "x-dv": {"score": {"list": "ordered"}},
    }
    ev["reported_via"] = {
        **copy.deepcopy(_ACTOR_ID),
        "description": "The outlet the article cites for the announcement (`the broadcaster, citing ...`).",
    }
    whens = d["status_event"]["x-dv"]["when"]
    whens.append(
        {
            "rule": "status-fields",
            "if": "confirmed_by",
            "nonempty": True,
            "then": "confirmation",
            "must": "present",
        }
    )
    whens.append(
        {
            "rule": "reporting-chain",
            "if": "relayed_by",
            "nonempty": True,
            "then": "reported_via",
            "must": "present",
        }
    )
    d["status_event"]["x-dv"]["distinct"] = [
        {"rule": "reporting-chain", "one": "reported_via", "many": "relayed_by"},
        {"rule": "reporting-chain", "one": "reported_via", "many": "announced_by"},
    ]


def _itinerary(d: dict[str, Any]) -> None:
    leg = d["leg"]["properties"]
    leg["id"] = {
        "type": "string",
        "description": "Identifier unique within the record, when a sub-event names the leg. Convention: `l_` + short name.",
        "pattern": "^[a-z][a-z0-9_]{0,63}$",
        "minLength": 1,
        "maxLength": 64,
        "x-dv": {"id": "leg"},
    }
    leg["status"] = {
        "$ref": "#/$defs/status",
        "description": "The stop's own status as of the article, when it differs from the visit's (a tour under way whose next stops are planned).",
    }
    se = d["sub_event"]["properties"]
    se["leg"] = {
        "type": "string",
        "description": "The `id` of the leg (of the same visit) the sub-event happens on.",
        "pattern": "^[a-z][a-z0-9_]{0,63}$",
        "maxLength": 64,
        "x-dv": {"ref": ["leg"], "scope": "visit"},
    }
    se["status"] = {
        "$ref": "#/$defs/status",
        "description": "The sub-event's own status as of the article (`where she will meet the king on Tuesday`: planned).",
    }
    v = d["visit"]
    v["properties"]["status_history"]["x-dv"] = {"sequence": {"by": "as_of"}}
    # duration: same declaration, wider kind (weekdays, year-less days: DESIGN.md 3.1)
    v["x-dv"]["within"] = [
        {"from": "start", "to": "end", "items": "legs", "item_from": "start", "item_to": "end"},
        {
            "from": "start",
            "to": "end",
            "items": "sub_events",
            "item_from": "date",
            "item_to": "date",
        },
    ]
    v["x-dv"]["last"] = [
        {
            "rule": "status-last",
            "list": "status_history",
            "key": "value",
            "equals": "status",
            "equals_key": "value",
        }
    ]
    a = d["agreement"]["properties"]["type"]
    a["enum"].insert(a["enum"].index("other"), "agreement")
    a["description"] = a["description"].replace(
        "- `other`",
        "- `agreement`: an agreement the text names only as such (`a visa-waiver agreement`)\n- `other`",
    )


def _statements_and_outcomes(d: dict[str, Any]) -> None:
    d["statement"]["x-dv"]["distinct"] = [
        {"rule": "co-speakers", "one": "speaker", "many": "co_speakers"},
        {"rule": "reporting-chain", "one": "speaker", "many": "relayed_by"},
        {"rule": "reporting-chain", "one": "reported_via", "many": "relayed_by"},
    ]
    d["outcome"].setdefault("x-dv", {})["when"] = [
        {
            "rule": "outcome-fields",
            "if": "kind",
            "in": ["invitation"],
            "then": "agreement",
            "must": "absent",
        }
    ]


def _article_and_log(d: dict[str, Any]) -> None:
    art = d["article"]
    art["properties"]["headline"] = {
        "type": "string",
        "enum": ["given", "none"],
        "description": "Whether the text has a headline. Leave it out when it has one.\n\n- `given`: it has one; `title` and `title_span` point at it\n- `none`: it has none; `title` is null and so is `title_span`, also at the verified level",
    }
    art["properties"]["title"]["type"] = ["string", "null"]
    art["properties"]["title"]["description"] = (
        "The headline as it appears in the text; null when it has none (`headline` `none`)."
    )
    art["x-dv"] = {
        "when": [
            {
                "rule": "headline",
                "if": "headline",
                "in": ["none"],
                "then": "title_span",
                "must": "absent",
            },
            {
                "rule": "headline",
                "if": "headline",
                "in": ["none"],
                "then": "title",
                "must": "absent",
            },
        ]
    }
    chk = d["check"]["properties"]
    chk["id"] = {
        "type": "string",
        "description": "Identifier of the entry, when another names it. Convention: `c_` + its number.",
        "pattern": "^[a-z][a-z0-9_]{0,63}$",
        "minLength": 1,
        "maxLength": 64,
        "x-dv": {"id": "check"},
    }
    chk["superseded_by"] = {
        "type": "string",
        "description": "The `id` of a later entry that changed the value this one checked: this entry is history, not the record's state.",
        "pattern": "^[a-z][a-z0-9_]{0,63}$",
        "maxLength": 64,
        "x-dv": {"ref": ["check"]},
    }


def _write(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--release",
        metavar="VERSION",
        help="write schema/VERSION/ (both levels) instead of the draft; refuses to overwrite a "
        "released folder",
    )
    args = parser.parse_args(argv)
    if args.release is None:
        _write(DRAFT, build())
        return
    folder = SCHEMA_DIR / args.release
    if folder.exists():
        raise SystemExit(f"{folder} exists: a released version never changes")
    _write(folder / "record.schema.json", build(version=args.release))
    _write(folder / "record.verified.schema.json", build_verified(args.release))


if __name__ == "__main__":
    main()
