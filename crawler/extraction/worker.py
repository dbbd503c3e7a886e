"""The extraction workers' entry point, shared by crawls (``ExtractionPipeline``'s worker pool)
and re-extraction: the article of a page, with its text fingerprint attached.

No Scrapy here: every import is start-up time paid once per worker.
"""

from __future__ import annotations

from crawler.extraction import ExtractionError, extract_article
from crawler.extraction.text_fingerprint import attach_fingerprint
from crawler.items import Article, ArticlePage


def extract_for_crawl(page: ArticlePage) -> Article:
    """Extraction-worker entry point: the article with its text fingerprint attached."""
    return attach_fingerprint(extract_article(page))


def failure_reason(exc: Exception) -> str:
    """The stats reason of a page ``extract_for_crawl`` gave up on: the extractor's own code,
    or ``error`` for any other exception (a bug costs one page, in crawls and re-extraction)."""
    return exc.reason if isinstance(exc, ExtractionError) else "error"
