"""Faults and attacks a hostile tester or an unlucky archivist tries: each ends in a clear exit
code (2 bad input, 3 a corpus problem, never 4), and nothing a person decided is lost."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SEED_NAMES
from tests.test_store import DISTINCT, manifest_rows, run


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(corpus: Path) -> Path:
    """The seed corpus as a git repository, its first commit on 'main', a branch 'pr' checked out."""
    (corpus / ".gitignore").write_text(".cache/\n.lock\n", encoding="utf-8")
    git(corpus, "init", "-q", "-b", "main")
    git(corpus, "add", "-A")
    git(corpus, "commit", "-q", "-m", "corpus")
    git(corpus, "checkout", "-q", "-b", "pr")
    return corpus


# -- security ---------------------------------------------------------------------------------------
def test_a_since_value_that_looks_like_an_option_is_refused_and_git_writes_nothing(repo, tmp_path):
    target = tmp_path / "chosen"
    code, _, err = run("check", f"--since=--output={target}", "--corpus", str(repo))
    assert code == 2 and "is not a git ref" in err
    assert not list(tmp_path.glob("chosen*"))


def test_links_committed_under_raw_are_refused_by_check_since(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copyfile(DISTINCT, outside / "secret.md")
    (repo / "raw" / "passwd.txt").symlink_to("/etc/passwd")
    (repo / "raw" / "folder").symlink_to(outside)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "links")
    code, _, err = run("check", "--since", "main", "--corpus", str(repo))
    assert code == 2, err
    assert "raw/passwd.txt is a symbolic link (to /etc/passwd)" in err and "raw/folder is a symbolic link" in err


@pytest.mark.parametrize("target", ["manifest.csv", "decisions.jsonl", "canonical/x.html"])
def test_report_output_inside_the_corpus_is_refused(corpus, target):
    before = (corpus / "manifest.csv").read_bytes(), (corpus / "decisions.jsonl").read_bytes()
    code, _, err = run("report", "--corpus", str(corpus), "-o", str(corpus / target))
    assert code == 2 and "is inside the corpus" in err
    assert ((corpus / "manifest.csv").read_bytes(), (corpus / "decisions.jsonl").read_bytes()) == before


def test_export_into_the_corpus_is_refused(corpus):
    files = sorted(p.name for p in (corpus / "raw").iterdir())
    for to in (corpus / "raw", corpus, corpus / "new"):
        code, _, err = run("export", "--corpus", str(corpus), "--to", str(to))
        assert code == 2 and "is inside the corpus" in err, err
    assert sorted(p.name for p in (corpus / "raw").iterdir()) == files and not (corpus / "new").exists()


def test_a_report_into_a_missing_folder_is_bad_input(corpus, tmp_path):
    code, _, err = run("report", "--corpus", str(corpus), "--format", "html", "-o", str(tmp_path / "nodir" / "r.html"))
    assert code == 2 and "does not exist" in err
    code, _, err = run("report", "--corpus", str(corpus), "-o", str(tmp_path / "r.txt"))
    assert code == 0 and (tmp_path / "r.txt").stat().st_size


def test_a_link_named_on_the_command_line_is_read_only_inside_what_was_given(corpus, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "passwd").symlink_to("/etc/passwd")
    code, _, err = run("ingest", str(folder / "passwd"), "--corpus", str(corpus))
    assert code == 2 and "is a link to /etc/passwd, outside the folders given" in err
    assert not (corpus / "raw" / "passwd").exists()
    shutil.copyfile(DISTINCT, folder / "notice.md")
    (folder / "alias.md").symlink_to(folder / "notice.md")  # beside the link: read
    code, _, err = run("ingest", str(folder / "alias.md"), "--corpus", str(corpus))
    assert code == 0, err


def test_system_files_are_refused(corpus):
    code, _, err = run("check", "/proc/self/status", "--corpus", str(corpus))
    assert code == 2 and "/proc/self/status: is a system file" in err


def test_a_file_that_says_it_is_empty_yet_has_content_is_refused():
    from dedupe.files import read_document

    found = read_document("/proc/self/status")
    assert "0 bytes yet has content" in found.reason


def test_verify_reports_an_original_replaced_by_a_link_and_hidden_files_in_raw(corpus, tmp_path):
    original = corpus / "raw" / SEED_NAMES["001"]
    moved = tmp_path / "elsewhere.txt"
    shutil.move(original, moved)
    original.symlink_to(moved)  # the same bytes, outside the corpus
    (corpus / "raw" / ".hidden.txt").write_bytes(DISTINCT.read_bytes())
    code, _, err = run("verify", "--corpus", str(corpus))
    assert code == 3
    assert f"raw/{SEED_NAMES['001']}: a symbolic link" in err
    assert "raw/.hidden.txt: a hidden file in raw/" in err
    assert len(manifest_rows(corpus)) == 5
