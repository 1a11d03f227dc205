"""What ``ingest`` and the corrections print of their plan: one line of what was added and changed,
and with --verbose what became of each file read."""

from __future__ import annotations

from typing import Any

from dedupe.decisions import CanonicalChange, PairByHand


def format_plan(plan: Any) -> str:
    """One line: what an ingest (or a correction) added and changed."""
    result = plan.result
    added = plan.additions
    ids = {a.doc.id for a in added}
    clusters = [result.membership[a.doc.id].cluster for a in added] if result else []
    joined = sum(1 for c in clusters if any(m.id not in ids for m in c.members))  # a cluster older than this ingest
    among = sum(
        1
        for a, c in zip(added, clusters, strict=True)
        if c.canonical is not a.doc and all(m.id in ids for m in c.members)
    )
    changes = sum(1 for d in plan.decisions if isinstance(d, CanonicalChange))
    if plan.corrections:
        c = plan.corrections[0]
        about = f"{c.a} ~ {c.b}" if isinstance(c, PairByHand) else getattr(c, "path", "")
        lines = [f"{c.kind}: {about}"]
        for cluster in result.clusters if result else ():
            size = len(cluster.members)
            lines.append(
                f"  cluster {cluster.id}: {size} notice{'s' if size > 1 else ''}, canonical {cluster.canonical.path}"
            )
        return "\n".join(lines)  # fmt: skip
    return (
        f"{len(added)} new original(s): {len(added) - joined - among} new notice(s), "
        f"{joined} duplicate(s) of notices already there{f', {among} duplicate(s) of another file given' if among else ''}; "
        f"{changes} canonical change(s); "
        f"{len(plan.known)} already in the corpus; {len(plan.same_bytes)} identical to another file given; "
        f"{len(plan.rejected)} rejected; {sum(1 for a in added if a.renamed)} renamed in raw/"
    )


def plan_files(plan: Any) -> list[str]:
    """What an ingest did with each file it read (--verbose): landed as a new notice or as a
    duplicate of which notice (the pair's relation and figure), already in the corpus as which
    original, or the same bytes as which other file given. Skipped and refused files have their own lines."""
    result = plan.result
    if plan.corrections:
        return []
    lines = []
    for a in plan.additions:
        ms = result.membership[a.doc.id]
        cluster = ms.cluster
        if cluster.canonical is a.doc:
            others = len(cluster.members) - 1
            what = f"the canonical of a cluster of {others + 1}" if others else "a new notice"
        else:
            to = f" to {ms.via}" if ms.via else ""
            what = f"a duplicate of {cluster.canonical.path} ({ms.relation}, similarity {ms.similarity:.3f}{to})"
        lines.append(f"read {a.source}: {what}, landed as {a.doc.path}")
    lines += [f"read {path}: already in the corpus as {raw}" for path, raw in plan.known]
    lines += [
        f"read {path}: identical to {first}, another file given (the same bytes)" for path, first in plan.same_bytes
    ]
    return lines
