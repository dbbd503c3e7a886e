"""Counting pages that gave no article: failures, pages that are not articles, blocked pages.

Extraction says why with an :class:`~crawler.extraction.ExtractionError` (its ``stat`` names
the counter); this records it the same way wherever a crawl drops such a page, and keeps the
URLs of blocked pages (up to ``MAX_BLOCKED_URLS``) so the run report can list them.
"""

from __future__ import annotations

import logging
from typing import Any

from crawler.extraction import BlockedPage, ExtractionError, NotAnArticle

logger = logging.getLogger(__name__)

BLOCKED_URLS = "pages/blocked_urls"  # stats key: list of blocked page URLs
ERROR_ANSWERS = "pages/error_answers"  # stats key: "HTTP <status> <url>" of failed fetches
MAX_BLOCKED_URLS = 100
BLOCKING_STATUSES = frozenset({403, 429})  # a refusal; 5xx is the site failing


def note_error_answer(stats: Any, status: int | None, url: str) -> None:
    """Keep a feed's, listing's or article's final 403/429/5xx answer (after retries) by
    status and URL, so a run that got nothing can say which pages failed and how."""
    if status is None or not (status in BLOCKING_STATUSES or 500 <= status < 600):
        return
    _keep_listed(stats, ERROR_ANSWERS, f"HTTP {status} {url}")


def _keep_listed(stats: Any, key: str, value: str) -> None:
    """Add ``value`` to the stats list ``key``, up to MAX_BLOCKED_URLS of them."""
    listed = list(stats.get_value(key) or [])
    if len(listed) < MAX_BLOCKED_URLS:
        stats.set_value(key, [*listed, value])


def count_no_article(stats: Any, exc: ExtractionError, url: str) -> str:
    """Count the outcome in ``stats``; return the log level to drop the page at."""
    stats.inc_value(exc.stat)
    if isinstance(exc, BlockedPage):
        _keep_listed(stats, BLOCKED_URLS, url)
        logger.warning("Blocked: a %s page instead of the article at %s (archived, no item)",
                       exc.kind, url)
        return "WARNING"
    return "INFO" if isinstance(exc, NotAnArticle) else "WARNING"
