"""``python -m bench.measure OUT.json -- CMD...``: run CMD and write its peak memory to OUT.json.

Why a separate, small process: on Linux a child's ``ru_maxrss`` is never less than its parent's resident size at
the fork (the high-water mark is copied with the address space and kept across exec), so a benchmark process
holding a 10,000-article corpus in memory would report its own size for every build it starts. Started from this
process, which imports nothing but the standard library's basics, a build's figure is its own.

Three figures: ``maxrss_mb``, the largest resident size of CMD or any process it started (the kernel's own count,
exact); ``tree_pss_mb``, the largest total of proportional set sizes over CMD and its descendants, sampled
every 20 ms at first and then every 2% of the time so far (at most every 0.5 s): what a build with worker processes
needs in all, each shared page counted once; and ``seconds``, from the fork to CMD's exit (this process's own
start, some 50 ms, is not the build's).

Why the sampling slows down: the kernel walks a process's page tables to count its proportional size, and every
20 ms over a build's three processes of 100-200 MB that took CPU from the two workers that need both cores of
this machine (a --jobs 2 build of 10,000 articles: 106 s sampled so, 77 s not sampled at all; sampled as now,
75.3 s against 75.2 s).
"""

from __future__ import annotations

import json
import os
import select
import sys
import time

_SAMPLE_S = 0.02
_SAMPLE_SHARE = 0.02
_SAMPLE_MAX_S = 0.5


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    out: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])  # after the command name, which may hold spaces
            out.setdefault(ppid, []).append(int(name))
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kb(root: int) -> int:
    """Total proportional set size of ``root`` and its descendants."""
    children, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo += children.get(pid, [])
    return total


def measure(cmd: list[str]) -> dict:
    """Run ``cmd`` to its end; its exit code, wall time and peak memory."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    exited = os.pidfd_open(pid)  # readable once the process ends
    peak = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        peak = max(peak, tree_pss_kb(pid))
        wait = min(max(_SAMPLE_S, (time.perf_counter() - started) * _SAMPLE_SHARE), _SAMPLE_MAX_S)
        select.select([exited], [], [], wait)  # the next sample, or at once when CMD ends
    ended = time.perf_counter()
    os.close(exited)
    return {
        "seconds": ended - started,
        "returncode": os.waitstatus_to_exitcode(status),
        "maxrss_mb": usage.ru_maxrss / 1024,
        "tree_pss_mb": peak / 1024,
    }


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m bench.measure OUT.json -- CMD...", file=sys.stderr)
        return 2
    result = measure(argv[2:])
    with open(argv[0], "w", encoding="utf-8") as f:
        json.dump(result, f)
    return result["returncode"]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
