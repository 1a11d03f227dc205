"""The corpus store and the commands around it: ingest, check, report."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from dedupe.store import Corpus
from tests.conftest import DATA, ROOT, SEED_NAMES, SEEDS, seed_path

DISTINCT = DATA / "东营市制定地方性法规条例(2016-03-30).md"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def rescraped_000(folder: Path) -> Path:
    """Seed 000 as another scraper would store it: page numbers, spaced digits, GB18030."""
    lines = seed_path("000").read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i and i % 12 == 0:
            out += ["", f"- {i // 12} -", ""]
    text = re.sub(r"(\d+)(?=[年月日万个])", r"\1 ", "\n".join(out))
    path = folder / "rescraped_000.txt"
    path.write_bytes(text.encode("gb18030"))
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    code, _out, err = run("ingest", str(SEEDS), "--corpus", str(root), "--jobs", "1")
    assert code == 0, err
    return root


def manifest_rows(root: Path) -> list[dict[str, str]]:
    import csv

    with (root / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_ingest_seeds(corpus):
    rows = manifest_rows(corpus)
    assert len(rows) == 5
    assert sorted(p.name for p in (corpus / "raw").iterdir()) == sorted(SEED_NAMES.values())
    for row in rows:
        assert (corpus / row["path"]).read_bytes() == (SEEDS / Path(row["path"]).name).read_bytes()
    assert len(list((corpus / "canonical").glob("*.txt"))) == 4
    weihai = [r for r in rows if r["doc_number"] == "威人社字〔2023〕13号"]
    assert len({r["cluster"] for r in weihai}) == 1
    canonical = next(r for r in weihai if r["is_canonical"] == "true")
    assert canonical["path"] == f"raw/{SEED_NAMES['002']}"
    other = next(r for r in weihai if r["is_canonical"] == "false")
    assert other["relation"] == "near" and float(other["similarity"]) > 0.97


def test_ingest_again_is_byte_identical(corpus):
    before = {p: (corpus / p).read_bytes() for p in ("manifest.csv", "decisions.jsonl")}
    code, out, _ = run("ingest", str(SEEDS), "--corpus", str(corpus))
    assert code == 0
    assert "5 already in the corpus" in out
    for name, data in before.items():
        assert (corpus / name).read_bytes() == data


def test_check_flags_a_rescraped_seed_then_ingest_records_it(corpus, tmp_path):
    pr = rescraped_000(tmp_path)
    code, out, _ = run("check", str(pr), "--corpus", str(corpus))
    assert code == 1
    assert f"DUPLICATE {pr} duplicates {corpus / 'raw' / SEED_NAMES['000']}" in out
    code, out, _ = run("check", str(pr), "--corpus", str(corpus), "--format", "github")
    assert code == 1 and out.startswith(f"::error file={pr},title=duplicate notice::")
    code, out, _ = run("check", str(pr), "--corpus", str(corpus), "--json")
    (dup,) = json.loads(out)["duplicates"]
    assert dup["duplicates"].endswith(SEED_NAMES["000"]) and dup["relation"] in {"exact", "near"}

    code, out, _ = run("ingest", str(pr), "--corpus", str(corpus))
    assert code == 0
    rows = {Path(r["path"]).name: r for r in manifest_rows(corpus)}
    assert rows["rescraped_000.txt"]["cluster"] == rows[SEED_NAMES["000"]]["cluster"]
    assert rows["rescraped_000.txt"]["encoding"] == "gb18030"
    assert len(list((corpus / "canonical").glob("*.txt"))) == 4
    decisions = [json.loads(line) for line in (corpus / "decisions.jsonl").read_text(encoding="utf-8").splitlines()]
    merge = next(d for d in decisions if d["decision"] == "merge" and d["b"] == "raw/rescraped_000.txt")
    assert merge["a"] == f"raw/{SEED_NAMES['000']}" and merge["reason"]
    # once recorded, the same file is known and passes
    code, out, _ = run("check", str(pr), "--corpus", str(corpus))
    assert code == 0 and "known" in out


def test_check_changes_nothing_and_passes_a_distinct_notice(corpus):
    before = sorted((p, p.stat().st_mtime_ns) for p in corpus.rglob("*") if p.is_file())
    code, out, _ = run("check", str(DISTINCT), "--corpus", str(corpus))
    assert code == 0
    assert f"new       {DISTINCT}" in out
    assert sorted((p, p.stat().st_mtime_ns) for p in corpus.rglob("*") if p.is_file()) == before


def test_check_flags_duplicates_among_additions(corpus, tmp_path):
    a = tmp_path / "a.md"
    b = tmp_path / "b.txt"
    a.write_bytes(DISTINCT.read_bytes())
    b.write_bytes(DISTINCT.read_text(encoding="utf-8").replace("，", ",").encode("utf-16"))
    code, out, _ = run("check", str(a), str(b), "--corpus", str(corpus))
    assert code == 1
    assert f"DUPLICATE {b} duplicates {a}" in out


def test_binary_file_is_rejected_and_report_still_works(corpus, tmp_path):
    blob = tmp_path / "scan.txt"
    blob.write_bytes(os.urandom(4096))
    code, out, err = run("ingest", str(blob), str(DISTINCT), "--corpus", str(corpus))
    assert code == 0
    assert f"rejected {blob}" in err and "--encoding" in err
    assert "1 rejected" in out
    paths = [r["path"] for r in manifest_rows(corpus)]
    assert "raw/scan.txt" not in paths and len(paths) == 6
    assert not (corpus / "raw" / "scan.txt").exists()
    code, out, _ = run("report", "--corpus", str(corpus), "--format", "json")
    assert code == 0
    assert [r["path"] for r in json.loads(out)["rejected"]] == [str(blob)]


def test_report_formats(corpus):
    code, out, _ = run("report", "--corpus", str(corpus))
    assert code == 0
    assert "5 originals, 4 clusters, 1 duplicates" in out
    assert "repeated-passage" in out
    code, out, _ = run("report", "--corpus", str(corpus), "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert "repeated-passage" in header and "truncated" in header
    code, out, _ = run("report", "--corpus", str(corpus), "--format", "json")
    data = json.loads(out)
    assert data["summary"]["clusters"] == 4
    seed001 = next(m for c in data["clusters"] for m in c["members"] if m["path"].endswith(SEED_NAMES["001"]))
    assert "repeated-passage" in seed001["flags"]


def test_report_on_a_missing_corpus_says_what_to_do(tmp_path):
    code, _, err = run("report", "--corpus", str(tmp_path / "nothing"))
    assert code == 1
    assert "policy-dedup ingest" in err


def test_cache_is_rebuilt_when_missing(corpus):
    shutil.rmtree(corpus / ".cache")
    state = Corpus(corpus).load()
    assert len(state.documents) == 5
    assert any(p.relation == "near" for p in state.pairs)


def test_the_repository_corpus_is_consistent():
    """corpus/ is this repository's own corpus: every original is recorded."""
    code, out, err = run("check", str(ROOT / "corpus" / "raw"), "--corpus", str(ROOT / "corpus"))
    assert code == 0, out + err
    assert "0 duplicate(s), 0 new, 5 known" in err + out


