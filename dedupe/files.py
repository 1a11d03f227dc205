"""Finding notices on disk and reading them into documents, in parallel when asked."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dedupe.config import DedupeConfig
from dedupe.document import Document
from normalize import NormalizeConfig, NormalizeError, normalize

SUFFIXES = (".txt", ".md", ".html", ".htm")
MIN_KEY_CHARS = 1


@dataclass(frozen=True)
class Rejected:
    """A file that was not read as a notice, and why."""

    path: str
    reason: str


def discover(paths: Iterable[str]) -> Iterator[str]:
    """Files named on the command line, and notices found recursively in folders.

    In folders: ``*.txt *.md *.html *.htm`` and extensionless files (the reader decides whether
    those are text); hidden files and folders are skipped. Paths keep the form they were given in.
    """
    for given in paths:
        if os.path.isdir(given):
            found: list[str] = []
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if name.startswith("."):
                        continue
                    suffix = os.path.splitext(name)[1].lower()
                    if suffix in SUFFIXES or suffix == "":
                        found.append(os.path.join(root, name))
            yield from sorted(found)
        else:
            yield given


def document_id(data: bytes) -> str:
    """A notice's stable id: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def read_document(
    path: str,
    order: int = 0,
    normalize_config: NormalizeConfig = NormalizeConfig(),
    config: DedupeConfig = DedupeConfig(),
    expect: str | None = None,
) -> Document | Rejected:
    """Read, decode and normalize one file; its fingerprint is computed too (worth doing in a worker).

    ``expect``: the sha256 the bytes must have (an original of the corpus), else it is rejected.
    """
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        return Rejected(path, "is a directory: name the files, or the folder for a recursive search")
    except OSError as exc:
        return Rejected(path, f"cannot be read: {exc.strerror or exc}")
    if expect is not None and hashlib.sha256(data).hexdigest() != expect:
        return Rejected(path, f"has changed since it was ingested (its sha256 is no longer {expect[:16]}…)")
    if not data.strip():
        return Rejected(path, "is empty")
    html = None
    if path.lower().endswith((".html", ".htm")):
        html = True
    try:
        normalized = normalize(data, normalize_config._replace(html=html) if html else normalize_config)
    except NormalizeError as exc:
        return Rejected(path, str(exc))
    if len(normalized.key) < MIN_KEY_CHARS:
        return Rejected(path, "has no text left after normalization")
    doc = Document(document_id(data), path, normalized, order, config)
    doc.fingerprint.compute()  # in the worker, not the parent
    return doc


def _read_star(args: tuple[str, int, NormalizeConfig, DedupeConfig, str | None]) -> Document | Rejected:
    return read_document(*args)


def read_documents(
    paths: Sequence[str],
    jobs: int = 1,
    normalize_config: NormalizeConfig = NormalizeConfig(),
    config: DedupeConfig = DedupeConfig(),
    start_order: int = 0,
    progress: Callable[[int], None] | None = None,
    orders: Sequence[int] | None = None,
    expect: Sequence[str] | None = None,
) -> list[Document | Rejected]:
    """Read many files; with ``jobs`` > 1 the work is spread over processes, results in input order.

    ``orders``: each file's ingestion order (else from ``start_order`` on); ``expect``: each
    file's sha256 (see :func:`read_document`). ``progress`` is called with the files done since.
    """
    tasks = [
        (p, orders[i] if orders else start_order + i, normalize_config, config, expect[i] if expect else None)
        for i, p in enumerate(paths)
    ]
    out: list[Document | Rejected] = []
    if jobs <= 1 or len(tasks) < 2:
        for t in tasks:
            out.append(_read_star(t))
            if progress:
                progress(1)
        return out
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for result in pool.map(_read_star, tasks, chunksize=max(1, min(64, len(tasks) // (jobs * 8)))):
            out.append(result)
            if progress:
                progress(1)
    return out
