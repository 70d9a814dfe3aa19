"""Provenance is the product: every row that points into a source quotes it exactly."""

from __future__ import annotations

import pytest

# Every table whose rows point into a source, and the column that must equal text[start:end].
SPAN_TABLES = {
    "segments": "text",
    "fact_evidence": "exact",
    "ignored_spans": "exact",
    "quantities": "surface",
    "dates": "surface",
    "quotes": "surface",
    "entity_mentions": "surface",
    "statement_renderings": "exact",
    "sentences": "exact",
    "sentence_coverage": "exact",
}
# Tables whose rows quote two sources: each side's prefix -> the column holding its words.
PAIR_TABLES = {"quote_variants": {"a_": "a_exact", "b_": "b_exact"}}


def _span_prefixes(columns: set[str]) -> set[str]:
    """'' for a table with source_id/start/end, 'a_' for a_source_id/a_start/a_end, and so on."""
    return {
        c[: -len("source_id")]
        for c in columns
        if c.endswith("source_id") and {c[:-9] + "start", c[:-9] + "end"} <= columns
    }


def test_span_tables_are_all_listed(db):
    with_offsets = {t.name: _span_prefixes(set(t.columns_dict)) for t in db.tables}
    assert {t for t, p in with_offsets.items() if p == {""}} == set(SPAN_TABLES)
    assert {t: set(cols) for t, cols in PAIR_TABLES.items()} == {t: p for t, p in with_offsets.items() if p - {""}}


@pytest.mark.parametrize("table", sorted(PAIR_TABLES))
def test_every_pair_quotes_both_sources_exactly(db, table):
    texts = {r["id"]: r["text"] for r in db["sources"].rows}
    rows = list(db[table].rows)
    assert rows, f"{table} is empty"
    for row in rows:
        for p, column in PAIR_TABLES[table].items():
            assert texts[row[p + "source_id"]][row[p + "start"] : row[p + "end"]] == row[column], (row["id"], p)


@pytest.mark.parametrize("table", sorted(SPAN_TABLES))
def test_every_row_quotes_its_source_exactly(db, table):
    texts = {r["id"]: r["text"] for r in db["sources"].rows}
    column = SPAN_TABLES[table]
    rows = list(db[table].rows)
    for row in rows:
        assert texts[row["source_id"]][row["start"] : row["end"]] == row[column], row["id"]
    if table != "ignored_spans":
        assert rows, f"{table} is empty"


def test_evidence_prefix_and_suffix_surround_the_span(db):
    texts = {r["id"]: r["text"] for r in db["sources"].rows}
    for row in db["fact_evidence"].rows:
        text = texts[row["source_id"]]
        assert text[: row["start"]].endswith(row["prefix"]) and text[row["end"] :].startswith(row["suffix"])
        assert len(row["prefix"]) == min(32, row["start"])


def test_evidence_segment_holds_the_span_start(db):
    segs = {r["id"]: r for r in db["segments"].rows}
    for table in ("fact_evidence", "quantities", "dates", "quotes", "entity_mentions"):
        for row in db[table].rows:
            seg = segs[row["segment_id"]]
            assert seg["source_id"] == row["source_id"]
            assert seg["start"] <= row["start"] < seg["end"], (table, row["id"])


def test_ids_are_stable_offsets(db):
    for table in ("quantities", "dates", "quotes", "entity_mentions"):
        for row in db[table].rows:
            assert row["id"] == f"{row['source_id']}:{row['start']}-{row['end']}"
