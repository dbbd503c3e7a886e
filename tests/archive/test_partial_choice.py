"""Choosing behind a newest 206 with no whole page (``read_without_range``) reads only the
captures the index holds may be a whole 2xx of its spelling: a URL's 2,000 206s were 2,000
records read for every request of it (bench/partial_choice.py). WARCs written by warcio."""

from __future__ import annotations

import gzip
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.reader import ArchiveLookup, read_first, read_without_range

URL = "http://ex.by/news/a.html"


def block(status: str, body: bytes, *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in ("Content-Type: text/html", *headers))
    return (f"HTTP/1.1 {status}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode()
            + body)


def part(n: int) -> bytes:
    body = b"<p>tail %06d</p>" % n
    return block("206 Partial Content", body, f"Content-Range: bytes 100-{99 + len(body)}/"
                 f"{100 + len(body)}")


def write(path: Path, records: list[tuple[str, bytes | None, str]]) -> list[int]:
    """warcio records of URL: (type, HTTP block, or None for a revisit with no block; date).
    A revisit names the first record as its original."""
    offsets = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        first_id = None
        for kind, data, date in records:
            offsets.append(fh.tell())
            dates = {"WARC-Date": date}
            if kind == "revisit":
                http = None
                if data:
                    head, _, _ = data.partition(b"\r\n\r\n")
                    lines = head.decode().split("\r\n")
                    http = StatusAndHeaders(lines[0].split(" ", 1)[1],
                                            [tuple(x.split(": ", 1)) for x in lines[1:]],
                                            protocol="HTTP/1.1")
                rec = writer.create_revisit_record(URL, "sha1:AAAA", URL, "2026-01-01T00:00:00Z",
                                                   http_headers=http)
                rec.rec_headers.replace_header("WARC-Date", date)
                rec.rec_headers.add_header("WARC-Refers-To", first_id)
            else:
                rec = writer.create_warc_record(URL, "response", payload=io.BytesIO(data),
                                                warc_headers_dict=dates)
                first_id = first_id or rec.rec_headers.get_header("WARC-Record-ID")
            writer.write_record(rec)
    return offsets


def day(n: int) -> str:
    """The WARC-Date ``n`` minutes into 2026."""
    return f"{datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n):%Y-%m-%dT%H:%M:%SZ}"


def counting(lookup: ArchiveLookup) -> list[int]:
    """The offsets of the records ``lookup`` reads from now on."""
    loads: list[int] = []
    real = lookup._load
    lookup._load = lambda cap, url: loads.append(cap[2]) or real(cap, url)  # type: ignore
    return loads


def test_2000_206s_with_no_whole_page_cost_one_record_read(tmp_path):
    warc = tmp_path / "parts.warc.gz"
    offsets = write(warc, [("response", part(n), day(n)) for n in range(2000)])
    with ArchiveLookup([warc]) as lookup:
        loads = counting(lookup)
        chosen = read_first(lookup, URL)
        assert b"tail 001999" in chosen.payload and loads == [offsets[-1]]
        every = [c for c, stood_in_for in read_without_range(lookup, URL)]
    assert [c.ref.offset for c in every] == offsets[::-1]


def test_the_whole_200_behind_206s_404s_and_206_revisits_is_found_reading_it_alone(tmp_path):
    """Oldest a whole 200, then a 404, revisits carrying a 206's head (their payload the
    200's), and 206s: the index leaves all but the 200 unread. A revisit with no head of its
    own (replayed with its original's, a 200) may be the page: it is read, and is."""
    warc = tmp_path / "mixed.warc.gz"
    whole = block("200 OK", b"<html><p>the whole page</p></html>")
    records = [("response", whole, day(0)), ("response", block("404 Not Found", b"gone"),
                                             day(1))]
    records += [("revisit", part(n), day(2 + n)) for n in range(50)]
    records += [("response", part(n), day(60 + n)) for n in range(50)]
    offsets = write(warc, records)
    with ArchiveLookup([warc]) as lookup:
        loads = counting(lookup)
        (chosen, stood_in_for), *rest = read_without_range(lookup, URL)
        assert (chosen.status, chosen.ref.offset) == (200, offsets[0])
        assert stood_in_for.ref.offset == offsets[-1] and rest == []
        assert loads == [offsets[-1], offsets[0]]
    write(warc, [*records, ("revisit", None, day(200)), ("response", part(999), day(201))])
    with ArchiveLookup([warc]) as lookup:
        loads = counting(lookup)
        chosen = read_first(lookup, URL)
        assert (chosen.status, b"the whole page" in chosen.payload, len(loads)) == (200, True, 2)


