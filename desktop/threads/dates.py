"""Is a line only a date or a time? ("May 20, 08:50", "6 jun, 17:22", "6月4日 09:12").

Helpdesk exports put such a line under each author's name, and chat logs use them as
separators. A line qualifies when every word in it is a month, a weekday, a relative day or
a small linking word in one of the 11 languages, and it holds a time, a day and a month, or a
numeric date.
"""

# Words and punctuation of 11 languages, on purpose:
# ruff: noqa: RUF001

from __future__ import annotations

import re

_MONTHS = """
jan january feb february mar march apr april may jun june jul july aug august sep sept september
oct october nov november dec december
ene enero febrero marzo abr abril mayo junio julio ago agosto septiembre set setiembre octubre
noviembre dic diciembre
januar jän jänner februar mär märz mrz mai juni juli okt oktober dezember dez
janv janvier fév févr février fevrier mars avr avril juin juil juillet août aout septembre
octobre novembre déc décembre decembre
gen gennaio febbraio mag maggio giu giugno lug luglio sett settembre ott ottobre dicembre
janeiro fev fevereiro março marco maio junho julho setembro out outubro novembro dezembro
januari februari maart mrt mei augustus
янв января январь фев февраля февраль мар марта март апр апреля апрель мая май июн июня июнь
июл июля июль авг августа август сен сент сентября сентябрь окт октября октябрь ноя ноября
ноябрь дек декабря декабрь
"""
_WEEKDAYS = """
mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday
sun sunday
lun lunes mié miércoles miercoles jue jueves vie viernes sáb sábado sabado dom domingo
mo montag di dienstag mi mittwoch do donnerstag fr freitag sa samstag so sonntag
lundi mardi mer mercredi jeu jeudi ven vendredi sam samedi dim dimanche
lunedì lunedi martedì martedi mercoledì mercoledi gio giovedì giovedi venerdì venerdi sab
sabato domenica
seg segunda ter terça terca qua quarta qui quinta sex sexta feira
ma maandag dinsdag wo woensdag donderdag vr vrijdag za zaterdag zo zondag
пн вт ср чт пт сб вс понедельник вторник среда четверг пятница суббота воскресенье
"""
_LINKS = """
at on the of um à a las alle ore às om в г de del uhr h am pm a.m p.m
today yesterday hoy ayer heute gestern aujourd hui aujourd'hui hier oggi ieri hoje ontem
vandaag gisteren сегодня вчера
年 月 日 时 時 分 点 號 号 周 星期 曜日 월 일 시 분 오전 오후
午前 午後 上午 下午 今天 昨天 今日 昨日 오늘 어제
"""
# "2 days ago", "hace 3 horas", "vor 2 Stunden", "il y a 2 jours", "2 giorni fa", "2 дня назад".
_RELATIVE = """
ago an a hace vor il y fa há geleden назад
min mins minute minutes hour hours day days week weeks month months
minuto minutos hora horas día días dia dias semana semanas
minute minuten stunde stunden tag tagen woche wochen
heure heures jour jours semaine semaines minuti ora ore giorno giorni settimana settimane
uur dag dagen minuut minuten week weken минуту минуты минут час часа часов день дня дней
"""
_AGO_WORDS = "ago hace vor il fa há geleden назад"
_AGO = frozenset(_AGO_WORDS.split())
_MONTH_WORDS = frozenset(_MONTHS.split())
_RELATIVE_WORDS = frozenset(_RELATIVE.split())
_CALENDAR_WORDS = _MONTH_WORDS | frozenset(_WEEKDAYS.split())
_DATE_WORDS = (
    _MONTH_WORDS | frozenset(_WEEKDAYS.split()) | frozenset(_LINKS.split()) | _RELATIVE_WORDS
)
_DIGIT = re.compile(r"\d")
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|\S")
_PUNCTUATION = frozenset(",.:/-()|·[]—–")
_TIME = re.compile(r"\d{1,2}[:h]\d{2}")
_NUMERIC_DATE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}月\d{1,2}日|\d{1,2}월\s*\d{1,2}일"
)
_CJK_DATE_CHARS = frozenset(
    "年月日时時分点號号周星期曜一二三四五六七天火水木金土월화수목금토일시분오전후午前後上下今昨늘어제"
)
_CJK_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def is_date_line(line: str) -> bool:
    """True when `line` holds a date or time and nothing else."""
    text = line.strip()
    if not text or len(text) > 70 or not _DIGIT.search(text):
        return False
    month = ago = False
    for token in _TOKEN.findall(text):
        if token.isdigit():
            continue
        word = token.lower().rstrip(".")
        if word in _MONTH_WORDS:
            month = True
        elif word in _AGO:
            ago = True
        elif word in _DATE_WORDS or token in _PUNCTUATION:
            continue
        elif _CJK_WORD.search(token) and all(c in _CJK_DATE_CHARS for c in token):
            continue  # a run such as "月" or "周二" cut from a CJK date
        else:
            return False
    return bool(_TIME.search(text) or _NUMERIC_DATE.search(text) or month or ago)


