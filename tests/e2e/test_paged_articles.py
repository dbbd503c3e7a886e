"""Articles split over several pages (``rel="next"``, or the article's own numbered pager
only): one item per article, its text joined from its pages in order, by a named outlet's
spider and by the any-site spider, live, in an offline replay of the same WARCs and in their
re-extraction."""

from __future__ import annotations

import gzip
import json
import os
import re
import sqlite3
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.httputil import encoding_not_applied
from tests.e2e.test_any_site import WINDOW
from tests.e2e.test_replay import NO_NETWORK
from tests.sites import paged_articles
from tests.sites.paged_articles import WIDGET_PAGER, PagedSite
from tests.support.crawl import ROOT, SCRAPY, CrawlResult, run_crawl
from tests.support.server import FixtureServer, Page
from tests.support.warcs import http_response, warcio_warc

pytestmark = pytest.mark.slow


def _target(path: str) -> str:
    parts = urlsplit(path)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module", params=["runews24", "site"])
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """(the fixture, the live run, its server's requests, the replay of its WARCs, the
    settings a re-extraction of them needs: a site crawled by address, its row)."""
    if request.param == "runews24":
        fixture, paged = paged_articles.runews24_site()
        site, args = fixture.site, {}
        bases = {site.host: f"http://{site.host}"}
    else:
        shape, paged = paged_articles.any_site()
        site, args, bases = shape.site, {"url": shape.url, **WINDOW}, {}
    data = tmp_path_factory.mktemp(request.param)
    with FixtureServer([site]) as server:
        live = run_crawl(request.param, data / "live", server, args=args)
        requested = server.requested_paths(site.host)
    replay = run_crawl(request.param, data / "replay", None, args=args, env=NO_NETWORK,
                       settings={"WARC_REPLAY": str(live.data_dir / "warc"),
                                 **({"OUTLET_BASE_URLS": bases} if bases else {})})
    rows = [] if bases else [{"url": shape.url,
                              "timezone": live.stats[f"discovery/{site.host}/timezone"]}]
    return paged, live, requested, replay, rows


def _by_url(result: CrawlResult, paged: PagedSite) -> dict[str, dict]:
    assert result.returncode == 0, result.log[-3000:]
    urls = [item["url"] for item in result.items]
    assert len(urls) == len(set(urls)), "an article gave two items"
    return {item["url"]: item for item in result.items}


def _joins(paged: PagedSite) -> tuple[int, int]:
    """The articles the fixture pages and the later pages they join, as a run counts them."""
    paged_urls = [urls for urls in paged.pages.values() if len(urls) > 1]
    return len(paged_urls), sum(len(urls) - 1 for urls in paged_urls)


def test_each_paged_article_is_one_item_with_its_pages_text_in_order(crawled) -> None:
    """The three-page article's item holds the paragraphs of its three pages, in order, each
    once, and names its pages; the pages after the first are no items of their own."""
    paged, live, _, _, _ = crawled
    items = _by_url(live, paged)
    assert {g.url for g in paged.golds} <= set(items)
    assert not set(paged.later) & set(items)
    for gold in paged.golds:
        text = items[gold.url]["text"]
        at = [text.find(p) for p in gold.paragraphs]
        assert -1 not in at and at == sorted(at), (gold.url, at)
        assert all(text.count(p) == 1 for p in gold.paragraphs), gold.url
        pages = items[gold.url]["extractor"].get("page_urls")
        want = paged.pages.get(gold.url)
        if want and len(want) > 1:
            assert [_target(u) for u in pages] == [_target(u) for u in want], gold.url
        else:
            assert pages is None, gold.url
    assert (live.stats["articles/joined"], live.stats["articles/pages_joined"]) == _joins(paged)


