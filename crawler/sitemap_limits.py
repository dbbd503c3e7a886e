"""The sitemap protocol's bounds, named once: the settings module sizes the scraper's room by
them and the readers stop at them. It imports nothing, so settings.py may load it."""

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
MAX_SITEMAP_URLS = 50_000  # the protocol's limit of URLs in one sitemap
# a sitemap this large is near its bound (the next growth is refused): worth a warning, where
# a page's DOWNLOAD_WARNSIZE (8 MiB) warned of every ordinary large sitemap
SITEMAP_WARN_BYTES = MAX_SITEMAP_BYTES * 9 // 10
