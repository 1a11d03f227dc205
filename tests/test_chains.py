"""Version chains on real regulations: linked, ordered, the current one marked, other cities kept
apart, reposts one version, and what changed article by article despite renumbering."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from dedupe import Document, find_duplicates, read_document
from dedupe.acts import act_key, is_act
from dedupe.articles import article_diff
from dedupe.chains import build_chains, units_of

DATA = Path(__file__).parent / "data" / "chains"
BEIJING_2017 = DATA / "北京市制定地方性法规条例(2017-01-20).md"
BEIJING_2023 = DATA / "北京市制定地方性法规条例(2023-07-28).md"
DONGYING = DATA / "东营市制定地方性法规条例(2016-03-30).md"
LINYI = DATA / "临沂市制定地方性法规条例(2016-03-30).md"
SHANGQIU = sorted(DATA.glob("*商丘市文明行为促进条例*.docx"))  # 2019 and 2022, each published and exported
CHONGQING_DRAFT = DATA / "重庆-居住证实施办法（征集意见稿）2016.txt"
CHONGQING_FINAL = DATA / "重庆市居住证实施办法2016.html"
SHENZHEN_2013 = DATA / "2013_深圳经济特区文明行为促进条例.docx"
SHENZHEN_2020 = DATA / "2020_深圳经济特区文明行为条例.doc"  # its last article: 《深圳经济特区文明行为促进条例》同时废止


def chains_of(paths: list[Path]):
    result = find_duplicates([read_document(str(p)) for p in paths])
    return build_chains(units_of(result))


def test_two_versions_form_a_chain_in_order_and_other_cities_stay_apart() -> None:
    chains = chains_of([BEIJING_2023, DONGYING, BEIJING_2017, LINYI])
    assert len(chains) == 1
    chain = chains[0]
    assert [v.path for v in chain.versions] == [str(BEIJING_2017), str(BEIJING_2023)]
    assert [v.status for v in chain.versions] == ["superseded", "current"]
    assert chain.current == str(BEIJING_2023)
    assert chain.place == "北京市"


def test_a_title_naming_no_place_is_placed_by_its_adoption_record() -> None:
    """东营's and 临沂's rules under one title without a place: the congress that adopted each
    (东营市人民代表大会…, 临沂市人民代表大会…) keeps them apart, though they share much wording."""
    docs = []
    for k, path in enumerate((DONGYING, LINYI)):
        text = path.read_text(encoding="utf-8").replace(path.name[:3], "", 1)  # the title's city only
        assert text.lstrip("# ").startswith("制定地方性法规条例")
        docs.append(_doc(text, f"{k}.md"))
    assert act_key(docs[0].normalized.meta.title or "") == act_key(docs[1].normalized.meta.title or "")
    assert build_chains(units_of(find_duplicates(docs))) == []


def _doc(text: str, path: str) -> Document:
    from normalize import normalize

    return Document(id=path, path=path, normalized=normalize(text))


def test_a_full_revision_is_linked_by_the_adoption_its_history_starts_from() -> None:
    """商用密码管理条例 of 1999 and its 2023 revision (发布 1999-10-07 in both heads) share 11% of
    their text and name no place: the adoption date is what shows one regulation."""
    old, new = DATA / "商用密码管理条例(1999-10-07).md", DATA / "商用密码管理条例(2023-04-27).md"
    [chain] = chains_of([new, old])
    assert [v.path for v in chain.versions] == [str(old), str(new)] and chain.current == str(new)


def test_reposts_of_one_version_stay_one_version() -> None:
    chains = chains_of(SHANGQIU)
    assert len(chains) == 1
    versions = chains[0].versions
    assert len(versions) == 2
    assert {Path(p).name for p in versions[0].paths} == {
        "2019_商丘市文明行为促进条例.docx",
        "商丘市文明行为促进条例_商丘市人民代表大会常务委员会_2019-11-13.docx",
    }
    assert {Path(p).name for p in versions[1].paths} == {
        "2022_商丘市文明行为促进条例.docx",
        "商丘市文明行为促进条例_商丘市人民代表大会常务委员会_2022-11-15.docx",
    }
    assert versions[1].status == "current" and versions[1].amendments == ("2022-08-25 修正",)


def test_a_draft_for_comment_precedes_the_text_it_became() -> None:
    chains = chains_of([CHONGQING_FINAL, CHONGQING_DRAFT])
    assert len(chains) == 1
    draft, final = chains[0].versions
    assert draft.path == str(CHONGQING_DRAFT) and draft.status == "draft" and draft.became == final.cluster
    assert final.status == "current" and chains[0].current == str(CHONGQING_FINAL)


def test_a_regulation_that_a_later_act_repeals_is_repealed() -> None:
    """深圳's 2019 文明行为条例 (another act, its own title) repeals the 2012 文明行为促进条例."""
    chains = chains_of([SHENZHEN_2020, SHENZHEN_2013])
    assert len(chains) == 1
    [old] = chains[0].versions
    assert (old.path, old.status, old.repealed_by) == (str(SHENZHEN_2013), "repealed", str(SHENZHEN_2020))
    assert chains[0].current is None


def test_an_amended_article_is_found_despite_renumbering() -> None:
    """2023 inserted articles before the old 第十五条: it is now 第二十条, and one phrase changed."""
    diff = article_diff(BEIJING_2017.read_text(encoding="utf-8"), BEIJING_2023.read_text(encoding="utf-8"))
    amended = {(c.old, c.new): c for c in diff.of("amended")}
    change = amended[("第十五条", "第二十条")]
    assert change.edits == (("进行立法调研", "提前参与"),)
    assert ("第十三条", "第十九条") in {(c.old, c.new) for c in diff.of("renumbered")}
    assert "第十九条" not in {c.new for c in diff.of("added")}  # a moved article is not a new one


