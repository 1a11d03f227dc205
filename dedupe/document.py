"""A notice as dedupe sees it: who it is, its normalized form, and its fingerprint."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from dedupe.config import DedupeConfig
from dedupe.shingle import shingle_hashes64
from dedupe.signature import signature
from normalize import Normalized


@dataclass(frozen=True)
class Fingerprint:
    """Sorted unique 64-bit shingle hashes and the MinHash signature of a key."""

    shingles: np.ndarray
    signature: np.ndarray

    @classmethod
    def of(cls, key: str, config: DedupeConfig) -> Fingerprint:
        hashes = shingle_hashes64(key, config.ngram)
        return cls(hashes, signature(hashes, config.num_perm, config.seed))


@dataclass(frozen=True)
class Document:
    """One notice: ``id`` (stable), ``path`` (as the user gave it), ``order`` (ingestion order)."""

    id: str
    path: str
    normalized: Normalized
    order: int = 0
    config: DedupeConfig = field(default_factory=DedupeConfig, compare=False, repr=False)

    @property
    def key(self) -> str:
        return self.normalized.key

    @property
    def text(self) -> str:
        return self.normalized.text

    @cached_property
    def fingerprint(self) -> Fingerprint:
        return Fingerprint.of(self.key, self.config)
