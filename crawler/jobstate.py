"""Make JOBDIR resumption agree with the article state store.

Scrapy's JOBDIR records a request as *seen* when it is scheduled, not when its item is
exported, and a SIGKILL loses the unflushed tail of both the feed and the pending queue.
Resuming then silently skips articles that were scheduled but never exported. Here the
state store is the only record of what is done: the dupefilter deduplicates within a run
only, and file feeds write every item through to the OS before the state store advances.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from scrapy.dupefilters import RFPDupeFilter
from scrapy.extensions.feedexport import FileFeedStorage


class RunDupeFilter(RFPDupeFilter):
    """RFPDupeFilter that never persists fingerprints to ``JOBDIR/requests.seen``.

    After a restart, feeds are read again and the article requests they yield pass; the
    incremental middleware and pipeline skip what the state store already holds.
    """

    def __init__(self, path: str | None = None, debug: bool = False, **kwargs: Any) -> None:
        super().__init__(None, debug, **kwargs)


class DurableFileFeedStorage(FileFeedStorage):
    """Local feed files opened unbuffered: an exported line survives a SIGKILL of the crawl
    (the state store is only told after the exporter wrote the item)."""

    def open(self, spider: Any) -> IO[bytes]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        return Path(self.path).open(self.write_mode, buffering=0)
