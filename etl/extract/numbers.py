"""English number words: cardinals, ordinals, scales and fractions, parsed the same way by every extractor.

Dates ("two years ago", "the twenty-first of January") and figures ("two hundred and five",
"$3bn") read their numbers from these tables, so a number word means one value everywhere.
"""

from __future__ import annotations

SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
        " seventeen eighteen nineteen".split()
    )
}
TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
BIG = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# South Asian English: a lakh is a hundred thousand, a crore ten million ("Rs 5,000 crore", "2 lakh people").
BIG |= {"lakh": 10**5, "lakhs": 10**5, "crore": 10**7, "crores": 10**7}
# Scale words and letters after a number ("2.5 million", "$3bn", "10k"); m/b/t only after a currency sign.
SCALES = {
    "hundred": 100,
    **BIG,
    "bn": 10**9,
    "bln": 10**9,
    "mn": 10**6,
    "mln": 10**6,
    "tn": 10**12,
    "trn": 10**12,
    "k": 10**3,
    "m": 10**6,
    "b": 10**9,
    "t": 10**12,
}
SCALE_LETTERS = frozenset({"bn", "bln", "mn", "mln", "tn", "trn", "k"})  # a scale after any number
ORD_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()
_ORD_TEENS = "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
_ORD_TENS = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth"
ORDINALS = (
    {w: i for i, w in enumerate(ORD_UNITS, start=1)}
    | {w: i for i, w in enumerate(_ORD_TEENS.split(), start=10)}
    | {w: 10 * i for i, w in enumerate(_ORD_TENS.split(), start=2)}
)
# The ordinals that name a day of the month, as words: "first" ... "thirty-first" (hyphen or space).
DAY_ORDINALS = {w: n for w, n in ORDINALS.items() if n <= 31} | {
    f"{tens}{sep}{unit}": TENS[tens] + ORDINALS[unit]
    for tens in ("twenty", "thirty")
    for unit in ORD_UNITS
    for sep in ("-", " ")
    if TENS[tens] + ORDINALS[unit] <= 31
}
ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
FRACTIONS = frozenset(
    "half halves third thirds quarter quarters fourths fifth fifths sixth sixths sevenths eighth "
    "eighths ninths tenth tenths hundredth hundredths thousandth thousandths".split()
)
# The denominator a fraction word names: "third(s)" 3, "quarter(s)" 4, "half"/"halves" 2.
DENOMINATORS = {w: ORDINALS.get(w.removesuffix("s"), 0) for w in FRACTIONS} | {"half": 2, "halves": 2}
DENOMINATORS |= {"quarter": 4, "quarters": 4, "fourths": 4}

# Vague magnitudes: the plural of a scale word is at least one of it ("thousands of rounds": 1,000).
MAGNITUDES = {"dozens": 12, "hundreds": 100, "thousands": 10**3, "millions": 10**6, "billions": 10**9}
MAGNITUDES["trillions"] = 10**12
MAGNITUDES["scores"] = 20  # "scores of people"; only before "of" (the quantity extractor checks)

# Small counts a relative date can take ("two years ago", "a month ago").
COUNT_WORDS = {w: i for w, i in SMALL.items() if i} | {"twenty": 20, "a": 1, "an": 1}


def small_count(word: str) -> int | None:
    """The value of a digit string or a number word up to twenty ("a" and "an" are one)."""
    return int(word) if word.isdigit() else COUNT_WORDS.get(word.lower())
