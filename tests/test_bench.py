"""The scale benchmark's parts on a tiny corpus (no timings asserted), and incremental builds equal clean ones."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from bench import corpus, scale
from etl import article, sources, state, yamlfile
from etl import load as etl_load
from etl.build import build, build_report
from etl.errors import InputError
from etl.publish import plugin
from tests.conftest import ROOT

build_lock = plugin("build_lock")

N = 6


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bench") / f"corpus-{N}"
    corpus.generate(N, folder)
    return folder


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_is_deterministic_and_prefix_stable(tiny: Path, tmp_path: Path):
    again = tmp_path / "again"
    corpus.generate(N, again)
    assert _digest(again) == _digest(tiny)
    smaller = tmp_path / "smaller"
    corpus.generate(N - 2, smaller)
    assert (smaller / "seeds" / "bench-00003.txt").read_bytes() == (tiny / "seeds" / "bench-00003.txt").read_bytes()


def test_corpus_builds_and_every_stage_finds_something(tiny: Path, tmp_path: Path):
    counts = build(tiny / "seeds", tiny / "facts.yml", tmp_path / "facts.db")
    assert counts["sources"] == N
    assert counts["facts"] == counts["fact_evidence"] == 2 * N  # two facts of its own per article
    for table in ("segments", "quantities", "dates", "quotes", "entity_mentions", "evidence_quantities"):
        assert counts[table] >= N, table
    db = sqlite_utils.Database(tmp_path / "facts.db")
    cited = {r["source_id"] for r in db["fact_evidence"].rows}
    assert cited == {f"bench-{i:05d}" for i in range(N)}
    seed_text = "".join(p.read_text(encoding="utf-8") for p in (scale.ROOT / "seeds").glob("*.txt"))
    varied = [r["text"] for r in db["segments"].rows_where("kind = 'body'") if r["text"] not in seed_text]
    assert varied, "paragraphs should be varied, not copied"


def _three_builds(tiny: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A clean build, then one article edited: an incremental build in place and a clean build elsewhere."""
    folder = tmp_path / "c"
    shutil.copytree(tiny, folder)
    db, before, clean = tmp_path / "inc" / "facts.db", tmp_path / "before.db", tmp_path / "clean" / "facts.db"
    first = build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert (first.computed, first.kept) == (N, 0)
    unchanged = build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert (unchanged.computed, unchanged.kept) == (0, N)
    shutil.copy(db, before)
    corpus.edit(folder, 2)
    report = build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert (report.computed, report.kept) == (1, N - 1)
    build(folder / "seeds", folder / "facts.yml", clean)
    assert report.counts == {t: sqlite_utils.Database(clean)[t].count for t in report.counts}
    return db, before, clean


def test_incremental_build_equals_clean_build_row_by_row(tiny: Path, tmp_path: Path):
    db, before, clean = _three_builds(tiny, tmp_path)
    assert scale.differences(db, clean) == []
    # the comparison sees an edit: the build before it differs in the edited article's rows
    found = scale.differences(before, clean)
    assert "rows of segments differ" in found and "rows of sources differ" in found
    assert "rows of facts differ" not in found


def test_incremental_build_recomputes_everything_when_entities_change(tiny: Path, tmp_path: Path):
    folder = tmp_path / "c"
    shutil.copytree(tiny, folder)
    db = tmp_path / "facts.db"
    build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    facts = folder / "facts.yml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("  - Kallas\n", "  - Kallas\n  - Kaja\n"), "utf-8")
    report = build_report(folder / "seeds", facts, db, incremental=True)
    assert (report.computed, report.kept) == (N, 0)


def test_incremental_build_ignores_a_state_file_for_another_database(tiny: Path, tmp_path: Path):
    db = tmp_path / "facts.db"
    build_report(tiny / "seeds", tiny / "facts.yml", db, incremental=True)
    build(scale.ROOT / "seeds", scale.ROOT / "facts.yml", db)  # replaced behind the state file's back
    report = build_report(tiny / "seeds", tiny / "facts.yml", db, incremental=True)
    assert (report.computed, report.kept) == (N, 0)


