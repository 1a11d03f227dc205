"""What a corpus holds: clusters, relations, quality flags and figures, from its manifest and log."""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl

from dedupe.decisions import Canonical, CanonicalByHand, CanonicalChange, Reject
from dedupe.quality import FLAGS
from dedupe.reports.batch import dedupe_files, format_dedupe, result_json
from dedupe.reports.plan import format_plan, plan_files
from dedupe.reports.versions import chain_lines, corpus_chains
from dedupe.store import Corpus, log
from dedupe.store.view import logged_pairs

# the command line's dedupe and plan output import these from here too; they live in batch.py and plan.py
__all__ = ["corpus_report", "dedupe_files", "format_csv", "format_dedupe", "format_plan", "format_table",
           "plan_files", "rejected_files", "result_json"]  # fmt: skip


def corpus_report(corpus: Corpus) -> dict[str, Any]:
    """One JSON-ready object: summary figures, clusters (canonical first, with why it won), related
    notices, flags, withdrawn notices and rejections; from the manifest and the decision log."""
    manifest = corpus.read_manifest()
    active = manifest.filter(pl.col("status") == "active")
    rows = active.sort(["cluster", "is_canonical", "seq"], descending=[False, True, False]).to_dicts()
    clusters: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        row["flags"] = [f for f in (row["flags"] or "").split(";") if f]
        clusters.setdefault(row["cluster"], []).append(row)
    flag_counts = Counter(f for row in rows for f in row["flags"])
    ordered = sorted(clusters.items(), key=lambda kv: (-len(kv[1]), kv[1][0]["path"]))
    why = _why_canonical(corpus)
    titles = dict(zip(active["path"].to_list(), active["title"].to_list(), strict=True))
    pairs, _ = logged_pairs(corpus.root, active)
    ids = dict(zip(active["id"].to_list(), active["path"].to_list(), strict=True))
    related = [
        {"a": ids[p["a"]], "b": ids[p["b"]], "a_title": titles[ids[p["a"]]], "b_title": titles[ids[p["b"]]],
         "jaccard": p["jaccard"], "reason": p["veto"] or p["reason"]}
        for p in pairs if p["relation"] == "related" or p["veto"]
    ]  # fmt: skip
    return {
        "corpus": str(corpus.root),
        "summary": {
            "originals": manifest.height,
            "withdrawn": manifest.height - len(rows),
            "clusters": len(clusters),
            "duplicates": len(rows) - len(clusters),
            "multi_member_clusters": sum(1 for m in clusters.values() if len(m) > 1),
            "related_pairs": len(related),
            "bytes": int(manifest["bytes"].sum() or 0),
            "encodings": dict(Counter(r["encoding"] for r in rows)),
        },
        "clusters": [
            {
                "id": cid,
                "canonical": members[0]["path"],
                "title": members[0]["title"],
                "members": members,
                "why_canonical": why.get(cid, "the only member") if len(members) == 1 else why.get(cid, KEPT),
            }
            for cid, members in ordered
        ],
        "related": sorted(related, key=lambda r: -r["jaccard"]),
        "flags": {flag: {"count": flag_counts.get(flag, 0), "meaning": meaning} for flag, meaning in FLAGS.items()},
        "withdrawn": manifest.filter(pl.col("status") == "withdrawn").select("id", "path", "title").to_dicts(),
        "rejected": rejected_files(corpus, manifest),
        "chains": [c.to_json() for c in corpus_chains(corpus)],
    }


KEPT = "kept from before the other members joined: none of them was strictly better"  # no election was logged


def _why_canonical(corpus: Corpus) -> dict[str, str]:
    """Each cluster's latest election reason in the log (the cluster it was made for)."""
    out: dict[str, str] = {}
    for d in log.decisions(corpus.decisions_path):
        if isinstance(d, (Canonical, CanonicalChange)) and d.cluster:
            out[d.cluster] = d.reason or ""
        elif isinstance(d, CanonicalByHand):
            out[d.cluster] = f"chosen by hand: {d.reason}"
    return out


def rejected_files(corpus: Corpus, manifest: pl.DataFrame) -> list[dict[str, str]]:
    """Files an ingest refused, with the reason, from the decision log (latest word per path)."""
    latest: dict[str, dict[str, str]] = {}
    known = set(manifest["source"].to_list()) | set(manifest["path"].to_list())
    for d in log.decisions(corpus.decisions_path):
        if isinstance(d, Reject):
            latest[d.path] = {"path": d.path, "reason": d.reason or "", "time": d.time or ""}
    return [r for p, r in sorted(latest.items()) if p not in known]


def format_table(report: dict[str, Any]) -> str:
    s = report["summary"]
    lines = [
        f"corpus {report['corpus']}: {s['originals']} originals, {s['clusters']} clusters, "
        f"{s['duplicates']} duplicates in {s['multi_member_clusters']} multi-member clusters",
        "",
    ]
    for c in report["clusters"]:
        lines.append(f"cluster {c['id']}  {c['title'] or '(no title)'}")
        for m in c["members"]:
            tag = "canonical" if m["is_canonical"] else f"{m['relation']} {m['similarity'] or 0:.3f}"
            flags = f"  [{', '.join(m['flags'])}]" if m["flags"] else ""
            via = f" (to {m['via']})" if m.get("via") and not m["is_canonical"] else ""
            lines.append(f"  {tag:<14} {m['path']}{via}{flags}")
        if len(c["members"]) > 1:
            lines.append(f"  why canonical: {c['why_canonical']}")
    if report["related"]:
        lines += ["", "related notices (reported, never merged):"]
        lines += [f"  {r['a']} ~ {r['b']}  Jaccard {r['jaccard']:.3f}: {r['reason']}" for r in report["related"]]
    if report.get("chains"):
        lines += ["", "versions of one regulation (oldest first):"]
        lines += [line for chain in report["chains"] for line in chain_lines(chain)]
    if report["withdrawn"]:
        lines += ["", "withdrawn (originals kept in raw/):"] + [f"  {w['path']}" for w in report["withdrawn"]]
    lines += ["", "quality flags:"]
    for flag, info in report["flags"].items():
        if info["count"]:
            lines.append(f"  {flag:<24} {info['count']:>5}  {info['meaning']}")
    if report["rejected"]:
        lines += ["", "rejected files:"]
        lines += [f"  {r['path']}: {r['reason']}" for r in report["rejected"]]
    return "\n".join(lines)


def format_csv(corpus: Corpus) -> str:
    """The manifest with one 0/1 column per quality flag."""
    manifest = corpus.read_manifest()
    flags = manifest["flags"].fill_null("")
    return manifest.with_columns(
        [flags.str.split(";").list.contains(flag).cast(pl.Int8).alias(flag) for flag in FLAGS]
    ).write_csv()
