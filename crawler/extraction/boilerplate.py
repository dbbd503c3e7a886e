"""Boilerplate vocabulary: the lines sites put around an article in many languages.

Evidence for the generic extractor's ``boilerplate_lines`` step (a short paragraph made of
one of these phrases is page furniture, not body): copyright notices, agency credits,
newsletter and subscription promos, "follow us", "read also" headers, ad labels, reprint
notices. Only short paragraphs are tested (``MAX_LINE_CHARS``): an article that discusses
newsletters says so in sentences longer than a promo line, and the promo patterns ask for the
imperative ("Sign up for our…"), not the words alone. A paragraph opening with a copyright
mark is the one exception: a footer's imprint runs long.
"""

from __future__ import annotations

import re

MAX_LINE_CHARS = 300

# the networks and messengers an outlet runs its own channel or group on
_CHANNELS = (r"(telegram|телеграм|телеграмм|viber|вайбер|whatsapp|вотсап|max|youtube|ютуб|"
             r"дзен|дзэн|яндекс[.-]?дзен\w*|дзен-канал\w*|вконтакте|вконтакце|вк|vk|одноклассник\w*|"
             r"instagram|инстаграм\w*|facebook|фейсбук\w*|tiktok|тикток\w*|rutube)")

# "read also" headers: the words that head a list of other articles' headlines
_READ_ALSO = (r"read (more|also|next)|see also|related( articles?| stories| content|"
              # bare "related" heads a list ("Related:", "Related Posts", "Related to Power &
              # Nuclear", "Related to this story: …"); "Related problems, such as…" is a sentence
              r"(?=\s*([:|—–»>-]|$)|\s+(?-i:[A-ZÀ-ÖØ-ÞА-ЯЁІЎЄЇҐ])|(\s+[^\s,.!?:]+){1,5}\W*$|"
              r"\s+[^.!?,:]{1,30}:))"
              r"|more on this"
              r"( story)?|lesen sie (auch|mehr)|mehr zum thema|lire aussi|à lire aussi|voir aussi"
              r"|leggi anche|lee también|czytaj (też|także|również)|(zobacz|przeczytaj) (też|także|"
              r"również)|"
              # Greek, with or without its accents (capitals drop them: "ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ")
              r"(δι[αά]β[αά]στε|δ[εέ][ιί]τε) (επ[ιί]σης|ακ[οό]μη|ακ[οό]μα)|σχετικ[αά] ([αά]ρθρα|"
              r"θ[εέ]ματα|ν[εέ]α)|相关(新闻|阅读|文章|报道)|相關(新聞|閱讀)|延伸阅读|推荐阅读|関連記事|"
              r"lees ook|leia (também|mais)|veja (também|mais)|čtěte (také|též|více)|"
              r"ilgili haber(ler)?|اقرأ (أيضا|أيضاً|ايضا)|читайте (также|також)|смотрите также"
              r"|noticias relacionadas|artículos relacionados|notícias relacionadas"
              r"|notizie correlate|articoli correlati|ähnliche artikel|articles liés")
# a list's heading left when its links went ("Другие новости по теме")
_LIST_HEADING = (r"(другие|ещё|еще|больше) (новости|материалы|статьи)( (по теме|рубрики|раздела|"
                 r"в рубрике|из рубрики|из раздела)\b[^.!?]{0,40})?|(ещё|еще|больше) по теме|"
                 r"(новости |"
                 r"материалы )?по теме|(іншыя|яшчэ) (навіны|матэрыялы)( па тэме)?|(яшчэ |навіны )?па "
                 r"тэме|(other|more) (news|stories)( on this (topic|story))?|related news")
# an ad's label
_AD_WORDS = (r"advertisement|advertising|sponsored|anzeige|werbung|publicité|publicidad|pubblicità"
             r"|reklama|реклама|рэклама|διαφ[ηή]μιση|广告|廣告|広告")

# a cookie notice's buttons ("Принять все", "Отклонить"), alone or beside others ("Принять
# Согласен"); a reply of one word ("Согласен.", "Хорошо.") is no button without them
_CONSENT_ACT = (r"((принять|принимаю|прыняць|прийняти|accept|i agree)( (все|всё|усе|всі|all))?"
                r"( (cookies?|куки|кукі|файлы cookie))?|отклонить|адхіліць|reject( all)?|decline)")
