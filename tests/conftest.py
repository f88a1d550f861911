"""Shared fixtures and the hypothesis profiles.

``ci`` is the default, everywhere: the README's test command is the one CI runs, and it stays
within a few minutes on two cores (derandomized, so a run is repeatable). Deeper runs are asked
for: ``HYPOTHESIS_PROFILE=dev`` (40 examples, random) or ``deep`` (400, and whole records from
the uncapped schema): ``HYPOTHESIS_PROFILE=deep python -m pytest tests/test_properties.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Generating whole records is slow in hypothesis-jsonschema (it re-canonicalises sub-schemas on
# every draw), so the health checks about slow data generation are expected here.
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "ci",
    max_examples=12,
    deadline=None,
    suppress_health_check=_SLOW,
    derandomize=True,
    print_blob=True,
)
settings.register_profile("dev", max_examples=40, deadline=None, suppress_health_check=_SLOW)
settings.register_profile("deep", max_examples=400, deadline=None, suppress_health_check=_SLOW)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "examples"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture
def gold() -> dict[str, Any]:
    """A fresh copy of the seed record (tests may mutate it)."""
    from diplomatic_visits import load_records

    return load_records()[0]


@pytest.fixture(scope="session")
def gold_text() -> str:
    from diplomatic_visits import load_records, load_source_text

    return load_source_text(load_records()[0])


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in a record, depth first."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from objects(v)
    elif isinstance(value, list):
        for v in value:
            yield from objects(v)


def dates(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every partial date of a record (the objects with a precision and a weekday)."""
    return [o for o in objects(rec) if "precision" in o and "weekday" in o]
