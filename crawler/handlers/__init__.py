"""Download handlers: Scrapy's HTTP/1.1 one, keeping the reason phrase for the archive."""
