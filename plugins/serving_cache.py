"""Serving a database that never changes: Datasette's per-request metadata, permission and schema look-ups,
answered once and then from memory.

Datasette 0.65.5 resolves the metadata again for every look-up: each table's "view-table" permission check
deep-copies the whole metadata (``_table_permission_allows``, 66 times on the index page: ~27 ms of the page
on a large metadata.yml), asks SQLite for the table's spelling in a thread round trip, and every schema look-up
(table names, columns, keys, FTS table) is another round trip. While serving, the metadata file and an
immutable database cannot change, so each answer is computed on first use and kept; callers get a copy, so
nothing they do to it leaks into the next request. Mutable databases keep Datasette's own look-ups.

Facets: Datasette counts each facet on every page under a 10 ms limit (facet_time_limit_ms), so on a table of a
million rows every facet times out and readers see none. On an immutable database the counts of a facet for the
same query never change, so each is counted once, under the ordinary query time limit (sql_time_limit_ms), and
kept (the most recent FACET_CACHE_SIZE of them); the facets metadata.yml declares are counted in the background
right after startup, so the first readers see them too.

Canned queries metadata.yml marks ``shared: true`` (summaries of the whole archive that take no reader input: the
feed, the counts the charts draw) are kept the same way, per page: each aggregates every fact, which costs 15-100 ms
on 10,000 articles, and its answer cannot change while the database is served.

Row counts of table pages (a filter, a search) are kept the same way: paging through a search's results asks for the
count of all its matches on every page.

Searches on big tables: a table page's ``?_search=`` filters by ``rowid in (select rowid from <fts> where ...)``, and
SQLite plans such an IN as if it held 25 rows, so for a common word it looks up every match and sorts them all to
show the first 100 (72,613 paragraphs for "Bakhmut" at 10,000 articles: 40 ms). When the page is ordered by a column
an index leads with and whose values tell the rows apart (so a walk along the index gives Datasette's order exactly),
and the match is big enough for that walk to reach a page of matches sooner than the look-ups would end (more than
sqrt(page rows x table rows) matches: then about 100 x rows / matches index steps, fewer than the matches), the page's
query reads ``+rowid in (...)``: the same rows, in the same order, found by that walk (8 ms). Counts and facets keep
Datasette's SQL: they need every match anyway.

Only look-ups, counts and shared summaries are cached: queries still run on Datasette's SQL threads under its time
limits, so a runaway query cannot block other readers (tests/test_serving.py).
"""

import asyncio
import collections
import contextlib
import copy
import datetime
import functools
import gc
import json
import math
import re
import sqlite3
import urllib.parse

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import await_me_maybe

# Database methods whose answers depend only on the schema (and their arguments).
SCHEMA_LOOKUPS = (
    "table_exists",
    "table_names",
    "view_names",
    "hidden_table_names",
    "table_columns",
    "table_column_details",
    "primary_keys",
    "fts_table",
    "label_column_for_table",
    "foreign_keys_for_table",
    "get_all_foreign_keys",
    "get_table_definition",
    "get_view_definition",
)


def _memo(fn):
    """``fn`` answered once per arguments. The caller gets a shallow copy: what Datasette itself returns (a new
    dict or list holding the metadata's own objects), so no caller sees another's changes to the outer level."""
    cache = {}

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = fn(*args, **kwargs)
        return copy.copy(cache[key])

    wrapper.cache = cache
    return wrapper


