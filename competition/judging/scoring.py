"""Judges' scores: saving drafts, and confirming and reopening a judge's sheet (an assignment).

``change_sheet_status`` is the only way a sheet's status changes (workflows/scoring_sheet.toml).
When every judge assigned to an entry in a round has confirmed, judging of that entry in that
round is over: in the last round the entry moves verified → scored; in an earlier round whose
rule can be applied to one entry alone (everyone advances, or a minimum score, without
normalisation) the entry advances or stops there and then. Rules that compare entries (top N)
and normalised rounds are decided when the organiser closes the round (competition.judging.rounds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from competition.audit.operations import record
from competition.documents.inputs import NOTE, clean_comment, decimal_problem, text_problem
from competition.entries.operations import change_entry_status
from competition.errors import InvalidInput, NotFound, NotPermitted
from competition.extensions import db
from competition.judging.models import REMOVED
from competition.judging.sheets import round_spec, sheet_summaries
from competition.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    Entry,
    Organisation,
    Round,
    RoundOutcome,
    Score,
    ScoringEvent,
    User,
)
from competition.models.state import lock_and_reread_state
from competition.models.types import utcnow
from competition.notifications.operations import notify_scores_reopened
from competition.policy import actor_for, is_conflicted, require_organiser
from competition.ranking.exact import INPUT_PLACES, as_score, has_at_most
from competition.ranking.results import round_scores
from competition.ranking.totals import summarise_sheet
from competition.unit_of_work import operation
from workflows import Actor, get_workflow
from workflows.messages import t

ScoreInput = float | tuple[float, str]
SHEET_WORKFLOW = "scoring_sheet"


def _load_assignment(assignment: Assignment | int) -> Assignment:
    if isinstance(assignment, Assignment):
        return assignment
    loaded = db.session.get(Assignment, assignment)
    if loaded is None:
        raise NotFound(t("there is no assignment with id %(id)s", id=assignment))
    return loaded


def _assignment_id(assignment: Assignment | int) -> int:
    """The id of ``assignment`` without reading it again (an operation begins by forgetting what
    the request read before)."""
    if isinstance(assignment, int):
        return assignment
    identity = inspect(assignment).identity
    return int(identity[0]) if identity is not None else assignment.id


def _locked_sheet(assignment: Assignment | int, *, exclusive: bool,
                  scores: bool = False) -> tuple[Assignment, set[tuple[int, int]]]:
    """The sheet read again in one statement, locked with its round: the round shared (it stays
    open meanwhile), the sheet shared or (``exclusive``) for changing its status; of two changes
    at the same moment the second waits for the first and then sees the state it left (as
    :func:`~competition.models.state.lock_and_reread_state` does, one row at a time). With it
    come what checking the judge needs (the competition, the innovation's organisation and the one
    above it, the judge with their roles and organisation, their declared conflict with the
    innovation as (entry id, judge id) pairs) and the rubric; the scores in a second statement
    when asked.

    :raises NotFound: no such assignment.
    """
    declared = (select(ConflictOfInterest.id).where(ConflictOfInterest.entry_id == Assignment.entry_id,
                                                   ConflictOfInterest.judge_id == Assignment.judge_id)
                .limit(1).scalar_subquery())
    judge = joinedload(Assignment.judge)
    entry = joinedload(Assignment.entry)
    round_ = contains_eager(Assignment.round)
    options = [round_.joinedload(Round.competition),
               round_.joinedload(Round.criteria).joinedload(Criterion.levels),
               entry.load_only(Entry.id, Entry.competition_id, Entry.organisation_id, Entry.title,
                               Entry.status, Entry.version)
               .joinedload(Entry.organisation).joinedload(Organisation.parent),
               judge.joinedload(User.memberships),
               judge.joinedload(User.organisation).joinedload(Organisation.parent)]
    if scores:
        options.append(selectinload(Assignment.scores))
    # The round first in the statement: rows are locked in the order of the tables (round, sheet).
    query = (select(Assignment, declared).select_from(Round).join(Assignment, Assignment.round_id == Round.id)
             .where(Assignment.id == _assignment_id(assignment)).options(*options)
             .execution_options(populate_existing=True))
    if db.session.get_bind().dialect.name == "postgresql":
        sheet_lock = "UPDATE" if exclusive else "SHARE"
        query = query.suffix_with(f"FOR SHARE OF {Round.__tablename__} "
                                  f"FOR {sheet_lock} OF {Assignment.__tablename__}")
    row = db.session.execute(query).unique().first()
    if row is None:
        raise NotFound(t("there is no assignment with id %(id)s", id=_assignment_id(assignment)))
    loaded, conflict_id = row
    return loaded, ({(loaded.entry_id, loaded.judge_id)} if conflict_id is not None else set())


def _check_judge_may_score(assignment: Assignment, judge: User,
                           declared: set[tuple[int, int]] | None = None) -> None:
    if assignment.judge_id != judge.id or assignment.status == REMOVED:
        raise NotPermitted(t("%(judge)s is not assigned to '%(title)s' in round '%(round)s'",
                             judge=judge.name, title=assignment.entry.title, round=assignment.round.name))
    if assignment.round.status == "setup":
        raise InvalidInput(t("round '%(round)s' is setup; scores can only be given while it is open",
                             round=assignment.round.name))
    if assignment.round.status != "open":
        raise InvalidInput(t("round '%(round)s' is closed; scores can only be given while it is open",
                             round=assignment.round.name))
    if is_conflicted(judge, assignment.entry, declared):
        raise NotPermitted(t("%(judge)s has a conflict of interest with '%(title)s'", judge=judge.name,
                             title=assignment.entry.title))
    if assignment.status == "confirmed":
        raise InvalidInput(t("the scores for '%(title)s' are confirmed and locked",
                             title=assignment.entry.title))


def _plain(value: float) -> str:
    return f"{value:g}"


def value_problem(criterion: Criterion, value: float,
                  number: Callable[[float], str] = _plain) -> str | None:
    """What is wrong with ``value`` for ``criterion``, or ``None``. ``number`` writes the numbers
    in the message (a web page writes them as its reader does: 7,5 in Bahasa Indonesia)."""
    if problem := decimal_problem(criterion.name, value):
        return problem
    if criterion.scale == "levels":
        allowed = [level.value for level in criterion.levels]
        if value not in allowed:
            return t("%(criterion)s: %(value)s is not one of the levels %(levels)s", criterion=criterion.name,
                     value=number(value), levels=", ".join(number(v) for v in allowed))
        return None
    if not criterion.min_value <= value <= criterion.max_value:
        return t("%(criterion)s: %(value)s is off the scale %(min)s–%(max)s", criterion=criterion.name,
                 value=number(value), min=number(criterion.min_value), max=number(criterion.max_value))
    if not has_at_most(value, INPUT_PLACES):
        return t("%(criterion)s: %(value)s has more than %(places)s decimal places", criterion=criterion.name,
                 value=number(value), places=INPUT_PLACES)
    if criterion.step:
        steps = (value - criterion.min_value) / criterion.step
        if abs(steps - round(steps)) > 1e-9:
            return t("%(criterion)s: %(value)s is not on a step of %(step)s from %(min)s",
                     criterion=criterion.name, value=number(value), step=number(criterion.step),
                     min=number(criterion.min_value))
    return None


@operation
def save_scores(assignment: Assignment | int, judge: User, values: Mapping[int, ScoreInput],
                cleared: Iterable[int] = ()) -> list[Score]:
    """Save a judge's draft as their scoring page holds it: a value (and comment) for some or all
    criteria, and the criteria in ``cleared`` (emptied on the page) without a value again.

    All of it or nothing: a refused value keeps the cleared scores too. Only while the judge may
    score (assigned, round open, no conflict, not confirmed). Saving the same values twice, or
    from two tabs at once, stores one score per criterion: each value is written with an upsert
    on the (assignment, criterion) key, so the later save wins and neither is refused or dropped.

    :param values: criterion id -> value, or (value, comment).
    """
    # Closing the round or confirming the sheet at the same moment goes first, or waits.
    loaded, declared = _locked_sheet(assignment, exclusive=False)
    _check_judge_may_score(loaded, judge, declared)
    criteria = {c.id: c for c in loaded.round.criteria}
    cleared_ids = set(cleared) - set(values)
    problems: list[str] = []
    cleaned: dict[int, tuple[float, str]] = {}
    for criterion_id, given in values.items():
        value, comment = given if isinstance(given, tuple) else (given, "")
        criterion = criteria.get(criterion_id)
        problem = (value_problem(criterion, value) or text_problem(criterion.name, comment or "", NOTE)
                   if criterion is not None else
                   t("criterion %(id)s is not in the rubric of round '%(round)s'", id=criterion_id,
                     round=loaded.round.name))
        if problem:
            problems.append(problem)
        else:
            cleaned[criterion_id] = (float(value), (comment or "").strip())
    problems += [t("criterion %(id)s is not in the rubric of round '%(round)s'", id=criterion_id,
                   round=loaded.round.name) for criterion_id in sorted(cleared_ids - set(criteria))]
    if problems:
        raise InvalidInput(problems)
    if cleared_ids:
        db.session.execute(delete(Score).where(Score.assignment_id == loaded.id,
                                               Score.criterion_id.in_(cleared_ids)))
    saved = _upsert_scores(loaded.id, cleaned) if cleaned else []
    # One row per save, naming the criteria saved and emptied (not their values: the sheet has them).
    record("scores.draft_saved", judge, competition=loaded.round.competition_id, entry=loaded.entry_id,
           subject=loaded, details={"saved": sorted(cleaned), "cleared": sorted(cleared_ids)})
    # The statements above bypass the objects loaded before.
    db.session.expire(loaded, ["scores"])
    if set(cleaned) | cleared_ids == set(criteria):
        return sorted(saved, key=lambda s: s.criterion_id)  # every criterion: the sheet is what was saved
    return list(db.session.scalars(select(Score).where(Score.assignment_id == loaded.id)
                                   .order_by(Score.criterion_id).execution_options(populate_existing=True)))


def _upsert_scores(assignment_id: int, values: Mapping[int, tuple[float, str]]) -> list[Score]:
    """Insert each value, or update the one stored for the same assignment and criterion, in one
    statement; returns the scores as stored."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(Score).values([
        {"assignment_id": assignment_id, "criterion_id": criterion_id, "value": value,
         "comment": comment, "updated_at": now}
        for criterion_id, (value, comment) in sorted(values.items())])
    return list(db.session.scalars(statement.on_conflict_do_update(
        index_elements=[Score.assignment_id, Score.criterion_id],
        set_={"value": statement.excluded.value, "comment": statement.excluded.comment,
              "updated_at": statement.excluded.updated_at}).returning(Score)
        .execution_options(populate_existing=True)))


