"""E-mail and in-app notifications.

Mail goes through an outbox: a message is queued in the same transaction as the change that
causes it, so a request never waits on the mail server and nothing is sent for a change that
rolled back. ``send_outbox`` (``flask --app wsgi mail send``, or the periodic tick of
:mod:`competition.jobs.schedule`: the worker's, cron's or a web process's) delivers it; a failed send is
retried later with a growing delay, never lost.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update

from competition.audit.operations import recording_moment
from competition.documents.formatting import format_datetime
from competition.extensions import db
from competition.judging.models import REMOVED
from competition.links import absolute_path, app_path
from competition.models import (
    Assignment,
    Competition,
    ConflictOfInterest,
    Entry,
    EntryEvent,
    Membership,
    Panel,
    Round,
    RoundEvent,
    ScoringEvent,
    User,
)
from competition.models.types import utcnow
from competition.notifications.models import Notification, OutboxMessage
from competition.policy import JURY_ONLY_TRIGGERS, verifiable_entries
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
SUBJECT_PREFIX = "[Anugerah] "
# The outbox keeps a subject of at most 250 characters (its column), the prefix included.
SUBJECT_LIMIT = 250 - len(SUBJECT_PREFIX)


def opd_operators(competition: Competition, organisation_ids: list[int]) -> list[User]:
    """Active operators (submitters) of ``competition`` working in one of the organisations."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.competition_id == competition.id, Membership.role == "submitter",
               User.active.is_(True), User.organisation_id.in_(organisation_ids))
        .order_by(User.id)))


def local_moment(moment: datetime) -> str:
    """A deadline as the pages show it: "27 Desember 2026 23.59 WIB" (``DISPLAY_TIMEZONE``)."""
    return format_datetime(moment, current_app.config["DISPLAY_TIMEZONE"], "id")


def fitted_subject(subject: str) -> str:
    """``subject`` on one line, cut with "…" to what the outbox keeps after the prefix: subjects
    are built from names people type (a title of 250 characters, a judge's name, a competition's)."""
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_LIMIT:
        subject = subject[:SUBJECT_LIMIT - 1].rstrip() + "…"
    return subject


def _queue(recipient: User, subject: str, body: str, *, entry: Entry | None = None, link: str | None = None,
           dedupe_key: str | None = None, now: datetime | None = None) -> bool:
    """An e-mail in the outbox and a line in the in-app list, both leading to ``link`` (a path
    inside the app, see :func:`competition.links.app_path`; the body names it on BASE_URL). With a
    ``dedupe_key`` already used, nothing (False). A subject too long for the outbox is cut
    (:func:`fitted_subject`); the in-app line keeps it whole."""
    now = now or recording_moment()
    if dedupe_key is not None and db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return False
    db.session.add(OutboxMessage(recipient=recipient.email, subject=SUBJECT_PREFIX + fitted_subject(subject),
                                 body=body, dedupe_key=dedupe_key, created_at=now, send_after=now))
    db.session.add(Notification(user_id=recipient.id, entry=entry, message=subject, link=link,
                                created_at=now))
    return True


def queue_entry_notifications(entry: Entry, event: EntryEvent) -> None:
    """Tell the entry's OPD operators about a return, verification, rejection or award.
    Called inside the transaction that makes the change; commits nothing itself. Scoring reopened
    (scored back to verified) is the jury's own business: the OPD heard of the verification once,
    and the organiser's reason is not for them."""
    if event.to_status not in ENTRY_MESSAGES or event.trigger in JURY_ONLY_TRIGGERS:
        return
    subject_template, opening = ENTRY_MESSAGES[event.to_status]
    values = {"title": entry.title, "competition": entry.competition.name}
    lines = [opening.format(**values)]
    if event.comment:
        lines += ["", "Catatan:", event.comment]
    link = app_path("innovations.show", entry_id=entry.id)
    lines += ["", f"Buka inovasi: {absolute_path(link)}", "", "— Anugerah"]
    for operator in opd_operators(entry.competition, entry.organisation_lineage_ids()):
        _queue(operator, subject_template.format(**values), "\n".join(lines), entry=entry, link=link,
               now=event.created_at)


MOST_TITLES = 20   # innovations named in one message; the rest are counted


