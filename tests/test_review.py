"""policy-dedup review: the queue of what needs a person, served on 127.0.0.1 and decided in a real
browser (headless Chromium driven through chromedriver) by keyboard; the log and the manifest then
hold the corrections the CLI would have recorded.

Real files: two versions each of the 商丘 and 长沙 文明行为促进条例 (vetoed near-duplicates), two of
the 营口 one (related), and the Weihai notice with its web copy (a merge), in tests/data/review.
Set POLICY_DEDUP_SCREENSHOT=docs/review.png to save the page as the README shows it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from cli import main
from dedupe.review import review_queue
from dedupe.store import Corpus
from tests.conftest import DATA, ROOT, seed_path

REVIEW = DATA / "review"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    done = CliRunner().invoke(main, ["ingest", str(REVIEW), "--corpus", str(root), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    return root


def paths(item: dict) -> tuple[str, str]:
    return item["a"]["path"], item["b"]["path"]


def test_the_queue_holds_what_the_report_keeps_apart_and_leaves_once_decided(corpus):
    queue = review_queue(Corpus(corpus), borderline_below=0.995)
    assert [(i["kind"], *paths(i)) for i in queue] == [
        ("vetoed", "raw/2019_商丘市文明行为促进条例.docx", "raw/2022_商丘市文明行为促进条例.docx"),
        ("vetoed", "raw/2019_长沙市文明行为促进条例.docx", "raw/2021_长沙市文明行为促进条例.docx"),
        ("borderline", "raw/002_8106084470b39083.txt", "raw/003_4df78c131d5774f9.txt"),
        ("related", "raw/2019_营口市文明行为促进条例.docx", "raw/2023_营口市文明行为促进条例.docx"),
    ]
    report = json.loads(CliRunner().invoke(main, ["report", "--corpus", str(corpus), "--json"]).output)
    kept_apart = {(r["a"], r["b"], round(r["jaccard"], 4)) for r in report["related"]}
    assert {(*paths(i), i["jaccard"]) for i in queue if i["kind"] != "borderline"} == kept_apart
    assert "修正 of 2022-08-25" in queue[0]["reason"]
    assert review_queue(Corpus(corpus), related_above=0.8)[-1]["kind"] == "vetoed"  # 营口 at 0.767 left out
    done = CliRunner().invoke(main, ["split", *paths(queue[0]), "--reason", "two versions", "--corpus", str(corpus)])
    assert done.exit_code == 0, done.output
    assert [i["kind"] for i in review_queue(Corpus(corpus))] == ["vetoed", "related"]


def test_a_re_headed_pair_is_diffed_from_its_first_article(corpus):
    from dedupe.reports.pairdiff import align

    docs, _ = Corpus(corpus).contents()
    by_path = {d.path: d for d in docs.values()}
    a, b = (by_path[f"raw/{y}_商丘市文明行为促进条例.docx"].text for y in (2019, 2022))
    aligned = align(a, b)
    assert aligned.start == "第一条" and "修正" in aligned.head_b and "修正" not in aligned.head_a
    changed = "".join(t for tag, t in aligned.ops if tag != "equal")
    assert "修正" not in changed and aligned.ops[0][1].startswith("第一条")


def serve(corpus: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "review", "--corpus", str(corpus), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    line = proc.stdout.readline() if proc.stdout else ""
    if "http://" not in line:
        proc.kill()
        raise AssertionError(f"no address printed: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return proc, line.split(" at ", 1)[1].split()[0]


def fetch(url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, body, {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_the_server_answers_only_its_token_on_loopback_and_serves_no_file(corpus):
    proc, url = serve(corpus)
    try:
        assert url.startswith("http://127.0.0.1:") and len(url.rstrip("/").rsplit("/", 1)[1]) >= 20
        base = url.rstrip("/").rsplit("/", 1)[0]
        assert fetch(url)[0] == 200 and fetch(url + "static/review.js")[0] == 200
        assert fetch(base + "/not-the-token/")[0] == 404
        assert fetch(base + "/not-the-token/api/queue")[0] == 404
        for probe in (
            "static/..%2F..%2Fstore%2Fcorpus.py",
            "static/..%2Fserver.py",
            "raw/2019_商丘市文明行为促进条例.docx",
        ):
            assert fetch(url + urllib.request.quote(probe, safe="/%"))[0] == 404, probe
        assert fetch(url + "api/queue", headers={"Host": "attacker.example:80"})[0] == 403
        status, text = fetch(url + "api/decide", {"action": "same", "notices": ["x", "y"], "reason": "", "by": "a"})
        assert status == 409 and "give a reason" in text
        status, text = fetch(url + "api/decide", {"action": "same", "notices": ["x", "y"], "reason": "r", "by": "a"})
        assert status == 409 and "the corpus holds no notice 'x'" in text
        status, _ = fetch(url + "api/decide", {"action": "split", "notices": ["a", "b"], "reason": "r", "by": "a"},
                          {"Origin": "http://attacker.example"})  # fmt: skip
        assert status == 403
        assert (corpus / "decisions.jsonl").read_text(encoding="utf-8").count("by-hand") == 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def browser(tmp_path):
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("CI"):
            pytest.fail("CI must review in a browser: .ci/run installs Debian's chromium and chromium-driver")
        pytest.skip("no chromium or chromedriver: apt-get install chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                 "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def test_a_queue_reviewed_by_keyboard_lands_in_the_log_and_the_manifest(corpus, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    proc, url = serve(corpus, "--borderline-below", "0.995", "--by", "archivist")
    body = lambda name: browser.find_element("tag name", "body").get_attribute(f"data-{name}")  # noqa: E731

    def ready(done: int) -> None:
        WebDriverWait(browser, 120).until(lambda _: body("state") == "ready" and (body("done") or "0") == str(done))

    def key(keys: str, reason: str | None = None) -> None:
        ActionChains(browser).send_keys(keys).perform()
        if reason is not None:
            ActionChains(browser).send_keys(reason + Keys.ENTER).perform()

    try:
        browser.get(url)
        ready(0)
        assert body("count") == "4" and body("current").startswith("vetoed:")
        diff = browser.find_element("id", "diff").text
        assert "the diff below starts at 第一条" in diff and "修正" not in diff.split("第一条", 1)[1][:200]
        if os.environ.get("POLICY_DEDUP_SCREENSHOT"):
            browser.save_screenshot(str(ROOT / os.environ["POLICY_DEDUP_SCREENSHOT"]))
        key("d", "2019 text and its 2022 amendment")  # 商丘: two versions
        ready(1)
        assert body("count") == "3" and body("current").startswith("vetoed:")
        key("j")  # leave 长沙 for later
        WebDriverWait(browser, 60).until(
            lambda _: body("current").startswith("borderline:") and body("state") == "ready"
        )
        key("c", "the city site publishes this copy")  # 003, the web copy, represents its cluster
        ready(2)
        assert body("current").startswith("borderline:")  # 003 canonical now, 002 still below 0.995 to it
        assert "canonical-by-hand" in browser.find_element("id", "status").text
        key("s", "same notice, the web copy lost its title line")
        ready(3)
        assert body("count") == "2" and body("current").startswith("related:")
        key("w", "scraped from a test page")  # withdraw B, the 2023 营口 text
        ready(4)
        assert body("count") == "1" and body("current").startswith("vetoed:")
        key("k")
        key("d", "2019 text and its 2021 amendment")
        ready(5)
        assert body("count") == "0"
        assert browser.find_element("id", "empty").is_displayed()
        assert "split-by-hand" in browser.find_element("id", "status").text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    lines = [json.loads(x) for x in (corpus / "decisions.jsonl").read_text(encoding="utf-8").splitlines()]
    by_hand = [e for e in lines if e.get("by")]
    assert [(e["decision"], e.get("a") or e.get("path"), e.get("b")) for e in by_hand] == [
        ("split-by-hand", "raw/2019_商丘市文明行为促进条例.docx", "raw/2022_商丘市文明行为促进条例.docx"),
        ("canonical-by-hand", "raw/003_4df78c131d5774f9.txt", None),
        ("merge-by-hand", "raw/003_4df78c131d5774f9.txt", "raw/002_8106084470b39083.txt"),
        ("withdraw", "raw/2023_营口市文明行为促进条例.docx", None),
        ("split-by-hand", "raw/2019_长沙市文明行为促进条例.docx", "raw/2021_长沙市文明行为促进条例.docx"),
    ]
    assert {e["by"] for e in by_hand} == {"archivist"} and all(e["time"] and e["reason"] for e in by_hand)
    assert by_hand[3]["reason"] == "scraped from a test page"
    rows = {r["path"]: r for r in pl.read_csv(corpus / "manifest.csv").iter_rows(named=True)}
    assert rows["raw/2023_营口市文明行为促进条例.docx"]["status"] == "withdrawn"
    assert rows["raw/003_4df78c131d5774f9.txt"]["is_canonical"]
    assert rows["raw/002_8106084470b39083.txt"]["cluster"] == rows["raw/003_4df78c131d5774f9.txt"]["cluster"]
    assert (
        rows["raw/2019_商丘市文明行为促进条例.docx"]["cluster"]
        != rows["raw/2022_商丘市文明行为促进条例.docx"]["cluster"]
    )


def test_a_cluster_whose_canonical_is_flagged_waits_until_a_person_chooses(tmp_path):
    """Seed 001 repeats a clause back to back; its GB18030 copy is the same notice with the same
    slip: the cluster's canonical is questioned, and the item leaves once a canonical is chosen."""
    copy = tmp_path / "001_gb18030.txt"
    copy.write_bytes(seed_path("001").read_text(encoding="utf-8").encode("gb18030"))
    root = tmp_path / "corpus"
    done = CliRunner().invoke(main, ["ingest", str(seed_path("001")), str(copy), "--corpus", str(root), "-j", "1"])
    assert done.exit_code == 0, done.output
    (item,) = review_queue(Corpus(root))
    assert item["kind"] == "flagged-canonical" and item["a"]["is_canonical"] and not item["b"]["is_canonical"]
    assert item["reason"].startswith("the canonical is flagged repeated-passage; ")
    assert item["reason"].endswith(f"{item['b']['path']} is flagged repeated-passage")
    done = CliRunner().invoke(main, ["canonical", item["b"]["path"], "--reason", "the publisher's encoding",
                                     "--corpus", str(root)])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert review_queue(Corpus(root)) == []
