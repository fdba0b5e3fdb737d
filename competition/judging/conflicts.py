"""Conflicts of interest that follow from the organisation tree."""

from __future__ import annotations

from collections.abc import Sequence


def organisation_conflict(judge_lineage: Sequence[int], entry_lineage: Sequence[int]) -> bool:
    """A judge conflicts with an entry when the judge works in the entry's organisation, in one
    above it (its parent OPD), or in one below it (a bidang or UPT of the entry's organisation).

    Each lineage lists an organisation's id followed by its ancestors' ids; a judge with no
    organisation (an academic, say) has an empty lineage and no such conflict.
    """
    if not judge_lineage or not entry_lineage:
        return False
    judge_org, entry_org = judge_lineage[0], entry_lineage[0]
    return judge_org in entry_lineage or entry_org in judge_lineage
