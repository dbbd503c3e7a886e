import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from archive.writer import WarcWriter
from tests.support.pywb import have_tool, tools_bin, tools_venv

from .conftest import make_exchange

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not have_tool("wacz"), reason=f"wacz not installed in {tools_venv()}")
def test_wacz_validates(tmp_path):
    with WarcWriter(tmp_path / "w") as w:
        w.write_exchange(
            make_exchange(
                "http://e.com/a",
                "<html><head><title>Загаловак &amp; A</title></head></html>".encode(),
            )
        )
        w.write_exchange(make_exchange("http://e.com/b", b"<html><h1>Heading B</h1></html>"))
        w.write_exchange(make_exchange("http://e.com/c", b"<html><title>C</title></html>"))
        w.write_exchange(make_exchange("http://e.com/img", b"\x89PNG", headers=[]))
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps({"id": "1", "url": "http://e.com/c", "title": "From item"}))
    out = tmp_path / "a.wacz"
    res = subprocess.run(
        [sys.executable, "-m", "archive", "wacz", str(tmp_path / "w"), "-o", str(out)]
        + ["--items", str(items)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    res = subprocess.run([tools_bin("wacz"), "validate", "-f", str(out)], capture_output=True)
    assert res.returncode == 0, res.stdout
    assert b"Validation succeeded" in res.stdout
    with zipfile.ZipFile(out) as zf:
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()]
        assert pages[0]["format"] == "json-pages-1.0"
        titles = {p["url"]: p["title"] for p in pages[1:]}
        assert titles == {
            "http://e.com/a": "Загаловак & A",
            "http://e.com/b": "Heading B",
            "http://e.com/c": "From item",
        }
        index = zf.read("indexes/index.cdx").decode().splitlines()
        assert len(index) == 4
        for info in zf.infolist():
            if info.filename.startswith("archive/"):
                assert info.compress_type == zipfile.ZIP_STORED
        pkg = json.loads(zf.read("datapackage.json"))
        assert pkg["wacz_version"] == "1.1.1"
        assert {r["path"] for r in pkg["resources"]} >= {"indexes/index.cdx", "pages/pages.jsonl"}


def _wacz_cli(tmp_path, *extra):
    out = tmp_path / "x.wacz"
    res = subprocess.run([sys.executable, "-m", "archive", "wacz", str(tmp_path / "w"), "-o",
                          str(out), *map(str, extra)], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    pages = []
    if out.exists():
        with zipfile.ZipFile(out) as zf:
            pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()][1:]
    return res, {p["url"]: p["title"] for p in pages}


def test_unclosed_title_and_h1_are_scanned_in_linear_time():
    import time

    from archive.records import HttpMessage
    from archive.wacz import html_title

    def msg(body: bytes) -> HttpMessage:
        return HttpMessage("HTTP/1.1", 200, "OK", "", "", [("Content-Type", "text/html")], body)

    hostile = [b"<title>" * 40_000, b"<h1>" * 60_000, b"<title><h1" * 30_000,
               b"<meta" * 50_000 + b"<title>x</title>", b"<title>" + b"<" * 200_000 + b"</title>"]
    start = time.process_time()
    titles = [html_title(msg(body)) for body in hostile]
    assert time.process_time() - start < 2  # the regexes took minutes on these
    assert titles[:3] == ["", "", ""] and titles[3] == "x"
    assert html_title(msg(b"<TITLE lang=be>A &amp; <b>B</b></TITLE><h1>H</h1>")) == "A & B"
    assert html_title(msg(b"<h1 class=x>Head</h1>")) == "Head"
    assert html_title(msg(b"<h10>no</h10><titlex>no</titlex>")) == ""


def test_a_title_across_chunks_damaged_further_on_is_read_from_the_whole_chunks():
    """A size line damaged after whole chunks: the title was read from the stored bytes,
    a chunk-size line ("b") in its middle."""
    from archive.records import HttpMessage
    from archive.wacz import html_title

    body = b"9\r\n<title>Ab\r\nb\r\ncd</title>x\r\n6z\r\n<p>the rest\r\n0\r\n\r\n"
    headers = [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")]
    assert html_title(HttpMessage("HTTP/1.1", 200, "OK", "", "", headers, body)) == "Abcd"


def test_wacz_reads_a_title_from_the_start_of_a_body_that_inflates_past_the_cap(tmp_path):
    """A page over the decoding cap (a long page, or a bomb) is no error of the archive
    (``verify`` passes it): its title is read from the first TITLE_BODY_MAX bytes. It was
    reported as an error, and ``wacz`` exited 1 on a valid archive."""
    import zlib

    def gzipped(head: bytes) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        body = packer.compress(head) + b"".join(
            packer.compress(b" " * (1 << 20)) for _ in range(20))
        return body + packer.flush()

    gz = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    with WarcWriter(tmp_path / "w") as w:
        w.write_exchange(make_exchange("http://e.com/long", gzipped(b"<title>Long</title>"),
                                       headers=gz))
        w.write_exchange(make_exchange("http://e.com/bomb", gzipped(b"<title>"), headers=gz))
        w.write_exchange(make_exchange("http://e.com/ok", b"<title>Fine</title>"))
    import archive.wacz as wacz

    old, wacz.TITLE_BODY_MAX = wacz.TITLE_BODY_MAX, 1 << 20
    try:
        errors = []
        info = wacz.build_wacz([next((tmp_path / "w").glob("*.warc.gz"))], tmp_path / "b.wacz",
                               on_error=errors.append)
    finally:
        wacz.TITLE_BODY_MAX = old
    assert info["pages"] == 3 and errors == []
    with zipfile.ZipFile(tmp_path / "b.wacz") as z:
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").splitlines()[1:]]
    assert [(p["url"], p["title"]) for p in pages] == [
        ("http://e.com/long", "Long"), ("http://e.com/bomb", "http://e.com/bomb"),
        ("http://e.com/ok", "Fine")]


def test_wacz_skips_bad_item_lines_with_their_numbers(tmp_path):
    with WarcWriter(tmp_path / "w") as w:
        w.write_exchange(make_exchange("http://e.com/a", b"<title>Own</title>"))
        w.write_exchange(make_exchange("http://e.com/b", b"<title>B own</title>"))
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join([
        json.dumps({"url": "http://e.com/a", "title": ["not", "a", "string"]}),
        "[" * 50_000,
        json.dumps({"url": "http://e.com/b", "title": "From item"}),
    ]))
    res, titles = _wacz_cli(tmp_path, "--items", items)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "line 2:" in res.stderr and "line 1:" not in res.stderr
    assert titles == {"http://e.com/a": "Own", "http://e.com/b": "From item"}


def _raw_record(uri: str, date: str, http: bytes) -> bytes:
    head = ("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:x-1>\r\n"
            f"WARC-Date: {date}\r\nWARC-Target-URI: {uri}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n")
    return gzip.compress(head.encode() + http + b"\r\n\r\n")


@pytest.mark.parametrize("uri,date,http", [
    ("http://e.com/bad", "2026-99-99T00:00:00Z", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\nx"),
    ("http://[::1/bad", "2026-01-01T00:00:00Z", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\nx"),
    ("http://e.com/bad", "2026-01-01T00:00:00Z", b"HTTP/1.1 abc OK\r\nContent-Type: text/html\r\n\r\nx"),
])
def test_wacz_reports_a_bad_record_and_packages_the_rest(tmp_path, uri, date, http):
    good = [_raw_record(f"http://e.com/{i}", "2026-01-01T00:00:00Z",
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>T</title>")
            for i in range(2)]
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "mixed.warc.gz").write_bytes(good[0] + _raw_record(uri, date, http)
                                                   + good[1])
    res, titles = _wacz_cli(tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert f"offset {len(good[0])}:" in res.stderr
    assert titles == {"http://e.com/0": "T", "http://e.com/1": "T"}


def test_a_page_with_repeated_content_fields_is_listed_as_the_crawl_reads_it(tmp_path):
    """A server that repeats Content-Type (a proxy adding its own) or sends its codings on two
    Content-Encoding lines: the page list reads the last type and undoes every coding, as
    Scrapy (so the crawl and replay) and browsers do."""
    import zlib

    title = "<title>Навіны</title>".encode("cp1251")
    deflated = zlib.compress(gzip.compress(title))
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "dup.warc.gz").write_bytes(
        _raw_record("http://e.com/typed", "2026-01-01T00:00:00Z",
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                    b"Content-Type: text/html; charset=windows-1251\r\n\r\n" + title)
        + _raw_record("http://e.com/coded", "2026-01-01T00:00:00Z",
                      b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1251\r\n"
                      b"Content-Encoding: gzip\r\nContent-Encoding: deflate\r\n\r\n" + deflated))
    res, titles = _wacz_cli(tmp_path)
    assert res.returncode == 0, res.stderr
    assert titles == {"http://e.com/typed": "Навіны", "http://e.com/coded": "Навіны"}


@pytest.mark.parametrize("coding", ["gzip", "deflate, chunked"])
def test_a_title_is_read_from_the_start_of_a_transfer_coding_past_the_cap(monkeypatch, coding):
    """A page sent with ``Transfer-Encoding: gzip`` (wget keeps the hop's coding in its WARC)
    that unpacks past TITLE_BODY_MAX had no title, and nothing said why; it is read from the
    start, as a Content-Encoding's is. A Content-Encoding under it needs its whole stream: a
    page whose coded stream is past the cap still has none."""
    import random
    import zlib

    import archive.wacz as wacz
    from archive.httputil import ContentDecodingError
    from archive.records import HttpMessage

    def sent(payload: bytes) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31 if coding == "gzip" else 15)
        body = packer.compress(payload) + packer.flush()
        return b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if "chunked" in coding else body

    monkeypatch.setattr(wacz, "TITLE_BODY_MAX", 1 << 16)
    page = b"<html><title>Long page</title>" + b"<p>text</p>" * 20_000
    headers = [("Content-Type", "text/html"), ("Transfer-Encoding", coding)]
    for named in ([], [("Content-Encoding", "identity")], [("Content-Encoding", "utf-8")]):
        assert wacz.html_title(HttpMessage("HTTP/1.1", 200, "OK", "", "", headers + named,
                                           sent(page))) == "Long page", named
    headers.append(("Content-Encoding", "deflate"))
    coded = zlib.compress(page + random.Random(7).randbytes(1 << 17))  # past the cap, coded
    with pytest.raises(ContentDecodingError):
        wacz.html_title(HttpMessage("HTTP/1.1", 200, "OK", "", "", headers, sent(coded)))
    assert wacz.html_title(HttpMessage("HTTP/1.1", 200, "OK", "", "", headers,
                                       sent(zlib.compress(page)))) == "Long page"


@pytest.mark.skipif(not have_tool("wacz"), reason=f"wacz not installed in {tools_venv()}")
def test_verify_agrees_with_the_zipnum_index_py_wacz_writes(tmp_path):
    """py-wacz (Webrecorder's packer) indexes foreign WARCs into a ZipNum index
    (indexes/index.cdx.gz, blocks named by index.idx): verify reads every line of it and
    finds each at its record; the same index with a line's offset moved is an error."""
    from archive.verify import verify
    from tests.support.data import FOREIGN

    names = ["sample-browsertrix-style.warc.gz", "sample-heritrix-style.warc.gz",
             "shape-dupes.warc.gz", "wget-site.warc.gz"]
    for name in names:
        (tmp_path / name).write_bytes((Path(FOREIGN) / name).read_bytes())
    out = tmp_path / "py.wacz"
    res = subprocess.run([tools_bin("wacz"), "create", "-o", str(out), *names], cwd=tmp_path,
                         capture_output=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert verify([out]).error_count == 0
    with zipfile.ZipFile(out) as zf:
        lines = gzip.decompress(zf.read("indexes/index.cdx.gz")).decode().splitlines()
    assert len(lines) > 20
    moved = lines[5].replace('"offset": "', '"offset": "1')
    bad = tmp_path / "moved.wacz"
    with zipfile.ZipFile(out) as zi, zipfile.ZipFile(bad, "w") as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == "indexes/index.cdx.gz":
                data = gzip.compress(("\n".join([*lines[:5], moved, *lines[6:]]) + "\n").encode())
            zo.writestr(info, data)
    report = verify([bad])
    assert [(p.file, p.offset) for p in report.errors if p.file != str(bad)] == [
        (f"{bad}#indexes/index.cdx.gz", len("\n".join(lines[:5])) + 1),
        # the block index names the block py-wacz wrote, whose bytes are gone
        (f"{bad}#indexes/index.idx", len(zipfile.ZipFile(out).read("indexes/index.idx")
                                         .splitlines(keepends=True)[0]))]
    # (and the datapackage.json py-wacz wrote gives the index's old size and hash)
    assert [p.message.split(" ", 3)[:3] for p in report.errors if p.file == str(bad)] == [
        ["datapackage.json", "lists", "'indexes/index.cdx.gz'"]] * 2
