"""Offline replay answers every request from the WARCs, as archived: the latest capture, or
the nearest to WARC_REPLAY_AT; a URL the archive lacks is a counted 404, and no
request ever reaches the network."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured, UsageError
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from archive.writer import WarcWriter
from crawler.downloadermiddlewares.capture import REPLAYED
from crawler.downloadermiddlewares.replay import (
    REPLAY_MISSING,
    OfflineDownloadHandler,
    WarcReplayMiddleware,
    parse_replay_at,
    replay_of,
)
from crawler.items import META_FETCHED_AT, META_WARC_RECORD
from tests.archive.conftest import make_exchange

ARTICLE = "https://news.example.by/2026/01/article-1.html"
OTHER = "https://news.example.by/2026/01/article-2.html"
JANUARY = datetime(2026, 1, 10, 8, 0, 0, tzinfo=UTC)
FEBRUARY = datetime(2026, 2, 10, 8, 0, 0, tzinfo=UTC)
HTML = [("Content-Type", "text/html; charset=utf-8"), ("X-Edition", "archived")]


def _body(edition: str) -> bytes:
    return f"<html><title>{edition}</title><p>Text of the {edition} edition.</p></html>".encode()


@pytest.fixture
def warcs(tmp_path: Path) -> Path:
    """Two captures of ARTICLE (January, then an edited February one) and one of OTHER."""
    folder = tmp_path / "warc"
    with WarcWriter(folder) as writer:
        writer.write_exchange(make_exchange(ARTICLE, _body("January"), headers=HTML,
                                            date=JANUARY))
        writer.write_exchange(make_exchange(OTHER, _body("other"), headers=HTML, date=JANUARY))
        writer.write_exchange(make_exchange(ARTICLE, _body("February"), headers=HTML,
                                            date=FEBRUARY))
    return folder


def _middleware(**settings: object) -> tuple[WarcReplayMiddleware, object]:
    crawler = get_crawler(settings_dict=settings)
    return WarcReplayMiddleware.from_crawler(crawler), crawler.stats


def test_a_hit_answers_with_the_latest_capture_and_its_record(warcs: Path) -> None:
    mw, stats = _middleware(WARC_REPLAY=str(warcs))
    request = Request(ARTICLE)
    response = mw.process_request(request)
    assert isinstance(response, HtmlResponse)
    assert response.status == 200
    assert response.body == _body("February")
    assert response.headers.get("X-Edition") == b"archived"
    assert response.request is request
    # The capture time and WARC record reach the item exactly as in a crawl.
    assert request.meta[META_FETCHED_AT] == "2026-02-10T08:00:00+00:00"
    record = request.meta[META_WARC_RECORD]
    assert record["file"].endswith(".warc.gz") and record["offset"] > 0
    assert request.meta[REPLAYED] is True
    assert stats.get_value("replay/hits") == 1
    assert stats.get_value("replay/missing") is None


def test_replay_at_answers_with_the_web_as_it_was_then(warcs: Path) -> None:
    mw, _ = _middleware(WARC_REPLAY=str(warcs), WARC_REPLAY_AT="20260115")
    request = Request(ARTICLE)
    assert mw.process_request(request).body == _body("January")
    assert request.meta[META_FETCHED_AT] == "2026-01-10T08:00:00+00:00"


@pytest.mark.parametrize(("at", "edition"), [
    ("20260205", "February"),  # nearer the February capture, made after it
    ("20251231235959", "January"),  # before any capture: the first
    ("20260125195959", "January"),  # just before halfway: the one before
    ("20260125200001", "February"),  # just after halfway: the one after
])
def test_replay_at_takes_the_nearest_capture_before_or_after(warcs: Path, at: str,
                                                              edition: str) -> None:
    mw, stats = _middleware(WARC_REPLAY=str(warcs), WARC_REPLAY_AT=at)
    assert mw.process_request(Request(ARTICLE)).body == _body(edition)
    assert stats.get_value("replay/missing") is None


def test_a_url_the_archive_lacks_is_a_404_counted_as_missing(warcs: Path) -> None:
    mw, stats = _middleware(WARC_REPLAY=str(warcs))
    missing = "https://news.example.by/2026/01/never-archived.html"
    first, second = mw.process_request(Request(missing)), mw.process_request(Request(OTHER))
    assert first.status == 404 and REPLAY_MISSING in first.flags and first.body == b""
    assert second.status == 200 and second.body == _body("other")
    assert stats.get_value("replay/missing") == 1
    assert stats.get_value("replay/hits") == 1


def test_the_replay_is_found_on_its_crawler_before_the_engine_runs(warcs: Path) -> None:
    """A part that must know what the archive holds (the soft-404 prober) finds the
    middleware on the crawler, as the run's other components are, engine or none."""
    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warcs)})
    assert replay_of(crawler) is None
    mw = WarcReplayMiddleware.from_crawler(crawler)
    assert replay_of(crawler) is mw  # (Crawler.engine raises until the crawl starts)
    assert set(replay_of(crawler).host_urls(ARTICLE)) == {ARTICLE, OTHER}


