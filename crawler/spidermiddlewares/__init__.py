"""Spider middlewares: skipping article pages already known from earlier runs."""
