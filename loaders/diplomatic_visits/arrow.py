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

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from diplomatic_visits.errors import DiplomaticVisitsError
from diplomatic_visits.schema import (
    VERSION_KEY,
    Level,
    available_versions,
    bundle_schema,
    latest_version,
    resolve,
)

if TYPE_CHECKING:
    import pyarrow as pa

#: The key of the Parquet metadata where an export names its table and versions.
METADATA_KEY = b"diplomatic_visits"
#: The table of whole records, the export's default (and the one ``validate`` reads back).
ARTICLES_TABLE = "articles"
ARTICLES_DESCRIPTION = "one row per article: the whole record and the article `text`"
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


def _checked(table: pa.Table, schema: pa.Schema, full: bool = True) -> pa.Table:
    """``table`` after checking it is well formed and has no null where ``schema`` forbids.
    ``full``: every value too (offsets, UTF-8), else the layout only."""
    table.validate(full=full)
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


#: What :func:`lost_paths` walks: a struct as {field name: its shape}, a list as a one-item
#: tuple of its items' shape, a scalar as None.
_Shape = dict[str, "_Shape"] | tuple["_Shape"] | None


def _shape(t: pa.DataType) -> _Shape:
    import pyarrow as pa

    if pa.types.is_struct(t):
        return {f.name: _shape(f.type) for f in t}
    if pa.types.is_list(t):
        return (_shape(t.value_type),)
    return None


@cache
def _record_shape(version: str | None, level: Level) -> dict[str, _Shape]:
    whole = _shape(record_arrow_type(version, level))
    assert isinstance(whole, dict)
    return whole


def lost_paths(
    record: Mapping[str, Any],
    tables: Iterable[str] = (ARTICLES_TABLE,),
    version: str | None = None,
    level: Level = "extraction",
) -> list[str]:
    """The paths (``$.annotation.constructs``, ``$.visits[*].x``) of the parts of ``record``
    that ``tables`` with the column types of schema ``version`` would not hold: a key their
    struct lacks (pyarrow drops it without a word), an object or array where they hold a
    scalar. Empty when nothing is lost. A walk of the parsed record beside the types, the
    same for every table builder (a record of a newer schema version is the common case).

    ``record`` is valid against the schema version it declares (else ``version``), as every
    record an export converts is: where the types of ``version`` hold everything that
    version's schema allows (closed objects: a test holds every one so), nothing can be lost
    and the walk is skipped (the types of a version hold all of its own records)."""
    declared = record.get(VERSION_KEY)
    if _holds_all_of(declared if type(declared) is str else None, version, level):
        return []  # no record of that schema version can hold what the types lack
    whole = _record_shape(version, level)
    found: list[str] = []
    tables = set(tables)
    if ARTICLES_TABLE in tables:  # the whole record, which holds the flat tables' lists
        _walk(record, whole, "$", found)
    else:  # a flat table holds one list of the record; a training table, text
        for table in sorted(tables & set(FLAT_TABLES)):
            value = record.get(table)
            if type(value) is list:
                _walk(value, whole[table], f"$.{table}", found)
    return sorted(set(found))


@cache
def _holds_all_of(declared: str | None, version: str | None, level: Level) -> bool:
    """Whether the record type of schema ``version`` holds every record that declares
    ``declared`` and is valid (against that version when shipped, else against ``version``):
    each field of that version's record type, at every depth, is there with the same type."""
    checked = declared if declared in available_versions() else None
    if checked is None or checked == (version or latest_version()):
        return True
    try:
        return _within(record_arrow_type(checked, level), record_arrow_type(version, level))
    except SchemaMappingError:  # a version the mapper cannot type: walk its records
        return False


def _within(a: pa.DataType, b: pa.DataType) -> bool:
    import pyarrow as pa

    if pa.types.is_struct(a) and pa.types.is_struct(b):
        return all(
            (i := b.get_field_index(f.name)) >= 0 and _within(f.type, b.field(i).type) for f in a
        )
    if pa.types.is_list(a) and pa.types.is_list(b):
        return _within(a.value_type, b.value_type)
    return bool(a == b)


