"""What the archive keeps, against labels made by reading real scraped files.

    python bench/archive.py [--realdata ../shared/realdata] [--labels tests/cases/archive/] [--verbose]

Each labels file (``tests/cases/archive/*.json``, see its README) names files of one folder of
the real data, what a careful archivist reading each of them decided (is it a notice, its
acceptable titles and dates, furniture strings that must go, strings that must stay) and the
clusters among them (files that are one notice) with the acceptable canonical members.

The labelled files of a folder are read and deduplicated together, as ``dedupe`` reads and
deduplicates the files it is given, and the bench prints, per folder, the share of files with:

- no leftover furniture: none of the file's labelled furniture strings and none of the generic
  furniture patterns (:data:`FURNITURE`) in the clean text, and every ``keep`` string in it;
- the right title (``meta.title`` equal to an acceptable one, whitespace removed, NFKC);
- the right date (``meta.date`` one of the acceptable ones; none when the text gives none);
- no flattened cell line (:func:`flattened_lines`);
- the right verdict on being a notice: non-notices refused (a ``NormalizeError``) or flagged,
  notices neither;

and, over the labelled clusters, the share whose elected canonical is acceptable, and merge pair
precision and recall (pairs inside a labelled cluster must merge, pairs of labelled files of two
clusters, a lone file being its own cluster, must not). The text checks count over notices only;
a notice that is refused fails them. ``--verbose`` lists every failure with what failed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the engine is imported where it runs: the checks below need none of it

from bench.data import need  # noqa: E402

# Site furniture that is never part of a notice, on any site: (name, pattern). Each pattern is
# narrow enough not to meet a notice's own sentences (a law on copyright says 著作权, not
# "版权所有：", and office hours are not written as a numeric date with a time).
FURNITURE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
    for name, pattern in (
        ("breadcrumb", r"您的当前位置|您现在的位置|当前位置\s*[:：]"),
        (
            "print/close links",
            r"打印本页|打印此页|关闭窗口|【\s*打印\s*】|【\s*关闭\s*】|\[\s*打印\s*\]|\[\s*关闭\s*\]",
        ),
        (
            "font-size bar",
            r"字号\s*[:：]?\s*[【\[（(]?\s*大\s*中\s*小|[【\[]\s*大\s*中\s*小\s*[】\]]|字体\s*[:：]\s*大\s*中\s*小"
            r"|字体大小|增大字号|减小字号|A-\s*A\s*A\+|A\+大A\+中A\+小",
        ),
        ("comments", r"发表评论|我要评论|网友评论"),
        ("view counter", r"浏览次数|阅读次数|点击次数|点击数\s*[:：]|访问量\s*[:：]|浏览量\s*[:：]"),
        ("ICP line", r"ICP\s*备|ICP\s*证|公网安备"),
        ("copyright", r"copyright|all rights reserved|版权所有\s*[:：©]|©"),
        ("browser advice", r"(?:浏览|显示).{0,12}分辨率|分辨率.{0,12}(?:浏览|显示)|建议使用.{0,20}浏览器"),
        ("disclaimer", r"不代表本\S{0,4}(?:网|站)\S{0,4}观点|本文不代表"),
        ("原标题", r"原标题\s*[:：]"),
        ("share bar", r"QQ空间|新浪微博|腾讯微博|分享到\s*[:：]?|扫一扫分享|人人网|开心网|^\s*(?:微信)?扫一扫\s*$"),
        ("encyclopedia", r"本词条|词条标签|^\s*(?:\[\d+\]\s*)?参考资料\s*$|编辑本段|百度百科"),
        (
            "page chrome",
            r"设为首页|加入收藏|网站地图|返回顶部|内容纠错|隐私声明|责任编辑\s*[:：]|窗体顶端|窗体底端|无障碍浏览"
            r"|Skip to content|Permalink|Fetching contributors"
            r"|^\s*(?:相关链接|相关文章|相关文档|相关新闻|上一篇|下一篇|联系我们|无障碍)\s*[:：|]?",
        ),
        ("per-page URL", r"^\s*(?:https?://|www\.)[A-Za-z0-9_./:?=&%#~+\-]+\s*$"),
        ("N of M", r"(?<![A-Za-z])\d{1,4}\s+of\s+\d{1,4}(?![A-Za-z])"),
        ("第N页 共M页", r"第\s*\d+\s*页\s*[,，/]?\s*共\s*\d+\s*页|共\s*\d+\s*页\s*[,，/]?\s*第\s*\d+\s*页"),
        ("page date-time", r"\d{4}[-/]\d{1,2}[-/]\d{1,2}\s*\d{1,2}:\d{2}"),
    )
)

# a paragraph opening glued after a sentence end: 。第三条 / 。一、/ 。（一）/ 。1.
_OPENING = re.compile(r"[。；：!?！？]\s*(?:第[一二三四五六七八九十百零〇\d]+[条章节]|[一二三四五六七八九十]+、"
                      r"|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、](?!\d))")  # fmt: skip
_RESIDUE = re.compile(r"^[\s|]*\|[\s|]*\|[\s|]*$")


def leftover_furniture(text: str, furniture: Iterable[str] = ()) -> list[str]:
    """The furniture found in ``text``: the labelled strings present, then each generic
    pattern's first match as ``name: match``."""
    found = [s for s in furniture if s in text]
    for name, pattern in FURNITURE:
        m = pattern.search(text)
        if m:
            found.append(f"{name}: {m.group(0).strip()[:40]}")
    return found


