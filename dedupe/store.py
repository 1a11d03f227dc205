"""The corpus store: originals byte for byte, canonical texts, a manifest and a decision log.

    corpus/
      raw/                 originals, never modified or deleted
      canonical/<id>.txt   clean text of each cluster's canonical member (named by cluster id)
      manifest.csv         one row per original, sorted by path (the record of decisions)
      decisions.jsonl      append-only log of merges, vetoes, canonical changes and rejections
      .cache/              documents.parquet, pairs.parquet: derived, rebuilt when missing or stale

Every write goes to a temporary file renamed into place, the manifest last: a store interrupted
mid-ingest still reads as before, and the next ingest completes the work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from dedupe.cluster import cluster
from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.elect import elect, quality, strictly_better
from dedupe.errors import CorpusError
from dedupe.files import Rejected, discover, read_documents
from dedupe.index import CandidateIndex
from dedupe.lock import corpus_lock
from dedupe.passages import PassageIndex
from dedupe.pipeline import judge
from dedupe.quality import quality_flags
from dedupe.verify import MERGING
from normalize import Change, Meta, NormalizeConfig, Normalized

MANIFEST_COLUMNS = [
    "id",
    "path",
    "sha256",
    "bytes",
    "encoding",
    "confidence",
    "title",
    "doc_number",
    "issuer",
    "date",
    "chars",
    "flags",
    "cluster",
    "is_canonical",
    "relation",
    "similarity",
    "seq",
    "ingested_at",
]
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
CACHE_VERSION = "1"
_STRENGTH = {"exact": 0, "near": 1, "contained": 2}


@dataclass(frozen=True)
class StoredPair:
    a: str
    b: str
    relation: str
    jaccard: float
    containment: float
    reason: str
    veto: str | None

    @property
    def merges(self) -> bool:
        return self.relation in MERGING and not self.veto


@dataclass
class State:
    """What the store holds: documents by id (with ingestion order), verified pairs, the manifest."""

    documents: dict[str, Document]
    pairs: list[StoredPair]
    manifest: pl.DataFrame

    @property
    def canonical_ids(self) -> set[str]:
        return set(self.manifest.filter(pl.col("is_canonical"))["id"].to_list())

    @property
    def next_seq(self) -> int:
        return int(self.manifest["seq"].max() or 0) + 1 if self.manifest.height else 1


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
    canonical: dict[str, str] = field(default_factory=dict)  # cluster → canonical id
    decisions: list[dict[str, object]] = field(default_factory=list)

    def duplicates(self) -> list[tuple[Addition, StoredPair]]:
        """Each addition that duplicates a notice (of the corpus or of the batch), with its best pair."""
        out = []
        for add in self.additions:
            pairs = [p for p in self.new_pairs if add.doc.id in (p.a, p.b) and p.merges]
            if pairs:
                best = min(pairs, key=lambda p: (_STRENGTH[p.relation], -p.jaccard))
                out.append((add, best))
        return out


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

    # -- paths -------------------------------------------------------------------------------
    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.csv"

    @property
    def decisions_path(self) -> Path:
        return self.root / "decisions.jsonl"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    # -- reading -----------------------------------------------------------------------------
    def read_manifest(self) -> pl.DataFrame:
        if not self.manifest_path.exists():
            return pl.DataFrame(schema=MANIFEST_SCHEMA)
        try:
            return pl.read_csv(self.manifest_path, schema=MANIFEST_SCHEMA)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise CorpusError(f"cannot read {self.manifest_path}: {exc}; restore it from version control") from exc

    def load(self) -> State:
        """The store as the manifest records it; documents come from the cache or the originals."""
        if not self.root.is_dir():
            raise CorpusError(
                f"no corpus at {self.root}: create it with `policy-dedup ingest PATH --corpus {self.root}`"
            )
        manifest = self.read_manifest()
        ids = manifest["id"].to_list()
        docs = self._load_cached_documents(set(ids))
        missing = [row for row in manifest.iter_rows(named=True) if row["id"] not in docs]
        if missing:
            docs.update(self._rebuild_documents(missing))
        pairs = self._load_cached_pairs(set(ids)) if not missing else None
        if pairs is None:
            pairs = self._recompute_pairs(docs)
        return State(docs, pairs, manifest)

    def _rebuild_documents(self, rows: list[dict[str, object]]) -> dict[str, Document]:
        paths = [str(self.root / str(r["path"])) for r in rows]
        results = read_documents(paths, jobs=self.jobs, normalize_config=self.normalize_config, config=self.config)
        out: dict[str, Document] = {}
        for row, res in zip(rows, results, strict=True):
            if isinstance(res, Rejected):
                raise CorpusError(f"the corpus original {row['path']} {res.reason}; restore it from version control")
            out[str(row["id"])] = res.moved(str(row["path"]), id=str(row["id"]), order=int(row["seq"]))
        return out

    def _recompute_pairs(self, docs: dict[str, Document]) -> list[StoredPair]:
        ordered = sorted(docs.values(), key=lambda d: d.order)
        index, passages = CandidateIndex(self.config), PassageIndex()
        pairs: list[StoredPair] = []
        for doc in ordered:
            pairs.extend(self._verify(doc, [index, passages], docs, {}))
            index.insert_many([(doc.id, doc.fingerprint.signature)])
            passages.insert_many([(doc.id, doc.fingerprint.passages)])
        return pairs

    # -- cache ---------------------------------------------------------------------------------
    def _cache_tag(self) -> str:
        return f"{CACHE_VERSION}-{self.config.signature_fingerprint()}-{hash(self.normalize_config)}"

    def _load_cached_documents(self, ids: set[str]) -> dict[str, Document]:
        path = self.cache / "documents.parquet"
        if not path.exists():
            return {}
        try:
            frame = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError):
            return {}
        if frame.height == 0 or frame["tag"][0] != self._cache_tag():
            return {}
        out: dict[str, Document] = {}
        for row in frame.iter_rows(named=True):
            if row["id"] in ids:
                normalized = _normalized_from_json(row["normalized"])
                sig = np.frombuffer(row["signature"], dtype=np.uint32).copy()
                out[row["id"]] = Document(row["id"], row["path"], normalized, row["seq"], self.config, sig)
        return out

    def _load_cached_pairs(self, ids: set[str]) -> list[StoredPair] | None:
        path = self.cache / "pairs.parquet"
        if not path.exists():
            return None
        try:
            frame = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError):
            return None
        if "tag" in frame.columns and frame.height and frame["tag"][0] != self._cache_tag():
            return None
        return [
            StoredPair(r["a"], r["b"], r["relation"], r["jaccard"], r["containment"], r["reason"], r["veto"])
            for r in frame.iter_rows(named=True)
            if r["a"] in ids and r["b"] in ids
        ]

    def _write_cache(self, docs: Iterable[Document], pairs: Sequence[StoredPair]) -> None:
        self.cache.mkdir(parents=True, exist_ok=True)
        tag = self._cache_tag()
        docs = sorted(docs, key=lambda d: d.order)
        frame = pl.DataFrame(
            {
                "id": [d.id for d in docs],
                "path": [d.path for d in docs],
                "seq": [d.order for d in docs],
                "normalized": [_normalized_to_json(d.normalized) for d in docs],
                "signature": [d.fingerprint.signature.astype(np.uint32).tobytes() for d in docs],
                "tag": [tag] * len(docs),
            },
            schema={
                "id": pl.String,
                "path": pl.String,
                "seq": pl.Int64,
                "normalized": pl.String,
                "signature": pl.Binary,
                "tag": pl.String,
            },
        )
        _atomic(self.cache / "documents.parquet", lambda p: frame.write_parquet(p))
        pframe = pl.DataFrame(
            [dataclasses.asdict(p) | {"tag": tag} for p in pairs],
            schema={
                "a": pl.String,
                "b": pl.String,
                "relation": pl.String,
                "jaccard": pl.Float64,
                "containment": pl.Float64,
                "reason": pl.String,
                "veto": pl.String,
                "tag": pl.String,
            },
        )
        _atomic(self.cache / "pairs.parquet", lambda p: pframe.write_parquet(p))

    # -- planning --------------------------------------------------------------------------------
    def _verify(
        self,
        doc: Document,
        indexes: Sequence[CandidateIndex | PassageIndex],
        docs: dict[str, Document],
        by_key: dict[str, str],
    ) -> list[StoredPair]:
        """Pairs of ``doc`` with indexed documents (LSH or passage candidates, identical keys)."""
        candidates: set[str] = set()
        if not doc.fingerprint.empty:
            for index in indexes:
                query = doc.fingerprint.passages if isinstance(index, PassageIndex) else doc.fingerprint.signature
                candidates.update(str(c) for c in index.query(query))
        if doc.key in by_key:
            candidates.add(by_key[doc.key])
        out = []
        for other_id in sorted(candidates - {doc.id}):
            other = docs.get(other_id)
            if other is None:
                continue  # a shared index may hold notices of other workers not yet in this manifest
            first, second = sorted((other, doc), key=lambda d: d.order)
            v, veto = judge(first, second, self.config)
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

    def plan(
        self,
        paths: Sequence[str],
        state: State | None = None,
        batch: Sequence[tuple[str, str, int, Document | Rejected]] | None = None,
    ) -> Plan:
        """Compare ``paths`` with the corpus and with each other; change nothing."""
        state = state or self.load()
        batch = self.read(paths) if batch is None else batch
        plan = Plan(state)
        known_sha = dict(zip(state.manifest["sha256"].to_list(), state.manifest["path"].to_list(), strict=True))
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
        self._match(plan)
        return plan

    def _match(self, plan: Plan) -> None:
        state = plan.state
        docs = dict(state.documents)
        corpus_index = self._index()
        if not self.index_url or corpus_index.size() < len(state.documents):  # a shared index may lag a crash
            corpus_index.insert_many((d.id, d.fingerprint.signature) for d in state.documents.values())
        batch_index = CandidateIndex(self.config)  # additions stay out of a shared index until committed
        passages = PassageIndex()
        passages.insert_many((d.id, d.fingerprint.passages) for d in state.documents.values())
        by_key = {d.key: d.id for d in sorted(state.documents.values(), key=lambda d: -d.order)}
        for add in plan.additions:
            doc = add.doc
            plan.new_pairs.extend(self._verify(doc, [corpus_index, batch_index, passages], docs, by_key))
            docs[doc.id] = doc
            by_key.setdefault(doc.key, doc.id)
            batch_index.insert_many([(doc.id, doc.fingerprint.signature)])
            passages.insert_many([(doc.id, doc.fingerprint.passages)])
        self._cluster(plan, docs)

    def _cluster(self, plan: Plan, docs: dict[str, Document]) -> None:
        state = plan.state
        ordered = sorted(docs.values(), key=lambda d: (d.order, d.id))
        pos = {d.id: i for i, d in enumerate(ordered)}
        pairs = [*state.pairs, *plan.new_pairs]
        merges = sorted((p for p in pairs if p.merges), key=lambda p: (_STRENGTH[p.relation], -p.jaccard, p.a, p.b))
        apart = [(pos[p.a], pos[p.b]) for p in pairs if p.veto]
        groups, _ = cluster(len(ordered), ((pos[p.a], pos[p.b]) for p in merges), apart)
        incumbents = state.canonical_ids
        new_ids = {a.doc.id for a in plan.additions}
        old_cluster = dict(zip(state.manifest["id"].to_list(), state.manifest["cluster"].to_list(), strict=True))
        for group in groups:
            members = [ordered[i] for i in group]
            cid = members[0].id  # the founder: earliest ingested
            longest = max(len(m.key) for m in members)
            sitting = [m for m in members if m.id in incumbents]
            if sitting:
                canonical = min(sitting, key=lambda m: (tuple(-x for x in quality(m, longest).rank()), m.order))
                for m in members:
                    if m.id in new_ids and strictly_better(m, canonical, longest):
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
            else:
                canonical, reason = elect(members)
                if any(m.id in new_ids for m in members) and len(members) > 1:
                    plan.decisions.append(
                        {"decision": "canonical", "cluster": cid, "canonical": canonical.path, "reason": reason}
                    )
            plan.canonical[cid] = canonical.id
            for m in members:
                if m is canonical:
                    plan.membership[m.id] = (cid, "canonical", 1.0)
                else:
                    v, _ = judge(canonical, m, self.config)
                    rel = v.relation if v.merges else "near"
                    plan.membership[m.id] = (cid, rel, round(v.similarity.jaccard, 4))
            for m in members:
                if m.id in old_cluster and old_cluster[m.id] != cid:
                    plan.decisions.append(
                        {"decision": "cluster-merge", "id": m.id, "path": m.path, "from": old_cluster[m.id], "to": cid}
                    )
        for p in plan.new_pairs:
            plan.decisions.append(
                {
                    "decision": "veto" if p.veto else ("merge" if p.merges else "related"),
                    "a": docs[p.a].path,
                    "b": docs[p.b].path,
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
                self._index().insert_many((a.doc.id, a.doc.fingerprint.signature) for a in plan.additions)
        return plan

    def _index(self) -> CandidateIndex:
        """The LSH index: in memory (built per run), or shared in Redis (one basename per corpus)."""
        return CandidateIndex(self.config, self.index_url, basename=f"policy-dedup:{self.root.resolve().name}")

    def _place_originals(self, plan: Plan) -> None:
        """Copy each new original into raw/ (never overwriting one), and set its corpus path."""
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
            add.doc = add.doc.moved(self.rel(path))
        for d in plan.decisions:
            for k in ("path", "a", "b", "to", "from", "canonical"):
                if isinstance(d.get(k), str):
                    d[k] = self._corpus_path(plan, str(d[k]))

    def _corpus_path(self, plan: Plan, path: str) -> str:
        for add in plan.additions:
            if path == add.source:
                return add.doc.path
        return path

    def _commit(self, plan: Plan) -> None:
        state = plan.state
        docs = {**state.documents, **{a.doc.id: a.doc for a in plan.additions}}
        pairs = [*state.pairs, *plan.new_pairs]
        self._write_cache(docs.values(), pairs)
        self._write_canonicals(plan, docs)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if plan.decisions:
            lines = "".join(json.dumps({"time": now, **d}, ensure_ascii=False) + "\n" for d in plan.decisions)
            old = self.decisions_path.read_text(encoding="utf-8") if self.decisions_path.exists() else ""
            _atomic(self.decisions_path, lambda p: Path(p).write_text(old + lines, encoding="utf-8"))
        self._write_manifest(plan, docs, now)

    def _write_canonicals(self, plan: Plan, docs: dict[str, Document]) -> None:
        folder = self.root / "canonical"
        folder.mkdir(exist_ok=True)
        for cid, doc_id in plan.canonical.items():
            target = folder / f"{cid}.txt"
            text = docs[doc_id].text + "\n"
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                _atomic(target, lambda p, t=text: Path(p).write_text(t, encoding="utf-8"))
        for stale in folder.glob("*.txt"):
            if stale.stem not in plan.canonical:
                stale.unlink()  # derived text of a cluster that merged into another

    def _write_manifest(self, plan: Plan, docs: dict[str, Document], now: str) -> None:
        old = {r["id"]: r for r in plan.state.manifest.iter_rows(named=True)}
        sizes = {a.doc.id: (a.sha256, a.size) for a in plan.additions}
        members: dict[str, list[Document]] = {}
        for doc_id, (cid, _, _) in plan.membership.items():
            members.setdefault(cid, []).append(docs[doc_id])
        rows = []
        for doc_id, (cid, relation, sim) in plan.membership.items():
            d, meta = docs[doc_id], docs[doc_id].normalized.meta
            sha, size = sizes.get(doc_id) or (old[doc_id]["sha256"], old[doc_id]["bytes"])
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
                    "ingested_at": old[doc_id]["ingested_at"] if doc_id in old else now,
                }
            )
        frame = pl.DataFrame(rows, schema=MANIFEST_SCHEMA).sort("path")
        _atomic(self.manifest_path, lambda p: frame.write_csv(p))


def _atomic(target: Path, write: object) -> None:
    """Write through a temporary file in the same folder, then rename over ``target``."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(tmp)  # type: ignore[operator]
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _normalized_to_json(n: Normalized) -> str:
    data = dataclasses.asdict(n)
    return json.dumps(data, ensure_ascii=False)


def _normalized_from_json(raw: str) -> Normalized:
    data = json.loads(raw)
    meta = data.pop("meta")
    meta["dates"] = tuple(meta["dates"])
    meta["item_codes"] = tuple(meta["item_codes"])
    changes = tuple(Change(c["step"], c["count"], tuple(c["examples"])) for c in data.pop("changes"))
    return Normalized(**data, changes=changes, meta=Meta(**meta))
