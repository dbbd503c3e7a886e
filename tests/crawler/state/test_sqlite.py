"""The SQLite state store: the StateStore contract, the file settings name, WAL for readers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.state import StateUnavailable, open_state, state_path
from crawler.state.sqlite import SQLiteStateStore
from tests.crawler.state.store_contract import (
    URL,
    check_bad_check_times,
    check_damaged_not_due,
    check_removals,
    check_retry_waits,
    check_round_trip_and_replace,
    check_signatures,
    record,
)


def test_records_round_trip_and_are_replaced(tmp_path: Path) -> None:
    check_round_trip_and_replace(lambda: SQLiteStateStore(tmp_path / "state.sqlite3"))


def test_removals_are_kept_until_cleared(tmp_path: Path) -> None:
    check_removals(lambda: SQLiteStateStore(tmp_path / "state.sqlite3"))


def test_signatures_are_kept_per_article(tmp_path: Path) -> None:
    check_signatures(lambda: SQLiteStateStore(tmp_path / "state.sqlite3"))


def test_the_file_is_state_path_or_under_data_dir(tmp_path: Path) -> None:
    assert state_path(Settings({"DATA_DIR": str(tmp_path)})) == (
        tmp_path / "state" / "state.sqlite3")
    explicit = tmp_path / "elsewhere" / "s.sqlite3"
    store = open_state(Settings({"DATA_DIR": str(tmp_path), "STATE_PATH": str(explicit)}))
    assert isinstance(store, SQLiteStateStore)
    store.put(record())
    store.close()
    assert explicit.exists() and not (tmp_path / "state").exists()


def test_a_put_is_committed_at_once_for_other_processes(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = SQLiteStateStore(path)
    store.put(record(), b"\x01" * 16)
    # A plain connection (another process would open the same way) sees the committed row
    # while the store is still open; the journal is WAL, so readers never block the writer.
    other = sqlite3.connect(path)
    assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert other.execute("SELECT version FROM articles WHERE url = ?", (URL,)).fetchall() == [(1,)]
    other.close()
    store.close()


def _open_store(path: str) -> None:
    SQLiteStateStore(path).db.close()


def test_two_runs_creating_the_state_file_at_once_both_open(tmp_path: Path) -> None:
    """crawlall starts spiders that share DATA_DIR/state.sqlite3 at the same instant."""
    from tests.support.race import race

    assert race(_open_store, lambda n: (str(tmp_path / f"d{n}" / "state.sqlite3"),), 30) == []


def _whole_store(path: Path) -> bytes:
    store = SQLiteStateStore(path)
    store.put(record())
    store.close()
    return path.read_bytes()


@pytest.mark.parametrize("cut", ["empty", "header", "mid-page"])
def test_a_store_cut_short_is_refused_and_kept_as_it_is(tmp_path: Path, cut: str) -> None:
    """An empty file opened as a new store (every known article then looked new); the end of
    a last page cut off opened too, its missing bytes read as zeros."""
    path = tmp_path / "state.sqlite3"
    data = _whole_store(path)
    damaged = {"empty": b"", "header": data[:60], "mid-page": data[:-100]}[cut]
    path.write_bytes(damaged)
    with pytest.raises(StateUnavailable, match="move it aside") as refused:
        SQLiteStateStore(path)
    assert str(path) in str(refused.value)
    assert ("empty (0 bytes)" if cut == "empty" else "cut short") in str(refused.value)
    assert path.read_bytes() == damaged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.sqlite3"]


def test_a_new_store_is_created_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "state" / "state.sqlite3"
    store = SQLiteStateStore(path)
    store.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.sqlite3"]
    assert path.stat().st_size % 4096 == 0 and path.stat().st_size > 0
    assert SQLiteStateStore(path).get(URL) is None


def test_an_in_memory_store_opens(tmp_path: Path) -> None:
    store = SQLiteStateStore(":memory:")
    store.put(record())
    assert store.get(URL) is not None


def test_a_store_on_a_disk_out_of_inodes_is_refused_naming_it_and_kept(tmp_path: Path) -> None:
    """SQLite cannot create the -wal file ("unable to open database file"): the advice was
    to make the file writable, which it is; the disk has bytes free but no inode."""
    from tests.support.disk import tmpfs, use_up_inodes
    with tmpfs(tmp_path / "state", "4m,nr_inodes=64") as folder:
        path = folder / "state.sqlite3"
        before = _whole_store(path)
        use_up_inodes(folder)
        with pytest.raises(StateUnavailable) as refused:
            SQLiteStateStore(path).check_writable()
        said = str(refused.value)
        assert f"State store {path} cannot be used" in said, said
        assert f"No space left on device: {folder}" in said and "inodes" in said, said
        assert "move it aside" not in said and "writable" not in said, said
        assert path.read_bytes() == before


def test_due_checks_are_the_longest_unchecked_first_and_a_check_moves_one_back(
        tmp_path: Path) -> None:
    """An article never checked is due from its last capture; one checked from that check;
    oldest first, only those before the time asked; a store written before checks existed
    (no table) gains it at its first check."""
    path = tmp_path / "state.sqlite3"
    store = SQLiteStateStore(path)
    a, b, c = (record(url=f"https://www.belta.by/a/{n}/", ident=f"belta-{n}", version=v)
               for n, v in ((1, 3), (2, 1), (3, 2)))  # captured on the 7th, 5th, 6th
    for each in (a, b, c):
        store.put(each)
    assert not store.has_table("checks")  # a new store, as an older crawler left one
    store.close()
    store = SQLiteStateStore(path)
    due = [(r.url, last) for r, last in store.due_checks("2026-01-07T00:00:00+00:00")]
    assert due == [(b.url, b.captured), (c.url, c.captured)]  # a captured after the limit
    store.set_checked(b.url, "2026-01-10T00:00:00+00:00")
    due = [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00")]
    assert due == [c.url, a.url, b.url]
    store.close()


def test_a_store_without_the_checks_table_opens_on_a_full_disk_unchanged(
        tmp_path: Path) -> None:
    """A store written before the checks table existed, on a full disk: opening it created
    the table, a write, so the run was refused before it read a record. It now opens, reads
    and takes its write lock without a byte written; the table is made at the first check,
    which fails as any write on a full disk does (and succeeds once there is room)."""
    from tests.support.disk import fill, tmpfs
    with tmpfs(tmp_path / "state", "4m") as folder:
        path = folder / "state.sqlite3"
        store = SQLiteStateStore(path)
        store.put(record())
        store.db.execute("DROP TABLE IF EXISTS checks")  # as an older crawler left it
        store.close()
        before = path.read_bytes()
        filler = fill(folder, leave=9 * 4096)  # the WAL index and header fit, no page more
        store = SQLiteStateStore(path)
        store.check_writable()
        assert store.get(URL) is not None
        assert [r.url for r, _ in store.due_checks("2100-01-01T00:00:00+00:00")] == [URL]
        with pytest.raises(sqlite3.OperationalError, match="disk is full"):
            store.set_checked(URL, "2026-06-01T00:00:00+00:00")
        store.close()
        assert path.read_bytes() == before
        filler.unlink()
        store = SQLiteStateStore(path)
        store.set_checked(URL, "2026-06-01T00:00:00+00:00")  # (a time ahead is dropped)
        assert list(store.due_checks("2026-06-01T00:00:00+00:00")) == []
        store.close()


def test_a_recheck_tried_and_not_done_waits_its_retry_and_lets_the_others_go_first(
        tmp_path: Path) -> None:
    """An old article whose re-check failed (a 503, a timeout: nothing learnt) was never
    noted, so it stayed first in line and a budget of N spent every run on the same N. A try
    is noted: the article is not due again before ``retry_before`` passes its try, and a
    check done clears it."""
    store = SQLiteStateStore(tmp_path / "state.sqlite3")
    check_retry_waits(store)
    assert store.has_table("tries")
    assert store.db.execute("SELECT COUNT(*) FROM tries").fetchone()[0] == 0
    store.close()


@pytest.mark.parametrize(("column", "value", "why"), [
    ("version", "x", "version 'x' is no whole number from 1"),
    ("version", 0, "version 0 is no whole number from 1"),
    ("captured", b"\x00", "captured b'\\x00' is no text"),
])
def test_a_damaged_record_is_said_once_and_read_as_never_exported(
        tmp_path: Path, column: str, value: object, why: str,
        caplog: pytest.LogCaptureFixture) -> None:
    store = SQLiteStateStore(tmp_path / "state.sqlite3")
    store.put(record())
    store.db.execute(f"UPDATE articles SET {column} = ? WHERE url = ?", (value, URL))
    assert store.get(URL) is None and store.get(URL) is None
    assert store.damaged == {URL: why}
    assert [r.getMessage().count(why) for r in caplog.records] == [1]
    store.put(record())  # the next export replaces it
    assert store.get(URL) == record()
    store.close()


@pytest.mark.parametrize(("column", "value", "why"), [
    ("version", "x", "version 'x' is no whole number from 1"),
    ("published", b"5", "published b'5' is no text"),  # (5 is kept as text)
    ("digest", b"\x00", "digest b'\\x00' is no text"),
])
def test_a_damaged_record_is_skipped_by_the_recheck_scan_and_said_once(
        tmp_path: Path, column: str, value: object, why: str,
        caplog: pytest.LogCaptureFixture) -> None:
    """due_checks yielded the row as it was: a version of 'x' or a date in bytes went on to the
    re-check's age test and its request. It is skipped and said as ``get`` says it."""
    store = SQLiteStateStore(tmp_path / "state.sqlite3")

    def damage(url: str) -> None:
        store.db.execute(f"UPDATE articles SET {column} = ? WHERE url = ?", (value, url))
    check_damaged_not_due(store, damage, store.damaged, why)
    assert [r.getMessage().count(why) for r in caplog.records] == [1]
    store.close()


