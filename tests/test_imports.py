"""The package's import graph: no module reaches itself through others, and none uses another
module's private names. Read from the source with ``ast`` (nothing is imported), over every
module of the package, subpackages included.

Every import counts, wherever it stands: at module level, inside a function, or under ``if
TYPE_CHECKING``. An import inside a function is still a dependency (the function cannot run
without the other module); it only moves the moment a cycle would break an import, it does not
make the two modules separable, and it is how the cycles this test was written for were hidden
(``schema.bundle_schema`` importing ``profile``, ``pipeline`` importing ``batch``). Lazy imports
stay where they keep start-up light (pyarrow, the profile); a cycle is broken by moving code to
the module it belongs in. A ``TYPE_CHECKING`` import is what mypy and a reader follow, so it
counts too, else it would be the way to hide a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO

PACKAGE = "diplomatic_visits"
ROOT = REPO / "loaders" / PACKAGE


@dataclass(frozen=True)
class Use:
    """One place a module names another: ``importer`` line ``line`` uses ``name`` of
    ``module`` (``name`` None: the module itself)."""

    importer: str
    line: int
    module: str
    name: str | None

    def __str__(self) -> str:
        what = self.module if self.name is None else f"{self.module}.{self.name}"
        return f"{self.importer}:{self.line} uses {what}"


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the package under ``root`` by dotted name: Python files, stubs and
    compiled extensions (``_speedups``), in subpackages too."""
    out: dict[str, Path] = {}
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".py", ".pyi", ".so", ".pyd") or "__pycache__" in path.parts:
            continue
        parts = [*path.relative_to(root).parent.parts, path.name.split(".", 1)[0]]
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join([root.name, *parts])
        if path.suffix == ".py" or name not in out:
            out[name] = path
    return out


def uses(root: Path) -> Iterator[Use]:
    """Every import of a package module, and every attribute read through a name bound to one
    (``module._name``), in every Python file under ``root``."""
    modules = module_names(root)
    package = root.name
    for name, path in modules.items():
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        here = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        bound: dict[str, str] = {}  # local name -> the package module it is bound to
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == package:
                        yield Use(name, node.lineno, alias.name, None)
                        if alias.asname:
                            bound[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                if source.split(".")[0] != package:
                    continue
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    if sub in modules:  # a submodule: ``from diplomatic_visits import accel``
                        yield Use(name, node.lineno, sub, None)
                        bound[alias.asname or alias.name] = sub
                    else:
                        yield Use(name, node.lineno, source, alias.name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                target = _dotted(node.value)
                if target is None:
                    continue
                head, _, rest = target.partition(".")
                module = bound.get(head, head if head == package else None)
                if module is not None:
                    full = f"{module}.{rest}" if rest else module
                    if full in modules and f"{full}.{node.attr}" not in modules:
                        yield Use(name, node.lineno, full, node.attr)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return None if inner is None else f"{inner}.{node.attr}"
    return None


def cycles(root: Path) -> list[list[Use]]:
    """One cycle through each group of modules that import each other, as the imports that
    make it (empty: the graph has no cycle)."""
    edges: dict[str, dict[str, Use]] = {}
    for use in uses(root):
        if use.module != use.importer:
            edges.setdefault(use.importer, {}).setdefault(use.module, use)
    found: list[list[Use]] = []
    done: set[str] = set()
    for start in sorted(edges):
        if start in done:
            continue
        # depth first from ``start``, with the path of imports that led to each module
        stack: list[tuple[str, list[Use]]] = [(start, [])]
        seen: set[str] = set()
        while stack:
            module, path = stack.pop()
            for target, use in sorted(edges.get(module, {}).items(), reverse=True):
                if target == start:
                    found.append([*path, use])
                    done.update(u.importer for u in found[-1])
                    stack.clear()
                    break
                if target not in seen:
                    seen.add(target)
                    stack.append((target, [*path, use]))
        done.add(start)
    return found


def private_reaches(root: Path) -> list[Use]:
    """Every use of a name another module keeps private (``_name``, not a dunder, not a
    submodule: a package's private modules are its own to import)."""
    return [
        use
        for use in uses(root)
        if use.name is not None
        and use.name.startswith("_")
        and not use.name.startswith("__")
        and use.module != use.importer
    ]


def test_no_module_reaches_itself_through_other_modules() -> None:
    found = cycles(ROOT)
    assert not found, "import cycles:\n" + "\n".join(
        " -> ".join([c[0].importer, *(u.module for u in c)]) + "\n  " + "\n  ".join(map(str, c))
        for c in found
    )


def test_no_module_uses_another_modules_private_names() -> None:
    found = private_reaches(ROOT)
    assert not found, "private names used across modules:\n" + "\n".join(map(str, found))


def test_the_checks_see_every_kind_of_import(tmp_path: Path) -> None:
    # a package with one of each: the checks above would pass vacuously if the walk missed one
    pkg = tmp_path / PACKAGE
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "_fast.pyi").write_text("")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from diplomatic_visits import _fast\n"  # a private module of the package: allowed
        "if TYPE_CHECKING:\n    from diplomatic_visits.b import B\n"
    )
    (pkg / "b.py").write_text("def f():\n    from .sub.c import _hidden\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text(
        "import diplomatic_visits.a as a_module\n"
        "from .. import b\n"
        "def g():\n    return a_module._x, b.f\n"
    )
    found = cycles(pkg)
    assert [[u.importer for u in c] for c in found] == [
        ["diplomatic_visits.a", "diplomatic_visits.b", "diplomatic_visits.sub.c"]
    ]
    assert [(u.importer, u.module, u.name) for u in private_reaches(pkg)] == [
        ("diplomatic_visits.b", "diplomatic_visits.sub.c", "_hidden"),
        ("diplomatic_visits.sub.c", "diplomatic_visits.a", "_x"),
    ]
