"""The README's "Extract with any model" runs as written, with a stand-in model that returns
the projected gold with mistakes a model makes."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

import diplomatic_visits as dv
from diplomatic_visits import profile

README = Path(__file__).parent.parent / "README.md"


def readme_snippet() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Extract with any model", 1)[1]
    (code,) = [
        c
        for c in re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S)
        if "call_model" in c
    ]
    return code


def run_snippet(tmp_path: Path, answer: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    gold = dv.load_records()[0]
    (tmp_path / "article.txt").write_text(dv.load_source_text(gold), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    asked: list[Any] = []

    def call_model(messages: Any, schema: Any) -> Any:
        asked.append((messages, schema))
        return answer

    scope: dict[str, Any] = {"call_model": call_model, "print": lambda *a: None}
    exec(compile(readme_snippet(), str(README), "exec"), scope)
    ((messages, schema),) = asked
    assert schema == profile.profile_schema() and messages[1]["role"] == "user"
    return scope


def test_the_readme_runs_with_a_model_that_returns_the_gold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = profile.project(dv.load_records()[0])
    got = run_snippet(tmp_path, json.dumps(target, ensure_ascii=False), monkeypatch)
    assert got["issues"] == []
    assert got["score"].micro.f1 == 1.0


def test_the_readme_shows_a_model_s_mistakes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = copy.deepcopy(profile.project(dv.load_records()[0]))
    target["visits"][0]["evidence"] = ["Kim flew to Paris on Monday"]  # an invented quote
    target["visits"][0]["visitors"] *= 2  # a duplicate the profile cannot refuse
    target["statements"].pop()  # a missed statement
    target["visits"][0]["hosts"] = ["a_nobody"]  # a dangling reference
    answer = "```json\n" + json.dumps(target, ensure_ascii=False) + "\n```"  # a fence
    got = run_snippet(tmp_path, answer, monkeypatch)
    kinds = {n.kind for n in got["notes"]}
    assert {"answer", "quote_not_found"} <= kinds
    keywords = {i.keyword for i in got["issues"]}
    assert {"uniqueItems", "span-text", "ref-exists"} <= keywords
    # an invalid record is still scored by score_records (score_files refuses it): worse than 1
    assert got["score"].micro.f1 < 1.0
