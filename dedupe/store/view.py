"""A corpus as the engine sees it (``dedupe.engine.Known``), and the cache kept in step with it.

The manifest says which notices there are and how they are clustered; the cache holds what
comparing them needs. Before every use the cache is brought in line with the manifest, the log
and the originals: notices it lacks are read from ``raw/`` (their sha256 checked), notices the
manifest no longer lists are dropped, and when the log changed its pairs are read again from it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.candidates import CandidateIndex
from dedupe.config import DedupeConfig
from dedupe.decisions import CanonicalByHand, MergeByHand, PairByHand, PairVerdict, SplitByHand
from dedupe.document import Document
from dedupe.errors import CorpusError
from dedupe.files import Rejected, iter_documents
from dedupe.model import CONFIRMED, SPLIT, SPLIT_BY_HAND, Link, Recorded
from dedupe.progress import begin
from dedupe.store import log, memo
from dedupe.store.cache import Cache
from dedupe.store.journal import sha256_of
from dedupe.store.rows import FrameRows, ManifestRows, Rows
from normalize import NormalizeConfig

if TYPE_CHECKING:
    import polars as pl

RESTORE = "restore the originals from version control (git checkout -- raw) and run the command again"


class View:
    """The engine's ``Known`` over a manifest and its cache (withdrawn notices are not known).

    Its questions about the manifest are answered by ``lookup`` (``dedupe.store.rows.ManifestRows``):
    the rows looked up by index when given (``rows``, what ``check`` reads: the whole manifest is
    then read only when ``manifest`` is asked for), else the ``manifest`` frame given."""

    def __init__(
        self,
        root: Path,
        manifest: pl.DataFrame | None,
        cache: Cache,
        shared: CandidateIndex | None = None,
        stamp: str = "",
        rows: Rows | None = None,
    ) -> None:
        self.root, self.stamp = root, stamp  # stamp: the sha256 of manifest.csv as read
        self._manifest = manifest
        self.cache = cache
        self.shared = shared
        self.lookup: ManifestRows = rows if rows is not None else FrameRows(self.manifest)

    @property
    def manifest(self) -> pl.DataFrame:
        if self._manifest is None:
            from dedupe.store import manifest

            self._manifest = manifest.read(self.root / "manifest.csv")
        return self._manifest

    def held(self, shas: Iterable[str]) -> dict[str, str]:
        """The path of each of ``shas`` the manifest holds."""
        return self.lookup.by_sha(shas)

    def next_seq(self) -> int:
        """The ingestion order of the next notice: one after the largest recorded."""
        return self.lookup.next_seq()

    def first_ids(self, count: int) -> list[str]:
        return self.lookup.first_active(count)

    def memo(self, key: str, compute: Callable[[], np.ndarray | None]) -> np.ndarray | None:
        stored = self.cache.get(key)
        if stored is not None:
            return np.frombuffer(bytes.fromhex(stored), dtype=np.uint64) if stored else None
        found = compute()
        with self.cache.db:  # one kept: the sample changes only when a notice of smaller id arrives
            self.cache.db.execute("DELETE FROM meta WHERE key LIKE ?", (key.split(":")[0] + ":%",))
            self.cache.set(key, found.tobytes().hex() if found is not None else "")
        return found

    def sample(self, ids: Sequence[str]) -> list[str]:
        return self.cache.keys(ids)

    def candidates(self, docs: Sequence[Document]) -> dict[str, set[str]]:
        found = self.cache.query(docs)
        if self.shared is not None:
            for doc_id, more in self.shared.query(docs).items():
                found.setdefault(doc_id, set()).update(more)
        every = list(set().union(*found.values()))  # looked up, not a set of every active id (100,000 strings)
        live = self.lookup.active(every) if every else set()
        return {i: ids & live for i, ids in found.items()}

    def fetch(self, ids: Iterable[str]) -> dict[str, Document]:
        wanted = list(ids)
        check_stored(self.root, self.lookup.where(wanted, ("id", "path", "bytes", "sha256"), active=False), self.cache)
        return self.cache.fetch(wanted)

    def clusters(self, ids: Iterable[str]) -> dict[str, str]:
        return dict(self.lookup.where(ids, ("id", "cluster")))

    def members(self, clusters: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for doc_id, cluster in self.lookup.members(clusters):
            out.setdefault(cluster, []).append(doc_id)
        return out

    def links(self, ids: Iterable[str]) -> list[Link]:
        return self.cache.links(ids)

    def recorded(self, ids: Iterable[str]) -> dict[str, Recorded]:
        rows = self.lookup.where(ids, ("id", "cluster", "is_canonical", "relation", "similarity", "via"))
        return {r[0]: Recorded(*r[1:]) for r in rows}

    def pinned(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        return self.cache.pinned(ids)

    def rows(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        import polars as pl

        return {r["id"]: r for r in self.manifest.filter(pl.col("id").is_in(list(ids))).iter_rows(named=True)}


def check_originals(root: Path, listed_paths: Callable[[], Sequence[str]]) -> None:
    """Every listed original is in raw/ (one listing of the folder, however large the corpus). When
    they all lie right under raw/, that they were all there is noted for the manifest and the folder
    as they are (``dedupe.store.memo``): a file removed, added or renamed there changes the folder's
    times, and the listing is made again. ``listed_paths``: the manifest's paths, asked for only then."""
    listed, folder = memo.stamp(root / "manifest.csv"), memo.stamp(root / "raw")
    key = f"{listed}.{folder}" if listed and folder else None
    if key is not None and memo.known(root / "raw", key, "present"):
        return
    paths = listed_paths()
    flat = not any("/" in p[4:] for p in paths)  # all right under raw/
    if flat and (root / "raw").is_dir():  # one listing: the usual layout
        names = set(os.listdir(root / "raw"))
        missing = [p for p in paths if p[4:] not in names]
        if not missing and key is not None:
            memo.note(root / "raw", key, "present")
    else:
        present = set()
        for folder, _dirs, files in os.walk(root / "raw"):
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            present.update(f"{rel}/{name}" for name in files)
        missing = [p for p in paths if p not in present]
    if missing:
        raise CorpusError(
            f"{len(missing)} original(s) listed in the manifest are missing ({_some(missing)}): {RESTORE}"
        )