def _judges_among(competition_id: int, judge_ids: Iterable[int]) -> list[User]:
    """The active users among ``judge_ids`` who still judge in the competition, by id."""
    ids = sorted(set(judge_ids))
    if not ids:
        return []
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(User.id.in_(ids), User.active.is_(True), Membership.competition_id == competition_id,
               Membership.role == "judge").order_by(User.id)))


def _round_judges(round_: Round) -> list[User]:
    """The judges of ``round_``: on one of its panels, or assigned in it (and not taken off)."""
    assigned = db.session.scalars(select(Assignment.judge_id).where(
        Assignment.round_id == round_.id, Assignment.status != REMOVED))
    members = {m.judge_id for panel in round_.panels for m in panel.members}
    return _judges_among(round_.competition_id, members | set(assigned))


def _assigned_counts(round_: Round) -> dict[int, int]:
    return {judge_id: count for judge_id, count in db.session.execute(
        select(Assignment.judge_id, func.count()).where(
            Assignment.round_id == round_.id, Assignment.status != REMOVED).group_by(Assignment.judge_id))}


def _title_for_judge(entry: Entry, round_: Round) -> str:
    return _text_for_judge(entry, round_, entry.title)


def _text_for_judge(entry: Entry, round_: Round, text: str | None) -> str:
    """A text about ``entry`` as its judges may read it: in a blind round without its OPD's name."""
    from competition.judging.queries import masking

    return masking(entry, round_.blind)(text)


def _named(titles: Sequence[str]) -> list[str]:
    lines = [f"- {title}" for title in titles[:MOST_TITLES]]
    if len(titles) > MOST_TITLES:
        lines.append(f"- … dan {len(titles) - MOST_TITLES} inovasi lainnya")
    return lines


def _reason_lines(reason: str | None) -> list[str]:
    return ["", "Alasan:", reason] if reason else []


def notify_judges_assigned(round_: Round, assignments: Sequence[Assignment], *,
                           now: datetime | None = None) -> int:
    """Tell each judge about the assignments just made for them in ``round_``: one message per
    judge naming how many (an automatic assignment of fifty innovations is one message, not
    fifty), leading to their scoring page (the innovation's own page when there is one).
    Returns how many were queued."""
    by_judge: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_judge.setdefault(assignment.judge_id, []).append(assignment)
    entries = {e.id: e for e in db.session.scalars(
        select(Entry).where(Entry.id.in_(sorted({a.entry_id for a in assignments}))))}
    competition = round_.competition
    queued = 0
    for judge in _judges_among(competition.id, by_judge):
        given = sorted(by_judge[judge.id], key=lambda a: a.id)
        titles = [_title_for_judge(entries[a.entry_id], round_) for a in given]
        link = (app_path("scoring.entry", assignment_id=given[0].id) if len(given) == 1
                else app_path("scoring.index"))
        subject = f"Penugasan penilaian: {len(given)} inovasi pada tahap \"{round_.name}\""
        status = ("Tahap ini sudah dibuka: Anda dapat mulai menilai." if round_.status == "open" else
                  "Anda akan diberi tahu saat tahap ini dibuka untuk penilaian.")
        body = [f"Panitia {competition.name} menugaskan Anda menilai {len(given)} inovasi pada tahap "
                f"penilaian \"{round_.name}\":", "", *_named(titles), "", status, "",
                f"Buka penilaian: {absolute_path(link)}", "", "— Anugerah"]
        queued += _queue(judge, subject, "\n".join(body), link=link, now=now,
                         dedupe_key=f"assigned:{round_.id}:{judge.id}:{given[-1].id}")
    return queued


def notify_panel_members(panel: Panel, *, now: datetime | None = None) -> int:
    """Tell the judges of a new panel that they sit on it."""
    round_ = panel.round
    competition = round_.competition
    category = f" untuk kategori \"{panel.category.name}\"" if panel.category is not None else ""
    link = app_path("scoring.index")
    queued = 0
    for judge in _judges_among(competition.id, [m.judge_id for m in panel.members]):
        body = [f"Panitia {competition.name} menempatkan Anda dalam panel juri \"{panel.name}\" pada tahap "
                f"penilaian \"{round_.name}\"{category}.",
                "", "Inovasi yang Anda nilai tampil di halaman penilaian setelah panitia menugaskannya.", "",
                f"Buka penilaian: {absolute_path(link)}", "", "— Anugerah"]
        queued += _queue(judge, f"Anda anggota panel juri \"{panel.name}\" ({round_.name})", "\n".join(body),
                         link=link, now=now, dedupe_key=f"panel:{panel.id}:{judge.id}")
    return queued


