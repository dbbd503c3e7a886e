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
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.items import capture_stamp
from crawler.state import shared_state

logger = logging.getLogger(__name__)

META_RECHECK = "recheck_old"  # a request for an old article's slow re-check


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

    @property
    def enabled(self) -> bool:
        return self.every > timedelta(0) and self.budget > 0

    def asked(self, url: str) -> None:
        """Note the try in the state store: until the check is done the article waits its
        retry. A store that failed to note it leaves it first in line (said and counted)."""
        self.pending.add(url)
        self.stats.inc_value("incremental/recheck_old")
        try:
            shared_state(self.crawler).set_tried(url, capture_stamp(datetime.now(UTC)))
        except Exception as exc:  # any backend's failure (a full disk): asked again next run
            self.stats.inc_value("incremental/recheck_old_try_not_recorded")
            logger.warning("Re-check of %s asked for, but the try is not recorded in the state "
                           "store: %s; if it fails, the next run asks again", url, exc)

    def done(self, url: str) -> None:
        """The re-check of ``url`` has a durable outcome: note it, so the article waits
        ``REFETCH_OLD_EVERY_DAYS`` for its next one. A store that failed keeps it due."""
        if url not in self.pending:
            return
        self.pending.discard(url)
        try:
            shared_state(self.crawler).set_checked(url, capture_stamp(datetime.now(UTC)))
        except Exception as exc:  # any backend's failure (a full disk): checked again next run
            self.stats.inc_value("incremental/recheck_old_not_recorded")
            logger.warning("Re-check of %s not recorded in the state store: %s; the next run "
                           "checks it again", url, exc)
            return
        self.stats.inc_value("incremental/recheck_old_done")


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
