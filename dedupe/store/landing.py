"""Landing a plan in the corpus: what an ingest or a correction decided, written whole or not at all.

The manifest after the plan (its rows for every member of a cluster the plan touched, chain
columns included), the canonical texts that changed, the originals to copy and the log's lines go
through the journal (``dedupe.store.journal``: one rename makes them the corpus's); then the
cache is updated, which the next command's sync does instead if this fails. ``Corpus.land``
calls ``land`` under the corpus lock; ``dedupe.store.corpus`` opens the corpus and plans.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from dedupe.decisions import PairVerdict, landed
from dedupe.errors import CorpusError
from dedupe.names import printable
from dedupe.quality import quality_flags
from dedupe.store import chained, log, manifest, memo, settings
from dedupe.store import rows as manifest_rows
from dedupe.store.journal import Journal, crash_point, sha256_of
from dedupe.store.journal import land as land_journal
from dedupe.store.state import vouch
from dedupe.store.view import View, file_stamp, pair_row

if TYPE_CHECKING:
    from dedupe.store.corpus import Corpus, Plan

GITIGNORE = """# derived files: policy-dedup makes them anew from raw/, manifest.csv and decisions.jsonl
.cache/
.lock
.journal.json
.journal.json.tmp
.manifest.csv.*
.config.toml.tmp
.*.tmp
canonical/.*
"""


def land(corpus: Corpus, view: View, plan: Plan, batch_label: str | None = None,
         before: pl.DataFrame | None = None) -> None:  # fmt: skip
    """Write what ``plan`` decided (originals, manifest, canonical texts, log), whole or not at all.
    ``before``: the manifest as read, when ``view`` holds one a correction changed."""
    root = corpus.root
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    txn = uuid.uuid4().hex[:12]
    before = view.manifest if before is None else before
    plan.notes += vouch(root, before.height)  # never add to a log the manifest cannot vouch for
    frame = manifest_after(view, plan, now, batch_label, corpus.encoding)
    frame = chained.with_chains(frame, _fetcher(view, plan), chained.logged(corpus.decisions_path, plan.decisions))
    corpus.raw.mkdir(exist_ok=True)
    (root / "canonical").mkdir(exist_ok=True)
    tmp = f".manifest.csv.{txn}"
    manifest.write(frame, root / tmp)
    record_settings(corpus, new=not view.stamp)
    crash_point("prepared")
    result = plan.result
    texts = {f"canonical/{c.id}.txt": c.canonical.text + "\n" for c in (result.clusters if result else ())}
    texts = {k: v for k, v in texts.items() if not _same_text(root / k, v)}
    journal = Journal(
        old_manifest=view.stamp or None,
        new_manifest=sha256_of(root / tmp) or "",
        manifest_tmp=tmp,
        log_size=log.complete_size(corpus.decisions_path),
        originals=[(a.source, a.doc.path) for a in plan.additions if a.copy],
        texts=[(f"canonical/.{Path(k).name}.{txn}", k) for k in texts],
        remove=[f"canonical/{g}.txt" for g in sorted(_clusters(before) - _clusters(frame))],
    )
    shas = {a.doc.path: a.doc.sha256 for a in plan.additions if a.copy}
    lines = log.encode([landed(d, now, txn, batch_label) for d in plan.decisions])
    land_journal(root, journal, texts, lines, shas, corpus.progress)
    try:
        _update_cache(corpus, view, plan, journal.new_manifest)
    except (sqlite3.Error, OSError, CorpusError) as exc:  # landed: the next command brings the cache in line
        plan.notes.append(f"landed; the cache was not updated ({exc}): the next command brings it in line")
    keep_rows(root, journal.new_manifest, frame)


def keep_rows(root: Path, sha: str, frame: pl.DataFrame) -> None:
    """The rows ``check`` looks up (``dedupe.store.rows``), kept for the manifest just landed (of
    ``sha``) from the ``frame`` written to it, in the manifest's order: the first check after an
    ingest reads no manifest, and the ingest does not parse the one it wrote (0.16 s for a generated
    manifest of 100,000 rows). Derived, like the cache: when this fails, that check makes them."""
    if sha and (root / memo.FOLDER).is_dir():
        with contextlib.suppress(OSError, sqlite3.Error):
            manifest_rows.make(root, sha, frame.sort("path").select(manifest_rows.COLUMNS), settled=True).close()


def _fetcher(view: View, plan: Plan) -> chained.Fetch:
    """The notices of a landing's manifest: those the plan holds (new ones are not cached yet), the rest cached."""
    held = {m.id: m for c in (plan.result.clusters if plan.result else ()) for m in c.members}
    held.update({a.doc.id: a.doc for a in plan.additions})
    return lambda ids: {
        **view.cache.fetch([i for i in ids if i not in held]),
        **{i: held[i] for i in ids if i in held},
    }


