"""--quiet and --verbose are taken after the command too, and --quiet never hides what was refused:
the error line that ends such a run points to those reasons."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import SEEDS, seed_path

DAMAGED = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n"  # a PDF cut after its first object


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_before_or_after_the_command_drops_notes(tmp_path, where):
    (tmp_path / "in").mkdir()
    shutil.copyfile(seed_path("002"), tmp_path / "in" / "a.txt")
    (tmp_path / "in" / ".hidden.txt").write_text("x", encoding="utf-8")  # passed over: a note
    args = ["ingest", str(tmp_path / "in"), "--corpus", str(tmp_path / "c"), "--jobs", "1"]
    loud = run(*args)
    assert loud.exit_code == 0 and "note: passed over 1 hidden" in loud.stderr
    quiet = run("--quiet", *args) if where == "before" else run(*args, "--quiet")
    assert quiet.exit_code == 0, quiet.output
    assert "note:" not in quiet.stderr and "already in the corpus" in quiet.stdout


def test_quiet_keeps_the_reasons_the_error_points_to(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(DAMAGED)
    for args in (["dedupe", str(tmp_path / "scan.pdf"), "-q"],
                 ["ingest", str(tmp_path / "scan.pdf"), "--corpus", str(tmp_path / "c"), "-q"]):  # fmt: skip
        done = run(*args)
        assert done.exit_code == 2
        assert "(see the reasons above)" in done.stderr
        assert f"{tmp_path / 'scan.pdf'}: " in done.stderr  # the reason itself, despite --quiet


def test_verbose_is_taken_after_the_command(tmp_path):
    done = run("dedupe", str(SEEDS), "--jobs", "1", "--verbose")
    assert done.exit_code == 0 and "5 notices, 4 clusters" in done.stdout
    assert "--verbose" in run("check", "--help").output and "--quiet" in run("merge", "--help").output


def test_an_ingest_into_an_empty_corpus_counts_duplicates_of_files_given_apart(tmp_path):
    """The seeds hold the Weihai notice twice: into an empty corpus that is a duplicate of another
    file given, not of a notice already there; a later re-scrape is one of a notice already there."""
    done = run("ingest", str(SEEDS), "--corpus", str(tmp_path / "c"), "-j", "1")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("5 new original(s): 4 new notice(s), 0 duplicate(s) of notices already there, "
                                  "1 duplicate(s) of another file given; ")  # fmt: skip
    copy = tmp_path / "again.txt"
    copy.write_bytes(seed_path("003").read_text(encoding="utf-8").encode("gb18030"))
    done = run("ingest", str(copy), "--corpus", str(tmp_path / "c"), "-j", "1")
    assert done.stdout.startswith("1 new original(s): 0 new notice(s), 1 duplicate(s) of notices already there; ")
