"""Work shared between this process and its workers: this process takes chunks too.

A run with ``--jobs N`` keeps N processes busy: this one and N - 1 workers. The workers are kept a
few chunks ahead; whenever the earliest chunk's result is not ready, this process does the next
chunk itself instead of waiting. Results come in the chunks' order, whoever made them.
"""

from __future__ import annotations

import ctypes
import functools
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

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


def give_back() -> None:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``), after a chunk of
    work (at most every GIVE_BACK_EVERY seconds): a text of a few KB is allocated there, not in
    Python's own arenas, and the holes that thousands of them leave once freed kept a process's
    memory growing with the files it had read (20-27 MB of a 10,000-notice run's main process).
    Elsewhere, nothing."""
    trim, now = _malloc_trim(), time.monotonic()
    if trim is not None and now - _given_back[0] >= GIVE_BACK_EVERY:
        trim(0)
        _given_back[0] = time.monotonic()
