"""ARC files (the format before WARC) replayed through real `scrapy crawl` and `scrapy
runspider` runs and re-extracted: the same items as the live crawl, and every response served
with the status, headers and body the ARC record holds."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.archive.arc_files import arc_of_fetched, arc_record, http_response, write_arc
from tests.e2e.test_foreign_replay import (  # noqa: F401 - the fixture, used by name
    NO_NETWORK,
    _article_fields,
    outlet,
    reextract,
    replay,
)
from tests.support.crawl import ROOT, SCRAPY

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("gz", [False, True], ids=["arc", "arc.gz"])
def test_an_arc_archive_replays_and_reextracts_to_the_live_items(outlet, tmp_path, gz  # noqa: F811
                                                                  ) -> None:
    live, fetched = outlet
    folder = tmp_path / "arcs"
    folder.mkdir()
    arc_of_fetched(folder / ("crawl.arc.gz" if gz else "crawl.arc"), fetched, gz=gz)
    replayed = replay(folder, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert replayed.stats.get("replay/missing", 0) == 0, replayed.log[-2000:]
    assert replayed.stats.get("replay/hits", 0) >= len(live.items)
    assert _article_fields(replayed.items) == _article_fields(live.items)
    assert {i["warc"]["file"] for i in replayed.items} == {
        "crawl.arc.gz" if gz else "crawl.arc"} or all(
        str(i["warc"]["file"]).endswith((".arc", ".arc.gz")) for i in replayed.items)
    proc, again = reextract(folder, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _article_fields(again) == _article_fields(live.items)


PAGES = {
    "http://arc.test/page": http_response(
        "<html><body>Старая страница\r\n</body></html>".encode(),
        headers=(("Content-Type", "text/html; charset=utf-8"), ("X-Archived", "1996"))),
    "http://arc.test/missing": http_response(b"\x00\xff not found \r\n\r\n", "404 Not Found",
                                             headers=(("Content-Type", "application/x-bin"),)),
    "http://arc.test/moved": http_response(b"", "301 Moved Permanently",
                                           headers=(("Location", "http://arc.test/page"),)),
}


def _dump(folder: Path, out: Path, urls: list[str]) -> dict[str, dict]:
    dump = out / "dump.jsonl"
    proc = subprocess.run(
        [*SCRAPY, "runspider", str(ROOT / "tests/support/dump_spider.py"), "-O", str(dump),
         "-a", "urls=" + " ".join(urls), "-a", "headers=X-Archived Content-Type",
         "-s", f"WARC_REPLAY={folder}", "-s", f"DATA_DIR={out}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, **NO_NETWORK})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {d["url"]: d for d in map(json.loads, dump.read_text().splitlines())}


@pytest.mark.parametrize("gz", [False, True], ids=["arc", "arc.gz"])
def test_every_arc_response_is_served_byte_exact(tmp_path, gz) -> None:
    import hashlib

    folder = tmp_path / "arcs"
    folder.mkdir()
    records = [arc_record(url, block) for url, block in PAGES.items()]
    # damage the walk reports and passes: garbage, then a record cut by the end of the file
    path = folder / ("old.arc.gz" if gz else "old.arc")
    write_arc(path, records, gz=gz)
    torn = arc_record("http://arc.test/torn", http_response(b"x" * 500))
    with open(path, "ab") as fh:
        fh.write(b"garbage between records\n")
        fh.write((gzip.compress(torn, mtime=0) if gz else torn)[:-100])
    got = _dump(folder, tmp_path, [*PAGES, "http://arc.test/none"])
    for url, block in PAGES.items():
        status = int(block.split(b" ", 2)[1])
        body = block.split(b"\r\n\r\n", 1)[1]
        answer = got[url]
        assert answer["status"] == status, url
        assert answer["sha256"] == hashlib.sha256(body).hexdigest(), url
    assert got["http://arc.test/page"]["headers"] == {
        "X-Archived": "1996", "Content-Type": "text/html; charset=utf-8"}
    assert got["http://arc.test/moved"]["location"] == "http://arc.test/page"
    assert got["http://arc.test/none"]["status"] == 404  # not in the archive
