"""The corpus cache (``corpus/.cache``): derived data, rebuilt from the originals when missing.

- ``parts/<tag>/*.parquet``: one file per ingest, a row per notice: id, seq, path, a hash of its
  key and its passage fingerprints. Beside it: ``*.texts``, each notice's path and normalized
  form (JSON, zlib-compressed, one record after another), and ``*.texts.npy``, where each record
  starts, so that a query reads only the notices it names; ``*.rows.npy``, the ids (16 hex
  digits, as uint64), seqs and key hashes; ``*.npy``, the MinHash signatures as one uint32
  matrix; ``*.bands.npy``, their LSH band hashes; ``*.fps.npy`` / ``*.fpo.npy``, the passage
  fingerprints sorted with the row of each (while the corpus is small enough to use them). The
  ``.npy`` files are read with a memory map. Appending a part costs what the new notices cost;
  loading a corpus maps these files and reads no Parquet (a part whose ``*.rows.npy`` is missing
  gets it again from its Parquet). Past MAX_PARTS parts, the small ones are merged into one (the
  largest is left alone).
- ``pairs.parquet``: every verified pair (relation, similarity, reason, veto), and ``pairs/``, the
  pairs of each later ingest (up to MAX_PARTS files, then written into ``pairs.parquet``).
- ``manifest/``: the manifest in Parquet (a base and the rows each later ingest changed), named
  by the size, time and inode of the ``manifest.csv`` they match: reading them costs a fraction
  of parsing the CSV, and any other change of the CSV (an edit, a checkout) makes them stale.

The tag names the cache format and the configuration the parts were made with; parts under
another tag are stale and ignored. Rows of notices the manifest does not list (an ingest killed
before its manifest was written) are ignored too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import shutil
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import polars as pl

from dedupe.bands import band_hashes, band_params
from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.passages import sorted_run
from dedupe.splice import SPLICE_ROWS, upsert_sorted
from normalize import Change, Meta, NormalizeConfig, Normalized

CACHE_VERSION = "7"
MAX_PARTS = 8  # small parts before they are merged
SMALL_PART = 2_000  # rows: parts of single ingests, cheap to merge
PART_ROWS = 5_000  # rows a part holds at most: bounds the memory of writing one (never merged)
MAX_DELTAS = 16  # changed-row files of the manifest copy before a new base is written
PART_SCHEMA = {
    "id": pl.String,
    "seq": pl.Int64,
    "path": pl.String,
    "keyhash": pl.UInt64,
    "passages": pl.Binary,
    "tag": pl.String,
}
PAIR_SCHEMA = {
    "a": pl.String,
    "b": pl.String,
    "relation": pl.String,
    "jaccard": pl.Float64,
    "containment": pl.Float64,
    "reason": pl.String,
    "veto": pl.String,
    "tag": pl.String,
}


def key_hash(key: str) -> int:
    """A stable 64-bit hash of a comparison key (Python's ``hash`` changes between processes)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


def cache_tag(config: DedupeConfig, normalize_config: NormalizeConfig) -> str:
    return f"{CACHE_VERSION}-{config.signature_fingerprint()}-{hashlib.sha1(repr(normalize_config).encode()).hexdigest()[:8]}"


def id_numbers(ids: pl.Series) -> pl.Series:
    """Notice ids (16 hex digits) as uint64; null where an id is not of that form."""
    numbers = ids.str.to_integer(base=16, dtype=pl.UInt64, strict=False)
    return numbers.set(ids.str.len_bytes() != 16, None)  # type: ignore[arg-type]


def id_texts(numbers: np.ndarray) -> pl.Series:
    """The ids (16 lowercase hex digits) of uint64 id numbers."""
    digits = np.ascontiguousarray(numbers, dtype=">u8").tobytes().hex()
    return pl.Series([digits[k : k + 16] for k in range(0, len(digits), 16)], dtype=pl.String)


class HexIds(Sequence[str]):
    """A part's ids held as numbers, each turned into its text only when read (a query names a
    few of a corpus's ids)."""

    def __init__(self, numbers: np.ndarray) -> None:
        self.numbers = numbers

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, row: int) -> str:  # type: ignore[override]
        return f"{int(self.numbers[row]):016x}"


