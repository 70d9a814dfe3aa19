"""Find the figures in an English news article: money, counts, percentages, measures, ordinals.

The rules follow docs/extraction.md ("Quantities") and English news style in general, never one
article's wording. Two scans find candidates: digits in the text, and number words, word ordinals
and the unit of "nearly a year" in its lower-cased copy. Each candidate is judged on a small window
of context: names and models (F-16, G7, Article 5), clock and read times, phone numbers, the day and
year of a date and fractions are dropped; neighbours are joined into ranges; then unit, ``per`` and
qualifier are read off the words around the span. Every regex is anchored, bounded or unambiguous,
so the work is linear in the text length (about 5 MB/s on news text).

Decisions where the spec is silent or ambiguous:
- Only ASCII digits are numbers; other-script digits (Arabic-Indic, Devanagari) are ignored.
- A bare four-digit 1900-2099 is not reported when the date rules read a year, a name or a clock time
  there (``etl.extract.dates.year_reading``, the one owner of that decision): "2000 troops" and
  "about 2000" are figures, "in 2022" and "the 2014 elections" years. A
  number next to a month name ("February 3", "3 February", "Feb. 3", "the 24th of February") is a
  date's day even when the caller did not pass it in ``exclude``. A number dash-joined to a dropped
  one goes with it ("2013-14", "2023-02-03", "COVID-19").
- "N hours/days/years ago" is a relative date, not a quantity.
- Digit fractions ("1/2", "24/7") are not reported, nor are their parts; word shares ("a third of",
  "two-thirds of", "half of") are, with unit ``times``, as are multiples ("fourfold"). "One in five", "four
  out of nine" are two figures each.
- A word number hyphen-joined to a non-unit word ("two-state", "one-off") is not reported; a digit
  one ("a 27-member bloc", "1,000-strong") is reported as a count with no counted noun.
- Ordinals hyphen-joined to a word ("21st-century", "first-ever") are not reported. A possessive
  ("Ukraine's first") is a determiner for word ordinals. Digit ordinals need no determiner; one
  naming a military unit ("the 93rd Mechanized Brigade") is a name.
- A number after a capitalised word that does not start the sentence ("Leopard 2", "Voyager 2",
  "EU 27") is part of a name, unless the next word is capitalised too (a title-case headline,
  "Russia Fires 70 Missiles"); a few name heads (Article, Leopard, Flight, Day ...) make a name even
  at a sentence start. Likewise capitalised number words ("Group of Seven", "Formula One").
- Scale letters: bn/mn/mln/tn/k anywhere; m/b/t (any case) only after a currency sign ("£3m",
  "€10B"); a bare "8m" is a million before a plural noun ("8m refugees", "20m tonnes"), else metres.
- "pounds" is GBP only with a scale ("5 million pounds") or "sterling"; otherwise a counted noun.
- Thousands may be grouped with a single (no-break) space: "10 000".
- Area, speed, energy and temperature get their own units: km2, mi2, m2, km/h, mph ("square kilometres", "sq km"),
  kWh-TWh, °C and °F ("40C", "-5°C", "40 degrees Celsius"). Millimetres and centimetres naming a weapon
  ("155mm shells", "152-mm") are a calibre, which is not reported.
- ``per`` is only what units.PER_WORDS lists (time, barrel, person, ounce, kg, kWh...: not "per violation"); hyphenated
  forms count ("a $60-a-barrel cap").
- In a change "X troops to (up to) Y" a Y without a unit of its own takes X's unit; in "from X to
  Y troops" X takes Y's. That is how "from 15,000 troops to up to 30,000" reads.
- The counted-noun rule is literal (plural-looking nouns only), so "one soldier" is a ``count``
  (but a sentence-opening "One official said" and "might one day" are determiners, not figures);
  "one" needs a following word that is not a function word or a common verb.
- Money units: ISO codes; "$" alone is USD, "NZ$"/"HK$" give NZD/HKD.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from etl.extract.base import Quantity
from etl.extract.dates import year_reading
from etl.extract.english import (
    BE,
    CHANGE_VERBS,
    CLOSED_CLASS,
    DETERMINERS,
    MODALS,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    PREPOSITIONS,
    first_char_first,
    is_plural,
    sentences,
    words,
)
from etl.extract.numbers import (
    BIG,
    DENOMINATORS,
    FRACTIONS,
    MAGNITUDES,
    ORD_UNITS,
    ORDINALS,
    SCALE_LETTERS,
    SCALES,
    SMALL,
    TENS,
)
from etl.extract.tense import PARTICIPLES
from etl.extract.units import (
    CURRENCY_BEFORE,
    CURRENCY_CODES,
    CURRENCY_SIGNS,
    MONEY,
    MULTIWORD_UNITS,
    PER_AFTER,
    PER_WORDS,
    PERCENT,
    QUALIFIERS,
    RUPEE_PREFIXES,
    SCALED_UNITS,
    SUBUNITS,
    TIME_UNITS,
    UNIT_ABBR,
    UNIT_WORDS,
    S,
    alt,
)

__all__ = ["find_quantities"]

# ---------------------------------------------------------------------------------------------
# Lexicons


# Counted nouns stop at these: the spec's "function word".
_FUNCTION = CLOSED_CLASS | words(
    "according afterwards always besides earlier ever however later never nowadays overseas perhaps said say says",
    "sometimes soon told very",
)
_VERBS = frozenset(
    "is was has had said says could would can will should must might may does did knows thinks "
    "wants expects told believes seems remains".split()
)
_MONTHS = frozenset(MONTH_NAMES) | {a.capitalize() for a in MONTH_ABBREVIATIONS}
_NAME_HEADS = frozenset(
    "Article Chapter Section Paragraph Clause Resolution Protocol Phase Stage Level Category Class Type Model Mark "
    "Block Flight Room Route Highway Line Unit Building Gate Terminal Platform Page Vol Volume Part Act Episode "
    "Season Number No Nos Day Leopard Patriot Minsk Stream Apollo Voyager Windows Formula Boeing".split()
)
_ONE_IDIOMS = frozenset("thing things way hand point another".split())
_GROUP_HEADS = frozenset("Group Club".split())
# Unit words that name a formation right after a number ("1-21 Infantry", "3 Commando Brigade").
_UNIT_NAMES = frozenset(
    "Brigade Brigades Corps Division Regiment Battalion Infantry Mechanized Mechanised Airborne Guards Commando "
    "Squadron Motorized Motorised Rifle Jaeger".split()
)
# A street address: a number before a street's name ("10 Downing Street", "1600 Pennsylvania Avenue").
_STREETS = frozenset("Street St Avenue Ave Road Rd Lane Boulevard Blvd Square Place Drive Way Terrace Row".split())
_MILITARY_UNITS = frozenset(
    "Brigade Brigades Army Corps Division Regiment Battalion Fleet Infantry Mechanized Mechanised Separate Assault "
    "Airborne Air Guards Motorized Motorised Tank Artillery Combined Special Marine Naval Territorial Rifle "
    "Operational Mountain Jaeger Presidential".split()
)

# ---------------------------------------------------------------------------------------------
# Regexes, compiled once. Repetitions are bounded or cannot overlap, so matching stays linear.
# Start patterns are a lookbehind plus lower-case literals, which the regex engine scans fast;
# currency signs, "a"/"half a" and qualifiers are found by looking back from a number in Python.


_S = S  # a space inside a line
_SPACES = " \t\u00a0\u202f"
_NUMW = rf"(?:(?:{alt(TENS)})(?:-(?:{alt(list(SMALL)[1:10])}))?|{alt([*SMALL, 'hundred', *BIG, 'dozen'])})"
_AUNITS = (
    "year",
    "month",
    "week",
    "day",
    "hour",
    "minute",
    "decade",
    "century",
    "mile",
    "kilometer",
    "kilometre",
    "meter",
    "metre",
)
# Run on the lower-cased text: one flat alternation of every word that can start a figure
# (number words, word ordinals, the unit of "nearly a year"), then a tail for "two hundred and five".
# "fourfold", "tenfold": a multiple (unit ``times``)
_FOLDS = {f"{w}fold": v for w, v in [*SMALL.items(), *TENS.items(), ("hundred", 100)] if v >= 2}
_STARTS = {*SMALL, *TENS, "hundred", *BIG, "dozen", *ORDINALS, *_AUNITS, *MAGNITUDES, "tens", *_FOLDS}
_STARTS |= {"half", "quarter"}
_WORD_START = re.compile(  # a fast scan: first_char_first
    rf"{first_char_first(rf'(?<![a-z]){re.escape(w)}' for w in sorted(_STARTS, key=lambda w: (-len(w), w)))}\b"
)
# "hundreds of thousands", "tens of millions": a magnitude of a magnitude.
_OF_MAGNITUDE = re.compile(rf"{_S}{{1,2}}of{_S}{{1,2}}(?P<m>{alt(MAGNITUDES)})\b")
_OF_UNIT = re.compile(rf"{_S}{{1,2}}of{_S}{{1,2}}(?P<u>[a-z]+)\b")
_WORDS_TAIL = re.compile(
    rf"(?:-(?:{alt(list(SMALL)[1:10])})\b)?(?:(?:{_S}{{1,2}}|-)(?:and(?:{_S}{{1,2}}|-))?(?:an?(?:{_S}{{1,2}}|-))?(?:{_NUMW}|half)\b)*"
)
# Digits, not starting inside a number. The first digit comes before the look-behinds (which then span it), so
# re jumps from digit to digit instead of trying them at every position: nine times faster.
_NUMBER = re.compile(
    r"[0-9](?<![0-9][0-9])(?<![0-9][.,][0-9])"
    r"(?:[0-9]{0,2}(?:,[0-9]{3})+(?![0-9])|[0-9]{0,2}(?:[ \u00a0\u202f][0-9]{3})+(?![0-9])|[0-9]*)(?:\.[0-9]+)?"
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WORD_TOKEN = re.compile(r"[A-Za-z]+")
_CURRENCY_BEFORE = CURRENCY_BEFORE
# Read at a number's start: clock times, read times, phone numbers (at least eight digits).
_TIME_AT = re.compile(
    r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[ \t]?[AaPp]\.?[Mm]\b\.?)?"
    r"|[0-9]{1,2}(?:[.:][0-9]{2})?[ \t]?(?:[ap]\.m\.?|[AP]\.M\.?|[ap]m\b|[AP]M\b)"
    r"|[0-9]{1,2}[ \t]?o['’]clock\b"
    r"|[0-9]{3,4}[ \t]?(?:GMT|UTC|CET|CEST|EET|EEST|BST|MSK)\b"
    r"|[0-9]{1,3}[ \t]?-?[ \t]?(?i:min|mins|minute|minutes)\.?[ \t]+(?i:read)\b"
)
_PHONE_AT = re.compile(
    r"(?:\+|00)[0-9]{1,3}(?:[ .-]?\(?[0-9]{2,4}\)?){2,5}\b"  # +380 44 123 4567
    r"|\(?[0-9]{3}\)?[ .-][0-9]{3}[.-][0-9]{4}\b"  # (202) 555-0100
)
_URL = re.compile(r"(?:https?://|www\.)[^\s]+")
_LETTERS = re.compile(r"[A-Za-z]+")
_SCALE_WORDS = [w for w in SCALES if len(w) > 3]  # "hundred", "million": any case
_SCALE_AFTER = re.compile(rf"(?:{_S}{{1,2}}|-)(?P<w>(?i:{alt(_SCALE_WORDS)})|{alt(SCALE_LETTERS - {'k'})})\b")
_SIGN_AFTER = re.compile(r"[ \t]?(?P<s>[%€£₴₽])")
_MULTIWORD = alt(MULTIWORD_UNITS).replace(r"\ ", r"[ \t-]")  # "Indian rupees", "per-cent", "square miles"
_UNIT_AFTER = re.compile(
    rf"(?P<sep>{_S}{{1,2}}|-)(?P<u>(?i:{_MULTIWORD})(?![A-Za-z])|(?i:per[ \t-]cent|percentage[ \t]points?"
    rf"|(?:square|sq\.?)[ \t](?:kilomet(?:er|re)s?|km|miles?|mi|met(?:er|re)s?|m)"
    rf"|(?:U\.?S\.?|US|American|Canadian|Australian)[ \t]dollars?|Swiss[ \t]francs?|pounds?[ \t]sterling"
    rf"|metric[ \t]tons?|(?:kilomet(?:er|re)s|miles)[ \t]per[ \t]hour)|km/h|[A-Za-z]+²?[0-9]?)(?![A-Za-z])"
)
_NEXT_WORD = re.compile(rf"{_S}{{1,3}}(?P<w>[A-Za-z][A-Za-z0-9'’-]*)")
_NOUN_TOKEN = re.compile(rf"{_S}{{1,3}}(?P<w>[A-Za-z0-9][A-Za-z0-9'’-]*)")  # model codes ("2A6") may sit in between
_OF_AFTER = re.compile(rf"{_S}{{1,2}}of\b")
# A calibre, not a length: millimetres or centimetres hyphen-joined ("152-mm") or naming a weapon or its ammunition
# ("155mm shells", "155 mm calibre ammunition", "a 120mm mortar round"); "30 cm of snow" is a length.
_ARMAMENT = (
    "calibre caliber shell shells round rounds ammunition munition munitions artillery gun guns howitzer howitzers "
    "cannon cannons mortar mortars rifle rifles rocket rockets projectile projectiles grenade grenades bullet bullets "
    "cartridge cartridges machine-gun machine-guns"
).split()
_CALIBRE = re.compile(
    rf"-(?:mm|cm)\b|{_S}?(?:mm|cm)(?:{_S}{{1,2}}[A-Za-z-]+){{0,2}}?{_S}{{1,2}}(?i:{alt(_ARMAMENT)})\b"
)
# Degrees of temperature right after the figure: "40°C", "-5 °C", "104ºF" ("40°" alone: degrees).
_DEGREE_SIGN = re.compile(r"[ \t]?[°º](?:[ \t]?(?P<scale>[CF])(?![A-Za-z]))?")
_PER = PER_AFTER
_AGO = re.compile(rf"{_S}{{1,2}}ago\b")
_MONTH_AFTER = re.compile(rf"(?:{_S}{{1,2}}|-)(?:of{_S}{{1,2}})?(?:{alt(_MONTHS)})\b")
_DOTTED_AFTER = re.compile(r"[./][0-9]{1,4}[./][0-9]{2,4}(?![0-9])|\.[0-9]+\.[0-9]")  # "03.02.2023", "1.2.3"
_OF_SCALE = re.compile(rf"{_S}{{1,2}}of{_S}{{1,2}}an?{_S}{{1,2}}(?i:{alt(BIG)})\b")
_CONVERSION_GAP = re.compile(rf"{_S}{{0,2}}\({_S}{{0,2}}(?:(?i:or|about|around|roughly|some){_S}{{1,2}})?")
# The unit a fraction is of: "half a year", "a quarter of a percentage point", "three-quarters of a mile".
_FRACTION_UNITS = (*_AUNITS, "percentage point")
_HALF_UNIT = re.compile(rf"{_S}{{1,2}}an?{_S}{{1,2}}(?P<u>{alt(_FRACTION_UNITS, spaced=True)})\b")
_OF_A_UNIT = re.compile(rf"{_S}{{1,2}}of{_S}{{1,2}}an?{_S}{{1,2}}(?P<u>{alt(_FRACTION_UNITS, spaced=True)})\b")
_SHARE_AFTER = re.compile(rf"{_S}{{1,2}}(?:of|the)\b")
_CARDINAL = rf"(?:[0-9]|(?i:{alt([*SMALL, *TENS])})\b)"  # where a cardinal number starts: a digit or a number word
_CARDINAL_AFTER = re.compile(rf"{_S}{{1,2}}{_CARDINAL}")
_DOT_DIGIT = re.compile(r"\.[0-9]")
_FRACTION_AFTER = re.compile(r"[ \t][0-9]{1,2}/[0-9]{1,2}(?![0-9])")
_TO_GAP = re.compile(rf"{_S}{{1,2}}to{_S}{{1,2}}(?:(?i:{alt(QUALIFIERS, spaced=True)}){_S}{{1,3}})?")
_RANGE_GAP = re.compile(rf"{_S}{{0,2}}[-–—]{_S}{{0,2}}|-?{_S}{{1,2}}to{_S}{{1,2}}")
_AND_GAP = re.compile(rf"{_S}{{1,2}}and{_S}{{1,2}}")
# "one in five Ukrainians", "one out of 10": "one" is a figure of the share (each number is one)
_MORE_OR_FEWER = frozenset({"more", "fewer", "less", "other"})
_ONE_SHARE = re.compile(rf"{_S}{{1,2}}(?:in|out{_S}{{1,2}}of){_S}{{1,2}}(?:every{_S}{{1,2}})?{_CARDINAL}")
_PART_OF_GAP = re.compile(rf"{_S}{{1,2}}of{_S}{{1,2}}(?:{alt(DETERMINERS | {'all', 'some'})}){_S}{{1,2}}")
_WORD_AFTER = re.compile(rf"{_S}{{1,2}}([A-Za-z]+)\b")
# A comparison that keeps the rate: "..., up from $3", "... to $5", "compared with $3", "against $3".
_COMPARED_GAP = re.compile(
    rf"(?:^{_S}*,?{_S}*(?:(?i:up|down|rising|falling|increasing|decreasing){_S}+)?from{_S}*$"
    rf"|^{_S}+to{_S}*$|^{_S}*,?{_S}*(?i:compared{_S}+(?:with|to)|against|versus|vs\.?){_S}*$)"
)
# "killing three people and wounding 14", "killed 3 soldiers and injured 14": coordinated verbs of one form
_QUALIFIED = rf"(?:(?i:{alt(QUALIFIERS, spaced=True)}){_S}{{1,3}})?"
_VERB_GAP = re.compile(rf"{_S}{{0,2}},?{_S}{{0,2}}and{_S}{{1,2}}([a-z]{{2,}}(ing|ed)){_S}{{1,2}}{_QUALIFIED}")
_VERB_BEFORE = re.compile(rf"([a-z]{{2,}}(ing|ed)){_S}{{1,2}}{_QUALIFIED}$")
# "three people were killed and nine injured", "... and at least 10 were wounded": coordinated passives
_AUXILIARY = rf"(?:(?:have|has|had){_S}{{1,2}})?(?:{alt(BE)})"
_PARTICIPLE = rf"(?:[a-z]{{2,}}ed|{alt(PARTICIPLES)})"
_PASSIVE_GAP = re.compile(
    rf"{_S}{{1,2}}{_AUXILIARY}{_S}{{1,2}}{_PARTICIPLE}{_S}{{0,2}},?{_S}{{0,2}}and{_S}{{1,2}}{_QUALIFIED}"
)
_PARTICIPLE_AFTER = re.compile(rf"{_S}{{1,2}}(?:{_AUXILIARY}{_S}{{1,2}})?{_PARTICIPLE}\b")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.'’-")
_QUALIFIER_SET = frozenset(QUALIFIERS)
_WINDOW = 48  # characters looked at before a candidate
_MAX_DIGITS = Decimal(10**15)  # longer digit runs are ids; keeps every value a finite float


# ---------------------------------------------------------------------------------------------
# Internal records


@dataclass
class _Atom:
    """One number as found, before ranges are joined and units read."""

    start: int
    end: int
    value: Decimal
    kind: str  # digit | word | ordinal | aunit
    currency: str | None = None
    percent: bool = False
    scale: int = 1
    unit: str | None = None  # fixed by the number itself: ordinal, "15km", "a year"
    after: int = -1  # where unit words and the counted noun are looked for
    no_noun: bool = False  # hyphen-joined to a non-unit word ("27-member"): a count
    is_one: bool = False  # the bare word "one": kept only before a noun
    vague: bool = False  # "thousands", "billions": the class's lower bound, approximate
    reject: bool = False
    chain: bool = True  # a rejection spreads to dash-joined neighbours (years, dates, names)


@dataclass
class _Item:
    """A reported figure (a number or a range) with its unit read."""

    start: int
    end: int
    value: Decimal
    value_max: Decimal | None
    unit: str
    tail: int  # end of the unit word or counted noun
    per: str | None
    qualifier: str | None
    count_like: bool  # plain count: may take a neighbour's unit
    noun: bool = False  # the unit is the counted noun as written ("troops")


class _Spans:
    """Spans answering 'does (s, e) overlap any?' in O(log n)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted((s, e) for s, e in spans if e > s)
        self.starts = [s for s, _ in self.spans]
        self.max_end: list[int] = []
        best = -1
        for _, e in self.spans:
            best = max(best, e)
            self.max_end.append(best)

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_left(self.starts, e) - 1  # the last span starting before e
        return i >= 0 and self.max_end[i] > s