def is_date_word(word: str) -> bool:
    """A month or weekday name ("May", "Tue", "juin"), which a name line never starts with."""
    return word.lower().rstrip(".,") in _CALENDAR_WORDS


# Month numbers by the start of their names in the Latin-script languages: "juin" and "juil"
# need four letters, the rest three ("dic", "dez", "déc" are all December).
_MONTH_STARTS = {
    "juin": 6, "juil": 7,
    "jan": 1, "ene": 1, "gen": 1, "jän": 1, "feb": 2, "fév": 2, "fev": 2, "mar": 3, "mär": 3,
    "mrz": 3, "maa": 3, "apr": 4, "abr": 4, "avr": 4, "may": 5, "mai": 5, "mag": 5, "mei": 5,
    "jun": 6, "giu": 6, "jul": 7, "lug": 7, "aug": 8, "ago": 8, "aoû": 8, "aou": 8, "sep": 9,
    "set": 9, "oct": 10, "okt": 10, "ott": 10, "out": 10, "nov": 11, "dec": 12, "dic": 12,
    "dez": 12, "déc": 12,
}  # fmt: skip
_CLOCK = re.compile(r"(\d{1,2})[:h](\d{2})(?::\d{2})?\s*([ap])?\.?m?\b", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def moment(line: str) -> tuple[int, int, int, int] | None:
    """(year or 0, month, day, minute of the day) of a date line, for ordering; else None.

    "Fri, 4 Dec 2026 at 8:03 AM" and "Dec 1, 3:15pm" read; numeric dates other than ISO do
    not (04/12 is April or December depending on the country).
    """
    text = line.strip().lower()
    iso = _ISO.search(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        words = _TOKEN.findall(text)
        found = [
            (i, number)
            for i, word in enumerate(words)
            if word in _MONTH_WORDS
            for number in [_MONTH_STARTS.get(word[:4], _MONTH_STARTS.get(word[:3], 0))]
            if number
        ]
        if not found:
            return None
        at, month = found[0]
        near = [  # the day beside the month: "4 Dec", "Dec 4", "4. Dezember"
            words[j]
            for j in (at - 1, at + 1, at - 2, at + 2)
            if 0 <= j < len(words) and words[j].isdigit() and len(words[j]) <= 2
        ]
        days = [int(w) for w in near if 1 <= int(w) <= 31]
        years = [int(w) for w in words if w.isdigit() and len(w) == 4]
        if not days:
            return None
        day, year = days[0], years[0] if years else 0
    clock = _CLOCK.search(text[iso.end() :] if iso else text)
    minute = 0
    if clock:
        hour = int(clock[1]) % 12 if clock[3] else int(clock[1])
        minute = (hour + (12 if (clock[3] or "").lower() == "p" else 0)) * 60 + int(clock[2])
    return year, month, day, minute
