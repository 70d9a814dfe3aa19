"""The published server is read-only and bounded: writes fail cleanly, slow queries are cut off."""

from __future__ import annotations

import concurrent.futures
import json
import math
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from etl.publish import SETTINGS, read_metadata, running
from tests.conftest import METADATA


def fetch(url: str, timeout: float = 30) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture(scope="module")
def served(db_path: Path, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("served") / "facts.db"
    shutil.copy(db_path, db)
    before = db.read_bytes()
    with running(db, METADATA) as base:
        yield base
    assert db.read_bytes() == before  # nothing the tests sent changed the published file


def sql(base: str, statement: str) -> tuple[int, dict]:
    return fetch(f"{base}/facts.json?" + urllib.parse.urlencode({"sql": statement}))


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO topics (id, description) VALUES ('x', 'y')",
        "UPDATE facts SET value = 1",
        "DELETE FROM facts",
        "DROP TABLE facts",
        "ATTACH DATABASE '/tmp/evil.db' AS evil",
        "PRAGMA writable_schema = 1",
        "select 1; UPDATE facts SET value = 1",
    ],
)
def test_writes_fail_cleanly(served, statement):
    checksum = "select (select count(*) from facts), (select total(value) from facts), (select count(*) from topics)"
    _, before = sql(served, checksum)
    status, body = sql(served, statement)
    assert status == 400 and body["ok"] is False and body["error"], body
    status, after = sql(served, checksum)
    assert status == 200 and after["rows"] == before["rows"]


def test_slow_query_is_cut_off_while_others_are_answered(served):
    slow = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    limit_s = int(SETTINGS["sql_time_limit_ms"]) / 1000

    def timed(call, *args):
        result = call(*args)
        return result, time.monotonic()

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        t0 = time.monotonic()
        cut = pool.submit(timed, sql, served, slow)
        time.sleep(0.1)
        quick = [pool.submit(timed, fetch, f"{served}/facts/topics.json?_shape=array") for _ in range(3)]
        answers = [q.result() for q in quick]
        (status, body), slow_done = cut.result()
    assert status == 400 and "too long" in body["error"], body
    assert slow_done - t0 < limit_s + 5
    assert all(code == 200 and len(rows) == 7 for (code, rows), _ in answers)
    assert max(done for _, done in answers) < slow_done  # answered while the slow query was still running


def test_no_writable_canned_queries_or_writing_plugins(served):
    status, plugins = fetch(f"{served}/-/plugins.json")
    names = {p["name"] for p in plugins}
    ours = {
        "source_viewer.py",
        "reader.py",
        "charts.py",
        "serving_cache.py",
        "paging.py",
        "build_lock.py",
        "table_rows.py",
    }
    installed = {"datasette-vega", "datasette-search-all", "datasette-cluster-map", "datasette-leaflet"}
    installed.add("datasette-atom")
    assert status == 200 and names == ours | installed
    # The repo's own plugins only render: template variables, cell links, page scripts, read-only pages (GET routes),
    # metadata computed from the sources, and an SQL function (escape_fts) that quotes search words; or cache
    # look-ups at startup (serving_cache: metadata, permissions, schema and facet counts of an immutable database), or
    # compute a page's offset from its number (paging: register_magic_parameters), or lock the file they serve against
    # patching in place (build_lock: startup; it writes only to roll back a build killed mid-patch, before serving),
    # or give the templates a function that writes a table's rows (table_rows: prepare_jinja2_environment).
    reading = {"extra_template_vars", "render_cell", "extra_body_script", "extra_js_urls", "register_routes",
               "get_metadata", "prepare_connection", "startup", "register_magic_parameters",
               "prepare_jinja2_environment"}  # fmt: skip
    for p in plugins:
        if p["name"] in ours:
            assert set(p["hooks"]) <= reading, p
    (cache,) = [p for p in plugins if p["name"] == "serving_cache.py"]
    assert cache["hooks"] == ["startup"]
    for name, q in read_metadata(METADATA)["databases"]["facts"]["queries"].items():
        assert not q.get("write"), name
        assert q["sql"].lstrip().lower().startswith(("select", "with")), name


