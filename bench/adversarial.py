"""``python -m bench.adversarial``: extraction time on adversarial inputs, checked for linear growth.

Each family is text built to stress one part of the extractors: long digit and comma runs, currency
signs, nested quote marks, month abbreviations (sentence splitting and date anchors), repeated dates
(tense look-ups), and realistic news (the seed articles, repeated). ``extract()`` runs on 1 MB and
2 MB of each (best of ``--repeat`` runs, ``time.perf_counter``; a "MB" is a million code points).
Prints a table of throughput at 1 MB and the 2 MB / 1 MB time ratio, writes the results to
``bench/adversarial.json``, and exits non-zero when any ratio exceeds ``--max-ratio`` (2.5: linear
work gives about 2, anything super-linear grows well past it).

Then the mutation fuzz of the curated inputs (bench/mutate.py): ``--mutations`` random slips in facts.yml
and seeds/sources.yml, each built; prints how many built and how many were refused, by mutation and by
message, and exits non-zero on any traceback, changed database or file left behind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import mutate
from etl.build import build
from etl.extract import extract
from etl.facts import load_entities

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "adversarial.json"
PUBLISHED = dt.date(2023, 2, 3)
MB = 1_000_000


def _repeat(unit: str, n: int) -> str:
    """``unit`` repeated to exactly ``n`` code points."""
    return (unit * (n // len(unit) + 1))[:n]


def _counting(n: int) -> str:
    """ "1,2,3,...": the numbers counting up, comma-separated, no spaces."""
    parts: list[str] = []
    size, i = 0, 1
    while size < n:
        parts.append(f"{i},")
        size += len(parts[-1])
        i += 1
    return "".join(parts)[:n]


def _nested_words(n: int) -> str:
    """'"a "b "c ...': a straight quote opening before every word, never closed."""
    unit = "".join(f'"{chr(ord("a") + i)} ' for i in range(26))
    return _repeat(unit, n)


def _news(n: int) -> str:
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    return _repeat(seeds + "\n", n)


FAMILIES: dict[str, Callable[[int], str]] = {
    "digits 1,2,3,...": _counting,
    "digits 1,000,000,...": lambda n: _repeat("1,000,000,", n),
    "grouped 1,000,000,000...": lambda n: "1" + _repeat(",000", n - 1),
    "currency $$$": lambda n: _repeat("$", n),
    'nested quotes "“‘': lambda n: _repeat('"“‘', n),
    'nested quotes "a "b "c': _nested_words,
    "Feb. Feb. Feb.": lambda n: _repeat("Feb. ", n),
    "news (seeds)": _news,
    "in May in May": lambda n: _repeat("in May ", n),
}


def _best(text: str, entities: list, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        extract(text, PUBLISHED, entities)
        best = min(best, time.perf_counter() - t0)
    return best


def run(repeat: int = 3, only: str | None = None) -> list[dict]:
    entities = load_entities(ROOT / "facts.yml")
    results = []
    for name, make in FAMILIES.items():
        if only and only.lower() not in name.lower():
            continue
        t1 = _best(make(MB), entities, repeat)
        t2 = _best(make(2 * MB), entities, repeat)
        results.append({"family": name, "seconds_1mb": t1, "seconds_2mb": t2, "mb_per_s": 1 / t1, "ratio": t2 / t1})
        print(f"  {name:<26} {1 / t1:8.2f} MB/s  ratio {t2 / t1:5.2f}", file=sys.stderr, flush=True)
    return results


def table(results: list[dict]) -> str:
    rows = [f"{'family':<26} {'MB/s @1MB':>10} {'s @1MB':>8} {'s @2MB':>8} {'2MB/1MB':>8}"]
    rows.append("-" * len(rows[0]))
    for r in results:
        secs = f"{r['seconds_1mb']:>8.3f} {r['seconds_2mb']:>8.3f}"
        rows.append(f"{r['family']:<26} {r['mb_per_s']:>10.2f} {secs} {r['ratio']:>8.2f}")
    return "\n".join(rows)


def fuzz(count: int, seed: int) -> mutate.Tally:
    """``count`` mutations of the real inputs, built in a temporary copy of them (the project is left alone)."""
    with tempfile.TemporaryDirectory(prefix="bench-mutate-") as tmp:
        work, built = Path(tmp) / "work", Path(tmp) / "facts.db"
        build(ROOT / "seeds", ROOT / "facts.yml", built)
        mutate.prepare(work, ROOT / "seeds", ROOT / "facts.yml", built)
        return mutate.fuzz(work, count, seed, stop=False)


def fuzz_table(tally: mutate.Tally) -> str:
    """Counts of the fuzz: per mutation kind, then the refusals by what their message says."""
    head = f"{tally.tried} mutations: {tally.built} built, {tally.refused} refused, {len(tally.violations)} violations"
    rows = [head, "", f"{'mutation':<10} {'built':>6} {'refused':>8} {'violations':>11}"]
    for kind, c in sorted(tally.by_kind.items()):
        rows.append(f"{kind:<10} {c['built']:>6} {c['refused']:>8} {c['violation']:>11}")
    rows += ["", f"{'refusals by message':<100} {'count':>6}"]
    rows += [f"{message[:100]:<100} {n:>6}" for message, n in tally.by_message.most_common()]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts (default 3)")
    parser.add_argument("--max-ratio", type=float, default=2.5, help="fail above this 2 MB/1 MB ratio (2.5)")
    parser.add_argument("--only", help="run only families whose name contains this")
    parser.add_argument("--out", type=Path, default=OUT, help="JSON results (bench/adversarial.json)")
    parser.add_argument("--mutations", type=int, default=1000, help="mutations of the inputs to build (1000; 0: none)")
    parser.add_argument("--seed", type=int, default=0, help="of the random mutations (0)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = run(args.repeat, args.only)
    print(table(results))
    bad = [r["family"] for r in results if r["ratio"] > args.max_ratio]
    tally = fuzz(args.mutations, args.seed)
    print()
    print(fuzz_table(tally))
    for violation in tally.violations:
        print(violation, file=sys.stderr)
    total = time.perf_counter() - started
    report = {
        "published": PUBLISHED.isoformat(),
        "mb": MB,
        "repeat": args.repeat,
        "max_ratio": args.max_ratio,
        "total_seconds": total,
        "python": sys.version.split()[0],
        "results": results,
        "failed": bad,
        "mutations": {"seed": args.seed, **tally.to_json()},
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"total {total:.1f} s; results in {args.out}")
    if bad:
        print(f"super-linear (ratio > {args.max_ratio}): {', '.join(bad)}", file=sys.stderr)
        return 1
    return 1 if tally.violations else 0


if __name__ == "__main__":
    sys.exit(main())
