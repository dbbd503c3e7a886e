"""An outlet's own ``url_date`` and the generic URL forms judge a URL's day alike: a day after
tomorrow (an event's slug, an id in a date's shape) or of history is no publication day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from scrapy.utils.test import get_crawler

from crawler import sitediscovery as disc
from crawler.items import META_HINT_PUBLISHED
from crawler.outlets import get_outlet
from crawler.spiders.runews24 import RuNews24Spider

TODAY = datetime.now(UTC).date()


def _runews24_url(day: date) -> str:
    return f"https://runews24.ru/politics/{day:%d/%m/%Y}/parad-pobedy"


@pytest.mark.parametrize(("day", "read"), [
    (TODAY - timedelta(days=3), True),
    (TODAY, True),
    (TODAY + timedelta(days=1), True),  # a zone ahead of UTC
    (TODAY + timedelta(days=2), False),  # was read as the publication day
    (TODAY + timedelta(days=40), False),  # was read as the publication day
    (date(1945, 5, 9), False),  # was read as the publication day
])
def test_an_outlets_url_date_reads_the_days_the_generic_forms_read(day: date, read: bool) -> None:
    url = _runews24_url(day)
    assert get_outlet("runews24").discovery.date_in_url(url) == (day if read else None)
    assert disc.url_day(url) == (day if read else None)


def test_an_article_whose_outlet_url_date_is_after_tomorrow_is_fetched_undated() -> None:
    """A window run ending today: the link's day 40 days ahead ruled it out unread; it is
    asked for, with no date hint, and its page's own date decides."""
    crawler = get_crawler(RuNews24Spider, {"OUTLET_BASE_URLS": {}})
    spider = RuNews24Spider.from_crawler(crawler, since=str(TODAY - timedelta(days=1)),
                                         until=str(TODAY))
    crawler.stats.open_spider()
    url = _runews24_url(TODAY + timedelta(days=40))
    (request,) = spider.article_request(get_outlet("runews24"), url)
    assert request.url == url
    assert request.meta.get(META_HINT_PUBLISHED) is None
    assert not crawler.stats.get_value("discovery/out_of_window_links")
