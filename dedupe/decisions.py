"""The decision log's records, typed: one kind each, one dataclass each, encoded and decoded here.

Every decision the tool or a person makes is one of ``Kind``; the engine, the store and the
corrections build these objects, ``encode`` writes them as the log's JSON lines and ``decode``
reads them back. A reader tests a record's class or its fields, never its reason's prose: the
veto that kept a pair apart is the ``veto`` field, a split made by hand is a ``SplitByHand``.

Each line carries ``"v": VERSION``. A line without it was written before records were typed
(the bundled corpus's log): it reads the same, fields it lacks taking their defaults, and a veto
line without its ``veto`` field is kept apart by its whole reason.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

VERSION = 1
CONTEXT = ("time", "ingest", "batch")  # what landing adds to every record of one ingest


class Kind(StrEnum):
    """The ``decision`` of a log line."""

    MERGE = "merge"  # a verified pair judged one notice
    RELATED = "related"  # a verified pair reported, never merged
    VETO = "veto"  # a pair the text would merge, kept apart by its versions or metadata
    NEW_NOTICE = "new-notice"
    CLUSTER_MERGE = "cluster-merge"  # a recorded notice moved into another cluster
    CANONICAL = "canonical"  # the election of a new cluster's canonical
    CANONICAL_CHANGE = "canonical-change"  # a strictly better newcomer replaced the canonical
    REJECT = "reject"  # a file not read as a notice
    SAME_BYTES = "same-bytes"  # a file of the batch with the bytes of another
    MERGE_BY_HAND = "merge-by-hand"
    SPLIT_BY_HAND = "split-by-hand"
    CANONICAL_BY_HAND = "canonical-by-hand"
    WITHDRAW = "withdraw"
    ACCEPT = "accept"  # a deliberate duplicate check lets pass (by its sha256)
    LINK_BY_HAND = "link-by-hand"  # b is a version of a's regulation: one chain
    UNLINK_BY_HAND = "unlink-by-hand"  # b's version is not in a's chain


class DecisionError(ValueError):
    """A log line that is not a decision this version can read."""


@dataclass(frozen=True, kw_only=True)
class Decision:
    """What every record has: why, and when and in which ingest it landed (set at landing)."""

    kind: ClassVar[Kind]
    reason: str | None = None
    time: str | None = None
    ingest: str | None = None
    batch: str | None = None

    def names(self) -> set[str]:
        """The ids and paths the record is about (``history`` looks notices up by them)."""
        keys = ("id", "path", "a", "b", "a_id", "b_id", "canonical", "from_path", "to", "as_path")
        return {str(v) for k in keys if (v := getattr(self, k, None))}


@dataclass(frozen=True, kw_only=True)
class PairVerdict(Decision):
    """A verified pair as the engine judged it."""

    a: str = ""
    b: str = ""
    a_id: str | None = None
    b_id: str | None = None
    relation: str = "related"
    jaccard: float = 0.0
    containment: float | None = None
    veto: str | None = None


@dataclass(frozen=True, kw_only=True)
class Merge(PairVerdict):
    kind = Kind.MERGE


@dataclass(frozen=True, kw_only=True)
class Related(PairVerdict):
    kind = Kind.RELATED


@dataclass(frozen=True, kw_only=True)
class Veto(PairVerdict):
    kind = Kind.VETO


@dataclass(frozen=True, kw_only=True)
class NewNotice(Decision):
    kind = Kind.NEW_NOTICE
    id: str = ""
    path: str = ""


@dataclass(frozen=True, kw_only=True)
class ClusterMerge(Decision):
    kind = Kind.CLUSTER_MERGE
    id: str = ""
    path: str = ""
    from_cluster: str = field(default="", metadata={"key": "from"})
    to: str = ""


@dataclass(frozen=True, kw_only=True)
class Canonical(Decision):
    kind = Kind.CANONICAL
    cluster: str = ""
    canonical: str = ""


@dataclass(frozen=True, kw_only=True)
class CanonicalChange(Decision):
    kind = Kind.CANONICAL_CHANGE
    cluster: str = ""
    from_path: str = field(default="", metadata={"key": "from"})
    to: str = ""


@dataclass(frozen=True, kw_only=True)
class Reject(Decision):
    kind = Kind.REJECT
    path: str = ""


@dataclass(frozen=True, kw_only=True)
class SameBytes(Decision):
    kind = Kind.SAME_BYTES
    path: str = ""
    as_path: str = field(default="", metadata={"key": "as"})


@dataclass(frozen=True, kw_only=True)
class ByHand(Decision):
    """A person's correction: who made it (``reason`` says why)."""

    by: str = ""


