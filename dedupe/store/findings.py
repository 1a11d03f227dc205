"""What ``check`` finds when a plan meets the corpus, as typed results: which file duplicates which
notice and through which pair, which duplicates a person accepted, which files repeat a withdrawn
notice, which are related, new, new versions of a regulation, known, identical or refused.

The store decides all of it here, under one hold of the corpus (the manifest read once, the
person's records of the log scanned at most once, the cache opened only when a notice's text is
needed); ``dedupe.reports.check`` only formats the result. Each path is the one a person knows the
notice by: the file as given for a file of the batch, its place in the corpus folder otherwise.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dedupe.acts import act_core, is_act, title_of
from dedupe.decisions import Accept, ChainByHand, Decision, Kind, Withdraw
from dedupe.document import Document
from dedupe.files import Rejected
from dedupe.model import Cluster, Pair, Result
from dedupe.store import chained, log
from dedupe.store.corpus import Corpus, Plan
from dedupe.store.rows import COLUMNS, INDEX, Rows
from dedupe.store.view import View
from dedupe.verify import STRENGTH, measure, verdict

if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True)
class Duplicate:
    """A file that duplicates a notice: the corpus's (its cluster's canonical when that is in the
    corpus) or an earlier file of the batch. ``relation`` and ``similarity`` (4 places) are one
    pair's: with the notice named, or with ``through``, the member the file joined the cluster by."""

    path: str
    duplicates: str
    cluster: str
    relation: str
    similarity: float | None
    reason: str
    sha256: str
    through: str | None = None
    recorded: bool = False  # found in the manifest (a change that ingested it), not by comparing now: no pair


@dataclass(frozen=True)
class Accepted:
    """A duplicate a person accepted (``policy-dedup accept`` of its bytes): who, when and why."""

    duplicate: Duplicate
    by: str | None
    time: str | None
    why: str | None


@dataclass(frozen=True)
class Related:
    """Two notices reported together and never merged: related, or kept apart by the veto."""

    path: str
    other: str
    relation: str
    reason: str


@dataclass(frozen=True)
class Withdrawn:
    """A file that repeats a withdrawn notice (its bytes, or a text a merge would join): the
    match (similarity to 4 places) and the person's withdrawal ('?' for who and when, unrecorded)."""

    path: str
    withdrawn: str
    relation: str
    similarity: float
    reason: str
    by: str
    time: str
    why: str


@dataclass(frozen=True)
class NewVersion:
    """A new notice that is a version of a regulation the corpus holds: the version it follows, its
    status once ingested, and the chain's current version then."""

    path: str
    version_of: str
    status: str
    chain_current: str | None


@dataclass(frozen=True)
class Known:
    """A file whose bytes the corpus holds already, and where."""

    path: str
    corpus: str


@dataclass(frozen=True)
class Identical:
    """A file with the bytes of an earlier file of the same batch."""

    path: str
    as_path: str


@dataclass(frozen=True)
class Findings:
    """Everything ``check`` reports, each list in the order it is printed."""

    duplicates: tuple[Duplicate, ...]  # still failing
    accepted: tuple[Accepted, ...]
    withdrawn: tuple[Withdrawn, ...]
    related: tuple[Related, ...]
    new: tuple[str, ...]
    new_versions: tuple[NewVersion, ...]
    known: tuple[Known, ...]
    same_bytes: tuple[Identical, ...]
    rejected: tuple[Rejected, ...]

    @property
    def exit_code(self) -> int:
        """1 when a duplicate fails, else 2 when a file could not be read, else 0."""
        return 1 if self.duplicates else 2 if self.rejected else 0


