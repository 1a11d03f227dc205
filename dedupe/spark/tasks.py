"""What the Spark tasks run: the in-process engine's own functions, on one file, one group of band
or passage holders, or one component of the candidate graph. Plain Python: no Spark in here, so
each step is the engine's step and can be tested without a cluster.

A pair's verification depends on the pairs verified before it (the engine skips a pair already
joined through others), but only on those of its own component of the candidate graph: candidates
of two components are never joined. So each component, its documents sorted as the engine sorts
them and its candidates in the engine's order, gives the engine's verdicts, clusters and
canonicals; the components are independent tasks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from dedupe.bands import band_params
from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.engine import _cluster, _Run, _sort_key, _verify, judge
from dedupe.files import MAX_BYTES, Rejected, normalize_named, read_document
from dedupe.judges import judges
from dedupe.model import Nothing, Result
from normalize import NormalizeConfig, NormalizeError

SortKey = tuple[int, str, str]
Entry = tuple[SortKey, str]  # a document's place in the engine's order, and its id


def read_files(rows: Iterable[tuple[str, int]], ncfg: NormalizeConfig, config: DedupeConfig,
               max_bytes: int = MAX_BYTES) -> Iterator[Document | Rejected]:  # fmt: skip
    """Each (path, order) read as the in-process engine reads it."""
    for path, order in rows:
        yield read_document(path, order, ncfg, config, max_bytes=max_bytes)


def read_bytes_rows(rows: Iterable[tuple[str, bytes, int]], ncfg: NormalizeConfig, config: DedupeConfig,
                    max_bytes: int = MAX_BYTES) -> Iterator[Document | Rejected]:  # fmt: skip
    """Each (path, bytes, order) of a Parquet table read as :func:`read_document` reads a file."""
    for path, data, order in rows:
        yield document_from_bytes(path, bytes(data or b""), order, ncfg, config, max_bytes)


def document_from_bytes(path: str, data: bytes, order: int, ncfg: NormalizeConfig, config: DedupeConfig,
                        max_bytes: int = MAX_BYTES) -> Document | Rejected:  # fmt: skip
    """:func:`dedupe.files.read_document` for bytes held in a table rather than a file."""
    if len(data) > max_bytes:
        return Rejected(path, f"is over the limit of {max_bytes:,} bytes (raise it with --max-bytes)")
    sha = hashlib.sha256(data).hexdigest()
    try:
        normalized = normalize_named(path, data, ncfg)
    except NormalizeError as exc:
        return Rejected(path, str(exc))
    doc = Document(sha[:16], path, normalized, order, config, sha, len(data))
    doc.fingerprint.compute()
    return doc


def entry(doc: Document) -> Entry:
    return _sort_key(doc), doc.id


def band_entries(doc: Document, config: DedupeConfig) -> Iterator[tuple[tuple[int, bytes], Entry]]:
    """(band number, the band's values) for each LSH band of the signature: two notices are band
    candidates exactly when one of these is equal (as :func:`dedupe.bands.band_pairs`)."""
    if doc.fingerprint.empty:
        return
    b, r = band_params(config.candidate_threshold, config.num_perm)
    values = np.ascontiguousarray(doc.fingerprint.signature[: b * r], dtype=np.uint32).reshape(b, r)
    for band in range(b):
        yield (band, values[band].tobytes()), entry(doc)


def passage_entries(doc: Document) -> Iterator[tuple[int, Entry]]:
    """Each kept passage fingerprint of the notice (once)."""
    for fp in np.unique(doc.fingerprint.passages).tolist():
        yield int(fp), entry(doc)


def key_entry(doc: Document) -> tuple[bytes, Entry]:
    """The comparison key's digest: notices with the same key are candidates."""
    return hashlib.sha256(doc.key.encode()).digest(), entry(doc)


def holdings(doc: Document, config: DedupeConfig) -> Iterator[tuple[tuple[Any, ...], Entry]]:
    """All a notice holds that makes candidates, tagged by kind, to be grouped in one shuffle."""
    for (band, values), e in band_entries(doc, config):
        yield ("band", band, values), e
    for fp, e in passage_entries(doc):
        yield ("passage", fp), e
    digest, e = key_entry(doc)
    yield ("key", digest), e


def group_pairs(
    held: tuple[Any, ...], group: Iterable[Entry], config: DedupeConfig
) -> list[tuple[tuple[str, str], int]]:
    """The pairs one held thing makes, each with its weight towards ``passage_min_shared``: a
    shared band or key makes a candidate alone; a passage counts once (held by few enough)."""
    if held[0] == "passage":
        return [(p, 1) for p in all_pairs(group, config.passage_max_postings)]
    enough = config.passage_min_shared
    return [(p, enough) for p in (all_pairs(group) if held[0] == "band" else first_pairs(group))]


def all_pairs(group: Iterable[Entry], limit: int | None = None) -> list[tuple[str, str]]:
    """Every pair (earlier, later in the engine's order) of a group's holders; none when the group
    holds more than ``limit`` (a passage in too many notices is boilerplate)."""
    members = sorted(set(group))
    if len(members) < 2 or (limit is not None and len(members) > limit):
        return []
    return [(members[i][1], members[j][1]) for i in range(len(members)) for j in range(i + 1, len(members))]


def first_pairs(group: Iterable[Entry]) -> list[tuple[str, str]]:
    """Notices with one key: each paired with the first of them (as ``batch_pairs``)."""
    members = sorted(set(group))
    return [(members[0][1], m[1]) for m in members[1:]]


def run_component(docs: Iterable[Document], pairs: Iterable[tuple[str, str]], config: DedupeConfig,
                  ignore: np.ndarray | None) -> Result:  # fmt: skip
    """The engine over one component: ``docs`` (distinct ids) and their candidate ``pairs``,
    verified in the engine's order with its skips, then clustered and elected by its own code."""
    batch = sorted(docs, key=_sort_key)
    run = _Run(config, Nothing(), batch, pool=batch)
    at = {d.id: i for i, d in enumerate(batch)}
    ordered = sorted({(min(at[a], at[b]), max(at[a], at[b])) for a, b in pairs if a != b})
    with judges(batch, config, ignore, judge, 1, len(ordered)) as verifier:  # the engine's verification
        return _cluster(run, _verify(run, ordered, verifier), ignore, verifier)


def component_rows(result: Result) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """A component's outcome as rows: ("doc", …) one per notice, ("cluster", …), ("pair", …) for
    the pairs kept apart (related notices, vetoed versions: ``Result.kept_apart``)."""
    merged_reason: dict[str, tuple[float, str]] = {}
    for p in result.pairs:
        if p.merged:
            for x in (p.a.id, p.b.id):
                if x not in merged_reason or p.similarity.jaccard > merged_reason[x][0]:
                    merged_reason[x] = (p.similarity.jaccard, p.reason)
    for d in result.documents:
        ms = result.membership[d.id]
        canonical = ms.cluster.canonical is d
        reason = ms.cluster.reason if canonical else merged_reason.get(d.id, (0.0, ms.cluster.reason))[1]
        yield "doc", (d.path, d.id, d.normalized.encoding, ms.cluster.id, canonical, ms.relation,
                      ms.similarity, ms.via, reason)  # fmt: skip
    for c in result.clusters:
        yield "cluster", (c.id, c.canonical.path, [m.path for m in c.members], c.reason)
    for p in result.kept_apart():
        yield "pair", (p.a.path, p.b.path, p.relation, round(p.similarity.jaccard, 6),
                       round(p.similarity.containment, 6), p.reason, p.veto)  # fmt: skip