def test_an_article_paged_by_a_numbered_pager_only_is_joined(crawled) -> None:
    """No ``rel`` link, only Bitrix's pager at the end of the text ("1 2 3 Следующая",
    ``?PAGEN_1=N``): the item holds the three pages in order, each page's pager giving the
    next, and no pager's text; the comments' pagers under it (``?PAGEN_2=N``) and under
    another article (``?PAGEN_1=N`` of its own URL) are never fetched."""
    paged, live, requested, _, _ = crawled
    gold, other = paged.golds[4], paged.golds[3]
    item = _by_url(live, paged)[gold.url]
    assert [_target(u) for u in item["extractor"]["page_urls"]] == [
        _target(u) for u in paged.pages[gold.url]]
    assert item["extractor"]["pages"] == 3
    assert item["text"].split("\n\n") == gold.paragraphs  # no pager's, no comment's line
    assert not [p for p in requested if "PAGEN_2" in p]
    assert not [p for p in requested if p.startswith(_target(other.url)) and "PAGEN" in p]


def test_an_article_at_a_page_like_url_with_a_back_link_is_its_own_item(crawled) -> None:
    """``/news/<day>/2/`` linking "← Назад" to ``/news/<day>/`` is an article, no later
    page: its item live and in the replay (re-extraction: below)."""
    paged, live, _, replay, _ = crawled
    if not paged.own:
        pytest.skip("a site crawled by address only")
    gold = next(g for g in paged.golds if g.url == paged.own[0])
    item = _by_url(live, paged)[gold.url]
    assert item["text"] == "\n\n".join(gold.paragraphs)
    assert item["extractor"].get("page_urls") is None
    assert _by_url(replay, paged)[gold.url] == item


def test_a_later_page_that_fails_or_loops_keeps_the_pages_read(crawled) -> None:
    """A third page answering 500 and one redirecting back to the first: the item keeps the
    two pages read (asserted above), the page is warned about with its URL and counted,
    and the item says its article names more pages than it holds."""
    paged, live, _, _, _ = crawled
    broken, loop = paged.golds[1], paged.golds[2]
    assert live.stats["articles/page_not_joined/http_500"] == 1
    assert live.stats["articles/page_not_joined/loop"] == 1
    lines = [line for line in live.log.splitlines() if "not joined" in line]
    for gold, reason in ((broken, "http_500"), (loop, "loop")):
        page = _target(paged.failed[gold.url])
        assert [line for line in lines if f"not joined ({reason}): " in line
                and page in line and "holds the 2 page(s)" in line], lines
    assert _by_url(live, paged)[broken.url]["extractor"]["pages"] == 3


def test_no_listing_pager_or_next_article_is_followed(crawled) -> None:
    """A latest-news widget's pager with ``rel="next"`` in the article and a "next article"
    ``rel="next"`` are no pages of the article: the first is never fetched, the next article
    is an item of its own or none, never joined."""
    paged, live, requested, _, _ = crawled
    assert WIDGET_PAGER not in requested
    next_article = _by_url(live, paged)[paged.golds[3].url]
    assert next_article["extractor"].get("page_urls") is None
    assert len(next_article["text"]) < 2000


def test_pages_are_archived_and_replay_gives_the_same_items(crawled) -> None:
    """Every page read is in the WARC; a replay with the network unreachable gives the very
    same items (text, page URLs, fetched_at, warc record)."""
    paged, live, _, replay, _ = crawled
    archived = set()
    for path in (live.data_dir / "warc").glob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    archived.add(_target(record.rec_headers.get_header("WARC-Target-URI")))
    for urls in paged.pages.values():
        assert {_target(u) for u in urls} <= archived
    assert replay.returncode == 0, replay.log[-3000:]
    assert sorted(replay.items, key=lambda i: i["url"]) == sorted(live.items,
                                                                  key=lambda i: i["url"])
    assert replay.stats["articles/pages_joined"] == _joins(paged)[1]


def _reextract(warc: Path, rows: list[dict], out: Path, *settings: str
               ) -> tuple[dict[str, dict], subprocess.CompletedProcess[str]]:
    """``scrapy reextract`` (two workers, no network) of ``warc``: its items by URL, the process."""
    proc = subprocess.run([*SCRAPY, "reextract", str(warc), "-O", str(out), "--jobs", "2",
                           "-s", f"EXTRA_OUTLETS={json.dumps(rows)}",
                           *(a for s in settings for a in ("-s", s))], cwd=ROOT,
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **NO_NETWORK})
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(items) == len({i["url"] for i in items}), "an article gave two items"
    return {i["url"]: i for i in items}, proc


