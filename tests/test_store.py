"""The corpus store and the commands around it: ingest, check, report."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cli import main
from dedupe.store import Corpus
from tests.conftest import DATA, ROOT, SEED_NAMES, SEEDS, seed_path

DISTINCT = DATA / "东营市制定地方性法规条例(2016-03-30).md"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


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


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    code, _out, err = run("ingest", str(SEEDS), "--corpus", str(root), "--jobs", "1")
    assert code == 0, err
    return root


def manifest_rows(root: Path) -> list[dict[str, str]]:
    import csv

    with (root / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_ingest_seeds(corpus):
    rows = manifest_rows(corpus)
    assert len(rows) == 5
    assert sorted(p.name for p in (corpus / "raw").iterdir()) == sorted(SEED_NAMES.values())
    for row in rows:
        assert (corpus / row["path"]).read_bytes() == (SEEDS / Path(row["path"]).name).read_bytes()
    assert len(list((corpus / "canonical").glob("*.txt"))) == 4
    weihai = [r for r in rows if r["doc_number"] == "威人社字〔2023〕13号"]
    assert len({r["cluster"] for r in weihai}) == 1
    canonical = next(r for r in weihai if r["is_canonical"] == "true")
    assert canonical["path"] == f"raw/{SEED_NAMES['002']}"
    other = next(r for r in weihai if r["is_canonical"] == "false")
    assert other["relation"] == "near" and float(other["similarity"]) > 0.97


def test_ingest_again_is_byte_identical(corpus):
    before = {p: (corpus / p).read_bytes() for p in ("manifest.csv", "decisions.jsonl")}
    code, out, _ = run("ingest", str(SEEDS), "--corpus", str(corpus))
    assert code == 0
    assert "5 already in the corpus" in out
    for name, data in before.items():
        assert (corpus / name).read_bytes() == data


def test_check_flags_a_rescraped_seed_then_ingest_records_it(corpus, tmp_path):
    pr = rescraped_000(tmp_path)
    code, out, _ = run("check", str(pr), "--corpus", str(corpus))
    assert code == 1
    assert f"DUPLICATE {pr} duplicates {corpus / 'raw' / SEED_NAMES['000']}" in out
    code, out, _ = run("check", str(pr), "--corpus", str(corpus), "--format", "github")
    assert code == 1 and out.startswith(f"::error file={pr},title=duplicate notice::")
    code, out, _ = run("check", str(pr), "--corpus", str(corpus), "--json")
    (dup,) = json.loads(out)["duplicates"]
    assert dup["duplicates"].endswith(SEED_NAMES["000"]) and dup["relation"] in {"exact", "near"}

    code, out, _ = run("ingest", str(pr), "--corpus", str(corpus))
    assert code == 0
    rows = {Path(r["path"]).name: r for r in manifest_rows(corpus)}
    assert rows["rescraped_000.txt"]["cluster"] == rows[SEED_NAMES["000"]]["cluster"]
    assert rows["rescraped_000.txt"]["encoding"] == "gb18030"
    assert len(list((corpus / "canonical").glob("*.txt"))) == 4
    decisions = [json.loads(line) for line in (corpus / "decisions.jsonl").read_text(encoding="utf-8").splitlines()]
    merge = next(d for d in decisions if d["decision"] == "merge" and d["b"] == "raw/rescraped_000.txt")
    assert merge["a"] == f"raw/{SEED_NAMES['000']}" and merge["reason"]
    # once recorded, the same file is known and passes
    code, out, _ = run("check", str(pr), "--corpus", str(corpus))
    assert code == 0 and "known" in out


def test_check_changes_nothing_and_passes_a_distinct_notice(corpus):
    before = sorted((p, p.stat().st_mtime_ns) for p in corpus.rglob("*") if p.is_file())
    code, out, _ = run("check", str(DISTINCT), "--corpus", str(corpus))
    assert code == 0
    assert f"new       {DISTINCT}" in out
    assert sorted((p, p.stat().st_mtime_ns) for p in corpus.rglob("*") if p.is_file()) == before


def test_check_flags_duplicates_among_additions(corpus, tmp_path):
    a = tmp_path / "a.md"
    b = tmp_path / "b.txt"
    a.write_bytes(DISTINCT.read_bytes())
    b.write_bytes(DISTINCT.read_text(encoding="utf-8").replace("，", ",").encode("utf-16"))
    code, out, _ = run("check", str(a), str(b), "--corpus", str(corpus))
    assert code == 1
    assert f"DUPLICATE {b} duplicates {a}" in out


def test_binary_file_is_rejected_and_report_still_works(corpus, tmp_path):
    blob = tmp_path / "scan.txt"
    blob.write_bytes(os.urandom(4096))
    code, out, err = run("ingest", str(blob), str(DISTINCT), "--corpus", str(corpus))
    assert code == 0
    assert f"rejected {blob}" in err and "--encoding" in err
    assert "1 rejected" in out
    paths = [r["path"] for r in manifest_rows(corpus)]
    assert "raw/scan.txt" not in paths and len(paths) == 6
    assert not (corpus / "raw" / "scan.txt").exists()
    code, out, _ = run("report", "--corpus", str(corpus), "--format", "json")
    assert code == 0
    assert [r["path"] for r in json.loads(out)["rejected"]] == [str(blob)]


def test_report_formats(corpus):
    code, out, _ = run("report", "--corpus", str(corpus))
    assert code == 0
    assert "5 originals, 4 clusters, 1 duplicates" in out
    assert "repeated-passage" in out
    code, out, _ = run("report", "--corpus", str(corpus), "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert "repeated-passage" in header and "truncated" in header
    code, out, _ = run("report", "--corpus", str(corpus), "--format", "json")
    data = json.loads(out)
    assert data["summary"]["clusters"] == 4
    seed001 = next(m for c in data["clusters"] for m in c["members"] if m["path"].endswith(SEED_NAMES["001"]))
    assert "repeated-passage" in seed001["flags"]


def test_report_on_a_missing_corpus_says_what_to_do(tmp_path):
    code, _, err = run("report", "--corpus", str(tmp_path / "nothing"))
    assert code == 3
    assert "policy-dedup ingest" in err


def test_cache_is_rebuilt_when_missing(corpus):
    shutil.rmtree(corpus / ".cache")
    state = Corpus(corpus).load()
    assert len(state.documents) == 5
    assert any(p.relation == "near" for p in state.pairs)


def _pair_set(root: Path) -> set[tuple[str, str, str, str | None]]:
    return {(p.a, p.b, p.relation, p.veto) for p in Corpus(root).load().pairs}


def test_a_rebuilt_cache_has_the_pairs_the_ingests_verified(tmp_path, monkeypatch):
    """Which pairs an ingest verifies depends on what it was ingested with: here a corpus too
    large (a limit of 0) to be searched whole for shared passages, so the second ingest never
    compares 004 with 000, which only share paragraphs. A rebuilt cache takes its pairs from the
    decision log, not from a search of the whole corpus, which would find that pair."""
    monkeypatch.setattr("dedupe.store.PASSAGE_SEARCH_LIMIT", 0)
    root = tmp_path / "c"
    for name in ("000", "004", "002", "003"):
        Corpus(root, jobs=1).ingest([str(seed_path(name))])
    recorded = _pair_set(root)
    ids = {r["path"]: r["id"] for r in manifest_rows(root)}
    weihai = tuple(ids[f"raw/{SEED_NAMES[n]}"] for n in ("002", "003"))
    jining = {ids[f"raw/{SEED_NAMES[n]}"] for n in ("000", "004")}
    assert {(a, b) for a, b, _, _ in recorded} == {weihai}  # the premise: 000 ~ 004 was never verified
    shutil.rmtree(root / ".cache")
    assert _pair_set(root) == recorded
    # without a log, the notices are searched anew, whole: the pair shows up
    shutil.rmtree(root / ".cache")
    (root / "decisions.jsonl").rename(tmp_path / "log")
    assert any({a, b} == jining for a, b, _, _ in _pair_set(root))


def test_a_rebuild_passes_over_log_lines_of_notices_not_listed(corpus):
    recorded = _pair_set(corpus)
    assert recorded
    with (corpus / "decisions.jsonl").open("a", encoding="utf-8") as log:
        other = {"decision": "related", "a": f"raw/{SEED_NAMES['000']}", "b": "raw/never-landed.txt"}
        log.write(json.dumps(other, ensure_ascii=False) + "\n")
        log.write('{"decision": "merge", "a": "raw/')  # cut short by a killed ingest
    shutil.rmtree(corpus / ".cache")
    assert _pair_set(corpus) == recorded


def test_the_repository_corpus_is_consistent():
    """corpus/ is this repository's own corpus: every original is recorded."""
    code, out, err = run("check", str(ROOT / "corpus" / "raw"), "--corpus", str(ROOT / "corpus"))
    assert code == 0, out + err
    assert "0 duplicate(s), 0 new, 5 known" in err + out


