"""Reports of what the engine and the store found: tables, CSV and JSON, HTML, and pair explanations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dedupe.store import Corpus


def render(corpus: Corpus, fmt: str, base: Path | None = None) -> str:
    """The corpus report in ``fmt``: table, csv, json or html (its links relative to ``base``)."""
    from dedupe.reports.html import render_html
    from dedupe.reports.table import corpus_report, format_csv, format_table

    with corpus.reading():  # one consistent corpus for every part of the report
        if fmt == "html":
            return render_html(corpus, base)
        if fmt == "csv":
            return format_csv(corpus)
        report = corpus_report(corpus)
    return json.dumps(report, ensure_ascii=False, indent=2) if fmt == "json" else format_table(report)
