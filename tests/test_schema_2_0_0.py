"""Schema 2.0.0 as released: what build_draft.py builds, its country list ISO 3166-1's, its
dates EDTF the `edtf` package reads as written, its verified profile's optional headline, and
the records of 1.0.0 and 1.1.0 migrated to it.

The country packages and `edtf` are dev dependencies (pyproject.toml): the schema carries the
list and the pattern; these tests hold them to the packages.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits import checks, validate_record
from diplomatic_visits.migrate import MIGRATIONS, migrate_record, migration_path
from diplomatic_visits.schema import (
    available_versions,
    bundle_schema,
    load_schema,
    rs_validator,
    version_key,
)

VERSION = "2.0.0"
RELEASE = REPO / "schema" / VERSION


def _build_draft() -> Any:
    spec = importlib.util.spec_from_file_location(
        "build_draft", REPO / "docs" / "next-schema" / "build_draft.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_draft"] = module
    spec.loader.exec_module(module)
    return module


build_draft = _build_draft()
CORE = load_schema(VERSION, "extraction")
CODES: list[str] = CORE["$defs"]["country"]["properties"]["code"]["enum"]
VALUE_PATTERN: str = CORE["$defs"]["partial_date"]["properties"]["value"]["pattern"]


# --- the release is the draft, numbered -------------------------------------------------------


def test_release_is_shipped_and_2_1_0_is_the_next() -> None:
    versions = available_versions()
    assert versions[versions.index(VERSION) + 1] == "2.1.0"


def test_released_files_are_what_build_draft_builds() -> None:
    assert build_draft.build(CODES, VERSION) == load_json(RELEASE / "record.schema.json")
    verified = load_json(RELEASE / "record.verified.schema.json")
    assert build_draft.build_verified(VERSION) == verified
    assert CORE["$id"].endswith(f"/{VERSION}/record.schema.json")
    assert verified["$id"].endswith(f"/{VERSION}/record.verified.schema.json")
    assert CORE["properties"]["schema_version"]["const"] == VERSION
    assert "DRAFT" not in json.dumps(CORE) + json.dumps(verified)


def test_release_differs_from_the_draft_only_in_its_number() -> None:
    draft = load_json(REPO / "docs" / "next-schema" / "record.schema.json")
    named = {"$id", "title", "description", "properties"}
    assert {k: v for k, v in draft.items() if k not in named} == {
        k: v for k, v in CORE.items() if k not in named
    }
    draft["properties"]["schema_version"]["const"] = VERSION
    assert draft["properties"] == CORE["properties"]


def test_release_script_never_overwrites_a_released_folder() -> None:
    with pytest.raises(SystemExit, match="never changes"):
        build_draft.main(["--release", VERSION])


# --- country codes: ISO 3166-1 ----------------------------------------------------------------


def test_country_codes_are_pycountrys_alpha_3_plus_kosovo_and_iso3166s() -> None:
    import iso3166
    import pycountry

    assert sorted({c.alpha_3 for c in pycountry.countries} | {"XKX"}) == CODES
    assert sorted(c.alpha3 for c in iso3166.countries) == CODES
    # former states (ISO 3166-3) are left out: such a country is null with its name kept (ATF
    # is both: the French Southern Territories kept the code of a former entry)
    former = {h.alpha_3 for h in pycountry.historic_countries} - {"ATF"}
    assert len(former) == 30 and not former & set(CODES)
    assert "XXR" not in CODES


# --- dates: the edtf package as the oracle -----------------------------------------------------


def _edtf(text: str) -> Any:
    from edtf import parse_edtf

    with contextlib.redirect_stdout(io.StringIO()):  # edtf prints its parse attempts
        return parse_edtf(text)


def _accepted(text: str) -> bool:
    return re.fullmatch(VALUE_PATTERN, text) is not None and "\n" not in text


# Every form of DESIGN.md section 1.3 and section 6, with the day span edtf gives it (its
# strict bounds), where it gives one: year-less and open forms have none that means anything.
# Winter (2023-24) is left out: edtf 5.0.2 ends it on 31 December, our engine (checks.py:
# northern meteorological seasons) on the last day of February.
DESIGN_FORMS: dict[str, tuple[str, str] | None] = {
    "2023-09-17": ("2023-09-17", "2023-09-17"),
    "2019-04": ("2019-04-01", "2019-04-30"),
    "2023": ("2023-01-01", "2023-12-31"),
    "2023-21": ("2023-03-01", "2023-05-31"),
    "2023-22": ("2023-06-01", "2023-08-31"),
    "2023-23": ("2023-09-01", "2023-11-30"),
    "XXXX-08-09": None,
    "XXXX-08": None,
    "XXXX-XX-XX": None,
    "XXXX-06-03/XXXX-06-06": None,
    "2023-06-03/2023-06-06": ("2023-06-03", "2023-06-06"),
    "2023-06-03/..": None,
    "../2023-06-06": None,
    "2023-06-03/": None,
    "/2023-06-06": None,
    "2023-06-10~": ("2023-06-10", "2023-06-10"),
    "2023-06-10?": ("2023-06-10", "2023-06-10"),
    "2023-06-03%": ("2023-06-03", "2023-06-03"),
    "2023-06~": ("2023-06-01", "2023-06-30"),
}


def _day(t: Any) -> str:
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"


@pytest.mark.parametrize("form", sorted(DESIGN_FORMS))
def test_every_design_form_is_accepted_and_edtf_reads_it_as_written(form: str) -> None:
    assert _accepted(form)
    parsed = _edtf(form)
    assert str(parsed) == form  # the same string back: nothing normalised away
    span = DESIGN_FORMS[form]
    ours = checks.edtf_bounds(form)
    assert ours is not None
    if span is not None:  # edtf and our engine read the same days
        assert (_day(parsed.lower_strict()), _day(parsed.upper_strict())) == span
        assert (str(ours.first), str(ours.last)) == span


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _real_days(value: str) -> bool:
    """Whether every day ``value`` names exists (rule `edtf` refuses the others, not the
    pattern; edtf itself refuses 31 November but takes 30 February)."""
    for year, month, day in re.findall(r"([0-9]{4}|XXXX)-([0-9]{2})-([0-9]{2})", value):
        m, d = int(month), int(day)
        leap = year == "XXXX" or (
            int(year) % 4 == 0 and (int(year) % 100 != 0 or int(year) % 400 == 0)
        )
        if d > _MONTH_DAYS[m - 1] - (m == 2 and not leap):
            return False
    return True


@given(st.from_regex(VALUE_PATTERN, fullmatch=True).filter(lambda s: "\n" not in s))
@settings(max_examples=25)  # edtf takes 20-90 ms a parse
def test_every_value_the_pattern_accepts_is_edtf_the_package_reads(value: str) -> None:
    """DESIGN.md section 6: a generated sample of the profile (real days: the rest is rule
    `edtf`'s to refuse) parses and round-trips. The draft's first pattern failed this: edtf
    reads a year-less date only bare."""
    assume(_real_days(value))
    assert str(_edtf(value)) == value


@pytest.mark.parametrize(
    "form",
    [
        "XXXX-08-09?",  # a year-less date qualified
        "XXXX-08~",
        "XXXX-XX-XX%",
        "XXXX-08-09/..",  # a year-less date with an open or unknown end
        "XXXX-08-09/",
        "../XXXX-08-09",
        "/XXXX-08",
        "XXXX-06-03/2023-06-06?",  # a qualifier beside a year-less side
        "2023-06-03~/XXXX-06-06",
        "2023-23?",  # a qualified season
        "XXXX-23",  # a year-less season
        "2023?-06",  # outside the profile though EDTF: component qualifiers, X digits
        "201X",
        "2004-XX",
        "XXXX",
    ],
)
def test_forms_outside_the_profile_are_refused(form: str) -> None:
    assert not _accepted(form)


@pytest.mark.parametrize("form", ["XXXX-08-09?", "XXXX-08-09/..", "XXXX-06-03/2023-06-06?"])
def test_year_less_forms_edtf_cannot_read_are_refused(form: str) -> None:
    from edtf.parser.edtf_exceptions import EDTFParseException

    with pytest.raises(EDTFParseException):
        _edtf(form)
    assert not _accepted(form)


# --- the verified profile: a text without a headline ------------------------------------------


def _gold_1_1_0() -> dict[str, Any]:
    """The gold record as schema 1.1.0 has it: the shipped one until the data release under
    2.0.0, then the copy kept among the valid examples."""
    for path in [
        *sorted((REPO / "dataset" / "records").glob("*.json")),
        *sorted((EXAMPLES / "valid").glob("*.json")),
    ]:
        record: dict[str, Any] = load_json(path)
        if record["schema_version"] == "1.1.0" and "annotation" in record:
            return record
    raise AssertionError("no gold record of schema 1.1.0")


def _gold_2_0_0() -> dict[str, Any]:
    record: dict[str, Any] = migrate_record(_gold_1_1_0(), VERSION)
    return record


def test_verified_profile_needs_a_title_span_only_with_a_headline() -> None:
    verified = rs_validator(VERSION, "verified")
    gold = _gold_2_0_0()
    assert verified.is_valid(gold)
    no_offsets = copy.deepcopy(gold)
    del no_offsets["article"]["title_span"]["start"]
    assert not verified.is_valid(no_offsets)
    no_span = copy.deepcopy(gold)
    no_span["article"]["title_span"] = None
    assert not verified.is_valid(no_span)  # a headline is given (left out: given)
    no_span["article"]["headline"] = "given"
    assert not verified.is_valid(no_span)
    no_span["article"].update(headline="none", title=None)
    assert verified.is_valid(no_span)


@pytest.mark.parametrize("engine", ["rs", "python"])
def test_a_failed_headline_alternative_says_what_each_branch_needs(engine: str) -> None:
    from diplomatic_visits.schema import iter_schema_issues

    gold = _gold_2_0_0()
    assert "headline" not in gold["article"]
    del gold["article"]["title_span"]["start"]
    issues = list(iter_schema_issues(gold, VERSION, "verified", engine))  # type: ignore[arg-type]
    # no headline key: the title span branch is the one the record went furthest in
    assert [(i.path, i.keyword) for i in issues] == [(("article", "title_span"), "required")]
    assert "start" in issues[0].message
    gold["article"]["headline"] = "given"  # now each branch fails as deep: both are named
    (issue,) = iter_schema_issues(gold, VERSION, "verified", engine)  # type: ignore[arg-type]
    assert issue.path == ("article",) and issue.keyword == "anyOf"
    assert issue.message.startswith("meets none of the alternatives: $.article.headline: ")
    assert "| or | $.article.title_span: " in issue.message and "start" in issue.message
    assert "body_span" not in issue.message  # not the whole article


def test_verified_bundle_flattens_the_headline_alternatives() -> None:
    flat = bundle_schema(VERSION, "verified")
    text = json.dumps(flat)
    assert '"allOf"' not in text
    branches = flat["properties"]["article"]["anyOf"]
    assert branches[0]["properties"]["headline"]["const"] == "none"
    span = branches[1]["properties"]["title_span"]
    assert span["type"] == "object" and {"start", "end", "quote"} <= set(span["required"])


# --- migrations -----------------------------------------------------------------------------


def test_1_0_0_and_1_1_0_records_have_a_path_to_2_0_0() -> None:
    assert migration_path("1.1.0", VERSION) == [("1.1.0", VERSION)]
    assert migration_path("1.0.0", VERSION) == [("1.0.0", "1.1.0"), ("1.1.0", VERSION)]
    assert ("1.1.0", VERSION) in MIGRATIONS


def test_migration_rewrites_only_year_less_written_dates() -> None:
    old = _gold_1_1_0()
    new = _gold_2_0_0()
    changed: list[tuple[str, Any, Any]] = []

    def diff(a: Any, b: Any, path: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            assert a.keys() == b.keys(), path
            for k in a:
                diff(a[k], b[k], f"{path}.{k}")
        elif isinstance(a, list) and isinstance(b, list):
            assert len(a) == len(b), path
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                diff(x, y, f"{path}[{i}]")
        elif a != b:
            changed.append((path, a, b))

    diff(old, new, "$")
    assert ("$.schema_version", "1.1.0", VERSION) in changed
    dates = [(a, b) for p, a, b in changed if p.endswith(".written")]
    assert dates and all(b == "XXXX-" + a[2:] for a, b in dates)
    assert len(changed) == len(dates) + 1
    assert old["schema_version"] == "1.1.0"  # the input is not changed


OLD_RECORDS = [  # the valid examples and gold records of 1.x (2.0.0 examples need no migration)
    p
    for p in [
        *sorted((EXAMPLES / "valid").glob("*.json")),
        *sorted((REPO / "dataset" / "records").glob("*.json")),
    ]
    if version_key(load_json(p)["schema_version"]) < (2, 0, 0)
]


@pytest.mark.parametrize("path", OLD_RECORDS, ids=lambda p: p.name)
def test_old_records_migrate_to_valid_2_0_0_records(path: Path) -> None:
    """Structure and every 2.0.0 rule (the gold records also at the verified level)."""
    record = load_json(path)
    migrated = migrate_record(record, VERSION)
    assert migrated["schema_version"] == VERSION
    assert validate_record(migrated) == []
    if "text_file" in record["article"] and "annotation" in record:
        source = REPO / "dataset" / record["article"]["text_file"]["path"]
        text = source.read_text(encoding="utf-8") if source.is_file() else None
        assert validate_record(migrated, level="verified", text=text) == []
    assert not rs_validator(VERSION, "extraction").is_valid(record)  # its version says 1.x


def test_migrate_command_chains_1_0_0_to_2_0_0(tmp_path: Path) -> None:
    from diplomatic_visits.cli import main

    old = EXAMPLES / "valid" / "verified-gold-record.json"
    assert load_json(old)["schema_version"] == "1.0.0"
    out = tmp_path / "new.jsonl"
    source = REPO / "dataset" / "source" / "000_b730d245b05eac44.txt"
    argv = ["migrate", str(old), "--to", VERSION, "--out", str(out), "--source", str(source)]
    assert main(argv) == 0
    migrated = json.loads(out.read_text(encoding="utf-8"))
    assert migrated["schema_version"] == VERSION
    assert [d["written"] for d in _dates(migrated) if "written" in d] == [
        "XXXX-" + d["written"][2:] if d["written"].startswith("--") else d["written"]
        for d in _dates(load_json(old))
        if "written" in d
    ]
    assert main(["validate", str(out), "--level", "verified", "--source", str(source)]) == 0


def _dates(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        own = [value] if "precision" in value else []
        return own + [d for v in value.values() for d in _dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dates(v)]
    return []


# --- scoring: the dates and lists of 2.0.0 (DESIGN.md section 4.3) ---------------------------


@pytest.mark.parametrize(
    ("pred", "gold", "credit"),
    [
        ("XXXX-08-09", "XXXX-08-09", 1.0),
        ("2023-08-09", "XXXX-08-09", 1.0),  # the year resolved, month and day agree
        ("XXXX-08-09", "2023-08-09", 0.5),  # the year gold gives is missing
        ("XXXX-08", "XXXX-08-09", 0.5),  # the right month of a year-less day
        ("XXXX-08-10", "XXXX-08-09", 0.0),
        ("2023-09-12", "XXXX-XX-XX", 1.0),  # a weekday alone: any day agrees as far as it goes
        ("2023-23", "2023-23", 1.0),
        ("2023-10", "2023-23", 31 / 91),  # October of an autumn of 91 days
        ("2023-24", "2023-23", 0.0),
        ("2023-06-10~", "2023-06-10", 1.0),  # a qualifier costs nothing
        ("2023-06-04", "2023-06-03/2023-06-06", 1 / 4),  # one day of the four
        ("2023-06-03/2023-06-05", "2023-06-03/2023-06-06", 0.5),  # one end of two
        ("2023-06-03/", "2023-06-03/..", 0.5),  # not given is not still going on
        ("2023-06-03/..", "2023-06-03/..", 1.0),
        ("XXXX-06-03/XXXX-06-06", "XXXX-06-03/XXXX-06-06", 1.0),
    ],
)
def test_edtf_dates_are_credited_by_form(pred: str, gold: str, credit: float) -> None:
    from diplomatic_visits.score import edtf_credit

    assert edtf_credit(pred, gold) == pytest.approx(credit)


def test_the_1_x_forms_are_credited_as_before() -> None:
    from diplomatic_visits.score import date_credit, edtf_credit

    forms = ["2023", "2024", "2023-09", "2023-10", "2023-09-12", "2023-09-13", "2024-09-12"]
    for p in forms:
        for g in forms:
            assert edtf_credit(p, g) == date_credit({"value": p}, {"value": g}), (p, g)


def test_2_0_0_scores_a_date_as_one_value_with_its_resolution() -> None:
    from diplomatic_visits.score import plan_for

    old, new = plan_for("1.1.0").leaves["visits"], plan_for(VERSION).leaves["visits"]
    for path in ("start", "start.weekday", "start.written", "start.earliest"):
        assert path in old and path in new
    assert "start.precision" not in new  # the value's form, scored with it as in 1.1.0
    assert {"start.relative", "start.absence"} <= set(new)
    assert not any(p.startswith("start.relative.") for p in new)


def _chain(relayed: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = load_json(EXAMPLES / "valid" / "2.0.0-chained-announcement.json")
    record["visits"][0]["status_history"][-1]["relayed_by"] = relayed
    return record


def test_a_relay_chain_is_scored_in_its_order() -> None:
    from diplomatic_visits import score_records

    gold = _chain(["a_arvo", "a_palace_official"])
    same = score_records([_chain(["a_arvo", "a_palace_official"])], [gold])
    swapped = score_records([_chain(["a_palace_official", "a_arvo"])], [gold])
    path = "status_history[].relayed_by"
    assert same.fields["visits"][path] == swapped.fields["visits"][path]  # the same actors
    assert same.fields["visits"][f"{path} (order)"].f1 == 1.0
    assert swapped.fields["visits"][f"{path} (order)"].f1 == 0.5  # one of two in gold's order
    assert same.micro.f1 == 1.0 and swapped.micro.f1 < 1.0


# --- Arrow, Parquet and Hugging Face: every date form back as written -------------------------


def test_every_date_form_round_trips_through_parquet_and_hf(tmp_path: Path) -> None:
    """DESIGN.md section 1.4: every form of section 1.3 written to Parquet and loaded with the
    datasets library (offline, from the exported folder) comes back as the same string."""
    import datasets
    import pyarrow.parquet as pq

    from diplomatic_visits import arrow

    forms = sorted(DESIGN_FORMS)
    base = _gold_2_0_0()
    records = []
    for i, form in enumerate(forms):
        record = copy.deepcopy(base)
        record["record_id"] = f"r{i:02d}"
        date = record["visits"][0]["sub_events"][0]["date"]
        date.update(
            value=form, written=form, relative={"offset": 1, "unit": "day", "anchor": "published"}
        )
        date["absence"] = "not_given"
        records.append(record)
    table = arrow.build_table("articles", records, [None] * len(records), VERSION, "verified")
    pq.write_table(table, tmp_path / "articles.parquet")
    schema = arrow.articles_schema(VERSION, "verified")
    back = list(
        arrow.from_arrow_rows(pq.read_table(tmp_path / "articles.parquet").to_pylist(), schema)
    )
    assert [{k: v for k, v in r.items() if k != "text"} for r in back] == records
    ds = datasets.Dataset.from_parquet(
        str(tmp_path / "articles.parquet"), cache_dir=str(tmp_path / "c")
    )
    assert ds.features == arrow.hf_features(schema)
    got = [r["visits"][0]["sub_events"][0]["date"] for r in ds.to_list()]
    assert [(d["value"], d["written"]) for d in got] == [(f, f) for f in forms]
    assert all(d["relative"] == {"offset": 1, "unit": "day", "anchor": "published"} for d in got)


def _target(node: dict[str, Any]) -> str | None:
    """The definition a property's schema names (itself, its items, or a nullable branch)."""
    for sub in [node, node.get("items", {}), *node.get("anyOf", [])]:
        if isinstance(sub, dict) and "$ref" in sub:
            return str(sub["$ref"]).rsplit("/", 1)[1]
    return None


@pytest.mark.parametrize("version", available_versions())
def test_the_verified_profile_reaches_every_use_of_a_definition_it_tightens(version: str) -> None:
    """A definition the verified profile tightens (a status, whose evidence must carry offsets)
    is tightened wherever the core uses it: 2.0.0's leg and sub-event statuses too."""
    core = load_schema(version, "extraction")["$defs"]
    verified = load_schema(version, "verified")["$defs"]
    missing = [
        f"{owner}.{prop} -> {target}"
        for owner, node in core.items()
        if owner in verified
        for prop, sub in node.get("properties", {}).items()
        if (target := _target(sub)) in verified
        and prop not in verified[owner].get("properties", {})
        and not (owner == "article" and prop == "title_span")  # 2.0.0: in its anyOf
    ]
    assert missing == []