def record_settings(corpus: Corpus, new: bool) -> None:
    """Write config.toml when the corpus has none (a new one, or one made before it existed: it
    records what the corpus was read with), and a new corpus's .gitignore. An ingest that does
    not land leaves them: they say what the corpus is read with anyway."""
    if new or not (corpus.root / settings.FILE).exists():
        settings.write(corpus.root, corpus.settings)
    if new and not (corpus.root / ".gitignore").exists():
        (corpus.root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")


def _update_cache(corpus: Corpus, view: View, plan: Plan, stamp: str) -> None:
    """Add the landed notices and pairs to the cache; if this fails, the next command's sync does it."""
    cache = view.cache
    docs = [a.doc for a in plan.additions]
    pairs = [d for d in plan.decisions if isinstance(d, PairVerdict)]
    with cache.db:
        cache.add(docs, {d.id: file_stamp(corpus.root / d.path) for d in docs})
        cache.add_pairs(pair_row(p, p.a_id or "", p.b_id or "") for p in pairs)
        cache.set("manifest", stamp)
        cache.set("log", log.marker(corpus.decisions_path))
    if view.shared is not None:
        view.shared.add(docs)


def manifest_after(view: View, plan: Plan, now: str, batch_label: str | None, encoding: str | None) -> pl.DataFrame:
    """The manifest once ``plan`` lands: the rows of every member of a cluster it touched made anew
    (a new file's provenance from the plan, a known one's kept), the others as they are.
    ``encoding``: the batch's ``--encoding``, recorded with each new file."""
    result = plan.result
    if result is None:
        return view.manifest
    added = {a.doc.id: a for a in plan.additions}
    rows = []
    changed = {m.id for c in result.clusters for m in c.members}
    old = view.rows(changed - set(added))
    for c in result.clusters:
        for m in c.members:
            ms, meta, was = result.membership[m.id], m.normalized.meta, old.get(m.id, {})
            a = added.get(m.id)
            rows.append(
                {
                    "id": m.id, "path": m.path,
                    "source": printable(a.source) if a else was.get("source"),
                    "batch": batch_label if a else was.get("batch"),
                    "ingested_at": now if a else was.get("ingested_at"),
                    "sha256": m.sha256 if a else was["sha256"],
                    "bytes": m.size if a else was["bytes"],
                    "encoding": m.normalized.encoding, "confidence": round(m.normalized.confidence, 4),
                    "given_encoding": encoding if a else was.get("given_encoding"),
                    "format": m.normalized.describe_format(),
                    "title": meta.title, "doc_number": meta.doc_number, "issuer": meta.issuer, "date": meta.date,
                    "chars": len(m.text), "flags": ";".join(quality_flags(m, c.members)),
                    "status": was.get("status", "active"), "cluster": c.id,
                    "is_canonical": m is c.canonical, "relation": ms.relation, "similarity": ms.similarity,
                    "via": ms.via,
                    "seq": m.order,
                }
            )  # fmt: skip
    fresh = pl.DataFrame(rows, schema=manifest.SCHEMA)
    kept = view.manifest.filter(~pl.col("id").is_in(list(changed))).select(list(manifest.SCHEMA))
    return pl.concat([kept, fresh])  # manifest.write sorts it


def _clusters(frame: pl.DataFrame) -> set[str]:
    return set(frame.filter(pl.col("status") == "active")["cluster"].to_list())


def _same_text(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False
