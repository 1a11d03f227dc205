"""A person corrects the tool: merge, split, canonical, withdraw; history and export. Each
correction is logged with who, when and why, and obeyed by later ingests and by a cache rebuild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dedupe.store.corrections import FORMS
from tests.conftest import DATA, SEED_NAMES, SEEDS, SEEDS_INGESTED
from tests.outputs import expect, expect_case
from tests.test_store import DISTINCT, cli, log_lines, manifest_rows, rescraped_000, run

WEIHAI_A, WEIHAI_B = f"raw/{SEED_NAMES['002']}", f"raw/{SEED_NAMES['003']}"
JINING_A, JINING_B = f"raw/{SEED_NAMES['000']}", f"raw/{SEED_NAMES['004']}"


ONE_NEW = (
    "1 new original(s): 1 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
    "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/\n"
)
ONE_DUPLICATE = (
    "1 new original(s): 0 new notice(s), 1 duplicate(s) of notices already there; 0 canonical change(s); "
    "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/\n"
)
TWO_NEW = (
    "2 new original(s): 2 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
    "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/\n"
)
WEIHAI_SPLIT = (
    f"split-by-hand: {WEIHAI_A} ~ {WEIHAI_B}\n"
    f"  cluster 9c9f4ab87094f442: 1 notice, canonical {WEIHAI_A}\n"
    f"  cluster 20291197cd429fda: 1 notice, canonical {WEIHAI_B}\n"
)


def checked(originals: int) -> str:
    return f"{originals} original(s) checked, 0 problem(s)\n"


def rows(root: Path) -> dict[str, dict[str, str]]:
    return {r["path"]: r for r in manifest_rows(root)}


def same_cluster(root: Path, a: str, b: str) -> bool:
    found = rows(root)
    return found[a]["cluster"] == found[b]["cluster"]


def test_split_keeps_two_copies_apart_now_and_in_later_ingests(corpus, tmp_path):
    assert same_cluster(corpus, WEIHAI_A, WEIHAI_B)
    expect(
        cli("split", WEIHAI_A, WEIHAI_B, "--reason", "two versions", "--by", "ana", "--corpus", str(corpus)),
        code=0,
        stdout=WEIHAI_SPLIT,
    )
    assert not same_cluster(corpus, WEIHAI_A, WEIHAI_B)
    assert len(list((corpus / "canonical").glob("*.txt"))) == 5
    entry = next(e for e in log_lines(corpus) if e["decision"] == "split-by-hand")
    assert entry["by"] == "ana" and entry["reason"] == "two versions" and entry["time"]
    # a third copy that matches both cannot join them through itself
    third = tmp_path / "third.txt"
    third.write_bytes((SEEDS / SEED_NAMES["002"]).read_bytes() + "\n附件：无".encode())
    expect(cli("ingest", str(third), "--corpus", str(corpus)), code=0, stdout=ONE_DUPLICATE)
    assert not same_cluster(corpus, WEIHAI_A, WEIHAI_B)
    # and a rebuilt cache remembers
    shutil.rmtree(corpus / ".cache")
    expect(
        cli("check", str(DISTINCT), "--corpus", str(corpus)),
        code=0,
        stdout=f"new       <root>/tests/data/{DISTINCT.name}\n0 duplicate(s), 1 new, 0 known, 0 rejected\n",
    )
    assert not same_cluster(corpus, WEIHAI_A, WEIHAI_B)
    expect(cli("verify", "--corpus", str(corpus)), code=0, stdout=checked(6))


def test_merge_joins_notices_the_tool_kept_apart(corpus):
    assert not same_cluster(corpus, JINING_A, JINING_B)
    expect(
        cli("merge", JINING_A, JINING_B, "--reason", "same programme", "--corpus", str(corpus)),
        code=0,
        stdout=(
            f"merge-by-hand: {JINING_A} ~ {JINING_B}\n  cluster 690a526cad68fb7c: 2 notices, canonical {JINING_B}\n"
        ),
    )
    assert same_cluster(corpus, JINING_A, JINING_B)
    member = next(
        r for r in rows(corpus).values() if r["path"] in (JINING_A, JINING_B) and r["is_canonical"] == "false"
    )
    assert member["relation"] == "confirmed"
    shutil.rmtree(corpus / ".cache")
    expect(cli("ingest", str(DISTINCT), "--corpus", str(corpus)), code=0, stdout=ONE_NEW)
    assert same_cluster(corpus, JINING_A, JINING_B)
    expect(cli("verify", "--corpus", str(corpus)), code=0, stdout=checked(6))


def test_canonical_chosen_by_hand_holds_against_a_better_newcomer(corpus, tmp_path):
    before = rows(corpus)
    assert before[WEIHAI_A]["is_canonical"] == "true"
    expect(
        cli("canonical", WEIHAI_B, "--reason", "the web page is the official one", "--corpus", str(corpus)),
        code=0,
        stdout=(f"canonical-by-hand: {WEIHAI_B}\n  cluster 9c9f4ab87094f442: 2 notices, canonical {WEIHAI_B}\n"),
    )
    after = rows(corpus)
    assert after[WEIHAI_B]["is_canonical"] == "true" and after[WEIHAI_A]["is_canonical"] == "false"
    cid = after[WEIHAI_B]["cluster"]
    text = (corpus / "canonical" / f"{cid}.txt").read_text(encoding="utf-8")
    assert text == run("normalize", str(corpus / WEIHAI_B))[1]  # the normalize output: the text written
    richer = tmp_path / "richer.txt"
    richer.write_bytes((SEEDS / SEED_NAMES["002"]).read_bytes() + "\n（此件公开发布）\n附件：实施细则".encode())
    expect(cli("ingest", str(richer), "--corpus", str(corpus)), code=0, stdout=ONE_DUPLICATE)
    assert rows(corpus)[WEIHAI_B]["is_canonical"] == "true"
    shutil.rmtree(corpus / ".cache")
    expect(cli("ingest", str(rescraped_000(tmp_path)), "--corpus", str(corpus)), code=0, stdout=ONE_DUPLICATE)
    assert rows(corpus)[WEIHAI_B]["is_canonical"] == "true"


def test_withdraw_keeps_the_original_and_takes_the_notice_out(corpus, tmp_path):
    expect(
        cli("withdraw", SEED_NAMES["002"], "--reason", "scraped from a test site", "--corpus", str(corpus)),
        code=0,
        stdout=(f"withdraw: {WEIHAI_A}\n  cluster 20291197cd429fda: 1 notice, canonical {WEIHAI_B}\n"),
    )
    after = rows(corpus)
    assert (corpus / WEIHAI_A).exists()
    assert after[WEIHAI_A]["status"] == "withdrawn" and after[WEIHAI_A]["is_canonical"] == "false"
    assert after[WEIHAI_B]["is_canonical"] == "true"  # the cluster elected its other member
    assert after[WEIHAI_B]["cluster"] == after[WEIHAI_B]["id"]
    assert not (corpus / "canonical" / f"{after[WEIHAI_A]['id']}.txt").exists()
    expect(cli("verify", "--corpus", str(corpus)), code=0, stdout=checked(5))
    # the withdrawn notice is no longer a match: its copy is known by its bytes, another rendering is new
    expect_case(
        cli("check", str(corpus / WEIHAI_A), "--corpus", str(corpus)), "check_the_original_of_a_withdrawn_notice"
    )
    expect_case(cli("report", "--corpus", str(corpus)), "report_after_a_withdrawal")


def test_history_tells_what_happened_to_a_notice(corpus):
    expect(
        cli("split", WEIHAI_A, WEIHAI_B, "--reason", "two versions", "--by", "ana", "--corpus", str(corpus)),
        code=0,
        stdout=WEIHAI_SPLIT,
    )
    expect_case(cli("history", WEIHAI_B, "--corpus", str(corpus)), "history_after_a_split")
    expect(
        cli("history", "nothing-like-this", "--corpus", str(corpus)),
        code=2,
        stderr=(
            "Error: the corpus holds no notice 'nothing-like-this': give its id, or its path as the manifest lists it\n"
        ),
    )
    done = cli("history", WEIHAI_B, "--corpus", str(corpus), "--json")
    expect_case(done, "history_after_a_split_json")
    assert "split-by-hand" in [e["decision"] for e in json.loads(done.stdout)["decisions"]]


def test_history_does_not_call_a_split_a_duplicate_joining(corpus):
    cli("split", WEIHAI_A, WEIHAI_B, "--reason", "two versions", "--by", "ana", "--corpus", str(corpus))
    assert "duplicate joined" not in cli("history", WEIHAI_B, "--corpus", str(corpus)).stdout


def test_export_writes_the_canonical_set_with_titles(corpus, tmp_path):
    expect(
        cli("export", "--to", str(tmp_path / "out"), "--corpus", str(corpus)),
        code=0,
        stdout="wrote 4 canonical notice(s) and index.csv to <tmp>/out\n",
    )
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 5 and "index.csv" in names
    assert any("威海" in n or "新市民乐业" in n for n in names)
    index = (tmp_path / "out" / "index.csv").read_text(encoding="utf-8").splitlines()
    assert index[0].startswith("cluster,id,title,doc_number,issuer,date,members,")
    assert any(",2," in line for line in index[1:])  # the Weihai cluster has two members
    done = cli("export", "--corpus", str(corpus), "--format", "json")
    expect_case(done, "export_seeds_json")
    assert len(json.loads(done.stdout)) == 4


def test_corrections_refuse_unknown_or_ambiguous_notices(corpus):
    expect(
        cli("merge", WEIHAI_A, "nope.txt", "--reason", "x", "--corpus", str(corpus)),
        code=2,
        stderr=("Error: the corpus holds no notice 'nope.txt': give its id, or its path as the manifest lists it\n"),
    )
    expect(
        cli("split", WEIHAI_A, WEIHAI_A, "--reason", "x", "--corpus", str(corpus)),
        code=2,
        stderr=f"Error: {WEIHAI_A} and {WEIHAI_A} are the same notice\n",
    )
    expect(
        cli("merge", WEIHAI_A, WEIHAI_B, "--corpus", str(corpus)),
        code=2,
        stderr=(
            "Usage: policy-dedup merge [OPTIONS] A B\nTry 'policy-dedup merge --help' for help.\n\n"
            "Error: Missing option '--reason'.\n"
        ),
    )


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.kind)
def test_each_correction_command_is_its_form_and_needs_a_reason_when_it_says_so(corpus, form):
    """The correction commands are made from the store's table of forms: each takes what its form
    names, and one whose form requires a reason refuses to run without it and logs nothing."""
    given = {"A": WEIHAI_A, "B": JINING_A, "NOTICE": WEIHAI_A, "PATH": str(corpus / WEIHAI_A)}
    before = log_lines(corpus)
    done = cli(form.kind, *(given[n] for n in form.takes), "--by", "ana", "--corpus", str(corpus))
    expect_case(done, f"correction_form_{form.kind}")
    if form.why_required:
        assert log_lines(corpus) == before


def test_a_correction_in_the_data_folder_form_series(tmp_path):
    """Two other cities' copies of one template: split by hand, they stay apart through a rebuild."""
    root = tmp_path / "corpus"
    files = [DATA / "东营市制定地方性法规条例(2016-03-30).md", DATA / "临沂市制定地方性法规条例(2016-03-30).md"]
    expect(cli("ingest", *map(str, files), "--corpus", str(root)), code=0, stdout=TWO_NEW)
    paths = sorted(rows(root))
    expect(
        cli("merge", *paths, "--reason", "test", "--corpus", str(root)),
        code=0,
        stdout=(
            f"merge-by-hand: {paths[0]} ~ {paths[1]}\n  cluster b0c24506d64227f7: 2 notices, canonical {paths[0]}\n"
        ),
    )
    assert same_cluster(root, *paths)
    expect(
        cli("split", *paths, "--reason", "two cities after all", "--corpus", str(root)),
        code=0,
        stdout=(
            f"split-by-hand: {paths[0]} ~ {paths[1]}\n"
            f"  cluster b0c24506d64227f7: 1 notice, canonical {paths[0]}\n"
            f"  cluster 017fdc3dfaab6cc9: 1 notice, canonical {paths[1]}\n"
        ),
    )
    assert not same_cluster(root, *paths)
    shutil.rmtree(root / ".cache")
    expect(cli("ingest", str(SEEDS), "--corpus", str(root)), code=0, stdout=SEEDS_INGESTED)
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
    expect_case(cli("verify", "--corpus", str(corpus)), "verify_a_canonical_chosen_by_editing_the_manifest")


