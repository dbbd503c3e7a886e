"""Re-extraction over damaged archives and pages that break the extractor: the run goes on,
each loss is counted and reported, and it is counted the way a live crawl counts it."""

from __future__ import annotations

import gzip
import logging
import os
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import brotli
import pytest

import crawler.archive_join as archive_join
import crawler.reextract as reextract_mod
from archive.reader import ArchiveLookup
from archive.records import iter_records
from archive.writer import WarcWriter
from crawler.extraction.worker import failure_reason
from crawler.outlets import outlet_for_url
from crawler.reextract import LATER_PAGE, latest_article_urls, reextract
from crawler.urls import canonical_url
from tests.archive.conftest import make_exchange, wacz_of, write_run_warc
from tests.sites import belta
from tests.support.warcs import gz, http_response, record, warcio_warc

HTML = [("Content-Type", "text/html; charset=utf-8")]


def belta_warc(folder: Path, count: int = 6, record_ids: list[str] | None = None,
               headers: list[tuple[str, str]] = HTML, encode=lambda body: body):
    """A WARC of ``count`` БЕЛТА article pages in ``folder``, and their gold articles."""
    site, golds = belta.build(count=count)
    with WarcWriter(folder) as w:
        for gold in golds:
            body = site.pages[gold.url.removeprefix(f"https://{belta.HOST}")].body
            w.write_exchange(make_exchange(gold.url, encode(body), headers=headers))
    (path,) = folder.glob("*.warc.gz")
    return path, golds


def _run(paths, jobs=1, **kw):
    items, bad = [], []
    report = reextract([str(p) for p in paths], jobs, items.append, on_bad_record=bad.append,
                       **kw)
    return report, items, bad


def test_a_page_that_crashes_the_extractor_costs_that_page_only(tmp_path, monkeypatch):
    path, golds = belta_warc(tmp_path)
    real = reextract_mod.extract_for_crawl
    victim = golds[2].url

    def flaky(page):
        if page.url == victim:
            raise KeyError("a bug in the extractor")
        return real(page)

    monkeypatch.setattr(reextract_mod, "extract_for_crawl", flaky)
    report, items, bad = _run([path])
    assert report.failed == {"error": 1}  # counted as the crawl's pipeline counts it
    assert sorted(i["url"] for i in items) == sorted(g.url for g in golds if g.url != victim)
    assert failure_reason(KeyError("x")) == "error"


def test_a_worker_that_dies_costs_its_page_only(tmp_path, monkeypatch):
    path, golds = belta_warc(tmp_path, count=8)
    real = reextract_mod.extract_for_crawl
    victim = golds[5].url

    def deadly(page):
        if page.url == victim:
            os._exit(9)  # as a segfault or the OOM killer would
        return real(page)

    monkeypatch.setattr(reextract_mod, "extract_for_crawl", deadly)  # forked workers see it
    report, items, _ = _run([path], jobs=2)
    assert report.failed == {"worker_died": 1}
    assert sorted(i["url"] for i in items) == sorted(g.url for g in golds if g.url != victim)


def test_bad_records_are_reported_with_file_and_offset_and_the_rest_extracted(tmp_path):
    path, golds = belta_warc(tmp_path)
    members = sorted({i.offset: i for i in iter_records(path)}.items())
    responses = [(off, i) for off, i in members if i.record.rec_type == "response"]
    off, info = responses[3]
    data = bytearray(path.read_bytes())
    data[off + 30: off + info.length - 30] = b"\0" * (info.length - 60)
    path.write_bytes(bytes(data))

    report, items, bad = _run([path])

    assert report.bad_records == len(bad) >= 1
    assert bad[0].file == str(path) and bad[0].offset == off
    lost = info.record.target_uri
    assert sorted(i["url"] for i in items) == sorted(g.url for g in golds if g.url != lost)


def test_a_304_without_its_original_is_said_as_unserved_not_as_damage(tmp_path):
    """A server answering 304 to a plain GET, archived by the crawl: ``verify`` passes it, and
    re-extraction counted it a bad record (exit 1)."""
    gold = belta.build()[1][0]
    url = "http://www.belta.by/politics/view/no-original-700002-2026/"
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(make_exchange(gold.url, belta.article_page(gold, "politics", None)
                                            .encode(), headers=[("Content-Type", "text/html")]))
        writer.write_exchange(make_exchange(url, b"", status=304, headers=[("ETag", '"x"')]))
    report, items, bad = _run(sorted(tmp_path.glob("*.warc.gz")))
    assert [i["url"] for i in items] == [gold.url]
    assert report.bad_records == 0 and report.unserved_records == 1
    assert [type(e).__name__ for e in bad] == ["UnservedRecord"]
    assert "revisit or 304 without its original" in bad[0].reason


@pytest.mark.parametrize("record_id", ["<urn:uuid:{u}>", "<urn:uuid:{U}>", "<urn:x-tool:{u}>"])
def test_items_from_foreign_record_ids_are_valid(tmp_path, record_id):
    from crawler.commands.reextract import first_schema_error

    path, golds = belta_warc(tmp_path, count=2)
    raw = path.read_bytes()
    # rewrite with another tool's record ids (uncompressed WARC: ids are plain text)
    text = gzip.decompress(raw)
    for info in iter_records(path):
        rid = info.record.record_id.encode()
        u = str(uuid.uuid4())
        text = text.replace(rid, record_id.format(u=u, U=u.upper()).encode())
    plain = tmp_path / "foreign.warc"
    plain.write_bytes(text)
    path.unlink()
    report, items, bad = _run([plain], validate=first_schema_error)
    assert report.invalid == 0 and not bad and len(items) == 2


@pytest.mark.parametrize(("jobs", "victim_index"), [(1, 1), (2, 1), (2, 9)])
def test_a_page_that_hangs_the_extractor_is_given_up_and_the_rest_extracted(
        tmp_path, monkeypatch, jobs, victim_index):
    import time

    path, golds = belta_warc(tmp_path, count=12)  # 2 workers hold up to 8: some wait queued
    real = reextract_mod.extract_for_crawl
    victim = sorted(g.url for g in golds)[victim_index]

    def hanging(page):
        if page.url == victim:
            time.sleep(3600)  # as a pathological page in a C loop would
        return real(page)

    monkeypatch.setattr(reextract_mod, "extract_for_crawl", hanging)  # forked workers see it
    started = time.monotonic()
    report, items, _ = _run([path], jobs=jobs, timeout=3)
    assert time.monotonic() - started < 60
    assert report.failed == {"timeout": 1}
    assert sorted(i["url"] for i in items) == sorted(g.url for g in golds if g.url != victim)


def test_repeated_content_type_and_encoding_fields_are_read_as_the_crawl_reads_them(tmp_path):
    """A server that repeats Content-Type (the crawl, as Scrapy and browsers, takes the last)
    or sends its codings on two Content-Encoding lines (Scrapy undoes both): re-extraction
    took the first Content-Type and the first coding only, so it decoded the page with the
    wrong charset, or not at all."""
    headers = [("Content-Type", "text/html; charset=windows-1251"),
               ("Content-Type", "text/html; charset=utf-8"),
               ("Content-Encoding", "gzip"), ("Content-Encoding", "br")]
    path, golds = belta_warc(tmp_path, count=3, headers=headers,
                             encode=lambda body: brotli.compress(gzip.compress(body)))
    report, items, bad = _run([path])
    assert (report.failed, bad) == ({}, [])
    assert sorted((i["url"], i["title"]) for i in items) == sorted(
        (g.url, g.title) for g in golds)


def test_a_later_page_is_no_spelling_of_its_first_page(tmp_path):
    """An outlet whose canonical form drops the query (БЕЛТА): ``?page=2`` captured after its
    article's first page is its own page, not the first page's latest spelling (which lost
    the whole article's item to its page 2)."""
    site, golds = belta.build(count=1)
    url = golds[0].url
    body = site.pages[url.removeprefix(f"https://{belta.HOST}")].body
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(url, body, headers=HTML,
                                       date=datetime(2026, 1, 13, 10, 0, tzinfo=UTC)))
        w.write_exchange(make_exchange(f"{url}?page=2", body, headers=HTML,
                                       date=datetime(2026, 1, 13, 10, 0, 1, tzinfo=UTC)))
    outlet = outlet_for_url(url)
    assert canonical_url(f"{url}?page=2", outlet) == canonical_url(url, outlet)  # the premise
    with ArchiveLookup([str(tmp_path)]) as lookup:
        assert latest_article_urls(lookup) == [url, f"{url}?page=2"]


