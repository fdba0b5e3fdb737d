"""Judges' scores, and the rounds they are given in: opening, confirming, reopening, closing.

When every judge assigned to an entry in a round has confirmed, judging of that entry in that
round is over: in the last round the entry moves verified → scored; in an earlier round whose
rule can be applied to one entry alone (everyone advances, or a minimum score, without
normalisation) the entry advances or stops there and then. Rules that compare entries (top N)
and normalised rounds are decided when the organiser closes the round.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from competition.errors import InvalidInput, NotFound, NotPermitted
from competition.extensions import db
from competition.models import (
    Assignment,
    Criterion,
    Entry,
    Round,
    RoundOutcome,
    Score,
    ScoringEvent,
    User,
)
from competition.models.types import utcnow
from competition.policy import actor_for, is_conflicted, require_organiser
from competition.ranking.results import round_scores
from competition.ranking.tiebreaks import Contender, rank
from competition.services.entries import change_entry_status
from competition.services.judging import phase_name, round_entries
from competition.services.sheets import round_spec, sheet_summaries
from competition.unit_of_work import operation
from workflows import Actor
from workflows.messages import t

ScoreInput = float | tuple[float, str]


def _load_assignment(assignment: Assignment | int) -> Assignment:
    if isinstance(assignment, Assignment):
        return assignment
    loaded = db.session.get(Assignment, assignment)
    if loaded is None:
        raise NotFound(t("there is no assignment with id %(id)s", id=assignment))
    return loaded


def _check_judge_may_score(assignment: Assignment, judge: User) -> None:
    if assignment.judge_id != judge.id:
        raise NotPermitted(t("%(judge)s is not assigned to '%(title)s' in round '%(round)s'",
                             judge=judge.name, title=assignment.entry.title, round=assignment.round.name))
    if assignment.round.status == "setup":
        raise InvalidInput(t("round '%(round)s' is setup; scores can only be given while it is open",
                             round=assignment.round.name))
    if assignment.round.status != "open":
        raise InvalidInput(t("round '%(round)s' is closed; scores can only be given while it is open",
                             round=assignment.round.name))
    if is_conflicted(judge, assignment.entry):
        raise NotPermitted(t("%(judge)s has a conflict of interest with '%(title)s'", judge=judge.name,
                             title=assignment.entry.title))
    if assignment.confirmed_at is not None:
        raise InvalidInput(t("the scores for '%(title)s' are confirmed and locked",
                             title=assignment.entry.title))


def _plain(value: float) -> str:
    return f"{value:g}"


def value_problem(criterion: Criterion, value: float,
                  number: Callable[[float], str] = _plain) -> str | None:
    """What is wrong with ``value`` for ``criterion``, or ``None``. ``number`` writes the numbers
    in the message (a web page writes them as its reader does: 7,5 in Bahasa Indonesia)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return t("%(criterion)s: %(value)s is not a number", criterion=criterion.name, value=repr(value))
    if criterion.scale == "levels":
        allowed = [level.value for level in criterion.levels]
        if value not in allowed:
            return t("%(criterion)s: %(value)s is not one of the levels %(levels)s", criterion=criterion.name,
                     value=number(value), levels=", ".join(number(v) for v in allowed))
        return None
    if not criterion.min_value <= value <= criterion.max_value:
        return t("%(criterion)s: %(value)s is off the scale %(min)s–%(max)s", criterion=criterion.name,
                 value=number(value), min=number(criterion.min_value), max=number(criterion.max_value))
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
    loaded = _load_assignment(assignment)
    _check_judge_may_score(loaded, judge)
    criteria = {c.id: c for c in loaded.round.criteria}
    cleared_ids = set(cleared) - set(values)
    problems: list[str] = []
    cleaned: dict[int, tuple[float, str]] = {}
    for criterion_id, given in values.items():
        value, comment = given if isinstance(given, tuple) else (given, "")
        criterion = criteria.get(criterion_id)
        problem = (value_problem(criterion, value) if criterion is not None else
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
    if cleaned:
        _upsert_scores(loaded.id, cleaned)
    for score in loaded.scores:
        db.session.expire(score)
    db.session.expire(loaded, ["scores"])
    return sorted(loaded.scores, key=lambda s: s.criterion_id)


def _upsert_scores(assignment_id: int, values: Mapping[int, tuple[float, str]]) -> None:
    """Insert each value, or update the one stored for the same assignment and criterion."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(Score).values([
        {"assignment_id": assignment_id, "criterion_id": criterion_id, "value": value,
         "comment": comment, "updated_at": now}
        for criterion_id, (value, comment) in sorted(values.items())])
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[Score.assignment_id, Score.criterion_id],
        set_={"value": statement.excluded.value, "comment": statement.excluded.comment,
              "updated_at": statement.excluded.updated_at}))


@operation
def confirm_scores(assignment: Assignment | int, judge: User, *,
                   now: datetime | None = None) -> ScoringEvent | None:
    """Make a judge's scores for an entry final and lock them.

    Confirming twice changes nothing the second time (and returns ``None``). When this was the
    entry's last open assignment in the round, judging of the entry in the round ends as the
    module describes, in the same transaction.
    """
    now = now or utcnow()
    loaded = _load_assignment(assignment)
    if loaded.confirmed_at is not None and loaded.judge_id == judge.id:
        return None
    _check_judge_may_score(loaded, judge)
    scored = {s.criterion_id for s in loaded.scores}
    missing = [c.name for c in loaded.round.criteria if c.id not in scored]
    if missing:
        raise InvalidInput(t("give a score for every criterion first: %(criteria)s still empty",
                             criteria=", ".join(missing)))
    # Only the first of two simultaneous confirmations changes the row.
    result = db.session.execute(
        update(Assignment).where(Assignment.id == loaded.id, Assignment.confirmed_at.is_(None))
        .values(confirmed_at=now).execution_options(synchronize_session=False))
    if not getattr(result, "rowcount", 0):
        return None
    db.session.refresh(loaded)
    event = ScoringEvent(assignment=loaded, action="confirm", actor_id=judge.id, created_at=now)
    db.session.add(event)
    _finish_entry_if_complete(loaded.round, loaded.entry, now)
    db.session.flush()
    return event


@operation
def reopen_scores(assignment: Assignment | int, organiser: User, reason: str, *,
                  now: datetime | None = None) -> ScoringEvent:
    """Unlock a judge's confirmed scores, with a reason that is audited. An outcome already
    decided for the entry in the round is undone, and a scored entry goes back to verified."""
    now = now or utcnow()
    loaded = _load_assignment(assignment)
    round_ = loaded.round
    require_organiser(organiser, round_.competition)
    if not reason.strip():
        raise InvalidInput(t("reason: say why the scores are reopened"))
    if loaded.confirmed_at is None:
        raise InvalidInput(t("the scores of %(judge)s for '%(title)s' are not confirmed",
                             judge=loaded.judge.name, title=loaded.entry.title))
    if round_.status == "setup":
        raise InvalidInput(t("round '%(round)s' is setup; scores can only be reopened while it is open",
                             round=round_.name))
    if round_.status != "open":
        raise InvalidInput(t("round '%(round)s' is closed; scores can only be reopened while it is open",
                             round=round_.name))
    loaded.confirmed_at = None
    event = ScoringEvent(assignment=loaded, action="reopen", actor_id=organiser.id,
                         reason=reason.strip(), created_at=now)
    db.session.add(event)
    outcome = db.session.scalar(select(RoundOutcome).where(
        RoundOutcome.round_id == round_.id, RoundOutcome.entry_id == loaded.entry_id))
    if outcome is not None:
        db.session.delete(outcome)
    if loaded.entry.status == "scored":
        change_entry_status(loaded.entry, "reopen_scoring", actor_for(organiser, round_.competition),
                            comment=reason, now=now)
    db.session.flush()
    return event


# -- rounds ---------------------------------------------------------------------------------------

def _is_last(round_: Round) -> bool:
    return round_.position == max(r.position for r in round_.competition.rounds)


def _decide(round_: Round, entry: Entry, score: float | None, advanced: bool, now: datetime) -> None:
    db.session.add(RoundOutcome(round=round_, entry=entry, score=score, advanced=advanced, decided_at=now))
    if not advanced and entry.status == "verified":
        change_entry_status(entry, "complete_scoring", Actor.system(), now=now)


def _finish_entry_if_complete(round_: Round, entry: Entry, now: datetime) -> None:
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.round_id == round_.id, Assignment.entry_id == entry.id)).all()
    if any(a.confirmed_at is None for a in assignments):
        return
    decidable_alone = _is_last(round_) or (
        not round_.normalise and round_.advancement in ("all", "min_score"))
    if not decidable_alone:
        return
    spec = round_spec(round_)
    scores = round_scores(spec, sheet_summaries([spec], [entry.id]),
                          round_.competition.disagreement_threshold)
    score = scores[entry.id].score if entry.id in scores else None
    if _is_last(round_):
        advanced = False
    elif round_.advancement == "all":
        advanced = score is not None
    else:
        advanced = score is not None and score >= (round_.advancement_min_score or 0)
    _decide(round_, entry, score, advanced, now)


@operation
def open_round(round_: Round, organiser: User, *, now: datetime | None = None) -> Round:
    """Open a round for scoring: the competition is judging, the round before is closed, and
    the round has a rubric and a panel. The round records who opened it and when."""
    now = now or utcnow()
    competition = round_.competition
    require_organiser(organiser, competition)
    problems = []
    if round_.status == "open":
        problems.append(t("round '%(round)s' is already open", round=round_.name))
    elif round_.status != "setup":
        problems.append(t("round '%(round)s' is already closed", round=round_.name))
    if competition.phase != "judging":
        problems.append(t("%(competition)s is in phase '%(phase)s', not judging",
                          competition=competition.name, phase=phase_name(competition.phase)))
    earlier = [r for r in competition.rounds if r.position < round_.position and r.status != "closed"]
    if earlier:
        problems.append(t("round '%(round)s' must be closed first", round=earlier[0].name))
    if not round_.criteria:
        problems.append(t("round '%(round)s' has no rubric", round=round_.name))
    if not round_.panels:
        problems.append(t("round '%(round)s' has no panel of judges", round=round_.name))
    if problems:
        raise InvalidInput(problems)
    round_.status = "open"
    round_.opened_at, round_.opened_by_id = now, organiser.id
    db.session.flush()
    return round_


@dataclass(frozen=True)
class RoundClosure:
    advanced: list[str]
    stopped: list[str]
    not_judged: list[str]


@operation
def close_round(round_: Round, organiser: User, *, force: bool = False,
                now: datetime | None = None) -> RoundClosure:
    """Close a round and decide every outcome still open: who advances under the round's rule,
    and which entries' judging is over (they move verified → scored). In the last round every
    entry's judging is over.

    Unconfirmed assignments make closing refuse, naming how many, unless ``force`` is given; their
    drafts then do not count. Entries that advance with equal scores at the cut-off all advance.
    """
    now = now or utcnow()
    require_organiser(organiser, round_.competition)
    if round_.status == "setup":
        raise InvalidInput(t("round '%(round)s' is setup, not open", round=round_.name))
    if round_.status != "open":
        raise InvalidInput(t("round '%(round)s' is closed, not open", round=round_.name))
    open_assignments = [a for a in round_.assignments if a.confirmed_at is None]
    if open_assignments and not force:
        raise InvalidInput(t("%(count)s assignment(s) in round '%(round)s' are not confirmed yet; close "
                             "anyway to ignore their drafts", count=len(open_assignments),
                             round=round_.name))
    entries = {e.id: e for e in round_entries(round_)}
    decided = set(db.session.scalars(select(RoundOutcome.entry_id).where(
        RoundOutcome.round_id == round_.id)))
    spec = round_spec(round_)
    scores = round_scores(spec, sheet_summaries([spec]), round_.competition.disagreement_threshold)
    undecided = [e for e in entries.values() if e.id not in decided]
    advancing = _advancing(round_, undecided, {e: s.score for e, s in scores.items()})
    closure = RoundClosure(advanced=[], stopped=[], not_judged=[])
    for entry in sorted(undecided, key=lambda e: e.id):
        score = scores[entry.id].score if entry.id in scores else None
        advanced = entry.id in advancing
        _decide(round_, entry, score, advanced, now)
        (closure.not_judged if score is None else
         closure.advanced if advanced else closure.stopped).append(entry.title)
    round_.status = "closed"
    round_.closed_at, round_.closed_by_id = now, organiser.id
    db.session.flush()
    return closure


def _advancing(round_: Round, entries: list[Entry], scores: Mapping[int, float]) -> set[int]:
    judged = [e for e in entries if e.id in scores]
    if _is_last(round_):
        return set()
    if round_.advancement == "all":
        return {e.id for e in judged}
    if round_.advancement == "min_score":
        return {e.id for e in judged if scores[e.id] >= (round_.advancement_min_score or 0)}
    groups: dict[int | None, list[Entry]] = {}
    for entry in judged:
        key = entry.category_id if round_.advancement == "top_n_per_category" else None
        groups.setdefault(key, []).append(entry)
    count = round_.advancement_count or 0
    advancing: set[int] = set()
    for members in groups.values():
        placings = rank([Contender(key=e.id, score=scores[e.id]) for e in members], chain=())
        advancing |= {p.key for p in placings if p.place <= count}
    return advancing
