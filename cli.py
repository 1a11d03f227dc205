"""policy-dedup: normalize, deduplicate and keep a corpus of Chinese policy notices.

Each command parses its options, calls one library function and prints; EXIT_CODES are every command's.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable, Iterator
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
        from dedupe.errors import DedupeError, InputError
        from normalize import NormalizeError

        try:
            return self._run(ctx)
        except (InputError, NormalizeError) as exc:
            raise BadInput(str(exc)) from exc
        except DedupeError as exc:
            raise Unusable(str(exc)) from exc
        except sqlite3.OperationalError as exc:  # the cache cannot be written: a full disk, a read-only folder
            raise Unusable(
                f"the corpus's cache cannot be written ({exc}): free some space or make the corpus "
                "writable, then run the command again"
            ) from exc
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("verbose"):
                traceback.print_exc()
            click.echo(f"Error: unexpected {type(exc).__name__}: {exc} (rerun with --verbose for details)", err=True)
            ctx.exit(4)

    def _run(self, ctx: click.Context) -> Any:
        """The command; when the cache (derived data) turns out damaged, it is discarded and the
        command runs once more, making it anew from the originals."""
        from dedupe.store.cache import CacheDamaged

        args = list(ctx._protected_args), list(ctx.args)
        try:
            return super().invoke(ctx)
        except CacheDamaged as exc:
            exc.discard()
            click.echo(f"note: {exc}: made anew from the originals", err=True)
            ctx._protected_args, ctx.args = args
            return super().invoke(ctx)


def _help(text: str) -> str:
    return f"{text}\n\n{EXIT_CODES}"


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, help=_help(
    "Normalize and deduplicate scraped Chinese government policy notices."))  # fmt: skip
@click.version_option(package_name="policy-dedup")
@click.option("--verbose", is_flag=True, help="Print the traceback of an unexpected error.")
@click.option("--quiet", "-q", is_flag=True, help="Print no notes, only results, errors and what was refused.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    ctx.obj = {"verbose": verbose, "quiet": quiet}


def _refused(*lines: str) -> None:
    """What was refused and why, on stderr even with --quiet: the error line that follows points to it."""
    for line in lines:
        click.echo(line, err=True)


def _verbose() -> bool:
    return bool((click.get_current_context().find_root().obj or {}).get("verbose"))


def _skipped(plan: Any) -> list[str]:
    """With --verbose, each file of a folder skipped for what it is, and why."""
    return [f"skipped {s.path}: {s.reason}" for s in plan.skipped] if _verbose() else []


def _note(*lines: str) -> None:
    """Notes and refusals on stderr, unless --quiet (refusals still set the exit code)."""
    ctx = click.get_current_context()
    if not (ctx.find_root().obj or {}).get("quiet"):
        for line in lines:
            click.echo(_readable(line), err=True)


class _Bar:
    """A progress bar on stderr for each stage of a long run (reading, matching, landing): click's
    own, so no other package; only made when stderr is a terminal, outside CI, without --quiet."""

    def __init__(self) -> None:
        self.bar: Any = None

    def begin(self, stage: str, total: int) -> None:
        self.close()
        if total > 1:
            self.bar = click.progressbar(length=total, label=f"{stage:<8}", file=sys.stderr, show_pos=True)
            self.bar.__enter__()

    def __call__(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextlib.contextmanager
def _progress() -> Iterator[_Bar | None]:
    """The progress bar the library is given, or None (nothing shown) when stderr is no terminal,
    in CI (the CI variable set) or with --quiet."""
    quiet = (click.get_current_context().find_root().obj or {}).get("quiet")
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        yield None
        return
    bar = _Bar()
    try:
        yield bar
    finally:
        bar.close()


def _readable(text: str) -> str:
    """File names that are not UTF-8 shown with their bytes as %FF, as the manifest stores them."""
    from dedupe.files import printable

    return printable(text)


def compare_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the commands that compare notices."""

    @click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=None,
                  help="Exact Jaccard from which two notices are near duplicates [default: 0.8, or the corpus's].")  # fmt: skip
    @click.option("--jobs", "-j", type=click.IntRange(1), help="Worker processes [default: all cores for 64+ files].")
    @click.option("--encoding", default=None, help="Decode every file with this encoding instead of detecting it.")
    @click.option("--max-bytes", type=click.IntRange(1), default=100_000_000, help="Refuse larger files [100 MB].")
    @click.option("--follow-symlinks", is_flag=True, help="Follow links in folders to files outside them.")
    @click.option("--reference-signatures", is_flag=True, hidden=True, help="Signatures through datasketch (slow).")
    @functools.wraps(fn)
    def wrapper(*args: Any, threshold: float | None, jobs: int | None, encoding: str | None, **kw: Any) -> Any:
        from dedupe import DedupeConfig
        from normalize import NormalizeConfig

        vectorized = not kw.pop("reference_signatures")
        config = None  # the corpus's settings (a corpus refuses others), or the defaults without a corpus
        if threshold is not None or not vectorized:
            config = DedupeConfig(near_threshold=threshold or DedupeConfig.near_threshold, vectorized=vectorized)
        limits = {"max_bytes": kw.pop("max_bytes"), "follow_symlinks": kw.pop("follow_symlinks")}
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return fn(
            *args, config=config, jobs=jobs or cores, ncfg=NormalizeConfig(encoding=encoding), limits=limits, **kw
        )

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
    from dedupe.files import normalize_file
    from normalize import NormalizeConfig

    for path in files:
        result = normalize_file(path, NormalizeConfig(encoding=encoding))
        if len(files) > 1:
            click.echo(f"==> {path} <==")
        click.echo(result.key if show_key else result.text)
        if explain:
            click.echo(f"--- changes in {path}\n{result.explain()}", err=True)


