"""Options several commands share: how notices are compared, the corpus folder, the output format."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import click


def compare_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the commands that compare notices."""

    @click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=None,
                  help="Exact Jaccard from which two notices are near duplicates [default: 0.8, or the corpus's].")  # fmt: skip
    @click.option(
        "--jobs",
        "-j",
        type=click.IntRange(1),
        help="Processes at work, this one included [default: all cores for 64+ files].",
    )
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
