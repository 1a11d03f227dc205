"""``policy-dedup verify``: the integrity of a whole corpus, read without changing anything.

Every original against its sha256, files missing from raw/ and files raw/ holds that the manifest
does not list, every manifest row, every log line, the canonical texts, and an interrupted ingest
left for the next command to finish or undo.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from filelock import Timeout

from dedupe.chains import CURRENT, DRAFT_STATUS, REPEALED, SUPERSEDED
from dedupe.errors import CorpusError
from dedupe.files import normalize_named
from dedupe.quality import FLAGS
from dedupe.store import log, manifest, state
from dedupe.store.journal import JOURNAL, sha256_of
from dedupe.store.lock import locked, not_a_corpus
from dedupe.verify import STRENGTH
from normalize import NormalizeError


def verify(root: str | Path, lock_timeout: float = 60.0) -> tuple[int, list[str]]:
    """(originals checked, problems found); a problem says what is wrong and what to do."""
    root = Path(root)
    if not (root / "manifest.csv").is_file() and not (root / "raw").is_dir():
        raise not_a_corpus(root)
    try:
        with locked(root, lock_timeout):
            return _verify(root)
    except Timeout:
        raise CorpusError(f"the corpus {root} is in use by another command: run verify again when it is done") from None


def _verify(root: Path) -> tuple[int, list[str]]:
    problems: list[str] = []
    if (root / JOURNAL).exists():
        problems.append(f"{JOURNAL}: an ingest was interrupted; the next ingest or check finishes or undoes it")
    try:
        frame = manifest.read(root / "manifest.csv")
    except CorpusError as exc:
        return 0, [*problems, str(exc)]
    problems += column_problems(root, frame)
    if not (root / JOURNAL).exists():  # an interrupted ingest settles these when it is finished or undone
        log_problems, _ = state.log_problems(root, frame.height)
        problems += log_problems
        problems += [p for p in [state.manifest_problem(root)] if p]
    listed = set(frame["path"].to_list())
    raw = os.path.realpath(root / "raw")
    for path, sha in frame.select("path", "sha256").iter_rows():
        if os.path.islink(root / path) or not os.path.realpath(root / path).startswith(raw + os.sep):
            problems.append(f"{path}: a symbolic link (to {os.path.realpath(root / path)}), not the original itself; "
                            f"restore the file from version control (git checkout -- {path})")  # fmt: skip
            continue
        found = sha256_of(root / path) if (root / path).is_file() else None
        if found is None:
            problems.append(f"{path}: missing; restore it from version control (git checkout -- {path})")
        elif found != sha:
            problems.append(f"{path}: its bytes changed since it was ingested (sha256 {found[:16]}…, not {sha[:16]}…)")
    files, hidden, links = _files(root / "raw")
    for extra in sorted(files - listed):
        problems.append(
            f"{extra}: in raw/ but not in the manifest; ingest it (policy-dedup ingest {extra}) or remove it"
        )
    problems += [f"{p}: a hidden file in raw/, which holds only originals; remove it" for p in sorted(hidden - listed)]
    problems += [f"{p}: a symbolic link in raw/, which holds only originals; remove it" for p in sorted(links - listed)]
    try:
        entries = sum(1 for _ in log.decisions(root / "decisions.jsonl"))  # each line a record this version reads
    except CorpusError as exc:
        problems.append(str(exc))
        entries = 0
    if (root / "decisions.jsonl").exists() and log.complete_size(root / "decisions.jsonl") != (
        root / "decisions.jsonl"
    ).stat().st_size:
        problems.append(f"decisions.jsonl: its last line was cut after {entries} complete line(s); "
                        "the next ingest removes it")  # fmt: skip
    problems += _cache_problems(root / ".cache" / "index.sqlite")
    clusters = set(frame.filter(frame["is_canonical"])["cluster"].to_list())
    texts = {p.stem for p in (root / "canonical").glob("*.txt")} if (root / "canonical").is_dir() else set()
    problems += [
        f"canonical/{c}.txt: missing; run policy-dedup ingest again to write it" for c in sorted(clusters - texts)
    ]
    problems += [f"canonical/{c}.txt: no cluster has this id; remove it" for c in sorted(texts - clusters)]
    problems += _stale_texts(root, frame.filter(pl.col("is_canonical") & (pl.col("status") == "active")), texts)
    return frame.height, problems


RELATIONS = ("canonical", "withdrawn", *STRENGTH)
CHAIN_STATUSES = (CURRENT, SUPERSEDED, DRAFT_STATUS, REPEALED)


def column_problems(root: Path, frame: pl.DataFrame) -> list[str]:
    """Each column's values in their range: what every command reads as it is (the size an original
    is held to, a relation, an encoding to decode with) must be what an ingest could have written."""
    known_flags = set(FLAGS)
    checks: list[tuple[str, Callable[[Any], bool], str]] = [
        ("relation", lambda v: v in RELATIONS, f"is not one of {', '.join(RELATIONS)}"),
        ("confidence", lambda v: 0.0 <= v <= 1.0, "is not in [0, 1]"),
        ("similarity", lambda v: 0.0 <= v <= 1.0, "is not in [0, 1]"),
        ("chars", lambda v: v >= 0, "is negative"),
        ("bytes", lambda v: v >= 0, "is negative"),
        ("seq", lambda v: v >= 0, "is negative"),
        ("date", _iso_date, "is not a date yyyy-mm-dd"),
        ("ingested_at", _iso_time, "is not a time yyyy-mm-ddThh:mm:ssZ"),
        ("flags", lambda v: set(v.split(";")) <= known_flags, f"holds a flag not among {', '.join(FLAGS)}"),
        ("chain", lambda v: bool(re.fullmatch(r"[0-9a-f]{16}", v)), "is not 16 hex digits"),
        ("chain_position", lambda v: v >= 1, "is not a place in a chain (1 the oldest)"),
        ("chain_status", lambda v: v in CHAIN_STATUSES, f"is not one of {', '.join(CHAIN_STATUSES)}"),
    ]
    out = []
    for name, ok, what in checks:
        for path, value in frame.select("path", name).drop_nulls(name).iter_rows():
            if value != "" and not ok(value):
                out.append(f"manifest.csv row {path}: {name} {value!r} {what}; restore the manifest from version "
                           "control (git checkout -- manifest.csv)")  # fmt: skip
    out += chain_problems(frame)
    for path, value, form in frame.select("path", "encoding", "format").drop_nulls("encoding").iter_rows():
        # a Word or PDF file's text was extracted, not decoded: its encoding is its format's name
        if value and not _codec(value) and value != (form or "").split(" ")[0]:
            out.append(f"manifest.csv row {path}: encoding {value!r} is not an encoding Python knows nor the row's "
                       "format; restore the manifest from version control (git checkout -- manifest.csv)")  # fmt: skip
    for seq in frame.filter(pl.col("seq").is_duplicated())["seq"].unique().sort().to_list():
        paths = frame.filter(pl.col("seq") == seq)["path"].to_list()
        out.append(f"manifest.csv: seq {seq} is on {len(paths)} rows ({', '.join(paths[:3])}); each ingestion "
                   "order is one notice's: restore the manifest from version control")  # fmt: skip
    for path, size in frame.select("path", "bytes").iter_rows():
        st = _stat(root / path)
        if st is not None and st.st_size != size:
            out.append(f"manifest.csv row {path}: bytes {size} is not the size of the original ({st.st_size}); "
                       "if the original is intact (its sha256 matches), restore the manifest from version control")  # fmt: skip
    return out


def chain_problems(frame: pl.DataFrame) -> list[str]:
    """A chain's columns given together, and each chain with one current version at most."""
    out = []
    given = frame.select(
        "path", *(pl.col(c).is_not_null().alias(c) for c in ("chain", "chain_position", "chain_status"))
    )
    for path, *has in given.iter_rows():
        if any(has) and not all(has):
            out.append(f"manifest.csv row {path}: chain, chain_position and chain_status are given together or not at "
                       "all; restore the manifest from version control (git checkout -- manifest.csv)")  # fmt: skip
    current = frame.filter(pl.col("chain_status") == CURRENT).group_by("chain").agg(pl.col("chain_position").n_unique())
    for chain, positions in current.iter_rows():
        if positions > 1:
            out.append(f"manifest.csv: chain {chain} has {positions} current versions; restore the manifest from "
                       "version control, or ingest again to write the chains anew")  # fmt: skip
    return out


