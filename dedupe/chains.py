"""Version chains: the clusters that are versions of one regulation, in order, with their status.

A growing corpus receives a regulation's 2013 text and its 2016 amendment, a draft for comment and
the final text, a 试行 rule and the definitive one. The engine keeps them apart (they are different
notices); a chain puts them back together, in order, and says which one is in force.

Two clusters are versions of one regulation when their acts are the same: the title with its year,
its 修正/修订/草案/征求意见稿/试行/暂行 markers and its ``关于印发《…》的通知`` wrapper taken away
(``act_key``), of the same place (the title's, or, for a title naming none, the place in the
head's adoption record), and their bodies share text (a new version keeps much of the old one;
another office's rule that happens to bear the same name does not). A chain is made of clusters, so
that the reposts of one version stay one version.

Versions are ordered by the facts of their heads (normalize.versions): the adoption, each
amendment, the dates the head lines carry, and the effective date; a draft before the text it
became, a 试行 rule before the definitive one. The latest final text is current, earlier ones are
superseded, drafts are drafts (linked to the version they became), and a regulation another
notice repeals (``《…》同时废止``) is repealed."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dedupe.acts import (
    _DRAFT,
    _TRIAL,
    _names_place,
    act_key,
    act_title,
    head_place,
    is_act,
    place_of_title,
    title_of,
    version_date,
)
from dedupe.arrays import intersect_sorted
from dedupe.body import body_of
from dedupe.cluster import UnionFind
from dedupe.document import Document
from dedupe.shingle import shingle_hashes64
from normalize import comparison_key

SAME_VERSION = 0.9  # two clusters with the same facts and this much text shared are one version
SHARED_TEXT_ADOPTED = 0.02  # …or this much when both heads give the same adoption date
SHARED_TEXT_PLACED = 0.05  # …or this much when the title names its place: a full revision rewrites most of it
SHARED_TEXT = 0.3  # containment of the shorter body in the longer: a revision keeps this much at least
CURRENT, SUPERSEDED, DRAFT_STATUS, REPEALED = "current", "superseded", "draft", "repealed"


@dataclass(frozen=True)
class Version:
    """One version of a regulation: a cluster (its canonical and members), its facts and status."""

    cluster: str
    canonical: Document
    paths: tuple[str, ...]  # the cluster's members, canonical first
    title: str
    when: str | None  # the latest date its head gives: adoption, an amendment, a dated head line
    adopted: str | None = None
    amendments: tuple[str, ...] = ()
    effective: str | None = None
    draft: bool = False
    trial: bool = False
    status: str = CURRENT
    became: str | None = None  # a draft: the cluster of the text it became
    repealed_by: str | None = None  # the path of the notice that repeals it
    clusters: tuple[str, ...] = ()  # every cluster of this version (the engine may keep reposts apart)

    @property
    def path(self) -> str:
        return self.canonical.path

    def to_json(self) -> dict[str, Any]:
        return {
            "cluster": self.cluster,
            "canonical": self.path,
            "members": list(self.paths),
            **({"clusters": list(self.clusters)} if len(self.clusters) > 1 else {}),
            "title": self.title,
            "status": self.status,
            "date": self.when,
            "adopted": self.adopted,
            "amendments": list(self.amendments),
            "effective": self.effective,
            **({"became": self.became} if self.became else {}),
            **({"repealed_by": self.repealed_by} if self.repealed_by else {}),
        }


@dataclass(frozen=True)
class Chain:
    """The versions of one regulation, oldest first; ``current`` is the path of the version in force."""

    id: str
    act: str  # the act's name, markers and wrapper taken away
    place: str | None
    versions: tuple[Version, ...]
    current: str | None
    why: tuple[str, ...] = field(default=())  # what joined each version to the one before it

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "act": self.act,
            "place": self.place,
            "current": self.current,
            "versions": [v.to_json() for v in self.versions],
            "why": list(self.why),
        }


@dataclass(frozen=True)
class Unit:
    """What a chain is made of: a cluster's id, its canonical and its members."""

    cluster: str
    canonical: Document
    members: tuple[Document, ...]


def _shingles(doc: Document) -> Any:
    body = body_of(doc.text)
    return shingle_hashes64(comparison_key(body) if body else doc.key, doc.config.ngram)


