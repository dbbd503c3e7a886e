"""A state store that cannot be used (damaged, on a read-only disk, locked by another
process) when a scheduled run starts: one ERROR naming the file and what to do, exit 1,
nothing fetched, and nothing an earlier run wrote (items, WARCs, the store itself) touched.
It once surfaced as a traceback from inside Scrapy ("Task exception was never retrieved")."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import ROOT, SCRAPY, TEST_SETTINGS, run_crawl
from tests.support.disk import remount_read_only, tmpfs
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow


def written(data_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in sorted(data_dir.rglob("*"))
            if p.is_file() and p.suffix != ".lock" and "crawl.log" not in p.name}


def crawlall(data_dir: Path, server: FixtureServer) -> subprocess.CompletedProcess:
    settings = {**TEST_SETTINGS, "DATA_DIR": str(data_dir), "STATE_BUSY_TIMEOUT_MS": 1000,
                "OUTLET_BASE_URLS": json.dumps(server.base_urls())}
    cmd = [*SCRAPY, "crawlall"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), **server.crawl_env()}
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


def damage(store: Path, how: str) -> None:
    for extra in store.parent.glob(store.name + "-*"):  # checkpointed by the clean close
        extra.unlink()
    data = store.read_bytes()
    store.write_bytes({"truncated": data[:len(data) // 2], "empty": b"",
                       "mid-page": data[:len(data) - 100]}.get(how, b"not sqlite " * 500))


def crawl_then_damage(tmp_path: Path, server: FixtureServer, relative_path: str,
                      how: str) -> tuple[Path, dict[str, bytes]]:
    """A healthy first run, then the SQLite file at ``relative_path`` (under the data
    folder) damaged ``how``: that file, what was written before the next run, no hits yet."""
    first = run_crawl("belta", tmp_path, server)
    assert first.returncode == 0 and len(first.items) == 3, first.log[-3000:]
    store = tmp_path / relative_path
    damage(store, how)
    before = written(tmp_path)
    server.hits.clear()
    return store, before


@pytest.fixture()
def site() -> ChangingBelta:
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    changing = ChangingBelta(start=now - timedelta(hours=2), count=3)
    changing.publish()
    return changing


def assert_refused(code: int, log: str, store: Path, server: FixtureServer) -> None:
    assert code == 1, log[-3000:]
    assert f"State store {store} cannot be used" in log, log[-3000:]
    assert "Traceback" not in log and "never retrieved" not in log, log[-3000:]
    assert "Nothing was crawled" in log
    assert server.hits == []


@pytest.mark.parametrize("how", ["truncated", "mid-page", "empty", "garbage"])
def test_a_damaged_state_store_refuses_the_run_and_keeps_what_was_written(
        site: ChangingBelta, tmp_path: Path, how: str) -> None:
    """A state store cut to nothing (a crash, a full disk) was read as a new one: every
    known article looked new, exported again as version 1, and removals went unwatched."""
    with FixtureServer([site.site]) as server:
        store, before = crawl_then_damage(tmp_path, server, "state/state.sqlite3", how)
        again = run_crawl("belta", tmp_path, server)
        assert_refused(again.returncode, again.log, store, server)
        assert "move it aside" in again.log
        every = crawlall(tmp_path, server)
        assert_refused(every.returncode, every.stderr, store, server)
        assert every.stderr.count("cannot be used") == 1  # once, not once per spider
    after = written(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert not [k for k in after if k not in before and not k.startswith("reports/")]


def test_a_state_store_on_a_read_only_disk_refuses_the_run(site: ChangingBelta,
                                                           tmp_path: Path) -> None:
    with tmpfs(tmp_path / "data", "4m") as data_dir, FixtureServer([site.site]) as server:
        first = run_crawl("belta", data_dir, server)
        assert first.returncode == 0, first.log[-3000:]
        before = written(data_dir)
        remount_read_only(data_dir)
        server.hits.clear()
        cmd = [*SCRAPY, "crawl", "belta", "-s", f"DATA_DIR={data_dir}", "-s",
               f"OUTLET_BASE_URLS={json.dumps(server.base_urls())}"]
        env = {**os.environ, "PYTHONPATH": str(ROOT), **server.crawl_env()}
        again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                               timeout=120)
        assert_refused(again.returncode, again.stderr, data_dir / "state" / "state.sqlite3",
                       server)
        assert written(data_dir) == before


def test_a_state_store_locked_by_another_process_refuses_the_run(site: ChangingBelta,
                                                                 tmp_path: Path) -> None:
    with FixtureServer([site.site]) as server:
        run_crawl("belta", tmp_path, server)
        store = tmp_path / "state" / "state.sqlite3"
        holder = subprocess.Popen(
            [sys.executable, "-c", "import sqlite3, sys, time\n"
             f"db = sqlite3.connect({str(store)!r}, isolation_level=None)\n"
             "db.execute('BEGIN EXCLUSIVE'); print('held', flush=True); time.sleep(60)"],
            stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "held"
            server.hits.clear()
            again = run_crawl("belta", tmp_path, server, settings={"STATE_BUSY_TIMEOUT_MS": 500})
        finally:
            holder.kill()
            holder.wait()
        assert_refused(again.returncode, again.log, store, server)
        assert "locked" in again.log


def lock_once_articles_asked(proc: subprocess.Popen, server: FixtureServer,
                             store: Path) -> subprocess.Popen:
    """Once the crawl asks for its first article page (held by the site), the store's write
    lock held by another process: the run's records wait, or fail."""
    deadline = time.monotonic() + 60
    while not any("/view/" in u for u in server.requests):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    return hold_write_lock(store)


