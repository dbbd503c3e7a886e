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
private host is, though another site of the crawl be local. Any crawl with
``ALLOW_PRIVATE_ADDRESSES`` reaches them all. Replay
(``WARC_REPLAY``) fetches nothing, so it is not in the way of an archive of a 127.0.0.1 crawl.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request
from w3lib.url import safe_url_string

from crawler.urls import private_address

logger = logging.getLogger(__name__)

STAT = "downloader/refused_address"


RECHECK_SECONDS = 30.0  # a private host no site is on: the sites are read again at most this often


def site_urls(spider: Any) -> list[str]:
    """The start (base) URL of each site the spider crawls: its outlets' base URLs as this
    run spells them (OUTLET_BASE_URLS, the site spider's ``url``), its ``url`` (``scrapy
    probe``) and its start_urls."""
    urls: list[str] = []
    if callable(getattr(spider, "outlets", None)) and callable(getattr(spider, "base_url", None)):
        urls += [spider.base_url(outlet) for outlet in spider.outlets()]
    if isinstance(url := getattr(spider, "url", None), str):
        urls.append(url)
    return urls + list(getattr(spider, "start_urls", None) or [])


def _host(url: str) -> str | None:
    try:
        return urlsplit(safe_url_string(url)).hostname
    except ValueError:
        return None


class PrivateAddressMiddleware:
    """Drop requests to private hosts unless the crawl's own sites are on one."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if settings.getbool("ALLOW_PRIVATE_ADDRESSES") or settings.get("WARC_REPLAY"):
            raise NotConfigured
        self.crawler = crawler
        self.site_hosts: set[str] = set()  # private hosts of the crawl's own sites
        self.read_at = -RECHECK_SECONDS  # when the sites were last read (monotonic)
        self.said: set[str] = set()  # hosts warned of

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateAddressMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        why = private_address(request.url)
        if why is None or self.site_host(_host(request.url)):
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

    def site_host(self, host: str | None) -> bool:
        """Whether ``host`` is the (private) host of a site of the crawl. The sites are read
        again when it is not, at most every RECHECK_SECONDS: the site spider's sites can
        change during the run, and a crawl of thousands of sites is not read per request."""
        if host is None:
            return False
        if host not in self.site_hosts and time.monotonic() - self.read_at >= RECHECK_SECONDS:
            self.read_at = time.monotonic()
            spider = getattr(self.crawler, "spider", None)
            self.site_hosts = {h for url in site_urls(spider) if private_address(url) is not None
                               and (h := _host(url)) is not None}
        return host in self.site_hosts