def test_reextraction_joins_the_pages_as_the_crawl_did(crawled, tmp_path) -> None:
    """Re-extracting the crawl's WARCs gives each paged article's item as the crawl made it
    (text of its pages in order, page URLs, the rest), its later pages no items; the page
    that answered 500 and the one redirecting back end the joining there as they did live."""
    paged, live, _, _, rows = crawled
    again, proc = _reextract(live.data_dir / "warc", rows, tmp_path / "again.jsonl")
    items = _by_url(live, paged)
    for url in paged.pages:
        assert again[url]["text"] == items[url]["text"], url
        assert again[url]["extractor"].get("page_urls") == items[url]["extractor"].get(
            "page_urls"), url
        assert again[url] == items[url], url
    assert not set(paged.later) & set(again)
    assert {g.url for g in paged.golds} <= set(again)  # paged.own too: articles of their own
    for gold in paged.golds:
        assert again[gold.url] == items[gold.url], gold.url
    articles, pages = _joins(paged)
    assert (f"later pages joined: {pages} to {articles} articles; pages not joined: "
            "http_500: 1, loop: 1; cut short: 1") in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "not joined" in line]
    for gold, reason in ((paged.golds[1], "http_500"), (paged.golds[2], "loop")):
        page = _target(paged.failed[gold.url])  # URLs as archived: a mapped host's http://
        assert [line for line in lines if f"{_target(gold.url)} not joined ({reason}): " in line
                and page in line and "holds the 2 page(s)" in line], lines


def test_reextraction_keeps_the_page_cap(crawled, tmp_path) -> None:
    """With ``ARTICLE_MAX_PAGES=2`` re-extraction joins two pages of each paged article, as a
    crawl would: the cap is the site's pager ending, no cut."""
    paged, live, _, _, rows = crawled
    again, proc = _reextract(live.data_dir / "warc", rows, tmp_path / "again.jsonl",
                             "ARTICLE_MAX_PAGES=2")
    for url in paged.pages:
        assert [_target(u) for u in again[url]["extractor"]["page_urls"]] == [
            _target(u) for u in paged.pages[url][:2]], url
    articles = _joins(paged)[0]  # each pages on past its second page
    assert (f"later pages joined: {articles} to {articles} articles; pages not joined: "
            f"max_pages: {articles}; cut short: 0") in proc.stderr


def _without(warc: Path, url: str, out: Path) -> None:
    """A copy of the WARC files in ``warc`` less every record of ``url`` (copied byte for
    byte: each record is its own gzip member)."""
    out.mkdir()
    dropped = 0
    for path in sorted(warc.glob("*.warc.gz")):
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            spans = [(records.get_record_offset(),
                      _target(r.rec_headers.get_header("WARC-Target-URI") or "")) for r in records]
        data = path.read_bytes()
        ends = [offset for offset, _ in spans[1:]] + [len(data)]
        kept = [data[start:end] for (start, target), end in zip(spans, ends, strict=True)
                if target != _target(url)]
        dropped += len(spans) - len(kept)
        (out / path.name).write_bytes(b"".join(kept))
    assert dropped, f"no record of {url} in {warc}"


