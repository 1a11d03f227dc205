"""What ``dedupe`` prints of a batch (no corpus): its clusters, canonical first, the pairs kept apart,
its chains of versions, and each file's fate with --verbose; as text, or as JSON for programs."""

from __future__ import annotations

from typing import Any

from dedupe.chains import Chain, build_chains, units_of
from dedupe.model import Pair, Result


def format_dedupe(result: Result) -> str:
    """The clusters of a batch, canonical first, for people."""
    lines = []
    copies: dict[str, list[str]] = {}
    for copy, first in result.copies:
        copies.setdefault(first.id, []).append(copy.path)
    for c in result.clusters:
        lines.append(f"cluster {c.id} ({len(c.members)} notice{'s' if len(c.members) > 1 else ''})")
        for m in c.members:
            ms = result.membership[m.id]
            tag = "canonical" if m is c.canonical else f"{ms.relation} {ms.similarity:.3f}"
            lines.append(f"  {tag:<16} {m.path}{f' (to {ms.via})' if ms.via else ''}")
            lines += [f"  {'identical':<16} {path}" for path in copies.get(m.id, ())]
        if len(c.members) > 1:
            lines.append(f"  why canonical: {c.reason}")
    apart = _apart(result)
    vetoed = [p for p in apart if p.veto]
    related = sorted((p for p in apart if not p.veto), key=lambda p: -p.similarity.jaccard)  # the closest first
    for pair in [*vetoed, *related[:RELATED_SHOWN]]:  # every version kept apart; related ones up to a screen
        lines.append(f"{'vetoed' if pair.veto else 'related':<8} {pair.a.path} ~ {pair.b.path}: {pair.reason}")
    if len(related) > RELATED_SHOWN:
        lines.append(f"… and {len(related) - RELATED_SHOWN} more related pair(s): --json lists them all")
    dups = sum(len(c.members) - 1 for c in result.clusters)
    same = f", {len(result.copies)} identical file(s)" if result.copies else ""
    kept = "".join(
        f", {n} {what}" for n, what in ((len(vetoed), "vetoed pair(s)"), (len(related), "related pair(s)")) if n
    )
    chains = build_chains(units_of(result))
    lines += format_chains(chains)
    versions = f", {len(chains)} chain(s) of versions" if chains else ""
    lines.append(
        f"{len(result.documents)} notices, {len(result.clusters)} clusters, {dups} duplicates{same}{versions}{kept}"
    )
    return "\n".join(lines)


def format_chains(chains: list[Chain]) -> list[str]:
    """Each chain of versions, oldest first, with each version's status and date."""
    lines = []
    for chain in chains:
        count = f"{len(chain.versions)} version{'s' if len(chain.versions) > 1 else ''}"
        lines.append(f"chain {chain.id}  {chain.act}: {count}, current {chain.current or '(none: repealed)'}")
        for v in chain.versions:
            more = f" (+{len(v.paths) - 1} more of this version)" if len(v.paths) > 1 else ""
            became = f", became {v.became}" if v.became else ""
            by = f", repealed by {v.repealed_by}" if v.repealed_by else ""
            lines.append(f"  {v.status:<10} {v.when or '(no date)':<10}  {v.path}{more}{became}{by}")
    return lines


RELATED_SHOWN = 20


def _apart(result: Result) -> list[Pair]:
    """Verified pairs that were not merged: related notices and vetoed versions, by path."""
    return sorted(result.kept_apart(), key=lambda p: (p.a.path, p.b.path))


def result_json(result: Result) -> dict[str, Any]:
    """A batch's documents (with their cluster and relation) and clusters, for programs; a file
    with the same bytes as an earlier one is listed as ``identical`` in that one's cluster."""
    documents = []
    for d in sorted(result.documents, key=lambda d: d.path):
        ms = result.membership[d.id]
        documents.append(
            {
                "path": d.path,
                "id": d.id,
                "encoding": d.normalized.encoding,
                "cluster": ms.cluster.id,
                "canonical": ms.cluster.canonical is d,
                "relation": ms.relation,
                "similarity": ms.similarity,
                **({"via": ms.via} if ms.via else {}),  # the member the relation and similarity are to
            }
        )
    copies: dict[str, list[str]] = {}
    for copy, first in result.copies:
        ms = result.membership[first.id]
        copies.setdefault(ms.cluster.id, []).append(copy.path)
        documents.append(
            {
                "path": copy.path,
                "id": copy.id,
                "encoding": copy.normalized.encoding,
                "cluster": ms.cluster.id,
                "canonical": False,
                "relation": "identical",
                "similarity": 1.0,
            }
        )
    documents.sort(key=lambda d: d["path"])
    clusters = [
        {
            "id": c.id,
            "canonical": c.canonical.path,
            "members": [m.path for m in c.members],
            "reason": c.reason,
            **({"identical": copies[c.id]} if c.id in copies else {}),
        }
        for c in result.clusters
    ]
    pairs = [
        {"a": p.a.path, "b": p.b.path, "relation": p.relation, "jaccard": round(p.similarity.jaccard, 6),
         "containment": round(p.similarity.containment, 6), "reason": p.reason, "veto": p.veto}
        for p in _apart(result)
    ]  # fmt: skip
    chains = [c.to_json() for c in build_chains(units_of(result))]
    return {"documents": documents, "clusters": clusters, "related": pairs, "chains": chains}


def dedupe_files(result: Result) -> list[str]:
    """What dedupe made of each file (--verbose): the canonical of its cluster, or whose duplicate
    it is with the pair's relation and figure, or the same bytes as which file given."""
    lines = []
    for d in sorted(result.documents, key=lambda d: d.path):
        ms = result.membership[d.id]
        if ms.cluster.canonical is d:
            lines.append(
                f"read {d.path}: the canonical of cluster {ms.cluster.id} ({len(ms.cluster.members)} notice(s))"
            )
        else:
            to = f" to {ms.via}" if ms.via else ""
            lines.append(f"read {d.path}: a duplicate of {ms.cluster.canonical.path} ({ms.relation}, "
                         f"similarity {ms.similarity:.3f}{to})")  # fmt: skip
    lines += [f"read {copy.path}: identical to {first.path} (the same bytes)" for copy, first in result.copies]
    return lines
