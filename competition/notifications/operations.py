"""E-mail and in-app notifications.

Mail goes through an outbox: a message is queued in the same transaction as the change that
causes it, so a request never waits on the mail server and nothing is sent for a change that
rolled back. ``send_outbox`` (``flask --app wsgi mail send``, or the periodic tick of
:mod:`competition.jobs.schedule`: the worker's, cron's or a web process's) delivers it; a failed send is
retried later with a growing delay, never lost.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update

from competition.extensions import db
from competition.models import Competition, Entry, EntryEvent, Membership, User
from competition.models.types import utcnow
from competition.notifications.models import Notification, OutboxMessage
from competition.unit_of_work import in_unit, operation, unit_of_work

# Subject and first line per status an OPD hears about, in Bahasa Indonesia.
ENTRY_MESSAGES = {
    "returned": ("Inovasi \"{title}\" dikembalikan untuk perbaikan",
                 "Verifikator mengembalikan inovasi \"{title}\" untuk diperbaiki."),
    "verified": ("Inovasi \"{title}\" terverifikasi", "Inovasi \"{title}\" telah diverifikasi."),
    "rejected": ("Inovasi \"{title}\" ditolak", "Inovasi \"{title}\" ditolak oleh verifikator."),
    "awarded": ("Selamat! Inovasi \"{title}\" meraih penghargaan",
                "Inovasi \"{title}\" meraih penghargaan dalam {competition}."),
}
MAX_DELAY_MINUTES = 24 * 60


def opd_operators(competition: Competition, organisation_ids: list[int]) -> list[User]:
    """Active operators (submitters) of ``competition`` working in one of the organisations."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.competition_id == competition.id, Membership.role == "submitter",
               User.active.is_(True), User.organisation_id.in_(organisation_ids))
        .order_by(User.id)))


def _queue(recipient: User, subject: str, body: str, *, entry: Entry | None = None,
           dedupe_key: str | None = None, now: datetime | None = None) -> None:
    now = now or utcnow()
    db.session.add(OutboxMessage(recipient=recipient.email, subject=f"[Anugerah] {subject}", body=body,
                                 dedupe_key=dedupe_key, created_at=now, send_after=now))
    db.session.add(Notification(user_id=recipient.id, entry=entry, message=subject, created_at=now))


def queue_entry_notifications(entry: Entry, event: EntryEvent) -> None:
    """Tell the entry's OPD operators about a return, verification, rejection or award.
    Called inside the transaction that makes the change; commits nothing itself."""
    if event.to_status not in ENTRY_MESSAGES:
        return
    subject_template, opening = ENTRY_MESSAGES[event.to_status]
    values = {"title": entry.title, "competition": entry.competition.name}
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/innovations/{entry.id}"
    lines = [opening.format(**values)]
    if event.comment:
        lines += ["", "Catatan:", event.comment]
    lines += ["", f"Buka inovasi: {link}", "", "— Anugerah"]
    for operator in opd_operators(entry.competition, entry.organisation_lineage_ids()):
        _queue(operator, subject_template.format(**values), "\n".join(lines), entry=entry,
               now=event.created_at)


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
    deadline = competition.submission_closes_at.strftime("%d-%m-%Y %H:%M UTC")
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
               f"{reason}\nBatas waktu pengajuan: {deadline}.\n\n— Anugerah", dedupe_key=key, now=now)
        queued += 1
    db.session.flush()
    return queued


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


# While one sender has a message in hand, others leave it alone for this long; a sender that
# dies mid-send leaves it to be tried again once the claim runs out.
CLAIM_MINUTES = 10


def _claim(message_id: int, now: datetime) -> bool:
    """Take a due message for this sender, in a unit of its own so that other senders see the
    claim before the message goes out; False when another sender took it first."""
    with unit_of_work():
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
                   OutboxMessage.send_after <= now)
            .values(send_after=now + timedelta(minutes=CLAIM_MINUTES)))
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def send_outbox(*, now: datetime | None = None, limit: int = 200) -> SendReport:
    """Send what is due, each message a job of its own (claimed, sent, recorded); failures wait
    2, 4, 8… minutes (at most a day) before the next try, and a message that cannot even be
    written as an e-mail is recorded as failed like any other, so it never holds up the rest.
    Several senders (cron, a worker, the background thread) may run at once: each message is
    claimed first, so none is sent twice. Each claim takes the time anew (``now`` fixes it, for
    tests), so a long run's claims do not expire before they are made.

    :raises RuntimeError: inside a unit of work, where the claims could not be committed first.
    """
    if in_unit():
        raise RuntimeError("send_outbox runs its own units of work (one per message); call it outside one")
    config = current_app.config
    due = db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.send_after <= (now or utcnow()))
        .order_by(OutboxMessage.id).limit(limit)).all()
    sent = failed = 0
    for message_id in due:
        moment = now or utcnow()
        if not _claim(message_id, moment):
            continue
        with unit_of_work():
            message = db.session.get_one(OutboxMessage, message_id)
            try:
                with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
                    if config["SMTP_STARTTLS"]:
                        smtp.starttls()
                    if config["SMTP_USER"]:
                        smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
                    smtp.send_message(_email(message))
            except Exception as error:  # noqa: BLE001  (the network, the server, or the message itself)
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:1000]
                message.send_after = moment + timedelta(minutes=min(2 ** message.attempts, MAX_DELAY_MINUTES))
                failed += 1
            else:
                message.sent_at = moment
                sent += 1
    return SendReport(sent=sent, failed=failed)


