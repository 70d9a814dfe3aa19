"""While Datasette serves a database file, hold a shared lock (flock) on that file.

Why: Datasette opens our database immutable (no SQLite locking, no journal), trusting that the file never changes.
An incremental build patches the file in place, in one transaction, only when it can take the lock exclusively
(etl/state.py, ``unread``): while a server of ours holds it, the build patches a copy and renames it into place
instead, which the server's open file never sees. A server started during an in-place patch waits here for it to
end (under a second) before it serves anything.

A patch cut short (the build killed) leaves SQLite's rollback journal beside the file, which an immutable reader
would ignore, reading half-written pages: an ordinary connection rolls it back first.

Self-contained (Datasette only), like the other plugins.
"""

import fcntl
import os
import sqlite3

from datasette import hookimpl

_held = []  # the open files whose locks last as long as this process


@hookimpl
def startup(datasette):
    for db in datasette.databases.values():
        if db.path and not db.is_memory and all(f.name != db.path for f in _held):
            _held.append(hold(db.path))


def hold(path: str):
    """``path`` open with a shared lock on it, after any interrupted write to it has been rolled back."""
    f = open(path, "rb")  # noqa: SIM115 - kept open: closing it would release the lock
    fcntl.flock(f.fileno(), fcntl.LOCK_SH)
    if os.path.exists(path + "-journal"):
        conn = sqlite3.connect(path)  # reading the schema rolls a hot journal back
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()
        finally:
            conn.close()
    return f
