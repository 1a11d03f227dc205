"""A person corrects the tool: merge, split, canonical, withdraw; history and export. Each
correction is logged with who, when and why, and obeyed by later ingests and by a cache rebuild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dedupe.store.corrections import FORMS
from tests.conftest import DATA, SEED_NAMES, SEEDS
from tests.test_store import DISTINCT, log_lines, manifest_rows, rescraped_000, run

WEIHAI_A, WEIHAI_B = f"raw/{SEED_NAMES['002']}", f"raw/{SEED_NAMES['003']}"
JINING_A, JINING_B = f"raw/{SEED_NAMES['000']}", f"raw/{SEED_NAMES['004']}"


def rows(root: Path) -> dict[str, dict[str, str]]:
    return {r["path"]: r for r in manifest_rows(root)}


def same_cluster(root: Path, a: str, b: str) -> bool:
    found = rows(root)
    return found[a]["cluster"] == found[b]["cluster"]


def test_split_keeps_two_copies_apart_now_and_in_later_ingests(corpus, tmp_path):
    assert same_cluster(corpus, WEIHAI_A, WEIHAI_B)
    code, out, err = run(
        "split", WEIHAI_A, WEIHAI_B, "--reason", "two versions", "--by", "ana", "--corpus", str(corpus)
    )
    assert code == 0, err
    assert "split-by-hand" in out
    assert not same_cluster(corpus, WEIHAI_A, WEIHAI_B)
    assert len(list((corpus / "canonical").glob("*.txt"))) == 5
    entry = next(e for e in log_lines(corpus) if e["decision"] == "split-by-hand")
    assert entry["by"] == "ana" and entry["reason"] == "two versions" and entry["time"]
    # a third copy that matches both cannot join them through itself
    third = tmp_path / "third.txt"
    third.write_bytes((SEEDS / SEED_NAMES["002"]).read_bytes() + "\n附件：无".encode())
    assert run("ingest", str(third), "--corpus", str(corpus))[0] == 0
    assert not same_cluster(corpus, WEIHAI_A, WEIHAI_B)
    # and a rebuilt cache remembers
    shutil.rmtree(corpus / ".cache")
    assert run("check", str(DISTINCT), "--corpus", str(corpus))[0] == 0
    assert not same_cluster(corpus, WEIHAI_A, WEIHAI_B)
    assert run("verify", "--corpus", str(corpus))[0] == 0


def test_merge_joins_notices_the_tool_kept_apart(corpus):
    assert not same_cluster(corpus, JINING_A, JINING_B)
    code, _, err = run("merge", JINING_A, JINING_B, "--reason", "same programme", "--corpus", str(corpus))
    assert code == 0, err
    assert same_cluster(corpus, JINING_A, JINING_B)
    member = next(
        r for r in rows(corpus).values() if r["path"] in (JINING_A, JINING_B) and r["is_canonical"] == "false"
    )
    assert member["relation"] == "confirmed"
    shutil.rmtree(corpus / ".cache")
    assert run("ingest", str(DISTINCT), "--corpus", str(corpus))[0] == 0
    assert same_cluster(corpus, JINING_A, JINING_B)
    assert run("verify", "--corpus", str(corpus))[0] == 0


def test_canonical_chosen_by_hand_holds_against_a_better_newcomer(corpus, tmp_path):
    before = rows(corpus)
    assert before[WEIHAI_A]["is_canonical"] == "true"
    code, _, err = run("canonical", WEIHAI_B, "--reason", "the web page is the official one", "--corpus", str(corpus))
    assert code == 0, err
    after = rows(corpus)
    assert after[WEIHAI_B]["is_canonical"] == "true" and after[WEIHAI_A]["is_canonical"] == "false"
    cid = after[WEIHAI_B]["cluster"]
    text = (corpus / "canonical" / f"{cid}.txt").read_text(encoding="utf-8")
    assert text == run("normalize", str(corpus / WEIHAI_B))[1]
    richer = tmp_path / "richer.txt"
    richer.write_bytes((SEEDS / SEED_NAMES["002"]).read_bytes() + "\n（此件公开发布）\n附件：实施细则".encode())
    assert run("ingest", str(richer), "--corpus", str(corpus))[0] == 0
    assert rows(corpus)[WEIHAI_B]["is_canonical"] == "true"
    shutil.rmtree(corpus / ".cache")
    assert run("ingest", str(rescraped_000(tmp_path)), "--corpus", str(corpus))[0] == 0
    assert rows(corpus)[WEIHAI_B]["is_canonical"] == "true"


def test_withdraw_keeps_the_original_and_takes_the_notice_out(corpus, tmp_path):
    code, _, err = run("withdraw", SEED_NAMES["002"], "--reason", "scraped from a test site", "--corpus", str(corpus))
    assert code == 0, err
    after = rows(corpus)
    assert (corpus / WEIHAI_A).exists()
    assert after[WEIHAI_A]["status"] == "withdrawn" and after[WEIHAI_A]["is_canonical"] == "false"
    assert after[WEIHAI_B]["is_canonical"] == "true"  # the cluster elected its other member
    assert after[WEIHAI_B]["cluster"] == after[WEIHAI_B]["id"]
    assert not (corpus / "canonical" / f"{after[WEIHAI_A]['id']}.txt").exists()
    assert run("verify", "--corpus", str(corpus))[0] == 0
    # the withdrawn notice is no longer a match: its copy is known by its bytes, another rendering is new
    code, out, _ = run("check", str(corpus / WEIHAI_A), "--corpus", str(corpus))
    assert code == 0 and "known" in out
    code, out, _ = run("report", "--corpus", str(corpus))
    assert code == 0 and "5 originals, 4 clusters, 0 duplicates" in out
    assert f"withdrawn (originals kept in raw/):\n  {WEIHAI_A}" in out


def test_history_tells_what_happened_to_a_notice(corpus):
    run("split", WEIHAI_A, WEIHAI_B, "--reason", "two versions", "--by", "ana", "--corpus", str(corpus))
    code, out, _ = run("history", WEIHAI_B, "--corpus", str(corpus))
    assert code == 0
    assert out.startswith(f"{WEIHAI_B}  (id ")
    assert "merge: " in out and "split-by-hand by ana" in out and "(two versions)" in out
    code, out, _ = run("history", "nothing-like-this", "--corpus", str(corpus))
    assert code == 2
    code, out, _ = run("history", WEIHAI_B, "--corpus", str(corpus), "--json")
    assert "split-by-hand" in [e["decision"] for e in json.loads(out)["decisions"]]


def test_export_writes_the_canonical_set_with_titles(corpus, tmp_path):
    code, _, err = run("export", "--to", str(tmp_path / "out"), "--corpus", str(corpus))
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 5 and "index.csv" in names
    assert any("威海" in n or "新市民乐业" in n for n in names)
    index = (tmp_path / "out" / "index.csv").read_text(encoding="utf-8").splitlines()
    assert index[0].startswith("cluster,id,title,doc_number,issuer,date,members,")
    assert any(",2," in line for line in index[1:])  # the Weihai cluster has two members
    code, out, _ = run("export", "--corpus", str(corpus), "--format", "json")
    assert code == 0 and len(json.loads(out)) == 4


def test_corrections_refuse_unknown_or_ambiguous_notices(corpus):
    code, _, err = run("merge", WEIHAI_A, "nope.txt", "--reason", "x", "--corpus", str(corpus))
    assert code == 2 and "holds no notice 'nope.txt'" in err
    code, _, err = run("split", WEIHAI_A, WEIHAI_A, "--reason", "x", "--corpus", str(corpus))
    assert code == 2 and "the same notice" in err
    code, _, err = run("merge", WEIHAI_A, WEIHAI_B, "--corpus", str(corpus))
    assert code == 2 and "--reason" in err


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.kind)
def test_each_correction_command_is_its_form_and_needs_a_reason_when_it_says_so(corpus, form):
    """The correction commands are made from the store's table of forms: each takes what its form
    names, and one whose form requires a reason refuses to run without it and logs nothing."""
    given = {"A": WEIHAI_A, "B": JINING_A, "NOTICE": WEIHAI_A, "PATH": str(corpus / WEIHAI_A)}
    before = log_lines(corpus)
    code, out, err = run(form.kind, *(given[n] for n in form.takes), "--by", "ana", "--corpus", str(corpus))
    if form.why_required:
        assert code == 2 and "Missing option '--reason'" in err
        assert log_lines(corpus) == before
    else:
        assert code == 0, err
        assert out.startswith(f"{form.kind}-by-hand: {WEIHAI_A} ~ {JINING_A}\n")


def test_a_correction_in_the_data_folder_form_series(tmp_path):
    """Two other cities' copies of one template: split by hand, they stay apart through a rebuild."""
    root = tmp_path / "corpus"
    files = [DATA / "东营市制定地方性法规条例(2016-03-30).md", DATA / "临沂市制定地方性法规条例(2016-03-30).md"]
    assert run("ingest", *map(str, files), "--corpus", str(root))[0] == 0
    paths = sorted(rows(root))
    assert run("merge", *paths, "--reason", "test", "--corpus", str(root))[0] == 0
    assert same_cluster(root, *paths)
    assert run("split", *paths, "--reason", "two cities after all", "--corpus", str(root))[0] == 0
    assert not same_cluster(root, *paths)
    shutil.rmtree(root / ".cache")
    assert run("ingest", str(SEEDS), "--corpus", str(root))[0] == 0
    assert not same_cluster(root, *paths)


