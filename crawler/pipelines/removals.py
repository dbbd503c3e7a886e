"""Item pipeline: an article recorded removed whose page gives the article again is restored.

RemovalMiddleware notes the 2xx answer of such an article (``RemovalLog.returning``); the
observation is written only once extraction made an article of it, so a "page not found"
served with 200 does not count as the article coming back. Runs right after extraction,
before the date window and the incremental drop of unchanged texts (an unchanged article
that returns is still restored).
"""

from __future__ import annotations

from typing import Any

from crawler.items import Article
from crawler.removals import RESTORED, Observation, removal_log


class RestoredArticlePipeline:
    """Write the ``restored`` observation of an article recorded removed."""

    def __init__(self, crawler: Any) -> None:
        self.log = removal_log(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RestoredArticlePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article) or item.url not in self.log.returning:
            return item
        status, final = self.log.returning.pop(item.url)
        since = self.log.removed_since(item.url)
        if since is not None:
            self.log.record(Observation(
                event=RESTORED, url=item.url, id=item.id, source=item.source,
                observed_at=item.fetched_at, status=status, final_url=final, warc=item.warc,
                removed_at=since))
        return item
