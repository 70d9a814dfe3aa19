"""Write the dataset to SQLite with sqlite-utils: tables, keys, indexes, full-text search, views.

The table and column names here are the public JSON API. Column descriptions
live in metadata.yml, the one place Datasette and the data package read them from.
Rows are inserted in id order and nothing time-dependent is stored, so the
same inputs give the same database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

# Figures: declared ANY, which is NUMERIC affinity in an ordinary table, so an integral figure is stored (and served
# as HTML, JSON and CSV) as the integer 15000, not the REAL 15000.0, while 0.5 stays a real number.
NUMBER = "ANY"

# name -> (columns, primary key, foreign keys as (column, other table, other column))
TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...], list[tuple[str, str, str]]]] = {
    "sources": (
        {"id": str, "title": str, "publisher": str, "authors": str, "credits": str, "published": str, "url": str,
         "language": str, "sha256": str, "chars": int, "file": str, "text": str},
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
    "units": ({"id": str, "kind": str, "description": str}, "id", []),
    "topics": ({"id": str, "description": str}, "id", []),
    "facts": (
        {"id": str, "statement": str, "subject_id": str, "predicate": str, "value": NUMBER, "unit": str, "per": str,
         "approx": int, "qualifier": str, "date": str, "date_modifier": str, "date_earliest": str,
         "date_latest": str, "topic": str, "claimant_id": str, "supersedes": str},
        "id",
        [("subject_id", "entities", "id"), ("unit", "units", "id"), ("topic", "topics", "id"),
         ("claimant_id", "entities", "id"), ("supersedes", "facts", "id")],
    ),
    "fact_evidence": (
        {"id": str, "fact_id": str, "source_id": str, "segment_id": str, "start": int, "end": int, "exact": str,
         "prefix": str, "suffix": str},
        "id", [("fact_id", "facts", "id"), ("source_id", "sources", "id"), ("segment_id", "segments", "id")],
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
    "single_source_facts": ["source_id", "topic"],  # a derived table: indexed when _derive makes it
    "fact_places": ["place_id"],
}

# Derived tables: SQL over the tables above, materialized once per build (``create table as select``) rather
# than left as views. A page of a view recomputes the whole query, and a count(*) over it, on every request
# (0.6 s for coverage on a 10,000-article database); a derived table is read by page like any other, with its
# row count in the inspect file. The queries stay here, the one definition.
DERIVED = {
    "timeline": """
        select coalesce(f.date_earliest, f.date_latest) as day, f.date, f.date_modifier, f.date_earliest,
               f.date_latest, f.id as fact_id, f.statement, f.topic,
               (select group_concat(source_id, ', ') from
                   (select distinct source_id from fact_evidence e where e.fact_id = f.id order by source_id)
               ) as sources
        from facts f where f.date is not null
        order by day, f.id""",
    "figures": """
        select f.id as fact_id, f.statement, e.name as subject, f.predicate, f.value, f.unit, f.per, f.approx,
               f.qualifier, f.date, f.topic
        from facts f join entities e on e.id = f.subject_id
        where f.value is not null
        order by f.topic, f.id""",
    "corroboration": """
        select f.id as fact_id, f.statement, f.topic, count(distinct e.source_id) as n_sources,
               case when count(distinct e.source_id) = (select count(*) from sources) then 'every source'
                    when count(distinct e.source_id) = 1 then 'only ' || min(e.source_id)
                    else 'several sources' end as stated_by,
               (select group_concat(source_id, ', ') from
                   (select distinct source_id from fact_evidence x where x.fact_id = f.id order by source_id)
               ) as sources,
               count(*) as n_spans
        from facts f join fact_evidence e on e.fact_id = f.id
        group by f.id
        order by n_sources desc, f.id""",
    "single_source_facts": """
        select c.sources as source_id, c.fact_id, c.statement, c.topic, c.n_spans
        from corroboration c where c.n_sources = 1
        order by source_id, c.topic, c.fact_id""",
    "topic_corroboration": """
        select topic, stated_by, count(*) as facts
        from corroboration group by topic, stated_by
        order by topic, stated_by""",
    "quote_variant_pairs": """
        select v.id, v.statement_id, ent.name as speaker, v.score, v.confirmed,
               v.a_source_id, v.a_exact, v.b_source_id, v.b_exact, s.fact_id
        from quote_variants v
        left join entities ent on ent.id = v.speaker_id
        left join statements s on s.id = v.statement_id
        order by v.confirmed desc, v.score desc, v.id""",
    "disagreements": """
        with said as (
            select f.id as fact_id, 'value' as field,
                   case when f.value = cast(f.value as integer) then cast(f.value as integer) else f.value end
                       || ' ' || f.unit as curated,
                   e.source_id,
                   q.surface as says, q.value = f.value
                       or (q.value_max is not null and f.value between q.value and q.value_max) as agrees
            from facts f join fact_evidence e on e.fact_id = f.id
            join evidence_quantities eq on eq.evidence_id = e.id join quantities q on q.id = eq.quantity_id
            left join units u on u.id = f.unit
            where f.value is not null and (q.unit = f.unit or (q.unit = 'count' and u.kind = 'count'))
            union all
            select f.id, 'date', f.date, e.source_id, d.surface,
                   d.value = f.date or coalesce(d.earliest >= f.date_earliest and d.latest <= f.date_latest, 0)
            from facts f join fact_evidence e on e.fact_id = f.id
            join evidence_dates ed on ed.evidence_id = e.id join dates d on d.id = ed.date_id
            where f.date is not null
        )
        select s.fact_id, f.statement, s.field, s.curated, s.source_id, group_concat(s.says, '; ') as source_says,
               (select group_concat(source_id, ', ') from
                   (select distinct a.source_id from said a
                    where a.fact_id = s.fact_id and a.field = s.field and a.agrees order by a.source_id)
               ) as agreeing_sources
        from said s join facts f on f.id = s.fact_id
        group by s.fact_id, s.field, s.source_id
        having max(s.agrees) = 0
        order by s.fact_id, s.field, s.source_id""",
    "coverage": """
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
                          where ed.date_id = d.id and f.date = d.value)
          and not exists (select 1 from ignored_spans i where i.source_id = d.source_id
                          and i.start <= d.start and d."end" <= i."end")
        order by 3, 2""",
}


# Derived tables with keys, so their rows link like base tables' and their row URLs are permanent: name ->
# (columns, primary key, foreign keys, select). Facts link to places without a word in facts.yml: a place is where a
# fact happens when its evidence names it (entity_mentions inside an evidence span) or when it is the subject.
KEYED_DERIVED: dict[str, tuple[dict[str, type], tuple[str, ...], list[tuple[str, str, str]], str]] = {
    "fact_places": (
        {"fact_id": str, "place_id": str, "how": str},
        ("fact_id", "place_id"),
        [("fact_id", "facts", "id"), ("place_id", "entities", "id")],
        """
        select fact_id, place_id,
               case when max(subject) = 1 then 'subject' else 'named in its evidence' end as how
        from (
            select e.fact_id, m.entity_id as place_id, 0 as subject
            from fact_evidence e join entity_mentions m
                 on m.source_id = e.source_id and m.start >= e.start and m."end" <= e."end"
            join entities p on p.id = m.entity_id and p.type = 'place'
            union all
            select f.id, f.subject_id, 1 from facts f join entities p on p.id = f.subject_id and p.type = 'place'
        )
        group by fact_id, place_id order by fact_id, place_id""",
    ),
    "places": (
        {
            "id": str,
            "name": str,
            "description": str,
            "wikidata": str,
            "latitude": float,
            "longitude": float,
            "n_facts": int,
            "facts": str,
        },
        ("id",),
        [("id", "entities", "id")],
        """
        select p.id, p.name, p.description, p.wikidata, p.latitude, p.longitude, count(fp.fact_id) as n_facts,
               (select group_concat(statement, ' · ') from
                   (select f.statement from fact_places x join facts f on f.id = x.fact_id
                    where x.place_id = p.id order by f.id)) as facts
        from entities p left join fact_places fp on fp.place_id = p.id
        where p.type = 'place'
        group by p.id order by p.id""",
    ),
}


def write(path: Path, rows: dict[str, Iterable[dict]]) -> None:
    """Create every table, fill it from ``rows`` (table -> dicts), and add indexes, FTS and the derived tables."""
    db = _open(path)
    for name, (columns, pk, fks) in TABLES.items():
        db[name].create(columns, pk=pk, foreign_keys=fks, not_null=_pk_columns(pk))
        _insert(db, name, rows.get(name, ()))
    db.index_foreign_keys()
    for table, cols in INDEXES.items():
        if table in TABLES:
            for col in cols:
                db[table].create_index([col])
    for table, cols in FTS.items():
        db[table].enable_fts(cols, tokenize="porter")
    _derive(db)
    db.execute("analyze")
    db.close()


def update(path: Path, stale: Iterable[str], rows: dict[str, Iterable[dict]], per_source: Iterable[str]) -> None:
    """Patch a copy of a previous build: drop the ``stale`` sources' rows from the ``per_source`` tables, insert
    ``rows``, and replace every other table outright. Full-text indexes follow the rows they index."""
    db = _open(path)
    per_source = set(per_source)
    patched = [t for t in FTS if t in per_source]  # the index follows the rows: stale ones out, fresh ones in
    with db.conn:
        for source_id in stale:
            for name in patched:
                _fts_rows(db, name, "delete", [source_id])
            for name in per_source:
                db.execute(f"delete from [{name}] where {'id' if name == 'sources' else 'source_id'} = ?", [source_id])
        for name in TABLES:
            if name not in per_source:
                db.execute(f"delete from [{name}]")
        for name in TABLES:
            _insert(db, name, rows.get(name, ()))
        fresh = sorted({r["source_id"] for r in rows.get("segments", ())})
        for name in patched:
            _fts_rows(db, name, "insert", fresh)
        for name in FTS:
            if name not in per_source:  # a table rewritten outright: its index too
                db.execute(f"insert into [{name}_fts]([{name}_fts]) values ('rebuild')")
        _derive(db)
    db.execute("analyze")
    db.close()


def _fts_rows(db: sqlite_utils.Database, table: str, action: str, source_ids: list[str]) -> None:
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


def _derive(db: sqlite_utils.Database) -> None:
    """(Re)compute every derived table from the tables, in DERIVED's order (later ones may read earlier ones)."""
    for name, sql in DERIVED.items():
        db.execute(f"drop table if exists [{name}]")
        db.execute(f"create table [{name}] as {sql.strip()}")
        for col in INDEXES.get(name, ()):
            db[name].create_index([col])
    for name, (columns, pk, fks, sql) in KEYED_DERIVED.items():
        db.execute(f"drop table if exists [{name}]")
        db[name].create(columns, pk=pk, foreign_keys=fks, not_null=set(pk))
        db.execute(f"insert into [{name}] ({', '.join(f'[{c}]' for c in columns)}) {sql.strip()}")
        for col in INDEXES.get(name, ()):
            db[name].create_index([col])