@operation
def change_sheet_status(assignment: Assignment | int, trigger: str, actor: User | Actor, *,
                        comment: str | None = None, now: datetime | None = None) -> ScoringEvent:
    """Fire ``trigger`` on a judge's sheet: the only way an assignment's status changes.

    All of it or nothing, inside the caller's unit of work:

    - the sheet is locked and its status read again, so of two changes at the same moment the
      second waits for the first and is then judged on the status the first one left;
    - the scoring-sheet workflow checks the trigger (state, role, competition phase, guards,
      comment) and moves ``assignment.status``;
    - ``confirmed_at`` becomes ``now`` on confirming and empty on reopening;
    - one :class:`ScoringEvent` records the trigger, the actor, the comment and the time.

    The verbs :func:`confirm_scores` and :func:`reopen_scores` add what else goes with them.

    :param actor: the user acting, or :meth:`Actor.system` for the application itself.
    :raises NotFound: no such assignment.
    :raises workflows.UnknownTrigger, workflows.TriggerRefused: with the reasons.
    """
    sheet = _load_assignment(assignment)
    lock_and_reread_state(sheet.round, share=True)  # the round stays open meanwhile
    lock_and_reread_state(sheet)
    return _fire_on_sheet(sheet, trigger, actor, comment=comment, now=now or utcnow())


