"""A site no rule knows (the any-outlet path) printing its byline in markup alone: no JSON-LD,
no microdata, no ``<meta name="author">`` (crawler.extraction.bylines). The name goes to the
item's authors and stays out of the text; a comment's or a sidebar's names are no author."""

from __future__ import annotations

import pytest

from tests.crawler.extraction.test_details_lines import TEXT, TITLE, read, shell

VCARD = ("<div class='entry-meta'><span class='posted-on'><a href='/2026/01/05/shema/' "
         "rel='bookmark'><time class='entry-date published' datetime='2026-01-05T14:20:00+03:00'>"
         "05.01.2026</time></a></span><span class='byline'> <span class='author vcard'><a "
         "class='url fn n' href='/author/ivan-petrov/'>Иван Петров</a></span></span></div>")
REL_AUTHOR = ("<footer class='entry-footer'><span class='byline'>Автор: <a href='/author/"
              "ivan-petrov/' rel='author'>Иван Петров</a></span></footer>")
BARE = "<div class='author'>Иван Петров</div>"
CREDITS = "<div class='article__author'>Фото: Анна Смирнова, текст: Иван Петров</div>"
LABELLED = "<p class='post-author'>Текст: Иван Петров</p>"
DRUPAL = ("<div class='node__meta'><span class='node__author'><span class='field field--name-uid "
          "field--type-entity-reference field--label-hidden'><span>Иван Петров</span></span>"
          "</span><span class='node__date'><time datetime='2026-01-05T14:20:00+03:00'>Пн, "
          "05/01/2026 - 14:20</time></span></div>")
BLOCK_THEME = ("<div class='wp-block-group is-layout-flex'><div class='wp-block-post-date'><time "
               "datetime='2026-01-05T14:20:00+03:00'>05.01.2026</time></div><div class="
               "'wp-block-post-author-name'>Иван Петров</div></div>")
GHOST = ("<div class='article-byline'><ul class='author-list'><li class='author-list-item'><a "
         "href='/author/ivan/' class='author-avatar'><img class='author-profile-image' src='/a.jpg'"
         " alt='Иван Петров'></a></li></ul><div class='article-byline-meta'><h4 class="
         "'author-name'><a href='/author/ivan/'>Иван Петров</a></h4><div class='byline-meta-"
         "content'><time class='byline-meta-date' datetime='2026-01-05'>5 янв 2026</time></div>"
         "</div></div>")


def wordpress(above: str = "", top: str = "", bottom: str = "", below: str = "",
              after: str = "") -> str:
    """A WordPress theme's single post, ``above``/``below`` the content block, at its
    ``top``/``bottom`` inside it, or ``after`` the article (comments, a sidebar)."""
    body = "".join(f"<p>{p}</p>" for p in TEXT)
    return shell(f"<article class='post type-post'><header class='entry-header'><h1 "
                 f"class='entry-title'>{TITLE}</h1>{above}</header><div class='entry-content'>"
                 f"{top}{body}{bottom}</div>{below}</article>{after}")


@pytest.mark.parametrize(("where", "byline"), [
    ("above", VCARD), ("below", REL_AUTHOR),
    ("top", BARE), ("bottom", BARE), ("above", BARE), ("below", BARE),
    ("top", CREDITS), ("bottom", CREDITS), ("bottom", LABELLED),
    ("above", DRUPAL), ("above", BLOCK_THEME), ("above", GHOST),
], ids=["vcard", "rel-author", "bare-top", "bare-bottom", "bare-above", "bare-below",
        "credits-top", "credits-bottom", "labelled", "drupal-10", "wp-block-theme", "ghost"])
def test_a_byline_in_markup_is_the_items_author_and_no_body(where: str, byline: str) -> None:
    item = read(wordpress(**{where: byline}))
    assert item.authors == ["Иван Петров"]
    assert item.text.split("\n\n") == TEXT
    assert item.extractor["fields"]["authors"] == "html"


