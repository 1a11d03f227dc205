"""The corpus store and the commands around it: ingest, check, report, verify."""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main
from dedupe.store import Corpus
from tests.conftest import DATA, ROOT, SEED_NAMES, SEEDS, SEEDS_INGESTED, seed_path
from tests.outputs import expect, expect_case, joined

DISTINCT = DATA / "东营市制定地方性法规条例(2016-03-30).md"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="policy-dedup")  # a usage error names the command typed


def run(*args: str) -> tuple[int, str, str]:
    result = cli(*args)
    return result.exit_code, result.stdout, result.stderr


def landed(summary: str) -> str:
    """An ingest's summary line: what landed, what was already there, what was refused."""
    return summary + "\n"


ONE_NEW = landed(
    "1 new original(s): 1 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
    "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/"
)
NOT_INGESTED = "Error: 1 file(s) could not be ingested (see the reasons above)\n"
RESCRAPED_000 = (
    "<tmp>/rescraped_000.txt duplicates <tmp>/corpus/raw/000_9ddad98e37283a11.txt (exact, similarity 1.000): "
    "identical comparison keys (same text up to layout and punctuation)\n"
)
RELATED_TO_004 = (
    "related   <tmp>/rescraped_000.txt ~ <tmp>/corpus/raw/004_ba1a64cbc4ee3ba7.txt (related): shares 269 characters "
    "in verbatim passages of ≥ 40, Jaccard 0.076, containment 0.183: below the duplicate thresholds\n"
)


def not_a_corpus(folder: str) -> str:
    return (
        f"Error: {folder} is not a corpus (no manifest.csv there): give the corpus folder with --corpus, "
        f"or create one with: policy-dedup ingest FILES --corpus {folder}\n"
    )


def rescraped_000(folder: Path) -> Path:
    """Seed 000 as another scraper would store it: page numbers, spaced digits, GB18030."""
    lines = seed_path("000").read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i and i % 12 == 0:
            out += ["", f"- {i // 12} -", ""]
    text = re.sub(r"(\d+)(?=[年月日万个])", r"\1 ", "\n".join(out))
    path = folder / "rescraped_000.txt"
    path.write_bytes(text.encode("gb18030"))
    return path


