"""One JSON Lines line as strict JSON: what Python's ``json`` lets through but JSON has not.

``json.loads`` accepts ``NaN``, ``Infinity`` and ``-Infinity`` (no JSON value: other readers
fail on them, and a corpus would store a number no JSON export can write back), reads
``1e400`` as infinity, and keeps the last of two values of one key (RFC 8259: readers differ
on which counts, so a line whose ``event`` says both "removed" and "restored" has no one
meaning). Each raises ValueError here, naming what it found, so the line is rejected with its
file and line like any line that is not JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["loads"]

SHOWN = 40  # characters of a number or key quoted in a reason


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is no JSON value (JSON has no NaN or Infinity)")


def _number(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text[:SHOWN]} is beyond the range of a double")
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise ValueError(f"duplicate key {key[:SHOWN]!r} in one object (JSON readers differ "
                         "on which value counts)")
    return found


def loads(raw: bytes | str) -> Any:
    """``json.loads`` refusing NaN/Infinity, numbers beyond a double and duplicate keys
    (ValueError, as for any invalid JSON; RecursionError for nesting too deep)."""
    return json.loads(raw, parse_constant=_constant, parse_float=_number,
                      object_pairs_hook=_object)
