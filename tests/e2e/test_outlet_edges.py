"""Outlet spiders on realistic inputs the outlet fixtures do not show: pages that hold only a
teaser of the article, and other edges of discovery and windows."""

from __future__ import annotations

import json
import re

import pytest

from tests.sites import regional, zerkalo
from tests.sites.common import rss
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page

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


def test_one_silent_district_site_alarms_after_a_baseline(tmp_path) -> None:
    """The regional spider crawls many sites: when one site's feed and listings stop offering
    article links (a new theme, a moved feed) the others still fill the run, so only a
    per-site count against earlier runs can see it; a run limited to other sites must not."""
    sites, _ = regional.build()
    both = {"sites": f"{regional.SHKLOV},{regional.PVESTNIK}"}
    for _ in range(2):  # the baseline: two healthy runs
        with FixtureServer(sites) as server:
            healthy = run_crawl("regional", tmp_path, server, args=both)
        assert healthy.returncode == 0, healthy.log[-3000:]
    pvestnik = next(s for s in sites if s.host == regional.PVESTNIK)
    pvestnik.pages["/feed/"] = Page(rss("Полацкі веснік", f"https://{regional.PVESTNIK}/", [])
                                    .encode(), content_type="application/rss+xml")
    home = pvestnik.pages["/"]
    home.body = re.sub(rb'href="https://pvestnik\.by/\d{4}/[^"]*"', b'href="#"', home.body)
    with FixtureServer(sites) as server:
        silent = run_crawl("regional", tmp_path, server, args=both)
        only_shklov = run_crawl("regional", tmp_path, server, args={"sites": regional.SHKLOV})
    assert {i["source"] for i in silent.items} <= {regional.SHKLOV}
    assert silent.returncode == 1, silent.log[-3000:]
    report = json.loads(sorted((tmp_path / "reports").glob("regional-*.json"))[-2]
                        .read_text("utf-8"))
    assert report["alarms"] == [f"{regional.PVESTNIK}: its feeds, listings and archives offered "
                                "no article link (median of the last 2 runs: 12); check its "
                                "discovery"]
    assert report["summary"]["offered_by_outlet"][regional.SHKLOV] > 0
    assert only_shklov.returncode == 0, only_shklov.log[-3000:]
