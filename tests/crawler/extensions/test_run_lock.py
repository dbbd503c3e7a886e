"""The per-outlet run lock (crawler.extensions.run_lock): held by one crawl, named with its pid."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from archive.fileio import lock_holder
from crawler.extensions.run_lock import RunLock, acquire, lock_path


def test_a_held_lock_is_refused_and_names_its_holder(tmp_path: Path) -> None:
    path = tmp_path / "state" / "belta.lock"
    first = acquire(path)
    assert first is not None
    assert acquire(path) is None  # flock is per open file: a second open is refused too
    assert lock_holder(path) == str(os.getpid())
    first.close()
    again = acquire(path)
    assert again is not None
    again.close()


def test_the_lock_sits_beside_the_state_store_it_guards(tmp_path: Path) -> None:
    assert lock_path(Settings({"DATA_DIR": str(tmp_path)}), "belta") == (
        tmp_path / "state" / "belta.lock")
    assert lock_path(Settings({"STATE_PATH": str(tmp_path / "s" / "x.sqlite3")}), "zerkalo") == (
        tmp_path / "s" / "zerkalo.lock")
    # a row's key may hold any character: it stays one file name in that folder
    assert lock_path(Settings({"DATA_DIR": str(tmp_path)}), "../a/b c") == (
        tmp_path / "state" / "..%2Fa%2Fb%20c.lock")
    # a key of 300 characters ("File name too long" as the run started): cut, told apart
    long_keys = [lock_path(Settings({"DATA_DIR": str(tmp_path)}), "я" * 300 + end)
                 for end in "ab"]
    assert long_keys[0] != long_keys[1] and all(len(p.name) <= 205 for p in long_keys)
    held = acquire(long_keys[0])
    assert held is not None
    held.close()


def test_a_spider_locks_each_of_its_outlets_and_is_refused_by_any_one_held(
        tmp_path: Path) -> None:
    """Regional papers crawled side by side share no lock; one paper in two runs does. The
    locks a refused run took are let go."""
    from scrapy.utils.test import get_crawler

    from crawler.spiders.regional import RegionalSpider

    def built(sites: str) -> RunLock:
        crawler = get_crawler(RegionalSpider, {"DATA_DIR": str(tmp_path)})
        crawler.spider = RegionalSpider.from_crawler(crawler, sites=sites)
        return RunLock(crawler)

    first = built("pvestnik.by,shklovinfo.by")
    assert len(first.handles) == 2 and not first.refused
    assert {p.name for p in (tmp_path / "state").glob("*.lock")} == {
        "pvestnik.by.lock", "shklovinfo.by.lock"}
    beside = built("orshanka.by")
    assert len(beside.handles) == 1 and not beside.refused
    clash = built("orshanka.by,pvestnik.by")
    assert clash.refused and clash.handles == []
    beside.release()
    again = built("orshanka.by")  # the refused run held orshanka.by for no longer than it ran
    assert not again.refused
    for lock in (first, again):
        lock.release()


@pytest.mark.parametrize("settings", [{"RUN_LOCK": False}, {"REDIS_URL": "redis://127.0.0.1:1/0"},
                                      {"STATE_PATH": ":memory:"}])  # what replay sets
def test_no_lock_when_off_or_without_a_shared_state(tmp_path: Path, settings: dict,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # ":memory:" has no folder: nothing may land in the cwd
    class Crawler:
        pass

    crawler = Crawler()
    crawler.settings = Settings({"DATA_DIR": str(tmp_path), **settings})
    with pytest.raises(NotConfigured):
        RunLock(crawler)
    assert list(tmp_path.iterdir()) == []


def test_a_lock_the_full_disk_refuses_lets_the_outlets_locked_before_it_go(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two outlets, the disk full by the second one's note: the run fails, and the first
    outlet's lock, taken a moment before, is not left held while the error is handled (the
    next spider of a crawlall would find its own paper locked)."""
    import errno

    from scrapy.utils.test import get_crawler

    import archive.fileio as fileio
    from crawler.spiders.regional import RegionalSpider

    real = fileio._write_note

    def full_at_second(handle, text):
        if handle.name.endswith("shklovinfo.by.lock"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(handle, text)

    monkeypatch.setattr(fileio, "_write_note", full_at_second)
    crawler = get_crawler(RegionalSpider, {"DATA_DIR": str(tmp_path)})
    crawler.spider = RegionalSpider.from_crawler(crawler, sites="pvestnik.by,shklovinfo.by")
    with pytest.raises(OSError, match="No space left") as refused:
        RunLock(crawler)
    taken = acquire(tmp_path / "state" / "pvestnik.by.lock")  # the error still at hand
    assert taken is not None, f"the first outlet's lock was still held ({refused.value})"
    taken.close()