def _ingest_process(corpus: Path, *paths: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "ingest", *map(str, paths), "--corpus", str(corpus), "--jobs", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
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


def test_killed_ingest_leaves_a_readable_store_and_the_next_completes(corpus, tmp_path):
    files = _many_notices(tmp_path / "batch", 60)
    proc = _ingest_process(corpus, *files)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith("n0") for p in (corpus / "raw").iterdir()) and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(manifest_rows(corpus)) in (5, 65)  # the manifest is the commit point: before or after
    assert Corpus(corpus).load().manifest.height in (5, 65)
    code, _out, err = run("ingest", *map(str, files), "--corpus", str(corpus))  # the stale lock is taken over
    assert code == 0, err
    assert len(manifest_rows(corpus)) == 65
    assert len({p.name for p in (corpus / "raw").iterdir()}) == 65


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


def _state_summary(root: Path) -> tuple:
    state = Corpus(root).load()
    rows = state.manifest.sort("path").rows()
    return rows, state.ids, state.signatures.tobytes(), sorted((p.a, p.b, p.relation) for p in state.pairs)


def test_manifest_copy_follows_ingests_and_yields_to_edits(corpus, tmp_path, monkeypatch):
    import polars as pl

    copy = corpus / ".cache" / "manifest"
    assert list(copy.glob("base-*.parquet")), "the first ingest leaves a Parquet copy of the manifest"
    before_csv = (corpus / "manifest.csv").read_bytes()
    code, _, err = run("ingest", str(rescraped_000(tmp_path)), str(DISTINCT), "--corpus", str(corpus))
    assert code == 0, err
    assert list(copy.glob("delta-*.parquet")), "an ingest records the rows it changed"
    from_csv = pl.read_csv(corpus / "manifest.csv", schema=Corpus(corpus).read_manifest().schema).sort("path")
    csv_reads: list[object] = []
    read_csv = pl.read_csv
    monkeypatch.setattr(pl, "read_csv", lambda *a, **k: csv_reads.append(a) or read_csv(*a, **k))
    state = Corpus(corpus).load()
    assert not csv_reads  # base + delta, not the CSV
    assert state.manifest.equals(from_csv)
    # a hand edit (or a checkout) of the CSV wins over the copy
    (corpus / "manifest.csv").write_bytes(before_csv)
    state = Corpus(corpus).load()
    assert len(csv_reads) == 1 and state.manifest.height == 5
    assert len(list(copy.glob("*.parquet"))) == 1  # a new base for the edited CSV, the old chain gone
    Corpus(corpus).load()
    assert len(csv_reads) == 1  # and the next read uses it


