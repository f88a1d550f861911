"""JavaScript users validate with Ajv (draft 2020-12 build), whose default (strict) mode throws
on a keyword it does not know: our `x-dv` rule annotations. The portable bundle
(`bundle_schema(..., portable=True)`, `schema --portable`) is what Ajv's default takes; the
released files work once `ajv.addKeyword("x-dv")` is called. Both checked with the real Ajv,
through node.

Ajv is installed by `.ci/run` (`npm install --prefix ... ajv@8 ajv-formats@3`, outside the
repository) and found through DIPLOMATIC_VISITS_NODE_MODULES; tests never touch the network.
Under CI=true a missing Ajv fails the test instead of skipping it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import diplomatic_visits as dv
from conftest import EXAMPLES, load_json
from diplomatic_visits import cli
from diplomatic_visits.schema import LEVELS, RULES_KEYWORD, bundle_schema, declared_version

ENV = "DIPLOMATIC_VISITS_NODE_MODULES"

# One node run: compile each schema with Ajv's default settings (ajv-formats added, since Ajv
# checks no format by itself), then validate each case against the schema it names.
SCRIPT = r"""
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const job = JSON.parse(require("fs").readFileSync(0, "utf8"));
const ajv = new Ajv2020();
addFormats(ajv);
if (job.addKeyword) ajv.addKeyword(job.addKeyword);
for (const doc of job.resources || []) ajv.addSchema(doc);
const out = {compiled: {}, valid: []};
const validators = {};
for (const [name, schema] of Object.entries(job.schemas)) {
  try {
    validators[name] = typeof schema === "string" ? ajv.getSchema(schema) : ajv.compile(schema);
    if (!validators[name]) throw new Error("no schema " + schema);
    out.compiled[name] = null;
  } catch (e) { out.compiled[name] = e.message; }
}
for (const c of job.cases) {
  const v = validators[c.schema];
  out.valid.push(v ? v(c.data) : null);
}
process.stdout.write(JSON.stringify(out));
"""


def _node_modules() -> Path:
    where = os.environ.get(ENV)
    folder = Path(where) if where else None
    if shutil.which("node") and folder and (folder / "ajv" / "package.json").is_file():
        return folder
    why = (
        f"Ajv is not installed: run `npm install --prefix DIR ajv@8 ajv-formats@3` and set "
        f"{ENV}=DIR/node_modules (.ci/run does)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


def _ajv(job: dict[str, Any]) -> dict[str, Any]:
    modules = _node_modules()
    run = subprocess.run(
        ["node", "-e", SCRIPT],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(modules)},
        check=True,
        timeout=120,
    )
    out: dict[str, Any] = json.loads(run.stdout)
    out["warnings"] = run.stderr  # Ajv logs its strictTypes findings on stderr
    return out


def _has_annotation(node: Any) -> bool:
    if isinstance(node, dict):
        return any(k.startswith("x-") for k in node) or any(map(_has_annotation, node.values()))
    if isinstance(node, list):
        return any(map(_has_annotation, node))
    return False


def test_ajv_default_refuses_the_annotated_schema() -> None:
    # why the portable bundle exists: Ajv's default throws on x-dv
    got = _ajv({"schemas": {"canonical": bundle_schema()}, "cases": []})
    assert 'unknown keyword: "x-dv"' in got["compiled"]["canonical"]


def test_ajv_default_takes_every_portable_bundle_and_agrees_on_structure() -> None:
    versions = dv.available_versions()
    schemas = {
        f"{v}/{level}": bundle_schema(v, level, portable=True) for v in versions for level in LEVELS
    }
    expected: dict[str, dict[str, str]] = load_json(EXAMPLES / "expected-failures.json")
    cases: list[dict[str, Any]] = []
    want: list[tuple[str, bool]] = []
    for record in dv.load_records():
        for level in LEVELS:
            cases.append({"schema": f"{declared_version(record)}/{level}", "data": record})
            want.append((f"gold {record['record_id']} {level}", True))
    for path in sorted((EXAMPLES / "valid").glob("*.json")):
        record = load_json(path)
        cases.append({"schema": f"{declared_version(record)}/extraction", "data": record})
        want.append((path.name, True))
    for name, facts in sorted(expected.items()):
        record = load_json(EXAMPLES / "invalid" / name)
        version = declared_version(record) or dv.latest_version()
        cases.append({"schema": f"{version}/{facts['level']}", "data": record})
        # a broken semantic rule is ours to find: Ajv checks the structure only
        want.append((name, facts["kind"] == "semantic"))
    got = _ajv({"schemas": schemas, "cases": cases})
    assert got["compiled"] == dict.fromkeys(schemas), "Ajv's default refused a portable bundle"
    assert got["warnings"] == ""  # not even a strictTypes warning: the bundle merged allOf
    assert [(name, valid) for (name, _), valid in zip(want, got["valid"], strict=True)] == want
    assert not any(_has_annotation(s) for s in schemas.values())
    assert sum(1 for _, ok in want if not ok) >= 10  # the structural failures were checked


def test_ajv_with_the_keyword_added_takes_the_released_files() -> None:
    # the way to keep the released files as they are: ajv.addKeyword("x-dv")
    from diplomatic_visits._paths import schema_dir

    resources = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(schema_dir().glob("[0-9]*/*.schema.json"))
    ]
    ids = {doc["$id"]: doc for doc in resources}
    schemas = {i: i for i in ids}
    cases = [
        {"schema": i, "data": record}
        for record in dv.load_records()
        for i in ids
        if f"/{declared_version(record)}/" in i
    ]
    got = _ajv(
        {"schemas": schemas, "resources": resources, "addKeyword": RULES_KEYWORD, "cases": cases}
    )
    assert got["compiled"] == dict.fromkeys(schemas)
    assert cases and got["valid"] == [True] * len(cases)


def test_schema_portable_prints_the_bundle_without_annotations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["schema", "--portable", "--level", "verified"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == bundle_schema(None, "verified", portable=True)
    assert not _has_annotation(printed)
    assert _has_annotation(bundle_schema(None, "verified"))
