"""Which bytes of an items file are in the corpus already: the manifest's file entries.

``_corpus.json`` has one entry per items file name ingested: the SHA-256 and length of the
bytes ingested (``digest``, ``bytes``), every such point it was ingested up to
(``checkpoints``), the SHA-256 of its first line (``head``), its Parquet ``parts`` and, for a
file that continued another one (a copy or rename of a file still being written), that
entry's name (``base``): the rows of its first bytes are in the base's parts; and the entries
whose parts hold item versions of its lines (``depends_on``: lines skipped as held there, or
its rows replaced by better lines there, see :mod:`archive.corpus_keys`).

A file is matched by content, never by name alone, and at a bounded cost: its own entry, and
the entries whose first line is the same, name the only prefix lengths worth hashing, and all
of them are hashed in one read of the file; the hash state kept there goes on over the bytes
an ingest parses, so only those are read again to check the file still holds them. A file whose bytes are no longer what its entry
ingested (rewritten in place) has its entry retired: parts deleted, digests forgotten (so a
copy of the old content is not taken as "in the corpus" any more), and so have the entries
that continued it or depend on it, whose files are then read again from the start.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .corpus_derived import mark_edits_stale, part_ids
from .fileio import still_holds

READ_CHUNK = 1 << 20
HEAD_BYTES = 1 << 16  # the first line, or this much of it: an item is a few KB

Entry = dict[str, Any]
HeadIndex = dict[str, list[tuple[int, str, str]]]  # head -> (bytes, digest, entry name)


@dataclass(frozen=True)
class Mark:
    """Where a read of a file stood at one offset: the SHA-256 of the bytes before it (still
    open, to go on hashing the bytes after it) and how many lines they hold."""

    sha: Any
    lines: int

    @property
    def digest(self) -> str:
        return self.sha.hexdigest()


@dataclass(frozen=True)
class Scan:
    """One read of an items file: its size, first line, file identity (device, inode) and
    where the read stood at the lengths that could match an entry (always including the
    whole file)."""

    size: int
    head: str
    marks: dict[int, Mark]
    identity: tuple[int, int] = (0, 0)

    @cached_property
    def digests(self) -> dict[int, str]:
        return {offset: mark.digest for offset, mark in self.marks.items()}

    @property
    def whole(self) -> str:
        return self.marks[self.size].digest


def prefix_marks(path: Path, offsets: list[int], whole: bool = True) -> dict[int, Mark]:
    """Where one read of ``path`` stood at each n in ``offsets`` up to the file's end and
    (with ``whole``) at its end: the SHA-256 of the first n bytes and their line count."""
    sha, done, lines, out = hashlib.sha256(), 0, 0, {}
    with open(path, "rb") as fh:
        for offset in sorted(set(offsets)):
            while done < offset and (chunk := fh.read(min(READ_CHUNK, offset - done))):
                sha.update(chunk)
                done, lines = done + len(chunk), lines + chunk.count(b"\n")
            if done < offset:
                break
            out[offset] = Mark(sha.copy(), lines)
        if not whole:
            return out
        while chunk := fh.read(READ_CHUNK):
            sha.update(chunk)
            done, lines = done + len(chunk), lines + chunk.count(b"\n")
    out[done] = Mark(sha, lines)
    return out


def still_as_read(path: Path, found: Scan, start: int, end: int, read_digest: str) -> bool:
    """Whether ``path`` still holds what an ingest took: bytes ``start``..``end``, the ones
    it parsed, read again, hash with the scan's bytes before ``start`` to ``read_digest``,
    and the file is the one scanned (same inode) beginning with the same line. Only the
    parsed bytes are read again, so a file a crawl appends to costs one read per build plus
    its new bytes: a rewrite in place of the bytes before ``start`` alone (same inode, first
    line and tail) is not seen here but by the next build, whose digests no longer match
    the entry's, so it retires the entry and reads the file again."""
    if start and (_identity(path) != found.identity or head_of(path) != found.head):
        return False
    sha = found.marks[start].sha.copy() if start else hashlib.sha256()
    return still_holds(path, sha, start, end, read_digest)