def _codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return name == "str"  # text given as text, not bytes
    return True


def _iso_date(value: str) -> bool:
    """yyyy-mm-dd as the metadata writes it (a day the calendar lacks, as a notice may print, passes)."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", value)
    return bool(m) and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31


def _iso_time(value: str) -> bool:
    try:
        dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path) if not os.path.islink(path) else None
    except OSError:
        return None


def _cache_problems(path: Path) -> list[str]:
    """The cache is derived, but a damaged one is worth a word: SQLite's quick check, read only."""
    if not path.exists():
        return []
    try:
        flags = "mode=ro" if os.access(path.parent, os.W_OK) else "mode=ro&immutable=1"  # a read-only corpus
        db = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True)
        try:
            found = [r[0] for r in db.execute("PRAGMA quick_check(5)")]
        finally:
            db.close()
    except sqlite3.Error as exc:
        found = [str(exc)]
    if found == ["ok"]:
        return []
    return [f"{path}: damaged ({'; '.join(found)[:200]}); derived data: the next command makes it anew from the "
            "originals (or delete it)"]  # fmt: skip


def stale_texts(root: Path, canonicals: pl.DataFrame, texts: set[str]) -> list[tuple[str, str, str]]:
    """(cluster, path, clean text) of each canonical text that is not the clean text of its
    cluster's canonical original: written by an earlier normalization, or edited by hand. Each
    original is read as the corpus reads it: with its settings and the ``--encoding`` it was
    ingested with."""
    from dedupe.store.settings import Settings, load

    ncfg = (load(root) or Settings()).normalize
    out = []
    for cluster, path, given in canonicals.select("cluster", "path", "given_encoding").iter_rows():
        if cluster not in texts or not (root / path).is_file():
            continue
        try:
            expected = normalize_named(path, (root / path).read_bytes(), ncfg._replace(encoding=given)).text + "\n"
        except NormalizeError:
            continue
        if (root / "canonical" / f"{cluster}.txt").read_text(encoding="utf-8", errors="replace") != expected:
            out.append((cluster, path, expected))
    return out