def shared_text(a: Document, b: Document) -> float:
    """How much of the shorter body the longer one holds (5-gram containment; the whole key when
    a text has no articles)."""
    return _containment(_shingles(a), _shingles(b))


def _containment(sa: Any, sb: Any) -> float:
    if not sa.size or not sb.size:
        return 0.0
    return intersect_sorted(sa, sb).size / min(sa.size, sb.size)


def units_of(result: Any) -> list[Unit]:
    """The units of an engine result: one per cluster, with the files of the same bytes as a member."""
    copies: dict[str, list[Document]] = defaultdict(list)
    for copy, first in result.copies:
        copies[result.membership[first.id].cluster.id].append(copy)
    return [Unit(c.id, c.canonical, (*c.members, *copies.get(c.id, ()))) for c in result.clusters]


@dataclass(frozen=True)
class ChainCorrection:
    """A person's word (``link`` / ``unlink``): ``b`` (an id or path) is a version of ``a``'s regulation, or not."""

    link: bool
    a: str
    b: str
    why: str


def build_chains(
    units: Iterable[Unit], repealers: Iterable[Document] = (), corrections: Sequence[ChainCorrection] = ()
) -> list[Chain]:
    """Chains of two or more versions among ``units``, each ordered and given its statuses; a
    notice among the units or ``repealers`` that repeals a chain's act marks it repealed.
    ``corrections``, in the order they were made: a link joins two chains (a must-chain), an
    unlink takes a version out of a chain (a cannot-chain), whatever the titles and texts say."""
    units = list(units)
    by_act: dict[str, list[tuple[Unit, str]]] = defaultdict(list)
    for unit in units:
        title = title_of(unit.members)
        if title and is_act(title):
            by_act[act_key(title)].append((unit, title))
    groups = [(linked, why, key) for key, group in sorted(by_act.items()) if len(group) > 1
              for linked, why in _linked(group)]  # fmt: skip
    if corrections:
        groups = _corrected(groups, units, corrections)
    chains = []
    chained: set[str] = set()
    for linked, why, key in groups:
        versions = _same_versions(_order([_version(unit, title) for unit, title in linked]))
        if len(versions) < 2:
            continue
        place = place_of_title(linked[0][1]) or head_place(linked[0][0].canonical)
        chains.append(_chain(key, act_title(linked[0][1]), place, versions, why))
        chained |= {unit.cluster for unit, _ in linked}
    repeals = _repeals([u.canonical for u in units] + list(repealers))
    for key, group in sorted(by_act.items()):  # an act of one version that another notice repeals
        if key in repeals:
            for unit, title in group:
                others = {d.path for d in repeals[key]} - {m.path for m in unit.members}  # not its own 草案's repeal
                if unit.cluster not in chained and others:
                    version = _version(unit, title)
                    place = place_of_title(title) or head_place(unit.canonical)
                    chains.append(_chain(key, act_title(title), place, [version], []))
    chains = _repeal(chains, repeals)
    return sorted(chains, key=lambda c: (c.act, c.id))


Group = tuple[list[tuple[Unit, str]], list[str], str]  # the units of one chain, what joined them, the act's key


def _corrected(groups: list[Group], units: list[Unit], corrections: Sequence[ChainCorrection]) -> list[Group]:
    """The groups with each correction applied in turn: a link puts the two units' groups together
    (a unit in none joins as it is), an unlink takes b's unit out of a's group."""
    where = {name: u for u in units for m in u.members for name in (m.id, m.path)}
    parts: list[tuple[list[tuple[Unit, str]], list[str], str]] = [(list(g), list(w), k) for g, w, k in groups]
    of = {u.cluster: k for k, (g, _, _) in enumerate(parts) for u, _ in g}
    for c in corrections:
        ua, ub = where.get(c.a), where.get(c.b)
        if ua is None or ub is None or ua.cluster == ub.cluster:
            continue
        if c.link:
            for u in (ua, ub):
                if u.cluster not in of:
                    title = title_of(u.members) or u.canonical.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
                    parts.append(([(u, title)], [], act_key(title)))
                    of[u.cluster] = len(parts) - 1
            ka, kb = of[ua.cluster], of[ub.cluster]
            if ka != kb:
                parts[ka][0].extend(parts[kb][0])
                parts[ka][1].extend([*parts[kb][1], f"{ua.canonical.path} ~ {ub.canonical.path}: {c.why}"])
                parts[kb][0].clear()
                of.update({u.cluster: ka for u, _ in parts[ka][0]})
        elif of.get(ua.cluster) is not None and of.get(ua.cluster) == of.get(ub.cluster):
            group, why, _ = parts[of.pop(ub.cluster)]
            group[:] = [(u, t) for u, t in group if u.cluster != ub.cluster]
            why[:] = [w for w in why if ub.canonical.path not in w]
    return [(g, w, k) for g, w, k in parts if len(g) > 1]


