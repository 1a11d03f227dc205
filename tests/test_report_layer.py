"""Reports format what the engine and the store decided and decide nothing of their own
(docs/architecture.md §6), visible in the tree: a module of dedupe/reports either formats the objects
it is given, reading nothing of the corpus, or is named here as a reader that shows a corpus to people.

"Decides" here means: which notice a file duplicates, through which pair, what a person accepted or
withdrew, which records of the log are the latest word, which pairs were kept apart. Those are
computed where the corpus is read, in the store (``dedupe.store.findings`` for ``check``,
``dedupe.store.holdings`` for ``report``): a formatter only receives them, so it imports nothing of
the store but the findings' types and calls no method that opens a corpus; a reader opens a corpus
through the store's functions, and no report reads the manifest (a polars frame) or the log itself."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from tests.conftest import ROOT

REPORTS = ROOT / "dedupe" / "reports"
# each formats the objects it is given: check's findings, a plan, a batch's result, a notice's history, a pair's diff
FORMATTERS = ("check.py", "plan.py", "batch.py", "history.py", "pairdiff.py", "htmlparts.py")
# each opens a corpus to show it: the corpus report (table, CSV, JSON, HTML), a pair explained, a regulation's chain
READERS = ("__init__.py", "table.py", "html.py", "explain.py", "versions.py")
# what opening or reading a corpus takes: a formatter has no use for any of them
CORPUS_READS = {"read_manifest", "reading", "session", "contents", "decisions_path", "manifest_path", "fetch"}
# the store's own readers of its files: what a report would use to decide for itself
RECORDS = ("polars", "dedupe.store.log", "dedupe.store.manifest", "dedupe.store.view", "dedupe.store.cache")
RECORD_READS = {"read_manifest", "decisions_path", "manifest_path"}  # the log is read through dedupe.store.log


def imports(path: Path) -> dict[str, set[str]]:
    """Every module ``path`` imports (at the top or inside a function), with the names taken from it."""
    out: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.setdefault(node.module, set()).update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                out.setdefault(alias.name, set())
    return out


def attributes(path: Path) -> set[str]:
    return {n.attr for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Attribute)}


def test_every_report_module_is_a_formatter_or_a_named_reader():
    """A new module of dedupe/reports is put in one list or the other, and so comes under its test."""
    assert sorted(p.name for p in REPORTS.glob("*.py")) == sorted((*FORMATTERS, *READERS))


@pytest.mark.parametrize("name", FORMATTERS)
def test_a_formatter_takes_types_from_the_store_and_reads_nothing(name):
    path = REPORTS / name
    found = imports(path)
    assert not {m for m in found if m == "polars" or m.startswith("polars.")}, f"{name} imports polars"
    store = {m for m in found if m == "dedupe.store" or m.startswith("dedupe.store.")}
    assert store <= {"dedupe.store.findings"}, f"{name} imports {sorted(store)}: the store decides, not a report"
    findings = importlib.import_module("dedupe.store.findings")
    calls = {n for n in found.get("dedupe.store.findings", ()) if not isinstance(getattr(findings, n), type)}
    assert not calls, f"{name} takes {sorted(calls)} from the store: only the findings' types"
    assert not attributes(path) & CORPUS_READS, f"{name} opens or reads a corpus"


def test_check_s_formatter_is_given_the_findings():
    """check.py turns ``Findings`` into text, JSON and annotations: each of its public formatters takes them."""
    from dedupe.reports import check
    from dedupe.store.findings import Findings

    for fn in (check.check_json, check.format_check, check.format_github, check.summary):
        first = next(iter(fn.__annotations__.values()))
        assert first in (Findings, "Findings"), f"{fn.__name__} takes {first}"


@pytest.mark.parametrize("name", (*FORMATTERS, *READERS))
def test_no_report_reads_the_manifest_or_the_log_itself(name):
    path = REPORTS / name
    found = {m for m in imports(path) if any(m == r or m.startswith(f"{r}.") for r in RECORDS)}
    assert not found, f"{name} imports {sorted(found)}: it reads the corpus's records itself"
    assert not attributes(path) & RECORD_READS, f"{name} reads {sorted(attributes(path) & RECORD_READS)}"