@main.command("dedupe", help=_help("Cluster the notices in PATHS (files or folders), no corpus needed."))
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
    from dedupe.files import read_batch
    from dedupe.reports.table import dedupe_files, format_dedupe, result_json

    config = config or DedupeConfig()
    if not paths and not parquet_in:
        raise click.UsageError("give PATHS (files or folders), or --parquet-in with --engine spark")
    if engine == "spark":
        _dedupe_spark(paths, parquet_in, parquet_out, master, config, ncfg, limits)
        return
    if parquet_in or parquet_out or master:
        raise click.UsageError("--master, --parquet-in and --parquet-out go with --engine spark")
    with _progress() as bar:
        results, passed = read_batch(paths, jobs, ncfg, config, progress=bar, **limits)
        docs = [r for r in results if isinstance(r, Document)]
        result = find_duplicates(docs, config, jobs, progress=bar) if docs else None
    _note(*(f"note: {n}" for n in passed.notes()), *(passed.details() if _verbose() else ()))
    _refused(*(f"skipped {r.path}: {r.reason}" for r in results if isinstance(r, Rejected)))
    if result is None:
        raise BadInput("none of the files could be read as a notice (see the reasons above)")
    _note(*(dedupe_files(result) if _verbose() else ()))
    as_json = as_json or fmt == "json"
    click.echo(
        _readable(json.dumps(result_json(result), ensure_ascii=False, indent=2) if as_json else format_dedupe(result))
    )
    sys.exit(2 if len(docs) < len(results) else 0)


def _dedupe_spark(paths: tuple[str, ...], parquet_in: str | None, parquet_out: str | None, master: str | None,
                  config: Any, ncfg: Any, limits: dict[str, Any]) -> None:  # fmt: skip
    """dedupe as a Spark batch: its JSON on stdout, exit 2 when a file could not be read."""
    from dedupe.spark import dedupe_spark, running, session

    fresh = not running()  # a session the caller made (a notebook's, a test's) is left running
    spark = session(master)
    try:
        run = dedupe_spark(spark, paths, parquet_in, config, ncfg, parquet_out=parquet_out, **limits)
    finally:
        if fresh:
            spark.stop()
    _note(*(f"note: {n}" for n in run.passed.notes()), *(run.passed.details() if _verbose() else ()))
    _refused(*(f"skipped {r.path}: {r.reason}" for r in run.rejected))
    if not run.report["documents"]:
        raise BadInput("none of the files could be read as a notice (see the reasons above)")
    click.echo(_readable(json.dumps(run.report, ensure_ascii=False, indent=2)))
    sys.exit(2 if run.rejected else 0)


