"""The fuzz suite, long: hostile bytes through normalize (``--cases``) and through dedupe, check and
ingest into one growing corpus (a tenth as many batches of up to four files), ``verify`` after each.

    python bench/fuzz.py [--cases 10000]

Prints the cases run, the time, and what was found (pytest's failure report, with the falsifying
example, if any).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    for test, cases in (("test_normalize_raises_only_its_own_errors", args.cases),
                        ("test_commands_exit_with_documented_codes_and_the_corpus_stays_sound", args.cases // 10)):  # fmt: skip
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"tests/test_fuzz.py::{test}"],
            cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, "POLICY_DEDUP_FUZZ_EXAMPLES": str(cases)},
        )  # fmt: skip
        verdict = "nothing found" if done.returncode == 0 else "FOUND A FAILURE:\n" + done.stdout[-4000:]
        print(f"{test}: {cases} cases in {time.perf_counter() - began:.0f} s: {verdict}", flush=True)


if __name__ == "__main__":
    main()
