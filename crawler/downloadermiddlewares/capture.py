"""WARC capture: every HTTP exchange the crawler sees is archived exactly as it came in.

Sits close to the downloader (priority 950 by default), so ``process_response`` runs before
HttpCompressionMiddleware (590) decodes the body and after every middleware has finished
changing the request. Retried attempts, redirects, robots.txt and error statuses are all
captured; replayed responses are not. So is what arrived of a response whose download then
failed (connection lost, DOWNLOAD_TIMEOUT, DOWNLOAD_MAXSIZE; see
:mod:`crawler.handlers.http11`), marked ``WARC-Truncated`` with the reason: the crawl still
treats it as the failure it is, and replay and re-extraction never serve it as the page.
"""

from __future__ import annotations

import logging
import platform
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.defer import deferred_from_coro

from archive.errors import ArchiveWriteError, FolderSyncError
from archive.model import RUN_FIELD, SPIDER_FIELD, HttpExchange, RecordRef
from archive.repair import repair_open_files
from archive.writer import INDEX, WarcWriter
from crawler.frontiers import run_scheduler
from crawler.handlers.http11 import HEAD_META, REQUEST_HEAD_META, partial_response
from crawler.items import (
    META_FETCHED_AT,
    META_PROBE,
    META_WARC_RECORD,
    META_WIRE_LENGTH,
    capture_stamp,
    truncation,
)
from crawler.state.jobdir import UNFINISHED
from crawler.urls import path_and_query

logger = logging.getLogger(__name__)

REPLAYED = "warc_replayed"  # request.meta flag set by the replay middleware


def header_pairs(headers: Any) -> list[tuple[str, str]]:
    """Scrapy Headers (bytes, multi-valued) as (name, value) text pairs, values kept in order."""
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1")
        pairs.extend((key, value.decode("latin-1")) for value in values)
    return pairs


Head = tuple[str, list[tuple[str, str]]]  # first line and header fields, Latin-1 text


def request_as_sent(request: Request,
                    sent: Head | None) -> tuple[str | None, list[tuple[str, str]]]:
    """The request line and header fields to archive: those Twisted sent (crawler.handlers.
    http11), else rebuilt from the Scrapy request (line None). Sent to an HTTP proxy, the
    target is put back in origin form (the proxy's absolute form names the same resource)
    and Proxy-Authorization is left out: a credential for the proxy, not part of the
    request to the site."""
    if sent is None:
        return None, [("Host", urlsplit(request.url).netloc), *header_pairs(request.headers)]
    line, fields = sent
    method, _, rest = line.partition(" ")
    target, _, version = rest.rpartition(" ")
    if "://" in target and not target.startswith("/"):
        target = path_and_query(target)
    return (f"{method} {target} {version}",
            [(name, value) for name, value in fields if name.lower() != "proxy-authorization"])


def is_probe(request: Request) -> bool:
    """A soft-removal probe's own request, not a redirect it led to (that page is the site's,
    asked by the probe's URL in a replay as live): its records are marked as the probe's."""
    return bool(request.meta.get(META_PROBE)) and not request.meta.get("redirect_urls")


def exchange_from(request: Request, response: Response, when: datetime,
                  truncated: str | None = None, head: Head | None = None,
                  sent: Head | None = None) -> HttpExchange:
    """The exchange to archive; ``head`` is the response's status line and header fields as
    received and ``sent`` the request's as sent (crawler.handlers.http11), else they are
    rebuilt from the Scrapy response and request."""
    request_line, request_headers = request_as_sent(request, sent)
    status_line, response_headers = head if head else (None, header_pairs(response.headers))
    return HttpExchange(
        url=request.url,
        method=request.method,
        request_target=path_and_query(request.url),
        request_headers=request_headers,
        request_body=request.body or b"",
        http_version=response.protocol or "HTTP/1.1",
        status=response.status,
        reason=status_line.split(" ", 2)[2] if status_line and status_line.count(" ") > 1
        else "",
        response_headers=response_headers,
        payload=response.body,
        ip_address=str(response.ip_address) if response.ip_address else None,
        date=when,
        truncated=truncated,
        status_line=status_line,
        request_line=request_line,
        probe=is_probe(request),
    )


