"""Units, currencies and per-phrases: the tables every figure is read with, and the regexes built from them.

One home for "which words name a unit": the quantity extractor matches unit words, abbreviations,
currency signs and per-phrases with alternations generated here from these tables, so a unit added
to a table is matched everywhere without editing a regex.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

S = r"[ \t\u00a0\u202f]"  # a space inside a line


def alt(words: Iterable[str], spaced: bool = False) -> str:
    """A regex alternation of literal words, longest first; ``spaced`` lets inner spaces stretch."""
    out = [re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))]
    return "|".join(w.replace(r"\ ", rf"{S}{{1,3}}") for w in out) if spaced else "|".join(out)


QUALIFIERS = (
    "about",
    "around",
    "roughly",
    "approximately",
    "nearly",
    "almost",
    "some",
    "an estimated",
    "close to",
    "up to",
    "as many as",
    "as much as",
    "more than",
    "over",
    "at least",
    "upwards of",
    "in excess of",
    "less than",
    "fewer than",
    "under",
    "at most",
    "no more than",
    "just over",
    "just under",
    "well over",
)

# Unit words written after the number, keyed lower-case with dots dropped and hyphens as spaces.
MONEY, PERCENT, MEASURE = "money", "percent", "measure"


def _table(kind: str, spec: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Expand {unit: "form, form"} into {form: (kind, unit)}."""
    return {form.strip(): (kind, unit) for unit, forms in spec.items() for form in forms.split(",")}


UNIT_WORDS = {
    **_table(
        PERCENT, {"percent": "percent, per cent, pct", "percentage points": "percentage point, percentage points"}
    ),
    **_table(
        MONEY,
        {
            "USD": "dollar, dollars, us dollar, us dollars, american dollars",
            "EUR": "euro, euros",
            "GBP": "pound sterling, pounds sterling, sterling",
            "JPY": "yen",
            "UAH": "hryvnia, hryvnias, hryvnya, hryvnyas, hryvna, hryvnas, hryvni",
            "RUB": "ruble, rubles, rouble, roubles",
            "CNY": "yuan, renminbi",
            "CAD": "canadian dollar, canadian dollars",
            "AUD": "australian dollar, australian dollars",
            "CHF": "swiss franc, swiss francs",
            "PLN": "zloty, zlotys, zlotych",
        },
    ),
    **_table(
        MEASURE,
        {
            "km": "kilometer, kilometers, kilometre, kilometres",
            "m": "meter, meters, metre, metres",
            "mi": "mile, miles",
            "kg": "kilogram, kilograms, kilogramme, kilogrammes, kilo, kilos",
            "tonnes": "ton, tons, tonne, tonnes, metric ton, metric tons",
            "hours": "hour, hours",
            "days": "day, days",
            "weeks": "week, weeks",
            "months": "month, months",
            "years": "year, years",
            "minutes": "minute, minutes",
            "seconds": "second, seconds",
            "decades": "decade, decades",
            "centuries": "century, centuries",
            "km2": "square kilometer, square kilometers, square kilometre, square kilometres, square km, sq km",
            "mi2": "square mile, square miles, sq mi",
            "m2": "square meter, square meters, square metre, square metres, sq m",
            "km/h": "kilometers per hour, kilometres per hour",
            "mph": "miles per hour",
        },
    ),
}
# Abbreviations and codes are case-sensitive ("m" is metres, "M" is not).
UNIT_ABBR = {
    **_table(
        MEASURE,
        {
            "km": "km, kms",
            "m": "m",
            "mi": "mi",
            "kg": "kg, kgs",
            "hours": "h, hr, hrs",
            "minutes": "min, mins",
            "seconds": "sec, secs",
            "years": "yr, yrs",
            "mph": "mph",
            "km/h": "kph, km/h",
            "km2": "km2, km²",
            "m2": "m2, m²",
        },
    ),
    **_table(PERCENT, {"percent": "pc, pct"}),
    **{c: (MONEY, c) for c in "USD EUR GBP JPY UAH RUB CHF CAD AUD CNY PLN".split()},
}
TIME_UNITS = frozenset("hours days weeks months years minutes seconds decades centuries".split())
CURRENCY_SIGNS = {
    "$": "USD",
    "US$": "USD",
    "U.S.$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₴": "UAH",
    "₽": "RUB",
}
PER_WORDS = {
    "day": "day",
    "daily": "day",
    "week": "week",
    "weekly": "week",
    "month": "month",
    "monthly": "month",
    "year": "year",
    "annum": "year",
    "annually": "year",
    "yearly": "year",
    "barrel": "barrel",
    "person": "person",
    "capita": "person",
    "head": "person",
}
# per-phrases: nouns after "per/a/each/every" (or a slash) and adverbs ("daily").
PER_ADVERBS = frozenset(w for w in PER_WORDS if w.endswith("ly"))
PER_NOUNS = frozenset(PER_WORDS) - PER_ADVERBS
PER_SLASH = frozenset(PER_WORDS.values())  # "$60/barrel"
CURRENCY_CODES = frozenset(unit for kind, unit in UNIT_ABBR.values() if kind == MONEY)
# "$" with a country prefix ("US$", "C$"); other signs are one character.
DOLLAR_PREFIXES = frozenset(sign[:-1] for sign in CURRENCY_SIGNS if sign.endswith("$") and len(sign) > 1)
SINGLE_SIGNS = "".join(sorted(sign for sign in CURRENCY_SIGNS if len(sign) == 1 and sign != "$"))

# A currency sign or code right before a number ("$", "US$", "€", "EUR ").
CURRENCY_BEFORE = re.compile(
    rf"(?:(?<![A-Za-z])(?:{alt(DOLLAR_PREFIXES)})?\$|[{SINGLE_SIGNS}]|(?<![A-Za-z])(?:{alt(CURRENCY_CODES)}))[ \t]?$"
)
# A per-phrase after a figure (or its unit): "per day", "a barrel", "-a-barrel", "daily", "/day".
PER_AFTER = re.compile(
    rf"(?:{S}{{1,2}}|-)(?i:per|a|an|each|every)(?:{S}|-)(?P<a>(?i:{alt(PER_NOUNS)}))\b"
    rf"(?!{S}{{1,3}}(?i:ago|after|before|later|earlier|of|and)\b)"
    rf"|{S}{{1,2}}(?P<b>(?i:{alt(PER_ADVERBS)}))\b"
    rf"|/(?P<c>{alt(PER_SLASH)})\b"
)
