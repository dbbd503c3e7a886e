"""The private parts of Scrapy the crawler relies on exist in the installed Scrapy: a rename
in an upgrade fails here (and, for the shutdown grace, at startup) instead of silently
leaving a stop unbounded."""

from __future__ import annotations

import inspect
from collections import deque

import pytest
from scrapy.core import engine as engine_module
from scrapy.core.downloader import Downloader, Slot
from scrapy.core.engine import ExecutionEngine
from scrapy.utils.reactor import CallLaterOnce
from scrapy.utils.test import get_crawler

from crawler.extensions.shutdown_grace import ShutdownGrace, scrapy_internals_missing


def test_the_engine_parts_shutdown_grace_reads_exist() -> None:
    assert scrapy_internals_missing() == []
    slot = engine_module._Slot(True, CallLaterOnce(lambda: None), scheduler=None)
    assert slot.closing is None  # set to a Deferred by _Slot.close(): the spider is closing
    assert "closing" in engine_module._Slot.close.__code__.co_names
    assert "_slot" in ExecutionEngine.close_spider_async.__code__.co_names
    assert isinstance(ExecutionEngine.scheduler, property)  # public: the JOBDIR/Redis keep


def test_a_scrapy_without_them_stops_the_crawl_at_startup(
        monkeypatch: pytest.MonkeyPatch) -> None:
    class Renamed:
        def __init__(self) -> None:
            self.is_closing = None

    monkeypatch.setattr(engine_module, "_Slot", Renamed)
    crawler = get_crawler(settings_dict={"SHUTDOWN_GRACE_SECONDS": 5})
    with pytest.raises(RuntimeError, match=r"_Slot\.closing is gone.*SHUTDOWN_GRACE_SECONDS = 0"):
        ShutdownGrace.from_crawler(crawler)


def test_the_downloader_parts_graceful_downloader_overrides_exist() -> None:
    assert list(inspect.signature(Downloader._download).parameters) == ["self", "slot",
                                                                         "request"]
    assert inspect.iscoroutinefunction(Downloader._download)
    # every queued request reaches the wire through _download, popped from Slot.queue
    assert "_download" in Downloader._wait_for_download.__code__.co_names
    assert {"queue", "popleft", "_wait_for_download"} <= set(
        Downloader._process_queue.__code__.co_names)
    downloader = Downloader(get_crawler())
    assert downloader.slots == {} and downloader.active == set()
    assert isinstance(Slot(1, 0.0).queue, deque)


def test_robots_middleware_parses_through_parse_robots_and_parsers() -> None:
    """crawler.downloadermiddlewares.robots overrides ``_parse_robots(response, netloc,
    request)``, and its test sets ``_parsers[netloc]`` as process_request does."""
    import inspect

    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

    assert list(inspect.signature(RobotsTxtMiddleware._parse_robots).parameters) == [
        "self", "response", "netloc", "request"]
    assert "self._parsers[netloc]" in inspect.getsource(RobotsTxtMiddleware._parse_robots)


def test_the_resolver_is_built_from_the_crawler_process_and_resolves_by_name() -> None:
    """crawler.resolver.PrivateAnswerResolver reads the sites of ``crawler.crawlers`` (the
    process Scrapy builds the one resolver from) and extends ``getHostByName``, which both
    Twisted endpoints Scrapy connects with reach (nameResolver wraps the simple resolver)."""
    from scrapy.crawler import CrawlerProcessBase
    from scrapy.resolver import CachingThreadedResolver
    from twisted.internet._resolver import SimpleResolverComplexifier

    setup = inspect.getsource(CrawlerProcessBase._setup_reactor)
    assert "build_from_crawler(resolver_class, self, reactor=reactor)" in setup
    assert list(inspect.signature(CachingThreadedResolver.from_crawler).parameters) == [
        "crawler", "reactor"]
    assert "getHostByName" in inspect.getsource(SimpleResolverComplexifier.resolveHostName)


def test_the_base_url_cache_the_meta_refresh_middleware_sets_is_read_by_scrapy() -> None:
    """crawler.downloadermiddlewares.redirect gives a page whose ``<base href>`` is no URL its
    own address for base by setting ``scrapy.utils.response._baseurl_cache[response]``:
    ``get_base_url``, and through it ``get_meta_refresh`` and the response's selector, must
    read it there."""
    from scrapy.http import HtmlResponse
    from scrapy.utils import response as module

    page = HtmlResponse("http://a.by/p/", body=b'<base href="http://[a.by/"><a href="x">x</a>')
    module._baseurl_cache[page] = "http://a.by/p/"
    assert module.get_base_url(page) == "http://a.by/p/"
    assert "get_base_url" in module.get_meta_refresh.__code__.co_names
    assert page.urljoin(page.xpath("//a/@href").get()) == "http://a.by/p/x"
