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
    table: str,
    fid: str,
    name: str,
    t: Any,
    column: str,
    path: tuple[str, ...] = (),
    crossed: bool = False,
) -> dict[str, Any] | None:
    """The Croissant field of a column, or of the part of one that ``path`` names.

    mlcroissant (1.1.1) reads a part of a column with a chain of JSON paths, one property each:
    a step applied to a list applies to each item, so a chain crosses one list (the column's
    own, or one inside it), and a JSON path cannot go through a second (``jsonpath_rw`` indexes
    the array by name and fails). A list of objects beyond that one (the evidence of a
    sub-event, in a list of sub-events) has no field here, and the field above names it; the
    Parquet file keeps everything. ``crossed``: a list was crossed on the way to ``path``.
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
    if len(path) == 1:
        source["transform"] = {"jsonPath": path[0]}
    elif path:
        source["transform"] = [{"jsonPath": step} for step in path]
    if pa.types.is_list(t):
        if pa.types.is_struct(t.value_type):
            if crossed:
                return None
            crossed = True
        out["isArray"] = True
        out["arrayShape"] = "-1"
        t = t.value_type
    if pa.types.is_struct(t):
        out["dataType"] = "cr:RecordSet"
        subs = [
            (
                c.name,
                _field(table, f"{fid}/{c.name}", c.name, c.type, column, (*path, c.name), crossed),
            )
            for c in t
        ]
        out["subField"] = [f for _, f in subs if f is not None]
        left = [n for n, f in subs if f is None]
        if left:
            out["description"] = (
                f"Not described here: {', '.join(left)} (a list of objects inside a list, "
                "which mlcroissant cannot read); the Parquet column holds it."
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
                    _field(name, f"{name}/{c.name}", c.name, c.type, c.name) for c in schemas[name]
                ],
            }
            for name in files
        ],
    }
