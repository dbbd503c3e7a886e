"""A URL whose only captures are 206s (``wget -c`` resumed and its first part was never
archived, a browser's range request): part of the page, never taken for the article. Replay
serves it as the archive holds it, flagged, counted and said; extraction (crawl, replay,
``reextract``, a paged article's join) refuses it as ``partial_content``, naming the URL and
the record's file and offset, as it refuses a WARC-Truncated body."""

from __future__ import annotations

import gzip
import logging
import zlib
from pathlib import Path

import brotli
import pytest
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from archive.httputil import (
    ContentTooLargeError,
    content_problem,
    decode_part,
    encoding_not_applied,
)
from archive.reader import ArchiveLookup
from crawler.archive_join import decoded_body
from crawler.downloadermiddlewares.integrity import part_as_sent
from crawler.downloadermiddlewares.replay import WarcReplayMiddleware
from crawler.extraction import ExtractionError, extract_article
from crawler.extraction.worker import extract_for_crawl
from crawler.items import ArticlePage, partial_of
from crawler.reextract import pages_from_archive, reextract
from tests.support.warcs import warcio_warc

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/outlets/belta/2026-01"
URL = "https://www.belta.by/president/view/novost-nomer-0-427700-2026/"
HTML = gzip.decompress((FIXTURES / "belta-0.html.gz").read_bytes())


def part_block(body: bytes, start: int, end: int | None = None) -> bytes:
    """A 206's HTTP block as a server sends it: bytes ``start`` to ``end`` of ``body``."""
    end = len(body) - 1 if end is None else end
    part = body[start:end + 1]
    return (b"HTTP/1.1 206 Partial Content\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Range: bytes %d-%d/%d\r\nContent-Length: %d\r\n\r\n"
            % (start, end, len(body), len(part)) + part)


# the parts a resumed download archives: its tail from just inside <head> (title and body all
# there: an article before), its second half, and its start cut before the end of the page
PARTS = {"from_head": (HTML.index(b"<head"), None), "second_half": (len(HTML) // 2, None),
         "all_but_the_end": (0, len(HTML) - 40)}


def _run(paths: list[Path]) -> tuple:
    items: list[dict] = []
    bad: list = []
    report = reextract([str(p) for p in paths], 1, items.append, on_bad_record=bad.append)
    return report, items, bad


@pytest.mark.parametrize("part", sorted(PARTS))
def test_reextract_makes_no_article_of_a_url_archived_only_as_a_206(tmp_path, part):
    warc = tmp_path / "wget-c.warc.gz"
    [offset] = warcio_warc(warc, [(URL, part_block(HTML, *PARTS[part]), "2026-01-14T10:00:00Z")])
    report, items, bad = _run([warc])
    assert (items, bad, dict(report.failed)) == ([], [], {"partial_content": 1})
    with ArchiveLookup([warc]) as lookup:  # what the worker logs, naming URL, file, offset
        [(page, passed)] = pages_from_archive(lookup, URL, 10**7)
    with pytest.raises(ExtractionError) as refused:
        extract_for_crawl(page)
    said = str(refused.value)
    assert passed is None and refused.value.reason == "partial_content"
    assert URL in said and f"WARC {warc} offset {offset}" in said
    start, end = PARTS[part]
    assert f"Content-Range 'bytes {start}-{end or len(HTML) - 1}/{len(HTML)}'" in said


def test_a_206_holding_the_whole_body_is_still_the_article(tmp_path):
    """``bytes 0-N/N+1``, as long as its payload: the page itself, as before."""
    warc = tmp_path / "whole.warc.gz"
    warcio_warc(warc, [(URL, part_block(HTML, 0), "2026-01-14T10:00:00Z")])
    report, items, bad = _run([warc])
    assert [i["url"] for i in items] == [URL] and not report.failed and not bad


def test_a_whole_200_before_the_206_is_read_and_the_206_said_passed_over(tmp_path):
    warc = tmp_path / "two.warc.gz"
    whole = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
             b"Content-Length: %d\r\n\r\n" % len(HTML) + HTML)
    offsets = warcio_warc(warc, [(URL, whole, "2026-01-13T10:00:00Z"),
                                 (URL, part_block(HTML, 100), "2026-01-14T10:00:00Z")])
    report, items, _ = _run([warc])
    assert [i["warc"]["offset"] for i in items] == [offsets[0]]
    assert dict(report.past_errors) == {"http_206": 1} and not report.failed


def _replay(tmp_path: Path, block: bytes) -> tuple[WarcReplayMiddleware, Path, int]:
    warc = tmp_path / "wget-c.warc.gz"
    [offset] = warcio_warc(warc, [(URL, block, "2026-01-14T10:00:00Z")])
    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warc)})
    crawler.stats.open_spider()
    return WarcReplayMiddleware(crawler), warc, offset


