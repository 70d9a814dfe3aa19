"""Find date mentions in English news text and resolve them to calendar ranges.

The spec is the "Dates" section of docs/extraction.md. Where it is silent or could be read two
ways, this module decides as follows:

- Modifier precedence: by/since/before/after win over early/mid/late in ``modifier``; the narrowing
  still shapes the range ("by late March": modifier ``by``, latest March 31). "until late 2023"
  gives modifier ``late`` (until itself is null, as the page says).
- "the end/beginning/start/middle of X" narrows X like late/early/mid. The span starts at ``end``
  ("end of March"), or at the modifier when there is one ("by the end of March", modifier ``by``,
  latest March 31, so it reads like "by March"). "the year"/"the month" are dates only so narrowed
  ("the end of the year": P's December, late). A modifier keeps the determiner it governs: "before the
  summer", "since the summer".
- Weeks: "this/last/next week" run Monday to Sunday (precision ``week``); "two weeks ago" is skipped.
  "the next/past year" is a stretch from P (precision ``interval``); both have an interval value.
- "Feb. 24 last year", "in May this year": one mention; the month/day takes its year from the
  "last/this/next year" that follows. "Monday, Feb. 6": two mentions; the weekday takes that day.
  "from March to May 2022": two mentions sharing the written year, over the tense rules.
- Tense comes from the nearest cue in the date's clause, else in its sentence (not reaching into a
  "that/which ..." clause to the right). by/for/until/before make a target, applied after the past
  step as the page orders them, so "was pushing for Summer" stays in P's year. Exceptions that keep
  a date past: a past-perfect clause ("By March, Russia had lost ...") and until/before after a
  completed event in the same clause ("occupied Kherson until November"). A passive or progressive
  past ("was extended until Feb. 14") still points at a target. ``since`` always reads as past.
- A weekday in a clause with no tense cue resolves as past (news mostly reports what happened).
- "last <season|month name>" is the latest one wholly before P; "next ..." the first starting after
  P; "this winter" in January/February is the winter around P.
- Bare years follow the page (1900-2099). They are not dates after currency signs, "No.", names
  like "Resolution", quantity qualifiers (about, nearly, more than ...), before "%", scale words,
  units, time zones, or before a plural noun unless a determiner/preposition precedes ("2000 troops"
  is a count, "the 2022 elections" a date). Decades ("1990s") are never dates.
- A season after "a"/"an", used as an adjective before a lower-case noun ("the winter months"),
  capitalised before a capitalised word ("Summer Olympics", "Arab Spring" has no date context), or
  "fall" followed by "of"/"in" ("the fall of Bakhmut") is not a date. A bare month or season needs
  the page's context words (plus for/during/through/between/into), or coordination with a date just
  before it ("between March and May", "as early as April or May").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from etl import edtf
from etl.extract.base import DateMention
from etl.extract.english import (
    CLOSED_CLASS,
    DETERMINERS,
    HOLIDAYS,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    MONTHS,
    QUANTIFIERS,
    SEASONS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Quotations,
    capitalised,
    first_char_first,
    first_letters,
    fold_case,
    is_plural,
    sentences,
)
from etl.extract.numbers import COUNT_WORDS, DAY_ORDINALS, small_count
from etl.extract.tense import AIMED, FUTURE, PAST, PERFECT, PRESENT, Tenses

__all__ = ["find_dates", "year_reading"]

# ---------------------------------------------------------------------------------------------
# Vocabulary

_MONTHS = MONTHS
_MONTH_FULL = frozenset(m.lower() for m in MONTH_NAMES)
_SEASONS = SEASONS
_WEEKDAYS = WEEKDAYS


_SP = r"[^\S\n]+"  # whitespace inside one paragraph (blanked chrome is spaces, lines stay apart)


def _words_alt(names: Iterable[str]) -> str:
    """A regex alternation of words and phrases, longest first (so "Sept" is tried before "Sep"): a phrase's spaces
    stretch over a paragraph's whitespace, its apostrophe is either kind ("New Year's Eve")."""
    ordered = sorted(names, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", _SP).replace("'", "['’]") for w in ordered)


_FULL_MONTH = rf"(?:{'|'.join(MONTH_NAMES)})"
_MONTH_WORD = rf"(?:{_FULL_MONTH}\b|(?:{_words_alt(a.capitalize() for a in MONTH_ABBREVIATIONS)})\b\.?)"
_SEASON_WORD = rf"(?:{_words_alt(SEASONS)})"
_WEEKDAY_WORD = rf"(?:{'|'.join(WEEKDAY_NAMES)})"
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4}
_RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "this morning": 0, "this afternoon": 0}
_RELATIVE_DAYS |= {"this evening": 0, "last night": -1}  # "last night": the evening before the day written
_RELATIVE_DETS = {"this": 0, "last": -1, "next": 1}
_YEAR_SEP = rf"(?:,[^\S\n]*|{_SP})"
_DAY = r"[0-3]?[0-9](?:st|nd|rd|th)?(?![0-9A-Za-z])"
_NUM = _words_alt(COUNT_WORDS)
_ORDINAL_DAY = _words_alt(DAY_ORDINALS)
_HOLIDAY = _words_alt(HOLIDAYS)
_RELATIVE_DAY = _words_alt(_RELATIVE_DAYS)

