"""The one place that knows where ``schema/`` and ``dataset/`` live.

An installed wheel carries them as ``diplomatic_visits/_data/{schema,dataset}`` (hatchling's
``force-include``); an editable install or a plain checkout finds them at the repository root,
two levels above this file. Everything else asks this module.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """Return the folder that holds ``schema/`` and ``dataset/``."""
    packaged = _PACKAGE_DIR / "_data"
    if (packaged / "schema").is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "schema").is_dir() and (checkout / "dataset").is_dir():
        return checkout
    raise FileNotFoundError(  # pragma: no cover - only a broken install gets here
        f"diplomatic_visits cannot find its schema/ and dataset/ folders (looked in {packaged} "
        f"and {checkout}); reinstall the package"
    )


def schema_dir() -> Path:
    """Folder with one sub-folder per released schema version."""
    return data_root() / "schema"


def dataset_dir() -> Path:
    """Folder with the source article, the records, the checksums and the data card."""
    return data_root() / "dataset"
