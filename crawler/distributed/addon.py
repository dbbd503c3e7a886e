"""``-s REDIS_URL=redis://host:6379/0`` is all it takes to turn a crawl into a cluster worker.

Without ``REDIS_URL`` this add-on changes nothing. With it, before any component starts:

* the scheduler becomes :class:`~crawler.distributed.scheduler.DistributedScheduler` (the
  scrapy-redis scheduler with a per-run frontier and leased pops) and the project's
  ``JobDirDupeFilter`` gives way to scrapy-redis' fingerprint set (per run, in Redis);
* the article state and near-duplicate signatures move to Redis
  (:class:`~crawler.state.redis.RedisStateStore`) unless ``STATE_BACKEND`` was set explicitly;
* :class:`~crawler.distributed.monitor.FrontierMonitor` keeps leases and idle closing.

Settings given on the command line (priority ``cmdline``) win over what is derived here.
Replay (``WARC_REPLAY``) is a local, offline rebuild and ignores ``REDIS_URL``.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

from crawler.distributed.connection import redis_params

PROJECT = 20  # Scrapy's "project" settings priority: settings.py values are replaced, -s kept

DERIVED = {
    "SCHEDULER": "crawler.distributed.scheduler.DistributedScheduler",
    "DUPEFILTER_CLASS": "crawler.distributed.scheduler.RedisRunDupeFilter",
    "SCHEDULER_PERSIST": True,
    "STATE_BACKEND": "crawler.state.redis.RedisStateStore",
}


class RedisAddon:
    """Switch to the shared Redis frontier and state when ``REDIS_URL`` is set."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL") or settings.get("WARC_REPLAY"):
            return
        for name, value in DERIVED.items():
            if (settings.getpriority(name) or 0) <= PROJECT:
                settings.set(name, value, priority=PROJECT)
        # scrapy-redis builds clients of its own (the scheduler's, the dupefilter's) from
        # REDIS_PARAMS: they speak RESP2 too, or Redis 5.0 refuses their HELLO 3
        settings.set("REDIS_PARAMS", redis_params(settings),
                     priority=max(settings.getpriority("REDIS_PARAMS") or 0, PROJECT))
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions.setdefault("crawler.distributed.monitor.FrontierMonitor", 520)
        settings.set("EXTENSIONS", extensions,
                     priority=max(settings.getpriority("EXTENSIONS") or 0, PROJECT))
