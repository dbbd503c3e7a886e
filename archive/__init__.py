"""WARC writing, reading, indexing and verifying. Knows nothing of Scrapy."""
