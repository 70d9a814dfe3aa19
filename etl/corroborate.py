"""Corroboration across outlets: the same statement as different sources quoted it.

Two outlets at one press conference print the same words in different
translations ("Nobody will give away Bakhmut" / "won't hand over Bakhmut").
We split every extracted quote into sentences, score each pair of sentences
from different sources by the words they share, and keep a pair when the
score reaches ``THRESHOLD`` or when a human confirmed it as one statement
in facts.yml. Everything is computed from the words: no models, no network,
the same inputs give the same pairs.

Only sources that share at least one curated fact (or statement) are
compared: they reported the same event, and it keeps the work proportional
to the coverage of an event rather than to the square of the archive.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from etl.text import sentences

# Dice score from which two sentences by the same speaker count as renderings of one statement. On the
# seeds, three renderings score 0.57-0.94 and different statements by the same speaker at most 0.20; "won't hand
# over Bakhmut" / "Nobody will give away Bakhmut" share two words of five (0.4): pairs like it need a human.
THRESHOLD = 0.5

_CONTRACTIONS = [
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'s\b"), ""),
]
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Unit:
    """One sentence of an extracted quote: the smallest stretch two outlets render alike."""

    quote_id: str
    source_id: str
    start: int
    end: int
    exact: str
    speaker_id: str | None


@dataclass(frozen=True)
class Rendering:
    """A located rendering of a curated statement."""

    statement_id: str
    source_id: str
    start: int
    end: int
    line: int | None = None  # in facts.yml, for errors


def words(text: str) -> list[str]:
    """Lower-case words with contractions spelt out and plural -s dropped, so wordings compare fairly."""
    t = text.lower().replace("’", "'")
    for pattern, repl in _CONTRACTIONS:
        t = pattern.sub(repl, t)
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in _WORD.findall(t)]


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two word multisets: 1 for the same words, 0 for none in common."""
    return _dice(Counter(words(a)), Counter(words(b)))


def _dice(wa: Counter, wb: Counter) -> float:
    total = wa.total() + wb.total()
    return round(2 * (wa & wb).total() / total, 3) if total else 0.0


def units(quotes: Iterable[Mapping], texts: Mapping[str, str]) -> list[Unit]:
    """Sentences inside the quotation marks of every quote row (id, source_id, start, surface, text)."""
    out = []
    for q in quotes:
        inner = q["start"] + q["surface"].find(q["text"])
        text = texts[q["source_id"]]
        for s, e in sentences(text, inner, inner + len(q["text"])):
            out.append(Unit(q["id"], q["source_id"], s, e, text[s:e], q.get("speaker_id")))
    return out


def variants(all_units: Sequence[Unit], renderings: Sequence[Rendering], linked: set[frozenset[str]]) -> list[dict]:
    """Pairs of units from different, linked sources that render one statement: scored, confirmed or both.

    Candidates are the same speaker's sentences and the sentences of one curated statement, so the work grows
    with what linked sources quote, not with the product of all their quotes."""
    by_source = _by_source(all_units)
    confirmed = {_key(u): r.statement_id for r in renderings for u in _overlapping(by_source, r)}
    bags = {_key(u): Counter(words(u.exact)) for u in all_units}
    groups = {sid: _groups(source_units, confirmed) for sid, source_units in by_source.items()}
    rows = {}
    for sa, sb in sorted(tuple(sorted(p)) for p in linked if len(p) == 2):
        groups_a, groups_b = groups.get(sa, {}), groups.get(sb, {})
        for group in sorted(groups_a.keys() & groups_b.keys()):
            for a, b in itertools.product(groups_a[group], groups_b[group]):
                statement = confirmed.get(_key(a))
                statement = statement if statement is not None and statement == confirmed.get(_key(b)) else None
                score = _dice(bags[_key(a)], bags[_key(b)])
                if statement is not None or score >= THRESHOLD:
                    row = _row(a, b, score, statement)
                    rows[row["id"]] = row
    return [rows[k] for k in sorted(rows)]


def _groups(source_units: Iterable[Unit], confirmed: Mapping[tuple[str, int, int], str]) -> dict[str, list[Unit]]:
    """A source's units by speaker, and by curated statement: the only pairs worth scoring."""
    out: dict[str, list[Unit]] = {}
    for u in source_units:
        if u.speaker_id is not None:
            out.setdefault(f"speaker:{u.speaker_id}", []).append(u)
        if _key(u) in confirmed:
            out.setdefault(f"statement:{confirmed[_key(u)]}", []).append(u)
    return out


def uncovered(all_units: Sequence[Unit], renderings: Sequence[Rendering]) -> list[Rendering]:
    """Renderings that overlap no sentence of any extracted quote, so they could never be paired."""
    by_source = _by_source(all_units)
    return [r for r in renderings if not _overlapping(by_source, r)]


def _by_source(all_units: Iterable[Unit]) -> dict[str, list[Unit]]:
    out: dict[str, list[Unit]] = {}
    for u in all_units:
        out.setdefault(u.source_id, []).append(u)
    return out


def _overlapping(by_source: Mapping[str, list[Unit]], r: Rendering) -> list[Unit]:
    return [u for u in by_source.get(r.source_id, []) if u.start < r.end and r.start < u.end]


def _key(u: Unit) -> tuple[str, int, int]:
    return u.source_id, u.start, u.end


def _row(a: Unit, b: Unit, score: float, statement: str | None) -> dict:
    return {
        "id": f"{a.source_id}:{a.start}-{a.end}|{b.source_id}:{b.start}-{b.end}",
        "statement_id": statement, "confirmed": int(statement is not None), "score": score,
        "speaker_id": a.speaker_id if a.speaker_id == b.speaker_id else None,
        "a_quote_id": a.quote_id, "a_source_id": a.source_id, "a_start": a.start, "a_end": a.end, "a_exact": a.exact,
        "b_quote_id": b.quote_id, "b_source_id": b.source_id, "b_start": b.start, "b_end": b.end, "b_exact": b.exact,
    }  # fmt: skip