def test_a_canonical_chosen_by_editing_the_manifest_is_caught_by_verify(corpus):
    text = (corpus / "manifest.csv").read_text(encoding="utf-8")
    rows_ = text.splitlines()
    swapped = [
        r.replace(",true,canonical,", ",@,").replace(",false,near,", ",true,canonical,").replace(",@,", ",false,near,")
        if SEED_NAMES["002"] in r or SEED_NAMES["003"] in r
        else r
        for r in rows_
    ]
    (corpus / "manifest.csv").write_text("\n".join(swapped) + "\n", encoding="utf-8")
    code, _, err = run("verify", "--corpus", str(corpus))
    assert code == 3 and f"is not the clean text of {WEIHAI_B}" in err and "policy-dedup canonical" in err


def test_verify_reads_an_original_as_ingest_did(tmp_path):
    """A .html file whose markup is too thin to tell is read as a page by ingest; verify must read
    it the same way, or it calls its canonical text stale."""
    root = tmp_path / "corpus"
    page = tmp_path / "thin.html"
    page.write_text("关于印发工作方案的通知 &nbsp; 各单位：请认真贯彻执行。", encoding="utf-8")
    assert run("ingest", str(page), "--corpus", str(root))[0] == 0
    code, _, err = run("verify", "--corpus", str(root))
    assert code == 0, err


