from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.reader import ArchiveLookup, SharedIndex, expand_paths, iter_responses
from archive.records import iter_records
from archive.writer import WarcWriter
from tests.support.hang import python_within

from .conftest import make_exchange, wacz_of, write_run_warc

T1 = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
T2 = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
T3 = datetime(2026, 1, 3, 10, 0, tzinfo=UTC)
URL = "http://example.com/ru/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82?q=%d0%ba"


def _types(folder):
    out = []
    for f in expand_paths(folder):
        out += [i.record.rec_type for i in iter_records(f) if i.record.rec_type != "warcinfo"]
    return out


def test_revisit_across_writer_instances(tmp_path):
    with WarcWriter(tmp_path) as w:
        first = w.write_exchange(make_exchange(URL, b"payload A", date=T1))
    with WarcWriter(tmp_path) as w:  # a second process/instance sharing the folder's index
        rev = w.write_exchange(make_exchange(URL, b"payload A", date=T2))
        new = w.write_exchange(make_exchange(URL, b"payload B", date=T3))
        w.write_exchange(make_exchange("http://e.com/404", b"x", status=404, date=T1))
        w.write_exchange(make_exchange("http://e.com/404", b"x", status=404, date=T2))
    assert _types(tmp_path) == ["response", "request", "revisit", "request"] + [
        "response",
        "request",
    ] * 3
    revisit = next(
        i.record
        for f in expand_paths(tmp_path)
        for i in iter_records(f)
        if i.record.rec_type == "revisit"
    )
    assert revisit.get("WARC-Profile") == (
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    )
    assert revisit.get("WARC-Refers-To") == first.record_id
    assert revisit.get("WARC-Refers-To-Target-URI") == URL
    assert revisit.get("WARC-Refers-To-Date") == "2026-01-01T10:00:00.000000Z"
    assert revisit.http().body == b"" and revisit.http().status == 200

    lookup = ArchiveLookup(tmp_path)
    assert lookup.get(URL).payload == b"payload B"
    got = lookup.get(URL, at=datetime(2026, 1, 2, 12, 0, tzinfo=UTC))
    assert got.payload == b"payload A" and got.ref.record_id == rev.record_id
    assert got.date == T2
    assert lookup.get(URL, at=T1).ref == first
    # before the first capture, the first answers: the nearest, as pywb picks
    assert lookup.get(URL, at=datetime(2025, 1, 1, tzinfo=UTC)).ref == first
    assert new.record_id == lookup.get(URL).ref.record_id
    # equivalent spellings: brackets, lower-case escapes, IRI form
    assert lookup.get("<" + URL + ">").payload == b"payload B"
    iri = "http://EXAMPLE.com/ru/привет?q=%D0%BA"
    assert lookup.get(iri, at=T2).payload == b"payload A"
    assert lookup.get("http://example.com/other") is None

    resp = list(iter_responses(tmp_path))
    payloads = sorted(r.payload for r in resp if r.url == URL)
    assert payloads == [b"payload A", b"payload A", b"payload B"]
    assert len(list(iter_responses(tmp_path, resolve_revisits=False))) == 4


def test_revisit_resolved_when_original_in_later_file(tmp_path):
    with WarcWriter(tmp_path / "a") as w:
        w.write_exchange(make_exchange(URL, b"same", date=T1))
        w.write_exchange(make_exchange(URL, b"same", date=T2))
    (f,) = expand_paths(tmp_path / "a")
    # put the revisit's file first: iteration has to defer it
    resps = list(iter_responses([f, f]))
    assert [r.payload for r in resps].count(b"same") >= 2


def _plain_warc_with_response_url_damaged(tmp_path):
    """A plain .warc (no gzip CRC) whose first response header names /b; its request says /a."""
    import gzip

    with WarcWriter(tmp_path / "w") as w:
        w.write_exchange(make_exchange("http://example.com/a", b"<html>page A</html>"))
        w.write_exchange(make_exchange("http://example.com/c", b"<html>page C</html>"))
    plain = b"".join(gzip.decompress(p.read_bytes()) for p in sorted(w.closed_files))
    start = plain.index(b"WARC-Type: response")
    end = plain.index(b"\r\n\r\n", start)
    head = plain[start:end].replace(b"http://example.com/a", b"http://example.com/b")
    path = tmp_path / "damaged.warc"
    path.write_bytes(plain[:start] + head + plain[end:])
    return path