@dataclasses.dataclass
class Block:
    """One cache part's notices: ids (as numbers, see :func:`id_numbers`), seqs, key hashes,
    whether each row counts (``live``), and the signature and band-hash matrices, memory-mapped."""

    numbers: np.ndarray
    seq: np.ndarray
    keyhash: np.ndarray
    live: np.ndarray
    signatures: np.ndarray
    bands: np.ndarray
    part: str  # the part's Parquet file

    @functools.cached_property
    def ids(self) -> pl.Series:
        """The ids as text (reports, small corpora): an ingest reads only those it names."""
        return id_texts(self.numbers)

    @property
    def keys(self) -> HexIds:
        return HexIds(self.numbers)


class Cache:
    def __init__(self, folder: Path, tag: str, config: DedupeConfig = DedupeConfig()) -> None:
        self.folder = folder
        self.tag = tag
        self.config = config

    @property
    def parts(self) -> Path:
        """Parts of this format and configuration; parts of others (stale) sit in other folders."""
        return self.folder / "parts" / self.tag

    def _part_files(self) -> list[str]:
        return sorted(str(p) for p in self.parts.glob("*.parquet")) if self.parts.is_dir() else []

    def blocks(self, listed: pl.Series) -> list[Block]:
        """Every part's signatures (memory-mapped), with which rows count: notices the manifest
        lists (``listed``: their id numbers), in the latest part that holds them."""
        files = self._part_files()
        if not files:
            return []
        stems = [Path(f).with_suffix("") for f in files]
        signatures = [np.load(f"{stem}.npy", mmap_mode="r") for stem in stems]  # written before the Parquet
        # a part whose rows and matrix disagree, or without its texts, is left out (rebuilt)
        tables = {
            k: np.array(t)  # three small columns: read into memory
            for k, t in enumerate(self._row_tables(stems))
            if t is not None
            and t.shape[0] == signatures[k].shape[0]
            and all(Path(f"{stems[k]}{suffix}").exists() for suffix in (".texts", ".texts.npy"))
        }
        if not tables:
            return []
        numbers = pl.Series(np.concatenate([t[:, 0] for t in tables.values()]))
        live = (numbers.is_in(listed.implode()) & numbers.is_last_distinct()).to_numpy()
        out, start = [], 0
        for k, table in tables.items():
            out.append(
                Block(
                    numbers=table[:, 0].copy(),
                    seq=table[:, 1].view(np.int64).copy(),
                    keyhash=table[:, 2].copy(),
                    live=live[start : start + table.shape[0]],
                    signatures=signatures[k],
                    bands=np.load(f"{stems[k]}.bands.npy", mmap_mode="r"),
                    part=f"{stems[k]}.parquet",
                )
            )
            start += table.shape[0]
        return out

    def _row_tables(self, stems: Sequence[Path]) -> list[np.ndarray | None]:
        """Each part's (id number, seq, key hash) rows, memory-mapped; a part without them gets
        them again from its Parquet; None for a part whose ids are not all 16 hex digits (not a
        part this version wrote)."""
        out: list[np.ndarray | None] = []
        missing = []
        for stem in stems:
            try:
                out.append(np.load(f"{stem}.rows.npy", mmap_mode="r"))
            except FileNotFoundError:
                out.append(None)
                missing.append(len(out) - 1)
        if missing:
            files = [f"{stems[k]}.parquet" for k in missing]
            frames = [pl.read_parquet(f, columns=["id", "seq", "keyhash"]) for f in files]
            for k, frame in zip(missing, frames, strict=True):
                table = _row_table(frame)
                if table is not None:
                    with contextlib.suppress(OSError):  # a read-only cache: use them without keeping them
                        atomic_write(Path(f"{stems[k]}.rows.npy"), lambda p, t=table: _save_npy(p, t))
                out[k] = table
        return out

    def documents(self, rows: Iterable[tuple[Block, int]], config: DedupeConfig) -> dict[str, Document]:
        """The cached notices at these rows of these blocks: each record is read on its own."""
        out = {}
        by_part: dict[str, tuple[Block, list[int]]] = {}
        for block, row in rows:
            by_part.setdefault(block.part, (block, []))[1].append(row)
        for block, wanted in by_part.values():
            for row, record in zip(wanted, self._records(block.part, wanted), strict=True):
                path, normalized = _from_record(record)
                doc_id = block.keys[row]
                out[doc_id] = Document(doc_id, path, normalized, int(block.seq[row]), config)
        return out

    def _records(self, part: str, rows: Sequence[int]) -> list[bytes]:
        """The text records at these rows of a part."""
        stem = Path(part).with_suffix("")
        starts = np.load(f"{stem}.texts.npy", mmap_mode="r")
        with open(f"{stem}.texts", "rb") as handle:
            fd = handle.fileno()
            return [os.pread(fd, int(starts[r + 1] - starts[r]), int(starts[r])) for r in rows]

    def append(self, docs: Sequence[Document], passages: bool = True) -> None:
        """Write the notices as new parts of at most PART_ROWS notices each (through temporary
        files): a large batch's normalized texts are encoded a slice at a time. ``passages``:
        with their sorted passage fingerprints (see :meth:`passage_runs`)."""
        for start in range(0, len(docs), PART_ROWS):
            self._append_part(docs[start : start + PART_ROWS], passages)

    def _append_part(self, docs: Sequence[Document], passages: bool) -> None:
        self.parts.mkdir(parents=True, exist_ok=True)
        frame = pl.DataFrame(
            {
                "id": [d.id for d in docs],
                "seq": [d.order for d in docs],
                "path": [d.path for d in docs],
                "keyhash": [key_hash(d.key) for d in docs],
                "passages": [d.fingerprint.passages.astype(np.uint64).tobytes() for d in docs],
                "tag": [self.tag] * len(docs),
            },
            schema=PART_SCHEMA,
        )
        matrix = np.stack([d.fingerprint.signature for d in docs]).astype(np.uint32)
        name = f"{min(d.order for d in docs):012d}-{os.getpid()}-{time.time_ns()}"
        self._write_part(name, frame, matrix, [_to_record(d) for d in docs], passages)

    def _write_part(
        self,
        name: str,
        frame: pl.DataFrame,
        matrix: np.ndarray,
        records: Sequence[bytes],
        passages: bool = True,
        folder: Path | None = None,
    ) -> None:
        folder = self.parts if folder is None else folder
        b, r = band_params(self.config.candidate_threshold, self.config.num_perm)
        bands = band_hashes(matrix, b, r)
        table = _row_table(frame)
        if table is None:
            raise ValueError("a cache part's ids must be 16 hex digits each (the notices' sha256 prefixes)")
        starts = np.cumsum([0, *map(len, records)], dtype=np.uint64)
        atomic_write(folder / f"{name}.texts", lambda p: Path(p).write_bytes(b"".join(records)))
        atomic_write(folder / f"{name}.texts.npy", lambda p: _save_npy(p, starts))
        atomic_write(folder / f"{name}.rows.npy", lambda p: _save_npy(p, table))
        atomic_write(folder / f"{name}.npy", lambda p: _save_npy(p, matrix))
        atomic_write(folder / f"{name}.bands.npy", lambda p: _save_npy(p, bands))
        if passages:
            self._write_passage_run(folder / name, frame["passages"])
        atomic_write(folder / f"{name}.parquet", frame.write_parquet)  # the part exists once this is there

    def migrate(self) -> bool:
        """Bring a cache of the previous format (6: the normalized notices in the parts' Parquet)
        to this one, without normalizing or verifying anything again: a rebuild from the originals
        took 578 s for 93,796 notices, and would find its related pairs anew rather than keep
        those recorded. The parts are converted in a folder of their own, which then becomes this
        format's in one rename; the verified pairs are kept. Returns whether it did."""
        previous = self.folder / "parts" / f"6-{self.tag.split('-', 1)[1]}"
        if self.parts.exists() or not previous.is_dir():
            return False
        staging = self.folder / "parts" / f".{self.tag}.{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir(parents=True)
            for part in sorted(previous.glob("*.parquet")):
                frame = pl.read_parquet(part)
                paths, texts = frame["path"].to_list(), frame["normalized"].to_list()
                records = [_record(p, n) for p, n in zip(paths, texts, strict=True)]
                frame = frame.drop("normalized").with_columns(tag=pl.lit(self.tag)).select(*PART_SCHEMA)
                stem = part.with_suffix("")
                passages = Path(f"{stem}.fps.npy").exists()
                self._write_part(part.stem, frame, np.load(f"{stem}.npy"), records, passages, staging)
            os.rename(staging, self.parts)  # fails if another process converted it meanwhile
        except (OSError, ValueError, pl.exceptions.PolarsError):  # read-only, damaged: rebuilt from the originals
            shutil.rmtree(staging, ignore_errors=True)
            return False
        for pairs in [self.folder / "pairs.parquet", *self.pair_parts.glob("*.parquet")]:
            with contextlib.suppress(OSError, pl.exceptions.PolarsError):  # else they are verified again
                kept = pl.read_parquet(pairs).with_columns(tag=pl.lit(self.tag))
                atomic_write(pairs, kept.write_parquet)
        shutil.rmtree(previous, ignore_errors=True)
        return True

    def _write_passage_run(self, stem: Path, passages: pl.Series) -> tuple[np.ndarray, np.ndarray]:
        fps, owners = sorted_run([np.frombuffer(b, dtype=np.uint64) for b in passages.to_list()])
        atomic_write(Path(f"{stem}.fpo.npy"), lambda p: _save_npy(p, owners))
        atomic_write(Path(f"{stem}.fps.npy"), lambda p: _save_npy(p, fps))  # the run exists once this is there
        return fps, owners

    def passage_runs(self, blocks: Sequence[Block]) -> list[tuple[pl.Series, np.ndarray, np.ndarray]]:
        """Each part's passage fingerprints, sorted, with the rows they belong to (rows that do not
        count left out), memory-mapped. A part is written with them while its corpus is small
        enough to be searched whole for related notices (see PASSAGE_SEARCH_LIMIT); a part
        without them (from a larger corpus, or an older version) gets them when first asked."""
        out = []
        for block in blocks:
            stem = Path(block.part).with_suffix("")
            try:
                fps = np.load(f"{stem}.fps.npy", mmap_mode="r")
                owners = np.load(f"{stem}.fpo.npy", mmap_mode="r")
            except FileNotFoundError:
                column = pl.read_parquet(block.part, columns=["passages"])["passages"]
                try:
                    fps, owners = self._write_passage_run(stem, column)
                except OSError:  # a read-only cache: use them without keeping them
                    fps, owners = sorted_run([np.frombuffer(b, dtype=np.uint64) for b in column.to_list()])
            fps, owners = np.asarray(fps), np.asarray(owners)  # plain views: slicing a memmap costs more
            if not block.live.all():
                keep = block.live[owners]
                fps, owners = fps[keep], owners[keep]
            out.append((block.ids, fps, owners))
        return out

    def compact(self, keep: pl.Series) -> None:
        """Merge the small parts (single ingests) once there are more than MAX_PARTS of them,
        keeping the rows of ``keep`` (the manifest's ids); parts of bulk ingests stay as they are."""
        # a part's row count is its signature matrix's first dimension (read from the .npy header)
        small = [
            f for f in self._part_files() if np.load(Path(f).with_suffix(".npy"), mmap_mode="r").shape[0] <= SMALL_PART
        ]
        if len(small) > MAX_PARTS:
            self.merge(small, keep)

    def merge(self, files: Sequence[str], keep: pl.Series | None = None) -> None:
        """Replace the parts ``files`` by one holding their rows (of ``keep`` only, when given), each
        notice in its latest version. The merged part is complete before the old ones go, and a
        notice found in both meanwhile reads the same."""
        frames = [
            pl.scan_parquet(f).with_columns(
                pl.lit(i, dtype=pl.Int32).alias("_part"), pl.int_range(pl.len()).alias("_row")
            )
            for i, f in enumerate(files)
        ]
        frame = pl.concat(frames)
        if keep is not None:
            frame = frame.filter(pl.col("id").is_in(keep.implode()))
        frame = frame.filter(pl.col("id").is_last_distinct()).sort("seq").collect()
        if frame.height:
            stems = [Path(f).with_suffix("") for f in files]
            matrix = np.empty((frame.height, self.config.num_perm), dtype=np.uint32)
            records: list[bytes] = [b""] * frame.height
            for (part,), group in frame.with_row_index("_at").group_by("_part"):
                at, rows = group["_at"].to_list(), group["_row"].to_list()
                matrix[at] = np.load(f"{stems[int(part)]}.npy", mmap_mode="r")[rows]
                for k, record in zip(at, self._records(files[int(part)], rows), strict=True):
                    records[k] = record  # copied as they are: not decompressed
            name = f"{int(frame['seq'].min()):012d}-{os.getpid()}-{time.time_ns()}"
            self._write_part(name, frame.drop("_part", "_row"), matrix, records)
        for f in files:
            stem = Path(f).with_suffix("")
            for path in (  # the parquet first
                Path(f),
                *(
                    Path(f"{stem}{suffix}")
                    for suffix in (".npy", ".bands.npy", ".rows.npy", ".texts", ".texts.npy", ".fps.npy", ".fpo.npy")
                ),
            ):
                path.unlink(missing_ok=True)

    # -- the manifest's Parquet copy ---------------------------------------------------------------
    @property
    def manifest_folder(self) -> Path:
        return self.folder / "manifest"

    def read_manifest(self, csv: Path, columns: Sequence[str] | None = None) -> tuple[pl.DataFrame | None, str]:
        """The manifest (only ``columns``, when given) from its Parquet copy when that matches
        ``csv`` (else None), and the CSV's stamp."""
        stamp = manifest_stamp(csv)
        return self.manifest_copy(stamp, columns), stamp

    def manifest_copy(self, stamp: str, columns: Sequence[str] | None = None) -> pl.DataFrame | None:
        """The copy of the manifest stamped ``stamp`` (only ``columns``, when given), if there is
        one: a base plus the rows each later ingest changed, chained by stamps."""
        folder = self.manifest_folder
        bases = sorted(folder.glob("base-*.parquet")) if folder.is_dir() else []
        if len(bases) != 1:
            return None
        deltas = {}
        for path in folder.glob("delta-*.parquet"):
            before, _, after = path.stem.removeprefix("delta-").partition("~")
            deltas[before] = (path, after)
        chain, at = [], bases[0].stem.removeprefix("base-")
        while at != stamp:
            if at not in deltas or len(chain) > len(deltas):
                return None
            path, at = deltas[at]
            chain.append(path)
        try:
            frame = pl.read_parquet(bases[0], columns=columns)
            for path in chain:
                frame = upsert_sorted(frame, pl.read_parquet(path, columns=columns))
        except (pl.exceptions.PolarsError, OSError):
            return None  # removed or replaced meanwhile: the CSV is the record
        return frame

    def write_manifest(
        self, frame: Callable[[], pl.DataFrame], csv: Path, previous: str | None, changed: pl.DataFrame
    ) -> None:
        """Record the manifest just written to ``csv``: the rows that changed since the copy
        stamped ``previous``, or a new base, the whole ``frame()`` (no usable copy before, too
        long a chain, or more than SPLICE_ROWS changed rows)."""
        folder = self.manifest_folder
        folder.mkdir(parents=True, exist_ok=True)
        stamp = manifest_stamp(csv)
        files = list(folder.glob("*.parquet"))
        has_base = any(f.name.startswith("base-") for f in files)
        # a batch's many rows make a new base: merging a large delta at every load costs more
        if previous is not None and has_base and len(files) <= MAX_DELTAS and changed.height <= SPLICE_ROWS:
            atomic_write(folder / f"delta-{previous}~{stamp}.parquet", changed.write_parquet)
            return
        # uncompressed: read at every load, where decompressing would double the time (the base
        # is about 150 bytes a notice on disk this way, a third of the CSV)
        whole = frame()
        atomic_write(folder / f"base-{stamp}.parquet", lambda p: whole.write_parquet(p, compression="uncompressed"))
        for f in files:
            if f.name != f"base-{stamp}.parquet":
                f.unlink(missing_ok=True)

    def pairs(self, columns: Sequence[str] | None = None) -> pl.DataFrame | None:
        """Every verified pair: ``pairs.parquet`` and the pairs each later ingest added (None when
        there are none of this configuration: they are verified again); only ``columns`` (and the
        tag) when given."""
        base = self.folder / "pairs.parquet"
        for _ in range(3):  # an ingest merging the added files meanwhile (a reader holds no lock): list again
            if not base.exists():  # (removed by hand: the pairs added since are not all of them)
                return None
            files = [str(base), *sorted(str(f) for f in self.pair_parts.glob("*.parquet"))]
            try:
                scan = pl.scan_parquet(files)
                frame = (scan if columns is None else scan.select(*dict.fromkeys([*columns, "tag"]))).collect()
            except FileNotFoundError:
                continue
            except (pl.exceptions.PolarsError, OSError):
                return None
            return frame if frame.height == 0 or frame["tag"].unique().to_list() == [self.tag] else None
        return None

    @property
    def pair_parts(self) -> Path:
        return self.folder / "pairs"

    def write_pairs(self, pairs: pl.DataFrame) -> None:
        """Record every verified pair (columns a, b, relation, jaccard, containment, reason, veto)
        as ``pairs.parquet``, replacing the pairs added since."""
        self.folder.mkdir(parents=True, exist_ok=True)
        added = list(self.pair_parts.glob("*.parquet"))
        atomic_write(self.folder / "pairs.parquet", self._tagged(pairs).write_parquet)
        for f in added:
            f.unlink(missing_ok=True)

    def add_pairs(self, pairs: pl.DataFrame, every: Callable[[], pl.DataFrame]) -> None:
        """Record the pairs an ingest verified, as a file of their own (rewriting every pair for
        each ingest would cost more than the ingest); past MAX_PARTS such files, or when there is
        no ``pairs.parquet`` yet, ``every()`` pair is written into ``pairs.parquet``."""
        if not (self.folder / "pairs.parquet").exists() or len(list(self.pair_parts.glob("*.parquet"))) >= MAX_PARTS:
            self.write_pairs(every())
        elif pairs.height:
            self.pair_parts.mkdir(parents=True, exist_ok=True)
            name = f"{time.time_ns()}-{os.getpid()}.parquet"
            atomic_write(self.pair_parts / name, self._tagged(pairs).write_parquet)

    def _tagged(self, pairs: pl.DataFrame) -> pl.DataFrame:
        return pairs.with_columns(tag=pl.lit(self.tag)).select(*PAIR_SCHEMA).cast(PAIR_SCHEMA)  # type: ignore[arg-type]


