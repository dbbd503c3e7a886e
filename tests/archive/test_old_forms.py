"""Forms older or odder tools write (WARC/0.17-1.0 dates, segmented records, ARC files,
repeated header fields): read as pywb reads them, refused by name, never served wrong."""

from __future__ import annotations

import bz2
import json
import lzma
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from archive.cdxj import build_index
from archive.reader import ArchiveLookup, iter_records, iter_responses, warc_inputs
from archive.verify import verify
from tests.support.warcs import gz_each, http_response, record

PAGE = b"<html><title>old</title><p>an old page</p></html>"


def _write(tmp_path: Path, name: str, records: list[bytes]) -> Path:
    path = tmp_path / name
    path.write_bytes(gz_each(records) if name.endswith(".gz") else b"".join(records))
    return path


def test_a_fourteen_digit_warc_date_is_read_as_pywb_reads_it(tmp_path):
    """WARC/0.x-era and ARC-converting tools write WARC-Date as 14 digits; pywb and warcio
    index such a record at that second. It was skipped as a bad date."""
    url = "http://old.example.com/page"
    path = _write(tmp_path, "old.warc.gz", [
        record("response", url, http_response(PAGE), version="WARC/0.18",
               date="20240102030405"),
        record("response", url + "2", http_response(PAGE), version="WARC/0.18",
               date="20240102030406123"),
    ])
    errors: list = []
    assert [i.record.date.isoformat() for i in iter_records(path, errors.append)] == [
        "2024-01-02T03:04:05+00:00", "2024-01-02T03:04:06.123000+00:00"]
    lines = build_index([path], on_error=errors.append)
    assert [ln.split(" ", 2)[1] for ln in lines] == ["20240102030405", "20240102030406"]
    got = ArchiveLookup([path], on_error=errors.append).get(url)
    assert got is not None and got.payload == PAGE
    assert errors == []
    report = verify([path])
    assert report.ok, report.problems
    assert [p.message for p in report.problems] == [
        "WARC-Date '20240102030405' is not in the WARC 1.1 form (YYYY-MM-DDThh:mm:ssZ)",
        "WARC-Date '20240102030406123' is not in the WARC 1.1 form (YYYY-MM-DDThh:mm:ssZ)",
    ]


def _segmented(url: str, rec_type: str = "response") -> list[bytes]:
    """A record split in two (WARC 1.1, 5.17): its first segment and one continuation."""
    whole = http_response(PAGE) if rec_type == "response" else PAGE
    first, rest = whole[:-20], whole[-20:]
    ctype = None if rec_type == "response" else "text/html"
    return [
        record(rec_type, url, first, ctype=ctype, rec_id="<urn:uuid:seg-1>",
               extra=[("WARC-Segment-Number", "1")]),
        record("continuation", url, rest, rec_id="<urn:uuid:seg-2>", extra=[
            ("WARC-Segment-Origin-ID", "<urn:uuid:seg-1>"), ("WARC-Segment-Number", "2"),
            ("WARC-Segment-Total-Length", str(len(whole)))]),
    ]


def test_a_segmented_record_is_not_served_as_the_whole_page(tmp_path):
    """A first segment holds the page's head and the start of its body: replay and
    re-extraction served it as the page, cut. Now it is reported by offset and not served;
    the index lists it as pywb's indexer does, but not its continuation (a fragment that
    pywb, serving the first of equal lines, would have served as the page)."""
    url, res = "http://old.example.com/big", "http://old.example.com/saved"
    path = _write(tmp_path, "seg.warc.gz", _segmented(url) + _segmented(res, "resource"))
    errors: list = []
    lookup = ArchiveLookup([path], on_error=errors.append)
    assert lookup.get(url) is None and lookup.get(res) is None
    assert list(iter_responses([path], on_error=errors.append)) == []
    assert len(errors) == 4
    assert all("segment" in e.reason and e.file == str(path) for e in errors)
    lines = build_index([path])
    assert [json.loads(ln.split(" ", 2)[2])["offset"] for ln in lines] == [
        "0", str(_offset_of(path, "resource"))]
    # verify says so too, not "a transfer cut short" (the body goes on in the continuation)
    said = [p.message for p in verify([path]).problems if p.offset == 0]
    assert said == ["segment 1 of a segmented record: its continuation records are not "
                    "joined, the page not served"]


def _offset_of(path: Path, rec_type: str) -> int:
    return next(i.offset for i in iter_records(path) if i.record.rec_type == rec_type)


