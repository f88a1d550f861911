"""JSON Schema -> Arrow schema (and from it, Hugging Face ``Features``): the one mapper.

The rules, applied to the bundled (self-contained, flattened) schema of a version and level:

- object -> struct, fields in the schema's property order;
- array -> list (items are never null in our schemas, so list items are non-nullable);
- a ``[T, "null"]`` type or ``anyOf [T, null]`` -> nullable T; a property not in ``required`` ->
  nullable (absent and null are the same in Arrow: see :func:`from_arrow_rows`);
- enum and const -> string; string -> string; integer -> int64; number -> float64;
  boolean -> bool;
- an object's ``anyOf`` of constraints on its own properties (alternatives, not a union of
  types) -> the object's struct.

pyarrow is imported here only, never at package import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from diplomatic_visits.errors import DiplomaticVisitsError
from diplomatic_visits.schema import Level, bundle_schema, resolve

if TYPE_CHECKING:
    import pyarrow as pa

#: The flat tables, each a list property of the record, keyed by record id.
FLAT_TABLES: dict[str, str] = {
    "visits": "every visit, summit or delegation, with its sub-events and outcomes",
    "statements": "every statement, claim and assessment",
    "actors": "every actor with titles, country and mentions",
    "places": "every place with its mentions",
}
#: The training tables: the article paired with the target a model can produce (the llm
#: profile's projection of the record), in the two shapes fine-tuning libraries read.
TRAINING_TABLES: dict[str, str] = {
    "messages": "one row per article: chat `messages` (system: the instructions and field "
    "guide, user: the article, assistant: the record projected on the llm profile, as JSON), "
    "for conversational fine-tuning",
    "prompt_completion": "one row per article: `prompt` (instructions, field guide and "
    "article, one string) and `completion` (the projected record, as JSON)",
}
TEXT_COLUMN = "text"
_OPTIONAL_META = {b"json_schema_required": b"false"}


class SchemaMappingError(DiplomaticVisitsError, ValueError):
    """A schema construct outside the profile the mapper supports."""


def to_arrow_type(node: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[pa.DataType, bool]:
    """The Arrow type of one JSON Schema node, and whether it admits null."""
    import pyarrow as pa

    r = resolve(node, defs)
    node, nullable = r.schema, r.nullable
    if "anyOf" in node and not _alternatives_of_its_properties(node):
        raise SchemaMappingError("anyOf is supported only as T-or-null")
    t = node.get("type")
    if isinstance(t, list):
        kinds = [k for k in t if k != "null"]
        if len(kinds) != 1:
            raise SchemaMappingError(f"type union {t} is not T-or-null")
        nullable = nullable or "null" in t
        t = kinds[0]
    if t is None and ("enum" in node or "const" in node):
        values = node.get("enum", [node.get("const")])
        nullable = nullable or None in values
        if not all(isinstance(v, str) for v in values if v is not None):
            raise SchemaMappingError("only string enums and consts are supported")
        t = "string"
    if t == "object":
        required = set(node.get("required", []))
        fields = []
        for name, sub in node.get("properties", {}).items():
            sub_type, sub_nullable = to_arrow_type(sub, defs)
            # An optional property is marked, so that absent keys can be restored on the way back.
            meta = None if name in required else _OPTIONAL_META
            fields.append(
                pa.field(
                    name, sub_type, nullable=sub_nullable or name not in required, metadata=meta
                )
            )
        return pa.struct(fields), nullable
    if t == "array":
        item_type, item_nullable = to_arrow_type(node["items"], defs)
        # "element": the name Parquet gives list items, so a schema read back equals this one
        return pa.list_(pa.field("element", item_type, nullable=item_nullable)), nullable
    scalar = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
    }
    if not isinstance(t, str) or t not in scalar:
        raise SchemaMappingError(f"unsupported JSON Schema type {t!r}")
    return scalar[t], nullable


def _alternatives_of_its_properties(node: Mapping[str, Any]) -> bool:
    """Whether ``node`` is an object whose ``anyOf`` only constrains properties it declares (the
    2.0.0 verified article: a title span, unless there is no headline): its columns are its
    properties, whichever branch a record meets."""
    props = node.get("properties")
    return (
        node.get("type") == "object"
        and isinstance(props, Mapping)
        and all(
            isinstance(b, Mapping)
            and set(b) <= {"properties", "required"}
            and set(b.get("properties", {})) | set(b.get("required", [])) <= set(props)
            for b in node["anyOf"]
        )
    )


@cache
def record_arrow_type(version: str | None = None, level: Level = "extraction") -> pa.StructType:
    """The Arrow struct type of a whole record."""
    doc = bundle_schema(version, level)
    t, _ = to_arrow_type(doc, doc.get("$defs", {}))
    return t


def articles_schema(version: str | None = None, level: Level = "extraction") -> pa.Schema:
    """The ``articles`` table: one row per record, every record field a column, plus ``text``
    (the article the spans index; null when not known), so that a row pairs input and target."""
    import pyarrow as pa

    struct = record_arrow_type(version, level)
    fields = [struct.field(i) for i in range(struct.num_fields)]
    return pa.schema([*fields, pa.field(TEXT_COLUMN, pa.string(), nullable=True)])


def flat_schema(table: str, version: str | None = None, level: Level = "extraction") -> pa.Schema:
    """A flat table: ``record_id`` plus the fields of one item of the record's ``table`` list."""
    import pyarrow as pa

    if table not in FLAT_TABLES:
        raise KeyError(f"unknown table {table!r}; tables: articles, {', '.join(FLAT_TABLES)}")
    struct = record_arrow_type(version, level)
    item = struct.field(table).type.value_type
    return pa.schema(
        [pa.field("record_id", pa.string(), nullable=False)]
        + [item.field(i) for i in range(item.num_fields)]
    )


