"""The Spark batch (``dedupe --engine spark``) in local mode: its clusters, canonicals, relations,
related pairs and version chains equal the in-process engine's on the same real files, read from
folders or from a Parquet table. One SparkSession for the module (starting one takes seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedupe import DedupeConfig, Document, find_duplicates
from dedupe.files import read_batch, read_documents
from dedupe.reports.batch import result_json
from dedupe.spark.tasks import all_pairs, first_pairs

pyspark = pytest.importorskip("pyspark")

DATA = Path(__file__).resolve().parent / "data"
SEEDS = Path(__file__).resolve().parent / "seeds"
# seeds, Word renderings of one notice, versions of one regulation (vetoed), guangzhou web pages, and
# renderings of a lawrefbook notice (an OCR copy of the markdown joins the cluster through another), and
# versions of regulations: a draft and its final text, one repealed by another act, copies of a version's bytes
PATHS = (str(SEEDS), str(DATA / "formats"), *sorted(str(p) for p in DATA.glob("*制定地方性法规条例*.md")),
         *sorted(str(p) for p in DATA.glob("0*_*.html")), str(DATA / "b3_生育津贴直接发放个人.md"), str(DATA / "spark"),
         str(DATA / "chains"))  # fmt: skip


@pytest.fixture(scope="module")
def spark():
    from dedupe.spark import session

    s = session("local[2]", partitions=2)
    yield s
    s.stop()


def in_process(docs: list[Document]) -> dict:
    return result_json(find_duplicates(docs, DedupeConfig()))


def test_spark_equals_the_engine_on_real_folders(spark):
    from dedupe.spark import dedupe_spark

    results, _ = read_batch(PATHS, 1)
    docs = [r for r in results if isinstance(r, Document)]
    want = in_process(docs)
    assert len(docs) >= 30 and any(c["members"][1:] for c in want["clusters"])
    assert any(p["veto"] for p in want["related"]), "the versions must be vetoed for the test to hold"
    assert any(d.get("via") for d in want["documents"]), "a member joined through another"
    statuses = {v["status"] for c in want["chains"] for v in c["versions"]}
    assert len(want["chains"]) >= 4 and {"draft", "repealed", "superseded", "current"} <= statuses
    assert any(len(v["members"]) > 1 for c in want["chains"] for v in c["versions"]), "a version held twice"
    got = dedupe_spark(spark, PATHS).report
    assert got == want


def test_parquet_in_and_out(spark, tmp_path):
    """A table of path + bytes (as a cluster's storage holds notices) gives the engine's result on
    the same files ordered by path; the output table has one row per document, a copy included."""
    import polars as pl

    from dedupe.spark import dedupe_spark

    files = sorted([*(DATA / "formats").iterdir(), *DATA.glob("*制定地方性法规条例*.md")])
    files = [p for p in files if p.is_file()]
    rows = [(str(p), p.read_bytes()) for p in files] + [("zz/copy.md", files[-1].read_bytes())]
    table = pl.DataFrame(
        {"path": [p for p, _ in rows], "bytes": [b for _, b in rows]}, schema={"path": pl.Utf8, "bytes": pl.Binary}
    )
    table.write_parquet(tmp_path / "notices.parquet")
    copy = tmp_path / "zz" / "copy.md"
    copy.parent.mkdir()
    copy.write_bytes(rows[-1][1])
    paths = sorted([str(p) for p in files] + ["zz/copy.md"])
    read = read_documents([str(copy) if p == "zz/copy.md" else p for p in paths])
    docs = [d.moved("zz/copy.md") if d.path == str(copy) else d for d in read if isinstance(d, Document)]
    want = in_process(docs)
    run = dedupe_spark(spark, parquet_in=str(tmp_path / "notices.parquet"), parquet_out=str(tmp_path / "out"))
    assert run.report == want
    assert any("identical" in c for c in want["clusters"])
    out = pl.read_parquet(tmp_path / "out" / "*.parquet").to_dicts()
    assert sorted(r["path"] for r in out) == sorted(d["path"] for d in want["documents"])
    canonical = {c["canonical"] for c in want["clusters"]}
    assert {r["path"] for r in out if r["canonical"]} == canonical
    for r in out:
        assert r["reason"], r


def test_cli_engine_spark(spark, capsys):
    """``dedupe --engine spark --json`` prints the engine's JSON, chains included, and leaves the
    caller's session running."""
    from click.testing import CliRunner

    from cli import main

    paths = sorted(str(p) for p in DATA.glob("*制定地方性法规条例*.md"))
    done = CliRunner().invoke(main, ["dedupe", "--json", *paths])
    assert done.exit_code == 0, done.output
    local = json.loads(done.stdout)
    result = CliRunner().invoke(main, ["dedupe", "--engine", "spark", *paths])
    assert result.exit_code == 0, result.output
    assert local["chains"] and json.loads(result.stdout) == local
    assert spark.sparkContext._jsc is not None


def test_groups_give_the_engines_candidate_pairs():
    """Holders of one band are all paired, in the engine's order; a passage held by more than the
    limit pairs none; notices of one key pair with the first of them."""
    group = [((2, "b", "y"), "y"), ((1, "a", "x"), "x"), ((3, "c", "z"), "z")]
    assert all_pairs(group) == [("x", "y"), ("x", "z"), ("y", "z")]
    assert all_pairs(group, limit=2) == []
    assert first_pairs(group) == [("x", "y"), ("x", "z")]


def test_bad_input_is_named(spark, tmp_path):
    """A table that is not there, or not Parquet, or both a table and paths: an InputError (exit 2)
    that says which, before any work."""
    from dedupe.errors import InputError
    from dedupe.spark import dedupe_spark

    text = DATA / "formats" / "厦门_2019.doc"
    with pytest.raises(InputError, match="as a Parquet table"):
        dedupe_spark(spark, parquet_in=str(tmp_path / "missing.parquet"))
    with pytest.raises(InputError, match="as a Parquet table"):
        dedupe_spark(spark, parquet_in=str(text))
    with pytest.raises(InputError, match="not both"):
        dedupe_spark(spark, (str(text),), parquet_in=str(tmp_path))
    (tmp_path / "taken").mkdir()
    with pytest.raises(InputError, match="does not exist yet"):
        dedupe_spark(spark, (str(text),), parquet_out=str(tmp_path / "taken"))


def test_a_folder_s_image_is_passed_over_as_in_process(spark, tmp_path):
    """A file of a folder that is no text (an image saved as .txt) is passed over with a note, not
    refused, as ``read_batch`` tells it: the exit code is the in-process one."""
    from dedupe.spark import dedupe_spark

    (tmp_path / "notice.txt").write_bytes((SEEDS / "000_9ddad98e37283a11.txt").read_bytes())
    (tmp_path / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    results, passed = read_batch([str(tmp_path)])
    run = dedupe_spark(spark, (str(tmp_path),))
    assert run.rejected == [r for r in results if not isinstance(r, Document)] == []
    assert run.passed.notes() == passed.notes() and passed.skipped
    assert [d["path"] for d in run.report["documents"]] == [str(tmp_path / "notice.txt")]


def test_a_local_session_s_jvm_gets_a_share_of_the_machine(spark):
    """Spark's default 1g heap ran out holding 100,000 notices' blocks on local[2]: a local session
    gets SPARK_DRIVER_MEMORY (Spark's own variable) or a quarter of the machine's memory."""
    import os

    from dedupe.spark import local_memory, shares

    given = spark.sparkContext.getConf().get("spark.driver.memory")
    assert given == (os.environ.get("SPARK_DRIVER_MEMORY") or local_memory())
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert total < 8 * 2**30 or int(local_memory().removesuffix("g")) > 1  # more than Spark's 1g
    assert (shares(100_000), shares(2_000), shares(2_001), shares(1)) == (50, 1, 2, 1)  # at most 2,000 notices a block
