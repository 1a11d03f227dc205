"""Finding notices on disk and reading them into documents, in parallel when asked."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from dedupe.config import DedupeConfig
from dedupe.copies import Copies, Copy, ReadAs, read_as, seen_in
from dedupe.copies import forget as forget_copies
from dedupe.diskio import MAX_BYTES, ask_ahead, read_bytes, special_kind
from dedupe.document import Document, gathering, let_go, pack
from dedupe.names import names_a_page
from dedupe.passed import PassedOver, Skipped, by_name
from dedupe.progress import begin
from dedupe.sharing import Workers, die_with_parent, give_back, in_order, processes
from normalize import NormalizeConfig, Normalized, NormalizeError, normalize, prepare
from normalize.decode import decode, forget_detector
from normalize.extract import extract_text
from normalize.notice import page_text, require_notice

FORGET_DETECTOR = 1000  # files read, from which reading's tables are let go (reading them again takes 30 ms)


@dataclass(frozen=True)
class Rejected:
    """A file that was not read as a notice, and why."""

    path: str
    reason: str
    category: str = ""  # what the bytes are when they are no text format (image, archive…)


@dataclass
class Found:
    """What :func:`discover` found: files to read, paths refused with the reason, hidden files passed
    over, files skipped by their name, and which files were found inside folders."""

    files: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    hidden: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    in_folders: set[str] = field(default_factory=set)


def _admit(path: str, found: Found, max_bytes: int, real: str | None = None) -> None:
    """Add ``path`` if it is a regular file of an acceptable size, else say why not (``real``:
    where it lies once links are followed, when known)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        reason = "is a dangling symbolic link" if os.path.islink(path) else "does not exist"
        found.rejected.append(Rejected(path, reason))
        return
    except OSError as exc:
        found.rejected.append(Rejected(path, f"cannot be read: {exc.strerror or exc}"))
        return
    kind = special_kind(st.st_mode)
    if kind:
        found.rejected.append(Rejected(path, f"is {kind}: only regular files are read"))
    elif system := _system(path, real):
        found.rejected.append(Rejected(path, f"is a system file (under {system}), not a notice"))
    elif st.st_size > max_bytes:
        found.rejected.append(Rejected(path, f"is {st.st_size:,} bytes, over the limit of {max_bytes:,} "
                                             "(raise it with --max-bytes)"))  # fmt: skip
    else:
        found.files.append(path)


SYSTEM = ("/proc", "/sys", "/dev")  # what the kernel shows as files: no notice lives there


def _system(path: str, real: str | None = None) -> str | None:
    """The system folder ``path`` lies in (once links are followed: ``real``, when known), if any."""
    real = real or os.path.realpath(path)
    return next((top for top in SYSTEM if _inside(real, top)), None)


def _named_link_outside(path: str, paths: Iterable[str]) -> str | None:
    """Where a link named on the command line points, when that is outside its own folder and
    every folder given: such a link is read only with ``--follow-symlinks``."""
    if not os.path.islink(path):
        return None
    real = os.path.realpath(path)
    folders = [
        os.path.realpath(os.path.dirname(path) or "."),
        *(os.path.realpath(p) for p in paths if os.path.isdir(p)),
    ]
    return None if any(_inside(real, f) for f in folders) else real


