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

DATA = Path(__file__).parent / "data" / "chains"
BEIJING_2017 = DATA / "北京市制定地方性法规条例(2017-01-20).md"
BEIJING_2023 = DATA / "北京市制定地方性法规条例(2023-07-28).md"
LINYI = DATA / "临沂市制定地方性法规条例(2016-03-30).md"
SHENZHEN_2013 = DATA / "2013_深圳经济特区文明行为促进条例.docx"
SHENZHEN_2020 = DATA / "2020_深圳经济特区文明行为条例.doc"  # a new name; 《深圳经济特区文明行为促进条例》同时废止
OLD, NEW = f"raw/{BEIJING_2017.name}", f"raw/{BEIJING_2023.name}"


def ingest(corpus: Path, *paths: Path) -> None:
    out = CliRunner().invoke(main, ["-q", "ingest", *map(str, paths), "--corpus", str(corpus)])
    assert out.exit_code == 0, out.output


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
    index = {r["path"]: r for r in csv.DictReader(io.StringIO(exported.output))}
    assert (index[NEW]["chain"], index[NEW]["chain_position"], index[NEW]["chain_status"]) == (chain, "2", "current")
    assert CliRunner().invoke(main, ["verify", "--corpus", str(corpus)]).exit_code == 0


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
    assert exported.exit_code == 0 and {r["chain"] for r in csv.DictReader(io.StringIO(exported.output))} == {""}
    ingest(corpus, LINYI)  # the next landing writes the columns
    assert chain_cells(corpus, NEW)[1:] == ("2", "current")
    assert CliRunner().invoke(main, ["verify", "--corpus", str(corpus)]).exit_code == 0
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace(",superseded", ",current"), encoding="utf-8")  # two current versions
    out = CliRunner().invoke(main, ["verify", "--corpus", str(corpus)])
    assert out.exit_code == 3 and "has 2 current versions" in out.output
    manifest.write_text(text.replace(",superseded", ",obsolete"), encoding="utf-8")
    out = CliRunner().invoke(main, ["verify", "--corpus", str(corpus)])
    assert (
        out.exit_code == 3
        and "chain_status 'obsolete' is not one of current, superseded, draft, repealed" in out.output
    )


def test_link_joins_a_renamed_regulation_and_later_ingests_and_a_new_cache_obey_it(tmp_path: Path) -> None:
    """深圳's 2020 文明行为条例 is its 文明行为促进条例 under a new name: no title says so, a person does."""
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    ingest(corpus, SHENZHEN_2013, SHENZHEN_2020)
    old, new = f"raw/{SHENZHEN_2013.name}", f"raw/{SHENZHEN_2020.name}"
    assert chain_cells(corpus, new) == ("", "", "")
    out = runner.invoke(main, ["link", SHENZHEN_2013.name, SHENZHEN_2020.name, "--corpus", str(corpus), "--by", "archivist",
                               "--reason", "renamed in 2019"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert f"link-by-hand: {old} ~ {new}" in out.output and f"{old} (superseded), {new} (current)" in out.output
    [entry] = [json.loads(line) for line in (corpus / "decisions.jsonl").read_text(encoding="utf-8").splitlines()
               if '"link-by-hand"' in line]  # fmt: skip
    assert (entry["a"], entry["b"], entry["by"], entry["reason"]) == (old, new, "archivist", "renamed in 2019")
    assert [c[1:] for c in (chain_cells(corpus, old), chain_cells(corpus, new))] == [
        ("1", "superseded"),
        ("2", "current"),
    ]
    again = runner.invoke(main, ["link", old, new, "--corpus", str(corpus)])
    assert again.exit_code == 0 and "in one chain already: nothing was changed or logged" in again.output
    ingest(corpus, LINYI)  # a later ingest writes the manifest anew: the link holds
    assert chain_cells(corpus, new)[1:] == ("2", "current")
    shutil.rmtree(corpus / ".cache")  # the cache made anew from the originals: the link holds
    found = json.loads(runner.invoke(main, ["versions", new, "--corpus", str(corpus), "--format", "json"]).output)
    assert found["current"] == new and [v["canonical"] for v in found["versions"]] == [old, new]
    assert found["why"] == [f"{old} ~ {new}: linked by hand by archivist: renamed in 2019"]
    history = runner.invoke(main, ["history", new, "--corpus", str(corpus), "--format", "json"]).output
    assert "link-by-hand" in history


def test_unlink_takes_a_version_out_of_its_chain_for_good(tmp_path: Path) -> None:
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    ingest(corpus, BEIJING_2017, BEIJING_2023)
    out = runner.invoke(main, ["unlink", OLD, NEW, "--corpus", str(corpus), "--reason", "not the same act"])
    assert out.exit_code == 0, out.output
    assert f"unlink-by-hand: {OLD} ~ {NEW}" in out.output and "in no chain of versions" in out.output
    assert chain_cells(corpus, OLD) == chain_cells(corpus, NEW) == ("", "", "")
    ingest(corpus, LINYI)
    assert chain_cells(corpus, NEW) == ("", "", "")
    missing = runner.invoke(main, ["versions", NEW, "--corpus", str(corpus)])
    assert missing.exit_code == 2 and "no chain of versions holds" in missing.output
    relinked = runner.invoke(main, ["link", OLD, NEW, "--corpus", str(corpus)])  # the later word wins
    assert relinked.exit_code == 0 and chain_cells(corpus, NEW)[1:] == ("2", "current")
    same = runner.invoke(main, ["link", OLD, OLD, "--corpus", str(corpus)])
    assert same.exit_code == 2 and "name the same notice" in same.output


def test_check_names_the_current_version_a_new_version_supersedes(tmp_path: Path) -> None:
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    ingest(corpus, BEIJING_2017, LINYI)
    out = runner.invoke(main, ["check", str(BEIJING_2023), "--corpus", str(corpus)])
    assert out.exit_code == 0, out.output
    assert f"new version {BEIJING_2023}: a new version of {OLD} (it becomes the current version)" in out.output
    assert f"new       {BEIJING_2023}" not in out.output
    found = json.loads(
        runner.invoke(main, ["check", str(BEIJING_2023), "--corpus", str(corpus), "--format", "json"]).output
    )
    assert found["new"] == [] and found["new_versions"] == [
        {"path": str(BEIJING_2023), "version_of": OLD, "status": "current", "chain_current": str(BEIJING_2023)}
    ]
    plain = runner.invoke(
        main, ["check", str(DATA / "东营市制定地方性法规条例(2016-03-30).md"), "--corpus", str(corpus)]
    )
    assert "new version" not in plain.output  # another city's rule of the same name is new


def test_check_names_the_draft_a_final_text_follows(tmp_path: Path) -> None:
    """The draft's title bears 征集意见稿 and no 市: the act's name without markers finds it."""
    draft, final = DATA / "重庆-居住证实施办法（征集意见稿）2016.txt", DATA / "重庆市居住证实施办法2016.html"
    corpus = tmp_path / "corpus"
    ingest(corpus, draft)
    out = CliRunner().invoke(main, ["check", str(final), "--corpus", str(corpus)]).output
    assert f"new version {final}: a new version of raw/{draft.name} (it becomes the current version)" in out
    assert out.rstrip().endswith("0 duplicate(s), 0 new, 1 new version(s), 0 known, 0 rejected")
