"""``make bench``: how the cost of building and serving grows with the corpus, from 10 to 10,000 articles.

Generates corpora of 10, 100, 1,000 and 10,000 articles (bench/corpus.py, seeded) and measures, in one run:

- the end-to-end build (``python -m etl build --clean``, a subprocess as ``make rebuild`` runs it): wall time,
  MB of article text per second, peak memory (RSS), database size and rows per table; the scaling exponent
  (least squares of log time on log size) and the time ratio of each 10x step;
- the time per pipeline stage on the 1,000 corpus, and a profile (cProfile) of the slowest stage;
- an incremental rebuild: one article of the 1,000 corpus changed, rebuilt, and compared with a clean build
  of the same inputs table by table, row by row;
- extraction throughput against quantulum3 and dateparser.search_dates on the same articles (``make eval``'s
  extra; skipped with a note without it);
- serving: every endpoint (etl.publish.endpoints) requested 200 times against the 10,000-article database
  and the seed database, each served as ``make serve`` serves it (immutable, inspect file); p50/p95.

Writes bench/results.json and bench/RESULTS.md. Targets are printed beside the figures, never asserted:
timings on a shared machine are noisy, so compare the ratios measured within one run.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import itertools
import json
import math
import os
import platform
import pstats
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from bench import corpus
from bench.loadtest import load
from etl import build, evaluate
from etl.extract import extract
from etl.facts import load_facts
from etl.load import DERIVED, FTS, register_functions
from etl.publish import endpoints, read_metadata, running
from etl.segment import segment
from etl.sources import load_sources

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
SIZES = (10, 100, 1000, 10000)
EDITED = 500  # the article changed for the incremental rebuild
TARGETS = {
    "build_mb_per_s": 1.0,
    "step_ratio": 11.0,
    "incremental_s": 1.5,
    "vs_quantulum3": 20.0,
    "p95_ms": 50.0,
    "p95_vs_seed": 3.0,
}


def timed(cmd: list[str]) -> dict:
    """Run ``cmd``; its wall time, peak resident memory (from wait4) and output."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here, for this child's own rusage
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed: {err.read().strip()[-500:]}")
        return {"seconds": seconds, "stdout": out.read(), "peak_rss_mb": usage.ru_maxrss / 1024}


def etl_build(folder: Path, db: Path, clean: bool = True) -> dict:
    cmd = [sys.executable, "-m", "etl", "build", "--seeds", str(folder / "seeds"), "--facts", str(folder / "facts.yml")]
    return timed([*cmd, "--db", str(db), *(["--clean"] if clean else [])])


def text_mb(folder: Path) -> float:
    """MB (10^6 bytes, UTF-8) of article text in a corpus."""
    return sum(p.stat().st_size for p in (folder / "seeds").glob("*.txt")) / 1e6


def table_rows(db_path: Path) -> dict[str, int]:
    """Rows per table the API publishes (full-text search internals left out)."""
    db = sqlite_utils.Database(db_path)
    names = [t for t in db.table_names() if not t.startswith(("segments_fts", "sqlite_"))]
    counts = {t: db[t].count for t in names}
    db.close()
    return counts


def scale(work: Path, sizes: tuple[int, ...]) -> list[dict]:
    """A clean end-to-end build of each corpus size."""
    results = []
    for n in sizes:
        folder = work / f"corpus-{n}"
        t0 = time.perf_counter()
        corpus.generate(n, folder)
        generated = time.perf_counter() - t0
        db = folder / "facts.db"
        run = etl_build(folder, db)
        mb = text_mb(folder)
        results.append({
            "articles": n, "text_mb": mb, "generate_s": generated, "build_s": run["seconds"],
            "mb_per_s": mb / run["seconds"], "peak_rss_mb": run["peak_rss_mb"],
            "db_mb": db.stat().st_size / 1e6, "rows": table_rows(db),
        })  # fmt: skip
        _say(f"  {n:>6} articles  {mb:7.2f} MB  build {run['seconds']:7.2f} s  {mb / run['seconds']:5.2f} MB/s  "
             f"peak {run['peak_rss_mb']:6.0f} MB  db {db.stat().st_size / 1e6:7.1f} MB")  # fmt: skip
    return results


