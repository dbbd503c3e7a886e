"""Near-duplicate detection across outlets: MinHash over word shingles, LSH for lookup.

Choices: 5-word shingles of the lower-cased text (district papers copy agency paragraphs
verbatim and add a sentence or two; 5-grams keep unrelated texts sharing stock phrases
apart), 128 permutations (Jaccard estimate error ~0.09) and an LSH threshold of 0.7 on the
estimated Jaccard similarity: a reprint with a new lead paragraph and a changed title still
scores ~0.8, while two different stories from the same fixtures of officialese score < 0.2.

The signature is datasketch 2's ``affine32`` MinHash (seed 1), computed here with numpy alone:
datasketch pulls in scipy, which cost every crawl process and extraction worker 0.6 s of
start-up (docs/benchmarks.md). ``tests/crawler/test_neardup.py`` checks, against datasketch, that
signatures and banding stay the same, so signatures stored by earlier runs remain comparable.

Signatures are kept in the state store so the index survives restarts; the LSH itself is
rebuilt in memory at open. It is the banding of datasketch's MinHashLSH (14 bands of 9 rows
for these parameters: candidates share at least one whole band), but each band is kept as one
64-bit number in a numpy array: 112 bytes an article plus its id, where MinHashLSH took about
4.7 KB (47 MB for 10k articles, so a crawl's memory grew with every new item). A query
compares against every row, band by band (vectorised): ~0.2 ms per 10k articles.
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the state package imports Scrapy; extraction workers must not
    from crawler.state import StateStore

SHINGLE_WORDS = 5
NUM_PERM = 128
THRESHOLD = 0.7
SEED = 1  # every run and every backend must hash the same way
_WORD = re.compile(r"\w+", re.UNICODE)
_MAX32 = np.uint32(0xFFFFFFFF)

Signature = np.ndarray  # NUM_PERM minimum hash values, uint32


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine maps h -> a*h + b (mod 2^32), odd ``a``, drawn as datasketch draws them."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (wrapping arithmetic), applied before the affine maps."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def signature(text: str) -> Signature:
    """The MinHash signature of the text's shingles (all 0xFFFFFFFF for an empty text)."""
    grams = shingles(text)
    if not grams:
        return np.full(NUM_PERM, _MAX32, dtype=np.uint32)
    hashed = np.fromiter((int.from_bytes(hashlib.sha1(g).digest()[:4], "little") for g in grams),
                         dtype=np.uint32, count=len(grams))
    a, b = _permutations()
    return (_fmix32(hashed)[:, None] * a + b).min(axis=0)


def similarity(a: Signature, b: Signature) -> float:
    """The estimated Jaccard similarity of two signatures' shingle sets (error ~0.09)."""
    return float(np.mean(a == b))


def to_bytes(sig: Signature) -> bytes:
    return sig.astype("<u8").tobytes()  # 8 bytes a value: the layout stored since the start


def from_bytes(data: bytes) -> Signature:
    return np.frombuffer(data, dtype="<u8").astype(np.uint32)


def _integral(curve: np.ndarray, xs: np.ndarray) -> float:
    return float(((curve[1:] + curve[:-1]) * np.diff(xs)).sum() / 2)


def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + false negatives around ``threshold``,
    the criterion of datasketch's MinHashLSH (equal weights), by the trapezoid rule."""
    below, above = np.linspace(0.0, threshold, 2001), np.linspace(threshold, 1.0, 2001)
    best, choice = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive = _integral(1 - (1 - below**rows) ** bands, below)
            false_negative = _integral((1 - above**rows) ** bands, above)
            if false_positive + false_negative < best:
                best, choice = false_positive + false_negative, (bands, rows)
    return choice


@cache
def _banding(threshold: float, num_perm: int) -> tuple[int, int]:
    return optimal_bands(threshold, num_perm)


class BandIndex:
    """LSH banding over MinHash signatures, one uint64 per band, rows growing by doubling."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.bands, self.rows = _banding(threshold, num_perm)
        mixer = np.random.default_rng(SEED).integers(1, 2**63, self.rows, dtype=np.uint64)
        self._mixer = mixer | np.uint64(1)  # odd multipliers
        self._keys = np.zeros((self.bands, 64), dtype=np.uint64)  # band-major: fast compares
        self._alive = np.zeros(64, dtype=bool)
        self._ids: list[str | None] = []
        self._row_of: dict[str, int] = {}

    def band_keys(self, sig: Signature) -> np.ndarray:
        used = sig[: self.bands * self.rows].astype(np.uint64)
        with np.errstate(over="ignore"):  # wrapping multiply-add is the hash
            return (used.reshape(self.bands, self.rows) * self._mixer).sum(axis=1,
                                                                           dtype=np.uint64)

    def __contains__(self, key: str) -> bool:
        return key in self._row_of

    def __len__(self) -> int:
        return len(self._row_of)

    def insert(self, key: str, sig: Signature) -> None:
        if key in self._row_of:
            self.remove(key)
        row = len(self._ids)
        if row == len(self._alive):
            self._keys = np.concatenate([self._keys, np.zeros_like(self._keys)], axis=1)
            self._alive = np.concatenate([self._alive, np.zeros_like(self._alive)])
        self._keys[:, row] = self.band_keys(sig)
        self._alive[row] = True
        self._ids.append(key)
        self._row_of[key] = row

    def remove(self, key: str) -> None:
        row = self._row_of.pop(key)
        self._alive[row] = False
        self._ids[row] = None

    def query(self, sig: Signature) -> list[str]:
        count = len(self._ids)
        keys = self.band_keys(sig)
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

    def query(self, sig: Signature, own_id: str) -> list[str]:
        """Ids of indexed articles nearly the same as ``sig``, never the article itself."""
        self.refresh()
        return sorted(i for i in self.lsh.query(sig) if i != own_id)

    def add(self, article_id: str, sig: Signature) -> None:
        self.lsh.insert(article_id, sig)  # a new version replaces the old text's signature
