from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from normalize import Normalized, normalize

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "raw"
DATA = Path(__file__).resolve().parent / "data"
SEED_NAMES = {
    "000": "000_9ddad98e37283a11.txt",
    "001": "001_b941cff894a1117e.txt",
    "002": "002_8106084470b39083.txt",
    "003": "003_4df78c131d5774f9.txt",
    "004": "004_ba1a64cbc4ee3ba7.txt",
}


def seed_path(short: str) -> Path:
    return SEEDS / SEED_NAMES[short]


@pytest.fixture(scope="session")
def seeds() -> dict[str, Normalized]:
    return {short: normalize(seed_path(short).read_bytes()) for short in SEED_NAMES}


# CI runs the property tests deterministically: a red build must be reproducible.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
