"""Judging rounds: opening, closing and reopening them (workflows/round.toml).

``change_round_status`` is the only way a round's status changes. A round opens while the
competition is judging, once the rounds before it are closed, with its rubric and a panel.
Closing decides every outcome still open: who advances under the round's rule, and which entries'
judging is over. Reopening a closed round, with a reason, undoes what closing decided; it is
possible while no later round has left set-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from competition.documents.inputs import clean_comment
from competition.entries.operations import change_entry_status
from competition.errors import InvalidInput
from competition.extensions import db
from competition.judging.operations import phase_name, round_entries
from competition.judging.scoring import decide_outcome, is_last_round
from competition.judging.sheets import round_spec, sheet_summaries
from competition.models import Entry, Round, RoundEvent, RoundOutcome, User
from competition.models.state import lock_and_reread_state
from competition.models.types import utcnow
from competition.notifications.operations import notify_round_opened, notify_round_reopened
from competition.policy import actor_for, require_organiser
from competition.ranking.exact import as_score
from competition.ranking.results import round_scores
from competition.ranking.tiebreaks import Contender, rank
from competition.unit_of_work import operation
from workflows import Actor, get_workflow
from workflows.messages import t

ROUND_WORKFLOW = "round"


@operation
def change_round_status(round_: Round, trigger: str, actor: User | Actor, *, comment: str | None = None,
                        now: datetime | None = None) -> RoundEvent:
    """Fire ``trigger`` on a round: the only way a round's status changes.

    All of it or nothing, inside the caller's unit of work:

    - the round is locked and its status read again, so of two changes at the same moment the
      second waits for the first and is then judged on the status the first one left;
    - the round workflow checks the trigger (state, role, competition phase, guards, comment)
      and moves ``round_.status``;
    - one :class:`RoundEvent` records the trigger, both statuses, the actor, the comment and the
      time.

    The verbs :func:`open_round`, :func:`close_round` and :func:`reopen_round` add what else goes
    with them (who opened or closed the round, the outcomes, the entries' moves).

    :param actor: the user acting, or :meth:`Actor.system` for the application itself.
    :raises workflows.UnknownTrigger, workflows.TriggerRefused: with the reasons.
    """
    now = now or utcnow()
    # The phase decides what a round may do (and closing judging asks every round's status).
    lock_and_reread_state(round_.competition, "phase", "version", share=True)
    lock_and_reread_state(round_)
    competition = round_.competition
    acting = actor if isinstance(actor, Actor) else actor_for(actor, competition)
    cleaned_comment = clean_comment(comment)
    from_status, to_status = get_workflow(ROUND_WORKFLOW).fire(
        round_, trigger, acting, comment=cleaned_comment, phase=competition.phase, now=now)
    event = RoundEvent(round=round_, trigger=trigger, from_status=from_status, to_status=to_status,
                       actor_id=acting.user_id, comment=cleaned_comment, created_at=now)
    db.session.add(event)
    db.session.flush()
    return event


@operation
def open_round(round_: Round, organiser: User, *, now: datetime | None = None) -> Round:
    """Open a round for scoring: the competition is judging, the round before is closed, and
    the round has a rubric and a panel. The round records who opened it and when; its judges
    are told (e-mail and in-app, once per judge and round)."""
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
    # The rounds before closed, a rubric, a panel: the workflow's guards say what is missing.
    problems += get_workflow(ROUND_WORKFLOW).guard_refusals(
        round_, "open", actor_for(organiser, competition), phase=competition.phase, now=now)
    if problems:
        raise InvalidInput(problems)
    change_round_status(round_, "open", organiser, now=now)
    round_.opened_at, round_.opened_by_id = now, organiser.id
    db.session.flush()
    notify_round_opened(round_, now=now)
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
    open_assignments = [a for a in round_.assignments if a.status != "confirmed"]
    if open_assignments and not force:
        raise InvalidInput(t("%(count)s assignment(s) in round '%(round)s' are not confirmed yet; close "
                             "anyway to ignore their drafts", count=len(open_assignments),
                             round=round_.name))
    # First the status: of two closings at the same moment, the second is refused here.
    change_round_status(round_, "close", organiser, now=now)
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
        decide_outcome(round_, entry, score, advanced, now, at_close=True)
        (closure.not_judged if score is None else
         closure.advanced if advanced else closure.stopped).append(entry.title)
    round_.closed_at, round_.closed_by_id = now, organiser.id
    db.session.flush()
    return closure


def _advancing(round_: Round, entries: list[Entry], scores: Mapping[int, Decimal]) -> set[int]:
    judged = [e for e in entries if e.id in scores]
    if is_last_round(round_):
        return set()
    if round_.advancement == "all":
        return {e.id for e in judged}
    if round_.advancement == "min_score":
        return {e.id for e in judged if scores[e.id] >= as_score(round_.advancement_min_score or 0)}
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


@dataclass(frozen=True)
class RoundReopening:
    undecided: list[str]          # innovations whose outcome the closing had decided, open again
    back_to_verified: list[str]   # of those, the ones the closing had moved verified → scored


@operation
def reopen_round(round_: Round, organiser: User, reason: str, *,
                 now: datetime | None = None) -> RoundReopening:
    """Open a closed round again, with a reason, and undo what closing it decided: the outcomes
    closing wrote are removed, and the entries it moved verified → scored go back to verified.
    Outcomes decided earlier, as an entry's last sheet was confirmed, stay. The round's judges
    are told, with the reason.

    The round workflow decides whether it may: while the competition is judging and no later
    round has left set-up.

    :raises workflows.TriggerRefused: with every reason it may not.
    """
    now = now or utcnow()
    competition = round_.competition
    require_organiser(organiser, competition)
    event = change_round_status(round_, "reopen", organiser, comment=reason, now=now)
    acting = actor_for(organiser, competition)
    reopening = RoundReopening(undecided=[], back_to_verified=[])
    outcomes = db.session.scalars(select(RoundOutcome).where(
        RoundOutcome.round_id == round_.id, RoundOutcome.decided_at_close.is_(True))
        .order_by(RoundOutcome.entry_id)).all()
    for outcome in outcomes:
        entry = outcome.entry
        if not outcome.advanced and entry.status == "scored":
            change_entry_status(entry, "reopen_scoring", acting, comment=reason, now=now)
            reopening.back_to_verified.append(entry.title)
        reopening.undecided.append(entry.title)
        db.session.delete(outcome)
    round_.closed_at = round_.closed_by_id = None
    db.session.flush()
    notify_round_reopened(round_, event)
    return reopening
