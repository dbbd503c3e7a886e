"""Removed articles end to end: four scheduled runs of ``scrapy crawl belta`` on a changing site.

Run 1 exports four young articles. Before run 2 the site answers 410 for one and redirects
another to its home page: both are removal observations (file, report, stats, WARC evidence),
not failed pages. Run 3 sees the same and records nothing again. Before run 4 the 410 article
is back: it is recorded restored. The corpus built from the four runs says which article is gone.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.corpus import build_corpus
from archive.corpus_derived import connect
from archive.schema import removal_errors
from crawler.urls import article_id
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import latest_report, run_crawl, whole_items
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

HOME = f"http://{belta.HOST}/"


def removal_lines(data_dir: Path, whole: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Observations per removals file name (``whole``: whole lines only, of files a running
    crawl may be writing)."""
    folder = data_dir / "removals"
    if whole:
        return {p.name: whole_items(p) for p in sorted(folder.glob("*.jsonl"))}
    return {p.name: [json.loads(line) for line in p.read_text("utf-8").splitlines()]
            for p in sorted(folder.glob("*.jsonl"))} if folder.exists() else {}


def new_lines(before: dict[str, list], after: dict[str, list]) -> list[dict[str, Any]]:
    return [line for name, lines in after.items() for line in lines[len(before.get(name, [])):]]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("removals")
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=2), count=4)
    site.publish()
    site.site.add("/", "<html><head><title>БЕЛТА</title></head><body><h1>Главная</h1></body>"
                       "</html>")
    gone, moved = site.golds[0], site.golds[1]
    out: dict[str, Any] = {"data_dir": data_dir, "gone": gone, "moved": moved}
    with FixtureServer([site.site]) as server:
        out["first"] = run_crawl("belta", data_dir, server)
        files: list[dict[str, list]] = [{}, removal_lines(data_dir)]
        site.site.add(site.path(gone), Page(b"<html><body>Material removed</body></html>",
                                            status=410))
        site.site.add(site.path(moved), Page(b"", status=301, headers=[("Location", HOME)]))
        for name in ("second", "third"):
            out[name] = run_crawl("belta", data_dir, server)
            out[f"{name}_report"] = latest_report(data_dir)
            files.append(removal_lines(data_dir))
        site.render(gone)  # back again, unchanged
        out["fourth"] = run_crawl("belta", data_dir, server)
        out["fourth_report"] = latest_report(data_dir)
        files.append(removal_lines(data_dir))
    out["lines"] = [new_lines(a, b) for a, b in zip(files, files[1:], strict=False)]
    return out


def test_first_run_has_no_removals(runs) -> None:
    assert runs["first"].returncode == 0, runs["first"].log[-3000:]
    assert len(runs["first"].items) == 4
    assert runs["lines"][0] == []
    assert "articles/removed" not in runs["first"].stats


def test_second_run_records_the_410_and_the_redirect_home(runs) -> None:
    second, gone, moved = runs["second"], runs["gone"], runs["moved"]
    assert second.returncode == 0, second.log[-3000:]
    by_url = {line["url"]: line for line in runs["lines"][1]}
    assert sorted(by_url) == sorted([gone.url, moved.url])
    for line in by_url.values():
        assert removal_errors(line) == []
        assert line["event"] == "removed" and line["source"] == "belta"
        assert line["id"] == article_id(line["url"])
    assert by_url[gone.url]["status"] == 410
    assert by_url[gone.url]["final_url"] is None and by_url[gone.url]["redirects"] == []
    redirect = by_url[moved.url]
    assert redirect["status"] == 200 and redirect["final_url"] == HOME
    assert [hop["status"] for hop in redirect["redirects"]] == [301]
    assert second.stats["articles/removed"] == 2
    assert f"Article removed: {gone.url} answered 410" in second.log
    assert f"Article removed: {moved.url} answered 200 (redirected to {HOME})" in second.log


def test_removals_are_not_failures_or_extraction_trouble(runs) -> None:
    second, report = runs["second"], runs["second_report"]
    failed = [k for k in second.stats if k.startswith(("articles/failed/", "extraction/failed/",
                                                       "pages/skipped/", "httperror/"))]
    assert failed == []
    assert report["alarms"] == [] and report["healthy"] is True
    assert report["summary"]["articles_removed"] == 2
    assert report["summary"]["extraction_attempted"] == 2  # the two articles still there
    assert "Article not fetched" not in second.log
    days = report["completeness"]["by_day"]["belta"].values()
    assert sum(day["removed"] for day in days) == 2
    assert sum(day["failed"] + day["blocked"] for day in days) == 0
    assert all(day["completeness"] in (1.0, None) for day in days)
    assert report["completeness"]["never_fetched"] == []


