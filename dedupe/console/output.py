"""What a command prints besides its result: notes (which --quiet silences), refusals (which it
does not), file names shown as the manifest stores them, a progress bar on a terminal, and
``check --format github``'s annotation of a run that could not check."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import click


def _switch(name: str) -> bool:
    return bool((click.get_current_context().find_root().obj or {}).get(name))


def is_verbose() -> bool:
    return _switch("verbose")


def readable(text: str) -> str:
    """File names that are not UTF-8 shown with their bytes as %FF, as the manifest stores them."""
    from dedupe.names import printable

    return printable(text)


def echo_json(value: Any) -> None:
    """``value`` as indented JSON on standard output, written a piece at a time as it is encoded:
    a large batch's JSON is never held whole, nor copied to be shown or encoded."""
    import json

    pieces: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(value):  # whole tokens
        pieces.append(chunk)
        size += len(chunk)
        if size >= 1 << 16:
            click.echo(readable("".join(pieces)), nl=False)
            pieces, size = [], 0
    click.echo(readable("".join(pieces)))


def note(*lines: str) -> None:
    """Notes and refusals on stderr, unless --quiet (refusals still set the exit code)."""
    if not _switch("quiet"):
        for line in lines:
            click.echo(readable(line), err=True)


def refused(*lines: str) -> None:
    """What was refused and why, on stderr even with --quiet: the error line that follows points to it."""
    for line in lines:
        click.echo(line, err=True)


def skipped(plan: Any) -> list[str]:
    """The files of a folder skipped for what they are: counted, and with --verbose each named with why."""
    from dedupe.passed import skipped_lines

    return skipped_lines(plan.skipped, is_verbose())


def print_passed(passed: Any, rejected: Iterable[Any]) -> None:
    """What a batch passed over (counted in a note, each file named with --verbose), then each file it
    refused and why."""
    note(*(f"note: {n}" for n in passed.notes()), *skipped(passed))
    refused(*(f"skipped {r.path}: {r.reason}" for r in rejected))


def print_plan(plan: Any) -> None:
    """What an ingest or a correction did: its notes, what it refused, then the plan itself."""
    from dedupe.reports.plan import format_plan, plan_files

    note(*(f"note: {n}" for n in plan.notes), *skipped(plan), *(plan_files(plan) if is_verbose() else ()))
    refused(*(f"rejected {r.path}: {r.reason}" for r in plan.rejected))
    click.echo(readable(format_plan(plan)))


class Bar:
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
def progress() -> Iterator[Bar | None]:
    """The progress bar the library is given, or None (nothing shown) when stderr is no terminal,
    in CI (the CI variable set) or with --quiet."""
    if _switch("quiet") or os.environ.get("CI") or not sys.stderr.isatty():
        yield None
        return
    bar = Bar()
    try:
        yield bar
    finally:
        bar.close()


@contextlib.contextmanager
def annotated(github: bool) -> Iterator[None]:
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
