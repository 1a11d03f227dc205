"""The CI guard as documented: check --since in a git repository with non-ASCII file names, the
GitHub Actions recipe's command line, and the pre-commit hook run by pre-commit itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from cli import main
from tests.conftest import ROOT, SEED_NAMES, SEEDS, cut_copies
from tests.outputs import expect, expect_case
from tests.test_store import DISTINCT, ONE_NEW, landed, rescraped_000

BIN = Path(sys.executable).parent
RECIPE = "policy-dedup check --since origin/main --corpus corpus --format github"
RAW_000 = "corpus/raw/000_9ddad98e37283a11.txt"
EXACT = "(exact, similarity 1.000): identical comparison keys (same text up to layout and punctuation)"
INTO_000 = "(exact, similarity 1.000): ingested by this change into the cluster of raw/000_9ddad98e37283a11.txt (exact)"
RELATED_TO_004 = (
    "(related): shares 269 characters in verbatim passages of ≥ 40, Jaccard 0.076, containment 0.183: "
    "below the duplicate thresholds"
)
ONE_DUPLICATE = landed(
    "1 new original(s): 0 new notice(s), 1 duplicate(s) of notices already there; 0 canonical change(s); "
    "5 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/"
)


def sh(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "COLUMNS": "80",  # pre-commit pads its lines to the terminal's width
    }
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)
    if check and done.returncode:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A corpus repository: the seeds ingested on main, pushed to an 'origin' it can diff against."""
    root = tmp_path / "repo"
    root.mkdir()
    sh(root, "git", "init", "-q", "-b", "main")
    sh(root, sys.executable, "-m", "cli", "ingest", str(SEEDS), "--corpus", "corpus", "--jobs", "1")
    (root / ".gitignore").write_text("corpus/.cache/\ncorpus/.lock\n", encoding="utf-8")
    sh(root, "git", "add", "-A")
    sh(root, "git", "commit", "-q", "-m", "corpus")
    sh(root, "git", "update-ref", "refs/remotes/origin/main", "HEAD")
    sh(root, "git", "checkout", "-q", "-b", "pr")
    return root


def test_the_recipe_is_the_readme_s():
    assert RECIPE in (ROOT / "README.md").read_text(encoding="utf-8")


def test_check_since_finds_added_originals_with_any_name(repo, tmp_path):
    dup = repo / "corpus" / "raw" / "007_上海市转发济宁方案,副本:二.txt"
    shutil.copyfile(rescraped_000(tmp_path), dup)
    shutil.copyfile(DISTINCT, repo / "corpus" / "raw" / "008_东营市条例.md")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-q", "-m", "two notices")
    done = sh(repo, *RECIPE.split(), check=False)
    escaped = "corpus/raw/007_上海市转发济宁方案%2C副本%3A二.txt"  # relative to the workspace, , and : escaped
    error = f"::error file={escaped},title=duplicate notice::corpus/raw/{dup.name} duplicates {RAW_000} {EXACT}\n"
    expect(done, code=1, stdout=error + "1 duplicate(s), 1 new, 0 known, 0 rejected\n")
    # the same change, ingested and committed by its author, still fails: the manifest records the duplicate
    both = landed(
        "2 new original(s): 1 new notice(s), 1 duplicate(s) of notices already there; 0 canonical change(s); "
        "5 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/"
    )
    expect(sh(repo, sys.executable, "-m", "cli", "ingest", "corpus/raw", "--corpus", "corpus"), code=0, stdout=both)
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-q", "-m", "ingested")
    error = f"::error file={escaped},title=duplicate notice::corpus/raw/{dup.name} duplicates {RAW_000} {INTO_000}\n"
    expect(
        sh(repo, *RECIPE.split(), check=False), code=1, stdout=error + "1 duplicate(s), 0 new, 1 known, 0 rejected\n"
    )


def test_check_since_with_nothing_added_passes_and_a_bad_ref_is_bad_input(repo):
    nothing = "note: no file added under corpus/raw since origin/main: nothing to check\n"
    summary = "0 duplicate(s), 0 new, 0 known, 0 rejected\n"
    expect(sh(repo, *RECIPE.split(), check=False), code=0, stdout=summary, stderr=nothing)
    bad_ref = "Error: git cannot list what was added since no-such-ref: fatal: bad revision 'no-such-ref...HEAD'\n"
    done = sh(repo, "policy-dedup", "check", "--since", "no-such-ref", "--corpus", "corpus", check=False)
    expect(done, code=2, stderr=bad_ref)


