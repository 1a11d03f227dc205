"""Hostile input: never hang, never crash, never read outside what was given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import ROOT, seed_path
from tests.test_store import DISTINCT, manifest_rows, run


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A real process, so that a hang is a failed test (the timeout) and not a stuck suite."""
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)  # fmt: skip


@pytest.fixture
def fifo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "ok.md").write_bytes(DISTINCT.read_bytes())
    os.mkfifo(folder / "pipe.txt")
    return folder


@pytest.mark.parametrize("command", ["normalize", "dedupe", "ingest", "check"])
def test_a_fifo_is_refused_by_name_not_read(command, corpus, fifo_folder):
    extra = ["--corpus", str(corpus)] if command in ("ingest", "check") else []
    done = cli(command, str(fifo_folder / "pipe.txt"), *extra)
    assert done.returncode == 2, done.stderr
    assert "pipe.txt" in done.stderr and ("FIFO" in done.stderr or "regular" in done.stderr)
    if command != "normalize":
        done = cli(command, str(fifo_folder), *extra)
        assert done.returncode == 2 and "pipe.txt" in done.stderr and "is a FIFO" in done.stderr


def test_a_device_is_refused_not_read_until_memory_runs_out(corpus):
    done = cli("check", "/dev/zero", "--corpus", str(corpus))
    assert done.returncode == 2
    assert "/dev/zero: is a character device: only regular files are read" in done.stderr


