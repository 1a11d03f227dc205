"""What the engine works with and gives back: pairs, links, clusters, results, and what it needs
of notices clustered before (``Known``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from dedupe.decisions import Decision
from dedupe.document import Document
from dedupe.verify import MERGING, Similarity

CONFIRMED, SPLIT = "confirmed", "split"  # a person's verdicts on a pair: policy-dedup merge, split
SPLIT_BY_HAND = "split by hand"  # how a split pair's veto reads in reports (never read back)


@dataclass(frozen=True)
class Link:
    """A verified pair as recorded: what clustering needs of it."""

    a: str
    b: str
    relation: str
    jaccard: float
    veto: str | None = None

    @property
    def merges(self) -> bool:
        return self.relation in MERGING and not self.veto

    @property
    def by_hand(self) -> bool:
        """A person's correction: merged (``confirmed``) or split by hand (``split``, with its veto)."""
        return self.relation in (CONFIRMED, SPLIT)


@dataclass(frozen=True)
class Pair:
    """A verified candidate pair; ``merged`` is False when the veto or a cannot-link kept it apart."""

    a: Document
    b: Document
    relation: str
    similarity: Similarity
    reason: str
    veto: str | None = None
    merged: bool = False

    def link(self) -> Link:
        return Link(self.a.id, self.b.id, self.relation, round(self.similarity.jaccard, 6), self.veto)


@dataclass(frozen=True)
class Cluster:
    id: str
    canonical: Document
    members: tuple[Document, ...]  # canonical first, then by order and path
    reason: str


@dataclass(frozen=True)
class Membership:
    """How a document belongs to its cluster: its relation and the Jaccard of that relation's pair,
    to the canonical, or to ``via`` (the path of the member it joined through) when the canonical
    and it do not merge by themselves."""

    cluster: Cluster
    relation: str
    similarity: float | None
    via: str | None = None


@dataclass(frozen=True)
class Result:
    """``clusters``: every cluster of the batch alone, or, with a corpus, those the batch changed
    (with their known members); ``gone``: recorded clusters absorbed into another; ``decisions``:
    each merge, veto, relation, election and cluster change with its reason (the decision log's);
    ``copies``: files of the batch with the same bytes as an earlier one (one notice, compared once)."""

    documents: tuple[Document, ...]
    pairs: tuple[Pair, ...]
    clusters: tuple[Cluster, ...]
    membership: dict[str, Membership]
    decisions: tuple[Decision, ...] = ()
    gone: frozenset[str] = frozenset()
    copies: tuple[tuple[Document, Document], ...] = ()  # (file, the earlier file with the same bytes)

    def kept_apart(self) -> list[Pair]:
        """The verified pairs not merged whose notices stay in two clusters: related notices and
        versions the veto held apart. A related pair whose notices were joined through others
        (a short excerpt and the whole text, both near a longer copy) is in one cluster, not apart."""

        def cluster(doc: Document) -> str | None:
            ms = self.membership.get(doc.id)
            return ms.cluster.id if ms else None

        return [p for p in self.pairs if not p.merged and (cluster(p.a) is None or cluster(p.a) != cluster(p.b))]


@dataclass(frozen=True)
class Recorded:
    """A known notice's place as the manifest records it."""

    cluster: str
    canonical: bool
    relation: str | None
    similarity: float | None
    via: str | None = None


class Known(Protocol):
    """What the engine needs of notices clustered before (a corpus)."""

    def sample(self, ids: Sequence[str]) -> list[str]:
        """Keys for the boilerplate sample: of the known notices among the evenly spaced ``ids``."""

    def first_ids(self, count: int) -> list[str]:
        """The ``count`` smallest ids of known notices (ids are hashes: a random sample)."""

    def memo(self, key: str, compute: Callable[[], np.ndarray | None]) -> np.ndarray | None:
        """``compute()``, or what it gave for ``key`` before (a corpus keeps it in its cache)."""

    def candidates(self, docs: Sequence[Document]) -> dict[str, set[str]]:
        """Known ids to verify each doc against (CandidateIndex.query)."""

    def fetch(self, ids: Iterable[str]) -> dict[str, Document]:
        """Known notices (with their ingestion order and corpus path)."""

    def clusters(self, ids: Iterable[str]) -> dict[str, str]:
        """The recorded cluster of each id."""

    def members(self, clusters: Iterable[str]) -> dict[str, list[str]]:
        """The recorded members of each cluster."""

    def links(self, ids: Iterable[str]) -> list[Link]:
        """Recorded merging or vetoed pairs between the given notices."""

    def recorded(self, ids: Iterable[str]) -> dict[str, Recorded]:
        """Each id's recorded place in its cluster."""

    def pinned(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """Notices a person chose as their cluster's canonical: (order of the choice, reason)."""


class Nothing:
    """No notice known: the engine over a batch alone."""

    def sample(self, ids: Sequence[str]) -> list[str]:
        return []

    def first_ids(self, count: int) -> list[str]:
        return []

    def memo(self, key: str, compute: Callable[[], np.ndarray | None]) -> np.ndarray | None:
        return compute()

    def candidates(self, docs: Sequence[Document]) -> dict[str, set[str]]:
        return {}

    def fetch(self, ids: Iterable[str]) -> dict[str, Document]:
        return {}

    def clusters(self, ids: Iterable[str]) -> dict[str, str]:
        return {}

    def members(self, clusters: Iterable[str]) -> dict[str, list[str]]:
        return {}

    def links(self, ids: Iterable[str]) -> list[Link]:
        return []

    def recorded(self, ids: Iterable[str]) -> dict[str, Recorded]:
        return {}

    def pinned(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        return {}
