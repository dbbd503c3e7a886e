"""The extraction workers' entry point, shared by crawls (``ExtractionPipeline``'s worker pool)
and re-extraction: the article of a page, with its text fingerprint attached.

No Scrapy here: every import is start-up time paid once per worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from crawler.extraction import (
    NEXT_PAGE_ATTR,
    ExtractionError,
    extract_article,
    extract_later_page,
)
from crawler.extraction.language import detect_language
from crawler.extraction.normalize import PARAGRAPH_SEPARATOR, join_paragraphs
from crawler.extraction.text_fingerprint import attach_fingerprint
from crawler.items import Article, ArticlePage

PAGE_DIGESTS_ATTR = "_page_digests"  # the digests of the texts of the pages joined, in order
PAGE_LINES_ATTR = "_page_lines"  # each page joined: its paragraphs' digests and lengths
REPEAT_SHARE = 0.5  # of a page read's characters found again in a later page: no later page


@dataclass
class PageJoin:
    """A later page of an article to join to it (its next page, by ``rel="next"`` or its
    numbered pager)."""

    article: Article
    page: ArticlePage
    first: str  # the URL the article's first page was fetched from


def extract_for_crawl(job: ArticlePage | PageJoin) -> Article:
    """Extraction-worker entry point: the article with its text fingerprint attached (one
    pool serves first pages and later pages to join)."""
    if isinstance(job, PageJoin):
        return attach_fingerprint(join_page(job))
    return attach_fingerprint(extract_article(job))


def join_page(job: PageJoin) -> Article:
    """The article with the text of its later page ``job.page`` appended, that page named in
    ``extractor.page_urls``; ExtractionError when the page is not its (another headline), has
    no text, or repeats a page already joined (``repeated_page``: a pager pointing back): its
    whole text is a page's read, not merely found inside one (a short closing page); or
    serves a page read again with other text (``repeated_text``: the pager of a block the
    body took in, a news list, comments or a gallery, numbered or named by a template's
    ``rel="next"``, served the article again with the block's next items; see
    :func:`_repeating`)."""
    article, page = job.article, job.page
    later = extract_later_page(page, job.first, article.title)
    text = join_paragraphs(later.paragraphs)
    read = getattr(article, PAGE_DIGESTS_ATTR, None) or [_digest(article.text)]
    if _digest(text) in read:
        raise ExtractionError("repeated_page", f"{page.url}: its text is a page read already")
    lines = getattr(article, PAGE_LINES_ATTR, None) or [
        _lines(article.text.split(PARAGRAPH_SEPARATOR))]
    new = _lines(later.paragraphs)
    if (n := _repeating(lines, new)) is not None:
        raise ExtractionError("repeated_text", f"{page.url}: over {REPEAT_SHARE:.0%} of the "
                              f"text of page {n} again")
    setattr(article, PAGE_DIGESTS_ATTR, [*read, _digest(text)])
    setattr(article, PAGE_LINES_ATTR, [*lines, new])
    article.text = f"{article.text}{PARAGRAPH_SEPARATOR}{text}"
    article.language = detect_language(article.text)
    urls = article.extractor.get("page_urls") or [job.first]
    article.extractor["page_urls"] = [*urls, page.url]
    article.extractor["pages"] = max(article.extractor.get("pages", 1), later.named,
                                     len(article.extractor["page_urls"]))
    setattr(article, NEXT_PAGE_ATTR, later.next_url)
    return article


def _digest(text: str) -> str:
    """A page's text for the repeat check, whole: a hash, so an item holds no second copy."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _lines(paragraphs: list[str]) -> dict[str, int]:
    """A page's paragraphs by digest, with their lengths: its text compared line by line."""
    return {_digest(p): len(p) for p in paragraphs}


def _repeating(pages: list[dict[str, int]], later: dict[str, int]) -> int | None:
    """The number of the first page in ``pages`` that ``later`` serves again: one whose first
    two paragraphs open it (the article again ahead of a block longer than it), or whose
    text is over REPEAT_SHARE in it (by characters) when over REPEAT_SHARE of ``later``'s own
    text was read before; None otherwise. A real later page may share a line with a page
    before (a standfirst, a disclaimer, a pull-quote) but does not restart the article, and
    a short page whose one long line comes again is mostly text of its own."""
    opening = list(later)[:2]
    for n, lines in enumerate(pages, 1):
        if len(lines) >= 2 and list(lines)[:2] == opening:
            return n
    seen = {key for lines in pages for key in lines}
    if sum(size for key, size in later.items() if key in seen) <= REPEAT_SHARE * sum(
            later.values()):
        return None
    for n, lines in enumerate(pages, 1):
        again = sum(size for key, size in lines.items() if key in later)
        if again > REPEAT_SHARE * sum(lines.values()):
            return n
    return None


def failure_reason(exc: Exception) -> str:
    """The stats reason of a page ``extract_for_crawl`` gave up on: the extractor's own code,
    or ``error`` for any other exception (a bug costs one page, in crawls and re-extraction)."""
    return exc.reason if isinstance(exc, ExtractionError) else "error"
