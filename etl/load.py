"""Write the dataset to SQLite with sqlite-utils: tables, keys, indexes, full-text search, views.

The table and column names here are the public JSON API. Column descriptions
live in metadata.yml, the one place Datasette and the data package read them from.
Rows are inserted in id order and nothing time-dependent is stored, so the
same inputs give the same database.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from etl import support
from etl.beside import Beside

if TYPE_CHECKING:
    import sqlite_utils

# Figures: declared ANY, which is NUMERIC affinity in an ordinary table, so an integral figure is stored (and served
# as HTML, JSON and CSV) as the integer 15000, not the REAL 15000.0, while 0.5 stays a real number.
NUMBER = "ANY"

# Span tables sort in document order (source, then offset) by one column, since a Datasette table page sorts by
# one: ``position`` is "<source id>:<start, 9 digits>", so text order is document order for texts under a billion
# code points, whichever source an article adds.
POSITION = "position"

# name -> (columns, primary key, foreign keys as (column, other table, other column))
TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...], list[tuple[str, str, str]]]] = {
    "sources": (
        {"id": str, "title": str, "publisher": str, "authors": str, "credits": str, "published": str, "url": str,
         "language": str, "country": str, "sha256": str, "chars": int, "file": str, "text": str, "archive_url": str,
         "archived_at": str, "revisions": str},
        "id", [],
    ),
    "segments": (
        {"id": str, "source_id": str, "ordinal": int, "kind": str, "start": int, "end": int, "text": str},
        "id", [("source_id", "sources", "id")],
    ),
    "entities": (
        {"id": str, "name": str, "type": str, "description": str, "wikidata": str, "latitude": float,
         "longitude": float},
        "id", [],
    ),
    "entity_aliases": (
        {"entity_id": str, "alias": str}, ("entity_id", "alias"), [("entity_id", "entities", "id")],
    ),
    "sentences": (
        {"id": str, "source_id": str, "segment_id": str, "start": int, "end": int, "exact": str},
        "id", [("source_id", "sources", "id"), ("segment_id", "segments", "id")],
    ),
    "source_origins": (
        {"source_id": str, "origin_id": str}, "source_id",
        [("source_id", "sources", "id"), ("origin_id", "sources", "id")],
    ),
    "units": ({"id": str, "kind": str, "description": str, "aliases": str}, "id", []),
    "topics": ({"id": str, "description": str}, "id", []),
    "facts": (
        {"id": str, "statement": str, "subject_id": str, "predicate": str, "value": NUMBER, "unit": str, "per": str,
         "approx": int, "qualifier": str, "date": str, "date_modifier": str, "date_earliest": str,
         "date_latest": str, "topic": str, "claimant_id": str, "said_on": str, "supersedes": str},
        "id",
        [("subject_id", "entities", "id"), ("unit", "units", "id"), ("topic", "topics", "id"),
         ("claimant_id", "entities", "id"), ("supersedes", "facts", "id")],
    ),
    "fact_evidence": (
        {"id": str, "fact_id": str, "source_id": str, "segment_id": str, "start": int, "end": int, "exact": str,
         "prefix": str, "suffix": str, "attribution": str, "states_value": int, "states_date": int,
         "states_subject": int, "contradicts": int, "contradicted_parts": str},
        "id", [("fact_id", "facts", "id"), ("source_id", "sources", "id"), ("segment_id", "segments", "id")],
    ),
    "disagreements": (
        {"fact_id": str, "statement": str, "field": str, "curated": str, "source_id": str, "source_says": str,
         "agreeing_sources": str},
        ("fact_id", "field", "source_id"), [("fact_id", "facts", "id"), ("source_id", "sources", "id")],
    ),
    "statements": (
        {"id": str, "speaker_id": str, "fact_id": str, "note": str},
        "id", [("speaker_id", "entities", "id"), ("fact_id", "facts", "id")],
    ),
    "statement_renderings": (
        {"id": str, "statement_id": str, "source_id": str, "segment_id": str, "start": int, "end": int, "exact": str},
        "id", [("statement_id", "statements", "id"), ("source_id", "sources", "id"), ("segment_id", "segments", "id")],
    ),
    "ignored_spans": (
        {"id": str, "source_id": str, "segment_id": str, "start": int, "end": int, "exact": str, "reason": str},
        "id", [("source_id", "sources", "id"), ("segment_id", "segments", "id")],
    ),
    "quantities": (
        {"id": str, "source_id": str, "segment_id": str, "start": int, "end": int, "surface": str, "value": NUMBER,
         "value_max": NUMBER, "unit": str, "per": str, "approx": int, "qualifier": str},
        "id", [("source_id", "sources", "id"), ("segment_id", "segments", "id")],
    ),
    "dates": (
        {"id": str, "source_id": str, "segment_id": str, "start": int, "end": int, "surface": str, "value": str,
         "earliest": str, "latest": str, "precision": str, "modifier": str},
        "id", [("source_id", "sources", "id"), ("segment_id", "segments", "id")],
    ),
    "quotes": (
        {"id": str, "source_id": str, "segment_id": str, "start": int, "end": int, "surface": str, "text": str,
         "speaker": str, "speaker_id": str},
        "id", [("source_id", "sources", "id"), ("segment_id", "segments", "id"), ("speaker_id", "entities", "id")],
    ),
    "entity_mentions": (
        {"id": str, "source_id": str, "segment_id": str, "start": int, "end": int, "surface": str,
         "entity_id": str, "alias": str},
        "id", [("source_id", "sources", "id"), ("segment_id", "segments", "id"), ("entity_id", "entities", "id")],
    ),
    "evidence_quantities": (
        {"evidence_id": str, "quantity_id": str}, ("evidence_id", "quantity_id"),
        [("evidence_id", "fact_evidence", "id"), ("quantity_id", "quantities", "id")],
    ),
    "evidence_dates": (
        {"evidence_id": str, "date_id": str}, ("evidence_id", "date_id"),
        [("evidence_id", "fact_evidence", "id"), ("date_id", "dates", "id")],
    ),
    "quote_variants": (
        {"id": str, "statement_id": str, "confirmed": int, "score": float, "speaker_id": str,
         "a_quote_id": str, "a_source_id": str, "a_start": int, "a_end": int, "a_exact": str,
         "b_quote_id": str, "b_source_id": str, "b_start": int, "b_end": int, "b_exact": str},
        "id",
        [("statement_id", "statements", "id"), ("speaker_id", "entities", "id"), ("a_quote_id", "quotes", "id"),
         ("a_source_id", "sources", "id"), ("b_quote_id", "quotes", "id"), ("b_source_id", "sources", "id")],
    ),
    "build_info": ({"key": str, "value": str}, "key", []),
}  # fmt: skip
# Every span table (rows with a source and a start) has a position column, last.
for _columns, _, _ in TABLES.values():
    if {"source_id", "start"} <= _columns.keys():
        _columns[POSITION] = str

# Full-text search (FTS5, porter stemming): what readers search for, each table with the columns searched. Datasette
# finds these tables, so ``?_search=`` works on their pages and the home page's search box searches them all.
FTS = {
    "segments": ["text"],
    "facts": ["statement"],
    "quotes": ["text", "speaker"],
    "entities": ["name", "description"],
    "entity_aliases": ["alias"],
}

# Columns people filter, facet and sort on (metadata.yml facets and sort, canned queries), beyond the foreign
# keys (which are indexed too): on a large database a facet or sort without an index reads the whole table.
INDEXES = {
    "sources": ["publisher"],
    "segments": ["kind", "start"],
    "entities": ["type"],
    "facts": ["predicate", "date_earliest"],
    "quantities": ["unit", "qualifier"],
    "dates": ["value", "precision", "modifier"],
    "quotes": ["speaker"],
    "quote_variants": ["confirmed"],
    # derived tables: indexed when _derive makes them
    "single_source_facts": ["source_id", "topic"],
    "fact_sources": ["source_id", "support"],
    "corroboration": ["grade", "topic"],
    "sentence_coverage": ["status", "position"],
    "fact_places": ["place_id"],
}
INDEXES.update({name: [*INDEXES.get(name, []), POSITION] for name, (cols, _, _) in TABLES.items() if POSITION in cols})


# Derived tables: SQL over the tables above, materialized once per build rather than left as views. A page of a
# view recomputes the whole query, and a count(*) over it, on every request (0.6 s for coverage on a 10,000-article
# database); a derived table is read by page like any other, with its row count in the inspect file. Each has a
# primary key that means something (a fact id, a topic and grade), so its row URLs are permanent links, and foreign
# keys, so Datasette links its ids. The queries stay here, the one definition.
@dataclass(frozen=True)
class Derived:
    """``scope``: the column (fact_id or source_id) whose rows depend only on that fact's or that source's rows,
    so an incremental build recomputes just the rows of the facts and sources it changed; "" for a table that
    is recomputed whole (small ones, or ones with rows over many facts)."""

    sql: str
    pk: str | tuple[str, ...]
    fks: tuple[tuple[str, str, str], ...] = ()
    scope: str = ""
    counts: tuple[str, ...] = ()  # the computed columns that hold integers (counts, grades); the others hold text


_FACT = ("fact_id", "facts", "id")
_TOPIC = ("topic", "topics", "id")
_SOURCE = ("source_id", "sources", "id")
_SEGMENT = ("segment_id", "segments", "id")

# The parts of fact f, as a list ("value, date, subject"); and of one source's spans p (sv, sd, ss: 1 where stated).
_PARTS = "trim(iif(f.value is not null, 'value, ', '') || iif(f.date is not null, 'date, ', '') || 'subject', ', ')"


def _count(where: str, what: str = "*") -> str:
    """How many of fact f's fact_sources rows match ``where``.

    The support tests in ``where`` are written ``+s.support = ...``: the unary plus keeps SQLite from looking rows up
    by the support index (three values) instead of the fact's key while the table has no statistics yet (the build
    analyzes last): that plan read the whole table per fact, 18 s at 1,000 articles, half an hour at 10,000."""
    return f"(select count({what}) from fact_sources s where s.fact_id = f.id and {where})"


def _list(what: str, where: str) -> str:
    """Those rows' ``what``, comma-separated in order."""
    return (
        f"(select group_concat(x, ', ') from (select {what} as x from fact_sources s"
        f" where s.fact_id = f.id and {where} order by x))"
    )


