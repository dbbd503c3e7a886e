"""A WACZ's ZipNum block index (``indexes/*.idx``) checked against the gzipped CDXJ it
names: ReplayWeb.page reads a line's block (offset to offset + length of the ``.cdx.gz``)
to find a URL's captures, so a block that is not where the line says serves none."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .wacz_input import input_size, location, open_member

MAX_IDX_LINE = 1 << 20  # an .idx line past it is not read (a block's is some 200 bytes)
MAX_BLOCK = 64 << 20  # a block's gzipped bytes read at most (py-wacz's hold 3000 lines)
_HEAD = 1 << 16  # inflated bytes of a block looked at for its first line

# (offset of the line in the .idx, what is wrong with it)
Finding = tuple[int, str]


def idx_names(package: Path, members: list[str]) -> list[str]:
    """The ZipNum block indexes among a package's ``members``."""
    return [m for m in members if m.startswith("indexes/") and m.lower().endswith(".idx")]


def idx_problems(package: Path, idx: str) -> Iterator[Finding]:
    """Each line of the block index ``idx`` whose block is not in the gzipped index its
    ``!meta`` line names, or does not start with the line's key and time."""
    target: str | None = None
    spent = budget = 0  # gzipped bytes of blocks read: an index naming them over and over stops
    with open_member(package, idx) as fh:
        for number, at, line in _lines(fh):
            if line is None:
                yield at, f"line {number}: over {MAX_IDX_LINE} bytes: not read"
                continue
            key, _, rest = line.decode("utf-8", "replace").strip().partition(" ")
            stamp, _, data = rest.partition(" ")
            fields = _json(data)
            if key == "!meta":
                name = fields.get("filename") if fields else None
                target = f"indexes/{name}" if isinstance(name, str) and name else None
                budget = _budget(package, target) if target else 0
                if target is None:
                    yield at, f"line {number}: a !meta line naming no filename"
                continue
            if not key:
                continue
            if fields is None or target is None:
                yield at, (f"line {number}: " + ("damaged block index line" if fields is None
                                                 else "a block named before any !meta line"))
                continue
            if spent > budget:
                yield at, (f"line {number}: the block index names more bytes than "
                           f"{target} holds twice over: the rest is not checked")
                return
            spent += _count(fields.get("length")) or 0
            if (why := _block_problem(package, target, f"{key} {stamp}", fields)) is not None:
                yield at, f"line {number}: block of {key[:200]!r} {stamp[:20]!r}: {why}"


def _budget(package: Path, target: str) -> int:
    """Gzipped bytes a block index may name in all: its blocks tile ``target`` once."""
    try:
        return 2 * input_size(location(package, target)) + MAX_BLOCK
    except OSError:
        return MAX_BLOCK


def _lines(fh: IO[bytes]) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, its offset, the line or None when over MAX_IDX_LINE), in bounded reads."""
    pos = number = 0
    while line := fh.readline(MAX_IDX_LINE + 1):
        at, pos, number = pos, pos + len(line), number + 1
        if len(line) > MAX_IDX_LINE:
            while line and not line.endswith(b"\n"):
                line = fh.readline(MAX_IDX_LINE)
                pos += len(line)
            yield number, at, None
        else:
            yield number, at, line


def _json(data: str) -> dict | None:
    try:
        fields = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return fields if isinstance(fields, dict) else None


def _count(value: object) -> int | None:
    """A count of bytes given as a JSON number or string of ASCII digits, else None."""
    text = str(value)
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) > 20:
        return None
    return int(text)


def _block_problem(package: Path, target: str, prefix: str, fields: dict) -> str | None:
    """Why the block a line names is not a gzip member of ``target`` starting with
    ``prefix`` (its key and time) and of the digest it gives; None when it is."""
    offset, length = _count(fields.get("offset")), _count(fields.get("length"))
    if offset is None or length is None or not length:
        return "no offset or length (counts of bytes)"
    if length > MAX_BLOCK:
        return f"length {length} over {MAX_BLOCK} bytes: not read"
    try:
        with open_member(package, target) as fh:
            fh.seek(offset)
            block = fh.read(length)
    except OSError as exc:
        return f"{location(package, target)} cannot be read: {exc}"
    if len(block) < length:
        return (f"offset {offset} and length {length} run past the end of {target} "
                f"({offset + len(block)} bytes)")
    digest = fields.get("digest")
    if isinstance(digest, str) and digest.lower().startswith("sha256:") and (
            hashlib.sha256(block).hexdigest() != digest[7:].strip().lower()):
        return f"the bytes at offset {offset} are not of its digest {digest[:80]}"
    try:
        head = zlib.decompressobj(31).decompress(block, _HEAD)
    except zlib.error as exc:
        return f"the bytes at offset {offset} of {target} are no gzip member ({exc})"
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    if not (first == prefix or first.startswith(prefix + " ")):
        return f"its block at offset {offset} starts with {first[:80]!r}"
    return None
