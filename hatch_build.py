"""Build hook: compile the optional C accelerator ``diplomatic_visits._speedups``.

``validate`` and ``export --input`` use it to accept good records fast; the pure-Python path
gives the same results, only slower. So a machine without a C compiler still gets a working
(pure-Python) wheel, with a warning here. The module is built with the limited API (one
``abi3`` wheel serves every CPython from 3.10 on), except on a free-threaded CPython, which has
no limited API: there it is built with the full API and declares that it needs no GIL.
Environment variables:

- ``DIPLOMATIC_VISITS_PURE_PYTHON=1`` (or true, yes, on): do not compile (and, at run time, do
  not use it);
- ``DIPLOMATIC_VISITS_REQUIRE_SPEEDUPS=1``: fail the build instead of falling back (CI sets it,
  so that the accelerator is what CI tests);
- ``DIPLOMATIC_VISITS_FULL_API=1``: build with the full C API instead of the limited one (the
  benchmark uses it to measure what the limited API costs);
- ``DIPLOMATIC_VISITS_MYPYC=0``: do not compile the reference rule engine with mypyc.

A wheel (not an editable install) also gets the reference rule engine, ``checks.py``, compiled
with mypyc where mypyc and a compiler are at hand (about 2.5 times faster at reporting; the same
results: the wheel test holds the two to each other). An editable install keeps it pure Python,
so that edits of ``checks.py`` are never shadowed by a compiled copy. mypyc builds against the
full C API, so a wheel with it is for one CPython version; without it (``DIPLOMATIC_VISITS_MYPYC=0``
or no mypyc) the wheel is ``abi3``, for every CPython from 3.10 on.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MODULE = "diplomatic_visits._speedups"
LIMITED_API = "0x030A0000"  # CPython 3.10, the oldest this package supports


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class SpeedupsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or _flag("DIPLOMATIC_VISITS_PURE_PYTHON"):
            return
        source = Path(self.root) / "loaders" / "diplomatic_visits" / "_speedups.c"
        self._work = Path(tempfile.mkdtemp(prefix="dv-speedups-"))
        try:
            built = _compile(source, self._work)
        except Exception as exc:
            if _flag("DIPLOMATIC_VISITS_REQUIRE_SPEEDUPS"):
                raise
            self.app.display_warning(
                f"diplomatic-visits: the C accelerator was not built ({exc}); validate will "
                "use its pure-Python path (the same results, slower)"
            )
            return
        build_data["pure_python"] = False
        compiled = [] if version == "editable" else self._mypyc(source.parent)
        if _limited() and not compiled:
            platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
            build_data["tag"] = f"cp310-abi3-{platform}"
        else:
            build_data["infer_tag"] = True
        if version == "editable":  # an editable install imports the package from the checkout
            for old in source.parent.glob("_speedups.*.so"):
                old.unlink()  # another build's module would be imported first
            shutil.copy2(built, source.parent / built.name)
            return
        for lib in [built, *compiled]:
            build_data["force_include"][str(lib)] = f"diplomatic_visits/{lib.name}"

    def _mypyc(self, package: Path) -> list[Path]:
        """``checks.py`` compiled with mypyc (its extension modules), or [] with a warning."""
        if os.environ.get("DIPLOMATIC_VISITS_MYPYC", "").strip().lower() in ("0", "false", "no"):
            return []
        try:
            return _compile_mypyc(package, self._work / "mypyc")
        except (Exception, SystemExit) as exc:  # a mypy error makes mypyc raise SystemExit
            if _flag("DIPLOMATIC_VISITS_REQUIRE_SPEEDUPS"):
                raise RuntimeError(f"mypyc could not compile checks.py: {exc}") from exc
            self.app.display_warning(
                f"diplomatic-visits: checks.py was not compiled with mypyc ({exc!r}); the rule "
                "engine that reports stays pure Python (the same results, slower)"
            )
            return []

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def _compile_mypyc(package: Path, work: Path) -> list[Path]:
    """Compile ``diplomatic_visits.checks`` with mypyc in ``work``; return the built modules."""
    from mypyc.build import mypycify
    from setuptools import Distribution
    from setuptools.command.build_ext import build_ext

    shutil.copytree(package, work / "diplomatic_visits", ignore=shutil.ignore_patterns("*.so"))
    here = Path.cwd()
    os.chdir(work)
    try:
        # a wheel build's isolated environment has mypy but not the package's dependencies
        # (jsonschema, orjson, ...). mypy is told to look for none of them, wherever the build
        # runs, so an isolated build and one in a full environment (the tests') compile the
        # same thing: their types are Any, which checks.py's own code does not rely on
        args = ["--no-site-packages", "--ignore-missing-imports", "diplomatic_visits/checks.py"]
        extensions = mypycify(args, opt_level="3")
        dist = Distribution({"name": "diplomatic-visits", "ext_modules": extensions})
        cmd = build_ext(dist)
        cmd.build_lib = str(work / "lib")
        cmd.build_temp = str(work / "temp")
        cmd.ensure_finalized()
        cmd.run()
        return [Path(cmd.get_ext_fullpath(e.name)).resolve() for e in extensions]
    finally:
        os.chdir(here)


def _limited() -> bool:
    """Whether to build for the limited API: everywhere but on a free-threaded CPython."""
    return not sysconfig.get_config_var("Py_GIL_DISABLED") and not _flag(
        "DIPLOMATIC_VISITS_FULL_API"
    )


def _compile(source: Path, work: Path) -> Path:
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    shutil.copy2(source, work / source.name)  # build from a relative path, in a scratch folder
    # the module carries the sha256 of its source: validate.py will not use a module built
    # from another version of the file (say, one an editable install left in the checkout)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    macros = [("SOURCE_SHA256", digest)]
    if _limited():
        macros.append(("Py_LIMITED_API", LIMITED_API))
    extension = Extension(MODULE, [source.name], define_macros=macros, py_limited_api=_limited())
    here = Path.cwd()
    os.chdir(work)
    try:
        dist = Distribution({"name": "diplomatic-visits", "ext_modules": [extension]})
        cmd = build_ext(dist)
        cmd.build_lib = str(work / "lib")
        cmd.build_temp = str(work / "temp")
        cmd.ensure_finalized()
        cmd.run()
        return Path(cmd.get_ext_fullpath(MODULE)).resolve()
    finally:
        os.chdir(here)