def _arc(gzipped: bool) -> bytes:
    """An ARC v1 file (the format before WARC): a filedesc record, then one response."""
    info = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n\n"
    page = http_response(PAGE)
    records = [
        b"filedesc://old.arc 0.0.0.0 20040102030405 text/plain %d\n%s\n" % (len(info), info),
        b"http://old.example.com/ 10.0.0.1 20040102030405 text/html %d\n%s\n" % (len(page), page),
    ]
    return gz_each(records) if gzipped else b"".join(records)


def _cli(*args: str) -> subprocess.CompletedProcess:
    res = subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True,
                         text=True, timeout=120)
    assert "Traceback" not in res.stderr, res.stderr
    return res


def test_an_arc_file_is_read_where_warcs_are_and_refused_by_wacz(tmp_path):
    """An .arc or .arc.gz was refused with a hint to convert it (before that: an unexplained
    "not a WARC record" per record). Now verify, index and the lookup read it (archive.arc),
    a folder's ARC files included; wacz, which packages WARCs, still refuses it so."""
    arcs = []
    for name in ("old.arc", "old.arc.gz"):
        arcs.append(tmp_path / name)
        arcs[-1].write_bytes(_arc(name.endswith(".gz")))
    res = _cli("verify", *map(str, arcs))
    assert res.returncode == 0 and "4 records in 2 file(s): 0 error(s)" in res.stdout, (
        res.stdout + res.stderr)
    index = _cli("index", str(arcs[1]), "-o", str(tmp_path / "i.cdxj"))
    assert index.returncode == 0, index.stderr
    (line,) = (tmp_path / "i.cdxj").read_text().splitlines()
    assert line.startswith("com,example,old)/ 20040102030405 ")
    assert json.loads(line.split(" ", 2)[2])["filename"] == "old.arc.gz"
    folder = _cli("verify", str(tmp_path))
    assert folder.returncode == 0 and "4 records in 2 file(s)" in folder.stdout, folder.stderr
    errors_seen: list = []
    lookup = ArchiveLookup(arcs, on_error=errors_seen.append)
    assert lookup.urls() == ["http://old.example.com/"] and errors_seen == []
    assert lookup.get("http://old.example.com/").payload == PAGE
    wacz = _cli("wacz", str(tmp_path), "-o", str(tmp_path.parent / "o.wacz"))
    assert wacz.returncode == 2
    assert "2 ARC file(s) not read" in wacz.stderr and "warcio recompress" in wacz.stderr


def test_heritrix_1_anvl_metadata_is_not_indexed_beside_its_page(tmp_path):
    """Heritrix 1.x (WARC/0.17) writes a `metadata` record (text/anvl: via, hopsFromSeed) for
    each page, with the page's URL and second. pywb leaves text/anvl metadata out of its index
    because it collides with the response; listed, it sorted first ("text/anvl" < "text/html")
    and a pywb or ReplayWeb.page replay of our index or WACZ could serve it as the page."""
    url = "http://old.example.com/"
    anvl = b"via: http://old.example.com/\r\nhopsFromSeed: P\r\nfetchTimeMs: 47\r\n"
    path = _write(tmp_path, "heritrix1.warc.gz", [
        record("response", url, http_response(PAGE), version="WARC/0.17"),
        record("metadata", url, anvl, version="WARC/0.17", ctype="text/anvl", digests=False),
        record("metadata", url + "notes", b"a note", version="WARC/0.17", ctype="text/plain",
               digests=False),
    ])
    lines = build_index([path], on_error=print)
    mimes = [json.loads(ln.split(" ", 2)[2])["mime"] for ln in lines]
    assert mimes == ["text/html", "text/plain"]  # other metadata is still listed, as pywb does
    assert ArchiveLookup([path]).get(url).payload == PAGE


def _other_codecs(warc: bytes) -> dict[str, bytes]:
    """The WARC compressed with codecs other tools use instead of per-record gzip:
    bzip2 and xz for real; zstd (the IIPC .warc.zst draft starts with a skippable dictionary
    frame) and lz4 (FastWARC's .warc.lz4) by their frame headers."""
    return {
        "a.warc.bz2": bz2.compress(warc),
        "a.warc.xz": lzma.compress(warc),
        "a.warc.zst": b"\x28\xb5\x2f\xfd\x04\x58" + warc[:64],
        "dict.warc.zst": b"\x5d\x2a\x4d\x18\x08\x00\x00\x00" + b"\x00" * 8 + warc[:64],
        "a.warc.lz4": b"\x04\x22\x4d\x18\x64\x40\xa7" + warc[:64],
    }