# Partly supporting origins that are not among the stating ones: another origin consistent with the fact.
_PARTIAL_ELSEWHERE = (
    "+s.support = 'partly supports' and s.origin_id not in "
    "(select x.origin_id from fact_sources x where x.fact_id = f.id and +x.support = 'states')"
)

DERIVED = {
    "timeline": Derived(
        """
        select coalesce(f.date_earliest, f.date_latest) as day, f.date, f.date_modifier, f.date_earliest,
               f.date_latest, f.id as fact_id, f.statement, f.topic,
               (select group_concat(source_id, ', ') from
                   (select distinct source_id from fact_evidence e where e.fact_id = f.id order by source_id)
               ) as sources
        from facts f where f.date is not null
        order by day, f.id""",
        "fact_id",
        (_FACT, _TOPIC),
        scope="fact_id",
    ),
    "figures": Derived(
        """
        select f.id as fact_id, f.statement, e.name as subject, f.predicate, f.value, f.unit, f.per, f.approx,
               f.qualifier, f.date, f.topic
        from facts f join entities e on e.id = f.subject_id
        where f.value is not null
        order by f.topic, f.id""",
        "fact_id",
        (_FACT, _TOPIC),
        scope="fact_id",
    ),
    # Per fact and source: does the source state every part of the fact (its spans together), only some, or
    # contradict it? A contradicting span never counts as support, whatever else the source says.
    "fact_sources": Derived(
        f"""
        with per as (
            select e.fact_id, e.source_id, count(*) as n_spans, max(e.contradicts) as contradicts,
                   coalesce(max(iif(e.contradicts = 0, e.states_value, null)), 0) as sv,
                   coalesce(max(iif(e.contradicts = 0, e.states_date, null)), 0) as sd,
                   coalesce(max(iif(e.contradicts = 0, e.states_subject, null)), 0) as ss
            from fact_evidence e group by e.fact_id, e.source_id
        )
        select p.fact_id, p.source_id, o.origin_id,
               case when p.contradicts then 'contradicts'
                    when p.ss and (f.value is null or p.sv) and (f.date is null or p.sd) then 'states'
                    else 'partly supports' end as support,
               {_PARTS} as parts,
               nullif(trim(iif(p.sv, 'value, ', '') || iif(p.sd, 'date, ', '') || iif(p.ss, 'subject', ''), ', '), '')
                   as parts_stated,
               nullif(trim(iif(f.value is not null and not p.sv, 'value, ', '')
                   || iif(f.date is not null and not p.sd, 'date, ', '') || iif(not p.ss, 'subject', ''), ', '), '')
                   as parts_missing,
               p.n_spans
        from per p join facts f on f.id = p.fact_id join source_origins o on o.source_id = p.source_id
        order by p.fact_id, p.source_id""",
        ("fact_id", "source_id"),
        (_FACT, _SOURCE, ("origin_id", "sources", "id")),
        scope="fact_id",
        counts=("n_spans",),
    ),
    # n_sources and sources count only the sources that state every part; origins count independent ones.
    "corroboration": Derived(
        f"""
        with c as (
            select f.id as fact_id, f.statement, f.topic, {_PARTS} as parts,
                   {_count("+s.support = 'states'")} as n_sources,
                   {_list("source_id", "+s.support = 'states'")} as sources,
                   {_count("+s.support = 'partly supports'")} as n_partial,
                   {_list("source_id || ' (' || parts_stated || ')'", "+s.support = 'partly supports'")}
                       as partial_sources,
                   {_count("+s.support = 'states'", "distinct origin_id")} as n_origins,
                   {_list("distinct origin_id", "+s.support = 'states'")} as origins,
                   {_count(_PARTIAL_ELSEWHERE, "distinct origin_id")} as n_partial_origins,
                   {_count("+s.support = 'contradicts'")} as n_contradicting,
                   {_list("source_id", "+s.support = 'contradicts'")} as contradicting_sources,
                   {_count("+s.support = 'contradicts'", "distinct origin_id")} as n_contradicting_origins,
                   (select count(*) from fact_evidence e where e.fact_id = f.id) as n_spans
            from facts f
        )
        select c.*, credibility_grade(n_origins, n_partial_origins, n_contradicting_origins) as grade,
               credibility_label(credibility_grade(n_origins, n_partial_origins, n_contradicting_origins))
                   as grade_label,
               case when n_sources = 0 then 'no source'
                    when n_sources = (select count(*) from sources) then 'every source'
                    when n_sources = 1 then 'only ' || sources
                    else 'several sources' end as stated_by
        from c
        order by grade, n_origins desc, n_sources desc, fact_id""",
        "fact_id",
        (_FACT, _TOPIC),
        scope="fact_id",
        counts=(
            "n_sources",
            "n_partial",
            "n_origins",
            "n_partial_origins",
            "n_contradicting",
            "n_contradicting_origins",
            "n_spans",
            "grade",
        ),
    ),
    "single_source_facts": Derived(
        """
        select c.sources as source_id, c.fact_id, c.statement, c.topic, c.n_spans
        from corroboration c where c.n_sources = 1
        order by source_id, c.topic, c.fact_id""",
        "fact_id",
        (_FACT, _SOURCE, _TOPIC),
        scope="fact_id",
    ),
    "topic_corroboration": Derived(
        """
        select topic, grade, grade_label, count(*) as facts
        from corroboration group by topic, grade
        order by topic, grade""",
        ("topic", "grade"),
        (_TOPIC,),
        counts=("facts",),
    ),
    "quote_variant_pairs": Derived(
        """
        select v.id, v.statement_id, ent.name as speaker, v.score, v.confirmed,
               v.a_source_id, v.a_exact, v.b_source_id, v.b_exact, s.fact_id
        from quote_variants v
        left join entities ent on ent.id = v.speaker_id
        left join statements s on s.id = v.statement_id
        order by v.confirmed desc, v.score desc, v.id""",
        "id",
        (
            ("id", "quote_variants", "id"),
            ("statement_id", "statements", "id"),
            _FACT,
            ("a_source_id", "sources", "id"),
            ("b_source_id", "sources", "id"),
        ),
    ),
    "coverage": Derived(
        """
        select 'quantity' as kind, q.id, q.source_id, q.segment_id, q.surface,
               q.value || ' ' || q.unit as reading
        from quantities q join segments s on s.id = q.segment_id
        where s.kind = 'body'
          and not exists (select 1 from evidence_quantities eq join fact_evidence e on e.id = eq.evidence_id
                          join facts f on f.id = e.fact_id
                          where eq.quantity_id = q.id and f.value = q.value)
          and not exists (select 1 from ignored_spans i where i.source_id = q.source_id
                          and i.start <= q.start and q."end" <= i."end")
        union all
        select 'date', d.id, d.source_id, d.segment_id, d.surface, d.value
        from dates d join segments s on s.id = d.segment_id
        where s.kind = 'body'
          and not exists (select 1 from evidence_dates ed join fact_evidence e on e.id = ed.evidence_id
                          join facts f on f.id = e.fact_id
                          where ed.date_id = d.id and (f.date = d.value or f.said_on = d.value))
          and not exists (select 1 from ignored_spans i where i.source_id = d.source_id
                          and i.start <= d.start and d."end" <= i."end")
        order by 3, 2""",
        ("kind", "id"),
        (_SOURCE, _SEGMENT),
        scope="source_id",
    ),
    # Every body sentence with what accounts for it: a fact's evidence, a statement rendering or a reasoned ignore.
    "sentence_coverage": Derived(
        """
        select *, iif(coalesce(facts, statements, ignored) is null, 'uncovered', 'covered') as status from (
            select s.id as sentence_id, s.source_id, s.segment_id, s.start, s."end", s.exact, s.position,
                   (select group_concat(fact_id, ', ') from (select distinct e.fact_id from fact_evidence e
                        where e.source_id = s.source_id and e.start < s."end" and e."end" > s.start
                        order by e.fact_id)) as facts,
                   (select group_concat(statement_id, ', ') from (select distinct r.statement_id
                        from statement_renderings r
                        where r.source_id = s.source_id and r.start < s."end" and r."end" > s.start
                        order by r.statement_id)) as statements,
                   (select group_concat(reason, '; ') from (select distinct i.reason from ignored_spans i
                        where i.source_id = s.source_id and i.start < s."end" and i."end" > s.start
                        order by i.reason)) as ignored
            from sentences s
        )
        order by source_id, start""",
        "sentence_id",
        (("sentence_id", "sentences", "id"), _SOURCE, _SEGMENT),
        scope="source_id",
    ),
    # Facts link to places without a word in facts.yml: a fact is at a place when its evidence names the place
    # (entity_mentions inside an evidence span) or the place is its subject. A union of the two rather than a group
    # by over them, so that SQLite looks one fact's rows up by its key (``_rederive``).
    "fact_places": Derived(
        """
        select f.id as fact_id, f.subject_id as place_id, 'subject' as how
        from facts f join entities p on p.id = f.subject_id and p.type = 'place'
        union all
        select distinct e.fact_id, m.entity_id, 'named in its evidence'
        from fact_evidence e join entity_mentions m
             on m.source_id = e.source_id and m.start >= e.start and m."end" <= e."end"
        join entities p on p.id = m.entity_id and p.type = 'place'
        join facts f on f.id = e.fact_id and f.subject_id <> m.entity_id
        order by fact_id, place_id""",
        ("fact_id", "place_id"),
        (_FACT, ("place_id", "entities", "id")),
        scope="fact_id",
    ),
    "places": Derived(
        """
        select p.id, p.name, p.description, p.wikidata, p.latitude, p.longitude, count(fp.fact_id) as n_facts,
               (select group_concat(statement, ' · ') from
                   (select f.statement from fact_places x join facts f on f.id = x.fact_id
                    where x.place_id = p.id order by f.id)) as facts
        from entities p left join fact_places fp on fp.place_id = p.id
        where p.type = 'place'
        group by p.id order by p.id""",
        "id",
        (("id", "entities", "id"),),
        counts=("n_facts",),
    ),
}


