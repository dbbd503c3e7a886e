"""The joining of paged articles in a re-extraction, over the archive it re-extracts.

An article split over several pages is joined as the crawl joined it (crawler.joining, the
live join's own loop): each later page is read from the archive, its capture the crawl joined
(:meth:`ArchivePages.answer`), and extracted in a pool task of its own (:func:`join_step`;
the workers read the main process's index, given once by :func:`use_later_pages`), timed and
isolated as the crawl's extraction of it: one that overruns EXTRACTION_TIMEOUT or kills its
worker costs that page (:func:`step_failed`: ``timeout``, ``worker_died``), not the article.
A later page missing from the archive ends the joining there as a failed download does in a
crawl: the item keeps the pages read, the page is warned about and counted
(``not_archived``), and the item is cut short.

Which archived pages may be later pages of another (:func:`split_later_pages`) and the waves
they are extracted in (:func:`by_page_number`) are decided here too; crawler.reextract runs
the pool and reports. A worker's reply, to either kind of task, is a :class:`Result`.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from archive.errors import WarcFormatError
from archive.httputil import (
    ContentDecodingError,
    decode_content,
    decode_part,
    encoding_not_applied,
    last_raw_header,
)
from archive.model import ArchivedResponse
from archive.reader import ArchiveLookup, SharedIndex, read_first
from crawler.extraction import next_page_of
from crawler.extraction.pages import page_less, page_of
from crawler.extraction.worker import Fingerprint, PageJoin, extract_for_crawl, failure_reason
from crawler.items import Article, ArticlePage
from crawler.joining import (
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_TEXT_CHARS,
    Answer,
    Joiner,
    PageFailed,
    join_incomplete,
    run_now,
)
from crawler.outlets import outlet_for_url
from crawler.urls import canonical_url, same_article_key

logger = logging.getLogger(__name__)
UNREADABLE = "unreadable_record"
NOT_ARCHIVED = "not_archived"  # a later page with no readable capture in the archive
RETRIED = frozenset({403, 408, 429, 500, 502, 503, 504, 522, 524})  # RETRY_HTTP_CODES's default


@dataclass
class Result:
    """What one page came to, sent back from a worker."""

    item: dict[str, Any] | None
    reason: str  # "" when an item came out; "invalid: ..." when it failed validation
    cpu: float = 0.0
    read: float = 0.0
    bad_record: WarcFormatError | None = None
    # the captures of the page that could not be read, each reported and the next best read
    bad_records: list[WarcFormatError] = field(default_factory=list)
    joining: Counter[str] = field(default_factory=Counter)  # the live join's stats keys
    cut_short: str | None = None  # why a later page cut the text short (join_incomplete)
    later_bad_records: list[WarcFormatError] = field(default_factory=list)
    later_read: list[str] = field(default_factory=list)  # later pages asked of the archive
    url: str = ""  # the page's
    # what the newest capture was when an older one was read (reextract: http_404, cut_short)
    past_error: str | None = None
    step: JoinStep | None = None  # a joining going on: its next page is the next task's
    # the outlet rules that found nothing on the first page, by field (rule_misses)
    rule_misses: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class JoinStep:
    """An article whose joining goes on, as the task joining its next page needs it: each
    later page is a task of its own, timed and isolated as the crawl's extraction of it."""

    first: ArticlePage  # page 1, its body dropped (the join needs its URL, outlet, time, record)
    article: Article  # the pages joined so far
    read: set[str]  # the loop guard's keys
    asked: list[str]  # every URL asked of the archive
    counts: Counter[str]  # the live join's stats
    validate: Validate | None
    rule_misses: dict[str, tuple[str, ...]] = field(default_factory=dict)  # of the first page


@dataclass(frozen=True)
class LaterPages:
    """Where a worker reads the later pages of an article: the index the main process built,
    the ``ARTICLE_MAX_PAGES`` and ``ARTICLE_MAX_TEXT_CHARS`` caps, the decoded body's size cap and the redirects a later page
    may make (``REDIRECT_MAX_TIMES``) and the statuses a crawl retries (``RETRY_HTTP_CODES``)."""

    index: SharedIndex
    max_pages: int = DEFAULT_MAX_PAGES
    max_size: int = 64 * 1024 * 1024
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    retried: frozenset[int] = RETRIED  # RETRY_HTTP_CODES: answers the crawl asked again for
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS  # ARTICLE_MAX_TEXT_CHARS: the joined text's cap


Validate = Callable[[dict[str, Any]], str | None]


def decoded_body(archived: ArchivedResponse, url: str, max_size: int) -> bytes | str:
    """The payload without its Content-Encoding, or the reason (``content_encoding``). A 206
    holding part of its page reads as a part does (``decode_part``: a head's readable start,
    as the live crawl's gunzip gives it; a middle as it came), refused only past the cap."""
    try:
        encoding = archived.content_encoding()
        if archived.part() is not None:
            return decode_part(archived.payload, encoding, archived.header("Content-Range"),
                               max_size)
        if encoding_not_applied(archived.payload, encoding):
            logger.info("%s: stored decoded under Content-Encoding %s; read as it is", url,
                        encoding)
            encoding = None
        return decode_content(archived.payload, encoding, max_size)
    except ContentDecodingError as exc:
        logger.warning("Cannot decode %s: %s", url, exc)
        return "content_encoding"


