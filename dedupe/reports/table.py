"""What a corpus holds: clusters, relations, quality flags and figures, from its manifest and log."""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl

from dedupe.chains import Chain, build_chains, units_of
from dedupe.decisions import Canonical, CanonicalByHand, CanonicalChange, PairByHand, Reject
from dedupe.model import Pair, Result
from dedupe.quality import FLAGS
from dedupe.reports.versions import corpus_chains
from dedupe.store import Corpus, log
from dedupe.store.view import logged_pairs


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


def chain_lines(chain: dict[str, Any]) -> list[str]:
    """A chain (as JSON) for people: its act, then each version with its status and date."""
    lines = [f"  {chain['act']}: {len(chain['versions'])} version(s), current {chain['current'] or '(none)'}"]
    for v in chain["versions"]:
        by = f", repealed by {v['repealed_by']}" if v.get("repealed_by") else ""
        lines.append(f"    {v['status']:<10} {v['date'] or '(no date)':<10}  {v['canonical']}{by}")
    return lines


def format_csv(corpus: Corpus) -> str:
    """The manifest with one 0/1 column per quality flag."""
    manifest = corpus.read_manifest()
    flags = manifest["flags"].fill_null("")
    return manifest.with_columns(
        [flags.str.split(";").list.contains(flag).cast(pl.Int8).alias(flag) for flag in FLAGS]
    ).write_csv()


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
    return sorted((p for p in result.pairs if not p.merged), key=lambda p: (p.a.path, p.b.path))


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


def format_history(found: dict[str, Any]) -> str:
    row = found["notice"]
    lines = [
        f"{row['path']}  (id {row['id']}, {row['status']}, from {row['source']}, ingested {row['ingested_at']})",
        f"  title: {row['title'] or '(none)'}; 文号: {row['doc_number'] or '(none)'}; date: {row['date'] or '(none)'}",
        f"  cluster {row['cluster']}: {'canonical' if row['is_canonical'] else row['relation']}",
        "",
    ]
    for e in found["decisions"]:
        who = f" by {e['by']}" if e.get("by") else ""
        about = " ~ ".join(str(e[k]) for k in ("a", "b") if k in e) or e.get("path") or e.get("canonical") or ""
        lines.append(f"{e.get('time', '?')}  {e['decision']}{who}: {about}  ({e.get('reason', '')})")
    if found.get("chain"):
        lines += ["", "a version of:", *chain_lines(found["chain"])]
    return "\n".join(lines)
