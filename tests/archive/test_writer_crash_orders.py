"""A writer SIGKILLed at each step of its crash order (mid-record, mid-gzip header, between a
response and its request member, after a rename before the index commit, between locking a
new file and dropping its temporary name): `repair` then `verify` in real processes leave
every byte either in a closed file or in a `.damaged` side file, and every digest-index row
names a record a closed file holds. SIGKILL keeps the page cache, so those checks alone
would pass a writer committing rows before any fsync: the child also logs its fsyncs, folder
syncs and index commits, and every commit must follow the fsync of the bytes its rows name
and a folder sync since their file was created (what a power loss would otherwise take)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.records import iter_records

REPO = Path(__file__).resolve().parents[2]

# argv: folder, crash point, which call of that step dies
WRITER = r"""
import json, os, signal, stat, sys, zlib
from archive import writer as W
from archive.dedup import DigestIndex
from tests.archive.conftest import make_exchange

folder, point, at, events = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
log_fd = os.open(events, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

def log(**event):  # unbuffered: a SIGKILL loses no line
    os.write(log_fd, (json.dumps(event) + "\n").encode())

def file_name(path):
    return os.path.basename(path).removesuffix(W.OPEN_SUFFIX)

real_fsync, real_add_many, real_remember = W.os.fsync, DigestIndex.add_many, W.WarcWriter._remember

def fsync(fd):
    if stat.S_ISDIR(os.fstat(fd).st_mode):
        log(event="folder")
    else:
        log(event="fsync", inode=os.fstat(fd).st_ino, size=os.fstat(fd).st_size)
    real_fsync(fd)

def add_many(self, rows):
    log(event="commit", ids=[row[4] for row in rows])
    real_add_many(self, rows)

def remember(self, url, digest, entry):
    log(event="row", id=entry.record_id, file=self._final_name, end=self._size)
    real_remember(self, url, digest, entry)

W.os.fsync, DigestIndex.add_many, W.WarcWriter._remember = fsync, add_many, remember
# a row committed after every write (the most rows a crash can betray), or, killed after
# a rename, all of a file's rows waiting for its close
W.UNSYNCED_ROWS = 1000 if point == "after-rename" else 1
calls = {"append": 0, "close": 0, "link": 0}

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def member_end(data):
    inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
    inflater.decompress(data)
    return len(data) - len(inflater.unused_data)

TORN = {"mid-record": lambda d: len(d) // 2, "mid-gzip-header": lambda d: 6,
        "mid-request-member": lambda d: (member_end(d) + len(d)) // 2}
real_append, real_named, real_link = (W.append_whole, W.WarcWriter._sync_folder,
                                      W._link_no_replace)

def append(fd, data, start, **kw):
    calls["append"] += 1
    if point in TORN and calls["append"] == at:
        os.write(fd, data[:TORN[point](data)])
        die()
    real_append(fd, data, start, **kw)

def named(self, final):
    calls["close"] += 1
    if point == "after-rename" and calls["close"] == at:
        die()
    return real_named(self, final)

def link(src, dst):
    real_link(src, dst)
    log(event="create", file=file_name(dst), inode=os.stat(dst).st_ino)
    calls["link"] += 1
    if point == "after-link" and calls["link"] == at:
        die()

W.append_whole, W.WarcWriter._sync_folder, W._link_no_replace = append, named, link
with W.WarcWriter(folder, max_size=3000) as writer:
    for n in range(8):
        writer.write_exchange(make_exchange(f"http://example.com/{n}", f"page {n} ".encode() * 200))
"""

POINTS = [("mid-record", 1), ("mid-record", 6), ("mid-gzip-header", 4),
          ("mid-request-member", 3), ("after-rename", 1), ("after-link", 2)]


def _archive(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archive", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def _record_ids(folder: Path) -> set[str]:
    return {info.record.record_id for path in folder.glob("*.warc.gz")
            for info in iter_records(path)}


def _indexed(folder: Path) -> set[str]:
    with sqlite3.connect(folder / "digests.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT record_id FROM digests")}


def _bytes(folder: Path, pattern: str) -> int:
    return sum(path.stat().st_size for path in folder.glob(pattern))


def _commits_out_of_order(events: list[dict]) -> list[str]:
    """Rows committed before the bytes of their record were fsynced, or before the folder
    was synced after their file was created: what a power loss could turn into rows naming
    records no file holds."""
    inodes: dict[str, int] = {}
    synced: dict[int, int] = {}
    named: dict[str, bool] = {}
    rows: dict[str, dict] = {}
    wrong = []
    for event in events:
        kind = event["event"]
        if kind == "create":
            named[event["file"]], inodes[event["file"]] = False, event["inode"]
        elif kind == "folder":
            named = dict.fromkeys(named, True)
        elif kind == "fsync":
            synced[event["inode"]] = event["size"]
        elif kind == "row":
            rows[event["id"]] = event
        elif kind == "commit":
            for record_id in event["ids"]:
                row = rows[record_id]
                if synced.get(inodes[row["file"]], 0) < row["end"] or not named.get(row["file"]):
                    wrong.append(record_id)
    return wrong


def _events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize(("point", "at"), POINTS)
def test_a_writer_killed_anywhere_loses_no_byte_and_indexes_no_missing_record(
        tmp_path: Path, point: str, at: int) -> None:
    folder, log = tmp_path / "warc", tmp_path / "events.jsonl"
    folder.mkdir()
    killed = subprocess.run([sys.executable, "-c", WRITER, str(folder), point, str(at),
                             str(log)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert killed.returncode == -9, killed.stderr
    events = _events(log)
    assert [e for e in events if e["event"] == "create"]
    assert _commits_out_of_order(events) == []
    tmp_path = folder
    written = _bytes(tmp_path, "*.warc.gz") + _bytes(tmp_path, "*.warc.gz.open")
    repaired = _archive("repair", str(tmp_path))
    torn = point in ("mid-record", "mid-gzip-header", "mid-request-member")
    assert repaired.returncode == (1 if torn else 0), repaired.stdout + repaired.stderr
    assert not list(tmp_path.glob("*.open")) and not list(tmp_path.glob(".*.creating"))
    assert _bytes(tmp_path, "*.warc.gz") + _bytes(tmp_path, "*.damaged") == written
    assert bool(list(tmp_path.glob("*.damaged"))) == torn
    if list(tmp_path.glob("*.warc.gz")):
        verified = _archive("verify", str(tmp_path))
        assert verified.returncode == 0, verified.stdout + verified.stderr
    assert _indexed(tmp_path) <= _record_ids(tmp_path)
