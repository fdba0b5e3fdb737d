"""Setting competitions up and moving them through their phases."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from competition.audit.operations import record
from competition.documents.inputs import clean_comment, text_problem
from competition.errors import ConcurrentChange, InvalidInput
from competition.extensions import db
from competition.models import (
    UNITS_COMPETE_RULES,
    UNITS_OWN,
    Award,
    Category,
    Competition,
    CompetitionEvent,
    Entry,
    Panel,
    Region,
    User,
)
from competition.models.state import lock_and_reread_state
from competition.models.types import utcnow
from competition.policy import actor_for, require_organiser
from competition.results.models import DEFAULT_AWARD_CITATION, DEFAULT_AWARD_NAME
from competition.unit_of_work import operation
from workflows import Actor, get_workflow
from workflows.messages import t

COMPETITION_WORKFLOW = "competition"


@operation
def create_competition(*, name: str, year: int, region: Region, submission_opens_at: datetime,
                       submission_closes_at: datetime, verification_closes_at: datetime,
                       judging_closes_at: datetime, categories: list[str] | None = None,
                       units_compete: str = UNITS_OWN) -> Competition:
    """A competition in its set-up phase, with its timeline and categories; units under an OPD
    compete as entrants of their own unless ``units_compete`` is "parent"."""
    problems = _units_problems(units_compete)
    names = [c.strip() for c in categories or []]
    problems += [problem for problem in (text_problem("name", name.strip(), 200, one_line=True),
                                         *(text_problem("categories", c, 120, one_line=True) for c in names))
                 if problem]
    if not name.strip():
        problems.append(t("name: must not be empty"))
    if not 2000 <= year <= 2100:
        problems.append(t("year: %(year)s is not a plausible competition year", year=year))
    moments = [("submission_opens_at", submission_opens_at), ("submission_closes_at", submission_closes_at),
               ("verification_closes_at", verification_closes_at), ("judging_closes_at", judging_closes_at)]
    naive = [label for label, moment in moments if moment.tzinfo is None]
    problems.extend(t("%(field)s: give a time zone", field=label) for label in naive)
    problems.extend(t("%(moment)s: a date from the year 2000 to 2100", moment=label)
                    for label, moment in moments if not 2000 <= moment.year <= 2100)
    if not naive:
        if submission_opens_at >= submission_closes_at:
            problems.append(t("submission_closes_at: must be after submission opens"))
        if verification_closes_at < submission_closes_at:
            problems.append(t("verification_closes_at: must not be before submission closes"))
        if judging_closes_at < verification_closes_at:
            problems.append(t("judging_closes_at: must not be before verification closes"))
    if len(set(names)) != len(names) or any(not c for c in names):
        problems.append(t("categories: names must be non-empty and different"))
    if db.session.scalar(select(Competition.id).where(
            Competition.region_id == region.id, Competition.name == name.strip(),
            Competition.year == year)):
        problems.append(t("name: %(region)s already has a competition called %(name)r in %(year)s",
                          region=region.name, name=name, year=year))
    if problems:
        raise InvalidInput(problems)
    competition = Competition(
        name=name.strip(), year=year, region=region,
        phase=get_workflow(COMPETITION_WORKFLOW).definition.initial, units_compete=units_compete,
        submission_opens_at=submission_opens_at, submission_closes_at=submission_closes_at,
        verification_closes_at=verification_closes_at, judging_closes_at=judging_closes_at)
    competition.categories = [Category(name=c) for c in names]
    # "OPD Terinovatif", positions 1–5, is every competition's award until the organiser
    # defines others.
    competition.awards = [Award(position=1, name=DEFAULT_AWARD_NAME, citation=DEFAULT_AWARD_CITATION)]
    db.session.add(competition)
    db.session.flush()
    record("competition.created", competition=competition, details={"name": competition.name,
                                                                    "year": competition.year})
    return competition


@operation
def change_competition_phase(competition: Competition, trigger: str, actor: User | Actor, *,
                             comment: str | None = None, now: datetime | None = None) -> CompetitionEvent:
    """Fire ``trigger`` on the competition workflow: the only way a competition's phase changes.

    In one transaction: the phase moves, the competition's version goes up (a concurrent phase
    change raises :class:`ConcurrentChange`), and a :class:`CompetitionEvent` is written.
    """
    now = now or utcnow()
    # A round opened or reopened at the same moment waits, or makes this wait (closing judging
    # asks whether every round is closed).
    lock_and_reread_state(competition, "phase", "version")
    acting = actor if isinstance(actor, Actor) else actor_for(actor, competition)
    cleaned_comment = clean_comment(comment)
    from_phase, to_phase = get_workflow(COMPETITION_WORKFLOW).fire(
        competition, trigger, acting, comment=cleaned_comment, now=now)
    event = CompetitionEvent(competition=competition, trigger=trigger, from_phase=from_phase,
                             to_phase=to_phase, actor_id=acting.user_id, comment=cleaned_comment,
                             created_at=now)
    db.session.add(event)
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange(t("%(name)s was changed by someone else; reload it",
                                 name=competition.name)) from exc
    return event


# -- changing a competition's set-up --------------------------------------------------------------

# The timeline in order, with the last phase in which each moment may still change: once a phase
# is over, the moment that ended it is history.
TIMELINE = ("submission_opens_at", "submission_closes_at", "verification_closes_at", "judging_closes_at")
TIMELINE_CHANGEABLE_UNTIL = {"submission_opens_at": "setup", "submission_closes_at": "open",
                             "verification_closes_at": "verification", "judging_closes_at": "judging"}
# Phases in which categories may be added or removed (entries choose them while submitting).
CATEGORY_PHASES = ("setup", "open")


def _timeline_label(field: str) -> str:
    return {"submission_opens_at": t("submission opens"), "submission_closes_at": t("submission closes"),
            "verification_closes_at": t("verification closes"),
            "judging_closes_at": t("judging closes")}[field]


def timeline_problems(moments: dict[str, datetime]) -> list[str]:
    """What is wrong with a timeline: every moment given with its time zone, in the order
    submission opens < submission closes < verification closes < judging closes."""
    problems = [t("%(moment)s: give a date and time with its time zone", moment=_timeline_label(field))
                for field in TIMELINE if moments[field].tzinfo is None]
    problems += [t("%(moment)s: a date from the year 2000 to 2100", moment=_timeline_label(field))
                 for field in TIMELINE if not 2000 <= moments[field].year <= 2100]
    if problems:
        return problems
    for earlier, later in zip(TIMELINE, TIMELINE[1:], strict=False):
        if moments[later] <= moments[earlier]:
            problems.append(t("%(later)s must come after %(earlier)s",
                              later=_timeline_label(later).capitalize(), earlier=_timeline_label(earlier)))
    return problems


def timeline_fields_named(problems: list[str]) -> list[str]:
    """The problems of a timeline, each that begins with a moment's name led by its field
    ("submission_closes_at: …"), as the API names fields; the others as they are."""
    named = []
    for problem in problems:
        field = next((field for field in reversed(TIMELINE)
                      if problem.casefold().startswith(_timeline_label(field).casefold())), None)
        named.append(f"{field}: {problem}" if field else problem)
    return named


@operation
def update_timeline(competition: Competition, organiser: User, *, submission_opens_at: datetime,
                    submission_closes_at: datetime, verification_closes_at: datetime,
                    judging_closes_at: datetime, now: datetime | None = None) -> Competition:
    """Change the competition's timeline.

    The moments stay in order. A moment whose phase is over no longer changes (the opening once
    submissions are open, the submission deadline once verification has begun, and so on), and
    after set-up a moment that still may change cannot be moved into the past: closing early is
    done with the phase change, not by backdating the deadline.
    """
    now = now or utcnow()
    require_organiser(organiser, competition)
    moments = {"submission_opens_at": submission_opens_at, "submission_closes_at": submission_closes_at,
               "verification_closes_at": verification_closes_at, "judging_closes_at": judging_closes_at}
    problems = timeline_problems(moments)
    if not problems:
        phases = get_workflow(COMPETITION_WORKFLOW).definition.state_names
        current = phases.index(competition.phase)
        for field in TIMELINE:
            if moments[field] == getattr(competition, field):
                continue
            if current > phases.index(TIMELINE_CHANGEABLE_UNTIL[field]):
                problems.append(_timeline_locked(field))
            elif competition.phase != "setup" and moments[field] < now:
                problems.append(t("%(moment)s cannot be moved into the past while the competition "
                                  "runs", moment=_timeline_label(field).capitalize()))
    if problems:
        raise InvalidInput(problems)
    changed = {}
    for field in TIMELINE:
        if moments[field] != getattr(competition, field):
            changed[field] = [_minute(getattr(competition, field)), _minute(moments[field])]
            setattr(competition, field, moments[field])
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange(t("%(name)s was changed by someone else; reload it",
                                 name=competition.name)) from exc
    if changed:
        record("schedule.changed", organiser, competition=competition, details=changed)
    return competition


@operation
def rename_competition(competition: Competition, organiser: User, name: str) -> Competition:
    """Give the competition a new name, with the checks of a new one: one line, at most 200
    characters, and no other competition of its region and year called the same. A closed
    competition keeps its name."""
    require_organiser(organiser, competition)
    cleaned = name.strip()
    problems = [problem for problem in [text_problem("name", cleaned, 200, one_line=True)] if problem]
    if not cleaned:
        problems.append(t("name: must not be empty"))
    elif cleaned != competition.name and db.session.scalar(select(Competition.id).where(
            Competition.region_id == competition.region_id, Competition.name == cleaned,
            Competition.year == competition.year, Competition.id != competition.id)):
        problems.append(t("name: %(region)s already has a competition called %(name)r in %(year)s",
                          region=competition.region.name, name=cleaned, year=competition.year))
    if competition.phase == "closed" and cleaned != competition.name:
        problems.append(t("The competition is closed; its set-up no longer changes."))
    if problems:
        raise InvalidInput(problems)
    if cleaned == competition.name:
        return competition
    record("competition.renamed", organiser, competition=competition,
           details={"from": competition.name, "to": cleaned})
    competition.name = cleaned
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange(t("%(name)s was changed by someone else; reload it",
                                 name=competition.name)) from exc
    return competition


def _minute(moment: datetime) -> str:
    """A moment as the audit log keeps it: UTC, to the minute."""
    return moment.astimezone(UTC).isoformat(timespec="minutes")


def _timeline_locked(field: str) -> str:
    return {"submission_opens_at": t("Submissions are already open; the opening can no longer change."),
            "submission_closes_at": t("Submissions are closed; their deadline can no longer change."),
            "verification_closes_at": t("Verification is over; its deadline can no longer change."),
            "judging_closes_at": t("Judging is over; its deadline can no longer change.")}[field]


# -- units under an OPD ----------------------------------------------------------------------------

# Phases in which the results are worked out with the rule for units, which then stays.
UNITS_FIXED_PHASES = ("results", "closed")


def _units_problems(units_compete: str) -> list[str]:
    if units_compete in UNITS_COMPETE_RULES:
        return []
    return [t("units_compete: %(value)r is not a rule; choose 'own' (units compete as entrants of "
              "their own) or 'parent' (units count for their OPD)", value=units_compete)]


@operation
def set_units_compete(competition: Competition, organiser: User, units_compete: str) -> Competition:
    """Whether units under an OPD compete as entrants of their own ("own") or count for their
    top-level OPD ("parent"); see :mod:`competition.competitions.units`.

    The results are worked out with the rule, so it no longer changes once the competition is in
    its results phase or closed. Setting the rule it already has changes nothing and is no
    refusal.
    """
    require_organiser(organiser, competition)
    problems = _units_problems(units_compete)
    if not problems and units_compete != competition.units_compete:
        if competition.phase == "closed":
            problems.append(t("The competition is closed; its set-up no longer changes."))
        elif competition.phase in UNITS_FIXED_PHASES:
            problems.append(t("The competition is in its results phase and the results are worked out "
                              "with it: whether units under an OPD compete on their own no longer "
                              "changes."))
    if problems:
        raise InvalidInput(problems)
    if units_compete != competition.units_compete:
        record("units_rule.changed", organiser, competition=competition,
               details={"from": competition.units_compete, "to": units_compete})
    competition.units_compete = units_compete
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange(t("%(name)s was changed by someone else; reload it",
                                 name=competition.name)) from exc
    return competition


def _category_name_problems(competition: Competition, name: str, *,
                            keep: Category | None = None) -> list[str]:
    cleaned = name.strip()
    if not cleaned:
        return [t("The category needs a name.")]
    if len(cleaned) > 120:
        return [t("A category name has at most %(count)s characters.", count=120)]
    if problem := text_problem("name", cleaned, 120, one_line=True):
        return [problem]
    if any(c.name.casefold() == cleaned.casefold() and c is not keep for c in competition.categories):
        return [t("%(competition)s already has a category called '%(name)s'.",
                  competition=competition.name, name=cleaned)]
    return []


@operation
def add_category(competition: Competition, organiser: User, name: str) -> Category:
    """A new category, while innovations can still choose one (set-up and open phases)."""
    require_organiser(organiser, competition)
    problems = _category_name_problems(competition, name)
    if competition.phase not in CATEGORY_PHASES:
        problems.append(t("Categories can only be added before submissions close."))
    if problems:
        raise InvalidInput(problems)
    category = Category(competition=competition, name=name.strip())
    db.session.add(category)
    db.session.flush()
    record("category.added", organiser, competition=competition, subject=category,
           details={"name": category.name})
    return category


@operation
def rename_category(category: Category, organiser: User, name: str) -> Category:
    """Give a category a new name; innovations, panels and awards keep it."""
    competition = category.competition
    require_organiser(organiser, competition)
    problems = _category_name_problems(competition, name, keep=category)
    if competition.phase == "closed":
        problems.append(t("The competition is closed; its categories no longer change."))
    if problems:
        raise InvalidInput(problems)
    if category.name != name.strip():
        record("category.renamed", organiser, competition=competition, subject=category,
               details={"from": category.name, "to": name.strip()})
    category.name = name.strip()
    db.session.flush()
    return category


@operation
def remove_category(category: Category, organiser: User) -> None:
    """Remove a category that no innovation, panel or award uses, before submissions close."""
    competition = category.competition
    require_organiser(organiser, competition)
    problems = []
    if competition.phase not in CATEGORY_PHASES:
        problems.append(t("Categories can only be removed before submissions close."))
    entries = db.session.scalar(select(func.count()).select_from(Entry)
                                .where(Entry.category_id == category.id)) or 0
    if entries:
        problems.append(t("'%(name)s' is the category of %(count)s innovation(s).",
                          name=category.name, count=entries))
    panels = db.session.scalar(select(func.count()).select_from(Panel)
                               .where(Panel.category_id == category.id)) or 0
    if panels:
        problems.append(t("'%(name)s' has %(count)s panel(s) of judges.", name=category.name,
                          count=panels))
    awards = db.session.scalar(select(func.count()).select_from(Award)
                               .where(Award.category_id == category.id)) or 0
    if awards:
        problems.append(t("'%(name)s' has %(count)s award(s).", name=category.name, count=awards))
    if problems:
        raise InvalidInput(problems)
    record("category.removed", organiser, competition=competition, subject=category,
           details={"name": category.name})
    competition.categories.remove(category)
    db.session.delete(category)
    db.session.flush()