def _identity(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino


def head_of(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.readline(HEAD_BYTES)).hexdigest()


def checkpoints(entry: Entry) -> list[tuple[int, str]]:
    """Every (bytes, digest) an entry was ingested up to (an older manifest: the last one)."""
    points = [tuple(p) for p in entry.get("checkpoints", [])]
    current = (entry["bytes"], entry["digest"])
    return points if current in points else [*points, current]


def head_index(manifest: dict[str, Any]) -> HeadIndex:
    index: HeadIndex = {}
    for name, entry in manifest["files"].items():
        add_to_index(index, name, entry)
    return index


def add_to_index(index: HeadIndex, name: str, entry: Entry) -> None:
    if entry.get("head"):
        index.setdefault(entry["head"], []).extend(
            (size, digest, name) for size, digest in checkpoints(entry) if size > 0)


def scan(path: Path, manifest: dict[str, Any], index: HeadIndex, key: str | None = None
         ) -> Scan:
    """Hash ``path`` at its own entry's (``key``, its name by default) length and at the
    checkpoints of entries that begin with the same line: the only lengths at which it can
    hold bytes already ingested."""
    identity, head = _identity(path), head_of(path)
    own = manifest["files"].get(key or path.name)
    offsets = [size for size, _, _ in index.get(head, [])] + ([own["bytes"]] if own else [])
    marks = prefix_marks(path, offsets)
    return Scan(max(marks), head, marks, identity)


def rescan(path: Path, found: Scan, index: HeadIndex) -> Scan:
    """``found`` with digests at the checkpoints entries of the same first line gained after
    it was taken (this build ingested a copy of the file before the file itself)."""
    missing = [size for size, _, _ in index.get(found.head, [])
               if size not in found.marks and size < found.size]
    if not missing:
        return found
    return Scan(found.size, found.head,
                {**found.marks, **prefix_marks(path, missing, whole=False)}, found.identity)


def resume_point(name: str, found: Scan, manifest: dict[str, Any],
                 index: HeadIndex) -> tuple[str | None, int]:
    """(entry, length): the entry whose ingest reached furthest into this file's bytes, its
    own or another that begins like it (a copy, a rename, or the file a copy was taken from),
    and how far. The longest wins: rows for those bytes are in the corpus once already."""
    own = manifest["files"].get(name)
    best: tuple[str | None, int] = (None, 0)
    if own and found.digests.get(own["bytes"]) == own["digest"]:
        best = (name, own["bytes"])
    for size, digest, other in index.get(found.head, []):
        if size > best[1] and found.digests.get(size) == digest:
            best = (other, size)
    return best


def note_heads(manifest: dict[str, Any], scans: dict[str, Scan]) -> bool:
    """Give entries of a manifest written before heads were kept the head of their file, when
    the file still holds what was ingested, so a later copy or rename of it is recognised."""
    noted = False
    for name, found in scans.items():
        entry = manifest["files"].get(name)
        if entry and entry["bytes"] and not entry.get("head") and \
                found.digests.get(entry["bytes"]) == entry["digest"]:
            entry["head"] = found.head
            noted = True
    return noted


def rewritten(manifest: dict[str, Any], scans: dict[str, Scan],
              lost: Iterable[str] = ()) -> set[str]:
    """Entries of present files whose bytes changed (and ``lost``: present files' entries
    whose parts are gone, read again in full to put their rows back), and the entries that
    continued them or depend on them. Those hold only what their file added to the changed
    one's: they go too, present or not (a grown copy in another data folder), and their
    files are read again in full by the build that sees them; not one whose file is gone or
    cut short (its rows are nowhere else; a present file cut short is out of ``scans``, see
    ``_cut_short``)."""
    doomed = {name for name, found in scans.items()
              if (entry := manifest["files"].get(name))
              and found.digests.get(entry["bytes"]) != entry["digest"]} | set(lost)
    queue = list(doomed)
    while queue:
        base = queue.pop()
        for name, entry in manifest["files"].items():
            if (entry.get("base") == base or base in entry.get("depends_on", ())) \
                    and name not in doomed and (name in scans or _still_there(entry)):
                doomed.add(name)
                queue.append(name)
    return doomed


def missing_parts(corpus: Path, manifest: dict[str, Any]) -> dict[str, list[str]]:
    """The parts each entry names that are not in the corpus folder (deleted by hand, lost
    with a disk): their rows are gone from every view."""
    return {name: gone for name, entry in manifest["files"].items()
            if (gone := [p for p in entry.get("parts", []) if not (corpus / p).is_file()])}


def _still_there(entry: dict[str, Any]) -> bool:
    """Whether an entry's file (by the path it records) is still on disk, as long as what was
    ingested from it, to be read again (a file cut short keeps its rows: they are nowhere
    else)."""
    path = entry.get("path")
    try:
        return isinstance(path, str) and os.path.getsize(path) >= entry["bytes"]
    except OSError:
        return False


def retire(corpus: Path, manifest: dict[str, Any], complete: set[str], name: str) -> None:
    """Forget one entry: its articles' diffs are marked for redoing (before the parts go, so a
    crash keeps the mark), its parts deleted, its digests no longer count as in the corpus."""
    entry = manifest["files"].pop(name)
    old_parts = [corpus / part for part in entry.get("parts", [])]
    mark_edits_stale(corpus, dict.fromkeys(part_ids(old_parts), 0))
    for part in old_parts:
        part.unlink(missing_ok=True)
    complete.difference_update(digest for _, digest in checkpoints(entry))