def _fire_on_sheet(sheet: Assignment, trigger: str, actor: User | Actor, *, comment: str | None,
                   now: datetime) -> ScoringEvent:
    """:func:`change_sheet_status` once the sheet and its round are locked and read again (the
    verbs that have locked them already call this, inside their own operation)."""
    competition = sheet.round.competition
    acting = actor if isinstance(actor, Actor) else actor_for(actor, competition)
    cleaned_comment = clean_comment(comment)
    get_workflow(SHEET_WORKFLOW).fire(sheet, trigger, acting, comment=cleaned_comment,
                                      phase=competition.phase, now=now)
    sheet.confirmed_at = now if sheet.status == "confirmed" else None
    _store_summary(sheet)
    event = ScoringEvent(assignment=sheet, action=trigger, actor_id=acting.user_id, reason=cleaned_comment,
                         created_at=now)
    db.session.add(event)
    db.session.flush()
    return event


def _store_summary(sheet: Assignment) -> None:
    """A confirmed sheet keeps its summary in whole numbers; any other has none."""
    if sheet.status != "confirmed":
        sheet.points = sheet.heaviest_mark = sheet.top_marks = sheet.marks = None
        return
    marks = {s.criterion_id: s.value for s in sheet.scores}
    summary = summarise_sheet(sheet.round_id, sheet.entry_id, sheet.judge_id, marks,
                              round_spec(sheet.round).criteria)
    sheet.points, sheet.heaviest_mark = summary.points, summary.heaviest
    sheet.top_marks, sheet.marks = summary.top_marks, summary.marks