def test_small_cache_parts_are_merged_without_changing_the_store(corpus, tmp_path, monkeypatch):
    import dedupe.cache as cache

    monkeypatch.setattr(cache, "MAX_PARTS", 3)
    for i, text in enumerate(["第一份不同的通知，内容甲。" * 30, "第二份不同的通知，内容乙。" * 30]):
        path = tmp_path / f"extra{i}.txt"
        path.write_text(text, encoding="utf-8")
        assert run("ingest", str(path), "--corpus", str(corpus))[0] == 0
    parts = corpus / ".cache" / "parts"
    assert len(list(parts.rglob("*.parquet"))) == 3  # seeds, extra0, extra1: not merged yet
    expected = _state_summary(corpus)
    texts = {i: (d.path, d.normalized) for i, d in Corpus(corpus).load().documents.items()}
    code, _, err = run("ingest", str(rescraped_000(tmp_path)), "--corpus", str(corpus))
    assert code == 0, err
    assert len(list(parts.rglob("*.parquet"))) == 1  # four small parts became one
    merged = {i: (d.path, d.normalized) for i, d in Corpus(corpus).load().documents.items()}
    assert len(merged) == len(texts) + 1 and all(merged[i] == texts[i] for i in texts)
    # and nothing of the four left: its rows (ids, seqs, key hashes), texts and where each starts,
    # signatures, band hashes, sorted passages and their rows
    suffixes = sorted(p.name.split(".", 1)[1] for p in parts.rglob("*") if p.is_file())
    assert suffixes == sorted(["parquet", "rows.npy", "texts", "texts.npy", "npy", "bands.npy", "fps.npy", "fpo.npy"])
    after = _state_summary(corpus)
    assert set(expected[1]) < set(after[1]) and len(after[1]) == len(expected[1]) + 1
    shutil.rmtree(corpus / ".cache")  # the merged cache reads as a rebuilt one
    assert _state_summary(corpus)[1:] == after[1:]


def test_cache_rows_the_manifest_does_not_list_are_not_candidates(corpus, tmp_path):
    copy = tmp_path / "copy_of_000.txt"
    copy.write_bytes(seed_path("000").read_bytes() + "\n附件：无".encode())
    state = Corpus(corpus).load()
    assert state.size == 5
    # a part written by an ingest that died before its manifest: present in the cache only
    from dedupe.files import read_document

    orphan = read_document(str(copy), 99)
    Corpus(corpus).cache.append([orphan])
    state = Corpus(corpus).load()
    assert state.size == 5 and orphan.id not in state.ids
    code, out, _ = run("check", str(copy), "--corpus", str(corpus), "--json")
    assert code == 1  # a duplicate of seed 000, not of the orphan row
    assert orphan.id not in out and SEED_NAMES["000"] in out


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.integers(0, 40), max_size=25),
    st.sets(st.integers(0, 40), max_size=8),
)
def test_splicing_rows_into_the_manifest_equals_filter_concat_sort(existing, upserted):
    import polars as pl

    from dedupe.splice import upsert_sorted

    schema = {"id": pl.String, "path": pl.String, "v": pl.Int64}
    frame = pl.DataFrame(
        {"id": [f"i{k}" for k in sorted(existing)], "path": [f"p{k:02d}" for k in sorted(existing)], "v": 0},
        schema=schema,
    )
    rows = pl.DataFrame(
        {"id": [f"i{k}" for k in upserted], "path": [f"p{k:02d}" for k in upserted], "v": [1] * len(upserted)},
        schema=schema,
    )
    expected = pl.concat([frame.filter(~pl.col("id").is_in(rows["id"].implode())), rows]).sort("path")
    assert upsert_sorted(frame, rows).equals(expected)


def test_a_batch_written_in_several_parts_reads_as_one(tmp_path, monkeypatch):
    import dedupe.cache as cache

    one = tmp_path / "one"
    assert run("ingest", str(SEEDS), "--corpus", str(one), "--jobs", "1")[0] == 0
    monkeypatch.setattr(cache, "PART_ROWS", 2)
    several = tmp_path / "several"
    assert run("ingest", str(SEEDS), "--corpus", str(several), "--jobs", "1")[0] == 0
    parts = list((several / ".cache" / "parts").rglob("*.parquet"))
    assert len(parts) == 3  # 5 notices, 2 a part
    a, b = Corpus(one).load(), Corpus(several).load()
    assert a.ids == b.ids and (a.signatures == b.signatures).all()
    assert a.manifest.drop("ingested_at").equals(b.manifest.drop("ingested_at"))


_FIELD = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list('ab,"\n\r 通知、（）\\')), max_size=6))


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.integers(0, 30), st.tuples(_FIELD, st.floats(allow_nan=False), st.booleans()), max_size=20),
    st.dictionaries(st.integers(0, 30), st.tuples(_FIELD, st.floats(allow_nan=False), st.booleans()), max_size=6),
    st.sampled_from(["p{:02d}", 'p"{:02d}', "p,{:02d}", "路径/{:02d}.txt"]),
)
def test_a_spliced_manifest_is_the_whole_write_or_declined(tmp_path_factory, existing, upserted, path_form):
    """Copying the old CSV's bytes around the changed rows writes exactly what writing the whole
    frame would, whatever the fields hold (commas, quotes, line breaks, nulls, floats); when it
    cannot be sure of a row's place it declines."""
    import polars as pl

    from dedupe.splice import splice_csv, upsert_sorted

    folder = tmp_path_factory.mktemp("splice")
    schema = {"id": pl.String, "path": pl.String, "title": pl.String, "similarity": pl.Float64, "ok": pl.Boolean}

    def frame_of(items: dict[int, tuple[str | None, float, bool]]) -> pl.DataFrame:
        keys = sorted(items)
        return pl.DataFrame(
            {
                "id": [f"{k:016x}" for k in keys],
                "path": [path_form.format(k) for k in keys],
                "title": [items[k][0] for k in keys],
                "similarity": [items[k][1] for k in keys],
                "ok": [items[k][2] for k in keys],
            },
            schema=schema,
        ).sort("path")

    frame, rows = frame_of(existing), frame_of(upserted)
    csv, target = folder / "manifest.csv", folder / "new.csv"
    frame.write_csv(csv)
    whole = upsert_sorted(frame, rows).write_csv().encode()
    if splice_csv(csv, frame, rows, target):
        assert target.read_bytes() == whole
    else:  # only when a line break in a field hides where rows start, or nothing to splice into
        broken = any("\n" in (t or "") or "\r" in (t or "") for t, _, _ in [*existing.values(), *upserted.values()])
        assert broken or not frame.height or not rows.height


