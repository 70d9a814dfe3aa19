"""What a source's cited words actually say about a fact: the ground of every corroboration count.

A fact has parts: its subject always, its value and its date when it has them. An evidence span *states* a part
only when the extractors found it inside the span: a figure equal to the fact's value in the same or an equivalent
unit, a date within the fact's bounds, a mention of the subject in the span's sentence (or the span lies in a
quotation whose speaker is the subject). A figure or date that cannot be the fact's is a *contradiction*, never
support. A source states a fact only when its spans together state every part; this module reads single spans,
the derived tables in etl/load.py add them up per source, per independent origin and per fact.

The rules are English news style in general: nothing here knows the seed articles.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from etl.extract.quotes import reporting_cue
from etl.facts import Fact
from etl.text import sentences

# How a source conveys a fact: the values of fact_evidence.attribution (and of facts.yml's `attribution:`).
QUOTE = "direct quote"
REPORTED = "reported speech"
OUTLET = "outlet"


@dataclass(frozen=True)
class Reading:
    """What one evidence span says about its fact. ``None`` for a part the fact does not have."""

    states_value: bool | None
    states_date: bool | None
    states_subject: bool
    contradicted: dict[str, tuple[str, ...]]  # part ("value", "date") -> the words that give it differently

    @property
    def states_any(self) -> bool:
        return bool(self.states_value or self.states_date or self.states_subject)


def read_span(
    fact: Fact,
    figures: Sequence[dict],
    dates: Sequence[dict],
    subject_mentioned: bool,
    same_unit: Callable[[str, str | None], bool],
) -> Reading:
    """Compare the figures and dates found inside one span (rows of ``quantities`` and ``dates``) with the fact."""
    states_value = states_date = None
    contradicted: dict[str, tuple[str, ...]] = {}
    if fact.value is not None:
        comparable = [q for q in figures if same_unit(q["unit"], fact.unit)]
        states_value = any(q["value"] == fact.value for q in comparable)
        # A range that contains the value neither states nor denies it.
        consistent = states_value or any(
            q["value_max"] is not None and q["value"] <= fact.value <= q["value_max"] for q in comparable
        )
        if comparable and not consistent:
            contradicted["value"] = tuple(q["surface"] for q in comparable)
    if fact.date is not None:
        states_date = any(date_states(fact, d["value"], d["earliest"], d["latest"]) for d in dates)
        if dates and not states_date and not any(_date_overlaps(fact, d["earliest"], d["latest"]) for d in dates):
            contradicted["date"] = tuple(d["surface"] for d in dates)
    return Reading(states_value, states_date, subject_mentioned, contradicted)


# Modifiers that leave one end of a date open: "by Feb. 24" and "by Feb. 20" are two deadlines, though every day
# of one lies within the other, so such dates are compared by value. "late February" is a closed interval.
_OPEN = frozenset({"by", "since", "before", "after"})


def date_states(fact: Fact, value: str, earliest: str | None, latest: str | None) -> bool:
    """Does a date mentioned in the text (EDTF value and ISO bounds) state the fact's date? The same value, or a
    more precise one within the fact's closed bounds ("Feb. 28, 2022" states "late February 2022")."""
    if value == fact.date:
        return True
    if fact.date_modifier in _OPEN or None in (fact.date_earliest, fact.date_latest, earliest, latest):
        return False
    return fact.date_earliest <= earliest <= latest <= fact.date_latest


