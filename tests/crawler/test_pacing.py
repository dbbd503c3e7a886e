"""Feed and sitemap readers take turns with the reactor (crawler.pacing): a marker every
TURN_EVERY entries, which the callbacks Scrapy calls turn into a reactor turn, never into
output. The e2e test (tests/e2e/test_sitemap_turns.py) shows other answers handled between."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy.http import Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler import pacing
from crawler.pacing import TURN, TURN_EVERY, paced
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
