"""``scrapy probe`` run as a real process: against a fixture site (fetched through the crawl's
middlewares) and against a WARC (``-s WARC_REPLAY``), and ``--fixture`` writing a fixture the
regression suite accepts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.outlets.belta import BELTA
from crawler.outlets.fixtures import differences, load_fixture
from tests.sites import belta
from tests.support.crawl import ROOT, TEST_SETTINGS, run_crawl
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

BODY_RULES = ", ".join(repr(s) for s in BELTA.rules.body)


def probe(url: str, *args: str, server: FixtureServer | None = None,
          data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(server.crawl_env() if server else {})}
    settings = [a for k, v in {**TEST_SETTINGS, "DATA_DIR": str(data_dir)}.items()
                for a in ("-s", f"{k}={v}")]
    return subprocess.run([sys.executable, "-m", "scrapy", "probe", url, *settings, *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def lines_of(result: subprocess.CompletedProcess[str], field: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(f"{field}: ")]


def http(url: str) -> str:
    return url.replace("https://", "http://")


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory):
    """A drifted БЕЛТА, crawled once (its WARC), and its server kept up for live probes."""
    site, golds = belta.build(count=2, drift=True)
    with FixtureServer([site]) as server:
        crawl = run_crawl("belta", tmp_path_factory.mktemp("crawl"), server)
        assert crawl.items, crawl.log[-3000:]
        yield server, golds, crawl.data_dir


def assert_drift_shown(result: subprocess.CompletedProcess[str], gold: belta.GoldArticle) -> None:
    assert result.returncode == 0, result.stderr[-3000:]
    assert "rules: belta@2026-01" in result.stdout
    text = lines_of(result, "text")
    assert text[0].startswith("text: generic = '" + gold.paragraphs[0][:40])
    assert f"text: MISSED {BODY_RULES}" in text
    assert text[-1] == "text: same"  # both paths are the generic extractor now
    title = lines_of(result, "title")
    assert title[0] == f"title: json-ld = {gold.title!r}"
    assert "title: MISSED 'div.main h1', 'div.content_margin h1', 'h1'" in title
    assert lines_of(result, "section")[0] == "section: rules:div.breadcrumbs a:last-child = " \
        "'Президент'"
    assert lines_of(result, "section")[-1] == "section: DIFFERS"


def test_probe_fetches_the_page_and_shows_what_missed(drifted, tmp_path) -> None:
    server, golds, _ = drifted
    result = probe(http(golds[0].url), server=server, data_dir=tmp_path)
    assert_drift_shown(result, golds[0])


def test_probe_reads_the_page_from_the_archive(drifted, tmp_path) -> None:
    _, golds, crawl_dir = drifted
    result = probe(http(golds[0].url), "-s", f"WARC_REPLAY={crawl_dir / 'warc'}",
                   data_dir=tmp_path)
    assert_drift_shown(result, golds[0])
    assert "captured: 20" in result.stdout
    missing = probe("http://www.belta.by/politics/view/net-takoj-1-2026/", "-s",
                    f"WARC_REPLAY={crawl_dir / 'warc'}", data_dir=tmp_path)
    assert missing.returncode == 1 and "status: 404 in the archive" in missing.stdout


def test_probe_fixture_writes_a_fixture_the_regression_checks_accept(tmp_path) -> None:
    site, golds = belta.build(count=1)
    with FixtureServer([site]) as server:
        result = probe(http(golds[0].url), "--fixture", "--out", str(tmp_path / "fx"),
                       server=server, data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr[-3000:]
    assert lines_of(result, "title")[0] == f"title: rules:div.main h1 = {golds[0].title!r}"
    assert lines_of(result, "text")[0].startswith(f"text: rules:{BELTA.rules.body[0]} = ")
    # generic rules read the date printed with the article, time included, as the rule does
    assert lines_of(result, "published")[-1] == "published: same"
    written = [Path(line.removeprefix("fixture: ")) for line in result.stdout.splitlines()
               if line.startswith("fixture: ")]
    assert written[0].parent == tmp_path / "fx" / "belta" / BELTA.rules.version
    fixture = load_fixture(written[0])
    assert fixture.expected["extractor"]["rules"] == f"{fixture.outlet}@{fixture.version}"
    assert fixture.expected["title"] == golds[0].title
    assert differences(fixture) == []


def test_probe_follows_a_redirect_as_the_crawl_does(tmp_path) -> None:
    site, golds = belta.build(count=1)
    site.add("/short/1", Page(b"", status=301, headers=[("Location", http(golds[0].url))]))
    with FixtureServer([site]) as server:
        result = probe(f"http://{site.host}/short/1", server=server, data_dir=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert lines_of(result, "title")[0] == f"title: rules:div.main h1 = {golds[0].title!r}"


def test_probe_of_a_page_that_cannot_be_fetched_is_a_failure_not_a_usage_error(tmp_path) -> None:
    """No answer at all (host unreachable, refused, DNS): exit 1 and the reason, as for a 404,
    not the usage text and exit 2 of a bad command line."""
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = probe(f"http://127.0.0.1:{port}/news/1.html", data_dir=tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert f"http://127.0.0.1:{port}/news/1.html: not fetched (" in result.stderr
    assert "refused" in result.stderr.lower()
    assert "Usage\n=====" not in result.stderr and "scrapy probe URL" not in result.stderr


@pytest.mark.parametrize(("given", "why"), [
    ("http://[example.org/x", "Invalid IPv6 URL"),
    ("http://example.org:99999/x", "Port out of range 0-65535")])
def test_probe_of_an_address_that_is_no_url_is_a_usage_error(given: str, why: str,
                                                             tmp_path) -> None:
    """A bracket never closed was urlsplit's ValueError traceback; a port past 65535 passed
    the check and the one-request crawl stopped at its start (``not fetched (no
    response)``, exit 1): the usage error of a bad command line, saying why."""
    result = probe(given, data_dir=tmp_path)
    assert result.returncode == 2, result.stderr[-3000:]
    assert f"error: {given!r} is no page address ({why})" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("given", ["example.org", "ftp://example.org/x"])
def test_probe_of_no_page_address_is_a_usage_error(given: str, tmp_path) -> None:
    """The docstring's exit 2 for a bad command line: an address without its scheme is said
    so, not a ValueError traceback from inside the one-request crawl."""
    result = probe(given, data_dir=tmp_path)
    assert result.returncode == 2, result.stderr[-3000:]
    assert f"error: {given!r} is no page address: give the whole URL, e.g. https://example.org"\
        in result.stderr
    assert "Traceback" not in result.stderr


def test_probe_fixture_onto_a_read_only_folder_is_one_error(tmp_path) -> None:
    """``--fixture`` into a folder it cannot write (a read-only tmpfs) ended in a traceback
    after the probe was shown."""
    from tests.support.disk import remount_read_only, tmpfs

    site, golds = belta.build(count=1)
    with tmpfs(tmp_path / "ro", "64k") as out, FixtureServer([site]) as server:
        remount_read_only(out)
        result = probe(http(golds[0].url), "--fixture", "--out", str(out / "fx"),
                       server=server, data_dir=tmp_path / "data")
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert f"error: {out / 'fx'}: Read-only file system" in result.stderr
    assert lines_of(result, "title")[0] == f"title: rules:div.main h1 = {golds[0].title!r}"