def training_schema(table: str) -> pa.Schema:
    """A training table: ``record_id`` and the pair; fixed, since the pair is text."""
    import pyarrow as pa

    if table not in TRAINING_TABLES:
        raise KeyError(f"unknown training table {table!r}; tables: {', '.join(TRAINING_TABLES)}")
    text = pa.string()
    if table == "messages":
        message = pa.struct([pa.field("role", text, False), pa.field("content", text, False)])
        pair = [pa.field("messages", pa.list_(pa.field("item", message, False)), False)]
    else:
        pair = [pa.field("prompt", text, False), pa.field("completion", text, False)]
    return pa.schema([pa.field("record_id", text, nullable=False), *pair])


class MissingTextError(DiplomaticVisitsError, ValueError):
    """A training row asked for a record whose article text is not known."""

    def __init__(self, record_id: Any) -> None:
        self.record_id = record_id
        super().__init__(
            f"record {record_id!r}: a training row pairs the article with its record, and the "
            "article's text was not given (pass its text: --source ARTICLE.txt)"
        )


def training_row(table: str, record: Mapping[str, Any], text: str | None) -> dict[str, Any]:
    """One row of a training table: the prompt ``diplomatic-visits prompt`` prints for the
    record's article, and the record projected on the llm profile as the answer."""
    from diplomatic_visits.prompt import messages, prompt_text, target
    from diplomatic_visits.schema import declared_version

    if text is None:
        raise MissingTextError(record.get("record_id"))
    version = declared_version(record)
    answer = target(record)
    if table == "messages":
        chat = [*messages(text, version), {"role": "assistant", "content": answer}]
        return {"record_id": record["record_id"], "messages": chat}
    return {
        "record_id": record["record_id"],
        "prompt": prompt_text(text, version),
        "completion": answer,
    }


def article_rows(
    records: Iterable[Mapping[str, Any]], texts: Iterable[str | None]
) -> Iterator[dict[str, Any]]:
    """Rows of the ``articles`` table: the record's fields plus its text."""
    for record, text in zip(records, texts, strict=True):
        yield {**record, TEXT_COLUMN: text}


