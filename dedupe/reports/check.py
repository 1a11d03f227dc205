"""What ``check`` found, as one JSON-ready object: duplicates, related notices, new, known, rejected."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from dedupe.document import Document
from dedupe.model import Pair
from dedupe.store import Corpus, Plan


def check_report(corpus: Corpus, plan: Plan, since: Sequence[str] = ()) -> dict[str, Any]:
    """Each addition that duplicates a corpus notice, or an earlier addition, once, naming the
    notice it duplicates (the cluster's canonical when that is in the corpus).

    ``since``: the files a change adds (``check --since``). Those already ingested by the change
    are in the manifest; one that the manifest records in a cluster with a notice the change did
    not add is a duplicate too."""
    result = plan.result
    added = {a.doc.id: a for a in plan.additions}

    def show(doc: Document) -> str:
        return added[doc.id].source if doc.id in added else str(Path(corpus.root) / doc.path)

    duplicates, dup_ids = [], set()
    pairs: dict[frozenset[str], Pair] = {}
    for p in result.pairs if result else ():
        pairs.setdefault(frozenset((p.a.id, p.b.id)), p)
    for c in result.clusters if result else ():
        older = [m for m in c.members if m.id not in added]
        ordered = sorted((m for m in c.members if m.id in added), key=lambda m: m.order)
        if older:
            target = c.canonical if c.canonical.id not in added else older[0]
            flagged = ordered
        else:
            target, flagged = ordered[0], ordered[1:]
        for m in flagged:
            pair = pairs.get(frozenset((m.id, target.id)))
            ms = result.membership.get(m.id) if result else None
            if pair is not None:
                relation, similarity, reason = pair.relation, pair.similarity.jaccard, pair.reason
            else:
                relation, similarity = (ms.relation, ms.similarity) if ms else ("near", None)
                reason = f"in the same cluster as {target.path} ({relation} to its canonical)"
            dup_ids.add(m.id)
            duplicates.append(
                {
                    "path": show(m),
                    "duplicates": show(target),
                    "cluster": c.id,
                    "relation": relation,
                    "similarity": round(similarity, 4) if similarity is not None else None,
                    "reason": reason,
                }
            )
    duplicates += recorded_duplicates(corpus, plan, since)
    related = [
        {"path": show(p.b), "other": show(p.a), "relation": p.relation, "reason": p.reason}
        for p in (result.pairs if result else ())
        if not p.merged and (p.relation == "related" or p.veto)
    ]
    return {
        "duplicates": duplicates,
        "related": related,
        "new": [a.source for a in plan.additions if a.doc.id not in dup_ids],
        "known": [
            {"path": p, "corpus": str(Path(corpus.root) / c)}
            for p, c in plan.known
            if p not in {d["path"] for d in duplicates}
        ],
        "same_bytes": [{"path": p, "as": q} for p, q in plan.same_bytes],
        "rejected": [{"path": r.path, "reason": r.reason} for r in plan.rejected],
    }


def recorded_duplicates(corpus: Corpus, plan: Plan, added: Sequence[str]) -> list[dict[str, Any]]:
    """Files ``added`` by a change and already ingested by it that the manifest records as
    members of a cluster holding a notice the change did not add."""
    if not added:
        return []
    wanted = {str(Path(p).resolve()) for p in added}
    known = {c: p for p, c in plan.known if str(Path(p).resolve()) in wanted}
    if not known:
        return []
    rows = corpus.read_manifest().filter(pl.col("status") == "active")
    root = Path(corpus.root)
    new = {c for c in known} | {c for c in rows["path"].to_list() if str((root / c).resolve()) in wanted}
    out = []
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for row in rows.sort("seq").iter_rows(named=True):
        by_cluster.setdefault(row["cluster"], []).append(row)
    for row in rows.filter(pl.col("path").is_in(list(known))).iter_rows(named=True):
        older = [m for m in by_cluster[row["cluster"]] if m["path"] not in new]
        if not older:
            continue
        target = next((m for m in older if m["is_canonical"]), older[0])
        out.append(
            {
                "path": known[row["path"]],
                "duplicates": str(root / target["path"]),
                "cluster": row["cluster"],
                "relation": row["relation"] if not row["is_canonical"] else "near",
                "similarity": row["similarity"],
                "reason": f"ingested by this change into the cluster of {target['path']} ({row['relation']})",
            }
        )
    return out
