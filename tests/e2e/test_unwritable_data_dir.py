"""DATA_DIR on a read-only or full disk from the start, the state store kept elsewhere (its
own check, tests/e2e/test_state_faults.py, covers DATA_DIR/state): one ERROR naming the
folder and why before anything is fetched, exit 1. It was an ERROR from each component that
tried (a traceback from the feed exporter among them), with the run report lost too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_full_disk import crawl, old_site
from tests.support.disk import fill, remount_read_only, tmpfs
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("disk", ["read-only", "full"])
def test_an_unwritable_data_dir_refuses_the_run_before_crawling(disk: str,
                                                                 tmp_path: Path) -> None:
    site = old_site()
    with tmpfs(tmp_path / "data", "1m") as data_dir, FixtureServer([site.site]) as server:
        if disk == "read-only":
            remount_read_only(data_dir)
        else:
            fill(data_dir)
        run = crawl(data_dir, server, {"STATE_PATH": str(tmp_path / "state.sqlite3")})
        assert run.returncode == 1, run.stderr[-3000:]
        errors = [line for line in run.stderr.splitlines() if " ERROR: " in line]
        assert len(errors) == 1, "\n".join(errors)
        reason = "Read-only file system" if disk == "read-only" else "No space left on device"
        assert str(data_dir) in errors[0] and reason in errors[0], errors[0]
        assert "Nothing was crawled" in errors[0]
        assert "Traceback" not in run.stderr
        assert server.hits == []
        files = sorted(p.name for p in data_dir.rglob("*") if p.is_file())
        assert files == ([] if disk == "read-only" else ["filler"])


def test_a_full_data_dir_with_the_state_store_in_it_refuses_the_run(tmp_path: Path) -> None:
    """The state store's own check said "database or disk is full. Make it and its folder
    writable": advice for another fault."""
    site = old_site()
    with tmpfs(tmp_path / "data", "1m") as data_dir, FixtureServer([site.site]) as server:
        fill(data_dir)
        run = crawl(data_dir, server)
        errors = [line for line in run.stderr.splitlines() if " ERROR: " in line]
        assert run.returncode == 1 and len(errors) == 1, run.stderr[-3000:]
        assert str(data_dir / "state" / "state.sqlite3") in errors[0]
        assert f"No space left on device: {data_dir / 'state'} (" in errors[0], errors[0]
        assert "bytes free on its disk). Free space on its disk" in errors[0], errors[0]
        assert "writable" not in errors[0] and server.hits == []


def test_a_state_store_whose_disk_cannot_hold_its_wal_index_says_the_disk_is_full(
        tmp_path: Path) -> None:
    """SQLite says "disk I/O error" when it cannot create the WAL index of a store on a full
    disk; the advice was to make the file writable."""
    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(data_dir / "state", "1m") as state, FixtureServer([site.site]) as server:
        assert crawl(data_dir, server).returncode == 0
        fill(state, leave=4096)
        run = crawl(data_dir, server)
        errors = [line for line in run.stderr.splitlines() if " ERROR: " in line]
        assert run.returncode == 1 and len(errors) == 1, run.stderr[-3000:]
        assert str(state / "state.sqlite3") in errors[0]
        assert f"No space left on device: {state} (" in errors[0], errors[0]
        assert "bytes free on its disk). Free space on its disk" in errors[0], errors[0]
