"""Worker processes fed over pipes by the event loop itself: CPU work off the reactor, no threads.

Why not ``ProcessPoolExecutor``: its feeder and result threads must win the GIL from a busy
reactor thread for every hand-over (each wait up to the 5 ms switch interval), so its workers
sat idle a quarter of the time while pages queued (docs/benchmarks.md). Here the reactor thread
writes jobs to non-blocking pipes and reads results when the loop says they are readable; each
worker holds up to ``prefetch`` jobs, so the next page is already in its pipe when it finishes.
Workers run at a lower priority (``niceness``): the crawl process is the serial part of a
crawl, and on two cores three busy processes otherwise took a third of its time slices.

Each job runs in the order it was sent. A worker that dies fails only the job it was running
(``worker_died``); one that overruns ``timeout`` is killed and fails only that job
(``timeout``); their other jobs go to the next worker. Workers exit when their input pipe
closes, so they never outlive the crawl, even a killed one.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import importlib
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.fileio import write_all

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!Q")
_READY = -1  # job id of the frame a worker sends once its imports are done
_READ_SIZE = 64 * 1024  # a pipe's capacity; larger reads only allocate (and fault in) more
# A job pipe holds this much (Linux's default unprivileged maximum) where the system allows it:
# at the default 64 KB, less than one real news page fits, and a worker waits for the crawl
# process's busy loop to write the rest of its next page instead of having it queued.
_JOB_PIPE_SIZE = 1024 * 1024
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class WorkerError(Exception):
    """A job failed for a reason outside the job itself; ``reason`` is a short stats code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class RemoteError(Exception):
    """An exception raised in a worker that could not be sent back as itself."""


def frame(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


class FrameReader:
    """Split a byte stream into the pickled objects :func:`frame` wrote."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Any]:
        self._buffer += data
        objects, start = [], 0
        with memoryview(self._buffer) as view:
            while len(view) - start >= _HEADER.size:
                (size,) = _HEADER.unpack_from(view, start)
                end = start + _HEADER.size + size
                if len(view) < end:
                    break
                objects.append(pickle.loads(view[start + _HEADER.size:end]))
                start = end
        del self._buffer[:start]  # once per read, not once per frame
        return objects


def widen_pipe(fd: int, size: int) -> int:
    """Ask for a pipe buffer of ``size`` bytes; returns the size it has (unchanged if refused)."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or over the user's quota
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size)
    try:
        return fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)
    except (AttributeError, OSError):
        return 0


