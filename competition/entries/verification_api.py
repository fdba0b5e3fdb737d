"""API v1: the verifier's queue, and verifying several innovations at once, as the verification
pages (:mod:`competition.entries.verification_views`) do. Verifying several is all or nothing:
each innovation is checked by the workflow as the single action does, and when any is refused
none is verified, and every refusal is named."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from competition.api import blueprint, needs
from competition.api.problems import problem
from competition.api.schemas import PageArgs, page_of
from competition.documents.inputs import NOTE
from competition.entries.operations import change_entry_status
from competition.entries.verification_views import QUEUE_STATUSES
from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import Entry
from competition.policy import competitions_where, verifiable_entries
from competition.unit_of_work import atomic
from workflows import WorkflowError

bp = blueprint("api_verification", __name__, "Verification: the verifier's queue, and verifying several "
               "innovations at once.")
ID = validate.Range(min=1, max=2**31 - 1)


class QueueArgs(PageArgs):
    status = fields.String(load_default="submitted", validate=validate.OneOf(QUEUE_STATUSES))
    competition_id = fields.Integer(validate=ID)
    organisation_id = fields.Integer(validate=ID)
    category_id = fields.Integer(validate=ID)


class QueueItemOut(Schema):
    id = fields.Integer(required=True)
    competition_id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    organisation = fields.Function(lambda entry: entry.organisation.name, required=True)
    category_id = fields.Integer(allow_none=True)
    category = fields.Function(lambda entry: entry.category.name if entry.category else None, allow_none=True)
    submitted_at = fields.AwareDateTime(allow_none=True)


class VerifySeveralIn(Schema):
    class Meta:
        unknown = RAISE

    entry_ids = fields.List(fields.Integer(validate=ID), required=True,
                            validate=validate.Length(min=1, max=500))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=NOTE))


class VerifiedOut(Schema):
    verified = fields.List(fields.Nested(QueueItemOut), required=True)


def _verifies_somewhere() -> None:
    """As the pages: someone who verifies in no competition is refused (403)."""
    if not competitions_where(current_user, "verifier"):
        abort(403)


@bp.route("/verification")
@bp.arguments(QueueArgs, location="query")
@bp.response(200, page_of(QueueItemOut, "VerificationQueuePage"))
@bp.doc(responses={"401": {"description": "No token, or a wrong one."},
                   "403": {"description": "The user verifies in no competition."}})
@needs("read")
def queue(query: dict[str, Any]) -> dict[str, Any]:
    """The verifier's queue, oldest submission first; filter by status, competition, OPD and category.

    Innovations of the verifier's own OPD (or a unit below it) are left out, as on the page."""
    _verifies_somewhere()
    where = [verifiable_entries(current_user), Entry.status == query["status"]]
    for name in ("competition_id", "organisation_id", "category_id"):
        if name in query:
            where.append(getattr(Entry, name) == query[name])
    total = db.session.scalar(select(func.count()).select_from(Entry).where(*where))
    items = db.session.scalars(select(Entry).where(*where)
                               .options(selectinload(Entry.organisation), selectinload(Entry.category))
                               .order_by(Entry.submitted_at, Entry.id)
                               .limit(query["per_page"]).offset((query["page"] - 1) * query["per_page"]))
    return {"items": list(items), "total": total, "page": query["page"], "per_page": query["per_page"]}


class _Refused(Exception):
    """Some innovation was refused: everything verified meanwhile is undone."""


@bp.route("/verification/verify-several", methods=["POST"])
@bp.arguments(VerifySeveralIn)
@bp.response(200, VerifiedOut)
@bp.alt_response(409, description="Some innovation may not be verified now: none is, each refusal named.")
@bp.alt_response(422, description="Some id is not an innovation the user verifies: none is verified.")
@bp.doc(responses={"401": {"description": "No token, or a wrong one."},
                   "403": {"description": "The user verifies in no competition."}})
@needs("write")
def verify_several(body: dict[str, Any]) -> Response | dict[str, Any]:
    """Verify a list of innovations, all or none, each through the workflow as the single action."""
    _verifies_somewhere()
    ids = list(dict.fromkeys(body["entry_ids"]))
    competitions = sorted(competitions_where(current_user, "verifier"))
    entries = {e.id: e for e in db.session.scalars(
        select(Entry).where(Entry.id.in_(ids), Entry.competition_id.in_(competitions))
        .options(selectinload(Entry.organisation), selectinload(Entry.category)))
        if e.status != "draft" or e.submitted_at is not None}
    unknown = [entry_id for entry_id in ids if entry_id not in entries]
    if unknown:
        return problem(422, "Unprocessable Entity", "Not among the innovations you verify: nothing was "
                       "verified.", errors={"entry_ids": [f"#{entry_id}: not found" for entry_id in unknown]})
    refused: dict[str, list[str]] = {}
    try:
        with atomic():
            for entry_id in ids:
                try:
                    change_entry_status(entries[entry_id], "verify", current_user, comment=body["comment"])
                except (WorkflowError, AnugerahError) as error:
                    reasons = getattr(error, "reasons", None) or getattr(error, "problems", None)
                    refused[f"entry_ids.{entry_id}"] = list(reasons or [str(error)])
            if refused:
                raise _Refused
    except _Refused:
        details = "; ".join(f"#{key.rsplit('.', 1)[1]} {entries[int(key.rsplit('.', 1)[1])].title}: "
                            f"{', '.join(reasons)}" for key, reasons in refused.items())
        return problem(409, "Conflict", f"Nothing was verified: {details}", errors=refused)
    return {"verified": [entries[entry_id] for entry_id in ids]}
