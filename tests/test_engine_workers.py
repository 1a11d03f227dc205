"""The election is spread over the verification's workers, and decides as the serial run does."""

from __future__ import annotations

import os
from collections import Counter

import pytest

import dedupe.judges as judges
import tests.worker_probe as worker_probe
from dedupe import Document, find_duplicates
from dedupe.files import read_document
from normalize import normalize
from tests.conftest import DATA, SEEDS
from tests.helpers import decisions


def _real_docs() -> list[Document]:
    """Real notices (seeds, regulations and their versions, a law and its print-out), each with
    renderings a scrape gives: the text cut at two thirds (ingested first), and reflowed. The cut
    copy joins the others first, so the canonical was never verified against it: the election
    judges that pair itself."""
    paths = sorted([*SEEDS.iterdir(), *(DATA / "agreement").glob("*.md"), *(DATA / "election").iterdir()])
    docs = []
    for n, path in enumerate(paths):
        found = read_document(str(path), 3 * n + 1)
        assert isinstance(found, Document), found
        docs.append(found)
        text = found.text
        for k, variant in enumerate((text[: len(text) * 2 // 3], text.replace("。", "。\n"))):
            docs.append(Document(f"{found.id}-{k}", f"{path}~{k}", normalize(variant), 3 * n + 2 * k))
    return docs


def test_the_election_runs_in_the_workers_and_decides_as_the_serial_run(tmp_path, monkeypatch):
    serial = find_duplicates(_real_docs(), jobs=1)
    assert sum(len(c.members) >= 3 for c in serial.clusters) >= 3
    log = tmp_path / "calls"
    monkeypatch.setenv(worker_probe.VARIABLE, str(log))  # the workers, started afresh, log what they do
    worker_probe.install(monkeypatch.setattr)  # and so does this process
    monkeypatch.setattr(judges, "MIN_PARALLEL", 0)  # workers even for this small batch
    monkeypatch.setattr(judges, "CHUNK", 1)
    parallel = find_duplicates(_real_docs(), jobs=2)
    assert decisions(parallel) == decisions(serial)
    calls = [line.split() for line in log.read_text().splitlines()]
    for what in ("judge", "body", "facts"):  # shared: a worker and this process each did some of each
        here = {pid == str(os.getpid()) for kind, pid, *_ in calls if kind == what}
        assert here == {True, False}, f"{what}: done {'here' if True in here else 'by workers'} only"
    verified = {(p.a.id, p.b.id) for p in parallel.pairs}
    elected = {(c.canonical.id, m.id) for c in parallel.clusters for m in c.members[1:]}
    judged = {(call[2], call[3]) for call in calls if call[0] == "judge"}
    assert (elected & judged) - verified, "the election judged pairs of its own"
    members = sum(len(c.members) for c in parallel.clusters if len(c.members) > 1)
    assert sum(what == "body" for what, *_ in calls) >= members
    assert sum(what == "facts" for what, *_ in calls) >= members


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_cluster_s_members_are_measured_once(jobs, tmp_path, monkeypatch):
    """Each member's body is measured once, by whichever process, and the measure is kept on the
    document here."""
    log = tmp_path / "calls"
    monkeypatch.setenv(worker_probe.VARIABLE, str(log))
    worker_probe.install(monkeypatch.setattr)
    monkeypatch.setattr(judges, "MIN_PARALLEL", 0)
    monkeypatch.setattr(judges, "CHUNK", 1)
    result = find_duplicates(_real_docs(), jobs=jobs)
    members = [m for c in result.clusters if len(c.members) > 1 for m in c.members]
    measured = Counter(line.split()[2] for line in log.read_text().splitlines() if line.startswith("body "))
    assert members and all(measured[m.id] == 1 for m in members), measured.most_common(3)
    assert all(m.__dict__["body_chars"] == Document.__dict__["body_chars"].func(m) for m in members)


def test_a_command_s_reading_workers_judge_and_elect_as_the_serial_run(tmp_path, monkeypatch):
    """The workers a command forked to read the batch verify and elect it too: no process is
    started for matching, and every decision is the serial run's."""
    from dedupe.files import read_documents
    from dedupe.sharing import Workers

    serial = find_duplicates(_real_docs(), jobs=1)
    log = tmp_path / "calls"
    monkeypatch.setenv(worker_probe.VARIABLE, str(log))
    worker_probe.install(monkeypatch.setattr)  # forked workers log with this process's patches
    monkeypatch.setattr(judges, "MIN_PARALLEL", 0)
    monkeypatch.setattr(judges, "CHUNK", 1)
    paths = sorted(str(p) for p in SEEDS.iterdir())
    with Workers(2) as workers:
        read = read_documents(paths, 2, workers=workers)
        assert all(isinstance(d, Document) for d in read) and workers.started
        worker = workers.pool().submit(os.getpid).result()
        parallel = find_duplicates(_real_docs(), jobs=2, workers=workers)
        assert workers.pool().submit(os.getpid).result() == worker, "the same worker, still running"
    assert decisions(parallel) == decisions(serial)
    calls = [line.split() for line in log.read_text().splitlines()]
    for what in ("judge", "body", "facts"):
        assert {pid for kind, pid, *_ in calls if kind == what} == {str(os.getpid()), str(worker)}, what


def test_the_members_are_measured_while_their_pairs_are_verified(monkeypatch):
    """A notice that a verified pair merges is measured by the process that judged the pair, with
    its text at hand: the election finds (nearly) every member measured, and the result is the
    serial run's."""
    serial = find_duplicates(_real_docs(), jobs=1)
    monkeypatch.setattr(judges, "MIN_PARALLEL", 0)
    monkeypatch.setattr(judges, "CHUNK", 1)
    asked: list[tuple[int, int]] = []
    measure = judges.Judges.measure

    def counted(self, indices):
        asked.append((len(indices), sum("body_chars" not in self.docs[i].__dict__ for i in indices)))
        return measure(self, indices)

    monkeypatch.setattr(judges.Judges, "measure", counted)
    parallel = find_duplicates(_real_docs(), jobs=2)
    assert decisions(parallel) == decisions(serial)
    members, unmeasured = map(sum, zip(*asked, strict=True))
    assert members >= 6 and unmeasured <= members // 4, asked
