"""A job's page: how far it got, what came of it, and why it failed; its progress as JSON for the
page's script to poll; and the file it made."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import BooleanField, IntegerField
from wtforms.validators import NumberRange, Optional

from competition.competitions.manage import organised_competition
from competition.errors import AnugerahError
from competition.extensions import db
from competition.jobs.runner import live_progress, stored_file
from competition.jobs.schedule import MAX_REMINDER_DAYS, changeable, set_schedule, source_phase
from competition.models import SCHEDULABLE_CHANGES, Competition, Job
from competition.policy import can_see_job
from competition.web.forms import PageForm

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
# What the schedule does by itself, set on the competition's set-up page.
schedule_bp = Blueprint("schedule", __name__, url_prefix="/manage")


def _seen_job(job_id: int) -> Job:
    """A job the signed-in person may see (:func:`~competition.policy.can_see_job`); anyone else
    is told nothing of it: 404."""
    job = db.session.get(Job, job_id)
    if not can_see_job(current_user, job):
        abort(404)
    assert job is not None
    return job


def job_state(job: Job) -> dict[str, Any]:
    done, total = live_progress(job)
    percent = 100 if job.status == "done" else (min(100, done * 100 // total) if total else 0)
    return {"status": job.status, "done": done, "total": total, "percent": percent,
            "finished": job.status in ("done", "failed")}


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int) -> str:
    job = _seen_job(job_id)
    return render_template("jobs/show.html", job=job, state=job_state(job),
                           has_file=stored_file(job) is not None)


@bp.get("/<int:job_id>/progress.json")
@login_required
def progress(job_id: int) -> Response:
    """What the page's script polls; when the job has ended the script reloads the page."""
    job = _seen_job(job_id)
    response = jsonify({**job_state(job), "page": url_for("jobs.show", job_id=job.id)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int) -> Response:
    job = _seen_job(job_id)
    path = stored_file(job)
    if path is None:
        abort(404)
    return send_file(path, mimetype=job.media_type or "application/octet-stream", as_attachment=True,
                     download_name=job.file_name or path.name)


# Per scheduled phase change: what the page says when the schedule makes it, when a person does,
# and the checkbox that lets the schedule make it.
SCHEDULE_TEXTS = {
    "open_submissions": (_l("Submissions open by themselves at the submission opening."),
                         _l("Submissions open when an organiser opens them."),
                         _l("Open submissions by themselves at the submission opening")),
    "close_submissions": (_l("Submissions close by themselves at the submission deadline."),
                          _l("Submissions close when an organiser closes them."),
                          _l("Close submissions by themselves at the submission deadline")),
    "start_judging": (_l("Verification closes by itself at its deadline, and judging starts."),
                      _l("Verification closes when an organiser starts judging."),
                      _l("Close verification and start judging by themselves at the verification deadline")),
    "close_judging": (_l("Judging closes by itself at its deadline."),
                      _l("Judging closes when an organiser closes it."),
                      _l("Close judging by itself at the judging deadline")),
}


@schedule_bp.app_context_processor
def schedule_helpers() -> dict[str, Any]:
    return {"scheduled_steps": scheduled_steps}


def scheduled_steps(competition: Competition) -> list[dict[str, Any]]:
    """The schedule card's lines: each phase change with a date, whether the schedule makes it,
    whether it may still be changed, and why the workflow refused it at its date (while it still
    waits to be made)."""
    steps = []
    for trigger, deadline in SCHEDULABLE_CHANGES.items():
        scheduled = competition.scheduled_change(trigger)
        on_text, off_text, label = SCHEDULE_TEXTS[trigger]
        waiting = scheduled is not None and competition.phase == source_phase(trigger)
        steps.append({"trigger": trigger, "on": scheduled is not None,
                      "text": on_text if scheduled else off_text,
                      "label": label, "deadline": getattr(competition, deadline),
                      "changeable": changeable(competition, trigger),
                      "refusal": scheduled.refusal if waiting and scheduled else None,
                      "refused_at": scheduled.refused_at if waiting and scheduled else None})
    return steps


class ScheduleForm(PageForm):
    open_submissions = BooleanField(SCHEDULE_TEXTS["open_submissions"][2])
    close_submissions = BooleanField(SCHEDULE_TEXTS["close_submissions"][2])
    start_judging = BooleanField(SCHEDULE_TEXTS["start_judging"][2])
    close_judging = BooleanField(SCHEDULE_TEXTS["close_judging"][2])
    reminder_days = IntegerField(
        _l("Remind those with work left this many days before each deadline"),
        validators=[Optional(), NumberRange(min=1, max=MAX_REMINDER_DAYS,
                                            message=_l("a whole number of days from 1 to 60"))])


@schedule_bp.post("/<int:competition_id>/setup/schedule/automatic")
@login_required
def update(competition_id: int) -> Response:
    """Which phase changes the schedule makes at their dates, and reminders N days before each
    deadline. A phase change whose phase is over stays as it was."""
    competition = organised_competition(competition_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        for field, problems in form.errors.items():
            label = getattr(form, field).label.text if hasattr(form, field) else field
            for problem in problems:
                flash(f"{label}: {problem}", "danger")
    else:
        triggers = [trigger for trigger in SCHEDULABLE_CHANGES if getattr(form, trigger).data]
        try:
            set_schedule(competition, current_user, triggers=triggers, reminder_days=form.reminder_days.data)
        except AnugerahError as error:
            for problem in getattr(error, "problems", None) or [str(error)]:
                flash(problem, "danger")
        else:
            flash(_("Saved: what the schedule does by itself."), "success")
    return redirect(url_for("setup.overview", competition_id=competition.id, _anchor="schedule"))