def notify_round_opened(round_: Round, *, now: datetime | None = None) -> int:
    """Tell the round's judges that it is open for scoring: one message per judge and round."""
    competition = round_.competition
    counts = _assigned_counts(round_)
    link = app_path("scoring.index")
    queued = 0
    for judge in _round_judges(round_):
        count = counts.get(judge.id, 0)
        work = (f"Anda ditugaskan menilai {count} inovasi pada tahap ini." if count else
                "Penugasan inovasi untuk Anda akan menyusul.")
        body = [f"Tahap penilaian \"{round_.name}\" dalam {competition.name} kini dibuka.", work, "",
                f"Buka penilaian: {absolute_path(link)}", "", "— Anugerah"]
        queued += _queue(judge, f"Tahap penilaian \"{round_.name}\" dibuka", "\n".join(body), link=link,
                         now=now, dedupe_key=f"round-opened:{round_.id}:{judge.id}")
    return queued


def notify_round_reopened(round_: Round, event: RoundEvent) -> int:
    """Tell the round's judges that the organisers opened it again, and why."""
    competition = round_.competition
    link = app_path("scoring.index")
    queued = 0
    for judge in _round_judges(round_):
        body = [f"Panitia membuka kembali tahap penilaian \"{round_.name}\" dalam {competition.name}.",
                *_reason_lines(event.comment), "",
                f"Buka penilaian: {absolute_path(link)}", "", "— Anugerah"]
        queued += _queue(judge, f"Tahap penilaian \"{round_.name}\" dibuka kembali", "\n".join(body),
                         link=link, now=event.created_at,
                         dedupe_key=f"round-reopened:{round_.id}:{judge.id}:{event.id}")
    return queued


def notify_scores_reopened(assignment: Assignment, event: ScoringEvent) -> bool:
    """Tell a judge that the organisers reopened their confirmed scores for an innovation, and
    why; the link leads to that sheet, which shows the reason too."""
    round_ = assignment.round
    judges = _judges_among(round_.competition_id, [assignment.judge_id])
    if not judges:
        return False
    title = _title_for_judge(assignment.entry, round_)
    link = app_path("scoring.entry", assignment_id=assignment.id)
    reason = _text_for_judge(assignment.entry, round_, event.reason)
    body = [f"Panitia membuka kembali nilai Anda untuk inovasi \"{title}\" pada tahap penilaian "
            f"\"{round_.name}\".", *_reason_lines(reason), "",
            "Periksa nilai Anda, lalu konfirmasi dan kunci kembali.", "",
            f"Buka lembar penilaian: {absolute_path(link)}", "", "— Anugerah"]
    return _queue(judges[0], f"Nilai Anda untuk \"{title}\" dibuka kembali", "\n".join(body), link=link,
                  now=event.created_at, dedupe_key=f"scores-reopened:{assignment.id}:{event.id}")


# -- organisers -------------------------------------------------------------------------------------

