"""Scrapy settings for the news archive crawler. Everything can be overridden with ``-s NAME=VALUE``."""

# a lower-case name: Scrapy takes every upper-case name of this module for a setting
from crawler import sitemap_limits

BOT_NAME = "news-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- Output --------------------------------------------------------------------------------
# Everything a crawl writes goes under DATA_DIR unless a more specific setting says otherwise:
# WARC_DIR (DATA_DIR/warc), items (DATA_DIR/items/<spider>-<time>-<pid>.jsonl), removals of
# known articles (DATA_DIR/removals/<spider>-<time>-<pid>.jsonl), state, run reports.
DATA_DIR = "data"
WARC_DIR = None
WARC_ENABLED = True
WARC_PREFIX = None  # file name prefix (default: BOT_NAME); the spider name is appended
WARC_MAX_SIZE = 1_000_000_000  # rotate to a new file past this many bytes
ITEMS_TO_DATA_DIR = True  # also export items to DATA_DIR/items besides any -o/-O feed
FEED_EXPORT_ENCODING = "utf-8"
ADDONS = {"crawler.addons.DataDirAddon": 0, "crawler.addons.ContactAddon": 0,
          "crawler.distributed.addon.RedisAddon": 0}

# --- Identity and politeness -------------------------------------------------------------
CONTACT_URL = "https://github.com/news-archive/crawler"
USER_AGENT = f"news-archive/0.1 (+{CONTACT_URL}; research archive of Belarusian and Russian media)"
ROBOTSTXT_OBEY = True  # Crawl-delay too (crawler.extensions.crawl_delay.RobotsCrawlDelay)
ROBOTSTXT_MAX_BYTES = 512 * 1024  # a longer robots.txt is read to its last line within this
ROBOTSTXT_CRAWL_DELAY_MAX = 60.0  # seconds; a larger Crawl-delay is capped with a warning
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Items processed in parallel *per response*. Scrapy starts this many asyncio tasks for every
# response's output; an article response yields one item, so Scrapy's 100 only cost CPU in the
# crawl process (about a tenth of it on a loopback crawl, docs/benchmarks.md).
CONCURRENT_ITEMS = 8
# Between two requests to one host: 1.5 s ± 1/3, i.e. never less than 1 s.
DOWNLOAD_DELAY = 1.5
DOWNLOAD_DELAY_JITTER = 1 / 3
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
# Bytes of answers held by callbacks past which Scrapy sends no new request (its default is
# 5,000,000). A sitemap of 50,000 entries is 7 MB or more unpacked and its read takes turns
# with the reactor for seconds (crawler/pacing.py): with 5 MB no request went out, for any
# outlet, until that read ended (22 s on a busy machine). Room for one sitemap at its own
# download bound (the protocol's 50 MB unpacked, sitemap_limits.MAX_SITEMAP_BYTES: sitemap
# requests carry it, pages keep DOWNLOAD_MAXSIZE) and one page at DOWNLOAD_MAXSIZE beside it;
# memory stays bounded.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = sitemap_limits.MAX_SITEMAP_BYTES + DOWNLOAD_MAXSIZE
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 3
RETRY_HTTP_CODES = [403, 408, 429, 500, 502, 503, 504, 522, 524]

# --- Faults --------------------------------------------------------------------------------
# Retries wait RETRY_BACKOFF_BASE * 2**n seconds (jittered, at most RETRY_BACKOFF_MAX), or what
# Retry-After asks, at most RETRY_AFTER_MAX (crawler/downloadermiddlewares/retry.py replaces
# Scrapy's).
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 120.0
# A stop (SIGTERM, Ctrl-C once, a CloseSpider limit) waits this long for the downloads in
# flight, then cancels them (0: waits for every one, each up to DOWNLOAD_TIMEOUT); with JOBDIR
# or Redis the next run fetches them, else they are logged as not fetched
# (crawler/extensions/shutdown_grace.py).
SHUTDOWN_GRACE_SECONDS = 30
DOWNLOADER = "crawler.downloader.GracefulDownloader"
# Only HTTP(S) is ever fetched: a redirect or link to file://, ftp://, s3:// or data: must not
# reach a handler that would read local files or other services.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None,
                     # Scrapy's HTTP/1.1 handler, keeping the response head as it was sent.
                     "http": "crawler.handlers.http11.HeadKeepingHTTP11DownloadHandler",
                     "https": "crawler.handlers.http11.HeadKeepingHTTP11DownloadHandler"}