def test_replay_is_off_unless_warc_replay_is_set() -> None:
    with pytest.raises(NotConfigured):
        _middleware()


def test_warc_replay_naming_no_warc_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a WARC")
    with pytest.raises(UsageError, match="no WARC files in WARC_REPLAY="):
        _middleware(WARC_REPLAY=str(empty))
    with pytest.raises(FileNotFoundError, match="nothing-here"):
        _middleware(WARC_REPLAY=str(tmp_path / "nothing-here"))


def test_replay_at_accepts_a_prefix_of_14_digits_and_refuses_anything_else() -> None:
    assert parse_replay_at("2026021012") == datetime(2026, 2, 10, 12, 0, 0, 999_999, tzinfo=UTC)
    assert parse_replay_at("") is None
    with pytest.raises(UsageError, match="YYYYMMDDhhmmss"):
        parse_replay_at("yesterday")


def test_the_offline_handler_refuses_to_touch_the_network() -> None:
    handler = OfflineDownloadHandler(get_crawler())
    with pytest.raises(IgnoreRequest, match="network access is disabled"):
        asyncio.run(handler.download_request(Request(ARTICLE)))


def test_a_request_is_answered_only_by_a_capture_of_the_same_method_and_body(
        tmp_path: Path) -> None:
    from dataclasses import replace

    from scrapy.http import FormRequest

    form = make_exchange(ARTICLE, _body("search results"), headers=HTML, date=FEBRUARY)
    with WarcWriter(tmp_path / "w") as writer:
        writer.write_exchange(make_exchange(ARTICLE, _body("January"), headers=HTML,
                                            date=JANUARY))
        writer.write_exchange(replace(form, method="POST", request_body=b"q=minsk",
                                      request_headers=[
                                          ("Content-Type", "application/x-www-form-urlencoded"),
                                          ("Content-Length", "7")]))
    mw, stats = _middleware(WARC_REPLAY=str(tmp_path / "w"))
    assert mw.process_request(Request(ARTICLE)).body == _body("January")
    posted = mw.process_request(FormRequest(ARTICLE, formdata={"q": "minsk"}))
    assert posted.status == 200 and posted.body == _body("search results")
    other = mw.process_request(FormRequest(ARTICLE, formdata={"q": "brest"}))
    assert other.status == 404 and stats.get_value("replay/missing") == 1


