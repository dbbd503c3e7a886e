"""A state store whose article rows were edited by hand (or written by another tool): a row
this crawler cannot read is said once with its URL and why, the article is exported again as
version 1 and its record replaced; it crashed the article's export at every run before (a
version of 'x'), or made an invalid item the schema dropped (a version below 1)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.test_export_failures import crawl_into, old_site
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

EDIT = "Позднее в пресс-службе уточнили детали переговоров."
# (column, value) a hand edit left in one article's row each
# (a number in a TEXT column is stored as text, and so read back: no damage)
DAMAGE = [("version", "x"), ("version", -3), ("captured", b"\x00\xff"), ("version", 2.5)]


def damage(state: Path, urls: list[str]) -> None:
    with sqlite3.connect(state) as db:
        for url, (column, value) in zip(urls, DAMAGE, strict=True):
            db.execute(f"UPDATE articles SET {column} = ? WHERE url = ?", (value, url))


def test_damaged_records_are_said_and_their_articles_exported_again(tmp_path: Path) -> None:
    site = old_site()
    data_dir = tmp_path / "data"
    state = data_dir / "state" / "state.sqlite3"
    with FixtureServer([site.site]) as server:
        first, _ = crawl_into(data_dir, server, str(tmp_path / "first.jsonl"))
        assert first.returncode == 0, first.stderr[-3000:]
        urls = sorted(g.url for g in site.golds)
        damage(state, urls)
        for index in range(len(site.golds)):
            site.edit(index, EDIT)
        second, report = crawl_into(data_dir, server, str(tmp_path / "second.jsonl"),
                                    settings={"REFETCH_MAX_AGE_DAYS": 30})
        third, _ = crawl_into(data_dir, server, str(tmp_path / "third.jsonl"),
                              settings={"REFETCH_MAX_AGE_DAYS": 30})
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Traceback" not in second.stderr
    items = [json.loads(line) for line in (tmp_path / "second.jsonl").read_text().splitlines()]
    assert sorted((i["url"], i["version"]) for i in items) == [(u, 1) for u in urls]
    errors = [line for line in second.stderr.splitlines() if "is damaged (" in line]
    assert len(errors) == len(DAMAGE)
    assert all(any(url in line for line in errors) for url in urls)
    assert "version 'x' is no whole number from 1" in second.stderr
    assert report["stats"]["state/damaged_records"] == len(DAMAGE)
    # the records are whole again: the next run reads them, exports nothing, says nothing
    assert third.returncode == 0 and "is damaged (" not in third.stderr
    assert (tmp_path / "third.jsonl").read_text() == ""
    rows = sqlite3.connect(state).execute("SELECT version, typeof(captured), typeof(digest)"
                                          " FROM articles").fetchall()
    assert rows == [(1, "text", "text")] * len(urls)
