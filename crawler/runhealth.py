"""Is this run healthy? A summary of a run's stats compared with the spider's recent runs.

Pure functions over stats dicts and earlier reports, so the rules are easy to test and
reuse (RunReport writes them, the crawl commands turn them into exit codes).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

logger = logging.getLogger(__name__)

BLOCKED_STATUSES = ("403", "429")
MIN_ERROR_ALARM = 5  # errors never alarm below this, whatever the history says


def _sum_prefix(stats: dict[str, Any], prefix: str, skip: tuple[str, ...] = ()) -> int:
    return sum(int(v) for k, v in stats.items()
               if k.startswith(prefix) and not k.endswith(skip) and isinstance(v, int | float))


def blocked_pages(stats: dict[str, Any]) -> int:
    """Final 403/429/5xx answers (after retries) that reached no callback, and anti-bot pages
    served with 200 in place of an article (``pages/blocked/<kind>``)."""
    prefix = "httperror/response_ignored_status_count/"
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix)
               and (k[len(prefix):] in BLOCKED_STATUSES or k[len(prefix):].startswith("5"))
               ) + _sum_prefix(stats, "pages/blocked/")


def skipped_pages(stats: dict[str, Any]) -> dict[str, int]:
    """Pages fetched as articles that were not (``pages/skipped/<kind>``), by kind."""
    prefix = "pages/skipped/"
    return {k[len(prefix):]: int(v) for k, v in sorted(stats.items())
            if k.startswith(prefix) and isinstance(v, int | float)}


def errors_by_kind(stats: dict[str, Any]) -> dict[str, int]:
    return {
        "log_errors": int(stats.get("log_count/ERROR", 0)),
        "extraction_failed": _sum_prefix(stats, "extraction/failed/"),
        "invalid_items": int(stats.get("items/invalid", 0)),
        # IgnoreRequest is how robots.txt and filters say no; it is not a failure.
        "download_exceptions": _sum_prefix(stats, "downloader/exception_type_count/",
                                           skip=("IgnoreRequest",)),
        "blocked_pages": blocked_pages(stats),
    }


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures a scheduled run is judged by."""
    extracted = int(stats.get("health/articles", 0))
    failed = _sum_prefix(stats, "extraction/failed/")
    attempted = extracted + failed
    errors = errors_by_kind(stats)
    return {
        "pages_fetched": int(stats.get("response_received_count", 0)),
        "article_pages_fetched": int(stats.get("articles/downloaded", 0)),
        # Articles the outlet still shows us: extracted now, or known and not re-fetched.
        "articles": extracted + int(stats.get("incremental/skipped_known", 0)),
        "articles_new": int(stats.get("incremental/new", 0)),
        "articles_unchanged": int(stats.get("incremental/unchanged", 0)),
        "articles_new_versions": int(stats.get("incremental/new_version", 0)),
        "near_duplicates": int(stats.get("incremental/near_duplicates", 0)),
        "blocked_pages": errors["blocked_pages"],
        "blocked_urls": list(stats.get("pages/blocked_urls") or []),
        "skipped_pages": skipped_pages(stats),
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        # Share of article pages that gave a title, a date and >= 300 characters of body.
        "extraction_health": round(int(stats.get("health/complete", 0)) / attempted, 4)
        if attempted else None,
    }


def previous_summaries(directory: Path, spider: str, limit: int) -> list[dict[str, Any]]:
    """Summaries of the spider's last ``limit`` reports (oldest first); unreadable ones skipped."""
    summaries = []
    for path in sorted(directory.glob(f"{spider}-*.json"))[-limit:]:
        try:
            report = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("Ignoring unreadable run report %s: %s", path, exc)
            continue
        if report.get("spider") == spider and isinstance(report.get("summary"), dict):
            summaries.append(report["summary"])
    return summaries


def baseline(history: list[dict[str, Any]]) -> dict[str, float | None]:
    def med(key: str) -> float | None:
        values = [s[key] for s in history if isinstance(s.get(key), int | float)]
        return median(values) if values else None
    return {"runs": len(history), "articles": med("articles"), "errors": med("errors"),
            "extraction_health": med("extraction_health")}


@dataclass
class Verdict:
    alarms: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.alarms


def judge(summary: dict[str, Any], base: dict[str, float | None], health_min: float) -> Verdict:
    verdict = Verdict()
    if summary["articles"] == 0 and (base["articles"] or 0) > 0:
        verdict.alarms.append(f"no articles (median of the last {base['runs']} runs: "
                              f"{base['articles']:g})")
    health = summary["extraction_health"]
    if health is not None and health < health_min:
        verdict.alarms.append(f"extraction health {health:.2f} below {health_min:.2f}: "
                              "articles without title, date or a 300-character body")
    limit = max(3 * (base["errors"] or 0), MIN_ERROR_ALARM)
    if summary["errors"] > limit:
        verdict.alarms.append(f"{summary['errors']} errors, above {limit:g} "
                              f"(3 x median {base['errors'] or 0:g}, at least "
                              f"{MIN_ERROR_ALARM}): {summary['errors_by_kind']}")
    return verdict


@dataclass(frozen=True)
class RunOutcome:
    spider: str
    finish_reason: str | None
    healthy: bool
    alarms: tuple[str, ...]
    summary: dict[str, Any]
    report_path: str


# Outcomes of the runs this process finished; the crawl commands set exit codes from them.
finished_runs: list[RunOutcome] = []
