"""Properties every extraction must have, on arbitrary Unicode and on news-like text (hypothesis).

``extract()`` never raises; every reported span is exact (``text[start:end] == surface``), inside the
text and non-empty; the items of each kind come sorted by start and never overlap; dates carry a valid
EDTF value with ``earliest <= latest``; figures are finite. ``segment()`` never raises and its segments
are exact, in order and disjoint. Set PROPERTY_EXAMPLES for a longer hunt (300 examples per test by
default keeps the file to a few seconds); no example database is written.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import edtf
from etl.extract import Extraction, extract
from etl.extract.dates import find_dates
from etl.extract.english import Quotations
from etl.extract.quantities import find_quantities
from etl.extract.quotes import find_quotes
from etl.facts import load_entities
from etl.segment import KINDS, segment

ROOT = Path(__file__).resolve().parent.parent
ENTITIES = load_entities(ROOT / "facts.yml")
ALIASES = {e.id: set(e.aliases or (e.name,)) for e in ENTITIES}
PUBLISHED = dt.date(2023, 2, 3)

PROPERTIES = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "300")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- news-like text ---------------------------------------------------------------------------------------------

_MONTHS = "January February March April May June July August September October November December".split()
_FRAGMENTS = [
    *"0123456789",
    *"0123456789",
    "1,000",
    "10,000,000",
    "2,5",
    "3.5",
    "0.75",
    "2022",
    "2023",
    "1999",
    "24",
    "31",
    "1st",
    "3rd",
    "24th",
    "-",
    "–",
    "—",
    "−",
    "/",
    ":",
    ",",
    ".",
    "...",
    ";",
    "!",
    "?",
    "(",
    ")",
    "$",
    "€",
    "£",
    "¥",
    "₴",
    "US$",
    "%",
    "USD",
    '"',
    "“",
    "”",
    "‘",
    "’",
    "'",
    "'s",
    *_MONTHS,
    *(m[:3] + "." for m in _MONTHS),
    "Sept.",
    "mid-",
    "Monday",
    "Friday",
    "spring",
    "summer",
    "winter",
    "fall",
    "today",
    "yesterday",
    "said",
    "says",
    "told reporters",
    "according to",
    "adding",
    "about",
    "around",
    "nearly",
    "more than",
    "up to",
    "at least",
    "by",
    "since",
    "in",
    "on",
    "of",
    "until",
    "before",
    "after",
    "between",
    "and",
    "or",
    "to",
    "from",
    "early",
    "late",
    "the end of",
    "this",
    "last",
    "next",
    "year",
    "years",
    "month",
    "days",
    "ago",
    "will",
    "had",
    "was",
    "the",
    "a",
    "an",
    "one",
    "two",
    "twenty-five",
    "hundred",
    "thousand",
    "million",
    "billion",
    "bn",
    "m",
    "km",
    "per cent",
    "percent",
    "a day",
    "per year",
    "troops",
    "people",
    "tanks",
    "soldiers",
    "Gen.",
    "U.S.",
    "Mr.",
    "spokesman",
    "President",
    "Article",
    "F-16",
    "Leopard",
    "http://example.com/2023/02/03",
    "+380 44 123 4567",
    "10:30",
    "a.m.",
    "By",
    "Photo:",
    "(Photo",
    "Subscribe",
    "min read",
    "İ",
    "ſ",
    "é",
    "٣",
    "１",
]
_ALIASES = sorted({alias for aliases in ALIASES.values() for alias in aliases})
_SEED_SENTENCES = sorted(
    {
        s.strip()
        for path in sorted((ROOT / "seeds").glob("*.txt"))
        for s in re.split(r"(?<=[.!?”])\s+", path.read_text(encoding="utf-8"))
        if s.strip()
    }
)
_SEPARATORS = ["", " ", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", ", ", ". "]

_piece = st.one_of(
    st.sampled_from(_FRAGMENTS),
    st.sampled_from(_FRAGMENTS),
    st.sampled_from(_ALIASES),
    st.sampled_from(_SEED_SENTENCES),
    st.text(max_size=3),
)
news_like = st.lists(st.tuples(_piece, st.sampled_from(_SEPARATORS)), max_size=60).map(
    lambda parts: "".join(p + s for p, s in parts)
)
any_text = st.one_of(st.text(), news_like)


# --- the invariants ---------------------------------------------------------------------------------------------


def _check_spans(text: str, kind: str, items: list) -> None:
    end = 0
    for item in items:
        assert 0 <= item.start < item.end <= len(text), (kind, item)
        assert text[item.start : item.end] == item.surface, (kind, item)
        assert item.start >= end, (kind, "overlaps or out of order", item)
        end = item.end


def _check(text: str, ex: Extraction) -> None:
    for kind in ("quantities", "dates", "quotes", "entities"):
        _check_spans(text, kind, getattr(ex, kind))
    for q in ex.quantities:
        assert math.isfinite(q.value), q
        assert q.value_max is None or (math.isfinite(q.value_max) and q.value_max >= q.value), q
        assert q.unit, q
        assert q.approx == (q.qualifier is not None), q
    for d in ex.dates:
        precision, first, last = edtf.parse(d.value)  # raises unless valid EDTF
        assert d.precision == precision or (precision, d.precision) == ("interval", "week"), d
        assert d.modifier is None or d.modifier in edtf.MODIFIERS, d
        earliest = dt.date.fromisoformat(d.earliest) if d.earliest else None
        latest = dt.date.fromisoformat(d.latest) if d.latest else None
        assert earliest is not None or latest is not None, d
        assert earliest is None or latest is None or earliest <= latest, d
        if d.modifier is None:
            assert (earliest, latest) == (first, last), d
    for q in ex.quotes:
        assert text[q.start] in "\"“”‘'", q  # a closing ” opens where nothing is open (mistyped copy)
        if text[q.start] == "'":  # a straight single quote: more than one word, closed in its paragraph
            assert text[q.end - 1] == "'" and " " in q.text, q
        assert q.text in (text[q.start + 1 : q.end - 1], text[q.start + 1 : q.end]), q
    for m in ex.entities:
        assert m.alias in ALIASES[m.entity_id], m


def _check_segments(text: str, title: str | None) -> None:
    segments = segment(text, title)
    end = 0
    for n, seg in enumerate(segments, 1):
        assert seg.ordinal == n
        assert seg.kind in KINDS
        assert end <= seg.start < seg.end <= len(text), seg
        assert text[seg.start : seg.end] == seg.text, seg
        assert seg.text == seg.text.strip() and "\n" not in seg.text, seg
        end = seg.end
    assert all(not line.strip() for line in text[end:].split("\n")), "text after the last segment"


# --- the tests --------------------------------------------------------------------------------------------------


@PROPERTIES
@given(st.text(st.characters(exclude_categories=())))  # lone surrogates too, as surrogateescape decoding gives
def test_extract_on_arbitrary_unicode(text: str) -> None:
    _check(text, extract(text, PUBLISHED, ENTITIES))


@PROPERTIES
@given(news_like)
def test_extract_on_news_like_text(text: str) -> None:
    _check(text, extract(text, PUBLISHED, ENTITIES))


@PROPERTIES
@given(news_like)
def test_extractors_on_unmasked_text(text: str) -> None:
    """The extractors alone (no chrome blanked, no dates excluded from the figures) keep the same promises."""
    dates = find_dates(text, PUBLISHED)
    ex = Extraction(find_quantities(text), dates, find_quotes(text, ENTITIES), [])
    _check(text, ex)


@PROPERTIES
@given(any_text, st.one_of(st.none(), st.sampled_from(_SEED_SENTENCES), st.text(max_size=20)))
def test_segment(text: str, title: str | None) -> None:
    _check_segments(text, title)


def _naive_opening(text: str, pos: int) -> int | None:
    opened = None
    for i in range(text.rfind("\n", 0, pos) + 1, pos):
        if text[i] == "“" or (text[i] == '"' and opened is None):
            opened = i
        elif text[i] in '"”':
            opened = None
    return opened


@PROPERTIES
@given(st.text(st.sampled_from('ab "“”\n'), max_size=40))
def test_quotation_openings_match_a_scan_from_the_paragraph_start(text: str) -> None:
    quotations = Quotations(text)
    assert [quotations.opening(p) for p in range(len(text) + 1)] == [
        _naive_opening(text, p) for p in range(len(text) + 1)
    ]


# Inputs that once took quadratic time (found reviewing the regexes for backtracking): doubling the text
# about doubles the time now; at 1 MB each took minutes to hours before.
ONCE_QUADRATIC = {
    "run of dots": lambda n: "He said " + "." * n + "x",  # text._SENTENCE_END tried every dot as a start
    "unclosed (photo": lambda n: "(photo " * (n // 7),  # segment: r"\(photo\b[^)]*\)" rescanned to the end
    "long word caption": lambda n: "Headline\n" + "a" * n + "\n" + "b " * n,  # segment._REPORTING r"\w{3,}ed\b"
    # dates: the quotation and the sentence around each mention were rescanned from the paragraph start
    "quoted relative dates": lambda n: 'On Jan. 30 he wrote: "Yesterday, today. ' * (n // 41),
    "repeated days": lambda n: "On Feb. 24, 2022, and since Feb. 24, " * (n // 36),
}


@pytest.mark.parametrize("make", ONCE_QUADRATIC.values(), ids=ONCE_QUADRATIC.keys())
def test_once_quadratic_inputs_are_linear(make: Callable[[int], str]) -> None:
    def run(size: int) -> float:
        text = make(size)
        began = time.perf_counter()
        ex = extract(text, PUBLISHED, ENTITIES)
        elapsed = time.perf_counter() - began
        _check(text, ex)
        _check_segments(text, None)
        return elapsed

    small, big = run(50_000), run(200_000)
    assert big < max(8 * small, 0.05) + 0.5  # linear is ~4x; quadratic ~16x (and seconds)
