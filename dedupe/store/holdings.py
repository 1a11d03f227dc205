"""What a corpus holds, as its manifest and log record it, for the reports that show it to people
(``report`` as a table, JSON, CSV or HTML): its notices cluster by cluster, why each canonical won,
the pairs kept apart, withdrawals with who made them, the files refused and the chains of versions.

The store reads and decides here (which record is the latest word, which pairs were kept apart,
which refusal still stands); ``dedupe.reports.table`` and ``dedupe.reports.html`` only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from dedupe.chains import Chain
from dedupe.decisions import Canonical, CanonicalByHand, CanonicalChange, Reject, Withdraw
from dedupe.quality import FLAGS
from dedupe.store import chained, log
from dedupe.store.corpus import Corpus
from dedupe.store.view import logged_pairs


@dataclass(frozen=True)
class Election:
    """The latest word on a cluster's canonical: the election's reason, or a person's choice."""

    reason: str | None
    by_hand: bool = False


@dataclass(frozen=True)
class Apart:
    """Two active notices the log records as related, or kept apart by the veto (``reason`` is then the veto's)."""

    a: str
    b: str
    a_title: str | None
    b_title: str | None
    jaccard: float
    reason: str


@dataclass(frozen=True)
class Refusal:
    """A file an ingest refused and that is not in the corpus since: the latest reason given."""

    path: str
    reason: str
    time: str


@dataclass(frozen=True)
class Holdings:
    """A corpus as recorded. ``active``: the manifest rows of the active notices, each cluster's
    canonical first, then by ``seq``, their flags as lists; ``withdrawn``: id, path and title of
    the others, in manifest order."""

    root: str
    originals: int
    bytes: int
    active: list[dict[str, Any]]
    withdrawn: list[dict[str, Any]]
    elections: dict[str, Election]
    apart: list[Apart]
    refused: list[Refusal]
    chains: list[Chain]
    withdrawals: dict[str, Withdraw]  # by notice id: who withdrew it, when and why


def holdings(corpus: Corpus) -> Holdings:
    """The corpus as its manifest and log record it, read under one hold of the corpus."""
    with corpus.reading() as manifest:
        active = manifest.filter(pl.col("status") == "active")
        rows = active.sort(["cluster", "is_canonical", "seq"], descending=[False, True, False]).to_dicts()
        for row in rows:
            row["flags"] = [f for f in (row["flags"] or "").split(";") if f]
        elections, refusals, withdrawals = _said(corpus)
        known = set(manifest["source"].to_list()) | set(manifest["path"].to_list())
        return Holdings(
            root=str(corpus.root),
            originals=manifest.height,
            bytes=int(manifest["bytes"].sum() or 0),
            active=rows,
            withdrawn=manifest.filter(pl.col("status") == "withdrawn").select("id", "path", "title").to_dicts(),
            elections=elections,
            apart=_apart(corpus, active),
            refused=[r for p, r in sorted(refusals.items()) if p not in known],
            chains=chained.corpus_chains(corpus, manifest),
            withdrawals=withdrawals,
        )


def _said(corpus: Corpus) -> tuple[dict[str, Election], dict[str, Refusal], dict[str, Withdraw]]:
    """The log's latest word on each cluster's canonical (the cluster it was made for), on each
    refused file (by path) and on each withdrawn notice (by id)."""
    elections: dict[str, Election] = {}
    refusals: dict[str, Refusal] = {}
    withdrawals: dict[str, Withdraw] = {}
    for d in log.decisions(corpus.decisions_path):
        if isinstance(d, (Canonical, CanonicalChange)) and d.cluster:
            elections[d.cluster] = Election(d.reason or "")
        elif isinstance(d, CanonicalByHand):
            elections[d.cluster] = Election(d.reason, by_hand=True)
        elif isinstance(d, Reject):
            refusals[d.path] = Refusal(d.path, d.reason or "", d.time or "")
        elif isinstance(d, Withdraw):
            withdrawals[d.id] = d
    return elections, refusals, withdrawals


def _apart(corpus: Corpus, active: pl.DataFrame) -> list[Apart]:
    """The logged pairs of active notices that were not merged: related, or vetoed. A pair whose two
    notices are in one cluster all the same (each joined it through another member: an excerpt of a
    notice joins through a longer copy) is not apart, and is not listed as never merged."""
    titles = dict(zip(active["path"].to_list(), active["title"].to_list(), strict=True))
    paths = dict(zip(active["id"].to_list(), active["path"].to_list(), strict=True))
    cluster = dict(zip(active["id"].to_list(), active["cluster"].to_list(), strict=True))
    pairs, _ = logged_pairs(corpus.root, active)
    return [
        Apart(paths[p["a"]], paths[p["b"]], titles[paths[p["a"]]], titles[paths[p["b"]]], p["jaccard"],
              p["veto"] or p["reason"])
        for p in pairs if (p["relation"] == "related" or p["veto"]) and cluster[p["a"]] != cluster[p["b"]]
    ]  # fmt: skip


def flag_table(corpus: Corpus) -> pl.DataFrame:
    """The manifest with one 0/1 column per quality flag (``report --format csv``)."""
    with corpus.reading() as manifest:
        flags = manifest["flags"].fill_null("")
        return manifest.with_columns(
            [flags.str.split(";").list.contains(flag).cast(pl.Int8).alias(flag) for flag in FLAGS]
        )