@operation
def confirm_scores(assignment: Assignment | int, judge: User, *,
                   now: datetime | None = None) -> ScoringEvent | None:
    """Make a judge's scores for an entry final and lock them.

    Confirming twice changes nothing the second time (and returns ``None``), also when the two
    arrive at the same moment. When this was the entry's last open assignment in the round,
    judging of the entry in the round ends as the module describes, in the same transaction.
    """
    now = now or utcnow()
    loaded, declared = _locked_sheet(assignment, exclusive=True, scores=True)
    if loaded.status == "confirmed" and loaded.judge_id == judge.id:
        return None
    _check_judge_may_score(loaded, judge, declared)
    scored = {s.criterion_id for s in loaded.scores}
    missing = [c.name for c in loaded.round.criteria if c.id not in scored]
    if missing:
        raise InvalidInput(t("give a score for every criterion first: %(criteria)s still empty",
                             criteria=", ".join(missing)))
    event = _fire_on_sheet(loaded, "confirm", judge, comment=None, now=now)
    _finish_entry_if_complete(loaded.round, loaded.entry, now)
    db.session.flush()
    return event


@operation
def reopen_scores(assignment: Assignment | int, organiser: User, reason: str, *,
                  now: datetime | None = None) -> ScoringEvent:
    """Unlock a judge's confirmed scores, with a reason that is audited. An outcome already
    decided for the entry in the round is undone, and a scored entry goes back to verified. The
    judge is told, with the reason (their sheet shows it too)."""
    now = now or utcnow()
    loaded = _load_assignment(assignment)
    round_ = loaded.round
    require_organiser(organiser, round_.competition)
    if not reason.strip():
        raise InvalidInput(t("reason: say why the scores are reopened"))
    if problem := text_problem("reason", reason.strip(), NOTE):
        raise InvalidInput(problem)
    # Of two organisers reopening the sheet at the same moment, the second waits here for the
    # first to commit, then finds it open and is told who reopened it.
    lock_and_reread_state(round_, share=True)
    lock_and_reread_state(loaded)
    if loaded.status != "confirmed":
        raise InvalidInput(_not_confirmed(loaded))
    if round_.status == "setup":
        raise InvalidInput(t("round '%(round)s' is setup; scores can only be reopened while it is open",
                             round=round_.name))
    if round_.status != "open":
        raise InvalidInput(t("round '%(round)s' is closed; scores can only be reopened while it is open",
                             round=round_.name))
    event = change_sheet_status(loaded, "reopen", organiser, comment=reason, now=now)
    outcome = db.session.scalar(select(RoundOutcome).where(
        RoundOutcome.round_id == round_.id, RoundOutcome.entry_id == loaded.entry_id))
    if outcome is not None:
        db.session.delete(outcome)
    if loaded.entry.status == "scored":
        change_entry_status(loaded.entry, "reopen_scoring", actor_for(organiser, round_.competition),
                            comment=reason, now=now)
    db.session.flush()
    notify_scores_reopened(loaded, event)
    return event


