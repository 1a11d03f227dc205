"""Candidates for ``related``: notices that share verbatim passages far below the LSH threshold.

Two notices of one city that share a few paragraphs (Jaccard under 0.1) never collide in the
MinHash LSH; their winnowed passage fingerprints do. Fingerprints found in many notices (legal
boilerplate such as 根据《中华人民共和国立法法》) are ignored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable

import numpy as np

MIN_SHARED = 4  # fingerprints two notices must share to be compared: about 80 characters of shared text
MAX_POSTINGS = 50  # a fingerprint in more notices than this is boilerplate


class PassageIndex:
    def __init__(self) -> None:
        self._postings: defaultdict[int, list[Hashable]] = defaultdict(list)

    def insert_many(self, items: Iterable[tuple[Hashable, np.ndarray]]) -> None:
        for key, fingerprints in items:
            for fp in fingerprints.tolist():
                self._postings[fp].append(key)

    def query(self, fingerprints: np.ndarray) -> list[Hashable]:
        """Keys sharing at least MIN_SHARED non-boilerplate fingerprints with ``fingerprints``."""
        shared: Counter[Hashable] = Counter()
        for fp in fingerprints.tolist():
            posting = self._postings.get(fp)
            if posting and len(posting) <= MAX_POSTINGS:
                shared.update(set(posting))
        return [key for key, n in shared.items() if n >= MIN_SHARED]


class FrozenPassageIndex:
    """The same queries over many notices at once: one sorted array of (fingerprint, notice).

    Built in one sort from cached fingerprints, 12 bytes a fingerprint, with no Python object per
    fingerprint; used for the corpus side of an ingest.
    """

    def __init__(self, keys: list[Hashable], arrays: list[np.ndarray]) -> None:
        self._keys = keys
        lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
        fps = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.uint64)
        owners = np.repeat(np.arange(len(arrays), dtype=np.int32), lengths)
        order = np.argsort(fps, kind="stable")
        self._fps, self._owners = fps[order], owners[order]

    def query(self, fingerprints: np.ndarray) -> list[Hashable]:
        if not self._fps.size or not fingerprints.size:
            return []
        lo = np.searchsorted(self._fps, fingerprints, side="left")
        hi = np.searchsorted(self._fps, fingerprints, side="right")
        keep = (hi > lo) & (hi - lo <= MAX_POSTINGS)
        if not keep.any():
            return []
        owners = np.concatenate([self._owners[a:b] for a, b in zip(lo[keep], hi[keep], strict=True)])
        ids, counts = np.unique(owners, return_counts=True)
        return [self._keys[i] for i in ids[counts >= MIN_SHARED]]


def passage_pairs(arrays: list[np.ndarray]) -> set[tuple[int, int]]:
    """Index pairs (i < j) of notices sharing at least MIN_SHARED non-boilerplate fingerprints:
    the pairs :meth:`FrozenPassageIndex.query` gives for each notice, found in one self-join."""
    from dedupe.bands import pairs_within_groups

    lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
    if not lengths.sum():
        return set()
    owners = np.repeat(np.arange(len(arrays), dtype=np.int32), lengths)
    codes = pairs_within_groups(np.concatenate(arrays), owners, MAX_POSTINGS)
    codes.sort()
    starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    counts = np.diff(np.append(starts, codes.size))
    return {(int(c >> 32), int(c & 0xFFFFFFFF)) for c in codes[starts[counts >= MIN_SHARED]].tolist()}