def test_an_amendment_changes_only_the_articles_it_names() -> None:
    """商丘's 2022 修正 amended four articles and renumbered none."""
    old, new = (read_document(str(SHANGQIU[k])).text for k in (0, 1))
    diff = article_diff(old, new)
    assert [c.new for c in diff.of("amended")] == ["第九条", "第十七条", "第二十一条", "第三十四条"]
    assert not diff.of("added") and not diff.of("removed") and not diff.of("renumbered")
    assert diff.unchanged == 35


@pytest.mark.parametrize(
    ("title", "act"),
    [
        ("关于印发《广州市房屋租赁管理规定（试行）》的通知", True),
        ("广州市房屋租赁管理暂行规定", True),
        ("关于修改营口市文明行为促进条例等三部地方性法规的决定", False),
        ("中华人民共和国刑法修正案（十一）", False),
        ("深圳市规划和国土资源委员会", False),
    ],
)
def test_only_titles_that_name_an_act_are_chained(title: str, act: bool) -> None:
    assert is_act(title) is act
    if act:  # a 试行 or 暂行 rule and its wrapper are the definitive rule's act
        assert act_key(title) == act_key("广州市房屋租赁管理规定")


def test_a_year_in_the_title_names_another_act_a_revision_year_does_not() -> None:
    """A yearly plan is a notice of its year, not a version of last year's; 2013年修订 marks a version."""
    plan = "2016年东莞市义务教育阶段进城务工人员随迁子女积分制入学积分方案"
    assert act_key(plan) != act_key(plan.replace("2016", "2015"))
    assert act_key("佛山市免费义务教育实施办法（2013年修订）") == act_key("佛山市免费义务教育实施办法")


def test_dedupe_json_and_text_carry_the_chain() -> None:
    runner = CliRunner()
    paths = [str(p) for p in (BEIJING_2017, BEIJING_2023, DONGYING)]
    out = runner.invoke(main, ["dedupe", "--format", "json", *paths])
    assert out.exit_code == 0, out.output
    chains = json.loads(out.output)["chains"]
    assert len(chains) == 1
    assert chains[0]["current"] == str(BEIJING_2023)
    assert chains[0]["why"] == [f"{BEIJING_2017} ~ {BEIJING_2023}: the same act, 80% of the shorter text shared"]
    assert [(v["canonical"], v["status"]) for v in chains[0]["versions"]] == [
        (str(BEIJING_2017), "superseded"),
        (str(BEIJING_2023), "current"),
    ]
    text = runner.invoke(main, ["dedupe", *paths]).output
    assert f"current    2023-07-28  {BEIJING_2023}" in text
    assert "0 duplicates, 1 chain(s) of versions" in text.splitlines()[-1]


def test_versions_command_shows_the_chain_and_what_changed(tmp_path: Path) -> None:
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    src = tmp_path / "in"
    src.mkdir()
    for p in (BEIJING_2017, BEIJING_2023, LINYI):
        shutil.copy(p, src / p.name)
    assert runner.invoke(main, ["-q", "ingest", str(src), "--corpus", str(corpus)]).exit_code == 0
    out = runner.invoke(main, ["versions", BEIJING_2017.name, "--corpus", str(corpus)])
    assert out.exit_code == 0, out.output
    assert out.output.startswith(
        "北京市制定地方性法规条例 [北京市]: 2 versions, current raw/北京市制定地方性法规条例(2023-07-28).md"
    )
    assert "第十五条 → 第二十条 amended: 进行立法调研 → 提前参与" in out.output
    found = json.loads(runner.invoke(main, ["versions", "北京市制定地方性法规条例", "--corpus", str(corpus),
                                            "--format", "json"]).output)  # fmt: skip
    assert found["current"] == "raw/北京市制定地方性法规条例(2023-07-28).md"
    moved = [c for c in found["changes"][0]["changes"] if (c["old"], c["new"]) == ("第十五条", "第二十条")]
    assert moved == [
        {
            "kind": "amended",
            "old": "第十五条",
            "new": "第二十条",
            "edits": [["进行立法调研", "提前参与"]],
            "similarity": moved[0]["similarity"],
        }
    ]
    missing = runner.invoke(main, ["versions", LINYI.name, "--corpus", str(corpus)])
    assert missing.exit_code == 2 and "no chain of versions holds" in missing.output


def test_report_and_history_show_the_chain(tmp_path: Path) -> None:
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    assert runner.invoke(main, ["-q", "ingest", *map(str, SHANGQIU), "--corpus", str(corpus)]).exit_code == 0
    report = json.loads(runner.invoke(main, ["report", "--corpus", str(corpus), "--format", "json"]).output)
    [chain] = report["chains"]
    assert chain["current"] == "raw/2022_商丘市文明行为促进条例.docx"
    assert [len(v["members"]) for v in chain["versions"]] == [2, 2]  # published and exported, one version each
    table = runner.invoke(main, ["report", "--corpus", str(corpus)]).output
    assert "    current    2022-08-25  raw/2022_商丘市文明行为促进条例.docx" in table
    history = runner.invoke(main, ["history", "2019_商丘市文明行为促进条例.docx", "--corpus", str(corpus)]).output
    assert history.rstrip().endswith("current    2022-08-25  raw/2022_商丘市文明行为促进条例.docx")
    assert "a version of:\n  商丘市文明行为促进条例: 2 version(s)" in history
    page = runner.invoke(main, ["report", "--corpus", str(corpus), "--format", "html"]).output
    section = page[page.index('<div id="chains">') :]
    assert (
        "<h3>商丘市文明行为促进条例</h3>" in section
        and "<li>第二十一条 amended: ∅ → 提倡分餐制，使用公筷公勺，</li>" in section
    )
