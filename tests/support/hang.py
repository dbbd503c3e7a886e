"""Code that hung (a loop, a quadratic read) run in a child process under a timeout, so a
regression fails its test instead of holding the whole suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def python_within(timeout: float, script: str, *args: str, stdin: str | None = None
                  ) -> subprocess.CompletedProcess:
    """Run ``script`` (with ``args``) by this Python from the repository; TimeoutExpired
    fails the test when it runs past ``timeout`` seconds."""
    return subprocess.run([sys.executable, "-c", script, *args], input=stdin, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)
