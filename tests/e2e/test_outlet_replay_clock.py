"""An outlet spider's replay long after its crawl asks for the articles the crawl asked for:
a URL whose ``url_date`` day was ahead of the crawl (an event its slug names) is judged as of
the capture of the page that named it, not by the machine's clock once that day is past."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.sites import runews24
from tests.sites.common import GoldArticle, paragraphs_for, title_for
from tests.support.crawl import run_crawl
from tests.support.faketime import faked
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
WINDOW = {"since": "2026-01-04", "until": "2026-01-06"}
CRAWLED_AT = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)


def _story(rubric: str, url_day: date, seed: int) -> runews24.Story:
    """A story published on 5 January whose URL names ``url_day``."""
    gold = GoldArticle(runews24.article_url(rubric, url_day, "slug", seed), title_for(seed),
                       paragraphs_for(seed), datetime(2026, 1, 5, 10, tzinfo=runews24.TZ))
    return runews24.Story(gold, rubric, "desc")


def _site(stories: list[runews24.Story]) -> VirtualSite:
    """RuNews24 with ``stories`` in its feed and rubric fronts (the others empty)."""
    site = VirtualSite(runews24.HOST)
    for story in stories:
        site.add(runews24.path_of(story.gold.url), runews24.article_page(story, stories))
    for rubric in runews24.RUBRICS:
        listed = [s for s in stories if s.rubric == rubric]
        site.add(f"/{rubric}/", runews24.listing_page(rubric, listed, stories))
    site.add("/rss.xml", Page(runews24.rss(stories),
                              content_type="application/rss+xml; charset=utf-8"))
    site.add("/robots.txt", Page(b"User-agent: *\n", content_type="text/plain"))
    return site


def test_an_outlet_replay_after_a_url_days_event_passed_gives_the_crawls_items(
        tmp_path: Path) -> None:
    event = _story("culture", date(2026, 1, 20), 971)  # a concert's day, ahead on the 6th
    plain = _story("politics", date(2026, 1, 5), 972)
    with FixtureServer([_site([event, plain])]) as server:
        live = run_crawl("runews24", tmp_path / "live", server, args=WINDOW,
                         env=faked(CRAWLED_AT))
    assert live.returncode == 0, live.log[-3000:]
    assert sorted(i["url"] for i in live.items) == sorted([event.gold.url, plain.gold.url])
    assert datetime.now(UTC).date() > date(2026, 1, 21)  # the URL's day is past by now
    replay = run_crawl("runews24", tmp_path / "replay", None, env=NO_NETWORK, args=WINDOW,
                       settings={"WARC_REPLAY": str(live.data_dir / "warc")})
    assert replay.returncode == 0, replay.log[-3000:]
    assert {i["id"]: i for i in replay.items} == {i["id"]: i for i in live.items}
