"""Version chains in the Spark batch: ``dedupe --format json``'s ``chains``, built by the engine's
own ``dedupe.chains.build_chains`` one regulation (act key) at a time.

A chain joins clusters of one act, which may lie in different components of the candidate graph:
so each component's task gives, for each of its clusters, a unit (the cluster's id, canonical and
members, the copies of its members' bytes included) keyed by the act its title names, and keyed by
each act its canonical repeals (``《…》同时废止``). The units of one key are then grouped in a
shuffle, and only keys with two acts, or an act and a notice repealing it, are built: the driver
collects the keys' counts and the chains, never a document.

``build_chains`` over the whole batch orders the units of an act, and the notices repealing it, as
the engine orders its clusters (by canonical path, then id); the units of one key, sorted the same
way, give it the same input for that act: the same chains. A repealing notice of another act is
handed to it as a unit too (it is one in the engine), and whatever chain it makes of its own act is
built at its own key, not here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from dedupe.acts import act_key, is_act, title_of
from dedupe.chains import Unit, build_chains, repealed_acts
from dedupe.model import Result

Position = tuple[str, str]  # a cluster's place in the engine's order: its canonical's path, its id
Held = tuple[str, str, Position, Unit]  # ("act" | "repeal", act key, position, unit)


def held_units(result: Result, copies: dict[str, list[tuple[str, int]]]) -> Iterator[Held]:
    """A component's units under the act each names and under each act its canonical repeals.
    ``copies``: each notice's files of the same bytes (path, order), in the engine's order."""
    for c in result.clusters:
        extra = [m.moved(path, order=order) for m in c.members for path, order in copies.get(m.id, ())]
        unit = Unit(c.id, c.canonical, (*c.members, *sorted(extra, key=lambda d: (d.order, d.path))))
        where = (c.canonical.path, c.id)
        title = title_of(unit.members)
        if title and is_act(title):
            yield "act", act_key(title), where, unit
        for key in dict.fromkeys(repealed_acts(c.canonical)):
            yield "repeal", key, where, unit


def worth_building(counts: tuple[int, int]) -> bool:
    """(acts, repealing notices) of a key: a chain needs two versions, or one and its repeal."""
    acts, repeals = counts
    return acts >= 2 or (acts >= 1 and repeals >= 1)


def chains_of_key(held: Iterable[tuple[str, Position, Unit]]) -> list[dict[str, Any]]:
    """The chains of one act key, as JSON: ``build_chains`` over its units and the notices
    repealing it, in the engine's order; chains of other acts (a repealing notice's own) are left
    to their own key."""
    units: dict[str, tuple[Position, Unit]] = {}
    acts: set[str] = set()
    for kind, where, unit in held:
        units[unit.cluster] = (where, unit)
        if kind == "act":
            acts.add(unit.cluster)
    ordered = [unit for _, unit in sorted(units.values(), key=lambda x: x[0])]
    return [
        chain.to_json()
        for chain in build_chains(ordered)
        if all(c in acts for v in chain.versions for c in (v.clusters or (v.cluster,)))
    ]


def chains(rows: Any, parts: int) -> list[dict[str, Any]]:
    """The batch's chains (JSON, sorted as ``build_chains`` sorts them) from the ``held`` rows of
    every component (an RDD of :data:`Held`, tagged as the component rows are)."""
    held = rows.filter(lambda r: r[0] in ("act", "repeal"))
    counts = held.map(lambda r: (r[1], (int(r[0] == "act"), int(r[0] == "repeal"))))
    summed = counts.reduceByKey(lambda a, b: (a[0] + b[0], a[1] + b[1]), parts)
    wanted = set(summed.filter(lambda kv: worth_building(kv[1])).keys().collect())
    if not wanted:
        return []
    keys = rows.context.broadcast(wanted)
    grouped = held.filter(lambda r: r[1] in keys.value).map(lambda r: (r[1], (r[0], r[2], r[3]))).groupByKey(parts)
    found = grouped.flatMap(lambda kv: chains_of_key(kv[1])).collect()
    keys.unpersist()
    return sorted(found, key=lambda c: (c["act"], c["id"]))
