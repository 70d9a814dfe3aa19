"""The fast-scan helpers of etl.extract.english: a folded text and a first-character-first alternation must match
exactly where the case-insensitive, look-behind-first patterns they replace match."""

from __future__ import annotations

import random
import re
import string

import pytest

from etl.extract.english import first_char_first, fold_case
from etl.segment import segment
from etl.text import mask


def test_fold_case_matches_what_ignorecase_matches_for_every_code_point() -> None:
    letter_like = re.compile("[a-z]", re.IGNORECASE)
    word = re.compile(r"\w")
    for cp in range(0x110000):
        ch = chr(cp)
        folded = fold_case(ch)
        assert len(folded) == 1, hex(cp)
        assert bool(word.match(folded)) == bool(word.match(ch)), hex(cp)
        if letter_like.fullmatch(ch):
            assert folded in string.ascii_lowercase, hex(cp)
            assert re.fullmatch(folded, ch, re.IGNORECASE), hex(cp)
        else:
            assert folded not in string.ascii_lowercase, hex(cp)


@pytest.mark.parametrize("text", ["Kyiv SAID İt was ſo", "Kyiv said it was so", "ΣΑΣ ıK"])
def test_fold_case_keeps_length_and_folds_ascii_letters(text: str) -> None:
    folded = fold_case(text)
    assert len(folded) == len(text)
    for ch, f in zip(text, folded, strict=True):
        if re.fullmatch("[a-z]", ch, re.IGNORECASE):
            assert re.fullmatch(f, ch, re.IGNORECASE) and f.islower() and f.isascii()


FRAGMENTS = [
    r"\bjan",
    r"\bju[ln]",
    r"\ba\b",
    r"\ban\b",
    r"\b(?<![.,])1",
    r"\b(?<![.,])2",
    "via\\ x",
    r"(?<![a-z])ten",
    r"\btens?",
]


def test_first_char_first_matches_where_the_plain_alternation_matches() -> None:
    plain = re.compile("|".join(FRAGMENTS), re.VERBOSE)
    fast = re.compile(first_char_first(FRAGMENTS), re.VERBOSE)
    assert fast.pattern.startswith("(?:j(?<!\\wj)(?:an|u[ln])|a")
    rng = random.Random(14)
    alphabet = "jaulnvitsx12.,- _\n"
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(16)))
        assert [m.span() for m in fast.finditer(s)] == [m.span() for m in plain.finditer(s)], s


def test_first_char_first_refuses_a_fragment_it_cannot_reorder() -> None:
    with pytest.raises(AssertionError):
        first_char_first([r"\b(?:jan|feb)"])
    with pytest.raises(AssertionError):
        first_char_first(["a?b"])


@pytest.mark.parametrize(
    "para",
    ["SKIP TO CONTENT", "Sign up for our NEWSLETTER today", "ſupport our journalism", "Photo by AP", "5 MIN READ"],
)
def test_chrome_signs_ignore_case(para: str) -> None:
    kinds = [s.kind for s in segment(f"Headline of the story\n{para}\nThe story, which is long enough.")]
    assert kinds[1] == ("caption" if para.startswith("Photo") else "chrome")


def test_mask_blanks_spans_in_any_order_keeping_newlines_and_length() -> None:
    text = "ab cd\nef gh\nij"
    assert mask(text, [(9, 13), (1, 4), (3, 8), (5, 2)]) == "a    \n     \n j"
    assert mask(text, []) == text
    with pytest.raises(IndexError):
        mask(text, [(10, 20)])
