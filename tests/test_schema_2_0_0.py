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
from diplomatic_visits.migrate import MIGRATIONS, migrate_record, migration_path
from diplomatic_visits.schema import available_versions, bundle_schema, load_schema, rs_validator

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


def test_release_is_the_latest_shipped_version() -> None:
    assert available_versions()[-1] == VERSION


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
    if span is not None:
        assert (_day(parsed.lower_strict()), _day(parsed.upper_strict())) == span


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


def _gold_2_0_0() -> dict[str, Any]:
    record: dict[str, Any] = migrate_record(
        load_json(REPO / "dataset" / "records" / "000_b730d245b05eac44.json"), VERSION
    )
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
    old = load_json(REPO / "dataset" / "records" / "000_b730d245b05eac44.json")
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
    if load_json(p)["schema_version"] != VERSION
]


@pytest.mark.parametrize("path", OLD_RECORDS, ids=lambda p: p.name)
def test_old_records_migrate_to_valid_2_0_0_records(path: Path) -> None:
    record = load_json(path)
    migrated = migrate_record(record, VERSION)
    level = "verified" if "annotation" in record and "text_file" in record["article"] else None
    assert list(rs_validator(VERSION, "extraction").iter_errors(migrated)) == []
    if level:
        assert list(rs_validator(VERSION, "verified").iter_errors(migrated)) == []
    assert not rs_validator(VERSION, "extraction").is_valid(record)  # its version says 1.x
