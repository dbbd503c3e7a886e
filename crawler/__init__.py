"""Scrapy project: spiders, outlets, extraction, capture/replay middlewares, commands."""
