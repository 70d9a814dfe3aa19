"""The curated layer: facts.yml, validated, with every evidence quote located in its source.

A quote is copied exactly from the article; the build finds it and records its
offsets, so a reader can click through to the exact words. Everything that can be
wrong in the file is reported as one line naming facts.yml, the line and the fix.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import functools
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from etl import edtf
from etl.errors import InputError
from etl.extract.base import Entity
from etl.extract.entities import too_broad
from etl.sources import Source
from etl.yamlfile import Lines, read_yaml

if TYPE_CHECKING:
    import jsonschema

CONTEXT = 32  # characters of prefix and suffix, as in a W3C TextQuoteSelector
# Entity fields that identify it outside the dataset: a Wikidata id, and coordinates for places.
ENTITY_REFS = ("wikidata", "latitude", "longitude")


def plain(value: float) -> int | float:
    """A figure as facts.yml and readers write it: 15000, not 15000.0."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True, slots=True)
class QuoteRef:
    """A quote in facts.yml: which source, the exact words, and which occurrence."""

    source: str
    quote: str
    occurrence: int | None
    line: int
    contradicts: bool = False  # evidence only: a human marked these words as giving the fact differently
    attribution: str | None = None  # evidence only: a human's reading where the automatic one is wrong


@dataclass(frozen=True, slots=True)
class Span:
    """A located quote: ``source.text[start:end] == exact``."""

    source_id: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    statement: str
    subject: str
    predicate: str
    value: float | None
    unit: str | None
    per: str | None
    qualifier: str | None
    date: str | None
    date_modifier: str | None
    date_earliest: str | None
    date_latest: str | None
    topic: str
    claimant: str | None
    said_on: str | None  # the day the claimant said it, where that differs from what the fact is dated
    supersedes: str | None
    evidence: tuple[QuoteRef, ...]
    line: int

    @property
    def approx(self) -> bool:
        return self.qualifier is not None


@dataclass(frozen=True, slots=True)
class Ignore:
    """Extracted figures or dates inside this quote state no fact, for the given reason."""

    ref: QuoteRef
    reason: str


@dataclass(frozen=True, slots=True)
class Statement:
    """One thing a speaker said, as several sources rendered it: a human confirmed that the renderings match."""

    id: str
    speaker: str
    fact: str | None
    note: str | None
    renderings: tuple[QuoteRef, ...]
    line: int


@dataclass(frozen=True)
class Curated:
    path: Path
    units: dict[str, dict]
    topics: dict[str, str]
    entities: list[Entity]
    facts: list[Fact]
    ignores: list[Ignore]
    statements: list[Statement]
    # How the text may name an entity besides its aliases, for telling whether a sentence names a fact's subject:
    # entities that stand for it ("Kyiv" for Ukraine's government, "Moscow" for Russia's) and its demonym
    # ("Russian attacks" name Russia). Not extracted as mentions: "Kyiv" is still the city.
    stand_ins: dict[str, frozenset[str]]
    demonyms: dict[str, str]
    # Wikidata id and coordinates per entity id, as facts.yml gives them. Kept out of Entity, which the extractors
    # see and incremental builds hash: a corrected coordinate changes the entities table, not every article.
    entity_refs: dict[str, dict] = dataclasses.field(default_factory=dict)

    def same_unit(self, extracted: str, unit: str | None) -> bool:
        """Equal or an alias ("soldiers" for troops), or the text leaves the noun out ("to up to 30,000") and the
        fact names what was counted."""
        return self.unit_of(extracted) == unit or (
            extracted == "count" and self.units.get(unit or "", {}).get("kind") == "count"
        )

    def unit_of(self, extracted: str) -> str:
        """The curated unit an extracted unit word stands for: its id, or the unit that lists it as an alias."""
        return self._unit_aliases.get(extracted.lower(), extracted)

    @functools.cached_property
    def _unit_aliases(self) -> dict[str, str]:
        return {a.lower(): uid for uid, u in self.units.items() for a in u.get("aliases", [])}


