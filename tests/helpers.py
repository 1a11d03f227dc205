"""What several tests ask the same way: a result's decisions, side by side, and how often a
function ran."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from dedupe.model import Result


def decisions(result: Result) -> tuple:
    """Every decision of a run, in an order that does not depend on which process made it: its
    pairs, its clusters with their canonicals, each notice's membership, and the decision log."""
    pairs = sorted((p.a.id, p.b.id, p.relation, p.merged, p.veto, p.reason) for p in result.pairs)
    clusters = [(c.id, c.canonical.id, c.reason, [m.id for m in c.members]) for c in result.clusters]
    members = sorted((k, m.cluster.id, m.relation, m.similarity, m.via) for k, m in result.membership.items())
    return pairs, clusters, members, [repr(d) for d in result.decisions]


def _once(*args: Any, **kwargs: Any) -> int:
    return 1


def calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, note: Callable[..., Any] = _once) -> list[Any]:
    """``owner.name`` patched to run as before and note each call in the list returned: 1, or
    what ``note`` makes of the call's arguments (the instance first for a method). A note is taken
    once the call returns or raises, so that it can read what the call did. A static method and a
    property stay what they were on a class."""
    noted: list[Any] = []
    held = inspect.getattr_static(owner, name)
    real = held.fget if isinstance(held, property) else getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        try:
            return real(*args, **kwargs)
        finally:
            noted.append(note(*args, **kwargs))

    if isinstance(held, property):
        monkeypatch.setattr(owner, name, property(counted))
    elif isinstance(held, staticmethod):
        monkeypatch.setattr(owner, name, staticmethod(counted))
    else:
        monkeypatch.setattr(owner, name, counted)
    return noted
