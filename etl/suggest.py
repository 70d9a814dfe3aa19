"""Draft facts.yml entries for a new article, for a human to review and paste.

The extractors already found every figure, date and quote in the article. A
figure with the value and unit of a known fact, or a date of a known fact whose
subject the sentence names, is probably new evidence for that fact; a figure in
a known fact's unit that names its subject but gives another value is probably
contradicting evidence; a quoted sentence by the speaker of a curated statement
whose words match one of its renderings is probably a new rendering (and
evidence for the statement's fact); anything else becomes a draft fact with its
sentence as the evidence quote. Every guess carries `review:`, which the build
refuses until a human has checked the draft and deleted the line: the curated
layer stays a human's judgement.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

from etl import corroborate, support
from etl.build import Article
from etl.extract.english import CLOSED_CLASS
from etl.facts import Curated, Fact, locate, plain
from etl.text import sentences


@dataclass(frozen=True)
class Quote:
    """An evidence quote as facts.yml writes it."""

    source: str
    quote: str
    occurrence: int | None
    contradicts: bool = False
    review: str | None = None

    def to_yaml(self) -> dict:
        out: dict = {"source": self.source, "quote": self.quote}
        if self.occurrence is not None:
            out["occurrence"] = self.occurrence
        if self.contradicts:
            out["contradicts"] = True
        if self.review:
            out["review"] = self.review
        return out


@dataclass
class Suggestions:
    source_id: str
    evidence: dict[str, list[Quote]] = field(default_factory=dict)  # fact id -> new quotes
    renderings: dict[str, list[Quote]] = field(default_factory=dict)  # statement id -> new renderings
    facts: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)


def suggest(article: Article, all_articles: Sequence[Article], curated: Curated) -> Suggestions:
    """Match every figure and date in the article's body to known facts, or draft new ones."""
    src, ex = article.source, article.extraction
    by_id = {a.source.id: a.source for a in all_articles}
    cited = [
        (f, locate(q, by_id[q.source], curated.path)) for f in curated.facts for q in f.evidence if q.source == src.id
    ]
    body = [s for s in article.segments if s.kind == "body"]
    split = {s.start: sentences(src.text, s.start, s.end) for s in body}  # once per paragraph, not per figure
    out = Suggestions(src.id)
    ids = {f.id for f in curated.facts}
    dated: set[tuple[tuple[int, int], str]] = set()  # (sentence, date) a draft already carries
    mentions = Counter(m.entity_id for m in ex.entities)
    types = {e.id: e.type for e in curated.entities}
    for item, is_date in [*((q, False) for q in ex.quantities), *((d, True) for d in ex.dates)]:
        seg = next((s for s in body if s.start <= item.start < s.end), None)
        if seg is None or any(
            (_states(f, item, is_date) or (is_date and item.value == f.said_on)) and sp.start <= item.start < sp.end
            for f, sp in cited
        ):  # already cited: the fact's figure or date, or the day its claim was said
            continue
        sent = next(((s, e) for s, e in split[seg.start] if s <= item.start < e), (seg.start, seg.end))
        quote = _quote(src.text, src.id, *sent)
        named = [m.entity_id for m in ex.entities if sent[0] <= m.start < sent[1]]
        known = [f for f in curated.facts if _matches(f, item, is_date, named, curated)]
        if not known and not is_date:  # the unit and subject of a known fact, another figure: a disagreement
            known = [f for f in curated.facts if _gainsays(f, item, named, curated)]
            if known:
                note = f"gives {item.surface!r} against {_figure(known[0])}: is it the same fact?"
                quote = Quote(quote.source, quote.quote, quote.occurrence, True, note)
        for f in known:
            _add(out.evidence, f.id, quote)
        if known or (is_date and (sent, item.value) in dated):
            continue
        subject = (named or [e for e, _ in mentions.most_common(1)] or [curated.entities[0].id])[0]
        draft = {
            "id": _unique_slug(src.text[sent[0] : sent[1]], ids),
            "statement": src.text[sent[0] : sent[1]],
            "subject": subject,
            "predicate": "reported",
        }
        if not is_date:
            unit = curated.unit_of(item.unit)  # "soldiers" is the known unit troops
            draft |= {"value": plain(item.value), "unit": unit}
            if item.per:
                draft["per"] = item.per
            if item.qualifier:
                draft["qualifier"] = item.qualifier
            if unit not in curated.units and all(u["id"] != unit for u in out.units):
                out.units.append({"id": unit, "description": unit, "review": "describe the unit, give its kind"})
            date = next((d for d in ex.dates if sent[0] <= d.start < sent[1]), None)
        else:
            date = item
        review = "statement, subject, predicate, claimant and topic are guesses"
        if date is not None and "/" in date.value:  # an interval ("last week"): facts take one EDTF date
            review += f"; the text gives the interval {date.value} ({date.surface!r}): date it or leave it out"
            dated.add((sent, date.value))
            date = None
        if date is not None:
            dated.add((sent, date.value))
            draft["date"] = date.value
            if date.modifier:
                draft["date_modifier"] = date.modifier
        draft["topic"] = _topic(src.text[sent[0] : sent[1]], subject, curated)
        quotes = [{"start": q.start, "end": q.end} for q in ex.quotes if q.start < sent[1] and q.end > sent[0]]
        if support.attribution(src.text, *sent, quotes) != support.OUTLET:  # someone's words: whose?
            speakers = sorted(
                (e for e in named if types.get(e) in ("person", "organization")), key=lambda e: types[e] != "person"
            )
            if speakers:  # people before organizations ("European Commission President Ursula von der Leyen")
                draft["claimant"] = speakers[0]
            else:
                review += "; name who says it (claimant)"
        draft["evidence"] = [quote.to_yaml()]
        draft["review"] = review
        ids.add(draft["id"])
        out.facts.append(draft)
    _renderings(article, curated, cited, out)
    return out


