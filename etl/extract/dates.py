"""Find date mentions in English news text and resolve them to calendar ranges.

The spec is the "Dates" section of docs/extraction.md. Where it is silent or could be read two
ways, this module decides as follows:

- Modifier precedence: by/since/before/after win over early/mid/late in ``modifier``; the narrowing
  still shapes the range ("by late March": modifier ``by``, latest March 31). "until late 2023"
  gives modifier ``late`` (until itself is null, as the page says).
- "the end/beginning/start/middle of X" narrows X like late/early/mid. The span starts at ``end``
  ("end of March"), or at the modifier when there is one ("by the end of March", modifier ``by``,
  latest March 31, so it reads like "by March"). "the end of the year" is not reported: "the year"
  is no date form. A modifier keeps the determiner it governs: "before the summer", "since the summer".
- Weeks are not dates (there is no ``week`` precision): "last week", "two weeks ago" are skipped.
- "Feb. 24 last year", "in May this year": two mentions; the month/day takes its year from the
  "last/this/next year" that follows. "Monday, Feb. 6": two mentions; the weekday takes that day.
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
from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

from etl import edtf
from etl.extract.base import DateMention
from etl.text import ABBREVIATIONS

__all__ = ["find_dates"]

# ---------------------------------------------------------------------------------------------
# Vocabulary

_MONTHS = {
    name.lower(): i
    for i, name in enumerate(
        "January February March April May June July August September October November December".split(), 1
    )
}
_MONTH_FULL = frozenset(_MONTHS)
_MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8})
_MONTHS.update({"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12})
_SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_WEEKDAYS = {d.lower(): i for i, d in enumerate("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())}
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        " sixteen seventeen eighteen nineteen twenty".split()
    )
    if i
}
_NUMBER_WORDS.update({"a": 1, "an": 1})

_FULL_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_WORD = rf"(?:{_FULL_MONTH}\b|(?:Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b\.?)"
_SEASON_WORD = r"(?:spring|summer|autumn|fall|winter)"
_WEEKDAY_WORD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_SP = r"[^\S\n]+"  # whitespace inside one paragraph (blanked chrome is spaces, lines stay apart)
_YEAR_SEP = rf"(?:,[^\S\n]*|{_SP})"
_DAY = r"[0-3]?[0-9](?:st|nd|rd|th)?(?![0-9A-Za-z])"
_NUM = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))

# One alternative per date form, longest forms first. Every alternative starts with a literal
# (word or digit) and has no nested quantifiers, so matching stays linear in the input.
_CORE = re.compile(
    rf"""
      (?P<iso>(?<![0-9A-Za-z])[12][0-9]{{3}}-[01][0-9]-[0-3][0-9](?![0-9A-Za-z]))
    | (?P<ago>\b(?P<ago_n>[0-9]{{1,2}}|{_NUM}){_SP}(?P<ago_u>year|month|day)s?{_SP}ago\b)
    | (?P<dm>(?<![\w.,:/])(?P<dm_d>{_DAY})(?:{_SP}of)?{_SP}(?P<dm_m>{_MONTH_WORD})
        (?:{_YEAR_SEP}(?P<dm_y>[12][0-9]{{3}})(?![0-9]))?)
    | (?P<rel>\b(?P<rel_det>this|last|next){_SP}
        (?P<rel_u>year|month|{_SEASON_WORD}|{_FULL_MONTH}|{_WEEKDAY_WORD})\b)
    | (?P<md>\b(?P<md_m>{_MONTH_WORD}){_SP}(?P<md_d>{_DAY})(?:{_YEAR_SEP}(?P<md_y>[12][0-9]{{3}})(?![0-9]))?)
    | (?P<my>\b(?P<my_m>{_MONTH_WORD})(?:,?{_SP}|{_SP}of{_SP})(?P<my_y>[12][0-9]{{3}})(?![0-9]))
    | (?P<mon>\b{_MONTH_WORD})
    | (?P<sea>\b(?P<sea_s>{_SEASON_WORD})\b(?:(?:{_SP}of)?{_SP}(?P<sea_y>[12][0-9]{{3}})(?![0-9]))?)
    | (?P<wd>\b{_WEEKDAY_WORD}\b)
    | (?P<rday>\b(?:today|yesterday|tomorrow)\b)
    | (?P<year>(?<![0-9])[12][0-9]{{3}}(?![0-9]))
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Where a date form can start: a word beginning with a digit or with the first letters of a month,
# season, weekday, today/yesterday/tomorrow, this/last/next or a number word. Cheap to scan for; the
# full pattern is only tried at these places.
_ANCHOR = re.compile(
    r"\b(?=[0-9a-z])(?:(?<![.,:/$€£¥₴#])[0-9]|jan|feb|ma[ry]|apr|ju[nl]|aug|sep|oct|nov|dec|spr|sum|aut|fal|win"
    r"|mon|tue|wed|thu|fri|sat|sun|to[dm]|yes|thi|las|nex|an?\b|one|two|thr|fou|fiv|six|sev|eig|nin|ten|ele|twe|fif)",
    re.IGNORECASE,
)
_TRAILING_YEAR = re.compile(rf"{_YEAR_SEP}(?:of{_SP})?(this|last|next){_SP}year\b", re.IGNORECASE)
_COORDINATION = re.compile(r"[^\S\n]*(?:and|or|to|through|till|until|-|–|—)[^\S\n]*", re.IGNORECASE)
_NO_BEFORE = re.compile(r"(?:\bNo|\bNos|#)\.?[^\S\n]*$", re.IGNORECASE)