@pytest.mark.parametrize("slash_newer", [True, False])
def test_an_article_captured_with_and_without_its_trailing_slash_is_one_item(
        tmp_path, slash_newer):
    """``/slug/`` and ``/slug`` (a feed's spelling and a listing's, on a site answering
    both): the crawl fetches one of them (``same_article_key``, ``duplicate_spelling``);
    reextract made an item of each, two ids for one article. Now one, of the newer spelling
    (as for any other spelling of an article)."""
    site, golds = belta.build(count=1)
    url = golds[0].url
    body = site.pages[url.removeprefix(f"https://{belta.HOST}")].body
    spellings = [url.rstrip("/"), url][::1 if slash_newer else -1]
    with WarcWriter(tmp_path) as w:
        for second, spelling in enumerate(spellings):
            w.write_exchange(make_exchange(spelling, body, headers=HTML, date=datetime(
                2026, 1, 13, 10, 0, second, tzinfo=UTC)))
    with ArchiveLookup([str(tmp_path)]) as lookup:
        assert latest_article_urls(lookup) == [spellings[-1]]
    report, items, _ = _run([tmp_path])
    assert [item["url"] for item in items] == [spellings[-1]]
    assert items[0]["text"].split("\n\n") == golds[0].paragraphs


def test_page_two_of_a_pager_counting_from_zero_leaves_the_first_page_to_be_read(tmp_path):
    """Drupal numbers page 2 ``?page=1``, which a canonical form takes for page 1: captured
    after the first page it is no newer spelling of it (read first, it would be a later page
    and the article would give no item); page-less and newer ``?page=0`` alike."""
    site, golds = belta.build(count=1)
    url = golds[0].url
    body = site.pages[url.removeprefix(f"https://{belta.HOST}")].body
    with WarcWriter(tmp_path) as w:
        for second, spelling in enumerate((url, f"{url}?page=1", f"{url}?page=0")):
            w.write_exchange(make_exchange(spelling, body, headers=HTML, date=datetime(
                2026, 1, 13, 10, 0, second, tzinfo=UTC)))
    with ArchiveLookup([str(tmp_path)]) as lookup:
        assert latest_article_urls(lookup) == [url]


def _paged_pages() -> tuple[str, list[tuple[str, bytes]], str]:
    """The three pages (URL, body) of a paged RuNews24 article, and its whole text's end."""
    from tests.sites import paged_articles

    fixture, paged = paged_articles.runews24_site()
    gold = paged.golds[0]
    host = f"https://{fixture.site.host}"
    pages = [(u, fixture.site.pages[u.removeprefix(host)].body) for u in paged.pages[gold.url]]
    return gold.url, pages, gold.paragraphs[-1]


def _at(second: int, day: int = 13) -> datetime:
    return datetime(2026, 1, day, 10, 0, second, tzinfo=UTC)


def _write_run(folder: Path, exchanges: list[tuple[str, bytes, int, datetime]]) -> None:
    """One crawl run (one writer: its own run-id) of ``exchanges`` (URL, body, status, date)."""
    with WarcWriter(folder) as w:
        for url, body, status, date in exchanges:
            w.write_exchange(make_exchange(url, body if status == 200 else b"busy",
                                           status=status, headers=HTML, date=date))


@pytest.mark.parametrize("status", [503, 429, 500, 408])
def test_a_later_page_retried_after_an_error_is_joined_from_its_retry(tmp_path, status):
    """A later page answering 503 (429, 500, 408) and then 200 on retry is archived twice (the
    capture sits closer to the wire than the retry): the item was cut short at the error, the
    capture nearest page 1's, though the crawl joined the retry's page."""
    url, ((u1, b1), (u2, b2), (u3, b3)), last = _paged_pages()
    _write_run(tmp_path, [(u1, b1, 200, _at(0)), (u2, b2, status, _at(1)), (u2, b2, 200, _at(5)),
                          (u3, b3, 200, _at(6))])
    report, items, _ = _run([tmp_path])
    (item,) = items
    assert item["url"] == url and item["extractor"]["page_urls"] == [u1, u2, u3]
    assert last in item["text"]
    assert report.cut_short == 0 and report.failed == {LATER_PAGE: 2}
    assert report.joining["articles/pages_joined"] == 2


def test_a_page_captured_in_several_runs_is_joined_from_the_first_pages_run(tmp_path):
    """Run 1 joined page 2; in run 2 (the latest, whose page 1 is re-extracted) page 2 answered
    503 then 200 on retry, and another run captured it answering 200 meanwhile: the
    retry's capture of run 2 is joined. A run whose retries all failed is cut short there, as
    its crawl was, though another run captured the page whole."""
    url, ((u1, b1), (u2, b2), (u3, b3)), last = _paged_pages()
    _write_run(tmp_path / "r1", [(u1, b1, 200, _at(0, 12)), (u2, b2, 200, _at(1, 12)),
                                 (u3, b3, 200, _at(2, 12))])
    _write_run(tmp_path / "r2", [(u1, b1, 200, _at(0)), (u2, b2, 503, _at(1)),
                                 (u2, b2, 200, _at(9)), (u3, b3, 200, _at(10))])
    _write_run(tmp_path / "r3", [(u2, b2.replace(b"<p>", b"<p>other "), 200, _at(3))])
    report, items, _ = _run([tmp_path])
    (item,) = items
    assert item["extractor"]["page_urls"] == [u1, u2, u3] and "other " not in item["text"]
    assert last in item["text"] and report.cut_short == 0

    _write_run(tmp_path / "r4", [(u1, b1, 200, _at(0, 14)), (u2, b2, 503, _at(1, 14)),
                                 (u2, b2, 503, _at(4, 14))])
    _write_run(tmp_path / "r5", [(u2, b2, 200, _at(8, 14))])
    report, items, _ = _run([tmp_path])
    (item,) = items
    assert item["extractor"].get("page_urls") is None and last not in item["text"]
    assert report.cut_short == 1 and report.joining["articles/page_not_joined/http_503"] == 1


@pytest.mark.parametrize("latest", ["a", "b"])
@pytest.mark.parametrize("layout", ["folders", "wacz"])
def test_later_pages_are_joined_from_the_run_of_page_1s_own_file(tmp_path, layout, latest):
    """Two inputs whose files share a base name (a/x.warc and b/x.warc; a.wacz and b.wacz,
    each with archive/data.warc), each a run of the article, page 1 at one offset in both:
    the run of the latest page 1 was looked up by the base name its item carries, so its
    pages 2 and 3 could be joined from the other run (here its capture after page 1's,
    with other text). Now they are the run's whose file page 1 was read from, exactly."""
    url, ((u1, b1), (u2, b2), (u3, b3)), last = _paged_pages()
    other = b2.replace(b"<p>", b"<p>other ")
    runs = {latest: [(u1, b1, _at(20)), (u2, b2, _at(25)), (u3, b3, _at(26))],
            ({"a", "b"} - {latest}).pop(): [(u1, b1, _at(0)), (u2, other, _at(30)),
                                            (u3, b3, _at(31))]}
    for key in ("a", "b"):
        name = "x.warc" if layout == "folders" else "data.warc"
        warc = write_run_warc(tmp_path / "src" / key / name, f"run-{key}", runs[key])
        if layout == "folders":
            (tmp_path / "in" / key).mkdir(parents=True)
            warc.rename(tmp_path / "in" / key / name)
        else:
            wacz_of(tmp_path / "in" / f"{key}.wacz", warc)
    with ArchiveLookup([tmp_path / "in"]) as lookup:  # page 1 at one offset in both files
        assert len({c[2] for c in lookup.captures(u1)}) == 1
    report, items, _ = _run([tmp_path / "in"], jobs=2)
    (item,) = items
    assert item["url"] == url and item["extractor"]["page_urls"] == [u1, u2, u3]
    assert "other " not in item["text"] and last in item["text"]
    assert report.cut_short == 0 and report.joining["articles/pages_joined"] == 2


