"""Downloader middlewares of the crawler (wired in settings.DOWNLOADER_MIDDLEWARES)."""
