"""The corpus cache: one SQLite file (``.cache/index.sqlite``), derived, deletable at any time.

    docs(n, id, path, seq, key_hash, signature, record, size, mtime_ns)  a notice, normalized
    bands(key, n)      one row per LSH band of each signature (``dedupe.bands.band_keys``), indexed
    passages(fp, n)    the passage fingerprints an index keeps (``dedupe.passages``), indexed
    pairs(a, b, …)     verified pairs and a person's merges and splits, as the decision log records them
    pins(id, …)        canonicals chosen by hand
    meta(key, value)   the configuration it was made with, and the manifest and log it matches

``PRAGMA user_version`` names the schema; a cache of another schema or configuration is rebuilt.
It is the corpus's :class:`dedupe.candidates.CandidateIndex`: ``query`` finds, by index lookups,
the notices that share a band, passages or a comparison key with each notice asked about.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.bands import band_keys, band_params, confirm
from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.model import Link
from dedupe.store.damage import SOUND, CacheDamaged, _files_stamp, _why, _writable, discard, guarded, note
from normalize import Change, Meta, Normalized

SCHEMA_VERSION = 3
TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs(n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, path TEXT NOT NULL, seq INTEGER NOT NULL,
  key_hash INTEGER NOT NULL, signature BLOB NOT NULL, record BLOB NOT NULL, size INTEGER, mtime_ns INTEGER);
CREATE INDEX docs_key ON docs(key_hash);
CREATE TABLE bands(key INTEGER NOT NULL, n INTEGER NOT NULL);
CREATE INDEX bands_key ON bands(key);
CREATE TABLE passages(fp INTEGER NOT NULL, n INTEGER NOT NULL);
CREATE INDEX passages_fp ON passages(fp);
CREATE TABLE pairs(a TEXT NOT NULL, b TEXT NOT NULL, relation TEXT NOT NULL, jaccard REAL NOT NULL,
  containment REAL, reason TEXT, veto TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE INDEX pairs_b ON pairs(b);
CREATE TABLE pins(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, reason TEXT);
"""
PAIR_FIELDS = ("a", "b", "relation", "jaccard", "containment", "reason", "veto")


def key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def to_record(n: Normalized) -> bytes:
    """A normalized notice as compressed JSON (readable with ``zlib`` and ``json``)."""
    data = {f.name: getattr(n, f.name) for f in fields(n)}  # shallow: asdict deep-copies every value
    data["meta"] = {f.name: getattr(n.meta, f.name) for f in fields(n.meta)}
    data["changes"] = [[c.step, c.count, list(c.examples)] for c in n.changes]
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 1)


def from_record(blob: bytes) -> Normalized:
    data = json.loads(zlib.decompress(blob))
    meta = {k: tuple(v) if isinstance(v, list) else v for k, v in data.pop("meta").items()}
    changes = tuple(Change(step, count, tuple(examples)) for step, count, examples in data.pop("changes"))
    data["extraction"] = tuple(tuple(x) for x in data.get("extraction", ()))
    return Normalized(**data, changes=changes, meta=Meta(**meta))


def _json(values: Iterable[Any]) -> str:
    return json.dumps(list(values))