@pytest.mark.parametrize(("how", "jobs"), [("hang", 1), ("hang", 2), ("die", 2)])
def test_a_later_page_that_hangs_or_kills_its_worker_costs_that_page_only(
        tmp_path, monkeypatch, how, jobs):
    """Page 3's extraction hangs (or kills its worker): the whole join was one task, so the
    article gave no item at all (``timeout``, ``worker_died``); as in a crawl, that page
    alone is lost, with the live reason, and the item keeps pages 1 and 2, cut short."""
    import time

    url, ((u1, b1), (u2, b2), (u3, b3)), last = _paged_pages()
    _write_run(tmp_path, [(u1, b1, 200, _at(0)), (u2, b2, 200, _at(1)), (u3, b3, 200, _at(2))])
    path, golds = belta_warc(tmp_path / "other", count=4)  # pages around it come through
    real = archive_join.extract_for_crawl  # a later page's extraction: the join's

    def pathological(job):
        if getattr(job, "page", job).url == u3:
            if how == "die":
                os._exit(9)
            time.sleep(3600)
        return real(job)

    monkeypatch.setattr(archive_join, "extract_for_crawl", pathological)
    started = time.monotonic()
    report, items, _ = _run([tmp_path, path], jobs=jobs, timeout=3)
    assert time.monotonic() - started < 60
    reason = {"hang": "timeout", "die": "worker_died"}[how]
    by_url = {i["url"]: i for i in items}
    assert set(by_url) == {url} | {g.url for g in golds}
    assert by_url[url]["extractor"]["page_urls"] == [u1, u2]
    assert last not in by_url[url]["text"]
    assert report.failed == {LATER_PAGE: 2}
    assert report.cut_short == 1
    assert report.joining[f"articles/page_not_joined/{reason}"] == 1
    assert report.joining["articles/pages_joined"] == 1


@pytest.mark.parametrize(("value", "other"), [
    (b"?page=2&x=caf\xe9", []),  # Latin-1 bytes: not UTF-8
    ("?page=2&x=café".encode(), [("X-Note", "caf\xe9")]),  # UTF-8, by a Latin-1 header
])
def test_a_later_pages_redirect_goes_where_the_crawls_went(tmp_path, value, other):
    """A later page redirecting with a Location of non-UTF-8 bytes (or of UTF-8 in a header
    block another header of which is Latin-1): its text, decoded all as Latin-1, was read as
    another target than the crawl's Scrapy read of the bytes (``/caf%C3%A9`` for
    ``/caf%E9``), and the page was not_archived."""
    from w3lib.url import safe_url_string

    url, ((u1, b1), (u2, b2), _), _last = _paged_pages()
    path = u1.split("/", 3)[3]
    target = f"{u1}{safe_url_string(value)}"  # where the crawl's redirect went
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(u1, b1, headers=HTML, date=_at(0)))
        w.write_exchange(make_exchange(u2, b"", status=302, date=_at(1), headers=[
            ("Location", f"/{path}".encode().decode("latin-1") + value.decode("latin-1")),
            *other]))
        w.write_exchange(make_exchange(target, b2.replace(b'rel="next"', b'rel="x"'),
                                       headers=HTML, date=_at(2)))
    report, items, _ = _run([tmp_path])
    (item,) = (i for i in items if i["url"] == url)
    assert item["extractor"]["page_urls"] == [u1, target]
    assert report.joining["articles/pages_joined"] == 1 and report.cut_short == 0


def test_a_task_does_not_carry_the_list_of_archive_files(tmp_path, monkeypatch):
    """Every task pickled the index's list of every archive file (5,000 WARCs: ~300 KB and
    34 ms to unpickle a task): a worker gets it once; a task's size is the same for 1 file
    and for 60."""
    import pickle

    path, _ = belta_warc(tmp_path / "one", count=2)
    many = tmp_path / "many"
    many.mkdir()
    for n in range(60):
        (many / f"copy-{n:02}-{'x' * 60}.warc.gz").write_bytes(path.read_bytes())
    real, sizes = reextract_mod._run_pool, []

    def recording(tasks, *args, **kw):
        tasks = list(tasks)
        sizes.append(max(len(pickle.dumps(t[1])) for t in tasks))
        return real(iter(tasks), *args, **kw)

    monkeypatch.setattr(reextract_mod, "_run_pool", recording)
    for folder in (tmp_path / "one", many):
        report, items, _ = _run([folder])
        assert report.extracted == 2
    one, sixty = sizes
    assert sixty <= one + 100


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_later_page_is_decided_by_the_pages_before_it_not_by_finishing_order(tmp_path, jobs):
    """ARTICLE_MAX_PAGES=2, page 2 with no back-link to page 1 (an article to the extractor):
    page 2, joined by page 1, was extracted all the same and relabelled after, its own join
    (page 3) counted in the summary, and whether page 3 was a later page depended on which
    worker finished first. Now page 2 is no item and joins nothing (the crawl fetched it
    only to join it), and the counts are the crawl's: one page joined to one article."""
    url, ((u1, b1), (u2, b2), (u3, b3)), _last = _paged_pages()
    alone = b2.replace(b'rel="prev"', b'rel="x"').replace(b'rel="canonical"', b'rel="x"')
    _write_run(tmp_path, [(u1, b1, 200, _at(0)), (u2, alone, 200, _at(1)),
                          (u3, b3, 200, _at(2))])
    report, items, _ = _run([tmp_path], jobs=jobs, max_pages=2)
    assert [i["url"] for i in items] == [url]
    assert items[0]["extractor"]["page_urls"] == [u1, u2]
    assert report.failed == {LATER_PAGE: 2}  # page 3 says it is one (rel="prev")
    assert report.joining == {"articles/pages_joined": 1, "articles/joined": 1,
                              "articles/later_pages_downloaded": 1,
                              "articles/page_not_joined/max_pages": 1}
    assert report.cut_short == 0


def test_a_later_page_step_that_crashes_costs_that_page_only(monkeypatch) -> None:
    """A failure outside the page's own checks (the shared index, the run's lookup, a bug)
    in the task joining page 2 ended the whole re-extraction: the item keeps page 1, cut
    short, the page counted as not joined (error)."""
    from crawler import reextract as rx
    from crawler.items import ArticlePage
    from tests.sites import paged_articles

    fixture, paged = paged_articles.runews24_site()
    gold = paged.golds[0]
    path = gold.url.removeprefix(f"https://{fixture.site.host}")
    page = ArticlePage(url=gold.url, outlet="runews24", body=fixture.site.find(path).body,
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at="2026-03-01T10:00:00+00:00")
    first = rx.extract_timed(page, join=True)
    assert first.step is not None, first.reason

    def broken() -> None:
        raise RuntimeError("the shared index went away")

    monkeypatch.setattr(archive_join, "_later", broken)
    result = archive_join.join_step(first.step)
    assert result.step is None and result.item is not None, result.reason
    assert all(p in result.item["text"] for p in gold.paragraphs[:paged_articles.PARTS])
    assert gold.paragraphs[paged_articles.PARTS] not in result.item["text"]
    assert result.cut_short and "(error)" in result.cut_short
    assert result.joining["articles/page_not_joined/error"] == 1


def test_a_page_one_captured_with_a_feeds_argument_is_joined_by_its_pager(tmp_path):
    """An archive whose article's page 1 was captured as ``…?from=rss`` (another crawler
    followed the feed's link as given), its later pages linked by Bitrix's numbered pager
    only (``?PAGEN_1=N``, no ``from``): the item, under the canonical URL, holds the three
    pages, joined through the pager's links, and the later pages are no items."""
    from tests.sites import paged_articles

    fixture, paged = paged_articles.runews24_site()
    gold = paged.golds[4]  # the one paged by its numbered pager only
    host = f"https://{fixture.site.host}"
    urls = paged.pages[gold.url]
    bodies = [fixture.site.pages[u.removeprefix(host)].body for u in urls]
    assert b'rel="next"' not in bodies[0] and b"PAGEN_1=2" in bodies[0]  # the premise
    captured = [f"{urls[0]}?from=rss", *urls[1:]]
    _write_run(tmp_path, [(u, b, 200, _at(n)) for n, (u, b) in enumerate(zip(captured, bodies,
                                                                              strict=True))])
    report, items, _ = _run([tmp_path])
    (item,) = items
    assert item["url"] == gold.url
    assert item["extractor"]["page_urls"] == captured
    assert item["text"].split("\n\n") == gold.paragraphs
    assert report.joining["articles/pages_joined"] == 2 and report.cut_short == 0