def test_a_newspaper_themes_byline_with_its_label_and_dash_names_the_writer() -> None:
    """The Newspaper theme prints "Автор" and a dash as blocks of their own around the name."""
    byline = ("<div class='td-post-author-name'><div class='td-author-by'>Автор</div> <a href="
              "'/author/ivan/'>Иван Петров</a><div class='td-author-line'> - </div></div>")
    item = read(wordpress(above=byline))
    assert item.authors == ["Иван Петров"]
    assert item.text.split("\n\n") == TEXT


def test_two_writers_of_one_byline_are_both_authors() -> None:
    item = read(wordpress(bottom="<div class='author'>Иван Петров и Анна Смирнова</div>"))
    assert item.authors == ["Иван Петров", "Анна Смирнова"]
    assert item.text.split("\n\n") == TEXT


COMMENTS = ("<div id='comments' class='comments-area'><ol class='comment-list'><li class="
            "'comment'><article class='comment-body'><footer class='comment-meta'><div class="
            "'comment-author vcard'><b class='fn'>Сергей Козлов</b> <span class='says'>говорит:"
            "</span></div></footer><div class='comment-content'><p>Давно пора было.</p></div>"
            "</article></li></ol></div>")
SIDEBAR = ("<aside class='widget-area'><section class='widget'><h2>Наши авторы</h2><ul><li>"
           "<a href='/author/olga/' rel='author'>Ольга Кузнецова</a></li></ul></section></aside>")


@pytest.mark.parametrize("after", [COMMENTS, SIDEBAR], ids=["comments", "sidebar"])
def test_names_outside_the_article_are_no_author(after: str) -> None:
    assert read(wordpress(after=after)).authors == []
    assert read(wordpress(above=VCARD, after=after)).authors == ["Иван Петров"]


@pytest.mark.parametrize("text", [
    "Фото: Анна Смирнова",  # the photographer alone
    "Об авторе: журналист, пишет о городе с 2010 года и ведёт рубрику «Люди района»",
    "admin",
])
def test_a_block_naming_no_writer_gives_no_author(text: str) -> None:
    assert read(wordpress(below=f"<div class='author'>{text}</div>")).authors == []


def test_a_declared_author_is_taken_before_the_markup() -> None:
    html = wordpress(above=VCARD).replace(
        "</title>", "</title><meta name='author' content='Мария Орлова'>", 1)
    assert read(html).authors == ["Мария Орлова"]


def cards(tag: str = "div") -> str:
    """A list of other articles after this one, each card naming its own author."""
    return ("<div class='more-items'><h3>Читайте также</h3>" + "".join(
        f"<{tag} class='card'><a href='/2026/01/0{n}/x/'>{headline}</a><span class='post-author'>"
        f"{name}</span></{tag}>" for n, (headline, name) in enumerate(
            [("В Шклове открылся каток", "Анна Смирнова"),
             ("Ремонт школы завершён", "Олег Сидоров")], 1)) + "</div>")


@pytest.mark.parametrize("byline", ["", BARE], ids=["no-byline", "byline"])
def test_other_articles_cards_name_no_author_of_this_one(byline: str) -> None:
    """Only the nearest byline block is the article's: cards repeated as siblings, each with
    its author, are other articles' (a list of 12 cards gave 12 names)."""
    item = read(wordpress(above=byline, after=cards()))
    assert item.authors == (["Иван Петров"] if byline else [])


def test_the_texts_own_author_line_is_taken_before_byline_markup() -> None:
    item = read(wordpress(bottom="<p>Автор: Мария Орлова</p>",
                          after="<div class='author'>Анна Смирнова</div>"))
    assert item.authors == ["Мария Орлова"]
    assert item.extractor["fields"]["authors"] == "rules:author_line"


def test_the_byline_nearest_the_headline_is_the_articles() -> None:
    item = read(wordpress(above=BARE, below="<div class='author'>Анна Смирнова</div>"))
    assert item.authors == ["Иван Петров"]


