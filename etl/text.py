"""Text helpers shared by the segmenter and the extractors.

Everything here works on Python ``str`` indices, which are Unicode code points:
the offsets the dataset publishes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from etl.extract.english import ABBREVIATIONS, paragraphs, sentences

# The sentence rules are English: they live with the other English rules.
__all__ = ["ABBREVIATIONS", "mask", "normalize_quotes", "paragraphs", "sentences"]


def mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Blank out spans (keeping newlines and length) so extractors skip them and offsets stay valid.
    Spans may overlap and come in any order; each stretch is blanked as one string, not character by character."""
    parts: list[str] = []
    pos = 0
    for s, e in sorted((s, e) for s, e in spans if e > s):
        if s < 0 or e > len(text):
            raise IndexError(f"span {s}-{e} outside a text of {len(text)} characters")
        s = max(s, pos)
        if e <= s:
            continue  # inside a span already blanked
        chunk = text[s:e]
        parts += [text[pos:s], _NOT_NEWLINE.sub(" ", chunk) if "\n" in chunk else " " * len(chunk)]
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


_NOT_NEWLINE = re.compile("[^\n]")  # one character at a time: the length stays


def normalize_quotes(s: str) -> str:
    """Fold typographic quotes and apostrophes so titles and aliases compare equal across outlets."""
    return s.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