def test_the_latest_of_many_spellings_of_an_article_is_found_normalizing_none(
        tmp_path, monkeypatch):
    """300 spellings of one article (letter case in a query its canonical form drops, one
    SURT key): the newest is the article's URL. Each spelling's captures were looked up
    normalizing all 300 (90,000 calls; 62 s for 1,000 spellings in `scrapy reextract`)."""
    import archive.reader as reader

    base = "https://www.belta.by/society/view/novost-nomer-3-427703-2026/?utm="
    spellings = [base + format(i, "09b").replace("0", "a").replace("1", "A")
                 for i in range(300)]
    with WarcWriter(tmp_path) as w:
        for i, url in enumerate(spellings):
            w.write_exchange(make_exchange(url, b"<html>x</html>", headers=HTML,
                                           date=datetime(2026, 1, 13, 10, i // 60, i % 60,
                                                         tzinfo=UTC)))
    real, calls = reader.normalize_url, [0]

    def counted(url: str) -> str:
        calls[0] += 1
        return real(url)

    with ArchiveLookup([str(tmp_path)]) as lookup:
        monkeypatch.setattr(reader, "normalize_url", counted)
        assert latest_article_urls(lookup) == [spellings[-1]]
    assert calls[0] == 0


BELTA_URL = "https://www.belta.by/president/view/novost-nomer-0-427700-2026/"
BELTA_HTML = Path(__file__).resolve().parents[1] / "fixtures/outlets/belta/2026-01/belta-0.html.gz"


def http_block(status: bytes, body: bytes) -> bytes:
    """A response's bytes as sent: ``status`` line, head, body."""
    head = b"\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
    return status + head % len(body) + body


def good_then(tmp_path: Path, newer: bytes | None, date: str | None = "2026-01-14T10:00:00Z",
              url: str = BELTA_URL) -> tuple[Path, list[int], dict]:
    """A warcio WARC holding a good 200 of ``url`` (2026-01-13) and then ``newer`` (an HTTP
    block dated ``date``, None: no such field); its offsets, and the item reextract makes
    of the good capture alone."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    alone = tmp_path / "alone" / "good.warc.gz"
    alone.parent.mkdir(exist_ok=True)
    good = (url, http_block(b"HTTP/1.1 200 OK", html), "2026-01-13T10:00:00Z")
    warcio_warc(alone, [good])
    _, (gold,), _ = _run([alone])
    path = tmp_path / "both.warc.gz"
    offsets = warcio_warc(path, [good, *([(url, newer, date)] if newer is not None else [])])
    return path, offsets, gold


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_article_whose_newest_capture_is_unreadable_comes_from_the_capture_before(
        tmp_path, jobs):
    """reextract handed the newest capture's offset straight to a worker: a damaged status
    line there gave no item at all, while replay (ArchiveLookup.get) reported it and served
    the older 200. Now both pick the capture by one rule."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    path, offsets, gold = good_then(tmp_path, http_block(b"HTTP/1.1 2x0 OK", html))

    report, items, bad = _run([path], jobs=jobs)

    assert gold["text"] and gold["fetched_at"] == "2026-01-13T10:00:00+00:00"
    assert [(i["url"], i["text"], i["fetched_at"]) for i in items] == [
        (BELTA_URL, gold["text"], gold["fetched_at"])]
    assert items[0]["warc"]["offset"] == offsets[0]
    assert [(str(b.file), b.offset) for b in bad] == [(str(path), offsets[1])]
    assert "2x0" in bad[0].reason
    assert (report.extracted, report.bad_records, dict(report.failed)) == (1, 1, {})
    with ArchiveLookup([path], on_error=lambda err: None) as lookup:  # what replay serves
        assert lookup.get(BELTA_URL).ref.offset == offsets[0]


@pytest.mark.parametrize("status", [404, 410, 503, 500])
def test_a_newer_error_answer_gives_way_to_the_capture_the_crawl_made_its_item_of(
        tmp_path, status):
    """A newer 404 (the article removed) or 503 (a re-check that failed) is what replay serves,
    but the crawl made its item of the older 200: a rebuild of the items lost the article.
    Now the 200 is read, and the passing over counted by the error's status."""
    path, offsets, gold = good_then(tmp_path, http_block(f"HTTP/1.1 {status} X".encode(),
                                                         b"gone"))

    report, items, bad = _run([path])

    with ArchiveLookup([path]) as lookup:  # replay's rule is unchanged
        assert lookup.get(BELTA_URL).status == status
    assert [(i["url"], i["text"], i["warc"]["offset"]) for i in items] == [
        (BELTA_URL, gold["text"], offsets[0])]
    assert (bad, dict(report.failed), dict(report.past_errors)) == (
        [], {}, {f"http_{status}": 1})


def test_an_error_answer_is_read_past_a_redirect_to_the_200_before_them(tmp_path):
    """200, then a 301 to another URL, then a 404: the crawl made its item of the 200; a
    redirect between is no page to read (it stopped the look back, giving no item)."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    moved = (b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://www.belta.by/elsewhere/"
             b"\r\nContent-Length: 0\r\n\r\n")
    path = tmp_path / "three.warc.gz"
    offsets = warcio_warc(path, [
        (BELTA_URL, http_block(b"HTTP/1.1 200 OK", html), "2026-01-13T10:00:00Z"),
        (BELTA_URL, moved, "2026-01-14T10:00:00Z"),
        (BELTA_URL, http_block(b"HTTP/1.1 404 Not Found", b"gone"), "2026-01-15T10:00:00Z")])

    report, items, bad = _run([path])

    assert [(i["url"], i["warc"]["offset"]) for i in items] == [(BELTA_URL, offsets[0])]
    assert (bad, dict(report.failed), dict(report.past_errors)) == ([], {}, {"http_404": 1})


def test_an_error_answer_with_no_page_before_it_is_the_page(tmp_path):
    """Only error answers (and an unreadable capture): the newest error is what is read."""
    url = BELTA_URL
    path = tmp_path / "errors.warc.gz"
    warcio_warc(path, [(url, http_block(b"HTTP/1.1 2x0 OK", b"<p>x</p>"), "2026-01-12T10:00:00Z"),
                       (url, http_block(b"HTTP/1.1 503 Busy", b"busy"), "2026-01-13T10:00:00Z"),
                       (url, http_block(b"HTTP/1.1 404 Gone", b"gone"), "2026-01-14T10:00:00Z")])

    report, items, bad = _run([path])

    assert (items, dict(report.failed), dict(report.past_errors)) == ([], {"http_404": 1}, {})
    assert ["2x0" in b.reason for b in bad] == [True]


def test_a_capture_without_warc_date_is_reported_and_never_dated_1970(tmp_path):
    """A record with no WARC-Date was read as captured at the epoch: an item with fetched_at
    1970-01-01, nothing reported. Now it is reported by file and offset and not read as a
    capture (it cannot be placed among the captures); the dated capture before it serves."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    path, offsets, gold = good_then(tmp_path, http_block(b"HTTP/1.1 200 OK", html), date=None)

    report, items, bad = _run([path])

    assert [(i["text"], i["fetched_at"]) for i in items] == [(gold["text"],
                                                               "2026-01-13T10:00:00+00:00")]
    assert [(str(b.file), b.offset) for b in bad] == [(str(path), offsets[1])]
    assert "no WARC-Date" in bad[0].reason
    assert report.bad_records == 1
    alone = tmp_path / "undated.warc.gz"  # its only capture: no item, said, never 1970
    (offset,) = warcio_warc(alone, [(BELTA_URL, http_block(b"HTTP/1.1 200 OK", html), None)])
    report, items, bad = _run([alone])
    assert (items, [(str(b.file), b.offset) for b in bad]) == ([], [(str(alone), offset)])
    assert "no WARC-Date" in bad[0].reason and report.bad_records == 1


