"""Start the same call in two processes at the same instant, many times: creation races."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any


def _run(call: Callable[..., Any], args: tuple, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        call(*args)
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(f"{type(exc).__name__}: {exc}")


def race(call: Callable[..., Any], args_for: Callable[[int], tuple], times: int) -> list[str]:
    """What went wrong over ``times`` rounds of two processes running ``call(*args_for(n))``
    together (``call`` must be a module-level function); [] when every call succeeded."""
    ctx = multiprocessing.get_context("fork")
    failures = []
    for n in range(times):
        barrier, results = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_run, args=(call, args_for(n), barrier, results))
                 for _ in range(2)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(30)
        failures += [r for r in (results.get(timeout=5), results.get(timeout=5)) if r != "ok"]
    return failures
