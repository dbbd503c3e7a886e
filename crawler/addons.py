"""Settings derived from others before components start (Scrapy add-ons run at that point)."""

from __future__ import annotations

from pathlib import Path

from scrapy.settings import BaseSettings


class DataDirAddon:
    """Point every output that was not configured explicitly into DATA_DIR."""

    def update_settings(self, settings: BaseSettings) -> None:
        data_dir = Path(settings.get("DATA_DIR") or "data")
        if not settings.get("WARC_DIR"):
            settings.set("WARC_DIR", str(data_dir / "warc"),
                         priority=settings.getpriority("WARC_DIR") or 0)
        if settings.get("WARC_REPLAY"):
            self.offline(settings)
        if settings.getbool("ITEMS_TO_DATA_DIR"):
            feeds = dict(settings.getdict("FEEDS"))
            # %(run)s: <time>-<pid>, the file created with O_EXCL (two runs never share it).
            params = "crawler.extensions.feed_export.unique_items_uri_params"
            feeds.setdefault(str(data_dir / "items" / "%(name)s-%(run)s.jsonl"),
                             {"format": "jsonlines", "encoding": "utf-8", "uri_params": params})
            priority = settings.getpriority("FEEDS") or 0
            settings.set("FEEDS", feeds, priority=max(priority, 15))

    @staticmethod
    def offline(settings: BaseSettings) -> None:
        """Replay mode: no download handler may open a connection; delays and retries are moot."""
        handlers = {scheme: "crawler.downloadermiddlewares.replay.OfflineDownloadHandler"
                    for scheme in ("http", "https", "ftp", "s3", "file", "data")}
        for name, value in (("DOWNLOAD_HANDLERS", handlers), ("DOWNLOAD_DELAY", 0),
                            ("AUTOTHROTTLE_ENABLED", False), ("WARC_ENABLED", False),
                            ("RETRY_ENABLED", False)):
            settings.set(name, value, priority=max(settings.getpriority(name) or 0, 40))
        if not settings.get("STATE_PATH"):
            # A replay rebuilds items from scratch: it must neither skip articles the live
            # crawl already knows nor count replayed pages as new versions of them.
            settings.set("STATE_PATH", ":memory:", priority=settings.getpriority("STATE_PATH"))

class ContactAddon:
    """A user who sets only CONTACT_URL gets a User-Agent naming it, not the project default.

    Site owners read the User-Agent to reach whoever crawls them. A User-Agent the user wrote
    (one without the default contact URL in it) is left alone.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        from crawler import settings as defaults

        contact, agent = settings.get("CONTACT_URL"), settings.get("USER_AGENT") or ""
        if contact and contact != defaults.CONTACT_URL and defaults.CONTACT_URL in agent:
            settings.set("USER_AGENT", agent.replace(defaults.CONTACT_URL, contact),
                         priority=settings.getpriority("USER_AGENT") or "addon")
