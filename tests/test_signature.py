"""The signature of a key's n-gram hashes in text order (repeats kept, as fingerprints make it) is
datasketch's, whatever the repeats and however many blocks the shingles take."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash

from dedupe.shingle import positional_hashes64, shingle_hash32, shingle_strings
from dedupe.signature import _CHUNK, signature


def _datasketch(key: str, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    reference = MinHash(num_perm=num_perm, seed=seed, hashfunc=shingle_hash32, scheme="affine32")
    reference.update_batch(shingle_strings(key))
    return reference.hashvalues


def test_signature_of_hashes_with_repeats_is_datasketch_s(seeds) -> None:
    keys = [seeds[name].key for name in sorted(seeds)]
    assert any(len(set(shingle_strings(k))) < len(shingle_strings(k)) for k in keys)  # a seed repeats n-grams
    for key in keys:
        assert np.array_equal(signature(positional_hashes64(key)), _datasketch(key))


def test_signature_over_several_blocks_is_datasketch_s(seeds) -> None:
    key = "".join(seeds[name].key for name in sorted(seeds))
    key = (key * (2 * _CHUNK // len(key) + 2))[: 2 * _CHUNK + 77]  # two blocks and a part, each shingle twice or more
    assert np.array_equal(signature(positional_hashes64(key), 64, 7), _datasketch(key, 64, 7))


def test_passages_sampled_before_the_sort_are_those_sampled_after(seeds, monkeypatch) -> None:
    """kept_passages takes the fingerprints divisible by the sample before sorting them: the same
    ones as taking them from all of them, also a long key winnowed a stretch at a time."""
    import dedupe.shingle as shingle

    keys = [seeds[name].key for name in sorted(seeds)]
    for chunk in (shingle.PASSAGE_CHUNK, 7):
        monkeypatch.setattr(shingle, "PASSAGE_CHUNK", chunk)
        for key in [*keys, "".join(keys), keys[0][:45]]:
            every = shingle.passage_fingerprints(key)
            for sample in (2, 4, 5):
                kept = shingle.passage_fingerprints(key, sample=sample)
                assert np.array_equal(kept, every[every % np.uint64(sample) == 0]), (chunk, sample)
