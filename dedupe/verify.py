"""Verification of candidate pairs on their exact shingle sets.

Relations, strongest first: ``exact`` (same key), ``near`` (Jaccard ≥ 0.8), ``contained`` (the
shorter's shingles are ≥ 0.9 in the longer and it keeps ≥ half of it), ``related`` (shares
verbatim passages or a fair share of shingles, below the thresholds: reported, never merged).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.arrays import in_sorted, in_sorted_filtered, intersect_sorted
from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.shingle import positional_hashes64

MERGING = ("confirmed", "exact", "near", "contained")  # confirmed: merged by a person (``policy-dedup merge``)
STRENGTH = {relation: rank for rank, relation in enumerate((*MERGING, "related"))}  # strongest first


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float  # share of the smaller set found in the larger
    length_ratio: float  # smaller set size / larger set size
    shared_passage_chars: int  # characters of A's key in verbatim runs of ≥ passage_min found in B
    intersection: int
    sizes: tuple[int, int]


@dataclass(frozen=True)
class Verdict:
    relation: str | None
    similarity: Similarity
    reason: str

    @property
    def merges(self) -> bool:
        return self.relation in MERGING


def shared_passage_chars(
    key_a: str, shingles_b: np.ndarray, config: DedupeConfig, grams: np.ndarray | None = None, every: bool = False
) -> int:
    """Characters of ``key_a`` that lie in runs of at least ``config.passage_min`` characters also found in B
    (``shingles_b``: B's sorted shingles, or only those A shares with B; ``grams``: A's n-gram
    hashes in text order, when the caller has them: ``key_a`` is then not read). ``every``: the
    caller knows every shingle of A is in B (half the pairs verified): A's key is one run, and no
    n-gram is looked up."""
    n, least = config.ngram, config.passage_min
    if shingles_b.size < least - n + 1:  # too few shared shingles for a single run
        return 0
    grams = positional_hashes64(key_a, n) if grams is None else grams
    if every:
        return grams.size + n - 1 if grams.size + n - 1 >= least else 0
    hits = in_sorted_filtered(grams, shingles_b)
    if not hits.any():
        return 0
    edges = np.flatnonzero(np.diff(np.concatenate(([0], hits.astype(np.int8), [0]))))
    runs = edges[1::2] - edges[0::2] + (n - 1)  # shingle runs → characters
    return int(runs[runs >= least].sum())


def measure(a: Document, b: Document, ignore: np.ndarray | None = None, passages: bool = True) -> Similarity:
    """Exact Jaccard and containment, leaving out ``ignore`` (boilerplate shingles) when given.

    The shared shingles are found once; the boilerplate is taken out of them and of the sizes
    afterwards, which counts the same as filtering both sets first.
    """
    sa = a.fingerprint.shingles
    if a.fingerprint.digest == b.fingerprint.digest and a.key == b.key:
        # the same key (2 pairs in 5 of the generated notices'): B's shingles are A's, all shared
        size_a = size_b = inter = sa.size - (
            a.fingerprint.count_in(ignore) if ignore is not None and ignore.size else 0
        )
        shared = sa
    else:
        sb = b.fingerprint.shingles
        shared = intersect_sorted(sa, sb)
        size_a, size_b, inter = sa.size, sb.size, shared.size
        if ignore is not None and ignore.size:
            size_a -= a.fingerprint.count_in(ignore)
            size_b -= b.fingerprint.count_in(ignore)
            inter -= int(in_sorted(shared, ignore).sum())
    small, large = sorted((size_a, size_b))
    union = size_a + size_b - inter
    chars = 0
    if passages:  # A's n-gram hashes are at hand: its key (expanded from its packed form to be read) is not needed
        grams = a.fingerprint.positional
        chars = shared_passage_chars("", shared, a.config, grams, every=shared.size == sa.size)
    return Similarity(
        jaccard=inter / union if union else 0.0,
        containment=inter / small if small else 0.0,
        length_ratio=small / large if large else 0.0,
        shared_passage_chars=chars,
        intersection=inter,
        sizes=(int(size_a), int(size_b)),
    )


def verdict(key_a: str, key_b: str, sim: Similarity, config: DedupeConfig) -> Verdict:
    """The relation of two notices and the sentence that explains it."""
    if key_a and key_a == key_b:
        return Verdict("exact", sim, "identical comparison keys (same text up to layout and punctuation)")
    j, c = sim.jaccard, sim.containment
    if j >= config.near_threshold:
        return Verdict("near", sim, f"Jaccard {j:.3f} ≥ {config.near_threshold} on {config.ngram}-gram shingles")
    if c >= config.containment_threshold and sim.length_ratio >= config.min_length_ratio:
        return Verdict(
            "contained",
            sim,
            f"{c:.1%} of the shorter text's shingles are in the longer one (≥ {config.containment_threshold:.0%}) "
            f"and it keeps {sim.length_ratio:.0%} of the longer's length (≥ {config.min_length_ratio:.0%})",
        )
    if c >= config.containment_threshold:
        return Verdict(
            "related",
            sim,
            f"the shorter text is {c:.0%} inside the longer one but only {sim.length_ratio:.0%} of its length: "
            "an excerpt, not a copy",
        )
    if sim.shared_passage_chars >= config.related_passage_chars or max(j, c) >= config.related_threshold:
        return Verdict(
            "related",
            sim,
            f"shares {sim.shared_passage_chars} characters in verbatim passages of ≥ {config.passage_min}, "
            f"Jaccard {j:.3f}, containment {c:.3f}: below the duplicate thresholds",
        )
    return Verdict(None, sim, f"Jaccard {j:.3f}, containment {c:.3f}: unrelated")
