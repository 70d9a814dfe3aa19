"""The curated tables' rows: facts.yml's entities, units, topics, statements and facts, and the spans its quotes
locate in the articles (evidence with the figures and dates inside it, renderings, ignores), each fact checked as its
rows are made, in facts.yml's order; and the quote variants paired across the sources a fact or statement links.

A stage of the build (etl.build): it takes the span results the articles' stage computed (etl.article) and gives rows,
staged or returned, for the load (etl.load).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from etl import corroborate, load, support
from etl.article import ARTICLE_TABLES, SpanResult
from etl.checks import check_readings, disagreements
from etl.errors import InputError
from etl.facts import Curated, Fact, QuoteRef
from etl.sources import Source

__all__ = ["STAGED_CURATED", "curated_rows", "origin_rows", "quote_sources", "renderings", "span_rows", "variants"]


# The curated tables with a row or more per fact: a clean build stages them (``curated_rows(into=...)``) rather
# than holding 20,000 facts' rows as dicts to the end (60 MB at 10,000 articles, a third of its memory).
STAGED_CURATED = ("facts", *load.SCOPED)


def curated_rows(
    sources: Sequence[Source],
    curated: Curated,
    spans: dict[tuple, SpanResult],
    quotes: Iterable[dict],
    texts: dict[str, str],
    into: load.StagingPart | None = None,
) -> dict[str, list[dict]]:
    """Every table but ARTICLE_TABLES, checking each fact's spans in facts.yml's order; the STAGED_CURATED tables
    go ``into`` a staging part if one is given, the others are returned.

    ``quotes`` and ``texts``: the extracted quotes and the texts of the sources named by ``quote_sources``, for
    pairing quote variants."""
    out: dict[str, list[dict]] = {name: [] for name in load.TABLES if name not in ARTICLE_TABLES}
    for e in curated.entities:
        row = {"id": e.id, "name": e.name, "type": e.type, "description": e.description}
        out["entities"].append(row | curated.entity_refs.get(e.id, {}))
        out["entity_aliases"] += [{"entity_id": e.id, "alias": alias} for alias in e.aliases]
    out["units"] = [
        {"id": k, "kind": u.get("kind"), "description": u["description"], "aliases": json.dumps(u.get("aliases", []))}
        for k, u in curated.units.items()
    ]
    out["source_origins"] = origin_rows(sources)
    out["topics"] = [{"id": k, "description": v} for k, v in curated.topics.items()]
    out["statements"] = [
        {"id": st.id, "speaker_id": st.speaker, "fact_id": st.fact, "note": st.note} for st in curated.statements
    ]
    chunks = itertools.chain(
        ({"facts": [_fact_row(f)]} for f in curated.facts), _span_chunks(curated, spans, range(len(curated.facts)))
    )
    if into is None:
        out |= _gathered(chunks)
    else:
        while batch := list(itertools.islice(chunks, 1000)):  # a transaction per thousand facts' rows
            into.add(load.packed(_gathered(batch)))
        for name in STAGED_CURATED:
            del out[name]
    out["quote_variants"] = variants(curated, renderings(curated, spans), quotes, texts)
    return out


def span_rows(
    curated: Curated, spans: dict[tuple, SpanResult], facts: Iterable[int], within: set[str] | None
) -> dict[str, list[dict]]:
    """The rows of curated spans, checked in facts.yml's order: the evidence of the facts at indexes ``facts``, and
    the statement renderings and ignored spans lying in the sources ``within`` (None: all)."""
    return {t: [] for t in load.SCOPED} | _gathered(_span_chunks(curated, spans, facts, within))


def _gathered(chunks: Iterable[dict[str, list[dict]]]) -> dict[str, list[dict]]:
    """Chunks of rows (table -> rows) as one table -> rows."""
    out: dict[str, list[dict]] = {}
    for chunk in chunks:
        for name, rows in chunk.items():
            out.setdefault(name, []).extend(rows)
    return out


def _span_chunks(
    curated: Curated, spans: dict[tuple, SpanResult], facts: Iterable[int], within: set[str] | None = None
) -> Iterator[dict[str, list[dict]]]:
    """``span_rows``, a fact's rows (or a statement's, or an ignore's) at a time, each checked as it is reached."""
    for i in facts:
        fact = curated.facts[i]
        results = [spans[("fact", i, j)] for j in range(len(fact.evidence))]
        for r in results:
            r.raise_error()
        _once(curated.path, f"fact '{fact.id}'", fact.evidence, results)
        check_readings(fact, results, curated)
        yield {
            "fact_evidence": [r.row for r in results],
            "evidence_quantities": [{"evidence_id": r.row["id"], "quantity_id": q["id"]} for r in results
                                    for q in r.figures],
            "evidence_dates": [{"evidence_id": r.row["id"], "date_id": d["id"]} for r in results for d in r.dates],
            "disagreements": disagreements(fact, results),
        }  # fmt: skip
    for i, st in enumerate(curated.statements):
        mine = [(j, q) for j, q in enumerate(st.renderings) if within is None or q.source in within]
        results = [spans[("rendering", i, j)] for j, _ in mine]
        for r in results:
            r.raise_error()
        _once(curated.path, f"statement '{st.id}'", [q for _, q in mine], results)
        yield {"statement_renderings": [{**r.row, "statement_id": st.id} for r in results]}
    for i, g in enumerate(curated.ignores):
        if within is None or g.ref.source in within:
            r = spans[("ignore", i)]
            r.raise_error()
            yield {"ignored_spans": [{**r.row, "reason": g.reason}]}


