"""A corpus remembers how it was built: config.toml, the per-file --encoding, the cache's key."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from dedupe.config import DedupeConfig
from dedupe.errors import CorpusError
from dedupe.store import Corpus
from dedupe.store.settings import Settings, parse
from tests.conftest import DATA, ROOT, SEEDS, seed_path
from tests.outputs import expect, expect_case

DONGYING = DATA / "东营市制定地方性法规条例(2016-03-30).md"
LINYI = DATA / "临沂市制定地方性法规条例(2016-03-30).md"  # Jaccard 0.713 with DONGYING


def cli(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def run(*args: str) -> tuple[int, str, str]:
    result = cli(*args)
    return result.exit_code, result.stdout, result.stderr


ONE_NEW = (
    "1 new original(s): 1 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
    "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/\n"
)


def rows(root: Path) -> list[dict[str, str]]:
    with (root / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def cache_key(root: Path) -> str:
    with sqlite3.connect(root / ".cache" / "index.sqlite") as db:
        return db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0]


def test_the_first_ingest_records_the_settings_and_later_commands_use_them(tmp_path):
    root = tmp_path / "corpus"
    expect(cli("ingest", DONGYING, "--corpus", root, "--threshold", "0.7"), code=0, stdout=ONE_NEW)
    recorded = tomllib.loads((root / "config.toml").read_text(encoding="utf-8"))
    assert recorded["dedupe"]["near_threshold"] == 0.7 and recorded["dedupe"]["candidate_threshold"] == 0.4
    assert recorded["dedupe"]["ngram"] == 5 and recorded["normalize"]["html"] == "detect"
    key = cache_key(root)
    expect_case(
        cli("explain", LINYI, DONGYING, "--corpus", root), "explain_two_cities_rules_at_a_corpus_s_threshold"
    )  # judged as check would: at 0.7
    expect(cli("ingest", LINYI, "--corpus", root), code=0, stdout=ONE_NEW)  # no --threshold: the corpus's 0.7
    expect_case(cli("report", "--corpus", root), "report_two_cities_rules_vetoed_at_0_7")
    assert cache_key(root) == key  # report kept the cache: it opened it with the corpus's settings
    veto = [line for line in (root / "decisions.jsonl").read_text(encoding="utf-8").splitlines() if '"veto"' in line]
    assert len(veto) == 1 and "≥ 0.7 on 5-gram" in veto[0]


def test_an_option_that_would_change_the_settings_is_refused_with_the_way_to_change_them(corpus):
    before = (corpus / "manifest.csv").read_bytes()
    other = (
        "Error: the corpus <tmp>/corpus was built with other settings than asked for: candidate_threshold 0.3 "
        "(recorded: 0.4), near_threshold 0.3 (recorded: 0.8); every command on it uses its config.toml: leave the "
        "option out, or change the corpus on purpose with: policy-dedup rekey --corpus <tmp>/corpus --threshold 0.3\n"
    )
    expect(cli("ingest", DONGYING, "--corpus", corpus, "--threshold", "0.3"), code=2, stderr=other)
    assert (corpus / "manifest.csv").read_bytes() == before
    expect(cli("check", DONGYING, "--corpus", corpus, "--threshold", "0.3"), code=2, stderr=other)
    new = f"new       <root>/tests/data/{DONGYING.name}\n0 duplicate(s), 1 new, 0 known, 0 rejected\n"
    expect(cli("check", DONGYING, "--corpus", corpus, "--threshold", "0.8"), code=0, stdout=new)  # the recorded value


def test_rekey_changes_the_settings_on_purpose_and_makes_the_cache_anew(corpus):
    key = cache_key(corpus)
    rekeyed = (
        "candidate_threshold: 0.4 → 0.3\n"
        "near_threshold: 0.8 → 0.3\n"
        "<tmp>/corpus/config.toml written, cache made anew (2 setting(s) changed)\n"
    )
    expect(cli("rekey", "--corpus", corpus, "--threshold", "0.3"), code=0, stdout=rekeyed)
    assert "near_threshold = 0.3" in (corpus / "config.toml").read_text(encoding="utf-8")
    assert cache_key(corpus) != key
    expect(cli("ingest", DONGYING, "--corpus", corpus, "--threshold", "0.3"), code=0, stdout=ONE_NEW)
    expect(cli("verify", "--corpus", corpus), code=0, stdout="6 original(s) checked, 0 problem(s)\n")


def test_the_cache_key_holds_everything_the_cache_derives_from():
    default, low = DedupeConfig(), DedupeConfig(near_threshold=0.3)
    assert low.candidate_threshold == 0.3 and default.candidate_threshold == 0.4  # decided in one place
    assert low.signature_fingerprint() != default.signature_fingerprint()  # the LSH bands differ
    no_web = Settings(normalize=Settings().normalize._replace(strip_web=False))
    assert no_web.key() != Settings().key()  # the cached clean texts differ


def test_a_per_file_encoding_is_recorded_and_used_by_verify_and_rebuilds(tmp_path):
    root, named = tmp_path / "corpus", tmp_path / "n.txt"
    # GB18030 bytes that also decode as EUC-JIS-2004 (into other CJK characters): the person's word holds
    named.write_bytes(seed_path("001").read_text(encoding="utf-8").encode("gb18030"))
    expect(cli("ingest", named, "--corpus", root, "--encoding", "euc_jis_2004"), code=0, stdout=ONE_NEW)
    (row,) = rows(root)
    assert row["given_encoding"] == "euc_jis_2004" and row["encoding"] != "gb18030"
    expect(cli("verify", "--corpus", root), code=0, stdout="1 original(s) checked, 0 problem(s)\n")
    shutil.rmtree(root / ".cache")
    docs, _ = Corpus(root).contents()  # the rebuild decodes it as it was ingested
    (doc,) = docs.values()
    assert doc.text + "\n" == (root / "canonical" / f"{row['cluster']}.txt").read_text(encoding="utf-8")
    known = "known     <tmp>/n.txt = <tmp>/corpus/raw/n.txt\n0 duplicate(s), 0 new, 1 known, 0 rejected\n"
    expect(cli("check", named, "--corpus", root), code=0, stdout=known)


def test_a_corpus_made_before_config_toml_reads_as_the_defaults(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", root, ignore=shutil.ignore_patterns(".cache", ".lock"))
    assert not (root / "config.toml").exists()
    expect_case(cli("check", root / "raw", "--corpus", root), "check_a_corpus_made_before_config_toml")
    assert not (root / "config.toml").exists()  # check writes nothing
    other = (
        "Error: the corpus <tmp>/corpus was built with other settings than asked for: near_threshold 0.5 "
        "(recorded: 0.8); every command on it uses its config.toml: leave the option out, or change the corpus on "
        "purpose with: policy-dedup rekey --corpus <tmp>/corpus --threshold 0.5\n"
    )
    expect(cli("ingest", DONGYING, "--corpus", root, "--threshold", "0.5"), code=2, stderr=other)
    expect(cli("ingest", DONGYING, "--corpus", root), code=0, stdout=ONE_NEW)
    assert tomllib.loads((root / "config.toml").read_text(encoding="utf-8"))["dedupe"]["near_threshold"] == 0.8


def test_a_damaged_config_toml_is_a_corpus_problem(corpus):
    (corpus / "config.toml").write_text("[dedupe]\nnear_threshold = 'high'\n", encoding="utf-8")
    damaged = (
        "Error: <tmp>/corpus/config.toml: dedupe.near_threshold is 'high', not a number: restore it from "
        "version control (git checkout -- config.toml) or delete it to use the defaults\n"
    )
    expect(cli("check", SEEDS, "--corpus", corpus), code=3, stderr=damaged)


def test_a_damaged_config_toml_names_the_setting_and_what_it_holds(corpus):
    (corpus / "config.toml").write_text("[dedupe]\nnear_threshold = 'high'\n", encoding="utf-8")
    err = cli("check", SEEDS, "--corpus", corpus).stderr
    assert "near_threshold" in err and "'high'" in err  # the wording is not known: what was found is


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ("[dedupe]\nngram = 5.5\n", "dedupe.ngram is 5.5, not a whole number"),
        ("[dedupe]\nveto = 1\n", "dedupe.veto is 1, not true or false"),
        ("[dedupe]\nnear_threshold = true\n", "dedupe.near_threshold is true, not a number"),
        ("[normalize]\nhtml = 'yes'\n", "normalize.html is 'yes', not true, false or \"detect\""),
    ],
)
def test_a_config_toml_setting_of_the_wrong_kind_is_named_with_its_kind(toml, said):
    with pytest.raises(CorpusError) as found:
        parse(toml, "config.toml")
    assert str(found.value).startswith(f"config.toml: {said}: restore it")


def test_a_config_toml_number_may_be_whole():
    assert parse("[dedupe]\nnear_threshold = 1\n", "config.toml").dedupe.near_threshold == 1


def test_rekey_writes_anew_the_canonical_texts_an_earlier_normalization_wrote(corpus):
    """A corpus made by an earlier version keeps the clean texts that version wrote; verify says so
    and names rekey, which writes them anew from the originals."""
    texts = sorted((corpus / "canonical").glob("*.txt"))
    old = texts[0].read_text(encoding="utf-8")
    texts[0].write_text(old.replace("\n", "\n\n", 3), encoding="utf-8")  # as an older normalization laid it out
    stale = (
        "problem: canonical/0cc68ca891d2d9b7.txt is not the clean text of raw/001_b941cff894a1117e.txt, its "
        "cluster's canonical: if this version's normalization reads it differently, policy-dedup rekey writes the "
        "text anew; if the manifest was edited, record the choice with policy-dedup canonical "
        "raw/001_b941cff894a1117e.txt --reason …\n"
    )
    expect(cli("verify", "--corpus", str(corpus)), code=3, stdout="5 original(s) checked, 1 problem(s)\n", stderr=stale)
    written = (
        "<tmp>/corpus/config.toml written, cache made anew (0 setting(s) changed)\n"
        "1 canonical text(s) written anew: this version's normalization reads them differently\n"
    )
    expect(cli("rekey", "--corpus", str(corpus)), code=0, stdout=written)
    assert texts[0].read_text(encoding="utf-8") == old
    expect(cli("verify", "--corpus", str(corpus)), code=0, stdout="5 original(s) checked, 0 problem(s)\n")