_BLOBS = "staged_blobs"  # a staging part's table of what else its articles leave for the end of the build
_MOST_PARTS = 10  # SQLITE_MAX_ATTACHED's default, which Python's sqlite3 module is built with


class Staging:
    """Where a streaming build puts each article's rows as it goes: scratch SQLite files with the staged tables,
    one part per process computing articles (``part``), so worker processes insert their own rows and the results
    of the curated spans in them (``blob``) in parallel and send nothing back; the curated rows go into a named
    part of their own. The database is written from all parts together in key order (``write(..., staged=
    staging)``): the same file whichever process computed which article. The rows of 10,000 articles never need
    to be in memory at once."""

    def __init__(self, folder: Path, tables: Iterable[str]):
        self.folder = folder
        self.tables = tuple(tables)
        folder.mkdir(parents=True, exist_ok=True)
        self._reader: tuple[sqlite3.Connection, int] | None = None  # the articles' parts, once they are written

    def part(self, name: str = "") -> StagingPart:
        """This process's own part for the articles it computes (one per process: a worker's rows never wait for
        another's lock), or, by ``name``, a part for other rows (the curated ones) that the database is written
        from too but reads during the build (``quotes``, ``blob``) never look at: they may be going on while it is
        written."""
        return StagingPart(self.folder / (f"{name}.db" if name else f"part-{os.getpid()}.db"), self.tables)

    def parts(self, named: bool = True) -> list[Path]:
        """The parts written (``named``: and the named ones), at most ``_MOST_PARTS`` of them (SQLite attaches ten
        databases at most): with more worker processes than that, the surplus parts are merged into the first
        ones."""
        extra = sorted(p for p in self.folder.glob("*.db") if not p.name.startswith("part-")) if named else []
        parts, most = sorted(self.folder.glob("part-*.db")), _MOST_PARTS - len(extra)
        while len(parts) > most:
            _merge_part(parts[len(parts) % most], parts.pop(), self.tables)
        return parts + extra

    def quotes(self, source_id: str) -> list[dict]:
        """One article's quotes as the quote-variant pairing reads them, in start order."""
        cols = 'id, source_id, start, "end", surface, text, speaker_id'
        return self._select(self._attached(), "quotes", cols, 'start, "end", id', "source_id = ?", [source_id])

    def blob(self, key: str) -> bytes | None:
        """What an article's part was given under ``key`` (``StagingPart.add``), if any (keys are unique across
        parts)."""
        db, parts = self._attached()
        found = db.execute(_union(parts, _BLOBS, "value", "key = ?"), [key] * parts).fetchall() if parts else None
        return found[0][0] if found else None

    def rows(self, name: str) -> list[dict]:
        """A whole table in key order, from every part (``etl check`` returns them once all are written; a build
        never reads them into memory)."""
        self.close()
        db = sqlite3.connect(":memory:")
        try:
            return self._select((db, _attach(db, self)), name, "*", ", ".join(_pk_tuple(TABLES[name][1])))
        finally:
            db.close()

    @staticmethod
    def _select(
        reader: tuple[sqlite3.Connection, int], name: str, cols: str, order: str, where: str = "", args: Sequence = ()
    ) -> list[dict]:
        db, parts = reader
        if not parts:
            return []
        cur = db.execute(f"{_union(parts, name, cols, where)} order by {order}", [*args] * parts)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]

    def _attached(self) -> tuple[sqlite3.Connection, int]:
        """The articles' parts attached to one connection that reads share, on the first read (the articles are
        all computed by then)."""
        if self._reader is None:
            db = sqlite3.connect(":memory:")
            self._reader = (db, _attach(db, self, named=False))
        return self._reader

    def close(self) -> None:
        """Close the connection reads go through, if any (writing the database attaches the parts itself)."""
        if self._reader is not None:
            self._reader[0].close()
            self._reader = None


