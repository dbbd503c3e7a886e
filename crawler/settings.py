"""Scrapy settings for the news archive crawler. Everything can be overridden with ``-s NAME=VALUE``."""

BOT_NAME = "news-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- Output --------------------------------------------------------------------------------
# Everything a crawl writes goes under DATA_DIR unless a more specific setting says otherwise:
# WARC_DIR (DATA_DIR/warc), items (DATA_DIR/items/<spider>-<time>.jsonl), state, run reports.
DATA_DIR = "data"
WARC_DIR = None
ITEMS_TO_DATA_DIR = True  # also export items to DATA_DIR/items besides any -o/-O feed
FEED_EXPORT_ENCODING = "utf-8"
ADDONS = {"crawler.addons.DataDirAddon": 0, "crawler.addons.ContactAddon": 0}

# --- Identity and politeness -------------------------------------------------------------
CONTACT_URL = "https://github.com/news-archive/crawler"
USER_AGENT = f"news-archive/0.1 (+{CONTACT_URL}; research archive of Belarusian and Russian media)"
ROBOTSTXT_OBEY = True  # Crawl-delay too (crawler.politeness.RobotsCrawlDelay)
ROBOTSTXT_CRAWL_DELAY_MAX = 60.0  # seconds; a larger Crawl-delay is capped with a warning
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # seconds between requests to one host (at least)
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 3
RETRY_HTTP_CODES = [403, 408, 429, 500, 502, 503, 504, 522, 524]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

# --- Extraction ----------------------------------------------------------------------------
# Worker processes that run article extraction off the reactor (None: one per CPU core;
# 0: inline in the crawl process, which stalls downloads while a page is extracted).
EXTRACTION_WORKERS = None
EXTRACTION_TIMEOUT = 120  # seconds one page may take before it is given up with a reason

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractionPipeline": 100,
    "crawler.pipelines.DateWindowPipeline": 200,
    "crawler.pipelines.ValidationPipeline": 900,
}

# --- Outlets -------------------------------------------------------------------------------
# Base URL per outlet key or host, for mirrors (or local test sites), e.g.
# -s 'OUTLET_BASE_URLS={"zerkalo": "https://mirror.example"}'. Item URLs stay canonical.
OUTLET_BASE_URLS: dict[str, str] = {}

LOG_LEVEL = "INFO"

EXTENSIONS = {"crawler.extensions.RunReport": 500, "crawler.politeness.RobotsCrawlDelay": 510}