def _add(lists: dict[str, list[Quote]], key: str, quote: Quote) -> None:
    if all(q.quote != quote.quote or q.occurrence != quote.occurrence for q in lists.get(key, [])):
        lists.setdefault(key, []).append(quote)


def _renderings(article: Article, curated: Curated, cited: list[tuple[Fact, object]], out: Suggestions) -> None:
    """Quoted sentences of the article that render a curated statement: its speaker's words, matching one of its
    renderings as quote variants are paired (etl.corroborate). Each is a new rendering, and evidence for the
    statement's fact."""
    src = article.source
    names = {e.name: e.id for e in curated.entities}
    rows = [
        {"id": str(i), "source_id": src.id, "start": q.start, "surface": q.surface, "text": q.text,
         "speaker_id": names.get(q.speaker or "")}
        for i, q in enumerate(article.extraction.quotes)
    ]  # fmt: skip
    mine = corroborate.units(rows, {src.id: src.text})
    for st in curated.statements:
        if any(q.source == src.id for q in st.renderings):
            continue
        for u in mine:
            if u.speaker_id == st.speaker and max(corroborate.similarity(u.exact, q.quote) for q in st.renderings) >= (
                corroborate.THRESHOLD
            ):
                quote = _quote(src.text, src.id, u.start, u.end)
                _add(out.renderings, st.id, quote)
                if st.fact and not any(f.id == st.fact for f, _ in cited):
                    _add(out.evidence, st.fact, quote)


def _gainsays(f: Fact, item, named: list[str], curated: Curated) -> bool:
    """A figure in the fact's unit (or an alias) with another value, in a sentence that names its subject."""
    return (
        f.value is not None and f.value != item.value and curated.same_unit(item.unit, f.unit)
        and (f.subject in named or bool(curated.stand_ins.get(f.subject, frozenset()) & set(named)))
    )  # fmt: skip


def _figure(f: Fact) -> str:
    return f"{plain(f.value):,} {f.unit}"


