"""What check finds is the store's, as typed results (``dedupe.store.findings``): a library user gets
the same duplicates, pairs and withdrawals the command line prints, without parsing its JSON."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from dedupe.reports.check import check_json
from dedupe.store import Corpus
from dedupe.store.findings import Duplicate, Withdrawn, find, withdrawn
from tests.conftest import SEED_NAMES, SEEDS, cut_copies
from tests.test_store import rescraped_000


def test_a_duplicate_found_through_another_member_is_one_typed_finding(tmp_path: Path):
    """Seed 002 in the corpus; B keeps 60% of it, C a third (C joins through B): C's finding names
    002 as the notice it duplicates, B as the member its figures are measured against."""
    root = tmp_path / "corpus"
    assert (
        CliRunner().invoke(main, ["ingest", str(SEEDS / SEED_NAMES["002"]), "--corpus", str(root), "-j", "1"]).exit_code
        == 0
    )
    b, c = cut_copies(tmp_path)
    corpus = Corpus(root)
    found = find(corpus, corpus.check([str(b), str(c)]))
    by_path = {d.path: d for d in found.duplicates}
    assert set(by_path) == {str(b), str(c)} and found.exit_code == 1 and not found.new
    through = by_path[str(c)]
    assert isinstance(through, Duplicate) and not through.recorded
    assert (through.duplicates, through.through, through.relation) == (str(root / "raw" / SEED_NAMES["002"]), str(b),
                                                                       "contained")  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        through.relation = "near"  # type: ignore[misc]
    printed = CliRunner().invoke(main, ["check", str(b), str(c), "--corpus", str(root), "-j", "1", "--json"]).stdout
    assert json.loads(printed) == check_json(found)


def test_a_re_scrape_of_a_withdrawn_notice_is_a_finding_with_who_withdrew_it(corpus: Path, tmp_path: Path):
    done = CliRunner().invoke(main, ["withdraw", f"raw/{SEED_NAMES['000']}", "--corpus", str(corpus), "--by", "ana",
                                     "--reason", "the city took the page down"])  # fmt: skip
    assert done.exit_code == 0, done.output
    again = tmp_path / "again.txt"
    shutil.copyfile(rescraped_000(tmp_path), again)  # other bytes, the same text
    store = Corpus(corpus)
    plan = store.check([str(again)])
    (match,) = find(store, plan).withdrawn
    assert isinstance(match, Withdrawn) and match.path == str(again) and match.withdrawn == f"raw/{SEED_NAMES['000']}"
    assert (match.relation, match.by, match.why) == ("exact", "ana", "the city took the page down")
    assert withdrawn(store, plan) == [match]  # what ingest notes after landing


def test_a_damaged_link_line_is_a_corpus_problem_naming_it(corpus: Path, tmp_path: Path):
    """The person's records that check's findings and the chains obey are read by the log's one
    reader: a damaged link line stops versions as it stops check, exit 3 naming the line (versions
    stopped with an unexpected JSONDecodeError, exit 4)."""
    first, second = (f"raw/{SEED_NAMES[k]}" for k in ("000", "001"))
    done = CliRunner().invoke(main, ["link", first, second, "--corpus", str(corpus), "--by", "ana", "--reason", "x"])
    assert done.exit_code == 0, done.output
    log = corpus / "decisions.jsonl"
    lines = log.read_text(encoding="utf-8").split("\n")
    (at,) = [n for n, line in enumerate(lines) if '"link-by-hand"' in line]
    lines[at] = lines[at][:-5]  # the record's end lost, its line break kept: damage, not a crash
    log.write_text("\n".join(lines), encoding="utf-8")
    for args in (["versions", first], ["check", str(rescraped_000(tmp_path))]):
        done = CliRunner().invoke(main, [*args, "--corpus", str(corpus)])
        assert done.exit_code == 3, done.output
        assert f"decisions.jsonl line {at + 1}" in done.stderr and "git checkout -- decisions.jsonl" in done.stderr
