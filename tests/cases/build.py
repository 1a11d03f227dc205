"""Build the labelled normalization cases from real notices (run by hand; the JSON is committed).

    python tests/cases/build.py --realdata ../shared/realdata

Each case renders real, already clean paragraphs the way scrapers deliver them (PDF hard wraps with
page numbers, web half-width punctuation and toolbars, Markdown, full-width digits, Kangxi radicals)
and expects the original paragraphs back. Sources: the seed 001 notice and lawrefbook regulations.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLEAN = re.compile(r"^[\u4e00-\u9fff0-9，。、；：“”《》（）〔〕]+$")
KANGXI = {"一": "⼀", "人": "⼈", "大": "⼤", "工": "⼯", "日": "⽇", "月": "⽉", "力": "⼒", "文": "⽂"}
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
HALF = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})


def paragraphs(realdata: Path, rng: random.Random) -> list[tuple[str, str]]:
    """Clean real paragraphs of 40–160 characters with their source."""
    found: list[tuple[str, str]] = []
    seed = ROOT / "corpus" / "raw" / "001_b941cff894a1117e.txt"
    sources = [seed, *sorted((realdata / "lawrefbook").rglob("*.md"))]
    rng.shuffle(sources[1:])
    for path in [sources[0], *sources[1:200]]:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().replace("\u3000", "")
            line = re.sub(r"^(第[一二三四五六七八九十百零]+条) ", r"\1", line)
            if 40 <= len(line) <= 160 and CLEAN.match(line) and not line.startswith(("第", "（")):
                rel = path.relative_to(realdata) if realdata in path.parents else path.relative_to(ROOT)
                found.append((line, str(rel)))
    rng.shuffle(found)
    return found


def hard_wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


SENTENCE_AT_WRAP = (
    "a PDF line that ends a sentence exactly at the page width cannot be told from the end of a "
    "paragraph, so the break is kept"
)


def pdf_case(paras: list[str], rng: random.Random, page: int, width: int) -> str:
    lines: list[str] = []
    for p in paras:
        lines.extend(hard_wrap(p, width))
    cut = rng.randrange(1, len(lines))
    marker = rng.choice([f"— {page} —", f"- {page} -", f"－{page}－", f"第 {page} 页 共 9 页"])
    lines[cut:cut] = ["", marker, ""]
    sep = rng.choice(["\n", "\n\n"])
    text = sep.join(lines)
    return re.sub(r"(\d+)(?=[年月日万个元])", r"\1 ", text) if rng.random() < 0.7 else text


def build(realdata: Path) -> dict[str, list[dict[str, str]]]:
    rng = random.Random(20231)
    pool = paragraphs(realdata, rng)
    take = iter(pool)
    cases: dict[str, list[dict[str, str]]] = {k: [] for k in ("pdf", "web", "markdown", "characters")}
    for i in range(20):
        paras = [next(take) for _ in range(3)]
        expected = "\n".join(p for p, _ in paras)
        width = rng.choice([26, 28, 30])
        case = {
            "label": f"pdf hard wrap with page number #{i}",
            "source": paras[0][1],
            "input": pdf_case([p for p, _ in paras], rng, i + 1, width),
            "expected": expected,
        }
        if any(line.endswith("。") for p, _ in paras for line in hard_wrap(p, width)[:-1]):
            case["xfail"] = SENTENCE_AT_WRAP
        cases["pdf"].append(case)
    for i in range(15):
        paras = [next(take) for _ in range(2)]
        expected = "\n".join(p for p, _ in paras)
        body = "\n".join(p.translate(HALF) for p, _ in paras)
        head = rng.choice(
            [
                "【字体：大 中 小】",
                "【字体：大 中 小】 【打印】 【关闭】",
                "当前位置：首页 > 政务公开 > 通知公告",
                "分享到：",
            ]
        )
        tail = rng.choice(["发表评论", "打印本页 关闭窗口", "【打印】【关闭】", "上一篇：关于做好有关工作的通知"])
        cases["web"].append(
            {
                "label": f"web half-width punctuation and toolbar #{i}",
                "source": paras[0][1],
                "input": f"{head}\n{body}\n{tail}",
                "expected": expected,
            }
        )
    for i in range(10):
        (heading, src), (para, _) = next(take), next(take)
        heading = heading[:18].rstrip("，。、；：")
        cases["markdown"].append(
            {
                "label": f"markdown heading and bold #{i}",
                "source": src,
                "input": f"## {heading}\n\n**{para[:10]}**{para[10:]}\n\n> {para}",
                "expected": f"{heading}\n{para}\n{para}",
            }
        )
    for i in range(10):
        para, src = next(take)
        noisy = "".join(KANGXI.get(ch, ch) if rng.random() < 0.5 else ch for ch in para)
        cases["characters"].append(
            {
                "label": f"kangxi radicals and full-width digits #{i}",
                "source": src,
                "input": ("\u3000\u3000" + noisy).translate(FULLWIDTH_DIGITS),
                "expected": para,
            }
        )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    args = parser.parse_args()
    for kind, items in build(args.realdata.resolve()).items():
        out = Path(__file__).with_name(f"{kind}.json")
        out.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{out.name}: {len(items)} cases")


if __name__ == "__main__":
    main()
