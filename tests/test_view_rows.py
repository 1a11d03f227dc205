"""The two ways the store answers the engine's questions about the manifest's rows (the SQLite index
``check`` reads, and the manifest frame a command holds) give the same answers, of the same types
and in the same order, on a real corpus holding a withdrawn notice."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from cli import main
from dedupe.store import Corpus
from dedupe.store import rows as manifest_rows
from dedupe.store.corrections import _withdrawn
from dedupe.store.rows import KEPT, FrameRows, ManifestRows, Rows
from tests.conftest import SEED_NAMES, cut_copies

WEIHAI_B = f"raw/{SEED_NAMES['003']}"  # a copy of seed 002, in its cluster of four once the cut copies are in
UNKNOWN = "f" * 64


def typed(value: Any) -> Any:
    """``value`` with the type of each thing in it, sets and dicts in one order: answers equal
    only when their types are too (1 is not True here)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, *(typed(v) for v in dataclasses.astuple(value))]
    if isinstance(value, dict):
        return sorted((typed(k), typed(v)) for k, v in value.items())
    if isinstance(value, set):
        return sorted(typed(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, *(typed(v) for v in value)]
    return (type(value).__name__, value)


def invoke(*args: str) -> None:
    done = CliRunner().invoke(main, list(args))
    assert done.exit_code == 0, done.output


@pytest.fixture
def grown(corpus: Path, tmp_path: Path) -> Path:
    """The seeds and two copies of seed 002 cut short (one joins through the other: a ``via``)."""
    folder = tmp_path / "cut"
    folder.mkdir()
    invoke("ingest", *map(str, cut_copies(folder)), "--corpus", str(corpus), "--jobs", "1")
    return corpus


@contextlib.contextmanager
def by_command(corpus: Path) -> Iterator[tuple[pl.DataFrame, Rows]]:
    """Seed 003 withdrawn by the command: the rows the ingest and the withdrawal kept for the manifest."""
    invoke("withdraw", WEIHAI_B, "--corpus", str(corpus), "--by", "ana", "--reason", "scraped from a test site")
    store = Corpus(corpus)
    with store.indexed() as rows:
        assert rows.path is not None  # the file kept for the manifest's bytes, not rows made anew
        yield store.read_manifest(), rows


@contextlib.contextmanager
def in_memory(corpus: Path) -> Iterator[tuple[pl.DataFrame, Rows]]:
    """Seed 003 withdrawn in the frame only, as a withdrawal asks the engine before it lands."""
    with Corpus(corpus).reading() as frame:
        doc_id = frame.filter(pl.col("path") == WEIHAI_B)["id"].item()
        changed = _withdrawn(frame, doc_id)
        rows = manifest_rows.make(corpus, "", changed.select(manifest_rows.COLUMNS))
        try:
            yield changed, rows
        finally:
            rows.close()


@pytest.mark.parametrize("withdrawn", [by_command, in_memory])
def test_the_index_and_the_frame_answer_each_question_alike(grown: Path, withdrawn: Any) -> None:
    with withdrawn(grown) as (frame, rows):
        kinds: tuple[ManifestRows, ManifestRows] = (rows, FrameRows(frame))
        gone = frame.filter(pl.col("status") == "withdrawn")["id"].to_list()
        assert len(gone) == 1 and frame.height == 7
        ids = [*reversed(frame["id"].to_list()), "0" * 16]  # asked out of order, one unknown
        clusters = [*frame["cluster"].unique().to_list(), "0" * 16]

        def alike(ask: str, *args: Any, **kwargs: Any) -> Any:
            answers = [typed(getattr(kind, ask)(*args, **kwargs)) for kind in kinds]
            assert answers[0] == answers[1], (ask, args, kwargs)
            return getattr(kinds[0], ask)(*args, **kwargs)

        assert alike("by_sha", [*frame["sha256"].to_list(), UNKNOWN]) == dict(frame.select("sha256", "path").rows())
        assert alike("next_seq") == frame["seq"].max() + 1
        for count in (0, 1, 3, frame.height + 2):
            alike("first_active", count)
        assert alike("first_active", frame.height) == sorted(set(frame["id"]) - set(gone))
        assert alike("active", ids) == set(frame["id"]) - set(gone)
        for columns in (("id", "cluster"), ("id", "path", "bytes", "sha256"), KEPT, ("is_canonical", "id")):
            assert [r[columns.index("id")] for r in alike("where", ids, columns)] == [
                i for i in frame["id"] if i not in gone
            ]
            assert len(alike("where", ids, columns, active=False)) == frame.height
        assert alike("where", [], ("id",)) == []
        assert any(r[1] for r in alike("where", ids, ("id", "via")))  # a cut copy joined through another
        found = alike("members", clusters)
        assert [i for i, _ in found] == [i for i in frame["id"] if i not in gone]
        assert alike("members", [gone[0]]) == []  # a withdrawn notice is alone in a cluster of its id


@pytest.mark.parametrize("kind", [Rows, FrameRows])
def test_a_column_the_rows_do_not_keep_is_refused_by_both(grown: Path, kind: type) -> None:
    """The frame holds every column, the index only ``KEPT``: a question the index cannot answer is
    refused by both, not answered by the frame alone."""
    store = Corpus(grown)
    with store.indexed() as rows:
        asked = rows if kind is Rows else FrameRows(store.read_manifest())
        with pytest.raises(ValueError, match="keep no column source"):
            asked.where(["0" * 16], ("id", "source"))


def test_a_view_answers_from_the_index_or_the_frame_it_is_given(grown: Path) -> None:
    """``check``'s view asks the index, another command's the frame it read; both record alike."""
    store = Corpus(grown)
    with store.session(indexed=True) as (by_index, _), store.session() as (whole, _):
        assert isinstance(by_index.lookup, Rows)
        assert isinstance(whole.lookup, FrameRows)
        ids = whole.manifest["id"].to_list()
        assert typed(by_index.recorded(ids)) == typed(whole.recorded(ids))
        assert {r.canonical for r in whole.recorded(ids).values()} == {True, False}
