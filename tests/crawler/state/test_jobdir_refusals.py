"""crawler.state.jobdir: a frontier that cannot be opened for a reason other than damage (no
inode or byte left, no write permission, an unknown one) is refused naming that reason and
its path, and never with advice to delete a frontier that is intact."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.state.frontier import Frontier
from crawler.state.jobdir import FRONTIER_FILE, LOCK_FILE, JobScheduler, spider_jobdir
from tests.support.crawl import ROOT
from tests.support.disk import tmpfs, use_up_inodes

DUPEFILTER = "crawler.state.jobdir.JobDirDupeFilter"  # as the project sets it: no requests.seen


def a_frontier(job: Path) -> Path:
    """An intact frontier of belta with one request queued, closed as a run closes it."""
    path = spider_jobdir(job, "belta") / FRONTIER_FILE
    frontier = Frontier(path)
    frontier.set("identity", b'{"spider": "belta", "arguments": {}}')
    frontier.add(b"fp", 0, False, b"request")
    frontier.close()
    (path.parent / LOCK_FILE).touch()  # left by that run
    return path


def refusal(job: Path, caplog: pytest.LogCaptureFixture) -> str:
    """The one ERROR a JobScheduler opened on ``job`` logs."""
    crawler = get_crawler(Spider, {"JOBDIR": str(job), "DUPEFILTER_CLASS": DUPEFILTER})
    crawler.stats.open_spider()
    crawler.engine = crawler._create_engine()  # the scheduler's memory queue asks for it
    scheduler = JobScheduler.from_crawler(crawler)
    with caplog.at_level(logging.ERROR, logger="crawler.state.jobdir"):
        scheduler.open(Spider("belta"))
    scheduler.lock.close()
    assert scheduler.frontier is None
    [error] = [r.getMessage() for r in caplog.records
               if r.levelno >= logging.ERROR and r.name == "crawler.state.jobdir"]
    return error


def assert_kept(error: str, path: Path, before: bytes) -> None:
    assert f"the frontier {path}" in error and "Nothing was crawled" in error, error
    assert "Delete" not in error and "damaged" not in error.replace("not found damaged", "")
    assert path.read_bytes() == before


def test_a_frontier_on_a_disk_out_of_inodes_is_refused_naming_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """SQLite says "unable to open database file" (it cannot create the -wal file): that
    was called damage, and the user told to delete the frontier and its queued requests."""
    with tmpfs(tmp_path / "job", "4m,nr_inodes=64") as job:
        path = a_frontier(job)
        before = path.read_bytes()
        use_up_inodes(job)
        error = refusal(job, caplog)
        assert f"No space left on device: {path.parent}" in error, error
        assert "inodes" in error, error
        assert_kept(error, path, before)


def test_a_frontier_sqlite_cannot_open_for_no_reason_found_is_not_called_damaged(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = a_frontier(tmp_path / "job")
    before = path.read_bytes()

    def cannot_open(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(sqlite3, "connect", cannot_open)
    error = refusal(tmp_path / "job", caplog)
    assert "unable to open database file" in error and "left as it is" in error, error
    assert_kept(error, path, before)


def test_a_frontier_in_place_of_which_is_a_folder_is_refused_naming_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = spider_jobdir(tmp_path / "job", "belta") / FRONTIER_FILE
    path.mkdir(parents=True)
    error = refusal(tmp_path / "job", caplog)
    assert f"Is a directory: {path}" in error or f"Is a directory: '{path}'" in error, error
    assert "Delete" not in error and path.is_dir()


RUN_AS_NOBODY = """
import logging, sys
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from scrapy import Spider
from scrapy.utils.test import get_crawler
from crawler.state.jobdir import JobScheduler
logging.basicConfig(level=logging.ERROR, format="%(name)s %(levelname)s: %(message)s",
                    stream=sys.stdout)
crawler = get_crawler(Spider, {"JOBDIR": sys.argv[1],
                               "DUPEFILTER_CLASS": "crawler.state.jobdir.JobDirDupeFilter"})
crawler.stats.open_spider()
crawler.engine = crawler._create_engine()
scheduler = JobScheduler.from_crawler(crawler)
scheduler.open(Spider("belta"))
print("frontier opened" if scheduler.frontier is not None else "refused")
"""


def test_a_frontier_its_user_may_not_write_is_refused_naming_it() -> None:
    """Another user's frontier (a crawl once run as root, now as a service user): SQLite
    opens it read-only and fails at its first write, which was called damage."""
    if shutil.which("setpriv") is None or os.geteuid() != 0:
        pytest.skip("needs root and setpriv to run the crawl as another user")
    job = Path(tempfile.mkdtemp(prefix="jobdir-eacces-"))
    try:
        job.chmod(0o755)
        path = a_frontier(job)
        path.parent.chmod(0o777)  # the folder is the crawl's; the file is root's
        path.chmod(0o644)  # readable: SQLite opens it, read-only
        (path.parent / LOCK_FILE).chmod(0o666)
        before = path.read_bytes()
        ran = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             "-c", RUN_AS_NOBODY, str(job)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(job)},
            capture_output=True, text=True, timeout=120)
        said = ran.stdout + ran.stderr
        assert "refused" in ran.stdout, said
        [error] = [line for line in ran.stdout.splitlines()
                   if line.startswith("crawler.state.jobdir ERROR")]
        assert f"Permission denied: {path}" in error, error
        assert_kept(error, path, before)
    finally:
        shutil.rmtree(job)
