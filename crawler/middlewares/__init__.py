"""Downloader middlewares: WARC capture and replay, politeness."""
