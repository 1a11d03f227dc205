"""Candidates for ``related``: notices that share verbatim passages far below the LSH threshold.

Two notices of one city that share a few paragraphs (Jaccard under 0.1) never collide in the
MinHash LSH; their passage fingerprints do. A notice keeps one winnowed fingerprint in SAMPLE (those
divisible by it: the same ones whatever the other notice, so two copies of a passage keep the same
fingerprints), which keeps a corpus index small. Two notices are compared when they share at least
``passage_min_shared`` kept fingerprints that are in at most ``passage_max_postings`` notices (more is
legal boilerplate such as 根据《中华人民共和国立法法》); the three figures are ``DedupeConfig``'s. One rule
for a batch in memory and for the corpus cache.
"""

from __future__ import annotations

import numpy as np

from dedupe.arrays import decode_pairs, pairs_within_groups, runs
from dedupe.config import DedupeConfig
from dedupe.shingle import passage_fingerprints


def kept_passages(key: str, config: DedupeConfig, positional: np.ndarray | None = None) -> np.ndarray:
    """The sorted passage fingerprints of ``key`` that an index keeps."""
    return passage_fingerprints(key, n=config.ngram, positional=positional, sample=config.passage_sample)


def passage_pairs(arrays: list[np.ndarray], config: DedupeConfig) -> set[tuple[int, int]]:
    """Index pairs (i < j) of notices sharing at least ``passage_min_shared`` fingerprints, each
    in at most ``passage_max_postings`` of the notices given: one self-join over all of them."""
    lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
    if not lengths.sum():
        return set()
    owners = np.repeat(np.arange(len(arrays), dtype=np.int32), lengths)
    codes = pairs_within_groups(np.concatenate(arrays), owners, config.passage_max_postings)
    codes.sort()
    starts, counts = runs(codes)
    return decode_pairs(codes[starts[counts >= config.passage_min_shared]])
