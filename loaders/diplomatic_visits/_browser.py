"""Headless Chromium, for the view's screenshot and its tests: the page as a browser renders it.

Only the command line of the browser is used (``--dump-dom``, ``--screenshot``), so nothing
beyond the Chromium of the system is needed (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from diplomatic_visits.errors import DiplomaticVisitsError

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 120  # seconds: a cold start on a busy machine takes a few


class BrowserError(DiplomaticVisitsError):
    """No browser, or the browser failed."""


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) on ``PATH``, or None."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(page: Path, *flags: str) -> str:
    exe = find_chromium()
    if exe is None:
        raise BrowserError(
            "no Chromium found (looked for " + ", ".join(NAMES) + "): install it, e.g. "
            "apt-get install chromium"
        )
    with tempfile.TemporaryDirectory(prefix="dv-chromium-") as profile:
        args = [
            exe,
            "--headless",
            "--no-sandbox",  # CI runs as root, where the sandbox cannot start
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={profile}",  # its own profile: runs side by side never collide
            *flags,
            Path(page).resolve().as_uri(),
        ]
        try:
            done = subprocess.run(args, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise BrowserError(f"{exe} did not finish within {TIMEOUT} s") from None
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise BrowserError(f"{exe} failed (exit {done.returncode}): " + " / ".join(tail))
    return done.stdout.decode("utf-8", errors="replace")


def dump_dom(page: Path) -> str:
    """The page's DOM, serialised after its scripts ran."""
    return _run(page, "--dump-dom")


def screenshot(page: Path, width: int = 1400, height: int = 1000) -> bytes:
    """A PNG of the page's first ``width`` x ``height`` pixels."""
    with tempfile.TemporaryDirectory(prefix="dv-shot-") as tmp:
        png = Path(tmp) / "page.png"
        _run(page, "--hide-scrollbars", f"--window-size={width},{height}", f"--screenshot={png}")
        if not png.exists():
            raise BrowserError("the browser wrote no screenshot")
        return png.read_bytes()
