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
from functools import cache

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


@cache
def _permutations() -> object:
    """Generated once: MinHash() otherwise draws its 128 permutations for every text."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def _new(hashvalues: np.ndarray | None = None) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=hashvalues,
                   permutations=_permutations())


def minhash(text: str) -> MinHash:
    mh = _new()
    mh.update_batch(list(shingles(text)))
    return mh


def to_bytes(mh: MinHash) -> bytes:
    return mh.hashvalues.astype("<u8").tobytes()


def from_bytes(data: bytes) -> MinHash:
    return _new(np.frombuffer(data, dtype="<u8").astype(np.uint64))


class NearDuplicateIndex:
    """An in-memory LSH over every signature in the store, kept in step with new items."""

    def __init__(self, store: StateStore, threshold: float = THRESHOLD) -> None:
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        for article_id, data in store.signatures():
            self.lsh.insert(article_id, from_bytes(data), check_duplication=False)

    def query(self, mh: MinHash, own_id: str) -> list[str]:
        """Ids of indexed articles nearly the same as ``mh``, never the article itself."""
        return sorted(i for i in self.lsh.query(mh) if i != own_id)

    def add(self, article_id: str, mh: MinHash) -> None:
        if article_id in self.lsh:  # a new version replaces the old text's signature
            self.lsh.remove(article_id)
        self.lsh.insert(article_id, mh, check_duplication=False)