def _same_place(a: tuple[Unit, str], b: tuple[Unit, str]) -> str | None:
    """None when the two can be one regulation's versions by place; else why not."""
    pa, pb = place_of_title(a[1]), place_of_title(b[1])
    if pa or pb:
        return None if pa == pb else f"places differ: {pa} and {pb}"
    ha, hb = head_place(a[0].canonical), head_place(b[0].canonical)
    if ha and hb and ha != hb:
        return f"adopted in different places: {ha} and {hb}"
    ia, ib = a[0].canonical.normalized.meta.issuer, b[0].canonical.normalized.meta.issuer
    if ia and ib and comparison_key(ia) != comparison_key(ib):
        return f"different issuers: {ia} and {ib}"
    return None


def _needed(a: tuple[Unit, str], b: tuple[Unit, str]) -> float:
    """The text two clusters of one act must share to be its versions: little when their heads
    give one adoption (a revision's history starts where the first text did) or their titles
    name the place, more for a title naming none (two cities' rules may bear one name)."""
    adopted = a[0].canonical.normalized.meta.adopted
    if adopted and adopted == b[0].canonical.normalized.meta.adopted:
        return SHARED_TEXT_ADOPTED
    return SHARED_TEXT_PLACED if _names_place(a[1]) and _names_place(b[1]) else SHARED_TEXT


def _linked(group: list[tuple[Unit, str]]) -> list[tuple[list[tuple[Unit, str]], list[str]]]:
    """The units of one act that are versions of one another: same place, and text shared; with
    what joined each pair."""
    joined = UnionFind(len(group))
    shingles = [_shingles(unit.canonical) for unit, _ in group]
    links: list[tuple[int, int, float]] = []
    for i in range(len(group)):
        for j in range(i + 1, len(group)):
            if _same_place(group[i], group[j]) is not None:
                continue
            shared = _containment(shingles[i], shingles[j])
            if shared >= _needed(group[i], group[j]):
                joined.union(i, j)
                links.append((i, j, shared))
    parts: dict[int, list[int]] = defaultdict(list)
    for i in range(len(group)):
        parts[joined.find(i)].append(i)
    out = []
    for members in parts.values():
        if len(members) > 1:
            why = [f"{group[i][0].canonical.path} ~ {group[j][0].canonical.path}: the same act, "
                   f"{shared:.0%} of the shorter text shared" for i, j, shared in links if i in members]  # fmt: skip
            out.append(([group[i] for i in members], why))
    return out


def _version(unit: Unit, title: str) -> Version:
    meta = unit.canonical.normalized.meta
    return Version(
        cluster=unit.cluster,
        canonical=unit.canonical,
        paths=tuple(m.path for m in unit.members),
        clusters=(unit.cluster,),
        title=title,
        when=version_date(unit.canonical),
        adopted=meta.adopted,
        amendments=meta.amendments,
        effective=meta.effective,
        draft=meta.draft or bool(_DRAFT.search(title)) or bool(_DRAFT.search(unit.canonical.path.rsplit("/", 1)[-1])),
        trial=bool(_TRIAL.search(title)),
    )


def _order(versions: list[Version]) -> list[Version]:
    """Oldest first: by date; on the same date (or none) a draft before the final text and a
    试行 rule before the definitive one; then by the effective date and the path."""
    return sorted(versions, key=lambda v: (v.when or "", not v.draft, not v.trial, v.effective or "", v.path))


