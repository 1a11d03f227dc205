"""The README's library examples run as written."""

from __future__ import annotations

import doctest

from tests.conftest import ROOT


def test_readme_examples(monkeypatch):
    monkeypatch.chdir(ROOT)
    failures, tried = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert tried >= 5
    assert failures == 0


def test_readme_explains_every_quality_flag():
    from dedupe.quality import FLAGS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for flag, meaning in FLAGS.items():
        assert f"| `{flag}` | {meaning} |" in readme
