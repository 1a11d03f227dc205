"""What a corpus holds: clusters, relations, quality flags and figures, from its manifest."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import polars as pl

from dedupe.quality import FLAGS
from dedupe.store import Corpus


def corpus_report(corpus: Corpus) -> dict[str, Any]:
    """One JSON-ready object: summary figures, clusters (canonical first), flags and rejections."""
    manifest = corpus.read_manifest()
    rows = manifest.sort(["cluster", "is_canonical", "seq"], descending=[False, True, False]).to_dicts()
    clusters: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        row["flags"] = [f for f in (row["flags"] or "").split(";") if f]
        clusters.setdefault(row["cluster"], []).append(row)
    flag_counts = Counter(f for row in rows for f in row["flags"])
    ordered = sorted(clusters.items(), key=lambda kv: (-len(kv[1]), kv[1][0]["path"]))
    return {
        "corpus": str(corpus.root),
        "summary": {
            "originals": len(rows),
            "clusters": len(clusters),
            "duplicates": len(rows) - len(clusters),
            "multi_member_clusters": sum(1 for m in clusters.values() if len(m) > 1),
            "bytes": int(manifest["bytes"].sum() or 0),
            "encodings": dict(Counter(r["encoding"] for r in rows)),
        },
        "clusters": [
            {"id": cid, "canonical": members[0]["path"], "title": members[0]["title"], "members": members}
            for cid, members in ordered
        ],
        "flags": {flag: {"count": flag_counts.get(flag, 0), "meaning": meaning} for flag, meaning in FLAGS.items()},
        "rejected": rejected_files(corpus, manifest),
    }


def rejected_files(corpus: Corpus, manifest: pl.DataFrame) -> list[dict[str, str]]:
    """Files an ingest refused, with the reason, from the decision log (latest word per path)."""
    if not corpus.decisions_path.exists():
        return []
    latest: dict[str, dict[str, str]] = {}
    known = set(manifest["path"].to_list())
    for line in corpus.decisions_path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("decision") == "reject":
            latest[entry["path"]] = {"path": entry["path"], "reason": entry["reason"], "time": entry["time"]}
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
            tag = "canonical" if m["is_canonical"] else f"{m['relation']} {m['similarity']:.3f}"
            flags = f"  [{', '.join(m['flags'])}]" if m["flags"] else ""
            lines.append(f"  {tag:<14} {m['path']}{flags}")
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