@pytest.mark.parametrize(("block", "names"), [
    ("<div class='author'>Written By</div>", []),
    ("<div class='author'>The Author</div>", []),
    ("<h3 class='byline'>More From</h3>", []),
    ("<div class='author'>Подготовил Иван Петров</div>", ["Иван Петров"]),
    ("<div class='author'>Материал подготовила Анна Смирнова</div>", ["Анна Смирнова"]),
], ids=["written-by", "the-author", "more-from", "podgotovil", "material-podgotovila"])
def test_a_bylines_label_is_no_name(block: str, names: list[str]) -> None:
    assert read(wordpress(below=block)).authors == names


@pytest.mark.parametrize("after", [
    "<footer class='site-footer'><div class='vcard'><span class='fn org'>Minsk Herald</span>"
    "</div></footer>",
    "<div class='vcard'><span class='fn org'>Minsk Herald</span></div>",
    "<div id='discussion'><div class='item'><span class='comment-author'>Вася Пупкин</span>"
    "<p>Согласен</p></div></div>",
    "<div class='thread'><span class='comment__author'>Вася Пупкин</span></div>",
], ids=["footer-hcard-org", "hcard-org", "comment-author-in-discussion", "comment__author"])
def test_a_publishers_card_or_a_comments_author_is_no_author(after: str) -> None:
    assert read(wordpress(after=after)).authors == []


def test_the_sites_header_names_no_author() -> None:
    html = wordpress().replace("<article", "<header><div class='header-author'>Новости Беларуси"
                                           "</div></header><article", 1)
    assert "Новости Беларуси" in html
    assert read(html).authors == []


@pytest.mark.parametrize(("block", "names"), [
    ("Анна Иванова-Петрова", ["Анна Иванова-Петрова"]),
    ("By JOHN SMITH", ["JOHN SMITH"]),  # as printed, as a district paper's signature is kept
    ("Иван ПЕТРОВ", ["Иван ПЕТРОВ"]),
    ("Автор: ИВАН ПЕТРОВ", ["ИВАН ПЕТРОВ"]),
    ("Pieter van der Berg", ["Pieter van der Berg"]),
    ("Ludwig von Mises", ["Ludwig von Mises"]),
    ("Леонардо да Винчи", ["Леонардо да Винчи"]),
    ("Jean-Luc O'Brien", ["Jean-Luc O'Brien"]),
    ("Текст и фото: Иван Петров", ["Иван Петров"]),
    ("Текст: Иван Петров; фото: Анна Смирнова", ["Иван Петров"]),
    ("Фото и видео: Анна Смирнова", []),
    ("Аўтар: Іван Пятроў", ["Іван Пятроў"]),
    ("Тэкст і фота: Іван Пятроў", ["Іван Пятроў"]),
    ("Авторы: Иван Петров, Анна Смирнова", ["Иван Петров", "Анна Смирнова"]),
], ids=["hyphenated", "caps", "caps-surname", "caps-after-label", "van-der", "von", "da", "hyphen-apostrophe",
        "text-and-photo", "text-then-photo", "photo-and-video", "autar", "tekst-i-fota",
        "avtory"])
def test_names_of_every_shape_and_labelled_credits_are_read(block: str, names: list[str]) -> None:
    """Hyphenated, capitalised and particle names are names; a credits label names the
    writer (the schema's authors hold no roles: a photographer is left out)."""
    item = read(wordpress(above=f"<div class='author'>{block}</div>"))
    assert item.authors == names
    assert item.text.split("\n\n") == TEXT


@pytest.mark.parametrize("block", [
    "ОБ АВТОРЕ", "ВСЕ СТАТЬИ", "Читайте Также Новости", "Подписывайтесь На Наш Канал Сегодня",
    "ЧИТАТЬ ТАКЖЕ", "BREAKING NEWS", "МВД РОССИИ", "USA TODAY", "ГЛАВНЫЙ РЕДАКТОР",
])
def test_a_heading_in_capitals_or_capitalised_words_is_no_name(block: str) -> None:
    assert read(wordpress(below=f"<div class='author'>{block}</div>")).authors == []


