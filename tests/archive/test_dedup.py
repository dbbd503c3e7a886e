"""The digest index (digests.sqlite3 beside the WARCs) is shared by every crawl writing into
the folder; one cut short must be refused, not read as a new index."""

from __future__ import annotations

import errno
import stat
from pathlib import Path

import pytest

from archive import writer as writer_module
from archive.dedup import DigestIndex, DigestIndexDamaged
from archive.errors import ArchiveWriteError, FolderSyncError
from archive.records import iter_records
from archive.writer import WarcWriter

from .conftest import make_exchange

URL = "http://example.com/a"


def _whole_index(path: Path) -> bytes:
    with DigestIndex(path) as index:
        index.add(URL, "sha1:AAAA", "2026-01-01T00:00:00Z", URL, "<urn:uuid:1>")
    for extra in path.parent.glob(path.name + "-*"):  # checkpointed by the clean close
        extra.unlink()
    return path.read_bytes()


@pytest.mark.parametrize("cut", ["empty", "header", "mid-page", "garbage"])
def test_a_digest_index_cut_short_is_refused_and_kept_as_it_is(tmp_path: Path,
                                                               cut: str) -> None:
    """An empty digests.sqlite3 was opened as a new index (every payload seen before was
    archived whole again, the revisits' originals forgotten) and written into; one missing
    the end of its last page opened with zeros in its place."""
    path = tmp_path / "digests.sqlite3"
    data = _whole_index(path)
    damaged = {"empty": b"", "header": data[:60], "mid-page": data[:-100],
               "garbage": b"not sqlite " * 500}[cut]
    path.write_bytes(damaged)
    with pytest.raises(DigestIndexDamaged, match="Move it aside") as refused:
        DigestIndex(path)
    said = str(refused.value)
    assert str(path) in said and "put back a copy" in said, said
    assert {"empty": "empty (0 bytes)", "garbage": "not a database"}.get(cut, "cut short") \
        in said, said
    assert path.read_bytes() == damaged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digests.sqlite3"]


def test_a_writer_over_a_damaged_digest_index_refuses_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "digests.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(ArchiveWriteError) as refused:
        WarcWriter(tmp_path)
    assert refused.value.path == str(path) and "Move it aside" in str(refused.value)
    assert path.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_a_new_digest_index_is_created_whole_and_leaves_no_temporary_file(
        tmp_path: Path) -> None:
    path = tmp_path / "warc" / "digests.sqlite3"
    path.parent.mkdir()
    DigestIndex(path).close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["digests.sqlite3"]
    assert path.stat().st_size > 0 and path.stat().st_size % 4096 == 0
    with WarcWriter(path.parent) as w:
        w.write_exchange(make_exchange(URL, b"same"))
        w.write_exchange(make_exchange(URL, b"same"))
    (warc,) = path.parent.glob("*.warc.gz")
    kinds = [i.record.rec_type for i in iter_records(warc)]
    assert kinds.count("response") == 1 and kinds.count("revisit") == 1, kinds


def test_a_digest_index_on_a_disk_out_of_inodes_is_refused_naming_it_and_kept(
        tmp_path: Path) -> None:
    """SQLite says only "unable to open database file" (it cannot create the -wal file):
    the WARC writer's error named neither the disk nor what to do."""
    from tests.support.disk import tmpfs, use_up_inodes
    with tmpfs(tmp_path / "warc", "4m,nr_inodes=64") as folder:
        path = folder / "digests.sqlite3"
        before = _whole_index(path)
        use_up_inodes(folder)
        with pytest.raises(ArchiveWriteError) as refused:
            WarcWriter(folder)
        said = str(refused.value)
        assert refused.value.path == str(path) and f"digest index {path}" in said, said
        assert f"No space left on device: {folder}" in said and "inodes" in said, said
        assert "Move it aside" not in said and "left as it is" in said, said
        assert not isinstance(refused.value, DigestIndexDamaged)
        assert path.read_bytes() == before