class _Reading:
    """One hold of the corpus: its manifest's rows (``COLUMNS``, looked up by index; the whole
    manifest read only when asked for), the person's records of its log (scanned once, when first
    asked for), and its cache (opened once, when a notice's text is first needed)."""

    def __init__(self, corpus: Corpus, rows: Rows, stack: contextlib.ExitStack) -> None:
        self.corpus, self.rows, self._stack = corpus, rows, stack
        self._frame: pl.DataFrame | None = None
        self._said: list[Decision] | None = None
        self._view: View | None = None

    @property
    def frame(self) -> pl.DataFrame:
        if self._frame is None:
            self._frame = self.corpus.read_manifest(COLUMNS)
        return self._frame

    @property
    def said(self) -> list[Decision]:
        if self._said is None:
            self._said = by_hand(self.corpus.decisions_path)
        return self._said

    @property
    def view(self) -> View:
        if self._view is None:
            self._view = self._stack.enter_context(self.corpus.session(columns=INDEX, indexed=True))[0]
        return self._view

    def show(self, plan: Plan) -> Callable[[Document], str]:
        """How a notice is named: the file given for one of ``plan``'s additions, else its corpus path."""
        added = {a.doc.id: a.source for a in plan.additions}
        return lambda doc: added.get(doc.id) or str(Path(self.corpus.root) / doc.path)


@contextlib.contextmanager
def _reading(corpus: Corpus) -> Iterator[_Reading]:
    with corpus.indexed() as rows, contextlib.ExitStack() as stack:
        yield _Reading(corpus, rows, stack)


def find(corpus: Corpus, plan: Plan, since: Sequence[str] = ()) -> Findings:
    """What ``check`` reports of ``plan``: each addition that duplicates a corpus notice or an
    earlier addition, once, naming the notice it duplicates (the cluster's canonical when that is in
    the corpus), and the rest (see ``Findings``).

    ``since``: the files a change adds (``check --since``, ``--as-change``). Those the change
    ingested already are in the manifest; one it records in a cluster with a notice the change did
    not add is a duplicate too."""
    with _reading(corpus) as r:
        show = r.show(plan)
        added = {a.doc.id for a in plan.additions}
        found = found_duplicates(plan.result, added, show)
        failing, accepted = _accepted(r, [*found, *recorded_duplicates(r, plan, since)])
        dup_ids = {m.id for _, _, flagged in _flagged(plan.result, added) for m in flagged}
        fresh = [a.doc for a in plan.additions if a.doc.id not in dup_ids]
        versions = new_versions(r, fresh, show)
        failed = {d.path for d in [*failing, *(a.duplicate for a in accepted)]}  # counted there, not known too
        return Findings(
            duplicates=tuple(failing),
            accepted=tuple(accepted),
            withdrawn=tuple(_withdrawn(r, plan)),
            related=tuple(related_pairs(plan.result, show)),
            new=tuple(a.source for a in plan.additions if a.doc.id not in dup_ids and a.doc.id not in versions),
            new_versions=tuple(versions.values()),
            known=tuple(Known(p, str(Path(corpus.root) / c)) for p, c in plan.known if p not in failed),
            same_bytes=tuple(Identical(p, q) for p, q in plan.same_bytes),
            rejected=tuple(plan.rejected),
        )


def withdrawn(corpus: Corpus, plan: Plan) -> list[Withdrawn]:
    """The files of ``plan`` that repeat a withdrawn notice (what ``ingest`` notes after landing)."""
    with _reading(corpus) as r:
        return _withdrawn(r, plan)


def _flagged(result: Result | None, added: set[str]) -> Iterator[tuple[Cluster, Document, list[Document]]]:
    """Each cluster holding an addition, the notice its additions are said to duplicate (the
    canonical when that is in the corpus, else its oldest corpus member, else the first addition)
    and the additions that duplicate it, oldest first."""
    for c in result.clusters if result else ():
        older = [m for m in c.members if m.id not in added]
        ordered = sorted((m for m in c.members if m.id in added), key=lambda m: m.order)
        if older:
            yield c, c.canonical if c.canonical.id not in added else older[0], ordered
        elif ordered:
            yield c, ordered[0], ordered[1:]


