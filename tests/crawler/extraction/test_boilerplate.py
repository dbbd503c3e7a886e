"""The boilerplate vocabulary: furniture lines in several languages, and prose it must spare."""

from __future__ import annotations

import pytest

from crawler.extraction.boilerplate import MAX_LINE_CHARS, closes_sentence, is_boilerplate_line


@pytest.mark.parametrize("line", [
    "© 2026 Example Media",
    "(c) 2008 Magellan Navigation, Inc. All rights reserved.",
    "(C) Volkswagen",
    "(c) Foto: Max Mustermann / dpa",
    "Copyright 2019 Hawaii News Now. All rights reserved.",
    "Alle Rechte vorbehalten.",
    "Все права защищены.",
    "Reporting by Rodrigo Campos; Editing by Leslie Adler",
    "Additional reporting by Steve Scherer in Ottawa; editing by Bill Berkrot.",
    "Can't get enough of Spencer? Check out his work and follow him on Twitter at @sh221.",
    "If you enjoyed this post, subscribe to Summer Tomato and follow me on Twitter!",
    "Zapisz się do naszego newslettera", "Iscriviti alla nostra newsletter",
    "Fox News' Jessica Napoli contributed to this report.",
    "Foto: dpa",
    "Sign up for our newsletter for the latest updates.",
    "Jetzt abonnieren und weiterlesen",
    "Подписывайтесь на наш канал в Telegram",
    "Follow us on Twitter @example and on Facebook.",
    "Email Tariq Malik at tmalik@example.com",
    "Read also: Council votes on trams",
    "Lesen Sie auch",
    "Читайте также:",
    "Advertisement",
    "РЕКЛАМА",
    "Share this article",
    "This copy is for your personal, non-commercial use only.",
    "Другие новости по теме",  # a related list's heading, its links gone
    "Навіны па тэме:",
    "Other news on this topic",
    "Больше новостей — в нашем Telegram-канале @belta_telegramm",  # the outlet's channels
    "Есть чем поделиться? Пишите в наш Telegram-бот @zerkalo_bot",
    "Больш навін — у нашым Telegram-канале",
    "Join our Telegram channel for breaking news",
    # the typo-report prompt, a stock photo's note, reprint notices
    "Если вы нашли ошибку, пожалуйста, выделите фрагмент текста и нажмите Ctrl+Enter.",
    "Заўважылі памылку? Вылучыце яе і націсніце Ctrl + Enter",
    "Фото носит иллюстративный характер. Фото из открытых источников",
    "Фота мае ілюстрацыйны характар",
    "Иллюстративное фото",
    "Photo is for illustrative purposes only.",
    "При перепечатке материалов ссылка на «Пинский вестник» обязательна.",
    "Пры перадруку матэрыялаў спасылка на сайт абавязковая",
    "Полное или частичное копирование материалов без разрешения редакции запрещено.",
    # the outlet's channels and groups on any network, and a cookie notice as a line
    "Больше новостей читайте в нашем Дзен-канале",
    "Присоединяйтесь к нашей группе ВКонтакте и Одноклассниках",
    "👉 Наш Телеграм-канал — все новости района первыми",
    "Далучайцеся да нашай групы ў ВКонтакце",
    "Этот сайт использует cookies. Оставаясь на сайте, вы даете согласие на их использование.",
    "We use cookies to improve your experience.",
    "This website uses cookies to give you the best experience.",
    "Related", "Related:", "Related: Council votes on trams", "Related Posts",
    "Related coverage", "Related to this story:", "Related post: Pickled Sprouts Recipe",
    "related www links", "Related to Power & Nuclear",
    # the vocabulary of more languages: Chinese, Greek, Polish, French
    "责任编辑：王小明", "【责任编辑:李华】", "（责任编辑：李娜）",
    "Фото: пресс-служба администрации Кургана", "Фота: Нацыянальны музей-запаведнік «Нясвіж»",
    "Світлина: Укрінформ", "Фото автора.",
    "Have a news tip? Email the newsroom at news@coastalgazette.net or call 555-0142.",
    "Got a tip? Send it to tips@example.com",
    "Die wichtigsten Nachrichten aus der Stadt – jeden Morgen kostenlos in Ihrem Postfach.",
    "相关新闻：", "广告", "Copyright © 2024 新华网 版权所有",
    "ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ:", "Διαβάστε επίσης", "ΔΙΑΦΗΜΙΣΗ", "Σχετικά άρθρα", "Πηγή: ΑΠΕ-ΜΠΕ",
    "Ακολουθήστε μας στο Google News",
    "© 2024 Kathimerini. Όλα τα δικαιώματα διατηρούνται.",
    "Zobacz także:", "Fot. PAP/Radek Pietruszka", "Inscrivez-vous à notre newsletter",
    "【関連記事】", "Lees ook: Zo bescherm je huis", "Leia também", "Čtěte také", "اقرأ أيضا",
    "Читайте також: Уряд ухвалив зміни",
    "The day's top stories, handpicked by our editors and delivered to your inbox.",
    "Подписаться", "Subscribe →", "Jetzt abonnieren",
    # a redesign's new promos inside the body: channels, donations, cookie consent
    "Наш Telegram — t.me/news. Присоединяйтесь!", "Мы в Telegram: @zerkalo_io",
    "Больше новостей — в нашем Telegram", "Присоединяйтесь к нам в Telegram",
    "Следите за нами во ВКонтакте", "Есть что рассказать? Пишите нам в Telegram",
    "Поддержите нас", "Поддержите независимую журналистику", "Поддержать редакцию",
    "Независимая журналистика существует благодаря читателям. Поддержите нас — помогите нам "
    "работать дальше.",
    "Продолжая пользоваться сайтом, вы соглашаетесь на использование cookie",
    "Оставаясь на сайте, вы соглашаетесь с политикой конфиденциальности и даете согласие",
    "Принять", "Принять все", "Принять Согласен", "Отклонить Принять все",
    "Мы в Telegram", "Наш Telegram: @news", "👉 Наш Телеграм-канал — все новости района первыми",
])
def test_furniture_lines_are_recognised(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("line", [
    "Copyright Complexity in a Fragmented World",
    "The newsletter, launched in 2019, now reaches forty thousand readers every week.",
    "Related parties must disclose their interests, the regulator said on Monday.",
    "Share prices fell by three percent after the announcement.",
    "Read the full report on the ministry's website before the hearing, lawyers advised.",
    "По теме переговоров высказался министр иностранных дел",
    "Страницы истории района",
    "Депутаты обсудили, как наш телеграм-канал помогает жителям района узнавать новости",
    "На фото иллюстратор Анна Петрова с книгой, вышедшей в прошлом году.",
    "Фото автора стало обложкой журнала.",
    "Waiters who have a tip jar report higher earnings, the survey found.",
    "Суд рассмотрел дело о перепечатке материалов районной газеты без ссылки на источник.",
    "Группа ВКонтакте набрала тысячу подписчиков, рассказал глава района.",
    "Наш район получил новые автобусы к началу учебного года.",
    "Компания использует новые технологии переработки.",
    "Мы в Telegram опубликовали видео. Оно набрало миллион просмотров.",
    "Министр призвал поддержать аграриев района в период уборки.",
    "Депутаты поддержали законопроект о местном управлении.",
    "Продолжая работу, сайт министерства опубликовал новые правила.",
    "— Согласен.", "Понятно, что решение будет принято до конца года.", "Принять решение",
    # a reply of one word, a team's supporters, a plea, a report about the outlet's channel
    "Согласен.", "Хорошо.", "Понятно.", "OK",
    "Приходите на стадион и поддержите команду в решающем матче, призвал тренер.",
    "Падтрымайце нашу каманду на чэмпіянаце!",
    "Погорельцы просят: поддержите нас, мы остались без крыши над головой.",
    "Власти признали экстремистскими материалами публикации в нашем Telegram",
    "Видео задержания мы опубликовали в нашем Telegram.",
    "Наш Telegram — главный источник новостей для молодежи, считает социолог.",
    "Мы в Instagram публиковали фотографии участников акции каждый день",
    "Продолжая развивать сайт, министерство получило согласие правительства на новый тендер.",
    "We pushed ourselves to our max",
    # a credit's opening words in a sentence, a profile's "follow her", a step's "sign up"
    "Research from the University of Leeds suggests that repair videos have changed how "
    "young people shop.",
    "Reporting by students at her old school found that half of the pupils had watched one.",
    "Research by NASA found water on Mars.", "Research from MIT suggests otherwise.",
    "More than two million people follow her on Instagram, where she posts short videos.",
    "Now if you follow me on Twitter or Facebook then you know who I like.",
    "Zapisz się na szczepienie przez Internetowe Konto Pacjenta lub telefonicznie.",
    "他们正在拍摄。", "编辑部认为，这个问题需要更多讨论，并将在下周继续报道。",
    "Σχετικά με την απόφαση, ο υπουργός δήλωσε ότι θα συνεχίσει.",
    "Iscriviti al corso entro venerdì presso la segreteria della scuola.",
    # another's website, a list's word opening a sentence
    "She is careful about what she promotes. Her website uses cookies only to count visitors, "
    "she says.",
    "Его сайт использует cookies, только чтобы считать посетителей.",
    "Related problems, such as the waste produced by fast fashion, are harder to fix",
    # a promo's words quoted in reporting
    "«Iscriviti al nostro canale e guadagna mille euro al giorno»: così recitava il messaggio.",
    "The message read: “Follow us on Telegram for daily signals”, and hundreds did.",
    "„Folgen Sie uns auf Telegram“, hieß es in der Nachricht der Betrüger.",
    # the third item of a list of clauses, not a copyright mark
    "(c) To provide a forum for communication on all aspects of the bed & breakfast industry.",
    "(c) the Contractor shall deliver the goods within thirty days;",
])
def test_prose_that_uses_the_words_is_not_furniture(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_long_paragraphs_are_never_furniture() -> None:
    line = "Sign up for our newsletter. " + "The council will publish the timetable. " * 10
    assert len(line) > MAX_LINE_CHARS
    assert not is_boilerplate_line(line)
    assert not is_boilerplate_line("Copyright 2019 " + line)  # the word alone is no mark


@pytest.mark.parametrize("mark", ["© ЗАО «Газета.Ru». (1999-2011) — ", "(C) 2008 Magellan, Inc. ",
                                  "Copyright © 2004 The Pragmatic Programmers, LLC. "])
def test_a_copyright_notice_is_furniture_at_any_length(mark: str) -> None:
    """A publisher's imprint after its copyright mark: registration, address, phones."""
    line = mark + "Адрес редакции: 127006, Москва, ул. Малая Дмитровка д.20. " * 8
    assert len(line) > MAX_LINE_CHARS
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("line", [
    "Read also " + "\u0130" * 70 + "a" * 10,  # "İ" lower-cases to two characters
    "Share on " + "\u0130" * 25 + "bbbbb",
    "\u017fign up for our newsletter",  # long s folds to "s" case-insensitively
])
def test_case_is_folded_as_the_regex_folds_it_not_as_lower_does(line: str) -> None:
    """What the step flags does not depend on how a line's letters lower-case."""
    import re

    from crawler.extraction.boilerplate import _PATTERNS

    whole = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
    assert is_boilerplate_line(line) is (whole.search(line) is not None)


def test_furniture_lines_under_an_article_leave_its_text() -> None:
    """A district paper's lines under the text (a stock photo's note, the typo prompt, the
    reprint notice), each its own ``<p>`` inside ``<article>``: no part of the text."""
    from crawler.extraction import extract_text

    body = [f"Абзац {i}: жители района собрались на площади, чтобы обсудить ремонт дороги и "
            "новые остановки автобусов в городе." for i in range(5)]
    furniture = ["Фото носит иллюстративный характер. Фото из открытых источников",
                 "Если вы нашли ошибку, пожалуйста, выделите фрагмент текста и нажмите "
                 "Ctrl+Enter.", "При перепечатке материалов ссылка на «Пинский вестник» "
                 "обязательна."]
    html = ("<html><head><title>Ремонт дороги</title></head><body><nav><a href=\"/\">Главная"
            "</a></nav><article><h1>Ремонт дороги</h1>"
            + "".join(f"<p>{p}</p>" for p in body + furniture)
            + "</article><footer>© 2026</footer></body></html>")
    assert extract_text(html, "http://pinsk.test/news/1/") == "\n\n".join(body)


def test_every_pattern_searched_anywhere_has_a_word_that_lets_a_line_through() -> None:
    """``is_boilerplate_line`` searches the patterns only in a line holding one of
    ``_ANYWHERE_WORDS``: a pattern added without its word would never match."""
    from crawler.extraction.boilerplate import _ANYWHERE_WORDS, _PATTERNS

    for pattern in (p for p in _PATTERNS if not p.startswith("^")):
        source = pattern.casefold()
        assert any(word.split()[-1] in source for word in _ANYWHERE_WORDS), pattern


@pytest.mark.parametrize(("line", "closes"), [
    ("The council voted.", True), ("Why?", True), ("会议在北京开幕。", True),
    ("他说：“我们会继续努力！”", True), ("Τι θα γίνει\u037e", True), ("هل سيتغير شيء؟", True),
    ("उन्होंने कहा कि काम जारी रहेगा।", True),
    ("The council voted", False), ("会议在北京开幕", False), ("Далее:", False),
])
def test_sentences_close_with_their_scripts_marks(line: str, closes: bool) -> None:
    assert closes_sentence(line) is closes


# Widgets and notes an old CMS prints under the article, one class each (issue 18, daniel-ru dev)
WIDGET_LINES = [
    # a rating widget's prompt
    "Оцените, пожалуйста, статью. Нам важно Ваше мнение.", "Оцените материал", "Rate this article",
    # a quoting widget's help
    "Выделите любой фрагмент прямо в тексте статьи и нажмите Ctrl+Insert или скопируйте готовый "
    "код:",
    # a reprint notice that bids
    "Пожалуйста, уважайте труд журналистов: не перепечатывайте в блогах статьи целиком (они всегда "
    "доступны по этому адресу), не забывайте ставить ссылки на полный текст на нашем сайте.",
    # the rules above a comment form
    "Пожалуйста, не оставляйте оскорбительные, клеветнические комментарии, призывы к национальной "
    "розни, а также сообщения не относящиеся к теме публикации. Эти комментарии будут удалены.",
    "Comments that include profanity or personal attacks will be removed.",
    # a share label, a player's download link
    "Отправить в:", "Скачать аудио файл", "Download audio",
    # a photo credit naming the site the picture came from, alone or closing its caption
    "Фото с scimedx.com", "Фото pzorya.at.ua", "По материалам: tsn.ua; Фото: cxid.info",
    "Наночастицы золота могут остановить рак. Фото politekonomika.ru",
    # a blog template's post details
    "Новость была оставлена 16 января 2012 15:59 в категории Экономика. Вы можете читать ответы "
    "и комментарии к этой новости через RSS 2.0. Свой комментарий Вы можете написать в форме ниже.",
    "This entry was posted on Monday. You can follow any responses to this entry through the RSS "
    "2.0 feed.",
]
WIDGET_WORDS_IN_PROSE = [
    "Оцените ситуацию трезво, советуют психологи.", "Эксперты оценили статью закона о выборах.",
    "Выделите текст и нажмите Ctrl+C, чтобы скопировать его.",
    "Суд запретил перепечатывать статью, сообщил адвокат.",
    "Модераторы удалили комментарии, в которых были угрозы.",
    "Отправить в отставку министра потребовали депутаты.",
    "Мы сделали фото на память с друзьями.", "The photo was posted on reddit.com by a user.",
    "Подписчики получают новости через RSS и почтовую рассылку.",
    # news of comments removed, a bid inside a sentence: prose (the rules' words, not a form)
    "По новому закону комментарии с оскорблениями будут удалены в течение суток.",
    "Модераторы сообщили, что все комментарии под видео будут удалены.",
    "YouTube said comments on videos featuring minors will be removed.",
    "Пресс-служба попросила: не оставляйте гневные комментарии под постами мэра.",
    "Учитель напомнил ученикам: не копируйте тексты из интернета в сочинения.",
]


@pytest.mark.parametrize("line", WIDGET_LINES)
def test_widget_prompts_and_credits_are_furniture(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("line", WIDGET_WORDS_IN_PROSE)
def test_prose_with_the_widgets_words_is_not_furniture(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_widget_lines_under_an_article_leave_its_text() -> None:
    """The same lines, each its own ``<p>`` inside ``<article>`` after the text: the
    generic extractor gives the text alone."""
    from crawler.extraction.generic import generic_text

    body = [f"Абзац {i}: в городе открылся новый медицинский центр, где будут принимать "
            "пациентов со всей области." for i in range(5)]
    html = ("<html><head><title>Новый центр</title></head><body><article><h1>Новый центр</h1>"
            + "".join(f"<p>{p}</p>" for p in body + WIDGET_LINES[:6])
            + "</article></body></html>")
    assert generic_text(html, "http://city.test/news/1/") == "\n\n".join(body)
