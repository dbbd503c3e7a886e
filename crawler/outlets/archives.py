"""Named day-archive URL schemes: how to ask a CMS for "page N of day D".

A district row names its scheme (``archive = "wp-m"``); the pager walks pages 1, 2, … of every
day in a window until a stop rule ends the walk.
"""

from __future__ import annotations

from datetime import date

from crawler.outlets.base import PageScheme

ARCHIVE_SCHEMES: dict[str, PageScheme | None] = {
    # WordPress query archives: work with every permalink setting, plain ones included.
    "wp-m": PageScheme("/?m={day:%Y%m%d}", "/?m={day:%Y%m%d}&paged={page}"),
    # WordPress pretty-permalink day archives.
    "wp-date": PageScheme("/{day:%Y/%m/%d}/", "/{day:%Y/%m/%d}/page/{page}/"),
    "none": None,
}


def archive_scheme(name: str) -> PageScheme | None:
    """The scheme called ``name``; an unknown name is a ValueError naming the known ones."""
    if name not in ARCHIVE_SCHEMES:
        raise ValueError(f"unknown archive scheme {name!r}; known: {sorted(ARCHIVE_SCHEMES)}")
    return ARCHIVE_SCHEMES[name]


def archive_path(name: str, day: date, page: int) -> str | None:
    """Path of page ``page`` of the day archive, or None when the site has no day archive."""
    scheme = archive_scheme(name)
    return scheme.url_path(page, day) if scheme else None
