"""Whole-output checks for command-line tests: the exit code, all of stdout and all of stderr.

A substring check passes while the rest of an output is wrong (a line doubled, a figure off, a
stray note); these checks compare everything a command printed with the text a person reviewed.

Before comparing, the parts of an output that vary from run to run are replaced by placeholders:

- the test's own folder (its ``tmp_path``, which the ``corpus`` fixture is in) by ``<tmp>``, each
  folder given in ``paths`` by its name (``{"<shared>": folder}``, a folder made elsewhere), and the
  repository root by ``<root>`` (the seeds are ``<root>/tests/seeds/…``);
- an ISO time stamp (``2026-12-03T18:41:52Z``, a correction's time) by ``<time>``;
- the user name where a correction's default ``--by`` prints it (``by root``, ``"by": "root"``), by
  ``<user>`` (only there: a short user name is a word of other text too);
- the random id of the landing a log line was written by (``"ingest": "430e9b1e2c83"``) by ``<ingest>``.

Nothing else is replaced: ids, hashes, figures and counts are deterministic and compared as printed.
An output known to be wrong is expected right: ``wrong={printed: right}`` names the wrong part (it
must still be printed), and a strict expected failure elsewhere shows the fault.
A short expected text sits inline in the test (``expect``); a long one in
``tests/cases/cli/NAME.out`` (``expect_case``), holding the exit code, stdout and stderr.
``pytest --update-outputs`` writes those files anew from what the code prints: review every line
written, since an expected output must be right, not merely what the code prints today.
"""

from __future__ import annotations

import difflib
import getpass
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases" / "cli"
INGEST = r'(?<="ingest": ")[0-9a-f]{12}(?=")'  # uuid4's first 12 hex digits, one per landing
TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"
NO_NEWLINE = "\\ no newline at end\n"
update_cases = False  # set by conftest.py from --update-outputs
basetemp: Path | None = (
    None  # pytest's folder of test folders, set by conftest.py: each test's tmp_path is one below it
)


class Ran(Protocol):
    """A CliRunner result or a subprocess.CompletedProcess: what a command printed and its exit code."""

    stdout: str
    stderr: str


def _code(result: object) -> int:
    code = getattr(result, "exit_code", None)
    return getattr(result, "returncode") if code is None else code  # noqa: B009 - either kind of result


def stable(text: str, paths: Mapping[str, Path | str] | None = None) -> str:
    """``text`` with its run's variable parts replaced by placeholders, in one pass (a placeholder
    is never rewritten by a later rule: ``<root>`` holds the word root)."""
    names = {str(path): name for name, path in (paths or {}).items()}
    names.setdefault(str(ROOT), "<root>")
    folders = sorted(names, key=len, reverse=True)  # a folder inside another is named first
    tmp = [rf"(?P<tmp>{re.escape(str(basetemp))}/\w+)"] if basetemp else []
    login = re.escape(getpass.getuser())
    user = rf'(?P<user>(?<=\bby ){login}\b|(?<="by": "){login}(?="))'
    pattern = "|".join(
        [*(re.escape(f) for f in folders), *tmp, f"(?P<time>{TIME})", f"(?P<ingest>{INGEST})", user]
    )  # a folder given first

    def placeholder(found: re.Match[str]) -> str:
        for kind in ("tmp", "time", "ingest", "user"):
            if found.groupdict().get(kind):
                return f"<{kind}>"
        return names[found.group(0)]

    return re.sub(pattern, placeholder, text)


@dataclass(frozen=True)
class Joined:
    """Several runs as one output: each stream's text under a ``[label]`` line; the exit code is
    the first that is not 0 (0 when every run passed)."""

    exit_code: int
    stdout: str
    stderr: str


def joined(results: Sequence[Ran], labels: Sequence[str]) -> Joined:
    """One output for runs made one after the other (each file ingested alone), to check as one."""
    codes = [_code(r) for r in results]
    return Joined(
        next((c for c in codes if c), 0),
        "".join(f"[{label}]\n{r.stdout}" for label, r in zip(labels, results, strict=True)),
        "".join(f"[{label}]\n{r.stderr}" for label, r in zip(labels, results, strict=True) if r.stderr),
    )


