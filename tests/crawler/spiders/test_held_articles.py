"""Article answers the site spider gets before its discovery settled the zone (no network):
held and read at the release, within SITE_MAX_HELD; over it, read at once."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import ArticlePage
from crawler.softremovals import CANDIDATE_ATTR
from crawler.spiders.site import SiteSpider

HOST = "http://zone.test"
PAGE = (b"<html><head><title>Novost</title></head><body><article><h1>Novost</h1>"
        b"<p>10.01.2026 14:20</p></article></body></html>")


def make_spider(tmp_path: Any, held: int = 100) -> SiteSpider:
    """The site spider of ``zone.test`` for a window, discovery under way (one request
    pending: a feed)."""
    crawler = get_crawler(SiteSpider, {"DATA_DIR": str(tmp_path), "SITE_MAX_HELD": held})
    spider = SiteSpider.from_crawler(crawler, url=f"{HOST}/", since="2026-01-04",
                                     until="2026-01-05")
    spider.pending = 1
    return spider


def answer(spider: SiteSpider, n: int) -> HtmlResponse:
    """The answer to an article request a stopped session left in its frontier."""
    outlet = spider.sites["zone.test"].outlet
    [request] = spider.article_request(outlet, f"{HOST}/news/2026/01/05/novost-{n}.html")
    request.meta.update({CANDIDATE_ATTR: f"candidate {n}", "redirect_urls": [request.url]})
    return HtmlResponse(request.url, body=PAGE, encoding="utf-8", request=request)


def pages(objects: Any) -> list[ArticlePage]:
    return [obj for obj in objects if isinstance(obj, ArticlePage)]


def test_an_article_answered_before_the_release_is_read_at_it(
        tmp_path: Any, site_registries_withdrawn: None) -> None:
    spider = make_spider(tmp_path)
    response = answer(spider, 1)
    assert list(spider.parse_article(response, "zone.test")) == []
    assert spider.crawler.stats.get_value("articles/held") == 1
    [page] = pages(spider.release())
    assert page.url == response.url
    assert getattr(page, CANDIDATE_ATTR) == "candidate 1"  # its own answer's, not the release's
    assert not spider.sites["zone.test"].held
    assert len(pages(spider.parse_article(answer(spider, 2), "zone.test"))) == 1  # released


class Frontier:
    """The run's scheduler (JOBDIR or Redis), as far as held answers go: what it keeps."""

    def __init__(self) -> None:
        self.kept: list[Request] = []
        self.released: list[tuple[Request, Request | None]] = []

    def keep_unfinished(self, request: Request) -> bool:
        self.kept.append(request)
        return True

    def release_kept(self, request: Request, after: Request | None = None) -> bool:
        self.released.append((request, after))
        return True


@pytest.mark.parametrize("attribute", ["job_scheduler", "distributed_scheduler"])
def test_a_held_answer_keeps_its_lease_in_the_runs_frontier_until_read(
        tmp_path: Any, site_registries_withdrawn: None, attribute: str) -> None:
    """Kept in the JOBDIR frontier alone: a distributed worker stopped before its release
    had its held answers' leases released as finished, and no worker asked for them again.
    Read at the release, the lease goes with the request whose callback read it."""
    spider = make_spider(tmp_path)
    frontier = Frontier()
    setattr(spider.crawler, attribute, frontier)
    response = answer(spider, 1)
    assert list(spider.parse_article(response, "zone.test")) == []
    assert frontier.kept == [response.request] and frontier.released == []
    carrier = Request(f"{HOST}/rss.xml")
    assert len(pages(spider.release(carrier=carrier))) == 1
    assert frontier.released == [(response.request, carrier)]


def test_over_the_bound_an_article_is_read_at_once_and_said_once(
        tmp_path: Any, site_registries_withdrawn: None,
        caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(tmp_path, held=1)
    assert list(spider.parse_article(answer(spider, 1), "zone.test")) == []
    with caplog.at_level(logging.WARNING):
        over = [pages(spider.parse_article(answer(spider, n), "zone.test")) for n in (2, 3)]
    assert [len(read) for read in over] == [1, 1]
    assert spider.crawler.stats.get_value("articles/held_over_limit") == 2
    said = [r.getMessage() for r in caplog.records if "SITE_MAX_HELD" in r.getMessage()]
    assert said == [f"1 article pages answered before discovery settled the sites' zones are "
                    f"held (SITE_MAX_HELD): {HOST}/news/2026/01/05/novost-2.html and any further "
                    "one are read at once, in the zone known so far (counted in "
                    "articles/held_over_limit)"]
    assert len(pages(spider.release())) == 1


def test_the_idle_release_asks_for_the_held_pages_again(
        tmp_path: Any, site_registries_withdrawn: None) -> None:
    """Idle can hand the engine requests only: a held page is asked for again, as its
    article was requested (no download's meta), not lost."""
    spider = make_spider(tmp_path)
    spider.crawler.job_scheduler = frontier = Frontier()
    response = answer(spider, 1)
    list(spider.parse_article(response, "zone.test"))
    crawled: list[Any] = []
    spider.crawler.engine = SimpleNamespace(crawl=crawled.append)
    with pytest.raises(DontCloseSpider):
        spider.idle()
    [request] = crawled
    assert frontier.released == [(response.request, None)]  # once the one asked is queued
    assert (request.url, request.dont_filter, request.callback) == (
        response.url, True, spider.parse_article)
    assert CANDIDATE_ATTR not in request.meta and "redirect_urls" not in request.meta
    assert request.meta["article"] is True


def test_pages_held_for_a_release_that_never_came_are_said(
        tmp_path: Any, site_registries_withdrawn: None,
        caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(tmp_path)
    for n in (1, 2):
        list(spider.parse_article(answer(spider, n), "zone.test"))
    with caplog.at_level(logging.WARNING):
        spider.closed("shutdown")
    assert spider.crawler.stats.get_value("articles/held_unread") == 2
    assert "2 article pages held until discovery settled the sites' zones were not read" \
        in caplog.text


def test_the_idle_release_asks_for_the_zone_samples_again(
        tmp_path: Any, site_registries_withdrawn: None) -> None:
    """A zone sample answered before an idle release, and one whose answer never came, are
    asked for again as article requests; before, the release read the answered one into an
    item idle could not hand over, and cleared the samples the loop after it meant to ask
    for: both articles were lost."""
    spider = make_spider(tmp_path)
    state = spider.sites["zone.test"]
    urls = [f"{HOST}/news/2026/01/05/sample-{n}.html" for n in (1, 2)]
    for n, url in enumerate(urls):
        state.sampled[f"key {n}"] = url
    [asked] = spider.article_request(state.outlet, urls[0])
    state.samples.append(HtmlResponse(urls[0], body=PAGE, encoding="utf-8", request=asked))
    state.sampled["key dead"] = f"{HOST}/news/2026/01/05/dead.html"
    state.failed_samples.add("key dead")
    crawled: list[Any] = []
    spider.crawler.engine = SimpleNamespace(crawl=crawled.append)
    with pytest.raises(DontCloseSpider):
        spider.idle()
    again = [r for r in crawled if "sample-" in r.url or "dead" in r.url]
    assert sorted(r.url for r in again) == urls
    assert all(r.dont_filter and r.callback == spider.parse_article and r.meta["article"]
               for r in again)
