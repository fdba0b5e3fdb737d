"""A new competition set up like an earlier one: its categories, judging rounds with their rubrics,
panels with their judges, awards, bands and result rules, ready for a new year. Nothing that
happened in the earlier one comes along: no innovation, sheet, score, outcome or result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import null, select
from sqlalchemy.orm import selectinload

from competition.audit.operations import record
from competition.competitions.operations import create_competition
from competition.extensions import db
from competition.models import (
    Award,
    Category,
    Competition,
    Criterion,
    CriterionLevel,
    Panel,
    PanelMember,
    Round,
    ScheduledPhaseChange,
    User,
)
from competition.people.operations import grant_role
from competition.policy import require_organiser
from competition.unit_of_work import operation

# What a round, a criterion and an award are made of, beyond where they belong.
ROUND_FIELDS = ("position", "name", "blind", "aggregation", "normalise", "advancement", "advancement_count",
                "advancement_min_score", "weight", "judges_per_entry", "judge_cap")
CRITERION_FIELDS = ("position", "name", "guidance", "weight", "scale", "min_value", "max_value", "step",
                    "independent")
AWARD_FIELDS = ("position", "name", "subject", "positions", "policy", "index_floor", "count_bonus",
                "count_bonus_cap", "citation")
# The competition's own rules for its results and what its schedule does by itself.
RULE_FIELDS = ("disagreement_threshold", "one_award_per_organisation", "reminder_days", "opd_feedback")


@operation
def clone_competition(source: Competition, organiser: User, *, name: str, year: int,
                      submission_opens_at: datetime, submission_closes_at: datetime,
                      verification_closes_at: datetime, judging_closes_at: datetime) -> Competition:
    """A competition in its set-up phase, of the source's region, with the given name, year and
    timeline, set up as ``source`` is; ``organiser`` (who must organise the source) organises it,
    and the judges of its panels are made its judges."""
    require_organiser(organiser, source)
    competition = create_competition(
        name=name, year=year, region=source.region, categories=[c.name for c in source.categories],
        units_compete=source.units_compete, submission_opens_at=submission_opens_at,
        submission_closes_at=submission_closes_at, verification_closes_at=verification_closes_at,
        judging_closes_at=judging_closes_at)
    categories = _categories(source, competition)
    competition.tie_break_chain = list(source.tie_break_chain)
    competition.bands = [dict(band) for band in source.bands]
    for field in RULE_FIELDS:
        setattr(competition, field, getattr(source, field))
    competition.scheduled_changes = [ScheduledPhaseChange(trigger=trigger)
                                     for trigger in source.scheduled_triggers]
    _awards(source, competition, categories)
    judges = _rounds(source, competition, categories)
    db.session.flush()
    grant_role(organiser, competition, "organiser")
    for judge in judges:
        grant_role(judge, competition, "judge")
    record("competition.cloned", organiser, competition=competition,
           details={"from": source.id, "name": competition.name, "year": competition.year,
                    "scheduled_changes": list(competition.scheduled_triggers),
                    "reminder_days": competition.reminder_days, "opd_feedback": competition.opd_feedback})
    return competition


def _categories(source: Competition, competition: Competition) -> dict[int, Category]:
    """The new competition's categories by the id of the source's category of the same name."""
    made = {category.name: category for category in competition.categories}
    for category in source.categories:
        made[category.name].description = category.description
    return {category.id: made[category.name] for category in source.categories}


def _awards(source: Competition, competition: Competition, categories: dict[int, Category]) -> None:
    """The source's awards in place of the default one every new competition starts with."""
    for default in list(competition.awards):
        competition.awards.remove(default)
        db.session.delete(default)
    db.session.flush()            # the default's position is free before the copies take it
    for award in db.session.scalars(select(Award).where(Award.competition_id == source.id)
                                    .order_by(Award.position)):
        copy = Award(competition=competition, **{field: getattr(award, field) for field in AWARD_FIELDS})
        copy.category = categories[award.category_id] if award.category_id is not None else None
        db.session.add(copy)


def _kept(value: Any) -> Any:
    """A value as stored: an empty one stays empty (a column's default would fill it in)."""
    return null() if value is None else value


def _rounds(source: Competition, competition: Competition, categories: dict[int, Category]) -> list[User]:
    """The source's rounds, in set-up, with their criteria and levels and their panels; the
    panels' judges, each once."""
    judges: dict[int, User] = {}
    rounds = db.session.scalars(select(Round).where(Round.competition_id == source.id)
                                .options(selectinload(Round.criteria).selectinload(Criterion.levels),
                                         selectinload(Round.panels).selectinload(Panel.members))
                                .order_by(Round.position)).all()
    with db.session.no_autoflush:
        for round_ in rounds:
            copy = Round(competition=competition,
                         **{field: _kept(getattr(round_, field)) for field in ROUND_FIELDS})
            db.session.add(copy)
            copy.criteria = [
                Criterion(**{field: _kept(getattr(criterion, field)) for field in CRITERION_FIELDS},
                          levels=[CriterionLevel(value=level.value, label=level.label)
                                  for level in criterion.levels])
                for criterion in round_.criteria]
            for panel in round_.panels:
                members = sorted(panel.members, key=lambda member: member.id)
                db.session.add(Panel(round=copy, name=panel.name,
                                     category=categories[panel.category_id] if panel.category_id else None,
                                     members=[PanelMember(judge=member.judge) for member in members]))
                judges.update((member.judge_id, member.judge) for member in members)
    return list(judges.values())


@dataclass(frozen=True)
class CopiedRound:
    name: str
    criteria: list[str]
    panels: list[tuple[str, int]]        # (panel, how many judges)


@dataclass(frozen=True)
class CloneSummary:
    """What :func:`clone_competition` takes from a competition, for the page that offers it."""

    categories: list[str]
    rounds: list[CopiedRound]
    awards: list[str]
    bands: list[dict[str, Any]]          # highest first
    tie_break_chain: list[str]
    judges: list[str]                    # the panels' judges, who become the new one's judges


def clone_summary(source: Competition) -> CloneSummary:
    """What a competition set up like ``source`` starts with (see :func:`clone_competition`)."""
    rounds = db.session.scalars(select(Round).where(Round.competition_id == source.id)
                                .options(selectinload(Round.criteria),
                                         selectinload(Round.panels).selectinload(Panel.members)
                                         .selectinload(PanelMember.judge))
                                .order_by(Round.position)).all()
    judges = {member.judge_id: member.judge.name for round_ in rounds for panel in round_.panels
              for member in panel.members}
    awards = db.session.scalars(select(Award.name).where(Award.competition_id == source.id)
                                .order_by(Award.position)).all()
    return CloneSummary(
        categories=sorted(category.name for category in source.categories),
        rounds=[CopiedRound(name=round_.name, criteria=[c.name for c in round_.criteria],
                            panels=[(panel.name, len(panel.members))
                                    for panel in sorted(round_.panels, key=lambda p: p.name)])
                for round_ in rounds],
        awards=list(awards), bands=sorted(source.bands, key=lambda band: -band["minimum"]),
        tie_break_chain=list(source.tie_break_chain), judges=sorted(judges.values()))
