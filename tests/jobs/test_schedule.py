"""The periodic tick: submissions closed by the schedule at the deadline, through the workflow,
as the system, exactly once even with two ticks at once; reminders N days before; the outbox.
(Every other scheduled phase change, refusals and reminders: test_phase_schedule.py.)"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.jobs.schedule import close_submissions_when_due, set_schedule, tick
from competition.models import Competition, CompetitionEvent, OutboxMessage, ScheduledPhaseChange
from competition.models.types import utcnow
from competition.notifications.operations import SendReport
from competition.unit_of_work import unit_of_work
from tests.conftest import on_postgres
from tests.factories import make_competition, make_entry, make_organisation, make_user


def scheduled(*, closes_in: timedelta, on: bool = True, reminder_days: int | None = None) -> Competition:
    competition = make_competition(submission_closes_at=utcnow() + closes_in)
    competition.scheduled_changes = [ScheduledPhaseChange(trigger="close_submissions")] if on else []
    competition.reminder_days = reminder_days
    db.session.commit()
    return competition


def events(competition: Competition) -> list[tuple[str, str, str, int | None]]:
    return [(e.trigger, e.from_phase, e.to_phase, e.actor_id) for e in db.session.scalars(
        select(CompetitionEvent).where(CompetitionEvent.competition_id == competition.id))]


def test_the_tick_closes_submissions_at_the_deadline_as_the_system_once(app):
    due = scheduled(closes_in=timedelta(minutes=-1))
    not_yet = scheduled(closes_in=timedelta(hours=1))
    not_asked = scheduled(closes_in=timedelta(minutes=-1), on=False)
    report = tick(send_mail=False)
    assert report.closed == [due.id]
    for competition in (due, not_yet, not_asked):
        db.session.refresh(competition)
    assert (due.phase, not_yet.phase, not_asked.phase) == ("verification", "open", "open")
    # Through the workflow, in the phase history, with no person as the actor: the system.
    assert events(due) == [("close_submissions", "open", "verification", None)]
    assert db.session.scalar(select(CompetitionEvent.comment).where(
        CompetitionEvent.competition_id == due.id)) == "Ditutup oleh jadwal pada batas waktu pengajuan."
    assert tick(send_mail=False).closed == []   # the next tick finds nothing to do
    assert events(due) == [("close_submissions", "open", "verification", None)]
    assert events(not_yet) == [] and events(not_asked) == []


def test_an_hour_later_the_next_tick_closes_the_other(app):
    later = scheduled(closes_in=timedelta(hours=1))
    assert tick(now=utcnow() + timedelta(minutes=61), send_mail=False).closed == [later.id]


@pytest.mark.postgres_only
@pytest.mark.skipif(not on_postgres(), reason="two ticks at once need PostgreSQL's row locks to both read "
                    "the competition before either writes; SQLite lets one writer in at a time (CI runs "
                    "this on PostgreSQL)")
def test_two_ticks_at_once_close_submissions_exactly_once(app):
    competition = scheduled(closes_in=timedelta(minutes=-1))
    competition_id, version, now = competition.id, competition.version, utcnow()
    db.session.remove()
    both_ready = threading.Barrier(2, timeout=10)
    closed: list[bool] = []
    failures: list[BaseException] = []

    def one_tick() -> None:
        with app.app_context():
            try:
                # Both have read the competition as open and due before either locks it.
                assert db.session.get(Competition, competition_id).phase == "open"
                both_ready.wait()
                with unit_of_work():
                    closed.append(close_submissions_when_due(competition_id, now))
            except BaseException as error:  # noqa: BLE001  (reported below)
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one_tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert sorted(closed) == [False, True]
    stored = db.session.get(Competition, competition_id)
    assert stored.phase == "verification" and stored.version == version + 1   # changed once
    assert events(stored) == [("close_submissions", "open", "verification", None)]


def test_reminders_go_n_days_before_the_deadline_once_a_day(app):
    competition = scheduled(closes_in=timedelta(days=3), on=False, reminder_days=5)
    region = competition.region
    drafting = make_organisation(region, "Dinas Kesehatan")
    done = make_organisation(region, "Dinas Pendidikan")
    silent = make_organisation(region, "Dinas Sosial")
    make_entry(competition, drafting, status="draft")
    make_entry(competition, done, status="submitted")
    for organisation in (drafting, done, silent):
        make_user(competition, "submitter", organisation=organisation, name=f"Operator {organisation.name}")
    far = scheduled(closes_in=timedelta(days=9), on=False, reminder_days=5)
    make_user(far, "submitter", organisation=make_organisation(far.region, "Dinas Jauh"))
    # The operators of the OPD with a draft and of the OPD with nothing; not the one that submitted.
    assert tick(send_mail=False).reminders == 2
    assert tick(send_mail=False).reminders == 0   # once a day
    recipients = db.session.scalars(select(OutboxMessage.subject)).all()
    assert recipients == [f"[Anugerah] Batas waktu pengajuan {competition.name}: 2 hari lagi"] * 2


def test_the_organiser_sets_the_schedule_and_nobody_else_may(app):
    competition = make_competition()
    organiser = make_user(competition, "organiser")
    judge = make_user(competition, "judge")
    set_schedule(competition, organiser, triggers=["close_submissions"], reminder_days=7)
    db.session.refresh(competition)
    assert (competition.close_submissions_on_schedule, competition.reminder_days) == (True, 7)
    from competition.errors import InvalidInput, NotPermitted

    with pytest.raises(NotPermitted):
        set_schedule(competition, judge, triggers=[], reminder_days=None)
    with pytest.raises(InvalidInput, match="reminder_days: a whole number of days from 1 to 60"):
        set_schedule(competition, organiser, triggers=[], reminder_days=0)
    db.session.refresh(competition)
    assert (competition.close_submissions_on_schedule, competition.reminder_days) == (True, 7)


def test_jobs_tick_on_the_command_line(app, runner):
    due = scheduled(closes_in=timedelta(minutes=-5))
    result = runner.invoke(args=["jobs", "tick", "--no-mail"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("1 phase change(s) made by the schedule, 0 refused (see the "
                                     "competition's set-up page), 0 reminder(s) queued, 0 verifier digest(s) "
                                     "queued, 0 forgotten job(s) restarted, 0 e-mail(s) sent, 0 failed (will "
                                     "be retried).")
    db.session.refresh(due)
    assert due.phase == "verification"


def test_the_tick_restarts_a_job_its_runner_forgot(app):
    from competition.jobs.models import Job
    from competition.jobs.runner import enqueue

    competition = make_competition()
    organiser = make_user(competition, "organiser")
    with unit_of_work():   # asked for, but never handed to a runner (its web process stopped)
        job_id = enqueue("people_import", competition=competition, by=organiser, start=False,
                         params={"what": "users", "upload": "upload-gone.csv"}).id
    assert tick(send_mail=False).restarted == 0   # too young to be forgotten
    assert tick(now=utcnow() + timedelta(minutes=11), send_mail=False).restarted == 1
    job = db.session.get(Job, job_id)
    assert job.status == "failed" and job.error == "The uploaded file is no longer there; upload it again."
    assert tick(now=utcnow() + timedelta(minutes=11), send_mail=False).restarted == 0


def test_one_competitions_failure_holds_back_neither_the_others_nor_the_outbox(app, monkeypatch):
    """Found in review: the tick caught only a duplicate key around each competition's digest and
    reminders; any other error (a subject too long for PostgreSQL, say) left the tick there, every
    minute, and the outbox was never sent."""
    import competition.jobs.schedule as schedule
    from competition.entries.operations import change_entry_status
    from competition.notifications.operations import digest_cutoff, queue_verifier_digests

    competitions = []
    for name in ("Lomba Inovasi A", "Lomba Inovasi B"):
        competition = make_competition(name=name)
        region = competition.region
        make_user(competition, "verifier", organisation=make_organisation(region, "Bappeda"))
        entry = make_entry(competition, make_organisation(region, "Dinas Kesehatan"))
        operator = make_user(competition, "submitter", organisation=entry.organisation)
        db.session.commit()
        change_entry_status(entry, "submit", operator)
        db.session.commit()
        competitions.append(competition.id)
    broken = competitions[0]

    def digest_or_fail(competition, **options):
        if competition.id == broken:
            raise RuntimeError("the mail table refused the subject")
        return queue_verifier_digests(competition, **options)

    monkeypatch.setattr(schedule, "queue_verifier_digests", digest_or_fail)
    sent = []
    monkeypatch.setattr(schedule, "send_outbox", lambda **options: sent.append(options) or SendReport(0, 0))
    now = digest_cutoff((utcnow() + timedelta(days=1)).date()) + timedelta(minutes=1)
    report = tick(now=now)
    assert report.digests == 1   # the other competition's verifier
    assert sent == [{"now": now}]
