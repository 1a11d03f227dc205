"""Chains in the corpus: the manifest's and the export's chain columns, a person's link and unlink
(logged, obeyed by later ingests and by a cache made anew), and check naming a new version."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from cli import main
from tests.outputs import expect, expect_case

DATA = Path(__file__).parent / "data" / "chains"
BEIJING_2017 = DATA / "北京市制定地方性法规条例(2017-01-20).md"
BEIJING_2023 = DATA / "北京市制定地方性法规条例(2023-07-28).md"
LINYI = DATA / "临沂市制定地方性法规条例(2016-03-30).md"
SHENZHEN_2013 = DATA / "2013_深圳经济特区文明行为促进条例.docx"
SHENZHEN_2020 = DATA / "2020_深圳经济特区文明行为条例.doc"  # a new name; 《深圳经济特区文明行为促进条例》同时废止
OLD, NEW = f"raw/{BEIJING_2017.name}", f"raw/{BEIJING_2023.name}"
TWO_PROBLEMS = "3 original(s) checked, 2 problem(s)\n"
EDITED = (
    "problem: manifest.csv is not the manifest the last ingest wrote (it was edited): restore it from version control "
    "(git checkout -- manifest.csv), or make the change with merge, split, canonical or withdraw\n"
)
SHENZHEN_LINKED = (
    "link-by-hand: raw/2013_深圳经济特区文明行为促进条例.docx ~ raw/2020_深圳经济特区文明行为条例.doc\n"
    "  chain 6d557801c7d26434 深圳经济特区文明行为促进条例: raw/2013_深圳经济特区文明行为促进条例.docx (superseded), "
    "raw/2020_深圳经济特区文明行为条例.doc (current)\n"
)


def ingest(corpus: Path, *paths: Path) -> None:
    out = CliRunner().invoke(main, ["-q", "ingest", *map(str, paths), "--corpus", str(corpus)])
    n = len(paths)
    landed = (
        f"{n} new original(s): {n} new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/\n"
    )
    expect(out, code=0, stdout=landed)  # versions and other cities' rules: each a new notice


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def rows(corpus: Path) -> dict[str, dict[str, str]]:
    with (corpus / "manifest.csv").open(encoding="utf-8") as handle:
        return {r["path"]: r for r in csv.DictReader(handle)}


def chain_cells(corpus: Path, path: str) -> tuple[str, str, str]:
    row = rows(corpus)[path]
    return row["chain"], row["chain_position"], row["chain_status"]


def test_the_manifest_and_the_export_give_each_version_its_chain_place_and_status(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    ingest(corpus, BEIJING_2017, LINYI)
    assert chain_cells(corpus, OLD) == ("", "", "")  # one version: no chain yet
    ingest(corpus, BEIJING_2023)  # the new version arrives: it joins the chain and is current
    (chain, first, old), (same, second, new) = chain_cells(corpus, OLD), chain_cells(corpus, NEW)
    assert len(chain) == 16 and chain == same
    assert (first, old, second, new) == ("1", "superseded", "2", "current")
    assert chain_cells(corpus, f"raw/{LINYI.name}") == ("", "", "")
    exported = CliRunner().invoke(main, ["export", "--corpus", str(corpus)])
    expect_case(exported, "export_index_with_chains")
    index = {r["path"]: r for r in csv.DictReader(io.StringIO(exported.output))}
    assert (index[NEW]["chain"], index[NEW]["chain_position"], index[NEW]["chain_status"]) == (chain, "2", "current")
    expect(run("verify", "--corpus", str(corpus)), code=0, stdout="3 original(s) checked, 0 problem(s)\n")


def test_verify_reads_a_manifest_without_chain_columns_and_checks_them_when_given(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    ingest(corpus, BEIJING_2017, BEIJING_2023)
    manifest = corpus / "manifest.csv"
    text = manifest.read_text(encoding="utf-8")
    with manifest.open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    older = io.StringIO()
    columns = [c for c in table[0] if not c.startswith("chain")]
    writer = csv.DictWriter(older, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    manifest.write_text(older.getvalue(), encoding="utf-8")  # as written before chains were kept
    exported = CliRunner().invoke(main, ["export", "--corpus", str(corpus)])
    expect_case(exported, "export_index_of_a_manifest_without_chain_columns")
    assert {r["chain"] for r in csv.DictReader(io.StringIO(exported.output))} == {""}
    ingest(corpus, LINYI)  # the next landing writes the columns
    assert chain_cells(corpus, NEW)[1:] == ("2", "current")
    expect(run("verify", "--corpus", str(corpus)), code=0, stdout="3 original(s) checked, 0 problem(s)\n")
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace(",superseded", ",current"), encoding="utf-8")  # two current versions
    two_current = (
        "problem: manifest.csv: chain f29aa84eca62d420 has 2 current versions; restore the manifest from version "
        "control, or ingest again to write the chains anew\n"
    )
    expect(run("verify", "--corpus", str(corpus)), code=3, stdout=TWO_PROBLEMS, stderr=two_current + EDITED)
    manifest.write_text(text.replace(",superseded", ",obsolete"), encoding="utf-8")
    obsolete = (
        "problem: manifest.csv row raw/北京市制定地方性法规条例(2017-01-20).md: chain_status 'obsolete' is not one of "
        "current, superseded, draft, repealed; restore the manifest from version control (git checkout -- manifest.csv)\n"
    )
    expect(run("verify", "--corpus", str(corpus)), code=3, stdout=TWO_PROBLEMS, stderr=obsolete + EDITED)


def test_link_joins_a_renamed_regulation_and_later_ingests_and_a_new_cache_obey_it(tmp_path: Path) -> None:
    """深圳's 2020 文明行为条例 is its 文明行为促进条例 under a new name: no title says so, a person does."""
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    ingest(corpus, SHENZHEN_2013, SHENZHEN_2020)
    old, new = f"raw/{SHENZHEN_2013.name}", f"raw/{SHENZHEN_2020.name}"
    assert chain_cells(corpus, new) == ("", "", "")
    out = runner.invoke(main, ["link", SHENZHEN_2013.name, SHENZHEN_2020.name, "--corpus", str(corpus), "--by", "archivist",
                               "--reason", "renamed in 2019"])  # fmt: skip
    expect(out, code=0, stdout=SHENZHEN_LINKED)
    [entry] = [json.loads(line) for line in (corpus / "decisions.jsonl").read_text(encoding="utf-8").splitlines()
               if '"link-by-hand"' in line]  # fmt: skip
    assert (entry["a"], entry["b"], entry["by"], entry["reason"]) == (old, new, "archivist", "renamed in 2019")
    assert [c[1:] for c in (chain_cells(corpus, old), chain_cells(corpus, new))] == [
        ("1", "superseded"),
        ("2", "current"),
    ]
    already = f"note: {old} and {new} are in one chain already: nothing was changed or logged\n"
    expect(
        runner.invoke(main, ["link", old, new, "--corpus", str(corpus)]), code=0, stdout=SHENZHEN_LINKED, stderr=already
    )
    ingest(corpus, LINYI)  # a later ingest writes the manifest anew: the link holds
    assert chain_cells(corpus, new)[1:] == ("2", "current")
    shutil.rmtree(corpus / ".cache")  # the cache made anew from the originals: the link holds
    done = runner.invoke(main, ["versions", new, "--corpus", str(corpus), "--format", "json"])
    found = json.loads(done.output)
    # the 2020 text numbers its articles as Word's list does (1., 2., …): they are read from that list (the test below)
    assert found["changes"][0]["articles"] == [50, 74]
    expect_case(done, "versions_of_a_renamed_regulation_json")
    assert found["current"] == new and [v["canonical"] for v in found["versions"]] == [old, new]
    assert found["why"] == [f"{old} ~ {new}: linked by hand by archivist: renamed in 2019"]
    history = runner.invoke(main, ["history", new, "--corpus", str(corpus), "--format", "json"])
    expect_case(history, "history_of_a_linked_version_json")
    assert "link-by-hand" in [d["decision"] for d in json.loads(history.stdout)["decisions"]]