_CONSENT_BUTTON = rf"({_CONSENT_ACT}|согласен|согласна|понятно|хорошо|зразумела|ok|окей)"
_NETWORKS = (r"вконтакте|vkontakte|vk|facebook|twitter|x|telegram|whatsapp|viber|"
             r"одноклассники|однокласснікі|ok|linkedin|pinterest|reddit|e-?mail|мой мир|"
             r"livejournal|threads|bluesky")
# Parts of a paywall's words (see _PATTERNS)
# what may open the line: no quote, no dialogue dash (a report quoting a paywall's words)
_NO_QUOTE = r"[^\w«\"„“'‘‚‹—–-]*"
_SUBSCRIBE_BUTTON = (r"(оформить|купить|приобрести|оформіць|аформіць|купіць|оформити|придбати)"
                     r"\s+(подписку|падпіску|передплату)")
# "чтобы читать дальше", "каб прачытаць матэрыял цалкам", "to continue reading the article":
# to read on, or this text, nothing else ("Чтобы читать районную газету…" is a campaign)
_TO_READ_ON = (
    r"(чтобы|что бы|каб|щоб|to)\s+(читать|прочитать|дочитать|продолжить чтение|чытаць|"
    r"прачытаць|дачытаць|працягнуць чытанне|читати|прочитати|дочитати|продовжити читання|"
    r"continue reading|keep reading|read on|read|reading)"
    r"(\s+(дальше|далее|далей|далі|полностью|целиком|до конца|цалкам|да канца|повністю|до кінця|"
    r"без ограничений|((эт(у|от|ой)|весь|всю|гэты|гэтую|увесь|усю|цей|цю)\s+)?(стать\w*|"
    r"материал\w*|текст\w*|публикаци\w*|новост\w*|артыкул\w*|матэрыял\w*|публікацы\w*|навін\w*|"
    r"статт\w*|матеріал\w*|публікаці\w*|новин\w*)|(the|this)(\s+(full|whole|entire|rest of "
    r"the))?\s+(article|story|text|piece)|more|on|in full)){0,2}")
_SUBSCRIBE_NOW = (r"(оформите|купите|приобретите|подключите|подпишитесь|оформіце|аформіце|"
                  r"купіце|падпішыцеся|оформіть|придбайте|передплатіть|підпишіться|subscribe|"
                  r"become a (paying )?(subscriber|member)|sign up|buy a subscription|get a "
                  r"subscription)\b")
# the rest of one short sentence to the end of the line ("…всего за 5 рублей в месяц.")
_SUPPORT_US = r"(поддержите|падтрымайце|підтримайте)"  # "support": a call to fund the newsroom
_SHORT_END = r"([^.!?\n—–]|\.\d){0,60}[.!?…]*\W*$"  # a dash: words said of it follow

