"""Layout drift: outlet rules that stopped matching, counted per outlet and field.

Extraction (in worker processes) sends back, with each article, the rule selectors that found
nothing on its page (crawler.extraction.rule_misses); here the crawl process counts them as
stats (``rules/pages/<outlet>``, ``rules/miss/<outlet>/<field>``), keeps the selectors and a
few sample URLs, and turns a field whose miss rate passes ``RULE_MISS_ALARM`` over at least
``RULE_MISS_MIN_PAGES`` pages into an alarm of the run report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.extensions.run_verdict import OPTIONAL_RULE_FIELDS
from crawler.extraction import rule_misses
from crawler.extraction.provenance import RULE_PREFIX
from crawler.items import Article

MAX_SAMPLES = 5
# Fields many pages of a healthy layout lack (an unsigned article): their rules alarm here only
# when they missed on every page; a drop against the outlet's recent runs alarms in run_verdict
# (``rules/filled/<outlet>/<field>``: pages the rule filled, default authors or not).
OPTIONAL_FIELDS = frozenset(OPTIONAL_RULE_FIELDS)
DEFAULT_ALARM_RATE = 0.5
DEFAULT_MIN_PAGES = 5
# A required field's rule that missed on every page of a run of fewer pages alarms from this
# many: a paper that publishes two articles a day never reached the minimum, and its drift was
# never said (the misses of runs are not added up).
ALL_MISSED_MIN_PAGES = 2


@dataclass
class FieldMisses:
    misses: int = 0
    selectors: tuple[str, ...] = ()
    rules: str = ""  # <outlet>@<version> of the last miss
    sources: dict[str, int] = field(default_factory=dict)  # what filled the field instead
    samples: list[str] = field(default_factory=list)


class RuleDrift:
    """Extension: the rule misses of a run (``crawler.rule_drift``), read by the run report."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.rate = crawler.settings.getfloat("RULE_MISS_ALARM", DEFAULT_ALARM_RATE)
        self.min_pages = crawler.settings.getint("RULE_MISS_MIN_PAGES", DEFAULT_MIN_PAGES)
        self.pages: dict[str, int] = {}
        self.misses: dict[tuple[str, str], FieldMisses] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> RuleDrift:
        ext = cls(crawler)
        crawler.rule_drift = ext
        return ext

    def note(self, article: Article) -> None:
        """Count one extracted article of an outlet read by rules, and its rules' misses."""
        rules = article.extractor.get("rules")
        if not rules:
            return
        outlet = article.source
        self.pages[outlet] = self.pages.get(outlet, 0) + 1
        self.stats.inc_value(f"rules/pages/{outlet}")
        fields = article.extractor.get("fields") or {}
        for name in OPTIONAL_FIELDS:  # read against recent runs by run_verdict
            if str(fields.get(name, "")).startswith(RULE_PREFIX):
                self.stats.inc_value(f"rules/filled/{outlet}/{name}")
        for name, selectors in rule_misses(article).items():
            self.stats.inc_value(f"rules/miss/{outlet}/{name}")
            entry = self.misses.setdefault((outlet, name), FieldMisses())
            entry.misses += 1
            entry.selectors, entry.rules = tuple(selectors), rules
            source = fields.get(name, "none")
            entry.sources[source] = entry.sources.get(source, 0) + 1
            if len(entry.samples) < MAX_SAMPLES:
                entry.samples.append(article.url)

    def report(self) -> dict[str, Any]:
        """``{outlet: {pages, fields: {field: {misses, rate, selectors, rules, filled_by,
        samples}}}}`` for the run report."""
        out: dict[str, Any] = {}
        for (outlet, name), entry in sorted(self.misses.items()):
            pages = self.pages.get(outlet, 0)
            out.setdefault(outlet, {"pages": pages, "fields": {}})["fields"][name] = {
                "misses": entry.misses, "rate": round(entry.misses / pages, 4) if pages else None,
                "selectors": list(entry.selectors), "rules": entry.rules,
                "filled_by": dict(sorted(entry.sources.items())), "samples": list(entry.samples)}
        return out

    def alarms(self) -> list[str]:
        return drift_alarms(self.report(), self.rate, self.min_pages)


def drifted(name: str, misses: int, pages: int, rate: float, min_pages: int) -> bool:
    """Whether a field's rules missed on more than ``rate`` of at least ``min_pages`` pages
    (an optional field's: on every one), or a required field's on every page of a smaller
    run (:data:`ALL_MISSED_MIN_PAGES`): the RULE_MISS_ALARM test, of a crawl and of
    ``scrapy reextract`` alike."""
    if name not in OPTIONAL_FIELDS and pages >= ALL_MISSED_MIN_PAGES and misses >= pages:
        return True
    if pages < min_pages or not pages:
        return False
    return misses >= pages if name in OPTIONAL_FIELDS else round(misses / pages, 4) > rate


def drift_alarms(report: dict[str, Any], rate: float, min_pages: int) -> list[str]:
    """One alarm per outlet field whose rules missed on more than ``rate`` of at least
    ``min_pages`` pages (an optional field: on all of them): it names the outlet, the field,
    the selectors and sample URLs."""
    alarms = []
    for outlet, data in report.items():
        for name, f in data["fields"].items():
            if not drifted(name, f["misses"], data["pages"], rate, min_pages):
                continue
            optional = name in OPTIONAL_FIELDS
            selectors = ", ".join(repr(s) for s in f["selectors"])
            limit = ("on every page" if optional or data["pages"] < min_pages
                     else f"above {rate:.0%}")
            alarms.append(
                f"layout drift: {outlet} {name}: rule {selectors} ({f['rules']}) found "
                f"nothing on {f['misses']} of {data['pages']} pages ({f['rate']:.0%}, {limit}); "
                f"filled by {f['filled_by']} instead; e.g. " + " ".join(f["samples"]))
    return alarms


def note_article(crawler: Any, article: Article) -> None:
    """Hand an extracted article to the run's RuleDrift extension (when it runs)."""
    drift = getattr(crawler, "rule_drift", None)
    if drift is not None:
        drift.note(article)
