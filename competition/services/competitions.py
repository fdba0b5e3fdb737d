"""Setting competitions up and moving them through their phases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from competition.errors import ConcurrentChange, InvalidInput
from competition.extensions import db
from competition.models import Award, Category, Competition, CompetitionEvent, Region, User
from competition.models.results import DEFAULT_AWARD_CITATION, DEFAULT_AWARD_NAME
from competition.models.types import utcnow
from competition.permissions import actor_for
from workflows import Actor, get_workflow

COMPETITION_WORKFLOW = "competition"


def create_competition(*, name: str, year: int, region: Region, submission_opens_at: datetime,
                       submission_closes_at: datetime, verification_closes_at: datetime,
                       judging_closes_at: datetime, categories: list[str] | None = None) -> Competition:
    """A competition in its set-up phase, with its timeline and categories."""
    problems = []
    if not name.strip():
        problems.append("name: must not be empty")
    if not 2000 <= year <= 2100:
        problems.append(f"year: {year} is not a plausible competition year")
    moments = [("submission_opens_at", submission_opens_at), ("submission_closes_at", submission_closes_at),
               ("verification_closes_at", verification_closes_at), ("judging_closes_at", judging_closes_at)]
    naive = [label for label, moment in moments if moment.tzinfo is None]
    problems.extend(f"{label}: give a time zone" for label in naive)
    if not naive:
        if submission_opens_at >= submission_closes_at:
            problems.append("submission_closes_at: must be after submission opens")
        if verification_closes_at < submission_closes_at:
            problems.append("verification_closes_at: must not be before submission closes")
        if judging_closes_at < verification_closes_at:
            problems.append("judging_closes_at: must not be before verification closes")
    names = [c.strip() for c in categories or []]
    if len(set(names)) != len(names) or any(not c for c in names):
        problems.append("categories: names must be non-empty and different")
    if db.session.scalar(select(Competition.id).where(
            Competition.region_id == region.id, Competition.name == name.strip(),
            Competition.year == year)):
        problems.append(f"name: {region.name} already has a competition called {name!r} in {year}")
    if problems:
        raise InvalidInput(problems)
    try:
        competition = Competition(
            name=name.strip(), year=year, region=region,
            phase=get_workflow(COMPETITION_WORKFLOW).definition.initial,
            submission_opens_at=submission_opens_at, submission_closes_at=submission_closes_at,
            verification_closes_at=verification_closes_at, judging_closes_at=judging_closes_at)
        competition.categories = [Category(name=c) for c in names]
        # "OPD Terinovatif", positions 1–5, is every competition's award until the organiser
        # defines others.
        competition.awards = [Award(position=1, name=DEFAULT_AWARD_NAME, citation=DEFAULT_AWARD_CITATION)]
        db.session.add(competition)
        db.session.commit()
        return competition
    except BaseException:
        db.session.rollback()
        raise


def change_competition_phase(competition: Competition, trigger: str, actor: User | Actor, *,
                             comment: str | None = None, now: datetime | None = None) -> CompetitionEvent:
    """Fire ``trigger`` on the competition workflow: the only way a competition's phase changes.

    In one transaction: the phase moves, the competition's version goes up (a concurrent phase
    change raises :class:`ConcurrentChange`), and a :class:`CompetitionEvent` is written.
    """
    now = now or utcnow()
    try:
        acting = actor if isinstance(actor, Actor) else actor_for(actor, competition)
        cleaned_comment = (comment or "").strip() or None
        from_phase, to_phase = get_workflow(COMPETITION_WORKFLOW).fire(
            competition, trigger, acting, comment=cleaned_comment, now=now)
        event = CompetitionEvent(competition=competition, trigger=trigger, from_phase=from_phase,
                                 to_phase=to_phase, actor_id=acting.user_id, comment=cleaned_comment,
                                 created_at=now)
        db.session.add(event)
        db.session.commit()
        return event
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        if isinstance(exc, IntegrityError):
            raise
        raise ConcurrentChange(f"{competition.name} was changed by someone else; reload it") from exc
    except BaseException:
        db.session.rollback()
        raise
