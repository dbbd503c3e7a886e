"""Backfill windows at their edges: a window reaching past today, one wholly in the future."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from scrapy.exceptions import UsageError

from crawler.outlets.belta import BELTA
from crawler.spiders.base import OutletSpider, parse_window


def test_a_window_reaching_past_today_walks_the_archive_up_to_today_only() -> None:
    today = datetime.now(BELTA.tz).date()
    spider = OutletSpider(name="t", since=(today - timedelta(days=2)).isoformat(),
                          until=(today + timedelta(days=30)).isoformat())
    days = list(spider.window_days(BELTA))
    # the archive of a day to come is never asked for (a CMS may answer it with today's page)
    assert days[0] in (today, today + timedelta(days=1))  # the zone's midnight may pass
    assert days[-1] == today - timedelta(days=2) and len(days) <= 4


def test_a_window_wholly_in_the_future_is_a_usage_error() -> None:
    later = (datetime.now(BELTA.tz).date() + timedelta(days=3)).isoformat()
    with pytest.raises(UsageError, match=f"-a since={later} is in the future"):
        parse_window(later, None)
    with pytest.raises(UsageError, match="is in the future"):
        parse_window(later, later)
    today = datetime.now(BELTA.tz).date().isoformat()
    assert parse_window(today, None)[0] is not None
