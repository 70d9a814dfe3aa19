"""``python -m bench.floor``: the least a build of a corpus could cost on this machine, to compare builds with.

Reads sources.yml and every article (bytes, sha256, UTF-8 decoding), runs one regex scan over each text, and
inserts the same rows a build wrote (read from a built database, table by table, streamed) into a new SQLite
file in one transaction. No segmenting, extracting, checking, indexes or full-text search: what is left of a
build when all its own work costs nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sqlite3
from pathlib import Path

import yaml

_WORD = re.compile(r"\w+")


def floor(seeds: Path, built: Path, out: Path) -> int:
    """Returns how many rows were inserted."""
    listing = yaml.load((seeds / "sources.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    words = 0
    for entry in listing:
        raw = (seeds / entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise SystemExit(f"{entry['file']}: sha256 differs from sources.yml")
        words += sum(1 for _ in _WORD.finditer(raw.decode("utf-8")))
    out.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{built}?mode=ro", uri=True)
    dst = sqlite3.connect(out)
    dst.execute("pragma synchronous = off")
    tables = [
        r[0]
        for r in src.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
            "and name not like 'segments_fts%' order by rowid"
        )
    ]
    n = 0
    with dst:
        for name in tables:
            cur = src.execute(f"select * from [{name}]")
            cols = [d[0] for d in cur.description]
            dst.execute(f"create table [{name}] ({', '.join(f'[{c}]' for c in cols)})")
            dst.executemany(f"insert into [{name}] values ({', '.join('?' * len(cols))})", cur)
            n += dst.execute(f"select count(*) from [{name}]").fetchone()[0]
    src.close()
    dst.close()
    print(f"{len(listing)} articles, {words} words, {n} rows")
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, required=True)
    parser.add_argument("--built", type=Path, required=True, help="a database built from these seeds")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    floor(args.seeds, args.built, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
