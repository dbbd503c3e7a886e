"""The extraction worker pool with real child processes: results, errors, deaths, timeouts."""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.extraction import ExtractionError
from crawler.workerpool import PROJECT_ROOT, RemoteError, WorkerError, WorkerPool, frame

JOBS = "tests.support.jobs"


def run(test: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``test`` on a new loop. 300 s is a hang guard: beside busy processes, workers at
    niceness 10 start slowly (tests starting two took 49 to 67 s beside three busy loops)."""
    return asyncio.run(asyncio.wait_for(test(), 300))


async def gather(futures: list[asyncio.Future[Any]]) -> list[Any]:
    return await asyncio.gather(*futures, return_exceptions=True)


def gone(pid: int, within: float = 30.0) -> bool:
    """The process has exited (a zombie its new parent has not reaped yet counts as exited)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def waiting(fd: int) -> int:
    """How many bytes the pipe ``fd`` holds unread."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def test_results_come_back_in_full_and_in_order() -> None:
    async def main() -> list[Any]:
        pool = WorkerPool(f"{JOBS}:square", 2, prefetch=4)
        try:
            return await gather([pool.submit(i) for i in range(300)])
        finally:
            pool.close()

    assert run(main) == [i * i for i in range(300)]


async def all_ready(pool: WorkerPool, within: float = 240.0) -> None:
    """Wait until every worker has started: jobs go only to started workers, and one worker
    starting seconds after the other (a loaded machine, niceness 10) could do all of them."""
    deadline = time.monotonic() + within
    while not all(worker.ready for worker in pool._workers):
        assert time.monotonic() < deadline, "the workers did not start"
        await asyncio.sleep(0.02)


def test_both_workers_share_the_work() -> None:
    async def main() -> list[Any]:
        pool = WorkerPool(f"{JOBS}:pid_after", 2, prefetch=2)
        try:
            await all_ready(pool)
            return await gather([pool.submit(0.05) for _ in range(100)])  # 5 s for one worker
        finally:
            pool.close()

    assert len(set(run(main))) == 2


def test_prefetched_pages_wait_in_the_workers_pipe_not_in_the_crawl_process() -> None:
    """A worker gets on with the pages it holds while the crawl process's loop is busy.

    Eight 100 KB pages fit in a job pipe only once it is widened past Linux's default 64 KB;
    before that, a worker finished its first page and then waited for the loop.
    """
    page = b"x" * 100_000

    async def main() -> int:
        pool = WorkerPool(f"{JOBS}:size_after", 1, prefetch=8)
        try:
            await pool.submit((0, b""))  # started and ready
            futures = [pool.submit((0.05, page)) for _ in range(8)]
            (worker,) = pool._workers
            answers = sum(len(frame((job.id, True, len(page)))) for job in worker.jobs)
            # the loop is blocked: it cannot write anything more to the pipe, and waits (not
            # a fixed time, which a loaded machine may overrun) for the worker's 8 answers
            deadline = time.monotonic() + 30
            while waiting(worker.from_child) < answers and time.monotonic() < deadline:
                time.sleep(0.05)
            await asyncio.sleep(0.02)  # one turn of the loop reads what the worker answered
            done = sum(f.done() for f in futures)
            assert await gather(futures) == [len(page)] * 8
            return done
        finally:
            pool.close()

    assert run(main) == 8


def test_a_job_exception_arrives_as_itself() -> None:
    async def main() -> list[Any]:
        pool = WorkerPool(f"{JOBS}:refuse", 1)
        try:
            return await gather([pool.submit("no_body"), pool.submit("not_html")])
        finally:
            pool.close()

    errors = run(main)
    assert [type(e) for e in errors] == [ExtractionError, ExtractionError]
    assert [e.reason for e in errors] == ["no_body", "not_html"]
    assert "in refuse" in errors[0].__notes__[0]  # where in the worker it was raised


def test_a_dying_worker_costs_only_its_job_and_is_replaced() -> None:
    async def main() -> tuple[list[Any], int, list[int]]:
        pool = WorkerPool(f"{JOBS}:die", 1, prefetch=8)
        first = pool.pids
        doomed = pool.submit(3)
        results = await gather([doomed])
        pool.close()
        return results, pool.restarts, first

    (error,), restarts, first = run(main)
    assert isinstance(error, WorkerError) and error.reason == "worker_died"
    assert "exit status 3" in str(error)
    assert restarts == 1
    assert gone(first[0])


def test_jobs_queued_behind_a_dead_worker_run_on_its_replacement() -> None:
    async def main() -> list[Any]:
        pool = WorkerPool(f"{JOBS}:nap", 1, prefetch=8)
        try:
            await pool.submit(0.01)  # started and warm
            futures = [pool.submit(30), pool.submit(0.01), pool.submit(0.02)]
            await asyncio.sleep(0.5)  # it is inside the 30 s job, holding the other two
            os.kill(pool.pids[0], signal.SIGKILL)
            return await gather(futures)
        finally:
            pool.close()

    running, *queued = run(main)
    assert isinstance(running, WorkerError) and running.reason == "worker_died"
    assert queued == [0.01, 0.02]


def test_an_overrunning_job_is_killed_and_the_rest_go_on() -> None:
    """The stuck job fails within seconds of its start, however long its worker took to start
    and its replacement takes: beside three busy loops the whole run, two start-ups of a
    worker at niceness 10 included, took 26 and 56 s, past the 20 s bound it was held to (a
    stuck job waited out takes an hour here)."""
    async def main() -> tuple[list[Any], float]:
        pool = WorkerPool(f"{JOBS}:nap", 1, timeout=1.0, prefetch=4)
        try:
            await all_ready(pool)
            started = time.monotonic()
            stuck = pool.submit(3600)
            rest = [pool.submit(0.01), pool.submit(0.02)]
            await gather([stuck])
            took = time.monotonic() - started
            return await gather([stuck, *rest]), took
        finally:
            pool.close()

    (stuck, quick, quicker), took = run(main)
    assert isinstance(stuck, WorkerError) and stuck.reason == "timeout"
    assert (quick, quicker) == (0.01, 0.02)
    assert took < 20


def test_an_unpicklable_result_is_reported_not_lost() -> None:
    async def main() -> list[Any]:
        pool = WorkerPool(f"{JOBS}:unpicklable", 1)
        try:
            return await gather([pool.submit(None)])
        finally:
            pool.close()

    (error,) = run(main)
    assert isinstance(error, RemoteError) and "could not be sent back" in str(error)


def test_a_target_that_cannot_be_imported_fails_jobs_instead_of_hanging() -> None:
    async def main() -> list[Any]:
        pool = WorkerPool("tests.support.no_such_module:job", 2)
        try:
            first = await gather([pool.submit(1), pool.submit(2)])
            return first + await gather([pool.submit(3)])
        finally:
            pool.close()

    errors = run(main)
    assert all(isinstance(e, WorkerError) and e.reason == "worker_start_failed" for e in errors)


def test_close_ends_the_workers() -> None:
    async def main() -> list[int]:
        pool = WorkerPool(f"{JOBS}:square", 2)
        await pool.submit(2)
        pids = pool.pids
        pool.close()
        return pids

    assert all(gone(pid, 1.0) for pid in run(main))


PARENT = """
import asyncio, os, signal, sys
from crawler.workerpool import WorkerPool

async def main():
    pool = WorkerPool("tests.support.jobs:square", 2)
    await pool.submit(1)
    print(*pool.pids, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


def test_workers_do_not_outlive_a_killed_crawl_process() -> None:
    proc = subprocess.run([sys.executable, "-c", PARENT], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300)  # two niced workers to start: 38 s under load
    assert proc.returncode == -signal.SIGKILL
    pids = [int(p) for p in proc.stdout.split()]
    assert len(pids) == 2
    assert all(gone(pid) for pid in pids)


@pytest.mark.parametrize("workers", [0, -1])
def test_a_pool_needs_a_worker(workers: int) -> None:
    async def main() -> None:
        WorkerPool(f"{JOBS}:square", workers)

    with pytest.raises(ValueError, match="at least one worker"):
        run(main)


def test_workers_run_below_the_crawl_process() -> None:
    async def main() -> int:
        pool = WorkerPool(f"{JOBS}:niceness", 1, niceness=5)
        try:
            return await pool.submit(None)
        finally:
            pool.close()

    assert run(main) == min(os.nice(0) + 5, 19)


def test_a_group_sigterm_leaves_the_workers_to_the_crawl_process() -> None:
    async def main() -> list[Any]:
        pool = WorkerPool(f"{JOBS}:nap", 1)
        try:
            await pool.submit(0.01)
            running = pool.submit(0.5)
            await asyncio.sleep(0.2)
            os.kill(pool.pids[0], signal.SIGTERM)  # as systemd stopping the service would
            return await gather([running, pool.submit(0.01)])
        finally:
            pool.close()

    assert run(main) == [0.5, 0.01]
