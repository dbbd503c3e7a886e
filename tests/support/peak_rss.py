"""Run a command and write the peak RSS of it and its descendants: ``python -m
tests.support.peak_rss OUT CMD…`` writes KiB to OUT and exits as CMD did.

Why a launcher: Linux carries a process's RSS high-water mark across fork and exec, so a crawl
started by a pytest worker that grew to 400 MB reports at least 400 MB, and the worker's
RUSAGE_CHILDREN mixes in every other test's processes. Started from this small, freshly exec'd
process, the crawl's own peak is what RUSAGE_CHILDREN reports here.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

# What a child script prints for its own peak RSS in KiB: the high-water mark of its memory
# map (VmHWM), which an exec starts afresh, unlike ru_maxrss (a child of a 490 MB pytest
# worker read 489 MB where it used 94)
OWN_PEAK_KIB = ("int(next(line.split()[1] for line in open('/proc/self/status') "
                "if line.startswith('VmHWM:')))")


def main(argv: list[str]) -> int:
    out, cmd = Path(argv[0]), argv[1:]
    code = subprocess.run(cmd).returncode
    out.write_text(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
    if code < 0:  # killed by a signal: die of the same one, so the caller sees it
        if -code != signal.SIGKILL:  # SIGKILL has no handler to reset
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
