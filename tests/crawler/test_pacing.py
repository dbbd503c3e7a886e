"""Feed and sitemap readers take turns with the reactor (crawler.pacing): a marker every
TURN_EVERY entries, which the callbacks Scrapy calls turn into a reactor turn, never into
output. The e2e test (tests/e2e/test_sitemap_turns.py) shows other answers handled between."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import Request, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler import feeds, pacing
from crawler.feeds import MAX_SITEMAP_URLS
from crawler.pacing import TURN, TURN_EVERY, paced
from crawler.spiders.site import SiteSpider
from crawler.spiders.zerkalo import ZerkaloSpider

BASE = "https://news.zerkalo.io"
SITEMAP = f"{BASE}/sitemap.xml"


@pytest.fixture
def turns(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The reactor turns :func:`paced` takes (no reactor runs in these tests: a turn is a
    coroutine that only counts)."""
    taken: list[int] = []

    async def turn() -> None:
        taken.append(len(taken))

    monkeypatch.setattr(pacing, "reactor_turn", turn)
    return taken


async def drained(outputs: Any) -> list[Any]:
    return [output async for output in outputs]


def test_paced_drops_the_markers_keeps_the_rest_in_order_and_turns_at_each(
        turns: list[int]) -> None:
    outputs = asyncio.run(drained(paced(["a", TURN, "b", "c", TURN, TURN, "d"])))
    assert outputs == ["a", "b", "c", "d"]
    assert len(turns) == 3


def spider() -> ZerkaloSpider:
    crawler = get_crawler(ZerkaloSpider)
    made = ZerkaloSpider.from_crawler(crawler, since="2026-03-12", until="2026-03-12")
    crawler.stats.open_spider()
    return made


def urlset(count: int, fresh: set[int]) -> bytes:
    """``count`` article entries, those numbered in ``fresh`` changed in the window, the
    rest in 2019 (the site's past: no request)."""
    rows = "".join(f"<url><loc>{BASE}/life/{n}.html</loc><lastmod>"
                   f"{'2026-03-12' if n in fresh else '2019-05-01'}T10:00:00+03:00</lastmod>"
                   "</url>" for n in range(count))
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{rows}</urlset>").encode()


def answer(body: bytes) -> XmlResponse:
    request = Request(SITEMAP, cb_kwargs={"outlet_key": "zerkalo"})
    return XmlResponse(SITEMAP, body=body, request=request)


def test_a_sitemap_of_the_sites_past_yields_a_marker_every_turn_every_entries() -> None:
    """2,600 entries, three in the window: the reader yielded nothing for the 2,597 others,
    so Scrapy never got the reactor back; now it yields a marker every TURN_EVERY entries."""
    fresh = {7, 1800, 2599}
    outputs = list(spider().sitemap_outputs(answer(urlset(2600, fresh)), "zerkalo"))
    assert [o for o in outputs if o is TURN] == [TURN] * (2600 // TURN_EVERY)
    assert [o.url for o in outputs if o is not TURN] == [f"{BASE}/life/{n}.html"
                                                         for n in sorted(fresh)]


def test_the_sitemap_callback_hands_on_the_readers_requests_without_markers(
        turns: list[int]) -> None:
    fresh = {7, 1800, 2599}
    outputs = asyncio.run(drained(spider().parse_sitemap(answer(urlset(2600, fresh)),
                                                         "zerkalo")))
    assert [o.url for o in outputs] == [f"{BASE}/life/{n}.html" for n in sorted(fresh)]
    assert len(turns) == 2600 // TURN_EVERY


@pytest.fixture
def lines_read(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The text sitemap lines read for a URL so far, in order."""
    read: list[bytes] = []
    real = feeds._text_line_url

    def counted(line: bytes) -> tuple[str | None, str | None]:
        read.append(line)
        return real(line)

    monkeypatch.setattr(feeds, "_text_line_url", counted)
    return read


def text_lines(base: str, count: int) -> bytes:
    """A plain-text sitemap of ``count`` undated article URLs of the site's past."""
    return b"".join(f"{base}/archive/2019/material-{n}.html\n".encode() for n in range(count))


def read_until_the_first_turn(outputs: Iterator[Any], lines_read: list[bytes]
                              ) -> tuple[int, int]:
    """Lines read when ``outputs`` first yields a turn, and the turns of the whole read."""
    at_first = None
    turns = 0
    for output in outputs:
        if output is TURN:
            at_first = len(lines_read) if at_first is None else at_first
            turns += 1
    assert at_first is not None, "no turn in the whole read"
    return at_first, turns


def test_an_outlet_spiders_text_sitemap_is_read_taking_turns(lines_read: list[bytes]) -> None:
    """A plain-text sitemap of 2,600 lines was read whole in one step before the first
    turn; now a turn comes every TURN_EVERY lines, from the first ones on."""
    body = text_lines(BASE, 2600)
    response = TextResponse(SITEMAP.replace(".xml", ".txt"), body=body, request=Request(
        SITEMAP.replace(".xml", ".txt"), cb_kwargs={"outlet_key": "zerkalo"}))
    at_first, turns = read_until_the_first_turn(
        spider().sitemap_outputs(response, "zerkalo"), lines_read)
    assert at_first == TURN_EVERY
    assert turns == 2600 // TURN_EVERY and len(lines_read) == 2600


def test_the_site_spiders_text_sitemap_is_read_taking_turns(
        tmp_path: Path, lines_read: list[bytes]) -> None:
    """The same in the site spider's reader, past the bound: a 60,000 line text sitemap is
    read to SITEMAP_MAX_ENTRIES URLs, the lines after counted, a turn every TURN_EVERY."""
    crawler = get_crawler(SiteSpider, {"DATA_DIR": str(tmp_path)})
    site = SiteSpider.from_crawler(crawler, url="https://example.org/")
    crawler.stats.open_spider()
    url = "https://example.org/sitemap.txt"
    response = TextResponse(url, body=text_lines("https://example.org", 60_000),
                            request=Request(url))
    at_first, turns = read_until_the_first_turn(site.discovery_outputs(
        response, key="example.org", step="sitemap", depth=0), lines_read)
    assert at_first == TURN_EVERY
    assert turns == 60_000 // TURN_EVERY and len(lines_read) == MAX_SITEMAP_URLS
    assert crawler.stats.get_value("discovery/text_sitemap_over_limit") == 10_000
    assert crawler.stats.get_value("discovery/sitemap_entries") == MAX_SITEMAP_URLS