def _walk(value: Any, shape: _Shape, path: str, found: list[str]) -> None:
    if type(value) is dict:
        if type(shape) is not dict:
            found.append(path)
            return
        for key, sub in value.items():
            if key not in shape:
                found.append(f"{path}.{key}")
            elif type(sub) is dict or type(sub) is list:  # scalars: the cast checks them
                _walk(sub, shape[key], f"{path}.{key}", found)
    elif type(value) is list:
        if type(shape) is not tuple:
            found.append(path)
            return
        item = shape[0]
        for sub in value:
            if type(sub) is dict or type(sub) is list:
                _walk(sub, item, f"{path}[*]", found)


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


@dataclass(frozen=True)
class _Fill:
    """A node of the derived type below which the reader's array needs more than a cast (see
    :func:`_filled`): ``kind`` is ``struct``, ``list`` or the scalar type's name; ``children``
    only the fields (a list: its items, index 0) that lead to such a slot."""

    kind: str
    nullable: bool
    children: tuple[tuple[int, _Fill], ...] = ()


def _fill_plan(t: pa.DataType, nullable: bool, hidden: bool) -> _Fill | None:
    """The :class:`_Fill` of type ``t``, or None where a cast does it all: a non-nullable
    slot that a null parent (``hidden``: a nullable struct above, within the same list item)
    can hide, and a list that can be null (its null entries are checked to hold no items)."""
    import pyarrow as pa

    own = hidden and not nullable
    if pa.types.is_struct(t):
        below = hidden or nullable
        kids = tuple(
            (i, p) for i, f in enumerate(t) if (p := _fill_plan(f.type, f.nullable, below))
        )
        return _Fill("struct", nullable, kids) if kids or own else None
    if pa.types.is_list(t):
        values = _fill_plan(t.value_type, t.value_field.nullable, False)
        kids = ((0, values),) if values is not None else ()
        return _Fill("list", nullable, kids) if kids or own or nullable else None
    return _Fill(str(t), nullable) if own else None


@cache
def _articles_plan(version: str | None, level: Level) -> _Fill | None:
    import pyarrow as pa

    fields = [f for f in articles_schema(version, level) if f.name != TEXT_COLUMN]
    return _fill_plan(pa.struct(fields), False, False)


def _filled(array: pa.Array, plan: _Fill, hidden: pa.Array | None = None) -> pa.Array:
    """``array`` (read with :func:`_nullable` of the derived type, and still of that type)
    made castable to the derived type, buffers shared where they can be. The reader leaves
    nulls inside a null parent (a null ``text_file``'s ``path``) where the derived type says
    not null, and a cast (as Parquet) refuses a non-nullable field holding a null even there:
    such slots (``hidden``: under a null parent) get the placeholder the other builder gives
    them (``""``, 0, false, an empty list), which no reader sees. A null where no null parent
    hides it raises :class:`_Unlike` (or is left for the cast to refuse), as does a null list
    holding items. Only the nodes of ``plan`` are visited."""
    import pyarrow as pa
    import pyarrow.compute as pc

    nulls = array.is_null() if array.null_count else None
    if nulls is not None and not plan.nullable:
        exposed = nulls if hidden is None else pc.and_(nulls, pc.invert(hidden))
        if pc.any(exposed).as_py():
            raise _Unlike
    mask = nulls if plan.nullable else None
    if plan.kind == "struct":
        if not plan.children and mask is nulls:
            return array
        below = hidden if nulls is None else nulls if hidden is None else pc.or_(hidden, nulls)
        children = [array.field(i) for i in range(array.type.num_fields)]
        for i, sub in plan.children:
            children[i] = _filled(children[i], sub, below)
        return pa.StructArray.from_arrays(children, fields=list(array.type), mask=mask)
    if plan.kind == "list":
        offsets = array.offsets
        if nulls is not None:  # a null list must hold no items, to become an empty one
            lengths = pc.subtract(offsets[1:], offsets[:-1])
            # (a cast to bool, not a comparison with 0: a Python scalar would import pandas)
            if pc.any(pc.and_(nulls, lengths.cast(pa.bool_()))).as_py():
                raise _Unlike
        if not plan.children and mask is nulls:
            return array
        values = _filled(array.values, plan.children[0][1]) if plan.children else array.values
        return pa.ListArray.from_arrays(offsets, values, type=array.type, mask=mask)
    if nulls is not None and not plan.nullable:
        return pc.fill_null(array, _placeholder(array.type))
    return array