def test_every_decision_is_a_typed_record_with_its_version_and_old_logs_still_read(corpus, tmp_path):
    from dedupe import decisions
    from dedupe.store import log
    from tests.conftest import ROOT

    run("split", WEIHAI_A, WEIHAI_B, "--reason", "two versions", "--corpus", str(corpus))
    run("canonical", JINING_B, "--reason", "the published one", "--corpus", str(corpus))
    lines = log_lines(corpus)
    assert {e["v"] for e in lines} == {decisions.VERSION}
    for entry in lines:  # one module encodes and decodes: each line reads back as it was written
        assert decisions.encode(decisions.decode(entry)) == entry
    split = next(d for d in log.decisions(corpus / "decisions.jsonl") if isinstance(d, decisions.SplitByHand))
    assert (split.a, split.b, split.reason) == (WEIHAI_A, WEIHAI_B, "two versions")
    bundled = list(log.decisions(ROOT / "corpus" / "decisions.jsonl"))  # written before records were typed
    assert {type(d) for d in bundled} >= {decisions.Canonical, decisions.Merge, decisions.Related, decisions.NewNotice}
    merge = next(d for d in bundled if isinstance(d, decisions.Merge))
    assert merge.relation == "near" and merge.veto is None and merge.jaccard > 0.99


def test_a_split_by_hand_is_a_field_of_the_pair_not_a_prefix_of_its_veto(corpus):
    """The cache and the engine know a person's split by its relation, whatever the reason says."""
    from dedupe.store import Corpus
    from dedupe.store.view import logged_pairs

    reason = "vetoed: looks like a template"  # prose that once read as an automatic veto
    assert run("split", WEIHAI_A, WEIHAI_B, "--reason", reason, "--corpus", str(corpus))[0] == 0
    pairs, _ = logged_pairs(corpus, Corpus(corpus).read_manifest())
    (split,) = [p for p in pairs if p["relation"] == "split"]
    assert split["veto"] == f"split by hand: {reason}"
    with Corpus(corpus).session() as (view, _):
        (link,) = view.links([split["a"], split["b"]])
    assert link.by_hand and not link.merges


def test_a_log_line_of_an_unknown_kind_is_a_corpus_problem_naming_the_line(corpus):
    with (corpus / "decisions.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"decision": "mrege", "a": WEIHAI_A, "b": JINING_A}) + "\n")
    lines = len(log_lines(corpus))
    code, _, err = run("check", str(DISTINCT), "--corpus", str(corpus))
    assert code == 3 and f"decisions.jsonl line {lines}: unknown decision 'mrege'" in err