@pytest.mark.parametrize(("block", "names"), [
    ("<div class='byline'><a href='/author/ivan/'>Иван Петров</a><a href='/author/maria/'>"
     "Мария Сидорова</a></div>", ["Иван Петров", "Мария Сидорова"]),
    ("<div class='byline'>Авторы: <span class='name'>Иван Петров</span>, <span class='name'>"
     "Мария Сидорова</span></div>", ["Иван Петров", "Мария Сидорова"]),
    ("<div class='byline'><span class='credit'>Текст: Иван Петров</span>; <span class='credit'>"
     "Фото: Мария Сидорова</span></div>", ["Иван Петров"]),
    # one person's name in parts: given name and surname, a patronymic, another script
    ("<div class='author'><span class='given'>Иван</span> <span class='family'>Петров</span>"
     "</div>", ["Иван Петров"]),
    ("<div class='author'>Иван Иванович Петров</div>", ["Иван Иванович Петров"]),
    ("<div class='author'>Maria Luisa Garcia Lopez</div>", ["Maria Luisa Garcia Lopez"]),
    ("<div class='author'>Мария Луиза Гарсия Лопес</div>", ["Мария Луиза Гарсия Лопес"]),
], ids=["adjacent-links", "spans-after-label", "writer-and-photographer",
        "name-in-spans", "patronymic", "latin-four-words", "cyrillic-four-words"])
def test_two_names_with_no_separator_are_two_authors(block: str, names: list[str]) -> None:
    """Names set in links to distinct author pages are read apart (adjacent links print
    "Иван ПетровМария Сидорова"); spans are read as the block's one line, their separators
    kept; plain text with no separator is one name, however many words."""
    item = read(wordpress(above=block))
    assert item.authors == names
    assert item.text.split("\n\n") == TEXT


def with_head(html: str, head: str) -> str:
    return html.replace("</title>", f"</title>{head}", 1)


SITE = "<meta property='og:site_name' content='Зеркало'>"


@pytest.mark.parametrize(("head", "byline"), [
    (SITE + "<meta name='author' content='Зеркало'>", ""),
    (SITE + "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"author\": "
     "{\"@type\": \"Organization\", \"name\": \"«Зеркало»\"}}</script>", ""),
    ("", "<div class='byline'>By Staff</div>"),
    ("<meta name='author' content='admin'>", ""),
], ids=["meta-site-name", "ld-publisher-as-author", "staff", "admin"])
def test_the_sites_own_name_or_a_desk_is_no_author(head: str, byline: str) -> None:
    """The site's name (og:site_name, publisher, outlet, host) or a desk as a byline names no
    person: the item has no author rather than the site's name in the authors' list."""
    item = read(with_head(wordpress(above=byline), head))
    assert item.authors == []
    assert item.text.split("\n\n") == TEXT


def test_a_russian_desk_signature_is_kept_as_printed() -> None:
    """District papers sign reprints "Редакция", and their items name it as printed (see
    tests/e2e/test_regional.py): it is kept, as an agency's credit is."""
    item = read(with_head(wordpress(), SITE + "<meta name='author' content='Редакция'>"))
    assert item.authors == ["Редакция"]


@pytest.mark.parametrize("line", ["Автор: Зеркало", "By Staff"])
def test_the_texts_author_line_naming_the_site_or_a_desk_gives_no_author(line: str) -> None:
    item = read(with_head(wordpress(bottom=f"<p>{line}</p>"), SITE))
    assert item.authors == []
    assert item.text.split("\n\n") == TEXT


def test_an_agencys_name_is_kept_as_printed() -> None:
    """Another organisation (an agency's copy on a district paper) is kept, as BELTA's
    ``default_authors`` keep "БЕЛТА": it tells whose copy the text is."""
    item = read(with_head(wordpress(), SITE + "<meta name='author' content='БЕЛТА'>"))
    assert item.authors == ["БЕЛТА"]


