"""The HTML report: self-contained, names the clusters, shows diffs; rendered in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import DATA, SEED_NAMES, SEEDS


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
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", url + "#open=all"], capture_output=True, text=True,
                         timeout=120).stdout  # fmt: skip
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


@pytest.fixture(scope="module")
def wider(tmp_path_factory) -> Path:
    """The seeds with two versions of the 商丘 regulation (vetoed: a 2022 amendment in the head) and
    one notice withdrawn by hand."""
    root = tmp_path_factory.mktemp("wider") / "corpus"
    files = [str(SEEDS), *(str(DATA / "review" / f"{y}_商丘市文明行为促进条例.docx") for y in (2019, 2022))]
    done = CliRunner().invoke(main, ["ingest", *files, "--corpus", str(root), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    done = CliRunner().invoke(main, ["withdraw", f"raw/{SEED_NAMES['001']}", "--corpus", str(root), "--by", "ana",
                                     "--reason", "scraped from a test page"])  # fmt: skip
    assert done.exit_code == 0, done.output
    return root


def render(root: Path) -> str:
    from dedupe.reports.html import render_html
    from dedupe.store import Corpus

    return render_html(Corpus(root), root.parent)


def test_html_lists_withdrawn_notices_with_who_and_why(wider):
    page = render(wider)
    section = page[page.index('<div id="withdrawn">') :]
    assert f"raw/{SEED_NAMES['001']}" in section[: section.index("</div>")]
    assert "ana" in section and "scraped from a test page" in section
    assert '<div class="card"><b>1</b>withdrawn</div>' in page


def test_html_collapses_clusters_and_diffs(wider):
    page = render(wider)
    assert '<details class="group multi">' in page and '<details class="group multi" open' not in page
    assert not re.search(r"<details[^>]*\bopen\b", page)  # nothing open until a click (or #open=all)
    cluster = page[page.index('<details class="group multi">') :]
    assert cluster.index('<details class="pair">') < cluster.index('<div class="diff">')  # each diff folded apart


def test_html_diffs_related_and_vetoed_pairs_from_the_first_article(wider):
    page = render(wider)
    section = page[page.index("What tells related and vetoed pairs apart") :]
    vetoed = section[section.index('<span class="rel-vetoed">vetoed 0.907') :]
    vetoed = vetoed[: vetoed.index("</details></details>") if "</details></details>" in vetoed else None]
    assert "2019_商丘市文明行为促进条例.docx" in vetoed[:400] and "修正 of 2022-08-25" in vetoed[:1000]
    assert "the diff below starts at 第一条" in vetoed
    assert '<span class="rel-related">related 0.076' in section  # the Jining pair has its diff too
    assert "[… diff cut here" not in section


def test_html_reads_only_the_notices_it_diffs(wider, monkeypatch):
    """At 100,000 notices the page must not read every notice from the cache: only those a diff shows."""
    from dedupe.store.cache import Cache

    fetched: list[str] = []
    real = Cache.fetch

    def spy(self, ids):
        ids = list(ids)
        fetched.extend(ids)
        return real(self, ids)

    monkeypatch.setattr(Cache, "fetch", spy)
    render(wider)
    manifest = {r["path"]: r["id"] for r in __import__("polars").read_csv(wider / "manifest.csv").to_dicts()}
    diffed = {SEED_NAMES[k] for k in ("000", "002", "003", "004")} | {
        f"{y}_商丘市文明行为促进条例.docx" for y in (2019, 2022)
    }
    assert set(fetched) == {manifest[f"raw/{name}"] for name in diffed}  # not 001 (withdrawn), no notice twice


def test_html_pages_through_notices_with_no_duplicate_and_keeps_the_why_column_readable(wider, tmp_path, monkeypatch):
    if not CHROMIUM:
        pytest.skip("no chromium: apt-get install chromium")
    from dedupe.reports import html

    monkeypatch.setattr(html, "PAGE", 2)
    out = wider.parent / "paged.html"
    out.write_text(render(wider), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1400"]  # fmt: skip
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", out.as_uri() + "#open=all"], capture_output=True, text=True,
                         timeout=120).stdout  # fmt: skip
    singles = dom[dom.index('<table id="singles">') : dom.index('<script type="application/json"')]
    assert singles.count("<tr data-flags") == 2 and 'notices <span class="at">1–2 of 4</span>' in dom
    rendered = dict(x.split(":") for x in dom.split('data-rendered="', 1)[1].split('"', 1)[0].split(";"))
    assert int(rendered["why"]) >= 300  # the reason gets a third of the width, not ten characters
    page = subprocess.run([CHROMIUM, *flags, "--dump-dom", out.as_uri() + "#q=东营市条例"], capture_output=True,
                          text=True, timeout=120).stdout  # fmt: skip
    assert 'data-filtered="clusters:0;notices:0;related:0"' in page


def test_a_canonical_kept_as_others_joined_says_so_not_elected(tmp_path):
    """002 ingested alone, 003 a day later: no election is logged for the cluster, and the report
    says why 002 still represents it instead of a bare 'elected'."""
    root = tmp_path / "corpus"
    for short in ("002", "003"):
        done = CliRunner().invoke(main, ["ingest", str(SEEDS / SEED_NAMES[short]), "--corpus", str(root), "-j", "1"])
        assert done.exit_code == 0, done.output
    table = CliRunner().invoke(main, ["report", "--corpus", str(root)]).output
    assert "why canonical: kept from before the other members joined: none of them was strictly better" in table
    assert "why canonical: kept from before the other members joined" in render(root)
