"""The author a page names in its markup alone: no JSON-LD, no microdata, no ``<meta>``.

Small CMS sites (WordPress themes, Bitrix and Joomla templates) print their byline as a
block of its own: WordPress' ``<span class="author vcard"><a class="url fn n">Name</a>``, a
``rel="author"`` link, a bare ``<div class="author">Иван Петров</div>`` or a credits line
``<div class="article__author">Фото: Анна Смирнова, текст: Иван Петров</div>``. A site no rule
knows has only these to tell who wrote the article. Read from the article's own blocks:
a comment's author (``comment-author vcard``), a sidebar's list of authors are not it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from crawler.extraction.normalize import clean_line, folded_words

# a byline block's class token: "author", "byline", a name ending in them ("post-author",
# "node__author", "article__byline") or in their name ("wp-block-post-author-name",
# "author__name"); "author-avatar", "author-bio", "byline-meta" are other parts of one
_BYLINE_CLASS = re.compile(r"^(?:[\w-]*[-_])?(?:author|byline)(?:[-_]{1,2}name)?$")


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_VCARD_NAMES = etree.XPath(f"//*[{_has_class('vcard')}]//*[{_has_class('fn')}]"
                           f"|//*[{_has_class('vcard')} and {_has_class('fn')}]")
_AUTHOR_LINKS = etree.XPath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]")
_CLASSED = etree.XPath("//*[contains(@class, 'author') or contains(@class, 'byline')]")
# blocks whose names are not the article's author: comments, sidebars, related cards, menus
_ELSEWHERE = re.compile(r"comment|widget|sidebar|related|footer-widget|reply|respond|review|"
                        r"discussion|more-(?:posts|news)|read-?also", re.IGNORECASE)
_ELSEWHERE_TAGS = frozenset(("aside", "nav"))
# a WordPress post's own classes name its category and tags ("category-reviews"): no block
_TAXONOMY_CLASS = re.compile(r"^(?:category|tag|format|post_tag)-\S*$")
# the page's own header and footer: the site's name, a login, the publisher's hCard
_PAGE_EDGES = frozenset(("header", "footer"))
_EDGE_CLASSES = frozenset(("header", "footer", "site-header", "site-footer"))
_ARTICLE = frozenset(("article", "main"))

_UPPER = "A-ZÀ-ÖØ-ÞА-ЯЁІЇЄЎҐ"
_LOWER = "a-zß-öø-ÿа-яёіїєўґ"
# a word of a name: "Петров", "Иванова-Петрова", "O'Brien", "McDonald", an initial ("И."),
# or set in capitals ("SMITH", "ИВАНОВА-ПЕТРОВА": kept as printed, as ``body.signature`` keeps
# "Анны ИВАНОВОЙ"; re-casing would spoil "McDONALD" and the like)
_CASED = rf"(?:Mc|Mac|[{_UPPER}]['’])?[{_UPPER}][{_LOWER}ʼ'’]+"
_CAPS = rf"[{_UPPER}]{{2,}}"
_WORD = rf"(?:{_CASED}(?:-{_CASED}|-[{_LOWER}]+)*|{_CAPS}(?:-{_CAPS})*|[{_UPPER}]\.)"
# the small words inside a name ("Pieter van der Berg", "Леонардо да Винчи"): never first
_PARTICLE = (r"(?:van|von|der|den|de|da|di|du|des|del|della|dos|das|do|la|le|ter|ten|zu|af|bin|"
             r"ibn|al|ван|фон|дер|де|да|ди|дю|ла|ле|аль|ибн|бен)")
_NAME = re.compile(rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+){{0,2}}{_WORD}){{1,3}}")
# words of a byline's label or heading, never of a name ("Written By", "The Author"); the
# words of many forms ("author", "автор", "редакция", "материалы") are _LABEL_FORM's
_LABEL_WORDS = frozenset(("by", "the", "written", "more", "from", "posted", "about", "our",
                          "подготовил", "подготовила", "все", "новости", "текст", "тэкст",
                          "фото", "фота"))
# a part's label: who wrote it ("Текст:", "Автор:", "By", "Подготовил") or who did else
_WRITER = re.compile(r"^(?i:(?:материал\s+|текст\s+)?подготови(?:л|ла|ли)|написа(?:л|ла|ли)|"
                     r"текст|тэкст|автор[ыи]?|аўтары?|author|written by|posted by|"
                     r"prepared by|by)\s*:?\s+")
# a byline block's labels: English "Text:" too, which in a line of the text opens a caption
# or a quote's source as often ("Text: Genesis Chapter One") and is no writer's label there
_BYLINE_WRITER = re.compile(rf"^(?i:text\s*:?\s+)|{_WRITER.pattern}")
_OTHER_ROLE = re.compile(r"^(?i:фото|фота|photo|photos|видео|відэа|video|иллюстраци\w*|"
                         r"инфографика|перевод|редактор|editor)\b")
# a credits line's labels, each role's names after its colon: "Текст и фото: Иван Петров",
# "Текст: Иван Петров; фото: Анна Смирнова", "Аўтар: …" ("Материал:", "Words:" and the like
# open a line of the text as often: no writer's label)
_WRITER_ROLES = r"текст\w*|тэкст\w*|автор\w*|аўтар\w*|author\w*"
_OTHER_ROLES = (r"фото\w*|фота\w*|photo\w*|pictures|видео|відэа|video|иллюстраци\w*|"
                r"ілюстрацы\w*|инфографик\w*|інфаграфік\w*|графика|графіка|перевод\w*|"
                r"пераклад\w*|редактор\w*|рэдактар\w*|editor\w*|верстка|вёрстка|дизайн\w*|design|"
                r"graphics|illustrations?|editing|translation")
_ROLE_WORD = rf"(?:{_WRITER_ROLES}|{_OTHER_ROLES})"
_CREDIT_LABEL = re.compile(
    rf"(?<![^\W\d_])(?i:{_ROLE_WORD}(?:\s*(?:,|&|и|і|and)\s*{_ROLE_WORD})*)\s*:\s*")
_WRITER_ROLE = re.compile(rf"(?i:{_WRITER_ROLES})$")
MAX_BYLINE_CHARS = 120  # of a byline block's text: a longer block is an author's bio box


def markup_authors(tree: etree._Element) -> list[str]:
    """The article's authors as its byline markup names them, in this order of trust: a
    WordPress vcard's name, a ``rel="author"`` link, a byline block; [] when none names one.
    One block only, the nearest the headline inside the article: a list of other articles'
    cards, each with its author, names none of this one's."""
    order = {node: n for n, node in enumerate(tree.iter())}
    headline = next(tree.iter("h1"), None)
    near = order.get(headline, 0)
    for finder in (_VCARD_NAMES, _AUTHOR_LINKS, _byline_blocks):
        found = [node for node in finder(tree) if not _elsewhere(node) and not _org(node)]
        found.sort(key=lambda node: (not _in_article(node), abs(order.get(node, 0) - near)))
        for node in found:
            if _in_cards(node, found):
                continue
            names = [name for block in _with_twins(node) for name in _block_names(block)]
            if names:
                return list(dict.fromkeys(names))
    return []


