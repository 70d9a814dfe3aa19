"""The tense of the clause around a date: the model that gives a date without a year its year.

A paragraph is tokenised once (the tokenizer of etl.extract.english); every token gets a tense cue
(future "will", "plans to"; past "said", "-ed"; perfect "had"; present "is", "expires"), and a date
takes the nearest cue in its clause, else in its sentence, never reaching into a "that/which ..."
clause to its right. dates.py turns that cue into the page's missing-year steps.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from etl.extract.english import (
    AUXILIARIES,
    CLOSED_CLASS,
    DETERMINERS,
    PREPOSITIONS,
    QUANTIFIERS,
    RELATIVES,
    SUBJECT_PRONOUNS,
    SUBORDINATORS,
    TOKEN,
    period_ends_sentence,
    words,
)

__all__ = ["AIMED", "FUTURE", "PARTICIPLES", "PAST", "PERFECT", "PRESENT", "Tenses"]


# Tense cues. PAST is a completed event ("occupied", "was"); AIMED a past that still points ahead
# or only reports ("was pushing", "urged", "said"), which a target preposition overrides.
PAST, AIMED, FUTURE, PERFECT, PRESENT = "past", "aimed", "future", "perfect", "present"
# A past intention ("agreed to", "planned to"): FUTURE for a date after it ("agreed to open talks in June"), PAST
# for one before it, which dates the agreeing ("In December, the EU agreed to open talks"). Tenses resolves it.
_INTENDED = "intended"

_DETERMINERS_ALL = DETERMINERS | QUANTIFIERS
_BOUNDARY_TOKENS = frozenset([*',;:()[]"“”«»—–', "-", "--"])
_SUBORDINATORS = SUBORDINATORS | RELATIVES
_BOUNDARY_WORDS = _SUBORDINATORS | {"but", "and", "or"}
_NUMBER_JOINS = frozenset(["and", "-", "–"])
_FUTURE_WORDS = frozenset(
    """will shall won't won’t would wouldn't wouldn’t upcoming forthcoming soon
    expect expects anticipate anticipates predict predicts""".split()
)
_TO_FUTURE = frozenset(
    """plan plans planned planning aim aims aimed aiming intend intends intended intending expect expects expected
    expecting set going due about hope hopes hoped hoping seek seeks seeking want wants wanted is are was were
    poised likely ready prepared preparing pledged pledge pledges promised promise promises vowed vow vows
    decided agreed threatened threatens forecast forecasts predicted projected""".split()
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
    swung fed bled bent lit hurt""".split()
)
PARTICIPLES = frozenset(
    """been done gone seen taken given begun known shown grown written spoken broken chosen driven fallen risen
    stolen sworn torn worn hidden forgotten gotten ridden eaten beaten drawn flown thrown withdrawn overseen
    undertaken hurt""".split()
)
# Present tense: be, and -s verbs that put a date in the present ("runs until Sunday"; those of a scheduled event,
# "expires on March 18", are _SCHEDULED: future).
_PRESENT_WORDS = frozenset(
    """is are am isn't aren't isn’t aren’t ends starts runs opens closes meets enters continues falls""".split()
)
# Present -s forms of a scheduled event, never nouns in the plural: with a date they point ahead.
_SCHEDULED = frozenset("expires begins resumes lapses concludes faces".split())
_SUBJECTS = SUBJECT_PRONOUNS | RELATIVES
_HAD = frozenset("had hadn't hadn’t".split())
_HAVE = _HAD | frozenset("has have hasn't haven't hasn’t haven’t".split())
_ED_NOT_VERB = frozenset("hundred sacred naked wicked kindred rugged ragged beloved united red bed shed wed".split())
_EED_VERBS = frozenset("agreed freed guaranteed decreed".split())
# Words before an -ed form that make it an adjective or a passive, not a past verb.
_NOT_PAST_BEFORE = (
    DETERMINERS
    | QUANTIFIERS
    | PREPOSITIONS
    | AUXILIARIES
    | words("very so too well newly highly heavily fully partly partially widely long much get gets remain remains")
)


class _Line:
    """A paragraph tokenised once: sentence ends, clause boundaries, and tense cues computed on demand."""

    def __init__(self, text: str, start: int, end: int) -> None:
        toks = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text, start, end)]
        self.starts = [t[0] for t in toks]
        self.ends = [t[1] for t in toks]
        self.raw = [t[2] for t in toks]
        self.low = [t.lower() for t in self.raw]
        # A semicolon joins two sentences as far as tense goes.
        self.sentence_ends = [
            i for i, t in enumerate(self.raw) if t == ";" or (t[0] in ".!?" and self._ends_sentence(i))
        ]
        # Clause boundaries and subordinators, as sorted token indices (the searches bisect them).
        self.bound_at = [
            i
            for i, t in enumerate(self.low)
            if (t in _BOUNDARY_TOKENS or t in _BOUNDARY_WORDS) and not self._joins_numbers(i)
        ]
        self.subordinate_at = [i for i, t in enumerate(self.low) if t in _SUBORDINATORS]
        self._cues: list[str | None] | None = None
        self._cue_at: list[int] = []

    def _joins_numbers(self, i: int) -> bool:
        """An "and" or dash between two numbers ("between 1 and 14 February", "1-14 February") joins a range
        inside one clause; it does not start a new one."""
        if self.low[i] not in _NUMBER_JOINS or i == 0 or i + 1 >= len(self.low):
            return False
        return self.raw[i - 1][:1].isdigit() and self.raw[i + 1][:1].isdigit()

    def _ends_sentence(self, i: int) -> bool:
        """A '.', '!' or '?' token that ends a sentence (not "Feb. 24", "U.S.", "Gen. X", nor the point of "7.6")."""
        nxt = self.raw[i + 1] if i + 1 < len(self.raw) else ""
        if self.raw[i] != ".":
            return True
        if nxt[:1].isalnum() and self.starts[i + 1] == self.ends[i]:
            return False  # a word or digit right after it: "7.6 million", "bbc.co.uk"
        word = self.raw[i - 1] if i > 0 and self.ends[i - 1] == self.starts[i] else ""
        return period_ends_sentence(word, nxt[:1])

    def cues(self) -> tuple[list[str | None], list[int]]:
        """Every token's cue and the indices of the tokens that have one (computed once per line)."""
        if self._cues is None:
            raw, low = self.raw, self.low
            self._cues = [_cue(raw, low, i) if may_cue(low, i) else None for i in range(len(low))]
            self._cue_at = [i for i, c in enumerate(self._cues) if c]
        return self._cues, self._cue_at


