"""The corpus cache (``corpus/.cache``): derived data, rebuilt from the originals when missing.

- ``parts/<tag>/*.parquet``: one file per ingest, a row per notice: id, seq, path, the normalized
  notice (JSON), a hash of its key and its passage fingerprints; beside it ``*.npy``, the same
  notices' MinHash signatures as one uint32 matrix, read with a memory map. Appending a part
  costs what the new notices cost; loading a corpus's signatures reads three small columns and
  the matrices.
- ``pairs.parquet``: every verified pair (relation, similarity, reason, veto).

The tag names the cache format and the configuration the parts were made with; parts under
another tag are stale and ignored. Rows of notices the manifest does not list (an ingest killed
before its manifest was written) are ignored too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import polars as pl

from dedupe.config import DedupeConfig
from dedupe.document import Document
from normalize import Change, Meta, NormalizeConfig, Normalized

CACHE_VERSION = "5"
PART_SCHEMA = {
    "id": pl.String,
    "seq": pl.Int64,
    "path": pl.String,
    "normalized": pl.String,
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


class Cache:
    def __init__(self, folder: Path, tag: str) -> None:
        self.folder = folder
        self.tag = tag

    @property
    def parts(self) -> Path:
        """Parts of this format and configuration; parts of others (stale) sit in other folders."""
        return self.folder / "parts" / self.tag

    def _part_files(self) -> list[str]:
        return sorted(str(p) for p in self.parts.glob("*.parquet")) if self.parts.is_dir() else []

    def signature_matrix(self, frame: pl.DataFrame, num_perm: int) -> np.ndarray:
        """The signatures of a ``signatures()`` frame as one (notices × num_perm) uint32 matrix."""
        if frame.height == 0:
            return np.empty((0, num_perm), dtype=np.uint32)
        matrices = {name: np.load(self.parts / f"{name}.npy", mmap_mode="r") for name in frame["part"].unique()}
        out = np.empty((frame.height, num_perm), dtype=np.uint32)
        for name, group in frame.with_row_index("at").group_by("part"):
            out[group["at"].to_numpy()] = matrices[str(name[0])][group["row"].to_numpy()]
        return out

    def signatures(self, ids: set[str]) -> pl.DataFrame:
        """id, seq, keyhash, part and row (where its signature is) of the listed notices found in the
        cache, latest part first."""
        files = self._part_files()
        if not files:
            return pl.DataFrame(
                schema={"id": pl.String, "seq": pl.Int64, "keyhash": pl.UInt64, "part": pl.String, "row": pl.Int64}
            )
        frames = [
            pl.read_parquet(f, columns=["id", "seq", "keyhash"]).with_columns(
                pl.lit(Path(f).stem).alias("part"), pl.int_range(pl.len(), dtype=pl.Int64).alias("row")
            )
            for f in files
        ]
        frame = pl.concat(frames)
        wanted = pl.DataFrame({"id": list(ids)}, schema={"id": pl.String})
        frame = frame.join(wanted, on="id", how="semi")
        return frame if frame["id"].n_unique() == frame.height else frame.unique("id", keep="last", maintain_order=True)

    def passages(self, ids: set[str]) -> tuple[list[str], list[np.ndarray]]:
        """The cached passage fingerprints of the listed notices."""
        files = self._part_files()
        if not files:
            return [], []
        wanted = pl.DataFrame({"id": list(ids)}, schema={"id": pl.String})
        frame = (pl.scan_parquet(files).select("id", "passages").collect().join(wanted, on="id", how="semi")).unique(
            "id", keep="last"
        )
        return frame["id"].to_list(), [np.frombuffer(b, dtype=np.uint64) for b in frame["passages"].to_list()]

    def documents(self, ids: Iterable[str], config: DedupeConfig) -> dict[str, Document]:
        wanted = list(dict.fromkeys(ids))
        files = self._part_files()
        if not wanted or not files:
            return {}
        frame = (
            pl.scan_parquet(files)
            .filter(pl.col("id").is_in(wanted))
            .select("id", "seq", "path", "normalized")
            .collect()
            .unique("id", keep="last")
        )
        return {
            row["id"]: Document(row["id"], row["path"], normalized_from_json(row["normalized"]), row["seq"], config)
            for row in frame.iter_rows(named=True)
        }

    def append(self, docs: Sequence[Document]) -> None:
        """Write the notices as a new part (through a temporary file)."""
        if not docs:
            return
        self.parts.mkdir(parents=True, exist_ok=True)
        frame = pl.DataFrame(
            {
                "id": [d.id for d in docs],
                "seq": [d.order for d in docs],
                "path": [d.path for d in docs],
                "normalized": [normalized_to_json(d.normalized) for d in docs],
                "keyhash": [key_hash(d.key) for d in docs],
                "passages": [d.fingerprint.passages.astype(np.uint64).tobytes() for d in docs],
                "tag": [self.tag] * len(docs),
            },
            schema=PART_SCHEMA,
        )
        name = f"{min(d.order for d in docs):012d}-{os.getpid()}-{time.time_ns()}"
        matrix = np.stack([d.fingerprint.signature for d in docs]).astype(np.uint32)
        atomic_write(self.parts / f"{name}.npy", lambda p: _save_npy(p, matrix))
        atomic_write(self.parts / f"{name}.parquet", frame.write_parquet)  # the part exists once this is there

    def pairs(self) -> pl.DataFrame | None:
        path = self.folder / "pairs.parquet"
        if not path.exists():
            return None
        try:
            frame = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError):
            return None
        return frame if frame.height == 0 or frame["tag"][0] == self.tag else None

    def write_pairs(self, rows: Sequence[dict[str, object]]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        frame = pl.DataFrame([{**r, "tag": self.tag} for r in rows], schema=PAIR_SCHEMA)
        atomic_write(self.folder / "pairs.parquet", frame.write_parquet)


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


def normalized_to_json(n: Normalized) -> str:
    return json.dumps(dataclasses.asdict(n), ensure_ascii=False)


def normalized_from_json(raw: str) -> Normalized:
    data = json.loads(raw)
    meta = data.pop("meta")
    meta["dates"] = tuple(meta["dates"])
    meta["item_codes"] = tuple(meta["item_codes"])
    changes = tuple(Change(c["step"], c["count"], tuple(c["examples"])) for c in data.pop("changes"))
    return Normalized(**data, changes=changes, meta=Meta(**meta))