# Words before a bare capitalised month that make it a date (the page's list, plus a few
# prepositions that work the same way).
_MONTH_CUES = frozenset(
    "in on by since until till from before after of late early mid last this next"
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
_DETERMINERS = frozenset(
    "the a an this that these those its their his her our my your some any no every each all many".split()
)
_PREPOSITIONS = frozenset(
    "about above across against along amid among around at behind below beside between beyond by despite"
    " during for from in inside into near of off on onto out outside over past per since than through"
    " throughout till to toward towards under until upon via with within without".split()
)
_CONJUNCTIONS = frozenset(
    "and but or nor so yet because if unless when whenever where while whereas although though".split()
)
_PRONOUNS = frozenset("it they he she we i you there which who what".split())
_AUXILIARIES = frozenset(
    "is are was were be been being has have had will would can could may might must shall should do does did".split()
)
_ADVERBS = frozenset("already also again alone too ago last next yet still now then even only just not".split())
# Lower-case words that may follow a season used as a date; any other lower-case word makes it
# an adjective ("the winter months", "the spring offensive").
_AFTER_SEASON_OK = _PREPOSITIONS | _CONJUNCTIONS | _DETERMINERS | _PRONOUNS | _AUXILIARIES | _ADVERBS
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
_IRREGULAR_PLURALS = frozenset("people men women children personnel staff police aircraft".split())
_NOT_PLURAL = frozenset(
    "as was has is its his this thus yes less unless across whereas besides perhaps always sometimes"
    " does goes towards afterwards nowadays overseas news various serious previous".split()
)
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
    bare: bool = False  # a lone month or season that needs date context


def _month_number(word: str) -> int | None:
    """Month number of a written month, None unless capitalised (lower-case may/march are verbs)."""
    word = word.rstrip(".")
    if not word[:1].isupper() or not (word[1:].islower() or word[1:].isupper()):
        return None
    return _MONTHS.get(word.lower())


def _valid_day(month: int, day: int, year: int | None) -> bool:
    return 1 <= day <= calendar.monthrange(year if year else 2024, month)[1]


def _parse_core(m: re.Match[str], published: dt.date) -> _Core | None:
    """Turn one regex match into a _Core, resolving this/last/next/ago/today that need no tense."""
    if not m.group().isascii() and any(ord(c) > 127 and c.isalpha() for c in m.group()):
        return None  # case-insensitive matching lets "ſ", "K", "İ" stand for s, k, i: not English dates
    kind = m.lastgroup
    s, e = m.span()
    g = m.group
    if kind == "iso":
        y, mo, d = (int(x) for x in g("iso").split("-"))
        ok = 1 <= mo <= 12 and _valid_day(mo, d, y)
        return _Core("day", s, e, y, mo, d) if ok else None
    if kind in ("dm", "md"):
        mo = _month_number(g(kind + "_m"))
        d = int(g(kind + "_d").rstrip("stndrh"))
        y = int(g(kind + "_y")) if g(kind + "_y") else None
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
        return _Core("weekday", s, e, weekday=_WEEKDAYS[g("wd").lower()]) if _capitalised(g("wd")) else None
    if kind == "rday":
        offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[g("rday").lower()]
        day = published + dt.timedelta(days=offset)
        return _Core("day", s, e, day.year, day.month, day.day)
    if kind == "year":
        return _Core("year", s, e, int(g("year")))
    if kind == "ago":
        return _ago(s, e, g("ago_n").lower(), g("ago_u").lower(), published)
    if kind == "rel":
        return _relative(s, e, g("rel_det").lower(), g("rel_u"), published)
    return None


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and (word[1:].islower() or word[1:].isupper())


def _ago(s: int, e: int, num: str, unit: str, p: dt.date) -> _Core | None:
    """Resolve "two years ago" to a year, "three months ago" -> a month, "five days ago" -> a day."""
    n = int(num) if num.isdigit() else _NUMBER_WORDS.get(num)
    if not n:
        return None
    if unit == "year":
        return _Core("year", s, e, p.year - n)
    if unit == "month":
        y, mo = divmod(p.year * 12 + p.month - 1 - n, 12)
        return _Core("month", s, e, y, mo + 1)
    day = p - dt.timedelta(days=n)
    return _Core("day", s, e, day.year, day.month, day.day)


def _relative(s: int, e: int, det: str, unit: str, p: dt.date) -> _Core | None:
    """this/last/next + year, month, season, month name or weekday."""
    step = {"this": 0, "last": -1, "next": 1}[det]
    low = unit.lower()
    if low == "year":
        return _Core("year", s, e, p.year + step)
    if low == "month":
        y, mo = divmod(p.year * 12 + p.month - 1 + step, 12)
        return _Core("month", s, e, y, mo + 1)
    if low in _SEASONS:
        return _Core("season", s, e, _relative_season_year(_SEASONS[low], step, p), season=_SEASONS[low])
    if not _capitalised(unit):
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
    return f"{y:04d}"


class _Tense(NamedTuple):
    """Signals for a date without a year; a past clause can hold a target ("was pushing for Summer")."""

    past: bool = False
    future: bool = False


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
    if det == "next" or (det is None and tense.future):
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
    if core.kind not in ("month", "season", "year"):
        return None, s, s
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
    return _Left(start, narrow, None, word, article=word in ("a", "an"))


def _after_as(text: str, pos: int, floor: int, words: tuple[str, ...] = ("as", "too", "so")) -> bool:
    """True when one of ``words`` ends at ``pos``: "as early as March", "too late" do not narrow."""
    w = _prev_word(text, pos, floor)
    return bool(w and w[1].lower() in words)


# ---------------------------------------------------------------------------------------------
# Context checks: is this form a date here?


def _is_plural_noun(word: str) -> bool:
    if word in _IRREGULAR_PLURALS:
        return True
    return (
        len(word) > 3
        and word.isalpha()
        and word.islower()
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and word not in _NOT_PLURAL
    )


def _year_ok(text: str, core: _Core, left: _Left, floor: int) -> bool:
    """A bare four-digit year is a date unless it is a count, an amount, a time or part of a name."""
    s, e = core.start, core.end
    if not 1900 <= (core.year or 0) <= 2099:
        return False
    if left.narrow != "mid" and not _year_edges_ok(text, s, e):
        return False
    if _NO_BEFORE.search(text, max(floor, s - 8), s):
        return False
    prev = _prev_word(text, s, floor)
    prev_word = prev[1].lower() if prev else ""
    if prev_word in _YEAR_NAMES or prev_word in _QUALIFIERS or (prev_word == "over" and not left.narrow):
        return False
    if prev and prev_word == "to" and (_prev_word(text, prev[0], floor) or (0, ""))[1].lower() in ("up", "close"):
        return False
    end, nxt = _next_word(text, e)
    if nxt.lower() in _SCALE_UNITS or nxt in _TIME_ZONES or nxt.lower() in ("hours", "hrs", "h"):
        return False
    if nxt.lower() == "local" and _next_word(text, end)[1].lower() == "time":  # "at 1930 local time"
        return False
    protected = (
        left.modifier
        or left.narrow
        or left.prep in _YEAR_PREPS
        or left.prep in _DETERMINERS
        or text[s - 2 : s] in ("'s", "’s")
    )
    return bool(protected) or not _counts(text, end, nxt)


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
# Tense of the clause around a date

# Tense cues. _PAST is a completed event ("occupied", "was"); _AIMED a past that still points ahead
# or only reports ("was pushing", "urged", "said"), which a target preposition overrides.
_PAST, _AIMED, _FUTURE, _PERFECT, _PRESENT = "past", "aimed", "future", "perfect", "present"

_TOKEN = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*|[0-9]+|[.!?]+|[,;:()\[\]\"“”«»—–]|-{1,2}")
_BOUNDARY_TOKENS = frozenset([*',;:()[]"“”«»—–', "-", "--"])
_SUBORDINATORS = frozenset(
    "while whereas although though because that which who whom whose when where if unless whether".split()
)
_BOUNDARY_WORDS = _SUBORDINATORS | {"but", "and", "or"}
_FUTURE_WORDS = frozenset(
    """will shall won't won’t would wouldn't wouldn’t upcoming forthcoming soon
    expect expects anticipate anticipates predict predicts""".split()
)
_TO_FUTURE = frozenset(
    """plan plans planned planning aim aims aimed aiming intend intends intended intending expect expects expected
    expecting set going due about hope hopes hoped hoping seek seeks seeking want wants wanted is are was were
    poised likely ready prepared preparing pledged pledge pledges promised promise promises vowed vow vows
    decided agreed threatened threatens""".split()
)
_PAST_WORDS = frozenset("was were did didn't didn’t wasn't wasn’t weren't weren’t".split())
# "talks were unlikely before the summer": a copula with an adjective of likelihood or readiness points ahead
_PROSPECT_ADJECTIVES = frozenset(
    "likely unlikely possible impossible probable improbable ready certain sure poised due expected".split()
)
_PAST_ADVERBS = frozenset("ago earlier previously formerly".split())
_FUTURE_PARTICIPLES = frozenset("expected scheduled slated planned".split())  # not after than/as
_INTENT_PAST = frozenset(
    """aimed planned hoped wanted sought pushed pressed called urged demanded asked promised pledged vowed
    intended lobbied proposed offered threatened agreed decided""".split()
)
_REPORTING = frozenset(
    """say says saying said tell tells telling told adds adding writes wrote warns announces announcing claiming
    noting confirming insisting stressing explaining admitting vowing declares insists forecast forecasts""".split()
)
_IRREGULAR_PAST = frozenset(
    """said told took began met made gave came went saw got found held led left lost won fought brought bought
    sought thought knew grew threw drew flew fell rose struck spoke wrote broke chose drove ate sent spent built
    kept felt meant paid laid sold stood understood became ran sat shot fled forgot hid oversaw overtook undertook
    withdrew arose caught dealt dug froze hung lent mistook rode rang shook slid sprang stole stuck swore swept
    taught tore woke wore wept heard sank blew foresaw overthrew upheld withheld forbade sped slew strove swam
    swung fed bled bent lit""".split()
)
_PARTICIPLES = frozenset(
    """been done gone seen taken given begun known shown grown written spoken broken chosen driven fallen risen
    stolen sworn torn worn hidden forgotten gotten ridden eaten beaten drawn flown thrown withdrawn overseen
    undertaken""".split()
)
# Present tense: be, and -s verbs that put a date in the present ("expires on March 18").
_PRESENT_WORDS = frozenset(
    """is are am isn't aren't isn’t aren’t expires ends begins starts runs opens closes meets enters resumes lapses
    concludes continues falls""".split()
)
_SUBJECTS = frozenset("it he she they we i you which who that".split())
_HAD = frozenset("had hadn't hadn’t".split())
_HAVE = _HAD | frozenset("has have hasn't haven't hasn’t haven’t".split())
_ED_NOT_VERB = frozenset("hundred sacred naked wicked kindred rugged ragged beloved united red bed shed wed".split())
_EED_VERBS = frozenset("agreed freed guaranteed decreed".split())
# Words before an -ed form that make it an adjective or a passive, not a past verb.
_NOT_PAST_BEFORE = (
    _DETERMINERS
    | _PREPOSITIONS
    | frozenset(
        """be is are am was were been being will would can could may might must shall should than very so too
        most more less well newly highly heavily fully partly partially widely long much get gets remain
        remains""".split()
    )
)


class _Line:
    """A paragraph tokenised once: sentence ends, clause boundaries, and tense cues computed on demand."""

    def __init__(self, text: str, start: int, end: int) -> None:
        toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]
        self.starts = [t[0] for t in toks]
        self.ends = [t[1] for t in toks]
        self.raw = [t[2] for t in toks]
        self.low = [t.lower() for t in self.raw]
        # A semicolon joins two sentences as far as tense goes.
        self.sentence_ends = [
            i for i, t in enumerate(self.raw) if t == ";" or (t[0] in ".!?" and self._ends_sentence(i))
        ]
        # Clause boundaries and subordinators, as sorted token indices (the searches bisect them).
        self.bound_at = [i for i, t in enumerate(self.low) if t in _BOUNDARY_TOKENS or t in _BOUNDARY_WORDS]
        self.subordinate_at = [i for i, t in enumerate(self.low) if t in _SUBORDINATORS]
        self._cues: list[str | None] | None = None
        self._cue_at: list[int] = []

    def _ends_sentence(self, i: int) -> bool:
        """A '.', '!' or '?' token that ends a sentence (not "Feb. 24", "U.S.", "Gen. X")."""
        nxt = self.raw[i + 1] if i + 1 < len(self.raw) else ""
        if self.raw[i][0] != "." or not nxt:
            return True
        if nxt[:1].islower():
            return False
        if i > 0 and self.ends[i - 1] == self.starts[i]:
            word, low = self.raw[i - 1], self.low[i - 1]
            if len(word) == 1 and word.isupper():
                return False
            if low in _MONTHS and len(low) <= 4:
                return not nxt[:1].isdigit()
            if low in ABBREVIATIONS:
                return False
        return True

    def cues(self) -> tuple[list[str | None], list[int]]:
        """Every token's cue and the indices of the tokens that have one (computed once per line)."""
        if self._cues is None:
            self._cues = [_cue(self.raw, self.low, i) for i in range(len(self.raw))]
            self._cue_at = [i for i, c in enumerate(self._cues) if c]
        return self._cues, self._cue_at


