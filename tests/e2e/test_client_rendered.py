"""`scrapy crawl site` on a site whose articles are client-rendered: the text is in a
<script> (app state) or in JSON-LD ``articleBody``, the HTML body an empty app shell or a teaser.
Every window article must become an item with its whole text and say where the text came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.reader import iter_responses
from tests.sites import anysite
from tests.sites.clientrendered import SOURCES
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

WINDOW = {"since": anysite.SINCE.isoformat(), "until": anysite.UNTIL.isoformat()}


def test_client_rendered_articles_become_items_with_their_whole_text(tmp_path: Path) -> None:
    shape, shapes = anysite.client_rendered_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    by_url = {item["url"]: item for item in result.items}
    assert sorted(by_url) == sorted(g.url for g in shape.golds)
    assert set(shapes.values()) == set(SOURCES)  # every shape is in the window
    for gold in shape.golds:
        item = by_url[gold.url]
        assert item["text"] == gold.text, (shapes[gold.url], item["text"][:200])
        assert item["title"] == gold.title
        assert item["published"] == gold.published.isoformat(timespec="seconds")
        assert item["authors"] == gold.authors
        assert item["language"] == "ru"
        source = SOURCES[shapes[gold.url]]
        assert item["extractor"]["fields"]["text"] == source, gold.url
        assert item["extractor"]["method"] == source.partition(":")[0]
    assert result.stats["discovery/spa-gorod.test/timezone"] == "Etc/GMT-3"
    # the rubric's state holds the teasers of these very articles: no item from it
    assert not set(by_url) & set(shape.not_articles)
    assert result.stats.get("extraction/failed/no_body") == 1
    archived = {r.url for path in sorted(Path(result.data_dir, "warc").glob("*.warc.gz"))
                for r in iter_responses(path)}
    assert {g.url for g in shape.golds} <= archived