def test_a_url_that_is_no_text_is_said_by_the_recheck_scan_not_given_to_its_filter(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A URL stored as bytes reached the caller's ``wanted`` test, which takes text."""
    store = SQLiteStateStore(tmp_path / "state.sqlite3")
    store.put(record())
    store.db.execute("UPDATE articles SET url = ?", (URL.encode(),))
    store.put(record(url="https://www.belta.by/a/2/"))
    due = store.due_checks("2026-02-01T00:00:00+00:00",
                           wanted=lambda url: url.startswith("https://www.belta.by/"))
    assert [r.url for r, _ in due] == ["https://www.belta.by/a/2/"]
    assert store.damaged == {URL.encode(): f"url {URL.encode()!r} is no text"}
    assert len([r for r in caplog.records if "is damaged (" in r.getMessage()]) == 1
    store.close()


@pytest.mark.parametrize(("value", "why"), [
    ("abc", "'abc' is no ISO 8601 time"),
    ("NaN", "'NaN' is no ISO 8601 time"),
    ("2026-01-01", "'2026-01-01' names no UTC offset"),
    ("2099-01-01T00:00:00+00:00", "2099-01-01T00:00:00+00:00 is ahead of now"),
    ("1900-01-01T00:00:00+00:00", "1900-01-01T00:00:00+00:00 is before 1970"),
    (1_767_000_000, "'1767000000' is no ISO 8601 time"),  # (TEXT affinity: kept as text)
    (b"2026-01-01T00:00:00+00:00", "is no text"),
])
def test_a_check_time_edited_by_hand_is_said_once_dropped_and_the_article_is_due(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, value: object, why: str) -> None:
    """A check time of 'abc' or years ahead sorted after every real time (text): the
    article was never due again; a try years ahead kept it from its retry forever."""
    store = SQLiteStateStore(tmp_path / "state.sqlite3")

    def spoil(url: str, kind: str) -> None:
        table, column = ("checks", "checked") if kind == "check" else ("tries", "tried")
        if kind == "try":
            store.set_tried(url, "2026-01-01T00:00:00+00:00")
        store.db.execute(f"UPDATE {table} SET {column} = ? WHERE url = ?",
                         (value if kind == "check" else "2099-01-01T00:00:00+00:00", url))
    check_bad_check_times(store, spoil, store.bad_check_times, why)
    said = [r.getMessage() for r in caplog.records if "is damaged" in r.getMessage()]
    assert len(said) == 2, said
    assert any("re-check time of https://www.belta.by/a/1/" in line for line in said), said
    assert store.db.execute("SELECT COUNT(*) FROM tries").fetchone()[0] == 0
    store.close()
