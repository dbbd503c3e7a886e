"""The corpus from real runs: a first capture, a re-run, an edit and a district reprint.

Real ``scrapy crawl`` processes fill DATA_DIR/items; one ``python -m archive corpus`` command
builds the corpus; the three DuckDB queries of the README answer from it; the edit report
shows the marked change in headless Chromium.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.urls import article_id
from tests.archive import browser
from tests.archive.corpus_data import duck
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta, shklov_copy
from tests.support.crawl import ROOT, run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

EDIT = "Позднее в пресс-службе уточнили детали переговоров."


def readme_queries() -> dict[str, str]:
    """The SQL blocks of the README's corpus section, by the comment on their first line."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## The corpus", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.S)
    return {block.splitlines()[0].lstrip("- ").strip(): block for block in blocks}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    data = tmp_path_factory.mktemp("corpus-runs")
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    agency = ChangingBelta(start=now - timedelta(hours=2), count=4)
    agency.publish()
    district, copy = shklov_copy(agency.golds[1])
    out = {"data": data, "corpus": data / "corpus", "copy": copy, "agency": agency}
    with FixtureServer([agency.site, district]) as server:
        runs = [run_crawl("belta", data, server), run_crawl("belta", data, server)]
        out["before"] = agency.golds[2]
        out["edited"] = agency.edit(2, EDIT)
        runs.append(run_crawl("belta", data, server))
        runs.append(run_crawl("regional", data, server, args={"sites": "shklovinfo.by"}))
    assert all(r.returncode == 0 for r in runs), [r.log[-2000:] for r in runs]
    out["items"] = [i for r in runs for i in r.items]
    assert len(out["items"]) == 4 + 0 + 1 + 1
    out["cli"] = subprocess.run(
        [sys.executable, "-m", "archive", "corpus", str(data), "-o", str(out["corpus"])],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    return out


def test_one_command_builds_the_corpus_from_every_run(built) -> None:
    cli = built["cli"]
    assert cli.returncode == 0, cli.stderr
    assert "6 row(s) added" in cli.stdout and "0 line(s) rejected" in cli.stdout
    con = duck(built["corpus"])
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM versions").fetchone() == (6, 5)


def test_readme_query_latest_version_per_outlet_per_day(built) -> None:
    rows = duck(built["corpus"]).execute(
        readme_queries()["latest version of every article, per outlet and day"]).fetchall()
    assert len(rows) == 5
    edited = next(r for r in rows if r[2] == article_id(built["edited"].url))
    assert edited[3] == 2  # the version, not the first capture
    assert {r[0] for r in rows} == {"belta", "shklovinfo.by"}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r[1]) for r in rows)


def test_readme_query_articles_edited_after_publication_with_diffs(built) -> None:
    rows = duck(built["corpus"]).execute(
        readme_queries()["articles edited after publication, with their diffs"]).fetchall()
    [(source, url, previous, version, _, _, removed, added, diff)] = rows
    assert (source, url, previous, version) == ("belta", built["edited"].url, 1, 2)
    assert removed == 0 and added == len(EDIT.split())
    assert diff.endswith("{+" + EDIT + "+}")


def test_readme_query_reprint_families_with_their_outlets(built) -> None:
    rows = duck(built["corpus"]).execute(
        readme_queries()["reprint families with their outlets"]).fetchall()
    [(family, articles, outlets, _first, urls)] = rows
    assert outlets == ["belta", "shklovinfo.by"] and articles == 2
    assert sorted(urls) == sorted([built["agency"].golds[1].url, built["copy"].url])
    assert family == min(article_id(u) for u in urls)


def test_history_shows_both_captures_and_the_diff(built) -> None:
    proc = subprocess.run([sys.executable, "-m", "archive", "history", str(built["corpus"]),
                           built["edited"].url], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    v1, v2 = sorted((i for i in built["items"] if i["url"] == built["edited"].url),
                    key=lambda i: i["version"])
    for item in (v1, v2):
        assert f"captured {item['fetched_at']}" in proc.stdout
        assert f"{item['warc']['file']} @ {item['warc']['offset']}" in proc.stdout
    assert "{+" + EDIT + "+}" in proc.stdout


def test_edit_report_shows_the_marked_change_in_chromium(built, tmp_path: Path) -> None:
    browser.require_tools()
    page = tmp_path / "edits.html"
    proc = subprocess.run([sys.executable, "-m", "archive", "edits", str(built["corpus"]),
                           "-o", str(page), "--source", "belta"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    dom = browser.dump_dom(page, tmp_path)
    assert re.findall(r"<ins>(.*?)</ins>", dom) == [EDIT]
    shown = browser.pdf_text(browser.print_pdf(page, tmp_path))
    assert EDIT in shown and built["edited"].title in shown
    assert browser.count_colour(tmp_path / "edits.pdf", (0x8F, 0xE3, 0x9A)) > 100