def test_a_response_whose_request_names_another_url_is_not_served(tmp_path):
    path = _plain_warc_with_response_url_damaged(tmp_path)
    errors = []
    lookup = ArchiveLookup([path], on_error=errors.append)
    assert lookup.get("http://example.com/b") is None
    assert lookup.get("http://example.com/a") is None
    assert lookup.get("http://example.com/c").payload == b"<html>page C</html>"
    (err,) = errors
    assert err.file == str(path) and "http://example.com/b" in err.reason
    assert "its request" in err.reason and "http://example.com/a" in err.reason
    kinds = [(i.record.rec_type, i.record.target_uri) for i in iter_records(path)]
    assert ("response", "http://example.com/b") in kinds  # nothing is taken out of the file
    responses = list(iter_responses(path, on_error=errors.append))
    assert [r.url for r in responses] == ["http://example.com/c"]
    assert len(errors) == 2 and errors[1].offset == err.offset


def test_a_truncated_capture_is_never_served_as_the_page(tmp_path):
    """A record marked WARC-Truncated (a download that failed mid-body) stays in the archive
    as evidence, but neither replay nor re-extraction reads it as the page: the whole
    capture made before it still answers, and a URL with only a cut-off one is missing."""
    whole = make_exchange("http://e.com/a", b"<html>whole</html>", date=T1)
    cut = make_exchange("http://e.com/a", b"<html>wh", date=T2)
    cut.truncated = "disconnect"
    only_cut = make_exchange("http://e.com/b", b"", date=T2)
    only_cut.truncated = "length"
    with WarcWriter(tmp_path, prefix="t") as w:
        for ex in (whole, cut, only_cut):
            w.write_exchange(ex)
    lookup = ArchiveLookup(tmp_path)
    assert lookup.get("http://e.com/a").payload == b"<html>whole</html>"
    assert lookup.get("http://e.com/b") is None
    assert [r.payload for r in iter_responses(tmp_path)] == [b"<html>whole</html>"]


def _status_in_worker(shared: SharedIndex, url: str) -> tuple[int, bytes]:
    lookup = ArchiveLookup.attach(shared)
    try:
        found = lookup.get(url)
        return found.status, found.payload
    finally:
        lookup.close()


def test_a_worker_process_reads_the_index_its_owner_built(tmp_path):
    """A pool's worker attaches to the owner's index (no second indexing, the owner's lock
    no obstacle): it reads the captures, revisits resolved; closing it leaves the index to
    its owner, and the owner's close removes it."""
    with WarcWriter(tmp_path / "warc") as w:
        w.write_exchange(make_exchange("http://example.com/a", b"<html>same</html>"))
        w.write_exchange(make_exchange("http://example.com/b", b"<html>same</html>"))  # revisit
    with ArchiveLookup([tmp_path / "warc"]) as lookup:
        shared = lookup.shared()
        with ProcessPoolExecutor(1) as pool:
            got = [pool.submit(_status_in_worker, shared, u).result(timeout=60)
                   for u in ("http://example.com/a", "http://example.com/b")]
        assert got == [(200, b"<html>same</html>")] * 2
        assert lookup.get("http://example.com/b").payload == b"<html>same</html>"
    assert not shared.path.exists()


def _same_named_inputs(folder, layout: str) -> None:
    """Two inputs under ``folder`` whose files share a base name (a/x.warc and b/x.warc, or
    two WACZ packages each holding archive/data.warc), each of its own run, with a capture
    of URL at one offset: run-a's at T1 (and again at T3), run-b's at T2."""
    at = {"run-a": [T1, T3], "run-b": [T2]}
    for run, key in (("run-a", "a"), ("run-b", "b")):
        name = "x.warc" if layout == "folders" else "data.warc"
        warc = write_run_warc(folder / "src" / key / name, run,
                              [(URL, f"<html>{run}</html>".encode(), t) for t in at[run]])
        if layout == "folders":
            (folder / "in" / key).mkdir(parents=True)
            warc.rename(folder / "in" / key / name)
        else:
            wacz_of(folder / "in" / f"{key}.wacz", warc)


@pytest.mark.parametrize("layout", ["folders", "wacz"])
def test_a_captures_run_is_found_in_its_own_file_not_a_same_named_one(tmp_path, layout):
    """Two inputs holding files of one base name (a/x.warc and b/x.warc; a.wacz and b.wacz,
    each with archive/data.warc), each its own run, with a capture of one URL at one offset:
    ``run_at`` took a file by its base name and gave run-a's key for b's capture, so a
    re-extraction joined the later pages of b's article from run-a. Now the file is the one
    the index names exactly (a path, or a WACZ member's location); a bare name is none."""
    _same_named_inputs(tmp_path, layout)
    with ArchiveLookup([tmp_path / "in"]) as lookup:
        names = {f.name for f in lookup.files}
        assert len(lookup.files) == 2 and len(names) == 1
        (first_a, _), (first_b,) = ([c for c in lookup.captures(URL) if c[1] == i]
                                    for i in (0, 1))
        assert first_a[2] == first_b[2]  # one offset in both files
        runs = [lookup.run_at(str(f), first_b[2], URL) for f in lookup.files]
        assert None not in runs and runs[0] != runs[1]
        assert [r.payload for r in lookup.answers_in_run(URL, runs[1], T1)] == [
            b"<html>run-b</html>"]
        assert [r.payload for r in lookup.answers_in_run(URL, runs[0], T2)] == [
            b"<html>run-a</html>"]
        assert lookup.run_at(names.pop(), first_b[2], URL) is None


