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


def test_html_is_self_contained_and_links_to_the_corpus_files(report):
    """No script, style or image from elsewhere; the links go to originals and canonical texts,
    relative to the page, and every one of them resolves."""
    page = report.read_text(encoding="utf-8")
    parser = Collect()
    parser.feed(page)
    assert "svg" in parser.tags and "table" in parser.tags and "script" in parser.tags
    assert len(page) < 200_000
    assert parser.external and not any(":" in link or link.startswith("/") for link in parser.external)
    assert {link.split("/")[1] for link in parser.external} == {"raw", "canonical"}
    assert all((report.parent / link).is_file() for link in parser.external)


def test_html_names_each_member_whose_artifacts_were_removed(report):
    page = report.read_text(encoding="utf-8")
    assert f"removed while normalizing raw/{SEED_NAMES['002']}: page-number" in page
    assert "why canonical: most complete and cleanest" in page


def test_html_shows_the_weihai_cluster_with_its_diff(report):
    page = report.read_text(encoding="utf-8")
    assert SEED_NAMES["002"] in page and SEED_NAMES["003"] in page
    assert '<div class="diff">' in page
    assert "<del>关于印发开展新市民乐业行动推进县域农民工市民化</del>" in page  # the title line the web copy lost
    assert "web-boilerplate: 1 (e.g. &#x27;发表评论&#x27;)" in page  # noted as removed


def test_html_shows_the_jining_pair_as_related_with_titles_and_seed_001_flagged(report):
    page = report.read_text(encoding="utf-8")
    related = page[page.index("Related notices") :]
    assert SEED_NAMES["000"] in related[:2000] and SEED_NAMES["004"] in related[:2000]
    assert "济宁市农村劳动力就业创业支持行动实施方案" in related[:2000]
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
    for hash_, expected in (
        ("#flag=repeated-passage", "clusters:0;notices:1;related:0"),  # seed 001, a notice with no duplicate
        ("#flag=artifacts-removed", "clusters:1;notices:2;related:0"),
        ("#q=威人社字", "clusters:1;notices:2;related:0"),
        ("#q=农村劳动力", "clusters:0;notices:1;related:1"),
        ("", "clusters:1;notices:5;related:1"),
    ):
        page = subprocess.run([CHROMIUM, *flags, "--dump-dom", url + hash_], capture_output=True, text=True,
                              timeout=120).stdout  # fmt: skip
        assert f'data-filtered="{expected}"' in page, hash_
    firsts = []
    for hash_ in ("#sort=by-path", "#sort=by-title"):  # a click on a heading sorts the table by it
        page = subprocess.run([CHROMIUM, *flags, "--dump-dom", url + hash_], capture_output=True, text=True,
                              timeout=120).stdout  # fmt: skip
        firsts.append(page.split('data-first="', 1)[1].split('"', 1)[0])
    assert firsts == [f"raw/{SEED_NAMES['000']}", f"raw/{SEED_NAMES['001']}"]  # 关于印发… sorts first by title
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", url], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