def test_replay_serves_a_lone_206_flagged_counted_and_said(tmp_path, caplog):
    mw, warc, offset = _replay(tmp_path, part_block(HTML, 100))
    with caplog.at_level(logging.WARNING):
        answer = mw.process_request(Request(URL))
    assert (answer.status, answer.body) == (206, HTML[100:])
    assert mw.stats.get_value("replay/partial_served") == 1
    [said] = [r.getMessage() for r in caplog.records if "part of the page" in r.getMessage()]
    assert URL in said and f"{warc} at offset {offset}" in said
    page = ArticlePage.from_response(answer, "belta")
    assert page.partial == f"Content-Range 'bytes 100-{len(HTML) - 1}/{len(HTML)}'"
    with pytest.raises(ExtractionError) as refused:
        extract_article(page)
    assert refused.value.reason == "partial_content"
    assert URL in str(refused.value) and f"offset {offset}" in str(refused.value)


def test_replay_asked_a_range_serves_the_206_unsaid(tmp_path):
    mw, _, _ = _replay(tmp_path, part_block(HTML, 100))
    answer = mw.process_request(Request(URL, headers={"Range": "bytes=100-"}))
    assert answer.status == 206 and not answer.flags
    assert mw.stats.get_value("replay/partial_served") is None


def test_replay_serves_a_whole_206_as_the_page(tmp_path):
    mw, _, _ = _replay(tmp_path, part_block(HTML, 0))
    answer = mw.process_request(Request(URL))
    assert answer.status == 206 and not answer.flags
    assert mw.stats.get_value("replay/partial_served") is None
    assert ArticlePage.from_response(answer, "belta").partial is None


@pytest.mark.parametrize("content_range, kind, partial", [
    (None, "text/html", None),
    (None, "multipart/byteranges; boundary=X", "no Content-Range"),
    ("bytes 10-99/100", "text/html", "Content-Range 'bytes 10-99/100'"),
    ("bytes 0-98/100", "text/html", "Content-Range 'bytes 0-98/100'"),
    ("bytes 0-99/100", "text/html", None),
])
def test_a_live_206_to_a_get_with_no_range_is_no_article(content_range, kind, partial):
    """A server answering a plain GET with a 206 (no Range was asked): the crawl's page is
    what its Content-Range says, part of it unless that range is the whole body; with none,
    the server sent the page (unless its body is multipart/byteranges: parts)."""
    headers = {"Content-Type": kind} | (
        {"Content-Range": content_range} if content_range else {})
    response = HtmlResponse(URL, status=206, headers=headers, body=HTML,
                            request=Request(URL))
    page = ArticlePage.from_response(response, "belta")
    assert page.partial == partial
    if partial:
        with pytest.raises(ExtractionError, match="partial_content"):
            extract_article(page)


def _block_206(*content_ranges: str) -> bytes:
    """A 206 of the whole page with these Content-Range lines (none, one, or repeated)."""
    ranges = b"".join(b"Content-Range: %s\r\n" % r.encode() for r in content_ranges)
    return (b"HTTP/1.1 206 Partial Content\r\nContent-Type: text/html; charset=utf-8\r\n"
            + ranges + b"Content-Length: %d\r\n\r\n" % len(HTML) + HTML)


LAST = len(HTML) - 1
WHOLE_206S = {"no Content-Range": (), "total unknown": (f"bytes 0-{LAST}/*",),
              "misspelled bytes=": (f"bytes=0-{LAST}/{len(HTML)}",),
              "repeated, both whole": (f"bytes 0-{LAST}/{len(HTML)}",) * 2}
PART_206S = {"whole, then part": (f"bytes 0-{LAST}/{len(HTML)}", f"bytes 100-{LAST}/{len(HTML)}"),
             "part, then whole": (f"bytes 100-{LAST}/{len(HTML)}", f"bytes 0-{LAST}/{len(HTML)}"),
             "total unknown, body shorter": (f"bytes 0-{LAST + 10}/*",)}


@pytest.mark.parametrize("name", sorted(WHOLE_206S) + sorted(PART_206S))
def test_reextract_and_replay_agree_whether_a_206_is_the_whole_page(tmp_path, name):
    """A 206 whose body is the whole page (no Content-Range: the server sent the page;
    ``bytes 0-N/*`` or ``bytes=0-N/T`` as long as the body) is the article, as ``bytes
    0-N/N+1`` is; one Content-Range of several saying part makes it part, in both."""
    whole = name in WHOLE_206S
    block = _block_206(*(WHOLE_206S[name] if whole else PART_206S[name]))
    warc = tmp_path / "one.warc.gz"
    warcio_warc(warc, [(URL, block, "2026-01-14T10:00:00Z")])
    report, items, _ = _run([warc])
    assert ([i["url"] for i in items], dict(report.failed)) == (
        ([URL], {}) if whole else ([], {"partial_content": 1}))
    mw, _, _ = _replay(tmp_path, block)
    answer = mw.process_request(Request(URL))
    page = ArticlePage.from_response(answer, "belta")
    assert (page.partial is None, mw.stats.get_value("replay/partial_served")) == (
        (True, None) if whole else (False, 1))


