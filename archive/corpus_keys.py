"""Which item versions the corpus holds already, so that no items file adds one twice.

An item version is one extraction of one capture: the same article, the same WARC record (its
``record_id``; ``fetched_at`` and ``url`` when an item names no record), the same extractor
(name, version, rules, field sources) and the same extracted fields (text by its digest). Runs
concatenated by hand, or a ``scrapy reextract`` of pages a crawl already extracted, repeat such
versions; they are one row. What a line's *run* adds is not part of the identity: ``version``,
``previous_version_digest``, ``change`` and ``near_duplicates`` come from that run's state store, which a
re-extraction has none of (it writes version 1 and no near-duplicates). Of two lines of one
identity the corpus keeps the one whose run knew more: the higher ``version``, then more
near-duplicate links; the row it replaces is removed from its part. Another capture, another
extractor or another text of the same capture is another row.

Rows of one identity share their source and publication month, so they sit in one partition.
A build loads the identities held in a partition (the parts the manifest lists, narrow columns
only) when it first adds a row there, and keeps those of the partitions used last up to a
budget (``HELD_BUDGET`` identities, ~200 bytes each); an ingest keeps its own rows' identities
until it ends: memory grows with the lines of one items file, not with the corpus.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .corpus_schema import item_fields, open_objects
from .fileio import replace_durably, temp_for

# Set by the run that wrote the line, not by the capture or the extraction.
RUN_FIELDS = ("version", "previous_version_digest", "change", "near_duplicates")
NOT_IN_IDENTITY = {*RUN_FIELDS, "text", "warc"}  # text by text_sha256, warc by record_id
BATCH_ROWS = 2000
HELD_BUDGET = 250_000  # identities of rows on disk kept between lookups (~50 MB)


@dataclass(frozen=True)
class Held:
    """A row held: how much its run knew, and the entry (items file) whose parts hold it."""

    rank: tuple[int, int]
    owner: str


@cache
def identity_columns() -> tuple[str, ...]:
    """The columns an identity is computed from (asked for once per row: computed once)."""
    return (*(f for f in item_fields() if f not in NOT_IN_IDENTITY), "warc", "text_sha256")


def identity(row: dict[str, Any]) -> bytes:
    """16 bytes of SHA-256 over the capture, the extractor and the extracted fields."""
    warc = row.get("warc")
    key = {name: row.get(name) for name in identity_columns()}
    key["warc"] = warc.get("record_id") if warc else None
    for name in open_objects():  # (key, value) pairs, in the order the line wrote them
        key[name] = sorted(key[name] or ())
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).digest()[:16]


def rank(row: dict[str, Any]) -> tuple[int, int]:
    """How much the line's run knew of the article: its version, then its near-duplicates."""
    return row.get("version") or 0, len(row.get("near_duplicates") or ())


class HeldIndex:
    """The identities held in each partition folder, loaded from the parts the manifest lists
    when a build first adds to the folder, and kept for the folders used last up to
    ``budget`` identities in all (a folder being added to stays, whatever its size)."""

    def __init__(self, corpus: Path, files: dict[str, dict[str, Any]], budget: int) -> None:
        self.corpus = corpus
        self.budget = budget
        self.owners: dict[str, str] = {}  # part -> the entry that wrote it
        self.by_folder: dict[str, list[str]] = {}
        self.cache: dict[str, dict[bytes, Held]] = {}  # folder -> identities; least recent first
        self.cached = 0  # identities in the cache
        for name, entry in files.items():
            self.add(name, entry.get("parts", []), {})

    def add(self, owner: str, parts: Iterable[str], rows: dict[str, dict[bytes, Held]]) -> None:
        """The parts an ingest wrote, and its rows' identities by folder (they count as held
        by ``owner`` now: the rows it replaced moved to it)."""
        for part in parts:
            if part not in self.owners:
                self.by_folder.setdefault(str(Path(part).parent), []).append(part)
            self.owners[part] = owner
        for folder, identities in rows.items():
            if (held := self.cache.get(folder)) is not None:
                before = len(held)
                held.update(identities)
                self.cached += len(held) - before
        self._evict(keep="")

    def parts(self, folder: str, owner: str) -> list[str]:
        return [p for p in self.by_folder.get(folder, []) if self.owners[p] == owner]

    def held(self, folder: str) -> dict[bytes, Held]:
        """The identities in a folder's listed parts (relative to the corpus)."""
        held = self.cache.pop(folder, None)
        loaded = held is None
        if loaded:
            held = {}
            for part in self.by_folder.get(folder, []):
                path = self.corpus / part
                if path.exists():
                    for row in _narrow_rows(path):
                        held.setdefault(identity(row), Held(rank(row), self.owners[part]))
            self.cached += len(held)
        self.cache[folder] = held  # now the most recently used
        if loaded:
            self._evict(keep=folder)
        return held

    def _evict(self, keep: str) -> None:
        while self.cached > self.budget and len(self.cache) > 1:
            oldest = next(iter(self.cache))
            if oldest == keep:
                break
            self.cached -= len(self.cache.pop(oldest))


def _narrow_rows(path: Path) -> Iterable[dict[str, Any]]:
    """Rows of a part with the identity and rank columns only (no text)."""
    columns = [*identity_columns(), "version", "near_duplicates"]
    with _naming(path):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=5000, columns=columns):
            yield from batch.to_pylist()


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """A part that is not Parquet (damaged, replaced) fails naming itself: pyarrow's message
    says only what is wrong."""
    try:
        yield
    except pa.ArrowException as exc:
        raise type(exc)(f"{path}: {exc}") from exc


def drop_rows(path: Path, identities: set[bytes]) -> None:
    """Rewrite a part without the rows of ``identities`` (held better by another file), a
    batch at a time."""
    with _naming(path):
        part = pq.ParquetFile(path)
    dropped = False
    with temp_for(path) as tmp:
        with pq.ParquetWriter(tmp, part.schema_arrow, compression="zstd",
                                write_page_checksum=True) as writer:
            for batch in part.iter_batches(batch_size=BATCH_ROWS):
                keep = [identity(row) not in identities
                        for row in batch.select(identity_columns()).to_pylist()]
                dropped = dropped or not all(keep)
                writer.write_batch(batch.filter(pa.array(keep, pa.bool_())))
        if dropped:
            replace_durably(tmp, path)
        else:
            tmp.unlink()
