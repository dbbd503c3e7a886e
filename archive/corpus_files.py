"""Which bytes of an items file are in the corpus already: the manifest's file entries.

``_corpus.json`` has one entry per items file name ingested: the SHA-256 and length of the
bytes ingested (``digest``, ``bytes``), every such point it was ingested up to
(``checkpoints``) and its Parquet ``parts``.

A file whose bytes are no longer what its entry ingested (rewritten in place) has its entry
retired before anything is read: parts deleted, and every digest it was ingested at
forgotten, so the old content (restored, or kept as a copy) is not taken as "in the corpus"
any more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpus_derived import mark_edits_stale, part_ids

READ_CHUNK = 1 << 20

Entry = dict[str, Any]


@dataclass(frozen=True)
class Scan:
    """One read of an items file: its size and digests at the lengths that could match its
    entry (always including the whole file)."""

    size: int
    digests: dict[int, str]

    @property
    def whole(self) -> str:
        return self.digests[self.size]


def file_digest(path: Path, limit: int | None = None) -> str:
    """SHA-256 of a file's first ``limit`` bytes (all of it when None), read in chunks."""
    digests = prefix_digests(path, [] if limit is None else [limit])
    return digests.get(limit, digests[max(digests)])  # type: ignore[arg-type]


def prefix_digests(path: Path, offsets: list[int]) -> dict[int, str]:
    """SHA-256 of the first n bytes for each n in ``offsets`` up to the file's end, and of the
    whole file (under its length), in one read."""
    sha, done, out = hashlib.sha256(), 0, {}
    with open(path, "rb") as fh:
        for offset in sorted(set(offsets)):
            while done < offset and (chunk := fh.read(min(READ_CHUNK, offset - done))):
                sha.update(chunk)
                done += len(chunk)
            if done < offset:
                break
            out[offset] = sha.hexdigest()
        while chunk := fh.read(READ_CHUNK):
            sha.update(chunk)
            done += len(chunk)
    out[done] = sha.hexdigest()
    return out


def checkpoints(entry: Entry) -> list[tuple[int, str]]:
    """Every (bytes, digest) an entry was ingested up to (an older manifest: the last one)."""
    points = [tuple(p) for p in entry.get("checkpoints", [])]
    current = (entry["bytes"], entry["digest"])
    return points if current in points else [*points, current]


def scan(path: Path, manifest: dict[str, Any]) -> Scan:
    """Hash ``path`` whole and at its entry's length, in one read."""
    own = manifest["files"].get(path.name)
    digests = prefix_digests(path, [own["bytes"]] if own else [])
    return Scan(max(digests), digests)


def resume_point(name: str, found: Scan, manifest: dict[str, Any]) -> int:
    """How many of the file's first bytes are in the corpus under its own entry."""
    own = manifest["files"].get(name)
    return own["bytes"] if own and found.digests.get(own["bytes"]) == own["digest"] else 0


def rewritten(manifest: dict[str, Any], scans: dict[str, Scan]) -> set[str]:
    """Entries of present files whose bytes changed."""
    return {name for name, found in scans.items()
            if (entry := manifest["files"].get(name))
            and found.digests.get(entry["bytes"]) != entry["digest"]}


def retire(corpus: Path, manifest: dict[str, Any], complete: set[str], name: str) -> None:
    """Forget one entry: its articles' diffs are marked for redoing (before the parts go, so a
    crash keeps the mark), its parts deleted, its digests no longer count as in the corpus."""
    entry = manifest["files"].pop(name)
    old_parts = [corpus / part for part in entry.get("parts", [])]
    mark_edits_stale(corpus, dict.fromkeys(part_ids(old_parts), 0))
    for part in old_parts:
        part.unlink(missing_ok=True)
    complete.difference_update(digest for _, digest in checkpoints(entry))