def test_the_database_is_the_same_bytes_whatever_the_number_of_jobs(tiny: Path, tmp_path: Path):
    digests = set()
    for jobs in (1, 2, 3):
        db = tmp_path / f"jobs{jobs}" / "facts.db"
        build(tiny / "seeds", tiny / "facts.yml", db, jobs=jobs)
        digests.add(hashlib.sha256(db.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_a_three_line_build_script_needs_no_main_guard(tiny: Path, tmp_path: Path):
    """Worker processes are forked, not started afresh: a script that builds with several jobs is not run again in
    each worker (as it would be with the spawn or forkserver start methods, unless guarded)."""
    script = tmp_path / "build_it.py"
    db = tmp_path / "script.db"
    script.write_text(
        f"from pathlib import Path\nfrom etl.build import build\nprint('building')\n"
        f"build(Path({str(tiny / 'seeds')!r}), Path({str(tiny / 'facts.yml')!r}), Path({str(db)!r}), jobs=2)\n",
        encoding="utf-8",
    )
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.count("building") == 1
    assert sqlite_utils.Database(db)["sources"].count == N


def test_more_worker_processes_than_sqlite_attaches_give_the_same_bytes(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Each worker stages its rows in its own file and SQLite attaches ten at most: surplus parts are merged first
    (here two attachable: the curated rows' part and one more, so the second and third workers' parts are merged
    into the first)."""
    one = tmp_path / "one.db"
    build(tiny / "seeds", tiny / "facts.yml", one, jobs=1)
    merged = []
    real = etl_load._merge_part
    monkeypatch.setattr(etl_load, "_MOST_PARTS", 2)
    monkeypatch.setattr(etl_load, "_merge_part", lambda *a: merged.append(a) or real(*a))
    many = tmp_path / "many.db"
    build(tiny / "seeds", tiny / "facts.yml", many, jobs=3)
    assert merged
    assert many.read_bytes() == one.read_bytes()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".staging", ".tmp"))]  # nothing left over


def test_an_unchanged_facts_file_is_not_read_again(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "facts.db"
    build_report(tiny / "seeds", tiny / "facts.yml", db, incremental=True)
    reads = []
    real = state.load_facts
    monkeypatch.setattr(state, "load_facts", lambda *a: reads.append(a) or real(*a))
    build_report(tiny / "seeds", tiny / "facts.yml", db, incremental=True)
    assert reads == []  # from the cache
    facts = tiny.parent / "edited-facts.yml"
    facts.write_text((tiny / "facts.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build_report(tiny / "seeds", facts, db, incremental=True)
    assert len(reads) == 1  # a changed file is read and checked again


_HOLD = "import sys; b = bytearray({mb} << 20); b[::4096] = b'x' * len(b[::4096])"  # touched: resident


def test_a_build_s_memory_is_its_own_not_the_benchmark_s(tmp_path: Path):
    """A child's ru_maxrss counts its parent's size at the fork: here the test process holds 200 MB and the
    children it measures hold 5 MB and 60 MB; a worker the second one forks is counted in the tree's total."""
    held = bytearray(200 << 20)
    held[::4096] = b"x" * len(held[::4096])
    small = scale.timed([sys.executable, "-c", _HOLD.format(mb=5)])
    assert small["peak_rss_mb"] < 100
    forks = (
        _HOLD.format(mb=60) + "\nimport os, time\nif os.fork() == 0:\n    c = bytearray(60 << 20)\n"
        "    c[::4096] = b'y' * len(c[::4096])\n    time.sleep(0.5)\n    os._exit(0)\nos.wait()"
    )
    big = scale.timed([sys.executable, "-c", forks])
    assert 60 < big["peak_rss_mb"] < 150
    assert big["tree_pss_mb"] > 110  # the parent's 60 MB and its child's own 60 MB, each counted once
    del held


def test_a_build_s_time_is_from_its_start_to_its_end(tmp_path: Path):
    """The harness times the command it runs, not its own start: a child that exits at once takes less than a
    child that sleeps 0.4 s, by about 0.4 s, and that child is not reported as ending before it could."""
    quick = scale.timed([sys.executable, "-c", "pass"])["seconds"]
    slow = scale.timed([sys.executable, "-c", "import time; time.sleep(0.4)"])["seconds"]
    assert 0 < quick < slow and slow >= 0.4
    assert 0.35 < slow - quick < 0.6


def test_the_machine_s_parallel_ceiling_is_two_loops_against_one():
    ceiling = scale.parallel_ceiling(loops=2_000_000)
    assert ceiling["one_s"] > 0 and ceiling["two_s"] > 0
    assert (
        ceiling["speedup"] == pytest.approx(2 * ceiling["one_s"] / ceiling["two_s"]) and 0.5 < ceiling["speedup"] < 2.5
    )


def test_benchmark_smoke_run(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    work = tmp_path / "work"
    builds = scale.scale(work, (2, N))
    assert [b["articles"] for b in builds] == [2, N]
    assert all(b["peak_rss_mb"] > 10 and b["rows"]["sources"] == b["articles"] for b in builds)
    assert all(10 < b["inputs_peak_rss_mb"] <= b["peak_rss_mb"] for b in builds)  # reading inputs is part of a build
    assert all(b["same_bytes"] and b["floor_s"] > 0 for b in builds)
    assert scale.exponent([(10, 1.0), (100, 10.0), (1000, 100.0)]) == pytest.approx(1.0)
    stages = scale.stages(work / f"corpus-{N}", top=3)
    assert stages["slowest"] in stages["seconds"] and any("ncalls" in line for line in stages["profile"])
    served = scale.serving(work / f"corpus-{N}" / "facts.db", requests=1)
    pages = served["pages"]
    assert "/facts/facts.json?_shape=array" in pages and all(not v["ours"]["errors"] for v in pages.values())
    assert "bare" in pages["/facts"] and not pages["/facts"]["bare"]["errors"]
    assert served["facets"]["facts"]["declared"] and not served["facets"]["facts"]["timed_out"]
    inc = scale.incremental(work, N)
    assert (inc["computed"], inc["kept"], inc["equal_to_clean"]) == (1, N - 1, True)
    r = {"scale": builds, "exponent": 1.0, "incremental": inc, "stages": stages, "requests": 1, "serving": served}
    r |= {"machine": "test", "python": "3", "total_s": 1.0}
    r["derived_costs"] = scale.derived_costs(work / f"corpus-{N}" / "facts.db")
    assert r["derived_costs"]["timeline"]["rows"] > 0
    r["summary"] = scale.summary(r)
    md = scale.markdown(r)
    assert f"| incremental_s (1 of {N}) |" in md and "`/facts/facts.json?_shape=array`" in md and "| timeline |" in md
    assert "build_vs_floor" in md and "max_vs_bare_p50" in md
    # A size beyond the reference (make bench SIZES=...,100000): the targets stay at the reference size, and
    # whether the larger corpus built is a target of its own, its failure recorded rather than ending the run.
    bigger = {**builds[-1], "articles": 10 * N, "build_s": 9.0, "jobs2_s": 5.0, "peak_rss_mb": 999.0}
    failed = {"articles": 100 * N, "text_mb": 1.0, "error": "python -m etl build failed: MemoryError"}
    assert scale.reference((2, N, 10 * N)) == 10 * N and scale.reference((1000, 10000, 100000)) == 10000
    monkeypatch.setattr(scale, "REFERENCE", 10 * N)
    r["scale"] = [*builds, bigger, failed]
    s = scale.summary(r)
    assert f"jobs2_speedup ({10 * N:,})" in s and s[f"peak_rss_mb ({10 * N:,}, jobs 1 or 2 in all)"]["value"] == 999.0
    assert s["build_vs_floor with --jobs 2"]["value"] == 5.0 / bigger["floor_s"]
    assert s[f"builds_at ({100 * N:,})"]["met"] is False and "MemoryError" in s[f"builds_at ({100 * N:,})"]["value"]
    monkeypatch.setattr(scale, "REFERENCE", N)
    r["scale"] = [*builds, bigger, failed]
    s = scale.summary(r)
    assert f"jobs2_speedup ({N:,})" in s and s[f"builds_at ({10 * N:,})"]["met"] is True
    assert s[f"builds_at ({10 * N:,})"]["value"].startswith("built: jobs 2 5 s")
    r["summary"] = s
    assert f"| {100 * N:,} | 1.00 | did not build: python -m etl build failed: MemoryError |" in scale.markdown(r)


def _listing(folder: Path) -> list[dict]:
    return yaml.load((folder / "seeds" / "sources.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _copy_and_build(tiny: Path, tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "c"
    shutil.copytree(tiny, folder)
    db = tmp_path / "inc" / "facts.db"
    build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    return folder, db


def test_an_unchanged_seed_is_not_read_again_and_a_changed_one_is(tiny: Path, tmp_path, monkeypatch):
    folder, db = _copy_and_build(tiny, tmp_path)
    read = []
    real = sources._read_seed
    monkeypatch.setattr(sources, "_read_seed", lambda file, *a: read.append(file.name) or real(file, *a))
    assert build_report(folder / "seeds", folder / "facts.yml", db, incremental=True).kept == N
    assert read == []  # neither sources.yml parsed nor any seed hashed again: their signatures are as recorded
    seed = folder / "seeds" / "bench-00001.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "One more line.\n", encoding="utf-8")  # sha256 not updated
    with pytest.raises(InputError, match=r"sha256 of bench-00001\.txt is "):
        build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert read == ["bench-00001.txt"]


def test_a_failed_incremental_build_leaves_the_database_as_it_was(tiny: Path, tmp_path: Path):
    folder, db = _copy_and_build(tiny, tmp_path)
    before = db.read_bytes()
    caches = {p.name: p.read_bytes() for p in (state.sources_cache(db), state.facts_cache(db))}
    listing = _listing(folder)
    facts = yaml.load((folder / "facts.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["facts"]
    quote = next(f["evidence"][0]["quote"] for f in facts if f["evidence"][0]["source"] == "bench-00003")
    seed = folder / "seeds" / "bench-00003.txt"
    text = seed.read_text(encoding="utf-8").replace(quote, "Nothing to see here.")
    seed.write_text(text, encoding="utf-8")
    next(e for e in listing if e["id"] == "bench-00003")["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    corpus._dump(folder / "seeds" / "sources.yml", listing)
    with pytest.raises(InputError, match="quote not found in bench-00003"):
        build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir() if not p.name.startswith(".facts.db.")) == ["facts.db"]
    # the caches the failed build wrote for the next one were never put in place, nor left beside them
    assert {p.name: p.read_bytes() for p in (state.sources_cache(db), state.facts_cache(db))} == caches
    assert not [p.name for p in db.parent.iterdir() if p.suffix == ".tmp"]


def test_an_incremental_build_patches_in_place_unless_a_server_holds_the_file_and_leaves_it_when_nothing_changed(
    tiny: Path, tmp_path: Path
):
    """With no reader, the patch goes into the file itself (same inode), equal to a clean build. A server of ours
    holds a shared lock on the file it serves (plugins/build_lock.py, Datasette opens it immutable, assuming it
    never changes): then the patch is a new file renamed into place, and the server's open file still reads byte
    for byte as before. No temporary file is left either way."""
    folder, db = _copy_and_build(tiny, tmp_path)
    before, stat = db.read_bytes(), db.stat()
    again = build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert (again.computed, again.kept) == (0, N) and again.counts == {
        t: sqlite_utils.Database(db)[t].count for t in again.counts
    }
    assert (db.stat().st_ino, db.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)  # nothing to do: not rewritten

    corpus.edit(folder, 1)
    report = build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert (report.computed, report.kept) == (1, N - 1)
    assert db.stat().st_ino == stat.st_ino and db.read_bytes() != before  # patched in place
    clean = tmp_path / "clean" / "facts.db"
    build(folder / "seeds", folder / "facts.yml", clean)
    assert scale.differences(db, clean) == []

    patched, stat = db.read_bytes(), db.stat()
    held = build_lock.hold(str(db))
    try:
        with state.unread(db) as alone:
            assert not alone
        corpus.edit(folder, 2)
        report = build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
        assert (report.computed, report.kept) == (1, N - 1)
        assert held.read() == patched  # the open file was not written to
    finally:
        held.close()
    assert db.stat().st_ino != stat.st_ino and db.read_bytes() != patched
    assert sorted(p.name for p in db.parent.iterdir() if not p.name.startswith(".facts.db.")) == ["facts.db"]


def test_a_patch_cut_short_is_rolled_back_before_a_build_or_a_server_reads_the_file(tiny: Path, tmp_path: Path):
    """A build killed in the middle of an in-place patch leaves a hot rollback journal: the next build and the
    next server roll it back (an immutable reader would ignore it and read half-written pages)."""
    folder, db = _copy_and_build(tiny, tmp_path)
    mentions = sqlite_utils.Database(db)["entity_mentions"].count
    journal = db.with_name("facts.db-journal")
    killed = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('pragma cache_size = 1')\n"  # dirty pages spill into the file before any commit
        "db.execute('begin')\n"
        "db.execute('delete from entity_mentions')\n"
        "os._exit(9)\n"
    )
    for reader in ("server", "build"):
        subprocess.run([sys.executable, "-c", killed, str(db)], check=False)
        assert journal.exists() and journal.stat().st_size > 0
        if reader == "server":
            build_lock.hold(str(db)).close()
        else:
            report = build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
            assert report.counts["entity_mentions"] == mentions
        assert not journal.exists()
        assert sqlite_utils.Database(db)["entity_mentions"].count == mentions, reader


def test_an_incremental_build_follows_an_origin_change_into_other_articles_facts(tiny: Path, tmp_path: Path):
    """A publisher edited in one article's entry changes which origin other articles belong to; the facts citing
    those (untouched) articles are graded again, as a clean build grades them."""
    folder, db = _copy_and_build(tiny, tmp_path)
    listing = _listing(folder)
    publishers = {e["publisher"] for e in listing}
    assert len(publishers) > 1
    edited = next(e for e in listing if e["id"] == "bench-00004")
    edited["publisher"] = next(p for p in sorted(publishers) if p != edited["publisher"])
    edited["credits"] = sorted(publishers)  # one origin for all: every article's facts change grade
    corpus._dump(folder / "seeds" / "sources.yml", listing)
    report = build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert (report.computed, report.kept) == (1, N - 1)
    clean = tmp_path / "clean" / "facts.db"
    build(folder / "seeds", folder / "facts.yml", clean)
    assert scale.differences(db, clean) == []
    origins = sqlite_utils.Database(db).execute("select count(distinct origin_id) from source_origins").fetchone()
    assert origins == (1,)
    assert report.counts == {t: sqlite_utils.Database(clean)[t].count for t in report.counts}


def test_an_edited_entry_is_all_of_the_listing_parsed_again(tiny: Path, tmp_path: Path, monkeypatch):
    folder, db = _copy_and_build(tiny, tmp_path)
    listing = _listing(folder)
    next(e for e in listing if e["id"] == "bench-00002")["title"] = "A corrected headline"
    corpus._dump(folder / "seeds" / "sources.yml", listing)
    whole, items = [], []
    monkeypatch.setattr(sources, "read_yaml", lambda *a, **k: whole.append(a) or yamlfile.read_yaml(*a, **k))
    monkeypatch.setattr(sources, "parse_yaml", lambda *a, **k: items.append(a) or yamlfile.parse_yaml(*a, **k))
    report = build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert (report.computed, len(whole), len(items)) == (1, 0, 1)
    assert "A corrected headline" in items[0][0]
    clean = tmp_path / "clean" / "facts.db"
    build(folder / "seeds", folder / "facts.yml", clean)
    assert scale.differences(db, clean) == []


def test_an_error_in_an_edited_listing_names_its_line(tiny: Path, tmp_path: Path):
    """Items parsed alone still count lines from the top of the file, and a moved item's lines move with it."""
    folder, db = _copy_and_build(tiny, tmp_path)
    path = folder / "seeds" / "sources.yml"
    text = "# three lines\n# of comments\n# added on top\n" + path.read_text(encoding="utf-8")
    sha = next(e for e in _listing(folder) if e["id"] == "bench-00004")["sha256"]
    path.write_text(text.replace(sha, "0" * 64), encoding="utf-8")
    line = next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "0" * 64 in row)
    with pytest.raises(InputError) as moved:
        build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert (moved.value.line, moved.value.message.split(" is ")[0]) == (line, "sha256 of bench-00004.txt")
    head, item = path.read_text(encoding="utf-8").split("- id: bench-00003\n")
    text = head + "- id: bench-00003\n" + re.sub(r"(?m)^  published: .*$", "  published: someday", item, count=1)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "someday" in row)
    with pytest.raises(InputError, match="'published' must be a date") as bad:
        build_report(folder / "seeds", folder / "facts.yml", db, incremental=True)
    assert bad.value.line == line


def test_span_results_wait_in_the_staging_not_in_memory(tiny: Path, tmp_path: Path):
    """What a staged article sends back holds neither rows nor span results; the checks read each result back
    from the staging, equal to what the article computed."""
    srcs = sources.load_sources(tiny / "seeds")
    cur = state.curated(tiny / "facts.yml", srcs, None).curated
    refs = article.refs_by_source(cur)
    staging = etl_load.Staging(tmp_path / "staging", article.ARTICLE_TABLES)
    try:
        done = list(article.compute_all(srcs, cur, refs, 2, tiny / "seeds", staging))
        assert [c.source_id for c in done] == [s.id for s in srcs]
        assert all(c.rows == {} and c.spans == {} for c in done)
        spans = article.Spans(staging)
        computed = {k: v for s in srcs for k, v in article.compute(s, cur, refs.get(s.id, ())).spans.items()}
        assert len(computed) == sum(len(f.evidence) for f in cur.facts) > 0
        for key, result in computed.items():
            assert spans[key] == result
        assert not dict(spans)  # read back, not kept
        with pytest.raises(KeyError):
            spans[("fact", len(cur.facts), 0)]
    finally:
        staging.close()


def test_a_row_key_that_is_no_column_is_refused_not_dropped():
    with pytest.raises(ValueError, match="facts has no column colour"):
        etl_load.packed({"facts": [{"id": "x", "colour": "red"}]})
