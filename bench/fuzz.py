"""The fuzz suite, long: hostile bytes, tiny pages and XML declarations through normalize
(``--cases``), and batches of up to four such files under hostile names (not UTF-8, controls, long)
through normalize, dedupe, check and ingest into one growing corpus (``--batches``, by default a
tenth as many), ``verify``, ``report`` and ``export`` after each. Any exit 4 is a failure.

    python bench/fuzz.py [--cases 10000] [--batches 1000]

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
    parser.add_argument("--batches", type=int, default=None, help="command batches [default: a tenth of --cases]")
    parser.add_argument("--round", type=int, default=1000, help="cases per pytest run (each run draws new ones)")
    args = parser.parse_args()
    batches = args.cases // 10 if args.batches is None else args.batches
    for test, cases in (("test_normalize_raises_only_its_own_errors", args.cases),
                        ("test_commands_exit_with_documented_codes_and_the_corpus_stays_sound", batches)):  # fmt: skip
        if not rounds(test, cases, max(1, args.round if "normalize" in test else args.round // 10)):
            raise SystemExit(1)


def rounds(test: str, cases: int, size: int) -> bool:
    """Run ``test`` for ``cases`` cases, ``size`` a run, printing the count after each: a long run
    stopped early still says how far it got. False at the first failure (its report printed)."""
    began, done = time.perf_counter(), 0
    while done < cases:
        n = min(size, cases - done)
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"tests/test_fuzz.py::{test}"],
            cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, "POLICY_DEDUP_FUZZ_EXAMPLES": str(n)},
        )  # fmt: skip
        if run.returncode:
            print(f"{test}: FOUND A FAILURE after {done} cases:\n{run.stdout[-4000:]}", flush=True)
            return False
        done += n
        print(f"{test}: {done} cases in {time.perf_counter() - began:.0f} s: nothing found", flush=True)
    return True


if __name__ == "__main__":
    main()
