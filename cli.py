"""policy-dedup: normalize, deduplicate and keep a corpus of Chinese policy notices.

Each command parses its options, calls one library function and prints; library errors become
messages that say what to do.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dedupe import (
    DedupeConfig,
    DedupeError,
    Document,
    Rejected,
    discover,
    find_duplicates,
    read_document,
    read_documents,
)
from dedupe.explain import explain_pair, format_explanation
from normalize import NormalizeConfig, NormalizeError, normalize


class BadInput(click.ClickException):
    """Bad input (a missing, binary or undecodable file): exit code 2."""

    exit_code = 2


def _jobs_default() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def dedupe_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the commands that compare notices."""

    @click.option(
        "--threshold",
        type=click.FloatRange(0.0, 1.0, min_open=True),
        default=0.8,
        show_default=True,
        help="Exact Jaccard from which two notices are near duplicates.",
    )
    @click.option(
        "--jobs",
        "-j",
        type=click.IntRange(1),
        default=None,
        help="Worker processes for decoding, normalizing and signatures [default: all cores].",
    )
    @click.option("--encoding", default=None, help="Decode every file with this encoding instead of detecting it.")
    @functools.wraps(fn)
    def wrapper(*args: Any, threshold: float, jobs: int | None, encoding: str | None, **kwargs: Any) -> Any:
        config = DedupeConfig(near_threshold=threshold, candidate_threshold=min(0.4, threshold))
        return fn(*args, config=config, jobs=jobs or _jobs_default(), ncfg=NormalizeConfig(encoding=encoding), **kwargs)

    return wrapper


def _report_rejected(rejected: list[Rejected]) -> None:
    for r in rejected:
        click.echo(f"skipped {r.path}: {r.reason}", err=True)


def _read_all(paths: tuple[str, ...], jobs: int, ncfg: NormalizeConfig, config: DedupeConfig) -> list[Document]:
    files = list(discover(paths))
    if not files:
        raise BadInput("no notices found: give files or folders holding *.txt, *.md, *.html or *.htm")
    results = read_documents(files, jobs=jobs, normalize_config=ncfg, config=config)
    docs = [r for r in results if isinstance(r, Document)]
    _report_rejected([r for r in results if isinstance(r, Rejected)])
    if not docs:
        raise BadInput("none of the files could be read as a notice (see the reasons above)")
    return docs


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policy-dedup")
def main() -> None:
    """Normalize and deduplicate scraped Chinese government policy notices."""


@main.command("normalize")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--key", "show_key", is_flag=True, help="Print the comparison key instead of the clean text.")
@click.option("--explain", is_flag=True, help="List every change by step, with counts and examples.")
@click.option("--encoding", default=None, help="Decode with this encoding instead of detecting it.")
def normalize_command(files: tuple[str, ...], show_key: bool, explain: bool, encoding: str | None) -> None:
    """Print the clean text (or the key) of each FILE."""
    for path in files:
        p = Path(path)
        if p.is_dir():
            raise click.UsageError(f"{path} is a directory: name the files to normalize", ctx=None) from None
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            result = normalize(data, NormalizeConfig(encoding=encoding))
        except NormalizeError as exc:
            raise BadInput(f"{path}: {exc}") from exc
        if len(files) > 1:
            click.echo(f"==> {path} <==")
        click.echo(result.key if show_key else result.text)
        if explain:
            click.echo(f"--- changes in {path}", err=True)
            click.echo(result.explain(), err=True)


@main.command("dedupe")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (documents and clusters).")
@dedupe_options
def dedupe_command(
    paths: tuple[str, ...], as_json: bool, config: DedupeConfig, jobs: int, ncfg: NormalizeConfig
) -> None:
    """Cluster the notices in PATHS (files or folders) and elect a canonical per cluster."""
    try:
        result = find_duplicates(_read_all(paths, jobs, ncfg, config), config)
    except DedupeError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result_json(result), ensure_ascii=False, indent=2))
        return
    for c in result.clusters:
        click.echo(f"cluster {c.id} ({len(c.members)} notice{'s' if len(c.members) > 1 else ''})")
        for m in c.members:
            ms = result.membership[m.id]
            tag = "canonical" if m is c.canonical else f"{ms.relation} {ms.similarity:.3f}"
            click.echo(f"  {tag:<16} {m.path}")
        if len(c.members) > 1:
            click.echo(f"  why canonical: {c.reason}")
    dups = sum(len(c.members) - 1 for c in result.clusters)
    click.echo(f"{len(result.documents)} notices, {len(result.clusters)} clusters, {dups} duplicates")


def result_json(result: Any) -> dict[str, Any]:
    """The JSON shape of DESIGN section 6."""
    documents = []
    for d in sorted(result.documents, key=lambda d: d.path):
        ms = result.membership[d.id]
        documents.append(
            {
                "path": d.path,
                "id": d.id,
                "encoding": d.normalized.encoding,
                "cluster": ms.cluster.id,
                "canonical": ms.cluster.canonical is d,
                "relation": ms.relation,
                "similarity": ms.similarity,
            }
        )
    clusters = [
        {"id": c.id, "canonical": c.canonical.path, "members": [m.path for m in c.members], "reason": c.reason}
        for c in result.clusters
    ]
    return {"documents": documents, "clusters": clusters}


@main.command("explain")
@click.argument("a", type=click.Path(exists=True, dir_okay=False))
@click.argument("b", type=click.Path(exists=True, dir_okay=False))
@click.option("--encoding", default=None, help="Decode both files with this encoding instead of detecting it.")
def explain_command(a: str, b: str, encoding: str | None) -> None:
    """Similarity, relation, veto and a character diff of two notices A and B."""
    docs = [read_document(p, i, NormalizeConfig(encoding=encoding)) for i, p in enumerate((a, b))]
    for d in docs:
        if isinstance(d, Rejected):
            raise BadInput(f"{d.path} {d.reason}")
    first, second = docs
    assert isinstance(first, Document) and isinstance(second, Document)
    click.echo(format_explanation(explain_pair(first, second)))


if __name__ == "__main__":
    sys.exit(main())
