"""Notifications through a real SMTP server on loopback (aiosmtpd): the outbox, retries,
reminders and the in-app list."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from competition.documents.formatting import format_datetime
from competition.entries.operations import change_entry_status
from competition.extensions import db
from competition.models.types import utcnow
from competition.notifications.models import Notification, OutboxMessage
from competition.notifications.operations import SendReport, send_outbox
from competition.notifications.reminders import queue_deadline_reminders
from tests.factories import PASSWORD, make_competition, make_entry, make_organisation, make_user


class Inbox:
    """An SMTP handler keeping what arrives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_USER="", SMTP_STARTTLS=False)
    yield inbox
    controller.stop()


@pytest.fixture
def opd(app):
    competition = make_competition(name="Lomba Inovasi 2026")
    dinkes = make_organisation(competition.region, "Dinas Kesehatan")
    puskesmas = make_organisation(competition.region, "Puskesmas Ngletih", parent=dinkes)
    operators = [make_user(competition, "submitter", organisation=dinkes, name="Operator Dinkes"),
                 make_user(competition, "submitter", organisation=puskesmas, name="Operator Puskesmas")]
    verifier = make_user(competition, "verifier", organisation=make_organisation(competition.region))
    return competition, puskesmas, operators, verifier


def test_a_return_reaches_the_opd_operators_by_mail_and_in_the_app(smtp, opd):
    competition, puskesmas, operators, verifier = opd
    entry = make_entry(competition, puskesmas, status="submitted", title="Posyandu Digital")
    change_entry_status(entry, "return_for_revision", verifier, comment="SK belum ditandatangani")
    assert smtp.messages == []                                    # queued, not sent by the request
    assert send_outbox().sent == 2
    recipients = sorted(r for rcpt, _ in smtp.messages for r in rcpt)
    assert recipients == sorted(o.email for o in operators)      # the puskesmas and the dinas above it
    message = smtp.messages[0][1]
    assert message["Subject"] == '[Anugerah] Inovasi "Posyandu Digital" dikembalikan untuk perbaikan'
    assert "SK belum ditandatangani" in message.get_content()
    assert f"/innovations/{entry.id}" in message.get_content()
    assert send_outbox().sent == 0                                # nothing twice
    notes = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert [(n.user_id, n.entry_id) for n in notes] == [(o.id, entry.id) for o in operators]


def test_reopened_scoring_is_not_news_to_the_opd(app):
    """Reopening a scored innovation takes it back to "verified" inside the jury's work: the OPD was
    told of its verification once, and the organiser's reason for reopening is not theirs to read."""
    competition = make_competition(phase="judging")
    puskesmas = make_organisation(competition.region, "Puskesmas Ngletih")
    make_user(competition, "submitter", organisation=puskesmas)
    organiser = make_user(competition, "organiser")
    entry = make_entry(competition, puskesmas, status="scored", title="Posyandu Digital")
    change_entry_status(entry, "reopen_scoring", organiser, comment="Juri 2 salah memasukkan nilai")
    assert entry.status == "verified"
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert db.session.scalars(select(Notification)).all() == []


def test_nothing_is_queued_for_a_refused_change(smtp, opd):
    competition, puskesmas, _, verifier = opd
    entry = make_entry(competition, puskesmas, status="submitted")
    with pytest.raises(Exception, match="alasan|reason"):
        change_entry_status(entry, "reject", verifier, comment="")
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_failed_send_is_retried_not_lost(app, opd):
    competition, puskesmas, _, verifier = opd
    entry = make_entry(competition, puskesmas, status="submitted")
    change_entry_status(entry, "verify", verifier)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())   # nobody listens there
    now = utcnow()
    assert send_outbox(now=now).failed == 2
    message = db.session.scalars(select(OutboxMessage)).first()
    assert (message.sent_at, message.attempts) == (None, 1)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.send_after == now + timedelta(minutes=2)
    assert send_outbox(now=now + timedelta(minutes=1)).failed == 0    # not due yet

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config.update(SMTP_PORT=controller.port)
        assert send_outbox(now=now + timedelta(minutes=3)).sent == 2
    finally:
        controller.stop()
    assert len(inbox.messages) == 2


