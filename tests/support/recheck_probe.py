"""The old-article middleware's start under a real reactor, beside a LoopingCall that ticks
every 20 ms (as the frontier monitor's heartbeat): how long the due scan took and the
longest the reactor went without a tick. Run as ``python -m tests.support.recheck_probe
REDIS_URL PREFIX``; prints one JSON line."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from typing import Any

from scrapy.utils.reactor import install_reactor

install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

from scrapy import Spider  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402
from twisted.internet import defer, reactor, task  # noqa: E402

from crawler.spidermiddlewares.old_articles import OldArticleRecheckMiddleware  # noqa: E402

OWN = "https://www.belta.by/"


@dataclass
class Outlet:
    key: str


class Probe(Spider):
    name = "probe"

    def outlets(self) -> list[Outlet]:
        return [Outlet("belta")]

    def outlet_of(self, url: str) -> Outlet | None:
        return Outlet("belta") if url.startswith(OWN) else None

    def fetch_url(self, outlet: Outlet, url: str) -> str:
        return url

    def parse_article(self, response: Any) -> None: ...

    def article_failed(self, failure: Any) -> None: ...


async def _nothing() -> Any:
    return
    yield


async def scan(url: str, prefix: str) -> dict[str, Any]:
    crawler = get_crawler(Probe, {"REDIS_URL": url, "STATE_REDIS_PREFIX": prefix,
                                  "STATE_BACKEND": "crawler.state.redis.RedisStateStore",
                                  "REFETCH_OLD_MAX": 50, "REFETCH_MAX_AGE_DAYS": 3})
    crawler.spider = Probe.from_crawler(crawler)
    middleware = OldArticleRecheckMiddleware(crawler)
    ticks: list[float] = []
    beat = task.LoopingCall(lambda: ticks.append(time.monotonic()))
    beat.start(0.02)
    started = time.monotonic()
    asked = [r.url async for r in middleware.process_start(_nothing())]
    took = time.monotonic() - started
    await asyncio.sleep(0.1)
    beat.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    return {"seconds": took, "max_gap": max(gaps, default=took), "ticks": len(ticks),
            "asked": asked}


def main() -> None:
    url, prefix = sys.argv[1:3]
    result: dict[str, Any] = {}

    def done(value: dict[str, Any]) -> None:
        result.update(value)
        reactor.stop()

    def failed(failure: Any) -> None:
        result["error"] = failure.getTraceback()
        reactor.stop()

    reactor.callWhenRunning(lambda: defer.Deferred.fromFuture(
        asyncio.ensure_future(scan(url, prefix))).addCallbacks(done, failed))
    reactor.run()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