DOWNLOAD_FAIL_ON_DATALOSS = True  # a body shorter than Content-Length is an error, retried
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

# --- Extraction ----------------------------------------------------------------------------
# Worker processes that run article extraction off the reactor (None: one per CPU core;
# 0: inline in the crawl process, which stalls downloads while a page is extracted).
EXTRACTION_WORKERS = None
EXTRACTION_TIMEOUT = 120  # seconds one page may take before it is given up with a reason
# Pages of one article split over several (rel="next" to ?page=2, /2/…) joined into its item,
# the first included (crawler.pipelines.pages); 1 joins none.
ARTICLE_MAX_PAGES = 20
# Characters of text such an article's item may join (crawler.joining): a page that would take
# it past this is not joined, the item keeps the pages before. One page's visible text is
# capped alike (crawler.extraction.limits.MAX_TEXT_CHARS).
ARTICLE_MAX_TEXT_CHARS = 2_000_000

DOWNLOADER_MIDDLEWARES = {
    # First of all: a request to a host off the public Internet (169.254.169.254, 10.x,
    # localhost…) is dropped, redirects' included, before robots.txt is asked of it
    # (crawler/downloadermiddlewares/private.py).
    "crawler.downloadermiddlewares.private.PrivateAddressMiddleware": 50,
    # robots.txt read by its status too (RFC 9309: 4xx no rules, 5xx disallow all)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.downloadermiddlewares.robots.StatusRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # Above HttpCompressionMiddleware (590).
    "crawler.downloadermiddlewares.retry.BackoffRetryMiddleware": 595,
    # Close to the wire: sees bodies before HttpCompressionMiddleware (590) decodes them.
    "crawler.downloadermiddlewares.capture.WarcCaptureMiddleware": 950,
    # Only with WARC_REPLAY: answers every request from the archive instead of the network.
    "crawler.downloadermiddlewares.replay.WarcReplayMiddleware": 960,
}
# Requests to hosts off the public Internet are dropped, and the spiders refuse the sitemap,
# feed and page URLs sites name on them (SSRF), unless a site of the crawl is on one (a local
# mirror on 127.0.0.1); True lets every one through.
ALLOW_PRIVATE_ADDRESSES = False
# DNS answers are judged as well: a name that resolves to such an address (an attacker's name
# for 127.0.0.1, metadata.google.internal) is refused unless a site of the crawl is on that
# name (crawler/resolver.py). DNS_RESOLVER is Scrapy's deprecated name for this setting.
TWISTED_DNS_RESOLVER = "crawler.resolver.PrivateAnswerResolver"

# --- Discovery -----------------------------------------------------------------------------
# Pages one walk of a paged listing or day archive may read (an outlet's Discovery.max_pages
# overrides it): a guard against archives that ignore the page number or link in a loop.
ARCHIVE_MAX_PAGES = 100

# --- Offline replay ------------------------------------------------------------------------
WARC_REPLAY = None  # folder, file or glob of WARCs to answer requests from (no network at all)
WARC_REPLAY_AT = None  # YYYYMMDDhhmmss: replay the web as archived at that moment

ITEM_PIPELINES = {
    "crawler.pipelines.extraction.ExtractionPipeline": 100,
    "crawler.pipelines.removals.RestoredArticlePipeline": 110,  # removed articles back again
    "crawler.pipelines.health.ExtractionHealthPipeline": 150,
    "crawler.pipelines.site_boilerplate.SiteBoilerplatePipeline": 170,
    "crawler.pipelines.date_window.DateWindowPipeline": 200,
    "crawler.pipelines.incremental.IncrementalPipeline": 300,
    "crawler.pipelines.validation.ValidationPipeline": 900,
}

# Paragraphs of at most SITE_BOILERPLATE_MAX_CHARS already seen on SITE_BOILERPLATE_MIN_PAGES
# other pages of a site in this run are removed from its generically extracted articles
# (crawler.pipelines.site_boilerplate). 0, the default, is off: when on, what a page loses
# depends on the pages crawled before it.
SITE_BOILERPLATE_MIN_PAGES = 0
SITE_BOILERPLATE_MAX_CHARS = 300

