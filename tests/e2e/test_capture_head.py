"""The WARC keeps each response head as the server sent it, not as Twisted and Scrapy re-made it.

Twisted regroups repeated header names, re-cases names ("ETag" → "Etag") and keeps the
connection headers (Connection, Keep-Alive, Transfer-Encoding) out of the response Scrapy
sees; a status line without a reason phrase was archived with the standard one. Raw-socket
routes send each of those; the archived status line and header list must be the server's,
changed only as the archive documents (chunked framing removed, Content-Length set to the
stored length).
"""

from __future__ import annotations

import pytest

from tests.sites import faulty_belta as site
from tests.support import faults
from tests.support.crawl import run_crawl
from tests.support.faults import FaultServer
from tests.support.warcs import archived_records

pytestmark = pytest.mark.slow

NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}


def raw_route(head: bytes, body: bytes, chunked: bool = False) -> faults.Route:
    """``head`` (status line and header lines, CRLF-ended) then ``body``, verbatim."""
    def route(ex: faults.Exchange) -> None:
        ex.send(head + b"\r\n" + (b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if chunked
                                  else body))
    return route


GOLDS = {slug: site.gold_for(slug, 700 + n) for n, slug in enumerate(
    ("mixed-700001", "no-phrase-700002", "chunked-700003"))}
BODIES = {slug: site.html_for(g).encode() for slug, g in GOLDS.items()}
MIXED = [(b"set-cookie", b"a=1"), (b"Content-Type", b"text/html; charset=utf-8"),
         (b"X-Powered-By", "Сервер".encode()), (b"Set-Cookie", b"b=2"), (b"ETag", b'"v1"'),
         (b"Connection", b"keep-alive"), (b"Keep-Alive", b"timeout=5"),
         (b"X-XSS-Protection", b"0"), (b"Content-Length", b"%d" % len(BODIES["mixed-700001"]))]
# slug → (head sent, status line archived, header fields archived)
CASES = {
    "mixed-700001": (b"HTTP/1.1 200 Fine\r\n" + b"".join(b"%s: %s\r\n" % f for f in MIXED),
                     "HTTP/1.1 200 Fine", MIXED),
    "no-phrase-700002": (
        b"HTTP/1.1 200\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n"
        % len(BODIES["no-phrase-700002"]), "HTTP/1.1 200",
        [(b"Content-Type", b"text/html; charset=utf-8"),
         (b"Content-Length", b"%d" % len(BODIES["no-phrase-700002"]))]),
    # after a 103 Early Hints, which Twisted skips: its Link header is not the 200's
    "chunked-700003": (
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n"
        b"Transfer-Encoding: chunked\r\nVary: Accept-Encoding\r\n", "HTTP/1.1 200 OK",
        [(b"content-type", b"text/html; charset=utf-8"), (b"Vary", b"Accept-Encoding"),
         (b"Content-Length", b"%d" % len(BODIES["chunked-700003"]))]),
}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory):
    cases = [site.Case(slug, slug, raw_route(CASES[slug][0], BODIES[slug],
                                             chunked=slug.startswith("chunked")), gold)
             for slug, gold in GOLDS.items()]
    routes = {c.path: c.route for c in cases if c.route is not None}
    routes["/robots.txt"] = faults.respond(b"User-agent: *\n", content_type="text/plain")
    routes["/rss"] = faults.respond(site.feed(cases), content_type="application/rss+xml")
    data = tmp_path_factory.mktemp("head")
    with FaultServer(site.HOST, routes) as server:
        result = run_crawl("belta", data, server, settings={"RETRY_TIMES": 0}, timeout=120)
    return result


def archived_heads(result) -> dict[str, bytes]:
    """The HTTP head of every response record, byte for byte as stored (read with warcio)."""
    heads = {}
    for rec in archived_records(result.data_dir / "warc", no_record_parse=True):
        if rec.rec_type == "response":
            head = rec.raw_stream.read().split(b"\r\n\r\n", 1)[0]
            heads[rec.rec_headers.get_header("WARC-Target-URI")] = head
    return heads


def by_url(items: list[dict]) -> list[dict]:
    """Items in URL order: a crawl emits them as pages complete, which load reorders."""
    return sorted(items, key=lambda item: item["url"])


def test_each_head_is_archived_as_sent(crawl) -> None:
    assert crawl.stats["finish_reason"] == "finished", crawl.log[-3000:]
    heads = archived_heads(crawl)
    for slug, (_, status_line, fields) in CASES.items():
        url = f"http://{site.HOST}/politics/view/{slug}-2026/"
        assert heads[url] == b"\r\n".join([status_line.encode(),
                                           *(b"%s: %s" % f for f in fields)]), slug


def test_the_articles_still_come_through_and_replay_alike(crawl, tmp_path) -> None:
    assert sorted(i["url"] for i in crawl.items) == sorted(g.url for g in GOLDS.values())
    replay = run_crawl("belta", tmp_path, None, env=NO_NETWORK, settings={
        "WARC_REPLAY": str(crawl.data_dir / "warc"),
        "OUTLET_BASE_URLS": {site.HOST: f"http://{site.HOST}"}})
    assert replay.returncode == 0, replay.log[-3000:]
    assert by_url(replay.items) == by_url(crawl.items)