def _same_versions(versions: list[Version]) -> list[Version]:
    """Clusters with the same dated facts and nearly the same text are one version that the engine
    kept in two clusters (a repost whose head a site rewrote): one version, all their paths."""
    out: list[Version] = []
    for v in versions:
        last = out[-1] if out else None
        if (
            last is not None
            and v.when is not None
            and (v.when, v.draft) == (last.when, last.draft)
            and (v.adopted == last.adopted or None in (v.adopted, last.adopted))  # a head lost it
            and (v.amendments == last.amendments or not (v.amendments and last.amendments))
            and shared_text(v.canonical, last.canonical) >= SAME_VERSION
        ):
            out[-1] = replace(last, paths=(*last.paths, *v.paths), clusters=(*last.clusters, *v.clusters))
        else:
            out.append(v)
    return out


def _chain(key: str, act: str, place: str | None, versions: list[Version], why: list[str]) -> Chain:
    finals = [k for k, v in enumerate(versions) if not v.draft]
    current = finals[-1] if finals else None
    out = []
    for k, v in enumerate(versions):
        if v.draft:
            after = next((versions[n].cluster for n in finals if n > k), None)
            out.append(replace(v, status=DRAFT_STATUS, became=after))
        else:
            out.append(replace(v, status=CURRENT if k == current else SUPERSEDED))
    ident = hashlib.sha256(f"{key}:{place}:{out[0].cluster}".encode()).hexdigest()[:16]
    return Chain(ident, act, place, tuple(out), out[current].path if current is not None else None, tuple(why))


# ``《…》同时废止``, ``《…》（文号）予以废止``, ``《…》自本办法施行之日起废止``: a notice repealing another
_REPEALS = re.compile(
    r"《([^》]{4,80})》(?:[（(][^）)]{0,40}[）)])?[，,]?\s*(?:同时|予以|即行|宣布|将予以)?废止"
    r"|《([^》]{4,80})》[^。；《]{0,30}?自[^。；《]{0,20}?(?:起|之日)(?:同时|即行)?废止"
)


_LISTED = re.compile(r"(?:《[^》]{4,80}》(?:[（(][^）)]{0,40}[）)])?(?:、|和|及|以及))+$")


def repealed_acts(doc: Document) -> list[str]:
    """The act keys a notice repeals."""
    if not doc.names_repeal:
        return []
    text = doc.text
    keys = []
    for m in _REPEALS.finditer(text):
        listed = _LISTED.search(text[max(0, m.start() - 400) : m.start()])  # 《A》、《B》和《C》同时废止
        keys += [act_key(t) for t in re.findall(r"《([^》]{4,80})》", listed.group(0))] if listed else []
        keys.append(act_key(m.group(1) or m.group(2)))
    return keys


def _repeals(docs: list[Document]) -> dict[str, list[Document]]:
    """Each repealed act's key, and the notices that repeal it."""
    out: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        for key in dict.fromkeys(repealed_acts(doc)):
            out[key].append(doc)
    return out


def _repeal(chains: list[Chain], repeals: dict[str, list[Document]]) -> list[Chain]:
    """A chain whose act a notice outside it repeals: its current version, if older than the
    repeal, is repealed, and the chain has no current version."""
    out = []
    for chain in chains:
        inside = {p for v in chain.versions for p in v.paths}
        by = [d for d in repeals.get(act_key(chain.act), ()) if d.path not in inside]
        if by:
            repealer = by[0]
            when = version_date(repealer)
            versions = tuple(
                replace(v, status=REPEALED, repealed_by=repealer.path)
                if v.status == CURRENT and (when is None or v.when is None or v.when <= when)
                else v
                for v in chain.versions
            )
            current = next((v.path for v in versions if v.status == CURRENT), None)
            chain = replace(chain, versions=versions, current=current)
        out.append(chain)
    return out


def chain_of(chains: Sequence[Chain], name: str) -> Chain | None:
    """The chain holding a notice named by path, cluster id or title (its act)."""
    for chain in chains:
        for v in chain.versions:
            if name == v.cluster or name in v.paths or any(p.endswith("/" + name) for p in v.paths):
                return chain
    key = act_key(name)
    return next((c for c in chains if act_key(c.act) == key), None)
