"""verify checks a WACZ's own index against its WARCs as a replay tool reads it: each line's
filename (relative to archive/, as the WACZ spec and ReplayWeb.page read it), offset,
length, URL and time."""

from __future__ import annotations

import json
import random
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.__main__ import main
from archive.cdxj import build_index
from archive.verify import verify
from archive.writer import WarcWriter

from .conftest import make_exchange
from .test_wacz_input import _cli, _index_lines, _repacked

T1 = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def _fields(line: str) -> dict:
    return json.loads(line.split(" ", 2)[2])


def _with_length(line: str, length: int | str) -> str:
    was = _fields(line)["length"]
    return line.replace(f'"length": "{was}"', f'"length": "{length}"')


def _starts(lines: list[str]) -> list[int]:
    """Each line's byte offset in the index file the lines make."""
    return [len(("\n".join(lines[:i]) + "\n").encode()) if i else 0 for i in range(len(lines))]


def _with_index(wacz: Path, out: Path, lines: list[str]) -> Path:
    return _repacked(wacz, out, other={"indexes/index.cdx": ("\n".join(lines) + "\n").encode()})


def test_an_index_line_giving_a_wrong_length_is_an_error_by_file_and_line(wacz, warcs,
                                                                            tmp_path):
    """pywb and ReplayWeb.page read offset to offset + length: a length one byte short cuts
    the record, one byte long reads into the next gzip member. verify checked the url, time
    and offset only and passed such an index (exit 0). Now each wrong length is an error
    naming the index, its line and the record's length, in a gzipped and an uncompressed
    WARC alike, and the other lines are still checked. An uncompressed WARC's record may be
    given with its CRLF CRLF (4 bytes more): that is no error."""
    lines = _index_lines(wacz)
    by_file = {w.name: [i for i, line in enumerate(lines) if _fields(line)["filename"] == w.name]
               for w in warcs}
    gz_first, gz_second = by_file[warcs[0].name][:2]
    (plain,) = by_file[warcs[2].name]
    plain_kept = by_file[warcs[1].name][0]
    bad = list(lines)
    bad[gz_first] = _with_length(lines[gz_first], int(_fields(lines[gz_first])["length"]) - 1)
    bad[gz_second] = _with_length(lines[gz_second], int(_fields(lines[gz_second])["length"]) + 1)
    bad[plain] = _with_length(lines[plain], int(_fields(lines[plain])["length"]) + 5)
    bad[plain_kept] = _with_length(lines[plain_kept], "12x")
    report = verify([_with_index(wacz, tmp_path / "bad.wacz", bad)])
    starts = _starts(bad)
    wrong = sorted((gz_first, gz_second, plain, plain_kept))
    assert [(p.severity, p.offset) for p in report.problems] == [
        ("error", starts[i]) for i in wrong], report.problems
    said = {p.offset: p.message for p in report.problems}
    size = _fields(lines[gz_first])["length"]
    assert said[starts[gz_first]].startswith(f"line {gz_first + 1}: index line for ")
    assert (f"gives length {int(size) - 1} for the record at {warcs[0].name} offset "
            f"{_fields(lines[gz_first])['offset']}, which is {size} bytes") in said[
        starts[gz_first]]
    assert "a cut record" in said[starts[gz_first]]
    assert "bytes past it" in said[starts[gz_second]]
    assert "bytes past it" in said[starts[plain]]
    assert "has no length" in said[starts[plain_kept]]
    assert report.error_count == 4

    separated = list(lines)  # the plain WARC's record with its CRLF CRLF: what pywb reads too
    separated[plain] = _with_length(lines[plain], int(_fields(lines[plain])["length"]) + 4)
    report = verify([_with_index(wacz, tmp_path / "separated.wacz", separated)])
    assert report.ok and report.problems == [], report.problems

    res = _cli("verify", _with_index(wacz, tmp_path / "cli.wacz", bad))
    assert res.returncode == 1
    assert (f"error: {tmp_path / 'cli.wacz'}#indexes/index.cdx: offset {starts[gz_first]}: "
            f"line {gz_first + 1}: index line for") in res.stderr, res.stderr


