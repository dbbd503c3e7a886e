"""The harness both archive fuzz tests share: a budgeted loop over mutated files, run in a
child process whose address space is capped, so a hang or a runaway allocation fails the test
instead of the machine."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1024 * 1024 * 1024

# (kind of mutation, bytes, file suffix, the check: problems found reading that file)
Case = tuple[str, bytes, str, Callable[[Path], list[str]]]


def fuzz_loop(cases: Iterable[Case], workdir: str, max_mutants: int, budget_s: float,
              listed: int) -> None:
    """Write each case to a file and check it, within ``max_mutants`` and ``budget_s``; a
    failing file is kept as ``fail<N><suffix>``. Prints a JSON summary (the first ``listed``
    failures) for :func:`run_capped`."""
    start = time.monotonic()
    failures: list[dict] = []
    kinds: dict[str, int] = {}
    count = 0
    for kind, data, suffix, check in cases:
        if count >= max_mutants or time.monotonic() - start > budget_s:
            break
        path = Path(workdir) / f"m{count}{suffix}"
        path.write_bytes(data)
        if problems := check(path):
            failures.append({"n": count, "kind": kind, "problems": problems[:3]})
            path.rename(Path(workdir) / f"fail{count}{suffix}")
        else:
            path.unlink()
        count += 1
        kinds[kind] = kinds.get(kind, 0) + 1
    print(json.dumps({"mutants": count, "kinds": kinds, "failures": failures[:listed]}))


def run_capped(module: str, workdir: Path, budget_s: float) -> dict[str, Any]:
    """``module.run_child(workdir)`` in a child process capped at MEMORY_CAP; its summary."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    code = f"from {module} import run_child; run_child({str(workdir)!r})"
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, timeout=budget_s + 120,  # plus start-up on a loaded machine
                         preexec_fn=limit)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])