def _cue(raw: list[str], low: list[str], i: int) -> str | None:
    """The tense a token signals: future (will, plans to), past (said, -ed), perfect (had) or None."""
    w = low[i]
    nxt = low[i + 1] if i + 1 < len(low) else ""
    prv = low[i - 1] if i > 0 else ""
    prv2 = low[i - 2] if i > 1 else ""
    if w in _FUTURE_WORDS or w.endswith(("'ll", "’ll")):
        return _FUTURE
    if (w == "next" and nxt != "to") or (w == "coming" and prv in _DETERMINERS):
        return _FUTURE
    if w == "due":  # "due on Tuesday", "due to vote" are future; "due to the war" is a cause
        after = low[i + 2] if i + 2 < len(low) else ""
        return None if nxt == "to" and (after in _DETERMINERS or not after.isalpha()) else _FUTURE
    if nxt == "to" and w in _TO_FUTURE:
        return _FUTURE
    if w in _FUTURE_PARTICIPLES and prv not in ("than", "as"):
        return _FUTURE  # "a decision expected by Saturday", "talks scheduled for March"
    if w in _HAD:
        return _PERFECT
    if w in _PAST_WORDS:  # "was pushing for Summer", "was extended until Feb. 14" point ahead
        ahead = nxt.endswith("ing") or nxt in _IRREGULAR_PAST or nxt in _PARTICIPLES or _regular_past(nxt)
        ahead = ahead or nxt in _PROSPECT_ADJECTIVES
        return _AIMED if ahead else _PAST
    if w in _PAST_ADVERBS or w in _INTENT_PAST or (w in _REPORTING and prv not in _DETERMINERS):
        return _AIMED
    had = prv in _HAD or prv2 in _HAD
    if w in _PARTICIPLES and (prv in _HAVE or prv2 in _HAVE):
        return _PERFECT if had else _PAST
    if (w in _IRREGULAR_PAST or _regular_past(raw[i])) and prv not in _NOT_PAST_BEFORE:
        return _PERFECT if had else _PAST
    if w in _PRESENT_WORDS or (prv in _SUBJECTS and w.isalpha() and w not in _AFTER_SEASON_OK):
        return _PRESENT  # "is", "it expires", "they expect": present tense stops the search
    return None


