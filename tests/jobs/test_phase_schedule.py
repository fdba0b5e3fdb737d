"""Every phase change with a date, made by the schedule when the organiser asked for it: at its
moment and not before, once, as the system, in the phase history; a change the workflow refuses
(innovations unverified, rounds open) crashes nothing, is shown with its reason on the set-up page
and told to the organisers once a day, and is made as soon as it may. Reminders before each
deadline reach exactly those who still have work there, once a day."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from competition.errors import InvalidInput
from competition.extensions import db
from competition.jobs.schedule import Outcome, change_phase_when_due, set_schedule, tick
from competition.models import (
    AuditEvent,
    Competition,
    CompetitionEvent,
    Notification,
    OutboxMessage,
    ScheduledPhaseChange,
)
from competition.models.types import utcnow
from competition.unit_of_work import unit_of_work
from tests.conftest import on_postgres
from tests.factories import force_status, make_competition, make_entry, make_organisation, make_user
from tests.judging.test_scoring_views import Jury
from tests.web.pages import page, sign_in

NOW = datetime(2030, 3, 2, 1, 0, tzinfo=UTC)   # 08:00 WIB
DAY = timedelta(days=1)
FIELDS = ("submission_opens_at", "submission_closes_at", "verification_closes_at", "judging_closes_at")
# trigger, the phase it leaves, the phase it reaches, its date, what the phase history says
CHANGES = [
    ("open_submissions", "setup", "open", "submission_opens_at",
     "Dibuka oleh jadwal pada waktu pembukaan pengajuan."),
    ("close_submissions", "open", "verification", "submission_closes_at",
     "Ditutup oleh jadwal pada batas waktu pengajuan."),
    ("start_judging", "verification", "judging", "verification_closes_at",
     "Verifikasi ditutup oleh jadwal pada batas waktunya."),
    ("close_judging", "judging", "results", "judging_closes_at",
     "Penilaian ditutup oleh jadwal pada batas waktunya."),
]


def at(moment: str, when: datetime = NOW) -> dict[str, datetime]:
    """A timeline ten days a step, with ``moment`` at ``when``."""
    index = FIELDS.index(moment)
    return {field: when + (position - index) * 10 * DAY for position, field in enumerate(FIELDS)}


def scheduled(phase: str, triggers: tuple[str, ...], *, reminder_days: int | None = None,
              **moments: datetime) -> Competition:
    competition = make_competition(phase=phase, **moments)
    competition.scheduled_changes = [ScheduledPhaseChange(trigger=trigger) for trigger in triggers]
    competition.reminder_days = reminder_days
    db.session.commit()
    return competition


def history(competition: Competition) -> list[tuple[str, str, str, int | None, str | None]]:
    return [(e.trigger, e.from_phase, e.to_phase, e.actor_id, e.comment) for e in db.session.scalars(
        select(CompetitionEvent).where(CompetitionEvent.competition_id == competition.id)
        .order_by(CompetitionEvent.id))]


def forget_set_up_mail() -> None:
    """The judges were told of their panel and sheets while the jury was set up: what these tests
    read is what the tick queues afterwards."""
    db.session.execute(delete(OutboxMessage))
    db.session.commit()


def mail_to() -> list[tuple[str, str]]:
    return [(m.recipient, m.subject)
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


# -- each phase change at its date ----------------------------------------------------------------

@pytest.mark.parametrize(("trigger", "source", "dest", "moment", "comment"), CHANGES,
                         ids=[change[0] for change in CHANGES])
def test_each_phase_change_is_made_at_its_date_not_before_and_once(app, trigger, source, dest, moment,
                                                                   comment):
    competition = scheduled(source, (trigger,), **at(moment))
    assert tick(now=NOW - timedelta(seconds=1), send_mail=False).changed == []
    db.session.refresh(competition)
    assert competition.phase == source and history(competition) == []
    report = tick(now=NOW, send_mail=False)
    assert (report.changed, report.refused) == ([(competition.id, trigger)], [])
    # The next tick finds it made: nothing more happens.
    assert tick(now=NOW + timedelta(minutes=1), send_mail=False).changed == []
    db.session.refresh(competition)
    assert competition.phase == dest
    # Through the workflow, in the phase history, with no person as the actor: the system.
    assert history(competition) == [(trigger, source, dest, None, comment)]


def test_only_the_changes_asked_for_are_made(app):
    # Verification's deadline has passed, but the organiser left closing it to a person.
    competition = scheduled("verification", ("close_submissions", "close_judging"),
                            **at("verification_closes_at", NOW - DAY))
    not_asked = scheduled("setup", (), **at("submission_opens_at", NOW - DAY))
    assert tick(now=NOW, send_mail=False).changed == []
    db.session.refresh(competition)
    db.session.refresh(not_asked)
    assert (competition.phase, not_asked.phase) == ("verification", "setup")


def test_a_competition_whose_dates_passed_moves_as_far_as_the_workflow_lets_it_in_one_tick(app):
    every = ("open_submissions", "close_submissions", "start_judging", "close_judging")
    competition = scheduled("setup", every, **at("judging_closes_at", NOW - DAY))
    make_entry(competition, make_organisation(competition.region, "Dinas Sosial"), status="submitted")
    report = tick(now=NOW, send_mail=False)
    assert report.changed == [(competition.id, "open_submissions"), (competition.id, "close_submissions")]
    assert report.refused == [(competition.id, "start_judging")]
    db.session.refresh(competition)
    assert competition.phase == "verification"


# -- a refused change -----------------------------------------------------------------------------

def test_unverified_innovations_hold_judging_back_with_the_reason_shown_and_told_once_a_day(app, client):
    competition = scheduled("verification", ("start_judging",), **at("verification_closes_at"))
    region = competition.region
    waiting = [make_entry(competition, make_organisation(region, name), status="submitted")
               for name in ("Dinas Kesehatan", "Dinas Pendidikan")]
    organiser = make_user(competition, "organiser", name="Panitia")
    second = make_user(competition, "organiser", name="Panitia Dua")
    make_user(competition, "verifier")
    make_user(competition, "judge")
    elsewhere = make_competition(phase="verification")
    make_user(elsewhere, "organiser")

    report = tick(now=NOW, send_mail=False)   # no exception: the tick goes on
    assert (report.changed, report.refused) == ([], [(competition.id, "start_judging")])
    db.session.refresh(competition)
    assert competition.phase == "verification" and history(competition) == []
    change = competition.scheduled_change("start_judging")
    reason = "2 inovasi masih diajukan dan menunggu verifikasi"
    assert (change.refusal, change.refused_at) == (reason, NOW)
    # Each organiser of this competition, and nobody else, is told; in the app too.
    subject = f'[Anugerah] Jadwal belum dapat menjalankan "Mulai penilaian" pada {competition.name}'
    assert mail_to() == [(organiser.email, subject), (second.email, subject)]
    assert reason in db.session.scalar(select(OutboxMessage.body).limit(1))
    assert {n.user_id for n in db.session.scalars(select(Notification))} == {organiser.id, second.id}

    # Later the same day: still refused, still shown since the first refusal, nobody told again.
    assert tick(now=NOW + timedelta(hours=5), send_mail=False).refused == [(competition.id, "start_judging")]
    db.session.refresh(change)
    assert change.refused_at == NOW and len(mail_to()) == 2
    # The next day the organisers are told again.
    tick(now=NOW + DAY, send_mail=False)
    assert len(mail_to()) == 4

    sign_in(client, organiser)
    html = page(client.get(f"/manage/{competition.id}/setup"))
    assert 'data-schedule-refused="start_judging"' in html
    assert "The schedule could not take this step at its date (since" in html and reason in html

    # Once every innovation is verified, the next tick makes the change and the reason goes.
    for entry in waiting:
        force_status(entry, "verified")
    assert tick(now=NOW + 2 * DAY, send_mail=False).changed == [(competition.id, "start_judging")]
    db.session.refresh(change)
    db.session.refresh(competition)
    assert (competition.phase, change.refusal, change.refused_at) == ("judging", None, None)
    assert 'data-schedule-refused' not in page(client.get(f"/manage/{competition.id}/setup"))


def test_an_open_round_holds_the_end_of_judging_back(app):
    jury = Jury()
    competition = jury.competition
    competition.scheduled_changes = [ScheduledPhaseChange(trigger="close_judging")]
    db.session.commit()
    forget_set_up_mail()
    moment = competition.judging_closes_at
    assert tick(now=moment - timedelta(seconds=1), send_mail=False).refused == []
    assert tick(now=moment, send_mail=False).refused == [(competition.id, "close_judging")]
    db.session.refresh(competition)
    assert competition.phase == "judging"
    refusal = competition.scheduled_change("close_judging").refusal
    assert refusal == "tahap penilaian Penilaian dokumen belum ditutup"
    assert mail_to() == [(jury.organiser.email, '[Anugerah] Jadwal belum dapat menjalankan "Tutup penilaian" '
                                                f'pada {competition.name}')]


def test_the_schedule_leaves_a_change_made_by_a_person_meanwhile(app):
    competition = scheduled("open", ("close_submissions",), **at("submission_closes_at"))
    force_status(competition, "verification")   # an organiser closed submissions early
    with unit_of_work():
        assert change_phase_when_due(competition.id, "close_submissions", NOW) is Outcome.NOTHING
    assert history(competition) == []


@pytest.mark.postgres_only
@pytest.mark.skipif(not on_postgres(), reason="two ticks at once need PostgreSQL's row locks to both read "
                    "the competition before either writes; SQLite lets one writer in at a time (CI runs "
                    "this on PostgreSQL)")
def test_two_ticks_at_once_start_judging_exactly_once(app):
    competition = scheduled("verification", ("start_judging",), **at("verification_closes_at"))
    competition_id, version = competition.id, competition.version
    db.session.remove()
    both_ready = threading.Barrier(2, timeout=10)
    outcomes: list[Outcome] = []
    failures: list[BaseException] = []

    def one_tick() -> None:
        with app.app_context():
            try:
                assert db.session.get(Competition, competition_id).phase == "verification"
                both_ready.wait()
                with unit_of_work():
                    outcomes.append(change_phase_when_due(competition_id, "start_judging", NOW))
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
    assert sorted(outcome.value for outcome in outcomes) == ["changed", "nothing"]
    stored = db.session.get(Competition, competition_id)
    assert stored.phase == "judging" and stored.version == version + 1
    assert [e[0] for e in history(stored)] == ["start_judging"]


# -- reminders before each deadline ---------------------------------------------------------------

def test_verifiers_with_innovations_to_verify_are_reminded_before_verification_closes(app):
    competition = scheduled("verification", (), reminder_days=5,
                            **at("verification_closes_at", NOW + 3 * DAY))
    region = competition.region
    kesehatan = make_organisation(region, "Dinas Kesehatan")
    pendidikan = make_organisation(region, "Dinas Pendidikan")
    puskesmas = make_organisation(region, "Puskesmas Ngletih", parent=kesehatan)
    make_entry(competition, puskesmas, status="submitted")      # waiting for a verifier
    make_entry(competition, pendidikan, status="verified")      # done
    make_entry(competition, pendidikan, status="draft")         # never submitted: nobody's work
    from_pendidikan = make_user(competition, "verifier", organisation=pendidikan)   # has the Puskesmas's
    unattached = make_user(competition, "verifier")                                 # has it too
    make_user(competition, "verifier", organisation=kesehatan)   # the only waiting one is below its own OPD
    gone = make_user(competition, "verifier", organisation=pendidikan)
    gone.active = False
    make_user(competition, "organiser", "judge")
    make_user(competition, "submitter", organisation=pendidikan)   # submissions are closed
    other = scheduled("verification", (), reminder_days=5, **at("verification_closes_at", NOW + 3 * DAY))
    make_user(other, "verifier")   # another competition, with nothing to verify
    db.session.commit()

    assert tick(now=NOW - 3 * DAY, send_mail=False).reminders == 0   # six days ahead: not yet
    assert tick(now=NOW, send_mail=False).reminders == 2
    subject = f"[Anugerah] Batas waktu verifikasi {competition.name}: 3 hari lagi"
    assert mail_to() == [(from_pendidikan.email, subject), (unattached.email, subject)]
    assert "Masih ada 1 inovasi yang menunggu verifikasi Anda." in db.session.scalar(
        select(OutboxMessage.body).limit(1))
    assert tick(now=NOW + timedelta(hours=6), send_mail=False).reminders == 0   # once a day
    assert tick(now=NOW + DAY, send_mail=False).reminders == 2                  # and the next day again
    assert tick(now=NOW + 4 * DAY, send_mail=False).reminders == 0             # the deadline has passed


def test_judges_with_sheets_not_confirmed_are_reminded_before_judging_closes(app):
    jury = Jury()
    jury.others.confirmed_at = utcnow()
    force_status(jury.others, "confirmed")   # the second judge is done; the third has no sheet
    jury.competition.reminder_days = 5
    moment = jury.competition.judging_closes_at - 2 * DAY
    later = Jury()   # another competition, whose judging closes nine days after that moment
    later.competition.reminder_days = 5
    later.competition.judging_closes_at = moment + 9 * DAY
    db.session.commit()
    forget_set_up_mail()
    assert tick(now=moment, send_mail=False).reminders == 1
    assert mail_to() == [(jury.judge.email, f"[Anugerah] Batas waktu penilaian {jury.competition.name}: "
                                            "2 hari lagi")]
    assert "Masih ada 3 lembar penilaian Anda yang belum dikonfirmasi." in db.session.scalar(
        select(OutboxMessage.body))
    assert tick(now=moment + timedelta(hours=1), send_mail=False).reminders == 0


def test_operators_are_still_reminded_only_before_submissions_close(app):
    competition = scheduled("open", (), reminder_days=5, **at("submission_closes_at", NOW + 2 * DAY))
    operator = make_user(competition, "submitter", organisation=make_organisation(competition.region))
    make_user(competition, "verifier")
    assert tick(now=NOW, send_mail=False).reminders == 1
    assert [recipient for recipient, _ in mail_to()] == [operator.email]


# -- setting the schedule --------------------------------------------------------------------------

def test_the_organiser_chooses_each_change_and_the_choice_is_audited(app):
    competition = make_competition(phase="setup")
    organiser = make_user(competition, "organiser")
    version = competition.version
    set_schedule(competition, organiser, triggers=["close_judging", "open_submissions"], reminder_days=3)
    db.session.commit()
    db.session.refresh(competition)
    assert competition.scheduled_triggers == ["open_submissions", "close_judging"]
    assert competition.version == version + 1   # a client holding the old version must read it again
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "schedule.changed")).all()
    assert [(a.actor_id, a.details) for a in audit] == [
        (organiser.id, {"phase_changes": ["open_submissions", "close_judging"], "reminder_days": 3})]
    with pytest.raises(InvalidInput, match="scheduled phase changes: close_competition cannot be scheduled"):
        set_schedule(competition, organiser, triggers=["close_competition"], reminder_days=None)
    db.session.rollback()
    db.session.refresh(competition)
    assert competition.scheduled_triggers == ["open_submissions", "close_judging"]


def test_a_change_whose_phase_is_over_stays_as_it_was_whoever_asks(app):
    """Found in review: only the page kept a past phase change as it was; the API and the command
    (which call the operation) could take it off or put it back."""
    competition = make_competition(phase="verification")
    competition.scheduled_changes = [ScheduledPhaseChange(trigger="close_submissions")]
    organiser = make_user(competition, "organiser")
    db.session.commit()
    set_schedule(competition, organiser, triggers=["open_submissions", "close_judging"], reminder_days=None)
    db.session.commit()
    db.session.refresh(competition)
    # Opening and closing submissions are over: the first stays off, the second on.
    assert competition.scheduled_triggers == ["close_submissions", "close_judging"]


def test_the_schedule_form_sets_each_change_and_keeps_those_whose_phase_is_over(client, app):
    competition = make_competition(phase="verification")
    competition.scheduled_changes = [ScheduledPhaseChange(trigger="close_submissions")]
    db.session.commit()
    organiser = make_user(competition, "organiser")
    sign_in(client, organiser)
    html = page(client.get(f"/manage/{competition.id}/setup"))
    assert "Verification closes when an organiser starts judging." in html
    assert "Judging closes when an organiser closes it." in html
    # Submissions are closed: their boxes are gone, the rest may be ticked.
    assert 'name="close_submissions"' not in html and 'name="open_submissions"' not in html
    assert 'name="start_judging"' in html and 'name="close_judging"' in html
    url = f"/manage/{competition.id}/setup/schedule/automatic"
    response = client.post(url, data={"start_judging": "y", "close_judging": "y", "open_submissions": "y",
                                      "reminder_days": "2"})
    assert response.status_code == 302
    db.session.refresh(competition)
    assert competition.scheduled_triggers == ["close_submissions", "start_judging", "close_judging"]
    html = page(client.get(f"/manage/{competition.id}/setup"))
    assert "Verification closes by itself at its deadline, and judging starts." in html
    assert "Judging closes by itself at its deadline." in html

    # Bad input names the field and changes nothing.
    for value, problem in (("dua", "Not a valid integer value."),
                           ("0", "a whole number of days from 1 to 60")):
        response = client.post(url, data={"reminder_days": value}, follow_redirects=True)
        assert (f"Remind those with work left this many days before each deadline: {problem}"
                in page(response))
    db.session.refresh(competition)
    assert (competition.scheduled_triggers, competition.reminder_days) == (
        ["close_submissions", "start_judging", "close_judging"], 2)

    # Anyone but an organiser is turned away.
    judge = make_user(competition, "judge")
    judges_browser = app.test_client()
    sign_in(judges_browser, judge)
    assert judges_browser.post(url, data={}).status_code == 403
    db.session.refresh(competition)
    assert competition.scheduled_triggers == ["close_submissions", "start_judging", "close_judging"]


def test_the_schedule_on_the_command_line(app, runner):
    competition = make_competition(phase="setup")
    organiser = make_user(competition, "organiser")
    result = runner.invoke(args=["jobs", "schedule", str(competition.id), "--open-submissions",
                                 "--close-judging", "--remind-days", "4", "--as", organiser.email])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"{competition.name}: the schedule makes open_submissions, "
                                     "close_judging; reminders 4 day(s) before each deadline.")
    db.session.refresh(competition)
    assert (competition.scheduled_triggers, competition.reminder_days) == (
        ["open_submissions", "close_judging"], 4)
