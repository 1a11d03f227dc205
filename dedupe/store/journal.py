"""Landing an ingest whole or not at all: a journal, then the writes, then one rename.

    1. the new manifest is written to a temporary file; the journal names it with its sha256, the
       manifest it replaces, the log's size, the originals to copy and the canonical texts to write;
    2. originals are copied into raw/ and canonical texts written under temporary names;
    3. the decision lines are appended to the log;
    4. the new manifest is renamed over manifest.csv: the ingest has landed;
    5. canonical texts are renamed into place, texts of clusters gone are removed, the journal goes.

A crash leaves the journal. The next command that opens the corpus finishes step 5 when
manifest.csv is the new one, and otherwise undoes steps 1–3: it removes the copied originals and
the temporary files and cuts the log back. Either way nothing is left half done and no line is
logged twice. ``POLICY_DEDUP_CRASH_AT=<step>`` ends the process right after a step (tests).
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dedupe.errors import CorpusError, InputError
from dedupe.progress import Progress, begin
from dedupe.store import log, state

JOURNAL = ".journal.json"
STEPS = ("prepared", "journal", "originals", "texts", "log", "manifest", "finish")
# what an ingest writes before its journal exists, or while it writes it: a crash there leaves
# them, and the next command (under the lock, with no journal) removes them. Originals and
# canonical texts are written only once the journal exists, and undo or finish clears theirs.
STRAYS = (".manifest.csv.*", ".journal.json.tmp")


def strays(root: Path) -> list[Path]:
    """The files of STRAYS in the corpus folder."""
    with os.scandir(root) as entries:
        return [Path(e.path) for e in entries
                if e.name.startswith(".") and any(fnmatch.fnmatchcase(e.name, p) for p in STRAYS)]  # fmt: skip


def crash_point(step: str) -> None:
    """End the process here when POLICY_DEDUP_CRASH_AT names this step (fault-injection tests)."""
    if os.environ.get("POLICY_DEDUP_CRASH_AT") == step:
        os._exit(86)


def sha256_of(path: Path) -> str | None:
    if not path.exists():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_synced(path: Path, fill: Callable[[Path], None]) -> None:
    """Call ``fill(path)`` to write the file, then flush it to disk."""
    fill(path)
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def atomic_write(path: Path, fill: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, renamed over ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write_synced(tmp, fill)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    sync_dir(path.parent)


@dataclass
class Journal:
    """What an ingest is about to do, enough to finish or undo it (paths relative to the corpus)."""

    old_manifest: str | None  # sha256 of the manifest replaced (None: there was none)
    new_manifest: str  # sha256 of the manifest written
    manifest_tmp: str
    log_size: int
    originals: list[tuple[str, str]] = field(default_factory=list)  # (source, raw path)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (temporary, final)
    remove: list[str] = field(default_factory=list)  # canonical texts of clusters gone


class ChangedWhileIngested(InputError):
    """An original's bytes, copied into raw/, are not those read and hashed a moment before."""


