"""policy-dedup: normalize, deduplicate and keep a corpus of Chinese policy notices.

Each command parses its options, calls one library function and prints. Exit codes, the same for
every command: 0 ok; 1 check found duplicates; 2 bad input (named); 3 the corpus or index cannot
be used; 4 an unexpected error (a bug: rerun with --verbose for the traceback).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

EXIT_CODES = (
    "Exit codes: 0 ok; 1 check found duplicates; 2 bad input (named); 3 the corpus or index cannot be used; "
    "4 an unexpected error."
)


class BadInput(click.ClickException):
    exit_code = 2


class Unusable(click.ClickException):
    exit_code = 3


class _Commands(click.Group):
    """Library errors become messages with their exit code; anything else is one line and exit 4."""

    def invoke(self, ctx: click.Context) -> Any:
        from dedupe.errors import DedupeError, NothingToRead
        from normalize import NormalizeError

        try:
            return super().invoke(ctx)
        except NothingToRead as exc:
            raise BadInput(str(exc)) from exc
        except DedupeError as exc:
            raise Unusable(str(exc)) from exc
        except NormalizeError as exc:
            raise BadInput(str(exc)) from exc
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("verbose"):
                traceback.print_exc()
            click.echo(f"Error: unexpected {type(exc).__name__}: {exc} (rerun with --verbose for details)", err=True)
            ctx.exit(4)


def _help(text: str) -> str:
    return f"{text}\n\n{EXIT_CODES}"


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, help=_help(
    "Normalize and deduplicate scraped Chinese government policy notices."))  # fmt: skip
@click.version_option(package_name="policy-dedup")
@click.option("--verbose", is_flag=True, help="Print the traceback of an unexpected error.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    ctx.obj = {"verbose": verbose}


def compare_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the commands that compare notices."""

    @click.option("--threshold", type=click.FloatRange(0.0, 1.0, min_open=True), default=0.8, show_default=True,
                  help="Exact Jaccard from which two notices are near duplicates.")  # fmt: skip
    @click.option("--jobs", "-j", type=click.IntRange(1), default=None,
                  help="Worker processes [default: all cores for 64 files or more, else one].")  # fmt: skip
    @click.option("--encoding", default=None, help="Decode every file with this encoding instead of detecting it.")
    @click.option("--max-bytes", type=click.IntRange(1), default=100_000_000, show_default=True,
                  help="Refuse files larger than this many bytes.")  # fmt: skip
    @click.option("--follow-symlinks", is_flag=True,
                  help="Follow links inside folders to files outside them (by default they are refused).")  # fmt: skip
    @click.option("--reference-signatures", is_flag=True, hidden=True,
                  help="Compute signatures one shingle at a time through datasketch (slow; for checking).")  # fmt: skip
    @functools.wraps(fn)
    def wrapper(
        *args: Any, threshold: float, jobs: int | None, encoding: str | None, reference_signatures: bool,
        max_bytes: int, follow_symlinks: bool, **kwargs: Any,
    ) -> Any:  # fmt: skip
        from dedupe import DedupeConfig
        from normalize import NormalizeConfig

        config = DedupeConfig(
            near_threshold=threshold, candidate_threshold=min(0.4, threshold), vectorized=not reference_signatures
        )
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        limits = {"max_bytes": max_bytes, "follow_symlinks": follow_symlinks}
        return fn(*args, config=config, jobs=jobs or cores, ncfg=NormalizeConfig(encoding=encoding), limits=limits,
                  **kwargs)  # fmt: skip

    return wrapper


def corpus_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default="corpus",
                        show_default=True, help="The corpus folder.")(fn)  # fmt: skip


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(fn)
        return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True,
                            help="Output format.")(fn)  # fmt: skip

    return decorate


@main.command("normalize", help=_help("Print the clean text (or the key) of each FILE."))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--key", "show_key", is_flag=True, help="Print the comparison key instead of the clean text.")
@click.option("--explain", is_flag=True, help="List every change by step, with counts and examples.")
@click.option("--encoding", default=None, help="Decode with this encoding instead of detecting it.")
def normalize_command(files: tuple[str, ...], show_key: bool, explain: bool, encoding: str | None) -> None:
    from dedupe.files import read_bytes
    from normalize import NormalizeConfig, NormalizeError, normalize

    for path in files:
        if Path(path).is_dir():
            raise BadInput(f"{path} is a directory: name the files to normalize")
        try:
            data = read_bytes(path)
        except OSError as exc:
            raise BadInput(f"cannot read {path}: {exc.strerror or exc}" if exc.errno else f"{path} {exc}") from exc
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


@main.command("dedupe", help=_help("Cluster the notices in PATHS (files or folders), no corpus needed."))
@click.argument("paths", nargs=-1, required=True)
@format_option("text", "json")
@compare_options
def dedupe_command(
    paths: tuple[str, ...], fmt: str, as_json: bool, config: Any, jobs: int, ncfg: Any, limits: dict[str, Any]
) -> None:
    from dedupe import Document, Rejected, discover, find_duplicates, read_documents
    from dedupe.reports.table import format_dedupe, result_json

    found = discover(paths, **limits)
    if not found.files and not found.rejected:
        raise BadInput("no notices found: give files, or folders holding *.txt, *.md, *.html or *.htm")
    jobs_now = jobs if len(found.files) >= 64 else 1
    results = [*found.rejected, *read_documents(found.files, jobs_now, ncfg, config, max_bytes=limits["max_bytes"])]
    for r in results:
        if isinstance(r, Rejected):
            click.echo(f"skipped {r.path}: {r.reason}", err=True)
    docs = [r for r in results if isinstance(r, Document)]
    if not docs:
        raise BadInput("none of the files could be read as a notice (see the reasons above)")
    result = find_duplicates(docs, config, jobs)
    if as_json or fmt == "json":
        click.echo(json.dumps(result_json(result), ensure_ascii=False, indent=2))
    else:
        click.echo(format_dedupe(result))
    if len(docs) < len(results):
        sys.exit(2)