# ---------------------------------------------------------------------------------------------
# Entry point


def find_quantities(text: str, exclude: Sequence[tuple[int, int]] = ()) -> list[Quantity]:
    """Every figure in ``text`` outside the ``exclude`` spans (dates), sorted by start, non-overlapping."""
    excluded = _Spans(exclude)
    dead = _Spans([*exclude, *((m.start(), m.end()) for m in _URL.finditer(text))])
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two ("İ"): keep offsets, fold ASCII only
        low = text.translate(_ASCII_LOWER)
    starts = sorted(  # two sorted runs: one merge
        [(m.start(), m.end(), False) for m in _NUMBER.finditer(text)]
        + [(m.start(), m.end(), True) for m in _WORD_START.finditer(low)]
    )
    atoms: list[_Atom] = []
    skip_until = -1  # end of the last clock time, phone number or number-word run
    for s, e, is_word in starts:
        if s < skip_until:
            continue
        if is_word:
            new, skip_until = _word_candidate(text, low, s, e)
            atoms.extend(new)
            continue
        skip = _time_or_phone(text, s)
        if skip:
            skip_until = skip
        else:
            atoms.append(_digits(text, s, e))
    for a in atoms:
        if not a.reject and dead.overlaps(a.start, a.end):
            a.reject = True
    _spread_rejections(text, atoms)
    items = _join_ranges(text, _minus_words(text, [a for a in atoms if not a.reject]))
    _inherit_units(text, items)
    _inherit_others(text, items)
    _inherit_qualifiers(text, items)
    items = _join_subunits(text, items)
    _inherit_per(text, items)
    out: list[Quantity] = []
    last_end = -1
    for it in sorted(items, key=lambda i: i.start):
        if it.start < last_end or excluded.overlaps(it.start, it.end):
            continue
        out.append(
            Quantity(
                start=it.start,
                end=it.end,
                surface=text[it.start : it.end],
                value=float(it.value),
                value_max=None if it.value_max is None else float(it.value_max),
                unit=it.unit,
                per=it.per,
                approx=it.qualifier is not None,
                qualifier=it.qualifier,
            )
        )
        last_end = it.end
    return out