def test_a_warc_compressed_with_another_codec_is_one_error_naming_it(tmp_path):
    """A .warc.zst/.lz4/.bz2/.xz named on its own gave "not a WARC record" and then four
    errors about a made-up record (FastWARC's lz4 sample: missing WARC-Record-ID, -Type,
    -Date, bad Content-Length). Now it is one error at offset 0 naming the codec and what to
    do."""
    warc = record("response", "http://old.example.com/", http_response(PAGE))
    for name, data in _other_codecs(warc).items():
        path = tmp_path / name
        path.write_bytes(data)
        errors: list = []
        assert list(iter_records(path, errors.append)) == []
        assert [e.offset for e in errors] == [0], (name, errors)
        codec = {"bz2": "bzip2", "xz": "xz", "zst": "zstd", "lz4": "lz4"}[name.rsplit(".", 1)[1]]
        assert f"compressed with {codec}" in str(errors[0]) and "gzip" in str(errors[0])
        res = _cli("verify", str(path))
        assert res.returncode == 1 and res.stderr.count("error:") == 1, res.stderr


ALL_FIVE = "5 WARC file(s) compressed with bzip2, lz4, xz or zstd not read"


def test_a_folders_warcs_compressed_with_another_codec_are_named_in_a_note(tmp_path):
    """A folder holding .warc.zst/.lz4/.bz2/.xz files left them out without a word (its ARC
    files got a note): read, it looked as if the folder held only its other WARCs. Now they
    are counted and named in a note with the command that decompresses each codec."""
    warc = record("response", "http://old.example.com/", http_response(PAGE))
    folder = tmp_path / "mixed"
    folder.mkdir()
    _write(folder, "good.warc.gz", [warc])
    for name, data in _other_codecs(warc).items():
        (folder / name).write_bytes(data)
    paths, note = warc_inputs([folder], str(folder))
    assert paths == [folder / "good.warc.gz"]
    assert note is not None and ALL_FIVE in note, note
    assert str(folder / "a.warc.bz2") in note and "and 2 more" in note, note
    for tool in ("zstd -d", "lz4 -d", "bunzip2", "unxz", "warcio recompress"):
        assert tool in note, (tool, note)
    res = _cli("verify", str(folder))
    assert res.returncode == 0 and ALL_FIVE in res.stderr
    (folder / "good.warc.gz").unlink()
    only = _cli("index", str(folder), "-o", str(tmp_path / "i.cdxj"))
    assert only.returncode == 2 and f"no WARC files in {folder}" in only.stderr, only.stderr
    assert ALL_FIVE in only.stderr
    one = tmp_path / "one"
    one.mkdir()
    _write(one, "good.warc.gz", [warc])
    (one / "a.warc.xz").write_bytes(_other_codecs(warc)["a.warc.xz"])
    _, note = warc_inputs([one], str(one))
    assert note is not None and "1 WARC file(s) compressed with xz not read" in note
    assert "unxz" in note and "zstd" not in note and "bunzip2" not in note, note


def _commands(message: str) -> list[str]:
    """The shell commands a message gives in backquotes."""
    return message.split("`")[1::2]


@pytest.mark.skipif(shutil.which("zstd") is None, reason="needs the zstd command")
@pytest.mark.parametrize("dictionary", [False, True], ids=["frames", "dictionary"])
def test_a_warc_zst_error_gives_commands_that_decompress_it(tmp_path, dictionary) -> None:
    """The IIPC .warc.zst draft: a zstd frame per record, often with a dictionary its first
    (skippable) frame carries, without which `zstd -d` fails ("Dictionary mismatch"). The
    error said "compressed whole" and `zstd -d FILE` for both. Now it says what the file is,
    and its commands, run as given on a real file, give the WARC back."""
    warcs = [record("response", f"http://old.example.com/{n}", http_response(PAGE))
             for n in range(3)]
    words = warcs[0][:200]
    (tmp_path / "words").write_bytes(words)
    frames = b"".join(subprocess.run(
        ["zstd", "-q", "-c", *(["-D", str(tmp_path / "words")] if dictionary else [])],
        input=w, capture_output=True, check=True).stdout for w in warcs)
    head = struct.pack("<II", 0x184D2A5D, len(words)) + words if dictionary else b""
    path = tmp_path / "a.warc.zst"
    path.write_bytes(head + frames)
    errors: list = []
    assert list(iter_records(path, errors.append)) == []
    [error] = errors
    assert "compressed whole" not in str(error) and "a zstd frame per record" in str(error)
    assert ("this one has a dictionary" in str(error)) is dictionary, error
    steps = [c.replace("FILE", str(path)).replace("DICT", str(tmp_path / "d"))
             for c in _commands(str(error)) if "FILE" in c and "warcio" not in c]
    assert len(steps) == 1 + dictionary, steps
    for step in steps:
        subprocess.run(["bash", "-c", step], check=True, capture_output=True, timeout=60)
    assert (tmp_path / "a.warc").read_bytes() == b"".join(warcs)
