"""--quiet and --verbose are taken after the command too, and --quiet never hides what was refused:
the error line that ends such a run points to those reasons."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import SEEDS, SEEDS_INGESTED, seed_path
from tests.outputs import expect, expect_case

DAMAGED = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n"  # a PDF cut after its first object


DAMAGED_REASON = (
    "is a PDF that cannot be opened (Failed to load document (PDFium: Data format error).): it may be damaged or "
    "encrypted; give its text instead"
)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_before_or_after_the_command_drops_notes(tmp_path, where):
    (tmp_path / "in").mkdir()
    shutil.copyfile(seed_path("002"), tmp_path / "in" / "a.txt")
    (tmp_path / "in" / ".hidden.txt").write_text("x", encoding="utf-8")  # passed over: a note
    args = ["ingest", str(tmp_path / "in"), "--corpus", str(tmp_path / "c"), "--jobs", "1"]
    landed = (
        "1 new original(s): 1 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/\n"
    )
    hidden = "note: passed over 1 hidden file(s) or folder(s) (names starting with '.', such as macOS ._ files)\n"
    expect(run(*args), code=0, stdout=landed, stderr=hidden)
    quiet = run("--quiet", *args) if where == "before" else run(*args, "--quiet")
    already = (
        "0 new original(s): 0 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "1 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/\n"
    )
    expect(quiet, code=0, stdout=already)


def test_quiet_keeps_the_reasons_the_error_points_to(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(DAMAGED)
    refused = (
        "0 new original(s): 0 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 1 rejected; 0 renamed in raw/\n"
    )
    for args, out, verb, error in (
        (["dedupe", str(tmp_path / "scan.pdf"), "-q"], "", "skipped",
         "Error: none of the files could be read as a notice (see the reasons above)"),
        (["ingest", str(tmp_path / "scan.pdf"), "--corpus", str(tmp_path / "c"), "-q"], refused, "rejected",
         "Error: 1 file(s) could not be ingested (see the reasons above)"),
    ):  # fmt: skip
        # the reason itself, despite --quiet
        expect(run(*args), code=2, stdout=out, stderr=f"{verb} <tmp>/scan.pdf: {DAMAGED_REASON}\n{error}\n")


def test_verbose_is_taken_after_the_command(tmp_path):
    expect_case(run("dedupe", str(SEEDS), "--jobs", "1", "--verbose"), "dedupe_seeds_verbose")
    assert "--verbose" in run("check", "--help").output and "--quiet" in run("merge", "--help").output


def test_an_ingest_into_an_empty_corpus_counts_duplicates_of_files_given_apart(tmp_path):
    """The seeds hold the Weihai notice twice: into an empty corpus that is a duplicate of another
    file given, not of a notice already there; a later re-scrape is one of a notice already there."""
    expect(run("ingest", str(SEEDS), "--corpus", str(tmp_path / "c"), "-j", "1"), code=0, stdout=SEEDS_INGESTED)
    copy = tmp_path / "again.txt"
    copy.write_bytes(seed_path("003").read_text(encoding="utf-8").encode("gb18030"))
    one_duplicate = (
        "1 new original(s): 0 new notice(s), 1 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/\n"
    )
    expect(run("ingest", str(copy), "--corpus", str(tmp_path / "c"), "-j", "1"), code=0, stdout=one_duplicate)
