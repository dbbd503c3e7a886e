"""Date-archive URL schemes of district CMSs: how to ask a site for "page N of day D".

A row names its scheme (``archive = "wp-m"``); the spider walks pages 1, 2, … of every day in
a window until a page brings no new article links.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date


def wp_m(day: date, page: int) -> str:
    """WordPress query archives: work with every permalink setting, plain ones included."""
    base = f"/?m={day:%Y%m%d}"
    return base if page <= 1 else f"{base}&paged={page}"


def wp_date(day: date, page: int) -> str:
    """WordPress pretty-permalink day archives."""
    base = f"/{day:%Y/%m/%d}/"
    return base if page <= 1 else f"{base}page/{page}/"


ARCHIVE_SCHEMES: dict[str, Callable[[date, int], str] | None] = {
    "wp-m": wp_m,
    "wp-date": wp_date,
    "none": None,
}


def archive_path(scheme: str, day: date, page: int) -> str | None:
    """Path of page ``page`` of the day archive, or None when the site has no day archive."""
    builder = ARCHIVE_SCHEMES[scheme]
    return builder(day, page) if builder else None
