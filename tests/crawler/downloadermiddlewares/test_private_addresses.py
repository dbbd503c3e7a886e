"""The last line against SSRF: every request the downloader is handed, redirects included,
is dropped when its host is off the public Internet and the crawl's own sites are not."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler import settings as project
from crawler.downloadermiddlewares.private import PrivateAddressMiddleware
from crawler.downloadermiddlewares.redirect import CountedRedirectMiddleware
from crawler.spiders.site import SiteSpider
from crawler.spiders.zerkalo import ZerkaloSpider

pytestmark = pytest.mark.usefixtures("site_registries_withdrawn")

BASE = "https://news.zerkalo.io"


def middleware(settings: dict[str, Any] | None = None, base: str | None = None,
               spider: type = ZerkaloSpider, **kwargs: Any) -> tuple[Any, Any]:
    crawler = get_crawler(spider, {"OUTLET_BASE_URLS": {"zerkalo": base} if base else {},
                                   **(settings or {})})
    crawler.spider = spider.from_crawler(crawler, **kwargs)
    crawler.stats.open_spider()
    return PrivateAddressMiddleware.from_crawler(crawler), crawler


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/secret", "http://169.254.169.254/latest/meta-data/",
    "http://\uff11\uff16\uff19\uff0e\uff12\uff15\uff14\uff0e\uff11\uff16\uff19\uff0e"
    "\uff12\uff15\uff14/", "http://127.0.0.1\\@evil.test/", "http://loca\uff4chost/",
    "http://[::ffff:10.0.0.1]/"])
def test_a_request_to_a_private_host_is_dropped_and_said(url: str, caplog) -> None:
    made, crawler = middleware()
    request = Request(url)
    with pytest.raises(IgnoreRequest):
        made.process_request(request)
    assert crawler.stats.get_value("downloader/refused_address") == 1
    assert f"Refused {request.url}: " in caplog.text
    assert "ALLOW_PRIVATE_ADDRESSES" in caplog.text


def test_a_public_request_passes() -> None:
    made, crawler = middleware()
    assert made.process_request(Request(f"{BASE}/life/1.html")) is None
    assert crawler.stats.get_value("downloader/refused_address") is None


def test_a_redirect_to_a_private_host_is_dropped_when_it_comes_back() -> None:
    """RedirectMiddleware answers a 302 with a new Request, which the engine schedules and
    hands the downloader middlewares again from the first: this one sees it then."""
    made, crawler = middleware()
    redirects = CountedRedirectMiddleware.from_crawler(crawler)
    page = Request(f"{BASE}/life/1.html")
    assert made.process_request(page) is None
    moved = HtmlResponse(page.url, status=302, request=page,
                         headers={"Location": "http://127.0.0.1:8000/secret"})
    redirected = redirects.process_response(page, moved)
    assert isinstance(redirected, Request)
    assert redirected.url == "http://127.0.0.1:8000/secret"
    with pytest.raises(IgnoreRequest):
        made.process_request(redirected)


def test_it_runs_before_every_middleware_that_fetches_or_answers() -> None:
    """Before robots.txt's middleware (which would fetch the private host's robots.txt) and
    the redirect, capture and replay middlewares."""
    order = {k: v for k, v in project.DOWNLOADER_MIDDLEWARES.items() if v is not None}
    mine = order["crawler.downloadermiddlewares.private.PrivateAddressMiddleware"]
    assert mine < min(v for k, v in order.items() if not k.endswith("PrivateAddressMiddleware"))


def test_a_crawl_of_a_site_on_a_private_address_reaches_that_host_only() -> None:
    """A local mirror's own host (any port: its test servers) is reached; another private
    host is not, though a site of the crawl is local (a public site's redirect to
    169.254.169.254 must not pass for it)."""
    made, crawler = middleware(base="http://127.0.0.1:8000")
    assert made.process_request(Request("http://127.0.0.1:9000/sitemap.xml")) is None
    assert crawler.stats.get_value("downloader/refused_address") is None
    for url in ("http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/"):
        with pytest.raises(IgnoreRequest):
            made.process_request(Request(url, meta={"redirect_urls": [f"{BASE}/x"]}))


def test_a_probe_of_a_local_page_is_fetched() -> None:
    """``scrapy probe URL`` has no outlets: its one URL is its site."""
    from crawler.commands.probe import ProbeSpider

    made, _ = middleware(spider=ProbeSpider, url="http://127.0.0.1:8000/a.html", sink={})
    assert made.process_request(Request("http://127.0.0.1:8000/a.html")) is None


def test_the_site_spider_on_a_loopback_start_url_may_reach_private_hosts() -> None:
    made, _ = middleware(spider=SiteSpider, url="http://127.0.0.1:8000/")
    assert made.process_request(Request("http://127.0.0.1:8000/robots.txt")) is None
    public, _ = middleware(spider=SiteSpider, url="http://vesti-news.test/")
    with pytest.raises(IgnoreRequest):
        public.process_request(Request("http://127.0.0.1:8000/robots.txt"))


@pytest.mark.parametrize("settings", [{"ALLOW_PRIVATE_ADDRESSES": True},
                                      {"WARC_REPLAY": "/nonexistent/*.warc.gz"}])
def test_it_is_off_when_allowed_or_when_replaying(settings: dict[str, Any]) -> None:
    """Replay fetches nothing: a capture of a 127.0.0.1 mirror is answered from the archive."""
    with pytest.raises(NotConfigured):
        middleware(settings)
