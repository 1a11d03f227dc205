"""A record of what normalization changed, so every edit can be explained to a user."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_EXAMPLES = 3


@dataclass(frozen=True)
class Change:
    """One normalization step that changed something.

    ``step`` names the rule (``page-number``, ``hard-wrap``…), ``count`` how many times it fired,
    ``examples`` up to three short excerpts of what it changed or removed.
    """

    step: str
    count: int
    examples: tuple[str, ...] = ()

    def describe(self) -> str:
        shown = "; ".join(repr(e) for e in self.examples)
        return f"{self.step}: {self.count}" + (f" (e.g. {shown})" if shown else "")


@dataclass
class ChangeLog:
    """Collects changes step by step; steps keep the order in which they first fired."""

    _counts: dict[str, int] = field(default_factory=dict)
    _examples: dict[str, list[str]] = field(default_factory=dict)
    # facts read from lines a step took out of the body (a law database's 公布日期, 发文字号…)
    facts: dict[str, str] = field(default_factory=dict)

    def add(self, step: str, example: str = "", count: int = 1) -> None:
        if count <= 0:
            return
        self._counts[step] = self._counts.get(step, 0) + count
        examples = self._examples.get(step)
        if examples is None:
            examples = self._examples[step] = []
        if len(examples) < MAX_EXAMPLES:  # a step that fired often has its examples: nothing to strip
            example = example.strip()
            if example and example not in examples:
                examples.append(example[:60])

    def changes(self) -> tuple[Change, ...]:
        return tuple(Change(step, count, tuple(self._examples.get(step, ()))) for step, count in self._counts.items())
