"""Croissant 1.1 metadata (JSON-LD) for an export folder: every Parquet file with its sha256,
every config as a RecordSet whose fields are typed from the same derived Arrow schema.

Written by hand from the Croissant 1.1 vocabulary, so that exporting needs no extra package;
tests check it with mlcroissant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileObject": "cr:fileObject",
    "fileProperty": "cr:fileProperty",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def _field(
    table: str, fid: str, name: str, t: Any, column: str, path: str, top: bool = True
) -> dict[str, Any] | None:
    """The Croissant field of a column (``top``) or of a part of one at the JSON path ``path``.

    mlcroissant (1.1.1) reads a column's parts with a JSON path applied to each value, and a
    path cannot go through a list inside the value (``jsonpath_rw`` indexes the array by name
    and fails): a list of objects nested inside a column (an evidence list inside a date, say)
    has no field here, and its parent's description names it. Lists of values and objects at
    any depth are described; the Parquet file keeps everything.
    """
    import pyarrow as pa

    scalar = {
        pa.string(): "sc:Text",
        pa.int64(): "sc:Integer",
        pa.float64(): "sc:Float",
        pa.bool_(): "sc:Boolean",
    }
    out: dict[str, Any] = {"@type": "cr:Field", "@id": fid, "name": name}
    source: dict[str, Any] = {"fileObject": {"@id": f"{table}-file"}, "extract": {"column": column}}
    if path:
        source["transform"] = {"jsonPath": path}
    if pa.types.is_list(t):
        if not top and pa.types.is_struct(t.value_type):
            return None
        out["isArray"] = True
        out["arrayShape"] = "-1"
        t = t.value_type
    if pa.types.is_struct(t):
        out["dataType"] = "cr:RecordSet"
        # inside a list column, paths start again at each item
        base = "" if out.get("isArray") else path
        subs = [
            (
                c.name,
                _field(
                    table,
                    f"{fid}/{c.name}",
                    c.name,
                    c.type,
                    column,
                    f"{base}.{c.name}" if base else c.name,
                    top=False,
                ),
            )
            for c in t
        ]
        out["subField"] = [f for _, f in subs if f is not None]
        left = [n for n, f in subs if f is None]
        if left:
            out["description"] = (
                f"Not described here: {', '.join(left)} (a list of objects nested in the "
                "column, which mlcroissant cannot read by a JSON path); the Parquet column "
                "holds it."
            )
    else:
        out["dataType"] = scalar[t]
    out["source"] = source
    return out


def croissant(
    schemas: Mapping[str, Any],
    files: Mapping[str, str],
    sha256: Mapping[str, str],
    descriptions: Mapping[str, str],
    version: str,
) -> dict[str, Any]:
    """The Croissant document of an export folder."""
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "name": "diplomatic-visits",
        "description": "Structured, evidence-linked records of news articles about diplomatic "
        "visits, each paired with its article text; see README.md (the data card).",
        "license": "MIT for the annotations and the schema; the source article's copyright "
        "status is unknown (see README.md, Rights)",
        "url": "https://w3id.org/diplomatic-visits",
        "version": version,
        "citeAs": "diplomatic-visits, dataset release " + version,
        "distribution": [
            {
                "@type": "cr:FileObject",
                "@id": f"{name}-file",
                "name": f"{name}-file",
                "contentUrl": path,
                "encodingFormat": "application/x-parquet",
                "sha256": sha256[name],
            }
            for name, path in files.items()
        ],
        "recordSet": [
            {
                "@type": "cr:RecordSet",
                "@id": name,
                "name": name,
                "description": descriptions[name],
                "field": [
                    _field(name, f"{name}/{c.name}", c.name, c.type, c.name, "")
                    for c in schemas[name]
                ],
            }
            for name in files
        ],
    }
