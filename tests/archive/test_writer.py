import gzip
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.errors import ArchiveWriteError
from archive.records import iter_records, read_info_at
from archive.repair import repair_open_files
from archive.writer import WarcWriter, payload_digest

from .conftest import make_exchange

VENV_BIN = Path(sys.executable).parent


def _records(path):
    with open(path, "rb") as fh:
        out = []
        for rec in ArchiveIterator(fh):
            body = rec.raw_stream.read()
            out.append((rec, body))
        return out


def test_write_read_back_with_warcio(tmp_path):
    gz = gzip.compress(b"<html>" + "привет".encode() * 50 + b"</html>")
    binary = bytes(range(256)) * 4
    with WarcWriter(tmp_path, warcinfo={"robots": "obey", "user-agent": "test-bot"}) as w:
        ref1 = w.write_exchange(make_exchange("http://example.com/a", b"abc"))
        w.write_exchange(
            make_exchange(
                "http://example.com/gz",
                gz,
                headers=[
                    ("Content-Type", "text/html"),
                    ("Content-Encoding", "gzip"),
                    ("Transfer-Encoding", "chunked"),
                ],
            )
        )
        w.write_exchange(
            make_exchange("http://example.com/bin", binary, headers=[("Content-Length", "99")])
        )
        w.write_exchange(make_exchange("http://example.com/missing", b"nope", status=404))
        w.write_exchange(
            make_exchange(
                "http://example.com/old",
                b"",
                status=301,
                reason="Moved Permanently",
                headers=[("Location", "/new")],
            )
        )
        open_name = w.current_path.name
        assert open_name.endswith(".warc.gz.open")
    files = list(tmp_path.glob("*.warc.gz"))
    assert [f.name for f in files] == [open_name[: -len(".open")]]
    assert not list(tmp_path.glob("*.open"))
    assert ref1.file == files[0].name
    res = subprocess.run([VENV_BIN / "warcio", "check", "-v", files[0]], capture_output=True)
    assert res.returncode == 0, res.stdout + res.stderr

    recs = _records(files[0])
    types = [r.rec_type for r, _ in recs]
    assert types == ["warcinfo"] + ["response", "request"] * 5
    info = recs[0][1].decode()
    assert "robots: obey" in info and "fidelity:" in info and "warcio" in info
    assert recs[0][0].rec_headers.protocol == "WARC/1.1"
    by_id = {r.rec_headers.get_header("WARC-Record-ID"): r for r, _ in recs}
    for (resp, body), (req, _) in zip(recs[1::2], recs[2::2], strict=True):
        assert req.rec_headers.get_header("WARC-Concurrent-To") == resp.rec_headers.get_header(
            "WARC-Record-ID"
        )
        assert req.rec_headers.get_header("WARC-Target-URI") == resp.rec_headers.get_header(
            "WARC-Target-URI"
        )
        assert resp.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
        assert resp.rec_headers.get_header("WARC-Date") == "2026-01-02T03:04:05.123456Z"
        assert resp.rec_headers.get_header("WARC-Payload-Digest") == payload_digest(body)
        assert req.http_headers.protocol == "GET"
    assert set(by_id) >= {ref1.record_id}
    bodies = {r.rec_headers.get_header("WARC-Target-URI"): (r, b) for r, b in recs[1::2]}
    r, b = bodies["http://example.com/gz"]
    assert b == gz  # stored as received, still gzip
    assert r.http_headers.get_header("Transfer-Encoding") is None
    assert r.http_headers.get_header("Content-Length") == str(len(gz))
    assert r.http_headers.get_header("Content-Encoding") == "gzip"
    r, b = bodies["http://example.com/bin"]
    assert b == binary
    assert r.http_headers.get_header("Content-Length") == str(len(binary))
    assert r.http_headers.get_header("X-Archive-Orig-Content-Length") == "99"
    r, _ = bodies["http://example.com/missing"]
    assert r.http_headers.statusline == "404 Not Found"
    r, _ = bodies["http://example.com/old"]
    assert r.http_headers.statusline == "301 Moved Permanently"
    assert r.http_headers.get_header("Location") == "/new"
    # the RecordRef points at the response member
    info = read_info_at(files[0], ref1.offset)
    assert info.length == ref1.length and info.record.record_id == ref1.record_id
    assert info.record.http().body == b"abc"


