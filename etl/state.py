"""Incremental state: what the database in place was built from, so the next build redoes only what changed.

A state file beside the database records, per article, a content hash of everything its rows depend on (its
text and metadata, the entities of facts.yml, the code of the pipeline). A second file caches the checked
contents of facts.yml, keyed by the file's sha256, the code and the sources it was checked against: reading and
validating 20,000 facts costs seconds, unpickling them a few hundredths. Anything unexpected about either file
means doing the work again, never a wrong result.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import gc
import hashlib
import json
import pickle
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import etl
from etl.article import fields_of
from etl.facts import Curated, given, load_facts
from etl.sources import Source, Verified


@functools.cache
def code_fingerprint() -> str:
    """The pipeline's own code: an edited extractor must not reuse rows it computed before."""
    digest = hashlib.sha256(etl.__version__.encode())
    for f in sorted(Path(etl.__file__).parent.rglob("*")):
        if f.suffix in (".py", ".json"):
            digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def article_keys(sources: Sequence[Source], curated: Curated) -> dict[str, str]:
    """Per article, a hash of everything its rows depend on: its metadata and text (by the verified sha256 of its
    file), the entities, the code."""
    common = json.dumps([code_fingerprint(), [fields_of(e) for e in curated.entities]], sort_keys=True)
    head = hashlib.sha256(common.encode()).hexdigest()  # once, not per article: the entities are thousands of bytes
    keys = {}
    for s in sources:
        own = repr([getattr(s, name) for name in _KEYED])  # the text by its sha256
        keys[s.id] = hashlib.sha256((head + own).encode()).hexdigest()
    return keys


# What an article's rows depend on of its Source: everything but its text (known by its sha256), its length and where
# sources.yml lists it.
_KEYED = [f.name for f in dataclasses.fields(Source) if f.name not in ("text", "chars", "line")]


def state_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.state.json")


@dataclass(frozen=True)
class Prior:
    """What the database in place was built from: the article keys, the key of the checked facts.yml (``curated``)
    and its row count per table."""

    articles: dict[str, str]
    curated: str = ""
    counts: dict[str, int] | None = None


def previous(db_path: Path) -> Prior:
    """The state of the database in place, if its state file vouches for it; otherwise an empty one."""
    try:
        state = json.loads(state_path(db_path).read_text(encoding="utf-8"))
        if state["database"] != identity(db_path):
            return Prior({})
        return Prior(dict(state["articles"]), str(state.get("curated", "")), state.get("counts"))
    except (OSError, ValueError, KeyError, TypeError):
        return Prior({})


def save(db_path: Path, prior: Prior) -> None:
    state = {"database": identity(db_path), "articles": prior.articles, "curated": prior.curated}
    state["counts"] = prior.counts
    state_path(db_path).write_text(json.dumps(state, indent=0, sort_keys=True) + "\n", encoding="utf-8")


@contextlib.contextmanager
def unread(db_path: Path) -> Iterator[bool]:
    """Whether the database in place may be patched in place: True while no server of this project reads that file
    (each holds a shared flock on the file it serves, plugins/build_lock.py) and none can start to; False while one
    does, and the patch goes to a copy renamed into place, which the server's open file never sees.

    Open this before any SQLite connection to the file and leave it after the last one: closing a file releases
    every POSIX lock its process holds on it, SQLite's included."""
    with db_path.open("rb") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
        else:
            yield True


def recover(db_path: Path) -> None:
    """Roll back an in-place patch cut short (the build killed): its rollback journal beside the database would
    otherwise be ignored by immutable readers, or played back into whatever file is renamed to that name."""
    if db_path.with_name(db_path.name + "-journal").exists() and db_path.exists():
        conn = sqlite3.connect(db_path)  # reading the schema rolls a hot journal back
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()
        finally:
            conn.close()


def identity(path: Path) -> list[int]:
    """Which file this is: a build replaces the database with a new file (new inode), and any other write to it
    changes its modification time. Hashing instead would cost a second per gigabyte on every build."""
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]


@dataclass
class Checked:
    """facts.yml read and checked against the sources, the key its cache entry is stored under, and the file's own
    sha256 (build_info records it: the file is read once to hash it, not again at the end)."""

    curated: Curated
    key: str
    cached: bool
    sha256: str


def curated(
    facts_path: Path, sources: Sequence[Source] | Callable[[], Sequence[Source]], cache: Path | None
) -> Checked:
    """facts.yml read and checked against the sources, or its checked contents from ``cache`` when neither the
    file, the code nor the sources' ids and dates changed since. The cache is put in place only by a build that
    succeeded (``save_curated``). ``sources``: or how to have them, asked once facts.yml is read (without a cache)."""
    with facts_path.open("rb") as f:  # hashed in pieces: the file is not held whole (the parser reads it so too)
        sha256 = hashlib.file_digest(f, "sha256").hexdigest()
    if cache is not None:
        digest = _curated_key(facts_path, sha256, sources := given(sources))
        try:
            with cache.open("rb") as f:
                stored_key, value = _unpickle(f)  # our own file, written below
            if stored_key == digest and isinstance(value, Curated):
                return Checked(value, digest, True, sha256)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            pass
    once = functools.cache(lambda: given(sources))
    checked = load_facts(facts_path, once)
    return Checked(checked, _curated_key(facts_path, sha256, once()), False, sha256)


def _curated_key(facts_path: Path, sha256: str, sources: Sequence[Source]) -> str:
    key = hashlib.sha256(f"{code_fingerprint()}:{sha256}".encode())
    key.update(json.dumps([(s.id, s.published.isoformat()) for s in sources]).encode())
    key.update(str(facts_path).encode())  # error messages and Curated.path name the file
    return key.hexdigest()


def _unpickle(f):
    """A cache file's contents, with the garbage collector off: unpickling 40,000 objects triggers collections
    that walk every one of them again, for nothing (none is garbage), and take 45% of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(f)
    finally:
        if was:
            gc.enable()


def save_curated(cache: Path, checked: Checked) -> Path | None:
    """The checked curated layer written beside ``cache`` (None if it came from there): the file to rename into
    place once the build has succeeded. Written before the articles, when the build holds the least (pickling
    20,000 facts raises its size by 8 MB)."""
    return None if checked.cached else _pickled(cache, (checked.key, checked.curated))


def _pickled(cache: Path, value: object) -> Path:
    tmp = cache.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    return tmp


def facts_cache(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.facts.pickle")


def sources_cache(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.sources.pickle")


def verified_sources(cache: Path) -> Verified | None:
    """The sources as the last successful build verified them (sources.verify), if the code is the same."""
    try:
        with cache.open("rb") as f:
            code, value = _unpickle(f)  # our own file, written below
        return value if code == code_fingerprint() and isinstance(value, Verified) else None
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None


def save_sources(cache: Path, verified: Verified) -> Path:
    """``verified`` written beside ``cache``: the file to rename into place (``os.replace``) once the build has
    succeeded. Written as soon as the sources are verified, so that the build need not hold what only the next
    one reads (each item of sources.yml, each seed's signature: 7 MB at 10,000 articles)."""
    return _pickled(cache, (code_fingerprint(), verified))