def load_entities(path: Path) -> list[Entity]:
    """Just the entities of facts.yml (schema-checked): all the extractors need to know."""
    data, lines = read_yaml(path)
    _validate_schema(path, data, lines)
    _check_aliases(path, data, lines)
    return _entities(data)


def _entities(data: dict) -> list[Entity]:
    """Entities with exactly the aliases listed: a name like "The Kyiv Independent" need not read well in text."""
    return [
        Entity(e["id"], e["name"], e["type"], tuple(dict.fromkeys(e.get("aliases", []))), e.get("description", ""))
        for e in data["entities"]
    ]


def _check_aliases(path: Path, data: dict, lines: Lines) -> None:
    """Refuse an alias that would match almost everywhere (a typo like "a", or "May" for Theresa May) unless the
    entity lists it under ``intended_aliases``: every one of its matches would become a mention of the entity."""
    for i, e in enumerate(data["entities"]):
        at = ("entities", i)
        aliases = e.get("aliases") or []
        intended = e.get("intended_aliases") or []
        for j, alias in enumerate(intended):
            if alias not in aliases:
                raise InputError(
                    path, lines.of((*at, "intended_aliases", j)),
                    f"intended alias '{alias}' of '{e['id']}' is not in its aliases; add it there or remove it here",
                )  # fmt: skip
        spellings = [(alias, (*at, "aliases", j)) for j, alias in enumerate(aliases)] or [(e["name"], (*at, "name"))]
        for alias, where in spellings:
            reason = too_broad(alias) if alias not in intended else None
            if reason:
                raise InputError(
                    path, lines.of(where), f"alias '{alias}' of '{e['id']}' {reason}: it would match almost "
                    f"everywhere; use a longer spelling, or add intended_aliases: [{alias}] if that is meant",
                )  # fmt: skip


def _check_reviewed(path: Path, data: dict, lines: Lines, facts: _FactItems) -> None:
    """Drafts from `etl suggest` carry `review:` notes: a guess builds only once a human has deleted the note."""
    marked = [
        (lines.of(("units", i, "review")), f"unit '{u['id']}'", u["review"])
        for i, u in enumerate(data.get("units", []))
        if "review" in u
    ]
    marked += facts.reviews
    if marked:
        line, what, note = min(marked, key=lambda m: m[0] or 0)
        raise InputError(
            path, line, f"{what} is a draft still marked for review ({note}); check it, then delete the 'review:' "
            f"line ({len(marked) + facts.more_reviews} in all)",
        )  # fmt: skip


class _FactItems:
    """Each item of ``facts:`` checked and turned into a Fact as the parser reaches it (read_yaml's ``each``): the
    item's mapping and the line of every value in it live only that long. What is wrong with an item is kept,
    to be reported in the order a check of the whole file reports it: schema errors first, then review notes,
    then dates."""

    def __init__(self, path: Path):
        self.path = path
        self.schema_error: tuple[int | None, str] | None = None  # of the first item the schema refuses
        self.reviews: list[tuple[int | None, str, str]] = []  # the first item's notes (line, what, note)
        self.more_reviews = 0  # notes in later items
        self.error: InputError | None = None  # the first item's that the schema allows but reads wrong

    def __call__(self, i: int, f: object, lines: Lines) -> Fact | None:
        at = ("facts", i)
        if self.schema_error is None:
            errors = [] if _fact_gate()(f) else _validators()[2].iter_errors(f)
            errors = sorted(errors, key=lambda e: lines.of((*at, *e.absolute_path)) or 0)
            if errors:
                self.schema_error = _describe(errors[0], (*at, *errors[0].absolute_path), lines)
        if self.schema_error is not None:
            return None
        assert isinstance(f, dict)  # the schema says so
        notes = [(lines.of((*at, "review")), f"fact '{f['id']}'", f["review"])] if "review" in f else []
        notes += [
            (lines.of((*at, "evidence", j, "review")), f"fact '{f['id']}' evidence", q["review"])
            for j, q in enumerate(f["evidence"])
            if "review" in q
        ]
        if notes and not self.reviews:
            self.reviews = notes
        elif notes:
            self.more_reviews += len(notes)
        if self.reviews or self.error is not None:
            return None
        try:
            return _fact(f, at, self.path, lines)
        except InputError as e:
            self.error = e
            return None


