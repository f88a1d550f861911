"""Packaging: light start-up, the public API, the changelog, and a wheel that works outside the
checkout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import diplomatic_visits
from diplomatic_visits import available_versions

REPO = Path(__file__).resolve().parent.parent


def _fresh_python(code: str, *args: str) -> str:
    """What ``code`` prints in a new interpreter (a clean ``sys.modules``)."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    ).stdout


HEAVY = "[m for m in sys.modules if m.split('.')[0] in ('pyarrow', 'datasets', 'pandas', 'ray')]"


def test_import_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, diplomatic_visits as dv; dv.validate_record({}); "
        f"from diplomatic_visits.cli import main; print({HEAVY})"
    )
    assert _fresh_python(code).strip() == "[]"


def test_bare_import_loads_no_submodule_but_the_version() -> None:
    code = (
        "import sys, diplomatic_visits; "
        "print(sorted(m for m in sys.modules if m.startswith('diplomatic_visits.')))"
    )
    assert _fresh_python(code).strip() == "['diplomatic_visits._version']"


def test_validate_command_does_not_load_heavy_libraries(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_text("{}\n", encoding="utf-8")
    code = (
        "import sys; from diplomatic_visits.cli import main; "
        f"rc = main(['validate', sys.argv[1], '-q']); print({HEAVY})"
    )
    assert _fresh_python(code, str(f)).strip().splitlines()[-1] == "[]"


def test_public_api() -> None:
    # the names are imported on first use; __all__ and the table that finds them must agree
    assert set(diplomatic_visits.__all__) == {*diplomatic_visits._WHERE, "__version__"}
    for name in diplomatic_visits.__all__:
        assert hasattr(diplomatic_visits, name), name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = diplomatic_visits.nope  # type: ignore[attr-defined]
    # submodules are attributes too, as they were before the names were imported lazily
    assert diplomatic_visits.validate.__name__ == "diplomatic_visits.validate"
    assert set(diplomatic_visits.__all__) <= set(dir(diplomatic_visits))  # lazy names listed too
    assert (Path(diplomatic_visits.__file__).parent / "py.typed").exists()


def test_every_error_the_package_raises_is_one_users_can_catch() -> None:
    # one base class catches them all: each ...Error class of every module derives from it
    import importlib
    import inspect
    import pkgutil

    base = diplomatic_visits.DiplomaticVisitsError
    found = []
    for info in pkgutil.iter_modules(diplomatic_visits.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"diplomatic_visits.{info.name}")
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and name.endswith("Error")
                and obj.__module__ == module.__name__
            ):
                found.append(obj)
                assert issubclass(obj, base), f"{module.__name__}.{name}"
    assert len(found) >= 10


def test_changelog_has_the_current_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", text, re.M)
    assert diplomatic_visits.__version__ in versions
    for section in ("### Schema", "### Dataset", "### Package"):
        assert section in text


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    m = re.search(r"^(python -m pytest[^\n]*)$", ci, re.M)
    assert m, ".ci/run runs pytest"
    assert m.group(1) in readme


@pytest.mark.slow
def test_without_a_compiler_the_wheel_is_pure_python(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DIPLOMATIC_VISITS_REQUIRE_SPEEDUPS"}
    env["CC"] = "/bin/false"  # a compiler that always fails
    build = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir"]
    done = subprocess.run(
        [*build, str(tmp_path), str(REPO)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "the C accelerator was not built" in done.stdout + done.stderr
    wheel = next(tmp_path.glob("*.whl"))
    assert wheel.name.endswith("-py3-none-any.whl")
    import zipfile

    assert not any(n.endswith((".so", ".pyd")) for n in zipfile.ZipFile(wheel).namelist())


@pytest.mark.slow
def test_wheel_installs_and_works_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "diplomatic_visits/_data/schema/1.0.0/record.schema.json" in names
    assert "diplomatic_visits/_data/dataset/source/000_b730d245b05eac44.txt" in names
    # and the challenge set, every file of it
    shipped = {n.removeprefix("diplomatic_visits/_data/dataset/") for n in names}
    challenge = REPO / "dataset" / "challenge"
    files = {
        p.relative_to(REPO / "dataset").as_posix() for p in challenge.rglob("*") if p.is_file()
    }
    assert len(files) == 129 and files <= shipped
    assert not any(n.split("/")[0] in ("schema", "dataset", "loaders") for n in names)
    # the C accelerator is compiled into the wheel (CI sets DIPLOMATIC_VISITS_REQUIRE_SPEEDUPS),
    # for the limited API: one wheel for every CPython from 3.10 on
    assert any(n.startswith("diplomatic_visits/_speedups.") and n.endswith(".so") for n in names)
    # and the reference rule engine compiled with mypyc, which makes it a wheel of this CPython
    assert any(n.startswith("diplomatic_visits/checks.") and n.endswith(".so") for n in names)
    assert f"-cp{sys.version_info.major}{sys.version_info.minor}-" in wheel.name

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    # The test venv's dependencies, offline: a plain path line (a .pth inside it is not run, so the
    # editable install of the checkout stays out); the wheel's copy in site-packages comes first.
    site = Path(
        subprocess.run(
            [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = (
        "import diplomatic_visits as dv, json; r = dv.load_records(); "
        "assert dv.validate_record(r[0], level='verified') == []; "
        "c = dv.load_records(bundled='challenge'); "
        "assert all(dv.validate_record(x, level='verified', text=dv.load_source_text(x)) == [] "
        "for x in c); "
        "print(json.dumps([dv.__file__, len(r), dv.available_versions(), len(c)]))"
    )
    out = subprocess.run(
        [py, "-c", code], cwd=outside, env=env, capture_output=True, text=True, check=True
    )
    where, n, versions, challenge_n = json.loads(out.stdout)
    assert str(env_dir) in where and n == 1 and versions == list(available_versions())
    assert challenge_n == 64
    cli = subprocess.run(
        [env_dir / "bin" / "diplomatic-visits", "info"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "records          1" in cli.stdout
    assert "rules engine     Python, compiled with mypyc" in cli.stdout
    # the view's script and style ship with it, and it finds the bundled article by itself
    page = outside / "gold.html"
    gold = next(site.glob("diplomatic_visits/_data/dataset/records/*.json"))
    subprocess.run(
        [env_dir / "bin" / "diplomatic-visits", "view", gold, "--out", page],
        cwd=outside,
        env=env,
        capture_output=True,
        check=True,
    )
    assert 'id="dv-data"' in page.read_text(encoding="utf-8")
    assert "function paint(" in page.read_text(encoding="utf-8")
    # the compiled engine reports exactly what the pure one does
    differ = subprocess.run(
        [py, str(Path(__file__).with_name("compare_engines.py")), str(REPO)],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert differ.returncode == 0, differ.stdout + differ.stderr
    assert "compiled and pure engines agree on" in differ.stdout
    shipped = ", ".join(available_versions())
    assert f"accelerator      C, limited API (abi3), for schema {shipped}" in cli.stdout
