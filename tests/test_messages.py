"""What the commands say: every figure beside the pair it is about, a split honoured by the
re-scrape of one side, --verbose naming what happened to each file, and a progress bar only where
a person watches a terminal."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from cli import main
from tests.conftest import ROOT, SEEDS_INGESTED, cut_copies, first_part, seed_path
from tests.outputs import expect, expect_case


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def landed(summary: str) -> str:
    return summary + "\n"


# seed 002, and B and C cut from it: one notice, two duplicates of another file given
THREE = landed(
    "3 new original(s): 1 new notice(s), 0 duplicate(s) of notices already there, 2 duplicate(s) of another file "
    "given; 0 canonical change(s); 0 already in the corpus; 0 identical to another file given; 0 rejected; "
    "0 renamed in raw/"
)


def _beside(tmp_path: Path, seed: Path) -> Path:
    """A copy of ``seed`` in the test's folder: dedupe lists notices by path, and the repository's
    folder sorts before or after the tmp folder depending on the machine."""
    copy = tmp_path / f"a_{seed.name}"
    shutil.copyfile(seed, copy)
    return copy


def _rows(root: Path) -> dict[str, dict[str, str]]:
    with (root / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return {r["path"]: r for r in csv.DictReader(handle)}


def test_a_member_joined_through_another_shows_that_pair_s_figure_and_names_it(tmp_path):
    """B keeps 60% of seed 002, C a third: C is too short to be a copy of 002 (an excerpt), so it
    joins through B. Its relation is C~B's (contained); its figure was C~002's Jaccard (0.322)."""
    b, c = cut_copies(tmp_path)
    root = tmp_path / "corpus"
    expect(run("ingest", str(seed_path("002")), str(b), str(c), "--corpus", str(root), "-j", "1"), code=0, stdout=THREE)
    rows = _rows(root)
    assert rows["raw/c_33.txt"]["relation"] == "contained" and rows["raw/c_33.txt"]["via"] == "raw/b_60.txt"
    assert float(rows["raw/c_33.txt"]["similarity"]) > 0.5  # C~B, not C~002 (0.322)
    assert rows["raw/b_60.txt"]["via"] == ""  # B~002 is the canonical's own pair
    expect_case(run("report", "--corpus", str(root)), "report_a_member_joined_through_another")
    a = _beside(tmp_path, seed_path("002"))
    done = run("dedupe", str(a), str(b), str(c), "-j", "1", "--json")
    expect_case(done, "dedupe_a_member_joined_through_another_json")
    found = json.loads(done.stdout)
    item = next(d for d in found["documents"] if d["path"] == str(c))
    assert item["via"] == str(b) and item["similarity"] > 0.5


def test_a_pair_of_one_cluster_is_not_listed_as_never_merged(tmp_path):
    b, c = cut_copies(tmp_path)
    root = tmp_path / "corpus"
    run("ingest", str(seed_path("002")), str(b), str(c), "--corpus", str(root), "-j", "1")
    assert "never merged" not in run("report", "--corpus", str(root)).stdout


def test_dedupe_lists_no_pair_of_one_cluster_as_related(tmp_path):
    """dedupe of 002 and its two cut copies: one cluster, C joined through B; C~002 is no pair kept apart."""
    b, c = cut_copies(tmp_path)
    done = run("dedupe", str(_beside(tmp_path, seed_path("002"))), str(b), str(c), "-j", "1")
    assert done.stdout.splitlines()[-1] == "3 notices, 1 clusters, 2 duplicates"
    assert "\nrelated " not in done.stdout


def _split_identical(tmp_path: Path) -> tuple[Path, str]:
    """Seed 002 as a.txt (UTF-8) and its GB18030 copy b.txt: identical texts, split by hand."""
    text = seed_path("002").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(text.encode("gb18030"))
    root = tmp_path / "corpus"
    two = landed(
        "2 new original(s): 1 new notice(s), 0 duplicate(s) of notices already there, 1 duplicate(s) of another "
        "file given; 0 canonical change(s); 0 already in the corpus; 0 identical to another file given; 0 rejected; "
        "0 renamed in raw/"
    )
    expect(
        run("ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--corpus", str(root), "-j", "1"),
        code=0,
        stdout=two,
    )
    split = (
        "split-by-hand: raw/a.txt ~ raw/b.txt\n"
        "  cluster 9c9f4ab87094f442: 1 notice, canonical raw/a.txt\n"
        "  cluster 5ae6aac4d90de608: 1 notice, canonical raw/b.txt\n"
    )
    expect(
        run("split", "raw/a.txt", "raw/b.txt", "--reason", "two issuers", "--corpus", str(root)), code=0, stdout=split
    )
    return root, text


def test_a_split_pair_of_identical_texts_keeps_its_measured_figure(tmp_path):
    root, _ = _split_identical(tmp_path)
    expect_case(run("report", "--corpus", str(root)), "report_a_split_pair_of_identical_texts")


def test_after_a_split_a_re_scrape_joins_the_side_it_copies(tmp_path):
    """Identical texts split by hand: a re-scrape is exact to both. One in a's encoding joins a, one
    in b's joins b (before, both joined b: the tie went to the smaller id)."""
    root, text = _split_identical(tmp_path)
    again_a, again_b = tmp_path / "again_a.txt", tmp_path / "again_b.txt"
    again_a.write_bytes(text.encode("utf-8") + b"\n")
    again_b.write_bytes(text.encode("gb18030") + b"\r\n")
    one_duplicate = landed(
        "1 new original(s): 0 new notice(s), 1 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/"
    )
    for again in (again_a, again_b):
        expect(run("ingest", str(again), "--corpus", str(root), "-j", "1"), code=0, stdout=one_duplicate)
    rows = _rows(root)
    assert rows["raw/again_a.txt"]["cluster"] == rows["raw/a.txt"]["cluster"] != rows["raw/b.txt"]["cluster"]
    assert rows["raw/again_b.txt"]["cluster"] == rows["raw/b.txt"]["cluster"]