def _big_and_small(folder: Path, plain: bool) -> Path:
    """A WARC holding a 60 KB page (random bytes: no gzip shrinks it) between small ones."""
    with WarcWriter(folder) as w:
        w.write_exchange(make_exchange("http://e.com/small1", b"<title>S</title>s" * 10, date=T1))
        w.write_exchange(make_exchange("http://e.com/big", random.Random(5).randbytes(60_000),
                                       date=T1))
        w.write_exchange(make_exchange("http://e.com/small2", b"<title>S</title>t" * 10, date=T1))
    (warc,) = folder.glob("*.warc.gz")
    if plain:
        import gzip
        out = warc.with_name("big.warc")
        out.write_bytes(gzip.decompress(warc.read_bytes()))
        warc.unlink()
        return out
    return warc


@pytest.mark.parametrize("plain", [False, True])
def test_an_index_line_of_a_record_over_the_size_cap_is_said_too_large_not_missing(tmp_path,
                                                                                   plain):
    """verify --max-record-size skips a record larger than the cap (an error of its own), and
    then said of its index line "no record of that URL and time starts" there: a second,
    false error, as if the index were wrong. Now the line is a warning saying the record is
    too large to check, with its size and the cap; the other lines are checked."""
    warc = _big_and_small(tmp_path / "src", plain)
    pkg = tmp_path / "big.wacz"
    assert main(["wacz", str(warc), "-o", str(pkg)]) == 0
    lines = _index_lines(pkg)
    big = next(i for i, line in enumerate(lines) if _fields(line)["url"] == "http://e.com/big")
    report = verify([pkg], max_record_size=20_000)
    record_errors = [p for p in report.errors if "#archive/" in p.file]
    assert [p.offset for p in record_errors] == [int(_fields(lines[big])["offset"])]
    assert "20000 bytes (max record size); skipped" in record_errors[0].message
    index_said = [p for p in report.problems if p.file.endswith("#indexes/index.cdx")]
    assert [(p.severity, p.offset) for p in index_said] == [("warning", _starts(lines)[big])]
    message = index_said[0].message
    assert f"line {big + 1}: index line for 'http://e.com/big'" in message
    assert "larger than 20000 bytes (--max-record-size): too large to check" in message
    size = _fields(lines[big])["length"]
    assert f"of {size} bytes in the file" in message
    assert "no record" not in message
    assert report.error_count == 1
    assert verify([pkg]).ok  # under the default cap every line checks


def _warc_at(folder: Path, urls: list[str]) -> Path:
    with WarcWriter(folder) as w:
        for url in urls:
            w.write_exchange(make_exchange(url, f"<title>{url}</title>".encode() * 20, date=T1))
    (warc,) = folder.glob("*.warc.gz")
    return warc