def test_a_digest_index_the_disk_fills_under_mid_run_is_named_as_the_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The WARC appended, its digest's row then refused by the full disk: the crawl's one
    error said "cannot write WARC …/digests.sqlite3", a WARC file no one could find."""
    from tests.support.disk import fill, tmpfs
    monkeypatch.setattr(writer_module, "UNSYNCED_ROWS", 1)  # a row per record, as it fills
    with tmpfs(tmp_path / "warc", "1m") as folder:
        path = folder / "digests.sqlite3"
        writer = WarcWriter(folder)
        fill(folder, leave=16 * 4096)  # each digest commits a page to the WAL: it fills first
        with pytest.raises(ArchiveWriteError) as refused:
            for n in range(10_000):
                writer.write_exchange(make_exchange(f"{URL}{n}", b"x"))
        said = str(refused.value)
        assert refused.value.path == str(path), said
        assert said.startswith(f"cannot write the digest index {path}: ") and "full" in said
        writer.close()  # the records written (the last one too, if unindexed) stay whole
        (warc,) = folder.glob("*.warc.gz")
        assert len([i for i in iter_records(warc) if i.record.rec_type == "response"]) == n + 1


def test_the_digest_index_errors_cross_a_process_boundary_whole(tmp_path: Path) -> None:
    """Errors are pickled when a worker pool sends them back: each of the write errors comes
    back with its class, path and message."""
    import errno
    import pickle

    from archive.dedup import DigestIndexUnusable
    from archive.errors import ArchiveWriteError

    path = tmp_path / "digests.sqlite3"
    full = OSError(errno.ENOSPC, "No space left on device")
    for error in (ArchiveWriteError(path, full, "the digest index"),
                  DigestIndexDamaged(path, ValueError("file is not a database")),
                  DigestIndexUnusable(path, ValueError("locked"), full)):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error)
        assert (back.path, str(back)) == (str(path), str(error))


def _log_syncs_and_commits(monkeypatch: pytest.MonkeyPatch, log: list) -> None:
    """Record each fsync of a WARC (with how many bytes it had then) and each commit of
    index rows, in the order they happen."""
    real_fsync, real_add_many = writer_module.os.fsync, DigestIndex.add_many

    def fsync(fd: int) -> None:
        real_fsync(fd)
        status = writer_module.os.fstat(fd)
        if stat.S_ISREG(status.st_mode):  # the folder's own sync is another test's
            log.append(("fsync", status.st_size))

    def add_many(index: DigestIndex, rows: list) -> None:
        real_add_many(index, rows)
        log.append(("rows", [row[4] for row in rows]))

    monkeypatch.setattr(writer_module.os, "fsync", fsync)
    monkeypatch.setattr(DigestIndex, "add_many", add_many)


def _rows_seen_by_another_process(path: Path) -> set[str]:
    import sqlite3
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT record_id FROM digests")}


def test_a_digest_row_is_committed_only_after_its_record_is_fsynced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The row was committed right after the record's write, before any fsync: a power loss
    could leave the index naming a record that never reached the disk, and every later capture
    of that payload became a revisit of nothing."""
    monkeypatch.setattr(writer_module, "UNSYNCED_ROWS", 3)
    log: list = []
    _log_syncs_and_commits(monkeypatch, log)
    ends: dict[str, int] = {}
    with WarcWriter(tmp_path) as writer:
        for n in range(7):
            ref = writer.write_exchange(make_exchange(f"{URL}{n}", f"page {n}".encode()))
            ends[ref.record_id] = writer._size
            if n == 1:  # two rows waiting: none visible yet, though the records are written
                assert _rows_seen_by_another_process(tmp_path / "digests.sqlite3") == set()
    assert [kind for kind, _ in log] == ["fsync", "rows", "fsync", "rows", "fsync", "rows"]
    synced = 0
    for kind, what in log:
        if kind == "fsync":
            synced = what
            continue
        assert what and all(ends[record_id] <= synced for record_id in what), (log, ends)
    assert sum(len(what) for kind, what in log if kind == "rows") == 7
    assert _rows_seen_by_another_process(tmp_path / "digests.sqlite3") == set(ends)


