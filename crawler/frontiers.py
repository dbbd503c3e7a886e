"""The scheduler keeping a run's frontier, whichever it is.

A JOBDIR run's is :class:`crawler.state.jobdir.JobScheduler` (the project's scheduler, which
holds no lease without JOBDIR), a distributed run's
:class:`crawler.distributed.scheduler.DistributedScheduler` (Redis); each puts itself on the
crawler when it is made. What asks the run's frontier something (its run id, to keep a
request leased) finds it here, rather than naming both.
"""

from __future__ import annotations

from typing import Any


def run_scheduler(crawler: Any) -> Any | None:
    """The run's scheduler (a distributed one first); None under another ``SCHEDULER``."""
    for name in ("distributed_scheduler", "job_scheduler"):
        if (scheduler := getattr(crawler, name, None)) is not None:
            return scheduler
    return None
