"""WARC capture end to end: a real crawl archived, checked with warcio and replayed by pywb."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.sites import belta
from tests.support.crawl import run_crawl
from tests.support.pywb import have_tool, pywb_replay
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow
# Re-download known articles whatever their age: these tests are about the archive, not
# about incremental skipping.
REFETCH_ALL = {"REFETCH_MAX_AGE_DAYS": 100000}
HOST = belta.HOST
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
OLD_PATH = "/politics/view/staryj-adres-1-2026/"
MISSING_PATH = "/politics/view/net-takoj-2-2026/"
BINARY_PATH = "/politics/view/kartinka-3-2026/"


def capture_site():
    """БЕЛТА with a gzip page, a chunked page, a redirect, a 404 and a binary file in its feed."""
    site, golds = belta.build(count=6)
    paths = [g.url.removeprefix(f"https://{HOST}") for g in golds]
    site.pages[paths[0]].gzip = True
    site.pages[paths[1]].chunked = True
    site.pages[paths[2]].chunked = True
    site.pages[paths[2]].gzip = True
    site.pages[paths[4]].reason = "Fine Thanks"  # a server's own reason phrase
    site.add(OLD_PATH, Page(b"", status=301, headers=[("Location", paths[3])]))
    site.add(BINARY_PATH, Page(PNG, content_type="image/png"))
    rss = site.pages["/rss"].body.decode()
    extra = "".join(f"<item><title>x</title><link>https://{HOST}{p}</link></item>"
                    for p in (OLD_PATH, MISSING_PATH, BINARY_PATH))
    site.pages["/rss"].body = rss.replace("</channel>", extra + "</channel>").encode()
    return site, golds


def warc_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "warc").glob("*.warc.gz"))


def records(path: Path) -> list:
    """(type, WARC headers, HTTP headers or None, block/payload bytes exactly as stored)."""
    with path.open("rb") as fh:
        return [(r.rec_type, dict(r.rec_headers.headers), r.http_headers, r.raw_stream.read())
                for r in ArchiveIterator(fh)]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    site, golds = capture_site()
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("capture"), server)
        yield result, golds, server


def test_crawl_archives_every_exchange(crawl) -> None:
    result, golds, server = crawl
    assert result.returncode == 0, result.log[-2000:]
    files = warc_files(result.data_dir)
    assert files and not list((result.data_dir / "warc").glob("*.open"))
    recs = [r for f in files for r in records(f)]
    assert recs[0][0] == "warcinfo" and b"robots: obey" in recs[0][3]
    responses = {h["WARC-Target-URI"]: h for t, h, _, _ in recs if t == "response"}
    served_urls = {s.url for s in server.served}
    assert set(responses) == served_urls  # robots.txt, feed, articles, redirect, 404, binary
    requests = {h["WARC-Concurrent-To"] for t, h, _, _ in recs if t == "request"}
    assert {h["WARC-Record-ID"] for h in responses.values()} <= requests
    assert all("WARC-Payload-Digest" in h and "WARC-Block-Digest" in h for h in responses.values())
    assert all(h.get("WARC-IP-Address") == "127.0.0.1" for h in responses.values())
    # the status line as sent: protocol version and the server's own reason phrase
    lines = {h["WARC-Target-URI"]: http.statusline for t, h, http, _ in recs if t == "response"}
    assert lines[golds[4].url.replace("https://", "http://")] == "200 Fine Thanks"
    assert lines[f"http://{HOST}{MISSING_PATH}"] == "404 Not Found"
    assert {http.protocol for t, _, http, _ in recs if t == "response"} == {"HTTP/1.1"}
    # the 404 and the binary page were archived but gave no item
    assert len(result.items) == len(golds)
    assert result.stats.get("extraction/failed/not_html") == 1


def test_warcio_check_accepts_the_files(crawl) -> None:
    result, _, _ = crawl
    warcio = Path(sys.executable).with_name("warcio")
    proc = subprocess.run([str(warcio), "check", *map(str, warc_files(result.data_dir))],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_chunked_and_gzip_bodies_are_stored_as_sent(crawl) -> None:
    result, golds, server = crawl
    recs = [r for f in warc_files(result.data_dir) for r in records(f)]
    for gold, encoded in ((golds[0], True), (golds[1], False), (golds[2], True)):
        http_url = gold.url.replace("https://", "http://")
        rec = next(r for r in recs if r[0] == "response" and r[1]["WARC-Target-URI"] == http_url)
        http_headers, body = rec[2], rec[3]
        assert http_headers.get_header("Transfer-Encoding") is None
        assert http_headers.get_header("Content-Length") == str(len(body))
        assert body.startswith(b"\x1f\x8b") is encoded
        sent = next(s for s in server.served if s.url == http_url)
        assert hashlib.sha256(body).hexdigest() == sent.payload_sha256


def test_items_point_at_their_response_records(crawl) -> None:
    result, _, _ = crawl
    for item in result.items:
        ref = item["warc"]
        path = result.data_dir / "warc" / ref["file"]
        with path.open("rb") as fh:
            fh.seek(ref["offset"])
            member = fh.read(ref["length"])
        record = next(iter(ArchiveIterator(__import__("io").BytesIO(member))))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Record-ID") == ref["record_id"]
        target = record.rec_headers.get_header("WARC-Target-URI")
        assert target == item["url"].replace("https://", "http://")


@pytest.mark.skipif(not have_tool("wayback"), reason="pywb is not installed in .venv-tools")
def test_pywb_replays_exactly_what_the_server_sent(crawl) -> None:
    result, _, server = crawl
    with pywb_replay(warc_files(result.data_dir)) as fetch:
        for sent in server.served:
            status, headers, body = fetch(f"/test/2030id_/{sent.url}")
            assert status == sent.status, sent.url
            assert hashlib.sha256(body).hexdigest() == sent.payload_sha256, sent.url


def test_rotation_keeps_every_file_valid(tmp_path: Path) -> None:
    site, golds = belta.build(count=8)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server, settings={"WARC_MAX_SIZE": 6000})
    assert result.returncode == 0
    files = warc_files(tmp_path)
    assert len(files) >= 3
    uris = []
    for path in files:
        recs = records(path)
        assert recs[0][0] == "warcinfo"
        uris += [h["WARC-Target-URI"] for t, h, _, _ in recs if t == "response"]
    assert len(uris) == len(set(uris)) == len(server.served)
    assert len(result.items) == len(golds)


def test_second_crawl_writes_revisits_for_unchanged_pages(tmp_path: Path) -> None:
    site, golds = belta.build(count=5)
    with FixtureServer([site]) as server:
        first = run_crawl("belta", tmp_path, server, settings=REFETCH_ALL)
        first_files = set(warc_files(tmp_path))
        changed = golds[0].url.removeprefix(f"https://{HOST}")
        site.pages[changed].body = site.pages[changed].body.replace(
            b"<p>", "<p>Обновлено. ".encode(), 1)
        second = run_crawl("belta", tmp_path, server, settings=REFETCH_ALL)
    assert first.returncode == second.returncode == 0
    new_files = set(warc_files(tmp_path)) - first_files
    recs = [r for f in sorted(new_files) for r in records(f)]
    kinds = {h["WARC-Target-URI"]: (t, h) for t, h, _, _ in recs if t in ("response", "revisit")}
    changed_url = f"http://{HOST}{changed}"
    assert kinds[changed_url][0] == "response"
    unchanged = [u for u in kinds if u != changed_url]
    assert len(unchanged) == len(golds) + 1  # the other articles, robots.txt and the feed
    for url in unchanged:
        kind, headers = kinds[url]
        assert kind == "revisit", url
        assert headers["WARC-Profile"].endswith("/revisit/identical-payload-digest")
        assert headers["WARC-Refers-To-Target-URI"] == url
        assert "WARC-Refers-To-Date" in headers
    with pywb_replay(sorted(set(warc_files(tmp_path)))) as fetch:
        status, _, body = fetch(f"/test/2030id_/{unchanged[0]}")
        assert status == 200 and body  # the revisit resolves to the first crawl's payload


def test_sigkill_mid_crawl_then_restart_repairs_open_files(tmp_path: Path) -> None:
    import signal
    import time

    from tests.support.crawl import start_crawl

    site, golds = belta.build(count=30)
    for gold in golds:
        site.pages[gold.url.removeprefix(f"https://{HOST}")].delay = 0.15
    with FixtureServer([site]) as server:
        proc = start_crawl("belta", tmp_path, server)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            opened = list((tmp_path / "warc").glob("*.open"))
            if opened and opened[0].stat().st_size > 20000:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert opened and opened[0].exists(), "the crawl was not caught mid-write"
        # what the killed run exported stays in the state store, and the next run (writing
        # the same -O file) does not emit it again: keep it to count the two runs together
        killed_feed = tmp_path / "items-belta.jsonl"
        lines = killed_feed.read_text("utf-8").split("\n") if killed_feed.exists() else [""]
        before = [json.loads(line) for line in lines[:-1]]  # a line cut by the kill has no \n
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == 0
    assert "Repaired WARC file left open" in result.log
    assert not list((tmp_path / "warc").glob("*.open"))
    warcio = Path(sys.executable).with_name("warcio")
    proc = subprocess.run([str(warcio), "check", *map(str, warc_files(tmp_path))],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    # nothing lost: the two runs together hold every article. Delivery is at least once: the
    # state store advances just after an item is durably in the feed (item_exported), so a
    # kill between the two emits that item again. Only the killed run's last item can be it.
    urls = [i["url"] for i in before + result.items]
    assert sorted(set(urls)) == sorted(g.url for g in golds)
    repeated = {u for u in urls if urls.count(u) > 1}
    assert repeated <= ({before[-1]["url"]} if before else set()), repeated


def test_archive_that_cannot_be_written_stops_the_crawl_cleanly(tmp_path: Path) -> None:
    """A full disk (RLIMIT_FSIZE makes writes past a size fail with EFBIG, as ENOSPC would):
    the crawl stops with a clear error and every record already written stays valid."""
    import resource

    from tests.support.crawl import ROOT, crawl_command

    site, golds = belta.build(count=40)
    limit = 60_000

    def cap_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with FixtureServer([site]) as server:
        cmd, env, _ = crawl_command("belta", tmp_path, server,
                                    settings={"CONCURRENT_REQUESTS_PER_DOMAIN": 1})
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120, preexec_fn=cap_file_size)
    assert "Cannot write WARC files" in proc.stderr and "stopping the crawl" in proc.stderr
    report = json.loads(sorted((tmp_path / "reports").glob("*.json"))[-1].read_text())
    assert report["stats"]["finish_reason"] == "warc_write_error"
    assert report["stats"]["warc/write_errors"] == 1
    assert proc.returncode != 0
    files = sorted((tmp_path / "warc").glob("*.warc.gz*"))
    assert files and all(f.stat().st_size <= limit for f in files)
    verify = subprocess.run([sys.executable, "-m", "archive", "verify", *map(str, files)],
                            cwd=ROOT, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert sum(1 for f in files for r in records(f) if r[0] == "response") >= 3
