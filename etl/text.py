"""Text helpers shared by the segmenter and the extractors.

Everything here works on Python ``str`` indices, which are Unicode code points:
the offsets the dataset publishes.
"""

from __future__ import annotations

from collections.abc import Iterable

from etl.extract.english import ABBREVIATIONS, paragraphs, sentences

# The sentence rules are English: they live with the other English rules.
__all__ = ["ABBREVIATIONS", "mask", "normalize_quotes", "paragraphs", "sentences"]


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
