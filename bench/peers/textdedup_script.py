"""Peer: text-dedup's MinHash (``text_dedup.minhash``, its command run in this process).

    python bench/peers/textdedup_script.py FILE_LIST OUT_JSON [--jobs 2]

Runs in its own environment (``pip install text-dedup chardet``). text-dedup reads a Hugging
Face dataset, so the files are decoded (chardet, as the other peers) into one saved to disk
first, which is part of the time measured. Its tokens are the text split on non-word characters;
a run of Chinese is one word to that split, so a space is put between characters: its 5-grams are
then character 5-grams, as the other peers'. Threshold 0.8, 128 permutations (its defaults are
0.7 and 250); the clusters are its union-find's, read after the command returns. No network:
the dataset is local (``--local``) and the hub is switched off.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import chardet
import datasets


def spaced(data: bytes) -> str:
    text = data.decode(chardet.detect(data)["encoding"] or "utf-8", errors="replace")
    return " ".join(c for c in text if not c.isspace())


def main() -> None:
    list_file, out = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 2
    paths = Path(list_file).read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory(prefix="text-dedup-peer-") as tmp:
        source = f"{tmp}/source"
        datasets.Dataset.from_dict({"text": [spaced(Path(p).read_bytes()) for p in paths]}).save_to_disk(source)
        from text_dedup import minhash

        minhash.main(
            ["--path", source, "--local", "--column", "text", "--output", f"{tmp}/out", "--cache_dir", f"{tmp}/cache",
             "--num_proc", str(jobs), "--threshold", "0.8", "--num_perm", "128", "--ngram", "5"],
            standalone_mode=False,
        )  # fmt: skip
        groups: dict[int, list[str]] = defaultdict(list)
        for i, path in enumerate(paths):
            groups[minhash.uf.find(i)].append(path)
    Path(out).write_text(json.dumps(list(groups.values())), encoding="utf-8")


if __name__ == "__main__":
    main()
