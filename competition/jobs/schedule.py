"""The periodic tick: what the schedule does by itself, and the outbox.

One tick (``flask --app wsgi jobs tick`` from cron, the worker every minute, or a thread of each
web process without Redis):

1. makes each phase change whose date has passed and which the organiser let the schedule make
   (:data:`~competition.models.SCHEDULABLE_CHANGES`: opening submissions, closing them, closing
   verification, closing judging): through the workflow engine, as the system, written in the
   competition's phase history like any phase change. When the workflow refuses (innovations
   still waiting for a verifier, judging rounds still open) nothing changes: the reason is kept on
   the competition's set-up page, logged, and the organisers are told once a day; the next ticks
   try again, so the change is made as soon as it may be;
2. queues deadline reminders for competitions that asked for them N days before each deadline, to
   those who still have work: OPD operators before submissions close, verifiers with innovations
   to verify before verification closes, judges with unconfirmed sheets before judging closes (one
   per person and day, see :mod:`competition.notifications.operations`);
3. queues each verifier's daily digest of new submissions, from ``VERIFIER_DIGEST_HOUR`` o'clock
   (one per verifier, competition and day, see
   :func:`~competition.notifications.operations.queue_verifier_digests`);
4. sends the outbox.

Several ticks may run at once (two workers, cron beside a web process): each phase change locks
the competition's row and reads its phase again before firing, so it happens exactly once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from competition.competitions.operations import COMPETITION_WORKFLOW, change_competition_phase
from competition.errors import AnugerahError, InvalidInput
from competition.extensions import db
from competition.models import (
    COMPETITION_PHASES,
    SCHEDULABLE_CHANGES,
    Competition,
    Job,
    Membership,
    ScheduledPhaseChange,
    User,
)
from competition.models.state import lock_and_reread_state
from competition.models.types import utcnow
from competition.notifications.operations import queue_verifier_digests, send_outbox
from competition.notifications.reminders import (
    queue_deadline_reminders,
    queue_judging_reminders,
    queue_schedule_refusal_reminders,
    queue_verification_reminders,
)
from competition.policy import require_organiser
from competition.unit_of_work import in_unit, operation, unit_of_work
from workflows import Actor, WorkflowError, get_workflow
from workflows.messages import t

log = logging.getLogger(__name__)
MAX_REMINDER_DAYS = 60
# A job still queued this long after it was asked for has been forgotten by its runner.
FORGOTTEN_MINUTES = 10


def source_phase(trigger: str) -> str:
    """The phase from which the scheduled phase change ``trigger`` is made."""
    return get_workflow(COMPETITION_WORKFLOW).transition(trigger).sources[0]


def changeable(competition: Competition, trigger: str) -> bool:
    """A scheduled phase change may be asked for or not until its phase is over."""
    return COMPETITION_PHASES.index(competition.phase) <= COMPETITION_PHASES.index(source_phase(trigger))


def scheduled_comment(trigger: str) -> str:
    """What the phase history says of a change the schedule made."""
    return {"open_submissions": t("Opened by the schedule at the submission opening."),
            "close_submissions": t("Closed by the schedule at the submission deadline."),
            "start_judging": t("Verification closed by the schedule at its deadline."),
            "close_judging": t("Judging closed by the schedule at its deadline.")}[trigger]


class Outcome(Enum):
    NOTHING = "nothing"     # not asked for, not due, or already made (by a person or another tick)
    CHANGED = "changed"
    REFUSED = "refused"     # due, but the workflow's guards refuse it: recorded, organisers told


@dataclass
class TickReport:
    changed: list[tuple[int, str]] = field(default_factory=list)   # (competition, trigger) made
    refused: list[tuple[int, str]] = field(default_factory=list)   # due but refused by a guard
    reminders: int = 0
    digests: int = 0     # verifiers' daily digests queued
    restarted: int = 0   # jobs handed to the runner again
    sent: int = 0
    failed: int = 0

    @property
    def closed(self) -> list[int]:
        """Competitions whose submissions the schedule closed."""
        return [competition_id for competition_id, trigger in self.changed if trigger == "close_submissions"]

    def sentence(self) -> str:
        return (f"{len(self.changed)} phase change(s) made by the schedule, {len(self.refused)} refused "
                f"(see the competition's set-up page), {self.reminders} reminder(s) queued, "
                f"{self.digests} verifier digest(s) queued, "
                f"{self.restarted} forgotten job(s) restarted, {self.sent} e-mail(s) sent, "
                f"{self.failed} failed (will be retried).")


@operation
def set_schedule(competition: Competition, organiser: User, *, triggers: Collection[str],
                 reminder_days: int | None) -> None:
    """Let the schedule make the phase changes ``triggers`` (of
    :data:`~competition.models.SCHEDULABLE_CHANGES`) at their dates, and no other; remind those
    with work left ``reminder_days`` before each deadline (None: no reminders). A phase change
    whose phase is over stays as it was, whatever ``triggers`` says (see :func:`changeable`).
    Recorded in the audit log."""
    require_organiser(organiser, competition)
    problems = []
    unknown = sorted(set(triggers) - set(SCHEDULABLE_CHANGES))
    if unknown:
        problems.append(t("scheduled phase changes: %(unknown)s cannot be scheduled (only %(known)s)",
                          unknown=", ".join(unknown), known=", ".join(SCHEDULABLE_CHANGES)))
    if reminder_days is not None and not 1 <= reminder_days <= MAX_REMINDER_DAYS:
        problems.append(t("reminder_days: a whole number of days from 1 to %(most)s", most=MAX_REMINDER_DAYS))
    if problems:
        raise InvalidInput(problems)
    from competition.audit.operations import record

    wanted = [trigger for trigger in SCHEDULABLE_CHANGES
              if (trigger in set(triggers) if changeable(competition, trigger)
                  else trigger in competition.scheduled_triggers)]
    competition.scheduled_changes = (
        [change for change in competition.scheduled_changes if change.trigger in wanted]
        + [ScheduledPhaseChange(trigger=trigger) for trigger in wanted
           if competition.scheduled_change(trigger) is None])
    competition.reminder_days = reminder_days
    # The competition's version goes up even when only its scheduled changes did (they are part of
    # what an API client read under its ETag).
    flag_modified(competition, "reminder_days")
    db.session.flush()
    record("schedule.changed", organiser, competition=competition,
           details={"phase_changes": wanted, "reminder_days": reminder_days})


@operation
def change_phase_when_due(competition_id: int, trigger: str, now: datetime) -> Outcome:
    """Make the scheduled phase change ``trigger`` of one competition when its date has passed,
    the organiser still asks for it, and nobody made it first. When the workflow refuses it, keep
    the reason on the schedule and tell the organisers (once a day); nothing else changes."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        return Outcome.NOTHING
    deadline = SCHEDULABLE_CHANGES[trigger]
    lock_and_reread_state(competition, "phase", "version", deadline)
    scheduled = db.session.scalar(select(ScheduledPhaseChange).where(
        ScheduledPhaseChange.competition_id == competition.id, ScheduledPhaseChange.trigger == trigger))
    if (scheduled is None or competition.phase != source_phase(trigger)
            or getattr(competition, deadline) > now):
        return Outcome.NOTHING
    workflow = get_workflow(COMPETITION_WORKFLOW)
    reasons = workflow.refusals(competition, trigger, Actor.system(), now=now)
    if reasons:
        refusal = "; ".join(reasons)
        if scheduled.refusal is None:
            log.warning("the schedule could not %s competition %s: %s", trigger, competition.id, refusal)
            scheduled.refused_at = now
        if scheduled.refusal != refusal:
            scheduled.refusal = refusal
        queue_schedule_refusal_reminders(competition, trigger, workflow.transition(trigger).label_id, refusal,
                                         now=now)
        db.session.flush()
        return Outcome.REFUSED
    change_competition_phase(competition, trigger, Actor.system(), now=now,
                             comment=scheduled_comment(trigger))
    scheduled.refusal = scheduled.refused_at = None
    db.session.flush()
    return Outcome.CHANGED


