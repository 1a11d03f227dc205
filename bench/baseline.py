"""The plain pipeline a user would write with the same libraries: chardet, raw character
5-gram shingles, ``datasketch.MinHash.update_batch`` (SHA1 per shingle) and ``MinHashLSH`` at 0.8;
clusters are the connected components of LSH candidates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import chardet
from datasketch import MinHash, MinHashLSH


def plain_signature(data: bytes, n: int = 5, num_perm: int = 128) -> MinHash:
    encoding = chardet.detect(data)["encoding"] or "utf-8"
    text = data.decode(encoding, errors="replace")
    m = MinHash(num_perm=num_perm)
    m.update_batch([text[i : i + n].encode("utf-8") for i in range(max(1, len(text) - n + 1))])
    return m


def plain_datasketch_clusters(files: Sequence[str], threshold: float = 0.8) -> list[list[str]]:
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    sigs = {}
    for path in files:
        sigs[path] = plain_signature(Path(path).read_bytes())
        lsh.insert(path, sigs[path])
    parent = {p: p for p in files}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for path in files:
        for other in lsh.query(sigs[path]):
            ra, rb = find(path), find(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for p in files:
        groups.setdefault(find(p), []).append(p)
    return list(groups.values())
