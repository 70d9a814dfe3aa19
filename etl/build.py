"""sources -> segment -> extract -> facts -> load: one build, all or nothing.

``check`` runs every stage without writing. ``build`` writes to a temporary
file beside the target and renames it into place only when every check passed,
so a failed build leaves the previous database untouched.

Incremental builds: a state file beside the database records, per article, a
content hash of everything its rows depend on (its text and metadata, the
entities of facts.yml, the code of the pipeline). The next build recomputes
only articles whose hash changed: it copies the previous database to the
temporary file, replaces those articles' rows (ARTICLE_TABLES) and rewrites the
curated tables from facts.yml, which are checked against every article as in a
clean build. The result equals a clean build table by table, row by row
(tests/test_bench.py); anything unexpected about the previous database or the
state file means a clean build.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import etl
from etl import corroborate, load, support
from etl.errors import InputError
from etl.extract import Extraction, extract
from etl.facts import Curated, Fact, Span, load_facts, locate
from etl.segment import Segment, segment
from etl.sources import Source, load_sources
from etl.text import sentences

# Tables whose rows come from one article each (keyed by its source_id); every other table is rewritten per build.
ARTICLE_TABLES = ("sources", "segments", "sentences", "quantities", "dates", "quotes", "entity_mentions")


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


@dataclass(frozen=True)
class StoredArticle:
    """An unchanged article whose rows are already in the previous database: read only what facts need."""

    source: Source
    db: sqlite3.Connection

    @functools.cached_property
    def _segments(self) -> list[tuple[int, int]]:
        sql = "select start, ordinal from segments where source_id = ? order by start"
        return self.db.execute(sql, [self.source.id]).fetchall()

    def segment_id(self, offset: int) -> str:
        i = max(0, bisect.bisect_right(self._segments, (offset, float("inf"))) - 1)
        return f"{self.source.id}:{self._segments[i][1]}"


def read(seeds: Path, facts_path: Path) -> tuple[list[Article], Curated]:
    """Read and check all inputs; raise InputError on the first problem."""
    sources = load_sources(seeds)
    curated = load_facts(facts_path, sources)
    return [_compute(src, curated) for src in sources], curated


def rows(
    articles: Sequence[Article | StoredArticle], curated: Curated, inputs: dict[str, str]
) -> dict[str, list[dict]]:
    """Every table's rows (none of ARTICLE_TABLES for stored articles); checks each fact's figure and date."""
    by_id = {a.source.id: a for a in articles}
    out: dict[str, list[dict]] = {name: [] for name in load.TABLES}
    for a in articles:
        if isinstance(a, Article):
            out["sources"].append(_source_row(a.source))
            out["segments"] += [
                {"id": f"{a.source.id}:{s.ordinal}", "source_id": a.source.id, **_fields(s)} for s in a.segments
            ]
            out["sentences"] += _sentence_rows(a)
            _extraction_rows(a, curated, out)
    for e in curated.entities:
        row = {"id": e.id, "name": e.name, "type": e.type, "description": e.description}
        out["entities"].append(row | curated.entity_refs.get(e.id, {}))
        out["entity_aliases"] += [{"entity_id": e.id, "alias": alias} for alias in e.aliases]
    out["units"] = [
        {"id": k, "kind": u.get("kind"), "description": u["description"], "aliases": json.dumps(u.get("aliases", []))}
        for k, u in curated.units.items()
    ]
    origin = support.origins((a.source.id, a.source.publisher, a.source.credits) for a in articles)
    out["source_origins"] = [{"source_id": sid, "origin_id": o} for sid, o in origin.items()]
    out["topics"] = [{"id": k, "description": v} for k, v in curated.topics.items()]
    inside = _SpanIndex(out, by_id, {q.source for f in curated.facts for q in f.evidence})
    for fact in curated.facts:
        out["facts"].append(_fact_row(fact))
        spans = [locate(q, by_id[q.source].source, curated.path) for q in fact.evidence]
        evidence = [_span_row(by_id[s.source_id], s, id_=f"{fact.id}@{s.source_id}:{s.start}-{s.end}") for s in spans]
        for row in evidence:
            row["fact_id"] = fact.id
        out["fact_evidence"] += evidence
        _read_evidence(fact, evidence, inside, out, curated, by_id)
    _statement_rows(by_id, curated, out)
    for g in curated.ignores:
        span = locate(g.ref, by_id[g.ref.source].source, curated.path)
        row = _span_row(by_id[span.source_id], span, id_=f"{span.source_id}:{span.start}-{span.end}", context=False)
        out["ignored_spans"].append({**row, "reason": g.reason})
    out["build_info"] = [{"key": k, "value": v} for k, v in sorted(inputs.items())]
    return out


def _statement_rows(by_id: dict[str, Article | StoredArticle], curated: Curated, out: dict[str, list[dict]]) -> None:
    """Curated statements and their renderings, and the quote variants paired across sources."""
    renderings = []
    for st in curated.statements:
        out["statements"].append({"id": st.id, "speaker_id": st.speaker, "fact_id": st.fact, "note": st.note})
        for q in st.renderings:
            span = locate(q, by_id[q.source].source, curated.path)
            span_id = f"{st.id}@{span.source_id}:{span.start}-{span.end}"
            row = _span_row(by_id[span.source_id], span, id_=span_id, context=False)
            out["statement_renderings"].append({**row, "statement_id": st.id})
            renderings.append(corroborate.Rendering(st.id, span.source_id, span.start, span.end, q.line))
    sources_of: dict[str, set[str]] = {}
    for ev in out["fact_evidence"]:
        sources_of.setdefault(ev["fact_id"], set()).add(ev["source_id"])
    for r in renderings:
        sources_of.setdefault(f"statement:{r.statement_id}", set()).add(r.source_id)
    linked = {frozenset(p) for ids in sources_of.values() for p in itertools.combinations(sorted(ids), 2)}
    # Only quotes that can pair: in sources linked to another, or holding a rendering.
    needed = {sid for pair in linked for sid in pair} | {r.source_id for r in renderings}
    quotes = _all_rows("quotes", out, by_id, only=needed)
    units = corroborate.units(quotes, {sid: by_id[sid].source.text for sid in needed})
    for r in corroborate.uncovered(units, renderings):
        raise InputError(
            curated.path, r.line, f"statement '{r.statement_id}': this rendering lies in no quotation found in "
            f"{r.source_id}; quote words that stand inside quotation marks there",
        )  # fmt: skip
    out["quote_variants"] = corroborate.variants(units, renderings, linked)


def _source_row(s: Source) -> dict:
    return {
        "id": s.id, "title": s.title, "publisher": s.publisher, "authors": json.dumps(list(s.authors)),
        "credits": json.dumps(list(s.credits)), "published": s.published.isoformat(), "url": s.url,
        "language": s.language, "country": s.country, "sha256": s.sha256, "chars": len(s.text), "file": s.file,
        "text": s.text,
        "archive_url": s.archive and s.archive.url, "archived_at": s.archive and s.archive.captured,
        "revisions": s.revisions_json(),
    }  # fmt: skip


def _fact_row(f: Fact) -> dict:
    return {
        "id": f.id, "statement": f.statement, "subject_id": f.subject, "predicate": f.predicate, "value": f.value,
        "unit": f.unit, "per": f.per, "approx": None if f.value is None else int(f.approx), "qualifier": f.qualifier,
        "date": f.date, "date_modifier": f.date_modifier, "date_earliest": f.date_earliest,
        "date_latest": f.date_latest, "topic": f.topic, "claimant_id": f.claimant, "said_on": f.said_on,
        "supersedes": f.supersedes,
    }  # fmt: skip


def _span_row(a: Article | StoredArticle, s: Span, id_: str, context: bool = True) -> dict:
    """A located span as a row; ``context`` adds its prefix and suffix (evidence has them, other spans not)."""
    row = {
        "id": id_, "source_id": s.source_id, "segment_id": a.segment_id(s.start), "start": s.start, "end": s.end,
        "exact": s.exact,
    }  # fmt: skip
    return row | {"prefix": s.prefix, "suffix": s.suffix} if context else row


def _sentence_rows(a: Article) -> list[dict]:
    """Every sentence of every body paragraph: what `sentence_coverage` accounts for, one by one."""
    text, sid = a.source.text, a.source.id
    return [
        {"id": f"{sid}:{s}-{e}", "source_id": sid, "segment_id": f"{sid}:{seg.ordinal}", "start": s, "end": e,
         "exact": text[s:e]}
        for seg in a.segments if seg.kind == "body" for s, e in sentences(text, seg.start, seg.end)
    ]  # fmt: skip


def _extraction_rows(a: Article, curated: Curated, out: dict[str, list[dict]]) -> None:
    names = {e.name: e.id for e in curated.entities}
    tables = {"quantities": "quantities", "dates": "dates", "quotes": "quotes", "entities": "entity_mentions"}
    for field, table in tables.items():
        for item in getattr(a.extraction, field):
            row = {
                "id": f"{a.source.id}:{item.start}-{item.end}", "source_id": a.source.id,
                "segment_id": a.segment_id(item.start), **_fields(item),
            }  # fmt: skip
            if table == "quotes":
                row["speaker_id"] = names.get(row["speaker"])
            out[table].append(row)


def _fields(item: object) -> dict:
    """A flat dataclass as a dict, in field order: ``asdict`` without its deep copy, several times faster."""
    return {f.name: getattr(item, f.name) for f in fields(item)}


class _SpanIndex:
    """Extracted rows by table and source, sorted by start, to find those inside a span quickly."""

    def __init__(self, out: dict[str, list[dict]], by_id: dict[str, Article | StoredArticle], only: set[str]):
        self._rows: dict[tuple[str, str], list[dict]] = {}
        for table in _STORED_COLUMNS:
            for row in _all_rows(table, out, by_id, only):  # each article's rows come in start order
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

    def overlapping(self, table: str, source_id: str, start: int, end: int) -> list[dict]:
        """Rows that share a character with text[start:end] (quotations are not nested: a linear scan back)."""
        rows, starts = self._rows.get((table, source_id), []), self._starts.get((table, source_id), [])
        i = bisect.bisect_left(starts, end)
        return [r for r in rows[:i] if r["end"] > start]


# What facts and quote variants need of an unchanged article's extracted rows.
_STORED_COLUMNS = {
    "quantities": 'id, source_id, start, "end", surface, value, value_max, unit',
    "dates": 'id, source_id, start, "end", surface, value, earliest, latest',
    "quotes": 'id, source_id, start, "end", surface, text, speaker_id',
    "entity_mentions": 'id, source_id, start, "end", surface, entity_id',
}


def _stored_rows(db: sqlite3.Connection, table: str, kept: set[str]) -> dict[tuple[str, str], list[dict]]:
    """Unchanged articles' figures, dates or quotes from the previous database, in start order: one query for all."""
    cur = db.execute(f"select {_STORED_COLUMNS[table]} from [{table}] order by 2, 3, 4, 1")
    names = [d[0] for d in cur.description]
    out: dict[tuple[str, str], list[dict]] = {}
    for row in cur:
        if row[1] in kept:
            out.setdefault((table, row[1]), []).append(dict(zip(names, row, strict=True)))
    return out


