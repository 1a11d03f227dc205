"""The real data sets the benchmarks read, where each comes from, and how to fetch it.

    python bench/data.py                       # which data sets are here, and where each comes from
    python bench/data.py fetch --to DIR        # clone the public sources into DIR (needs git and network)

The tests never read these folders (they carry the few real files they need in ``tests/data/``);
the benchmarks read them through ``--realdata`` (default ``../shared/realdata``). A benchmark
started without its data says which folder it needs and where to get it (:func:`need`), instead
of failing on a missing path.

The folders are subsets of their sources (a hash of the path picked half of some): a fetched copy
holds more files than the figures in ``docs/benchmarks.md`` were measured on, so its figures are
comparable in kind, not to the digit.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT = Path("../shared/realdata")


@dataclass(frozen=True)
class Source:
    folder: str  # under --realdata
    repository: str  # a public git repository, or "" when the files are not published as one
    commit: str  # the commit the copy was taken from, or "" when it is not known
    paths: tuple[str, ...]  # the repository's folders the copy holds
    what: str


SOURCES = (
    Source(
        "lawrefbook",
        "https://github.com/LawRefBook/Laws",
        "",
        ("法律法规",),
        "about 3,000 Chinese laws and local regulations as Markdown, with revision pairs (one title, two dates)",
    ),
    Source(
        "mirror",
        "https://github.com/geek-plus/mirror-CN",
        "",
        ("23城市人口政策数据/0-各城市政策-原始文件", "规范性文件专栏", "各省市规范性文件审查规定"),
        "city and provincial policies saved by hand from government sites, portals and law databases, 2013-2017",
    ),
    Source(
        "pdf",
        "https://github.com/geek-plus/mirror-CN",
        "",
        ("23城市人口政策数据/0-各城市政策-原始文件",),
        "ten PDFs of that archive (its *.pdf files), two without a text layer",
    ),
    Source(
        "wenming",
        "https://github.com/mpr1255/pragmatic_moral_governance",
        "6f3b48c66640eeb34f819f58288fb3a808dceb5e",
        ("",),
        "文明行为促进条例 as published (.doc/.docx) and as a research group exported them",
    ),
    Source(
        "guangzhou-html",
        "",
        "",
        (),
        "about 50 Guangzhou government web pages as scraped in 2025-2026; not published as a repository: "
        "save any city's notice pages with their navigation into this folder to run the web-page benchmarks",
    ),
)
BY_FOLDER = {s.folder: s for s in SOURCES}


def describe(source: Source) -> str:
    where = source.repository or "no public repository"
    at = f" at {source.commit[:12]}" if source.commit else ""
    return f"{source.folder}/: {source.what} (from {where}{at})"


def need(realdata: Path, *folders: str) -> None:
    """Stop with a clear message when a folder a benchmark reads is not there."""
    missing = [f for f in folders if not (realdata / f).is_dir()]
    if not missing:
        return
    lines = [
        f"this benchmark reads {', '.join(f'{realdata / f}/' for f in missing)}, which {'is' if len(missing) == 1 else 'are'} not there:"
    ]
    lines += [f"  {describe(BY_FOLDER[f])}" if f in BY_FOLDER else f"  {f}/" for f in missing]
    lines.append(f"fetch the public ones with: python bench/data.py fetch --to {realdata}  (needs git and network)")
    print("\n".join(lines), file=sys.stderr)
    raise SystemExit(2)


def fetch(to: Path) -> None:
    """Clone each public source once and copy the folders a benchmark reads into ``to``."""
    if not shutil.which("git"):
        raise SystemExit("git is needed to fetch the data sets")
    work = to / ".sources"
    for source in SOURCES:
        if not source.repository:
            print(f"skipped {describe(source)}", file=sys.stderr)
            continue
        clone = work / source.repository.rsplit("/", 2)[-2] / source.repository.rsplit("/", 1)[-1]
        if not clone.exists():
            subprocess.run(["git", "clone", "--quiet", "--", source.repository, str(clone)], check=True)
            if source.commit:
                subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", source.commit], check=True)
        target = to / source.folder
        target.mkdir(parents=True, exist_ok=True)
        for sub in source.paths:
            origin = clone / sub
            if source.folder == "pdf":
                for pdf in origin.rglob("*.pdf"):
                    shutil.copy2(pdf, target / pdf.name)
            else:
                shutil.copytree(origin, target / Path(sub).name if sub else target, dirs_exist_ok=True)
        print(f"fetched {describe(source)} into {target}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["list", "fetch"], default="list")
    parser.add_argument("--to", type=Path, default=DEFAULT, help="where to put the data sets (fetch)")
    parser.add_argument("--realdata", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if args.command == "fetch":
        fetch(args.to)
        return
    for source in SOURCES:
        here = "here" if (args.realdata / source.folder).is_dir() else "missing"
        print(f"{here:8} {describe(source)}")


if __name__ == "__main__":
    main()
