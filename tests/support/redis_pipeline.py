"""An item pipeline that meets a Redis outage, for ``scrapy crawl`` tests of distributed runs.

For its first ``OUTAGE_PIPELINE_ITEMS`` articles it asks the Redis at ``OUTAGE_PIPELINE_URL``
(a port nobody listens on: a real ``redis.ConnectionError``), as the state store or any
pipeline talking to Redis does while Redis is down; each article once, then it passes.
"""

from __future__ import annotations

from typing import Any

import redis


class RedisOutagePipeline:
    def __init__(self, url: str, count: int) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1)
        self.count = count
        self.failed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisOutagePipeline:
        return cls(crawler.settings["OUTAGE_PIPELINE_URL"],
                   crawler.settings.getint("OUTAGE_PIPELINE_ITEMS"))

    def process_item(self, item: Any) -> Any:
        url = getattr(item, "url", None)
        if url and len(self.failed) < self.count and url not in self.failed:
            self.failed.add(url)
            self.client.get(f"outage:{url}")  # Redis is down: raises ConnectionError
        return item
