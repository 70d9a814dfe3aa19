"""A corpus of N articles made from the seed articles' paragraphs, deterministically, for the scale benchmark.

Each article is a headline and 20-40 paragraphs drawn from the seeds, shuffled, with figures, month
names and people's names varied, so every stage (segmenting, all four extractors, locating quotes,
checking facts against their evidence, loading) does real work on text it has not seen verbatim.
Each article gets its own entry in a generated ``sources.yml`` and two curated facts of its own in a
generated facts file: a seed fact whose evidence lies in one paragraph, re-targeted at the article that
carries that paragraph unchanged (so the build's figure and date checks hold). Article ``i`` depends
only on the seed and ``i``: the first 1,000 articles of the 10,000 corpus are the 1,000 corpus.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from etl.facts import occurrences
from etl.text import paragraphs

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FACTS = ROOT / "facts.yml"
MONTHS = ("January February March April May June July August September October November December").split()
_MONTH = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class _Pinned:
    """A seed fact whose one evidence quote lies inside one paragraph: portable to any article holding it."""

    fact: dict
    paragraph: str


def _seed_material(seeds: Path, facts: Path) -> tuple[list[dict], dict, list[str], list[_Pinned], list[str]]:
    listing = yaml.load((seeds / "sources.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    curated = yaml.load(facts.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    texts = {s["id"]: (seeds / s["file"]).read_text(encoding="utf-8") for s in listing}
    paras = {sid: [text[s:e] for s, e in paragraphs(text)] for sid, text in texts.items()}
    pool = sorted({p for ps in paras.values() for p in ps if p not in {s["title"] for s in listing}})
    pinned = []
    for f in curated["facts"]:
        # Facts with a figure or a date, so that checking each fact against its evidence does real work.
        if len(f["evidence"]) != 1 or f["evidence"][0].get("occurrence") or not ({"value", "date"} & set(f)):
            continue
        ev = f["evidence"][0]
        holders = [p for p in paras[ev["source"]] if ev["quote"] in p]
        if len(holders) == 1:
            pinned.append(_Pinned(f, holders[0]))
    names = sorted({a for e in curated["entities"] if e["type"] == "person" for a in e["aliases"] if " " in a})
    return listing, curated, pool, pinned, names


def _vary(para: str, rng: random.Random, names: list[str]) -> str:
    """The paragraph with other figures, months and people: same shape, different values."""

    def number(m: re.Match) -> str:
        digits = m.group()
        if len(digits) == 4 and digits[:2] in ("19", "20"):
            return str(rng.randint(2014, 2025))
        return str(rng.randint(10 ** (len(digits) - 1) if len(digits) > 1 else 1, 10 ** len(digits) - 1))

    para = _DIGITS.sub(number, para)
    para = _MONTH.sub(lambda _m: rng.choice(MONTHS), para)
    for name in names:
        if name in para:
            para = para.replace(name, rng.choice(names))
    return para


def article(i: int, seed: int, material: tuple) -> tuple[dict, str, list[dict]]:
    """Article ``i``: its sources.yml entry (without file hash), its text, and its facts."""
    listing, _curated, pool, pinned, names = material
    rng = random.Random(f"{seed}:{i}")
    picks = [pinned[i % len(pinned)]]
    second = pinned[(i * 7 + 3) % len(pinned)]
    if second.paragraph != picks[0].paragraph:
        picks.append(second)
    keep = {p.paragraph for p in picks}
    body = [_vary(p, rng, names) for p in rng.sample([p for p in pool if p not in keep], rng.randint(20, 40))]
    for p in keep:
        body.insert(rng.randint(0, len(body)), p)
    seed_source = listing[i % len(listing)]
    sid = f"bench-{i:05d}"
    title = f"{_vary(seed_source['title'], rng, names)} ({i})"
    text = title + "\n\n" + "\n\n".join(body) + "\n"
    entry = {
        "id": sid, "file": f"{sid}.txt", "title": title, "publisher": seed_source["publisher"],
        "authors": list(seed_source.get("authors") or []), "credits": list(seed_source.get("credits") or []),
        "published": seed_source["published"], "url": f"https://example.org/bench/{sid}", "language": "en",
    }  # fmt: skip
    facts = []
    for p in picks:
        quote = p.fact["evidence"][0]["quote"]
        starts = occurrences(text, quote)
        kept = {k: v for k, v in p.fact["evidence"][0].items() if k not in ("source", "quote", "occurrence")}
        evidence = {"source": sid, "quote": quote, **kept}  # attribution, contradicts: as curated
        if len(starts) > 1:  # found the way the build finds quotes, overlapping matches too
            evidence["occurrence"] = sum(s < text.index(p.paragraph) for s in starts) + 1
        fact = {k: v for k, v in p.fact.items() if k not in ("supersedes", "evidence")}
        facts.append({**fact, "id": f"{p.fact['id']}-{sid}", "evidence": [evidence]})
    return entry, text, facts


def generate(n: int, out: Path, seed: int = 5, seeds: Path = SEEDS, facts: Path = FACTS) -> int:
    """Write ``out/seeds/`` (n articles and sources.yml) and ``out/facts.yml``; returns characters of text."""
    material = _seed_material(seeds, facts)
    curated = material[1]
    folder = out / "seeds"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    entries, all_facts, chars = [], [], 0
    for i in range(n):
        entry, text, article_facts = article(i, seed, material)
        data = text.encode("utf-8")
        (folder / entry["file"]).write_bytes(data)
        entries.append({**entry, "sha256": hashlib.sha256(data).hexdigest()})
        all_facts += article_facts
        chars += len(text)
    _dump(folder / "sources.yml", entries)
    doc = {k: curated[k] for k in ("units", "topics", "entities")} | {"facts": all_facts}
    _dump(out / "facts.yml", doc)
    return chars


def _dump(path: Path, data: object) -> None:
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=1 << 20)
    path.write_text(text, encoding="utf-8")


def edit(
    out: Path, i: int, paragraph: str = "Officials said on March 3 that 12 more drones had been shot down."
) -> None:
    """Change article ``i`` of a generated corpus (a paragraph added after its headline) and its sha256."""
    folder = out / "seeds"
    listing = yaml.load((folder / "sources.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    entry = next(e for e in listing if e["id"] == f"bench-{i:05d}")
    path = folder / entry["file"]
    text = path.read_text(encoding="utf-8").replace("\n\n", f"\n\n{paragraph}\n\n", 1)
    path.write_text(text, encoding="utf-8")
    entry["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    _dump(folder / "sources.yml", listing)