@pytest.mark.parametrize("how", ["die", "hang"])
def test_a_damaged_newest_capture_is_reported_when_the_older_one_costs_its_worker(
        tmp_path, monkeypatch, how):
    """The worker reports the newest capture it passed over with its result; a worker killed
    or stopped while extracting the older one took that report with it (missing from the
    log and the summary). The main process says it then, by file and offset."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    path, offsets, _ = good_then(tmp_path, http_block(b"HTTP/1.1 2x0 OK", html))

    def pathological(page):
        if how == "die":
            os._exit(9)
        import time
        time.sleep(60)

    monkeypatch.setattr(reextract_mod, "extract_for_crawl", pathological)  # forked workers
    report, items, bad = _run([path], jobs=1, timeout=3)

    assert (items, dict(report.failed)) == ([], {"die": {"worker_died": 1},
                                                 "hang": {"timeout": 1}}[how])
    assert [(str(b.file), b.offset) for b in bad] == [(str(path), offsets[1])]
    assert "2x0" in bad[0].reason and report.bad_records == 1


def test_a_runs_soft_removal_probes_are_no_articles(tmp_path):
    """A probe (a made-up address in an article's shape, asked to see what the site answers
    for a page it has not) answered 200 with the site's "not found" page: reextract made an
    article titled "Ошибка 404" of it, where the crawl had used it as evidence only."""
    from dataclasses import replace

    from crawler.softremovals import probe_url

    site, golds = belta.build(count=2)
    gone = belta.HOST
    probe = probe_url(golds[0].url)
    assert outlet_for_url(probe) is not None
    page = (b"<html><head><title>\xd0\x9e\xd1\x88\xd0\xb8\xd0\xb1\xd0\xba\xd0\xb0 404</title>"
            b"</head><body><h1>404</h1><p>" + "Страница не найдена. ".encode() * 20
            + b"</p></body></html>")
    with WarcWriter(tmp_path) as w:
        for gold in golds:
            body = site.pages[gold.url.removeprefix(f"https://{gone}")].body
            w.write_exchange(make_exchange(gold.url, body, headers=HTML))
        w.write_exchange(replace(make_exchange(probe, page, headers=HTML), probe=True))
    report, items, _ = _run(sorted(tmp_path.glob("*.warc.gz")))
    assert sorted(i["url"] for i in items) == sorted(g.url for g in golds)
    assert report.articles == len(golds)


# the site's "not found" page, served with 200 (its title and text the notice)
NOTICE = ("<html><head><title>Ошибка 404</title></head><body><div class='main'><h1>Ошибка "
          "404</h1><div class='inner_content'><div class='js-mediator-article'><p>К "
          "сожалению, запрашиваемая вами страница не найдена. Возможно, она была удалена "
          "или перемещена.</p></div></div></div></body></html>").encode()


def test_a_page_that_is_only_the_sites_not_found_notice_is_a_soft_404(tmp_path):
    """An article answering 200 with the site's "not found" page (title "Ошибка 404", text
    the notice and its advice): the crawl judges it a soft 404, reextract made it an item."""
    site, golds = belta.build(count=2)
    gone = golds[0].url.replace("novost-nomer-0", "udalena")
    with WarcWriter(tmp_path) as w:
        for gold in golds:
            body = site.pages[gold.url.removeprefix(f"https://{belta.HOST}")].body
            w.write_exchange(make_exchange(gold.url, body, headers=HTML))
        w.write_exchange(make_exchange(gone, NOTICE, headers=HTML))
    report, items, _ = _run(sorted(tmp_path.glob("*.warc.gz")))
    assert sorted(i["url"] for i in items) == sorted(g.url for g in golds)
    assert report.failed == {"soft-404": 1}


def test_a_capture_read_twice_is_one_bad_record(tmp_path):
    """A row without a time zone has its archived pages read for the vote, then each
    article again: an unreadable capture was logged and counted twice."""
    from tests.support.warcs import record

    path, golds = belta_warc(tmp_path, count=3)
    damaged = golds[0].url.replace("-2026/", "-x-2026/")
    offset = path.stat().st_size
    with open(path, "ab") as fh:
        fh.write(gzip.compress(record("response", damaged, b"HTTP/1.1 2x0 OK\r\n\r\n<html>")))

    def vote(lookup, _on_part):  # as learn_rows reads a site's pages for its zone
        for url in lookup.iter_urls():
            list(lookup.readable(url))

    report, items, bad = _run([path], prepare=vote)
    assert report.bad_records == len(bad) == 1 and bad[0].offset == offset
    assert sorted(i["url"] for i in items) == sorted(g.url for g in golds)


def test_a_non_authoritative_answer_is_an_article_as_in_the_crawl(tmp_path):
    """A proxy's or CDN's 203 Non-Authoritative Information is a whole page: the crawl's spider
    gets every 2xx and makes its item; re-extraction gave none (``http_203``)."""
    site, golds = belta.build(count=2)
    with WarcWriter(tmp_path) as w:
        for gold, status in zip(golds, (200, 203), strict=True):
            body = site.pages[gold.url.removeprefix(f"https://{belta.HOST}")].body
            w.write_exchange(make_exchange(gold.url, body, status=status,
                                           reason="Non-Authoritative Information"
                                           if status == 203 else "OK"))
    report, items, _ = _run([tmp_path])
    assert sorted(i["url"] for i in items) == sorted(g.url for g in golds), report.failed


@pytest.mark.parametrize(("uri", "why"), [
    (BELTA_URL.removeprefix("https://"), "is not an absolute http(s) URL"),
    (BELTA_URL.removeprefix("https://www.belta.by"), "is not an absolute http(s) URL"),
    (BELTA_URL.replace("belta.by/", "belta.by:99999/", 1), "names no port in 0-65535"),
])
def test_an_article_capture_no_one_can_ask_for_is_said_not_dropped(tmp_path, uri, why):
    """With no scheme such a capture matched no outlet, and only http(s) URLs are counted as
    another host's: it vanished unsaid; with a port out of range it was told by its host
    alone. Now it is a bad record, by file and offset, as replay skips it."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    path = tmp_path / "odd.warc.gz"
    path.write_bytes(gz(record("response", uri, http_block(b"HTTP/1.1 200 OK", html))))

    report, items, bad = _run([path])

    assert items == [] and report.bad_records == 1
    assert [(str(b.file), b.offset) for b in bad] == [(str(path), 0)]
    assert f"WARC-Target-URI {uri!r} {why}" in bad[0].reason


# --- a newer capture that is no article gives way to the whole 2xx before it ------------------
MOVED_HOME = (b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://www.belta.by/\r\n"
              b"Content-Length: 0\r\n\r\n")
MOVED_AWAY = (b"HTTP/1.1 302 Found\r\nLocation: https://www.belta.by/elsewhere/\r\n"
              b"Content-Length: 0\r\n\r\n")
CHALLENGE = (b"<html><head><title>Just a moment...</title></head><body><p>Checking if the "
             b"site connection is secure</p></body></html>")


