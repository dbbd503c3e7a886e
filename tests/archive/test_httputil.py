"""Every Content-Encoding is undone in bounded steps: bombs are refused before they cost memory."""

from __future__ import annotations

import gzip
import random
import tracemalloc
import zlib

import brotli
import pytest

from archive.httputil import (
    BodyCutShort,
    ChunksCutShort,
    ChunksDamaged,
    ContentDecodingError,
    dechunk,
    decode_content,
    encoding_not_applied,
    maybe_dechunk,
    without_transfer_coding,
)
from tests.support.hang import python_within

try:
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:
    from backports import zstd

PAGE = "<html><title>Минск</title><p>Текст новости.</p></html>".encode() * 200
MB = 1 << 20


def _stream(compressor, size: int) -> bytes:
    """A body of ``size`` zero bytes compressed without ever holding it whole."""
    out = [compressor(b"\0" * MB) for _ in range(size // MB)]
    return b"".join(out)


def gzip_bomb(size: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return _stream(c.compress, size) + c.flush()


def brotli_bomb(size: int) -> bytes:
    c = brotli.Compressor(quality=5)
    return _stream(c.process, size) + c.finish()


def zstd_bomb(size: int) -> bytes:
    c = zstd.ZstdCompressor()
    return _stream(c.compress, size) + c.flush()


def deflate_bomb(size: int) -> bytes:
    c = zlib.compressobj(9)
    return _stream(c.compress, size) + c.flush()


ENCODERS = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstd.compress,
}


@pytest.mark.parametrize("coding", sorted(ENCODERS))
def test_each_content_encoding_round_trips(coding):
    assert decode_content(ENCODERS[coding](PAGE), coding) == PAGE


def test_raw_deflate_multi_member_gzip_and_stacked_codings_decode():
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert decode_content(raw.compress(PAGE) + raw.flush(), "deflate") == PAGE
    assert decode_content(gzip.compress(PAGE[:100]) + gzip.compress(PAGE[100:]), "gzip") == PAGE
    stacked = brotli.compress(gzip.compress(PAGE))
    assert decode_content(stacked, "gzip, br") == PAGE
    assert decode_content(PAGE, "identity") == PAGE


@pytest.mark.parametrize("coding,bomb", [("gzip", gzip_bomb), ("br", brotli_bomb),
                                         ("zstd", zstd_bomb), ("deflate", deflate_bomb)])
def test_decompression_bomb_is_refused_within_the_cap(coding, bomb):
    body = bomb(64 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(ContentDecodingError, match="expands beyond"):
            decode_content(body, coding, max_size=MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MB


def test_small_brotli_body_that_inflates_hugely_is_refused():
    body = brotli_bomb(256 * MB)
    assert len(body) < 2000
    with pytest.raises(ContentDecodingError):
        decode_content(body, "br")  # default cap: 64 MB


def test_bomb_inside_a_stack_of_codings_is_refused_at_its_own_layer():
    body = gzip.compress(zstd_bomb(16 * MB))
    with pytest.raises(ContentDecodingError, match="zstd body expands"):
        decode_content(body, "zstd, gzip", max_size=MB)
    with pytest.raises(ContentDecodingError, match="stacked"):
        decode_content(PAGE, ", ".join(["gzip"] * 50))


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_truncated_or_damaged_bodies_are_clear_errors(coding):
    packed = ENCODERS[coding](PAGE)
    with pytest.raises(ContentDecodingError):
        decode_content(packed[: len(packed) // 2], coding)
    with pytest.raises(ContentDecodingError):
        decode_content(b"\x00garbage" * 20, coding)


def test_unknown_coding_is_a_clear_error():
    with pytest.raises(ContentDecodingError, match="unsupported"):
        decode_content(b"\x1f\x9d\x90" + PAGE, "compress")  # LZW-coded bytes


def test_a_page_under_a_coding_no_reader_knows_is_read_as_scrapy_reads_it():
    """A server's mislabel (``utf-8``) over the page, outermost or under a coding applied."""
    assert decode_content(PAGE, "utf-8") == PAGE
    assert decode_content(gzip.compress(PAGE), "utf-8, gzip") == PAGE


@pytest.mark.parametrize(("body", "coding", "expected"), [
    (b"<html>plain</html>", "gzip", True),  # a browser-based tool stored it decoded
    (b"<html>plain</html>", "br", True),
    (b"<html>plain</html>", "deflate", True),
    (b"<html>plain</html>", "zstd", True),
    (b"<html>plain</html>", "gzip, identity", True),
    (gzip.compress(b"<html>x</html>", mtime=0), "gzip", False),
    (gzip.compress(b"<html>x</html>", mtime=0)[:12] + b"\0" * 20, "gzip", False),  # damaged later: an error
    (zlib.compress(b"<html>x</html>"), "deflate", False),
    (brotli.compress(b"<html>x</html>"), "br", False),
    (b"", "gzip", False),
    (b"<html>plain</html>", None, False),
    (b"<html>plain</html>", "identity", False),
    (b"<html>plain</html>", "utf-8", True),  # a server's mislabel: Scrapy reads it as it is
    (b" \xef\xbb\xbf{\"a\": 1}", "none", True),
    (b"\x1f\x9d\x90<html>plain</html>", "compress", False),  # LZW: undecodable, an error
])
def test_a_body_stored_decoded_under_its_encoding_is_told_apart(body, coding, expected):
    assert encoding_not_applied(body, coding) is expected


@pytest.mark.parametrize(("coding", "bomb"), [("br", brotli_bomb), ("deflate", deflate_bomb),
                                              ("gzip", gzip_bomb), ("zstd", zstd_bomb)])
def test_telling_a_bomb_is_encoded_costs_no_more_than_its_probe(coding, bomb):
    """A few hundred bytes of br expand to 256 MB: looking whether the stream starts must
    not decode it all (a replay or reextract of a hostile capture)."""
    body = bomb(256 * MB) if coding == "br" else bomb(16 * MB)
    tracemalloc.start()
    try:
        assert encoding_not_applied(body, coding) is False
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MB


# Sizes that int(s, 16) takes but HTTP's chunk-size (1*HEXDIG) does not: a negative one
# stepped back to the same line and looped for ever.
@pytest.mark.parametrize("size", ["-6", "+5", "0x5", "1_0", "-0"])
def test_a_chunk_size_that_is_no_hex_number_is_refused_not_looped(size):
    body = "1\r\nA\r\n" + size + "\r\nBCDEF\r\n0\r\n\r\n"
    script = ("import sys\nfrom archive.httputil import dechunk\n"
              "try:\n    dechunk(sys.stdin.read().encode())\nexcept ValueError as exc:\n"
              "    print('refused:', exc)\n")
    res = python_within(60, script, stdin=body)
    assert res.stdout.startswith("refused: bad chunk size"), res.stdout + res.stderr


def test_served_as_stored_when_its_chunking_is_refused():
    body = b"+5\r\nBCDEF\r\n0\r\n\r\n"
    assert maybe_dechunk([("Transfer-Encoding", "chunked")], body) == body
    assert dechunk(b"5;ext=1\r\nABCDE\r\n 0 \r\n\r\n") == b"ABCDE"  # extensions, padding


# A size line damaged after whole chunks ("6z" for "64"): the body was chunked, so served as
# stored its framing (" 64 ", a character cut in two) became the article's text, unsaid.
@pytest.mark.parametrize(("body", "arrived", "reason", "at"), [
    (b"5\r\nABCDE\r\n6z\r\nFGHIJK\r\n0\r\n\r\n", b"ABCDE", "bad chunk size b'6z'", 10),
    (b"1\r\nA\r\n+5\r\nBCDEF\r\n0\r\n\r\n", b"A", "bad chunk size b'+5'", 6),
    (b"2\r\nAB\r\n3\r\nCDxx0\r\n\r\n", b"AB", "chunk not followed by CRLF", 13),
    (b"2\r\nAB\r\n3\r\nCDE\r\nzz", b"ABCDE", "chunk size line not terminated", 15),
])
def test_framing_damaged_after_a_whole_chunk_is_refused_with_what_came(body, arrived, reason, at):
    with pytest.raises(ChunksDamaged) as damaged:
        maybe_dechunk([("Transfer-Encoding", "chunked")], body)
    assert damaged.value.arrived == arrived
    assert str(damaged.value) == (f"{reason} at byte {at} of the body, after {len(arrived)} "
                                  "bytes of valid chunks: chunked framing damaged")


@pytest.mark.parametrize(("body", "arrived"), [
    (b"2000\r\n<html><p>the first", b"<html><p>the first"),  # inside the first chunk: a page
    (b"2000\r\n\xef\xbb\xbf\r\n<!doctype html>", b"\xef\xbb\xbf\r\n<!doctype html>"),
    (b"1f40\r\n\x1f\x8b\x08\x00", b"\x1f\x8b\x08\x00"),  # ...a gzip stream
    (b"5\r\nABCDE\r\n", b"ABCDE"),  # before the next size line
    (b"5\r\nABCDE\r\n3;x", b"ABCDE"),  # inside a size line
    (b"5\r\nABCDE\r\n3\r\nFG", b"ABCDEFG"),  # inside a chunk
    (b"5\r\nABCDE\r", b"ABCDE"),  # inside a chunk's line end
])
def test_a_body_stopping_inside_its_chunks_is_cut_short_with_what_arrived(body, arrived):
    with pytest.raises(ChunksCutShort) as cut:
        maybe_dechunk([("Transfer-Encoding", "chunked")], body)
    assert cut.value.arrived == arrived


# stored already de-chunked under its old header: a first line that reads as a size is text
@pytest.mark.parametrize("body", [b"", b"<html>not chunked", b"5\r\nABCDExx0\r\n\r\n",
                                  b"Added\r\nthe rest of a plain text", b"2026\r\na year first"])
def test_a_body_that_is_no_chunking_is_served_as_stored(body):
    assert maybe_dechunk([("Transfer-Encoding", "chunked")], body) == body


@pytest.mark.parametrize("end", [b"0", b"0\r", b"000\r\n"])
def test_a_zero_chunk_that_lost_its_line_ends_still_ends_the_body(end):
    assert maybe_dechunk([("Transfer-Encoding", "chunked")], b"5\r\nABCDE\r\n" + end) == b"ABCDE"


# A gzip body of many tiny members, one after another (valid gzip): each member's end
# copied what was left, so 400,000 empty members took minutes.
def test_a_body_of_many_gzip_members_decodes_in_linear_time():
    script = ("import gzip\nfrom archive.httputil import decode_content\n"
              "body = gzip.compress(b'', mtime=0) * 400_000 + gzip.compress(b'<p>x</p>')\n"
              "print(decode_content(body, 'gzip'))\n")
    res = python_within(30, script)
    assert res.stdout.strip() == "b'<p>x</p>'", res.stderr[-2000:]


def test_a_zstd_body_of_many_frames_is_every_frame_in_turn():
    from backports import zstd

    body = b"".join(zstd.compress(f"<p>{n}</p>".encode()) for n in range(1000))
    assert decode_content(body, "zstd") == b"".join(f"<p>{n}</p>".encode() for n in range(1000))


def test_a_zstd_body_opening_with_a_skippable_frame_is_encoded():
    from backports import zstd

    skippable = (0x184D2A5F).to_bytes(4, "little") + (3).to_bytes(4, "little") + b"abc"
    body = skippable + zstd.compress(b"<p>page</p>")
    assert not encoding_not_applied(body, "zstd")
    assert decode_content(body, "zstd") == b"<p>page</p>"


def test_gzip_members_after_one_that_fills_a_decoding_step_are_each_read_once():
    """A member inflating past one step (64 KB) ends in a call that stopped at its output
    bound: what follows it was counted twice, and the next member lost (or the first read
    again and again, up to the cap)."""
    big = b"<p>" + b"word " * 20_000 + b"</p>"
    tail = gzip.compress(b"<p>second member</p>", mtime=0)
    assert decode_content(gzip.compress(big, mtime=0) + tail, "gzip") == big + b"<p>second member</p>"
    assert decode_content(gzip.compress(big, mtime=0) * 2, "gzip") == big * 2


def test_zstd_frames_of_incompressible_data_are_read_whole():
    from backports import zstd

    noise = random.Random(7).randbytes(300_000)
    body = zstd.compress(noise) + zstd.compress(b"<p>after</p>")
    assert decode_content(body, "zstd", 1_000_000) == noise + b"<p>after</p>"


def _chunked(body: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 700]), body[i:i + 700])
                    for i in range(0, len(body), 700)) + b"0\r\n\r\n"


# A transfer coding other than chunked is the hop's framing, as chunked is: left on, the page
# would be read as gzip bytes (warcio and pywb de-chunk only a field that says "chunked" alone)
@pytest.mark.parametrize(("fields", "wire"), [
    ([("Transfer-Encoding", "gzip, chunked")], _chunked(gzip.compress(PAGE, mtime=0))),
    ([("transfer-encoding", "gzip"), ("Transfer-Encoding", "chunked")],
     _chunked(gzip.compress(PAGE, mtime=0))),
    ([("Transfer-Encoding", "Deflate")], zlib.compress(PAGE)),
    ([("Transfer-Encoding", "x-gzip, identity, chunked")], _chunked(gzip.compress(PAGE, mtime=0))),
    ([("Transfer-Encoding", "gzip, chunked")], _chunked(PAGE)),  # a tool stored it inflated
    ([("Transfer-Encoding", "chunked")], _chunked(PAGE)),
])
def test_every_transfer_coding_is_undone(fields, wire):
    assert without_transfer_coding(fields, wire) == PAGE


def test_a_damaged_or_oversized_transfer_coding_is_refused():
    damaged = gzip.compress(PAGE)
    damaged = damaged[:40] + bytes(b ^ 0x55 for b in damaged[40:80]) + damaged[80:]
    with pytest.raises(ContentDecodingError):
        without_transfer_coding([("Transfer-Encoding", "gzip, chunked")], _chunked(damaged))
    bomb = gzip.compress(b"\0" * (2 * MB))
    with pytest.raises(ContentDecodingError, match="expands beyond"):
        without_transfer_coding([("Transfer-Encoding", "gzip")], bomb, max_size=MB)


def test_a_body_shorter_than_its_content_length_is_cut_short_with_what_came():
    with pytest.raises(BodyCutShort) as cut:
        without_transfer_coding([("Content-Length", "9000")], PAGE[:3000])
    assert cut.value.arrived == PAGE[:3000]
    assert str(cut.value) == ("body ends after 3000 of the 9000 bytes its Content-Length "
                              "declares: a transfer cut short")


@pytest.mark.parametrize("headers", [
    [("Content-Length", "3000")],  # whole
    [("Content-Length", "100")],  # longer than said: served, the server's count was wrong
    [("Content-Length", "9000"), ("Content-Length", "3000")],  # said two ways: says nothing
    [("Content-Length", "9000"), ("Content-Encoding", "gzip")],  # a tool stored it decoded
    [("Content-Length", "x")],
    [],
])
def test_a_body_its_content_length_does_not_prove_cut_is_kept(headers):
    assert without_transfer_coding(headers, PAGE[:3000]) == PAGE[:3000]
    assert without_transfer_coding([("Content-Length", "9000")], b"") == b""  # HEAD, 304


@pytest.mark.parametrize("wire", [
    b"5\nABCDE\n3\nFGH\n0\n\n",  # bare LF throughout
    b"5\r\nABCDE\n3\nFGH\r\n0\r\n\r\n",  # mixed
    b"5;x=1\nABCDE\r\n3\r\nFGH\n0\n",
])
def test_chunks_whose_lines_end_in_a_bare_lf_are_dechunked(wire):
    """As browsers and curl read them: served as stored, the size lines were page text."""
    assert maybe_dechunk([("Transfer-Encoding", "chunked")], wire) == b"ABCDEFGH"


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_prefix_is_the_first_bytes_of_a_body_over_the_cap(coding: str) -> None:
    text = bytes(range(256)) * 400  # 100 KiB
    body = {"gzip": gzip.compress(text), "deflate": zlib.compress(text),
            "br": brotli.compress(text)}[coding]
    assert decode_content(body, coding, 1000, prefix=True) == text[:1000]
    assert decode_content(body, coding, 1 << 20, prefix=True) == text  # under it: whole
    with pytest.raises(ContentDecodingError, match="expands beyond"):
        decode_content(body, coding, 1000)
    # a coding stacked under the last is still refused past the cap
    noise = gzip.compress(random.Random(7).randbytes(100_000))  # does not shrink again
    with pytest.raises(ContentDecodingError, match="expands beyond"):
        decode_content(gzip.compress(noise), "gzip, gzip", 1000, prefix=True)
