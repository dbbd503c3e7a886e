"""The ArticlePage is built in one place, from one documented set of request.meta keys, the
same way for a live crawl, a replay and re-extraction."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.http import HtmlResponse, Request

from archive.model import ArchivedResponse, RecordRef
from crawler.downloadermiddlewares.replay import response_from_archive
from crawler.items import (
    META_FETCHED_AT,
    META_HINT_PUBLISHED,
    META_WARC_RECORD,
    META_WIRE_LENGTH,
    ArticlePage,
)

URL = "https://www.belta.by/politics/view/x-1-2026/"
REF = RecordRef("crawl.warc.gz", 1234, 567, "<urn:uuid:1>")


def test_from_response_reads_the_documented_meta_keys() -> None:
    request = Request(URL, meta={META_FETCHED_AT: "2026-01-09T08:30:00+00:00",
                                 META_WARC_RECORD: REF.as_dict(),
                                 META_HINT_PUBLISHED: "2026-01-09T00:00:00+03:00"})
    response = HtmlResponse(URL, body=b"<html></html>", request=request,
                            headers={"Content-Type": "text/html; charset=utf-8"})
    page = ArticlePage.from_response(response, "belta")
    assert page == ArticlePage(url=URL, outlet="belta", body=b"<html></html>",
                               headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                               fetched_at="2026-01-09T08:30:00+00:00", warc=REF.as_dict(),
                               hint_published="2026-01-09T00:00:00+03:00")


def test_from_archived_matches_what_the_crawl_built() -> None:
    archived = ArchivedResponse(url=URL, status=200, reason="OK", http_version="HTTP/1.1",
                                headers=[("Content-Type", "text/html; charset=utf-8")],
                                payload=b"<html></html>",
                                date=datetime(2026, 1, 9, 8, 30, 0, 654321, tzinfo=UTC), ref=REF)
    page = ArticlePage.from_archived(archived, b"<html></html>", "belta")
    assert (page.url, page.fetched_at, page.warc, page.headers) == (
        URL, "2026-01-09T08:30:00+00:00", REF.as_dict(),
        {"Content-Type": "text/html; charset=utf-8"})


def test_a_repeated_content_type_is_read_as_the_replayed_crawl_reads_it() -> None:
    """A server that sends Content-Type twice: re-extraction took the first, while the crawl
    and replay (Scrapy, as browsers) take the last, so they decoded the page differently."""
    archived = ArchivedResponse(url=URL, status=200, reason="OK", http_version="HTTP/1.1",
                                headers=[("Content-Type", "text/html; charset=windows-1251"),
                                         ("Content-Type", "text/html; charset=utf-8")],
                                payload=b"<html></html>",
                                date=datetime(2026, 1, 9, 8, 30, tzinfo=UTC), ref=REF)
    replayed = ArticlePage.from_response(response_from_archive(Request(URL), archived), "belta")
    page = ArticlePage.from_archived(archived, b"<html></html>", "belta")
    assert page.headers == replayed.headers == {"Content-Type": "text/html; charset=utf-8"}


def test_a_body_scrapy_delivered_cut_short_is_marked_truncated() -> None:
    """DOWNLOAD_FAIL_ON_DATALOSS=False: Scrapy flags the partial body ``dataloss``."""
    whole = HtmlResponse(URL, body=b"<p>x</p>", request=Request(URL))
    cut = HtmlResponse(URL, body=b"<p>x</p>", request=Request(URL), flags=["dataloss"])
    assert ArticlePage.from_response(whole, "belta").truncated is None
    assert ArticlePage.from_response(cut, "belta").truncated == "disconnect"


def test_a_206s_range_is_measured_against_the_body_as_it_came_as_the_archive_measures_it(
        ) -> None:
    """``bytes 0-N/N+1`` is the whole page only when the body that came over the wire (the
    capture's measure, else the handler's Content-Length) is N+1 bytes, as
    :meth:`ArticlePage.from_archived` measures the stored payload: a decoded body's length
    says nothing, a body of another length is a part."""
    body = b"<html><body>" + b"x" * 88 + b"</body></html>"
    archived = ArchivedResponse(
        url=URL, status=206, reason="Partial Content", http_version="HTTP/1.1",
        headers=[("Content-Type", "text/html"), ("Content-Range", "bytes 0-199/200")],
        payload=body, date=datetime(2026, 1, 9, 8, 30, tzinfo=UTC), ref=REF)

    def live(meta: dict, headers: dict) -> str | None:
        response = HtmlResponse(URL, status=206, body=body, request=Request(URL, meta=meta),
                                headers={"Content-Range": "bytes 0-199/200", **headers})
        return ArticlePage.from_response(response, "belta").partial

    said = ArticlePage.from_archived(archived, body, "belta").partial
    assert said == "Content-Range 'bytes 0-199/200'"
    assert live({META_WIRE_LENGTH: len(body)}, {}) == said
    assert live({}, {"Content-Length": str(len(body))}) == said  # no capture middleware
    assert live({META_WIRE_LENGTH: 200}, {"Content-Length": str(len(body))}) is None  # gzip
    assert live({}, {}) is None  # no length known: the range taken at its word


def test_a_responses_fetch_time_is_its_capture_time_else_now() -> None:
    """What bounds a feed's or sitemap's dates: the capture time the WARC capture or replay
    middleware set, as a page's ``fetched_at``; now for a response with none."""
    from crawler.items import fetch_time

    captured = Request(URL, meta={META_FETCHED_AT: "2026-01-09T08:30:00+00:00"})
    assert fetch_time(HtmlResponse(URL, body=b"", request=captured)) == datetime(
        2026, 1, 9, 8, 30, tzinfo=UTC)
    before = datetime.now(UTC)
    assert before <= fetch_time(HtmlResponse(URL, body=b"", request=Request(URL))) <= datetime.now(UTC)
    assert before <= fetch_time(HtmlResponse(URL, body=b"")) <= datetime.now(UTC)
