"""WARCs other tools wrote of an outlet (wget, Browsertrix, Heritrix), replayed through the real
spider and re-extracted: the items are the live crawl's, whatever spelling of a URL the tool
recorded, as long as pywb would find it (its SURT key)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import zlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.sites import belta, zerkalo
from tests.support import foreign_warcs as fw
from tests.support.crawl import ROOT, SCRAPY, CrawlResult, run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow
NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
              "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
# what a capture says about when and from where, not what the article is
CAPTURE_FIELDS = {"fetched_at", "warc"}
BASE = f"https://{belta.HOST}"


def _article_fields(items: list[dict]) -> dict[str, dict]:
    return {i["url"]: {k: v for k, v in i.items() if k not in CAPTURE_FIELDS} for i in items}


@pytest.fixture(scope="module")
def outlet(tmp_path_factory):
    """A live crawl of the fixture БЕЛТА, and every page it fetched, as a tool fetched them."""
    site, golds = belta.build(count=4)
    with FixtureServer([site]) as server:
        live = run_crawl("belta", tmp_path_factory.mktemp("live"), server,
                         settings={"REFETCH_MAX_AGE_DAYS": 100000})
        fetched = [fw.fetch(server, BASE + p) for p in ("/robots.txt", "/rss")]
        fetched += [fw.fetch(server, g.url) for g in golds]
    assert live.returncode == 0 and len(live.items) == len(golds)
    return live, fetched


@pytest.fixture()
def warcs(tmp_path: Path) -> Path:
    """The folder a test writes its foreign WARC files into."""
    folder = tmp_path / "warc"
    folder.mkdir()
    return folder


def replay(warcs: Path, out: Path, **settings: str) -> CrawlResult:
    """The belta spider over ``warcs`` as a user runs it: its real https URLs, no network."""
    return run_crawl("belta", out, None, env=NO_NETWORK,
                     settings={"WARC_REPLAY": str(warcs), **settings})


def reextract(warcs: Path, out: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    items = out / "again.jsonl"
    proc = subprocess.run([*SCRAPY, "reextract", str(warcs), "-O", str(items)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **NO_NETWORK})
    lines = items.read_text("utf-8").splitlines() if items.exists() else []
    return proc, [json.loads(line) for line in lines]


def _no_trailing_slash(url: str) -> str:
    return url[:-1] if url.endswith("/") and url.count("/") > 3 else url


def _reordered_query(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "b=2&a=1" if url.endswith("/rss") else url


SPELLINGS: dict[str, tuple[Callable, Callable[[str], str]]] = {
    # a tool that fetched the site over plain http (wget http://www.belta.by/rss)
    "wget-http": (fw.write_wget, lambda u: u.replace("https://", "http://", 1)),
    # the bare host a link or a seed gave Browsertrix
    "browsertrix-bare-host": (fw.write_browsertrix, lambda u: u.replace("://www.", "://", 1)),
    # Heritrix recorded the article URLs without their trailing slash
    "heritrix-no-trailing-slash": (fw.write_heritrix, _no_trailing_slash),
    # all of it at once, with the default port spelt out and a letter escaped (%6e)
    "wget-http-bare-port": (fw.write_wget, lambda u: u.replace(
        "https://www.belta.by/", "http://belta.by:80/", 1).replace("novost", "%6eovost")),
}


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_a_foreign_archive_replays_to_the_live_items_whatever_url_spelling(outlet, warcs,
                                                                           tmp_path, case
                                                                           ) -> None:
    live, fetched = outlet
    write, spell = SPELLINGS[case]
    write(warcs / f"{case}.warc.gz", fetched, spell)
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert replayed.stats.get("replay/missing", 0) == 0, replayed.log[-2000:]
    assert _article_fields(replayed.items) == _article_fields(live.items)
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    if "trailing-slash" in case:  # an article is known by the URL its archive gives it
        assert _by_title(again) == _by_title(live.items)
    else:
        assert _article_fields(again) == _article_fields(live.items)


def _by_title(items: list[dict]) -> dict[str, dict]:
    return {i["title"]: {k: v for k, v in i.items() if k not in {*CAPTURE_FIELDS, "url", "id"}}
            for i in items}


def _feed_of(rss: fw.Fetched, keep: list[str]) -> bytes:
    """The feed as it was when only the articles ``keep`` were in it."""
    return re.sub(rb"<item>.*?</item>", lambda m: m.group(0) if any(
        u.encode() in m.group(0) for u in keep) else b"", rss.body, flags=re.S)


def test_replay_at_takes_the_nearest_capture_of_each_url(outlet, warcs, tmp_path) -> None:
    """The feed captured on days 1 and 3; its articles each captured the next day (2 and 4).
    As of the evening of day 1 the day-1 feed answers, and its articles from day 2: the
    captures nearest in time, as pywb picks them, not only those at or before."""
    live, fetched = outlet
    robots, rss, *articles = fetched
    day = [datetime(2026, 3, d, 9, tzinfo=UTC) for d in range(1, 6)]
    first, second = [a.url for a in articles[:2]], [a.url for a in articles[2:]]
    feed1 = replace(rss, body=_feed_of(rss, first), date=day[0])
    feed3 = replace(rss, body=_feed_of(rss, second), date=day[2])
    fw.write_wget(warcs / "day1.warc.gz", [robots.at(day[0]), feed1])
    fw.write_wget(warcs / "day2.warc.gz", [a.at(day[1]) for a in articles[:2]])
    fw.write_wget(warcs / "day3.warc.gz", [robots.at(day[2]), feed3])
    fw.write_wget(warcs / "day4.warc.gz", [a.at(day[3]) for a in articles[2:]])
    live_fields = _article_fields(live.items)
    for at, want in (("20260301200000", first), ("20260303200000", second)):
        got = replay(warcs, tmp_path / at, WARC_REPLAY_AT=at)
        assert got.returncode == 0, got.log[-2000:]
        assert got.stats.get("replay/missing", 0) == 0, got.log[-2000:]
        assert _article_fields(got.items) == {u: live_fields[u] for u in want}
    latest = replay(warcs, tmp_path / "latest")
    assert sorted(_article_fields(latest.items)) == sorted(second)


def test_a_304_capture_replays_as_the_page_it_confirmed(outlet, warcs, tmp_path) -> None:
    """A later wget run asked with If-Modified-Since and archived the 304 (a response record,
    no body) in another file: replay and reextract answer with the page it confirmed, as a
    server-not-modified revisit is answered, not with an empty 304."""
    live, fetched = outlet
    day = [datetime(2026, 3, d, 9, tzinfo=UTC) for d in range(1, 4)]
    first = [f.at(day[0]) for f in fetched]
    not_modified = [replace(f, status=304, reason="Not Modified", body=b"", date=day[1],
                            headers=[h for h in f.headers if h[0].lower() in ("date", "etag")])
                    for f in fetched[2:]]
    fw.write_wget(warcs / "a.warc.gz", first)
    fw.write_wget(warcs / "b.warc.gz", not_modified)
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert "downloader/response_status_count/304" not in replayed.stats
    assert _article_fields(replayed.items) == _article_fields(live.items)
    assert {i["fetched_at"] for i in replayed.items} == {"2026-03-02T09:00:00+00:00"}
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _article_fields(again) == _article_fields(live.items)


@pytest.mark.parametrize("robots", [500, 503, 429, 404, None])
def test_a_robots_txt_archived_failing_or_missing_does_not_block_the_replay(
        outlet, warcs, tmp_path, robots) -> None:
    """wget got a 500 (or 503, 429, 404, or nothing) for robots.txt and fetched the site
    anyway. Live, a 5xx robots.txt stops the crawl of the host (RFC 9309: the server is
    failing); in replay no server is asked, so the archive's pages are replayed, and the
    archived answer is said in the log and counted."""
    live, fetched = outlet
    head, *pages = fetched
    if robots is not None:
        pages = [replace(head, status=robots, reason="Error", body=b"<h1>error</h1>"), *pages]
    fw.write_wget(warcs / "site.warc.gz", pages)
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert _article_fields(replayed.items) == _article_fields(live.items)
    assert "robotstxt/forbidden" not in replayed.stats
    if robots in (500, 503, 429):
        assert replayed.stats.get("robotstxt/unavailable_archived") == 1
        assert f"robots.txt was archived as {robots}" in replayed.log


def test_an_archived_robots_txt_disallowing_articles_is_still_obeyed(outlet, warcs, tmp_path) -> None:
    """The rules a robots.txt gives are the site's, and a crawl obeyed them: replay too."""
    live, fetched = outlet
    head, *pages = fetched
    rules = replace(head, body=b"User-agent: *\nDisallow: /politics/\n")
    fw.write_wget(warcs / "site.warc.gz", [rules, *pages])
    replayed = replay(warcs, tmp_path / "replay")
    assert sorted(_article_fields(replayed.items)) == sorted(
        u for u in _article_fields(live.items) if "/politics/" not in u)
    assert replayed.stats.get("robotstxt/forbidden") == 1


