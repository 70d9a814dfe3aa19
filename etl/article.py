"""One article's stage of the build: segment, extract, its rows, and what the curated spans in it read.

An article's work needs nothing from other articles, so it runs in worker processes (``compute_all``) and
returns only rows to write and a small result per curated span (its row, the figures and dates inside it,
what it states of its fact). The text and extraction objects are dropped as soon as the article is done:
memory stays flat however many articles there are.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import json
import multiprocessing
import operator
import pickle
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from etl import load, support
from etl.errors import InputError
from etl.extract import extract
from etl.facts import Curated, Fact, QuoteRef, Span, locate
from etl.segment import segment
from etl.sources import Source
from etl.text import sentences

# Tables whose rows come from one article each (keyed by its source_id); every other table is rewritten per build.
ARTICLE_TABLES = ("sources", "segments", "sentences", "quantities", "dates", "quotes", "entity_mentions")
_EXTRACTED = {"quantities": "quantities", "dates": "dates", "quotes": "quotes", "entities": "entity_mentions"}

# A curated span's place in facts.yml: ("fact", fact index, evidence index), ("rendering", statement index,
# rendering index) or ("ignore", index). Results are looked up by it, so checks run in facts.yml's order.
Key = tuple


@dataclass(frozen=True, slots=True)
class Ref:
    """A curated quote to find in one article, and the fact it is evidence for (evidence only)."""

    key: Key
    quote: QuoteRef
    owner: str  # the fact's or statement's id ("" for an ignore)
    fact: Fact | None = None


@dataclass
class SpanResult:
    """A located span as a row, or the one-line error locating it gave; for evidence, what it reads."""

    row: dict | None = None
    error: tuple[str, int | None, str] | None = None
    reading: support.Reading | None = None
    figures: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)

    def raise_error(self) -> None:
        if self.error:
            raise InputError(*self.error)


@dataclass
class Computed:
    """What one article contributes: its ARTICLE_TABLES rows (dicts) and span results; neither once staged."""

    source_id: str
    rows: dict[str, list]
    spans: dict[Key, SpanResult]


def refs_by_source(curated: Curated, only: set[str] | None = None) -> dict[str, list[Ref]]:
    """Every curated quote (evidence, statement renderings, ignores), grouped by the source it lies in (``only``:
    in these sources)."""
    out: dict[str, list[Ref]] = {}
    for i, fact in enumerate(curated.facts):
        for j, q in enumerate(fact.evidence):
            if only is None or q.source in only:
                out.setdefault(q.source, []).append(Ref(("fact", i, j), q, fact.id, fact))
    for i, st in enumerate(curated.statements):
        for j, q in enumerate(st.renderings):
            if only is None or q.source in only:
                out.setdefault(q.source, []).append(Ref(("rendering", i, j), q, st.id))
    for i, g in enumerate(curated.ignores):
        if only is None or g.ref.source in only:
            out.setdefault(g.ref.source, []).append(Ref(("ignore", i), g.ref, ""))
    return out


class Extracted:
    """An article's segments and extracted rows in start order, to find those inside a span quickly."""

    def __init__(self, source_id: str, segments: list[tuple[int, int]], rows: dict[str, list[dict]]):
        self.source_id = source_id
        self._segments = segments  # (start, ordinal), in start order
        self._rows = rows
        self._starts = {t: [r["start"] for r in rs] for t, rs in rows.items()}

    def segment_id(self, offset: int) -> str:
        """The id of the paragraph holding ``offset`` (or the nearest before it)."""
        i = max(0, bisect.bisect_right(self._segments, (offset, float("inf"))) - 1)
        return f"{self.source_id}:{self._segments[i][1]}"

    def within(self, table: str, start: int, end: int) -> list[dict]:
        rows, starts = self._rows.get(table, []), self._starts.get(table, [])
        i = bisect.bisect_left(starts, start)
        found = []
        while i < len(rows) and rows[i]["start"] < end:
            if rows[i]["end"] <= end:
                found.append(rows[i])
            i += 1
        return found

    def overlapping(self, table: str, start: int, end: int) -> list[dict]:
        """Rows that share a character with text[start:end] (quotations are not nested: a linear scan back)."""
        rows, starts = self._rows.get(table, []), self._starts.get(table, [])
        return [r for r in rows[: bisect.bisect_left(starts, end)] if r["end"] > start]


# What the curated spans need of an unchanged article's extracted rows, read from the previous database.
STORED_COLUMNS = {
    "quantities": 'id, source_id, start, "end", surface, value, value_max, unit',
    "dates": 'id, source_id, start, "end", surface, value, earliest, latest',
    "quotes": 'id, source_id, start, "end", surface, text, speaker_id',
    "entity_mentions": 'id, source_id, start, "end", surface, entity_id',
}


