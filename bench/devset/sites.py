"""Which site a page belongs to, and which split (dev or test) the site falls in.

The split is by site, never by page: pages of one site share a template, so a rule tuned on
one of them would be tested on its twin. A site's split is a hash of its name, stable across
runs and machines, half of the sites in each.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

# Second-level labels under which registrations happen (bbc.co.uk, abc.net.au, ...).
_SHARED_SECOND = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or"})


def site_of(url_or_host: str) -> str:
    """Registered domain of a URL or host name: news.bbc.co.uk -> bbc.co.uk."""
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    labels = (host or "").lower().strip(".").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SHARED_SECOND and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def split_of(site: str) -> str:
    """'dev' or 'test', from a hash of the site name."""
    digest = hashlib.sha256(site.encode("utf-8")).digest()
    return "dev" if digest[0] % 2 == 0 else "test"
