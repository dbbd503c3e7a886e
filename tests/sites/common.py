"""Building blocks for fixture sites: article text, gold records, and RSS."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape

SENTENCES = [
    "Александр Лукашенко провел телефонный разговор с Владимиром Путиным.",
    "Стороны обсудили вопросы двустороннего сотрудничества и союзного строительства.",
    "Главы государств отметили рост товарооборота между Беларусью и Россией в текущем году.",
    "Отдельное внимание было уделено кооперации в машиностроении и энергетике.",
    "Президенты договорились продолжить контакты на различных уровнях.",
    "По информации пресс-службы, разговор продолжался около часа.",
    "Ранее белорусский лидер заявлял о необходимости выравнивать условия хозяйствования.",
    "Эксперты связывают активизацию контактов с подготовкой к заседанию Высшего госсовета.",
    "В Минске состоялось заседание правительства, на котором рассмотрели итоги квартала.",
    "Министерство экономики сообщило о росте валового внутреннего продукта на 2,1 %.",
    "В Могилевской области завершилась уборочная кампания, собрано более миллиона тонн зерна.",
    "На предприятии запустили новую линию по выпуску тракторов малой мощности.",
    "Жители района смогут получить консультации специалистов в выездном режиме.",
    "Строительство моста через Днепр планируется завершить до конца следующего года.",
    "Участковый инспектор напомнил о правилах безопасности при обращении с огнем.",
    "В районной библиотеке открылась выставка, посвященная истории края.",
    "«Мы должны работать на опережение», — подчеркнул глава государства.",
    "«Решения, которые мы принимаем сегодня, определят развитие на годы вперед», — отметил он.",
    "Депутаты рассмотрели законопроект о местном управлении и самоуправлении.",
    "Синоптики прогнозируют на выходных до +18 градусов и небольшие дожди.",
    "В Кремле заявили, что Москва внимательно следит за ситуацией на границе.",
    "Пресс-секретарь президента России Дмитрий Песков прокомментировал итоги переговоров.",
    "Стороны подписали соглашение о взаимном признании виз и дорожную карту по энергетике.",
    "Белорусская делегация примет участие в форуме регионов двух стран.",
    "Объем инвестиций в основной капитал вырос на 7 % по сравнению с прошлым годом.",
    "Спасатели напоминают, что выходить на тонкий лед опасно для жизни.",
    "Школьники района заняли призовые места на областной олимпиаде по математике.",
    "Аграрии приступили к севу озимых культур на площади 20 тысяч гектаров.",
    "Переговоры прошли в конструктивной и доверительной атмосфере.",
    "Следующая встреча лидеров может состояться уже в следующем месяце.",
    "На саммите ОДКБ будут обсуждаться вопросы коллективной безопасности.",
    "В городском парке высадили более двухсот молодых деревьев.",
]


@dataclass
class GoldArticle:
    """What an item extracted from a fixture article must contain."""

    url: str  # canonical URL
    title: str
    paragraphs: list[str]
    published: datetime  # aware, outlet's zone
    authors: list[str] = field(default_factory=list)
    subtitle: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def paragraphs_for(seed: int, count: int = 5) -> list[str]:
    """Deterministic body paragraphs (2–3 sentences each) for fixture article ``seed``."""
    rng = random.Random(seed)
    return [" ".join(rng.sample(SENTENCES, rng.randint(2, 3))) for _ in range(count)]


def title_for(seed: int) -> str:
    rng = random.Random(seed * 7919)
    words = rng.sample(SENTENCES, 1)[0].rstrip(".").split()
    return f"{' '.join(words[:8])} ({seed})"


def rss(channel_title: str, link: str, entries: list[tuple[str, str, datetime, str]]) -> str:
    """RSS 2.0 with (title, link, published, description-html) entries."""
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link>"
        f"<description>{escape(d)}</description><pubDate>{format_datetime(p)}</pubDate></item>"
        for t, u, p, d in entries
    )
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            f'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>{escape(channel_title)}'
            f"</title><link>{escape(link)}</link>{items}</channel></rss>")


def html_paragraphs(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p, quote=False)}</p>" for p in paragraphs)
