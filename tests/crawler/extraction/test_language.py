"""Language of an article's text: Cyrillic languages by their letters, Belarusian łacinka by
its ŭ, the rest by py3langid."""

from __future__ import annotations

import pytest

from crawler.extraction.language import detect_language

LACINKA = ("Biełaruskija ŭłady ŭzmacniajuć kantrol nad niezaležnymi mieskimi vydanniami. "
           "Pavodle źviestak redakcyi, u apošni miesiac zatrymali jašče dvuch žurnalistaŭ, "
           "jakija pracavali ŭ rehijonach. Ich adzinaj vinoj było toje, što jany pisali pra "
           "budaŭnictva novaj darohi i mierkavańni žycharoŭ.")
POLISH = ("Białoruskie władze wzmacniają kontrolę nad niezależnymi lokalnymi wydawnictwami. "
          "Według informacji redakcji w ostatnim miesiącu zatrzymano jeszcze dwóch "
          "dziennikarzy, którzy pracowali w regionach.")
SLOVENE = ("Beloruske oblasti krepijo nadzor nad neodvisnimi lokalnimi časopisi. Po podatkih "
           "uredništva so v zadnjem mesecu pridržali še dva novinarja, ki sta delala v regijah.")
ESPERANTO = ("La belorusaj aŭtoritatoj plifortigas kontrolon super sendependaj lokaj eldonejoj. "
             "Laŭ la redakcio, en la lasta monato oni arestis ankoraŭ du ĵurnalistojn, kiuj "
             "laboris en la regionoj, ĉar ili skribis pri la nova ŝoseo.")


@pytest.mark.parametrize(("text", "code"), [
    (LACINKA, "be"), (POLISH, "pl"), (SLOVENE, "sl"), (ESPERANTO, "eo"),
    ("Беларускія ўлады ўзмацняюць кантроль над незалежнымі выданнямі.", "be"),
    ("Российские власти усиливают контроль над независимыми изданиями.", "ru"),
    ("Українська влада посилює контроль над незалежними виданнями.", "uk"),
    ("У раённым доме культуры адкрылася выстава работ народных майстроў.", "be"),
])
def test_languages_by_their_letters(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_a_latin_text_quoting_one_belarusian_name_stays_its_language() -> None:
    quoted = POLISH + " Artykuł cytuje gazetę „Naša Niva” i jej autora Ŭładzimira."
    assert detect_language(quoted) == "pl"


BE_REPORT = ("Кіраўнік дзяржавы 5 студзеня наведаў Шклоўскі раён, дзе азнаёміўся з работай "
             "малочнатаварнага комплексу і пагутарыў з працаўнікамі гаспадаркі. Прэзідэнт "
             "звярнуў увагу на стан тэхнікі і падрыхтоўку да пасяўной кампаніі. Паводле яго "
             "слоў, менавіта ад якасці падрыхтоўкі залежыць будучы ўраджай. ")
RU_QUOTE = ("«Мы не имеем права расслабляться. Техника должна быть готова к весне, люди должны "
            "получать достойную зарплату. Никаких послаблений здесь не будет», — ")
UK_REPORT = ("Президент України 5 січня провів зустріч з військовими у Харківській області та "
             "обговорив забезпечення підрозділів. Він наголосив, що громади мають отримати "
             "допомогу до кінця місяця, а ремонт доріг триватиме всю весну. ")


@pytest.mark.parametrize(("text", "code"), [
    (BE_REPORT + RU_QUOTE + "сказаў Прэзідэнт. " + BE_REPORT, "be"),  # a third in Russian
    (UK_REPORT + "«Мы все выдержим», — сказав він. " + UK_REPORT, "uk"),
    (RU_QUOTE + "сказал президент. " * 2 + RU_QUOTE + BE_REPORT[:120], "ru"),
])
def test_a_quote_in_another_cyrillic_language_leaves_the_reports(text: str, code: str) -> None:
    """Belarusian state media quote speeches in Russian: the report's language is its own."""
    assert detect_language(text) == code
