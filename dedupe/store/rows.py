"""The manifest's rows as ``check`` asks them, in a small SQLite file looked up by index: which
notice has these bytes, the clusters and members of a few ids, the withdrawn notices, the titles
holding an act's name. A check of one file then reads a few rows, not a table of every notice, and
imports no polars.

The file is derived from the manifest as read and checked (``dedupe.store.manifest``) and named by
the manifest's sha256 (``.cache/manifest.csv.<sha256>.rows5``): the same bytes, in any checkout
(CI restores ``.cache/``), are the same rows, and an ingest writes the file of the manifest it
lands. Without it (a manifest changed by hand, a corpus that cannot be written) the rows are made
from the manifest as read, and kept when the manifest is settled (``dedupe.store.memo``).

A command that holds the whole manifest frame asks it the engine's questions (``ManifestRows``)
through ``FrameRows``, which answers them as ``Rows`` does: one contract, two ways to look up.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from dedupe.store import memo

if TYPE_CHECKING:
    import polars as pl

# the manifest's columns that comparing notices reads (check, ingest's plan); titles, issuers and flags are read to be written
REQUIRED = ("id", "path", "sha256", "bytes", "cluster", "is_canonical", "seq")
INDEX = (*REQUIRED, "source", "status", "relation", "similarity", "via", "given_encoding")
COLUMNS = (*INDEX, "title")  # what check's findings read too
KEPT = tuple(c for c in COLUMNS if c not in ("source", "given_encoding"))  # read again only to cache notices anew
KIND = "rows5"  # the file's kind: a new layout is a new kind, and the old files are left for their own version
_TABLES = (
    f"CREATE TABLE rows({', '.join(KEPT)})",
    "CREATE TABLE whole(paths TEXT NOT NULL, next_seq INTEGER NOT NULL, titles BLOB NOT NULL)",
)
_INDEXES = (
    "CREATE INDEX rows_id ON rows(id)",
    "CREATE INDEX rows_cluster ON rows(cluster)",
    "CREATE INDEX rows_status ON rows(status) WHERE status != 'active'",
)


def _ids(values: Iterable[str]) -> str:
    return json.dumps(list(values))


def _kept(columns: Sequence[str]) -> None:
    """Refuse a column the rows do not keep: both kinds of rows answer for ``KEPT`` alone."""
    unknown = [c for c in columns if c not in KEPT]
    if unknown:
        raise ValueError(f"the manifest's rows keep no column {', '.join(unknown)} (they keep {', '.join(KEPT)})")


class ManifestRows(Protocol):
    """What the engine asks of the manifest's rows (``dedupe.store.view.View``): answered from the
    index looked up by SQLite (:class:`Rows`, what ``check`` reads, without polars) or from the
    manifest frame a command holds (:class:`FrameRows`), alike. Withdrawn notices are left out
    unless a method says otherwise; "the manifest's order" is its rows' order (by path)."""

    def by_sha(self, shas: Iterable[str]) -> dict[str, str]:
        """The path of each of ``shas`` the manifest holds, withdrawn or not."""
        ...

    def next_seq(self) -> int:
        """The ingestion order of the next notice: one after the largest recorded, withdrawn or not."""
        ...

    def first_active(self, count: int) -> list[str]:
        """The ``count`` smallest ids of active notices, smallest first."""
        ...

    def active(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are active notices."""
        ...

    def where(self, ids: Iterable[str], columns: Sequence[str], active: bool = True) -> list[tuple[Any, ...]]:
        """``columns`` (of ``KEPT``) of the rows of ``ids``, in the manifest's order; of active ones only
        unless told. ``is_canonical`` is a bool."""
        ...

    def members(self, clusters: Iterable[str]) -> list[tuple[str, str]]:
        """(id, cluster) of the active members of ``clusters``, in the manifest's order."""
        ...


class Rows:
    """The manifest's ``KEPT`` columns, one row per notice in the manifest's order (by path), looked up
    in SQLite: the engine's questions (``ManifestRows``) and those of ``check``'s findings (paths,
    withdrawn, titled). ``path``: the file they are read from (None: made in memory)."""

    def __init__(self, db: sqlite3.Connection, path: Path | None = None) -> None:
        self.db, self.path = db, path

    def close(self) -> None:
        self.db.close()

    def _select(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """The rows of a query; a file that turns out damaged is ``CacheDamaged`` (the command
        line removes it and runs the command again, which makes it anew)."""
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            if self.path is None:
                raise
            from dedupe.store.damage import CacheDamaged

            raise CacheDamaged(self.path, str(exc)) from None

    def paths(self) -> list[str]:
        """Every path, in the manifest's order (kept as one text: a walk of every row reads the whole table)."""
        text = self._select("SELECT paths FROM whole")[0][0]
        return text.split("\0") if text else []

    def next_seq(self) -> int:
        """The ingestion order of the next notice: one after the largest recorded."""
        return self._select("SELECT next_seq FROM whole")[0][0]

    def by_sha(self, shas: Iterable[str]) -> dict[str, str]:
        """The path of each of ``shas`` the manifest holds (an id is its sha256's first 16 digits)."""
        wanted = set(shas)
        rows = self._select("SELECT sha256, path FROM rows WHERE id IN (SELECT value FROM json_each(?))",
                            _ids({s[:16] for s in wanted}))  # fmt: skip
        return {sha: path for sha, path in rows if sha in wanted}

    def first_active(self, count: int) -> list[str]:
        """The ``count`` smallest ids of active notices."""
        return [i for (i,) in self._select("SELECT id FROM rows WHERE status = 'active' ORDER BY id LIMIT ?", count)]

    def active(self, ids: Iterable[str]) -> set[str]:
        rows = self._select("SELECT id FROM rows WHERE status = 'active' AND id IN (SELECT value FROM json_each(?))",
                            _ids(ids))  # fmt: skip
        return {i for (i,) in rows}

    def where(self, ids: Iterable[str], columns: Sequence[str], active: bool = True) -> list[tuple[Any, ...]]:
        """``columns`` of the rows of ``ids``, in the manifest's order; of active ones only unless told."""
        _kept(columns)
        status = "status = 'active' AND " if active else ""
        rows = self._select(f"SELECT {', '.join(columns)} FROM rows WHERE {status}id IN (SELECT value FROM "
                            "json_each(?)) ORDER BY rowid", _ids(ids))  # fmt: skip
        if "is_canonical" not in columns:
            return rows
        at = list(columns).index("is_canonical")  # SQLite holds a bool as 0 or 1
        return [(*r[:at], bool(r[at]), *r[at + 1 :]) for r in rows]

    def members(self, clusters: Iterable[str]) -> list[tuple[str, str]]:
        """(id, cluster) of the active members of ``clusters``, in the manifest's order."""
        return self._select("SELECT id, cluster FROM rows WHERE status = 'active' AND cluster IN "
                            "(SELECT value FROM json_each(?)) ORDER BY rowid", _ids(clusters))  # fmt: skip

    def withdrawn(self) -> list[dict[str, Any]]:
        """The withdrawn notices' rows (``KEPT``), in the manifest's order."""
        # status != 'active' is what lets SQLite use the partial index of the rows not active
        return self._dicts("SELECT * FROM rows WHERE status != 'active' AND status = 'withdrawn' ORDER BY rowid")

    def titled(self, names: Iterable[str]) -> list[dict[str, Any]]:
        """The rows of active notices in a cluster where a title holds one of ``names``, by ingestion order."""
        names = list(names)
        if not names:
            return []
        if not all(names):  # an empty name is held by every title (and by a notice without one)
            return self._dicts("SELECT * FROM rows WHERE status = 'active' ORDER BY seq, rowid")
        # searched in one text of every active notice's cluster and title, not row by row
        clusters = _holding(self._select("SELECT titles FROM whole")[0][0], names)
        return self._dicts("SELECT * FROM rows WHERE status = 'active' AND cluster IN (SELECT value FROM "
                           "json_each(?)) ORDER BY seq, rowid", _ids(clusters))  # fmt: skip

    def _dicts(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        out = []
        for row in self._select(sql, *args):
            found = dict(zip(KEPT, row, strict=True))
            found["is_canonical"] = bool(found["is_canonical"])
            out.append(found)
        return out


class FrameRows:
    """:class:`Rows`' answers (``ManifestRows``) from a manifest frame a command holds already: read
    whole, or changed in memory (a withdrawal's, before it lands)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self._active: pl.DataFrame | None = None

    @property
    def live(self) -> pl.DataFrame:
        """The active notices' rows."""
        if self._active is None:
            import polars as pl

            self._active = self.frame.filter(pl.col("status") == "active")
        return self._active

    def by_sha(self, shas: Iterable[str]) -> dict[str, str]:
        import polars as pl

        return dict(self.frame.filter(pl.col("sha256").is_in(list(shas))).select("sha256", "path").rows())

    def next_seq(self) -> int:
        return int(self.frame["seq"].max() or 0) + 1

    def first_active(self, count: int) -> list[str]:
        return self.live["id"].bottom_k(count).sort().to_list()

    def active(self, ids: Iterable[str]) -> set[str]:
        import polars as pl

        return set(self.live.filter(pl.col("id").is_in(list(ids)))["id"].to_list())

    def where(self, ids: Iterable[str], columns: Sequence[str], active: bool = True) -> list[tuple[Any, ...]]:
        import polars as pl

        _kept(columns)
        frame = self.live if active else self.frame
        return frame.filter(pl.col("id").is_in(list(ids))).select(columns).rows()

    def members(self, clusters: Iterable[str]) -> list[tuple[str, str]]:
        import polars as pl

        return self.live.filter(pl.col("cluster").is_in(list(clusters))).select("id", "cluster").rows()


def of(root: Path, read: Callable[[tuple[str, ...]], pl.DataFrame]) -> Rows:
    """The rows of the corpus's manifest: those kept for its bytes, else made from it as ``read``
    (the manifest read and checked, for the columns given)."""
    sha = memo.digest(root / "manifest.csv") or ""
    return recall(root, sha) or make(root, sha, read(COLUMNS))


def _holding(text: bytes, names: list[str]) -> set[str]:
    """The clusters of the lines of ``text`` (``cluster TAB title`` in UTF-8, NUL between lines)
    whose title holds one of ``names``. Searched as bytes, not decoded: a name's UTF-8 is found in
    UTF-8 text only where its characters are."""
    found = set()
    for name in (n.encode("utf-8") for n in names):
        at = text.find(name)
        while at != -1:
            start = text.rfind(b"\0", 0, at) + 1
            end = text.find(b"\0", at)
            end = len(text) if end == -1 else end
            cluster, tab, _ = text[start:end].partition(b"\t")
            if at >= start + len(cluster) + len(tab) and at + len(name) <= end:
                found.add(cluster.decode("ascii"))
            at = text.find(name, at + 1)
    return found


def recall(root: Path, sha: str) -> Rows | None:
    """The rows kept for the manifest of ``sha``, when there are."""
    if not sha:
        return None
    path = _file(root, sha)
    try:
        if path.stat().st_mtime_ns != _time(sha):  # written since it was made, or missing
            return None
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        db.execute("SELECT count(*) FROM rows").fetchone()
    except (OSError, sqlite3.Error):
        return None
    return Rows(db, path)


def _time(sha: str) -> int:
    """The modification time a rows file is given when made, from its manifest's sha256: anything
    written into it since moves it, and the file is made anew. An even second of 1980-1997, which an
    archive of the folder keeps and a FAT disk can hold."""
    return (315_532_800 + 2 * int(sha[:7], 16)) * 1_000_000_000


def make(root: Path, sha: str, frame: pl.DataFrame, settled: bool | None = None) -> Rows:
    """The rows of ``frame`` (the manifest of ``sha`` as read and checked, with ``COLUMNS``), kept in
    ``.cache/`` when the folder can be written and the manifest is settled (``settled``: whether it
    is, when the caller knows its bytes are those of ``sha``), else in memory."""
    if settled is None:
        settled = memo.stamp(root / "manifest.csv") is not None
    if sha and frame.height and settled and (root / memo.FOLDER).is_dir():
        _write(root, sha, frame)
        found = recall(root, sha)
        if found is not None:
            return found
    return Rows(_fill(sqlite3.connect(":memory:"), frame))


def _write(root: Path, sha: str, frame: pl.DataFrame) -> None:
    target = _file(root, sha)
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        tmp.unlink(missing_ok=True)
        _fill(sqlite3.connect(tmp), frame).close()
        os.utime(tmp, ns=(_time(sha), _time(sha)))
        tmp.replace(target)
        for old in target.parent.glob(f"manifest.csv.*.{KIND}"):
            if old != target:
                old.unlink(missing_ok=True)
    except (OSError, sqlite3.Error):  # a memo is an optimisation: a full disk or read-only folder only loses it
        with contextlib.suppress(OSError):
            tmp.unlink()


def _file(root: Path, sha: str) -> Path:
    return root / memo.FOLDER / f"manifest.csv.{sha}.{KIND}"


def _fill(db: sqlite3.Connection, frame: pl.DataFrame) -> sqlite3.Connection:
    import polars as pl

    db.execute("PRAGMA page_size=65536")  # the blobs of every path and title read in few pages
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    with db:
        for sql in _TABLES:
            db.execute(sql)
        db.executemany(f"INSERT INTO rows VALUES ({', '.join('?' * len(KEPT))})", frame.select(KEPT).rows())
        seq = int(frame["seq"].max() or 0) + 1  # no path holds a NUL, nor a title once it is replaced
        active = frame.filter((pl.col("status") == "active") & pl.col("title").is_not_null())
        line = pl.concat_str(
            pl.col("cluster"), pl.lit("\t"), pl.col("title").str.replace_all("\0", "\ufffd", literal=True)
        )
        titles = "\0".join(active.select(line.alias("line"))["line"].to_list()).encode()
        db.execute("INSERT INTO whole VALUES (?, ?, ?)", ("\0".join(frame["path"].to_list()), seq, titles))
        for sql in _INDEXES:
            db.execute(sql)
    return db
