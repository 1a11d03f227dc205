"""Candidate search with datasketch's MinHashLSH, in memory or shared through Redis.

``redis://host:port/db`` puts the LSH buckets in Redis through datasketch's own storage layer,
so several workers on several machines share one index (one ``basename`` per corpus).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any
from urllib.parse import urlparse

import numpy as np

from dedupe.config import DedupeConfig
from dedupe.errors import IndexUnavailable
from dedupe.signature import to_minhash


def storage_config(url: str | None, basename: str) -> dict[str, Any] | None:
    """datasketch ``storage_config`` for an index URL (None for the in-memory default)."""
    if not url or url == "memory://":
        return None
    parsed = urlparse(url)
    if parsed.scheme != "redis":
        raise IndexUnavailable(f"unsupported index URL {url!r}: use redis://HOST:PORT/DB or leave it out")
    db = int(parsed.path.strip("/") or 0)
    return {
        "type": "redis",
        "basename": basename.encode(),
        "redis": {"host": parsed.hostname or "localhost", "port": parsed.port or 6379, "db": db},
    }


class CandidateIndex:
    """MinHashLSH over signatures at the configured candidate threshold."""

    def __init__(self, config: DedupeConfig, url: str | None = None, basename: str = "policy-dedup") -> None:
        self.config = config
        from datasketch import MinHashLSH  # loads scipy: only where an index is built, not in workers

        storage = storage_config(url, f"{basename}-{config.signature_fingerprint()}")
        if storage is not None:
            _ping(url or "", storage["redis"])
        self.lsh = MinHashLSH(threshold=config.candidate_threshold, num_perm=config.num_perm, storage_config=storage)

    def size(self) -> int:
        """How many notices the index holds."""
        return int(self.lsh.keys.size())

    def insert_many(self, items: Iterable[tuple[Hashable, np.ndarray]]) -> None:
        with self.lsh.insertion_session() as session:
            for key, sig in items:
                if key not in self.lsh:
                    session.insert(key, to_minhash(sig, self.config.seed), check_duplication=False)

    def query(self, sig: np.ndarray) -> list[Hashable]:
        return list(self.lsh.query(to_minhash(sig, self.config.seed)))


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
