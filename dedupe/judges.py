"""Verification of many candidate pairs, spread over processes, with the serial path's decisions.

The serial loop skips a pair whose notices are already in one cluster. Here pairs go in blocks,
each replayed in order once the pairs its replay will ask for are verified, together, by the
workers. Which those are is planned ahead (:func:`plan`): the pairs the block would verify if every
pair verified joined its notices, then, while a pair that did not join makes the replay need more,
those. Every decision is the serial loop's, and no pair is verified that the serial loop skips
(verifying every pair of a block not joined at its start verified a sixth more pairs at 10,000
generated notices).

The same workers then serve the election: what it reads of every member of a cluster to elect
(body measure and facts), and the pairs of each canonical with the members it was not verified
against.

This process takes chunks too (:mod:`dedupe.sharing`): ``--jobs N`` is N processes at work, N - 1
of them workers. A command's workers (:class:`dedupe.sharing.Workers`, forked before the batch was
read) are used when given; otherwise they are started afresh (``spawn``), not forked from this
process: a forked worker starts with every page of the batch this process holds counted as its
own, so a batch's memory showed once for each. Each task carries the few documents its pairs name
(a chunk's pairs share their notices); a worker keeps the last ones it was sent, their shingles
with them. A command's workers were started for reading: each task names the run's settings
(sent with it, small), which a worker takes up when they are not those it holds.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.cluster import UnionFind
from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.elect import Facts, facts
from dedupe.sharing import Workers, die_with_parent, give_back, in_order, processes
from dedupe.verify import Verdict

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

Judge = Callable[[Document, Document, DedupeConfig, "np.ndarray | None"], tuple[Verdict, "str | None"]]
Outcome = tuple[Verdict, "str | None"]

BLOCK = 1024  # pairs replayed together: larger keeps both cores busy, smaller holds fewer outcomes
CHUNK = 16  # pairs a worker takes at a time, at least: a notice's run of pairs stays together (see _chunks)
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


class _Worker:
    """What a worker holds: the run's settings, and the last Recent.KEEP documents it was sent (by
    their index in the run), so that a notice's next pairs reuse its shingles; an older one is
    dropped with them."""

    def __init__(self, config: DedupeConfig, ignore: np.ndarray | None, judge: Judge, run: int = 0) -> None:
        self.config, self.ignore, self.judge, self.run = config, ignore, judge, run
        self.held: OrderedDict[int, Document] = OrderedDict()

    def docs(self, sent: dict[int, Document]) -> dict[int, Document]:
        """The documents of a task: those held already (same index, same notice) in place of the copies sent."""
        out = {}
        for i, doc in sent.items():
            mine = self.held.get(i)
            if mine is None or mine.id != doc.id:
                mine = doc
            self.held[i] = out[i] = mine
            self.held.move_to_end(i)
        while len(self.held) > Recent.KEEP:
            self.held.popitem(last=False)
        return out


_worker: _Worker | None = None
_RUNS = itertools.count(1)  # runs judged by a command's workers: each worker takes each run's settings up once


def _start(parent: int, config: DedupeConfig, ignore: np.ndarray | None, judge: Judge) -> None:
    global _worker
    die_with_parent(parent)
    _worker = _Worker(config, ignore, judge)


Settings = tuple[int, DedupeConfig, "np.ndarray | None", Judge]  # a run's number, and what _Worker holds


def _take_up(settings: Settings) -> None:
    """A command's worker, done reading, takes up a run's settings (once a run)."""
    global _worker
    if _worker is None or _worker.run != settings[0]:
        run, config, ignore, judge = settings
        _worker = _Worker(config, ignore, judge, run)


def _judge_chunk(
    pairs: list[tuple[int, int]], sent: dict[int, Document], own: Set[int], settings: Settings | None = None
) -> tuple[list[Outcome], list[tuple[int, Facts]]]:
    """The outcome of each pair, and the measures of those of ``own`` that a pair merges (see
    :meth:`Judges.prefetch`)."""
    if settings is not None:
        _take_up(settings)
    assert _worker is not None, "workers are started by judges()"
    docs = _worker.docs(sent)
    out = [_worker.judge(docs[i], docs[j], _worker.config, _worker.ignore) for i, j in pairs]
    measured = _measure(docs[k] for k in _members(pairs, out, own))
    give_back()
    return out, measured


def _measure(docs: Iterable[Document]) -> list[tuple[int, Facts]]:
    return [(doc.body_chars, facts(doc)) for doc in docs]


def joins(outcome: Outcome) -> bool:
    """Whether a pair's outcome puts its notices in one cluster: a merging verdict, not vetoed."""
    verdict, veto = outcome
    return verdict.merges and not veto


