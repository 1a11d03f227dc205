"""Exceptions of the dedupe stage; the CLI turns them into messages that say what to do."""

from __future__ import annotations


class DedupeError(Exception):
    """Base class of every error the dedupe package raises."""


class IndexUnavailable(DedupeError):
    """The candidate index cannot be built or reached (bad URL, Redis down, extra missing)."""


class CorpusError(DedupeError):
    """The corpus folder is missing, locked, or inconsistent."""


class InputError(DedupeError):
    """What the user gave cannot be used (exit code 2): the message names it and says why."""


class NothingToRead(InputError):
    """The paths given hold no notice to read (an empty folder, only other kinds of files)."""


class UnknownNotice(InputError):
    """A correction or a history names a notice the corpus does not hold (or holds several of)."""
