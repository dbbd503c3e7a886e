"""Downloads that fail after the response head arrived are archived, marked WARC-Truncated.

The connection lost mid-body (a short Content-Length body, a reset, broken chunking), a
server that stops sending (DOWNLOAD_TIMEOUT), a body over DOWNLOAD_MAXSIZE: the crawl counts
each as the failure it is, and the archive keeps what the server did send (status line,
headers, the bytes that arrived) with the reason, as the WARC 1.1 spec asks, instead of no
trace at all. Replay and re-extraction never serve such a record as the page.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.sites import faulty_belta as site
from tests.support import faults
from tests.support.crawl import ROOT, run_crawl
from tests.support.faults import FaultServer

pytestmark = pytest.mark.slow

SETTINGS = {"DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 0, "DOWNLOAD_MAXSIZE": 1 << 20,
            "REFETCH_MAX_AGE_DAYS": 100000, "EXTRACTION_WORKERS": 1}  # as a real run extracts
NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
OVERSIZE = 4 << 20


def page(slug: str, seed: int) -> bytes:
    return site.html_for(site.gold_for(slug, seed)).encode()


# slug → (route, WARC-Truncated, the payload that arrived, X-Archive-Orig-Content-Length)
BODY = page("x", 600)
CASES = {
    "length-long-600001": (faults.length_longer_than_body(BODY), "disconnect", BODY,
                           str(len(BODY) + 5000)),
    "reset-600002": (faults.reset_mid_body(BODY), "disconnect", BODY[: len(BODY) // 2],
                     str(len(BODY))),
    "bad-chunks-600003": (faults.broken_chunking(BODY), "disconnect", BODY[: len(BODY) // 2],
                          None),
    "stalls-600004": (faults.stall_after_headers(), "time", b"<html><head>", "20000"),
    "oversize-600005": (faults.endless_page(OVERSIZE), "length", b"", str(OVERSIZE)),
    "oversize-chunked-600006": (faults.endless_page(OVERSIZE, chunked=True), "length", b"",
                                None),
}
GOOD = site.gold_for("good-600007", 601)


def routes(second_run: bool = False) -> tuple[dict[str, faults.Route], list[site.Case]]:
    cases = [site.Case(slug, slug, route) for slug, (route, *_) in CASES.items()]
    # the good article is cut off when fetched again: its whole first capture must stay the
    # one replay and re-extraction read
    good = faults.respond(site.html_for(GOOD).encode())
    cases.append(site.Case("good-600007", "good", faults.length_longer_than_body(
        site.html_for(GOOD).encode()) if second_run else good, GOOD))
    table = {c.path: c.route for c in cases if c.route is not None}
    table["/robots.txt"] = faults.respond(b"User-agent: *\n", content_type="text/plain")
    table["/rss"] = faults.respond(site.feed(cases), content_type="application/rss+xml")
    return table, cases


def responses(warc_dir: Path) -> list:
    """(WARC headers, HTTP headers, payload as stored) of every response, and request ids."""
    out = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type in ("response", "request"):
                    out.append((rec.rec_type, rec.rec_headers, rec.http_headers,
                                rec.raw_stream.read()))
    return out


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("truncated")
    table, _ = routes()
    with FaultServer(site.HOST, table) as server:
        first = run_crawl("belta", data, server, settings=SETTINGS, timeout=120)
        server.routes.update(routes(second_run=True)[0])
        second = run_crawl("belta", data, server, settings=SETTINGS, timeout=120)
    return data, first, second


def test_failed_downloads_are_still_failures(crawls) -> None:
    _, first, _ = crawls
    assert first.stats["finish_reason"] == "finished", first.log[-3000:]
    assert [i["url"] for i in first.items] == [GOOD.url]
    assert first.stats.get("articles/failed/data_loss") == 3
    assert first.stats.get("articles/failed/timeout") == 1
    assert first.stats.get("articles/failed/maxsize") == 2
    assert first.stats.get("warc/truncated/disconnect") == 3
    assert first.stats.get("warc/truncated/time") == 1
    assert first.stats.get("warc/truncated/length") == 2


def test_what_arrived_is_archived_with_its_truncation_reason(crawls) -> None:
    data, first, _ = crawls
    recs = responses(data / "warc")
    request_for = {r[1].get_header("WARC-Concurrent-To") for r in recs if r[0] == "request"}
    for slug, (_, reason, payload, declared) in CASES.items():
        url = f"http://{site.HOST}/politics/view/{slug}-2026/"
        found = [r for r in recs if r[0] == "response"
                 and r[1].get_header("WARC-Target-URI") == url]
        assert len(found) == 2, slug  # once per run
        for _, warc, http, stored in found:
            assert warc.get_header("WARC-Truncated") == reason, slug
            assert http.get_statuscode() == "200", slug
            assert stored == payload, slug  # byte for byte what the server sent
            assert http.get_header("Content-Length", "0") == str(len(payload)), slug
            assert http.get_header("X-Archive-Orig-Content-Length") == declared, slug
            assert http.get_header("Content-Type") == "text/html; charset=utf-8", slug
            assert warc.get_header("WARC-Record-ID") in request_for, slug
    good = [r for r in recs if r[0] == "response"
            and r[1].get_header("WARC-Target-URI") == GOOD.url.replace("https:", "http:")]
    assert [r[1].get_header("WARC-Truncated") for r in good] == [None, "disconnect"]
    assert first.items[0]["warc"]["record_id"] == good[0][1].get_header("WARC-Record-ID")


def test_warcio_and_verify_accept_the_files(crawls) -> None:
    data, _, _ = crawls
    files = sorted(map(str, (data / "warc").glob("*.warc.gz")))
    warcio = Path(sys.executable).with_name("warcio")
    check = subprocess.run([str(warcio), "check", *files], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    verify = subprocess.run([sys.executable, "-m", "archive", "verify", *files], cwd=ROOT,
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_replay_never_serves_a_truncated_capture(crawls, tmp_path: Path) -> None:
    data, first, _ = crawls
    replay = run_crawl("belta", tmp_path, None, env=NO_NETWORK, settings={
        "WARC_REPLAY": str(data / "warc"), "OUTLET_BASE_URLS": {site.HOST: f"http://{site.HOST}"}})
    assert replay.returncode in (0, 1), replay.log[-3000:]
    assert replay.items == first.items  # the good article from its whole first capture
    assert replay.stats.get("replay/missing") == len(CASES)
    # each truncated capture is said, as none of the archive's damage (there is none)
    truncated = 0
    for path in (data / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            truncated += sum(bool(r.rec_headers.get_header("WARC-Truncated"))
                             for r in ArchiveIterator(fh) if r.rec_type == "response")
    assert truncated >= len(CASES)
    assert replay.stats.get("replay/unserved_records") == truncated, replay.stats
    assert "replay/bad_records" not in replay.stats
    assert replay.log.count("is WARC-Truncated (") == truncated


# With DOWNLOAD_FAIL_ON_DATALOSS=False Scrapy delivers a body cut short, flagged "dataloss".
# Whatever the HTML looks like (whole, a document that never opened <html>/<body>, half a
# page), the record is WARC-Truncated and offline reading skips it: no item may come of it.
def tagless(slug: str, seed: int) -> bytes:
    """An article page without the optional <html> and <body> tags (HTML5 allows it)."""
    text = site.html_for(site.gold_for(slug, seed))
    return text.replace('<html lang="ru">', "").replace("<body>", "").encode()


LENIENT_CASES = {
    "whole-looking-600011": faults.length_longer_than_body(page("whole-looking-600011", 611)),
    "tagless-reset-600012": faults.reset_mid_body(tagless("tagless-reset-600012", 612)),
    "bad-chunks-600013": faults.broken_chunking(page("bad-chunks-600013", 613)),
}
LENIENT_GOOD = site.gold_for("good-600017", 617)


@pytest.fixture(scope="module")
def lenient(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("dataloss")
    cases = [site.Case(slug, slug, route) for slug, route in LENIENT_CASES.items()]
    cases.append(site.Case("good-600017", "good", faults.respond(
        site.html_for(LENIENT_GOOD).encode()), LENIENT_GOOD))
    table = {c.path: c.route for c in cases}
    table["/robots.txt"] = faults.respond(b"User-agent: *\n", content_type="text/plain")
    table["/rss"] = faults.respond(site.feed(cases), content_type="application/rss+xml")
    with FaultServer(site.HOST, table) as server:
        run = run_crawl("belta", data, server, timeout=120,
                        settings={**SETTINGS, "DOWNLOAD_FAIL_ON_DATALOSS": False})
    return data, run


def test_a_body_cut_short_gives_no_item_when_dataloss_is_allowed(lenient) -> None:
    data, run = lenient
    assert run.stats["finish_reason"] == "finished", run.log[-3000:]
    assert [i["url"] for i in run.items] == [LENIENT_GOOD.url]
    assert run.stats.get("warc/truncated/disconnect") == len(LENIENT_CASES)
    assert run.stats.get("extraction/failed/truncated_body") == len(LENIENT_CASES)
    assert "extraction/failed/truncated_html" not in run.stats
    for slug in LENIENT_CASES:
        url = f"http://{site.HOST}/politics/view/{slug}-2026/"
        assert f"no article from {url}: truncated_body: " in run.log, slug
    assert "cut short in transit (WARC-Truncated: disconnect)" in run.log


def test_live_and_reextract_agree_on_a_body_cut_short(lenient, tmp_path: Path) -> None:
    import json

    data, run = lenient
    out = tmp_path / "again.jsonl"
    proc = subprocess.run([sys.executable, "-m", "scrapy", "reextract", str(data / "warc"),
                           "-O", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]  # no damage: the crawl's own cut captures
    assert f"captures not served (truncated, or no original): {len(LENIENT_CASES)};" \
        in proc.stderr, proc.stderr
    assert proc.stderr.count("note: not read: ") == len(LENIENT_CASES), proc.stderr
    again = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [i["id"] for i in again] == [i["id"] for i in run.items]