def copy_hashed(source: str, dest: Path, sha256: str | None) -> None:
    """Copy ``source`` to ``dest`` (synced), hashing the bytes copied: when they are not the
    bytes the ingest read and judged (``sha256``), the file is being written meanwhile (a scraper
    still at it) and ChangedWhileIngested is raised, naming it."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(dest, "wb") as out:
        while block := src.read(1 << 20):
            digest.update(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    if sha256 is not None and digest.hexdigest() != sha256:
        raise ChangedWhileIngested(
            f"{source} changed while it was being ingested (its bytes are no longer those read and compared): "
            "nothing was ingested; run the ingest again once the file is complete"
        )


def land(
    root: Path,
    journal: Journal,
    texts: dict[str, str],
    lines: bytes,
    shas: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> None:
    """Steps 1–5 of the module docstring; on an error before the rename, undo and raise.
    ``shas``: the sha256 each original (by raw path) had when it was read; its copy must have it.
    ``progress`` is told each original copied."""
    try:
        atomic_write(root / JOURNAL, lambda p: p.write_text(json.dumps(asdict(journal)), encoding="utf-8"))
        crash_point("journal")
        begin(progress, "landing", len(journal.originals))
        for source, target in journal.originals:
            dest = root / target
            tmp = dest.with_name(f".{dest.name}.tmp")
            copy_hashed(source, tmp, (shas or {}).get(target))
            os.replace(tmp, dest)
            if progress:
                progress(1)
        sync_dir(root / "raw")
        crash_point("originals")
        for tmp, final in journal.texts:
            write_synced(root / tmp, lambda p, t=texts[final]: p.write_text(t, encoding="utf-8"))
        crash_point("texts")
        log.append(root / "decisions.jsonl", lines, journal.log_size)
        crash_point("log")
        with open(root / journal.manifest_tmp, "rb+") as handle:  # on disk before it is renamed into place
            os.fsync(handle.fileno())
        os.replace(root / journal.manifest_tmp, root / "manifest.csv")
        sync_dir(root)
    except ChangedWhileIngested:
        undo(root, journal)
        raise
    except OSError as exc:
        if sha256_of(root / "manifest.csv") == journal.new_manifest:  # landed; only a sync failed
            finish(root, journal)
            return
        undo(root, journal)
        raise CorpusError(
            f"cannot write to the corpus at {root}: {exc.strerror or exc}; free some space or make it "
            "writable, then run the command again (nothing was changed)"
        ) from None
    crash_point("manifest")
    finish(root, journal)


def finish(root: Path, journal: Journal) -> None:
    for tmp, final in journal.texts:
        if (root / tmp).exists():
            os.replace(root / tmp, root / final)
    for gone in journal.remove:
        with contextlib.suppress(FileNotFoundError):
            (root / gone).unlink()
    crash_point("finish")
    state.record(root)  # the log and manifest as landed, for verify to hold them to
    (root / JOURNAL).unlink()
    sync_dir(root)


def undo(root: Path, journal: Journal) -> None:
    for _, target in journal.originals:
        for path in (root / target, (root / target).with_name(f".{Path(target).name}.tmp")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    for tmp, _ in journal.texts:
        with contextlib.suppress(FileNotFoundError):
            (root / tmp).unlink()
    with contextlib.suppress(FileNotFoundError):
        (root / journal.manifest_tmp).unlink()
    decisions = root / "decisions.jsonl"
    if decisions.exists() and decisions.stat().st_size > journal.log_size:
        os.truncate(decisions, journal.log_size)
    with contextlib.suppress(FileNotFoundError):
        (root / JOURNAL).unlink()


def recover(root: Path) -> str | None:
    """Finish or undo an ingest a crash interrupted; says which, or None when there was none."""
    path = root / JOURNAL
    if not path.exists():
        left = strays(root)
        for stray in left:
            stray.unlink(missing_ok=True)
        return f"removed {len(left)} temporary file(s) an interrupted ingest left" if left else None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        journal = Journal(**{**raw, "originals": [tuple(x) for x in raw["originals"]],
                             "texts": [tuple(x) for x in raw["texts"]]})  # fmt: skip
    except (ValueError, TypeError, KeyError):
        raise CorpusError(
            f"{path} (left by an interrupted ingest) is damaged: compare the corpus with version control, "
            "then delete it"
        ) from None
    current = sha256_of(root / "manifest.csv")
    if current == journal.new_manifest:
        finish(root, journal)
        return "finished an interrupted ingest that had landed"
    if current == journal.old_manifest:
        undo(root, journal)
        return "undid an interrupted ingest that had not landed"
    raise CorpusError(
        f"{path} was left by an interrupted ingest, and manifest.csv has been changed since: restore "
        "manifest.csv from version control, then run the command again"
    )