def found_duplicates(result: Result | None, added: set[str], show: Callable[[Document], str]) -> list[Duplicate]:
    """The duplicates the engine found among the additions, each with the pair that joined it."""
    if result is None:
        return []
    pairs: dict[frozenset[str], Pair] = {}
    for p in result.pairs:
        pairs.setdefault(frozenset((p.a.id, p.b.id)), p)
    out = []
    for c, target, flagged in _flagged(result, added):
        for m in flagged:
            pair = pairs.get(frozenset((m.id, target.id)))
            if pair is None or not pair.merged:  # joined through another member: that pair's figures
                pair = joined_by(m, c.members, result.pairs) or pair
            if pair is None:
                why = f"in the same cluster as {target.path}"
                out.append(Duplicate(show(m), show(target), c.id, "near", None, why, m.sha256))
                continue
            other = pair.b if pair.a.id == m.id else pair.a
            through = show(other) if other.id != target.id else None
            out.append(Duplicate(show(m), show(target), c.id, pair.relation, round(pair.similarity.jaccard, 4),
                                 pair.reason, m.sha256, through))  # fmt: skip
    return out


def joined_by(doc: Document, members: Sequence[Document], pairs: Sequence[Pair]) -> Pair | None:
    """The merge that put ``doc`` in the cluster of ``members``: its strongest merged pair with one of
    them (the relation and the figure printed beside a duplicate are then the same pair's)."""
    others = {m.id for m in members} - {doc.id}
    found = [p for p in pairs if p.merged and doc.id in (p.a.id, p.b.id) and ({p.a.id, p.b.id} - {doc.id}) <= others]
    return min(found, key=lambda p: (STRENGTH.get(p.relation, 99), -p.similarity.jaccard), default=None)


def related_pairs(result: Result | None, show: Callable[[Document], str]) -> list[Related]:
    """The verified pairs kept apart: related notices, and versions the veto held apart."""
    return [
        Related(show(p.b), show(p.a), p.relation, p.reason)
        for p in (result.kept_apart() if result else ())
        if p.relation == "related" or p.veto
    ]


def recorded_duplicates(r: _Reading, plan: Plan, added: Sequence[str]) -> list[Duplicate]:
    """Files ``added`` by a change and already ingested by it that the manifest records as
    members of a cluster holding a notice the change did not add."""
    if not added:
        return []
    wanted = {str(Path(p).resolve()) for p in added}
    known = {c: p for p, c in plan.known if str(Path(p).resolve()) in wanted}
    if not known:
        return []
    import polars as pl

    rows = r.frame.filter(pl.col("status") == "active")
    root = Path(r.corpus.root)
    new = set(known) | {c for c in rows["path"].to_list() if str((root / c).resolve()) in wanted}
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for row in rows.sort("seq").iter_rows(named=True):
        by_cluster.setdefault(row["cluster"], []).append(row)
    out = []
    for row in rows.filter(pl.col("path").is_in(list(known))).iter_rows(named=True):
        older = [m for m in by_cluster[row["cluster"]] if m["path"] not in new]
        if not older:
            continue
        target = next((m for m in older if m["is_canonical"]), older[0])
        relation = row["relation"] if not row["is_canonical"] else "near"
        why = f"ingested by this change into the cluster of {target['path']} ({row['relation']})"
        out.append(Duplicate(known[row["path"]], str(root / target["path"]), row["cluster"], relation,
                             row["similarity"], why, row["sha256"], recorded=True))  # fmt: skip
    return out


def _accepted(r: _Reading, duplicates: list[Duplicate]) -> tuple[list[Duplicate], list[Accepted]]:
    """Duplicates still failing, and those a person accepted (the same bytes), each with who
    accepted it and why. With no duplicate, the log is not read (it grows with the corpus)."""
    if not duplicates:
        return [], []
    said = {d.sha256: d for d in r.said if isinstance(d, Accept)}
    failing, passed = [], []
    for dup in duplicates:
        if (d := said.get(dup.sha256)) is not None:
            passed.append(Accepted(dup, d.by, d.time, d.reason))
        else:
            failing.append(dup)
    return failing, passed