def flat_rows(table: str, records: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """Rows of a flat table."""
    for record in records:
        for item in record[table]:
            yield {"record_id": record["record_id"], **item}


def to_table(rows: Iterable[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """Build a table with the explicit schema (never inferred), checking non-null fields."""
    import pyarrow as pa

    # one conversion of the rows as structs: faster than Table.from_pylist, which first
    # gathers every column in Python
    table = pa.Table.from_struct_array(pa.array(list(rows), type=pa.struct(list(schema))))
    return _checked(table, schema)


def _checked(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` after checking it is well formed and has no null where ``schema`` forbids."""
    table.validate(full=True)
    for i, field in enumerate(schema):
        if not field.nullable and table.column(i).null_count:
            raise ValueError(f"column {field.name!r} holds nulls but the schema requires a value")
    return table


class TableBuilder:
    """Build one table (``articles`` or a flat one) of the derived schema from records given
    one at a time. Records are turned into Arrow a few hundred at a time, so that only a few
    records' Python objects are alive at once: the same table as :func:`to_table` of all the
    rows (tests hold the two equal), with less memory and fewer cache misses."""

    BATCH = 256

    def __init__(self, name: str, version: str | None = None, level: Level = "extraction"):
        import pyarrow as pa

        self.name = name
        articles = name == "articles"
        self.schema = table_schema(name, version, level)
        fields = list(self.schema)[:-1] if articles else list(self.schema)
        self._struct = pa.struct(fields)
        self._rows: list[Mapping[str, Any]] = []
        self._texts: list[str | None] = []
        self._parts: list[pa.Array] = []

    def add(self, record: Mapping[str, Any], text: str | None = None) -> None:
        """Add one schema-valid record (and, for ``articles``, the text its spans index)."""
        if self.name == "articles":
            self._rows.append(record)
            self._texts.append(text)
        elif self.name in TRAINING_TABLES:
            self._rows.append(training_row(self.name, record, text))
        else:
            self._rows.extend(flat_rows(self.name, [record]))
        if len(self._rows) >= self.BATCH:
            self._convert()

    def _convert(self) -> None:
        import pyarrow as pa

        if self._rows:
            self._parts.append(pa.array(self._rows, type=self._struct))
            self._rows.clear()

    def finish(self) -> pa.Table:
        """The table of every record added, checked against the schema's non-null fields."""
        import pyarrow as pa

        self._convert()
        parts = self._parts or [pa.array([], type=self._struct)]
        table = pa.Table.from_struct_array(pa.concat_arrays(parts))
        if self.name == "articles":
            text = self.schema.field(TEXT_COLUMN)
            table = table.append_column(text, pa.array(self._texts, text.type))
        return _checked(table.replace_schema_metadata(self.schema.metadata), self.schema)


def _nullable(t: pa.DataType) -> pa.DataType:
    """``t`` with every field nullable: what pyarrow's JSON reader can be given (it refuses a
    null struct whose children are required: "a required field was null")."""
    import pyarrow as pa

    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _nullable(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(pa.field(t.value_field.name, _nullable(t.value_type)))
    return t


class _Unlike(Exception):
    """The JSON reader's table holds a null where the derived schema forbids one."""


def _retyped(
    array: pa.Array, t: pa.DataType, nullable: bool, hidden: pa.Array | None = None
) -> pa.Array:
    """``array`` (read with :func:`_nullable` of ``t``) as type ``t``, buffers shared where
    they can be. The reader leaves nulls inside a null parent (a null ``text_file``'s
    ``path``) where ``t`` says not null, and Parquet refuses a non-nullable column holding a
    null even there: such slots (``hidden``: under a null parent) get the placeholder the other
    builder gives them (``""``, 0, false, an empty list), which no reader sees. A null anywhere
    else raises :class:`_Unlike`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    nulls = array.is_null() if array.null_count else None
    if nulls is not None and not nullable:
        exposed = nulls if hidden is None else pc.and_(nulls, pc.invert(hidden))
        if pc.any(exposed).as_py():
            raise _Unlike
    mask = nulls if nullable else None
    if pa.types.is_struct(t):
        below = hidden if nulls is None else nulls if hidden is None else pc.or_(hidden, nulls)
        children = [_retyped(array.field(i), f.type, f.nullable, below) for i, f in enumerate(t)]
        return pa.StructArray.from_arrays(children, fields=list(t), mask=mask)
    if pa.types.is_list(t):
        offsets = array.offsets
        if nulls is not None:  # a null list must hold no items, to become an empty one
            lengths = pc.subtract(offsets[1:], offsets[:-1])
            if pc.any(pc.and_(nulls, pc.not_equal(lengths, 0))).as_py():
                raise _Unlike
        values = _retyped(array.values, t.value_type, t.value_field.nullable)
        return pa.ListArray.from_arrays(offsets, values, type=t, mask=mask)
    if nulls is not None and not nullable:
        return pc.fill_null(array, pa.scalar(_PLACEHOLDER[str(t)], t))
    return array


_PLACEHOLDER: dict[str, Any] = {"string": "", "int64": 0, "double": 0.0, "bool": False}


@cache
def _articles_read_schema(version: str | None, level: Level) -> pa.Schema:
    import pyarrow as pa

    fields = [f for f in articles_schema(version, level) if f.name != TEXT_COLUMN]
    return pa.schema([pa.field(f.name, _nullable(f.type)) for f in fields])


def articles_from_json_lines(
    lines: bytes, rows: int, version: str | None = None, level: Level = "extraction"
) -> pa.Table | None:
    """The ``articles`` table (text column null) of ``lines``: JSON Lines of schema-valid
    records, read by pyarrow's JSON reader with the derived schema instead of being built from
    Python objects. The same table :class:`TableBuilder` makes of the parsed records (tests
    hold the two, and the Parquet files written of them, equal).

    None, to build it the other way, where the reader could read a value differently from
    Python's JSON: an escaped surrogate, a number it would not take for the column's type (an
    integer written ``1.0``, one beyond 64 bits), a null where the schema forbids one, or a
    row count that is not ``rows``.
    """
    import pyarrow as pa
    import pyarrow.json as pj

    if b"\\ud" in lines or b"\\uD" in lines:
        return None
    schema = articles_schema(version, level)
    read = _articles_read_schema(version, level)
    try:
        table = pj.read_json(
            pa.BufferReader(lines),
            read_options=pj.ReadOptions(use_threads=False, block_size=max(len(lines), 1 << 20)),
            parse_options=pj.ParseOptions(explicit_schema=read, unexpected_field_behavior="ignore"),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != rows:
        return None
    struct = table.to_struct_array().combine_chunks() if table.num_rows else None
    if struct is None:
        return None
    fields = [f for f in schema if f.name != TEXT_COLUMN]
    try:
        out = pa.Table.from_struct_array(_retyped(struct, pa.struct(fields), False))
    except _Unlike:
        return None
    text = schema.field(TEXT_COLUMN)
    out = out.append_column(text, pa.nulls(out.num_rows, text.type))
    return _checked(out.replace_schema_metadata(schema.metadata), schema)


def build_table(
    name: str,
    records: Sequence[Mapping[str, Any]],
    texts: Sequence[str | None],
    version: str | None = None,
    level: Level = "extraction",
) -> pa.Table:
    """One table (``articles`` or a flat one) of ``records`` (and, for ``articles``, their
    texts) with its derived Arrow schema."""
    builder = TableBuilder(name, version, level)
    for record, text in zip(records, texts, strict=True):
        builder.add(record, text)
    return builder.finish()


TABLES = ("articles", *FLAT_TABLES, *TRAINING_TABLES)
"""Every table: ``articles``, the flat ones and the training ones."""


def build_tables(
    records: Sequence[Mapping[str, Any]],
    texts: Sequence[str | None],
    version: str | None = None,
    level: Level = "extraction",
) -> dict[str, pa.Table]:
    """Every table of :data:`TABLES` with the derived Arrow schemas."""
    return {name: build_table(name, records, texts, version, level) for name in TABLES}


def table_schema(name: str, version: str | None = None, level: Level = "extraction") -> pa.Schema:
    """The derived schema of one table."""
    if name == "articles":
        return articles_schema(version, level)
    if name in TRAINING_TABLES:
        return training_schema(name)
    return flat_schema(name, version, level)


def from_arrow_rows(
    rows: Iterable[Mapping[str, Any]], schema: pa.Schema
) -> Iterator[dict[str, Any]]:
    """Turn rows read back from Arrow into JSON records: the documented normalisation.

    Arrow has no "absent": a property that is not ``required`` (marked so in the field metadata
    by the mapper) comes back as null, and such null keys are dropped again. That restores the
    record exactly, because in our schemas optional properties are non-nullable (span
    ``start``/``end``), except the top-level ``annotation``: ``"annotation": null`` comes back as
    an absent key.
    """
    import pyarrow as pa

    struct = pa.struct(list(schema))
    for row in rows:
        yield _strip(row, struct)


def _is_optional(field: Any) -> bool:
    return bool(field.metadata) and field.metadata.get(b"json_schema_required") == b"false"


def _strip(value: Any, t: Any) -> Any:
    import pyarrow as pa

    if isinstance(value, dict) and pa.types.is_struct(t):
        return {
            f.name: _strip(value.get(f.name), f.type)
            for f in t
            if not (value.get(f.name) is None and _is_optional(f))
        }
    if isinstance(value, list) and pa.types.is_list(t):
        return [_strip(v, t.value_type) for v in value]
    return value


def hf_features(schema: pa.Schema) -> Any:
    """Hugging Face ``Features`` of an Arrow schema (``List``, never ``Sequence``)."""
    import datasets

    return datasets.Features.from_arrow_schema(schema)