def test_a_redirect_chain_replays_to_the_article(outlet, warcs, tmp_path) -> None:
    """The feed links an old address of an article; wget followed 301 (to http) -> 301 (to
    https) -> 200 and recorded each hop: replay follows the same hops to the same item."""
    live, fetched = outlet
    robots, rss, *articles = fetched
    target = articles[1].url
    old, older = (target.replace("novost-nomer", word) for word in ("staraya", "eshche"))
    hops = [replace(rss, url=src, status=301, reason="Moved Permanently", body=b"",
                    headers=[("Location", dest), ("Content-Length", "0")])
            for src, dest in ((old, older.replace("https://", "http://")),
                              (older.replace("https://", "http://"), target))]
    feed = replace(rss, body=rss.body.replace(target.encode(), old.encode()))
    fw.write_wget(warcs / "site.warc.gz", [robots, feed, *hops, *articles])
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert replayed.stats.get("replay/missing", 0) == 0, replayed.log[-2000:]
    assert _article_fields(replayed.items) == _article_fields(live.items)
    assert replayed.stats.get("downloader/response_status_count/301") == 2


def test_an_archive_of_article_pages_only_is_reextracted_by_host(warcs, tmp_path) -> None:
    """A Browsertrix crawl of Зеркало's articles only (no feed: a crawl replays nothing from
    it), some fetched from its mirror (under /news/) or the bare zerkalo.io alias:
    ``scrapy reextract`` finds each page's outlet by its host and gives the live items."""
    fixture = zerkalo.build()
    window = {"since": "2026-01-11", "until": "2026-01-12"}
    golds = fixture.in_window(date(2026, 1, 11), date(2026, 1, 12))
    with FixtureServer([fixture.site, fixture.mirror]) as server:
        live = run_crawl("zerkalo", tmp_path / "live", server, args=window)
        spelt = [g.url.replace(f"https://{zerkalo.HOST}/", [
            f"https://{zerkalo.HOST}/", f"https://{zerkalo.MIRROR_HOST}/news/",
            "https://zerkalo.io/"][n % 3]) for n, g in enumerate(golds)]
        fetched = [fw.fetch(server, u.replace("https://zerkalo.io/", f"https://{zerkalo.HOST}/"))
                   for u in spelt]
    assert live.returncode == 0 and len(live.items) == len(golds) >= 3
    fw.write_browsertrix(warcs / "pages.warc.gz",
                         [replace(f, url=u) for f, u in zip(fetched, spelt, strict=True)])
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"{len(golds)} items from {len(golds)} archived articles" in proc.stderr
    assert _article_fields(again) == _article_fields(live.items)


