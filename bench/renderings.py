"""Realistic scrape renderings of real notices, for the accuracy and speed benchmarks.

Each function takes a clean Markdown notice (lawrefbook) and returns the bytes a scraper would
store: a PDF extraction, a web page in GBK with a site's navigation, a Big5 traditional copy, a
UTF-16 file, a truncated copy, an OCR-like copy, or the same file posted twice.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from pathlib import Path

import opencc

from bench.data import need

_INFO = re.compile(r"<!--.*?-->")
_LOOKALIKE = {"已": "己", "己": "已", "日": "曰", "人": "入", "未": "末", "土": "士", "戊": "戌"}
_S2T = opencc.OpenCC("s2t")


def paragraphs(markdown: str) -> list[str]:
    out = []
    for line in _INFO.sub("", markdown).splitlines():
        line = line.strip().lstrip("#").strip().replace("\u200b", "")
        if line:
            out.append(line)
    return out


def pdf(markdown: str, rng: random.Random) -> bytes:
    width = rng.choice([26, 28, 30])
    lines: list[str] = []
    page = 1
    for para in paragraphs(markdown):
        for i in range(0, len(para), width):
            lines.append(para[i : i + width])
            if len(lines) % 40 == 0:
                page += 1
                lines.extend(["", f"— {page} —", ""])
    text = ("\n\n" if rng.random() < 0.5 else "\n").join(lines)
    text = re.sub(r"(\d+)(?=[年月日号条])", r"\1 ", text)
    return f"— 1 —\n\n{text}\n".encode()


_HALF = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})


def _site(body: list[str], title: str, rng: random.Random, charset: str) -> str:
    site = rng.choice(["某某市人民政府门户网站", "某某省人力资源和社会保障厅", "某某区政务服务网"])
    nav = "".join(
        f'<li><a href="/c{i}/">{name}</a></li>'
        for i, name in enumerate(
            [
                "首页",
                "政务公开",
                "政策法规",
                "政务服务",
                "互动交流",
                "数据开放",
                "专题专栏",
                "机构职能",
                "领导信息",
                "通知公告",
                "部门文件",
                "政策解读",
                "规划计划",
                "财政资金",
                "人事信息",
                "新闻发布",
                "办事指南",
                "在线访谈",
            ]
        )
    )
    paras = "".join(f"<p>{html.escape(p.translate(_HALF))}</p>" for p in body)
    links = "".join(
        f'<li><a href="/l{i}">· {site[:2]}{name}</a></li>'
        for i, name in enumerate(
            [
                "市委组织部",
                "市委宣传部",
                "市发展改革委",
                "市教育局",
                "市科技局",
                "市公安局",
                "市民政局",
                "市司法局",
                "市财政局",
            ]
        )
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{html.escape(title)} - {site}</title></head>'
        f'<body><div class="header"><ul class="nav">{nav}</ul><div class="search">搜索 热词：社保 医保 公积金</div></div>'
        f'<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政策法规</div>'
        f'<div class="article"><h1>{html.escape(title)}</h1><div class="info">来源：{site} 发布时间：2024-05-0{rng.randint(1, 9)}'
        f' 【字体：大 中 小】</div><div class="content">{paras}</div>'
        f'<div class="tools">【打印本页】【关闭窗口】</div><div class="share">分享到：微信 微博</div></div>'
        f'<div class="comment">发表评论</div><div class="links"><ul>{links}</ul></div>'
        f'<div class="footer">版权所有：{site} 主办：{site}办公室 网站标识码：3700000001 鲁ICP备05002359号'
        f" 鲁公网安备 37010202000001号</div></body></html>"
    )


def web(markdown: str, rng: random.Random) -> bytes:
    paras = paragraphs(markdown)
    page = _site(paras[1:], paras[0], rng, "gbk")
    try:
        return page.encode("gb18030")
    except UnicodeEncodeError:
        return page.replace('charset="gbk"', 'charset="utf-8"').encode()


def big5(markdown: str, rng: random.Random) -> bytes:
    text = _S2T.convert("\n".join(paragraphs(markdown)))
    try:
        return text.encode("big5hkscs")
    except UnicodeEncodeError:
        return text.encode("utf-16")


def utf16(markdown: str, rng: random.Random) -> bytes:
    return "\n\n".join(paragraphs(markdown)).encode("utf-16")


def truncated(markdown: str, rng: random.Random) -> bytes:
    text = "\n".join(paragraphs(markdown))
    return text[: int(len(text) * rng.uniform(0.75, 0.9))].encode()


def ocr(markdown: str, rng: random.Random) -> bytes:
    paras = paragraphs(markdown)
    if len(paras) > 4:
        del paras[rng.randrange(2, len(paras))]
    out = []
    for ch in "\n".join(paras):
        if ch in _LOOKALIKE and rng.random() < 0.3:
            out.append(_LOOKALIKE[ch])
        elif ch != "\n" and rng.random() < 0.003:
            continue
        else:
            out.append(ch)
    return "".join(out).encode("gb18030", errors="replace")


def repost(markdown: str, rng: random.Random) -> bytes:
    return markdown.encode()


RENDERINGS: dict[str, Callable[[str, random.Random], bytes]] = {
    "pdf": pdf,
    "web": web,
    "big5": big5,
    "utf16": utf16,
    "truncated": truncated,
    "ocr": ocr,
    "repost": repost,
}
SUFFIX = {"web": ".html"}


def lawrefbook_files(realdata: Path) -> list[Path]:
    need(realdata, "lawrefbook")
    root = realdata / "lawrefbook"
    return sorted(p for p in root.rglob("*.md") if p.name not in {"_index.md", "README.md"} and "模版" not in p.name)
