"""The capture's digest rows wait for their WARC's fsync: an idle crawl brings them to the
shared index, and a failed close says what it has cost."""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path

import pytest
from scrapy import Spider, signals
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from archive import writer as writer_module
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