def load_target(spec: str) -> Callable[[Any], Any]:
    """``package.module:function`` -> the function."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(eq=False)
class _Job:
    id: int
    payload: bytes  # the framed (id, argument), pickled once
    future: asyncio.Future[Any]


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen[bytes]
    to_child: int  # our end of its input pipe (non-blocking)
    from_child: int  # our end of its output pipe (non-blocking)
    reader: FrameReader = field(default_factory=FrameReader)
    jobs: deque[_Job] = field(default_factory=deque)  # sent, in the order it runs them
    outbox: bytearray = field(default_factory=bytearray)
    ready: bool = False
    deadline: asyncio.TimerHandle | None = None


class WorkerPool:
    """Run ``target(argument)`` in ``workers`` child processes; ``await pool.submit(argument)``.

    Must be created and used on the running asyncio loop (Scrapy's asyncio reactor).
    """

    def __init__(self, target: str, workers: int, *, timeout: float = 120.0,
                 prefetch: int = 8, niceness: int = 10) -> None:
        if workers < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.target = target
        self.timeout = timeout
        self.prefetch = prefetch
        self.niceness = niceness
        self._loop = asyncio.get_running_loop()
        self._queue: deque[_Job] = deque()
        self._workers: list[_Worker] = []
        self._next_id = 0
        self._closed = False
        self._broken: WorkerError | None = None  # set when workers cannot even start
        self._narrow_pipes = False  # logged once if the system refuses wider job pipes
        self.restarts = 0
        for _ in range(workers):
            self._workers.append(self._spawn())

    # -- public -----------------------------------------------------------------------------

    @property
    def pids(self) -> list[int]:
        return [worker.proc.pid for worker in self._workers]

    def submit(self, argument: Any) -> asyncio.Future[Any]:
        """Queue one job; the future gets its result, its exception or a WorkerError."""
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        self._next_id += 1
        job = _Job(self._next_id, frame((self._next_id, argument)), self._loop.create_future())
        if self._broken is not None:
            job.future.set_exception(self._broken)
            return job.future
        self._queue.append(job)
        self._dispatch()
        return job.future

    def close(self, wait: float = 10.0) -> None:
        """Let the workers finish what they hold and exit; kill any still running after ``wait``."""
        self._closed = True
        for worker in self._workers:
            self._detach(worker)
            os.close(worker.to_child)  # EOF: the worker exits after its current job
        for worker in self._workers:
            try:
                worker.proc.wait(wait)
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()
            os.close(worker.from_child)
        for job in [*self._queue, *(j for w in self._workers for j in w.jobs)]:
            if not job.future.done():
                job.future.set_exception(WorkerError("pool_closed"))
        self._queue.clear()
        self._workers.clear()

    # -- workers ----------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        job_read, job_write = os.pipe()
        capacity = widen_pipe(job_write, _JOB_PIPE_SIZE)
        if capacity < _JOB_PIPE_SIZE and not self._narrow_pipes:
            self._narrow_pipes = True
            logger.info("Job pipes for %s hold only %d bytes: workers may wait between big "
                        "pages", self.target, capacity)
        result_read, result_write = os.pipe()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.workerpool", self.target, str(job_read),
             str(result_write), str(self.niceness)],
            stdin=subprocess.DEVNULL, pass_fds=(job_read, result_write), env=env)
        os.close(job_read)
        os.close(result_write)
        os.set_blocking(job_write, False)
        os.set_blocking(result_read, False)
        worker = _Worker(proc, job_write, result_read)
        self._loop.add_reader(result_read, self._on_readable, worker)
        return worker

    def _detach(self, worker: _Worker) -> None:
        self._loop.remove_reader(worker.from_child)
        self._loop.remove_writer(worker.to_child)
        self._disarm(worker)

    def _dispatch(self) -> None:
        """Hand queued jobs to the ready workers holding the fewest."""
        while self._queue:
            ready = [w for w in self._workers if w.ready and len(w.jobs) < self.prefetch]
            if not ready:
                return
            worker = min(ready, key=lambda w: len(w.jobs))
            job = self._queue.popleft()
            if job.future.done():  # cancelled while queued
                continue
            worker.jobs.append(job)
            if len(worker.jobs) == 1:
                self._arm(worker)
            worker.outbox += job.payload
            self._flush(worker)

    def _flush(self, worker: _Worker) -> None:
        try:
            sent = os.write(worker.to_child, worker.outbox)
        except BlockingIOError:
            sent = 0
        except BrokenPipeError:
            return  # it died: the EOF on its output pipe handles that
        del worker.outbox[:sent]
        if worker.outbox:
            self._loop.add_writer(worker.to_child, self._flush, worker)
        else:
            self._loop.remove_writer(worker.to_child)

    def _arm(self, worker: _Worker) -> None:
        """Restart the clock for the job the worker is now running (the oldest it holds), if any."""
        self._disarm(worker)
        if worker.jobs:
            worker.deadline = self._loop.call_later(self.timeout, self._overran, worker)

    @staticmethod
    def _disarm(worker: _Worker) -> None:
        if worker.deadline is not None:
            worker.deadline.cancel()
            worker.deadline = None

    def _on_readable(self, worker: _Worker) -> None:
        try:
            data = os.read(worker.from_child, _READ_SIZE)
        except BlockingIOError:
            return
        if not data:
            self._lost(worker, "worker_died", f"exit status {worker.proc.wait()}")
            return
        for job_id, ok, value in worker.reader.feed(data):
            if job_id == _READY:
                worker.ready = True
                continue
            job = worker.jobs.popleft()  # results come back in the order jobs were sent
            self._arm(worker)
            if not job.future.done():
                if ok:
                    job.future.set_result(value)
                else:
                    job.future.set_exception(value)
        self._dispatch()

    def _overran(self, worker: _Worker) -> None:
        worker.proc.kill()
        self._lost(worker, "timeout", f"over {self.timeout:g} s")

    def _lost(self, worker: _Worker, reason: str, detail: str) -> None:
        """Fail the job it was running, requeue the rest, start a replacement."""
        self._detach(worker)
        if worker.proc.poll() is None:
            worker.proc.kill()
        worker.proc.wait()
        os.close(worker.to_child)
        os.close(worker.from_child)
        self._workers.remove(worker)
        if not worker.ready:
            # It died importing its target: a replacement would too. Fail everything.
            logger.error("Worker for %s exited during start-up (%s)", self.target, detail)
            self._broken = WorkerError("worker_start_failed", detail)
            for job in [*worker.jobs, *self._queue]:
                if not job.future.done():
                    job.future.set_exception(self._broken)
            self._queue.clear()
            return
        if worker.jobs:
            running = worker.jobs.popleft()
            if not running.future.done():
                running.future.set_exception(WorkerError(reason, detail))
            self._queue.extendleft(reversed(worker.jobs))
        self.restarts += 1
        if not self._closed:
            self._workers.append(self._spawn())
        self._dispatch()


# -- the worker side ---------------------------------------------------------------------------


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _reply(job_id: int, ok: bool, value: Any) -> bytes:
    try:
        return frame((job_id, ok, value))
    except Exception as exc:  # an unpicklable result or exception
        return frame((job_id, False, RemoteError(f"{value!r} could not be sent back: {exc!r}")))


def serve(target: str, job_fd: int, result_fd: int, niceness: int = 0) -> None:
    """Worker main loop: read a job, run it, write the result, until the input pipe closes."""
    # Ctrl-C, or a service manager's SIGTERM to the whole group, asks the crawl process to stop
    # gracefully, and it closes our pipe once its pages are done. Dying first would lose them.
    # An orphan (the crawl process is gone) still obeys SIGTERM.
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: None if os.getppid() == parent else os._exit(1))
    os.nice(niceness)
    function = load_target(target)
    write_all(result_fd, frame((_READY, True, None)))
    while True:
        header = _read_exactly(job_fd, _HEADER.size)
        if header is None:
            return
        body = _read_exactly(job_fd, _HEADER.unpack(header)[0])
        if body is None:
            return
        job_id, argument = pickle.loads(body)
        try:
            reply = _reply(job_id, True, function(argument))
        except Exception as exc:  # sent back; its traceback would not survive pickling
            exc.add_note(f"Raised in worker process {os.getpid()}:\n{traceback.format_exc()}")
            reply = _reply(job_id, False, exc)
        write_all(result_fd, reply)


if __name__ == "__main__":
    # Through the module's real name, so exceptions it defines unpickle in the crawl process.
    from crawler.workerpool import serve as serve_jobs

    serve_jobs(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