def load_facts(path: Path, sources: Sequence[Source] | Callable[[], Sequence[Source]]) -> Curated:
    """Read and check facts.yml against the schema and the sources (or what ``sources()`` gives, asked for them
    only once the file is read and checked on its own: the build verifies them meanwhile)."""
    items = _FactItems(path)
    data, lines = read_yaml(path, each={("facts",): items})
    _validate_schema(path, data, lines, items)
    if data.get("review"):  # left by `python -m etl reanchor --accept`: spans a human must look at first
        n, first = len(data["review"]), data["review"][0]
        raise InputError(path, lines.of(("review", 0)), f"{n} span(s) under 'review:' after an article changed, "
                         f"first {first['at']} in {first['source']}; fix each, then delete it")  # fmt: skip
    _check_reviewed(path, data, lines, items)
    units = {u["id"]: u for u in data.get("units", [])}
    topics = {t["id"]: t["description"] for t in data.get("topics", [])}
    _check_aliases(path, data, lines)
    entities = _entities(data)
    if items.error is not None:
        raise items.error
    facts = data["facts"]
    ignores = [Ignore(_quote_ref(g, ("ignore", i), lines), g["reason"]) for i, g in enumerate(data.get("ignore", []))]
    statements = [_statement(st, ("statements", i), lines) for i, st in enumerate(data.get("statements", []))]
    stand_ins: dict[str, set[str]] = {}
    for e in data["entities"]:
        if "stands_for" in e:
            stand_ins.setdefault(e["stands_for"], set()).add(e["id"])
    demonyms = {e["id"]: e["demonym"] for e in data["entities"] if "demonym" in e}
    refs = {e["id"]: {k: e.get(k) for k in ENTITY_REFS} for e in data["entities"]}
    curated = Curated(
        path, units, topics, entities, facts, ignores, statements,
        {k: frozenset(v) for k, v in stand_ins.items()}, demonyms, refs,
    )  # fmt: skip
    sources = given(sources)
    _check_references(curated, data, lines, {s.id for s in sources})
    _check_said_on(curated, lines, {s.id: s.published for s in sources})
    return curated


def given(sources: Sequence[Source] | Callable[[], Sequence[Source]]) -> Sequence[Source]:
    """The sources, or what the function that has them gives."""
    return sources() if callable(sources) else sources


def _check_said_on(c: Curated, lines: Lines, published: dict[str, dt.date]) -> None:
    """A claim is said before any report of it is published."""
    for i, f in enumerate(c.facts):
        if f.said_on is None:
            continue
        at = ("facts", i, "said_on")  # its line looked up only for an error: that reads the file again
        try:
            day = dt.date.fromisoformat(f.said_on)
        except ValueError:
            raise InputError(
                c.path, lines.of(at), f"said_on {f.said_on!r} is not a day; write it like 2023-02-03"
            ) from None
        for q in f.evidence:
            if day > published[q.source]:
                raise InputError(
                    c.path, lines.of(at), f"fact '{f.id}': said_on {f.said_on} is after {q.source} was published "
                    f"({published[q.source]}); fix the day",
                )  # fmt: skip


