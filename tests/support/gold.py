"""The checks every outlet's fixture items share against their gold article."""

from __future__ import annotations

from typing import Any

from tests.sites.common import GoldArticle


def assert_matches_gold(item: dict[str, Any], gold: GoldArticle, source: str,
                        source_name: str) -> None:
    """Title, authors, outlet, and the publication time to the second in Minsk/Moscow time.

    Text and the outlet-specific fields are each test's own business.
    """
    assert item["title"] == gold.title, gold.url
    assert item["published"] == gold.published.isoformat(timespec="seconds"), gold.url
    assert item["published"].endswith("+03:00"), gold.url
    assert item["authors"] == gold.authors, gold.url
    assert (item["source"], item["source_name"]) == (source, source_name), gold.url