_PATTERNS = (
    # subscription, newsletter and app promos
    r"^(sign up|subscribe|register|join|inscrivez-vous|εγγραφείτε)\b.{0,80}\bnewsletters?\b",
    r"\b(sign up|subscribe) (now|today|here|for free|for our|to our|to get|for the)\b",
    r"\b(newsletter abonnieren|jetzt abonnieren|abonnez-vous|suscríbete|подпишитесь|"
    r"подписывайтесь|падпісвайцеся)\b",
    # ... where the verb is "sign up" for anything ("Zapisz się na szczepienie"), its object
    r"\b(zapisz się|iscriviti) (do|na|alla|al|ai) (nasz\w* |nostr[ao] )?(newslett\w*|"
    r"powiadomie\w*|canale)",
    r"^(download|get) (the|our) .{0,40}\bapp\b",
    # a newsletter's offer ("…handpicked by our editors and delivered to your inbox")
    r"\b(delivered|straight|direct) (to|in|into) your inbox\b|\bin (ihr|ihrem) postfach\b|"
    r"\bdans votre boîte (mail|e-mail|de réception)\b",
    # the outlet's own channels ("Больше новостей — в нашем Telegram-канале", "Пишите в наш
    # Telegram-бот"), however the line invites to them
    r"\b(в|во|у|ў|к|да|to|join) (наш(ем|ему|им|его|ей|у)?|нашым|нашай|нашому|our) " + _CHANNELS +
    r"[- ]?(канал|каналу|канале|чат|чате|боте?|бота|сообществ[оеу]|паблик[еу]?|channel|bot)\b",
    # ... its group or page on a network ("Присоединяйтесь к нашей группе ВКонтакте")
    r"\b(в|во|у|ў|к|да|to|join) (наш(ей|у|ем|ему|им)?|нашай|нашу|нашым|нашому|our) (групп[аеуы]|"
    r"груп[аеуы]|сообществ[оеу]|суполк\w*|паблик[еу]?|страниц[аеуы]|канал[еу]?|group|page|"
    r"channel) ((в|на|у|ў|on) )?"
    + _CHANNELS,
    # ... or a line naming it first ("👉 Наш Телеграм-канал — все новости района первыми",
    # "Наш Telegram: @news", "Мы в Telegram")
    # (a sentence about it, "Наш Telegram — главный источник…", "Мы в Instagram публиковали…",
    # is none: after the name only its address, or nothing)
    r"^\W*(наш|our) " + _CHANNELS + r"([- ]?(канал|channel|чат|бот|bot)\b"
    r"|\s*[:—–-]\s*\S*(@|t\.me/|https?://)|\W*$)",
    r"^\W*мы (в|во|у|ў) " + _CHANNELS + r"\b\W*([:—–-].{0,80})?$",
    # ... a call ending on its name ("Больше новостей — в нашем Telegram"; not "Видео мы
    # опубликовали в нашем Telegram")
    r"^\W*(больше|все|всё|свежие|главные|самые|последние|ещё|еще|читайте|смотрите|следите|"
    r"подписывайтесь|больш|усе|чытайце|глядзіце|більше|всі|читайте|more|all|follow)\b[^.!?]{0,60}"
    r"\b(в|во|у|ў|on) (наш(ем|ему|им|ей)?|нашым|нашай|нашому|our) " + _CHANNELS + r"\W*$",
    # ... or inviting the reader there ("Присоединяйтесь к нам в Telegram", "Следите за нами
    # во ВКонтакте", "Пишите нам в Viber")
    r"\b(присоединяйтесь|далучайцеся|приєднуйтесь|следите за нами|сачыце за намі|стежте за "
    r"нами|пишите нам|пішыце нам|join us)\b[^.!?]{0,40}\b(в|во|у|ў|на|on|in) " + _CHANNELS + r"\b",
    # a call to fund the newsroom ("Поддержите нас", "Поддержите независимую журналистику")
    # and its button ("Поддержать редакцию")
    r"\b" + _SUPPORT_US + r" (наш\w* (редакци\w+|рэдакцы\w+|работу|працу|"
    r"издание|выданне|сайт|газет\w+)|(редакци|рэдакцы)\w*|"
    r"независим\w+ (журналисти\w+|СМИ|медиа)|незалежн\w+ (журналісты\w+|СМІ|медыя))\b",
    # ... "Поддержите нас" alone, or beside the newsroom's words (not "Погорельцы просят:
    # поддержите нас, мы остались без крыши")
    r"^\W*" + _SUPPORT_US + r" нас\W*$",
    r"\b(журналисти\w+|журналісты\w+|редакци\w+|рэдакцы\w+|донат\w*)\b[^\n]{0,120}\b"
    + _SUPPORT_US + r" нас\b",
    r"\b" + _SUPPORT_US + r" нас\b[^\n]{0,120}\b(донат\w*|подписк\w+|"
    r"журналисти\w+|редакци\w+|работать дальше|продолжать работу)",
    r"^\W*(поддержать|падтрымаць|підтримати|задонатить|donate|support us)( [^\W\d_]+)?\W*$",
    # a paywall's box, left in the body whatever its block is named ("Этот материал доступен
    # по подписке", "Чтобы читать дальше, оформите подписку…", "Уже есть подписка? Войти");
    # each the whole line, one short sentence, and not opening with a quote (a paywall's
    # message quoted in a report on it)
    r"^" + _NO_QUOTE + r"(этот|данный|весь|гэты|дадзены|увесь|цей|this)\s+(материал|текст|"
    r"контент|матэрыял|матеріал|article|story|content)(\s+(полностью|целиком|цалкам|повністю|"
    r"in full))?\s+(доступен|доступний|даступны|is available)\s+(только\s+|толькі\s+|лише\s+|"
    r"only\s+)?(по подписке|для подписчиков|па падпісцы|для падпісчыкаў|за передплатою|для "
    r"передплатників|(to|for) (paying )?subscribers)\b[^.!?]{0,80}([.!?]\s*(" + _SUBSCRIBE_BUTTON
    + r"|subscribe( now)?))?\W*$",
    # "Чтобы читать дальше, оформите подписку за 5 рублей", "To keep reading, become a
    # subscriber": what to read is the rest of this text, not a paper to subscribe to
    r"^" + _NO_QUOTE + _TO_READ_ON + r"\s*[,:—–-]\s*((войдите|авторизуйтесь|увайдзіце|увійдіть|"
    r"log in|sign in)\s+(или|або|ці|or)\s+)?" + _SUBSCRIBE_NOW + _SHORT_END,
    # ... the other way round ("Оформите подписку, чтобы читать дальше", "Subscribe to
    # continue reading")
    r"^" + _NO_QUOTE + _SUBSCRIBE_NOW + r"(\s+(подписку|падпіску|передплату|now|today))?(\s*,\s*|\s+)"
    + _TO_READ_ON + r"\W*$",
    r"^\W*" + _SUBSCRIBE_BUTTON + r"\W*$",
    r"^\W*(уже есть подписка|уже подписаны|ужо ёсць падпіска|вже є передплата|already a "
    r"subscriber)\W*(войти|войдите|увайсці|увійти|log ?in|sign ?in)?\W*$",
    # a cookie notice's forms ("Продолжая пользоваться сайтом, вы соглашаетесь…") and its
    # buttons, left alone in the text ("Принять все", "Согласен")
    r"^(продолжая|оставаясь|працягваючы|продовжуючи)\b[^.!?]{0,60}\b(сайт|сайце|сайті)\w*\b.{0,200}"
    r"\b(cookies?|куки|кукі|соглашаетесь|пагаджаецеся|погоджуєтеся)\b",
    rf"^({_CONSENT_BUTTON}\s+)*{_CONSENT_ACT}(\s+{_CONSENT_BUTTON})*[.!]?$",
    # the newsroom's call for tips under the article ("Have a news tip? Email the newsroom…")
    r"^\W*(got|have) a (news |story )?tip\b",
    # social follow lines and contact lines under the article
    r"^follow (us|@\w+)\b",
    # ("follow us": the outlet asks; another's account only when bidden, not told: "Two
    # million people follow her on Instagram", "if you follow me on Twitter" are sentences)
    r"(\bfollow us|(^|[.!?…:,;—–-]\s*|\b(and|or|please)\s+)\W*follow (him|her|them|me)) on "
    r"(twitter|x|facebook|instagram|linkedin|threads|bluesky|telegram)\b",
    r"^e-?mail \w+( \w+)? at \S+@\S+",
    r"\b(folgen sie uns|suivez-nous|síguenos|seguici|obserwuj nas|ακολουθήστε μας)\b|关注我们",
    # copyright and rights notices; "(c)" opening a clause of four words or more that ends as
    # a sentence is the third of a list's items ("(c) To provide a forum for…")
    r"^(©|ⓒ|\(c\)\s*\d{4}|\(c\)\s(?!(\S+\s+){3,}\S*[.;:!?]\s*$)|copyright\s*(©|ⓒ|\(c\)|\d{4}))",
    r"\b(all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos "
    r"reservados|tutti i diritti riservati|wszelkie prawa zastrzeżone|все права защищены|"
    r"усе правы абаронены|всі права захищені|όλα τα δικαιώματα (διατηρούνται|κατοχυρωμένα|"
    r"προστατεύονται))\b",
    r"版权所有|版權所有|著作権",
    # a Chinese story's editor line ("责任编辑：王小明", "（责任编辑：李娜）"; a caption's
    # photographer, "新华社记者 李明 摄", is the caption's: trafilatura-eval's gold keeps Xinhua's)
    r"^[【\[（(]?(责任编辑|責任編輯|责编|编辑|編輯)\s*[:：]\s*\S.{0,40}$",
    r"\bfor your personal,? non-?commercial use only\b",
    # agency and photo credits
    r"\bcontributed (reporting )?to this (report|story|article)\b",
    r"^(mit material (von|der)|avec (l'afp|afp|reuters))\b",
    r"^fot\.\s*\S.{0,80}$",  # a Polish photo credit ("Fot. PAP/Radek Pietruszka")
    r"^(photo|photos|photographs?|image|images|picture|foto|fotos|bild|bilder|credit|credits|"
    r"quelle|zdjęcie|źródło|φωτογραφία|φωτο|φωτό|πηγή|фото|фота|світлина)"
    r"\s*(:|\||©)\s*\S.{0,100}$",
    r"^(фото|фота) (автора|аўтара)\.?$",  # "photo by the author", under a district signature
    # ... a credit naming the site a photo came from, alone or closing its caption ("Фото с
    # scimedx.com", "Наночастицы золота могут остановить рак. Фото politekonomika.ru")
    r"(^|[.!?…»\";]\s*)(фото|фота|світлина|photo|foto)\s*(:|с сайта|с|з сайта|з|from)?\s*"
    r"[\w-]+(\.[\w-]+)*\.(ru|ua|by|kz|su|com|net|org|info|рф)\W*$",
    # a cookie notice whatever its block is named ("Этот сайт использует cookies…")
    # (the reader's site, not another's: "Her website uses cookies only to count visitors")
    r"(?<!\bher )(?<!\bhis )(?<!\btheir )(?<!\bits )(?<!\bеё )(?<!\bее )(?<!\bего )(?<!\bих )"
    r"\b(сайт|site|website|we|мы)\b[^.!?]{0,40}\b(использует|используем|выкарыстоўвае|"
    r"використовує|uses?) (файлы |файли )?(cookies?|куки|кукі)\b",
    # the typo-report prompt ("Нашли ошибку? Выделите её и нажмите Ctrl+Enter", Orphus), and
    # a quoting widget's ("Выделите любой фрагмент … и нажмите Ctrl+Insert")
    r"\bctrl\s*\+\s*enter\b",
    r"\b(выделите|выдзеліце|виділіть|select)\b[^.!?]{0,80}\b(нажмите|націсніце|натисніть|press)\s+"
    r"ctrl\s*\+\s*insert\b",
    # a rating widget's prompt ("Оцените, пожалуйста, статью. Нам важно Ваше мнение.")
    r"^\W*(оцените|ацаніце|оцініть|rate)(,? (пожалуйста|калі ласка|будь ласка|please),?)? "
    r"(эту |эты |цю |this )?(статью|материал|новость|публикацию|артыкул|матэрыял|навіну|статтю|"
    r"матеріал|новину|article|story|post)\b[^\n]{0,80}$",
    # the comment rules under a form ("Пожалуйста, не оставляйте оскорбительные … комментарии…
    # Эти комментарии будут удалены.")
    # (a bid to the reader opening its line, rules of "these" comments: a news sentence that a
    # moderator or a law removes comments is prose)
    r"^\W*((пожалуйста|калі ласка|будь ласка),?\s*)?(не оставляйте|не пакідайце|не залишайте)\b"
    r"[^.!?]{0,100}\b(комментари|каментар|коментар)",
    r"(^\W*|\b(эти|такие|подобные|гэтыя|такія|падобныя|ці|такі|подібні|these|such)\s+)"
    r"(комментари|каментар|коментар|comments?\b)[^.!?]{0,100}\b(будут удален\w*|будуць "
    r"выдален\w*|будуть видален\w*|will be (removed|deleted))",
    # a stock photo's note ("Фото носит иллюстративный характер", "Фото иллюстративное")
    r"\b(фото|фотография|изображение|снимок|фота|здымак|photo|image)\b[^.!?]{0,30}"
    r"\b(иллюстративн\w*|ілюстрацыйн\w*|для иллюстрации|для ілюстрацыі|(is )?for "
    r"illustra\w+ purposes)",
    r"^(иллюстративное|ілюстрацыйнае) фото\b",
    # reprint notices ("При перепечатке материалов ссылка на … обязательна", "Полное или
    # частичное копирование материалов запрещено")
    r"\b(при|пры) (полном или частичном |поўным ці частковым )?(перепечатке|копировании|"
    r"использовании|перадруку|капіраванні|выкарыстанні) (материалов|матэрыялаў|информации|"
    r"інфармацыі)\b",
    r"\b(перепечатка|копирование|перадрук|капіраванне) (материалов|матэрыялаў)[^.!?]{0,80}"
    r"\b(запрещен\w*|разрешен\w*|забаронен\w*|дазволен\w*|только|толькі)\b",
    # ... bidding ("уважайте труд журналистов: не перепечатывайте в блогах статьи целиком")
    r"(^\W*|\b(журналистов|журналістаў|редакции|рэдакцыі|авторов|аўтараў|пожалуйста|калі ласка),?"
    r"\W{0,3}\s*)не (перепечатывайте|копируйте|перадрукоўвайце|капіруйце)\b[^.!?]{0,60}\b(стат|"
    r"материал|текст|артыкул|матэрыял)",
    # a blog template's post details ("You can follow any responses to this entry through the
    # RSS 2.0 feed", "Вы можете читать ответы и комментарии к этой новости через RSS 2.0")
    r"\b(responses|ответы|комментарии|відповіді|коментарі|адказы|каментары)\b[^.!?]{0,60}"
    r"\b(through|via|через|праз) (the )?rss\b",
    # who may comment (DataLife Engine: "Информация. Посетители, находящиеся в группе Гости,
    # не могут оставлять комментарии к данной публикации.")
    r"\b(не могут оставлять комментарии|не могуць пакідаць каментары|комментарии (закрыты|"
    r"отключены)|чтобы оставить комментарий|comments are closed|you must be logged in to "
    r"(post|leave) a comment|only registered users can (comment|post comments))\b",
    # "read also" headers and ad labels, when they are the whole line
    rf"^\W*({_READ_ALSO}|читайте нас)\b[^.!?]{{0,120}}$",
    # a list's heading left when its links went, whole lines only
    rf"^({_LIST_HEADING})\s*:?$",
    rf"^({_AD_WORDS})$",
    # a control's label left alone ("Показать ещё", "Читать полностью"): its block not shown
    r"^\W*((показать|читать|смотреть|загрузить) (ещё|еще|полностью|далее|дальше|целиком|все)"
    r"|развернуть|паказаць (яшчэ|цалкам)|чытаць (далей|цалкам)|show more|load more"
    # ... a player's download link ("Скачать аудио файл")
    r"|(скачать|спампаваць|завантажити|download) (аудио|видео|аўдыё|відэа|аудіо|відео|audio|"
    r"video)( ?(файл|file))?"
    # ... a subscribe button's, its promo gone ("Подписаться", "Subscribe")
    r"|подписаться|падпісацца|підписатися|subscribe|sign up|abonnieren|s'abonner|suscribirse"
    r"|suscríbete|iscriviti|subskrybuj|zapisz się)\W*$",
    # a share line, alone or with the networks' names as plain text ("Поделиться: ВКонтакте
    # Facebook Twitter": Bitrix's news.detail)
    rf"^(share (this|on)\b[^.!?]{{0,40}}|teilen|partager|compartir|condividi|поделиться|"
    rf"падзяліцца|поділитися|отправить в|адправіць у|надіслати в|send to)"
    rf"( (в|у|ў) (соцсетях|сацсетках|соцмережах))?:?"
    rf"([\s,;|/•·]+({_NETWORKS}))*[\s.]*$",
)
# Two regexes, not one: the line-start phrases are tried at the start only (``match``). One
# alternation searched at every position cost ~7 % of the generic extractor's time; this is
# ~2.4x less. (Lower-casing the line instead of ``re.I`` was faster still, but not the same:
# "İ".lower() is two characters, which moves the length bounds, and re.I folds "ſ" and "K".)
_AT_START = re.compile("|".join(f"(?:{p[1:]})" for p in _PATTERNS if p.startswith("^")),
                       re.IGNORECASE)
