"""Text helpers shared by the segmenter and the extractors.

Everything here works on Python ``str`` indices, which are Unicode code points:
the offsets the dataset publishes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# Words that end in a period without ending a sentence, in English news style.
ABBREVIATIONS = frozenset(
    """
    jan feb mar apr jun jul aug sep sept oct nov dec
    mr mrs ms dr gen lt col sgt capt maj rep sen gov pres st prof rev adm cmdr
    gov supt det insp amb ft mt no nos vs inc co corp ltd jr sr
    approx est dept univ
    """.split()
)

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
    if word:
        w = word.group(1)
        if len(w) == 1 and w.isupper():  # initials and U.S., U.N.
            return False
        if w.lower() in _MONTH_ABBR:  # "Feb. 24" continues; "in Feb. The ..." ends
            return not text[nxt].isdigit()
        if w.lower() in ABBREVIATIONS:  # "Gen. Zaluzhny", "No. 5"
            return False
    return not text[nxt].islower()


_MONTH_ABBR = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Blank out spans (keeping newlines and length) so extractors skip them and offsets stay valid."""
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def normalize_quotes(s: str) -> str:
    """Fold typographic quotes and apostrophes so titles and aliases compare equal across outlets."""
    return s.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
