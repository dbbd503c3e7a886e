"""Boilerplate that repeats across pages of one site (what a single-page extractor cannot see).

A crawl sees many pages of each site. A short paragraph that already appeared on
``min_pages`` other pages of the same site ("Rate this article", "Found a typo? Select it
and press Ctrl+Enter", a sign-off, a subscription line) is the site's furniture, not the
article. ``SiteBoilerplate`` remembers, per site, on how many distinct pages each short
paragraph was seen, and removes the ones that are common.

It learns as pages come: the first pages of a site keep what later pages lose. Memory is
bounded: at most ``max_keys`` paragraph keys and pages per site are remembered (past
that, a site's counts stop growing).
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from archive.urls import site_host

_WORD = re.compile(r"\w+")


def site_key(url: str) -> str:
    """The site a page belongs to: its host name without a www label (archive.urls.site_host)."""
    return site_host(urlsplit(url).hostname or "")


def paragraph_key(paragraph: str) -> str:
    """Compare paragraphs by their words only (spacing and punctuation vary by template)."""
    return " ".join(_WORD.findall(paragraph.casefold()))


class SiteBoilerplate:
    """Per-site counts of short paragraphs, and the filter they drive."""

    def __init__(self, min_pages: int = 3, max_chars: int = 300, max_keys: int = 50_000) -> None:
        if min_pages < 1:
            raise ValueError("min_pages must be at least 1")
        self.min_pages = min_pages
        self.max_chars = max_chars
        self.max_keys = max_keys
        self._counts: dict[str, Counter[str]] = {}
        self._pages: dict[str, set[str]] = {}

    def filter(self, url: str, paragraphs: list[str], page_id: str | None = None) -> list[str]:
        """``paragraphs`` without those common on this site; then remember this page's.

        A page seen before (same ``page_id``, default its URL) is filtered but not counted
        again. If every paragraph is common, the page is returned whole: a site that
        serves one text on many URLs is not a reason to empty an article.
        """
        site = site_key(url)
        counts = self._counts.setdefault(site, Counter())
        keys = [paragraph_key(p) if len(p) <= self.max_chars else "" for p in paragraphs]
        kept = [p for p, key in zip(paragraphs, keys, strict=True)
                if not key or counts[key] < self.min_pages]
        pages = self._pages.setdefault(site, set())
        page = page_id or url
        if page not in pages and len(pages) < self.max_keys:
            pages.add(page)
            # in page order, not a set's: at the cap the same keys are counted whatever the
            # process's hash seed, so two runs over the same pages extract the same text
            for key in dict.fromkeys(k for k in keys if k):
                if key in counts or len(counts) < self.max_keys:
                    counts[key] += 1
        return kept if kept else paragraphs
