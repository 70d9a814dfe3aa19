"""The English every extractor stands on: closed-class words, calendar words, the plural test, word
helpers, the sentence-end rule and one tokenizer.

One home per rule: the date, figure and quote extractors (and the segmenter, through etl.text) read
their word lists from here, so "is this a determiner", "is this a month", "does this period end a
sentence" get one answer everywhere. Lists are lower-case; callers that need a subset name it.
This module imports nothing from the project, so anything may import it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator


def words(*groups: str) -> frozenset[str]:
    """A frozen set of the whitespace-separated words in ``groups``."""
    return frozenset(w for g in groups for w in g.split())


# ---------------------------------------------------------------------------------------------
# Closed-class words

ARTICLES = words("the a an")
DEMONSTRATIVES = words("this that these those")
POSSESSIVES = words("its their his her our my your whose")
# Determiners that state an amount rather than pick a referent.
QUANTIFIERS = words(
    "some any no every each all many much few several both either neither another other own such more most less least"
)
DETERMINERS = ARTICLES | DEMONSTRATIVES | POSSESSIVES
SUBJECT_PRONOUNS = words("i you he she it we they")
PRONOUNS = SUBJECT_PRONOUNS | words(
    "me him us them mine yours hers ours theirs myself yourself himself herself itself ourselves yourselves",
    "themselves one",
)
RELATIVES = words("which who whom whose what that")
PREPOSITIONS = words(
    "about above across against along amid among around at behind below beside between beyond by despite",
    "during for from in inside into near of off on onto out outside over past per since than through",
    "throughout till to toward towards under until upon via with within without after before as like unlike",
    "including beneath besides except unto",
)
COORDINATORS = words("and but or nor so yet")
SUBORDINATORS = words("because if unless when whenever where while whereas although though whether")
CONJUNCTIONS = COORDINATORS | SUBORDINATORS | words("wherever lest once")
BE = words("is are am was were be been being")
MODALS = words("will would can could may might must shall should")
# Holidays on a fixed day of the Gregorian calendar, as English news names them: (month, day). A bare "Christmas"
# is a date only where a month could stand ("by Christmas"), not as a modifier ("a Christmas truce").
HOLIDAYS = {
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "christmas": (12, 25),
    "orthodox christmas": (1, 7),
    "boxing day": (12, 26),
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "valentine's day": (2, 14),
    "halloween": (10, 31),
}
# Verbs of a figure's change ("fell $2 to $81", "rose 0.5% to 3.2%"): after one, "X to Y" is the change and the
# level it reached, not a range.
CHANGE_VERBS = words(
    "rise rises rising rose risen fall falls falling fell fallen jump jumps jumping jumped drop drops dropping",
    "dropped climb climbs climbing climbed gain gains gaining gained lose loses losing lost slip slips slipping",
    "slipped slide slides sliding slid decline declines declining declined increase increases increasing increased",
    "decrease decreases decreasing decreased grow grows growing grew grown surge surges surging surged soar soars",
    "soaring soared plunge plunges plunging plunged tumble tumbles tumbling tumbled sink sinks sinking sank sunk",
    "shed sheds shedding add adds adding added advance advances advancing advanced retreat retreats retreating",
    "retreated slump slumps slumping slumped rally rallies rallying rallied",
)
AUXILIARIES = BE | MODALS | words("has have had having do does did ought")
# Adverb particles and discourse adverbs that never carry content.
PARTICLES = words(
    "already also again alone too ago last next yet still now then even only just not there here up down back"
)
CLOSED_CLASS: frozenset[str] = (
    DETERMINERS | QUANTIFIERS | PRONOUNS | RELATIVES | PREPOSITIONS | CONJUNCTIONS | AUXILIARIES | PARTICLES
)

# ---------------------------------------------------------------------------------------------
# Calendar words

MONTH_NAMES = tuple("January February March April May June July August September October November December".split())
# AP and common abbreviations (written with or without the period).
MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8}
MONTH_ABBREVIATIONS |= {"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)} | MONTH_ABBREVIATIONS
WEEKDAY_NAMES = tuple("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
WEEKDAYS = {d.lower(): i for i, d in enumerate(WEEKDAY_NAMES)}
# EDTF season codes.
SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}

# Words that end in a period without ending a sentence, in English news style.
ABBREVIATIONS = frozenset(MONTH_ABBREVIATIONS) | words(
    "mr mrs ms dr gen lt col sgt capt maj rep sen gov pres st prof rev adm cmdr",
    "supt det insp amb ft mt no nos vs inc co corp ltd jr sr",
    "approx est dept univ",
)


def capitalised(word: str) -> bool:
    """'March' or 'MARCH', not 'march' or 'mARCH': how a proper noun is written."""
    return word[:1].isupper() and (word[1:].islower() or word[1:].isupper())


def first_letters(names: Iterable[str], n: int = 3) -> list[str]:
    """The distinct lower-case first ``n`` letters of ``names``: a cheap guard regex is built from them."""
    return sorted({name.lower()[:n] for name in names})


# ---------------------------------------------------------------------------------------------
# Fast scans. ``re`` jumps straight to the next position that can start a match when a pattern opens with
# literal characters (not in IGNORECASE); a pattern that opens with a look-behind, ``\b`` or a case-insensitive
# letter is instead tried at every position of the text, five to ten times slower over a whole article.


def first_char_first(fragments: Iterable[str]) -> str:
    """``(?:f1|f2|...)`` for regex fragments that each open with a letter or digit, perhaps behind ``\\b`` or
    ``(?<![...])`` tests, written with that character ahead of its tests (which then span it), so the pattern opens
    with literals. Fragments with the same first character keep their order: the alternation tries them as before."""
    groups: dict[str, list[str]] = {}
    for f in fragments:
        tests = []
        while m := _LEADING_TEST.match(f):
            tests.append(m.group(1) or r"\w")  # \b before a word character: no word character before it
            f = f[m.end() :]
        c = f[:1]
        assert c.isalnum() and f[1:2] not in ("*", "+", "?", "{"), f
        groups.setdefault(c, []).append(("".join(f"(?<!{t}{c})" for t in tests), f[1:]))
    return "(?:" + "|".join(_after(c, group) for c, group in groups.items()) + ")"


def _after(c: str, group: list[tuple[str, str]]) -> str:
    """``c`` and the rest of each of its fragments, the tests once when every fragment has the same."""
    if len({tests for tests, _ in group}) == 1:
        return f"{c}{group[0][0]}(?:{'|'.join(rest for _, rest in group)})"
    return f"{c}(?:{'|'.join(tests + rest for tests, rest in group)})"


_LEADING_TEST = re.compile(r"\\b|\(\?<!(\\w|\[(?:\\.|[^\]])*\])\)")


# The characters besides A-Z that re.IGNORECASE matches to an ASCII letter (a test checks every
# code point, tests/test_english.py): İ and dotless ı to i, long ſ to s, the Kelvin sign to k.
_FOLD = str.maketrans({**{chr(c): chr(c + 32) for c in range(65, 91)}, "İ": "i", "ı": "i", "ſ": "s", "\u212a": "k"})


def fold_case(text: str) -> str:
    """``text`` with every character that ``re.IGNORECASE`` matches to an ASCII letter written as that letter in
    lower case; same length, word characters stay word characters. A case-sensitive pattern whose letters are
    lower-case ASCII matches it exactly where the same pattern with IGNORECASE matches ``text``."""
    low = text.lower()  # fast; changes the length only for İ, and leaves ſ and ı
    if len(low) == len(text) and "ſ" not in low and "ı" not in low:
        return low
    return text.translate(_FOLD)


# ---------------------------------------------------------------------------------------------
# The plural test

IRREGULAR_PLURALS = words(
    "people children men women police personnel staff aircraft cattle livestock sheep",
    "deer data media criteria feet teeth mice geese offspring",
)
# Words that end in -s without being plural nouns.
NOT_PLURAL = words(
    "news gas bus bias chaos lens alias atlas canvas plus minus thus yes brussels netherlands",
    "paris athens wales philippines texas kansas",
    "as was has is its his this less unless across whereas besides perhaps always sometimes",
    "does goes says towards afterwards nowadays overseas various serious previous",
)


def is_plural(word: str) -> bool:
    """English plural by its look: 'troops', 'officials', 'people', 'servicemen', 'MPs'; not 'news', 'crisis'."""
    w = word.rstrip("'’")
    low = w.lower()
    if low in IRREGULAR_PLURALS or (low.endswith("men") and len(low) > 4 and low not in ("specimen", "abdomen")):
        return True
    if len(low) < 3 or not low.endswith("s") or (w.isupper() and len(w) > 1):
        return False
    return not (low.endswith(("ss", "us", "is", "ous", "'s", "’s")) or low in NOT_PLURAL or low in CLOSED_CLASS)


# ---------------------------------------------------------------------------------------------
# Sentences


def period_ends_sentence(word_before: str, next_char: str) -> bool:
    """Whether a '.' right after ``word_before`` ends a sentence, given the first character after the
    spaces that follow it ('' at the end): not after initials ("U.S."), abbreviations ("Gen. X") or a
    month abbreviation before a day ("Feb. 24"), nor before a lower-case word."""
    if not next_char:
        return True
    if next_char.islower():
        return False
    if len(word_before) == 1 and word_before.isupper():
        return False
    low = word_before.lower()
    if low in MONTH_ABBREVIATIONS:
        return not next_char.isdigit()
    return low not in ABBREVIATIONS


# Sentence-final marks with their closing quotes and brackets; ``sentences`` checks that a space or the end
# follows. (The look-ahead r"(?=\s+|$)" in the pattern made re retry from every mark of a run not followed
# by a space: quadratic in a long run of dots. No shorter match could succeed there anyway.)
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?$")


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of every non-blank line: plain-text captures put one paragraph per line."""
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            trail = len(line) - len(line.rstrip())
            yield m.start() + lead, m.end() - trail


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split text[start:end] into sentence spans, not breaking after abbreviations or initials."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cur = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if (m.end() < end and not text[m.end()].isspace()) or not _ends_sentence(text, m.start(), m.end(), end):
            continue
        spans.append((cur, m.end()))
        cur = m.end()
        while cur < end and text[cur].isspace():
            cur += 1
    if cur < end and text[cur:end].strip():
        spans.append((cur, end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _ends_sentence(text: str, punct: int, after: int, end: int) -> bool:
    if text[punct] != ".":
        return True
    nxt = after
    while nxt < end and text[nxt].isspace():
        nxt += 1
    if nxt >= end:
        return True
    word = _WORD_BEFORE.search(text, max(0, punct - 20), punct)
    return period_ends_sentence(word.group(1) if word else "", text[nxt])


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


# ---------------------------------------------------------------------------------------------
# The tokenizer: dotted initialisms ("U.S."), words with inner apostrophes and hyphens ("don't",
# "Russia's", "F-16"), and every other non-space character on its own.

TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:['’\-]\w+)*|[^\w\s]")


# ---------------------------------------------------------------------------------------------
# Quotation marks

_QUOTE_MARK = re.compile('["“”\n]')


class Quotations:
    """Where each double-quoted passage of a text opens, found in one pass so that asking for many positions stays
    linear. Straight marks toggle, curly ones open and close, and a paragraph end closes whatever is open."""

    def __init__(self, text: str) -> None:
        # Disjoint spans (after, upto]: a position p with after < p <= upto lies in the quotation opened at ``opened``.
        self._after: list[int] = []
        self._upto: list[int] = []
        self._opened: list[int] = []
        opened: int | None = None
        for m in _QUOTE_MARK.finditer(text):
            mark, at = m.group(), m.start()
            if opened is not None:
                self._after.append(opened)
                self._upto.append(at)
                self._opened.append(opened)
            opened = at if mark == "“" or (mark == '"' and opened is None) else None
        if opened is not None:
            self._after.append(opened)
            self._upto.append(len(text))
            self._opened.append(opened)

    def opening(self, pos: int) -> int | None:
        """Where the quotation around ``pos`` opens, or None when ``pos`` is outside quotation marks."""
        i = bisect_left(self._upto, pos)
        if i < len(self._upto) and self._after[i] < pos:
            return self._opened[i]
        return None