def _withdrawn(r: _Reading, plan: Plan) -> list[Withdrawn]:
    """Files of ``plan`` that repeat a notice someone withdrew (its bytes, or a text a merge would
    join), with who withdrew it and why: a re-scrape of a withdrawn page is new to the corpus's
    active notices, and says so."""
    rows = r.rows.withdrawn()
    if not rows:
        return []
    by_path = {row["path"]: row for row in rows}
    matches = [(p, by_path[c], "same bytes", 1.0, "the same bytes") for p, c in plan.known if c in by_path]
    if plan.additions:
        gone = r.view.fetch([row["id"] for row in rows])
        for a in plan.additions:
            for doc in gone.values():
                judged = verdict(a.doc.key, doc.key, measure(a.doc, doc), r.corpus.config)
                if judged.merges:
                    matches.append((a.source, by_path[doc.path], str(judged.relation), judged.similarity.jaccard,
                                    judged.reason))  # fmt: skip
    if not matches:
        return []
    said = {d.id: d for d in r.said if isinstance(d, Withdraw)}
    out = []
    for path, row, relation, similarity, reason in matches:
        d = said.get(row["id"])
        by, time, why = (d.by, d.time or "?", d.reason or "") if d else ("?", "?", "")
        out.append(Withdrawn(path, row["path"], relation, round(similarity, 4), reason, by, time, why))
    return out


def new_versions(r: _Reading, docs: Sequence[Document], show: Callable[[Document], str]) -> dict[str, NewVersion]:
    """The new notices among ``docs`` that are versions of a regulation the corpus holds, by id: the
    corpus's version they follow (its chain's current one until now), and their status once ingested.
    Only the corpus's clusters whose titles hold the act's name are read (the act key decides)."""
    acts = {d.id: title for d in docs if (title := title_of([d])) and is_act(title)}
    if not acts:
        return {}
    held = r.rows.titled(_act_name(t) for t in acts.values())  # the clusters where a title holds an act's name
    if not held:
        return {}
    new = {d.id: d for d in docs if d.id in acts}
    rows = [*held, *({"id": d.id, "path": d.path, "cluster": d.id, "title": acts[d.id], "is_canonical": True}
                     for d in new.values())]  # fmt: skip

    def fetch(ids: list[str]) -> dict[str, Any]:
        return {**r.view.cache.fetch([i for i in ids if i not in new]), **{i: new[i] for i in ids if i in new}}

    corrections = [chained.correction(d) for d in r.said if isinstance(d, ChainByHand)]
    out = {}
    paths = {d.path: d for d in new.values()}
    for chain in chained.row_chains(rows, fetch, corrections):
        old = [v for v in chain.versions if not set(v.paths) & set(paths)]
        before = [v for v in old if v.status != "draft"] or old
        for v in chain.versions:
            if v.path in paths and before:
                current = next((show(new[w.canonical.id]) if w.canonical.id in new else w.path
                                for w in chain.versions if w.path == chain.current), None)  # fmt: skip
                out[paths[v.path].id] = NewVersion(show(paths[v.path]), before[-1].path, v.status, current)
    return out


def _act_name(title: str) -> str:
    """The words of an act's name that every title of it holds: its last six characters (the place,
    the wrapper and the markers left out)."""
    core = act_core(title)
    return core[-6:] if len(core) > 6 else core


HAND = (Kind.ACCEPT, Kind.WITHDRAW, Kind.LINK_BY_HAND, Kind.UNLINK_BY_HAND)  # the person's records the findings obey


def by_hand(path: Path) -> list[Decision]:
    """The log's acceptances, withdrawals, links and unlinks, in order (only their lines are decoded)."""
    return log.marked(path, HAND)