def manifest_rows(root: Path) -> list[dict[str, str]]:
    with (root / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def log_lines(root: Path) -> list[dict]:
    return [json.loads(x) for x in (root / "decisions.jsonl").read_text(encoding="utf-8").splitlines()]


def test_ingest_seeds(corpus):
    rows = manifest_rows(corpus)
    assert len(rows) == 5
    assert sorted(p.name for p in (corpus / "raw").iterdir()) == sorted(SEED_NAMES.values())
    for row in rows:
        assert (corpus / row["path"]).read_bytes() == (SEEDS / Path(row["path"]).name).read_bytes()
        assert row["source"] == str(SEEDS / Path(row["path"]).name) and row["status"] == "active"
    assert len(list((corpus / "canonical").glob("*.txt"))) == 4
    weihai = [r for r in rows if r["doc_number"] == "威人社字〔2023〕13号"]
    assert len({r["cluster"] for r in weihai}) == 1
    canonical = next(r for r in weihai if r["is_canonical"] == "true")
    assert canonical["path"] == f"raw/{SEED_NAMES['002']}"
    other = next(r for r in weihai if r["is_canonical"] == "false")
    assert other["relation"] == "near" and float(other["similarity"]) > 0.97


def test_ingest_again_is_byte_identical(corpus):
    before = {p: (corpus / p).read_bytes() for p in ("manifest.csv", "decisions.jsonl")}
    again = landed(
        "0 new original(s): 0 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "5 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/"
    )
    expect(cli("ingest", str(SEEDS), "--corpus", str(corpus)), code=0, stdout=again)
    for name, data in before.items():
        assert (corpus / name).read_bytes() == data


def test_check_flags_a_rescraped_seed_then_ingest_records_it(corpus, tmp_path):
    pr = rescraped_000(tmp_path)
    summary = "1 duplicate(s), 0 new, 0 known, 0 rejected\n"
    found = cli("check", str(pr), "--corpus", str(corpus))
    expect(found, code=1, stdout="DUPLICATE " + RESCRAPED_000 + RELATED_TO_004 + summary)
    found = cli("check", str(pr), "--corpus", str(corpus), "--format", "github")
    annotation = "::error file=<tmp>/rescraped_000.txt,title=duplicate notice::" + RESCRAPED_000
    expect(found, code=1, stdout=annotation + summary)
    found = cli("check", str(pr), "--corpus", str(corpus), "--json")
    expect_case(found, "check_rescraped_seed_json")
    (dup,) = json.loads(found.stdout)["duplicates"]
    assert dup["duplicates"].endswith(SEED_NAMES["000"]) and dup["relation"] in {"exact", "near"}

    one_duplicate = landed(
        "1 new original(s): 0 new notice(s), 1 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 0 rejected; 0 renamed in raw/"
    )
    expect(cli("ingest", str(pr), "--corpus", str(corpus), "--batch", "pr-7"), code=0, stdout=one_duplicate)
    rows = {Path(r["path"]).name: r for r in manifest_rows(corpus)}
    assert rows["rescraped_000.txt"]["cluster"] == rows[SEED_NAMES["000"]]["cluster"]
    assert rows["rescraped_000.txt"]["encoding"] == "gb18030"
    assert rows["rescraped_000.txt"]["batch"] == "pr-7" and rows["rescraped_000.txt"]["source"] == str(pr)
    assert len(list((corpus / "canonical").glob("*.txt"))) == 4
    merge = next(d for d in log_lines(corpus) if d["decision"] == "merge" and d["b"] == "raw/rescraped_000.txt")
    assert merge["a"] == f"raw/{SEED_NAMES['000']}" and merge["reason"] and merge["batch"] == "pr-7"
    # once recorded, the same file is known
    known = "known     <tmp>/rescraped_000.txt = <tmp>/corpus/raw/rescraped_000.txt\n"
    expect(
        cli("check", str(pr), "--corpus", str(corpus)),
        code=0,
        stdout=known + "0 duplicate(s), 0 new, 1 known, 0 rejected\n",
    )


def _files(root: Path) -> list[tuple[Path, int]]:
    return sorted((p, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts)


def test_check_changes_nothing_and_passes_a_distinct_notice(corpus):
    before = _files(corpus)
    new = f"new       <root>/tests/data/{DISTINCT.name}\n0 duplicate(s), 1 new, 0 known, 0 rejected\n"
    expect(cli("check", str(DISTINCT), "--corpus", str(corpus)), code=0, stdout=new)
    assert _files(corpus) == before


def test_check_flags_duplicates_among_additions_once(corpus, tmp_path):
    a = tmp_path / "a.md"
    b = tmp_path / "b.txt"
    a.write_bytes(DISTINCT.read_bytes())
    b.write_bytes(DISTINCT.read_text(encoding="utf-8").replace("，", ",").encode("utf-16"))
    once = (
        "DUPLICATE <tmp>/b.txt duplicates <tmp>/a.md (exact, similarity 1.000): identical comparison keys "
        "(same text up to layout and punctuation)\n"
        "new       <tmp>/a.md\n"
        "1 duplicate(s), 1 new, 0 known, 0 rejected\n"
    )
    expect(cli("check", str(a), str(b), "--corpus", str(corpus)), code=1, stdout=once)


def test_check_refuses_a_folder_that_is_not_a_corpus(corpus, tmp_path):
    pr = rescraped_000(tmp_path)
    for wrong, name in ((corpus / "raw", "<tmp>/corpus/raw"), (tmp_path / "nothing", "<tmp>/nothing")):
        expect(cli("check", str(pr), "--corpus", str(wrong)), code=3, stderr=not_a_corpus(name))


def test_a_first_ingest_that_refuses_every_file_leaves_a_usable_empty_corpus(tmp_path):
    big = tmp_path / "in" / "big.txt"
    big.parent.mkdir()
    big.write_bytes(DISTINCT.read_bytes())
    empty = tmp_path / "corpus"
    refused = cli("ingest", str(big.parent), "--corpus", str(empty), "--max-bytes", "100")
    none = landed(
        "0 new original(s): 0 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 1 rejected; 0 renamed in raw/"
    )
    expect(refused, code=2, stdout=none, stderr=f"rejected <tmp>/in/big.txt: {TOO_BIG}\n" + NOT_INGESTED)
    # a header-only manifest: each command reads it
    expect(cli("report", "--corpus", str(empty)), code=0, stdout=EMPTY_REPORT)
    expect(cli("verify", "--corpus", str(empty)), code=0, stdout="0 original(s) checked, 0 problem(s)\n")
    new = "new       <tmp>/in/big.txt\n0 duplicate(s), 1 new, 0 known, 0 rejected\n"
    expect(cli("check", str(big.parent), "--corpus", str(empty)), code=0, stdout=new)
    expect(cli("ingest", str(big.parent), "--corpus", str(empty)), code=0, stdout=ONE_NEW)
    assert [r["path"] for r in manifest_rows(empty)] == ["raw/big.txt"]


TOO_BIG = "is 22,099 bytes, over the limit of 100 (raise it with --max-bytes)"
EMPTY_REPORT = (
    "corpus <tmp>/corpus: 0 originals, 0 clusters, 0 duplicates in 0 multi-member clusters\n"
    "\n"
    "rejected files:\n"
    f"  <tmp>/in/big.txt: {TOO_BIG}\n"
)


def test_the_report_of_an_empty_corpus_has_no_empty_section(tmp_path):
    big = tmp_path / "in" / "big.txt"
    big.parent.mkdir()
    big.write_bytes(DISTINCT.read_bytes())
    cli("ingest", str(big.parent), "--corpus", str(tmp_path / "corpus"), "--max-bytes", "100")
    expect(cli("report", "--corpus", str(tmp_path / "corpus")), code=0, stdout=EMPTY_REPORT)


def test_binary_file_is_rejected_and_report_still_works(corpus, tmp_path):
    blob = tmp_path / "scan.txt"
    blob.write_bytes(random.Random(4096).randbytes(4096))  # noise, as a scan's bytes are: the same on every run
    # the rest of the batch lands; what could not be read is named, with the option for an unusual encoding
    lands = landed(
        "1 new original(s): 1 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 1 rejected; 0 renamed in raw/"
    )
    rejected = (
        "rejected <tmp>/scan.txt: is binary data of a format not read here (506 control bytes in its first 4,096, "
        "and no encoding decodes it), not a notice: if it is text in an unusual encoding, name that encoding with "
        "--encoding\n"
    )
    ingested = cli("ingest", str(blob), str(DISTINCT), "--corpus", str(corpus))
    expect(ingested, code=2, stdout=lands, stderr=rejected + NOT_INGESTED)
    paths = [r["path"] for r in manifest_rows(corpus)]
    assert "raw/scan.txt" not in paths and len(paths) == 6
    assert not (corpus / "raw" / "scan.txt").exists()
    report = cli("report", "--corpus", str(corpus), "--format", "json")
    expect_case(report, "report_seeds_and_a_rejected_file_json")
    assert [r["path"] for r in json.loads(report.stdout)["rejected"]] == [str(blob)]


def test_report_formats(corpus):
    expect_case(cli("report", "--corpus", str(corpus)), "report_seeds")
    table = cli("report", "--corpus", str(corpus), "--format", "csv")
    expect_case(table, "report_seeds_csv")
    header = table.stdout.splitlines()[0].split(",")
    assert "repeated-passage" in header and "truncated" in header
    report = cli("report", "--corpus", str(corpus), "--json")
    expect_case(report, "report_seeds_json")
    data = json.loads(report.stdout)
    assert data["summary"]["clusters"] == 4
    seed001 = next(m for c in data["clusters"] for m in c["members"] if m["path"].endswith(SEED_NAMES["001"]))
    assert "repeated-passage" in seed001["flags"]


def test_report_on_a_missing_corpus_says_what_to_do(tmp_path):
    # the command that makes a corpus named
    expect(cli("report", "--corpus", str(tmp_path / "nothing")), code=3, stderr=not_a_corpus("<tmp>/nothing"))


def test_two_files_of_one_name_from_two_folders_both_land(corpus, tmp_path):
    for name, text in (
        ("a", DISTINCT.read_text(encoding="utf-8")),
        ("b", "关于开展专项检查的通知\n各单位：请于月底前报送材料。"),
    ):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(f"<html><body><p>{text}</p></body></html>", encoding="utf-8")
    both = landed(
        "2 new original(s): 2 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "0 already in the corpus; 0 identical to another file given; 0 rejected; 1 renamed in raw/"
    )
    expect(cli("ingest", str(tmp_path / "a"), str(tmp_path / "b"), "--corpus", str(corpus)), code=0, stdout=both)
    rows = {r["source"]: r["path"] for r in manifest_rows(corpus)}
    assert rows[str(tmp_path / "a" / "index.html")] == "raw/index.html"
    assert re.fullmatch(r"raw/index_[0-9a-f]{8}\.html", rows[str(tmp_path / "b" / "index.html")])


def _pairs(root: Path) -> set[tuple[str, str, str, str | None]]:
    _, pairs = Corpus(root).contents()
    return {(p["a"], p["b"], p["relation"], p["veto"]) for p in pairs}


def test_a_lost_cache_is_rebuilt_with_the_pairs_the_log_records(corpus):
    recorded = _pairs(corpus)
    assert any(r == "near" for _, _, r, _ in recorded) and any(r == "related" for _, _, r, _ in recorded)
    shutil.rmtree(corpus / ".cache")
    docs, _ = Corpus(corpus).contents()
    assert len(docs) == 5
    assert _pairs(corpus) == recorded


def test_a_damaged_cache_is_rebuilt(corpus):
    recorded = _pairs(corpus)
    (corpus / ".cache" / "index.sqlite").write_bytes(b"not a database" * 100)
    for extra in ("-wal", "-shm"):
        (corpus / ".cache" / f"index.sqlite{extra}").unlink(missing_ok=True)
    assert _pairs(corpus) == recorded


def test_a_rebuild_passes_over_log_lines_of_notices_not_listed_and_a_cut_last_line(corpus):
    recorded = _pairs(corpus)
    with (corpus / "decisions.jsonl").open("a", encoding="utf-8") as log:
        other = {"decision": "related", "a": f"raw/{SEED_NAMES['000']}", "b": "raw/never-landed.txt"}
        log.write(json.dumps(other, ensure_ascii=False) + "\n")
        log.write('{"decision": "merge", "a": "raw/')  # cut short by a crash
    shutil.rmtree(corpus / ".cache")
    assert _pairs(corpus) == recorded
    expect_case(cli("report", "--corpus", str(corpus)), "report_seeds")


def test_the_repository_corpus_is_consistent():
    """corpus/ is this repository's own corpus: every original is recorded, and the seeds the tests
    use are its originals."""
    expect_case(cli("check", str(ROOT / "corpus" / "raw"), "--corpus", str(ROOT / "corpus")), "check_repository_corpus")
    for seed in SEEDS.iterdir():
        assert (ROOT / "corpus" / "raw" / seed.name).read_bytes() == seed.read_bytes()


# real pages and rules, named so that what each ingest prints is known: two renderings of one page,
# two cities' copies of one rule, two versions of Beijing's
ONE_AT_A_TIME = [
    "06_城乡居民医保集中参保缴费通告.html",
    "07_异地就医备案_穗好办.html",
    "09_生育津贴直接发放个人_2025.html",
    "b3_生育津贴直接发放个人.md",
    "东营市制定地方性法规条例(2016-03-30).md",
    "临沂市制定地方性法规条例(2016-03-30).md",
    "北京市制定地方性法规条例(2017-01-20).md",
    "北京市制定地方性法规条例(2023-07-28).md",
]


def test_one_notice_at_a_time_gives_the_clusters_of_one_batch(tmp_path):
    """An ingest re-clusters only the notices linked to its additions; the clusters it leaves
    are those of ingesting everything at once (duplicates, vetoes, related notices)."""
    files = [*sorted(SEEDS.iterdir()), rescraped_000(tmp_path), *(DATA / name for name in ONE_AT_A_TIME)]
    weihai = seed_path("002").read_text(encoding="utf-8").split("\n")
    related = tmp_path / "related.txt"
    related.write_text("\n".join(weihai[: len(weihai) // 2]) + "\n" + DISTINCT.read_text(encoding="utf-8"))
    files.append(related)

    def partition(root: Path) -> set[frozenset[str]]:
        groups: dict[str, set[str]] = {}
        for r in manifest_rows(root):
            groups.setdefault(r["cluster"], set()).add(r["sha256"])
        return {frozenset(g) for g in groups.values()}

    batch = landed(
        "15 new original(s): 12 new notice(s), 0 duplicate(s) of notices already there, 3 duplicate(s) of another "
        "file given; 0 canonical change(s); 0 already in the corpus; 0 identical to another file given; 0 rejected; "
        "0 renamed in raw/"
    )
    expect(cli("ingest", *map(str, files), "--corpus", str(tmp_path / "batch")), code=0, stdout=batch)
    singles = [cli("ingest", str(f), "--corpus", str(tmp_path / "single")) for f in files]
    expect_case(joined(singles, [f.name for f in files]), "ingest_one_notice_at_a_time")
    together = partition(tmp_path / "batch")
    assert partition(tmp_path / "single") == together
    assert sum(len(g) > 1 for g in together) >= 2  # Weihai's two copies, seed 000 and its rescrape
    decisions = {d["decision"] for d in log_lines(tmp_path / "single")}
    assert {"veto", "related", "merge"} <= decisions


def test_a_notice_merely_related_to_a_cluster_leaves_it_as_recorded(corpus, tmp_path):
    before = {r["id"]: (r["cluster"], r["relation"], r["is_canonical"]) for r in manifest_rows(corpus)}
    weihai = seed_path("002").read_text(encoding="utf-8").split("\n")
    related = tmp_path / "related.txt"
    related.write_text("\n".join(weihai[: len(weihai) // 2]) + "\n" + DISTINCT.read_text(encoding="utf-8"))
    expect(cli("ingest", str(related), "--corpus", str(corpus)), code=0, stdout=ONE_NEW)
    new_id = next(r["id"] for r in manifest_rows(corpus) if r["path"].endswith("related.txt"))
    mine = [p for p in _pairs(corpus) if new_id in p[:2]]
    assert {p[2] for p in mine} == {"related"}
    after = {r["id"]: (r["cluster"], r["relation"], r["is_canonical"]) for r in manifest_rows(corpus)}
    assert {k: after[k] for k in before} == before


def _ingest_process(corpus: Path, *paths: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "ingest", *map(str, paths), "--corpus", str(corpus), "--jobs", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def _many_notices(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    text = DISTINCT.read_text(encoding="utf-8")
    out = []
    for i in range(count):
        path = folder / f"n{i:03d}.md"
        path.write_text(text.replace("东营", f"第{i}号城"), encoding="utf-8")
        out.append(path)
    return out


def test_two_ingests_at_once_both_land(corpus, tmp_path):
    first = _many_notices(tmp_path / "first", 8)
    second = [tmp_path / "second.md"]
    second[0].write_text(DISTINCT.read_text(encoding="utf-8").replace("东营", "另一"), encoding="utf-8")
    procs = [_ingest_process(corpus, *first), _ingest_process(corpus, *second)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    rows = manifest_rows(corpus)
    assert len(rows) == 5 + 8 + 1
    assert len({r["seq"] for r in rows}) == len(rows)
    assert all((corpus / r["path"]).exists() for r in rows)


def test_a_lock_left_by_a_killed_process_is_not_held(corpus, tmp_path):
    """flock locks go with their process: a kill -9 leaves nothing that keeps the next one out."""
    files = _many_notices(tmp_path / "batch", 30)
    proc = _ingest_process(corpus, *files)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".journal") for p in corpus.iterdir()) and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(manifest_rows(corpus)) in (5, 35)  # the manifest is the commit point: before or after
    code, _out, err = run("ingest", *map(str, files), "--corpus", str(corpus))
    assert code == 0, err
    assert len(manifest_rows(corpus)) == 35
    assert {p.name for p in (corpus / "raw").iterdir()} == {Path(r["path"]).name for r in manifest_rows(corpus)}
    assert run("verify", "--corpus", str(corpus))[0] == 0


def test_dedupe_and_ingest_into_an_empty_corpus_agree(tmp_path):
    """One engine: the clusters and canonicals of ``dedupe`` are those of ``ingest`` into an empty
    corpus, on the seeds and real files (revisions, other cities' copies, reposted pages)."""
    paths = [str(SEEDS), str(DATA)]  # with Word and PDF files, and an empty extraction both refuse
    code, out, err = run("dedupe", *paths, "--json", "--jobs", "1")
    assert code == 2 and "empty_extraction.txt" in err, err
    data = json.loads(out)
    dedupe_clusters = {frozenset(c["members"]): c["canonical"] for c in data["clusters"]}
    root = tmp_path / "corpus"
    code, _, err = run("ingest", *paths, "--corpus", str(root), "--jobs", "1")
    assert code == 2 and "empty_extraction.txt" in err, err
    groups: dict[str, set[str]] = {}
    canonical: dict[str, str] = {}
    for r in manifest_rows(root):
        groups.setdefault(r["cluster"], set()).add(r["source"])
        if r["is_canonical"] == "true":
            canonical[r["cluster"]] = r["source"]
    ingest_clusters = {frozenset(g): canonical[c] for c, g in groups.items()}
    assert sum(len(g) > 1 for g in ingest_clusters) >= 2  # Weihai's two copies, a page and its Markdown
    assert ingest_clusters == dedupe_clusters
    log = log_lines(root)
    assert any(d["decision"] == "veto" for d in log)  # the revisions are kept apart, by the same rule


def test_a_file_that_changes_while_it_is_ingested_is_refused_by_name(tmp_path, monkeypatch):
    """A scraper still writing a file: the bytes copied into raw/ must be those read and judged."""
    from dedupe.store import corpus as corpus_module

    growing = tmp_path / "growing.txt"
    growing.write_bytes(seed_path("000").read_bytes())
    plan = corpus_module.Corpus.plan

    def plan_then_write(self, view, batch):  # the scraper appends after the workers read the file
        out = plan(self, view, batch)
        with growing.open("ab") as handle:
            handle.write("\n附件：名单\n".encode())
        return out

    monkeypatch.setattr(corpus_module.Corpus, "plan", plan_then_write)
    root = tmp_path / "corpus"
    changed = (
        "Error: <tmp>/growing.txt changed while it was being ingested (its bytes are no longer those read and "
        "compared): nothing was ingested; run the ingest again once the file is complete\n"
    )
    expect(cli("ingest", str(growing), str(seed_path("001")), "--corpus", str(root)), code=2, stderr=changed)
    assert not (root / "manifest.csv").exists() and not any((root / "raw").iterdir())
    monkeypatch.undo()
    expect(cli("ingest", str(growing), "--corpus", str(root)), code=0, stdout=ONE_NEW)
    expect(cli("verify", "--corpus", str(root)), code=0, stdout="1 original(s) checked, 0 problem(s)\n")


def folder_state(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the corpus but its derived cache: (modification time, bytes)."""
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() and ".cache" not in p.parts}  # fmt: skip


def test_ingesting_the_same_folders_again_writes_nothing_not_even_their_refusals(tmp_path):
    folder = tmp_path / "scrape"
    shutil.copytree(SEEDS, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "copy_of_000.txt").write_bytes(seed_path("000").read_bytes())
    (folder / "sub").mkdir()
    (folder / "sub" / "twin.txt").write_bytes(DISTINCT.read_bytes())
    (folder / "twin.txt").write_bytes(DISTINCT.read_bytes())
    root = tmp_path / "corpus"
    first = landed(
        "6 new original(s): 5 new notice(s), 0 duplicate(s) of notices already there, 1 duplicate(s) of another "
        "file given; 0 canonical change(s); 0 already in the corpus; 2 identical to another file given; 1 rejected; "
        "0 renamed in raw/"
    )
    empty = "rejected <tmp>/scrape/empty.txt: is empty (or holds only whitespace): there is no notice to read\n"
    expect(cli("ingest", str(folder), "--corpus", str(root)), code=2, stdout=first, stderr=empty + NOT_INGESTED)
    before = folder_state(root)
    assert '"decision": "reject"' in before["decisions.jsonl"][1].decode()
    # its 6 originals, and the copy of seed 000 and the second twin, the same bytes as two of them
    nothing_new = landed(
        "0 new original(s): 0 new notice(s), 0 duplicate(s) of notices already there; 0 canonical change(s); "
        "8 already in the corpus; 0 identical to another file given; 1 rejected; 0 renamed in raw/"
    )
    for _ in range(2):
        again = cli("ingest", str(folder), "--corpus", str(root))
        expect(again, code=2, stdout=nothing_new, stderr=empty + NOT_INGESTED)
        assert folder_state(root) == before  # the log gains no reject or same-bytes line, nothing is touched
    (folder / "empty.txt").write_bytes(b"404 Page not found")  # refused again, for another reason: that is logged
    error_page = (
        "rejected <tmp>/scrape/empty.txt: holds no Chinese text (15 other characters): not a notice (an error page?)\n"
    )
    expect(
        cli("ingest", str(folder), "--corpus", str(root)), code=2, stdout=nothing_new, stderr=error_page + NOT_INGESTED
    )
    assert len(log_lines(root)) == len(before["decisions.jsonl"][1].splitlines()) + 1


def test_the_first_ingest_writes_a_gitignore_for_the_derived_files(corpus):
    ignored = (corpus / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {".cache/", ".lock", ".journal.json", ".manifest.csv.*"} <= set(ignored)
    subprocess.run(["git", "init", "-q", str(corpus)], check=True)
    subprocess.run(["git", "-C", str(corpus), "add", "-A"], check=True)
    tracked = subprocess.run(["git", "-C", str(corpus), "ls-files"], capture_output=True, text=True).stdout.split()
    assert "manifest.csv" in tracked and "config.toml" in tracked and ".gitignore" in tracked
    assert not [t for t in tracked if t.startswith(".cache") or t in (".lock", "state.json.tmp")]


def test_check_works_on_a_corpus_this_user_can_only_read(tmp_path):
    """A shared archive or a read-only mount: check reads it (its cache copied into memory) and
    writes nothing, not even a lock file; ingest is refused with a clear exit 3."""
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="archive-"))  # outside pytest's private folder: another user reads it
    try:
        root = shared / "corpus"
        expect(cli("ingest", str(SEEDS), "--corpus", str(root)), code=0, stdout=SEEDS_INGESTED)
        (root / ".lock").unlink()
        pr = rescraped_000(shared)
        for path in [shared, *shared.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)  # readable by all, writable by its owner only
        before = folder_state(root)
        as_reader = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        if not as_reader:
            for path in [root, *root.rglob("*")]:
                path.chmod(0o555 if path.is_dir() else 0o444)

        def command(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*as_reader, sys.executable, "-m", "cli", *args, "--corpus", str(root)],
                                  capture_output=True, text=True, cwd=ROOT, timeout=120)  # fmt: skip

        # no Permission denied: the cache is read into memory, and that is said
        in_memory = (
            "note: the cache <tmp>/corpus/.cache/index.sqlite cannot be written (<tmp>/corpus/.cache cannot be "
            "written): this command works on a copy of it in memory\n"
        )
        found = "DUPLICATE " + RESCRAPED_000 + RELATED_TO_004 + "1 duplicate(s), 0 new, 0 known, 0 rejected\n"
        expect(command("check", str(pr)), code=1, stdout=found, stderr=in_memory, paths={"<tmp>": shared})
        expect_case(command("report"), "report_seeds", paths={"<tmp>": shared})  # the seeds' report, as above
        refused = (
            "Error: cannot write to the corpus at <tmp>/corpus: this user may only read it (nothing was changed); "
            "run the command as a user who can write it\n"
        )
        expect(command("ingest", str(pr)), code=3, stderr=in_memory + refused, paths={"<tmp>": shared})
        assert folder_state(root) == before and not (root / ".lock").exists()
    finally:
        for path in [shared, *shared.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(shared)


def test_every_reader_opens_the_corpus_one_way_under_its_lock(corpus, tmp_path):
    """report, history, export and the CI check's report wait for a command that holds the corpus
    (an ingest landing) instead of reading a manifest it is replacing."""
    from filelock import FileLock

    from dedupe.errors import CorpusError
    from dedupe.reports import render
    from dedupe.store.export import export, history
    from dedupe.store.findings import find

    plan = Corpus(corpus).check([str(rescraped_000(tmp_path))])
    readers = {
        "report": lambda c: render(c, "json"),
        "history": lambda c: history(c, SEED_NAMES["000"]),
        "export": lambda c: export(c, None, "csv"),
        "check": lambda c: find(c, plan, [str(rescraped_000(tmp_path))]),
    }
    with FileLock(corpus / ".lock"):  # another command holds the corpus
        for name, read in readers.items():
            with pytest.raises(CorpusError, match="in use by another command"):
                read(Corpus(corpus, lock_timeout=0.2))
            print(name, "waited")
    for read in readers.values():
        assert read(Corpus(corpus))