class StagingPart:
    """One process's staging file: each article's rows committed as they come (a worker process is ended without
    notice once its last result is in, so nothing may wait in a transaction)."""

    def __init__(self, path: Path, tables: tuple[str, ...]):
        self.path = path
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("pragma journal_mode = off")
        self.db.execute("pragma synchronous = off")
        for name in tables:
            columns, pk, _fks = TABLES[name]
            cols = ", ".join(f"[{c}] {_SQL_TYPES.get(t, t)}" for c, t in columns.items())
            self.db.execute(f"create table [{name}] ({cols}, primary key ({', '.join(_pk_tuple(pk))}))")
        if "quotes" in tables:
            self.db.execute("create index quotes_source on quotes (source_id, start)")
        self.db.execute(f"create table {_BLOBS} (key text primary key, value blob)")

    def add(self, rows: dict[str, list[list]], blobs: dict[str, bytes] | None = None) -> None:
        """One article's rows (table -> values in column order, as ``packed`` gives them) and what else it leaves
        for the end of the build (``blobs``: key -> bytes, read back with ``Staging.blob``), committed."""
        self.db.execute("begin")
        for name, table_rows in rows.items():
            self.db.executemany(_insert_sql(name), table_rows)
        if blobs:
            self.db.executemany(f"insert into {_BLOBS} values (?, ?)", blobs.items())
        self.db.execute("commit")

    def close(self) -> None:
        self.db.close()


