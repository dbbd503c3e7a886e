"""The last line against SSRF: no request reaches a host off the public Internet.

The spiders refuse sitemap, feed and page URLs on private addresses where a document names
them (:meth:`crawler.spiders.base.OutletSpider.refused`), but a request has other ways in:
a redirect (``Location: http://169.254.169.254/``), a meta refresh, robots.txt's middleware,
a path no check covers yet. Every one of those is handed to the downloader middlewares from
the first (a redirect's new Request is scheduled by the engine like any other), so this
middleware, first of all, sees each before it is fetched. A request whose host is private
(:func:`crawler.urls.private_address`, judged as Scrapy fetches it) raises IgnoreRequest,
is logged with its URL and reason (a warning per host, then debug) and counted in
``downloader/refused_address``.

A crawl whose own sites are on a private address (a local mirror, every test server on
127.0.0.1) may reach private hosts; so may any crawl with ``ALLOW_PRIVATE_ADDRESSES``. Replay
(``WARC_REPLAY``) fetches nothing, so it is not in the way of an archive of a 127.0.0.1 crawl.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request

from crawler.urls import private_address

logger = logging.getLogger(__name__)

STAT = "downloader/refused_address"


def site_urls(spider: Any) -> list[str]:
    """The start (base) URL of each site the spider crawls: its outlets' base URLs as this
    run spells them (OUTLET_BASE_URLS, the site spider's ``url``), else its start_urls."""
    if callable(getattr(spider, "outlets", None)) and callable(getattr(spider, "base_url", None)):
        return [spider.base_url(outlet) for outlet in spider.outlets()]
    return list(getattr(spider, "start_urls", None) or [])


class PrivateAddressMiddleware:
    """Drop requests to private hosts unless the crawl's own sites are on one."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if settings.getbool("ALLOW_PRIVATE_ADDRESSES") or settings.get("WARC_REPLAY"):
            raise NotConfigured
        self.crawler = crawler
        self.allowed = False  # once a site of the crawl is private, it stays so
        self.said: set[str] = set()  # hosts warned of

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateAddressMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        why = private_address(request.url)
        if why is None or self.may_reach_private():
            return
        self.crawler.stats.inc_value(STAT)
        host = urlsplit(request.url).netloc
        log = logger.debug if host in self.said else logger.warning
        self.said.add(host)
        chain = request.meta.get("redirect_urls") or []
        log("Refused %s%s: %s, off the public Internet, and no site of this crawl is "
            "(ALLOW_PRIVATE_ADDRESSES=True lets it through; counted in %s)", request.url,
            f" (redirected from {chain[-1]})" if chain else "", why, STAT)
        raise IgnoreRequest(f"{request.url} is on a private address: {why}")

    def may_reach_private(self) -> bool:
        """Whether a site of the crawl is itself on a private address (asked only when a
        request's host is private: the sites of the site spider can change during the run)."""
        if not self.allowed:
            spider = getattr(self.crawler, "spider", None)
            self.allowed = any(private_address(url) is not None for url in site_urls(spider))
        return self.allowed
