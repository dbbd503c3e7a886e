"""Scrapy extensions and what they rest on.

* :mod:`.run_report`: the ``RunReport`` extension, writing each run's JSON report with alarms;
* :mod:`.run_verdict`: the pure rules it applies (is a run healthy? which exit status?);
* :mod:`.crawl_delay`: ``RobotsCrawlDelay``, honouring robots.txt ``Crawl-delay``;
* :mod:`.feed_export`: feed exports that know which items reached every feed.

Extraction health (complete articles counted per run) is an item pipeline:
:mod:`crawler.pipelines.health`.
"""