def _merge_part(into: Path, part: Path, tables: tuple[str, ...]) -> None:
    db = sqlite3.connect(into, isolation_level=None)
    try:
        db.execute("pragma synchronous = off")
        db.execute("attach database ? as part", [str(part)])
        db.execute("begin")
        for name in (*tables, _BLOBS):
            db.execute(f"insert into main.[{name}] select * from part.[{name}]")
        db.execute("commit")
        db.execute("detach database part")
    finally:
        db.close()
    part.unlink()


_SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "FLOAT"}
_COLUMNS = {name: set(columns) for name, (columns, _, _) in TABLES.items()}


def write(path: Path, rows: dict[str, Iterable[dict]], staged: Staging | None = None, parallel: bool = False) -> None:
    """Create every table, fill it from ``rows`` (table -> dicts) or, for the tables ``staged`` holds, from its
    parts in key order (the same file as from the rows themselves), and add indexes, FTS and the derived tables.
    ``parallel``: the staged tables' full-text indexes (``Side``) are built on another core meanwhile; the file is
    the same either way."""
    parts = staged.parts() if staged is not None else []
    # forked before the database is opened: a child must not inherit an open SQLite connection (it would close it)
    side = Side(staged.folder, parts, staged.tables, parallel) if staged is not None else None
    try:
        db = _open(path)
        try:
            _fill(db, rows, staged, parts, side)
        finally:
            db.close()
    finally:
        if side is not None:
            side.close()


def _fill(
    db: sqlite_utils.Database, rows: dict[str, Iterable[dict]], staged: Staging | None, parts: list[Path],
    side: Side | None,
) -> None:  # fmt: skip
    _attach_paths(db.conn, parts)
    for name, (columns, pk, fks) in TABLES.items():
        db[name].create(columns, pk=pk, foreign_keys=fks, not_null=_pk_columns(pk))
        if side is not None and name in side.fts:
            db[name].enable_fts(FTS[name], tokenize="porter")  # empty: its index is the side's, copied later
        with db.conn:
            if staged is not None and name in staged.tables:
                _insert_staged(db.conn, name, len(parts))
            else:
                _insert(db.conn, name, rows.get(name, ()))
    _detach(db.conn, len(parts))
    db.index_foreign_keys()
    for table, cols in INDEXES.items():
        if table in TABLES:
            for col in cols:
                db[table].create_index([col])
    for table, cols in FTS.items():
        if side is None or table not in side.fts:
            db[table].enable_fts(cols, tokenize="porter")
    _derive(db)
    if side is not None:
        side.copy_fts(db.conn)
    db.execute("analyze")


