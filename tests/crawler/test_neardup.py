"""crawler.neardup computes datasketch's MinHash and LSH banding without datasketch (or scipy)
at run time, so signatures stored by earlier runs stay comparable; and it finds reprints."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from crawler.neardup import (
    NUM_PERM,
    BandIndex,
    from_bytes,
    optimal_bands,
    shingles,
    signature,
    to_bytes,
)
from tests.support.shared import SEEDS as SEED_DIR

SEEDS = sorted(SEED_DIR.glob("*.txt"))
assert len(SEEDS) == 5, f"the five seed documents are missing from {SEED_DIR}"


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """The Jaccard similarity the two signatures estimate (share of equal minimum hashes)."""
    return float(np.count_nonzero(first == second)) / len(first)


def datasketch_signature(text: str) -> np.ndarray:
    sketch = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")
    grams = list(shingles(text))
    if grams:
        sketch.update_batch(grams)
    return sketch.hashvalues


@pytest.mark.parametrize("text", [seed.read_text(encoding="utf-8") for seed in SEEDS]
                         + ["", "слишком коротко", "one two three four five six"])
def test_signature_is_datasketchs(text: str) -> None:
    ours = signature(text)
    assert ours.dtype == np.uint32
    assert np.array_equal(ours, datasketch_signature(text))
    assert np.array_equal(from_bytes(to_bytes(ours)), ours)


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.5, 64), (0.7, 128), (0.8, 128), (0.9, 256)])
def test_banding_is_datasketchs(threshold: float, num_perm: int) -> None:
    assert optimal_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_a_reprint_is_found_and_other_stories_are_not() -> None:
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    original = texts[0]
    # A district paper's copy: its own headline and lead, the agency's opening cut.
    reprint = "Новый заголовок районки\n\nСлова редакции в начале.\n\n" + original[len(original) // 6:]
    index = BandIndex()
    for number, text in enumerate(texts):
        index.insert(f"seed-{number}", signature(text))
    assert jaccard(signature(reprint), signature(original)) > 0.7
    assert index.query(signature(reprint)) == ["seed-0"]
    assert max(jaccard(signature(original), signature(t)) for t in texts[1:]) < 0.3
