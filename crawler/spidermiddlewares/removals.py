"""Known articles whose answer says they are gone: observed as removals, not failed pages.

Runs before HttpErrorMiddleware (50), so a 404, 410 or 451 of an article the state store
holds, or its redirect to a page that is no article, reaches neither the extraction (no
"failed extraction" in the run's health) nor the spider's errback as a failure: it is written
as an observation by :mod:`crawler.removals` and the request ends with
:class:`~crawler.removals.ArticleRemoved`. An article never exported answering so is a
failed fetch: a 404 as before, a redirect to another site or to no article ends in
:class:`~crawler.failures.RedirectedElsewhere` (the errback counts it by reason), never in an
item holding that page's text. A redirect to another article of the outlet is a move, not a
removal: that page is extracted as usual.

A 2xx answer that may hide a removal (an article at its own URL, known or never exported,
any article at its own path on a host no outlet has) travels
with its page to the extraction pipeline as a
:class:`~crawler.softremovals.Candidate`: once extraction has said what the page holds,
:mod:`crawler.softremovals` judges it by evidence (a soft 404, a parked domain). An article
read at its own path on a new host is counted and said as the outlet's move only there, once
the host is found no parking host.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy.http import Response

from crawler.extensions.completeness import note_removed
from crawler.failures import RedirectedElsewhere
from crawler.items import (
    META_DISCOVERED,
    META_FETCHED_AT,
    META_REDIRECT_RECORDS,
    META_WARC_RECORD,
    ArticlePage,
    capture_stamp,
)
from crawler.outlets.base import Outlet
from crawler.rechecks import note_checked
from crawler.removals import (
    REMOVAL_STATUSES,
    REMOVED,
    ArticleRemoved,
    Observation,
    asked_article,
    left_article,
    new_host,
    removal_log,
)
from crawler.softremovals import CANDIDATE_ATTR, MOVED, REFETCH, Candidate
from crawler.urls import article_id, canonical_url


class RemovalMiddleware:
    """Spider middleware: observe removed known articles (and ones that answer again)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.log = removal_log(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RemovalMiddleware:
        mw = cls(crawler)
        crawler.removal_checks = mw  # the site spider's zone samples are judged late (judge)
        return mw

    def process_spider_input(self, response: Response) -> None:
        if response.meta.get("article"):
            self.judge(response)

    def judge(self, response: Response) -> None:
        """Judge an article's answer: raise ArticleRemoved (recorded) or RedirectedElsewhere,
        or note in its meta the candidate removal a 2xx answer may hide. Called for a page
        read as an article later than its answer came (a site's zone sample) too."""
        outlet, url = asked_article(response.request, response.url)
        if outlet is None:
            return
        final = response.url if response.meta.get("redirect_urls") else None
        read = final is not None and 200 <= response.status < 300
        elsewhere = left_article(self.crawler.spider, outlet, url, final) if read else None
        # (an error answer, or another path, is no move)
        moved = read and not elsewhere and self._on_new_host(outlet, final)
        if response.status in REMOVAL_STATUSES or elsewhere:
            if self.log.store.get(url) is None:  # never exported: a failed fetch
                if elsewhere:
                    raise RedirectedElsewhere([*response.meta["redirect_urls"], final],
                                              elsewhere)
                return
            self._removed(response, outlet, url, final)
        elif 200 <= response.status < 300:
            if self.log.removed_since(url) is not None:
                self.log.returning[url] = (response.status, final)  # restored if the article
            self._candidate(response, outlet, url, final, bool(moved))

    def _candidate(self, response: Response, outlet: Outlet, url: str, final: str | None,
                   moved: bool) -> None:
        """Note a 2xx answer that may hide a removal (crawler.softremovals) in its meta."""
        known = self.log.store.get(url) is not None
        if not (moved or known) and final is not None and canonical_url(final, outlet) != url:
            return  # a never-exported article redirected to another article: read there
        response.meta[CANDIDATE_ATTR] = Candidate(
            kind=MOVED if moved else REFETCH, known=known, url=url,
            observation=observation(response, outlet, url, final),
            discovered=response.meta.get(META_DISCOVERED), request=response.request)

    def process_spider_output(self, response: Response, result: Iterable[Any]
                              ) -> Iterator[Any]:
        candidate = response.meta.get(CANDIDATE_ATTR)
        for obj in result:
            yield with_candidate(obj, candidate)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        candidate = response.meta.get(CANDIDATE_ATTR)
        async for obj in result:
            yield with_candidate(obj, candidate)

    def _on_new_host(self, outlet: Outlet, final: str) -> bool:
        """An article read at its own path on a host no outlet of the run has: the outlet
        moved domain, or the domain is parked. Neither is said here: crawler.softremovals
        tells which once extraction has read the page, and counts and says a move."""
        return new_host(self.crawler.spider, outlet, final) is not None

    def process_spider_exception(self, response: Response, exception: Exception
                                 ) -> Iterable[Any] | None:
        """A request without errback: the removal was recorded, nothing more to say. (A
        redirect elsewhere goes to the article request's errback, which logs and counts it.)"""
        return () if isinstance(exception, ArticleRemoved) else None

    def _removed(self, response: Response, outlet: Outlet, url: str, final: str | None) -> None:
        note_removed(self.crawler, response.request, response.status, final)
        if self.log.removed_since(url):
            self.stats.inc_value("articles/still_removed")
            note_checked(self.crawler, url)
        elif self.log.record(observation(response, outlet, url, final)):
            note_checked(self.crawler, url)  # only once the observation is durable
        raise ArticleRemoved(f"{url}: removed (HTTP {response.status}"
                             f"{f', redirected to {final}' if final else ''})")


def with_candidate(obj: Any, candidate: Candidate | None) -> Any:
    """The spider's output, its article page carrying the answer's candidate removal."""
    if candidate is not None and isinstance(obj, ArticlePage):
        setattr(obj, CANDIDATE_ATTR, candidate)
    return obj


def observation(response: Response, outlet: Outlet, url: str, final: str | None) -> Observation:
    """The removal seen in ``response``, with the WARC records of its answers."""
    meta = response.meta
    urls = meta.get("redirect_urls", [])
    reasons, records = meta.get("redirect_reasons", []), meta.get(META_REDIRECT_RECORDS, [])
    # every hop is listed, its status or record None where unknown (capture off, replay)
    hops = [(url, reasons[n] if n < len(reasons) else None,
             records[n] if n < len(records) else None) for n, url in enumerate(urls)]
    return Observation(
        event=REMOVED, url=url, id=article_id(url), source=outlet.key,
        observed_at=meta.get(META_FETCHED_AT) or capture_stamp(datetime.now(UTC)),
        status=response.status, final_url=final, warc=meta.get(META_WARC_RECORD),
        redirects=[{"url": hop, "status": status if isinstance(status, int) else None,
                    "warc": ref} for hop, status, ref in hops])