def _diff(what: str, expected: str, got: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True), got.splitlines(keepends=True), f"expected {what}", f"printed {what}"
    )
    return "".join(line if line.endswith("\n") else line + "\n" + NO_NEWLINE for line in lines)


def _known_wrong(text: str, wrong: Mapping[str, str]) -> str:
    """``text`` with each known wrong part (printed → right) put right: a wrong part that is no
    longer printed fails, so that the mapping goes once the output is fixed."""
    for printed, right in wrong.items():
        if printed not in text:
            raise AssertionError(f"{printed!r} is no longer printed: drop it from the known wrong outputs")
        text = text.replace(printed, right)
    return text


def expect(
    result: Ran,
    *,
    code: int,
    stdout: str = "",
    stderr: str = "",
    paths: Mapping[str, Path | str] | None = None,
    wrong: Mapping[str, str] | None = None,
) -> None:
    """Assert the exit code and the whole stdout and stderr (after ``stable``); a mismatch shows
    each differing stream as a unified diff. ``wrong`` maps a part known to be printed wrong to
    the right text, which the expected output holds (a strict expected failure shows the fault)."""
    got_out, got_err = stable(result.stdout, paths), stable(result.stderr, paths)
    if wrong:
        joined_out = _known_wrong(got_out + "\0" + got_err, wrong)
        got_out, got_err = joined_out.split("\0")
    problems = [f"exit code {_code(result)}, expected {code}"] if _code(result) != code else []
    problems += [
        _diff(what, want, got)
        for what, want, got in (("stdout", stdout, got_out), ("stderr", stderr, got_err))
        if want != got
    ]
    if problems:
        raise AssertionError("the command's output is not the one expected:\n" + "\n".join(problems))


def _section(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n" + NO_NEWLINE


def _unsection(text: str) -> str:
    return text[: -len("\n" + NO_NEWLINE)] if text.endswith("\n" + NO_NEWLINE) else text


def render_case(code: int, stdout: str, stderr: str) -> str:
    """A case file: ``exit N``, then ``--- stdout`` and ``--- stderr`` each followed by that stream."""
    return f"exit {code}\n--- stdout\n{_section(stdout)}--- stderr\n{_section(stderr)}"


def read_case(text: str) -> tuple[int, str, str]:
    """The exit code, stdout and stderr of a case file (``render_case``'s layout)."""
    head, _, rest = text.partition("\n")
    if not head.startswith("exit ") or not rest.startswith("--- stdout\n"):
        raise ValueError("a case file starts with 'exit N' and '--- stdout'")
    body = "\n" + rest[len("--- stdout\n") :]
    cut = body.find("\n--- stderr\n")
    if cut < 0:
        raise ValueError("a case file has a '--- stderr' line")
    stdout, stderr = body[1 : cut + 1], body[cut + len("\n--- stderr\n") :]
    return int(head.split()[1]), _unsection(stdout), _unsection(stderr)


def expect_case(
    result: Ran, name: str, *, paths: Mapping[str, Path | str] | None = None, wrong: Mapping[str, str] | None = None
) -> None:
    """Assert the exit code, stdout and stderr recorded in ``tests/cases/cli/NAME.out``; with
    ``--update-outputs`` the file is written anew instead (to be reviewed, known wrong parts put right)."""
    case = CASES / f"{name}.out"
    got = render_case(_code(result), stable(result.stdout, paths), stable(result.stderr, paths))
    got = _known_wrong(got, wrong) if wrong else got
    if update_cases:
        case.parent.mkdir(parents=True, exist_ok=True)
        if not case.exists() or case.read_text(encoding="utf-8") != got:
            case.write_text(got, encoding="utf-8")
        return
    if not case.exists():
        raise AssertionError(f"{case} does not exist: pytest --update-outputs writes it, to be reviewed")
    code, stdout, stderr = read_case(case.read_text(encoding="utf-8"))
    expect(result, code=code, stdout=stdout, stderr=stderr, paths=paths, wrong=wrong)
