"""Writing outputs so that nothing is lost: atomic, never replacing what we did not write.

Every file and folder is built under a temporary name beside its target and renamed into place
only once complete, so a failure part-way never leaves a half-written output. The rename refuses
to replace a target that appeared while the run worked (two runs to the same ``--out``: the
second is told, instead of both claiming success).

- A **file** given with ``force`` is replaced: the user named it.
- A **folder** is replaced with ``force`` only when it is one of our exports and holds nothing
  else: each folder we write lists its files in :data:`MARKER`, and a folder with any other
  file (a ``notes.txt`` the user put there) is refused, never emptied.
- **Debris**: temporary names say who made them (``.NAME.dvtmp-HOST-PID-….tmp``), so a run
  that was killed leaves names the next run to the same target recognises; it removes those
  whose process is gone (on this host), and nothing else.

Files get the permissions any new file of the user gets (the umask), not the private mode of a
temporary file.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from diplomatic_visits.errors import DiplomaticVisitsError

#: The file each folder we write holds: the relative paths of the files we wrote there.
MARKER = ".diplomatic-visits-export.json"


class OutputExistsError(DiplomaticVisitsError, FileExistsError):
    """The target exists (or appeared while the run worked) and ``force`` was not given."""

    def __init__(self, path: Path, appeared: bool = False) -> None:
        self.path = path
        self.appeared = appeared
        if appeared:
            message = (
                f"{path} appeared while this run was writing it (another run?); it was left "
                "as it is and nothing was written: pass --force to replace it"
            )
        else:
            message = f"{path} exists; pass --force to replace it"
        super().__init__(message)


class OutputKindError(DiplomaticVisitsError):
    """The target is a folder where a file is written, or the other way round."""

    def __init__(self, path: Path, is_folder: bool) -> None:
        self.path = path
        if is_folder:
            what = "is a folder: give the file to write"
        else:
            what = "is a file: give the folder to write"
        super().__init__(f"{path} {what}")


class ForeignFilesError(DiplomaticVisitsError):
    """``force`` was given for a folder that holds files this package did not write."""

    def __init__(self, path: Path, foreign: list[str]) -> None:
        self.path = path
        self.foreign = foreign
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        super().__init__(
            f"{path} holds files this package did not write ({shown}); --force replaces only "
            "a folder that is one of our exports and nothing else: give another --out, or "
            "move those files away yourself"
        )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _host() -> str:
    """A short tag of this machine: debris on shared storage is judged only by its own host."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _prefix(path: Path) -> str:
    return f".{path.name}.dvtmp-{_host()}-{os.getpid()}-"


def _debris(path: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(path.name)}\.dvtmp-([0-9a-f]{{8}})-([0-9]+)-[^/]*\.(tmp|old)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: alive
        return True
    except OverflowError:  # not a pid of this system
        return False
    return True


def clean_debris(path: Path) -> list[Path]:
    """Remove what runs to ``path`` that were killed left beside it; return what was removed.

    Only names of our own pattern, made on this host by a process that is gone, are touched.
    """
    path = Path(path)
    parent = path.parent
    pattern = _debris(path)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    host = _host()
    for entry in sorted(entries, key=lambda e: e.name):
        m = pattern.fullmatch(entry.name)
        if m is None or m.group(1) != host or _alive(int(m.group(2))):
            continue
        target = Path(entry.path)
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(target)
            else:
                target.unlink()
            removed.append(target)
    return removed


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _renameat2() -> object | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.renameat2
    except (OSError, AttributeError):  # not glibc 2.28+ (or not Linux)
        return None


def rename_noreplace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``, atomically refusing (``FileExistsError``) when ``dst`` exists.

    Linux's ``renameat2(RENAME_NOREPLACE)`` where the system and file system have it; else a
    hard link for a file (which refuses an existing name too) or a plain rename for a folder
    (which refuses a non-empty one).
    """
    fn = _renameat2()
    if fn is not None:
        rc = fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE)  # type: ignore[operator]
        if rc == 0:
            return
        code = ctypes.get_errno()
        if code in (errno.EEXIST, errno.ENOTEMPTY):
            raise FileExistsError(code, os.strerror(code), str(dst))
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(dst))
    if Path(src).is_dir():
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dst))
        try:
            Path(src).rename(dst)
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
                raise FileExistsError(exc.errno, exc.strerror, str(dst)) from exc
            raise
        return
    os.link(src, dst)  # FileExistsError when dst exists
    Path(src).unlink()


def _check_file_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise OutputKindError(path, is_folder=True)
    if os.path.lexists(path) and not force:
        raise OutputExistsError(path)


@contextlib.contextmanager
def atomic_file(path: Path, force: bool = False) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; on success rename it to ``path``, else delete it.

    Without ``force`` an existing ``path`` is refused, before the work and again at the rename.
    """
    path = Path(path)
    _check_file_target(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_debris(path)
    fd, name = tempfile.mkstemp(prefix=_prefix(path), suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600: give what open() would
        if path.is_dir():  # appeared meanwhile
            raise OutputKindError(path, is_folder=True)
        if force:
            tmp.replace(path)
        else:
            try:
                rename_noreplace(tmp, path)
            except FileExistsError:
                raise OutputExistsError(path, appeared=True) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if not p.is_dir() or p.is_symlink()
    )


def foreign_files(folder: Path) -> list[str]:
    """The files of ``folder`` this package did not write (empty: it is one of our exports
    and holds nothing else). A folder without our marker is all foreign, unless empty."""
    folder = Path(folder)
    present = _files(folder)
    try:
        listed = set(json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        listed = set()
    return [f for f in present if f != MARKER and f not in listed]


def _check_dir_target(path: Path, force: bool) -> None:
    if os.path.lexists(path) and not path.is_dir():
        raise OutputKindError(path, is_folder=False)
    if path.exists():
        if not force:
            raise OutputExistsError(path)
        foreign = foreign_files(path)
        if foreign:
            raise ForeignFilesError(path, foreign)


@contextlib.contextmanager
def atomic_dir(path: Path, force: bool = False) -> Iterator[Path]:
    """Build a folder beside ``path`` and move it into place only when complete.

    The folder gets :data:`MARKER`, the list of the files written in it. With ``force`` an
    existing folder is replaced only when it is one of ours and holds nothing else
    (:class:`ForeignFilesError` otherwise, raised before any work).
    """
    path = Path(path)
    _check_dir_target(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_debris(path)
    tmp = Path(tempfile.mkdtemp(prefix=_prefix(path), suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        marker = {
            "written_by": "diplomatic-visits",
            "files": [f for f in _files(tmp) if f != MARKER],
        }
        (tmp / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
        tmp.chmod(0o777 & ~_umask())
        _place(tmp, path, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _place(tmp: Path, path: Path, force: bool) -> None:
    if os.path.lexists(path) and not force:
        raise OutputExistsError(path, appeared=True)
    _check_dir_target(path, force)
    if not (force and path.exists()):
        try:
            rename_noreplace(tmp, path)
        except FileExistsError:
            raise OutputExistsError(path, appeared=True) from None
        return
    old = Path(tempfile.mkdtemp(prefix=_prefix(path), suffix=".old", dir=path.parent))
    path.replace(old / "x")
    try:
        rename_noreplace(tmp, path)
    except FileExistsError:
        if not os.path.lexists(path):  # else another run's export stands there: ours is
            (old / "x").replace(path)  # left in `old`, removed as debris by a later run
        raise OutputExistsError(path, appeared=True) from None
    shutil.rmtree(old, ignore_errors=True)
