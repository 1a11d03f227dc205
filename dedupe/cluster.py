"""Union-find clustering of verified pairs, deterministic whatever the input order.

Pairs are merged strongest first; a merge that would put two notices the veto keeps apart into
one cluster is refused (a cannot-link constraint), so a chain A~B~C cannot join A and C when
A and C are different notices.
"""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo

    def joined(self, a: int, b: int) -> bool:
        return self.find(a) == self.find(b)

    def copy(self) -> UnionFind:
        twin = UnionFind(0)
        twin.parent = list(self.parent)
        return twin


def cluster(
    size: int,
    merges: Iterable[tuple[int, int]],
    apart: Iterable[tuple[int, int]] = (),
    forced: Iterable[tuple[int, int]] = (),
    kept_apart: Iterable[tuple[int, int]] = (),
) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Group ``size`` items linked by ``merges`` (in the order given), never joining ``apart`` pairs.

    A person's corrections come first: ``forced`` pairs (merged by hand) are joined whatever the
    automatic vetoes say, except a join that ``kept_apart`` (split by hand) forbids; then the
    automatic merges, which respect both kinds of cannot-link. An automatic veto of a notice a
    person merged does not hold against the notices it was merged with: merging A (of cluster
    {A, C}) with B joins the two clusters, as the person said, rather than taking A from C because
    B and C are versions apart. Returns the clusters (each sorted, ordered by their first member)
    and the merges refused.
    """
    uf = UnionFind(size)
    members: dict[int, set[int]] = {i: {i} for i in range(size)}
    forbidden: dict[int, set[int]] = {}
    for a, b in kept_apart:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)
    refused: list[tuple[int, int]] = []
    forced, merges = list(forced), list(merges)
    _join(uf, members, forbidden, forced, refused)
    overruled = _overruled([p for p in forced if p not in refused], merges)
    for a, b in apart:
        if (a, b) in overruled or (b, a) in overruled:
            continue
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)
    _join(uf, members, forbidden, merges, refused)
    groups: dict[int, list[int]] = {}
    for i in range(size):
        groups.setdefault(uf.find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0]), refused


def _overruled(forced: list[tuple[int, int]], merges: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The automatic vetoes a person's merge overrules: merging A with B joins B to A's cluster
    mates (those A merges with directly), so a veto between B and one of them no longer holds."""
    mates: dict[int, set[int]] = {}
    for a, b in merges:
        mates.setdefault(a, set()).add(b)
        mates.setdefault(b, set()).add(a)
    out = set()
    for a, b in forced:
        out.update((b, m) for m in mates.get(a, ()))
        out.update((a, m) for m in mates.get(b, ()))
    return out


def _join(
    uf: UnionFind,
    members: dict[int, set[int]],
    forbidden: dict[int, set[int]],
    merges: Iterable[tuple[int, int]],
    refused: list[tuple[int, int]],
) -> None:
    for a, b in merges:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        if any(forbidden.get(x, set()) & members[rb] for x in members[ra]):
            refused.append((a, b))
            continue
        uf.union(ra, rb)
        root = uf.find(ra)
        members[root] = members.pop(ra if root == rb else rb) | members[root]
