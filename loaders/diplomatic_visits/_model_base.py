"""The base class of the generated :mod:`diplomatic_visits.models`.

The canonical schema refuses duplicates in some arrays (``uniqueItems``: the visitors of a
visit, the signatories of an agreement, ...). No structured-output engine takes that keyword,
so the llm profile drops it, and a model generated from the profile alone would accept
duplicates (datamodel-code-generator's one alternative, ``set``, silently merges them and
loses the order). The generator therefore writes, after the models, which of their fields the
canonical schema declares unique (derived from what the profile dropped,
:func:`diplomatic_visits.profile.dropped`, never written by hand), and this base class refuses a
duplicate in any of them when a model is validated. The JSON Schema a model gives
(``model_json_schema``, what OpenAI's and instructor's helpers send) is unchanged: the check
runs in Python, after the engine, and instructor sends its message back to the model.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

try:
    from pydantic import BaseModel, GetJsonSchemaHandler, model_validator
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema, PydanticCustomError
except ImportError as exc:  # the models are an extra
    raise ImportError(
        "diplomatic_visits.models needs pydantic v2: pip install 'diplomatic-visits[llm]'"
    ) from exc


def _key(item: Any) -> str:
    """A value as JSON Schema compares it for ``uniqueItems`` (objects by content)."""
    if isinstance(item, BaseModel):
        item = item.model_dump(mode="json")
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


class ProfileModel(BaseModel):
    """A model of the llm profile that also refuses what the profile's ``uniqueItems`` drop
    would let through: a value repeated in an array the canonical schema declares unique."""

    unique_items: ClassVar[tuple[str, ...]] = ()
    """The fields of this model whose items the canonical schema requires to be unique."""

    item_descriptions: ClassVar[dict[str, str]] = {}
    """The description of the items of an array field, by field (generated from the profile)."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The model's JSON Schema, with the profile's descriptions of array items (a field's
        type, ``list[StrictStr]``, has no place for them)."""
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for name, description in cls.item_descriptions.items():
            node = target.get("properties", {}).get(name, {})
            for array in [node, *node.get("anyOf", ())]:
                if array.get("type") == "array" and isinstance(array.get("items"), dict):
                    array["items"]["description"] = description
        return schema

    @model_validator(mode="after")
    def _refuse_duplicates(self) -> ProfileModel:
        for name in type(self).unique_items:
            items = getattr(self, name)
            if not items:
                continue
            seen: dict[str, int] = {}
            for index, item in enumerate(items):
                key = _key(item)
                if key in seen:
                    raise PydanticCustomError(
                        "unique_items",
                        "{field}: item {index} repeats item {first} ({value}); the schema "
                        "requires its items to be unique (uniqueItems)",
                        {"field": name, "index": index, "first": seen[key], "value": key},
                    )
                seen[key] = index
        return self