_LOOKUPS: dict[SharedIndex, ArchiveLookup] = {}  # a worker's view of the index, opened once
_LATER: list[LaterPages] = []  # this worker's, set once by its pool (use_later_pages)


def use_later_pages(later: LaterPages) -> None:
    """Pool initializer: the worker's LaterPages, sent once, not with every task (its index
    names every archive file: with thousands, hundreds of KB a task)."""
    _LATER[:] = [later]


def _later() -> LaterPages:
    if not _LATER:
        raise RuntimeError("this process was not given the later pages' index "
                           "(use_later_pages)")
    return _LATER[0]


_BAD: list[WarcFormatError] = []  # bad records the view met in the task running


def _lookup(index: SharedIndex) -> ArchiveLookup:
    """This process's read-only view of ``index`` (one at a time)."""
    if (found := _LOOKUPS.get(index)) is None:
        for old in _LOOKUPS.values():
            old.close()
        _LOOKUPS.clear()
        found = _LOOKUPS[index] = ArchiveLookup.attach(index, on_error=_BAD.append)
    return found


def worker_lookup() -> ArchiveLookup:
    """This worker's view of the index the main process built (given by its pool's
    :func:`use_later_pages`): pages are read here as replay reads them (``get``)."""
    return _lookup(_later().index)


def take_bad_records() -> list[WarcFormatError]:
    """The bad records :func:`worker_lookup` met since last asked; forgotten here."""
    met = list(_BAD)
    _BAD.clear()
    return met


class ArchivePages(Joiner):
    """The live join over the archive re-extracted: each later page is the capture the crawl
    joined (:meth:`answer`), read with no network."""

    def __init__(self, later: LaterPages, first: ArticlePage, counts: Counter[str]) -> None:
        super().__init__(later.max_pages, _join_page, lambda key: counts.update((key,)),
                         later.max_redirects, later.max_text_chars)
        self.later, self.at = later, _fetched_at(first)
        self.run = _run_of(later.index, first)
        self.asked: list[str] = []  # every URL asked for, redirect targets too

    async def get(self, url: str, first: ArticlePage) -> Answer:
        """The archived answer for ``url``, or PageFailed (``not_archived``, unreadable)."""
        self.asked.append(url)
        try:
            archived = self.answer(url)
        except Exception as exc:  # noqa: BLE001 - a damaged record or index costs this page
            raise PageFailed(UNREADABLE, str(exc)) from None
        if archived is None:
            raise PageFailed(NOT_ARCHIVED, "no readable capture of it in the archive "
                             "re-extracted (never captured, its capture failed, or damaged)")
        # the last, as Scrapy's headers give it in a crawl, and its bytes as sent: the text
        # of a block with one byte not UTF-8 is all Latin-1 (another target than the crawl's)
        location = last_raw_header(archived.raw_headers(), "Location")
        return Answer(archived.status, archived.url, location,
                      lambda: self.page(archived, first))

    def answer(self, url: str) -> ArchivedResponse | None:
        """The capture of ``url`` the crawl joined: in the first page's run, the first at or
        after its time that the crawl did not retry (``RETRY_HTTP_CODES``: a 503 archived
        before the 200 of its retry, each captured); else the one nearest the first page's
        (another run's, or the last answer of retries that all failed), as a request with no
        Range reads it (``read_first``)."""
        lookup = _lookup(self.later.index)
        if self.run is not None and self.at is not None:
            for archived in lookup.answers_in_run(url, self.run, self.at):
                if archived.status not in self.later.retried:
                    return archived
        return read_first(lookup, url, self.at)  # a 206 gives way to its whole 2xx

    def page(self, archived: ArchivedResponse, first: ArticlePage) -> ArticlePage:
        """The later page a crawl would have built of this capture (the first page's outlet).
        A 206 holding part of the page is not decoded (a range of a coded stream does not
        decode): its extraction refuses it as ``partial_content``, naming its record, as
        reextract's first page (``page_from_response``)."""
        if archived.part() is not None:
            return ArticlePage.from_archived(archived, b"", first.outlet)
        body = decoded_body(archived, archived.url, self.later.max_size)
        if isinstance(body, str):
            raise PageFailed(body, "its body cannot be decoded")
        return ArticlePage.from_archived(archived, body, first.outlet)


def _fetched_at(page: ArticlePage) -> datetime | None:
    try:
        return datetime.fromisoformat(page.fetched_at) if page.fetched_at else None
    except ValueError:
        return None


def _run_of(index: SharedIndex, page: ArticlePage) -> int | None:
    """The run the capture ``page`` was read from belongs to (None if unknown): found by its
    file exactly (``warc_path``), as another input may hold a file of the same name."""
    warc = page.warc or {}
    if page.warc_path is None or "offset" not in warc:
        return None
    return _lookup(index).run_at(page.warc_path, warc["offset"], page.url)


