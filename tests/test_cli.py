"""The command line as a user meets it: exact output, exit codes, help, README mentions."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import DATA, ROOT, SEED_NAMES, SEEDS, seed_path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_normalize_prints_clean_text(runner, seeds):
    result = runner.invoke(main, ["normalize", str(seed_path("002"))])
    assert result.exit_code == 0
    assert result.output == seeds["002"].text + "\n"


def test_normalize_key(runner, seeds):
    result = runner.invoke(main, ["normalize", "--key", str(seed_path("003"))])
    assert result.exit_code == 0
    assert result.output == seeds["003"].key + "\n"


def test_normalize_explain_lists_changes_on_stderr(runner):
    result = runner.invoke(main, ["normalize", "--explain", str(seed_path("002"))])
    assert result.exit_code == 0
    assert "page-number: 1 (e.g. '— 1 —')" in result.stderr
    assert "encoding: utf-8" in result.stderr


def test_normalize_missing_file(runner, tmp_path):
    result = runner.invoke(main, ["normalize", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_normalize_directory(runner, tmp_path):
    result = runner.invoke(main, ["normalize", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_normalize_binary_names_encoding_option(runner, tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(main, ["normalize", str(binary)])
    assert result.exit_code == 2
    assert "--encoding" in result.stderr
    assert "is binary data" in result.stderr and "control bytes" in result.stderr  # what the bytes are


def test_normalize_wrong_encoding_option(runner, tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("关于印发实施方案的通知\n各单位：请遵照执行。".encode("gbk"))
    result = runner.invoke(main, ["normalize", "--encoding", "utf-8", str(gbk)])
    assert result.exit_code == 2
    assert "not valid utf-8" in result.stderr
    ok = runner.invoke(main, ["normalize", "--encoding", "gbk", str(gbk)])
    assert ok.exit_code == 0
    assert ok.output == "关于印发实施方案的通知\n各单位：请遵照执行。\n"


def test_dedupe_json_on_seeds(runner):
    result = runner.invoke(main, ["dedupe", str(SEEDS), "--json", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"documents", "clusters", "related", "chains"}
    assert {"path", "id", "encoding", "cluster", "canonical", "relation", "similarity"} <= set(data["documents"][0])
    [jining] = data["related"]  # the two Jining notices share paragraphs: reported, kept apart
    assert (Path(jining["a"]).name[:3], Path(jining["b"]).name[:3], jining["relation"]) == ("000", "004", "related")
    assert jining["jaccard"] < 0.2 and "verbatim passages" in jining["reason"] and jining["veto"] is None
    groups = sorted(sorted(Path(p).name[:3] for p in c["members"]) for c in data["clusters"])
    assert groups == [["000"], ["001"], ["002", "003"], ["004"]]
    pair = next(c for c in data["clusters"] if len(c["members"]) == 2)
    assert pair["canonical"] == str(seed_path("002"))
    member = next(d for d in data["documents"] if d["path"] == str(seed_path("003")))
    assert member["relation"] == "near" and member["similarity"] > 0.97 and member["canonical"] is False


def test_dedupe_paths_are_printed_as_given(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["dedupe", "corpus/raw", "--json", "--jobs", "2"])
    assert result.exit_code == 0
    paths = {d["path"] for d in json.loads(result.stdout)["documents"]}
    assert paths == {f"corpus/raw/{name}" for name in SEED_NAMES.values()}


def test_dedupe_reports_unreadable_and_goes_on(runner, tmp_path):
    (tmp_path / "a.txt").write_bytes(seed_path("000").read_bytes())
    (tmp_path / "b.txt").write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(main, ["dedupe", str(tmp_path), "--jobs", "1"])
    assert result.exit_code == 0  # binary data in a folder is no notice: counted and named, never in silence
    assert "note: skipped 1 file: 1 binary file" in result.stderr
    assert "1 notices, 1 clusters, 0 duplicates" in result.stdout
    result = runner.invoke(main, ["dedupe", str(tmp_path), "--jobs", "1", "--verbose"])
    assert f"skipped {tmp_path / 'b.txt'}: is binary data" in result.stderr


def test_dedupe_nothing_readable_fails(runner, tmp_path):
    (tmp_path / "b.txt").write_bytes(b"")
    result = runner.invoke(main, ["dedupe", str(tmp_path)])
    assert result.exit_code == 2
    assert "none of the files could be read" in result.stderr


def test_explain_jining_pair_is_related(runner):
    result = runner.invoke(main, ["explain", str(seed_path("000")), str(seed_path("004"))])
    assert result.exit_code == 0
    assert "relation: related — not a duplicate" in result.stdout


def test_explain_weihai_pair(runner):
    result = runner.invoke(main, ["explain", str(seed_path("002")), str(seed_path("003"))])
    assert result.exit_code == 0
    assert "relation: near — duplicate" in result.stdout
    assert f"preferred as canonical: {seed_path('002')}" in result.stdout
    assert "{+（此件主动公开）" in result.stdout
    assert "quality flags of A: artifacts-removed, mixed-width-punctuation" in result.stdout
    assert "quality flags of B: artifacts-removed" in result.stdout


def _commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_and_a_readme_mention(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) > 3
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"policy-dedup {command}" in readme


def test_python_dash_m_cli_works():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "cli", "--help"], cwd=ROOT, capture_output=True, text=True, env={**os.environ}
    )
    assert out.returncode == 0
    assert "normalize" in out.stdout


def test_jobs_and_reference_signatures_give_identical_results(runner):
    paths = [str(SEEDS), str(ROOT / "tests" / "data")]
    outputs = [
        runner.invoke(main, ["dedupe", *paths, "--json", *extra]).stdout
        for extra in (["--jobs", "1"], ["--jobs", "2"], ["--jobs", "1", "--reference-signatures"])
    ]
    assert json.loads(outputs[0])["clusters"]
    assert outputs[0] == outputs[1] == outputs[2]


def test_two_byte_identical_files_are_both_accounted_for(runner, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(seed_path("000").read_bytes())
    result = runner.invoke(main, ["dedupe", str(tmp_path), "--jobs", "1"])
    assert result.exit_code == 0
    assert f"  identical        {tmp_path / 'b.txt'}" in result.stdout
    assert "1 notices, 1 clusters, 0 duplicates, 1 identical file(s)" in result.stdout
    data = json.loads(runner.invoke(main, ["dedupe", str(tmp_path), "--json"]).stdout)
    assert [d["relation"] for d in data["documents"]] == ["canonical", "identical"]
    assert data["clusters"][0]["identical"] == [str(tmp_path / "b.txt")]
    ingest = runner.invoke(main, ["ingest", str(tmp_path), "--corpus", str(tmp_path / "corpus")])
    assert "1 new original(s)" in ingest.stdout and "1 identical to another file given" in ingest.stdout


@pytest.mark.parametrize("command", _commands())
def test_every_help_lists_the_exit_codes(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert "Exit codes: 0 ok; 1 check found duplicates; 2 bad input" in " ".join(result.output.split())


def test_help_and_version_import_nothing_heavy():
    """--help and --version answer without loading polars, numpy or the engine (imports are lazy)."""
    import subprocess
    import sys

    code = "import sys, cli; cli.main(['--version'], standalone_mode=False); print(sorted(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = done.stdout
    assert "version" in loaded
    for heavy in ("'polars'", "'numpy'", "'dedupe.engine'", "'datasketch'", "'chardet'"):
        assert heavy not in loaded


# a paragraph a site puts under every notice, which no furniture rule can tell from a notice's own
# text (a site's credits and 主办单位 lines are removed by normalization, so they would not do here)
FOOTER = (
    "\n\n市人力资源和社会保障局将持续优化公共就业服务，推动政策直达快享，欢迎广大群众通过政务服务平台"
    "了解更多办事指南和政策解读，共同营造良好的就业创业环境。\n"
)


def test_explain_among_a_batch_gives_the_figures_dedupe_gives(runner, tmp_path):
    """Every notice of a site carries its footer: dedupe leaves those shingles out of every pair,
    and so does explain --among the same notices (alone, it counts them)."""
    sources = [*sorted((DATA / "agreement").iterdir()), *(seed_path(k) for k in ("000", "001", "002", "003", "004"))]
    for src in sources:
        (tmp_path / src.name).write_bytes(src.read_text(encoding="utf-8").encode("utf-8") + FOOTER.encode("utf-8"))
    a, b = tmp_path / seed_path("000").name, tmp_path / seed_path("004").name  # Jining: related
    done = runner.invoke(main, ["dedupe", str(tmp_path), "--json"])
    assert done.exit_code == 0, done.output
    related = {(Path(p["a"]).name, Path(p["b"]).name): p for p in json.loads(done.stdout)["related"]}
    reported = related[(a.name, b.name)]
    assert reported["relation"] == "related" and reported["veto"] is None

    def explained(*extra: str) -> str:
        return runner.invoke(main, ["explain", str(a), str(b), *extra]).stdout

    def jaccard(out: str) -> str:
        return re.search(r"^exact Jaccard: ([0-9.]+)$", out, re.M).group(1)

    among = explained("--among", str(tmp_path))
    # 22 files, 21 notices: 002_转载副本.txt is a byte copy of seed 002
    assert "boilerplate left out:" in among and "shingle(s) shared by a large share of 21 notices given" in among
    assert jaccard(among) == f"{reported['jaccard']:.3f}"
    alone = explained()
    assert "judged alone" in alone and jaccard(alone) > jaccard(among)  # alone, the footer counts as shared text


def test_explain_against_a_corpus_names_it_and_refuses_a_folder_that_is_not_one(runner, corpus, tmp_path):
    a, b = str(seed_path("002")), str(seed_path("003"))
    done = runner.invoke(main, ["explain", a, b, "--corpus", str(corpus)])
    assert done.exit_code == 0, done.output
    assert f"shingle(s) shared by a large share of the corpus {corpus}" in done.stdout
    assert "relation: near — duplicate" in done.stdout
    not_a_corpus = runner.invoke(main, ["explain", a, b, "--corpus", str(tmp_path / "nothing")])
    assert not_a_corpus.exit_code == 3 and "is not a corpus" in not_a_corpus.output


def test_dedupe_text_shows_every_vetoed_pair_and_the_closest_related_ones(runner, monkeypatch):
    monkeypatch.setattr("dedupe.reports.table.RELATED_SHOWN", 2)
    done = runner.invoke(main, ["dedupe", str(DATA / "agreement"), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    kept = [line for line in lines if line.startswith(("vetoed ", "related "))]
    vetoed = [line for line in kept if line.startswith("vetoed ")]
    assert vetoed and kept[: len(vetoed)] == vetoed  # versions kept apart come first, all of them
    assert all("but vetoed: " in line for line in vetoed)  # with the fact used (versions, places…)
    related = [float(re.search(r"Jaccard ([0-9.]+)", line).group(1)) for line in kept[len(vetoed) :]]
    assert len(related) == 2 and related == sorted(related, reverse=True)
    data = json.loads(runner.invoke(main, ["dedupe", str(DATA / "agreement"), "--json", "--jobs", "1"]).stdout)
    more = len([p for p in data["related"] if p["veto"] is None]) - 2
    assert f"… and {more} more related pair(s): --json lists them all" in lines
    assert lines[-1].endswith(f"{len(vetoed)} vetoed pair(s), {more + 2} related pair(s)")
