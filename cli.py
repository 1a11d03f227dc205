"""policy-dedup: normalize, deduplicate and keep a corpus of Chinese policy notices.

Each command parses its options, calls one library function and prints; dedupe.console holds what they share.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from dedupe.console import VERBOSE, BadInput, Commands, complete, serve
from dedupe.console.options import compare_options, corpus_option, format_option
from dedupe.console.output import annotated, is_verbose, note, print_passed, print_plan, progress, readable, skipped


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]},
             help="Normalize and deduplicate scraped Chinese government policy notices.")  # fmt: skip
@click.version_option(package_name="policy-dedup")
@click.option("--verbose", is_flag=True, help=VERBOSE)
@click.option("--quiet", "-q", is_flag=True, help="Print no notes, only results, errors and what was refused.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    ctx.obj = {"verbose": verbose, "quiet": quiet}


@main.command("normalize", help="Print the clean text (or the key) of each FILE.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--key", "show_key", is_flag=True, help="Print the comparison key instead of the clean text.")
@click.option("--explain", is_flag=True, help="List every change by step, with counts and examples.")
@click.option("--encoding", default=None, help="Decode with this encoding instead of detecting it.")
def normalize_command(files: tuple[str, ...], show_key: bool, explain: bool, encoding: str | None) -> None:
    from dedupe.files import normalize_file
    from normalize import NormalizeConfig

    for path in files:
        result = normalize_file(path, NormalizeConfig(encoding=encoding))
        if len(files) > 1:
            click.echo(f"==> {path} <==")
        click.echo(result.key if show_key else result.text)
        if explain:
            click.echo(f"--- changes in {path}\n{result.explain()}", err=True)


@main.command("dedupe", help="Cluster the notices in PATHS (files or folders), no corpus needed.")
@click.argument("paths", nargs=-1)
@format_option("text", "json")
@compare_options
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: this machine's processes; spark: a Spark batch (prints --format json).")  # fmt: skip
@click.option("--master", default=None, help="Spark master URL [default: spark-submit's, else local[*]].")
@click.option("--parquet-in", default=None,
              help="(spark) Read the notices from a Parquet table of path and bytes instead of PATHS.")  # fmt: skip
@click.option("--parquet-out", type=click.Path(), default=None,
              help="(spark) Write one row per document (path, id, cluster, canonical, relation, similarity, via, reason).")  # fmt: skip
def dedupe_command(
    paths: tuple[str, ...], fmt: str, as_json: bool, config: Any, jobs: int, ncfg: Any, limits: dict[str, Any],
    engine: str, master: str | None, parquet_in: str | None, parquet_out: str | None,
) -> None:  # fmt: skip
    from dedupe import DedupeConfig, Document, Rejected, find_duplicates
    from dedupe.console.output import echo_json
    from dedupe.document import frozen
    from dedupe.files import read_batch
    from dedupe.reports.batch import dedupe_files, format_dedupe, result_json
    from dedupe.sharing import Workers

    config = config or DedupeConfig()
    if not paths and not parquet_in:
        raise click.UsageError("give PATHS (files or folders), or --parquet-in with --engine spark")
    if engine == "spark":
        _dedupe_spark(paths, parquet_in, parquet_out, master, config, ncfg, limits)
        return
    if parquet_in or parquet_out or master:
        raise click.UsageError("--master, --parquet-in and --parquet-out go with --engine spark")
    with frozen():  # the batch out of the collector's passes from reading to report (one walked 100,000: 0.5 s)
        with progress() as bar, Workers(jobs) as workers:  # one set of workers, for reading and matching
            results, passed = read_batch(paths, jobs, ncfg, config, progress=bar, workers=workers, **limits)
            docs = [r for r in results if isinstance(r, Document)]
            result = find_duplicates(docs, config, jobs, progress=bar, workers=workers) if docs else None
        print_passed(passed, (r for r in results if isinstance(r, Rejected)))
        if result is None:
            raise BadInput("none of the files could be read as a notice (see the reasons above)")
        note(*(dedupe_files(result) if is_verbose() else ()))
        as_json = as_json or fmt == "json"
        echo_json(result_json(result)) if as_json else click.echo(readable(format_dedupe(result)))
    sys.exit(2 if len(docs) < len(results) else 0)


def _dedupe_spark(paths: tuple[str, ...], parquet_in: str | None, parquet_out: str | None, master: str | None,
                  config: Any, ncfg: Any, limits: dict[str, Any]) -> None:  # fmt: skip
    """dedupe as a Spark batch: its JSON on stdout, exit 2 when a file could not be read."""
    from dedupe.console.output import echo_json
    from dedupe.spark import batch_session, dedupe_spark

    with batch_session(master) as spark:  # one this process had already (a notebook's, a test's) is left running
        run = dedupe_spark(spark, paths, parquet_in, config, ncfg, parquet_out=parquet_out, **limits)
    print_passed(run.passed, run.rejected)
    if not run.report["documents"]:
        raise BadInput("none of the files could be read as a notice (see the reasons above)")
    echo_json(run.report)
    sys.exit(2 if run.rejected else 0)


@main.command("explain", help="Similarity, relation, veto and a character diff of two notices A and B.")
@click.argument("a", type=click.Path(exists=True, dir_okay=False))
@click.argument("b", type=click.Path(exists=True, dir_okay=False))
@click.option("--encoding", default=None, help="Decode both files with this encoding instead of detecting it.")
@click.option("--among", multiple=True, type=click.Path(exists=True), help="Judge as dedupe of these paths would.")
@click.option("--corpus", type=click.Path(file_okay=False), help="Judge as check against this corpus would.")
def explain_command(a: str, b: str, encoding: str | None, among: tuple[str, ...], corpus: str | None) -> None:
    from dedupe.reports.explain import explain_files, format_explanation

    click.echo(format_explanation(explain_files(a, b, encoding, among, corpus)))


@main.command("ingest", help="Add the notices in PATHS to the corpus: originals kept byte for byte.")
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
    from dedupe.reports.check import withdrawn_line
    from dedupe.store import Corpus
    from dedupe.store.findings import withdrawn

    with progress() as bar:
        corpus = Corpus(corpus_dir, config, ncfg, index_url=index_url, jobs=jobs, progress=bar, **limits)
        plan = corpus.ingest(paths, batch_label)
    print_plan(plan)
    note(*(f"note: {withdrawn_line(w)}" for w in withdrawn(corpus, plan)))
    if plan.rejected:
        raise BadInput(f"{len(plan.rejected)} file(s) could not be ingested (see the reasons above)")


@main.command("check", help="CI: fail (exit 1) when files in PATHS, or added under raw/ since GIT-REF, duplicate "
                            "a corpus notice or each other. Changes nothing.")  # fmt: skip
@click.argument("paths", nargs=-1)
@click.option("--since", metavar="GIT-REF", help="Check the files added under the corpus's raw/ since this git ref.")
@click.option("--as-change", is_flag=True,
              help="PATHS are what a change adds (as pre-commit passes them): one it ingested is checked too.")  # fmt: skip
@corpus_option
@format_option("text", "json", "github")
@compare_options
def check_command(
    paths: tuple[str, ...], since: str | None, as_change: bool, corpus_dir: str, fmt: str, as_json: bool, config: Any,
    jobs: int, ncfg: Any, limits: dict[str, Any],
) -> None:  # fmt: skip
    from dedupe.reports.check import format_check, format_github
    from dedupe.store import Corpus
    from dedupe.store.findings import find

    with progress() as bar:
        corpus = Corpus(corpus_dir, config, ncfg, jobs=jobs, progress=bar, **limits)
        with annotated(fmt == "github" and not as_json):
            plan = corpus.check(paths, since)
    note(*(f"note: {n}" for n in plan.notes), *skipped(plan))
    found = find(corpus, plan, [*plan.since, *(p for p, _ in plan.known if as_change)])
    if fmt == "github" and not as_json:
        click.echo(format_github(found, corpus.root))
        sys.exit(found.exit_code)
    out, err = format_check(found, "json" if as_json else fmt)
    click.echo(readable(out), nl=bool(out))
    click.echo(readable(err), err=True, nl=bool(err))
    sys.exit(found.exit_code)


@main.command("report", help="Clusters, relations, quality flags and figures of a corpus.")
@corpus_option
@format_option("table", "csv", "json", "html")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of standard output.")  # fmt: skip
def report_command(corpus_dir: str, fmt: str, as_json: bool, output: str | None) -> None:
    from dedupe.reports import render
    from dedupe.store import Corpus
    from dedupe.store.export import check_output, settle

    if output:
        check_output(Path(corpus_dir), Path(output), "--output")
    settle(Corpus(corpus_dir))  # an interrupted ingest is finished first: the report lists what is there
    text = render(Corpus(corpus_dir), "json" if as_json else fmt, Path(output).parent if output else None)
    text += "" if text.endswith("\n") else "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}" if output else text, err=bool(output), nl=bool(output))


@main.command("verify", help="Check the whole store: originals against their sha256, manifest rows, the log.")
@corpus_option
def verify_command(corpus_dir: str) -> None:
    from dedupe.store.verify import verify

    checked, problems = verify(corpus_dir)
    click.echo("".join(f"problem: {p}\n" for p in problems), err=True, nl=False)
    click.echo(f"{checked} original(s) checked, {len(problems)} problem(s)")
    if problems:
        sys.exit(3)


@main.command("review", help="A local page with the queue of what needs a person (vetoed and borderline pairs, "
                             "doubtful canonicals, close related pairs); each decision is a correction.")  # fmt: skip
@corpus_option
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port on 127.0.0.1 [default: a free one].")
@click.option("--by", default=None, help="The name the page starts with [default: the user name].")
@click.option("--related-above", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Related pairs from this Jaccard on are queued.")  # fmt: skip
@click.option("--borderline-below", type=click.FloatRange(0, 1), default=0.9, show_default=True,
              help="Merged members under this Jaccard to their canonical are queued.")  # fmt: skip
def review_command(corpus_dir: str, port: int, by: str | None, related_above: float, borderline_below: float) -> None:
    import getpass

    from dedupe.review import address, make_app, new_token, review_queue, start
    from dedupe.store import Corpus

    corpus = Corpus(corpus_dir)
    waiting = len(review_queue(corpus, related_above, borderline_below))  # a corpus problem stops here, exit 3
    token = new_token()
    try:
        server = start(make_app(corpus, token, by or getpass.getuser(), related_above, borderline_below), port)
    except OSError as exc:
        raise BadInput(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}; give another --port") from None
    click.echo(f"{waiting} item(s) to review at {address(server, token)}  (Ctrl-C stops)", err=False)
    serve(server)


@main.command("rekey", help="Change the settings the corpus was built with (its config.toml) and make its "
                            "cache anew; notices already clustered keep their clusters.")  # fmt: skip
@corpus_option
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Exact Jaccard from which two notices are near duplicates [default: as recorded].")  # fmt: skip
@click.option("--jobs", "-j", type=click.IntRange(1), default=None, help="Processes at work, this one included.")
def rekey_command(corpus_dir: str, threshold: float | None, jobs: int | None) -> None:
    from dedupe.store import Corpus

    corpus = Corpus(corpus_dir, jobs=jobs or os.cpu_count() or 1)
    changed = corpus.rekey(near_threshold=threshold)
    for name, old, new in changed:
        click.echo(f"{name}: {old} → {new}")
    click.echo(f"{corpus.root / 'config.toml'} written, cache made anew ({len(changed)} setting(s) changed)")
    if corpus.rewritten_texts:
        click.echo(
            f"{corpus.rewritten_texts} canonical text(s) written anew: this version's normalization reads them differently"
        )


@main.command("history", help="What happened to one notice: its manifest row and every decision about it.")
@click.argument("notice")
@corpus_option
@format_option("text", "json")
def history_command(notice: str, corpus_dir: str, fmt: str, as_json: bool) -> None:
    from dedupe.reports.history import format_history
    from dedupe.reports.versions import notice_chain
    from dedupe.store import Corpus
    from dedupe.store.export import history

    corpus = Corpus(corpus_dir)
    found = history(corpus, notice)
    found["chain"] = notice_chain(corpus, found["notice"]["path"])  # the regulation it is a version of
    click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json or fmt == "json" else format_history(found))


@main.command("versions", help="The versions of one regulation in the corpus, in order, the current one marked, "
                               "and the articles each version changed. NOTICE: a path, id or title.")  # fmt: skip
@click.argument("notice")
@corpus_option
@format_option("text", "json")
def versions_command(notice: str, corpus_dir: str, fmt: str, as_json: bool) -> None:
    from dedupe.reports.versions import corpus_chains, find_chain, format_versions, versions_report
    from dedupe.store import Corpus

    chain = find_chain(corpus_chains(Corpus(corpus_dir)), notice)
    as_json = as_json or fmt == "json"
    click.echo(json.dumps(versions_report(chain), ensure_ascii=False, indent=2) if as_json else format_versions(chain))


@main.command("export", help="The canonical set: a text file per cluster and an index of titles, 文号, dates.")
@corpus_option
@click.option("--to", type=click.Path(file_okay=False), help="Write the files here [default: print the index].")
@format_option("csv", "json", "parquet")
def export_command(corpus_dir: str, to: str | None, fmt: str, as_json: bool) -> None:
    from dedupe.store import Corpus
    from dedupe.store.export import export

    click.echo(export(Corpus(corpus_dir), Path(to) if to else None, "json" if as_json else fmt), nl=False)


complete(main)  # the correction commands, and --verbose and --quiet after any command's name

if __name__ == "__main__":  # python -m cli: usage lines name it so (__spec__ is None for python cli.py)
    sys.exit(main(prog_name="python -m cli" if __spec__ else None))
