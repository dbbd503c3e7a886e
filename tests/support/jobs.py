"""Jobs for worker-pool tests, importable by a worker process."""

from __future__ import annotations

import os
import time

from crawler.extraction import ExtractionError


def square(value: int) -> int:
    return value * value


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def refuse(reason: str) -> None:
    raise ExtractionError(reason, "refused on purpose")


def die(code: int) -> None:
    os._exit(code)


def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def unpicklable(_: object) -> object:
    return lambda: None


def niceness(_: object) -> int:
    return os.nice(0)


def size_after(argument: tuple[float, bytes]) -> int:
    """Sleep, then return the size of a page-sized payload."""
    seconds, payload = argument
    time.sleep(seconds)
    return len(payload)