@pytest.mark.parametrize("coding", ["gzip", "br", "deflate"])
def test_a_body_stored_decoded_under_its_content_encoding_replays(outlet, warcs, tmp_path,
                                                                   coding) -> None:
    """A browser-based capture stores the body the browser decoded but keeps the server's
    Content-Encoding header: warcio and pywb serve such a body as it is; so do replay and
    reextract (counted), instead of failing every page as a damaged gzip stream."""
    live, fetched = outlet
    mislabelled = [replace(f, headers=[*f.headers, ("content-encoding", coding)])
                   for f in fetched]
    fw.write_browsertrix(warcs / "pages.warc.gz", mislabelled)
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert _article_fields(replayed.items) == _article_fields(live.items)
    assert replayed.stats.get("replay/encoding_not_applied") == len(fetched)
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _article_fields(again) == _article_fields(live.items)


def _transfer_coded(f: fw.Fetched, coding: str) -> fw.Fetched:
    """The exchange as the wire carried it under ``Transfer-Encoding: <coding>, chunked``."""
    body = gzip.compress(f.body) if coding == "gzip" else zlib.compress(f.body)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 500]), body[i:i + 500])
                      for i in range(0, len(body), 500))
    headers = [(k, v) for k, v in f.headers if k.lower() != "content-length"]
    return replace(f, headers=[*headers, ("Transfer-Encoding", f"{coding}, chunked")],
                   body=chunks + b"0\r\n\r\n")


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_body_sent_under_a_transfer_coding_replays_as_its_page(outlet, warcs, tmp_path,
                                                                  coding) -> None:
    """wget keeps the bytes of the wire: a server's ``Transfer-Encoding: gzip, chunked`` body
    is chunks of a gzip stream. Replay and reextract undo both codings (warcio and pywb only
    "chunked" alone): the items are the live crawl's, not gzip bytes read as text."""
    live, fetched = outlet
    fw.write_wget(warcs / "pages.warc.gz", [_transfer_coded(f, coding) for f in fetched])
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert _article_fields(replayed.items) == _article_fields(live.items)
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _article_fields(again) == _article_fields(live.items)


