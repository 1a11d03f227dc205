"""The layers docs/architecture.md §2 names, visible in the tree: normalize below the engine, the engine below
the store and the reports, the CLI (cli.py and its support, dedupe/console/) on top; no module over 400 lines,
cli.py under 300."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

ENGINE = sorted(p for p in (ROOT / "dedupe").glob("*.py"))
MODULES = sorted([*ROOT.glob("normalize/*.py"), *ROOT.glob("dedupe/**/*.py")])


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: p.name)
def test_the_engine_imports_neither_the_store_nor_the_reports(path):
    assert not {m for m in imported(path) if m.startswith(("dedupe.store", "dedupe.reports", "cli"))}


@pytest.mark.parametrize("path", sorted(ROOT.glob("normalize/*.py")), ids=lambda p: p.name)
def test_normalize_imports_nothing_above_it(path):
    assert not {m for m in imported(path) if m.startswith(("dedupe", "cli"))}


@pytest.mark.parametrize("path", sorted(ROOT.glob("dedupe/store/*.py")), ids=lambda p: p.name)
def test_the_store_does_not_import_the_reports(path):
    assert not {m for m in imported(path) if m.startswith(("dedupe.reports", "cli"))}


@pytest.mark.parametrize("path", [p for p in MODULES if "console" not in p.parts], ids=lambda p: p.name)
def test_only_the_command_line_imports_click(path):
    """click is the command line's: its support (``dedupe/console/``) and ``cli.py`` import it; the
    normalization, the engine, the store and the reports neither import it nor the support."""
    assert not {m for m in imported(path) if m.split(".")[0] in ("click", "cli") or m.startswith("dedupe.console")}


def test_module_sizes_as_designed():
    """No module over 400 lines; cli.py, its commands only, under 300."""
    too_long = {p.relative_to(ROOT).as_posix(): n for p in MODULES if (n := len(p.read_text().splitlines())) > 400}
    assert too_long == {}
    assert len((ROOT / "cli.py").read_text().splitlines()) < 300