@pytest.mark.parametrize(("line", "names"), [
    ("Текст и фото: Иван Петров", ["Иван Петров"]),
    ("Текст: Иван Петров; фото: Анна Смирнова", ["Иван Петров"]),
    ("Авторы: Иван Петров, Мария Сидорова", ["Иван Петров", "Мария Сидорова"]),
    ("Аўтар: Леонардо да Винчи", ["Леонардо да Винчи"]),
    ("By Pieter van der Berg", ["Pieter van der Berg"]),
    ("Автор: Анна Иванова-Петрова", ["Анна Иванова-Петрова"]),
], ids=["text-and-photo", "text-then-photo", "two-authors", "particle", "by-particle",
        "hyphenated"])
def test_the_texts_closing_credit_line_names_its_writers(line: str, names: list[str]) -> None:
    """A credit line closing the text: its writers are the authors, the line no paragraph (a
    photo credit pattern dropped "Текст и фото: …" with its author; "Авторы: A, B" read B as
    A's role)."""
    item = read(wordpress(bottom=f"<p>{line}</p>"))
    assert item.authors == names
    assert item.text.split("\n\n") == TEXT


def test_a_sentence_opening_with_a_name_stays_in_the_text() -> None:
    last = "Иван Петров рассказал, что объезд продлится до весны."
    item = read(wordpress(bottom=f"<p>{last}</p>"))
    assert item.authors == []
    assert item.text.split("\n\n") == [*TEXT, last]


@pytest.mark.parametrize(("block", "names"), [
    ("<div class='byline'><span class='name'>Иван Петров</span><span class='role'>Senior "
     "Editor</span></div>", []),
    ("<div class='byline'><span>Иван Петров</span><span>New York</span></div>", []),
    ("<div class='author'><a href='/author/ivan/'>Иван Петров</a><a href='/politika/'>"
     "Политика Беларуси</a></div>", []),
    # twin children (one tag, one class) are no more read apart than other children: the
    # second may be a role, a place or a tag set as the name is
    ("<div class='byline'><span class='name'>John Smith</span><span class='name'>Senior "
     "Editor</span></div>", []),
    ("<div class='post-author'><span class='tag'>Владимир Путин</span><span class='tag'>"
     "Александр Лукашенко</span></div>", []),
    ("<div class='byline'>Авторы: <span class='name'>Иван Петров</span><span class='name'>"
     "Мария Сидорова</span></div>", []),
    ("<div class='byline'><span class='credit'>Текст: Иван Петров</span><span class='credit'>"
     "Фото: Мария Сидорова</span></div>", []),
], ids=["role-span", "place-span", "rubric-link", "twin-role-span", "twin-tag-spans",
        "twin-name-spans", "twin-credit-spans"])
def test_a_role_place_or_rubric_beside_a_name_is_no_co_author(block: str,
                                                               names: list[str]) -> None:
    """Only links to distinct author pages are read apart: a role, a place, a rubric or a
    tag set in a child of its own beside the name, even one of its tag and class, makes no
    co-author of it (a block whose spans print with no separator reads as no name)."""
    assert read(wordpress(above=block)).authors == names


@pytest.mark.parametrize("block", [
    "<div class='author'><a href='/author/js'>John Smith</a> · <a href='/author/js'>View "
    "Profile</a></div>",
    "<div class='author'><a href='/author/js/'>John Smith</a> <a href='/author/js/rss'>RSS "
    "Feed</a> <a href='/author/js'>Full Bio</a></div>",
    "<div class='byline'>By <a href='/authors/js/page/2/'>John Smith</a> | <a "
    "href='/authors/js/feed/'>Feed</a></div>",
    "<div class='author'><a href='/author/js/'><img src='/js.jpg' alt=''></a> <a "
    "href='/author/js/'>John Smith</a> · <a href='/author/js/'>View Profile</a></div>",
], ids=["profile", "rss-and-bio", "page-and-feed", "avatar-first"])
def test_more_links_to_one_authors_page_are_no_co_authors(block: str) -> None:
    """Links to one author's page, its feed or its next page are one author, named by the
    first: "View Profile", "RSS Feed", "Full Bio" are no names."""
    assert read(wordpress(above=block)).authors == ["John Smith"]


