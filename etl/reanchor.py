"""Re-anchoring: an article was corrected; find every curated span again in its new text.

facts.yml stores quotes, not offsets, so a corrected article breaks a quote only where its words changed, and
moves it where text before it changed. For each curated span (evidence quotes, statement renderings, ignored
spans), located in the old text as the build locates it, ``relocate`` tries in turn, as Hypothesis anchors
annotations on changed pages:

1. the stored position, if the words there are unchanged and the diff of the two texts leaves them in place;
2. an exact search for the words, nearest the place the diff maps the old position to, the old prefix and suffix
   breaking ties;
3. an approximate match allowing at most ``max_edits`` edits, scored on the quote, the prefix, the suffix and the
   distance from the expected place (Hypothesis's weights). Edit distances and alignments are RapidFuzz's.

A span found by 3 is *re-worded*: facts.yml gets its new words. Nothing is found: the span is *lost*. Lost spans,
and re-worded ones whose figures or dates changed (as the extractors read them), need a human: ``run`` refuses
them unless accepted, and then lists them under ``review:`` in facts.yml, which the build refuses until a human
resolves each and deletes it. Files are edited with ruamel.yaml's round trip: comments and layout stay as written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from etl.errors import InputError
from etl.facts import QuoteRef, Span, load_entities, load_facts, locate, occurrences
from etl.sources import Source, decode_seed, load_sources

MAX_EDITS = 32
# Hypothesis's weights for an approximate match: the quote itself, its prefix, its suffix, its position.
WEIGHTS = {"quote": 50, "prefix": 20, "suffix": 20, "position": 2}
# Where facts.yml keeps spans: (section, list of quotes inside each entry, or None for an entry that is one).
SPAN_LISTS = (("facts", "evidence", "fact"), ("statements", "renderings", "statement"), ("ignore", None, "ignore"))
REVIEW = "review"  # the section of facts.yml listing spans for a human; the build refuses it while non-empty
LINE = 120  # folded quotes are wrapped to lines of at most this many characters, as the file's own are


def max_edits(length: int) -> int:
    """Edits an approximate match may need: a quarter of the quote, at most MAX_EDITS (as Hypothesis allows)."""
    return min(MAX_EDITS, length // 4)


@dataclass(frozen=True)
class Found:
    """Where a span is in the new text, and how many edits its words are from the old ones."""

    start: int
    end: int
    exact: str
    edits: int


def map_offset(ops: list, x: int) -> int:
    """Where offset ``x`` of the old text lands in the new one, through the opcodes of a diff of the two."""
    for tag, i1, i2, j1, j2 in ops:
        if i1 <= x < i2:  # inserts (i1 == i2) hold no old offset
            return j1 + min(x - i1, j2 - j1) if tag in ("equal", "replace") else j1
    return ops[-1][4] if ops else x  # the end of the old text: the end of the new one


def relocate(span: Span, old: str, new: str, ops: list | None = None) -> Found | None:
    """Find ``span`` (located in ``old``) in ``new``; None when it is lost. ``ops``: Levenshtein.opcodes(old, new)."""
    ops = Levenshtein.opcodes(old, new) if ops is None else ops
    hint = map_offset(ops, span.start)
    exact = span.exact
    if new[span.start : span.end] == exact and hint == span.start:
        return Found(span.start, span.end, exact, 0)
    starts = occurrences(new, exact)
    if starts:
        best = min(starts, key=lambda s: (abs(s - hint), -_context(span, new, s, s + len(exact))))
        return Found(best, best + len(exact), exact, 0)
    return _approximate(span, old, new, hint, map_offset(ops, span.end - 1) + 1)


def _approximate(span: Span, old: str, new: str, hint: int, hint_end: int) -> Found | None:
    exact, k = span.exact, max_edits(len(span.exact))
    if k == 0:
        return None
    windows = [(hint - k, max(hint_end, hint + len(exact)) + k)]
    if len(new) >= len(exact):
        best = fuzz.partial_ratio_alignment(exact, new)
        if best is not None:
            windows.append((best.dest_start - k, best.dest_end + k))
    scored = []
    for lo, hi in windows:
        lo, hi = max(0, lo), min(len(new), hi)
        if hi <= lo:
            continue
        start, end = _align(exact, new, lo, hi)
        start, end = _snap(old, span, new, start, end)
        edits = Levenshtein.distance(exact, new[start:end])
        if edits <= k and end > start:
            position = 1 - abs(start - hint) / max(len(new), 1)
            score = (
                WEIGHTS["quote"] * (1 - edits / len(exact))
                + (WEIGHTS["prefix"] + WEIGHTS["suffix"]) * _context(span, new, start, end)
                + WEIGHTS["position"] * position
            )
            scored.append((score, -start, Found(start, end, new[start:end], edits)))
    return max(scored)[2] if scored else None


def _align(exact: str, new: str, lo: int, hi: int) -> tuple[int, int]:
    """Where ``exact`` best lies in new[lo:hi]: RapidFuzz's best window of its length, whose ends are then moved
    (by at most the edits allowed) to where the edit distance to ``exact`` is least, the length nearest breaking ties.
    """
    k = max_edits(len(exact))
    start, end = lo, hi
    if hi - lo > len(exact):
        best = fuzz.partial_ratio_alignment(exact, new[lo:hi])
        start, end = lo + best.dest_start, lo + best.dest_end

    def cost(s: int, e: int) -> tuple[int, int]:
        return Levenshtein.distance(exact, new[s:e]), abs(e - s - len(exact))

    for _ in range(2):
        end = min(range(max(start + 1, end - k), min(len(new), end + k) + 1), key=lambda e: cost(start, e))
        start = min(range(max(0, start - k), min(end - 1, start + k) + 1), key=lambda s: cost(s, end))
    return start, end


def _snap(old: str, span: Span, new: str, start: int, end: int) -> tuple[int, int]:
    """Whole words: an end the old span had at a word boundary is moved out to the boundary in the new text."""
    while start > 0 and _boundary(old, span.start) and new[start - 1].isalnum() and new[start].isalnum():
        start -= 1
    while end < len(new) and _boundary(old, span.end) and new[end - 1].isalnum() and new[end].isalnum():
        end += 1
    while start < end and new[start].isspace() and not span.exact[:1].isspace():
        start += 1
    while end > start and new[end - 1].isspace() and not span.exact[-1:].isspace():
        end -= 1
    return start, end


def _boundary(text: str, i: int) -> bool:
    return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())


def _context(span: Span, new: str, start: int, end: int) -> float:
    """How alike the old prefix and suffix are to the text around ``start``-``end``, 0 to 1, weighted alike."""
    before, after = new[max(0, start - len(span.prefix)) : start], new[end : end + len(span.suffix)]
    p = Levenshtein.normalized_similarity(span.prefix, before) if span.prefix else 1.0
    s = Levenshtein.normalized_similarity(span.suffix, after) if span.suffix else 1.0
    return (p + s) / 2


# --- the curated spans, the report, and the files ----------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """A curated span of the source: where facts.yml holds it, and where it is in the old text."""

    at: tuple  # path of its mapping in facts.yml, e.g. ("facts", 3, "evidence", 0)
    label: str  # for people: "fact eu-training-target-raised, evidence 1"
    span: Span
    line: int


@dataclass(frozen=True)
class Result:
    anchor: Anchor
    found: Found | None
    occurrence: int | None  # the occurrence facts.yml must give in the new text (None: the words are unique)
    changed: str | None  # a re-worded span whose figures or dates differ: what changed

    @property
    def status(self) -> str:
        if self.found is None:
            return "lost"
        if self.found.exact != self.anchor.span.exact:
            return "re-worded"
        return "unchanged" if self.found.start == self.anchor.span.start else "moved"

    @property
    def needs_review(self) -> bool:
        return self.found is None or self.changed is not None


STATUSES = ("unchanged", "moved", "re-worded", "lost")


@dataclass(frozen=True)
class Report:
    source_id: str
    old_sha256: str
    new_sha256: str
    old_chars: int
    new_chars: int
    results: list[Result]
    written: tuple[str, ...] = ()  # the files written, none when refused

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def review(self) -> list[Result]:
        return [r for r in self.results if r.needs_review]

    def lines(self) -> Iterator[str]:
        """The report a person reads: counts, then every span that is not unchanged."""
        yield (
            f"reanchor {self.source_id}: {self.old_chars} -> {self.new_chars} characters, "
            f"sha256 {self.old_sha256[:12]} -> {self.new_sha256[:12]}"
        )
        yield "  " + ", ".join(f"{self.count(s)} {s}" for s in STATUSES)
        for r in self.results:
            a, f = r.anchor, r.found
            if r.status == "moved":
                yield f"  moved      {a.label}: {a.span.start}-{a.span.end} -> {f.start}-{f.end}"
            elif r.status == "re-worded":
                yield f"  re-worded  {a.label}: {a.span.start}-{a.span.end} -> {f.start}-{f.end}, {f.edits} edit(s)"
                yield f"               old: {a.span.exact!r}"
                yield f"               new: {f.exact!r}"
                if r.changed:
                    yield f"               {r.changed}"
            elif r.status == "lost":
                yield f"  lost       {a.label}: {a.span.exact!r} ({max_edits(len(a.span.exact))} edits allowed)"


def anchors(doc: CommentedMap, source: Source, facts_path: Path) -> list[Anchor]:
    """Every curated span pointing into ``source``, located in its current text as the build locates it."""
    out = []
    for section, inner, kind in SPAN_LISTS:
        for i, entry in enumerate(doc.get(section) or []):
            quotes = entry[inner] if inner else [entry]
            for j, q in enumerate(quotes):
                if q["source"] != source.id:
                    continue
                line = q.lc.key("quote")[0] + 1
                ref = QuoteRef(q["source"], str(q["quote"]), q.get("occurrence"), line)
                label = f"{kind} {entry['id']}, {inner.rstrip('s')} {j + 1}" if inner else f"{kind} {i + 1}"
                at = (section, i, inner, j) if inner else (section, i)
                out.append(Anchor(at, label, locate(ref, source, facts_path), line))
    return out


def reanchor(anchors_: list[Anchor], old: str, new: str, figures: dict[str, list]) -> list[Result]:
    """Relocate every anchor; ``figures`` maps "old" and "new" to the figures and dates of each text (``readings``)."""
    ops = Levenshtein.opcodes(old, new)
    results = []
    for a in anchors_:
        found = relocate(a.span, old, new, ops)
        occurrence = changed = None
        if found is not None:
            starts = occurrences(new, found.exact)
            occurrence = starts.index(found.start) + 1 if len(starts) > 1 else None
            if found.exact != a.span.exact:
                was = _readings(figures["old"], a.span.start, a.span.end)
                now = _readings(figures["new"], found.start, found.end)
                if [k for k, _ in was] != [k for k, _ in now]:  # the readings, not the spelling ("Summer", "summer")
                    gone = [shown for k, shown in was if k not in {k for k, _ in now}]
                    added = [shown for k, shown in now if k not in {k for k, _ in was}]
                    changed = f"figures or dates changed: {', '.join(gone) or 'none'} -> {', '.join(added) or 'none'}"
        results.append(Result(a, found, occurrence, changed))
    return results


def readings(text: str, published: dt.date, title: str, facts_path: Path) -> list[tuple[int, int, str, str]]:
    """The figures and dates the extractors read in ``text``, each as (start, end, reading, how it is written):
    what a re-worded quote must not change unseen."""
    from etl.extract import extract
    from etl.segment import segment

    x = extract(text, published, load_entities(facts_path), segment(text, title))
    out = [(q.start, q.end, f"{q.value:g} {q.unit}", f"{q.surface!r} = {q.value:g} {q.unit}") for q in x.quantities]
    return sorted(out + [(d.start, d.end, d.value, f"{d.surface!r} = {d.value}") for d in x.dates])


def _readings(found: list[tuple[int, int, str, str]], start: int, end: int) -> list[tuple[str, str]]:
    return [(key, shown) for s, e, key, shown in found if start <= s and e <= end]


def run(
    source_id: str, new_file: Path, seeds: Path, facts_path: Path, accept: bool = False, today: dt.date | None = None
) -> Report:
    """Re-anchor every span of ``source_id`` on the text of ``new_file``; write the files unless a span needs a
    human and ``accept`` is not given (then raise InputError, every file untouched)."""
    sources = load_sources(seeds)
    load_facts(facts_path, sources)  # the current inputs must be valid (and have no pending review)
    by_id = {s.id: s for s in sources}
    listing = seeds / "sources.yml"
    if source_id not in by_id:
        raise InputError(listing, None, f"no source '{source_id}'; known: {', '.join(sorted(by_id))}")
    source = by_id[source_id]
    seed = seeds / source.file
    try:
        raw = new_file.read_bytes()
    except FileNotFoundError:
        raise InputError(new_file, None, "file not found; give the corrected article's text") from None
    if new_file.resolve() == seed.resolve():
        raise InputError(new_file, None, f"this is the seed itself; restore the old text (git checkout {seed}) "
                         "and give the corrected text as another file")  # fmt: skip
    new = decode_seed(raw, new_file)
    new_sha = hashlib.sha256(raw).hexdigest()
    if new_sha == source.sha256:
        raise InputError(new_file, None, f"same bytes as {seed}; nothing to re-anchor")
    facts_doc, facts_yaml = _load_round_trip(facts_path)
    spans = anchors(facts_doc, source, facts_path)
    figures = {
        "old": readings(source.text, source.published, source.title, facts_path),
        "new": readings(new, source.published, source.title, facts_path),
    }
    results = reanchor(spans, source.text, new, figures)
    report = Report(source_id, source.sha256, new_sha, len(source.text), len(new), results)
    if report.review and not accept:
        lost, changed = report.count("lost"), sum(r.changed is not None for r in report.results)
        first = report.review[0].anchor
        raise ReviewNeeded(report, facts_path, first.line, f"{lost} span(s) lost and {changed} figure or date "
                           f"change(s) in {source_id}; nothing written: check the new text, or rerun with --accept "
                           f"to write it and list them under '{REVIEW}:' in {facts_path.name}")  # fmt: skip
    _edit_facts(facts_doc, report, new_file, today or dt.date.today())
    sources_doc, sources_yaml = _load_round_trip(listing)
    entry = next(e for e in sources_doc if e["id"] == source_id)
    _edit_source(entry, source.sha256, new_sha, today or dt.date.today())
    writes = {seed: raw, listing: _dump(sources_yaml, sources_doc), facts_path: _dump(facts_yaml, facts_doc)}
    for path, data in writes.items():
        tmp = path.with_name(f".{path.name}.reanchor")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return Report(**{**report.__dict__, "written": tuple(str(p) for p in writes)})


class ReviewNeeded(InputError):
    """Spans need a human and --accept was not given: the report goes with the error."""

    def __init__(self, report: Report, path: Path, line: int | None, message: str):
        super().__init__(path, line, message)
        self.report = report


def _load_round_trip(path: Path) -> tuple[object, YAML]:
    """The file as ruamel.yaml's round trip reads it, and the YAML object that writes it back as it was."""
    text = path.read_text(encoding="utf-8")
    _, indent, offset = load_yaml_guess_indent(text)
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a line the file has
    y.indent(mapping=2, sequence=indent or 2, offset=offset or 0)
    return y.load(text), y