def test_serve_prints_the_address_it_serves_on(db_path: Path, tmp_path: Path):
    """`python -m etl serve --port 0` (make serve PORT=0) takes a free port and says which: the printed URL answers."""
    db = tmp_path / "facts.db"
    shutil.copy(db_path, db)
    cmd = [sys.executable, "-m", "etl", "serve", "--db", str(db), "--port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first = proc.stdout.readline()
        m = re.fullmatch(r"Serving \S+ on (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)\n", first)
        assert m and int(m[2]) > 0, first
        deadline = time.monotonic() + 30
        while True:
            try:
                assert fetch(m[1] + "-/versions.json")[0] == 200
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not answer at its URL"
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_shared_summaries_are_computed_once_per_page_on_an_immutable_database(db_path: Path):
    """A canned query marked shared: true answers from memory the second time (the same object), with the rows
    SQLite gives; another page of it, or a query not marked, is computed again."""
    import asyncio
    import sqlite3

    from datasette.app import Datasette

    from etl.publish import PLUGINS_DIR, TEMPLATES_DIR

    metadata = read_metadata(METADATA)
    queries = metadata["databases"]["facts"]["queries"]
    shared = queries["facts_per_topic_by_source"]
    assert shared.get("shared") and not queries["facts_by_topic"].get("shared")
    ds = Datasette(immutables=[str(db_path)], metadata=metadata, plugins_dir=str(PLUGINS_DIR),
                   template_dir=str(TEMPLATES_DIR))  # fmt: skip

    async def run():
        await ds.invoke_startup()
        first = await ds.execute("facts", shared["sql"], {"_page": "1"})
        again = await ds.execute("facts", shared["sql"], {"_page": "1"})
        other = await ds.execute("facts", shared["sql"], {"_page": "2"})
        plain = [
            await ds.execute(
                "facts", queries["facts_by_topic"]["sql"], {"topic": "sanctions", "_page_size": 100, "_page_offset": 0}
            )
            for _ in "ab"
        ]
        return first, again, other, plain

    first, again, other, plain = asyncio.run(run())
    with sqlite3.connect(db_path) as conn:
        want = conn.execute(shared["sql"]).fetchall()
    assert [tuple(r) for r in first.rows] == want and len(want) >= 4
    assert again is first and other is not first
    assert plain[0] is not plain[1] and [tuple(r) for r in plain[0].rows] == [tuple(r) for r in plain[1].rows]


def test_an_anonymous_readers_permissions_are_asked_once(db_path: Path):
    """The second request of a page asks no permission question again (each costs the plugin hooks and a log
    entry; the index asks hundreds), and gets the same page."""
    import asyncio

    from datasette.app import Datasette

    from etl.publish import PLUGINS_DIR, TEMPLATES_DIR

    ds = Datasette(immutables=[str(db_path)], metadata=read_metadata(METADATA), plugins_dir=str(PLUGINS_DIR),
                   template_dir=str(TEMPLATES_DIR))  # fmt: skip

    async def run():
        await ds.invoke_startup()
        ds._permission_checks = []  # a list, not Datasette's deque of the last 200, so that every question counts
        first = await ds.client.get("/facts")
        asked = len(ds._permission_checks)
        again = await ds.client.get("/facts")
        return first, asked, again, len(ds._permission_checks)

    first, asked, again, asked_again = asyncio.run(run())
    assert first.status_code == again.status_code == 200 and asked > 20
    assert asked_again == asked
    assert again.text.count('href="/facts/') == first.text.count('href="/facts/') > 20


def test_a_served_database_is_locked_against_patching_in_place(db_path: Path, tmp_path: Path):
    """Datasette with our plugins holds a shared lock on each file it serves from startup on, so an incremental
    build patches a copy and renames it instead of writing under the immutable reader (plugins/build_lock.py)."""
    import asyncio

    from datasette.app import Datasette

    from etl import state
    from etl.publish import PLUGINS_DIR

    db = tmp_path / "facts.db"
    shutil.copy(db_path, db)
    with state.unread(db) as alone:
        assert alone
    ds = Datasette(immutables=[str(db)], metadata=read_metadata(METADATA), plugins_dir=str(PLUGINS_DIR))
    asyncio.run(ds.invoke_startup())
    with state.unread(db) as alone:
        assert not alone


def test_table_pages_rows_are_datasettes_markup_written_in_one_step(db_path: Path, tmp_path: Path):
    """templates/_table.html writes its rows with plugins/table_rows.py: every page of rows (the facts with their
    quotes, a source's text as a viewer link, extracted figures as links into the viewer, a row page) has the
    cells Datasette's own _table.html gives, class for class and character for character."""
    import asyncio
    import re
    import shutil

    from datasette.app import Datasette

    from etl.publish import PLUGINS_DIR, TEMPLATES_DIR

    theirs = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, theirs, ignore=shutil.ignore_patterns("_table.html"))
    metadata = read_metadata(METADATA)
    pages = ["/facts/facts", "/facts/sources", "/facts/quantities?_size=200", "/facts/fact_evidence", "/facts/topics"]

    def cells(html: str) -> list[str]:
        body = html[html.index("<tbody>") : html.index("</tbody>")]
        return re.findall(r"<td [^>]*>.*?</td>", body, flags=re.S)

    async def get(template_dir: Path) -> list[tuple[int, str]]:
        ds = Datasette(immutables=[str(db_path)], metadata=metadata, plugins_dir=str(PLUGINS_DIR),
                       template_dir=str(template_dir))  # fmt: skip
        await ds.invoke_startup()
        first = next(iter((await ds.get_database("facts").execute("select id from sources order by id")).rows))[0]
        out = []
        for path in [*pages, f"/facts/sources/{first}"]:
            r = await ds.client.get(path)
            out.append((r.status_code, r.text))
        return out

    ours, default = asyncio.run(get(TEMPLATES_DIR)), asyncio.run(get(theirs))
    for path, (status, html), (their_status, their_html) in zip([*pages, "row"], ours, default, strict=True):
        assert status == their_status == 200, path
        mine = cells(html)
        assert mine == cells(their_html) and len(mine) >= 3, path
        assert html.count("<tr>") == their_html.count("<tr>"), path
    facts_cells = cells(ours[0][1])
    assert any('class="col-statement type-str"' in c and "in the article</a>" in c for c in facts_cells)


