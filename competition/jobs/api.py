"""API v1: background jobs. How far a job got, what came of it, and the file it made: for the
person who asked and the competition's organisers, as the job's page
(:mod:`competition.jobs.views`)."""

from __future__ import annotations

from typing import Any

from flask import abort, send_file, url_for
from flask_login import current_user
from marshmallow import Schema, fields
from werkzeug.wrappers import Response

from competition.api import blueprint, needs
from competition.extensions import db
from competition.jobs.runner import stored_file
from competition.jobs.views import job_state
from competition.models import Job
from competition.policy import can_see_job

bp = blueprint("api_jobs", __name__, "Background jobs: progress, result and the file made.")


class JobOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    competition_id = fields.Integer(allow_none=True)
    status = fields.String(required=True, metadata={"description": "queued, running, done or failed"})
    done = fields.Integer(required=True)
    total = fields.Integer(allow_none=True)
    percent = fields.Integer(required=True)
    finished = fields.Boolean(required=True)
    summary = fields.String(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "Why it failed, in words."})
    file_name = fields.String(allow_none=True)
    download = fields.String(allow_none=True, metadata={"description": "Where the file it made downloads."})
    page = fields.String(required=True, metadata={"description": "The job's page in the browser."})
    created_at = fields.AwareDateTime(required=True)
    started_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)


def seen_job(job_id: int) -> Job:
    """A job the user may see (:func:`~competition.policy.can_see_job`); any other: 404."""
    job = db.session.get(Job, job_id)
    if not can_see_job(current_user, job):
        abort(404)
    assert job is not None
    return job


def job_out(job: Job) -> dict[str, Any]:
    has_file = stored_file(job) is not None
    return {**job_state(job), "id": job.id, "kind": job.kind, "competition_id": job.competition_id,
            "summary": job.summary, "error": job.error, "file_name": job.file_name if has_file else None,
            "download": url_for("api_jobs.job_file", job_id=job.id) if has_file else None,
            "page": url_for("jobs.show", job_id=job.id), "created_at": job.created_at,
            "started_at": job.started_at, "finished_at": job.finished_at}


@bp.route("/jobs/<int:job_id>")
@bp.response(200, JobOut)
@bp.alt_response(404, description="No such job, or not the user's to see.")
@bp.alt_response(401, description="No token, or a wrong one.")
@needs("read")
def job(job_id: int) -> dict[str, Any]:
    """A job: its status, progress (done of total), summary or reason for failing, and its file."""
    return job_out(seen_job(job_id))


@bp.route("/jobs/<int:job_id>/file")
@bp.doc(responses={"200": {"description": "The file, as an attachment: a PDF for documents.", "content": {
    media: {"schema": {"type": "string", "format": "binary"}}
    for media in ("application/pdf", "application/octet-stream")}}})
@bp.alt_response(404, description="No such job, or it made no file (yet).")
@bp.alt_response(401, description="No token, or a wrong one.")
@needs("read")
def job_file(job_id: int) -> Response:
    """The file a finished job made."""
    job = seen_job(job_id)
    path = stored_file(job)
    if path is None:
        abort(404)
    return send_file(path, mimetype=job.media_type or "application/octet-stream", as_attachment=True,
                     download_name=job.file_name or path.name)
