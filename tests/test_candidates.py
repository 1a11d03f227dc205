"""Candidate indexes: each answers as datasketch's MinHashLSH for bands and as a dictionary of
postings for passages; the batch self-join gives what an index holding the batch gives."""

from __future__ import annotations

from collections import Counter, defaultdict
from types import SimpleNamespace

import numpy as np
import pytest

from dedupe import DedupeConfig
from dedupe.candidates import MemoryIndex, batch_pairs

MAX_POSTINGS, MIN_SHARED = DedupeConfig().passage_max_postings, DedupeConfig().passage_min_shared


def fake(doc_id: str, signature: np.ndarray, passages: np.ndarray, key: str | None = None) -> SimpleNamespace:
    """A notice as an index sees it: an id, a key, a signature and passage fingerprints."""
    key = key or doc_id
    fp = SimpleNamespace(signature=signature, passages=np.unique(passages), empty=False, digest=key.encode())
    return SimpleNamespace(id=doc_id, key=key, fingerprint=fp)


def related_signatures(rng: np.random.Generator, count: int) -> np.ndarray:
    base = rng.integers(0, 2**32, size=(count, 128), dtype=np.uint32)
    sigs = np.concatenate([base, base[: count // 2]])
    mask = rng.random(sigs[count:].shape) < 0.55
    sigs[count:][mask] = rng.integers(0, 2**32, size=int(mask.sum()), dtype=np.uint32)
    return sigs


def notices(seed: int, count: int = 60) -> list[SimpleNamespace]:
    rng = np.random.default_rng(seed)
    sigs = related_signatures(rng, count)
    pool = rng.integers(0, 2**63, size=300, dtype=np.uint64)
    common = pool[:3]  # in every notice: boilerplate once past MAX_POSTINGS
    docs = []
    for i, s in enumerate(sigs):
        fps = np.concatenate([rng.choice(pool[3:], size=int(rng.integers(0, 10)), replace=False), common])
        docs.append(fake(f"n{i:03d}", s, fps, key="same" if i in (5, 40) else None))
    return docs


def test_memory_index_gives_datasketchs_band_candidates():
    from datasketch import MinHashLSH

    from dedupe.signature import to_minhash

    docs = notices(3)
    for d in docs:  # no shared passages: band candidates only
        d.fingerprint.passages = np.empty(0, np.uint64)
        d.key = d.id
    config = DedupeConfig()
    index = MemoryIndex(config)
    lsh = MinHashLSH(threshold=config.candidate_threshold, num_perm=128)
    found = 0
    for d in docs:  # query, then add: as an ingest of one notice at a time
        expected = set(lsh.query(to_minhash(d.fingerprint.signature)))
        assert index.query([d])[d.id] == expected
        found += len(expected)
        index.add([d])
        lsh.insert(d.id, to_minhash(d.fingerprint.signature))
    assert found > 10


def test_memory_index_passages_answer_as_a_dictionary_of_postings():
    docs = notices(4, count=MAX_POSTINGS + 20)
    for d in docs:
        d.fingerprint.signature = np.arange(128, dtype=np.uint32) + np.uint32(1000 * int(d.id[1:]))  # no band hits
        d.key = d.id
    index, postings = MemoryIndex(DedupeConfig()), defaultdict(list)
    hits = 0
    for d in docs:
        shared: Counter[str] = Counter()
        for fp in d.fingerprint.passages.tolist():
            if postings.get(fp) and len(postings[fp]) <= MAX_POSTINGS:
                shared.update(set(postings[fp]))
        expected = {k for k, n in shared.items() if n >= MIN_SHARED}
        assert index.query([d])[d.id] == expected
        hits += len(expected)
        index.add([d])
        for fp in d.fingerprint.passages.tolist():
            postings[fp].append(d.id)
    assert hits > 20


@pytest.mark.parametrize("beside", [False, True], ids=["passages-after-bands", "passages-in-a-thread"])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_batch_self_join_is_what_an_index_of_the_batch_gives(seed, beside, monkeypatch):
    """Also with the passages joined in a thread beside the bands, as a large batch's are."""
    import dedupe.candidates

    if beside:
        monkeypatch.setattr(dedupe.candidates, "BESIDE_FROM", 2)
    docs = notices(seed)
    index = MemoryIndex(DedupeConfig())
    index.add(docs)
    answers = index.query(docs)
    expected = {(i, j) for i, d in enumerate(docs) for j, e in enumerate(docs) if i < j and e.id in answers[d.id]}
    assert len(expected) > 10
    assert (5, 40) in expected  # same key
    assert batch_pairs(docs, DedupeConfig()) == expected
