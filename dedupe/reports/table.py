"""The corpus report (``report``): what a corpus holds as the store reads it (``dedupe.store.holdings``),
laid out as one JSON-ready object, a table for people, or the manifest as CSV."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from dedupe.quality import FLAGS
from dedupe.reports.versions import chain_lines
from dedupe.store.holdings import Election, Holdings, flag_table, holdings

if TYPE_CHECKING:
    from dedupe.store import Corpus


def corpus_report(corpus: Corpus) -> dict[str, Any]:
    """:func:`report_of` the corpus as it is recorded now."""
    return report_of(holdings(corpus))


def report_of(h: Holdings) -> dict[str, Any]:
    """One JSON-ready object: summary figures, clusters (canonical first, with why it won; the
    largest first), related notices (the closest first), flags, withdrawn notices and rejections."""
    clusters: dict[str, list[dict[str, Any]]] = {}
    for row in h.active:
        clusters.setdefault(row["cluster"], []).append(row)
    flag_counts = Counter(f for row in h.active for f in row["flags"])
    ordered = sorted(clusters.items(), key=lambda kv: (-len(kv[1]), kv[1][0]["path"]))
    related = [{"a": p.a, "b": p.b, "a_title": p.a_title, "b_title": p.b_title, "jaccard": p.jaccard,
                "reason": p.reason} for p in h.apart]  # fmt: skip
    return {
        "corpus": h.root,
        "summary": {
            "originals": h.originals,
            "withdrawn": h.originals - len(h.active),
            "clusters": len(clusters),
            "duplicates": len(h.active) - len(clusters),
            "multi_member_clusters": sum(1 for m in clusters.values() if len(m) > 1),
            "related_pairs": len(related),
            "bytes": h.bytes,
            "encodings": dict(Counter(r["encoding"] for r in h.active)),
        },
        "clusters": [
            {
                "id": cid,
                "canonical": members[0]["path"],
                "title": members[0]["title"],
                "members": members,
                "why_canonical": _why(h.elections.get(cid), len(members)),
            }
            for cid, members in ordered
        ],
        "related": sorted(related, key=lambda r: -r["jaccard"]),
        "flags": {flag: {"count": flag_counts.get(flag, 0), "meaning": meaning} for flag, meaning in FLAGS.items()},
        "withdrawn": h.withdrawn,
        "rejected": [{"path": r.path, "reason": r.reason, "time": r.time} for r in h.refused],
        "chains": [c.to_json() for c in h.chains],
    }


KEPT = "kept from before the other members joined: none of them was strictly better"  # no election was logged


def _why(election: Election | None, size: int) -> str:
    """Why a cluster's canonical represents it: the latest election's reason, or a person's choice."""
    if election is None:
        return "the only member" if size == 1 else KEPT
    return f"chosen by hand: {election.reason}" if election.by_hand else election.reason or ""


def format_table(report: dict[str, Any]) -> str:
    """The report for people: the summary line, then each section that has something to say, one
    blank line apart (an empty corpus prints no empty section)."""
    s = report["summary"]
    head = (
        f"corpus {report['corpus']}: {s['originals']} originals, {s['clusters']} clusters, "
        f"{s['duplicates']} duplicates in {s['multi_member_clusters']} multi-member clusters"
    )
    clusters = [line for c in report["clusters"] for line in _cluster_lines(c)]  # one block, no blank between
    sections = [clusters] if clusters else []
    if report["related"]:
        sections.append(["related notices (reported, never merged):"] + [
            f"  {r['a']} ~ {r['b']}  Jaccard {r['jaccard']:.3f}: {r['reason']}" for r in report["related"]])  # fmt: skip
    if report.get("chains"):
        sections.append(["versions of one regulation (oldest first):"] + [
            line for chain in report["chains"] for line in chain_lines(chain)])  # fmt: skip
    if report["withdrawn"]:
        sections.append(["withdrawn (originals kept in raw/):"] + [f"  {w['path']}" for w in report["withdrawn"]])
    flags = [f"  {flag:<24} {info['count']:>5}  {info['meaning']}" for flag, info in report["flags"].items()
             if info["count"]]  # fmt: skip
    if flags:
        sections.append(["quality flags:", *flags])
    if report["rejected"]:
        sections.append(["rejected files:"] + [f"  {r['path']}: {r['reason']}" for r in report["rejected"]])
    return "\n\n".join("\n".join(lines) for lines in [[head], *sections])


def _cluster_lines(c: dict[str, Any]) -> list[str]:
    lines = [f"cluster {c['id']}  {c['title'] or '(no title)'}"]
    for m in c["members"]:
        tag = "canonical" if m["is_canonical"] else f"{m['relation']} {m['similarity'] or 0:.3f}"
        flags = f"  [{', '.join(m['flags'])}]" if m["flags"] else ""
        via = f" (to {m['via']})" if m.get("via") and not m["is_canonical"] else ""
        lines.append(f"  {tag:<14} {m['path']}{via}{flags}")
    if len(c["members"]) > 1:
        lines.append(f"  why canonical: {c['why_canonical']}")
    return lines


def format_csv(corpus: Corpus) -> str:
    """The manifest with one 0/1 column per quality flag."""
    return flag_table(corpus).write_csv()
