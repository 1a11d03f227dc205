"""An in-memory LSH over a signature matrix, with the candidates datasketch's MinHashLSH gives.

datasketch's index is a dict of buckets per band, built one notice at a time in Python: about a
minute for 100,000 notices. Here the signatures stay one uint32 matrix (the cache's own form);
a query compares its b bands of r values with every row at once, so loading a corpus costs one
read and no index memory beyond the signatures. b and r are datasketch's for the threshold, and
a notice is a candidate exactly when one of its bands equals the query's, as in datasketch.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable

import numpy as np

from dedupe.config import DedupeConfig


@functools.cache
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(b, r) as datasketch's MinHashLSH chooses them (equal weights of false positives and negatives)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


class BandIndex:
    def __init__(self, config: DedupeConfig) -> None:
        self.b, self.r = band_params(config.candidate_threshold, config.num_perm)
        self._keys: list[Hashable] = []
        self._blocks: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None

    def insert_many(self, items: Iterable[tuple[Hashable, np.ndarray]]) -> None:
        items = list(items)
        if items:
            self._keys.extend(k for k, _ in items)
            self._blocks.append(np.stack([s for _, s in items]).astype(np.uint32))
            self._matrix = None

    def insert_matrix(self, keys: list[Hashable], matrix: np.ndarray) -> None:
        """Add many signatures at once (rows of ``matrix``), as read from the cache."""
        if len(keys):
            self._keys.extend(keys)
            self._blocks.append(matrix.astype(np.uint32, copy=False))
            self._matrix = None

    def size(self) -> int:
        return len(self._keys)

    def query(self, sig: np.ndarray) -> list[Hashable]:
        if not self._keys:
            return []
        if self._matrix is None:
            self._matrix = np.concatenate(self._blocks) if len(self._blocks) > 1 else self._blocks[0]
            self._blocks = [self._matrix]
        used = self.b * self.r
        rows, query = self._matrix[:, :used], np.ascontiguousarray(sig[:used], dtype=np.uint32)
        if self.r % 2 == 0:  # compare two values at a time: half the comparisons
            rows = np.ascontiguousarray(rows).view(np.uint64)
            query = query.view(np.uint64)
        width = rows.shape[1] // self.b
        same = rows[:, 0::width] == query[0::width]  # (notices × bands): first value of each band
        for k in range(1, width):
            same &= rows[:, k::width] == query[k::width]
        return [self._keys[i] for i in np.flatnonzero(same.any(axis=1))]
