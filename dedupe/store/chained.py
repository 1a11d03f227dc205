"""The chains of versions of a corpus, from its manifest, its cache and the links a person made;
and the manifest's chain columns (``chain``, ``chain_position``, ``chain_status``) written at
every landing, so that a later ingest or a correction that moves a version moves its row too.

Chains are not kept in the cache: each reading builds them from the manifest's titles, the texts
of the clusters that share an act, and the log's ``link-by-hand`` / ``unlink-by-hand`` records, in
the order they were made. A cache made anew gives the same chains.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dedupe.acts import act_key, clean_title, is_act
from dedupe.chains import Chain, ChainCorrection, Unit, build_chains
from dedupe.decisions import ChainByHand, Decision, Kind, LinkByHand
from dedupe.document import Document
from dedupe.store import log

if TYPE_CHECKING:
    import polars as pl

    from dedupe.store.corpus import Corpus

COLUMNS = ("chain", "chain_position", "chain_status")

Fetch = Callable[[list[str]], dict[str, Document]]


def correction(d: ChainByHand) -> ChainCorrection:
    """A logged link or unlink as the chains obey it (by the notices' ids)."""
    said = f"{'linked' if isinstance(d, LinkByHand) else 'unlinked'} by hand by {d.by}"
    return ChainCorrection(isinstance(d, LinkByHand), d.a_id or d.a, d.b_id or d.b,
                           f"{said}: {d.reason}" if d.reason else said)  # fmt: skip


def logged(path: Path, pending: Iterable[Decision] = ()) -> list[ChainCorrection]:
    """The links and unlinks the log at ``path`` records, in order, then ``pending`` ones (a
    landing's). Only their lines are decoded (the log grows with the corpus); a damaged one is a
    CorpusError naming it."""
    said = log.marked(path, (Kind.LINK_BY_HAND, Kind.UNLINK_BY_HAND))
    return [correction(d) for d in [*said, *pending] if isinstance(d, ChainByHand)]


def manifest_chains(manifest: pl.DataFrame, fetch: Fetch, corrections: Sequence[ChainCorrection] = ()) -> list[Chain]:
    """The chains of the manifest's active notices, one unit per cluster. The titles say which
    clusters may share an act: only those (and the notices a correction names) are fetched, with the
    notices whose titles announce a repeal (``关于废止…``), which may repeal a chain's act."""
    import polars as pl

    active = manifest.filter(pl.col("status") == "active").sort("seq")
    return row_chains(active.select("id", "path", "cluster", "title", "is_canonical").to_dicts(), fetch, corrections)


def row_chains(
    rows: Sequence[dict[str, Any]], fetch: Fetch, corrections: Sequence[ChainCorrection] = ()
) -> list[Chain]:
    """:func:`manifest_chains` of the rows of active notices (id, path, cluster, title, is_canonical)
    in their ingestion order."""
    keys: dict[str, set[str]] = defaultdict(set)
    repealing: set[str] = set()
    named = {n for c in corrections for n in (c.a, c.b)}
    wanted: set[str] = set()
    for row in rows:
        title = clean_title(row["title"])
        if title and is_act(title):
            keys[act_key(title)].add(row["cluster"])
        if "废止" in title and row["is_canonical"]:
            repealing.add(row["id"])
        if row["id"] in named or row["path"] in named:
            wanted.add(row["cluster"])
    wanted |= {cid for cids in keys.values() if len(cids) > 1 for cid in cids}
    picked = [row for row in rows if row["cluster"] in wanted]
    if not picked:
        return []
    docs = fetch([*(r["id"] for r in picked), *repealing])
    members: dict[str, list[Document]] = defaultdict(list)
    canonical: dict[str, Document] = {}
    for row in picked:
        doc = docs.get(row["id"])
        if doc is not None:
            members[row["cluster"]].append(doc)
            canonical.update({row["cluster"]: doc} if row["is_canonical"] else {})
    units = [
        Unit(cid, canonical[cid], (canonical[cid], *(d for d in ms if d is not canonical[cid])))
        for cid, ms in members.items()
        if cid in canonical
    ]
    return build_chains(units, [docs[i] for i in sorted(repealing) if i in docs], corrections)


def corpus_chains(corpus: Corpus, manifest: pl.DataFrame | None = None) -> list[Chain]:
    """The chains of a corpus's active notices (its ``manifest`` as read, else read now), with the
    links and unlinks its log records; only the clusters that may share an act are read from the cache."""
    corpus.require()

    def fetch(ids: list[str]) -> dict[str, Document]:
        with corpus.session() as (view, _):
            return view.cache.fetch(ids)

    frame = corpus.read_manifest() if manifest is None else manifest
    return manifest_chains(frame, fetch, logged(corpus.decisions_path))


def with_chains(frame: pl.DataFrame, fetch: Fetch, corrections: Sequence[ChainCorrection]) -> pl.DataFrame:
    """The manifest with each row's chain: the chain's id, its version's place in it (1: the
    oldest) and status; empty for a notice that is no version of a chain."""
    found: dict[str, tuple[str, int, str]] = {}
    for chain in manifest_chains(frame, fetch, corrections):
        for k, v in enumerate(chain.versions, 1):
            found.update({p: (chain.id, k, v.status) for p in v.paths})
    import polars as pl

    paths = frame["path"].to_list()
    rows = [found.get(p, (None, None, None)) for p in paths]
    return frame.with_columns(
        pl.Series("chain", [r[0] for r in rows], dtype=pl.String),
        pl.Series("chain_position", [r[1] for r in rows], dtype=pl.Int64),
        pl.Series("chain_status", [r[2] for r in rows], dtype=pl.String),
    )