def stored(db: sqlite3.Connection, source_id: str) -> Extracted:
    """An unchanged article's rows, read back from the previous database (indexed by source_id)."""
    rows = {}
    for table, cols in STORED_COLUMNS.items():
        cur = db.execute(f'select {cols} from [{table}] where source_id = ? order by start, "end", id', [source_id])
        names = [d[0] for d in cur.description]
        rows[table] = [dict(zip(names, r, strict=True)) for r in cur]
    segs = db.execute("select start, ordinal from segments where source_id = ? order by start", [source_id])
    return Extracted(source_id, segs.fetchall(), rows)


def compute(src: Source, curated: Curated, refs: Sequence[Ref]) -> Computed:
    """Segment and extract one article; its rows and its curated spans."""
    segs = segment(src.text, src.title)
    ex = extract(src.text, src.published, curated.entities, segs, src.day_first)
    sid = src.id
    seg_index = [(s.start, s.ordinal) for s in segs]
    view = Extracted(sid, seg_index, {})
    names = {e.name: e.id for e in curated.entities}
    rows: dict[str, list[dict]] = {"sources": [source_row(src)]}
    rows["segments"] = [{"id": f"{sid}:{s.ordinal}", "source_id": sid, **fields_of(s)} for s in segs]
    rows["sentences"] = [
        {"id": f"{sid}:{s}-{e}", "source_id": sid, "segment_id": f"{sid}:{seg.ordinal}", "start": s, "end": e,
         "exact": src.text[s:e]}
        for seg in segs if seg.kind == "body" for s, e in sentences(src.text, seg.start, seg.end)
    ]  # fmt: skip
    for attr, table in _EXTRACTED.items():
        out = rows[table] = []
        for item in getattr(ex, attr):
            row = {"id": f"{sid}:{item.start}-{item.end}", "source_id": sid,
                   "segment_id": view.segment_id(item.start), **fields_of(item)}  # fmt: skip
            if table == "quotes":
                row["speaker_id"] = names.get(row["speaker"])
            out.append(row)
    view = Extracted(sid, seg_index, {t: rows[t] for t in STORED_COLUMNS})
    return Computed(sid, rows, read_spans(src, view, refs, curated))


def read_spans(src: Source, view: Extracted, refs: Sequence[Ref], curated: Curated) -> dict[Key, SpanResult]:
    """Locate each curated quote in the article; for evidence, link the figures and dates inside it and read
    what it states of its fact, how the source conveys it, and whether it contradicts it."""
    out = {}
    for ref in refs:
        try:
            span = locate(ref.quote, src, curated.path)
        except InputError as e:
            out[ref.key] = SpanResult(error=(e.path, e.line, e.message))
            continue
        if ref.fact is None:
            row = span_row(view, span, id_=_span_id(ref, span), context=False)
            out[ref.key] = SpanResult(row=row)
        else:
            out[ref.key] = _read_evidence(src.text, view, span, ref, curated)
    return out


def _span_id(ref: Ref, span: Span) -> str:
    where = f"{span.source_id}:{span.start}-{span.end}"
    return f"{ref.owner}@{where}" if ref.owner else where


def _read_evidence(text: str, view: Extracted, span: Span, ref: Ref, curated: Curated) -> SpanResult:
    fact = ref.fact
    assert fact is not None
    row = span_row(view, span, id_=_span_id(ref, span))
    row["fact_id"] = fact.id
    start, end = span.start, span.end
    figures = view.within("quantities", start, end)
    dates = view.within("dates", start, end)
    s_start, s_end = support.sentence_bounds(text, start, end)
    quotes = view.overlapping("quotes", start, end)
    mentions = view.within("entity_mentions", s_start, s_end)
    subject = _names_subject(fact.subject, curated, mentions, quotes, text[s_start:s_end])
    reading = support.read_span(fact, figures, dates, subject, curated.same_unit)
    row |= {
        "attribution": ref.quote.attribution or support.attribution(text, start, end, quotes),
        "states_value": _flag(reading.states_value), "states_date": _flag(reading.states_date),
        "states_subject": int(reading.states_subject), "contradicts": int(bool(reading.contradicted)),
        "contradicted_parts": ", ".join(reading.contradicted) or None,
    }  # fmt: skip
    keep_q = ("id", "surface", "value", "unit")
    keep_d = ("id", "surface", "value")
    return SpanResult(
        row=row,
        reading=reading,
        figures=[{k: q[k] for k in keep_q} for q in figures],
        dates=[{k: d[k] for k in keep_d} for d in dates],
    )


def _names_subject(subject: str, curated: Curated, mentions: list[dict], quotes: list[dict], sentence: str) -> bool:
    """A mention of the subject (or of what stands for it, or its demonym) in the sentence, or a quotation its
    speaker is the subject of."""
    names = {subject} | curated.stand_ins.get(subject, frozenset())
    if any(m["entity_id"] in names for m in mentions) or any(q["speaker_id"] == subject for q in quotes):
        return True
    demonym = curated.demonyms.get(subject)
    return demonym is not None and re.search(rf"\b{demonym}\b", sentence) is not None


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def span_row(view: Extracted, s: Span, id_: str, context: bool = True) -> dict:
    """A located span as a row; ``context`` adds its prefix and suffix (evidence has them, other spans not)."""
    row = {
        "id": id_, "source_id": s.source_id, "segment_id": view.segment_id(s.start), "start": s.start, "end": s.end,
        "exact": s.exact,
    }  # fmt: skip
    return row | {"prefix": s.prefix, "suffix": s.suffix} if context else row