# --- Scheduled runs ----------------------------------------------------------------------
# State of every exported article (text digest, version, MinHash signature) lives in a
# StateStore: STATE_BACKEND names its class, STATE_PATH its file (default
# DATA_DIR/state/state.sqlite3). Known article pages older than REFETCH_MAX_AGE_DAYS (from
# their publication date, else first capture) are not downloaded again; younger ones are,
# to catch quiet edits.
STATE_BACKEND = "crawler.state.sqlite.SQLiteStateStore"
STATE_PATH = None
REFETCH_MAX_AGE_DAYS = 3
# Older exported articles are re-checked for removals at a slower cadence (crawler/rechecks.py):
# each run asks for at most REFETCH_OLD_MAX of them last checked over REFETCH_OLD_EVERY_DAYS
# ago, the longest unchecked first. 0 (either) turns it off. A re-check that fails (403,
# 5xx, timeout) is asked for again after REFETCH_OLD_RETRY_DAYS (at most the cadence).
REFETCH_OLD_EVERY_DAYS = 30
REFETCH_OLD_MAX = 50
REFETCH_OLD_RETRY_DAYS = 7
SPIDER_MIDDLEWARES = {"crawler.spidermiddlewares.known_articles.KnownArticleMiddleware": 950,
                      # Known articles answering 404/410/451 or redirected to a page that is
                      # no article are removal observations (DATA_DIR/removals, see
                      # crawler/removals.py), not failed pages: before HttpErrorMiddleware (50).
                      "crawler.spidermiddlewares.removals.RemovalMiddleware": 40,
                      # old articles' slow re-checks, after the start requests
                      "crawler.spidermiddlewares.old_articles.OldArticleRecheckMiddleware": 960}
# A known article's 2xx answer that gives no article (or one under a not-found heading), or
# any article read on a host no outlet has, is compared with the answer to a path that names
# nothing (crawler/softremovals.py): at most this many such probes a host and run.
REMOVAL_PROBES_PER_HOST = 3
# JOBDIR resumption defers to the state store (see crawler/state/jobdir.py).
DUPEFILTER_CLASS = "crawler.state.jobdir.JobDirDupeFilter"
FEED_STORAGES = {"": "crawler.extensions.feed_export.DurableFileFeedStorage",
                 "file": "crawler.extensions.feed_export.DurableFileFeedStorage"}
# Run health: alarms when a run looks broken compared with the median of the previous
# HEALTH_HISTORY runs of the same spider (see crawler/extensions/run_verdict.py).
HEALTH_MIN = 0.8
HEALTH_HISTORY = 10
# Extraction health only alarms over at least this many article pages (or when every page of
# at least three failed): one odd page of three is not a broken extractor.
HEALTH_MIN_SAMPLE = 10
# Layout drift (crawler/extensions/rule_drift.py): an outlet field whose rules found nothing on more than this
# share of at least RULE_MISS_MIN_PAGES extracted pages raises an alarm.
RULE_MISS_ALARM = 0.5
RULE_MISS_MIN_PAGES = 5

# --- Outlets -------------------------------------------------------------------------------
# Base URL per outlet key or host, for mirrors (or local test sites), e.g.
# -s 'OUTLET_BASE_URLS={"zerkalo": "https://mirror.example"}'. Item URLs stay canonical.
OUTLET_BASE_URLS: dict[str, str] = {}

LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.ArchiveLogFormatter"
REMOTE_CONTROL_ENABLED = False  # no control port on crawl machines

EXTENSIONS = {"crawler.extensions.run_report.RunReport": 500,
              # one crawl of a spider at a time per state store (DATA_DIR/state/<spider>.lock)
              "crawler.extensions.run_lock.RunLock": 100,
              "crawler.extensions.crawl_delay.RobotsCrawlDelay": 510,
              "crawler.extensions.rule_drift.RuleDrift": 490,
              "crawler.extensions.completeness.Completeness": 491,
              # a network failure is one log line with its reason, not two tracebacks
              "crawler.extensions.network_errors.NetworkErrorLines": 0,
              # a log the disk cannot take is an alarm, not a healthy run with its log cut
              "crawler.extensions.log_health.LogHealth": 0,
              # a stop gives up the downloads still in flight after SHUTDOWN_GRACE_SECONDS
              "crawler.extensions.shutdown_grace.ShutdownGrace": 520,
              # Feed exports that tell the state store which items reached every feed.
              "scrapy.extensions.feedexport.FeedExporter": None,
              "crawler.extensions.feed_export.CheckedFeedExporter": 0}
