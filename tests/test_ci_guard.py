"""The CI guard as documented: check --since in a git repository with non-ASCII file names, the
GitHub Actions recipe's command line, and the pre-commit hook run by pre-commit itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SEEDS
from tests.test_store import DISTINCT, rescraped_000

BIN = Path(sys.executable).parent
RECIPE = "policy-dedup check --since origin/main --corpus corpus --format github"


def sh(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
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
    (line,) = done.stdout.splitlines()
    escaped = str(dup.relative_to(repo)).replace(",", "%2C").replace(":", "%3A")  # relative to the workspace
    assert line.startswith(f"::error file={escaped},title=duplicate notice::")
    assert "1 duplicate(s), 1 new, 0 known, 0 rejected" in done.stderr
    # the same change, ingested and committed by its author, still fails: the manifest records the duplicate
    sh(repo, sys.executable, "-m", "cli", "ingest", "corpus/raw", "--corpus", "corpus")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-q", "-m", "ingested")
    done = sh(repo, *RECIPE.split(), check=False)
    assert done.returncode == 1 and "ingested by this change into the cluster of raw/000_" in done.stdout


def test_check_since_with_nothing_added_passes_and_a_bad_ref_is_bad_input(repo):
    done = sh(repo, *RECIPE.split(), check=False)
    assert done.returncode == 0 and "nothing to check" in done.stderr
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
