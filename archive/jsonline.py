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
    """``json.loads`` refusing NaN/Infinity, numbers beyond a double, duplicate keys and
    bytes that are no UTF-8 text (ValueError, as for any invalid JSON; RecursionError for
    nesting too deep)."""
    text = _utf8(raw) if isinstance(raw, bytes) else raw
    return json.loads(text, parse_constant=_constant, parse_float=_number,
                      object_pairs_hook=_object)


def _utf8(raw: bytes) -> str:
    """A line's bytes as UTF-8 text (a leading byte order mark dropped). ``json.loads`` reads
    bytes in the encoding they look like, UTF-16 or -32 by their NUL bytes, and passes
    surrogates through: a reason then named a codec the file was never in."""
    if (nul := raw.find(b"\x00")) >= 0:
        raise ValueError(f"not UTF-8 text: a NUL byte at byte {nul} (binary data, a line in "
                         "UTF-16 or UTF-32, or bytes zeroed)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8: byte 0x{raw[exc.start]:02x} at byte {exc.start} "
                         f"({exc.reason}; windows-1251 or Latin-1 text?)") from None
