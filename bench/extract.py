"""``python -m bench.extract``: the per-article stage of a build alone, timed extractor by extractor.

Segments and extracts every article of a corpus (no database) and prints each extractor's seconds and the
stage's MB/s, and a digest of everything it produced: run it before and after a change to an extractor, on
the same corpus, and the digests must agree (a speed-up that changes output is a behaviour change).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import asdict
from pathlib import Path

from etl.extract.dates import find_dates
from etl.extract.entities import find_mentions
from etl.extract.quantities import find_quantities
from etl.extract.quotes import find_quotes
from etl.facts import load_entities
from etl.segment import segment
from etl.sources import load_sources
from etl.text import mask

STAGES = ("segment", "dates", "quantities", "quotes", "mentions")


def run(seeds: Path, facts: Path) -> tuple[dict[str, float], int, str]:
    """Seconds per stage, bytes of text read, and the sha256 of every article's segments and spans."""
    sources = load_sources(seeds)
    entities = load_entities(facts)
    seconds = dict.fromkeys(STAGES, 0.0)
    digest = hashlib.sha256()
    for src in sources:
        t0 = time.perf_counter()
        segs = segment(src.text, src.title)
        content = mask(src.text, [(s.start, s.end) for s in segs if s.kind == "chrome"])
        t1 = time.perf_counter()
        dates = find_dates(content, src.published, src.day_first)
        t2 = time.perf_counter()
        quantities = find_quantities(content, exclude=[(d.start, d.end) for d in dates])
        t3 = time.perf_counter()
        quotes = find_quotes(content, entities)
        t4 = time.perf_counter()
        mentions = find_mentions(content, entities)
        t5 = time.perf_counter()
        for stage, a, b in zip(STAGES, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5), strict=True):
            seconds[stage] += b - a
        found = [segs, dates, quantities, quotes, mentions]
        digest.update(json.dumps([src.id, [[asdict(x) for x in xs] for xs in found]]).encode())
    return seconds, sum(len(s.text.encode("utf-8")) for s in sources), digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--facts", type=Path, default=Path("facts.yml"))
    args = parser.parse_args(argv)
    seconds, size, digest = run(args.seeds, args.facts)
    total = sum(seconds.values())
    print(" ".join(f"{k} {v:.2f} s" for k, v in seconds.items()))
    print(f"{size / 1e6:.2f} MB in {total:.2f} s: {size / 1e6 / total:.2f} MB/s; output sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