def test_the_pre_commit_hook_checks_originals_only(repo, tmp_path):
    """pre-commit runs the hook as published, given here as a local hook on the same executable."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = {"repos": [{"repo": "local", "hooks": [{**hook, "language": "system"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    sh(repo, "git", "add", ".pre-commit-config.yaml")
    sh(repo, "git", "commit", "-q", "-m", "hook")
    pre_commit = [str(BIN / "pre-commit"), "run", "--hook-stage", "pre-commit"]
    canonical = next((repo / "corpus" / "canonical").iterdir())
    canonical.write_text(canonical.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    sh(repo, "git", "add", "-A")
    skipped = "policy-dedup check...................................(no files to check)Skipped\n"
    expect(sh(repo, *pre_commit, check=False), code=0, stdout=skipped)
    shutil.copyfile(rescraped_000(tmp_path), repo / "corpus" / "raw" / "九_重新抓取.txt")
    sh(repo, "git", "add", "-A")
    expect_case(sh(repo, *pre_commit, check=False), "pre_commit_hook_finds_a_duplicate")
    # ingested and staged with its manifest row: the hook still fails, as check --since does
    expect(
        sh(repo, sys.executable, "-m", "cli", "ingest", "corpus/raw", "--corpus", "corpus"),
        code=0,
        stdout=ONE_DUPLICATE,
    )
    sh(repo, "git", "add", "-A")
    expect_case(sh(repo, *pre_commit, check=False), "pre_commit_hook_finds_a_duplicate_ingested")
    error = (
        "::error file=corpus/raw/九_重新抓取.txt,title=duplicate notice::corpus/raw/九_重新抓取.txt duplicates "
        f"{RAW_000} {INTO_000}\n"
    )
    expect(
        sh(repo, *RECIPE.split(), check=False), code=1, stdout=error + "1 duplicate(s), 0 new, 0 known, 0 rejected\n"
    )
    # reviewed and accepted: both pass, and say who accepted it
    accepted = sh(repo, sys.executable, "-m", "cli", "accept", "corpus/raw/九_重新抓取.txt", "--corpus", "corpus",
                  "--by", "ana", "--reason", "the city's own copy, kept on purpose")  # fmt: skip
    expect(accepted, code=0, stdout="accept: raw/九_重新抓取.txt\n")
    sh(repo, "git", "add", "-A")
    passed = "policy-dedup check.......................................................Passed\n"
    expect(sh(repo, *pre_commit, check=False), code=0, stdout=passed)
    notice = (
        "::notice file=corpus/raw/九_重新抓取.txt,title=accepted duplicate::corpus/raw/九_重新抓取.txt duplicates "
        f"corpus/raw/000_9ddad98e37283a11.txt {INTO_000}; accepted by ana (the city's own copy, kept on purpose)\n"
    )
    summary = "0 duplicate(s), 1 accepted, 0 new, 0 known, 0 rejected\n"  # one file: not known as well
    expect(sh(repo, *RECIPE.split(), check=False), code=0, stdout=notice + summary)


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_an_accepted_duplicate_ingested_by_its_change_is_counted_once(repo, tmp_path):
    dup = repo / "corpus" / "raw" / "九_重新抓取.txt"
    shutil.copyfile(rescraped_000(tmp_path), dup)
    sh(repo, sys.executable, "-m", "cli", "ingest", "corpus/raw", "--corpus", "corpus")
    sh(repo, sys.executable, "-m", "cli", "accept", str(dup.relative_to(repo)), "--corpus", "corpus", "--reason", "x")
    done = sh(repo, *RECIPE.split(), check=False)  # one file added: accepted, and not also known
    assert done.stdout.splitlines()[-1] == "0 duplicate(s), 1 accepted, 0 new, 0 known, 0 rejected"


def test_check_s_summary_counts_an_accepted_duplicate(corpus, tmp_path):
    dup = rescraped_000(tmp_path)
    cli("accept", str(dup), "--corpus", str(corpus), "--by", "ana", "--reason", "a deliberate second copy")
    summary = cli("check", str(dup), "--corpus", str(corpus)).stdout.splitlines()[-1]
    assert summary == "0 duplicate(s), 1 accepted, 0 new, 0 known, 0 rejected"


def test_every_github_failure_is_an_annotation_with_a_summary(repo, tmp_path):
    """An unreadable file is an error on that file; a bad ref and an unusable corpus are general
    errors; each run ends with a summary line on stdout (the exit codes are unchanged)."""
    corpus = repo / "corpus"
    damaged = corpus / "raw" / "十_损坏.pdf"
    damaged.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n")
    unreadable = (
        "::error file=corpus/raw/十_损坏.pdf,title=unreadable file::<tmp>/repo/corpus/raw/十_损坏.pdf: is a PDF that "
        "cannot be opened (Failed to load document (PDFium: Data format error).): it may be damaged or encrypted; "
        "give its text instead\n"
    )
    done = cli("check", str(damaged), "--corpus", str(corpus), "--format", "github")
    expect(done, code=2, stdout=unreadable + "0 duplicate(s), 0 new, 0 known, 1 rejected\n")
    bad_ref = "git cannot list what was added since no-such-ref: fatal: bad revision 'no-such-ref...HEAD'\n"
    done = cli("check", "--since", "no-such-ref", "--corpus", str(corpus), "--format", "github")
    annotation = "::error title=bad input::" + bad_ref + "check did not run: bad input\n"
    expect(done, code=2, stdout=annotation, stderr="Error: " + bad_ref)
    not_a_corpus = (
        "<tmp>/nowhere is not a corpus (no manifest.csv there): give the corpus folder with --corpus, "
        "or create one with: policy-dedup ingest FILES --corpus <tmp>/nowhere\n"
    )
    done = cli("check", str(damaged), "--corpus", str(tmp_path / "nowhere"), "--format", "github")
    annotation = "::error title=corpus cannot be used::" + not_a_corpus + "check did not run: corpus cannot be used\n"
    expect(done, code=3, stdout=annotation, stderr="Error: " + not_a_corpus)


def test_github_file_is_relative_to_the_repository_root_when_run_from_elsewhere(repo, tmp_path):
    dup = repo / "corpus" / "raw" / "十一_重新抓取.txt"
    shutil.copyfile(rescraped_000(tmp_path), dup)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = sh(elsewhere, "policy-dedup", "check", "--since", "origin/main", "--corpus", str(repo / "corpus"),
              "--format", "github", check=False)  # fmt: skip
    error = (
        "::error file=corpus/raw/十一_重新抓取.txt,title=duplicate notice::<tmp>/repo/corpus/raw/十一_重新抓取.txt "
        f"duplicates <tmp>/repo/corpus/raw/000_9ddad98e37283a11.txt {EXACT}\n"
    )
    expect(done, code=1, stdout=error + "1 duplicate(s), 0 new, 0 known, 0 rejected\n")


def test_an_accepted_duplicate_passes_check_and_shows_in_history(corpus, tmp_path):
    dup = tmp_path / "rescraped.txt"
    shutil.copyfile(rescraped_000(tmp_path), dup)
    duplicate = (
        f"DUPLICATE <tmp>/rescraped.txt duplicates <tmp>/corpus/raw/000_9ddad98e37283a11.txt {EXACT}\n"
        f"related   <tmp>/rescraped.txt ~ <tmp>/corpus/raw/004_ba1a64cbc4ee3ba7.txt {RELATED_TO_004}\n"
        "1 duplicate(s), 0 new, 0 known, 0 rejected\n"
    )
    expect(cli("check", str(dup), "--corpus", str(corpus)), code=1, stdout=duplicate)
    accepted = cli("accept", str(dup), "--corpus", str(corpus), "--by", "ana", "--reason", "a deliberate second copy")
    expect(accepted, code=0, stdout="accept: <tmp>/rescraped.txt\n")
    done = cli("check", str(dup), "--corpus", str(corpus), "--json")
    expect_case(done, "check_an_accepted_duplicate_json")
    found = json.loads(done.stdout)
    assert not found["duplicates"]
    assert found["accepted"][0]["accepted_by"] == "ana" and found["accepted"][0]["why"] == "a deliberate second copy"
    accepted = (
        "accepted  <tmp>/rescraped.txt duplicates <tmp>/corpus/raw/000_9ddad98e37283a11.txt: accepted by ana "
        "(a deliberate second copy)\n"
        f"related   <tmp>/rescraped.txt ~ <tmp>/corpus/raw/004_ba1a64cbc4ee3ba7.txt {RELATED_TO_004}\n"
        "0 duplicate(s), 1 accepted, 0 new, 0 known, 0 rejected\n"  # the file checked is counted
    )
    expect(cli("check", str(dup), "--corpus", str(corpus)), code=0, stdout=accepted)
    one_duplicate = landed(
        "1 new original(s): 0 new notice(s), 1 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/"
    )
    expect(cli("ingest", str(dup), "--corpus", str(corpus)), code=0, stdout=one_duplicate)
    # matched by the path it came from; the accept is logged before the merge
    expect_case(cli("history", "rescraped.txt", "--corpus", str(corpus)), "history_of_an_accepted_duplicate")
    other = tmp_path / "changed.txt"
    other.write_bytes(dup.read_bytes() + "\n附件：无\n".encode("gb18030"))  # other bytes: not accepted
    near = (
        "DUPLICATE <tmp>/changed.txt duplicates <tmp>/corpus/raw/000_9ddad98e37283a11.txt (near, similarity 0.999): "
        "Jaccard 0.999 ≥ 0.8 on 5-gram shingles\n"
        f"related   <tmp>/changed.txt ~ <tmp>/corpus/raw/004_ba1a64cbc4ee3ba7.txt {RELATED_TO_004}\n"
        "1 duplicate(s), 0 new, 0 known, 0 rejected\n"
    )
    expect(cli("check", str(other), "--corpus", str(corpus)), code=1, stdout=near)
    missing = "Error: <tmp>/missing.txt is not a file: give the duplicate as check reported it\n"
    expect(
        cli("accept", str(tmp_path / "missing.txt"), "--corpus", str(corpus), "--reason", "x"), code=2, stderr=missing
    )


REPEATS_000 = (
    "raw/000_9ddad98e37283a11.txt, a withdrawn notice (exact): identical comparison keys (same text up to layout "
    "and punctuation); withdrawn by ana on <time>: the city took the page down\n"
)


def test_a_re_scrape_of_a_withdrawn_notice_says_so(corpus, tmp_path):
    """check and ingest name the withdrawn notice a file repeats, with who withdrew it and why."""
    withdrawn = cli("withdraw", f"raw/{SEED_NAMES['000']}", "--corpus", str(corpus), "--by", "ana",
                    "--reason", "the city took the page down")  # fmt: skip
    expect(withdrawn, code=0, stdout="withdraw: raw/000_9ddad98e37283a11.txt\n")
    again = tmp_path / "again.txt"
    shutil.copyfile(rescraped_000(tmp_path), again)  # other bytes, the same text
    # new to the active notices: nothing fails
    expect_case(
        cli("check", str(again), str(SEEDS / SEED_NAMES["000"]), "--corpus", str(corpus)),
        "check_repeats_of_a_withdrawn_notice",
    )
    warning = "::warning file=<tmp>/again.txt,title=repeats a withdrawn notice::<tmp>/again.txt repeats " + REPEATS_000
    summary = "0 duplicate(s), 1 new, 0 known, 0 rejected\n"
    expect(cli("check", str(again), "--corpus", str(corpus), "--format", "github"), code=0, stdout=warning + summary)
    note = "note: <tmp>/again.txt repeats " + REPEATS_000
    expect(cli("ingest", str(again), "--corpus", str(corpus)), code=0, stdout=ONE_NEW, stderr=note)


def test_a_duplicate_found_through_another_member_prints_that_pair_s_figures(tmp_path):
    """B keeps 60% of seed 002 (contained in it), C a third (contained in B, too short to be in 002):
    C joins 002's cluster through B, and its line gives C~B's relation and similarity, naming B,
    not C~B's relation beside C~002's Jaccard."""
    root = tmp_path / "corpus"
    expect(cli("ingest", str(SEEDS / SEED_NAMES["002"]), "--corpus", str(root), "-j", "1"), code=0, stdout=ONE_NEW)
    b, c = cut_copies(tmp_path)
    contained = (
        "100.0% of the shorter text's shingles are in the longer one (≥ 90%) and it keeps {}% of the longer's "
        "length (≥ 50%)\n"
    )
    both = (
        "DUPLICATE <tmp>/b_60.txt duplicates <tmp>/corpus/raw/002_8106084470b39083.txt (contained, similarity "
        "0.583): " + contained.format(58) + "DUPLICATE <tmp>/c_33.txt duplicates "
        "<tmp>/corpus/raw/002_8106084470b39083.txt through <tmp>/b_60.txt (contained, similarity 0.553 to "
        "<tmp>/b_60.txt): " + contained.format(55) + "2 duplicate(s), 0 new, 0 known, 0 rejected\n"
    )
    expect(cli("check", str(b), str(c), "--corpus", str(root), "-j", "1"), code=1, stdout=both)
    done = cli("check", str(b), str(c), "--corpus", str(root), "-j", "1", "--json")
    expect_case(done, "check_a_duplicate_through_another_json")
    found = json.loads(done.stdout)
    item = next(d for d in found["duplicates"] if d["path"] == str(c))
    assert item["through"] == str(b) and item["relation"] == "contained" and item["similarity"] > 0.5
