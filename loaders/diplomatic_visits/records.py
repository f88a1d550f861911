"""The bundled gold records: checksums, loading, and their source texts.

Two sets are bundled (:data:`~diplomatic_visits._paths.BUNDLED_SETS`): ``article``, the real
article (the default, as before there were two), and ``challenge``, short texts written for the
project with their construct tags. Every function that loads takes the set's name."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from diplomatic_visits._paths import BUNDLED_SETS, DEFAULT_SET, dataset_dir, set_dir, set_prefix
from diplomatic_visits.errors import ChecksumError, DiplomaticVisitsError

SUMS_FILE = "SHA256SUMS"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_sums(path: Path) -> dict[str, str]:
    """Parse a ``sha256sum``-style file into {relative path: digest}."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            out[name.lstrip("*")] = digest
    return out


def checksum_problems(
    folder: Path, pattern: str = "**/*", bundled: str | None = None
) -> list[ChecksumError]:
    """Compare ``folder/SHA256SUMS`` with the files under ``folder`` matching ``pattern``.

    Every listed file must exist with its digest; every matching data file must be listed.
    ``bundled``: only the files of that record set (and ``VERSION``), else every file.
    """
    sums = read_sums(folder / SUMS_FILE)
    if bundled is not None:
        sums = {n: d for n, d in sums.items() if _in_set(n, bundled)}
    problems: list[ChecksumError] = []
    for name, expected in sorted(sums.items()):
        path = folder / name
        if not path.is_file():
            problems.append(ChecksumError(path, expected, None))
        elif (actual := _sha256(path)) != expected:
            problems.append(ChecksumError(path, expected, actual))
    for path in sorted(folder.glob(pattern)):
        rel = path.relative_to(folder).as_posix()
        if (
            path.is_file()
            and rel not in sums
            and _is_data_file(rel)
            and (bundled is None or _in_set(rel, bundled))
        ):
            problems.append(ChecksumError(path, None, _sha256(path)))
    return problems


def _set_files(prefix: str) -> tuple[str, ...]:
    """What is data in a set's folder: its records and texts; all of a set's own folder."""
    return (f"{prefix}source/", f"{prefix}records/") if not prefix else (prefix,)


def _in_set(rel: str, bundled: str) -> bool:
    return rel == "VERSION" or rel.startswith(_set_files(set_prefix(bundled)))


def _is_data_file(rel: str) -> bool:
    return any(_in_set(rel, name) for name in BUNDLED_SETS)


@cache
def verify_dataset(bundled: str | None = None) -> None:
    """Raise :class:`ChecksumError` unless every shipped data file (of the set ``bundled``,
    or of all sets) matches dataset/SHA256SUMS."""
    problems = checksum_problems(dataset_dir(), bundled=bundled)
    if problems:
        raise problems[0]


def record_paths(bundled: str = DEFAULT_SET) -> list[Path]:
    """The record files of a bundled set (default: the real article), in order."""
    return sorted((set_dir(bundled) / "records").glob("*.json"))


def load_records(verify: bool = True, bundled: str = DEFAULT_SET) -> list[dict[str, Any]]:
    """Load the gold records of a bundled set (checksums of its files verified first).

    ``bundled``: ``"article"`` (the default: the real article's record) or ``"challenge"``
    (the challenge set: short invented texts, each record tagged with the constructs it
    tests in ``annotation.constructs``). Returns a new list of new dicts on every call, so
    callers may modify them. Raises :class:`~diplomatic_visits.errors.UnknownSetError` for
    another name and :class:`~diplomatic_visits.errors.ChecksumError` for a changed file.
    """
    paths = record_paths(bundled)  # an unknown set is refused before any work
    if verify:
        verify_dataset(bundled)
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def bundled_records(verify: bool = True) -> list[dict[str, Any]]:
    """The records of every bundled set, set after set (:func:`load_records` of each): where
    ``view`` and ``score`` look up a record's article text when none is given."""
    return [r for name in BUNDLED_SETS for r in load_records(verify, bundled=name)]


class NotBundledError(DiplomaticVisitsError, LookupError):
    """A record names an article text that is not one of the dataset's own files."""

    def __init__(self, named: object) -> None:
        self.named = named
        super().__init__(
            f"the record's article.text_file.path {named!r} is not an article text of the "
            "bundled dataset (only those are read on a record's say-so): give the text "
            "yourself (--source ARTICLE.txt, or text= in Python)"
        )


def source_path(record: Mapping[str, Any]) -> Path:
    """Path of the shipped article text a bundled record's spans index.

    Only the article texts the dataset lists in its checksums are ever named: a record's
    ``text_file.path`` that is anything else (``source/../../etc/passwd``, an absolute
    path, a file of the checkout that is not an article) raises :class:`NotBundledError`,
    so a record from elsewhere cannot make the package read a file of its choosing.
    """
    article = record.get("article") if isinstance(record, Mapping) else None
    text_file = article.get("text_file") if isinstance(article, Mapping) else None
    named = text_file.get("path") if isinstance(text_file, Mapping) else None
    if not isinstance(named, str) or named not in _bundled_texts():
        raise NotBundledError(named)
    return dataset_dir() / named


def _bundled_texts() -> frozenset[str]:
    """The article texts of the dataset: the ``source/`` files of every set its checksums
    list."""
    sums = read_sums(dataset_dir() / SUMS_FILE)
    folders = tuple(f"{set_prefix(name)}source/" for name in BUNDLED_SETS)
    return frozenset(name for name in sums if name.startswith(folders) and ".." not in name)


def load_source_text(record: Mapping[str, Any]) -> str:
    """The article text of a bundled record, decoded exactly as spans count it (UTF-8, code points).

    Newlines are kept as they are in the file (no universal-newline translation).
    """
    if not isinstance(record, Mapping):
        raise TypeError(
            f"load_source_text takes a record (a dict, such as one of load_records()), not "
            f"{type(record).__name__} {record!r:.60}: to read a text file, open it yourself"
        )
    return source_path(record).read_bytes().decode("utf-8")


def load_records_with_texts(
    bundled: str = DEFAULT_SET,
) -> tuple[list[dict[str, Any]], list[str | None]]:
    """The records of a bundled set (default: the real article) and, for each, its text."""
    records = load_records(bundled=bundled)
    return records, [load_source_text(r) for r in records]


def dataset_version() -> str:
    """The data release version (``dataset/VERSION``): PATCH same records, MINOR additions,
    MAJOR changed or removed records."""
    return (dataset_dir() / "VERSION").read_text(encoding="utf-8").strip()


def canonical_order(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Any:
    """Return ``value`` with every object's keys in the order the schema lists its properties."""
    from diplomatic_visits.schema import resolve

    schema = resolve(schema, root.get("$defs", {})).schema
    if isinstance(value, dict):
        props = schema.get("properties", {})
        ordered = [k for k in props if k in value] + sorted(k for k in value if k not in props)
        return {k: canonical_order(value[k], props.get(k, {}), root) for k in ordered}
    if isinstance(value, list):
        items = schema.get("items", {})
        return [canonical_order(v, items, root) for v in value]
    return value


def canonical_dumps(record: Mapping[str, Any]) -> str:
    """The canonical text of a record file: keys in schema order, 2-space indent, UTF-8 as is,
    final newline. Reviews of record changes then read as plain diffs."""
    from diplomatic_visits.schema import declared_version, load_schema

    root = load_schema(declared_version(record))
    return json.dumps(canonical_order(record, root, root), indent=2, ensure_ascii=False) + "\n"
