"""The corpus's Parquet schema, derived from the item contract (archive/schema/article.schema.json).

The item fields are not listed here a second time: every property of the JSON Schema becomes a
column of the matching Arrow type (strings, int64, lists kept as lists, closed objects such as
``warc`` as structs, open objects such as ``extractor`` as string maps). A few derived columns
for querying follow. ``SCHEMA_VERSION`` joins a layout number with a digest of the JSON Schema,
so a corpus built under another item contract is noticed instead of mixed.

Items are checked with :mod:`archive.schema`, the same validator every crawl path uses.
"""

from __future__ import annotations

import errno
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from archive.fileio import os_reason
from archive.schema import load_schema, schema_errors

# What turning a schema-valid item into a stored row raises on a value no column can hold: a
# lone surrogate (UnicodeEncodeError, a ValueError), an integer beyond int64 or an instant
# beyond years 1..9999 in UTC (OverflowError), nesting too deep to encode (RecursionError),
# anything else pyarrow refuses (ArrowException). Such a line is rejected, never a crash.
ROW_ERRORS = (ValueError, TypeError, OverflowError, RecursionError, pa.ArrowException)

MAX_REASON = 300  # characters of one error message quoted: it may quote a value of 30 MB


def shorten(message: str, limit: int = MAX_REASON) -> str:
    """``message`` cut to about ``limit`` characters: its start (the field, the value's
    beginning) and end (what is wrong) kept and the length said. A validator's message
    quotes the bad value whole, which can be most of a 64 MiB line, and every rejection is
    printed and appended to ``_rejects.jsonl``."""
    if len(message) <= limit:
        return message
    head, tail = limit * 2 // 3, limit // 3
    return f"{message[:head]}… ({len(message)} characters) …{message[-tail:]}"


def storable_batch(rows: list[dict[str, Any]], schema: pa.Schema,
                   reject: Callable[[dict[str, Any], Exception], None]
                   ) -> tuple[pa.RecordBatch, list[dict[str, Any]]]:
    """The rows pyarrow can store, as a batch, and those rows: one conversion of them all, and
    only when it fails (a rare bad line) one per row, to ``reject`` just the rows that cannot
    be held."""
    try:
        return pa.RecordBatch.from_pylist(rows, schema=schema), rows
    except ROW_ERRORS:
        pass
    good = []
    for row in rows:
        try:
            pa.RecordBatch.from_pylist([row], schema=schema)
        except ROW_ERRORS as exc:
            reject(row, exc)
        else:
            good.append(row)
    return pa.RecordBatch.from_pylist(good, schema=schema), good


class CorpusError(Exception):
    """The corpus cannot be built or read as asked (wrong schema version, missing folder)."""


LAYOUT = 1  # bump when the derived columns or the partition layout change
# Columns the corpus adds to every item (after the item's own fields).
DERIVED: list[tuple[str, pa.DataType, str]] = [
    ("text_sha256", pa.string(), "sha256: of the text exactly as stored"),
    ("fetched_ts", pa.timestamp("us", tz="UTC"), "fetched_at as a timestamp"),
    ("published_ts", pa.timestamp("us", tz="UTC"), "published as a timestamp (UTC), or null"),
    ("published_day", pa.string(), "the outlet's local day of publication (undated: the "
     "capture day in UTC); null when that date names no instant"),
    ("items_file", pa.string(), "the items file the row came from: its name (a second file "
     "of one name, from another folder: <12 hex of its path>/<name>, as the manifest keys it)"),
    ("items_line", pa.int64(), "its line number there"),
]
PARTITIONS = ("outlet", "month")  # hive folders: versions/outlet=<source>/month=YYYY-MM/


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref:
        target: Any = root
        for part in ref.split("#", 1)[-1].strip("/").split("/"):
            target = target[part]
        return _resolve(target, root)
    return node


def _types(node: dict[str, Any], root: dict[str, Any]) -> tuple[list[dict], bool]:
    """The non-null alternatives of a node and whether null is allowed."""
    node = _resolve(node, root)
    if "oneOf" in node or "anyOf" in node:
        alternatives, nullable = [], False
        for alt in node.get("oneOf") or node.get("anyOf"):
            sub, sub_null = _types(alt, root)
            alternatives += sub
            nullable |= sub_null
        return alternatives, nullable
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    nullable = "null" in kinds
    rest = [k for k in kinds if k != "null"]
    return ([{**node, "type": rest[0]}] if rest else []), nullable


def arrow_type(node: dict[str, Any], root: dict[str, Any]) -> pa.DataType:
    alternatives, _ = _types(node, root)
    if len(alternatives) != 1:
        raise ValueError(f"cannot map schema node to one column type: {node}")
    alt = alternatives[0]
    kind = alt["type"]
    if kind == "string":
        return pa.string()
    if kind == "integer":
        return pa.int64()
    if kind == "number":
        return pa.float64()
    if kind == "boolean":
        return pa.bool_()
    if kind == "array":
        return pa.list_(arrow_type(alt.get("items", {"type": "string"}), root))
    if kind == "object":
        if alt.get("additionalProperties") is False:
            return pa.struct([pa.field(name, arrow_type(sub, root), nullable=True)
                              for name, sub in alt.get("properties", {}).items()])
        return pa.map_(pa.string(), pa.string())  # open object: every key kept
    raise ValueError(f"unsupported JSON Schema type {kind!r}")


@cache
def item_fields() -> tuple[str, ...]:
    return tuple(load_schema()["properties"])


@cache
def open_objects() -> frozenset[str]:
    """Item fields stored as maps (open JSON objects): their values are kept as strings."""
    return frozenset(f.name for f in item_schema() if pa.types.is_map(f.type))


@cache
def item_schema() -> pa.Schema:
    root = load_schema()
    required = set(root.get("required", []))
    fields = []
    for name, node in root["properties"].items():
        _, nullable = _types(node, root)
        fields.append(pa.field(name, arrow_type(node, root),
                               nullable=nullable or name not in required))
    return pa.schema(fields)


@cache
def schema_version() -> str:
    digest = hashlib.sha256(json.dumps(load_schema(), sort_keys=True).encode()).hexdigest()
    return f"{LAYOUT}-{digest[:12]}"


@cache
def corpus_schema() -> pa.Schema:
    """Item columns, then derived ones; the version in the schema metadata of every file."""
    fields = list(item_schema()) + [pa.field(n, t) for n, t, _ in DERIVED]
    return pa.schema(fields, metadata={"corpus_schema_version": schema_version(),
                                       "item_schema_id": load_schema().get("$id", "")})


def describe() -> dict[str, Any]:
    """The schema as written to CORPUS/_schema.json for people and other tools."""
    return {"schema_version": schema_version(),
            "item_schema": load_schema().get("$id"),
            "partitions": list(PARTITIONS),
            "columns": [{"name": f.name, "type": str(f.type), "nullable": f.nullable}
                        for f in corpus_schema()],
            "derived": {name: doc for name, _, doc in DERIVED}}


__all__ = ["CorpusError", "corpus_schema", "describe", "item_fields", "item_schema", "open_objects",
           "schema_errors", "schema_version"]


@contextmanager
def parquet_named(path: Path) -> Iterator[None]:
    """Name the Parquet file a failed write was of (pyarrow says "Error writing bytes to
    file" and no file): the error said only the corpus folder."""
    try:
        yield
    except (OSError, pa.ArrowException) as exc:
        if isinstance(exc, OSError) and exc.filename:
            raise
        code, said = os_reason(exc)
        code = code or (errno.ENOSPC if "space" in said else errno.EIO)
        raise OSError(code, said, str(path)) from exc
