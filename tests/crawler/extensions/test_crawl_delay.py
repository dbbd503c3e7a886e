"""Crawl-delay floor arithmetic and the default politeness, without a crawl."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.core.downloader import Slot
from scrapy.settings import Settings

from crawler.extensions.crawl_delay import RobotsCrawlDelay


def _extension(slot: Slot) -> RobotsCrawlDelay:
    crawler = SimpleNamespace(settings=Settings({"USER_AGENT": "x"}),
                              engine=SimpleNamespace(downloader=SimpleNamespace(
                                  slots={"h": slot})))
    ext = RobotsCrawlDelay(crawler)
    ext.delays["h"] = 1.0
    return ext


def test_floor_accounts_for_jitter() -> None:
    slot = Slot(2, 0.2, 0.5)
    _extension(slot).enforce("h")
    assert slot.delay == 2.0  # the shortest jittered gap, 2.0 * 0.5, is the Crawl-delay
    assert min(slot.download_delay() for _ in range(200)) >= 1.0


def test_floor_never_lowers_a_longer_delay() -> None:
    slot = Slot(2, 5.0, 0.0)
    _extension(slot).enforce("h")
    assert slot.delay == 5.0


def test_default_politeness_never_goes_under_one_second_per_host() -> None:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    shortest_gap = settings.getfloat("DOWNLOAD_DELAY") * (1 - settings.getfloat(
        "DOWNLOAD_DELAY_JITTER"))
    assert shortest_gap >= 1.0 - 1e-9
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.get("CONTACT_URL") in settings.get("USER_AGENT")
