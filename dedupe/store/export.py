"""Reading a corpus for people: one notice's history, and the canonical set with its metadata."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from dedupe.decisions import Canonical, CanonicalChange
from dedupe.errors import InputError
from dedupe.store import log
from dedupe.store.corpus import Corpus
from dedupe.store.corrections import resolve

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def settle(corpus: Corpus) -> None:
    """Finish (or undo) an ingest a crash interrupted before reading the corpus for people, so that
    a report or an export never lists a canonical text that is not there yet; says so on stderr
    (what ``Corpus.reading``, the one way a reader opens a corpus, does first)."""
    with corpus.reading():
        pass


def history(corpus: Corpus, name: str) -> dict[str, Any]:
    """A notice's manifest row and every decision the log records about it or its cluster, in order."""
    with corpus.reading() as manifest:
        row = resolve(manifest, name, corpus.root)
        names = {row["id"], row["path"], row["source"]}
        entries = []
        for e, d in log.records(corpus.decisions_path):
            if names & d.names() or (isinstance(d, (Canonical, CanonicalChange)) and d.cluster == row["cluster"]):
                entries.append(e)  # as the log holds it
    return {"notice": row, "decisions": entries}


def canonical_set(corpus: Corpus) -> pl.DataFrame:
    """One row per cluster of active notices: its canonical's facts, the cluster's size, the chain
    of versions it is one of (id, place, status), and the canonical text's file."""
    with corpus.reading() as frame:
        manifest = frame.filter(pl.col("status") == "active")
    sizes = manifest.group_by("cluster").len("members")
    return (
        manifest.filter(pl.col("is_canonical"))
        .join(sizes, on="cluster")
        .select(
            "cluster",
            "id",
            "title",
            "doc_number",
            "issuer",
            "date",
            "members",
            "path",
            "source",
            "flags",
            "chain",
            "chain_position",
            "chain_status",
        )
        .with_columns(pl.concat_str(pl.lit("canonical/"), pl.col("cluster"), pl.lit(".txt")).alias("text"))
        .sort("path")
    )


def file_name(row: dict[str, Any]) -> str:
    """``<id>_<title>.txt``, the title cut to 60 characters and made safe for any file system."""
    title = _UNSAFE.sub("_", row["title"] or "").strip("._")[:60]
    return f"{row['cluster']}_{title}.txt" if title else f"{row['cluster']}.txt"


def check_output(root: Path, target: Path, option: str, folder: bool = False) -> None:
    """Refuse to write ``target`` (given with ``option``) inside the corpus ``root``, where it would
    overwrite or add to the record, or where its parent folder does not exist (a file)."""
    where = target.resolve()
    corpus = root.resolve()
    if where == corpus or corpus in where.parents:
        raise InputError(f"{option} {target} is inside the corpus {root}, whose files only the corpus commands "
                         "write: give a path outside it")  # fmt: skip
    if not folder and not target.parent.resolve().is_dir():
        raise InputError(f"{option} {target}: the folder {target.parent} does not exist; create it first")
    if target.is_dir() and not folder:
        raise InputError(f"{option} {target} is a folder: give a file name")
    if folder and target.exists() and not target.is_dir():
        raise InputError(f"{option} {target} is a file: give a folder")


def export(corpus: Corpus, to: Path | None, fmt: str) -> str:
    """Write the canonical set to ``to``: a text file per cluster and ``index.csv`` (or ``.json``,
    ``.parquet``) with the metadata; says what it wrote. Without ``to``, the index itself."""
    if to is not None:
        check_output(corpus.root, to, "--to", folder=True)
    with corpus.reading():  # the texts copied are those the manifest names
        return _export(corpus, to, fmt)


def _export(corpus: Corpus, to: Path | None, fmt: str) -> str:
    table = canonical_set(corpus)
    if to is None:
        if fmt == "parquet":
            raise InputError("parquet needs a folder: give --to DIR")
        return table.write_json() + "\n" if fmt == "json" else table.write_csv()
    try:
        to.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--to {to}: cannot create the folder: {exc.strerror or exc}") from None
    names = []
    for row in table.iter_rows(named=True):
        name = file_name(row)
        (to / name).write_bytes((corpus.root / row["text"]).read_bytes())
        names.append(name)
    table = table.with_columns(pl.Series("file", names, dtype=pl.String))
    index = to / f"index.{fmt}"
    if fmt == "parquet":
        table.write_parquet(index)
    elif fmt == "json":
        table.write_json(index)
    else:
        table.write_csv(index)
    return f"wrote {table.height} canonical notice(s) and {index.name} to {to}\n"