def test_a_later_page_missing_from_the_archive_cuts_the_item_short(crawled, tmp_path) -> None:
    """The three-page article's page 3 not in the WARC (never captured, or its capture lost):
    the re-extracted item holds pages 1 and 2 and names them, and says its article names 3;
    the page is warned about with the article's and its own URL, counted, and the item is
    counted cut short, as a live page that failed to download."""
    paged, live, _, _, rows = crawled
    gold = paged.golds[0]
    first, second, third = paged.pages[gold.url]
    _without(live.data_dir / "warc", third, tmp_path / "warc")
    again, proc = _reextract(tmp_path / "warc", rows, tmp_path / "again.jsonl")
    whole = _by_url(live, paged)[gold.url]
    item = again[gold.url]
    cut = whole["text"].index(gold.paragraphs[2 * paged_articles.PARTS])
    assert item["text"] == whole["text"][:cut].removesuffix("\n\n")
    assert all(p not in item["text"] for p in gold.paragraphs[2 * paged_articles.PARTS:])
    assert item["extractor"]["page_urls"] == whole["extractor"]["page_urls"][:2]
    assert [_target(u) for u in item["extractor"]["page_urls"]] == [_target(first),
                                                                      _target(second)]
    assert item["extractor"]["pages"] == 3
    assert [line for line in proc.stderr.splitlines()
            if "Page 3 of the article " in line and _target(gold.url) + " not joined "
            "(not_archived): " in line and _target(third) in line
            and "holds the 2 page(s)" in line], proc.stderr[-3000:]
    articles, pages = _joins(paged)
    assert (f"later pages joined: {pages - 1} to {articles} articles; pages not joined: "
            "http_500: 1, loop: 1, not_archived: 1; cut short: 2") in proc.stderr
    assert not set(paged.later) & set(again)


