"""The on-disk ArchiveLookup orders captures exactly as the dict index it replaced: the same
spellings and tiers, the same captures and, for every request, the same candidates in the
same order (ties on time: the later record in input order), with or without ``at``.

The oracle below is the dict index's code (archive/reader.py before the SQLite index), kept
to compare against on an archive full of ties: many spellings of one page, captures in one
microsecond, in several files, GETs, HEADs and POSTs, revisits."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.methods import capture_method
from archive.reader import ArchiveLookup, _consistent, _payload_elsewhere, _ts, _web_scheme
from archive.records import iter_records
from archive.urls import normalize_url, strip_brackets, surt

START = 1_767_225_600
SPELLINGS = [
    "http://e.com/a", "https://e.com/a", "http://www.e.com/a", "http://E.com/a",
    "http://e.com/a/", "http://e.com:80/a", "http://e.com/%61", "ftp://e.com/a",
    "http://e.com/a?x=1&y=2", "http://e.com/a?y=2&x=1", "https://www.e.com/a?x=1&y=2",
    "http://e.com/b", "https://e.com/B", "http://e.com/b/",
]
METHODS = ["GET", "GET", "GET", "HEAD", "POST"]


class DictOracle:
    """The dict index: url -> captures in input order, SURT key -> spellings."""

    def __init__(self, paths: list[Path]) -> None:
        self.by_url: dict[str, list[tuple]] = {}
        self.by_key: dict[str, list[str]] = {}
        for idx, path in enumerate(paths):
            for info in _consistent(path, iter_records(path, None), None):
                rec = info.record
                if rec.rec_type not in ("response", "revisit", "resource"):
                    continue
                url = rec.target_uri
                caps = self.by_url.get(url)
                if caps is None:
                    caps = self.by_url[url] = []
                    self.by_key.setdefault(surt(url), []).append(url)
                caps.append((_ts(rec.date), idx, info.offset, _payload_elsewhere(rec),
                             capture_method(info)[1]))

    def tiers(self, url: str) -> list[list[str]]:
        url = strip_brackets(url)
        same_key = self.by_key.get(surt(url), [])
        norm = normalize_url(url)
        equal = [u for u in same_key if u != url and normalize_url(u) == norm]
        web = _web_scheme(url)
        farther = [u for u in same_key if u != url and u not in equal and _web_scheme(u) == web]
        return [tier for tier in ([url] if url in self.by_url else [], equal, farther) if tier]

    def captures(self, url: str) -> list[tuple]:
        tiers = self.tiers(url)
        return [cap for u in (tiers[0] if tiers else []) for cap in self.by_url[u]]

    def candidates(self, spellings: list[str], at: datetime | None, method: str) -> list:
        caps = [(cap, u) for u in spellings for cap in self.by_url[u] if cap[4] == method]
        if at is None:
            def rank(i: int) -> tuple[int, int, int]:
                return -caps[i][0][0], 0, -i
        else:
            point = _ts(at)

            def rank(i: int) -> tuple[int, int, int, int]:  # whole seconds first, as pywb
                ts = caps[i][0][0]
                return abs(ts // 1_000_000 - point // 1_000_000), ts > point, abs(ts - point), -i
        return [caps[i] for i in sorted(range(len(caps)), key=rank)]


def _record(rid: str, kind: str, url: str, when: int, block: bytes, extra: str = "") -> bytes:
    secs, micro = divmod(when, 1_000_000)
    date = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{micro:06d}Z"
    head = (f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Date: {date}\r\nWARC-Target-URI: {url}\r\n{extra}"
            f"Content-Type: application/http; msgtype={kind}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def _capture(n: int, url: str, when: int, method: str, revisit: bool) -> bytes:
    rid = f"ord-{n}"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>%d</p>" % n
    if revisit:
        out = _record(rid, "revisit", url, when, http.split(b"\r\n\r\n")[0] + b"\r\n\r\n",
                      "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/"
                      "identical-payload-digest\r\n")
    else:
        out = _record(rid, "response", url, when, http)
    body = b"q=1" if method == "POST" else b""
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    req = (f"{method} {path} HTTP/1.1\r\nHost: e.com\r\n"
           + ("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n"
              if body else "") + "\r\n").encode() + body
    return out + _record(f"req-{n}", "request", url, when, req,
                         f"WARC-Concurrent-To: <urn:uuid:{rid}>\r\n")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> list[Path]:
    rnd = random.Random(7)
    folder = tmp_path_factory.mktemp("order")
    paths = []
    n = 0
    for f in range(3):
        path = folder / f"order-{f}.warc"
        with open(path, "wb") as fh:
            for _ in range(150):
                n += 1
                when = (START + rnd.choice([0, 0, 1, 2, 3600])) * 1_000_000 + rnd.choice([0, 5])
                fh.write(_capture(n, rnd.choice(SPELLINGS), when, rnd.choice(METHODS),
                                  rnd.random() < 0.2))
        paths.append(path)
    return paths


QUERIES = [*SPELLINGS, "<http://e.com/a>", "https://E.COM/a/", "http://e.com/c", "ftp://e.com/b"]
TIMES = [None, *(datetime.fromtimestamp(START + d, UTC) for d in (-5, 0, 1, 2, 1800, 9999)),
         datetime.fromtimestamp(START + 1, UTC).replace(microsecond=3)]


def test_the_disk_index_orders_every_query_as_the_dict_index_did(archive):
    oracle = DictOracle(archive)
    methods = {cap[4] for caps in oracle.by_url.values() for cap in caps}
    assert len(methods) == 3  # GET (""), HEAD and a POST body
    with ArchiveLookup(archive) as lookup:
        assert len(lookup) == 450
        assert lookup.urls() == list(oracle.by_url)
        compared = 0
        for url in QUERIES:
            tiers = oracle.tiers(url)
            assert lookup._tiers(url) == tiers, url
            assert lookup.captures(url) == oracle.captures(url), url
            for tier in tiers:
                for at in TIMES:
                    for method in methods:
                        want = oracle.candidates(tier, at, method)
                        assert list(lookup._candidates(tier, at, method)) == want, (tier, at)
                        compared += len(want)
        for url in QUERIES:
            for at in TIMES:
                want = next((c[0] for t in oracle.tiers(url) for c in
                             oracle.candidates(t, at, "")[:1]), None)
                assert lookup.latest(url, at) == want
    assert compared > 5000
