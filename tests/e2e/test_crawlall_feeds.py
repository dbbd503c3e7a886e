"""`scrapy crawlall -O all.jsonl`: one file with every spider's items, overwritten once."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_crawlall import build_sites, crawlall
from tests.support.crawl import exported_items, read_items
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow
STALE = '{"stale": "from an earlier run"}\n'


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One ``crawlall`` on a fresh DATA_DIR with two feeds, read by the two tests below: one
    shared by every spider (``-O all.jsonl``, over a stale line) and one per spider
    (``-O out-%(name)s.jsonl``). They were two crawls of the same sites."""
    tmp = tmp_path_factory.mktemp("crawlall-feeds")
    agency, district, _, others = build_sites()
    out = tmp / "all.jsonl"
    out.write_text(STALE)
    hosts = [agency.site, district, *others]
    with FixtureServer(hosts) as server:
        proc = crawlall(tmp / "data", server, "-O", str(out), "-O", str(tmp / "out-%(name)s.jsonl"))
    return {"proc": proc, "dir": tmp, "data_dir": tmp / "data", "out": out, "hosts": hosts}


def test_crawlall_overwrite_keeps_every_spiders_items(fresh: dict[str, Any]) -> None:
    proc, data_dir, out = fresh["proc"], fresh["data_dir"], fresh["out"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = read_items(out)
    per_spider = {s: exported_items(data_dir, s) for s in ("belta", "regional", "runews24",
                                                     "zerkalo")}
    assert all(per_spider.values()), per_spider.keys()
    expected = sorted(i["id"] for found in per_spider.values() for i in found)
    assert sorted(i["id"] for i in items) == expected  # no stale line, nobody missing
    recorded = sqlite3.connect(data_dir / "state" / "state.sqlite3").execute(
        "SELECT count(*) FROM articles").fetchone()[0]
    assert recorded == len(expected)

    with FixtureServer(fresh["hosts"]) as server:  # the same sites: nothing new for anyone
        again = crawlall(data_dir, server, "-O", str(out))
    assert again.returncode == 0, again.stderr[-3000:]
    assert out.read_text() == ""
    warnings = [line for line in again.stderr.splitlines() if "overwritten with no items" in line]
    assert len(warnings) == 1 and str(out) in warnings[0], again.stderr[-3000:]


@pytest.mark.parametrize("output", ["all.json", "s3://bucket/all.jsonl"])
def test_crawlall_refuses_a_shared_feed_it_cannot_append_to(output: str, tmp_path: Path) -> None:
    with FixtureServer([]) as server:
        proc = crawlall(tmp_path, server, "-O", output)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "%(name)s" in proc.stderr
    assert not (tmp_path / "reports").exists()


def test_crawlall_per_spider_feeds_stay_separate(fresh: dict[str, Any]) -> None:
    proc, tmp = fresh["proc"], fresh["dir"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    belta_items = read_items(tmp / "out-belta.jsonl")
    assert [i["source"] for i in belta_items] == ["belta"] * 4
    assert json.loads((tmp / "out-regional.jsonl").read_text())["source"] == "shklovinfo.by"
