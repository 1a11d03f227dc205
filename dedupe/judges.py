"""Verification of many candidate pairs, spread over processes, with the serial path's decisions.

The serial loop skips a pair whose notices are already in one cluster. Here pairs go in blocks:
the pairs of a block not yet joined at its start are verified at once by forked workers (which
see the documents without copying them through a pipe), then the block is replayed in order,
dropping a verdict whose pair got joined meanwhile. Every decision is the serial loop's; the
extra work is bounded by a block.

The same workers then serve the election: what it reads of every member of a cluster to elect
(body measure and facts), and the pairs of each canonical with the members it was not verified
against.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.elect import Facts, facts
from dedupe.files import die_with_parent
from dedupe.verify import Verdict

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

Judge = Callable[[Document, Document, DedupeConfig, "np.ndarray | None"], tuple[Verdict, "str | None"]]
Outcome = tuple[Verdict, "str | None"]

BLOCK = 1024  # pairs verified together: larger keeps both cores busy, smaller wastes less work
CHUNK = 16  # pairs a worker takes at a time: pairs of one notice stay together
MIN_PARALLEL = 256  # below this many pairs, starting workers costs more than it saves


class Recent:
    """Shingle sets (and n-gram hashes) of the last KEEP notices verified in this process; older
    ones are dropped (computed again if needed), so memory stays flat however large the batch."""

    KEEP = 32  # a notice's pairs come together: as fast as 512, and 30 MB less in each worker

    def __init__(self) -> None:
        self._order: OrderedDict[int, Document] = OrderedDict()

    def touch(self, *docs: Document) -> None:
        for doc in docs:
            self._order[id(doc)] = doc
            self._order.move_to_end(id(doc))
        while len(self._order) > self.KEEP:
            _, old = self._order.popitem(last=False)
            old.fingerprint.forget()


_shared: tuple[Sequence[Document], DedupeConfig, np.ndarray | None, Judge, Recent] | None = None


def _judge_chunk(pairs: list[tuple[int, int]]) -> list[Outcome]:
    assert _shared is not None, "workers are forked after the documents are shared"
    docs, config, ignore, judge, recent = _shared  # this worker's own copy of ``recent``
    out = []
    for i, j in pairs:
        out.append(judge(docs[i], docs[j], config, ignore))
        recent.touch(docs[i], docs[j])
    return out


def _measure(indices: list[int]) -> list[tuple[int, Facts]]:
    assert _shared is not None, "workers are forked after the documents are shared"
    docs = _shared[0]
    return [(docs[i].body_chars, facts(docs[i])) for i in indices]


class Judges:
    """``each(pairs)`` gives the outcome of each pair in order; blocks of pairs are verified ahead
    by ``prefetch`` (in parallel when there are workers), ``get`` verifies a pair not fetched."""

    def __init__(
        self,
        docs: Sequence[Document],
        config: DedupeConfig,
        ignore: np.ndarray | None,
        judge: Judge,
        pool: ProcessPoolExecutor | None,
    ) -> None:
        self.docs, self.config, self.ignore, self.judge, self.pool = docs, config, ignore, judge, pool
        self._ready: dict[tuple[int, int], Outcome] = {}
        self._recent = Recent()

    def each(
        self,
        pairs: Sequence[tuple[int, int]],
        skip: Callable[[int, int], bool] = lambda i, j: False,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[int, int, Outcome]]:
        """Each pair with its outcome, in order, leaving out those ``skip`` rules out when their
        turn comes (``skip`` may change as the caller acts on earlier outcomes). ``progress`` is
        told the pairs done (skipped ones too) after each block."""
        for start in range(0, len(pairs), BLOCK):
            block = [(i, j) for i, j in pairs[start : start + BLOCK] if not skip(i, j)]
            self.prefetch(block)
            for i, j in block:
                if not skip(i, j):
                    yield i, j, self.get(i, j)
            if progress:
                progress(len(pairs[start : start + BLOCK]))

    def prefetch(self, pairs: list[tuple[int, int]]) -> None:
        self._ready.clear()
        if self.pool is None or len(pairs) < 2 * CHUNK:
            return
        chunks = [pairs[k : k + CHUNK] for k in range(0, len(pairs), CHUNK)]
        for chunk, outcomes in zip(chunks, self.pool.map(_judge_chunk, chunks), strict=True):
            self._ready.update(zip(chunk, outcomes, strict=True))

    def measure(self, indices: Sequence[int]) -> None:
        """Measure what the election reads of each of these documents (``Document.body_chars`` and
        ``dedupe.elect.facts``) in the workers, and keep it on the document, as measuring it here
        would; without workers each is measured when first asked."""
        todo = [
            i for i in indices if "body_chars" not in self.docs[i].__dict__ or "_facts" not in self.docs[i].__dict__
        ]
        if self.pool is None or len(todo) < 2 * CHUNK:
            return
        chunks = [todo[k : k + 4 * CHUNK] for k in range(0, len(todo), 4 * CHUNK)]
        for chunk, values in zip(chunks, self.pool.map(_measure, chunks), strict=True):
            for i, (body_chars, found) in zip(chunk, values, strict=True):
                self.docs[i].__dict__.update(body_chars=body_chars, _facts=found)

    def get(self, i: int, j: int) -> Outcome:
        found = self._ready.get((i, j))
        if found is None:
            found = self.judge(self.docs[i], self.docs[j], self.config, self.ignore)
            self._recent.touch(self.docs[i], self.docs[j])
        return found


@contextmanager
def judges(
    docs: Sequence[Document],
    config: DedupeConfig,
    ignore: np.ndarray | None,
    judge: Judge,
    jobs: int,
    pairs: int,
) -> Iterator[Judges]:
    """Judges for ``pairs`` candidate pairs over ``docs``, with ``jobs`` forked workers when that
    pays (on platforms that fork; elsewhere, and for few pairs, in this process)."""
    global _shared
    if jobs <= 1 or pairs < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        yield Judges(docs, config, ignore, judge, None)
        return
    from concurrent.futures import ProcessPoolExecutor  # imported only when workers start (10 ms)

    _shared = (docs, config, ignore, judge, Recent())
    # the objects alive now are left out of the collector's passes: a pass in a worker would write
    # to every object's header, copying each page a worker shares with this process
    gc.freeze()
    try:
        # fork: workers inherit the documents; they use numpy and plain Python only, never polars
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent,
                                 initargs=(os.getpid(),)) as pool:  # fmt: skip
            yield Judges(docs, config, ignore, judge, pool)
    finally:
        _shared = None
        gc.unfreeze()
