"""The CI guard as documented: check --since in a git repository with non-ASCII file names, the
GitHub Actions recipe's command line, and the pre-commit hook run by pre-commit itself."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from tests.conftest import ROOT, SEED_NAMES, SEEDS
from tests.test_store import DISTINCT, rescraped_000

BIN = Path(sys.executable).parent
RECIPE = "policy-dedup check --since origin/main --corpus corpus --format github"


def sh(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
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
    assert done.returncode == 1, done.stderr
    line, summary = done.stdout.splitlines()
    escaped = str(dup.relative_to(repo)).replace(",", "%2C").replace(":", "%3A")  # relative to the workspace
    assert line.startswith(f"::error file={escaped},title=duplicate notice::")
    assert summary == "1 duplicate(s), 1 new, 0 known, 0 rejected"
    # the same change, ingested and committed by its author, still fails: the manifest records the duplicate
    sh(repo, sys.executable, "-m", "cli", "ingest", "corpus/raw", "--corpus", "corpus")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-q", "-m", "ingested")
    done = sh(repo, *RECIPE.split(), check=False)
    assert done.returncode == 1 and "ingested by this change into the cluster of raw/000_" in done.stdout


def test_check_since_with_nothing_added_passes_and_a_bad_ref_is_bad_input(repo):
    done = sh(repo, *RECIPE.split(), check=False)
    assert done.returncode == 0 and "nothing to check" in done.stderr
    assert done.stdout == "0 duplicate(s), 0 new, 0 known, 0 rejected\n"
    done = sh(repo, "policy-dedup", "check", "--since", "no-such-ref", "--corpus", "corpus", check=False)
    assert done.returncode == 2 and "git cannot list what was added since no-such-ref" in done.stderr


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
    done = sh(repo, *pre_commit, check=False)
    assert done.returncode == 0 and "(no files to check)Skipped" in done.stdout.replace(".", "")
    shutil.copyfile(rescraped_000(tmp_path), repo / "corpus" / "raw" / "九_重新抓取.txt")
    sh(repo, "git", "add", "-A")
    done = sh(repo, *pre_commit, check=False)
    assert done.returncode == 1
    assert "DUPLICATE corpus/raw/九_重新抓取.txt duplicates corpus/raw/000_" in done.stdout
    # ingested and staged with its manifest row: the hook still fails, as check --since does
    sh(repo, sys.executable, "-m", "cli", "ingest", "corpus/raw", "--corpus", "corpus")
    sh(repo, "git", "add", "-A")
    done = sh(repo, *pre_commit, check=False)
    assert done.returncode == 1, done.stdout
    assert "DUPLICATE corpus/raw/九_重新抓取.txt duplicates " in done.stdout
    assert "ingested by this change into the cluster of raw/000_" in done.stdout
    since = sh(repo, *RECIPE.split(), check=False)
    assert since.returncode == 1 and "ingested by this change into the cluster of raw/000_" in since.stdout
    # reviewed and accepted: both pass, and say who accepted it
    sh(repo, sys.executable, "-m", "cli", "accept", "corpus/raw/九_重新抓取.txt", "--corpus", "corpus", "--by", "ana",
       "--reason", "the city's own copy, kept on purpose")  # fmt: skip
    sh(repo, "git", "add", "-A")
    done = sh(repo, *pre_commit, check=False)
    assert done.returncode == 0, done.stdout
    since = sh(repo, *RECIPE.split(), check=False)
    assert since.returncode == 0, since.stdout
    assert since.stdout.startswith("::notice file=corpus/raw/九_重新抓取.txt,title=accepted duplicate::")
    assert "accepted by ana (the city's own copy, kept on purpose)" in since.stdout
    assert since.stdout.splitlines()[-1] == "0 duplicate(s), 1 accepted, 0 new, 1 known, 0 rejected"


def run(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(main, list(args))
    return done.exit_code, done.stdout


def test_every_github_failure_is_an_annotation_with_a_summary(repo, tmp_path):
    """An unreadable file is an error on that file; a bad ref and an unusable corpus are general
    errors; each run ends with a summary line on stdout (the exit codes are unchanged)."""
    corpus = repo / "corpus"
    damaged = corpus / "raw" / "十_损坏.pdf"
    damaged.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n")
    code, out = run("check", str(damaged), "--corpus", str(corpus), "--format", "github")
    assert code == 2
    error, summary = out.splitlines()
    assert error.startswith("::error file=corpus/raw/十_损坏.pdf,title=unreadable file::")
    assert summary == "0 duplicate(s), 0 new, 0 known, 1 rejected"
    code, out = run("check", "--since", "no-such-ref", "--corpus", str(corpus), "--format", "github")
    assert code == 2
    assert out.startswith("::error title=bad input::git cannot list what was added since no-such-ref")
    assert out.splitlines()[-1] == "check did not run: bad input"
    code, out = run("check", str(damaged), "--corpus", str(tmp_path / "nowhere"), "--format", "github")
    assert code == 3
    assert out.startswith("::error title=corpus cannot be used::") and "is not a corpus" in out


def test_github_file_is_relative_to_the_repository_root_when_run_from_elsewhere(repo, tmp_path):
    dup = repo / "corpus" / "raw" / "十一_重新抓取.txt"
    shutil.copyfile(rescraped_000(tmp_path), dup)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = sh(elsewhere, "policy-dedup", "check", "--since", "origin/main", "--corpus", str(repo / "corpus"),
              "--format", "github", check=False)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=corpus/raw/十一_重新抓取.txt,title=duplicate notice::")


def test_an_accepted_duplicate_passes_check_and_shows_in_history(corpus, tmp_path):
    dup = tmp_path / "rescraped.txt"
    shutil.copyfile(rescraped_000(tmp_path), dup)
    code, out = run("check", str(dup), "--corpus", str(corpus))
    assert code == 1 and out.startswith("DUPLICATE")
    code, out = run("accept", str(dup), "--corpus", str(corpus), "--by", "ana", "--reason", "a deliberate second copy")
    assert code == 0 and out.startswith(f"accept: {dup}")
    code, out = run("check", str(dup), "--corpus", str(corpus), "--json")
    found = json.loads(out)
    assert code == 0 and not found["duplicates"]
    assert found["accepted"][0]["accepted_by"] == "ana" and found["accepted"][0]["why"] == "a deliberate second copy"
    code, out = run("check", str(dup), "--corpus", str(corpus))
    assert code == 0 and out.startswith(f"accepted  {dup} duplicates ") and "accepted by ana (a deliberate" in out
    code, out = run("ingest", str(dup), "--corpus", str(corpus))
    assert code == 0, out
    code, out = run("history", "rescraped.txt", "--corpus", str(corpus))
    assert f"accept by ana: {dup}  (a deliberate second copy)" in out, out  # matched by the path it came from
    other = tmp_path / "changed.txt"
    other.write_bytes(dup.read_bytes() + "\n附件：无\n".encode("gb18030"))  # other bytes: not accepted
    code, out = run("check", str(other), "--corpus", str(corpus))
    assert code == 1 and out.startswith("DUPLICATE")
    code, out = run("accept", str(tmp_path / "missing.txt"), "--corpus", str(corpus), "--reason", "x")
    assert code == 2


def test_a_re_scrape_of_a_withdrawn_notice_says_so(corpus, tmp_path):
    """check and ingest name the withdrawn notice a file repeats, with who withdrew it and why."""
    code, out = run("withdraw", f"raw/{SEED_NAMES['000']}", "--corpus", str(corpus), "--by", "ana",
                    "--reason", "the city took the page down")  # fmt: skip
    assert code == 0, out
    again = tmp_path / "again.txt"
    shutil.copyfile(rescraped_000(tmp_path), again)  # other bytes, the same text
    code, out = run("check", str(again), str(SEEDS / SEED_NAMES["000"]), "--corpus", str(corpus))
    assert code == 0, out  # new to the active notices: nothing fails
    lines = [re.sub(r"\d{4}-\d\d-\d\dT[\d:]+Z", "TIME", x) for x in out.splitlines() if x.startswith("withdrawn ")]
    assert lines == [
        f"withdrawn {SEEDS / SEED_NAMES['000']} repeats raw/{SEED_NAMES['000']}, a withdrawn notice (same bytes): "
        "the same bytes; withdrawn by ana on TIME: the city took the page down",
        f"withdrawn {again} repeats raw/{SEED_NAMES['000']}, a withdrawn notice (exact): identical comparison keys "
        "(same text up to layout and punctuation); withdrawn by ana on TIME: the city took the page down",
    ]
    code, out = run("check", str(again), "--corpus", str(corpus), "--format", "github")
    assert code == 0 and out.startswith("::warning file=") and "title=repeats a withdrawn notice::" in out
    done = CliRunner().invoke(main, ["ingest", str(again), "--corpus", str(corpus)])
    assert done.exit_code == 0
    assert f"note: {again} repeats raw/{SEED_NAMES['000']}, a withdrawn notice (exact)" in done.stderr


def _first_part(text: str, share: float) -> str:
    """The lines of ``text`` up to ``share`` of its length: a copy cut short by its scraper."""
    out, size = [], 0
    for line in text.split("\n"):
        if size > share * len(text):
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) + "\n"


def test_a_duplicate_found_through_another_member_prints_that_pair_s_figures(tmp_path):
    """B keeps 60% of seed 002 (contained in it), C a third (contained in B, too short to be in 002):
    C joins 002's cluster through B, and its line gives C~B's relation and similarity, naming B,
    not C~B's relation beside C~002's Jaccard."""
    root = tmp_path / "corpus"
    assert run("ingest", str(SEEDS / SEED_NAMES["002"]), "--corpus", str(root), "-j", "1")[0] == 0
    text = (SEEDS / SEED_NAMES["002"]).read_text(encoding="utf-8")
    b, c = tmp_path / "b_60.txt", tmp_path / "c_33.txt"
    b.write_text(_first_part(text, 0.6), encoding="utf-8")
    c.write_text(_first_part(text, 0.33), encoding="utf-8")
    code, out = run("check", str(b), str(c), "--corpus", str(root), "-j", "1")
    assert code == 1
    line = next(x for x in out.splitlines() if x.startswith(f"DUPLICATE {c}"))
    assert f"duplicates {root / 'raw' / SEED_NAMES['002']} through {b} (contained, similarity 0.5" in line
    assert f"to {b}): 100.0% of the shorter text's shingles" in line
    found = json.loads(run("check", str(b), str(c), "--corpus", str(root), "-j", "1", "--json")[1])
    item = next(d for d in found["duplicates"] if d["path"] == str(c))
    assert item["through"] == str(b) and item["relation"] == "contained" and item["similarity"] > 0.5
