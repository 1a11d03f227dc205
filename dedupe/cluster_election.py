"""The election of a run's clusters: each one's canonical, and each member's relation to it.

A recorded canonical keeps its seat unless a newcomer is strictly better; a canonical chosen by
hand keeps it whatever. A member's relation is the verdict of its pair with the canonical (judged
now when that pair was not verified), else the pair it was joined through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dedupe.decisions import Canonical, CanonicalChange, Decision
from dedupe.document import Document
from dedupe.elect import elect, quality, strictly_better
from dedupe.judges import Judges, Outcome
from dedupe.model import Cluster, Membership, Recorded

if TYPE_CHECKING:
    from dedupe.engine import _Run


def elect_all(
    run: _Run,
    groups: list[list[Document]],
    recorded: dict[str, Recorded],
    membership: dict[str, Membership],
    verifier: Judges,
    judge: Callable[[Document, Document], Outcome],
) -> list[tuple[Cluster, list[Decision]]]:
    """Each group's cluster, with the decisions its election took (``membership`` gets each
    member's relation). The work of each member (its body measure and facts) and of each pair (a canonical
    and a member not verified against it) is done by ``verifier``'s workers first, all groups at
    once; the choices are then made here, in order. ``judge``: a pair of notices the workers do not
    hold (fetched from a corpus after they started)."""
    at = {d.id: i for i, d in enumerate(run.pool)}
    verifier.measure([at[m.id] for members in groups if len(members) > 1 for m in members if m.id in at])
    chosen = [_choose(run, members, recorded) for members in groups]
    verifier.prefetch(
        [
            (at[canonical.id], at[m.id])
            for members, (canonical, _, _) in zip(groups, chosen, strict=True)
            for m in members
            if m is not canonical and canonical.id in at and m.id in at and _needs_judging(run, m, canonical, recorded)
        ]
    )

    def outcome(a: Document, b: Document) -> Outcome:
        return verifier.get(at[a.id], at[b.id]) if a.id in at and b.id in at else judge(a, b)

    return [
        (_place(run, members, canonical, reason, recorded, membership, outcome), decided)
        for members, (canonical, reason, decided) in zip(groups, chosen, strict=True)
    ]


def _choose(run: _Run, members: list[Document], recorded: dict[str, Recorded]) -> tuple[Document, str, list[Decision]]:
    """The canonical of a (new or changed) cluster, why, and the decisions to record."""
    cid = members[0].id  # the founder: the earliest ingested
    sitting = [m for m in members if m.id in recorded and recorded[m.id].canonical]
    pinned = [m for m in members if m.id in run.pins]
    decided: list[Decision] = []
    if pinned:
        canonical = max(pinned, key=lambda m: run.pins[m.id][0])  # the latest choice
        reason = f"chosen by hand: {run.pins[canonical.id][1]}"
    elif not sitting:
        canonical, reason = elect(members)
        if len(members) > 1:
            decided.append(Canonical(cluster=cid, canonical=canonical.path, reason=reason))
    else:
        longest = max(m.body_chars for m in members)
        canonical = min(sitting, key=lambda m: (tuple(-x for x in quality(m, longest).rank()), m.order, m.path))
        reason = "the incumbent canonical: no newcomer is strictly better"
        for m in members:
            if m.id not in recorded and strictly_better(m, canonical, longest):
                reason = f"{m.path} is strictly better: {elect([m, canonical])[1]}"
                decided.append(CanonicalChange(cluster=cid, from_path=canonical.path, to=m.path, reason=reason))
                canonical = m
    return canonical, reason, decided


def _as_recorded(m: Document, canonical: Document, recorded: dict[str, Recorded]) -> Recorded | None:
    """A member's record, when it keeps its recorded relation: it sat in the cluster its canonical
    (a recorded canonical) heads."""
    was, boss = recorded.get(m.id), recorded.get(canonical.id)
    if was is not None and boss is not None and boss.canonical and was.cluster == boss.cluster:
        return was
    return None


def _needs_judging(run: _Run, m: Document, canonical: Document, recorded: dict[str, Recorded]) -> bool:
    """The pair of ``canonical`` and member ``m`` is judged for ``m``'s relation (see :func:`_place`)."""
    return _as_recorded(m, canonical, recorded) is None and (canonical.id, m.id) not in run.judged


def _place(
    run: _Run,
    members: list[Document],
    canonical: Document,
    reason: str,
    recorded: dict[str, Recorded],
    membership: dict[str, Membership],
    outcome: Callable[[Document, Document], Outcome],
) -> Cluster:
    """The cluster headed by ``canonical``, and each member's relation to it (``outcome`` judges
    a pair that was not verified)."""
    ordered = (canonical, *(m for m in members if m is not canonical))
    found = Cluster(members[0].id, canonical, ordered, reason)
    membership[canonical.id] = Membership(found, "canonical", 1.0)
    through = _through(canonical.id, {m.id: m for m in members}, run.edges)
    for m in ordered[1:]:
        was = _as_recorded(m, canonical, recorded)
        if was is not None:
            membership[m.id] = Membership(found, was.relation or "near", was.similarity, was.via)  # as recorded
            continue
        v, _ = run.judged.get((canonical.id, m.id)) or outcome(canonical, m)
        if v.merges:
            membership[m.id] = Membership(found, v.relation or "near", round(v.similarity.jaccard, 4))
        elif m.id in through:  # joined through another member: that pair's relation and figure, naming it
            other, relation, jaccard = through[m.id]
            membership[m.id] = Membership(found, relation, round(jaccard, 4), other.path)
        else:
            membership[m.id] = Membership(found, run.via.get(m.id) or "near", round(v.similarity.jaccard, 4))
    return found


def _through(
    root: str, members: dict[str, Document], edges: dict[str, list[tuple[str, str, float]]]
) -> dict[str, tuple[Document, str, float]]:
    """Each member's step towards the canonical ``root`` along the merged pairs (fewest steps, the
    strongest pair first): the member it joined through, with that pair's relation and Jaccard."""
    out: dict[str, tuple[Document, str, float]] = {}
    seen, frontier = {root}, [root]
    while frontier:
        nxt = []
        for at in frontier:
            for other, relation, jaccard in edges.get(at, ()):
                if other in members and other not in seen:
                    seen.add(other)
                    out[other] = (members[at], relation, jaccard)
                    nxt.append(other)
        frontier = nxt
    return out
