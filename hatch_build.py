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
  benchmark uses it to measure what the limited API costs).
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
        if _limited():
            platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
            build_data["tag"] = f"cp310-abi3-{platform}"
        else:
            build_data["infer_tag"] = True
        if version == "editable":  # an editable install imports the package from the checkout
            for old in source.parent.glob("_speedups.*.so"):
                old.unlink()  # another build's module would be imported first
            shutil.copy2(built, source.parent / built.name)
        else:
            build_data["force_include"][str(built)] = f"diplomatic_visits/{built.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


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