def _date_overlaps(fact: Fact, earliest: str | None, latest: str | None) -> bool:
    """Could the mentioned date be the fact's, less precisely ("February" for "3 February")? Never for open
    modifiers, compared by value."""
    if fact.date_modifier in _OPEN:
        return False
    lo, hi = earliest or dt.date.min.isoformat(), latest or dt.date.max.isoformat()
    return lo <= (fact.date_latest or dt.date.max.isoformat()) and (fact.date_earliest or dt.date.min.isoformat()) <= hi


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) a span lies in, within its paragraph (one line of the plain-text capture)."""
    p_start = text.rfind("\n", 0, start) + 1
    p_end = text.find("\n", end)
    p_end = len(text) if p_end == -1 else p_end
    spans = [(s, e) for s, e in sentences(text, p_start, p_end) if s < end and e > start] or [(start, end)]
    return min(s for s, _ in spans), max(e for _, e in spans)


def attribution(text: str, start: int, end: int, quotes: Iterable[dict]) -> str:
    """How the source conveys the span: inside quotation marks, in someone's words reported ("X said that ..."),
    or in the outlet's own voice."""
    if any(q["start"] < end and q["end"] > start for q in quotes):
        return QUOTE
    s, e = sentence_bounds(text, start, end)
    return REPORTED if reporting_cue(text[s:e]) else OUTLET


def origins(sources: Iterable[tuple[str, str, Sequence[str]]]) -> dict[str, str]:
    """Source id -> its origin: sources that share a publisher or a credited wire service (RFE/RL "with reporting
    by Reuters", another outlet rewriting Reuters) are one origin, transitively. The origin is named by its
    smallest source id, so it stays put when an unrelated article is added."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    ids = []
    for sid, publisher, credits in sources:
        ids.append(sid)
        for name in (publisher, *credits):
            union(f"source:{sid}", f"name:{_name_key(name)}")
    groups: dict[str, list[str]] = {}
    for sid in ids:
        groups.setdefault(find(f"source:{sid}"), []).append(sid)
    first = {root: min(members) for root, members in groups.items()}  # once per group: a wire has thousands
    return {sid: first[root] for root, members in groups.items() for sid in members}


@functools.lru_cache(maxsize=4096)  # a few publishers and wires, named by thousands of articles
def _name_key(name: str) -> str:
    """ "Reuters", "reuters" and "Reuters." are one wire service; "Radio Free Europe/Radio Liberty (RFE/RL)" too
    whether or not the abbreviation is written."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name)
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


# Admiralty / NATO information-credibility scale (STANAG 2511), as this dataset applies it to a fact.
GRADES = {
    1: "confirmed",  # stated by two or more independent origins, contradicted by none
    2: "probably true",  # stated by one origin, partly supported by another independent origin, contradicted by none
    3: "possibly true",  # stated by one origin only (however many outlets re-ran it), contradicted by none
    4: "doubtful",  # stated, but another origin contradicts it (no more origins contradict than state it)
    5: "improbable",  # contradicted by more independent origins than state it
    6: "cannot be judged",  # no source states every part of it, and none contradicts it
}


def grade(stating: int, partial_elsewhere: int, contradicting: int) -> int:
    """The credibility grade from counts of independent origins: ``stating`` the fact in full, ``partial_elsewhere``
    (partly supporting it and not among the stating ones), ``contradicting`` it."""
    if contradicting > stating:
        return 5
    if contradicting:
        return 4
    if stating >= 2:
        return 1
    if stating == 1:
        return 2 if partial_elsewhere else 3
    return 6


def grade_label(g: int) -> str:
    return GRADES[g]


def summary(conn) -> str:
    """The corroboration figures the README states, read from a built database (a test keeps them in step)."""

    def one(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    n_sources, facts = one("select count(*) from sources"), one("select count(*) from facts")
    every = one("select count(*) from corroboration where stated_by = 'every source'")
    single = one("select count(*) from corroboration where n_sources = 1")
    several = one("select count(*) from corroboration where n_origins >= 2")
    grades = conn.execute("select grade, grade_label, count(*) from corroboration group by grade order by grade")
    kinds = conn.execute("select attribution, count(*) from fact_evidence group by 1 order by 2 desc, 1")
    return (
        f"{facts} facts from {n_sources} sources: {every} stated by every source, {single} by one only, {several} by "
        f"two or more independent origins. By grade: {', '.join(f'{n} {label} ({g})' for g, label, n in grades)}. "
        f"Evidence spans by attribution: {', '.join(f'{n} {kind}' for kind, n in kinds)}."
    )