def cut_block(html: bytes) -> bytes:
    """A 200 whose body stops three quarters in, its head declaring the whole length: a
    transfer cut short that the recorder kept with no WARC-Truncated (warcio, wget)."""
    whole = http_block(b"HTTP/1.1 200 OK", html)
    return whole[: len(whole) - len(html) // 4]


@pytest.mark.parametrize(("newer", "passed"), [(MOVED_HOME, "http_301"),
                                               (MOVED_AWAY, "http_302")], ids=["home", "away"])
def test_a_newer_redirect_gives_way_to_the_200_before_it(tmp_path, newer, passed):
    """A 301 to the home page (the article taken down) or a 302 elsewhere, captured after
    the 200 the crawl made its item of: reextract read the redirect (``http_301``) and the
    rebuilt items lost the article. Now the 200 is read and the redirect counted as passed
    over; replay still serves the redirect."""
    path, offsets, gold = good_then(tmp_path, newer)

    report, items, bad = _run([path])

    assert [(i["url"], i["text"], i["warc"]["offset"]) for i in items] == [
        (BELTA_URL, gold["text"], offsets[0])]
    assert (bad, dict(report.failed), dict(report.past_errors)) == ([], {}, {passed: 1})
    with ArchiveLookup([path]) as lookup:  # replay's rule is unchanged
        assert lookup.get(BELTA_URL).status == int(passed.removeprefix("http_"))


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(("newer", "passed"), [
    (http_block(b"HTTP/1.1 200 OK", CHALLENGE), "blocked/cloudflare"),
    (http_block(b"HTTP/1.1 200 OK", NOTICE), "soft-404")], ids=["challenge", "notice"])
def test_a_newer_challenge_or_not_found_page_gives_way_to_the_200_before_it(
        tmp_path, newer, passed, jobs):
    """A 200 that is a Cloudflare challenge (the crawl's test: crawler.challenge, as its
    extraction applies it) or only the site's "not found" notice (the soft 404 re-extraction
    tells by its wording): captured after the article, it hid it (``blocked/cloudflare``,
    ``soft-404``). Now the article is read from the 200 before it, and what the newer one
    was counted as passed over; alone, it is still what is read."""
    path, offsets, gold = good_then(tmp_path, newer)

    report, items, bad = _run([path], jobs=jobs)

    assert [(i["text"], i["warc"]["offset"]) for i in items] == [(gold["text"], offsets[0])]
    assert (bad, dict(report.failed), dict(report.past_errors)) == ([], {}, {passed: 1})
    alone = tmp_path / "alone-newer.warc.gz"
    warcio_warc(alone, [(BELTA_URL, newer, "2026-01-14T10:00:00Z")])
    report, items, _ = _run([alone])
    assert (items, dict(report.failed), dict(report.past_errors)) == ([], {passed: 1}, {})


def test_an_error_answer_is_read_past_a_challenge_page_to_the_article(tmp_path):
    """200, then a challenge page, then a 404: the look back past the 404 stopped at the
    first 2xx, the challenge, and the article was lost (``blocked/cloudflare``)."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    path = tmp_path / "three.warc.gz"
    offsets = warcio_warc(path, [
        (BELTA_URL, http_block(b"HTTP/1.1 200 OK", html), "2026-01-13T10:00:00Z"),
        (BELTA_URL, http_block(b"HTTP/1.1 200 OK", CHALLENGE), "2026-01-14T10:00:00Z"),
        (BELTA_URL, http_block(b"HTTP/1.1 404 Not Found", b"gone"), "2026-01-15T10:00:00Z")])

    report, items, bad = _run([path])

    assert [(i["url"], i["warc"]["offset"]) for i in items] == [(BELTA_URL, offsets[0])]
    assert (bad, dict(report.failed), dict(report.past_errors)) == ([], {}, {"http_404": 1})


def test_a_newer_capture_cut_short_gives_way_to_the_whole_one_before_it(tmp_path):
    """A 200 whose body ends before its Content-Length (kept by the reader, said as a record
    kept) was read as the page though a whole capture of the article was before it. Now the
    whole one is read; the cut one is still said, and counted as passed over. With no whole
    capture the cut one is read as it came, as before."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    path, offsets, gold = good_then(tmp_path, cut_block(html))

    report, items, bad = _run([path])

    assert [(i["text"], i["warc"]["offset"]) for i in items] == [(gold["text"], offsets[0])]
    assert dict(report.past_errors) == {"cut_short": 1} and report.kept_records == 1
    assert [(b.offset, b.kept) for b in bad] == [(offsets[1], True)]
    assert "body ends after" in bad[0].reason
    alone = tmp_path / "alone-cut.warc.gz"
    (offset,) = warcio_warc(alone, [(BELTA_URL, cut_block(html), "2026-01-14T10:00:00Z")])
    report, items, bad = _run([alone])  # its HTML never closes, as the crawl would find
    assert (items, dict(report.failed), dict(report.past_errors)) == (
        [], {"truncated_html": 1}, {})
    assert [(b.offset, b.kept) for b in bad] == [(offset, True)]


def test_an_older_capture_cut_short_is_read_past_a_newer_redirect(tmp_path):
    """A cut page is still a page of the article: a newer redirect gives way to it when no
    whole capture is there, as a newer 404 gave way to it."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    path = tmp_path / "cut-then-moved.warc.gz"
    offsets = warcio_warc(path, [(BELTA_URL, cut_block(html), "2026-01-13T10:00:00Z"),
                                 (BELTA_URL, MOVED_HOME, "2026-01-14T10:00:00Z")])

    report, items, bad = _run([path])

    assert (items, dict(report.failed), dict(report.past_errors)) == (
        [], {"truncated_html": 1}, {"http_301": 1})  # read, where "http_301" was the page
    assert [(b.offset, b.kept) for b in bad] == [(offsets[0], True)]


# --- a damaged older capture read past a newer one is named by its own file and offset -------
def _gzip_body_block(html: bytes, damage: Callable[[bytes], bytes]) -> bytes:
    """A 200 whose body is sent gzipped (Content-Encoding), the gzip stream ``damage``d."""
    body = damage(gzip.compress(html))
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: "
            b"gzip\r\nContent-Length: %d\r\n\r\n")
    return head % len(body) + body


def _flip_mid_member(data: bytes, offsets: list[int]) -> bytes:
    """The first record's gzip member with bytes in its middle flipped (a disk's damage)."""
    mid = offsets[0] + (offsets[1] - offsets[0]) // 2
    return data[:mid] + bytes(b ^ 0x55 for b in data[mid:mid + 40]) + data[mid + 40:]


def _cut_member_trailer(data: bytes, offsets: list[int]) -> bytes:
    """The first record's gzip member ending 4 bytes short (its trailer cut)."""
    return data[:offsets[1] - 4] + data[offsets[1]:]


@pytest.mark.parametrize("newer", ["moved", "cut"])
@pytest.mark.parametrize(("damage", "said"), [
    ("payload", "Content-Encoding gzip does not decode"),
    ("member", "corrupt gzip data"),
], ids=["payload", "member"])
def test_a_damaged_older_capture_read_past_a_newer_one_is_said_by_its_own_offset(
        tmp_path, newer, damage, said):
    """A newest 301 (or 200 cut short) gives way to the 200 before it; that 200 is damaged
    (its gzipped body does not decode, its gzip member is corrupt). The bad
    record said and counted is that 200's, by its file and offset, never the newest one's
    the look back started from."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    older = (_gzip_body_block(html, lambda gz: gz[: len(gz) // 2] + b"garbage" * 20)
             if damage == "payload" else http_block(b"HTTP/1.1 200 OK", html))
    path = tmp_path / "damaged.warc.gz"
    offsets = warcio_warc(path, [
        (BELTA_URL, older, "2026-01-13T10:00:00Z"),
        (BELTA_URL, MOVED_HOME if newer == "moved" else cut_block(html),
         "2026-01-14T10:00:00Z")])
    if damage != "payload":
        path.write_bytes(_flip_mid_member(path.read_bytes(), offsets))

    report, items, bad = _run([path])

    assert items == [] and report.bad_records == 1
    skipped = [b for b in bad if not b.kept]
    assert [(str(b.file), b.offset) for b in skipped] == [(str(path), offsets[0])]
    assert said in skipped[0].reason
    assert [b.offset for b in bad if b.kept] == ([offsets[1]] if newer == "cut" else [])


def test_an_older_capture_whose_gzip_trailer_is_cut_is_read_by_its_digest(tmp_path):
    """The 200 before a newest 301, its gzip member ending 4 bytes short, the next member
    joined on: its deflate stream is whole and its block digest holds, so it is read (was
    skipped as corrupt gzip data, its page lost) and gives its item, said kept by its
    offset."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    path = tmp_path / "damaged.warc.gz"
    offsets = warcio_warc(path, [
        (BELTA_URL, http_block(b"HTTP/1.1 200 OK", html), "2026-01-13T10:00:00Z"),
        (BELTA_URL, MOVED_HOME, "2026-01-14T10:00:00Z")])
    path.write_bytes(_cut_member_trailer(path.read_bytes(), offsets))

    report, items, bad = _run([path])

    assert [item["url"] for item in items] == [BELTA_URL]
    assert [(str(b.file), b.offset, b.kept) for b in bad] == [(str(path), offsets[0], True)]
    assert "gzip trailer does not match" in bad[0].reason


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("newer", ["moved", "cut"])
def test_an_older_capture_whose_reading_fails_unforeseen_is_said_by_its_own_offset(
        tmp_path, monkeypatch, newer, jobs):
    """200, 200, then a 301 (or a 200 cut short): the look back reads the middle 200, whose
    reading fails in a way no check of the reader foresaw. That error left the lookup, and
    re-extraction said a bad record at the newest capture's offset (a record read fine) and
    gave no item. Now the record whose reading failed is said, by its file and offset, and
    passed over as any unreadable capture is: the article comes from the 200 before it."""
    import archive.reader as reader

    html = gzip.decompress(BELTA_HTML.read_bytes())
    path = tmp_path / "three.warc.gz"
    whole = http_block(b"HTTP/1.1 200 OK", html)
    offsets = warcio_warc(path, [
        (BELTA_URL, whole, "2026-01-12T10:00:00Z"),
        (BELTA_URL, whole, "2026-01-13T10:00:00Z"),
        (BELTA_URL, MOVED_HOME if newer == "moved" else cut_block(html),
         "2026-01-14T10:00:00Z")])
    to_response = reader._to_response

    def unforeseen(rec, ref, *args, **kwargs):
        if ref.offset == offsets[1]:
            raise RuntimeError("an error no check foresaw")
        return to_response(rec, ref, *args, **kwargs)

    monkeypatch.setattr(reader, "_to_response", unforeseen)  # forked workers too
    report, items, bad = _run([path], jobs=jobs)

    assert [(i["url"], i["warc"]["offset"]) for i in items] == [(BELTA_URL, offsets[0])]
    skipped = [b for b in bad if not b.kept]
    assert [(str(b.file), b.offset) for b in skipped] == [(str(path), offsets[1])]
    assert "an error no check foresaw" in skipped[0].reason
    assert (report.bad_records, dict(report.failed)) == (1, {})
    assert dict(report.past_errors) == {"http_301" if newer == "moved" else "cut_short": 1}


