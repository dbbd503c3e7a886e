"""``scrapy crawl`` that checks spider arguments first.

Scrapy builds the spider inside the running reactor, where a UsageError becomes a traceback
("Task exception was never retrieved"). Checking ``-a`` values here makes a bad value a plain
usage error (message, exit status 2) before anything is downloaded.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and self.crawler_process is not None:
            try:
                spidercls = self.crawler_process.spider_loader.load(args[0])
            except KeyError:
                spidercls = None
            check = getattr(spidercls, "check_arguments", None)
            if callable(check):
                check(**opts.spargs)
        super().run(args, opts)
