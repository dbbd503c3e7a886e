"""Which archived spelling of a URL answers a request: pywb's SURT key is the reference, the
closest spelling wins, and a capture that redirects to the URL asked for is stepped over."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from archive.reader import ArchiveLookup
from archive.writer import WarcWriter

from .conftest import make_exchange

T1 = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
T2 = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
ASKED = "https://www.belta.by/news/%D0%B0/?b=2&a=1"


def _lookup(tmp_path, *captures: tuple[str, bytes, datetime]) -> ArchiveLookup:
    with WarcWriter(tmp_path) as w:
        for url, body, date in captures:
            w.write_exchange(make_exchange(url, body, date=date))
    return ArchiveLookup(tmp_path)


@pytest.mark.parametrize("archived", [
    "http://www.belta.by/news/%D0%B0/?b=2&a=1",  # the tool fetched it over http
    "https://belta.by/news/%D0%B0/?b=2&a=1",  # the bare host
    "https://www.belta.by:443/news/%D0%B0/?b=2&a=1",  # the default port spelt out
    "http://www.belta.by:80/news/%D0%B0/?b=2&a=1",
    "https://www.belta.by/news/%D0%B0?b=2&a=1",  # no trailing slash
    "https://www.belta.by/news/%d0%b0/?b=2&a=1",  # escapes in lower case
    "https://www.belta.by/news/а/?b=2&a=1",  # raw Cyrillic
    "https://www.belta.by/news/%D0%B0/?a=1&b=2",  # the query in another order
    "<https://WWW.Belta.BY/news/%D0%B0/?b=2&a=1>",  # wget's brackets, host case
    "https://www.belta.by/NEWS/%D0%B0/?b=2&a=1",  # path case: pywb lower-cases the key
])
def test_a_spelling_pywb_takes_for_the_url_answers_it(tmp_path, archived) -> None:
    lookup = _lookup(tmp_path, (archived, b"<html>the page</html>", T1))
    found = lookup.get(ASKED)
    assert found is not None and found.payload == b"<html>the page</html>"
    assert lookup.get(ASKED + "#comments") is not None  # a fragment is never sent


@pytest.mark.parametrize("archived", [
    "https://www.belta.by/news/%D0%B1/?b=2&a=1",  # another path
    "https://www.belta.by/news/%D0%B0/?b=2&a=2",  # another query value
    "https://www.belta.by/news/%D0%B0/?b=2",  # a parameter less
    "https://www.belta.by:8443/news/%D0%B0/?b=2&a=1",  # another port
    "https://news.belta.by/news/%D0%B0/?b=2&a=1",  # another host
    "htqp://www.belta.by/news/%D0%B0/?b=2&a=1",  # another scheme (a flipped bit: the fuzz test)
    "ftp://www.belta.by/news/%D0%B0/?b=2&a=1",
])
def test_another_url_never_answers(tmp_path, archived) -> None:
    assert _lookup(tmp_path, (archived, b"<html>another page</html>", T1)).get(ASKED) is None


def test_the_closest_spelling_wins_over_a_newer_farther_one(tmp_path) -> None:
    lookup = _lookup(tmp_path, ("https://www.belta.by/a/", b"exact", T1),
                     ("http://belta.by/a", b"pywb's key only", T2))
    assert lookup.get("https://www.belta.by/a/").payload == b"exact"
    assert lookup.get("https://belta.by/a").payload == b"pywb's key only"
    # neither is exact for this one: both answer, the newest first
    assert lookup.get("http://www.belta.by/a/").payload == b"pywb's key only"


def test_a_capture_redirecting_to_the_url_asked_for_is_stepped_over(tmp_path) -> None:
    """wget once fetched http://www.belta.by/rss (200); a later run got the 301 to https and
    no https capture. Asked for https, the redirect would send the spider back to itself."""
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange("http://www.belta.by/rss", b"<rss/>", date=T1))
        w.write_exchange(make_exchange("http://www.belta.by/rss", b"", status=301, date=T2,
                                       headers=[("Location", "https://www.belta.by/rss")]))
    lookup = ArchiveLookup(tmp_path)
    assert lookup.get("https://www.belta.by/rss").payload == b"<rss/>"
    assert lookup.get("http://www.belta.by/rss").status == 301  # elsewhere it is the answer


def _hourly_feed(path, hours: int) -> None:
    """A feed captured every hour (warcio, one small record each)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for i in range(hours):
            body = f"<rss>{i}</rss>".encode()
            when = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=i)
            w.write_record(w.create_warc_record(
                "https://www.belta.by/rss", "response", payload=io.BytesIO(body),
                length=len(body), warc_headers_dict={"WARC-Date": f"{when:%Y-%m-%dT%H:%M:%SZ}"},
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/xml")],
                                              protocol="HTTP/1.1")))


