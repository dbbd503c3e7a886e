"""Scores for extracted text against gold: bag-of-tokens F1, as extraction benchmarks use."""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; punctuation and layout do not count."""
    return _TOKEN.findall(text.casefold())


def token_f1(predicted: str, gold: str) -> float:
    """Harmonic mean of token precision and recall (multiset overlap); 1.0 for two empty texts."""
    pred, ref = Counter(tokens(predicted)), Counter(tokens(gold))
    if not pred and not ref:
        return 1.0
    overlap = sum((pred & ref).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)