def _dump(y: YAML, doc: object) -> bytes:
    out = io.StringIO()
    y.dump(doc, out)
    return out.getvalue().encode("utf-8")


def _edit_facts(doc: CommentedMap, report: Report, new_file: Path, today: dt.date) -> None:
    """New words and occurrences where they changed; spans for a human under ``review:``. Nothing else."""
    for r in report.results:
        q = _node(doc, r.anchor.at)
        if r.found is None:
            continue
        if r.found.exact != r.anchor.span.exact:
            q["quote"] = _styled(q["quote"], r.found.exact, q.lc.key("quote")[1] + 2)
        if r.occurrence is not None and q.get("occurrence") != r.occurrence:
            q["occurrence"] = r.occurrence
        elif r.occurrence is None and q.get("occurrence") not in (None, 1):
            del q["occurrence"]
    if not report.review:
        return
    if REVIEW not in doc:
        doc[REVIEW] = CommentedSeq()
        doc.yaml_set_comment_before_after_key(
            REVIEW,
            before=f"\n{REVIEW}: spans `python -m etl reanchor` could not carry over to a corrected article.\n"
            "For each, fix the quote (or its fact's value or date) where 'at' says, then delete the entry:\n"
            "the build refuses facts.yml while this list has entries.",
        )
    for r in report.review:
        a = r.anchor
        item = CommentedMap()
        item["source"] = report.source_id
        item["at"] = a.label
        item["quote"] = r.found.exact if r.found else a.span.exact
        day = today.isoformat()
        if r.found is None:
            item["reason"] = f"lost on {day}: not found in {new_file.name} (sha256 {report.new_sha256[:12]})"
        else:
            item["reason"] = f"re-worded on {day}, {r.changed}; the old words were {a.span.exact!r}"
        doc[REVIEW].append(item)