def _regular_past(word: str) -> bool:
    if len(word) < 4 or not word.endswith("ed") or not word.isalpha() or not word.islower():
        return False
    if word.endswith("eed"):
        return word in _EED_VERBS
    return word not in _ED_NOT_VERB


class _Tenses:
    """Tense of the clause around a date, from the nearest tense cue; paragraphs tokenised lazily."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines: list[int] | None = None
        self._line_no = -1
        self._line: _Line | None = None

    def _line_at(self, pos: int) -> _Line:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        i = bisect_left(self._newlines, pos)
        if i != self._line_no or self._line is None:  # dates come in order: keep one line
            start = self._newlines[i - 1] + 1 if i else 0
            end = self._newlines[i] if i < len(self._newlines) else len(self.text)
            self._line_no, self._line = i, _Line(self.text, start, end)
        return self._line

    def __call__(self, start: int, end: int) -> tuple[str | None, bool]:
        """The nearest cue in the date's clause, else in its sentence (left wins ties), and whether it
        governs the date's own clause (found there, or the date opens the sentence: "By March, ...")."""
        line = self._line_at(start)
        left = bisect_right(line.ends, start)  # tokens [0, left) end before the date
        right = bisect_left(line.starts, end)  # tokens [right, ...) start after it
        k = bisect_left(line.sentence_ends, left)
        lo = line.sentence_ends[k - 1] + 1 if k else 0
        k = bisect_left(line.sentence_ends, right)
        hi = line.sentence_ends[k] if k < len(line.sentence_ends) else len(line.raw)
        # The clause first; then the sentence, but not into a clause hanging off the date's right
        # ("The IMF forecast in January that Russia's economy would grow").
        passes = ((line.bound_at, line.bound_at, 25, True), (None, line.subordinate_at, 40, left - lo <= 1))
        for stops_left, stops_right, cap, governs in passes:
            before = _cue_before(line, left - 1, max(lo, left - cap), stops_left)
            after = _cue_after(line, right, min(hi, right + cap) - 1, stops_right)
            if before and (not after or before[0] <= after[0]):
                return before[1], governs
            if after:
                return after[1], governs
        return None, False


