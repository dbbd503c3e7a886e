"""What a site row learns from its archive before a re-extraction (``crawler.archive_rows``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.reader import ArchiveLookup
from archive.writer import WarcWriter
from crawler.archive_rows import learn_rows, site_offsets
from tests.archive.conftest import make_exchange

ATOM = [("Content-Type", "application/atom+xml; charset=utf-8")]


def _atom_of_ids(ids: list[str]) -> bytes:
    """An Atom feed whose entries name their pages by their URL ``<id>`` alone (no link)."""
    entries = "".join(f"<entry><title>Новость {n}</title><id>{url}</id>"
                      f"<published>2026-01-05T1{n}:00:00+03:00</published></entry>"
                      for n, url in enumerate(ids))
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Лента</title>{entries}</feed>").encode()


@pytest.mark.parametrize(("feed_host", "page_host"), [("example.by", "www.example.by"),
                                                      ("www.example.by", "example.by"),
                                                      ("example.by", "m.example.by")])
def test_an_atom_feeds_ids_on_the_sites_other_host_vote_for_its_zone(
        tmp_path: Path, feed_host: str, page_host: str) -> None:
    """A feed on the bare host naming its entries on the www. host (or the reverse, or the
    mobile host) by their URL ids: the crawl took them for the site's pages
    (``own_link``), so their dates vote for the row's zone as in the crawl; the feed's host
    alone left them out, and the row's zone unlearnt."""
    ids = [f"https://{page_host}/news/{n}/" for n in range(4)]
    feed = f"https://{feed_host}/feed/"
    when = datetime(2026, 1, 5, 12, tzinfo=UTC)
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(feed, _atom_of_ids(ids), headers=ATOM, date=when))
    with ArchiveLookup([tmp_path]) as lookup:
        _pages, channels = site_offsets(lookup, f"https://{feed_host}/")
        rows: list[dict[str, object]] = [{"url": f"https://{feed_host}/"}]
        learn_rows(lookup, rows)
    assert channels == {timedelta(hours=3): len(ids)}
    assert rows[0]["timezone"] not in (None, "UTC")


def test_an_atom_id_on_another_site_votes_for_nothing(tmp_path: Path) -> None:
    """An id naming another site (an old domain, an API) is a name, no page of this one."""
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(
            "https://example.by/feed/", _atom_of_ids(["https://api.other.by/item/1"]),
            headers=ATOM, date=datetime(2026, 1, 5, 12, tzinfo=UTC)))
    with ArchiveLookup([tmp_path]) as lookup:
        assert site_offsets(lookup, "https://example.by/")[1] == {}
