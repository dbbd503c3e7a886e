"""Generic body extraction for pages no outlet rule covers (placeholder: plain trafilatura)."""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml import etree

from crawler.extraction.html import detached_copy

# trafilatura's justext rescue is quadratic-ish in nesting depth (a 10,000-level page takes
# seconds to tens of seconds); no real article needs more than a few dozen levels.
MAX_GENERIC_DEPTH = 512


def tree_depth(tree: etree._Element, limit: int = 0) -> int:
    """Deepest element nesting, counted iteratively (stops early once ``limit`` is passed)."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > deepest:
            deepest = depth
            if limit and deepest > limit:
                break
    return deepest


def generic_paragraphs(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    if tree_depth(tree, MAX_GENERIC_DEPTH) > MAX_GENERIC_DEPTH:
        return []  # the caller reports no_body
    text = trafilatura.extract(detached_copy(tree), url=url, favor_precision=True,
                               include_comments=False, include_tables=True)
    return [p for p in (text or "").split("\n") if p.strip()]


def generic_text(html: str, url: str) -> str:
    return "\n\n".join(generic_paragraphs(lxml.html.fromstring(html), url))