def _package(path: Path, members: dict[str, Path], index: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, warc in members.items():
            zf.write(warc, name, compress_type=zipfile.ZIP_STORED)
        zf.writestr("indexes/index.cdx", "\n".join(index) + "\n")
    return path


def _named(lines: list[str], filename: str) -> list[str]:
    return [line.replace(f'"filename": "{_fields(line)["filename"]}"',
                         f'"filename": "{filename}"') for line in lines]


def test_index_lines_name_warcs_by_their_path_under_archive(tmp_path):
    """Two WARCs of one base name in two folders of a package (archive/x.warc.gz and
    archive/sub/x.warc.gz) were one name to verify: a line naming the first but giving the
    second's record passed, as did a line naming a WARC that ReplayWeb.page (which reads
    "archive/" + filename) does not find: ``archive/x.warc.gz`` (read as
    archive/archive/x.warc.gz), or ``x.warc.gz`` held outside archive/. Now a line's WARC is
    the member at archive/ + its filename; one naming none, or one of members named alike, is
    an error saying so."""
    top = _warc_at(tmp_path / "top", ["http://e.com/a", "http://e.com/b"])
    sub = _warc_at(tmp_path / "sub", ["http://e.com/c", "http://e.com/d"])
    top_lines = _named(build_index([top]), "x.warc.gz")
    sub_lines = _named(build_index([sub]), "sub/x.warc.gz")
    members = {"archive/x.warc.gz": top, "archive/sub/x.warc.gz": sub}
    intact = _package(tmp_path / "intact.wacz", members, top_lines + sub_lines)
    report = verify([intact])
    assert report.ok and report.problems == [], report.problems

    swapped = _named(sub_lines[:1], "x.warc.gz")  # the sub WARC's record, named as the top's
    prefixed = _named(top_lines[:1], "archive/x.warc.gz")
    lines = top_lines + sub_lines + swapped + prefixed
    report = verify([_package(tmp_path / "bad.wacz", members, lines)])
    starts = _starts(lines)
    assert [(p.severity, p.offset) for p in report.problems] == [
        ("error", starts[-2]), ("error", starts[-1])], report.problems
    assert "names x.warc.gz offset" in report.problems[0].message
    assert "where no record of that URL and time starts" in report.problems[0].message
    assert ("names 'archive/x.warc.gz', which the package does not hold as "
            "'archive/archive/x.warc.gz' (it holds 'archive/x.warc.gz', 'archive/sub/x.warc.gz'"
            ": the filename of an index line is relative to archive/)") in report.problems[
        1].message

    elsewhere = _package(tmp_path / "elsewhere.wacz", {"data/x.warc.gz": top}, top_lines)
    report = verify([elsewhere])  # said of the first line naming it, once
    assert [(p.severity, p.offset) for p in report.problems] == [("error", 0)]
    assert ("names 'x.warc.gz', which the package does not hold as 'archive/x.warc.gz' (it "
            "holds 'data/x.warc.gz'") in report.problems[0].message


def test_an_index_line_naming_one_of_members_named_alike_is_said_ambiguous(tmp_path):
    """archive/x.warc.gz twice in one ZIP (or archive//x.warc.gz beside it): no reader
    knows which one a line means (neither is read); the line says so, not "no record"."""
    warc = _warc_at(tmp_path / "w", ["http://e.com/a"])
    lines = _named(build_index([warc]), "x.warc.gz")
    pkg = tmp_path / "alike.wacz"
    with zipfile.ZipFile(pkg, "w") as zf:
        zf.write(warc, "archive/x.warc.gz")
        zf.writestr(zipfile.ZipInfo("archive//x.warc.gz"), warc.read_bytes())
        zf.writestr("indexes/index.cdx", "\n".join(lines) + "\n")
    index_said = [p for p in verify([pkg]).problems if p.file.endswith("index.cdx")]
    assert [p.severity for p in index_said] == ["error"]
    assert ("names 'x.warc.gz': 2 members are named alike ('archive/x.warc.gz', "
            "'archive//x.warc.gz'), which one is meant is ambiguous") in index_said[0].message


def test_a_wacz_of_warcs_from_two_folders_verifies_clean(tmp_path):
    """Our own package (archive/NAME for each input) checks clean against its index."""
    first = _warc_at(tmp_path / "one", ["http://e.com/a"])
    second = _warc_at(tmp_path / "two", ["http://e.com/b"])
    renamed = second.with_name("other.warc.gz")
    shutil.move(second, renamed)
    pkg = tmp_path / "two.wacz"
    assert main(["wacz", str(first), str(renamed), "-o", str(pkg)]) == 0
    report = verify([pkg])
    assert report.ok and report.problems == [], report.problems


def test_the_command_checks_the_index_of_a_package_named_on_it(wacz, warcs, tmp_path):
    """``python -m archive verify crawl.wacz`` hands verify the package's members, never the
    package: its index was never checked, and a line naming a wrong offset passed (exit 0).
    A package given by every WARC member is given whole; one given in part is not (its
    index names records left out, which would be false errors)."""
    lines = _index_lines(wacz)
    bad = list(lines)
    bad[0] = lines[0].replace(f'"offset": "{_fields(lines[0])["offset"]}"', '"offset": "7"')
    pkg = _with_index(wacz, tmp_path / "bad.wacz", bad)
    res = _cli("verify", pkg)
    assert res.returncode == 1, res.stderr
    assert (f"error: {pkg}#indexes/index.cdx: offset 0: line 1: index line for "
            f"{_fields(lines[0])['url']!r}") in res.stderr
    assert "where no record of that URL and time starts" in res.stderr
    one = _cli("verify", f"{pkg}#archive/{warcs[0].name}")
    assert one.returncode == 0 and "index.cdx" not in one.stderr, one.stderr


def _line_with(line: str, field: str, value: str) -> str:
    """``line`` with its JSON field ``field`` given as the raw JSON text ``value``."""
    return line.replace(f'"{field}": "{_fields(line)[field]}"', f'"{field}": {value}')


ODD_LINES = {  # (how the line's JSON is odd, what verify says of it)
    "nested past the parser's depth": (lambda k, t, line: f"{k} {t} " + "[" * 100_000,
                                       "damaged index line"),
    "an object nested past it": (lambda k, t, line: f"{k} {t} " + '{"a":' * 100_000,
                                 "damaged index line"),
    "an offset of 5000 digits": (lambda k, t, line: _line_with(line, "offset",
                                                               '"' + "9" * 5000 + '"'),
                                 "has no offset (a count of bytes; '999"),
    "a length of 5000 digits": (lambda k, t, line: _line_with(line, "length",
                                                              '"' + "9" * 5000 + '"'),
                                "has no length (a count of bytes)"),
    "a negative offset": (lambda k, t, line: _line_with(line, "offset", '"-1"'),
                          "has no offset (a count of bytes; '-1')"),
    "an offset of other digits": (lambda k, t, line: _line_with(line, "offset", '"１２"'),
                                  "has no offset (a count of bytes; '１２')"),
    "an offset NaN": (lambda k, t, line: _line_with(line, "offset", "NaN"),
                      "has no offset (a count of bytes; 'nan')"),
}


@pytest.mark.parametrize("odd", list(ODD_LINES))
def test_a_cdxj_line_of_odd_json_is_one_error_and_the_rest_is_checked(wacz, tmp_path, odd):
    """A line nested deeper than Python's JSON parser goes (RecursionError) or giving an
    offset of thousands of digits (int() refuses past 4300) stopped verify with a traceback.
    Each is one error by its line; the line after it is still checked."""
    lines = _index_lines(wacz)
    key, stamp, _ = lines[0].split(" ", 2)
    make, said = ODD_LINES[odd]
    last = _line_with(lines[1], "offset", '"3"')  # a wrong offset after it: still said
    bad = [*lines, make(key, stamp, lines[0]), last]
    report = verify([_with_index(wacz, tmp_path / "odd.wacz", bad)])
    starts = _starts(bad)
    assert [(p.severity, p.offset) for p in report.problems] == [
        ("error", starts[-2]), ("error", starts[-1])], report.problems
    assert said in report.problems[0].message
    assert "where no record of that URL and time starts" in report.problems[1].message


def test_a_gzipped_index_inflating_like_a_bomb_is_refused_where_it_passes_the_cap(
        wacz, tmp_path, monkeypatch):
    """A ZipNum-style ``.cdx.gz`` stored in the package (the ZIP's own ratio check sees its
    gzipped bytes only) that inflates to gigabytes of one repeated line: verify went through
    every line, for as long as that took. Past INDEX_RATIO times its size (and
    INDEX_FLOOR) it is one error by the index, and the lines before the cap were checked."""
    import gzip

    import archive.verify as verify_module
    monkeypatch.setattr(verify_module, "INDEX_FLOOR", 50_000, raising=False)
    monkeypatch.setattr(verify_module, "INDEX_RATIO", 20, raising=False)
    lines = _index_lines(wacz)
    wrong = _line_with(lines[0], "offset", '"3"')
    text = ("\n".join([wrong, *[lines[0]] * 20_000]) + "\n").encode()
    packed = gzip.compress(text, 9)
    cap = max(50_000, 20 * len(packed))
    assert len(text) > 10 * cap
    pkg = _repacked(wacz, tmp_path / "bomb.wacz", other={"indexes/index.cdx.gz": packed})
    with zipfile.ZipFile(pkg) as zf:  # stored, as a WACZ keeps it
        assert zf.getinfo("indexes/index.cdx.gz").compress_type == zipfile.ZIP_STORED
    checked = []
    real = verify_module._line_problem
    monkeypatch.setattr(verify_module, "_line_problem",
                        lambda *a: checked.append(1) or real(*a))
    report = verify([pkg])
    said = [(p.file, p.severity, p.message) for p in report.problems]
    where = f"{pkg}#indexes/index.cdx.gz"
    assert said[0][:2] == (where, "error") and "line 1: " in said[0][2]
    assert said[1] == (where, "error", f"index cannot be read: inflates past {cap} bytes "
                       f"from {len(packed)} gzipped: a gzip bomb, not read further"), said
    assert len(said) == 2
    assert len(checked) <= cap // len(lines[0])  # not the 20,001 lines


def _datapackage(wacz: Path) -> dict:
    with zipfile.ZipFile(wacz) as zf:
        return json.loads(zf.read("datapackage.json"))


def test_a_datapackage_giving_a_member_a_wrong_size_or_hash_is_named(wacz, warcs, tmp_path):
    """A member swapped after packing (repacked: its CRC-32 is its own, the records whole)
    under a datapackage.json that still gives the old one's size and hash: ReplayWeb.page
    says the package does not verify, and ``verify`` said nothing (exit 0). Now each wrong
    ``bytes`` and ``hash`` is an error naming the listed path; a hash of a kind it cannot
    compute is a warning."""
    doc = _datapackage(wacz)
    by_path = {r["path"]: r for r in doc["resources"]}
    pages = by_path["pages/pages.jsonl"]
    pages["bytes"] += 1
    warc = by_path[f"archive/{warcs[1].name}"]
    warc["hash"] = "sha256:" + "0" * 64
    index = by_path["indexes/index.cdx"]
    index["hash"] = "crc99:1234"
    pkg = _repacked(wacz, tmp_path / "listed.wacz", datapackage=json.dumps(doc).encode())
    report = verify([pkg])
    said = sorted((p.file, p.severity, p.message) for p in report.problems)
    assert said == sorted([
        (str(pkg), "error", f"datapackage.json lists 'pages/pages.jsonl' of {pages['bytes']} "
                            f"bytes; the member holds {pages['bytes'] - 1}"),
        (str(pkg), "error", f"datapackage.json lists 'archive/{warcs[1].name}' with hash "
                            f"sha256:{'0' * 64}; the member's is sha256:"
                            f"{__import__('hashlib').sha256(warcs[1].read_bytes()).hexdigest()} "
                            "(changed after packing)"),
        (str(pkg), "warning", "datapackage.json lists 'indexes/index.cdx' with hash "
                              "'crc99:1234', of no kind checked here"),
    ]), said
    res = _cli("verify", pkg)
    assert res.returncode == 1 and f"error: {pkg}: offset 0: datapackage.json lists" in (
        res.stderr)
    assert verify([wacz]).problems == []  # our own package's list is right


def _zipnum(lines: list[str], per_block: int) -> tuple[bytes, list[str]]:
    """A ZipNum index of ``lines`` as py-wacz writes one: the gzipped blocks of
    ``per_block`` lines each, and the block index naming each block's first key and time,
    offset, length and digest."""
    import gzip
    import hashlib
    blocks = [gzip.compress(("\n".join(lines[i:i + per_block]) + "\n").encode())
              for i in range(0, len(lines), per_block)]
    idx = ['!meta 0 {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}']
    offset = 0
    for i, block in enumerate(blocks):
        head = " ".join(lines[i * per_block].split(" ", 2)[:2])
        idx.append(f'{head} {{"offset": {offset}, "length": {len(block)}, "digest": '
                   f'"sha256:{hashlib.sha256(block).hexdigest()}"}}')
        offset += len(block)
    return b"".join(blocks), idx


def test_a_zipnum_block_index_naming_blocks_where_they_are_not_is_named(wacz, tmp_path):
    """ReplayWeb.page finds a URL's captures in a ZipNum index by its block index
    (indexes/index.idx): a line's offset, length and digest name one gzipped block of
    index.cdx.gz. verify read the .cdx.gz whole and never the .idx: a block index whose
    offsets were wrong passed (exit 0), and the pages of those blocks are not found. Now each
    line whose block is not there (past the end, not of its digest, no gzip member, or one
    starting with another key) is an error by its line."""
    lines = _index_lines(wacz)
    packed, idx = _zipnum(lines, 3)
    assert len(idx) >= 4
    doc = _datapackage(wacz)  # (its list without the plain index, the ZipNum unlisted)
    doc["resources"] = [r for r in doc["resources"] if r["path"] != "indexes/index.cdx"]
    wacz = _repacked(wacz, tmp_path / "listed.wacz", datapackage=json.dumps(doc).encode())
    intact = _repacked(wacz, tmp_path / "zipnum.wacz", drop=("indexes/index.cdx",), other={
        "indexes/index.cdx.gz": packed, "indexes/index.idx": ("\n".join(idx) + "\n").encode()})
    report = verify([intact])
    assert report.ok and report.problems == [], report.problems

    blocks = [json.loads(line.split(" ", 2)[2]) for line in idx[1:]]
    bad = list(idx)
    bad[1] = idx[1].replace(f'"offset": {blocks[0]["offset"]}', f'"offset": {len(packed) - 5}')
    bad[2] = idx[2].replace(f'"digest": "{blocks[1]["digest"]}"', f'"digest": "sha256:{"1" * 64}"')
    moved = dict(blocks[1], digest=blocks[2]["digest"], offset=blocks[2]["offset"],
                 length=blocks[2]["length"])  # another block's bytes, its digest too
    bad[2] = f'{" ".join(idx[2].split(" ", 2)[:2])} {json.dumps(moved)}'
    shifted = {"offset": blocks[2]["offset"] + 1, "length": blocks[2]["length"] - 1}
    bad[3] = f'{" ".join(idx[3].split(" ", 2)[:2])} {json.dumps(shifted)}'  # no digest given
    pkg = _repacked(wacz, tmp_path / "bad.wacz", drop=("indexes/index.cdx",), other={
        "indexes/index.cdx.gz": packed, "indexes/index.idx": ("\n".join(bad) + "\n").encode()})
    report = verify([pkg])
    starts = _starts(bad)
    where = f"{pkg}#indexes/index.idx"
    assert [(p.file, p.offset) for p in report.problems] == [
        (where, starts[1]), (where, starts[2]), (where, starts[3])], report.problems
    said = [p.message for p in report.problems]
    assert said[0].startswith("line 2: block of ") and "run past the end of indexes/index.cdx.gz" \
        in said[0]
    assert "starts with " in said[1]
    assert "are no gzip member" in said[2]
    assert not report.ok


def test_a_block_index_naming_its_blocks_over_and_over_stops(wacz, tmp_path, monkeypatch):
    """A block index of many lines each naming the whole .cdx.gz read it once a line: with
    a large index, hours. Past twice the file's bytes (and a block's cap) it is one error
    and the rest is not read."""
    import archive.verify_zipnum as zipnum
    monkeypatch.setattr(zipnum, "MAX_BLOCK", 1000)
    lines = _index_lines(wacz)
    packed, idx = _zipnum(lines, len(lines))  # one block: the whole file
    doc = _datapackage(wacz)
    doc["resources"] = [r for r in doc["resources"] if r["path"] != "indexes/index.cdx"]
    repeated = [idx[0], *[idx[1]] * 5000]
    reads = []
    real = zipnum._block_problem
    monkeypatch.setattr(zipnum, "_block_problem", lambda *a: reads.append(1) or real(*a))
    pkg = _repacked(wacz, tmp_path / "again.wacz", drop=("indexes/index.cdx",),
                    datapackage=json.dumps(doc).encode(), other={
                        "indexes/index.cdx.gz": packed,
                        "indexes/index.idx": ("\n".join(repeated) + "\n").encode()})
    report = verify([pkg])
    budget = 2 * len(packed) + 1000
    assert len(reads) == budget // len(packed) + 1
    assert [p.message.split(": ", 1)[1] for p in report.problems] == [
        "the block index names more bytes than indexes/index.cdx.gz holds twice over: the "
        "rest is not checked"], report.problems


def test_a_listed_member_no_reader_reads_that_is_a_zip_bomb_is_named(wacz, tmp_path,
                                                                     monkeypatch):
    """A pages list inflating like a zip bomb: no reader reads it, and the hash check
    refused it silently. Now it is an error naming it and why (the bomb is not inflated)."""
    from archive import wacz_input
    monkeypatch.setattr(wacz_input, "RATIO_FLOOR", 1 << 16)
    with zipfile.ZipFile(wacz) as zf:
        pages = zf.read("pages/pages.jsonl")
    flood = pages + b"\n" * (1 << 20)
    doc = _datapackage(wacz)
    for resource in doc["resources"]:
        if resource["path"] == "pages/pages.jsonl":
            resource["bytes"] = len(flood)
            resource["hash"] = "sha256:" + __import__("hashlib").sha256(flood).hexdigest()
    pkg = tmp_path / "flood.wacz"
    with zipfile.ZipFile(wacz) as zi, zipfile.ZipFile(pkg, "w") as zo:
        for info in zi.infolist():
            if info.filename == "pages/pages.jsonl":
                zo.writestr(info.filename, flood, compress_type=zipfile.ZIP_DEFLATED)
            elif info.filename == "datapackage.json":
                zo.writestr(info, json.dumps(doc).encode())
            else:
                zo.writestr(info, zi.read(info))
    report = verify([pkg])
    assert [(p.file, p.severity) for p in report.problems] == [(str(pkg), "error")]
    assert report.problems[0].message.startswith(
        "datapackage.json lists 'pages/pages.jsonl', which cannot be read to check its hash: "
        "declares ")
    assert "a zip bomb, not read" in report.problems[0].message


def test_index_lines_past_a_gzip_bomb_in_a_warc_are_said_unchecked_not_missing(tmp_path,
                                                                             monkeypatch):
    """A WARC member holding a gzip member that inflates past the bomb bound: the walk stops
    there (the rest of the member unread), and each index line of a record after it was
    "no record starts" there, an error. Now such a line is a warning saying why it was not
    checked; the lines before it are checked."""
    import gzip

    from archive import gzip_members
    monkeypatch.setattr(gzip_members, "BOMB_FLOOR", 1 << 20)
    first = _warc_at(tmp_path / "a", ["http://e.com/a"])
    after = _warc_at(tmp_path / "b", ["http://e.com/b"])
    bomb = gzip.compress(b"\0" * (2 << 20))
    warc = tmp_path / "x.warc.gz"
    warc.write_bytes(first.read_bytes() + bomb + after.read_bytes())
    shift = len(first.read_bytes()) + len(bomb)
    lines = _named(build_index([first]), "x.warc.gz")
    for line in _named(build_index([after]), "x.warc.gz"):
        offset = _fields(line)["offset"]
        lines.append(line.replace(f'"offset": "{offset}"', f'"offset": "{int(offset) + shift}"'))
    pkg = _package(tmp_path / "bomb.wacz", {"archive/x.warc.gz": warc}, lines)
    report = verify([pkg], max_record_size=10_000)
    index_said = [p for p in report.problems if p.file.endswith("index.cdx")]
    assert [p.severity for p in index_said] == ["warning"]
    assert index_said[0].offset == _starts(lines)[1]
    assert (f"past offset {len(first.read_bytes())}, where a gzip member inflates far past "
            "10000 bytes (--max-record-size) without ending: the rest of that WARC was not "
            "read, this line not checked") in index_said[0].message