def _fact(f: dict, at: tuple, path: Path, lines: Lines) -> Fact:
    date, modifier = f.get("date"), f.get("date_modifier")
    earliest = latest = None
    if date is not None:
        try:
            first, last = edtf.bounds(str(date), modifier)
        except ValueError as e:
            raise InputError(path, lines.of((*at, "date")), f"{e}; fix the date") from None
        # one string per day, not two per fact: facts share their days (2 MB of 20,000 facts' bounds)
        earliest, latest = (sys.intern(d.isoformat()) if d else None for d in (first, last))
    elif modifier is not None:
        raise InputError(path, lines.of((*at, "date_modifier")), "date_modifier given without a date; add the date")
    evidence = tuple(_quote_ref(q, (*at, "evidence", j), lines) for j, q in enumerate(f["evidence"]))
    return Fact(
        id=f["id"], statement=f["statement"], subject=f["subject"], predicate=f["predicate"],
        value=f.get("value"), unit=f.get("unit"), per=f.get("per"), qualifier=f.get("qualifier"),
        date=None if date is None else str(date), date_modifier=modifier, date_earliest=earliest,
        date_latest=latest, topic=f["topic"], claimant=f.get("claimant"), said_on=f.get("said_on"),
        supersedes=f.get("supersedes"),
        evidence=evidence, line=lines.of(at),
    )  # fmt: skip


def _statement(st: dict, at: tuple, lines: Lines) -> Statement:
    renderings = tuple(_quote_ref(q, (*at, "renderings", j), lines) for j, q in enumerate(st["renderings"]))
    return Statement(st["id"], st["speaker"], st.get("fact"), st.get("note"), renderings, lines.of(at))


def _quote_ref(q: dict, at: tuple, lines: Lines) -> QuoteRef:
    return QuoteRef(
        q["source"], q["quote"], q.get("occurrence"), lines.of((*at, "quote")), q.get("contradicts", False),
        q.get("attribution"),
    )  # fmt: skip


@functools.cache
def _validators() -> tuple[jsonschema.Draft202012Validator, ...]:
    """The schema with its local ``$ref``s replaced by what they point to (the same checks and error messages,
    and validation twice as fast: resolving a reference costs more than checking a value), as three validators:
    of the whole document, of the document with each fact left unchecked, and of one fact (load_facts checks
    each as it is read)."""
    import jsonschema  # here: a build with facts.yml unchanged reads it from the cache and never validates

    schema = json.loads(resources.files("etl").joinpath("facts.schema.json").read_text(encoding="utf-8"))
    whole = _inline_refs(schema, schema.get("$defs", {}))
    document = copy.deepcopy(whole)
    fact = document["properties"]["facts"].pop("items")
    return tuple(map(jsonschema.Draft202012Validator, (whole, document, fact)))


# The keywords that mean the same in JSON Schema draft 7, which fastjsonschema speaks, and in 2020-12, ours.
_SHARED_KEYWORDS = frozenset(
    "type enum const properties additionalProperties required items minLength maxLength pattern minimum maximum "
    "exclusiveMinimum exclusiveMaximum multipleOf minItems maxItems uniqueItems anyOf oneOf allOf not title "
    "description".split()
)


@functools.cache
def _fact_gate() -> Callable[[object], bool]:
    """Whether one fact is one the schema allows, 13 times faster than jsonschema (1.4 s of the 3.3 s that reading
    a 10,000-article facts.yml took): fastjsonschema compiles the schema to Python. A gate only: what it refuses
    jsonschema checks again and describes in its own words, so a disagreement could only cost speed, never let a
    wrong fact in, as long as it never allows what jsonschema refuses (tests/test_errors.py). It speaks draft
    7, so it answers only while the fact schema uses keywords the two drafts read alike; else it refuses all."""
    import fastjsonschema  # as jsonschema: not imported by a build that reads facts.yml from the cache

    schema = _validators()[2].schema
    if not set(_keywords(schema)) <= _SHARED_KEYWORDS:
        return lambda _fact: False
    check = fastjsonschema.compile(schema)

    def gate(fact: object) -> bool:
        try:
            check(fact)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return gate


def _keywords(schema: dict) -> Iterator[str]:
    """Every keyword a schema uses, in its subschemas too."""
    yield from schema
    for key, sub in schema.items():
        if key == "properties":
            subs = list(sub.values())
        elif key in ("anyOf", "oneOf", "allOf"):
            subs = sub
        else:
            subs = [sub] if key in ("items", "additionalProperties", "not") else []
        for each in subs:
            if isinstance(each, dict):
                yield from _keywords(each)


