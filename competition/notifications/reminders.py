"""Reminders before a deadline, to those who still have work: OPD operators before submissions
close, verifiers with innovations to verify before verification closes, judges with sheets not
confirmed before judging closes; and the organisers when the schedule could not take a step. Each
goes once per person and day (a dedupe key in the outbox). Queued by the periodic tick
(:mod:`competition.jobs.schedule`) or ``flask notify remind``."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from competition.extensions import db
from competition.links import absolute_path, app_path
from competition.models import Competition, Entry, Membership, User
from competition.models.types import utcnow
from competition.notifications.models import OutboxMessage
from competition.notifications.operations import _queue, local_moment
from competition.unit_of_work import operation


@operation
def queue_deadline_reminders(competition: Competition, days: int, *, now: datetime | None = None) -> int:
    """Remind the operators of OPDs with unfinished drafts, or with nothing submitted, when the
    submission deadline is at most ``days`` away. One reminder per operator per day; returns how
    many were queued."""
    now = now or utcnow()
    left = competition.submission_closes_at - now
    if competition.phase != "open" or left < timedelta(0) or left > timedelta(days=days):
        return 0
    entries = db.session.scalars(select(Entry).where(Entry.competition_id == competition.id)).all()
    submitted_orgs = {e.organisation_id for e in entries
                      if e.status not in ("draft", "returned", "withdrawn")}
    unfinished_orgs = {e.organisation_id for e in entries if e.status in ("draft", "returned")}
    operators = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.competition_id == competition.id, Membership.role == "submitter",
               User.active.is_(True))).all()
    queued = 0
    deadline = local_moment(competition.submission_closes_at)
    for operator in operators:
        unfinished = operator.organisation_id in unfinished_orgs
        nothing = operator.organisation_id not in submitted_orgs
        if not (unfinished or nothing):
            continue
        key = f"reminder:{competition.id}:{operator.id}:{now.date().isoformat()}"
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            continue
        reason = ("Masih ada draf yang belum diajukan." if unfinished
                  else "OPD Anda belum mengajukan inovasi.")
        _queue(operator, f"Batas waktu pengajuan {competition.name}: {left.days} hari lagi",
               f"{reason}\nBatas waktu pengajuan: {deadline}.\n\n— Anugerah", dedupe_key=key, now=now,
               link=app_path("innovations.mine"))
        queued += 1
    db.session.flush()
    return queued


# -- judges -----------------------------------------------------------------------------------------
#
# Judges hear of their assignments and panels, of a round opening or reopening, and of their
# scores reopened, each with a link to their scoring pages. In a blind round the innovation's
# title is masked as their scoring pages mask it. Every message has a dedupe key: one message per
# judge and event, whoever or whatever fires it twice.


def _remind_once(recipient: User, subject: str, body: str, key: str, now: datetime, link: str) -> bool:
    """Queue a reminder leading to ``link`` unless one with ``key`` (person, competition, deadline
    and day) is queued."""
    return _queue(recipient, subject, body, dedupe_key=key, now=now, link=link)


def _within(deadline: datetime, days: int, now: datetime) -> timedelta | None:
    """How long until ``deadline``, when it is ahead and at most ``days`` away; else None."""
    left = deadline - now
    return left if timedelta(0) <= left <= timedelta(days=days) else None


def _members(competition: Competition, role: str) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.competition_id == competition.id, Membership.role == role, User.active.is_(True))
        .order_by(User.id)))


@operation
def queue_verification_reminders(competition: Competition, days: int, *, now: datetime | None = None) -> int:
    """Remind each verifier who still has innovations to verify (submitted, in their queue: not of
    their own OPD or a unit below it) when verification closes at most ``days`` from now. One
    reminder per verifier per day; returns how many were queued."""
    from sqlalchemy import func

    from competition.policy import verifiable_entries

    now = now or utcnow()
    left = _within(competition.verification_closes_at, days, now)
    if competition.phase != "verification" or left is None:
        return 0
    deadline = local_moment(competition.verification_closes_at)
    queued = 0
    for verifier in _members(competition, "verifier"):
        waiting = db.session.scalar(select(func.count()).select_from(Entry).where(
            Entry.competition_id == competition.id, Entry.status == "submitted",
            verifiable_entries(verifier))) or 0
        if not waiting:
            continue
        queued += _remind_once(
            verifier, f"Batas waktu verifikasi {competition.name}: {left.days} hari lagi",
            f"Masih ada {waiting} inovasi yang menunggu verifikasi Anda.\nBatas waktu verifikasi: "
            f"{deadline}.\n\n— Anugerah",
            f"reminder-verification:{competition.id}:{verifier.id}:{now.date().isoformat()}", now,
            app_path("verification.queue"))
    db.session.flush()
    return queued


@operation
def queue_judging_reminders(competition: Competition, days: int, *, now: datetime | None = None) -> int:
    """Remind each judge of the competition with sheets not yet confirmed in an open round when
    judging closes at most ``days`` from now. One reminder per judge per day; returns how many."""
    from sqlalchemy import func

    from competition.models import Assignment, Round

    now = now or utcnow()
    left = _within(competition.judging_closes_at, days, now)
    if competition.phase != "judging" or left is None:
        return 0
    open_sheets = dict(db.session.execute(
        select(Assignment.judge_id, func.count()).join(Round, Round.id == Assignment.round_id)
        .where(Round.competition_id == competition.id, Round.status == "open", Assignment.status == "open")
        .group_by(Assignment.judge_id)).all())
    deadline = local_moment(competition.judging_closes_at)
    queued = 0
    for judge in _members(competition, "judge"):
        if not open_sheets.get(judge.id):
            continue
        queued += _remind_once(
            judge, f"Batas waktu penilaian {competition.name}: {left.days} hari lagi",
            f"Masih ada {open_sheets[judge.id]} lembar penilaian Anda yang belum dikonfirmasi.\n"
            f"Batas waktu penilaian: {deadline}.\n\n— Anugerah",
            f"reminder-judging:{competition.id}:{judge.id}:{now.date().isoformat()}", now,
            app_path("scoring.index"))
    db.session.flush()
    return queued


@operation
def queue_schedule_refusal_reminders(competition: Competition, trigger: str, step: str, reasons: str, *,
                                     now: datetime | None = None) -> int:
    """Tell the organisers that the schedule could not take ``step`` (the phase change
    ``trigger``, named for people) at its date, and why; once per organiser, step and day."""
    now = now or utcnow()
    path = app_path("setup.overview", anchor="schedule", competition_id=competition.id)
    link = absolute_path(path)
    queued = 0
    for organiser in _members(competition, "organiser"):
        queued += _remind_once(
            organiser, f"Jadwal belum dapat menjalankan \"{step}\" pada {competition.name}",
            f"Jadwal mencoba menjalankan \"{step}\" pada batas waktunya, tetapi ditolak:\n{reasons}\n\n"
            "Jadwal mencoba lagi setiap menit. Selesaikan yang tertinggal, jalankan langkah ini sendiri, "
            f"atau matikan langkah otomatis ini di halaman pengaturan kompetisi:\n{link}\n\n— Anugerah",
            f"schedule-refused:{competition.id}:{trigger}:{organiser.id}:{now.date().isoformat()}", now, path)
    db.session.flush()
    return queued
