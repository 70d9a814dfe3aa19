"""sources -> segment -> extract -> facts -> load: one build, all or nothing.

``check`` runs every stage without writing. ``build`` writes to a temporary
file beside the target and renames it into place only when every check passed,
so a failed build leaves the previous database untouched.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import etl
from etl import corroborate, load
from etl.errors import InputError
from etl.extract import Extraction, extract
from etl.facts import Curated, Fact, Span, load_facts, locate
from etl.segment import Segment, segment
from etl.sources import Source, load_sources


@dataclass(frozen=True)
class Article:
    """A source with everything computed from its text."""

    source: Source
    segments: list[Segment]
    extraction: Extraction

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.segments]

    def segment_id(self, offset: int) -> str:
        """The id of the paragraph holding ``offset`` (or the nearest before it)."""
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return f"{self.source.id}:{self.segments[i].ordinal}"


def read(seeds: Path, facts_path: Path) -> tuple[list[Article], Curated]:
    """Read and check all inputs; raise InputError on the first problem."""
    sources = load_sources(seeds)
    curated = load_facts(facts_path, sources)
    articles = []
    for src in sources:
        segs = segment(src.text, src.title)
        articles.append(Article(src, segs, extract(src.text, src.published, curated.entities, segs)))
    return articles, curated


def rows(articles: Sequence[Article], curated: Curated, inputs: dict[str, str]) -> dict[str, list[dict]]:
    """Every table's rows; checks that each fact's figure and date appear in its evidence."""
    by_id = {a.source.id: a for a in articles}
    out: dict[str, list[dict]] = {name: [] for name in load.TABLES}
    for a in articles:
        out["sources"].append(_source_row(a.source))
        out["segments"] += [
            {"id": f"{a.source.id}:{s.ordinal}", "source_id": a.source.id, **asdict(s)} for s in a.segments
        ]
        _extraction_rows(a, curated, out)
    for e in curated.entities:
        out["entities"].append({"id": e.id, "name": e.name, "type": e.type, "description": e.description})
        out["entity_aliases"] += [{"entity_id": e.id, "alias": alias} for alias in e.aliases]
    out["units"] = [{"id": k, "kind": u.get("kind"), "description": u["description"]} for k, u in curated.units.items()]
    out["topics"] = [{"id": k, "description": v} for k, v in curated.topics.items()]
    inside = _SpanIndex(out)
    for fact in curated.facts:
        out["facts"].append(_fact_row(fact))
        spans = [locate(q, by_id[q.source].source, curated.path) for q in fact.evidence]
        evidence = [_span_row(by_id[s.source_id], s, id_=f"{fact.id}@{s.source_id}:{s.start}-{s.end}") for s in spans]
        for row in evidence:
            row["fact_id"] = fact.id
        out["fact_evidence"] += evidence
        _link_and_check(fact, evidence, inside, out, curated)
    _statement_rows(by_id, curated, out)
    for g in curated.ignores:
        span = locate(g.ref, by_id[g.ref.source].source, curated.path)
        row = _span_row(by_id[span.source_id], span, id_=f"{span.source_id}:{span.start}-{span.end}")
        del row["prefix"], row["suffix"]
        out["ignored_spans"].append({**row, "reason": g.reason})
    out["build_info"] = [{"key": k, "value": v} for k, v in sorted(inputs.items())]
    return out


def _statement_rows(by_id: dict[str, Article], curated: Curated, out: dict[str, list[dict]]) -> None:
    """Curated statements and their renderings, and the quote variants paired across sources."""
    renderings = []
    for st in curated.statements:
        out["statements"].append({"id": st.id, "speaker_id": st.speaker, "fact_id": st.fact, "note": st.note})
        for q in st.renderings:
            span = locate(q, by_id[q.source].source, curated.path)
            row = _span_row(by_id[span.source_id], span, id_=f"{st.id}@{span.source_id}:{span.start}-{span.end}")
            del row["prefix"], row["suffix"]
            out["statement_renderings"].append({**row, "statement_id": st.id})
            renderings.append(corroborate.Rendering(st.id, span.source_id, span.start, span.end, q.line))
    units = corroborate.units(out["quotes"], {sid: a.source.text for sid, a in by_id.items()})
    for r in corroborate.uncovered(units, renderings):
        raise InputError(
            curated.path, r.line, f"statement '{r.statement_id}': this rendering lies in no quotation found in "
            f"{r.source_id}; quote words that stand inside quotation marks there",
        )  # fmt: skip
    sources_of: dict[str, set[str]] = {}
    for ev in out["fact_evidence"]:
        sources_of.setdefault(ev["fact_id"], set()).add(ev["source_id"])
    for r in renderings:
        sources_of.setdefault(f"statement:{r.statement_id}", set()).add(r.source_id)
    linked = {frozenset(p) for ids in sources_of.values() for p in itertools.combinations(sorted(ids), 2)}
    out["quote_variants"] = corroborate.variants(units, renderings, linked)


def _source_row(s: Source) -> dict:
    return {
        "id": s.id, "title": s.title, "publisher": s.publisher, "authors": json.dumps(list(s.authors)),
        "credits": json.dumps(list(s.credits)), "published": s.published.isoformat(), "url": s.url,
        "language": s.language, "sha256": s.sha256, "chars": len(s.text), "file": s.file, "text": s.text,
    }  # fmt: skip


def _fact_row(f: Fact) -> dict:
    return {
        "id": f.id, "statement": f.statement, "subject_id": f.subject, "predicate": f.predicate, "value": f.value,
        "unit": f.unit, "per": f.per, "approx": int(f.approx), "qualifier": f.qualifier, "date": f.date,
        "date_modifier": f.date_modifier, "date_earliest": f.date_earliest, "date_latest": f.date_latest,
        "topic": f.topic, "claimant_id": f.claimant, "supersedes": f.supersedes,
    }  # fmt: skip


def _span_row(a: Article, s: Span, id_: str) -> dict:
    return {
        "id": id_, "source_id": s.source_id, "segment_id": a.segment_id(s.start), "start": s.start, "end": s.end,
        "exact": s.exact, "prefix": s.prefix, "suffix": s.suffix,
    }  # fmt: skip


def _extraction_rows(a: Article, curated: Curated, out: dict[str, list[dict]]) -> None:
    names = {e.name: e.id for e in curated.entities}
    tables = {"quantities": "quantities", "dates": "dates", "quotes": "quotes", "entities": "entity_mentions"}
    for field, table in tables.items():
        for item in getattr(a.extraction, field):
            row = {
                "id": f"{a.source.id}:{item.start}-{item.end}", "source_id": a.source.id,
                "segment_id": a.segment_id(item.start), **asdict(item),
            }  # fmt: skip
            if table == "quotes":
                row["speaker_id"] = names.get(row["speaker"])
            out[table].append(row)


class _SpanIndex:
    """Extracted rows by table and source, sorted by start, to find those inside a span quickly."""

    def __init__(self, out: dict[str, list[dict]]):
        self._rows: dict[tuple[str, str], list[dict]] = {}
        for table in ("quantities", "dates"):
            for row in out[table]:
                self._rows.setdefault((table, row["source_id"]), []).append(row)
        self._starts = {k: [r["start"] for r in v] for k, v in self._rows.items()}

    def within(self, table: str, source_id: str, start: int, end: int) -> list[dict]:
        rows, starts = self._rows.get((table, source_id), []), self._starts.get((table, source_id), [])
        i = bisect.bisect_left(starts, start)
        found = []
        while i < len(rows) and rows[i]["start"] < end:
            if rows[i]["end"] <= end:
                found.append(rows[i])
            i += 1
        return found


def _link_and_check(
    fact: Fact, evidence: list[dict], inside: _SpanIndex, out: dict[str, list[dict]], curated: Curated
) -> None:
    """Link evidence to the figures and dates inside it, and make sure the fact's own are among them."""
    seen_q, seen_d = [], []
    for ev in evidence:
        for table, link, key, seen in (
            ("quantities", "evidence_quantities", "quantity_id", seen_q),
            ("dates", "evidence_dates", "date_id", seen_d),
        ):
            for item in inside.within(table, ev["source_id"], ev["start"], ev["end"]):
                out[link].append({"evidence_id": ev["id"], key: item["id"]})
                seen.append(item)
    found_value = fact.value is None or any(
        q["value"] == fact.value and curated.same_unit(q["unit"], fact.unit) for q in seen_q
    )
    found_date = fact.date is None or any(d["value"] == fact.date for d in seen_d)
    line = fact.line
    if not found_value:
        got = ", ".join(f"{q['surface']!r} = {q['value']:g} {q['unit']}" for q in seen_q) or "no figures"
        raise InputError(
            curated.path, line, f"fact '{fact.id}': value {fact.value:g} {fact.unit} is not among the figures "
            f"in its evidence ({got}); fix value/unit or quote the words that state it",
        )  # fmt: skip
    if not found_date:
        got = ", ".join(f"{d['surface']!r} = {d['value']}" for d in seen_d) or "no dates"
        raise InputError(
            curated.path, line, f"fact '{fact.id}': date {fact.date} is not among the dates in its evidence "
            f"({got}); fix the date or quote the words that state it",
        )  # fmt: skip


def input_hashes(seeds: Path, facts_path: Path) -> dict[str, str]:
    """What the database was built from: package version and a sha256 per input file."""
    files = [facts_path, seeds / "sources.yml", *sorted(seeds.glob("*.txt"))]
    info = {"etl_version": etl.__version__}
    for f in files:
        info[f"sha256:{f.name}"] = hashlib.sha256(f.read_bytes()).hexdigest()
    return info


def check(seeds: Path, facts_path: Path) -> dict[str, list[dict]]:
    """Everything a build does short of writing; returns the rows it would write."""
    articles, curated = read(seeds, facts_path)
    return rows(articles, curated, input_hashes(seeds, facts_path))


def build(seeds: Path, facts_path: Path, db_path: Path) -> dict[str, int]:
    """Build ``db_path`` atomically; returns row counts per table."""
    table_rows = check(seeds, facts_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        tmp_path.unlink()
        load.write(tmp_path, table_rows)
        os.replace(tmp_path, db_path)
    finally:
        tmp_path.unlink(missing_ok=True)
    return {name: len(r) for name, r in table_rows.items()}
