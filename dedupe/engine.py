"""The one engine: candidates → verification → clusters → canonical election, explained.

``find_duplicates(batch)`` runs it over nothing known: the ``dedupe`` command. The store runs the
same function with ``known``, its view of the corpus (``Known``): ``ingest`` and ``check``. So a
folder deduplicated and the same folder ingested into an empty corpus always agree (tested).

With a corpus, the batch is compared with itself and with the corpus's candidates; clusters that
a batch notice merges with (or is kept apart from) are clustered again from their recorded links
and the new pairs; an incumbent canonical keeps its place unless a newcomer is strictly better.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from dedupe.arrays import runs
from dedupe.body import body_of, body_similarity
from dedupe.candidates import batch_pairs
from dedupe.cluster import UnionFind, cluster
from dedupe.cluster_election import elect_all
from dedupe.config import DedupeConfig
from dedupe.decisions import ClusterMerge, Decision, NewNotice, pair_class
from dedupe.document import Document, frozen, same_text
from dedupe.judges import Judges, joins, judges
from dedupe.model import Cluster, Known, Link, Membership, Nothing, Pair, Result
from dedupe.progress import Progress, begin
from dedupe.sharing import Workers
from dedupe.shingle import shingle_hashes64
from dedupe.verify import MERGING, STRENGTH, Verdict, measure, verdict
from dedupe.veto import edit_reason, veto_reason


def boilerplate_shingles(docs: Sequence[Document], known: Known, config: DedupeConfig) -> np.ndarray | None:
    """Shingles found in a large share of the notices, batch and corpus together: site furniture,
    not notice text. The share is measured on the ``boilerplate_sample`` (256) notices of smallest
    id (ids are hashes of the bytes: a random sample, the same whatever the input order, which a new
    notice changes only if its id is among them); a shingle in 30% of the notices is in about 30% of
    the sample."""
    count = config.boilerplate_sample
    picked = sorted({*known.first_ids(count), *(d.id for d in docs)})[:count]
    if len(picked) < config.boilerplate_min_docs:
        return None
    mine = {d.id: d for d in docs}  # only the sample's keys are read

    def compute() -> np.ndarray | None:
        keys = [mine[i].key for i in picked if i in mine] + known.sample([i for i in picked if i not in mine])
        values = np.sort(np.concatenate([shingle_hashes64(k, config.ngram) for k in keys]))
        starts, counts = runs(values)
        common = values[starts[counts >= config.boilerplate_df * len(keys)]]
        return common if common.size else None

    key = hashlib.sha256(f"{config.signature_fingerprint()}:{config.boilerplate_df}:{','.join(picked)}".encode())
    return known.memo(f"boilerplate:{key.hexdigest()[:32]}", compute)


def judge(
    a: Document, b: Document, config: DedupeConfig, ignore: np.ndarray | None = None
) -> tuple[Verdict, str | None]:
    """Verify one pair: the relation by text (by body when the heads differ), then the veto by
    version facts and metadata, and by the edits of the bodies."""
    v = verdict(a.key, b.key, measure(a, b, ignore), config)
    if not v.merges and v.similarity.containment >= config.body_rescue:  # perhaps one body under two heads
        body = body_similarity(a.text, b.text, config.ngram)
        if body is not None and body[0] >= config.same_body:
            whole = v.similarity
            v = Verdict("near", dataclasses.replace(whole, jaccard=body[0], containment=body[1]),
                        f"the same body (Jaccard {body[0]:.3f} from the first article on); the heads differ "
                        f"(whole texts: Jaccard {whole.jaccard:.3f}, containment {whole.containment:.3f})")  # fmt: skip
    if config.veto and v.merges and v.relation != "exact":
        reason = veto_reason(a.normalized.meta, b.normalized.meta)
        if reason is None and v.similarity.jaccard < config.identical_enough:  # edits judged on both bodies if any
            body_a, body_b = body_of(a.text), body_of(b.text)
            reason = edit_reason(*((body_a, body_b) if body_a and body_b else (a.text, b.text)))
        if reason:
            return Verdict("related", v.similarity, f"{v.reason}, but vetoed: {reason}"), reason
    return v, None


def _sort_key(d: Document) -> tuple[int, str, str]:
    return (d.order, d.path, d.id)


@dataclass
class _Run:
    """The working state of one engine run."""

    config: DedupeConfig
    known: Known
    batch: list[Document]
    pool: list[Document] = field(default_factory=list)
    judged: dict[tuple[str, str], tuple[Verdict, str | None]] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    via: dict[str, str] = field(default_factory=dict)  # the relation that first merged each notice
    edges: dict[str, list[tuple[str, str, float]]] = field(
        default_factory=dict
    )  # merged pairs: id → (other, relation, Jaccard)
    recluster: set[str] = field(default_factory=set)  # known notices whose clusters a correction changes
    pins: dict[str, tuple[int, str]] = field(default_factory=dict)  # canonicals chosen by hand: (order, reason)


def find_duplicates(
    documents: Sequence[Document],
    config: DedupeConfig = DedupeConfig(),
    jobs: int = 1,
    known: Known | None = None,
    recluster: Iterable[str] = (),
    progress: Progress | None = None,
    workers: Workers | None = None,
) -> Result:
    """Cluster near-duplicate notices and elect a canonical per cluster, explaining each decision.

    The result does not depend on the order of ``documents`` (they are sorted by (order, path,
    id)) nor on ``jobs``, the processes that verify candidate pairs. ``recluster``: known notices
    whose clusters are formed and elected again (after a person's correction). ``progress`` is
    told the candidate pairs verified (see ``dedupe.progress``). ``workers``: the command's
    processes (see ``dedupe.sharing.Workers``), used when they were started.
    """
    unique: dict[str, Document] = {}
    copies = []
    for doc in sorted(documents, key=_sort_key):
        if doc.id in unique:
            copies.append((doc, unique[doc.id]))  # the same bytes: one notice
        else:
            unique[doc.id] = doc
    run = _Run(config, known or Nothing(), list(unique.values()), recluster=set(recluster))
    with frozen():  # the batch left out of the collector's passes while it is matched
        ignore = boilerplate_shingles(run.batch, run.known, config)
        ordered = _candidates(run)
        with judges(run.pool, run.config, ignore, judge, jobs, len(ordered), workers) as verifier:  # verify and elect
            pairs = _verify(run, ordered, verifier, progress)
            result = _cluster(run, pairs, ignore, verifier)
    return dataclasses.replace(result, copies=tuple(copies))


def _candidates(run: _Run) -> list[tuple[int, int]]:
    """The pairs to verify, as indices into ``run.pool`` (the batch, then the known candidates
    fetched, which it sets): batch pairs first, as dedupe alone."""
    batch, n = run.batch, len(run.batch)
    outside = run.known.candidates(batch)
    found = run.known.fetch(sorted(set().union(*outside.values())) if outside else [])
    run.pool = [*batch, *sorted(found.values(), key=_sort_key)]
    at = {d.id: i for i, d in enumerate(run.pool)}
    candidates = set(batch_pairs(batch, run.config))
    for i, d in enumerate(batch):
        for other in outside.get(d.id, ()):
            if other in at and at[other] != i:
                k = at[other]
                candidates.add((k, i) if _sort_key(run.pool[k]) < _sort_key(d) else (i, k))
    return sorted(candidates, key=lambda p: (max(p) >= n, p))


def _verify(
    run: _Run, ordered: list[tuple[int, int]], verifier: Judges, progress: Progress | None = None
) -> list[tuple[int, int, Verdict, str | None]]:
    """Verify the candidate pairs in order; a pair already joined through others (or by the
    corpus's records) is skipped."""
    n = len(run.batch)
    joined = UnionFind(len(run.pool))
    recorded = run.known.clusters(d.id for d in run.pool[n:])
    first: dict[str, int] = {}
    for k in range(n, len(run.pool)):
        joined.union(first.setdefault(recorded.get(run.pool[k].id, run.pool[k].id), k), k)
    verified = []

    def apart(i: int, j: int) -> bool:
        """Whether their facts say they differ: such a pair is verified even when joined through
        others (its veto must keep a chain from joining them)."""
        return run.config.veto and veto_reason(run.pool[i].normalized.meta, run.pool[j].normalized.meta) is not None

    begin(progress, "matching", len(ordered))
    for i, j, (v, veto) in verifier.each(ordered, joined, apart, progress=progress):
        run.judged[run.pool[i].id, run.pool[j].id] = (v, veto)
        if v.relation is not None:
            verified.append((i, j, v, veto))
            if joins((v, veto)):
                joined.union(i, j)
    return verified


def _cluster(
    run: _Run,
    verified: list[tuple[int, int, Verdict, str | None]],
    ignore: np.ndarray | None,
    verifier: Judges,
) -> Result:
    """Clusters of the verified pairs (and of the corpus's records), each with its canonical
    elected; ``verifier`` (its workers, when it has some) measures the members and judges the
    pairs the election needs."""
    pool, known, batch_ids = run.pool, run.known, {d.id for d in run.batch}
    new_links = [
        Link(pool[i].id, pool[j].id, v.relation or "", round(v.similarity.jaccard, 6), veto)
        for i, j, v, veto in verified
    ]
    # clusters a batch notice merges with or is kept apart from are clustered again (and those a
    # correction names)
    ends = {x for link in new_links if link.merges or link.veto for x in (link.a, link.b)} | run.recluster
    ends -= batch_ids
    old_cluster = known.clusters(ends)
    old_members = known.members(set(old_cluster.values()))
    member_ids = {m for ms in old_members.values() for m in ms}
    old_cluster.update(known.clusters(member_ids - set(old_cluster)))
    docs = {d.id: d for d in pool}
    docs.update(known.fetch(member_ids - set(docs)))
    nodes = sorted((docs[i] for i in batch_ids | member_ids), key=_sort_key)
    pos = {d.id: i for i, d in enumerate(nodes)}
    links = [*known.links(member_ids), *new_links]
    merges = sorted(
        (x for x in links if x.merges),
        key=lambda x: (STRENGTH[x.relation], -x.jaccard, *_apartness(docs.get(x.a), docs.get(x.b)), x.a, x.b),
    )
    vetoed = [x for x in links if x.veto and x.a in pos and x.b in pos]
    groups, refused = cluster(
        len(nodes),
        [(pos[x.a], pos[x.b]) for x in merges if not x.by_hand],
        [(pos[x.a], pos[x.b]) for x in vetoed if not x.by_hand],
        forced=[(pos[x.a], pos[x.b]) for x in merges if x.by_hand],
        kept_apart=[(pos[x.a], pos[x.b]) for x in vetoed if x.by_hand],
    )
    refused_ids = {(nodes[a].id, nodes[b].id) for a, b in refused}
    pairs = tuple(
        Pair(
            pool[i],
            pool[j],
            v.relation or "",
            v.similarity,
            v.reason,
            veto,
            v.merges and not veto and (pool[i].id, pool[j].id) not in refused_ids,
        )
        for i, j, v, veto in verified
    )
    for x in merges:  # the relation that first joined each notice
        if (x.a, x.b) not in refused_ids:
            run.via.setdefault(x.a, x.relation)
            run.via.setdefault(x.b, x.relation)
            run.edges.setdefault(x.a, []).append((x.b, x.relation, x.jaccard))
            run.edges.setdefault(x.b, []).append((x.a, x.relation, x.jaccard))
    recorded = known.recorded(member_ids)
    run.pins = known.pinned(batch_ids | member_ids)
    clusters: list[Cluster] = []
    kept: set[str] = set()
    membership: dict[str, Membership] = {}
    electing = []
    for group in groups:
        members = [nodes[i] for i in group]
        ids = {m.id for m in members}
        was = old_cluster.get(members[0].id)
        unchanged = was == members[0].id and set(old_members.get(was, ())) == ids
        if unchanged and not ids & (batch_ids | set(run.pins)) and any(recorded[i].canonical for i in ids):
            kept.add(was)  # a recorded cluster the batch did not change
            continue
        electing.append(members)
    elected = elect_all(run, electing, recorded, membership, verifier, lambda a, b: judge(a, b, run.config, ignore))
    for members, (found, decided) in zip(electing, elected, strict=True):
        run.decisions.extend(decided)
        clusters.append(found)
        for m in members:
            if m.id in old_cluster and old_cluster[m.id] != found.id:
                why = (
                    "a merge by hand joined the clusters"
                    if run.via.get(m.id) == "confirmed"
                    else (
                        f"a {run.via.get(m.id) or 'verified'} duplicate joined its cluster to {found.canonical.path}'s"
                    )
                )
                run.decisions.append(ClusterMerge(id=m.id, path=m.path, from_cluster=old_cluster[m.id], to=found.id,
                                                  reason=why))  # fmt: skip
    clusters.sort(key=lambda c: (c.canonical.path, c.id))
    for p in pairs:
        record = pair_class(p.veto, p.relation in MERGING)
        run.decisions.append(
            record(a=p.a.path, b=p.b.path, a_id=p.a.id, b_id=p.b.id, relation=p.relation,
                   jaccard=round(p.similarity.jaccard, 6), containment=round(p.similarity.containment, 6),
                   reason=p.reason, veto=p.veto)
        )  # fmt: skip
    for d in run.batch:
        if membership[d.id].cluster.id == d.id:
            why = "founds its own cluster: no earlier notice is a duplicate of it"
            run.decisions.append(NewNotice(id=d.id, path=d.path, reason=why))
    gone = frozenset(set(old_cluster.values()) - {c.id for c in clusters} - kept)
    return Result(tuple(run.batch), pairs, tuple(clusters), membership, tuple(run.decisions), gone)


def _apartness(a: Document | None, b: Document | None) -> tuple[int, int, int, int]:
    """Among pairs of the same relation and Jaccard, which are closer (smaller first): the same
    clean text, then encoding, then format, then the nearer size. A re-scrape of one of two notices
    split by hand is exact to both when their texts are identical: it joins the one it copies."""
    if a is None or b is None:
        return (1, 1, 1, 0)
    na, nb = a.normalized, b.normalized
    return (
        int(not same_text(na, nb)),
        int(na.encoding != nb.encoding),
        int(na.describe_format() != nb.describe_format()),
        abs(a.size - b.size),
    )