_ANYWHERE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS if not p.startswith("^")),
                       re.IGNORECASE)


# A word of each ``_ANYWHERE`` pattern, case-folded, one of which every line it matches
# holds: the regex (an alternation tried at every position of the line) is searched only in
# a line holding one. It cost ~7 % of the generic extractor's time on every short line of
# output; a substring test is a tenth of it. (tests/crawler/extraction/test_boilerplate.py
# checks the words against every pattern's alternatives.)
_ANYWHERE_WORDS = (
    "reserved", "vorbehalten", "réservés", "reservados", "riservati", "zastrzeżone", "защищены",
    "абаронены", "захищені", "δικαιώματα", "版权", "版權", "著作権", "commercial", "contributed", "sign up", "subscribe", "abonnieren",
    "abonnez", "suscríbete", "iscriviti", "zapisz", "подпишитесь", "подписывайтесь",
    "падпісвайцеся", "в наш", "во наш", "у наш", "ў наш", "к наш", "да наш", "to our",
    "join our", "cookie", "куки", "кукі", "ctrl", "иллюстр", "ілюстр", "illustra", "перепеч",
    "копирова", "использовании", "перадрук", "капіраван", "выкарыстанні", "follow us",
    "follow him", "follow her", "follow them", "follow me", "folgen sie", "suivez", "síguenos", "ακολουθήστε", "关注我们",
    "seguici", "obserwuj", "присоединяйтесь", "далучайцеся", "приєднуйтесь", "следите за",
    "сачыце за", "стежте за", "пишите нам", "пішыце нам", "join us", "поддержите", "падтрымайце",
    "підтримайте", " on our", "оставлять комментарии", "комментарии закрыты",
    "комментарии отключены", "оставить комментарий", "пакідаць каментары",
    "comments are closed", "a comment", "users can", "select", "выделите", "выдзеліце",
    "виділіть", "комментари", "каментар", "коментар", "comment", "перепечатыва", "копируйте",
    "перадрукоўва", "капіруйце", "фото", "фота", "світлина", "photo", "foto", "rss",
    "your inbox", "postfach", "votre boîte")