def _time_or_phone(text: str, s: int) -> int:
    """End of a clock time, read time or phone number starting at the digits at ``s``, else 0."""
    if s > 0 and (text[s - 1].isalnum() or text[s - 1] in ".,"):
        return 0
    m = _TIME_AT.match(text, s, s + 24)
    if m:
        return m.end()
    p = s - 1 if s > 0 and text[s - 1] in "+(" else s
    m = _PHONE_AT.match(text, p, p + 40)
    if m and sum(c.isdigit() for c in m.group()) >= 8:
        return m.end()
    return 0


# ---------------------------------------------------------------------------------------------
# Candidates -> atoms


def _word_candidate(text: str, low: str, s: int, e: int) -> tuple[list[_Atom], int]:
    """Atoms from a word that can start a figure, and the end of what it consumed."""
    w = low[s:e]
    if w in TENS and low.startswith("-", e):  # "twenty-first"
        nxt = _LETTERS.match(low, e + 1, e + 12)
        if nxt and nxt.group() in ORD_UNITS:
            return [_ordinal_word(text, s, nxt.end(), TENS[w] + ORDINALS[nxt.group()])], nxt.end()
    if w in ORDINALS:
        return [_ordinal_word(text, s, e, ORDINALS[w])], e
    if w in _FOLDS:
        return [_Atom(s, e, Decimal(_FOLDS[w]), "aunit", unit="times", after=e, chain=False)], e
    if w == "half":
        return _half(text, s, e), s  # s: "half a million" is read from its scale word
    if w == "quarter":  # not "a quarter century": _is_share
        share = _fraction_share(text, s, e, DENOMINATORS[w])
        return [share] if share else [], e
    if w in MAGNITUDES or w == "tens":
        return _magnitude(text, low, s, e, w)
    if w in UNIT_WORDS:
        return _a_unit(text, s, e, w), e
    end = _WORDS_TAIL.match(low, e).end()
    return _number_words(text, s, end), end


