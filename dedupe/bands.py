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
    """(b, r) as datasketch's MinHashLSH chooses them: the pair minimising the sum of the false
    positive and false negative areas (equal weights). The integrands are polynomials of degree
    b·r ≤ num_perm, which Gauss–Legendre quadrature with enough nodes integrates exactly, so this
    needs neither datasketch nor scipy at startup (a test compares it with datasketch)."""
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)

    def area(lo: float, hi: float, f: np.ndarray) -> float:
        return float((hi - lo) / 2 * (weights * f).sum())

    below = threshold / 2 * (nodes + 1)  # nodes mapped to [0, threshold] and [threshold, 1]
    above = threshold + (1 - threshold) / 2 * (nodes + 1)
    best, chosen = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            false_positive = area(0.0, threshold, 1 - (1 - below**r) ** b)
            false_negative = area(threshold, 1.0, (1 - above**r) ** b)
            error = false_positive + false_negative
            if error < best:
                best, chosen = error, (b, r)
    return chosen


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


def pairs_within_groups(values: np.ndarray, owners: np.ndarray, max_group: int | None = None) -> np.ndarray:
    """Pairs (i < j) of owners that share a value, as int64 codes ``i * 2**32 + j``, one per shared
    value (a pair sharing three values appears three times). Groups larger than ``max_group`` are
    skipped. ``owners`` must not repeat within a value.

    Sorting by value once and expanding each group size's groups as a matrix keeps this in numpy:
    no Python step per value.
    """
    if values.size < 2:
        return np.empty(0, dtype=np.int64)
    order = np.argsort(values, kind="stable")  # owners given in ascending order stay so in a group
    values, owners = values[order], owners[order]
    del order
    same = values[1:] == values[:-1]
    shared = np.zeros(values.size, dtype=bool)  # most values have one owner: drop them early
    shared[1:] |= same
    shared[:-1] |= same
    values, owners = values[shared], owners[shared].astype(np.int64)
    if not values.size:
        return np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    sizes = np.diff(np.append(starts, values.size))
    out = []
    for size in np.unique(sizes[sizes > 1]).tolist():
        if max_group is not None and size > max_group:
            break
        first = starts[sizes == size]
        members = owners[first[:, None] + np.arange(size)]  # groups × size, ascending within a row
        left, right = np.triu_indices(size, 1)
        out.append(((members[:, left] << 32) | members[:, right]).ravel())
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def band_pairs(matrix: np.ndarray, config: DedupeConfig) -> set[tuple[int, int]]:
    """Row pairs (i < j) of a signature matrix that share a band: the pairs datasketch's
    MinHashLSH gives when every row is inserted and then queried, found in one pass per band."""
    b, r = band_params(config.candidate_threshold, config.num_perm)
    codes = []
    rows = np.arange(matrix.shape[0], dtype=np.int64)
    for band in range(b):
        block = np.ascontiguousarray(matrix[:, band * r : (band + 1) * r], dtype=np.uint32)
        _, ids = np.unique(block.view(np.dtype((np.void, 4 * r))).ravel(), return_inverse=True)
        codes.append(pairs_within_groups(ids.ravel(), rows))
    found = np.unique(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    return {(int(c >> 32), int(c & 0xFFFFFFFF)) for c in found.tolist()}