def _all_rows(
    table: str, out: dict[str, list[dict]], by_id: dict[str, Article | StoredArticle], only: set[str] | None = None
) -> list[dict]:
    """A table's rows for every article (or those in ``only``): computed ones from ``out``, unchanged ones from
    the previous database."""
    stored = {a.source.id for a in by_id.values() if isinstance(a, StoredArticle)}
    stored &= set(by_id) if only is None else only
    fresh = out[table] if only is None else [r for r in out[table] if r["source_id"] in only]
    if not stored:
        return fresh
    db = next(a.db for a in by_id.values() if isinstance(a, StoredArticle))
    return fresh + [r for rows in _stored_rows(db, table, stored).values() for r in rows]


def _read_evidence(
    fact: Fact,
    evidence: list[dict],
    inside: _SpanIndex,
    out: dict[str, list[dict]],
    curated: Curated,
    by_id: dict[str, Article | StoredArticle],
) -> None:
    """Link each evidence span to the figures and dates inside it and record what it states of the fact, how the
    source conveys it, and whether it contradicts it; then refuse what a human must decide."""
    readings = []
    for ref, ev in zip(fact.evidence, evidence, strict=True):
        sid, start, end = ev["source_id"], ev["start"], ev["end"]
        text = by_id[sid].source.text
        figures = inside.within("quantities", sid, start, end)
        dates = inside.within("dates", sid, start, end)
        out["evidence_quantities"] += [{"evidence_id": ev["id"], "quantity_id": q["id"]} for q in figures]
        out["evidence_dates"] += [{"evidence_id": ev["id"], "date_id": d["id"]} for d in dates]
        s_start, s_end = support.sentence_bounds(text, start, end)
        quotes = inside.overlapping("quotes", sid, start, end)
        mentions = inside.within("entity_mentions", sid, s_start, s_end)
        subject = _names_subject(fact.subject, curated, mentions, quotes, text[s_start:s_end])
        reading = support.read_span(fact, figures, dates, subject, curated.same_unit)
        ev |= {
            "attribution": ref.attribution or support.attribution(text, start, end, quotes),
            "states_value": _flag(reading.states_value), "states_date": _flag(reading.states_date),
            "states_subject": int(reading.states_subject), "contradicts": int(bool(reading.contradicted)),
            "contradicted_parts": ", ".join(reading.contradicted) or None,
        }  # fmt: skip
        readings.append(reading)
    _check_readings(fact, evidence, readings, inside, curated)
    out["disagreements"] += _disagreements(fact, evidence, readings)


