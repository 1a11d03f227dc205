"""An in-memory LSH over a signature matrix, with the candidates datasketch's MinHashLSH gives.

datasketch's index is a dict of buckets per band, built one notice at a time in Python: about a
minute for 100,000 notices. Here the signatures stay one uint32 matrix (the cache's own form);
a query compares its b bands of r values with every row at once, so loading a corpus costs one
read and no index memory beyond the signatures. b and r are datasketch's for the threshold, and
a notice is a candidate exactly when one of its bands equals the query's, as in datasketch.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.config import DedupeConfig
from dedupe.shingle import ranges, runs


@functools.cache
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(b, r) as datasketch's MinHashLSH chooses them: the pair minimising the sum of the false
    positive and false negative areas (equal weights). The integrands are polynomials of degree
    b·r ≤ num_perm, which Gauss–Legendre quadrature with enough nodes integrates exactly, so this
    needs neither datasketch nor scipy at startup (a test compares it with datasketch)."""
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)
    below = threshold / 2 * (nodes + 1)  # nodes mapped to [0, threshold] and [threshold, 1]
    above = threshold + (1 - threshold) / 2 * (nodes + 1)
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]  # datasketch's order
    bands = np.array([b for b, _ in pairs], dtype=np.float64)[:, None]
    rows = np.array([r for _, r in pairs], dtype=np.float64)[:, None]
    false_positive = threshold / 2 * ((1 - (1 - below**rows) ** bands) * weights).sum(axis=1)
    false_negative = (1 - threshold) / 2 * (((1 - above**rows) ** bands) * weights).sum(axis=1)
    return pairs[int(np.argmin(false_positive + false_negative))]  # the first of equal minima, as its loop


_BAND_MULTIPLIER = np.uint64(0x100000001B3)


def band_hashes(matrix: np.ndarray, b: int, r: int) -> np.ndarray:
    """A 64-bit hash of each band of each signature row: (rows × b) uint64. Equal bands hash
    equal; a query confirms hits on the values themselves, so a collision changes nothing."""
    values = np.ascontiguousarray(matrix[:, : b * r], dtype=np.uint32).reshape(-1, b, r).astype(np.uint64)
    with np.errstate(over="ignore"):
        out = np.full(values.shape[:2], np.uint64(0xCBF29CE484222325), dtype=np.uint64)
        for k in range(r):
            out = (out * _BAND_MULTIPLIER) ^ values[:, :, k]
    return out


@dataclass
class _Block:
    keys: Sequence[Hashable]  # a list, or a polars Series read from the cache (indexed per hit)
    matrix: np.ndarray  # signatures (rows × num_perm), possibly memory-mapped
    bands: np.ndarray  # band_hashes of the rows
    live: np.ndarray | None = None  # rows to consider (None: all)


