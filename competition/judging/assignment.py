"""Automatic assignment of judges to entries.

Every entry gets ``per_entry`` judges from those eligible for it (its panels' members without a
conflict), the load is kept even, and no judge goes over the cap. Judges are handed out in
passes, one judge per entry per pass, so when judges run short every entry still gets as many
as possible before any gets its full number. Within a pass, entries with the fewest eligible
judges are served first, and the least loaded eligible judge is chosen (lowest id on equal
load), so the plan is the same every time for the same input. Judges already assigned count
towards both the entry's judges and their own load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class AssignmentPlan:
    new_pairs: tuple[tuple[int, int], ...]  # (entry id, judge id) to add
    load: Mapping[int, int]                 # judge id -> entries assigned, existing included
    short: Mapping[int, int]                # entry id -> judges still missing


def plan_assignments(eligible: Mapping[int, Sequence[int]], *, per_entry: int, cap: int | None = None,
                     existing: Mapping[int, Sequence[int]] | None = None) -> AssignmentPlan:
    """Plan assignments.

    :param eligible: entry id -> judges who may judge it (conflicts already removed).
    :param existing: entry id -> judges already assigned.
    """
    if per_entry < 1:
        raise ValueError("each entry needs at least one judge")
    existing = existing or {}
    judges = sorted({j for js in eligible.values() for j in js} | {j for js in existing.values() for j in js})
    load = {judge: 0 for judge in judges}
    for judges_of_entry in existing.values():
        for judge in judges_of_entry:
            load[judge] += 1
    assigned = {entry: set(existing.get(entry, ())) for entry in eligible}
    new_pairs: list[tuple[int, int]] = []
    order = sorted(eligible, key=lambda e: (len(eligible[e]), e))
    for _ in range(per_entry):
        for entry in order:
            if len(assigned[entry]) >= per_entry:
                continue
            candidates = [j for j in eligible[entry]
                          if j not in assigned[entry] and (cap is None or load[j] < cap)]
            if not candidates:
                continue
            judge = min(candidates, key=lambda j: (load[j], j))
            assigned[entry].add(judge)
            new_pairs.append((entry, judge))
            load[judge] += 1
    short = {entry: per_entry - len(judges) for entry, judges in assigned.items()
             if len(judges) < per_entry}
    return AssignmentPlan(new_pairs=tuple(new_pairs), load=load, short=short)
