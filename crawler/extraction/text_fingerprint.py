"""Text fingerprints made where an article is extracted: a digest to tell edits, a MinHash
signature to find reprints.

No Scrapy here: extraction workers import this module (through
:mod:`crawler.extraction.worker`), and every import is start-up time paid once per worker.
"""

from __future__ import annotations

import hashlib

from crawler.extraction.normalize import clean_line
from crawler.items import Article
from crawler.neardup import Signature, signature

FINGERPRINT_ATTR = "_text_fingerprint"  # not a dataclass field: never exported


def text_digest(text: str) -> str:
    """SHA-256 of the text with whitespace and Unicode forms normalised, so re-layouts that
    do not change a word do not count as edits."""
    normalised = "\n".join(line for line in map(clean_line, text.split("\n")) if line)
    return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def attach_fingerprint(article: Article) -> Article:
    """Compute digest and signature where the article is extracted (a worker process), so the
    crawl process, the serial bottleneck of a crawl, does not (see docs/benchmarks.md)."""
    setattr(article, FINGERPRINT_ATTR, (text_digest(article.text), signature(article.text)))
    return article


def fingerprint(article: Article) -> tuple[str, Signature]:
    """(text digest, signature) of an article: precomputed by the extraction worker if it can."""
    pre = getattr(article, FINGERPRINT_ATTR, None)
    if pre is not None:
        return pre
    return text_digest(article.text), signature(article.text)
