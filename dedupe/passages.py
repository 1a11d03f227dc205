"""Candidates for ``related``: notices that share verbatim passages far below the LSH threshold.

Two notices of one city that share a few paragraphs (Jaccard under 0.1) never collide in the
MinHash LSH; their winnowed passage fingerprints do. Fingerprints found in many notices (legal
boilerplate such as 根据《中华人民共和国立法法》) are ignored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable

import numpy as np

MIN_SHARED = 2  # fingerprints two notices must share to be compared
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