# The nearest cue is found by bisecting the sorted indices of cue and stop tokens, not by walking
# the tokens: a walk costs its cap (25-40 tokens) per date, which is most of the time in date-dense text.


def _cue_before(line: _Line, first: int, last: int, stops: list[int] | None) -> tuple[int, str] | None:
    """(distance, cue) of the nearest token with a cue in tokens first, first-1, ..., last, giving up at a
    stop token (indices in ``stops``; a stop on the cue's own token wins)."""
    cues, cue_at = line.cues()
    k = bisect_right(cue_at, first) - 1
    if first < last or k < 0 or cue_at[k] < last:
        return None
    c = cue_at[k]
    if stops is not None:
        b = bisect_right(stops, first) - 1
        if b >= 0 and stops[b] >= c:
            return None
    return first - c, cues[c]


def _cue_after(line: _Line, first: int, last: int, stops: list[int] | None) -> tuple[int, str] | None:
    """(distance, cue) of the nearest token with a cue in tokens first, first+1, ..., last, giving up at a
    stop token (indices in ``stops``; a stop on the cue's own token wins)."""
    cues, cue_at = line.cues()
    k = bisect_left(cue_at, first)
    if first > last or k == len(cue_at) or cue_at[k] > last:
        return None
    c = cue_at[k]
    if stops is not None:
        b = bisect_left(stops, first)
        if b < len(stops) and stops[b] <= c:
            return None
    return c - first, cues[c]


