"""A registered outlet's crawl over articles with social posts embedded in their text
(crawler.extraction.embeds): the items hold the articles alone, each says how many posts it
lost, and the run counts them."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

import pytest

from tests.crawler.extraction.test_embeds import EMBEDS
from tests.sites import zerkalo
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow


def test_embedded_posts_stay_out_of_the_items_and_are_counted(tmp_path) -> None:
    fixture = zerkalo.build()
    golds = {g.url: g for g in fixture.golds if g.url in fixture.front}
    posts = [EMBEDS[name] for name in sorted(EMBEDS)]
    placed: dict[str, int] = {}
    for n, (url, gold) in enumerate(sorted(golds.items())):
        page = fixture.site.pages[urlsplit(url).path]
        first = f"<p>{escape(gold.paragraphs[0])}</p>".encode()
        assert first in page.body
        count = 1 + n % 2  # one post after the lead, or two
        page.body = page.body.replace(
            first, first + "".join(posts[(n + k) % len(posts)] for k in range(count)).encode(), 1)
        placed[url] = count
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("zerkalo", tmp_path, server)
    assert result.returncode == 0, result.log[-3000:]
    items = {item["url"]: item for item in result.items}
    assert set(items) == fixture.front
    for url, count in placed.items():
        assert items[url]["text"] == golds[url].text
        assert items[url]["extractor"]["embeds"] == count
    assert result.stats["extraction/embeds_dropped"] == sum(placed.values())
