"""The corpus store: originals byte for byte, canonical texts, a manifest and a decision log.

    corpus/
      raw/                 originals, never modified or deleted
      canonical/<id>.txt   clean text of each cluster's canonical member (named by cluster id)
      manifest.csv         one row per original, sorted by path (the record of decisions)
      decisions.jsonl      append-only log of merges, vetoes, canonical changes and rejections
      .cache/              signatures, normalized texts, verified pairs, manifest copy: derived (see dedupe.cache)

Every write goes to a temporary file renamed into place, the manifest last, except the decision
log, which is appended to in place just before (and cut back if the manifest cannot be written):
a store interrupted mid-ingest still reads as before, and the next ingest completes the work.
An ingest reads the corpus's signatures, not its texts: the texts of candidate notices and of
the clusters that change are fetched when needed, so adding one notice to a large corpus stays
fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import polars as pl

from dedupe.bands import BandIndex
from dedupe.cache import PAIR_SCHEMA, Block, Cache, atomic_write, cache_tag, id_numbers, key_hash, manifest_stamp
from dedupe.cluster import cluster
from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.elect import elect, quality, strictly_better
from dedupe.errors import CorpusError
from dedupe.files import Rejected, discover, read_documents
from dedupe.index import CandidateIndex
from dedupe.judges import judges
from dedupe.lock import corpus_lock
from dedupe.passages import PassageIndex
from dedupe.pipeline import judge
from dedupe.quality import quality_flags
from dedupe.rewrite import locked, replace_reusing
from dedupe.splice import splice_csv, upsert_sorted
from dedupe.verify import MERGING, STRENGTH, Verdict
from normalize import NormalizeConfig

MANIFEST_SCHEMA = {
    "id": pl.String,
    "path": pl.String,
    "sha256": pl.String,
    "bytes": pl.Int64,
    "encoding": pl.String,
    "confidence": pl.Float64,
    "title": pl.String,
    "doc_number": pl.String,
    "issuer": pl.String,
    "date": pl.String,
    "chars": pl.Int64,
    "flags": pl.String,
    "cluster": pl.String,
    "is_canonical": pl.Boolean,
    "relation": pl.String,
    "similarity": pl.Float64,
    "seq": pl.Int64,
    "ingested_at": pl.String,
}
# the manifest's columns that an ingest reads: the others (titles, flags, …) are read only to
# write the whole manifest, or for reports
INDEX_COLUMNS = [
    "id",
    "path",
    "sha256",
    "bytes",
    "cluster",
    "is_canonical",
    "relation",
    "similarity",
    "seq",
    "ingested_at",
]
PAIR_DECISIONS = ("merge", "related", "veto")  # the decision log's lines that name a verified pair
_PAIR_TAGS = tuple(f'"{d}"'.encode() for d in PAIR_DECISIONS)
PASSAGE_SEARCH_LIMIT = 20_000  # notices: above, related notices are looked for among LSH candidates only


class _Merging:
    """A pair's part in clustering: it merges (a merging relation, not vetoed) or keeps apart."""

    relation: str
    veto: str | None

    @property
    def merges(self) -> bool:
        return self.relation in MERGING and not self.veto


@dataclass(frozen=True)
class StoredPair(_Merging):
    a: str
    b: str
    relation: str
    jaccard: float
    containment: float
    reason: str
    veto: str | None


PAIR_COLUMNS = {k: v for k, v in PAIR_SCHEMA.items() if k != "tag"}


@dataclass(frozen=True)
class Link(_Merging):
    """A stored pair as clustering sees it: whether it merges or keeps apart, and its strength."""

    a: str
    b: str
    relation: str
    jaccard: float
    veto: str | None


LINK_COLUMNS = [f.name for f in fields(Link)]


def pair_frame(pairs: Iterable[StoredPair]) -> pl.DataFrame:
    return pl.DataFrame(
        [(p.a, p.b, p.relation, p.jaccard, p.containment, p.reason, p.veto) for p in pairs],
        schema=PAIR_COLUMNS,
        orient="row",
    )


def stored_pairs(frame: pl.DataFrame) -> list[StoredPair]:
    return [StoredPair(*row) for row in frame.select(*PAIR_COLUMNS).iter_rows()]


