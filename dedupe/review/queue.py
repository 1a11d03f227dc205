"""What needs a person: the review queue of a corpus, from its manifest and decision log.

The pairs are those the reports list (``dedupe.store.view.logged_pairs``: the latest verdict the
log records for each verified pair), so the queue never judges a pair otherwise than ``report``:

- vetoed near-duplicates: texts close enough to merge, kept apart by a version fact;
- borderline merges: a member whose Jaccard to its canonical is below ``borderline_below``;
- clusters whose canonical carries a flag that questions it (truncated, mojibake, …);
- related pairs from ``related_above`` on.

A pair a person merged or split, and a cluster whose canonical a person chose, leave the queue.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dedupe.model import SPLIT
from dedupe.store import Corpus
from dedupe.store.view import logged_pairs

RELATED_ABOVE = 0.5
BORDERLINE_BELOW = 0.9
DOUBTFUL_FLAGS = (  # flags that question a canonical (others only say what normalization did)
    "low-confidence-encoding", "replacement-chars", "private-use-chars", "mojibake", "no-title", "truncated",
    "repeated-passage", "too-short",
)  # fmt: skip
KIND_ORDER = ("vetoed", "borderline", "flagged-canonical", "related")
SIDE_FIELDS = ("id", "path", "title", "doc_number", "issuer", "date", "cluster", "is_canonical", "chars", "encoding")


def review_queue(
    corpus: Corpus, related_above: float = RELATED_ABOVE, borderline_below: float = BORDERLINE_BELOW
) -> list[dict[str, Any]]:
    """The items waiting for a person, vetoed pairs first, each pair closest first within its kind."""
    with corpus.reading() as manifest:
        active = manifest.filter(pl.col("status") == "active")
        pairs, pins = logged_pairs(corpus.root, active)
    rows = {r["id"]: r for r in active.iter_rows(named=True)}
    logged = {frozenset((p["a"], p["b"])): p for p in pairs}
    decided = {k for k, p in logged.items() if p["relation"] == "confirmed" or _split(p)}
    items = []
    for key, p in logged.items():
        if key in decided:
            continue
        if p["veto"]:
            items.append(_item("vetoed", rows[p["a"]], rows[p["b"]], p, p["reason"] or p["veto"]))
        elif p["relation"] == "related" and p["jaccard"] >= related_above:
            items.append(_item("related", rows[p["a"]], rows[p["b"]], p, p["reason"]))
    members: dict[str, list[dict[str, Any]]] = {}
    for row in rows.values():
        members.setdefault(row["cluster"], []).append(row)
    pinned = {doc_id for doc_id, _, _ in pins}
    for group in members.values():
        if len(group) > 1:
            canonical = next(r for r in group if r["is_canonical"])
            items += _borderline(canonical, group, logged, decided, borderline_below)
            items += _doubtful(canonical, group, logged) if canonical["id"] not in pinned else []
    return sorted(items, key=lambda i: (KIND_ORDER.index(i["kind"]), -i["jaccard"], i["a"]["path"], i["b"]["path"]))


def _borderline(
    canonical: dict[str, Any],
    group: list[dict[str, Any]],
    logged: dict[frozenset[str], dict[str, Any]],
    decided: set[frozenset[str]],
    below: float,
) -> list[dict[str, Any]]:
    """Members merged as near duplicates with a Jaccard to their canonical under ``below``."""
    out = []
    for row in group:
        key, sim = frozenset((canonical["id"], row["id"])), row["similarity"]
        if row is canonical or row["relation"] != "near" or sim is None or sim >= below or key in decided:
            continue
        p = logged.get(key, {"relation": "near", "jaccard": sim, "reason": None})
        out.append(_item("borderline", canonical, row, p, p["reason"] or f"Jaccard {sim:.3f} to its canonical"))
    return out


def _doubtful(
    canonical: dict[str, Any], group: list[dict[str, Any]], logged: dict[frozenset[str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """The cluster's canonical, when a flag questions it, beside the member fittest to replace it."""
    doubts = [f for f in _flags(canonical) if f in DOUBTFUL_FLAGS]
    if not doubts:
        return []
    other = min((r for r in group if r is not canonical), key=_soundness)
    p = logged.get(frozenset((canonical["id"], other["id"])))
    p = p or {"relation": other["relation"], "jaccard": other["similarity"] or 0.0}
    why = f"the canonical is flagged {', '.join(doubts)}; {other['path']} is flagged {_shown(other)}"
    return [_item("flagged-canonical", canonical, other, p, why)]


def _split(pair: dict[str, Any]) -> bool:
    return pair["relation"] == SPLIT


def _flags(row: dict[str, Any]) -> list[str]:
    return [f for f in (row["flags"] or "").split(";") if f]


def _shown(row: dict[str, Any]) -> str:
    return ", ".join(f for f in _flags(row) if f in DOUBTFUL_FLAGS) or "with nothing that questions it"


def _soundness(row: dict[str, Any]) -> tuple[int, int]:
    """The member fittest to replace a doubtful canonical: fewest doubtful flags, then longest."""
    return sum(f in DOUBTFUL_FLAGS for f in _flags(row)), -int(row["chars"] or 0)


def _item(kind: str, a: dict[str, Any], b: dict[str, Any], pair: dict[str, Any], reason: str) -> dict[str, Any]:
    """One queue item: the two notices (A the canonical when one is), the pair's figures, the reason."""
    if b["is_canonical"] and not a["is_canonical"]:
        a, b = b, a
    return {
        "key": f"{kind}:{a['id']}:{b['id']}",
        "kind": kind,
        "a": {**{f: a[f] for f in SIDE_FIELDS}, "flags": _flags(a)},
        "b": {**{f: b[f] for f in SIDE_FIELDS}, "flags": _flags(b)},
        "relation": pair["relation"],
        "jaccard": round(float(pair["jaccard"] or 0.0), 4),
        "containment": pair.get("containment"),
        "reason": reason,
    }