def test_a_redirect_whose_location_names_no_url_is_read_past_not_said_as_damage(tmp_path):
    """200, then a 302 whose Location names no URL (``http://[news/``: a bracket never
    closed, as a broken CMS sends it), then a 301 to the home page. The reader's test for a
    redirect to the URL itself raised on that Location: replay failed on the URL, and
    re-extraction's look back past the 301 stopped there, said a bad record at the 301's
    offset (read fine) and gave no item. The 302 is an answer as it was sent, no damage and
    no loop: it is served, read past as any redirect, and the article read from the 200."""
    html = gzip.decompress(BELTA_HTML.read_bytes())
    nowhere = (b"HTTP/1.1 302 Found\r\nLocation: http://[news/\r\nContent-Length: 0\r\n\r\n")
    path = tmp_path / "three.warc.gz"
    offsets = warcio_warc(path, [
        (BELTA_URL, http_block(b"HTTP/1.1 200 OK", html), "2026-01-12T10:00:00Z"),
        (BELTA_URL, nowhere, "2026-01-13T10:00:00Z"),
        (BELTA_URL, MOVED_HOME, "2026-01-14T10:00:00Z")])

    report, items, bad = _run([path])

    assert [(i["url"], i["warc"]["offset"]) for i in items] == [(BELTA_URL, offsets[0])]
    assert (bad, dict(report.failed), dict(report.past_errors)) == ([], {}, {"http_301": 1})
    errors: list = []
    with ArchiveLookup([path], on_error=errors.append) as lookup:  # replay serves each
        assert [r.status for r in lookup.readable(BELTA_URL)] == [301, 302, 200]
        assert lookup.get(BELTA_URL, datetime(2026, 1, 13, 10, tzinfo=UTC)).status == 302
    assert errors == []


def test_an_outlets_url_day_ahead_of_the_capture_dates_nothing_in_re_extraction(tmp_path):
    """A RuNews24 URL names 20 January (an event) in a page captured on 6 January that prints
    no date: the crawl asked for it with no hint (the day was ahead then) and its item had
    no date; re-extraction, after the 20th, judges the URL's day as of the capture too, and
    does not date the item by it."""
    from tests.sites import runews24
    from tests.sites.common import GoldArticle, paragraphs_for, title_for

    url = runews24.article_url("culture", datetime(2026, 1, 20).date(), "slug", 7)
    gold = GoldArticle(url, title_for(7), paragraphs_for(7),
                       datetime(2026, 1, 5, 10, tzinfo=runews24.TZ))
    page = runews24.article_page(runews24.Story(gold, "culture", "desc"), [])
    undated = re.sub(r'<meta property="article:published_time"[^>]*>|'
                     r'<div class="b-article__date">[^<]*</div>', "", page)
    assert "05.01.2026" not in undated and "2026-01-05" not in undated
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(url, undated.encode(), headers=HTML,
                                       date=datetime(2026, 1, 6, 9, tzinfo=UTC)))
    assert datetime.now(UTC).date() > datetime(2026, 1, 21).date()  # the URL's day is past
    report, items, bad = _run([tmp_path])
    assert not bad and [i["url"] for i in items] == [url]
    assert items[0]["published"] is None


def _write_part(folder: Path, url: str, body: bytes, date: datetime) -> None:
    """A run holding ``url`` as a later range request archived it: a 206 of its tail."""
    start = len(body) // 2
    headers = [*HTML, ("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")]
    with WarcWriter(folder) as w:
        w.write_exchange(make_exchange(url, body[start:], status=206, headers=headers,
                                       date=date, reason="Partial Content"))


def test_a_later_page_held_as_a_206_nearest_is_joined_from_its_whole_capture(tmp_path):
    """Page 1's run lacks page 2; the capture of it nearest page 1's is a 206 (part of the
    page, another run's range request): the join reads a page as a request with no Range
    does, the whole 200 of the run before, never the tail."""
    url, ((u1, b1), (u2, b2), (u3, b3)), last = _paged_pages()
    _write_run(tmp_path / "r1", [(u1, b1, 200, _at(0, 12)), (u2, b2, 200, _at(1, 12)),
                                 (u3, b3, 200, _at(2, 12))])
    _write_run(tmp_path / "r2", [(u1, b1, 200, _at(0)), (u3, b3, 200, _at(2))])
    _write_part(tmp_path / "r3", u2, b2, _at(1))
    report, items, _ = _run([tmp_path])
    (item,) = items
    assert item["extractor"]["page_urls"] == [u1, u2, u3] and last in item["text"]
    page2 = b2.decode()[b2.decode().index("<p>") + 3:][:40]
    assert page2.split("<")[0] in item["text"]
    assert report.cut_short == 0 and report.joining["articles/pages_joined"] == 2


@pytest.mark.parametrize("older", [404, 503])
def test_a_206_is_read_rather_than_an_older_error_or_another_spelling(tmp_path, older):
    """Only a whole 2xx of the 206's own spelling stands in for it: with an older 404 or 503
    of it and a whole 200 of another spelling (``www.``), the 206 is read as it is."""
    url = "http://ex.by/news/a.html"
    _write_run(tmp_path / "r1", [(url, b"x", older, _at(0, 12)),
                                 (url.replace("//", "//www."), b"<p>whole</p>", 200, _at(1, 12))])
    _write_part(tmp_path / "r2", url, b"<p>whole page of it</p>", _at(0))
    with ArchiveLookup([tmp_path]) as lookup:
        archived, passed = reextract_mod.capture_to_read(lookup, url)
        assert (archived.status, archived.url, passed) == (206, url, None)


