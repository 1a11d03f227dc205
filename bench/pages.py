"""Web pages as scraped: files per second, and time per MB of every page.

    python bench/pages.py [--realdata ../shared/realdata] [--scrape DIR] [--jobs 2] [--compare]

Reads every ``.html``/``.htm`` page of ``guangzhou-html/`` (and of ``--scrape DIR``, a larger
scrape if you have one). Prints:

- one core, in one process, each page the better of two runs (one-time loading is not a
  page's cost): pages/s, MB/s, and the slowest pages in seconds per MB;
- ``policy-dedup dedupe --jobs N`` on the folder as a whole process, its start included.

``--compare`` sets the page reader (``normalize.web``) against the former one (trafilatura's
main-content extraction, ``bench/former_pages.py``; install trafilatura for it) on the same pages
of ``guangzhou-html/`` and ``mirror/``, in one run: pages/s of the extraction alone and of the
whole normalization on one core (CPU seconds), and, on the pages labelled in
``tests/cases/archive/``, the share whose extracted text has the right title as its
first line, no furniture left (the labels' strings, and the generic patterns of
``bench/archive.py``, every ``keep`` string present) and no flattened table-cell line.

Time per MB is the figure bounded by input size; a small page's time is mostly the fixed cost
of running the extractor once, so it is printed beside its size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from dedupe.files import normalize_named  # noqa: E402
from normalize import NormalizeError  # noqa: E402


def pages_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".html", ".htm"))


def one_core(pages: list[Path]) -> list[tuple[float, int, str]]:
    """(seconds, bytes, name) of each page, normalized as ``dedupe`` reads it: the better of two
    runs, so that one-time loading (imports; justext's stop lists, 0.2 s, on the first page that
    needs them) is not charged to one page."""
    out = []
    for page in pages:
        data = page.read_bytes()
        best = float("inf")
        for _ in range(2):
            began = time.process_time()  # CPU seconds: a core's rate, whatever else the machine runs
            with contextlib.suppress(NormalizeError):  # a refusal takes its time too
                normalize_named(str(page), data)
            best = min(best, time.process_time() - began)
        out.append((best, len(data), page.name))
    return out


def report(label: str, folder: Path, jobs: int) -> None:
    pages = pages_of(folder)
    if not pages:
        print(f"{label}: no pages in {folder}")
        return
    rows = one_core(pages)
    took, size = sum(r[0] for r in rows), sum(r[1] for r in rows)
    print(f"\n{label}: {len(rows)} pages, {size / 1e6:.1f} MB")
    print(f"one core: {took:.2f} s, {len(rows) / took:.0f} pages/s, {size / 1e6 / took:.2f} MB/s")
    print("| slowest per MB | KB | s | s/MB |\n|---|---|---|---|")
    for seconds, n, name in sorted(rows, key=lambda r: r[0] / r[1], reverse=True)[:5]:
        print(f"| {name} | {n / 1e3:.0f} | {seconds:.3f} | {seconds / (n / 1e6):.2f} |")
    big = [r for r in rows if r[1] >= 100_000]
    if big:
        worst = max(r[0] / (r[1] / 1e6) for r in big)
        print(f"pages of 100 KB or more: {len(big)}, the slowest {worst:.2f} s/MB")
    began = time.perf_counter()
    cmd = [sys.executable, "-m", "cli", "dedupe", str(folder), "--json", "--jobs", str(jobs)]
    code = subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode
    wall = time.perf_counter() - began
    print(f"dedupe --jobs {jobs} (whole process, exit {code}): {wall:.2f} s, {len(rows) / wall:.0f} pages/s")


def _timed(texts: list[str], extract: Callable[[str], object]) -> float:
    """Pages/s of ``extract`` over ``texts``, the better of two runs; a refusal takes its time too.
    Timed in CPU seconds of this process: a core's rate, whatever else the machine runs."""
    best = float("inf")
    for _ in range(2):
        began = time.process_time()
        for text in texts:
            with contextlib.suppress(NormalizeError):
                extract(text)
        best = min(best, time.process_time() - began)
    return len(texts) / best


