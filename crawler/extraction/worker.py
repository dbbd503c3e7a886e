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
    next_page_of,
)
from crawler.extraction.language import detect_language
from crawler.extraction.limits import MAX_TEXT_CHARS
from crawler.extraction.normalize import PARAGRAPH_SEPARATOR, join_paragraphs
from crawler.extraction.text_fingerprint import FINGERPRINT_ATTR, attach_fingerprint
from crawler.items import Article, ArticlePage

PAGE_LINES_ATTR = "_page_lines"  # each page joined: the digests of its paragraphs, in order
# ARTICLE_MAX_TEXT_CHARS's default: the visible text one page may have (limits.MAX_TEXT_CHARS),
# so an article joined of pages is never larger than the largest one page could make
MAX_JOINED_CHARS = MAX_TEXT_CHARS


@dataclass
class PageJoin:
    """A later page of an article to join to it (its next page, by ``rel="next"`` or its
    numbered pager)."""

    article: Article
    page: ArticlePage
    first: str  # the URL the article's first page was fetched from
    max_chars: int = MAX_JOINED_CHARS  # the joined text's cap: ARTICLE_MAX_TEXT_CHARS


def extract_for_crawl(job: ArticlePage | PageJoin | Fingerprint) -> Article:
    """Extraction-worker entry point: the article with its text fingerprint attached (one
    pool serves first pages, later pages to join, and the fingerprint of an article whose
    joining stopped at a page that names a next one: :func:`fingerprinted`)."""
    if isinstance(job, Fingerprint):
        return attach_fingerprint(job.article)
    article = join_page(job) if isinstance(job, PageJoin) else extract_article(job)
    return fingerprinted(article)


@dataclass
class Fingerprint:
    """An article whose joining ended at a page naming a next one (not joined: the page or
    text cap, a failure): its fingerprint is made now, once, of the text joined."""

    article: Article


def fingerprinted(article: Article) -> Article:
    """``article`` with the fingerprint of its text, made only when no next page is left to
    join: each page joined would otherwise hash the whole text joined so far again (a cost
    growing with the square of the pages). Else any fingerprint of a shorter text goes."""
    if next_page_of(article) is None:
        return attach_fingerprint(article)
    if hasattr(article, FINGERPRINT_ATTR):
        delattr(article, FINGERPRINT_ATTR)
    return article


def join_page(job: PageJoin) -> Article:
    """The article with the text of its later page ``job.page`` appended, that page named in
    ``extractor.page_urls``; ExtractionError when the page is not its (another headline), has
    no text, or repeats a page already joined (``repeated_page``: a pager pointing back): its
    whole text is a page's read, not merely found inside one (a short closing page).
    The paragraphs a later page opens with as a page read opened are not joined again: a
    standfirst and byline every page repeats, or the article served again ahead of the next
    items of a block the body took in (a news list, comments, a gallery) whose pager was
    followed, numbered or named by a template's ``rel="next"``. On text alone the two look
    alike; dropping the repeat loses no text of either, where refusing the page would lose
    the real page's. ``text_cap`` when the text joined would pass ``job.max_chars``: the
    article is left as it was, so none of the pages joined is lost."""
    article, page = job.article, job.page
    later = extract_later_page(page, job.first, article.title)
    text = join_paragraphs(later.paragraphs)
    pages = getattr(article, PAGE_LINES_ATTR, None) or [
        _lines(article.text.split(PARAGRAPH_SEPARATOR))]
    cleaned = text.split(PARAGRAPH_SEPARATOR)  # as page 1's paragraphs are in article.text
    new = _lines(cleaned)
    if new in pages:  # the same paragraphs in the same order: the same text
        raise ExtractionError("repeated_page", f"{page.url}: its text is a page read already")
    fresh = cleaned[_repeated_opening(new, pages):]
    grown = len(article.text) + sum(len(p) + len(PARAGRAPH_SEPARATOR) for p in fresh)
    if grown > job.max_chars:
        raise ExtractionError("text_cap", f"the text would grow from {len(article.text):,} to "
                              f"{grown:,} characters (ARTICLE_MAX_TEXT_CHARS is "
                              f"{job.max_chars:,})")
    setattr(article, PAGE_LINES_ATTR, [*pages, new])
    article.text = PARAGRAPH_SEPARATOR.join([article.text, *fresh])
    article.language = detect_language(article.text)
    urls = article.extractor.get("page_urls") or [job.first]
    article.extractor["page_urls"] = [*urls, page.url]
    article.extractor["pages"] = max(article.extractor.get("pages", 1), later.named,
                                     len(article.extractor["page_urls"]))
    if later.embeds:  # its posts are the item's as page 1's are
        article.extractor["embeds"] = article.extractor.get("embeds", 0) + later.embeds
    setattr(article, NEXT_PAGE_ATTR, later.next_url)
    return article


def _digest(text: str) -> str:
    """A paragraph for the repeat checks: a hash, so an item holds no second copy."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _lines(paragraphs: list[str]) -> tuple[str, ...]:
    """The digests of a page's paragraphs, in order: its text compared line by line."""
    return tuple(map(_digest, paragraphs))


def _repeated_opening(page: tuple[str, ...], pages: list[tuple[str, ...]]) -> int:
    """How many paragraphs ``page`` opens with as one of ``pages`` opened (its header again,
    or the article again ahead of a block's next items); a line read elsewhere (a "***", a
    reused subheading) that merely opens it is no repeat."""
    longest = 0
    for read in pages:
        pairs = enumerate(zip(page, read, strict=False))
        same = next((i for i, (a, b) in pairs if a != b), min(len(page), len(read)))
        longest = max(longest, same)
    return longest


def failure_reason(exc: Exception) -> str:
    """The stats reason of a page ``extract_for_crawl`` gave up on: the extractor's own code,
    or ``error`` for any other exception (a bug costs one page, in crawls and re-extraction)."""
    return exc.reason if isinstance(exc, ExtractionError) else "error"
