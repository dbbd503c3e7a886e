"""Versioned rules: a capture is read with the layout valid at its capture time, and the item
names the version used; district rows add layouts as tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import crawler.extraction
from crawler.extraction import extract_article
from crawler.items import ArticlePage
from crawler.outlets.base import ArticleRules, Outlet
from crawler.outlets.regional import load_sites

ROW = """
[[site]]
host = "rayon.example"
name = "Районка"
article_path = '^/news/\\d+$'
version = "v2"
valid_from = "2025-06-01"
body = [".new-body"]

[[site.layouts]]
version = "v1"
body = [".old-body"]
drop = [".promo"]
"""
PARAGRAPHS = ["Первый абзац старой вёрстки про районные новости и события.",
              "Второй абзац о том, как прошла уборка урожая в хозяйствах района."]


def page(body_class: str, fetched_at: str) -> ArticlePage:
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (f'<html><head><meta property="article:published_time" '
            f'content="2025-01-10T10:00:00+03:00"></head><body><h1>Заголовок</h1>'
            f'<div class="{body_class}"><p class="promo">Подписывайтесь!</p>{paras}</div>'
            f'<div class="other">Чужой текст, который не статья, но длинный для генерика.</div>'
            f'</body></html>')
    return ArticlePage(url="https://rayon.example/news/7", outlet="rayon.example",
                       body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"},
                       status=200, fetched_at=fetched_at)


@pytest.fixture
def outlet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Outlet:
    path = tmp_path / "sites.toml"
    path.write_text(ROW, encoding="utf-8")
    found = load_sites(path)["rayon.example"]
    monkeypatch.setattr(crawler.extraction, "get_outlet", lambda key: found)
    return found


def test_rows_add_layouts_as_versions(outlet: Outlet) -> None:
    assert [r.version for r in outlet.ordered_rules] == ["v1", "v2"]
    assert outlet.rules.version == "v2"
    assert outlet.rule_version("v1").drop == (".promo",)
    assert outlet.rule_version("v1").title == outlet.rule_version("v2").title  # row's own fields


def test_rules_valid_at_a_capture_time(outlet: Outlet) -> None:
    assert outlet.rules_at(datetime(2025, 5, 31, 20, 59, tzinfo=UTC)).version == "v1"
    # 2025-05-31T21:00Z is already June 1st in Minsk (the outlet's zone).
    assert outlet.rules_at(datetime(2025, 5, 31, 21, 0, tzinfo=UTC)).version == "v2"
    assert outlet.rules_at(date(2020, 1, 1)).version == "v1"
    assert outlet.rules_at(None).version == "v2"


def test_an_old_capture_is_extracted_with_the_old_layout(outlet: Outlet) -> None:
    old = extract_article(page("old-body", "2025-03-01T09:00:00+00:00"))
    assert old.extractor["rules"] == "rayon.example@v1"
    assert old.extractor["method"] == "rules"
    assert old.text == "\n\n".join(PARAGRAPHS)  # v1's drop rule removed the promo
    new = extract_article(page("new-body", "2025-07-01T09:00:00+00:00"))
    assert new.extractor["rules"] == "rayon.example@v2"
    assert new.extractor["method"] == "rules"
    assert new.text.endswith(PARAGRAPHS[1])


def test_versions_need_distinct_names_and_start_days() -> None:
    rules = ArticleRules(version="a")
    with pytest.raises(ValueError, match="distinct"):
        Outlet(key="x", name="X", base_url="https://x.example", timezone="UTC",
               article_path="^/", versions=(rules, ArticleRules(version="b")))
    with pytest.raises(ValueError, match="no ArticleRules"):
        Outlet(key="x", name="X", base_url="https://x.example", timezone="UTC",
               article_path="^/", versions=())


def test_unknown_layout_fields_fail_loudly(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(ROW + 'bodyy = ["p"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown layout fields"):
        load_sites(path)
