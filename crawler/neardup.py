"""Near-duplicate detection across outlets: MinHash over word shingles, LSH for lookup.

Choices: 5-word shingles of the lower-cased text (district papers copy agency paragraphs
verbatim and add a sentence or two; 5-grams keep unrelated texts sharing stock phrases
apart), 128 permutations (Jaccard estimate error ~0.09) and an LSH threshold of 0.7 on the
estimated Jaccard similarity: a reprint with a new lead paragraph and a changed title still
scores ~0.8, while two different stories from the same fixtures of officialese score < 0.2.
Signatures are kept in the state store so the index survives restarts; the LSH itself is
rebuilt in memory at open. It is the same banding as datasketch's MinHashLSH (14 bands of 9
rows for these parameters: candidates share at least one whole band), but each band is kept
as one 64-bit number in a numpy array: 112 bytes an article plus its id, where MinHashLSH
took about 4.7 KB (47 MB for 10k articles, so a crawl's memory grew with every new item).
A query compares against every row, band by band (vectorised): ~0.2 ms per 10k articles.
"""

from __future__ import annotations

import re
import time
from functools import cache

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

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


class BandIndex:
    """LSH banding over MinHash signatures, one uint64 per band, rows growing by doubling."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.bands, self.rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
        mixer = np.random.default_rng(SEED).integers(1, 2**63, self.rows, dtype=np.uint64)
        self._mixer = mixer | np.uint64(1)  # odd multipliers
        self._keys = np.zeros((self.bands, 64), dtype=np.uint64)  # band-major: fast compares
        self._alive = np.zeros(64, dtype=bool)
        self._ids: list[str | None] = []
        self._row_of: dict[str, int] = {}

    def band_keys(self, mh: MinHash) -> np.ndarray:
        used = mh.hashvalues[: self.bands * self.rows].astype(np.uint64)
        with np.errstate(over="ignore"):  # wrapping multiply-add is the hash
            return (used.reshape(self.bands, self.rows) * self._mixer).sum(axis=1,
                                                                           dtype=np.uint64)

    def __contains__(self, key: str) -> bool:
        return key in self._row_of

    def __len__(self) -> int:
        return len(self._row_of)

    def insert(self, key: str, mh: MinHash) -> None:
        if key in self._row_of:
            self.remove(key)
        row = len(self._ids)
        if row == len(self._alive):
            self._keys = np.concatenate([self._keys, np.zeros_like(self._keys)], axis=1)
            self._alive = np.concatenate([self._alive, np.zeros_like(self._alive)])
        self._keys[:, row] = self.band_keys(mh)
        self._alive[row] = True
        self._ids.append(key)
        self._row_of[key] = row

    def remove(self, key: str) -> None:
        row = self._row_of.pop(key)
        self._alive[row] = False
        self._ids[row] = None

    def query(self, mh: MinHash) -> list[str]:
        count = len(self._ids)
        keys = self.band_keys(mh)
        hits = self._alive[:count].copy()
        match = self._keys[0, :count] == keys[0]
        for band in range(1, self.bands):
            match |= self._keys[band, :count] == keys[band]
        hits &= match
        return [self._ids[i] for i in np.flatnonzero(hits)]  # type: ignore[misc]


class NearDuplicateIndex:
    """An in-memory LSH over every signature in the store, kept in step with new items.

    A store shared by several workers (Redis) offers ``signature_cursor`` and
    ``signatures_since``: then queries first pull the signatures other workers wrote, at most
    once per ``refresh_seconds`` (one LRANGE on an unchanged log), so a reprint crawled by
    another worker a moment ago is found too.
    """

    def __init__(self, store: StateStore, threshold: float = THRESHOLD,
                 refresh_seconds: float = 1.0) -> None:
        self.lsh = BandIndex(threshold=threshold, num_perm=NUM_PERM)
        self.store = store
        self.refresh_seconds = refresh_seconds
        self.shared = hasattr(store, "signatures_since")
        self.cursor = store.signature_cursor() if self.shared else 0  # type: ignore[attr-defined]
        self.refreshed = time.monotonic()
        for article_id, data in store.signatures():
            self.lsh.insert(article_id, from_bytes(data))

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
        self.lsh.insert(article_id, mh)  # a new version replaces the old text's signature
