"""How long work reports its progress: a callback the caller may pass (the CLI's progress bar),
so no layer below the CLI knows how, or whether, progress is shown.

``progress(n)``: n more items of the current stage are done. A callback may also have
``begin(stage, total)``, told when a stage starts (reading files, matching pairs, landing
originals) and how many items it holds; a plain function is only told the items done."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int], None]


def begin(progress: Progress | None, stage: str, total: int) -> None:
    """Tell ``progress`` that ``stage`` starts with ``total`` items, if it wants to know."""
    start = getattr(progress, "begin", None)
    if start is not None:
        start(stage, total)
