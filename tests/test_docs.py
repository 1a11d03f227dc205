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


def test_every_cited_design_section_is_in_the_repository():
    """Code and tests cite ``docs/architecture.md §N``: the page and the section must exist, and no
    citation points to a design document that is not in the repository."""
    import re

    cited = re.compile(r"docs/(\w+)\.md §(\d+)")
    sources = [p for p in (*ROOT.glob("*.py"), *ROOT.glob("normalize/*.py"), *ROOT.glob("dedupe/**/*.py"),
                           *ROOT.glob("tests/*.py"), *ROOT.glob("bench/*.py"))]  # fmt: skip
    found = 0
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert not re.search("DESIGN" + " (?:§|section)", text), f"{path} cites a design document not in the repository"
        for page, section in cited.findall(text):
            doc = ROOT / "docs" / f"{page}.md"
            assert doc.exists(), f"{path} cites {doc}"
            assert re.search(rf"^## {section}\. ", doc.read_text(encoding="utf-8"), re.M), f"{path} cites §{section}"
            found += 1
    assert found >= 3