def test_a_feed_captured_hourly_for_a_year_answers_the_nearest_capture_fast(tmp_path) -> None:
    _hourly_feed(tmp_path / "feed.warc.gz", 24 * 365)
    lookup = ArchiveLookup(tmp_path)
    assert len(lookup) == 24 * 365
    started = time.perf_counter()
    cases = [(None, 24 * 365 - 1),  # the latest
             (datetime(2025, 6, 1, 12, 29, tzinfo=UTC), 3636),  # 12:00 is nearer than 13:00
             (datetime(2025, 6, 1, 12, 31, tzinfo=UTC), 3637),
             (datetime(2025, 6, 1, 12, 30, tzinfo=UTC), 3636),  # a tie: the earlier
             (datetime(2024, 1, 1, tzinfo=UTC), 0), (datetime(2030, 1, 1, tzinfo=UTC), 8759)]
    for at, hour in cases:
        assert lookup.get("https://www.belta.by/rss", at=at).payload == f"<rss>{hour}</rss>".encode()
    assert time.perf_counter() - started < 2  # one pass over the captures per request


def test_an_unreadable_nearest_capture_gives_the_next_nearest(tmp_path) -> None:
    _hourly_feed(tmp_path / "feed.warc.gz", 48)
    lookup = ArchiveLookup(tmp_path)
    at = datetime(2025, 1, 1, 10, 10, tzinfo=UTC)
    offset = lookup.latest("https://www.belta.by/rss", at)[2]
    data = bytearray((tmp_path / "feed.warc.gz").read_bytes())
    data[offset + 20:offset + 40] = b"\0" * 20  # the 10:00 capture's gzip member broken
    (tmp_path / "feed.warc.gz").write_bytes(bytes(data))
    errors: list = []
    found = ArchiveLookup(tmp_path, on_error=errors.append).get("https://www.belta.by/rss", at)
    assert found.payload == b"<rss>11</rss>" and errors


def test_a_farther_spelling_answers_when_every_closer_capture_is_stepped_over(tmp_path) -> None:
    """The server redirected the lower-case escapes to its own spelling; asked for the lower
    case, the exact spelling's only capture loops back to the URL asked for, so the equal
    spelling the redirect names answers, as it would live."""
    asked = "https://www.belta.by/news/%d0%b0"
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(asked, b"", status=301, date=T1, headers=[
            ("Location", "https://www.belta.by/news/%D0%B0")]))
        w.write_exchange(make_exchange("https://www.belta.by/news/%D0%B0", b"<p>page</p>",
                                       date=T1))
        w.write_exchange(make_exchange("http://belta.by/rss", b"<rss/>", date=T1))
        w.write_exchange(make_exchange("https://www.belta.by/rss", b"", status=301, date=T2,
                                       headers=[("Location", "https://WWW.belta.by:443/rss")]))
    lookup = ArchiveLookup(tmp_path)
    assert lookup.get(asked).payload == b"<p>page</p>"
    assert lookup.get("https://www.belta.by/rss").payload == b"<rss/>"  # pywb's key only


def test_a_hosts_urls_are_listed_by_capture_time_whatever_the_file_order(tmp_path) -> None:
    """A host's URLs under any spelling pywb joins, not another port's or subdomain's, by
    the time of their newest capture: the same list whichever file is read first."""
    earlier = datetime(2025, 12, 31, 10, 0, tzinfo=UTC)
    captures = {"old": [("http://www.belta.by/b/", earlier), ("https://news.belta.by/x", T1),
                        ("http://belta.by:8080/y", T1), ("http://other.by/z", T1)],
                "new": [("https://belta.by/a", T2), ("http://www.belta.by/c?q=1", T1),
                        ("http://www.belta.by/b/", T2 + timedelta(hours=1))]}
    for name, urls in captures.items():
        with WarcWriter(tmp_path / name) as w:
            for url, date in urls:
                w.write_exchange(make_exchange(url, b"<html>page</html>", date=date))
    want = ["http://www.belta.by/c?q=1", "https://belta.by/a", "http://www.belta.by/b/"]
    for order in (["old", "new"], ["new", "old"]):
        with ArchiveLookup([tmp_path / name for name in order]) as lookup:
            assert list(lookup.host_urls("https://www.belta.by/politics/")) == want
            assert list(lookup.host_urls("http://belta.by:8080/")) == ["http://belta.by:8080/y"]
            assert list(lookup.host_urls("mailto:desk@belta.by")) == []
