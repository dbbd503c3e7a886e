"""Which archived spelling of a URL answers a request: pywb's SURT key is the reference, the
closest spelling wins, and a capture that redirects to the URL asked for is stepped over."""

from __future__ import annotations

from datetime import UTC, datetime

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
