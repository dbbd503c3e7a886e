"""``scrapy outlets``, run as a real command."""

from __future__ import annotations

import json

from crawler.outlets import all_outlets
from tests.support.crawl import scrapy_command


def test_outlets_lists_every_outlet_with_channels_and_rule_versions() -> None:
    result = scrapy_command("outlets", "--json")
    assert result.returncode == 0, result.stderr
    listed = {o["key"]: o for o in json.loads(result.stdout)}
    assert set(listed) == set(all_outlets())
    assert {"shklovinfo.by", "golk.by", "nesvizh-news.by"} <= set(listed)  # district rows
    assert listed["zerkalo"]["host"] == "news.zerkalo.io"
    assert "archive /archive/{day:%d.%m.%Y}.html" in listed["zerkalo"]["discovery"]
    assert listed["shklovinfo.by"]["discovery"] == [
        "feed /?feed=rss2", "archive wp-m", "sitemap /wp-sitemap.xml"]
    assert listed["belta"]["rules"] == [{"version": "2026-01", "valid_from": None}]
    text = scrapy_command("outlets")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert len(lines) == len(all_outlets())
    assert any(line.startswith("pvestnik.by\t«Полацкі веснік» (Полоцк)\tpvestnik.by\t")
               and "archive wp-date" in line and "rules: wp-1" in line for line in lines)
