"""Interrupt a crawl at a chosen request: the fixture server signals it as the request arrives."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable

from tests.support.server import Page, VirtualSite

# (target, this run's targets so far) -> seconds until the signal, or None for "not yet"
Cue = Callable[[str, list[str]], float | None]


def signal_group(pgid: int, sig: signal.Signals = signal.SIGKILL) -> None:
    """Signal a crawl started with ``start_new_session`` and its extraction workers
    (SIGKILL); SIGTERM goes to the crawl only, which stops its workers itself."""
    try:
        if sig == signal.SIGKILL:
            os.killpg(pgid, sig)
        else:
            os.kill(pgid, sig)
    except ProcessLookupError:
        pass


class Tripwire:
    """Wraps a site's ``find`` to record what each run asks for and signal the run on a cue."""

    def __init__(self, site: VirtualSite) -> None:
        self.find = site.find
        self.lock = threading.Lock()
        self.hits: list[str] = []
        self.run_hits: list[str] = []
        self.cue: Cue | None = None
        self.sig = signal.SIGKILL
        self.pgid = 0
        site.find = self.wrapped  # type: ignore[method-assign]

    def arm(self, pgid: int, cue: Cue | None, sig: signal.Signals = signal.SIGKILL) -> None:
        with self.lock:
            self.pgid, self.cue, self.sig, self.run_hits = pgid, cue, sig, []

    def wrapped(self, target: str) -> Page | None:
        with self.lock:
            self.hits.append(target)
            self.run_hits.append(target)
            delay = self.cue(target, self.run_hits) if self.cue and self.pgid else None
            if delay is not None:
                self.cue = None
                threading.Timer(delay, signal_group, (self.pgid, self.sig)).start()
                if delay == 0 and self.sig == signal.SIGKILL:
                    time.sleep(0.5)  # the crawl dies before this answer reaches it
        return self.find(target)


def nth(kind: Callable[[str], bool], n: int, delay: float = 0.0) -> Cue:
    """Cue: the n-th request of ``kind`` in this run (delay 0: before it is answered)."""
    return lambda target, hits: delay if kind(target) and sum(map(kind, hits)) == n else None
