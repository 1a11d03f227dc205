"""A notice read from a file holds its text and key packed, and reads as the unpacked one."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from dedupe import Document, find_duplicates
from dedupe.document import Packed, pack
from dedupe.files import normalize_named, read_document
from dedupe.store.cache import from_record, to_record
from tests.helpers import calls

ELECTION = Path(__file__).parent / "data" / "election"
LAW = ELECTION / "中华人民共和国精神卫生法.txt"


def test_a_notice_read_holds_its_text_and_key_as_one_blob_and_reads_as_the_plain_one():
    doc = read_document(str(LAW))
    assert isinstance(doc, Document)
    plain = normalize_named(str(LAW), LAW.read_bytes())
    held = doc.normalized.__dict__
    assert isinstance(doc.normalized, Packed) and held["text"] == held["key"] == ""
    assert bytes(held["_blob"]) == (plain.text + plain.key).encode("utf-8")  # gathered to a file with the batch's
    assert (doc.text, doc.key) == (plain.text, plain.key)
    assert doc.normalized == plain and plain == doc.normalized and hash(doc.normalized) == hash(plain)
    assert dataclasses.asdict(doc.normalized) == dataclasses.asdict(plain)
    assert from_record(to_record(doc.normalized)) == plain  # the corpus cache stores it as the plain one
    again = pickle.loads(pickle.dumps(doc))
    assert again.text == plain.text and again.fingerprint.key == plain.key
    assert not any(isinstance(v, str) and len(v) > 1000 for v in doc.fingerprint.__dict__.values())


def test_packed_copies_of_one_text_are_one_notice_and_elect_alike(tmp_path):
    """Two files of one text (different bytes): found by the key's digest, the same key confirmed."""
    text = LAW.read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    docs = [read_document(str(tmp_path / name), order) for order, name in enumerate(("a.txt", "b.txt"))]
    plain = [dataclasses.replace(d, normalized=normalize_named(d.path, Path(d.path).read_bytes())) for d in docs]
    assert all(isinstance(d.normalized, Packed) for d in docs) and docs[0].id != docs[1].id
    packed, unpacked = find_duplicates(docs), find_duplicates(plain)
    assert [p.relation for p in packed.pairs] == ["exact"]
    assert [(c.canonical.path, c.reason) for c in packed.clusters] == [
        (c.canonical.path, c.reason) for c in unpacked.clusters
    ]


def test_packed_texts_are_compared_by_their_bytes_unexpanded(monkeypatch):
    """``same_text`` on texts held in memory, spilled to a file, or one of each: equal when the
    texts are, without expanding a packed one (the clusters' merges are sorted by it)."""
    import dedupe.document as document
    from dedupe.document import Spill, gather, same_text

    text = LAW.read_text(encoding="utf-8")
    variants = [text, text, text.replace("管理办法", "管理规定", 1), text.replace("管理办法", "管理办法。", 1)]
    plain = [normalize_named(f"{k}.txt", v.encode("utf-8")) for k, v in enumerate(variants)]
    utf8 = [len(n.text.encode("utf-8")) for n in plain]
    assert plain[2].text != plain[0].text and utf8[2] == utf8[0] and utf8[3] != utf8[0]  # one as long, one not
    in_memory = [pack(n) for n in plain]
    spilled = [pack(normalize_named(f"{k}.txt", v.encode("utf-8"))) for k, v in enumerate(variants)]
    gather(in_memory)
    gather(spilled, Spill())
    assert isinstance(spilled[0].__dict__["_blob"], document.Spilled)
    assert isinstance(in_memory[0].__dict__["_blob"], memoryview)
    document._EXPANDED.clear()
    expanded = calls(monkeypatch, document, "_expand")
    for left in (in_memory, spilled):
        for right in (in_memory, spilled):
            for i in range(len(variants)):
                for j in range(len(variants)):
                    assert same_text(left[i], right[j]) == (plain[i].text == plain[j].text), (i, j)
    assert not expanded
    assert [same_text(plain[0], n) for n in spilled] == [True, True, False, False]  # a plain one with a packed one


def test_a_notice_read_is_not_held_expanded_after():
    """Reading a notice expands its text and key only while it is read: the process that read it
    does not hold them for the next notices it reads (they are read again from the blob)."""
    import dedupe.document as document

    document._EXPANDED.clear()
    doc = read_document(str(LAW))
    assert isinstance(doc, Document) and isinstance(doc.normalized, Packed)
    assert id(doc.normalized) not in document._EXPANDED
    assert doc.text == normalize_named(str(LAW), LAW.read_bytes()).text  # read again when asked for
    assert id(doc.normalized) in document._EXPANDED
    document.let_go(doc.normalized)
    document.let_go(doc.normalized)  # twice: nothing held, nothing done
    assert id(doc.normalized) not in document._EXPANDED


def test_a_short_text_is_left_as_it_is():
    short = normalize_named("x.txt", "关于做好春节期间安全工作的通知\n各单位：请做好安全工作。".encode())
    assert pack(short) is short