def _magnitude(text: str, low: str, s: int, e: int, word: str) -> tuple[list[_Atom], int]:
    """'thousands of rounds', 'billions in aid', 'hundreds of thousands': a vague magnitude is the lower
    bound of its class, approximate; 'billions of dollars' takes the currency. Not after a number
    ('two hundreds') nor inside a name."""
    value, end = Decimal(MAGNITUDES.get(word, 10)), e
    inner = _OF_MAGNITUDE.match(low, e, e + 20)
    if inner:
        value, end = value * MAGNITUDES[inner.group("m")], inner.end()
    elif word == "tens" or (word == "scores" and not _OF_UNIT.match(low, e, e + 30)):
        return [], e  # "tens" alone is no figure, nor "scores" but as "scores of people"
    prev = _prev_word(text, s)
    if prev and (prev[0].lower() in SMALL or prev[0].lower() in TENS or prev[0][-1:].isdigit()):
        return [], end
    atom = _Atom(s, end, value, "word", after=end, vague=True, chain=False)
    of = _OF_UNIT.match(low, end, end + 30)
    unit = _unit_word(of.group("u"), 10**6) if of else None
    if of and unit and unit[0] == MONEY:
        atom.currency, atom.after = unit[1], of.end()
    elif of:
        atom.after = of.start("u") - 1  # "thousands of rounds": the counted noun follows "of"
    return [atom], end


def _half(text: str, s: int, e: int) -> list[_Atom]:
    """'half of which', 'around half the troops', 'fell by half', 'cut in half': a share (unit ``times``),
    approximate only after a qualifier; 'half a year' is 0.5 years."""
    unit = _HALF_UNIT.match(text, e, e + 30)
    if unit:
        return [_Atom(s, unit.end(), Decimal("0.5"), "aunit", unit=_unit_named(unit), chain=False)]
    prev = _prev_word(text, s)
    by_half = prev is not None and prev[0].lower() in ("by", "in") and _is_share(text, e)  # "fell by half"
    if not (by_half or _SHARE_AFTER.match(text, e, e + 8)) or (text[s].isupper() and not _sentence_start(text, s)):
        return []
    if prev and (prev[0].lower() in DETERMINERS or prev[0].lower() in ORDINALS):
        return []  # "the second half of the year": a period, not a share
    return [_Atom(s, e, Decimal("0.5"), "aunit", unit="times", after=e, chain=False)]


def _a_unit(text: str, s: int, e: int, word: str) -> list[_Atom]:
    """'nearly a year', 'about an hour': one unit counts only after a qualifier."""
    art = _prev_word(text, s)
    if art is None or art[0].lower() not in ("a", "an") or _qualifier(text, art[1]) is None:
        return []
    return [_Atom(art[1], e, Decimal(1), "aunit", unit=UNIT_WORDS[word][1], after=e, chain=False)]


def _ordinal_word(text: str, s: int, e: int, value: int) -> _Atom:
    """'the first anniversary': a word ordinal after a determiner; not 'at first', 'First,' or 'first-ever'."""
    prev = _prev_word(text, s)
    det = prev[0].lower() if prev else ""
    if text[s:e] in FRACTIONS and (share := _fraction_share(text, s, e, value)):
        return share  # "a third of the daily amount", "cut by a third"; "a third of a million" is refused below
    ok = (
        text[s:e].islower()
        and (det in DETERMINERS or det.endswith(("'s", "’s")))
        and not text.startswith("-", e)
        and not _MONTH_AFTER.match(text, e, e + 24)
        and not _CARDINAL_AFTER.match(text, e, e + 30)  # "the first eight packages": a selection
        and not (det in ("a", "an") and text[s:e] in FRACTIONS and _is_share(text, e))  # "a third of"
    )
    return _Atom(s, e, Decimal(value), "ordinal", unit="ordinal", after=e, reject=not ok, chain=False)


def _is_share(text: str, end: int) -> bool:
    """After a fraction word ("a third", "two-thirds"): a share when "of" follows ("a third of the budget") or no
    noun it could number does ("cut by a third", "by a third last year"); "a third term", "a third and final
    round" are ordinals, "a quarter-century", "a fifth-generation jet" compounds."""
    if text.startswith("-", end):
        return False
    if _OF_AFTER.match(text, end, end + 8):
        return True
    nxt = _NEXT_WORD.match(text, end, end + 40)
    if nxt is None:
        return True
    w = nxt.group("w").lower()
    if w in ("and", "or"):  # "by a fifth and imports by a quarter"; not "a third and final round"
        then = _NEXT_WORD.match(text, nxt.end(), nxt.end() + 40)
        return then is None or then.group("w").lower() not in {"final", "last", *ORDINALS}
    return w in _FUNCTION


def _fraction_share(text: str, s: int, e: int, denominator: int) -> _Atom | None:
    """The share a fraction word at text[s:e] names after "a", "an" or "one" ('a third of the budget', 'fell by
    a quarter': 1/denominator, unit ``times``, spanning the article), when ``_is_share``; None otherwise, and
    before a scale ('a quarter of a million', which the scale word reads)."""
    prev = _prev_word(text, s)
    if prev is None or prev[0].lower() not in ("a", "an", "one"):
        return None
    if of := _OF_A_UNIT.match(text, e, e + 40):  # "a quarter of a percentage point": 0.25 percentage points
        return _Atom(prev[1], of.end(), 1 / Decimal(denominator), "aunit", unit=_unit_named(of), chain=False)
    if not _is_share(text, e) or _OF_SCALE.match(text, e, e + 20):
        return None
    return _Atom(prev[1], e, Decimal(1) / Decimal(denominator), "aunit", unit="times", after=e, chain=False)


def _unit_named(m: re.Match[str]) -> str:
    """The unit of a fraction's "of a ..." or "half a ..." (``_FRACTION_UNITS``, all unit words)."""
    found = _unit_word(m.group("u"), 1)
    assert found is not None, m.group("u")
    return found[1]


def _number_words(text: str, start: int, end: int) -> list[_Atom]:
    """Split a run of number words into numbers: 'a hundred and two' -> 102; 'two three' -> 2, 3."""
    toks = [(t.group().lower(), t.start(), t.end()) for t in _WORD_TOKEN.finditer(text, start, end)]
    lead = _prev_word(text, start)  # "a dozen", "half a million", "a quarter of a million"
    part: tuple[int, Decimal] | None = None
    if lead and lead[0].lower() in ("a", "an"):
        half = _prev_word(text, lead[1])
        if half and half[0].lower() == "half":
            toks.insert(0, ("half", half[1], half[1] + 4))
            toks.insert(1, ("a", lead[1], lead[1] + len(lead[0])))
        else:
            toks.insert(0, ("a", lead[1], lead[1] + len(lead[0])))
            part = _part_of(text, half)
    words = [t[0] for t in toks]
    out: list[_Atom] = []
    i = 0
    while i < len(toks):
        parsed = _parse_words(words, i)
        if parsed is None:
            i += 1
            continue
        first, j, value = parsed
        s = toks[first][1]
        if part is not None and first == 0 and words[0] == "a":
            s, value = part[0], value * part[1]
        if value or part is None or first != 0:
            out.append(_word_atom(text, s, toks[j - 1][2], value, j - first == 1 and words[first] == "one"))
        i = j
    return out


