from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from normalize import Normalized, normalize

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "seeds"  # the seed notices, as corpus/raw holds them (tested)
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


def first_part(text: str, share: float) -> str:
    """The lines of ``text`` up to ``share`` of its length: a copy cut short by its scraper."""
    out, size = [], 0
    for line in text.split("\n"):
        if size > share * len(text):
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) + "\n"


def cut_copies(folder: Path) -> tuple[Path, Path]:
    """Seed 002 cut short twice in ``folder``: ``b_60.txt`` keeps 60% of it, ``c_33.txt`` a third (an
    excerpt, too short to be a copy of 002, that joins 002's cluster through B)."""
    text = seed_path("002").read_text(encoding="utf-8")
    b, c = folder / "b_60.txt", folder / "c_33.txt"
    b.write_text(first_part(text, 0.6), encoding="utf-8")
    c.write_text(first_part(text, 0.33), encoding="utf-8")
    return b, c


@pytest.fixture(scope="session")
def seeds() -> dict[str, Normalized]:
    return {short: normalize(seed_path(short).read_bytes()) for short in SEED_NAMES}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus holding the seeds, ingested as a user would."""
    from click.testing import CliRunner

    from cli import main
    from tests.outputs import expect

    root = tmp_path / "corpus"
    result = CliRunner().invoke(main, ["ingest", str(SEEDS), "--corpus", str(root), "--jobs", "1"])
    expect(result, code=0, stdout=SEEDS_INGESTED)
    return root


# the seeds hold the Weihai notice twice: into an empty corpus, a duplicate of another file given
SEEDS_INGESTED = (
    "5 new original(s): 4 new notice(s), 0 duplicate(s) of notices already there, 1 duplicate(s) of another file "
    "given; 0 canonical change(s); 0 already in the corpus; 0 identical to another file given; 0 rejected; "
    "0 renamed in raw/\n"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="write tests/cases/cli/*.out anew from what the commands print (review every line written)",
    )


def pytest_configure(config: pytest.Config) -> None:
    from tests import outputs

    outputs.update_cases = config.getoption("--update-outputs")


@pytest.fixture(scope="session", autouse=True)
def _outputs_name_the_tmp_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Whole-output checks print a test's tmp_path as <tmp> (tests/outputs.py)."""
    from tests import outputs

    outputs.basetemp = tmp_path_factory.getbasetemp()


# CI runs the property tests deterministically: a red build must be reproducible.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ping(url: str) -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url():
    """A real Redis server: POLICY_DEDUP_REDIS_URL, or redis-server started on a free loopback port.

    Without one the Redis tests skip, except in CI (CI=true), where a skip would hide a missing
    install step: there they fail.
    """
    import shutil
    import subprocess
    import time

    url = os.environ.get("POLICY_DEDUP_REDIS_URL")
    proc = None
    if not url and shutil.which("redis-server"):
        port = _free_port()
        proc = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while not _ping(url) and time.monotonic() < deadline:
            time.sleep(0.05)
    if not url or not _ping(url):
        if proc:
            proc.kill()
        message = "no Redis server: install redis-server (Debian package) or set POLICY_DEDUP_REDIS_URL"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the Redis tests")
        pytest.skip(message)
    yield url
    if proc:
        proc.terminate()
        proc.wait(timeout=10)
