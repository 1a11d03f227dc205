"""The command group: library errors turned into messages and exit codes, a damaged cache made
anew, and the switches every command takes (``--verbose``, ``--quiet``) before or after its name."""

from __future__ import annotations

import sqlite3
import traceback
from typing import Any

import click

EXIT_CODES = (
    "Exit codes: 0 ok; 1 check found duplicates; 2 bad input (named); 3 the corpus or index cannot be used; "
    "4 an unexpected error."
)
VERBOSE = (
    "Say what happened to each file (read, skipped or refused, and why); print the traceback of an unexpected error."
)
QUIET = "Print no notes, only results, errors and what was refused."


class BadInput(click.ClickException):
    exit_code = 2


class Unusable(click.ClickException):
    exit_code = 3


class Commands(click.Group):
    """Library errors become messages with their exit code; anything else is one line and exit 4.
    The group's help and each command's end with the exit codes they share."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = f"{self.help}\n\n{EXIT_CODES}"

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.help = f"{cmd.help}\n\n{EXIT_CODES}"
        super().add_command(cmd, name)

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


def switches_after_the_command(group: click.Group) -> None:
    """--verbose and --quiet are accepted after a command's name as well as before it
    (``policy-dedup ingest FILES --quiet``): each command takes them and sets the same switch."""

    def remember(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value and param.name:
            ctx.find_root().obj[param.name] = True

    for command in group.commands.values():
        names = {opt for p in command.params for opt in getattr(p, "opts", ())}
        for opts, say in ((["--verbose"], VERBOSE), (["--quiet", "-q"], QUIET)):
            if not names & set(opts):
                command.params.append(click.Option(opts, is_flag=True, expose_value=False, callback=remember, help=say))


def complete(group: click.Group) -> None:
    """The group's last touches once its commands are defined: the correction commands added (one
    per form the store knows), and --verbose and --quiet accepted after every command's name."""
    from dedupe.console.corrections import correction_commands

    correction_commands(group)
    switches_after_the_command(group)


def serve(server: Any) -> None:
    """Run a command's server until Ctrl-C, which ends the command as a success, then close it."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