def test_deadline_reminders_once_a_day_to_opds_with_work_left(smtp, opd):
    competition, puskesmas, operators, verifier = opd
    other = make_organisation(competition.region, "Dinas Sosial")
    done = make_user(competition, "submitter", organisation=other)
    make_entry(competition, other, status="submitted")
    make_entry(competition, puskesmas)                                       # a draft
    # Early in a (UTC) day, so that an hour later is still the same day whatever the clock says.
    near = (competition.submission_closes_at - timedelta(days=3)).replace(hour=2, minute=0)
    assert queue_deadline_reminders(competition, 7, now=near) == 2          # not Dinas Sosial's operator
    assert queue_deadline_reminders(competition, 7, now=near + timedelta(hours=1)) == 0
    assert queue_deadline_reminders(competition, 2, now=near) == 0          # not that close yet
    send_outbox(now=near)
    assert done.email not in [r for rcpt, _ in smtp.messages for r in rcpt]
    assert smtp.messages[0][1]["Subject"].startswith("[Anugerah] Batas waktu pengajuan Lomba Inovasi 2026")
    # The deadline as the pages show it, in WIB (it read "… UTC" in a different form).
    shown = format_datetime(competition.submission_closes_at, "Asia/Jakarta", "id")
    assert shown.endswith(" WIB")
    assert f"Batas waktu pengajuan: {shown}." in smtp.messages[0][1].get_content()


def test_the_in_app_list(client, smtp, opd):
    competition, puskesmas, operators, verifier = opd
    entry = make_entry(competition, puskesmas, status="submitted", title="Posyandu Digital")
    change_entry_status(entry, "verify", verifier)
    client.post("/login", data={"email": operators[1].email, "password": PASSWORD})
    page = client.get("/notifications").get_data(as_text=True)
    assert "Inovasi &#34;Posyandu Digital&#34; terverifikasi" in page   # escaped quotes
    assert 'Notifikasi\n                <span class="badge' in page            # the unread count
    client.post("/notifications/read")
    assert db.session.scalar(select(Notification).where(Notification.user_id == operators[1].id)).read_at


def test_a_message_claimed_by_one_sender_is_left_alone_by_another(smtp, app):
    from competition.notifications.operations import _claim

    message = OutboxMessage(recipient="op@kota.go.id", subject="Uji", body="Isi")
    db.session.add(message)
    db.session.commit()
    now = utcnow()
    assert _claim(message.id, now) is True
    assert _claim(message.id, now) is False  # the second sender finds it taken
    assert send_outbox(now=now).sent == 0 and smtp.messages == []
    # A sender that died mid-send leaves it to be tried again once the claim runs out.
    assert send_outbox(now=now + timedelta(minutes=11)).sent == 1
    assert [to for to, _ in smtp.messages] == [["op@kota.go.id"]]


def test_the_tick_thread_sends_the_outbox_when_configured(smtp, app, client):
    import time

    app.config["JOBS_TICK_SECONDS"] = 0.05
    db.session.add(OutboxMessage(recipient="op@kota.go.id", subject="Lewat utas", body="Isi"))
    db.session.commit()
    assert "anugerah.tick_thread" not in app.extensions  # created only by the first request
    client.get("/login")
    thread = app.extensions["anugerah.tick_thread"]
    try:
        deadline = time.monotonic() + 10
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        thread.stop()
    assert [m["Subject"] for _, m in smtp.messages] == ["Lewat utas"]
    client.get("/login")
    assert app.extensions["anugerah.tick_thread"] is thread  # one thread per process


def test_a_message_that_cannot_be_written_as_mail_is_recorded_as_failed_and_holds_up_nothing(smtp, app):
    """A title with a line break reaches the subject; the mail library refuses such a header.
    The message is kept with the reason and tried again later; the next one goes out."""
    now = utcnow()
    db.session.add_all([
        OutboxMessage(recipient="a@kota.go.id", subject='[Anugerah] Inovasi "A\nBcc: x@y" dikembalikan',
                      body="Isi", created_at=now, send_after=now),
        OutboxMessage(recipient="b@kota.go.id", subject="[Anugerah] Inovasi B terverifikasi", body="Isi",
                      created_at=now, send_after=now)])
    db.session.commit()
    assert send_outbox(now=now) == SendReport(sent=1, failed=1)
    assert [rcpt for rcpt, _ in smtp.messages] == [["b@kota.go.id"]]
    broken = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "a@kota.go.id"))
    assert broken.sent_at is None and broken.attempts == 1 and broken.last_error.startswith("ValueError")
    assert broken.send_after == now + timedelta(minutes=2)


def test_the_sender_refuses_to_run_inside_a_unit_of_work(app):
    from competition.unit_of_work import unit_of_work

    with pytest.raises(RuntimeError, match="one per message"), unit_of_work():
        send_outbox()
