"""Near-duplicate detection across outlets: MinHash over word shingles, LSH for lookup.

Choices: 5-word shingles of the lower-cased text (district papers copy agency paragraphs
verbatim and add a sentence or two; 5-grams keep unrelated texts sharing stock phrases
apart), 128 permutations (Jaccard estimate error ~0.09) and an LSH threshold of 0.7 on the
estimated Jaccard similarity: a reprint with a new lead paragraph and a changed title still
scores ~0.8, while two different stories from the same fixtures of officialese score < 0.2.
Signatures are kept in the state store so the index survives restarts; the LSH itself is
rebuilt in memory at open (a few MB for 100k articles).
"""

from __future__ import annotations

import re
import time

import numpy as np
from datasketch import MinHash, MinHashLSH

from crawler.state import StateStore

SHINGLE_WORDS = 5
NUM_PERM = 128
THRESHOLD = 0.7
SEED = 1  # every run and every backend must hash the same way
SCHEME = "affine32"  # datasketch 2 default, named so stored signatures stay comparable
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def minhash(text: str) -> MinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    mh.update_batch(list(shingles(text)))
    return mh


def to_bytes(mh: MinHash) -> bytes:
    return mh.hashvalues.astype("<u8").tobytes()


def from_bytes(data: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME,
                   hashvalues=np.frombuffer(data, dtype="<u8").astype(np.uint64))


class NearDuplicateIndex:
    """An in-memory LSH over every signature in the store, kept in step with new items.

    A store shared by several workers (Redis) offers ``signature_cursor`` and
    ``signatures_since``: then queries first pull the signatures other workers wrote, at most
    once per ``refresh_seconds`` (one LRANGE on an unchanged log), so a reprint crawled by
    another worker a moment ago is found too.
    """

    def __init__(self, store: StateStore, threshold: float = THRESHOLD,
                 refresh_seconds: float = 1.0) -> None:
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.store = store
        self.refresh_seconds = refresh_seconds
        self.shared = hasattr(store, "signatures_since")
        self.cursor = store.signature_cursor() if self.shared else 0  # type: ignore[attr-defined]
        self.refreshed = time.monotonic()
        for article_id, data in store.signatures():
            self.lsh.insert(article_id, from_bytes(data), check_duplication=False)

    def refresh(self) -> None:
        """Add signatures other workers stored since the last look (shared stores only)."""
        if not self.shared or time.monotonic() - self.refreshed < self.refresh_seconds:
            return
        pairs, self.cursor = self.store.signatures_since(self.cursor)  # type: ignore[attr-defined]
        self.refreshed = time.monotonic()
        for article_id, data in pairs:
            self.add(article_id, from_bytes(data))

    def query(self, mh: MinHash, own_id: str) -> list[str]:
        """Ids of indexed articles nearly the same as ``mh``, never the article itself."""
        self.refresh()
        return sorted(i for i in self.lsh.query(mh) if i != own_id)

    def add(self, article_id: str, mh: MinHash) -> None:
        if article_id in self.lsh:  # a new version replaces the old text's signature
            self.lsh.remove(article_id)
        self.lsh.insert(article_id, mh, check_duplication=False)