def _byline_blocks(tree: etree._Element) -> list[etree._Element]:
    """The blocks a class token names a byline (``_BYLINE_CLASS``)."""
    return [node for node in _CLASSED(tree)
            if any(_BYLINE_CLASS.match(token) for token in (node.get("class") or "").split())]


def _classes(node: etree._Element) -> str:
    """The class and id ``node`` is known by, its WordPress taxonomy classes left out."""
    tokens = [t for t in (node.get("class") or "").split() if not _TAXONOMY_CLASS.match(t)]
    return f"{' '.join(tokens)} {node.get('id') or ''}"


def _elsewhere(node: etree._Element) -> bool:
    """Whether ``node`` is, or sits in, a block of the page that is not the article's own:
    a comment's, a sidebar's, the site's header or footer (outside the article)."""
    if _ELSEWHERE.search(_classes(node)):
        return True
    in_article = _in_article(node)
    for anc in node.iterancestors():
        if anc.tag in _ELSEWHERE_TAGS or _ELSEWHERE.search(_classes(anc)):
            return True
        if not in_article and (anc.tag in _PAGE_EDGES
                               or _EDGE_CLASSES & set((anc.get("class") or "").split())):
            return True
    return False


def _in_article(node: etree._Element) -> bool:
    return any(anc.tag in _ARTICLE for anc in node.iterancestors())


def _org(node: etree._Element) -> bool:
    """Whether an hCard's name is an organisation's (``fn org``): the publisher, no author."""
    return " org " in f" {node.get('class') or ''} "


def _twins(node: etree._Element) -> list[etree._Element]:
    """The siblings of ``node`` of its tag and class."""
    parent = node.getparent()
    if parent is None:
        return []
    return [other for other in parent if other is not node and other.tag == node.tag
            and other.get("class") == node.get("class")]


def _in_cards(node: etree._Element, found: list[etree._Element]) -> bool:
    """Whether ``node`` lies in a block repeated as its siblings with a byline of their own:
    a list of other articles' cards."""
    others = set(found) - {node}
    for anc in node.iterancestors():
        if anc.tag in _ARTICLE or anc.tag == "body":
            return False
        for twin in _twins(anc):
            if any(desc in others for desc in twin.iter()):
                return True
    return False


