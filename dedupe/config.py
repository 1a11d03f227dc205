"""The one configuration object of the dedupe stage."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

CANDIDATE_THRESHOLD = 0.4  # LSH threshold at the default near threshold (lower when near is lower)


@dataclass(frozen=True)
class DedupeConfig:
    """Options of :func:`dedupe.find_duplicates` (docs/architecture.md, "Configuration").

    - ``ngram``: characters per shingle of the comparison key.
    - ``num_perm``, ``seed``: MinHash size and seed (datasketch ``affine32`` scheme).
    - ``candidate_threshold``: LSH threshold; below ``near_threshold`` so that truncated copies
      and contained texts still become candidates. ``None`` (the default) decides it here, the one
      place: ``CANDIDATE_THRESHOLD``, or ``near_threshold`` when that is lower.
    - ``near_threshold``: exact Jaccard from which two notices are ``near`` duplicates.
    - ``containment_threshold``, ``min_length_ratio``: the shorter text is ``contained`` when this
      share of its shingles is in the longer one and it keeps at least this share of the longer.
    - ``related_threshold``: Jaccard or containment from which a non-duplicate pair is reported as
      ``related`` (it also is when the two share ``related_passage_chars`` key characters in
      verbatim runs of at least ``passage_min`` characters).
    - ``boilerplate_df``, ``boilerplate_min_docs``, ``boilerplate_sample``: shingles found in at
      least this share of (at most ``boilerplate_sample``) documents, and in at least this many, are
      site furniture and are ignored in verification.
    - ``identical_enough``: above this Jaccard the wording is the same; the veto does not read the diff.
    - ``body_rescue``, ``same_body``: a pair whose shorter text is this much inside the longer has
      its bodies compared; bodies this alike (Jaccard) are one text under two heads.
    - ``passage_sample``, ``passage_min_shared``, ``passage_max_postings``: a notice keeps the
      passage fingerprints divisible by ``passage_sample``; two notices are candidates when they share
      ``passage_min_shared`` kept fingerprints found in at most ``passage_max_postings`` notices.
    - ``veto``: apply the template/revision veto.
    - ``vectorized``: compute signatures with numpy (the default) rather than feeding each shingle
      to ``datasketch.MinHash.update_batch``; both give the same values (the slow path is the
      reference the fast one is checked against). The one option that changes no result.
    """

    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    candidate_threshold: float = None  # type: ignore[assignment]  # decided in __post_init__
    near_threshold: float = 0.8
    containment_threshold: float = 0.9
    min_length_ratio: float = 0.5
    related_threshold: float = 0.3
    related_passage_chars: int = 100
    passage_min: int = 40  # key characters: about two clauses copied word for word
    boilerplate_df: float = 0.3
    boilerplate_min_docs: int = 20
    boilerplate_sample: int = 256
    identical_enough: float = 0.99
    body_rescue: float = 0.8
    same_body: float = 0.9
    passage_sample: int = 4  # a quarter of the fingerprints
    passage_min_shared: int = 2  # about 100 characters of shared text
    passage_max_postings: int = 50  # more is legal boilerplate such as 根据《中华人民共和国立法法》
    veto: bool = True
    vectorized: bool = True

    def __post_init__(self) -> None:
        if self.candidate_threshold is None:
            object.__setattr__(self, "candidate_threshold", min(CANDIDATE_THRESHOLD, self.near_threshold))
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
        for name in ("passage_sample", "passage_min_shared", "passage_max_postings", "boilerplate_sample"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    def results(self) -> dict[str, Any]:
        """Every option that can change a result, by name (all but ``vectorized``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "vectorized"}

    def signature_fingerprint(self) -> str:
        """Names what an index of signatures depends on (the signatures, their LSH bands and the
        kept passage fingerprints); a cache made with another fingerprint is stale."""
        return (f"n{self.ngram}-p{self.num_perm}-s{self.seed}-c{self.candidate_threshold}-w{self.passage_sample}"
                "-affine32-poly64")  # fmt: skip
