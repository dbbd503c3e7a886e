"""Log lines that name the URL and the reason, without dumping page bodies into the log."""

from __future__ import annotations

from typing import Any

from scrapy import logformatter

from crawler.items import ArticlePage


class ArchiveLogFormatter(logformatter.LogFormatter):
    """Dropped items are logged by URL: an ArticlePage's repr would print the whole body."""

    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any = None) -> logformatter.LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        if isinstance(item, ArticlePage):
            result["msg"] = "Dropped: %(exception)s"
            result["args"] = {"exception": exception}
        return result
