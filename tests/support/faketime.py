"""Run a real process at another time: libfaketime (``apt-get install faketime``) preloaded.

The clock starts at the instant given and runs on at its normal pace, for every call the
process makes (Python's ``datetime.now``, ``time.time``); the machine's zone is set with ``TZ``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

LIBRARIES = ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
             "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
             "/usr/lib/faketime/libfaketime.so.1")


def library() -> str:
    """The libfaketime shared object; the test is skipped, saying why, when none is installed."""
    found = next((path for path in LIBRARIES if Path(path).exists()), None)
    if found is None:
        pytest.skip("libfaketime is not installed (bin/setup --dev installs it: apt-get "
                    "install faketime)")
    return found


def faked(moment: datetime, zone: str = "UTC") -> dict[str, str]:
    """The environment of a process whose clock starts at ``moment`` (aware) on a machine in
    ``zone``. FAKETIME's "@…" is read in the process's zone, so it is written in ``zone``."""
    from zoneinfo import ZoneInfo

    local = moment.astimezone(UTC).astimezone(ZoneInfo(zone))
    return {"LD_PRELOAD": library(), "FAKETIME": f"@{local:%Y-%m-%d %H:%M:%S}", "TZ": zone,
            "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