def test_a_damaged_transfer_coding_is_a_bad_record_by_file_and_offset(outlet, warcs,
                                                                       tmp_path) -> None:
    live, fetched = outlet
    coded = [_transfer_coded(f, "gzip") for f in fetched]
    broken = coded[-1].body
    coded[-1] = replace(coded[-1], body=broken[:60] + b"\xff" * 40 + broken[100:])
    fw.write_wget(warcs / "pages.warc", coded)
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert re.search(r"pages\.warc.*offset \d+.*(gzip|deflate)", proc.stderr), proc.stderr[-2000:]
    assert len(again) == len(live.items) - 1


def _coded_and_damaged(f: fw.Fetched, damage: str) -> fw.Fetched:
    """The page under a Content-Encoding that does not decode: a gzip stream cut mid-deflate
    by a lost connection (its Content-Length the whole stream's), one with a bad CRC, or a
    coding no reader knows."""
    headers = [(k, v) for k, v in f.headers if k.lower() not in ("content-length",
                                                                  "content-encoding")]
    coded = gzip.compress(f.body)
    body, coding = {"cut": (coded[:len(coded) // 2], "gzip"),
                    "crc": (coded[:-8] + bytes(b ^ 0xFF for b in coded[-8:-4]) + coded[-4:],
                            "gzip"),
                    "compress": (b"\x1f\x9d\x90" + f.body, "compress")}[damage]
    return replace(f, headers=[*headers, ("Content-Encoding", coding),
                               ("Content-Length", str(len(coded)))], body=body)


@pytest.mark.parametrize("damage", ["cut", "crc", "compress"])
def test_a_newer_capture_whose_content_encoding_fails_gives_way_to_the_older(
        outlet, warcs, tmp_path, damage) -> None:
    """A page captured whole, then again by wget (no WARC-Truncated) under a Content-Encoding
    that does not decode. It was logged "Cannot decode URL" (no file, no offset), counted
    ``content_encoding``, the article lost, exit 0. It is a bad record by file and offset,
    as a damaged transfer coding is: reextract reads the older capture and ends in error,
    replay serves the older capture and says the newer one."""
    live, fetched = outlet
    last = [f for f in fetched if not f.url.endswith("/robots.txt")][-1]
    fw.write_wget(warcs / "first.warc.gz", [f.at(datetime(2026, 1, 9, tzinfo=UTC))
                                            for f in fetched])
    newer = _coded_and_damaged(last, damage).at(datetime(2026, 1, 10, tzinfo=UTC))
    fw.write_wget(warcs / "second.warc", [newer])
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert re.search(r"bad record skipped: \S*second\.warc: offset \d+: HTTP body: "
                     rf"Content-Encoding {'compress' if damage == 'compress' else 'gzip'} "
                     r"does not decode", proc.stderr), proc.stderr[-2000:]
    assert "Cannot decode" not in proc.stderr and "content_encoding" not in proc.stderr
    assert _article_fields(again) == _article_fields(live.items)
    if damage == "cut":
        replayed = replay(warcs, tmp_path / "replay")
        assert replayed.stats.get("replay/bad_records", 0) >= 1, replayed.log[-2000:]
        assert _article_fields(replayed.items) == _article_fields(live.items)


def test_a_page_shorter_than_its_content_length_is_read_and_said(outlet, warcs, tmp_path) -> None:
    """wget keeps what came over a connection cut mid-page (no WARC-Truncated): the body
    stops short of its Content-Length. Served as stored, as pywb serves it, but never unsaid:
    a record kept by file and offset, and reextract ends in error as for any damage (the
    page, never closed, gives no article: truncated_html)."""
    live, fetched = outlet
    *pages, last = [f for f in fetched if not f.url.endswith("/robots.txt")]
    assert not any(k.lower() == "content-encoding" for k, _ in last.headers)
    cut = replace(last, body=last.body[:len(last.body) * 2 // 3])
    fw.write_wget(warcs / "pages.warc", [*pages, cut])
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.stats.get("replay/damaged_records_kept", 0) >= 1, replayed.log[-2000:]
    assert f"{len(cut.body)} of the {len(last.body)} bytes its Content-Length" in replayed.log
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert re.search(rf"bad record kept: \S*pages\.warc: offset \d+: HTTP body ends after "
                     rf"{len(cut.body)} of the {len(last.body)} bytes", proc.stderr), proc.stderr
    assert f"No article from {last.url}: truncated_html" in proc.stderr
    assert {i["url"] for i in again} == {i["url"] for i in live.items} - {last.url}


@pytest.mark.parametrize("write", [fw.write_heritrix, fw.write_wget])
def test_revisits_whose_originals_are_in_an_earlier_crawls_file_replay(outlet, warcs, tmp_path,
                                                                         write) -> None:
    """A second crawl (another file, a month later) found every page unchanged and wrote
    revisits only (Heritrix: Refers-To-Target-URI and -Date; wget: WARC-Refers-To alone):
    the latest replay, and reextract, give the live items, captured at the second crawl."""
    live, fetched = outlet
    march, april = datetime(2026, 3, 1, 9, tzinfo=UTC), datetime(2026, 4, 1, 9, tzinfo=UTC)
    seen: dict = {}
    write(warcs / "crawl-1.warc.gz", [f.at(march) for f in fetched], seen=seen)
    write(warcs / "crawl-2.warc.gz", [f.at(april) for f in fetched], seen=seen)
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert replayed.stats.get("replay/missing", 0) == 0, replayed.log[-2000:]
    assert _article_fields(replayed.items) == _article_fields(live.items)
    assert {i["fetched_at"] for i in replayed.items} == {"2026-04-01T09:00:00+00:00"}
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _article_fields(again) == _article_fields(live.items)


def test_a_replay_the_archive_cannot_start_says_so_and_fails(outlet, warcs, tmp_path) -> None:
    """An archive of article pages only (no feed) replayed through the spider: no article,
    since the feed it starts from is not there. The run says which URLs the archive lacked,
    points at reextract, and exits 1, instead of a healthy run with nothing in it."""
    live, fetched = outlet
    fw.write_wget(warcs / "articles.warc.gz", fetched[2:])
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 1, replayed.log[-2000:]
    assert replayed.items == []
    assert replayed.stats.get("replay/missing_urls") == [f"{BASE}/rss"]  # not robots.txt
    assert "not in the archive" in replayed.log and "scrapy reextract" in replayed.log
    proc, again = reextract(warcs, tmp_path)  # what the message says to do
    assert _article_fields(again) == _article_fields(live.items)


def test_urls_missing_from_the_archive_are_counted_once_and_never_retried(
        outlet, warcs, tmp_path) -> None:
    """Offline there is no network to retry: each URL the archive lacks is one
    ``replay/missing``, never a download exception, a retry or a network failure."""
    live, fetched = outlet
    robots, rss, *articles = fetched
    fw.write_wget(warcs / "site.warc.gz", [robots, rss, *articles[:2]])
    replayed = replay(warcs, tmp_path / "replay", RETRY_TIMES="3")
    lacking = sorted(a.url for a in articles[2:])
    assert replayed.stats.get("replay/missing") == len(lacking), replayed.log[-2000:]
    assert sorted(replayed.stats.get("replay/missing_urls")) == lacking
    said = sorted(line.rsplit(" ", 1)[-1] for line in replayed.log.splitlines()
                  if "Not in the archive: " in line)
    assert said == lacking  # once each: asked once
    assert not [k for k in replayed.stats if k.startswith(("downloader/exception", "retry/"))]
    [report] = (tmp_path / "replay" / "reports").glob("belta-*.json")
    summary = json.loads(report.read_text("utf-8"))["summary"]
    assert summary["download_failures"] == {}
    assert summary["errors_by_kind"]["download_exceptions"] == 0
    assert len(replayed.items) == 2


def _range_of(f: fw.Fetched, start: int, date: datetime) -> fw.Fetched:
    """``f`` as a later ``wget -c`` or a browser's range request archived it: a 206 holding
    the bytes from ``start`` on, under a Content-Range."""
    part = f.body[start:]
    headers = [(k, v) for k, v in f.headers if k.lower() != "content-length"]
    headers += [("Content-Range", f"bytes {start}-{len(f.body) - 1}/{len(f.body)}"),
                ("Content-Length", str(len(part)))]
    return replace(f, status=206, reason="Partial Content", headers=headers, body=part,
                   date=date)


def test_a_newer_206_of_a_page_gives_way_to_its_whole_capture(outlet, warcs, tmp_path) -> None:
    """A later run archived each article as a 206 (``wget -c`` resuming, a browser's range
    request): part of the page, the answer to a request with a Range. The spider asks with
    none, so replay serves the whole 200 before it, and reextract reads that one (said as
    read past a newer capture that is no article), never an article cut to its tail."""
    live, fetched = outlet
    march, april = datetime(2026, 3, 1, 9, tzinfo=UTC), datetime(2026, 4, 1, 9, tzinfo=UTC)
    robots, rss, *articles = fetched
    fw.write_wget(warcs / "crawl-1.warc.gz", [f.at(march) for f in fetched])
    fw.write_wget(warcs / "crawl-2.warc.gz", [_range_of(a, len(a.body) // 2, april)
                                              for a in articles])
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert _article_fields(replayed.items) == _article_fields(live.items)
    assert {i["fetched_at"] for i in replayed.items} == {"2026-03-01T09:00:00+00:00"}
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _article_fields(again) == _article_fields(live.items)
    assert f"http_206: {len(articles)}" in proc.stderr


def _response_offsets(path: Path) -> dict[str, int]:
    """Each response record's offset in ``path``, by its URL, as warcio reads them."""
    from warcio.archiveiterator import ArchiveIterator

    offsets = {}
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI").strip("<>")
                offsets[url] = records.get_record_offset()
    return offsets


def test_a_page_giving_no_article_is_named_with_the_capture_it_was_read_from(
        outlet, warcs, tmp_path) -> None:
    """Another tool's crawl of article URLs that answered JSON, a PDF, a page with no
    headline: each "No article from URL" named the URL alone, not which of the archive's
    records (of several files, captures, spellings) to open."""
    live, fetched = outlet
    page = next(f for f in fetched if f.url.endswith("-2026/"))
    odd = {f"{BASE}/society/view/odd-{n}-4277{n:02d}-2026/": (ctype, body) for n, (ctype, body)
           in enumerate([("application/json", b'{"id": 1}'),
                         ("application/pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8),
                         ("text/html; charset=utf-8", re.sub(rb"<title>.*?</title>|<h1>.*?</h1>"
                                                             rb"|<meta property=\"og:title\"[^>]*>",
                                                             b"", page.body, flags=re.S))])}
    others = [replace(page, url=url, body=body,
                      headers=[("Content-Type", ctype), ("Content-Length", str(len(body)))])
              for url, (ctype, body) in odd.items()]
    path = fw.write_wget(warcs / "pages.warc", [*fetched, *others])
    proc, again = reextract(warcs, tmp_path)
    offsets = _response_offsets(path)
    for url in odd:
        said = [line for line in proc.stderr.splitlines()
                if line.startswith(f"No article from {url}: ")]
        assert len(said) == 1, proc.stderr[-3000:]
        assert said[0].endswith(f"(capture: {path} offset {offsets[url]})"), said[0]
    assert {i["url"] for i in again} == {i["url"] for i in live.items}


def test_an_article_archived_only_as_a_206_is_no_item_and_is_said(outlet, warcs,
                                                                  tmp_path) -> None:
    """``wget -c`` resumed two articles whose first part was never archived: their only
    captures are 206s of the page from just inside its <head> (title and body all there).
    Replay serves each as the archive holds it, flagged, counted and said by URL, file and
    offset; neither the spider's extraction nor reextract takes it for the article
    (``partial_content``, no item, each named by URL, file and offset)."""
    live, fetched = outlet
    robots, rss, *articles = fetched
    whole, parts = articles[:2], [_range_of(a, a.body.index(b"<head"), a.date)
                                  for a in articles[2:]]
    warc = fw.write_wget(warcs / "site.warc.gz", [robots, rss, *whole, *parts])
    offsets = {r.target_uri.strip("<>"): info.offset for info in _records(warc)
               if (r := info.record).rec_type == "response"}
    replayed = replay(warcs, tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-2000:]
    assert sorted(i["url"] for i in replayed.items) == sorted(a.url for a in whole)
    assert replayed.stats.get("replay/partial_served") == len(parts)
    assert replayed.stats.get("extraction/failed/partial_content") == len(parts)
    proc, again = reextract(warcs, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(i["url"] for i in again) == sorted(a.url for a in whole)
    assert f"failed: partial_content: {len(parts)};" in proc.stderr
    for part in parts:
        where = f"{warc} at offset {offsets[part.url]}"
        assert f"{part.url}: only a 206 holding part of the page" in replayed.log
        assert where in replayed.log.split(f"{part.url}: only a 206", 1)[1].split("\n")[0]
        refused = f"{part.url}: a 206 holding only part of the page"
        for log in (replayed.log, proc.stderr):
            line = log.split(refused, 1)[1].split("\n")[0]
            assert re.search(rf"WARC \S*{warc.name} offset {offsets[part.url]}$", line), line


def _records(path: Path) -> list:
    from archive.records import iter_records
    return list(iter_records(path))