# A paragraph that opens with a copyright mark is a footer at any length: a publisher's
# imprint runs its registration, address and phones on after "© ЗАО «Газета.Ru»". The word
# alone ("Copyright 2019 …") or a list's "(c)" waits for the length check and the patterns.
_COPYRIGHT_MARK = re.compile(r"\s*(?:©|ⓒ|\(c\)\s*\d{4}|copyright\s*(?:©|ⓒ|\(c\)))", re.IGNORECASE)


def is_boilerplate_line(text: str) -> bool:
    """A short paragraph that is one of the lines sites put around articles, or a copyright
    notice of any length."""
    if _COPYRIGHT_MARK.match(text) is not None:
        return True
    if len(text) > MAX_LINE_CHARS:
        return False
    if _AT_START.match(text) is not None or _credit_line(text):
        return True
    folded = text.casefold()
    return ((any(word in folded for word in _ANYWHERE_WORDS) or _FOLDS_APART in text)
            and any(not _quoted(text, found.start()) for found in _ANYWHERE.finditer(text)))


def _quoted(text: str, at: int) -> bool:
    """Whether position ``at`` of ``text`` lies inside quotation marks: a promo's words quoted
    in reporting ("«Iscriviti al nostro canale e guadagna»: così recitava il messaggio")."""
    before = text[:at]
    german = "„" in before  # „…“: there "“" closes
    opening = sum(map(before.count, "«„‹「『")) + (0 if german else before.count("“"))
    closing = sum(map(before.count, "»›」』”")) + (before.count("“") if german else 0)
    return opening > closing or before.count('"') % 2 == 1


