"""What a command pays before it can answer: the cache is checked whole (SQLite's quick check
reads every page, seconds on a large corpus) only when its files changed since a command of ours
left them whole; a check with no duplicate reads no decision log."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from dedupe.store import Corpus
from dedupe.store.cache import Cache
from dedupe.store.rows import INDEX, REQUIRED, FrameRows, Rows
from tests.conftest import DATA, SEEDS
from tests.helpers import calls

DISTINCT = DATA / "东营市制定地方性法规条例(2016-03-30).md"  # no seed repeats it


@pytest.fixture
def quick_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return calls(monkeypatch, Cache, "_quick_check")


def test_a_cache_left_whole_is_not_checked_again_one_changed_since_is(corpus: Path, quick_checks: list[int]) -> None:
    docs, _ = Corpus(corpus).contents()
    assert len(docs) == 5 and quick_checks == []  # the ingest left it whole
    cache = corpus / ".cache" / "index.sqlite"
    data = bytearray(cache.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 1024] = bytes((i * 37 + 11) % 256 for i in range(1024))
    cache.write_bytes(bytes(data))  # garbage, written by something else
    docs, _ = Corpus(corpus).contents()
    assert len(docs) == 5 and quick_checks == [1]
    Corpus(corpus).contents()
    assert quick_checks == [1]  # made whole again (checked, or rebuilt) and left so


def test_a_cache_of_unknown_history_is_checked(corpus: Path, quick_checks: list[int]) -> None:
    (corpus / ".cache" / "index.sqlite-sound").unlink()  # a cache from before, or copied from elsewhere
    Corpus(corpus).contents()
    assert quick_checks == [1]


def test_a_check_that_finds_no_duplicate_reads_no_decision_log(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe.store import log

    read = calls(monkeypatch, log, "entries", lambda path: path)
    result = CliRunner().invoke(main, ["check", str(DISTINCT), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert read == []


def test_reading_a_text_file_imports_no_page_reader() -> None:
    """``check`` of a text file need not import the page reader and lxml; a page still reads."""
    import subprocess
    import sys

    code = (
        "import sys; from normalize import normalize; "
        "n = normalize('关于加强管理的通知\\n\\n各单位：现将有关事项通知如下。'.encode()); "
        "print(n.text.splitlines()[0], 'normalize.web' in sys.modules, 'lxml' in sys.modules); "
        "page = normalize('<html><head><title>关于加强管理的通知</title></head><body><p>关于加强管理的通知</p>"
        "<p>各单位：现将有关事项通知如下。一、加强组织领导。</p></body></html>'.encode()); "
        "print('normalize.web' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["关于加强管理的通知", "False", "False", "True"], done.stdout + done.stderr


def test_the_nfkc_table_is_the_scan_of_every_code_point() -> None:
    import unicodedata

    from normalize import nfkc_table
    from normalize.key import _needs_nfkc, char_class, nfkc_sensitive

    made = char_class(nfkc_sensitive())
    assert unicodedata.unidata_version == nfkc_table.UNIDATA_VERSION, "run python -m normalize.nfkc_table"
    assert made == nfkc_table.NEEDS_NFKC
    assert _needs_nfkc().pattern == made
    assert _needs_nfkc().search("ﬁ") and _needs_nfkc().search("Ａ") and not _needs_nfkc().search("关于，通知。")


def test_the_first_key_of_a_process_scans_no_code_point(monkeypatch: pytest.MonkeyPatch) -> None:
    import normalize.key as key

    def scan() -> list[str]:
        raise AssertionError("scanned every code point")

    monkeypatch.setattr(key, "nfkc_sensitive", scan)
    key._needs_nfkc.cache_clear()
    try:
        assert key.comparison_key("（一）２０２３年，Ｐｌａｎ！") == "一2023年plan"
    finally:
        key._needs_nfkc.cache_clear()


def test_check_reads_only_the_index_columns_of_the_manifest(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Titles, dates and the other columns a report shows are most of the manifest: check needs none.
    It reads no manifest at all when the rows it looks up are kept for its bytes (the ingest kept them)."""
    from dedupe.store import manifest

    asked = calls(monkeypatch, manifest, "read", lambda path, columns=None: columns)
    result = CliRunner().invoke(main, ["check", str(DISTINCT), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert asked == []
    for kept in (corpus / ".cache").glob("manifest.csv.*.rows5"):
        kept.unlink()
    again = CliRunner().invoke(main, ["check", str(DISTINCT), "--corpus", str(corpus)])
    assert again.output == result.output
    assert asked and None not in asked


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...] | None]:
    from dedupe.store import manifest

    return calls(monkeypatch, manifest, "_parse", lambda path, columns=None: columns)