def _check_readings(
    fact: Fact, evidence: list[dict], readings: list[support.Reading], inside: _SpanIndex, curated: Curated
) -> None:
    """The fact's own figure and date must be stated by some evidence (else the fact is likely wrong); then each
    span must state a part of it or be marked as contradicting it, and a claim needs its claimant."""
    agreeing = [r for ref, r in zip(fact.evidence, readings, strict=True) if not ref.contradicts]
    if fact.value is not None and not any(r.states_value for r in agreeing):
        found = [q for ev in evidence for q in inside.within("quantities", ev["source_id"], ev["start"], ev["end"])]
        got = ", ".join(f"{q['surface']!r} = {q['value']:g} {q['unit']}" for q in found) or "no figures"
        raise InputError(
            curated.path, fact.line, f"fact '{fact.id}': value {fact.value:g} {fact.unit} is not among the figures "
            f"in its evidence ({got}); fix value/unit or quote the words that state it",
        )  # fmt: skip
    if fact.date is not None and not any(r.states_date for r in agreeing):
        found = [d for ev in evidence for d in inside.within("dates", ev["source_id"], ev["start"], ev["end"])]
        got = ", ".join(f"{d['surface']!r} = {d['value']}" for d in found) or "no dates"
        raise InputError(
            curated.path, fact.line, f"fact '{fact.id}': date {fact.date} is not among the dates in its evidence "
            f"({got}); fix the date or quote the words that state it",
        )  # fmt: skip
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
    if fact.claimant is None and all(ev["attribution"] != support.OUTLET for ev in evidence if not ev["contradicts"]):
        kinds = sorted({ev["attribution"] for ev in evidence})
        raise InputError(
            curated.path, fact.line, f"fact '{fact.id}' is given only as someone's words ({', '.join(kinds)}); add "
            "'claimant:' (who says it, an entity) or 'attribution: outlet' on evidence the outlet states itself",
        )  # fmt: skip