class Cache:
    """The SQLite cache of a corpus (see the module docstring)."""

    def __init__(self, path: Path, config: DedupeConfig, key: str | None = None) -> None:
        """``key`` names everything the cache derives from (the corpus's settings); a cache made
        under another key is made anew."""
        self.path, self.config = path, config
        self.on_disk = False  # the database is the file at ``path`` (not a copy or one in memory)
        self.damaged = False
        self.key = key or config.signature_fingerprint()
        self.b, self.r = band_params(config.candidate_threshold, config.num_perm)
        try:
            if path.parent.exists() and not path.parent.is_dir():
                raise NotADirectoryError(f"{path.parent} is not a folder")
            if not _writable(path):
                raise PermissionError(f"{path.parent} cannot be written")
            path.parent.mkdir(exist_ok=True)
            self.db = self._open()
            self.on_disk = True
        except (sqlite3.Error, OSError) as exc:
            copy = self._read_only_copy() if isinstance(exc, PermissionError) else None
            if copy is not None:  # a corpus this user may only read: its cache, copied, does for this command
                note(f"the cache {path} cannot be written ({_why(exc)}): this command works on a copy of it in memory")
                self.db = copy
                return
            # derived data: a cache in memory, made from the originals, does for this command
            note(f"the cache {path} cannot be used ({_why(exc)}): this command makes one in memory from the "
                 "originals (remove or repair what is in the way to keep one on disk)")  # fmt: skip
            self.db = self._fresh(":memory:")

    def _read_only_copy(self) -> sqlite3.Connection | None:
        """The cache on disk copied into memory, read without writing a byte (not even SQLite's
        -shm file), when it is sound and of these settings; None otherwise."""
        if not self.path.is_file():
            return None
        try:
            disk = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                row = disk.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
                sound = disk.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION and row == (self.key,)
                if not sound or [r[0] for r in disk.execute("PRAGMA quick_check(5)")] != ["ok"]:
                    return None
                memory = sqlite3.connect(":memory:")
                disk.backup(memory)
                return memory
            finally:
                disk.close()
        except sqlite3.Error:
            return None

    def _open(self) -> sqlite3.Connection:
        """The database, made anew when it is of another schema or configuration, or damaged (it
        fails SQLite's quick check, or cannot be read at all)."""
        damage = None
        unchanged = self._unchanged()  # before SQLite opens it, which makes its WAL file
        try:
            db = self._connect(self.path)
            if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                row = db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
                if row and row[0] == self.key:
                    found = ["ok"] if unchanged else self._quick_check(db)
                    if found == ["ok"]:
                        return db
                    damage = "; ".join(found)[:200]
            db.close()
        except sqlite3.DatabaseError as exc:
            damage = str(exc)
        if damage and self.path.exists():
            note(f"the cache {self.path} was damaged ({damage}): made anew from the originals")
        discard(self.path)
        return self._fresh(self.path)

    def _fresh(self, where: Path | str) -> sqlite3.Connection:
        db = self._connect(where)
        with db:
            db.executescript(TABLES)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("INSERT INTO meta(key, value) VALUES ('config', ?)", (self.key,))
        return db

    def _connect(self, where: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(where)
        if where != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _unchanged(self) -> bool:
        """Are the files as a command of ours left them whole (``close``)? Then SQLite's quick check,
        which reads every page (0.2 s for 10,000 notices, seconds for 100,000), is not run again:
        garbage written into the file since changes its size or time, and damage a read meets
        later is ``CacheDamaged``."""
        try:
            return self.path.with_name(self.path.name + SOUND).read_text() == _files_stamp(self.path)
        except OSError:
            return False

    @staticmethod
    def _quick_check(db: sqlite3.Connection) -> list[str]:
        return [r[0] for r in db.execute("PRAGMA quick_check(5)")]

    def close(self) -> None:
        self.db.close()
        if self.on_disk and not self.damaged:  # closed whole: the next command need not check it again
            sound = self.path.with_name(self.path.name + SOUND)
            with contextlib.suppress(OSError):
                temporary = sound.with_name(f"{sound.name}.{os.getpid()}")
                temporary.write_text(_files_stamp(self.path))
                temporary.replace(sound)

    @guarded
    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @guarded
    def set(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- notices ---------------------------------------------------------------------------------
    @guarded
    def stats(self) -> dict[str, tuple[str, int | None, int | None]]:
        """Each cached notice's id → (path, size, mtime_ns) of its original when it was read."""
        return {i: (p, s, m) for i, p, s, m in self.db.execute("SELECT id, path, size, mtime_ns FROM docs")}

    @guarded
    def stamps(self, ids: Iterable[str]) -> dict[str, int | None]:
        """The modification time each original had when it was cached."""
        rows = self.db.execute(
            "SELECT id, mtime_ns FROM docs WHERE id IN (SELECT value FROM json_each(?))", (_json(ids),)
        )
        return dict(rows)

    @guarded
    def touch(self, stamps: dict[str, int]) -> None:
        """Record originals' new modification times (their bytes were hashed again and are unchanged)."""
        self.db.executemany("UPDATE docs SET mtime_ns = ? WHERE id = ?", [(m, i) for i, m in stamps.items()])

    @guarded
    def add(self, docs: Sequence[Document], stats: dict[str, tuple[int, int]]) -> None:
        """Index ``docs`` (``stats``: each one's original size and mtime_ns); call inside a transaction.

        Three statements for the whole batch, band and passage rows sorted by key: appending to
        an index in key order, not at random, is what makes a rebuild of many notices fast.
        """
        if not docs:
            return
        first = (self.db.execute("SELECT max(n) FROM docs").fetchone()[0] or 0) + 1
        rows = []
        for n, d in enumerate(docs, first):
            size, mtime = stats.get(d.id, (None, None))
            signature = d.fingerprint.signature.astype(np.uint32)
            rows.append((n, d.id, d.path, d.order, key_hash(d.key), signature.tobytes(), to_record(d.normalized),
                         size, mtime))  # fmt: skip
        self.db.executemany("INSERT INTO docs(n, id, path, seq, key_hash, signature, record, size, mtime_ns) "
                            "VALUES (?,?,?,?,?,?,?,?,?)", rows)  # fmt: skip
        numbers = np.arange(first, first + len(docs), dtype=np.int64)
        signed = np.array([not d.fingerprint.empty for d in docs])
        if signed.any():
            matrix = np.stack([d.fingerprint.signature for d, keep in zip(docs, signed, strict=True) if keep])
            keys = band_keys(matrix, self.b, self.r)
            self._insert("bands", "key", keys.ravel(), np.repeat(numbers[signed], keys.shape[1]))
        passages = [d.fingerprint.passages.view(np.int64) for d in docs]
        counts = np.array([len(p) for p in passages], dtype=np.int64)
        if counts.sum():
            self._insert("passages", "fp", np.concatenate(passages), np.repeat(numbers, counts))

    def _insert(self, table: str, column: str, keys: np.ndarray, numbers: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self.db.executemany(f"INSERT INTO {table}({column}, n) VALUES (?, ?)",
                            zip(keys[order].tolist(), numbers[order].tolist(), strict=True))  # fmt: skip

    @guarded
    def remove(self, ids: Iterable[str]) -> None:
        wanted = _json(ids)
        for table in ("bands", "passages"):
            self.db.execute(
                f"DELETE FROM {table} WHERE n IN (SELECT n FROM docs WHERE id IN (SELECT value FROM json_each(?)))",
                (wanted,),
            )
        self.db.execute("DELETE FROM pairs WHERE a IN (SELECT value FROM json_each(?1)) OR b IN "
                        "(SELECT value FROM json_each(?1))", (wanted,))  # fmt: skip
        self.db.execute("DELETE FROM docs WHERE id IN (SELECT value FROM json_each(?))", (wanted,))

    @guarded
    def fetch(self, ids: Iterable[str]) -> dict[str, Document]:
        out: dict[str, Document] = {}
        rows = self.db.execute(
            "SELECT id, path, seq, signature, record FROM docs WHERE id IN (SELECT value FROM json_each(?))",
            (_json(ids),),
        )
        for doc_id, path, seq, signature, record in rows:
            if not isinstance(signature, bytes) or len(signature) != 4 * self.config.num_perm:
                raise CacheDamaged(self.path, f"the signature of {doc_id} is not {self.config.num_perm} numbers")
            doc = Document(doc_id, path, from_record(record), seq, self.config)
            doc.fingerprint.__dict__["signature"] = np.frombuffer(signature, dtype=np.uint32).copy()
            out[doc_id] = doc
        return out

    @guarded
    def keys(self, ids: Sequence[str]) -> list[str]:
        """The comparison keys of ``ids``, in the order given (those cached)."""
        found = {d.id: d.key for d in self.fetch(ids).values()}
        return [found[i] for i in ids if i in found]

    # -- candidates (dedupe.candidates.CandidateIndex) -------------------------------------------
    @guarded
    def query(self, docs: Sequence[Document]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {d.id: set() for d in docs}
        signed = [d for d in docs if not d.fingerprint.empty]
        if signed:
            self._band_candidates(signed, out)
            self._passage_candidates(signed, out)
        hashes = {key_hash(d.key): d.id for d in signed}
        for doc_id, h in self.db.execute(
            "SELECT id, key_hash FROM docs WHERE key_hash IN (SELECT value FROM json_each(?))", (_json(hashes),)
        ):
            out[hashes[h]].add(doc_id)
        for doc_id, found in out.items():
            found.discard(doc_id)
        return out

    def _band_candidates(self, docs: Sequence[Document], out: dict[str, set[str]]) -> None:
        keys = band_keys(np.stack([d.fingerprint.signature for d in docs]), self.b, self.r)
        owner: dict[int, list[int]] = {}
        for i, row in enumerate(keys.tolist()):
            for k in row:
                owner.setdefault(k, []).append(i)
        hits: dict[int, set[int]] = {}
        for k, n in self.db.execute("SELECT key, n FROM bands WHERE key IN (SELECT value FROM json_each(?))",
                                    (_json(owner),)):  # fmt: skip
            for i in owner[k]:
                hits.setdefault(n, set()).add(i)
        if not hits:
            return
        rows = self.db.execute(
            "SELECT n, id, signature FROM docs WHERE n IN (SELECT value FROM json_each(?))", (_json(hits),)
        )
        for n, doc_id, signature in rows:
            values = np.frombuffer(signature, dtype=np.uint32)[None, :]
            for i in hits[n]:
                if confirm(docs[i].fingerprint.signature, values, self.b, self.r)[0]:
                    out[docs[i].id].add(doc_id)

    def _passage_candidates(self, docs: Sequence[Document], out: dict[str, set[str]]) -> None:
        wanted = {int(p) for d in docs for p in d.fingerprint.passages.view(np.int64)}
        if not wanted:
            return
        postings: dict[int, list[int]] = {}
        for fp, n in self.db.execute("SELECT fp, n FROM passages WHERE fp IN (SELECT value FROM json_each(?))",
                                     (_json(wanted),)):  # fmt: skip
            postings.setdefault(fp, []).append(n)
        postings = {fp: ns for fp, ns in postings.items() if len(ns) <= self.config.passage_max_postings}
        names: dict[int, str] = {}
        for d in docs:
            shared: dict[int, int] = {}
            for fp in d.fingerprint.passages.view(np.int64).tolist():
                for n in postings.get(fp, ()):
                    shared[n] = shared.get(n, 0) + 1
            found = [n for n, count in shared.items() if count >= self.config.passage_min_shared]
            missing = [n for n in found if n not in names]
            if missing:
                names.update(self.db.execute("SELECT n, id FROM docs WHERE n IN (SELECT value FROM json_each(?))",
                                             (_json(missing),)))  # fmt: skip
            out[d.id].update(names[n] for n in found)

    # -- pairs -----------------------------------------------------------------------------------
    @guarded
    def add_pairs(self, rows: Iterable[dict[str, Any]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO pairs(a, b, relation, jaccard, containment, reason, veto) VALUES (?,?,?,?,?,?,?)",
            [tuple(r.get(k) for k in PAIR_FIELDS) for r in rows],
        )

    @guarded
    def replace_pair(self, row: dict[str, Any]) -> None:
        """A person's verdict on a pair, in place of any earlier one (either way round)."""
        self.db.execute("DELETE FROM pairs WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)",
                        (row["a"], row["b"], row["b"], row["a"]))  # fmt: skip
        self.add_pairs([row])

    @guarded
    def forget_decisions(self) -> None:
        """Drop the pairs and the canonicals chosen by hand (before they are read again from the log)."""
        self.db.execute("DELETE FROM pairs")
        self.db.execute("DELETE FROM pins")

    @guarded
    def pin(self, doc_id: str, seq: int, reason: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO pins(id, seq, reason) VALUES (?, ?, ?)", (doc_id, seq, reason))

    @guarded
    def pinned(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        rows = self.db.execute("SELECT id, seq, reason FROM pins WHERE id IN (SELECT value FROM json_each(?))",
                               (_json(ids),))  # fmt: skip
        return {i: (seq, reason) for i, seq, reason in rows}

    @guarded
    def links(self, ids: Iterable[str]) -> list[Link]:
        """Recorded merging or vetoed pairs between the given notices."""
        rows = self.db.execute(
            "SELECT a, b, relation, jaccard, veto FROM pairs WHERE a IN (SELECT value FROM json_each(?1)) "
            "AND b IN (SELECT value FROM json_each(?1)) AND (veto IS NOT NULL OR relation IN ('confirmed', 'exact', "
            "'near', 'contained')) ORDER BY a, b",
            (_json(ids),),
        )
        return [Link(a, b, relation, jaccard, veto) for a, b, relation, jaccard, veto in rows]

    @guarded
    def pairs(self) -> list[dict[str, Any]]:
        rows = self.db.execute(f"SELECT {', '.join(PAIR_FIELDS)} FROM pairs ORDER BY a, b")
        return [dict(zip(PAIR_FIELDS, r, strict=True)) for r in rows]