def source_row(s: Source) -> dict:
    return {
        "id": s.id, "title": s.title, "publisher": s.publisher, "authors": json.dumps(list(s.authors)),
        "credits": json.dumps(list(s.credits)), "published": s.published.isoformat(), "url": s.url,
        "language": s.language, "country": s.country, "sha256": s.sha256, "chars": s.length, "file": s.file,
        "text": s.text,
        "archive_url": s.archive and s.archive.url, "archived_at": s.archive and s.archive.captured,
        "revisions": s.revisions_json(),
    }  # fmt: skip


def fields_of(item: object) -> dict:
    """A flat dataclass as a dict, in field order: ``asdict`` without its deep copy, several times faster (and its
    field names looked up once per class: ``fields()`` per row was 4% of an article's time)."""
    kind = type(item)
    if kind not in _FIELDS:
        names = tuple(f.name for f in fields(item))
        one = len(names) < 2  # attrgetter of one name gives the value, not a tuple of it
        _FIELDS[kind] = names, (lambda x: tuple(getattr(x, n) for n in names)) if one else operator.attrgetter(*names)
    names, values = _FIELDS[kind]
    return dict(zip(names, values(item), strict=True))


_FIELDS: dict[type, tuple[tuple[str, ...], Callable]] = {}


# A worker process's share of the build, set when it starts (``_start``); each task is one article and its refs.
_WORK: tuple[Curated, Path, load.Staging] | None = None
_PART: load.StagingPart | None = None  # a worker's own staging part, opened with its first article


def _start(curated: Curated, seeds: Path, staging: load.Staging) -> None:
    global _WORK, _PART
    _WORK, _PART = (curated, seeds, staging), None


def _work(task: tuple[Source, Sequence[Ref]]) -> Computed:
    global _PART
    assert _WORK is not None
    curated, seeds, staging = _WORK
    if _PART is None:
        _PART = staging.part()
    src, refs = task
    return _staged(compute(src.with_text(seeds), curated, refs), _PART)


def _without_facts(curated: Curated) -> Curated:
    """What an article's work needs of the curated layer: entities, units and names, not the facts (each ref
    carries its own), so that a worker does not hold 20,000 facts it never reads."""
    return replace(curated, facts=[], ignores=[], statements=[])


def _staged(c: Computed, part: load.StagingPart) -> Computed:
    """The article's rows and span results into this process's staging part; nothing of it goes back but its id:
    the span results of 10,000 articles held to the end of the build were a third of its memory."""
    part.add(load.packed(c.rows), {_key_text(k): pickle.dumps(r, pickle.HIGHEST_PROTOCOL) for k, r in c.spans.items()})
    return Computed(c.source_id, {}, {})


class Spans(dict):
    """The curated spans' results by key: those given (``|=``), else read back from the staging the articles were
    computed into, one at a time as the checks reach them, and not kept."""

    def __init__(self, staging: load.Staging):
        super().__init__()
        self._staging = staging

    def __missing__(self, key: Key) -> SpanResult:
        blob = self._staging.blob(_key_text(key))
        if blob is None:
            raise KeyError(key)
        return pickle.loads(blob)


def _key_text(key: Key) -> str:
    return ":".join(map(str, key))


def compute_all(
    sources: Sequence[Source],
    curated: Curated,
    refs: dict[str, list[Ref]],
    jobs: int,
    seeds: Path,
    staging: load.Staging,
) -> Iterator[Computed]:
    """Each article read (if its text is not kept), computed, its rows put in ``staging`` (each process in its own
    part), and dropped, in the order given, by ``jobs`` processes (1: in this one). The spans come back in order
    and the database is written from the parts in key order, so it does not depend on ``jobs``."""
    if jobs <= 1 or len(sources) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        part = staging.part()
        try:
            for src in sources:
                yield _staged(compute(src.with_text(seeds), curated, refs.get(src.id, ())), part)
        finally:
            part.close()
        return
    # Forked (a script that builds needs no ``if __name__ == "__main__"``), but each task brings its article and
    # refs and the workers get the curated layer without its facts: a worker that read the sources and facts this
    # process holds, or collected garbage among them, would copy them page by page (75 MB more per worker at
    # 10,000 articles). gc.freeze keeps the inherited objects out of the workers' collections.
    tasks = ((src, refs.get(src.id, ())) for src in sources)
    with (
        frozen(),
        multiprocessing.get_context("fork").Pool(
            min(jobs, len(sources)), initializer=_start, initargs=(_without_facts(curated), seeds, staging)
        ) as pool,
    ):
        yield from pool.imap(_work, tasks, chunksize=4)


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Every object alive now out of the garbage collector's full passes until the outermost ``frozen`` ends: what
    a build holds to its end (sources, the curated layer) need not be walked again on every collection, nor
    copied page by page into a forked worker that collects. Still freed as usual when its last reference goes."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()