def _stale_texts(root: Path, canonicals: pl.DataFrame, texts: set[str]) -> list[str]:
    """The manifest and canonical/ must say the same (see :func:`stale_texts`)."""
    try:
        stale = stale_texts(root, canonicals, texts)
    except CorpusError as exc:
        return [str(exc)]
    return [
        f"canonical/{cluster}.txt is not the clean text of {path}, its cluster's canonical: if this "
        f"version's normalization reads it differently, policy-dedup rekey writes the text anew; if "
        f"the manifest was edited, record the choice with policy-dedup canonical {path} --reason …"
        for cluster, path, _ in stale
    ]


def _files(raw: Path) -> tuple[set[str], set[str], set[str]]:
    """Paths (as the manifest writes them) under raw/: files, hidden files and folders, and
    symbolic links (never followed). An ingest's temporary files are hidden files: they exist only
    while an ingest lands, and the next command removes what a crash left."""
    files, hidden, links = set(), set(), set()
    for folder, dirs, names in os.walk(raw):
        rel = Path(folder).relative_to(raw.parent).as_posix()
        for name in [*dirs, *names]:
            path = f"{rel}/{name}"
            if os.path.islink(os.path.join(folder, name)):
                links.add(path)
            elif name.startswith("."):
                hidden.add(path)
            elif name in names:
                files.add(path)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
    return files, hidden, links
