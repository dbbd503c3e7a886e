"""Long callbacks taking turns with the reactor.

A callback runs on the reactor's thread: while it reads a sitemap of 50,000 entries (about a
second of CPU, several on a busy machine) no socket is read, no timer fires and no other
callback runs, so downloads time out and other outlets stall. Scrapy hands the reactor back
only when a callback yields, and a sitemap's reader yields only for the entries that become
requests: one listing the site's past gives none for the whole read.

The readers of feeds and sitemaps therefore yield :data:`TURN` every :data:`TURN_EVERY`
entries, and the spider callbacks Scrapy calls pass their output through :func:`paced`, an
async generator that gives the reactor a turn at each :data:`TURN` and hands the rest on
unchanged. Same entries, same order, same bounds: only the reactor runs in between.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, Final

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

# Entries read between two turns: a site spider's sitemap entry costs some 80 µs of CPU (a
# third the parse, the rest the URL's checks), so about 8 ms on a quiet core; a turn costs
# a loop iteration (bench/sitemap_parse.py)
TURN_EVERY: Final = 100


class _Turn:
    """The marker a reader yields where the reactor may run (never an item or a request)."""

    def __repr__(self) -> str:
        return "TURN"


TURN: Final = _Turn()


def turn_due(entries: int) -> bool:
    """Whether a reader that has read ``entries`` entries yields a :data:`TURN` now."""
    return entries > 0 and entries % TURN_EVERY == 0


async def reactor_turn() -> None:
    """Let the reactor run once what is ready (sockets, timers, other callbacks' steps)."""
    from twisted.internet import reactor

    await maybe_deferred_to_future(deferLater(reactor, 0, lambda: None))


async def paced(outputs: Iterable[Any]) -> AsyncIterator[Any]:
    """``outputs`` (a callback's requests and items) with a reactor turn at each
    :data:`TURN` in them, the markers themselves left out."""
    for output in outputs:
        if output is TURN:
            await reactor_turn()
        else:
            yield output
