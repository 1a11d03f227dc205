"""Character n-gram shingles of a comparison key, hashed in bulk with numpy.

A shingle's hash is a polynomial over its code points modulo 2**64; the 32-bit value fed to
MinHash folds the two halves. :func:`shingle_hash32` computes the same value for one shingle
string, so ``datasketch.MinHash(hashfunc=shingle_hash32).update_batch(shingle_strings(key))``
gives exactly :func:`dedupe.signature.signature` of the key.
"""

from __future__ import annotations

import numpy as np

from dedupe.arrays import sorted_unique

MULTIPLIER = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime: odd, spreads code points over 64 bits
OFFSET = np.uint64(0xCBF29CE484222325)
_MASK32 = np.uint64(0xFFFFFFFF)


def code_points(key: str) -> np.ndarray:
    """The key's code points (uint32, a view of its UTF-32 bytes: no copy)."""
    return np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32)


def positional_hashes64(key: str, n: int = 5) -> np.ndarray:
    """64-bit hashes of the key's character n-grams in text order (repeats kept).

    Computed in place: a long key costs its hashes and its code points, no temporaries.
    """
    cps = code_points(key)
    if cps.size == 0:
        return np.empty(0, dtype=np.uint64)
    width = min(n, cps.size)
    count = cps.size - width + 1
    with np.errstate(over="ignore"):
        h = np.full(count, OFFSET, dtype=np.uint64)
        for j in range(width):
            np.multiply(h, MULTIPLIER, out=h)
            np.add(h, cps[j : j + count], out=h)
    return h


def shingle_hashes64(key: str, n: int = 5) -> np.ndarray:
    """Sorted unique 64-bit hashes of the key's character n-grams.

    A key shorter than ``n`` is one shingle (never an empty set, so two short texts are not
    duplicates of each other by default); an empty key has no shingle.

    >>> len(shingle_hashes64("一二三四五六")), len(shingle_hashes64("短")), len(shingle_hashes64(""))
    (2, 1, 0)
    """
    return sorted_unique(positional_hashes64(key, n))


def fold32(hashes64: np.ndarray) -> np.ndarray:
    """The 32-bit shingle hash MinHash uses: high half XOR low half."""
    return ((hashes64 >> np.uint64(32)) ^ (hashes64 & _MASK32)).astype(np.uint32)


def shingle_strings(key: str, n: int = 5) -> list[str]:
    """The shingles as strings, for the plain datasketch path and for tests."""
    if not key:
        return []
    width = min(n, len(key))
    return [key[i : i + width] for i in range(len(key) - width + 1)]


def shingle_hash32(shingle: str | bytes) -> int:
    """The 32-bit hash of one shingle (a ``hashfunc`` for ``datasketch.MinHash``)."""
    if isinstance(shingle, bytes):
        shingle = shingle.decode("utf-8")
    h = int(OFFSET)
    for ch in shingle:
        h = (h * int(MULTIPLIER) + ord(ch)) & 0xFFFFFFFFFFFFFFFF
    return ((h >> 32) ^ h) & 0xFFFFFFFF


PASSAGE_CHARS = 40  # a passage fingerprint covers this many key characters
PASSAGE_WINDOW = 20  # winnowing window: any shared run of 59+ characters shares a fingerprint
PASSAGE_CHUNK = 1 << 20  # windows winnowed at once


def passage_fingerprints(
    key: str,
    k: int = PASSAGE_CHARS,
    window: int = PASSAGE_WINDOW,
    n: int = 5,
    positional: np.ndarray | None = None,
    sample: int = 1,
) -> np.ndarray:
    """Winnowed hashes of the key's k-character passages (Schleimer et al., 2003): the minimum of
    each window of ``window`` consecutive passage hashes. Two keys sharing a verbatim run of at
    least ``k + window - 1`` characters share at least one fingerprint. ``sample``: only those
    divisible by it (taken before the sort, which then sorts fewer).

    A passage hash chains the k/n non-overlapping n-gram hashes it is made of (``positional``, the
    key's n-gram hashes, when the caller has them), which costs k/n passes instead of k.
    """
    if len(key) < k:
        return np.empty(0, dtype=np.uint64)
    grams = positional_hashes64(key, n) if positional is None else positional
    count = len(key) - k + 1
    if count <= window:
        fps = _passage_hashes(grams, 0, count, k, n).min(keepdims=True)
        return fps[fps % np.uint64(sample) == 0] if sample > 1 else fps
    kept = []
    starts = count - window + 1  # windows
    for start in range(0, starts, PASSAGE_CHUNK):  # a long key a stretch at a time: its arrays stay small
        stop = min(start + PASSAGE_CHUNK, starts)
        minima = sliding_min(_passage_hashes(grams, start, stop + window - 1, k, n), window)
        # one minimum holds over many windows in a row: keep the first of each run (a tenth of the
        # values) before the sort, which gives the same set for about a tenth of the cost
        first = np.empty(minima.size, dtype=bool)
        first[0] = True
        np.not_equal(minima[1:], minima[:-1], out=first[1:])
        minima = minima[first]
        kept.append(minima[minima % np.uint64(sample) == 0] if sample > 1 else minima)
    return sorted_unique(np.concatenate(kept) if len(kept) > 1 else kept[0])


def _passage_hashes(grams: np.ndarray, start: int, stop: int, k: int, n: int) -> np.ndarray:
    """The hashes of the passages that start at ``start`` … ``stop - 1``: each chains the n-gram
    hashes at 0, n, 2n… < k from its start. When they are a power of two (8 for 40 characters of
    5-grams), pairs are chained, then pairs of pairs: log2 passes instead of one a gram (the same
    sums of products modulo 2**64)."""
    chained = len(range(0, k, n))
    with np.errstate(over="ignore"):
        if chained & (chained - 1) == 0:
            hashes, span, factor = grams[start : stop + (chained - 1) * n], n, MULTIPLIER
            while span < chained * n:  # chains of span // n grams → chains of twice as many
                hashes = hashes[:-span] * factor + hashes[span:]
                span, factor = 2 * span, factor * factor
            return hashes if hashes.base is None else hashes.copy()
        hashes = grams[start:stop].copy()
        for j in range(n, k, n):
            np.multiply(hashes, MULTIPLIER, out=hashes)
            np.add(hashes, grams[start + j : stop + j], out=hashes)
    return hashes


def sliding_min(values: np.ndarray, window: int) -> np.ndarray:
    """The minimum of each run of ``window`` consecutive values (len(values) ≥ window).

    Minima over runs of 1, 2, 4, … values are built by doubling; a window is then covered by two
    overlapping runs of the largest power of two not above it: log2(window) + 1 passes.
    """
    span, runs = 1, values
    while span * 2 <= window:
        runs = np.minimum(runs[:-span], runs[span:])
        span *= 2
    count = values.size - window + 1
    return np.minimum(runs[:count], runs[window - span : window - span + count])
