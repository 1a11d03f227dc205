"""The whole-output checks themselves: placeholders, case files, and a mismatch shown as a diff."""

from __future__ import annotations

import getpass
import subprocess
import sys

import pytest

from tests.conftest import ROOT, seed_path
from tests.outputs import expect, read_case, render_case, stable


def test_a_run_s_variable_parts_become_placeholders(tmp_path):
    user = getpass.getuser()
    printed = f"{tmp_path}/a.txt ~ {seed_path('000')}: split by {user} on 2026-12-03T18:41:52Z (adopted on 2016-03-15)"
    assert stable(printed) == (
        f"<tmp>/a.txt ~ <root>/tests/seeds/{seed_path('000').name}: split by <user> on <time> (adopted on 2016-03-15)"
    )
    assert stable(f"{ROOT}/x and {tmp_path}/shared/y", {"<shared>": tmp_path / "shared"}) == "<root>/x and <shared>/y"
    assert stable(f'{{"by": "{user}"}} {user}') == f'{{"by": "<user>"}} {user}'  # elsewhere the name is text
    assert (
        stable('{"ingest": "430e9b1e2c83", "id": "430e9b1e2c83cafe"}')
        == '{"ingest": "<ingest>", "id": "430e9b1e2c83cafe"}'
    )


@pytest.mark.parametrize(
    "streams",
    [(0, "", ""), (1, "a\nb\n", ""), (2, "", "Error: x\n"), (0, "no newline", "at the end"), (3, "\n", "\n\n")],
)
def test_a_case_file_reads_back_as_written(streams):
    assert read_case(render_case(*streams)) == streams


def test_a_mismatch_names_the_exit_code_and_shows_a_diff_of_each_stream():
    done = subprocess.run(
        [sys.executable, "-c", "import sys; print('1 notices'); print('note: x', file=sys.stderr); sys.exit(2)"],
        capture_output=True,
        text=True,
    )
    expect(done, code=2, stdout="1 notices\n", stderr="note: x\n")
    with pytest.raises(AssertionError) as failed:
        expect(done, code=0, stdout="2 notices\n", stderr="note: x\n")
    assert str(failed.value) == (
        "the command's output is not the one expected:\n"
        "exit code 2, expected 0\n"
        "--- expected stdout\n+++ printed stdout\n@@ -1 +1 @@\n-2 notices\n+1 notices\n"
    )


def test_a_known_wrong_part_is_expected_right_and_must_still_be_printed():
    done = subprocess.run([sys.executable, "-c", "print('1 notices, 1 duplicates')"], capture_output=True, text=True)
    expect(done, code=0, stdout="1 notices, 1 duplicate\n", wrong={"1 duplicates": "1 duplicate"})
    with pytest.raises(AssertionError, match="'2 duplicates' is no longer printed"):
        expect(done, code=0, stdout="1 notices, 1 duplicates\n", wrong={"2 duplicates": "1 duplicates"})
