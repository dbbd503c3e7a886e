"""A test-only extension that fills a disk the moment the crawl has no work left: the
writes a spider's close makes (the frontier's last commit, the final run report) then meet
a full disk, while every write of the run itself succeeded.

``-s FILL_AT_IDLE=<folder>`` names a folder on a small filesystem (:mod:`tests.support.disk`);
add the extension with :func:`extensions` (``-s EXTENSIONS`` replaces the project's dict).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


def extensions() -> dict[str, int | None]:
    """The project's EXTENSIONS plus this one: a value for ``-s EXTENSIONS``."""
    from crawler import settings
    return {**settings.EXTENSIONS, f"{__name__}.FillAtIdle": 0}


class FillAtIdle:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.done = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> FillAtIdle:
        folder = crawler.settings.get("FILL_AT_IDLE")
        if not folder:
            raise NotConfigured("FILL_AT_IDLE is not set")
        ext = cls(Path(folder))
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        return ext

    def spider_idle(self) -> None:
        if self.done:
            return
        self.done = True
        with open(self.folder / "filler", "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError:
                pass
        logger.info("Filled the disk of %s", self.folder)