def _members(pairs: Sequence[tuple[int, int]], outcomes: Sequence[Outcome], own: Set[int]) -> list[int]:
    """Those of ``own`` that a pair merges (the notices of a cluster, whose measures the election
    reads), in order, each once."""
    found: dict[int, None] = {}
    for (i, j), outcome in zip(pairs, outcomes, strict=True):
        if joins(outcome):
            found.update(dict.fromkeys(k for k in (i, j) if k in own))
    return list(found)


def _chunks(pairs: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """``pairs`` in chunks of CHUNK or more, a notice's run of pairs (those it is first of) kept in
    one chunk up to 4 × CHUNK: the process that judges them makes its shingles and compared lines
    once."""
    chunks: list[list[tuple[int, int]]] = []
    chunk: list[tuple[int, int]] = []
    for pair in pairs:
        if len(chunk) >= 4 * CHUNK or (len(chunk) >= CHUNK and pair[0] != chunk[-1][0]):
            chunks.append(chunk)
            chunk = []
        chunk.append(pair)
    if chunk:
        chunks.append(chunk)
    return chunks


def plan(
    block: Sequence[tuple[int, int]],
    joined: UnionFind,
    apart: Callable[[int, int], bool],
    ready: dict[tuple[int, int], Outcome],
) -> list[tuple[int, int]]:
    """The pairs of ``block`` not in ``ready`` that its replay will ask for, supposing each of them
    joins its notices: the block is walked in order over a copy of ``joined``, a pair's notices
    joined when its outcome (known or supposed) joins them.

    A supposed join that does not happen can only make the replay ask for more, never for fewer:
    what the walk joins is never less than what the replay will have joined at the same pair (by
    induction, as the replay joins only notices the walk joined already or joins too). So each pair
    planned is one the replay asks for, and planning again with the outcomes found gives the rest,
    until it gives none."""
    shadow = joined.copy()
    wanted = []
    for i, j in block:
        if shadow.joined(i, j) and not apart(i, j):
            continue
        outcome = ready.get((i, j))
        if outcome is None:
            wanted.append((i, j))
        elif not joins(outcome):
            continue
        shadow.union(i, j)
    return wanted


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
        workers: int = 0,
        settings: Settings | None = None,
    ) -> None:
        """``pool``: ``workers`` processes that share the work with this one; ``settings``: sent
        with each task when they were not started with them (a command's workers)."""
        self.docs, self.config, self.ignore, self.judge, self.pool = docs, config, ignore, judge, pool
        self.workers, self.settings = workers, settings
        self._ready: dict[tuple[int, int], Outcome] = {}
        self._recent = Recent()
        self._named: set[int] = set()  # the notices measured by, or owned by a chunk in flight (see prefetch)
        self._owned: dict[int, set[int]] = {}  # by id of a chunk in flight: the notices it owns

    def each(
        self,
        pairs: Sequence[tuple[int, int]],
        joined: UnionFind,
        apart: Callable[[int, int], bool] = lambda i, j: False,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[int, int, Outcome]]:
        """Each pair with its outcome, in order, leaving out those already ``joined`` when their turn
        comes, unless ``apart`` says they differ (the caller joins the notices of each outcome that
        :func:`joins`, as it acts on it). ``progress`` is told the pairs done (skipped ones too)
        after each block."""

        def skip(i: int, j: int) -> bool:
            return joined.joined(i, j) and not apart(i, j)

        for start in range(0, len(pairs), BLOCK):
            block = [(i, j) for i, j in pairs[start : start + BLOCK] if not skip(i, j)]
            self._ready.clear()
            if self.pool is not None:  # the rest (fewer than two chunks) are judged here as the replay asks
                while len(wanted := plan(block, joined, apart, self._ready)) >= 2 * CHUNK:
                    self.prefetch(wanted)
            for i, j in block:
                if not skip(i, j):
                    yield i, j, self.get(i, j)
            if progress:
                progress(len(pairs[start : start + BLOCK]))

    def prefetch(self, pairs: list[tuple[int, int]]) -> None:
        """Verify ``pairs`` ahead, shared with the workers. A notice that a pair merges is measured
        for the election there and then (:meth:`measure`), where its text is at hand, by the chunk
        of pairs that owns it (:meth:`_own`): each is measured once, and the measuring is spread
        as the verification is (when the election measured them itself, this process did three of
        every four chunks, its workers' results coming back late)."""
        if self.pool is None or len(pairs) < 2 * CHUNK:  # too few to share: judged here when asked for
            return
        chunks = _chunks(pairs)
        done = in_order(self.pool, self.workers, chunks, self._judge_there, self._judge_here)
        for chunk, (outcomes, measured) in zip(chunks, done, strict=True):
            self._ready.update(zip(chunk, outcomes, strict=True))
            own = self._owned.pop(id(chunk))
            members = _members(chunk, outcomes, own)
            for k, (body_chars, found) in zip(members, measured, strict=True):
                self.docs[k].__dict__.update(body_chars=body_chars, _facts=found)
            self._named -= own.difference(members)  # merged by none of these pairs: a later chunk may own them
        give_back()

    def _own(self, chunk: list[tuple[int, int]]) -> set[int]:
        """The notices of ``chunk``, as it is handed out, that no chunk in flight owns and that are
        not measured yet: those it measures if one of its pairs merges them."""
        own = {x for pair in chunk for x in pair if x not in self._named and "body_chars" not in self.docs[x].__dict__}
        self._named |= own
        self._owned[id(chunk)] = own
        return own

    def _judge_there(self, pool: ProcessPoolExecutor, chunk: list[tuple[int, int]]) -> Future[Any]:
        sent = self._sent(x for pair in chunk for x in pair)
        return pool.submit(_judge_chunk, chunk, sent, self._own(chunk), self.settings)

    def _judge_here(self, chunk: list[tuple[int, int]]) -> tuple[list[Outcome], list[tuple[int, Facts]]]:
        own = self._own(chunk)
        outcomes = [self._judge(i, j) for i, j in chunk]
        return outcomes, _measure(self.docs[k] for k in _members(chunk, outcomes, own))  # kept on the documents too

    def _judge(self, i: int, j: int) -> Outcome:
        found = self.judge(self.docs[i], self.docs[j], self.config, self.ignore)
        self._recent.touch(self.docs[i], self.docs[j])
        return found

    def _sent(self, indices: Iterable[int]) -> dict[int, Document]:
        return {i: self.docs[i] for i in indices}

    def measure(self, indices: Sequence[int]) -> None:
        """Measure what the election reads of each of these documents (``Document.body_chars`` and
        ``dedupe.elect.facts``), shared with the workers, and keep it on the document, as measuring it
        here would; without workers each is measured when first asked."""
        todo = [
            i for i in indices if "body_chars" not in self.docs[i].__dict__ or "_facts" not in self.docs[i].__dict__
        ]
        if self.pool is None or len(todo) < 2 * CHUNK:
            return
        chunks = [todo[k : k + 4 * CHUNK] for k in range(0, len(todo), 4 * CHUNK)]
        done = in_order(
            self.pool,
            self.workers,
            chunks,
            lambda pool, chunk: pool.submit(_measure, [self.docs[i] for i in chunk]),
            lambda chunk: _measure(self.docs[i] for i in chunk),
        )
        for chunk, values in zip(chunks, done, strict=True):
            for i, (body_chars, found) in zip(chunk, values, strict=True):
                self.docs[i].__dict__.update(body_chars=body_chars, _facts=found)

    def get(self, i: int, j: int) -> Outcome:
        found = self._ready.get((i, j))
        return self._judge(i, j) if found is None else found


@contextmanager
def judges(
    docs: Sequence[Document],
    config: DedupeConfig,
    ignore: np.ndarray | None,
    judge: Judge,
    jobs: int,
    pairs: int,
    workers: Workers | None = None,
) -> Iterator[Judges]:
    """Judges for ``pairs`` candidate pairs over ``docs``, shared by this process and ``jobs`` - 1
    workers when that pays (for few pairs, in this process alone): the command's ``workers`` when
    they were started, else workers started here."""
    if jobs <= 1 or pairs < MIN_PARALLEL:
        yield Judges(docs, config, ignore, judge, None)
        return
    if workers is not None and workers.started and (pool := workers.pool()) is not None:
        yield Judges(docs, config, ignore, judge, pool, workers.jobs - 1, (next(_RUNS), config, ignore, judge))
        return
    # this process judges too (see dedupe.sharing): jobs - 1 workers
    with processes(jobs - 1, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                   initargs=(os.getpid(), config, ignore, judge)) as pool:  # fmt: skip
        yield Judges(docs, config, ignore, judge, pool, jobs - 1)
