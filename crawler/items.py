"""Item types: the raw article page a spider hands over, and the article item analyzers read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from archive.httputil import part_of_page, range_said


def capture_stamp(moment: datetime) -> str:
    """``fetched_at`` as every path writes it (crawl, replay, re-extraction): UTC, seconds.

    One format everywhere, so a replay or a re-extraction reproduces the crawl's items exactly.
    """
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# The request.meta keys an ArticlePage is built from (crawl and replay alike):
META_FETCHED_AT = "fetched_at"  # capture time, set by the WARC capture or replay middleware
META_WARC_RECORD = "warc_record"  # {file, offset, length, record_id} of the response record
META_PROBE = "removal_probe"  # a soft-removal probe's request: its WARC records are marked so
# The body's length as it came over the wire (still under its Content-Encoding), set by the
# WARC capture middleware before HttpCompressionMiddleware decodes it: the length a 206's
# Content-Range is measured against, as the archive's readers measure the stored payload
META_WIRE_LENGTH = "wire_length"
# The records of the 3xx answers a redirected request went through, in order (or None for
# one not archived), set by crawler.downloadermiddlewares.redirect next to redirect_urls.
META_REDIRECT_RECORDS = "redirect_warc_records"
META_HINT_PUBLISHED = "hint_published"  # a date a feed, listing or URL gave (spiders set it)
# Set by spiders on article requests, read by crawler.extensions.completeness (not by ArticlePage):
META_DISCOVERED = "discovered"  # the article's key (canonical URL) in the run's completeness
META_FEED_TITLE = "feed_title"  # the title the feed gave, if any
# the machine dates (ISO 8601) the site's template writes into every page: no publication dates
META_TEMPLATE_DATES = "template_dates"
# {"url", "feed"}: a feed's relative link resolved against the site's root instead of the
# feed's URL, asked for once should the standard address answer 404 or 410
# (crawler.feeds.at_site_root; the spiders' article_failed)
META_LINK_AT_ROOT = "link_at_root"
# An article request for the URL a fetched page names as its rel="canonical" (the alias's URL;
# crawler.sitecrawl sets it, a redirect back to that URL is followed: the redirect middleware)
CANONICAL_OF = "canonical_of"
# ... and when the alias's page was fetched (ISO): the alias read as the article when its
# canonical fails judges its URL's day as of then (a replay's missing canonical has no time)
CANONICAL_OF_FETCHED_AT = "canonical_of_fetched_at"
# The spiders' discovery callbacks, by what their page is (named so in the log; a redirect of
# theirs always reaches them: crawler.downloadermiddlewares.redirect)
SOURCE_KINDS = {"parse_feed": "Feed", "parse_listing": "Listing", "parse_sitemap": "Sitemap"}


def truncation(response: Any) -> str | None:
    """The WARC-Truncated reason of a response Scrapy delivered cut short, else None.

    With DOWNLOAD_FAIL_ON_DATALOSS=False Scrapy hands on a body shorter than its framing
    promised (Content-Length, chunking), flagged ``dataloss``: the capture marks its record
    truncated, and the crawl must not read it as the whole page (replay never serves it).
    """
    return "disconnect" if "dataloss" in getattr(response, "flags", ()) else None


PARTIAL_FLAG = "partial_content"  # replay's flag of a 206 served holding part of its page


def partial_of(response: Any) -> str | None:
    """What a 206 holding only part of its page holds (``wget -c`` resuming, a browser's
    range request: its Content-Range), else None: never the page a GET with no Range gets.
    Replay flags the one it serves (it measured the stored body against the range)."""
    ranges = [v.decode("latin-1") for v in response.headers.getlist("Content-Range")]
    if PARTIAL_FLAG in getattr(response, "flags", ()):
        return range_said(", ".join(ranges) or None)
    kind = response.headers.get("Content-Type")
    return part_of_page(response.status, ranges, wire_length(response),
                        content_type=kind.decode("latin-1") if kind else None)


def wire_length(response: Any) -> int | None:
    """The length of ``response``'s body as it came (``META_WIRE_LENGTH``, the capture's
    measure, which is the archived payload's: a crawl, its replay and a re-extraction judge a
    206 alike), else its one Content-Length (no capture middleware: the handler's header,
    still the wire's), else None (a 206's Content-Range is then taken at its word)."""
    request = getattr(response, "request", None)
    measured = request.meta.get(META_WIRE_LENGTH) if request is not None else None
    if isinstance(measured, int):
        return measured
    said = response.headers.getlist("Content-Length")
    if len(said) == 1 and said[0].strip().isdigit():
        return int(said[0])
    return None



def fetch_time(response: Any) -> datetime:
    """When ``response`` was fetched: its capture time (``META_FETCHED_AT``, the archived
    record's in a replay), else now. The "now" a feed's or sitemap's dates are bounded by, and
    a what-is-new run's recent days are counted back from, as a page's dates are bounded by
    its ``fetched_at``: a replay of an old capture judges them as the crawl did."""
    return request_time(getattr(response, "request", None))


def request_time(request: Any) -> datetime:
    """:func:`fetch_time` of the answer to ``request`` (None, or not answered yet: now)."""
    stamp = request.meta.get(META_FETCHED_AT) if request is not None else None
    return datetime.fromisoformat(stamp) if stamp else datetime.now(UTC)


def content_type(response: Any) -> str:
    """A Scrapy response's Content-Type as text ("" when it has none)."""
    return response.headers.get("Content-Type", b"").decode("latin-1")

@dataclass
class ArticlePage:
    """An article page as downloaded; the extraction pipeline turns it into an :class:`Article`.

    Spiders do no parsing of article bodies themselves, so extraction can run off the reactor
    (in a process pool) and the same code serves live crawls, replay and re-extraction. Built
    only by :meth:`from_response` (crawl, replay: from a Scrapy response and the ``META_*``
    keys above) and :meth:`from_archived` (re-extraction and fixtures: from a WARC record).
    """

    url: str  # the URL the page was fetched from (after redirects)
    outlet: str  # outlet key, e.g. "belta" or a district site's host
    body: bytes
    headers: dict[str, str]  # response headers needed to decode the body (Content-Type)
    status: int
    fetched_at: str  # UTC ISO 8601, the capture time
    warc: dict[str, Any] | None = None  # {file, offset, length, record_id} of the response record
    hint_published: str | None = None  # a date the listing or URL gave, used only as a fallback
    truncated: str | None = None  # WARC-Truncated reason when the body arrived cut short
    # a 206 holding part of its page: what it holds (its Content-Range); never an article
    partial: str | None = None
    # the file of ``warc`` exactly as read (a path, or a WACZ member's location): its "file"
    # is a base name, which two inputs may share; where a re-extraction finds its run
    warc_path: str | None = None
    # machine dates (ISO 8601) the site's template writes into every page, as the run found
    # them (crawler.sitediscovery.MachineDates): the page's printed date is taken instead
    template_dates: tuple[str, ...] = ()

    @classmethod
    def from_response(cls, response: Any, outlet: str) -> ArticlePage:
        """The page of a Scrapy response (live or replayed) and its request's meta keys."""
        meta = response.meta
        return cls(
            url=response.url,
            outlet=outlet,
            body=response.body,
            headers={"Content-Type": content_type(response)},
            status=response.status,
            fetched_at=meta.get(META_FETCHED_AT) or capture_stamp(datetime.now(UTC)),
            warc=meta.get(META_WARC_RECORD),
            hint_published=meta.get(META_HINT_PUBLISHED),
            truncated=truncation(response),
            partial=partial_of(response),
            template_dates=tuple(meta.get(META_TEMPLATE_DATES, ())),
        )

    @classmethod
    def from_archived(cls, archived: Any, body: bytes, outlet: str, url: str | None = None
                      ) -> ArticlePage:
        """The page of an archived response (``archive.model.ArchivedResponse``) whose payload
        was decoded to ``body``: what the crawl that captured it would have built."""
        return cls(
            url=url or archived.url, outlet=outlet, body=body,
            headers={"Content-Type": archived.content_type() or ""},
            status=archived.status, fetched_at=capture_stamp(archived.date),
            warc=archived.ref.as_dict(), warc_path=archived.ref.path or None,
            partial=archived.part(),
        )

    def record_said(self) -> str:
        """Where the page's record is, as a log line names it: ``<file> offset <n>`` (the file
        as read, else the record's base name); "" when no file is known (not archived)."""
        warc = self.warc or {}
        where = self.warc_path or warc.get("file")
        return f"{where} offset {warc.get('offset')}" if where else ""


@dataclass
class Article:
    """One article: the contract with downstream analyzers (see archive/schema/article.schema.json)."""

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
    extractor: dict[str, Any]  # name, version, method, rules, fields (see the schema)
    version: int = 1
    previous_version_digest: str | None = None
    # "edit" (a new version of the text), "replaced" (a new version sharing almost nothing
    # with the previous one: crawler.pipelines.incremental.REPLACED_BELOW), "redated" (the same
    # text, published on another day: crawler.pipelines.incremental.redated), None (version 1)
    change: str | None = None
    near_duplicates: list[str] = field(default_factory=list)
