"""LSH bands of MinHash signatures, with the parameters and candidates datasketch's MinHashLSH gives.

b and r are datasketch's for the candidate threshold, and two notices are candidates exactly when
one of their bands is equal, as in datasketch. A band is stored and looked up by a 64-bit hash of
its values (and its number); a hit is confirmed on the values themselves.
"""

from __future__ import annotations

import functools

import numpy as np

from dedupe.arrays import decode_pairs, pairs_within_groups
from dedupe.config import DedupeConfig


@functools.cache
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(b, r) as datasketch's MinHashLSH chooses them: the pair minimising the sum of the false
    positive and false negative areas (equal weights). The integrands are polynomials of degree
    b·r ≤ num_perm, which Gauss–Legendre quadrature with enough nodes integrates exactly, so this
    needs neither datasketch nor scipy at startup (a test compares it with datasketch). The default
    settings' are read from ``dedupe.drawn``."""
    from dedupe.drawn import BANDS

    return BANDS.get((threshold, num_perm)) or _band_params(threshold, num_perm)


def _band_params(threshold: float, num_perm: int) -> tuple[int, int]:
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
    values = np.ascontiguousarray(matrix[:, : b * r], dtype=np.uint32).reshape(-1, b, r)
    return np.stack([_hash_rows(values[:, band]) for band in range(b)], axis=1)


def band_pairs(matrix: np.ndarray, config: DedupeConfig) -> set[tuple[int, int]]:
    """Row pairs (i < j) of a signature matrix that share a band: the pairs datasketch's
    MinHashLSH gives when every row is inserted and then queried, found in one pass per band.

    Rows are grouped by the band's 64-bit hash (a sort of integers: grouping by the band's bytes
    sorted them as opaque records, 1.06 s for 100,000 generated notices against 0.57 s), and each
    pair found is confirmed on the band's values, so a collision of two hashes adds no pair."""
    b, r = band_params(config.candidate_threshold, config.num_perm)
    codes = []
    rows = np.arange(matrix.shape[0], dtype=np.int64)
    for band in range(b):
        block = np.ascontiguousarray(matrix[:, band * r : (band + 1) * r], dtype=np.uint32)
        found = pairs_within_groups(_hash_rows(block), rows)
        if found.size:
            same = (block[found >> 32] == block[found & 0xFFFFFFFF]).all(axis=1)
            codes.append(found[same])
    return decode_pairs(np.unique(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64))


def _hash_rows(block: np.ndarray) -> np.ndarray:
    """A 64-bit hash (FNV-1a's constants, one uint32 at a time) of each row of a uint32 block."""
    with np.errstate(over="ignore"):
        out = np.full(block.shape[0], np.uint64(0xCBF29CE484222325), dtype=np.uint64)
        for k in range(block.shape[1]):
            out = (out * _BAND_MULTIPLIER) ^ block[:, k].astype(np.uint64)
    return out


def band_keys(matrix: np.ndarray, b: int, r: int) -> np.ndarray:
    """One signed 64-bit key per band of each row (rows × b, int64, as SQLite stores integers):
    the band's hash mixed with its number, so the bands of all numbers share one lookup column."""
    with np.errstate(over="ignore"):
        mixed = band_hashes(matrix, b, r) ^ (np.arange(b, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    return mixed.view(np.int64)


def confirm(query: np.ndarray, rows: np.ndarray, b: int, r: int) -> np.ndarray:
    """Which signature ``rows`` share at least one whole band with ``query`` (one signature)."""
    if not rows.size:
        return np.zeros(0, dtype=bool)
    bands = np.ascontiguousarray(query[: b * r]).reshape(b, r)
    values = np.asarray(rows[:, : b * r]).reshape(rows.shape[0], b, r)
    return (values == bands).all(axis=2).any(axis=1)
