"""Social-network posts embedded in an article's text (Instagram, X/Twitter, TikTok, Telegram,
Facebook, VK, YouTube).

A network's embed code is a block of fallback markup that its script replaces with the post
once the page runs in a browser: the post's text, "View this post on Instagram", "A post
shared by …", a tweet's "— Name (@handle) date", a TikTok's "@user … ♬ original sound". Read
without scripts, that fallback is text of the page, and an outlet's body block holds it
between the article's paragraphs. It is another author's post, not the article: the block
goes whole, its quoted text with it, and the item counts the posts it lost.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.html import remove_keeping_tail

# the class tokens the networks' embed codes give their fallback block, and the data
# attributes their scripts read (an outlet's CMS may drop the class and keep the attribute)
_EMBED_CLASSES = ("instagram-media", "twitter-tweet", "twitter-video", "twitter-timeline",
                  "tiktok-embed", "telegram-post", "fb-post", "fb-video", "vk-post",
                  "youtube-player", "youtube-embed")
_EMBED_ATTRIBUTES = ("data-instgrm-permalink", "data-telegram-post", "data-tweet-id",
                     "data-href-fb", "data-vk-post")
_CLASS_TEST = " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
                          for name in _EMBED_CLASSES)
_ATTRIBUTE_TEST = " or ".join(f"@{name}" for name in _EMBED_ATTRIBUTES)
_EMBEDS = etree.XPath(f"descendant-or-self::*[({_CLASS_TEST}) or ({_ATTRIBUTE_TEST})]")
# a Telegram post's address, what its widget's fallback link points at
_TELEGRAM_LINK = re.compile(r"^(?:https?:)?//(?:www\.)?(?:t\.me|telegram\.me)/(?:s/)?([^?#]+)",
                            re.IGNORECASE)

# The lines an embed's fallback leaves when a CMS kept its text but dropped its markup:
# each the whole paragraph (a report that cites "a post shared by the minister" is prose).
EMBED_LINES = (
    r"^(view this (post|profile|video) on (instagram|tiktok|youtube|facebook)|(посмотреть|"
    r"смотреть|просмотреть) (эту|этот) (публикацию|пост|видео|профиль) в (instagram|инстаграм\w*|"
    r"tiktok|тикток\w*)|паглядзець гэтую публікацыю ў instagram|переглянути цей допис в "
    r"instagram)\W*$",
    # "A post shared by Minsk City (@minsk_city)", "Публикация от Minsk City (@minsk_city)"
    r"^(a (post|video|photo) shared by|публикация от|публикация, которой поделил\w*(\(-?\w+\))?"
    r"|допис, яким поділил\w*(\(-?\w+\))?)\s[^.!?]{0,80}\(@[\w.]{1,40}\)\W*$",
    # an embed's bare address, a classic editor's auto-embed left as text ("https://youtu.be/…")
    r"^(https?://)?(www\.|m\.)?(youtube\.com/(watch\?|shorts/|embed/)|youtu\.be/|tiktok\.com/@|"
    r"(facebook|fb)\.com/[^/\s]+/(posts|videos)/|rutube\.ru/video/)\S*$",
    r"^((watch|view) (on|in) (youtube|tiktok|telegram)|(смотреть|открыть|посмотреть)( видео)? "
    r"(на|в) (youtube|ютуб\w*|tiktok|тикток\w*|telegram|телеграм\w*))\W*$",
)


def drop_embeds(body: etree._Element) -> int:
    """Remove the embedded posts under ``body`` (their fallback blocks, their scripts, the
    fallback link a Telegram widget's script is followed by); how many posts went."""
    removed = 0
    for node in _EMBEDS(body):
        if node is body or node.getparent() is None or _inside_removed(node, body):
            continue
        if node.tag == "script":
            _drop_fallback_link(node)
        if remove_keeping_tail(node):
            removed += 1
    return removed


def _inside_removed(node: etree._Element, body: etree._Element) -> bool:
    """Whether an ancestor of ``node`` has left ``body`` already (an embed inside another)."""
    return not any(anc is body for anc in node.iterancestors())


def _drop_fallback_link(script: etree._Element) -> None:
    """The paragraph after a Telegram widget's script that is only a link to the widget's
    own post ("Пост в Telegram", "t.me/channel/1234"): its text for readers without scripts.
    A paragraph linking elsewhere (a channel, another post, a video) is the article's."""
    block = script.getnext()
    post = (script.get("data-telegram-post") or "").strip("/ ").lower()
    if block is None or block.tag not in ("p", "div") or not post or (script.tail or "").strip():
        return
    links = list(block.iter("a"))
    text = "".join(block.itertext()).strip()
    linked = "".join("".join(a.itertext()) for a in links).strip()
    if links and all(_links_to_post(a.get("href") or "", post) for a in links) and text == linked:
        remove_keeping_tail(block)


def _links_to_post(href: str, post: str) -> bool:
    """Whether ``href`` is the address of the Telegram post ``post`` ("channel/1234")."""
    found = _TELEGRAM_LINK.match(href.strip())
    return found is not None and found.group(1).strip("/").lower() == post
