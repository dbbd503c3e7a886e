"""Anti-bot pages served with 200 are recognised; real articles with widgets are not."""

from __future__ import annotations

import pytest

from crawler.challenge import challenge_kind, js_redirect_target
from tests.sites.common import html_paragraphs, paragraphs_for

ARTICLE = html_paragraphs(paragraphs_for(3, 8))


def doc(title: str, body: str, head: str = "") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(("html", "expected"), [
    (doc("Just a moment...", "<p>Checking if the site connection is secure</p>"), "cloudflare"),
    (doc("Attention Required! | Cloudflare", "<div id='cf-error-details'>blocked</div>"),
     "cloudflare"),
    (doc("Один момент…", ""), "cloudflare"),
    (doc("DDoS-Guard", "<p>Checking your browser before accessing</p>"), "ddos_guard"),
    (doc("news", "<script src='https://check.ddos-guard.net/check.js'></script>"), "ddos_guard"),
    (doc("Проверка браузера", "<p>Подождите…</p>"), "browser_check"),
    (doc("Сайт", "<div class='h-captcha' data-sitekey='x'></div>"), "captcha"),
    (doc("Сайт", "<script src='https://www.google.com/recaptcha/api.js'></script>"
                 "<p>Подтвердите, что вы не робот</p>"), "captcha"),
    (doc("Вы не робот?", "<form action='/showcaptcha'></form>"), "browser_check"),
    (doc("x", "<script>var __qrator_jsr=1;</script>"), "qrator"),
    (doc("x", "<script src='https://ipv4-check.variti.net/js'></script>"), "variti"),
    (doc("403 Forbidden", "<h1>Access denied</h1>"), "access_denied"),
    (doc("", "<script>window.location.href='/news/?c=1'</script>"), "js_redirect"),
    # consent walls served in place of the article, its headline kept
    (doc("Лукашенко и Путин провели переговоры", "<h1>Лукашенко и Путин провели переговоры</h1>"
         "<h2>Ваша конфиденциальность важна для нас</h2><p>Мы и наши партнёры храним и/или "
         "получаем доступ к информации на устройстве, например к файлам cookie.</p><p>Чтобы "
         "продолжить чтение материала, нажмите «Принять все».</p><button>Принять все</button>"),
     "consent_wall"),
    (doc("Talks in Minsk", "<h1>Talks in Minsk</h1><p>We and our 842 partners store and/or "
         "access information on a device, such as cookies.</p><button>Accept all</button>"),
     "consent_wall"),
    (doc("Before you continue", "<p>We use cookies and data to deliver our services.</p>"),
     "consent_wall"),
    # a site down for maintenance answering every article with 200
    (doc("Технические работы", "<h1>Сайт находится на техническом обслуживании</h1><p>Приносим "
         "извинения за неудобства. Пожалуйста, зайдите позже.</p>"), "maintenance"),
    (doc("Полацкі веснік", "<h1>На сайце вядуцца тэхнічныя работы</h1>"), "maintenance"),
    (doc("Site under maintenance", "<p>We'll be back soon.</p>"), "maintenance"),
])
def test_challenge_pages_are_recognised(html: str, expected: str) -> None:
    assert challenge_kind(html) == expected
    assert challenge_kind(html.encode()) == expected


@pytest.mark.parametrize("html", [
    doc("Новость", ARTICLE + "<div class='g-recaptcha'></div>"),  # comment form
    doc("Новость", ARTICLE, "<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'>"
                            "</script>"),
    doc("Qrator Labs отразила атаку", ARTICLE + "<p>Компания Qrator и Variti сообщили…</p>"),
    doc("Доступ ограничен: дорогу закрыли", ARTICLE),
    doc("Новость", ARTICLE + "<script>if(x){location.href='/m/'}</script>"),
    # a cookie banner on an article page
    doc("Новость", ARTICLE + "<div class='cookie-banner'><p>Мы и наши партнёры используем "
                             "cookie. Чтобы продолжить, примите условия.</p></div>"),
    doc("Опрос", "<h1>Опрос</h1><p>Мы ценим вашу конфиденциальность, сказал министр.</p>"
        + ARTICLE),
    doc("Технические работы на водоводе", "<h1>Технические работы на водоводе</h1>" + ARTICLE),
])
def test_articles_with_widgets_or_words_are_not_challenges(html: str) -> None:
    assert challenge_kind(html) is None


@pytest.mark.parametrize(("html", "expected"), [
    (doc("", "<script>window.location.href = '/ru/';</script>"), "/ru/"),
    (doc("", '<script>location.replace("https://example.org/be/")</script>'),
     "https://example.org/be/"),
    (doc("", '<script>document.location="index.php?lang=ru"</script>'), "index.php?lang=ru"),
    (doc("", '<script>location.href = "/" + navigator.language + "/"</script>'), None),
    (doc("", "<script>location.replace('/' + lang)</script>"), None),
    (doc("Новость", ARTICLE + "<script>location.href='/m/'</script>"), None),  # not a stub
])
def test_a_redirect_stubs_literal_target_is_read(html: str, expected: str | None) -> None:
    assert js_redirect_target(html) == expected