def test_a_206_holding_the_whole_body_is_read_as_the_newest_page(tmp_path):
    """``bytes 0-N/N+1`` as long as its payload: the newest page, not part of one."""
    url = "http://ex.by/news/a.html"
    _write_run(tmp_path / "r1", [(url, b"<p>first version</p>", 200, _at(0, 12))])
    new = b"<p>updated article</p>"
    headers = [*HTML, ("Content-Range", f"bytes 0-{len(new) - 1}/{len(new)}")]
    with WarcWriter(tmp_path / "r2") as w:
        w.write_exchange(make_exchange(url, new, status=206, headers=headers, date=_at(0),
                                       reason="Partial Content"))
    with ArchiveLookup([tmp_path]) as lookup:
        archived, passed = reextract_mod.capture_to_read(lookup, url)
        assert (archived.payload, passed) == (new, None)
        assert reextract_mod._fetched(lookup, url)


def test_only_the_first_206_is_kept_and_the_rest_read_again_only_when_asked(tmp_path,
                                                                            monkeypatch):
    """Three 206s, no whole page: choosing reads the first alone (the index tells none of
    the others may be a whole 2xx) and holds it; the others are read (a second pass, from
    the best) only when the next is asked."""
    from archive.reader import read_without_range
    url = "http://ex.by/news/a.html"
    for day in (10, 11, 12):
        _write_part(tmp_path / f"r{day}", url, b"<p>whole page %d</p>" % day, _at(0, day))
    loads = []
    with ArchiveLookup([tmp_path]) as lookup:
        real = lookup._load
        monkeypatch.setattr(lookup, "_load", lambda cap, u: loads.append(cap[2]) or real(cap, u))
        choices = read_without_range(lookup, url)
        first, stood_in_for = next(choices)
        assert (first.status, stood_in_for, len(loads)) == (206, None, 1)
        assert b"12" in first.payload
        rest = [c.payload for c, _ in choices]
        assert [b"11" in rest[0], b"10" in rest[1], len(loads)] == [True, True, 4]


def test_an_unservable_capture_behind_a_206_is_said_once(tmp_path):
    """A newest 206 with no whole page behind it: choosing walks every capture to know, and the
    second walk (the rest, read again when asked for) said an unservable one a second time."""
    from archive.reader import read_without_range
    url = "http://ex.by/news/a.html"
    with WarcWriter(tmp_path / "r1") as writer:
        writer.write_exchange(make_exchange(url, b"", status=304, headers=[("ETag", '"x"')],
                                            date=_at(0, 10)))
    _write_part(tmp_path / "r2", url, b"<p>whole page</p>", _at(0, 12))
    said = []
    with ArchiveLookup([tmp_path], on_error=said.append) as lookup:
        statuses = [c.status for c, _ in read_without_range(lookup, url)]
    assert statuses == [206]
    assert [type(e).__name__ for e in said] == ["UnservedRecord"]


def test_a_later_page_archived_only_as_a_206_is_not_joined_and_the_article_said_cut(tmp_path):
    """Page 2's only capture is a 206 of its tail (``wget -c`` resumed, its first part never
    archived): no page to join (part of a page is never the page, as in the crawl). The join
    stops there (``partial_content``) and the item is counted cut short, holding page 1
    alone."""
    url, ((u1, b1), (u2, b2), (u3, b3)), last = _paged_pages()
    _write_run(tmp_path / "r1", [(u1, b1, 200, _at(0)), (u3, b3, 200, _at(2))])
    _write_part(tmp_path / "r2", u2, b2, _at(1))
    report, items, _ = _run([tmp_path])
    (item,) = items
    assert "page_urls" not in item["extractor"] and last not in item["text"]
    assert report.cut_short == 1
    assert report.joining["articles/page_not_joined/partial_content"] == 1


# a 206 whose body is the whole page, by its Content-Range (of a body of n bytes), or none
WHOLE_206 = {"no Content-Range": lambda n: None, "bytes 0-N/N+1": lambda n: f"bytes 0-{n - 1}/{n}",
             "bytes 0-N/*": lambda n: f"bytes 0-{n - 1}/*"}
# a 206 holding part of the page: (its body, its Content-Range) of the page's body
PART_206 = {"tail, the page's bytes all but the first": lambda b: (b, ""),
            "head": lambda b: (b[:len(b) // 2], f"bytes 0-{len(b) // 2 - 1}/{len(b)}")}


def _pages_with_206(path: Path, second: bytes, content_range: str | None
                    ) -> tuple[str, str, str, str, int]:
    """A paged article's three pages, written by warcio: its second page a 206 of ``second``
    under ``content_range`` ("": a part's, None: none), the others 200s; the offset of the
    second's record last."""
    url, ((u1, b1), (u2, _), (u3, b3)), last = _paged_pages()
    kind = "text/html; charset=utf-8"
    offsets = warcio_warc(path, [
        (u1, http_response(b1, ctype=kind), "2026-01-13T10:00:00Z"),
        (u2, http_response(second, "206 Partial Content", kind, content_range),
         "2026-01-13T10:00:01Z"),
        (u3, http_response(b3, ctype=kind), "2026-01-13T10:00:02Z")])
    return u1, u2, u3, last, offsets[1]


@pytest.mark.parametrize("form", sorted(WHOLE_206))
def test_a_later_page_held_as_a_206_of_the_whole_body_is_joined(tmp_path, form):
    """A 206 whose body is the whole page (``bytes 0-N/N+1``, ``bytes 0-N/*``, or no
    Content-Range: a server sending the page so) is the page, as a first page's is: the
    join refused it (``http_206``) and cut the item short."""
    b2 = _paged_pages()[1][1][1]
    u1, u2, u3, last, _ = _pages_with_206(tmp_path / "pages.warc.gz", b2,
                                          WHOLE_206[form](len(b2)))
    report, items, bad = _run([tmp_path])
    (item,) = items
    assert item["extractor"]["page_urls"] == [u1, u2, u3] and last in item["text"]
    assert (report.cut_short, report.joining["articles/pages_joined"], bad) == (0, 2, [])
    assert not [key for key in report.joining if "not_joined" in key], report.joining


@pytest.mark.parametrize("form", sorted(PART_206))
def test_a_later_page_held_only_as_a_206_part_is_refused_as_partial_content(tmp_path, form,
                                                                            capfd):
    """A 206 holding part of the page (its tail, even one as long as the page; its head) is
    never joined as the page: refused as ``partial_content`` (said, with its file and
    offset, by the join's warning), the item cut short after page 1."""
    b2 = _paged_pages()[1][1][1]
    warc = tmp_path / "pages.warc.gz"
    u1, u2, u3, last, offset = _pages_with_206(warc, *PART_206[form](b2))
    joining = logging.getLogger("crawler.joining")
    said_to = logging.StreamHandler()  # the join runs in a worker process: its stderr
    joining.addHandler(said_to)
    try:
        report, items, bad = _run([tmp_path])
    finally:
        joining.removeHandler(said_to)
    [said] = [line for line in capfd.readouterr().err.splitlines()
              if f"{u1} not joined (partial_content): " in line]
    assert f"{u2}: a 206 holding only part of the page (Content-Range " in said, said
    assert f"; WARC {warc} offset {offset};" in said, said
    (item,) = items
    assert "page_urls" not in item["extractor"] and last not in item["text"] and bad == []
    assert report.cut_short == 1
    assert {k: v for k, v in report.joining.items() if "not_joined" in k} == {
        "articles/page_not_joined/partial_content": 1}


def test_a_page_that_crashes_extraction_is_named_with_its_capture(monkeypatch, caplog) -> None:
    """A page that broke the extractor was named by URL alone: of several captures (files,
    spellings) of it, not which record to open to reproduce the crash."""
    from crawler.items import ArticlePage

    def crash(page: ArticlePage) -> None:
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(reextract_mod, "extract_for_crawl", crash)
    url = "https://www.belta.by/politics/view/crash-427700-2026/"
    page = ArticlePage(url=url, outlet="belta", body=b"<html></html>",
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at="2026-03-01T10:00:00+00:00", warc_path="/data/warc/a.warc.gz",
                       warc={"file": "a.warc.gz", "offset": 1234})
    with caplog.at_level("ERROR", logger="crawler.reextract"):
        result = reextract_mod.extract_timed(page)
    assert result.item is None and result.reason == failure_reason(RuntimeError())
    assert [r.getMessage() for r in caplog.records] == [
        f"Extraction crashed on {url} (capture: /data/warc/a.warc.gz offset 1234)"]
