"""``scrapy crawl`` exactly as Scrapy runs it, plus exit status 1 for an unhealthy run.

Scrapy 2.19's crawl command derives its exit code only from
``crawler_process.bootstrap_failed``, and nothing a running crawler (extension, pipeline)
holds reaches the process object, so no component can set it. This subclass leaves the
crawl untouched and only reads the run outcomes the RunReport extension recorded.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.runhealth import finished_runs


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        if any(not outcome.healthy for outcome in finished_runs):
            self.exitcode = self.exitcode or 1
