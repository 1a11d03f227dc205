"""The corpus folder: originals byte for byte, canonical texts, a manifest and a decision log.

    corpus/
      raw/                 originals, never modified or deleted
      canonical/<id>.txt   clean text of each cluster's canonical member (named by cluster id)
      manifest.csv         one row per original, sorted by path: provenance, facts, cluster
      decisions.jsonl      append-only log of merges, vetoes, elections, rejections
      config.toml          the settings it was built with (dedupe.store.settings); every command uses them
      .gitignore           names the derived files below, written at the first ingest
      .cache/index.sqlite  derived (dedupe.store.cache), rebuilt from the three above

Truth is raw/, the manifest and the log. Every command holds the corpus lock (``filelock``, one
flock on ``.lock``), first finishes or undoes an ingest a crash interrupted
(``dedupe.store.journal``), checks the manifest's rows and that every original is there, and
brings the cache in line. ``check`` runs the engine over the corpus and writes nothing else;
``ingest`` runs the same engine and lands its decisions through the journal (``dedupe.store.landing``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import Timeout

from dedupe.candidates import RedisIndex
from dedupe.config import DedupeConfig
from dedupe.decisions import Decision, Reject, SameBytes
from dedupe.document import Document
from dedupe.engine import Result, find_duplicates
from dedupe.errors import CorpusError, NothingToRead
from dedupe.files import MAX_BYTES, Rejected, read_batch
from dedupe.names import printable
from dedupe.passed import PassedOver, Skipped
from dedupe.sharing import Workers
from dedupe.store import log, settings
from dedupe.store import rows as manifest_rows
from dedupe.store.cache import Cache, note
from dedupe.store.git import added_since
from dedupe.store.journal import JOURNAL, recover
from dedupe.store.lock import busy, locked, not_a_corpus
from dedupe.store.settings import Settings
from dedupe.store.view import View, check_originals, sync
from normalize import NormalizeConfig

if TYPE_CHECKING:
    import polars as pl


@dataclass
class Addition:
    """A file new to the corpus: its notice (path in raw/, hash and size of its bytes), where it came from."""

    doc: Document
    source: str
    copy: bool = True  # False: already in raw/, adopted where it lies
    renamed: bool = False  # its name in raw/ differs from the source's


@dataclass
class Plan:
    """What an ingest would change: ``check`` prints it, ``ingest`` lands it."""

    additions: list[Addition] = field(default_factory=list)
    known: list[tuple[str, str]] = field(default_factory=list)  # (given path, corpus path) of the same bytes
    same_bytes: list[tuple[str, str]] = field(default_factory=list)  # (given path, earlier given path)
    rejected: list[Rejected] = field(default_factory=list)
    result: Result | None = None
    notes: list[str] = field(default_factory=list)  # what opening the corpus did (a recovery)
    skipped: list[Skipped] = field(default_factory=list)  # files of a folder that are no notice format
    corrections: list[Decision] = field(default_factory=list)  # a person's, logged first
    since: list[str] = field(default_factory=list)  # files a git change added (check --since)
    logged: set[tuple[str, str, str]] = field(default_factory=set)  # refusals the log holds already (not again)

    @property
    def decisions(self) -> list[Decision]:
        out = [*self.corrections, *(self.result.decisions if self.result else ())]
        out += [Reject(path=r.path, reason=r.reason) for r in self.rejected]
        why = "the same bytes as another file of the batch"
        out += [SameBytes(path=p, as_path=q, reason=why) for p, q in self.same_bytes]
        return [d for d in out if log.refusal(d) not in self.logged]


class Corpus:
    def __init__(
        self,
        root: str | Path,
        config: DedupeConfig | None = None,
        normalize_config: NormalizeConfig | None = None,
        index_url: str | None = None,
        jobs: int = 1,
        lock_timeout: float = 60.0,
        progress: Callable[[int], None] | None = None,
        follow_symlinks: bool = False,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        """``config``, ``normalize_config``: what the caller asks for, None for the corpus's own
        (its config.toml; the defaults for a new corpus). A corpus refuses settings other than its
        own (``SettingsRefused``); ``normalize_config.encoding`` is the batch's, recorded per file."""
        self.root = Path(root)
        self.follow_symlinks, self.max_bytes = follow_symlinks, max_bytes
        self._asked = (config, normalize_config)
        self._settings: Settings | None = None
        self.encoding = normalize_config.encoding if normalize_config else None
        self.index_url, self.jobs, self.lock_timeout, self.progress = index_url, jobs, lock_timeout, progress
        self._held: bool | None = None  # while this corpus holds its lock: whether it can write
        self._holder: int | None = None  # the thread holding it (another thread waits for the lock)
        self._workers: Workers | None = None  # a command's processes, while it reads and matches (dedupe.sharing)
        self.notes: list[str] = []  # what opening the corpus did (an interrupted ingest settled)

    @property
    def settings(self) -> Settings:
        """The settings every comparison uses: the corpus's recorded ones (see ``__init__``)."""
        if self._settings is None:
            self._settings = self._resolve()
        return self._settings

    def _resolve(self) -> Settings:
        config, ncfg = self._asked
        if not self.is_corpus():
            return Settings(config or DedupeConfig(), (ncfg or NormalizeConfig())._replace(encoding=None))
        recorded = settings.load(self.root) or Settings()
        return settings.resolve(self.root, recorded, config, ncfg)

    @property
    def config(self) -> DedupeConfig:
        return self.settings.dedupe

    @property
    def normalize_config(self) -> NormalizeConfig:
        """The corpus's normalization, decoding with this batch's ``--encoding`` if one was given."""
        return self.settings.normalize._replace(encoding=self.encoding)

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.csv"

    @property
    def decisions_path(self) -> Path:
        return self.root / "decisions.jsonl"

    def is_corpus(self) -> bool:
        return self.manifest_path.is_file()

    def require(self) -> None:
        """Fail unless the folder is a corpus (a manifest.csv), saying what to do."""
        if not self.is_corpus():
            from dedupe.store import manifest

            manifest.read(self.manifest_path)  # a corpus that lost its manifest: says how to restore it
            raise not_a_corpus(self.root)

    def read_manifest(self, columns: tuple[str, ...] | None = None) -> pl.DataFrame:
        """The manifest as it is on disk (inside ``reading`` or ``session``, as they hold it)."""
        from dedupe.store import manifest

        return manifest.read(self.manifest_path, columns)

    def rows(self) -> manifest_rows.Rows:
        """The manifest's rows as ``check`` looks them up (inside ``reading`` or ``session``)."""
        return manifest_rows.of(self.root, self.read_manifest)

    # -- opening ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def reading(self, columns: tuple[str, ...] | None = None) -> Iterator[pl.DataFrame]:
        """The one way a reader opens the corpus (report, history, export, check, review): under
        the lock (shared, without writing anything, when the corpus cannot be written), an ingest
        a crash interrupted finished or undone, the manifest read and checked. Yields the manifest;
        the notes of what opening did are in ``self.notes``."""
        with self._opened():
            yield self.read_manifest(columns)

    @contextlib.contextmanager
    def indexed(self) -> Iterator[manifest_rows.Rows]:
        """``reading``, yielding the manifest's rows looked up by index (:meth:`rows`) instead of the
        whole manifest: what ``check`` reads of a large corpus."""
        with self._opened(), contextlib.closing(self.rows()) as found:
            yield found

    @contextlib.contextmanager
    def _opened(self) -> Iterator[None]:
        self.require()
        with self._locked() as writable:
            if writable and self.notes:
                note("; ".join(self.notes))
                self.notes = []
            yield

    @contextlib.contextmanager
    def session(
        self, create: bool = False, columns: tuple[str, ...] | None = None, indexed: bool = False
    ) -> Iterator[tuple[View, list[str]]]:
        """``reading``, then the originals checked and the cache brought in line. Yields the corpus
        as the engine sees it, and notes. ``indexed``: the view looks the manifest's rows up by index
        (:meth:`rows`), and reads the whole manifest only when asked for it (``check``)."""
        if not create:
            self.require()
        with self._locked(create):
            found = self.rows() if indexed else None
            frame = None if found is not None else self.read_manifest(columns)
            self._same_settings()
            cache = Cache(self.root / ".cache" / "index.sqlite", self.config, self.settings.key())
            try:
                check_originals(self.root, found.paths if found is not None else frame["path"].to_list)
                read = (lambda: frame) if frame is not None else (lambda: self.read_manifest(columns))
                stamp = sync(self.root, read, cache, self.settings.normalize, self.jobs, self.progress)
                shared = self._shared(read, cache) if self.index_url else None
                yield View(self.root, frame, cache, shared, stamp, found), list(self.notes)
            finally:
                cache.close()
                if found is not None:
                    found.close()

    @contextlib.contextmanager
    def _locked(self, create: bool = False) -> Iterator[bool]:
        """Hold the corpus lock (``dedupe.store.lock``; again inside this corpus's own hold, it is
        already held) and, when the corpus can be written, finish or undo an interrupted ingest.
        Yields whether the corpus can be written."""
        if self._held is not None and self._holder == threading.get_ident():
            yield self._held
            return
        try:
            if create:
                self.root.mkdir(parents=True, exist_ok=True)
            with locked(self.root, self.lock_timeout) as writable:
                self._held, self._holder = writable, threading.get_ident()
                try:
                    self.notes = self._recover(writable)
                    yield writable
                finally:
                    self._held = self._holder = None
        except Timeout:
            raise busy(self.root, self.lock_timeout) from None
        except OSError as exc:
            raise CorpusError(f"cannot use the corpus at {self.root}: {exc.strerror or exc}") from None

    def _recover(self, writable: bool) -> list[str]:
        """Finish or undo an interrupted ingest; a corpus that cannot be written is read as it is,
        unless an ingest was interrupted there (only a command that can write may settle it)."""
        if writable:
            return [n for n in [recover(self.root)] if n]
        if (self.root / JOURNAL).exists():
            raise CorpusError(f"an ingest into {self.root} was interrupted, and this user cannot write the corpus to "
                              "finish or undo it: run any command as a user who can (policy-dedup verify shows it)")  # fmt: skip
        return []

    def _same_settings(self) -> None:
        """The settings read before the lock are still the corpus's (none made it or re-keyed it since)."""
        if self.is_corpus() and (settings.load(self.root) or Settings()).differences(self.settings):
            raise CorpusError(f"the settings of the corpus {self.root} changed while this command read its files "
                              "(a rekey, or another first ingest): run it again")  # fmt: skip

    def rekey(self, near_threshold: float | None = None) -> list[tuple[str, object, object]]:
        """Record new settings (``near_threshold``; the candidate threshold follows it) as the
        corpus's, or write out those it is read with, and make its cache anew with them; returns
        (setting, old, new) of what changed. Notices already clustered keep their clusters and
        recorded verdicts: the new settings judge what is ingested or checked from now on."""
        self.require()
        recorded = settings.load(self.root) or Settings()
        config = recorded.dedupe
        if near_threshold is not None:
            config = dataclasses.replace(config, near_threshold=near_threshold, candidate_threshold=None)
        wanted = Settings(config, recorded.normalize)
        self._asked, self._settings = (None, None), wanted
        with self._locked():
            settings.write(self.root, wanted)
        with self.session() as (view, _):  # the cache, keyed by the settings, is made anew from the originals
            self.rewritten_texts = self._rewrite_texts(view.manifest)
        return recorded.differences(wanted)

    def _rewrite_texts(self, frame: pl.DataFrame) -> int:
        """Canonical texts an earlier normalization wrote, made anew from their originals: how many."""
        import polars as pl

        from dedupe.store.journal import atomic_write
        from dedupe.store.verify import stale_texts

        texts = {p.stem for p in (self.root / "canonical").glob("*.txt")}
        active = frame.filter(pl.col("is_canonical") & (pl.col("status") == "active"))
        stale = stale_texts(self.root, active, texts)
        with self._locked():
            for cluster, _, text in stale:
                atomic_write(self.root / "canonical" / f"{cluster}.txt", lambda p, t=text: p.write_text(t, "utf-8"))
        return len(stale)

    def _shared(self, read: Callable[[], pl.DataFrame], cache: Cache) -> RedisIndex | None:
        """The Redis index when one is named, topped up with notices it lacks (after a crash)."""
        if not self.index_url:
            return None
        frame = read()
        index = RedisIndex(self.config, self.index_url, basename=f"policy-dedup:{self.root.resolve().name}")
        if index.size() < frame.height:
            index.add(list(cache.fetch(frame["id"].to_list()).values()))
        return index

    # -- planning --------------------------------------------------------------------------------
    def read(self, paths: Sequence[str]) -> tuple[list[Document | Rejected], PassedOver]:
        """Find, read, decode, normalize and sign the files (no lock: nothing is written); also what
        was passed over (hidden files, files of a folder skipped for what they are)."""
        return read_batch(paths, self.jobs, self.normalize_config, self.config, self.max_bytes, self.follow_symlinks,
                          self.progress, self._workers)  # fmt: skip

    def plan(self, view: View, batch: list[Document | Rejected]) -> Plan:
        """Compare ``batch`` with the corpus and with itself; change nothing."""
        plan = Plan()
        by_sha, seq = view.held({r.sha256 for r in batch if isinstance(r, Document)}), view.next_seq()
        taken: set[str] = set()  # names given in this batch (listed ones exist in raw/)
        first: dict[str, str] = {}
        for res in batch:
            if isinstance(res, Rejected):
                plan.rejected.append(res)
            elif res.sha256 in by_sha:
                plan.known.append((res.path, by_sha[res.sha256]))
            elif res.sha256 in first:
                plan.same_bytes.append((res.path, first[res.sha256]))
            else:
                first[res.sha256] = res.path
                target, copy = self._place(res.path, res.sha256, taken)
                taken.add(target)
                renamed = copy and Path(target).name != Path(res.path).name
                plan.additions.append(Addition(res.moved(target, order=seq), res.path, copy, renamed))
                seq += 1
        if plan.additions:
            docs = [a.doc for a in plan.additions]
            plan.result = find_duplicates(docs, self.config, self.jobs, known=view, progress=self.progress,
                                          workers=self._workers)  # fmt: skip
        return plan

    def _place(self, source: str, sha: str, taken: set[str]) -> tuple[str, bool]:
        """Where an original goes in raw/ (its own name, else the name with its hash), and
        whether it must be copied there (a file already inside raw/ stays where it is)."""
        resolved = Path(source).resolve()
        raw = self.raw.resolve()
        if raw in resolved.parents:
            return resolved.relative_to(self.root.resolve()).as_posix(), False
        name = printable(resolved.name).lstrip(".") or "notice"  # a name that is not UTF-8 gets its bytes as %FF
        stem, suffix = os.path.splitext(name)
        candidates = [name, f"{stem}_{sha[:8]}{suffix}", *(f"{stem}_{sha[:8]}_{n}{suffix}" for n in range(2, 1000))]
        for candidate in candidates:
            rel = f"raw/{candidate}"
            if rel not in taken and not (self.root / rel).exists():
                return rel, True
        raise CorpusError(f"no free name in {self.raw} for {source}")

    def check(self, paths: Sequence[str], since: str | None = None) -> Plan:
        """What ingesting ``paths`` (and the files added under raw/ since the git ref ``since``)
        would do; the corpus is left as it is (its cache aside)."""
        self.require()
        if not paths and not since:
            raise NothingToRead("name the files to check, or --since GIT-REF for those added under raw/ since")
        added = added_since(self.root, since) if since else []
        if since and not added and not paths:
            return Plan(notes=[f"no file added under {self.raw} since {since}: nothing to check"])
        with Workers(self.jobs) as self._workers:  # one set of workers, for reading and matching
            batch, hidden = self.read([*paths, *added])
            with self.session(columns=manifest_rows.INDEX, indexed=True) as (view, notes):
                plan = self.plan(view, batch)
                plan.notes, plan.since, plan.skipped = notes + hidden.notes(), added, hidden.skipped
                return plan

    def contents(self) -> tuple[dict[str, Document], list[dict[str, Any]]]:
        """Every notice, normalized, and every verified pair (for reports)."""
        with self.session() as (view, _):
            return view.cache.fetch(view.manifest["id"].to_list()), view.cache.pairs()

    # -- landing ---------------------------------------------------------------------------------
    def ingest(self, paths: Sequence[str], batch_label: str | None = None) -> Plan:
        """Add ``paths`` to the corpus: originals copied byte for byte, clusters and canonicals
        updated, every decision logged; the whole lands or nothing does."""
        with Workers(self.jobs) as self._workers:  # one set of workers, for reading and matching
            batch, hidden = self.read(paths)  # the slow part, outside the lock: workers read in parallel
            with self.session(create=True) as (view, notes):
                plan = self.plan(view, batch)
                self._workers.close()  # what is left is written by this process alone
                plan.notes, plan.skipped = notes + hidden.notes(), hidden.skipped
                if plan.rejected or plan.same_bytes:
                    plan.logged = log.refusals(self.decisions_path)
                if plan.additions or plan.decisions:  # known files, refusals logged before: nothing to write
                    self.land(view, plan, batch_label)
        return plan

    def land(self, view: View, plan: Plan, batch_label: str | None = None, before: pl.DataFrame | None = None) -> None:
        """Write what ``plan`` decided (originals, manifest, canonical texts, log), whole or not at all
        (``dedupe.store.landing``). ``before``: the manifest as read, when ``view`` holds one a correction changed."""
        if self._held is False:
            raise CorpusError(f"cannot write to the corpus at {self.root}: this user may only read it (nothing was "
                              "changed); run the command as a user who can write it")  # fmt: skip
        from dedupe.store import landing

        landing.land(self, view, plan, batch_label, before)
