"""The originals a change adds to a corpus kept in git (``check --since REF``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from dedupe.errors import InputError


class GitError(InputError):
    """git could not say what was added (not a repository, an unknown ref)."""


def added_since(corpus: Path, ref: str) -> list[str]:
    """Paths of the files under ``corpus/raw`` added since the merge base of ``ref`` and HEAD,
    plus those added and not yet committed. git's NUL-separated output is read as it is, so names
    in any script arrive unquoted."""

    def git(*args: str) -> list[str]:
        try:
            done = subprocess.run(["git", "-C", str(corpus), *args], capture_output=True, check=False)
        except FileNotFoundError:
            raise GitError("--since needs git, which is not installed") from None
        if done.returncode:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git cannot list what was added since {ref}: {message[-1] if message else 'failed'}")
        return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]

    committed = git("diff", "--name-only", "-z", "--relative", "--diff-filter=A", f"{ref}...HEAD", "--", "raw")
    staged = git("diff", "--name-only", "-z", "--relative", "--diff-filter=A", "--cached", "--", "raw")
    untracked = git("ls-files", "-z", "--others", "--exclude-standard", "--", "raw")
    return [str(corpus / p) for p in sorted(set(committed) | set(staged) | set(untracked))]