@main.command("explain", help=_help("Similarity, relation, veto and a character diff of two notices A and B."))
@click.argument("a", type=click.Path(exists=True, dir_okay=False))
@click.argument("b", type=click.Path(exists=True, dir_okay=False))
@click.option("--encoding", default=None, help="Decode both files with this encoding instead of detecting it.")
def explain_command(a: str, b: str, encoding: str | None) -> None:
    from dedupe import Rejected, read_document
    from dedupe.reports.explain import explain_pair, format_explanation
    from normalize import NormalizeConfig

    docs = [read_document(p, i, NormalizeConfig(encoding=encoding)) for i, p in enumerate((a, b))]
    for d in docs:
        if isinstance(d, Rejected):
            raise BadInput(f"{d.path} {d.reason}")
    click.echo(format_explanation(explain_pair(docs[0], docs[1])))  # type: ignore[arg-type]


@main.command("ingest", help=_help("Add the notices in PATHS to the corpus: originals kept byte for byte."))
@click.argument("paths", nargs=-1, required=True)
@corpus_option
@click.option("--batch", "batch_label", default=None, help="A label recorded with each file of this ingest.")
@click.option("--index", "index_url", default=None, metavar="URL",
              help="Share the LSH index through Redis (redis://HOST:PORT/DB).")  # fmt: skip
@compare_options
def ingest_command(
    paths: tuple[str, ...], corpus_dir: str, batch_label: str | None, index_url: str | None, config: Any, jobs: int,
    ncfg: Any, limits: dict[str, Any],
) -> None:  # fmt: skip
    from dedupe.store import Corpus

    plan = Corpus(corpus_dir, config, ncfg, index_url=index_url, jobs=jobs, **limits).ingest(paths, batch_label)
    for note in plan.notes:
        click.echo(f"note: {note}", err=True)
    for r in plan.rejected:
        click.echo(f"rejected {r.path}: {r.reason}", err=True)
    result = plan.result
    joined = sum(1 for a in plan.additions if result and result.membership[a.doc.id].cluster.id != a.doc.id)
    changes = sum(1 for d in plan.decisions if d["decision"] == "canonical-change")
    renamed = sum(1 for a in plan.additions if a.renamed)
    click.echo(
        f"{len(plan.additions)} new original(s): {len(plan.additions) - joined} new notice(s), "
        f"{joined} duplicate(s) of notices already there; {changes} canonical change(s); "
        f"{len(plan.known)} already in the corpus; {len(plan.same_bytes)} identical to another file given; "
        f"{len(plan.rejected)} rejected; {renamed} renamed in raw/"
    )
    if plan.rejected:
        raise BadInput(f"{len(plan.rejected)} file(s) could not be ingested (see the reasons above)")


@main.command("check", help=_help("CI: fail (exit 1) when files in PATHS duplicate a corpus notice or each other."))
@click.argument("paths", nargs=-1, required=True)
@corpus_option
@format_option("text", "json", "github")
@compare_options
def check_command(
    paths: tuple[str, ...], corpus_dir: str, fmt: str, as_json: bool, config: Any, jobs: int, ncfg: Any,
    limits: dict[str, Any],
) -> None:  # fmt: skip
    from dedupe.reports.check import check_report
    from dedupe.reports.table import format_check
    from dedupe.store import Corpus

    corpus = Corpus(corpus_dir, config, ncfg, jobs=jobs, **limits)
    plan = corpus.check(paths)
    for note in plan.notes:
        click.echo(f"note: {note}", err=True)
    report = check_report(corpus, plan)
    fmt = "json" if as_json else fmt
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        out, err = format_check(report, github=fmt == "github")
        click.echo(out, nl=bool(out))
        click.echo(err, err=True)
    if report["duplicates"]:
        sys.exit(1)
    if report["rejected"]:
        sys.exit(2)


@main.command("report", help=_help("Clusters, relations, quality flags and figures of a corpus."))
@corpus_option
@format_option("table", "csv", "json", "html")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of standard output.")  # fmt: skip
def report_command(corpus_dir: str, fmt: str, as_json: bool, output: str | None) -> None:
    from dedupe.reports.html import render_html
    from dedupe.reports.table import corpus_report, format_csv, format_table
    from dedupe.store import Corpus

    corpus = Corpus(corpus_dir)
    corpus.require()
    fmt = "json" if as_json else fmt
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


@main.command("verify", help=_help("Check the whole store: originals against their sha256, manifest rows, the log."))
@corpus_option
def verify_command(corpus_dir: str) -> None:
    from dedupe.store.verify import verify

    checked, problems = verify(corpus_dir)
    for p in problems:
        click.echo(f"problem: {p}", err=True)
    click.echo(f"{checked} original(s) checked, {len(problems)} problem(s)")
    if problems:
        sys.exit(3)


if __name__ == "__main__":
    sys.exit(main())
