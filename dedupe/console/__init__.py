"""What the command line (``cli.py``) needs besides its commands: the group that turns library
errors into messages and exit codes (``group``), the options several commands share
(``options``), how notes, refusals and progress are printed (``output``), and the correction
commands made from the store's table of corrections (``corrections``).

The command-line layer's own support: it may import click; the engine and the store never import it."""

from __future__ import annotations

from dedupe.console.group import EXIT_CODES, VERBOSE, BadInput, Commands, Unusable, complete, serve

__all__ = ["EXIT_CODES", "VERBOSE", "BadInput", "Commands", "Unusable", "complete", "serve"]
