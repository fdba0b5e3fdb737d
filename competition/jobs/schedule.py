"""The periodic tick: what the schedule does by itself, and the outbox.

One tick (``flask --app wsgi jobs tick`` from cron, the worker every minute, or a thread of each
web process without Redis):

1. closes submissions of each competition whose organiser let the schedule do it, once the
   submission deadline has passed: through the workflow engine, as the system, written in the
   competition's phase history like any phase change;
2. queues deadline reminders for competitions that asked for them N days before the deadline
   (one per operator and day, see :func:`~competition.notifications.operations.queue_deadline_reminders`);
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
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from competition.competitions.operations import change_competition_phase
from competition.errors import AnugerahError, InvalidInput
from competition.extensions import db
from competition.models import Competition, Job, Membership, User
from competition.models.state import lock_and_reread_state
from competition.models.types import utcnow
from competition.notifications.operations import (
    queue_deadline_reminders,
    queue_verifier_digests,
    send_outbox,
)
from competition.policy import require_organiser
from competition.unit_of_work import in_unit, operation, unit_of_work
from workflows import Actor, WorkflowError
from workflows.messages import t

log = logging.getLogger(__name__)
SCHEDULED_CLOSING = "close_submissions"
MAX_REMINDER_DAYS = 60
# A job still queued this long after it was asked for has been forgotten by its runner.
FORGOTTEN_MINUTES = 10


@dataclass
class TickReport:
    closed: list[int] = field(default_factory=list)   # competitions whose submissions closed
    reminders: int = 0
    digests: int = 0     # verifiers' daily digests queued
    restarted: int = 0   # jobs handed to the runner again
    sent: int = 0
    failed: int = 0

    def sentence(self) -> str:
        return (f"{len(self.closed)} competition(s) closed for submissions, {self.reminders} reminder(s) "
                f"queued, {self.digests} verifier digest(s) queued, "
                f"{self.restarted} forgotten job(s) restarted, {self.sent} e-mail(s) sent, "
                f"{self.failed} failed (will be retried).")


@operation
def set_schedule(competition: Competition, organiser: User, *, close_submissions: bool,
                 reminder_days: int | None) -> None:
    """Let the schedule close submissions at the deadline (or not), and remind OPDs
    ``reminder_days`` before it (None: no reminders). Recorded in the audit log."""
    require_organiser(organiser, competition)
    if reminder_days is not None and not 1 <= reminder_days <= MAX_REMINDER_DAYS:
        raise InvalidInput(t("reminder_days: a whole number of days from 1 to %(most)s",
                             most=MAX_REMINDER_DAYS))
    from competition.audit.operations import record

    competition.close_submissions_on_schedule = close_submissions
    competition.reminder_days = reminder_days
    db.session.flush()
    record("schedule.changed", organiser, competition=competition,
           details={"close_submissions": close_submissions, "reminder_days": reminder_days})


@operation
def close_submissions_when_due(competition_id: int, now: datetime) -> bool:
    """Close submissions of one competition when its schedule says so and nobody did it first;
    True when this call closed them."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        return False
    lock_and_reread_state(competition, "phase", "version", "close_submissions_on_schedule",
                          "submission_closes_at")
    if not (competition.close_submissions_on_schedule and competition.phase == "open"
            and competition.submission_closes_at <= now):
        return False
    change_competition_phase(competition, SCHEDULED_CLOSING, Actor.system(), now=now,
                             comment=t("Closed by the schedule at the submission deadline."))
    return True


def tick(*, now: datetime | None = None, send_mail: bool = True) -> TickReport:
    """One tick, each change in a unit of work of its own (so one competition's refusal stops no
    other). :raises RuntimeError: inside a unit of work."""
    if in_unit():
        raise RuntimeError("a tick runs its own units of work; call it outside one")
    # What it writes for people (a comment in a phase history) is in the app's first language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _tick(now, send_mail)


def _tick(now: datetime | None, send_mail: bool) -> TickReport:
    moment = now or utcnow()
    report = TickReport()
    due = db.session.scalars(select(Competition.id).where(
        Competition.close_submissions_on_schedule.is_(True), Competition.phase == "open",
        Competition.submission_closes_at <= moment).order_by(Competition.id)).all()
    for competition_id in due:
        try:
            with unit_of_work():
                if close_submissions_when_due(competition_id, moment):
                    report.closed.append(competition_id)
        except (AnugerahError, WorkflowError):
            log.warning("the schedule could not close competition %s", competition_id, exc_info=True)
    reminding = db.session.scalars(select(Competition.id).where(
        Competition.reminder_days.is_not(None), Competition.phase == "open").order_by(Competition.id)).all()
    for competition_id in reminding:
        try:
            with unit_of_work():
                competition = db.session.get_one(Competition, competition_id)
                report.reminders += queue_deadline_reminders(competition, competition.reminder_days or 0,
                                                             now=moment)
        except IntegrityError:  # another tick queued the same day's reminders first
            log.info("reminders of competition %s were queued by another tick", competition_id)
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
