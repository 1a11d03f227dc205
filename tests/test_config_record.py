"""A corpus remembers how it was built: config.toml, the per-file --encoding, the cache's key."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import tomllib
from pathlib import Path

from click.testing import CliRunner

from cli import main
from dedupe.config import DedupeConfig
from dedupe.store import Corpus
from dedupe.store.settings import Settings
from tests.conftest import DATA, ROOT, SEEDS, seed_path

DONGYING = DATA / "东营市制定地方性法规条例(2016-03-30).md"
LINYI = DATA / "临沂市制定地方性法规条例(2016-03-30).md"  # Jaccard 0.713 with DONGYING


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def rows(root: Path) -> list[dict[str, str]]:
    with (root / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def cache_key(root: Path) -> str:
    with sqlite3.connect(root / ".cache" / "index.sqlite") as db:
        return db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0]


def test_the_first_ingest_records_the_settings_and_later_commands_use_them(tmp_path):
    root = tmp_path / "corpus"
    assert run("ingest", DONGYING, "--corpus", root, "--threshold", "0.7")[0] == 0
    recorded = tomllib.loads((root / "config.toml").read_text(encoding="utf-8"))
    assert recorded["dedupe"]["near_threshold"] == 0.7 and recorded["dedupe"]["candidate_threshold"] == 0.4
    assert recorded["dedupe"]["ngram"] == 5 and recorded["normalize"]["html"] == "detect"
    key = cache_key(root)
    code, out, _ = run("explain", LINYI, DONGYING, "--corpus", root)  # judged as check would: at 0.7
    assert code == 0 and "Jaccard 0.713 ≥ 0.7 on 5-gram shingles, but vetoed" in out
    assert run("ingest", LINYI, "--corpus", root)[0] == 0  # no --threshold: the corpus's 0.7
    assert run("report", "--corpus", root)[0] == 0
    assert cache_key(root) == key  # report kept the cache: it opened it with the corpus's settings
    veto = [line for line in (root / "decisions.jsonl").read_text(encoding="utf-8").splitlines() if '"veto"' in line]
    assert len(veto) == 1 and "≥ 0.7 on 5-gram" in veto[0]


def test_an_option_that_would_change_the_settings_is_refused_with_the_way_to_change_them(corpus):
    before = (corpus / "manifest.csv").read_bytes()
    code, _, err = run("ingest", DONGYING, "--corpus", corpus, "--threshold", "0.3")
    assert code == 2
    assert "near_threshold 0.3 (recorded: 0.8)" in err
    assert f"policy-dedup rekey --corpus {corpus} --threshold 0.3" in err
    assert (corpus / "manifest.csv").read_bytes() == before
    assert run("check", DONGYING, "--corpus", corpus, "--threshold", "0.3")[0] == 2
    assert run("check", DONGYING, "--corpus", corpus, "--threshold", "0.8")[0] == 0  # the recorded value: fine


def test_rekey_changes_the_settings_on_purpose_and_makes_the_cache_anew(corpus):
    key = cache_key(corpus)
    code, out, _ = run("rekey", "--corpus", corpus, "--threshold", "0.3")
    assert code == 0 and "near_threshold: 0.8 → 0.3" in out and "candidate_threshold: 0.4 → 0.3" in out
    assert "near_threshold = 0.3" in (corpus / "config.toml").read_text(encoding="utf-8")
    assert cache_key(corpus) != key
    assert run("ingest", DONGYING, "--corpus", corpus, "--threshold", "0.3")[0] == 0
    assert run("verify", "--corpus", corpus)[0] == 0


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
    assert run("ingest", named, "--corpus", root, "--encoding", "euc_jis_2004")[0] == 0
    (row,) = rows(root)
    assert row["given_encoding"] == "euc_jis_2004" and row["encoding"] != "gb18030"
    code, out, err = run("verify", "--corpus", root)
    assert code == 0, err
    shutil.rmtree(root / ".cache")
    docs, _ = Corpus(root).contents()  # the rebuild decodes it as it was ingested
    (doc,) = docs.values()
    assert doc.text + "\n" == (root / "canonical" / f"{row['cluster']}.txt").read_text(encoding="utf-8")
    code, out, _ = run("check", named, "--corpus", root)
    assert code == 0 and "known" in out


def test_a_corpus_made_before_config_toml_reads_as_the_defaults(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", root, ignore=shutil.ignore_patterns(".cache", ".lock"))
    assert not (root / "config.toml").exists()
    assert run("check", root / "raw", "--corpus", root)[0] == 0
    assert not (root / "config.toml").exists()  # check writes nothing
    assert run("ingest", DONGYING, "--corpus", root, "--threshold", "0.5")[0] == 2
    assert run("ingest", DONGYING, "--corpus", root)[0] == 0
    assert tomllib.loads((root / "config.toml").read_text(encoding="utf-8"))["dedupe"]["near_threshold"] == 0.8


def test_a_damaged_config_toml_is_a_corpus_problem(corpus):
    (corpus / "config.toml").write_text("[dedupe]\nnear_threshold = 'high'\n", encoding="utf-8")
    code, _, err = run("check", SEEDS, "--corpus", corpus)
    assert code == 3 and "config.toml" in err


def test_rekey_writes_anew_the_canonical_texts_an_earlier_normalization_wrote(corpus):
    """A corpus made by an earlier version keeps the clean texts that version wrote; verify says so
    and names rekey, which writes them anew from the originals."""
    texts = sorted((corpus / "canonical").glob("*.txt"))
    old = texts[0].read_text(encoding="utf-8")
    texts[0].write_text(old.replace("\n", "\n\n", 3), encoding="utf-8")  # as an older normalization laid it out
    code, out, err = run("verify", "--corpus", str(corpus))
    assert code == 3 and "policy-dedup rekey writes the text anew" in out + err
    code, out, _ = run("rekey", "--corpus", str(corpus))
    assert code == 0 and "1 canonical text(s) written anew" in out
    assert texts[0].read_text(encoding="utf-8") == old
    assert run("verify", "--corpus", str(corpus))[0] == 0
