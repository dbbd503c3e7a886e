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

A private host that is the host of one of the crawl's own sites (a local mirror, every test
server on 127.0.0.1) is reached: that site's pages and its redirects among them; no other
private host is, though another site of the crawl be local. That is
:func:`crawler.urls.refused_address`, the rule discovery keeps too. Any crawl with
``ALLOW_PRIVATE_ADDRESSES`` reaches them all. Replay
(``WARC_REPLAY``) fetches nothing, so it is not in the way of an archive of a 127.0.0.1 crawl.

A name resolving to a private address passes here and is refused by the resolver
(:mod:`crawler.resolver`); this middleware counts each request failed so in
``downloader/refused_dns_address``.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import CannotResolveHostError, IgnoreRequest, NotConfigured
from scrapy.http import Request

from crawler.resolver import DNS_STAT, looked_up, private_answer
from crawler.urls import private_hosts, refused_address, site_urls

logger = logging.getLogger(__name__)

STAT = "downloader/refused_address"


RECHECK_SECONDS = 30.0  # a private host no site is on: the sites are read again at most this often


class PrivateAddressMiddleware:
    """Drop requests to private hosts unless the crawl's own sites are on one."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if settings.getbool("ALLOW_PRIVATE_ADDRESSES") or settings.get("WARC_REPLAY"):
            raise NotConfigured
        self.crawler = crawler
        self.site_hosts: frozenset[str] = frozenset()  # private hosts of the crawl's own sites
        self.read_at = -RECHECK_SECONDS  # when the sites were last read (monotonic)
        self.said: set[str] = set()  # hosts warned of

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateAddressMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        why = refused_address(request.url, self.site_hosts)
        if why is not None and self.read_sites():
            why = refused_address(request.url, self.site_hosts)
        if why is None:
            return
        self.crawler.stats.inc_value(STAT)
        host = urlsplit(request.url).netloc
        log = logger.debug if host in self.said else logger.warning
        self.said.add(host)
        chain = request.meta.get("redirect_urls") or []
        log("Refused %s%s: %s, off the public Internet, and no site of this crawl is on that "
            "host (ALLOW_PRIVATE_ADDRESSES=True lets it through; counted in %s)", request.url,
            f" (redirected from {chain[-1]})" if chain else "", why, STAT)
        raise IgnoreRequest(f"{request.url} is on a private address: {why}")

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Count a request whose host name the resolver answered with a private address
        (:class:`crawler.resolver.PrivateAnswerResolver`, which has no crawler of its own to
        count in and warns once per name), and fail it with the resolver's reason: Twisted's
        endpoint reports only ``no results for hostname lookup``. It stays a DNS failure."""
        if (refusal := private_answer(exception, looked_up(request))) is None:
            return
        self.crawler.stats.inc_value(DNS_STAT)
        logger.debug("Refused %s: %s (counted in %s)", request.url, refusal.reason, DNS_STAT)
        raise CannotResolveHostError(str(refusal)) from refusal

    def read_sites(self) -> bool:
        """Read the private hosts of the crawl's sites again, unless they were read less than
        RECHECK_SECONDS ago (False then): the site spider's sites can change during the run,
        and a crawl of thousands of sites is not read per request."""
        if time.monotonic() - self.read_at < RECHECK_SECONDS:
            return False
        self.read_at = time.monotonic()
        self.site_hosts = private_hosts(site_urls(getattr(self.crawler, "spider", None)))
        return True