def _with_twins(node: etree._Element) -> list[etree._Element]:
    """``node`` and its like siblings: one byline printing each co-author apart."""
    return [node, *_twins(node)]


def _block_names(block: etree._Element) -> list[str]:
    """The writers a byline block names: each of its author links read apart when they lead
    to two or more authors' pages ("Иван ПетровМария Сидорова" is how adjacent links print),
    or the one author's link beside its other links ("View Profile", "RSS Feed"); else its
    text as one line. Children of one tag and class are not read apart: a role, a place or a
    tag set in a span like the name's ("Senior Editor", "Владимир Путин") is no co-author."""
    firsts, repeats = _links_by_author(block)
    if firsts and (names := _names_apart(block, firsts, repeats)):
        return names
    return byline_names(clean_line("".join(block.itertext())), writer=_BYLINE_WRITER)


# the author a page is of: "/author/ivan-petrov" of "/author/ivan-petrov/rss", "…/page/2/"
_AUTHOR_PAGE = re.compile(r"/(?:authors?|avtor)/[^/?#]+", re.IGNORECASE)


def _links_by_author(block: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """``block``'s author links: the first with text to each author's page, and the others
    (an avatar's, a second link to a page already linked, its feed or its next page: "View
    Profile", "Full Bio")."""
    firsts: dict[str, etree._Element] = {}
    repeats: list[etree._Element] = []
    for link in block.iter("a"):
        href = link.get("href", "")
        page = _AUTHOR_PAGE.search(href)
        if page is None and "author" not in (link.get("rel") or "").split():
            continue
        key = _author_key(href, page)
        first = firsts.get(key)
        if first is not None and not "".join(first.itertext()).strip():
            repeats.append(first)  # an avatar's link first: the name's link names the author
            firsts[key] = link
        elif first is not None:
            repeats.append(link)
        else:
            firsts[key] = link
    return list(firsts.values()), repeats


def _author_key(href: str, page: re.Match[str] | None) -> str:
    """The author page ``href`` leads to: its host, its author path (a feed's or next page's
    tail cut) and its query ("/authors/detail.php?ID=1" and "?ID=2" are two authors)."""
    parts = urlsplit(href)
    path = page[0] if page else parts.path
    return f"{parts.netloc}{path.rstrip('/')}?{parts.query}".casefold()


# what a byline may hold between its names: separators, "и", "and", a label ("Автор:", "By")
_BETWEEN_NAMES = re.compile(r"(?i:[\s,;|/&·•—–:.-]|\b(?:и|і|and|by|автор\w*|аўтар\w*|author\w*|"
                            r"текст|тэкст|text)\b)*")


def _names_apart(block: etree._Element, group: list[etree._Element],
                 repeats: list[etree._Element]) -> list[str]:
    """The names of ``group``'s links, each read alone, when at least one is a credit (a
    name, or another role's "Фото: …", left out), every other one is a label or an empty link
    (an avatar), and the block holds nothing else but separators and ``repeats`` (more links
    to an author already named); [] otherwise."""
    names: list[str] = []
    credits = 0
    rest = "".join(block.itertext())
    for element in repeats:
        rest = rest.replace("".join(element.itertext()), " ", 1)
    for element in group:
        text = "".join(element.itertext())
        rest = rest.replace(text, " ", 1)
        line = clean_line(text)
        if _BETWEEN_NAMES.fullmatch(line):
            continue
        credits += 1
        if _OTHER_ROLE.match(line):
            continue
        found = byline_names(line, writer=_BYLINE_WRITER)
        if not found:
            return []
        names += found
    return names if credits and _BETWEEN_NAMES.fullmatch(rest) else []


def byline_names(text: str, writer: re.Pattern[str] = _WRITER) -> list[str]:
    """The writers a byline's text names: "Иван Петров", "Автор: Иван Петров", "Фото: Анна
    Смирнова, текст: Иван Петров", "Текст и фото: Иван Петров" (the photographer is not the
    author: the item's authors are its writers, the schema holds no roles), "Иван Петров и
    Анна Смирнова"; [] for any other text (a bio, a date line, a login). ``writer`` is the
    writer's labels the text may open with."""
    if not text or len(text) > MAX_BYLINE_CHARS:
        return []
    names = []
    for n, (writers, segment) in enumerate(_credited_segments(text)):
        labelled = n > 0 or writer.match(segment.strip(" .:-–—·•")) is not None
        for part in re.split(r"\s*[,;|/]\s*|\s+(?:и|і|and|&)\s+", segment):
            part = part.strip(" .:-–—·•")
            if not part or _OTHER_ROLE.match(part):
                continue
            name = writer.sub("", part, count=1)
            if (not _NAME.fullmatch(name) or _labelled(name)
                    or not labelled and _all_capitals(name)):
                return []  # a part that is no name (a label, a heading): the block is no byline
            if writers:
                names.append(name)
    return names


def credited_writers(line: str) -> list[str]:
    """The writers a line of the text names after a writer's label ("By", "Подготовил",
    "Текст:"), when the line is that credit alone: "By Pieter van der Berg", "Авторы: Иван Петров, Анна Смирнова", "Текст и фото: Иван Петров",
    "Аўтар: Леонардо да Винчи"; [] for a line with no such label first, or any other words."""
    segments = _credited_segments(line)
    labelled = not segments[0][1].strip() and any(writers for writers, _ in segments[1:])
    return byline_names(line) if labelled or _WRITER.match(segments[0][1]) else []


def _all_capitals(name: str) -> bool:
    """Whether ``name`` is capitals and initials alone ("МВД РОССИИ", "BREAKING NEWS", "ЧИТАТЬ
    ТАКЖЕ"): a heading's shape, a name only after a writer's label ("By JOHN SMITH"); a
    surname in capitals beside a given name as written ("Надежда ШУЛЬГА") is a name."""
    return not any(re.fullmatch(_CASED, word) for word in re.split(r"[\s-]+", name))


def person_shaped(name: str) -> bool:
    """Whether a site's name reads as a person's (two to four words as names are written,
    "Иван Петров"): a one-person blog's og:site_name or WebSite name is its author's."""
    return _NAME.fullmatch(name.strip()) is not None and not _all_capitals(name)


def _labelled(name: str) -> bool:
    """Whether a name's words are a label's or a heading's ("The Author", "ОБ АВТОРЕ")."""
    words = name.lower().split()
    return bool(_LABEL_WORDS & set(words)) or any(_LABEL_FORM.fullmatch(word) for word in words)


# a label word's other forms ("ОБ АВТОРЕ", "ВСЕ СТАТЬИ"); "Авторханов", "Статьева" are names
_LABEL_FORM = re.compile(r"автор(?:а|е|у|ом|ы|ам|ами|ах)?|аўтар(?:а|ы|у|ам|аў)?|authors?|"
                         r"редакци\w*|рэдакцы\w*|публикаци\w*|публікацы\w*|"
                         r"стать[яиюе]|статей|артыкул\w*|материал\w*|матэрыял\w*")


def _credited_segments(text: str) -> list[tuple[bool, str]]:
    """``text`` cut at its credit labels ("Текст и фото:", "фото:"): (whether the label names
    a writer, the names after it); what stands before the first label names writers."""
    labels = list(_CREDIT_LABEL.finditer(text))
    segments = [(True, text[:labels[0].start()] if labels else text)]
    for n, label in enumerate(labels):
        end = labels[n + 1].start() if n + 1 < len(labels) else len(text)
        roles = re.split(r"(?i:\s*(?:,|&|\bи\b|\bі\b|\band\b)\s*)", label[0].rstrip(" :"))
        segments.append((any(_WRITER_ROLE.match(role.strip()) for role in roles),
                         text[label.end():end]))
    return segments


def is_no_person(name: str, site_names: list[str]) -> bool:
    """Whether a byline's name is the site itself (its og:site_name, publisher, outlet name
    or host: "Зеркало" on zerkalo.io) or a desk ("Staff", "admin"; "Редакция" is kept), which name
    nobody: the item's authors are left without it. Another organisation (an agency's credit,
    "БЕЛТА" on a district paper's page) is kept, as an outlet's ``default_authors`` keep one:
    the schema's authors are names as printed, with no kind."""
    key = _name_key(name)
    return _DESK.match(name.strip()) is not None or any(key == _name_key(site)
                                                          for site in site_names)


# a desk's or a login's byline, alone or with the site's name: "Staff", "Staff Writer",
# "Newsroom", "admin", "Администратор". "Редакция" is kept as printed: the district papers
# sign their reprints with it, and their items name it (tests/e2e/test_regional.py)
_DESK = re.compile(r"(?i:staff|newsroom|editorial|the editors|"
                   r"editors|admin|administrator|администратор|адміністратар|webmaster)"
                   r"(?i:\s+\S+){0,2}$")


def _name_key(name: str) -> str:
    """A name's words, case, quotes and punctuation aside: "«Зеркало»" is "зеркало"."""
    return " ".join(folded_words(name))