def test_the_run_report_lists_the_removals(runs) -> None:
    section = runs["second_report"]["removals"]
    assert section["removed"] == 2 and section["restored"] == 0
    assert Path(section["file"]).parent == runs["data_dir"] / "removals"
    assert Path(section["file"]).name.startswith("belta-")
    assert sorted(o["url"] for o in section["observations"]) == sorted(
        [runs["gone"].url, runs["moved"].url])


def read_record(data_dir: Path, ref: dict[str, Any]) -> Any:
    with open(data_dir / "warc" / ref["file"], "rb") as fh:
        fh.seek(ref["offset"])
        record = next(iter(ArchiveIterator(fh)))
        return (record.rec_headers.get_header("WARC-Record-ID"),
                record.rec_headers.get_header("WARC-Target-URI"),
                record.http_headers.get_statuscode(), record.http_headers.get_header("Location"),
                record.content_stream().read())


def test_the_warc_records_referenced_are_the_answers(runs) -> None:
    data_dir, gone, moved = runs["data_dir"], runs["gone"], runs["moved"]
    by_url = {line["url"]: line for line in runs["lines"][1]}
    ref = by_url[gone.url]["warc"]
    record_id, uri, status, _, body = read_record(data_dir, ref)
    assert record_id == ref["record_id"]
    assert uri == gone.url.replace("https://", "http://") and status == "410"
    assert body == b"<html><body>Material removed</body></html>"
    hop = by_url[moved.url]["redirects"][0]
    assert hop["url"] == moved.url.replace("https://", "http://")
    _, uri, status, location, _ = read_record(data_dir, hop["warc"])
    assert (uri, status, location) == (hop["url"], "301", HOME)
    _, uri, status, _, body = read_record(data_dir, by_url[moved.url]["warc"])
    assert (uri, status) == (HOME, "200") and "Главная".encode() in body


def test_third_run_does_not_record_them_again(runs) -> None:
    third = runs["third"]
    assert third.returncode == 0, third.log[-3000:]
    assert runs["lines"][2] == []
    assert "articles/removed" not in third.stats
    assert third.stats["articles/still_removed"] == 2
    assert runs["third_report"]["removals"]["file"] is None


def test_fourth_run_records_the_article_back_as_restored(runs) -> None:
    fourth, gone = runs["fourth"], runs["gone"]
    assert fourth.returncode == 0, fourth.log[-3000:]
    [line] = runs["lines"][3]
    assert removal_errors(line) == []
    assert line["event"] == "restored" and line["url"] == gone.url and line["status"] == 200
    [removal] = [o for o in runs["lines"][1] if o["url"] == gone.url]
    assert line["removed_at"] == removal["observed_at"]
    _, uri, status, _, _ = read_record(runs["data_dir"], line["warc"])
    assert (uri, status) == (gone.url.replace("https://", "http://"), "200")
    assert fourth.stats["articles/restored"] == 1
    assert fourth.stats["articles/still_removed"] == 1  # the one still redirected home
    assert fourth.items == []  # unchanged text: no new version
    db = sqlite3.connect(runs["data_dir"] / "state" / "state.sqlite3")
    assert dict(db.execute("SELECT url, observed FROM removals")).keys() == {runs["moved"].url}


def test_the_corpus_of_the_four_runs_says_which_article_is_gone(runs, tmp_path: Path) -> None:
    report = build_corpus(runs["data_dir"], tmp_path / "corpus")
    assert report.rejected == 0 and report.removals == 3
    con = connect(tmp_path / "corpus")
    gone = con.execute("SELECT l.url, l.title, r.status, r.final_url FROM latest AS l "
                       "JOIN removed AS r USING (id)").fetchall()
    assert gone == [(runs["moved"].url, runs["moved"].title, 200, HOME)]
    events = con.execute("SELECT event, count(*) FROM removals GROUP BY ALL ORDER BY 1").fetchall()
    assert events == [("removed", 2), ("restored", 1)]
