"""Extraction quality measures shared by the outlet tests."""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def token_f1(extracted: str, gold: str) -> float:
    """Bag-of-words F1 between an extracted text and the gold text (1.0 = same words)."""
    got, want = Counter(tokens(extracted)), Counter(tokens(gold))
    if not got or not want:
        return float(got == want)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)