def test_a_capture_unread_by_the_choice_is_said_when_walked_and_one_read_said_once(tmp_path):
    """Behind a newest 206: a 200 whose gzip body is damaged (a candidate, read to choose:
    said then) and a damaged 404 (never read to choose): each said once, the 404 when the
    walk past the 206 reaches it."""
    warc = tmp_path / "bad.warc.gz"
    bad = gzip.compress(random.Random(1).randbytes(2000))[:-30]  # cut inside its stream
    offsets = write(warc, [
        ("response", block("404 Not Found", bad, "Content-Encoding: gzip"), day(0)),
        ("response", block("200 OK", bad, "Content-Encoding: gzip"), day(1)),
        ("response", part(1), day(2))])
    said: list = []
    with ArchiveLookup([warc], on_error=said.append, max_decoded=10**6) as lookup:
        choices = read_without_range(lookup, URL)
        first, _ = next(choices)
        assert first.status == 206 and [e.offset for e in said] == [offsets[1]]
        assert list(choices) == []
    assert sorted(e.offset for e in said) == sorted(offsets[:2])



def _write_with_orphan(path: Path, records: list[tuple[str, bytes | None, str]]) -> list[int]:
    """As ``write``, but a revisit names an original no input holds."""
    offsets = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for kind, data, date in records:
            offsets.append(fh.tell())
            if kind == "revisit":
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                        protocol="HTTP/1.1")
                rec = writer.create_revisit_record(URL, "sha1:BBBB", URL,
                                                   "2025-01-01T00:00:00Z", http_headers=http)
                rec.rec_headers.replace_header("WARC-Date", date)
                rec.rec_headers.add_header("WARC-Refers-To", "<urn:uuid:missing>")
            else:
                rec = writer.create_warc_record(URL, "response", payload=io.BytesIO(data),
                                                warc_headers_dict={"WARC-Date": date})
            writer.write_record(rec)
    return offsets


def test_an_unreadable_capture_newer_than_the_206_is_said_once_and_no_walk_is_left_open(
        tmp_path, monkeypatch):
    """Newest a revisit whose original is not in the inputs, or a 200 whose gzip body is
    damaged, then a 206, then the whole 200: the walk behind the 206 passes over what the
    walk to it read, so the unreadable capture is said once (it was twice), and every walk
    is closed while its database is open (an abandoned one raised "Cannot operate on a
    closed database" when collected)."""
    import gc
    import sys
    leaked: list = []
    monkeypatch.setattr(sys, "unraisablehook", leaked.append)
    bad = gzip.compress(random.Random(1).randbytes(2000))[:-30]
    newest = {"revisit": ("revisit", None, day(3)),
              "damaged": ("response", block("200 OK", bad, "Content-Encoding: gzip"), day(3))}
    for kind, unreadable in newest.items():
        warc = tmp_path / f"{kind}.warc.gz"
        offsets = _write_with_orphan(warc, [
            ("response", block("200 OK", b"<html>whole</html>"), day(0)),
            ("response", part(1), day(1)), unreadable])
        said: list = []
        with ArchiveLookup([warc], on_error=said.append, max_decoded=10**6) as lookup:
            got = [(c.status, c.ref.offset, s.ref.offset if s else None)
                   for c, s in read_without_range(lookup, URL)]
        assert got == [(200, offsets[0], offsets[1])], kind
        assert [e.offset for e in said] == [offsets[2]], kind
        said.clear()  # (an error's traceback holds the frames of the walk that said it)
        gc.collect()
    assert leaked == []


def test_a_206_of_the_whole_page_behind_a_newest_part_is_chosen(tmp_path):
    """Behind a newest 206 holding part of the page: an older 206 that is the page (no
    Content-Range, ``bytes 0-N/*``, misspelled ``bytes=0-N/T``) is what a request with no
    Range reads; the index keeps it as a capture that may be whole."""
    body = b"<html><p>the whole page</p></html>"
    last = len(body) - 1
    for header in ((), (f"Content-Range: bytes 0-{last}/*",),
                   (f"Content-Range: bytes=0-{last}/{len(body)}",)):
        warc = tmp_path / "w.warc.gz"
        offsets = write(warc, [("response", block("206 Partial Content", body, *header), day(0)),
                               ("response", part(1), day(1))])
        with ArchiveLookup([warc]) as lookup:
            (chosen, stood_in_for), *_ = read_without_range(lookup, URL)
        assert (chosen.ref.offset, stood_in_for.ref.offset) == tuple(offsets), header
