"""Anti-bot and challenge pages served with status 200: never articles, always counted.

A protection service (Cloudflare, DDoS-Guard, Qrator, Variti, a captcha wall) or a consent
platform (a cookie wall asking for a choice before the article) may answer an article URL
with 200 and a page of its own; so may a site down for maintenance. Retries (403/429) never
see these, and extraction would turn "Just a moment..." into an item. The page is still
archived (capture runs before any of this); it only never becomes an item, so the article is
not recorded and the next run fetches it again.

Markers alone do not decide: real articles embed reCAPTCHA in comment forms and Cloudflare
injects ``/cdn-cgi/challenge-platform/`` scripts into ordinary pages. A page is a challenge
only when a marker matches *and* it carries little visible text, or when its title is one a
challenge page uses.
"""

from __future__ import annotations

import re

SCAN_BYTES = 256 * 1024  # challenge pages are small; no need to look further into a body
MAX_CHALLENGE_TEXT = 1500  # visible characters: more than this is a real page with a widget
MAX_STUB_TEXT = 200  # a JS redirect stub shows (almost) nothing

# Titles that only challenge and block pages use: decisive on their own.
_TITLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"^\s*(?:{alternatives})\s*$")) for kind, alternatives in (
        ("cloudflare", r"just a moment[.…]*|один момент[.…]*|attention required!?"
                       r"(?:\s*\|\s*cloudflare)?|please wait[.…]*\s*\|\s*cloudflare"),
        ("ddos_guard", r"ddos-guard|ddos guard"),
        ("browser_check", r"checking your browser[.…]*|проверка браузера[.…]*|"
                          r"вы не робот\??|are you a robot\??|are you human\??"),
        ("captcha", r"captcha|капча|security check|challenge validation|вы робот\??"),
    ))

# Technical markers, searched in tags and scripts only (an article that names Qrator or
# Cloudflare in its text is not a challenge); they decide together with little visible text.
_MARKUP_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cloudflare", re.compile(r"cf-browser-verification|cf_chl_opt|cf-chl-|cf-error-details|"
                              r"/cdn-cgi/challenge-platform/h/|cf-wrapper")),
    ("ddos_guard", re.compile(r"ddos-guard|ddos_guard")),
    ("qrator", re.compile(r"__qrator|qrator_jsr|qrator_ssid|/__qrator")),
    ("variti", re.compile(r"variti")),
    ("captcha", re.compile(r"g-recaptcha|google\.com/recaptcha|h-captcha|hcaptcha\.com|"
                           r"smartcaptcha|showcaptcha|captcha-delivery|cf-turnstile|"
                           r"challenges\.cloudflare\.com")),
)
# Phrases a reader sees on a block page; with little visible text they decide too.
_TEXT_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("browser_check", re.compile(r"checking your browser|проверка браузера|checking if the site"
                                 r" connection is secure|enable javascript and cookies to continue"
                                 r"|включите javascript и cookies")),
    ("captcha", re.compile(r"подтвердите, что вы не робот|i'?m not a robot|я не робот|"
                           r"complete the security check")),
    # a consent wall served in place of the article (the headline often kept): the IAB
    # TCF notice every consent platform words alike, or a choice asked before reading on
    ("consent_wall", re.compile(
        r"we and our (?:\d+ )?partners (?:store|process|use)|"
        r"мы и наши (?:\d+ )?партн[её]ры (?:храним|обрабатываем|используем)|"
        r"we value your privacy|мы ценим вашу конфиденциальность|"
        r"ваша конфиденциальность важна|before you continue|прежде чем продолжить|"
        r"(?:to continue|to keep reading)[^.!?]{0,80}\baccept|"
        r"чтобы продолжить[^.!?]{0,80}(?:приня|приму|приним|соглас)")),
)
# A title or first heading saying access is denied, on a page with almost nothing else.
_DENIED = re.compile(r"access denied|доступ запрещ[её]н|доступ ограничен|403 forbidden|"
                     r"you have been blocked|request blocked|forbidden")