def discover(paths: Iterable[str], follow_symlinks: bool = False, max_bytes: int = MAX_BYTES) -> Found:
    """Files named on the command line, and notices found recursively in folders.

    In folders: every file, read by what its bytes are whatever its name (``.aspx``, ``.rtf``, none,
    ``2012.10…-press``), except a saved page's scripts, style sheets and fonts and Windows' system
    files, skipped by name (see :mod:`dedupe.passed`); hidden files and folders (macOS ``._*``
    among them) are passed over and counted. Only regular files are read: FIFOs,
    devices and sockets are refused by name, and so are files over ``max_bytes``. A symbolic link
    inside a folder is followed only when its target lies inside that folder (any target with
    ``follow_symlinks``); a dangling link, a link loop and a folder that cannot be read are
    reported. Paths keep the form they were given in.
    """
    found = Found()
    paths = list(paths)
    for given in paths:
        if not os.path.isdir(given):
            outside = None if follow_symlinks else _named_link_outside(given, paths)
            if outside:
                found.rejected.append(Rejected(given, f"is a link to {outside}, outside the folders given "
                                                      "(pass --follow-symlinks to read it)"))  # fmt: skip
            else:
                _admit(given, found, max_bytes)
            continue
        top = os.path.realpath(given)
        seen = {top}
        files: dict[str, str] = {}  # path → where it lies once links are followed

        def unreadable(exc: OSError, given: str = given) -> None:
            found.rejected.append(Rejected(exc.filename or given, f"cannot be read: {exc.strerror or exc}"))

        for root, dirs, names in os.walk(given, onerror=unreadable, followlinks=True):
            found.hidden += sum(1 for n in [*dirs, *names] if n.startswith("."))
            real_root = os.path.realpath(root)  # once a folder: a file not a link lies in it
            kept = []
            for d in sorted(x for x in dirs if not x.startswith(".")):
                path = os.path.join(root, d)
                real = os.path.realpath(path)
                if os.path.islink(path) and not follow_symlinks and not _inside(real, top):
                    found.rejected.append(Rejected(path, f"is a link to {real}, outside {given} "
                                                         "(pass --follow-symlinks to read it)"))  # fmt: skip
                elif real in seen:
                    found.rejected.append(Rejected(path, "is a link back to a folder already read (a loop)"))
                else:
                    seen.add(real)
                    kept.append(d)
            dirs[:] = kept
            for name in names:
                path = os.path.join(root, name)
                if name.startswith("."):
                    continue
                if skipped := by_name(path):
                    found.skipped.append(skipped)
                    continue
                link = os.path.islink(path)
                real = os.path.realpath(path) if link else os.path.join(real_root, name)
                if link and not follow_symlinks and os.path.exists(path) and not _inside(real, top):
                    found.rejected.append(Rejected(path, f"is a link to {real}, outside {given} "
                                                         "(pass --follow-symlinks to read it)"))  # fmt: skip
                    continue
                files[path] = real
        found.in_folders.update(files)
        for path in sorted(files):
            _admit(path, found, max_bytes, files[path])
    return found


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def document_id(data: bytes) -> str:
    """A notice's stable id: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def normalize_named(path: str, data: bytes, normalize_config: NormalizeConfig = NormalizeConfig()) -> Normalized:
    """``normalize`` with the one hint a file's name gives: a ``.html``/``.htm`` file is read as a
    web page even when its markup is too thin to tell. Every reader of files goes through here, so
    ``normalize``, ``ingest`` and ``verify`` read a file alike. A file's clean text must be a
    notice (:func:`normalize.notice.require_notice`): an error page, a page's source or a page of
    images only is refused with what it holds."""
    if names_a_page(path):
        normalize_config = normalize_config._replace(html=True)
    result = normalize(data, normalize_config)
    require_notice(result.text, (lambda: _page(data, result, normalize_config)) if result.was_html else None)
    return result


def _page(data: bytes, result: Normalized, normalize_config: NormalizeConfig) -> str:
    """The whole visible text of the web page ``data`` is (or that an MHTML archive holds)."""
    html = extract_text(data, "mhtml").html or b"" if result.format == "mhtml" else data
    return page_text(decode(html, normalize_config.encoding).text)


def read_document(
    path: str,
    order: int = 0,
    normalize_config: NormalizeConfig = NormalizeConfig(),
    config: DedupeConfig = DedupeConfig(),
    expect: str | None = None,
    max_bytes: int = MAX_BYTES,
    seen: set[ReadAs] | None = None,
) -> Document | Rejected | Copy:
    """Read, decode and normalize one file; its fingerprint is computed too (worth doing in a worker).

    ``expect``: the sha256 the bytes must have (an original of the corpus), else it is rejected.
    ``seen``: the bytes this reader has read as notices (see :class:`Copy`), to give a copy of one of
    them as a :class:`Copy` instead of reading it again; the notice read is added to it.
    """
    try:
        data = read_bytes(path, max_bytes)
    except IsADirectoryError:
        return Rejected(path, "is a directory: name the files, or the folder for a recursive search")
    except OSError as exc:
        return Rejected(path, str(exc) if not exc.errno else f"cannot be read: {exc.strerror or exc}")
    sha = hashlib.sha256(data).hexdigest()
    if expect is not None and sha != expect:
        return Rejected(path, f"has changed since it was ingested (its sha256 is no longer {expect[:16]}…)")
    bytes_read_as = read_as(sha, path, normalize_config)
    if seen is not None and bytes_read_as in seen:
        return Copy(path, order, bytes_read_as)
    try:
        normalized = normalize_named(path, data, normalize_config)
    except NormalizeError as exc:
        return Rejected(path, str(exc), getattr(exc, "category", ""))
    # text and key packed: the parent holds every notice read, most of them never read again
    doc = Document(sha[:16], path, pack(normalized), order, config, sha, len(data))
    _ = doc.names_repeal  # known now, while its packed text is still held expanded (dedupe.document._EXPANDED)
    del data, normalized  # not held while the fingerprint is made (a large file's bytes are a large share)
    doc.fingerprint.compute()  # in the worker, not the parent
    let_go(doc.normalized)  # its text, held expanded while it was read, is not read again soon
    if seen is not None:
        seen.add(bytes_read_as)
    return doc


def read_documents(paths: Sequence[str], jobs: int = 1, **options: Any) -> list[Document | Rejected]:
    """Every result of :func:`iter_documents` (same options), in input order."""
    return list(iter_documents(paths, jobs, **options))


def iter_documents(
    paths: Sequence[str],
    jobs: int = 1,
    normalize_config: NormalizeConfig = NormalizeConfig(),
    config: DedupeConfig = DedupeConfig(),
    start_order: int = 0,
    progress: Callable[[int], None] | None = None,
    orders: Sequence[int] | None = None,
    expect: Sequence[str] | None = None,
    max_bytes: int = MAX_BYTES,
    encodings: Sequence[str | None] | None = None,
    workers: Workers | None = None,
) -> Iterator[Document | Rejected]:
    """Read many files; with ``jobs`` > 1 the work is spread over processes. Each result, in
    input order, is given as soon as it is read: a caller can store it while the workers read on.

    ``orders``: each file's ingestion order (else from ``start_order`` on); ``expect``: each
    file's sha256 (see :func:`read_document`); ``encodings``: each file's ``--encoding`` (None:
    detected), in place of ``normalize_config``'s. ``progress`` is called with the files done since.
    ``workers``: the command's processes, to use (and leave running) instead of starting some.
    """

    def decoding(i: int) -> NormalizeConfig:
        return normalize_config._replace(encoding=encodings[i]) if encodings else normalize_config

    tasks = [
        (p, orders[i] if orders else start_order + i, decoding(i), config, expect[i] if expect else None, max_bytes)
        for i, p in enumerate(paths)
    ]
    pool = own = None
    if jobs > 1 and len(tasks) > 1:
        # this process reads too (see dedupe.sharing): jobs - 1 workers, one process fewer to hold
        prepare()  # loaded before the workers are forked: one copy of its pages for all
        pool = workers.pool() if workers is not None else None
        if pool is None:
            pool = own = processes(jobs - 1, initializer=die_with_parent, initargs=(os.getpid(),))
    size = max(1, min(64, len(tasks) // (jobs * 8))) if pool else 1  # alone: each result as it is read
    chunks = [tasks[k : k + size] for k in range(0, len(tasks), size)]
    copies = Copies()
    try:
        done = in_order(pool, jobs - 1, chunks, lambda p, c: p.submit(_read_chunk, c, copies.batch),
                        lambda c: _read_chunk(c, copies.batch))  # fmt: skip
        results = (r for chunk in done for r in chunk)  # one for each task, in order
        given = (copies.given(r, t[2], lambda t=t: read_document(*t)) for t, r in zip(tasks, results, strict=True))
        for result in gathering(given):
            yield result
            if progress:
                progress(1)
    finally:  # a caller that stops early (an error while storing) does not wait for the rest
        if own is not None:
            own.shutdown(cancel_futures=True)
        copies.close()


def _read_chunk(
    tasks: list[tuple[str, int, NormalizeConfig, DedupeConfig, str | None, int]], batch: int
) -> list[Document | Rejected | Copy]:
    seen = seen_in(batch)
    ask_ahead([t[0] for t in tasks[1:]])  # the first is read now: asked for, it would not come sooner
    done = [read_document(*t, seen=seen) for t in tasks]
    give_back()
    return done


def done_reading() -> None:
    """What reading leaves in a process is let go once a large batch is read: chardet's tables (24 MB,
    read again by its next use) and the C heap's free pages. A process that had read 5,000 of the
    generated notices went from 83 to 59 MB (a collection of cycles besides freed nothing more)."""
    forget_detector()
    forget_copies()
    give_back(now=True)


def read_batch(
    paths: Sequence[str],
    jobs: int = 1,
    normalize_config: NormalizeConfig = NormalizeConfig(),
    config: DedupeConfig = DedupeConfig(),
    max_bytes: int = MAX_BYTES,
    follow_symlinks: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: Workers | None = None,
) -> tuple[list[Document | Rejected], PassedOver]:
    """Find and read the notices in ``paths`` (see :func:`discover`): what was read or refused, in
    order, and what was passed over (hidden files; files of a folder that are no text format, or a
    saved page's resources, each with its reason). Raises NothingToRead when there is nothing."""
    from dedupe.errors import NothingToRead

    found = discover(paths, follow_symlinks, max_bytes)
    jobs = jobs if len(found.files) >= 64 else 1
    begin(progress, "reading", len(found.files))
    read = read_documents(found.files, jobs, normalize_config=normalize_config, config=config, progress=progress,
                          max_bytes=max_bytes, workers=workers)  # fmt: skip
    if len(found.files) >= FORGET_DETECTOR:
        done_reading()
        if workers is not None:
            workers.each(done_reading)
    passed = PassedOver(found.hidden, found.skipped)
    kept: list[Document | Rejected] = []
    for res in read:
        if isinstance(res, Rejected) and res.category and res.path in found.in_folders:
            passed.skipped.append(Skipped(res.path, res.reason, res.category))
        else:
            kept.append(res)
    if not kept and not found.rejected:
        what = f" ({passed.summary()})" if passed.skipped else ""
        raise NothingToRead(
            f"no notices found in {', '.join(paths)}{what}: give files, or folders holding text, web pages, Word or PDF files"
        )
    return [*found.rejected, *kept], passed


def normalize_file(path: str, normalize_config: NormalizeConfig = NormalizeConfig()) -> Normalized:
    """The normalized text of one file, or an InputError naming it and why it cannot be read."""
    from dedupe.errors import InputError

    if os.path.isdir(path):
        raise InputError(f"{path} is a directory: name the files to normalize")
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}" if exc.errno else f"{path} {exc}") from None
    try:
        return normalize_named(path, data, normalize_config)
    except NormalizeError as exc:
        raise InputError(f"{path}: {exc}") from None
