"""A one-outlet spider for the shklovinfo.by district paper.

The real district spider (all ~100 sites) is built on another branch; this stand-in uses the
same OutletSpider machinery and the outlet row from regional_sites.toml, reading the RSS.
"""

from __future__ import annotations

from crawler.spiders.base import OutletSpider


class ShklovSpider(OutletSpider):
    name = "district_shklov"
    outlet_key = "shklovinfo.by"
