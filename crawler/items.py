"""Item types: the raw article page a spider hands over, and the article item analyzers read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def capture_stamp(moment: datetime) -> str:
    """``fetched_at`` as every path writes it (crawl, replay, re-extraction): UTC, seconds.

    One format everywhere, so a replay or a re-extraction reproduces the crawl's items exactly.
    """
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class ArticlePage:
    """An article page as downloaded; the extraction pipeline turns it into an :class:`Article`.

    Spiders do no parsing of article bodies themselves, so extraction can run off the reactor
    (in a process pool) and the same code serves live crawls, replay and re-extraction.
    """

    url: str  # the URL the page was fetched from (after redirects)
    outlet: str  # outlet key, e.g. "belta" or a district site's host
    body: bytes
    headers: dict[str, str]  # response headers needed to decode the body (Content-Type)
    status: int
    fetched_at: str  # UTC ISO 8601, the capture time
    warc: dict[str, Any] | None = None  # {file, offset, length, record_id} of the response record
    hint_published: str | None = None  # a date the listing or URL gave, used only as a fallback


@dataclass
class Article:
    """One article: the contract with downstream analyzers (see crawler/schema/article.schema.json)."""

    id: str
    url: str
    source: str
    source_name: str
    title: str
    subtitle: str | None
    text: str
    published: str | None
    modified: str | None
    authors: list[str]
    section: str | None
    tags: list[str]
    language: str | None
    fetched_at: str
    warc: dict[str, Any] | None
    extractor: dict[str, str]
    version: int = 1
    previous_version_digest: str | None = None
    near_duplicates: list[str] = field(default_factory=list)