# An agency's credit line: "Reporting by Andrea Shalal in Washington; Editing by Leslie Adler"
_CREDIT = re.compile(r"(?:additional |with )?(?:reporting|writing|editing|research) (?:by|from)"
                     r"\s", re.IGNORECASE)
_CREDIT_WORDS = frozenset(("additional", "reporting", "writing", "editing", "research", "by",
                           "from", "and", "in", "with", "the", "of", "for", "at", "on"))
_WORD = re.compile(r"[^\W\d_]+")
CREDIT_MAX_PROSE_WORDS = 1


def _credit_line(text: str) -> bool:
    """A credit line: its words past the credit's own are names, capitalised ("Research from
    the University of Leeds suggests that…" is a sentence: its verbs and nouns are not)."""
    if _CREDIT.match(text) is None:
        return False
    prose = sum(1 for word in _WORD.findall(text)
                if word[:1].islower() and word.casefold() not in _CREDIT_WORDS)
    return prose <= CREDIT_MAX_PROSE_WORDS


# The one letter the regex's case rule matches to a word's letter that case-folding does not
# fold to it ("İ" matches "i"; folded, it is "i̇"): a line holding it is searched whatever.
_FOLDS_APART = "İ"


# A label standing alone over a block that is no article text: a "read also" header over
# other articles' headlines ("Читайте также:", "Смотрите также", "Чытайце таксама", "По
# теме:"), an ad's label ("Реклама", "— Рэклама —", "Advertisement").
_READ_ALSO_HEADER = re.compile(
    rf"\W*(?:{_READ_ALSO}|{_LIST_HEADING}|(?:читайте|чытайце) (?:таксама|ещё|еще|по теме)|"
    r"глядзіце таксама|(?:читайте|дивіться) також|также читайте)[\s:：.…»>→-]*", re.IGNORECASE)
