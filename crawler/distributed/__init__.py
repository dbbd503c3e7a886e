"""Distributed crawling on scrapy-redis: one Redis, any number of ``scrapy crawl`` workers.

Switched on by ``REDIS_URL`` (:mod:`.addon`); design in ``docs/distributed.md``.
"""