def test_a_killed_crawl_s_open_file_is_named_not_silently_left_out(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with WarcWriter(tmp_path / "live") as writer:
        writer.write_exchange(make_exchange(ARTICLE, _body("January"), headers=HTML,
                                            date=JANUARY))
        live = writer.current_path
        assert live is not None
        (tmp_path / "warc").mkdir()
        (tmp_path / "warc" / live.name).write_bytes(live.read_bytes())
    with pytest.raises(UsageError, match=r"unfinished WARC file.*archive repair"):
        _middleware(WARC_REPLAY=str(tmp_path / "warc"))
    with WarcWriter(tmp_path / "warc") as writer:
        writer.write_exchange(make_exchange(OTHER, _body("other"), headers=HTML, date=JANUARY))
    with caplog.at_level("WARNING"):
        mw, _ = _middleware(WARC_REPLAY=str(tmp_path / "warc"))
    assert "1 unfinished WARC file(s) not read" in caplog.text and live.name in caplog.text
    assert mw.process_request(Request(ARTICLE)).status == 404


def test_replay_at_a_second_includes_the_captures_made_within_it(tmp_path: Path) -> None:
    within = datetime(2026, 1, 10, 8, 0, 0, 500_000, tzinfo=UTC)
    with WarcWriter(tmp_path / "w") as writer:
        writer.write_exchange(make_exchange(ARTICLE, _body("January"), headers=HTML,
                                            date=within))
    mw, _ = _middleware(WARC_REPLAY=str(tmp_path / "w"), WARC_REPLAY_AT="20260110080000")
    assert mw.process_request(Request(ARTICLE)).body == _body("January")


def test_replay_at_counts_whole_seconds_as_pywb_does(tmp_path: Path) -> None:
    """Captures at 08:00:58.23 and 08:01:03.39, replayed at 08:01:00: pywb compares 14-digit
    timestamps, 2 s against 3 s, and serves the first; counted in microseconds from the end of
    the second named (2.77 s against 2.39 s) the second one was served."""
    with WarcWriter(tmp_path / "w") as writer:
        for edition, moment in (("January", datetime(2026, 1, 10, 8, 0, 58, 230_000, UTC)),
                                ("February", datetime(2026, 1, 10, 8, 1, 3, 390_000, UTC))):
            writer.write_exchange(make_exchange(ARTICLE, _body(edition), headers=HTML,
                                                date=moment))
    mw, _ = _middleware(WARC_REPLAY=str(tmp_path / "w"), WARC_REPLAY_AT="20260110080100")
    assert mw.process_request(Request(ARTICLE)).body == _body("January")
    later, _ = _middleware(WARC_REPLAY=str(tmp_path / "w"), WARC_REPLAY_AT="20260110080101")
    assert later.process_request(Request(ARTICLE)).body == _body("February")  # 3 s against 2


def test_the_lookup_index_folder_goes_when_the_spider_closes(warcs: Path, tmp_path: Path,
                                                             monkeypatch) -> None:
    index_tmp = tmp_path / "tmp"
    index_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(index_tmp))
    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warcs)})
    mw = WarcReplayMiddleware.from_crawler(crawler)
    assert [p.name[:15] for p in index_tmp.iterdir()] == ["archive-lookup-"]
    assert mw.process_request(Request(ARTICLE)).body == _body("February")
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    assert list(index_tmp.iterdir()) == []