def _amemo(fn):
    """A coroutine answered once per arguments; each caller gets its own deep copy (Datasette builds these
    answers afresh on every call, so a caller may change them)."""
    cache = {}

    @functools.wraps(fn)
    async def wrapper(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = await fn(*args, **kwargs)
        return copy.deepcopy(cache[key])

    wrapper.cache = cache
    return wrapper


@hookimpl
def startup(datasette):
    datasette.metadata = _memo(datasette.metadata)
    datasette._table_permission_allows = _memo(datasette._table_permission_allows)
    for db in datasette.databases.values():
        if not db.is_mutable:
            for name in SCHEMA_LOOKUPS:
                if hasattr(db, name):
                    setattr(db, name, _amemo(getattr(db, name)))
            db.execute = _counts_once(_searched_in_order(db.execute))
    spelling = {}

    async def table_spelling(database, table):
        """SQLite's spelling of a table or view name (case-insensitive match), as Datasette looks it up."""
        db = datasette.databases.get(database)
        if db is None:
            return table
        if db.is_mutable or (database, table) not in spelling:
            result = await db.execute(
                "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase",
                (table,),
            )
            found = result.rows[0][0] if result.rows else table
            if db.is_mutable:
                return found
            spelling[(database, table)] = found
        return spelling[(database, table)]

    anonymous = {}

    async def permission_allowed(actor, action, resource=None, default=False):
        """Datasette 0.65.5's ``permission_allowed``, with the table's spelling looked up once, and an anonymous
        reader's answers (which depend only on the metadata) kept: a page asks about 450 of them, half its time.
        A kept answer is not logged again for /-/permissions, which shows each question the first time."""
        if action == "view-table" and resource is not None:
            database, table = resource
            resource = (database, await table_spelling(database, table))
        key = (action, resource if not isinstance(resource, list) else tuple(resource), default)
        if actor is None and key in anonymous:
            return anonymous[key]
        result = None
        for check in pm.hook.permission_allowed(datasette=datasette, actor=actor, action=action, resource=resource):
            check = await await_me_maybe(check)
            if check is not None:
                result = check
        used_default = result is None
        if used_default:
            result = default
        datasette._permission_checks.append(
            {
                "when": datetime.datetime.now(datetime.UTC).isoformat(),
                "actor": actor,
                "action": action,
                "resource": resource,
                "used_default": used_default,
                "result": result,
            }
        )
        if actor is None:
            anonymous[key] = result
        return result

    datasette.permission_allowed = permission_allowed
    datasette.execute = _counted_once(datasette)

    async def warm():
        await _warm_facets(datasette)

    return warm


FACET_CACHE_SIZE = 2048


def _shared_queries(datasette) -> set[tuple[str, str]]:
    """(database, sql) of the canned queries metadata.yml marks ``shared: true``: summaries of the whole archive
    that every reader gets alike (the feed, the charts' counts). On an immutable database each page of one is
    computed once, as a build would store it, instead of aggregating every fact again per request."""
    out = set()
    for database, meta in (datasette.metadata("databases") or {}).items():
        for query in (meta.get("queries") or {}).values():
            if isinstance(query, dict) and query.get("shared"):
                out.add((database, query["sql"]))
    return out


class _Kept(collections.OrderedDict):
    """The most recent FACET_CACHE_SIZE answers, by key: each ``recall`` makes its key the most recent."""

    def recall(self, key):
        self.move_to_end(key)
        return self[key]

    def keep(self, key, value) -> None:
        self[key] = value
        while len(self) > FACET_CACHE_SIZE:
            self.popitem(last=False)


def _counts_once(execute):
    """An immutable database's ``execute`` with each row count a table page asks for (``select count(*) ...``: a
    filter, a search) computed once and kept (the most recent FACET_CACHE_SIZE): the count of a search's 72,613
    paragraphs took 50-140 ms, and every page of its results asked for it again. A count cut off by the time limit
    raises and is not kept; every other query runs as before."""
    counted = _Kept()

    async def wrapper(sql, params=None, *args, **kwargs):
        if not sql.startswith("select count(*) "):
            return await execute(sql, params, *args, **kwargs)
        key = (sql, json.dumps(params, sort_keys=True, default=str), repr(args), repr(sorted(kwargs.items())))
        if key in counted:
            wrapper.hits += 1
            return counted.recall(key)
        result = await execute(sql, params, *args, **kwargs)
        if len(result.rows) <= 1:  # a count, not someone's grouped query of a thousand rows
            counted.keep(key, result)
        return result

    wrapper.hits = 0
    return wrapper


# A table page's query as Datasette 0.65.5 writes it (views/table.py), and its full-text filter (filters.py).
_TABLE_PAGE = re.compile(
    r"select .+? from (?P<table>\[[^\]]+\]|\w+) where .+? order by (?P<order>\[[^\]]+\]|\w+)(?: desc)?(?:, [^ ]+)*"
    r" limit (?P<limit>\d+)(?: offset \d+)?",
    re.DOTALL,
)
_SEARCH_FILTER = re.compile(
    r"(?<![+\w])rowid in \((?P<match>select rowid from (?P<fts>\[[^\]]+\]|\w+) where (?P=fts) match "
    r"(?:escape_fts\(:search\)|:search))\)"
)


def _searched_in_order(execute):
    """An immutable database's ``execute`` with a table page's big search walked along the page's order (see the
    module's docstring); every other query, and a search too small to pay, as Datasette wrote it."""
    ordered: dict[str, tuple[int, set[str]]] = {}  # table -> its rows, the columns an index orders it by
    matched = _Kept()

    async def first(sql: str, params=None):
        result = await execute(sql, params)
        return result.rows[0][0] if result.rows else None

    async def order_of(table: str) -> tuple[int, set[str]]:
        """The table's rows and the columns that an index leads with and that tell every row apart, from the
        build's analyze (sqlite_stat1: "rows rows-per-value ..."): walking one of them gives Datasette's order,
        ties and all (a column of equal values would leave the walk's order of ties to the index)."""
        if table not in ordered:
            try:
                stats = (await execute("select idx, stat from sqlite_stat1 where tbl = ?", [table])).rows
            except sqlite3.OperationalError:  # a database never analyzed: no statistics, Datasette's SQL
                stats = []
            lead = "select name from pragma_index_info(?) where seqno = 0"
            distinct = {await first(lead, [idx]) for idx, stat in stats if stat.split()[1:2] == ["1"]}
            ordered[table] = (int(stats[0][1].split()[0]) if stats else 0, distinct)
        return ordered[table]

    async def walk_pays(table: str, order: str, limit: int, fts_query: str, params) -> bool:
        rows, distinct = await order_of(table)
        if order not in distinct:
            return False
        most = math.isqrt(limit * rows) + 1  # more matches than this: the walk pays
        key = (fts_query, json.dumps(params, sort_keys=True, default=str), most)
        if key not in matched:
            matched.keep(key, await first(f"select count(*) from ({fts_query} limit {most})", params))
        return matched.recall(key) >= most

    async def wrapper(sql, params=None, *args, **kwargs):
        search = _SEARCH_FILTER.search(sql) if "rowid in (select rowid from " in sql else None
        page = _TABLE_PAGE.fullmatch(sql) if search and " group by " not in sql else None
        if page is not None and isinstance(params, dict) and "search" in params:
            table, order = (page[name].strip("[]") for name in ("table", "order"))
            if await walk_pays(table, order, int(page["limit"]), search["match"], {"search": params["search"]}):
                sql = f"{sql[: search.start()]}+{sql[search.start() :]}"
        return await execute(sql, params, *args, **kwargs)

    return wrapper


def _counted_once(datasette):
    """``datasette.execute`` with facet counts and shared canned queries on immutable databases computed once
    (facets without the 10 ms cut)."""
    real = datasette.execute
    facet_limit = datasette.setting("facet_time_limit_ms")
    query_limit = datasette.setting("sql_time_limit_ms")
    counted = _Kept()
    shared = _shared_queries(datasette)

    async def execute(
        db_name, sql, params=None, truncate=False, custom_time_limit=None, page_size=None, log_sql_errors=True
    ):
        db = datasette.databases.get(db_name)
        once = custom_time_limit == facet_limit or (db_name, sql) in shared
        if not once or db is None or db.is_mutable:
            return await real(db_name, sql, params, truncate, custom_time_limit, page_size, log_sql_errors)
        key = (db_name, sql, json.dumps(params, sort_keys=True, default=str))
        if key not in counted:
            limit = max(query_limit, facet_limit)
            counted.keep(key, await real(db_name, sql, params, truncate, limit, page_size, log_sql_errors))
        return counted.recall(key)

    return execute


async def _warm_facets(datasette):
    """Count the facets metadata.yml declares and compute the first page of each shared query, in the background,
    once the server is up; then set what the server holds from now on (metadata, schema, counts, the plugins'
    per-table caches) outside the garbage collector's full collections.

    The table pages are fetched as HTML (one row), so the caches their cells fill (the facts' quotes) fill too.
    gc.freeze: a full collection walks every live object, and a warm server holds some hundreds of thousands that
    never die; it made one request in twenty some 20 ms slower (p95 66 -> 42 ms on the facts table of 10,000
    articles). Only what lives when the warm-up ends is frozen; what requests allocate is collected as before."""

    async def run():
        await asyncio.sleep(0)
        for database, meta in (datasette.metadata("databases") or {}).items():
            db = datasette.databases.get(database)
            if db is None or db.is_mutable:
                continue
            tables, queries = (meta.get("tables") or {}).items(), (meta.get("queries") or {}).items()
            pages = [f"{urllib.parse.quote(t)}?_size=1" for t, m in tables if m.get("facets")]
            pages += [urllib.parse.quote(q) for q, m in queries if isinstance(m, dict) and m.get("shared")]
            for page in pages:
                # A page that fails here fails for its reader too, and is reported then.
                with contextlib.suppress(Exception):
                    await datasette.client.get(f"/{urllib.parse.quote(database)}/{page}")
        gc.collect()
        gc.freeze()

    datasette._serving_cache_warm = asyncio.get_running_loop().create_task(run())