_AD_LABEL = re.compile(rf"[\W_]*(?:{_AD_WORDS})[\W_]*", re.IGNORECASE)
# What an ad's text carries and an article's sentence rarely does: a phone number, a web or
# e-mail address, a percentage or a price, an offer's words, the advertiser's marking (ИНН, erid).
_PROMO = re.compile(
    r"\+?\d[\d ()-]{6,}\d|https?://|www\.|\b[\w-]+\.(?:ru|by|рф|бел|com|net|org|su|ua|info|"
    r"shop|store)\b|\S@\S|\d\s*%|\d\s*(?:руб|byn|\$|€|usd|eur|грн)|[$€]\s*\d|"
    r"\b(?:скидк|акци|распродаж|звоните|заказ|купит|покупа|доставк|бесплатн|выгодн|производител|"
    r"зніжк|акцы|тэлефануйце|замаў|купляй|дастаўк|бясплатн|знижк|дзвоніть|замов|купуй|sale|"
    r"discount|buy|order|shop|free shipping|call)\w*|\b(?:инн|унп|огрн|erid)\b", re.IGNORECASE)
HEADLINE_MAX_CHARS = 150  # a longer line is prose, no headline of a list
TEASER_MAX_CHARS = 300  # a longer line under a listed headline is prose, no teaser
AD_LINE_CHARS = 150  # a longer line after an ad's label is the article going on
AD_MAX_LINES = 4  # an ad's lines after its label; more, and where the ad ends is unknown
_CLOSING = "\"'»”’)] 」』）"
# The marks that end a sentence: Latin and Cyrillic ones, Chinese and Japanese (full width
# too), the Greek question mark (its own code point; NFC makes it ";", which stays out: a
# clause goes on after one), Arabic and Urdu, Devanagari, Armenian, Ethiopic, Burmese.
SENTENCE_ENDS = ".!?。！？．｡\u037e؟۔।॥։።။"
_FULL_STOPS = ".。．｡"


