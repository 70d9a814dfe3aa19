"""``make loadtest``: concurrent clients on 127.0.0.1 over every endpoint, bounded in count and time.

Serves the database exactly as ``make serve`` does (immutable, inspect file, time limit), then
runs CLIENTS threads that each request the endpoints in turn until REQUESTS are done or SECONDS
pass. Prints requests per second, latency percentiles and errors, checks the server still answers,
and exits non-zero on any error.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlite_utils

from etl.publish import endpoints, read_metadata, running

ROOT = Path(__file__).resolve().parent.parent


def load(base: str, paths: list[str], clients: int, requests: int, seconds: float) -> dict:
    """Run the load; returns counts, errors and latencies (ms)."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal issued
        i = offset
        while time.monotonic() < deadline:
            with lock:
                if issued >= requests:
                    return
                issued += 1
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            error = None
            try:
                with urllib.request.urlopen(base + path, timeout=10) as r:
                    r.read()
                    if r.status != 200:
                        error = f"{path}: HTTP {r.status}"
            except (urllib.error.URLError, OSError) as e:  # HTTPError (4xx, 5xx) included
                error = f"{path}: {e}"
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                if error:
                    errors.append(error)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "errors": errors,
        "p50_ms": statistics.median(ordered) if ordered else 0.0,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "facts.db")
    parser.add_argument("--inspect", type=Path, default=ROOT / "inspect.json")
    parser.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    db = sqlite_utils.Database(args.db)
    first = next(iter(db["sources"].rows))["id"]
    paths = endpoints(read_metadata(args.metadata), db.table_names(), db.view_names(), first)
    inspect = args.inspect if args.inspect.exists() else None
    with running(args.db, args.metadata, inspect=inspect) as base:
        result = load(base, paths, args.clients, args.requests, args.seconds)
        with urllib.request.urlopen(base + "/-/versions.json", timeout=5) as r:
            healthy = r.status == 200
    print(
        f"{result['requests']} requests over {len(paths)} endpoints by {args.clients} clients in "
        f"{result['seconds']:.1f} s: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms, errors {len(result['errors'])}, healthy after: {healthy}"
    )
    for e in result["errors"][:10]:
        print(f"  error: {e}")
    return 0 if healthy and not result["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
