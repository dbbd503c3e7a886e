"""Outlet spiders on realistic inputs the outlet fixtures do not show: pages that hold only a
teaser of the article, and other edges of discovery and windows."""

from __future__ import annotations

import re

import pytest

from tests.sites import zerkalo
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

_BODY = re.compile(r'(<div itemprop="articleBody">).*?(</div>\s*<div class="donate-promo">)', re.S)


def teaser_of(page: bytes, lead: str) -> bytes:
    """The article page with its body cut to the lead and a "Читать далее" link (the page a
    paywall, an AMP variant or a CMS "more" split serves): the body selector still matches."""
    html, count = _BODY.subn(lambda m: f'{m[1]}<p>{lead}</p><p><a class="more-link" '
                                       f'href="/subscribe/">Читать далее »</a></p>{m[2]}',
                             page.decode())
    assert count == 1
    return html.encode()


def test_a_teaser_page_is_no_article(tmp_path) -> None:
    fixture = zerkalo.build()
    newest = fixture.golds[-1]
    path = zerkalo.path_of(newest.url)
    page = fixture.site.pages[path]
    page.body = teaser_of(page.body, " ".join(newest.paragraphs[:2]))
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("zerkalo", tmp_path, server)
    urls = {item["url"] for item in result.items}
    assert newest.url not in urls  # no item with half an article and "Читать далее"
    assert urls == fixture.front - {newest.url}
    assert result.stats.get("extraction/failed/teaser") == 1
    assert f"no article from http://{zerkalo.HOST}{path}: teaser" in result.log
    assert not any("Читать далее" in item["text"] for item in result.items)
