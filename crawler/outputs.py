"""Can this run write what it must? Checked once before any spider starts.

A DATA_DIR on a read-only mount, without permission or on a full disk used to fail in each
component that tried to write (the feed exporter with a traceback, the WARC writer, the run
report twice): several errors, none of them first. Here each output folder is created and a
block written to a temporary file in it (removed again), and the first that fails is one
ERROR naming it, why, and that nothing was crawled. The WARC folder's digest index is
opened once too: one cut short or damaged is refused here, not at the spider's start.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archive.dedup import DEFAULT_NAME, DigestIndex, DigestIndexDamaged
from archive.fileio import disk_full

logger = logging.getLogger(__name__)
PROBE = b"\0" * 4096  # one block: a disk with no room for it has none for a page either


def output_folders(settings: Any) -> list[Path]:
    """The folders a crawl writes into (see crawler.addons.DataDirAddon)."""
    data_dir = Path(settings.get("DATA_DIR") or "data")
    folders = [data_dir / "reports", data_dir / "removals"]
    warcs = warc_dir(settings)
    if warcs is not None:
        folders.append(warcs)
    if settings.getbool("ITEMS_TO_DATA_DIR"):
        folders.append(data_dir / "items")
    if settings.get("JOBDIR"):
        folders.append(Path(settings.get("JOBDIR")))
    return folders


def warc_dir(settings: Any) -> Path | None:
    """The folder this crawl writes WARCs into; None when it writes none."""
    if not settings.getbool("WARC_ENABLED", True) or settings.get("WARC_REPLAY"):
        return None
    return Path(settings.get("WARC_DIR") or Path(settings.get("DATA_DIR") or "data") / "warc")


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


def digest_index_damaged_at_start(settings: Any) -> bool:
    """Log one ERROR and say True when the WARC folder's digest index is cut short or
    damaged (the writer would stop the spider at its start, after the feeds were opened).
    Any other failure is left to the WARC writer, which says it as before."""
    warcs = warc_dir(settings)
    if warcs is None:
        return False
    try:
        DigestIndex(warcs / DEFAULT_NAME).close()
    except DigestIndexDamaged as exc:
        logger.error("Cannot write WARC files: %s. Nothing was crawled.", exc)
        return True
    except Exception:  # noqa: BLE001 - read-only, locked...: the writer reports it
        return False
    return False


TEMP_FOLDER_SPIDERS = frozenset({"site"})  # their rows go to a file under TMPDIR at set-up


def temp_folder() -> Path:
    """The folder named for temporary files (TMPDIR, TEMP or TMP, as tempfile reads them),
    else the one tempfile picked. tempfile quietly falls back to /tmp when the named one
    cannot be written: the folder the operator named is the one to check and name."""
    for name in ("TMPDIR", "TEMP", "TMP"):
        if os.environ.get(name):
            return Path(os.environ[name])
    return Path(tempfile.gettempdir())


def temp_folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot take temporary files (missing, unwritable, full disk), or None."""
    if not folder.is_dir():
        return "no such folder"
    try:
        fd, name = tempfile.mkstemp(prefix=".write-check-", dir=folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        os.write(fd, PROBE)
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        os.close(fd)
        os.unlink(name)
    full = disk_full(folder)
    return f"{full.strerror}: {full.left}" if full is not None else None


def temp_folder_unusable_at_start(spiders: Sequence[str]) -> bool:
    """Log one ERROR and say True when a spider that writes temporary files at its set-up
    (the ``site`` spider's rows for the extraction workers) is to run and the temporary
    folder cannot take them: the spider's set-up failed with a traceback and left an empty
    rows file there."""
    if not TEMP_FOLDER_SPIDERS.intersection(spiders):
        return False
    folder = temp_folder()
    problem = temp_folder_problem(folder)
    if problem is None:
        return False
    logger.error("Cannot write temporary files to %s (%s): set TMPDIR to a writable folder "
                 "with free space, then run again. Nothing was crawled.", folder, problem)
    return True
