"""SIGKILL at random moments (a fixed seed), each kill followed by another run with the same
DATA_DIR and JOBDIR, then a run left to finish: no article is lost, none is exported twice
(but for the one line a kill may catch between the items file and the state store), the
WARC files verify once ``python -m archive repair`` has closed what the kills left open, and
one corpus build reads every items file. Run by hand with more iterations:
``KILLS=40 pytest tests/e2e/test_random_kills.py``."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import ROOT, crawl_command, exported_so_far
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

COUNT = 30
KILLS = int(os.environ.get("KILLS", "4"))
SEED = 20261201


def archive_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def item_files(data_dir: Path) -> list[list[dict]]:
    """Each items file's lines; a torn or undecodable line fails the test."""
    files = []
    for path in sorted((data_dir / "items").glob("belta-*.jsonl")):
        data = path.read_bytes()
        assert not data or data.endswith(b"\n"), f"{path} ends mid-line"
        files.append([json.loads(line) for line in data.splitlines()])
    return files


def opened(proc: subprocess.Popen, data_dir: Path, before: set[Path]) -> None:
    """Wait until the run has made its items file (its spider is open), or has ended."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if set((data_dir / "items").glob("*.jsonl")) - before:
            return
        time.sleep(0.02)


def slow_belta() -> ChangingBelta:
    """БЕЛТА with COUNT articles of the last ten days, each page 0.1 s slow: kills land
    mid-crawl."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(days=10), count=COUNT)
    site.delay = 0.1
    site.publish()
    return site


def resumable_crawl(data_dir: Path, server: FixtureServer,
                    per_domain: int) -> tuple[list[str], dict[str, str]]:
    """A crawl with a JOBDIR, its items only in DATA_DIR/items, one file a run (-O would
    overwrite the earlier runs' items): the same command again resumes it."""
    cmd, env, _ = crawl_command("belta", data_dir, server, settings={
        "JOBDIR": str(data_dir / "job"), "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain})
    at = cmd.index("-O")
    del cmd[at:at + 2]
    return cmd, env


def test_random_sigkills_lose_no_article(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    site = slow_belta()
    data_dir = tmp_path / "data"
    with FixtureServer([site.site]) as server:
        cmd, env = resumable_crawl(data_dir, server, per_domain=4)
        killed_files: set[str] = set()
        kills = 0
        for _ in range(KILLS):
            before = set((data_dir / "items").glob("*.jsonl"))
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            opened(proc, data_dir, before)  # the clock starts with the spider, not Python
            try:
                proc.wait(rng.uniform(0.0, 2.0))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the crawl and its extraction worker
                proc.wait(30)
                kills += 1
                killed_files |= {p.name for p in set((data_dir / "items").glob("*.jsonl"))
                                 - before}
        final = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                               timeout=120)
    assert final.returncode == 0, final.stderr[-3000:]
    assert kills, "no run was killed"
    files = item_files(data_dir)
    urls = Counter(item["url"] for lines in files for item in lines)
    assert sorted(urls) == sorted(g.url for g in site.golds)
    last_of_killed = {lines[-1]["url"] for path, lines in
                      zip(sorted((data_dir / "items").glob("belta-*.jsonl")), files, strict=True)
                      if lines and path.name in killed_files}
    assert {u for u, n in urls.items() if n > 1} <= last_of_killed
    assert all(item["warc"] for lines in files for item in lines)

    repaired = archive_cli("repair", str(data_dir / "warc"))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert not list((data_dir / "warc").glob("*.open"))
    verified = archive_cli("verify", str(data_dir / "warc"))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    built = archive_cli("corpus", str(data_dir), "-o", str(tmp_path / "corpus"))
    assert built.returncode == 0, built.stdout + built.stderr
    said = built.stdout + built.stderr
    assert f": {COUNT} row(s) added" in said and " 0 line(s) rejected" in said, said


def test_a_frontier_killed_with_nothing_left_to_do_starts_afresh(tmp_path: Path) -> None:
    """A crawl killed after its last request was done and before it emptied its frontier
    (the queue empty, its seen set full): the next run took the frontier for a crawl to
    resume, the feed it starts from was "seen", so it fetched nothing, exported nothing
    and alarmed "no articles". (Made here by killing a crawl mid-way and emptying its
    queue, as if the rest had been done.)"""
    import sqlite3

    site = slow_belta()
    data_dir = tmp_path / "data"
    with FixtureServer([site.site]) as server:
        cmd, env = resumable_crawl(data_dir, server, per_domain=2)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while len(exported_so_far(data_dir)) < 3 and time.monotonic() < deadline:
            assert proc.poll() is None
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        db = sqlite3.connect(data_dir / "job" / "belta" / "frontier.sqlite3")
        with db:
            db.execute("DELETE FROM queue")
        assert db.execute("SELECT count(*) FROM seen").fetchone()[0] > 0
        db.close()
        again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                               timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    urls = Counter(item["url"] for lines in item_files(data_dir) for item in lines)
    assert sorted(urls) == sorted(g.url for g in site.golds)
    assert "starting afresh" in again.stderr
