"""``flask mail ...``: send the outbox, queue deadline reminders."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from competition.cli.common import COUNT, ID, emit, get_competition, json_option
from competition.extensions import db
from competition.notifications.models import OutboxMessage
from competition.unit_of_work import runs_its_own_units


@click.group("mail")
def mail_group() -> None:
    """E-mail notifications."""


@mail_group.command("send")
@click.option("--limit", type=COUNT, default=200, help="Most messages to send in this run.")
@json_option
@runs_its_own_units
def send_command(limit: int, as_json: bool) -> None:
    """Send the queued e-mail that is due (run it from cron or a worker)."""
    from competition.notifications.operations import send_outbox

    report = send_outbox(limit=limit)
    waiting = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.sent_at.is_(None)))
    emit(as_json, {"sent": report.sent, "failed": report.failed, "waiting": waiting},
         f"{report.sent} sent, {report.failed} failed (will be retried), {waiting} waiting.")
    if report.failed:
        raise SystemExit(1)


@mail_group.command("remind")
@click.argument("competition_id", type=ID)
@click.option("--days", type=COUNT, default=7, help="Remind when the deadline is this close.")
@json_option
def remind_command(competition_id: int, days: int, as_json: bool) -> None:
    """Queue deadline reminders for OPDs with drafts or with nothing submitted."""
    from competition.notifications.reminders import queue_deadline_reminders

    queued = queue_deadline_reminders(get_competition(competition_id), days)
    emit(as_json, {"queued": queued}, f"{queued} reminder(s) queued.")