def _part_of(text: str, of: tuple[str, int] | None) -> tuple[int, Decimal] | None:
    """'a quarter of' / 'three quarters of' / 'a third of' before 'a million': (start, share)."""
    if of is None or of[0].lower() != "of":
        return None
    frac = _prev_word(text, of[1])
    if frac is None:
        return None
    count_word, _, word = frac[0].lower().rpartition("-")  # "two-thirds", "three-quarters"
    if word not in FRACTIONS:
        return None
    count = (count_word, frac[1]) if count_word else _prev_word(text, frac[1])
    n = ({"a": 1, "an": 1} | SMALL).get(count[0].lower(), 0) if count else 0
    if n == 0:
        return of[1], Decimal(0)
    return count[1] if count else frac[1], Decimal(n) / DENOMINATORS[word]


def _parse_words(words: list[str], i: int) -> tuple[int, int, Decimal] | None:
    """Parse one number from ``words[i]``: (first index, index after it, value), or None."""
    n = len(words)
    mult, k, lead = Decimal(1), i, False  # "a", "an", "half a" stand for one before a scale or "dozen"
    if words[k] == "half" and k + 2 < n and words[k + 1] in ("a", "an"):
        mult, k, lead = Decimal("0.5"), k + 2, True
    elif words[k] in ("a", "an") and k + 1 < n:
        k, lead = k + 1, True
    total, cur, last, top = Decimal(0), Decimal(0), "", 10**15
    j = k
    while j < n:
        w, started = words[j], last != ""
        if w == "and":
            if started and words[j + 1 : j + 3] == ["a", "half"] and last in ("unit", "teen", "tens"):
                cur, last, j = cur + Decimal("0.5"), "half", j + 3
                continue
            if last in ("hundred", "scale") and j + 1 < n and (words[j + 1] in SMALL or words[j + 1] in TENS):
                j += 1
                continue
            break
        if w in SMALL or w in TENS:
            v = SMALL[w] if w in SMALL else TENS[w]
            step = "tens" if w in TENS else ("unit" if 0 < v < 10 else "teen")
            if not started and not lead:
                cur, last = Decimal(v), step
            elif last == "tens" and step == "unit":
                cur, last = cur + v, "unit"
            elif last in ("hundred", "scale") and cur % 100 == 0:
                cur, last = cur + v, step
            else:
                break
        elif w == "hundred" and ((lead and not started) or (last in ("unit", "teen", "tens") and 0 < cur < 100)):
            cur, last = (cur if started else Decimal(1)) * 100, "hundred"
        elif w in BIG and ((lead and not started) or (started and last != "scale" and cur > 0 and BIG[w] < top)):
            total += (cur if started else Decimal(1)) * BIG[w]
            cur, last, top = Decimal(0), "scale", BIG[w]
        elif w == "dozen" and ((lead and not started) or (last in ("unit", "teen") and cur < 100)):
            cur, last = (cur if started else Decimal(1)) * 12, "dozen"
        else:
            break
        j += 1
    if last == "":
        return _parse_words(words, k) if lead else None
    return i, j, (total + cur) * mult


def _word_atom(text: str, s: int, e: int, value: Decimal, is_one: bool) -> _Atom:
    """A number in words; rejected as a fraction, a compound adjective or part of a name."""
    atom = _Atom(s, e, value, "word", after=e, is_one=is_one)
    if text.startswith("-", e):  # "two-year" and "ten-percent" are figures; "one-off" is not
        nxt = _LETTERS.match(text, e + 1, e + 40)
        unit = UNIT_WORDS.get(nxt.group().lower()) if nxt else None
        if nxt and _share(text, atom, nxt.group().lower(), nxt.end()):
            return atom  # "two-thirds of Ukrainians"
        if nxt is None or unit is None or unit[0] == MONEY:
            atom.reject = True
        else:
            atom.unit, atom.percent, atom.after = unit[1], unit[0] == PERCENT, nxt.end()
        return atom
    follow = _NEXT_WORD.match(text, e, e + 40)
    if follow and follow.group("w").lower() in FRACTIONS:  # "two thirds of"
        atom.reject = not _share(text, atom, follow.group("w").lower(), follow.end())
    elif text[s].isupper() and not _sentence_start(text, s) and not (follow and follow.group("w")[0].isupper()):
        atom.reject = True  # "Group of Seven", "Formula One"
    else:
        _scale_and_signs(text, atom)
    return atom


def _share(text: str, atom: _Atom, fraction: str, end: int) -> bool:
    """Turn ``atom`` into the share "two-thirds of" / "three quarters of" / "fell by two-thirds" names (unit
    ``times``, ``_is_share``); "two thirds of a million" is left to the scale."""
    if fraction not in DENOMINATORS:
        return False
    of = _OF_A_UNIT.match(text, end, end + 40)  # "three-quarters of a mile": 0.75 mi
    if of is None and (not _is_share(text, end) or _OF_SCALE.match(text, end, end + 20)):
        return False
    end = of.end() if of else end
    atom.value, atom.kind, atom.unit, atom.end, atom.after = (
        atom.value / DENOMINATORS[fraction],
        "aunit",
        _unit_named(of) if of else "times",
        end,
        end,
    )
    return True