# The full-text indexes of the staged tables are built in files of their own beside the database, from the staging
# parts, while the rest of the database is written, and copied in at the end: SQLite copies a table into an empty one
# with the same columns and indexes record by record, decoding nothing (its transfer optimization). For 10,000
# articles the indexes cost 1.7 s to build and 0.26 s to copy. Tables themselves are not worth it: entity_mentions
# with its indexes cost 3.1 s to build and 1.5 s to copy.
class Side:
    """The full-text indexes of the staged tables in FTS, built from the staging ``parts`` beside the database
    (etl.beside: in a process of their own when ``parallel``, else at once). Each in its own file, complete before
    the database reads it: a file's writer locks out its readers. Whichever way, the database is written by the same
    statements in the same order: the same bytes."""

    def __init__(self, folder: Path, parts: Sequence[Path], tables: Sequence[str], parallel: bool):
        self.fts = [t for t in FTS if t in tables]
        work = _SideWork(folder, tuple(parts))
        self._beside = Beside(parallel)
        self._built = {name: self._beside.run(work.index, name) for name in self.fts}

    def copy_fts(self, into: sqlite3.Connection) -> None:
        """The full-text indexes into the database's, made empty (their tables: FTS5's shadow tables)."""
        for name in self.fts:
            path = self._built[name].result()
            with sqlite3.connect(path) as side:
                shadows = [r[0] for r in side.execute(
                    "select name from sqlite_master where type = 'table' and name like ? escape '!' order by name",
                    [f"{name}!_fts!_%"],
                )]  # fmt: skip
            for shadow in shadows:
                into.execute(f"delete from main.[{shadow}]")
            _copy(into, path, shadows)

    def close(self) -> None:
        self._beside.close()


@dataclass(frozen=True)
class _SideWork:
    """What the side process is given: where the side files go and the staging parts they are built from."""

    folder: Path
    parts: tuple[Path, ...]

    def index(self, name: str) -> Path:
        """The full-text index of a staged table as the database will hold it, its rowids those the table's rows get
        there (inserted in key order into a new table, the n-th row has rowid n), in a new file of its own. The
        table itself stays empty there: the index only names it."""
        import sqlite_utils

        path = self.folder / f"{name}_fts.side"  # not .db: Staging.parts takes those for parts
        path.unlink(missing_ok=True)
        db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
        try:
            db.execute("pragma journal_mode = off")
            db.execute("pragma synchronous = off")
            parts = _attach_paths(db.conn, self.parts)
            columns, pk, _fks = TABLES[name]
            db[name].create(columns, pk=pk, not_null=_pk_columns(pk))
            db[name].enable_fts(FTS[name], tokenize="porter")
            cols = ", ".join(f"[{c}]" for c in FTS[name])
            rows = _in_key_order(parts, name)
            db.execute("begin")
            db.execute(f"insert into [{name}_fts] (rowid, {cols}) select row_number() over (), {cols} from ({rows})")
            db.execute("commit")
        finally:
            db.close()
        return path


def _copy(into: sqlite3.Connection, path: Path, tables: Sequence[str]) -> None:
    """Whole tables of a side file into the database's tables of the same names, in one transaction."""
    into.execute("attach database ? as side", [str(path)])
    try:
        with into:
            for table in tables:
                into.execute(f"insert into main.[{table}] select * from side.[{table}]")
    finally:
        into.execute("detach database side")


# How an incremental build with an unchanged facts.yml deletes the curated rows it recomputes: those of the facts
# (``{facts}``) whose evidence lies in a changed article, or those lying in a changed article (``{sources}``).
SCOPED = {
    "evidence_quantities": "evidence_id in (select id from fact_evidence where fact_id in {facts})",
    "evidence_dates": "evidence_id in (select id from fact_evidence where fact_id in {facts})",
    "fact_evidence": "fact_id in {facts}",
    "disagreements": "fact_id in {facts}",
    "statement_renderings": "source_id in {sources}",
    "ignored_spans": "source_id in {sources}",
}


@dataclass(frozen=True)
class Scope:
    """What an incremental build with an unchanged facts.yml recomputed: the rows of these facts and sources (in
    the SCOPED tables and the derived tables with a scope); any other table not in its rows is kept as it is."""

    facts: frozenset[str]
    sources: frozenset[str]


def update(
    path: Path,
    stale: Iterable[str],
    rows: dict[str, Iterable[dict]],
    per_source: Iterable[str],
    staged: Staging | None = None,
    scope: Scope | None = None,
) -> dict[str, int]:
    """Patch a previous build in place, in one transaction (a failure leaves it as it was): drop the ``stale``
    sources' rows from the ``per_source`` tables and insert ``rows`` (and the ``staged`` ones); replace every other
    table outright, or with a ``scope`` only the rows it names. Full-text indexes follow the rows they index.
    Returns how many rows each table gained (negative: lost)."""
    db = sqlite3.connect(path, isolation_level=None)  # transactions as written here; synchronous: a file in use
    try:
        parts = _attach(db, staged)
        changed = _patch(db, list(stale), rows, set(per_source), staged.tables if staged else (), parts, scope)
        _detach(db, parts)
        if scope is None:  # the tables made anew; the others' statistics barely move with a few articles
            for name in [*DERIVED, *(t for t in TABLES if t not in per_source)]:
                db.execute(f"analyze [{name}]")
    finally:
        db.close()
    return changed


def _patch(
    db: sqlite3.Connection,
    stale: list[str],
    rows: dict[str, Iterable[dict]],
    per_source: set[str],
    from_staging: Iterable[str],
    parts: int,
    scope: Scope | None,
) -> dict[str, int]:
    """``update``'s changes, in one transaction; rows gained per table."""
    changed: dict[str, int] = {}
    patched = [t for t in FTS if t in per_source]  # the index follows the rows: stale ones out, fresh ones in
    kept = set() if scope is None else {t for t in TABLES if t not in per_source and t not in rows and t not in SCOPED}
    synced = set() if scope is None else {t for t in rows if t not in per_source and t not in SCOPED}
    db.execute("begin")
    try:
        for name in patched:
            _fts_rows(db, name, "delete", stale)
        for name in reversed(TABLES):  # a table's rows before those they refer to (evidence_dates, fact_evidence)
            changed[name] = 0 if name in synced else -_delete(db, name, per_source, stale, scope, kept)
        for name in TABLES:
            if name in from_staging:
                changed[name] += _insert_staged(db, name, parts)
            elif name in synced:
                changed[name] += _sync(db, name, rows[name])
            elif name not in kept:
                changed[name] += _insert(db, name, rows.get(name, ()))
        fresh = sorted({r["source_id"] for r in rows.get("segments", ())})
        if "segments" in from_staging:
            staged = _union(parts, "segments", "source_id")
            fresh = [r[0] for r in db.execute(f"select distinct source_id from ({staged}) order by 1")]
        for name in patched:
            _fts_rows(db, name, "insert", fresh)
        for name in FTS:
            if name not in per_source and name not in kept:  # a table rewritten outright: its index too
                db.execute(f"insert into [{name}_fts]([{name}_fts]) values ('rebuild')")
        _rederive(db, scope)
    except BaseException:
        db.execute("rollback")
        raise
    db.execute("commit")
    return changed


