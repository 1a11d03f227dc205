"""Candidates for ``related``: notices that share verbatim passages far below the LSH threshold.

Two notices of one city that share a few paragraphs (Jaccard under 0.1) never collide in the
MinHash LSH; their winnowed passage fingerprints do. Fingerprints found in many notices (legal
boilerplate such as 根据《中华人民共和国立法法》) are ignored.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import polars as pl

from dedupe.shingle import ranges, runs

MIN_SHARED = 4  # fingerprints two notices must share to be compared: about 80 characters of shared text
MAX_POSTINGS = 50  # a fingerprint in more notices than this is boilerplate


# a run: sorted fingerprints, their owners, and what to add to an owner to get its key's index
Run = tuple[np.ndarray, np.ndarray, int]


class PassageIndex:
    """Notices inserted one by one, queried between inserts (an ingest's batch).

    Fingerprints sit in sorted numpy runs, 12 bytes each (a dictionary of Python lists took
    about 170): new ones gather in a small buffer, which becomes a run once it holds FLUSH
    fingerprints; runs of similar size are merged, so there are few of them (as in an LSM tree).
    A fingerprint's postings are counted over all runs, so a query answers as a dictionary of
    postings would.
    """

    FLUSH = 4096

    def __init__(self) -> None:
        self._keys: list[Hashable] | pl.Series = []
        self._runs: list[Run] = []
        self._buffer: list[tuple[np.ndarray, int]] = []
        self._buffered = 0

    @classmethod
    def of_runs(cls, parts: Sequence[tuple[Sequence[Hashable], np.ndarray, np.ndarray]]) -> PassageIndex:
        """An index of notices whose fingerprints are already sorted, a run per cache part:
        (the part's keys, its sorted fingerprints, their owners as rows of the part). It answers
        as inserting the same notices would, without sorting them again. Its keys stay in their
        polars Series until a query names a few, so nothing can be inserted into it."""
        index, offset = cls(), 0
        for keys, fps, owners in parts:
            if len(fps):
                index._runs.append((fps, owners, offset))
            offset += len(keys)
        if parts:
            index._keys = pl.concat([k if isinstance(k, pl.Series) else pl.Series(k) for k, _, _ in parts])
        return index

    def insert_many(self, items: Iterable[tuple[Hashable, np.ndarray]]) -> None:
        if not isinstance(self._keys, list):
            raise TypeError("an index of cache parts (PassageIndex.of_runs) is only queried")
        for key, fingerprints in items:
            self._buffer.append((np.asarray(fingerprints, dtype=np.uint64), len(self._keys)))
            self._keys.append(key)
            self._buffered += len(fingerprints)
        if self._buffered >= self.FLUSH:
            self._runs.append(self._take_buffer())
            while len(self._runs) > 1 and self._runs[-2][0].size <= 2 * self._runs[-1][0].size:
                newer = self._runs.pop()
                older = self._runs.pop()
                self._runs.append(_merge(older, newer))

    def _take_buffer(self) -> Run:
        run = _sorted_run(self._buffer)
        self._buffer, self._buffered = [], 0
        return run

    def query(self, fingerprints: np.ndarray) -> list[Hashable]:
        """Keys sharing at least MIN_SHARED non-boilerplate fingerprints with ``fingerprints``."""
        query = np.asarray(fingerprints, dtype=np.uint64)
        if not query.size:
            return []
        runs = [*self._runs, _sorted_run(self._buffer)] if self._buffer else self._runs
        spans = [(np.searchsorted(fps, query, "left"), np.searchsorted(fps, query, "right")) for fps, _, _ in runs]
        postings = sum((hi - lo for lo, hi in spans), np.zeros(query.size, dtype=np.int64))
        keep = (postings > 0) & (postings <= MAX_POSTINGS)
        if not keep.any():
            return []
        pairs = []
        for (_, owners, offset), (lo, hi) in zip(runs, spans, strict=True):
            hit = np.flatnonzero(keep & (hi > lo))  # the query fingerprints found in this run
            counts = (hi - lo)[hit]
            if counts.size:  # every posting of every hit at once
                at = ranges(lo[hit], counts)
                pairs.append((owners[at].astype(np.int64) + offset) * query.size + np.repeat(hit, counts))
        # a notice counts once per shared fingerprint, however often it was inserted with it
        shared = np.unique(np.concatenate(pairs)) // query.size
        owners, counts = np.unique(shared, return_counts=True)
        return [self._keys[i] for i in owners[counts >= MIN_SHARED].tolist()]


def sorted_run(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The fingerprints of ``arrays`` sorted, and the index of the array each came from."""
    fps, owners, _ = _sorted_run([(np.asarray(a, dtype=np.uint64), i) for i, a in enumerate(arrays)])
    return fps, owners


def _sorted_run(buffer: list[tuple[np.ndarray, int]]) -> Run:
    if not buffer:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int32), 0
    fps = np.concatenate([f for f, _ in buffer])
    owners = np.repeat(np.array([o for _, o in buffer], dtype=np.int32), [f.size for f, _ in buffer])
    order = np.argsort(fps, kind="stable")
    return fps[order], owners[order], 0


def _merge(older: Run, newer: Run) -> Run:
    fps = np.concatenate([older[0], newer[0]])
    order = np.argsort(fps, kind="stable")
    return fps[order], np.concatenate([older[1] + older[2], newer[1] + newer[2]])[order], 0


def passage_pairs(arrays: list[np.ndarray]) -> set[tuple[int, int]]:
    """Index pairs (i < j) of notices sharing at least MIN_SHARED non-boilerplate fingerprints:
    the pairs :meth:`PassageIndex.query` gives for each notice of an index holding them all, found
    in one self-join."""
    from dedupe.bands import decode_pairs, pairs_within_groups

    lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
    if not lengths.sum():
        return set()
    owners = np.repeat(np.arange(len(arrays), dtype=np.int32), lengths)
    codes = pairs_within_groups(np.concatenate(arrays), owners, MAX_POSTINGS)
    codes.sort()
    starts, counts = runs(codes)
    return decode_pairs(codes[starts[counts >= MIN_SHARED]])
