"""Work done beside the build's own, on another core: in a forked process when the build has jobs to spare, else at
once. The work is the same either way, and so is what it gives: a build's bytes do not depend on ``jobs``."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")


class Beside:
    """One process, forked on the first ``run`` when ``parallel`` (and the platform forks), that runs what it is
    given in order; else each ``run`` is done at once. A process, not a thread: SQLite lets go of the GIL, but two
    threads' SQLite work contends for its global allocator mutex (a table and its indexes built in a thread beside
    the database being written took 1.5 times as long, and so did the writer). Use it as a context manager: the
    process is ended on leaving, and no thread of its executor lives on into a later fork."""

    def __init__(self, parallel: bool):
        self._pool: ProcessPoolExecutor | None = None
        if parallel and "fork" in multiprocessing.get_all_start_methods():
            from concurrent.futures import ProcessPoolExecutor  # only then: an incremental build never needs it

            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))

    def run(self, work: Callable[..., T], *args: Any) -> Future[T]:
        """``work(*args)``, beside or now; its result (or exception) from the future."""
        if self._pool is not None:
            return self._pool.submit(work, *args)
        done: Future[T] = Future()
        try:
            done.set_result(work(*args))
        except Exception as e:  # as from the process: raised by .result()
            done.set_exception(e)
        return done

    def close(self) -> None:
        """End the process, if any, and wait for it: no thread of its executor lives on into a later fork."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
