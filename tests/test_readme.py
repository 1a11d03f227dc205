"""Every console example of the README runs as shown: on a copy of the bundled corpus and the
shipped examples, in order, one shell session per block, output compared (times aside).

``python -m tests.test_readme --update`` writes the outputs of a fresh run into the README."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
MARK = "@@policy-dedup-readme@@"


def blocks(text: str) -> list[list[tuple[str, str]]]:
    """Each console block as (command, expected output) pairs."""
    out = []
    for body in BLOCK.findall(text):
        steps: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        out.append([(cmd, "\n".join(lines)) for cmd, lines in steps])
    return out


def workspace(folder: Path) -> Path:
    """A copy of what a fresh clone holds that the examples use."""
    shutil.copytree(ROOT / "corpus", folder / "corpus", ignore=shutil.ignore_patterns(".cache", ".lock"))
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


def run_block(commands: list[str], cwd: Path) -> list[str]:
    """Each command's output, stdout and stderr as a terminal shows them (``2>&1`` per command)."""
    script = ['policy-dedup() { "$PD_PYTHON" -m cli "$@"; }', "__rc=0"]
    for cmd in commands:
        script += [f"{{ {cmd.replace('$?', '$__rc')} ; }} 2>&1", "__rc=$?", f"echo {MARK}"]
    env = {**os.environ, "PD_PYTHON": sys.executable, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=cwd, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600)  # fmt: skip
    return [p.rstrip("\n") for p in done.stdout.split(f"{MARK}\n")[: len(commands)]]


def session(folder: Path) -> list[list[tuple[str, str, str]]]:
    """(command, expected, actual) for every step of every console block, in order."""
    workspace(folder)
    out = []
    for steps in blocks(README.read_text(encoding="utf-8")):
        actual = run_block([cmd for cmd, _ in steps], folder)
        out.append([(cmd, expected, got) for (cmd, expected), got in zip(steps, actual, strict=True)])
    return out


def test_the_readme_session_runs_as_shown(tmp_path):
    steps = [step for block in session(tmp_path) for step in block]
    assert len(steps) >= 8
    for cmd, expected, got in steps:
        assert TIME.sub("<time>", got) == TIME.sub("<time>", expected), f"$ {cmd}"


def update() -> None:
    import tempfile

    text = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        results = session(Path(folder))
    bodies = iter(results)

    def fill(match: re.Match[str]) -> str:
        steps = next(bodies)
        return "```console\n" + "".join(f"$ {cmd}\n{got}\n" if got else f"$ {cmd}\n" for cmd, _, got in steps) + "```"

    README.write_text(BLOCK.sub(fill, text), encoding="utf-8")


if __name__ == "__main__":
    if "--update" in sys.argv:
        update()
    else:
        sys.exit(pytest.main([__file__]))
