"""Development collection for the generic extractor: public gold pages, split by site."""