def is_block_label(line: str) -> bool:
    """Whether ``line`` is a label alone that heads a block of other content (a "read also"
    header, an ad's label): the lines a ``<br>`` sets under it are that block's."""
    return bool(_READ_ALSO_HEADER.fullmatch(line) or _AD_LABEL.fullmatch(line))


def _closing_mark(line: str) -> str:
    """The mark ``line`` closes with, quotes and brackets aside; "..." is "…" (a headline cut
    short, no full stop)."""
    bare = line.rstrip(_CLOSING)
    return "…" if bare.endswith("...") else bare[-1:]


def closes_sentence(line: str) -> bool:
    """Whether ``line`` closes a sentence ("…" may close a headline cut short)."""
    return (mark := _closing_mark(line)) != "" and mark in SENTENCE_ENDS


def _headline_shaped(line: str) -> bool:
    """A line of a list of headlines: short, not opening in lower case (a sentence's rest),
    not closing with a full stop (a headline may ask or exclaim)."""
    return (len(line) <= HEADLINE_MAX_CHARS and not line[:1].islower()
            and (_closing_mark(line) or "x") not in _FULL_STOPS)


def _headline_list_ends(lines: list[str], at: int) -> bool:
    """Whether all that follows the "read also" header at ``at`` is its list to the end of
    the body: headlines (or page furniture), each perhaps with its teaser (one short text
    under it; two headlines at least then). A header over the article going on (a list of
    links removed, then prose) is no end."""
    headlines = teasers = 0
    under_headline = False
    for line in lines[at + 1:]:
        if _headline_shaped(line) or is_boilerplate_line(line):
            headlines += 1
            under_headline = True
        elif under_headline and len(line) <= TEASER_MAX_CHARS:
            teasers += 1
            under_headline = False
        else:
            return False
    return not teasers or headlines >= 2


def _ad_lines(lines: list[str], at: int) -> int:
    """How many lines after the ad label at ``at`` are the ad's: short lines that close no
    sentence, or carry an offer (``_PROMO``), up to the article's next sentence or the end,
    at most AD_MAX_LINES, one of them at least with an offer. 0 when that evidence is not
    there (a subheading after the label is the article's)."""
    run = 0
    for line in lines[at + 1:at + 2 + AD_MAX_LINES]:
        if len(line) > AD_LINE_CHARS or (closes_sentence(line) and not _PROMO.search(line)):
            break
        run += 1
    ad = lines[at + 1:at + 1 + run]
    return run if run <= AD_MAX_LINES and any(_PROMO.search(line) for line in ad) else 0


def without_labelled_blocks(lines: list[str]) -> list[str]:
    """``lines`` without the label lines and the blocks they open: a "read also" header, and
    the headlines after it when they end the body (set as text, not links, they went with no
    link block), an ad's label and its short promo lines (``_ad_lines``). The labels stand
    alone: a sentence that mentions reading on or advertising is prose."""
    out: list[str] = []
    skip = 0
    for n, line in enumerate(lines):
        if skip:
            skip -= 1
        elif _READ_ALSO_HEADER.fullmatch(line):
            if n and _headline_list_ends(lines, n):
                break  # (alone, the header goes: its list was links, gone as a link block)
        elif _AD_LABEL.fullmatch(line):
            skip = _ad_lines(lines, n)
        else:
            out.append(line)
    return out
