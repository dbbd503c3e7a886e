"""Re-extraction: run the extraction over article responses already in WARC files.

The archive is indexed once in this process; the latest capture of each article is read here
and extracted in worker processes (the expensive part), so all cores work.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC
from typing import Any

from archive.httputil import ContentDecodingError, decode_content
from archive.reader import ArchiveLookup
from crawler.extraction import ExtractionError, extract_article
from crawler.items import ArticlePage
from crawler.outlets import outlet_for_url
from crawler.urls import canonical_url, is_article_url

logger = logging.getLogger(__name__)


@dataclass
class ReextractReport:
    articles: int = 0
    extracted: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    index_seconds: float = 0.0
    read_seconds: float = 0.0
    extract_cpu_seconds: float = 0.0
    wall_seconds: float = 0.0


def latest_article_urls(lookup: ArchiveLookup) -> list[str]:
    """For each canonical article URL, the archived URL spelling with the latest capture."""
    best: dict[str, tuple[int, str]] = {}
    for url in lookup.urls():
        outlet = outlet_for_url(url)
        if outlet is None or not is_article_url(outlet, url):
            continue
        latest = max(cap[0] for cap in lookup.captures(url))
        key = canonical_url(url, outlet)
        if key not in best or latest > best[key][0]:
            best[key] = (latest, url)
    return sorted(url for _, url in best.values())


def page_from_archive(lookup: ArchiveLookup, url: str, max_size: int) -> ArticlePage | str:
    """The ArticlePage a crawl would have built, or the reason there is none."""
    archived = lookup.get(url)
    if archived is None:
        return "unreadable_record"
    if archived.status != 200:
        return f"http_{archived.status}"
    outlet = outlet_for_url(url)
    try:
        body = decode_content(archived.payload, archived.header("Content-Encoding"), max_size)
    except ContentDecodingError as exc:
        logger.warning("Cannot decode %s: %s", url, exc)
        return "content_encoding"
    return ArticlePage(
        url=url, outlet=outlet.key if outlet else "", body=body,
        headers={"Content-Type": archived.header("Content-Type") or ""}, status=archived.status,
        fetched_at=archived.date.astimezone(UTC).isoformat(timespec="seconds"),
        warc=archived.ref.as_dict(),
    )


def extract_timed(page: ArticlePage) -> tuple[dict[str, Any] | None, str, float]:
    """Worker entry point: (item or None, failure reason, CPU seconds spent)."""
    start = time.process_time()
    try:
        item: dict[str, Any] | None = asdict(extract_article(page))
        reason = ""
    except ExtractionError as exc:
        item, reason = None, exc.reason
        logger.warning("No article from %s: %s", page.url, exc)
    return item, reason, time.process_time() - start


def reextract(paths: list[str], jobs: int, emit: Callable[[dict[str, Any]], None],
              progress: Callable[[int], Any] | None = None, max_size: int = 64 * 1024 * 1024,
              on_total: Callable[[int], None] | None = None) -> ReextractReport:
    """Extract every archived article in ``paths``; ``emit`` receives each item as a dict."""
    report = ReextractReport()
    started = time.perf_counter()
    lookup = ArchiveLookup(paths, on_error=lambda err: logger.warning("Bad record: %s", err))
    urls = latest_article_urls(lookup)
    report.index_seconds = time.perf_counter() - started
    report.articles = len(urls)
    if on_total:
        on_total(len(urls))

    def pages() -> Iterator[ArticlePage]:
        for url in urls:
            t0 = time.perf_counter()
            page = page_from_archive(lookup, url, max_size)
            report.read_seconds += time.perf_counter() - t0
            if isinstance(page, str):
                report.failed[page] += 1
                if progress:
                    progress(1)
                continue
            yield page

    def collect(result: tuple[dict[str, Any] | None, str, float]) -> None:
        item, reason, cpu = result
        report.extract_cpu_seconds += cpu
        if item is None:
            report.failed[reason] += 1
        else:
            report.extracted += 1
            emit(item)
        if progress:
            progress(1)

    if jobs <= 1:
        for page in pages():
            collect(extract_timed(page))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            pending: set[Future[Any]] = set()
            for page in pages():
                pending.add(pool.submit(extract_timed, page))
                if len(pending) >= jobs * 4:  # bounded: bodies are not all held in memory
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        collect(future.result())
            for future in pending:
                collect(future.result())
    report.wall_seconds = time.perf_counter() - started
    return report