def hold_write_lock(store: Path) -> subprocess.Popen:
    """Another process holding the store's write lock until killed."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         f"db = sqlite3.connect({str(store)!r}, isolation_level=None)\n"
         "db.execute('BEGIN EXCLUSIVE'); print('held', flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_items_the_state_store_cannot_record_make_the_run_unhealthy(site: ChangingBelta,
                                                                    tmp_path: Path) -> None:
    """The store locked by another process once the run is under way: the exported items
    cannot be recorded. That was an ERROR with a traceback per item and a healthy run, exit
    0; the next run exported them again (as version 1), twice in the items: it now records
    them from the feed file they were written to and exports none of them."""
    from tests.support.crawl import crawl_command, read_items
    gate = site.hold()  # article pages wait: the lock is taken while they are on the way
    store = tmp_path / "state" / "state.sqlite3"
    with FixtureServer([site.site]) as server:
        cmd, env, items = crawl_command("belta", tmp_path, server,
                                        settings={"STATE_BUSY_TIMEOUT_MS": 300})
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            holder = lock_once_articles_asked(proc, server, store)
        finally:
            gate.set()
        try:
            _, log = proc.communicate(timeout=300)  # 5 s idle, 90 s beside busy processes
        finally:
            holder.kill()
            holder.wait()
        exported = read_items(items)
        site.publish()
        again = run_crawl("belta", tmp_path, server)
    assert proc.returncode == 1, log[-3000:]
    assert len(exported) == 3
    assert "Error caught on signal handler" not in log, log[-3000:]
    assert f"not recorded in the state store {store}" in log and "database is locked" in log
    [report] = [json.loads(p.read_text("utf-8"))
                for p in (tmp_path / "reports").glob("belta-*.json")
                if json.loads(p.read_text("utf-8"))["stats"].get("state/not_recorded")]
    assert report["stats"]["state/not_recorded"] == 3 and not report["healthy"]
    assert [a for a in report["alarms"] if "not recorded in the state store" in a]
    assert again.returncode == 0, again.log[-3000:]
    assert again.items == [], again.log[-3000:]
    assert f"Feed file {items}: recorded 3 item(s) a run exported but had not recorded" \
        in again.log
    assert recorded(store) == {i["url"]: (i["id"], 1) for i in exported}


def recorded(store: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(store) as db:
        return {url: (ident, version) for url, ident, version
                in db.execute("SELECT url, id, version FROM articles")}


def test_a_kill_between_an_export_and_its_record_costs_no_second_export(
        site: ChangingBelta, tmp_path: Path) -> None:
    """SIGKILL once an item is in the feed file and its record waits for the store (locked by
    another process): the next run exported the item again, one article twice across the
    runs' files. It now records it from the killed run's file and exports only the rest."""
    from tests.support.crawl import crawl_command, read_items, whole_items
    gate = site.hold()
    store = tmp_path / "state" / "state.sqlite3"
    with FixtureServer([site.site]) as server:
        cmd, env, _ = crawl_command("belta", tmp_path, server,
                                    settings={"STATE_BUSY_TIMEOUT_MS": 120_000})
        cmd[cmd.index("-O"):cmd.index("-O") + 2] = []  # DATA_DIR/items/belta-<run>.jsonl
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        holder = None
        try:
            holder = lock_once_articles_asked(proc, server, store)
            gate.set()
            deadline = time.monotonic() + 60
            [feed] = list((tmp_path / "items").glob("belta-*.jsonl"))
            while not whole_items(feed):
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
                time.sleep(0.05)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            gate.set()
            if holder is not None:
                holder.kill()
                holder.wait()
        killed = read_items(feed)
        assert recorded(store) == {}  # written, never recorded
        again = run_crawl("belta", tmp_path, server)
    assert again.returncode == 0, again.log[-3000:]
    assert f"Feed file {feed}: recorded {len(killed)} item(s)" in again.log
    urls = [i["url"] for i in killed + again.items]
    assert sorted(urls) == sorted(g.url for g in site.golds) and len(set(urls)) == 3
    assert recorded(store) == {i["url"]: (i["id"], 1) for i in killed + again.items}


@pytest.mark.parametrize("how", ["mid-page", "empty", "garbage"])
def test_a_damaged_digest_index_refuses_the_run_and_keeps_what_was_written(
        site: ChangingBelta, tmp_path: Path, how: str) -> None:
    """The WARC folder's digest index (digests.sqlite3), cut to nothing, was read as a new
    one: every payload archived before was written whole again, its originals forgotten."""
    with FixtureServer([site.site]) as server:
        index, before = crawl_then_damage(tmp_path, server, "warc/digests.sqlite3", how)
        for run in (run_crawl("belta", tmp_path, server).log, crawlall(tmp_path, server).stderr):
            errors = [line for line in run.splitlines() if " ERROR: " in line]
            assert len(errors) == 1, run[-3000:]
            assert f"digest index {index} is damaged" in errors[0], errors[0]
            assert "Move it aside" in errors[0] and "Nothing was crawled" in errors[0]
            assert "Traceback" not in run and server.hits == []
    after = written(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert not [k for k in after if k not in before and not k.startswith("reports/")]