# ---------------------------------------------------------------------------------------------
# Putting it together


def _tense_for(core: _Core, left: _Left, tenses: _Tenses) -> _Tense:
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
    ended = cue == _PAST and governs and left.prep in ("until", "till", "before")
    if cue == _PERFECT or ended:
        return _Tense(past=True)
    return _Tense(past=cue in (_PAST, _AIMED), future=cue == _FUTURE or target)


def _trailing_year(text: str, core: _Core, p: dt.date) -> int | None:
    """The year of "Feb. 24 last year", taken from the relative year that follows."""
    m = _TRAILING_YEAR.match(text, core.end)
    return p.year + {"this": 0, "last": -1, "next": 1}[m.group(1).lower()] if m else None


def _resolved(text: str, core: _Core, left: _Left, p: dt.date, tenses: _Tenses) -> _Core:
    """``core`` with its year filled in, a weekday turned into a day."""
    if core.kind == "weekday":
        day = _resolve_weekday(core.weekday, core.det, _tense_for(core, left, tenses), p)
        return core._replace(kind="day", year=day.year, month=day.month, day=day.day)
    if core.year is None:
        year = _trailing_year(text, core, p)
        if year is None:
            year = _resolve_year(core, left.narrow, _tense_for(core, left, tenses), p)
        return core._replace(year=year)
    return core


