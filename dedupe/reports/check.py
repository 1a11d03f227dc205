"""What ``check`` found, as one JSON-ready object: duplicates, related notices, new, known, rejected."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from dedupe.acts import act_core, is_act, title_of
from dedupe.decisions import Kind
from dedupe.document import Document
from dedupe.model import Pair
from dedupe.store import Corpus, Plan, log, manifest
from dedupe.store.chained import logged, manifest_chains
from dedupe.verify import STRENGTH, measure, verdict


def check_report(corpus: Corpus, plan: Plan, since: Sequence[str] = ()) -> dict[str, Any]:
    """:func:`report` of the corpus as one reading of it (the manifest and log under its lock)."""
    with corpus.reading(manifest.INDEX):  # the lock held; the columns the report reads, not titles and dates
        return report(corpus, plan, since)


def report(corpus: Corpus, plan: Plan, since: Sequence[str] = ()) -> dict[str, Any]:
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
            if pair is None or not pair.merged:  # joined through another member: that pair's figures
                pair = joined_by(m, c.members, result.pairs if result else ()) or pair
            relation, similarity, reason, through = "near", None, f"in the same cluster as {target.path}", None
            if pair is not None:
                other = pair.b if pair.a.id == m.id else pair.a
                relation, similarity, reason = pair.relation, pair.similarity.jaccard, pair.reason
                through = show(other) if other.id != target.id else None
            dup_ids.add(m.id)
            duplicates.append(
                {
                    "sha256": m.sha256,
                    "path": show(m),
                    "duplicates": show(target),
                    "cluster": c.id,
                    "relation": relation,
                    "similarity": round(similarity, 4) if similarity is not None else None,
                    "through": through,  # the member the figures are measured against, when not the one named
                    "reason": reason,
                }
            )
    duplicates += recorded_duplicates(corpus, plan, since)
    duplicates, accepted = _accepted(corpus, duplicates)
    related = [
        {"path": show(p.b), "other": show(p.a), "relation": p.relation, "reason": p.reason}
        for p in (result.pairs if result else ())
        if not p.merged and (p.relation == "related" or p.veto)
    ]
    fresh = [a.doc for a in plan.additions if a.doc.id not in dup_ids]
    versions = new_versions(corpus, fresh, show)
    return {
        "duplicates": duplicates,
        "accepted": accepted,
        "withdrawn": withdrawn_matches(corpus, plan),
        "related": related,
        "new": [a.source for a in plan.additions if a.doc.id not in dup_ids and a.doc.id not in versions],
        "new_versions": list(versions.values()),
        "known": [
            {"path": p, "corpus": str(Path(corpus.root) / c)}
            for p, c in plan.known
            if p not in {d["path"] for d in duplicates}
        ],
        "same_bytes": [{"path": p, "as": q} for p, q in plan.same_bytes],
        "rejected": [{"path": r.path, "reason": r.reason} for r in plan.rejected],
    }


def new_versions(
    corpus: Corpus, docs: Sequence[Document], show: Callable[[Document], str]
) -> dict[str, dict[str, Any]]:
    """The new notices among ``docs`` that are versions of a regulation the corpus holds, by id: the
    corpus's version they follow (its chain's current one until now), and their status once ingested.
    Only the corpus's clusters whose titles hold the act's name are read (the act key decides)."""
    acts = {d.id: title for d in docs if (title := title_of([d])) and is_act(title)}
    if not acts:
        return {}
    frame = corpus.read_manifest((*manifest.REQUIRED, "status", "title")).filter(pl.col("status") == "active")
    names = [_act_name(t) for t in acts.values()]
    near = frame.filter(pl.any_horizontal(pl.col("title").fill_null("").str.contains(n, literal=True) for n in names))
    if near.is_empty():
        return {}
    frame = frame.filter(pl.col("cluster").is_in(near["cluster"].unique().implode()))
    new = {d.id: d for d in docs if d.id in acts}
    seq = int(frame["seq"].max() or 0)
    rows = [{"id": d.id, "path": d.path, "cluster": d.id, "title": acts[d.id], "is_canonical": True, "status": "active",
             "seq": seq + k} for k, d in enumerate(new.values(), 1)]  # fmt: skip
    frame = pl.concat([frame.select(rows[0].keys()), pl.DataFrame(rows, schema=frame.select(rows[0].keys()).schema)])
    with corpus.session() as (view, _):

        def fetch(ids: list[str]) -> dict[str, Any]:
            return {**view.cache.fetch([i for i in ids if i not in new]), **{i: new[i] for i in ids if i in new}}

        chains = manifest_chains(frame, fetch, logged(corpus.decisions_path))
    out = {}
    for chain in chains:
        paths = {d.path: d for d in new.values()}
        old = [v for v in chain.versions if not set(v.paths) & set(paths)]
        before = [v for v in old if v.status != "draft"] or old
        for v in chain.versions:
            if v.path in paths and before:
                current = next((show(new[w.canonical.id]) if w.canonical.id in new else w.path
                                for w in chain.versions if w.path == chain.current), None)  # fmt: skip
                out[paths[v.path].id] = {"path": show(paths[v.path]), "version_of": before[-1].path, "status": v.status,
                                         "chain_current": current}  # fmt: skip
    return out


def _act_name(title: str) -> str:
    """The words of an act's name that every title of it holds: its last six characters (the place,
    the wrapper and the markers left out)."""
    core = act_core(title)
    return core[-6:] if len(core) > 6 else core


def joined_by(doc: Document, members: Sequence[Document], pairs: Sequence[Pair]) -> Pair | None:
    """The merge that put ``doc`` in the cluster of ``members``: its strongest merged pair with one of
    them (the relation and the figure printed beside a duplicate are then the same pair's)."""
    others = {m.id for m in members} - {doc.id}
    found = [p for p in pairs if p.merged and doc.id in (p.a.id, p.b.id) and ({p.a.id, p.b.id} - {doc.id}) <= others]
    return min(found, key=lambda p: (STRENGTH.get(p.relation, 99), -p.similarity.jaccard), default=None)


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
                "sha256": row["sha256"],
                "path": known[row["path"]],
                "duplicates": str(root / target["path"]),
                "cluster": row["cluster"],
                "relation": row["relation"] if not row["is_canonical"] else "near",
                "similarity": row["similarity"],
                "reason": f"ingested by this change into the cluster of {target['path']} ({row['relation']})",
            }
        )
    return out


