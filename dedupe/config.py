"""The one configuration object of the dedupe stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DedupeConfig:
    """Options of :func:`dedupe.find_duplicates`, with the defaults of DESIGN section 4.

    - ``ngram``: characters per shingle of the comparison key.
    - ``num_perm``, ``seed``: MinHash size and seed (datasketch ``affine32`` scheme).
    - ``candidate_threshold``: LSH threshold; below ``near_threshold`` so that truncated copies
      and contained texts still become candidates.
    - ``near_threshold``: exact Jaccard from which two notices are ``near`` duplicates.
    - ``containment_threshold``, ``min_length_ratio``: the shorter text is ``contained`` when this
      share of its shingles is in the longer one and it keeps at least this share of the longer.
    - ``related_threshold``: Jaccard or containment from which a non-duplicate pair is reported as
      ``related`` (it also is when the two share a whole paragraph).
    - ``boilerplate_df``, ``boilerplate_min_docs``: shingles found in at least this share of the
      documents (and in at least this many) are site furniture and are ignored in verification.
    - ``veto``: apply the template/revision veto.
    - ``vectorized``: compute signatures with numpy (the default) rather than feeding each shingle
      to ``datasketch.MinHash.update_batch``; both give the same values (the slow path is the
      reference the fast one is checked against).
    """

    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    candidate_threshold: float = 0.4
    near_threshold: float = 0.8
    containment_threshold: float = 0.9
    min_length_ratio: float = 0.5
    related_threshold: float = 0.3
    boilerplate_df: float = 0.3
    boilerplate_min_docs: int = 20
    veto: bool = True
    vectorized: bool = True

    def __post_init__(self) -> None:
        if self.ngram < 1:
            raise ValueError("ngram must be at least 1")
        if self.num_perm < 2:
            raise ValueError("num_perm must be at least 2")
        for name in ("candidate_threshold", "near_threshold", "containment_threshold", "related_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value}")
        if self.candidate_threshold > self.near_threshold:
            raise ValueError("candidate_threshold must not exceed near_threshold")

    def signature_fingerprint(self) -> str:
        """Names what cached signatures depend on; a cache made with another fingerprint is stale."""
        return f"n{self.ngram}-p{self.num_perm}-s{self.seed}-affine32-poly64"
