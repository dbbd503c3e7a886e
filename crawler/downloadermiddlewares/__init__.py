"""Downloader middlewares: WARC capture and replay, retries with backoff, integrity, counted
redirects."""