def _not_confirmed(sheet: Assignment) -> str:
    """Why a sheet that is not confirmed cannot be reopened: someone reopened it already, or it
    never was."""
    last = db.session.scalar(select(ScoringEvent).where(ScoringEvent.assignment_id == sheet.id)
                             .order_by(ScoringEvent.id.desc()).limit(1))
    if sheet.status == "open" and last is not None and last.action == "reopen" and last.actor is not None:
        return t("%(name)s has already reopened the scores of %(judge)s for '%(title)s'; they are open",
                 name=last.actor.name, judge=sheet.judge.name, title=sheet.entry.title)
    return t("the scores of %(judge)s for '%(title)s' are not confirmed", judge=sheet.judge.name,
             title=sheet.entry.title)


# -- an entry's outcome in a round ------------------------------------------------------------------

def is_last_round(round_: Round) -> bool:
    return round_.position == max(r.position for r in round_.competition.rounds)


def decide_outcome(round_: Round, entry: Entry, score: Decimal | None, advanced: bool, now: datetime, *,
                   at_close: bool = False) -> None:
    """Record the entry's outcome in the round (its round score as shown); an entry that goes no
    further has finished judging (verified → scored). ``at_close``: the round's closing decided it."""
    db.session.add(RoundOutcome(round=round_, entry=entry, score=None if score is None else float(score),
                                advanced=advanced, decided_at=now, decided_at_close=at_close))
    if not advanced and entry.status == "verified":
        change_entry_status(entry, "complete_scoring", Actor.system(), now=now)


def _finish_entry_if_complete(round_: Round, entry: Entry, now: datetime) -> None:
    # The entry's row is locked before counting: of two last confirmations at the same moment,
    # each would otherwise count the other's sheet as still open (not yet committed) and neither
    # would end the entry's judging. The second now waits here until the first commits, then
    # counts it. (SQLite lets one writer at a time and needs no lock.)
    entry = db.session.scalars(select(Entry).where(Entry.id == entry.id).with_for_update()
                               .execution_options(populate_existing=True)).one()
    still_open = db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.round_id == round_.id, Assignment.entry_id == entry.id,
        Assignment.status == "open"))
    if still_open:
        return
    decidable_alone = is_last_round(round_) or (
        not round_.normalise and round_.advancement in ("all", "min_score"))
    if not decidable_alone:
        return
    spec = round_spec(round_)
    scores = round_scores(spec, sheet_summaries([spec], [entry.id]),
                          round_.competition.disagreement_threshold)
    score = scores[entry.id].score if entry.id in scores else None
    if is_last_round(round_):
        advanced = False
    elif round_.advancement == "all":
        advanced = score is not None
    else:
        advanced = score is not None and score >= as_score(round_.advancement_min_score or 0)
    decide_outcome(round_, entry, score, advanced, now)
