"""The replay answers a request within its download_maxsize, as a live download would."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.replay import WarcReplayMiddleware
from tests.support.warcs import gz, response

URL = "http://ex.by/news/a.html"
BOUND = 1000


def middleware(tmp_path, captures: list[tuple[str, bytes]]) -> WarcReplayMiddleware:
    """The replay over one WARC of ``captures`` (date, body) of URL, pages bounded at BOUND."""
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(b"".join(gz(response(URL, body, date=date)) for date, body in captures))
    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warc), "DOWNLOAD_MAXSIZE": BOUND})
    crawler.stats.open_spider()
    return WarcReplayMiddleware(crawler)


def test_a_capture_over_the_bound_gives_way_to_an_older_one(tmp_path) -> None:
    mw = middleware(tmp_path, [("2026-01-01T00:00:00Z", b"old page"),
                               ("2026-02-01T00:00:00Z", b"x" * (BOUND + 1))])
    assert mw.process_request(Request(URL)).body == b"old page"
    assert mw.stats.get_value("replay/over_maxsize") == 1
    # a request bounded higher (a sitemap's) takes the newest
    assert len(mw.process_request(Request(URL, meta={"download_maxsize": 5000})).body) \
        == BOUND + 1


def test_a_url_whose_every_capture_is_over_the_bound_is_refused_as_live(tmp_path) -> None:
    """No 200 the crawl would then refuse, nor a 404 for a URL the archive holds: the
    download fails as a live one past DOWNLOAD_MAXSIZE does (its reason: maxsize)."""
    mw = middleware(tmp_path, [("2026-02-01T00:00:00Z", b"x" * (BOUND + 1))])
    with pytest.raises(DownloadCancelledError, match=f"over download_maxsize {BOUND}"):
        mw.process_request(Request(URL))
    assert mw.stats.get_value("replay/over_maxsize") == 1
    assert mw.stats.get_value("replay/missing") is None
