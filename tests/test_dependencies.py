"""The dev extra resolves at once: a bound that pip would otherwise find by walking back through
releases is written in pyproject.toml, and a test says when it can go."""

from __future__ import annotations

import re
from importlib.metadata import requires, version

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from conftest import REPO

# openai 3.3.1 is the first release that needs jiter>=0.16 (its metadata on PyPI, Dec 2026)
FIRST_OPENAI_NEEDING_NEW_JITER = "3.3.1"
NEW_JITER = "0.16.0"


def _dev_requirement(name: str) -> Requirement:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    dev = text.split("\ndev = [", 1)[1].split("\n]", 1)[0]
    found = re.search(rf'^\s*"({re.escape(name)}(?:[<>=!~;\[][^"]*)?)",', dev, re.MULTILINE)
    assert found, f"{name} is not in the dev extra"
    return Requirement(found.group(1))


def _instructor_jiter() -> Requirement:
    for line in requires("instructor") or []:
        req = Requirement(line)
        if req.name == "jiter" and (req.marker is None or req.marker.evaluate()):
            return req
    pytest.fail("instructor no longer requires jiter: check whether the openai cap can go")


def test_openai_is_capped_below_the_releases_instructor_cannot_share_jiter_with() -> None:
    # Without the cap pip tried 67 openai releases (each needs jiter>=0.16, which instructor's
    # jiter<0.15 refuses) before settling on 3.3.0.
    jiter = _instructor_jiter()
    assert not jiter.specifier.contains(NEW_JITER), (
        f"instructor now allows jiter {NEW_JITER} ({jiter}): drop the openai cap in pyproject.toml"
    )
    openai = _dev_requirement("openai")
    assert not openai.specifier.contains(FIRST_OPENAI_NEEDING_NEW_JITER)
    assert openai.specifier.contains(version("openai")), "the installed openai is allowed"
    assert Version(version("jiter")) in jiter.specifier
