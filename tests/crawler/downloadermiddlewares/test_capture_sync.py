"""The capture's digest rows wait for their WARC's fsync: an idle crawl brings them to the
shared index, and a failed close says what it has cost."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from archive import writer as writer_module
from archive.records import iter_records
from crawler.downloadermiddlewares import capture as capture_module
from crawler.downloadermiddlewares.capture import WarcCaptureMiddleware

URL = "http://example.com/page"


def _opened(tmp_path: Path) -> tuple[WarcCaptureMiddleware, Spider]:
    crawler = get_crawler(Spider, {"WARC_DIR": str(tmp_path)})
    spider = Spider("quiet")
    capture = WarcCaptureMiddleware.from_crawler(crawler)
    capture.spider_opened(spider)
    return capture, spider


def _archive(capture: WarcCaptureMiddleware, url: str) -> None:
    request = Request(url)
    capture.process_response(request, HtmlResponse(url, body=b"<p>page</p>", request=request))


def _rows(folder: Path) -> list[str]:
    with sqlite3.connect(folder / "digests.sqlite3") as db:
        return [url for (url,) in db.execute("SELECT url FROM digests")]


def test_an_idle_crawl_commits_its_waiting_digest_rows(tmp_path: Path) -> None:
    """A quiet crawl (or an idle scrapy-redis worker) wrote nothing more, so its rows stayed
    in memory: other crawls sharing the index stored the same payloads whole."""
    capture, spider = _opened(tmp_path)
    _archive(capture, URL)
    assert _rows(tmp_path) == []
    capture.crawler.signals.send_catch_log(signals.spider_idle, spider=spider)
    assert _rows(tmp_path) == [URL]
    capture.spider_closed(spider)


def test_a_failed_closing_fsync_does_not_say_the_records_are_intact(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The closing fsync failed (EIO): the message said the records written were intact,
    and their rows had been committed all the same."""
    capture, spider = _opened(tmp_path)
    _archive(capture, URL)

    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(writer_module.os, "fsync", fsync)
    with caplog.at_level(logging.WARNING):
        capture.spider_closed(spider)
    (closing,) = [r.getMessage() for r in caplog.records if "Closing the WARC" in r.getMessage()]
    assert "Input/output error" in closing and ".open" in closing
    assert "intact" not in closing and "may not be on disk" in closing
    assert _rows(tmp_path) == []


def test_waiting_rows_are_committed_by_a_timer_when_nothing_more_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound was checked only on a write: while only slow downloads were in flight (no
    write, not idle) rows safe to commit waited in memory, lost to a crash."""
    clock = [1000.0]
    monkeypatch.setattr(writer_module.time, "monotonic", lambda: clock[0])
    timers: list[tuple[float, object]] = []
    monkeypatch.setattr(capture_module, "call_later",
                        lambda delay, call: timers.append((delay, call)) or FakeTimer())
    capture, spider = _opened(tmp_path)
    _archive(capture, URL)
    clock[0] += 2.0
    _archive(capture, URL + "2")  # a timer is already set for the first row
    assert [delay for delay, _ in timers] == [writer_module.UNSYNCED_SECONDS]
    clock[0] += 1.0
    timers.pop()[1]()  # fired early (another clock): not due yet, set again for the rest
    assert _rows(tmp_path) == []
    assert [delay for delay, _ in timers] == [writer_module.UNSYNCED_SECONDS - 3.0]
    clock[0] += writer_module.UNSYNCED_SECONDS - 3.0
    timers.pop()[1]()
    assert sorted(_rows(tmp_path)) == [URL, URL + "2"] and timers == []
    capture.spider_closed(spider)


class FakeTimer:
    def cancel(self) -> None:
        pass


def _folder_fsync_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    """EIO from fsync of a folder only (a disk failing its metadata writeback)."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_folder_sync_failing_after_the_rename_is_a_write_error_naming_the_risk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The folder's fsync failed after the file's rename: only a WARNING saying the name
    might not survive, though a power loss could take the whole file; the file stays listed
    as closed (it is whole while the machine runs), the error says what is at risk."""
    capture, spider = _opened(tmp_path)
    _archive(capture, URL)
    _folder_fsync_failing(monkeypatch)
    with caplog.at_level(logging.INFO):
        capture.spider_closed(spider)
    (final,) = tmp_path.glob("*.warc.gz")
    assert capture.writer is not None and capture.writer.closed_files == [final]
    assert [r.record.rec_type for r in iter_records(final)] == ["warcinfo", "response",
                                                                 "request"]
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert ("INFO", f"WARC file closed: {final}") in messages
    (error,) = [m for level, m in messages if level == "ERROR"]
    assert error.startswith(f"Closing the WARC files failed (3 records of {final} may be lost "
                            f"on a power loss; the folder {tmp_path} could not be synced")
    assert not [m for level, m in messages if level == "WARNING"]
    stats = capture.crawler.stats
    assert stats.get_value("warc/folder_sync_failures") == 1
    assert stats.get_value("warc/write_errors") == 1
    assert _rows(tmp_path) == []


def test_a_rotation_whose_folder_sync_fails_stops_the_crawl(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mid-crawl the rotation's folder sync failure was a WARNING and the crawl went on
    (exit 0), while the same failure from the timer's sync stopped it: one policy now."""
    reasons: list[str] = []
    monkeypatch.setattr(capture_module, "deferred_from_coro", lambda result: result)

    def close_spider_async(reason: str) -> None:
        reasons.append(reason)

    crawler = get_crawler(Spider, {"WARC_DIR": str(tmp_path), "WARC_MAX_SIZE": 1})
    crawler.engine = SimpleNamespace(close_spider_async=close_spider_async)
    capture = WarcCaptureMiddleware.from_crawler(crawler)
    capture.spider_opened(Spider("s"))
    _folder_fsync_failing(monkeypatch)
    with pytest.raises(IgnoreRequest):
        _archive(capture, URL)
    assert capture.failed and reasons == ["warc_write_error"]
    assert capture.writer is not None
    assert capture.writer.closed_files == list(tmp_path.glob("*.warc.gz"))
    assert crawler.stats.get_value("warc/folder_sync_failures") == 1