def test_a_file_over_the_size_limit_is_refused(corpus, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(DISTINCT.read_bytes())
    code, _, err = run("check", str(big), "--corpus", str(corpus), "--max-bytes", "1000")
    assert code == 2 and "over the limit of 1,000 " in err and "--max-bytes" in err
    assert run("check", str(big), "--corpus", str(corpus))[0] == 0


def test_an_unreadable_folder_fails_the_check(corpus, tmp_path, monkeypatch):
    folder = tmp_path / "batch"
    (folder / "locked").mkdir(parents=True)
    (folder / "ok.md").write_bytes(DISTINCT.read_bytes())
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, _, err = run("check", str(folder), "--corpus", str(corpus))
    assert code == 2
    assert f"{folder / 'locked'}: cannot be read: Permission denied" in err


def test_links_that_leave_the_folder_are_refused(corpus, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "ok.md").write_bytes(DISTINCT.read_bytes())
    outside = tmp_path / "secret.txt"
    outside.write_text("关于内部事项的通知\n这是一份不应被读入语料库的文件，里面有内部信息。", encoding="utf-8")
    (folder / "leak.txt").symlink_to(outside)
    (folder / "leak").symlink_to(outside)  # extensionless too
    (folder / "inside.txt").symlink_to(folder / "ok.md")  # inside the folder: followed
    (folder / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    (folder / "loop").symlink_to(folder)
    code, _out, err = run("ingest", str(folder), "--corpus", str(corpus))
    assert code == 2
    assert f"{folder / 'leak.txt'}: is a link to {outside}, outside {folder}" in err
    assert f"{folder / 'leak'}: is a link to {outside}" in err
    assert "gone.txt: is a dangling symbolic link" in err
    assert "loop: is a link back to a folder already read" in err
    sources = {r["source"] for r in manifest_rows(corpus)}
    assert str(folder / "inside.txt") in sources and not any("leak" in s for s in sources)  # ok.md: same bytes
    assert not any("secret" in p.name or "leak" in p.name for p in (corpus / "raw").iterdir())
    assert (
        run("ingest", str(folder), "--corpus", str(corpus), "--follow-symlinks")[0] == 2
    )  # the loop, the dangling link
    assert any(r["source"] in (str(folder / "leak"), str(folder / "leak.txt")) for r in manifest_rows(corpus))


def test_nul_and_control_characters_never_reach_the_clean_text(corpus, tmp_path):
    text = DISTINCT.read_text(encoding="utf-8")
    dirty = tmp_path / "dirty.md"
    dirty.write_bytes(text[:200].encode() + b"\x00\x07" + text[200:].encode())
    code, out, err = run("normalize", "--explain", str(dirty))
    assert code == 0 and "\x00" not in out and "\x07" not in out
    assert "control-chars: 2" in err
    code, _, err = run("ingest", str(dirty), "--corpus", str(corpus))
    assert code == 0, err
    assert not any(b"\x00" in p.read_bytes() for p in (corpus / "canonical").iterdir())


def test_utf8_read_as_latin1_and_saved_again_is_repaired(tmp_path):
    text = seed_path("002").read_text(encoding="utf-8")
    garbled = tmp_path / "garbled.txt"
    garbled.write_text(text.encode("utf-8").decode("latin-1"), encoding="utf-8")
    code, out, err = run("normalize", "--explain", str(garbled))
    assert code == 0
    assert out == run("normalize", str(seed_path("002")))[1]
    assert "mojibake-repaired: 1 (e.g. 'utf-8 read as latin-1 and saved again')" in err


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", "\u3000\n".encode()])
def test_an_empty_file_is_refused_by_every_command(corpus, tmp_path, content):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(content)
    for args in (["normalize"], ["dedupe"], ["check", "--corpus", str(corpus)], ["ingest", "--corpus", str(corpus)]):
        code, _, err = run(args[0], str(empty), *args[1:])
        assert code == 2, (args, err)
        assert "is empty" in err


def test_nothing_to_read_is_bad_input_and_creates_no_corpus(corpus, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run("ingest", str(empty), "--corpus", str(tmp_path / "new"))
    assert code == 2 and "no notices found" in err
    assert not (tmp_path / "new").exists()
    (empty / "scan.png").write_bytes(b"\x89PNG")
    code, _, err = run("check", str(empty), "--corpus", str(corpus))
    assert code == 2 and "no notices found" in err


def test_an_unexpected_error_is_one_line_and_exit_4(monkeypatch, tmp_path):
    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("dedupe.find_duplicates", boom)
    result = CliRunner().invoke(main, ["dedupe", str(seed_path("000"))])
    assert result.exit_code == 4
    assert result.stderr.strip() == (
        "Error: unexpected ZeroDivisionError: division by zero (rerun with --verbose for details)"
    )
    verbose = CliRunner().invoke(main, ["--verbose", "dedupe", str(seed_path("000"))])
    assert verbose.exit_code == 4 and "Traceback" in verbose.stderr


def test_hidden_files_are_passed_over_with_a_word(corpus, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "ok.md").write_bytes(DISTINCT.read_bytes())
    (folder / "._ok.md").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    code, _, err = run("check", str(folder), "--corpus", str(corpus))
    assert code == 0
    assert "note: passed over 1 hidden file(s) or folder(s)" in err and "macOS ._ files" in err


FORMATS = ROOT / "tests" / "data" / "formats"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    """A folder as a scraper leaves it: an RTF, a page saved as .aspx, a page whose name ends in a
    date with a dot (2012.10…-press), a notice, and a saved page's image, script and a scan."""
    folder = tmp_path / "saved"
    (folder / "page_files").mkdir(parents=True)
    for name in ("rtf_陕西_2016.rtf", "page_named_aspx_厦门_2016.aspx", "泉州2012.10推行流动人口居住证制度-press"):
        (folder / name).write_bytes((FORMATS / name).read_bytes())
    (folder / "notice.txt").write_bytes(DISTINCT.read_bytes())
    (folder / "page_files" / "logo.png").write_bytes(PNG)
    (folder / "page_files" / "menu.js").write_text("var menu = [];\n", encoding="utf-8")
    (folder / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    return folder


def test_every_file_of_a_folder_is_read_or_skipped_by_name(mixed_folder):
    """The .rtf, .aspx and -press files were passed over in silence; images and scripts were too."""
    result = CliRunner().invoke(main, ["dedupe", str(mixed_folder), "--json", "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    read = sorted(Path(d["path"]).name for d in json.loads(result.stdout)["documents"])
    assert read == sorted(["notice.txt", "page_named_aspx_厦门_2016.aspx", "rtf_陕西_2016.rtf",
                           "泉州2012.10推行流动人口居住证制度-press"])  # fmt: skip
    assert "note: skipped 3 files: 2 images, 1 web page resource" in result.stderr
    assert "logo.png" not in result.stderr  # named with --verbose only
    verbose = CliRunner().invoke(main, ["--verbose", "dedupe", str(mixed_folder), "--jobs", "1"])
    assert f"skipped {mixed_folder / 'page_files' / 'logo.png'}: is a PNG image, not a notice" in verbose.stderr
    assert f"skipped {mixed_folder / 'page_files' / 'menu.js'}: is a script (.js)" in verbose.stderr
    assert f"skipped {mixed_folder / 'scan.jpg'}: is a JPEG image, not a notice" in verbose.stderr


@pytest.mark.parametrize("command", ["ingest", "check"])
def test_ingest_and_check_count_what_they_skipped(corpus, mixed_folder, command):
    code, _, err = run("--verbose", command, str(mixed_folder), "--corpus", str(corpus), "--jobs", "1")
    assert code in (0, 1), err
    assert "note: skipped 3 files: 2 images, 1 web page resource" in err
    assert f"skipped {mixed_folder / 'scan.jpg'}: is a JPEG image" in err


def test_an_image_named_on_the_command_line_is_refused_as_what_it_is(tmp_path):
    scan = tmp_path / "通知.pdf"
    scan.write_bytes(PNG)
    code, _, err = run("dedupe", str(scan), str(DISTINCT))
    assert code == 2 and f"skipped {scan}: is a PNG image, not a notice" in err
