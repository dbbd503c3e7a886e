"""Layout drift: outlet rules that stopped matching, counted per outlet and field.

Extraction (in worker processes) sends back, with each article, the rule selectors that found
nothing on its page (crawler.extraction.rule_misses); here the crawl process counts them as
stats (``rules/pages/<outlet>``, ``rules/miss/<outlet>/<field>``), keeps the selectors and a
few sample URLs, and turns a field whose miss rate passes ``RULE_MISS_ALARM`` over at least
``RULE_MISS_MIN_PAGES`` pages into an alarm of the run report. A required field's rule that
found nothing on every page of the newest publication days while it matched on older ones
alarms too, below the rate, when that run of pages is a layout's and not a few odd pages: at
least two days, and at least ``RULE_MISS_MIN_PAGES`` pages and ``RULE_MISS_ALARM`` times the
pages of the other days (:func:`edge_is_layout`). The same run at the oldest end (a new rule
version that no longer reads the old template still served) is reported and warned of only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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
# Fields whose publication day is the one the page's date came from (a fallback when their rule
# missed): their misses by day say nothing of which days a layout changed on.
DAY_BLIND_FIELDS = frozenset({"published", "published_visible"})
# An edge run of misses of one day is a day's odd pages (photo stubs after midnight), not a
# layout: it takes at least this many publication days.
EDGE_MIN_DAYS = 2


@dataclass
class FieldMisses:
    misses: int = 0
    selectors: tuple[str, ...] = ()
    rules: str = ""  # <outlet>@<version> of the last miss
    sources: dict[str, int] = field(default_factory=dict)  # what filled the field instead
    samples: list[str] = field(default_factory=list)
    days: Counter[str] = field(default_factory=Counter)  # misses by publication day

    def add(self, selectors: Iterable[str], rules: str, day: str | None, url: str) -> None:
        """Count one page the field's rules (``rules``, an outlet's version) missed on: the
        selectors that found nothing, its publication day (None: undated) and its URL, kept
        among the first :data:`MAX_SAMPLES`. (What filled the field instead is the crawl's
        to count, in ``sources``.)"""
        self.misses += 1
        self.selectors, self.rules = tuple(selectors), rules
        if day:
            self.days[day] += 1
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append(url)


def publication_day(article: Article | dict[str, Any]) -> str | None:
    """The day of the outlet's own calendar a page was published on (its ``published`` as
    written, in the outlet's offset), or None for an undated page."""
    published = (article.get("published") if isinstance(article, dict)
                 else article.published)
    return published[:10] if isinstance(published, str) and len(published) >= 10 else None


def missed_since(pages_by_day: Counter[str], misses_by_day: Counter[str],
                 newest_first: bool = True) -> tuple[str, int, int] | None:
    """(last day reached, pages, days) of the newest publication days (``newest_first=False``: the
    oldest) on every page of which a rule found nothing, when it matched on a page of another
    day: a layout that changed for the pages published since (or a new version's rules that
    no longer read the older pages); None when the rule matched on that end's day, or never."""
    edge, pages, days = None, 0, 0
    for day in sorted(pages_by_day, reverse=newest_first):
        if misses_by_day.get(day, 0) < pages_by_day[day]:
            return (edge, pages, days) if edge else None
        edge, pages, days = day, pages + pages_by_day[day], days + 1
    return None  # missed on every dated page: the rate test's case


class RuleDrift:
    """Extension: the rule misses of a run (``crawler.rule_drift``), read by the run report."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.rate = crawler.settings.getfloat("RULE_MISS_ALARM", DEFAULT_ALARM_RATE)
        self.min_pages = crawler.settings.getint("RULE_MISS_MIN_PAGES", DEFAULT_MIN_PAGES)
        self.pages: dict[str, int] = {}
        self.days: dict[str, Counter[str]] = {}  # pages by outlet and publication day
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
        day = publication_day(article)
        if day:
            self.days.setdefault(outlet, Counter())[day] += 1
        fields = article.extractor.get("fields") or {}
        for name in OPTIONAL_FIELDS:  # read against recent runs by run_verdict
            if str(fields.get(name, "")).startswith(RULE_PREFIX):
                self.stats.inc_value(f"rules/filled/{outlet}/{name}")
        for name, selectors in rule_misses(article).items():
            self.stats.inc_value(f"rules/miss/{outlet}/{name}")
            entry = self.misses.setdefault((outlet, name), FieldMisses())
            entry.add(selectors, rules, day, article.url)
            source = fields.get(name, "none")
            entry.sources[source] = entry.sources.get(source, 0) + 1

    def report(self) -> dict[str, Any]:
        """``{outlet: {pages, fields: {field: {misses, rate, selectors, rules, filled_by,
        samples[, missed_since | missed_until]}}}}`` for the run report; ``missed_since``
        ``{day, pages, days, dated}`` when the rule missed on every page of the newest days only,
        ``missed_until`` of the oldest days only (:func:`missed_since`)."""
        out: dict[str, Any] = {}
        for (outlet, name), entry in sorted(self.misses.items()):
            pages = self.pages.get(outlet, 0)
            out.setdefault(outlet, {"pages": pages, "fields": {}})["fields"][name] = \
                field_report(entry, pages, self.days.get(outlet, Counter()), name)
        return out

    def alarms(self) -> list[str]:
        return drift_alarms(self.report(), self.rate, self.min_pages)

    def warnings(self) -> list[str]:
        return drift_warnings(self.report(), self.rate, self.min_pages)


def field_report(entry: FieldMisses, pages: int, days: Counter[str],
                 name: str = "") -> dict[str, Any]:
    """One field's misses as the run report (and ``scrapy reextract``) give them."""
    out: dict[str, Any] = {
        "misses": entry.misses, "rate": round(entry.misses / pages, 4) if pages else None,
        "selectors": list(entry.selectors), "rules": entry.rules,
        "filled_by": dict(sorted(entry.sources.items())), "samples": list(entry.samples)}
    if name in DAY_BLIND_FIELDS:
        return out
    dated = sum(days.values())
    for key, newest_first in (("missed_since", True), ("missed_until", False)):
        if edge := missed_since(days, entry.days, newest_first=newest_first):
            out[key] = {"day": edge[0], "pages": edge[1], "days": edge[2], "dated": dated}
            break  # the newest end first: the oldest only when the newest matched
    return out


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


