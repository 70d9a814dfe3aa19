"""sources -> segment -> extract -> facts -> load: one build, all or nothing, streaming.

``check`` runs every stage without writing. ``build`` writes to a temporary
file beside the target and renames it into place only when every check passed,
so a failed build leaves the previous database untouched.

The build is orchestration over small stages:

- article (etl.article): each article is read, segmented and extracted in a worker process (``jobs`` of them),
  turned into its rows and the small results of the curated spans in it, and dropped;
- rows: the articles' rows go straight into a staging database (load.Staging), the curated tables are made
  here from facts.yml and the span results;
- checks (etl.checks): every fact against what its spans read, in facts.yml's order;
- incremental state (etl.state): an unchanged article's rows are kept from the previous database (it is copied
  to the temporary file and only the changed articles' rows replaced), and an unchanged facts.yml is not read
  and validated again. The result equals a clean build table by table, row by row (tests/test_bench.py);
  anything unexpected about the previous database or the state file means a clean build.

Memory stays flat in the number of articles: no article's text, extraction or rows outlive its turn, and the
database is written from the staging file table by table in key order, the same bytes as one would get from
every row in memory, whatever ``jobs`` is.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import etl
from etl import corroborate, load, state, support
from etl.article import (
    ARTICLE_TABLES,
    Extracted,
    SpanResult,
    compute_all,
    read_spans,
    refs_by_source,
    stored,
)
from etl.checks import check_readings, disagreements
from etl.errors import InputError
from etl.extract import Extraction, extract
from etl.facts import Curated, Fact
from etl.segment import Segment, segment
from etl.sources import Source, load_sources

__all__ = ["ARTICLE_TABLES", "Article", "Report", "build", "build_report", "check", "read"]


@dataclass(frozen=True)
class Article:
    """A source with everything computed from its text (for tools that look at one article: suggest)."""

    source: Source
    segments: list[Segment]
    extraction: Extraction


def read(seeds: Path, facts_path: Path) -> tuple[list[Article], Curated]:
    """Read and check all inputs, and every article in memory; raise InputError on the first problem."""
    sources = load_sources(seeds)
    curated = state.curated(facts_path, sources, None).curated
    articles = []
    for src in sources:
        segs = segment(src.text, src.title)
        articles.append(Article(src, segs, extract(src.text, src.published, curated.entities, segs, src.day_first)))
    return articles, curated


def curated_rows(
    sources: Sequence[Source],
    curated: Curated,
    spans: dict[tuple, SpanResult],
    quotes: Iterable[dict],
    texts: dict[str, str],
) -> dict[str, list[dict]]:
    """Every table but ARTICLE_TABLES, checking each fact's spans in facts.yml's order.

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
    origin = support.origins((s.id, s.publisher, s.credits) for s in sources)
    out["source_origins"] = [{"source_id": sid, "origin_id": o} for sid, o in origin.items()]
    out["topics"] = [{"id": k, "description": v} for k, v in curated.topics.items()]
    for i, fact in enumerate(curated.facts):
        out["facts"].append(_fact_row(fact))
        results = [spans[("fact", i, j)] for j in range(len(fact.evidence))]
        for r in results:
            r.raise_error()
        out["fact_evidence"] += [r.row for r in results]
        for r in results:
            eid = r.row["id"]
            out["evidence_quantities"] += [{"evidence_id": eid, "quantity_id": q["id"]} for q in r.figures]
            out["evidence_dates"] += [{"evidence_id": eid, "date_id": d["id"]} for d in r.dates]
        check_readings(fact, results, curated)
        out["disagreements"] += disagreements(fact, results)
    renderings = []
    for i, st in enumerate(curated.statements):
        out["statements"].append({"id": st.id, "speaker_id": st.speaker, "fact_id": st.fact, "note": st.note})
        for j, q in enumerate(st.renderings):
            r = spans[("rendering", i, j)]
            r.raise_error()
            out["statement_renderings"].append({**r.row, "statement_id": st.id})
            row = r.row
            renderings.append(corroborate.Rendering(st.id, row["source_id"], row["start"], row["end"], q.line))
    out["quote_variants"] = _variants(curated, renderings, quotes, texts)
    for i, g in enumerate(curated.ignores):
        r = spans[("ignore", i)]
        r.raise_error()
        out["ignored_spans"].append({**r.row, "reason": g.reason})
    return out


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