def missing_keeps(text: str, keep: Iterable[str]) -> list[str]:
    """The strings that belong to the notice and are not in ``text`` (whitespace ignored)."""
    squeezed = re.sub(r"\s+", "", text)
    return [s for s in keep if re.sub(r"\s+", "", s) not in squeezed]


def flattened_lines(text: str) -> list[str]:
    """Lines that are a table's flattening of a notice, not a paragraph: a residue line of empty
    cells (``| | |``); a line holding ``|`` over 300 characters that is one or two cells (a notice
    in a layout cell); a line, or a cell, over 500 characters gluing two or more paragraph
    openings (``。第三条``, ``。一、``…). A real table's row whose cells hold a paragraph or a
    short list each is a table, not a flattening."""
    out = []
    for line in text.split("\n"):
        openings = len(_OPENING.findall(line)) if len(line) > 300 else 0
        cells = [c for c in line.split("|") if c.strip()]
        one_cell = "|" in line and len(line) > 300 and len(cells) <= 2
        glued = openings >= 2 and max(len(c) for c in cells) > 500  # a cell (or a line) gluing paragraphs
        if _RESIDUE.match(line) or one_cell or glued:
            out.append(line)
    return out


def squeeze(s: str) -> str:
    """NFKC, whitespace removed: how titles are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def title_matches(title: str | None, titles: Sequence[str]) -> bool:
    """Is ``title`` one of the acceptable ``titles``? With none acceptable, only no title is."""
    if not titles:
        return not title
    return title is not None and squeeze(title) in {squeeze(t) for t in titles}


def date_matches(date: str | None, dates: Sequence[str]) -> bool:
    return date is None if not dates else date in dates


def flagged(normalized: object) -> bool:
    """Was the file accepted only as a flagged non-notice? (any of these attributes true, on
    the result or its metadata)"""
    names = ("non_notice", "not_notice", "not_a_notice")
    return any(getattr(o, n, False) is True for o in (normalized, getattr(normalized, "meta", None)) for n in names)


@dataclass
class Outcome:
    """One labelled file as read: the failures of each check (empty: passed)."""

    path: str
    notice: bool
    refused: str | None = None
    failures: dict[str, list[str]] = field(default_factory=dict)


CHECKS = ("no furniture", "title", "date", "no flattened line", "notice verdict")


def judge(path: str, label: dict, read: object) -> Outcome:
    """Every check of one labelled file against how it was read (a Document or a refusal)."""
    out = Outcome(path, label["notice"])
    doc = read if hasattr(read, "normalized") else None  # a Document, else a refusal
    out.refused = None if doc else str(getattr(read, "reason", read))
    is_flagged = doc is not None and flagged(doc.normalized)
    if not label["notice"]:
        if doc and not is_flagged:
            out.failures["notice verdict"] = [
                f"kept as a notice ({len(doc.text)} characters, title {doc.normalized.meta.title!r})"
            ]
        return out
    if not doc or is_flagged:
        out.failures["notice verdict"] = [f"refused: {out.refused}" if not doc else "flagged as a non-notice"]
        for check in CHECKS[:4]:
            out.failures[check] = ["no text"]
        return out
    text, meta = doc.text, doc.normalized.meta
    bad = leftover_furniture(text, label.get("furniture", [])) + [
        f"lost: {s}" for s in missing_keeps(text, label.get("keep", []))
    ]
    if bad:
        out.failures["no furniture"] = bad
    if not title_matches(meta.title, label.get("titles", [])):
        out.failures["title"] = [f"{meta.title!r}, not {label.get('titles', [])[:1] or 'none'}"]
    if not date_matches(meta.date, label.get("dates", [])):
        out.failures["date"] = [f"{meta.date}, not {label.get('dates') or 'none'}"]
    flat = flattened_lines(text)
    if flat:
        worst = max(flat, key=len)
        out.failures["no flattened line"] = [
            f"{len(flat)} line(s), the longest {len(worst)} characters: {worst[:60]!r}"
        ]
    return out


def engine_run(paths: list[str]) -> tuple[dict[str, object], dict[str, str], dict[str, str]]:
    """Read and deduplicate the files as ``dedupe`` does: what each file was read as (a Document
    or a refusal), each file's cluster id, and each cluster's canonical path."""
    from dedupe import Document, find_duplicates, read_documents

    read = read_documents(paths, jobs=2)
    by_path = {p: r for p, r in zip(paths, read, strict=True)}
    docs = [r for r in read if isinstance(r, Document)]
    result = find_duplicates(docs, jobs=2)
    cluster = {d.path: result.membership[d.id].cluster.id for d in docs if d.id in result.membership}
    for copy, first in result.copies:
        cluster[copy.path] = cluster.get(first.path, first.path)
    canonical = {c.id: c.canonical.path for c in result.clusters}
    return by_path, cluster, canonical


def cluster_scores(labels: dict, root: Path, cluster: dict[str, str], canonical: dict[str, str]) -> tuple[list, dict]:
    """Per labelled cluster (members, acceptable canonicals, elected canonical, right?), and the
    merge pair counts against the labels."""
    truth: dict[str, int] = {}
    rows = []
    for i, c in enumerate(labels["clusters"]):
        for m in c["members"]:
            truth[m] = i
        ids = Counter(cluster.get(str(root / m)) for m in c["members"] if cluster.get(str(root / m)))
        elected = canonical.get(ids.most_common(1)[0][0]) if ids else None
        elected = str(Path(elected).relative_to(root)) if elected else None
        rows.append((c, elected, elected in c["canonical"], len(ids)))
    files = sorted(set(labels["files"]) | set(truth))
    for n, f in enumerate(files):
        truth.setdefault(f, -1 - n)
    tp = fp = fn = 0
    for a, b in itertools.combinations(files, 2):
        ca, cb = cluster.get(str(root / a)), cluster.get(str(root / b))
        merged = ca is not None and ca == cb
        same = truth[a] == truth[b]
        tp, fp, fn = tp + (same and merged), fp + (merged and not same), fn + (same and not merged)
    return rows, {"tp": tp, "fp": fp, "fn": fn}


def share(passed: int, total: int) -> str:
    return f"{passed}/{total} ({passed / total:.0%})" if total else "–"


def bench_folder(labels: dict, realdata: Path, verbose: bool) -> None:
    root = realdata
    members = {m for c in labels["clusters"] for m in c["members"]}
    paths = sorted(set(labels["files"]) | members)
    missing = [p for p in paths if not (root / p).is_file()]
    if missing:
        sys.exit(f"labelled files not found under {root}: {missing[:3]}")
    began = time.perf_counter()
    by_path, cluster, canonical = engine_run([str(root / p) for p in paths])
    outcomes = [judge(p, labels["files"][p], by_path[str(root / p)]) for p in sorted(labels["files"])]
    notices = [o for o in outcomes if o.notice]
    rows, pairs = cluster_scores(labels, root, cluster, canonical)
    print(f"\n## {labels['folder']}: {len(outcomes)} labelled files ({len(notices)} notices), "
          f"{len(rows)} labelled clusters ({time.perf_counter() - began:.0f} s)\n")  # fmt: skip
    print("| check | right |\n|---|---|")
    for check in CHECKS[:4]:
        print(f"| {check} | {share(sum(1 for o in notices if check not in o.failures), len(notices))} |")
    non = [o for o in outcomes if not o.notice]
    print(f"| non-notices refused or flagged | {share(sum(1 for o in non if not o.failures), len(non))} |")
    print(
        f"| notices not refused | {share(sum(1 for o in notices if 'notice verdict' not in o.failures), len(notices))} |"
    )
    print(f"| all checks passed | {share(sum(1 for o in outcomes if not o.failures), len(outcomes))} |")
    print(f"| canonical right | {share(sum(1 for r in rows if r[2]), len(rows))} |")
    tp, fp, fn = pairs["tp"], pairs["fp"], pairs["fn"]
    p = f"{tp / (tp + fp):.3f}" if tp + fp else "–"
    r = f"{tp / (tp + fn):.3f}" if tp + fn else "–"
    print(f"| merge pairs | precision {p} ({fp} false), recall {r} ({tp}/{tp + fn}) |")
    if verbose:
        print()
        for o in outcomes:
            shown = [f"{check}: {'; '.join(why)}" for check, why in o.failures.items() if why != ["no text"]]
            if shown:
                name = o.path.split("/", 1)[1].replace("\n", "⏎")  # one file's name holds a line break
                print(f"- {name} | " + " | ".join(shown))
        for c, elected, right, split in rows:
            if not right or split > 1:
                print(f"- cluster {c['members'][0]} …: elected {elected}, acceptable {c['canonical']}"
                      + (f" (members in {split} clusters)" if split > 1 else ""))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--labels", type=Path, default=ROOT / "tests" / "cases" / "archive")
    parser.add_argument("--verbose", action="store_true", help="list every failing file and cluster")
    args = parser.parse_args()
    need(args.realdata, "mirror", "guangzhou-html")
    for path in sorted(args.labels.glob("*.json")):
        bench_folder(json.loads(path.read_text(encoding="utf-8")), args.realdata, args.verbose)


if __name__ == "__main__":
    main()
