"""Offline replay: the same spider over saved WARCs, with the network unreachable."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.e2e.test_capture import capture_site, warc_files
from tests.sites import belta
from tests.support.crawl import run_crawl
from tests.support.disk import fill, tmpfs
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow
# Re-download known articles whatever their age: these tests are about the archive, not
# about incremental skipping.
REFETCH_ALL = {"REFETCH_MAX_AGE_DAYS": 100000}
# In replay mode nothing may go out: point the proxy at a closed port, so any leak fails loudly.
NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    site, golds = capture_site()
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("live"), server)
    assert result.returncode == 0
    return result, golds


@pytest.fixture(scope="module")
def replayed(live, tmp_path_factory):
    """The live crawl replayed offline, read by the two tests below (each ran the same
    replay)."""
    result, _ = live
    return run_crawl("belta", tmp_path_factory.mktemp("replayed"), None, env=NO_NETWORK,
                     settings={"WARC_REPLAY": str(result.data_dir / "warc"),
                               "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}})


def test_replay_yields_the_same_items(live, replayed) -> None:
    result, _ = live
    replay = replayed
    assert replay.returncode == 0, replay.log[-2000:]
    assert replay.stats.get("replay/hits", 0) >= len(result.items) + 2
    assert "downloader/exception_count" not in replay.stats
    live_items = {i["id"]: i for i in result.items}
    replayed_items = {i["id"]: i for i in replay.items}
    assert sorted(replayed_items) == sorted(live_items)
    for item_id, item in live_items.items():
        assert replayed_items[item_id] == item  # every field, fetched_at and warc record included
    assert not list((replay.data_dir / "warc").glob("*.warc.gz"))  # replay archives nothing new


def test_missing_urls_are_counted_404s(replayed) -> None:
    replay = replayed
    # the fixture's 404 page was archived as a 404, and so was its other spelling (the path's
    # trailing slash) the crawl asked for then; nothing else is missing
    assert replay.stats.get("replay/missing", 0) == 0
    assert replay.stats.get("downloader/response_status_count/404") == 2
    assert replay.stats.get("discovery/other_spelling_after_404") == 1
    assert replay.stats.get("articles/failed/http_404") == 1  # one article, neither answers


def test_replay_at_a_point_between_two_captures(tmp_path) -> None:
    import time

    site, golds = belta.build(count=4)
    path = golds[0].url.removeprefix(f"https://{belta.HOST}")
    data = tmp_path / "data"
    with FixtureServer([site]) as server:
        first = run_crawl("belta", data, server, settings=REFETCH_ALL)
        # `between` is a second after the first crawl's capture of the page; the second crawl
        # starts once it is farther from `between` than that capture (a loaded machine can
        # take seconds between a capture and the crawl's end)
        captured = capture_time(data, path)
        between = captured + 1
        while time.time() < between + (between - captured) + 1.5:
            time.sleep(0.2)
        site.pages[path].body = site.pages[path].body.replace(
            b"<p>", "<p>Новая редакция текста. ".encode(), 1)
        second = run_crawl("belta", data, server, settings=REFETCH_ALL)
    assert first.returncode == second.returncode == 0
    base = {"WARC_REPLAY": str(data / "warc"),
            "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}}
    old = run_crawl("belta", tmp_path / "old", None, env=NO_NETWORK,
                    settings={**base, "WARC_REPLAY_AT": time.strftime(
                        "%Y%m%d%H%M%S", time.gmtime(between))})
    new = run_crawl("belta", tmp_path / "new", None, env=NO_NETWORK, settings=base)
    old_text = {i["url"]: i["text"] for i in old.items}[golds[0].url]
    new_text = {i["url"]: i["text"] for i in new.items}[golds[0].url]
    assert old_text == golds[0].text
    assert new_text.startswith("Новая редакция текста.")
    # unchanged pages replay from revisit records, resolved to the first capture's payload
    assert {i["url"]: i["text"] for i in new.items}[golds[1].url] == golds[1].text
    assert len(warc_files(data)) == 2


def capture_time(data, path: str) -> int:
    """The whole second (epoch) of the crawl's response record for the page at ``path``."""
    from calendar import timegm
    from time import strptime
    from urllib.parse import urlsplit

    from warcio.archiveiterator import ArchiveIterator

    for warc in warc_files(data):
        with open(warc, "rb") as stream:
            for record in ArchiveIterator(stream):
                if (record.rec_type == "response"
                        and urlsplit(record.rec_headers.get_header("WARC-Target-URI")).path
                        == path):
                    date = record.rec_headers.get_header("WARC-Date")[:19]
                    return timegm(strptime(date, "%Y-%m-%dT%H:%M:%S"))
    raise AssertionError(f"no capture of {path}")


