"""Generate :mod:`diplomatic_visits.models` (pydantic v2) from the llm profile.

``python -m diplomatic_visits._codegen`` rewrites ``models.py``; a test regenerates it and
compares, so the models never drift from the profile (and the profile never from the schema).
Needs datamodel-code-generator (a dev dependency); the generated file needs only pydantic.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from diplomatic_visits.profile import dropped, profile_schema
from diplomatic_visits.schema import latest_version

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
        return out.read_text(encoding="utf-8") + unique_items(version)


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


if __name__ == "__main__":
    target = Path(__file__).with_name("models.py")
    target.write_text(generate(), encoding="utf-8")
    print(f"wrote {target}")