def test_a_splice_declines_a_manifest_that_is_not_the_frame(tmp_path):
    import polars as pl

    from dedupe.splice import splice_csv

    frame = pl.DataFrame({"id": [f"{k:016x}" for k in range(50)], "path": [f"p{k:03d}" for k in range(50)]})
    rows = pl.DataFrame({"id": ["ffffffffffffffff"], "path": ["p0255"]})
    csv, target = tmp_path / "manifest.csv", tmp_path / "new.csv"
    # it checks the rows around each change (the store's stamp vouches for the rest of the file)
    frame.filter(pl.col("id") != f"{26:016x}").write_csv(csv)  # the row where p0255 goes is gone
    assert not splice_csv(csv, frame, rows, target)
    frame.reverse().write_csv(csv)  # unsorted
    assert not splice_csv(csv, frame, rows, target)
    frame.select("path", "id").write_csv(csv)  # columns swapped
    assert not splice_csv(csv, frame, rows, target)
    frame.write_csv(csv)
    assert splice_csv(csv, frame, rows, target)


def test_ingests_splice_the_manifest_and_leave_it_as_a_whole_write(corpus, tmp_path, monkeypatch):
    import polars as pl

    import dedupe.splice as splice
    import dedupe.store as store

    spliced: list[bool] = []
    real = splice.splice_csv
    monkeypatch.setattr(store, "splice_csv", lambda *a: spliced.append(real(*a)) or spliced[-1])
    for path in (rescraped_000(tmp_path), DISTINCT):
        code, _, err = run("ingest", str(path), "--corpus", str(corpus))
        assert code == 0, err
    assert spliced == [True, True]
    written = (corpus / "manifest.csv").read_bytes()
    assert written == Corpus(corpus).read_manifest().write_csv().encode()
    frame = pl.read_csv(corpus / "manifest.csv", schema=store.MANIFEST_SCHEMA)
    assert frame["path"].is_sorted() and frame.height == 7
    # an unsorted hand edit is not spliced into: the next ingest writes the whole file, sorted
    (corpus / "manifest.csv").write_bytes(frame.reverse().write_csv().encode())
    extra = tmp_path / "extra.md"
    extra.write_bytes((DATA / "东营市制定地方性法规条例(2016-03-30).md").read_bytes() + "\n附则\n".encode())
    code, _, err = run("ingest", str(extra), "--corpus", str(corpus))
    assert code == 0, err
    assert spliced == [True, True]
    assert pl.read_csv(corpus / "manifest.csv", schema=store.MANIFEST_SCHEMA)["path"].is_sorted()