def _sync(db: sqlite3.Connection, name: str, rows: Iterable[dict]) -> int:
    """Make a small table hold exactly ``rows``, deleting and inserting only the rows that differ; rows gained."""
    columns = list(TABLES[name][0])
    pk = _pk_tuple(TABLES[name][1])
    cols = ", ".join(f"[{c}]" for c in columns)
    have = set(db.execute(f"select {cols} from [{name}]"))
    want = {tuple(v) for v in map(_values(name), rows)}
    where = " and ".join(f"[{c}] = ?" for c in pk)
    at = [columns.index(c) for c in pk]

    def key(row: tuple) -> list:
        return [row[i] for i in at]

    gone = sorted(have - want, key=key)
    db.executemany(f"delete from [{name}] where {where}", map(key, gone))
    new = sorted(want - have, key=key)
    db.executemany(_insert_sql(name), new)
    return len(new) - len(gone)


def _delete(
    db: sqlite3.Connection, name: str, per_source: set[str], stale: list[str], scope: Scope | None, kept: set[str]
) -> int:
    """Delete what ``update`` recomputes of a table; how many rows."""
    if name in per_source:
        column = "id" if name == "sources" else "source_id"
        return db.execute(f"delete from [{name}] where {column} in {_IDS}", [json.dumps(stale)]).rowcount
    if name in kept:
        return 0
    if scope is None or name not in SCOPED:
        return db.execute(f"delete from [{name}]").rowcount
    where = SCOPED[name].format(facts=_IDS.replace("?", ":facts"), sources=_IDS.replace("?", ":sources"))
    ids = {"facts": json.dumps(sorted(scope.facts)), "sources": json.dumps(sorted(scope.sources))}
    named = {k: v for k, v in ids.items() if f":{k}" in where}
    return db.execute(f"delete from [{name}] where {where}", named).rowcount


_IDS = "(select value from json_each(?))"


def _attach(db: sqlite3.Connection, staged: Staging | None, named: bool = True) -> int:
    """Attach every part of a staging (as staged0, staged1, ...; ``named``: the named ones too); how many (none
    without a staging)."""
    if staged is None:
        return 0
    return _attach_paths(db, staged.parts(named))


def _attach_paths(db: sqlite3.Connection, parts: Sequence[Path]) -> int:
    for i, part in enumerate(parts):
        db.execute(f"attach database ? as staged{i}", [str(part)])
    return len(parts)


def _detach(db: sqlite3.Connection, parts: int) -> None:
    for i in range(parts):
        db.execute(f"detach database staged{i}")


def _union(parts: int, name: str, cols: str = "*", where: str = "") -> str:
    """A staged table's rows from every part (with no part, none: of the table in main, which has its columns)."""
    if not parts:
        return f"select {cols} from main.[{name}] where 0"
    cond = f" where {where}" if where else ""
    return " union all ".join(f"select {cols} from staged{i}.[{name}]{cond}" for i in range(parts))


def _insert_staged(db: sqlite3.Connection, name: str, parts: int) -> int:
    """A staged table's rows in primary-key order, as ``_insert`` would insert them from memory; how many. Each part
    reads in key order by its own primary key, and SQLite merges them."""
    cols = ", ".join(f"[{c}]" for c in TABLES[name][0])
    return db.execute(f"insert into main.[{name}] ({cols}) {_in_key_order(parts, name, cols)}").rowcount


def _in_key_order(parts: int, name: str, cols: str = "*") -> str:
    """A staged table's rows from every part in primary-key order: merged from the parts' own key order, not
    sorted."""
    return f"{_union(parts, name, cols)} order by {', '.join(f'[{c}]' for c in _pk_tuple(TABLES[name][1]))}"


def position(source_id: str, start: int) -> str:
    """The document-order sort key of a span."""
    return f"{source_id}:{start:09d}"


def packed(rows: dict[str, list[dict]]) -> dict[str, list[list]]:
    """Row dicts as value lists in column order, as a staging part takes them. A key that is no column would be
    dropped without a word: the first row of each table is checked (the rows of a table have one shape)."""
    for name, table_rows in rows.items():
        if table_rows and not table_rows[0].keys() <= _COLUMNS[name]:
            _no_column(name, table_rows[:1])
    return {name: list(map(_values(name), table_rows)) for name, table_rows in rows.items()}


def _no_column(name: str, rows: Iterable[dict]) -> None:
    unknown = {k for shape in {tuple(r) for r in rows} for k in shape} - _COLUMNS[name]
    if unknown:
        raise ValueError(f"{name} has no column {', '.join(sorted(unknown))}; add it to load.TABLES")


@functools.cache
def _values(name: str):
    """A row dict -> its values in column order, with the span's document position filled in."""
    columns = list(TABLES[name][0])
    if POSITION not in columns:
        return lambda r: [r.get(c) for c in columns]
    given = columns[:-1]  # the loop under TABLES adds position last
    return lambda r: [*map(r.get, given), position(r["source_id"], r["start"])]


def _insert_sql(name: str) -> str:
    columns = list(TABLES[name][0])
    return f"insert into [{name}] ({', '.join(f'[{c}]' for c in columns)}) values ({', '.join('?' * len(columns))})"