def _inline_refs(node: object, defs: dict) -> object:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if len(node) == 1 and ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _validate_schema(path: Path, data: object, lines: Lines, facts: _FactItems | None = None) -> None:
    """Refuse the first thing (by line) the schema refuses; with ``facts``, the facts were checked as they were
    read, and its first problem is one of them."""
    if data is None:
        raise InputError(path, lines.of(()), "the file holds no data (empty, or only comments); it needs entities: "
                         "and facts:")  # fmt: skip
    whole, document, _ = _validators()
    validator = whole if facts is None else document
    errors = sorted(validator.iter_errors(data), key=lambda e: lines.of(tuple(e.absolute_path)) or 0)
    found = [_describe(errors[0], tuple(errors[0].absolute_path), lines)] if errors else []
    found += [facts.schema_error] if facts is not None and facts.schema_error else []
    if found:
        line, message = min(found, key=lambda f: f[0] or 0)
        raise InputError(path, line, message)


def _describe(error: jsonschema.ValidationError, at: tuple, lines: Lines) -> tuple[int | None, str]:
    where = _dotted(at) or "the file"
    kind = error.validator
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed), key=str)[0]  # a key YAML reads as a number too: 2023:
        hint = difflib.get_close_matches(str(unknown), allowed, n=1)
        fix = f"did you mean '{hint[0]}'?" if hint else f"allowed keys: {', '.join(allowed)}"
        line = lines.get((*at, unknown)) or lines.of((*at, str(unknown)))
        return line, f"unknown key '{unknown}' in {where}; {fix}"
    if kind == "required":
        missing = next(k for k in error.validator_value if k not in error.instance)
        return lines.of(at), f"{where} is missing required field '{missing}'; add it"
    if kind == "type":
        want = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        return lines.of(at), f"{where} must be {want}, not {error.instance!r}"
    if kind == "pattern" and error.validator_value.startswith("^[a-z0-9]"):
        return lines.of(at), f"{where} is {error.instance!r}; ids are lowercase slugs like 'eu-training-target'"
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value if v is not None)
        return lines.of(at), f"{where} is {error.instance!r}; use one of: {allowed}"
    if kind == "minItems":
        have = len(error.instance)
        return lines.of(at), f"{where} has {have} item(s); give at least {error.validator_value}"
    return lines.of(at), f"{where}: {error.message}"