def test_versions_compares_the_articles_of_a_text_numbered_by_a_word_list(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    ingest(corpus, SHENZHEN_2013, SHENZHEN_2020)
    run("link", SHENZHEN_2013.name, SHENZHEN_2020.name, "--corpus", str(corpus), "--reason", "renamed in 2019")
    found = json.loads(run("versions", SHENZHEN_2020.name, "--corpus", str(corpus), "--format", "json").stdout)
    change = found["changes"][0]
    assert change["articles"] == [50, 74]  # the 2020 text has articles (第一章　总则, then 1. 为了… to 74. 本条例自…)
    assert change["numbered_by_list"] == [False, True]
    first = change["changes"][0]
    assert (first["kind"], first["old"], first["new"]) == ("amended", "第一条", "1.")  # 为了…: the purpose, reworded


def test_unlink_takes_a_version_out_of_its_chain_for_good(tmp_path: Path) -> None:
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    ingest(corpus, BEIJING_2017, BEIJING_2023)
    out = runner.invoke(main, ["unlink", OLD, NEW, "--corpus", str(corpus), "--reason", "not the same act"])
    unlinked = f"unlink-by-hand: {OLD} ~ {NEW}\n  in no chain of versions\n"
    expect(out, code=0, stdout=unlinked)
    assert chain_cells(corpus, OLD) == chain_cells(corpus, NEW) == ("", "", "")
    ingest(corpus, LINYI)
    assert chain_cells(corpus, NEW) == ("", "", "")
    none = f"Error: no chain of versions holds '{NEW}': give a notice's path, id or title (0 chain(s) in the corpus)\n"
    expect(runner.invoke(main, ["versions", NEW, "--corpus", str(corpus)]), code=2, stderr=none)
    relinked = runner.invoke(main, ["link", OLD, NEW, "--corpus", str(corpus)])  # the later word wins
    chain = f"  chain f29aa84eca62d420 北京市制定地方性法规条例: {OLD} (superseded), {NEW} (current)\n"
    expect(relinked, code=0, stdout=f"link-by-hand: {OLD} ~ {NEW}\n" + chain)
    assert chain_cells(corpus, NEW)[1:] == ("2", "current")
    same = f"Error: {OLD} and {OLD} name the same notice, {OLD}: give two versions\n"
    expect(runner.invoke(main, ["link", OLD, OLD, "--corpus", str(corpus)]), code=2, stderr=same)


def test_check_names_the_current_version_a_new_version_supersedes(tmp_path: Path) -> None:
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    ingest(corpus, BEIJING_2017, LINYI)
    expect_case(runner.invoke(main, ["check", str(BEIJING_2023), "--corpus", str(corpus)]), "check_a_new_version")
    done = runner.invoke(main, ["check", str(BEIJING_2023), "--corpus", str(corpus), "--format", "json"])
    expect_case(done, "check_a_new_version_json")
    found = json.loads(done.output)
    assert found["new"] == [] and found["new_versions"] == [
        {"path": str(BEIJING_2023), "version_of": OLD, "status": "current", "chain_current": str(BEIJING_2023)}
    ]
    plain = runner.invoke(
        main, ["check", str(DATA / "东营市制定地方性法规条例(2016-03-30).md"), "--corpus", str(corpus)]
    )
    expect_case(plain, "check_another_city_s_rule_of_the_same_name")  # another city's rule of the same name is new


def test_check_names_the_draft_a_final_text_follows(tmp_path: Path) -> None:
    """The draft's title bears 征集意见稿 and no 市: the act's name without markers finds it."""
    draft, final = DATA / "重庆-居住证实施办法（征集意见稿）2016.txt", DATA / "重庆市居住证实施办法2016.html"
    corpus = tmp_path / "corpus"
    ingest(corpus, draft)
    expect_case(
        CliRunner().invoke(main, ["check", str(final), "--corpus", str(corpus)]), "check_the_final_text_of_a_draft"
    )