def edge_is_layout(block: dict[str, Any] | None, rate: float, min_pages: int) -> bool:
    """Whether an edge run of missed pages (``missed_since``/``missed_until``) is a layout's
    share of the outlet and not a few odd pages at an end of the window (evergreen galleries
    at the oldest, a day's photo stubs at the newest): at least :data:`EDGE_MIN_DAYS` days,
    ``min_pages`` pages, and ``rate`` times the dated pages of the other days."""
    if not block:
        return False
    others = block["dated"] - block["pages"]
    return (block["days"] >= EDGE_MIN_DAYS and block["pages"] >= min_pages
            and block["pages"] >= rate * others)


def newly_drifted(name: str, f: dict[str, Any], rate: float, min_pages: int) -> bool:
    """Whether a required field's rule missed on every page of the newest days, a layout's
    share of them (:func:`edge_is_layout`), having matched on older ones: a redesign."""
    return name not in OPTIONAL_FIELDS and edge_is_layout(f.get("missed_since"), rate,
                                                          min_pages)


def old_layout_unread(name: str, f: dict[str, Any], rate: float, min_pages: int) -> bool:
    """Whether a required field's rule missed on every page of the oldest days, a layout's
    share of them, matching on newer ones: rules that no longer read an older template the
    site still serves. Warned of, not alarmed: old pages may as well be a different kind."""
    return name not in OPTIONAL_FIELDS and edge_is_layout(f.get("missed_until"), rate,
                                                          min_pages)


def block_said(f: dict[str, Any]) -> str:
    """The days a rule missed on every page of, as an alarm says them."""
    if since := f.get("missed_since"):
        return (f"on all {since['pages']} published since {since['day']}, matched before: "
                "a layout change")
    until = f["missed_until"]
    return (f"on all {until['pages']} published up to {until['day']}, matched after: an "
            "older layout these rules no longer read")


def drift_alarms(report: dict[str, Any], rate: float, min_pages: int) -> list[str]:
    """One alarm per outlet field whose rules missed on more than ``rate`` of at least
    ``min_pages`` pages (an optional field: on all of them), or on every page published
    since a day (:func:`newly_drifted`): it names the outlet, the field, the selectors and
    sample URLs."""
    alarms = []
    for outlet, data in report.items():
        for name, f in data["fields"].items():
            if drifted(name, f["misses"], data["pages"], rate, min_pages):
                optional = name in OPTIONAL_FIELDS
                limit = ("on every page" if optional or data["pages"] < min_pages
                         else f"above {rate:.0%}")
            elif newly_drifted(name, f, rate, min_pages):
                limit = block_said(f)
            else:
                continue
            alarms.append(drift_said(outlet, name, f, data["pages"], limit))
    return alarms


def drift_said(outlet: str, name: str, f: dict[str, Any], pages: int, limit: str) -> str:
    """One field's misses as an alarm or warning says them, with sample URLs to probe."""
    selectors = ", ".join(repr(s) for s in f["selectors"])
    return (f"layout drift: {outlet} {name}: rule {selectors} ({f['rules']}) found "
            f"nothing on {f['misses']} of {pages} pages ({f['rate']:.0%}, {limit}); "
            f"filled by {f['filled_by']} instead; e.g. " + " ".join(f["samples"]))


def drift_warnings(report: dict[str, Any], rate: float, min_pages: int) -> list[str]:
    """One warning per outlet field that raised no alarm but whose rules missed on every page
    of the oldest days, a layout's share (:func:`old_layout_unread`): logged, no exit 1."""
    return [drift_said(outlet, name, f, data["pages"], block_said(f))
            for outlet, data in report.items() for name, f in data["fields"].items()
            if old_layout_unread(name, f, rate, min_pages)
            and not drifted(name, f["misses"], data["pages"], rate, min_pages)]


def note_article(crawler: Any, article: Article) -> None:
    """Hand an extracted article to the run's RuleDrift extension (when it runs)."""
    drift = getattr(crawler, "rule_drift", None)
    if drift is not None:
        drift.note(article)
