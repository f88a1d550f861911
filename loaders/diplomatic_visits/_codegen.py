"""Generate :mod:`diplomatic_visits.models` (pydantic v2) from the llm profile.

``python -m diplomatic_visits._codegen`` rewrites ``models.py`` (the latest schema version) and
``models_<X_Y_Z>.py`` for every older shipped version (``models_1_0_0``); a test regenerates
them and compares, so the models never drift from the profile (and the profile never from the
schema). Needs datamodel-code-generator (a dev dependency); the generated files need only
pydantic.

Every description of the profile reaches ``model_json_schema()`` (what OpenAI's and
instructor's helpers send): a class's as its docstring, a property's as an attribute docstring
that pydantic reads (``use_attribute_docstrings``), and an array item's, which the generator
has no place for, through a generated table that :class:`~diplomatic_visits._model_base.
ProfileModel` puts back into the schema.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from diplomatic_visits.profile import dropped, profile_schema
from diplomatic_visits.schema import available_versions, latest_version

HEADER = (
    "# Generated from the llm profile of schema {version} by datamodel-code-generator:\n"
    "# do not edit; regenerate with `python -m diplomatic_visits._codegen`."
)

OPTIONS = [
    "--input-file-type", "jsonschema",
    "--output-model-type", "pydantic_v2.BaseModel",
    "--target-python-version", "3.10",
    # the schema's types, not pydantic's coercions: "6" is not 6, 1 is not True
    "--strict-types", "str", "int", "float", "bool",
    "--extra-fields", "forbid",
    "--enum-field-as-literal", "all",
    "--use-annotated",
    "--field-constraints",
    "--use-standard-collections",
    "--use-union-operator",
    "--use-double-quotes",
    "--keep-model-order",
    "--use-schema-description",
    "--use-field-description",
    # pydantic reads the docstrings as descriptions: model_json_schema() carries them
    "--use-attribute-docstrings",
    "--disable-timestamp",
    "--class-name", "Record",
    # refuses duplicates where the canonical schema does (see unique_items below)
    "--base-class", "diplomatic_visits._model_base.ProfileModel",
    "--formatters", "builtin",
]  # fmt: skip


def generate(version: str | None = None) -> str:
    """The text of ``models.py`` for ``version``'s profile."""
    version = version or latest_version()
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "profile.json", Path(tmp) / "models.py"
        src.write_text(json.dumps(profile_schema(version), ensure_ascii=False), encoding="utf-8")
        subprocess.run(
            [
                sys.executable, "-m", "datamodel_code_generator",
                "--input", str(src), "--output", str(out), *OPTIONS,
                "--custom-file-header", HEADER.format(version=version),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return out.read_text(encoding="utf-8") + unique_items(version) + item_descriptions(version)


def module_name(version: str) -> str:
    """The module of ``version``'s models: ``models`` for the latest, else ``models_1_0_0``."""
    return "models" if version == latest_version() else "models_" + version.replace(".", "_")


UNIQUE_ITEMS_HEADER = """

# The fields whose items the canonical schema requires to be unique (its uniqueItems, which
# the profile drops because no engine takes it): ProfileModel refuses a duplicate in them.
"""


def _class_name(def_name: str) -> str:
    """The class datamodel-code-generator makes of a ``$defs`` entry (``SubEvent``)."""
    return "".join(part[:1].upper() + part[1:] for part in def_name.split("_"))


def unique_items(version: str) -> str:
    """The generated block that sets ``unique_items`` on each model, from :func:`dropped`."""
    defs = profile_schema(version).get("$defs", {})
    fields: dict[str, list[str]] = {}
    for drop in dropped(version):
        if drop.keyword != "uniqueItems" or drop.value is not True:
            continue
        match = re.fullmatch(r"(?:/\$defs/(\w+))?/properties/(\w+)", drop.where)
        if match is None:
            raise RuntimeError(f"uniqueItems at {drop.where}: not a model's field")
        def_name, field = match.groups()
        if def_name is not None and def_name not in defs:
            continue  # a definition the profile leaves out (the annotation's sentences)
        fields.setdefault("Record" if def_name is None else _class_name(def_name), []).append(field)
    lines = [
        f"{cls}.unique_items = ({', '.join(json.dumps(f) for f in names)},)"
        for cls, names in sorted(fields.items())
    ]
    return UNIQUE_ITEMS_HEADER + "\n".join(lines) + "\n"


ITEM_DESCRIPTIONS_HEADER = """

# The descriptions of array items (a quote, an id), which the generated fields have no place
# for: ProfileModel writes them into model_json_schema()'s items.
"""


def _array(node: dict[str, Any]) -> dict[str, Any] | None:
    """The array schema of a property (itself, or the non-null branch of its ``anyOf``)."""
    if node.get("type") == "array":
        return node
    for branch in node.get("anyOf", ()):
        if isinstance(branch, dict) and branch.get("type") == "array":
            return branch
    return None


def item_descriptions(version: str) -> str:
    """The generated block that sets ``item_descriptions`` on each model, from the profile."""
    schema = profile_schema(version)
    owners = {"Record": schema, **{_class_name(n): d for n, d in schema.get("$defs", {}).items()}}
    lines = []
    for cls, node in sorted(owners.items()):
        found = {}
        for prop, sub in node.get("properties", {}).items():
            array = _array(sub)
            items = array.get("items") if array else None
            if isinstance(items, dict) and isinstance(items.get("description"), str):
                found[prop] = items["description"]
        if found:
            lines.append(f"{cls}.item_descriptions = {json.dumps(found, ensure_ascii=False)}")
    return ITEM_DESCRIPTIONS_HEADER + "\n".join(lines) + "\n"


if __name__ == "__main__":
    for version in available_versions():
        target = Path(__file__).with_name(module_name(version) + ".py")
        target.write_text(generate(version), encoding="utf-8")
        print(f"wrote {target}")
