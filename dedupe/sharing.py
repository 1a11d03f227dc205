"""Work shared between this process and its workers: this process takes chunks too.

A run with ``--jobs N`` keeps N processes busy: this one and N - 1 workers. The workers are kept a
few chunks ahead; whenever the earliest chunk's result is not ready, this process does the next
chunk itself instead of waiting. Results come in the chunks' order, whoever made them.

A command that reads a batch and then matches it starts its workers once (:class:`Workers`), before
it holds the batch, and both stages use them.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

AHEAD = 2  # chunks queued for each worker: it never waits for this process to hand it one
HELD = 8  # chunks this process may finish ahead of the earliest worker's before it waits for it


def in_order(
    pool: Executor | None,
    workers: int,
    chunks: Sequence[T],
    remote: Callable[[Executor, T], Future[R]],
    local: Callable[[T], R],
) -> Iterator[R]:
    """The result of each of ``chunks``, in order: ``remote(pool, chunk)`` hands one to a worker,
    ``local(chunk)`` does one here. Without a pool (or workers), every chunk is done here."""
    if pool is None or workers < 1:
        for chunk in chunks:
            yield local(chunk)
        return
    pending: dict[int, Future[R]] = {}
    mine: dict[int, R] = {}
    taken = given = 0
    try:
        while given < len(chunks):
            while len(pending) < AHEAD * workers and taken < len(chunks):
                pending[taken] = remote(pool, chunks[taken])
                taken += 1
            if given in mine:
                yield mine.pop(given)
            elif given in pending and (pending[given].done() or taken == len(chunks) or len(mine) >= HELD):
                yield pending.pop(given).result()
            else:
                mine[taken] = local(chunks[taken])
                taken += 1
                continue
            given += 1
    finally:  # a caller that stops early does not wait for the rest
        for future in pending.values():
            future.cancel()


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc's
    except (OSError, AttributeError):  # another C library
        return None


GIVE_BACK_EVERY = 0.25  # seconds at least between two: a trim of a fragmented heap takes 1-2 ms
_given_back = [0.0]


def give_back(now: bool = False) -> None:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``), after a chunk of
    work (at most every GIVE_BACK_EVERY seconds): a text of a few KB is allocated there, not in
    Python's own arenas, and the holes that thousands of them leave once freed kept a process's
    memory growing with the files it had read (20-27 MB of a 10,000-notice run's main process).
    Elsewhere, nothing. ``now``: whenever the last was."""
    trim, at = _malloc_trim(), time.monotonic()
    if trim is not None and (now or at - _given_back[0] >= GIVE_BACK_EVERY):
        trim(0)
        _given_back[0] = time.monotonic()


PIPE_BYTES = 1 << 20  # Linux's default limit for a pipe's buffer (fs.pipe-max-size)


def processes(workers: int, **options: Any) -> ProcessPoolExecutor:
    """``workers`` worker processes (a ProcessPoolExecutor with these ``options``), the pipes to
    and from them widened (see :func:`_widen`): every pool of the project is started here."""
    from concurrent.futures import ProcessPoolExecutor  # imported only when workers start (10 ms)

    pool = ProcessPoolExecutor(workers, **options)
    _widen(pool)
    return pool


def _widen(pool: ProcessPoolExecutor) -> None:
    """Give the pipes between ``pool`` and this process (tasks out, results back) a buffer of
    PIPE_BYTES, where the system allows it (Linux). A chunk of 64 notices read comes back as about
    900 KB: through the default 64 KB a worker waited, mid-write, for this process's result thread,
    which takes its turn among this process's own work, and it sat idle 1.0-1.2 s of 17 s reading
    30,000 generated notices (0.7-0.8 s with a wide pipe). Elsewhere, nothing."""
    try:
        import fcntl
    except ImportError:  # not a Unix system
        return
    flag = getattr(fcntl, "F_SETPIPE_SZ", None)
    if flag is None:  # not Linux
        return
    ends = (getattr(getattr(pool, "_result_queue", None), "_reader", None),
            getattr(getattr(pool, "_call_queue", None), "_writer", None))  # fmt: skip
    for end in ends:
        if end is not None:
            with contextlib.suppress(OSError, ValueError):  # a lower limit: the default buffer stays
                fcntl.fcntl(end.fileno(), flag, PIPE_BYTES)


class Workers:
    """The N - 1 worker processes of one command (``--jobs N``), started when first asked for and
    kept until the command is done: reading the batch asks for them first, while this process holds
    little, and verification and the election then use the same processes. Verification on its own
    had to start fresh interpreters (a worker forked from a process holding the batch counted the
    batch's pages again): their start took about 0.4 s of CPU at 10,000 notices, and the resource
    tracker that comes with spawning 12 MB.

    Where processes cannot be forked (not Linux or macOS), :meth:`pool` gives None and each stage
    starts its own workers, as it does when it is given no Workers."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False  # once closed, none are started again (this process may hold a batch by then)

    @property
    def started(self) -> bool:
        return self._pool is not None

    def pool(self) -> ProcessPoolExecutor | None:
        """The workers, forked now if they are not yet (None with fewer than 2 jobs, or no fork)."""
        if (
            self._pool is None
            and not self._closed
            and self.jobs > 1
            and "fork" in multiprocessing.get_all_start_methods()
        ):
            fork = multiprocessing.get_context("fork")
            together = fork.Barrier(self.jobs - 1) if self.jobs > 2 else None  # see each()
            pool = processes(self.jobs - 1, mp_context=fork, initializer=_started, initargs=(os.getpid(), together))
            pool.submit(int).result()  # forked now, from this process as it is, not when it holds more
            self._pool = pool
        return self._pool

    def each(self, task: Callable[[], object]) -> None:
        """Have each worker run ``task`` once (not waited for): a worker that is done with it waits
        for the others, so that none takes two."""
        if self._pool is None:
            return
        for _ in range(self.jobs - 1):
            self._pool.submit(_each, task)

    def close(self) -> None:
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_together: list[threading.Barrier | None] = [None]  # in a command's worker: where each() waits for the others


def _started(parent: int, together: threading.Barrier | None) -> None:
    die_with_parent(parent)
    _together[0] = together


def _each(task: Callable[[], object]) -> None:
    task()
    if _together[0] is not None:
        # a worker kept busy elsewhere breaks it: from then on a worker may run a task twice and another not at all
        with contextlib.suppress(threading.BrokenBarrierError):
            _together[0].wait(timeout=5)


def die_with_parent(parent: int) -> None:
    """Pool initializer: the worker is killed when the process that started it ends, however it
    ends (``kill -9`` included), so an interrupted command leaves no worker running. Linux only
    (``prctl(PR_SET_PDEATHSIG)``); elsewhere the pool's own shutdown is all there is."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the signal was asked for
        os._exit(1)