def test_rotation_and_names(tmp_path):
    refs = []
    with WarcWriter(tmp_path, prefix="../evil/x y", max_size=3000) as w:
        for i in range(10):
            refs.append(w.write_exchange(make_exchange(f"http://e.com/{i}", os.urandom(1500))))
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) >= 5
    for f in files:
        assert "/" not in f.name and ".." not in f.name
        assert f.name.startswith("__evil_x_y-2")
        first = next(iter_records(f))
        assert first.record.rec_type == "warcinfo"
    for i, ref in enumerate(refs):
        rec = read_info_at(tmp_path / ref.file, ref.offset).record
        assert rec.target_uri == f"http://e.com/{i}"


def test_write_error_keeps_earlier_records(tmp_path, monkeypatch):
    w = WarcWriter(tmp_path)
    w.write_exchange(make_exchange("http://e.com/1"))
    real_write = os.write

    def failing(fd, data):
        real_write(fd, bytes(data)[:10])  # partial write, then the disk is "full"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", failing)
    with pytest.raises(ArchiveWriteError) as ei:
        w.write_exchange(make_exchange("http://e.com/2"))
    assert ".open" in ei.value.path and "No space" in str(ei.value)
    monkeypatch.setattr(os, "write", real_write)
    w.write_exchange(make_exchange("http://e.com/3"))
    w.close()
    (f,) = tmp_path.glob("*.warc.gz")
    uris = [i.record.target_uri for i in iter_records(f) if i.record.rec_type == "response"]
    assert uris == ["http://e.com/1", "http://e.com/3"]


def test_unwritable_directory_raises_clear_error(tmp_path):
    target = tmp_path / "file-not-dir"
    target.write_text("x")
    with pytest.raises(ArchiveWriteError):
        WarcWriter(target / "sub")


KILL_SCRIPT = r"""
import os, sys
sys.path.insert(0, sys.argv[2])
from tests.archive.conftest import make_exchange
from archive.writer import WarcWriter
w = WarcWriter(sys.argv[1])
i = 0
while True:
    w.write_exchange(make_exchange(f"http://e.com/{i}", os.urandom(300_000)))
    i += 1
    if i == 3:
        print("ready", flush=True)
"""


def test_repair_after_sigkill(tmp_path):
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(tmp_path), str(repo)], stdout=subprocess.PIPE
    )
    assert proc.stdout.readline().strip() == b"ready"
    proc.kill()
    proc.wait()
    (open_file,) = tmp_path.glob("*.warc.gz.open")
    size = open_file.stat().st_size
    results = repair_open_files(tmp_path)
    assert len(results) == 1 and results[0].status in ("repaired", "repaired-damaged")
    (final,) = tmp_path.glob("*.warc.gz")
    assert final.name == open_file.name[: -len(".open")] == results[0].final_file
    infos = list(iter_records(final))  # raises on any bad record
    assert len(infos) == results[0].records_kept >= 7
    assert infos[-1].offset + infos[-1].length == final.stat().st_size
    assert final.stat().st_size + results[0].bytes_cut == size
    for info in infos:
        rec = info.record
        if rec.rec_type == "response":
            assert rec.get("WARC-Payload-Digest") == payload_digest(rec.http().body)


def test_repair_cuts_partial_tail(tmp_path):
    w = WarcWriter(tmp_path)
    w.write_exchange(make_exchange("http://e.com/1"))
    path = w.current_path
    good = path.stat().st_size
    os.close(w._fd)  # simulate a crash: lock released, file left as .open
    w._fd = None
    with open(path, "ab") as fh:
        fh.write(gzip.compress(b"WARC/1.1\r\nContent-Length: 100\r\n\r\nshort")[:-9])
    (res,) = repair_open_files(tmp_path)
    assert res.status == "repaired-damaged" and res.records_kept == 3
    assert res.bytes_cut > 0 and [d.moved for d in res.damaged] == [True]
    assert (tmp_path / res.final_file).stat().st_size == good
    assert (tmp_path / res.side_file).stat().st_size == res.bytes_cut