def test_a_double_star_glob_does_not_follow_a_symlink_loop(tmp_path):
    """glob.glob(recursive=True) followed folder links: ``l1 -> .`` beside ``l2 -> .`` made
    ``folder/**/*.warc.gz`` an endless walk. A ``**`` pattern walks as a folder is walked
    (links to folders not entered); the files it names are as before."""
    folder = tmp_path / "runs"
    (folder / "2026" / "12").mkdir(parents=True)
    (folder / ".trash").mkdir()
    for name in ("a.warc.gz", "2026/b.warc.gz", "2026/12/c.warc", "2026/12/skip.txt",
                 ".trash/old.warc.gz", "2026/.d.warc.gz"):
        (folder / name).write_bytes(b"")
    (folder / "l1").symlink_to(".")
    (folder / "2026" / "l2").symlink_to("..")
    script = ("import sys\nfrom archive.reader import expand_paths\n"
              "print('\\n'.join(str(p) for p in expand_paths(sys.argv[1:])))\n")
    res = python_within(60, script, f"{folder}/**/*.warc.gz", f"{folder}/**/*.warc",
                        f"{folder}/2026/*/*.warc")
    assert res.stdout.split() == [str(folder / name) for name in
                                  ("2026/b.warc.gz", "a.warc.gz", "2026/12/c.warc")], res.stderr
    # a trailing ** names the files below, as glob's does; hidden ones only when named
    assert expand_paths(f"{folder}/**") == [folder / name for name in (
        "2026/12/c.warc", "2026/12/skip.txt", "2026/b.warc.gz", "a.warc.gz")]
    assert expand_paths(f"{folder}/**/.*.warc.gz") == [folder / "2026/.d.warc.gz"]
    assert expand_paths(folder) == [folder / name for name in (  # a folder: hidden ones too
        ".trash/old.warc.gz", "2026/.d.warc.gz", "2026/12/c.warc", "2026/b.warc.gz", "a.warc.gz")]


def test_a_folder_names_its_archives_in_any_case(tmp_path):
    """Another tool's ``CRAWL.WARC.GZ`` in a folder is read as its ``.warc.gz`` neighbours
    (it was left out without a word); an ``.OPEN`` one, an ``.ARC.GZ`` and a ``.WARC.ZST``
    are said as in lower case."""
    with WarcWriter(tmp_path / "w") as w:
        w.write_exchange(make_exchange(URL, b"payload A", date=T1))
    (written,) = expand_paths(tmp_path / "w")
    folder = tmp_path / "in"
    folder.mkdir()
    written.rename(folder / "CRAWL.WARC.GZ")
    for name in ("b.warc.gz", "C.Warc", "D.WARC.GZ.OPEN", "E.ARC.GZ", "F.WARC.ZST"):
        (folder / name).write_bytes(b"")
    unfinished: list[Path] = []
    arcs: list[Path] = []
    compressed: list[Path] = []
    assert expand_paths(folder, unfinished, arcs, compressed) == [
        folder / name for name in ("C.Warc", "CRAWL.WARC.GZ", "b.warc.gz")]
    assert (unfinished, arcs, compressed) == ([folder / "D.WARC.GZ.OPEN"], [folder / "E.ARC.GZ"],
                                              [folder / "F.WARC.ZST"])
    assert [r.payload for r in iter_responses(folder / "CRAWL.WARC.GZ")] == [b"payload A"]