def competition_organisers(competition: Competition) -> list[User]:
    """The active organisers of ``competition``, by id."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.competition_id == competition.id, Membership.role == "organiser",
               User.active.is_(True)).order_by(User.id)))


def notify_conflict_declared(conflict: ConflictOfInterest, released: Sequence[Assignment], *,
                             now: datetime | None = None) -> int:
    """Tell the organisers that a judge declared a conflict of interest with an innovation, why,
    and how many of the judge's sheets it took off them; the link leads to the assignments table
    where another judge can be given the innovation (the round of the last sheet taken off, or
    the judging page when the judge had none)."""
    entry, judge = conflict.entry, conflict.judge
    competition = entry.competition
    if released:
        last = max(released, key=lambda a: (a.round.position, a.id))
        link = app_path("panels.assignments", anchor=f"entry-{entry.id}", competition_id=competition.id,
                        round_id=last.round_id)
        taken = (f"{len(released)} penugasan juri ini untuk inovasi tersebut dilepas; tugaskan juri lain "
                 "bila diperlukan.")
    else:
        link = app_path("panels.index", competition_id=competition.id)
        taken = "Juri ini belum ditugaskan menilai inovasi tersebut; ia tidak akan ditugaskan untuknya."
    queued = 0
    for organiser in competition_organisers(competition):
        body = [f"{judge.name} menyatakan konflik kepentingan dengan inovasi \"{entry.title}\" dalam "
                f"{competition.name}.", *_reason_lines(conflict.reason), "", taken, "",
                f"Buka penugasan juri: {absolute_path(link)}", "", "— Anugerah"]
        queued += _queue(organiser, f"Konflik kepentingan: {judge.name} untuk \"{entry.title}\"",
                         "\n".join(body), link=link, now=now,
                         dedupe_key=f"conflict:{conflict.id}:{organiser.id}")
    return queued


# -- verifiers: the daily digest --------------------------------------------------------------------

DIGEST_KEY = "verifier-digest:{competition}:{verifier}:{day}"


def digest_cutoff(day: date) -> datetime:
    """The moment the digest of ``day`` (a local date) closes: ``VERIFIER_DIGEST_HOUR`` o'clock
    there, in ``DISPLAY_TIMEZONE``, as UTC."""
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    hour = current_app.config["VERIFIER_DIGEST_HOUR"]
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)


@operation
def queue_verifier_digests(competition: Competition, *, now: datetime | None = None) -> int:
    """Each verifier of ``competition`` gets, once a day from ``VERIFIER_DIGEST_HOUR`` o'clock
    (local time), a digest of the innovations submitted or resubmitted since their last digest
    (or, for the first one, in the day before) up to that hour, which still wait for verification
    and which the policy lets them verify (:func:`~competition.policy.verifiable_entries`: never
    their own OPD's): one e-mail, and one in-app line leading to the verification queue. Nothing
    when there is nothing new. Returns how many were queued.

    A digest's window is the day's: from the last digest's closing hour to today's, whenever the
    tick gets to it, so each submission is named once (with the closing hour changed in between,
    a submission may be named twice or not at all).
    """
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).date()
    cutoff = digest_cutoff(today)
    if now < cutoff:
        return 0
    waiting = db.session.scalar(select(Entry.id).where(
        Entry.competition_id == competition.id, Entry.status == "submitted").limit(1))
    if waiting is None:   # the usual case once verification is done: one cheap look, every tick
        return 0
    verifiers = list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.competition_id == competition.id, Membership.role == "verifier",
               User.active.is_(True)).order_by(User.id)))
    if not verifiers:
        return 0
    prefix = f"verifier-digest:{competition.id}:"
    last_day: dict[int, date] = {}
    for key in db.session.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.startswith(prefix, autoescape=True))):
        _, _, verifier_id, day = (key or "").split(":")
        last_day[int(verifier_id)] = max(last_day.get(int(verifier_id), date.min), date.fromisoformat(day))
    link = app_path("verification.queue")
    queued = 0
    for verifier in verifiers:
        if last_day.get(verifier.id) == today:
            continue
        since = (digest_cutoff(last_day[verifier.id]) if verifier.id in last_day
                 else cutoff - timedelta(days=1))
        submissions = select(EntryEvent.entry_id, func.max(EntryEvent.created_at).label("at"),
                             func.min(EntryEvent.trigger).label("trigger")).where(
            EntryEvent.to_status == "submitted", EntryEvent.created_at > since,
            EntryEvent.created_at <= cutoff).group_by(EntryEvent.entry_id).subquery()
        rows = db.session.execute(
            select(Entry, submissions.c.trigger).join(submissions, submissions.c.entry_id == Entry.id)
            .where(Entry.competition_id == competition.id, Entry.status == "submitted",
                   verifiable_entries(verifier))
            .order_by(submissions.c.at, Entry.id)).all()
        if not rows:
            continue
        titles = [f"{entry.title} — {entry.organisation.name}"
                  f"{' (diajukan ulang)' if trigger == 'resubmit' else ''}" for entry, trigger in rows]
        body = [f"Sejak ringkasan sebelumnya, {len(rows)} inovasi diajukan atau diajukan ulang dalam "
                f"{competition.name} dan menunggu verifikasi Anda:", "", *_named(titles), "",
                f"Buka antrean verifikasi: {absolute_path(link)}", "", "— Anugerah"]
        queued += _queue(verifier, f"Ringkasan harian: {len(rows)} inovasi menunggu verifikasi "
                         f"({competition.name})", "\n".join(body), link=link, now=now,
                         dedupe_key=DIGEST_KEY.format(competition=competition.id, verifier=verifier.id,
                                                      day=today.isoformat()))
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
