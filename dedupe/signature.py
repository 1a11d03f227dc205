"""MinHash signatures computed in bulk, equal to datasketch's ``affine32`` scheme.

datasketch (since 2.0) pre-mixes each 32-bit shingle hash with the MurmurHash3 finalizer and
applies ``a_k * h + b_k`` modulo 2**32 for each permutation k; the signature is the column-wise
minimum. The same arithmetic on a whole (shingles × permutations) matrix in numpy gives
identical values without a Python call per shingle.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash

from dedupe.arrays import sorted_unique
from dedupe.shingle import fold32

EMPTY = np.uint32(0xFFFFFFFF)
_CHUNK = 2048  # values per block: the block (num_perm × CHUNK × 4 bytes, 1 MB) stays in the cache


@functools.cache
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) parameters datasketch's ``affine32`` scheme draws for this size and seed: odd
    multipliers and offsets from ``numpy.random.RandomState(seed)``, in that order (a test checks
    them against datasketch's own). Drawn here so that workers need not import datasketch; the
    default settings' are read from ``dedupe.drawn`` (drawing them imports numpy's random module)."""
    from dedupe.drawn import PERMUTATIONS

    if (num_perm, seed) in PERMUTATIONS:
        a, b = (np.frombuffer(bytes.fromhex(h), dtype="<u4").astype(np.uint32) for h in PERMUTATIONS[num_perm, seed])
        return a, b
    return _permutations(num_perm, seed)


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(hashes64: np.ndarray, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """The MinHash signature (uint32[num_perm]) of a set of 64-bit shingle hashes.

    The block is laid out permutations × shingles, so that the products and the minimum each run
    over contiguous rows in place (about 8× faster than shingles × permutations). The
    32-bit values go in once each: a key repeats a fifth of its n-grams, and sorting the values to
    drop repeats costs less than their rows of the block (a minimum is the same without them).
    """
    a, b = permutations(num_perm, seed)
    out = np.full(num_perm, EMPTY, dtype=np.uint32)
    if hashes64.size == 0:
        return out
    values = sorted_unique(_fmix32(fold32(hashes64)))  # each 32-bit value once
    # a_k * h + b_k for every k and h as one product of (a b) and (h 1) in 32-bit arithmetic, which
    # wraps modulo 2**32: einsum's loop does it in one pass, a multiply and an add broadcast took two
    # passes and 1.7 times as long
    coefficients = np.stack((a, b), axis=1)
    width = min(_CHUNK, values.size)
    buffer = np.empty((num_perm, width), dtype=np.uint32)
    terms = np.ones((2, width), dtype=np.uint32)
    for start in range(0, values.size, _CHUNK):
        chunk = values[start : start + _CHUNK]
        block, operand = buffer[:, : chunk.size], terms[:, : chunk.size]
        operand[0] = chunk
        np.einsum("ik,kj->ij", coefficients, operand, out=block)
        np.minimum(out, block.min(axis=1), out=out)
    return out


def to_minhash(sig: np.ndarray, seed: int = 1) -> LeanMinHash:
    """A datasketch LeanMinHash carrying ``sig``, for datasketch's LSH and storage layers (it skips
    drawing permutations, which a plain MinHash does on every construction)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=sig, scheme="affine32")
