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
of them are hashed in one read of the file. A file whose bytes are no longer what its entry
ingested (rewritten in place) has its entry retired: parts deleted, digests forgotten (so a
copy of the old content is not taken as "in the corpus" any more), and so have the entries
that continued it or depend on it, whose files are then read again from the start.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpus_derived import mark_edits_stale, part_ids

READ_CHUNK = 1 << 20
HEAD_BYTES = 1 << 16  # the first line, or this much of it: an item is a few KB

Entry = dict[str, Any]
HeadIndex = dict[str, list[tuple[int, str, str]]]  # head -> (bytes, digest, entry name)


@dataclass(frozen=True)
class Scan:
    """One read of an items file: its size, first line and digests at the lengths that
    could match an entry (always including the whole file)."""

    size: int
    head: str
    digests: dict[int, str]

    @property
    def whole(self) -> str:
        return self.digests[self.size]


def file_digest(path: Path, limit: int | None = None) -> str:
    """SHA-256 of a file's first ``limit`` bytes (all of it when None), read in chunks."""
    if limit is None:
        digests = prefix_digests(path, [])
        return digests[max(digests)]
    return prefix_digests(path, [limit], whole=False)[limit]


def prefix_digests(path: Path, offsets: list[int], whole: bool = True) -> dict[int, str]:
    """SHA-256 of the first n bytes for each n in ``offsets`` up to the file's end, and (with
    ``whole``) of the whole file under its length, in one read that stops where it can."""
    sha, done, out = hashlib.sha256(), 0, {}
    with open(path, "rb") as fh:
        for offset in sorted(set(offsets)):
            while done < offset and (chunk := fh.read(min(READ_CHUNK, offset - done))):
                sha.update(chunk)
                done += len(chunk)
            if done < offset:
                break
            out[offset] = sha.hexdigest()
        if not whole:
            return out
        while chunk := fh.read(READ_CHUNK):
            sha.update(chunk)
            done += len(chunk)
    out[done] = sha.hexdigest()
    return out


def still_as_read(path: Path, start: int, start_digest: str, end: int,
                  read_digest: str) -> str | None:
    """The SHA-256 of the first ``end`` bytes of ``path`` when they are still the bytes an
    ingest took: the first ``start`` hash to ``start_digest`` (when ``start``) and bytes
    ``start``..``end`` to ``read_digest``, what it parsed; else None (the file was cut or
    rewritten while it was read). One read, cheap beside parsing those lines."""
    whole, tail, done = hashlib.sha256(), hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while done < end and (chunk := fh.read(min(READ_CHUNK, end - done))):
            if done < start:
                head = chunk[:start - done]
                whole.update(head)
                if done + len(head) == start and start_digest != whole.hexdigest():
                    return None
                chunk = chunk[len(head):]
                done += len(head)
            whole.update(chunk)
            tail.update(chunk)
            done += len(chunk)
    if done < end or tail.hexdigest() != read_digest:
        return None
    return whole.hexdigest()


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


def scan(path: Path, manifest: dict[str, Any], index: HeadIndex) -> Scan:
    """Hash ``path`` at its own entry's length and at the checkpoints of entries that begin
    with the same line: the only lengths at which it can hold bytes already ingested."""
    head = head_of(path)
    own = manifest["files"].get(path.name)
    offsets = [size for size, _, _ in index.get(head, [])] + ([own["bytes"]] if own else [])
    digests = prefix_digests(path, offsets)
    return Scan(max(digests), head, digests)


def rescan(path: Path, found: Scan, index: HeadIndex) -> Scan:
    """``found`` with digests at the checkpoints entries of the same first line gained after
    it was taken (this build ingested a copy of the file before the file itself)."""
    missing = [size for size, _, _ in index.get(found.head, [])
               if size not in found.digests and size < found.size]
    if not missing:
        return found
    return Scan(found.size, found.head,
                {**found.digests, **prefix_digests(path, missing, whole=False)})


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


def rewritten(manifest: dict[str, Any], scans: dict[str, Scan]) -> set[str]:
    """Entries of present files whose bytes changed, and the entries that continued them or
    depend on them (present too, so they can be read again in full)."""
    doomed = {name for name, found in scans.items()
              if (entry := manifest["files"].get(name))
              and found.digests.get(entry["bytes"]) != entry["digest"]}
    queue = list(doomed)
    while queue:
        base = queue.pop()
        for name, entry in manifest["files"].items():
            if (entry.get("base") == base or base in entry.get("depends_on", ())) \
                    and name in scans and name not in doomed:
                doomed.add(name)
                queue.append(name)
    return doomed


def retire(corpus: Path, manifest: dict[str, Any], complete: set[str], name: str) -> None:
    """Forget one entry: its articles' diffs are marked for redoing (before the parts go, so a
    crash keeps the mark), its parts deleted, its digests no longer count as in the corpus."""
    entry = manifest["files"].pop(name)
    old_parts = [corpus / part for part in entry.get("parts", [])]
    mark_edits_stale(corpus, dict.fromkeys(part_ids(old_parts), 0))
    for part in old_parts:
        part.unlink(missing_ok=True)
    complete.difference_update(digest for _, digest in checkpoints(entry))