@main.command("explain", help=_help("Similarity, relation, veto and a character diff of two notices A and B."))
@click.argument("a", type=click.Path(exists=True, dir_okay=False))
@click.argument("b", type=click.Path(exists=True, dir_okay=False))
@click.option("--encoding", default=None, help="Decode both files with this encoding instead of detecting it.")
@click.option("--among", multiple=True, type=click.Path(exists=True), help="Judge as dedupe of these paths would.")
@click.option("--corpus", type=click.Path(file_okay=False), help="Judge as check against this corpus would.")
def explain_command(a: str, b: str, encoding: str | None, among: tuple[str, ...], corpus: str | None) -> None:
    from dedupe.reports.explain import explain_files, format_explanation

    click.echo(format_explanation(explain_files(a, b, encoding, among, corpus)))


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
    from dedupe.reports.check import withdrawn_line
    from dedupe.store import Corpus
    from dedupe.store.findings import withdrawn

    with _progress() as bar:
        corpus = Corpus(corpus_dir, config, ncfg, index_url=index_url, jobs=jobs, progress=bar, **limits)
        plan = corpus.ingest(paths, batch_label)
    _print_plan(plan)
    _note(*(f"note: {withdrawn_line(w)}" for w in withdrawn(corpus, plan)))
    if plan.rejected:
        raise BadInput(f"{len(plan.rejected)} file(s) could not be ingested (see the reasons above)")


def _print_plan(plan: Any) -> None:
    from dedupe.reports.table import format_plan, plan_files

    _note(*(f"note: {n}" for n in plan.notes), *_skipped(plan), *(plan_files(plan) if _verbose() else ()))
    _refused(*(f"rejected {r.path}: {r.reason}" for r in plan.rejected))
    click.echo(_readable(format_plan(plan)))


@main.command("check", help=_help("CI: fail (exit 1) when files in PATHS, or added under raw/ since GIT-REF, duplicate "
                                  "a corpus notice or each other. Changes nothing."))  # fmt: skip
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

    with _progress() as bar:
        corpus = Corpus(corpus_dir, config, ncfg, jobs=jobs, progress=bar, **limits)
        with _annotated(fmt == "github" and not as_json):
            plan = corpus.check(paths, since)
    _note(*(f"note: {n}" for n in plan.notes), *_skipped(plan))
    found = find(corpus, plan, [*plan.since, *(p for p, _ in plan.known if as_change)])
    if fmt == "github" and not as_json:
        click.echo(format_github(found, corpus.root))
        sys.exit(found.exit_code)
    out, err = format_check(found, "json" if as_json else fmt)
    click.echo(_readable(out), nl=bool(out))
    click.echo(_readable(err), err=True, nl=bool(err))
    sys.exit(found.exit_code)


@contextlib.contextmanager
def _annotated(github: bool) -> Iterator[None]:
    """In --format github, a run that cannot check (a bad ref, an unusable corpus or input) is an
    annotation and a summary line on stdout too; the error and its exit code are unchanged."""
    from dedupe.errors import DedupeError, InputError
    from dedupe.reports.check import problem
    from normalize import NormalizeError

    try:
        yield
    except (DedupeError, NormalizeError) as exc:
        if github:
            bad_input = isinstance(exc, (InputError, NormalizeError))
            click.echo(problem(str(exc), "bad input" if bad_input else "corpus cannot be used"))
        raise


@main.command("report", help=_help("Clusters, relations, quality flags and figures of a corpus."))
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


@main.command("verify", help=_help("Check the whole store: originals against their sha256, manifest rows, the log."))
@corpus_option
def verify_command(corpus_dir: str) -> None:
    from dedupe.store.verify import verify

    checked, problems = verify(corpus_dir)
    click.echo("".join(f"problem: {p}\n" for p in problems), err=True, nl=False)
    click.echo(f"{checked} original(s) checked, {len(problems)} problem(s)")
    if problems:
        sys.exit(3)


def _correction(kind: str, what: str) -> None:
    @main.command(kind, help=_help(what))
    @click.argument(
        "notices", nargs=-1, required=True, metavar="NOTICE" if kind in ("canonical", "withdraw") else "A B"
    )
    @click.option("--reason", required=True, help="Why: recorded in the decision log with who and when.")
    @click.option("--by", default=None, help="Who decides [default: the user name].")
    @corpus_option
    def command(notices: tuple[str, ...], reason: str, by: str | None, corpus_dir: str) -> None:
        import getpass

        from dedupe.store import Corpus
        from dedupe.store.corrections import correct

        _print_plan(correct(Corpus(corpus_dir), kind, list(notices), reason, by or getpass.getuser()))


for _kind, _what in (
    ("merge", "A and B are the same notice: join their clusters, whatever the automatic judgement said."),
    ("split", "A and B are different notices: never put them in one cluster."),
    ("canonical", "NOTICE represents its cluster (by id, id prefix or path)."),
    ("withdraw", "NOTICE should not be in the corpus: its original stays in raw/, its row says withdrawn."),
):
    _correction(_kind, _what)


