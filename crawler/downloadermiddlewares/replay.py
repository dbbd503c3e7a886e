"""Offline replay: every request is answered from WARC files; the network is never touched.

``-s WARC_REPLAY=<folder, file or glob>`` (several separated by commas; WARC files and WACZ
packages, read as the WARCs inside them) switches it on; the
latest capture of a URL answers (under any spelling of it pywb would take: http or https,
``www.``, a trailing slash, ...), or the nearest to ``-s WARC_REPLAY_AT=<14 digits>``, before or
after, as pywb picks it;
only a capture of the same request does (method, and body for a POST).
A URL the archive lacks is answered with a 404 counted as ``replay/missing`` and flagged
``REPLAY_MISSING``: no answer of the site, so no part takes it for one (a page gone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured, UsageError
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import deferred_from_coro

from archive.errors import UnservedRecord
from archive.httputil import (
    DEFAULT_MAX_DECODED,
    content_problem,
    encoding_not_applied,
)
from archive.methods import method_query
from archive.model import ArchivedResponse
from archive.reader import (
    ArchiveLookup,
    LookupIndexError,
    is_part,
    read_without_range,
    warc_inputs,
)
from crawler.downloadermiddlewares.capture import REPLAYED
from crawler.downloadermiddlewares.integrity import part_as_sent
from crawler.extensions.run_verdict import REPLAY_INDEX_ERROR
from crawler.items import META_FETCHED_AT, META_WARC_RECORD, PARTIAL_FLAG, capture_stamp
from crawler.sitemap_limits import MAX_SITEMAP_BYTES

logger = logging.getLogger(__name__)

REPLAY_MISSING = "replay-missing"  # the flag of the 404 standing for a URL the archive lacks
MISSING_URLS = "replay/missing_urls"  # stats key: the first URLs the archive lacked
MAX_MISSING_URLS = 20
# Headers describing the original transfer, not the stored body (already de-chunked).
_HOP_BY_HOP = {b"transfer-encoding", b"connection", b"keep-alive"}


def parse_replay_at(value: str | None) -> datetime | None:
    """The end of the second a WARC_REPLAY_AT value names: a capture made within that second
    (WARC-Date has microseconds) is at it, as pywb's 14-digit timestamps count it."""
    if not value:
        return None
    try:
        return datetime.strptime(str(value).ljust(14, "0")[:14], "%Y%m%d%H%M%S").replace(
            tzinfo=UTC, microsecond=999_999)
    except ValueError:
        raise UsageError(f"WARC_REPLAY_AT={value!r}: expected YYYYMMDDhhmmss") from None


def replay_paths(spec: str) -> list[Path]:
    """The WARC files (and WACZ members) a WARC_REPLAY value names (comma-separated folders,
    files, globs)."""
    try:
        paths, note = warc_inputs([p.strip() for p in str(spec).split(",") if p.strip()],
                                  f"WARC_REPLAY={spec!r}", read_arcs=True)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if note:
        logger.warning("WARC_REPLAY: %s", note)
    return paths


def _method_query(request: Request) -> str:
    """The request's method and body as captures are keyed ("" for a GET): a POST is
    answered only by a capture of the same POST, a GET never by a POST's or HEAD's."""
    ctype = request.headers.get("Content-Type")
    return method_query(request.method, ctype.decode("latin-1") if ctype else None,
                        str(len(request.body)), request.body)


def response_from_archive(request: Request, archived: ArchivedResponse,
                          decoded: bool = False) -> Response:
    """The Scrapy response for ``archived``; a body stored ``decoded`` under its
    Content-Encoding (browser-based tools) loses that header, as warcio and pywb serve it."""
    skip = _HOP_BY_HOP | ({b"content-encoding"} if decoded else set())
    headers = Headers()
    for name, value in archived.raw_headers():  # the bytes sent, as a live response holds
        if name.lower() not in skip:
            headers.appendlist(name, value)
    cls = responsetypes.from_args(headers=headers, url=request.url)
    return cls(url=request.url, status=archived.status, headers=headers, body=archived.payload,
               request=request, protocol=archived.http_version or None)