def test_a_record_without_warc_date_is_reported_not_read_as_captured_in_1970(tmp_path):
    """parse_warc_date("") gave the epoch: the record was indexed, replayed and exported as
    captured on 1970-01-01 with nothing said, while verify called it an error. pywb's
    indexers stop on it (no timestamp to key it by). Now it is reported by file and offset
    wherever records are read, and the capture before it answers."""
    from archive.cdxj import build_index
    from archive.errors import WarcFormatError
    from archive.reader import response_at
    from archive.records import parse_warc_date
    from tests.support.warcs import http_response, warcio_warc

    path = tmp_path / "undated.warc.gz"
    offsets = warcio_warc(path, [(URL, http_response(b"dated"), "2026-01-01T10:00:00Z"),
                                 (URL, http_response(b"undated"), None)])
    errors: list[WarcFormatError] = []
    assert [i.offset for i in iter_records(path, errors.append)] == [offsets[0]]
    assert [(str(e.file), e.offset) for e in errors] == [(str(path), offsets[1])]
    assert "no WARC-Date" in errors[0].reason
    seen: list[WarcFormatError] = []
    with ArchiveLookup([path], on_error=seen.append) as lookup:
        got = lookup.get(URL)
        assert (got.payload, got.date) == (b"dated", T1)
    assert [(str(e.file), e.offset) for e in seen] == [(str(path), offsets[1])]
    with pytest.raises(WarcFormatError, match="no WARC-Date"):
        response_at(path, offsets[1])
    with pytest.raises(ValueError, match="no WARC-Date"):
        parse_warc_date("")
    cdx_errors: list[WarcFormatError] = []
    (line,) = build_index([path], on_error=cdx_errors.append)  # the index: the dated one
    assert " 20260101100000 " in line and "1970" not in line
    assert [(str(e.file), e.offset) for e in cdx_errors] == [(str(path), offsets[1])]


def _undated_post_warc(path) -> list[int]:
    """warcio's own records: a warcinfo naming run-42 and a POST's request, both without
    WARC-Date (a date is mandatory, but only a capture needs one to be placed in time),
    around a GET page (T1) and the POST's answer (T2). The offsets of the four records."""
    import io

    from warcio.warcwriter import WARCWriter

    from tests.support.warcs import http_response

    offsets = []
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)

        def put(rec) -> None:
            offsets.append(fh.tell())
            w.write_record(rec)

        info = w.create_warcinfo_record(path.name, {"run-id": "run-42", "spider": "belta"})
        info.rec_headers.remove_header("WARC-Date")
        put(info)

        def response(body: bytes, date: str):
            return w.create_warc_record(URL, "response", payload=io.BytesIO(http_response(body)),
                                        warc_content_type="application/http; msgtype=response",
                                        warc_headers_dict={"WARC-Date": date})

        put(response(b"GET page", "2026-01-01T10:00:00Z"))
        answer = response(b"POST answer", "2026-01-02T10:00:00Z")
        block = (b"POST /x HTTP/1.1\r\nHost: example.com\r\nContent-Type: "
                 b"application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1")
        request = w.create_warc_record(URL, "request", payload=io.BytesIO(block),
                                       warc_content_type="application/http; msgtype=request")
        request.rec_headers.remove_header("WARC-Date")
        request.rec_headers.add_header("WARC-Concurrent-To",
                                       answer.rec_headers.get_header("WARC-Record-ID"))
        put(answer)
        put(request)
    return offsets


def test_an_undated_request_still_pairs_its_post_answer_and_an_undated_warcinfo_names_its_run(
        tmp_path):
    """Only a capture needs a WARC-Date (to be placed in time). A POST's request skipped for
    lacking one left its answer unpaired, indexed and served as the URL's GET page; a
    warcinfo skipped so lost the run it names. verify says the missing field once."""
    from archive.cdxj import build_index
    from archive.errors import WarcFormatError
    from archive.verify import verify

    path = tmp_path / "a.warc.gz"
    offsets = _undated_post_warc(path)
    seen: list[WarcFormatError] = []
    with ArchiveLookup([path], on_error=seen.append) as lookup:
        got = lookup.get(URL)
        assert (got.payload, got.date) == (b"GET page", T1)
        assert lookup.replayed_run() == "run-42"
    assert seen == []
    assert [i.offset for i in iter_records(path, seen.append)] == offsets and seen == []
    lines = build_index([path], on_error=seen.append)
    assert sorted(("__wb_method=post" in line, " 20260102100000 " in line) for line in lines
                  ) == [(False, False), (True, True)] and seen == []
    assert sorted((p.offset, p.message) for p in verify([path]).errors) == [
        (offsets[0], "missing WARC-Date"), (offsets[3], "missing WARC-Date")]


def test_a_capture_whose_file_went_after_indexing_is_reported_and_the_next_served(tmp_path):
    """A file deleted (or unreadable) after the index was built costs its captures only: each
    is reported with its file and offset, the next best capture is served."""
    url = "http://example.com/a"
    old = write_run_warc(tmp_path / "a_old.warc", "r1", [(url, b"old page", datetime(2026, 1, 1,
                                                                                      tzinfo=UTC))])
    new = write_run_warc(tmp_path / "b_new.warc", "r2", [(url, b"new page", datetime(2026, 2, 1,
                                                                                      tzinfo=UTC))])
    errors: list = []
    with ArchiveLookup([old, new], on_error=errors.append) as lookup:
        new.unlink()
        assert lookup.get(url).payload == b"old page"
        old.unlink()
        assert lookup.get(url) is None
    assert [(e.file, "cannot read record" in e.reason) for e in errors] == [
        (str(new), True), (str(new), True), (str(old), True)]