@dataclass(frozen=True, kw_only=True)
class TwoByHand(ByHand):
    """A person's word on two notices: their paths and, once found, their ids."""

    a: str = ""
    b: str = ""
    a_id: str | None = None
    b_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class PairByHand(TwoByHand):
    """On two notices as a pair the engine compares: the same notice, or not."""


@dataclass(frozen=True, kw_only=True)
class MergeByHand(PairByHand):
    kind = Kind.MERGE_BY_HAND


@dataclass(frozen=True, kw_only=True)
class SplitByHand(PairByHand):
    kind = Kind.SPLIT_BY_HAND


@dataclass(frozen=True, kw_only=True)
class ChainByHand(TwoByHand):
    """A person's word on two notices' versions (not a pair the engine compares: never a cluster's)."""


@dataclass(frozen=True, kw_only=True)
class LinkByHand(ChainByHand):
    kind = Kind.LINK_BY_HAND


@dataclass(frozen=True, kw_only=True)
class UnlinkByHand(ChainByHand):
    kind = Kind.UNLINK_BY_HAND


@dataclass(frozen=True, kw_only=True)
class NoticeByHand(ByHand):
    id: str = ""
    path: str = ""
    cluster: str = ""


@dataclass(frozen=True, kw_only=True)
class CanonicalByHand(NoticeByHand):
    kind = Kind.CANONICAL_BY_HAND


@dataclass(frozen=True, kw_only=True)
class Withdraw(NoticeByHand):
    kind = Kind.WITHDRAW


@dataclass(frozen=True, kw_only=True)
class Accept(ByHand):
    kind = Kind.ACCEPT
    path: str = ""
    sha256: str = ""
    id: str | None = None


CLASSES: dict[Kind, type[Decision]] = {
    cls.kind: cls
    for cls in (Merge, Related, Veto, NewNotice, ClusterMerge, Canonical, CanonicalChange, Reject, SameBytes,
                MergeByHand, SplitByHand, CanonicalByHand, Withdraw, Accept, LinkByHand, UnlinkByHand)
}  # fmt: skip
PAIR_KINDS = (Merge, Related, Veto)  # the records of a verified pair


def pair_class(veto: str | None, merging: bool) -> type[PairVerdict]:
    """The class of a verified pair's record: vetoed, merged, or related."""
    return Veto if veto else Merge if merging else Related


def _key(f: dataclasses.Field[Any]) -> str:
    return f.metadata.get("key", f.name)


def encode(decision: Decision) -> dict[str, Any]:
    """The log line's JSON object: landing context, the kind and version, then the record's fields
    (the reason last, as before records were typed)."""
    out: dict[str, Any] = {k: getattr(decision, k) for k in CONTEXT if getattr(decision, k) is not None}
    out["decision"] = str(decision.kind)
    out["v"] = VERSION
    for f in dataclasses.fields(decision):
        if f.name not in (*CONTEXT, "reason"):
            out[_key(f)] = getattr(decision, f.name)
    if decision.reason is not None:
        out["reason"] = decision.reason
    return out


def decode(entry: dict[str, Any]) -> Decision:
    """A log line's record; DecisionError when its kind or version is not one this version knows."""
    try:
        kind = Kind(entry["decision"])
    except (KeyError, ValueError):
        raise DecisionError(f"unknown decision {entry.get('decision')!r}") from None
    version = entry.get("v", 0)
    if not isinstance(version, int) or version > VERSION:
        raise DecisionError(f"a decision of version {version!r}, newer than this policy-dedup's {VERSION}")
    cls = CLASSES[kind]
    values = {f.name: entry[_key(f)] for f in dataclasses.fields(cls) if _key(f) in entry}
    if version == 0 and cls is Veto and not values.get("veto"):
        values["veto"] = values.get("reason") or "vetoed"  # a line written before the veto was a field
    try:
        return cls(**values)
    except TypeError as exc:
        raise DecisionError(str(exc)) from None


def landed(decision: Decision, time: str, ingest: str, batch: str | None) -> Decision:
    """The record with its landing context (an ingest's time, id and batch label)."""
    return dataclasses.replace(decision, time=time, ingest=ingest, batch=batch)
