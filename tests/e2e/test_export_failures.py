"""An item counts as exported only once it reached every feed: a failed feed (full disk,
unwritable path, failed store) fails the run and leaves the state store untouched, so the
next run emits the articles again."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import ROOT, crawl_command, read_items, run_crawl, whole_items
from tests.support.disk import fill, tmpfs
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

COUNT = 4


def old_site() -> ChangingBelta:
    """Articles older than REFETCH_MAX_AGE_DAYS: a run that recorded them never fetches them
    again, so a wrongly advanced state shows as an empty second run."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(days=10), count=COUNT)
    site.publish()
    return site


def crawl_into(data_dir: Path, server: FixtureServer, output: str | None,
               settings: dict | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    """``scrapy crawl belta`` with ``-O output`` (None: no -O) and the run's report."""
    cmd, env, _ = crawl_command("belta", data_dir, server, settings=settings)
    at = cmd.index("-O")
    if output is None:
        del cmd[at:at + 2]
    else:
        cmd[at + 1] = output
    before = set((data_dir / "reports").glob("*.json"))
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    [report] = sorted(set((data_dir / "reports").glob("*.json")) - before)
    return proc, json.loads(report.read_text("utf-8"))


def recorded(data_dir: Path) -> int:
    path = data_dir / "state" / "state.sqlite3"
    if not path.exists():
        return 0
    return sqlite3.connect(path).execute("SELECT count(*) FROM articles").fetchone()[0]


def unwritable(tmp_path: Path) -> str:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a folder should be")
    return str(blocker / "items.jsonl")  # even root cannot create this


CASES = {
    "full-disk-O": ("/dev/full:jsonlines", None),
    "full-disk-FEEDS": (None, {"FEEDS": {"/dev/full": {"format": "jsonlines"}}}),
    "unwritable-path": ("UNWRITABLE", None),
    # gzip buffers: the disk is found full only when the feed is stored at the end
    "full-disk-at-store": (None, {"FEEDS": {"/dev/full": {
        "format": "jsonlines",
        "postprocessing": ["scrapy.extensions.postprocessing.GzipPlugin"]}}}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_failed_export_fails_the_run_and_the_next_run_emits_the_articles_again(
        case: str, tmp_path: Path) -> None:
    output, settings = CASES[case]
    if output == "UNWRITABLE":
        output = unwritable(tmp_path)
    site = old_site()
    data_dir = tmp_path / "data"
    with FixtureServer([site.site]) as server:
        failed, report = crawl_into(data_dir, server, output, settings)
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert recorded(data_dir) == 0, "the state advanced for items that were not exported"
        assert report["status"] == "finished" and report["healthy"] is False
        assert any(a.startswith(f"export failed: {COUNT} item(s)") for a in report["alarms"])
        assert report["stats"]["feeds/items_not_exported"] == COUNT
        assert "ALARM belta: export failed" in failed.stderr
        assert "failed:" in failed.stderr and ("/dev/full" in failed.stderr
                                               or "not-a-dir" in failed.stderr)

        again = run_crawl("belta", data_dir, server)
    assert again.returncode == 0, again.log[-3000:]
    assert sorted(i["url"] for i in again.items) == sorted(g.url for g in site.golds)
    assert all(i["version"] == 1 for i in again.items)
    assert recorded(data_dir) == COUNT


def test_every_feed_written_records_every_article(tmp_path: Path) -> None:
    """The control: with working feeds the state advances and a re-run emits nothing."""
    site = old_site()
    with FixtureServer([site.site]) as server:
        first = run_crawl("belta", tmp_path, server)
        second = run_crawl("belta", tmp_path, server)
    assert first.returncode == 0 and len(first.items) == COUNT, first.log[-3000:]
    assert recorded(tmp_path) == COUNT
    assert second.returncode == 0 and second.items == []
    [own] = [p for p in (tmp_path / "items").glob("belta-*.jsonl") if read_items(p)]
    assert len(read_items(own)) == COUNT
    # <spider>-<time>-<pid>: two runs started in one second never share a file
    assert re.fullmatch(r"belta-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\+00-00-\d+\.jsonl", own.name)
    assert len(list((tmp_path / "items").glob("belta-*.jsonl"))) == 2
    # the state store knows the second run's feed files as one run's two feeds: an item a
    # kill left in one of them only is exported again (crawler.state.feed_tails)
    runs = sqlite3.connect(tmp_path / "state" / "state.sqlite3").execute(
        "SELECT path, run, feed FROM feed_runs").fetchall()
    assert len({run for _, run, _ in runs}) == 1
    [later] = {p.name for p in (tmp_path / "items").glob("belta-*.jsonl")} - {own.name}
    assert sorted((Path(path).name, Path(feed).name) for path, _, feed in runs) == [
        (later, "%(name)s-%(run)s.jsonl"), ("items-belta.jsonl", "items-belta.jsonl")]


def test_overwriting_a_feed_with_nothing_new_warns(tmp_path: Path) -> None:
    site = old_site()
    with FixtureServer([site.site]) as server:
        first = run_crawl("belta", tmp_path, server)
        second = run_crawl("belta", tmp_path, server)
    assert "overwritten with no items" not in first.log
    assert second.returncode == 0 and second.items == []
    warnings = [line for line in second.log.splitlines() if "overwritten with no items" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0] and "items-belta.jsonl" in warnings[0]
    assert "Use -o to append" in warnings[0]


def test_two_runs_started_in_one_second_write_separate_item_files(tmp_path: Path) -> None:
    from crawler.extensions.feed_export import unique_items_uri_params

    class Spider:
        name = "belta"

        class settings:  # noqa: N801 - stands in for Scrapy's Settings
            @staticmethod
            def get(name: str) -> str | None:
                return str(tmp_path) if name == "DATA_DIR" else None

    params = {"name": "belta", "time": "2026-01-08T10-00-00"}
    runs = [unique_items_uri_params(dict(params), Spider)["run"] for _ in range(3)]
    assert len(set(runs)) == 3
    files = sorted(p.name for p in (tmp_path / "items").iterdir())
    assert files == sorted(f"belta-{run}.jsonl" for run in runs)


@pytest.fixture()
def full_reports_disk(tmp_path: Path):
    """DATA_DIR/reports on a tmpfs already full but for one page (needs root; skipped
    without it): the check before the crawl (crawler.outputs) writes one, the report more."""
    with tmpfs(tmp_path / "data" / "reports") as reports:
        fill(reports, leave=4096)
        yield reports


def test_a_run_report_lost_to_a_full_disk_fails_the_run(full_reports_disk: Path,
                                                          tmp_path: Path) -> None:
    site = old_site()
    with FixtureServer([site.site]) as server:
        cmd, env, items = crawl_command("belta", tmp_path / "data", server)
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=180)
    assert len(read_items(items)) == COUNT  # the crawl itself went well
    assert proc.returncode == 1, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines()
              if "ERROR" in line and "Run report of belta cannot be written" in line]
    assert errors and all(str(full_reports_disk) in e and "No space" in e for e in errors)
    left = [p for p in full_reports_disk.iterdir() if p.name != "filler"]  # no temp file:
    # never "running" (a finished run read as still going): a short final report, or none
    reports = [json.loads(p.read_text("utf-8")) for p in left]
    assert [(r["status"], r["healthy"]) for r in reports] in ([], [("finished", False)])


def test_a_gzip_feed_that_fills_the_disk_at_its_end_keeps_what_it_held(tmp_path: Path) -> None:
    """Appending to a gzip feed: the disk fills when the compressed member is finished, at
    the end of the run. Scrapy logged it as a failed store, which went unchecked: the run
    exited 0, every item counted as exported, and a torn member hid them and every later
    run's from gzip readers. Now the run fails, the file is as the run found it, and the next
    run exports the articles again."""
    import gzip

    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(tmp_path / "feeds", "256k") as feeds, FixtureServer([site.site]) as server:
        feed = feeds / "items.jsonl.gz"
        settings = {"FEEDS": {str(feed): {
            "format": "jsonlines",
            "postprocessing": ["scrapy.extensions.postprocessing.GzipPlugin"]}}}
        first, _ = crawl_into(data_dir, server, None, settings)
        assert first.returncode == 0, first.stderr[-3000:]
        held = feed.read_bytes()
        assert len(gzip.decompress(held).splitlines()) == COUNT
        now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
        added = site.add(40, now - timedelta(days=9))
        site.publish()
        filler = fill(feeds, leave=4096)
        failed, report = crawl_into(data_dir, server, None, settings)
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert report["healthy"] is False
        assert report["stats"]["feeds/items_not_exported"] == len(added)
        assert recorded(data_dir) == COUNT
        assert "finishing the file failed" in failed.stderr and str(feed) in failed.stderr
        assert feed.read_bytes() == held
        filler.unlink()
        again, _ = crawl_into(data_dir, server, None, settings)
        assert again.returncode == 0, again.stderr[-3000:]
        lines = gzip.decompress(feed.read_bytes()).splitlines()  # every member, whole
    assert sorted(json.loads(line)["url"] for line in lines) == sorted(g.url for g in site.golds)
    assert recorded(data_dir) == COUNT + len(added)


def test_a_feed_file_that_fills_its_disk_gets_every_article_next_run(tmp_path: Path) -> None:
    """Two local JSON-lines feeds, one on a full disk: the items reached DATA_DIR/items, not
    it. The next run must emit them again (the full feed never got them), not record them from
    the file that did (crawler.state.feed_tails: a failed item moves the feeds' recorded ends
    past its lines)."""
    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(tmp_path / "small") as small, FixtureServer([site.site]) as server:
        fill(small)
        feed = small / "items.jsonl"
        failed, report = crawl_into(data_dir, server, None,
                                    {"FEEDS": {str(feed): {"format": "jsonlines"}}})
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert report["stats"]["feeds/items_not_exported"] == COUNT
        [own] = list((data_dir / "items").glob("belta-*.jsonl"))
        assert len(read_items(own)) == COUNT  # the other feed took them all
        again = run_crawl("belta", data_dir, server)
    assert again.returncode == 0, again.log[-3000:]
    assert "a run exported but had not recorded" not in again.log
    assert sorted(i["url"] for i in again.items) == sorted(g.url for g in site.golds)
    assert recorded(data_dir) == COUNT


def test_a_kill_before_a_buffered_feed_is_stored_emits_its_items_again(tmp_path: Path) -> None:
    """A gzip feed beside DATA_DIR/items: the items are in the plain file at once, in the gzip
    one only when it is stored at the close. A run killed before that must not have the next
    run record them from the plain file: the gzip feed would never get them."""
    import os
    import signal
    import time
    site = old_site()
    gate = site.hold(free=COUNT - 1)
    data_dir = tmp_path / "data"
    packed = tmp_path / "packed.jsonl.gz"
    settings = {"FEEDS": {str(packed): {"format": "jsonlines", "postprocessing": [
        "scrapy.extensions.postprocessing.GzipPlugin"]}}}
    with FixtureServer([site.site]) as server:
        cmd, env, _ = crawl_command("belta", data_dir, server, settings=settings)
        del cmd[cmd.index("-O"):cmd.index("-O") + 2]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while sum(len(whole_items(p)) for p in (data_dir / "items").glob("*.jsonl")) \
                    < COUNT - 1:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            gate.set()
        assert recorded(data_dir) == 0
        again = run_crawl("belta", data_dir, server, settings=settings)
    assert again.returncode == 0, again.log[-3000:]
    assert sorted(i["url"] for i in again.items) == sorted(g.url for g in site.golds)
    assert recorded(data_dir) == COUNT
