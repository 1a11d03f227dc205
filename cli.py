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
from dedupe.html_report import render_html
from dedupe.report import corpus_report, format_csv, format_table
from dedupe.store import Corpus, Plan
from normalize import NormalizeConfig, NormalizeError, normalize


class BadInput(click.ClickException):
    """Bad input (a missing, binary or undecodable file): exit code 2."""

    exit_code = 2


class Unusable(click.ClickException):
    """The corpus or the shared index could not be used (locked, damaged, unreachable): exit code 3,
    so that ``check`` in CI never reports such trouble with its "duplicates found" code, 1."""

    exit_code = 3


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
    @click.option(
        "--reference-signatures",
        is_flag=True,
        hidden=True,
        help="Compute signatures one shingle at a time through datasketch (slow; for checking).",
    )
    @functools.wraps(fn)
    def wrapper(
        *args: Any, threshold: float, jobs: int | None, encoding: str | None, reference_signatures: bool, **kwargs: Any
    ) -> Any:
        config = DedupeConfig(
            near_threshold=threshold, candidate_threshold=min(0.4, threshold), vectorized=not reference_signatures
        )
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


class _Commands(click.Group):
    """The commands, each with the same exit code (3) for a corpus or index it cannot use."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DedupeError as exc:
            raise Unusable(str(exc)) from exc


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    result = find_duplicates(_read_all(paths, jobs, ncfg, config), config, jobs)
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


def corpus_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the commands that work on a corpus folder."""
    return click.option(
        "--corpus",
        "corpus_dir",
        type=click.Path(file_okay=False),
        default="corpus",
        show_default=True,
        help="The corpus folder.",
    )(fn)


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@corpus_options
@click.option(
    "--index",
    "index_url",
    default=None,
    metavar="URL",
    help="Share the LSH index through Redis (redis://HOST:PORT/DB) instead of building it in memory.",
)
@dedupe_options
def ingest_command(
    paths: tuple[str, ...],
    corpus_dir: str,
    index_url: str | None,
    config: DedupeConfig,
    jobs: int,
    ncfg: NormalizeConfig,
) -> None:
    """Add the notices in PATHS to the corpus: originals kept byte for byte, duplicates clustered."""
    files = list(discover(paths))
    with click.progressbar(
        length=len(files), label="reading", file=sys.stderr, hidden=len(files) < 50 or not sys.stderr.isatty()
    ) as bar:
        corpus = Corpus(corpus_dir, config, ncfg, index_url=index_url, jobs=jobs, progress=bar.update)
        plan = corpus.ingest(paths)
    for r in plan.rejected:
        click.echo(f"rejected {r.path}: {r.reason}", err=True)
    joined = sum(
        1
        for a in plan.additions
        if plan.membership[a.doc.id][1] != "canonical" or plan.membership[a.doc.id][0] != a.doc.id
    )
    changes = sum(1 for d in plan.decisions if d["decision"] == "canonical-change")
    click.echo(
        f"{len(plan.additions)} new original(s): {len(plan.additions) - joined} new notice(s), "
        f"{joined} duplicate(s) of notices already there; {changes} canonical change(s); "
        f"{len(plan.known)} already in the corpus; {len(plan.rejected)} rejected"
    )
    if plan.rejected and not plan.additions and not plan.known:
        raise BadInput("nothing could be ingested (see the reasons above)")


@main.command("check")
@click.argument("paths", nargs=-1, required=True)
@corpus_options
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github prints ::error annotations for GitHub Actions.",
)
@dedupe_options
def check_command(
    paths: tuple[str, ...],
    corpus_dir: str,
    as_json: bool,
    fmt: str,
    config: DedupeConfig,
    jobs: int,
    ncfg: NormalizeConfig,
) -> None:
    """CI: fail (exit 1) when files in PATHS duplicate a corpus notice or each other. Changes nothing."""
    corpus = Corpus(corpus_dir, config, ncfg, jobs=jobs)
    plan = corpus.plan(paths)
    report = check_report(corpus, plan)
    fmt = "json" if as_json else fmt
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for item in report["duplicates"]:
            line = (
                f"{item['path']} duplicates {item['duplicates']} ({item['relation']}, similarity "
                f"{item['similarity']:.3f}): {item['reason']}"
            )
            if fmt == "github":
                click.echo(f"::error file={item['path']},title=duplicate notice::{line}")
            else:
                click.echo(f"DUPLICATE {line}")
        if fmt == "text":
            for item in report["related"]:
                click.echo(f"related   {item['path']} ~ {item['other']} ({item['relation']}): {item['reason']}")
            for item in report["new"]:
                click.echo(f"new       {item}")
            for item in report["known"]:
                click.echo(f"known     {item['path']} = {item['corpus']}")
        for item in report["rejected"]:
            click.echo(f"rejected  {item['path']}: {item['reason']}", err=True)
        click.echo(
            f"{len(report['duplicates'])} duplicate(s), {len(report['new'])} new, "
            f"{len(report['known'])} known, {len(report['rejected'])} rejected",
            err=fmt == "github",
        )
    if report["duplicates"]:
        sys.exit(1)
    if report["rejected"]:
        sys.exit(2)


@main.command("report")
@corpus_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "html"]),
    default="table",
    show_default=True,
    help="table for people, csv (the manifest with a column per quality flag), json for programs, "
    "html: one self-contained page with diffs.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to this file instead of standard output.",
)
def report_command(corpus_dir: str, fmt: str, output: str | None) -> None:
    """Clusters, relations, quality flags and figures of a corpus."""
    corpus = Corpus(corpus_dir)
    corpus.require()
    if fmt == "html":
        text = render_html(corpus)
    elif fmt == "csv":
        text = format_csv(corpus)
    else:
        report = corpus_report(corpus)
        text = json.dumps(report, ensure_ascii=False, indent=2) if fmt == "json" else format_table(report)
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def check_report(corpus: Corpus, plan: Plan) -> dict[str, Any]:
    """What ``check`` found, as one JSON-ready object."""
    by_id = {a.doc.id: a for a in plan.additions}
    others = {i for p in plan.new_pairs for i in (p.a, p.b)} - set(by_id)
    docs = {**plan.state.fetch(others), **{a.doc.id: a.doc for a in plan.additions}}
    clusters = plan.state.column(others, "cluster")

    def show(doc_id: str) -> str:
        return by_id[doc_id].source if doc_id in by_id else str(Path(corpus.root) / docs[doc_id].path)

    duplicates = []
    for add, pair in plan.duplicates():
        other = pair.b if pair.a == add.doc.id else pair.a
        cluster = plan.membership.get(other, (clusters.get(other, other),))[0]
        duplicates.append(
            {
                "path": add.source,
                "duplicates": show(other),
                "cluster": cluster,
                "relation": pair.relation,
                "similarity": pair.jaccard,
                "reason": pair.reason,
            }
        )
    dup_paths = {d["path"] for d in duplicates}
    related = [
        {"path": show(p.b), "other": show(p.a), "relation": p.relation, "reason": p.reason}
        for p in plan.new_pairs
        if not p.merges
    ]
    return {
        "duplicates": duplicates,
        "related": related,
        "new": [a.source for a in plan.additions if a.source not in dup_paths],
        "known": [{"path": p, "corpus": str(Path(corpus.root) / c)} for p, c in plan.known],
        "rejected": [{"path": r.path, "reason": r.reason} for r in plan.rejected],
    }


if __name__ == "__main__":
    sys.exit(main())