def test_a_notice_merely_related_to_a_cluster_leaves_it_as_recorded(corpus, tmp_path):
    """Only pairs that merge or keep apart decide clusters: a newcomer sharing some paragraphs
    with the Weihai notice (002 and 003, one cluster) is related to it, and the cluster stays."""
    import polars as pl

    before = {r["id"]: (r["cluster"], r["relation"], r["is_canonical"]) for r in manifest_rows(corpus)}
    weihai = seed_path("002").read_text(encoding="utf-8").split("\n")
    related = tmp_path / "related.txt"
    related.write_text("\n".join(weihai[: len(weihai) // 2]) + "\n" + DISTINCT.read_text(encoding="utf-8"))
    code, _, err = run("ingest", str(related), "--corpus", str(corpus))
    assert code == 0, err
    pairs = Corpus(corpus).load().pair_frame
    new_id = next(r["id"] for r in manifest_rows(corpus) if r["path"].endswith("related.txt"))
    weihai_ids = {r["id"] for r in manifest_rows(corpus) if Path(r["path"]).name[:3] in ("002", "003")}
    assert len(weihai_ids) == 2 and len({before[i][0] for i in weihai_ids}) == 1  # one cluster before
    mine = pairs.filter((pl.col("a") == new_id) | (pl.col("b") == new_id))
    assert set(mine["relation"]) == {"related"} and weihai_ids & set([*mine["a"], *mine["b"]])
    after = {r["id"]: (r["cluster"], r["relation"], r["is_canonical"]) for r in manifest_rows(corpus)}
    assert {k: after[k] for k in before} == before


def test_one_notice_at_a_time_gives_the_clusters_of_one_batch(tmp_path):
    """An ingest re-clusters only the notices linked to its additions; the clusters it leaves
    are those of ingesting everything at once (duplicates, a veto, related notices)."""
    files = [*sorted(SEEDS.iterdir()), rescraped_000(tmp_path), *sorted(DATA.iterdir())]
    weihai = seed_path("002").read_text(encoding="utf-8").split("\n")
    related = tmp_path / "related.txt"
    related.write_text("\n".join(weihai[: len(weihai) // 2]) + "\n" + DISTINCT.read_text(encoding="utf-8"))
    files.append(related)

    def partition(root: Path) -> set[frozenset[str]]:
        groups: dict[str, set[str]] = {}
        for r in manifest_rows(root):
            groups.setdefault(r["cluster"], set()).add(r["sha256"])
        return {frozenset(g) for g in groups.values()}

    code, _, err = run("ingest", *map(str, files), "--corpus", str(tmp_path / "batch"))
    assert code == 0, err
    for f in files:
        code, _, err = run("ingest", str(f), "--corpus", str(tmp_path / "single"))
        assert code == 0, err
    together = partition(tmp_path / "batch")
    assert partition(tmp_path / "single") == together
    assert sum(len(g) > 1 for g in together) >= 2  # Weihai's two copies, seed 000 and its rescrape
    log = (tmp_path / "single" / "decisions.jsonl").read_text(encoding="utf-8")
    assert '"decision": "veto"' in log and '"decision": "related"' in log


def test_the_decision_log_is_appended_to_and_cut_back_when_the_ingest_fails(corpus, tmp_path, monkeypatch):
    log = corpus / "decisions.jsonl"
    before, manifest = log.read_bytes(), (corpus / "manifest.csv").read_bytes()

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Corpus, "_write_manifest", fail)
    code, _, _ = run("ingest", str(rescraped_000(tmp_path)), "--corpus", str(corpus))
    assert code != 0
    assert log.read_bytes() == before and (corpus / "manifest.csv").read_bytes() == manifest
    monkeypatch.undo()
    # a line cut short by a killed ingest is dropped before the next ingest's lines
    log.write_bytes(before + b'{"time": "2026-01-01T00:00:00Z", "decision": "mer')
    code, _, err = run("ingest", str(rescraped_000(tmp_path)), "--corpus", str(corpus))
    assert code == 0, err
    after = log.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert all(json.loads(line) for line in after.decode().splitlines())


def test_pairs_of_each_ingest_are_added_then_written_together(tmp_path, monkeypatch):
    import dedupe.cache as cache

    monkeypatch.setattr(cache, "MAX_PARTS", 2)
    files = [*sorted(SEEDS.iterdir()), rescraped_000(tmp_path), *sorted(DATA.iterdir())]

    def pairs(root: Path) -> list[tuple[str, ...]]:
        frame = Corpus(root).load().pair_frame
        return sorted(frame.select("a", "b", "relation").iter_rows())

    code, _, err = run("ingest", *map(str, files), "--corpus", str(tmp_path / "batch"))
    assert code == 0, err
    seen = []
    for f in files:
        code, _, err = run("ingest", str(f), "--corpus", str(tmp_path / "single"))
        assert code == 0, err
        seen.append(len(list((tmp_path / "single" / ".cache" / "pairs").glob("*.parquet"))))
    assert max(seen) == 2 and 0 in seen[2:]  # files added, then written into pairs.parquet
    assert pairs(tmp_path / "single") == pairs(tmp_path / "batch") and pairs(tmp_path / "batch")


def test_pairs_of_an_ingest_that_did_not_land_are_not_kept_twice(corpus, tmp_path, monkeypatch):
    again = rescraped_000(tmp_path)
    monkeypatch.setattr(Corpus, "_write_manifest", lambda *_: (_ for _ in ()).throw(OSError("disk full")))
    code, _, _ = run("ingest", str(again), "--corpus", str(corpus))
    assert code != 0
    assert list((corpus / ".cache" / "pairs").glob("*.parquet"))  # its pairs were written first
    monkeypatch.undo()
    assert Corpus(corpus).load().stale_pairs > 0
    assert_links_read_alone_are_those_of_all_pairs(corpus)
    code, _, err = run("ingest", str(again), "--corpus", str(corpus))
    assert code == 0, err
    frame = Corpus(corpus).load().pair_frame
    assert frame.height == frame.unique(["a", "b"]).height > 0
    assert not list((corpus / ".cache" / "pairs").glob("*.parquet"))  # written whole, without them


def test_pairs_removed_by_hand_are_verified_again_even_by_an_ingest_that_needs_none(corpus):
    def pairs() -> list[tuple[str, ...]]:
        return sorted(Corpus(corpus).load().pair_frame.select("a", "b", "relation").iter_rows())

    before = pairs()
    assert any(r[2] == "near" for r in before)
    (corpus / ".cache" / "pairs.parquet").unlink()
    code, _, err = run("ingest", str(DISTINCT), "--corpus", str(corpus))  # a new notice, linked to nothing
    assert code == 0, err
    assert set(before) <= set(pairs())


def test_parts_keep_their_sorted_passages_and_older_parts_get_them(corpus, tmp_path):
    """Related notices are looked for in each part's sorted passage fingerprints, written with
    the part (and when first needed, if missing), with the same candidates."""
    weihai = seed_path("002").read_text(encoding="utf-8").split("\n")
    related = tmp_path / "related.txt"
    related.write_text("\n".join(weihai[: len(weihai) // 2]) + "\n" + DISTINCT.read_text(encoding="utf-8"))
    runs = sorted((corpus / ".cache" / "parts").rglob("*.fps.npy"))
    assert runs and len(runs) == len(list((corpus / ".cache" / "parts").rglob("*.parquet")))
    for path in (corpus / ".cache" / "parts").rglob("*.fp?.npy"):
        path.unlink()  # as a cache written before them
    code, _, err = run("check", str(related), "--corpus", str(corpus), "--format", "json")
    assert code == 0, err
    assert sorted((corpus / ".cache" / "parts").rglob("*.fps.npy")) == runs
    plan = Corpus(corpus).plan([str(related)])
    assert any(p.relation == "related" for p in plan.new_pairs)


def test_parts_of_a_corpus_too_large_for_the_whole_passage_search_are_written_without_runs(corpus, monkeypatch):
    import dedupe.store as store

    monkeypatch.setattr(store, "PASSAGE_SEARCH_LIMIT", 5)  # the seeds fill it
    parts = corpus / ".cache" / "parts"
    before = set(parts.rglob("*.fps.npy"))
    code, _, err = run("ingest", str(DISTINCT), "--corpus", str(corpus))
    assert code == 0, err
    assert len(list(parts.rglob("*.parquet"))) == 2 and set(parts.rglob("*.fps.npy")) == before


def test_pairs_read_while_an_ingest_merges_the_added_files_are_listed_again(corpus, monkeypatch):
    import polars as pl

    import dedupe.cache as cache

    expected = Corpus(corpus).load().pair_frame
    real, calls = pl.scan_parquet, []

    def vanishing(files, **kwargs):  # the first listing names a file another process just merged away
        calls.append(files)
        if len(calls) == 1:
            raise FileNotFoundError(2, "No such file or directory", "pairs/gone.parquet")
        return real(files, **kwargs)

    monkeypatch.setattr(cache.pl, "scan_parquet", vanishing)
    frame = Corpus(corpus).cache.pairs()
    assert len(calls) == 2 and frame is not None and frame.drop("tag").equals(expected)


def test_a_batch_ingest_leaves_a_new_manifest_base_not_a_large_delta(corpus, tmp_path, monkeypatch):
    import dedupe.cache as cache

    monkeypatch.setattr(cache, "SPLICE_ROWS", 1)
    copy = corpus / ".cache" / "manifest"
    code, _, err = run("ingest", str(DISTINCT), "--corpus", str(corpus))
    assert code == 0, err
    assert len(list(copy.glob("delta-*.parquet"))) == 1  # one changed row: a delta
    code, _, err = run("ingest", *map(str, sorted(DATA.iterdir())[:3]), "--corpus", str(corpus))
    assert code == 0, err
    assert [p.name.split("-")[0] for p in copy.glob("*.parquet")] == ["base"]  # three rows: a new base
    assert Corpus(corpus).load().manifest.height == 9


def _writer(content: bytes):
    def write(out) -> bool:
        out.write(content)
        return True

    return write


def test_a_replacement_writes_over_the_file_the_last_one_retired(tmp_path):
    from dedupe.rewrite import replace_reusing

    target, spare = tmp_path / "manifest.csv", tmp_path / "cache" / "spare.csv"
    spare.parent.mkdir()
    target.write_bytes(b"first version, the longest of the three\n")
    first = target.stat().st_ino
    assert replace_reusing(target, spare, _writer(b"second\n"))
    assert target.read_bytes() == b"second\n"
    assert spare.read_bytes() == b"first version, the longest of the three\n" and spare.stat().st_ino == first
    assert replace_reusing(target, spare, _writer(b"third\n"))
    assert target.read_bytes() == b"third\n"  # written over the first file's blocks, cut to length
    assert target.stat().st_ino == first and spare.read_bytes() == b"second\n"
    assert not replace_reusing(target, spare, lambda out: False)  # declined: nothing changes
    assert target.read_bytes() == b"third\n" and spare.read_bytes() == b"second\n"
    assert not (tmp_path / "cache" / "spare.csv.retired").exists()


def test_a_spare_someone_still_reads_or_links_is_left_alone(tmp_path):
    import fcntl

    from dedupe.rewrite import locked, replace_reusing

    target, spare = tmp_path / "manifest.csv", tmp_path / "spare.csv"
    target.write_bytes(b"v1\n")
    assert replace_reusing(target, spare, _writer(b"v2\n"))
    with open(spare, "rb") as reader:  # a reader that opened v1 before it was replaced, still reading
        fcntl.flock(reader.fileno(), fcntl.LOCK_SH)
        assert replace_reusing(target, spare, _writer(b"v3\n"))
        assert reader.read() == b"v1\n"
    assert spare.read_bytes() == b"v2\n"
    with locked(target) as source:  # the store's own reader of v3: two replacements meanwhile
        assert replace_reusing(target, spare, _writer(b"v4\n"))  # v3 becomes the spare
        assert replace_reusing(target, spare, _writer(b"v5\n"))  # and is not written over
        assert (source if isinstance(source, bytes) else source.read_bytes()) == b"v3\n"
    assert target.read_bytes() == b"v5\n" and spare.read_bytes() == b"v4\n"
    os.link(spare, tmp_path / "kept-by-hand.csv")  # a second name: not ours to write over
    assert replace_reusing(target, spare, _writer(b"v6\n"))
    assert (tmp_path / "kept-by-hand.csv").read_bytes() == b"v4\n" and target.read_bytes() == b"v6\n"
    os.link(target, tmp_path / "other.csv")  # the spare made a second name of the live file
    os.replace(tmp_path / "other.csv", spare)
    assert replace_reusing(target, spare, _writer(b"v7\n"))
    assert target.read_bytes() == b"v7\n" and spare.read_bytes() == b"v6\n"


def test_a_replacement_cut_short_is_settled_by_the_next(tmp_path):
    from dedupe.rewrite import replace_reusing

    target, spare = tmp_path / "manifest.csv", tmp_path / "spare.csv"
    retired = tmp_path / "spare.csv.retired"
    target.write_bytes(b"live\n")
    os.link(target, retired)  # killed after linking the live file, before the rename
    spare.write_bytes(b"an unfinished write\n")
    assert replace_reusing(target, spare, _writer(b"next\n"))
    assert target.read_bytes() == b"next\n" and spare.read_bytes() == b"live\n" and not retired.exists()
    os.replace(spare, retired)  # killed after the rename, before the retired file became the spare
    with open(retired, "rb") as kept:  # open, but not locked as a reader would: a view of that file
        assert replace_reusing(target, spare, _writer(b"after\n"))
        assert target.read_bytes() == b"after\n" and spare.read_bytes() == b"next\n"
        assert kept.read() == b"after\n"  # the retired file was written over, not dropped


def test_ingests_keep_the_manifest_they_replaced_as_the_spare(corpus, tmp_path):
    spare = corpus / ".cache" / "manifest" / "spare.csv"
    before = (corpus / "manifest.csv").read_bytes()
    code, _, err = run("ingest", str(rescraped_000(tmp_path)), "--corpus", str(corpus))
    assert code == 0, err
    assert spare.read_bytes() == before
    middle = (corpus / "manifest.csv").read_bytes()
    code, _, err = run("ingest", str(DISTINCT), "--corpus", str(corpus))
    assert code == 0, err
    assert spare.read_bytes() == middle != (corpus / "manifest.csv").read_bytes()
    assert (corpus / "manifest.csv").read_bytes() == Corpus(corpus).read_manifest().write_csv().encode()


def assert_links_read_alone_are_those_of_all_pairs(root: Path) -> None:
    """Clustering reads only the merging and vetoed pairs, and not their reasons: it finds what
    it would find among every pair, stale pairs left out."""
    from dedupe.store import Link, StoredPair

    every = Corpus(root).load()
    frame = every.pair_frame
    expected = {
        Link(r["a"], r["b"], r["relation"], r["jaccard"], r["veto"])
        for r in frame.iter_rows(named=True)
        if r["relation"] in ("exact", "near", "contained") or r["veto"]
    }
    # a newcomer that merges with every notice listed reaches every link
    more = [StoredPair("newcomer", i, "near", 1.0, 1.0, "", None) for i in every.manifest["id"]]
    alone = Corpus(root).load()
    assert expected and set(alone.linked(["newcomer"], more)) == expected
    assert "_pairs" not in alone.__dict__  # the whole pairs were never read
    assert set(every.linked(["newcomer"], more)) == expected


def test_clustering_reads_the_links_alone(corpus, tmp_path):
    code, _, err = run("ingest", str(rescraped_000(tmp_path)), "--corpus", str(corpus))
    assert code == 0, err
    assert_links_read_alone_are_those_of_all_pairs(corpus)


def test_an_ingest_reads_the_manifest_index_and_the_whole_only_to_write_it(corpus, tmp_path, monkeypatch):
    """A load reads the manifest's INDEX_COLUMNS from its copy; the whole manifest, of the same
    version, is read only when it is written whole (a new base of the copy, here after a chain of
    deltas), and the copy then still matches the CSV."""
    import polars as pl

    import dedupe.cache as cache
    from dedupe.errors import CorpusError
    from dedupe.store import INDEX_COLUMNS, MANIFEST_SCHEMA

    state = Corpus(corpus).load()
    assert state.index.columns == INDEX_COLUMNS and "manifest" not in state.__dict__
    assert state.manifest.equals(Corpus(corpus).read_manifest()) and state.manifest.width == len(MANIFEST_SCHEMA)
    old = Corpus(corpus).load()
    monkeypatch.setattr(cache, "MAX_DELTAS", 1)
    copy = corpus / ".cache" / "manifest"
    for i in range(3):
        extra = tmp_path / f"extra{i}.txt"
        extra.write_text(f"第{i}份不同的通知，内容{i}。" * 30, encoding="utf-8")
        code, _, err = run("ingest", str(extra), "--corpus", str(corpus))
        assert code == 0, err
        from_csv = pl.read_csv(corpus / "manifest.csv", schema=MANIFEST_SCHEMA)
        assert Corpus(corpus).load().manifest.equals(from_csv)  # from the copy: base and deltas
    assert len(list(copy.glob("delta-*.parquet"))) <= 1  # a new base came after the chain limit
    # a state read before those ingests gives its own version (its copy is gone: from the CSV,
    # which has changed since, so it says to run again rather than mix two versions)
    with pytest.raises(CorpusError, match="changed while it was being read"):
        _ = old.manifest


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=30))
def test_ids_as_numbers_and_back(values):
    import numpy as np
    import polars as pl

    from dedupe.cache import HexIds, id_numbers, id_texts

    numbers = np.array(values, dtype=np.uint64)
    texts = id_texts(numbers)
    assert texts.to_list() == [f"{v:016x}" for v in values] == list(HexIds(numbers))
    assert id_numbers(texts).to_list() == values
    odd = pl.Series(["abc", "0123456789abcdefg", "0123456789abcdeX", "", None], dtype=pl.String)
    assert id_numbers(odd).null_count() == 5  # not 16 hex digits: no number


def test_parts_without_their_rows_file_get_it_and_read_the_same(corpus, tmp_path):
    """A part from before ``*.rows.npy`` is read from its Parquet and given the file; the
    corpus reads the same either way."""
    code, _, err = run("ingest", str(rescraped_000(tmp_path)), "--corpus", str(corpus))
    assert code == 0, err
    expected = _state_summary(corpus)
    state = Corpus(corpus).load()
    expected_blocks = [(list(b.ids), b.seq.tolist(), b.keyhash.tolist(), b.live.tolist()) for b in state.blocks]
    rows_files = list((corpus / ".cache" / "parts").rglob("*.rows.npy"))
    assert len(rows_files) == len(state.blocks) == 2
    for f in rows_files:
        f.unlink()
    state = Corpus(corpus).load()
    assert [(list(b.ids), b.seq.tolist(), b.keyhash.tolist(), b.live.tolist()) for b in state.blocks] == expected_blocks
    assert len(list((corpus / ".cache" / "parts").rglob("*.rows.npy"))) == 2
    assert _state_summary(corpus) == expected


def test_a_manifest_id_that_is_not_a_hash_prefix_is_a_clear_error(corpus):
    text = (corpus / "manifest.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")[0]
    (corpus / "manifest.csv").write_text(text.replace(first, "not-an-id", 1), encoding="utf-8")
    code, _, err = run("check", str(DISTINCT), "--corpus", str(corpus))
    # 3, never check's "duplicates found" (1): a CI must not read a broken corpus as a finding
    assert code == 3 and "'not-an-id'" in err and "16 hex digits" in err and "restore the manifest" in err


def test_notices_read_back_from_their_text_records(corpus, tmp_path):
    """A notice fetched from the cache is the notice as normalized at ingest, path included; a
    part whose texts are gone is rebuilt from the originals."""
    from normalize import normalize

    state = Corpus(corpus).load()
    paths = dict(zip(state.index["id"].to_list(), state.index["path"].to_list(), strict=True))
    docs = state.fetch(sorted(paths)[:3])
    assert len(docs) == 3
    for doc_id, doc in docs.items():
        assert doc.path == paths[doc_id]
        assert doc.normalized == normalize((corpus / doc.path).read_bytes())
    for f in (corpus / ".cache" / "parts").rglob("*.texts*"):
        f.unlink()
    again = Corpus(corpus).load().fetch(list(docs))
    assert {i: d.normalized for i, d in again.items()} == {i: d.normalized for i, d in docs.items()}


def test_a_reader_finds_notices_in_parts_merged_since_it_loaded(corpus, tmp_path):
    """A reader (``check``, a report) holds no lock: an ingest may merge the parts it loaded."""
    for i in range(2):
        extra = tmp_path / f"extra{i}.txt"
        extra.write_text(f"第{i}份不同的通知，内容{i}。" * 30, encoding="utf-8")
        assert run("ingest", str(extra), "--corpus", str(corpus))[0] == 0
    state = Corpus(corpus).load()
    assert len(state.blocks) == 3
    cache = Corpus(corpus).cache
    cache.merge(cache._part_files(), state.index["id"])  # what compaction does
    docs = state.fetch(state.index["id"].to_list())
    assert len(docs) == 7 and len(state.blocks) == 1


def test_an_ingest_that_landed_is_not_undone_by_its_manifest_copy(corpus, tmp_path, monkeypatch):
    """The Parquet copy is written after manifest.csv: when it cannot be (here its new base cannot
    read the whole manifest), the ingest has still landed, decisions included."""
    import dedupe.cache as cache
    import dedupe.store as store
    from dedupe.errors import CorpusError

    def unreadable(self):
        raise CorpusError("gone")

    monkeypatch.setattr(cache, "MAX_DELTAS", 0)  # a new base at every ingest: it needs the whole manifest
    monkeypatch.setattr(store.State, "manifest", property(unreadable))
    log = corpus / "decisions.jsonl"
    before = log.read_bytes()
    code, _, err = run("ingest", str(rescraped_000(tmp_path)), "--corpus", str(corpus))
    assert code == 0, err
    assert len(log.read_bytes()) > len(before)  # its decisions stay
    monkeypatch.undo()
    rows = manifest_rows(corpus)
    assert len(rows) == 6
    assert Corpus(corpus).load().manifest.height == 6


def _as_previous_format(root: Path) -> None:
    """Rewrite a corpus's cache as format 6 wrote it: the normalized notices in the parts' Parquet,
    no text records or row files, and that format's tag on the parts and the pairs."""
    import polars as pl

    from dedupe.cache import _from_record, normalized_to_json

    parts = root / ".cache" / "parts"
    (current,) = [p for p in parts.iterdir() if p.is_dir()]
    previous = parts / ("6-" + current.name.split("-", 1)[1])
    previous.mkdir()
    cache = Corpus(root).cache
    for part in sorted(current.glob("*.parquet")):
        frame = pl.read_parquet(part)
        records = cache._records(str(part), list(range(frame.height)))
        normalized = [normalized_to_json(_from_record(r)[1]) for r in records]
        frame = frame.with_columns(normalized=pl.Series(normalized), tag=pl.lit(previous.name))
        frame.select("id", "seq", "path", "normalized", "keyhash", "passages", "tag").write_parquet(
            previous / part.name
        )
        for suffix in (".npy", ".bands.npy", ".fps.npy", ".fpo.npy"):
            if (current / f"{part.stem}{suffix}").exists():
                shutil.copy(current / f"{part.stem}{suffix}", previous / f"{part.stem}{suffix}")
    shutil.rmtree(current)
    for pairs in [root / ".cache" / "pairs.parquet", *(root / ".cache" / "pairs").glob("*.parquet")]:
        pl.read_parquet(pairs).with_columns(tag=pl.lit(previous.name)).write_parquet(pairs)


def test_a_cache_of_the_previous_format_is_converted_not_rebuilt(corpus, tmp_path, monkeypatch):
    import dedupe.store as store

    code, _, err = run("ingest", str(rescraped_000(tmp_path)), str(DISTINCT), "--corpus", str(corpus))
    assert code == 0, err
    expected = _state_summary(corpus)
    texts = {i: (d.path, d.normalized) for i, d in Corpus(corpus).load().documents.items()}
    pairs = Corpus(corpus).load().pair_frame.sort("a", "b")
    _as_previous_format(corpus)

    def no_rebuild(*_a, **_k):
        raise AssertionError("the originals were read again")

    monkeypatch.setattr(store, "read_documents", no_rebuild)
    state = Corpus(corpus).load()
    assert state.pair_frame.sort("a", "b").equals(pairs)  # as recorded, reasons included
    assert {i: (d.path, d.normalized) for i, d in state.documents.items()} == texts
    assert _state_summary(corpus) == expected
    names = [p.name for p in (corpus / ".cache" / "parts").iterdir()]
    assert len(names) == 1 and names[0].startswith("7-")  # the previous format's folder is gone


def test_a_damaged_cache_of_the_previous_format_is_rebuilt(corpus):
    expected = _state_summary(corpus)
    _as_previous_format(corpus)
    (part,) = (corpus / ".cache" / "parts").rglob("*.parquet")
    part.write_bytes(b"not parquet")
    assert _state_summary(corpus) == expected  # from the originals
    assert not [p for p in (corpus / ".cache" / "parts").iterdir() if p.name.startswith(".")]  # no staging left