def _dotted(at: Iterable) -> str:
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _check_references(c: Curated, data: dict, lines: Lines, source_ids: set[str]) -> None:
    path = c.path
    for section in ("units", "topics"):  # read into dicts by id: a second entry would silently replace the first
        _unique(path, lines, section, [x["id"] for x in data.get(section, [])])
    entity_ids = _unique(path, lines, "entities", [e.id for e in c.entities])
    for i, e in enumerate(data["entities"]):
        if e.get("stands_for") is not None and e["stands_for"] not in entity_ids:
            raise InputError(
                path, lines.of(("entities", i, "stands_for")), _unknown("entity", e["stands_for"], entity_ids)
            )
    fact_ids = _unique(path, lines, "facts", [f.id for f in c.facts])
    for i, f in enumerate(c.facts):
        at = ("facts", i)
        for field, target in (("subject", f.subject), ("claimant", f.claimant)):
            if target is not None and target not in entity_ids:
                raise InputError(path, lines.of((*at, field)), _unknown(f"{field} entity", target, entity_ids))
        if f.supersedes is not None and f.supersedes not in fact_ids:
            raise InputError(path, lines.of((*at, "supersedes")), _unknown("fact", f.supersedes, fact_ids))
        if c.units and f.unit is not None and f.unit not in c.units:
            raise InputError(
                path, lines.of((*at, "unit")), _unknown("unit", f.unit, c.units) + " or add it under units:"
            )
        if c.topics and f.topic not in c.topics:
            raise InputError(
                path, lines.of((*at, "topic")), _unknown("topic", f.topic, c.topics) + " or add it under topics:"
            )
        if (f.value is None) != (f.unit is None):
            raise InputError(path, lines.of(at), f"fact '{f.id}' needs both value and unit, or neither")
        for q in f.evidence:
            if q.source not in source_ids:
                raise InputError(path, q.line, _unknown("source", q.source, source_ids))
    for g in c.ignores:
        if g.ref.source not in source_ids:
            raise InputError(path, g.ref.line, _unknown("source", g.ref.source, source_ids))
    _unique(path, lines, "statements", [st.id for st in c.statements])
    for i, st in enumerate(c.statements):
        at = ("statements", i)
        if st.speaker not in entity_ids:
            raise InputError(path, lines.of((*at, "speaker")), _unknown("speaker entity", st.speaker, entity_ids))
        if st.fact is not None and st.fact not in fact_ids:
            raise InputError(path, lines.of((*at, "fact")), _unknown("fact", st.fact, fact_ids))
        for q in st.renderings:
            if q.source not in source_ids:
                raise InputError(path, q.line, _unknown("source", q.source, source_ids))
        if len({q.source for q in st.renderings}) < 2:
            raise InputError(
                path, lines.of((*at, "renderings")),
                f"statement '{st.id}' needs renderings from at least two sources; add one or remove the statement",
            )  # fmt: skip
    _check_supersession_cycles(c, lines)


def _unique(path: Path, lines: Lines, section: str, ids: list[str]) -> set[str]:
    seen: dict[str, int] = {}
    for i, id_ in enumerate(ids):
        if id_ in seen:
            first = lines.of((section, seen[id_]))
            raise InputError(
                path, lines.of((section, i, "id")), f"duplicate id '{id_}' in {section} (first on line {first})"
            )
        seen[id_] = i
    return set(seen)


def _unknown(what: str, value: str, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(value, list(known), n=1)
    return f"unknown {what} '{value}'" + (f"; did you mean '{hint[0]}'?" if hint else "")


def _check_supersession_cycles(c: Curated, lines: Lines) -> None:
    successor = {f.id: f.supersedes for f in c.facts if f.supersedes}
    for i, f in enumerate(c.facts):
        seen, cur = [f.id], successor.get(f.id)
        while cur is not None:
            if cur in seen:
                chain = " -> ".join([*seen, cur])
                raise InputError(
                    c.path, lines.of(("facts", i, "supersedes")), f"supersedes forms a cycle: {chain}; break it"
                )
            seen.append(cur)
            cur = successor.get(cur)


def occurrences(text: str, quote: str) -> list[int]:
    """Every start of ``quote`` in ``text``, overlapping ones too: what ``occurrence: N`` counts."""
    out, i = [], text.find(quote)
    while i != -1:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def locate(ref: QuoteRef, source: Source, path: Path) -> Span:
    """Find a quote in its source, exactly once (or its ``occurrence``-th time)."""
    text, starts = source.text, occurrences(source.text, ref.quote)
    short = ref.quote if len(ref.quote) <= 60 else ref.quote[:57] + "..."
    if not starts:
        raise InputError(
            path, ref.line, f"quote not found in {source.id}: {short!r}; copy it exactly from {source.file}"
        )
    if ref.occurrence is None and len(starts) > 1:
        raise InputError(
            path,
            ref.line,
            f"quote found {len(starts)} times in {source.id}: {short!r}; add 'occurrence: N' (1-{len(starts)})",
        )
    n = ref.occurrence or 1
    if n > len(starts):
        raise InputError(path, ref.line, f"occurrence {n} but the quote is found {len(starts)} time(s) in {source.id}")
    start = starts[n - 1]
    end = start + len(ref.quote)
    return Span(
        source.id, start, end, text[start:end], text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]
    )