def _chain_correction(kind: str, what: str) -> None:
    @main.command(kind, help=_help(what))
    @click.argument("a")
    @click.argument("b")
    @click.option("--reason", default=None, help="Why: recorded in the decision log with who and when.")
    @click.option("--by", default=None, help="Who decides [default: the user name].")
    @corpus_option
    def command(a: str, b: str, reason: str | None, by: str | None, corpus_dir: str) -> None:
        import getpass

        from dedupe.store import Corpus
        from dedupe.store.corrections import link

        plan, chain = link(Corpus(corpus_dir), a, b, by or getpass.getuser(), reason, unlink=kind == "unlink")
        _note(*(f"note: {n}" for n in plan.notes))
        c = plan.corrections[0]
        click.echo(_readable(f"{c.kind}: {c.a} ~ {c.b}\n{chain}"))


_chain_correction("link", "B is a version of A's regulation: put them in one chain of versions, whatever the titles "
                          "and texts say.")  # fmt: skip
_chain_correction("unlink", "B's version is not one of A's regulation: take it out of A's chain of versions.")


@main.command("review", help=_help("A local page with the queue of what needs a person (vetoed and borderline pairs, "
                                   "doubtful canonicals, close related pairs); each decision is a correction."))  # fmt: skip
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
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command("accept", help=_help("PATH is a reviewed, deliberate duplicate: check lets a file of its bytes pass, "
                                   "and history shows who accepted it and why."))  # fmt: skip
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--reason", required=True, help="Why it stays: recorded in the decision log with who and when.")
@click.option("--by", default=None, help="Who decides [default: the user name].")
@corpus_option
def accept_command(path: str, reason: str, by: str | None, corpus_dir: str) -> None:
    import getpass

    from dedupe.store import Corpus
    from dedupe.store.corrections import accept

    _print_plan(accept(Corpus(corpus_dir), path, reason, by or getpass.getuser()))


@main.command("rekey", help=_help("Change the settings the corpus was built with (its config.toml) and make its "
                                  "cache anew; notices already clustered keep their clusters."))  # fmt: skip
@corpus_option
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Exact Jaccard from which two notices are near duplicates [default: as recorded].")  # fmt: skip
@click.option("--jobs", "-j", type=click.IntRange(1), default=None, help="Worker processes for the rebuild.")
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


@main.command("history", help=_help("What happened to one notice: its manifest row and every decision about it."))
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


@main.command("versions", help=_help("The versions of one regulation in the corpus, in order, the current one marked, "
                                     "and the articles each version changed. NOTICE: a path, id or title."))  # fmt: skip
@click.argument("notice")
@corpus_option
@format_option("text", "json")
def versions_command(notice: str, corpus_dir: str, fmt: str, as_json: bool) -> None:
    from dedupe.reports.versions import corpus_chains, find_chain, format_versions, versions_report
    from dedupe.store import Corpus

    chain = find_chain(corpus_chains(Corpus(corpus_dir)), notice)
    as_json = as_json or fmt == "json"
    click.echo(json.dumps(versions_report(chain), ensure_ascii=False, indent=2) if as_json else format_versions(chain))


@main.command("export", help=_help("The canonical set: a text file per cluster and an index of titles, 文号, dates."))
@corpus_option
@click.option("--to", type=click.Path(file_okay=False), help="Write the files here [default: print the index].")
@format_option("csv", "json", "parquet")
def export_command(corpus_dir: str, to: str | None, fmt: str, as_json: bool) -> None:
    from dedupe.store import Corpus
    from dedupe.store.export import export

    click.echo(export(Corpus(corpus_dir), Path(to) if to else None, "json" if as_json else fmt), nl=False)


def _also_after_the_command() -> None:
    """--verbose and --quiet are accepted after a command's name as well as before it
    (``policy-dedup ingest FILES --quiet``): each command takes them and sets the same switch."""

    def remember(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value and param.name:
            ctx.find_root().obj[param.name] = True

    for command in main.commands.values():
        names = {opt for p in command.params for opt in getattr(p, "opts", ())}
        for opts, say in ((["--verbose"], "Print the traceback of an unexpected error."),
                          (["--quiet", "-q"], "Print no notes, only results, errors and what was refused.")):  # fmt: skip
            if not names & set(opts):
                command.params.append(click.Option(opts, is_flag=True, expose_value=False, callback=remember, help=say))


_also_after_the_command()

if __name__ == "__main__":
    sys.exit(main())
