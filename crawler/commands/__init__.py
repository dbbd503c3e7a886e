"""Project commands: scrapy reextract, scrapy crawlall."""
