"""The site rows read a home page as a request with no Range does: a newer 206 (part of it)
gives way to its whole 200."""

from __future__ import annotations

from pathlib import Path

from archive.reader import ArchiveLookup
from crawler.archive_rows import archived_site_name, landed_url
from tests.support.warcs import gz, http_response, record

HOME = "http://ex.by/"
PAGE = (b'<html><head><meta property="og:site_name" content="Example News">'
        b'<meta http-equiv="refresh" content="0; url=https://ex.by/"><title>x</title>'
        b"</head><body><p>home</p></body></html>")


def _home_then_part(tmp_path: Path) -> Path:
    """The home page whole, then a later range request's 206 of its tail."""
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(
        gz(record("response", HOME, http_response(PAGE), date="2026-01-01T00:00:00Z"))
        + gz(record("response", HOME, http_response(PAGE[-20:], "206 Partial Content"),
                    date="2026-02-01T00:00:00Z")))
    return warc


def test_the_site_name_is_read_from_the_whole_home_page_before_a_206(tmp_path) -> None:
    with ArchiveLookup([_home_then_part(tmp_path)]) as lookup:
        assert archived_site_name(lookup, HOME) == "Example News"


def test_the_landed_url_is_read_from_the_whole_home_page_before_a_206(tmp_path) -> None:
    with ArchiveLookup([_home_then_part(tmp_path)]) as lookup:
        assert landed_url(lookup, HOME) == "https://ex.by/"