def _node(doc: CommentedMap, at: tuple) -> CommentedMap:
    node = doc
    for key in at:
        node = node[key]
    return node


def _styled(old: object, words: str, indent: int) -> object:
    """The new words in the old value's style: a folded block stays folded, wrapped as the file wraps."""
    if isinstance(old, FoldedScalarString):
        new = FoldedScalarString(words)
        new.fold_pos = _folds(words, LINE - indent)
        return new
    return type(old)(words) if type(old) is not str else words


def _folds(words: str, width: int) -> list[int]:
    """Spaces to break a folded block at (single spaces only: folding keeps them), each line at most ``width``."""
    folds, line_start, last = [], 0, None
    for i, ch in enumerate(words):
        if ch == " " and 0 < i < len(words) - 1 and words[i - 1] != " " and words[i + 1] != " ":
            if i - line_start > width and last is not None:
                folds.append(last)
                line_start = last + 1
            last = i
    if len(words) - line_start > width and last is not None and last > line_start:
        folds.append(last)
    return folds


def _edit_source(entry: CommentedMap, old_sha: str, new_sha: str, today: dt.date) -> None:
    """The new sha256, and the old one under ``revisions:`` with the day it was replaced. An archived copy is of
    the old text, so it moves to that revision: the corrected page has not been archived yet."""
    revision = CommentedMap()
    revision["sha256"] = old_sha
    revision["date"] = today
    for key in ("archive_url", "archived_at"):
        if key in entry:
            revision[key] = entry.pop(key)
    revision.fa.set_flow_style()
    entry["sha256"] = new_sha
    if "revisions" not in entry:
        entry.insert(list(entry).index("sha256") + 1, "revisions", CommentedSeq())
    entry["revisions"].append(revision)