def manifest_stamp(csv: Path) -> str:
    """Size, modification time and inode of the manifest: any rewrite or edit changes one."""
    try:
        st = csv.stat()
    except FileNotFoundError:
        return "none"
    return f"{st.st_size}_{st.st_mtime_ns}_{st.st_ino}"


def _row_table(frame: pl.DataFrame) -> np.ndarray | None:
    """A part's rows as (id number, seq, key hash) uint64 triples; None if an id is not 16 hex digits."""
    numbers = id_numbers(frame["id"])
    if numbers.null_count():
        return None
    seq = frame["seq"].cast(pl.Int64).to_numpy().view(np.uint64)
    return np.column_stack([numbers.to_numpy(), seq, frame["keyhash"].cast(pl.UInt64).to_numpy()])


def _save_npy(path: Path, matrix: np.ndarray) -> None:
    with open(path, "wb") as handle:  # a handle: np.save would add ".npy" to the temporary name
        np.save(handle, matrix)


def atomic_write(target: Path, write: object) -> None:
    """Write through a temporary file in the same folder, then rename over ``target``."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(tmp)  # type: ignore[operator]
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _to_record(doc: Document) -> bytes:
    return _record(doc.path, normalized_to_json(doc.normalized))


def _record(path: str, normalized: str) -> bytes:
    """A notice's text record: its path, a line break, its normalized form (JSON), compressed."""
    return zlib.compress(f"{json.dumps(path, ensure_ascii=False)}\n{normalized}".encode(), 3)


def _from_record(record: bytes) -> tuple[str, Normalized]:
    path, _, normalized = zlib.decompress(record).decode().partition("\n")
    return json.loads(path), normalized_from_json(normalized)


def normalized_to_json(n: Normalized) -> str:
    return json.dumps(dataclasses.asdict(n), ensure_ascii=False)


def normalized_from_json(raw: str) -> Normalized:
    data = json.loads(raw)
    meta = data.pop("meta")
    meta["dates"] = tuple(meta["dates"])
    meta["item_codes"] = tuple(meta["item_codes"])
    changes = tuple(Change(c["step"], c["count"], tuple(c["examples"])) for c in data.pop("changes"))
    return Normalized(**data, changes=changes, meta=Meta(**meta))
