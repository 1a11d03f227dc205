"""The HTML report: self-contained, names the clusters, shows diffs; rendered in headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import SEED_NAMES, SEEDS


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("html") / "corpus"
    result = CliRunner().invoke(main, ["ingest", str(SEEDS), "--corpus", str(root), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    out = root.parent / "report.html"
    result = CliRunner().invoke(main, ["report", "--corpus", str(root), "--format", "html", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_html_is_self_contained_and_parses(report):
    page = report.read_text(encoding="utf-8")
    parser = Collect()
    parser.feed(page)
    assert parser.external == []
    assert "svg" in parser.tags and "table" in parser.tags
    assert len(page) < 200_000


def test_html_shows_the_weihai_cluster_with_its_diff(report):
    page = report.read_text(encoding="utf-8")
    assert SEED_NAMES["002"] in page and SEED_NAMES["003"] in page
    assert '<div class="diff">' in page
    assert "<del>关于印发开展新市民乐业行动推进县域农民工市民化</del>" in page  # the title line the web copy lost
    assert "web-boilerplate: 1 (e.g. &#x27;发表评论&#x27;)" in page  # noted as removed


def test_html_shows_the_jining_pair_as_related_and_seed_001_flagged(report):
    page = report.read_text(encoding="utf-8")
    related = page[page.index("Related notices") :]
    assert SEED_NAMES["000"] in related[:2000] and SEED_NAMES["004"] in related[:2000]
    row = next(r for r in page.split("<tr") if SEED_NAMES["001"] in r)
    assert "repeated-passage" in row


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_report_renders_in_headless_chromium(report, tmp_path):
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("CI must render the report: .ci/run installs Debian's chromium")
        pytest.skip("no chromium: apt-get install chromium")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1400,1400",
    ]
    url = report.as_uri()
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    rendered = dom.split('data-rendered="', 1)[1].split('"', 1)[0]
    figures = dict(item.split(":") for item in rendered.split(";"))
    assert int(figures["clusters"]) >= 1  # the Weihai cluster is laid out with a non-zero box
    assert int(figures["diffs"]) >= 2  # both sides of its diff are visible
    assert int(figures["rows"]) >= 2
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", url], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
