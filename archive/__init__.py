"""WARC writing, reading, indexing and verifying. Knows nothing of Scrapy."""

from . import arc  # noqa: F401, E402 - registers the ARC reader with archive.records
