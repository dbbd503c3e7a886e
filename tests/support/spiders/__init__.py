"""Spiders that exist only for tests (enabled with -s SPIDER_MODULES=...)."""
