"""Scrapy's downloader, able to give up the downloads it holds when a stop has waited enough.

A graceful stop (SIGTERM, Ctrl-C once, a CloseSpider limit) lets every download the
downloader holds finish, each up to ``DOWNLOAD_TIMEOUT``, the queued ones one batch after
another: a slow site held a stopping crawl for many minutes, and schedulers then SIGKILLed
it. :class:`GracefulDownloader` can give them up at once (:meth:`give_up`, called by
:class:`crawler.extensions.shutdown_grace.ShutdownGrace` when ``SHUTDOWN_GRACE_SECONDS`` ran
out): transfers are cancelled (their connection closed), queued requests never start, retries
stop waiting out their backoff (:meth:`GracefulDownloader.pause`), and
each fails with :class:`ShutdownCancelled`, an ``IgnoreRequest``, after the ``on_give_up``
hook had its say (keep it for the next run, drop its errback). A cancelled transfer never
reaches the capture middleware with a response, nor with what arrived of one: nothing of it
is written to the WARC.

This subclasses private parts of Scrapy 2.19's downloader (``_download``, ``Slot.queue``),
pinned in requirements.txt and checked by tests/crawler/test_scrapy_internals.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater
from twisted.python.failure import Failure


class ShutdownCancelled(IgnoreRequest):
    """A download given up because the crawl was stopping and its grace period ran out."""


class GracefulDownloader(Downloader):
    """:class:`~scrapy.core.downloader.Downloader` whose downloads can be given up."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.transfers: dict[Request, Deferred[Response]] = {}
        self.pauses: dict[Request, Deferred[None]] = {}  # retries waiting out their backoff
        self.cancelled: set[Request] = set()
        self.on_give_up: Callable[[Request], None] | None = None  # set once given up

    async def _download(self, slot: Slot, request: Request) -> Response:
        if self.on_give_up is not None:  # reached the wire after the grace: never started
            raise self._given_up(request)
        transfer = deferred_from_coro(super()._download(slot, request))
        return await self._cancellable(request, transfer, self.transfers)

    async def pause(self, request: Request, seconds: float) -> None:
        """Wait ``seconds`` on behalf of ``request`` (a retry's backoff, up to
        ``RETRY_AFTER_MAX``), ended by :class:`ShutdownCancelled` when downloads are given up."""
        if self.on_give_up is not None:
            raise self._given_up(request)
        if seconds > 0:
            await self._cancellable(request, deferLater(reactor, seconds, lambda: None),
                                    self.pauses)

    async def _cancellable(self, request: Request, waiting: Deferred[Any],
                           held: dict[Request, Deferred[Any]]) -> Any:
        held[request] = waiting
        try:
            return await maybe_deferred_to_future(waiting)
        except BaseException:  # asyncio's CancelledError too, which is no Exception
            if request in self.cancelled:  # whatever the cancel raised, and no part kept
                raise ShutdownCancelled(f"download cancelled at shutdown: {request.url}") \
                    from None
            raise
        finally:
            held.pop(request, None)
            self.cancelled.discard(request)

    def give_up(self, on_give_up: Callable[[Request], None]) -> int:
        """Cancel every download held, and any that reaches the wire from now on, calling
        ``on_give_up`` for each first; how many were held."""
        self.on_give_up = on_give_up
        count = 0
        for slot in self.slots.values():
            while slot.queue:
                request, waiting = slot.queue.popleft()
                waiting.errback(Failure(self._given_up(request)))
                count += 1
        for request, waiting in [*self.transfers.items(), *self.pauses.items()]:
            on_give_up(request)
            self.cancelled.add(request)
            waiting.cancel()
            count += 1
        return count

    def _given_up(self, request: Request) -> ShutdownCancelled:
        assert self.on_give_up is not None
        self.on_give_up(request)
        return ShutdownCancelled(f"download not started at shutdown: {request.url}")