def _states(f: Fact, item, is_date: bool) -> bool:
    """The fact's value; or its date, by the rule corroboration counts by (etl.support), within bounds of at most
    a month ("Feb. 28, 2022" states "late February 2022"; any day of 2023 would be too loose a match for "2023")."""
    if not is_date:
        return f.value == item.value
    if f.date is None or not support.date_states(f, item.value, item.earliest, item.latest):
        return False
    return (
        f.date == item.value
        or (dt.date.fromisoformat(f.date_latest) - dt.date.fromisoformat(f.date_earliest)).days <= 31
    )


def _matches(f: Fact, item, is_date: bool, named: list[str], curated: Curated) -> bool:
    """Same value and unit; or, for a fact without a figure, the same date, and the sentence names its subject."""
    if is_date:  # a date alone cannot state a fact with a figure: such a span would only partly support it
        return f.value is None and _states(f, item, is_date) and f.subject in named
    return _states(f, item, is_date) and curated.same_unit(item.unit, f.unit)


def _quote(text: str, source_id: str, start: int, end: int) -> Quote:
    words = text[start:end]
    n = text.count(words, 0, start) + 1
    return Quote(source_id, words, n if n > 1 or text.count(words) > 1 else None)


def _unique_slug(sentence: str, taken: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", sentence.lower()) if w not in _SKIP][:6] or ["draft"]
    slug, n = "-".join(words), 2
    while slug in taken:
        slug, n = f"{'-'.join(words)}-{n}", n + 1
    return slug


_SKIP = frozenset("a an the and or of to in on at for by with from as is are was were be been that this it its".split())


def _topic(sentence: str, subject: str, curated: Curated) -> str:
    """The topic whose facts' statements share the most words with the sentence (content words, each topic's
    vocabulary counted once); ties go to the topic most facts about the subject have, then to the first topic."""

    def content(text: str) -> set[str]:
        return set(corroborate.words(text)) - CLOSED_CLASS

    said = content(sentence)
    vocab: dict[str, set[str]] = {}
    for f in curated.facts:
        vocab.setdefault(f.topic, set()).update(content(f.statement))
    about = Counter(f.topic for f in curated.facts if f.subject == subject)
    order = list(dict.fromkeys([*curated.topics, *vocab]))
    return max(order, key=lambda t: (len(said & vocab.get(t, set())), about[t], -order.index(t)), default="")


def to_yaml(s: Suggestions, curated: Curated) -> str:
    """The drafts as one YAML document with comments saying where each part goes."""
    statements = {f.id: f.statement for f in curated.facts}
    out = [
        f"# Draft facts.yml entries for {s.source_id} (python -m etl suggest). Review every line before pasting:",
        "# statement, subject, predicate, claimant and topic of new facts are guesses; the build refuses every",
        "# 'review:' line until you have checked what it says and deleted it.",
    ]
    if s.evidence:
        out.append("new_evidence:  # append each list to that fact's evidence: in facts.yml")
        for fact_id, quotes in sorted(s.evidence.items()):
            out.append(f"  {fact_id}:  # {statements[fact_id]}")
            out.append(_dump([q.to_yaml() for q in quotes], 4))
    if s.renderings:
        out.append("new_renderings:  # append each list to that statement's renderings: in facts.yml")
        for st_id, quotes in sorted(s.renderings.items()):
            out.append(f"  {st_id}:")
            out.append(_dump([q.to_yaml() for q in quotes], 4))
    if s.facts:
        out.append("new_facts:  # paste under facts: in facts.yml; restate each statement as a claim")
        out.append(_dump(s.facts, 2))
    if s.units:
        out.append("new_units:  # paste under units: in facts.yml")
        out.append(_dump(s.units, 2))
    if len(out) == 3:
        out.append("# nothing to suggest: every figure, date and statement in the body is already cited")
    return "\n".join(out) + "\n"


def _dump(data: object, indent: int) -> str:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return "\n".join(" " * indent + line for line in text.rstrip("\n").split("\n"))
