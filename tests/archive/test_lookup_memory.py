"""ArchiveLookup keeps its URL -> captures index on disk (SQLite in a private temporary
folder): memory does not grow with the archive, the folder goes when the lookup does, and a
folder that cannot be made or written is a clear error naming it."""

from __future__ import annotations

import gc
import os
import stat
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from archive import reader
from archive.reader import ArchiveLookup, LookupIndexError

START = 1_767_225_600  # 2026-01-01T00:00:00Z


def _record(n: int, url: str, when: float) -> bytes:
    """An uncompressed response record with a tiny page (quick to write and read)."""
    body = f"<p>{n}</p>".encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    secs, micro = divmod(round(when * 1e6), 1_000_000)
    date = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{micro:06d}Z"
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:mem-{n}>\r\n"
            f"WARC-Date: {date}\r\nWARC-Target-URI: {url}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def _archive(folder: Path, records: int, files: int = 4) -> list[Path]:
    """``records`` captures, each URL captured about twice, over ``files`` WARC files."""
    folder.mkdir(parents=True, exist_ok=True)
    per_file = -(-records // files)
    paths = []
    for f in range(files):
        path = folder / f"mem-{f}.warc"
        with open(path, "wb") as fh:
            fh.writelines(_record(n, f"http://e{n % 5}.example.by/news/{n % (records // 2)}",
                                  START + n / 4)
                          for n in range(f * per_file, min(records, (f + 1) * per_file)))
        paths.append(path)
    return paths


def _python_memory(paths: list[Path]) -> tuple[int, int, ArchiveLookup]:
    """Peak and retained bytes the Python allocator gave while loading a lookup."""
    gc.collect()
    tracemalloc.start()
    try:
        lookup = ArchiveLookup(paths, on_error=lambda e: None)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, current, lookup


def test_memory_of_a_large_lookup_does_not_grow_with_the_archive(tmp_path):
    # the dict index held ~0.5 KB a capture: 30k captures kept ~15 MB and peaked higher;
    # now ~0.4 MB kept and a ~4 MB peak (a batch of rows), whatever the size. SQLite's own
    # page cache (outside the Python allocator) is bounded by its cache_size.
    paths = _archive(tmp_path / "w", 30_000)
    peak, retained, lookup = _python_memory(paths)
    assert retained < 1_000_000, retained
    assert peak < 6_000_000, peak
    with lookup:
        assert len(lookup) == 30_000
        got = lookup.get("http://e3.example.by/news/3")
        assert got is not None and got.payload == b"<p>15003</p>"  # the later of two


def _lookup_dirs(folder: Path) -> list[Path]:
    return sorted(folder.glob("archive-lookup-*"))


def test_the_index_folder_is_removed_on_close_and_on_leaving_with(tmp_path):
    paths = _archive(tmp_path / "w", 20, files=1)
    tmp = tmp_path / "t"
    tmp.mkdir()
    lookup = ArchiveLookup(paths, tmp_dir=tmp)
    (folder,) = _lookup_dirs(tmp)
    assert any(folder.iterdir())
    lookup.close()
    lookup.close()  # twice is harmless
    assert not folder.exists() and not any(tmp.iterdir())
    with ArchiveLookup(paths, tmp_dir=tmp) as lookup:
        assert lookup.get("http://e1.example.by/news/1").payload == b"<p>11</p>"
        assert len(_lookup_dirs(tmp)) == 1
    assert not any(tmp.iterdir())


def test_a_closed_lookup_says_so(tmp_path):
    lookup = ArchiveLookup(_archive(tmp_path / "w", 4, files=1), tmp_dir=tmp_path)
    lookup.close()
    with pytest.raises(ValueError, match="closed"):
        lookup.get("http://e1.example.by/news/1")


def test_the_index_folder_is_removed_when_the_lookup_is_garbage(tmp_path):
    paths = _archive(tmp_path / "w", 20, files=1)
    lookup = ArchiveLookup(paths, tmp_dir=tmp_path)
    assert len(_lookup_dirs(tmp_path)) == 1
    del lookup
    gc.collect()
    assert _lookup_dirs(tmp_path) == []


def test_the_index_folder_is_removed_when_loading_fails(tmp_path):
    bad = tmp_path / "w" / "bad.warc"
    bad.parent.mkdir()
    bad.write_bytes(_record(1, "http://e.com/a", START) + b"WARC/1.1\r\nnot a header\r\n\r\n")
    with pytest.raises(Exception):  # noqa: B017 - no on_error: the bad record raises
        ArchiveLookup([bad], tmp_dir=tmp_path)
    assert _lookup_dirs(tmp_path) == []


def test_the_index_folder_is_removed_at_process_exit(tmp_path):
    paths = _archive(tmp_path / "w", 20, files=1)
    script = ("import sys; from archive.reader import ArchiveLookup; "
              "lookup = ArchiveLookup(sys.argv[1], tmp_dir=sys.argv[2]); "
              "print(len(list(__import__('pathlib').Path(sys.argv[2]).iterdir())))")
    tmp = tmp_path / "t"
    tmp.mkdir()
    out = subprocess.run([sys.executable, "-c", script, str(paths[0]), str(tmp)],
                         capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "1"  # made while the lookup lived
    assert not any(tmp.iterdir())


def test_tmpdir_is_where_the_index_goes(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR is read once, then cached
    with ArchiveLookup(_archive(tmp_path / "w", 4, files=1)):
        assert len(_lookup_dirs(tmp_path)) == 1
    assert _lookup_dirs(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_index_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    paths = _archive(tmp_path / "w", 4, files=1)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(LookupIndexError) as err:
            ArchiveLookup(paths, tmp_dir=ro)
    finally:
        ro.chmod(stat.S_IRWXU)
    message = str(err.value)
    assert str(ro) in message and "Permission denied" in message and "writable folder" in message
    assert isinstance(err.value, OSError)


def test_a_missing_index_folder_is_a_clear_error(tmp_path):
    paths = _archive(tmp_path / "w", 4, files=1)
    with pytest.raises(LookupIndexError, match="No such file or directory") as err:
        ArchiveLookup(paths, tmp_dir=tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(err.value)


def test_an_index_folder_under_a_file_is_a_clear_error(tmp_path):
    paths = _archive(tmp_path / "w", 4, files=1)
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(LookupIndexError, match="Not a directory") as err:
        ArchiveLookup(paths, tmp_dir=tmp_path / "file")
    assert str(tmp_path / "file") in str(err.value)


def test_a_full_index_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    # SQLite's own limit on the file's pages: the error a full disk gives (SQLITE_FULL)
    monkeypatch.setattr(reader, "_PRAGMAS", (*reader._PRAGMAS, "PRAGMA max_page_count=3"))
    paths = _archive(tmp_path / "w", 2_000, files=1)
    tmp = tmp_path / "t"
    tmp.mkdir()
    with pytest.raises(LookupIndexError, match="database or disk is full") as err:
        ArchiveLookup(paths, tmp_dir=tmp)
    assert str(tmp) in str(err.value) and "lookup.sqlite3" in str(err.value)
    assert not any(tmp.iterdir())


def test_a_forked_child_closing_its_copy_leaves_the_parents_index(tmp_path):
    # reextract's worker pool forks after the lookup is built: a child that ends its copy
    # (close, garbage, its own exit) must not remove the folder the parent still reads
    paths = _archive(tmp_path / "w", 20, files=1)
    with ArchiveLookup(paths, tmp_dir=tmp_path) as lookup:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            lookup.close()
            os._exit(0)
        assert os.waitpid(pid, 0)[1] == 0
        assert len(_lookup_dirs(tmp_path)) == 1
        assert lookup.get("http://e1.example.by/news/1").payload == b"<p>11</p>"
    assert _lookup_dirs(tmp_path) == []
