"""``make bench``: what building and serving cost as the corpus grows, from 1,000 to 10,000 articles (more with
``make bench SIZES=...``).

Generates corpora (bench/corpus.py, seeded) and measures, in one run:

- per size, the end-to-end build (``python -m etl build --clean``, a subprocess as ``make rebuild`` runs it) with
  ``--jobs 1`` and ``--jobs 2`` (same bytes, checked), beside a floor process on the same corpus (bench/floor.py:
  read, hash, one regex scan, the same rows inserted in one transaction); wall time, MB/s, peak memory (the
  largest process's RSS, and with --jobs 2 the PSS of all its processes together: bench.measure; beside them the
  peak of reading and checking sources.yml and facts.yml alone), database size and rows per table;
- the time per pipeline stage on the 1,000 corpus, and a profile (cProfile) of the slowest stage;
- an incremental rebuild: one article of the largest corpus changed, rebuilt, and compared with a clean build
  of the same inputs table by table, row by row;
- extraction throughput against quantulum3 and dateparser.search_dates on the same articles (``make eval``'s
  extra; skipped with a note without it);
- serving: every endpoint (etl.publish.endpoints) requested against the largest database served as ``make
  serve`` serves it, and the same pages served by bare Datasette (same version, database and settings, no
  metadata, plugins or templates); p50/p95; and whether every table page that declares facets shows them.

Writes bench/results.json and bench/RESULTS.md. Targets are printed beside the figures, never asserted:
timings on a shared machine are noisy (the load average is recorded), so compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
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
import urllib.request
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from bench import corpus
from bench.loadtest import load
from etl import build, evaluate
from etl import load as etl_load
from etl import rows as etl_rows
from etl.article import ARTICLE_TABLES, compute, refs_by_source
from etl.extract import extract
from etl.facts import load_facts
from etl.load import DERIVED, FTS, register_functions
from etl.publish import SETTINGS, endpoints, free_port, read_metadata, running
from etl.publish import serving as serve_cmd
from etl.sources import load_sources

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
SIZES = (1000, 10000)
REFERENCE = 10000  # the size the targets are stated at; a larger one (SIZES=...,100000) is built and reported too
EDITED = 500  # the article changed for the incremental rebuild
TARGETS = {
    "vs_floor": 2.5,  # build time / floor time, at the reference size
    "jobs_speedup": 1.7,  # --jobs 1 time / --jobs 2 time (on an idle 2-core machine)
    "peak_rss_mb": 300.0,  # at 10,000 articles
    "rss_ratio": 1.5,  # RSS(10,000) / RSS(1,000)
    "incremental_s": 1.0,  # one changed article of the largest corpus
    "p95_ms": 50.0,  # every endpoint
    "home_p50_ms": 15.0,  # / and /facts
    "vs_bare": 1.5,  # p50 of a page / bare Datasette's p50 of the same page
    "vs_quantulum3": 20.0,
}


# Python's default: compiled modules cached in __pycache__. This machine's environment turns that off
# (PYTHONDONTWRITEBYTECODE), which would add some 0.13 s of compiling etl/ to every build a reader's machine does not.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> dict:
    """Run ``cmd``; its wall time, output and peak memory: ``peak_rss_mb``, the largest resident size of it or a
    process it started, and ``tree_pss_mb``, the most its processes held together (bench.measure: this process's
    own size would otherwise show in every child's figure; and the time is from its fork of ``cmd`` to the end)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "memory.json"
        with open(Path(tmp) / "out", "w+") as out, open(Path(tmp) / "err", "w+") as err:
            proc = subprocess.run([sys.executable, "-m", "bench.measure", str(report), "--", *cmd], stdout=out,
                                  stderr=err, text=True, check=False, env=_ENV)  # fmt: skip
            out.seek(0)
            err.seek(0)
            if proc.returncode:
                raise RuntimeError(f"{' '.join(cmd)} failed: {err.read().strip()[-500:]}")
            memory = json.loads(report.read_text(encoding="utf-8"))
            return {"seconds": memory["seconds"], "stdout": out.read(), "peak_rss_mb": memory["maxrss_mb"],
                    "tree_pss_mb": memory["tree_pss_mb"]}  # fmt: skip


def etl_build(folder: Path, db: Path, clean: bool = True, jobs: int | None = None) -> dict:
    cmd = [sys.executable, "-m", "etl", "build", "--seeds", str(folder / "seeds"), "--facts", str(folder / "facts.yml")]
    cmd += ["--db", str(db), *(["--clean"] if clean else []), *(["--jobs", str(jobs)] if jobs else [])]
    return timed(cmd)


def floor_run(folder: Path, built: Path) -> dict:
    out = built.with_name("floor.db")
    cmd = [sys.executable, "-m", "bench.floor", "--seeds", str(folder / "seeds"), "--built", str(built)]
    run = timed([*cmd, "--out", str(out)])
    out.unlink(missing_ok=True)
    return run


# Reading and checking the inputs alone (sources.yml and facts.yml, no article text): the memory a build needs
# before its first article, which grows with the curated layer (the corpora have two facts per article).
_INPUTS_ONLY = """
import sys
from pathlib import Path
from etl import sources, state
folder = Path(sys.argv[1])
state.curated(folder / "facts.yml", sources.verify(folder / "seeds", keep_text=False).sources, None)
"""


def inputs_run(folder: Path) -> dict:
    return timed([sys.executable, "-c", _INPUTS_ONLY, str(folder)])


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


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def reference(sizes: tuple[int, ...]) -> int:
    """The size the targets are measured at: 10,000 articles when built, else the largest size."""
    return REFERENCE if REFERENCE in sizes else max(sizes)


def built(builds: list[dict]) -> list[dict]:
    """The sizes of ``scale``'s results that built (a size beyond the reference may have failed)."""
    return [b for b in builds if "error" not in b]


def scale(work: Path, sizes: tuple[int, ...]) -> list[dict]:
    """A clean end-to-end build of each corpus size with --jobs 1 and --jobs 2, and the floor beside them. A size
    beyond the reference that fails to build is recorded with its error (whether it builds is what it is for)."""
    results = []
    for n in sizes:
        folder = work / f"corpus-{n}"
        t0 = time.perf_counter()
        corpus.generate(n, folder)
        generated = time.perf_counter() - t0
        db, db2 = folder / "facts.db", folder / "jobs2.db"
        rounds = ROUNDS if n <= reference(sizes) else 1
        try:
            ones, twos, same = [], [], True
            for _ in range(rounds):  # interleaved, so that a busy spell on the machine hits both alike
                ones.append(etl_build(folder, db, jobs=1))
                twos.append(etl_build(folder, db2, jobs=2))
                same = same and _sha256(db) == _sha256(db2)
        except RuntimeError as e:
            if n <= reference(sizes):
                raise
            results.append({"articles": n, "text_mb": text_mb(folder), "error": str(e)[-300:]})
            _say(f"  {n:>6} articles  did not build: {e}")
            continue
        one, two = _best(ones), _best(twos)
        db2.unlink()
        base = _best([floor_run(folder, db) for _ in range(rounds)])
        inputs = inputs_run(folder)
        mb = text_mb(folder)
        results.append({
            "articles": n, "text_mb": mb, "generate_s": generated, "build_s": one["seconds"],
            "jobs2_s": two["seconds"], "floor_s": base["seconds"], "mb_per_s": mb / one["seconds"],
            "rounds": {"jobs1_s": one["all_seconds"], "jobs2_s": two["all_seconds"], "floor_s": base["all_seconds"]},
            "peak_rss_mb": one["peak_rss_mb"], "jobs2_peak_rss_mb": two["peak_rss_mb"],
            "jobs2_tree_pss_mb": two["tree_pss_mb"], "inputs_peak_rss_mb": inputs["peak_rss_mb"],
            "floor_peak_rss_mb": base["peak_rss_mb"], "same_bytes": same, "db_mb": db.stat().st_size / 1e6,
            "rows": table_rows(db), "load": os.getloadavg()[0],
        })  # fmt: skip
        _say(f"  {n:>6} articles  {mb:7.2f} MB  jobs 1 {one['seconds']:7.2f} s  jobs 2 {two['seconds']:7.2f} s  "
             f"floor {base['seconds']:6.2f} s  peak {one['peak_rss_mb']:5.0f}/{two['tree_pss_mb']:5.0f} MB  "
             f"same bytes {same}  load {os.getloadavg()[0]:.1f}")  # fmt: skip
    return results


# Clean builds of each size up to the reference are run this many times, and the fastest kept (the machine is shared:
# a run's time is the build's plus what else ran; the least of several is the least disturbed). Peak memory is the
# largest of them.
ROUNDS = 2


def _best(runs: list[dict]) -> dict:
    """The fastest of several runs of one command, with the largest peak memory any of them had."""
    out = dict(min(runs, key=lambda r: r["seconds"]))
    out["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    out["tree_pss_mb"] = max(r["tree_pss_mb"] for r in runs)
    out["all_seconds"] = [r["seconds"] for r in runs]
    return out


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


def incremental(work: Path, n: int) -> dict:
    """Change one article of the ``n`` corpus, rebuild incrementally, and compare with a clean build."""
    folder = work / f"corpus-{n}"
    db = folder / "facts.db"
    etl_build(folder, db, clean=False)  # writes the facts cache the next builds read
    warm = etl_build(folder, db, clean=False)  # nothing changed since: every article kept
    edited = min(EDITED, n // 2)
    corpus.edit(folder, edited)
    run = etl_build(folder, db, clean=False)
    m = re.search(r"\((\d+) articles computed, (\d+) unchanged kept\)", run["stdout"])
    clean_db = folder / "clean.db"
    clean = etl_build(folder, clean_db)
    diff = differences(db, clean_db)
    clean_db.unlink()
    result = {
        "articles": n, "edited": edited, "seconds": run["seconds"], "unchanged_rebuild_s": warm["seconds"],
        "clean_s": clean["seconds"], "computed": int(m[1]) if m else n, "kept": int(m[2]) if m else 0,
        "equal_to_clean": not diff, "differences": diff, "profile": _incremental_profile(folder, db),
    }  # fmt: skip
    _say(
        f"  incremental: 1 of {n} changed: {run['seconds']:.2f} s ({result['computed']} computed, "
        f"{result['kept']} kept) vs clean {clean['seconds']:.2f} s; equal to clean: {not diff} {diff or ''}"
    )
    return result


def _incremental_profile(folder: Path, db: Path, top: int = 12) -> list[str]:
    """Where an incremental build with nothing changed spends its time (cProfile, cumulative)."""
    profiler = cProfile.Profile()
    profiler.runcall(build.build_report, folder / "seeds", folder / "facts.yml", db, True, 1)
    return _profile_lines(profiler, top, "cumtime")


def _profile_lines(profiler: cProfile.Profile, top: int, key: str) -> list[str]:
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats(key).print_stats(top)
    lines = [ln for ln in text.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    return [ln.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "") for ln in lines[start:]]


def stages(folder: Path, top: int = 14) -> dict:
    """Seconds per pipeline stage (in this process, one job), and a profile of the slowest one."""
    seeds, facts = folder / "seeds", folder / "facts.yml"
    times: dict[str, float] = {}
    state: dict = {}

    def articles() -> None:
        refs = refs_by_source(state["curated"])
        state["computed"] = [compute(s, state["curated"], refs.get(s.id, ())) for s in state["sources"]]

    def curated_rows() -> None:
        spans = {k: v for c in state["computed"] for k, v in c.spans.items()}
        needed = etl_rows.quote_sources(state["curated"])
        quotes = [q for c in state["computed"] if c.source_id in needed for q in c.rows["quotes"]]
        texts = {s.id: s.text for s in state["sources"] if s.id in needed}
        state["rows"] = etl_rows.curated_rows(state["sources"], state["curated"], spans, quotes, texts)

    steps: dict[str, Callable[[], None]] = {
        "read sources": lambda: state.update(sources=load_sources(seeds)),
        "read facts.yml": lambda: state.update(curated=load_facts(facts, state["sources"])),
        "article (segment, extract, rows)": articles,
        "curated rows and fact checks": curated_rows,
        "load (SQLite)": lambda: _load(state["computed"], state["rows"]),
    }
    for name, step in steps.items():
        t0 = time.perf_counter()
        step()
        times[name] = time.perf_counter() - t0
    slowest = max(times, key=times.__getitem__)
    profiler = cProfile.Profile()
    profiler.runcall(steps[slowest])
    mb = text_mb(folder)
    _say("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()) + f"; slowest: {slowest}")
    return {
        "articles": len(state["sources"]), "text_mb": mb, "seconds": times, "slowest": slowest,
        "profile": _profile_lines(profiler, top, "tottime"),
    }  # fmt: skip


def _load(computed: list, rows: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        staging = etl_load.Staging(Path(tmp) / "staging", ARTICLE_TABLES)
        part = staging.part()
        for c in computed:
            part.add(etl_load.packed(c.rows))
        part.close()
        etl_load.write(Path(tmp) / "stage.db", rows, staged=staging)


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


def serving(db: Path, requests: int, bare: bool = True) -> dict:
    """p50/p95 (ms) per endpoint: ``requests`` sequential requests each, served as ``make serve`` does, and the
    same pages by bare Datasette; and the facets every table page that declares them shows.

    Each endpoint gets at most ``requests`` x the p95 target of time (at least 1 s): an endpoint within the
    target always completes its requests, and one far over it cannot stretch ``make bench`` (it still gets
    enough requests for its percentiles; the count is recorded)."""
    inspect = db.with_suffix(".inspect.json")
    subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", str(db), "--inspect-file", str(inspect)],
        check=True,
        capture_output=True,
    )
    sdb = sqlite_utils.Database(db)
    first = next(iter(sdb["sources"].rows_where(order_by="id", limit=1)))["id"]
    metadata = read_metadata(METADATA)
    paths = endpoints(metadata, sdb.table_names(), sdb.view_names(), first)
    sdb.close()
    canned = {f"/{db.stem}/{q}" for q in metadata.get("databases", {}).get(db.stem, {}).get("queries", {})}
    out: dict = {"pages": {}, "facets": {}}
    _read_through(db)
    with running(db, METADATA, inspect=inspect) as base:
        for path in paths:
            out["pages"][path] = {"ours": _timed_page(base, path, requests)}
        out["facets"] = facets_shown(base, metadata, db.stem)
    if bare:
        port = free_port()
        # Installed plugins are not loaded where sys._called_from_test is set (datasette/plugins.py): bare.
        bare_cli = "import sys; sys._called_from_test = True; from datasette.cli import cli; cli()"
        cmd = [sys.executable, "-c", bare_cli, "serve", "-i", str(db), "--inspect-file", str(inspect)]
        cmd += ["-h", "127.0.0.1", "-p", str(port)]
        cmd += [x for k, v in SETTINGS.items() for x in ("--setting", k, v)]
        _read_through(db)
        with serve_cmd(cmd, port) as base:
            for path in paths:
                if path.split("?")[0] not in canned:
                    out["pages"][path]["bare"] = _timed_page(base, path, requests)
    return out


def _read_through(db: Path) -> None:
    """The database file read once, into the page cache, before a server is timed on it: this machine's kernel
    reclaims page cache idle for a few minutes (its DAMON reclaim), and the 860 MB built minutes earlier then comes
    back from disk at some 330 MB/s; a page's first query would measure the disk, and a summary that has to read
    much of the file ran past the 1 s time limit (HTTP 400) for ours and bare Datasette alike."""
    with db.open("rb") as f:
        while f.read(1 << 24):
            pass


def _timed_page(base: str, path: str, requests: int) -> dict:
    budget = max(requests * TARGETS["p95_ms"] / 1000, 1.0)
    first = load(base, [path], clients=1, requests=1, seconds=budget)  # cold: before any cache holds this page's parts
    r = load(base, [path], clients=1, requests=requests, seconds=budget)
    return {"first_ms": first["p50_ms"], "p50_ms": r["p50_ms"], "p95_ms": r["p95_ms"], "requests": r["requests"],
            "errors": first["errors"] + r["errors"]}  # fmt: skip


def facets_shown(base: str, metadata: dict, database: str) -> dict[str, dict]:
    """Per table whose metadata declares facets: those declared, those the page showed, those that timed out."""
    out = {}
    for table, meta in metadata.get("databases", {}).get(database, {}).get("tables", {}).items():
        declared = [f if isinstance(f, str) else next(iter(f.values())) for f in meta.get("facets", [])]
        if not declared:
            continue
        with urllib.request.urlopen(f"{base}/{database}/{table}.json?_size=0", timeout=30) as r:
            data = json.load(r)
        shown = sorted(data.get("facet_results", {}))
        out[table] = {"declared": declared, "shown": shown, "timed_out": data.get("facets_timed_out", [])}
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
    done = built(r["scale"])
    ref = reference(tuple(b["articles"] for b in r["scale"]))
    big, small = next(b for b in done if b["articles"] == ref), done[0]
    out: dict = {}

    def put(name: str, value: object, target: str, met: bool | None) -> None:
        out[name] = {"value": value, "target": target, "met": met}

    vs_floor = big["build_s"] / big["floor_s"]
    put(f"build_vs_floor ({big['articles']:,})", vs_floor, f"<= {TARGETS['vs_floor']}", vs_floor <= 2.5)
    # the build as ``make rebuild`` runs it on this machine (one job per CPU) beside the same one-process floor
    put("build_vs_floor with --jobs 2", big["jobs2_s"] / big["floor_s"], "(information)", None)
    speedup = big["build_s"] / big["jobs2_s"]
    put(f"jobs2_speedup ({big['articles']:,})", speedup, f">= {TARGETS['jobs_speedup']} (idle 2 cores)", speedup >= 1.7)
    if "parallel_ceiling" in r:
        put("jobs2 ceiling: 2 CPU-bound loops together", r["parallel_ceiling"]["speedup"], "(information)", None)
    same = all(b["same_bytes"] for b in done)
    put("same_bytes_any_jobs", same, "yes", same)
    rss = max(big["peak_rss_mb"], big["jobs2_tree_pss_mb"])  # jobs 1's process; all of jobs 2's together
    put(f"peak_rss_mb ({big['articles']:,}, jobs 1 or 2 in all)", rss, f"<= {TARGETS['peak_rss_mb']:.0f}",
        rss <= TARGETS["peak_rss_mb"])  # fmt: skip
    if big is not small:
        ratio = big["peak_rss_mb"] / small["peak_rss_mb"]
        put(f"rss_ratio ({big['articles']:,}/{small['articles']:,})", ratio, f"<= {TARGETS['rss_ratio']}", ratio <= 1.5)
        if "inputs_peak_rss_mb" in big:
            beyond = [b["peak_rss_mb"] - b["inputs_peak_rss_mb"] for b in (big, small)]
            put("rss_ratio beyond reading the inputs", beyond[0] / max(beyond[1], 1.0), "(information)", None)
    put(f"build_mb_per_s ({big['articles']:,}, jobs 1)", big["mb_per_s"], "(information)", None)
    for b in r["scale"]:
        if b["articles"] > ref:  # "100,000 articles build on this machine"
            ok = "error" not in b
            if ok:
                value = (f"built: jobs 2 {b['jobs2_s']:.0f} s, {b['jobs2_tree_pss_mb']:.0f} MB in all; jobs 1 "
                         f"{b['build_s']:.0f} s, {b['peak_rss_mb']:.0f} MB")  # fmt: skip
            else:
                value = f"failed: {b['error'][-120:]}"
            put(f"builds_at ({b['articles']:,})", value, "builds on this machine", ok)
    if "incremental" in r:
        inc = r["incremental"]
        met = inc["seconds"] <= TARGETS["incremental_s"] and inc["equal_to_clean"] and inc["computed"] == 1
        put(f"incremental_s (1 of {inc['articles']:,})", inc["seconds"], f"<= {TARGETS['incremental_s']}", met)
        put("incremental_equal_to_clean", inc["equal_to_clean"], "yes", inc["equal_to_clean"])
    if r.get("peers", {}).get("ours_vs", {}).get("quantulum3"):
        x = r["peers"]["ours_vs"]["quantulum3"]
        put("vs_quantulum3", x, f">= {TARGETS['vs_quantulum3']}", x >= 20)
    if "serving" in r:
        pages = r["serving"]["pages"]
        worst = max(v["ours"]["p95_ms"] for v in pages.values())
        put("max_p95_ms", worst, f"<= {TARGETS['p95_ms']:.0f}", worst <= TARGETS["p95_ms"])
        within = sum(v["ours"]["p95_ms"] <= TARGETS["p95_ms"] for v in pages.values())
        put("endpoints_p95_within_target", f"{within} of {len(pages)}", "all", within == len(pages))
        for path in ("/", "/facts"):
            if path in pages:
                p50 = pages[path]["ours"]["p50_ms"]
                put(f"p50_ms {path}", p50, f"<= {TARGETS['home_p50_ms']:.0f}", p50 <= TARGETS["home_p50_ms"])
        ratios = {p: v["ours"]["p50_ms"] / max(v["bare"]["p50_ms"], 1e-9) for p, v in pages.items() if "bare" in v}
        if ratios:
            worst_page = max(ratios, key=ratios.__getitem__)
            over = sum(x > TARGETS["vs_bare"] for x in ratios.values())
            put("max_vs_bare_p50", ratios[worst_page], f"<= {TARGETS['vs_bare']} (worst: {worst_page})", over == 0)
            put("pages_within_vs_bare", f"{len(ratios) - over} of {len(ratios)}", "all", over == 0)
        facets = r["serving"]["facets"]
        ok = [t for t, f in facets.items() if set(f["declared"]) <= set(f["shown"]) and not f["timed_out"]]
        missing = sorted(set(facets) - set(ok))
        put("tables_showing_their_facets", f"{len(ok)} of {len(facets)}", "all" + (f" (missing: {', '.join(missing)})"
            if missing else ""), len(ok) == len(facets))  # fmt: skip
        errors = sum(len(v[k]["errors"]) for v in pages.values() for k in ("ours", "bare") if k in v)
        put("serving_errors", errors, "0", errors == 0)
    return out


def markdown(r: dict) -> str:
    """bench/RESULTS.md: the tables a reader compares."""
    md = [
        "# Benchmark results (`make bench`)",
        "",
        f"One run of `python -m bench.scale` on {r['machine']} (Python {r['python']}), "
        f"{r['total_s'] / 60:.1f} min in all; load average {r.get('load_start', 0):.1f} at the start (the machine "
        "is shared: other processes take CPU, so compare ratios within the run).",
        "Corpora are generated from the seed articles' paragraphs (bench/corpus.py, seed 5): shuffled, with figures, "
        "months and names varied, two facts per article.",
        "",
        "## Targets",
        "",
        "| measure | this run | target | met |",
        "| --- | ---: | --- | --- |",
    ]
    for name, s in r["summary"].items():
        met = "" if s["met"] is None else "yes" if s["met"] else "**no**"
        md.append(f"| {name} | {_fmt(s['value'])} | {s['target']} | {met} |")
    md += ["", "## Build (clean, end to end)", ""]
    md += [
        f"Each size up to the reference built {ROUNDS} times with each of --jobs 1 and --jobs 2 (interleaved) and "
        "the floor as often: the fastest run of each is shown (every run's time is in results.json, `rounds`).",
        "",
    ]
    md += [
        "| articles | text MB | jobs 1 s | jobs 2 s | floor s | jobs 1 / floor | MB/s | peak RSS MB (jobs 1 / 2 / "
        "floor) | jobs 2 all processes, PSS MB | inputs alone MB | same bytes | DB MB | load |",
        "|" + " ---: |" * 13,
    ]
    for b in r["scale"]:
        if "error" in b:
            md.append(f"| {b['articles']:,} | {b['text_mb']:.2f} | did not build: {b['error'][-200:]} |" + " |" * 10)
            continue
        md.append(f"| {b['articles']:,} | {b['text_mb']:.2f} | {b['build_s']:.2f} | {b['jobs2_s']:.2f} | "
                  f"{b['floor_s']:.2f} | {b['build_s'] / b['floor_s']:.2f} | {b['mb_per_s']:.2f} | "
                  f"{b['peak_rss_mb']:.0f} / {b['jobs2_peak_rss_mb']:.0f} / {b['floor_peak_rss_mb']:.0f} | "
                  f"{b.get('jobs2_tree_pss_mb', 0):.0f} | {b.get('inputs_peak_rss_mb', 0):.0f} | "
                  f"{'yes' if b['same_bytes'] else '**no**'} | {b['db_mb']:.1f} | {b['load']:.1f} |")  # fmt: skip
    if r.get("exponent") is not None:
        md += ["", f"Scaling exponent (time ~ articles^k, least squares over the sizes): **k = {r['exponent']:.2f}**."]
    done = built(r["scale"])
    tables = list(done[-1]["rows"])
    md += ["", "### Rows per table", "", "| table | " + " | ".join(f"{b['articles']:,}" for b in done) + " |"]
    md.append("| --- |" + " ---: |" * len(done))
    md += [f"| {t} | " + " | ".join(f"{b['rows'].get(t, 0):,}" for b in done) + " |" for t in tables]
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
        md += ["", "Profile of an incremental build with nothing changed (cProfile, cumulative):", "", "```"]
        md += [*inc["profile"], "```"]
    if "peers" in r:
        p = r["peers"]
        md += ["", f"## Extraction against peers (the same {p['articles']} articles, {p['text_mb']:.3f} MB)", ""]
        md += ["| extractor | MB/s | ours / theirs |", "| --- | ---: | ---: |"]
        for k, v in p["mb_per_s"].items():
            md.append(f"| {k} | {v:.3f} | {_fmt(p['ours_vs'].get(k, 1.0))}x |")
        md += [f"| {k} | not installed (`make eval` installs it) | |" for k in p["missing"]]
    if "serving" in r:
        sizes = tuple(b["articles"] for b in r["scale"])
        md += ["", f"## Serving ({r['requests']} sequential requests per endpoint, immutable mode, inspect file)", ""]
        md += [
            f"p50 / p95 in ms on the {reference(sizes):,}-article database: ours (metadata, plugins, "
            "templates, as `make serve`) and bare Datasette (same version, database and settings; no canned queries "
            f"there). Each endpoint gets at most {r['requests']} x {TARGETS['p95_ms']:.0f} ms; one slower than that "
            "gets fewer requests (column n). Column first is the first request of the page, before the caches of "
            "plugins/serving_cache.py (facet counts, shared summaries) hold its parts; p50 and p95 are of the requests "
            "after it.",
            "",
        ]
        md += ["| endpoint | first | p50 | p95 | n | bare p50 | bare p95 | p50 / bare |", "| --- |" + " ---: |" * 7]
        for path, v in r["serving"]["pages"].items():
            o, b = v["ours"], v.get("bare")
            bare = (f"{b['p50_ms']:.1f} | {b['p95_ms']:.1f} | {o['p50_ms'] / max(b['p50_ms'], 1e-9):.2f}"
                    if b else " | | ")  # fmt: skip
            first = f"{o['first_ms']:.1f}" if "first_ms" in o else ""
            md.append(f"| `{path}` | {first} | {o['p50_ms']:.1f} | {o['p95_ms']:.1f} | {o['requests']} | {bare} |")
        md += ["", "Facets declared in metadata.yml and shown on the table page (`.json?_size=0`):", ""]
        md += ["| table | declared | shown | timed out |", "| --- | --- | --- | --- |"]
        for t, f in r["serving"]["facets"].items():
            md.append(f"| {t} | {', '.join(f['declared'])} | {', '.join(f['shown'])} | {', '.join(f['timed_out'])} |")
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
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="corpus sizes (1000,10000)")
    parser.add_argument("--requests", type=int, default=60, help="requests per endpoint and server (60)")
    parser.add_argument("--work", type=Path, help="folder for corpora and databases (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench", help="where results.json and RESULTS.md go")
    args = parser.parse_args(argv)
    sizes = tuple(int(n) for n in args.sizes.split(","))
    started = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        r = run(work, sizes, args.requests)
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


# A pure-Python loop, CPU-bound, with no memory to speak of: what one core does in a few seconds.
_SPIN = "x = 0\nfor i in range({n}):\n    x += i % 7"


def parallel_ceiling(loops: int = 30_000_000) -> dict:
    """How much faster two CPU-bound processes finish together than one after the other on this machine: the most
    ``--jobs 2`` could gain over ``--jobs 1``. Two cores of a shared machine need not give 2x (on this one, two
    loops side by side took 4.0 and 4.4 s where one alone took 3.6 s: 1.62x)."""
    spin = [sys.executable, "-c", _SPIN.format(n=loops)]
    t0 = time.perf_counter()
    subprocess.run(spin, check=True)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    procs = [subprocess.Popen(spin) for _ in range(2)]
    for p in procs:
        p.wait()
    two = time.perf_counter() - t0
    return {"one_s": one, "two_s": two, "speedup": 2 * one / two}


def run(work: Path, sizes: tuple[int, ...], requests: int) -> dict:
    """Every measurement: builds per size, stages on the 1,000 corpus (or the smallest), incremental and serving on
    the reference size (10,000 articles, else the largest)."""
    r: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "python": platform.python_version()}
    r["requests"] = requests
    r["load_start"] = os.getloadavg()[0]
    r["parallel_ceiling"] = parallel_ceiling()
    _say(f"two CPU-bound processes together: {r['parallel_ceiling']['speedup']:.2f}x one after the other")
    _say("build:")
    r["scale"] = scale(work, sizes)
    points = [(b["articles"], b["build_s"]) for b in built(r["scale"])]
    r["exponent"] = exponent(points) if len(points) > 1 else None
    r["stages"] = stages(work / f"corpus-{1000 if 1000 in sizes else sizes[0]}")
    if requests:
        big = work / f"corpus-{reference(sizes)}" / "facts.db"
        r["serving"] = serving(big, requests)
        r["derived_costs"] = derived_costs(big)
        slow = {p: v["ours"]["p95_ms"] for p, v in r["serving"]["pages"].items() if v["ours"]["p95_ms"] > 50}
        _say(
            f"  serving: {len(r['serving']['pages'])} endpoints; p95 over {TARGETS['p95_ms']:.0f} ms: {slow or 'none'}"
        )
    r["incremental"] = incremental(work, reference(sizes))  # last: it edits the corpus
    r["peers"] = peers(work / f"corpus-{sizes[0]}")
    return r


if __name__ == "__main__":
    raise SystemExit(main())