def exponent(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) on log(x): time ~ size^k."""
    xs, ys = [math.log(x) for x, _ in points], [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def differences(a: Path, b: Path, terms: tuple[str, ...] = ("Bakhmut", "drones", "sanctions")) -> list[str]:
    """Where two databases differ: the set of tables and views, any table's or view's rows (in primary-key
    order, every column), and full-text search hits of every indexed table (FTS). Empty when they are equal."""
    found = []
    with sqlite3.connect(f"file:{a}?mode=ro", uri=True) as x, sqlite3.connect(f"file:{b}?mode=ro", uri=True) as y:
        schema = "select type, name from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%'"
        names_x, names_y = sorted(x.execute(schema)), sorted(y.execute(schema))
        if names_x != names_y:
            found.append(f"tables and views differ: {sorted(set(names_x) ^ set(names_y))}")
        for _, name in names_x:
            if "_fts" in name:
                continue  # the index itself: compared through searches below
            sql = f"select * from [{name}] order by " + ", ".join(str(i + 1) for i in range(_width(x, name)))
            if x.execute(sql).fetchall() != y.execute(sql).fetchall():
                found.append(f"rows of {name} differ")
        for table in FTS:
            # rows, not rowids: an incremental build gives fresh rows new rowids
            hits = f"select t.* from {table}_fts f join {table} t on t.rowid = f.rowid where {table}_fts match ? "
            hits += "order by 1, 2"
            for term in terms:
                if x.execute(hits, [term]).fetchall() != y.execute(hits, [term]).fetchall():
                    found.append(f"full-text search of {table} for {term!r} differs")
    for path in (a, b):  # the check reads only, but SQLite asks for a writable connection
        with sqlite3.connect(path) as db:
            for table in FTS:
                try:
                    db.execute(f"insert into {table}_fts({table}_fts) values ('integrity-check')")
                except sqlite3.DatabaseError as e:
                    found.append(f"full-text index {table}_fts of {path} fails its integrity check: {e}")
    return found


def _width(db: sqlite3.Connection, name: str) -> int:
    return len(db.execute(f"select * from [{name}] limit 0").description)


def incremental(work: Path, n: int = 1000) -> dict:
    """Change one article of the ``n`` corpus, rebuild incrementally, and compare with a clean build."""
    folder = work / f"corpus-{n}"
    db = folder / "facts.db"
    warm = etl_build(folder, db, clean=False)  # nothing changed since the clean build: every article kept
    edited = min(EDITED, n // 2)
    corpus.edit(folder, edited)
    run = etl_build(folder, db, clean=False)
    m = re.search(r"\((\d+) articles computed, (\d+) unchanged kept\)", run["stdout"])
    clean_db = folder / "clean.db"
    clean = etl_build(folder, clean_db)
    diff = differences(db, clean_db)
    result = {
        "articles": n, "edited": edited, "seconds": run["seconds"], "unchanged_rebuild_s": warm["seconds"],
        "clean_s": clean["seconds"], "computed": int(m[1]) if m else n, "kept": int(m[2]) if m else 0,
        "equal_to_clean": not diff, "differences": diff,
    }  # fmt: skip
    _say(
        f"  incremental: 1 of {n} changed: {run['seconds']:.2f} s ({result['computed']} computed, "
        f"{result['kept']} kept) vs clean {clean['seconds']:.2f} s; equal to clean: {not diff} {diff or ''}"
    )
    return result


def stages(folder: Path, top: int = 14) -> dict:
    """Seconds per pipeline stage (in this process), and a profile of the slowest one."""
    seeds, facts = folder / "seeds", folder / "facts.yml"
    times: dict[str, float] = {}
    state: dict = {}
    steps: dict[str, Callable[[], None]] = {
        "read sources": lambda: state.update(sources=load_sources(seeds)),
        "read facts.yml": lambda: state.update(curated=load_facts(facts, state["sources"])),
        "segment": lambda: state.update(segs=[segment(s.text, s.title) for s in state["sources"]]),
        "extract": lambda: state.update(
            articles=[
                build.Article(s, g, extract(s.text, s.published, state["curated"].entities, g))
                for s, g in zip(state["sources"], state["segs"], strict=True)
            ]
        ),
        "rows and fact checks": lambda: state.update(
            rows=build.rows(state["articles"], state["curated"], build.input_hashes(seeds, facts))
        ),
        "load (SQLite)": lambda: _load(state["rows"]),
    }
    for name, step in steps.items():
        t0 = time.perf_counter()
        step()
        times[name] = time.perf_counter() - t0
    slowest = max(times, key=times.__getitem__)
    profiler = cProfile.Profile()
    profiler.runcall(steps[slowest])
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
    lines = [ln for ln in text.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    profile = [ln.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "") for ln in lines[start:]]
    mb = text_mb(folder)
    _say("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()) + f"; slowest: {slowest}")
    return {"articles": len(state["sources"]), "text_mb": mb, "seconds": times, "slowest": slowest, "profile": profile}


def _load(rows: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        build.load.write(Path(tmp) / "stage.db", rows)


def peers(folder: Path, articles: int = 20) -> dict:
    """Throughput of our extractors, quantulum3 and dateparser.search_dates on the same article texts."""
    sources = load_sources(folder / "seeds")[:articles]
    entities = load_facts(folder / "facts.yml", load_sources(folder / "seeds")).entities
    texts = [(s.text, s.published) for s in sources]
    mb = sum(len(t.encode("utf-8")) for t, _ in texts) / 1e6
    runners = {
        "ours (all four extractors)": lambda t, day: extract(t, day, entities),
        "quantulum3": lambda t, _day: evaluate.quantulum_quantities(t),
        "dateparser.search_dates": evaluate.dateparser_dates,
    }
    out: dict = {"articles": len(texts), "text_mb": mb, "mb_per_s": {}, "missing": []}
    for name, run in runners.items():
        if run("Warm up: 3 km on 4 May 2023.", dt.date(2023, 2, 3)) is None:  # also loads models and data
            out["missing"].append(name)
            continue
        t0 = time.perf_counter()
        for text, day in texts:
            run(text, day)
        out["mb_per_s"][name] = mb / (time.perf_counter() - t0)
    ours = out["mb_per_s"]["ours (all four extractors)"]
    out["ours_vs"] = {k: ours / v for k, v in out["mb_per_s"].items() if not k.startswith("ours")}
    _say("  extraction MB/s: " + ", ".join(f"{k} {v:.3f}" for k, v in out["mb_per_s"].items()))
    return out


def serving(db: Path, requests: int) -> dict[str, dict]:
    """p50/p95 (ms) per endpoint: ``requests`` sequential requests each, served as ``make serve`` does.

    Each endpoint gets at most ``requests`` x the p95 target of time (200 x 50 ms = 10 s): an endpoint within the
    target always completes its requests, and one far over it cannot stretch ``make bench`` past 15 minutes
    (it still gets enough requests for its percentiles; the count is recorded)."""
    inspect = db.with_suffix(".inspect.json")
    subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", str(db), "--inspect-file", str(inspect)],
        check=True,
        capture_output=True,
    )
    sdb = sqlite_utils.Database(db)
    first = next(iter(sdb["sources"].rows_where(order_by="id", limit=1)))["id"]
    paths = endpoints(read_metadata(METADATA), sdb.table_names(), sdb.view_names(), first)
    sdb.close()
    out = {}
    with running(db, METADATA, inspect=inspect) as base:
        for path in paths:
            budget = max(requests * TARGETS["p95_ms"] / 1000, 1.0)
            r = load(base, [path], clients=1, requests=requests, seconds=budget)
            out[path] = {"p50_ms": r["p50_ms"], "p95_ms": r["p95_ms"], "requests": r["requests"], "errors": r["errors"]}
    return out


def derived_costs(db: Path) -> dict[str, dict]:
    """Per derived table, what its query costs (paid once per build; as a view, Datasette would run it and a
    ``count(*)`` over it on every page, the inspect file holding counts for tables only), and a first page of it."""
    out = {}
    with sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True) as conn:
        register_functions(conn)
        for name, derived in DERIVED.items():
            t0 = time.perf_counter()
            n = conn.execute(f"select count(*) from ({derived.sql})").fetchone()[0]
            t1 = time.perf_counter()
            conn.execute(f"select * from [{name}] limit 101").fetchall()
            out[name] = {"rows": n, "query_ms": (t1 - t0) * 1000, "page_ms": (time.perf_counter() - t1) * 1000}
    return out


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def summary(r: dict) -> dict:
    """The figures the targets are about, each with its target and whether this run met it."""
    builds = r["scale"]
    steps = [(a["articles"], b["articles"], b["build_s"] / a["build_s"]) for a, b in itertools.pairwise(builds)]
    big = builds[-1]
    out = {
        "build_mb_per_s": {"value": big["mb_per_s"], "target": f">= {TARGETS['build_mb_per_s']}"},
        "exponent_all_sizes": {
            "value": r["exponent"],
            "target": "(information: a build's fixed start-up cost makes the small sizes cheap per article)",
            "met": None,
        },
        "exponent_largest_step": {
            "value": math.log10(steps[-1][2]) if steps else None,
            "target": f"<= {math.log10(TARGETS['step_ratio']):.3f} (11x time per 10x corpus)",
            "met": bool(steps) and steps[-1][2] <= TARGETS["step_ratio"],
        },
        "step_ratios": {f"{a}->{b}": x for a, b, x in steps},
        "largest_step_ratio": {"value": steps[-1][2] if steps else None, "target": f"<= {TARGETS['step_ratio']}"},
    }
    out["build_mb_per_s"]["met"] = big["mb_per_s"] >= TARGETS["build_mb_per_s"]
    out["largest_step_ratio"]["met"] = bool(steps) and steps[-1][2] <= TARGETS["step_ratio"]
    if "incremental" in r:
        inc = r["incremental"]
        met = inc["seconds"] <= TARGETS["incremental_s"] and inc["equal_to_clean"] and inc["computed"] == 1
        out["incremental_s"] = {"value": inc["seconds"], "target": f"<= {TARGETS['incremental_s']}", "met": met}
    if r.get("peers", {}).get("ours_vs", {}).get("quantulum3"):
        x = r["peers"]["ours_vs"]["quantulum3"]
        out["vs_quantulum3"] = {"value": x, "target": f">= {TARGETS['vs_quantulum3']}", "met": x >= 20}
    if "serving" in r:
        big_p95 = max(v["big"]["p95_ms"] for v in r["serving"].values())
        worst_ratio = max(v["ratio_p95"] for v in r["serving"].values())
        errors = sum(len(v[k]["errors"]) for v in r["serving"].values() for k in ("big", "seed"))
        out["max_p95_ms"] = {"value": big_p95, "target": f"<= {TARGETS['p95_ms']}", "met": big_p95 <= 50}
        out["max_p95_vs_seed"] = {
            "value": worst_ratio,
            "target": f"<= {TARGETS['p95_vs_seed']}",
            "met": worst_ratio <= 3,
        }
        within = sum(v["big"]["p95_ms"] <= TARGETS["p95_ms"] for v in r["serving"].values())
        out["endpoints_p95_within_target"] = {
            "value": f"{within} of {len(r['serving'])}", "target": f"all (p95 <= {TARGETS['p95_ms']:.0f} ms)",
            "met": within == len(r["serving"]),
        }  # fmt: skip
        out["serving_errors"] = {"value": errors, "target": "0", "met": errors == 0}
    return out


def markdown(r: dict) -> str:
    """bench/RESULTS.md: the tables a reader compares."""
    md = [
        "# Benchmark results (`make bench`)",
        "",
        f"One run of `python -m bench.scale` on {r['machine']} (Python {r['python']}), "
        f"{r['total_s'] / 60:.1f} min in all. Timings on a shared machine are noisy: compare ratios within the run.",
        "Corpora are generated from the seed articles' paragraphs (bench/corpus.py, seed 5): shuffled, with figures, "
        "months and names varied, two facts per article.",
        "",
        "## Targets",
        "",
        "| measure | this run | target | met |",
        "| --- | ---: | --- | --- |",
    ]
    for name, s in r["summary"].items():
        if isinstance(s, dict) and "value" in s:
            met = "" if s["met"] is None else "yes" if s["met"] else "**no**"
            md.append(f"| {name} | {_fmt(s['value'])} | {s['target']} | {met} |")
    md += ["", "## Build (clean, end to end, one process)", ""]
    md += ["| articles | text MB | build s | MB/s | peak RSS MB | DB MB | generate s |", "|" + " ---: |" * 7]
    for b in r["scale"]:
        md.append(f"| {b['articles']:,} | {b['text_mb']:.2f} | {b['build_s']:.2f} | {b['mb_per_s']:.2f} | "
                  f"{b['peak_rss_mb']:.0f} | {b['db_mb']:.1f} | {b['generate_s']:.2f} |")  # fmt: skip
    ratios = ", ".join(f"{k}: {v:.2f}x" for k, v in r["summary"]["step_ratios"].items())
    md += ["", f"Scaling exponent (time ~ articles^k, least squares over all sizes): **k = {r['exponent']:.2f}**; "
           f"time ratio per 10x step: {ratios}.", ""]  # fmt: skip
    tables = list(r["scale"][-1]["rows"])
    md += ["### Rows per table", "", "| table | " + " | ".join(f"{b['articles']:,}" for b in r["scale"]) + " |"]
    md.append("| --- |" + " ---: |" * len(r["scale"]))
    md += [f"| {t} | " + " | ".join(f"{b['rows'].get(t, 0):,}" for b in r["scale"]) + " |" for t in tables]
    if "stages" in r:
        st = r["stages"]
        md += ["", f"## Stages ({st['articles']:,} articles, {st['text_mb']:.2f} MB, in one process)", ""]
        md += ["| stage | s | MB/s |", "| --- | ---: | ---: |"]
        md += [f"| {k} | {v:.2f} | {st['text_mb'] / v:.2f} |" for k, v in st["seconds"].items()]
        md += ["", f"Profile of the slowest stage, **{st['slowest']}** (cProfile, by own time):", "", "```"]
        md += [*st["profile"], "```"]
    if "incremental" in r:
        inc = r["incremental"]
        md += ["", "## Incremental rebuild", ""]
        md.append(
            f"Article {inc['edited']} of the {inc['articles']:,}-article corpus changed, then `python -m etl build`: "
            f"**{inc['seconds']:.2f} s** ({inc['computed']} article computed, {inc['kept']} kept), against "
            f"{inc['clean_s']:.2f} s for a clean build; with nothing changed, {inc['unchanged_rebuild_s']:.2f} s. "
            f"Equal to the clean build, table by table, row by row: **{'yes' if inc['equal_to_clean'] else 'no'}**"
            + (f" ({'; '.join(inc['differences'])})" if inc["differences"] else ".")
        )
    if "peers" in r:
        p = r["peers"]
        md += ["", f"## Extraction against peers (the same {p['articles']} articles, {p['text_mb']:.3f} MB)", ""]
        md += ["| extractor | MB/s | ours / theirs |", "| --- | ---: | ---: |"]
        for k, v in p["mb_per_s"].items():
            md.append(f"| {k} | {v:.3f} | {_fmt(p['ours_vs'].get(k, 1.0))}x |")
        md += [f"| {k} | not installed (`make eval` installs it) | |" for k in p["missing"]]
    if "serving" in r:
        md += ["", f"## Serving ({r['requests']} sequential requests per endpoint, immutable mode, inspect file)", ""]
        md += [
            f"p50 / p95 in ms; big = the {r['scale'][-1]['articles']:,}-article database, seed = the seeds'. "
            f"Each endpoint gets at most {r['requests']} x {TARGETS['p95_ms']:.0f} ms; one slower than that gets "
            "fewer requests (column n).",
            "",
        ]
        md += ["| endpoint | big p50 | big p95 | n | seed p50 | seed p95 | p95 big/seed |", "| --- |" + " ---: |" * 6]
        for path, v in r["serving"].items():
            b, s = v["big"], v["seed"]
            md.append(f"| `{path}` | {b['p50_ms']:.1f} | {b['p95_ms']:.1f} | {b['requests']} | {s['p50_ms']:.1f} | "
                      f"{s['p95_ms']:.1f} | {v['ratio_p95']:.2f} |")  # fmt: skip
    if "derived_costs" in r:
        md += [
            "",
            "Derived tables on the big database (SQLite alone, ms): each query runs once per build; as a view it "
            "would run, with a `count(*)` over it, on every page (the inspect file holds counts for tables only).",
            "",
        ]
        md += ["| derived table | rows | query ms | first page ms |", "| --- |" + " ---: |" * 3]
        md += [
            f"| {k} | {v['rows']:,} | {v['query_ms']:.1f} | {v['page_ms']:.1f} |" for k, v in r["derived_costs"].items()
        ]
    return "\n".join(md) + "\n"


def _fmt(v: object) -> str:
    return f"{v:.3f}" if isinstance(v, float) and abs(v) < 10 else f"{v:.2f}" if isinstance(v, float) else str(v)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="corpus sizes (10,100,1000,10000)")
    parser.add_argument("--requests", type=int, default=200, help="requests per endpoint and database (200)")
    parser.add_argument("--work", type=Path, help="folder for corpora and databases (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench", help="where results.json and RESULTS.md go")
    parser.add_argument("--seed-db", type=Path, help="the seeds' database (default: built into the work folder)")
    args = parser.parse_args(argv)
    sizes = tuple(int(n) for n in args.sizes.split(","))
    started = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        r = run(work, sizes, args.requests, args.seed_db)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    r["total_s"] = time.perf_counter() - started
    r["summary"] = summary(r)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")
    (args.out / "RESULTS.md").write_text(markdown(r), encoding="utf-8")
    print(markdown(r))
    print(f"results in {args.out / 'results.json'} and {args.out / 'RESULTS.md'}", file=sys.stderr)
    return 0


def run(work: Path, sizes: tuple[int, ...], requests: int, seed_db: Path | None = None) -> dict:
    """Every measurement; the incremental one and the stages on the 1,000 corpus when it is among the sizes."""
    r: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "python": platform.python_version()}
    r["requests"] = requests
    _say("build:")
    r["scale"] = scale(work, sizes)
    r["exponent"] = exponent([(b["articles"], b["build_s"]) for b in r["scale"]]) if len(sizes) > 1 else None
    middle = 1000 if 1000 in sizes else sizes[len(sizes) // 2]
    r["stages"] = stages(work / f"corpus-{middle}")
    r["incremental"] = incremental(work, middle)
    r["peers"] = peers(work / f"corpus-{sizes[min(1, len(sizes) - 1)]}")
    if requests:
        if seed_db is None:
            seed_db = work / "seed" / "facts.db"  # the file name is the database name in every path
            build.build(ROOT / "seeds", ROOT / "facts.yml", seed_db)
        big = serving(work / f"corpus-{sizes[-1]}" / "facts.db", requests)
        seed = serving(seed_db, requests)
        r["serving"] = {
            path: {
                "big": big[path],
                "seed": seed[path],
                "ratio_p95": big[path]["p95_ms"] / max(seed[path]["p95_ms"], 1e-9),
            }
            for path in big
            if path in seed
        }
        r["derived_costs"] = derived_costs(work / f"corpus-{sizes[-1]}" / "facts.db")
        slow = {p: v["big"]["p95_ms"] for p, v in r["serving"].items() if v["big"]["p95_ms"] > TARGETS["p95_ms"]}
        _say(f"  serving: {len(r['serving'])} endpoints; p95 over {TARGETS['p95_ms']:.0f} ms: {slow or 'none'}")
    return r


if __name__ == "__main__":
    raise SystemExit(main())
