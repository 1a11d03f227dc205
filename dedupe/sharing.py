"""Work shared between this process and its workers: this process takes chunks too.

A run with ``--jobs N`` keeps N processes busy: this one and N - 1 workers. The workers are kept a
few chunks ahead; whenever the earliest chunk's result is not ready, this process does the next
chunk itself instead of waiting. Results come in the chunks' order, whoever made them.
"""

from __future__ import annotations

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
