"""What a human must decide about a fact, given what each of its evidence spans reads: refused with one line.

The per-span reading happens with the article (etl.article); these checks need every span of a fact at once,
so they run after all articles, in facts.yml's order, and see only the small results the articles left.
"""

from __future__ import annotations

from collections.abc import Sequence

from etl import support
from etl.article import SpanResult
from etl.errors import InputError
from etl.facts import Curated, Fact, plain


def check_readings(fact: Fact, spans: Sequence[SpanResult], curated: Curated) -> None:
    """The fact's own figure and date must be stated by some evidence (else the fact is likely wrong); then each
    span must state a part of it or be marked as contradicting it, and a claim needs its claimant."""
    readings = [s.reading for s in spans]
    agreeing = [r for ref, r in zip(fact.evidence, readings, strict=True) if not ref.contradicts]
    if fact.value is not None and not any(r.states_value for r in agreeing):
        got = [f"{q['surface']!r} = {q['value']:g} {q['unit']}" for s in spans for q in s.figures]
        _unstated(fact, curated, f"value {fact.value:g} {fact.unit}", "figures", got, "value/unit")
    if fact.date is not None and not any(r.states_date for r in agreeing):
        got = [f"{d['surface']!r} = {d['value']}" for s in spans for d in s.dates]
        _unstated(fact, curated, f"date {fact.date}", "dates", got, "the date")
    for ref, r in zip(fact.evidence, readings, strict=True):
        said = ", ".join(repr(x) for words in r.contradicted.values() for x in words)
        if r.contradicted and not ref.contradicts:
            raise InputError(
                curated.path, ref.line, f"fact '{fact.id}': this quote gives its {' and '.join(r.contradicted)} "
                f"differently ({said}); mark the evidence 'contradicts: true' or fix the fact",
            )  # fmt: skip
        if ref.contradicts and not r.contradicted:
            raise InputError(
                curated.path, ref.line, f"fact '{fact.id}': evidence marked 'contradicts: true' gives no other figure "
                "or date; remove the mark",
            )  # fmt: skip
        if not r.states_any and not r.contradicted:
            raise InputError(
                curated.path, ref.line, f"fact '{fact.id}': this quote states no part of the fact (no figure, date "
                f"or mention of '{fact.subject}' in its sentence); quote words that state it",
            )  # fmt: skip
    evidence = [s.row for s in spans]
    if fact.claimant is None and all(ev["attribution"] != support.OUTLET for ev in evidence if not ev["contradicts"]):
        kinds = sorted({ev["attribution"] for ev in evidence})
        raise InputError(
            curated.path, fact.line, f"fact '{fact.id}' is given only as someone's words ({', '.join(kinds)}); add "
            "'claimant:' (who says it, an entity) or 'attribution: outlet' on evidence the outlet states itself",
        )  # fmt: skip


def _unstated(fact: Fact, curated: Curated, what: str, kind: str, found: list[str], fix: str) -> None:
    raise InputError(
        curated.path, fact.line, f"fact '{fact.id}': {what} is not among the {kind} in its evidence "
        f"({', '.join(found) or 'no ' + kind}); fix {fix} or quote the words that state it",
    )  # fmt: skip


def disagreements(fact: Fact, spans: Sequence[SpanResult]) -> list[dict]:
    """Per part and contradicting source: what the fact says, what the source's words say, who states the fact's."""
    curated = {"value": None if fact.value is None else f"{plain(fact.value)} {fact.unit}", "date": fact.date}
    pairs = [(s.row, s.reading) for s in spans]
    says: dict[tuple[str, str], list[str]] = {}
    for ev, r in pairs:
        for part, words in r.contradicted.items():
            says.setdefault((part, ev["source_id"]), []).extend(words)
    rows = []
    for (part, sid), words in sorted(says.items()):
        agreeing = sorted({ev["source_id"] for ev, r in pairs if getattr(r, f"states_{part}") and not r.contradicted})
        rows.append({
            "fact_id": fact.id, "statement": fact.statement, "field": part, "curated": curated[part],
            "source_id": sid, "source_says": "; ".join(dict.fromkeys(words)),
            "agreeing_sources": ", ".join(agreeing) or None,
        })  # fmt: skip
    return rows
