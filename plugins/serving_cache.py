"""Serving a database that never changes: Datasette's per-request metadata, permission and schema look-ups,
answered once and then from memory.

Datasette 0.65.5 resolves the metadata again for every look-up: each table's "view-table" permission check
deep-copies the whole metadata (``_table_permission_allows``, 66 times on the index page: ~27 ms of the page
on a large metadata.yml), asks SQLite for the table's spelling in a thread round trip, and every schema look-up
(table names, columns, keys, FTS table) is another round trip. While serving, the metadata file and an
immutable database cannot change, so each answer is computed on first use and kept; callers get a copy, so
nothing they do to it leaks into the next request. Mutable databases keep Datasette's own look-ups.

Only look-ups are cached: queries still run on Datasette's SQL threads under its time limit, so a runaway query
cannot block other readers (tests/test_serving.py).
"""

import copy
import datetime
import functools

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

    async def permission_allowed(actor, action, resource=None, default=False):
        """Datasette 0.65.5's ``permission_allowed``, with the table's spelling looked up once."""
        if action == "view-table" and resource is not None:
            database, table = resource
            resource = (database, await table_spelling(database, table))
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
        return result

    datasette.permission_allowed = permission_allowed