MAX_DENIED_TEXT = 600
# A title or first heading saying the site is down for maintenance, on a page with almost
# nothing else: served with 200 in place of every article while the site is worked on.
_MAINTENANCE = re.compile(
    r"техническ\w* (?:обслуживани|работ)|профилактическ\w* работ|сайт временно недоступен|"
    r"тэхнічн\w* (?:абслугоўванн|работ)|сайт часова недаступны|"
    r"under maintenance|maintenance mode|scheduled maintenance|temporarily unavailable|"
    r"we'?ll be back soon")
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)

_JS_REDIRECT = re.compile(r"(window\.|document\.|top\.|self\.)?location(\.href)?\s*="
                          r"|location\.(replace|assign)\s*\(")
# A script sending the browser on: ``location = …``, ``location.href = …``,
# ``location.replace(…)``, ``location.assign(…)``.
LOCATION_SET = r"\blocation(?:\.href)?\s*=|\blocation\.(?:replace|assign)\s*\("


def literal_target(calls: str) -> re.Pattern[str]:
    """A pattern of the address ``calls`` (an alternation) are given as a string literal
    (group 2); not one the script adds to (``'/news.php?id=' + id`` is computed)."""
    return re.compile(rf"""(?:{calls})\s*(["'])([^"'<>\s]{{1,500}})\1(?!\s*\+)""")


# The address a redirect stub's script sends the browser to, when it is a string literal.
_JS_REDIRECT_TARGET = literal_target(LOCATION_SET)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_UNSHOWN_ELEMENT = r"<(script|style|noscript|template)\b.*?</\1\s*>"  # with its content
_INVISIBLE = re.compile(_UNSHOWN_ELEMENT + r"|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_MARKUP = re.compile(_UNSHOWN_ELEMENT + r"|<[^>]*>", re.IGNORECASE | re.DOTALL)
_WS = re.compile(r"\s+")


def visible_text(markup: str) -> str:
    """The page's visible text, roughly: enough to tell a stub from a page with prose."""
    return _WS.sub(" ", _TAG.sub(" ", _INVISIBLE.sub(" ", markup))).strip()


def challenge_kind(body: bytes | str) -> str | None:
    """The kind of anti-bot page this body is (``cloudflare``, ``captcha``, …), or None.

    ``body`` is best the decoded page (Cyrillic phrases); bytes are read as UTF-8.
    """
    head = body[:SCAN_BYTES] if isinstance(body, str) else body[:SCAN_BYTES].decode(
        "utf-8", "replace")
    lower = head.lower()
    title_match = _TITLE.search(lower)
    title = _WS.sub(" ", title_match.group(1)).strip() if title_match else ""
    text = visible_text(head)
    if title:
        for kind, pattern in _TITLES:
            if pattern.search(title) and len(text) <= 3 * MAX_CHALLENGE_TEXT:
                return kind
    if len(text) > MAX_CHALLENGE_TEXT:
        return None
    markup = " ".join(m.group(0) for m in _MARKUP.finditer(lower))
    for kind, pattern in _MARKUP_MARKERS:
        if pattern.search(markup):
            return kind
    folded = text.lower()
    for kind, pattern in _TEXT_MARKERS:
        if pattern.search(folded):
            return kind
    heading = _H1.search(lower)
    headline = visible_text(heading.group(1)) if heading else ""
    if len(text) <= MAX_DENIED_TEXT and (_DENIED.search(title) or _DENIED.search(headline)):
        return "access_denied"
    if len(text) <= MAX_DENIED_TEXT and (_MAINTENANCE.search(title)
                                         or _MAINTENANCE.search(headline)):
        return "maintenance"
    if len(text) <= MAX_STUB_TEXT and _JS_REDIRECT.search(lower) and len(body) < SCAN_BYTES // 4:
        return "js_redirect"
    return None


def js_redirect_target(body: bytes | str) -> str | None:
    """Where a JS redirect stub (:func:`challenge_kind` ``js_redirect``) sends the browser,
    as written (maybe relative); None for any other page or a target computed by the script
    (a language chooser ``location = "/ru/"`` is a home page that moved, not a block)."""
    if challenge_kind(body) != "js_redirect":
        return None
    head = body[:SCAN_BYTES] if isinstance(body, str) else body[:SCAN_BYTES].decode(
        "utf-8", "replace")
    match = _JS_REDIRECT_TARGET.search(head)
    return match.group(2) if match else None
