"""Normalization's results, file by file, to prove that a faster normalization gives the same texts.

    python bench/normalize_same.py [--realdata ../shared/realdata] [--peers DIR] --out now.json
    python bench/normalize_same.py --out after.json --compare before.json

Normalizes every file of realdata ``mirror/``, ``guangzhou-html/``, ``wenming/``, ``pdf/``, a
sample of ``lawrefbook/`` (every n-th file of the sorted list, ``--lawrefbook`` files) and the
generated folder of ``bench/peers.py`` (``--peers``, 10,000 notices) as ``dedupe`` reads them
(:func:`dedupe.files.normalize_named`), and writes for each: the sha256 of the clean text and of
the key, the title, date, 文号 and the rest of the metadata, the change log (every step's count
and examples), the other facts of the result, or the refusal. ``--compare`` names the files whose
record differs and how.

It also prints the CPU seconds of each group and of each stage and step (each function timed
where :mod:`normalize` and :mod:`dedupe.files` call it; a step that calls another includes it).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dedupe.files as files_module  # noqa: E402
import normalize as package  # noqa: E402
from bench.data import need  # noqa: E402
from dedupe.files import normalize_named  # noqa: E402
from normalize import Normalized, NormalizeError  # noqa: E402

GROUPS = ("mirror", "guangzhou-html", "wenming", "pdf")
PEERS = ROOT / "bench" / "out" / "peers" / "data" / "10000-7" / "files"
# (module, name) of each function timed where it is called from
TIMED = [
    (package, "extract_text"),
    (package, "decode"),
    (package, "looks_mojibake"),
    (package, "extract_main_text"),
    (package, "extract_capture"),
    (package, "clean_text"),
    (package, "fix_characters"),
    (package, "strip_markup"),
    (package, "remove_page_artifacts"),
    (package, "remove_database_fields"),
    (package, "remove_web_boilerplate"),
    (package, "rejoin_wraps"),
    (package, "fix_punctuation"),
    (package, "fix_spacing"),
    (package, "comparison_key"),
    (package, "extract_meta"),
    (package, "count_private_use"),
    (files_module, "normalize"),
    (files_module, "require_notice"),
]


@contextlib.contextmanager
def timed(seconds: dict[str, float]) -> Iterator[None]:
    """Each function of :data:`TIMED` adds its CPU seconds to ``seconds`` while inside."""
    saved = [(module, name, getattr(module, name)) for module, name in TIMED]

    def wrap(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def inner(*args: Any, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                seconds[name] += time.process_time() - began

        return inner

    for module, name, func in saved:
        setattr(module, name, wrap(name, func))
    try:
        yield
    finally:
        for module, name, func in saved:
            setattr(module, name, func)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def record(result: Normalized) -> dict[str, Any]:
    """What a normalization gives, in a form that compares equal only when the results are equal."""
    meta = asdict(result.meta)
    return {
        "text": _sha(result.text),
        "key": _sha(result.key),
        "title": meta.pop("title"),
        "date": meta.pop("date"),
        "doc_number": meta.pop("doc_number"),
        "meta": meta,
        "changes": [[c.step, c.count, list(c.examples)] for c in result.changes],
        "facts": [
            result.encoding,
            result.confidence,
            result.replacement_chars,
            result.private_use_chars,
            result.mojibake,
            result.mixed_width_punctuation,
            result.was_html,
            result.format,
            [list(x) for x in result.extraction],
        ],
    }


def files_of(realdata: Path, peers: Path, lawrefbook: int) -> list[tuple[str, Path]]:
    """(group, path) of every file read."""
    out: list[tuple[str, Path]] = []
    for group in GROUPS:
        folder = realdata / group
        out += [(group, p) for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "README.md"]
    law = sorted(p for p in (realdata / "lawrefbook").rglob("*") if p.is_file() and p.name != "README.md")
    step = max(1, len(law) // lawrefbook) if lawrefbook else len(law) + 1
    out += [("lawrefbook", p) for p in law[::step][:lawrefbook]]
    if peers.is_dir():
        out += [("peers-10k", p) for p in sorted(peers.iterdir()) if p.is_file()]
    return out


def run(items: list[tuple[str, Path]], roots: dict[str, Path]) -> tuple[dict[str, Any], dict[str, float]]:
    results: dict[str, Any] = {}
    seconds: dict[str, float] = defaultdict(float)
    with timed(seconds):
        for group, path in items:
            data = path.read_bytes()
            began = time.process_time()
            try:
                rec = record(normalize_named(str(path), data))
            except NormalizeError as exc:
                rec = {"refused": f"{type(exc).__name__}: {exc}"}
            seconds[f"group {group}"] += time.process_time() - began
            results[f"{group}/{path.relative_to(roots[group])}"] = rec
    return results, seconds


def compare(now: dict[str, Any], before: dict[str, Any], show: int) -> int:
    """Print the files whose records differ, field by field; the count of them."""
    differ = sorted(k for k in now.keys() & before.keys() if now[k] != before[k])
    for name in differ[:show]:
        a, b = before[name], now[name]
        fields = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        print(f"- {name}:")
        for f in fields:
            print(f"    {f}: {json.dumps(a.get(f), ensure_ascii=False)[:300]}")
            print(f"    {' ' * len(f)}→ {json.dumps(b.get(f), ensure_ascii=False)[:300]}")
    only = (now.keys() - before.keys()) | (before.keys() - now.keys())
    print(f"\n{len(now.keys() & before.keys())} files compared, {len(differ)} differ, {len(only)} in one run only")
    return len(differ) + len(only)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--peers", type=Path, default=PEERS, help="the generated folder of bench/peers.py")
    parser.add_argument("--lawrefbook", type=int, default=3000, help="files of the lawrefbook sample")
    parser.add_argument("--only", help="comma-separated groups to read (mirror,…,lawrefbook,peers-10k)")
    parser.add_argument("--out", type=Path, help="write the records here (JSON)")
    parser.add_argument("--compare", type=Path, help="records of an earlier run to compare with")
    parser.add_argument("--show", type=int, default=20, help="differing files to print")
    args = parser.parse_args()
    wanted_groups = set(args.only.split(",")) if args.only else {*GROUPS, "lawrefbook"}
    need(args.realdata, *(g for g in (*GROUPS, "lawrefbook") if g in wanted_groups))
    items = files_of(args.realdata, args.peers, args.lawrefbook)
    if args.only:
        wanted = set(args.only.split(","))
        items = [(g, p) for g, p in items if g in wanted]
    roots = {g: args.realdata / g for g in (*GROUPS, "lawrefbook")} | {"peers-10k": args.peers}
    results, seconds = run(items, roots)
    results = json.loads(json.dumps(results))  # tuples as lists, as an earlier run's records read back
    print(f"{len(results)} files\n\n| stage or step | CPU s |\n|---|---|")
    for name, s in sorted(seconds.items(), key=lambda kv: (not kv[0].startswith("group"), -kv[1])):
        print(f"| {name} | {s:.2f} |")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        if args.only:
            before = {k: v for k, v in before.items() if k.split("/", 1)[0] in wanted}
        sys.exit(1 if compare(results, before, args.show) else 0)


if __name__ == "__main__":
    main()
