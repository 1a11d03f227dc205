"""Candidate search: which notices to verify against which. One interface, three stores.

- :class:`MemoryIndex`: notices held in memory (a batch; a library user's stream);
- ``dedupe.store.cache.Cache``: the corpus's SQLite cache (band keys and passages indexed);
- :class:`RedisIndex`: datasketch's MinHashLSH with its buckets in Redis, shared by workers.

Each gives, for every notice queried, the ids of indexed notices that share an LSH band with it
(the pairs datasketch's MinHashLSH gives) or share passages (``dedupe.passages``) or have the same
comparison key. The engine verifies every candidate; an index only has to miss nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import urlparse

import numpy as np

from dedupe.arrays import ranges
from dedupe.bands import band_keys, band_pairs, band_params, confirm
from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.errors import IndexUnavailable
from dedupe.passages import passage_pairs


class CandidateIndex(Protocol):
    def add(self, docs: Sequence[Document]) -> None:
        """Index ``docs`` (their signatures, passages and keys)."""

    def query(self, docs: Sequence[Document]) -> dict[str, set[str]]:
        """For each doc id, the ids of indexed notices to verify it against (never itself)."""


# From this many notices, the passages' self-join runs in a thread beside the bands': numpy's sorts
# let the other core work (100,000 generated notices: 0.9-1.0 s for both, 1.6-1.8 s one after the other).
# Below, it saves under 0.1 s, and the thread's own C heap kept about 6 MB more in this process at
# the end of 10,000 (peak of the process tree 229-233 → 237-239 MB, three runs each).
BESIDE_FROM = 20_000


def batch_pairs(docs: Sequence[Document], config: DedupeConfig) -> set[tuple[int, int]]:
    """Index pairs (i < j) of ``docs`` that are candidates of each other: the pairs a MemoryIndex
    holding them all gives when queried with each, found by one self-join per band and one over
    passages (tested against the index)."""
    pairs: set[tuple[int, int]] = set()
    if len(docs) < 2:  # one file checked: no pair, and numpy's unique (which imports numpy.ma, 30 ms) not called
        return pairs
    arrays = [d.fingerprint.passages for d in docs]
    if len(docs) >= BESIDE_FROM:
        from concurrent.futures import ThreadPoolExecutor  # imported only then (6 ms)

        with ThreadPoolExecutor(1) as beside:
            passages = beside.submit(passage_pairs, arrays, config)
            pairs |= _band_pairs_of(docs, config)
            pairs |= passages.result()
    else:
        pairs |= _band_pairs_of(docs, config)
        pairs |= passage_pairs(arrays, config)
    first: dict[bytes, int] = {}  # the first notice of each key, by the key's 128-bit digest (no key is read)
    for i, d in enumerate(docs):
        same = first.setdefault(d.fingerprint.digest, i)
        if same != i:
            pairs.add((same, i))
    return pairs


def _band_pairs_of(docs: Sequence[Document], config: DedupeConfig) -> set[tuple[int, int]]:
    """Index pairs (i < j) of ``docs`` that share an LSH band (notices without a signature left out)."""
    rows = [i for i, d in enumerate(docs) if not d.fingerprint.empty]
    if not rows:
        return set()
    matrix = np.stack([docs[i].fingerprint.signature for i in rows])
    return {(rows[a], rows[b]) for a, b in band_pairs(matrix, config)}


class MemoryIndex:
    """Notices in memory: band keys and passage fingerprints sorted once per query batch."""

    def __init__(self, config: DedupeConfig) -> None:
        self.config = config
        self.b, self.r = band_params(config.candidate_threshold, config.num_perm)
        self.docs: list[Document] = []

    def add(self, docs: Sequence[Document]) -> None:
        self.docs.extend(docs)

    def query(self, docs: Sequence[Document]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {d.id: set() for d in docs}
        if not self.docs:
            return out
        ids = [d.id for d in self.docs]
        matrix = np.stack([d.fingerprint.signature for d in self.docs])
        keys = band_keys(matrix, self.b, self.r).ravel()
        order = np.argsort(keys, kind="stable")
        ranked = keys[order]
        fps, owners = _postings([d.fingerprint.passages for d in self.docs])
        by_key: dict[str, list[str]] = {}
        for d in self.docs:
            by_key.setdefault(d.key, []).append(d.id)
        for doc in docs:
            found = out[doc.id]
            if doc.fingerprint.empty:
                continue
            wanted = band_keys(doc.fingerprint.signature[None, :], self.b, self.r)[0]
            lo, hi = np.searchsorted(ranked, wanted, "left"), np.searchsorted(ranked, wanted, "right")
            rows = np.unique(order[ranges(lo, hi - lo)] // self.b)
            rows = rows[confirm(doc.fingerprint.signature, matrix[rows], self.b, self.r)]
            found.update(ids[i] for i in rows.tolist())
            found.update(ids[i] for i in sharing(doc.fingerprint.passages, fps, owners, self.config).tolist())
            found.update(by_key.get(doc.key, ()))
            found.discard(doc.id)
        return out


def _postings(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """All fingerprints sorted, and the index of the array each came from."""
    if not arrays:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    fps = np.concatenate([np.asarray(a, dtype=np.uint64) for a in arrays])
    owners = np.repeat(np.arange(len(arrays)), [a.size for a in arrays])
    order = np.argsort(fps, kind="stable")
    return fps[order], owners[order]


def sharing(query: np.ndarray, fps: np.ndarray, owners: np.ndarray, config: DedupeConfig) -> np.ndarray:
    """Owners sharing at least ``passage_min_shared`` of ``query``'s fingerprints, counting only
    fingerprints held by at most ``passage_max_postings`` owners (``fps`` sorted, ``owners`` aligned)."""
    if not query.size or not fps.size:
        return np.empty(0, np.int64)
    lo, hi = np.searchsorted(fps, query, "left"), np.searchsorted(fps, query, "right")
    counts = hi - lo
    keep = (counts > 0) & (counts <= config.passage_max_postings)
    hit = owners[ranges(lo[keep], counts[keep])]
    hit = np.unique(hit * max(1, query.size) + np.repeat(np.flatnonzero(keep), counts[keep]))
    who, shared = np.unique(hit // max(1, query.size), return_counts=True)
    return who[shared >= config.passage_min_shared]


class RedisIndex:
    """datasketch's MinHashLSH with its buckets in Redis (``redis://HOST:PORT/DB``): several workers,
    on several machines, share one band index. Band candidates only; passages and same keys come
    from the corpus cache."""

    def __init__(self, config: DedupeConfig, url: str, basename: str) -> None:
        from datasketch import MinHashLSH

        self.config = config
        storage = storage_config(url, f"{basename}-{config.signature_fingerprint()}")
        _ping(url, storage["redis"])
        self.lsh = MinHashLSH(threshold=config.candidate_threshold, num_perm=config.num_perm, storage_config=storage)

    def size(self) -> int:
        return int(self.lsh.keys.size())

    def add(self, docs: Sequence[Document]) -> None:
        from dedupe.signature import to_minhash

        with self.lsh.insertion_session() as session:
            for d in docs:
                if not d.fingerprint.empty and d.id not in self.lsh:
                    session.insert(d.id, to_minhash(d.fingerprint.signature, self.config.seed), check_duplication=False)

    def query(self, docs: Sequence[Document]) -> dict[str, set[str]]:
        from dedupe.signature import to_minhash

        out: dict[str, set[str]] = {}
        for d in docs:
            found = set() if d.fingerprint.empty else set(self.lsh.query(to_minhash(d.fingerprint.signature)))
            out[d.id] = {str(k) for k in found} - {d.id}
        return out


def storage_config(url: str, basename: str) -> dict[str, Any]:
    """datasketch ``storage_config`` for a Redis URL."""
    parsed = urlparse(url)
    if parsed.scheme != "redis":
        raise IndexUnavailable(f"unsupported index URL {url!r}: use redis://HOST:PORT/DB or leave --index out")
    db = int(parsed.path.strip("/") or 0)
    return {
        "type": "redis",
        "basename": basename.encode(),
        "redis": {"host": parsed.hostname or "localhost", "port": parsed.port or 6379, "db": db},
    }


def _ping(url: str, params: dict[str, Any]) -> None:
    try:
        import redis
    except ImportError as exc:
        raise IndexUnavailable("the Redis index needs the redis extra: pip install 'policy-dedup[redis]'") from exc
    try:
        redis.Redis(**params, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise IndexUnavailable(
            f"cannot reach the index at {url}: {exc}; start Redis there or leave out --index"
        ) from exc
