"""``scrapy probe URL``: what the outlet's rules and the generic path make of one page.

    scrapy probe URL                                   # fetched as a crawl fetches it
    scrapy probe URL -s WARC_REPLAY=data/warc          # read from the archive instead
    scrapy probe URL --fixture [--out DIR]             # and save it as a regression fixture

The page is fetched by a one-request crawl in this process with the project's settings and
downloader middlewares (robots.txt, user agent, WARC capture, or WARC replay), so what the
probe sees is what the crawl saw. It prints, per field, the rule version and the selector
that matched (or the selectors that missed and what filled in), the value, the generic
path's source and value, and whether they differ. Exit status 1 when the page gives no item
or none came (unreachable, a DNS failure: the reason on stderr), 2 on a bad command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.extraction import ExtractionError
from crawler.extraction.probe import probe_page, render
from crawler.failures import SEE_ERROR_ANSWERS, describe
from crawler.items import ArticlePage
from crawler.outlets import outlet_for_url
from crawler.outlets.fixtures import FIXTURES_DIR, write_fixture
from crawler.urls import why_no_url


class ProbeSpider(scrapy.Spider):
    """One request, its response kept in ``sink``; nothing exported, no run report."""

    name = "probe"
    custom_settings = {
        "ITEM_PIPELINES": {}, "ITEMS_TO_DATA_DIR": False, "FEEDS": {}, "JOBDIR": None,
        "EXTENSIONS": {"crawler.extensions.run_report.RunReport": None,
                       "crawler.extensions.run_lock.RunLock": None,
                       "crawler.extensions.rule_drift.RuleDrift": None,
                       "crawler.extensions.completeness.Completeness": None,
                       "crawler.extensions.feed_export.CheckedFeedExporter": None},
    }

    def __init__(self, url: str, sink: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url, self.sink = url, sink

    async def start(self) -> Any:
        yield scrapy.Request(self.url, callback=self.answered, errback=self.failed,
                             dont_filter=True, meta=dict(SEE_ERROR_ANSWERS))

    def answered(self, response: Any) -> None:
        self.sink["response"] = response

    def failed(self, failure: Any) -> None:
        self.sink["error"] = describe(failure.value)


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "URL [-s WARC_REPLAY=PATH] [--fixture [--out DIR] [--name NAME]]"

    def short_desc(self) -> str:
        return "Show per field what the outlet's rules and the generic path read from a page"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--fixture", action="store_true",
                            help="save the page and its item as a regression fixture")
        parser.add_argument("--out", metavar="DIR", default=str(FIXTURES_DIR),
                            help="fixture root (default: tests/fixtures/outlets)")
        parser.add_argument("--name", help="fixture file name (default: the article id)")

    def fetch(self, url: str) -> Any:
        """The response, or None (reason on stderr, exit 1) when none came: an unreachable
        page is a failed probe, like a 404, not a bad command line."""
        sink: dict[str, Any] = {}
        assert self.crawler_process is not None
        self.crawler_process.crawl(ProbeSpider, url=url, sink=sink)
        self.crawler_process.start()
        if "response" not in sink:
            print(f"error: {url}: not fetched ({sink.get('error', 'no response')})",
                  file=sys.stderr)
            self.exitcode = 1
            return None
        return sink["response"]

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one URL")
        if (why := why_no_url(args[0])) is not None:  # urlsplit's traceback, or a start_error
            raise UsageError(f"{args[0]!r} is no page address ({why})", print_help=False)
        parts = urlsplit(args[0])
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{args[0]!r} is no page address: give the whole URL, e.g. "
                             f"https://{args[0].split('://')[-1].lstrip('/')}", print_help=False)
        response = self.fetch(args[0])
        if response is None:
            return
        if response.status != 200:
            where = " in the archive" if self.settings.get("WARC_REPLAY") else ""
            print(f"url: {response.url}\nstatus: {response.status}{where}: nothing to probe")
            self.exitcode = 1
            return
        outlet = outlet_for_url(response.url)
        page = ArticlePage.from_response(response, outlet.key if outlet else "")
        probe = probe_page(page)
        print(render(probe))
        if probe.outcome != "item":
            self.exitcode = 1
        if opts.fixture:
            try:
                path = write_fixture(page, Path(opts.out), opts.name)
            except (ExtractionError, ValueError) as exc:
                raise UsageError(f"{page.url}: no fixture ({exc})", print_help=False) from None
            except OSError as exc:  # a full or read-only disk: nothing half-made is left
                print(f"error: {exc.filename or opts.out}: {exc.strerror or exc}",
                      file=sys.stderr)
                self.exitcode = 1
                return
            print(f"\nfixture: {path}\nfixture: {path.with_suffix('.html.gz')}")
