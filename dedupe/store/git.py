"""The originals a change adds to a corpus kept in git (``check --since REF``).

The ref comes from the command line and the file names from the repository, so neither is trusted:
the ref is given to git after ``--end-of-options`` (a ref that looks like an option is refused
before git runs), and a path git lists under ``raw/`` that is a symbolic link, or that resolves
outside ``raw/``, is refused rather than read: an original is a file, never a link to one.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dedupe.errors import InputError


class GitError(InputError):
    """git could not say what was added (not a repository, an unknown ref), or what it listed
    cannot be read as an original (a link)."""


def check_ref(ref: str) -> None:
    """Refuse a ref git could take for an option, or that holds no name at all."""
    if not ref.strip() or ref.startswith("-") or "\0" in ref:
        raise GitError(f"--since {ref!r} is not a git ref: give a branch, tag or commit (such as origin/main)")


def added_since(corpus: Path, ref: str) -> list[str]:
    """Paths of the files under ``corpus/raw`` added since the merge base of ``ref`` and HEAD,
    plus those added and not yet committed. git's NUL-separated output is read as it is, so names
    in any script arrive unquoted."""
    check_ref(ref)

    def git(*args: str) -> list[str]:
        try:
            done = subprocess.run(["git", "-C", str(corpus), *args], capture_output=True, check=False)
        except FileNotFoundError:
            raise GitError("--since needs git, which is not installed") from None
        if done.returncode:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git cannot list what was added since {ref}: {message[-1] if message else 'failed'}")
        return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]

    diff = ("diff", "--name-only", "-z", "--relative", "--diff-filter=A")
    committed = git(*diff, "--end-of-options", f"{ref}...HEAD", "--", "raw")
    staged = git(*diff, "--cached", "--", "raw")
    untracked = git("ls-files", "-z", "--others", "--exclude-standard", "--", "raw")
    paths = [corpus / p for p in sorted(set(committed) | set(staged) | set(untracked))]
    refuse_links(corpus, paths)
    return [str(p) for p in paths]


def refuse_links(corpus: Path, paths: list[Path]) -> None:
    """Stop when any of ``paths`` is a symbolic link, or lies (through a linked folder) outside
    ``corpus/raw``: reading it would read whatever the change points it at."""
    raw = os.path.realpath(corpus / "raw")
    bad = []
    for path in paths:
        real = os.path.realpath(path)
        if os.path.islink(path):
            bad.append(f"{path} is a symbolic link (to {os.readlink(path)})")
        elif not real.startswith(raw + os.sep):
            bad.append(f"{path} lies outside {corpus / 'raw'} (through a linked folder, to {real})")
    if bad:
        shown = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise GitError(f"the change adds links under raw/, which are never read: {shown}. "
                       "Commit the notices' files themselves, not links to them")  # fmt: skip