def _variants(
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


def input_hashes(seeds: Path, facts_path: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """What the database was built from: package version and a sha256 per input file (``known``: file name ->
    sha256 already verified, as load_sources verifies every article's)."""
    files = [facts_path, seeds / "sources.yml", *sorted(seeds.glob("*.txt"))]
    info = {"etl_version": etl.__version__}
    for f in files:
        info[f"sha256:{f.name}"] = (known or {}).get(f.name) or hashlib.sha256(f.read_bytes()).hexdigest()
    return info


@dataclass
class Report:
    """What a build wrote, and how many articles it computed (the rest were kept from the previous database)."""

    counts: dict[str, int]
    computed: int
    kept: int


def check(seeds: Path, facts_path: Path, jobs: int = 1) -> dict[str, list[dict]]:
    """Everything a build does short of writing; returns the rows it would write."""
    with tempfile.TemporaryDirectory(prefix="etl-check-") as tmp:
        staging = load.Staging(Path(tmp) / "staging.db", ARTICLE_TABLES)
        try:
            sources = load_sources(seeds, keep_text=False)
            cur = state.curated(facts_path, sources, None).curated
            table_rows = _stream(sources, cur, set(), None, staging, jobs, seeds)
            table_rows["build_info"] = _build_info(seeds, facts_path, sources)
            return {name: staging.rows(name) for name in ARTICLE_TABLES} | table_rows
        finally:
            staging.close()


def build(
    seeds: Path, facts_path: Path, db_path: Path, incremental: bool = False, jobs: int | None = None
) -> dict[str, int]:
    """Build ``db_path`` atomically; returns row counts per table."""
    return build_report(seeds, facts_path, db_path, incremental, jobs).counts


def build_report(
    seeds: Path, facts_path: Path, db_path: Path, incremental: bool = False, jobs: int | None = None
) -> Report:
    """Build ``db_path`` atomically, reusing unchanged articles' rows (and checked facts) when ``incremental``;
    ``jobs`` worker processes segment and extract (default: one per CPU)."""
    jobs = jobs or os.cpu_count() or 1
    sources = load_sources(seeds, keep_text=False)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    checked = state.curated(facts_path, sources, state.facts_cache(db_path) if incremental else None)
    cur = checked.curated
    keys = state.article_keys(sources, cur)
    previous = state.previous(db_path) if incremental else {}
    fd, tmp = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    staging_path = tmp_path.with_suffix(".staging")
    state.state_path(db_path).unlink(missing_ok=True)  # stale from here on, until the new database is in place
    try:
        tmp_path.unlink()
        kept = {s.id for s in sources if previous.get(s.id) == keys[s.id]}
        staging = load.Staging(staging_path, ARTICLE_TABLES)
        old = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) if kept else None
        try:
            table_rows = _stream(sources, cur, kept, old, staging, jobs, seeds)
        finally:
            staging.close()
            if old:
                old.close()
        table_rows["build_info"] = _build_info(seeds, facts_path, sources)
        if kept:
            shutil.copyfile(db_path, tmp_path)
            load.update(tmp_path, sorted(set(previous) - kept), table_rows, ARTICLE_TABLES, staged=staging_path)
        else:
            load.write(tmp_path, table_rows, staged=staging_path)
        with tmp_path.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, db_path)
    finally:
        tmp_path.unlink(missing_ok=True)
        staging_path.unlink(missing_ok=True)
    state.save(db_path, keys)
    state.save_curated(state.facts_cache(db_path), checked)
    counts = {name: len(table_rows.get(name, ())) for name in load.TABLES}
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:  # every article's rows, kept ones too
        counts |= {t: db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in ARTICLE_TABLES}
    return Report(counts, len(sources) - len(kept), len(kept))


def _build_info(seeds: Path, facts_path: Path, sources: Sequence[Source]) -> list[dict]:
    inputs = input_hashes(seeds, facts_path, {s.file: s.sha256 for s in sources})
    return [{"key": k, "value": v} for k, v in sorted(inputs.items())]


def _stream(
    sources: Sequence[Source],
    cur: Curated,
    kept: set[str],
    old: sqlite3.Connection | None,
    staging: load.Staging,
    jobs: int,
    seeds: Path,
) -> dict[str, list[dict]]:
    """Every article through its stage: computed ones into ``staging``, kept ones read back from ``old`` for
    their curated spans only. Returns the curated tables' rows."""
    refs = refs_by_source(cur)
    spans: dict[tuple, SpanResult] = {}
    fresh = [s for s in sources if s.id not in kept]
    for done in compute_all(fresh, cur, refs, jobs, seeds):
        staging.add(done.rows)
        spans |= done.spans
    views: dict[str, Extracted] = {}
    for src in sources:
        if src.id in kept and refs.get(src.id):
            assert old is not None
            views[src.id] = stored(old, src.id)
            spans |= read_spans(src.with_text(seeds), views[src.id], refs[src.id], cur)
    needed = quote_sources(cur)
    quotes = [q for sid in sorted(needed - kept) for q in staging.quotes(sid)]
    texts = {s.id: s.with_text(seeds).text for s in sources if s.id in needed}
    for sid in sorted(needed & kept):
        quotes += (views.get(sid) or stored(old, sid)).within("quotes", 0, len(texts[sid]))
    return curated_rows(sources, cur, spans, quotes, texts)
