"""Can this run write what it must? Checked once before any spider starts.

A DATA_DIR on a read-only mount, without permission or on a full disk used to fail in each
component that tried to write (the feed exporter with a traceback, the WARC writer, the run
report twice): several errors, none of them first. Here each output folder is created and a
block written to a temporary file in it (removed again), and the first that fails is one
ERROR naming it, why, and that nothing was crawled.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)
PROBE = b"\0" * 4096  # one block: a disk with no room for it has none for a page either


def output_folders(settings: Any) -> list[Path]:
    """The folders a crawl writes into (see crawler.addons.DataDirAddon)."""
    data_dir = Path(settings.get("DATA_DIR") or "data")
    folders = [data_dir / "reports", data_dir / "removals"]
    if settings.getbool("WARC_ENABLED", True) and not settings.get("WARC_REPLAY"):
        folders.append(Path(settings.get("WARC_DIR") or data_dir / "warc"))
    if settings.getbool("ITEMS_TO_DATA_DIR"):
        folders.append(data_dir / "items")
    if settings.get("JOBDIR"):
        folders.append(Path(settings.get("JOBDIR")))
    return folders


def probe(folder: Path) -> None:
    """Raise OSError unless ``folder`` exists (made here) and takes a block of data."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".write-check-", dir=folder)
    try:
        os.write(fd, PROBE)
    finally:
        os.close(fd)
        os.unlink(name)


def unwritable_at_start(settings: Any) -> bool:
    """Log one ERROR and say True when an output folder cannot be written."""
    for folder in output_folders(settings):
        try:
            probe(folder)
        except OSError as exc:
            logger.error("Cannot write to %s (%s): make it writable or free space on its disk, "
                         "then run again. Nothing was crawled.", folder,
                         exc.strerror or exc)
            return True
    return False
