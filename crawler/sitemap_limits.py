"""The sitemap protocol's bounds, named once: the settings module sizes the scraper's room by
them and the readers stop at them. It imports nothing, so settings.py may load it."""

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
MAX_SITEMAP_URLS = 50_000  # the protocol's limit of URLs in one sitemap