def _ingest_process(corpus: Path, *paths: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "ingest", *map(str, paths), "--corpus", str(corpus), "--jobs", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _many_notices(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    text = DISTINCT.read_text(encoding="utf-8")
    out = []
    for i in range(count):
        path = folder / f"n{i:03d}.md"
        path.write_text(text.replace("东营", f"第{i}号城"), encoding="utf-8")
        out.append(path)
    return out


def test_killed_ingest_leaves_a_readable_store_and_the_next_completes(corpus, tmp_path):
    files = _many_notices(tmp_path / "batch", 60)
    proc = _ingest_process(corpus, *files)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith("n0") for p in (corpus / "raw").iterdir()) and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(manifest_rows(corpus)) in (5, 65)  # the manifest is the commit point: before or after
    assert Corpus(corpus).load().manifest.height in (5, 65)
    code, _out, err = run("ingest", *map(str, files), "--corpus", str(corpus))  # the stale lock is taken over
    assert code == 0, err
    assert len(manifest_rows(corpus)) == 65
    assert len({p.name for p in (corpus / "raw").iterdir()}) == 65


def test_two_ingests_at_once_both_land(corpus, tmp_path):
    first = _many_notices(tmp_path / "first", 8)
    second = [tmp_path / "second.md"]
    second[0].write_text(DISTINCT.read_text(encoding="utf-8").replace("东营", "另一"), encoding="utf-8")
    procs = [_ingest_process(corpus, *first), _ingest_process(corpus, *second)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    rows = manifest_rows(corpus)
    assert len(rows) == 5 + 8 + 1
    assert len({r["seq"] for r in rows}) == len(rows)
    assert all((corpus / r["path"]).exists() for r in rows)