def test_texts_read_from_many_threads_at_once(monkeypatch):
    """The texts last read are shared by the threads of a process (a web console's, say)."""
    import sys
    import threading

    import dedupe.document as document

    monkeypatch.setattr(document, "EXPANDED_KEEP", 2)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can
    text = LAW.read_text(encoding="utf-8")
    docs = [pack(normalize_named("x.txt", text[k * 200 :].encode())) for k in range(12)]
    expected = [d.__dict__["_cut"] for d in docs]
    failed: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(300):
                for d, cut in zip(docs, expected, strict=True):
                    assert len(d.text.encode("utf-8")) == cut
        except BaseException as exc:  # any failure in a thread is the test's
            failed.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(switch)
    assert not failed, failed[:1]


def _copies(folder: Path, n: int) -> list[str]:
    """``n`` files, each the law with a line of its own (a different text, each long enough to pack)."""
    text = LAW.read_text(encoding="utf-8")
    paths = []
    for k in range(n):
        path = folder / f"{k:04d}.txt"
        path.write_text(f"{text}\n第{k}号附件：本件存档。\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def test_a_batch_s_texts_wait_in_a_temporary_file_and_read_back_the_same(tmp_path, monkeypatch):
    """Past GATHER notices, the packed texts are written to a temporary file in TMPDIR, not held in
    memory; each reads back as it was read, and pickles (to a worker) with its own bytes."""
    import tempfile

    from dedupe import document, files
    from dedupe.document import Spilled

    spill_dir = tmp_path / "tmp"
    spill_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_dir))
    monkeypatch.setattr(document, "GATHER", 4)
    paths = _copies(tmp_path, 10)
    docs = files.read_documents(paths)
    assert all(isinstance(d.normalized.__dict__["_blob"], Spilled) for d in docs[:8])
    for path, doc in zip(paths, docs, strict=True):
        plain = normalize_named(path, Path(path).read_bytes())
        assert (doc.text, doc.key) == (plain.text, plain.key)
        again = pickle.loads(pickle.dumps(doc))
        assert isinstance(again.normalized.__dict__["_blob"], bytes) and again.text == plain.text


def test_texts_stay_in_memory_when_no_temporary_file_can_be_made(tmp_path, monkeypatch):
    import tempfile

    from dedupe import document, files

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    monkeypatch.setattr(document, "GATHER", 4)
    paths = _copies(tmp_path, 10)
    docs = files.read_documents(paths)
    assert all(isinstance(d.normalized.__dict__["_blob"], memoryview) for d in docs)
    assert [d.text for d in docs] == [normalize_named(p, Path(p).read_bytes()).text for p in paths]


def test_chains_read_only_the_texts_that_name_a_repeal(tmp_path, monkeypatch):
    """Whether a text says 废止 is known from its reading: looking for repeals in a batch expands
    none of the other texts."""
    from dedupe import document
    from dedupe.chains import repealed_acts

    text = LAW.read_text(encoding="utf-8")
    (tmp_path / "plain.txt").write_text(text.replace("废止", "停止"), encoding="utf-8")
    (tmp_path / "repeals.txt").write_text(text + "\n《某市精神卫生条例》同时废止。\n", encoding="utf-8")
    plain, repeals = (read_document(str(tmp_path / n)) for n in ("plain.txt", "repeals.txt"))
    assert (plain.__dict__["names_repeal"], repeals.__dict__["names_repeal"]) == (False, True)

    def no_expanding(*args: object) -> None:
        raise AssertionError("a text was expanded")

    document._EXPANDED.clear()
    monkeypatch.setattr(document, "_expand", no_expanding)
    assert repealed_acts(plain) == []
    monkeypatch.undo()
    assert repealed_acts(repeals) and repealed_acts(repeals) == repealed_acts(dataclasses.replace(repeals))


def test_what_outlives_young_collections_while_frozen_is_frozen_too():
    """Under ``frozen``, objects that outlive a collection of the middle generation are frozen
    instead of joining the oldest, whose full passes would walk them again and again; none stays
    frozen after, and the collector is left as it was."""
    import gc

    from dedupe.document import frozen

    hooks, automatic = list(gc.callbacks), gc.isenabled()
    gc.disable()  # only the collections asked for here
    try:
        with frozen():
            before = gc.get_freeze_count()
            kept = [[n] for n in range(5000)]  # lists: tracked by the collector (a dict of numbers is not)
            gc.collect(0)
            assert gc.get_freeze_count() < before + len(kept), "a young collection alone freezes nothing"
            gc.collect(1)
            assert gc.get_freeze_count() >= before + len(kept)
    finally:
        if automatic:
            gc.enable()
    assert gc.get_freeze_count() == 0 and gc.callbacks == hooks and len(kept) == 5000


def test_notices_read_are_left_out_of_the_collector_until_the_reading_ends(tmp_path, monkeypatch):
    """While a batch is read its notices are frozen (the collector's full passes skip them); when
    it ends they are collected as before. Objects someone else froze are left to them."""
    import gc

    from dedupe import document, files

    monkeypatch.setattr(document, "GATHER", 4)
    paths = _copies(tmp_path, 10)
    counts = []
    for doc in files.iter_documents(paths):
        counts.append(gc.get_freeze_count())
        assert isinstance(doc, Document)
    assert counts[0] > 0 and counts[-1] > counts[0], "frozen from the start, more as notices are read"
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        list(files.iter_documents(paths))
        after = gc.get_freeze_count()  # objects that die leave it
        assert before - 100 < after <= before, "another's freeze is neither added to nor undone"
    finally:
        gc.unfreeze()
