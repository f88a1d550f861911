"""diplomatic-visits: a versioned JSON Schema for news articles about diplomatic visits, the
gold records of its seed article, and the tools to validate and export them.

>>> import diplomatic_visits as dv
>>> records = dv.load_records()
>>> dv.validate_record(records[0], level="verified") == []
True
"""

from diplomatic_visits._version import __version__
from diplomatic_visits.errors import (
    ChecksumError,
    DiplomaticVisitsError,
    InputError,
    InvalidRecordError,
    UnknownSchemaVersionError,
)
from diplomatic_visits.records import dataset_version, load_records, load_source_text
from diplomatic_visits.schema import (
    Issue,
    available_versions,
    bundle_schema,
    latest_version,
    load_schema,
)
from diplomatic_visits.score import Score, score_files, score_records
from diplomatic_visits.validate import (
    Report,
    iter_record_issues,
    validate_files,
    validate_record,
)

__all__ = [
    "ChecksumError",
    "DiplomaticVisitsError",
    "InputError",
    "InvalidRecordError",
    "Issue",
    "Report",
    "Score",
    "UnknownSchemaVersionError",
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