def test_verbose_ingest_says_what_happened_to_each_file(tmp_path):
    """The counts name their files: which files were the same bytes as which, which notice each
    duplicate joined with the pair's figures, what was skipped or refused and why."""
    given = tmp_path / "in"
    given.mkdir()
    text = seed_path("002").read_text(encoding="utf-8")
    (given / "a.txt").write_text(text, encoding="utf-8")
    (given / "a_copy.txt").write_text(text, encoding="utf-8")  # the same bytes
    (given / "b_60.txt").write_text(first_part(text, 0.6), encoding="utf-8")
    (given / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # skipped: an image
    (given / "cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n")  # refused: damaged
    args = ["ingest", str(given), "--corpus", str(tmp_path / "c"), "-j", "1"]
    first = landed(
        "2 new original(s): 1 new notice(s), 0 duplicate(s) of notices already there, 1 duplicate(s) of another "
        "file given; 0 canonical change(s); 0 already in the corpus; 1 identical to another file given; 1 rejected; "
        "0 renamed in raw/"
    )
    cut = (
        "rejected <tmp>/in/cut.pdf: is a PDF that cannot be opened (Failed to load document (PDFium: Data format "
        "error).): it may be damaged or encrypted; give its text instead\n"
        "Error: 1 file(s) could not be ingested (see the reasons above)\n"
    )
    image = "note: skipped 1 file: 1 image (policy-dedup --verbose … lists them)\n"
    expect(run(*args[:3], str(tmp_path / "c2"), "-j", "1"), code=2, stdout=first, stderr=image + cut)  # no read lines
    # exit 2: the damaged PDF
    expect_case(run(*args, "--verbose"), "ingest_verbose")
    again = landed(
        "0 new original(s): 0 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "3 already in the corpus; 0 identical to another file given; 1 rejected; 0 renamed in raw/"
    )
    expect(run(*args, "--verbose", "--quiet"), code=2, stdout=again, stderr=cut)  # --quiet wins, refusals stay
    expect_case(run(*args, "--verbose"), "ingest_verbose_again")


def test_verbose_dedupe_names_the_notice_each_file_duplicates(tmp_path):
    text = seed_path("002").read_text(encoding="utf-8")
    b = tmp_path / "b_60.txt"
    b.write_text(first_part(text, 0.6), encoding="utf-8")
    a = _beside(tmp_path, seed_path("002"))
    expect_case(run("dedupe", str(a), str(b), str(a), "-j", "1", "--verbose"), "dedupe_verbose")
    expect_case(run("dedupe", str(a), str(b), "-j", "1"), "dedupe_without_verbose")


def _in_a_terminal(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run policy-dedup with stderr on a pseudo-terminal (stdout piped): its exit code, stdout and
    what the terminal showed."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k != "CI"} | {"PYTHONPATH": str(ROOT)} | (env or {})
    proc = subprocess.Popen([sys.executable, "-m", "cli", *args], stdout=subprocess.PIPE, stderr=slave,
                            cwd=tmp_path, env=environ)  # fmt: skip
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed: the process ended
            break
        if not chunk:
            break
        shown += chunk
    out = proc.stdout.read().decode() if proc.stdout else ""
    code = proc.wait(timeout=300)
    os.close(master)
    return code, out, shown.decode("utf-8", "replace")


@dataclass
class Ran:
    """A run in a terminal as the whole-output checks take it."""

    exit_code: int
    stdout: str
    stderr: str


def _folder(tmp_path: Path) -> Path:
    given = tmp_path / "in"
    given.mkdir()
    for short in ("000", "001", "002", "003", "004"):
        (given / f"{short}.txt").write_bytes(seed_path(short).read_bytes())
    return given


def test_a_terminal_shows_progress_of_reading_matching_and_landing(tmp_path):
    given = _folder(tmp_path)
    code, out, shown = _in_a_terminal(tmp_path, "ingest", str(given), "--corpus", "c", "-j", "1")
    assert (code, out) == (0, SEEDS_INGESTED)  # the bar on the terminal only: its frames vary with timing
    assert "reading" in shown and "5/5" in shown
    assert "matching" in shown and "landing" in shown
    code, out, shown = _in_a_terminal(tmp_path, "dedupe", str(given), "-j", "1")
    assert code == 0 and "reading" in shown and "matching" in shown
    expect_case(Ran(code, out, ""), "dedupe_seeds_copied_into_a_folder")  # the bar on the terminal only
    code, out, shown = _in_a_terminal(tmp_path, "check", str(seed_path("003")), "--corpus", "c", "-j", "1")
    known = f"known     <root>/tests/seeds/{seed_path('003').name} = c/raw/003.txt\n0 duplicate(s), 0 new, 1 known, 0 rejected\n"
    expect(Ran(code, out, shown), code=0, stdout=known)  # one file: nothing worth a bar, nothing on the terminal


def test_no_progress_in_ci_with_quiet_or_off_a_terminal(tmp_path):
    given = _folder(tmp_path)
    code, out, shown = _in_a_terminal(tmp_path, "ingest", str(given), "--corpus", "c", "-j", "1", env={"CI": "true"})
    expect(Ran(code, out, shown), code=0, stdout=SEEDS_INGESTED)  # the terminal shows nothing
    code, out, shown = _in_a_terminal(tmp_path, "dedupe", str(given), "-j", "1", "--quiet")
    expect_case(Ran(code, out, shown), "dedupe_seeds_copied_into_a_folder")
    done = run("ingest", str(given), "--corpus", str(tmp_path / "c2"), "-j", "1")  # stderr is no terminal: nothing
    expect(done, code=0, stdout=SEEDS_INGESTED)


def test_the_html_report_names_the_member_a_figure_is_to(tmp_path):
    b, c = cut_copies(tmp_path)
    root = tmp_path / "corpus"
    expect(run("ingest", str(seed_path("002")), str(b), str(c), "--corpus", str(root), "-j", "1"), code=0, stdout=THREE)
    done = run("report", "--corpus", str(root), "--format", "html", "-o", str(tmp_path / "r.html"))
    expect(done, code=0, stderr="wrote <tmp>/r.html\n")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "0.553 to raw/b_60.txt" in page  # the member table: C~B's figure, naming B
    assert 'contained 0.553 to <span class="path">raw/b_60.txt</span></span> <span class="path">raw/c_33.txt' in page
