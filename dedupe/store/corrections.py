"""A person's corrections: merge, split, choose the canonical, withdraw. Each is a logged decision
(who, when, why) that the engine obeys from then on, in every later ingest and cache rebuild:

- ``merge A B``: A and B are one notice (a must-link, stronger than any automatic veto);
- ``split A B``: A and B are different notices (a cannot-link, stronger than any automatic merge);
- ``canonical ID``: ID represents its cluster, whatever the election would say;
- ``withdraw ID``: ID should not be in the corpus: its original stays in raw/, its row says
  withdrawn, and it is no longer compared with anything;
- ``link A B`` / ``unlink A B``: B is a version of A's regulation (one chain), or B's version is
  not in A's chain, whatever the titles and texts say (the chains obey them: dedupe.chains);
- ``accept PATH``: a reviewed, deliberate duplicate that ``check`` lets pass.

``FORMS`` says how a person gives each (the command line makes one command per form) and
``apply`` lands any of them.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from dedupe.chains import Chain
from dedupe.decisions import (
    Accept,
    CanonicalByHand,
    ClusterMerge,
    Kind,
    LinkByHand,
    MergeByHand,
    SplitByHand,
    UnlinkByHand,
    Withdraw,
)
from dedupe.engine import find_duplicates
from dedupe.errors import UnknownNotice
from dedupe.model import Result
from dedupe.store.corpus import Corpus, Plan
from dedupe.store.forms import FORMS, Form
from dedupe.store.journal import sha256_of
from dedupe.store.view import View, pair_row

KINDS = {"merge": 2, "split": 2, "canonical": 1, "withdraw": 1}


def resolve(manifest: pl.DataFrame, name: str, root: Path) -> dict[str, Any]:
    """The manifest row a person means by ``name``: an id (or its first 6+ digits), a path in the
    corpus (``raw/x.txt``, or as seen from here), the path a file was ingested from, or a file name."""
    rows = manifest.to_dicts()
    here = str(Path(name).resolve()) if name else ""
    for test in (
        lambda r: r["id"] == name,
        lambda r: r["path"] == name or str((root / r["path"]).resolve()) == here,
        lambda r: r["source"] == name,
        lambda r: len(name) >= 6 and r["id"].startswith(name),
        lambda r: Path(r["path"]).name == name,
    ):
        found = [r for r in rows if test(r)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UnknownNotice(f"{name!r} names {len(found)} notices ({', '.join(r['path'] for r in found[:4])}): "
                                "give the id or the path in raw/")  # fmt: skip
    raise UnknownNotice(f"the corpus holds no notice {name!r}: give its id, or its path as the manifest lists it")


def correct(corpus: Corpus, kind: str, names: list[str], reason: str, by: str) -> Plan:
    """Apply one correction, land it with the clusters it changes, and return what it did."""
    if len(names) != KINDS[kind]:
        raise UnknownNotice(f"{kind} takes {KINDS[kind]} notice(s), not {len(names)}")
    with corpus.session() as (view, notes):
        rows = [resolve(view.manifest, n, corpus.root) for n in names]
        ids = [r["id"] for r in rows]
        if kind in ("merge", "split") and ids[0] == ids[1]:
            raise UnknownNotice(f"{names[0]} and {names[1]} are the same notice")
        if any(r["status"] == "withdrawn" for r in rows) and kind != "withdraw":
            raise UnknownNotice(f"{', '.join(r['path'] for r in rows if r['status'] == 'withdrawn')} is withdrawn")
        if len(rows) == 2:
            pair = MergeByHand if kind == "merge" else SplitByHand
            entry = pair(a=rows[0]["path"], b=rows[1]["path"], a_id=ids[0], b_id=ids[1], by=by, reason=reason)
        else:
            notice = CanonicalByHand if kind == "canonical" else Withdraw
            entry = notice(id=ids[0], path=rows[0]["path"], cluster=rows[0]["cluster"], by=by, reason=reason)
        already = landed_already(view, kind, rows)
        if already:  # the same correction again: nothing to change, nothing to log
            return Plan(notes=[*notes, already], corrections=[entry])
        before, recluster = view.manifest, set(ids)
        with view.cache.db:
            view.cache.set("log", "a correction is landing")  # if it does not land, the next command resyncs
            if isinstance(entry, (MergeByHand, SplitByHand)):
                row = pair_row(entry, ids[0], ids[1])
                measured = [x for x in view.links(ids) if {x.a, x.b} == set(ids) and not x.by_hand]
                if measured:  # the pair keeps the figure it was measured with (a split pair was not 0.000 apart)
                    row["jaccard"] = measured[0].jaccard
                view.cache.replace_pair(row)
            elif kind == "canonical":
                view.cache.pin(ids[0], int(time.time() * 1000), reason)
        if kind == "withdraw":
            if rows[0]["status"] == "withdrawn":
                raise UnknownNotice(f"{rows[0]['path']} is withdrawn already")
            recluster = set(view.manifest.filter(pl.col("cluster") == rows[0]["cluster"])["id"].to_list()) - set(ids)
            view = View(view.root, _withdrawn(view.manifest, ids[0]), view.cache, view.shared, view.stamp)
        result = find_duplicates([], corpus.config, corpus.jobs, known=view, recluster=recluster)
        if isinstance(entry, SplitByHand):
            result = _moved_by_the_split(result, entry)
        plan = Plan(result=result, notes=notes, corrections=[entry])
        corpus.land(view, plan, before=before)
        return plan


def _moved_by_the_split(result: Result, split: SplitByHand) -> Result:
    """``result`` with each notice the split moved to another cluster logged as moved by the split:
    the engine, which reclustered them, knows only the duplicates that join clusters, not why two
    notices once together are apart now."""

    def why(path: str) -> str:
        other = {split.a: split.b, split.b: split.a}.get(path)
        if other is not None:
            return f"split by hand from {other}'s cluster"
        return f"its cluster parted by the split by hand of {split.a} and {split.b}"

    said = tuple(replace(d, reason=why(d.path)) if isinstance(d, ClusterMerge) else d for d in result.decisions)
    return replace(result, decisions=said)


def landed_already(view: View, kind: str, rows: list[dict[str, Any]]) -> str | None:
    """What says this correction is in force already (so running it again changes nothing), if so:
    the same merge or split by hand with the clusters as it left them, the canonical chosen by hand
    and still the canonical, the notice withdrawn."""
    ids = [r["id"] for r in rows]
    said = None
    if kind in ("merge", "split"):
        links = [x for x in view.links(ids) if {x.a, x.b} == set(ids) and x.by_hand]
        together = rows[0]["cluster"] == rows[1]["cluster"]
        if kind == "merge" and together and any(x.merges for x in links):
            said = f"{rows[0]['path']} and {rows[1]['path']} were merged by hand already and are one cluster"
        elif kind == "split" and not together and any(x.veto for x in links):
            said = f"{rows[0]['path']} and {rows[1]['path']} were split by hand already and are apart"
    elif kind == "canonical" and rows[0]["is_canonical"] and ids[0] in view.pinned(ids):
        said = f"{rows[0]['path']} was chosen by hand already and is its cluster's canonical"
    elif kind == "withdraw" and rows[0]["status"] == "withdrawn":
        said = f"{rows[0]['path']} is withdrawn already"
    return f"{said}: nothing was changed or logged" if said else None


def _withdrawn(manifest: pl.DataFrame, doc_id: str) -> pl.DataFrame:
    this = pl.col("id") == doc_id
    return manifest.with_columns(
        pl.when(this).then(pl.lit("withdrawn")).otherwise(pl.col("status")).alias("status"),
        pl.when(this).then(pl.col("id")).otherwise(pl.col("cluster")).alias("cluster"),
        pl.when(this).then(pl.lit(False)).otherwise(pl.col("is_canonical")).alias("is_canonical"),
        pl.when(this).then(pl.lit("withdrawn")).otherwise(pl.col("relation")).alias("relation"),
        pl.when(this).then(pl.lit(None, pl.Float64)).otherwise(pl.col("similarity")).alias("similarity"),
    )


def accept(corpus: Corpus, path: str, reason: str, by: str) -> Plan:
    """A reviewed, deliberate duplicate: ``check`` lets a file of these bytes pass from now on.

    The file is named as check reported it (under raw/, ingested or not, or anywhere); the log
    keeps its sha256, so a renamed copy of the same bytes passes too and a changed file does not."""
    file = Path(path)
    if not file.is_file():
        raise UnknownNotice(f"{path} is not a file: give the duplicate as check reported it")
    sha = sha256_of(file)
    with corpus.session() as (view, notes):
        inside = file.resolve().is_relative_to(corpus.root.resolve())
        shown = file.resolve().relative_to(corpus.root.resolve()).as_posix() if inside else path
        row = view.manifest.filter(pl.col("sha256") == sha).head(1).to_dicts()
        entry = Accept(by=by, reason=reason, sha256=sha or "", path=row[0]["path"] if row else shown,
                       id=row[0]["id"] if row else None)  # fmt: skip
        plan = Plan(notes=notes, corrections=[entry])
        corpus.land(view, plan)
        return plan


ACCEPT = Kind.ACCEPT


__all__ = ["ACCEPT", "FORMS", "KINDS", "Form", "accept", "apply", "correct", "link", "resolve"]


def link(corpus: Corpus, a: str, b: str, by: str, reason: str | None = None, unlink: bool = False) -> tuple[Plan, str]:
    """``link A B``: B is a version of A's regulation, their chains become one; ``unlink A B``: B's
    version leaves A's chain. Logged like every correction; the chains (and the manifest's chain
    columns, written as it lands) obey it from then on. Returns the plan and the chain as it is now."""
    from dedupe.store.chained import logged, manifest_chains

    with corpus.session() as (view, notes):
        rows = [resolve(view.manifest, n, corpus.root) for n in (a, b)]
        if any(r["status"] == "withdrawn" for r in rows):
            raise UnknownNotice(f"{', '.join(r['path'] for r in rows if r['status'] == 'withdrawn')} is withdrawn")
        if rows[0]["id"] == rows[1]["id"]:
            raise UnknownNotice(f"{a} and {b} name the same notice, {rows[0]['path']}: give two versions")
        if rows[0]["cluster"] == rows[1]["cluster"]:
            raise UnknownNotice(f"{rows[0]['path']} and {rows[1]['path']} are one notice (cluster {rows[0]['cluster']}), "
                                "not two versions: split them first (policy-dedup split A B)")  # fmt: skip
        kind = UnlinkByHand if unlink else LinkByHand
        entry = kind(a=rows[0]["path"], b=rows[1]["path"], a_id=rows[0]["id"], b_id=rows[1]["id"], by=by, reason=reason)

        def chains(pending: list[Any]) -> tuple[list[Chain], Chain | None, Chain | None]:
            found = manifest_chains(view.manifest, view.cache.fetch, logged(corpus.decisions_path, pending))
            of = [next((c for c in found if any(r["path"] in v.paths for v in c.versions)), None) for r in rows]
            return found, of[0], of[1]

        _, chain_a, chain_b = chains([])
        together = chain_a is not None and chain_a is chain_b
        if together != unlink:
            said = "in one chain already" if together else "in no chain together"
            return Plan(notes=[*notes, f"{rows[0]['path']} and {rows[1]['path']} are {said}: nothing was changed or "
                                       "logged"], corrections=[entry]), _chain_line(chain_a)  # fmt: skip
        plan = Plan(notes=notes, corrections=[entry])
        corpus.land(view, plan)
        _, chain_a, chain_b = chains([entry])
        return plan, _chain_line(chain_a) + (f"\n{_chain_line(chain_b)}" if unlink and chain_b is not None else "")


def _chain_line(chain: Chain | None) -> str:
    if chain is None:
        return "  in no chain of versions"
    versions = ", ".join(f"{v.path} ({v.status})" for v in chain.versions)
    return f"  chain {chain.id} {chain.act}: {versions}"


def apply(corpus: Corpus, kind: str, names: list[str], reason: str | None, by: str) -> tuple[Plan, str | None]:
    """The correction ``kind`` of FORMS, landed: what it did, and for link and unlink the chain as it is now."""
    if kind == "accept":
        return accept(corpus, names[0], reason or "", by), None
    if kind in ("link", "unlink"):
        return link(corpus, names[0], names[1], by, reason, unlink=kind == "unlink")
    return correct(corpus, kind, names, reason or "", by), None
