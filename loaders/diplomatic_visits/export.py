"""Writers for the exports. Every write is atomic: a temporary file beside the target, renamed
into place only once complete, so a failure part-way never leaves a half-written export."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from diplomatic_visits.errors import DiplomaticVisitsError


class OutputExistsError(DiplomaticVisitsError, FileExistsError):
    """The export target exists and ``force`` was not given."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} exists; pass --force (force=True) to replace it")


@contextlib.contextmanager
def atomic_file(path: Path, force: bool = False) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; on success rename it to ``path``, else delete it."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise


def jsonl_line(record: Mapping[str, Any]) -> bytes:
    """One record as a JSON Lines line: compact, UTF-8, keys in the record's own order."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_jsonl(records: Iterable[Mapping[str, Any]], out: str | Path, force: bool = False) -> int:
    """Write records one per line to ``out`` (``"-"``: stdout). Returns the number written."""
    n = 0
    if str(out) == "-":
        for r in records:
            sys.stdout.buffer.write(jsonl_line(r))
            n += 1
        sys.stdout.buffer.flush()
        return n
    with atomic_file(Path(out), force) as f:
        for r in records:
            f.write(jsonl_line(r))
            n += 1
    return n
