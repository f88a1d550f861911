"""Hugging Face ``datasets``: the dataset card of an export folder, and a ``DatasetDict`` built in
memory. ``datasets`` comes with the ``hf`` extra and is imported only here, when used."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from diplomatic_visits._paths import DEFAULT_SET, dataset_dir
from diplomatic_visits.errors import DiplomaticVisitsError

INSTALL_HINT = "pip install 'diplomatic-visits[hf]'"


class MissingExtraError(DiplomaticVisitsError, ImportError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, hint: str) -> None:
        self.package = package
        self.hint = hint
        super().__init__(f"this needs the {package!r} package: {hint}")


def require_datasets() -> Any:
    """Import ``datasets`` or say exactly what to install."""
    try:
        import datasets
    except ImportError:
        raise MissingExtraError("datasets", INSTALL_HINT) from None
    return datasets


def yaml_type(t: Any) -> dict[str, Any]:
    """The dataset card YAML of an Arrow type (the ``dataset_info.features`` format)."""
    import pyarrow as pa

    if pa.types.is_struct(t):
        return {"struct": [{"name": f.name, **yaml_type(f.type)} for f in t]}
    if pa.types.is_list(t):
        inner = yaml_type(t.value_type)
        return {"list": inner["struct"] if "struct" in inner else inner.get("dtype", inner)}
    names = {
        pa.string(): "string",
        pa.int64(): "int64",
        pa.float64(): "float64",
        pa.bool_(): "bool",
    }
    if t not in names:
        raise TypeError(f"no card type for Arrow type {t}")
    return {"dtype": names[t]}


def _card_parts() -> tuple[dict[str, Any], str]:
    import yaml

    text = (dataset_dir() / "README.md").read_text(encoding="utf-8")
    _, head, body = text.split("---", 2)
    return yaml.safe_load(head), body.lstrip("\n")


def card_text(
    schemas: Mapping[str, Any],
    files: Mapping[str, str],
    split: str,
    counts: Mapping[str, int],
    lines: Mapping[str, str] | None = None,
    checksums: Mapping[str, tuple[int, str]] | None = None,
) -> str:
    """README.md of an export folder: generated YAML (configs, typed features, license,
    language, task categories, size category) and the data card's prose. ``lines``: what each
    config holds, for the card's list of configs (default: the tables' own descriptions).
    ``checksums``: each config's data file's size and sha256, put in its ``dataset_info`` as
    ``download_checksums``: ``datasets`` keys its cache of a local folder by the folder's name
    and this YAML, not by the files (5.2.0), so without them a second export into a folder of
    the same name would load as the first one's rows."""
    import yaml

    from diplomatic_visits.arrow import (
        ARTICLES_DESCRIPTION,
        ARTICLES_TABLE,
        FLAT_TABLES,
        TRAINING_TABLES,
    )

    if lines is None:
        lines = {
            ARTICLES_TABLE: f"{ARTICLES_DESCRIPTION}, so that a row pairs input and target",
            **{
                n: f"{d}, keyed by `record_id`"
                for n, d in {**FLAT_TABLES, **TRAINING_TABLES}.items()
            },
        }
    meta, body = _card_parts()
    meta["configs"] = [
        {
            "config_name": name,
            "data_files": [{"split": split, "path": files[name]}],
            **({"default": True} if name == ARTICLES_TABLE else {}),
        }
        for name in files
    ]
    meta["dataset_info"] = [
        {
            "config_name": name,
            "features": [{"name": f.name, **yaml_type(f.type)} for f in schemas[name]],
            **(
                {
                    "download_checksums": {
                        files[name]: {
                            "num_bytes": checksums[name][0],
                            "checksum": checksums[name][1],
                        }
                    }
                }
                if checksums is not None and name in checksums
                else {}
            ),
        }
        for name in files
    ]
    tables = "\n".join(f"- `{n}`: {lines[n]} ({counts[n]} rows)" for n in files if n in lines)
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return (
        f"---\n{header}---\n\n"
        "This folder was written by `diplomatic-visits export hf`. Load a config offline with "
        "`datasets.load_dataset(FOLDER, CONFIG)`.\n\n"
        f"## Configs\n\n{tables}\n\n{body}"
    )


def to_dataset_dict(
    records: Sequence[Mapping[str, Any]] | None = None,
    texts: Sequence[str | None] | None = None,
    config: str = "articles",
    split: str = "test",
    version: str | None = None,
    level: str = "verified",
    bundled: str = DEFAULT_SET,
) -> Any:
    """Return a ``datasets.DatasetDict`` of one table (``config``) of your records, or of a
    bundled set's (``bundled``: the real article by default, or ``"challenge"``).

    Built from the derived Arrow table directly (never through JSON), so every value is kept.
    """
    datasets = require_datasets()
    from diplomatic_visits.arrow import build_table, hf_features
    from diplomatic_visits.records import load_records_with_texts

    if records is None:
        records, texts = load_records_with_texts(bundled)
    if texts is None:
        texts = [None] * len(records)
    table = build_table(config, records, texts, version, level)  # type: ignore[arg-type]
    features = hf_features(table.schema)
    ds = datasets.Dataset(
        table.cast(features.arrow_schema), info=datasets.DatasetInfo(features=features)
    )
    return datasets.DatasetDict({split: ds})