def test_live_open_file_is_not_repaired(tmp_path):
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange())
        path = w.current_path
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        (res,) = repair_open_files(tmp_path)
        assert res.status == "skipped-locked"
        assert path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == before
        w.write_exchange(make_exchange("http://example.com/b"))
    assert len(list(tmp_path.glob("*.warc.gz"))) == 1


def test_warcio_reads_payload_digest_like_ours():
    assert payload_digest(b"") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"
    assert io  # keep import list honest


def _open_writer(directory: str) -> None:
    WarcWriter(directory, prefix="race").close()


def test_two_crawls_starting_at_once_in_a_new_folder_both_write(tmp_path):
    """Two processes creating the folder's digest index at the same instant (crawlall, Redis
    workers sharing a WARC_DIR): switching the new database to WAL used to fail one with
    'database is locked' about three times in four."""
    from tests.support.race import race

    assert race(_open_writer, lambda n: (str(tmp_path / f"warc{n}"),), 30) == []


def test_truncated_exchange_is_marked_and_never_a_revisit_original(tmp_path):
    """What arrived of a failed download is a response record with WARC-Truncated, kept out
    of the digest index: a later whole capture of the same bytes is no revisit of it."""
    cut = make_exchange(payload=b"<html>part")
    cut.truncated = "time"
    with WarcWriter(tmp_path, prefix="t") as w:
        w.write_exchange(cut)
        w.write_exchange(make_exchange(payload=b"<html>part"))
    recs = []
    for path in sorted(tmp_path.glob("*.warc.gz")):
        with path.open("rb") as fh:
            recs += [(r.rec_type, r.rec_headers.get_header("WARC-Truncated"))
                     for r in ArchiveIterator(fh) if r.rec_type in ("response", "revisit")]
    assert recs == [("response", "time"), ("response", None)]


def test_bodiless_answers_keep_their_content_length_as_sent(tmp_path):
    """A HEAD answer, a 204 and a 304 describe a resource, not a body to serve (RFC 9110)."""
    from dataclasses import replace

    sent = [("Content-Type", "text/html"), ("Content-Length", "1234")]
    with WarcWriter(tmp_path) as w:
        w.write_exchange(replace(make_exchange("http://example.com/h", b"", headers=sent),
                                 method="HEAD"))
        w.write_exchange(make_exchange("http://example.com/n", b"", status=204, headers=sent))
        w.write_exchange(make_exchange("http://example.com/g", b"", status=200, headers=sent))
    got = {}
    for path in tmp_path.glob("*.warc.gz"):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    got[rec.rec_headers.get_header("WARC-Target-URI")] = rec.http_headers
    for url in ("http://example.com/h", "http://example.com/n"):
        assert got[url].get_header("Content-Length") == "1234", url
        assert got[url].get_header("X-Archive-Orig-Content-Length") is None
    # a GET whose body is empty: the stored headers describe the stored (empty) body
    assert got["http://example.com/g"].get_header("Content-Length") == "0"


def test_a_digest_index_that_cannot_be_written_is_an_archive_write_error(tmp_path,
                                                                        monkeypatch):
    """The record went in, then the digest index (SQLite, beside the WARCs: the same full
    disk) refused it: a bare sqlite3.OperationalError escaped, which the crawl read as a
    failed page ("Article not fetched (operational_error)") and went on crawling."""
    import sqlite3

    from archive import writer as writer_module
    from archive.dedup import DigestIndex

    monkeypatch.setattr(writer_module, "UNSYNCED_ROWS", 1)  # the row goes in with its record

    DigestIndex(tmp_path / "digests.sqlite3").close()  # made, with its table
    index = DigestIndex(tmp_path / "digests.sqlite3")
    index._db.close()
    index._db = sqlite3.connect(f"{(tmp_path / 'digests.sqlite3').as_uri()}?mode=ro", uri=True)
    w = WarcWriter(tmp_path, digest_index=index)
    with pytest.raises(ArchiveWriteError) as ei:
        w.write_exchange(make_exchange("http://e.com/1"))
    assert ei.value.path == str(tmp_path / "digests.sqlite3") and "readonly" in str(ei.value)
    w.close()
    (f,) = tmp_path.glob("*.warc.gz")  # what was written stays readable
    assert [i.record.rec_type for i in iter_records(f)][0] == "warcinfo"