def _digits(text: str, ns: int, ne: int) -> _Atom:
    """A digit number with its currency sign, scale and percent sign; names, dates and times rejected."""
    num = text[ns:ne]
    start, neg = ns, ns > 0 and text[ns - 1] in "-−"
    if neg:  # a minus after a space, bracket or currency sign; not the dash of "F-16" or "10 - 20"
        before = text[max(0, ns - 5) : ns - 1].rstrip(" \t")
        neg = (ns == 1 or text[ns - 2] in " \t\n([$€£¥₴₽") and not (before[-1:].isdigit() or before[-1:] == "%")
        start = ns - 1 if neg else ns
    cur = _CURRENCY_BEFORE.search(text, max(0, start - 6), start) if start > 0 else None
    value = Decimal(num.replace(",", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", ""))
    atom = _Atom(cur.start() if cur else start, ne, -value if neg else value, "digit", after=ne)
    if cur:
        sign = cur.group().strip()
        atom.currency = CURRENCY_SIGNS.get(sign) or RUPEE_PREFIXES.get(sign) or sign
    plain = num.isdigit()
    if (plain and len(num) > 1 and num[0] == "0") or value >= _MAX_DIGITS:
        atom.reject = True  # "06", "000", "12345678901234567890": codes and ids, not figures
        return atom
    suffix = _LETTERS.match(text, ne, ne + 12)
    if suffix:
        _attached(text, atom, suffix)
        if atom.reject:
            return atom
    else:
        _scale_and_signs(text, atom)
    if atom.kind == "ordinal" and (text.startswith("-", atom.end) or _names_unit(text, atom.end, _MILITARY_UNITS)):
        atom.reject = True  # "21st-century", "the 93rd Mechanized Brigade", "2nd Stryker Brigade"
    bare = not (atom.currency or atom.percent or atom.scale != 1 or atom.unit)
    dotted = _DOTTED_AFTER.match(text, ne) or ("." in num and _DOT_DIGIT.match(text, ne))
    if bare and (_is_marker(text, ns, ne) or dotted or _names_unit(text, ne, _UNIT_NAMES, 1)
                 or _is_address(text, ne)):  # fmt: skip
        atom.reject = True  # "[3]", "25.01.23", "1-21 Infantry", "10 Downing Street"
        return atom
    prev = _prev_word(text, start)
    year_like = bare and plain and len(num) == 4 and 1900 <= int(num) <= 2099
    if (
        _is_name_number(text, ns, ne, prev if bare or atom.kind == "ordinal" else None)
        or _is_date_day(text, prev, atom)
        or (year_like and _is_year(text, ns, ne))
    ):
        atom.reject = True
    elif (bare or atom.unit in ("mm", "cm")) and _CALIBRE.match(text, ne, ne + 60):
        atom.reject = True  # calibres: "155 mm shells", "152-mm"
    elif bare and text.startswith("-", atom.end):
        hyph = _LETTERS.match(text, atom.end + 1, atom.end + 40)
        if hyph and hyph.group().lower() not in UNIT_WORDS:
            atom.no_noun = True  # "a 27-member bloc"
    return atom


def _is_address(text: str, e: int) -> bool:
    """A street's name follows: a capitalised word, then a street type within two more ("10 Downing Street",
    "1600 Pennsylvania Avenue"); "500 Street Vendors" in a headline is no address."""
    first = _NEXT_WORD.match(text, e, e + 40)
    if not first or not first.group("w")[:1].isupper() or first.group("w") in _STREETS:
        return False
    return _names_unit(text, first.end(), _STREETS, 2)


def _is_marker(text: str, s: int, e: int) -> bool:
    """A footnote or reference marker: one to three digits alone in square brackets ("... the VDV.[1]")."""
    return e - s <= 3 and text[s - 1 : s] == "[" and text[e : e + 1] == "]"


def _names_unit(text: str, pos: int, heads: frozenset[str], words: int = 3) -> bool:
    """A military unit's name follows: up to ``words`` capitalised words ending at one of ``heads``
    ("2nd Stryker Brigade Combat Team", "93rd Mechanized Brigade", "1-21 Infantry")."""
    for _ in range(words):
        follow = _NEXT_WORD.match(text, pos, pos + 40)
        if not follow or not follow.group("w")[:1].isupper():
            return False
        if follow.group("w") in heads:
            return True
        pos = follow.end()
    return False


def _attached(text: str, atom: _Atom, suffix: re.Match[str]) -> None:
    """Letters glued to the digits: an ordinal, a scale, a unit; anything else makes a model name."""
    suf, end = suffix.group(), suffix.end()
    if suf in ("km", "m") and text[end : end + 1] in ("2", "²"):
        suf, end = suf + text[end], end + 1
    if text[end : end + 1].isdigit() or text[end : end + 1] in ("_", "²", "^"):
        atom.reject = True  # "2A6", "06F6", "4km^3"
        return
    low = suf.lower()
    if suf in ("st", "nd", "rd", "th") and not atom.currency:
        atom.kind, atom.unit, atom.end, atom.after = "ordinal", "ordinal", end, end
    elif low in SCALE_LETTERS or (atom.currency and low in ("m", "b", "t")):
        _scale(atom, SCALES[low], end)
    elif suf == "p" and not atom.currency and atom.scale == 1:  # "20p": pence
        atom.value, atom.currency, atom.end, atom.after = atom.value / 100, SUBUNITS["p"], end, end
    elif suf in ("C", "F") and not atom.currency and atom.scale == 1 and not _labelled(text, atom.start):
        atom.unit, atom.after = "°" + suf, end  # "40C", "104F"; not "Seat 4C"
    elif suf == "m" and _plural_follows(text, end):
        _scale(atom, 10**6, end)  # "8m refugees", "20m tonnes"
    elif suf in UNIT_ABBR and not (atom.currency and UNIT_ABBR[suf][0] == MONEY):
        kind, unit = UNIT_ABBR[suf]
        if kind == MONEY:
            atom.currency = unit
        elif kind == PERCENT:
            atom.percent = True
        else:
            atom.unit = unit
        atom.after = end
    else:
        atom.reject = True  # "5G", "1990s", "4x4", "155mm"


def _scale(atom: _Atom, scale: int, end: int) -> None:
    atom.scale, atom.value = scale, atom.value * scale
    atom.end = atom.after = end


def _scale_and_signs(text: str, atom: _Atom) -> None:
    """'2.5 million', '15%', '-15€' extend the span; a scale word multiplies the value."""
    sc = _SCALE_AFTER.match(text, atom.end, atom.end + 20)
    if sc:
        _scale(atom, SCALES[sc.group("w").lower()], sc.end())
        more = _SCALE_AFTER.match(text, atom.end, atom.end + 20)  # "1.5 lakh crore": a larger scale multiplies
        factor = SCALES[more.group("w").lower()] if more else 1
        if more and factor > atom.scale:
            atom.value, atom.scale = atom.value * factor, atom.scale * factor
            atom.end = atom.after = more.end()
    sign = _SIGN_AFTER.match(text, atom.end, atom.end + 3)
    if sign and sign.group("s") == "%":
        atom.percent = True
        atom.end = atom.after = sign.end()
    elif sign and not atom.currency:
        atom.currency = CURRENCY_SIGNS[sign.group("s")]
        atom.end = atom.after = sign.end()
    elif not atom.currency and (deg := _DEGREE_SIGN.match(text, atom.end, atom.end + 4)):
        atom.unit, atom.after = {"C": "°C", "F": "°F"}.get(deg.group("scale") or "", "degrees"), deg.end()


def _labelled(text: str, pos: int) -> bool:
    """A label before the figure: a capitalised word not opening the sentence ("Seat 4C", "Block 9F") or a noun that
    takes a code ("flat 4C", "gate 12F")."""
    prev = _prev_word(text, pos)
    if prev is None:
        return False
    return prev[0].lower() in _LABEL_NOUNS or (prev[0][:1].isupper() and not _sentence_start(text, prev[1]))


# Nouns written before a letter-and-number code: "flat 4C", "seat 12F", "size 8C", "grade 5F".
_LABEL_NOUNS = frozenset(
    "flat apartment room seat gate block unit suite floor level platform row bay terminal section size grade class"
    " type model form box lot plot ward cell bed page figure table chapter annex article route bus line channel"
    " court hall building house studio stand zone sector square no number".split()
)


def _plural_follows(text: str, pos: int) -> bool:
    nxt = _NEXT_WORD.match(text, pos, pos + 40)
    return nxt is not None and nxt.group("w").islower() and is_plural(nxt.group("w"))


# ---------------------------------------------------------------------------------------------
# Context tests


def _prev_word(text: str, pos: int) -> tuple[str, int] | None:
    """The word right before ``pos`` on the same line (one or two spaces between) and its start."""
    j = pos
    while j > 0 and pos - j < 3 and text[j - 1] in _SPACES:
        j -= 1
    if j == pos or (j > 0 and text[j - 1] in _SPACES):
        return None
    k = j
    while k > 0 and j - k < _WINDOW and text[k - 1] in _WORD_CHARS:
        k -= 1
    while k < j and not text[k].isalnum():
        k += 1
    return (text[k:j], k) if k < j else None


def _sentence_start(text: str, pos: int) -> bool:
    """True when only spaces, an opening quote or bracket or a sentence end precede ``pos``."""
    i = pos - 1
    while i >= 0 and pos - i <= _WINDOW and text[i] in _SPACES:
        i -= 1
    return i < 0 or text[i] in '.!?:;\n"“”‘’(['


def _is_name_number(text: str, s: int, e: int, prev: tuple[str, int] | None) -> bool:
    """Digits inside a name or model: 'F-16', 'G7', 'COVID-19', 'Article 5', 'Leopard 2', '#5', '1/2'.
    ``prev`` is the word before a bare number (None for money, percentages and measures)."""
    p1, p2 = text[s - 1 : s] or " ", text[s - 2 : s - 1] or " "
    n1, n2 = text[e : e + 1] or " ", text[e + 1 : e + 2] or " "
    if p1.isalpha() or p1 in "#№_/@\\×^" or (p1 in "'’" and not p2.isalpha()):
        return True
    if (p1 in "-‑−" and (p2.isalpha() or p2 in "/_")) or (p1 in "+.:" and p2.isalnum()):
        return True
    if (n1 in "/:" and n2.isdigit()) or n1 in "×^" or (n1 == " " and _FRACTION_AFTER.match(text, e, e + 8)):
        return True
    if prev is None or prev[0].endswith(("'s", "’s")):
        return False
    word, word_start = prev
    if word == "of" and (_prev_word(text, word_start) or ("", 0))[0] in _GROUP_HEADS:
        return True  # "Group of 7", "Club of 20"
    if word.rstrip(".") in _NAME_HEADS:
        return True
    if any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
        return True  # "i7 860"
    if word[:1].islower() and any(c.isupper() for c in word[1:]):
        return True  # a brand in camel case: "iPhone 15", "eVTOL 2"
    if not word[0].isupper() or word.rstrip(".") in _MONTHS or word.lower() in _QUALIFIER_SET:
        return False
    if _sentence_start(text, word_start):
        return False  # "In 2022", "Some 50"
    follow = _NEXT_WORD.match(text, e + 1 if text.startswith("+", e) else e, e + 40)
    return not (follow and follow.group("w")[0].isupper())  # title-case headline: not a name


def _is_date_day(text: str, prev: tuple[str, int] | None, atom: _Atom) -> bool:
    """The day of a date the caller did not exclude: 'February 3', 'Feb. 3', '3 February', '24th of Feb'."""
    if atom.currency or atom.percent or atom.scale != 1 or not 1 <= atom.value <= 31 or atom.value % 1:
        return False
    if prev is not None and prev[0].rstrip(".") in _MONTHS:
        return True
    return _MONTH_AFTER.match(text, atom.end, atom.end + 24) is not None


def _is_year(text: str, s: int, e: int) -> bool:
    """A bare 1900-2099 is no figure when the date rules read a year, a name or a clock time there
    (one decision for both extractors: etl.extract.dates.year_reading)."""
    return year_reading(text, s, e) in ("year", "name", "time")


def _qualifier(text: str, pos: int) -> str | None:
    """The qualifier right before ``pos`` ('about', 'up to', 'no more than'), lower-cased, or None."""
    words: list[str] = []
    p = pos
    for _ in range(3):
        prev = _prev_word(text, p)
        if prev is None or not prev[0].isalpha():
            break
        words.insert(0, prev[0].lower())
        p = prev[1]
    for n in (3, 2, 1):
        if len(words) >= n and " ".join(words[-n:]) in _QUALIFIER_SET:
            return " ".join(words[-n:])
    return None


def _counted_noun(text: str, pos: int) -> tuple[str | None, int]:
    """The first plural-looking noun within four words, before punctuation or a function word ("more" or "fewer"
    right after the number is no stop: "2,000 more drones")."""
    p, found = pos, None
    for i in range(4):
        m = _NOUN_TOKEN.match(text, p, p + 60)
        if not m or m.group("w").isdigit():
            break
        w = m.group("w").rstrip("-")
        low = w.lower()
        if i == 0 and low in _MORE_OR_FEWER:
            p = m.end()
            continue
        if low in _FUNCTION or low in SMALL or low in TENS or low in SCALES:
            break
        if found is not None:  # a capitalised name that looks plural ("Abrams") yields to "tanks" after it
            return (low.rstrip("'’"), m.start("w") + len(w.rstrip("'’"))) if w.islower() and is_plural(w) else found
        if is_plural(w):
            noun = (low.rstrip("'’"), m.start("w") + len(w.rstrip("'’")))
            if w.islower():
                return noun
            found = noun
        p = m.end()
    return found or (None, pos)


# ---------------------------------------------------------------------------------------------
# Rejections, ranges, units


def _spread_rejections(text: str, atoms: list[_Atom]) -> None:
    """A rejected year, date day or name takes dash-joined numbers along ('2013-14', '24-25 Feb')."""
    for seq in (atoms, atoms[::-1]):
        for a, b in pairwise(seq):
            left, right = (a, b) if a.start < b.start else (b, a)
            if a.reject and a.chain and not b.reject and text[left.end : right.start] in ("-", "–", "−", "/", "."):
                b.reject = True


def _minus_words(text: str, atoms: list[_Atom]) -> list[_Atom]:
    """'minus 20 degrees': a negative figure, its span from the word; not the margin of 'plus or minus 3' nor
    the sum '10 minus 2'."""
    for a in atoms:
        prev = _prev_word(text, a.start)
        if prev is None or prev[0].lower() != "minus" or a.value <= 0 or a.kind not in ("digit", "word"):
            continue
        before = _prev_word(text, prev[1])
        if before is None or not (before[0].lower() == "or" or before[0][-1].isdigit()):
            a.start, a.value = prev[1], -a.value
    return atoms


def _join_ranges(text: str, atoms: list[_Atom]) -> list[_Item]:
    """Join 'between 10 and 20', '10-20', '10 to 20' (not after 'from'); resolve every item's unit."""
    items: list[_Item] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        item: _Item | None = None
        if b is not None and _is_range(text, a, b):
            lo = a.value * b.scale if _inherits_scale(a, b) else a.value
            a.currency = a.currency or b.currency
            item = _resolve(text, a, b, lo, b.value)
            i += 2
        else:
            if not (a.is_one and not a.unit and not _one_is_number(text, a)):
                item = _resolve(text, a, None, a.value, None)
            i += 1
        if item is not None:
            items.append(item)
    return items


def _inherits_scale(a: _Atom, b: _Atom) -> bool:
    """'$10-20 million': the low end takes the high end's scale when that keeps it lower."""
    return b.scale != 1 and a.scale == 1 and a.value * b.scale <= b.value


def _is_range(text: str, a: _Atom, b: _Atom) -> bool:
    if a.kind not in ("digit", "word") or b.kind not in ("digit", "word") or a.no_noun or a.unit or a.vague or b.vague:
        return False
    if (a.currency and b.currency and a.currency != b.currency) or (a.percent and not b.percent):
        return False
    gap = text[a.end : b.start]
    prev = _prev_word(text, a.start)
    low = prev[0].lower() if prev else ""
    if low == "from" or not (_RANGE_GAP.fullmatch(gap) or (low == "between" and _AND_GAP.fullmatch(gap))):
        return False
    if (a.currency or a.percent) and _changes(text, prev):
        return False  # "fell $2 to $81", "rose by 0.5% to 3.2%": the change and the level reached
    return (a.value * b.scale if _inherits_scale(a, b) else a.value) <= b.value


def _changes(text: str, prev: tuple[str, int] | None) -> bool:
    """``prev``, the word before a figure, is a verb of change ("fell", "rose"), or "by" after one."""
    if prev is not None and prev[0].lower() == "by":
        prev = _prev_word(text, prev[1])
    return prev is not None and prev[0].lower() in CHANGE_VERBS


def _one_is_number(text: str, a: _Atom) -> bool:
    """'one soldier' and 'one in five' are figures; 'one of', 'no one', 'the one', 'one another', 'one said' are
    not."""
    prev = _prev_word(text, a.start)
    if prev and prev[0].lower() in ("no", "the", "this", "that", "any", "every", "each", "which", "such"):
        return False
    if _ONE_SHARE.match(text, a.end, a.end + 40):
        return True
    nxt = _NEXT_WORD.match(text, a.end, a.end + 40)
    w = nxt.group("w").lower() if nxt else ""
    if w == "day" and prev and (prev[0].lower() in MODALS or prev[0].lower() in ("some", "may")):
        return False  # "might one day expand": an idiom
    if w in _ONE_IDIOMS or (text[a.start].isupper() and _sentence_start(text, a.start)):
        return False  # "one thing", "on the one hand"; "One official said": a determiner
    return bool(w) and w not in _FUNCTION and w not in _VERBS and w not in ("another", "other", "others")


def _resolve(text: str, a: _Atom, b: _Atom | None, value: Decimal, value_max: Decimal | None) -> _Item | None:
    """Read unit, per and qualifier for the number a (or the range a..b)."""
    last = b or a
    start, end = a.start, last.end
    if a.kind == "aunit":
        return _Item(start, end, value, None, a.unit or "count", end, None, _qualifier(text, start), False)
    if a.kind == "ordinal":
        return _Item(start, end, value, None, "ordinal", end, None, None, False)
    tail, count_like, noun, per_unit = last.after, False, None, None
    unit = last.unit or (a.unit if b is None else None) or last.currency or a.currency
    if unit is None and (last.percent or a.percent):
        unit = "percent"
    if unit is None:
        ph = _UNIT_AFTER.match(text, tail, tail + 40)
        found = _unit_word(ph.group("u"), last.scale) if ph else None
        sub = _subunit(ph.group("u"), last.scale) if ph else None
        scaled = SCALED_UNITS.get(ph.group("u")) if ph else None
        if sub:  # "50 cents": hundredths of the currency
            unit, tail = sub, ph.end()
            value, value_max = value / 100, None if value_max is None else value_max / 100
        elif scaled:  # "155 bcm": 155 billion cubic metres; "1.2 million bpd": barrels a day
            factor, unit, per_unit = scaled
            tail, value, value_max = ph.end(), value * factor, None if value_max is None else value_max * factor
        elif ph and found:
            unit, tail = found[1], ph.end()
        elif last.no_noun:
            unit = "count"
        else:
            noun, tail = _counted_noun(text, tail)
            unit, count_like = noun or "count", noun is None
    if unit in TIME_UNITS and _AGO.match(text, tail, tail + 8):
        return None  # "two years ago" is a date
    per = None if per_unit else _PER.match(text, tail, tail + 30)
    if per:
        per_unit = PER_WORDS[(per.group("a") or per.group("b") or per.group("c")).lower()]
    qualifier = _qualifier(text, start) or ("at least" if a.vague or last.vague else None)
    if qualifier is None and text.startswith("+", end) and not text[end + 1 : end + 2].isalnum():
        qualifier = "more than"  # a headline's "100,000+"
    return _Item(start, end, value, value_max, unit, tail, per_unit, qualifier, count_like, noun is not None)


def _subunit(raw: str, scale: int) -> str | None:
    """The currency whose hundredths ``raw`` names ("cents" → USD); "p" only glued ("20p"), never after a scale."""
    key = " ".join(raw.lower().replace("-", " ").split())
    return None if key == "p" or scale != 1 else SUBUNITS.get(key)


def _unit_word(raw: str, scale: int) -> tuple[str, str] | None:
    """Map a unit word after a number to (kind, unit); 'pounds' is money only after a scale."""
    if raw in UNIT_ABBR:
        return UNIT_ABBR[raw]
    key = " ".join(raw.lower().replace(".", "").replace("-", " ").split())
    if key in ("pound", "pounds"):
        return (MONEY, "GBP") if scale != 1 else None
    if key in UNIT_ABBR or key.upper() in UNIT_ABBR:
        return None  # abbreviations and codes only as written: "M", "Km", "usd"
    return UNIT_WORDS.get(key)


def _inherit_units(text: str, items: list[_Item]) -> None:
    """'15,000 troops to up to 30,000' and 'killing three people and wounding 14': the second figure takes
    the first's unit; 'from X to Y troops' and 'X of the Y troops' the second's."""
    for a, b in pairwise(items):
        if "ordinal" in (a.unit, b.unit):
            continue
        if (
            b.count_like
            and not a.count_like
            and (_TO_GAP.fullmatch(text, a.tail, b.start) or _parallel_verbs(text, a, b))
        ):
            b.unit, b.count_like = a.unit, False
        elif a.count_like and not b.count_like and _TO_GAP.fullmatch(text, a.end, b.start):
            prev = _prev_word(text, a.start)
            if prev and prev[0].lower() == "from":
                a.unit, a.count_like = b.unit, False
        elif a.count_like and b.noun and _PART_OF_GAP.fullmatch(text, a.end, b.start):
            a.unit, a.count_like, a.noun = b.unit, False, True  # "300 of the 450 lawmakers": lawmakers


def _inherit_others(text: str, items: list[_Item]) -> None:
    """'killed 11 people, including a 10-year-old boy, and wounded 64 others': 'others' are more of the last
    counted noun before them in the sentence."""
    for i, b in enumerate(items):
        if not (b.noun and b.unit == "others"):
            continue
        line = text.rfind("\n", 0, b.start) + 1
        opening = next((s for s, _ in reversed(sentences(text, line, b.start + 1)) if s <= b.start), line)
        for a in reversed(items[:i]):
            if a.start < opening:
                break
            if a.noun and a.unit != "others":
                b.unit = a.unit
                break


def _inherit_qualifiers(text: str, items: list[_Item]) -> None:
    """A conversion in brackets right after an amount is as approximate as it: 'about €2bn (£1.7bn)',
    'over 15 kilometres (nine miles)' give the bracketed figure the same qualifier."""
    for a, b in pairwise(items):
        if a.qualifier and b.qualifier is None and _CONVERSION_GAP.fullmatch(text, a.tail, b.start):
            b.qualifier = a.qualifier


def _join_subunits(text: str, items: list[_Item]) -> list[_Item]:
    """ "5 dollars and 50 cents", "£3 and 20p": a whole amount and its hundredths in the same currency are one
    figure (5.50)."""
    out: list[_Item] = []
    for it in items:
        a = out[-1] if out else None
        if (
            a is not None
            and a.unit == it.unit
            and a.unit in CURRENCY_CODES
            and a.value_max is None
            and it.value_max is None
            and a.value == a.value.to_integral_value()
            and 0 < it.value < 1
            and _AND_GAP.fullmatch(text, a.tail, it.start)
            and _subunit_word(text, it) is not None
        ):
            # The joined figure reads whole: "5 dollars and 50 cents", not "5 dollars and 50".
            a.value, a.end, a.tail = a.value + it.value, it.tail, it.tail
            a.per = a.per or it.per
            continue
        out.append(it)
    return out


def _subunit_word(text: str, it: _Item) -> str | None:
    """The hundredths word written after a figure ("cents", "pence", "p"), if that is what it is counted in."""
    word = text[it.end : it.tail].strip().lower() or text[it.start : it.end].lstrip("0123456789.,").lower()
    return word if word in SUBUNITS else None


def _inherit_per(text: str, items: list[_Item]) -> None:
    """An implied rate: "$176 million per day from oil and $90 million from gas", "200 euros a month for heating
    and 50 euros for water", "rose from $3 a day to $5": a figure in the same unit, in a parallel phrase of the
    same sentence (the same word after both, or a from/to comparison), is in the first one's rate too."""
    for a, b in pairwise(items):
        if a.per is None or b.per is not None or a.unit != b.unit or b.count_like:
            continue
        rate = _PER.match(text, a.tail)
        end = rate.end() if rate else a.tail
        gap = text[end : b.start]
        if len(gap) > 60 or any(c in gap for c in ".;:!?\n"):
            continue
        after_a, after_b = _next_word(text, end), _next_word(text, b.tail)
        compared = _COMPARED_GAP.search(gap) is not None
        if compared or (after_a is not None and after_a == after_b and after_a in PREPOSITIONS):
            b.per = a.per


def _next_word(text: str, pos: int) -> str | None:
    m = _WORD_AFTER.match(text, pos)
    return m.group(1).lower() if m else None


def _parallel_verbs(text: str, a: _Item, b: _Item) -> bool:
    """The bare second figure is the object of a verb coordinated with the first's, in the same form, or the
    subject of a passive coordinated with the first's ("three people were killed and nine injured")."""
    if _PASSIVE_GAP.fullmatch(text, a.tail, b.start):
        return _PARTICIPLE_AFTER.match(text, b.tail) is not None
    gap = _VERB_GAP.fullmatch(text, a.tail, b.start)
    if gap is None:
        return False
    before = _VERB_BEFORE.search(text, max(0, a.start - _WINDOW), a.start)
    return before is not None and before.group(2) == gap.group(2)
