"""The replay answers a request within its download_maxsize, as a live download would."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.replay import WarcReplayMiddleware
from tests.support.warcs import gz, http_response, record

URL = "http://ex.by/news/a.html"
BOUND = 1000


def middleware(tmp_path, captures: list[tuple[str, bytes]], status: dict[str, str] | None = None,
               **settings: str) -> WarcReplayMiddleware:
    """The replay over one WARC of ``captures`` (date, body) of URL, pages bounded at BOUND;
    ``status``: a capture's HTTP status by its date (200 OK without)."""
    status = status or {}
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(b"".join(
        gz(record("response", URL, http_response(body, status.get(date, "200 OK")), date=date))
        for date, body in captures))
    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warc), "DOWNLOAD_MAXSIZE": BOUND,
                                         **settings})
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


@pytest.mark.parametrize("older", ["404 Not Found", "503 Service Unavailable",
                                   "301 Moved Permanently"])
def test_an_older_capture_of_another_status_never_stands_in_for_one_over_the_bound(
        tmp_path, older: str) -> None:
    """The newest capture, a 200 past the bound; an older one a 404, 503 or redirect: that
    older answer replaced the page the site had. The download fails as live (maxsize)."""
    mw = middleware(tmp_path, [("2026-01-01T00:00:00Z", b"gone"),
                               ("2026-02-01T00:00:00Z", b"x" * (BOUND + 1))],
                    {"2026-01-01T00:00:00Z": older})
    with pytest.raises(DownloadCancelledError, match=f"over download_maxsize {BOUND}"):
        mw.process_request(Request(URL))
    assert mw.stats.get_value("replay/over_maxsize") == 1


def test_another_capture_of_its_status_past_others_stands_in_for_one_over_the_bound(
        tmp_path) -> None:
    """A 200 passed over gives way to an older 200, the 404 and the 206 (part of the page)
    between passed by."""
    mw = middleware(tmp_path, [("2026-01-01T00:00:00Z", b"first page"),
                               ("2026-01-10T00:00:00Z", b"first pa"),
                               ("2026-01-15T00:00:00Z", b"gone"),
                               ("2026-02-01T00:00:00Z", b"x" * (BOUND + 1))],
                    {"2026-01-10T00:00:00Z": "206 Partial Content",
                     "2026-01-15T00:00:00Z": "404 Not Found"})
    answer = mw.process_request(Request(URL))
    assert (answer.status, answer.body) == (200, b"first page")


def test_a_newer_capture_stands_in_at_warc_replay_at_and_the_log_says_another(
        tmp_path, caplog) -> None:
    """WARC_REPLAY_AT chooses the nearest capture, so the one standing in may be newer: the
    warning says "another capture", not "an older one"."""
    mw = middleware(tmp_path, [("2026-02-01T00:00:00Z", b"x" * (BOUND + 1)),
                               ("2026-03-01T00:00:00Z", b"newer page")],
                    WARC_REPLAY_AT="20260201000000")
    assert mw.process_request(Request(URL)).body == b"newer page"
    assert "another capture of its status is looked for" in caplog.text
    assert "older" not in caplog.text


PARTIAL = "206 Partial Content"


def test_a_newer_206_gives_way_to_the_whole_page_for_a_request_with_no_range(tmp_path) -> None:
    """``wget -c`` or a browser's range request archived part of the page after the whole:
    the spider's GET asks no Range, so the whole 200 answers it (counted); one asking a
    Range gets the 206, as the archive holds it."""
    mw = middleware(tmp_path, [("2026-01-01T00:00:00Z", b"whole page"),
                               ("2026-02-01T00:00:00Z", b"page")],
                    {"2026-02-01T00:00:00Z": PARTIAL})
    answer = mw.process_request(Request(URL))
    assert (answer.status, answer.body) == (200, b"whole page")
    assert mw.stats.get_value("replay/partial_passed_over") == 1
    ranged = mw.process_request(Request(URL, headers={"Range": "bytes=6-"}))
    assert (ranged.status, ranged.body) == (206, b"page")


def test_a_206_answers_when_the_archive_holds_nothing_else_of_the_url(tmp_path) -> None:
    """Part of a page is still what the archive holds of it: served, not a missing URL."""
    mw = middleware(tmp_path, [("2026-02-01T00:00:00Z", b"page")],
                    {"2026-02-01T00:00:00Z": PARTIAL})
    answer = mw.process_request(Request(URL))
    assert (answer.status, answer.body) == (206, b"page")
    assert mw.stats.get_value("replay/partial_passed_over") is None
    assert mw.stats.get_value("replay/missing") is None


