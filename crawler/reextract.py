"""Re-extraction: run the extraction over article responses already in WARC files.

The archive is indexed once in this process. Workers get only (file, offset) of the latest
capture of each article and read, decode, extract and validate it themselves, so the serial
part left here is the index and writing lines; only revisits (which need the index to find
their payload) are read here. All cores work.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from typing import Any

from archive.httputil import ContentDecodingError, decode_content
from archive.model import ArchivedResponse
from archive.reader import ArchiveLookup, response_at
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
    invalid: int = 0


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
    return page_from_response(lookup.get(url), url, max_size)


def page_from_response(archived: ArchivedResponse | None, url: str,
                       max_size: int) -> ArticlePage | str:
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
    return ArticlePage.from_archived(archived, body, outlet.key if outlet else "", url)


Validate = Callable[[dict[str, Any]], str | None]
Result = tuple[dict[str, Any] | None, str, float, float]


def extract_timed(page: ArticlePage | str, validate: Validate | None = None) -> Result:
    """(item or None, failure reason, extraction CPU seconds, 0.0 read seconds).

    ``validate`` returns an error message for an invalid item; it runs here (in the worker) and
    an invalid item comes back with reason ``invalid: <message>``.
    """
    if isinstance(page, str):
        return None, page, 0.0, 0.0
    start = time.process_time()
    try:
        item: dict[str, Any] | None = asdict(extract_article(page))
        reason = ""
    except ExtractionError as exc:
        item, reason = None, exc.reason
        logger.warning("No article from %s: %s", page.url, exc)
    if item is not None and validate is not None and (error := validate(item)):
        reason = f"invalid: {error}"
    return item, reason, time.process_time() - start, 0.0


def extract_record(path: str, offset: int, url: str, max_size: int,
                   validate: Validate | None = None) -> Result:
    """Worker entry point: read the response record at (path, offset) and extract it."""
    t0 = time.perf_counter()
    try:
        archived = response_at(path, offset)
    except Exception as exc:  # noqa: BLE001 - a bad record costs one page, as in the index
        logger.warning("Cannot read %s at %s:%d: %s", url, path, offset, exc)
        archived = None
    page = page_from_response(archived, url, max_size)
    read = time.perf_counter() - t0
    item, reason, cpu, _ = extract_timed(page, validate)
    return item, reason, cpu, read


def reextract(paths: list[str], jobs: int, emit: Callable[[dict[str, Any]], None],
              progress: Callable[[int], Any] | None = None, max_size: int = 64 * 1024 * 1024,
              on_total: Callable[[int], None] | None = None, validate: Validate | None = None,
              on_invalid: Callable[[dict[str, Any], str], None] | None = None
              ) -> ReextractReport:
    """Extract every archived article in ``paths``; ``emit`` receives each valid item as a dict.

    ``validate`` (picklable: it runs in the workers) returns an error message for an invalid
    item, which then goes to ``on_invalid`` instead of ``emit``. ``read_seconds`` sums the
    reading time of all processes.
    """
    report = ReextractReport()
    started = time.perf_counter()
    lookup = ArchiveLookup(paths, on_error=lambda err: logger.warning("Bad record: %s", err))
    urls = latest_article_urls(lookup)
    report.index_seconds = time.perf_counter() - started
    report.articles = len(urls)
    if on_total:
        on_total(len(urls))

    def tasks() -> Iterator[tuple[Callable[..., Result], tuple[Any, ...]]]:
        for url in urls:
            cap = lookup.latest(url)
            if cap is not None and not cap[3]:
                yield extract_record, (str(lookup.files[cap[1]]), cap[2], url, max_size, validate)
                continue
            t0 = time.perf_counter()  # revisits and misses: resolved with the index, here
            page = page_from_archive(lookup, url, max_size)
            report.read_seconds += time.perf_counter() - t0
            yield extract_timed, (page, validate)

    def collect(result: Result) -> None:
        item, reason, cpu, read = result
        report.extract_cpu_seconds += cpu
        report.read_seconds += read
        if reason.startswith("invalid: "):
            report.invalid += 1
            if on_invalid and item is not None:
                on_invalid(item, reason.removeprefix("invalid: "))
        elif item is None:
            report.failed[reason] += 1
        else:
            report.extracted += 1
            emit(item)
        if progress:
            progress(1)

    if jobs <= 1:
        for func, args in tasks():
            collect(func(*args))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            pending: set[Future[Any]] = set()
            for func, args in tasks():
                pending.add(pool.submit(func, *args))
                if len(pending) >= jobs * 8:  # bounded: results are not all held in memory
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        collect(future.result())
            for future in pending:
                collect(future.result())
    report.wall_seconds = time.perf_counter() - started
    return report