def _once(path: Path, owner: str, quotes: Sequence[QuoteRef], results: Sequence[SpanResult]) -> None:
    """Refuse one fact's evidence (or one statement's renderings) naming the same words of a source twice: one
    quote, one row (a pasted line would otherwise stop the build with SQLite's unique-key error)."""
    first: dict[str, int] = {}
    for q, r in zip(quotes, results, strict=True):
        if r.row["id"] in first:
            raise InputError(
                path, q.line, f"{owner} quotes these words of {q.source} twice (also on line {first[r.row['id']]}); "
                "remove one, or give occurrence: to quote another place they appear",
            )  # fmt: skip
        first[r.row["id"]] = q.line


def renderings(curated: Curated, spans: dict[tuple, SpanResult]) -> list[corroborate.Rendering]:
    out = []
    for i, st in enumerate(curated.statements):
        for j, q in enumerate(st.renderings):
            r = spans[("rendering", i, j)]
            r.raise_error()
            row = r.row
            out.append(corroborate.Rendering(st.id, row["source_id"], row["start"], row["end"], q.line))
    return out


def origin_rows(sources: Sequence[Source]) -> list[dict]:
    origin = support.origins((s.id, s.publisher, s.credits) for s in sources)
    return [{"source_id": sid, "origin_id": o} for sid, o in origin.items()]


def quote_sources(curated: Curated) -> set[str]:
    """Sources whose quotes can pair as variants: linked to another by a fact or a statement, or holding a
    rendering. Only their quotes are read back for pairing."""
    return {sid for pair in _linked(curated) for sid in pair} | {
        q.source for st in curated.statements for q in st.renderings
    }


def _linked(curated: Curated) -> set[frozenset[str]]:
    sources_of: dict[str, set[str]] = {}
    for f in curated.facts:
        sources_of.setdefault(f.id, set()).update(q.source for q in f.evidence)
    for st in curated.statements:
        sources_of.setdefault(f"statement:{st.id}", set()).update(q.source for q in st.renderings)
    return {frozenset(p) for ids in sources_of.values() for p in itertools.combinations(sorted(ids), 2)}


def variants(
    curated: Curated, renderings: list[corroborate.Rendering], quotes: Iterable[dict], texts: dict[str, str]
) -> list[dict]:
    """The quote variants paired across linked sources; a rendering outside every quotation is refused."""
    units = corroborate.units(quotes, texts)
    for r in corroborate.uncovered(units, renderings):
        raise InputError(
            curated.path, r.line, f"statement '{r.statement_id}': this rendering lies in no quotation found in "
            f"{r.source_id}; quote words that stand inside quotation marks there",
        )  # fmt: skip
    return corroborate.variants(units, renderings, _linked(curated))


def _fact_row(f: Fact) -> dict:
    return {
        "id": f.id, "statement": f.statement, "subject_id": f.subject, "predicate": f.predicate, "value": f.value,
        "unit": f.unit, "per": f.per, "approx": None if f.value is None else int(f.approx), "qualifier": f.qualifier,
        "date": f.date, "date_modifier": f.date_modifier, "date_earliest": f.date_earliest,
        "date_latest": f.date_latest, "topic": f.topic, "claimant_id": f.claimant, "said_on": f.said_on,
        "supersedes": f.supersedes,
    }  # fmt: skip