def test_the_warm_up_counts_declared_facets_fills_the_facts_quotes_and_freezes_what_it_holds(db_path: Path):
    """After startup's warm-up a facet metadata.yml declares is answered from the cache (its count is not run
    again), the facts table's quotes are held (not read again), a shared query's first page is computed, and what
    the server holds is out of the garbage collector's way (gc.freeze)."""
    import asyncio
    import gc

    from datasette.app import Datasette

    from etl.publish import PLUGINS_DIR, SETTINGS, TEMPLATES_DIR

    settings = {k: int(v) if v.isdigit() else v == "on" if v in ("on", "off") else v for k, v in SETTINGS.items()}
    ds = Datasette(immutables=[str(db_path)], metadata=read_metadata(METADATA), plugins_dir=str(PLUGINS_DIR),
                   template_dir=str(TEMPLATES_DIR), settings=settings)  # fmt: skip
    frozen_before = gc.get_freeze_count()

    async def run():
        await ds.invoke_startup()
        await ds._serving_cache_warm
        frozen = gc.get_freeze_count()
        ran = []
        db = ds.databases["facts"]
        real, real_fn = db.execute, db.execute_fn

        async def spy(sql, *args, **kwargs):
            ran.append(sql)
            return await real(sql, *args, **kwargs)

        async def spy_fn(fn):
            ran.append(fn.__name__)
            return await real_fn(fn)

        db.execute, db.execute_fn = spy, spy_fn
        pages = [await ds.client.get(p) for p in ("/facts/facts.json?_size=0", "/facts/facts", "/facts/facts_feed")]
        return frozen, ran, pages

    try:
        frozen, ran, (facets, html, feed) = asyncio.run(run())
    finally:
        gc.unfreeze()
    assert frozen > frozen_before + 10_000
    assert facets.json()["facet_results"]["topic"]["results"] and html.status_code == 200
    assert "in the article</a>" in html.text
    assert ran and not [q for q in ran if "group by" in q.lower() or q == "_all_evidence"], ran
    shared = read_metadata(METADATA)["databases"]["facts"]["queries"]["facts_feed"]
    assert shared.get("shared") and feed.status_code == 200 and shared["sql"] not in ran  # computed in the warm-up


def test_a_searched_tables_count_is_computed_once_for_all_its_pages(db_path: Path):
    """Paging through ?_search= results: the count of every match is asked for on each page, and answered from
    memory after the first; the pages show the same count; a grouped query is not kept."""
    import asyncio

    from datasette.app import Datasette

    from etl.publish import PLUGINS_DIR, TEMPLATES_DIR

    ds = Datasette(immutables=[str(db_path)], metadata=read_metadata(METADATA), plugins_dir=str(PLUGINS_DIR),
                   template_dir=str(TEMPLATES_DIR))  # fmt: skip

    async def run():
        await ds.invoke_startup()
        execute = ds.databases["facts"].execute
        first = (await ds.client.get("/facts/segments.json?_search=Bakhmut&_size=5")).json()
        hits = execute.hits
        after = (await ds.client.get(f"/facts/segments.json?_search=Bakhmut&_size=5&_next={first['next']}")).json()
        grouped = "select count(*) from segments group by source_id"
        for _ in "ab":
            await execute(grouped)
        return first, hits, after, execute.hits

    import sqlite3

    first, hits, after, hits_after = asyncio.run(run())
    with sqlite3.connect(db_path) as conn:
        want = conn.execute("select count(*) from segments_fts where segments_fts match 'Bakhmut'").fetchone()[0]
    assert first["filtered_table_rows_count"] == after["filtered_table_rows_count"] == want > 5
    assert first["rows"] and after["rows"] and first["rows"] != after["rows"]
    assert hits_after == hits + 1  # the second page's count; not the grouped query's second run