def _open(path: Path) -> sqlite_utils.Database:
    """A temporary file that is renamed into place only when complete: no sync after every insert batch (the caller
    syncs once before renaming). Changes only timing, not a byte of the file."""
    db = sqlite_utils.Database(path)
    db.execute("pragma synchronous = off")
    return db


def _insert(db: sqlite_utils.Database, name: str, rows: Iterable[dict]) -> None:
    """Rows in primary-key order into a table made by ``create``: one prepared statement for all, about five times
    faster than ``insert_all`` (which rebuilds its statement per batch and inspects every value), same file."""
    columns = list(TABLES[name][0])
    ordered = sorted(rows, key=_sort_key(TABLES[name][1]))
    unknown = {k for shape in {tuple(r) for r in ordered} for k in shape} - set(columns)
    if unknown:
        raise ValueError(f"{name} has no column {', '.join(sorted(unknown))}; add it to load.TABLES")
    sql = f"insert into [{name}] ({', '.join(f'[{c}]' for c in columns)}) values ({', '.join('?' * len(columns))})"
    with db.conn:
        db.conn.executemany(sql, ([r.get(c) for c in columns] for r in ordered))


def _pk_columns(pk: str | tuple[str, ...]) -> set[str]:
    return {pk} if isinstance(pk, str) else set(pk)


def _sort_key(pk: str | tuple[str, ...]):
    cols = (pk,) if isinstance(pk, str) else pk
    return lambda row: tuple(row[c] for c in cols)
