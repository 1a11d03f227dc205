"""The LSH index shared through a real Redis server (datasketch's own storage layer)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import redis
from click.testing import CliRunner

from cli import main
from tests.conftest import ROOT, SEED_NAMES, seed_path
from tests.test_store import rescraped_000


def rows(root: Path) -> dict[str, dict[str, str]]:
    with (root / "manifest.csv").open(encoding="utf-8") as handle:
        return {Path(r["path"]).name: r for r in csv.DictReader(handle)}


def fresh_db(url: str, db: int) -> str:
    base = url.rsplit("/", 1)[0]
    redis.Redis.from_url(f"{base}/{db}").flushdb()
    return f"{base}/{db}"


def test_ingest_with_a_redis_index_gives_the_same_corpus(redis_url, tmp_path):
    url = fresh_db(redis_url, 1)
    shared, local = tmp_path / "a" / "corpus", tmp_path / "b" / "corpus"
    for root, extra in ((shared, ["--index", url]), (local, [])):
        result = CliRunner().invoke(main, ["ingest", str(seed_path("000").parent), "--corpus", str(root), *extra])
        assert result.exit_code == 0, result.output
    strip = ("ingested_at",)
    assert [{k: v for k, v in r.items() if k not in strip} for r in rows(shared).values()] == [
        {k: v for k, v in r.items() if k not in strip} for r in rows(local).values()
    ]
    keys = redis.Redis.from_url(url).keys("*")
    assert keys, "the LSH buckets live in Redis"
    assert all(k.startswith(b"policy-dedup:corpus") for k in keys)


def test_two_workers_on_disjoint_halves_find_duplicates_across_them(redis_url, tmp_path):
    url = fresh_db(redis_url, 2)
    corpus = tmp_path / "corpus"
    first = [seed_path(s) for s in ("000", "001", "002")]
    second = [seed_path("003"), seed_path("004"), rescraped_000(tmp_path)]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli",
                "ingest",
                *map(str, half),
                "--corpus",
                str(corpus),
                "--index",
                url,
                "--jobs",
                "1",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for half in (first, second)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    manifest = rows(corpus)
    assert len(manifest) == 6
    assert manifest[SEED_NAMES["002"]]["cluster"] == manifest[SEED_NAMES["003"]]["cluster"]
    assert manifest[SEED_NAMES["000"]]["cluster"] == manifest["rescraped_000.txt"]["cluster"]
    assert len({r["cluster"] for r in manifest.values()}) == 4


def test_unreachable_redis_says_what_to_do(tmp_path):
    result = CliRunner().invoke(
        main, ["ingest", str(seed_path("000")), "--corpus", str(tmp_path / "c"), "--index", "redis://127.0.0.1:1/0"]
    )
    assert result.exit_code == 3  # the index could not be used: not a finding
    assert "cannot reach the index at redis://127.0.0.1:1/0" in result.stderr
    assert not (tmp_path / "c" / "manifest.csv").exists()


def test_bad_index_url(tmp_path):
    result = CliRunner().invoke(
        main, ["ingest", str(seed_path("000")), "--corpus", str(tmp_path / "c"), "--index", "mongodb://x"]
    )
    assert result.exit_code == 3
    assert "use redis://HOST:PORT/DB" in result.stderr
