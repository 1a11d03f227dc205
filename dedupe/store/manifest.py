"""manifest.csv: one row per original, sorted by path, read whole and checked, written whole.

Every row is checked when read: a cut file, a row cut short, a duplicated id or path, a path that
leaves ``raw/``, an id that is not its sha256's prefix, a cluster without its canonical. The error
names the line and says what to do; nothing is written forward from a manifest that fails.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import polars as pl

from dedupe.errors import CorpusError
from dedupe.store import memo
from dedupe.store.rows import REQUIRED

SCHEMA: dict[str, type[pl.DataType]] = {
    "id": pl.String,
    "path": pl.String,
    "source": pl.String,  # the path as given to ingest
    "batch": pl.String,  # the --batch label, if any
    "ingested_at": pl.String,
    "sha256": pl.String,
    "bytes": pl.Int64,
    "encoding": pl.String,
    "given_encoding": pl.String,  # the --encoding the file was ingested with (empty: detected); rebuilds use it
    "format": pl.String,  # what the bytes were: text, html, mhtml, docx, doc, pdf…, and what was extracted
    "confidence": pl.Float64,
    "title": pl.String,
    "doc_number": pl.String,
    "issuer": pl.String,
    "date": pl.String,
    "chars": pl.Int64,
    "flags": pl.String,
    "status": pl.String,  # active | withdrawn
    "cluster": pl.String,
    "is_canonical": pl.Boolean,
    "relation": pl.String,
    "similarity": pl.Float64,  # the Jaccard of the relation's pair: to the canonical, or to via
    "via": pl.String,  # the member the relation is to, when not the canonical (a path); empty in older manifests
    "seq": pl.Int64,
    # the chain of versions the notice is one of (empty: none, or a manifest written before chains)
    "chain": pl.String,  # the chain's id
    "chain_position": pl.Int64,  # its version's place in the chain, 1 the oldest
    "chain_status": pl.String,  # current | superseded | draft | repealed
}
STATUSES = ("active", "withdrawn")
_HEX16 = re.compile(r"^[0-9a-f]{16}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def inside_raw(path: str) -> bool:
    """Is ``path`` (as the manifest writes it) a file under ``raw/``, going nowhere else: relative,
    ``/``-separated, no empty, ``.`` or ``..`` segment?"""
    parts = path.split("/")
    return len(parts) >= 2 and parts[0] == "raw" and "\\" not in path and not {"..", ".", ""} & set(parts[1:])


def _inside_raw(paths: pl.Series | pl.Expr) -> pl.Series | pl.Expr:
    """:func:`inside_raw` of every path at once (tested against it)."""
    return (
        paths.str.starts_with("raw/")
        & ~paths.str.contains("\\", literal=True)
        & ~paths.str.contains(r"(^|/)\.{1,2}(/|$)|//|/$")
    )


def read(path: Path, columns: tuple[str, ...] | None = None) -> pl.DataFrame:
    """The manifest, checked row by row (see the module docstring); an empty frame when absent.
    ``columns``: read only these (and check only them); the others come back empty.

    A corpus's manifest.csv, once read and checked, is remembered in its ``.cache/`` as a table
    that is read back in milliseconds (``dedupe.store.memo``) while the file keeps its size, times
    and inode: a command on a large corpus does not parse and check the same rows again."""
    wanted = set(columns) if columns is not None else set(SCHEMA)
    held = memo.recall(path, wanted)
    if held is not None:
        return _only(held, columns)
    stamp = memo.stamp(path)
    if stamp is None:
        return _parse(path, columns)
    parse = tuple(c for c in SCHEMA if c in wanted | memo.columns(path, stamp))
    frame = _parse(path, parse)
    memo.remember(path, stamp, frame.select(c for c in parse if c in frame.columns))
    return _only(frame, columns)


def _only(frame: pl.DataFrame, columns: tuple[str, ...] | None) -> pl.DataFrame:
    """``frame`` as ``_parse(path, columns)`` gives it: the columns not asked for empty (status
    then reads active, source the path, as in a manifest written before they existed)."""
    frame = frame.with_columns(pl.lit(None, dtype).alias(c) for c, dtype in SCHEMA.items()
                               if c not in frame.columns or (columns is not None and c not in columns))  # fmt: skip
    frame = frame.select(list(SCHEMA))
    return frame.with_columns(pl.col("status").fill_null("active"), pl.col("source").fill_null(pl.col("path")))


def _parse(path: Path, columns: tuple[str, ...] | None = None) -> pl.DataFrame:
    """:func:`read` from the CSV file itself."""
    data = path.read_bytes() if path.exists() else b""
    where = f"{path}"
    fix = f"restore it from version control (git checkout -- {path.name}) or correct the row"
    if not data.strip():
        _refuse_lost(path, "is missing" if not path.exists() else "is empty")
        return empty()
    if b"\r\n" in data:  # saved with Windows line breaks (git's autocrlf): the same rows
        data = data.replace(b"\r\n", b"\n")
    if not data.endswith(b"\n"):
        raise CorpusError(f"{where} is cut short (its last line has no line break): {fix}")
    header = data[: data.find(b"\n")].decode("utf-8", "replace").split(",")
    unknown = [c for c in header if c not in SCHEMA]
    if unknown and not set(header) & set(REQUIRED):
        _refuse_lost(path, "has no header line")
        raise CorpusError(f"{where} has no header line (its first line is {data[:60]!r}…): {fix}")
    if unknown:
        raise CorpusError(f"{where} has unknown column(s) {', '.join(unknown)}: {fix}")
    if len(set(header)) < len(header):
        raise CorpusError(f"{where} names a column twice in its header: {fix}")
    try:
        wanted = [c for c in header if columns is None or c in columns]
        frame = pl.read_csv(data, infer_schema=False, columns=wanted)
    except pl.exceptions.PolarsError as exc:
        first = str(exc).strip().splitlines()[0][:200]
        raise CorpusError(f"{where} is not a well-formed CSV file ({first}): {fix}") from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise CorpusError(f"{where} lacks the column(s) {', '.join(missing)}: {fix}")
    if not frame.height and _names(path.parent / "canonical"):
        _refuse_lost(path, "lists no original")
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in SCHEMA if c not in frame.columns)
    return _check(_typed(frame, where, fix), where, fix)


def _refuse_lost(path: Path, what: str) -> None:
    """A manifest that lists nothing is a new corpus's, unless the folder holds the rest of one:
    canonical texts, or originals beside a decision log or a manifest that is not one (empty, no
    header). Ingesting on top of those would forget them. Originals alone in a new folder are
    adopted by ``ingest corpus/raw``."""
    root = path.parent
    raw = [n for n in _names(root / "raw") if not n.startswith(".")]
    texts = [n for n in _names(root / "canonical") if not n.startswith(".")]
    logged = (root / "decisions.jsonl").is_file() and (root / "decisions.jsonl").stat().st_size > 0
    lost = texts or (raw and (logged or what in ("is empty",)))
    if lost:
        held = [f"{len(raw)} original(s) in raw/" if raw else "", f"{len(texts)} text(s) in canonical/" if texts else "",
                "a decision log" if logged else ""]  # fmt: skip
        raise CorpusError(
            f"{path} {what}, yet the corpus holds {', '.join(h for h in held if h)}: restore manifest.csv from version "
            "control (git checkout -- manifest.csv); without a copy, move the corpus aside and ingest its raw/ "
            "into a new corpus"
        )


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _typed(frame: pl.DataFrame, where: str, fix: str) -> pl.DataFrame:
    """Each column in its type; a value that does not convert is an error naming its line."""
    out = []
    for name, dtype in SCHEMA.items():
        column = frame[name]
        if dtype == pl.Boolean:
            lowered = column.str.to_lowercase()
            bad = lowered.is_not_null() & ~lowered.is_in(["true", "false"])
            typed = lowered == "true"
        elif dtype == pl.String:
            typed, bad = column, pl.Series([False] * frame.height, dtype=pl.Boolean)
        else:
            typed = column.cast(dtype, strict=False)
            bad = column.is_not_null() & typed.is_null()
        if bad.any():
            line = int(bad.arg_true()[0]) + 2
            raise CorpusError(f"{where} line {line}: {name} {column[line - 2]!r} is not a {dtype}: {fix}")
        out.append(typed.alias(name))
    return pl.DataFrame(out)


def _check(frame: pl.DataFrame, where: str, fix: str) -> pl.DataFrame:
    """Every rule as one boolean column, evaluated in one polars pass; the first failing row of
    the first failing rule is named."""
    frame = frame.with_columns(
        pl.col("status").fill_null("active"),
        pl.col("source").fill_null(pl.col("path")),
    )
    ids, path, cluster = pl.col("id"), pl.col("path"), pl.col("cluster")
    withdrawn = pl.col("status") == "withdrawn"
    canonicals = pl.col("is_canonical").cast(pl.Int32).sum().over("cluster")
    rules = [
        *((pl.col(name).is_null(), f"no {name}: the row is cut short or damaged") for name in REQUIRED),
        (~ids.str.contains(_HEX16.pattern), "the id is not 16 hex digits"),
        (~pl.col("sha256").str.contains(_HEX64.pattern), "the sha256 is not 64 hex digits"),
        (ids != pl.col("sha256").str.slice(0, 16), "the id is not the first 16 digits of the sha256"),
        (~_inside_raw(path), "the path is not a file inside raw/"),
        (~pl.col("status").is_in(STATUSES), f"the status is not one of {', '.join(STATUSES)}"),
        (ids.is_duplicated(), "the id appears on another row too"),
        (path.is_duplicated(), "the path appears on another row too"),
        (~cluster.is_in(ids.implode()), "the cluster is not the id of a listed notice"),
        (
            withdrawn & ((cluster != ids) | pl.col("is_canonical")),
            "a withdrawn notice is in a cluster of its own and not canonical",
        ),
        (canonicals > 1, "its cluster has two canonicals"),
        (~withdrawn & (canonicals == 0), "its cluster has no canonical"),
    ]
    masks = frame.select(*(rule.fill_null(True).alias(f"r{k}") for k, (rule, _) in enumerate(rules)))
    failing = [k for k, hit in enumerate(masks.select(pl.all().any()).row(0)) if hit]
    if failing:
        k = failing[0]
        line = int(masks[f"r{k}"].arg_true()[0]) + 2
        raise CorpusError(
            f"{where} line {line}: {rules[k][1]} (row {frame.row(line - 2, named=True)['path']!r}): {fix}"
        )
    return frame.sort("path")


def write(frame: pl.DataFrame, path: Path) -> None:
    """Write the whole manifest, sorted by path, to ``path`` (a temporary file the caller renames)."""
    frame.select(list(SCHEMA)).sort("path").write_csv(path)