async def _join_page(job: PageJoin | Fingerprint) -> Article:
    return extract_for_crawl(job)


def join_step(step: JoinStep) -> Result:
    """Worker entry point: join the next later page of ``step``'s article. The result goes
    on (``step`` set) while pages are left, else holds the item."""
    start = time.process_time()
    result = Result(None, "", url=step.first.url)
    pages: Joiner
    try:
        pages = ArchivePages(_later(), step.first, step.counts)
        pages.asked = step.asked
        step.article, going = run_now(pages.join_next(step.first, step.article, step.read))
    except Exception as exc:  # noqa: BLE001 - the index, the run, a bug: this page only
        url = next_page_of(step.article) or step.first.url
        logger.exception("Joining the next page of %s crashed", step.first.url)
        pages = Joiner(1, _join_page, lambda key: step.counts.update((key,)))
        step.article = pages.stop(step.first, step.article, url, PageFailed("error", repr(exc)))
        going = False
    finally:
        result.later_bad_records.extend(_BAD)
        _BAD.clear()
    if going:
        result.step = step
    else:
        finish_join(pages, step, result)
    result.cpu = time.process_time() - start
    return result


def finish_join(pages: Joiner, step: JoinStep, result: Result) -> None:
    """``result`` holds the item of the article whose joining ended, validated."""
    article = pages.joined(step.article)
    # the page the join stopped at unread (past ARTICLE_MAX_PAGES) is the article's too: a
    # join from its first page reached it, so it is no item of its own, as a page read is
    stopped = next_page_of(article)
    result.joining, result.later_read = step.counts, [*step.asked, *filter(None, [stopped])]
    result.cut_short = join_incomplete(article)
    result.rule_misses = step.rule_misses
    item, reason = _item(article, step.first.url)
    if item is not None and step.validate is not None and (error := step.validate(item)):
        reason = f"invalid: {error}"
    result.item, result.reason = item, reason


def step_failed(step: JoinStep, reason: str) -> Result:
    """The result of an article whose next page's task overran or killed its worker (run
    here, in the main process): that page is not joined, as in a crawl, where its
    extraction fails alone (``timeout``, ``worker_died``); the item keeps the pages before."""
    url = next_page_of(step.article) or ""
    pages = Joiner(DEFAULT_MAX_PAGES, _join_page, lambda key: step.counts.update((key,)))
    step.asked.append(url)
    step.counts.update(("articles/later_pages_downloaded",))  # it was read: its task got on
    pages.stop(step.first, step.article, url,
               PageFailed(reason, "its extraction " + ("overran EXTRACTION_TIMEOUT"
                                                       if reason == "timeout" else
                                                       "killed its worker process")))
    result = Result(None, "", url=step.first.url)
    finish_join(pages, step, result)
    return result


def _item(article: Article, url: str) -> tuple[dict[str, Any] | None, str]:
    try:
        return asdict(article), ""
    except Exception as exc:  # noqa: BLE001 - as the crawl's ExtractionPipeline does
        logger.exception("Extraction crashed on %s", url)
        return None, failure_reason(exc)


def page_key(url: str, canonical: str) -> str:
    """An archived page's identity: its ``canonical`` URL less the path's trailing slash (the
    crawl's ``same_article_key``: it fetches one of ``/slug`` and ``/slug/``, one article),
    and for a later page of an article its page number (a canonical form may drop
    ``?page=2``: the page is another all the same)."""
    first = page_less(url)
    number = page_of(url, first) if first is not None else None
    key = same_article_key(canonical)
    return f"{key} page {number}" if number is not None and number > 1 else key


def article_key(url: str) -> str:
    """:func:`page_key` of ``url`` by its outlet's canonical form (the URL itself off any)."""
    try:
        outlet = outlet_for_url(url)
        return page_key(url, canonical_url(url, outlet) if outlet is not None else url)
    except ValueError:
        return url


def split_later_pages(urls: list[str]) -> tuple[list[str], list[str]]:
    """``urls`` less those that may be later pages of another of them (``/slug/2/``,
    ``?page=2`` of an archived ``/slug/``), and those: they are extracted last, when the items
    that joined them are known (a crawl fetches such a page only to join it)."""
    keys = {article_key(url) for url in urls}
    firsts, maybe_later = [], []
    for url in urls:
        first = page_less(url)
        (maybe_later if first and article_key(first) in keys else firsts).append(url)
    return firsts, maybe_later


def by_page_number(urls: list[str]) -> list[list[str]]:
    """``urls`` (later pages, maybe) in waves by page number: each wave is extracted when
    the joins of the ones before are done, so whether a page is an item or a later page one
    of them joined never hangs on which worker finished first."""
    waves: dict[int, list[str]] = {}
    for url in urls:
        first = page_less(url)
        number = (page_of(url, first) if first is not None else None) or 2
        waves.setdefault(number, []).append(url)
    return [waves[n] for n in sorted(waves)]