def check_stored(root: Path, rows: Sequence[tuple[str, str, int, str]], cache: Cache) -> None:
    """The originals of notices about to be used (the manifest's (id, path, bytes, sha256) of each)
    still have the size the manifest records; one whose modification time moved since it was cached
    is hashed again (a fresh checkout moves them all, once)."""
    stamps = cache.stamps(r[0] for r in rows)
    changed, moved = [], {}
    for doc_id, path, size, sha in rows:
        st = os.stat(os.path.join(root, path))
        if st.st_size != size:
            changed.append(path)
        elif stamps.get(doc_id) != st.st_mtime_ns:
            if sha256_of(root / path) != sha:
                changed.append(path)
            else:
                moved[doc_id] = st.st_mtime_ns
    if changed:
        raise CorpusError(f"{len(changed)} original(s) changed since they were ingested ({_some(changed)}): {RESTORE}")
    if moved:
        with cache.db:
            cache.touch(moved)


def _some(paths: list[str]) -> str:
    return ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")


def sync(
    root: Path,
    read: Callable[[], pl.DataFrame],
    cache: Cache,
    normalize_config: NormalizeConfig,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> str:
    """Bring the cache in line with the manifest and the log (see the module docstring); returns
    the manifest's sha256 ("" when there is none). ``read``: the manifest as read and checked,
    asked for only when the cache is not in line."""
    stamp = memo.digest(root / "manifest.csv") or ""
    marker = log.marker(root / "decisions.jsonl")
    if cache.get("manifest") == stamp and cache.get("log") == marker:
        return stamp
    import polars as pl

    manifest = read()
    cached = cache.stats()
    todo = manifest.filter(~pl.col("id").is_in(list(cached))).to_dicts()
    listed = set(manifest["id"].to_list())
    with cache.db:
        cache.remove(set(cached) - set(listed))
        # stored a thousand at a time while the workers read on: a rebuild holds no more in memory
        begin(progress, "caching", len(todo))
        docs = read_originals(root, todo, cache.config, normalize_config, jobs, progress)
        while chunk := list(itertools.islice(docs, 1000)):
            cache.add(chunk, {d.id: file_stamp(root / d.path) for d in chunk})
        cache.forget_decisions()
        pairs, pins = logged_pairs(root, manifest)
        cache.add_pairs(pairs)
        for doc_id, number, reason in pins:
            cache.pin(doc_id, number, reason)
        cache.set("manifest", stamp)
        cache.set("log", marker)
    return stamp


def file_stamp(path: Path) -> tuple[int, int]:
    """A file's size and modification time, as the cache records them for an original."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def read_originals(
    root: Path,
    rows: Sequence[dict[str, Any]],
    config: DedupeConfig,
    normalize_config: NormalizeConfig,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Document]:
    """The notices of manifest ``rows``, read from raw/ (each decoded as it was ingested: with its
    ``given_encoding``, else detected) and checked against their sha256; raises
    CorpusError, once all were read, when any cannot be read back."""
    results = iter_documents(
        [str(root / r["path"]) for r in rows],
        jobs=jobs if len(rows) >= 64 else 1,
        normalize_config=normalize_config,
        config=config,
        progress=progress,
        orders=[r["seq"] for r in rows],
        expect=[r["sha256"] for r in rows],
        encodings=[r.get("given_encoding") or None for r in rows],
    )
    bad = []
    for row, res in zip(rows, results, strict=True):
        if isinstance(res, Rejected):
            bad.append(f"{row['path']} {res.reason}")
        else:
            yield res.moved(row["path"])
    if bad:
        raise CorpusError(f"{len(bad)} original(s) cannot be read back ({_some(bad)}): {RESTORE}")


def logged_pairs(root: Path, manifest: pl.DataFrame) -> tuple[list[dict[str, Any]], list[tuple[str, int, str]]]:
    """The verified pairs the decision log records between notices the manifest lists, a person's
    merges and splits in place of the verdicts they correct, and the canonicals chosen by hand."""
    by_path = dict(zip(manifest["path"].to_list(), manifest["id"].to_list(), strict=True))
    listed = set(by_path.values())
    out: dict[frozenset[str], dict[str, Any]] = {}
    pins: dict[str, tuple[int, str]] = {}
    for number, d in enumerate(log.decisions(root / "decisions.jsonl")):
        if isinstance(d, CanonicalByHand) and d.id in listed:
            pins[d.id] = (number, d.reason or "")
        if not isinstance(d, (PairVerdict, PairByHand)):
            continue
        a, b = d.a_id or by_path.get(d.a), d.b_id or by_path.get(d.b)
        if a in listed and b in listed and a != b:
            row, was = pair_row(d, a, b), out.get(frozenset((a, b)))
            if isinstance(d, PairByHand) and was is not None and was["relation"] not in (CONFIRMED, SPLIT):
                row.update(jaccard=was["jaccard"], containment=was["containment"])  # the figure measured before
            out[frozenset((a, b))] = row
    return list(out.values()), [(i, n, reason) for i, (n, reason) in pins.items()]


def pair_row(d: PairVerdict | PairByHand, a: str, b: str) -> dict[str, Any]:
    """A pair as the cache stores it, from its record: a person's merge is ``confirmed``, a
    person's split is ``split`` and kept apart by its veto (which says so for reports)."""
    if isinstance(d, MergeByHand):
        return {"a": a, "b": b, "relation": CONFIRMED, "jaccard": 1.0, "containment": None,
                "reason": f"merged by hand: {d.reason}", "veto": None}  # fmt: skip
    if isinstance(d, SplitByHand):
        why = f"{SPLIT_BY_HAND}: {d.reason}"
        return {"a": a, "b": b, "relation": SPLIT, "jaccard": 0.0, "containment": None, "reason": why, "veto": why}
    assert isinstance(d, PairVerdict)
    return {"a": a, "b": b, "relation": d.relation or "related", "jaccard": d.jaccard, "containment": d.containment,
            "reason": d.reason, "veto": d.veto}  # fmt: skip