def test_verify_reads_an_original_as_ingest_did(tmp_path):
    """A .html file whose markup is too thin to tell is read as a page by ingest; verify must read
    it the same way, or it calls its canonical text stale."""
    root = tmp_path / "corpus"
    page = tmp_path / "thin.html"
    page.write_text("关于印发工作方案的通知 &nbsp; 各单位：请认真贯彻执行。", encoding="utf-8")
    expect(cli("ingest", str(page), "--corpus", str(root)), code=0, stdout=ONE_NEW)
    expect(cli("verify", "--corpus", str(root)), code=0, stdout=checked(1))


def test_every_decision_is_a_typed_record_with_its_version_and_old_logs_still_read(corpus, tmp_path):
    from dedupe import decisions
    from dedupe.store import log
    from tests.conftest import ROOT

    expect(
        cli("split", WEIHAI_A, WEIHAI_B, "--reason", "two versions", "--corpus", str(corpus)),
        code=0,
        stdout=WEIHAI_SPLIT,
    )
    expect(
        cli("canonical", JINING_B, "--reason", "the published one", "--corpus", str(corpus)),
        code=0,
        stdout=(f"canonical-by-hand: {JINING_B}\n  cluster 994621e6851f4ef5: 1 notice, canonical {JINING_B}\n"),
    )
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
    expect(cli("split", WEIHAI_A, WEIHAI_B, "--reason", reason, "--corpus", str(corpus)), code=0, stdout=WEIHAI_SPLIT)
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
    expect(
        cli("check", str(DISTINCT), "--corpus", str(corpus)),
        code=3,
        stderr=(
            f"Error: <tmp>/corpus/decisions.jsonl line {lines}: unknown decision 'mrege': restore the file from version "
            "control (git checkout -- decisions.jsonl), or use the policy-dedup that wrote it\n"
        ),
    )