def _placeholder(t: pa.DataType) -> pa.Scalar:
    """The value the other builder gives a hidden slot of scalar type ``t``: ``""``, 0, 0.0 or
    false, read from zeroed buffers (``pa.scalar`` would import pandas: a second of start-up)."""
    import pyarrow as pa

    if str(t) not in ("string", "int64", "double", "bool"):
        raise _Unlike
    zeros = pa.py_buffer(bytes(8))
    buffers = [None, zeros, pa.py_buffer(b"")] if t == pa.string() else [None, zeros]
    return pa.Array.from_buffers(t, 1, buffers)[0]


@cache
def _articles_read_schema(version: str | None, level: Level) -> pa.Schema:
    import pyarrow as pa

    fields = [f for f in articles_schema(version, level) if f.name != TEXT_COLUMN]
    return pa.schema([pa.field(f.name, _nullable(f.type)) for f in fields])


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD]")  # or a backslash escaped before "ud": the Python path


def articles_from_json_lines(
    lines: bytes, rows: int, version: str | None = None, level: Level = "extraction"
) -> pa.Table | None:
    """The ``articles`` table (text column null) of ``lines``: JSON Lines of schema-valid
    records, read by pyarrow's JSON reader with the derived schema instead of being built from
    Python objects. The same table :class:`TableBuilder` makes of the parsed records (tests
    hold the two, and the Parquet files written of them, equal).

    None, to build it the other way, where the reader could read a value differently from
    Python's JSON: an escaped surrogate, a number it would not take for the column's type (an
    integer written ``1.0``, one beyond 64 bits), a null where the schema forbids one, a key
    the derived types lack (see :func:`lost_paths`), or a row count that is not ``rows``.
    """
    import pyarrow as pa
    import pyarrow.json as pj

    # one regular expression, which finds the backslashes with memchr: two `in` tests took
    # 7 us a record (of 3.7 KB), this under 1.5
    if b"\\" in lines and _ESCAPED_SURROGATE.search(lines) is not None:
        return None
    schema = articles_schema(version, level)
    read = _articles_read_schema(version, level)
    try:
        table = pj.read_json(
            pa.BufferReader(lines),
            read_options=pj.ReadOptions(use_threads=False, block_size=max(len(lines), 1 << 20)),
            # "error": a key the types lack (a record of another schema version) is read
            # the other way, which finds what it would lose (lost_paths)
            parse_options=pj.ParseOptions(explicit_schema=read, unexpected_field_behavior="error"),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != rows:
        return None
    if not table.num_rows:
        return None
    structs = table.to_struct_array()  # one chunk (one block): combine_chunks would copy it
    struct = structs.chunk(0) if structs.num_chunks == 1 else structs.combine_chunks()
    fields = [f for f in schema if f.name != TEXT_COLUMN]
    plan = _articles_plan(version, level)
    try:
        filled = _filled(struct, plan) if plan is not None else struct
        # one cast gives every field its derived type, sharing the buffers; it refuses a
        # non-nullable field that holds a null
        out = pa.Table.from_struct_array(filled.cast(pa.struct(fields)))
    except (_Unlike, pa.ArrowInvalid):
        return None
    text = schema.field(TEXT_COLUMN)
    out = out.append_column(text, pa.nulls(out.num_rows, text.type))
    # pyarrow's reader checked every value (UTF-8 included), and the fill and the cast keep
    # its buffers: the layout is what is left to check (a full check took 1.2 us a record)
    return _checked(out.replace_schema_metadata(schema.metadata), schema, full=False)


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


TABLES = (ARTICLES_TABLE, *FLAT_TABLES, *TRAINING_TABLES)
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


def is_optional(field: Any) -> bool:
    """Whether an Arrow field stands for a property the schema does not require (the mapper
    marks it so in the field's metadata): its null means absent."""
    return bool(field.metadata) and field.metadata.get(b"json_schema_required") == b"false"


def _strip(value: Any, t: Any) -> Any:
    import pyarrow as pa

    if isinstance(value, dict) and pa.types.is_struct(t):
        return {
            f.name: _strip(value.get(f.name), f.type)
            for f in t
            if not (value.get(f.name) is None and is_optional(f))
        }
    if isinstance(value, list) and pa.types.is_list(t):
        return [_strip(v, t.value_type) for v in value]
    return value


def hf_features(schema: pa.Schema) -> Any:
    """Hugging Face ``Features`` of an Arrow schema (``List``, never ``Sequence``)."""
    import datasets

    return datasets.Features.from_arrow_schema(schema)
