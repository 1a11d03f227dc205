"""The floor of any MinHash dedup: read each file, decode it, and compute its 128-permutation
signature over character 5-grams (numpy, as ``dedupe/signature.py``), nothing else.

    python bench/peers/floor.py FILE_LIST OUT_JSON [--jobs 2]

Runs in the project's environment. Writes no clusters (``[]``): it answers how fast the work every
peer must do at least can go, so a tool's time can be read against it.
"""

from __future__ import annotations

import sys
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dedupe.shingle import shingle_hashes64
from dedupe.signature import signature
from normalize.decode import decode


def one(path: str) -> int:
    try:
        text = decode(Path(path).read_bytes()).text
    except Exception:  # a file our decoder refuses still costs its read: count it, sign nothing
        return 0
    return int(signature(shingle_hashes64(text)).min())


def main() -> None:
    files, out = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 2
    paths = Path(files).read_text(encoding="utf-8").splitlines()
    with Pool(jobs) as pool:
        for _ in pool.imap_unordered(one, paths, chunksize=64):
            pass
    Path(out).write_text("[]", encoding="utf-8")


if __name__ == "__main__":
    main()