def _archived_page(warc: Path, url: str) -> tuple[str, bytes, str, str]:
    """The archived 200 of ``url`` in ``warc``: its URL as archived, body (decoded), type
    and WARC-Date."""
    for path in sorted(warc.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and _target(target) == _target(url) \
                        and record.http_headers.get_statuscode() == "200":
                    return (target, record.content_stream().read(),
                            record.http_headers.get_header("Content-Type"),
                            record.rec_headers.get_header("WARC-Date"))
    raise AssertionError(f"no 200 of {url} in {warc}")


def _replay_of(paged: PagedSite, rows: list[dict], warc: Path, out: Path) -> CrawlResult:
    """The fixture's spider replaying ``warc`` with no network, as the module's replay."""
    host = paged.site.host
    if rows:  # the site crawled by address
        return run_crawl("site", out, None, args={"url": rows[0]["url"], **WINDOW},
                         env=NO_NETWORK, settings={"WARC_REPLAY": str(warc)})
    return run_crawl("runews24", out, None, env=NO_NETWORK,
                     settings={"WARC_REPLAY": str(warc),
                               "OUTLET_BASE_URLS": {host: f"http://{host}"}})


def test_a_later_page_archived_as_a_206_is_joined_whole_and_refused_in_part(crawled,
                                                                           tmp_path) -> None:
    """Two articles' page 2 archived only as a 206 (another tool's capture): one whose body
    is the whole page (no Content-Range: the server sent the page so) is joined, in replay
    and in reextract, as the crawl joined its 200; one holding part of the page (``wget -c``
    resuming) is not (``partial_content``), said with its URL, file and offset, counted,
    and its item cut short after page 1. The join refused both (``http_206``)."""
    paged, live, _, _, rows = crawled
    joined, by_number = paged.golds[0], paged.golds[4]
    whole, part = paged.pages[joined.url][1], paged.pages[by_number.url][1]
    _without(live.data_dir / "warc", whole, tmp_path / "less")
    _without(tmp_path / "less", part, tmp_path / "warc")
    captures = []
    for url, content_range in ((whole, None), (part, "")):
        target, body, kind, date = _archived_page(live.data_dir / "warc", url)
        captures.append((target, http_response(body, "206 Partial Content", kind,
                                               content_range), date))
    tool = tmp_path / "warc" / "tool-206.warc.gz"
    offset = warcio_warc(tool, captures)[1]
    items = _by_url(live, paged)
    articles, pages = _joins(paged)
    lost = len(paged.pages[by_number.url]) - 1  # its later pages: none joined

    again, proc = _reextract(tmp_path / "warc", rows, tmp_path / "again.jsonl")
    replayed = _replay_of(paged, rows, tmp_path / "warc", tmp_path / "replay")
    assert replayed.returncode == 0, replayed.log[-3000:]
    for name, result, log in (("reextract", again, proc.stderr),
                              ("replay", _by_url(replayed, paged), replayed.log)):
        assert result[joined.url]["text"] == items[joined.url]["text"], name
        assert result[joined.url]["extractor"]["page_urls"] == items[joined.url][
            "extractor"]["page_urls"], name
        cut = result[by_number.url]
        assert "page_urls" not in cut["extractor"], name
        assert by_number.paragraphs[0] in cut["text"], name
        assert by_number.paragraphs[paged_articles.PARTS] not in cut["text"], name
        said = [line for line in log.splitlines() if "Page 2 of the article " in line
                and f"{_target(by_number.url)} not joined (partial_content): " in line]
        assert len(said) == 1, (name, log[-3000:])
        assert _target(part) in said[0] and "holds the 1 page(s)" in said[0], said[0]
        assert re.search(rf"WARC \S*{tool.name} offset {offset};", said[0]), said[0]
    assert (f"later pages joined: {pages - lost} to {articles - 1} articles; pages not joined: "
            "http_500: 1, loop: 1, partial_content: 1; cut short: 2") in proc.stderr
    assert replayed.stats["articles/pages_joined"] == pages - lost
    assert replayed.stats["articles/page_not_joined/partial_content"] == 1
    assert "articles/page_not_joined/http_206" not in replayed.stats


def test_a_206_whose_range_names_another_length_is_judged_alike_live_and_in_reextract(
        tmp_path) -> None:
    """Pages answered 206 with ``Content-Range: bytes 0-N/N+1`` are judged by the body's
    length as it came over the wire (still gzip-coded), which the WARC stores: a later page
    whose range names twice its body (a part), one gzip-coded naming its coded length
    (whole), one gzip-coded naming its decoded length (a part), one naming its own length
    (whole), and a first page naming twice its body (a part). The live crawl, its replay and
    a re-extraction of its WARC give the same items (text, pages), the parts refused each way
    (``partial_content``), where the crawl joined a page that re-extraction refused."""
    fixture, paged = paged_articles.runews24_site()
    site = fixture.site
    paged_urls = [gold.url for gold in paged.golds if len(paged.pages.get(gold.url, ())) > 1]
    lying, coded, decoded_named, honest = paged_urls[:4]

    def answered(url: str, header: Callable[[bytes, bytes], str], coded: bool = False) -> None:
        body = site.pages[_target(url)].body
        sent = gzip.compress(body, mtime=0) if coded else body
        site.pages[_target(url)] = Page(body, status=206, reason="Partial Content", gzip=coded,
                                        headers=[("Content-Range", header(body, sent))])

    answered(paged.pages[lying][1], lambda _, sent: f"bytes 0-{2 * len(sent) - 1}/{2 * len(sent)}")
    answered(paged.pages[coded][1], lambda _, sent: f"bytes 0-{len(sent) - 1}/{len(sent)}",
             coded=True)
    answered(paged.pages[decoded_named][1],
             lambda body, _: f"bytes 0-{len(body) - 1}/{len(body)}", coded=True)
    answered(paged.pages[honest][1], lambda _, sent: f"bytes 0-{len(sent) - 1}/{len(sent)}")
    first = next(gold.url for gold in paged.golds if gold.url not in paged.pages)
    answered(first, lambda _, sent: f"bytes 0-{2 * len(sent) - 1}/{2 * len(sent)}")
    with FixtureServer([site]) as server:
        live = run_crawl("runews24", tmp_path / "live", server)
    items = _by_url(live, paged)
    again, proc = _reextract(live.data_dir / "warc", [], tmp_path / "again.jsonl")
    replayed = _replay_of(paged, [], live.data_dir / "warc", tmp_path / "replay")

    assert sorted(replayed.items, key=lambda i: i["url"]) == sorted(live.items,
                                                                    key=lambda i: i["url"])
    for url in (lying, coded, decoded_named, honest):
        assert again[url]["text"] == items[url]["text"], url
        assert again[url]["extractor"].get("page_urls") == items[url]["extractor"].get(
            "page_urls"), url
    for url in (lying, decoded_named):  # parts: cut short after page 1, both ways
        assert "page_urls" not in items[url]["extractor"], url
    for url in (coded, honest):
        assert len(items[url]["extractor"]["page_urls"]) > 1, url
    assert first not in items and first not in again
    for log in (live.log, proc.stderr):
        said = [line for line in log.splitlines() if " not joined (partial_content): " in line]
        assert sorted(u for u in paged_urls if any(f"{_target(u)} not joined" in line
                                                   for line in said)) == sorted(
            [lying, decoded_named]), said
    assert live.stats["articles/page_not_joined/partial_content"] == 2


def _coded(body: bytes, coding: str) -> bytes:
    return {"gzip": lambda: gzip.compress(body, mtime=0), "deflate": lambda: zlib.compress(body),
            "br": lambda: brotli.compress(body)}[coding]()


@pytest.mark.parametrize("coding, tiny", [("gzip", False), ("gzip", True), ("deflate", True),
                                          ("br", False)])
def test_a_206_part_of_a_gzip_stream_is_refused_as_a_part_live_in_replay_and_reextract(
        tmp_path, coding, tiny) -> None:
    """Pages answered 206 holding part of a coded page (RFC 9110 §14.1: a range of the
    coded stream): its head (the stream cut by the range: half of it, or ``tiny``, bytes
    0-9, decoding to nothing) and its middle (from bytes that look like the coding's start
    where they can: a deflate or brotli decoder takes them up and fails), as later pages and
    as a first page. A part is no page whatever its coding: each is refused as
    ``partial_content`` naming its Content-Range, live, in the replay of the crawl's WARCs
    and in their re-extraction. The live crawl failed a gzip head as a truncated stream
    (``data_loss``), then a tiny one in Scrapy's gunzip (``e_o_f_error``, live and in
    replay); replay and reextract passed them over as records that do not decode
    (``not_archived``, a first page ``unreadable_record``). (A deflate or brotli middle
    failing in Scrapy's inflate needs a start these short pages may not have: the unit
    tests in tests/crawler/test_partial_only.py hold one.)"""
    fixture, paged = paged_articles.runews24_site()
    site = fixture.site
    paged_urls = [gold.url for gold in paged.golds if len(paged.pages.get(gold.url, ())) > 1]
    head, middle = paged_urls[:2]
    first = next(gold.url for gold in paged.golds if gold.url not in paged.pages)

    def answered(url: str, begin: Callable[[bytes], int], end: Callable[[bytes], int]) -> None:
        sent = _coded(site.pages[_target(url)].body, coding)
        start, last = begin(sent), end(sent)
        site.pages[_target(url)] = Page(sent[start:last + 1], status=206,
                                        reason="Partial Content", headers=[
                                            ("Content-Encoding", coding),
                                            ("Content-Range", f"bytes {start}-{last}/{len(sent)}")])

    def looks_coded(sent: bytes) -> int:
        return next((at for at in range(len(sent) * 3 // 10, len(sent))
                     if not encoding_not_applied(sent[at:], coding)), len(sent) * 3 // 10)

    def cut(sent: bytes) -> int:
        return 9 if tiny else len(sent) // 2 - 1

    answered(paged.pages[head][1], lambda _: 0, cut)
    answered(paged.pages[middle][1], looks_coded, lambda sent: len(sent) - 1)
    answered(first, lambda _: 0, cut)
    with FixtureServer([site]) as server:
        live = run_crawl("runews24", tmp_path / "live", server)
    items = _by_url(live, paged)
    again, proc = _reextract(live.data_dir / "warc", [], tmp_path / "again.jsonl")
    replayed = _replay_of(paged, [], live.data_dir / "warc", tmp_path / "replay")

    assert sorted(replayed.items, key=lambda i: i["url"]) == sorted(live.items,
                                                                    key=lambda i: i["url"])
    for url in (head, middle):  # cut short after page 1, every way
        for name, result in (("live", items), ("reextract", again)):
            assert "page_urls" not in result[url]["extractor"], (name, url)
            assert again[url]["text"] == items[url]["text"], url
    assert first not in items and first not in again
    for name, log in (("live", live.log), ("replay", replayed.log), ("reextract", proc.stderr)):
        said = [line for line in log.splitlines() if " not joined (partial_content): " in line]
        assert sorted(u for u in paged_urls if any(f"{_target(u)} not joined" in line
                                                   for line in said)) == sorted(
            [head, middle]), (name, said, log[-3000:])
        assert all("Content-Range 'bytes " in line for line in said), (name, said)
        refused = [line for line in log.splitlines() if "partial_content" in line
                   and _target(first) in line and "not joined" not in line]
        assert refused, (name, log[-3000:])
    for stats in (live.stats, replayed.stats):
        assert stats["articles/page_not_joined/partial_content"] == 2
        assert stats["extraction/failed/partial_content"] == 1
        assert not [key for key in stats if "data_loss" in key or "truncated" in key
                    or key in ("replay/bad_records", "replay/missing")], stats
    assert "partial_content: 2" in proc.stderr and "not_archived" not in proc.stderr


def test_a_page_answered_203_is_read_as_its_200_first_or_later(tmp_path) -> None:
    """A transforming proxy's 203 (RFC 9110 §15.3.4) for a later page and for a first page:
    both are the page, live (Scrapy passes any 2xx to the callback), in replay and in
    reextract, as their 200s are; the later page was refused as ``http_203``, the item cut
    short, where the first page answered so was read."""
    fixture, paged = paged_articles.runews24_site()
    site = fixture.site
    whole = {gold.url: gold for gold in paged.golds}
    later = next(url for url in whole if len(paged.pages.get(url, ())) > 1)
    first = next(url for url in whole if url not in paged.pages)
    for url in (paged.pages[later][1], first):
        page = site.pages[_target(url)]
        site.pages[_target(url)] = Page(page.body, status=203,
                                        reason="Non-Authoritative Information")
    with FixtureServer([site]) as server:
        live = run_crawl("runews24", tmp_path / "live", server)
    items = _by_url(live, paged)
    again, proc = _reextract(live.data_dir / "warc", [], tmp_path / "again.jsonl")
    replayed = _by_url(_replay_of(paged, [], live.data_dir / "warc", tmp_path / "replay"),
                       paged)
    assert len(items[later]["extractor"]["page_urls"]) == len(paged.pages[later])
    assert first in items
    for name, result in (("replay", replayed), ("reextract", again)):
        for url in (later, first):
            assert result[url]["text"] == items[url]["text"], (name, url)
        assert result[later]["extractor"]["page_urls"] == items[later]["extractor"][
            "page_urls"], name
    for log in (live.log, proc.stderr):
        assert "http_203" not in log


def _state(data_dir) -> dict[str, tuple[str, int]]:
    db = sqlite3.connect(data_dir / "state" / "state.sqlite3")
    try:
        return {url: (digest, version) for url, digest, version
                in db.execute("SELECT url, digest, version FROM articles")}
    finally:
        db.close()


def test_a_refetch_cut_short_by_a_failing_page_makes_no_new_version(tmp_path) -> None:
    """Run 1 exports a three-page article; in run 2 its page 2 answers 503: the two-page-less
    text is no new version (no item, the state as it was, counted and warned); run 3 with
    every page good gives no new version either: the text is the one exported."""
    fixture, paged = paged_articles.runews24_site()
    gold = paged.golds[0]
    host_url = f"https://{fixture.site.host}"
    page2 = paged.pages[gold.url][1].removeprefix(host_url)
    settings = {"REFETCH_MAX_AGE_DAYS": 3650}  # every known article fetched again
    with FixtureServer([fixture.site]) as server:
        first = run_crawl("runews24", tmp_path, server, settings=settings)
        assert gold.url in _by_url(first, paged)
        assert len(_by_url(first, paged)[gold.url]["extractor"]["page_urls"]) == 3
        state = _state(tmp_path)
        good = fixture.site.pages[page2]
        fixture.site.pages[page2] = Page(b"busy", status=503)
        second = run_crawl("runews24", tmp_path, server, settings=settings)
        fixture.site.pages[page2] = good
        third = run_crawl("runews24", tmp_path, server, settings=settings)
    assert second.returncode == 0, second.log[-3000:]
    assert second.stats["articles/page_not_joined/http_503"] == 1
    assert gold.url not in {item["url"] for item in second.items}
    assert second.stats["articles/join_incomplete_kept"] == 1
    assert [line for line in second.log.splitlines()
            if "not joined" in line and gold.url in line and "version 1 kept" in line]
    assert _state(tmp_path)[gold.url] == state[gold.url]
    assert third.returncode == 0, third.log[-3000:]
    assert gold.url not in {item["url"] for item in third.items}
    assert _state(tmp_path) == state


def test_later_pages_linked_at_the_outlets_own_address_are_read_on_this_runs_host(
        tmp_path: Path) -> None:
    """A pager and ``rel="next"`` linking later pages absolutely, at the outlet's own
    https address (WordPress prints them so), in a run that reads the outlet elsewhere
    (``OUTLET_BASE_URLS``: a mirror, here plain http): each later page was asked of the
    outlet's own host, which the run cannot reach, and every paged item was cut short."""
    fixture, paged = paged_articles.runews24_site()
    site, own = fixture.site, f"https://{fixture.site.host}"
    for target in list(site.pages):
        page = site.pages[target]
        if b"<div class=\"pages\">" in page.body:
            site.add(target, Page(page.body.replace(b'href="/', f'href="{own}/'.encode()),
                                  content_type=page.content_type))
    with FixtureServer([site]) as server:
        live = run_crawl("runews24", tmp_path, server)
    items = _by_url(live, paged)
    gold = paged.golds[0]
    assert len(paged.pages[gold.url]) > 1
    assert items[gold.url]["text"].split("\n\n") == gold.paragraphs
    assert set(live.stats) & {"articles/page_not_joined/http_500",
                              "articles/page_not_joined/loop"} == {
        k for k in live.stats if k.startswith("articles/page_not_joined/")}  # the fixture's own


@pytest.mark.parametrize(("label", "page"), [
    ("Продолжение →", lambda path, n: f"{path}?part={n}"),
    ("Следующая страница »", lambda path, n: f"{path}?page={n}"),
    ("Далее →", lambda path, n: f"{path}?PAGEN_2={n}"),
    ("Next page", lambda path, n: f"{path}{n}/"),
], ids=["part", "page", "pagen", "segment"])
def test_an_article_paged_by_worded_links_only_is_joined(label, page, tmp_path) -> None:
    """Page 1 links only "Продолжение →" to ``?part=2``, page 2 so to ``?part=3`` (no rel,
    no numbers): only page 1 was in the item, ``?part=2`` never asked for. The same words
    ending another article's text and linking the next news item join nothing: both are
    items of their own text."""
    paged = paged_articles.worded_site(label, page)
    joined, teaser, following = paged.golds
    day = joined.published.date().isoformat()  # the site's one day: discovery reaches back
    with FixtureServer([paged.site]) as server:
        live = run_crawl("site", tmp_path, server, args={
            "url": f"http://{paged.site.host}/", "since": day, "until": day})
        requested = server.requested_paths(paged.site.host)
    items = _by_url(live, paged)
    item = items[joined.url]
    assert item["text"].split("\n\n") == joined.paragraphs
    assert [_target(u) for u in item["extractor"]["page_urls"]] == [
        _target(u) for u in paged.pages[joined.url]]
    assert not set(paged.later) & set(items)
    for gold in (teaser, following):
        assert items[gold.url]["text"].split("\n\n") == gold.paragraphs, gold.url
        assert items[gold.url]["extractor"].get("page_urls") is None, gold.url
    assert requested.count(_target(following.url)) == 1
    assert (live.stats["articles/joined"], live.stats["articles/pages_joined"]) == (1, 2)
