"""``scrapy fixture``, run as a real command."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.model import HttpExchange
from archive.writer import WarcWriter
from crawler.outlets import all_outlets
from crawler.outlets.fixtures import differences, iter_fixtures, missing_fixtures
from tests.sites import belta
from tests.support.crawl import scrapy_command
from tests.support.warcs import gz, http_response, record

CAPTURED = datetime(2026, 1, 9, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, object]:
    """A WARC holding one БЕЛТА article, served gzip-encoded as sites do."""
    site, golds = belta.build()
    gold = golds[3]
    body = site.find(gold.url.removeprefix(f"https://{belta.HOST}")).body
    folder = tmp_path_factory.mktemp("warc")
    with WarcWriter(folder) as writer:
        ref = writer.write_exchange(HttpExchange(
            url=gold.url, method="GET", request_target="/", request_headers=[("Host", belta.HOST)],
            request_body=b"", http_version="HTTP/1.1", status=200, reason="OK",
            response_headers=[("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Encoding", "gzip")],
            payload=gzip.compress(body), ip_address="127.0.0.1", date=CAPTURED))
    return folder, ref.offset, gold.url, gold


def check_made(result: subprocess.CompletedProcess[str], root: Path, gold: object) -> None:
    assert result.returncode == 0, result.stderr
    (fixture,) = iter_fixtures(root)
    assert (fixture.outlet, fixture.version) == ("belta", "2026-01")
    assert str(fixture.json_path) in result.stdout
    assert fixture.page.fetched_at == "2026-01-09T08:30:00+00:00"  # the capture time
    assert fixture.expected["title"] == gold.title
    assert fixture.expected["text"] == gold.text
    assert fixture.expected["authors"] == gold.authors
    assert fixture.expected["extractor"] == {"method": "rules", "rules": "belta@2026-01"}
    assert differences(fixture) == []
    assert missing_fixtures([all_outlets()["belta"]], root) == []


def test_fixture_from_a_url_in_the_archive(archived, tmp_path: Path) -> None:
    folder, _, url, gold = archived
    result = scrapy_command("fixture", url, "-s", f"WARC_REPLAY={folder}", "--out", str(tmp_path))
    check_made(result, tmp_path, gold)


def test_fixture_from_a_warc_file_and_offset(archived, tmp_path: Path) -> None:
    folder, offset, _, gold = archived
    (warc,) = folder.glob("*.warc.gz")
    result = scrapy_command("fixture", "--warc", str(warc), "--offset", str(offset), "--out",
                    str(tmp_path), "--name", "layout-2026")
    check_made(result, tmp_path, gold)
    assert (tmp_path / "belta" / "2026-01" / "layout-2026.html.gz").exists()


def test_fixture_errors_are_plain(archived, tmp_path: Path) -> None:
    folder, offset, _, _ = archived
    missing = scrapy_command("fixture", "https://www.belta.by/politics/view/nope-1-2026/", "-s",
                     f"WARC_REPLAY={folder}", "--out", str(tmp_path))
    assert missing.returncode == 2 and "is not in" in missing.stderr
    no_archive = scrapy_command("fixture", "https://www.belta.by/x/", "--out", str(tmp_path))
    assert no_archive.returncode == 2 and "WARC_REPLAY" in no_archive.stderr
    (warc,) = folder.glob("*.warc.gz")
    bad_offset = scrapy_command("fixture", "--warc", str(warc), "--offset", str(offset + 7), "--out",
                        str(tmp_path))
    assert bad_offset.returncode == 2 and str(offset + 7) in bad_offset.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("leave", [0, 4096])
def test_a_full_disk_leaves_no_half_fixture_and_the_rerun_makes_it(archived, tmp_path: Path,
                                                                   leave: int) -> None:
    """A fixture folder on a full disk (a real small tmpfs): the command ended in a traceback
    and left an empty or cut ``.html.gz`` (with no ``.json``, or beside an older one) that the
    next ``fixture`` or a test run would read as the page."""
    from tests.support.disk import fill, tmpfs

    folder, offset, _, gold = archived
    (warc,) = folder.glob("*.warc.gz")
    with tmpfs(tmp_path / "out", "256k") as out:
        (out / "belta" / "2026-01").mkdir(parents=True)
        filler = fill(out, leave=leave)
        failed = scrapy_command("fixture", "--warc", str(warc), "--offset", str(offset),
                                "--out", str(out))
        assert failed.returncode == 1, failed.stderr
        assert "Traceback" not in failed.stderr
        assert "No space left on device" in failed.stderr and str(out) in failed.stderr
        assert list((out / "belta" / "2026-01").iterdir()) == []
        filler.unlink()
        again = scrapy_command("fixture", "--warc", str(warc), "--offset", str(offset),
                               "--out", str(out))
        check_made(again, out, gold)


def test_a_read_only_fixture_folder_is_one_error(archived, tmp_path: Path) -> None:
    from tests.support.disk import remount_read_only, tmpfs

    folder, offset, _, _ = archived
    (warc,) = folder.glob("*.warc.gz")
    with tmpfs(tmp_path / "out", "256k") as out:
        remount_read_only(out)
        failed = scrapy_command("fixture", "--warc", str(warc), "--offset", str(offset),
                                "--out", str(out))
        assert failed.returncode == 1, failed.stderr
        assert "Traceback" not in failed.stderr
        assert "Read-only file system" in failed.stderr and str(out) in failed.stderr


@pytest.mark.parametrize("status", ["206 Partial Content", "404 Not Found"])
def test_a_fixture_by_url_is_made_of_the_page_reextract_reads(archived, tmp_path: Path,
                                                               status: str) -> None:
    """A later run archived the article again as a 206 (``wget -c``, a range request: part of
    the page) or a 404 (removed since): the fixture is made of the whole page before it, as
    ``reextract`` reads the article, not refused or cut to a tail."""
    folder, _, url, gold = archived
    later = tmp_path / "warc"
    shutil.copytree(folder, later)
    (later / "later.warc.gz").write_bytes(gz(record(
        "response", url, http_response(b"<p>tail</p>", status), date="2026-02-01T00:00:00Z")))
    result = scrapy_command("fixture", url, "-s", f"WARC_REPLAY={later}", "--out",
                            str(tmp_path / "out"))
    check_made(result, tmp_path / "out", gold)


def test_a_fixture_at_warc_replay_at_reads_the_whole_page_for_a_206_nearest(
        archived, tmp_path: Path) -> None:
    """At a moment nearest a later 206 (part of the page), the fixture is made of the whole
    page, as a request with no Range reads it there (replay's choice)."""
    folder, _, url, gold = archived
    later = tmp_path / "warc"
    shutil.copytree(folder, later)
    (later / "later.warc.gz").write_bytes(gz(record(
        "response", url, http_response(b"<p>tail</p>", "206 Partial Content"),
        date="2026-02-01T00:00:00Z")))
    result = scrapy_command("fixture", url, "-s", f"WARC_REPLAY={later}", "-s",
                            "WARC_REPLAY_AT=20260201000000", "--out", str(tmp_path / "out"))
    check_made(result, tmp_path / "out", gold)


def test_no_fixture_is_made_of_a_url_archived_only_as_a_206(tmp_path: Path) -> None:
    """``wget -c`` resumed the page and its first part was never archived: the fixture would
    pin the rules to a page cut to its tail. Refused, naming why, the file and the offset."""
    from tests.crawler.test_partial_only import HTML, URL, part_block
    from tests.support.warcs import warcio_warc

    warc = tmp_path / "wget-c.warc.gz"
    [offset] = warcio_warc(warc, [(URL, part_block(HTML, HTML.index(b"<head")),
                                   "2026-01-14T10:00:00Z")])
    result = scrapy_command("fixture", URL, "-s", f"WARC_REPLAY={warc}", "--out",
                            str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "no fixture (partial_content:" in result.stderr
    assert f"WARC {warc} offset {offset}" in result.stderr
    assert not (tmp_path / "out").exists()
