"""Snippet metric for collections whose gold is a few snippets per page, not the whole text.

trafilatura's evaluation corpus gives, for each page, snippets that must be in the output
(``with``) and snippets that must not (``without``). A snippet counts as present when its
whitespace-normalised text is a substring of the whitespace-normalised output. Counts are
summed over snippets (not averaged over pages), as the corpus's own evaluation does:
recall = found ``with`` / all ``with``; clean = absent ``without`` / all ``without``;
precision = found ``with`` / (found ``with`` + present ``without``); F1 = 2 TP / (2 TP + FP + FN).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def norm(text: str) -> str:
    """Whitespace runs to one space, ends trimmed: layout whitespace must not cost a snippet."""
    return " ".join(text.split())


def present(snippets: Sequence[str], output: str) -> list[bool]:
    """For each snippet, whether it occurs in the output (whitespace-normalised substring)."""
    hay = norm(output)
    return [norm(s) in hay for s in snippets]


@dataclass
class SnippetCounts:
    """Per-snippet confusion counts: TP/FN over ``with``, FP/TN over ``without``."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __add__(self, other: SnippetCounts) -> SnippetCounts:
        return SnippetCounts(self.tp + other.tp, self.fn + other.fn, self.fp + other.fp,
                             self.tn + other.tn)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def clean(self) -> float:
        """Share of ``without`` snippets kept out of the output."""
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 0.0


def count_page(wanted: Sequence[str], unwanted: Sequence[str], output: str) -> SnippetCounts:
    """Counts of one page's output."""
    found = sum(present(wanted, output))
    leaked = sum(present(unwanted, output))
    return SnippetCounts(found, len(wanted) - found, leaked, len(unwanted) - leaked)


def total(counts: Iterable[SnippetCounts]) -> SnippetCounts:
    out = SnippetCounts()
    for c in counts:
        out = out + c
    return out


def lost_against(wanted: Sequence[str], ours: str, baseline: str) -> list[str]:
    """The ``with`` snippets the baseline's output holds and ours does not."""
    return [s for s, mine, theirs in zip(wanted, present(wanted, ours), present(wanted, baseline),
                                         strict=True) if theirs and not mine]