def _former(raw: str, log: object = None, utf8: bytes | None = None) -> str:
    from bench.former_pages import trafilatura_text

    return trafilatura_text(raw)


@contextlib.contextmanager
def former_reader() -> Iterator[None]:
    """``normalize`` as it read pages before: trafilatura, and hard wraps rejoined after it."""
    import normalize as package

    extract, clean = package.extract_main_text, package.clean_text
    package.extract_main_text = _former
    package.clean_text = lambda text, config=package.NormalizeConfig(), log=None: clean(
        text, config._replace(rejoin_wraps=True), log
    )
    try:
        yield
    finally:
        package.extract_main_text, package.clean_text = extract, clean


def _labelled(realdata: Path) -> list[tuple[Path, dict]]:
    pages = []
    for path in sorted((ROOT / "tests" / "cases" / "archive").glob("*.json")):
        for name, label in json.loads(path.read_text(encoding="utf-8"))["files"].items():
            if label.get("notice") and Path(name).suffix.lower() in (".html", ".htm"):
                pages.append((realdata / name, label))
    return pages


def _right(text: str, label: dict) -> tuple[bool, bool, bool]:
    """(title first, no furniture, no flattened line) of one extracted text against its label."""
    from bench.archive import flattened_lines, leftover_furniture, missing_keeps, title_matches

    first = text.split("\n", 1)[0].strip()
    furniture = leftover_furniture(text, label.get("furniture", [])) + missing_keeps(text, label.get("keep", []))
    return title_matches(first, label.get("titles", [])), not furniture, not flattened_lines(text)


def compare(realdata: Path) -> None:
    """The page reader against the former one: speed and rightness on the same pages."""
    from bench.former_pages import available, trafilatura_text
    from normalize import normalize
    from normalize.decode import decode
    from normalize.html import extract_main_text

    pages = pages_of(realdata / "guangzhou-html") + pages_of(realdata / "mirror")
    raw = [p.read_bytes() for p in pages]
    texts = [decode(b).text for b in raw]
    labelled = _labelled(realdata)
    print(f"\n## page readers on {len(pages)} pages, {sum(map(len, raw)) / 1e6:.1f} MB (one core)\n")
    print("| reader | extraction pages/s | normalize pages/s | title first | no furniture | no flattened line |")
    print("|---|---|---|---|---|---|")
    readers = [("normalize.web", extract_main_text)]
    if available():
        readers.insert(0, ("trafilatura (former)", trafilatura_text))
    else:
        print("(trafilatura is not installed: `pip install trafilatura` to compare with the former reader)\n")
    for name, extract in readers:
        took = _timed(texts, extract)
        with former_reader() if extract is trafilatura_text else contextlib.nullcontext():
            whole = _timed(raw, normalize)  # type: ignore[arg-type]
        scores = [0, 0, 0]
        for path, label in labelled:
            try:
                text = extract(decode(path.read_bytes()).text)
            except NormalizeError:
                continue
            for i, ok in enumerate(_right(text, label)):
                scores[i] += ok
        n = len(labelled)
        shares = " | ".join(f"{k}/{n} ({k / n:.0%})" if n else "–" for k in scores)
        print(f"| {name} | {took:.0f} | {whole:.0f} | {shares} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--scrape", type=Path, help="a further folder of scraped pages")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--compare", action="store_true", help="the page reader against the former one")
    args = parser.parse_args()
    need(args.realdata, "guangzhou-html", *(["mirror"] if args.compare else []))
    if args.compare:
        compare(args.realdata)
        return
    report("guangzhou-html", args.realdata / "guangzhou-html", args.jobs)
    if args.scrape:
        report(str(args.scrape), args.scrape, args.jobs)


if __name__ == "__main__":
    main()
