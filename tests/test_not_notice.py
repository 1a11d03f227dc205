"""Files that are no notice whatever their name (real files from tests/data/not_notice): refused with
what they hold, never kept as notices nor clustered; short real notices are kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from normalize.notice import NoticeFacts
from tests.conftest import seed_path

DATA = Path(__file__).resolve().parent / "data" / "not_notice"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "found"),
    [
        # GitHub's page for a file it could not show, saved under the .pdf name of the notice
        ("github_page_named_一览表.pdf", ("not a notice (an error page", "no text but its site's")),
        # a page whose notice is 20 scanned images: its name, a date and 点击下列图片可放大 are left
        ("images_only_顺德_2015.html", ("image",)),
        # navigation, 您的当前位置 and 录入时间: the notice itself was never saved
        ("chrome_only_中山_2014.html", ("no sentence", "without a sentence", "no text but its site's")),
        # GitHub's view of a page's HTML source (ASP.NET view state, <script>, <meta>…)
        ("page_source_罗湖_2016.htm", ("source",)),
    ],
)
def test_a_file_that_is_no_notice_is_refused_saying_what_it_holds(name, found):
    code, out, err = run("normalize", str(DATA / name))
    assert code == 2 and not out
    assert any(what in err for what in found), err


@pytest.mark.parametrize(
    "name",
    [
        "record_only_汕头_2022.md",  # a law database's record: the title and 会议通过, no body
        "notes_江浙教育政策梳理.docx",  # notes in lists (、 and ：), not prose
        "body_in_a_cell_t20130719_94397.html",  # the reply sits in a table cell of a page full of chrome
    ],
)
def test_short_or_terse_real_texts_are_kept(name):
    code, out, err = run("normalize", str(DATA / name))
    assert code == 0, err
    assert NoticeFacts.of(out).cjk >= 40


def test_the_seeds_are_notices():
    for n in ("000", "001", "002", "003", "004"):
        facts = NoticeFacts.of(seed_path(n).read_text(encoding="utf-8"))
        assert facts.refusal() is None, (n, facts)


def test_error_pages_under_notice_names_never_form_a_cluster(tmp_path):
    """Three copies of one GitHub page saved as .pdf and .doc were a cluster of "duplicates"."""
    folder = tmp_path / "batch"
    folder.mkdir()
    page = DATA / "github_page_named_一览表.pdf"
    for name in ("广东省补助比例一览表.pdf", "东莞积分方案.pdf", "东莞积分方案.doc"):
        shutil.copy(page, folder / name)
    shutil.copy(seed_path("000"), folder / "notice.txt")
    code, out, err = run("dedupe", str(folder), "--json", "--jobs", "1")
    assert code == 2
    refused = [line for line in err.splitlines() if "not a notice" in line or "no text but its site's" in line]
    assert len(refused) == 3, err  # the page reader sees GitHub's page chrome and images: nothing to read
    documents = json.loads(out)["documents"]
    assert [Path(d["path"]).name for d in documents] == ["notice.txt"]


def test_ingest_rejects_a_page_source_and_keeps_the_notice(tmp_path):
    corpus = tmp_path / "corpus"
    code, _, err = run("ingest", str(DATA / "page_source_罗湖_2016.htm"), str(seed_path("001")), "--corpus",
                       str(corpus), "--jobs", "1")  # fmt: skip
    assert code == 2 and "page_source_罗湖_2016.htm: is " in err and "not a notice" in err
    assert len(list((corpus / "canonical").iterdir())) == 1