def test_a_payload_repeated_before_its_row_is_synced_is_still_a_revisit(
        tmp_path: Path) -> None:
    """The writer's own rows waiting for the fsync answer its lookups: a page fetched twice
    in one batch is stored once."""
    with WarcWriter(tmp_path) as writer:
        first = writer.write_exchange(make_exchange(URL, b"same"))
        writer.write_exchange(make_exchange(URL, b"same"))
    (warc,) = tmp_path.glob("*.warc.gz")
    kinds = [i.record.rec_type for i in iter_records(warc) if i.record.rec_type != "request"]
    assert kinds == ["warcinfo", "response", "revisit"]
    revisit = [i.record for i in iter_records(warc) if i.record.rec_type == "revisit"][0]
    assert revisit.get("WARC-Refers-To") == first.record_id


def test_rows_waiting_longer_than_the_bound_are_synced_on_the_next_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Other crawls sharing the index see a row within UNSYNCED_SECONDS of a slow crawl's
    next write, not only when its file closes."""
    clock = [1000.0]
    monkeypatch.setattr(writer_module.time, "monotonic", lambda: clock[0])
    index = tmp_path / "digests.sqlite3"
    with WarcWriter(tmp_path) as writer:
        first = writer.write_exchange(make_exchange(f"{URL}1", b"one"))
        clock[0] += writer_module.UNSYNCED_SECONDS - 0.5
        writer.write_exchange(make_exchange(f"{URL}2", b"two"))
        assert _rows_seen_by_another_process(index) == set()
        clock[0] += 1.0
        third = writer.write_exchange(make_exchange(f"{URL}3", b"three"))
        seen = _rows_seen_by_another_process(index)
        assert first.record_id in seen and third.record_id in seen and len(seen) == 3


def test_rows_waiting_past_the_bound_are_synced_by_a_write_that_adds_no_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound was checked only when a new row came: a crawl then fetching only revisits,
    404s and redirects kept its rows from other crawls until its file closed."""
    clock = [1000.0]
    monkeypatch.setattr(writer_module.time, "monotonic", lambda: clock[0])
    index = tmp_path / "digests.sqlite3"
    with WarcWriter(tmp_path) as writer:
        first = writer.write_exchange(make_exchange(URL, b"one"))
        clock[0] += writer_module.UNSYNCED_SECONDS + 1
        writer.write_exchange(make_exchange(f"{URL}gone", b"nf", status=404))
        assert _rows_seen_by_another_process(index) == {first.record_id}
        second = writer.write_exchange(make_exchange(f"{URL}2", b"two"))
        clock[0] += writer_module.UNSYNCED_SECONDS + 1
        writer.write_exchange(make_exchange(f"{URL}2", b"two"))  # a revisit
        assert _rows_seen_by_another_process(index) == {first.record_id, second.record_id}


def _fsync_failing_once(monkeypatch: pytest.MonkeyPatch, on_call: int) -> None:
    """EIO from the n-th fsync, then success, as Linux answers after a writeback error
    though the dirty pages are gone."""
    real_fsync, calls = writer_module.os.fsync, [0]

    def fsync(fd: int) -> None:
        calls[0] += 1
        if calls[0] == on_call:
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(writer_module.os, "fsync", fsync)


def test_rows_of_a_failed_fsync_are_never_committed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows were kept after the fsync failed, and close's second fsync (0 after a
    writeback error) committed them, naming records that may be lost."""
    monkeypatch.setattr(writer_module, "UNSYNCED_ROWS", 2)
    _fsync_failing_once(monkeypatch, 1)
    writer = WarcWriter(tmp_path)
    writer.write_exchange(make_exchange(f"{URL}a", b"one"))
    with pytest.raises(ArchiveWriteError, match="Input/output error"):
        writer.write_exchange(make_exchange(f"{URL}b", b"two"))
    writer.close()
    assert _rows_seen_by_another_process(tmp_path / "digests.sqlite3") == set()


def test_rows_of_a_file_whose_closing_fsync_failed_are_not_committed_by_a_reused_writer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """close_file's fsync failed, the writer went on into a new file: the next sync
    committed the old file's rows along with its own."""
    _fsync_failing_once(monkeypatch, 1)
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(make_exchange(f"{URL}a", b"one"))
        with pytest.raises(ArchiveWriteError, match="Input/output error"):
            writer.close_file()
        kept = writer.write_exchange(make_exchange(f"{URL}b", b"two"))
    assert _rows_seen_by_another_process(tmp_path / "digests.sqlite3") == {kept.record_id}