def _accept(text: str, core: _Core, left: _Left, floor: int, coordinated: bool) -> bool:
    if core.kind == "season":
        return _season_ok(text, core, left, coordinated)
    if core.kind == "month":
        return _month_ok(core, left, coordinated)
    if core.kind == "weekday":
        return _weekday_ok(text, core, floor)
    if core.kind == "year" and core.end - core.start == 4 and text[core.start : core.end].isdigit():
        return _year_ok(text, core, left, floor)
    return True


def _is_relative(text: str, core: _Core) -> bool:
    first = text[core.start : core.end].split(None, 1)[0].lower()
    return first in ("this", "last", "next", "today", "tomorrow", "yesterday")


def _mention(text: str, m: re.Match[str], p: dt.date, prev_end: int | None, tenses: _Tenses) -> DateMention | None:
    """The mention for one core match, or None when the context says it is not a date."""
    core = _parse_core(m, p)
    if core is None:
        return None
    floor = max(prev_end or 0, core.start - _WINDOW)
    if _is_relative(text, core) and not _relative_ok(text, core, floor):
        return None
    left = _left(text, core, floor)
    coordinated = prev_end is not None and _COORDINATION.fullmatch(text, prev_end, left.start) is not None
    if not _accept(text, core, left, floor, coordinated):
        return None
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


def find_dates(text: str, published: dt.date) -> list[DateMention]:
    """Every date mention in ``text``, resolved against the publication day, sorted and non-overlapping."""
    p = published.date() if isinstance(published, dt.datetime) else published
    tenses = _Tenses(text)
    mentions: list[DateMention] = []
    weekdays: set[int] = set()
    prev_end: int | None = None
    scanned = 0
    for a in _ANCHOR.finditer(text):
        if a.start() < scanned:
            continue
        m = _CORE.match(text, a.start())
        if m is None:
            continue
        scanned = m.end()
        mention = _mention(text, m, p, prev_end, tenses)
        if mention is None:
            continue
        if m.lastgroup == "wd" or (m.lastgroup == "rel" and m.group("rel_u").lower() in _WEEKDAYS):
            weekdays.add(len(mentions))
        mentions.append(mention)
        prev_end = mention.end
    return _weekday_from_date(text, mentions, weekdays) if weekdays else mentions
