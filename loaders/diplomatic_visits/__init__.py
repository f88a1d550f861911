"""diplomatic-visits: a versioned JSON Schema for news articles about diplomatic visits, the
gold records of its seed article, and the tools to validate and export them.

>>> import diplomatic_visits as dv
>>> records = dv.load_records()
>>> dv.validate_record(records[0], level="verified") == []
True
>>> len(dv.load_records(bundled="challenge"))  # the challenge set: short invented texts
64

The names below are imported when first used, so that ``import diplomatic_visits`` (and every
worker process that ``validate --jobs`` starts) loads only what it needs.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from diplomatic_visits._version import __version__

if TYPE_CHECKING:
    from diplomatic_visits.errors import (
        ChecksumError,
        DiplomaticVisitsError,
        InputError,
        InvalidRecordError,
        Issue,
        UnknownLevelError,
        UnknownProfileError,
        UnknownSchemaVersionError,
        UnknownSetError,
    )
    from diplomatic_visits.pipeline import validate_files
    from diplomatic_visits.profile import bundle_schema
    from diplomatic_visits.records import dataset_version, load_records, load_source_text
    from diplomatic_visits.report import Report
    from diplomatic_visits.schema import available_versions, latest_version, load_schema
    from diplomatic_visits.score import Score, score_files, score_records
    from diplomatic_visits.validate import iter_record_issues, validate_record

_WHERE = {
    "ChecksumError": "errors",
    "DiplomaticVisitsError": "errors",
    "InputError": "errors",
    "InvalidRecordError": "errors",
    "UnknownLevelError": "errors",
    "UnknownProfileError": "errors",
    "UnknownSchemaVersionError": "errors",
    "UnknownSetError": "errors",
    "dataset_version": "records",
    "load_records": "records",
    "load_source_text": "records",
    "Issue": "errors",
    "available_versions": "schema",
    "bundle_schema": "profile",
    "latest_version": "schema",
    "load_schema": "schema",
    "Score": "score",
    "score_files": "score",
    "score_records": "score",
    "Report": "report",
    "iter_record_issues": "validate",
    "validate_files": "pipeline",
    "validate_record": "validate",
}

__all__ = [
    "ChecksumError",
    "DiplomaticVisitsError",
    "InputError",
    "InvalidRecordError",
    "Issue",
    "Report",
    "Score",
    "UnknownLevelError",
    "UnknownProfileError",
    "UnknownSchemaVersionError",
    "UnknownSetError",
    "__version__",
    "available_versions",
    "bundle_schema",
    "dataset_version",
    "iter_record_issues",
    "latest_version",
    "load_records",
    "load_schema",
    "load_source_text",
    "score_files",
    "score_records",
    "validate_files",
    "validate_record",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f"diplomatic_visits.{module}"), name)
    elif not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}"):
        value = importlib.import_module(f"{__name__}.{name}")  # a submodule: dv.validate
    else:
        raise AttributeError(f"module 'diplomatic_visits' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    # the public names and the module's own dunders only: not the submodules imported so far,
    # nor what a compiled build leaves in the namespace (mypyc's ``checks__mypyc``)
    return sorted({*__all__, *(n for n in globals() if n.startswith("__") and n.endswith("__"))})
