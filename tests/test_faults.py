"""Crash safety and integrity: an ingest lands whole or not at all, whatever stops it; every
command checks what it reads, and ``verify`` checks everything."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.store.journal import STEPS
from tests.conftest import DATA, ROOT, SEED_NAMES
from tests.test_store import DISTINCT, manifest_rows, rescraped_000, run

VOLATILE = ("time", "ingest", "ingested_at")


def batch(folder: Path) -> list[Path]:
    folder.mkdir()
    files = [rescraped_000(folder), folder / DISTINCT.name, folder / "北京.md"]
    shutil.copyfile(DISTINCT, files[1])
    shutil.copyfile(DATA / "北京市制定地方性法规条例(2023-07-28).md", files[2])
    return files


def state(root: Path) -> dict[str, object]:
    """What a corpus holds, leaving out timestamps and ingest ids."""
    rows = [{k: v for k, v in r.items() if k not in VOLATILE} for r in manifest_rows(root)]
    log = [{k: v for k, v in json.loads(x).items() if k not in VOLATILE} for x in
           (root / "decisions.jsonl").read_text(encoding="utf-8").splitlines()]  # fmt: skip
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
             and p.parts[len(root.parts)] in ("raw", "canonical")}  # fmt: skip
    leftovers = [p.name for p in root.rglob(".*") if p.name not in (".cache", ".lock") and ".cache" not in p.parts]
    return {"rows": rows, "log": log, "files": files, "leftovers": leftovers}


def crashed_ingest(root: Path, files: list[Path], step: str) -> int:
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "ingest", *map(str, files), "--corpus", str(root), "--jobs", "1"],
        cwd=ROOT,
        capture_output=True,
        env={**__import__("os").environ, "POLICY_DEDUP_CRASH_AT": step},
        timeout=120,
    )
    return proc.returncode


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_after_any_step_is_finished_or_undone_by_the_next_command(corpus, tmp_path, step):
    files = batch(tmp_path / "batch")
    reference = tmp_path / "reference"
    shutil.copytree(corpus, reference)
    assert run("ingest", *map(str, files), "--corpus", str(reference))[0] == 0
    expected = state(reference)
    before = state(corpus)

    assert crashed_ingest(corpus, files, step) == 86
    code, _, err = run("check", str(files[1]), "--corpus", str(corpus))  # any command settles it
    assert code in (0, 1), err
    settled = state(corpus)
    assert settled == (expected if STEPS.index(step) >= STEPS.index("manifest") else before)
    assert run("verify", "--corpus", str(corpus))[0] == 0

    code, _, err = run("ingest", *map(str, files), "--corpus", str(corpus))
    assert code == 0, err
    assert state(corpus) == expected
    lines = (corpus / "decisions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_disk_fails_the_ingest_cleanly(corpus, tmp_path, monkeypatch, code):
    files = batch(tmp_path / "batch")
    before = state(corpus)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, errno.errorcode[code])

    monkeypatch.setattr("dedupe.store.journal.log.append", fail)
    exit_code, _, err = run("ingest", *map(str, files), "--corpus", str(corpus))
    assert exit_code == 3
    assert "free some space or make it writable" in err and "Traceback" not in err
    assert state(corpus) == before
    monkeypatch.undo()
    assert run("ingest", *map(str, files), "--corpus", str(corpus))[0] == 0


def _edit_manifest(root: Path, change: callable) -> None:
    text = (root / "manifest.csv").read_text(encoding="utf-8")
    (root / "manifest.csv").write_text(change(text), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t[: len(t) - 40], "cut short"),
        (lambda t: t + t.splitlines()[2] + "\n", "appears on another row"),
        (lambda t: t + "garbage\n", "no path"),
        (lambda t: t.replace(f"raw/{SEED_NAMES['001']}", "raw/../../etc/hostname"), "not a file inside raw/"),
        (lambda t: t.replace(",13090,", ",13 KB,"), "bytes '13 KB' is not"),
    ],
    ids=["cut", "duplicated-row", "garbled-row", "path-outside-raw", "bad-number"],
)
def test_a_damaged_manifest_is_an_error_naming_the_line(corpus, change, message):
    _edit_manifest(corpus, change)
    for args in (["check", str(DISTINCT)], ["ingest", str(DISTINCT)], ["report"], ["verify"]):
        code, _, err = run(*args, "--corpus", str(corpus))
        assert code == 3, (args, err)
        assert message in err and "manifest.csv" in err and "Traceback" not in err


def test_a_replaced_or_deleted_original_stops_every_command_that_would_use_it(corpus, tmp_path):
    target = corpus / "raw" / SEED_NAMES["000"]
    data = target.read_bytes()
    target.write_bytes(data[:-10] + b"0123456789")  # same size, other bytes
    pr = rescraped_000(tmp_path)  # compared with 000, so 000's original is checked
    code, _, err = run("check", str(pr), "--corpus", str(corpus))
    assert code == 3 and "changed since they were ingested" in err and SEED_NAMES["000"] in err
    code, _, err = run("verify", "--corpus", str(corpus))
    assert code == 3 and "its bytes changed" in err
    target.unlink()  # a missing original stops every command at once
    code, _, err = run("ingest", str(DISTINCT), "--corpus", str(corpus))
    assert code == 3 and "missing" in err and "git checkout" in err
    target.write_bytes(data)
    assert run("check", str(pr), "--corpus", str(corpus))[0] == 1
    shutil.rmtree(corpus / ".cache")  # a rebuild reads every original, and checks its sha256
    (corpus / "raw" / SEED_NAMES["004"]).write_bytes(b"x" * 100)
    code, _, err = run("check", str(DISTINCT), "--corpus", str(corpus))
    assert code == 3 and SEED_NAMES["004"] in err and "restore the originals" in err


def test_verify_lists_files_raw_holds_that_the_manifest_does_not(corpus):
    shutil.copyfile(DISTINCT, corpus / "raw" / "stray.md")
    code, _, err = run("verify", "--corpus", str(corpus))
    assert code == 3 and "raw/stray.md: in raw/ but not in the manifest" in err


def test_a_log_line_damaged_in_the_middle_is_an_error_a_cut_last_line_is_not(corpus):
    log = corpus / "decisions.jsonl"
    good = log.read_bytes()
    log.write_bytes(good + b'{"decision": "merge", "a": "raw/')
    assert run("report", "--corpus", str(corpus))[0] == 0
    code, _, err = run("verify", "--corpus", str(corpus))
    assert code == 3 and "last line was cut" in err
    assert run("ingest", str(DISTINCT), "--corpus", str(corpus))[0] == 0  # the cut line is dropped
    assert all(line.endswith("}") for line in log.read_text(encoding="utf-8").splitlines())
    log.write_bytes(b"not json\n" + log.read_bytes())
    code, _, err = run("report", "--corpus", str(corpus))
    assert code == 3 and "line 1" in err


@given(st.lists(st.sampled_from(["raw", "..", ".", "", "a.txt", "sub", "\\", "x", ".h"]), min_size=1, max_size=5))
def test_the_manifest_path_rule_is_the_same_row_by_row_and_for_a_column(parts):
    import polars as pl

    from dedupe.store.manifest import _inside_raw, inside_raw

    path = "/".join(parts)
    assert _inside_raw(pl.Series([path])).to_list() == [inside_raw(path)]