class State:
    """What the store holds: the manifest, every notice's signature, the verified pairs; the
    notices themselves are fetched from the cache (or rebuilt from the originals) on demand.

    Signatures stay in their memory-mapped cache blocks; ``ids``, ``seqs`` and the
    ``signatures`` matrix in ingestion order are built only when asked for (reports, a shared
    index to fill, small corpora), not by an incremental ingest. Likewise ``index`` holds the
    manifest's INDEX_COLUMNS, and the whole ``manifest`` is read when first asked for.
    """

    def __init__(
        self,
        corpus: Corpus,
        manifest: pl.DataFrame,
        blocks: list[Block],
        pairs: pl.DataFrame | None = None,
        stamp: str | None = None,
    ) -> None:
        self.corpus = corpus
        self.index = manifest.select(INDEX_COLUMNS)
        if manifest.width == len(MANIFEST_SCHEMA):  # else read whole when first asked for
            self.__dict__["manifest"] = manifest
        self.blocks = blocks
        if pairs is not None:  # else read from the cache when first asked for
            self.__dict__["_pairs"] = (pairs, 0)
        self.stamp = stamp  # the manifest copy this state was read from, if any
        self._docs: dict[str, Document] = {}

    @property
    def size(self) -> int:
        return sum(int(b.live.sum()) for b in self.blocks)

    @functools.cached_property
    def manifest(self) -> pl.DataFrame:
        """The whole manifest, of the same version as ``index`` (which alone was read, from the
        copy stamped ``stamp``)."""
        frame = self.corpus.cache.manifest_copy(self.stamp) if self.stamp is not None else None
        if frame is None:  # the copy went meanwhile: the CSV, if it is still that version
            frame, stamp = self.corpus._read_manifest()
            if (stamp or manifest_stamp(self.corpus.manifest_path)) != self.stamp:
                raise CorpusError(
                    f"{self.corpus.manifest_path} changed while it was being read (another ingest?): "
                    "run the command again"
                )
        return frame

    @functools.cached_property
    def _pairs(self) -> tuple[pl.DataFrame, int]:
        """The verified pairs from the cache (verified again when it has none of this
        configuration), and how many cached pairs were left out as stale."""
        frame = self.corpus.cache.pairs()
        if frame is None:
            fresh = pair_frame(self.corpus._recompute_pairs(self))
            self.corpus.cache.write_pairs(fresh)
            return fresh, 0
        frame = frame.select(*PAIR_COLUMNS)
        kept = self._listed(frame)
        return kept, frame.height - kept.height

    def _listed(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """The pairs of notices the manifest lists (an ingest that does not land leaves its cache
        rows and its pairs; the next drops both): all of them when the cache holds no other notice."""
        if not self.unlisted:
            return pairs
        ids = self.index["id"].implode()
        return pairs.filter(pl.col("a").is_in(ids) & pl.col("b").is_in(ids))

    @property
    def pair_frame(self) -> pl.DataFrame:
        """Every verified pair (a, b, relation, jaccard, containment, reason, veto)."""
        return self._pairs[0]

    @property
    def stale_pairs(self) -> int:
        """Cached pairs of notices the manifest does not list (an ingest that did not land)."""
        return self._pairs[1] if self.unlisted else 0

    @functools.cached_property
    def unlisted(self) -> int:
        """Cached rows that do not count: of notices the manifest does not list, or superseded."""
        return sum(len(b.numbers) for b in self.blocks) - self.size

    @functools.cached_property
    def pairs(self) -> list[StoredPair]:
        """Every verified pair (reports; an ingest reads only those it needs, see :meth:`linked`)."""
        return stored_pairs(self.pair_frame)

    def linked(self, seeds: Iterable[str], more: Sequence[StoredPair] = ()) -> list[Link]:
        """The stored pairs that merge notices or keep them apart, among the notices connected by
        such pairs (stored, or ``more``) to ``seeds``: all that clustering them again depends on."""
        reached = set(seeds)
        for p in more:
            if p.merges or p.veto:
                reached |= {p.a, p.b}
        if reached <= set(seeds):  # seeds new to the corpus, linked to nothing it holds
            return []
        links = self._links
        frontier = reached
        while frontier and links.height:
            near = links.filter(pl.col("a").is_in(list(frontier)) | pl.col("b").is_in(list(frontier)))
            frontier = (set(near["a"].to_list()) | set(near["b"].to_list())) - reached
            reached |= frontier
        return [Link(*row) for row in links.filter(pl.col("a").is_in(list(reached))).iter_rows()]

    @functools.cached_property
    def _links(self) -> pl.DataFrame:
        """The stored pairs that merge or keep apart, without the columns clustering does not read
        (the reasons are most of the pairs' bytes): from the pairs in memory, or read on their own."""
        alone = None if "_pairs" in self.__dict__ else self.corpus.cache.pairs(LINK_COLUMNS)
        frame = self.pair_frame if alone is None else self._listed(alone)  # None: read, or to verify again
        return frame.filter(pl.col("relation").is_in(MERGING) | pl.col("veto").is_not_null()).select(LINK_COLUMNS)

    @functools.cached_property
    def _order(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every counted notice in ingestion order: its seq, block and row, and the permutation
        from block order (blocks one after the other, counted rows only) to ingestion order."""
        rows = [np.flatnonzero(block.live) for block in self.blocks]
        empty = [np.empty(0, dtype=np.int64)]
        seqs = np.concatenate([block.seq[r] for block, r in zip(self.blocks, rows, strict=True)] or empty)
        where = np.concatenate([np.full(r.size, b) for b, r in enumerate(rows)] or empty)
        order = np.argsort(seqs, kind="stable")
        return seqs[order], where[order], np.concatenate(rows or empty)[order], order

    @functools.cached_property
    def ids(self) -> list[str]:
        if not self.blocks:
            return []
        ids = pl.concat([block.ids.filter(pl.Series(block.live)) for block in self.blocks])
        return ids.gather(self._order[3]).to_list()

    @functools.cached_property
    def seqs(self) -> list[int]:
        return self._order[0].tolist()

    @functools.cached_property
    def signatures(self) -> np.ndarray:
        _, where, rows, _ = self._order
        out = np.empty((rows.size, self.corpus.config.num_perm), dtype=np.uint32)
        for b, block in enumerate(self.blocks):
            at = np.flatnonzero(where == b)
            out[at] = block.signatures[rows[at]]
        return out

    def same_key(self, key: str) -> str | None:
        """The earliest notice whose comparison key is ``key``, if any."""
        wanted = np.uint64(key_hash(key))
        best: tuple[int, str] | None = None
        for block in self.blocks:
            for r in np.flatnonzero((block.keyhash == wanted) & block.live):
                found = (int(block.seq[r]), block.keys[int(r)])
                best = found if best is None else min(best, found)
        return best[1] if best else None

    @functools.cached_property
    def _rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every cached row's id number, whether it counts, and where each block's rows start."""
        numbers = np.concatenate([b.numbers for b in self.blocks])
        live = np.concatenate([b.live for b in self.blocks])
        starts = np.cumsum([0] + [len(b.numbers) for b in self.blocks])[:-1]
        return numbers, live, starts

    def _locate(self, ids: list[str]) -> list[tuple[Block, int]]:
        """The block and row of each of these notices that the cache holds and that counts."""
        if not self.blocks:
            return []
        numbers, live, starts = self._rows
        wanted = id_numbers(pl.Series(ids, dtype=pl.String)).drop_nulls()
        hits = np.flatnonzero(np.isin(numbers, wanted.to_numpy()) & live)
        blocks = np.searchsorted(starts, hits, side="right") - 1
        return [(self.blocks[b], int(h - starts[b])) for b, h in zip(blocks.tolist(), hits.tolist(), strict=True)]

    def column(self, ids: Iterable[str], name: str) -> dict[str, Any]:
        """One manifest column for the listed notices."""
        frame = self.index if name in self.index.columns else self.manifest
        rows = frame.filter(pl.col("id").is_in(list(ids)))
        return dict(zip(rows["id"].to_list(), rows[name].to_list(), strict=True))

    def fetch(self, ids: Iterable[str]) -> dict[str, Document]:
        """The notices with these ids (cached in memory once fetched)."""
        ids = list(dict.fromkeys(ids))
        missing = [i for i in ids if i not in self._docs]
        if missing:
            try:
                found = self.corpus.cache.documents(self._locate(missing), self.corpus.config)
            except FileNotFoundError:  # parts merged meanwhile by an ingest (a reader holds no lock):
                self.blocks = self.corpus.cache.blocks(id_numbers(self.index["id"]))  # where they are now
                self.__dict__.pop("_rows", None)
                found = self.corpus.cache.documents(self._locate(missing), self.corpus.config)
            self._docs.update(found)
        return {i: self._docs[i] for i in ids if i in self._docs}

    @property
    def documents(self) -> dict[str, Document]:
        """Every notice of the corpus (reads all texts: for reports and small corpora)."""
        return self.fetch(self.ids)

    @property
    def next_seq(self) -> int:
        return int(self.index["seq"].max() or 0) + 1 if self.index.height else 1


@dataclass
class Addition:
    doc: Document
    source: str
    sha256: str
    size: int


@dataclass
class Plan:
    """What an ingest would change; ``check`` prints it, ``ingest`` commits it."""

    state: State
    additions: list[Addition] = field(default_factory=list)
    known: list[tuple[str, str]] = field(default_factory=list)  # (given path, corpus path)
    rejected: list[Rejected] = field(default_factory=list)
    new_pairs: list[StoredPair] = field(default_factory=list)
    membership: dict[str, tuple[str, str, float]] = field(default_factory=dict)  # id → (cluster, relation, sim)
    canonical: dict[str, str] = field(default_factory=dict)  # cluster → canonical id, for changed clusters
    gone_clusters: set[str] = field(default_factory=set)
    decisions: list[dict[str, object]] = field(default_factory=list)
    docs: dict[str, Document] = field(default_factory=dict)  # every notice the plan looked at

    def duplicates(self) -> list[tuple[Addition, StoredPair]]:
        """Each addition that duplicates a notice (of the corpus or of the batch), with its best pair."""
        out = []
        for add in self.additions:
            pairs = [p for p in self.new_pairs if add.doc.id in (p.a, p.b) and p.merges]
            if pairs:
                best = min(pairs, key=lambda p: (STRENGTH[p.relation], -p.jaccard))
                out.append((add, best))
        return out


Batch = Sequence[tuple[str, str, int, Document | Rejected]]


class Corpus:
    """A corpus folder managed by policy-dedup (see the module docstring for its layout)."""

    def __init__(
        self,
        root: str | Path,
        config: DedupeConfig = DedupeConfig(),
        normalize_config: NormalizeConfig = NormalizeConfig(),
        index_url: str | None = None,
        jobs: int = 1,
        lock_timeout: float = 60.0,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.root = Path(root)
        self.config = config
        self.normalize_config = normalize_config
        self.index_url = index_url
        self.jobs = jobs
        self.lock_timeout = lock_timeout
        self.progress = progress
        self.cache = Cache(self.root / ".cache", cache_tag(config, normalize_config), config)
        self._shared: CandidateIndex | None = None
        # verdicts of the pairs verified by this Corpus, by (first id, second id): electing a
        # canonical reuses them rather than diffing the same two notices again
        self._verdicts: dict[tuple[str, str], tuple[Verdict, str | None]] = {}

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.csv"

    @property
    def decisions_path(self) -> Path:
        return self.root / "decisions.jsonl"

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    # -- reading -----------------------------------------------------------------------------
    def require(self) -> None:
        """Fail with what to do when the folder is not a corpus."""
        if not self.root.is_dir():
            raise CorpusError(
                f"no corpus at {self.root}: create it with `policy-dedup ingest PATH --corpus {self.root}`"
            )

    def read_manifest(self) -> pl.DataFrame:
        return self._read_manifest()[0]

    def _read_manifest(self, columns: Sequence[str] | None = None) -> tuple[pl.DataFrame, str | None]:
        """The manifest, from the cache's Parquet copy when it matches the CSV (then also the
        copy's stamp, which the next commit chains from); from the copy, only ``columns`` when
        given (read from the CSV, it comes whole)."""
        if not self.manifest_path.exists():
            return pl.DataFrame(schema=MANIFEST_SCHEMA), None
        frame, stamp = self.cache.read_manifest(self.manifest_path, columns)
        wanted = pl.Schema({k: v for k, v in MANIFEST_SCHEMA.items() if columns is None or k in columns})
        if frame is not None and frame.schema == wanted:
            return frame, stamp
        try:
            with locked(self.manifest_path) as source:
                frame = pl.read_csv(source, schema=MANIFEST_SCHEMA)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise CorpusError(f"cannot read {self.manifest_path}: {exc}; restore it from version control") from exc
        if not frame["path"].is_sorted():  # as written; a hand-edited CSV may not be, and the
            return frame.sort("path"), None  # next ingest then writes it whole, sorted (no copy)
        if manifest_stamp(self.manifest_path) != stamp:
            return frame, None  # rewritten while being read: no copy under the old stamp
        try:
            self.cache.write_manifest(lambda: frame, self.manifest_path, None, frame.clear())
        except OSError:
            return frame, None  # a read-only cache: the CSV alone will do
        return frame, stamp

    def load(self) -> State:
        """The store as the manifest records it: signatures and pairs from the cache, rebuilt from
        the originals where the cache is missing or stale."""
        self.require()
        self.cache.migrate()  # a cache of the previous format that cannot be converted is rebuilt below
        manifest, stamp = self._read_manifest(INDEX_COLUMNS)
        numbers = id_numbers(manifest["id"])
        if numbers.null_count():
            bad = manifest.filter(numbers.is_null()).row(0, named=True)
            raise CorpusError(
                f"{self.manifest_path}: the id {bad['id']!r} of {bad['path']} is not 16 hex digits (a notice's id "
                "is the start of the SHA-256 of its bytes); restore the manifest from version control"
            )
        state = State(self, manifest, self.cache.blocks(numbers), stamp=stamp)
        rebuilt = state.size < manifest.height
        if rebuilt:
            self._rebuild(manifest.filter(~pl.col("id").is_in(state.ids)))
            state = State(self, manifest, self.cache.blocks(numbers), stamp=stamp)
            fresh = pair_frame(self._recompute_pairs(state))
            self.cache.write_pairs(fresh)
            state.__dict__["_pairs"] = (fresh, 0)
        return state

    def _rebuild(self, rows: pl.DataFrame) -> None:
        """Normalize the originals again for notices the cache lacks, and cache them."""
        paths = [str(self.root / p) for p in rows["path"].to_list()]
        results = read_documents(paths, jobs=self.jobs, normalize_config=self.normalize_config, config=self.config)
        docs = []
        for row, res in zip(rows.iter_rows(named=True), results, strict=True):
            if isinstance(res, Rejected):
                raise CorpusError(f"the corpus original {row['path']} {res.reason}; restore it from version control")
            docs.append(res.moved(row["path"], id=row["id"], order=row["seq"]))
        self.cache.append(docs)

    def _recompute_pairs(self, state: State) -> list[StoredPair]:
        """The verified pairs, for a cache that lost them: the pairs the decision log records,
        verified again; without a log, each notice against those before it, searched anew.

        The log is the record: which pairs an ingest verified depends on what it was ingested
        with (a batch's passages are counted apart from the corpus's, and a large corpus is not
        searched whole for them), which a search over the whole corpus cannot repeat. Pairs taken
        from the log make a rebuilt cache give the same related notices and the same links for
        later clustering as the one that was lost."""
        logged = self._logged_pairs(state)
        if logged is not None:
            found = state.fetch(i for pair in logged for i in pair)
            return self._judge_all([(found[a], found[b]) for a, b in logged if a in found and b in found])
        docs = state.documents
        index, passages = BandIndex(self.config), PassageIndex()
        by_key: dict[str, str] = {}
        pairs: list[tuple[Document, Document]] = []
        for doc_id in state.ids:  # each notice against those before it, as they were ingested
            doc = docs[doc_id]
            found = self._candidates(doc, [index, passages], by_key.get(doc.key))
            pairs += self._pairs_of(doc, {c: docs[c] for c in found})
            index.insert_many([(doc.id, doc.fingerprint.signature)])
            passages.insert_many([(doc.id, doc.fingerprint.passages)])
            by_key.setdefault(doc.key, doc.id)
        return self._judge_all(pairs)

    def _logged_pairs(self, state: State) -> list[tuple[str, str]] | None:
        """The pairs the decision log says were verified (merged, related or vetoed), as ids of
        notices the manifest lists, earlier first, each once, in the log's order; None without a
        log. Lines of notices the manifest does not list (an ingest that did not land) and a line
        cut short are passed over."""
        try:
            lines = self.decisions_path.read_bytes().splitlines()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CorpusError(f"cannot read {self.decisions_path}: {exc}; restore it from version control") from exc
        listed = dict(zip(state.index["path"].to_list(), state.index["id"].to_list(), strict=True))
        seq = dict(zip(state.index["id"].to_list(), state.index["seq"].to_list(), strict=True))
        pairs: dict[tuple[str, str], None] = {}
        for line in lines:
            if not any(tag in line for tag in _PAIR_TAGS):  # most lines are of other decisions
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("decision") not in PAIR_DECISIONS:
                continue
            a, b = listed.get(entry.get("a")), listed.get(entry.get("b"))
            if a is not None and b is not None and a != b:
                pairs[(a, b) if (seq[a], a) <= (seq[b], b) else (b, a)] = None
        return list(pairs)

    # -- planning --------------------------------------------------------------------------------
    def _candidates(
        self, doc: Document, indexes: Sequence[CandidateIndex | BandIndex | PassageIndex], same: str | None
    ) -> set[str]:
        """The ids of the indexed notices ``doc`` is to be compared with (``same``: one whose key
        is ``doc``'s, if any)."""
        candidates: set[str] = set()
        if not doc.fingerprint.empty:
            for index in indexes:
                passages = isinstance(index, PassageIndex)
                query = doc.fingerprint.passages if passages else doc.fingerprint.signature
                candidates.update(str(c) for c in index.query(query))
        if same:
            candidates.add(same)
        candidates.discard(doc.id)
        return candidates

    @staticmethod
    def _pairs_of(doc: Document, found: dict[str, Document]) -> list[tuple[Document, Document]]:
        """(earlier, later) pairs of ``doc`` with each found notice, by the other's id."""
        return [
            (first, second)
            for other_id in sorted(found)
            for first, second in [sorted((found[other_id], doc), key=lambda d: d.order)]
        ]

    def _judge_all(self, pairs: Sequence[tuple[Document, Document]]) -> list[StoredPair]:
        """Verify the pairs (spread over ``jobs`` processes when there are many) and keep those
        with a relation, in the order given."""
        docs: list[Document] = []
        at: dict[int, int] = {}
        for pair in pairs:
            for d in pair:
                if id(d) not in at:
                    at[id(d)] = len(docs)
                    docs.append(d)
        index_pairs = [(at[id(a)], at[id(b)]) for a, b in pairs]
        out = []
        with judges(docs, self.config, None, judge, self.jobs, len(index_pairs)) as verifier:
            for i, j, (v, veto) in verifier.each(index_pairs):
                first, second = docs[i], docs[j]
                self._verdicts[first.id, second.id] = (v, veto)
                if v.relation is not None:
                    out.append(
                        StoredPair(
                            first.id,
                            second.id,
                            v.relation,
                            round(v.similarity.jaccard, 6),
                            round(v.similarity.containment, 6),
                            v.reason,
                            veto,
                        )
                    )
        return out

    def read(self, paths: Sequence[str]) -> list[tuple[str, str, int, Document | Rejected]]:
        """Read, decode, normalize and sign the files in ``paths`` (no lock needed: nothing is written).

        Returns (path, sha256, size, document or rejection); the same bytes given twice count once.
        """
        seen: set[str] = set()
        fresh: list[tuple[str, str, int]] = []
        out: list[tuple[str, str, int, Document | Rejected]] = []
        for path in discover(paths):
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                out.append((path, "", 0, Rejected(path, f"cannot be read: {exc.strerror or exc}")))
                continue
            sha = hashlib.sha256(data).hexdigest()
            if sha not in seen:
                seen.add(sha)
                fresh.append((path, sha, len(data)))
        results = read_documents(
            [p for p, _, _ in fresh],
            jobs=self.jobs,
            normalize_config=self.normalize_config,
            config=self.config,
            progress=self.progress,
        )
        out.extend((p, sha, size, res) for (p, sha, size), res in zip(fresh, results, strict=True))
        return out

    def plan(self, paths: Sequence[str], state: State | None = None, batch: Batch | None = None) -> Plan:
        """Compare ``paths`` with the corpus and with each other; change nothing."""
        self._verdicts.clear()
        state = state or self.load()
        batch = self.read(paths) if batch is None else batch
        plan = Plan(state)
        shas = [sha for _, sha, _, _ in batch if sha]
        known = state.index.filter(pl.col("sha256").is_in(shas))
        known_sha = dict(zip(known["sha256"].to_list(), known["path"].to_list(), strict=True))
        seq = state.next_seq
        for path, sha, size, res in batch:
            if sha in known_sha:
                plan.known.append((path, known_sha[sha]))
            elif isinstance(res, Rejected):
                plan.rejected.append(res)
                plan.decisions.append({"decision": "reject", "path": path, "reason": res.reason})
            else:
                plan.additions.append(Addition(res.moved(res.path, order=seq), path, sha, size))
                seq += 1
        if plan.additions:
            self._match(plan)
        return plan

    def _index(self) -> CandidateIndex | BandIndex:
        """The corpus's LSH: a fresh one over the signature matrix in memory, or the one shared in
        Redis (connected once per Corpus)."""
        if not self.index_url:
            return BandIndex(self.config)
        if self._shared is None:
            self._shared = CandidateIndex(
                self.config, self.index_url, basename=f"policy-dedup:{self.root.resolve().name}"
            )
        return self._shared

    def _match(self, plan: Plan) -> None:
        state = plan.state
        corpus_index = self._index()
        if isinstance(corpus_index, BandIndex):
            for block in state.blocks:
                corpus_index.insert_matrix(block.keys, block.signatures, block.bands, block.live)
        elif corpus_index.size() < state.size:  # a shared index may lag a crash: top it up
            corpus_index.insert_many(zip(state.ids, state.signatures, strict=True))
        batch_index = BandIndex(self.config)  # additions stay out of a shared index until committed
        batch_passages = PassageIndex()
        corpus_passages = PassageIndex.of_runs(
            self.cache.passage_runs(state.blocks) if state.size <= PASSAGE_SEARCH_LIMIT else []
        )
        batch: dict[str, Document] = {}
        by_key: dict[str, str] = {}
        found: list[tuple[Document, set[str], set[str]]] = []
        banded: dict[str, list[Hashable]] = {}  # the corpus's band candidates, looked up together
        signed = [add.doc for add in plan.additions if not add.doc.fingerprint.empty]
        if isinstance(corpus_index, BandIndex) and len(signed) > 1:
            hits = corpus_index.query_many(np.stack([d.fingerprint.signature for d in signed]))
            banded = {d.id: h for d, h in zip(signed, hits, strict=True)}
        for add in plan.additions:  # each addition against the corpus and the additions before it
            doc = add.doc
            indexes = [corpus_passages] if doc.id in banded else [corpus_index, corpus_passages]
            in_corpus = self._candidates(doc, indexes, state.same_key(doc.key))
            in_corpus |= {str(c) for c in banded.get(doc.id, ())} - {doc.id}
            in_batch = self._candidates(doc, [batch_index, batch_passages], by_key.get(doc.key))
            found.append((doc, in_corpus, in_batch))
            batch[doc.id] = doc
            by_key.setdefault(doc.key, doc.id)
            batch_index.insert_many([(doc.id, doc.fingerprint.signature)])
            batch_passages.insert_many([(doc.id, doc.fingerprint.passages)])
        known = state.fetch(sorted(set().union(*(ids for _, ids, _ in found))))  # one read of the cache
        pairs: list[tuple[Document, Document]] = []
        for doc, in_corpus, in_batch in found:
            pairs += self._pairs_of(doc, {c: known[c] for c in in_corpus if c in known})
            pairs += self._pairs_of(doc, {c: batch[c] for c in in_batch})
        plan.new_pairs.extend(self._judge_all(pairs))  # candidates do not depend on verdicts
        self._cluster(plan, batch)

    def _cluster(self, plan: Plan, batch: dict[str, Document]) -> None:
        """Re-cluster the notices touched by pairs; clusters the batch changes get a canonical."""
        state = plan.state
        # only pairs that merge or keep apart decide clusters: a notice that is merely related to
        # an addition keeps its cluster as recorded, so it is not clustered again
        links = [p for p in plan.new_pairs if p.merges or p.veto]
        pairs: list[Link | StoredPair] = [*state.linked(batch, links), *links]
        touched = {i for p in pairs for i in (p.a, p.b)} | set(batch)
        seq = state.column(touched - set(batch), "seq") | {d.id: d.order for d in batch.values()}
        nodes = sorted(touched, key=lambda i: (seq[i], i))
        pos = {d: i for i, d in enumerate(nodes)}
        merges = sorted((p for p in pairs if p.merges), key=lambda p: (STRENGTH[p.relation], -p.jaccard, p.a, p.b))
        groups, _ = cluster(
            len(nodes), ((pos[p.a], pos[p.b]) for p in merges), [(pos[p.a], pos[p.b]) for p in pairs if p.veto]
        )
        concerned = state.index.join(pl.DataFrame({"id": nodes}, schema={"id": pl.String}), on="id", how="semi")
        clusters = state.index.join(concerned.select("cluster").unique(), on="cluster", how="semi")
        old_cluster = dict(zip(clusters["id"].to_list(), clusters["cluster"].to_list(), strict=True))
        old_members: dict[str, set[str]] = {}
        for doc_id, cid in old_cluster.items():
            old_members.setdefault(cid, set()).add(doc_id)
        incumbents = set(clusters.filter(pl.col("is_canonical"))["id"].to_list())
        old_canonical = {r["cluster"]: r["id"] for r in clusters.filter(pl.col("is_canonical")).iter_rows(named=True)}
        recorded = {
            r["id"]: (old_canonical.get(r["cluster"]), r["relation"], r["similarity"])
            for r in clusters.filter(~pl.col("is_canonical")).iter_rows(named=True)
        }
        changed: list[list[str]] = []
        for group in groups:
            ids = [nodes[i] for i in group]
            if any(i in batch for i in ids) or old_members.get(old_cluster[ids[0]]) != set(ids):
                changed.append(ids)
        docs = {**state.fetch(i for ids in changed for i in ids if i not in batch), **batch}
        plan.docs = docs
        for ids in changed:
            members = [docs[i] for i in ids]
            cid = members[0].id  # the founder: earliest ingested
            plan.gone_clusters.update(old_cluster[i] for i in ids if i in old_cluster and old_cluster[i] != cid)
            canonical = self._elect(plan, cid, members, incumbents, set(batch))
            plan.canonical[cid] = canonical.id
            for m in members:
                if m is canonical:
                    plan.membership[m.id] = (cid, "canonical", 1.0)
                elif m.id in recorded and recorded[m.id][0] == canonical.id:
                    plan.membership[m.id] = (cid, *recorded[m.id][1:])  # same canonical: as recorded
                else:
                    v, _ = self._verdicts.get((canonical.id, m.id)) or judge(canonical, m, self.config)
                    plan.membership[m.id] = (cid, v.relation if v.merges else "near", round(v.similarity.jaccard, 4))
                if m.id in old_cluster and old_cluster[m.id] != cid:
                    plan.decisions.append(
                        {"decision": "cluster-merge", "id": m.id, "path": m.path, "from": old_cluster[m.id], "to": cid}
                    )
        plan.gone_clusters -= set(plan.canonical)
        ends = {i for p in plan.new_pairs for i in (p.a, p.b)}
        paths = {**state.column(ends - set(docs), "path"), **{i: d.path for i, d in docs.items()}}
        for p in plan.new_pairs:
            plan.decisions.append(
                {
                    "decision": "veto" if p.veto else ("merge" if p.merges else "related"),
                    "a": paths.get(p.a, p.a),
                    "b": paths.get(p.b, p.b),
                    "relation": p.relation,
                    "similarity": p.jaccard,
                    "reason": p.reason,
                }
            )
        for add in plan.additions:
            if plan.membership[add.doc.id][0] == add.doc.id:
                plan.decisions.append(
                    {
                        "decision": "new-notice",
                        "id": add.doc.id,
                        "path": add.doc.path,
                        "reason": "founds its own cluster: no earlier notice of the corpus is a duplicate of it",
                    }
                )

    def _elect(self, plan: Plan, cid: str, members: list[Document], incumbents: set[str], new: set[str]) -> Document:
        longest = max(len(m.key) for m in members)
        sitting = [m for m in members if m.id in incumbents]
        if not sitting:
            canonical, reason = elect(members)
            if len(members) > 1:
                plan.decisions.append(
                    {"decision": "canonical", "cluster": cid, "canonical": canonical.path, "reason": reason}
                )
            return canonical
        canonical = min(sitting, key=lambda m: (tuple(-x for x in quality(m, longest).rank()), m.order))
        for m in members:
            if m.id in new and strictly_better(m, canonical, longest):
                plan.decisions.append(
                    {
                        "decision": "canonical-change",
                        "cluster": cid,
                        "from": canonical.path,
                        "to": m.path,
                        "reason": f"{m.path} is strictly better: {elect([m, canonical])[1]}",
                    }
                )
                canonical = m
        return canonical

    # -- committing ------------------------------------------------------------------------------
    def ingest(self, paths: Sequence[str]) -> Plan:
        """Add ``paths`` to the corpus: originals copied byte for byte, clusters and canonicals updated."""
        self._index()  # an unreachable shared index fails here, before anything is written
        self.root.mkdir(parents=True, exist_ok=True)
        self.raw.mkdir(exist_ok=True)
        batch = self.read(paths)  # the slow part, outside the lock: workers read in parallel
        with corpus_lock(self.root / ".lock", self.lock_timeout):
            state = self.load()
            plan = self.plan(paths, state, batch)
            self._place_originals(plan)
            if plan.additions or plan.decisions:
                self._commit(plan)
                index = self._index()
                if isinstance(index, CandidateIndex):
                    index.insert_many((a.doc.id, a.doc.fingerprint.signature) for a in plan.additions)
        return plan

    def _place_originals(self, plan: Plan) -> None:
        """Copy each new original into raw/ (never overwriting one), and set its corpus path."""
        moved: dict[str, str] = {}
        for add in plan.additions:
            source = Path(add.source).resolve()
            if self.raw.resolve() in source.parents:
                path = source
            else:
                path = self.raw / source.name
                n = 0
                while path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() != add.sha256:
                    n += 1
                    path = self.raw / f"{source.stem}_{add.sha256[:8]}{'_' + str(n) if n > 1 else ''}{source.suffix}"
                if not path.exists():
                    tmp = path.with_name(f".{path.name}.tmp")
                    shutil.copyfile(source, tmp)
                    os.replace(tmp, path)
            moved[add.doc.path] = self.rel(path)
            add.doc = add.doc.moved(self.rel(path))
            plan.docs[add.doc.id] = add.doc
        for d in plan.decisions:
            for k in ("path", "a", "b", "to", "from", "canonical"):
                if isinstance(d.get(k), str) and d[k] in moved:
                    d[k] = moved[str(d[k])]

    def _commit(self, plan: Plan) -> None:
        small = plan.state.size + len(plan.additions) <= PASSAGE_SEARCH_LIMIT  # searched whole for related
        self.cache.append([a.doc for a in plan.additions], passages=small)
        new_pairs = pair_frame(plan.new_pairs)

        def every() -> pl.DataFrame:
            return pl.concat([plan.state.pair_frame, new_pairs])

        if plan.state.stale_pairs:  # left by an ingest that did not land, perhaps of these very notices
            self.cache.write_pairs(every())
        else:
            self.cache.add_pairs(new_pairs, every)
        self._write_canonicals(plan)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        logged = None
        if plan.decisions:
            lines = "".join(json.dumps({"time": now, **d}, ensure_ascii=False) + "\n" for d in plan.decisions)
            logged = self._log(lines.encode())
        try:
            self._write_manifest(plan, now)
        except BaseException:
            if logged is not None:  # the ingest did not land: neither do its lines
                os.truncate(self.decisions_path, logged)
            raise
        self.cache.compact(plan.state.index["id"].append(pl.Series([a.doc.id for a in plan.additions])))

    def _log(self, lines: bytes) -> int:
        """Append ``lines`` to the decision log in place (rewriting a large log for every ingest
        would cost more than the ingest); returns the log's size before, to cut it back to."""
        with open(self.decisions_path, "ab+") as log:
            size = end = log.seek(0, os.SEEK_END)
            while end:  # after the last line break: a line cut short by a killed ingest (never landed)
                start = max(0, end - 65536)
                log.seek(start)
                cut = log.read(end - start).rfind(b"\n")
                if cut >= 0:
                    end = start + cut + 1
                    break
                end = start
            if end != size:
                log.truncate(end)
            log.write(lines)
        return end

    def _write_canonicals(self, plan: Plan) -> None:
        folder = self.root / "canonical"
        folder.mkdir(exist_ok=True)
        for cid, doc_id in plan.canonical.items():
            target = folder / f"{cid}.txt"
            text = plan.docs[doc_id].text + "\n"
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                atomic_write(target, lambda p, t=text: Path(p).write_text(t, encoding="utf-8"))
        for cid in plan.gone_clusters:
            stale = folder / f"{cid}.txt"
            if stale.exists():
                stale.unlink()  # derived text of a cluster that merged into another

    def _write_manifest(self, plan: Plan, now: str) -> None:
        old = plan.state.index  # the whole manifest is read only if it is written whole
        sizes = {a.doc.id: (a.sha256, a.size) for a in plan.additions}
        old_rows = {r["id"]: r for r in old.filter(pl.col("id").is_in(list(plan.membership))).iter_rows(named=True)}
        members: dict[str, list[Document]] = {}
        for doc_id, (cid, _, _) in plan.membership.items():
            members.setdefault(cid, []).append(plan.docs[doc_id])
        rows = []
        for doc_id, (cid, relation, sim) in plan.membership.items():
            d, meta = plan.docs[doc_id], plan.docs[doc_id].normalized.meta
            sha, size = sizes.get(doc_id) or (old_rows[doc_id]["sha256"], old_rows[doc_id]["bytes"])
            rows.append(
                {
                    "id": d.id,
                    "path": d.path,
                    "sha256": sha,
                    "bytes": size,
                    "encoding": d.normalized.encoding,
                    "confidence": round(d.normalized.confidence, 4),
                    "title": meta.title,
                    "doc_number": meta.doc_number,
                    "issuer": meta.issuer,
                    "date": meta.date,
                    "chars": len(d.text),
                    "flags": ";".join(quality_flags(d, members[cid])),
                    "cluster": cid,
                    "is_canonical": plan.canonical[cid] == doc_id,
                    "relation": relation,
                    "similarity": sim,
                    "seq": d.order,
                    "ingested_at": old_rows[doc_id]["ingested_at"] if doc_id in old_rows else now,
                }
            )
        changed = pl.DataFrame(rows, schema=MANIFEST_SCHEMA)
        # the CSV as read, unchanged since: copy its bytes around the changed rows
        unchanged = plan.state.stamp is not None and manifest_stamp(self.manifest_path) == plan.state.stamp

        @functools.cache
        def frame() -> pl.DataFrame:
            return upsert_sorted(plan.state.manifest, changed)  # _read_manifest gives it sorted by path

        def splice(out: Path | BinaryIO) -> bool:
            return unchanged and splice_csv(self.manifest_path, old, changed, out)

        def write(tmp: Path) -> None:
            if not splice(tmp):
                frame().write_csv(tmp)

        # spliced over the file the last ingest replaced (see dedupe.rewrite), else as a new file
        spare = self.cache.manifest_folder / "spare.csv"
        if not (unchanged and replace_reusing(self.manifest_path, spare, splice)):
            atomic_write(self.manifest_path, write)
        # the copy is an optimisation: the next read parses the CSV. Nothing here may fail the
        # ingest, which has landed (a new base reads the whole manifest of the state's version)
        with contextlib.suppress(OSError, CorpusError, pl.exceptions.PolarsError):
            self.cache.write_manifest(frame, self.manifest_path, plan.state.stamp, changed)
