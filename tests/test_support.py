"""What one evidence span states of its fact: the rules corroboration counts by (etl/support.py)."""

from __future__ import annotations

import pytest

from etl import edtf
from etl.facts import Fact
from etl.support import OUTLET, QUOTE, REPORTED, attribution, read_span, sentence_bounds


def fact(value=None, unit=None, date=None, modifier=None) -> Fact:
    first, last = edtf.bounds(date, modifier) if date else (None, None)
    return Fact(
        id="f", statement="s", subject="x", predicate="p", value=value, unit=unit, per=None, qualifier=None,
        date=date, date_modifier=modifier, date_earliest=first and first.isoformat(),
        date_latest=last and last.isoformat(), topic="t", claimant=None, said_on=None, supersedes=None,
        evidence=(), line=1,
    )  # fmt: skip


def figure(surface, value, unit, value_max=None) -> dict:
    return {"surface": surface, "value": value, "unit": unit, "value_max": value_max}


def day(surface, value, modifier=None) -> dict:
    first, last = edtf.bounds(value, modifier)
    return {
        "surface": surface,
        "value": value,
        "earliest": first and first.isoformat(),
        "latest": last and last.isoformat(),
    }


def same(extracted, unit):
    return extracted == unit or (extracted, unit) == ("soldiers", "troops")


@pytest.mark.parametrize(
    ("figures", "states", "contradicted"),
    [
        ([figure("15,000", 15000, "troops")], True, {}),
        ([figure("15,000", 15000, "soldiers")], True, {}),  # an alias of the unit
        ([figure("30 000", 30000, "soldiers")], False, {"value": ("30 000",)}),
        ([figure("10,000-20,000", 10000, "troops", 20000)], False, {}),  # a range holding it: neither
        ([figure("15,000", 15000, "tanks")], False, {}),  # another unit: not comparable
        ([figure("15,000", 15000, "troops"), figure("30,000", 30000, "troops")], True, {}),  # from 15,000 to 30,000
    ],
)
def test_a_figure_states_or_contradicts_the_value(figures, states, contradicted):
    r = read_span(fact(15000, "troops"), figures, [], True, same)
    assert (r.states_value, r.contradicted) == (states, contradicted)


@pytest.mark.parametrize(
    ("fact_date", "dates", "states", "contradicted"),
    [
        (("2022-02", "late"), [day("Feb. 28, 2022", "2022-02-28")], True, False),
        (("2022-02", "late"), [day("Feb. 3, 2022", "2022-02-03")], False, True),  # early February is not late
        (("2023-02-03", None), [day("February", "2023-02")], False, False),  # coarser: consistent, not stated
        (("2023-02-24", "by"), [day("by Feb. 20", "2023-02-20", "by")], False, True),  # another deadline
        (("2023-02-24", "by"), [day("Feb. 3", "2023-02-03"), day("by Feb. 24", "2023-02-24", "by")], True, False),
        (("2022-22", "since"), [day("Feb. 3", "2023-02-03")], False, True),  # an open date compares by value
    ],
)
def test_a_date_states_or_contradicts_the_date(fact_date, dates, states, contradicted):
    r = read_span(fact(date=fact_date[0], modifier=fact_date[1]), [], dates, True, same)
    assert (r.states_date, "date" in r.contradicted) == (states, contradicted)


def test_parts_a_fact_does_not_have_are_none():
    r = read_span(fact(), [figure("4", 4, "count")], [day("Feb. 3", "2023-02-03")], False, same)
    assert (r.states_value, r.states_date, r.states_subject, r.contradicted, r.states_any) == (
        None,
        None,
        False,
        {},
        False,
    )


TEXT = (
    'Moscow says Russian forces are encircling the city. "We will hold it," the mayor said.\n\n'
    "The town lies 15 kilometers away. Officials said it was calm."
)


def test_sentence_bounds_and_attribution():
    start = TEXT.index("Russian forces")
    assert (
        TEXT[slice(*sentence_bounds(TEXT, start, start + 5))] == "Moscow says Russian forces are encircling the city."
    )
    quote = {"start": TEXT.index('"We'), "end": TEXT.index('," the') + 2}
    assert attribution(TEXT, start, start + 14, [quote]) == REPORTED
    assert attribution(TEXT, quote["start"] + 1, quote["start"] + 8, [quote]) == QUOTE
    at = TEXT.index("15 kilometers")
    assert attribution(TEXT, at, at + 13, []) == OUTLET  # the next sentence's "said" is not this one's
