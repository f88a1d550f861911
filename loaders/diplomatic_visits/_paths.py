"""The one place that knows where ``schema/`` and ``dataset/`` live.

An installed wheel carries them as ``diplomatic_visits/_data/{schema,dataset}`` (hatchling's
``force-include``); an editable install or a plain checkout finds them at the repository root,
two levels above this file. Everything else asks this module.

The dataset holds two bundled record sets, each a ``records/`` and a ``source/`` folder:
``article`` (the real article, at the top of ``dataset/``) and ``challenge`` (short texts
written for the project, tagged by construct, under ``dataset/challenge/``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from diplomatic_visits.errors import UnknownSetError

_PACKAGE_DIR = Path(__file__).resolve().parent

#: The bundled record sets: name -> its folder inside ``dataset/`` ("" is ``dataset/`` itself).
BUNDLED_SETS: dict[str, str] = {"article": "", "challenge": "challenge"}
#: What each set is, for the exports' descriptions (data card configs, Croissant record sets).
SET_DESCRIPTIONS: dict[str, str] = {
    "article": "the real article",
    "challenge": "the challenge set: short texts written for the project (invented people and "
    "countries), each tagged in `annotation.constructs` with the constructs it holds",
}
#: The set loaded when none is named: the real article, as before the challenge set.
DEFAULT_SET = "article"


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


def set_prefix(name: str = DEFAULT_SET) -> str:
    """The set's folder relative to ``dataset/``, as checksum paths write it (``""`` or
    ``"challenge/"``); raises :class:`UnknownSetError` for an unknown set."""
    if not isinstance(name, str) or name not in BUNDLED_SETS:
        raise UnknownSetError(name, tuple(BUNDLED_SETS), DEFAULT_SET)
    folder = BUNDLED_SETS[name]
    return f"{folder}/" if folder else ""


def set_dir(name: str = DEFAULT_SET) -> Path:
    """Folder of a bundled record set: its ``records/`` and ``source/`` are inside."""
    return dataset_dir() / set_prefix(name)