def test_a_lone_206_over_the_bound_is_refused_as_live(tmp_path) -> None:
    mw = middleware(tmp_path, [("2026-02-01T00:00:00Z", b"x" * (BOUND + 1))],
                    {"2026-02-01T00:00:00Z": PARTIAL})
    with pytest.raises(DownloadCancelledError, match=f"over download_maxsize {BOUND}"):
        mw.process_request(Request(URL))


@pytest.mark.parametrize("older", ["404 Not Found", "503 Service Unavailable",
                                   "301 Moved Permanently"])
def test_a_206_is_served_rather_than_an_older_error_or_redirect(tmp_path, caplog,
                                                                older: str) -> None:
    """Only a whole 2xx stands in for a 206: an older 404, 503 or redirect is no page the
    206 was part of. Nothing is said or counted as passed over."""
    mw = middleware(tmp_path, [("2026-01-01T00:00:00Z", b"gone"),
                               ("2026-02-01T00:00:00Z", b"tail of page")],
                    {"2026-01-01T00:00:00Z": older, "2026-02-01T00:00:00Z": PARTIAL})
    with caplog.at_level("INFO"):
        answer = mw.process_request(Request(URL))
    assert (answer.status, answer.body) == (206, b"tail of page")
    assert mw.stats.get_value("replay/partial_passed_over") is None
    assert "holds part of the page" not in caplog.text


def test_another_spellings_capture_never_stands_in_for_a_206(tmp_path) -> None:
    """The whole 200 under www. is that spelling's page, not the one the 206 was part of."""
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(
        gz(record("response", URL.replace("//", "//www."), http_response(b"whole page"),
                  date="2026-01-01T00:00:00Z"))
        + gz(record("response", URL, http_response(b"tail of page", PARTIAL),
                    date="2026-02-01T00:00:00Z")))
    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warc)})
    crawler.stats.open_spider()
    mw = WarcReplayMiddleware(crawler)
    answer = mw.process_request(Request(URL))
    assert (answer.status, answer.body) == (206, b"tail of page")
    assert mw.stats.get_value("replay/partial_passed_over") is None


def test_at_warc_replay_at_a_206_gives_way_to_a_whole_page_not_a_nearer_404(tmp_path) -> None:
    """The 206 nearest the moment; a 404 a day after it, nearer than the 200 a year before:
    the 200 answers (the whole page, counted), never the 404."""
    mw = middleware(tmp_path, [("2025-02-01T00:00:00Z", b"whole page"),
                               ("2026-02-01T00:00:00Z", b"tail of page"),
                               ("2026-02-02T01:00:00Z", b"gone")],
                    {"2026-02-01T00:00:00Z": PARTIAL, "2026-02-02T01:00:00Z": "404 Not Found"},
                    WARC_REPLAY_AT="20260201010000")
    answer = mw.process_request(Request(URL))
    assert (answer.status, answer.body) == (200, b"whole page")
    assert mw.stats.get_value("replay/partial_passed_over") == 1


def test_a_206_over_the_bound_gives_way_to_an_older_206_that_fits(tmp_path) -> None:
    """With no whole capture, the 206 is the page's answer, and the same-status rule holds."""
    mw = middleware(tmp_path, [("2026-01-01T00:00:00Z", b"small part"),
                               ("2026-02-01T00:00:00Z", b"x" * (BOUND + 1))],
                    {"2026-01-01T00:00:00Z": PARTIAL, "2026-02-01T00:00:00Z": PARTIAL})
    answer = mw.process_request(Request(URL))
    assert (answer.status, answer.body) == (206, b"small part")
    assert mw.stats.get_value("replay/over_maxsize") == 1


def whole_206(body: bytes) -> bytes:
    """A 206 whose Content-Range is its whole body (a range request from byte 0 of a page
    that short): the whole page."""
    return (b"HTTP/1.1 206 Partial Content\r\nContent-Type: text/html\r\nContent-Range: bytes "
            b"0-%d/%d\r\nContent-Length: %d\r\n\r\n%s" % (len(body) - 1, len(body), len(body),
                                                         body))


def test_a_206_holding_the_whole_body_is_the_page(tmp_path) -> None:
    """``bytes 0-N/N+1`` as long as its payload: the newest page, not part of one."""
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(
        gz(record("response", URL, http_response(b"first version"), date="2026-01-01T00:00:00Z"))
        + gz(record("response", URL, whole_206(b"updated article"),
                    date="2026-02-01T00:00:00Z")))
    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warc)})
    crawler.stats.open_spider()
    answer = WarcReplayMiddleware(crawler).process_request(Request(URL))
    assert (answer.status, answer.body) == (206, b"updated article")
