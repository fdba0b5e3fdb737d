"""The score import runs as a job from the command line, with progress per judge's sheet and
every bad row named; the organiser sets what the schedule does on the set-up page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from competition.extensions import db
from competition.jobs.models import Job
from competition.models import Score
from tests.factories import make_competition, make_user
from tests.judging.test_scoring_views import Jury
from tests.web.pages import page, sign_in


def test_the_score_import_is_a_job_with_progress_per_sheet(app, runner, tmp_path: Path):
    jury = Jury()
    path = tmp_path / "nilai.csv"
    # Three sheets: the judge's on Si-Sehat and Lapor Mas Wali, the other judge's on Si-Sehat.
    path.write_text("entry_id,judge,criterion,value\n"
                    f"{jury.sehat.id},{jury.judge.email},Kebaharuan,80\n"
                    f"{jury.sehat.id},{jury.judge.email},Regulasi,2\n"
                    f"{jury.lapor.id},{jury.judge.email},Kebaharuan,70\n"
                    f"{jury.sehat.id},{jury.other_judge.email},Kebaharuan,90\n", encoding="utf-8")
    result = runner.invoke(args=["judging", "import-scores", str(jury.round.id), str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "4 score(s) saved for 3 judge-entry pair(s); 0 confirmed."
    job = db.session.scalar(select(Job))
    assert (job.kind, job.status, job.progress_done, job.progress_total) == ("score_import", "done", 3, 3)
    assert job.requested_by_id is None and job.competition_id == jury.competition.id   # the administrator
    assert db.session.scalar(select(func.count()).select_from(Score)) == 4


def test_a_bad_score_file_names_each_row_and_field_and_saves_nothing(app, runner, tmp_path: Path):
    jury = Jury()
    path = tmp_path / "nilai.csv"
    path.write_text("entry_id,judge,criterion,value\n"
                    f"{jury.sehat.id},{jury.judge.email},Kebaharuan,80\n"
                    f"{jury.sehat.id},{jury.judge.email},Kebaharuan,81\n"
                    f"{jury.sehat.id},{jury.judge.email},Kecepatan,50\n"
                    f"{jury.sehat.id},{jury.idle_judge.email},Kebaharuan,50\n", encoding="utf-8")
    result = runner.invoke(args=["judging", "import-scores", str(jury.round.id), str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "  nilai.csv row 3: criterion: a second value for Kebaharuan",
        "  nilai.csv row 4: criterion: 'Kecepatan' is not a criterion of round 'Penilaian dokumen'",
        f"  nilai.csv row 5: judge: {jury.idle_judge.email} is not assigned to innovation {jury.sehat.id} "
        "in this round"]
    assert db.session.scalar(select(func.count()).select_from(Score)) == 0
    assert db.session.scalar(select(Job.status)) == "failed"


def test_the_organiser_sets_what_the_schedule_does_on_the_set_up_page(client, app):
    competition = make_competition()
    organiser = make_user(competition, "organiser")
    sign_in(client, organiser)
    html = page(client.get(f"/manage/{competition.id}/setup"))
    assert "Submissions close when an organiser closes them." in html
    url = f"/manage/{competition.id}/setup/schedule/automatic"
    response = client.post(url, data={"close_submissions": "y", "reminder_days": "7"})
    assert response.status_code == 302
    db.session.refresh(competition)
    assert (competition.close_submissions_on_schedule, competition.reminder_days) == (True, 7)
    html = page(client.get(f"/manage/{competition.id}/setup"))
    assert "Submissions close by themselves at the submission deadline." in html
    assert "reminded 7 day(s) before each deadline" in html
    # A wrong number is refused naming the field, and nothing changes.
    response = client.post(url, data={"reminder_days": "90"}, follow_redirects=True)
    assert ("Remind those with work left this many days before each deadline: a whole number of days "
            "from 1 to 60" in page(response))
    db.session.refresh(competition)
    assert (competition.close_submissions_on_schedule, competition.reminder_days) == (True, 7)


def _one_sheet(jury, tmp_path: Path) -> Path:
    path = tmp_path / "nilai.csv"
    path.write_text("entry_id,judge,criterion,value\n"
                    f"{jury.sehat.id},{jury.judge.email},Kebaharuan,80\n"
                    f"{jury.sehat.id},{jury.judge.email},Regulasi,2\n", encoding="utf-8")
    return path


def test_an_import_names_who_imported_it_in_the_audit_log(app, runner, tmp_path: Path):
    """Before, each imported confirmation read as made by the judge, with no trace of who imported
    the file. Now one audit row names the importer (--as), the file and what it saved."""
    from competition.models import AuditEvent

    jury = Jury()
    organiser = jury.organiser
    sheet = str(_one_sheet(jury, tmp_path))
    result = runner.invoke(args=["judging", "import-scores", str(jury.round.id), sheet, "--confirm",
                                 "--as", organiser.email])
    assert result.exit_code == 0, result.output
    [row] = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "scores.imported")).all()
    assert (row.actor_id, row.competition_id) == (organiser.id, jury.competition.id)
    assert row.details == {"file": "nilai.csv", "round": "Penilaian dokumen", "sheets": 1, "scores": 2,
                           "confirmed": 1}
    assert db.session.scalar(select(Job.requested_by_id)) == organiser.id


def test_an_import_as_someone_who_does_not_organise_the_round_saves_nothing(app, runner, tmp_path: Path):
    jury = Jury()
    sheet = str(_one_sheet(jury, tmp_path))
    result = runner.invoke(args=["judging", "import-scores", str(jury.round.id), sheet,
                                 "--as", jury.judge.email])
    assert result.exit_code == 1 and "organiser" in result.output
    assert db.session.scalar(select(func.count()).select_from(Score)) == 0


def test_an_import_without_as_is_logged_as_the_administrators(app, runner, tmp_path: Path):
    from competition.models import AuditEvent

    jury = Jury()
    sheet = str(_one_sheet(jury, tmp_path))
    result = runner.invoke(args=["judging", "import-scores", str(jury.round.id), sheet])
    assert result.exit_code == 0, result.output
    [row] = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "scores.imported")).all()
    assert row.actor_id is None and row.details["sheets"] == 1
