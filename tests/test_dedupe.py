"""The dedupe stage: signatures equal datasketch's, order independence, seeds, veto, short texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import DedupeConfig, Document, find_duplicates, read_document
from dedupe.cluster import cluster
from dedupe.shingle import shingle_hash32, shingle_hashes64, shingle_strings
from dedupe.signature import signature
from normalize import normalize
from tests.conftest import DATA, SEED_NAMES, seed_path
from tests.helpers import calls, decisions


def doc(text: str, path: str, order: int = 0) -> Document:
    return Document(path, path, normalize(text), order)


@pytest.mark.parametrize("short", sorted(SEED_NAMES))
def test_signature_equals_datasketch(seeds, short):
    key = seeds[short].key
    reference = MinHash(num_perm=128, seed=1, hashfunc=shingle_hash32, scheme="affine32")
    reference.update_batch(shingle_strings(key))
    assert np.array_equal(signature(shingle_hashes64(key)), reference.hashvalues)


@given(st.text(alphabet="一二三四五六七八九十abc123，。", min_size=1, max_size=40), st.integers(1, 2**31))
@settings(max_examples=50, deadline=None)
def test_signature_equals_datasketch_any_text_and_seed(key, seed):
    reference = MinHash(num_perm=64, seed=seed, hashfunc=shingle_hash32, scheme="affine32")
    reference.update_batch(shingle_strings(key, 5))
    assert np.array_equal(signature(shingle_hashes64(key, 5), 64, seed), reference.hashvalues)


def test_short_key_is_one_shingle_and_empty_has_none():
    assert shingle_strings("通知") == ["通知"]
    assert len(shingle_hashes64("通知")) == 1
    assert len(shingle_hashes64("")) == 0


def test_short_distinct_texts_do_not_cluster():
    result = find_duplicates([doc("通知", "a"), doc("公告", "b"), doc("通知", "c")])
    groups = sorted(sorted(m.path for m in c.members) for c in result.clusters)
    assert groups == [["a", "c"], ["b"]]


@pytest.fixture(scope="module")
def seed_docs() -> list[Document]:
    docs = [read_document(str(seed_path(s)), i) for i, s in enumerate(sorted(SEED_NAMES))]
    assert all(isinstance(d, Document) for d in docs)
    return docs  # type: ignore[return-value]


def test_seed_clusters(seed_docs):
    result = find_duplicates(seed_docs)
    groups = sorted(sorted(Path(m.path).name[:3] for m in c.members) for c in result.clusters)
    assert groups == [["000"], ["001"], ["002", "003"], ["004"]]
    weihai = next(c for c in result.clusters if len(c.members) == 2)
    assert weihai.canonical.path.endswith(SEED_NAMES["002"])
    assert "文号" in weihai.reason


@given(st.permutations(range(5)))
@settings(max_examples=15, deadline=None)
def test_clusters_do_not_depend_on_input_order(seed_docs, perm):
    shuffled = [seed_docs[i] for i in perm]
    a, b = find_duplicates(seed_docs), find_duplicates(shuffled)
    assert [(c.id, c.canonical.id, [m.id for m in c.members]) for c in a.clusters] == [
        (c.id, c.canonical.id, [m.id for m in c.members]) for c in b.clusters
    ]


def test_union_find_respects_cannot_link():
    groups, refused = cluster(3, [(0, 1), (1, 2)], apart=[(0, 2)])
    assert groups == [[0, 1], [2]]
    assert refused == [(1, 2)]


BODY = (
    "第一条 为了规范本市制定地方性法规活动，保证地方性法规质量，发挥地方立法的引领和推动作用，根据有关法律规定，结合本市实际，制定本条例。\n"
    "第二条 市人民代表大会及其常务委员会制定、修改和废止地方性法规，适用本条例。\n"
    "第三条 制定地方性法规，应当遵循下列原则：依照法定的权限和程序，从国家整体利益出发，维护社会主义法制的统一和尊严。\n"
)


def test_veto_different_doc_numbers():
    a = doc(f"关于做好就业工作的通知\n鲁人社字〔2023〕18号\n{BODY}", "a")
    b = doc(f"关于做好就业工作的通知\n鲁人社字〔2023〕19号\n{BODY}", "b")
    result = find_duplicates([a, b])
    assert len(result.clusters) == 2
    (pair,) = result.pairs
    assert pair.relation == "related" and not pair.merged
    assert "文号" in (pair.veto or "")


def test_veto_different_places_in_titles():
    result = find_duplicates(
        [doc(f"东营市制定地方性法规条例\n{BODY}", "a"), doc(f"临沂市制定地方性法规条例\n{BODY}", "b")]
    )
    assert len(result.clusters) == 2
    assert "东营市" in (result.pairs[0].veto or "")


def test_veto_conflicting_dates_with_ocr_misread():
    a = doc(f"关于做好就业工作的通知\n{BODY}某某市人力资源社会保障局\n2023年4月10日", "a")
    b = doc(f"关于做好就业工作的通知\n{BODY}某某市人力资源社会保障局\n2023年5月12日", "b")
    misread = doc(f"关于做好就业工作的通知\n{BODY}某某市人力资源社会保障局\n2023年5月12曰", "c")
    result = find_duplicates([a, b, misread])
    groups = sorted(sorted(m.path for m in c.members) for c in result.clusters)
    assert groups == [["a"], ["b", "c"]]
    assert "dates" in (result.pairs[0].veto or "")


REGULATION = (DATA / "东营市制定地方性法规条例(2016-03-30).md").read_text(encoding="utf-8")


def reworded(text: str) -> str:
    """Three articles reworded the way a revision does it."""
    return (
        text.replace("保证地方性法规质量", "提高立法质量")
        .replace("体现人民意志，发扬社会主义民主", "坚持以人民为中心，发展全过程人民民主")
        .replace("对上位法已经明确规定的内容，一般不作重复性规定", "上位法已经明确规定的内容，原则上不作重复规定")
    )


def test_real_revision_pair_stays_apart():
    old = read_document(str(DATA / "北京市制定地方性法规条例(2017-01-20).md"))
    new = read_document(str(DATA / "北京市制定地方性法规条例(2023-07-28).md"))
    result = find_duplicates([old, new])  # type: ignore[list-item]
    assert len(result.clusters) == 2


def test_revision_with_added_date_entry_is_vetoed():
    head, _, body = REGULATION.partition("<!-- INFO END -->")
    revised = f"{head}2023年5月30日 东营市第八届人民代表大会常务委员会第十次会议修正\n<!-- INFO END -->{body}"
    result = find_duplicates([doc(REGULATION, "old"), doc(revised, "new")])
    assert len(result.clusters) == 2
    assert result.pairs[0].veto == "versions differ: A lists an amendment (修正 of 2023-05-30) that B lacks"


def test_rewording_keeps_versions_apart_without_any_metadata():
    _, _, body = REGULATION.partition("<!-- INFO END -->")
    result = find_duplicates([doc(body, "old"), doc(reworded(body), "new")])
    assert len(result.clusters) == 2
    (pair,) = result.pairs
    assert pair.similarity.jaccard >= 0.8
    assert "reworded" in (pair.veto or "")


def test_another_citys_copy_of_a_template_is_vetoed():
    copy = REGULATION.replace("东营", "临沂")
    result = find_duplicates([doc(REGULATION, "a"), doc(copy, "b")])
    assert len(result.clusters) == 2
    assert result.pairs[0].similarity.jaccard >= 0.8


def test_veto_draft_against_final():
    result = find_duplicates([doc(f"某某管理办法（征求意见稿）\n{BODY}", "a"), doc(f"某某管理办法\n{BODY}", "b")])
    assert len(result.clusters) == 2
    assert "draft" in (result.pairs[0].veto or "")


def test_identical_texts_are_exact():
    result = find_duplicates([doc(BODY, "a"), doc(BODY.replace("，", ","), "b")])
    assert result.pairs[0].relation == "exact"
    assert len(result.clusters) == 1


def test_truncated_copy_is_contained():
    long_text = (
        "\n".join([BODY] * 1)
        + "第四条 "
        + "地方性法规案的起草，应当广泛听取各方面意见，保证法规内容的科学性和可操作性。" * 3
    )
    short_text = long_text[: int(len(long_text) * 0.8)]
    result = find_duplicates([doc(long_text, "long"), doc(short_text, "short")])
    assert len(result.clusters) == 1
    assert result.membership["short"].relation in {"near", "contained"}
    assert result.clusters[0].canonical.path == "long"


def test_config_is_validated():
    with pytest.raises(ValueError, match="candidate_threshold"):
        DedupeConfig(candidate_threshold=0.9, near_threshold=0.8)


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 12345)])
def test_permutations_are_datasketchs(num_perm, seed):
    from dedupe.signature import permutations

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    ours = permutations(num_perm, seed)
    assert np.array_equal(ours[0], a) and np.array_equal(ours[1], b)


@pytest.mark.parametrize("num_perm", [32, 128, 256])
@pytest.mark.parametrize("threshold", [0.1, 0.3, 0.4, 0.5, 0.8, 0.9])
def test_band_params_are_datasketchs(threshold, num_perm):
    from datasketch import MinHashLSH

    from dedupe.bands import band_params

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    assert band_params(threshold, num_perm) == (lsh.b, lsh.r)


def _related_signatures(rng: np.random.Generator, count: int) -> np.ndarray:
    base = rng.integers(0, 2**32, size=(count, 128), dtype=np.uint32)
    sigs = np.concatenate([base, base, base[: count // 2]])
    mask = rng.random(sigs[count:].shape) < 0.55
    sigs[count:][mask] = rng.integers(0, 2**32, size=int(mask.sum()), dtype=np.uint32)
    return sigs


def test_batch_band_pairs_are_datasketchs_candidate_pairs():
    from datasketch import MinHashLSH

    from dedupe.bands import band_pairs
    from dedupe.signature import to_minhash

    sigs = _related_signatures(np.random.default_rng(8), 60)
    sigs[-1] = sigs[-2]  # two identical signatures
    config = DedupeConfig()
    lsh = MinHashLSH(threshold=config.candidate_threshold, num_perm=128)
    for i, s in enumerate(sigs):
        lsh.insert(i, to_minhash(s))
    expected = {(min(i, j), max(i, j)) for i, s in enumerate(sigs) for j in lsh.query(to_minhash(s)) if j != i}
    assert len(expected) > 20
    assert band_pairs(sigs, config) == expected


def test_band_pairs_confirm_a_hash_collision_on_the_values(monkeypatch):
    """Rows grouped by a band's hash are paired only when the band's values are equal: with every
    band hashing alike, the pairs are still those of equal bands."""
    import dedupe.bands as bands

    sigs = _related_signatures(np.random.default_rng(9), 40)
    config = DedupeConfig()
    expected = bands.band_pairs(sigs, config)
    monkeypatch.setattr(bands, "_hash_rows", lambda block: np.zeros(block.shape[0], dtype=np.uint64))
    assert len(expected) > 10
    assert bands.band_pairs(sigs, config) == expected


@pytest.mark.parametrize("window", [1, 2, 3, 7, 8, 20])
@pytest.mark.parametrize("length", [20, 21, 50, 333])
def test_sliding_min_is_the_minimum_of_each_window(window, length):
    from dedupe.shingle import sliding_min

    values = np.random.default_rng(length * window).integers(0, 2**63, size=length, dtype=np.uint64)
    expected = np.lib.stride_tricks.sliding_window_view(values, window).min(axis=1)
    assert np.array_equal(sliding_min(values, window), expected)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, 2**64 - 1)), st.sets(st.integers(0, 2**64 - 1)), st.sets(st.integers(0, 2**64 - 1)))
def test_intersect_sorted_is_the_set_intersection(a, b, common):
    from dedupe.arrays import intersect_sorted

    left = np.array(sorted(a | common), dtype=np.uint64)
    right = np.array(sorted(b | common), dtype=np.uint64)
    shared = intersect_sorted(left, right)
    assert shared.dtype == np.uint64 and shared.tolist() == sorted((a | common) & (b | common))


def _plain_passage_fingerprints(key: str, k: int, window: int, n: int) -> set[int]:
    """Winnowing written out: each passage's hash chains its k/n n-gram hashes; keep each window's minimum."""
    mask = (1 << 64) - 1

    def gram(i: int) -> int:
        h = 0xCBF29CE484222325
        for ch in key[i : i + n]:
            h = (h * 0x100000001B3 + ord(ch)) & mask
        return h

    hashes = []
    for i in range(len(key) - k + 1):
        h = gram(i)
        for j in range(n, k, n):
            h = (h * 0x100000001B3 + gram(i + j)) & mask
        hashes.append(h)
    if len(hashes) <= window:
        return {min(hashes)} if hashes else set()
    return {min(hashes[i : i + window]) for i in range(len(hashes) - window + 1)}


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet="通知各单位一二三", max_size=160),
    st.sampled_from([(10, 4), (40, 20), (15, 1)]),
    st.sampled_from([1, 3, 1 << 20]),
)
def test_passage_fingerprints_are_the_winnowed_minima(key, params, chunk):
    """Also when a long key is winnowed a stretch at a time (``chunk`` windows at once)."""
    import dedupe.shingle as shingle

    k, window = params
    saved, shingle.PASSAGE_CHUNK = shingle.PASSAGE_CHUNK, chunk
    try:
        got = shingle.passage_fingerprints(key, k=k, window=window, n=5)
    finally:
        shingle.PASSAGE_CHUNK = saved
    assert np.all(got[1:] > got[:-1])  # sorted, each once
    assert set(got.tolist()) == _plain_passage_fingerprints(key, k, window, 5)


class _Said:
    """A verdict that merges or not (all :func:`dedupe.judges.joins` reads of one)."""

    def __init__(self, merges: bool) -> None:
        self.merges = merges


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_planned_pairs_are_those_the_serial_loop_verifies(data):
    """Planning a block again and again, with the outcomes found, asks for every pair the serial
    loop verifies, each once, and for no other: whatever merges, is vetoed or is kept apart."""
    from dedupe.cluster import UnionFind
    from dedupe.judges import joins, plan

    n = data.draw(st.integers(2, 9))
    every = [(i, j) for i in range(n) for j in range(i + 1, n)]
    block = data.draw(st.lists(st.sampled_from(every), unique=True, max_size=20))
    outcomes = {p: (_Said(data.draw(st.booleans())), data.draw(st.sampled_from([None, None, "vetoed"]))) for p in block}
    kept_apart = set(data.draw(st.lists(st.sampled_from(every), max_size=4)))
    start = UnionFind(n)
    for a, b in data.draw(st.lists(st.sampled_from(every), max_size=2)):  # joined before the block
        start.union(a, b)

    def apart(i: int, j: int) -> bool:
        return (i, j) in kept_apart

    serial, joined = [], start.copy()
    for i, j in block:
        if joined.joined(i, j) and not apart(i, j):
            continue
        serial.append((i, j))
        if joins(outcomes[i, j]):
            joined.union(i, j)
    before = list(start.parent)
    ready: dict = {}
    planned = []
    while wanted := plan(block, start, apart, ready):
        planned += wanted
        ready.update((p, outcomes[p]) for p in wanted)
    assert sorted(planned) == sorted(serial) and len(set(planned)) == len(planned)
    assert start.parent == before  # the caller's joins are read, not changed


def test_parallel_verification_makes_the_serial_decisions(seed_docs, monkeypatch):
    import dedupe.judges as judges

    variants = []
    for k, d in enumerate(seed_docs):
        text = d.text
        variants += [
            doc(text.replace("。", "。\n", 3), f"v{k}a", 10 + k),
            doc(text[: len(text) * 2 // 3], f"v{k}b", 20 + k),  # an excerpt: related or contained
            doc(text.replace("2023", "2024", 1).replace("市", "县", 5), f"v{k}c", 30 + k),  # another notice
        ]
    docs = [*seed_docs, *variants]
    serial = find_duplicates(docs, jobs=1)
    monkeypatch.setattr(judges, "MIN_PARALLEL", 0)  # fork workers even for this small batch
    monkeypatch.setattr(judges, "CHUNK", 1)
    monkeypatch.setattr(judges.Recent, "KEEP", 2)  # and drop shingle sets early
    fetched = calls(monkeypatch, judges.Judges, "prefetch", lambda self, pairs: len(self._ready))
    parallel = find_duplicates(docs, jobs=2)
    assert sum(fetched) >= 10  # verified by the workers
    assert len(serial.pairs) >= 10 and any(p.merged for p in serial.pairs)
    assert decisions(parallel) == decisions(serial)