class WarcReplayMiddleware:
    """Answer requests from an ArchiveLookup over the WARC files named by WARC_REPLAY."""

    def __init__(self, crawler: Any) -> None:
        spec = crawler.settings.get("WARC_REPLAY")
        if not spec:
            raise NotConfigured("WARC_REPLAY is not set")
        paths = replay_paths(spec)
        self.at = parse_replay_at(crawler.settings.get("WARC_REPLAY_AT"))
        self.stats = crawler.stats
        # the spider replaying: its runs' probes are offered (warcinfo names each file's)
        self.spider: str | None = getattr(crawler.spidercls, "name", None)
        self.crawler = crawler
        # a capture whose Content-Encoding does not decode within what Scrapy would take
        # (HttpCompressionMiddleware refuses it) is passed over, said, for an older readable
        # one: within a sitemap's bound, the largest a request carries (a page's body past
        # DOWNLOAD_MAXSIZE is refused by that middleware, by its request's bound, as live)
        page_bound = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.page_bound = page_bound
        max_decoded = max(page_bound, MAX_SITEMAP_BYTES) if page_bound else DEFAULT_MAX_DECODED
        self.max_decoded = max_decoded
        try:
            self.lookup: ArchiveLookup | None = ArchiveLookup(paths, on_error=self._bad_record,
                                                              max_decoded=max_decoded)
        except LookupIndexError as exc:  # the run stops as it opens (spider_opened), said
            self.lookup, self.index_error = None, exc
            return
        logger.info("Replaying from %d WARC file(s), %d captures%s", len(paths), len(self.lookup),
                    f", as of {self.at:%Y-%m-%d %H:%M:%S} UTC" if self.at else "")

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcReplayMiddleware:
        mw = cls(crawler)
        crawler.warc_replay = mw  # replay_of: found as the run's other components are
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self) -> None:
        """Without its index (TMPDIR full or not writable) the replay cannot answer anything:
        one error, and the run closes as failed (``replay_index_error``) with its report,
        where an exception while the engine was built left a traceback and no report."""
        if self.lookup is None:
            logger.error("Cannot replay: %s; nothing is replayed", self.index_error)
            deferred_from_coro(self.crawler.engine.close_spider_async(
                reason=REPLAY_INDEX_ERROR))

    def spider_closed(self) -> None:
        """Remove the lookup's index folder now, not at process exit (several crawls may
        run in one process)."""
        if self.lookup is not None:
            self.lookup.close()

    def host_urls(self, url: str) -> Iterator[str]:
        """The archived URLs on ``url``'s host, by capture time (ArchiveLookup.host_urls)."""
        return self.lookup.host_urls(url) if self.lookup is not None else iter(())

    def probe_urls(self, url: str, shaped: Callable[[str], bool] | None = None) -> list[str]:
        """The soft-removal probes the replayed run (of this spider's runs, the one whose
        capture of ``url``'s host WARC_REPLAY_AT is nearest to, else the latest) asked of
        that host, by capture time; in files written before probes were marked, the URLs
        ``shaped`` takes for probes (ArchiveLookup.probe_urls)."""
        if self.lookup is None:
            return []
        return self.lookup.probe_urls(url, self.at, shaped, self.spider)

    def _missing(self, url: str) -> None:
        """Count a URL the archive lacks and list the first few (robots.txt aside: many
        archives hold none) for the run report, which says why a replay found nothing."""
        self.stats.inc_value("replay/missing")
        logger.info("Not in the archive: %s", url)
        listed = list(self.stats.get_value(MISSING_URLS) or [])
        if len(listed) < MAX_MISSING_URLS and not url.endswith("/robots.txt"):
            self.stats.set_value(MISSING_URLS, [*listed, url])

    def _bad_record(self, error: Exception) -> None:
        if isinstance(error, UnservedRecord):  # whole, but no page (WARC-Truncated)
            self.stats.inc_value("replay/unserved_records")
            logger.info("Not served: %s", error)
            return
        if getattr(error, "kept", False):  # damaged, read all the same (WarcFormatError.kept)
            self.stats.inc_value("replay/damaged_records_kept")
            logger.warning("Damaged WARC record read all the same: %s", error)
            return
        self.stats.inc_value("replay/bad_records")
        logger.warning("Skipping unreadable WARC record: %s", error)

    def process_request(self, request: Request) -> Response:
        request.meta[REPLAYED] = True
        if self.lookup is None:  # the run is closing (spider_opened)
            raise IgnoreRequest(f"not replayed: {self.index_error}")
        bound = request.meta.get("download_maxsize", self.page_bound)
        ranged = b"Range" in request.headers
        archived, over = self._within(request.url, _method_query(request), bound, ranged=ranged)
        if archived is None and over:  # no capture like it fits its bound: refused, as live
            raise DownloadCancelledError(
                f"replay: {request.url}: its capture is over download_maxsize {bound} "
                f"({over} bytes), and no other of its status fits")
        if archived is None:
            self._missing(request.url)
            return Response(request.url, status=404, request=request, flags=[REPLAY_MISSING])
        self.stats.inc_value("replay/hits")
        decoded = encoding_not_applied(archived.payload, archived.content_encoding())
        if decoded and not is_part(archived):  # (a part from mid-stream: said as a part)
            self.stats.inc_value("replay/encoding_not_applied")
            logger.info("%s: stored decoded under Content-Encoding %s; served as it is",
                        request.url, archived.content_encoding())
        request.meta[META_FETCHED_AT] = capture_stamp(archived.date)
        request.meta[META_WARC_RECORD] = archived.ref.as_dict()
        response = response_from_archive(request, archived, decoded)
        if not ranged and is_part(archived):
            self._said_part_served(request.url, archived)
            response.flags.append(PARTIAL_FLAG)
        if is_part(archived):  # as the live crawl's retry middleware hands it on (replay has none)
            response = part_as_sent(response, bound)
        return response

    def _said_part_served(self, url: str, part: ArchivedResponse) -> None:
        """Count and say a 206 served for a request with no Range (the archive holds no whole
        2xx of its spelling): part of the page, which no extraction takes for the page."""
        self.stats.inc_value("replay/partial_served")
        logger.warning("%s: only a 206 holding part of the page is archived (%s): served "
                       "as it is, partial", url, part.part_said())

    def _within(self, url: str, method: str, bound: int, ranged: bool = False
                ) -> tuple[ArchivedResponse | None, int]:
        """The best capture of ``url`` whose body (undone of its Content-Encoding) fits the
        request's ``bound``, and the size of the newest one passed over for being past it (0
        when none was). A page's capture made with no bound (another tool, DOWNLOAD_MAXSIZE=0)
        was served and then refused by Scrapy, the URL lost though an older capture fit; each
        one passed over is counted (``replay/over_maxsize``) and said. Only a capture of the
        same status stands in: an older 404, 503 or redirect answered for the page that was
        there, and a 206 holds part of it. A request with no Range reads what
        :func:`archive.reader.read_without_range` gives: a 206 gives way to a whole 2xx of
        its URL spelling only."""
        first_over, over_status = 0, 0
        choices = self.lookup.readable(url, self.at, method=method) if ranged else None
        captures = ((c, None) for c in choices) if choices is not None \
            else read_without_range(self.lookup, url, self.at, method=method)
        part: ArchivedResponse | None = None
        for archived, stood_in_for in captures:
            part = part or stood_in_for
            if over_status and archived.status != over_status:
                continue
            size = self._body_size(archived, bound)
            if size is None:
                self._said_part_passed_over(url, part)
                return archived, first_over
            if not first_over:
                first_over, over_status = size, archived.status
            self._said_over(url, archived, size, bound)
        return None, first_over

    def _said_part_passed_over(self, url: str, part: ArchivedResponse | None) -> None:
        """Count and say a 206 passed over for the whole page a request with no Range asks."""
        if part is None:
            return
        self.stats.inc_value("replay/partial_passed_over")
        logger.info("%s: its 206 capture of %s (%s at offset %d) holds part of the page; a "
                    "whole capture is served", url, f"{part.date:%Y-%m-%d %H:%M:%S}",
                    part.ref.where, part.ref.offset)

    def _said_over(self, url: str, archived: ArchivedResponse, size: int, bound: int) -> None:
        self.stats.inc_value("replay/over_maxsize")
        logger.warning("%s: capture of %s (%s at offset %d) is %d bytes, over its "
                       "download_maxsize %d (refused as live); another capture of its "
                       "status is looked for",
                       url, f"{archived.date:%Y-%m-%d %H:%M:%S}", archived.ref.path
                       or archived.ref.file, archived.ref.offset, size, bound)

    def _body_size(self, archived: ArchivedResponse, bound: int) -> int | None:
        """None when ``archived``'s body fits ``bound`` (0: none), stored and decoded; else
        its size (stored, or at least ``bound`` + 1 when its decoding passes the bound)."""
        size = len(archived.payload)
        if not bound or size > bound:
            return None if not bound else size
        if bound >= self.max_decoded:  # the lookup decoded it within that already
            return None
        coding = archived.content_encoding()
        if coding and content_problem(archived.payload, coding, bound,
                                      part=is_part(archived)) is not None:
            return bound + 1  # decodes within max_decoded (the lookup's check), not within bound
        return None


def replay_of(crawler: Any) -> WarcReplayMiddleware | None:
    """The middleware answering ``crawler``'s requests from WARC files, None in a live crawl:
    what a part that must know what the archive holds asks."""
    return getattr(crawler, "warc_replay", None)


class OfflineDownloadHandler(BaseDownloadHandler):
    """Download handler used in replay mode: any request reaching it is refused, never sent."""

    async def download_request(self, request: Request) -> Response:
        raise IgnoreRequest(f"network access is disabled in replay mode: {request.url}")
