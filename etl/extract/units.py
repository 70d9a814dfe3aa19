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
        PERCENT,
        {
            "percent": "percent, per cent, pct",
            "percentage points": "percentage point, percentage points",
            "basis points": "basis point, basis points",
        },
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
            "cm": "centimeter, centimeters, centimetre, centimetres",
            "mm": "millimeter, millimeters, millimetre, millimetres",
            "mi": "mile, miles",
            "nmi": "nautical mile, nautical miles",
            "ft": "foot, feet",
            "in": "inch, inches",
            "kg": "kilogram, kilograms, kilogramme, kilogrammes, kilo, kilos",
            "g": "gram, grams, gramme, grammes",
            "L": "liter, liters, litre, litres",
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
            "m3": "cubic meter, cubic meters, cubic metre, cubic metres",
            "ha": "hectare, hectares",
            "km/h": "kilometers per hour, kilometres per hour",
            "mph": "miles per hour",
            "kW": "kilowatt, kilowatts",
            "MW": "megawatt, megawatts",
            "GW": "gigawatt, gigawatts",
            "kWh": "kilowatt hour, kilowatt hours",
            "MWh": "megawatt hour, megawatt hours",
            "GWh": "gigawatt hour, gigawatt hours",
            "TWh": "terawatt hour, terawatt hours",
            "°C": "degree celsius, degrees celsius, degree centigrade, degrees centigrade, degrees c, celsius",
            "°F": "degree fahrenheit, degrees fahrenheit, degrees f, fahrenheit",
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
            "cm": "cm",
            "mm": "mm",
            "mi": "mi",
            "ft": "ft",
            "kg": "kg, kgs",
            "g": "g",
            "lb": "lb, lbs",
            "hours": "h, hr, hrs",
            "minutes": "min, mins",
            "seconds": "sec, secs",
            "years": "yr, yrs",
            "mph": "mph",
            "km/h": "kph, km/h",
            "km2": "km2, km²",
            "m2": "m2, m²",
            "m3": "m3, m³",
            "kW": "kW",
            "MW": "MW",
            "GW": "GW",
            "kWh": "kWh",
            "MWh": "MWh",
            "GWh": "GWh",
            "TWh": "TWh",
            "basis points": "bp, bps",
        },
    ),
    **_table(PERCENT, {"percent": "pc, pct"}),
    **{c: (MONEY, c) for c in "USD EUR GBP JPY UAH RUB CHF CAD AUD CNY PLN".split()},
}


# Codes that are English words in capitals ("TOP 10", "ALL 27 members"): not read as currencies.
_WORDLIKE_CODES = frozenset("ALL AMD BOB CUP GEL MAD MOP PEN RON SAR SOS TOP TRY".split())
# Head words of currency names that are common nouns ("5 gold medals"): only the full name counts.
_COMMON_HEADS = frozenset("gold silver rights mark marks crown crowns unit units point points".split())
_X_MONEY = frozenset("XAF XCD XOF XPF".split())  # the X codes that are money (CFA francs, EC dollar, CFP franc)


def _iso_currencies() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]], dict[str, str]]:
    """Every ISO 4217 currency from CLDR (Babel): its code, its English names ("Indian rupee", "Ukrainian
    hryvnias") and a head word that names one currency only ("hryvnias"), and the one-character symbols
    that belong to one currency ("₹"). Hand-listed forms above win where both name a form."""
    from babel.numbers import get_currency_name, get_currency_symbol, list_currencies

    codes = sorted(
        c
        for c in list_currencies()
        if len(c) == 3
        and c.isalpha()
        and c.isupper()
        and (not c.startswith("X") or c in _X_MONEY)  # not gold, silver, drawing rights, test codes
    )
    names: dict[str, tuple[str, str]] = {}
    heads: dict[str, set[str]] = {}
    symbols: dict[str, set[str]] = {}
    for code in codes:
        for count in (1, 2):
            name = " ".join(get_currency_name(code, count=count, locale="en").lower().replace(".", "").split())
            if name.isascii() and re.fullmatch(r"[a-z]+(?: [a-z]+)*", name) and name.split()[-1] not in ("of", "the"):
                names.setdefault(name, (MONEY, code))
                heads.setdefault(name.split()[-1], set()).add(code)
        sign = get_currency_symbol(code, locale="en")
        if len(sign) == 1 and not sign.isalnum() and sign not in "$":
            symbols.setdefault(sign, set()).add(code)
    unique = {w: (MONEY, c.pop()) for w, c in heads.items() if len(c) == 1 and len(w) > 3 and w not in _COMMON_HEADS}
    as_codes = {c: (MONEY, c) for c in codes if c not in _WORDLIKE_CODES}
    return names | unique, as_codes, {s: c.pop() for s, c in symbols.items() if len(c) == 1}


