"""Politeness end to end: robots.txt Crawl-delay, the contact User-Agent, proxy bypass."""

from __future__ import annotations

import pytest

from crawler import settings as defaults
from tests.sites import belta
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

CONTACT = "https://example.org/who-crawls-you"


@pytest.fixture(scope="module")
def slow_host(tmp_path_factory: pytest.TempPathFactory):
    """A БЕЛТА whose robots.txt asks for one second between requests; AutoThrottle on, no
    DOWNLOAD_DELAY: without the Crawl-delay floor the loopback crawl would take milliseconds."""
    site, golds = belta.build(count=3)
    site.add("/robots.txt", Page(b"User-agent: *\nCrawl-delay: 1\nDisallow: /printv\n",
                                 content_type="text/plain"))
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("crawl-delay"), server,
                           settings={"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 0,
                                     "DOWNLOAD_DELAY": 0, "CONTACT_URL": CONTACT})
        yield result, golds, server.hits_for(belta.HOST)


def test_crawl_delay_spaces_requests(slow_host) -> None:
    result, golds, hits = slow_host
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.items) == len(golds)
    assert len(hits) == 2 + len(golds)  # robots.txt, the feed, the articles
    gaps = [b.at - a.at for a, b in zip(hits, hits[1:], strict=False)]
    assert min(gaps) >= 0.9, gaps
    assert result.stats.get("robotstxt/crawl_delay/www.belta.by") == 1.0
    assert "asks for Crawl-delay 1.0 s: applied" in result.log


def test_contact_url_alone_sets_the_user_agent(slow_host) -> None:
    _, _, hits = slow_host
    agents = {h.user_agent for h in hits}
    assert len(agents) == 1
    agent = agents.pop()
    assert CONTACT in agent and defaults.CONTACT_URL not in agent
    assert agent.startswith("news-archive/")


def _belta_on_loopback_ip() -> tuple[VirtualSite, list]:
    """BELTA served under the host name 127.0.0.1, which no_proxy can name."""
    site, golds = belta.build(count=2)
    return VirtualSite("127.0.0.1", pages=site.pages, dynamic=site.dynamic), golds


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", ""])
def test_no_proxy_bypasses_the_proxy(no_proxy: str, tmp_path) -> None:
    site, golds = _belta_on_loopback_ip()
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server,
                           settings={"OUTLET_BASE_URLS": {"belta": f"http://127.0.0.1:{server.port}"}},
                           env={"no_proxy": no_proxy, "NO_PROXY": no_proxy})
        hits = list(server.hits)
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(i["url"] for i in result.items) == sorted(g.url for g in golds)
    assert len(hits) == 2 + len(golds)
    # http_proxy points at this server either way; only the request form tells the paths apart:
    # origin-form (GET /path) when the crawler connected directly, absolute-form via the proxy.
    assert all(h.proxied is (not no_proxy) for h in hits), [(h.url, h.proxied) for h in hits]