def close_submissions_when_due(competition_id: int, now: datetime) -> bool:
    """Close submissions of one competition when its schedule says so; True when this call did."""
    return change_phase_when_due(competition_id, "close_submissions", now) is Outcome.CHANGED


def tick(*, now: datetime | None = None, send_mail: bool = True) -> TickReport:
    """One tick, each change in a unit of work of its own (so one competition's refusal stops no
    other). :raises RuntimeError: inside a unit of work."""
    if in_unit():
        raise RuntimeError("a tick runs its own units of work; call it outside one")
    # What it writes for people (a comment in a phase history) is in the app's first language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _tick(now, send_mail)


def _due(moment: datetime) -> list[int]:
    """Competitions with a scheduled phase change whose date has passed, in their source phase."""
    due = or_(*(
        (ScheduledPhaseChange.trigger == trigger) & (Competition.phase == source_phase(trigger))
        & (getattr(Competition, deadline) <= moment)
        for trigger, deadline in SCHEDULABLE_CHANGES.items()))
    return list(db.session.scalars(select(Competition.id).distinct().join(
        ScheduledPhaseChange, ScheduledPhaseChange.competition_id == Competition.id).where(due)
        .order_by(Competition.id)))


def _tick(now: datetime | None, send_mail: bool) -> TickReport:
    moment = now or utcnow()
    report = TickReport()
    for competition_id in _due(moment):
        # In the order they happen: a competition whose dates all passed moves on as far as it may.
        for trigger in SCHEDULABLE_CHANGES:
            try:
                with unit_of_work():
                    outcome = change_phase_when_due(competition_id, trigger, moment)
            except (AnugerahError, WorkflowError, IntegrityError):  # changed by someone at this moment
                log.warning("the schedule could not %s competition %s", trigger, competition_id,
                            exc_info=True)
                break
            except Exception:   # one competition's failure holds back no other's, nor the outbox
                log.exception("the schedule failed to %s competition %s", trigger, competition_id)
                break
            if outcome is Outcome.CHANGED:
                report.changed.append((competition_id, trigger))
            elif outcome is Outcome.REFUSED:
                report.refused.append((competition_id, trigger))
                break
    reminding = db.session.scalars(select(Competition.id).where(
        Competition.reminder_days.is_not(None), Competition.phase.in_(("open", "verification", "judging")))
        .order_by(Competition.id)).all()
    for competition_id in reminding:
        try:
            with unit_of_work():
                competition = db.session.get_one(Competition, competition_id)
                days = competition.reminder_days or 0
                report.reminders += (queue_deadline_reminders(competition, days, now=moment)
                                     + queue_verification_reminders(competition, days, now=moment)
                                     + queue_judging_reminders(competition, days, now=moment))
        except IntegrityError:  # another tick queued the same day's reminders first
            log.info("reminders of competition %s were queued by another tick", competition_id)
        except Exception:   # as above
            log.exception("the reminders of competition %s failed", competition_id)
    # Closed competitions take no more submissions: nothing new to tell their verifiers.
    verifying = db.session.scalars(select(Competition.id).where(
        Competition.phase != "closed", Competition.id.in_(
            select(Membership.competition_id).where(Membership.role == "verifier")))
        .order_by(Competition.id)).all()
    for competition_id in verifying:
        try:
            with unit_of_work():
                report.digests += queue_verifier_digests(db.session.get_one(Competition, competition_id),
                                                         now=moment)
        except IntegrityError:  # another tick queued the same day's digests first
            log.info("digests of competition %s were queued by another tick", competition_id)
        except Exception:   # as above
            log.exception("the verifiers' digests of competition %s failed", competition_id)
    report.restarted = restart_forgotten_jobs(moment)
    if send_mail:
        sent = send_outbox(now=now)
        report.sent, report.failed = sent.sent, sent.failed
    return report


def restart_forgotten_jobs(now: datetime) -> int:
    """Hand jobs still queued after ``FORGOTTEN_MINUTES`` to the runner again: the web process
    whose thread pool had them stopped, or Redis lost them. A job is claimed before it runs, so
    one handed over twice still runs once."""
    from competition.jobs.runner import dispatch

    forgotten = db.session.scalars(select(Job.id).where(
        Job.status == "queued", Job.created_at <= now - timedelta(minutes=FORGOTTEN_MINUTES))
        .order_by(Job.id).limit(100)).all()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for job_id in forgotten:
        dispatch(app, job_id)
    return len(forgotten)


class TickThread(threading.Thread):
    """Ticks every ``interval_seconds`` from a daemon thread of this process: for a web process
    without Redis, and beside the RQ worker."""

    def __init__(self, app: Flask, interval_seconds: float):
        super().__init__(name="anugerah-tick", daemon=True)
        self.app, self.interval = app, interval_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            with self.app.app_context():
                try:
                    tick()
                except Exception:  # a database hiccup must not end the thread
                    self.app.logger.exception("the periodic tick failed; trying again later")
                finally:
                    db.session.remove()
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
        self.join()
