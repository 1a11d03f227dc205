"""The correction commands (merge, split, canonical, withdraw, link, unlink, accept): one command
per form of ``dedupe.store.corrections.FORMS``, each landing its correction with one call."""

from __future__ import annotations

from typing import Any

import click

from dedupe.console.options import corpus_option
from dedupe.console.output import note, print_plan, readable
from dedupe.store.forms import FORMS, Form


def correction_commands(group: click.Group) -> None:
    """Add a command per correction form to ``group``."""
    for form in FORMS:
        group.add_command(_command(form))


def _command(form: Form) -> click.Command:
    @click.command(form.kind, help=form.says)
    @click.option("--reason", required=form.why_required, help=form.why)
    @click.option("--by", default=None, help="Who decides [default: the user name].")
    @corpus_option
    def command(reason: str | None, by: str | None, corpus_dir: str, **given: Any) -> None:
        import getpass

        from dedupe.store import Corpus
        from dedupe.store.corrections import apply

        names = list(given["notices"]) if form.listed else [given[name.lower()] for name in form.takes]
        plan, chain = apply(Corpus(corpus_dir), form.kind, names, reason, by or getpass.getuser())
        if chain is None:
            print_plan(plan)
            return
        note(*(f"note: {n}" for n in plan.notes))
        c = plan.corrections[0]
        click.echo(readable(f"{c.kind}: {c.a} ~ {c.b}\n{chain}"))

    for argument in reversed(_arguments(form)):
        command.params.insert(0, argument)
    return command


def _arguments(form: Form) -> list[click.Argument]:
    """What the command is given: the notices as one list (their number checked by the store), or
    each by its name; a file to accept must be one, not a folder."""
    if form.listed:
        return [click.Argument(["notices"], nargs=-1, required=True, metavar=" ".join(form.takes))]
    kind = click.Path(dir_okay=False) if form.file else None
    return [click.Argument([name.lower()], type=kind) for name in form.takes]
