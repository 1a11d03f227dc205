"""A benchmark started without its real data says which folder it needs and where it comes from
(``bench/data.py``), before it does any work, instead of failing on a missing path."""

from __future__ import annotations

import importlib
import sys

import pytest

from tests.conftest import ROOT

READERS = sorted(
    p.stem
    for p in (ROOT / "bench").glob("*.py")
    if '"--realdata"' in p.read_text(encoding="utf-8") and p.stem != "data"
)


def test_the_benchmarks_that_read_real_data_are_found():
    assert {"accuracy", "archive", "chains", "pages", "peers", "real", "speed"} <= set(READERS)


@pytest.mark.parametrize("name", READERS)
def test_a_benchmark_without_its_data_names_the_folder_and_its_source(name, monkeypatch, capsys, tmp_path):
    module = importlib.import_module(f"bench.{name}")
    missing = tmp_path / "no-realdata"
    monkeypatch.setattr(sys, "argv", [f"bench/{name}.py", "--realdata", str(missing)])
    with pytest.raises(SystemExit) as stopped:
        module.main()
    err = capsys.readouterr().err
    assert stopped.value.code == 2, err
    assert f"this benchmark reads {missing}/" in err
    assert f"fetch the public ones with: python bench/data.py fetch --to {missing}" in err
    assert not missing.exists()  # nothing made before the data was looked for


def test_every_data_set_names_its_public_source_or_says_it_has_none():
    from bench.data import SOURCES, describe

    for source in SOURCES:
        line = describe(source)
        assert source.repository.startswith("https://github.com/") or "no public repository" in line
        if not source.repository:
            assert "save " in source.what  # how to make one's own


def test_the_listing_says_which_data_sets_are_here(monkeypatch, capsys, tmp_path):
    from bench import data

    (tmp_path / "wenming").mkdir()
    monkeypatch.setattr(sys, "argv", ["bench/data.py", "--realdata", str(tmp_path)])
    data.main()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["here" if s.folder == "wenming" else "missing" for s in data.SOURCES]