@operation
def queue_password_reset(user: User, link: str) -> None:
    """E-mail a password-reset link (no in-app line: the user cannot sign in)."""
    db.session.add(OutboxMessage(
        recipient=user.email, subject="[Anugerah] Atur ulang kata sandi",
        body=(f"Seseorang (semoga Anda) meminta pengaturan ulang kata sandi untuk {user.email}.\n\n"
              f"Buka tautan ini dalam satu jam untuk memilih kata sandi baru:\n{link}\n\n"
              "Abaikan surel ini bila Anda tidak memintanya; kata sandi Anda tidak berubah.\n\n— Anugerah")))
    db.session.flush()


@operation
def queue_invitation(user: User, link: str, invited_by: User | None) -> None:
    """E-mail a new account's owner a link to choose their password (valid for a week); made by
    ``invited_by``, or by the administrator on the command line (None)."""
    inviter = invited_by.name if invited_by is not None else "Administrator Anugerah"
    db.session.add(OutboxMessage(
        recipient=user.email, subject="[Anugerah] Undangan: akun Anda telah dibuat",
        body=(f"Yth. {user.name},\n\n{inviter} telah membuatkan akun Anugerah untuk {user.email}"
              f"{' (' + user.organisation.name + ')' if user.organisation else ''}.\n\n"
              f"Buka tautan ini dalam tujuh hari untuk memilih kata sandi Anda, lalu masuk:\n{link}\n\n"
              "— Anugerah")))
    db.session.flush()


@operation
def mark_notifications_read(user: User, *, entry_id: int | None = None, notification_id: int | None = None,
                            now: datetime | None = None) -> int:
    """Mark ``user``'s unread notifications read: all of them, those about one innovation, or
    one. Returns how many."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if entry_id is not None:
        query = query.where(Notification.entry_id == entry_id)
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    result = db.session.execute(query.values(read_at=now or utcnow()))
    return result.rowcount  # type: ignore[attr-defined]


# -- reminders before the verification and judging deadlines, and when the schedule is refused ---

def _remind_once(recipient: User, subject: str, body: str, key: str, now: datetime) -> bool:
    """Queue a reminder unless one with ``key`` (person, competition, deadline and day) is queued."""
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return False
    _queue(recipient, subject[:230], body, dedupe_key=key, now=now)   # a long competition name is cut
    return True


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
    deadline = competition.verification_closes_at.strftime("%d-%m-%Y %H:%M UTC")
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
            f"reminder-verification:{competition.id}:{verifier.id}:{now.date().isoformat()}", now)
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
    deadline = competition.judging_closes_at.strftime("%d-%m-%Y %H:%M UTC")
    queued = 0
    for judge in _members(competition, "judge"):
        if not open_sheets.get(judge.id):
            continue
        queued += _remind_once(
            judge, f"Batas waktu penilaian {competition.name}: {left.days} hari lagi",
            f"Masih ada {open_sheets[judge.id]} lembar penilaian Anda yang belum dikonfirmasi.\n"
            f"Batas waktu penilaian: {deadline}.\n\n— Anugerah",
            f"reminder-judging:{competition.id}:{judge.id}:{now.date().isoformat()}", now)
    db.session.flush()
    return queued


@operation
def queue_schedule_refusal_reminders(competition: Competition, trigger: str, step: str, reasons: str, *,
                                     now: datetime | None = None) -> int:
    """Tell the organisers that the schedule could not take ``step`` (the phase change
    ``trigger``, named for people) at its date, and why; once per organiser, step and day."""
    now = now or utcnow()
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/manage/{competition.id}/setup#schedule"
    queued = 0
    for organiser in _members(competition, "organiser"):
        queued += _remind_once(
            organiser, f"Jadwal belum dapat menjalankan \"{step}\" pada {competition.name}",
            f"Jadwal mencoba menjalankan \"{step}\" pada batas waktunya, tetapi ditolak:\n{reasons}\n\n"
            "Jadwal mencoba lagi setiap menit. Selesaikan yang tertinggal, jalankan langkah ini sendiri, "
            f"atau matikan langkah otomatis ini di halaman pengaturan kompetisi:\n{link}\n\n— Anugerah",
            f"schedule-refused:{competition.id}:{trigger}:{organiser.id}:{now.date().isoformat()}", now)
    db.session.flush()
    return queued