CODED = gzip.compress(HTML, mtime=0)
# parts of the gzip-coded page (a range is of the coded stream: RFC 9110 §14.1): its head,
# the stream cut by the range, and its middle, with no gzip header at all
CODED_PARTS = {"head": (0, len(CODED) // 2), "middle": (len(CODED) // 3, len(CODED) - 1)}


def coded_part(name: str) -> bytes:
    start, end = CODED_PARTS[name]
    part = CODED[start:end + 1]
    return (b"HTTP/1.1 206 Partial Content\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Encoding: gzip\r\nContent-Range: bytes %d-%d/%d\r\n"
            b"Content-Length: %d\r\n\r\n" % (start, end, len(CODED), len(part)) + part)


SENT = {"gzip": CODED, "deflate": zlib.compress(HTML), "br": brotli.compress(HTML)}


def _looks_coded_from(sent: bytes, coding: str) -> int:
    """The first start past a third of the coded stream whose bytes look like a stream of
    ``coding`` opening (a deflate or brotli middle a decoder takes up and then fails on;
    gzip's magic is not there: its third)."""
    if coding == "gzip":
        return len(sent) // 3
    return next(start for start in range(len(sent) // 3, len(sent))
                if not encoding_not_applied(sent[start:], coding))


def coded_piece(coding: str, name: str) -> tuple[int, int]:
    """A range of the ``coding`` stream of the page: its head (half, or so short that it
    decodes to nothing: bytes 0-1, 0-9), a middle and a tail from a start that looks like
    the coding's own (:func:`_looks_coded_from`)."""
    sent = SENT[coding]
    middle = _looks_coded_from(sent, coding)
    return {"head": (0, len(sent) // 2), "head_0_1": (0, 1), "head_0_9": (0, 9),
            "middle": (middle, len(sent) - 10), "tail": (middle, len(sent) - 1)}[name]


PIECES = [(coding, name) for coding in SENT
          for name in ("head", "head_0_1", "head_0_9", "middle", "tail")]


def coded_block(coding: str, name: str) -> bytes:
    sent = SENT[coding]
    start, end = coded_piece(coding, name)
    part = sent[start:end + 1]
    return (b"HTTP/1.1 206 Partial Content\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Encoding: %s\r\nContent-Range: bytes %d-%d/%d\r\n"
            b"Content-Length: %d\r\n\r\n" % (coding.encode(), start, end, len(sent), len(part))
            + part)


@pytest.mark.parametrize("coding, name", PIECES)
def test_reextract_refuses_a_part_of_a_coded_page_as_a_part(tmp_path, coding, name):
    """A 206 of a coded page (its head cut by its range, a middle or a tail) is refused as
    ``partial_content``, not passed over as a bad record: a gzip head, and a deflate or
    brotli middle or tail whose first bytes look like the coding's start (the decoder takes
    it up and fails), did not decode and were ``unreadable_record``, the 206 unsaid; a
    middle with no such start was read as stored decoded, a part already."""
    warc = tmp_path / "coded.warc.gz"
    warcio_warc(warc, [(URL, coded_block(coding, name), "2026-01-14T10:00:00Z")])
    report, items, bad = _run([warc])
    assert (items, bad, dict(report.failed)) == ([], [], {"partial_content": 1})


def _as_sent(response: Response) -> Response:
    """``response`` through the crawl's retry middleware's hand-on of a part and Scrapy's
    HttpCompressionMiddleware below it, as the live crawl and replay both pass it."""
    crawler = get_crawler()
    sent = part_as_sent(response, 10**6)
    return HttpCompressionMiddleware.from_crawler(crawler).process_response(
        response.request, sent)


@pytest.mark.parametrize("coding, name", PIECES)
def test_a_part_of_a_coded_page_reaches_its_reader_as_a_part_live_and_in_replay(
        tmp_path, coding, name):
    """Live and in replay, a 206 of a coded page reaches extraction as the part it is
    (``partial_content`` by its Content-Range), its head decoded as far as it goes (a prefix
    of the page: the evidence it holds), as reextract reads it: a head decoding to nothing
    failed in Scrapy's gunzip (EOFError), a deflate or brotli middle looking like a start
    in its inflate (zlib.error, brotli.error), ending the request with no part said."""
    sent, (start, end) = SENT[coding], coded_piece(coding, name)
    said = f"Content-Range 'bytes {start}-{end}/{len(sent)}'"
    live = _as_sent(Response(URL, status=206, body=sent[start:end + 1], request=Request(URL),
                             headers={"Content-Encoding": coding, "Content-Type": "text/html",
                                      "Content-Range": f"bytes {start}-{end}/{len(sent)}",
                                      "Content-Length": str(end + 1 - start)}))
    warc = tmp_path / "coded.warc.gz"
    warcio_warc(warc, [(URL, coded_block(coding, name), "2026-01-14T10:00:00Z")])
    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warc)})
    crawler.stats.open_spider()
    replayed = _as_sent(WarcReplayMiddleware(crawler).process_request(Request(URL)))
    for answer in (live, replayed):
        assert partial_of(answer) == said
        assert not answer.headers.getlist("Content-Encoding")
        if start:
            assert answer.body == sent[start:end + 1]  # a middle: as it came
        else:
            assert HTML.startswith(answer.body)  # a head: its readable start
    assert replayed.body == live.body
    with ArchiveLookup([warc]) as lookup:  # reextract's feed and row readers read the same
        archived = lookup.get(URL)
        assert decoded_body(archived, URL, 10**6) == live.body
    if name == "head":
        assert len(live.body) > len(HTML) // 4


def test_a_coded_head_part_is_decoded_capped():
    """A part's head is decoded as far as it goes, never past the cap: a bomb's head is
    refused (ContentTooLargeError), and the live crawl leaves it to Scrapy, whose
    DOWNLOAD_MAXSIZE refuses it, Content-Encoding kept."""
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024), mtime=0)
    head = bomb[:len(bomb) * 3 // 4]
    assert decode_part(head, "gzip", f"bytes 0-{len(head) - 1}/{len(bomb)}",
                       8 * 1024 * 1024) == b"\0" * len(zlib.decompressobj(31).decompress(head))
    with pytest.raises(ContentTooLargeError):
        decode_part(head, "gzip", f"bytes 0-{len(head) - 1}/{len(bomb)}", 1024 * 1024)
    answer = Response(URL, status=206, body=head, request=Request(URL), headers={
        "Content-Encoding": "gzip", "Content-Range": f"bytes 0-{len(head) - 1}/{len(bomb)}"})
    assert part_as_sent(answer, 1024 * 1024) is answer


@pytest.mark.parametrize("name", sorted(CODED_PARTS))
@pytest.mark.parametrize("maxsize", [None, 10**6])
def test_replay_serves_a_part_of_a_coded_page_as_a_part(tmp_path, caplog, name, maxsize):
    """Served flagged, counted and said as a part whatever the request's DOWNLOAD_MAXSIZE
    (it was a 404, ``replay/missing``, the capture a bad record, or passed over as over the
    bound), as the live crawl hands it on (``part_as_sent``: its head decoded as far as it
    goes, its middle as stored); its middle is not said stored decoded
    (``replay/encoding_not_applied``)."""
    warc = tmp_path / "coded.warc.gz"
    warcio_warc(warc, [(URL, coded_part(name), "2026-01-14T10:00:00Z")])
    settings = {"WARC_REPLAY": str(warc)} | ({"DOWNLOAD_MAXSIZE": maxsize} if maxsize else {})
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    with caplog.at_level(logging.INFO):
        answer = WarcReplayMiddleware(crawler).process_request(Request(URL))
    start, end = CODED_PARTS[name]
    ranged = f"bytes {start}-{end}/{len(CODED)}"
    assert (answer.status, answer.body) == (206, decode_part(CODED[start:end + 1], "gzip",
                                                             ranged))
    assert HTML.startswith(answer.body) if name == "head" else answer.body == CODED[start:]
    stats = crawler.stats.get_stats()
    assert stats.get("replay/partial_served") == 1, stats
    assert not {"replay/bad_records", "replay/missing", "replay/over_maxsize",
                "replay/encoding_not_applied"} & set(stats), stats
    assert not [r for r in caplog.records if "stored decoded" in r.getMessage()]
    assert ArticlePage.from_response(answer, "belta").partial == (
        f"Content-Range 'bytes {start}-{end}/{len(CODED)}'")


def test_a_coded_part_decoding_past_the_cap_is_still_refused():
    """A part is excused its cut stream, not its size: the head of a gzip bomb's stream
    decoding past the cap is still a problem (passed over by replay and reextract as any
    capture too big), so no inflation goes uncapped."""
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024), mtime=0)
    head = bomb[:len(bomb) * 3 // 4]
    assert isinstance(content_problem(head, "gzip", 1024 * 1024, part=True),
                      ContentTooLargeError)
    assert content_problem(head, "gzip", 8 * 1024 * 1024, part=True) is None
    assert content_problem(head, "gzip", 8 * 1024 * 1024) is not None  # cut: not a part