def withdrawn_matches(corpus: Corpus, plan: Plan) -> list[dict[str, Any]]:
    """Files of ``plan`` that repeat a notice someone withdrew (its bytes, or a text a merge would
    join), with who withdrew it and why: a re-scrape of a withdrawn page is new to the corpus's
    active notices, and says so."""
    rows = corpus.read_manifest(manifest.INDEX).filter(pl.col("status") == "withdrawn")  # not titles, dates…
    if rows.is_empty():
        return []
    said = {e.get("id"): e for e in log.entries(corpus.decisions_path) if e["decision"] == Kind.WITHDRAW}
    by_path = {r["path"]: r for r in rows.iter_rows(named=True)}

    def item(path: str, row: dict[str, Any], relation: str, similarity: float, reason: str) -> dict[str, Any]:
        e = said.get(row["id"], {})
        why = f"withdrawn by {e.get('by', '?')} on {e.get('time', '?')}: {e.get('reason', '')}"
        return {"path": path, "withdrawn": row["path"], "relation": relation, "similarity": round(similarity, 4),
                "reason": f"{reason}; {why}"}  # fmt: skip

    out = [item(p, by_path[c], "same bytes", 1.0, "the same bytes") for p, c in plan.known if c in by_path]
    if plan.additions:
        with corpus.session() as (view, _):
            gone = view.fetch(list(rows["id"]))
        for a in plan.additions:
            for doc in gone.values():
                judged = verdict(a.doc.key, doc.key, measure(a.doc, doc), corpus.config)
                if judged.merges:
                    row = by_path[doc.path]
                    out.append(item(a.source, row, str(judged.relation), judged.similarity.jaccard, judged.reason))
    return out


