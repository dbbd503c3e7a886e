"""Append benchmark results to docs/benchmarks.md with the command and the machine."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def machine() -> str:
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}")


def append_section(title: str, command: str, rows: list[dict[str, Any]],
                   ratios: dict[str, Any] | None = None, notes: str = "") -> None:
    """One dated section per run: a table of rows, then the ratios measured in that run."""
    lines = [f"\n## {title} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n",
             f"- Command: `{command}`", f"- Machine: {machine()}\n"]
    if rows:
        keys = list(rows[0])
        lines += ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        lines += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in rows]
    for name, value in (ratios or {}).items():
        lines.append(f"- {name}: **{value}**")
    if notes:
        lines += ["", notes]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    if not DOC.exists():
        DOC.write_text("# Benchmarks\n\nEvery figure here was measured by a script in `bench/`; "
                       "ratios compare rows of one run (the machine is shared and noisy).\n")
    with DOC.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
