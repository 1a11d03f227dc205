"""Peer: the plain datasketch script a user would write (``bench/baseline.py``): chardet, raw
character 5-grams, ``MinHash.update_batch``, ``MinHashLSH`` at 0.8, connected components.

    python bench/peers/datasketch_script.py FILE_LIST OUT_JSON

Runs in its own environment (``pip install datasketch chardet``), one process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.baseline import plain_datasketch_clusters


def main() -> None:
    files = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    Path(sys.argv[2]).write_text(json.dumps(plain_datasketch_clusters(files)), encoding="utf-8")


if __name__ == "__main__":
    main()