def closing_loss(exc: ArchiveWriteError) -> str:
    """What a failed close has cost, as far as it is known."""
    if isinstance(exc, FolderSyncError):  # its message says what a power loss may take
        return ("the file is closed and whole while the machine runs; its digest rows were "
                "not kept, so those payloads are stored whole next time.")
    if exc.what == INDEX:  # the last digest rows, on the disk that filled
        return ("the records written are intact; payloads whose digest row was lost are "
                "stored whole next time.")
    return ("the last records of that file may not be on disk (its fsync or rename failed) "
            "and it may keep its .open name until the next run's repair reads it; their "
            "digest rows were not kept, so those payloads are stored whole next time.")


def _timer(delay: float, call: Callable[[], None]) -> CallLaterResult | None:
    """``call`` after ``delay`` seconds in the crawl's event loop; None where there is none
    (the middleware driven outside a crawl, by a script or a test): the writer's other bounds
    (every write, spider_idle, close) still hold there."""
    try:
        return call_later(delay, call)
    except RuntimeError:  # scrapy: no installed reactor nor running asyncio loop
        return None


class WarcCaptureMiddleware:
    """Write request/response (or revisit) records for every downloaded response."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True) or settings.get("WARC_REPLAY"):
            raise NotConfigured("WARC capture is off (WARC_ENABLED=False or replay mode)")
        self.crawler = crawler
        self.directory = settings.get("WARC_DIR")
        self.prefix = settings.get("WARC_PREFIX") or settings.get("BOT_NAME") or "crawl"
        self.max_size = settings.getint("WARC_MAX_SIZE", 1_000_000_000)
        self.writer: WarcWriter | None = None
        self.failed = False
        self.sync_timer: CallLaterResult | None = None  # brings waiting digest rows in

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcCaptureMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(mw.spider_idle, signal=signals.spider_idle)
        return mw

    def warcinfo(self, spider: scrapy.Spider) -> dict[str, str]:
        s = self.crawler.settings
        info = {
            "operator-software": f"scrapy {scrapy.__version__}; python {platform.python_version()}",
            "hostname": socket.gethostname(),
            SPIDER_FIELD: spider.name,
            "robots": "obey" if s.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": s.get("USER_AGENT") or "",
            "contact": s.get("CONTACT_URL") or "",
        }
        if run := self.shared_run():
            info[RUN_FIELD] = run
        return info

    def shared_run(self) -> str | None:
        """The run id all processes of this run share, so a replay of the run takes the
        probes of all of them: a distributed run's (every worker writes its own files), a
        JOBDIR run's (the session resuming a stopped one is the same run); None without
        either, where the writer makes one. The scheduler joined the run before the spider
        opened."""
        return getattr(run_scheduler(self.crawler), "run_id", None) or None

    def spider_opened(self, spider: scrapy.Spider) -> None:
        try:
            for result in repair_open_files(self.directory):
                logger.warning("Repaired WARC file left open by an earlier run: %s", result)
                self.crawler.stats.inc_value("warc/repaired_files")
            self.writer = WarcWriter(self.directory, prefix=f"{self.prefix}-{spider.name}",
                                     max_size=self.max_size, warcinfo=self.warcinfo(spider))
        except (ArchiveWriteError, OSError) as exc:
            self._fail(exc)
            return
        logger.info("Archiving every exchange as WARC in %s", self.directory)

    def _fail(self, exc: Exception) -> None:
        """Without an archive the crawl has lost its purpose: stop it, loudly."""
        self.failed = True
        self._count_write_error(exc)
        logger.error("Cannot write WARC files (%s); stopping the crawl. Files already closed "
                     "are intact; pages not archived are not exported either, and the next "
                     "run fetches them again.", exc)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_write_error"))

    def _count_write_error(self, exc: Exception) -> None:
        self.crawler.stats.inc_value("warc/write_errors")
        if isinstance(exc, FolderSyncError):
            self.crawler.stats.inc_value("warc/folder_sync_failures")

    def spider_idle(self, spider: scrapy.Spider) -> None:
        """A quiet crawl (or an idle scrapy-redis worker) writes nothing that would bring
        its waiting digest rows to the shared index: put them there now."""
        self._sync_rows(lambda writer: writer.sync())

    def _watch_waiting_rows(self) -> None:
        """Wake up when the writer's waiting digest rows are due: while only slow downloads
        are in flight nothing is written and the spider is not idle, yet rows safe to commit
        must reach the index within the writer's bound, not be lost to a crash. The timer
        runs in the crawl's event loop, the thread that writes: no fsync races a write."""
        if self.sync_timer is not None or self.writer is None or self.failed:
            return
        due_in = self.writer.sync_due_in()
        if due_in is not None:
            self.sync_timer = _timer(due_in, self._sync_waiting_rows)

    def _sync_waiting_rows(self) -> None:
        self.sync_timer = None
        if self._sync_rows(lambda writer: writer.sync_if_due()):
            self._watch_waiting_rows()

    def _sync_rows(self, sync: Callable[[WarcWriter], object]) -> bool:
        """Run ``sync`` on a working writer; a write error stops the crawl (:meth:`_fail`).
        Whether the writer is still working after it."""
        if self.writer is None or self.failed:
            return False
        try:
            sync(self.writer)
        except ArchiveWriteError as exc:
            self._fail(exc)
            return False
        return True

    def spider_closed(self, spider: scrapy.Spider) -> None:
        if self.sync_timer is not None:
            self.sync_timer.cancel()
            self.sync_timer = None
        if self.writer is not None:
            try:
                self.writer.close()
            except ArchiveWriteError as exc:
                say = logger.warning if self.failed else logger.error
                say("Closing the WARC files failed (%s); %s", exc, closing_loss(exc))
                self._count_write_error(exc)
            for path in self.writer.closed_files:
                logger.info("WARC file closed: %s", path)

    def process_response(self, request: Request, response: Response) -> Response:
        """Record where the response is archived; one that could not be archived (the WARC
        files failed: a full disk) goes no further, so no item of it is exported and
        recorded as known: the next run fetches it again."""
        truncated = truncation(response)  # DOWNLOAD_FAIL_ON_DATALOSS=False lets it through
        # the body's length before HttpCompressionMiddleware decodes it (a replay's: the
        # stored payload's), which a 206's Content-Range names (crawler.items.partial_of)
        request.meta[META_WIRE_LENGTH] = len(response.body)
        when = datetime.now(UTC)
        ref = self._archive(request, response, when, truncated)
        if ref is not None:
            request.meta[META_WARC_RECORD] = ref.as_dict()
            request.meta[META_FETCHED_AT] = capture_stamp(when)
        elif self.failed and not request.meta.get(REPLAYED):
            request.meta[UNFINISHED] = True  # a JOBDIR keeps it for the resumed run
            self.crawler.stats.inc_value("warc/not_archived")  # the errback logs its URL
            raise IgnoreRequest(f"not archived (WARC writing failed): {request.url}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Archive what arrived of a response whose download failed after its head."""
        partial = partial_response(exception)
        if partial is not None:
            self._archive(request, partial.response, datetime.now(UTC), partial.truncated)

    def _archive(self, request: Request, response: Response, when: datetime,
                 truncated: str | None) -> RecordRef | None:
        head = request.meta.pop(HEAD_META, None)  # this download's own: never a copy's
        sent = request.meta.pop(REQUEST_HEAD_META, None)
        if request.meta.get(REPLAYED) or self.writer is None or self.failed:
            return None
        try:
            ref = self.writer.write_exchange(exchange_from(request, response, when, truncated,
                                                           head, sent))
        except ArchiveWriteError as exc:
            self._fail(exc)
            return None
        self._watch_waiting_rows()
        stats = self.crawler.stats
        stats.inc_value("warc/records")
        stats.inc_value("warc/bytes", len(response.body))
        if truncated:
            stats.inc_value(f"warc/truncated/{truncated}")
            logger.info("Archived a truncated response (WARC-Truncated: %s, %d bytes): %s",
                        truncated, len(response.body), request.url)
        return ref