def test_a_big_search_is_walked_along_the_pages_order_and_gives_datasettes_rows(db_path: Path):
    """``?_search=`` of a word in many rows, on a page ordered by a column that tells rows apart: the page's query
    walks that column's index (``+rowid in ...``) instead of looking every match up, and every page through to the
    last shows the rows Datasette's own SQL gives, in its order. A smaller match, or an order with ties, keeps
    Datasette's SQL."""
    import asyncio
    import sqlite3

    from datasette.app import Datasette

    from etl.publish import PLUGINS_DIR, TEMPLATES_DIR

    ds = Datasette(immutables=[str(db_path)], metadata=read_metadata(METADATA), plugins_dir=str(PLUGINS_DIR),
                   template_dir=str(TEMPLATES_DIR))  # fmt: skip
    sent: list[str] = []

    async def pages(query: str) -> tuple[list[str], bool]:
        """Every row id of a paged search, and whether its page queries walked an index."""
        del sent[:]
        ids, url = [], f"/facts/segments.json?{query}&_size=5&_shape=objects"
        while url:
            body = (await ds.client.get(url)).json()
            ids += [r["id"] for r in body["rows"]]
            url = f"/facts/segments.json?{query}&_size=5&_shape=objects&_next={body['next']}" * bool(body["next"])
        page_queries = [s for s in sent if s.startswith("select id, ") and " match " in s and " order by " in s]
        walked = {"+rowid in (select rowid from" in s for s in page_queries}
        assert len(walked) == 1, page_queries  # every page alike
        return ids, walked.pop()

    async def run():
        db = ds.databases["facts"]
        real = db.execute

        async def record(sql, params=None, *args, **kwargs):
            sent.append(sql)
            return await real(sql, params, *args, **kwargs)

        db.execute = record  # under the plugin's wrappers, installed at startup: what reaches SQLite
        await ds.invoke_startup()
        return {q: await pages(q) for q in ("_search=Ukraine", "_search=Ukraine&_sort_desc=position",
                                            "_search=Bakhmut", "_search=Ukraine&_sort=kind")}  # fmt: skip

    got = asyncio.run(run())
    with sqlite3.connect(db_path) as conn:
        n = conn.execute("select count(*) from segments").fetchone()[0]
        hits = "rowid in (select rowid from segments_fts where segments_fts match ?)"

        def want(word: str, order: str) -> list[str]:
            return [r[0] for r in conn.execute(f"select id from segments where {hits} order by {order}", [word])]

        counts = {w: conn.execute(f"select count(*) from segments where {hits}", [w]).fetchone()[0] for w in
                  ("Ukraine", "Bakhmut")}  # fmt: skip
    most = math.isqrt(6 * n) + 1  # a page of 5 asks for 6 rows
    assert counts["Ukraine"] >= most > counts["Bakhmut"] > 5  # the seeds give one word of each size
    assert got["_search=Ukraine"] == (want("Ukraine", "position"), True)
    assert got["_search=Ukraine&_sort_desc=position"] == (want("Ukraine", "position desc"), True)
    assert got["_search=Bakhmut"] == (want("Bakhmut", "position"), False)
    ids, walked = got["_search=Ukraine&_sort=kind"]
    assert not walked and sorted(ids) == sorted(want("Ukraine", "kind"))  # kind has ties: Datasette's SQL


def test_a_search_on_a_database_never_analyzed_keeps_datasettes_sql(db_path: Path, tmp_path: Path):
    """Without sqlite_stat1 (a database served that our build did not make) the search page still answers, with
    Datasette's own query."""
    import asyncio
    import sqlite3

    from datasette.app import Datasette

    from etl.publish import PLUGINS_DIR, TEMPLATES_DIR

    db = tmp_path / "facts.db"
    shutil.copy(db_path, db)
    with sqlite3.connect(db) as conn:
        conn.execute("drop table sqlite_stat1")
    ds = Datasette(immutables=[str(db)], metadata=read_metadata(METADATA), plugins_dir=str(PLUGINS_DIR),
                   template_dir=str(TEMPLATES_DIR))  # fmt: skip

    async def run():
        await ds.invoke_startup()
        return await ds.client.get("/facts/segments.json?_search=Ukraine&_size=5&_shape=objects")

    page = asyncio.run(run())
    assert page.status_code == 200 and len(page.json()["rows"]) == 5
