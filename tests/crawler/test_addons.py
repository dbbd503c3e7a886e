"""The contact add-on: the contact URL reaches the User-Agent unless one was set."""

from __future__ import annotations

from scrapy.settings import Settings

from crawler import settings as defaults
from crawler.addons import ContactAddon


def test_contact_addon() -> None:
    settings = Settings()
    settings.setmodule(defaults, priority="project")
    settings.set("CONTACT_URL", "https://example.org/c", priority="cmdline")
    ContactAddon().update_settings(settings)
    assert "https://example.org/c" in settings["USER_AGENT"]
    own = Settings()
    own.setmodule(defaults, priority="project")
    own.set("CONTACT_URL", "https://example.org/c", priority="cmdline")
    own.set("USER_AGENT", "my-bot/1.0", priority="cmdline")
    ContactAddon().update_settings(own)
    assert own["USER_AGENT"] == "my-bot/1.0"
