"""The run report's own signal handlers."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from archive import fileio
from crawler.extensions.run_report import RunReport
from crawler.extensions.run_verdict import SPIDER_ERROR_URLS, finished_runs
from tests.support.disk import fill, tmpfs


def test_a_crash_is_named_by_its_page_whether_a_callback_or_an_errback_raised() -> None:
    """Scrapy hands an errback's download failure where a callback's response goes: the
    crash is named by the request's URL (the handler once raised on it, naming nothing)."""
    crawler = get_crawler()
    crawler.stats.open_spider()
    report = RunReport(crawler)
    page = Request("http://ex.org/a")
    report.spider_error(Failure(KeyError("bug")), Response(page.url, request=page), None)
    download = Failure(ConnectionRefusedError())
    download.request = Request("http://ex.org/b")
    report.spider_error(Failure(KeyError("bug")), download, None)
    assert crawler.stats.get_value(SPIDER_ERROR_URLS) == [
        "http://ex.org/a: KeyError('bug')", "http://ex.org/b: KeyError('bug')"]


def test_a_final_report_no_disk_space_holds_leaves_none_saying_running(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The final report, and even a short one in its place (here its summary lists many
    blocked URLs), do not fit on the full disk: the report written "running" at the start
    is removed, so that it cannot tell a scheduler the run goes on, and an ERROR says so."""
    with tmpfs(tmp_path / "data" / "reports", "64k") as reports:
        crawler = get_crawler(settings_dict={"DATA_DIR": str(tmp_path / "data")})
        crawler.stats.open_spider()
        report = RunReport(crawler)
        report.spider_opened(Spider("belta"))
        [running] = reports.glob("belta-*.json")
        assert json.loads(running.read_text("utf-8"))["status"] == "running"
        crawler.stats.set_value("pages/blocked_urls", [f"https://ex.org/{n:04}" + "x" * 200
                                                       for n in range(400)])
        fill(reports)
        try:
            report.finish("finished")
        finally:
            outcome = finished_runs.pop()
        assert not running.exists() and sorted(p.name for p in reports.iterdir()) == ["filler"]
    assert outcome.alarms and f"run report not written to {running}" in outcome.alarms[-1]
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert str(running) in errors[-1] and "none is left saying the run" in errors[-1], errors


def test_a_final_report_in_place_whose_folder_sync_fails_is_kept_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The final report was renamed into place, then syncing its folder failed (EIO): the
    write raised, and the short report (no stats) was put over the full one. The full report
    is kept; the run still exits 1, told that the report may not survive a crash."""
    crawler = get_crawler(settings_dict={"DATA_DIR": str(tmp_path / "data")})
    crawler.stats.open_spider()
    report = RunReport(crawler)
    report.spider_opened(Spider("belta"))
    [path] = (tmp_path / "data" / "reports").glob("belta-*.json")
    crawler.stats.set_value("pages/crawled", 7)

    def sync_fails(folder: Path) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(fileio, "sync_folder", sync_fails)
    try:
        report.finish("finished")
    finally:
        outcome = finished_runs.pop()
    written = json.loads(path.read_text("utf-8"))
    assert written["status"] == "finished" and written["stats"]["pages/crawled"] == 7
    assert "incomplete" not in written and "baseline" in written
    assert outcome.alarms == (f"run report written to {path} but not synced to disk: "
                              "Input/output error",)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(str(path) in e and "may not survive a crash" in e for e in errors), errors
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
