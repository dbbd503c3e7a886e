"""The seed documents, rebuilt as pages with the boilerplate naive extraction let through.

Each seed's real text is put into its outlet's documented markup together with the banners,
headline lists, doubled captions, "Последние новости … Читать новость" blocks and cookie
notices that ended up in the seed; extraction must give back only the article.
"""

from __future__ import annotations

from html import escape

import pytest

from crawler.extraction import extract_article
from crawler.extraction.normalize import clean_line
from crawler.items import ArticlePage
from tests.support.shared import SEEDS


def seed(prefix: str) -> list[str]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    # The seeds hold NBSPs and the like; items carry them normalised (the contract).
    return [clean_line(p) for p in path.read_text("utf-8").split("\n") if p.strip()]


def ps(lines: list[str]) -> str:
    return "".join(f"<p>{escape(x, quote=False)}</p>" for x in lines)


def extract(url: str, html: str, outlet: str = "") -> object:
    return extract_article(ArticlePage(url=url, outlet=outlet, body=html.encode(),
                                       headers={"Content-Type": "text/html; charset=utf-8"},
                                       status=200, fetched_at="2026-01-01T00:00:00+00:00"))


def zerkalo_page(lines: list[str], title: str) -> tuple[str, list[str]]:
    """Seeds 000/001: banner, "Беларусы на войне", numbered headlines, doubled photo credits."""
    start = next(i for i, x in enumerate(lines) if not x[0].isdigit() and i > 2)
    headlines, body = lines[2:start], lines[start:]
    gold = [x for x in body if "Фото:" not in x]
    caption = next((x for x in body if "Фото:" in x), "Фото: Reuters")
    body_html = ps(gold[:1]) + (f"<figure><img src='/a.jpg'><figcaption>{escape(caption)}"
                                f"</figcaption></figure><p>{escape(caption)}</p>") + ps(gold[1:])
    top = "".join(f"<li><a href='/x/{i}.html'>{escape(h.split('. ', 1)[-1])}</a></li>"
                  for i, h in enumerate(headlines))
    html = f"""<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<header><a href="/donate/">{lines[0]}</a> <a href="/war/">{lines[1]}</a></header>
<aside><ol class="top-news">{top}</ol></aside>
<main><article><h1>{title}</h1><time datetime="2021-11-09T18:10:00+03:00">9 ноября</time>
<div itemprop="articleBody">{body_html}
<div class="b-addition"><a href="/life/1.html">Читайте также: что происходит на границе</a></div>
</div></article></main>
<footer><p>Вы можете отправить нам 1,5% своих польских налогов</p></footer></body></html>"""
    return html, gold


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_zerkalo_seeds(prefix: str) -> None:
    title = "Лукашенко и Путин провели телефонный разговор"
    html, gold = zerkalo_page(seed(prefix), title)
    article = extract("https://news.zerkalo.io/politics/13039.html?c", html, "zerkalo")
    assert article.text == "\n\n".join(gold)
    assert article.title == title
    assert article.url == "https://news.zerkalo.io/politics/13039.html"
    for junk in ("Поддержать команду Зеркала", "Беларусы на войне", "Фото:", "1,5%", "Читайте"):
        assert junk not in article.text


def test_district_reprint_seed() -> None:
    """Seed 002: title printed twice, then a "Последние новости … Читать новость" block."""
    lines = seed("002")
    title = lines[0]
    end = lines.index("Последние новости")
    gold = lines[2:end]
    latest = "".join(
        f"<div class='latest'><a href='/?cat=1'>{escape(lines[i])}</a><h3><a href='/?p={i}'>"
        f"{escape(lines[i + 1])}</a></h3><span>{escape(lines[i + 2])}</span>"
        f"<a href='/?p={i}'>Читать новость</a></div>"
        for i in range(end + 1, len(lines) - 1, 4) if i + 3 < len(lines))
    html = f"""<html><head><meta charset="utf-8"><title>{escape(title)}</title></head>
<body class="sidebar-right"><div id="page" class="site sidebar">
<main id="main" class="site-main"><article><h1 class="entry-title">{escape(title)}</h1>
<div class="entry-meta"><span class="entry-date">14 сентября 2025</span></div>
<div class="entry-content"><p><strong>{escape(title)}</strong></p>{ps(gold)}
<h2>Последние новости</h2>{latest}<h3>Рекомендуем</h3></div></article></main></div>
</body></html>"""
    article = extract("https://shklovinfo.by/?p=101&utm_source=vk", html, "shklovinfo.by")
    assert article.text == "\n\n".join(gold)
    assert article.url == "https://shklovinfo.by/?p=101"
    assert article.published == "2025-09-14T00:00:00+03:00"
    assert "Читать новость" not in article.text and "Последние новости" not in article.text


def test_unknown_outlet_seed_uses_the_generic_extractor() -> None:
    """Seed 003 (an outlet without rules): body up to a trailing "Читайте также:" list."""
    lines = seed("003")
    title, gold = lines[0], lines[1:lines.index("Читайте также:")]
    menu = "".join(f"<li><a href='/r/{i}'>Рубрика {i}</a></li>" for i in range(12))
    related = "".join(f"<li><a href='/n/{i}'>Другая новость номер {i} о политике</a></li>"
                      for i in range(8))
    html = f"""<html><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>
<nav><ul>{menu}</ul></nav><div class="content"><h1>{escape(title)}</h1>
<div class="article-text">{ps(gold)}</div>
<div class="read-more"><p>Читайте также:</p><ul>{related}</ul></div></div>
<footer>© 2021 Информационное агентство. Все права защищены.</footer></body></html>"""
    article = extract("https://news.example.ru/politics/2021/04/15/putin-lukashenko.html", html)
    assert article.source == "unknown" and article.extractor["method"] == "generic"
    assert article.title == title
    assert article.text == "\n\n".join(gold)


def test_runews24_seed() -> None:
    """Seed 004: "Новости дня" column, h2 lead, photo caption + credit, author line, cookie note."""
    lines = seed("004")
    title, lead = lines[3], lines[4]
    author_at = next(i for i, x in enumerate(lines) if x.startswith("Автор:"))
    body = lines[5:author_at]
    gold = [x for x in body if x != title and not x.startswith("Фото:")]
    html = f"""<html><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta property="article:published_time" content="2025-03-13T10:00:00+03:00"></head><body>
<div class="b-news"><div class="b-news__title">{lines[0]}</div><a href="/news/">{lines[1]}</a>
<a href="/politics/13/03/2025/x">Другая новость дня</a></div>
<div class="b-article"><div class="b-article__rubric"><a href="/politics/">{lines[2]}</a></div>
<h1>{escape(title)}</h1><h2>{escape(lead)}</h2>
<div class="desc text">{ps(gold[:1])}<div class="photo"><img src="/i.jpg">
<p>{escape(title)}</p><p>Фото: коллаж RuNews24.ru</p></div>{ps(gold[1:])}
<p>{escape(lines[author_at])}</p><p><a href="https://t.me/x">Читайте нас в телеграм</a></p></div>
</div><div class="b-banner-bottom">Реклама</div>
<div class="cookie">{escape(lines[-1])}</div></body></html>"""
    article = extract("https://runews24.ru/politics/13/03/2025/v-moskve-projdut-peregovory",
                      html, "runews24")
    assert article.title == title and article.subtitle == lead
    assert article.text == "\n\n".join(gold)
    assert article.authors == ["Никита Орлов"]
    for junk in ("Новости дня", "Фото:", "Автор:", "телеграм", "cookie"):
        assert junk not in article.text