def _fts_rows(db: sqlite3.Connection, table: str, action: str, source_ids: list[str]) -> None:
    """Delete (the stale) or insert (the fresh) index entries of the rows of ``source_ids`` in a per-source table."""
    cols = ", ".join(f"[{c}]" for c in FTS[table])
    fts = f"[{table}_fts]"
    target, head = (
        (f"{fts}({fts}, rowid, {cols})", "'delete', ") if action == "delete" else (f"{fts}(rowid, {cols})", "")
    )
    db.execute(
        f"insert into {target} select {head}rowid, {cols} from [{table}] "
        "where source_id in (select value from json_each(?))",
        [json.dumps(source_ids)],
    )


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions DERIVED uses: the credibility grade has one definition, in Python (etl.support)."""
    conn.create_function("credibility_grade", 3, support.grade, deterministic=True)
    conn.create_function("credibility_label", 1, support.grade_label, deterministic=True)


def _derive(db: sqlite_utils.Database) -> None:
    """(Re)compute every derived table from the tables, in DERIVED's order (later ones may read earlier ones)."""
    register_functions(db.conn)
    for name, d in DERIVED.items():
        db.execute(f"drop table if exists [{name}]")
        db[name].create(_derived_columns(db.conn, name, d), pk=d.pk, foreign_keys=d.fks)
        db.execute(f"insert into [{name}] {d.sql.strip()}")
        for col in _derived_indexes(name, d):
            db[name].create_index([col])


def _derived_indexes(name: str, d: Derived) -> list[str]:
    """A derived table's indexed columns: its foreign keys and scope, not led by its primary key, then INDEXES.

    Without them a source's row page counts the rows that link to it by reading whole tables (40 ms of a 43 ms page
    at 10,000 articles) and an incremental build deletes a changed source's rows the same way."""
    lead = d.pk if isinstance(d.pk, str) else d.pk[0]
    keys = [col for col, _, _ in d.fks] + ([d.scope] if d.scope else [])
    return list(dict.fromkeys(col for col in [*keys, *INDEXES.get(name, ())] if col != lead))


def _rederive(db: sqlite3.Connection, scope: Scope | None) -> None:
    """The derived tables' rows of ``scope``'s facts and sources recomputed (a table without a scope, or every
    table without ``scope``, whole), into the tables as the previous build made them: same columns and types (those
    ``_derived_columns`` gave them), so the same rows as ``_derive`` would make.

    One key at a time: SQLite pushes ``key = ?`` down into the query (to an index), not ``key in (...)``."""
    register_functions(db)
    for name, d in DERIVED.items():
        cols = ", ".join(f"[{r[1]}]" for r in db.execute(f"pragma table_info([{name}])"))
        if d.scope and scope is not None:
            for key in sorted(scope.facts if d.scope == "fact_id" else scope.sources):
                db.execute(f"delete from [{name}] where [{d.scope}] = ?", [key])
                select = f"select {cols} from ({d.sql.strip()}) where [{d.scope}] = ?"
                db.execute(f"insert into [{name}] ({cols}) {select}", [key])
        else:
            db.execute(f"delete from [{name}]")
            db.execute(f"insert into [{name}] ({cols}) select {cols} from ({d.sql.strip()})")


# What ``create table as select`` would declare for a column, by the affinity of its expression -> the type it is
# created with: a copied figure column (NUMBER) stays NUMBER, so integers stay integers.
_DECLARED = {"TEXT": "TEXT", "INT": "INTEGER", "REAL": "REAL", "NUM": NUMBER}


def _derived_columns(db: sqlite3.Connection, name: str, d: Derived) -> dict[str, str]:
    """A derived table's columns and their types, before any row is computed: a column copied from a table keeps
    that column's type, a computed one (no affinity) is INTEGER if ``d.counts`` names it, else TEXT. The table is
    created with its keys and filled once, rather than made by ``create table as`` and copied again to add them."""
    db.execute(f"create temp table [_shape_{name}] as select * from ({d.sql.strip()}) where 0")
    try:
        declared = [(r[1], r[2]) for r in db.execute(f"pragma temp.table_info([_shape_{name}])")]
    finally:
        db.execute(f"drop table temp.[_shape_{name}]")
    unknown = set(d.counts) - {col for col, _ in declared}
    if unknown:
        raise ValueError(f"derived table {name} has no column {', '.join(sorted(unknown))} (Derived.counts)")
    return {col: _DECLARED.get(kind, "INTEGER" if col in d.counts else "TEXT") for col, kind in declared}


def _open(path: Path) -> sqlite_utils.Database:
    """A temporary file that is renamed into place only when complete: no sync after every insert batch (the caller
    syncs once before renaming). Changes only timing, not a byte of the file."""
    import sqlite_utils  # a clean build's: an incremental one patches with sqlite3 alone (0.1 s less to start)

    db = sqlite_utils.Database(path)
    db.execute("pragma synchronous = off")
    return db


def _insert(db: sqlite3.Connection, name: str, rows: Iterable[dict]) -> int:
    """Rows in primary-key order into a table made by ``create``: one prepared statement for all, about five times
    faster than ``insert_all`` (which rebuilds its statement per batch and inspects every value), same file.
    Returns how many."""
    ordered = sorted(rows, key=_sort_key(TABLES[name][1]))
    _no_column(name, ordered)
    db.executemany(_insert_sql(name), map(_values(name), ordered))
    return len(ordered)


def _pk_columns(pk: str | tuple[str, ...]) -> set[str]:
    return set(_pk_tuple(pk))


def _pk_tuple(pk: str | tuple[str, ...]) -> tuple[str, ...]:
    return (pk,) if isinstance(pk, str) else pk


def _sort_key(pk: str | tuple[str, ...]):
    cols = (pk,) if isinstance(pk, str) else pk
    return lambda row: tuple(row[c] for c in cols)