def _cue(raw: list[str], low: list[str], i: int) -> str | None:
    """The tense a token signals: future (will, plans to), past (said, -ed), perfect (had) or None."""
    w = low[i]
    nxt = low[i + 1] if i + 1 < len(low) else ""
    prv = low[i - 1] if i > 0 else ""
    prv2 = low[i - 2] if i > 1 else ""
    if w in _FUTURE_WORDS or w.endswith(("'ll", "’ll")):
        return FUTURE
    if (w == "next" and nxt != "to") or (w == "coming" and prv in _DETERMINERS_ALL):
        return FUTURE
    if w == "due":  # "due on Tuesday", "due to vote" are future; "due to the war" is a cause
        after = low[i + 2] if i + 2 < len(low) else ""
        return None if nxt == "to" and (after in _DETERMINERS_ALL or not after.isalpha()) else FUTURE
    if nxt == "to" and w in _TO_FUTURE:
        return _INTENDED if w.endswith("ed") and prv not in AUXILIARIES else FUTURE
    if w in _FUTURE_PARTICIPLES and prv not in ("than", "as"):
        return FUTURE  # "a decision expected by Saturday", "talks scheduled for March"
    if w in _HAD:
        return PERFECT
    if w in _PAST_WORDS:  # "was pushing for Summer", "was extended until Feb. 14" point ahead
        ahead = nxt.endswith("ing") or nxt in _IRREGULAR_PAST or nxt in PARTICIPLES or _regular_past(nxt)
        ahead = ahead or nxt in _PROSPECT_ADJECTIVES
        return AIMED if ahead else PAST
    if w in _PAST_ADVERBS or w in _INTENT_PAST or (w in _REPORTING and prv not in _DETERMINERS_ALL):
        return AIMED
    had = prv in _HAD or prv2 in _HAD
    if w in PARTICIPLES and (prv in _HAVE or prv2 in _HAVE):
        return PERFECT if had else PAST
    if (w in _IRREGULAR_PAST or _regular_past(raw[i])) and prv not in _NOT_PAST_BEFORE:
        return PERFECT if had else PAST
    if w in ("is", "are", "am") and nxt.endswith("ing") and nxt.isalpha() and len(nxt) > 4:
        return FUTURE  # "are meeting on Tuesday": the present progressive of an arrangement
    if w in _SCHEDULED:
        return FUTURE  # "the permit expires in March", "faces trial in the autumn": a present of what is planned
    if w in _PRESENT_WORDS or (prv in _SUBJECTS and w.isalpha() and w not in CLOSED_CLASS):
        return PRESENT  # "is", "it expires", "they expect": present tense stops the search
    return None


# Every token ``_cue`` can give a cue: one of these words, an ending ("'ll", the "-ed" of a regular past) or a
# word after a subject pronoun. The rest (most tokens) skip the call.
_CUE_WORDS = (
    _FUTURE_WORDS
    | _TO_FUTURE
    | _FUTURE_PARTICIPLES
    | _HAD
    | _PAST_WORDS
    | _PAST_ADVERBS
    | _INTENT_PAST
    | _REPORTING
    | PARTICIPLES
    | _IRREGULAR_PAST
    | _PRESENT_WORDS
    | _SCHEDULED
    | {"next", "coming", "due", "is", "are", "am"}
)
_CUE_ENDINGS = ("'ll", "’ll", "ed")


def may_cue(low: list[str], i: int) -> bool:
    """Whether ``_cue`` can give token i a cue at all: most tokens cannot, and skip its twenty tests."""
    w = low[i]
    return w in _CUE_WORDS or w.endswith(_CUE_ENDINGS) or (i > 0 and low[i - 1] in _SUBJECTS)


def _regular_past(word: str) -> bool:
    if len(word) < 4 or not word.endswith("ed") or not word.isalpha() or not word.islower():
        return False
    if word.endswith("eed"):
        return word in _EED_VERBS
    return word not in _ED_NOT_VERB


class Tenses:
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
                return (FUTURE if before[1] == _INTENDED else before[1]), governs
            if after:
                return (PAST if after[1] == _INTENDED else after[1]), governs
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