@pytest.mark.parametrize("block", [
    "<div class='byline'><a href='/author/ann'>Ann Lee</a> <a href='/author/ann/rss'>RSS</a>, "
    "<a href='/author/bob/'>Bob Ray</a> <a href='/author/bob/feed'>RSS</a></div>",
    # a Bitrix author page told by its query; one path on two hosts
    "<div class='byline'><a href='/authors/detail.php?ID=1'>Ann Lee</a>, "
    "<a href='/authors/detail.php?ID=2'>Bob Ray</a></div>",
    "<div class='byline'><a href='https://a.example/author/x'>Ann Lee</a>, "
    "<a href='https://b.example/author/x'>Bob Ray</a></div>",
], ids=["feeds", "query", "hosts"])
def test_two_authors_pages_are_two_authors(block: str) -> None:
    """Author pages are told apart by host, path (a feed's or next page's tail cut) and
    query: "detail.php?ID=1" and "?ID=2" are two writers."""
    assert read(wordpress(above=block)).authors == ["Ann Lee", "Bob Ray"]


@pytest.mark.parametrize(("block", "names"), [
    ("<div class='byline'>Text: John Smith</div>", ["John Smith"]),
    ("<div class='byline'>Text: <a href='/author/js/'>John Smith</a>, <a href='/author/ann/'>"
     "Ann Lee</a></div>", ["John Smith", "Ann Lee"]),
], ids=["plain", "links"])
def test_text_label_in_a_byline_block_names_its_writer(block: str, names: list[str]) -> None:
    """In byline markup, English "Text:" labels the writer (in a line of the text it is no
    writer's label: ``test_a_last_line_after_no_writers_label_stays``)."""
    assert read(wordpress(above=block)).authors == names


PERSON_SITE = [
    ("<meta property='og:site_name' content='Ivan Petrov'>", "https://example.org/p/"),
    ("<script type='application/ld+json'>{\"@type\": \"BlogPosting\", \"publisher\": "
     "{\"@type\": [\"Person\", \"Organization\"], \"name\": \"Ivan Petrov\"}}</script>",
     "https://example.org/p/"),
    ("", "https://ivan-petrov.com/2026/01/p/"),
]


@pytest.mark.parametrize(("head", "url"), PERSON_SITE, ids=["og-site-name", "yoast-person",
                                                            "host"])
def test_a_one_person_sites_name_is_its_author(head: str, url: str) -> None:
    """A one-person blog calls itself by its author's name (og:site_name, a publisher typed
    Person, the host): that byline is its author, not the site's name."""
    item = read(with_head(wordpress(above="<div class='author'>Ivan Petrov</div>"), head),
                url=url)
    assert item.authors == ["Ivan Petrov"]


@pytest.mark.parametrize(("head", "first"), [
    ("<meta name='author' content='Staff Reports'>", "Staff Reports"),
], ids=["staff-reports"])
def test_a_dropped_desk_byline_leaves_the_text(head: str, first: str) -> None:
    """A desk's byline is no author, nor a line of the text it opens."""
    item = read(with_head(wordpress(top=f"<p>{first}</p>"), head))
    assert item.authors == []
    assert item.text.split("\n\n") == TEXT


@pytest.mark.parametrize("line", ["Материал: Нержавеющая Сталь", "Words: Bob Dylan",
                                  "Text: Genesis Chapter One"])
def test_a_last_line_after_no_writers_label_stays(line: str) -> None:
    item = read(wordpress(bottom=f"<p>{line}</p>"))
    assert item.authors == []
    assert item.text.split("\n\n") == [*TEXT, line]
