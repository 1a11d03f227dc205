"""``policy-dedup verify``: the integrity of a whole corpus, read without changing anything.

Every original against its sha256, files missing from raw/ and files raw/ holds that the manifest
does not list, every manifest row, every log line, the canonical texts, and an interrupted ingest
left for the next command to finish or undo.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
from filelock import FileLock, Timeout

from dedupe.errors import CorpusError
from dedupe.files import normalize_named
from dedupe.store import log, manifest
from dedupe.store.journal import JOURNAL, sha256_of
from normalize import NormalizeError


def verify(root: str | Path, lock_timeout: float = 60.0) -> tuple[int, list[str]]:
    """(originals checked, problems found); a problem says what is wrong and what to do."""
    root = Path(root)
    if not (root / "manifest.csv").is_file():
        raise CorpusError(f"{root} is not a corpus (no manifest.csv there): give the corpus folder with --corpus")
    try:
        with FileLock(root / ".lock", timeout=lock_timeout):
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
        problems.append(f"{extra}: in raw/ but not in the manifest; ingest it (policy-dedup ingest {extra}) or remove it")
    problems += [f"{p}: a hidden file in raw/, which holds only originals; remove it" for p in sorted(hidden - listed)]
    problems += [f"{p}: a symbolic link in raw/, which holds only originals; remove it" for p in sorted(links - listed)]
    try:
        entries = sum(1 for _ in log.entries(root / "decisions.jsonl"))
    except CorpusError as exc:
        problems.append(str(exc))
        entries = 0
    if (root / "decisions.jsonl").exists() and log.complete_size(root / "decisions.jsonl") != (
        root / "decisions.jsonl"
    ).stat().st_size:
        problems.append(f"decisions.jsonl: its last line was cut by a crash after {entries} complete line(s); "
                        "the next ingest removes it")  # fmt: skip
    clusters = set(frame.filter(frame["is_canonical"])["cluster"].to_list())
    texts = {p.stem for p in (root / "canonical").glob("*.txt")} if (root / "canonical").is_dir() else set()
    problems += [f"canonical/{c}.txt: missing; run policy-dedup ingest again to write it" for c in sorted(clusters - texts)]
    problems += [f"canonical/{c}.txt: no cluster has this id; remove it" for c in sorted(texts - clusters)]
    problems += _stale_texts(root, frame.filter(pl.col("is_canonical") & (pl.col("status") == "active")), texts)
    return frame.height, problems


def _stale_texts(root: Path, canonicals: pl.DataFrame, texts: set[str]) -> list[str]:
    """Canonical texts that are not the clean text of their cluster's canonical original (a hand
    edit of is_canonical, or of a text): the manifest and canonical/ must say the same."""
    out = []
    for cluster, path in canonicals.select("cluster", "path").iter_rows():
        if cluster not in texts or not (root / path).is_file():
            continue
        try:
            expected = normalize_named(path, (root / path).read_bytes()).text + "\n"
        except NormalizeError:
            continue
        if (root / "canonical" / f"{cluster}.txt").read_text(encoding="utf-8", errors="replace") != expected:
            out.append(f"canonical/{cluster}.txt is not the clean text of {path}, its cluster's canonical: "
                       f"record the choice with policy-dedup canonical {path} --reason …")  # fmt: skip
    return out


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
