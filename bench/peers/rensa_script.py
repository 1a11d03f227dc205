"""Peer: the fast script a user would write today: chardet decode, raw character 5-grams,
rensa's Rust MinHash (``RMinHash``, 128 permutations), datasketch's ``MinHashLSH`` at 0.8 and
union-find over the candidates.

    python bench/peers/rensa_script.py FILE_LIST OUT_JSON

Runs in its own environment (``pip install rensa datasketch chardet``), one process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import chardet
from datasketch import LeanMinHash, MinHashLSH
from rensa import RMinHash

NUM_PERM = 128


def signature(data: bytes) -> LeanMinHash:
    text = data.decode(chardet.detect(data)["encoding"] or "utf-8", errors="replace")
    m = RMinHash(num_perm=NUM_PERM, seed=42)
    m.update([text[i : i + 5] for i in range(max(1, len(text) - 4))])
    return LeanMinHash(seed=42, hashvalues=m.digest(), scheme="legacy")  # the LSH reads its values only


def clusters(files: list[str]) -> list[list[str]]:
    lsh = MinHashLSH(threshold=0.8, num_perm=NUM_PERM)
    sigs = {}
    for path in files:
        sigs[path] = signature(Path(path).read_bytes())
        lsh.insert(path, sigs[path])
    parent = {p: p for p in files}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for path in files:
        for other in lsh.query(sigs[path]):
            a, b = find(path), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for p in files:
        groups.setdefault(find(p), []).append(p)
    return list(groups.values())


def main() -> None:
    files = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    Path(sys.argv[2]).write_text(json.dumps(clusters(files)), encoding="utf-8")


if __name__ == "__main__":
    main()