def test_the_folder_is_synced_once_per_new_file_before_its_first_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows were committed naming records in a file whose directory entry was never made
    durable: a power loss could take the whole file while the index names it."""
    monkeypatch.setattr(writer_module, "UNSYNCED_ROWS", 1)
    log: list = []
    real_sync_folder = writer_module.sync_folder
    monkeypatch.setattr(writer_module, "sync_folder",
                        lambda folder: (real_sync_folder(folder), log.append("folder")))
    real_add_many = DigestIndex.add_many
    monkeypatch.setattr(DigestIndex, "add_many",
                        lambda index, rows: (real_add_many(index, rows), log.append("rows")))
    with WarcWriter(tmp_path, max_size=2500) as writer:
        for n in range(6):
            writer.write_exchange(make_exchange(f"{URL}{n}", f"page {n}".encode() * 100))
        files = len(writer.closed_files) + (writer.current_path is not None)
    assert files >= 2
    assert log[0] == "folder" and log.count("folder") == files
    assert log.count("rows") == 6


def test_a_rotation_whose_folder_sync_fails_is_a_write_error_listing_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder's fsync failed after a full file's rename: only a WARNING, the crawl went
    on, though the folder was never synced for that file, so a power loss could take it
    whole (its pages exported); the same EIO from sync() stopped the crawl: two policies."""
    real_fsync = writer_module.os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(writer_module.os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(writer_module.os, "fsync", fsync)
    writer = WarcWriter(tmp_path, max_size=2500)
    with pytest.raises(FolderSyncError) as raised:
        for n in range(3):
            writer.write_exchange(make_exchange(f"{URL}{n}", f"page {n}".encode() * 100))
    (closed,) = sorted(tmp_path.glob("*.warc.gz"))
    assert writer.closed_files == [closed]
    records = len(list(iter_records(closed)))
    assert str(raised.value) == (
        f"{records} records of {closed} may be lost on a power loss; the folder {tmp_path} "
        "could not be synced: [Errno 5] Input/output error")
    assert _rows_seen_by_another_process(tmp_path / "digests.sqlite3") == set()
    writer.digest_index.close()


def test_a_folder_sync_failing_in_sync_names_the_open_file_and_its_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same policy and message when the timer's or idle sync meets the failure."""
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(make_exchange(URL, b"page"))
        monkeypatch.setattr(writer_module, "sync_folder", _eio)
        with pytest.raises(FolderSyncError, match=r"^3 records of .*\.warc\.gz\.open may be "
                           r"lost on a power loss; the folder .* could not be synced"):
            writer.sync()
        monkeypatch.undo()
    assert _rows_seen_by_another_process(tmp_path / "digests.sqlite3") == set()


def _eio(folder: Path) -> None:
    raise OSError(errno.EIO, "Input/output error")


def test_a_file_without_digest_rows_has_its_folder_synced_at_close(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file holding only answers that make no row (404s, revisits) was closed with its
    folder never synced: a power loss could take the whole file."""
    synced: list[Path] = []
    real_sync_folder = writer_module.sync_folder
    monkeypatch.setattr(writer_module, "sync_folder",
                        lambda folder: synced.append(folder) or real_sync_folder(folder))
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(make_exchange(URL, b"gone", status=404))
    assert synced == [tmp_path]
    assert _rows_seen_by_another_process(tmp_path / "digests.sqlite3") == set()
