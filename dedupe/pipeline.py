"""key → signatures → LSH candidates → verification → veto → clusters → canonical election."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.bands import band_pairs
from dedupe.cluster import UnionFind, cluster
from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.elect import elect
from dedupe.judges import judges
from dedupe.passages import passage_pairs
from dedupe.shingle import runs, shingle_hashes64
from dedupe.verify import MERGING, STRENGTH, Similarity, Verdict, measure, verdict
from dedupe.veto import edit_reason, veto_reason

IDENTICAL_ENOUGH = 0.99  # above this Jaccard the wording is the same; no need to read the diff


@dataclass(frozen=True)
class Pair:
    """A verified candidate pair; ``merged`` is False when the veto or a cannot-link kept it apart."""

    a: Document
    b: Document
    relation: str
    similarity: Similarity
    reason: str
    veto: str | None = None
    merged: bool = False


@dataclass(frozen=True)
class Cluster:
    id: str
    canonical: Document
    members: tuple[Document, ...]  # canonical first, then by order and path
    reason: str


@dataclass(frozen=True)
class Membership:
    """How a document belongs to its cluster: its relation and Jaccard to the canonical."""

    cluster: Cluster
    relation: str
    similarity: float | None


@dataclass(frozen=True)
class Result:
    documents: tuple[Document, ...]
    pairs: tuple[Pair, ...]
    clusters: tuple[Cluster, ...]
    membership: dict[str, Membership]

    def cluster_of(self, doc: Document) -> Cluster:
        return self.membership[doc.id].cluster


BOILERPLATE_SAMPLE = 256


def boilerplate_shingles(docs: Sequence[Document], config: DedupeConfig) -> np.ndarray | None:
    """Shingles found in a large share of the documents: site furniture, not notice text.

    The share is measured on up to 256 documents picked by id (the same whatever the input
    order): a shingle in 30% of the corpus is in about 30% of such a sample.
    """
    if len(docs) < config.boilerplate_min_docs:
        return None
    by_id = sorted(docs, key=lambda d: d.id)
    sample = by_id[:: max(1, len(by_id) // BOILERPLATE_SAMPLE)][:BOILERPLATE_SAMPLE]
    # computed here, not cached on the notices: verification computes the few it needs again
    values = np.sort(np.concatenate([shingle_hashes64(d.key, config.ngram) for d in sample]))
    starts, counts = runs(values)
    common = values[starts[counts >= config.boilerplate_df * len(sample)]]
    return common if common.size else None


def candidate_pairs(docs: Sequence[Document], config: DedupeConfig) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose signatures share an LSH band, that share verbatim passages, or
    whose keys are identical.

    A batch is compared in memory in one self-join per band (the pairs datasketch's MinHashLSH
    gives, tested) and one over passage fingerprints; a shared index serves corpora.
    """
    rows = [i for i, d in enumerate(docs) if not d.fingerprint.empty]
    pairs: set[tuple[int, int]] = set()
    if rows:
        matrix = np.stack([docs[i].fingerprint.signature for i in rows])
        pairs.update((rows[a], rows[b]) for a, b in band_pairs(matrix, config))
    pairs |= passage_pairs([d.fingerprint.passages for d in docs])
    by_key: dict[str, int] = {}
    for i, d in enumerate(docs):
        if d.key in by_key:
            pairs.add((by_key[d.key], i))
        else:
            by_key[d.key] = i
    return pairs


def judge(
    a: Document, b: Document, config: DedupeConfig, ignore: np.ndarray | None = None
) -> tuple[Verdict, str | None]:
    """Verify one pair: the relation by text, then the veto by metadata."""
    v = verdict(a.key, b.key, measure(a, b, ignore), config)
    if config.veto and v.merges and v.relation != "exact":
        reason = veto_reason(a.normalized.meta, b.normalized.meta)
        if reason is None and v.similarity.jaccard < IDENTICAL_ENOUGH:
            reason = edit_reason(a.text, b.text)
        if reason:
            return Verdict("related", v.similarity, f"{v.reason}, but vetoed: {reason}"), reason
    return v, None


def find_duplicates(documents: Sequence[Document], config: DedupeConfig = DedupeConfig(), jobs: int = 1) -> Result:
    """Cluster near-duplicate notices and elect a canonical per cluster, explaining each decision.

    The result does not depend on the order of ``documents`` (they are sorted by (order, path,
    id)) nor on ``jobs``, the processes that verify candidate pairs.
    """
    docs = sorted(documents, key=lambda d: (d.order, d.path, d.id))
    ignore = boilerplate_shingles(docs, config)
    verified: list[tuple[int, int, Verdict, str | None]] = []
    judged: dict[tuple[str, str], tuple[Verdict, str | None]] = {}  # the election reuses these
    merged = UnionFind(len(docs))  # a pair already joined through others is not verified again
    candidates = sorted(candidate_pairs(docs, config))
    with judges(docs, config, ignore, judge, jobs, len(candidates)) as verifier:
        for i, j, (v, veto) in verifier.each(candidates, skip=lambda i, j: merged.find(i) == merged.find(j)):
            judged[docs[i].id, docs[j].id] = (v, veto)
            if v.relation is not None:
                verified.append((i, j, v, veto))
                if v.merges and not veto:
                    merged.union(i, j)
    order = sorted(
        (p for p in verified if p[2].merges),
        key=lambda p: (STRENGTH[p[2].relation], -p[2].similarity.jaccard, docs[p[0]].id, docs[p[1]].id),
    )
    apart = [(i, j) for i, j, _, veto in verified if veto]
    groups, refused = cluster(len(docs), ((i, j) for i, j, _, _ in order), apart)
    refused_set = set(refused)
    pairs = tuple(
        Pair(docs[i], docs[j], v.relation or "", v.similarity, v.reason, veto, v.merges and (i, j) not in refused_set)
        for i, j, v, veto in verified
    )
    clusters, membership = _elect_all(docs, groups, pairs, config, ignore, judged)
    return Result(tuple(docs), pairs, clusters, membership)


def _elect_all(
    docs: Sequence[Document],
    groups: list[list[int]],
    pairs: Sequence[Pair],
    config: DedupeConfig,
    ignore: np.ndarray | None,
    judged: dict[tuple[str, str], tuple[Verdict, str | None]],
) -> tuple[tuple[Cluster, ...], dict[str, Membership]]:
    """A canonical per cluster, and each member's relation to it (a pair verified already, in
    the same order, is not verified again)."""
    via: dict[str, str] = {}
    for p in pairs:
        if p.merged:
            for doc in (p.a, p.b):
                via.setdefault(doc.id, p.relation)
    clusters: list[Cluster] = []
    membership: dict[str, Membership] = {}
    for group in groups:
        members = [docs[i] for i in group]
        canonical, reason = elect(members)
        ordered = (canonical, *(m for m in members if m is not canonical))
        found = Cluster(members[0].id, canonical, ordered, reason)
        clusters.append(found)
        membership[canonical.id] = Membership(found, "canonical", 1.0)
        for m in ordered[1:]:
            v, _ = judged.get((canonical.id, m.id)) or judge(canonical, m, config, ignore)
            relation = v.relation if v.merges else via.get(m.id, "near")
            membership[m.id] = Membership(found, relation, round(v.similarity.jaccard, 4))
    clusters.sort(key=lambda c: (c.canonical.path, c.id))
    return tuple(clusters), membership


__all__ = ["MERGING", "Cluster", "Membership", "Pair", "Result", "find_duplicates", "judge"]
