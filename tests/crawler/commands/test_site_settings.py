"""``EXTRA_OUTLETS`` and ``OUTLET_BASE_URLS`` checked before a crawl starts: a mistake is a
usage error (exit 2) naming the setting, not a traceback per request inside the reactor."""

from __future__ import annotations

import logging

import pytest
from scrapy.exceptions import UsageError
from scrapy.settings import Settings

from crawler.commands.arguments import check_site_settings
from tests.support.crawl import scrapy_command


@pytest.mark.parametrize(("value", "message"), [
    ({"belta": "www.belta-mirror.by"}, "OUTLET_BASE_URLS['belta']: 'www.belta-mirror.by' is no "
                                       "base URL; give the scheme and host"),
    ({"belta": 5}, "OUTLET_BASE_URLS['belta']: 5 is no base URL"),
    ({"zerkalo": "ftp://mirror.example/"}, "OUTLET_BASE_URLS['zerkalo']: 'ftp://mirror"),
    ("not json", "OUTLET_BASE_URLS must be a JSON object of outlet key (or host) -> base URL"),
])
def test_a_base_url_with_no_scheme_or_of_another_type_is_a_usage_error(
        value: object, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_site_settings(Settings({"OUTLET_BASE_URLS": value}))
    assert message in str(caught.value)


def test_a_base_url_for_no_outlet_is_warned_of_by_name(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings({"OUTLET_BASE_URLS": {
        "zerkallo": "https://mirror.example", "zerkalo": "https://m2.example/news",
        "www.belta.by": "http://127.0.0.1:1", "pvestnik.by": "http://127.0.0.1:2",
        "my-site.org": "http://127.0.0.1:3"}})
    with caplog.at_level(logging.WARNING, logger="crawler.commands.arguments"):
        check_site_settings(settings, {"url": "https://www.my-site.org/"})
    warned = [r.getMessage() for r in caplog.records]
    assert warned == ["OUTLET_BASE_URLS names 'zerkallo', which is no outlet key or host of "
                      "this run: its base URL https://mirror.example is not used"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="crawler.commands.arguments"):
        check_site_settings(settings)  # no site spider: its row's host is no outlet's
    assert [r.getMessage().split(",")[0] for r in caplog.records] == [
        "OUTLET_BASE_URLS names 'zerkallo'", "OUTLET_BASE_URLS names 'my-site.org'"]


def test_extra_outlets_of_the_wrong_shape_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^EXTRA_OUTLETS: row 1 must be a table of fields"):
        check_site_settings(Settings({"EXTRA_OUTLETS": '["https://a.org/"]'}))
    # crawlall leaves it to the site spider (its crash does not stop the other spiders)
    check_site_settings(Settings({"EXTRA_OUTLETS": '["https://a.org/"]'}), extra_outlets=False)


def test_the_crawl_command_refuses_a_base_url_with_no_scheme() -> None:
    result = scrapy_command("crawl", "belta", "-s",
                            'OUTLET_BASE_URLS={"belta": "www.belta-mirror.by"}')
    assert result.returncode == 2, result.stderr[-3000:]
    assert "error: OUTLET_BASE_URLS['belta']: 'www.belta-mirror.by' is no base URL" \
        in result.stderr
    assert "Traceback" not in result.stderr