def _accepted(corpus: Corpus, duplicates: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Duplicates still failing, and those a person accepted (``policy-dedup accept``: same bytes),
    each with who accepted it and why. With no duplicate, the log is not read (it grows with the corpus)."""
    if not duplicates:
        return [], []
    accepted = {e.get("sha256"): e for e in log.entries(corpus.decisions_path) if e["decision"] == Kind.ACCEPT}
    failing, passed = [], []
    for item in duplicates:
        sha = item.pop("sha256")
        if sha in accepted:
            e = accepted[sha]
            passed.append({**item, "accepted_by": e.get("by"), "accepted_at": e.get("time"), "why": e.get("reason")})
        else:
            failing.append(item)
    return failing, passed


# -- GitHub Actions ------------------------------------------------------------------------------
# Every failure is a workflow command GitHub shows as an annotation: a file's on that file (its path
# relative to the repository root, which is what GitHub attaches to), a run's as a general error.


def format_github(report: dict[str, Any], corpus_root: Path) -> str:
    """Annotations for duplicates and unreadable files (errors) and accepted duplicates (notices),
    then the summary line."""
    top = repo_root(corpus_root)
    lines = []
    for item in report["duplicates"]:
        lines.append(annotation("error", "duplicate notice", duplicate_line(item), where(item["path"], top)))
    for item in report["rejected"]:
        lines.append(
            annotation("error", "unreadable file", f"{item['path']}: {item['reason']}", where(item["path"], top))
        )
    for item in report["withdrawn"]:
        text = f"{item['path']} repeats {item['withdrawn']}, a withdrawn notice ({item['relation']}): {item['reason']}"
        lines.append(annotation("warning", "repeats a withdrawn notice", text, where(item["path"], top)))
    for item in report["accepted"]:
        text = f"{duplicate_line(item)}; accepted by {item['accepted_by']} ({item['why']})"
        lines.append(annotation("notice", "accepted duplicate", text, where(item["path"], top)))
    lines.append(summary(report))
    return "\n".join(lines)


def duplicate_line(item: dict[str, Any]) -> str:
    """One duplicate for people; the relation and the similarity are those of one pair, and the line
    says which: the notice it duplicates, or the cluster member it was found through."""
    sim = f", similarity {item['similarity']:.3f}" if item["similarity"] is not None else ""
    if item.get("through"):
        return (f"{item['path']} duplicates {item['duplicates']} through {item['through']} ({item['relation']}{sim} "
                f"to {item['through']}): {item['reason']}")  # fmt: skip
    return f"{item['path']} duplicates {item['duplicates']} ({item['relation']}{sim}): {item['reason']}"


def summary(report: dict[str, Any]) -> str:
    accepted = f", {len(report['accepted'])} accepted" if report["accepted"] else ""
    versions = f", {len(report['new_versions'])} new version(s)" if report.get("new_versions") else ""
    return (
        f"{len(report['duplicates'])} duplicate(s){accepted}, {len(report['new'])} new{versions}, "
        f"{len(report['known'])} known, "
        f"{len(report['rejected'])} rejected"
    )


def annotation(level: str, title: str, message: str, file: str | None = None) -> str:
    """One workflow command; ``file`` None: a general one, not attached to a file."""
    where_ = f"file={_property(file)}," if file else ""
    return f"::{level} {where_}title={_property(title)}::{_data(message)}"


def problem(message: str, title: str) -> str:
    """A run that could not check (a bad ref, an unusable corpus): a general error and a summary."""
    return f"{annotation('error', title, message)}\ncheck did not run: {title}"


def where(path: str, top: Path | None) -> str:
    """``path`` relative to the repository root when it lies inside, else as given."""
    resolved = Path(path).resolve()
    if top is not None and resolved.is_relative_to(top):
        return resolved.relative_to(top).as_posix()
    return path


def repo_root(folder: Path) -> Path | None:
    """The root of the git work tree holding ``folder`` (None outside one, or without git)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                              check=False)  # fmt: skip
    except (FileNotFoundError, NotADirectoryError):
        return None
    out = done.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(out).resolve() if done.returncode == 0 and out else None


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