# One alternative per date form, longest forms first. Every alternative starts with a literal
# (word or digit) and has no nested quantifiers, so matching stays linear in the input.
_CORE = re.compile(
    rf"""
      (?P<iso>(?<![0-9A-Za-z])[12][0-9]{{3}}(?P<iso_s>[-/])[01][0-9](?P=iso_s)[0-3][0-9](?![0-9A-Za-z]))
    | (?P<nd>(?<![0-9.,/])(?P<nd_a>[0-3]?[0-9])(?P<nd_s>[./])(?P<nd_b>[0-3]?[0-9])(?P=nd_s)
        (?P<nd_y>[12][0-9]{{3}}|[0-9]{{2}})(?![0-9]|[.,/][0-9]))
    | (?P<span>\bthe{_SP}(?P<span_det>next|last|past|coming){_SP}(?P<span_u>year|month|week)\b)
    | (?P<qtr>(?:\bQ(?P<q_n>[1-4])|\bthe{_SP}(?P<q_w>first|second|third|fourth|final){_SP}quarter)\b
        (?:(?:{_SP}of|,)?{_SP}(?P<q_y>[12][0-9]{{3}})(?![0-9]))?)
    | (?P<half>(?:\bH(?P<h_n>[12])|\bthe{_SP}(?P<h_w>first|second){_SP}half{_SP}of)
        (?:{_SP}(?P<h_y>[12][0-9]{{3}})(?![0-9])|{_SP}(?P<h_rel>the|this|next|last){_SP}year\b))
    | (?P<same>\bthe{_SP}same{_SP}month\b(?:{_SP}(?:in|of){_SP}(?P<same_y>[12][0-9]{{3}})(?![0-9])
        |{_SP}(?P<same_last>last{_SP}year|a{_SP}year{_SP}(?:earlier|ago|before))\b)?)
    | (?P<dr>\bthe{_SP}(?:day{_SP}(?P<dr_ba>before|after)|(?P<dr_adj>previous|next|following){_SP}day)\b
        |\b(?P<dr_n>[0-9]{{1,2}}|{_NUM}){_SP}days?{_SP}(?P<dr_dir>later|earlier|before|after)\b)
    | (?P<nth>\bthe{_SP}(?P<nth_d>[0-3]?[0-9])(?:st|nd|rd|th)(?!\w|[.,:/-]\w)(?!{_SP}of\b))
    | (?P<prev>\b(?:the{_SP}previous{_SP}year|the{_SP}year{_SP}before|a{_SP}year{_SP}earlier)\b)
    | (?P<the>\bthe{_SP}(?P<the_u>year|month)\b)
    | (?P<ye>\byear-end\b)
    | (?P<ago>\b(?P<ago_n>[0-9]{{1,2}}|{_NUM}){_SP}(?P<ago_u>year|month|week|day|decade)s?{_SP}ago\b)
    | (?P<dm>(?<![\w.,:/])(?P<dm_d>{_DAY})(?:{_SP}of)?{_SP}(?P<dm_m>{_MONTH_WORD})
        (?:{_YEAR_SEP}(?P<dm_y>[12][0-9]{{3}})(?![0-9]))?)
    | (?P<od>(?<![\w.,:/-])(?P<od_d>{_DAY}|(?:{_ORDINAL_DAY})\b){_SP}of{_SP}
        (?:(?P<od_rel>this|last|next){_SP}month\b|(?P<od_m>{_MONTH_WORD})(?:{_YEAR_SEP}(?P<od_y>[12][0-9]{{3}})(?![0-9]))?))
    | (?P<rel>\b(?P<rel_det>this|last|next){_SP}
        (?P<rel_u>year|month|week|{_SEASON_WORD}|{_FULL_MONTH}|{_WEEKDAY_WORD})\b)
    | (?P<md>\b(?P<md_m>{_MONTH_WORD}){_SP}(?P<md_d>{_DAY})(?:{_YEAR_SEP}(?P<md_y>[12][0-9]{{3}})(?![0-9]))?)
    | (?P<my>\b(?P<my_m>{_MONTH_WORD})(?:,?{_SP}|{_SP}of{_SP})(?P<my_y>[12][0-9]{{3}})(?![0-9]))
    | (?P<mon>\b{_MONTH_WORD})
    | (?P<sea>\b(?P<sea_s>{_SEASON_WORD})\b(?:(?:{_SP}of)?{_SP}(?P<sea_y>[12][0-9]{{3}})(?![0-9]))?)
    | (?P<wd>\b{_WEEKDAY_WORD}\b)
    | (?P<wke>\bweekend\b)
    | (?P<rday>\b(?:{_RELATIVE_DAY})\b)
    | (?P<hol>\b(?P<hol_n>{_HOLIDAY})\b(?:{_YEAR_SEP}(?P<hol_y>[12][0-9]{{3}})(?![0-9]))?)
    | (?P<ys>(?<![0-9A-Za-z.,/-])(?P<ys_a>[12][0-9]{{3}})[-–/](?P<ys_b>[0-9]{{2}})(?![0-9A-Za-z]|[-–/.:][0-9]))
    | (?P<year>(?<![0-9])[12][0-9]{{3}}(?![0-9]))
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Where a date form can start: a word beginning with a digit or with the first letters of a month,
# season, weekday, today/yesterday/tomorrow, this/last/next or a number word. Cheap to scan for; the
# full pattern is only tried at these places.
_STARTS = [
    *HOLIDAYS,
    *MONTHS,
    *SEASONS,
    *WEEKDAYS,
    *_RELATIVE_DAYS,
    *_RELATIVE_DETS,
    *COUNT_WORDS,
    *(w.split()[0] for w in DAY_ORDINALS),
    "weekend",
]
# Run on fold_case(text), so case-sensitive and opening with literals: a fast scan (first_char_first).
_ANCHOR = re.compile(
    first_char_first(
        [
            *(rf"\b(?<![.,:/$€£¥₴#]){d}" for d in "0123456789"),
            *(rf"\b{w}" if len(w) >= 3 else rf"\b{w}\b" for w in first_letters(_STARTS)),
            r"\bthe(?=[^\S\n]+(?:year|month|next|last|past|coming|first|second|third|fourth|final|same|previous|day"
            r"|following|[0-3]?[0-9](?:st|nd|rd|th))\b)",
            r"\byear-end",
            r"\bq[1-4]\b",
            r"\bh[12]\b",
        ]
    )
)
_EDGE_OF = re.compile(r"\b(?:end|close|beginning|start)[^\S\n]+of\b", re.IGNORECASE)
_TRAILING_YEAR = re.compile(rf"{_YEAR_SEP}(?:of{_SP})?(this|last|next){_SP}year\b", re.IGNORECASE)
_TRAILING_WEEK = re.compile(rf"{_SP}(?:of{_SP})?(this|last|next){_SP}week\b", re.IGNORECASE)
_COORDINATION = re.compile(r"[^\S\n]*(?:and|or|to|through|till|until|-|–|—)[^\S\n]*", re.IGNORECASE)
# The two ends of a span of years or of counts: "between 2019 and 2021", "from 2000 to 3000 troops".
_SPAN_JOIN = r"[^\S\n]*(?:and|to|through|until|-|–)[^\S\n]*"
_YEAR_SPAN_BEFORE = re.compile(rf"\b(?:between|from)[^\S\n]+(?P<y>[12][0-9]{{3}}){_SPAN_JOIN}\Z", re.IGNORECASE)
_SPAN_END_AFTER = re.compile(rf"{_SPAN_JOIN}(?P<n>[0-9][0-9,.]*[0-9]|[0-9])\b")
_NO_BEFORE = re.compile(r"(?:\bNo|\bNos|#)\.?[^\S\n]*$", re.IGNORECASE)

# Words before a bare capitalised month that make it a date (the page's list, plus a few
# prepositions that work the same way).
_MONTH_CUES = frozenset(
    "in on by since until till to from before after of late early mid last this next"
    " for during through throughout between into".split()
)
_SEASON_CUES = frozenset(
    "in by since until till from before after during through throughout over for into"
    " this last next early late mid".split()
)
_NARROW = frozenset({"early", "mid", "late"})
_NARROW_PHRASE = {"end": "late", "close": "late", "beginning": "early", "start": "early", "middle": "mid"}
_MODIFIERS = frozenset({"by", "since", "before", "after"})
_TARGET_PREPS = frozenset({"by", "for", "until", "till", "before"})
_DETERMINERS = DETERMINERS | QUANTIFIERS
# Lower-case words that may follow a season used as a date; any other lower-case word makes it
# an adjective ("the winter months", "the spring offensive").
_AFTER_SEASON_OK = CLOSED_CLASS
_WEEKDAY_NAMES = frozenset("black good bloody super ash holy cyber palm easter maundy shrove giving".split())
_YEAR_NAMES = frozenset(
    "no number resolution article section flight route room highway euro expo vision agenda horizon"
    " code model type version".split()
)
_QUALIFIERS = frozenset(
    "about around roughly approximately nearly almost some estimated than least most upwards excess".split()
)
_SCALE_UNITS = frozenset(
    "million billion trillion thousand hundred bn mln m k percent per km kg mw gw kw mph sq".split()
)
_TIME_ZONES = frozenset("GMT UTC CET CEST EET EEST MSK EST EDT BST PST PDT".split())
# Words before a year that make a following plural noun its head ("in 2022 elections were held").
_YEAR_PREPS = frozenset("in since during until till before after".split())
_DATE_DETERMINERS = frozenset({"the", "a", "an"})

# ---------------------------------------------------------------------------------------------
# Core parsing


class _Core(NamedTuple):
    """A date form before context: kind is day | month | season | year | weekday."""

    kind: str
    start: int
    end: int
    year: int | None = None
    month: int = 0
    day: int = 0
    season: int = 0
    weekday: int = -1
    det: str | None = None  # last/next on a weekday
    weekend: bool = False  # a weekday that is Saturday and the Sunday after it
    bare: bool = False  # a lone month or season that needs date context
    narrow: str | None = None  # a narrowing the form itself says ("year-end")
    last: dt.date | None = None  # the last day of a week or span (kind week | interval; month/day hold the first)


def _month_number(word: str) -> int | None:
    """Month number of a written month, None unless capitalised (lower-case may/march are verbs)."""
    word = word.rstrip(".")
    if not word[:1].isupper() or not (word[1:].islower() or word[1:].isupper()):
        return None
    return _MONTHS.get(word.lower())


def _valid_day(month: int, day: int, year: int | None) -> bool:
    return 1 <= day <= calendar.monthrange(year if year else 2024, month)[1]


def _parse_core(m: re.Match[str], published: dt.date, day_first: bool = True) -> _Core | None:
    """Turn one regex match into a _Core, resolving this/last/next/ago/today that need no tense."""
    if not m.group().isascii() and any(ord(c) > 127 and c.isalpha() for c in m.group()):
        return None  # case-insensitive matching lets "ſ", "K", "İ" stand for s, k, i: not English dates
    kind = m.lastgroup
    s, e = m.span()
    g = m.group
    if kind == "iso":
        y, mo, d = (int(x) for x in g("iso").split(g("iso_s")))
        ok = 1 <= mo <= 12 and _valid_day(mo, d, y)
        return _Core("day", s, e, y, mo, d) if ok else None
    if kind == "nd":
        return _numeric(s, e, int(g("nd_a")), int(g("nd_b")), g("nd_y"), day_first)
    if kind == "qtr":
        n = int(g("q_n")) if g("q_n") else _QUARTERS[g("q_w").lower()]
        y = int(g("q_y")) if g("q_y") else published.year
        last = dt.date(y, 3 * n, calendar.monthrange(y, 3 * n)[1])
        return _Core("interval", s, e, y, 3 * n - 2, 1, last=last)
    if kind == "half":  # "the first half of 2023", "H2 2022", "the second half of next year"
        n = int(g("h_n")) if g("h_n") else 1 + (g("h_w").lower() == "second")
        y = int(g("h_y")) if g("h_y") else published.year + _RELATIVE_DETS.get(g("h_rel").lower(), 0)
        return _Core("interval", s, e, y, 6 * n - 5, 1, last=dt.date(y, 6 * n, 30 if n == 1 else 31))
    if kind == "span":
        return _span(s, e, g("span_det").lower(), g("span_u").lower(), published)
    if kind == "the":  # "the end of the year": only with a narrowing (see _accept)
        unit = g("the_u").lower()
        return _Core(unit, s, e, published.year, published.month if unit == "month" else 0, bare=True)
    if kind == "ye":  # "year-end": the end of the publication year
        return _Core("year", s, e, published.year, narrow="late")
    if kind in ("dm", "md"):
        mo = _month_number(g(kind + "_m"))
        d = int(g(kind + "_d").rstrip("stndrh"))
        y = int(g(kind + "_y")) if g(kind + "_y") else None
        return _Core("day", s, e, y, mo, d) if mo and _valid_day(mo, d, y) else None
    if kind == "od":  # "the 19th of this month", "the twenty-first of January"
        raw = " ".join(g("od_d").lower().split())
        if raw in DAY_ORDINALS and (_prev_word(m.string, s, max(0, s - 8)) or (0, ""))[1].lower() != "the":
            return None  # a word ordinal is a day after "the" only: "came second of March" is a rank
        d = DAY_ORDINALS[raw] if raw in DAY_ORDINALS else int(raw.rstrip("stndrh"))
        if g("od_rel"):
            month = _shift_month(published, _RELATIVE_DETS[g("od_rel").lower()])
            return _Core("day", s, e, month.year, month.month, d) if _valid_day(month.month, d, month.year) else None
        mo = _month_number(g("od_m"))
        y = int(g("od_y")) if g("od_y") else None
        return _Core("day", s, e, y, mo, d) if mo and _valid_day(mo, d, y) else None
    if kind == "my":
        mo = _month_number(g("my_m"))
        return _Core("month", s, e, int(g("my_y")), mo) if mo else None
    if kind == "mon":
        mo = _month_number(g("mon"))
        if not mo or (not g("mon").endswith(".") and g("mon").lower() not in _MONTH_FULL):
            return None  # "Jan Lipavsky": an undotted abbreviation needs a day or year
        return _Core("month", s, e, None, mo, bare=True)
    if kind == "sea":
        y = int(g("sea_y")) if g("sea_y") else None
        return _Core("season", s, e, y, season=_SEASONS[g("sea_s").lower()], bare=y is None)
    if kind == "wd":
        return _Core("weekday", s, e, weekday=_WEEKDAYS[g("wd").lower()]) if capitalised(g("wd")) else None
    if kind == "wke":  # "the weekend", "this/last/next weekend": Saturday and Sunday, resolved like a weekday
        before = _prev_word(m.string, s, max(0, s - 8))
        det = before[1].lower() if before else ""
        if det not in ("the", "this", "last", "next"):
            return None  # "a weekend of talks", "weekend shifts"
        start = s if det == "the" else before[0]
        return _Core("weekday", start, e, weekday=5, det=det if det in ("last", "next") else None, weekend=True)
    if kind == "rday":
        offset = _RELATIVE_DAYS[" ".join(g("rday").lower().split())]
        day = published + dt.timedelta(days=offset)
        return _Core("day", s, e, day.year, day.month, day.day)
    if kind == "year":
        return _Core("year", s, e, int(g("year")))
    if kind == "hol":  # "Christmas Day", "New Year's Eve 2022"; capitalised, as names are
        name = " ".join(g("hol_n").lower().replace("’", "'").split())
        if not all(w[:1].isupper() for w in g("hol_n").split() if w.lower() not in ("day", "eve")):
            return None
        month, day = HOLIDAYS[name]
        year = int(g("hol_y")) if g("hol_y") else None
        return _Core("day", s, e, year, month, day, bare=" " not in name and year is None)
    if kind == "ys":  # "2008-09", "the 2023/24 season": a span of years, one interval; "2023-02" stays a year
        first, last = int(g("ys_a")), int(g("ys_a")) // 100 * 100 + int(g("ys_b"))
        if last <= first:
            return _Core("year", s, s + 4, first)
        return _Core("interval", s, e, first, 1, 1, last=dt.date(last, 12, 31))
    if kind == "ago":
        return _ago(s, e, g("ago_n").lower(), g("ago_u").lower(), published)
    if kind == "rel":
        return _relative(s, e, g("rel_det").lower(), g("rel_u"), published)
    return None


def _shift_month(p: dt.date, step: int) -> dt.date:
    """The first day of the month ``step`` months from P's."""
    index = p.year * 12 + p.month - 1 + step
    return dt.date(index // 12, index % 12 + 1, 1)


def _numeric(s: int, e: int, a: int, b: int, year: str, day_first: bool) -> _Core | None:
    """03.02.2023, 3/2/2023, 25.01.23: day first unless the source writes month first (US); a part over
    12 settles it either way."""
    if len(year) == 2 and (a < 10 or b < 10) and e - s != 8:
        return None  # "1.2.33" is a version; a two-digit year needs "25.01.23"
    y = int(year) + (2000 if len(year) == 2 else 0)
    day, month = (a, b) if day_first else (b, a)
    if month > 12 and day <= 12:
        day, month = month, day
    if not 1 <= month <= 12 or not _valid_day(month, day, y):
        return None
    return _Core("day", s, e, y, month, day)


def _span(s: int, e: int, det: str, unit: str, p: dt.date) -> _Core:
    """ "the next year" (P to a year after P), "the past month" (a month before P to P): a stretch of time
    from the publication day, not a calendar unit."""
    step = 1 if det in ("next", "coming") else -1
    if unit == "week":
        other = p + dt.timedelta(days=7 * step)
    else:
        months = p.year * 12 + p.month - 1 + step * (12 if unit == "year" else 1)
        y, mo = divmod(months, 12)
        other = dt.date(y, mo + 1, min(p.day, calendar.monthrange(y, mo + 1)[1]))
    lo, hi = (p, other) if step > 0 else (other, p)
    return _Core("interval", s, e, lo.year, lo.month, lo.day, last=hi)


def _ago(s: int, e: int, num: str, unit: str, p: dt.date) -> _Core | None:
    """Resolve "two years ago" to a year, "three months ago" -> a month, "two weeks ago" -> that week (Monday to
    Sunday, as "last week"), "five days ago" -> a day, "a decade ago" -> the year ten years back."""
    n = small_count(num)
    if not n:
        return None
    if unit in ("year", "decade"):
        return _Core("year", s, e, p.year - n * (10 if unit == "decade" else 1))
    if unit == "month":
        y, mo = divmod(p.year * 12 + p.month - 1 - n, 12)
        return _Core("month", s, e, y, mo + 1)
    if unit == "week":
        return _relative(s, e, "this", "week", p - dt.timedelta(weeks=n))
    day = p - dt.timedelta(days=n)
    return _Core("day", s, e, day.year, day.month, day.day)


def _relative(s: int, e: int, det: str, unit: str, p: dt.date) -> _Core | None:
    """this/last/next + year, month, season, month name or weekday."""
    step = _RELATIVE_DETS[det]
    low = unit.lower()
    if low == "year":
        return _Core("year", s, e, p.year + step)
    if low == "month":
        y, mo = divmod(p.year * 12 + p.month - 1 + step, 12)
        return _Core("month", s, e, y, mo + 1)
    if low == "week":  # weeks run Monday to Sunday
        monday = p - dt.timedelta(days=p.weekday()) + dt.timedelta(days=7 * step)
        return _Core("week", s, e, monday.year, monday.month, monday.day, last=monday + dt.timedelta(days=6))
    if low in _SEASONS:
        return _Core("season", s, e, _relative_season_year(_SEASONS[low], step, p), season=_SEASONS[low])
    if not capitalised(unit):
        return None
    if low in _WEEKDAYS:
        return _Core("weekday", s, e, weekday=_WEEKDAYS[low], det=None if step == 0 else det)
    mo = _MONTHS[low]
    y = p.year
    if step < 0 and mo >= p.month:
        y -= 1
    elif step > 0 and mo <= p.month:
        y += 1
    return _Core("month", s, e, y, mo)


def _relative_season_year(season: int, step: int, p: dt.date) -> int:
    """Year of "this/last/next <season>": this one holds P (winter of the year before in Jan/Feb),
    last is the latest wholly before P, next the first starting after P."""
    if step == 0:
        return p.year - 1 if season == 24 and p.month <= 2 else p.year
    y = p.year
    core = _Core("season", 0, 0, season=season)
    if step < 0:
        while _range(core, y, None)[1] >= p:
            y -= 1
    else:
        y -= 1
        while _range(core, y, None)[0] <= p:
            y += 1
    return y


# ---------------------------------------------------------------------------------------------
# Calendar arithmetic (etl.edtf owns what an EDTF value and a modifier mean)


@lru_cache(maxsize=4096)  # a handful of values recur in every article; dates are immutable
def _closed(value: str, narrow: str | None) -> tuple[dt.date, dt.date]:
    """First and last day of an EDTF value narrowed by early/mid/late (ValueError if not a real date)."""
    if "/" in value:  # a week or a stretch: two days
        first, last = value.split("/")
        return dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    lo, hi = edtf.bounds(value, narrow)
    if lo is None or hi is None:  # narrowing never opens a range
        raise ValueError(value)
    return lo, hi


def _range(core: _Core, y: int, narrow: str | None) -> tuple[dt.date, dt.date]:
    """Earliest and latest day of ``core`` in year ``y``, narrowed by early/mid/late."""
    return _closed(_value(core, y), narrow)


def _value(core: _Core, y: int) -> str:
    """EDTF value: day, month, season (21-24) or year."""
    if core.kind == "day":
        return f"{y:04d}-{core.month:02d}-{core.day:02d}"
    if core.kind == "month":
        return f"{y:04d}-{core.month:02d}"
    if core.kind == "season":
        return f"{y:04d}-{core.season}"
    if core.kind in ("week", "interval") and core.last is not None:
        return f"{y:04d}-{core.month:02d}-{core.day:02d}/{core.last.isoformat()}"
    return f"{y:04d}"


class _Tense(NamedTuple):
    """Signals for a date without a year; a past clause can hold a target ("was pushing for Summer")."""

    past: bool = False
    future: bool = False
    present: bool = False  # "the festival runs from Friday", "the vote is on Sunday": a weekday ahead


def _resolve_year(core: _Core, narrow: str | None, tense: _Tense, p: dt.date) -> int:
    """The page's missing-year rule, its two steps in order: P's year; back one if the clause is past
    and the date after P; then on one if future/target and before P's month (months, seasons) or
    P's day (days). So "was pushing for Summer" ends in P's year and "lasted until the end of winter"
    in the winter around P."""
    y = p.year
    if tense.past and _range(core, y, narrow)[0] > p:
        y -= 1
    if tense.future and _range(core, y, narrow)[1] < (p if core.kind == "day" else p.replace(day=1)):
        y += 1
    return y


def _resolve_weekday(weekday: int, det: str | None, tense: _Tense, p: dt.date) -> dt.date:
    """Nearest such day before P (past or no cue) or after P (future), P itself on its own weekday."""
    if det == "next" or (det is None and (tense.future or tense.present)):
        ahead = (weekday - p.weekday()) % 7
        return p + dt.timedelta(days=ahead or (7 if det else 0))
    back = (p.weekday() - weekday) % 7
    return p - dt.timedelta(days=back or (7 if det else 0))


# ---------------------------------------------------------------------------------------------
# Words around a span (bounded scans: never past a newline, the previous mention or the window)

_WINDOW = 300


def _prev_word(text: str, pos: int, floor: int) -> tuple[int, str] | None:
    """The letters-only word ending at ``pos`` after skipping spaces; None at punctuation."""
    i = pos
    while i > floor and text[i - 1] != "\n" and text[i - 1].isspace():
        i -= 1
    j = i
    while j > floor and text[j - 1].isalpha():
        j -= 1
    if j == i or (j > 0 and text[j - 1].isalnum()):
        return None
    return j, text[j:i]


def _next_word(text: str, pos: int) -> tuple[int, str]:
    """End and text of the token after ``pos``: letters, or one other character ('' at a newline)."""
    limit = min(len(text), pos + _WINDOW)
    i = pos
    while i < limit and text[i] != "\n" and text[i].isspace():
        i += 1
    j = i
    while j < limit and text[j].isalpha():
        j += 1
    if j == i:
        j = min(i + 1, limit)
    return j, text[i:j].strip()


class _Left(NamedTuple):
    """What stands before a core: where the span starts and the words that matter."""

    start: int
    narrow: str | None = None
    modifier: str | None = None
    prep: str | None = None  # the (lower-case) word before the date, modifier or not
    article: bool = False  # "a"/"an" right before
    bare_the: bool = False  # "the" with no preposition before it


def _narrowing(text: str, core: _Core, floor: int) -> tuple[str | None, int, int]:
    """early/mid/late or "the end of" before a month, season or year: the narrowing, where the span
    starts, and where to look for a preposition ("by the end of March" keeps "the" inside the span)."""
    s = core.start
    if core.narrow:
        return core.narrow, s, s
    if core.kind not in ("month", "season", "year"):
        return None, s, s
    the = _prev_word(text, s, floor) if core.kind == "season" else None
    if the and the[1].lower() == "the":  # "at the beginning of the winter"
        of = _prev_word(text, the[0], floor)
        if of and of[1].lower() == "of" and (_prev_word(text, of[0], floor) or (0, ""))[1].lower() in _NARROW_PHRASE:
            s = the[0]
    if s - 4 >= floor and text[s - 4 : s].lower() == "mid-" and not (s > 4 and text[s - 5].isalpha()):
        return "mid", s - 4, s - 4
    w = _prev_word(text, s, floor)
    if w and w[1].lower() in _NARROW and not _after_as(text, w[0], floor):
        return w[1].lower(), w[0], w[0]
    if w and w[1].lower() == "of":
        w2 = _prev_word(text, w[0], floor)
        if w2 and w2[1].lower() in _NARROW_PHRASE:
            w3 = _prev_word(text, w2[0], floor)
            return _NARROW_PHRASE[w2[1].lower()], w2[0], w3[0] if w3 and w3[1].lower() == "the" else w2[0]
    return None, s, s


def _left(text: str, core: _Core, floor: int) -> _Left:
    """Read the narrowing and the preposition or modifier before ``core``."""
    narrow, start, look = _narrowing(text, core, floor)
    w = _prev_word(text, look, floor)
    if core.kind == "season" and not narrow and w and w[1].lower() == "the":
        w = _prev_word(text, w[0], floor)  # "in the spring", "since the summer"
        if not w or w[1].lower() not in _SEASON_CUES:
            return _Left(start, bare_the=True)
    if not w:
        return _Left(start, narrow)
    word = w[1].lower()
    if word in _MODIFIERS:
        return _Left(w[0], narrow, word, word)
    if word == "as" and _after_as(text, w[0], floor, ("early", "late", "soon")):
        word = "early"  # "as early as April": date context, no narrowing
    if word == "for" and _noun_before(text, w[0], floor):
        word = "of"  # "the deficit for January", "figures for March": the period a figure is for, no target
    return _Left(start, narrow, None, word, article=word in ("a", "an"))


def _noun_before(text: str, pos: int, floor: int) -> bool:
    """A noun phrase ends at ``pos``: a determiner or possessive, then one or two words ("the budget deficit")."""
    w = _prev_word(text, pos, floor)
    for _ in range(2):
        if not w or not w[1].islower() or w[1] in CLOSED_CLASS or w[1].endswith(("ed", "ing")):
            return False
        before = _prev_word(text, w[0], floor)
        if before and (before[1].lower() in _DETERMINERS or text[max(0, w[0] - 3) : w[0]].rstrip().endswith("'s")):
            return True
        w = before
    return False


def _after_as(text: str, pos: int, floor: int, words: tuple[str, ...] = ("as", "too", "so")) -> bool:
    """True when one of ``words`` ends at ``pos``: "as early as March", "too late" do not narrow."""
    w = _prev_word(text, pos, floor)
    return bool(w and w[1].lower() in words)


# ---------------------------------------------------------------------------------------------
# Context checks: is this form a date here?


def _is_plural_noun(word: str) -> bool:
    """A lower-case plural noun (the one plural test, on a word as written)."""
    return word.isalpha() and word.islower() and is_plural(word)


def year_reading(text: str, start: int, end: int) -> str | None:
    """The one year-or-count decision for the four digits text[start:end], shared by the date and the
    figure extractors so that a number is never dropped by both: "year" (a date), "count" (a figure:
    "2000 troops", "about 2000"), "name" ("Resolution 2022", "No. 2000"), "time" ("1930 GMT") or None
    when the digits are no bare 1900-2099 (glued to signs or letters: the figure rules decide)."""
    core = _Core("year", start, end, int(text[start:end]))
    floor = max(0, start - _WINDOW)
    return _year_kind(text, core, _left(text, core, floor), floor)


def _year_ok(text: str, core: _Core, left: _Left, floor: int) -> bool:
    """A bare four-digit year is a date unless it is a count, an amount, a time or part of a name."""
    return _year_kind(text, core, left, floor) == "year"


def _year_kind(text: str, core: _Core, left: _Left, floor: int) -> str | None:
    s, e = core.start, core.end
    if not 1900 <= (core.year or 0) <= 2099:
        return None
    if left.narrow != "mid" and not _year_edges_ok(text, s, e):
        return None
    if _NO_BEFORE.search(text, max(floor, s - 8), s):
        return "name"
    prev = _prev_word(text, s, floor)
    prev_word = prev[1].lower() if prev else ""
    if prev_word in _YEAR_NAMES:
        return "name"
    if prev_word in _QUALIFIERS or (prev_word == "over" and not left.narrow):
        return "count"
    if prev and prev_word == "to" and (_prev_word(text, prev[0], floor) or (0, ""))[1].lower() in ("up", "close"):
        return "count"
    span = _YEAR_SPAN_BEFORE.search(text, max(0, s - 32), s)  # past ``floor``: the span's start is a mention
    if span and int(span["y"]) < core.year <= int(span["y"]) + 100:
        return "year"  # "between 2019 and 2021 prices doubled": the span's end is a year as its start is
    if prev_word in ("between", "from") and (after := _SPAN_END_AFTER.match(text, e)):
        later = after["n"]
        if not (len(later) == 4 and later.isdigit() and core.year < int(later) <= min(core.year + 100, 2099)):
            return "count"  # "between 2000 and 3000 troops": a range of counts
    end, nxt = _next_word(text, e)
    if nxt in _TIME_ZONES or (nxt.lower() == "local" and _next_word(text, end)[1].lower() == "time"):
        return "time"  # "1930 GMT", "at 1930 local time"
    if nxt.lower() in _SCALE_UNITS or nxt.lower() in ("hours", "hrs", "h"):
        return "count"
    protected = (
        left.modifier
        or left.narrow
        or left.prep in _YEAR_PREPS
        or left.prep in _DETERMINERS
        or text[max(0, s - 3) : s].rstrip().endswith(("'s", "’s"))
    )
    return "year" if protected or not _counts(text, end, nxt) else "count"


def _year_edges_ok(text: str, s: int, e: int) -> bool:
    """Not glued to other digits, signs or letters ("$2000", "F-2000", "2000%", "1990s", "2000-strong")."""
    before = text[s - 1] if s else " "
    if before in "-–":
        return s >= 5 and text[s - 5 : s - 1].isdigit()  # "2014-2022" is fine
    if before.isalnum() or before in "$€£¥₴#/.,:_'’":
        return False
    after = text[e : e + 2]
    if after[:1].isalnum() or after[:1] == "%":
        return False
    if after[:1] in ".,:/" and after[1:2].isdigit():
        return False
    return not (after[:1] in "-–" and after[1:2].isalpha())


def _counts(text: str, end: int, nxt: str) -> bool:
    """A plural noun (maybe after one adjective) follows: "2000 troops", "2000 new recruits"."""
    if _is_plural_noun(nxt):
        return _next_word(text, end)[1].lower() not in _DETERMINERS  # "2022 marks the ..." is a verb
    if nxt.isalpha() and nxt.islower() and nxt not in _AFTER_SEASON_OK:
        return _is_plural_noun(_next_word(text, end)[1])
    return False


def _season_ok(text: str, core: _Core, left: _Left, coordinated: bool) -> bool:
    word = text[core.start : core.start + 6].rstrip()
    if left.article:
        return False
    if core.year is None:
        if left.bare_the:
            return False
        if not (left.narrow or left.modifier or left.prep in _SEASON_CUES or coordinated):
            return False
        nxt = _next_word(text, core.end)[1]
        if nxt.isalpha() and nxt.islower() and nxt not in _AFTER_SEASON_OK and not nxt.endswith(("ly", "ed")):
            return False  # "the winter months": an adjective
        if word[:1].isupper() and nxt[:1].isupper():
            return False  # "Summer Olympics"
        if word.lower().startswith("fall") and nxt.lower() in ("of", "in"):
            return False  # "the fall of Bakhmut"
    return True


def _month_ok(core: _Core, left: _Left, coordinated: bool) -> bool:
    return not core.bare or bool(left.narrow or left.modifier or left.prep in _MONTH_CUES or coordinated)


def _weekday_ok(text: str, core: _Core, floor: int) -> bool:
    prev = _prev_word(text, core.start, floor)
    return not (prev and prev[1].lower() in _WEEKDAY_NAMES and prev[1][:1].isupper())  # "Good Friday"


def _relative_ok(text: str, core: _Core, floor: int) -> bool:
    """Reject "the last year", "the next month" (durations) and "Russia Today" (a name)."""
    prev = _prev_word(text, core.start, floor)
    if not prev:
        return True
    word = text[core.start : core.end]
    if word.lower() in ("today", "tomorrow", "yesterday"):
        return not (word[:1].isupper() and prev[1][:1].isupper() and prev[1].lower() not in _MONTH_CUES)
    return prev[1].lower() not in _DATE_DETERMINERS


# ---------------------------------------------------------------------------------------------
# Putting it together


def _tense_for(core: _Core, left: _Left, tenses: Tenses) -> _Tense:
    """Tense signals for a date with no year. "since" is past. by/for/until/before make a target,
    except in a past-perfect clause ("By March, Russia had lost ...") and for until/before after a
    completed past event in the same clause ("occupied Kherson until November"). "by" and "for" stay
    targets after an -ed form, which is as often a participle ("wants the jets delivered by summer").
    A past that points ahead ("was pushing for Summer") is both past and target: the page's two
    steps cancel out."""
    if left.modifier == "since":
        return _Tense(past=True)
    cue, governs = tenses(core.start, core.end)
    target = left.prep in _TARGET_PREPS
    ended = cue == PAST and governs and left.prep in ("until", "till", "before")
    if cue == PERFECT or ended:
        return _Tense(past=True)
    return _Tense(past=cue in (PAST, AIMED), future=cue == FUTURE or target, present=cue == PRESENT)


def _trailing_year(text: str, core: _Core, p: dt.date) -> tuple[int, int] | None:
    """The year of "Feb. 24 last year", taken from the relative year that follows, and where that ends."""
    m = _TRAILING_YEAR.match(text, core.end)
    return (p.year + _RELATIVE_DETS[m.group(1).lower()], m.end()) if m else None


def _resolved(text: str, core: _Core, left: _Left, p: dt.date, tenses: Tenses) -> _Core:
    """``core`` with its year filled in, a weekday turned into a day."""
    if core.kind == "weekday":
        day = _resolve_weekday(core.weekday, core.det, _tense_for(core, left, tenses), p)
        week = None if core.weekend or core.det else _TRAILING_WEEK.match(text, core.end)
        if week:  # "Tuesday last week": that week's Tuesday, one mention
            monday = p - dt.timedelta(days=p.weekday() - 7 * _RELATIVE_DETS[week.group(1).lower()])
            day = monday + dt.timedelta(days=core.weekday)
            return core._replace(kind="day", year=day.year, month=day.month, day=day.day, end=week.end())
        if core.weekend:
            return core._replace(kind="week", year=day.year, month=day.month, day=day.day, last=day + dt.timedelta(1))
        return core._replace(kind="day", year=day.year, month=day.month, day=day.day)
    if core.year is None:
        trailing = _trailing_year(text, core, p)
        if trailing is not None:  # one mention: "February last year"
            return core._replace(year=trailing[0], end=trailing[1])
        return core._replace(year=_resolve_year(core, left.narrow, _tense_for(core, left, tenses), p))
    return core


def _accept(text: str, core: _Core, left: _Left, floor: int, coordinated: bool) -> bool:
    if core.bare and core.kind in ("year", "month") and core.year is not None:
        return left.narrow is not None  # "the year" is a date only as "the end of the year"
    if core.bare and core.kind == "day":  # "by Christmas", "over Christmas"; not "a Christmas truce"
        cue = left.narrow or left.modifier or left.prep in _SEASON_CUES or left.prep in ("on", "at") or coordinated
        return bool(cue) and not _modifies(text, core.end)
    if core.kind == "season":
        return _season_ok(text, core, left, coordinated)
    if core.kind == "month":
        return _month_ok(core, left, coordinated)
    if core.kind == "weekday":
        return _weekday_ok(text, core, floor)
    if core.kind == "year" and core.end - core.start == 4 and text[core.start : core.end].isdigit():
        return _year_ok(text, core, left, floor)
    return True


_WORD_AFTER = re.compile(r"[^\S\n]+([a-z]+)\b")


def _modifies(text: str, end: int) -> bool:
    """A content word follows: the name is a modifier ("Christmas truce", "Christmas markets")."""
    m = _WORD_AFTER.match(text, end)
    return m is not None and m.group(1) not in CLOSED_CLASS


def _is_relative(text: str, core: _Core) -> bool:
    return _is_relative_surface(text[core.start : core.end])


def _mention(
    text: str, m: re.Match[str], p: dt.date, prev_end: int | None, tenses: Tenses, day_first: bool = True
) -> DateMention | None:
    """The mention for one core match, or None when the context says it is not a date."""
    core = _parse_core(m, p, day_first)
    if core is None:
        return None
    floor = max(prev_end or 0, core.start - _WINDOW)
    if _is_relative(text, core) and not _relative_ok(text, core, floor):
        return None
    left = _left(text, core, floor)
    coordinated = prev_end is not None and _COORDINATION.fullmatch(text, prev_end, left.start) is not None
    if not _accept(text, core, left, floor, coordinated):
        return None
    if (
        core.kind == "year"
        and left.narrow in ("early", "late")
        and (core.narrow or _EDGE_OF.search(text, left.start, core.start))
    ):
        core = core._replace(kind="month", month=12 if left.narrow == "late" else 1)  # "the end of the year": December
    try:
        core = _resolved(text, core, left, p, tenses)
        value = _value(core, core.year if core.year is not None else p.year)
        earliest, latest = _bounds(value, left)
    except ValueError:  # Feb. 29 resolved to a common year
        return None
    return DateMention(
        start=left.start,
        end=core.end,
        surface=text[left.start : core.end],
        value=value,
        earliest=earliest.isoformat() if earliest else None,
        latest=latest.isoformat() if latest else None,
        precision=core.kind,
        modifier=left.modifier or left.narrow,
    )


def _bounds(value: str, left: _Left) -> tuple[dt.date | None, dt.date | None]:
    """Earliest/latest of ``value``, narrowed by early/mid/late, then opened by by/since/before/after."""
    lo, hi = _closed(value, left.narrow)
    if left.modifier == "by":
        return None, hi
    if left.modifier == "since":
        return lo, None
    if left.modifier == "before":
        return None, lo - dt.timedelta(days=1)
    if left.modifier == "after":
        return hi + dt.timedelta(days=1), None
    return lo, hi


def _anchored(text: str, m: re.Match[str], mentions: list[DateMention], p: dt.date) -> DateMention | None:
    """Dates anchored on a date the text names before them, in the same paragraph: "the same month in
    2022" (the month last named, in that year), "the previous year" / "a year earlier" (the year before
    the year last named, else before P's)."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    before = [d for d in mentions if d.start >= line_start and d.precision in ("day", "month", "year")]
    if m.lastgroup == "dr":
        return _days_from(text, m, [d for d in before if d.precision == "day" and d.modifier is None])
    if m.lastgroup == "nth":
        return _nth_of_named(text, m, [d for d in before if d.precision in ("day", "month")])
    if m.lastgroup == "same":
        named = next((d.value for d in reversed(before) if d.precision in ("day", "month")), None)
        if named is None:
            return None
        year = int(m.group("same_y")) if m.group("same_y") else int(named[:4]) - 1
        value = f"{year:04d}-{named[5:7]}"
        precision = "month"
    else:
        year = int(before[-1].value[:4]) - 1 if before else p.year - 1
        value, precision = f"{year:04d}", "year"
    lo, hi = _closed(value, None)
    s, e = m.span()
    return DateMention(s, e, text[s:e], value, lo.isoformat(), hi.isoformat(), precision, None)


def _nth_of_named(text: str, m: re.Match[str], named: list[DateMention]) -> DateMention | None:
    """ "Talks opened on Feb. 3 and ended on the 5th": after "on", a day of the month the paragraph last named,
    later than the day it named; not "on the 24th anniversary" or "the 5th Brigade" (a noun follows)."""
    prev = _prev_word(text, m.start(), max(0, m.start() - 12))
    nxt = _next_word(text, m.end())[1]
    if not named or prev is None or prev[1].lower() != "on" or (nxt[:1].isalpha() and nxt.lower() not in CLOSED_CLASS):
        return None
    last = named[-1]
    year, month, day = int(last.value[:4]), int(last.value[5:7]), int(m.group("nth_d"))
    if not _valid_day(month, day, year) or (last.precision == "day" and day <= int(last.value[8:10])):
        return None
    return _day(text, m.start("nth_d"), m.end(), f"{year:04d}-{month:02d}-{day:02d}")  # "5th", as "19th of March"


# "the day before the vote", "two days after the attack": the day counts from an event, not from a date.
_DAY_OBJECT = re.compile(rf"{_SP}(?:(?:the|a|an|his|her|its|their|this|that)\b|[A-Z0-9])")


def _days_from(text: str, m: re.Match[str], days: list[DateMention]) -> DateMention | None:
    """ "the day before", "the next day", "two days later": days from the day the paragraph last named."""
    if not days or _DAY_OBJECT.match(text, m.end()):
        return None
    if m.group("dr_n"):
        n = small_count(m.group("dr_n"))
        step = -1 if m.group("dr_dir").lower() in ("earlier", "before") else 1
    else:
        n = 1
        step = -1 if (m.group("dr_ba") or m.group("dr_adj")).lower() in ("before", "previous") else 1
    if n is None or n > 31:
        return None
    day = (dt.date.fromisoformat(days[-1].value) + dt.timedelta(days=step * n)).isoformat()
    s, e = m.span()
    return _day(text, s, e, day)


def _weekday_from_date(text: str, mentions: list[DateMention], weekdays: set[int]) -> list[DateMention]:
    """Date "Monday, Feb. 6": a plain weekday right before a day of that weekday takes that day."""
    out = list(mentions)
    for i in sorted(weekdays):
        if i + 1 >= len(out) or out[i].modifier:
            continue
        wd, nxt = out[i], out[i + 1]
        gap = text[wd.end : nxt.start]
        if nxt.precision != "day" or len(gap) > 3 or gap.strip(" ,(") or nxt.modifier:
            continue
        day = dt.date.fromisoformat(nxt.value)
        if day.weekday() == _WEEKDAYS.get(wd.surface.split()[-1].lower()):
            out[i] = replace(wd, value=nxt.value, earliest=nxt.value, latest=nxt.value)
    return out


def find_dates(text: str, published: dt.date, day_first: bool = True) -> list[DateMention]:
    """Every date mention in ``text``, resolved against the publication day, sorted and non-overlapping.
    ``day_first``: how the source writes numeric dates (3/2/2023 is 3 February unless it is False, as in US copy)."""
    p = published.date() if isinstance(published, dt.datetime) else published
    tenses = Tenses(text)
    quotations = Quotations(text)
    mentions: list[DateMention] = []
    weekdays: set[int] = set()
    prev_end: int | None = None
    scanned = 0
    for a in _ANCHOR.finditer(fold_case(text)):
        if a.start() < scanned:
            continue
        m = _CORE.match(text, a.start())
        if m is None:
            continue
        scanned = m.end()
        if m.lastgroup in ("same", "prev", "dr", "nth"):
            mention = _anchored(text, m, mentions, p)
        else:
            said_on = _said_on(text, quotations.opening(m.start()), mentions, p)
            mention = _mention(text, m, said_on, prev_end, tenses, day_first)
        if mention is None:
            continue
        scanned = max(scanned, mention.end)
        if m.lastgroup == "wd" or (m.lastgroup == "rel" and m.group("rel_u").lower() in _WEEKDAYS):
            weekdays.add(len(mentions))
        mentions.append(mention)
        prev_end = mention.end
    mentions = _weekday_from_date(text, mentions, weekdays) if weekdays else mentions
    return _weeks_of(text, _ranges(text, _shared_years(text, _tied_days(text, mentions, p)), p))


# What a quotation's lead-in dates: 'In a post on Jan. 30, the governor wrote: "Yesterday ..."' — the words inside
# were written that day, so their relative dates count from it. The lead-in is the quotation's own sentence.
_LEAD_IN = 160


def _said_on(text: str, opening: int | None, mentions: list[DateMention], p: dt.date) -> dt.date:
    """The day the quotation opened at ``opening`` was said or written, when its lead-in names one; else ``p``."""
    if opening is None:
        return p
    floor = max(text.rfind("\n", 0, opening) + 1, opening - _LEAD_IN)
    for d in reversed(mentions):
        if d.end <= opening and d.start >= floor and d.precision == "day" and d.modifier is None:
            lead_in = text[d.end : opening]
            if _SENTENCE_END.search(lead_in) is None and not _is_relative_surface(d.surface):
                day = dt.date.fromisoformat(d.value)
                return day if day <= p else p
        if d.end <= floor:
            break
    return p


_SENTENCE_END = re.compile(r"[.!?][\s\"”’]+[A-Z]")
_ANNIVERSARY = re.compile(r"\banniversar(?:y|ies)\b", re.IGNORECASE)


_RELATIVE_FIRST = frozenset(_RELATIVE_DETS) | {w.split()[0] for w in _RELATIVE_DAYS}  # "this", "today", "last" ...


def _is_relative_surface(surface: str) -> bool:
    return surface.split(None, 1)[0].lower() in _RELATIVE_FIRST


def _tied_days(text: str, mentions: list[DateMention], p: dt.date) -> list[DateMention]:
    """A day written without its year that repeats a day the text gave a year ("invaded on Feb. 24, 2022 ...
    since Feb. 24") is that day, when the page's steps put it in the past of a later year: in an article of March
    2023, "since Feb. 24" is the invasion, not last month. A stretch ("since") ties across the text; a bare day only
    within the paragraph that gave the year (a caption's "Feb. 2, 2014" does not date the body's "on Feb. 2", which
    AP style writes without a year because it is this year's). Not in a sentence about an anniversary, which is the
    day's return."""
    dated: dict[str, tuple[int, int]] = {}  # month-day -> (the year given, where its paragraph starts)
    around = _Sentences(text).around
    out = []
    for d in mentions:
        if d.precision == "day" and d.modifier in (None, "since"):
            explicit = _writes_year(d.surface)
            month_day, paragraph = d.value[5:], text.rfind("\n", 0, d.start)
            if explicit:
                dated.setdefault(month_day, (int(d.value[:4]), paragraph))
            elif (
                month_day in dated
                and dated[month_day][0] < int(d.value[:4])
                and d.value < p.isoformat()
                and (d.modifier == "since" or dated[month_day][1] == paragraph)
            ):
                s, e = around(d.start)
                if not _ANNIVERSARY.search(text, s, e):
                    day = f"{dated[month_day][0]:04d}-{month_day}"
                    d = replace(d, value=day, earliest=day, latest=d.latest and day)
        out.append(d)
    return out


class _Sentences:
    """The sentence around a position, splitting each paragraph once however many positions are asked about."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: dict[int, list[tuple[int, int]]] = {}

    def around(self, pos: int) -> tuple[int, int]:
        start = self.text.rfind("\n", 0, pos) + 1
        if start not in self._lines:
            end = self.text.find("\n", pos)
            self._lines[start] = sentences(self.text, start, len(self.text) if end < 0 else end)
        spans = self._lines[start]
        i = bisect_right(spans, (pos, len(self.text) + 1)) - 1
        if i >= 0 and spans[i][0] <= pos < spans[i][1]:
            return spans[i]
        return pos, pos


# A range of days is one interval: "Feb. 14-15" (the second day after a dash, in the first one's month) and "from
# Feb. 1 to Feb. 14" (two day mentions joined by to/until/through/and after from or between; the second, written
# without a year, takes the first one's year, or the next where it would fall before it: "from Dec. 28 to Jan. 3").
# Dates with a modifier ("by Feb. 20") or of other precisions stay apart.
_DAY_AFTER = re.compile(
    r"(?:[^\S\n]*[-–][^\S\n]*|[^\S\n]+(?P<w>to|until|till|through|and|or)[^\S\n]+)(?P<d>[0-3]?[0-9])(?:st|nd|rd|th)?"
    r"(?![0-9A-Za-z]|[.,][0-9])(?:,?[^\S\n]+(?P<y>[12][0-9]{3})\b)?",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"[^\S\n]+(?:to|until|till|through|and)[^\S\n]+|[^\S\n]*[-–][^\S\n]*", re.IGNORECASE)
_RANGE_OPEN = re.compile(r"\b(?:from|between)[^\S\n]+$", re.IGNORECASE)


def _range_opened(text: str, d: DateMention) -> re.Match[str] | None:
    """The "from" or "between" that opens a range at ``d``, if one does."""
    return _RANGE_OPEN.search(text, max(0, d.start - 12), d.start)


# "on 3 and 4 March", "on 3 or 4 March": a bare day listed before a day-first date.
_LISTED_DAY = re.compile(
    r"\bon[^\S\n]+(?P<d>[0-3]?[0-9])(?:st|nd|rd|th)?(?:[^\S\n]+(?:and|or)[^\S\n]+|,[^\S\n]*)\Z", re.IGNORECASE
)
# The bare first day of "between 1 and 14 February" / "from 1st to 14th Feb." (after from/between) and "1-14 February".
_BARE_FIRST_DAY = re.compile(
    r"(?:\b(?:from|between)[^\S\n]+(?P<d>[0-3]?[0-9])(?:st|nd|rd|th)?"
    r"[^\S\n]+(?:to|until|till|through|and)[^\S\n]+"
    r"|(?<![0-9.,])(?P<d2>[0-3]?[0-9])[^\S\n]*[-–][^\S\n]*)\Z",
    re.IGNORECASE,
)


def _ranges(text: str, mentions: list[DateMention], p: dt.date) -> list[DateMention]:
    out: list[DateMention] = []
    i = 0
    while i < len(mentions):
        d = mentions[i]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        joined: list[DateMention] = []
        if d.precision == "day" and d.modifier is None:
            if nxt is not None and nxt.precision == "day" and nxt.modifier is None:
                gap = _RANGE_JOIN.fullmatch(text, d.end, nxt.start)
                ends = _range_ends(d, nxt, p)
                if gap and ends and _range_opened(text, d):
                    joined, i = [_interval(text, d.start, nxt.end, *ends)], i + 1
            if not joined and (m := _BARE_FIRST_DAY.search(text, max(0, d.start - 24), d.start)):
                joined = _from_bare_day(text, d, m)
            if not joined and (m := _LISTED_DAY.search(text, max(0, d.start - 12), d.start)):
                joined = [*_listed_day(text, d, m), d]
            if not joined and (m := _DAY_AFTER.match(text, d.end)):
                joined = _day_after(text, d, m)
                if joined and nxt is not None and nxt.start < m.end():  # the year written after both days
                    i += 1
        out.extend(joined or [d])
        i += 1
    return out


def _shared_years(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """Two months (or days) joined as a pair or a range share the year written once: "from March to May 2022",
    "between June and August 2022", "in March or April of 2022" (the first takes the second's year, the one before
    where it would fall after it: "from December to February 2023"); "from October 2022 to February" (the second
    takes the first's, the next where it would fall before it). In a range of months with no year written, the start
    decides, as in a range of days (``_range_ends``): "from March to May" in April is March to May of this year,
    where the past tense alone would have put May in the last one."""
    out = list(mentions)
    for i, (d, nxt) in enumerate(pairwise(mentions)):
        if (
            d.precision != nxt.precision
            or d.precision not in ("day", "month")
            or d.modifier is not None
            or nxt.modifier is not None
            or not _COORDINATION.fullmatch(text, d.end, nxt.start)
        ):
            continue
        first, last = _writes_year(d.surface), _writes_year(nxt.surface)
        if last and not first and d.value[5:] != nxt.value[5:]:
            year = int(nxt.value[:4]) - (d.value[5:] > nxt.value[5:])
            out[i] = _in_year(d, year) or d
        elif (
            d.value[5:] != nxt.value[5:]
            and not last
            and (first or (d.precision == "month" and nxt.earliest < d.earliest and _spans(text, d, nxt)))
        ):
            year = int(d.value[:4]) + (nxt.value[5:] < d.value[5:])
            out[i + 1] = _in_year(nxt, year) or nxt
    return out


def _spans(text: str, d: DateMention, nxt: DateMention) -> bool:
    """``d`` and ``nxt`` are a range's two ends: "from March to May", "March-May", "between March and May"."""
    gap = _RANGE_JOIN.fullmatch(text, d.end, nxt.start)
    if gap is None:
        return False
    return gap.group().strip().lower() != "and" or _range_opened(text, d) is not None


def _in_year(d: DateMention, year: int) -> DateMention | None:
    """A day or month mention moved to ``year`` (None for 29 February of a year without one)."""
    if d.precision == "month":
        month = int(d.value[5:7])
        first, last = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    elif (day := _same_day(dt.date.fromisoformat(d.value), year)) is None:
        return None
    else:
        first = last = day
    return replace(d, value=f"{year:04d}{d.value[4:]}", earliest=first.isoformat(), latest=last.isoformat())


def _day_after(text: str, d: DateMention, m: re.Match[str]) -> list[DateMention]:
    """ "Feb. 14-15" and "from March 3 to 9" (an interval), "March 3 and 4" (two days; an interval after
    "between"), with the year written after both ("between March 3 and 9, 2021") applying to both."""
    first = dt.date.fromisoformat(d.earliest)
    if m["y"] is not None and not _writes_year(d.surface):
        first = _same_day(first, int(m["y"]))
    if first is None or not first.day < int(m["d"]) <= calendar.monthrange(first.year, first.month)[1]:
        return []
    last = first.replace(day=int(m["d"])).isoformat()
    opened = _range_opened(text, d)
    opener = opened.group().split()[0].lower() if opened else None
    word = (m["w"] or "").lower()
    if word == "" or (opener and word not in ("and", "or")) or (opener == "between" and word == "and"):
        return [_interval(text, d.start, m.end(), first.isoformat(), last)]
    if word in ("and", "or"):
        s, e = m.span("d")
        if m["y"] is not None:  # the year closes the second day's mention
            e = m.end()
        return [
            replace(d, value=first.isoformat(), earliest=first.isoformat(), latest=first.isoformat()),
            _day(text, s, e, last),
        ]
    return []


def _same_day(day: dt.date, year: int) -> dt.date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return None


def _from_bare_day(text: str, d: DateMention, m: re.Match[str]) -> list[DateMention]:
    """ "between 1 and 14 February", "1-14 February": a bare day before a day-first date is the range's first day,
    in the date's month and year."""
    group = "d" if m["d"] else "d2"
    last = dt.date.fromisoformat(d.earliest)
    if not d.surface[:1].isdigit() or not 1 <= int(m[group]) < last.day:
        return []
    return [_interval(text, m.start(group), d.end, last.replace(day=int(m[group])).isoformat(), d.earliest)]


def _listed_day(text: str, d: DateMention, m: re.Match[str]) -> list[DateMention]:
    """ "on 3 and 4 March": the bare day listed before a day-first date is a day of the same month and year."""
    last = dt.date.fromisoformat(d.earliest)
    if not d.surface[:1].isdigit() or not 1 <= int(m["d"]) < last.day:
        return []
    day = last.replace(day=int(m["d"])).isoformat()
    s, e = m.span("d")
    return [_day(text, s, e, day)]


def _range_ends(d: DateMention, nxt: DateMention, p: dt.date) -> tuple[str, str] | None:
    """The first and last day of the range from ``d`` to ``nxt``, if it is one. Ending on a weekday ("from Friday
    until Sunday"), the range is under a week: a past end (on or before P) fixes the start, else the start fixes
    the end, where the two weekdays alone came out turned around or a week apart."""
    first, last = dt.date.fromisoformat(d.earliest), dt.date.fromisoformat(nxt.earliest)
    if nxt.surface.lower() in _WEEKDAYS:
        days = dt.timedelta(days=(last.weekday() - first.weekday()) % 7 or 7)
        past_end = last < p or (last == p and first <= p)  # P itself ends a past range, not one that starts later
        first, last = (last - days, last) if past_end else (first, first + days)
        return first.isoformat(), last.isoformat()
    end = _range_end(first, last, nxt)
    return (d.earliest, end) if end else None


def _range_end(first: dt.date, last: dt.date, nxt: DateMention) -> str | None:
    if not _writes_year(nxt.surface):  # its year was resolved alone: the range's start decides it
        try:
            last = last.replace(year=first.year)
            if last <= first:
                last = last.replace(year=first.year + 1)
        except ValueError:  # 29 February of a year without one
            return None
    return last.isoformat() if last > first else None


_WEEK_OF = re.compile(rf"\bweek{_SP}of{_SP}\Z", re.IGNORECASE)
_NTH_WEEK_OF = re.compile(rf"\bthe{_SP}(first|second|third|fourth|last|final){_SP}week{_SP}of{_SP}\Z", re.IGNORECASE)
_NTH_WEEK = {"first": 0, "second": 1, "third": 2, "fourth": 3}


def _weeks_of(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """ "the week of Jan. 9": the week (Monday to Sunday) that holds the day, one mention from "week"; "the first
    week of March": its first seven days (the last: its last seven), one mention from "the"."""
    out = []
    for d in mentions:
        nth = _NTH_WEEK_OF.search(text, max(0, d.start - 24), d.start) if d.precision == "month" else None
        if nth and out and out[-1].start >= nth.start():
            out.pop()  # "the last week" read alone: part of "the last week of February"
        if nth and not d.modifier and (not out or out[-1].end <= nth.start()):
            first = dt.date.fromisoformat(d.earliest)
            last_day = dt.date.fromisoformat(d.latest)
            k = _NTH_WEEK.get(nth.group(1).lower())
            start = first + dt.timedelta(days=7 * k) if k is not None else last_day - dt.timedelta(days=6)
            out.append(_interval(text, nth.start(), d.end, start.isoformat(), (start + dt.timedelta(6)).isoformat()))
            continue
        week = _WEEK_OF.search(text, max(0, d.start - 16), d.start) if d.precision == "day" and not d.modifier else None
        if week and (not out or out[-1].end <= week.start()):  # not inside "last week of ..."
            monday = dt.date.fromisoformat(d.value) - dt.timedelta(days=dt.date.fromisoformat(d.value).weekday())
            first, last = monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat()
            d = DateMention(
                week.start(), d.end, text[week.start() : d.end], f"{first}/{last}", first, last, "week", None
            )
        out.append(d)
    return out


def _writes_year(surface: str) -> bool:
    """The mention's own words give its year ("Feb. 24, 2022"); else a rule chose it."""
    return re.search(r"[12][0-9]{3}", surface) is not None


def _day(text: str, start: int, end: int, day: str) -> DateMention:
    return DateMention(start, end, text[start:end], day, day, day, "day", None)


def _interval(text: str, start: int, end: int, first: str, last: str) -> DateMention:
    return DateMention(start, end, text[start:end], f"{first}/{last}", first, last, "interval", None)
