"""sources -> segment -> extract -> facts -> load: one build, all or nothing, streaming.

``check`` runs every stage without writing. A clean ``build`` writes to a temporary file beside the target and
renames it into place only when every check passed; an incremental one patches the previous database in one
transaction, in place when no server of ours reads the file (plugins/build_lock.py), else in a copy renamed into
place. Either way a failed build leaves the previous database as it was, and a server reading the old file
(Datasette's immutable mode assumes it never changes) keeps reading it whole.

The build is orchestration over small stages:

- article (etl.article): each article is read, segmented and extracted in a worker process (``jobs`` of them),
  turned into its rows and the results of the curated spans in it, and dropped;
- rows: each process puts the articles' rows and span results it computed straight into its own staging file
  (load.Staging), in parallel; the curated tables are made from facts.yml and the span results, read back one at
  a time, and staged too (etl.rows, STAGED_CURATED); the database is written from them while a process beside it
  builds the staged tables' full-text indexes (load.Side, etl.beside);
- checks (etl.checks): every fact against what its spans read, in facts.yml's order;
- incremental state (etl.state): an unchanged article's rows are kept in the previous database and only the
  changed articles' rows replaced; with facts.yml unchanged, only the curated and derived rows they touch are
  recomputed (``_stream_touched``, load.Scope). An unchanged facts.yml is not read and validated again, nor
  unchanged entries of sources.yml parsed or unchanged seeds hashed. The result equals a clean build table by
  table, row by row (tests/test_bench.py); anything unexpected about the previous database or the state file
  means a clean build.

Memory stays flat in the number of articles: no article's text, extraction, rows or span results outlive its
turn, nor the curated rows theirs; what the next build reads of this one (the parsed sources.yml, the checked
facts.yml) is written out as soon as it is known. The database is written from the staging files table by table in
key order, the same bytes as one would get from every row in memory, whatever ``jobs`` is. What stays in memory
is the sources' metadata and the curated layer (about 32 MB at 10,000 articles).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import etl
from etl import load, state
from etl.article import (
    ARTICLE_TABLES,
    Extracted,
    Ref,
    SpanResult,
    Spans,
    compute_all,
    frozen,
    read_spans,
    refs_by_source,
    stored,
)
from etl.beside import Beside
from etl.errors import InputError
from etl.extract import Extraction, extract
from etl.facts import Curated
from etl.rows import STAGED_CURATED, curated_rows, origin_rows, quote_sources, renderings, span_rows, variants
from etl.segment import Segment, segment
from etl.sources import Source, Verified, load_sources, verify

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


STAGED = (*ARTICLE_TABLES, *STAGED_CURATED)  # what a clean build stages, beside what it returns


def input_hashes(seeds: Path, facts_path: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """What the database was built from: package version and a sha256 per input file (``known``: file name ->
    sha256 already verified, as load_sources verifies every article's)."""
    names = sorted(e.name for e in os.scandir(seeds) if e.name.endswith(".txt"))  # not glob: 10,000 Paths sort slowly
    info = {"etl_version": etl.__version__}
    known = known or {}
    for name in [facts_path.name, "sources.yml", *names]:
        digest = known.get(name)
        if digest is None:  # a Path only then: 10,000 of them cost 80 ms
            path = facts_path if name == facts_path.name else seeds / name
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        info[f"sha256:{name}"] = digest
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
        staging = load.Staging(Path(tmp), STAGED)
        sources = load_sources(seeds, keep_text=False)
        checked = state.curated(facts_path, sources, None)
        table_rows = _stream(sources, checked.curated, set(), None, staging, jobs, seeds)
        table_rows["build_info"] = _build_info(seeds, facts_path, sources, {facts_path.name: checked.sha256})
        try:
            return {name: staging.rows(name) for name in STAGED} | table_rows
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
    db_path.parent.mkdir(parents=True, exist_ok=True)
    state.recover(db_path)
    with frozen():  # what is alive after reading the inputs, below, lives to the end of the build
        return _build_report(seeds, facts_path, db_path, incremental, jobs)


def _build_report(seeds: Path, facts_path: Path, db_path: Path, incremental: bool, jobs: int) -> Report:
    sources_cache, facts_cache = state.sources_cache(db_path), state.facts_cache(db_path)
    known = state.verified_sources(sources_cache) if incremental else None
    # the caches for the next build (written file -> its place) are written as soon as they are known, and put in
    # place if this one succeeds
    pending: dict[Path, Path] = {}
    side_by_side = jobs > 1 and not incremental
    try:
        if side_by_side:
            verified, checked = _side_by_side(seeds, facts_path)
        else:
            verified = verify(seeds, keep_text=False, known=known)
        if verified is not known:
            pending[state.save_sources(sources_cache, verified)] = sources_cache
        sources, listing = verified.sources, verified.listing
        # the rest of the verification is for the next build, on disk now: let go before facts.yml is read one after
        # the other (7 MB less at the peak, for 10,000 articles)
        del known, verified
        if not side_by_side:
            checked = state.curated(facts_path, sources, facts_cache if incremental else None)
        if (written := state.save_curated(facts_cache, checked)) is not None:
            pending[written] = facts_cache
        counts, keys, kept = _built(seeds, facts_path, db_path, incremental, jobs, sources, listing, checked)
        state.save(db_path, state.Prior(keys, checked.key, counts))
        for written, cache in pending.items():
            written.replace(cache)
    finally:
        for written in pending:
            written.unlink(missing_ok=True)
    return Report(counts, len(sources) - len(kept), len(kept))


def _side_by_side(seeds: Path, facts_path: Path) -> tuple[Verified, state.Checked]:
    """A clean build's sources verified (1.7 s for 10,000 articles) in a process beside the one reading facts.yml
    (1.6 s), which asks for them only for its last checks; a problem with the sources is reported first all the
    same, as when they are verified first."""
    with Beside(True) as beside:
        verifying = beside.run(verify, seeds, False, None)
        try:
            checked = state.curated(facts_path, lambda: verifying.result().sources, None)
        except InputError:
            verifying.result()
            raise
        return verifying.result(), checked


def _built(
    seeds: Path,
    facts_path: Path,
    db_path: Path,
    incremental: bool,
    jobs: int,
    sources: list[Source],
    listing: str,
    checked: state.Checked,
) -> tuple[dict[str, int], dict[str, str], set[str]]:
    """The database built or patched from the verified ``sources`` (``listing``: sources.yml's sha256) and the
    ``checked`` curated layer: its row counts, each article's key and the articles kept from the previous build."""
    # The sources and the curated layer live to the end of the build: out of the collector's way from here on, its
    # full passes would walk their half a million objects again and again (80 ms of 0.9 s for one changed article
    # of 10,000).
    gc.freeze()
    keys = state.article_keys(sources, checked.curated)
    prior = state.previous(db_path) if incremental else state.Prior({})
    kept = {s.id for s in sources if prior.articles.get(s.id) == keys[s.id]}
    state.state_path(db_path).unlink(missing_ok=True)  # stale from here on, until the new database is in place
    hashed = {"sources.yml": listing, facts_path.name: checked.sha256}  # as read: not read again for build_info
    if kept:
        info = _build_info(seeds, facts_path, sources, hashed)
        counts = _unchanged(db_path, info, sources, checked, kept, prior) or _patch(
            db_path, seeds, info, sources, checked, kept, prior, jobs
        )
    else:
        counts = _write(db_path, seeds, facts_path, sources, checked.curated, jobs, hashed)
    return counts, keys, kept


def _write(
    db_path: Path,
    seeds: Path,
    facts_path: Path,
    sources: Sequence[Source],
    cur: Curated,
    jobs: int,
    hashed: dict[str, str],
) -> dict[str, int]:
    """A clean build into a temporary file beside ``db_path``, renamed into place once complete; row counts.
    ``hashed``: the sha256 of the input files already read (``_build_info``)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    staging_dir = tmp_path.with_suffix(".staging")
    try:
        tmp_path.unlink()
        staging = load.Staging(staging_dir, STAGED)
        try:
            table_rows = _stream(sources, cur, set(), None, staging, jobs, seeds)
        finally:
            staging.close()
        table_rows["build_info"] = _build_info(seeds, facts_path, sources, hashed)
        load.write(tmp_path, table_rows, staged=staging, parallel=jobs > 1)
        _put_in_place(tmp_path, db_path)
    finally:
        tmp_path.unlink(missing_ok=True)
        shutil.rmtree(staging_dir, ignore_errors=True)
    counts = {name: len(table_rows.get(name, ())) for name in load.TABLES}
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:  # the staged rows are not in table_rows
        counts |= {t: db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in STAGED}
    return counts


def _patch(
    db_path: Path,
    seeds: Path,
    info: list[dict],
    sources: Sequence[Source],
    checked: state.Checked,
    kept: set[str],
    prior: state.Prior,
    jobs: int,
) -> dict[str, int]:
    """An incremental build: the previous database patched with the changed articles' rows and, if facts.yml is
    what it was built from, only the curated and derived rows they touch (else every curated and derived table
    anew), in one transaction. In place when no server reads the file: for 10,000 articles, copying it, syncing the
    copy and renaming it took 1.6-2.5 s, more than the whole 1.3 s build without them. While a server has it open
    in immutable mode, a copy is patched and renamed into place: changing the file under it would serve a
    half-written page as wrong rows or a corrupt-database error."""
    staging_dir = Path(tempfile.mkdtemp(prefix=f".{db_path.name}.", suffix=".staging", dir=db_path.parent))
    patched = staging_dir.with_suffix(".tmp")
    try:
        as_built = prior.curated == checked.key  # facts.yml unchanged: only the curated rows touched are made
        staging = load.Staging(staging_dir, ARTICLE_TABLES if as_built else STAGED)
        old = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            if as_built:
                rows, scope = _stream_touched(sources, checked.curated, kept, old, staging, jobs, seeds)
            else:
                rows, scope = _stream(sources, checked.curated, kept, old, staging, jobs, seeds), None
        finally:
            staging.close()
            old.close()
        rows["build_info"] = info
        stale = sorted(set(prior.articles) - kept)
        with state.unread(db_path) as alone:
            if not alone:
                shutil.copyfile(db_path, patched)
            changed = load.update(db_path if alone else patched, stale, rows, ARTICLE_TABLES, staging, scope)
            if not alone:
                _put_in_place(patched, db_path)
    finally:
        shutil.rmtree(staging_dir, ignore_errors=True)
        patched.unlink(missing_ok=True)
    if (counts := _known_counts(prior)) is not None:
        return {t: counts[t] + changed[t] for t in load.TABLES}
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        return {t: db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in load.TABLES}


def _unchanged(
    db_path: Path,
    info: list[dict],
    sources: Sequence[Source],
    checked: state.Checked,
    kept: set[str],
    prior: state.Prior,
) -> dict[str, int] | None:
    """The row counts when there is nothing to rebuild (every article kept, none gone, facts.yml as built, the
    same inputs in build_info), else None. The database is then left as it is: patching a copy would rewrite the
    whole file for nothing."""
    if len(kept) != len(sources) or set(prior.articles) != kept or prior.curated != checked.key:
        return None
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        stored = [{"key": k, "value": v} for k, v in db.execute("select key, value from build_info order by key")]
    return _known_counts(prior) if stored == info else None


def _known_counts(prior: state.Prior) -> dict[str, int] | None:
    """The previous build's row counts from its state file, when they name every table."""
    return prior.counts if prior.counts is not None and set(prior.counts) == set(load.TABLES) else None


def _put_in_place(built: Path, db_path: Path) -> None:
    """The finished database on disk, then in place of the old one in one rename: readers of the old file keep it."""
    with built.open("rb+") as f:
        os.fsync(f.fileno())
    os.replace(built, db_path)


def _build_info(seeds: Path, facts_path: Path, sources: Sequence[Source], hashed: dict[str, str]) -> list[dict]:
    """build_info's rows: every input's sha256, the seeds' as verified and those in ``hashed`` as already read."""
    known = {s.file: s.sha256 for s in sources} | hashed
    inputs = input_hashes(seeds, facts_path, known)
    return [{"key": k, "value": v} for k, v in sorted(inputs.items())]


def _fresh_spans(
    sources: Sequence[Source],
    cur: Curated,
    refs: dict[str, list[Ref]],
    kept: set[str],
    staging: load.Staging,
    jobs: int,
    seeds: Path,
) -> dict[tuple, SpanResult]:
    """The articles not ``kept`` computed into ``staging``; their curated spans (read from it as they are looked up)."""
    for _ in compute_all([s for s in sources if s.id not in kept], cur, refs, jobs, seeds, staging):
        pass
    return Spans(staging)


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
    # the curated rows' own part: they are written while the articles' parts are read for the span results
    into = staging.part("curated") if set(STAGED_CURATED) <= set(staging.tables) else None
    try:
        spans = _fresh_spans(sources, cur, refs, kept, staging, jobs, seeds)
        views: dict[str, Extracted] = {}
        for src in sources:
            if src.id in kept and refs.get(src.id):
                assert old is not None
                views[src.id] = stored(old, src.id)
                spans |= read_spans(src.with_text(seeds), views[src.id], refs[src.id], cur)
        del refs  # a Ref per curated quote (4 MB for 10,000 articles): not kept for the curated rows and the load
        quotes, texts = _quotes(sources, cur, kept, old, staging, seeds, views)
        return curated_rows(sources, cur, spans, quotes, texts, into)
    finally:
        if into is not None:
            into.close()


def _quotes(
    sources: Sequence[Source],
    cur: Curated,
    kept: set[str],
    old: sqlite3.Connection | None,
    staging: load.Staging,
    seeds: Path,
    views: dict[str, Extracted],
) -> tuple[list[dict], dict[str, str]]:
    """The quotes and texts of the sources whose quotes can pair as variants (``quote_sources``)."""
    needed = quote_sources(cur)
    quotes = [q for sid in sorted(needed - kept) for q in staging.quotes(sid)]
    texts = {s.id: s.with_text(seeds).text for s in sources if s.id in needed}
    for sid in sorted(needed & kept):
        quotes += (views.get(sid) or stored(old, sid)).within("quotes", 0, len(texts[sid]))
    return quotes, texts


def _stream_touched(
    sources: Sequence[Source],
    cur: Curated,
    kept: set[str],
    old: sqlite3.Connection,
    staging: load.Staging,
    jobs: int,
    seeds: Path,
) -> tuple[dict[str, list[dict]], load.Scope]:
    """The changed articles into ``staging`` and, facts.yml being what ``old`` was built from, the curated rows
    they touch: the evidence of every fact citing a changed article (or one whose origin changed: a publisher
    edited), checked again with all its spans; the renderings and ignores in changed articles; the quote
    variants if a changed article's quotes can pair. Every other curated row is as it was."""
    fresh = {s.id for s in sources if s.id not in kept}
    rows: dict[str, list[dict]] = {}
    touched = set(fresh)
    if _credited_anew(sources, fresh, old):  # an origin may move: every source's is computed again
        rows["source_origins"] = origin_rows(sources)
        before = dict(old.execute("select source_id, origin_id from source_origins"))
        touched |= {r["source_id"] for r in rows["source_origins"] if before.get(r["source_id"]) != r["origin_id"]}
    facts = [i for i, f in enumerate(cur.facts) if any(q.source in touched for q in f.evidence)]
    pairing = _pairs(cur, fresh)
    needed = fresh | {q.source for i in facts for q in cur.facts[i].evidence}
    if pairing:
        needed |= {q.source for st in cur.statements for q in st.renderings}
    refs = refs_by_source(cur, needed)
    spans = _fresh_spans(sources, cur, refs, kept, staging, jobs, seeds)
    wanted = {("fact", i, j) for i in facts for j in range(len(cur.facts[i].evidence))}
    if pairing:
        wanted |= {("rendering", i, j) for i, st in enumerate(cur.statements) for j in range(len(st.renderings))}
    by_id = {s.id: s for s in sources}
    views: dict[str, Extracted] = {}
    for sid, in_source in refs.items():
        mine = [r for r in in_source if r.key in wanted]
        if sid in kept and mine:
            views[sid] = stored(old, sid)
            spans |= read_spans(by_id[sid].with_text(seeds), views[sid], mine, cur)
    rows |= span_rows(cur, spans, facts, fresh)
    if pairing:
        rows["quote_variants"] = variants(cur, renderings(cur, spans), *_quotes(sources, cur, kept, old, staging,
                                                                                  seeds, views))  # fmt: skip
    ids = frozenset(cur.facts[i].id for i in facts)
    return rows, load.Scope(ids, frozenset(fresh))


def _credited_anew(sources: Sequence[Source], fresh: set[str], old: sqlite3.Connection) -> bool:
    """Whether a changed article's publisher or credits differ from the previous database's (origins follow them)."""
    was = {r[0]: (r[1], r[2]) for r in old.execute(
        "select id, publisher, credits from sources where id in (select value from json_each(?))",
        [json.dumps(sorted(fresh))],
    )}  # fmt: skip
    return any(was.get(s.id) != (s.publisher, json.dumps(list(s.credits))) for s in sources if s.id in fresh)


def _pairs(cur: Curated, fresh: set[str]) -> bool:
    """Whether a changed article's quotes can pair as variants (it is one of ``quote_sources``): a fact links it
    to another source, or it holds a statement's rendering."""
    if any(q.source in fresh for st in cur.statements for q in st.renderings):
        return True
    return any(
        len({q.source for q in f.evidence}) > 1 and any(q.source in fresh for q in f.evidence) for f in cur.facts
    )