def test_a_settled_manifest_is_parsed_once_and_read_back_the_same(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing and checking 100,000 rows of CSV (31 MB, generated) takes about 0.2 s: a manifest unchanged since it
    was read is read back from the cache folder, the same frame for every set of columns asked."""
    from dedupe.store import manifest, memo

    monkeypatch.setattr(memo, "SETTLED_NS", 0)
    parses = _parses(monkeypatch)
    path = corpus / "manifest.csv"
    first = manifest.read(path, INDEX)
    assert len(parses) == 1 and first.height == 5
    for columns in (INDEX, (*REQUIRED, "status"), None, (*INDEX, "title")):
        assert manifest.read(path, columns).equals(manifest._parse(path, columns)), columns
    parses.clear()
    for columns in (INDEX, None, (*INDEX, "title"), REQUIRED):
        manifest.read(path, columns)
    assert parses == []
    assert memo.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_manifest_changed_since_is_parsed_again(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row edited in place (same size, the modification time put back) is read as it now is:
    the change time still moved. A file written in the last seconds is not remembered at all."""
    import os

    from dedupe.store import manifest, memo

    monkeypatch.setattr(memo, "SETTLED_NS", 0)
    path = corpus / "manifest.csv"
    manifest.read(path, INDEX)
    held = memo.digest(path)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert text.count(",near,") == 1
    path.write_text(text.replace(",near,", ",NEAR,"), encoding="utf-8")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    parses = _parses(monkeypatch)
    assert "NEAR" in manifest.read(path, INDEX)["relation"].to_list() and len(parses) == 1
    assert memo.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest() != held
    monkeypatch.setattr(memo, "SETTLED_NS", 10**12)
    path.write_text(text, encoding="utf-8")
    parses.clear()
    for _ in range(2):
        assert "near" in manifest.read(path, INDEX)["relation"].to_list()
    assert len(parses) == 2 and memo.stamp(path) is None


def test_originals_all_there_are_not_listed_again_one_removed_is_found(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listing raw/ takes a tenth of a second at 100,000 originals: done once for a manifest and a
    folder as they are; removing an original changes the folder's times, and it is missed again."""

    from dedupe.errors import CorpusError
    from dedupe.store import memo, view

    monkeypatch.setattr(memo, "SETTLED_NS", 0)
    listings = calls(monkeypatch, view.os, "listdir", lambda p: str(p))
    for _ in range(3):
        Corpus(corpus).contents()
    assert listings == [str(corpus / "raw")]
    (corpus / "raw" / "002_8106084470b39083.txt").unlink()
    with pytest.raises(CorpusError, match=r"1 original\(s\) listed in the manifest are missing"):
        Corpus(corpus).contents()


def test_the_person_s_records_are_found_in_the_log_as_line_by_line(tmp_path: Path) -> None:
    """The log's accept, withdraw, link and unlink lines, found by searching its bytes: the same
    records, in order, as decoding it line by line (a line cut by a crash is not one)."""
    import json

    from dedupe.decisions import decode
    from dedupe.store.findings import HAND, by_hand

    lines = [
        {"decision": "merge", "a": "raw/a.txt", "b": "raw/b.txt", "reason": "near"},
        {"decision": "accept", "sha256": "ab" * 32, "path": "raw/c.txt", "by": "li", "reason": "a reprint"},
        {"decision": "withdraw", "id": "0123456789abcdef", "path": "raw/d.txt", "by": "li", "reason": "gone"},
        {"decision": "merge", "a": "raw/e.txt", "b": "raw/f.txt", "reason": 'quotes "decision": "accept" in text'},
        {"decision": "accept", "sha256": "cd" * 32, "path": "raw/g.txt", "by": "wang", "reason": "cut"},
    ]
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    log = tmp_path / "decisions.jsonl"
    log.write_text(text[:-10], encoding="utf-8")  # the last line cut short
    expected = []  # each whole line decoded, as a reader line by line takes them
    for line in log.read_bytes().split(b"\n")[:-1]:
        record = json.loads(line)
        if record["decision"] in HAND:
            expected.append(decode(record))
    assert by_hand(log) == expected and len(expected) == 2  # the quoted marker is escaped: no record
    assert by_hand(tmp_path / "none.jsonl") == []


def test_a_check_with_nothing_to_compare_imports_no_differ_and_no_workers(corpus: Path) -> None:
    """rapidfuzz (40 ms) is imported when two texts are compared, the process pools (10 ms each)
    when workers start, numpy's random and polynomial modules never for the default settings (their
    draws are written out) and numpy.ma (30 ms, by numpy's unique) not for a batch of one file."""
    import subprocess
    import sys

    unwanted = ("rapidfuzz", "concurrent.futures.process", "numpy.random", "numpy.polynomial", "numpy.ma")
    code = (
        "import sys\nfrom cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n"
        f"    print(exc.code, sorted(m for m in {unwanted!r} if m in sys.modules))\n"
    )
    args = ["check", str(DISTINCT), "--corpus", str(corpus), "--jobs", "1"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=Path(__file__).parents[1]
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr


def test_the_default_settings_draws_are_what_they_compute() -> None:
    """The permutations and bands written out in ``dedupe.drawn`` are those drawn and chosen."""
    import numpy as np

    from dedupe.bands import _band_params, band_params
    from dedupe.config import DedupeConfig
    from dedupe.drawn import BANDS, PERMUTATIONS
    from dedupe.signature import _permutations, permutations

    config = DedupeConfig()
    assert (config.num_perm, config.seed) in PERMUTATIONS and (config.candidate_threshold, config.num_perm) in BANDS
    for num_perm, seed in PERMUTATIONS:
        for written, drawn in zip(permutations(num_perm, seed), _permutations(num_perm, seed), strict=True):
            assert written.dtype == drawn.dtype == np.uint32 and np.array_equal(written, drawn)
    for (threshold, num_perm), chosen in BANDS.items():
        assert band_params(threshold, num_perm) == _band_params(threshold, num_perm) == chosen
    assert np.array_equal(permutations(64, 7)[0], _permutations(64, 7)[0])  # other settings: drawn


def test_the_person_s_records_are_found_once_for_each_version_of_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100,000 notices the log is 34 MB: the lines found in it are remembered while it is
    unchanged, and a record appended since is found."""
    import json

    from dedupe.store import log, memo

    monkeypatch.setattr(memo, "SETTLED_NS", 0)
    (tmp_path / ".cache").mkdir()
    path = tmp_path / "decisions.jsonl"
    first = {"decision": "accept", "sha256": "ab" * 32, "path": "raw/c.txt", "by": "li", "reason": "a reprint"}
    path.write_text(
        json.dumps({"decision": "merge", "a": "raw/a.txt", "b": "raw/b.txt"}) + "\n" + json.dumps(first) + "\n"
    )
    scans = calls(monkeypatch, log, "_marked", lambda data, kinds: len(data))
    found = [log.marked(path, ["accept", "withdraw"]) for _ in range(3)]
    assert len(scans) == 1 and found[0] == found[2] and [d.path for d in found[0]] == ["raw/c.txt"]
    with path.open("a") as handle:
        handle.write(json.dumps({**first, "sha256": "cd" * 32, "path": "raw/d.txt"}) + "\n")
    assert [d.path for d in log.marked(path, ["accept", "withdraw"])] == ["raw/c.txt", "raw/d.txt"]
    assert len(scans) == 2


def _check_in_a_process(corpus: Path, target: Path) -> list[str]:
    """check of ``target`` in a process of its own: its output, then whether it imported polars."""
    import subprocess
    import sys

    code = (
        "import sys; from cli import main\n"
        "try: main(['check', sys.argv[1], '--corpus', sys.argv[2]])\n"
        "except SystemExit: pass\n"
        "print('polars' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(target), str(corpus)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], check=True)  # fmt: skip
    return done.stdout.splitlines()


def test_a_check_of_one_file_after_an_ingest_reads_the_rows_it_kept_and_imports_no_polars(corpus: Path) -> None:
    """The ingest keeps the manifest's rows check looks up (polars took a fifth of a check's start)."""
    kept = list((corpus / ".cache").glob("manifest.csv.*.rows5"))
    sha = hashlib.sha256((corpus / "manifest.csv").read_bytes()).hexdigest()
    assert [p.name for p in kept] == [f"manifest.csv.{sha}.rows5"]
    out = _check_in_a_process(corpus, DISTINCT)
    assert out == [f"new       {DISTINCT}", "0 duplicate(s), 1 new, 0 known, 0 rejected", "False"]
    kept[0].unlink()  # made anew from the manifest, in memory while it is not settled: the same findings
    assert _check_in_a_process(corpus, DISTINCT) == [*out[:2], "True"]


def test_the_rows_a_check_looks_up_answer_as_the_manifest_does(corpus: Path) -> None:
    """Every question the engine and the findings ask of the manifest: the same answer from the
    rows looked up by index as from the whole manifest read, a withdrawn notice among them."""
    import polars as pl

    from dedupe.store.findings import _act_name

    done = CliRunner().invoke(main, ["withdraw", "raw/000_9ddad98e37283a11.txt", "--corpus", str(corpus), "--by", "ana",
                                     "--reason", "scraped from a test site"])  # fmt: skip
    assert done.exit_code == 0, done.output
    store = Corpus(corpus)
    with store.session(indexed=True) as (by_index, _), store.session() as (whole, _):
        rows = by_index.lookup
        assert isinstance(rows, Rows) and isinstance(whole.lookup, FrameRows)
        frame = whole.manifest
        ids = frame["id"].to_list()
        assert len(ids) == 5 and frame.filter(pl.col("status") == "withdrawn").height == 1
        for ask in ("clusters", "recorded"):
            assert getattr(by_index, ask)(ids) == getattr(whole, ask)(ids), ask
        clusters = frame["cluster"].unique().to_list()
        assert by_index.members(clusters) == whole.members(clusters)
        assert sorted(by_index.first_ids(3)) == sorted(whole.first_ids(3))
        assert rows.active(ids) == whole.lookup.active(ids)
        assert rows.by_sha(frame["sha256"].to_list()) == dict(zip(frame["sha256"], frame["path"], strict=True))
        assert rows.next_seq() == int(frame["seq"].max()) + 1
        assert rows.paths() == frame["path"].to_list()
        assert [r["path"] for r in rows.withdrawn()] == ["raw/000_9ddad98e37283a11.txt"]
        active = frame.filter(pl.col("status") == "active").sort("seq")
        for names in (
            [_act_name("威海市质量提升实施方案的通知")],
            ["通知", "条例"],
            ["关于"],
            ["1"],
            ["a0"],
            ["无此题"],
            ["无此题", ""],  # an empty name is held by every title, and by a notice without one
        ):
            holds = pl.any_horizontal(pl.col("title").fill_null("").str.contains(n, literal=True) for n in names)
            clusters = active.filter(holds)["cluster"].implode()
            expected = active.filter(pl.col("cluster").is_in(clusters))["id"].to_list()
            assert [r["id"] for r in rows.titled(names)] == expected, names


def test_rows_written_into_since_they_were_kept_are_made_anew(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows' file is derived: garbage written into it (its time moves) is not read, and the
    check makes it anew (the manifest settled) with the same findings."""
    from dedupe.store import memo

    monkeypatch.setattr(memo, "SETTLED_NS", 0)
    (kept,) = (corpus / ".cache").glob("manifest.csv.*.rows5")
    made = kept.stat().st_mtime_ns
    first = CliRunner().invoke(main, ["check", str(DISTINCT), "--corpus", str(corpus)])
    data = bytearray(kept.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = bytes((i * 37 + 11) % 256 for i in range(4096))
    kept.write_bytes(bytes(data))
    again = CliRunner().invoke(main, ["check", str(DISTINCT), "--corpus", str(corpus)])
    assert (again.exit_code, again.output) == (first.exit_code, first.output) == (0, first.output)
    assert kept.read_bytes() != bytes(data) and kept.stat().st_mtime_ns == made


def test_an_ingest_keeps_the_rows_of_the_manifest_it_wrote_without_parsing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows check looks up are made from the frame the ingest wrote, not from the manifest
    parsed again: the same rows, titles and order, a withdrawn notice among them."""
    import sqlite3

    from dedupe.store import manifest, rows

    root = tmp_path / "corpus"
    parsed = calls(monkeypatch, manifest, "_parse", lambda path, columns=None: path.exists())
    done = CliRunner().invoke(main, ["ingest", str(SEEDS), "--corpus", str(root), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    assert parsed and not any(parsed)  # a new corpus: no manifest before, and the one written is not read back
    done = CliRunner().invoke(main, ["withdraw", "raw/000_9ddad98e37283a11.txt", "--corpus", str(root), "--by", "ana",
                                     "--reason", "scraped from a test site", "--quiet"])  # fmt: skip
    assert done.exit_code == 0, done.output
    (kept,) = (root / ".cache").glob("manifest.csv.*.rows5")
    assert kept.name == f"manifest.csv.{hashlib.sha256((root / 'manifest.csv').read_bytes()).hexdigest()}.rows5"
    made = rows._fill(sqlite3.connect(":memory:"), manifest._parse(root / "manifest.csv", rows.COLUMNS))
    with sqlite3.connect(kept) as held:
        for table in ("rows", "whole"):
            assert (
                held.execute(f"SELECT * FROM {table}").fetchall() == made.execute(f"SELECT * FROM {table}").fetchall()
            )
    assert ("withdrawn",) in made.execute("SELECT status FROM rows").fetchall()