def test_a_folders_warc_compressed_whole_is_named_not_silently_left_out(
        warcs: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A .warc.zst beside the WARCs was left out of the replay without a word."""
    (warcs / "old.warc.zst").write_bytes(b"\x28\xb5\x2f\xfd\x04\x58" + b"\0" * 64)
    with caplog.at_level("WARNING"):
        mw, _ = _middleware(WARC_REPLAY=str(warcs))
    assert "1 WARC file(s) compressed with zstd not read" in caplog.text, caplog.text
    assert str(warcs / "old.warc.zst") in caplog.text and "`zstd -d FILE`" in caplog.text
    assert mw.process_request(Request(ARTICLE)).body == _body("February")


def test_a_damaged_record_read_all_the_same_is_not_called_skipped(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A record with a wrong Content-Length (its block taken up to the next record) was
    logged "Skipping unreadable WARC record: ... (record kept)" and counted as a bad record,
    and then served."""
    from tests.support.warcs import http_response, record

    page = http_response(_body("January"))
    path = tmp_path / "w" / "damaged.warc"
    path.parent.mkdir()
    path.write_bytes(record("response", ARTICLE, page, length=str(len(page) - 9))
                     + record("response", OTHER, http_response(_body("other"))))
    with caplog.at_level("WARNING"):
        mw, stats = _middleware(WARC_REPLAY=str(path.parent))
    assert mw.process_request(Request(ARTICLE)).body == _body("January")
    assert stats.get_value("replay/damaged_records_kept") == 1
    assert stats.get_value("replay/bad_records") is None
    assert "Damaged WARC record read all the same" in caplog.text, caplog.text
    assert "Skipping" not in caplog.text


@pytest.mark.parametrize(("headers", "sent"), [
    ([("Location", "/caf\xe9")], b"/caf\xe9"),  # Latin-1: no UTF-8
    ([("Location", "/caf\xc3\xa9"), ("X-Note", "caf\xe9")], b"/caf\xc3\xa9"),  # UTF-8, a Latin-1 one by it
])
def test_a_replayed_redirect_gives_scrapy_the_location_bytes_sent(
        tmp_path: Path, headers: list[tuple[str, str]], sent: bytes) -> None:
    """Header text of a block holding a byte not UTF-8 was decoded all as Latin-1 and given
    to Scrapy re-encoded as UTF-8: a replayed redirect went elsewhere than the live one
    (``/caf%C3%A9`` for ``/caf%E9``; mojibake for a UTF-8 Location by a Latin-1 header)."""
    from w3lib.url import safe_url_string

    with WarcWriter(tmp_path / "w") as writer:  # the writer sends header text as Latin-1
        writer.write_exchange(make_exchange(ARTICLE, b"", status=302, headers=headers,
                                            date=JANUARY))
    mw, _ = _middleware(WARC_REPLAY=str(tmp_path / "w"))
    response = mw.process_request(Request(ARTICLE))
    assert response.status == 302
    assert response.headers.get("Location") == sent
    assert safe_url_string(response.headers.get("Location")) == safe_url_string(sent)


def test_a_record_without_warc_type_is_a_bad_record_not_a_missing_page(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Its page was answered as never archived (`replay/missing`), nothing said. Now the
    record is logged by file and offset and counted as unreadable, as damage is."""
    from tests.support.warcs import http_response, record

    typeless = record("response", ARTICLE, http_response(_body("January")))
    path = tmp_path / "w" / "typeless.warc"
    path.parent.mkdir()
    path.write_bytes(typeless.replace(b"WARC-Type: response\r\n", b"")
                     + record("response", OTHER, http_response(_body("other"))))
    with caplog.at_level("WARNING"):
        mw, stats = _middleware(WARC_REPLAY=str(path.parent))
    assert stats.get_value("replay/bad_records") == 1
    assert f"{path}: offset 0: record skipped: missing WARC-Type" in caplog.text, caplog.text
    assert mw.process_request(Request(OTHER)).body == _body("other")


@pytest.mark.parametrize("coding", ["utf-8", "none", "text/html", "gzip, UTF-8", "utf-8, gzip"])
def test_a_plain_page_under_a_mislabelled_content_encoding_replays_as_live(
        tmp_path: Path, coding: str) -> None:
    """A server sending ``Content-Encoding: utf-8`` (or ``none``) over a plain page: live,
    Scrapy leaves a coding it does not know on and the spider reads the page. Replay took it
    for an undecodable body, a bad record, and the article was missing from the replay (and
    from reextract)."""
    import gzip

    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware

    headers = [*HTML, ("Content-Encoding", coding)]
    sent = gzip.compress(_body("January")) if coding.endswith("gzip") else _body("January")
    with WarcWriter(tmp_path / "w") as writer:
        writer.write_exchange(make_exchange(ARTICLE, sent, headers=headers, date=JANUARY))
    mw, stats = _middleware(WARC_REPLAY=str(tmp_path / "w"))
    request = Request(ARTICLE)
    response = mw.process_request(request)
    assert stats.get_value("replay/bad_records") is None
    compression = HttpCompressionMiddleware.from_crawler(get_crawler())  # next in the chain
    replayed = compression.process_response(request, response)
    live = compression.process_response(
        request, HtmlResponse(ARTICLE, headers=dict(headers), body=sent, request=request))
    assert (replayed.status, replayed.body) == (200, live.body) == (200, _body("January"))


def test_a_pattern_s_damaged_side_files_are_said_once_not_read_as_warcs(
        warcs: Path, caplog: pytest.LogCaptureFixture) -> None:
    """``WARC_REPLAY=data/warc/*`` matched the side files `archive repair` leaves beside a
    WARC, and the crawl's digest index: they were read as WARCs, said as damaged archives."""
    warc, = warcs.glob("*.warc.gz")
    side = warcs / f"{warc.name}.damaged"
    side.write_bytes(b"\x1f\x8b\x08\x00torn")
    (warcs / f"{warc.name}.damaged.json").write_text('{"ranges": []}\n')
    with caplog.at_level("WARNING"):
        mw, stats = _middleware(WARC_REPLAY=f"{warcs}/*,{side}")
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 1 and "1 damaged side file(s) not read" in said[0], said
    assert str(side) in said[0] and "archive repair" in said[0]
    assert f"1 digest index file(s) not read: {warcs / 'digests.sqlite3'}" in said[0]
    assert mw.process_request(Request(ARTICLE)).body == _body("February")
    assert not stats.get_value("replay/bad_records")
