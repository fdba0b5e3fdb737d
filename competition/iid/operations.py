"""Changing the IID rehearsal's levels: an OPD claims, a verifier confirms or lowers, the Bappeda
sets the regional rows. Each change is audited (``iid.claimed``, ``iid.verified``,
``iid.region_set``) with what changed, in the caller's transaction.

- Claiming a different level, or naming other evidence, takes back that indicator's verification:
  the verifier looks again.
- A verifier confirms a level (the claimed one) or lowers it; lowering needs a note saying why.
- Evidence named by a claim must belong to the same innovation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from competition.audit.operations import record
from competition.documents.inputs import NOTE, text_problem
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.iid.model import LEVELS, Model
from competition.models import Competition, Entry, Evidence, IndicatorLevel, RegionLevel, User
from competition.models.state import lock_and_reread_state
from competition.models.types import utcnow
from competition.policy import can_claim_iid, can_set_region_iid, can_verify_iid
from competition.unit_of_work import operation
from workflows.messages import t


@dataclass(frozen=True)
class Claimed:
    """What an OPD claims for one indicator: a level (0-3) and the evidence backing it."""

    level: int
    evidence_id: int | None = None


@dataclass(frozen=True)
class Verified:
    """A verifier's decision on one indicator: the level it keeps (at most the claimed one) and why."""

    level: int
    note: str = ""


def _level_problem(field: str, level: object, highest: int = LEVELS) -> str | None:
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= highest:
        return t("%(field)s: the level must be a whole number from 0 to %(highest)s", field=field,
                 highest=highest)
    return None


def levels_of(entry: Entry) -> dict[str, IndicatorLevel]:
    """The innovation's stored indicator levels, by indicator key."""
    rows = db.session.scalars(select(IndicatorLevel).where(IndicatorLevel.entry_id == entry.id))
    return {row.indicator: row for row in rows}


@operation
def claim_levels(entry: Entry, user: User, model: Model, claims: Mapping[str, Claimed], *,
                 now: datetime | None = None) -> list[str]:
    """Set the claimed level and evidence of the indicators in ``claims``; returns the keys that
    changed (a claim as it stood changes nothing and is not recorded)."""
    if not can_claim_iid(user, entry):
        raise NotPermitted(t("%(user)s may not claim IID levels for %(entry)s", user=user.name,
                             entry=entry.title))
    keys = {indicator.key for indicator in model.sid}
    own_evidence = set(db.session.scalars(select(Evidence.id).where(Evidence.entry_id == entry.id)))
    problems = []
    for key, claim in claims.items():
        if key not in keys:
            problems.append(t("%(field)s: not an indicator of %(model)s", field=key, model=model.title))
            continue
        if problem := _level_problem(key, claim.level):
            problems.append(problem)
        if claim.evidence_id is not None and claim.evidence_id not in own_evidence:
            problems.append(t("%(field)s: the evidence named is not this innovation's", field=key))
    if problems:
        raise InvalidInput(problems)
    lock_and_reread_state(entry, "status", "version")
    stored, moment, changed = levels_of(entry), now or utcnow(), {}
    for key, claim in claims.items():
        row = stored.get(key)
        if row is None:
            if claim.level == 0 and claim.evidence_id is None:
                continue
            row = IndicatorLevel(entry_id=entry.id, indicator=key)
            db.session.add(row)
        elif (row.claimed_level, row.evidence_id) == (claim.level, claim.evidence_id):
            continue
        row.claimed_level, row.evidence_id = claim.level, claim.evidence_id
        row.claimed_by_id, row.claimed_at = user.id, moment
        row.verified_level, row.verified_note, row.verified_by_id, row.verified_at = None, "", None, None
        changed[key] = {"level": claim.level, "evidence_id": claim.evidence_id}
    if changed:
        db.session.flush()
        record("iid.claimed", user, entry=entry, details={"model": model.name, "levels": changed}, now=now)
    return sorted(changed)


@operation
def verify_levels(entry: Entry, user: User, model: Model, decisions: Mapping[str, Verified], *,
                  now: datetime | None = None) -> list[str]:
    """Confirm or lower the claimed levels in ``decisions``; returns the keys that changed."""
    if not can_verify_iid(user, entry):
        raise NotPermitted(t("%(user)s may not verify IID levels of %(entry)s", user=user.name,
                             entry=entry.title))
    lock_and_reread_state(entry, "status", "version")
    stored, problems = levels_of(entry), []
    for key, decision in decisions.items():
        row = stored.get(key)
        if row is None or key not in {indicator.key for indicator in model.sid}:
            problems.append(t("%(field)s: nothing is claimed for this indicator", field=key))
            continue
        if problem := _level_problem(key, decision.level, row.claimed_level):
            problems.append(problem)
        elif decision.level < row.claimed_level and not decision.note.strip():
            problems.append(t("%(field)s: say why the level is lowered", field=key))
        if problem := text_problem(key, decision.note, NOTE):
            problems.append(problem)
    if problems:
        raise InvalidInput(problems)
    moment, changed = now or utcnow(), {}
    for key, decision in decisions.items():
        row = stored[key]
        if (row.verified_level, row.verified_note) == (decision.level, decision.note.strip()):
            continue
        row.verified_level, row.verified_note = decision.level, decision.note.strip()
        row.verified_by_id, row.verified_at = user.id, moment
        changed[key] = {"claimed": row.claimed_level, "verified": decision.level,
                        "note": decision.note.strip()}
    if changed:
        db.session.flush()
        record("iid.verified", user, entry=entry, details={"model": model.name, "levels": changed}, now=now)
    return sorted(changed)


def region_levels(competition: Competition) -> dict[str, RegionLevel]:
    rows = db.session.scalars(select(RegionLevel).where(RegionLevel.competition_id == competition.id))
    return {row.row: row for row in rows}


@operation
def set_region_levels(competition: Competition, user: User, model: Model, levels: Mapping[str, int], *,
                      now: datetime | None = None) -> list[str]:
    """Set the region's SPD rows in ``levels``; returns the rows that changed."""
    if not can_set_region_iid(user, competition):
        raise NotPermitted(t("%(user)s may not set the regional IID indicators of %(competition)s",
                             user=user.name, competition=competition.name))
    rows = {row.key for row in model.spd}
    problems = [t("%(field)s: not a regional row of %(model)s", field=key, model=model.title)
                for key in levels if key not in rows]
    problems += [problem for key, level in levels.items() if (problem := _level_problem(key, level))]
    if problems:
        raise InvalidInput(problems)
    lock_and_reread_state(competition, "phase", "version")
    stored, moment, changed = region_levels(competition), now or utcnow(), {}
    for key, level in levels.items():
        row = stored.get(key)
        if row is None:
            if level == 0:
                continue
            row = RegionLevel(competition_id=competition.id, row=key)
            db.session.add(row)
        elif row.level == level:
            continue
        row.level, row.set_by_id, row.set_at = level, user.id, moment
        changed[key] = level
    if changed:
        db.session.flush()
        record("iid.region_set", user, competition=competition,
               details={"model": model.name, "levels": changed}, now=now)
    return sorted(changed)