RUN_LOCK = True  # refuse a crawl while another of one of its outlets runs on the same state
# Warn when -O overwrites a feed with no items (a re-run with nothing new empties the file).
FEED_WARN_EMPTY_OVERWRITE = True

# --- Distributed crawling (docs/distributed.md) -----------------------------------------------
# REDIS_URL (e.g. redis://127.0.0.1:6379/0) makes this process one worker of a cluster sharing
# a frontier and the article state in Redis; unset, nothing changes.
REDIS_URL = None
REDIS_IDLE_CLOSE_SECONDS = 30.0  # close once the shared frontier stayed drained this long
REDIS_HEARTBEAT_SECONDS = 1.0  # lease upkeep, liveness and dead-worker recovery period
REDIS_WORKER_TTL = 30.0  # a worker silent this long is presumed dead; its requests requeued
REDIS_RETRY_SECONDS = 10.0  # a Redis command finding Redis gone (restart, failover) is retried so long

# --- JOBDIR and fetch failures (crawler/state/, docs/scheduling.md) ------------------------
# With JOBDIR, pending requests, seen fingerprints, requests in flight and the spider state
# live in JOBDIR/<spider>/frontier.sqlite3: a kill at any instant loses nothing, each spider
# resumes only its own frontier (one JOBDIR may serve them all), a finished crawl empties it.
SCHEDULER = "crawler.state.jobdir.JobScheduler"
EXTENSIONS = {**EXTENSIONS, "scrapy.extensions.spiderstate.SpiderState": None}  # in the frontier
# Redirect loops and chains longer than REDIRECT_MAX_TIMES are fetch failures, logged with
# their URL and counted (crawler/downloadermiddlewares/redirect.py), not silently dropped.
DOWNLOADER_MIDDLEWARES = {
    **DOWNLOADER_MIDDLEWARES,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.downloadermiddlewares.redirect.CountedRedirectMiddleware": 600,
    "crawler.downloadermiddlewares.redirect.CountedMetaRefreshMiddleware": 580,
}

# --- Sites crawled by address (`scrapy crawl site -a url=…`, crawler/sitediscovery.py) ---------
EXTRA_OUTLETS = None  # a TOML file of [[site]] rows, or a list of rows, crawled by `site`
SITE_MAX_FEEDS = 20  # feeds a site's home pages announce fetched per run (one per tag…)
# every spider: sitemaps fetched per site (outlet) and process, indexes included (the site
# spider: robots.txt's take half at most); a resumed JOBDIR run or a distributed worker
# counts again
SITE_MAX_SITEMAPS = 50
# Entries read of one sitemap, XML or text (every spider's): the protocol's limit. Each costs
# the event loop a parse and URL checks; the rest of a longer one is counted and not read.
SITEMAP_MAX_ENTRIES = 50_000
SITE_SITEMAP_DEPTH = 3  # every spider: index → index → … → urlset levels followed
FEED_MAX_ENTRIES = 1000  # entries read of one feed, by every spider (feeds hold 10-100)
SITE_MAX_URLS = 5000  # candidate article URLs kept per site and run
SITE_MAX_ARCHIVE_PAGES = 10  # pages of one day of a date archive
# article pages read early to learn the zone when nobody gives it; one that is no article
# page (a dead link) is replaced, at most 3 times as many asked (sitediscovery.SAMPLE_TRIES)
SITE_ZONE_SAMPLES = 3
# article pages answered before discovery settled the zones (a resumed JOBDIR run's frontier,
# a distributed run's queue, re-checks of old articles) held in memory to be read at the
# release, their requests kept leased in the run's frontier until then; the rest read at once
SITE_MAX_HELD = 100
SITE_RECENT_DAYS = 2  # without a window: plain-sitemap entries changed this recently