_ISO_NAMES, _ISO_CODES, _ISO_SIGNS = _iso_currencies()
UNIT_WORDS = {**_ISO_NAMES, **UNIT_WORDS}
UNIT_ABBR = {**_ISO_CODES, **UNIT_ABBR}
# Unit names of several words ("Indian rupees", "square kilometres"), matched as one unit after a number.
MULTIWORD_UNITS = frozenset(k for k in UNIT_WORDS if " " in k)
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
CURRENCY_SIGNS = {**_ISO_SIGNS, **CURRENCY_SIGNS}
# "Rs 5,000 crore": rupees of India, Pakistan, Sri Lanka or Nepal, which the text alone does not tell apart; the
# unit is "rupees", as "5,000 rupees" reads, not an ISO code ("₹" is INR).
RUPEE_PREFIXES = {"Rs": "rupees", "Rs.": "rupees"}
PER_WORDS = {
    "hour": "hour",
    "hourly": "hour",
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
    "share": "share",
    "gallon": "gallon",
    "liter": "liter",
    "litre": "liter",
    "ton": "ton",
    "tonne": "ton",
    "ounce": "ounce",
    "bushel": "bushel",
    "kilo": "kg",
    "kg": "kg",
    "night": "night",
    "kwh": "kWh",  # keys lower-case: per-phrases are matched in any case ("per kWh") and looked up lowered
    "mwh": "MWh",
}
# Hundredths of a currency, written after the number: "50 cents" is USD 0.50, "20 pence" GBP 0.20.
SUBUNITS = {
    **dict.fromkeys(("cent", "cents", "us cent", "us cents"), "USD"),
    **dict.fromkeys(("euro cent", "euro cents", "eurocent", "eurocents"), "EUR"),
    **dict.fromkeys(("penny", "pence", "p"), "GBP"),
    **dict.fromkeys(("kopeck", "kopecks", "kopek", "kopeks"), "RUB"),
    **dict.fromkeys(("kopiyka", "kopiykas", "kopiyok", "kopecks of a hryvnia"), "UAH"),
}
MULTIWORD_UNITS = MULTIWORD_UNITS | {w for w in SUBUNITS if " " in w}
# Abbreviations that hold a scale and a rate, written after the number (case-sensitive): "155 bcm" of gas is
# 155 billion cubic metres, "1.2 million bpd" of oil 1.2 million barrels a day. (factor, unit, per)
SCALED_UNITS = {"bcm": (10**9, "m3", None), "mcm": (10**6, "m3", None), "bpd": (1, "barrels", "day")}

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
    rf"(?:(?<![A-Za-z])(?:{alt(DOLLAR_PREFIXES)})?\$|[{SINGLE_SIGNS}]|(?<![A-Za-z])(?:{alt(CURRENCY_CODES)})"
    rf"|(?<![A-Za-z])(?:{alt(RUPEE_PREFIXES)}))[ \t]?$"
)
# A per-phrase after a figure (or its unit): "per day", "a barrel", "-a-barrel", "daily", "/day".
PER_AFTER = re.compile(
    rf"(?:{S}{{1,2}}|-)(?i:per|a|an|each|every)(?:{S}|-)(?P<a>(?i:{alt(PER_NOUNS)}))\b"
    rf"(?!{S}{{1,3}}(?i:ago|after|before|later|earlier|of|and{S}{{1,3}}an?{S}{{1,3}}half)\b)"
    rf"|{S}{{1,2}}(?P<b>(?i:{alt(PER_ADVERBS)}))\b"
    rf"|/(?P<c>{alt(PER_SLASH)})\b"
)