@pytest.mark.parametrize("jobs", [1, 2])
def test_reextract_yields_the_crawls_items(live, tmp_path, jobs) -> None:
    import json
    import subprocess

    from tests.support.crawl import ROOT, SCRAPY

    result, golds = live
    out = tmp_path / "again.jsonl"
    proc = subprocess.run([*SCRAPY, "reextract", str(result.data_dir / "warc"), "-O", str(out),
                           "--jobs", str(jobs)], cwd=ROOT, capture_output=True, text=True,
                          env={**__import__("os").environ, **NO_NETWORK}, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    again = {i["id"]: i for i in map(json.loads, out.read_text("utf-8").splitlines())}
    live_items = {i["id"]: i for i in result.items}
    assert again == live_items
    # article-shaped URLs: the articles, the redirect, the 404 (its two spellings one article,
    # as the crawl keys them) and the binary file
    assert f"{len(golds)} items from {len(golds) + 3} archived articles" in proc.stderr
    # the redirect is no failure: the crawl followed it to an article of its own URL
    assert "failed: http_404: 1, not_article/redirect: 1, not_html: 1;" in proc.stderr


def _wacz_of(data_dir, tmp_path):
    """The crawl's WARCs packaged by our own `python -m archive wacz`."""
    import subprocess
    import sys

    from tests.support.crawl import ROOT

    out = tmp_path / "pkg" / "crawl.wacz"
    out.parent.mkdir()
    proc = subprocess.run([sys.executable, "-m", "archive", "wacz", str(data_dir / "warc"),
                           "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def test_replay_from_a_wacz_yields_the_same_items(live, tmp_path) -> None:
    """A WACZ (here in a folder, as a user drops it) replays as the WARCs it packs."""
    result, _ = live
    wacz = _wacz_of(result.data_dir, tmp_path)
    replay = run_crawl("belta", tmp_path / "replay", None, env=NO_NETWORK, settings={
        "WARC_REPLAY": str(wacz.parent),
        "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"},
    })
    assert replay.returncode == 0, replay.log[-2000:]
    assert "replay/bad_records" not in replay.stats
    assert replay.stats.get("replay/missing", 0) == 0
    live_items = {i["id"]: i for i in result.items}
    replayed = {i["id"]: i for i in replay.items}
    assert replayed == live_items  # every field, the WARC record's name and offset included


def test_reextract_from_a_wacz_yields_the_crawls_items(live, tmp_path) -> None:
    import json
    import subprocess

    from tests.support.crawl import ROOT, SCRAPY

    result, golds = live
    wacz = _wacz_of(result.data_dir, tmp_path)
    out = tmp_path / "again.jsonl"
    proc = subprocess.run([*SCRAPY, "reextract", str(wacz), "-O", str(out), "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**__import__("os").environ, **NO_NETWORK}, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    again = {i["id"]: i for i in map(json.loads, out.read_text("utf-8").splitlines())}
    assert again == {i["id"]: i for i in result.items}
    assert f"{len(golds)} items from {len(golds) + 3} archived articles" in proc.stderr
    assert "bad records skipped: 0" in proc.stderr


def test_reextract_of_a_folder_with_warcs_and_their_wacz_gives_each_item_once(
        live, tmp_path) -> None:
    """The WARCs, the WACZ made of them and a backup copy of one WARC in one folder: each
    capture is indexed more than once, and each article still gives one item (its URL is read
    from its latest capture once)."""
    import json
    import shutil
    import subprocess

    from tests.support.crawl import ROOT, SCRAPY

    result, golds = live
    both = tmp_path / "both"
    shutil.copytree(result.data_dir / "warc", both)
    shutil.copy(_wacz_of(result.data_dir, tmp_path), both / "crawl.wacz")
    first = sorted(both.glob("*.warc.gz"))[0]
    (both / "backup").mkdir()
    shutil.copy(first, both / "backup" / first.name)
    out = tmp_path / "again.jsonl"
    proc = subprocess.run([*SCRAPY, "reextract", str(both), "-O", str(out)], cwd=ROOT,
                          capture_output=True, text=True,
                          env={**__import__("os").environ, **NO_NETWORK}, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(i["id"] for i in items) == sorted(i["id"] for i in result.items)
    assert f"{len(golds)} items from {len(golds) + 3} archived articles" in proc.stderr


def test_a_replay_of_an_archive_with_a_torn_record_alarms(live, tmp_path) -> None:
    """A damaged record (bytes of its gzip member lost) is said by file and offset, the rest
    replayed, and the run is not healthy: its page was answered as not archived."""
    result, _ = live
    archive = tmp_path / "warc"
    shutil.copytree(result.data_dir / "warc", archive)
    victim = result.items[0]
    path, offset = archive / victim["warc"]["file"], victim["warc"]["offset"]
    data = bytearray(path.read_bytes())
    middle = offset + victim["warc"]["length"] // 2
    data[middle:middle + 64] = bytes(64)  # its gzip member damaged
    path.write_bytes(bytes(data))
    replay = run_crawl("belta", tmp_path / "replayed", None, env=NO_NETWORK,
                       settings={"WARC_REPLAY": str(archive),
                                 "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}})
    assert replay.returncode == 1, replay.log[-3000:]
    assert replay.stats.get("replay/bad_records") == 1
    assert f"{path.name}" in replay.log and f"offset {offset}" in replay.log
    assert "1 WARC record(s) of the archive replayed could not be read" in replay.log
    assert sorted(i["url"] for i in replay.items) == sorted(
        i["url"] for i in result.items if i is not victim)


def _renamed_archive(live, tmp_path, rename) -> str:
    """A copy of the live crawl's WARCs each renamed by ``rename``; a glob naming them."""
    result, _ = live
    archive = tmp_path / "warc"
    archive.mkdir()
    for path in warc_files(result.data_dir):
        shutil.copy(path, archive / rename(path.name))
    return str(archive / rename("*.warc.gz"))


def test_a_replay_of_open_files_named_gives_items_naming_their_closed_files(live,
                                                                           tmp_path) -> None:
    """``.open`` files (a killed crawl's, not yet repaired) named on their own are read as
    they are; their items name the files as repair closes them, valid items."""
    result, _ = live
    replay = run_crawl("belta", tmp_path / "replayed", None, env=NO_NETWORK,
                       settings={"WARC_REPLAY": _renamed_archive(live, tmp_path,
                                                                 lambda n: n + ".open"),
                                 "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}})
    assert replay.returncode == 0, replay.log[-3000:]
    assert {i["id"]: i["warc"] for i in replay.items} == {i["id"]: i["warc"]
                                                          for i in result.items}


def test_a_replay_of_warcs_named_in_capitals_gives_items_naming_them(live, tmp_path) -> None:
    """WARCs named in capitals (``CRAWL.WARC.GZ``, as other tools name them) are read, and
    their items name them: the schema refused such a name, and every item was dropped."""
    replay = run_crawl("belta", tmp_path / "replayed", None, env=NO_NETWORK,
                       settings={"WARC_REPLAY": _renamed_archive(live, tmp_path, str.upper),
                                 "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}})
    result, _ = live
    assert replay.returncode == 0, replay.log[-3000:]
    assert {i["id"]: i["warc"] for i in replay.items} == {
        i["id"]: {**i["warc"], "file": i["warc"]["file"].upper()} for i in result.items}


def test_a_replay_whose_items_fail_the_schema_alarms(live, tmp_path) -> None:
    """WARCs whose names hold a backslash: their items cannot name them as the schema asks
    (a file name, no path), each is dropped, and the run says so and exits 1, not 0 with
    no item."""
    replay = run_crawl("belta", tmp_path / "replayed", None, env=NO_NETWORK,
                       settings={"WARC_REPLAY": _renamed_archive(live, tmp_path,
                                                                 lambda n: "a\\" + n),
                                 "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}})
    result, _ = live
    assert replay.returncode == 1, replay.log[-3000:]
    assert not replay.items and replay.stats["items/invalid"] == len(result.items)
    assert f"{len(result.items)} item(s) failed the item schema and were dropped" in replay.log


def test_a_replay_whose_index_cannot_be_written_fails_with_one_error_and_a_report(
        live, tmp_path) -> None:
    """TMPDIR too full for the lookup's index (a real small tmpfs; needs root, else skipped):
    the exception while the engine was built ended the run in an asyncio traceback, with no
    run report. Now one error names the index and why, and the run is reported failed."""
    result, _ = live
    with tmpfs(tmp_path / "tmp", "256k") as small:
        fill(small, leave=16 * 1024)
        replay = run_crawl("belta", tmp_path / "replayed", None,
                           env={**NO_NETWORK, "TMPDIR": str(small)},
                           settings={"WARC_REPLAY": str(result.data_dir / "warc"),
                                     "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}})
    assert replay.returncode == 1, replay.log[-3000:]
    assert "Traceback" not in replay.log, replay.log[-3000:]
    [said] = [line for line in replay.log.splitlines() if "Cannot replay:" in line]
    assert f"index {small}/" in said and "disk is full" in said and "ERROR" in said
    [report] = (tmp_path / "replayed" / "reports").glob("*.json")
    verdict = json.loads(report.read_text("utf-8"))
    assert verdict["finish_reason"] == "replay_index_error" and verdict["healthy"] is False
    assert any("the replay's index of the archive could not be written" in a
               for a in verdict["alarms"])
    assert replay.items == []


PAGE_LIMIT = 32 * 1024 * 1024  # the project's DOWNLOAD_MAXSIZE


def _oversized_captures(site, golds, folder) -> None:
    """A WARC in ``folder`` holding, a minute from now (newer than any live capture), each of
    the first two articles' page grown past DOWNLOAD_MAXSIZE (within the sitemap bound the
    replay's lookup decodes to): stored plain, and sent gzip-encoded (5 MB stored, 40 MB
    decoded). Captures another tool made with no bound."""
    from datetime import UTC, datetime, timedelta

    from tests.support.warcs import gz, record

    when = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    pad = b"<!--" + b"x" * 40_000_000 + b"-->"
    records = []
    for gold, coding in zip(golds[:2], ("", "gzip"), strict=True):
        page = site.pages[gold.url.removeprefix(f"https://{belta.HOST}")].body
        body = page.replace(b"</body>", pad + b"</body>", 1)
        stored = gz(body) if coding else body
        head = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                + (f"Content-Encoding: {coding}\r\n" if coding else "")
                + f"Content-Length: {len(stored)}\r\n\r\n")
        url = gold.url.replace("https://", "http://", 1)  # as the crawl asked for it
        records.append(gz(record("response", url, head.encode() + stored, date=when)))
    folder.mkdir()
    (folder / "grown.warc.gz").write_bytes(b"".join(records))


def test_a_capture_past_the_page_bound_gives_way_to_an_older_one_that_fits(tmp_path) -> None:
    """A page's newest capture past DOWNLOAD_MAXSIZE (plain, or decoding past it) was
    served and refused by Scrapy as live, the article lost though an older capture fit:
    now the older one answers, and each passed over is counted and said (URL, size)."""
    site, golds = belta.build(count=3)
    data = tmp_path / "data"
    with FixtureServer([site]) as server:
        live = run_crawl("belta", data, server, settings=REFETCH_ALL)
    assert live.returncode == 0, live.log[-2000:]
    _oversized_captures(site, golds, tmp_path / "grown")
    replay = run_crawl("belta", tmp_path / "replay", None, env=NO_NETWORK, timeout=300,
                       settings={"WARC_REPLAY": f"{data / 'warc'},{tmp_path / 'grown'}",
                                 "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}})
    texts = {i["url"]: i["text"] for i in replay.items}
    assert {g.url: texts.get(g.url) for g in golds[:2]} == {g.url: g.text for g in golds[:2]}, \
        replay.log[-3000:]
    assert replay.stats.get("replay/over_maxsize") == 2
    for gold in golds[:2]:
        assert f"{gold.url.replace('https://', 'http://', 1)}: capture of " in replay.log
    assert f"over its download_maxsize {PAGE_LIMIT}" in replay.log
