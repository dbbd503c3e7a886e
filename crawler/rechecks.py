"""Old articles re-checked at a slower cadence, so a removal is noticed whatever its age.

Discovery re-fetches an exported article only while it is younger than
``REFETCH_MAX_AGE_DAYS``; after that its feeds and listings no longer offer it, and nothing
would notice it vanish. So each run also asks for at most ``REFETCH_OLD_MAX`` of its
spider's exported articles beyond that window that were last checked (else last captured)
over ``REFETCH_OLD_EVERY_DAYS`` ago, the longest unchecked first: every exported article is
re-checked about every ``REFETCH_OLD_EVERY_DAYS`` days while the budget keeps up, and no run
fetches the whole archive. Their answers are judged as any refetch's (crawler.removals,
crawler.softremovals): a removal is written as an observation, an edit exported as a new
version.

The check is noted in the state store (``set_checked``) only once its outcome is durable: the
removal observation written and recorded (or the article still removed), the new version
exported and recorded, or the page found unchanged or no removal. An answer that failed (a
network error, an HTTP error that is no removal) or an observation that could not be
written is not noted as checked. Each re-check is noted as tried when it is asked for
(``set_tried``); until it is done the article waits ``REFETCH_OLD_RETRY_DAYS`` (at most
``REFETCH_OLD_EVERY_DAYS``) before it is asked for again, so articles that keep failing (a
403, a 5xx, a timeout) cannot take the whole budget of every run.

In a distributed run (the Redis state store) the workers share one run and its budget: each
worker finds the same articles due, and claims each one before asking for it
(``claim_check``: one atomic step noting the try only if no other worker's try is newer than
the retry, the article is still due, and the run's claims, counted in Redis, are under
``REFETCH_OLD_MAX``), so an article is asked for once a run, by one worker, and the run asks
for ``REFETCH_OLD_MAX`` in all. The request goes into the shared frontier, so another worker
may fetch it: whichever receives its answer notes the check (the request carries the
article's canonical URL in ``META_RECHECK``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import signals

from crawler.items import capture_stamp
from crawler.state import shared_state

logger = logging.getLogger(__name__)

META_RECHECK = "recheck_old"  # an old article's slow re-check: its canonical URL
CLAIMED, TAKEN, SPENT = 1, 0, -1  # what a claim in a store shared by workers answers


class Rechecks:
    """The run's old-article re-checks: which are in flight, and noting each one done."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.every = timedelta(days=settings.getfloat("REFETCH_OLD_EVERY_DAYS", 30))
        self.budget = max(0, settings.getint("REFETCH_OLD_MAX", 50))
        self.window = timedelta(days=settings.getfloat("REFETCH_MAX_AGE_DAYS", 3))
        self.retry = min(self.every,
                         timedelta(days=settings.getfloat("REFETCH_OLD_RETRY_DAYS", 7)))
        self.pending: set[str] = set()  # canonical URLs asked for and not yet done
        self.claimed: set[str] = set()  # of those, the ones whose try a claim noted
        crawler.signals.connect(self.answered, signal=signals.response_received)

    @property
    def enabled(self) -> bool:
        return self.every > timedelta(0) and self.budget > 0

    def claim(self, store: Any, url: str, before: str, retry_before: str,
              count: Callable[[str], Any] | None = None) -> int:
        """Claim the re-check of ``url`` in a store workers share (one with
        ``claim_check``), under the run's budget: CLAIMED, TAKEN (another worker's, or
        checked meanwhile) or SPENT. A store of one process needs no claim: CLAIMED. One
        that failed is said and counted, and the check asked for as without a claim.
        ``count`` takes the stats keys to add 1 to (a caller in a thread hands them to the
        reactor's thread, where the stats are read)."""
        count = count or self.stats.inc_value
        claim_check = getattr(store, "claim_check", None)
        if claim_check is None:
            return CLAIMED
        try:
            verdict = claim_check(url, capture_stamp(datetime.now(UTC)), before, retry_before,
                                  *self.run_budget())
        except Exception as exc:  # any backend's failure: ask, as a store that cannot note
            count("incremental/recheck_old_try_not_recorded")
            logger.warning("Re-check of %s asked for, but it could not be claimed in the "
                           "state store: %s; if it fails, the next run asks again", url, exc)
            return CLAIMED
        if verdict == CLAIMED:
            self.claimed.add(url)
        elif verdict == TAKEN:
            count("incremental/recheck_old_taken")
        return verdict

    def run_budget(self) -> tuple[str | None, int]:
        """The key counting the claims of this distributed run, and the budget: shared by
        its workers, so the run asks for ``REFETCH_OLD_MAX`` in all (None: this worker's)."""
        scheduler = getattr(self.crawler, "distributed_scheduler", None)
        return getattr(scheduler, "rechecks_key", None), self.budget

    def answered(self, response: Any, request: Any, spider: Any) -> None:
        """A re-check's answer arrived here: its outcome is noted by this worker, whichever
        asked for it (in a distributed run another worker may have)."""
        url = request.meta.get(META_RECHECK)
        if isinstance(url, str):
            self.pending.add(url)

    def asked(self, url: str) -> None:
        """Note the try in the state store: until the check is done the article waits its
        retry. A store that failed to note it leaves it first in line (said and counted)."""
        self.pending.add(url)
        self.stats.inc_value("incremental/recheck_old")
        if url not in self.claimed:  # (a claim noted the try)
            self._note(url, "set_tried", "incremental/recheck_old_try_not_recorded",
                       "Re-check of %s asked for, but the try is not recorded in the state "
                       "store: %s; if it fails, the next run asks again")

    def done(self, url: str) -> None:
        """The re-check of ``url`` has a durable outcome: note it, so the article waits
        ``REFETCH_OLD_EVERY_DAYS`` for its next one. A store that failed keeps it due."""
        if url not in self.pending:
            return
        self.pending.discard(url)
        if self._note(url, "set_checked", "incremental/recheck_old_not_recorded",
                      "Re-check of %s not recorded in the state store: %s; the next run "
                      "checks it again"):
            self.stats.inc_value("incremental/recheck_old_done")

    def _note(self, url: str, method: str, failed_stat: str, failed_message: str) -> bool:
        """Write now's time for ``url`` with the state store's ``method``; a failure of any
        backend (a full disk) is warned and counted, never raised: the article stays due."""
        try:
            getattr(shared_state(self.crawler), method)(url, capture_stamp(datetime.now(UTC)))
        except Exception as exc:
            self.stats.inc_value(failed_stat)
            logger.warning(failed_message, url, exc)
            return False
        return True


def rechecks(crawler: Any) -> Rechecks:
    """One per crawler, shared by the middleware that asks and the components that judge."""
    found = getattr(crawler, "old_rechecks", None)
    if found is None:
        found = crawler.old_rechecks = Rechecks(crawler)
    return found


def note_checked(crawler: Any, url: str) -> None:
    """Say the outcome of a re-check of the article at ``url`` (canonical) is durable; a
    no-op for any other article."""
    found = getattr(crawler, "old_rechecks", None)
    if found is not None:
        found.done(url)