def _names_subject(subject: str, curated: Curated, mentions: list[dict], quotes: list[dict], sentence: str) -> bool:
    """A mention of the subject (or of what stands for it, or its demonym) in the sentence, or a quotation its
    speaker is the subject of."""
    names = {subject} | curated.stand_ins.get(subject, frozenset())
    if any(m["entity_id"] in names for m in mentions) or any(q["speaker_id"] == subject for q in quotes):
        return True
    demonym = curated.demonyms.get(subject)
    return demonym is not None and re.search(rf"\b{demonym}\b", sentence) is not None


def _disagreements(fact: Fact, evidence: list[dict], readings: list[support.Reading]) -> list[dict]:
    """Per part and contradicting source: what the fact says, what the source's words say, who states the fact's."""
    value = (
        None
        if fact.value is None
        else f"{int(fact.value) if fact.value == int(fact.value) else fact.value} {fact.unit}"
    )
    curated = {"value": value, "date": fact.date}
    says: dict[tuple[str, str], list[str]] = {}
    for ev, r in zip(evidence, readings, strict=True):
        for part, words in r.contradicted.items():
            says.setdefault((part, ev["source_id"]), []).extend(words)
    rows = []
    for (part, sid), words in sorted(says.items()):
        agreeing = sorted(
            {
                ev["source_id"]
                for ev, r in zip(evidence, readings, strict=True)
                if getattr(r, f"states_{part}") and not r.contradicted
            }
        )
        rows.append({
            "fact_id": fact.id, "statement": fact.statement, "field": part, "curated": curated[part],
            "source_id": sid, "source_says": "; ".join(dict.fromkeys(words)),
            "agreeing_sources": ", ".join(agreeing) or None,
        })  # fmt: skip
    return rows


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def input_hashes(seeds: Path, facts_path: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """What the database was built from: package version and a sha256 per input file (``known``: file name ->
    sha256 already verified, as load_sources verifies every article's)."""
    files = [facts_path, seeds / "sources.yml", *sorted(seeds.glob("*.txt"))]
    info = {"etl_version": etl.__version__}
    for f in files:
        info[f"sha256:{f.name}"] = (known or {}).get(f.name) or hashlib.sha256(f.read_bytes()).hexdigest()
    return info


def check(seeds: Path, facts_path: Path) -> dict[str, list[dict]]:
    """Everything a build does short of writing; returns the rows it would write."""
    articles, curated = read(seeds, facts_path)
    return rows(articles, curated, input_hashes(seeds, facts_path))


@dataclass
class Report:
    """What a build wrote, and how many articles it computed (the rest were kept from the previous database)."""

    counts: dict[str, int]
    computed: int
    kept: int


def build(seeds: Path, facts_path: Path, db_path: Path, incremental: bool = False) -> dict[str, int]:
    """Build ``db_path`` atomically; returns row counts per table."""
    return build_report(seeds, facts_path, db_path, incremental).counts


def build_report(seeds: Path, facts_path: Path, db_path: Path, incremental: bool = False) -> Report:
    """Build ``db_path`` atomically, reusing unchanged articles' rows when ``incremental``."""
    sources = load_sources(seeds)
    curated = load_facts(facts_path, sources)
    keys = article_keys(sources, curated)
    state_path = db_path.with_name(f".{db_path.name}.state.json")
    previous = _previous(db_path, state_path, keys) if incremental else {}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    state_path.unlink(missing_ok=True)  # stale from here on, until the new database is in place
    try:
        tmp_path.unlink()
        old = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) if previous else None
        try:
            articles = [
                StoredArticle(src, old) if old and previous.get(src.id) == keys[src.id] else _compute(src, curated)
                for src in sources
            ]
            table_rows = rows(articles, curated, input_hashes(seeds, facts_path, {s.file: s.sha256 for s in sources}))
        finally:
            if old:
                old.close()
        kept = {a.source.id for a in articles if isinstance(a, StoredArticle)}
        if kept:
            shutil.copyfile(db_path, tmp_path)
            load.update(tmp_path, sorted(set(previous) - kept), table_rows, ARTICLE_TABLES)
        else:
            load.write(tmp_path, table_rows)
        with tmp_path.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, db_path)
    finally:
        tmp_path.unlink(missing_ok=True)
    state = {"database": _identity(db_path), "articles": keys}
    state_path.write_text(json.dumps(state, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    counts = {name: len(r) for name, r in table_rows.items()}
    if kept:  # the article tables hold every article's rows, not only the recomputed ones
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
            counts |= {t: db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in ARTICLE_TABLES}
    return Report(counts, len(articles) - len(kept), len(kept))


def _compute(src: Source, curated: Curated) -> Article:
    segs = segment(src.text, src.title)
    return Article(src, segs, extract(src.text, src.published, curated.entities, segs, src.day_first))


@functools.cache
def _code_fingerprint() -> str:
    """The pipeline's own code: an edited extractor must not reuse rows it computed before."""
    digest = hashlib.sha256(etl.__version__.encode())
    for f in sorted(Path(etl.__file__).parent.rglob("*")):
        if f.suffix in (".py", ".json"):
            digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def article_keys(sources: Sequence[Source], curated: Curated) -> dict[str, str]:
    """Per article, a hash of everything its rows depend on: its metadata and text (by the verified sha256 of its
    file), the entities, the code."""
    common = json.dumps([_code_fingerprint(), [_fields(e) for e in curated.entities]], sort_keys=True)
    return {
        s.id: hashlib.sha256(
            (common + json.dumps({**_source_row(s), "text": None}, sort_keys=True)).encode()
        ).hexdigest()
        for s in sources
    }


def _previous(db_path: Path, state_path: Path, keys: dict[str, str]) -> dict[str, str]:
    """The article keys of the database in place, if its state file vouches for it; otherwise none."""
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if state["database"] != _identity(db_path):
            return {}
        return dict(state["articles"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _identity(path: Path) -> list[int]:
    """Which file this is: a build replaces the database with a new file (new inode), and any other write to it
    changes its modification time. Hashing instead would cost a second per gigabyte on every build."""
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]
