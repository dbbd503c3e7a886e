"""Completeness of a run: every article discovery found, and what became of it.

Spiders announce each article they request (:func:`note_discovered`, with the title and date
the feed or listing gave); the request carries the article's key (``META_DISCOVERED``) through
redirects, so its fetch, failure and extraction outcome find it again. The run report gets,
per outlet and per day (publication day in the outlet's zone; the feed's date, else the
discovery day, for articles without one), how many were discovered, fetched, extracted,
blocked and failed, and lists the articles never fetched (blocked, 403, challenge, failed)
with their URL, title and date from the feed.

Each discovered article ends in exactly one of ``OUTCOMES``, so ``discovered`` is their sum;
a page standing for another the run requested (a frameset for its frame, an alias for its
canonical) is no article of its own: only the other is counted (:func:`note_superseded`).
``fetched`` counts those that got a 200 (extracted, not an article, challenge page, failed
extraction).

With JOBDIR, a run that stops before it finishes (Ctrl-C, SIGTERM, a close-spider limit)
leaves what it counted in ``JOBDIR/<spider>/completeness.json``; the run that resumes its
frontier goes on from there (its resumed article requests find their entries), and a run
that finishes removes the file. A killed run (SIGKILL) leaves nothing: the next starts afresh.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals

from archive.fileio import write_atomically
from crawler.extraction import BlockedPage, ExtractionError, NotAnArticle
from crawler.items import META_DISCOVERED, Article
from crawler.outlets.base import Outlet
from crawler.state.jobdir import spider_jobdir
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)

BLOCKED_STATUSES = frozenset({401, 403, 429, 451})
OUTCOMES = ("extracted", "not_article", "blocked", "failed", "removed", "known", "pending")
MAX_LISTED = 1000  # never-fetched articles listed in the report (all are counted)
SAVED_NAME = "completeness.json"  # in the spider's JOBDIR folder, between a stop and a resume


@dataclass
class Discovered:
    outlet: str
    url: str
    title: str | None
    published: str | None  # ISO, in the outlet's zone: the date the feed or listing gave
    discovery_day: str  # the outlet's local day when discovery found it
    scheduled: bool = False  # requested (not filtered out as already held)
    fetched: bool = False  # a 2xx response came back
    outcome: str | None = None
    reason: str | None = None
    article_published: str | None = None  # the date extraction found

    @property
    def day(self) -> str:
        return (self.article_published or self.published or self.discovery_day)[:10]

    @property
    def final(self) -> str:
        if self.outcome:
            return self.outcome
        return "pending" if self.scheduled else "known"


class Completeness:
    """Extension (``crawler.completeness``): the discovered articles of a run and their fate."""

    def __init__(self, crawler: Any) -> None:
        self.entries: dict[str, Discovered] = {}
        self.by_url: dict[str, str] = {}  # fetched URL (after redirects) -> key
        self.jobdir: str | None = None  # JOBDIR, where a stopped run leaves its counts

    @classmethod
    def from_crawler(cls, crawler: Any) -> Completeness:
        ext = cls(crawler)
        ext.jobdir = crawler.settings.get("JOBDIR") or None
        crawler.completeness = ext
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _saved(self, spider: Any) -> Path | None:
        return spider_jobdir(self.jobdir, spider.name) / SAVED_NAME if self.jobdir else None

    def spider_opened(self, spider: Any) -> None:
        """Carry over what the stopped run of this JOBDIR counted, if it left anything."""
        path = self._saved(spider)
        if path is None or not path.exists():
            return
        try:
            saved = json.loads(path.read_text("utf-8"))
            names = {f.name for f in fields(Discovered)}
            entries = {key: Discovered(**{k: v for k, v in entry.items() if k in names})
                       for key, entry in saved["entries"].items()}
            by_url = {str(k): str(v) for k, v in saved["by_url"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            logger.warning("Completeness of the stopped run in %s unreadable (%s): counting "
                           "starts afresh", path, exc)
            return
        self.entries = {**entries, **self.entries}
        self.by_url = {**by_url, **self.by_url}
        logger.info("Completeness: %d articles the stopped run discovered are counted on",
                    len(entries))

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Leave the counts for the run that resumes this JOBDIR, unless this one finished."""
        path = self._saved(spider)
        if path is None:
            return
        if reason == "finished":
            path.unlink(missing_ok=True)
            return
        data = {"entries": {key: asdict(entry) for key, entry in self.entries.items()},
                "by_url": self.by_url}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:  # the error may name the path itself: say it once
            reason = exc.strerror if exc.filename == str(path) and exc.strerror else exc
            logger.warning("Completeness not kept for the next run (%s): %s", path, reason)

    def discovered(self, outlet: Outlet, url: str, title: str | None,
                   published: str | None) -> str:
        key = canonical_url(url, outlet)
        entry = self.entries.get(key)
        if entry is None:
            day = datetime.now(UTC).astimezone(outlet.tz).date().isoformat()
            self.entries[key] = Discovered(outlet.key, key, title, published, day)
        else:  # found again (feed and listing): keep what either said
            entry.title = entry.title or title
            entry.published = entry.published or published
        return key

    def _entry(self, meta: Any) -> Discovered | None:
        return self.entries.get(meta.get(META_DISCOVERED) or "")

    def request_scheduled(self, request: Any, spider: Any = None) -> None:
        if entry := self._entry(request.meta):
            entry.scheduled = True

    def response_received(self, response: Any, request: Any, spider: Any = None) -> None:
        entry = self._entry(request.meta)
        if entry is not None and 200 <= response.status < 300:
            entry.fetched = True
            self.by_url[response.url] = entry.url

    def failed(self, meta: Any, reason: str, status: int | None) -> None:
        """The article was not fetched (HTTP error after retries, download exception)."""
        if entry := self._entry(meta):
            entry.outcome = "blocked" if status in BLOCKED_STATUSES else "failed"
            entry.reason = reason

    def removed(self, meta: Any, status: int, final_url: str | None) -> None:
        """A known article whose answer says it is gone (crawler.removals): no failure."""
        if entry := self._entry(meta):
            entry.outcome = "removed"
            entry.reason = f"http_{status}" + (f" via redirect to {final_url}" if final_url else "")

    def superseded(self, meta: Any) -> None:
        """The page of this request stands for another page the run requested (a frameset for
        its frame, an alias for its canonical): that one is the article and counts, so this
        entry goes (one article, not two)."""
        self.entries.pop(meta.get(META_DISCOVERED) or "", None)

    def extracted(self, url: str, result: Article | ExtractionError) -> None:
        """The outcome of extracting the page fetched from ``url``."""
        entry = self.entries.get(self.by_url.get(url, url))
        if entry is None:
            return
        if isinstance(result, Article):
            entry.outcome, entry.article_published = "extracted", result.published
        elif isinstance(result, BlockedPage):
            entry.outcome, entry.reason = "blocked", f"challenge/{result.kind}"
        elif isinstance(result, NotAnArticle):
            entry.outcome, entry.reason = "not_article", result.kind
        else:
            entry.outcome, entry.reason = "failed", f"extraction/{result.reason}"

    def report(self) -> dict[str, Any]:
        """``by_day``: {outlet: {day: counts}}; ``never_fetched``: articles discovered but not
        fetched; ``never_fetched_count``: all of them, however many are listed."""
        by_day: dict[str, dict[str, dict[str, Any]]] = {}
        never: list[dict[str, Any]] = []
        for entry in self.entries.values():
            counts = by_day.setdefault(entry.outlet, {}).setdefault(
                entry.day, {"discovered": 0, "fetched": 0, **dict.fromkeys(OUTCOMES, 0)})
            counts["discovered"] += 1
            counts["fetched"] += entry.fetched
            counts[entry.final] += 1
            if not entry.fetched and entry.final in ("blocked", "failed"):
                never.append({"outlet": entry.outlet, "url": entry.url, "title": entry.title,
                              "published": entry.published, "outcome": entry.final,
                              "reason": entry.reason})
        for days in by_day.values():
            for counts in days.values():
                wanted = counts["discovered"] - counts["not_article"] - counts["removed"]
                counts["completeness"] = round((counts["extracted"] + counts["known"]) / wanted,
                                               4) if wanted else None
        never.sort(key=lambda n: (n["outlet"], n["published"] or "", n["url"]))
        return {"by_day": {o: dict(sorted(d.items())) for o, d in sorted(by_day.items())},
                "never_fetched": never[:MAX_LISTED], "never_fetched_count": len(never)}


def _tracker(crawler: Any) -> Completeness | None:
    return getattr(crawler, "completeness", None)


def note_discovered(crawler: Any, outlet: Outlet, url: str, title: str | None,
                    published: str | None) -> str | None:
    """Record an article a spider is about to request; returns its key for META_DISCOVERED."""
    tracker = _tracker(crawler)
    return tracker.discovered(outlet, url, title, published) if tracker else None


def note_failed(crawler: Any, request: Any, reason: str, status: int | None) -> None:
    if (tracker := _tracker(crawler)) is not None and request is not None:
        tracker.failed(request.meta, reason, status)


def note_removed(crawler: Any, request: Any, status: int, final_url: str | None) -> None:
    if (tracker := _tracker(crawler)) is not None and request is not None:
        tracker.removed(request.meta, status, final_url)


def note_superseded(crawler: Any, response: Any) -> None:
    if (tracker := _tracker(crawler)) is not None:
        tracker.superseded(response.meta)


def note_extracted(crawler: Any, url: str, result: Article | ExtractionError) -> None:
    if (tracker := _tracker(crawler)) is not None:
        tracker.extracted(url, result)