class BandIndex:
    """Candidates sharing a band with a query, as datasketch's MinHashLSH gives them.

    Signatures sit in blocks (a cache part each, memory-mapped, plus one for notices inserted
    one by one); a query compares its band hashes with each block's and confirms the hits on
    the band values, so no bucket dictionary is built and loading costs no index memory.
    """

    def __init__(self, config: DedupeConfig) -> None:
        self.b, self.r = band_params(config.candidate_threshold, config.num_perm)
        self._blocks: list[_Block] = []
        self._pending: list[tuple[Hashable, np.ndarray]] = []
        self._growing: _Block | None = None  # the block of notices inserted one by one
        self._storage: tuple[np.ndarray, np.ndarray] = (np.empty((0, 0), np.uint32), np.empty((0, 0), np.uint64))

    def insert_many(self, items: Iterable[tuple[Hashable, np.ndarray]]) -> None:
        self._pending.extend(items)

    def insert_matrix(self, keys: Sequence[Hashable], matrix: np.ndarray, bands: np.ndarray, live: np.ndarray) -> None:
        """Add a cache part's signatures at once: rows of ``matrix``, their ``band_hashes`` and
        which rows count."""
        if len(keys):
            self._blocks.append(_Block(keys, matrix, bands, live))

    def _flush(self) -> None:
        """Move notices inserted one by one into the growing block (capacity doubles, so a batch
        of n notices costs O(n) copying, and each row's band hashes are computed once)."""
        if not self._pending:
            return
        keys = [k for k, _ in self._pending]
        matrix = np.stack([s for _, s in self._pending]).astype(np.uint32)
        bands = band_hashes(matrix, self.b, self.r)
        self._pending = []
        grow = self._growing
        if grow is None:
            grow = self._growing = _Block(
                [], np.empty((0, matrix.shape[1]), np.uint32), np.empty((0, self.b), np.uint64)
            )
            self._blocks.append(grow)
            self._storage = (grow.matrix, grow.bands)
        size = len(grow.keys)
        store_m, store_b = self._storage
        if size + len(keys) > store_m.shape[0]:
            capacity = max(64, 2 * (size + len(keys)))
            store_m = np.concatenate([store_m[:size], np.empty((capacity - size, matrix.shape[1]), np.uint32)])
            store_b = np.concatenate([store_b[:size], np.empty((capacity - size, self.b), np.uint64)])
            self._storage = (store_m, store_b)
        store_m[size : size + len(keys)] = matrix
        store_b[size : size + len(keys)] = bands
        grow.keys.extend(keys)  # type: ignore[attr-defined]
        grow.matrix, grow.bands = store_m[: len(grow.keys)], store_b[: len(grow.keys)]

    def query(self, sig: np.ndarray) -> list[Hashable]:
        self._flush()
        query = np.ascontiguousarray(sig[: self.b * self.r], dtype=np.uint32).reshape(1, -1)
        wanted = band_hashes(query, self.b, self.r)[0]
        bands = query.reshape(self.b, self.r)
        out: list[Hashable] = []
        for block in self._blocks:
            hit = (block.bands == wanted).any(axis=1)
            if block.live is not None:
                hit &= block.live
            rows = np.flatnonzero(hit)
            if rows.size:
                values = np.asarray(block.matrix[rows, : self.b * self.r]).reshape(rows.size, self.b, self.r)
                rows = rows[(values == bands).all(axis=2).any(axis=1)]
                out.extend(block.keys[int(i)] for i in rows)
        return out

    def query_many(self, sigs: np.ndarray) -> list[list[Hashable]]:
        """``[self.query(s) for s in sigs]``, found by one sorted lookup per block and band
        instead of comparing every query with every row: a batch of n notices into a corpus of N
        costs O((n + N) log N), not O(n N)."""
        self._flush()
        n = sigs.shape[0]
        queries = np.ascontiguousarray(sigs[:, : self.b * self.r], dtype=np.uint32)
        wanted = band_hashes(queries, self.b, self.r)  # (n, b)
        out: list[list[Hashable]] = [[] for _ in range(n)]
        for block in self._blocks:
            found_q, found_row = [], []
            for k in range(self.b):
                column = np.asarray(block.bands[:, k])
                order = np.argsort(column, kind="stable")
                ranked = column[order]
                lo = np.searchsorted(ranked, wanted[:, k], side="left")
                hi = np.searchsorted(ranked, wanted[:, k], side="right")
                counts = hi - lo
                if not counts.any():
                    continue
                found_q.append(np.repeat(np.arange(n), counts))
                found_row.append(order[ranges(lo, counts)])
            if not found_q:
                continue
            codes = np.unique(np.concatenate(found_q).astype(np.int64) << 32 | np.concatenate(found_row))
            q, rows = codes >> 32, codes & 0xFFFFFFFF
            if block.live is not None:
                keep = block.live[rows]
                q, rows = q[keep], rows[keep]
            if not rows.size:
                continue
            values = np.asarray(block.matrix[rows, : self.b * self.r]).reshape(rows.size, self.b, self.r)
            confirmed = (values == queries[q].reshape(q.size, self.b, self.r)).all(axis=2).any(axis=1)
            for qi, row in zip(q[confirmed].tolist(), rows[confirmed].tolist(), strict=True):
                out[qi].append(block.keys[row])
        return out


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
    starts, sizes = runs(values)
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
    return decode_pairs(np.unique(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64))


def decode_pairs(codes: np.ndarray) -> set[tuple[int, int]]:
    """The (i, j) pairs of ``i * 2**32 + j`` codes."""
    return {(int(c >> 32), int(c & 0xFFFFFFFF)) for c in codes.tolist()}
